/*
 * The searchers of searchd's worker threads, kept fresh. A searcher is not
 * thread-safe, so each request borrows one for itself. A watcher thread
 * checks the index every reload_check_ms and bumps a generation counter
 * when it changed; a borrowed searcher older than that refreshes before
 * it answers, so a new index is served without restart or failed request.
 * Requests also move the pool forward: once one was answered from a new
 * index, no later request is answered from an older one.
 */
#ifndef SEARCHD_POOL_H
#define SEARCHD_POOL_H

#include "config.h"
#include "err.h"
#include "metrics.h"
#include "search.h"

struct pool;

/*
 * Opens the index at path read-only and starts the watcher. An index that
 * cannot be opened now is not an error: requests fail with ERR_NOTFOUND
 * until the watcher finds one. cfg and m are borrowed for the pool's life.
 */
int pool_new(const char *path, const struct config *cfg, struct metrics *m,
             struct pool **out, struct err *e);

/* Stops the watcher and frees every searcher; none may be borrowed. */
void pool_free(struct pool *p);

/* A searcher on loan: s is for the borrowing thread only. */
struct pool_lease {
    struct searcher *s;
    unsigned long gen;       /* pool generation s was brought up to */
    struct pool_lease *next; /* the pool's, while idle */
};

/*
 * Lends a searcher reading the newest index seen by the watcher, until
 * pool_give. Fails with ERR_NOTFOUND when no index can be opened.
 * Thread-safe.
 */
int pool_take(struct pool *p, struct pool_lease **out, struct err *e);

/* Returns a lease from pool_take (NULL is ignored). Thread-safe. */
void pool_give(struct pool *p, struct pool_lease *l);

/* Makes every searcher reopen the index from scratch before its next
 * request (SIGHUP). Async-signal-unsafe; thread-safe. */
void pool_reopen(struct pool *p);

#endif
