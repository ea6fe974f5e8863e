/*
 * Progress of a long run on stderr: count, rate and ETA, at most once a
 * second, as log lines. The ETA comes from the share of input bytes read,
 * which is known up front even when the record count is not.
 */
#ifndef PWC_PROGRESS_H
#define PWC_PROGRESS_H

#include <stddef.h>

struct progress {
    const char *what;     /* "papers" */
    double start;         /* seconds, monotonic */
    double last_print;
    size_t count;
    size_t bytes_total;   /* input size, 0 if unknown */
    size_t bytes_done;
    int quiet;
};

double now_seconds(void);
void progress_init(struct progress *pg, const char *what, size_t bytes_total,
                   int quiet);
/* Records the current count and input position; prints when due. */
void progress_update(struct progress *pg, size_t count, size_t bytes_done);
/* Seconds since progress_init. */
double progress_elapsed(const struct progress *pg);

#endif
