/*
 * query_bench: times our search library on a query file, single-threaded,
 * each query through search_run as the CLI runs it (top 10, snippets and
 * implementations), after one untimed warm-up pass over all queries.
 * Output is not rendered; building and freeing the reply is timed.
 */
#include "bench_util.h"
#include "config.h"
#include "search.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct opts {
    const char *index, *config, *queries, *dump;
    unsigned rounds;
    int no_snippets;
};

static void usage(FILE *f)
{
    fputs("usage: query_bench -i INDEX -q QUERIES [options]\n"
          "\n"
          "  -i, --index PATH     index built by pwc-index\n"
          "  -q, --queries FILE   KIND<TAB>QUERY lines (make_queries)\n"
          "  -r, --rounds N       timed passes over the file (default 3)\n"
          "      --no-snippets    no snippets (the hits are still joined\n"
          "                       with their code)\n"
          "      --dump FILE      write the ids of each query's hits\n"
          "  -c, --config FILE    config file (default: the checkout's)\n",
          f);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"index", required_argument, NULL, 'i'},
        {"queries", required_argument, NULL, 'q'},
        {"rounds", required_argument, NULL, 'r'},
        {"no-snippets", no_argument, NULL, 'S'},
        {"dump", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;

    memset(o, 0, sizeof(*o));
    o->rounds = 3;
    while ((c = getopt_long(argc, argv, "i:q:r:c:h", lo, NULL)) != -1) {
        switch (c) {
        case 'i':
            o->index = optarg;
            break;
        case 'q':
            o->queries = optarg;
            break;
        case 'r':
            o->rounds = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'S':
            o->no_snippets = 1;
            break;
        case 'd':
            o->dump = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return -1;
        }
    }
    return o->index && o->queries && o->rounds > 0 && optind == argc ? 0 : -1;
}

/* Our ids in the crawl's terms, so the peer's hits can be compared. */
static void dump_hits(FILE *f, size_t i, const cJSON *reply)
{
    const cJSON *hit;
    int first = 1;

    fprintf(f, "%zu\t", i);
    cJSON_ArrayForEach(hit, cJSON_GetObjectItem(reply, "hits"))
    {
        const cJSON *id = cJSON_GetObjectItem(hit, "crawl_id");
        if (!cJSON_IsString(id))
            id = cJSON_GetObjectItem(hit, "id");
        fprintf(f, "%s%s", first ? "" : " ",
                cJSON_IsString(id) ? id->valuestring : "?");
        first = 0;
    }
    fputc('\n', f);
}

struct run {
    struct searcher *s;
    struct search_req base;
    FILE *dump; /* the first timed pass's hits, or NULL */
};

/* Runs one query; the time covers the search and freeing its reply. */
static int run_query(void *ctx, const struct bench_query *q, size_t i,
                     int round, struct bench_sample *out, struct err *e)
{
    struct run *run = ctx;
    struct search_req r = run->base;
    cJSON *reply = NULL;
    double t0, t1, t2;
    int rc;

    r.q = q->text;
    t0 = bench_now_ms();
    rc = search_run(run->s, &r, &reply, e);
    t1 = bench_now_ms();
    if (rc < 0)
        return rc;
    out->kind = q->kind;
    out->hits = cJSON_GetArraySize(cJSON_GetObjectItem(reply, "hits"));
    if (run->dump && round == 0)
        dump_hits(run->dump, i, reply);
    t2 = bench_now_ms();
    cJSON_Delete(reply);
    out->ms = (t1 - t0) + (bench_now_ms() - t2);
    return 0;
}

static int run_all(struct searcher *s, const struct opts *o,
                   const struct bench_queries *qs, struct err *e)
{
    struct run run = {s, {0}, NULL};
    struct bench_sample *samples = NULL;
    size_t n = 0;
    int rc;

    if (o->dump && !(run.dump = fopen(o->dump, "w")))
        return err_set(e, ERR_IO, "%s: cannot write", o->dump);
    search_req_init(&run.base);
    if (o->no_snippets)
        run.base.snippet_bytes = 0;
    rc = bench_run_passes(qs, o->rounds, run_query, &run, &samples, &n, e);
    if (rc == 0)
        bench_report(stdout, "pwc", o->no_snippets ? "nosnip" : "full", samples,
                     n, o->rounds);
    if (run.dump)
        fclose(run.dump);
    free(samples);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct config cfg;
    struct bench_queries qs = {NULL, 0};
    struct searcher *s = NULL;
    struct err e = {0, ""};
    const char *cfg_path;
    int rc;

    if (parse_opts(argc, argv, &o) < 0) {
        usage(stderr);
        return 2;
    }
    config_defaults(&cfg);
    cfg_path = o.config ? o.config : config_default_path();
    rc = cfg_path ? config_load(cfg_path, &cfg, &e) : 0;
    if (rc == 0)
        rc = bench_queries_load(o.queries, &qs, &e);
    if (rc == 0)
        rc = searcher_open(o.index, &cfg, &s, &e);
    if (rc == 0)
        rc = run_all(s, &o, &qs, &e);
    if (rc < 0)
        fprintf(stderr, "query_bench: %s\n", e.msg);
    searcher_free(s);
    bench_queries_fini(&qs);
    return rc < 0 ? 1 : 0;
}
