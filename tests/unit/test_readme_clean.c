/*
 * Unit tests for README cleaning (lib/readme_clean.c) and HTML character
 * references (lib/entity.c): each markdown and HTML construct, broken and
 * unterminated input, and inputs built to cost quadratic time.
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

#define MAX_TOKEN 40

struct clean_case {
    const char *in;
    const char *want;
};

static char *clean_n(const char *s, size_t len, size_t max_token)
{
    size_t out_len = 12345;
    char *out = text_clean_readme(s, len, max_token, &out_len);

    assert_non_null(out);
    assert_int_equal(strlen(out), out_len);
    assert_true(text_utf8_valid(out, out_len));
    return out;
}

static void check_cleans(const struct clean_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char *out = clean_n(cases[i].in, strlen(cases[i].in), MAX_TOKEN);

        if (strcmp(out, cases[i].want) != 0)
            fail_msg("case %zu: \"%s\"\n  got  \"%s\"\n  want \"%s\"", i,
                     cases[i].in, out, cases[i].want);
        free(out);
    }
}

static void readme_clean_should_drop_fenced_code(void **state)
{
    static const struct clean_case cases[] = {
        {"Install:\n```bash\npip install foo\n```\nThen run.",
         "Install:\nThen run."},
        {"A\n~~~\ncode ~~~ here\n~~~\nB", "A\nB"},
        {"A\n````md\n```\nstill code\n````\nB", "A\nB"},
        {"1. Step\n   ```\n   make\n   ```\n2. Done", "1. Step\n2. Done"},
        {"A\n```\n```\n```\ncode\n```\nB", "A\nB"},
        {"Call ```f(x)``` inline", "Call f(x) inline"},
        {"> Run:\n> ```sh\n> make\n> ```\nEnd", "Run:\nEnd"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
readme_clean_should_drop_everything_after_an_open_fence(void **state)
{
    static const struct clean_case cases[] = {
        {"Intro\n```python\nimport torch\n\nmore code", "Intro"},
        {"Intro\n~~~\n```\nnot a close", "Intro"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_drop_indented_code_only(void **state)
{
    static const struct clean_case cases[] = {
        {"Run this:\n\n    python train.py --lr 0.1\n    echo ok\n\nDone.",
         "Run this:\nDone."},
        {"    leading code\ntext", "text"},
        {"# Title\n    code after heading\nText", "Title\nText"},
        /* A continuation line of a paragraph is not code. */
        {"Some text\n    continued here", "Some text\ncontinued here"},
        /* Neither is an indented paragraph inside a list item. */
        {"- Install\n\n    the package first\n\nEnd",
         "Install\nthe package first\nEnd"},
        /* Nor indented HTML. */
        {"<div>\n\n    <b>Bold</b>\n</div>", "Bold"},
        {"\tTabbed code\n\nText", "Text"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_keep_inline_code_text(void **state)
{
    static const struct clean_case cases[] = {
        {"Use `--batch-size` to set it.", "Use --batch-size to set it."},
        {"Type ``a ` b`` now", "Type a ` b now"},
        {"Keep `<div>` and `**x**`", "Keep <div> and **x**"},
        {"An open ` backtick", "An open ` backtick"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_drop_html_comments(void **state)
{
    static const struct clean_case cases[] = {
        {"a<!-- hidden -->b", "a b"},
        {"a <!-- multi\nline\n\ncomment --> b", "a b"},
        {"a <!--> b", "a b"},
        {"a <!-- never closed\nlost text", "a"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_drop_script_and_style_bodies(void **state)
{
    static const struct clean_case cases[] = {
        {"a<script>var x = 1 < 2;</script>b", "a b"},
        {"a<STYLE type=\"text/css\">p { color: red }</Style >b", "a b"},
        {"a <script src=\"x.js\" /> b", "a b"},
        {"a <script>never closed", "a"},
        {"a <scripts>kept</scripts>", "a kept"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_drop_tags_and_keep_their_text(void **state)
{
    static const struct clean_case cases[] = {
        {"<p align=\"center\"><b>Deep</b> Nets</p>", "Deep Nets"},
        {"<a href=\"x?a=1&b=2\" title=\"a > b\">Paper</a>", "Paper"},
        {"<img src=\"a.png\", width=\"700px\">Caption", "Caption"},
        {"<img\n  src=\"a.png\"\n  width=\"50%\"\n/>After", "After"},
        {"One<br>Two<br/>Three", "One\nTwo\nThree"},
        {"<h1>Title</h1><p>Body</p>", "Title\nBody"},
        {"Author<sup>1</sup>, Other<sup>2</sup>", "Author 1 , Other 2"},
        {"<!DOCTYPE html><?xml version=\"1.0\"?>Text", "Text"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
readme_clean_should_keep_angle_brackets_that_open_no_tag(void **state)
{
    static const struct clean_case cases[] = {
        {"if a < b and c > d", "if a < b and c > d"},
        {"x<y", "x<y"},
        {"I <3 it", "I <3 it"},
        {"ends with <img src=\"x\"", "ends with <img src=\"x\""},
        {"a <b and no close", "a <b and no close"},
        {"<tag\n\nnot a tag>", "<tag\nnot a tag>"},
        {"mail <me@example.org>", "mail <me@example.org>"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_drop_images_and_badges(void **state)
{
    static const struct clean_case cases[] = {
        {"Before ![teaser figure](img/teaser.png) after", "Before after"},
        {"[![Build](https://ci.example/b.svg)](https://ci.example) "
         "[![PyPI](https://pypi.example/v.svg)](https://pypi.example) Text",
         "Text"},
        {"x![](data:image/png;base64,iVBORw0KGgo=)y", "x y"},
        {"![alt][ref] kept", "kept"},
        {"Wow! ![ unclosed", "Wow! ![ unclosed"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_keep_link_text(void **state)
{
    static const struct clean_case cases[] = {
        {"See [the paper](https://arxiv.org/abs/1810.04805).",
         "See the paper."},
        {"[Code](https://x.example \"The code\") here", "Code here"},
        {"[Wiki](https://en.wikipedia.org/wiki/Foo_(bar)) ok", "Wiki ok"},
        {"[Docs](<my docs.html>) ok", "Docs ok"},
        {"[**Bold** link](u)", "Bold link"},
        {"[Ref link][1] and [collapsed][]", "Ref link and collapsed"},
        {"[outer [inner](a) text](b)", "outer inner text"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_keep_brackets_that_link_nowhere(void **state)
{
    static const struct clean_case cases[] = {
        {"[1] Torch distro", "[1] Torch distro"},
        {"x[i] = y[j]", "x[i] = y[j]"},
        {"[a] (b)", "[a] (b)"},
        {"[open (x) and ]", "[open (x) and ]"},
        {"[a](b c) d", "[a](b c) d"},
        {"stray ] bracket", "stray ] bracket"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_drop_reference_definitions(void **state)
{
    static const struct clean_case cases[] = {
        {"Text [x][1].\n\n[1]: https://example.org \"Title\"\nEnd",
         "Text x.\nEnd"},
        {"  [label]: <dest>\nKept", "Kept"},
        {"[^1]: A footnote stays", "[^1]: A footnote stays"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_decode_entities(void **state)
{
    static const struct clean_case cases[] = {
        {"R&amp;D &lt;tag&gt; &quot;q&quot; it&#39;s it&#x27;s",
         "R&D <tag> \"q\" it's it's"},
        {"a&nbsp;b &#169; &#xE9;t&eacute; M&uuml;ller",
         "a b \xC2\xA9 \xC3\xA9t\xC3\xA9 M\xC3\xBCller"},
        {"&unknown; &amp &#; &#xZZ; & alone",
         "&unknown; &amp &#; &#xZZ; & alone"},
        {"&#0;|&#xD800;|&#x110000;", "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD"},
        {"a&#9;b&#10;c", "a b c"},
        {"&lt;script&gt;kept&lt;/script&gt;", "<script>kept</script>"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_drop_urls(void **state)
{
    static const struct clean_case cases[] = {
        {"Visit https://github.com/x/y or http://a.b now", "Visit or now"},
        {"(see https://example.org/page) and www.example.org.", "(see and"},
        {"Link <https://example.org/a> here", "Link here"},
        {"img data:image/png;base64,AAAA end", "img end"},
        {"Prepare data: run it", "Prepare data: run it"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_skip_long_tokens(void **state)
{
    static const char in[] =
        "hash 0123456789abcdef0123456789abcdef01234567 end "
        "\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD"
        "\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87";
    char *out;

    (void)state;
    out = clean_n(in, sizeof(in) - 1, 16);
    /* The 40-byte hash goes; 30 bytes of Chinese have no spaces but stay. */
    assert_string_equal(out, "hash end \xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD"
                             "\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD"
                             "\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87");
    free(out);

    out = clean_n("exactly16bytes!! seventeen-bytes!!", 34, 16);
    assert_string_equal(out, "exactly16bytes!!");
    free(out);

    /* Zero means no limit. */
    out = clean_n("0123456789abcdef0123456789abcdef", 32, 0);
    assert_string_equal(out, "0123456789abcdef0123456789abcdef");
    free(out);
}

static void readme_clean_should_drop_markers_without_gluing_words(void **state)
{
    static const struct clean_case cases[] = {
        {"## Getting started\nText", "Getting started\nText"},
        {"#hashtag and C# stay", "#hashtag and C# stay"},
        {"**Bold**, *it*, __strong__ and _em_.", "Bold, it, strong and em."},
        {"snake_case and 2*n and a * b", "snake_case and 2*n and a * b"},
        {"- one\n* two\n+ three\n1. four", "one\ntwo\nthree\n1. four"},
        {"> quoted\n> > nested\n> ## Tip", "quoted\nnested\nTip"},
        {"Title\n=====\nSub\n-----\nBody", "Title\nSub\nBody"},
        {"a\n***\nb\n- - -\nc", "a\nb\nc"},
        {"Escaped \\*star\\* and \\[x\\](y)", "Escaped *star* and [x](y)"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_flatten_tables(void **state)
{
    static const struct clean_case cases[] = {
        {"| Model | Acc |\n|:---|---:|\n| ResNet | 76.1 |",
         "Model Acc\nResNet 76.1"},
        {"+------+\n| box  |\n+======+", "box"},
        {"<table><tr><td>A</td><td>B</td></tr></table>", "A B"},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_collapse_whitespace(void **state)
{
    static const struct clean_case cases[] = {
        {"  a  \t b \r\n\r\n\n c  ", "a b\nc"},
        {"a\x01\x02"
         "b\x7F"
         "c",
         "a b c"},
        {"\n\n\n", ""},
        {"", ""},
    };

    (void)state;
    check_cleans(cases, sizeof(cases) / sizeof(cases[0]));
}

static void readme_clean_should_repair_invalid_utf8(void **state)
{
    static const char in[] = "caf\xC3\xA9 \xFF\xFE ok\0nul \xE2\x82";
    char *out = clean_n(in, sizeof(in) - 1, MAX_TOKEN);

    (void)state;
    assert_string_equal(out, "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD "
                             "ok\xEF\xBF\xBDnul \xEF\xBF\xBD");
    free(out);
}

/* Whatever the bytes, the result is valid UTF-8 and no longer than the
 * repaired input. */
static void readme_clean_should_survive_arbitrary_bytes(void **state)
{
    static const char alphabet[] = "<>!-[]()`~*_\\&#;:\"'=/| \n\tab\x80\xC3";
    char buf[700];
    uint32_t x = 777;
    size_t round, i;
    char *out;

    (void)state;
    for (round = 0; round < 400; round++) {
        for (i = 0; i < sizeof(buf); i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = round % 3 ? alphabet[(x >> 16) % (sizeof(alphabet) - 1)]
                               : (char)(x >> 16);
        }
        out = clean_n(buf, sizeof(buf), MAX_TOKEN);
        assert_true(strlen(out) <= 3 * sizeof(buf));
        free(out);
    }
}

static char *repeat(const char *unit, size_t times, size_t *len)
{
    size_t k = strlen(unit), i;
    char *s = malloc(k * times + 1);

    assert_non_null(s);
    for (i = 0; i < times; i++)
        memcpy(s + i * k, unit, k);
    s[k * times] = '\0';
    *len = k * times;
    return s;
}

/*
 * Inputs where each construct opens and never closes, which would cost
 * quadratic time without the lookahead budget; they must come back as
 * their own text.
 */
static void readme_clean_should_keep_unclosed_constructs_as_text(void **state)
{
    static const char *const units[] = {
        "[a](b ", "<a x=\"y ", "a`", "[x][y ", "<mailto:x ", "![a](<b ",
    };
    size_t i, len;
    char *in, *out;

    (void)state;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        in = repeat(units[i], 20000, &len);
        out = clean_n(in, len, 0);
        if (strlen(out) < len / 2)
            fail_msg("unit \"%s\" lost text: %zu of %zu bytes", units[i],
                     strlen(out), len);
        free(out);
        free(in);
    }
}

static void entity_decode_should_report_span_and_bytes(void **state)
{
    char out[8];
    size_t n = 0;

    (void)state;
    assert_int_equal(text_entity_decode("&amp;x", 6, out, &n), 5);
    assert_int_equal(n, 1);
    assert_memory_equal(out, "&", 1);
    assert_int_equal(text_entity_decode("&#x1F600;", 9, out, &n), 9);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "\xF0\x9F\x98\x80", 4);
    assert_int_equal(text_entity_decode("&Auml;", 6, out, &n), 6);
    assert_memory_equal(out, "\xC3\x84", n);
    assert_int_equal(text_entity_decode("&#99999999;", 11, out, &n), 11);
    assert_memory_equal(out, "\xEF\xBF\xBD", 3);
    assert_int_equal(text_entity_decode("&#999999999;", 12, out, &n), 0);
    assert_int_equal(text_entity_decode("&amp", 4, out, &n), 0);
    assert_int_equal(text_entity_decode("&lt;", 3, out, &n), 0);
    assert_int_equal(text_entity_decode("x", 1, out, &n), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readme_clean_should_drop_fenced_code),
        cmocka_unit_test(
            readme_clean_should_drop_everything_after_an_open_fence),
        cmocka_unit_test(readme_clean_should_drop_indented_code_only),
        cmocka_unit_test(readme_clean_should_keep_inline_code_text),
        cmocka_unit_test(readme_clean_should_drop_html_comments),
        cmocka_unit_test(readme_clean_should_drop_script_and_style_bodies),
        cmocka_unit_test(readme_clean_should_drop_tags_and_keep_their_text),
        cmocka_unit_test(
            readme_clean_should_keep_angle_brackets_that_open_no_tag),
        cmocka_unit_test(readme_clean_should_drop_images_and_badges),
        cmocka_unit_test(readme_clean_should_keep_link_text),
        cmocka_unit_test(readme_clean_should_keep_brackets_that_link_nowhere),
        cmocka_unit_test(readme_clean_should_drop_reference_definitions),
        cmocka_unit_test(readme_clean_should_decode_entities),
        cmocka_unit_test(readme_clean_should_drop_urls),
        cmocka_unit_test(readme_clean_should_skip_long_tokens),
        cmocka_unit_test(readme_clean_should_drop_markers_without_gluing_words),
        cmocka_unit_test(readme_clean_should_flatten_tables),
        cmocka_unit_test(readme_clean_should_collapse_whitespace),
        cmocka_unit_test(readme_clean_should_repair_invalid_utf8),
        cmocka_unit_test(readme_clean_should_survive_arbitrary_bytes),
        cmocka_unit_test(readme_clean_should_keep_unclosed_constructs_as_text),
        cmocka_unit_test(entity_decode_should_report_span_and_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
