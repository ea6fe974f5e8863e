/*
 * searchd: answers searches of the pwc-search index as JSON over HTTP.
 * This file is the lifecycle: arguments and config, signals (SIGHUP
 * reopens the index, SIGTERM and SIGINT stop after requests in flight),
 * start and stop. The endpoints are in routes.c, HTTP in server.c.
 */
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "pool.h"
#include "server.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: searchd [options]\n"
          "\n"
          "Answers searches of the pwc-search index as JSON over HTTP. The\n"
          "index is opened read-only; a new one written by pwc-index build or\n"
          "update is served within reload_check_ms, without restart.\n"
          "\n"
          "options:\n"
          "  -c, --config FILE   config file (default: $PWC_CONFIG or\n"
          "                      config/pwc-search.conf of the checkout)\n"
          "  -i, --index PATH    index to serve (default: config 'index')\n"
          "  -l, --listen ADDR   IPv4 or IPv6 address to listen on\n"
          "                      (default: config 'listen', 127.0.0.1)\n"
          "  -p, --port N        port (default: config 'port', 8080); 0 picks\n"
          "                      a free port, printed as 'listening on ...'\n"
          "  -h, --help          this help\n"
          "\n"
          "endpoints (GET or HEAD; errors are {\"error\": {code, message,\n"
          "param}}):\n"
          "  /search?q=WORDS     ranked papers with their code; q may be\n"
          "                      blank (every paper, filtered). Parameters:\n"
          "                      limit (default 10, at most max_limit),\n"
          "                      offset, or page (1-based, limit hits each),\n"
          "                      sort=relevance|date|stars,\n"
          "                      has_code=true|false, official=true,\n"
          "                      framework=A[,B], task=T, venue=V,\n"
          "                      year=YYYY or FROM-TO, facets=true,\n"
          "                      snippet=BYTES (0 none, default 200)\n"
          "  /papers/ID          one paper by id or arXiv id, with all its\n"
          "                      implementations\n"
          "  /suggest?q=PREFIX   completions for a search box (limit <= 10)\n"
          "  /health             index documents, generation, build time\n"
          "  /metrics            Prometheus counters\n"
          "\n"
          "signals: SIGHUP reopens the index; SIGTERM and SIGINT stop after\n"
          "the requests in flight.\n"
          "\n"
          "exit status: 0 stopped by a signal, 1 could not start (port in\n"
          "use), 2 usage or config error\n",
          f);
}

struct args {
    const char *config;
    const char *index;
    const char *listen;
    long port; /* -1: from the config */
};

static int parse_port(const char *v, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);

    if (!*v || *end || v[0] == '-' || v[0] == '+' || n > 65535) {
        fprintf(stderr, "searchd: --port: expected 0 to 65535, got '%s'\n", v);
        return -1;
    }
    *out = n;
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"index", required_argument, NULL, 'i'},
        {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int opt;

    *a = (struct args){NULL, NULL, NULL, -1};
    while ((opt = getopt_long(argc, argv, "c:i:l:p:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            a->config = optarg;
            break;
        case 'i':
            a->index = optarg;
            break;
        case 'l':
            a->listen = optarg;
            break;
        case 'p':
            if (parse_port(optarg, &a->port) < 0)
                return -1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "searchd: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

static int load_config(const struct args *a, struct config *cfg)
{
    struct err e = {0, ""};
    const char *path = a->config ? a->config : config_default_path();
    int level;

    config_defaults(cfg);
    if (path && config_load(path, cfg, &e) < 0) {
        fprintf(stderr, "searchd: %s\n", e.msg);
        return -1;
    }
    level = log_level_parse(cfg->log_level);
    if (level < 0) {
        fprintf(stderr, "searchd: log_level: unknown level '%s'\n",
                cfg->log_level);
        return -1;
    }
    log_init("searchd", (enum log_level)level);
    return 0;
}

/* Waits for signals until told to stop; returns the stopping one. */
static int serve(struct pool *pool, const sigset_t *set)
{
    int sig = 0;

    for (;;) {
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            return sig;
        log_info("sighup", "action=reopen");
        pool_reopen(pool);
    }
}

static void announce(const char *addr, unsigned port, const char *index)
{
    int v6 = strchr(addr, ':') != NULL;

    printf("listening on %s%s%s:%u\n", v6 ? "[" : "", addr, v6 ? "]" : "",
           port);
    fflush(stdout);
    log_info("listening", "addr=%s port=%u index=%s", addr, port, index);
}

int main(int argc, char **argv)
{
    static struct metrics metrics;
    struct args a;
    struct config cfg;
    struct err e = {0, ""};
    struct pool *pool = NULL;
    struct server *srv = NULL;
    const char *index, *addr;
    sigset_t set;
    int sig;

    if (parse_args(argc, argv, &a) < 0 || load_config(&a, &cfg) < 0)
        return 2;
    index = a.index ? a.index : cfg.index;
    addr = a.listen ? a.listen : cfg.listen;
    /* Blocked before any thread starts, so only sigwait below sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    metrics_init(&metrics);
    if (pool_new(index, &cfg, &metrics, &pool, &e) < 0 ||
        server_start(&cfg, addr,
                     a.port >= 0 ? (unsigned)a.port : (unsigned)cfg.port, pool,
                     &metrics, &srv, &e) < 0) {
        char qe[300];
        log_quote(qe, sizeof(qe), e.msg, sizeof(e.msg));
        log_error("start_failed", "error=%s", qe);
        fprintf(stderr, "searchd: %s\n", e.msg);
        pool_free(pool);
        return e.code == ERR_USAGE ? 2 : 1;
    }
    announce(addr, server_port(srv), index);
    sig = serve(pool, &set);
    log_info("stopping", "signal=%s", sig == SIGINT ? "INT" : "TERM");
    server_stop(srv);
    pool_free(pool);
    log_info("stopped", "requests_in_flight=%ld",
             atomic_load(&metrics.in_flight));
    return 0;
}
