/*
 * Decoding papers and links from both layouts: every field of ours and of
 * the Papers With Code dump, optional fields given as null, wrong types and
 * missing required fields reported with their location, and broken JSON
 * in a file that must not stop the records after it.
 */
/* cmocka.h relies on these being included first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "crawl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct rec_loc line_loc = {"papers.jsonl.gz", 1234, 1200, 0};
static const struct rec_loc array_loc = {"papers-with-abstracts.json", 1, 7, 1};

static void decode_paper(const char *json, struct paper *p)
{
    struct err e;

    err_clear(&e);
    assert_int_equal(paper_from_json(json, strlen(json), &line_loc, p, &e), 0);
    assert_int_equal(e.code, ERR_OK);
}

static void decode_link(const char *json, struct link *l)
{
    struct err e;

    err_clear(&e);
    assert_int_equal(link_from_json(json, strlen(json), &line_loc, l, &e), 0);
}

static void paper_from_json_should_decode_our_layout(void **state)
{
    static const char json[] =
        "{\"id\": \"attention-is-all-you-need\", \"arxiv_id\": "
        "\"arXiv:1706.03762v5\", \"title\": \"Attention Is All You Need\", "
        "\"abstract\": \"The dominant models.\", \"authors\": [\"Ashish "
        "Vaswani\", 42, \"\", null, \"Noam Shazeer\"], \"date\": "
        "\"2017-06-12\", \"tasks\": [\"Machine Translation\", \"\", [\"x\"]],"
        " \"proceeding\": \"NIPS 2017\", \"url_abs\": "
        "\"https://arxiv.org/abs/1706.03762\", \"url_pdf\": "
        "\"https://arxiv.org/pdf/1706.03762\", \"year\": 2017, \"id_kind\": "
        "\"pwc\", \"openreview_id\": null, \"sources\": [\"mlnlp\"]}";
    struct paper p;

    (void)state;
    decode_paper(json, &p);
    assert_string_equal(p.id, "attention-is-all-you-need");
    assert_string_equal(p.arxiv_id, "1706.03762");
    assert_string_equal(p.title, "Attention Is All You Need");
    assert_string_equal(p.abstract, "The dominant models.");
    assert_int_equal(p.n_authors, 2);
    assert_string_equal(p.authors[0], "Ashish Vaswani");
    assert_string_equal(p.authors[1], "Noam Shazeer");
    assert_int_equal(p.n_tasks, 1);
    assert_string_equal(p.tasks[0], "Machine Translation");
    assert_string_equal(p.date, "2017-06-12");
    assert_int_equal(p.year, 2017);
    assert_string_equal(p.venue, "NIPS 2017");
    assert_string_equal(p.url_abs, "https://arxiv.org/abs/1706.03762");
    assert_string_equal(p.url_pdf, "https://arxiv.org/pdf/1706.03762");
    paper_fini(&p);
    assert_null(p.title);
}

static void paper_from_json_should_decode_the_pwc_dump(void **state)
{
    static const char json[] =
        "{\"paper_url\": \"https://paperswithcode.com/paper/"
        "attention-is-all-you-need\", \"arxiv_id\": \"1706.03762\", "
        "\"title\": \"Attention Is All You Need\", \"abstract\": \"x\", "
        "\"authors\": [\"Ashish Vaswani\"], \"tasks\": [\"Translation\"], "
        "\"date\": \"2017-06-12\", \"proceeding\": null, \"url_abs\": "
        "\"https://arxiv.org/abs/1706.03762v5\", \"url_pdf\": null, "
        "\"methods\": [{\"name\": \"Adam\"}]}";
    struct paper p;

    (void)state;
    decode_paper(json, &p);
    assert_string_equal(p.id, "attention-is-all-you-need");
    assert_string_equal(p.arxiv_id, "1706.03762");
    assert_int_equal(p.year, 2017);
    assert_string_equal(p.date, "2017-06-12");
    assert_null(p.venue);
    assert_null(p.url_pdf);
    assert_int_equal(p.n_tasks, 1);
    paper_fini(&p);
}

static void paper_from_json_should_take_the_slug_of_any_paper_url(void **state)
{
    static const struct {
        const char *url;
        const char *slug;
    } cases[] = {
        {"https://paperswithcode.com/paper/bert-pre-training",
         "bert-pre-training"},
        {"https://paperswithcode.com/paper/bert-pre-training/",
         "bert-pre-training"},
        {"https://paperswithcode.com/paper/resnet?x=1#top", "resnet"},
        {"just-a-slug", "just-a-slug"},
    };
    char json[512];
    struct paper p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(json, sizeof(json),
                 "{\"paper_url\": \"%s\", \"title\": \"T\"}", cases[i].url);
        decode_paper(json, &p);
        assert_string_equal(p.id, cases[i].slug);
        paper_fini(&p);
    }
}

static void paper_from_json_should_map_null_and_absent_fields(void **state)
{
    static const char *const cases[] = {
        "{\"id\": \"x\", \"title\": \"T\", \"arxiv_id\": null, \"abstract\": "
        "null, \"authors\": null, \"tasks\": null, \"date\": null, "
        "\"proceeding\": null, \"url_abs\": null, \"url_pdf\": null, "
        "\"year\": null}",
        "{\"id\": \"x\", \"title\": \"T\"}",
        /* Parenthesised: clang takes a split literal for a lost comma. */
        ("{\"id\": \"x\", \"title\": \"T\", \"abstract\": \"\", "
         "\"authors\": [], \"arxiv_id\": \"not an id\", \"date\": \"\"}"),
    };
    struct paper p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        decode_paper(cases[i], &p);
        assert_string_equal(p.id, "x");
        assert_string_equal(p.title, "T");
        assert_null(p.arxiv_id);
        assert_null(p.abstract);
        assert_null(p.authors);
        assert_int_equal(p.n_authors, 0);
        assert_null(p.tasks);
        assert_int_equal(p.n_tasks, 0);
        assert_null(p.date);
        assert_int_equal(p.year, 0);
        assert_null(p.venue);
        assert_null(p.url_abs);
        assert_null(p.url_pdf);
        paper_fini(&p);
    }
}

static void paper_from_json_should_derive_the_year(void **state)
{
    static const struct {
        const char *fields;
        int year;
        const char *date;
        int dropped; /* the date was there but is left out, with a note */
    } cases[] = {
        {"\"year\": 2019, \"date\": \"2018-12-30\"", 2019, "2018-12-30", 0},
        {"\"year\": 2019.0", 2019, NULL, 0},
        {"\"date\": \"2018-12-30\"", 2018, "2018-12-30", 0},
        {"\"year\": null, \"date\": \"2018-12-30\"", 2018, "2018-12-30", 0},
        {"\"date\": \"2018-12-30T10:00:00Z\"", 2018, "2018-12-30", 0},
        {"\"date\": \"2018\"", 2018, NULL, 1},
        {"\"date\": \"December 2018\"", 0, NULL, 1},
        {"\"date\": null", 0, NULL, 0},
    };
    char json[256];
    struct paper p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(json, sizeof(json), "{\"id\": \"x\", \"title\": \"T\", %s}",
                 cases[i].fields);
        decode_paper(json, &p);
        assert_int_equal(p.year, cases[i].year);
        if (cases[i].date)
            assert_string_equal(p.date, cases[i].date);
        else
            assert_null(p.date);
        if (cases[i].dropped)
            assert_non_null(strstr(p.dropped, "field 'date'"));
        else
            assert_null(p.dropped);
        paper_fini(&p);
    }
}

static void paper_from_json_should_keep_text_after_a_nul_escape(void **state)
{
    static const char json[] =
        "{\"id\": \"x\", \"title\": \"Has\\u0000NUL\", \"abstract\": "
        "\"a\\\\u0000b\"}";
    struct paper p;

    (void)state;
    decode_paper(json, &p);
    assert_string_equal(p.title, "Has NUL");
    /* An escaped backslash, then the letters "u0000": left as written. */
    assert_string_equal(p.abstract, "a\\u0000b");
    paper_fini(&p);
}

static void paper_from_json_should_repair_invalid_utf8(void **state)
{
    static const char json[] = "{\"id\": \"x\", \"title\": \"Sch\xc3\xb6lkopf "
                               "\xff kernels\", \"authors\": [\"A\xc3\"]}";
    struct paper p;

    (void)state;
    decode_paper(json, &p);
    assert_string_equal(p.title, "Sch\xc3\xb6lkopf \xef\xbf\xbd kernels");
    assert_int_equal(p.n_authors, 1);
    assert_string_equal(p.authors[0], "A\xef\xbf\xbd");
    paper_fini(&p);
}

static void paper_from_json_should_reject_bad_records(void **state)
{
    static const struct {
        const char *json;
        const char *msg;
    } cases[] = {
        {"{\"id\": \"x\", \"abstract\": \"no title\"}",
         "papers.jsonl.gz:1234: field 'title': missing or empty"},
        {"{\"id\": \"x\", \"title\": \"  \"}",
         "papers.jsonl.gz:1234: field 'title': missing or empty"},
        {"{\"id\": \"x\", \"title\": 42}",
         "papers.jsonl.gz:1234: field 'title': expected a string"},
        {"{\"title\": \"T\"}",
         "papers.jsonl.gz:1234: field 'id': missing (no 'id' or "
         "'paper_url')"},
        {"{\"id\": [\"x\"], \"title\": \"T\"}",
         "papers.jsonl.gz:1234: field 'id': expected a string"},
        {"{\"id\": \"x\", \"title\": \"T\", \"authors\": \"A. Author\"}",
         "papers.jsonl.gz:1234: field 'authors': expected an array"},
        {"{\"id\": \"x\", \"title\": \"T\", \"tasks\": {}}",
         "papers.jsonl.gz:1234: field 'tasks': expected an array"},
        {"{\"id\": \"x\", \"title\": \"T\", \"year\": \"2019\"}",
         "papers.jsonl.gz:1234: field 'year': expected a number"},
        {"{\"id\": \"x\", \"title\": \"T\", \"year\": -5}",
         "papers.jsonl.gz:1234: field 'year': out of range"},
        {"{\"id\": \"x\", \"title\": \"T\", \"abstract\": true}",
         "papers.jsonl.gz:1234: field 'abstract': expected a string"},
        {"{\"id\": \"x\", \"title\": \"T\", \"arxiv_id\": 1706.03762}",
         "papers.jsonl.gz:1234: field 'arxiv_id': expected a string"},
        {"{\"id\": \"x\", \"title\": \"T\",",
         "papers.jsonl.gz:1234: invalid JSON at byte"},
        {"[{\"id\": \"x\", \"title\": \"T\"}]",
         "papers.jsonl.gz:1234: expected a JSON object"},
    };
    struct paper p;
    struct err e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err_clear(&e);
        assert_int_equal(paper_from_json(cases[i].json, strlen(cases[i].json),
                                         &line_loc, &p, &e),
                         ERR_FORMAT);
        assert_int_equal(e.code, ERR_FORMAT);
        assert_memory_equal(e.msg, cases[i].msg, strlen(cases[i].msg));
        /* A failed decode leaves nothing to free. */
        assert_null(p.id);
        assert_null(p.title);
        paper_fini(&p);
    }
}

static void paper_from_json_should_locate_array_records(void **state)
{
    static const char json[] = "{\"paper_url\": \"a\", \"title\": null}";
    struct paper p;
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(paper_from_json(json, strlen(json), &array_loc, &p, &e),
                     ERR_FORMAT);
    assert_string_equal(e.msg, "papers-with-abstracts.json: record 7: "
                               "field 'title': missing or empty");
}

static void link_from_json_should_decode_our_layout(void **state)
{
    static const struct {
        const char *json;
        enum tri official;
        const char *framework;
        long stars;
    } cases[] = {
        {"{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/b\", "
         "\"is_official\": true, \"framework\": \"pytorch\", \"stars\": 12, "
         "\"mentioned_in_paper\": null, \"link_sources\": [\"mlnlp\"]}",
         TRI_YES, "pytorch", 12},
        {"{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/b\", "
         "\"is_official\": null, \"framework\": null, \"stars\": null}",
         TRI_UNKNOWN, NULL, -1},
        {"{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/b\"}",
         TRI_UNKNOWN, NULL, -1},
        {"{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/b\", "
         "\"stars\": 12.0}",
         TRI_UNKNOWN, NULL, 12},
        {"{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/b\", "
         "\"stars\": 7.9, \"framework\": \"none\"}",
         TRI_UNKNOWN, "none", 7},
    };
    struct link l;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        decode_link(cases[i].json, &l);
        assert_string_equal(l.paper_id, "p1");
        assert_null(l.paper_arxiv_id);
        assert_string_equal(l.repo_url, "https://github.com/a/b");
        assert_int_equal(l.official, cases[i].official);
        if (cases[i].framework)
            assert_string_equal(l.framework, cases[i].framework);
        else
            assert_null(l.framework);
        assert_int_equal(l.stars, cases[i].stars);
        link_fini(&l);
    }
}

static void link_from_json_should_decode_the_pwc_dump(void **state)
{
    static const char json[] =
        "{\"paper_url\": \"https://paperswithcode.com/paper/"
        "attention-is-all-you-need\", \"paper_title\": \"Attention\", "
        "\"paper_arxiv_id\": \"1706.03762v2\", \"paper_url_abs\": "
        "\"https://arxiv.org/abs/1706.03762v5\", \"repo_url\": "
        "\"https://github.com/tensorflow/tensor2tensor\", \"is_official\": "
        "false, \"mentioned_in_paper\": false, \"mentioned_in_github\": true,"
        " \"framework\": \"none\"}";
    struct link l;

    (void)state;
    decode_link(json, &l);
    assert_string_equal(l.paper_id, "attention-is-all-you-need");
    assert_string_equal(l.paper_arxiv_id, "1706.03762");
    assert_string_equal(l.repo_url,
                        "https://github.com/tensorflow/tensor2tensor");
    assert_int_equal(l.official, TRI_NO);
    assert_string_equal(l.framework, "none");
    assert_int_equal(l.stars, -1);
    link_fini(&l);

    /* An arXiv id alone is enough to place a link. */
    decode_link("{\"paper_arxiv_id\": \"1810.04805\", \"repo_url\": "
                "\"https://github.com/google-research/bert\"}",
                &l);
    assert_null(l.paper_id);
    assert_string_equal(l.paper_arxiv_id, "1810.04805");
    link_fini(&l);
}

static void link_from_json_should_reject_bad_links(void **state)
{
    static const struct {
        const char *json;
        const char *msg;
    } cases[] = {
        {"{\"paper_id\": \"p\"}",
         "papers.jsonl.gz:1234: field 'repo_url': missing or empty"},
        {"{\"paper_id\": \"p\", \"repo_url\": 5}",
         "papers.jsonl.gz:1234: field 'repo_url': expected a string"},
        {"{\"repo_url\": \"https://github.com/a/b\"}",
         "papers.jsonl.gz:1234: field 'paper_id': missing"},
        {"{\"paper_id\": null, \"paper_arxiv_id\": \"nonsense\", "
         "\"repo_url\": \"https://github.com/a/b\"}",
         "papers.jsonl.gz:1234: field 'paper_id': missing"},
        {"{\"paper_id\": \"p\", \"repo_url\": \"https://github.com/a/b\", "
         "\"is_official\": \"yes\"}",
         "papers.jsonl.gz:1234: field 'is_official': expected true, false "
         "or null"},
        {"{\"paper_id\": \"p\", \"repo_url\": \"https://github.com/a/b\", "
         "\"stars\": \"10\"}",
         "papers.jsonl.gz:1234: field 'stars': expected a number"},
        {"{\"paper_id\": \"p\", \"repo_url\": \"https://github.com/a/b\", "
         "\"framework\": false}",
         "papers.jsonl.gz:1234: field 'framework': expected a string"},
        {"not json", "papers.jsonl.gz:1234: invalid JSON"},
    };
    struct link l;
    struct err e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err_clear(&e);
        assert_int_equal(link_from_json(cases[i].json, strlen(cases[i].json),
                                        &line_loc, &l, &e),
                         ERR_FORMAT);
        assert_memory_equal(e.msg, cases[i].msg, strlen(cases[i].msg));
        assert_null(l.repo_url);
        link_fini(&l);
    }
}

/* Reading and decoding together: a broken line is reported with its line
 * number and the records after it still come through. */
static void records_should_survive_a_broken_line(void **state)
{
    static const char text[] = "{\"id\": \"a\", \"title\": \"First\"}\n"
                               "\n"
                               "{\"id\": \"b\", \"title\": \"Broken\n"
                               "{\"id\": \"c\", \"abstract\": \"no title\"}\n"
                               "{\"id\": \"d\", \"title\": \"Last\"}\n";
    char dir[] = "/tmp/test_records.XXXXXX", path[64], msgs[2][256];
    char ids[2][8];
    size_t n_ok = 0, n_bad = 0, len;
    struct rec_reader *r;
    struct rec_loc loc;
    struct paper p;
    struct err e, pe;
    const char *json;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/papers.jsonl", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    err_clear(&e);
    assert_int_equal(rec_reader_open(path, &r, &e), 0);
    while (rec_reader_next(r, &json, &len, &loc, &e) == 1) {
        err_clear(&pe);
        if (paper_from_json(json, len, &loc, &p, &pe) == 0) {
            assert_true(n_ok < 2);
            snprintf(ids[n_ok++], sizeof(ids[0]), "%s", p.id);
            paper_fini(&p);
        } else {
            assert_true(n_bad < 2);
            snprintf(msgs[n_bad++], sizeof(msgs[0]), "%s", pe.msg);
        }
    }
    assert_int_equal(e.code, ERR_OK);
    rec_reader_free(r);
    unlink(path);
    rmdir(dir);
    assert_int_equal(n_ok, 2);
    assert_string_equal(ids[0], "a");
    assert_string_equal(ids[1], "d");
    assert_int_equal(n_bad, 2);
    snprintf(path, sizeof(path), "%s/papers.jsonl:3: invalid JSON", dir);
    assert_memory_equal(msgs[0], path, strlen(path));
    snprintf(path, sizeof(path), "%s/papers.jsonl:4: field 'title'", dir);
    assert_memory_equal(msgs[1], path, strlen(path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paper_from_json_should_decode_our_layout),
        cmocka_unit_test(paper_from_json_should_decode_the_pwc_dump),
        cmocka_unit_test(paper_from_json_should_take_the_slug_of_any_paper_url),
        cmocka_unit_test(paper_from_json_should_map_null_and_absent_fields),
        cmocka_unit_test(paper_from_json_should_derive_the_year),
        cmocka_unit_test(paper_from_json_should_keep_text_after_a_nul_escape),
        cmocka_unit_test(paper_from_json_should_repair_invalid_utf8),
        cmocka_unit_test(paper_from_json_should_reject_bad_records),
        cmocka_unit_test(paper_from_json_should_locate_array_records),
        cmocka_unit_test(link_from_json_should_decode_our_layout),
        cmocka_unit_test(link_from_json_should_decode_the_pwc_dump),
        cmocka_unit_test(link_from_json_should_reject_bad_links),
        cmocka_unit_test(records_should_survive_a_broken_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
