/*
 * arXiv identifiers in the spellings people paste: bare ids, "arXiv:"
 * prefixes, abs/pdf/html URLs, arXiv DOIs, versions and old-style archive
 * ids. The shape and date of an id are checked; whether the paper exists
 * is not.
 */
#include "text.h"

#include <string.h>

/* Archives that had old-style ids (before April 2007). */
static const char *const archives[] = {
    "acc-phys", "adap-org", "alg-geom", "ao-sci",   "astro-ph", "atom-ph",
    "bayes-an", "chao-dyn", "chem-ph",  "cmp-lg",   "comp-gas", "cond-mat",
    "cs",       "dg-ga",    "funct-an", "gr-qc",    "hep-ex",   "hep-lat",
    "hep-ph",   "hep-th",   "math",     "math-ph",  "mtrl-th",  "nlin",
    "nucl-ex",  "nucl-th",  "patt-sol", "physics",  "plasm-ph", "q-alg",
    "q-bio",    "quant-ph", "solv-int", "supr-con",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct span {
    const char *s;
    size_t b; /* first byte */
    size_t e; /* one past the last */
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int is_name_char(char c)
{
    return (lower(c) >= 'a' && lower(c) <= 'z') || c == '-';
}

/* Consumes prefix (ASCII, lower-case) if the span starts with it. */
static int eat(struct span *sp, const char *prefix)
{
    size_t k = strlen(prefix), i;

    if (sp->e - sp->b < k)
        return 0;
    for (i = 0; i < k; i++) {
        if (lower(sp->s[sp->b + i]) != prefix[i])
            return 0;
    }
    sp->b += k;
    return 1;
}

static int eat_suffix(struct span *sp, const char *suffix)
{
    size_t k = strlen(suffix), i;

    if (sp->e - sp->b < k)
        return 0;
    for (i = 0; i < k; i++) {
        if (lower(sp->s[sp->e - k + i]) != suffix[i])
            return 0;
    }
    sp->e -= k;
    return 1;
}

static size_t digits(const struct span *sp, size_t at)
{
    size_t i = at;

    while (i < sp->e && is_digit(sp->s[i]))
        i++;
    return i - at;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "v2" at the end, or nothing: anything else spoils the id. */
static int version_only(const struct span *sp, size_t at)
{
    if (at == sp->e)
        return 1;
    return lower(sp->s[at]) == 'v' && digits(sp, at + 1) > 0 &&
           at + 1 + digits(sp, at + 1) == sp->e;
}

/* "10.48550/arXiv.1810.04805", the DOI arXiv assigns, bare or as a URL. */
static int strip_doi(struct span *sp)
{
    struct span t = *sp;

    if (!eat(&t, "https://"))
        eat(&t, "http://");
    if (!eat(&t, "doi.org/") && !eat(&t, "dx.doi.org/"))
        eat(&t, "doi:");
    if (!eat(&t, "10.48550/arxiv."))
        return 0;
    *sp = t;
    return 1;
}

/*
 * An arxiv.org URL whose path is abs/, pdf/ or html/ followed by the id;
 * a query, fragment, trailing slash or ".pdf" after it goes.
 */
static int strip_url(struct span *sp)
{
    struct span t = *sp;
    const char *cut;

    if (!eat(&t, "https://"))
        eat(&t, "http://");
    if (!eat(&t, "www."))
        eat(&t, "export.");
    if (!eat(&t, "arxiv.org/"))
        return 0;
    if (!eat(&t, "abs/") && !eat(&t, "pdf/") && !eat(&t, "html/"))
        return 0;
    cut = memchr(t.s + t.b, '?', t.e - t.b);
    if (!cut)
        cut = memchr(t.s + t.b, '#', t.e - t.b);
    if (cut)
        t.e = (size_t)(cut - t.s);
    eat_suffix(&t, "/");
    eat_suffix(&t, ".pdf");
    *sp = t;
    return 1;
}

static void strip_wrapping(struct span *sp)
{
    if (strip_doi(sp) || strip_url(sp))
        return;
    if (eat(sp, "arxiv:")) {
        while (sp->b < sp->e && is_space(sp->s[sp->b]))
            sp->b++;
    }
}

/*
 * "YYMM.NNNN" (April 2007 to 2014) or "YYMM.NNNNN" (since 2015), with a
 * real month; "2019.1234" and "1.5" are not ids.
 */
static int new_style(const struct span *sp, char *out, size_t out_size)
{
    const char *s = sp->s + sp->b;
    size_t n, want;
    int yymm, month;

    if (digits(sp, sp->b) != 4 || sp->b + 4 >= sp->e || s[4] != '.')
        return 0;
    n = digits(sp, sp->b + 5);
    month = two_digits(s + 2);
    yymm = two_digits(s) * 100 + month;
    want = yymm < 1501 ? 4 : 5;
    if (month < 1 || month > 12 || yymm < 704 || n != want ||
        !version_only(sp, sp->b + 5 + n) || out_size < 6 + n)
        return 0;
    memcpy(out, s, 5 + n);
    out[5 + n] = '\0';
    return 1;
}

static int known_archive(const char *s, size_t n)
{
    size_t i, j;

    for (i = 0; i < COUNT(archives); i++) {
        for (j = 0; j < n && archives[i][j] == lower(s[j]); j++)
            ;
        if (j == n && archives[i][n] == '\0')
            return 1;
    }
    return 0;
}

/*
 * "archive/YYMMNNN", optionally "archive.SC/YYMMNNN". The subject class is
 * not part of the id, so "math.GT/0309136" becomes "math/0309136".
 */
static int old_style(const struct span *sp, char *out, size_t out_size)
{
    const char *s = sp->s;
    size_t a = sp->b, alen, slash, month;
    int yy;

    while (a < sp->e && is_name_char(s[a]))
        a++;
    alen = a - sp->b;
    if (alen == 0 || !known_archive(s + sp->b, alen))
        return 0;
    slash = a;
    if (slash < sp->e && s[slash] == '.') {
        for (slash++; slash < sp->e && s[slash] != '/'; slash++) {
            if (!is_name_char(s[slash]))
                return 0;
        }
        if (slash == a + 1)
            return 0;
    }
    if (slash >= sp->e || s[slash] != '/' || digits(sp, slash + 1) != 7)
        return 0;
    yy = two_digits(s + slash + 1);
    month = (size_t)two_digits(s + slash + 3);
    /* The archive opened in August 1991; the scheme ended in March 2007. */
    if (month < 1 || month > 12 || (yy > 7 && yy < 91) ||
        !version_only(sp, slash + 8) || out_size < alen + 9)
        return 0;
    for (a = 0; a < alen; a++)
        out[a] = lower(s[sp->b + a]);
    out[alen] = '/';
    memcpy(out + alen + 1, s + slash + 1, 7);
    out[alen + 8] = '\0';
    return 1;
}

int arxiv_normalize(const char *s, size_t len, char *out, size_t out_size)
{
    struct span sp = {s, 0, len};

    while (sp.b < sp.e && is_space(s[sp.b]))
        sp.b++;
    while (sp.e > sp.b && is_space(s[sp.e - 1]))
        sp.e--;
    strip_wrapping(&sp);
    if (sp.b >= sp.e || !out)
        return 0;
    return new_style(&sp, out, out_size) || old_style(&sp, out, out_size);
}

/* Quotes and brackets around a token, punctuation after it. */
static int is_wrapper(char c, int trailing)
{
    const char *set = trailing ? "\"')]}>,.;:!?" : "\"'([{<";

    return c != '\0' && strchr(set, c) != NULL;
}

/*
 * The range reported leaves out the quotes and brackets around the id, so
 * a caller blanking it keeps a phrase's or group's delimiters balanced.
 */
int arxiv_find(const char *q, char *out, size_t out_size, size_t *start,
               size_t *end)
{
    size_t i = 0, b, e;

    if (!q)
        return 0;
    for (;;) {
        while (q[i] != '\0' && is_space(q[i]))
            i++;
        if (q[i] == '\0')
            return 0;
        for (b = i; q[i] != '\0' && !is_space(q[i]); i++)
            ;
        e = i;
        while (b < e && is_wrapper(q[b], 0))
            b++;
        while (e > b && is_wrapper(q[e - 1], 1))
            e--;
        if (e > b && arxiv_normalize(q + b, e - b, out, out_size)) {
            if (start)
                *start = b;
            if (end)
                *end = e;
            return 1;
        }
    }
}
