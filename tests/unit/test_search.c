/*
 * The query rules end to end on a small crawl written here: tokenizing
 * ("self-attention", "GPT-2", "C++", accents, plurals), query syntax and
 * its graceful degradation, arXiv ids, exact titles, filters, sorting and
 * the join with implementations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codeindex.h"
#include "config.h"
#include "crawl.h"
#include "indexdir.h"
#include "paperdoc.h"
#include "schema.h"
#include "search.h"
#include "xs.h"

static const char *const papers[] = {
    "{\"id\":\"attention\",\"arxiv_id\":\"1706.03762\",\"title\":\"Attention"
    " Is All You Need\",\"abstract\":\"We propose the Transformer, based "
    "solely on attention mechanisms.\",\"authors\":[\"Ashish Vaswani\"],"
    "\"year\":2017,\"date\":\"2017-06-12\",\"proceeding\":\"NIPS 2017\","
    "\"tasks\":[\"Machine Translation\"]}",
    "{\"id\":\"selfatt\",\"arxiv_id\":null,\"title\":\"Self-Attention "
    "Generative Adversarial Networks\",\"abstract\":\"GANs with a "
    "self-attention module.\",\"authors\":[\"Han Zhang\"],\"year\":2019,"
    "\"proceeding\":\"ICML 2019\",\"tasks\":[\"Image Generation\"]}",
    "{\"id\":\"selfatt2\",\"arxiv_id\":null,\"title\":\"Efficient self "
    "attention for vision\",\"abstract\":\"A cheaper self attention.\","
    "\"authors\":[],\"year\":2021,\"proceeding\":\"CVPR 2021\"}",
    "{\"id\":\"gpt2\",\"arxiv_id\":null,\"title\":\"Probing GPT-2 "
    "representations\",\"abstract\":\"We study GPT-2 and ResNet-50 "
    "features.\",\"authors\":[\"Ann Lee\"],\"year\":2020}",
    "{\"id\":\"gptonly\",\"arxiv_id\":null,\"title\":\"GPT for tables\","
    "\"abstract\":\"A GPT model, version 3.\",\"authors\":[],\"year\":2022}",
    "{\"id\":\"cpp\",\"arxiv_id\":null,\"title\":\"Fast kernels in C++\","
    "\"abstract\":\"Templates in C++ and C# bindings.\",\"authors\":[],"
    "\"year\":2018}",
    "{\"id\":\"clang\",\"arxiv_id\":null,\"title\":\"Kernels in C\","
    "\"abstract\":\"Plain C code.\",\"authors\":[],\"year\":2018}",
    "{\"id\":\"kernel\",\"arxiv_id\":\"cs/0112017\",\"title\":\"Learning "
    "with Kernels\",\"abstract\":\"Support vector machines.\",\"authors\":"
    "[\"Bernhard Sch\xc3\xb6lkopf\"],\"year\":2001}",
    "{\"id\":\"kernel-nfd\",\"arxiv_id\":null,\"title\":\"Kernel methods "
    "revisited\",\"abstract\":\"More kernels.\",\"authors\":[\"Bernhard "
    "Scho\xcc\x88lkopf\"],\"year\":2003}",
    "{\"id\":\"graphnets\",\"arxiv_id\":\"1806.01261\",\"title\":"
    "\"Relational inductive biases, deep learning, and graph networks\","
    "\"abstract\":\"Graph networks generalize message passing.\","
    "\"authors\":[\"Peter Battaglia\"],\"year\":2018,\"date\":"
    "\"2018-06-04\"}",
    "{\"id\":\"mt-lower\",\"arxiv_id\":null,\"title\":\"Neural machine "
    "translation by jointly learning to align\",\"abstract\":\"Soft "
    "alignment.\",\"authors\":[],\"year\":2014,\"tasks\":[\"machine "
    "translation\"]}",
    "{\"id\":\"graphnets-b\",\"arxiv_id\":null,\"title\":\"Graph networks "
    "as learnable engines\",\"abstract\":\"Graph networks for physics.\","
    "\"authors\":[],\"year\":2018}",
};

static const char *const links[] = {
    "{\"paper_id\":\"attention\",\"repo_url\":\"https://github.com/t/t2t\","
    "\"is_official\":true,\"framework\":\"tf\",\"stars\":500}",
    "{\"paper_id\":\"attention\",\"repo_url\":\"https://github.com/x/attn\","
    "\"is_official\":null,\"framework\":\"pytorch\",\"stars\":900}",
    "{\"paper_id\":\"graphnets\",\"repo_url\":\"https://github.com/d/gn\","
    "\"is_official\":null,\"framework\":null,\"stars\":null}",
    "{\"paper_id\":\"graphnets-b\",\"repo_url\":\"https://github.com/e/gn\","
    "\"is_official\":true,\"framework\":\"jax\",\"stars\":900}",
};

static char dir[64];
static char index_dir[128];
static struct config cfg;
static struct searcher *searcher;

static void write_lines(const char *name, const char *const *lines,
                        size_t n)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/crawl/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
    fclose(f);
}

static void build_index(void)
{
    struct crawl_files cf;
    struct code_index *ci = NULL;
    struct code_stats cs;
    struct doc_builder *b = NULL;
    struct err e = {0, ""};
    xs_wdb *db = NULL;
    char path[256], crawl[128];

    snprintf(crawl, sizeof(crawl), "%s/crawl", dir);
    assert_int_equal(crawl_discover(crawl, &cf, &e), 0);
    assert_int_equal(code_index_load(&cf, NULL, NULL, &ci, &cs, &e), 0);
    index_gen_path(index_dir, 1, 0, path, sizeof(path));
    assert_int_equal(xs_wdb_open(path, XS_WDB_CREATE, &db, &e), 0);
    assert_int_equal(xs_wdb_set_metadata(db, "language", "english", &e), 0);
    assert_int_equal(xs_wdb_set_metadata(db, "schema", SCHEMA_VERSION, &e), 0);
    assert_int_equal(schema_write_weights(db, &cfg, &e), 0);
    assert_int_equal(doc_builder_new(&cfg, &b, &e), 0);
    doc_builder_set_spelling_db(b, db);
    for (size_t i = 0; i < sizeof(papers) / sizeof(papers[0]); i++) {
        struct rec_loc loc = {0};

        loc.file = "papers.jsonl";
        loc.line = loc.record = i + 1;
        struct paper p;
        struct doc_info info;
        xs_doc *doc;

        assert_int_equal(
            paper_from_json(papers[i], strlen(papers[i]), &loc, &p, &e), 0);
        assert_int_equal(doc_builder_paper(b, &p, ci, &doc, &info, &e), 0);
        assert_int_equal(xs_wdb_add(db, doc, NULL, &e), 0);
        paper_fini(&p);
    }
    assert_int_equal(doc_builder_flush_spelling(b, &e), 0);
    assert_int_equal(xs_wdb_commit(db, &e), 0);
    xs_wdb_free(db);
    doc_builder_free(b);
    code_index_free(ci);
    crawl_files_fini(&cf);
    assert_int_equal(index_publish(index_dir, 1, &e), 0);
}

static int setup(void **state)
{
    struct err e = {0, ""};
    char path[160];

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/pwc-test-search-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/crawl", dir);
    mkdir(path, 0755);
    snprintf(index_dir, sizeof(index_dir), "%s/index", dir);
    mkdir(index_dir, 0755);
    write_lines("papers.jsonl", papers, sizeof(papers) / sizeof(papers[0]));
    write_lines("links.jsonl", links, sizeof(links) / sizeof(links[0]));
    config_defaults(&cfg);
    build_index();
    if (searcher_open(index_dir, &cfg, &searcher, &e) < 0) {
        fprintf(stderr, "open: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    searcher_free(searcher);
    remove_tree(dir);
    return 0;
}

/* Runs q and returns the reply; the caller frees it. */
static cJSON *run(const char *q, struct search_req *r)
{
    struct search_req dflt;
    struct err e = {0, ""};
    cJSON *reply = NULL;

    if (!r) {
        search_req_init(&dflt);
        r = &dflt;
    }
    r->q = q;
    if (search_run(searcher, r, &reply, &e) < 0)
        fail_msg("search '%s' failed: %s", q, e.msg);
    return reply;
}

static const char *hit_id(const cJSON *reply, int i)
{
    const cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItem(reply, "hits"),
                                          i);
    const cJSON *id = cJSON_GetObjectItem(hit, "id");
    return cJSON_IsString(id) ? id->valuestring : NULL;
}

static int n_hits(const cJSON *reply)
{
    return cJSON_GetArraySize(cJSON_GetObjectItem(reply, "hits"));
}

static int has_hit(const cJSON *reply, const char *id)
{
    for (int i = 0; i < n_hits(reply); i++)
        if (hit_id(reply, i) && strcmp(hit_id(reply, i), id) == 0)
            return 1;
    return 0;
}

static void assert_first(const char *q, const char *id)
{
    cJSON *r = run(q, NULL);
    if (!hit_id(r, 0) || strcmp(hit_id(r, 0), id) != 0)
        fail_msg("query '%s': expected %s first, got %s", q, id,
                 hit_id(r, 0) ? hit_id(r, 0) : "nothing");
    cJSON_Delete(r);
}

static void assert_finds(const char *q, const char *id, int expected)
{
    cJSON *r = run(q, NULL);
    if (has_hit(r, id) != expected)
        fail_msg("query '%s': %s %s", q, id,
                 expected ? "not found" : "found but should not be");
    cJSON_Delete(r);
}

static void search_should_rank_exact_title_first(void **state)
{
    (void)state;
    assert_first("attention is all you need", "1706.03762");
    assert_first("Graph networks as learnable engines", "graphnets-b");
    assert_first("relational inductive biases deep learning and graph "
                 "networks",
                 "1806.01261");
}

static void search_should_match_hyphenated_words_both_ways(void **state)
{
    (void)state;
    assert_finds("self-attention", "selfatt", 1);
    assert_finds("self-attention", "selfatt2", 1);
    assert_finds("self attention", "selfatt", 1);
    assert_finds("self attention", "selfatt2", 1);
}

static void search_should_keep_model_names_as_written(void **state)
{
    (void)state;
    assert_first("GPT-2", "gpt2");
    assert_finds("GPT-2", "gptonly", 0);
    assert_finds("ResNet-50", "gpt2", 1);
    assert_finds("R-CNN", "gpt2", 0);
}

static void search_should_tell_cpp_from_c(void **state)
{
    (void)state;
    assert_finds("C++", "cpp", 1);
    assert_finds("C++", "clang", 0);
    assert_finds("C#", "cpp", 1);
    assert_finds("C#", "clang", 0);
}

static void search_should_ignore_case_and_plurals(void **state)
{
    (void)state;
    assert_finds("Networks", "1806.01261", 1);
    assert_finds("NETWORK", "1806.01261", 1);
    assert_finds("GANs", "selfatt", 1);
    assert_finds("gan", "selfatt", 1);
}

static void search_should_fold_accents(void **state)
{
    (void)state;
    assert_finds("Scholkopf", "cs/0112017", 1);
    assert_finds("Scholkopf", "kernel-nfd", 1);
    assert_finds("Sch\xc3\xb6lkopf", "kernel-nfd", 1);
    assert_finds("author:scholkopf", "cs/0112017", 1);
}

static void search_should_find_arxiv_ids_in_any_spelling(void **state)
{
    static const char *const spellings[] = {
        "1706.03762", "arXiv:1706.03762v2", "1706.03762v1",
        "https://arxiv.org/abs/1706.03762", "arxiv.org/pdf/1706.03762.pdf",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++)
        assert_first(spellings[i], "1706.03762");
    assert_first("cs/0112017", "cs/0112017");
}

static void search_should_support_query_syntax(void **state)
{
    (void)state;
    assert_first("\"graph networks\" physics", "graphnets-b");
    assert_finds("graph -physics", "graphnets-b", 0);
    assert_finds("graph -physics", "1806.01261", 1);
    assert_finds("kernels NOT vector", "cs/0112017", 0);
    assert_finds("transformer OR physics", "graphnets-b", 1);
    assert_finds("transformer OR physics", "1706.03762", 1);
    assert_finds("title:graph", "1806.01261", 1);
    assert_finds("title:physics", "graphnets-b", 0);
    /* Only exclusions: every paper but those. */
    assert_finds("-physics", "graphnets-b", 0);
    assert_finds("-physics", "1806.01261", 1);
    assert_finds("-physics -transformer", "1706.03762", 0);
    assert_finds("-physics -transformer", "1806.01261", 1);
    assert_finds("TITLE:learnable", "graphnets-b", 1);
    assert_finds("Author:Vaswani", "1706.03762", 1);
    assert_finds("abstract:physics", "graphnets-b", 1);
    assert_finds("author:vaswani", "1706.03762", 1);
    assert_finds("task:translation", "1706.03762", 1);
    assert_finds("\"attention is all you need\"", "1706.03762", 1);
    assert_finds("\"all is attention\"", "1706.03762", 0);
}

static void search_should_match_phrases_within_one_field(void **state)
{
    (void)state;
    /* The title ends "graph networks", the abstract starts with them. */
    assert_finds("\"networks graph\"", "1806.01261", 0);
    assert_finds("\"generalize message passing\"", "1806.01261", 1);
    assert_finds("\"message generalize\"", "1806.01261", 0);
    assert_finds("title:\"learnable engines\"", "graphnets-b", 1);
    assert_finds("abstract:\"learnable engines\"", "graphnets-b", 0);
    assert_finds("abstract:\"networks for physics\"", "graphnets-b", 1);
    assert_finds("abstract:\"physics for networks\"", "graphnets-b", 0);
    assert_finds("readme:\"networks for physics\"", "graphnets-b", 0);
    assert_finds("graph NEAR physics", "graphnets-b", 1);
    assert_finds("graph NEAR vaswani", "1706.03762", 0);
    /* A phrase in the title outranks the same phrase in an abstract. */
    assert_first("\"graph networks\"", "graphnets-b");
}

/* The reply's "understood" and "all_words" for q. */
static void assert_understood(const char *q, const char *has,
                              const char *lacks, int all_words)
{
    cJSON *r = run(q, NULL);
    const cJSON *u = cJSON_GetObjectItem(r, "understood");

    assert_true(cJSON_IsString(u));
    if (has && !strstr(u->valuestring, has))
        fail_msg("query '%s' understood as %s, without %s", q, u->valuestring,
                 has);
    if (lacks && strstr(u->valuestring, lacks))
        fail_msg("query '%s' understood as %s, with %s", q, u->valuestring,
                 lacks);
    assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(r, "all_words")),
                     all_words);
    cJSON_Delete(r);
}

static void search_should_drop_stopwords_outside_phrases(void **state)
{
    (void)state;
    /* graphnets-b says "for physics", not "of": "of" is not required, so
     * every remaining word matches and no fallback to any word is needed. */
    assert_understood("graph networks of physics", "physic", "of@", 1);
    assert_first("graph networks of physics", "graphnets-b");
    /* Inside a phrase a stop word keeps its place. */
    assert_understood("\"networks for physics\"", "for@", NULL, 1);
    assert_finds("\"networks of physics\"", "graphnets-b", 0);
    /* A query of nothing else, or a word marked +, keeps them. */
    assert_understood("the", "the@", NULL, 1);
    assert_understood("+for physics", "for@", NULL, 1);
    assert_finds("+for physics", "graphnets-b", 1);
}

static void search_should_answer_abstract_queries_exactly(void **state)
{
    (void)state;
    /* The abstract has no terms of its own: what the title, authors and
     * other fields leave of a word's plain count is the abstract's. */
    assert_finds("abstract:learnable", "graphnets-b", 0); /* title only */
    assert_finds("abstract:graph", "graphnets-b", 1);     /* both */
    assert_finds("abstract:kernels", "kernel-nfd", 1);
    assert_finds("abstract:kernels", "cs/0112017", 0);
    assert_finds("abstract:kernels", "cpp", 0);
    assert_finds("abstract:lee", "gpt2", 0); /* an author's name */
    assert_finds("abstract:phys*", "graphnets-b", 1);
    assert_finds("abstract:learn*", "cs/0112017", 0);
    assert_finds("graph -abstract:physics", "graphnets-b", 0);
    assert_finds("graph -abstract:physics", "1806.01261", 1);
}

static void search_should_refuse_an_index_of_another_layout(void **state)
{
    char old_dir[192], path[256];
    struct searcher *s = NULL;
    struct err e = {0, ""};
    xs_wdb *db = NULL;

    (void)state;
    snprintf(old_dir, sizeof(old_dir), "%s/old-index", dir);
    mkdir(old_dir, 0755);
    index_gen_path(old_dir, 1, 0, path, sizeof(path));
    assert_int_equal(xs_wdb_open(path, XS_WDB_CREATE, &db, &e), 0);
    assert_int_equal(xs_wdb_set_metadata(db, "schema", "1", &e), 0);
    assert_int_equal(xs_wdb_commit(db, &e), 0);
    xs_wdb_free(db);
    assert_int_equal(index_publish(old_dir, 1, &e), 0);
    assert_int_equal(searcher_open(old_dir, &cfg, &s, &e), ERR_FORMAT);
    assert_non_null(strstr(e.msg, "layout version 1"));
    assert_non_null(strstr(e.msg, "pwc-index build"));
}

static void search_should_never_fail_on_broken_syntax(void **state)
{
    static const char *const queries[] = {
        "\"graph networks",  "(graph OR", "graph AND", "AND", "OR NOT",
        "))((", "+", "-", "\"", "title:", "***", "graph networks)", "NOT",
        "a AND (b OR (c", "\xff\xfe graph", "::::", "-graph",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        cJSON *r = run(queries[i], NULL);
        assert_non_null(cJSON_GetObjectItem(r, "hits"));
        cJSON_Delete(r);
    }
    assert_finds("\"graph networks", "graphnets-b", 1);
    assert_finds("(graph OR", "1806.01261", 1);
    /* An unclosed quote reads as plain words, not a phrase to the end. */
    assert_finds("\"learnable graph", "graphnets-b", 1);
    assert_understood("\"learnable graph", "learnabl", "PHRASE", 1);
    assert_understood("\"graph networks\" \"physics", "PHRASE", NULL, 1);
}

static void search_should_cap_wildcards_and_terms(void **state)
{
    cJSON *r = run("a* b* c* d* e* f* g* h*", NULL);
    const char *u = cJSON_GetObjectItem(r, "understood")->valuestring;
    int n = 0;
    (void)state;

    for (const char *p = u; (p = strstr(p, "WILDCARD")); p++)
        n++;
    assert_int_equal(n, (int)cfg.max_query_wildcards);
    cJSON_Delete(r);
}

static void search_should_echo_invalid_utf8_repaired(void **state)
{
    cJSON *r = run("graph \xff\xfe networks", NULL);
    char *printed = cJSON_PrintUnformatted(r);
    (void)state;
    assert_true(strstr(cJSON_GetObjectItem(r, "query")->valuestring,
                       "\xef\xbf\xbd") != NULL);
    assert_null(strstr(printed, "\xff"));
    free(printed);
    cJSON_Delete(r);
}

static void search_should_join_implementations(void **state)
{
    cJSON *r = run("attention is all you need", NULL), *impls, *best;
    (void)state;
    impls = cJSON_GetObjectItem(cJSON_GetArrayItem(
                                    cJSON_GetObjectItem(r, "hits"), 0),
                                "implementations");
    assert_int_equal(cJSON_GetArraySize(impls), 2);
    best = cJSON_GetArrayItem(impls, 0);
    /* Official first, even with fewer stars. */
    assert_string_equal(cJSON_GetObjectItem(best, "repo_url")->valuestring,
                        "https://github.com/t/t2t");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(best, "official")));
    /* Unknown stays unknown. */
    best = cJSON_GetArrayItem(impls, 1);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(best, "official")));
    cJSON_Delete(r);
}

static void search_should_filter(void **state)
{
    struct search_req req;
    cJSON *r;
    (void)state;

    search_req_init(&req);
    req.has_code = 1;
    r = run("graph", &req);
    assert_int_equal(n_hits(r), 2);
    cJSON_Delete(r);

    search_req_init(&req);
    req.official = 1;
    r = run("graph", &req);
    assert_int_equal(n_hits(r), 1);
    assert_string_equal(hit_id(r, 0), "graphnets-b");
    cJSON_Delete(r);

    /* A list of nothing filters nothing. */
    search_req_init(&req);
    req.framework = " , ";
    r = run("kernels", &req);
    assert_int_equal(n_hits(r), 4);
    assert_null(cJSON_GetObjectItem(r, "warnings")); /* nothing to warn of */
    cJSON_Delete(r);
    r = run("kernels", NULL);
    assert_int_equal(n_hits(r), 4);
    cJSON_Delete(r);

    search_req_init(&req);
    req.framework = "PyTorch";
    r = run("", &req);
    assert_int_equal(n_hits(r), 1);
    assert_string_equal(hit_id(r, 0), "1706.03762");
    cJSON_Delete(r);

    search_req_init(&req);
    req.year_from = 2019;
    req.year_to = 2021;
    r = run("attention", &req);
    assert_int_equal(n_hits(r), 2);
    assert_false(has_hit(r, "1706.03762"));
    cJSON_Delete(r);

    search_req_init(&req);
    req.task = "machine translation";
    r = run("", &req);
    assert_int_equal(n_hits(r), 2); /* as written in either case */
    cJSON_Delete(r);

    search_req_init(&req);
    req.venue = "cvpr";
    r = run("", &req);
    assert_int_equal(n_hits(r), 1);
    assert_string_equal(hit_id(r, 0), "selfatt2");
    cJSON_Delete(r);
}

static void search_should_sort_with_stable_ties(void **state)
{
    struct search_req req;
    cJSON *r;
    (void)state;

    search_req_init(&req);
    req.sort = SORT_STARS;
    req.has_code = 1;
    r = run("", &req);
    assert_int_equal(n_hits(r), 3);
    /* 900 stars twice: the tie goes by id, then unknown stars last. */
    assert_string_equal(hit_id(r, 0), "1706.03762");
    assert_string_equal(hit_id(r, 1), "graphnets-b");
    assert_string_equal(hit_id(r, 2), "1806.01261");
    cJSON_Delete(r);

    search_req_init(&req);
    req.sort = SORT_DATE;
    r = run("graph networks", &req);
    /* Same year; the real date sorts above the year-only one. */
    assert_string_equal(hit_id(r, 0), "1806.01261");
    cJSON_Delete(r);
}

static void search_should_paginate_without_gaps(void **state)
{
    struct search_req req;
    char seen[64][64];
    size_t n_seen = 0;
    (void)state;

    for (unsigned off = 0; off < 12; off += 3) {
        cJSON *r;
        search_req_init(&req);
        req.offset = off;
        req.limit = 3;
        r = run("", &req);
        for (int i = 0; i < n_hits(r); i++) {
            for (size_t k = 0; k < n_seen; k++)
                assert_string_not_equal(seen[k], hit_id(r, i));
            snprintf(seen[n_seen++], sizeof(seen[0]), "%s", hit_id(r, i));
        }
        cJSON_Delete(r);
    }
    assert_int_equal(n_seen, sizeof(papers) / sizeof(papers[0]));
}

static void search_should_mark_snippets(void **state)
{
    cJSON *r = run("message passing", NULL);
    const cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "hits"), 0);
    const char *snip = cJSON_GetObjectItem(hit, "snippet")->valuestring;
    (void)state;
    assert_non_null(strstr(snip, "<b>message</b>"));
    assert_null(cJSON_GetObjectItem(hit, "abstract"));
    cJSON_Delete(r);
}

static void search_get_should_find_by_any_id(void **state)
{
    struct err e = {0, ""};
    cJSON *doc = NULL;
    (void)state;

    assert_int_equal(search_get(searcher, "arXiv:1706.03762v3", &doc, &e), 0);
    assert_string_equal(cJSON_GetObjectItem(doc, "id")->valuestring,
                        "1706.03762");
    cJSON_Delete(doc);
    assert_int_equal(search_get(searcher, "attention", &doc, &e), 0);
    cJSON_Delete(doc);
    assert_int_equal(search_get(searcher, "nope", &doc, &e), ERR_NOTFOUND);
}

static int has_suggestion(const cJSON *reply, const char *text,
                          const char *kind)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(reply, "suggestions"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "text")->valuestring, text) == 0 &&
            strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, kind) == 0)
            return 1;
    }
    return 0;
}

static void suggest_should_complete_titles_tasks_and_methods(void **state)
{
    struct err e = {0, ""};
    cJSON *r = NULL;
    (void)state;

    assert_int_equal(search_suggest(searcher, "Atten", 10, &r, &e), 0);
    assert_true(has_suggestion(r, "Attention Is All You Need", "title"));
    cJSON_Delete(r);
    assert_int_equal(search_suggest(searcher, "machine tr", 10, &r, &e), 0);
    assert_true(has_suggestion(r, "Machine Translation", "task"));
    {
        /* Both spellings of the task, counted as its filter counts,
         * ahead of the title that starts the same way. */
        const cJSON *first =
            cJSON_GetArrayItem(cJSON_GetObjectItem(r, "suggestions"), 0);
        assert_string_equal(cJSON_GetObjectItem(first, "kind")->valuestring,
                            "task");
        assert_int_equal(cJSON_GetObjectItem(first, "papers")->valueint, 2);
    }
    cJSON_Delete(r);
    assert_int_equal(search_suggest(searcher, "self att", 10, &r, &e), 0);
    assert_true(has_suggestion(
        r, "Self-Attention Generative Adversarial Networks", "title"));
    cJSON_Delete(r);
    assert_int_equal(search_suggest(searcher, "zzz", 10, &r, &e), 0);
    assert_int_equal(
        cJSON_GetArraySize(cJSON_GetObjectItem(r, "suggestions")), 0);
    cJSON_Delete(r);
    assert_int_equal(search_suggest(searcher, "", 10, &r, &e), 0);
    cJSON_Delete(r);
}

static void search_should_suggest_spelling_corrections(void **state)
{
    cJSON *r = run("kernals", NULL);
    const cJSON *c = cJSON_GetObjectItem(r, "corrected");
    (void)state;
    assert_true(cJSON_IsString(c));
    assert_string_equal(c->valuestring, "kernels");
    cJSON_Delete(r);
    r = run("graph networks", NULL);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "corrected")));
    cJSON_Delete(r);
}

static double facet_count(const cJSON *reply, const char *facet,
                          const char *value)
{
    const cJSON *f = cJSON_GetObjectItem(
        cJSON_GetObjectItem(reply, "facets"), facet);
    const cJSON *v;

    cJSON_ArrayForEach(v, f)
    {
        if (strcmp(cJSON_GetObjectItem(v, "value")->valuestring, value) == 0)
            return cJSON_GetObjectItem(v, "count")->valuedouble;
    }
    return 0;
}

static void search_should_count_unknown_official_as_unverified(void **state)
{
    struct search_req req;
    cJSON *r;
    (void)state;

    search_req_init(&req);
    req.facets = 1;
    r = run("", &req);
    assert_true(facet_count(r, "official", "official") == 2);
    assert_true(facet_count(r, "official", "unverified") == 1);
    assert_true(facet_count(r, "official", "community") == 0);
    /* Two spellings of a task are one value, counted as its filter
     * counts it. */
    assert_true(facet_count(r, "task", "Machine Translation") == 2);
    assert_true(facet_count(r, "task", "machine translation") == 0);
    cJSON_Delete(r);
    search_req_init(&req);
    req.task = "MACHINE translation";
    r = run("", &req);
    assert_int_equal(n_hits(r), 2);
    cJSON_Delete(r);
}

static void search_should_name_filter_values_no_paper_has(void **state)
{
    struct search_req req;
    const cJSON *w;
    cJSON *r;
    (void)state;

    /* TensorFlow is "tf" in Papers With Code's links, and ours. */
    search_req_init(&req);
    req.framework = "TensorFlow";
    r = run("attention", &req);
    assert_true(has_hit(r, "1706.03762"));
    assert_null(cJSON_GetObjectItem(r, "warnings"));
    cJSON_Delete(r);

    search_req_init(&req);
    req.framework = "jax,Caffe9";
    req.task = "Nope";
    r = run("", &req);
    w = cJSON_GetObjectItem(r, "warnings");
    assert_int_equal(cJSON_GetArraySize(w), 2);
    assert_string_equal(cJSON_GetArrayItem(w, 0)->valuestring,
                        "framework 'Caffe9' matches no paper");
    assert_string_equal(cJSON_GetArrayItem(w, 1)->valuestring,
                        "task 'Nope' matches no paper");
    cJSON_Delete(r);
}

static void search_should_not_correct_words_a_filter_emptied(void **state)
{
    struct search_req req;
    cJSON *r;
    (void)state;

    /* "kernel" matches, but no paper of those has TensorFlow code; the
     * spelling table holds the more frequent "kernels" one letter off. */
    search_req_init(&req);
    req.framework = "tf";
    r = run("kernel", &req);
    assert_int_equal(n_hits(r), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "corrected")));
    cJSON_Delete(r);
    /* A misspelling stays one under a filter. */
    search_req_init(&req);
    req.year_from = 1990;
    req.year_to = 1991;
    r = run("kernals", &req);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(r, "corrected")));
    cJSON_Delete(r);
}

static void search_should_never_correct_to_a_stop_word(void **state)
{
    /* One letter from "for", which titles hold: a stop word is no
     * correction anybody wants. */
    cJSON *r = run("fpr", NULL);
    const cJSON *c = cJSON_GetObjectItem(r, "corrected");
    (void)state;
    assert_int_equal(n_hits(r), 0);
    if (cJSON_IsString(c))
        assert_string_not_equal(c->valuestring, "for");
    cJSON_Delete(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(search_should_rank_exact_title_first),
        cmocka_unit_test(search_should_match_hyphenated_words_both_ways),
        cmocka_unit_test(search_should_keep_model_names_as_written),
        cmocka_unit_test(search_should_tell_cpp_from_c),
        cmocka_unit_test(search_should_ignore_case_and_plurals),
        cmocka_unit_test(search_should_fold_accents),
        cmocka_unit_test(search_should_find_arxiv_ids_in_any_spelling),
        cmocka_unit_test(search_should_support_query_syntax),
        cmocka_unit_test(search_should_match_phrases_within_one_field),
        cmocka_unit_test(search_should_drop_stopwords_outside_phrases),
        cmocka_unit_test(search_should_answer_abstract_queries_exactly),
        cmocka_unit_test(search_should_refuse_an_index_of_another_layout),
        cmocka_unit_test(search_should_never_fail_on_broken_syntax),
        cmocka_unit_test(search_should_cap_wildcards_and_terms),
        cmocka_unit_test(search_should_echo_invalid_utf8_repaired),
        cmocka_unit_test(search_should_join_implementations),
        cmocka_unit_test(search_should_filter),
        cmocka_unit_test(search_should_sort_with_stable_ties),
        cmocka_unit_test(search_should_paginate_without_gaps),
        cmocka_unit_test(search_should_mark_snippets),
        cmocka_unit_test(search_get_should_find_by_any_id),
        cmocka_unit_test(suggest_should_complete_titles_tasks_and_methods),
        cmocka_unit_test(search_should_suggest_spelling_corrections),
        cmocka_unit_test(search_should_not_correct_words_a_filter_emptied),
        cmocka_unit_test(search_should_name_filter_values_no_paper_has),
        cmocka_unit_test(search_should_count_unknown_official_as_unverified),
        cmocka_unit_test(search_should_never_correct_to_a_stop_word),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
