/*
 * What both query benchmarks share: the query file (KIND<TAB>QUERY lines
 * from make_queries), a monotonic clock and the latency report, so ours
 * and the peer are timed and summarised the same way.
 */
#ifndef PWC_BENCH_UTIL_H
#define PWC_BENCH_UTIL_H

#include "err.h"

#include <stdio.h>

struct bench_query {
    char kind[16]; /* free, phrase, rare, ... */
    char *text;
};

struct bench_queries {
    struct bench_query *q;
    size_t n;
};

/* Reads path; lines without a tab are taken as kind "other". */
int bench_queries_load(const char *path, struct bench_queries *qs,
                       struct err *e);
void bench_queries_fini(struct bench_queries *qs);

/* Milliseconds on the monotonic clock. */
double bench_now_ms(void);

/* One timed run of one query. */
struct bench_sample {
    const char *kind; /* borrowed from the query */
    double ms;
    int hits;
};

/*
 * Prints "result engine=... mode=... kind=..." lines: all queries, then
 * each kind. Latencies are over every sample; zero-hit queries are
 * counted per round, so divide by rounds. Reorders s.
 */
void bench_report(FILE *f, const char *engine, const char *mode,
                  struct bench_sample *s, size_t n, unsigned rounds);

/*
 * Runs one query of a pass: round is -1 for the warm-up pass, else the
 * timed pass's number. Fills out (kind, hits, and ms for what it timed).
 */
typedef int (*bench_query_fn)(void *ctx, const struct bench_query *q,
                              size_t i, int round, struct bench_sample *out,
                              struct err *e);

/*
 * One untimed warm-up pass over qs, then rounds timed passes, all through
 * fn. *out gets the timed samples (malloc'd, *n of them) unless fn fails.
 */
int bench_run_passes(const struct bench_queries *qs, unsigned rounds,
                     bench_query_fn fn, void *ctx, struct bench_sample **out,
                     size_t *n, struct err *e);

#endif
