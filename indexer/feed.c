/*
 * The paper feed. Warnings for bad records are logged one line each, up
 * to a limit, then only counted, so a badly broken crawl cannot flood the
 * terminal while the summary still accounts for every record.
 */
#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "paperdoc.h"
#include "strset.h"

#define MAX_WARNINGS 50

size_t feed_input_size(const struct crawl_files *cf)
{
    size_t total = 0;
    struct stat st;

    for (size_t i = 0; i < cf->n_papers; i++)
        if (stat(cf->papers[i], &st) == 0)
            total += (size_t)st.st_size;
    return total;
}

void feed_count_reason(struct feed_stats *st, const char *reason)
{
    size_t i;

    st->skipped++;
    for (i = 0; i < st->n_reasons; i++)
        if (strcmp(st->reasons[i], reason) == 0)
            break;
    if (i == st->n_reasons) {
        if (st->n_reasons == FEED_MAX_REASONS)
            i = FEED_MAX_REASONS - 1; /* the last bucket takes the rest */
        else
            snprintf(st->reasons[st->n_reasons++], sizeof(st->reasons[0]),
                     "%s", reason);
    }
    st->reason_counts[i]++;
}

/* The message of a record error without its "file:line: " lead. */
static const char *strip_location(const char *msg, const char *file)
{
    size_t n = strlen(file);
    const char *p = msg;

    if (strncmp(p, file, n) == 0)
        p += n;
    while (*p == ':' || (*p >= '0' && *p <= '9') || *p == ' ')
        p++;
    if (strncmp(p, "record ", 7) == 0) {
        p += 7;
        while ((*p >= '0' && *p <= '9') || *p == ':' || *p == ' ')
            p++;
    }
    return *p ? p : msg;
}

static int feed_file(const char *path, paper_sink sink, void *ctx,
                     struct progress *pg, size_t bytes_before,
                     struct feed_stats *st, struct err *e)
{
    struct rec_reader *r = NULL;
    const char *json;
    size_t len, in_read, in_total;
    struct rec_loc loc;
    int rc;

    rc = rec_reader_open(path, &r, e);
    if (rc < 0)
        return rc;
    while ((rc = rec_reader_next(r, &json, &len, &loc, e)) == 1) {
        struct err rec_err = {0, ""};
        struct paper *p = calloc(1, sizeof(*p));

        if (!p) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        st->records++;
        if (paper_from_json(json, len, &loc, p, &rec_err) < 0) {
            free(p);
            feed_count_reason(st, strip_location(rec_err.msg, loc.file));
            if (st->skipped <= MAX_WARNINGS)
                log_warn("skip_record", "reason=\"%s\"%s", rec_err.msg,
                         st->skipped == MAX_WARNINGS
                             ? " note=\"further skips are only counted\""
                             : "");
            continue;
        }
        if (p->dropped && ++st->dropped <= MAX_WARNINGS) {
            char where[200];
            rec_loc_format(&loc, where, sizeof(where));
            log_warn("field_dropped", "where=\"%s\" reason=\"%s\"%s", where,
                     p->dropped,
                     st->dropped == MAX_WARNINGS
                         ? " note=\"further ones are only counted\""
                         : "");
        }
        st->papers++;
        rc = sink(ctx, p, e);
        if (rc < 0)
            break;
        rec_reader_progress(r, &in_read, &in_total);
        progress_update(pg, st->papers, bytes_before + in_read);
    }
    rec_reader_free(r);
    return rc < 0 ? rc : 0;
}

int feed_papers(const struct crawl_files *cf, paper_sink sink, void *ctx,
                struct progress *pg, struct feed_stats *st, struct err *e)
{
    size_t before = 0;
    struct stat sb;

    for (size_t i = 0; i < cf->n_papers; i++) {
        int rc = feed_file(cf->papers[i], sink, ctx, pg, before, st, e);
        if (rc < 0)
            return rc;
        if (stat(cf->papers[i], &sb) == 0)
            before += (size_t)sb.st_size;
    }
    return 0;
}

static int count_file(const char *path, struct strset *uids,
                      struct progress *pg, size_t bytes_before,
                      struct err *e)
{
    struct rec_reader *r = NULL;
    const char *json;
    size_t len, in_read, in_total;
    struct rec_loc loc;
    int rc = rec_reader_open(path, &r, e);

    while (rc == 0 && (rc = rec_reader_next(r, &json, &len, &loc, e)) == 1) {
        struct err rec_err = {0, ""};
        struct paper p;
        char uid[sizeof(((struct doc_info *)0)->uid)];

        rc = 0;
        if (paper_from_json(json, len, &loc, &p, &rec_err) < 0)
            continue;
        paper_uid(&p, uid, sizeof(uid));
        paper_fini(&p);
        if (strset_bump(uids, uid, 1) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
        rec_reader_progress(r, &in_read, &in_total);
        progress_update(pg, pg->count + 1, bytes_before + in_read);
    }
    rec_reader_free(r);
    return rc < 0 ? rc : 0;
}

int feed_count_uids(const struct crawl_files *cf, struct strset *uids,
                    struct progress *pg, struct err *e)
{
    size_t before = 0;
    struct stat sb;

    for (size_t i = 0; i < cf->n_papers; i++) {
        int rc = count_file(cf->papers[i], uids, pg, before, e);
        if (rc < 0)
            return rc;
        if (stat(cf->papers[i], &sb) == 0)
            before += (size_t)sb.st_size;
    }
    return 0;
}
