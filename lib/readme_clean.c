/*
 * README markdown and HTML to plain text for indexing and snippets. Drops
 * code (fenced and indented), images and badges with their alt text, HTML
 * tags, comments, script/style bodies, reference definitions, URLs and
 * over-long tokens; keeps link text and decodes entities. It is not a
 * CommonMark parser: emphasis and nested containers are approximated.
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define NONE      ((size_t)-1)
#define MAX_NEST  32  /* open '[' tracked; deeper ones stay literal */
#define MAX_LABEL 999 /* longest reference label, as in CommonMark */

/*
 * Lookaheads that may fail (tags, link destinations, code spans) draw on
 * a budget proportional to the input, so that no input costs more than
 * linear time; once it is spent such constructs are simply kept as text.
 */
#define BUDGET_PER_BYTE 4
#define BUDGET_EXTRA    65536

struct clean {
    const char *in;
    size_t n;
    char *out;
    size_t len;
    size_t cap; /* always > len, leaving room for the final NUL */
    int oom;
    size_t budget;
    size_t marks[MAX_NEST]; /* output offset of each open '[' or "![" */
    unsigned char image[MAX_NEST];
    int depth;
    int prev_para;  /* the previous line was paragraph text */
    int prev_blank; /* the previous line was blank */
    int in_list;    /* indented lines belong to a list item */
};

/* Tags after which the text reads as a new line. */
static const char *const block_tags[] = {
    "blockquote", "br",     "center",     "dd",      "details", "div", "dl",
    "dt",         "figure", "figcaption", "footer",  "h1",      "h2",  "h3",
    "h4",         "h5",     "h6",         "header",  "hr",      "li",  "ol",
    "p",          "pre",    "section",    "summary", "table",   "tr",  "ul",
};

static int is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' ||
           ch == '\v';
}

static int is_alpha(unsigned char ch)
{
    return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

static int is_alnum(unsigned char ch)
{
    return is_alpha(ch) || (ch >= '0' && ch <= '9');
}

/* Letters of any script count: bytes of multi-byte UTF-8 are >= 0x80. */
static int is_word(unsigned char ch)
{
    return is_alnum(ch) || ch >= 0x80;
}

static int is_punct(unsigned char ch)
{
    return ch > ' ' && ch < 0x7F && !is_alnum(ch);
}

/* strchr() would also match the NUL that ends set. */
static int in_set(char ch, const char *set)
{
    return ch != '\0' && strchr(set, ch) != NULL;
}

static int same_name(const char *s, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (name[i] == '\0' || (s[i] | 0x20) != name[i])
            return 0;
    }
    return name[n] == '\0';
}

static int grow(struct clean *c, size_t more)
{
    size_t cap = c->cap;
    char *p;

    while (more >= cap - c->len) {
        if (cap > SIZE_MAX / 2)
            return 0;
        cap *= 2;
    }
    p = realloc(c->out, cap);
    if (!p)
        return 0;
    c->out = p;
    c->cap = cap;
    return 1;
}

static void emit_bytes(struct clean *c, const char *p, size_t k)
{
    if (k >= c->cap - c->len && !grow(c, k)) {
        c->oom = 1;
        return;
    }
    memcpy(c->out + c->len, p, k);
    c->len += k;
}

static void emit(struct clean *c, char ch)
{
    emit_bytes(c, &ch, 1);
}

/* Copies code verbatim apart from control characters. */
static void emit_code(struct clean *c, size_t from, size_t to)
{
    size_t i;

    for (i = from; i < to; i++) {
        unsigned char ch = (unsigned char)c->in[i];

        emit(c, ch < 0x20 || ch == 0x7F ? ' ' : (char)ch);
    }
}

/* End of the lookahead window starting at from. */
static size_t window(const struct clean *c, size_t from)
{
    return c->budget < c->n - from ? from + c->budget : c->n;
}

static void spend(struct clean *c, size_t from, size_t to)
{
    size_t used = to > from ? to - from : 0;

    c->budget = used < c->budget ? c->budget - used : 0;
}

/* ---- Blocks: decided at the start of each line. ---- */

static size_t line_end(const struct clean *c, size_t p)
{
    const char *nl = memchr(c->in + p, '\n', c->n - p);

    return nl ? (size_t)(nl - c->in) : c->n;
}

static size_t next_line(const struct clean *c, size_t e)
{
    return e < c->n ? e + 1 : c->n;
}

/* Skips leading blanks; returns the first other byte, indent in columns. */
static size_t skip_indent(const struct clean *c, size_t p, size_t e,
                          size_t *indent)
{
    size_t col = 0;

    for (; p < e && (c->in[p] == ' ' || c->in[p] == '\t'); p++)
        col = c->in[p] == '\t' ? col + 4 - col % 4 : col + 1;
    *indent = col;
    return p;
}

static int rest_blank(const struct clean *c, size_t p, size_t e)
{
    for (; p < e; p++) {
        if (!is_space((unsigned char)c->in[p]))
            return 0;
    }
    return 1;
}

static size_t run_of(const struct clean *c, size_t p, size_t e, char ch)
{
    size_t q = p;

    while (q < e && c->in[q] == ch)
        q++;
    return q - p;
}

/*
 * Skips the indentation and blockquote markers of the line p..e; returns
 * where its content starts. *indent is that of the line itself.
 */
static size_t line_content(const struct clean *c, size_t p, size_t e,
                           size_t *indent, int *quoted)
{
    size_t q = skip_indent(c, p, e, indent), inner;

    *quoted = 0;
    while (*indent <= 3 && q < e && c->in[q] == '>') {
        q = skip_indent(c, q + 1, e, &inner);
        *quoted = 1;
    }
    return q;
}

/*
 * A fence opened at q: returns where the text after its closing line
 * starts, the end of input when it is never closed, or NONE when q opens
 * no fence. Indented fences count, as READMEs nest them in list items.
 */
static size_t fence(const struct clean *c, size_t q, size_t e)
{
    char ch = c->in[q];
    size_t k, l, le, r, indent;
    int quoted;

    if (ch != '`' && ch != '~')
        return NONE;
    k = run_of(c, q, e, ch);
    if (k < 3)
        return NONE;
    /* "```x```" on one line is inline code, not a fence. */
    if (ch == '`' && memchr(c->in + q + k, '`', e - q - k))
        return NONE;

    for (l = next_line(c, e); l < c->n; l = next_line(c, le)) {
        le = line_end(c, l);
        r = line_content(c, l, le, &indent, &quoted);
        if (run_of(c, r, le, ch) >= k &&
            rest_blank(c, r + run_of(c, r, le, ch), le))
            return next_line(c, le);
    }
    return c->n;
}

/* Returns the start of the first line that is neither blank nor code. */
static size_t indented_code(const struct clean *c, size_t p)
{
    size_t e, q, indent;

    for (; p < c->n; p = next_line(c, e)) {
        e = line_end(c, p);
        q = skip_indent(c, p, e, &indent);
        if (indent < 4 && !rest_blank(c, q, e))
            break;
    }
    return p;
}

/* "[label]: destination" lines only feed reference links: drop them. */
static int ref_definition(const struct clean *c, size_t q, size_t e)
{
    size_t r;

    if (c->in[q] != '[' || q + 1 >= e || c->in[q + 1] == '^')
        return 0;
    for (r = q + 1; r < e && r - q <= MAX_LABEL; r++) {
        if (c->in[r] == '\\')
            r++;
        else if (c->in[r] == '[')
            return 0;
        else if (c->in[r] == ']')
            return r > q + 1 && r + 1 < e && c->in[r + 1] == ':';
    }
    return 0;
}

/* Rules, setext underlines, table separators, ASCII-art box edges. */
static int rule_line(const struct clean *c, size_t q, size_t e)
{
    size_t marks = 0;

    if (!in_set(c->in[q], "-=*_|+:"))
        return 0;
    for (; q < e; q++) {
        char ch = c->in[q];

        if (ch == '-' || ch == '=' || ch == '*' || ch == '_')
            marks++;
        else if (!in_set(ch, "|+: \t\r"))
            return 0;
    }
    return marks >= 3;
}

static size_t heading(const struct clean *c, size_t q, size_t e)
{
    size_t k = run_of(c, q, e, '#');

    if (k == 0 || k > 6 || (q + k < e && !is_space(c->in[q + k])))
        return NONE;
    return q + k;
}

/* Where a list item's text starts (after a bullet), or NONE. */
static size_t list_item(const struct clean *c, size_t q, size_t e)
{
    size_t r = q;

    if (in_set(c->in[q], "-*+"))
        return q + 1 < e && is_space(c->in[q + 1]) ? q + 2 : NONE;
    while (r < e && r - q < 9 && c->in[r] >= '0' && c->in[r] <= '9')
        r++;
    if (r == q || r + 1 >= e || (c->in[r] != '.' && c->in[r] != ')') ||
        !is_space(c->in[r + 1]))
        return NONE;
    return q; /* numbers read fine; keep them */
}

/* Classifies a line that is not skipped; returns where its text starts. */
static size_t text_line(struct clean *c, size_t q, size_t e, size_t indent)
{
    int was_blank = c->prev_blank;
    size_t r;

    c->prev_blank = 0;
    if (indent <= 3 && (ref_definition(c, q, e) || rule_line(c, q, e))) {
        c->prev_para = 0;
        return e;
    }
    if (indent <= 3 && c->in[q] == '#' && (r = heading(c, q, e)) != NONE) {
        c->prev_para = 0;
        return r;
    }
    if (q < e && (r = list_item(c, q, e)) != NONE) {
        c->in_list = 1;
        c->prev_para = 1;
        return r;
    }
    if (indent == 0 && was_blank)
        c->in_list = 0;
    c->prev_para = 1;
    return q;
}

/*
 * Block-level decisions at the start of the line at p: skips code blocks
 * (possibly several in a row) and line markers. Returns where inline
 * scanning resumes.
 */
static size_t block_start(struct clean *c, size_t p)
{
    size_t e, q, indent, skip;
    int quoted;

    while (p < c->n) {
        e = line_end(c, p);
        q = line_content(c, p, e, &indent, &quoted);
        if (rest_blank(c, q, e)) {
            c->depth = 0;
            c->prev_para = 0;
            c->prev_blank = 1;
            return e;
        }
        skip = fence(c, q, e);
        if (skip == NONE && indent >= 4 && !quoted && !c->prev_para &&
            !c->in_list && c->in[q] != '<')
            skip = indented_code(c, p);
        if (skip == NONE)
            return text_line(c, q, e, indent);
        emit(c, '\n');
        c->depth = 0;
        c->prev_para = 0;
        c->prev_blank = 0;
        p = skip;
    }
    return p;
}

/* ---- Inline: links and images. ---- */

static size_t skip_blanks(const struct clean *c, size_t q, size_t lim)
{
    int newline = 0;

    while (q < lim && is_space((unsigned char)c->in[q])) {
        if (c->in[q] == '\n' && newline++)
            break;
        q++;
    }
    return q;
}

/* The destination part of a link, "(url "title")" at p. */
static size_t link_destination(struct clean *c, size_t p)
{
    size_t lim = window(c, p), q = skip_blanks(c, p + 1, lim), end = NONE;
    int depth = 0;
    char close;

    if (q < lim && c->in[q] == '<') {
        while (++q < lim && !in_set(c->in[q], "<>\n"))
            ;
        if (q >= lim || c->in[q++] != '>')
            goto out;
    } else {
        for (; q < lim && (unsigned char)c->in[q] > ' '; q++) {
            if (c->in[q] == '\\' && q + 1 < lim) {
                q++;
            } else if (c->in[q] == '(') {
                depth++;
            } else if (c->in[q] == ')') {
                if (depth == 0)
                    break;
                depth--;
            }
        }
    }
    q = skip_blanks(c, q, lim);
    if (q < lim && in_set(c->in[q], "\"'(")) {
        close = c->in[q] == '(' ? ')' : c->in[q];
        while (++q < lim && c->in[q] != close)
            ;
        if (q >= lim)
            goto out;
        q = skip_blanks(c, q + 1, lim);
    }
    if (q < lim && c->in[q] == ')')
        end = q + 1;
out:
    spend(c, p, q);
    return end;
}

/* The label part of a reference link, "[ref]" at p. */
static size_t link_label(struct clean *c, size_t p)
{
    size_t lim = window(c, p), q, end = NONE;

    for (q = p + 1; q < lim && q - p <= MAX_LABEL; q++) {
        if (c->in[q] == '\\') {
            q++;
        } else if (c->in[q] == '[') {
            break;
        } else if (c->in[q] == ']') {
            end = q + 1;
            break;
        }
    }
    spend(c, p, q);
    return end;
}

static size_t open_bracket(struct clean *c, size_t p, int image)
{
    if (c->depth < MAX_NEST) {
        c->marks[c->depth] = c->len;
        c->image[c->depth] = (unsigned char)image;
        c->depth++;
    }
    emit_bytes(c, c->in + p, image ? 2 : 1);
    return p + (image ? 2 : 1);
}

/*
 * A ']' closing the innermost open bracket. A link keeps its text (the
 * '[' is taken out again); an image, badges included, goes with its alt
 * text, which is mostly "badge", "teaser" or "license" noise.
 */
static size_t close_bracket(struct clean *c, size_t p)
{
    size_t end = NONE, m;

    if (c->depth == 0) {
        emit(c, ']');
        return p + 1;
    }
    if (p + 1 < c->n && c->in[p + 1] == '(')
        end = link_destination(c, p + 1);
    else if (p + 1 < c->n && c->in[p + 1] == '[')
        end = link_label(c, p + 1);
    c->depth--;
    m = c->marks[c->depth];
    if (end == NONE) {
        emit(c, ']');
        return p + 1;
    }
    if (c->image[c->depth]) {
        c->len = m < c->len ? m : c->len;
        emit(c, ' ');
    } else if (m < c->len) {
        memmove(c->out + m, c->out + m + 1, c->len - m - 1);
        c->len--;
    }
    return end;
}

/* ---- Inline: HTML. ---- */

/* "<https://...>": dropped like any other URL. */
static size_t autolink(struct clean *c, size_t p)
{
    size_t lim = window(c, p), q = p + 1, end = NONE;

    if (q >= lim || !is_alpha(c->in[q]))
        return NONE;
    while (q < lim && q - p <= 32 &&
           (is_alnum(c->in[q]) || in_set(c->in[q], "+.-")))
        q++;
    if (q >= lim || c->in[q] != ':')
        goto out;
    while (++q < lim && (unsigned char)c->in[q] > ' ' &&
           !in_set(c->in[q], "<>"))
        ;
    if (q < lim && c->in[q] == '>')
        end = q + 1;
out:
    spend(c, p, q);
    return end;
}

/* "<!DOCTYPE html>", "<?xml ...?>": markup without text. */
static size_t declaration(struct clean *c, size_t p)
{
    size_t lim = window(c, p);
    const char *gt;

    if (p + 2 >= lim || !(c->in[p + 1] == '?' ||
                          (c->in[p + 1] == '!' && is_alpha(c->in[p + 2]))))
        return NONE;
    gt = memchr(c->in + p + 2, '>', lim - p - 2);
    spend(c, p, gt ? (size_t)(gt - c->in) : lim);
    return gt ? (size_t)(gt - c->in) + 1 : NONE;
}

/* Does a blank line start right after the newline at q? */
static int blank_line_after(const struct clean *c, size_t q, size_t lim)
{
    for (q++;
         q < lim && (c->in[q] == ' ' || c->in[q] == '\t' || c->in[q] == '\r');
         q++)
        ;
    return q < lim && c->in[q] == '\n';
}

/*
 * An HTML tag at p, forgiving as browsers are (stray commas between
 * attributes are common in READMEs). Quotes count only as attribute
 * values. Returns its end and the name, or NONE.
 */
static size_t html_tag(struct clean *c, size_t p, size_t *name, size_t *nlen,
                       int *opening)
{
    size_t lim = window(c, p), q = p + 1, end = NONE;
    int after_eq = 0;
    const char *quote;

    *opening = !(q < lim && c->in[q] == '/');
    q += !*opening;
    *name = q;
    while (q < lim && (is_alnum(c->in[q]) || c->in[q] == '-'))
        q++;
    *nlen = q - *name;
    if (*nlen == 0 || !is_alpha(c->in[*name]) || q >= lim ||
        !(is_space(c->in[q]) || c->in[q] == '/' || c->in[q] == '>'))
        goto out;

    for (; q < lim; q++) {
        char ch = c->in[q];

        if (ch == '>') {
            *opening = *opening && c->in[q - 1] != '/';
            end = q + 1;
            break;
        }
        if (ch == '<' || (ch == '\n' && blank_line_after(c, q, lim)))
            break;
        if ((ch == '"' || ch == '\'') && after_eq) {
            quote = memchr(c->in + q + 1, ch, lim - q - 1);
            if (!quote)
                break;
            q = (size_t)(quote - c->in);
        }
        if (ch == '=')
            after_eq = 1;
        else if (!is_space(ch))
            after_eq = 0;
    }
out:
    spend(c, p, q);
    return end;
}

static int same_ci(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if ((a[i] | 0x20) != (b[i] | 0x20))
            return 0;
    }
    return 1;
}

/* Past the element closing the script or style body that starts at q. */
static size_t skip_raw_text(const struct clean *c, size_t q, size_t name,
                            size_t nlen)
{
    const char *lt, *gt;
    size_t r;

    while ((lt = memchr(c->in + q, '<', c->n - q)) != NULL) {
        r = (size_t)(lt - c->in);
        q = r + 1;
        if (c->n - r < nlen + 3 || c->in[r + 1] != '/' ||
            !same_ci(c->in + r + 2, c->in + name, nlen) ||
            is_alnum(c->in[r + 2 + nlen]))
            continue;
        gt = memchr(c->in + q, '>', c->n - q);
        return gt ? (size_t)(gt - c->in) + 1 : c->n;
    }
    return c->n;
}

/* Past the first "-->" at or after from, or the end of input. */
static size_t skip_comment(const struct clean *c, size_t from)
{
    const char *dash;

    while (from + 3 <= c->n &&
           (dash = memchr(c->in + from, '-', c->n - from - 2)) != NULL) {
        from = (size_t)(dash - c->in);
        if (dash[1] == '-' && dash[2] == '>')
            return from + 3;
        from++;
    }
    return c->n;
}

static int is_block_tag(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(block_tags) / sizeof(block_tags[0]); i++) {
        if (same_name(s, n, block_tags[i]))
            return 1;
    }
    return 0;
}

/*
 * '<' at p: a comment, an autolink, a tag or plain text. Unterminated
 * comments and script/style bodies run to the end, as in browsers; a '<'
 * that opens nothing ("a < b") is text. Every tag separates words.
 */
static size_t on_angle(struct clean *c, size_t p)
{
    size_t q, name, nlen;
    int opening;

    if (c->n - p >= 4 && memcmp(c->in + p, "<!--", 4) == 0) {
        emit(c, ' ');
        return skip_comment(c, p + 2);
    }
    if ((q = autolink(c, p)) != NONE || (q = declaration(c, p)) != NONE) {
        emit(c, ' ');
        return q;
    }
    q = html_tag(c, p, &name, &nlen, &opening);
    if (q != NONE) {
        if (opening && (same_name(c->in + name, nlen, "script") ||
                        same_name(c->in + name, nlen, "style")))
            q = skip_raw_text(c, q, name, nlen);
        emit(c, is_block_tag(c->in + name, nlen) ? '\n' : ' ');
        return q;
    }
    emit(c, '<');
    return p + 1;
}

/* ---- Inline: everything else. ---- */

static size_t on_entity(struct clean *c, size_t p)
{
    char buf[8];
    size_t k, n = 0;

    k = text_entity_decode(c->in + p, c->n - p, buf, &n);
    if (k == 0) {
        emit(c, '&');
        return p + 1;
    }
    emit_bytes(c, buf, n);
    return p + k;
}

/* A code span's text is kept verbatim: it often names the method. */
static size_t on_backtick(struct clean *c, size_t p)
{
    size_t k = run_of(c, p, c->n, '`'), lim = window(c, p + k), q, r;

    for (q = p + k; q < lim && c->in[q] != '\n'; q += r) {
        r = run_of(c, q, c->n, '`');
        if (r == k) {
            spend(c, p, q);
            emit_code(c, p + k, q);
            return q + k;
        }
        r += r == 0;
    }
    spend(c, p, q);
    emit_bytes(c, c->in + p, k);
    return p + k;
}

static size_t on_backslash(struct clean *c, size_t p)
{
    if (p + 1 < c->n && is_punct(c->in[p + 1])) {
        emit(c, c->in[p + 1]);
        return p + 2;
    }
    if (p + 1 < c->n && c->in[p + 1] == '\n')
        return p + 1;
    emit(c, '\\');
    return p + 1;
}

/*
 * Emphasis markers go when they hug a word on one side only; "snake_case",
 * "2*n" and a lone " * " stay.
 */
static size_t on_emphasis(struct clean *c, size_t p)
{
    size_t k = run_of(c, p, c->n, c->in[p]);
    unsigned char before = p > 0 ? c->in[p - 1] : ' ';
    unsigned char after = p + k < c->n ? c->in[p + k] : ' ';

    if ((is_space(before) && is_space(after)) ||
        (is_word(before) && is_word(after)))
        emit_bytes(c, c->in + p, k);
    return p + k;
}

static int is_special(unsigned char ch)
{
    return ch < 0x20 || ch == 0x7F || in_set((char)ch, "<&[]!`\\*_|");
}

static void scan(struct clean *c)
{
    size_t p = 0, q;
    int line_start = 1;

    while (p < c->n) {
        unsigned char ch = c->in[p];

        if (line_start) {
            line_start = 0;
            p = block_start(c, p);
            continue;
        }
        if (!is_special(ch)) {
            for (q = p + 1; q < c->n && !is_special(c->in[q]); q++)
                ;
            emit_bytes(c, c->in + p, q - p);
            p = q;
            continue;
        }
        switch (ch) {
        case '\n':
            emit(c, '\n');
            line_start = 1;
            p++;
            break;
        case '<':
            p = on_angle(c, p);
            break;
        case '&':
            p = on_entity(c, p);
            break;
        case '[':
            p = open_bracket(c, p, 0);
            break;
        case '!':
            if (p + 1 < c->n && c->in[p + 1] == '[') {
                p = open_bracket(c, p, 1);
            } else {
                emit(c, '!');
                p++;
            }
            break;
        case ']':
            p = close_bracket(c, p);
            break;
        case '`':
            p = on_backtick(c, p);
            break;
        case '\\':
            p = on_backslash(c, p);
            break;
        case '*':
        case '_':
            p = on_emphasis(c, p);
            break;
        default: /* table pipes and control characters */
            emit(c, ' ');
            p++;
            break;
        }
    }
}

static int has_prefix(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);

    return n >= k && same_ci(s, prefix, k);
}

/*
 * URLs and data: URIs carry no words worth finding, and over-long ASCII
 * tokens are hashes or base64. Long tokens with other scripts stay: CJK
 * text has no spaces to split on. A max_token of 0 means no limit.
 */
static int drop_token(const char *s, size_t n, size_t max_token)
{
    size_t i;

    while (n > 0 && in_set(*s, "([<\"'")) {
        s++;
        n--;
    }
    if (has_prefix(s, n, "http://") || has_prefix(s, n, "https://") ||
        has_prefix(s, n, "ftp://") || has_prefix(s, n, "www."))
        return 1;
    if (has_prefix(s, n, "data:") && memchr(s, '/', n))
        return 1;
    if (max_token == 0 || n <= max_token)
        return 0;
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    }
    return 1;
}

/*
 * In place: drops unwanted tokens and turns each run of whitespace into
 * one newline if it held a line break, else one space.
 */
static size_t squeeze(char *buf, size_t len, size_t max_token)
{
    size_t r = 0, w = 0, t;
    int newline = 0;

    while (r < len) {
        if (is_space((unsigned char)buf[r])) {
            newline |= buf[r++] == '\n';
            continue;
        }
        for (t = r; r < len && !is_space((unsigned char)buf[r]); r++)
            ;
        if (drop_token(buf + t, r - t, max_token))
            continue;
        if (w > 0)
            buf[w++] = newline ? '\n' : ' ';
        newline = 0;
        memmove(buf + w, buf + t, r - t);
        w += r - t;
    }
    return w;
}

char *text_clean_readme(const char *s, size_t len, size_t max_token,
                        size_t *out_len)
{
    struct clean c;
    char *fixed = NULL, *shrunk;
    size_t n = len;

    memset(&c, 0, sizeof(c));
    if (!text_utf8_valid(s, len)) {
        fixed = text_utf8_repair(s, len, &n);
        if (!fixed)
            return NULL;
    }
    c.in = fixed ? fixed : s;
    c.n = n;
    c.cap = n + 64;
    c.out = malloc(c.cap);
    c.budget = n < (SIZE_MAX - BUDGET_EXTRA) / BUDGET_PER_BYTE
                   ? n * BUDGET_PER_BYTE + BUDGET_EXTRA
                   : SIZE_MAX;
    c.prev_blank = 1;
    if (c.out)
        scan(&c);
    free(fixed);
    if (!c.out || c.oom) {
        free(c.out);
        return NULL;
    }

    c.len = squeeze(c.out, c.len, max_token);
    c.out[c.len] = '\0';
    /* Cleaned READMEs stay in memory for a whole build: give back slack. */
    shrunk = realloc(c.out, c.len + 1);
    if (shrunk)
        c.out = shrunk;
    if (out_len)
        *out_len = c.len;
    return c.out;
}
