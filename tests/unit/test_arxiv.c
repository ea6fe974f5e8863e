/*
 * Unit tests for arXiv identifier recognition (lib/arxiv.c): every
 * spelling we accept, its canonical form, the look-alikes we refuse, and
 * finding an id inside a free-text query.
 */
/* cmocka.h relies on these being included first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "text.h"

#include <string.h>

struct norm_case {
    const char *in;
    const char *want;
};

struct find_case {
    const char *query;
    const char *want;
    size_t start;
    size_t end;
};

static void check_normalizes(const struct norm_case *cases, size_t n)
{
    char out[32];
    size_t i;

    for (i = 0; i < n; i++) {
        memset(out, 'x', sizeof(out));
        if (!arxiv_normalize(cases[i].in, strlen(cases[i].in), out,
                             sizeof(out)))
            fail_msg("not recognised: \"%s\"", cases[i].in);
        assert_string_equal(out, cases[i].want);
    }
}

static void arxiv_normalize_should_accept_new_style_spellings(void **state)
{
    static const struct norm_case cases[] = {
        {"1810.04805", "1810.04805"},
        {"1810.04805v2", "1810.04805"},
        {"1810.04805V12", "1810.04805"},
        {"arXiv:1810.04805", "1810.04805"},
        {"arxiv:1810.04805v2", "1810.04805"},
        {"ARXIV: 1810.04805", "1810.04805"},
        {"https://arxiv.org/abs/1810.04805v1", "1810.04805"},
        {"http://arxiv.org/pdf/1810.04805.pdf", "1810.04805"},
        {"https://arxiv.org/pdf/1810.04805v3", "1810.04805"},
        {"arxiv.org/abs/1810.04805", "1810.04805"},
        {"https://www.arxiv.org/abs/1810.04805/", "1810.04805"},
        {"https://export.arxiv.org/abs/1810.04805?context=cs", "1810.04805"},
        {"https://arxiv.org/html/2401.00001v1#S2", "2401.00001"},
        {"https://doi.org/10.48550/arXiv.1810.04805", "1810.04805"},
        {"10.48550/ARXIV.1810.04805", "1810.04805"},
        {"  1810.04805 \n", "1810.04805"},
    };

    (void)state;
    check_normalizes(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Four digits after the dot until 2014, five since 2015. */
static void arxiv_normalize_should_check_the_number_width(void **state)
{
    static const struct norm_case cases[] = {
        {"0704.0001", "0704.0001"},
        {"1412.9999v3", "1412.9999"},
        {"1501.00001", "1501.00001"},
        {"2312.12345v1", "2312.12345"},
    };
    static const char *const bad[] = {"1810.4805", "1412.00001", "0704.001"};
    char out[32];
    size_t i;

    (void)state;
    check_normalizes(cases, sizeof(cases) / sizeof(cases[0]));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(arxiv_normalize(bad[i], strlen(bad[i]), out, 32));
}

static void arxiv_normalize_should_accept_old_style_spellings(void **state)
{
    static const struct norm_case cases[] = {
        {"cs/0112017", "cs/0112017"},
        {"cs/0112017v1", "cs/0112017"},
        {"cs.LG/0112017v1", "cs/0112017"},
        {"CS/0112017", "cs/0112017"},
        {"math.GT/0309136", "math/0309136"},
        {"hep-th/9901001", "hep-th/9901001"},
        {"cond-mat.stat-mech/0501001", "cond-mat/0501001"},
        {"arXiv:math/0309136v2", "math/0309136"},
        {"https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"},
        {"http://arxiv.org/pdf/cs/0112017.pdf", "cs/0112017"},
        {"q-bio/0701001", "q-bio/0701001"},
    };

    (void)state;
    check_normalizes(cases, sizeof(cases) / sizeof(cases[0]));
}

static void arxiv_normalize_should_reject_look_alikes(void **state)
{
    static const char *const bad[] = {
        "",
        "   ",
        "arXiv:",
        "2019.1234", /* month 19 */
        "2019.12345",
        "1813.04805", /* month 13 */
        "1800.04805", /* month 0 */
        "0612.1234",  /* before the new scheme */
        "1.5",
        "2019",
        "12.34",
        "1810.04805v",
        "1810.04805x",
        "1810.04805.",
        "x1810.04805",
        "1810.04805 1810.04806",
        "foo/0112017", /* unknown archive */
        "cs/011201",   /* six digits */
        "cs/01120170", /* eight digits */
        "cs/0113017",  /* month 13 */
        "cs/9001001",  /* before August 1991 */
        "cs./0112017",
        "cs.LG.x/0112017",
        "https://example.org/abs/1810.04805",
        "https://arxiv.org/list/1810.04805",
        "arxiv.org/1810.04805",
        "10.1234/arXiv.1810.04805",
        "doi:1810.04805",
        "1810.04805.pdf", /* ".pdf" only after a URL */
    };
    char out[32];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (arxiv_normalize(bad[i], strlen(bad[i]), out, sizeof(out)))
            fail_msg("accepted: \"%s\" as \"%s\"", bad[i], out);
    }
}

static void arxiv_normalize_should_respect_the_output_size(void **state)
{
    char out[16];

    (void)state;
    assert_true(arxiv_normalize("1810.04805", 10, out, 11));
    assert_string_equal(out, "1810.04805");
    assert_false(arxiv_normalize("1810.04805", 10, out, 10));
    assert_false(arxiv_normalize("hep-th/9901001", 14, out, 14));
    assert_true(arxiv_normalize("hep-th/9901001", 14, out, 15));
    assert_string_equal(out, "hep-th/9901001");
}

/* Only len bytes count: what follows in memory is not read as part of s. */
static void arxiv_normalize_should_stop_at_len(void **state)
{
    char out[32];

    (void)state;
    assert_true(arxiv_normalize("1810.04805v2 junk", 12, out, sizeof(out)));
    assert_string_equal(out, "1810.04805");
    assert_false(arxiv_normalize("1810.04805", 9, out, sizeof(out)));
}

static void arxiv_find_should_locate_the_first_id_token(void **state)
{
    static const struct find_case cases[] = {
        {"1810.04805", "1810.04805", 0, 10},
        {"bert 1810.04805 paper", "1810.04805", 5, 15},
        {"(arXiv:1810.04805)", "1810.04805", 1, 17},
        {"see \"1810.04805v2\", please", "1810.04805", 5, 17},
        {"2019.1234 and cs.LG/0112017.", "cs/0112017", 14, 27},
        {"1706.03762 1810.04805", "1706.03762", 0, 10},
        {"[https://arxiv.org/abs/1706.03762]", "1706.03762", 1, 33},
        {"\tquery\narxiv:math/0309136\n", "math/0309136", 7, 25},
    };
    char out[32];
    size_t i, start, end;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        start = end = 999;
        if (!arxiv_find(cases[i].query, out, sizeof(out), &start, &end))
            fail_msg("nothing found in \"%s\"", cases[i].query);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(start, cases[i].start);
        assert_int_equal(end, cases[i].end);
    }
}

static void arxiv_find_should_report_queries_without_ids(void **state)
{
    static const char *const none[] = {
        "",
        "   ",
        "attention is all you need",
        "1.5 2019 12.34",
        "x1810.04805 1810.04805x",
        "arXiv: paper",
        "\"\" () [] ,",
    };
    char out[32];
    size_t i, start, end;

    (void)state;
    for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        if (arxiv_find(none[i], out, sizeof(out), &start, &end))
            fail_msg("found \"%s\" in \"%s\"", out, none[i]);
    }
    assert_false(arxiv_find(NULL, out, sizeof(out), &start, &end));
}

static void arxiv_find_should_accept_null_range_pointers(void **state)
{
    char out[32];

    (void)state;
    assert_true(arxiv_find("bert 1810.04805", out, sizeof(out), NULL, NULL));
    assert_string_equal(out, "1810.04805");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arxiv_normalize_should_accept_new_style_spellings),
        cmocka_unit_test(arxiv_normalize_should_check_the_number_width),
        cmocka_unit_test(arxiv_normalize_should_accept_old_style_spellings),
        cmocka_unit_test(arxiv_normalize_should_reject_look_alikes),
        cmocka_unit_test(arxiv_normalize_should_respect_the_output_size),
        cmocka_unit_test(arxiv_normalize_should_stop_at_len),
        cmocka_unit_test(arxiv_find_should_locate_the_first_id_token),
        cmocka_unit_test(arxiv_find_should_report_queries_without_ids),
        cmocka_unit_test(arxiv_find_should_accept_null_range_pointers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
