/*
 * Snippets: which words are marked, which stretch of the text is shown,
 * and how it is escaped. Queries go through a real query parser, so the
 * terms are stemmed as in a search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snippet.h"
#include "xs.h"

#define FLAGS (XS_QP_BOOLEAN | XS_QP_PHRASE | XS_QP_LOVEHATE | XS_QP_WILDCARD)

struct result {
    char *text;
    int marked;
};

/* The snippet of text for the query q, max_len bytes, marks "[" and "]". */
static struct result snip_query(const xs_query *q, xs_qparser *qp,
                                const char *lang, const char *text,
                                size_t max_len)
{
    struct err e = {0, ""};
    struct snippet_terms *t = NULL;
    const struct snippet_style style = {max_len, "[", "]", "..."};
    struct result r = {NULL, 0};

    assert_int_equal(snippet_terms_new(q, qp, lang, &t, &e), 0);
    assert_int_equal(snippet_make(t, text, strlen(text), &style, &r.text,
                                  &r.marked, &e),
                     0);
    snippet_terms_free(t);
    return r;
}

/* The snippet of text for query parsed in language lang. */
static struct result snip_in(const char *lang, const char *query,
                             const char *text, size_t max_len)
{
    struct err e = {0, ""};
    xs_qparser *qp = NULL;
    xs_query *q = NULL;
    struct result r;

    assert_int_equal(xs_qparser_new(lang, &qp, &e), 0);
    assert_int_equal(xs_qparser_add_boolean_prefix(qp, "year", "Y", &e), 0);
    assert_int_equal(xs_qparser_add_prefix(qp, "title", "S", &e), 0);
    assert_int_equal(xs_qparser_parse(qp, query, FLAGS, &q, &e), 0);
    r = snip_query(q, qp, lang, text, max_len);
    xs_query_free(q);
    xs_qparser_free(qp);
    return r;
}

static struct result snip(const char *query, const char *text)
{
    return snip_in("english", query, text, 200);
}

static void expect(struct result r, const char *want, int marked)
{
    assert_string_equal(r.text, want);
    assert_int_equal(r.marked, marked);
    free(r.text);
}

static void snippet_should_mark_words_by_their_stem(void **state)
{
    (void)state;
    expect(snip("networks GANs",
                "A residual network beats other Networks and a GAN."),
           "A residual [network] beats other [Networks] and a [GAN].", 1);
    expect(snip("title:training", "Trained models train fast."),
           "[Trained] models [train] fast.", 1);
}

static void snippet_should_mark_only_words_that_add_weight(void **state)
{
    (void)state;
    expect(snip("\"self-attention\" -recurrence year:2017",
                "Self attention without recurrence in 2017."),
           "[Self] [attention] without recurrence in 2017.", 1);
}

static void snippet_should_mark_wildcard_and_symbol_words(void **state)
{
    (void)state;
    expect(snip("netw*", "Networks of networked nets."),
           "[Networks] of [networked] nets.", 1);
    /* "C++" is its own word, not "C". */
    expect(snip("c++", "Written in C++, not C."), "Written in [C++], not C.",
           1);
    expect(snip("model", "The model's weights."), "The [model's] weights.", 1);
}

static void snippet_should_mark_words_whose_stem_changes_their_start(
    void **state)
{
    (void)state;
    expect(snip("die", "To die, dying."), "To [die], [dying].", 1);
    expect(snip_in("porter", "ai", "ay and ai", 200), "[ay] and [ai]", 1);
}

static void snippet_should_split_words_as_the_indexer_does(void **state)
{
    (void)state;
    /* Decimal points and the curly apostrophe stay inside words. */
    expect(snip("3.14", "Pi is 3.14, not 3."), "Pi is [3.14], not 3.", 1);
    expect(snip("don't", "We don\xe2\x80\x99t stop."),
           "We [don\xe2\x80\x99t] stop.", 1);
}

static void snippet_should_fold_accents_and_case(void **state)
{
    (void)state;
    expect(snip("scholkopf", "Work by B. Sch\xc3\xb6lkopf and others."),
           "Work by B. [Sch\xc3\xb6lkopf] and others.", 1);
    /* The same decomposed (o + combining diaeresis). */
    expect(snip("scholkopf", "By SCHO\xcc\x88LKOPF."),
           "By [SCHO\xcc\x88LKOPF].", 1);
}

static void snippet_should_stem_other_languages(void **state)
{
    (void)state;
    /* French rewrites more than endings: every word is stemmed. */
    struct result r = snip_in("french", "reseaux",
                              "Les r\xc3\xa9seaux de neurones.", 200);
    expect(r, "Les [r\xc3\xa9seaux] de neurones.", 1);
}

static void snippet_should_escape_html_and_collapse_space(void **state)
{
    (void)state;
    expect(snip("graph", "A <graph> &\n\n  more\ttext "),
           "A &lt;[graph]&gt; &amp; more text", 1);
}

static void snippet_should_show_the_start_without_a_match(void **state)
{
    struct result r;
    (void)state;

    expect(snip("zebra", "Nothing here matches."), "Nothing here matches.", 0);
    r = snip_in("english", "zebra",
                "One two three four five six seven eight nine ten.", 20);
    expect(r, "One two three four...", 0);
    /* Leading space is not text cut off. */
    expect(snip("hello", "  hello world"), "[hello] world", 1);
    /* A first word too long to show is cut, not skipped. */
    r = snip_in("english", "zebra",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa one two three", 20);
    expect(r, "aaaaaaaaaaaaaaaaaaaa...", 0);
}

static void snippet_should_cut_around_the_best_window(void **state)
{
    const char *text = "Words before the point. Then a long stretch of "
                       "filler text goes here. The hat appears now. More "
                       "filler text follows after it, and then the end.";
    struct result r = snip_in("english", "hat", text, 30);
    const char *mark;
    (void)state;

    assert_true(r.marked);
    assert_int_equal(strncmp(r.text, "...", 3), 0);
    assert_int_equal(strcmp(r.text + strlen(r.text) - 3, "..."), 0);
    mark = strstr(r.text, "[hat]");
    assert_non_null(mark);
    /* Centred: words on both sides of the match. */
    assert_true(mark - r.text > 6);
    assert_true(strlen(mark) > 10);
    /* At most 30 bytes of text besides the marks and cut marks. */
    assert_true(strlen(r.text) - 2 - 6 <= 30);
    free(r.text);

    /* The window with both words beats one with either. */
    r = snip_in("english", "deep graph",
                "Deep learning is here. Filler filler filler filler filler. "
                "Graph methods too. Filler filler filler filler filler. "
                "Deep graph networks at last.",
                30);
    assert_non_null(strstr(r.text, "[Deep] [graph]"));
    free(r.text);
}

static void snippet_should_take_the_first_window_with_every_word(void **state)
{
    /* Later repeats do not beat an earlier window holding both words:
     * the text after it is not even read. */
    struct result r = snip_in("english", "deep graph",
                              "Deep graph models first. Filler words fill "
                              "this part. More filler words fill it too. "
                              "Deep graph, deep graph, deep graph.",
                              30);
    (void)state;

    assert_int_equal(strncmp(r.text, "[Deep] [graph]", 14), 0);
    free(r.text);

    /* Nothing past where reading stopped is shown unmarked. */
    r = snip_in("english", "x y",
                "y zz zzzzzz x zzz zzzzzz zz zzz x x zzz zzz y y", 32);
    assert_null(strstr(r.text, " y"));
    assert_null(strstr(r.text, " x "));
    free(r.text);
}

/* The snippet of text for words, with a boost term beside them as a
 * search adds one (AND_MAYBE). */
static struct result snip_boosted(const char *words, const char *boost,
                                  const char *text, size_t max_len)
{
    struct err e = {0, ""};
    xs_qparser *qp = NULL;
    xs_query *subs[2] = {NULL, NULL}, *q = NULL;
    struct result r;

    assert_int_equal(xs_qparser_new("english", &qp, &e), 0);
    assert_int_equal(xs_qparser_parse(qp, words, FLAGS, &subs[0], &e), 0);
    assert_int_equal(xs_query_term(boost, 1, &subs[1], &e), 0);
    assert_int_equal(xs_query_combine(XS_OP_AND_MAYBE, subs, 2, &q, &e), 0);
    r = snip_query(q, qp, "english", text, max_len);
    xs_query_free(subs[0]);
    xs_query_free(subs[1]);
    xs_query_free(q);
    xs_qparser_free(qp);
    return r;
}

static void snippet_should_mark_arxiv_ids_but_not_title_keys(void **state)
{
    (void)state;
    /* An arXiv id is a word a text can hold. */
    expect(snip_boosted("bert", "XA1810.04805",
                        "Code for BERT, see arxiv.org/abs/1810.04805 now.",
                        200),
           "Code for [BERT], see arxiv.org/abs/[1810.04805] now.", 1);
    /* The title key is in no text: it must not keep the reading going
     * past the window that holds every query word, nor be marked. */
    expect(snip_boosted("graph", "XT3c64003ba5aacd35",
                        "A graph. 3c64003ba5aacd35 is a key.", 200),
           "A [graph]. 3c64003ba5aacd35 is a key.", 1);
}

static void snippet_should_show_the_whole_short_text_without_terms(
    void **state)
{
    (void)state;
    /* No query term at all: the text as it fits, nothing cut. */
    expect(snip_in("english", "year:2017", "Deep learning.\n\n\n\n\n", 14),
           "Deep learning.", 0);
}

static void snippet_should_never_cut_inside_a_character(void **state)
{
    /* One word longer than the snippet: cut between characters. */
    struct result r = snip_in("english", "zebra",
                              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5);
    (void)state;

    expect(r, "\xc3\xa9\xc3\xa9...", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snippet_should_mark_words_by_their_stem),
        cmocka_unit_test(snippet_should_mark_only_words_that_add_weight),
        cmocka_unit_test(snippet_should_mark_wildcard_and_symbol_words),
        cmocka_unit_test(
            snippet_should_mark_words_whose_stem_changes_their_start),
        cmocka_unit_test(snippet_should_split_words_as_the_indexer_does),
        cmocka_unit_test(snippet_should_fold_accents_and_case),
        cmocka_unit_test(snippet_should_stem_other_languages),
        cmocka_unit_test(snippet_should_escape_html_and_collapse_space),
        cmocka_unit_test(snippet_should_show_the_start_without_a_match),
        cmocka_unit_test(snippet_should_cut_around_the_best_window),
        cmocka_unit_test(snippet_should_take_the_first_window_with_every_word),
        cmocka_unit_test(snippet_should_never_cut_inside_a_character),
        cmocka_unit_test(snippet_should_mark_arxiv_ids_but_not_title_keys),
        cmocka_unit_test(
            snippet_should_show_the_whole_short_text_without_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
