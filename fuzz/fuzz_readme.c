/*
 * README cleaning, folding and arXiv ids on arbitrary bytes. Besides
 * memory errors it checks what the headers promise: outputs are
 * NUL-terminated at their stated length, folding yields valid UTF-8, a
 * canonical arXiv id normalises to itself, and a found id lies inside the
 * query.
 */
#include "fuzz.h"
#include "text.h"

#include <string.h>

static void check_clean(const char *s, size_t len, size_t max_token)
{
    size_t n = 0, fl = 0;
    char *clean = text_clean_readme(s, len, max_token, &n);
    char *folded = NULL;
    struct err e = {0, ""};

    if (!clean)
        return;
    FUZZ_CHECK(clean[n] == '\0');
    if (text_fold(clean, n, &folded, &fl, &e) == 0) {
        FUZZ_CHECK(folded[fl] == '\0');
        FUZZ_CHECK(text_utf8_valid(folded, fl));
    }
    free(folded);
    free(clean);
}

static void check_arxiv(const char *s, size_t len, const char *z)
{
    char id[64], again[64];
    size_t start = 0, end = 0;

    if (arxiv_normalize(s, len, id, sizeof(id))) {
        FUZZ_CHECK(strlen(id) < sizeof(id));
        FUZZ_CHECK(arxiv_normalize(id, strlen(id), again, sizeof(again)));
        FUZZ_CHECK(strcmp(id, again) == 0);
    }
    if (arxiv_find(z, id, sizeof(id), &start, &end)) {
        FUZZ_CHECK(start < end && end <= strlen(z));
        FUZZ_CHECK(
            arxiv_normalize(z + start, end - start, again, sizeof(again)));
        FUZZ_CHECK(strcmp(id, again) == 0);
    }
}

static void check_entities(const char *s, size_t len)
{
    for (const char *p = memchr(s, '&', len); p;
         p = memchr(p + 1, '&', len - (size_t)(p + 1 - s))) {
        char out[8];
        size_t n = 0,
               used = text_entity_decode(p, len - (size_t)(p - s), out, &n);

        FUZZ_CHECK(used <= len - (size_t)(p - s));
        FUZZ_CHECK(n <= sizeof(out));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char *z = malloc(size + 1), *repaired, *folded = NULL;
    size_t n = 0;
    struct err e = {0, ""};

    if (!z)
        return 0;
    memcpy(z, s, size);
    z[size] = '\0';
    check_clean(s, size, 64);
    check_clean(s, size, 4);
    check_arxiv(s, size, z);
    check_entities(s, size);
    (void)text_title_key(s, size);
    repaired = text_utf8_repair(s, size, &n);
    if (repaired) {
        FUZZ_CHECK(repaired[n] == '\0');
        FUZZ_CHECK(text_utf8_valid(repaired, n));
    }
    if (text_fold(s, size, &folded, &n, &e) == 0)
        FUZZ_CHECK(text_utf8_valid(folded, n));
    free(folded);
    free(repaired);
    free(z);
    return 0;
}
