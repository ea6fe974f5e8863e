/*
 * Searchers on loan to worker threads, and the watcher that notices a new
 * index. The watcher owns one searcher of its own and only compares: it
 * never touches a lent one. Workers bring their searcher up to date
 * lazily, before the next request, so idle ones cost nothing.
 */
#include "pool.h"

#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pool {
    char path[4096];
    const struct config *cfg;
    struct metrics *metrics;

    pthread_mutex_t mu;
    pthread_cond_t wake;     /* stop or reopen asked */
    struct pool_lease *idle; /* under mu */
    int stop, reopen;        /* under mu */
    pthread_t watcher;

    /* Bumped by the watcher when the index changed; reopen_gen is the
     * generation from which searchers must be opened anew. */
    atomic_ulong gen;
    atomic_ulong reopen_gen;

    /* The newest searcher_version any request has read. A lease behind
     * it refreshes first, so a client never sees an index older than one
     * it was already answered from, even before the watcher looks. */
    _Atomic uint64_t newest;

    /* The watcher's own; only the watcher thread (or start/stop) uses it. */
    struct searcher *watch;
    int failing; /* the last check failed (logged once per outage) */
};

/* Publishes the open index's size to /metrics, and names it in logs. */
static void note_index(struct pool *p, const char *event, const char *reason)
{
    struct err e = {0, ""};
    cJSON *info = NULL;
    const cJSON *gen;
    char qe[300], qp[300];

    if (searcher_info(p->watch, &info, &e) < 0) {
        log_quote(qe, sizeof(qe), e.msg, sizeof(e.msg));
        log_warn("index_info", "error=%s", qe);
        return;
    }
    atomic_store(&p->metrics->documents,
                 (long)cJSON_GetObjectItem(info, "documents")->valuedouble);
    gen = cJSON_GetObjectItem(info, "generation");
    log_quote(qp, sizeof(qp), p->path, 256);
    log_info(event, "reason=%s index=%s generation=%.0f documents=%ld",
             reason, qp, cJSON_IsNumber(gen) ? gen->valuedouble : 0.0,
             atomic_load(&p->metrics->documents));
    cJSON_Delete(info);
}

static void publish_version(struct pool *p, const struct searcher *s)
{
    uint64_t v = searcher_version(s);
    uint64_t seen = atomic_load(&p->newest);

    while (v > seen && !atomic_compare_exchange_weak(&p->newest, &seen, v))
        ;
}

/* What the watcher opened is the truth even when older than what was
 * served: on SIGHUP, and when the generation numbers went backwards
 * because the index directory was made anew. */
static void reset_version(struct pool *p, int forced)
{
    uint64_t v = searcher_version(p->watch);

    if (forced || (v >> 32) < (atomic_load(&p->newest) >> 32))
        atomic_store(&p->newest, v);
    else
        publish_version(p, p->watch);
}

static void check_failed(struct pool *p, const char *what, const struct err *e)
{
    char qe[300], qp[300];

    if (!p->failing) {
        log_quote(qe, sizeof(qe), e->msg, sizeof(e->msg));
        log_quote(qp, sizeof(qp), p->path, 256);
        log_error("index_unavailable", "index=%s during=%s error=%s", qp, what,
                  qe);
    }
    p->failing = 1;
}

enum open_reason { OPEN_START, OPEN_RECOVER, OPEN_FORCED };

/* Opens the index from scratch: at start, after an outage, on SIGHUP. */
static void watch_reopen(struct pool *p, enum open_reason why)
{
    static const char *const names[] = {"start", "recovered", "reopen"};
    struct err e = {0, ""};
    struct searcher *s = NULL;
    unsigned long g;

    if (searcher_open(p->path, p->cfg, &s, &e) < 0) {
        check_failed(p, "open", &e);
        return;
    }
    searcher_free(p->watch);
    p->watch = s;
    p->failing = 0;
    g = atomic_fetch_add(&p->gen, 1) + 1;
    if (why == OPEN_FORCED)
        atomic_store(&p->reopen_gen, g);
    reset_version(p, why == OPEN_FORCED);
    if (why != OPEN_START)
        atomic_fetch_add(&p->metrics->reloads, 1);
    note_index(p, why == OPEN_START ? "index_open" : "reload", names[why]);
}

static void watch_check(struct pool *p)
{
    struct err e = {0, ""};
    int changed = 0;

    if (searcher_refresh(p->watch, &changed, &e) < 0) {
        check_failed(p, "refresh", &e);
        return;
    }
    p->failing = 0;
    if (!changed)
        return;
    reset_version(p, 0);
    atomic_fetch_add(&p->gen, 1);
    atomic_fetch_add(&p->metrics->reloads, 1);
    note_index(p, "reload", "changed");
}

static void *watch_loop(void *arg)
{
    struct pool *p = arg;
    unsigned ms = p->cfg->reload_check_ms ? p->cfg->reload_check_ms : 250;

    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        struct timespec t;
        int reopen;

        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_sec += ms / 1000;
        t.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        while (!p->stop && !p->reopen &&
               pthread_cond_timedwait(&p->wake, &p->mu, &t) == 0)
            ;
        if (p->stop)
            break;
        reopen = p->reopen;
        p->reopen = 0;
        /* Checks may be slow (disk): let requests take searchers. */
        pthread_mutex_unlock(&p->mu);
        if (reopen || !p->watch)
            watch_reopen(p, reopen ? OPEN_FORCED : OPEN_RECOVER);
        else
            watch_check(p);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int init_sync(struct pool *p, struct err *e)
{
    pthread_condattr_t ca;
    int rc;

    if (pthread_mutex_init(&p->mu, NULL) != 0)
        return err_set(e, ERR_INTERNAL, "cannot create a mutex");
    rc = pthread_condattr_init(&ca) != 0 ||
         pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
         pthread_cond_init(&p->wake, &ca) != 0;
    pthread_condattr_destroy(&ca);
    if (rc) {
        pthread_mutex_destroy(&p->mu);
        return err_set(e, ERR_INTERNAL, "cannot create a condition");
    }
    return 0;
}

int pool_new(const char *path, const struct config *cfg, struct metrics *m,
             struct pool **out, struct err *e)
{
    struct pool *p = calloc(1, sizeof(*p));

    if (!p)
        return err_set(e, ERR_NOMEM, "out of memory");
    snprintf(p->path, sizeof(p->path), "%s", path);
    p->cfg = cfg;
    p->metrics = m;
    atomic_init(&p->gen, 0);
    atomic_init(&p->reopen_gen, 0);
    atomic_init(&p->newest, 0);
    if (init_sync(p, e) < 0) {
        free(p);
        return ERR_INTERNAL;
    }
    watch_reopen(p, OPEN_START);
    if (pthread_create(&p->watcher, NULL, watch_loop, p) != 0) {
        searcher_free(p->watch);
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return err_set(e, ERR_INTERNAL, "cannot start the index watcher");
    }
    *out = p;
    return 0;
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->watcher, NULL);
    while (p->idle) {
        struct pool_lease *l = p->idle;
        p->idle = l->next;
        searcher_free(l->s);
        free(l);
    }
    searcher_free(p->watch);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* Brings a lease up to generation g: reopened, refreshed or as it is. */
static int lease_update(struct pool *p, struct pool_lease *l, unsigned long g,
                        struct err *e)
{
    struct err oe = {0, ""};
    int changed;

    if (l->s && l->gen == g &&
        searcher_version(l->s) >= atomic_load(&p->newest))
        return 0;
    if (l->s && l->gen >= atomic_load(&p->reopen_gen)) {
        struct err re = {0, ""};
        /* On failure the searcher keeps its index, which still answers. */
        if (searcher_refresh(l->s, &changed, &re) < 0) {
            char qe[300];
            log_quote(qe, sizeof(qe), re.msg, sizeof(re.msg));
            log_warn("refresh_failed", "error=%s", qe);
        }
        l->gen = g;
        publish_version(p, l->s);
        return 0;
    }
    searcher_free(l->s);
    l->s = NULL;
    if (searcher_open(p->path, p->cfg, &l->s, &oe) < 0)
        return err_set(e, ERR_NOTFOUND, "index unavailable: %s", oe.msg);
    l->gen = g;
    publish_version(p, l->s);
    return 0;
}

int pool_take(struct pool *p, struct pool_lease **out, struct err *e)
{
    struct pool_lease *l;
    unsigned long g = atomic_load(&p->gen);

    pthread_mutex_lock(&p->mu);
    l = p->idle;
    if (l)
        p->idle = l->next;
    pthread_mutex_unlock(&p->mu);
    if (!l && !(l = calloc(1, sizeof(*l))))
        return err_set(e, ERR_NOMEM, "out of memory");
    l->next = NULL;
    if (lease_update(p, l, g, e) < 0) {
        free(l);
        return ERR_NOTFOUND;
    }
    *out = l;
    return 0;
}

void pool_give(struct pool *p, struct pool_lease *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&p->mu);
    l->next = p->idle;
    p->idle = l;
    pthread_mutex_unlock(&p->mu);
}

void pool_reopen(struct pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->reopen = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->mu);
}
