/*
 * Query-string decoding and the parameters of searchd's /search and
 * /suggest. Everything a client sends passes through here before it
 * reaches the search library, so every refusal names what was wrong. Only
 * the query string is read: headers and bodies are searchd's business.
 */
#include "http_params.h"

#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t http_unescape(char *s, size_t len, int plus_is_space)
{
    size_t i = 0, o = 0;

    while (i < len) {
        int hi, lo;

        if (s[i] == '%' && i + 2 < len && (hi = hex_value(s[i + 1])) >= 0 &&
            (lo = hex_value(s[i + 2])) >= 0) {
            s[o++] = (char)(hi * 16 + lo);
            i += 3;
        } else if (s[i] == '+' && plus_is_space) {
            s[o++] = ' ';
            i++;
        } else {
            s[o++] = s[i++];
        }
    }
    s[o] = '\0';
    return o;
}

void http_target_split(char *target, char **path, char **query)
{
    char *q;

    /* Absolute form: a proxy-style "http://host/path" names the same
     * resource as "/path". */
    if (target[0] != '/') {
        char *scheme_end = strstr(target, "://");
        if (scheme_end) {
            char *slash = strchr(scheme_end + 3, '/');
            char *mark = strchr(scheme_end + 3, '?');
            if (slash && (!mark || slash < mark))
                target = slash;
            else
                target = mark ? mark : target + strlen(target);
        }
    }
    q = strchr(target, '?');
    if (q) {
        *q = '\0';
        *query = q + 1;
    } else {
        *query = target + strlen(target);
    }
    *path = target;
}

/* Bytes of s to quote in a message: at most max, never cutting a UTF-8
 * sequence, so the JSON error stays valid UTF-8. */
static int quote_len(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n <= max)
        return (int)n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

static int refuse(struct http_bad *bad, struct err *e, int status,
                  const char *param, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int refuse(struct http_bad *bad, struct err *e, int status,
                  const char *param, const char *fmt, ...)
{
    char msg[sizeof(e->msg)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    bad->status = status;
    snprintf(bad->param, sizeof(bad->param), "%.*s",
             quote_len(param, sizeof(bad->param) - 1), param);
    return err_set(e, ERR_USAGE, "%s", msg);
}

/* Refuses a value holding NUL or invalid UTF-8 (the key is valid). */
static int check_value(const struct http_param *p, struct http_bad *bad,
                       struct err *e)
{
    int kl = quote_len(p->key, 31);

    if (memchr(p->val, '\0', p->val_len))
        return refuse(bad, e, 400, p->key, "%.*s: contains a NUL byte", kl,
                      p->key);
    if (!text_utf8_valid(p->val, p->val_len))
        return refuse(bad, e, 400, p->key, "%.*s: not valid UTF-8", kl, p->key);
    return 0;
}

static int check_pair(const struct http_param *p, struct http_bad *bad,
                      struct err *e)
{
    if (memchr(p->key, '\0', p->key_len))
        return refuse(bad, e, 400, "",
                      "a parameter name contains a NUL "
                      "byte");
    if (!text_utf8_valid(p->key, p->key_len))
        return refuse(bad, e, 400, "",
                      "a parameter name is not valid "
                      "UTF-8");
    return check_value(p, bad, e);
}

int http_query_parse(char *qs, struct http_param *kv, size_t cap, size_t *n,
                     struct http_bad *bad, struct err *e)
{
    char *piece = qs;

    *n = 0;
    while (piece) {
        char *amp = strchr(piece, '&'), *eq;
        struct http_param *p;

        if (amp)
            *amp = '\0';
        if (*piece) {
            if (*n == cap)
                return refuse(bad, e, 400, "", "more than %zu query parameters",
                              cap);
            p = &kv[(*n)++];
            eq = strchr(piece, '=');
            if (eq)
                *eq = '\0';
            p->key = piece;
            p->key_len = http_unescape(piece, strlen(piece), 1);
            p->val = eq ? eq + 1 : piece + strlen(piece);
            p->val_len = eq ? http_unescape(eq + 1, strlen(eq + 1), 1) : 0;
            if (check_pair(p, bad, e) < 0)
                return ERR_USAGE;
        }
        piece = amp ? amp + 1 : NULL;
    }
    return 0;
}

/*
 * Picks the parameters named in names[0..count) out of kv: given[i] is
 * the value, or NULL when absent or empty. Refuses a name given twice.
 */
static int collect(const struct http_param *kv, size_t n,
                   const char *const *names, size_t count, const char **given,
                   struct http_bad *bad, struct err *e)
{
    unsigned char seen[32] = {0};

    for (size_t i = 0; i < count; i++)
        given[i] = NULL;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < count; i++) {
            if (kv[k].key_len != strlen(names[i]) ||
                memcmp(kv[k].key, names[i], kv[k].key_len) != 0)
                continue;
            if (seen[i])
                return refuse(bad, e, 400, names[i], "%s: given more than once",
                              names[i]);
            seen[i] = 1;
            if (check_value(&kv[k], bad, e) < 0)
                return ERR_USAGE;
            given[i] = kv[k].val_len ? kv[k].val : NULL;
        }
    }
    return 0;
}

/* A whole decimal number from 0 to max: digits only, no sign or space. */
static int parse_count(const char *v, unsigned max, unsigned *out)
{
    unsigned long n = 0;
    size_t i;

    for (i = 0; v[i]; i++) {
        if (v[i] < '0' || v[i] > '9' || i >= 9)
            return -1;
        n = n * 10 + (unsigned long)(v[i] - '0');
    }
    if (i == 0 || n > max)
        return -1;
    *out = (unsigned)n;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

static int refuse_count(struct http_bad *bad, struct err *e, const char *name,
                        unsigned lo, unsigned hi, const char *v)
{
    return refuse(bad, e, 400, name,
                  "%s: expected a whole number from %u to %u, got '%.*s'", name,
                  lo, hi, quote_len(v, 40), v);
}

static int refuse_bool(struct http_bad *bad, struct err *e, const char *name,
                       const char *v)
{
    return refuse(bad, e, 400, name,
                  "%s: expected true, false, 1 or 0, got '%.*s'", name,
                  quote_len(v, 40), v);
}

static int read_query(const char *v, const struct config *c, const char **q,
                      struct http_bad *bad, struct err *e)
{
    if (v && strlen(v) > c->max_query_bytes)
        return refuse(bad, e, 414, "q", "q: longer than %zu bytes",
                      c->max_query_bytes);
    *q = v;
    return 0;
}

enum {
    P_Q,
    P_LIMIT,
    P_OFFSET,
    P_PAGE,
    P_SORT,
    P_HAS_CODE,
    P_OFFICIAL,
    P_FRAMEWORK,
    P_TASK,
    P_VENUE,
    P_YEAR,
    P_FACETS,
    P_SNIPPET,
    P_COUNT
};

static const char *const search_names[P_COUNT] = {
    "q",         "limit", "offset", "page", "sort",   "has_code", "official",
    "framework", "task",  "venue",  "year", "facets", "snippet"};

/* limit, then offset or page (a page is limit hits long). */
static int read_window(const char **g, const struct config *c,
                       struct search_req *r, struct http_bad *bad,
                       struct err *e)
{
    unsigned page;

    /* The default page must keep to a max_limit set below it. */
    if (r->limit > c->max_limit)
        r->limit = c->max_limit;
    if (g[P_LIMIT] && parse_count(g[P_LIMIT], c->max_limit, &r->limit) < 0)
        return refuse_count(bad, e, "limit", 0, c->max_limit, g[P_LIMIT]);
    if (g[P_OFFSET] && g[P_PAGE])
        return refuse(bad, e, 400, "page",
                      "page: give offset or page, "
                      "not both");
    if (g[P_OFFSET] && parse_count(g[P_OFFSET], c->max_offset, &r->offset) < 0)
        return refuse_count(bad, e, "offset", 0, c->max_offset, g[P_OFFSET]);
    if (!g[P_PAGE])
        return 0;
    if (parse_count(g[P_PAGE], c->max_offset + 1, &page) < 0 || page == 0)
        return refuse_count(bad, e, "page", 1, c->max_offset + 1, g[P_PAGE]);
    if ((unsigned long long)(page - 1) * r->limit > c->max_offset)
        return refuse(bad, e, 400, "page",
                      "page: %u pages of %u go past the deepest result "
                      "reachable (offset %u)",
                      page, r->limit, c->max_offset);
    r->offset = (page - 1) * r->limit;
    return 0;
}

static int read_filters(const char **g, struct search_req *r,
                        struct http_bad *bad, struct err *e)
{
    int sort, b;

    if (g[P_SORT]) {
        sort = search_sort_parse(g[P_SORT]);
        if (sort < 0)
            return refuse(bad, e, 400, "sort",
                          "sort: expected relevance, date or stars, got "
                          "'%.*s'",
                          quote_len(g[P_SORT], 40), g[P_SORT]);
        r->sort = (enum search_sort)sort;
    }
    if (g[P_HAS_CODE]) {
        if (parse_bool(g[P_HAS_CODE], &b) < 0)
            return refuse_bool(bad, e, "has_code", g[P_HAS_CODE]);
        r->has_code = b;
    }
    if (g[P_OFFICIAL]) {
        /* The index can only ask for official code, not for its lack. */
        if (parse_bool(g[P_OFFICIAL], &b) < 0)
            return refuse_bool(bad, e, "official", g[P_OFFICIAL]);
        r->official = b ? 1 : -1;
    }
    if (g[P_YEAR] &&
        search_years_parse(g[P_YEAR], &r->year_from, &r->year_to) < 0)
        return refuse(bad, e, 400, "year",
                      "year: expected YYYY or FROM-TO, got '%.*s'",
                      quote_len(g[P_YEAR], 40), g[P_YEAR]);
    r->framework = g[P_FRAMEWORK];
    r->task = g[P_TASK];
    r->venue = g[P_VENUE];
    return 0;
}

static int read_output(const char **g, struct search_req *r,
                       struct http_bad *bad, struct err *e)
{
    unsigned snip;

    if (g[P_FACETS] && parse_bool(g[P_FACETS], &r->facets) < 0)
        return refuse_bool(bad, e, "facets", g[P_FACETS]);
    if (g[P_SNIPPET]) {
        if (parse_count(g[P_SNIPPET], HTTP_SNIPPET_MAX, &snip) < 0)
            return refuse_count(bad, e, "snippet", 0, HTTP_SNIPPET_MAX,
                                g[P_SNIPPET]);
        r->snippet_bytes = snip;
    }
    r->hl_start = "<b>";
    r->hl_end = "</b>";
    return 0;
}

int http_params_search(const struct http_param *kv, size_t n,
                       const struct config *c, struct search_req *r,
                       struct http_bad *bad, struct err *e)
{
    const char *g[P_COUNT];

    search_req_init(r);
    if (collect(kv, n, search_names, P_COUNT, g, bad, e) < 0 ||
        read_query(g[P_Q], c, &r->q, bad, e) < 0 ||
        read_window(g, c, r, bad, e) < 0 || read_filters(g, r, bad, e) < 0 ||
        read_output(g, r, bad, e) < 0)
        return ERR_USAGE;
    return 0;
}

int http_params_suggest(const struct http_param *kv, size_t n,
                        const struct config *c, const char **q, unsigned *max,
                        struct http_bad *bad, struct err *e)
{
    static const char *const names[] = {"q", "limit"};
    const char *g[2];

    *q = NULL;
    *max = HTTP_SUGGEST_MAX;
    if (collect(kv, n, names, 2, g, bad, e) < 0 ||
        read_query(g[0], c, q, bad, e) < 0)
        return ERR_USAGE;
    if (g[1] && (parse_count(g[1], HTTP_SUGGEST_MAX, max) < 0 || *max == 0))
        return refuse_count(bad, e, "limit", 1, HTTP_SUGGEST_MAX, g[1]);
    return 0;
}
