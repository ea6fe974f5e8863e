/*
 * searchd's endpoints: /search, /papers/{id}, /suggest, /health and
 * /metrics. Each handler turns a decoded request into a reply (status and
 * body); none knows about the HTTP library, which server.c drives.
 */
#ifndef SEARCHD_ROUTES_H
#define SEARCHD_ROUTES_H

#include "config.h"
#include "http_params.h"
#include "metrics.h"
#include "pool.h"

#include <stddef.h>

/* A reply before it becomes an HTTP response. */
struct reply {
    int status;
    char *body; /* owned; released with release(body) */
    size_t len;
    void (*release)(void *);
    const char *type;  /* Content-Type */
    long hits;         /* matches, for the request log; -1 when none */
    int retry_after_s; /* a Retry-After header when non-zero */
};

struct route_req {
    const struct config *cfg;
    struct pool *pool;
    struct metrics *metrics;
    const char *rest;            /* the decoded path after the prefix */
    const struct http_param *kv; /* the decoded query string */
    size_t n;
};

typedef void (*route_fn)(const struct route_req *q, struct reply *r);

/* The handler for a decoded path, or NULL (404). For "/papers/ID",
 * *rest gets "ID". */
route_fn route_find(const char *path, const char **rest);

/*
 * Makes r the JSON error {"error": {"code", "message", "param"?}}; param
 * is omitted when NULL or "". The message is printf-formatted.
 */
void reply_error(struct reply *r, int status, const char *param,
                 const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Makes r a JSON reply of o (status 200), taking ownership of o. */
void reply_json(struct reply *r, cJSON *o);

/* Frees r's body. */
void reply_fini(struct reply *r);

#endif
