/*
 * The libmicrohttpd daemon: options from the config, one request context
 * per request, the checks shared by all paths and the request log. The
 * query string is decoded here from the raw request target rather than by
 * MHD, so that '+', %2B, %00 and invalid UTF-8 are handled by our own
 * tested rules (http_params.c). Bodies are never read.
 */
#include "server.h"

#include "deadline.h"
#include "http_params.h"
#include "log.h"
#include "routes.h"
#include "text.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* MHD's default per-connection memory; a request line or headers that do
 * not fit get 414 or 431 from MHD itself. */
#define MEMORY_LIMIT_MIN (32 * 1024)

struct server {
    struct MHD_Daemon *d;
    const struct config *cfg;
    struct pool *pool;
    struct metrics *m;
    struct deadline *dl;
    unsigned port;
    /* libmicrohttpd's last word while the daemon starts, which says why
     * it could not (the port in use, say). Written only before the
     * daemon's threads exist. */
    atomic_int starting;
    char start_msg[256];
};

enum req_state { REQ_NEW, REQ_HEADERS, REQ_ANSWERED };

/* One request: made when its request line arrives, freed when done. */
struct request {
    char *target; /* the raw request target, as sent */
    struct timespec t0;
    enum req_state state;
};

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* MHD calls this with the undecoded target before parsing it. */
static void *on_request_line(void *cls, const char *uri,
                             struct MHD_Connection *con)
{
    struct server *s = cls;
    struct request *rq = calloc(1, sizeof(*rq));

    (void)con;
    if (!rq)
        return NULL;
    rq->target = strdup(uri);
    if (!rq->target) {
        free(rq);
        return NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &rq->t0);
    atomic_fetch_add(&s->m->in_flight, 1);
    return rq;
}

static const char *end_reason(enum MHD_RequestTerminationCode toe)
{
    switch (toe) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK:
        return "completed";
    case MHD_REQUEST_TERMINATED_WITH_ERROR:
        return "malformed_or_too_big";
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
        return "timeout";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
        return "shutdown";
    case MHD_REQUEST_TERMINATED_READ_ERROR:
        return "read_error";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
        return "client_abort";
    default:
        return "unknown";
    }
}

static void on_completed(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct request *rq = *req_cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    if (ci)
        deadline_restart(s->dl, ci->socket_context);
    if (!rq)
        return;
    if (rq->state != REQ_ANSWERED)
        log_info("request_dropped", "reason=%s", end_reason(toe));
    atomic_fetch_sub(&s->m->in_flight, 1);
    free(rq->target);
    free(rq);
    *req_cls = NULL;
}

/* Puts each connection under a deadline (deadline.h) while it is open. */
static void on_connection(void *cls, struct MHD_Connection *con,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *s = cls;
    const union MHD_ConnectionInfo *ci;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? deadline_add(s->dl, ci->connect_fd) : NULL;
    } else {
        deadline_remove(s->dl, *socket_context);
        *socket_context = NULL;
    }
}

/* MHD's own messages are about connections clients broke or misused. */
static void on_mhd_message(void *cls, const char *fmt, va_list ap)
{
    struct server *s = cls;
    char msg[512], quoted[600];
    size_t n;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    if (s && atomic_load(&s->starting))
        snprintf(s->start_msg, sizeof(s->start_msg), "%s", msg);
    log_quote(quoted, sizeof(quoted), msg, sizeof(msg));
    log_info("mhd", "msg=%s", quoted);
}

/* The checks before a route: path encoding, known path, method, query. */
static void dispatch(struct server *s, char *target, const char *method,
                     int body, struct reply *r)
{
    struct http_param kv[HTTP_PARAMS_MAX];
    struct http_bad bad = {400, ""};
    struct err e = {0, ""};
    struct route_req q = {s->cfg, s->pool, s->m, "", kv, 0};
    char *path, *query;
    size_t plen;
    route_fn fn;

    http_target_split(target, &path, &query);
    plen = http_unescape(path, strlen(path), 0);
    if (memchr(path, '\0', plen) || !text_utf8_valid(path, plen)) {
        reply_error(r, 400, "path",
                    "path: not valid UTF-8 or contains a "
                    "NUL byte");
        return;
    }
    fn = route_find(path, &q.rest);
    if (!fn) {
        reply_error(r, 404, NULL,
                    "no such endpoint (see /search, "
                    "/papers/{id}, /suggest, /health, "
                    "/metrics)");
        return;
    }
    if (strcmp(method, "OPTIONS") == 0 && s->cfg->cors_origin[0]) {
        r->status = 204;
        return;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        reply_error(r, 405, NULL, "method not allowed: use GET or HEAD");
        return;
    }
    if (body) {
        reply_error(r, 413, NULL, "request bodies are not accepted");
        return;
    }
    if (http_query_parse(query, kv, HTTP_PARAMS_MAX, &q.n, &bad, &e) < 0) {
        reply_error(r, bad.status, bad.param, "%s", e.msg);
        return;
    }
    fn(&q, r);
}

static void add_headers(struct server *s, struct MHD_Response *resp,
                        const struct reply *r)
{
    const char *cors = s->cfg->cors_origin;
    char secs[16];

    if (r->type)
        MHD_add_response_header(resp, "Content-Type", r->type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->status == 405)
        MHD_add_response_header(resp, "Allow",
                                cors[0] ? "GET, HEAD, OPTIONS" : "GET, HEAD");
    if (r->retry_after_s) {
        snprintf(secs, sizeof(secs), "%d", r->retry_after_s);
        MHD_add_response_header(resp, "Retry-After", secs);
    }
    if (!cors[0])
        return;
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", cors);
    if (strcmp(cors, "*") != 0)
        MHD_add_response_header(resp, "Vary", "Origin");
    if (r->status == 204) {
        MHD_add_response_header(resp, "Access-Control-Allow-Methods",
                                "GET, HEAD, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                "Accept, Content-Type");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "86400");
    }
}

/* Hands r to MHD; its body then belongs to the response. */
static enum MHD_Result respond(struct server *s, struct MHD_Connection *con,
                               struct reply *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (r->body && r->release) {
        resp = MHD_create_response_from_buffer_with_free_callback(
            r->len, r->body, r->release);
        if (resp)
            r->body = NULL;
    } else {
        resp = MHD_create_response_from_buffer(r->body ? r->len : 0,
                                               r->body ? r->body : "",
                                               MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    add_headers(s, resp, r);
    ret = MHD_queue_response(con, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void log_request(const struct request *rq, const char *method,
                        const struct reply *r, double secs)
{
    char qm[48], qt[512], hits[32] = "";

    log_quote(qm, sizeof(qm), method, 32);
    log_quote(qt, sizeof(qt), rq->target, 400);
    if (r->hits >= 0)
        snprintf(hits, sizeof(hits), " hits=%ld", r->hits);
    log_info("request", "method=%s path=%s status=%d%s ms=%.2f", qm, qt,
             r->status, hits, secs * 1e3);
}

static int is_read_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "OPTIONS") == 0;
}

/* Whether the request announces a body, which no endpoint takes. */
static int has_body(struct MHD_Connection *con)
{
    const char *len =
        MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");

    return (len && strcmp(len, "0") != 0) ||
           MHD_lookup_connection_value(con, MHD_HEADER_KIND,
                                       "Transfer-Encoding") != NULL;
}

/*
 * MHD calls this once when the headers are in, then once per piece of
 * body, then once more at the end. Answering at the first call makes MHD
 * close the connection, so plain reads are answered at the second;
 * requests with a body or another method are refused at once.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *con,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct server *s = cls;
    struct request *rq = *req_cls;
    struct reply r = {0};
    enum MHD_Result ret;
    char *work;
    int body;

    (void)url;
    (void)version;
    (void)upload_data;
    if (!rq)
        return MHD_NO; /* out of memory when the request began */
    if (rq->state == REQ_ANSWERED || *upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    body = has_body(con);
    if (rq->state == REQ_NEW && is_read_method(method) && !body) {
        rq->state = REQ_HEADERS;
        return MHD_YES;
    }
    rq->state = REQ_ANSWERED;
    r.hits = -1;
    work = strdup(rq->target);
    if (!work)
        return MHD_NO;
    dispatch(s, work, method, body, &r);
    free(work);
    ret = respond(s, con, &r);
    metrics_observe(s->m, r.status, seconds_since(&rq->t0));
    log_request(rq, method, &r, seconds_since(&rq->t0));
    reply_fini(&r);
    return ret;
}

static int parse_addr(const char *addr, unsigned port,
                      struct sockaddr_storage *ss, unsigned *flags,
                      struct err *e)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return 0;
    }
    if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *flags |= MHD_USE_IPv6;
        return 0;
    }
    return err_set(e, ERR_USAGE, "listen: '%s' is not an IP address", addr);
}

/* Room for the longest q allowed, fully percent-encoded, plus headers;
 * MHD keeps about half of a connection's memory for reading. */
static size_t memory_limit(const struct config *cfg)
{
    size_t need = 2 * (3 * cfg->max_query_bytes + 8192);
    return need > MEMORY_LIMIT_MIN ? need : MEMORY_LIMIT_MIN;
}

static unsigned pool_threads(const struct config *cfg)
{
    long n = cfg->http_threads > 0 ? cfg->http_threads
                                   : sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

int server_start(const struct config *cfg, const char *addr, unsigned port,
                 struct pool *pool, struct metrics *m, struct server **out,
                 struct err *e)
{
    struct sockaddr_storage ss;
    /* MHD_USE_AUTO picks epoll on Linux; ITC allows MHD_quiesce_daemon. */
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    const union MHD_DaemonInfo *info;
    struct server *s;

    if (parse_addr(addr, port, &ss, &flags, e) < 0)
        return ERR_USAGE;
    /* 0 would mean no timeout to MHD, and no connection at all. */
    if (cfg->connection_timeout_s == 0 || cfg->max_connections == 0)
        return err_set(e, ERR_USAGE,
                       "connection_timeout_s and max_connections must be "
                       "at least 1");
    s = calloc(1, sizeof(*s));
    if (!s)
        return err_set(e, ERR_NOMEM, "out of memory");
    *s = (struct server){NULL, cfg, pool, m, NULL, port, 1, ""};
    if (deadline_new(cfg->connection_timeout_s, &s->dl, e) < 0) {
        free(s);
        return e->code;
    }
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_message, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, pool_threads(cfg),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit(cfg),
        MHD_OPTION_URI_LOG_CALLBACK, on_request_line, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
    atomic_store(&s->starting, 0);
    if (!s->d) {
        /* MHD says "Failed to bind to port 0: Address already in use"
         * (the port it was given, not the one in the address): keep the
         * system's reason only. */
        const char *why = strrchr(s->start_msg, ':');
        why = why ? why + 2 : s->start_msg;
        int rc = err_set(e, ERR_IO, "cannot listen on %s port %u%s%s", addr,
                         port, *why ? ": " : "", why);
        deadline_free(s->dl);
        free(s);
        return rc;
    }
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    if (info && info->port)
        s->port = info->port;
    *out = s;
    return 0;
}

unsigned server_port(const struct server *s)
{
    return s->port;
}

void server_stop(struct server *s)
{
    MHD_socket fd;
    struct timespec t0, nap = {0, 10 * 1000000L};
    double limit;

    if (!s)
        return;
    limit = s->cfg->connection_timeout_s ? s->cfg->connection_timeout_s : 10;
    fd = MHD_quiesce_daemon(s->d);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&s->m->in_flight) > 0 && seconds_since(&t0) < limit)
        nanosleep(&nap, NULL);
    if (atomic_load(&s->m->in_flight) > 0)
        log_warn("stop_timeout", "in_flight=%ld",
                 atomic_load(&s->m->in_flight));
    MHD_stop_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* After MHD, which reports every connection closed to it first. */
    deadline_free(s->dl);
    free(s);
}
