/*
 * Snippets on arbitrary text and queries. Input layout: one byte for the
 * snippet length, one choosing the language, then the query, a NUL and
 * the text. Checks that marks come in pairs and only when a word matched,
 * that the text shown keeps to the length asked for, and that valid UTF-8
 * stays valid.
 */
#include "fuzz.h"
#include "snippet.h"
#include "text.h"
#include "xs.h"

#include <string.h>

#define FLAGS (XS_QP_BOOLEAN | XS_QP_PHRASE | XS_QP_LOVEHATE | XS_QP_WILDCARD)

static const char *const langs[] = {"english", "french"};
static xs_qparser *parsers[2];

static size_t count(const char *s, const char *what)
{
    size_t n = 0;

    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* Bytes of text shown: marks left out, each escape counted as its one
 * character. */
static size_t shown_len(const char *s)
{
    static const char *const skip[] = {"<b>", "</b>"};
    static const char *const escapes[] = {"&amp;", "&lt;", "&gt;"};
    size_t n = 0;

    while (*s) {
        size_t k, used = 0;
        for (k = 0; k < 2 && !used; k++)
            if (strncmp(s, skip[k], strlen(skip[k])) == 0)
                used = strlen(skip[k]);
        if (used) {
            s += used;
            continue;
        }
        for (k = 0; k < 3 && !used; k++)
            if (strncmp(s, escapes[k], strlen(escapes[k])) == 0)
                used = strlen(escapes[k]);
        s += used ? used : 1;
        n++;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e = {0, ""};
    const struct snippet_style style = {size ? data[0] : 0, "<b>", "</b>",
                                        "..."};
    struct snippet_terms *terms = NULL;
    xs_query *q = NULL;
    const char *in, *nul;
    char *query, *out = NULL;
    size_t lang, rest;
    int marked = 0;

    if (size < 2)
        return 0;
    lang = data[1] % 2;
    if (!parsers[lang] && xs_qparser_new(langs[lang], &parsers[lang], &e) < 0)
        abort();
    in = (const char *)data + 2;
    rest = size - 2;
    nul = memchr(in, '\0', rest);
    if (!nul)
        return 0;
    query = strndup(in, (size_t)(nul - in));
    if (!query)
        return 0;
    if (xs_qparser_parse(parsers[lang], query, FLAGS, &q, &e) == 0 &&
        snippet_terms_new(q, parsers[lang], langs[lang], &terms, &e) == 0) {
        const char *text = nul + 1;
        size_t len = rest - (size_t)(text - in);

        if (snippet_make(terms, text, len, &style, &out, &marked, &e) == 0) {
            FUZZ_CHECK(count(out, "<b>") == count(out, "</b>"));
            FUZZ_CHECK((count(out, "<b>") > 0) == (marked != 0));
            /* Two "..." marks at most besides the text. */
            FUZZ_CHECK(shown_len(out) <= style.max_len + 6);
            if (text_utf8_valid(text, len) && !memchr(text, '\0', len))
                FUZZ_CHECK(text_utf8_valid(out, strlen(out)));
            free(out);
        }
    }
    snippet_terms_free(terms);
    xs_query_free(q);
    free(query);
    return 0;
}
