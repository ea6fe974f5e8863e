/*
 * Real answers on the real crawl: every sampled paper is found first by
 * its own title and by its arXiv id in several spellings, "graph networks"
 * returns graph-network papers with their code, and filters hold on every
 * hit. Usage: test_real_crawl INDEX CRAWL_DIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crawl.h"
#include "search.h"
#include "text.h"

#define SAMPLE_EVERY 300
#define MAX_SAMPLES 400

static const char *index_path;
static const char *crawl_dir;
static struct config cfg;
static struct searcher *searcher;

struct sample {
    char *id;
    char *arxiv;
    char *title;
};
static struct sample samples[MAX_SAMPLES];
static size_t n_samples;

/* Every SAMPLE_EVERY-th paper of the crawl, read through our reader. */
static int load_samples(void)
{
    struct crawl_files cf;
    struct rec_reader *r = NULL;
    struct err e = {0, ""};
    struct rec_loc loc;
    const char *json;
    size_t len, i = 0;

    if (crawl_discover(crawl_dir, &cf, &e) < 0 ||
        rec_reader_open(cf.papers[0], &r, &e) < 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    while (rec_reader_next(r, &json, &len, &loc, &e) == 1 &&
           n_samples < MAX_SAMPLES) {
        struct paper p;
        if (i++ % SAMPLE_EVERY != 0 ||
            paper_from_json(json, len, &loc, &p, &e) < 0)
            continue;
        samples[n_samples].id = strdup(p.arxiv_id ? p.arxiv_id : p.id);
        samples[n_samples].arxiv = p.arxiv_id ? strdup(p.arxiv_id) : NULL;
        samples[n_samples].title = strdup(p.title);
        n_samples++;
        paper_fini(&p);
    }
    rec_reader_free(r);
    crawl_files_fini(&cf);
    return n_samples > 50 ? 0 : -1;
}

static int setup(void **state)
{
    struct err e = {0, ""};
    (void)state;
    config_defaults(&cfg);
    if (searcher_open(index_path, &cfg, &searcher, &e) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", index_path, e.msg);
        return -1;
    }
    return load_samples();
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_samples; i++) {
        free(samples[i].id);
        free(samples[i].arxiv);
        free(samples[i].title);
    }
    searcher_free(searcher);
    return 0;
}

static cJSON *run(struct search_req *r)
{
    struct err e = {0, ""};
    cJSON *reply = NULL;

    if (search_run(searcher, r, &reply, &e) < 0)
        fail_msg("search '%s' failed: %s", r->q, e.msg);
    return reply;
}

static cJSON *hits_of(cJSON *reply)
{
    return cJSON_GetObjectItem(reply, "hits");
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void real_should_find_each_title_first(void **state)
{
    size_t tried = 0, missed = 0;
    (void)state;

    for (size_t i = 0; i < n_samples; i++) {
        struct search_req r;
        cJSON *reply, *first;
        uint64_t want = text_title_key(samples[i].title,
                                       strlen(samples[i].title));

        search_req_init(&r);
        r.q = samples[i].title;
        r.limit = 1;
        reply = run(&r);
        first = cJSON_GetArrayItem(hits_of(reply), 0);
        tried++;
        /* The same normalised title may belong to two records. */
        if (!first || text_title_key(str_of(first, "title"),
                                     strlen(str_of(first, "title"))) !=
                          want) {
            missed++;
            fprintf(stderr, "title not first: %s\n", samples[i].title);
        }
        cJSON_Delete(reply);
    }
    assert_true(tried > 50);
    assert_int_equal(missed, 0);
}

static void real_should_find_arxiv_ids_first(void **state)
{
    static const char *const forms[] = {"%s", "arXiv:%sv2",
                                        "https://arxiv.org/abs/%s",
                                        "see %s please"};
    size_t tried = 0;
    (void)state;

    for (size_t i = 0; i < n_samples; i++) {
        if (!samples[i].arxiv)
            continue;
        for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
            struct search_req r;
            char q[128];
            cJSON *reply;

            snprintf(q, sizeof(q), forms[f], samples[i].arxiv);
            search_req_init(&r);
            r.q = q;
            r.limit = 3;
            reply = run(&r);
            assert_string_equal(
                str_of(cJSON_GetArrayItem(hits_of(reply), 0), "arxiv_id"),
                samples[i].arxiv);
            cJSON_Delete(reply);
            tried++;
        }
    }
    assert_true(tried >= 20);
}

static int mentions(const cJSON *hit, const char *word)
{
    char buf[8192];
    const char *fields[] = {"title", "snippet"};
    size_t n = 0;

    for (size_t f = 0; f < 2; f++)
        for (const char *s = str_of(hit, fields[f]); *s && n + 1 < sizeof(buf);
             s++)
            buf[n++] = (char)tolower((unsigned char)*s);
    buf[n] = '\0';
    return strstr(buf, word) != NULL;
}

static void real_graph_networks_should_give_graph_papers_with_code(
    void **state)
{
    struct search_req r;
    cJSON *reply, *hit;
    int with_code = 0;
    (void)state;

    search_req_init(&r);
    r.q = "graph networks";
    reply = run(&r);
    assert_int_equal(cJSON_GetArraySize(hits_of(reply)), 10);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(reply, "all_words")));
    cJSON_ArrayForEach(hit, hits_of(reply))
    {
        assert_true(mentions(hit, "graph"));
        assert_true(mentions(hit, "network"));
        with_code += cJSON_GetArraySize(
                         cJSON_GetObjectItem(hit, "implementations")) > 0;
    }
    assert_true(with_code > 0);
    cJSON_Delete(reply);

    search_req_init(&r);
    r.q = "Graph Attention Networks";
    reply = run(&r);
    hit = cJSON_GetArrayItem(hits_of(reply), 0);
    assert_string_equal(str_of(hit, "id"), "graph-attention-networks");
    hit = cJSON_GetArrayItem(cJSON_GetObjectItem(hit, "implementations"), 0);
    assert_string_equal(str_of(hit, "repo_url"),
                        "https://github.com/PetarV-/GAT");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(hit, "official")));
    cJSON_Delete(reply);
}

static int impl_matches(const cJSON *hit, const char *key, const char *val)
{
    const cJSON *im;
    cJSON_ArrayForEach(im, cJSON_GetObjectItem(hit, "implementations"))
    {
        const cJSON *v = cJSON_GetObjectItem(im, key);
        if (val ? cJSON_IsString(v) && strcmp(v->valuestring, val) == 0
                : cJSON_IsTrue(v))
            return 1;
    }
    return 0;
}

static void real_filters_should_hold_on_every_hit(void **state)
{
    struct search_req r;
    cJSON *reply, *hit;
    (void)state;

    search_req_init(&r);
    r.q = "neural networks";
    r.limit = 50;
    r.framework = "pytorch";
    reply = run(&r);
    assert_true(cJSON_GetArraySize(hits_of(reply)) > 0);
    cJSON_ArrayForEach(hit, hits_of(reply))
        assert_true(impl_matches(hit, "framework", "pytorch"));
    cJSON_Delete(reply);

    search_req_init(&r);
    r.q = "segmentation";
    r.limit = 50;
    r.official = 1;
    r.year_from = 2018;
    r.year_to = 2020;
    reply = run(&r);
    assert_true(cJSON_GetArraySize(hits_of(reply)) > 0);
    cJSON_ArrayForEach(hit, hits_of(reply))
    {
        double y = cJSON_GetObjectItem(hit, "year")->valuedouble;
        assert_true(impl_matches(hit, "official", NULL));
        assert_true(y >= 2018 && y <= 2020);
    }
    cJSON_Delete(reply);
}

static void real_should_find_readme_only_repositories(void **state)
{
    struct search_req r;
    cJSON *reply, *hit;
    int found = 0;
    (void)state;

    search_req_init(&r);
    r.q = "graph_nets deepmind";
    reply = run(&r);
    cJSON_ArrayForEach(hit, hits_of(reply))
    {
        static const char *const keys[] = {"crawl_id", "arxiv_id", "date",
                                           "year", "venue", "tasks"};
        if (strcmp(str_of(hit, "id"), "repo:github.com/deepmind/graph_nets"))
            continue;
        found = 1;
        /* A repository hit has a paper hit's keys, unknown ones null. */
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            assert_non_null(cJSON_GetObjectItem(hit, keys[i]));
    }
    assert_true(found);
    cJSON_Delete(reply);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_should_find_each_title_first),
        cmocka_unit_test(real_should_find_arxiv_ids_first),
        cmocka_unit_test(
            real_graph_networks_should_give_graph_papers_with_code),
        cmocka_unit_test(real_filters_should_hold_on_every_hit),
        cmocka_unit_test(real_should_find_readme_only_repositories),
    };
    if (argc != 3) {
        fprintf(stderr, "usage: test_real_crawl INDEX CRAWL_DIR\n");
        return 2;
    }
    index_path = argv[1];
    crawl_dir = argv[2];
    return cmocka_run_group_tests(tests, setup, teardown);
}
