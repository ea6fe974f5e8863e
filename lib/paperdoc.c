/*
 * Document building. Every field is folded (accents, compatibility forms)
 * before Xapian tokenizes it, exactly as queries are, and indexed twice:
 * unprefixed with the field's weight, for plain words and phrases, and
 * under its field prefix for "title:" style queries. Word positions are
 * the costliest part of an index to build, so the long fields' prefixed
 * copies go without them (see schema_field_positions).
 */
#include "paperdoc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "stopwords.h"
#include "suggest.h"
#include "text.h"

/* Gap in term positions between fields, so no phrase spans two. */
#define FIELD_GAP 100
/* Implementations stored per paper; monorepos can be linked hundreds of
 * times, but nobody reads past the first screen. */
#define MAX_IMPLS 50

struct doc_builder {
    const struct config *cfg;
    xs_indexer *ix;
    xs_doc *doc;
    xs_spelling *spell; /* title words counted for the spelling table */
    xs_wdb *spell_db;   /* where doc_builder_flush_spelling writes them */
    char *data;
    size_t data_len;
    char *fold_buf;
};

int doc_builder_new(const struct config *c, struct doc_builder **out,
                    struct err *e)
{
    struct doc_builder *b = calloc(1, sizeof(*b));
    int rc;

    if (!b)
        return err_set(e, ERR_NOMEM, "out of memory");
    b->cfg = c;
    rc = xs_indexer_new(c->language, 0, &b->ix, e);
    if (rc == 0)
        rc = xs_doc_new(&b->doc, e);
    if (rc == 0)
        rc = xs_spelling_new(stopwords_for(c->language), &b->spell, e);
    if (rc < 0) {
        doc_builder_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void doc_builder_free(struct doc_builder *b)
{
    if (!b)
        return;
    xs_indexer_free(b->ix);
    xs_doc_free(b->doc);
    xs_spelling_free(b->spell);
    free(b->data);
    free(b);
}

void doc_builder_set_spelling_db(struct doc_builder *b, xs_wdb *db)
{
    b->spell_db = db;
}

int doc_builder_flush_spelling(struct doc_builder *b, struct err *e)
{
    return b->spell_db ? xs_spelling_flush(b->spell, b->spell_db, e) : 0;
}

/* Title words go to the spelling table that "did you mean" draws on. */
static int add_spelling(struct doc_builder *b, const char *title,
                        struct err *e)
{
    char *folded = NULL;
    size_t len = 0;
    int rc;

    if (!b->spell_db)
        return 0;
    rc = text_fold(title, strlen(title), &folded, &len, e);
    if (rc < 0)
        return rc;
    rc = xs_spelling_add_text(b->spell, folded, len, e);
    free(folded);
    return rc;
}

const char *doc_builder_data(const struct doc_builder *b, size_t *len)
{
    if (len)
        *len = b->data_len;
    return b->data;
}

void paper_uid(const struct paper *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", p->arxiv_id ? p->arxiv_id : p->id);
}

/*
 * Indexes one field twice: unprefixed with the field's weight and with
 * positions, for plain words and phrases; and under its prefix for field
 * queries, with positions only where schema_field_positions() says. The
 * implicit field (prefix NULL) has only the unprefixed copy.
 */
static int index_field(struct doc_builder *b, const char *text,
                       const char *prefix, unsigned weight, size_t max,
                       struct err *e)
{
    char *folded = NULL;
    size_t len = 0;
    int rc;

    if (!text || !*text)
        return 0;
    rc = text_fold(text, strlen(text), &folded, &len, e);
    if (rc < 0)
        return rc;
    if (max && len > max)
        len = max;
    if (prefix)
        rc = xs_indexer_index_text(b->ix, folded, len, 1, prefix,
                                   schema_field_positions(prefix), e);
    if (rc == 0 && weight) {
        /* The gap keeps a phrase from running from one field (or one
         * author) into the next. */
        xs_indexer_skip_positions(b->ix, FIELD_GAP);
        rc = xs_indexer_index_text(b->ix, folded, len, weight, "", 1, e);
    }
    xs_indexer_skip_positions(b->ix, FIELD_GAP);
    free(folded);
    return rc;
}

static int add_filter(xs_doc *doc, const char *prefix, const char *value,
                      struct err *e)
{
    char term[TERM_MAX + 1];

    if (schema_filter_term(prefix, value, term, sizeof(term)) == 0)
        return 0;
    return xs_doc_add_term(doc, term, 0, e);
}

static int add_value_str(xs_doc *doc, unsigned slot, const char *s,
                         struct err *e)
{
    if (!s || !*s)
        return 0;
    return xs_doc_add_value(doc, slot, s, strlen(s), e);
}

static int add_value_num(xs_doc *doc, unsigned slot, double d,
                         struct err *e)
{
    char buf[18];
    size_t n = xs_sortable_serialise(d, buf);
    return xs_doc_add_value(doc, slot, buf, n, e);
}

static int impl_rank(const void *pa, const void *pb)
{
    const struct impl *a = *(const struct impl *const *)pa;
    const struct impl *b = *(const struct impl *const *)pb;

    if ((a->official == TRI_YES) != (b->official == TRI_YES))
        return a->official == TRI_YES ? -1 : 1;
    if (a->stars != b->stars)
        return a->stars > b->stars ? -1 : 1;
    return strcmp(a->repo_url, b->repo_url);
}

static cJSON *impl_json(const struct impl *im)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "repo_url", im->repo_url);
    if (im->official == TRI_UNKNOWN)
        cJSON_AddNullToObject(o, "official");
    else
        cJSON_AddBoolToObject(o, "official", im->official == TRI_YES);
    if (im->framework)
        cJSON_AddStringToObject(o, "framework", im->framework);
    else
        cJSON_AddNullToObject(o, "framework");
    if (im->stars >= 0)
        cJSON_AddNumberToObject(o, "stars", (double)im->stars);
    else
        cJSON_AddNullToObject(o, "stars");
    return o;
}

static void add_opt_string(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *string_array(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

/* Keeps the stored JSON; the document holds a copy too. */
static int store_data(struct doc_builder *b, cJSON *root, struct err *e)
{
    char *s = cJSON_PrintUnformatted(root);

    cJSON_Delete(root);
    if (!s)
        return err_set(e, ERR_NOMEM, "out of memory printing document");
    free(b->data);
    b->data = s;
    b->data_len = strlen(s);
    return xs_doc_set_data(b->doc, s, b->data_len, e);
}

/* Filter terms and values derived from the implementations. */
static int index_impls(struct doc_builder *b, const struct impl **impls,
                       size_t n, cJSON *root, struct err *e)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "implementations");
    char fw_list[1024];
    size_t fw_len = 0;
    long best_stars = -1;
    int official = 0, community = 0, rc = 0;

    fw_list[0] = '\0';
    if (n > 1)
        qsort(impls, n, sizeof(*impls), impl_rank);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct impl *im = impls[i];

        if (i < MAX_IMPLS)
            cJSON_AddItemToArray(arr, impl_json(im));
        if (im->stars > best_stars)
            best_stars = im->stars;
        if (im->official == TRI_YES)
            official = 1;
        else if (im->official == TRI_NO)
            community = 1;
        if (im->framework && *im->framework) {
            rc = add_filter(b->doc, PFX_FRAMEWORK, im->framework, e);
            if (!strstr(fw_list, im->framework) &&
                fw_len + strlen(im->framework) + 2 < sizeof(fw_list))
                fw_len += (size_t)snprintf(fw_list + fw_len,
                                           sizeof(fw_list) - fw_len, "%s%s",
                                           fw_len ? "\x1f" : "",
                                           im->framework);
        }
    }
    cJSON_AddNumberToObject(root, "n_implementations", (double)n);
    if (rc == 0)
        rc = xs_doc_add_term(b->doc, n ? PFX_HAS_CODE "1" : PFX_HAS_CODE "0",
                             0, e);
    if (rc == 0)
        rc = add_value_str(b->doc, SLOT_HAS_CODE, n ? "yes" : "no", e);
    if (rc == 0 && official)
        rc = xs_doc_add_term(b->doc, PFX_OFFICIAL "1", 0, e);
    if (rc == 0 && n)
        /* As the hits say it: code nobody marked either way is
         * "unverified", not "community". */
        rc = add_value_str(b->doc, SLOT_OFFICIAL,
                           official    ? "official"
                           : community ? "community"
                                       : "unverified",
                           e);
    if (rc == 0 && best_stars >= 0)
        rc = add_value_num(b->doc, SLOT_STARS, (double)best_stars, e);
    if (rc == 0)
        rc = add_value_str(b->doc, SLOT_FRAMEWORK, fw_list, e);
    return rc;
}

/* README text of the paper's repositories, best repository first, up to
 * the configured size; also keeps the start of it for snippets. */
static int index_readmes(struct doc_builder *b, const struct impl **impls,
                         size_t n, const struct code_index *ci, cJSON *root,
                         int *has_readme, struct err *e)
{
    size_t budget = b->cfg->readme_max_bytes;
    int rc = 0;

    *has_readme = 0;
    for (size_t i = 0; i < n && budget && rc == 0; i++) {
        const struct readme *r = code_index_readme(ci, impls[i]->repo_url);
        size_t len;

        if (!r || !r->len)
            continue;
        len = r->len < budget ? r->len : budget;
        if (!*has_readme) {
            size_t keep = len < 4000 ? len : 4000;
            char *head = text_utf8_repair(r->text, keep, &keep);
            if (head)
                cJSON_AddStringToObject(root, "readme", head);
            free(head);
        }
        *has_readme = 1;
        {
            char *copy = strndup(r->text, len);
            if (!copy)
                return err_set(e, ERR_NOMEM, "out of memory");
            rc = index_field(b, copy, PFX_README, b->cfg->weight_readme, 0,
                             e);
            free(copy);
        }
        budget -= len;
    }
    return rc;
}

static int index_ids(struct doc_builder *b, const struct paper *p,
                     const char *uid, struct err *e)
{
    char term[TERM_MAX + 32];
    uint64_t key;
    int rc;

    snprintf(term, sizeof(term), PFX_UID "%s", uid);
    rc = xs_doc_add_term(b->doc, term, 0, e);
    snprintf(term, sizeof(term), PFX_CRAWL_ID "%s", p->id);
    if (rc == 0)
        rc = xs_doc_add_term(b->doc, term, 0, e);
    if (rc == 0 && p->arxiv_id) {
        snprintf(term, sizeof(term), PFX_ARXIV "%s", p->arxiv_id);
        rc = xs_doc_add_term(b->doc, term, 1, e);
    }
    key = text_title_key(p->title, strlen(p->title));
    if (rc == 0 && key) {
        snprintf(term, sizeof(term), PFX_TITLE_KEY "%016llx",
                 (unsigned long long)key);
        rc = xs_doc_add_term(b->doc, term, 1, e);
    }
    if (rc == 0)
        rc = xs_doc_add_value(b->doc, SLOT_ID, uid, strlen(uid), e);
    return rc;
}

static int index_dates(struct doc_builder *b, const struct paper *p,
                       struct err *e)
{
    char buf[16];
    int rc = 0;

    if (p->date && strlen(p->date) >= 10)
        snprintf(buf, sizeof(buf), "%.4s%.2s%.2s", p->date, p->date + 5,
                 p->date + 8);
    else
        snprintf(buf, sizeof(buf), "%04d0000", p->year);
    if (p->year > 0) {
        rc = xs_doc_add_value(b->doc, SLOT_DATE, buf, 8, e);
        if (rc == 0)
            rc = add_value_num(b->doc, SLOT_YEAR, p->year, e);
        snprintf(buf, sizeof(buf), "%d", p->year);
        if (rc == 0)
            rc = add_value_str(b->doc, SLOT_YEAR_TEXT, buf, e);
        if (rc == 0)
            rc = add_filter(b->doc, PFX_YEAR, buf, e);
    }
    return rc;
}

/* Authors, tasks and venue: text fields with filter terms and facets. */
static int index_meta(struct doc_builder *b, const struct paper *p,
                      struct err *e)
{
    const struct config *c = b->cfg;
    char venue[256], tasks[2048];
    size_t tlen = 0;
    int rc = 0;

    for (size_t i = 0; i < p->n_authors && rc == 0; i++)
        rc = index_field(b, p->authors[i], PFX_AUTHOR, c->weight_authors, 0,
                         e);
    tasks[0] = '\0';
    for (size_t i = 0; i < p->n_tasks && rc == 0; i++) {
        rc = index_field(b, p->tasks[i], PFX_TASK, c->weight_tasks, 0, e);
        if (rc == 0)
            rc = add_filter(b->doc, PFX_TASK_EXACT, p->tasks[i], e);
        if (tlen + strlen(p->tasks[i]) + 2 < sizeof(tasks))
            tlen += (size_t)snprintf(tasks + tlen, sizeof(tasks) - tlen,
                                     "%s%s", tlen ? "\x1f" : "",
                                     p->tasks[i]);
    }
    if (rc == 0)
        rc = add_value_str(b->doc, SLOT_TASKS, tasks, e);
    if (rc == 0 && p->venue) {
        schema_venue_name(p->venue, venue, sizeof(venue));
        rc = index_field(b, p->venue, PFX_VENUE, c->weight_venue, 0, e);
        if (rc == 0)
            rc = add_filter(b->doc, PFX_VENUE_NAME, venue, e);
        if (rc == 0)
            rc = add_value_str(b->doc, SLOT_VENUE, venue, e);
    }
    return rc;
}

static cJSON *paper_json(const struct paper *p, const char *uid)
{
    cJSON *root = cJSON_CreateObject();

    cJSON_AddStringToObject(root, "id", uid);
    cJSON_AddStringToObject(root, "crawl_id", p->id);
    cJSON_AddStringToObject(root, "kind", "paper");
    add_opt_string(root, "arxiv_id", p->arxiv_id);
    cJSON_AddStringToObject(root, "title", p->title);
    cJSON_AddItemToObject(root, "authors",
                          string_array(p->authors, p->n_authors));
    add_opt_string(root, "date", p->date);
    if (p->year > 0)
        cJSON_AddNumberToObject(root, "year", p->year);
    else
        cJSON_AddNullToObject(root, "year");
    add_opt_string(root, "venue", p->venue);
    cJSON_AddItemToObject(root, "tasks", string_array(p->tasks, p->n_tasks));
    add_opt_string(root, "url_abs", p->url_abs);
    add_opt_string(root, "url_pdf", p->url_pdf);
    add_opt_string(root, "abstract", p->abstract);
    return root;
}

int doc_builder_paper(struct doc_builder *b, const struct paper *p,
                      const struct code_index *ci, xs_doc **doc,
                      struct doc_info *info, struct err *e)
{
    const struct config *c = b->cfg;
    const struct impl *const *found;
    const struct impl **impls = NULL;
    size_t n = 0;
    cJSON *root;
    int rc;

    memset(info, 0, sizeof(*info));
    paper_uid(p, info->uid, sizeof(info->uid));
    xs_doc_clear(b->doc);
    xs_indexer_set_document(b->ix, b->doc);
    found = ci ? code_index_impls(ci, p->id, p->arxiv_id, &n) : NULL;
    if (n) {
        impls = malloc(n * sizeof(*impls));
        if (!impls)
            return err_set(e, ERR_NOMEM, "out of memory");
        memcpy(impls, found, n * sizeof(*impls));
    }
    root = paper_json(p, info->uid);
    rc = index_ids(b, p, info->uid, e);
    if (rc == 0)
        rc = xs_doc_add_term(b->doc, PFX_KIND "paper", 0, e);
    if (rc == 0)
        rc = index_field(b, p->title, PFX_TITLE, c->weight_title, 0, e);
    if (rc == 0)
        rc = add_spelling(b, p->title, e);
    if (rc == 0)
        rc = suggest_add_terms(b->doc, p, e);
    if (rc == 0)
        rc = index_field(b, p->abstract, NULL, c->weight_abstract,
                         0, e);
    if (rc == 0)
        rc = index_meta(b, p, e);
    if (rc == 0)
        rc = index_dates(b, p, e);
    if (rc == 0)
        rc = index_impls(b, impls, n, root, e);
    if (rc == 0 && ci)
        rc = index_readmes(b, impls, n, ci, root, &info->has_readme, e);
    free(impls);
    if (rc < 0) {
        cJSON_Delete(root);
        return rc;
    }
    info->has_abstract = p->abstract && *p->abstract;
    info->has_code = n > 0;
    *doc = b->doc;
    return store_data(b, root, e);
}

/* "https://github.com/owner/name" -> "owner/name", for a title. */
static const char *repo_title(const char *url)
{
    const char *s = strstr(url, "://");
    s = s ? s + 3 : url;
    s = strchr(s, '/');
    return s && s[1] ? s + 1 : url;
}

int doc_builder_repo(struct doc_builder *b, const struct readme *r,
                     xs_doc **doc, struct doc_info *info, struct err *e)
{
    struct impl im = {r->repo_url, TRI_UNKNOWN, NULL, -1};
    const struct impl *impls[1] = {&im};
    const char *title = repo_title(r->repo_url);
    char key[512];
    cJSON *root;
    int rc;

    memset(info, 0, sizeof(*info));
    if (repo_key(r->repo_url, key, sizeof(key)) < 0 ||
        snprintf(info->uid, sizeof(info->uid), "repo:%s", key) >=
            (int)sizeof(info->uid))
        return err_set(e, ERR_FORMAT, "repository URL too long: %.80s",
                       r->repo_url);
    xs_doc_clear(b->doc);
    xs_indexer_set_document(b->ix, b->doc);
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "id", info->uid);
    /* The keys of a paper hit, unknown ones null, so a client reads both
     * kinds alike. */
    cJSON_AddNullToObject(root, "crawl_id");
    cJSON_AddStringToObject(root, "kind", "repo");
    cJSON_AddNullToObject(root, "arxiv_id");
    cJSON_AddStringToObject(root, "title", title);
    cJSON_AddItemToObject(root, "authors", cJSON_CreateArray());
    cJSON_AddNullToObject(root, "date");
    cJSON_AddNullToObject(root, "year");
    cJSON_AddNullToObject(root, "venue");
    cJSON_AddItemToObject(root, "tasks", cJSON_CreateArray());
    {
        char term[TERM_MAX + 32];
        snprintf(term, sizeof(term), PFX_UID "%s", info->uid);
        rc = xs_doc_add_term(b->doc, term, 0, e);
    }
    if (rc == 0)
        rc = xs_doc_add_value(b->doc, SLOT_ID, info->uid, strlen(info->uid),
                              e);
    if (rc == 0)
        rc = xs_doc_add_term(b->doc, PFX_KIND "repo", 0, e);
    if (rc == 0)
        rc = index_field(b, title, PFX_TITLE, b->cfg->weight_title, 0, e);
    if (rc == 0)
        rc = index_impls(b, impls, 1, root, e);
    if (rc == 0) {
        size_t keep = r->len < 4000 ? r->len : 4000;
        char *head = text_utf8_repair(r->text, keep, &keep);
        if (head)
            cJSON_AddStringToObject(root, "readme", head);
        free(head);
        rc = index_field(b, r->text, PFX_README, b->cfg->weight_readme,
                         b->cfg->readme_max_bytes, e);
    }
    if (rc < 0) {
        cJSON_Delete(root);
        return rc;
    }
    info->has_code = 1;
    info->has_readme = 1;
    *doc = b->doc;
    return store_data(b, root, e);
}

int doc_builder_spell(struct doc_builder *b, xs_wdb *db, const char *title,
                      struct err *e)
{
    xs_wdb *saved = b->spell_db;
    int rc;

    b->spell_db = db;
    rc = add_spelling(b, title, e);
    if (rc == 0)
        rc = xs_spelling_flush(b->spell, db, e);
    b->spell_db = saved;
    return rc;
}
