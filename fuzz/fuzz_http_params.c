/*
 * searchd's request-target decoding on arbitrary bytes: the target split
 * into path and query string, the path unescaped, the query string parsed
 * and read as /search and /suggest parameters under the default limits
 * and under tight ones. Checks that whatever is accepted is within the
 * limits and valid UTF-8, and that whatever is refused gets a 400 or 414
 * with a message.
 */
#include "fuzz.h"
#include "http_params.h"
#include "text.h"

#include <string.h>

static void check_refusal(const struct http_bad *bad, const struct err *e)
{
    FUZZ_CHECK(bad->status == 400 || bad->status == 414);
    FUZZ_CHECK(e->msg[0] && text_utf8_valid(e->msg, strlen(e->msg)));
    FUZZ_CHECK(text_utf8_valid(bad->param, strlen(bad->param)));
}

static void check_search(const struct http_param *kv, size_t n,
                         const struct config *c)
{
    struct http_bad bad = {400, ""};
    struct err e = {0, ""};
    struct search_req r;
    const char *q;
    unsigned max;

    if (http_params_search(kv, n, c, &r, &bad, &e) == 0) {
        FUZZ_CHECK(r.limit <= c->max_limit);
        FUZZ_CHECK(r.offset <= c->max_offset);
        FUZZ_CHECK(!r.q || strlen(r.q) <= c->max_query_bytes);
        FUZZ_CHECK(r.snippet_bytes <= HTTP_SNIPPET_MAX);
        FUZZ_CHECK(r.sort == SORT_RELEVANCE || r.sort == SORT_DATE ||
                   r.sort == SORT_STARS);
        FUZZ_CHECK(r.has_code >= -1 && r.has_code <= 1);
        FUZZ_CHECK(!r.year_to || r.year_from <= r.year_to);
    } else {
        check_refusal(&bad, &e);
    }
    bad = (struct http_bad){400, ""};
    err_clear(&e);
    if (http_params_suggest(kv, n, c, &q, &max, &bad, &e) == 0) {
        FUZZ_CHECK(max >= 1 && max <= HTTP_SUGGEST_MAX);
        FUZZ_CHECK(!q || strlen(q) <= c->max_query_bytes);
    } else {
        check_refusal(&bad, &e);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_param kv[HTTP_PARAMS_MAX];
    struct http_bad bad = {400, ""};
    struct err e = {0, ""};
    struct config dflt, tight;
    char *target = malloc(size + 1), *path, *query;
    size_t n = 0, plen, before;

    if (!target)
        return 0;
    /* MHD hands over the target as a C string: it ends at a NUL. */
    memcpy(target, data, size);
    target[size] = '\0';
    http_target_split(target, &path, &query);
    before = strlen(path);
    plen = http_unescape(path, before, 0);
    FUZZ_CHECK(plen <= before && path[plen] == '\0');
    if (http_query_parse(query, kv, HTTP_PARAMS_MAX, &n, &bad, &e) < 0) {
        check_refusal(&bad, &e);
        free(target);
        return 0;
    }
    FUZZ_CHECK(n <= HTTP_PARAMS_MAX);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(!memchr(kv[i].key, '\0', kv[i].key_len));
        FUZZ_CHECK(kv[i].key[kv[i].key_len] == '\0');
        FUZZ_CHECK(kv[i].val[kv[i].val_len] == '\0');
        FUZZ_CHECK(text_utf8_valid(kv[i].key, kv[i].key_len));
        FUZZ_CHECK(!memchr(kv[i].val, '\0', kv[i].val_len));
        FUZZ_CHECK(text_utf8_valid(kv[i].val, kv[i].val_len));
    }
    config_defaults(&dflt);
    config_defaults(&tight);
    tight.max_limit = 5;
    tight.max_offset = 20;
    tight.max_query_bytes = 16;
    check_search(kv, n, &dflt);
    check_search(kv, n, &tight);
    free(target);
    return 0;
}
