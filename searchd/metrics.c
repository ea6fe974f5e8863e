/*
 * Counting and rendering searchd's metrics. Counters only grow; a scrape
 * reads each atomically but not all at one instant, which Prometheus
 * tolerates. No per-path labels: paths come from clients, and an
 * unbounded label set would let them grow our memory and the scraper's.
 */
#include "metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const unsigned long bucket_us[METRICS_BUCKETS] = {
    1000,   2500,   5000,   10000,   25000,   50000,
    100000, 250000, 500000, 1000000, 2500000, 5000000};

void metrics_init(struct metrics *m)
{
    for (size_t i = 0; i < sizeof(m->by_status) / sizeof(m->by_status[0]); i++)
        atomic_init(&m->by_status[i], 0);
    for (size_t i = 0; i <= METRICS_BUCKETS; i++)
        atomic_init(&m->latency[i], 0);
    atomic_init(&m->latency_sum_us, 0);
    atomic_init(&m->in_flight, 0);
    atomic_init(&m->documents, -1);
    atomic_init(&m->reloads, 0);
}

void metrics_observe(struct metrics *m, int status, double seconds)
{
    unsigned long long us =
        seconds > 0 ? (unsigned long long)(seconds * 1e6) : 0;
    size_t b = 0;

    if (status >= 100 && status < 600)
        atomic_fetch_add(&m->by_status[status], 1);
    while (b < METRICS_BUCKETS && us > bucket_us[b])
        b++;
    atomic_fetch_add(&m->latency[b], 1);
    atomic_fetch_add(&m->latency_sum_us, us);
}

/* An output buffer that grows; once allocation fails it stays failed. */
struct out {
    char *buf;
    size_t len, cap;
    int failed;
};

static void put(struct out *o, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = 1;
            return;
        }
        if ((size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        char *nb = realloc(o->buf, o->cap * 2 + (size_t)n);
        if (!nb) {
            o->failed = 1;
            return;
        }
        o->buf = nb;
        o->cap = o->cap * 2 + (size_t)n;
    }
}

static void render_requests(struct metrics *m, struct out *o)
{
    put(o, "# HELP pwc_http_requests_total HTTP requests answered, by "
           "status.\n"
           "# TYPE pwc_http_requests_total counter\n");
    for (int s = 100; s < 600; s++) {
        unsigned long n = atomic_load(&m->by_status[s]);
        if (n)
            put(o, "pwc_http_requests_total{status=\"%d\"} %lu\n", s, n);
    }
    put(o,
        "# HELP pwc_http_requests_in_flight Requests being answered.\n"
        "# TYPE pwc_http_requests_in_flight gauge\n"
        "pwc_http_requests_in_flight %ld\n",
        atomic_load(&m->in_flight));
}

static void render_latency(struct metrics *m, struct out *o)
{
    unsigned long cum = 0;

    put(o, "# HELP pwc_http_request_duration_seconds Time from request to "
           "reply.\n"
           "# TYPE pwc_http_request_duration_seconds histogram\n");
    for (size_t b = 0; b < METRICS_BUCKETS; b++) {
        cum += atomic_load(&m->latency[b]);
        put(o, "pwc_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
            (double)bucket_us[b] / 1e6, cum);
    }
    cum += atomic_load(&m->latency[METRICS_BUCKETS]);
    put(o,
        "pwc_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
        "pwc_http_request_duration_seconds_sum %.6f\n"
        "pwc_http_request_duration_seconds_count %lu\n",
        cum, (double)atomic_load(&m->latency_sum_us) / 1e6, cum);
}

static void render_index(struct metrics *m, struct out *o)
{
    long docs = atomic_load(&m->documents);

    put(o,
        "# HELP pwc_index_documents Documents in the open index.\n"
        "# TYPE pwc_index_documents gauge\n"
        "pwc_index_documents %ld\n",
        docs < 0 ? 0 : docs);
    put(o,
        "# HELP pwc_index_available Whether an index is open (1) or "
        "not (0).\n"
        "# TYPE pwc_index_available gauge\n"
        "pwc_index_available %d\n",
        docs >= 0);
    put(o,
        "# HELP pwc_index_reloads_total Times a changed index was "
        "picked up.\n"
        "# TYPE pwc_index_reloads_total counter\n"
        "pwc_index_reloads_total %lu\n",
        atomic_load(&m->reloads));
}

char *metrics_render(struct metrics *m, size_t *len)
{
    struct out o = {malloc(4096), 0, 4096, 0};

    if (!o.buf)
        return NULL;
    render_requests(m, &o);
    render_latency(m, &o);
    render_index(m, &o);
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    *len = o.len;
    return o.buf;
}
