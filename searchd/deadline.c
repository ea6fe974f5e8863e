/*
 * Connection deadlines: a list of tracked sockets under a mutex, and a
 * thread that looks at it a few times per period. A late connection's
 * socket is shut down, not closed: the descriptor stays MHD's, which
 * closes it only after telling us (deadline_remove), so the descriptor
 * shut down is never one reused by a newer connection.
 */
#include "deadline.h"

#include "log.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct deadline_conn {
    int fd;
    int cut;            /* shut down already */
    struct timespec t0; /* start of the current period */
    struct deadline_conn *prev, *next;
};

struct deadline {
    unsigned timeout_s;
    pthread_mutex_t mu;
    pthread_cond_t wake;        /* stop asked */
    int stop;                   /* under mu */
    struct deadline_conn *head; /* under mu */
    pthread_t thread;
};

static double age_s(const struct timespec *t0, const struct timespec *now)
{
    return (double)(now->tv_sec - t0->tv_sec) +
           (double)(now->tv_nsec - t0->tv_nsec) / 1e9;
}

/* Shuts down every connection past its deadline; called with mu held. */
static void cut_late(struct deadline *d)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    for (struct deadline_conn *c = d->head; c; c = c->next) {
        double age = age_s(&c->t0, &now);

        if (c->cut || age < d->timeout_s)
            continue;
        c->cut = 1;
        shutdown(c->fd, SHUT_RDWR);
        log_info("connection_cut", "reason=deadline seconds=%.1f", age);
    }
}

static void *watch(void *arg)
{
    struct deadline *d = arg;
    /* A quarter of the period: a connection lives at most 1.25 of it. */
    long step_ms = d->timeout_s * 250L;

    pthread_mutex_lock(&d->mu);
    while (!d->stop) {
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_sec += step_ms / 1000;
        t.tv_nsec += (step_ms % 1000) * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        while (!d->stop && pthread_cond_timedwait(&d->wake, &d->mu, &t) == 0)
            ;
        if (!d->stop)
            cut_late(d);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

int deadline_new(unsigned timeout_s, struct deadline **out, struct err *e)
{
    struct deadline *d = calloc(1, sizeof(*d));
    pthread_condattr_t ca;
    int bad;

    if (!d)
        return err_set(e, ERR_NOMEM, "out of memory");
    d->timeout_s = timeout_s;
    bad = pthread_condattr_init(&ca) != 0 ||
          pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
          pthread_cond_init(&d->wake, &ca) != 0;
    pthread_condattr_destroy(&ca);
    if (bad) {
        free(d);
        return err_set(e, ERR_INTERNAL, "cannot create a condition");
    }
    pthread_mutex_init(&d->mu, NULL);
    if (pthread_create(&d->thread, NULL, watch, d) != 0) {
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->mu);
        free(d);
        return err_set(e, ERR_INTERNAL, "cannot start the deadline thread");
    }
    *out = d;
    return 0;
}

void deadline_free(struct deadline *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stop = 1;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    while (d->head) {
        struct deadline_conn *c = d->head;
        d->head = c->next;
        free(c);
    }
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

struct deadline_conn *deadline_add(struct deadline *d, int fd)
{
    struct deadline_conn *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->fd = fd;
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    pthread_mutex_lock(&d->mu);
    c->next = d->head;
    if (d->head)
        d->head->prev = c;
    d->head = c;
    pthread_mutex_unlock(&d->mu);
    return c;
}

void deadline_restart(struct deadline *d, struct deadline_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&d->mu);
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    pthread_mutex_unlock(&d->mu);
}

void deadline_remove(struct deadline *d, struct deadline_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&d->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        d->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&d->mu);
    free(c);
}
