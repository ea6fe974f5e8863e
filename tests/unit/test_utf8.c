/*
 * Unit tests for UTF-8 validation and repair, folding and title keys
 * (lib/utf8.c, lib/fold.c). Inputs are written here byte by byte so that
 * NFC and NFD forms are unambiguous.
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

#include <stdlib.h>
#include <string.h>

#define FFFD "\xEF\xBF\xBD"

struct bytes {
    const char *s;
    size_t len;
};

struct repair_case {
    const char *in;
    size_t len;
    const char *want;
};

struct fold_case {
    const char *in;
    const char *want;
};

#define B(lit)                                                                 \
    {                                                                          \
        lit, sizeof(lit) - 1                                                   \
    }

static char *fold(const char *s, size_t len)
{
    struct err e;
    char *out = NULL;
    size_t out_len = 0;

    err_clear(&e);
    assert_int_equal(text_fold(s, len, &out, &out_len, &e), 0);
    assert_non_null(out);
    assert_int_equal(strlen(out), out_len);
    return out;
}

static void check_folds(const struct fold_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char *out = fold(cases[i].in, strlen(cases[i].in));

        assert_string_equal(out, cases[i].want);
        free(out);
    }
}

static uint64_t key(const char *s)
{
    return text_title_key(s, strlen(s));
}

static void utf8_valid_should_accept_well_formed_text(void **state)
{
    static const struct bytes ok[] = {
        B(""),
        B("plain ascii"),
        B("Sch\xC3\xB6lkopf"),
        B("\xE6\x97\xA5\xE6\x9C\xAC"),
        B("\xF0\x9F\x98\x80"),
        B("\xED\x9F\xBF"),     /* U+D7FF, just below the surrogates */
        B("\xEE\x80\x80"),     /* U+E000, just above them */
        B("\xF4\x8F\xBF\xBF"), /* U+10FFFF */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(text_utf8_valid(ok[i].s, ok[i].len));
}

static void utf8_valid_should_reject_malformed_sequences(void **state)
{
    static const struct bytes bad[] = {
        B("\xC3"),             /* truncated two-byte */
        B("ab\xE2\x82"),       /* truncated three-byte */
        B("\xF0\x9F\x98"),     /* truncated four-byte */
        B("\xC0\xAF"),         /* overlong '/' */
        B("\xE0\x80\xAF"),     /* overlong, three bytes */
        B("\xF0\x80\x80\xAF"), /* overlong, four bytes */
        B("\xED\xA0\x80"),     /* high surrogate */
        B("\xED\xBF\xBF"),     /* low surrogate */
        B("\x80"),             /* stray continuation */
        B("a\xBF"
          "b"),
        B("\xF4\x90\x80\x80"), /* above U+10FFFF */
        B("\xF5\x80\x80\x80"),
        B("\xFE"),
        B("\xFF"),
        B("a\0b"), /* NUL */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(text_utf8_valid(bad[i].s, bad[i].len));
}

static void utf8_repair_should_replace_each_maximal_subpart(void **state)
{
    static const struct repair_case cases[] = {
        {"a\xC3", 2, "a" FFFD},
        {"\xE2\x82"
         "A",
         3, FFFD "A"},
        {"\xF0\x9F\x98", 3, FFFD},
        {"\xC0\xAF", 2, FFFD FFFD},
        {"\xE0\x80\xAF", 3, FFFD FFFD FFFD},
        {"\xED\xA0\x80", 3, FFFD FFFD FFFD},
        {"\x80\x80", 2, FFFD FFFD},
        {"\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD},
        {"\xF0\x9F\x98\xC3\xA9", 5, FFFD "\xC3\xA9"},
        {"a\0b", 3, "a" FFFD "b"},
        {"intact \xC3\xA9\xF0\x9F\x98\x80", 13,
         "intact \xC3\xA9\xF0\x9F\x98\x80"},
    };
    size_t i, len;
    char *out;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        out = text_utf8_repair(cases[i].in, cases[i].len, &len);
        assert_non_null(out);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(len, strlen(cases[i].want));
        free(out);
    }
}

static void utf8_repair_should_accept_empty_input(void **state)
{
    size_t len = 99;
    char *out = text_utf8_repair("", 0, &len);

    (void)state;
    assert_non_null(out);
    assert_int_equal(len, 0);
    assert_string_equal(out, "");
    free(out);
}

/* Whatever the bytes, the repaired text must pass validation. */
static void utf8_repair_should_always_produce_valid_text(void **state)
{
    unsigned char buf[512];
    uint32_t x = 12345;
    size_t round, i, len;
    char *out;

    (void)state;
    for (round = 0; round < 200; round++) {
        for (i = 0; i < sizeof(buf); i++) {
            x = x * 1103515245u + 12345u;
            /* Bias towards bytes that start or continue sequences. */
            buf[i] = (unsigned char)(x >> 16) | (round % 2 ? 0x80 : 0);
        }
        out = text_utf8_repair((const char *)buf, sizeof(buf), &len);
        assert_non_null(out);
        assert_true(text_utf8_valid(out, len));
        free(out);
    }
}

static void fold_should_give_same_text_for_nfc_and_nfd(void **state)
{
    static const struct fold_case cases[] = {
        {"Sch\xC3\xB6lkopf", "Scholkopf"},      /* NFC */
        {"Scho\xCC\x88lkopf", "Scholkopf"},     /* NFD */
        {"Erd\xC5\x91s", "Erdos"},              /* NFC o with double acute */
        {"Erdo\xCC\x8Bs", "Erdos"},             /* NFD */
        {"\xC3\x85ngstr\xC3\xB6m", "Angstrom"}, /* NFC */
        {"A\xCC\x8Angstro\xCC\x88m", "Angstrom"},
        {"na\xC3\xAFve caf\xC3\xA9", "naive cafe"},
    };

    (void)state;
    check_folds(cases, sizeof(cases) / sizeof(cases[0]));
}

static void fold_should_keep_marks_that_spell_letters(void **state)
{
    static const struct fold_case cases[] = {
        /* katakana de, NFC and NFD, stays de (not te) */
        {"\xE3\x83\x87\xE3\x83\xBC\xE3\x82\xBF",
         "\xE3\x83\x87\xE3\x83\xBC\xE3\x82\xBF"},
        {"\xE3\x83\x86\xE3\x82\x99", "\xE3\x83\x87"},
        /* Devanagari ki: the vowel sign stays */
        {"\xE0\xA4\x95\xE0\xA4\xBF", "\xE0\xA4\x95\xE0\xA4\xBF"},
        /* a Greek accent goes, as Latin ones do */
        {"\xCE\xAC", "\xCE\xB1"},
    };

    (void)state;
    check_folds(cases, sizeof(cases) / sizeof(cases[0]));
}

static void fold_should_apply_compatibility_forms(void **state)
{
    static const struct fold_case cases[] = {
        {"\xEF\xAC\x81ne-tuning", "fine-tuning"}, /* fi ligature */
        {"e\xEF\xAC\x83"
         "cient",
         "efficient"},                                   /* ffi ligature */
        {"\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "ABC"}, /* full width */
        {"x\xC2\xB2", "x2"},                             /* superscript */
        {"\xE2\x84\x96 1", "No 1"},                      /* numero sign */
    };

    (void)state;
    check_folds(cases, sizeof(cases) / sizeof(cases[0]));
}

static void fold_should_keep_case_and_query_syntax(void **state)
{
    static const struct fold_case cases[] = {
        {"C++ AND C# NOT self-attention", "C++ AND C# NOT self-attention"},
        {"title:\"graph nets\" bert* (a OR b)",
         "title:\"graph nets\" bert* (a OR b)"},
        {"@ ~ ^ $ % & = { } [ ] | \\ / ? ! , . ; ' `",
         "@ ~ ^ $ % & = { } [ ] | \\ / ? ! , . ; ' `"},
    };

    (void)state;
    check_folds(cases, sizeof(cases) / sizeof(cases[0]));
}

static void fold_should_turn_control_characters_into_spaces(void **state)
{
    static const char in[] = "a\tb\nc\x01"
                             "d\x7F"
                             "e\xC2\x85"
                             "f\0g\xE2\x80\xA8h";
    char *out = fold(in, sizeof(in) - 1);

    (void)state;
    assert_string_equal(out, "a b c d e f g h");
    free(out);
}

static void fold_should_repair_invalid_utf8(void **state)
{
    static const char in[] = "ab\xFF"
                             "cd\xC3";
    char *out = fold(in, sizeof(in) - 1);

    (void)state;
    assert_string_equal(out, "ab" FFFD "cd" FFFD);
    free(out);
}

static void
fold_should_drop_default_ignorables_and_lump_look_alikes(void **state)
{
    static const struct fold_case cases[] = {
        {"convo\xC2\xADlutional", "convolutional"}, /* soft hyphen */
        {"zero\xE2\x80\x8Bwidth", "zerowidth"},     /* ZWSP */
        {"self\xE2\x80\x90"
         "attention",
         "self-attention"}, /* U+2010 */
        {"2019\xE2\x80\x93"
         "2020",
         "2019-2020"},                 /* en dash */
        {"don\xE2\x80\x99t", "don't"}, /* curly quote */
        {"a\xC2\xA0"
         "b",
         "a b"}, /* no-break space */
    };

    (void)state;
    check_folds(cases, sizeof(cases) / sizeof(cases[0]));
}

static void fold_should_handle_empty_input(void **state)
{
    char *out = fold("", 0);

    (void)state;
    assert_string_equal(out, "");
    free(out);
}

/* Runs longer than the on-stack buffer take the heap path. */
static void fold_should_handle_long_non_ascii_runs(void **state)
{
    size_t n = 3000, i;
    char *in = malloc(3 * n), *out;

    (void)state;
    assert_non_null(in);
    for (i = 0; i < n; i++)
        memcpy(in + 3 * i, "e\xCC\x81", 3); /* e + combining acute */
    out = fold(in, 3 * n);
    assert_int_equal(strlen(out), n);
    for (i = 0; i < n; i++)
        assert_int_equal(out[i], 'e');
    free(out);
    free(in);
}

static void title_key_should_ignore_case_punctuation_and_spacing(void **state)
{
    static const char *const same[][2] = {
        {"U-Net: Convolutional Networks for Biomedical Image Segmentation",
         "u net convolutional networks for biomedical image segmentation"},
        {"BERT: Pre-training of Deep Bidirectional Transformers",
         "bert pre training of deep bidirectional transformers"},
        {"  Attention Is All You Need.  ", "attention is all you need"},
        {"GPT-4 Technical Report", "gpt4technicalreport"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        assert_int_not_equal(key(same[i][0]), 0);
        assert_int_equal(key(same[i][0]), key(same[i][1]));
    }
}

static void title_key_should_ignore_accents_and_normal_form(void **state)
{
    uint64_t plain = key("Scholkopf kernels");

    (void)state;
    assert_int_equal(key("Sch\xC3\xB6lkopf kernels"), plain);
    assert_int_equal(key("Scho\xCC\x88lkopf kernels"), plain);
    assert_int_equal(key("SCH\xC3\x96LKOPF KERNELS"), plain);
    assert_int_equal(key("\xEF\xAC\x81ne tuning"), key("fine tuning"));
}

static void title_key_should_casefold_non_ascii(void **state)
{
    (void)state;
    assert_int_equal(key("\xCE\x91\xCE\x9B\xCE\xA6\xCE\x91"),  /* ALFA */
                     key("\xCE\xB1\xCE\xBB\xCF\x86\xCE\xB1")); /* alfa */
    assert_int_equal(key("STRASSE"), key("Stra\xC3\x9F"
                                         "e"));
}

static void title_key_should_differ_between_titles(void **state)
{
    (void)state;
    assert_int_not_equal(key("Deep Residual Learning"),
                         key("Deep Residual Networks"));
    assert_int_not_equal(key("ResNet 50"), key("ResNet 51"));
    assert_int_not_equal(key("\xE6\x97\xA5\xE6\x9C\xAC"),
                         key("\xE4\xB8\xAD\xE5\x9B\xBD"));
}

static void title_key_should_be_zero_without_letters_or_digits(void **state)
{
    (void)state;
    assert_int_equal(key(""), 0);
    assert_int_equal(key("   "), 0);
    assert_int_equal(key("-- : !! ()"), 0);
    assert_int_equal(key("\xCC\x88\xE2\x80\x94"), 0); /* mark, em dash */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_valid_should_accept_well_formed_text),
        cmocka_unit_test(utf8_valid_should_reject_malformed_sequences),
        cmocka_unit_test(utf8_repair_should_replace_each_maximal_subpart),
        cmocka_unit_test(utf8_repair_should_accept_empty_input),
        cmocka_unit_test(utf8_repair_should_always_produce_valid_text),
        cmocka_unit_test(fold_should_give_same_text_for_nfc_and_nfd),
        cmocka_unit_test(fold_should_keep_marks_that_spell_letters),
        cmocka_unit_test(fold_should_apply_compatibility_forms),
        cmocka_unit_test(fold_should_keep_case_and_query_syntax),
        cmocka_unit_test(fold_should_turn_control_characters_into_spaces),
        cmocka_unit_test(fold_should_repair_invalid_utf8),
        cmocka_unit_test(
            fold_should_drop_default_ignorables_and_lump_look_alikes),
        cmocka_unit_test(fold_should_handle_empty_input),
        cmocka_unit_test(fold_should_handle_long_non_ascii_runs),
        cmocka_unit_test(title_key_should_ignore_case_punctuation_and_spacing),
        cmocka_unit_test(title_key_should_ignore_accents_and_normal_form),
        cmocka_unit_test(title_key_should_casefold_non_ascii),
        cmocka_unit_test(title_key_should_differ_between_titles),
        cmocka_unit_test(title_key_should_be_zero_without_letters_or_digits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
