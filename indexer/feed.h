/*
 * Streams the papers of a crawl, part after part, decoding each record and
 * handing it to a sink. Malformed records are reported (file, line,
 * reason), counted by reason and skipped; a file that cannot be read to its
 * end stops the feed with an error.
 */
#ifndef PWC_FEED_H
#define PWC_FEED_H

#include <stddef.h>

#include "crawl.h"
#include "err.h"
#include "progress.h"

#define FEED_MAX_REASONS 16

struct feed_stats {
    size_t records;
    size_t papers;
    size_t skipped;
    size_t dropped; /* records indexed with a field left out */
    /* distinct reasons with their counts, in order of first sight */
    char reasons[FEED_MAX_REASONS][96];
    size_t reason_counts[FEED_MAX_REASONS];
    size_t n_reasons;
};

/* Takes ownership of p (heap-allocated, paper_fini + free when done). */
typedef int (*paper_sink)(void *ctx, struct paper *p, struct err *e);

int feed_papers(const struct crawl_files *cf, paper_sink sink, void *ctx,
                struct progress *pg, struct feed_stats *st, struct err *e);

struct strset;

/*
 * Counts, in uids, how many records of the crawl each paper id has
 * (paper_uid), so that a reader of the same crawl can tell a record that
 * a later one with the same id overrides. Bad records are not counted
 * and not reported: the feed itself reports them. Progress goes to pg.
 */
int feed_count_uids(const struct crawl_files *cf, struct strset *uids,
                    struct progress *pg, struct err *e);

/* Total compressed size of the paper files, for progress. */
size_t feed_input_size(const struct crawl_files *cf);

/* Records a skipped record's reason (message without its location). */
void feed_count_reason(struct feed_stats *st, const char *reason);

#endif
