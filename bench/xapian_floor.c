/*
 * xapian_floor: what Xapian alone costs on our index for the same queries,
 * the floor under any engine built on it. Each query is parsed by a
 * QueryParser with our stemmer (all words required), matched for the top
 * 10 by BM25, and each hit's stored data fetched; no snippets, no reply,
 * no ranking rules of ours. Same warm-up and timing as query_bench.
 */
#include "bench_util.h"
#include "indexdir.h"
#include "stopwords.h"
#include "xs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP 10

static void usage(FILE *f)
{
    fputs("usage: xapian_floor -i INDEX -q QUERIES [-r ROUNDS]\n"
          "\n"
          "  -i, --index PATH     index built by pwc-index\n"
          "  -q, --queries FILE   KIND<TAB>QUERY lines (make_queries)\n"
          "  -r, --rounds N       timed passes over the file (default 3)\n",
          f);
}

struct floor {
    xs_db *db;
    xs_qparser *qp;
};

/* Parse, match, fetch: returns the number of hits, or a negative error. */
static int run_query(struct floor *fl, const char *text, struct err *e)
{
    xs_query *q = NULL;
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    int rc = xs_qparser_parse(fl->qp, text,
                              XS_QP_BOOLEAN | XS_QP_PHRASE | XS_QP_LOVEHATE,
                              &q, e);

    if (rc == 0)
        rc = xs_enquire_new(fl->db, &enq, e);
    if (rc == 0)
        rc = xs_enquire_set_query(enq, q, e);
    if (rc == 0)
        rc = xs_enquire_get_mset(enq, 0, TOP, TOP + 1, &m, e);
    for (uint32_t i = 0; rc == 0 && i < xs_mset_size(m); i++) {
        char *data = NULL;
        rc = xs_mset_data(m, i, &data, NULL, e);
        free(data);
    }
    if (rc == 0)
        rc = (int)xs_mset_size(m);
    xs_mset_free(m);
    xs_enquire_free(enq);
    xs_query_free(q);
    return rc;
}

/* The time covers parsing, matching and fetching. */
static int time_query(void *ctx, const struct bench_query *q, size_t i,
                      int round, struct bench_sample *out, struct err *e)
{
    double t0 = bench_now_ms();
    int rc = run_query(ctx, q->text, e);

    (void)i;
    (void)round;
    out->ms = bench_now_ms() - t0;
    out->kind = q->kind;
    out->hits = rc;
    return rc < 0 ? rc : 0;
}

static int run_all(struct floor *fl, const struct bench_queries *qs,
                   unsigned rounds, struct err *e)
{
    struct bench_sample *samples = NULL;
    size_t n = 0;
    int rc = bench_run_passes(qs, rounds, time_query, fl, &samples, &n, e);

    if (rc == 0)
        bench_report(stdout, "xapian", "floor", samples, n, rounds);
    free(samples);
    return rc;
}

static int open_floor(const char *index, struct floor *fl, struct err *e)
{
    char path[4096];
    char *lang = NULL;
    int rc;

    index_read_path(index, path, sizeof(path));
    rc = xs_db_open(path, &fl->db, e);
    if (rc == 0)
        rc = xs_db_get_metadata(fl->db, "language", &lang, e);
    if (rc == 0)
        rc = xs_qparser_new(lang && *lang ? lang : "english", &fl->qp, e);
    /* Ours drops the same words from plain queries. */
    if (rc == 0)
        rc = xs_qparser_set_stopwords(
            fl->qp, stopwords_for(lang && *lang ? lang : "english"), e);
    free(lang);
    if (rc == 0) {
        xs_qparser_set_database(fl->qp, fl->db);
        xs_qparser_set_default_and(fl->qp, 1);
    }
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        {"index", required_argument, NULL, 'i'},
        {"queries", required_argument, NULL, 'q'},
        {"rounds", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *index = NULL, *queries = NULL;
    unsigned rounds = 3;
    struct bench_queries qs = {NULL, 0};
    struct floor fl = {NULL, NULL};
    struct err e = {0, ""};
    int c, rc;

    while ((c = getopt_long(argc, argv, "i:q:r:h", lo, NULL)) != -1) {
        switch (c) {
        case 'i':
            index = optarg;
            break;
        case 'q':
            queries = optarg;
            break;
        case 'r':
            rounds = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!index || !queries || rounds == 0 || optind != argc) {
        usage(stderr);
        return 2;
    }
    rc = bench_queries_load(queries, &qs, &e);
    if (rc == 0)
        rc = open_floor(index, &fl, &e);
    if (rc == 0)
        rc = run_all(&fl, &qs, rounds, &e);
    if (rc < 0)
        fprintf(stderr, "xapian_floor: %s\n", e.msg);
    xs_qparser_free(fl.qp);
    xs_db_free(fl.db);
    bench_queries_fini(&qs);
    return rc < 0 ? 1 : 0;
}
