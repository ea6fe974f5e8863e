/*
 * pwc-index build: a fresh index from a crawl, written beside the live one
 * and switched in atomically. Papers are parsed by the reading thread and
 * routed by their unique id to one of several workers, each writing its
 * own database part without fsync; the parts are then compacted into one
 * generation, synced, and published. Routing by id keeps every duplicate of
 * a paper in one part, where it replaces the earlier record.
 */
#include "build.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codeindex.h"
#include "feed.h"
#include "indexdir.h"
#include "log.h"
#include "paperdoc.h"
#include "schema.h"
#include "strset.h"
#include "summary.h"
#include "text.h"
#include "xs.h"

#define MAX_PARTS 16
#define QUEUE_CAP 256
/* Duplicate ids named in the log per part; the rest are only counted. */
#define MAX_DUPLICATE_LOGS 20
/*
 * Documents a part buffers before writing them out, bounding memory. Glass
 * holds value changes, each paper's packed record among them, until a
 * commit: at 25000 the 60k build peaked at 230 MiB, at 4000 at 130 MiB in
 * the same time.
 */
#define PART_COMMIT_EVERY 4000
/*
 * Documents Xapian's glass backend buffers before flushing postings to its
 * tables. Its default (10000) makes the in-memory change maps so large
 * that indexing runs several times slower than with small batches; too
 * small a batch rewrites the same blocks over and over. On the 60k crawl
 * 400 beat 100 by 8% (half the system time) and 2000 by 12%.
 */
#define FLUSH_THRESHOLD "400"

struct work_item {
    struct paper *paper;         /* owned, or NULL for a README-only repo */
    const struct readme *readme; /* borrowed from the code index */
};

struct part {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    struct work_item items[QUEUE_CAP];
    size_t head, count;
    int closed;

    const struct config *cfg;
    const struct code_index *ci;
    char path[4096];
    xs_wdb *db;
    struct doc_builder *builder;
    struct strset *seen;
    struct index_counts counts;
    struct err err;
    int failed;
};

static void part_push(struct part *pt, struct work_item it)
{
    pthread_mutex_lock(&pt->mu);
    while (pt->count == QUEUE_CAP && !pt->failed)
        pthread_cond_wait(&pt->not_full, &pt->mu);
    if (pt->failed) {
        pthread_mutex_unlock(&pt->mu);
        if (it.paper) {
            paper_fini(it.paper);
            free(it.paper);
        }
        return;
    }
    pt->items[(pt->head + pt->count++) % QUEUE_CAP] = it;
    pthread_cond_signal(&pt->not_empty);
    pthread_mutex_unlock(&pt->mu);
}

/* Returns 0 when the queue is closed and drained. */
static int part_pop(struct part *pt, struct work_item *it)
{
    pthread_mutex_lock(&pt->mu);
    while (pt->count == 0 && !pt->closed)
        pthread_cond_wait(&pt->not_empty, &pt->mu);
    if (pt->count == 0) {
        pthread_mutex_unlock(&pt->mu);
        return 0;
    }
    *it = pt->items[pt->head];
    pt->head = (pt->head + 1) % QUEUE_CAP;
    pt->count--;
    pthread_cond_signal(&pt->not_full);
    pthread_mutex_unlock(&pt->mu);
    return 1;
}

static void part_close(struct part *pt)
{
    pthread_mutex_lock(&pt->mu);
    pt->closed = 1;
    pthread_cond_broadcast(&pt->not_empty);
    pthread_mutex_unlock(&pt->mu);
}

/* Stops the part after an error; the reader sees it on its next push. */
static void part_fail(struct part *pt)
{
    pthread_mutex_lock(&pt->mu);
    pt->failed = 1;
    pthread_cond_broadcast(&pt->not_full);
    pthread_mutex_unlock(&pt->mu);
}

static int index_item(struct part *pt, const struct work_item *it)
{
    struct doc_info info;
    char term[300];
    xs_doc *doc;
    int rc, dup;

    if (it->paper)
        rc = doc_builder_paper(pt->builder, it->paper, pt->ci, &doc, &info,
                               &pt->err);
    else
        rc = doc_builder_repo(pt->builder, it->readme, &doc, &info,
                              &pt->err);
    if (rc < 0)
        return rc;
    dup = strset_add(pt->seen, info.uid);
    if (dup < 0)
        return err_set(&pt->err, ERR_NOMEM, "out of memory");
    if (dup == 0) {
        snprintf(term, sizeof(term), "Q%s", info.uid);
        if (++pt->counts.duplicates <= MAX_DUPLICATE_LOGS)
            log_info("duplicate_id", "id=%s note=\"the later record is "
                     "kept\"", info.uid);
        return xs_wdb_replace_term(pt->db, term, doc, &pt->err);
    }
    rc = xs_wdb_add(pt->db, doc, NULL, &pt->err);
    if (rc == 0)
        index_counts_add(&pt->counts, &info);
    return rc;
}

static void *part_main(void *arg)
{
    struct part *pt = arg;
    struct work_item it;
    size_t since_commit = 0;

    while (part_pop(pt, &it)) {
        if (!pt->failed && index_item(pt, &it) < 0)
            part_fail(pt);
        if (it.paper) {
            paper_fini(it.paper);
            free(it.paper);
        }
        if (!pt->failed && ++since_commit == PART_COMMIT_EVERY) {
            since_commit = 0;
            if (doc_builder_flush_spelling(pt->builder, &pt->err) < 0 ||
                xs_wdb_commit(pt->db, &pt->err) < 0)
                part_fail(pt);
        }
    }
    if (!pt->failed &&
        (doc_builder_flush_spelling(pt->builder, &pt->err) < 0 ||
         xs_wdb_commit(pt->db, &pt->err) < 0))
        pt->failed = 1;
    return NULL;
}

static int part_start(struct part *pt, const char *dir, size_t idx,
                      const struct config *cfg, const struct code_index *ci,
                      struct err *e)
{
    int rc;

    memset(pt, 0, sizeof(*pt));
    pthread_mutex_init(&pt->mu, NULL);
    pthread_cond_init(&pt->not_empty, NULL);
    pthread_cond_init(&pt->not_full, NULL);
    pt->cfg = cfg;
    pt->ci = ci;
    if (snprintf(pt->path, sizeof(pt->path), "%s/part-%02zu", dir, idx) >=
        (int)sizeof(pt->path))
        return err_set(e, ERR_USAGE, "index path too long: %s", dir);
    rc = xs_wdb_open(pt->path, XS_WDB_CREATE | XS_WDB_NO_SYNC | XS_WDB_SCRATCH,
                     &pt->db, e);
    if (rc == 0)
        rc = doc_builder_new(cfg, &pt->builder, e);
    if (rc == 0)
        doc_builder_set_spelling_db(pt->builder, pt->db);
    if (rc == 0 && !(pt->seen = strset_new()))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (rc == 0 && pthread_create(&pt->thread, NULL, part_main, pt) != 0)
        rc = err_set(e, ERR_INTERNAL, "cannot start indexing thread");
    return rc;
}

static void part_free(struct part *pt)
{
    xs_wdb_free(pt->db);
    doc_builder_free(pt->builder);
    strset_free(pt->seen);
    pthread_mutex_destroy(&pt->mu);
    pthread_cond_destroy(&pt->not_empty);
    pthread_cond_destroy(&pt->not_full);
}

struct router {
    struct part *parts;
    size_t n;
};

static int route_paper(void *ctx, struct paper *p, struct err *e)
{
    struct router *rt = ctx;
    char uid[256];
    struct work_item it = {p, NULL};
    struct part *pt;

    paper_uid(p, uid, sizeof(uid));
    pt = &rt->parts[str_hash(uid) % rt->n];
    part_push(pt, it);
    if (pt->failed)
        return err_set(e, pt->err.code ? pt->err.code : ERR_INTERNAL, "%s",
                       pt->err.msg);
    return 0;
}

/* The README-only repositories go to the part their id routes to. */
static void route_repos(struct router *rt, const struct code_index *ci)
{
    size_t n = code_index_readme_count(ci);
    char key[512], uid[600];

    for (size_t i = 0; i < n; i++) {
        const struct readme *r = code_index_readme_at(ci, i);
        struct work_item it = {NULL, r};

        if (r->linked || repo_key(r->repo_url, key, sizeof(key)) < 0)
            continue;
        snprintf(uid, sizeof(uid), "repo:%s", key);
        part_push(&rt->parts[str_hash(uid) % rt->n], it);
    }
}

static void code_warn(void *ctx, const char *msg)
{
    (void)ctx;
    log_warn("skip_record", "reason=\"%s\"", msg);
}

/* Writes the index's own description into its first part. */
static int set_build_metadata(xs_wdb *db, const struct build_opts *o,
                              unsigned gen, struct err *e)
{
    char buf[64];
    time_t t = time(NULL);
    struct tm tm;
    int rc;

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = xs_wdb_set_metadata(db, "build_time", buf, e);
    snprintf(buf, sizeof(buf), "%u", gen);
    if (rc == 0)
        rc = xs_wdb_set_metadata(db, "generation", buf, e);
    if (rc == 0)
        rc = xs_wdb_set_metadata(db, "language", o->cfg->language, e);
    if (rc == 0)
        rc = xs_wdb_set_metadata(db, "schema", SCHEMA_VERSION, e);
    if (rc == 0)
        rc = schema_write_weights(db, o->cfg, e);
    return rc;
}

static int join_parts(struct part *parts, size_t n, struct index_counts *c,
                      struct err *e)
{
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        part_close(&parts[i]);
        pthread_join(parts[i].thread, NULL);
        if (parts[i].failed && rc == 0)
            rc = err_set(e, parts[i].err.code ? parts[i].err.code
                                              : ERR_INTERNAL,
                         "%s", parts[i].err.msg);
        index_counts_merge(c, &parts[i].counts);
    }
    return rc;
}

/* Compacts the parts into dst (or renames a single part). */
static int merge_parts(struct part *parts, size_t n, const char *dst,
                       struct err *e)
{
    const char *srcs[MAX_PARTS];

    for (size_t i = 0; i < n; i++) {
        xs_wdb_free(parts[i].db);
        parts[i].db = NULL;
        srcs[i] = parts[i].path;
    }
    if (n == 1) {
        if (rename(parts[0].path, dst) < 0)
            return err_set(e, ERR_IO, "rename %s: failed", parts[0].path);
        return 0;
    }
    return xs_compact(srcs, n, dst, e);
}

static size_t thread_count(const struct build_opts *o)
{
    long n = o->threads ? o->threads : o->cfg->threads;

    if (n <= 0)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > MAX_PARTS ? MAX_PARTS : (size_t)n;
}

static int build_generation(const struct build_opts *o,
                            const struct crawl_files *cf,
                            const struct code_index *ci, unsigned gen,
                            struct build_report *rep, struct err *e)
{
    char tmp[4096], dst[4096];
    struct part parts[MAX_PARTS];
    struct router rt = {parts, thread_count(o)};
    size_t started = 0;
    int rc = 0;

    index_gen_path(o->index, gen, 1, tmp, sizeof(tmp));
    index_gen_path(o->index, gen, 0, dst, sizeof(dst));
    /* Xapian reads this only from the environment; a user's value wins. */
    setenv("XAPIAN_FLUSH_THRESHOLD", FLUSH_THRESHOLD, 0);
    remove_tree(tmp);
    remove_tree(dst);
    if (mkdir(tmp, 0755) < 0)
        return err_set(e, ERR_IO, "%s: cannot create", tmp);
    while (started < rt.n && rc == 0) {
        rc = part_start(&parts[started], tmp, started, o->cfg, ci, e);
        if (rc < 0)
            part_free(&parts[started]);
        else
            started++;
    }
    if (rc == 0)
        rc = set_build_metadata(parts[0].db, o, gen, e);
    if (rc == 0) {
        progress_init(&rep->progress, "papers", feed_input_size(cf),
                      o->quiet);
        rc = feed_papers(cf, route_paper, &rt, &rep->progress, &rep->feed,
                         e);
    }
    if (rc == 0)
        route_repos(&rt, ci);
    {
        int jrc = join_parts(parts, started, &rep->counts, e);
        if (rc == 0)
            rc = jrc;
    }
    rep->index_seconds = progress_elapsed(&rep->progress);
    if (rc == 0) {
        double t = now_seconds();
        rc = merge_parts(parts, started, dst, e);
        rep->merge_seconds = now_seconds() - t;
    }
    for (size_t i = 0; i < started; i++)
        part_free(&parts[i]);
    if (rc == 0)
        rc = sync_tree(dst, e);
    remove_tree(tmp);
    if (rc < 0)
        remove_tree(dst);
    return rc;
}

int index_build(const struct build_opts *o, struct build_report *rep,
                struct err *e)
{
    struct crawl_files cf;
    struct code_index *ci = NULL;
    unsigned gen = 0;
    int lock = -1, rc;

    memset(rep, 0, sizeof(*rep));
    memset(&cf, 0, sizeof(cf));
    rc = crawl_discover(o->crawl, &cf, e);
    if (rc == 0)
        rc = index_lock(o->index, &lock, e);
    if (rc < 0)
        goto out;
    index_sweep(o->index, 0);
    if (index_current(o->index, &gen, NULL, 0, NULL) < 0)
        gen = 0;
    rc = code_index_load(&cf, code_warn, NULL, &ci, &rep->code, e);
    if (rc == 0)
        rc = build_generation(o, &cf, ci, gen + 1, rep, e);
    rep->code.links_unmatched = code_index_unmatched_links(ci);
    if (rc == 0)
        rc = index_publish(o->index, gen + 1, e);
    if (rc == 0) {
        rep->generation = gen + 1;
        /* Readers may still hold the previous generation open. */
        index_sweep(o->index, gen);
    }
out:
    code_index_free(ci);
    crawl_files_fini(&cf);
    index_unlock(lock);
    return rc;
}
