/*
 * Snippets. A word of the text matches a query term when, folded and
 * lower-cased as the indexer does and stemmed by the query parser's own
 * stemmer, it equals the term (or begins with a wildcard's pattern). The
 * window shown is the one with the most distinct query words, then the
 * most occurrences, with its matches as central as the text allows.
 *
 * Stemming is the costly step, so with stemmers that only rewrite a
 * word's ending a word is stemmed only when its first two bytes could
 * begin a query term's stem: a page of ten abstracts then stems a few
 * dozen words instead of two thousand.
 */
#include "snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "schema.h"
#include "text.h"

#define MAX_TERMS 64
/* Longer words are never marked (stems are cached up to this length). */
#define WORD_MAX 64
/* Text past this is not looked at: a README can be long, its start is
 * what a reader wants. */
#define SCAN_MAX (64 * 1024)
/* A window with one more distinct query word beats any number of
 * repeats of the same words (there are fewer words than bytes). */
#define DISTINCT_WEIGHT ((long)SCAN_MAX + 1)

struct snippet_term {
    char *text;
    size_t len;
    int prefix;
};

struct snippet_terms {
    xs_qparser *qp;
    int prefilter; /* stems keep the start of their word (see could_match) */
    /* With prefilter: 1 for each byte some term begins with, so most
     * words are turned down by one lookup. */
    unsigned char first[256];
    size_t n;
    struct snippet_term t[MAX_TERMS];
};

struct word {
    size_t start, end;
    int term; /* index in snippet_terms, or -1 */
};

/* Snowball stemmers that only strip or rewrite endings. */
static int stems_keep_prefix(const char *lang)
{
    static const char *const suffix_only[] = {"english", "en", "porter",
                                              "none"};

    for (size_t i = 0; i < sizeof(suffix_only) / sizeof(suffix_only[0]); i++)
        if (strcmp(lang, suffix_only[i]) == 0)
            return 1;
    return 0;
}

static int add_term(void *ctx, const char *term, size_t len, int prefix)
{
    struct snippet_terms *t = ctx;

    for (size_t i = 0; i < t->n; i++)
        if (t->t[i].len == len && t->t[i].prefix == prefix &&
            memcmp(t->t[i].text, term, len) == 0)
            return 0;
    if (t->n == MAX_TERMS)
        return 1;
    t->t[t->n].text = strndup(term, len);
    if (!t->t[t->n].text)
        return 1;
    t->t[t->n].len = len;
    t->t[t->n].prefix = prefix;
    t->n++;
    if (len)
        t->first[(unsigned char)term[0]] = 1;
    return 0;
}

int snippet_terms_new(const xs_query *q, xs_qparser *qp, const char *lang,
                      struct snippet_terms **out, struct err *e)
{
    struct snippet_terms *t = calloc(1, sizeof(*t));
    int rc;

    *out = NULL;
    if (!t)
        return err_set(e, ERR_NOMEM, "out of memory");
    t->qp = qp;
    t->prefilter = stems_keep_prefix(lang);
    rc = xs_query_highlight_terms(q, schema_unmarked_prefixes, add_term, t,
                                  e);
    if (rc < 0) {
        snippet_terms_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void snippet_terms_free(struct snippet_terms *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->t[i].text);
    free(t);
}

/* ---- words --------------------------------------------------------- */

/* ASCII letters, digits and '_', the bytes of ASCII words. */
static const unsigned char ascii_word[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

static int ascii_word_byte(unsigned char c)
{
    return ascii_word[c];
}

/*
 * Length of the character at s[p] (at least 1), and whether it belongs
 * in a word as Xapian's tokenizer sees it: letters, marks, digits and
 * connector punctuation.
 */
static size_t char_at(const char *s, size_t n, size_t p, int *is_word)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;

    if ((unsigned char)s[p] < 0x80) {
        *is_word = ascii_word_byte((unsigned char)s[p]);
        return 1;
    }
    k = utf8proc_iterate((const utf8proc_uint8_t *)s + p,
                         (utf8proc_ssize_t)(n - p), &cp);
    if (k <= 0) {
        *is_word = 0;
        return 1;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: case UTF8PROC_CATEGORY_PC:
        *is_word = 1;
        break;
    default:
        *is_word = 0;
    }
    return (size_t)k;
}

static int word_at(const char *s, size_t n, size_t p)
{
    int w = 0;

    if (p < n)
        char_at(s, n, p, &w);
    return w;
}

/*
 * End of the word starting at p, as the indexer's tokenizer sees it: an
 * apostrophe between letters stays in the word ("model's", also the
 * curly one, which folding turns into "'"), so do a point or comma
 * between digits ("3.14"), and the "++" and "#" of "C++" and "C#".
 */
static size_t word_end(const char *s, size_t n, size_t p)
{
    size_t k;
    int w;

    while (p < n) {
        unsigned char c = (unsigned char)s[p];

        if (ascii_word_byte(c)) {
            p++;
            continue;
        }
        /* Most words end at an ASCII space or punctuation mark. */
        if (c < 0x80 && c != '\'' && c != '.' && c != ',' && c != '+' &&
            c != '#')
            return p;
        k = char_at(s, n, p, &w);
        if (w) {
            p += k;
            continue;
        }
        if (s[p] == '\'' && word_at(s, n, p + 1)) {
            p++;
            continue;
        }
        if (n - p >= 3 && memcmp(s + p, "\xe2\x80\x99", 3) == 0 &&
            word_at(s, n, p + 3)) {
            p += 3;
            continue;
        }
        if ((s[p] == '.' || s[p] == ',') && p > 0 && p + 1 < n &&
            s[p - 1] >= '0' && s[p - 1] <= '9' && s[p + 1] >= '0' &&
            s[p + 1] <= '9') {
            p++;
            continue;
        }
        break;
    }
    k = 0;
    while (p + k < n && k < 3 && s[p + k] == '+')
        k++;
    if (k == 0 && p < n && s[p] == '#')
        k = 1;
    if (k && !word_at(s, n, p + k))
        p += k;
    return p;
}

static char ascii_lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/*
 * word[0..len) folded and lower-cased as the indexer's tokenizer sees it,
 * into buf (cap bytes). Returns its length, or 0 when it does not fit.
 */
static size_t lower_word(const char *word, size_t len, char *buf, size_t cap)
{
    char *folded = NULL;
    size_t flen = 0, out = 0, p = 0;
    struct err e = {0, ""};
    int ascii = 1;

    for (size_t i = 0; i < len; i++)
        ascii &= (unsigned char)word[i] < 0x80;
    if (ascii) {
        if (len >= cap)
            return 0;
        for (size_t i = 0; i < len; i++)
            buf[i] = ascii_lower(word[i]);
        return len;
    }
    if (text_fold(word, len, &folded, &flen, &e) < 0)
        return 0;
    while (p < flen) {
        utf8proc_int32_t cp;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t k = utf8proc_iterate(
            (const utf8proc_uint8_t *)folded + p, (utf8proc_ssize_t)(flen - p),
            &cp);
        utf8proc_ssize_t m;

        if (k <= 0)
            break;
        m = utf8proc_encode_char(utf8proc_tolower(cp), enc);
        if (out + (size_t)m >= cap) {
            out = 0;
            break;
        }
        memcpy(buf + out, enc, (size_t)m);
        out += (size_t)m;
        p += (size_t)k;
    }
    free(folded);
    return out;
}

/* Whether w, lower-cased, could stem to a term: the stem keeps the word's
 * first byte and, but for a final "y" turned "i", its second. Only ASCII
 * bytes are compared; anything else goes on to stemming. */
static int could_match(const struct snippet_terms *t, const char *w,
                       size_t len)
{
    char head[2];

    if (!t->prefilter || (unsigned char)w[0] >= 0x80 ||
        (len > 1 && (unsigned char)w[1] >= 0x80))
        return 1;
    head[0] = ascii_lower(w[0]);
    if (!t->first[(unsigned char)head[0]])
        return 0;
    head[1] = len > 1 ? ascii_lower(w[1]) : '\0';
    for (size_t i = 0; i < t->n; i++) {
        const char *q = t->t[i].text;
        if (q[0] != head[0])
            continue;
        /* English stems "dying" as "die", Porter "ay" as "ai". */
        if (t->t[i].len < 2 || q[1] == head[1] ||
            (q[1] == 'i' && head[1] == 'y'))
            return 1;
    }
    return 0;
}

/* The query term word[0..len) stems to, or -1. */
static int match_word(const struct snippet_terms *t, const char *word,
                      size_t len)
{
    char lower[WORD_MAX * 4 + 1], stem[WORD_MAX * 4 + 1];
    size_t n, sl;
    struct err e = {0, ""};

    if (t->n == 0 || len > WORD_MAX || !could_match(t, word, len))
        return -1;
    n = lower_word(word, len, lower, sizeof(lower));
    if (n == 0)
        return -1;
    if (xs_qparser_stem(t->qp, lower, n, stem, sizeof(stem), &sl, &e) < 0)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        const struct snippet_term *q = &t->t[i];
        if (q->prefix ? sl >= q->len && memcmp(stem, q->text, q->len) == 0
                      : sl == q->len && memcmp(stem, q->text, sl) == 0)
            return (int)i;
    }
    return -1;
}

struct words {
    struct word *w;
    size_t n, cap;
};

/*
 * Splits s[0..n) into words, matching each. Stops early once some stretch
 * of max_len bytes holds every query term (there is at least one), keeping
 * max_len bytes more for context: no later window can hold more distinct
 * terms. *scanned is where reading stopped.
 */
static int split_words(const struct snippet_terms *t, const char *s, size_t n,
                       size_t max_len, struct words *ws, size_t *scanned)
{
    unsigned counts[MAX_TERMS] = {0};
    size_t p = 0, lo = 0, distinct = 0, stop = n;

    while (p < stop) {
        int w;
        size_t k, end;
        struct word *cur;

        if ((unsigned char)s[p] < 0x80) {
            if (!ascii_word_byte((unsigned char)s[p])) {
                p++;
                continue;
            }
        } else {
            k = char_at(s, n, p, &w);
            if (!w) {
                p += k;
                continue;
            }
        }
        end = word_end(s, n, p);
        if (ws->n == ws->cap) {
            size_t cap = ws->cap ? ws->cap * 2 : 256;
            struct word *bigger = realloc(ws->w, cap * sizeof(*bigger));
            if (!bigger)
                return -1;
            ws->w = bigger;
            ws->cap = cap;
        }
        cur = &ws->w[ws->n++];
        cur->start = p;
        cur->end = end;
        cur->term = match_word(t, s + p, end - p);
        p = end;
        if (cur->term >= 0 && counts[cur->term]++ == 0)
            distinct++;
        while (lo < ws->n && end - ws->w[lo].start > max_len) {
            int gone = ws->w[lo++].term;
            if (gone >= 0 && --counts[gone] == 0)
                distinct--;
        }
        if (t->n && distinct == t->n && stop == n && end + max_len < n)
            stop = end + max_len;
    }
    *scanned = p >= n ? n : stop;
    return 0;
}

/* ---- choosing the window -------------------------------------------- */

struct window {
    size_t first, last; /* words [first, last) */
};

/*
 * Scores every window starting at a word and reaching as far as max_len
 * allows; keeps the best, preferring the start of the text, else the
 * middle of a run of equally good windows, which centres its matches.
 * Words were read up to byte scanned (SIZE_MAX: all of them).
 */
static struct window best_window(const struct words *ws, size_t max_len,
                                 size_t scanned)
{
    unsigned counts[MAX_TERMS] = {0};
    unsigned distinct = 0, hits = 0;
    long best = -1;
    size_t j = 0, run_first = 0, run_last = 0;
    int in_run = 0, run_closed = 0;
    struct window win = {0, 0};

    for (size_t i = 0; i < ws->n; i++) {
        long score;

        if (j < i)
            j = i;
        while (j < ws->n && ws->w[j].end - ws->w[i].start <= max_len) {
            int term = ws->w[j].term;
            if (term >= 0) {
                hits++;
                if (counts[term]++ == 0)
                    distinct++;
            }
            j++;
        }
        /* A window reaching past what was read is not judged. */
        if (j == i || (scanned != SIZE_MAX &&
                       ws->w[i].start + max_len > scanned))
            score = -1;
        else
            score = (long)distinct * DISTINCT_WEIGHT + (long)hits;
        if (score > best) {
            best = score;
            run_first = run_last = i;
            in_run = 1;
            run_closed = 0;
        } else if (score == best && in_run && !run_closed) {
            run_last = i;
        } else {
            run_closed = 1;
        }
        if (j > i && ws->w[i].term >= 0) {
            hits--;
            if (--counts[ws->w[i].term] == 0)
                distinct--;
        }
    }
    /* Nothing matched: the beginning, even when its first word is too
     * long to show whole. */
    if (best <= 0)
        run_first = run_last = 0;
    win.first = run_first == 0 ? 0 : run_first + (run_last - run_first) / 2;
    win.last = win.first;
    {
        while (win.last < ws->n &&
               ws->w[win.last].end - ws->w[win.first].start <= max_len)
            win.last++;
    }
    return win;
}

/* ---- output ---------------------------------------------------------- */

struct out {
    char *p;
    size_t len, cap;
    int failed;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        char *bigger;
        while (o->len + n + 1 > cap)
            cap *= 2;
        bigger = realloc(o->p, cap);
        if (!bigger) {
            o->failed = 1;
            return;
        }
        o->p = bigger;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

/* White space and the other ASCII control characters, NUL included: all
 * are shown as one space. */
static int is_space(char c)
{
    return c == ' ' || (unsigned char)c < 0x20 || c == 0x7f;
}

/* s[from..to) escaped for HTML element content, runs of is_space() as one
 * space. */
static void put_text(struct out *o, const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        size_t plain = i;

        /* Characters shown as they are go out a run at a time. */
        while (plain < to && !is_space(s[plain]) && s[plain] != '&' &&
               s[plain] != '<' && s[plain] != '>')
            plain++;
        if (plain > i) {
            put(o, s + i, plain - i);
            i = plain - 1;
        } else if (is_space(s[i])) {
            while (i + 1 < to && is_space(s[i + 1]))
                i++;
            put(o, " ", 1);
        } else if (s[i] == '&') {
            put(o, "&amp;", 5);
        } else if (s[i] == '<') {
            put(o, "&lt;", 4);
        } else {
            put(o, "&gt;", 4);
        }
    }
}

/* The largest cut at most max bytes into s[from..n) that ends between two
 * UTF-8 characters. */
static size_t char_cut(const char *s, size_t from, size_t n, size_t max)
{
    size_t to = from + max < n ? from + max : n;

    while (to > from && to < n && ((unsigned char)s[to] & 0xC0) == 0x80)
        to--;
    return to;
}

int snippet_make(const struct snippet_terms *t, const char *text, size_t len,
                 const struct snippet_style *style, char **out, int *marked,
                 struct err *e)
{
    struct words ws = {NULL, 0, 0};
    struct window win;
    struct out o = {NULL, 0, 0, 0};
    size_t n = len < SCAN_MAX ? len : SCAN_MAX, from, to, trimmed = len;
    size_t lead = 0, scanned = 0;
    const char *omit = style->omit ? style->omit : "";

    *out = NULL;
    *marked = 0;
    if (split_words(t, text, n, style->max_len, &ws, &scanned) < 0) {
        free(ws.w);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    if (scanned == len)
        scanned = SIZE_MAX;
    while (trimmed > 0 && is_space(text[trimmed - 1]))
        trimmed--;
    while (lead < trimmed && is_space(text[lead]))
        lead++;
    win = best_window(&ws, style->max_len, scanned);
    if (win.last > win.first) {
        from = ws.w[win.first].start;
        to = ws.w[win.last - 1].end;
        /* Text before the first word, such as "(", when it fits. */
        if (win.first == 0 && to - lead <= style->max_len)
            from = lead;
        /* The rest of the text after the last word, when it was read and
         * fits. */
        if (win.last == ws.n && scanned == SIZE_MAX &&
            trimmed - from <= style->max_len)
            to = trimmed;
    } else {
        /* No word fits: the beginning, cut between characters. */
        from = lead;
        to = char_cut(text, from, trimmed, style->max_len);
    }
    if (from > lead)
        put(&o, omit, strlen(omit));
    for (size_t i = win.first, p = from; p < to;) {
        if (i < win.last && ws.w[i].start >= p && ws.w[i].end <= to) {
            const struct word *w = &ws.w[i++];
            put_text(&o, text, p, w->start);
            if (w->term >= 0) {
                put(&o, style->hl_start, strlen(style->hl_start));
                put_text(&o, text, w->start, w->end);
                put(&o, style->hl_end, strlen(style->hl_end));
                *marked = 1;
            } else {
                put_text(&o, text, w->start, w->end);
            }
            p = w->end;
        } else {
            put_text(&o, text, p, to);
            p = to;
        }
    }
    if (to < trimmed)
        put(&o, omit, strlen(omit));
    if (!o.p)
        put(&o, "", 0);
    free(ws.w);
    if (o.failed) {
        free(o.p);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    *out = o.p;
    return 0;
}
