/*
 * The join tables of a crawl: links grouped by paper (by crawl id and by
 * arXiv id) and merged per repository, and cleaned READMEs keyed by
 * repository. Everything is built in code_index_load; afterwards only the
 * rare merge of two different groups for one paper writes, under a lock.
 */
#include "codeindex.h"

#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX        512
#define NO_GROUP       UINT32_MAX
#define README_MAX_LEN (16UL * 1024 * 1024)

/* Open-addressing table from owned string keys to 32-bit values. */
struct strtab {
    char **keys;
    uint32_t *vals;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

/* A link with the key of its repository. */
struct lnk {
    struct link l;
    char *key;
};

/* The links of one paper key, and their merge per repository. */
struct group {
    uint32_t *links; /* indices into ci->links, ascending */
    size_t n, cap;
    struct impl *objs;
    struct impl **ptrs;
    size_t n_impls;
    /* Some paper asked for these links; set from indexing threads. */
    atomic_bool asked;
};

struct code_index {
    struct lnk *links;
    size_t n_links, cap_links;
    struct group *groups;
    size_t n_groups, cap_groups;
    struct strtab by_id;    /* crawl paper id -> group */
    struct strtab by_arxiv; /* canonical arXiv id -> group */
    struct strtab repos;    /* repository keys some link points at */
    struct readme *readmes;
    size_t n_readmes, cap_readmes;
    struct strtab readme_by_key;
    /* Unions of an id group and a different arXiv group, made on demand
     * because the pairs are only known once papers are read. */
    pthread_mutex_t memo_lock;
    struct strtab memo;
    struct group *memos;
    size_t n_memos, cap_memos;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    /* FNV's low bits are weak for short keys; mix before masking. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static size_t strtab_slot(const struct strtab *t, const char *key)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)hash_str(key) & mask;

    while (t->keys[i] && strcmp(t->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Returns 1 and sets *val when key is present, else 0. */
static int strtab_get(const struct strtab *t, const char *key, uint32_t *val)
{
    size_t i;

    if (t->cap == 0)
        return 0;
    i = strtab_slot(t, key);
    if (!t->keys[i])
        return 0;
    *val = t->vals[i];
    return 1;
}

static int strtab_grow(struct strtab *t)
{
    struct strtab big;
    size_t i, j;

    big.cap = t->cap ? t->cap * 2 : 64;
    big.n = t->n;
    big.keys = calloc(big.cap, sizeof(*big.keys));
    big.vals = malloc(big.cap * sizeof(*big.vals));
    if (!big.keys || !big.vals) {
        free(big.keys);
        free(big.vals);
        return ERR_NOMEM;
    }
    for (i = 0; i < t->cap; i++) {
        if (!t->keys[i])
            continue;
        j = strtab_slot(&big, t->keys[i]);
        big.keys[j] = t->keys[i];
        big.vals[j] = t->vals[i];
    }
    free(t->keys);
    free(t->vals);
    *t = big;
    return 0;
}

/*
 * Inserts key with val unless present. Returns 1 when inserted, 0 when
 * the key was there (*val then holds its value), or ERR_NOMEM.
 */
static int strtab_put(struct strtab *t, const char *key, uint32_t *val)
{
    size_t i;

    if ((t->n + 1) * 2 > t->cap && strtab_grow(t) < 0)
        return ERR_NOMEM;
    i = strtab_slot(t, key);
    if (t->keys[i]) {
        *val = t->vals[i];
        return 0;
    }
    t->keys[i] = strdup(key);
    if (!t->keys[i])
        return ERR_NOMEM;
    t->vals[i] = *val;
    t->n++;
    return 1;
}

static void strtab_fini(struct strtab *t)
{
    size_t i;

    for (i = 0; i < t->cap; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof(*t));
}

static void warn_rec(code_warn_fn warn, void *ctx, const char *msg)
{
    if (warn)
        warn(ctx, msg);
}

static int group_add(struct group *g, uint32_t link)
{
    uint32_t *grown;
    size_t cap;

    if (g->n == g->cap) {
        cap = g->cap ? g->cap * 2 : 2;
        grown = realloc(g->links, cap * sizeof(*grown));
        if (!grown)
            return ERR_NOMEM;
        g->links = grown;
        g->cap = cap;
    }
    g->links[g->n++] = link;
    return 0;
}

/* Adds link to the group of key in t, creating the group if needed. */
static int group_link(struct code_index *ci, struct strtab *t, const char *key,
                      uint32_t link)
{
    uint32_t gi = (uint32_t)ci->n_groups;
    struct group *grown;
    size_t cap;
    int rc;

    rc = strtab_put(t, key, &gi);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (ci->n_groups == ci->cap_groups) {
            cap = ci->cap_groups ? ci->cap_groups * 2 : 256;
            grown = realloc(ci->groups, cap * sizeof(*grown));
            if (!grown)
                return ERR_NOMEM;
            ci->groups = grown;
            ci->cap_groups = cap;
        }
        memset(&ci->groups[ci->n_groups++], 0, sizeof(*ci->groups));
    }
    return group_add(&ci->groups[gi], link);
}

/* Takes ownership of l's strings; key is its repository key. */
static int add_link(struct code_index *ci, struct link *l, const char *key)
{
    uint32_t idx = (uint32_t)ci->n_links, dummy = 0;
    struct lnk *grown, *k;
    size_t cap;

    if (ci->n_links == ci->cap_links) {
        cap = ci->cap_links ? ci->cap_links * 2 : 1024;
        grown = realloc(ci->links, cap * sizeof(*grown));
        if (!grown)
            return ERR_NOMEM;
        ci->links = grown;
        ci->cap_links = cap;
    }
    k = &ci->links[ci->n_links];
    k->key = strdup(key);
    if (!k->key)
        return ERR_NOMEM;
    k->l = *l;
    memset(l, 0, sizeof(*l));
    ci->n_links++;
    if (k->l.paper_id && group_link(ci, &ci->by_id, k->l.paper_id, idx) < 0)
        return ERR_NOMEM;
    if (k->l.paper_arxiv_id &&
        group_link(ci, &ci->by_arxiv, k->l.paper_arxiv_id, idx) < 0)
        return ERR_NOMEM;
    return strtab_put(&ci->repos, key, &dummy) < 0 ? ERR_NOMEM : 0;
}

/*
 * Decodes and stores one link record. Returns 0, 1 when the record is
 * malformed (msg says why, with its location) or a fatal error in e.
 */
static int link_record(struct code_index *ci, const char *json, size_t len,
                       const struct rec_loc *loc, char *msg, size_t msg_size,
                       struct err *e)
{
    char key[KEY_MAX], where[200];
    struct link l;
    struct err le;
    int rc;

    err_clear(&le);
    rc = link_from_json(json, len, loc, &l, &le);
    if (rc == ERR_FORMAT) {
        snprintf(msg, msg_size, "%s", le.msg);
        return 1;
    }
    if (rc < 0)
        return err_set(e, rc, "%s", le.msg);
    if (repo_key(l.repo_url, key, sizeof(key)) < 0 || !key[0]) {
        rec_loc_format(loc, where, sizeof(where));
        snprintf(msg, msg_size, "%s: field 'repo_url': not a repository URL",
                 where);
        rc = 1;
    } else if (add_link(ci, &l, key) < 0) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", loc->file);
    }
    link_fini(&l);
    return rc;
}

static int load_links(struct code_index *ci, const char *path,
                      code_warn_fn warn, void *ctx, struct code_stats *st,
                      struct err *e)
{
    struct rec_reader *r = NULL;
    struct rec_loc loc;
    char msg[512];
    const char *json;
    size_t len;
    int rc;

    rc = rec_reader_open(path, &r, e);
    while (rc == 0 && (rc = rec_reader_next(r, &json, &len, &loc, e)) == 1) {
        rc = link_record(ci, json, len, &loc, msg, sizeof(msg), e);
        if (rc == 1) {
            warn_rec(warn, ctx, msg);
            st->links_skipped++;
            rc = 0;
        } else if (rc == 0) {
            st->links++;
        }
    }
    rec_reader_free(r);
    return rc < 0 ? rc : 0;
}

/* Merges the links of g (ascending, unique) into one impl per repository:
 * official wins over unknown, a known framework over none, most stars. */
static int build_impls(const struct code_index *ci, struct group *g)
{
    const char **keys = NULL;
    const struct link *l;
    struct impl *m;
    size_t i, j;
    int rc = ERR_NOMEM;

    g->objs = calloc(g->n, sizeof(*g->objs));
    g->ptrs = calloc(g->n, sizeof(*g->ptrs));
    keys = calloc(g->n, sizeof(*keys));
    if (!g->objs || !g->ptrs || !keys)
        goto out;
    for (i = 0; i < g->n; i++) {
        l = &ci->links[g->links[i]].l;
        for (j = 0; j < g->n_impls; j++)
            if (strcmp(keys[j], ci->links[g->links[i]].key) == 0)
                break;
        m = &g->objs[j];
        if (j == g->n_impls) {
            keys[g->n_impls++] = ci->links[g->links[i]].key;
            m->repo_url = l->repo_url;
            m->official = l->official;
            m->framework = l->framework;
            m->stars = l->stars;
            g->ptrs[j] = m;
            continue;
        }
        if (l->official > m->official)
            m->official = l->official;
        if (!m->framework)
            m->framework = l->framework;
        if (l->stars > m->stars)
            m->stars = l->stars;
    }
    rc = 0;
out:
    free(keys);
    return rc;
}

static void group_fini(struct group *g)
{
    free(g->links);
    free(g->objs);
    free(g->ptrs);
}

/* Reads a whole README file; NULL with errno set when it cannot. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 16384, n = 0, got;
    char *buf = NULL, *grown;

    if (!f)
        return NULL;
    for (;;) {
        if (!buf || n + 1 == cap) {
            cap = buf ? cap * 2 : cap;
            if (cap > README_MAX_LEN) {
                errno = EFBIG;
                break;
            }
            grown = realloc(buf, cap);
            if (!grown)
                break;
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0 && ferror(f))
            break;
        if (got == 0) {
            fclose(f);
            buf[n] = '\0';
            *len = n;
            return buf;
        }
    }
    fclose(f);
    free(buf);
    return NULL;
}

/* Index entries name files inside the README directory, nothing else. */
static int safe_name(const char *name)
{
    return name[0] && name[0] != '.' && !strchr(name, '/');
}

/* One entry of readmes/index.jsonl, decoded. */
struct rentry {
    const char *repo_url;
    const char *file;
    int linked; /* -1 when the index does not say */
};

static int decode_rentry(const cJSON *obj, struct rentry *re, char *why,
                         size_t why_size)
{
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(obj, "repo_url");
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(obj, "file");
    const cJSON *linked = cJSON_GetObjectItemCaseSensitive(obj, "linked");

    if (!cJSON_IsString(url) || !url->valuestring[0]) {
        snprintf(why, why_size, "field 'repo_url': expected a string");
        return ERR_FORMAT;
    }
    if (!cJSON_IsString(file) || !file->valuestring[0]) {
        snprintf(why, why_size, "field 'file': expected a string");
        return ERR_FORMAT;
    }
    if (!safe_name(file->valuestring)) {
        snprintf(why, why_size, "field 'file': not a plain file name");
        return ERR_FORMAT;
    }
    re->repo_url = url->valuestring;
    re->file = file->valuestring;
    re->linked = cJSON_IsBool(linked) ? cJSON_IsTrue(linked) : -1;
    return 0;
}

static int push_readme(struct code_index *ci, const struct readme *rd)
{
    struct readme *grown;
    size_t cap;

    if (ci->n_readmes == ci->cap_readmes) {
        cap = ci->cap_readmes ? ci->cap_readmes * 2 : 64;
        grown = realloc(ci->readmes, cap * sizeof(*grown));
        if (!grown)
            return ERR_NOMEM;
        ci->readmes = grown;
        ci->cap_readmes = cap;
    }
    ci->readmes[ci->n_readmes++] = *rd;
    return 0;
}

/* Cleans raw README text; the cleaner's output is repaired only if it
 * is not valid UTF-8 already. */
static char *clean_text(const char *raw, size_t n, size_t *out_len)
{
    char *text, *fixed;

    text = text_clean_readme(raw, n, 64, out_len);
    if (!text || text_utf8_valid(text, *out_len))
        return text;
    fixed = text_utf8_repair(text, *out_len, out_len);
    free(text);
    return fixed;
}

/*
 * Loads the README of one index entry. Returns 0, 1 when it is skipped
 * (why says how) or ERR_NOMEM.
 */
static int load_readme(struct code_index *ci, const char *dir,
                       const struct rentry *re, int have_links, char *why,
                       size_t why_size)
{
    struct readme rd = {NULL, NULL, 0, 0};
    char key[KEY_MAX], *path = NULL, *raw = NULL;
    uint32_t idx;
    size_t n, raw_len, plen;
    int rc = 1;

    if (repo_key(re->repo_url, key, sizeof(key)) < 0 || !key[0]) {
        snprintf(why, why_size, "field 'repo_url': no repository");
        return 1;
    }
    if (strtab_get(&ci->readme_by_key, key, &idx)) {
        snprintf(why, why_size, "second README for %.200s ignored", key);
        return 1;
    }
    plen = strlen(dir) + strlen(re->file) + 2;
    path = malloc(plen);
    if (!path)
        return ERR_NOMEM;
    snprintf(path, plen, "%s/%s", dir, re->file);
    raw = read_file(path, &raw_len);
    if (!raw) {
        snprintf(why, why_size, "README file %s: %s", path, strerror(errno));
        goto out;
    }
    rc = ERR_NOMEM;
    rd.repo_url = text_utf8_repair(re->repo_url, strlen(re->repo_url), &n);
    rd.text = clean_text(raw, raw_len, &rd.len);
    if (!rd.repo_url || !rd.text)
        goto out;
    /* This crawl's links are the truth about this crawl; the index's own
     * flag may describe another crawl sharing the README directory. */
    if (have_links)
        rd.linked = strtab_get(&ci->repos, key, &idx);
    else
        rd.linked = re->linked > 0;
    idx = (uint32_t)ci->n_readmes;
    if (strtab_put(&ci->readme_by_key, key, &idx) < 0 ||
        push_readme(ci, &rd) < 0)
        goto out;
    rd.repo_url = rd.text = NULL;
    rc = 0;
out:
    free(rd.text);
    free(rd.repo_url);
    free(raw);
    free(path);
    return rc;
}

/* The directory README files are named relative to. */
static char *readme_dir_of(const struct crawl_files *cf)
{
    const char *slash;

    if (cf->readme_dir)
        return strdup(cf->readme_dir);
    slash = strrchr(cf->readme_index, '/');
    if (!slash)
        return strdup(".");
    return strndup(cf->readme_index, (size_t)(slash - cf->readme_index));
}

/* Decodes one index record and loads its README. 1 when skipped. */
static int readme_record(struct code_index *ci, const char *dir,
                         const char *json, size_t len,
                         const struct rec_loc *loc, int have_links, char *msg,
                         size_t msg_size)
{
    char where[200], why[300];
    struct rentry re;
    cJSON *obj;
    int rc;

    obj = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(obj)) {
        snprintf(why, sizeof(why), "invalid JSON or not an object");
        rc = 1;
    } else if (decode_rentry(obj, &re, why, sizeof(why)) < 0) {
        rc = 1;
    } else {
        rc = load_readme(ci, dir, &re, have_links, why, sizeof(why));
    }
    cJSON_Delete(obj);
    if (rc == 1) {
        rec_loc_format(loc, where, sizeof(where));
        snprintf(msg, msg_size, "%s: %s", where, why);
    }
    return rc;
}

static int load_readmes(struct code_index *ci, const struct crawl_files *cf,
                        code_warn_fn warn, void *ctx, struct code_stats *st,
                        struct err *e)
{
    struct rec_reader *r = NULL;
    struct rec_loc loc;
    char msg[512], *dir;
    const char *json;
    size_t len;
    int rc;

    dir = readme_dir_of(cf);
    if (!dir)
        return err_set(e, ERR_NOMEM, "out of memory loading READMEs");
    rc = rec_reader_open(cf->readme_index, &r, e);
    while (rc == 0 && (rc = rec_reader_next(r, &json, &len, &loc, e)) == 1) {
        rc = readme_record(ci, dir, json, len, &loc, cf->links != NULL, msg,
                           sizeof(msg));
        if (rc == 1) {
            warn_rec(warn, ctx, msg);
            st->readmes_skipped++;
            rc = 0;
        } else if (rc == 0) {
            st->readmes++;
        } else {
            err_set(e, rc, "%s: out of memory", cf->readme_index);
        }
    }
    rec_reader_free(r);
    free(dir);
    return rc < 0 ? rc : 0;
}

int code_index_load(const struct crawl_files *cf, code_warn_fn warn,
                    void *warn_ctx, struct code_index **out,
                    struct code_stats *stats, struct err *e)
{
    struct code_stats local = {0, 0, 0, 0, 0};
    struct code_index *ci;
    size_t i;
    int rc = 0;

    *out = NULL;
    ci = calloc(1, sizeof(*ci));
    if (!ci)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (pthread_mutex_init(&ci->memo_lock, NULL) != 0) {
        free(ci);
        return err_set(e, ERR_INTERNAL, "cannot create a mutex");
    }
    if (cf->links)
        rc = load_links(ci, cf->links, warn, warn_ctx, &local, e);
    for (i = 0; rc == 0 && i < ci->n_groups; i++)
        if (build_impls(ci, &ci->groups[i]) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory merging links");
    if (rc == 0 && cf->readme_index)
        rc = load_readmes(ci, cf, warn, warn_ctx, &local, e);
    if (stats)
        *stats = local;
    if (rc < 0) {
        code_index_free(ci);
        return rc;
    }
    *out = ci;
    return 0;
}

void code_index_free(struct code_index *ci)
{
    size_t i;

    if (!ci)
        return;
    for (i = 0; i < ci->n_links; i++) {
        link_fini(&ci->links[i].l);
        free(ci->links[i].key);
    }
    free(ci->links);
    for (i = 0; i < ci->n_groups; i++)
        group_fini(&ci->groups[i]);
    free(ci->groups);
    for (i = 0; i < ci->n_memos; i++)
        group_fini(&ci->memos[i]);
    free(ci->memos);
    for (i = 0; i < ci->n_readmes; i++) {
        free(ci->readmes[i].repo_url);
        free(ci->readmes[i].text);
    }
    free(ci->readmes);
    strtab_fini(&ci->by_id);
    strtab_fini(&ci->by_arxiv);
    strtab_fini(&ci->repos);
    strtab_fini(&ci->readme_by_key);
    strtab_fini(&ci->memo);
    pthread_mutex_destroy(&ci->memo_lock);
    free(ci);
}

/* The union of two groups' links, merged; built once per pair. */
static struct group *memo_union(struct code_index *ci, uint32_t a, uint32_t b)
{
    const struct group *ga = &ci->groups[a], *gb = &ci->groups[b];
    struct group u = {NULL, 0, 0, NULL, NULL, 0, 0}, *grown;
    char key[32];
    uint32_t mi = (uint32_t)ci->n_memos;
    size_t i = 0, j = 0, cap;

    snprintf(key, sizeof(key), "%u,%u", (unsigned)a, (unsigned)b);
    if (strtab_get(&ci->memo, key, &mi))
        return &ci->memos[mi];
    u.links = malloc((ga->n + gb->n) * sizeof(*u.links));
    if (!u.links)
        return NULL;
    while (i < ga->n || j < gb->n) {
        if (j == gb->n || (i < ga->n && ga->links[i] < gb->links[j]))
            u.links[u.n++] = ga->links[i++];
        else if (i == ga->n || gb->links[j] < ga->links[i])
            u.links[u.n++] = gb->links[j++];
        else
            u.links[u.n++] = ga->links[i++], j++;
    }
    if (ci->n_memos == ci->cap_memos) {
        cap = ci->cap_memos ? ci->cap_memos * 2 : 16;
        grown = realloc(ci->memos, cap * sizeof(*grown));
        if (!grown)
            goto fail;
        ci->memos = grown;
        ci->cap_memos = cap;
    }
    if (build_impls(ci, &u) < 0 || strtab_put(&ci->memo, key, &mi) < 0)
        goto fail;
    ci->memos[ci->n_memos++] = u;
    return &ci->memos[mi];
fail:
    group_fini(&u);
    return NULL;
}

static int same_links(const struct group *a, const struct group *b)
{
    return a->n == b->n &&
           memcmp(a->links, b->links, a->n * sizeof(*a->links)) == 0;
}

const struct impl *const *code_index_impls(const struct code_index *ci,
                                           const char *paper_id,
                                           const char *arxiv_id, size_t *n)
{
    struct code_index *w = (struct code_index *)ci;
    uint32_t a = NO_GROUP, b = NO_GROUP;
    const struct group *g;
    struct group *u;
    char canon[64];
    struct impl **ptrs = NULL;

    *n = 0;
    if (paper_id && !strtab_get(&ci->by_id, paper_id, &a))
        a = NO_GROUP;
    if (arxiv_id &&
        arxiv_normalize(arxiv_id, strlen(arxiv_id), canon, sizeof(canon)))
        arxiv_id = canon;
    if (arxiv_id && !strtab_get(&ci->by_arxiv, arxiv_id, &b))
        b = NO_GROUP;
    if (a == NO_GROUP && b == NO_GROUP)
        return NULL;
    if (a != NO_GROUP)
        atomic_store_explicit(&w->groups[a].asked, 1, memory_order_relaxed);
    if (b != NO_GROUP)
        atomic_store_explicit(&w->groups[b].asked, 1, memory_order_relaxed);
    if (a == NO_GROUP || b == NO_GROUP ||
        same_links(&ci->groups[a], &ci->groups[b])) {
        g = &ci->groups[a != NO_GROUP ? a : b];
        *n = g->n_impls;
        return (const struct impl *const *)g->ptrs;
    }
    /* The memo's table and array move as they grow; only the returned
     * pointer array, allocated once per union, must stay put. */
    pthread_mutex_lock(&w->memo_lock);
    u = memo_union(w, a, b);
    if (u) {
        *n = u->n_impls;
        ptrs = u->ptrs;
    }
    pthread_mutex_unlock(&w->memo_lock);
    if (!u) {
        /* Out of memory: the id's own links are better than none. */
        *n = ci->groups[a].n_impls;
        ptrs = ci->groups[a].ptrs;
    }
    return (const struct impl *const *)ptrs;
}

static int group_asked(const struct code_index *ci, const struct strtab *t,
                       const char *key)
{
    uint32_t g;

    return key && strtab_get(t, key, &g) &&
           atomic_load_explicit(&ci->groups[g].asked, memory_order_relaxed);
}

size_t code_index_unmatched_links(const struct code_index *ci)
{
    size_t n = 0;

    for (size_t i = 0; ci && i < ci->n_links; i++) {
        const struct link *l = &ci->links[i].l;
        if (!group_asked(ci, &ci->by_id, l->paper_id) &&
            !group_asked(ci, &ci->by_arxiv, l->paper_arxiv_id))
            n++;
    }
    return n;
}

const struct readme *code_index_readme(const struct code_index *ci,
                                       const char *repo_url)
{
    char key[KEY_MAX];
    uint32_t i;

    if (!repo_url || repo_key(repo_url, key, sizeof(key)) < 0)
        return NULL;
    if (!strtab_get(&ci->readme_by_key, key, &i))
        return NULL;
    return &ci->readmes[i];
}

const struct readme *code_index_readme_at(const struct code_index *ci, size_t i)
{
    return i < ci->n_readmes ? &ci->readmes[i] : NULL;
}

size_t code_index_readme_count(const struct code_index *ci)
{
    return ci->n_readmes;
}
