/*
 * searchd's counters, exposed at /metrics in the Prometheus text format:
 * requests by status, a latency histogram, requests in flight, index
 * documents and reloads. All updates are lock-free atomics, so any worker
 * thread may record while another renders.
 */
#ifndef SEARCHD_METRICS_H
#define SEARCHD_METRICS_H

#include <stdatomic.h>
#include <stddef.h>

/* Upper bounds of the latency buckets, in microseconds (+Inf is extra). */
#define METRICS_BUCKETS 12

struct metrics {
    atomic_ulong by_status[600]; /* index: HTTP status */
    atomic_ulong latency[METRICS_BUCKETS + 1];
    atomic_ullong latency_sum_us;
    atomic_long in_flight;
    atomic_long documents; /* -1 while no index is open */
    atomic_ulong reloads;
};

/* Zeroes every counter. Call before any thread uses m. */
void metrics_init(struct metrics *m);

/* Counts one answered request. */
void metrics_observe(struct metrics *m, int status, double seconds);

/*
 * Renders m in the Prometheus text exposition format (version 0.0.4).
 * Returns a malloc'd string the caller frees, its length in *len, or NULL
 * when out of memory.
 */
char *metrics_render(struct metrics *m, size_t *len);

#endif
