/*
 * searchd's HTTP side: a libmicrohttpd daemon with its own thread pool,
 * the checks every request passes (method, path, encoding, CORS) and the
 * request log. What each path answers is in routes.c.
 */
#ifndef SEARCHD_SERVER_H
#define SEARCHD_SERVER_H

#include "config.h"
#include "err.h"
#include "metrics.h"
#include "pool.h"

struct server;

/*
 * Starts listening on addr (IPv4 or IPv6 literal) and port (0: any free
 * one) with cfg's limits, answering from pool. cfg, pool and m are
 * borrowed until server_stop. Call with SIGTERM, SIGINT and SIGHUP
 * blocked, so the daemon's threads never take them.
 */
int server_start(const struct config *cfg, const char *addr, unsigned port,
                 struct pool *pool, struct metrics *m, struct server **out,
                 struct err *e);

/* The port actually listened on. */
unsigned server_port(const struct server *s);

/*
 * Stops accepting connections, lets requests in flight finish (waiting at
 * most connection_timeout_s), then stops the daemon and frees s.
 */
void server_stop(struct server *s);

#endif
