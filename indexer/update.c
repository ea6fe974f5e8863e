/*
 * pwc-index update: applies a newer crawl to the live generation in place.
 * Each paper's document is rebuilt and compared with the stored one; only
 * new or changed papers are written, so running the same update twice
 * changes nothing. Everything is committed as one transaction at the end:
 * readers see the index before the update or after it. Papers missing from
 * the new crawl are kept (a crawl may be partial).
 *
 * TODO: memory grows with the papers an update writes, since glass holds
 * their postings and packed records until that one commit (123k new
 * papers peaked at 455 MiB); an update of millions of papers should be
 * written as a new generation and switched to, as a build is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build.h"
#include "codeindex.h"
#include "feed.h"
#include "indexdir.h"
#include "log.h"
#include "paperdoc.h"
#include "schema.h"
#include "xs.h"

struct updater {
    xs_wdb *db;
    struct doc_builder *builder;
    const struct code_index *ci;
    struct index_counts *counts;
};

/* Writes doc unless an identical one is stored under the same id.
 * Returns 1 when it wrote, 0 when the stored one was identical. */
static int apply_doc(struct updater *u, xs_doc *doc,
                     const struct doc_info *info, struct err *e)
{
    char term[300], *old = NULL;
    size_t old_len = 0, len;
    const char *data = doc_builder_data(u->builder, &len);
    uint32_t docid;
    int rc;

    snprintf(term, sizeof(term), PFX_UID "%s", info->uid);
    rc = xs_wdb_find_term(u->db, term, &docid, e);
    if (rc == ERR_NOTFOUND) {
        err_clear(e);
        u->counts->added++;
        index_counts_add(u->counts, info);
        rc = xs_wdb_add(u->db, doc, NULL, e);
        return rc < 0 ? rc : 1;
    }
    if (rc < 0)
        return rc;
    rc = xs_wdb_get_data(u->db, docid, &old, &old_len, e);
    if (rc < 0)
        return rc;
    if (old_len == len && memcmp(old, data, len) == 0) {
        u->counts->unchanged++;
    } else {
        u->counts->changed++;
        rc = xs_wdb_replace_term(u->db, term, doc, e);
        if (rc == 0)
            rc = 1;
    }
    free(old);
    return rc;
}

static int update_paper(void *ctx, struct paper *p, struct err *e)
{
    struct updater *u = ctx;
    struct doc_info info;
    xs_doc *doc;
    int rc;

    rc = doc_builder_paper(u->builder, p, u->ci, &doc, &info, e);
    if (rc == 0)
        rc = apply_doc(u, doc, &info, e);
    /* Only new or changed titles count again towards spelling. */
    if (rc == 1)
        rc = doc_builder_spell(u->builder, u->db, p->title, e);
    paper_fini(p);
    free(p);
    return rc < 0 ? rc : 0;
}

static int update_repos(struct updater *u, struct err *e)
{
    size_t n = code_index_readme_count(u->ci);
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct readme *r = code_index_readme_at(u->ci, i);
        struct doc_info info;
        xs_doc *doc;

        if (r->linked)
            continue;
        rc = doc_builder_repo(u->builder, r, &doc, &info, e);
        if (rc == 0)
            rc = apply_doc(u, doc, &info, e);
        rc = rc < 0 ? rc : 0;
    }
    return rc;
}

static void code_warn(void *ctx, const char *msg)
{
    (void)ctx;
    log_warn("skip_record", "reason=\"%s\"", msg);
}

static int stamp_update(xs_wdb *db, struct err *e)
{
    char buf[64];
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xs_wdb_set_metadata(db, "update_time", buf, e);
}

int index_update(const struct build_opts *o, struct build_report *rep,
                 struct err *e)
{
    struct crawl_files cf;
    struct code_index *ci = NULL;
    struct updater u = {0};
    char path[4096];
    unsigned gen;
    int lock = -1, rc;

    memset(rep, 0, sizeof(*rep));
    memset(&cf, 0, sizeof(cf));
    rep->update = 1;
    rc = crawl_discover(o->crawl, &cf, e);
    if (rc == 0)
        rc = index_lock(o->index, &lock, e);
    if (rc == 0)
        rc = index_current(o->index, &gen, path, sizeof(path), e);
    if (rc < 0)
        goto out;
    rep->generation = gen;
    index_sweep(o->index, gen ? gen - 1 : 0);
    rc = code_index_load(&cf, code_warn, NULL, &ci, &rep->code, e);
    if (rc == 0)
        rc = xs_wdb_open(path, XS_WDB_OPEN, &u.db, e);
    if (rc == 0) {
        char *schema = NULL;
        rc = xs_wdb_get_metadata(u.db, "schema", &schema, e);
        if (rc == 0)
            rc = schema_check(schema, path, e);
        free(schema);
    }
    if (rc == 0)
        rc = doc_builder_new(o->cfg, &u.builder, e);
    if (rc < 0)
        goto out;
    u.ci = ci;
    u.counts = &rep->counts;
    progress_init(&rep->progress, "papers", feed_input_size(&cf), o->quiet);
    rc = feed_papers(&cf, update_paper, &u, &rep->progress, &rep->feed, e);
    if (rc == 0)
        rc = update_repos(&u, e);
    rep->index_seconds = progress_elapsed(&rep->progress);
    if (rc == 0 && (rep->counts.added || rep->counts.changed))
        rc = stamp_update(u.db, e);
    if (rc == 0)
        rc = xs_wdb_commit(u.db, e);
out:
    doc_builder_free(u.builder);
    xs_wdb_free(u.db);
    code_index_free(ci);
    crawl_files_fini(&cf);
    index_unlock(lock);
    return rc;
}
