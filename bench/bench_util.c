/*
 * Query file, clock and latency report of the query benchmarks.
 * Percentiles are nearest-rank over the sorted samples, which is exact for
 * the few thousand samples a run takes.
 */
#include "bench_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int add_query(struct bench_queries *qs, size_t *cap, char *line)
{
    char *tab = strchr(line, '\t'), *text = tab ? tab + 1 : line;
    struct bench_query *q;

    if (qs->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 512;
        q = realloc(qs->q, ncap * sizeof(*q));
        if (!q)
            return -1;
        qs->q = q;
        *cap = ncap;
    }
    q = &qs->q[qs->n];
    snprintf(q->kind, sizeof(q->kind), "%.*s", tab ? (int)(tab - line) : 5,
             tab ? line : "other");
    q->text = strdup(text);
    if (!q->text)
        return -1;
    qs->n++;
    return 0;
}

int bench_queries_load(const char *path, struct bench_queries *qs,
                       struct err *e)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t len;
    int rc = 0;

    qs->q = NULL;
    qs->n = 0;
    if (!f)
        return err_set(e, ERR_IO, "%s: cannot open", path);
    while (rc == 0 && (len = getline(&line, &lcap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (add_query(qs, &cap, line) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    free(line);
    fclose(f);
    if (rc == 0 && qs->n == 0)
        rc = err_set(e, ERR_FORMAT, "%s: no queries", path);
    return rc;
}

void bench_queries_fini(struct bench_queries *qs)
{
    for (size_t i = 0; i < qs->n; i++)
        free(qs->q[i].text);
    free(qs->q);
    qs->q = NULL;
    qs->n = 0;
}

double bench_now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_ms(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, size_t n, double p)
{
    size_t rank = (size_t)ceil(p * (double)n);

    return n ? sorted[rank ? rank - 1 : 0] : 0.0;
}

/* Summarises the samples of one kind (NULL: all of them). */
static void report_kind(FILE *f, const char *engine, const char *mode,
                        const struct bench_sample *s, size_t n, unsigned rounds,
                        const char *kind, double *ms)
{
    size_t m = 0, zero = 0;
    double sum = 0, hits = 0;

    for (size_t i = 0; i < n; i++) {
        if (kind && strcmp(s[i].kind, kind) != 0)
            continue;
        ms[m++] = s[i].ms;
        sum += s[i].ms;
        hits += s[i].hits;
        zero += s[i].hits == 0;
    }
    if (m == 0)
        return;
    qsort(ms, m, sizeof(*ms), by_ms);
    fprintf(f,
            "result engine=%s mode=%s kind=%s queries=%zu p50_ms=%.4f "
            "p90_ms=%.4f p99_ms=%.4f max_ms=%.4f mean_ms=%.4f qps=%.0f "
            "hits_avg=%.2f zero_hit=%zu\n",
            engine, mode, kind ? kind : "all", m / (rounds ? rounds : 1),
            percentile(ms, m, 0.50), percentile(ms, m, 0.90),
            percentile(ms, m, 0.99), ms[m - 1], sum / (double)m,
            sum > 0 ? (double)m * 1e3 / sum : 0.0, hits / (double)m,
            zero / (rounds ? rounds : 1));
}

void bench_report(FILE *f, const char *engine, const char *mode,
                  struct bench_sample *s, size_t n, unsigned rounds)
{
    double *ms = malloc((n ? n : 1) * sizeof(*ms));
    const char *kinds[16];
    size_t nk = 0;

    if (!ms)
        return;
    report_kind(f, engine, mode, s, n, rounds, NULL, ms);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nk && strcmp(kinds[k], s[i].kind) != 0)
            k++;
        if (k == nk && nk < sizeof(kinds) / sizeof(kinds[0]))
            kinds[nk++] = s[i].kind;
    }
    for (size_t k = 0; k < nk; k++)
        report_kind(f, engine, mode, s, n, rounds, kinds[k], ms);
    free(ms);
}

int bench_run_passes(const struct bench_queries *qs, unsigned rounds,
                     bench_query_fn fn, void *ctx, struct bench_sample **out,
                     size_t *n, struct err *e)
{
    struct bench_sample warm, *samples = calloc(qs->n * rounds,
                                                sizeof(*samples));
    size_t k = 0;
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (!samples)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < qs->n && rc == 0; i++)
        rc = fn(ctx, &qs->q[i], i, -1, &warm, e);
    for (unsigned r = 0; r < rounds && rc == 0; r++)
        for (size_t i = 0; i < qs->n && rc == 0; i++, k++)
            rc = fn(ctx, &qs->q[i], i, (int)r, &samples[k], e);
    if (rc < 0) {
        free(samples);
        return rc;
    }
    *out = samples;
    *n = k;
    return 0;
}
