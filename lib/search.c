/*
 * The searcher: an open index with its query parser, answering searches
 * as cJSON replies. Plain words must all match; when that finds nothing,
 * the search is run again with any word matching, so a long natural query
 * still gets its best-ranked papers. A database changed by a writer while
 * a search runs is reopened and the search retried.
 */
#include "search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "indexdir.h"
#include "query.h"
#include "schema.h"
#include "search_internal.h"
#include "snippet.h"
#include "text.h"
#include "xs.h"

#define MAX_RETRIES 3
/* Matches examined at least when facets are asked for, so their counts
 * cover the whole result on a crawl of this size; also when no hit is
 * asked for, since then the count is all that is wanted. */
#define FACET_CHECK_AT_LEAST 100000
#define FACET_TOP 20
/* Below this many hits a query may be misspelled: look for a correction.
 * Only a query that found nothing pays for the spelling lookup. */
#define SPELL_CHECK_BELOW 1

struct searcher {
    const struct config *cfg;
    char path[4096];      /* as given */
    char read_path[4096]; /* what was opened */
    char stub[256];       /* content of CURRENT when opened */
    char lang[32];
    uint64_t version; /* see searcher_version */
    xs_db *db;
    xs_qparser *qp;
};

void search_req_init(struct search_req *r)
{
    memset(r, 0, sizeof(*r));
    r->limit = 10;
    r->sort = SORT_RELEVANCE;
    r->has_code = -1;
    r->official = -1;
    r->snippet_bytes = 200;
    r->hl_start = "<b>";
    r->hl_end = "</b>";
}

int search_sort_parse(const char *s)
{
    if (strcmp(s, "relevance") == 0)
        return SORT_RELEVANCE;
    if (strcmp(s, "date") == 0)
        return SORT_DATE;
    if (strcmp(s, "stars") == 0)
        return SORT_STARS;
    return -1;
}

static int parse_year(const char *s, size_t n, int *out)
{
    int y = 0;

    if (n == 0) {
        *out = 0;
        return 0;
    }
    if (n != 4)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        y = y * 10 + (s[i] - '0');
    }
    *out = y;
    return 0;
}

int search_years_parse(const char *s, int *from, int *to)
{
    const char *dash = strchr(s, '-');

    if (!dash) {
        if (parse_year(s, strlen(s), from) < 0 || *from == 0)
            return -1;
        *to = *from;
        return 0;
    }
    if (parse_year(s, (size_t)(dash - s), from) < 0 ||
        parse_year(dash + 1, strlen(dash + 1), to) < 0)
        return -1;
    if ((*from == 0 && *to == 0) || (*to && *from > *to))
        return -1;
    return 0;
}

/* The content of INDEX/CURRENT, which changes with each new generation. */
static void read_stub(const char *read_path, char *buf, size_t cap)
{
    FILE *f = fopen(read_path, "r");
    size_t n = 0;
    struct stat st;

    buf[0] = '\0';
    if (stat(read_path, &st) < 0 || !S_ISREG(st.st_mode) || !f) {
        if (f)
            fclose(f);
        return;
    }
    n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* The generation number CURRENT names in high bits, the database's commit
 * in low ones: both only grow, so the pair orders what was read. */
static void note_version(struct searcher *s)
{
    const char *g = strstr(s->stub, "gen-");
    uint64_t gen = g ? strtoull(g + 4, NULL, 10) : 0;

    s->version = (gen << 32) | (xs_db_revision(s->db) & 0xffffffffu);
}

uint64_t searcher_version(const struct searcher *s)
{
    return s->version;
}

static int open_db(struct searcher *s, struct err *e)
{
    char *lang = NULL, *schema = NULL;
    xs_db *db = NULL;
    xs_qparser *qp = NULL;
    int rc;

    index_read_path(s->path, s->read_path, sizeof(s->read_path));
    read_stub(s->read_path, s->stub, sizeof(s->stub));
    rc = xs_db_open(s->read_path, &db, e);
    if (rc == 0)
        rc = xs_db_get_metadata(db, "schema", &schema, e);
    if (rc == 0)
        rc = schema_check(schema, s->read_path, e);
    free(schema);
    if (rc == 0)
        rc = schema_declare_fields(db, s->cfg->max_wildcard_expansion, e);
    if (rc == 0)
        rc = xs_db_get_metadata(db, "language", &lang, e);
    if (rc == 0) {
        snprintf(s->lang, sizeof(s->lang), "%s",
                 lang && *lang ? lang : s->cfg->language);
        rc = query_parser_new(s->lang, &qp, e);
    }
    free(lang);
    if (rc < 0) {
        xs_db_free(db);
        return rc;
    }
    xs_qparser_set_database(qp, db);
    xs_qparser_set_max_expansion(qp, s->cfg->max_wildcard_expansion);
    xs_qparser_free(s->qp);
    xs_db_free(s->db);
    s->db = db;
    s->qp = qp;
    note_version(s);
    return 0;
}

int searcher_open(const char *path, const struct config *cfg,
                  struct searcher **out, struct err *e)
{
    struct searcher *s = calloc(1, sizeof(*s));
    int rc;

    if (!s)
        return err_set(e, ERR_NOMEM, "out of memory");
    s->cfg = cfg;
    snprintf(s->path, sizeof(s->path), "%s", path);
    rc = open_db(s, e);
    if (rc < 0) {
        searcher_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void searcher_free(struct searcher *s)
{
    if (!s)
        return;
    xs_qparser_free(s->qp);
    xs_db_free(s->db);
    free(s);
}

int searcher_refresh(struct searcher *s, int *changed, struct err *e)
{
    char stub[256], read_path[4096];

    *changed = 0;
    index_read_path(s->path, read_path, sizeof(read_path));
    read_stub(read_path, stub, sizeof(stub));
    if (strcmp(read_path, s->read_path) != 0 || strcmp(stub, s->stub) != 0) {
        int rc = open_db(s, e);
        if (rc == 0)
            *changed = 1;
        return rc;
    }
    int rc = xs_db_reopen(s->db, changed, e);
    if (rc == 0)
        note_version(s);
    return rc;
}

int searcher_info(struct searcher *s, cJSON **out, struct err *e)
{
    static const char *const keys[] = {"generation", "build_time",
                                       "update_time", "language"};
    uint32_t docs = 0;
    cJSON *o;
    int rc = xs_db_doccount(s->db, &docs, e);

    if (rc < 0)
        return rc;
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "documents", docs);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && rc == 0; i++) {
        char *v = NULL;
        rc = xs_db_get_metadata(s->db, keys[i], &v, e);
        if (rc == 0 && v && *v && strcmp(keys[i], "generation") == 0)
            cJSON_AddNumberToObject(o, keys[i], strtod(v, NULL));
        else if (rc == 0 && v && *v)
            cJSON_AddStringToObject(o, keys[i], v);
        else if (rc == 0)
            cJSON_AddNullToObject(o, keys[i]);
        free(v);
    }
    if (rc < 0) {
        cJSON_Delete(o);
        return rc;
    }
    *out = o;
    return 0;
}

static int set_sort(xs_enquire *enq, enum search_sort sort, struct err *e)
{
    static const unsigned date_slots[] = {SLOT_DATE, SLOT_ID};
    static const unsigned star_slots[] = {SLOT_STARS, SLOT_ID};
    static const int desc[] = {1, 0};

    switch (sort) {
    case SORT_DATE:
        return xs_enquire_sort_by_values(enq, date_slots, desc, 2, e);
    case SORT_STARS:
        return xs_enquire_sort_by_values(enq, star_slots, desc, 2, e);
    default:
        return xs_enquire_sort_relevance(enq, SLOT_ID, e);
    }
}

static const struct {
    const char *name;
    unsigned slot;
    const char *filter_prefix; /* its filter, when that folds values */
} facet_slots[] = {
    {"has_code", SLOT_HAS_CODE, NULL},
    {"official", SLOT_OFFICIAL, NULL},
    {"framework", SLOT_FRAMEWORK, PFX_FRAMEWORK},
    {"task", SLOT_TASKS, PFX_TASK_EXACT},
    {"year", SLOT_YEAR_TEXT, NULL},
    {"venue", SLOT_VENUE, PFX_VENUE_NAME},
};
#define N_FACETS (sizeof(facet_slots) / sizeof(facet_slots[0]))

struct facet_acc {
    cJSON *arr;
};

static int facet_collect(void *ctx, const char *val, size_t len,
                         uint32_t count)
{
    struct facet_acc *acc = ctx;
    cJSON *o = cJSON_CreateObject();
    char *v = strndup(val, len);

    cJSON_AddStringToObject(o, "value", v ? v : "");
    cJSON_AddNumberToObject(o, "count", count);
    cJSON_AddItemToArray(acc->arr, o);
    free(v);
    return 0;
}

static int facet_order(const void *pa, const void *pb)
{
    const cJSON *a = *(const cJSON *const *)pa, *b = *(const cJSON *const *)pb;
    double ca = cJSON_GetObjectItem(a, "count")->valuedouble;
    double cb = cJSON_GetObjectItem(b, "count")->valuedouble;

    if (ca != cb)
        return ca > cb ? -1 : 1;
    return strcmp(cJSON_GetObjectItem(a, "value")->valuestring,
                  cJSON_GetObjectItem(b, "value")->valuestring);
}

/* Sorts a facet by count, keeping the top ones (years: newest first). */
static cJSON *facet_sorted(cJSON *arr, const char *name)
{
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    cJSON **items = malloc((n ? n : 1) * sizeof(*items)), *out;
    int by_value = strcmp(name, "year") == 0;

    if (!items)
        return arr;
    for (cJSON *it = arr->child; it; it = it->next)
        items[i++] = it;
    if (!by_value)
        qsort(items, n, sizeof(*items), facet_order);
    out = cJSON_CreateArray();
    for (i = 0; i < n; i++) {
        size_t k = by_value ? n - 1 - i : i;
        if (i < FACET_TOP || by_value)
            cJSON_AddItemToArray(out, cJSON_Duplicate(items[k], 1));
    }
    free(items);
    cJSON_Delete(arr);
    return out;
}

struct keyed {
    char key[TERM_MAX + 1];
    cJSON *item;
};

static int keyed_order(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);

    /* Within one key, the most frequent spelling first. */
    if (c == 0)
        return facet_order(&a->item, &b->item);
    return c;
}

/*
 * Merges the values of a facet that its filter cannot tell apart ("Deep
 * learning", "deep Learning"), so that each count is what filtering by
 * the value gives. The most frequent spelling names the merged value.
 */
static cJSON *facet_merged(cJSON *arr, const char *filter_prefix)
{
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    struct keyed *k = malloc((n ? n : 1) * sizeof(*k));
    cJSON *out;

    if (!k)
        return arr;
    for (cJSON *it = arr->child; it; it = it->next, i++) {
        const char *v = cJSON_GetObjectItem(it, "value")->valuestring;
        if (!schema_filter_term(filter_prefix, v, k[i].key, sizeof(k[i].key)))
            k[i].key[0] = '\0';
        k[i].item = it;
    }
    qsort(k, n, sizeof(*k), keyed_order);
    out = cJSON_CreateArray();
    for (i = 0; i < n;) {
        cJSON *head = k[i].item;
        double count = 0;
        size_t j = i;

        for (; j < n && strcmp(k[j].key, k[i].key) == 0; j++)
            count += cJSON_GetObjectItem(k[j].item, "count")->valuedouble;
        cJSON_SetNumberValue(cJSON_GetObjectItem(head, "count"), count);
        cJSON_AddItemToArray(out, cJSON_Duplicate(head, 1));
        i = j;
    }
    free(k);
    cJSON_Delete(arr);
    return out;
}

static int add_facets(xs_mset *m, const int *ids, cJSON *reply,
                      struct err *e)
{
    cJSON *facets = cJSON_AddObjectToObject(reply, "facets");
    int rc = 0;

    for (size_t i = 0; i < N_FACETS && rc == 0; i++) {
        struct facet_acc acc = {cJSON_CreateArray()};
        rc = xs_mset_facet(m, ids[i], facet_collect, &acc, e);
        if (facet_slots[i].filter_prefix)
            acc.arr = facet_merged(acc.arr, facet_slots[i].filter_prefix);
        cJSON_AddItemToObject(facets, facet_slots[i].name,
                              facet_sorted(acc.arr, facet_slots[i].name));
    }
    return rc;
}

/* A snippet from the abstract, or the README when only it holds a query
 * word, or the title when neither does. */
static int add_snippet(const struct snippet_terms *terms,
                       const struct search_req *r, cJSON *hit, struct err *e)
{
    static const char *const from[] = {"abstract", "readme", "title"};
    const struct snippet_style style = {r->snippet_bytes, r->hl_start,
                                        r->hl_end, "..."};
    char *best = NULL;
    int best_from = -1, rc = 0;

    for (int k = 0; k < 3; k++) {
        const cJSON *src = cJSON_GetObjectItem(hit, from[k]);
        char *snip = NULL;
        int marked = 0;

        if (!cJSON_IsString(src) || !*src->valuestring || (k == 2 && best))
            continue;
        rc = snippet_make(terms, src->valuestring, strlen(src->valuestring),
                          &style, &snip, &marked, e);
        if (rc < 0)
            break;
        if (!best || marked) {
            free(best);
            best = snip;
            best_from = k;
        } else {
            free(snip);
        }
        if (marked)
            break;
    }
    if (best) {
        cJSON_AddStringToObject(hit, "snippet", best);
        cJSON_AddStringToObject(hit, "snippet_from", from[best_from]);
    } else {
        cJSON_AddNullToObject(hit, "snippet");
    }
    free(best);
    return rc;
}

static int add_hits(xs_mset *m, const struct snippet_terms *terms,
                    const struct search_req *r, cJSON *reply, struct err *e)
{
    cJSON *hits = cJSON_AddArrayToObject(reply, "hits");
    uint32_t n = xs_mset_size(m);
    int rc = 0;

    for (uint32_t i = 0; i < n && rc == 0; i++) {
        char *data = NULL;
        size_t len = 0;
        cJSON *hit;

        rc = xs_mset_data(m, i, &data, &len, e);
        if (rc < 0)
            break;
        hit = cJSON_ParseWithLength(data, len);
        free(data);
        if (!hit) {
            hit = cJSON_CreateObject();
            cJSON_AddStringToObject(hit, "error", "unreadable document");
        }
        cJSON_AddNumberToObject(hit, "rank", r->offset + i + 1);
        cJSON_AddNumberToObject(hit, "score", xs_mset_weight(m, i));
        {
            cJSON *impls = cJSON_GetObjectItem(hit, "implementations");
            cJSON_AddBoolToObject(hit, "has_code",
                                  cJSON_GetArraySize(impls) > 0);
        }
        if (terms)
            rc = add_snippet(terms, r, hit, e);
        cJSON_DeleteItemFromObject(hit, "abstract");
        cJSON_DeleteItemFromObject(hit, "readme");
        cJSON_AddItemToArray(hits, hit);
    }
    return rc;
}

static const char *sort_name(enum search_sort s)
{
    return s == SORT_DATE ? "date" : s == SORT_STARS ? "stars" : "relevance";
}

/* One attempt: build, run, and describe the search. */
static int run_once(struct searcher *s, const struct search_req *r,
                    enum query_mode mode, cJSON **reply, struct err *e)
{
    xs_query *q = NULL;
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    int facet_ids[N_FACETS];
    int has_text = 0, degraded = 0, rc;
    char *desc = NULL;
    struct snippet_terms *terms = NULL;
    uint32_t est = 0, lo = 0, hi = 0;
    cJSON *o;

    struct query_limits lim = {s->cfg->max_query_terms,
                               s->cfg->max_query_wildcards};

    rc = query_build(s->qp, r, mode, &lim, &q, &has_text, &degraded, e);
    if (rc == 0)
        rc = xs_enquire_new(s->db, &enq, e);
    if (rc == 0)
        rc = xs_enquire_set_query(enq, q, e);
    if (rc == 0)
        rc = set_sort(enq, r->sort, e);
    for (size_t i = 0; rc == 0 && r->facets && i < N_FACETS; i++) {
        rc = xs_enquire_add_facet(enq, facet_slots[i].slot, e);
        facet_ids[i] = rc;
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0)
        rc = xs_enquire_get_mset(enq, r->offset, r->limit,
                                 r->facets || r->limit == 0
                                     ? FACET_CHECK_AT_LEAST
                                     : r->offset + r->limit + 1,
                                 &m, e);
    if (rc == 0)
        rc = xs_query_describe(q, &desc, e);
    if (rc < 0)
        goto out;
    o = cJSON_CreateObject();
    {
        /* The query is echoed as given, but always as valid UTF-8. */
        size_t n;
        char *echo = text_utf8_repair(r->q ? r->q : "",
                                      r->q ? strlen(r->q) : 0, &n);
        cJSON_AddStringToObject(o, "query", echo ? echo : "");
        free(echo);
    }
    cJSON_AddStringToObject(o, "understood", desc);
    cJSON_AddBoolToObject(o, "all_words", mode == QUERY_ALL_WORDS);
    cJSON_AddBoolToObject(o, "operators_ignored", degraded);
    xs_mset_total(m, &est, &lo, &hi);
    {
        cJSON *t = cJSON_AddObjectToObject(o, "total");
        cJSON_AddNumberToObject(t, "estimated", est);
        cJSON_AddNumberToObject(t, "lower", lo);
        cJSON_AddNumberToObject(t, "upper", hi);
        cJSON_AddBoolToObject(t, "exact", lo == hi);
    }
    cJSON_AddNumberToObject(o, "offset", r->offset);
    cJSON_AddNumberToObject(o, "limit", r->limit);
    cJSON_AddStringToObject(o, "sort", sort_name(r->sort));
    if (r->snippet_bytes)
        rc = snippet_terms_new(q, s->qp, s->lang, &terms, e);
    if (rc == 0)
        rc = add_hits(m, terms, r, o, e);
    if (rc == 0 && r->facets)
        rc = add_facets(m, facet_ids, o, e);
    if (rc < 0)
        cJSON_Delete(o);
    else
        *reply = o;
out:
    snippet_terms_free(terms);
    free(desc);
    xs_mset_free(m);
    xs_enquire_free(enq);
    xs_query_free(q);
    return rc;
}

static int run_retrying(struct searcher *s, const struct search_req *r,
                        enum query_mode mode, cJSON **reply, struct err *e)
{
    int rc = ERR_MODIFIED;

    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
        struct err te = {0, ""};
        int changed;

        rc = run_once(s, r, mode, reply, &te);
        if (rc != ERR_MODIFIED)
            return rc < 0 ? err_set(e, rc, "%s", te.msg) : 0;
        searcher_refresh(s, &changed, NULL);
    }
    return err_set(e, rc, "index kept changing during the search");
}

static double total_estimated(const cJSON *reply)
{
    const cJSON *t = cJSON_GetObjectItem(reply, "total");
    return cJSON_GetObjectItem(t, "estimated")->valuedouble;
}

static int has_filters(const struct search_req *r)
{
    return r->has_code >= 0 || r->official >= 0 || r->framework ||
           r->task || r->venue || r->year_from || r->year_to;
}

/* Whether the words alone, without the request's filters, match some
 * paper: then it was a filter that emptied the result, and the words
 * need no correcting. */
static int words_match_unfiltered(struct searcher *s,
                                  const struct search_req *r)
{
    struct search_req words;
    struct err we = {0, ""};
    cJSON *reply = NULL;
    int found;

    search_req_init(&words);
    words.q = r->q;
    words.limit = 1;
    words.snippet_bytes = 0;
    if (run_retrying(s, &words, QUERY_ANY_WORD, &reply, &we) < 0)
        return 0;
    found = total_estimated(reply) > 0;
    cJSON_Delete(reply);
    return found;
}

/* "Did you mean": only for queries that found nothing, since checking
 * every word against the spelling table costs more than the search. */
static int add_correction(struct searcher *s, const struct search_req *r,
                          cJSON *reply, struct err *e)
{
    char *fixed = NULL;
    struct err ce = {0, ""};

    if (!r->q || total_estimated(reply) >= SPELL_CHECK_BELOW ||
        (has_filters(r) && words_match_unfiltered(s, r)) ||
        query_correct(s->qp, r->q, &fixed, &ce) < 0 || !fixed) {
        cJSON_AddNullToObject(reply, "corrected");
        (void)e;
        return 0;
    }
    cJSON_AddStringToObject(reply, "corrected", fixed);
    free(fixed);
    return 0;
}

struct unmatched {
    struct searcher *s;
    const char *name;
    cJSON *reply;
};

static int warn_if_unmatched(void *ctx, const char *value, const char *term)
{
    struct unmatched *u = ctx;
    struct err te = {0, ""};
    uint32_t freq = 1;
    char msg[TERM_MAX + 64], *shown;
    cJSON *warnings;
    size_t n;

    if (xs_db_termfreq(u->s->db, term, &freq, &te) < 0 || freq > 0)
        return 0;
    warnings = cJSON_GetObjectItem(u->reply, "warnings");
    if (!warnings)
        warnings = cJSON_AddArrayToObject(u->reply, "warnings");
    shown = text_utf8_repair(value, strlen(value), &n);
    snprintf(msg, sizeof(msg), "%s '%.*s' matches no paper", u->name,
             TERM_MAX, shown ? shown : "");
    free(shown);
    cJSON_AddItemToArray(warnings, cJSON_CreateString(msg));
    return 0;
}

/*
 * Names each filter value that no paper has ("framework 'TensorFlow'"),
 * since a filter that can never match looks like a search that found
 * nothing. The lists are read as the filters read them.
 */
static void add_filter_warnings(struct searcher *s,
                                const struct search_req *r, cJSON *reply)
{
    const struct {
        const char *name, *prefix, *list;
    } lists[] = {
        {"framework", PFX_FRAMEWORK, r->framework},
        {"task", PFX_TASK_EXACT, r->task},
        {"venue", PFX_VENUE_NAME, r->venue},
    };

    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        struct unmatched u = {s, lists[i].name, reply};
        (void)schema_filter_list(lists[i].prefix, lists[i].list,
                                 warn_if_unmatched, &u);
    }
}

int search_run(struct searcher *s, const struct search_req *r,
               cJSON **reply, struct err *e)
{
    struct timespec t0, t1;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = run_retrying(s, r, QUERY_ALL_WORDS, reply, e);
    if (rc == 0 && total_estimated(*reply) == 0 && r->q && *r->q) {
        cJSON *any = NULL;
        rc = run_retrying(s, r, QUERY_ANY_WORD, &any, e);
        if (rc == 0) {
            cJSON_Delete(*reply);
            *reply = any;
        }
    }
    if (rc == 0)
        rc = add_correction(s, r, *reply, e);
    if (rc < 0)
        return rc;
    add_filter_warnings(s, r, *reply);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cJSON_AddNumberToObject(*reply, "took_ms",
                            (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                                (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    return 0;
}

static int find_doc(struct searcher *s, const char *id, uint32_t *docid,
                    struct err *e)
{
    static const char *const prefixes[] = {PFX_UID, PFX_CRAWL_ID};
    char term[TERM_MAX + 32], arxiv[64];
    int rc = ERR_NOTFOUND;

    if (arxiv_normalize(id, strlen(id), arxiv, sizeof(arxiv))) {
        snprintf(term, sizeof(term), PFX_UID "%s", arxiv);
        rc = xs_db_find_term(s->db, term, docid, NULL);
        if (rc != ERR_NOTFOUND)
            return rc < 0 ? err_set(e, rc, "lookup failed") : 0;
    }
    for (size_t i = 0; i < 2; i++) {
        snprintf(term, sizeof(term), "%s%s", prefixes[i], id);
        rc = xs_db_find_term(s->db, term, docid, NULL);
        if (rc != ERR_NOTFOUND)
            return rc < 0 ? err_set(e, rc, "lookup failed") : 0;
    }
    return err_set(e, ERR_NOTFOUND, "no paper with id '%.100s'", id);
}

int search_get(struct searcher *s, const char *id, cJSON **doc,
               struct err *e)
{
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
        struct err te = {0, ""};
        uint32_t docid;
        char *data = NULL;
        size_t len;
        int rc, changed;

        rc = find_doc(s, id, &docid, &te);
        if (rc == 0)
            rc = xs_db_get_data(s->db, docid, &data, &len, &te);
        if (rc == ERR_MODIFIED) {
            searcher_refresh(s, &changed, NULL);
            continue;
        }
        if (rc < 0)
            return err_set(e, rc, "%s", te.msg);
        *doc = cJSON_ParseWithLength(data, len);
        free(data);
        if (!*doc)
            return err_set(e, ERR_FORMAT, "document %s is unreadable", id);
        cJSON_AddBoolToObject(
            *doc, "has_code",
            cJSON_GetArraySize(cJSON_GetObjectItem(*doc, "implementations")) >
                0);
        return 0;
    }
    return err_set(e, ERR_MODIFIED, "index kept changing during lookup");
}

int search_suggest(struct searcher *s, const char *prefix, unsigned max,
                   cJSON **out, struct err *e)
{
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
        struct err te = {0, ""};
        int rc = suggest_lookup(s->db, prefix, max, out, &te), changed;

        if (rc == ERR_MODIFIED) {
            searcher_refresh(s, &changed, NULL);
            continue;
        }
        return rc < 0 ? err_set(e, rc, "%s", te.msg) : 0;
    }
    return err_set(e, ERR_MODIFIED, "index kept changing during lookup");
}
