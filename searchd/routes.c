/*
 * The handlers behind searchd's paths. Input is checked in http_params.c
 * before anything reaches the search library, so a library error here is
 * the server's fault (500) or a busy index (503), never the client's.
 */
#include "routes.h"

#include "log.h"
#include "search.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer ids name no paper (ours are short), and a lookup term must stay
 * within Xapian's term length limit. */
#define PAPER_ID_MAX 200

static const char json_type[] = "application/json; charset=utf-8";
static const char oom_body[] =
    "{\"error\":{\"code\":500,\"message\":\"out of memory\"}}";

static void reply_oom(struct reply *r)
{
    r->status = 500;
    r->body = (char *)oom_body;
    r->len = sizeof(oom_body) - 1;
    r->release = NULL;
    r->type = json_type;
}

void reply_json(struct reply *r, cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;

    cJSON_Delete(o);
    if (!text) {
        reply_oom(r);
        return;
    }
    r->status = 200;
    r->body = text;
    r->len = strlen(text);
    r->release = cJSON_free;
    r->type = json_type;
}

void reply_error(struct reply *r, int status, const char *param,
                 const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    cJSON *o = cJSON_CreateObject(), *err;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    err = cJSON_AddObjectToObject(o, "error");
    cJSON_AddNumberToObject(err, "code", status);
    cJSON_AddStringToObject(err, "message", msg);
    if (param && *param)
        cJSON_AddStringToObject(err, "param", param);
    if (!err) {
        cJSON_Delete(o);
        o = NULL;
    }
    reply_json(r, o);
    if (r->status == 200)
        r->status = status;
}

void reply_fini(struct reply *r)
{
    if (r->release && r->body)
        r->release(r->body);
    r->body = NULL;
}

/* Logs a failure of the index or the library; 503 or 500 to the client. */
static int log_lib_error(int code, const char *msg)
{
    char qe[300];

    log_quote(qe, sizeof(qe), msg, 256);
    if (code == ERR_NOTFOUND || code == ERR_MODIFIED) {
        log_warn("unavailable", "error=%s", qe);
        return 503;
    }
    log_error("search_failed", "code=%s error=%s", err_name(code), qe);
    return 500;
}

static void reply_lib_error(struct reply *r, int code, const char *msg)
{
    if (log_lib_error(code, msg) == 503) {
        r->retry_after_s = 1;
        reply_error(r, 503, NULL, "index unavailable, try again");
    } else {
        reply_error(r, 500, NULL, "internal error");
    }
}

static double total_of(const cJSON *reply)
{
    const cJSON *t = cJSON_GetObjectItem(reply, "total");
    const cJSON *est = cJSON_GetObjectItem(t, "estimated");
    return cJSON_IsNumber(est) ? est->valuedouble : 0;
}

static void route_search(const struct route_req *q, struct reply *r)
{
    struct search_req req;
    struct http_bad bad = {400, ""};
    struct err e = {0, ""};
    struct pool_lease *l = NULL;
    cJSON *o = NULL;
    int rc;

    if (http_params_search(q->kv, q->n, q->cfg, &req, &bad, &e) < 0) {
        reply_error(r, bad.status, bad.param, "%s", e.msg);
        return;
    }
    rc = pool_take(q->pool, &l, &e);
    if (rc == 0)
        rc = search_run(l->s, &req, &o, &e);
    pool_give(q->pool, l);
    if (rc < 0) {
        reply_lib_error(r, rc, e.msg);
        return;
    }
    r->hits = (long)total_of(o);
    reply_json(r, o);
}

static void route_paper(const struct route_req *q, struct reply *r)
{
    struct err e = {0, ""};
    struct pool_lease *l = NULL;
    cJSON *o = NULL;
    int rc;

    if (!*q->rest) {
        reply_error(r, 404, "id", "no paper id given: /papers/{id}");
        return;
    }
    if (strlen(q->rest) > PAPER_ID_MAX) {
        reply_error(r, 404, "id", "no paper with this id");
        return;
    }
    rc = pool_take(q->pool, &l, &e);
    if (rc < 0) {
        reply_lib_error(r, rc, e.msg);
        return;
    }
    rc = search_get(l->s, q->rest, &o, &e);
    pool_give(q->pool, l);
    if (rc == ERR_NOTFOUND) {
        reply_error(r, 404, "id", "no paper with id '%s'", q->rest);
        return;
    }
    if (rc < 0) {
        reply_lib_error(r, rc, e.msg);
        return;
    }
    r->hits = 1;
    reply_json(r, o);
}

static void route_suggest(const struct route_req *q, struct reply *r)
{
    struct http_bad bad = {400, ""};
    struct err e = {0, ""};
    struct pool_lease *l = NULL;
    const char *prefix;
    unsigned max;
    cJSON *o = NULL;
    int rc;

    if (http_params_suggest(q->kv, q->n, q->cfg, &prefix, &max, &bad, &e) < 0) {
        reply_error(r, bad.status, bad.param, "%s", e.msg);
        return;
    }
    rc = pool_take(q->pool, &l, &e);
    if (rc == 0)
        rc = search_suggest(l->s, prefix ? prefix : "", max, &o, &e);
    pool_give(q->pool, l);
    if (rc < 0) {
        reply_lib_error(r, rc, e.msg);
        return;
    }
    r->hits = cJSON_GetArraySize(cJSON_GetObjectItem(o, "suggestions"));
    reply_json(r, o);
}

static void route_health(const struct route_req *q, struct reply *r)
{
    struct err e = {0, ""};
    struct pool_lease *l = NULL;
    cJSON *o = NULL;
    int rc;

    rc = pool_take(q->pool, &l, &e);
    if (rc == 0)
        rc = searcher_info(l->s, &o, &e);
    pool_give(q->pool, l);
    if (rc < 0) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "status", "unavailable");
        cJSON_AddStringToObject(o, "error", "index unavailable");
        reply_json(r, o);
        if (r->status == 200)
            r->status = log_lib_error(rc, e.msg);
        r->retry_after_s = 1;
        return;
    }
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddNumberToObject(o, "reloads",
                            (double)atomic_load(&q->metrics->reloads));
    reply_json(r, o);
}

static void route_metrics(const struct route_req *q, struct reply *r)
{
    size_t len = 0;
    char *text = metrics_render(q->metrics, &len);

    if (!text) {
        reply_oom(r);
        return;
    }
    r->status = 200;
    r->body = text;
    r->len = len;
    r->release = free;
    r->type = "text/plain; version=0.0.4; charset=utf-8";
}

route_fn route_find(const char *path, const char **rest)
{
    static const struct {
        const char *path;
        route_fn fn;
    } exact[] = {
        {"/search", route_search},
        {"/suggest", route_suggest},
        {"/health", route_health},
        {"/metrics", route_metrics},
    };
    static const char papers[] = "/papers/";

    *rest = "";
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strcmp(path, exact[i].path) == 0)
            return exact[i].fn;
    /* The id is the whole rest: old arXiv ids contain a slash. */
    if (strncmp(path, papers, sizeof(papers) - 1) == 0) {
        *rest = path + sizeof(papers) - 1;
        return route_paper;
    }
    return NULL;
}
