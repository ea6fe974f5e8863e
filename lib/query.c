/*
 * Query building. Parsing degrades step by step (all operators, then
 * phrases and +/- only, then plain words, then letters and digits only) so
 * that unbalanced parentheses, dangling operators or symbol soup still give
 * a best-effort search instead of an error.
 */
#include "query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "stopwords.h"
#include "text.h"

/* Weight multiplier that puts arXiv-id and exact-title matches above any
 * ordinary BM25 score. */
#define BOOST 1000.0

static const struct {
    const char *field, *prefix;
} field_prefixes[] = {
    {"title", PFX_TITLE},   {"author", PFX_AUTHOR},
    {"task", PFX_TASK},     {"abstract", PFX_ABSTRACT},
    {"readme", PFX_README}, {"venue", PFX_VENUE},
};

int query_parser_new(const char *lang, xs_qparser **out, struct err *e)
{
    xs_qparser *qp;
    int rc = xs_qparser_new(lang, &qp, e);

    for (size_t i = 0; rc == 0 && i < sizeof(field_prefixes) /
                                          sizeof(field_prefixes[0]);
         i++)
        rc = xs_qparser_add_prefix(qp, field_prefixes[i].field,
                                   field_prefixes[i].prefix, e);
    if (rc == 0)
        rc = xs_qparser_set_positionless(qp, schema_positionless, e);
    if (rc == 0)
        rc = xs_qparser_set_stopwords(qp, stopwords_for(lang), e);
    if (rc < 0) {
        xs_qparser_free(qp);
        return rc;
    }
    *out = qp;
    return 0;
}

static int is_blank(const char *s)
{
    while (s && *s)
        if (!isspace((unsigned char)*s++))
            return 0;
    return 1;
}

/* Keeps at most max space-separated words, so a pasted essay cannot make
 * a query of thousands of terms. */
static void cap_words(char *s, unsigned max)
{
    unsigned words = 0;
    int in_word = 0;

    if (!max)
        return;
    for (char *p = s; *p; p++) {
        if (isspace((unsigned char)*p)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            if (++words > max) {
                *p = '\0';
                return;
            }
        }
    }
}

/* Keeps the first max wildcards ('*'), blanking the rest, so one short
 * request cannot expand dozens of prefixes. */
static void cap_wildcards(char *s, unsigned max)
{
    unsigned seen = 0;

    for (char *p = s; *p; p++)
        if (*p == '*' && seen++ >= max)
            *p = ' ';
}

/* Lower-cases field names written in capitals ("TITLE:gan", "Author:"),
 * which Xapian's parser would otherwise read as words. */
static void lower_field_names(char *s)
{
    const size_t n_fields = sizeof(field_prefixes) / sizeof(field_prefixes[0]);

    for (char *p = s; *p; p++) {
        if (p > s && isalnum((unsigned char)p[-1]))
            continue;
        for (size_t i = 0; i < n_fields; i++) {
            size_t len = strlen(field_prefixes[i].field);
            if (strncasecmp(p, field_prefixes[i].field, len) == 0 &&
                p[len] == ':') {
                for (size_t k = 0; k < len; k++)
                    p[k] = (char)tolower((unsigned char)p[k]);
                p += len;
                break;
            }
        }
    }
}

/*
 * Whether the query is nothing but exclusions ("-gan -vae"). Xapian reads
 * such a query as its words; here it means every paper without them. If
 * so, the minus signs are blanked.
 */
static int take_exclusions_only(char *s)
{
    int words = 0;

    for (char *p = s; *p; p++) {
        if (isspace((unsigned char)*p) ||
            (p > s && !isspace((unsigned char)p[-1])))
            continue;
        if (p[0] != '-' || !isalnum((unsigned char)p[1]))
            return 0;
        words++;
    }
    if (!words)
        return 0;
    for (char *p = s; *p; p++)
        if (*p == '-' && (p == s || isspace((unsigned char)p[-1])))
            *p = ' ';
    return 1;
}

/* Blanks the last double quote when they do not pair up, so that an
 * unclosed phrase reads as plain words rather than a phrase running to
 * the end of the query. Returns whether one was blanked. */
static int drop_unpaired_quote(char *s)
{
    char *last = NULL;
    size_t n = 0;

    for (char *p = s; *p; p++)
        if (*p == '"') {
            last = p;
            n++;
        }
    if (n % 2 == 0)
        return 0;
    *last = ' ';
    return 1;
}

/* The last resort: letters, digits and spaces only. */
static void strip_symbols(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x80 && !isalnum(*p))
            *p = ' ';
}

static int parse_degrading(xs_qparser *qp, char *text, xs_query **out,
                           int *degraded, struct err *e)
{
    static const unsigned steps[] = {
        /* PURE_NOT: "NOT gan" alone is every paper but those with "gan". */
        XS_QP_BOOLEAN | XS_QP_PHRASE | XS_QP_LOVEHATE | XS_QP_WILDCARD |
            XS_QP_PURE_NOT,
        XS_QP_PHRASE | XS_QP_LOVEHATE | XS_QP_PURE_NOT,
        0,
    };
    struct err pe;

    *degraded = 0;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        err_clear(&pe);
        int rc = xs_qparser_parse(qp, text, steps[i], out, &pe);
        if (rc == 0)
            return 0;
        if (rc != ERR_FORMAT)
            return err_set(e, rc, "%s", pe.msg);
        *degraded = 1;
    }
    strip_symbols(text);
    return xs_qparser_parse(qp, text, 0, out, e);
}

static int term_query(const char *prefix, const char *value, double boost,
                      xs_query **out, struct err *e)
{
    char term[TERM_MAX + 32];
    xs_query *t;
    int rc;

    snprintf(term, sizeof(term), "%s%s", prefix, value);
    rc = xs_query_term(term, 1, &t, e);
    if (rc < 0 || boost == 1.0) {
        *out = rc < 0 ? NULL : t;
        return rc;
    }
    rc = xs_query_scale(t, boost, out, e);
    xs_query_free(t);
    return rc;
}

/* Replaces *q by op(*q, other), freeing both inputs. */
static int combine2(enum xs_op op, xs_query **q, xs_query *other,
                    struct err *e)
{
    xs_query *subs[2] = {*q, other}, *res = NULL;
    int rc = xs_query_combine(op, subs, 2, &res, e);

    xs_query_free(*q);
    xs_query_free(other);
    *q = res;
    return rc;
}

/* Every paper but those matching any word of text. */
static int exclusion_query(xs_qparser *qp, char *text, int and_words,
                           xs_query **out, int *degraded, struct err *e)
{
    xs_query *words = NULL, *all = NULL;
    int rc;

    xs_qparser_set_default_and(qp, 0);
    rc = parse_degrading(qp, text, &words, degraded, e);
    xs_qparser_set_default_and(qp, and_words);
    if (rc == 0)
        rc = xs_query_all(&all, e);
    if (rc < 0) {
        xs_query_free(words);
        return rc;
    }
    *out = all;
    return combine2(XS_OP_AND_NOT, out, words, e);
}

/* The free-text part: parsed words, arXiv id, exact title. */
static int text_query(xs_qparser *qp, const struct search_req *r,
                      const struct query_limits *lim, int mode_and,
                      xs_query **out, int *has_text, int *degraded,
                      struct err *e)
{
    char *text = NULL, arxiv[64];
    size_t len, start, end;
    xs_query *q = NULL, *boost;
    uint64_t key;
    int rc, has_id, unpaired;

    *out = NULL;
    *has_text = 0;
    *degraded = 0;
    if (is_blank(r->q))
        return 0;
    rc = text_fold(r->q, strlen(r->q), &text, &len, e);
    if (rc < 0)
        return rc;
    has_id = arxiv_find(text, arxiv, sizeof(arxiv), &start, &end);
    if (has_id)
        memset(text + start, ' ', end - start);
    cap_words(text, lim->max_terms);
    cap_wildcards(text, lim->max_wildcards);
    unpaired = drop_unpaired_quote(text);
    lower_field_names(text);
    *has_text = 1;
    if (!is_blank(text) && take_exclusions_only(text)) {
        rc = exclusion_query(qp, text, mode_and, &q, degraded, e);
    } else if (!is_blank(text)) {
        rc = parse_degrading(qp, text, &q, degraded, e);
        *degraded |= unpaired;
        if (rc == 0 && xs_query_is_empty(q)) {
            xs_query_free(q);
            q = NULL;
        }
    }
    if (rc == 0 && has_id) {
        rc = term_query(PFX_ARXIV, arxiv, BOOST, &boost, e);
        if (rc == 0 && q)
            rc = combine2(XS_OP_OR, &q, boost, e);
        else if (rc == 0)
            q = boost;
    }
    key = text_title_key(r->q, strlen(r->q));
    if (rc == 0 && q && key) {
        char hex[20];
        snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)key);
        rc = term_query(PFX_TITLE_KEY, hex, BOOST, &boost, e);
        if (rc == 0)
            rc = combine2(XS_OP_AND_MAYBE, &q, boost, e);
    }
    free(text);
    if (rc < 0) {
        xs_query_free(q);
        return rc;
    }
    *out = q;
    return 0;
}

struct filter_terms {
    xs_query *subs[FILTER_LIST_MAX];
    size_t n;
    struct err *e;
};

static int add_filter_term(void *ctx, const char *value, const char *term)
{
    struct filter_terms *ft = ctx;
    int rc = xs_query_term(term, 1, &ft->subs[ft->n], ft->e);

    (void)value;
    if (rc == 0)
        ft->n++;
    return rc;
}

/* OR of prefix+value for each comma-separated value in list; NULL when
 * the list holds only blanks and commas (" , "), which filters nothing,
 * as an empty value does. */
static int list_filter(const char *prefix, const char *list,
                       xs_query **out, struct err *e)
{
    struct filter_terms ft = {{NULL}, 0, e};
    int rc = schema_filter_list(prefix, list, add_filter_term, &ft);

    if (rc == ERR_NOMEM)
        err_set(e, ERR_NOMEM, "out of memory"); /* no-op if already set */
    *out = NULL;
    if (rc == 0 && ft.n > 0)
        rc = xs_query_combine(XS_OP_OR, ft.subs, ft.n, out, e);
    for (size_t i = 0; i < ft.n; i++)
        xs_query_free(ft.subs[i]);
    return rc;
}

static int year_filter(const struct search_req *r, xs_query **out,
                       struct err *e)
{
    char lo[18], hi[18];
    size_t lo_len = 0, hi_len = 0;

    if (r->year_from)
        lo_len = xs_sortable_serialise(r->year_from, lo);
    if (r->year_to)
        hi_len = xs_sortable_serialise(r->year_to, hi);
    return xs_query_value_range(SLOT_YEAR, r->year_from ? lo : NULL, lo_len,
                                r->year_to ? hi : NULL, hi_len, out, e);
}

/* Appends *q to subs when the step that made it succeeded and it filters
 * something; clears *q for the next step. */
static int keep(int rc, xs_query **q, xs_query **subs, size_t *n)
{
    if (rc == 0 && *q)
        subs[(*n)++] = *q;
    *q = NULL;
    return rc;
}

static int filters_query(const struct search_req *r, xs_query **out,
                         struct err *e)
{
    const char *has_code = r->has_code ? PFX_HAS_CODE "1" : PFX_HAS_CODE "0";
    xs_query *subs[8], *q = NULL;
    size_t n = 0;
    int rc = 0;

    if (r->has_code >= 0) {
        rc = xs_query_term(has_code, 1, &q, e);
        rc = keep(rc, &q, subs, &n);
    }
    if (rc == 0 && r->official == 1) {
        rc = xs_query_term(PFX_OFFICIAL "1", 1, &q, e);
        rc = keep(rc, &q, subs, &n);
    }
    if (rc == 0 && r->framework) {
        rc = list_filter(PFX_FRAMEWORK, r->framework, &q, e);
        rc = keep(rc, &q, subs, &n);
    }
    if (rc == 0 && r->task) {
        rc = list_filter(PFX_TASK_EXACT, r->task, &q, e);
        rc = keep(rc, &q, subs, &n);
    }
    if (rc == 0 && r->venue) {
        rc = list_filter(PFX_VENUE_NAME, r->venue, &q, e);
        rc = keep(rc, &q, subs, &n);
    }
    if (rc == 0 && (r->year_from || r->year_to)) {
        rc = year_filter(r, &q, e);
        rc = keep(rc, &q, subs, &n);
    }
    *out = NULL;
    if (rc == 0 && n)
        rc = xs_query_combine(XS_OP_AND, subs, n, out, e);
    for (size_t i = 0; i < n; i++)
        xs_query_free(subs[i]);
    return rc;
}

int query_build(xs_qparser *qp, const struct search_req *r,
                enum query_mode mode, const struct query_limits *lim,
                xs_query **out, int *has_text, int *degraded, struct err *e)
{
    xs_query *q = NULL, *f = NULL;
    int rc;

    xs_qparser_set_default_and(qp, mode == QUERY_ALL_WORDS);
    rc = text_query(qp, r, lim, mode == QUERY_ALL_WORDS, &q, has_text,
                    degraded, e);
    if (rc == 0)
        rc = filters_query(r, &f, e);
    if (rc == 0 && !q && !*has_text)
        rc = xs_query_all(&q, e);
    if (rc == 0 && q && f)
        rc = combine2(XS_OP_FILTER, &q, f, e);
    else
        xs_query_free(f);
    if (rc < 0) {
        xs_query_free(q);
        return rc;
    }
    /* Text that parsed to nothing (only symbols) matches nothing. */
    if (!q)
        rc = xs_query_term(" no value ", 1, &q, e);
    *out = q;
    return rc;
}

int query_correct(xs_qparser *qp, const char *q, char **out, struct err *e)
{
    char *text = NULL;
    size_t len;
    xs_query *parsed = NULL;
    struct err pe = {0, ""};
    int rc;

    *out = NULL;
    if (is_blank(q))
        return 0;
    rc = text_fold(q, strlen(q), &text, &len, e);
    if (rc < 0)
        return rc;
    rc = xs_qparser_parse(qp, text, XS_QP_SPELLING | XS_QP_PHRASE |
                                        XS_QP_LOVEHATE | XS_QP_BOOLEAN,
                          &parsed, &pe);
    if (rc == ERR_FORMAT) {
        err_clear(&pe);
        strip_symbols(text);
        rc = xs_qparser_parse(qp, text, XS_QP_SPELLING, &parsed, &pe);
    }
    xs_query_free(parsed);
    free(text);
    if (rc < 0)
        return err_set(e, rc, "%s", pe.msg);
    rc = xs_qparser_corrected(qp, out, e);
    if (rc == 0 && *out && !**out) {
        free(*out);
        *out = NULL;
    }
    return rc;
}
