/*
 * Unit tests for searchd's request decoding (lib/http_params.c): percent
 * and '+' decoding, NUL and invalid UTF-8 refused with the parameter
 * named, every /search and /suggest parameter with its limits, and a
 * bounded fuzz run that must never crash or accept broken text.
 */
/* cmocka.h relies on these being included first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "http_params.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct config cfg;

static int setup(void **state)
{
    (void)state;
    config_defaults(&cfg);
    return 0;
}

/* Parses qs as a /search query string; the status, or 0 when accepted. */
static int search(const char *qs, struct search_req *r, char *param)
{
    static char buf[8192];
    static struct http_param kv[HTTP_PARAMS_MAX];
    struct http_bad bad = {0, ""};
    struct err e = {0, ""};
    size_t n;

    snprintf(buf, sizeof(buf), "%s", qs);
    if (http_query_parse(buf, kv, HTTP_PARAMS_MAX, &n, &bad, &e) < 0 ||
        http_params_search(kv, n, &cfg, r, &bad, &e) < 0) {
        assert_int_not_equal(bad.status, 0);
        assert_non_null(strstr(e.msg, bad.param));
        if (param)
            strcpy(param, bad.param);
        return bad.status;
    }
    return 0;
}

static void http_unescape_should_decode_percent_and_plus(void **state)
{
    static const struct {
        const char *in;
        int plus;
        const char *want;
        size_t len;
    } cases[] = {
        {"graph+nets", 1, "graph nets", 10},
        {"graph+nets", 0, "graph+nets", 10},
        {"c%2B%2B", 1, "c++", 3},
        {"%41%62c", 1, "Abc", 3},
        {"100%", 1, "100%", 4},
        {"%zz%4", 1, "%zz%4", 5},
        {"a%00b", 1, "a", 3},
        {"%C3%A9", 0, "\xc3\xa9", 2},
        {"", 1, "", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        size_t n;

        strcpy(buf, cases[i].in);
        n = http_unescape(buf, strlen(buf), cases[i].plus);
        assert_int_equal(n, cases[i].len);
        assert_string_equal(buf, cases[i].want);
    }
}

static void http_target_split_should_find_path_and_query(void **state)
{
    static const struct {
        const char *in, *path, *query;
    } cases[] = {
        {"/search?q=a", "/search", "q=a"},
        {"/health", "/health", ""},
        {"/search?", "/search", ""},
        {"/papers/cs/0112017?x=1?y", "/papers/cs/0112017", "x=1?y"},
        {"http://localhost:8080/search?q=a", "/search", "q=a"},
        {"http://localhost?q=a", "", "q=a"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[128], *path, *query;

        strcpy(buf, cases[i].in);
        http_target_split(buf, &path, &query);
        assert_string_equal(path, cases[i].path);
        assert_string_equal(query, cases[i].query);
    }
}

static void http_query_parse_should_split_pairs(void **state)
{
    char buf[] = "q=graph+nets&&limit=5&flag&x=%2B1&=v";
    struct http_param kv[8];
    struct http_bad bad = {0, ""};
    struct err e = {0, ""};
    size_t n;

    (void)state;
    assert_int_equal(http_query_parse(buf, kv, 8, &n, &bad, &e), 0);
    assert_int_equal(n, 5);
    assert_string_equal(kv[0].key, "q");
    assert_string_equal(kv[0].val, "graph nets");
    assert_string_equal(kv[1].val, "5");
    assert_string_equal(kv[2].key, "flag");
    assert_int_equal(kv[2].val_len, 0);
    assert_string_equal(kv[3].val, "+1");
    assert_string_equal(kv[4].key, "");
}

static void http_query_parse_should_refuse_nul_and_bad_utf8(void **state)
{
    static const struct {
        const char *qs;
        const char *param;
    } cases[] = {
        {"q=%ff", "q"},         {"q=a%00b", "q"},
        {"venue=%C3", "venue"}, {"zzz=%ED%A0%80", "zzz"}, /* a surrogate */
        {"%ff=1", ""},          {"a%00=1", ""},
        {"q=%C0%AF", "q"}, /* overlong '/' */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        struct http_param kv[8];
        struct http_bad bad = {0, ""};
        struct err e = {0, ""};
        size_t n;

        strcpy(buf, cases[i].qs);
        assert_int_equal(http_query_parse(buf, kv, 8, &n, &bad, &e), ERR_USAGE);
        assert_int_equal(bad.status, 400);
        assert_string_equal(bad.param, cases[i].param);
    }
}

static void http_query_parse_should_cap_pair_count(void **state)
{
    char buf[1024] = "";
    struct http_param kv[4];
    struct http_bad bad = {0, ""};
    struct err e = {0, ""};
    size_t n;

    (void)state;
    strcpy(buf, "a=1&b=2&c=3&d=4");
    assert_int_equal(http_query_parse(buf, kv, 4, &n, &bad, &e), 0);
    strcpy(buf, "a=1&b=2&c=3&d=4&e=5");
    assert_int_equal(http_query_parse(buf, kv, 4, &n, &bad, &e), ERR_USAGE);
    assert_int_equal(bad.status, 400);
}

static void http_params_search_should_use_defaults(void **state)
{
    struct search_req r;

    (void)state;
    assert_int_equal(search("", &r, NULL), 0);
    assert_null(r.q);
    assert_int_equal(r.limit, 10);
    assert_int_equal(r.offset, 0);
    assert_int_equal(r.sort, SORT_RELEVANCE);
    assert_int_equal(r.has_code, -1);
    assert_int_equal(r.official, -1);
    assert_int_equal(r.facets, 0);
    assert_int_equal(r.snippet_bytes, 200);
    assert_string_equal(r.hl_start, "<b>");
    assert_string_equal(r.hl_end, "</b>");
}

static void http_params_search_should_read_every_parameter(void **state)
{
    struct search_req r;

    (void)state;
    assert_int_equal(
        search("q=graph+nets&limit=20&offset=40&sort=stars&has_code=false"
               "&official=1&framework=pytorch,jax&task=Node+Classification"
               "&venue=ICLR&year=2017-2019&facets=true&snippet=80&_=123",
               &r, NULL),
        0);
    assert_string_equal(r.q, "graph nets");
    assert_int_equal(r.limit, 20);
    assert_int_equal(r.offset, 40);
    assert_int_equal(r.sort, SORT_STARS);
    assert_int_equal(r.has_code, 0);
    assert_int_equal(r.official, 1);
    assert_string_equal(r.framework, "pytorch,jax");
    assert_string_equal(r.task, "Node Classification");
    assert_string_equal(r.venue, "ICLR");
    assert_int_equal(r.year_from, 2017);
    assert_int_equal(r.year_to, 2019);
    assert_int_equal(r.facets, 1);
    assert_int_equal(r.snippet_bytes, 80);
}

static void http_params_search_should_turn_pages_into_offsets(void **state)
{
    struct search_req r;
    char param[32];

    (void)state;
    assert_int_equal(search("page=3&limit=10", &r, NULL), 0);
    assert_int_equal(r.offset, 20);
    assert_int_equal(search("page=1", &r, NULL), 0);
    assert_int_equal(r.offset, 0);
    assert_int_equal(search("page=2&limit=0", &r, NULL), 0);
    assert_int_equal(r.offset, 0);
    assert_int_equal(search("page=2&offset=3", &r, param), 400);
    assert_string_equal(param, "page");
    assert_int_equal(search("page=0", &r, param), 400);
    assert_string_equal(param, "page");
    assert_int_equal(search("page=1002&limit=10", &r, param), 400);
    assert_string_equal(param, "page");
}

static void http_params_search_should_name_bad_parameters(void **state)
{
    static const struct {
        const char *qs;
        int status;
        const char *param;
    } cases[] = {
        {"limit=-1", 400, "limit"},
        {"limit=abc", 400, "limit"},
        {"limit=101", 400, "limit"},
        {"limit=1e3", 400, "limit"},
        {"limit=+5", 400, "limit"},
        {"limit=%205", 400, "limit"},
        {"limit=99999999999999999999", 400, "limit"},
        {"offset=-3", 400, "offset"},
        {"offset=10001", 400, "offset"},
        {"page=x", 400, "page"},
        {"sort=size", 400, "sort"},
        {"sort=Relevance", 400, "sort"},
        {"has_code=yes", 400, "has_code"},
        {"official=maybe", 400, "official"},
        {"year=20x9", 400, "year"},
        {"year=2020-2010", 400, "year"},
        {"facets=2", 400, "facets"},
        {"snippet=1001", 400, "snippet"},
        {"q=a&q=b", 400, "q"},
        {"limit=5&limit=5", 400, "limit"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct search_req r;
        char param[32] = "";

        if (search(cases[i].qs, &r, param) != cases[i].status)
            fail_msg("%s: not refused with %d", cases[i].qs, cases[i].status);
        assert_string_equal(param, cases[i].param);
    }
}

static void http_params_search_should_treat_empty_as_absent(void **state)
{
    struct search_req r;

    (void)state;
    assert_int_equal(
        search("q=&limit=&offset=&sort=&year=&framework=&has_code=", &r, NULL),
        0);
    assert_null(r.q);
    assert_int_equal(r.limit, 10);
    assert_null(r.framework);
    assert_int_equal(r.has_code, -1);
}

static void http_params_search_should_cap_query_length(void **state)
{
    struct search_req r;
    char qs[4200], param[32];

    (void)state;
    cfg.max_query_bytes = 2048;
    strcpy(qs, "q=");
    memset(qs + 2, 'a', 2048);
    qs[2050] = '\0';
    assert_int_equal(search(qs, &r, NULL), 0);
    strcat(qs, "a");
    assert_int_equal(search(qs, &r, param), 414);
    assert_string_equal(param, "q");
}

static void http_params_search_should_keep_limit_bound(void **state)
{
    struct search_req r;

    (void)state;
    assert_int_equal(search("limit=100", &r, NULL), 0);
    assert_int_equal(r.limit, 100);
    assert_int_equal(search("limit=0", &r, NULL), 0);
    assert_int_equal(search("offset=10000", &r, NULL), 0);
}

static void http_params_suggest_should_read_q_and_limit(void **state)
{
    char buf[64];
    struct http_param kv[8];
    struct http_bad bad = {0, ""};
    struct err e = {0, ""};
    const char *q;
    unsigned max;
    size_t n;

    (void)state;
    strcpy(buf, "q=graph+ne&limit=3");
    assert_int_equal(http_query_parse(buf, kv, 8, &n, &bad, &e), 0);
    assert_int_equal(http_params_suggest(kv, n, &cfg, &q, &max, &bad, &e), 0);
    assert_string_equal(q, "graph ne");
    assert_int_equal(max, 3);

    strcpy(buf, "limit=11");
    assert_int_equal(http_query_parse(buf, kv, 8, &n, &bad, &e), 0);
    assert_int_equal(http_params_suggest(kv, n, &cfg, &q, &max, &bad, &e),
                     ERR_USAGE);
    assert_string_equal(bad.param, "limit");
    assert_non_null(strstr(e.msg, "limit"));
}

/* Random bytes, percent-escapes and separators: never a crash, and an
 * accepted request never carries NUL or invalid UTF-8. */
static void http_params_should_survive_fuzzing(void **state)
{
    static const char alphabet[] = "qlimtofsezpa=&%+0123456789abcdefABCDEF"
                                   "\xff\xc3\xa9\x80-_ ";
    unsigned seed = 12345;

    (void)state;
    for (int round = 0; round < 20000; round++) {
        char qs[64];
        size_t len;
        struct search_req r;

        seed = seed * 1103515245u + 12345u;
        len = (seed >> 16) % (sizeof(qs) - 1);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            qs[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        qs[len] = '\0';
        if (search(qs, &r, NULL) != 0)
            continue;
        if (r.q)
            assert_true(text_utf8_valid(r.q, strlen(r.q)));
        assert_true(r.limit <= cfg.max_limit);
        assert_true(r.offset <= cfg.max_offset);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(http_unescape_should_decode_percent_and_plus),
        cmocka_unit_test(http_target_split_should_find_path_and_query),
        cmocka_unit_test(http_query_parse_should_split_pairs),
        cmocka_unit_test(http_query_parse_should_refuse_nul_and_bad_utf8),
        cmocka_unit_test(http_query_parse_should_cap_pair_count),
        cmocka_unit_test(http_params_search_should_use_defaults),
        cmocka_unit_test(http_params_search_should_read_every_parameter),
        cmocka_unit_test(http_params_search_should_turn_pages_into_offsets),
        cmocka_unit_test(http_params_search_should_name_bad_parameters),
        cmocka_unit_test(http_params_search_should_treat_empty_as_absent),
        cmocka_unit_test(http_params_search_should_cap_query_length),
        cmocka_unit_test(http_params_search_should_keep_limit_bound),
        cmocka_unit_test(http_params_suggest_should_read_q_and_limit),
        cmocka_unit_test(http_params_should_survive_fuzzing),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
