/*
 * pwc-index update: applies a newer crawl to the live index. Each paper's
 * document is rebuilt and compared with the stored one; only new or
 * changed papers are written, so running the same update twice changes
 * nothing. Papers missing from the new crawl are kept (a crawl may be
 * partial). Of several records with one id, the last is kept, as a build
 * keeps it, which takes a first pass over the crawl counting ids.
 *
 * The changes go into a copy of the live generation, committed every few
 * thousand papers and then published as the next generation, the way a
 * build is: readers see the index before the update or after it, and
 * memory stays bounded however many papers change, since glass holds
 * every change (each paper's packed record among them) until a commit.
 * One transaction on the live generation itself peaked at 455 MiB for
 * 123k new papers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "codeindex.h"
#include "feed.h"
#include "indexdir.h"
#include "log.h"
#include "paperdoc.h"
#include "schema.h"
#include "strset.h"
#include "xs.h"

/* Papers written between two commits of the working copy (see build.c's
 * PART_COMMIT_EVERY: the same memory bound). */
#define UPDATE_COMMIT_EVERY 4000

struct updater {
    xs_wdb *db;
    struct doc_builder *builder;
    const struct code_index *ci;
    struct index_counts *counts;
    size_t since_commit;
    struct strset *uid_counts; /* records per paper id still to come */
};

/* Commits the working copy once enough papers are written. */
static int wrote_one(struct updater *u, struct err *e)
{
    if (++u->since_commit < UPDATE_COMMIT_EVERY)
        return 0;
    u->since_commit = 0;
    return xs_wdb_commit(u->db, e);
}

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
        index_counts_add(u->counts, info);
        rc = xs_wdb_replace_term(u->db, term, doc, e);
        if (rc == 0)
            rc = 1;
    }
    free(old);
    return rc;
}

/* Whether a later record of the crawl has p's id: that one is kept, as
 * a build keeps it, and p is skipped. Writing both, one after the other,
 * would rewrite the paper at every update of an unchanged crawl. */
static int overridden(struct updater *u, const struct paper *p)
{
    char uid[sizeof(((struct doc_info *)0)->uid)];

    paper_uid(p, uid, sizeof(uid));
    return strset_bump(u->uid_counts, uid, -1) > 0;
}

static int update_paper(void *ctx, struct paper *p, struct err *e)
{
    struct updater *u = ctx;
    struct doc_info info;
    xs_doc *doc;
    int rc, wrote;

    if (overridden(u, p)) {
        u->counts->duplicates++;
        paper_fini(p);
        free(p);
        return 0;
    }
    rc = doc_builder_paper(u->builder, p, u->ci, &doc, &info, e);
    if (rc == 0)
        rc = apply_doc(u, doc, &info, e);
    wrote = rc == 1;
    /* Only new or changed titles count again towards spelling. */
    if (rc == 1)
        rc = doc_builder_spell(u->builder, u->db, p->title, e);
    if (rc == 0 && wrote)
        rc = wrote_one(u, e);
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
        if (rc == 1)
            rc = wrote_one(u, e);
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

/* Opens the working copy and checks it was built with this layout and
 * the config's field weights. */
static int open_copy(const char *path, const char *index,
                     const struct config *cfg, xs_wdb **db, struct err *e)
{
    char *schema = NULL;
    /* Scratch: nobody reads the copy, and a failed update throws it away. */
    int rc = xs_wdb_open(path, XS_WDB_OPEN | XS_WDB_NO_SYNC | XS_WDB_SCRATCH,
                         db, e);

    if (rc == 0)
        rc = xs_wdb_get_metadata(*db, "schema", &schema, e);
    if (rc == 0)
        rc = schema_check(schema, path, e);
    free(schema);
    /* The implicit field is read back with the weights it was built with. */
    if (rc == 0)
        rc = schema_check_weights(*db, cfg, index, e);
    return rc;
}

static int stamp_generation(xs_wdb *db, unsigned gen, struct err *e)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%u", gen);
    return xs_wdb_set_metadata(db, "generation", buf, e);
}

/*
 * Syncs the committed copy, renames it into place and publishes it; the
 * generation it replaces stays for readers that have it open.
 */
static int publish_copy(const char *index, const char *tmp, unsigned gen,
                        struct err *e)
{
    char dst[4096];
    int rc = sync_tree(tmp, e);

    index_gen_path(index, gen, 0, dst, sizeof(dst));
    if (rc == 0 && rename(tmp, dst) < 0)
        rc = err_set(e, ERR_IO, "rename %s: failed", tmp);
    if (rc == 0)
        rc = index_publish(index, gen, e);
    if (rc == 0)
        index_sweep(index, gen - 1);
    return rc;
}

int index_update(const struct build_opts *o, struct build_report *rep,
                 struct err *e)
{
    struct crawl_files cf;
    struct code_index *ci = NULL;
    struct updater u = {0};
    char live[4096], tmp[4096];
    unsigned gen;
    int lock = -1, rc;

    memset(rep, 0, sizeof(*rep));
    memset(&cf, 0, sizeof(cf));
    tmp[0] = '\0';
    rep->update = 1;
    rc = crawl_discover(o->crawl, &cf, e);
    if (rc == 0)
        rc = index_lock(o->index, &lock, e);
    if (rc == 0)
        rc = index_current(o->index, &gen, live, sizeof(live), e);
    if (rc < 0)
        goto out;
    rep->generation = gen;
    index_sweep(o->index, gen ? gen - 1 : 0);
    rc = code_index_load(&cf, code_warn, NULL, &ci, &rep->code, e);
    if (rc < 0)
        goto out;
    index_gen_path(o->index, gen + 1, 1, tmp, sizeof(tmp));
    remove_tree(tmp);
    rc = index_copy_db(live, tmp, e);
    if (rc == 0)
        rc = open_copy(tmp, o->index, o->cfg, &u.db, e);
    if (rc == 0)
        rc = doc_builder_new(o->cfg, &u.builder, e);
    if (rc < 0)
        goto out;
    u.ci = ci;
    u.counts = &rep->counts;
    /* The first pass, counting ids, shows its own progress. */
    progress_init(&rep->progress, "ids_counted", feed_input_size(&cf),
                  o->quiet);
    u.uid_counts = strset_new();
    rc = u.uid_counts
             ? feed_count_uids(&cf, u.uid_counts, &rep->progress, e)
             : err_set(e, ERR_NOMEM, "out of memory");
    if (rc < 0)
        goto out;
    progress_init(&rep->progress, "papers", feed_input_size(&cf), o->quiet);
    rc = feed_papers(&cf, update_paper, &u, &rep->progress, &rep->feed, e);
    if (rc == 0)
        rc = update_repos(&u, e);
    rep->index_seconds = progress_elapsed(&rep->progress);
    rep->code.links_unmatched = code_index_unmatched_links(ci);
    if (rc < 0 || (rep->counts.added == 0 && rep->counts.changed == 0))
        goto out; /* nothing to publish: the copy is thrown away */
    rc = stamp_update(u.db, e);
    if (rc == 0)
        rc = stamp_generation(u.db, gen + 1, e);
    if (rc == 0)
        rc = xs_wdb_commit(u.db, e);
    xs_wdb_free(u.db);
    u.db = NULL;
    if (rc == 0)
        rc = publish_copy(o->index, tmp, gen + 1, e);
    if (rc == 0)
        rep->generation = gen + 1;
out:
    strset_free(u.uid_counts);
    doc_builder_free(u.builder);
    xs_wdb_free(u.db);
    if (tmp[0])
        remove_tree(tmp);
    code_index_free(ci);
    crawl_files_fini(&cf);
    index_unlock(lock);
    return rc;
}
