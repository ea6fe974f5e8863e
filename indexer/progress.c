/*
 * Progress reporting for pwc-index. Printing is rate-limited so reporting
 * costs nothing measurable even when called per record.
 */
#include "progress.h"

#include <time.h>

#include "log.h"

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *pg, const char *what, size_t bytes_total,
                   int quiet)
{
    pg->what = what;
    pg->start = now_seconds();
    pg->last_print = pg->start;
    pg->count = 0;
    pg->bytes_total = bytes_total;
    pg->bytes_done = 0;
    pg->quiet = quiet;
}

double progress_elapsed(const struct progress *pg)
{
    return now_seconds() - pg->start;
}

void progress_update(struct progress *pg, size_t count, size_t bytes_done)
{
    double t, elapsed, frac, eta;

    pg->count = count;
    pg->bytes_done = bytes_done;
    if (pg->quiet || (count & 255) != 0)
        return;
    t = now_seconds();
    if (t - pg->last_print < 1.0)
        return;
    pg->last_print = t;
    elapsed = t - pg->start;
    frac = pg->bytes_total ? (double)bytes_done / (double)pg->bytes_total : 0;
    eta = frac > 0 ? elapsed * (1 - frac) / frac : -1;
    log_info("progress", "%s=%zu rate=%.0f/s done=%.1f%% eta_s=%.0f",
             pg->what, count, elapsed > 0 ? (double)count / elapsed : 0,
             frac * 100, eta);
}
