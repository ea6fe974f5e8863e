/*
 * HTTP client side of pwc-search --server, over libcurl. Replies are
 * capped in size so a wrong URL cannot make the CLI swallow gigabytes.
 */
#include "remote.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPLY (64u << 20)

struct buf {
    char *data;
    size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    size_t add = size * n;
    char *grown;

    if (b->len + add > MAX_REPLY)
        return 0;
    grown = realloc(b->data, b->len + add + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->len, ptr, add);
    b->data = grown;
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

static void add_param(CURL *c, char *url, size_t cap, const char *key,
                      const char *val)
{
    char *esc;
    size_t n = strlen(url);

    if (!val)
        return;
    esc = curl_easy_escape(c, val, 0);
    if (esc)
        snprintf(url + n, cap - n, "%s%s=%s", strchr(url, '?') ? "&" : "?",
                 key, esc);
    curl_free(esc);
}

static void add_uint(CURL *c, char *url, size_t cap, const char *key,
                     unsigned v)
{
    char num[16];
    snprintf(num, sizeof(num), "%u", v);
    add_param(c, url, cap, key, num);
}

static void build_url(CURL *c, const char *base, const struct search_req *r,
                      char *url, size_t cap)
{
    static const char *const sorts[] = {"relevance", "date", "stars"};
    char years[16];

    snprintf(url, cap, "%s/search", base);
    add_param(c, url, cap, "q", r->q ? r->q : "");
    add_uint(c, url, cap, "limit", r->limit);
    add_uint(c, url, cap, "offset", r->offset);
    add_param(c, url, cap, "sort", sorts[r->sort]);
    if (r->has_code >= 0)
        add_param(c, url, cap, "has_code", r->has_code ? "1" : "0");
    if (r->official == 1)
        add_param(c, url, cap, "official", "1");
    add_param(c, url, cap, "framework", r->framework);
    add_param(c, url, cap, "task", r->task);
    add_param(c, url, cap, "venue", r->venue);
    if (r->year_from || r->year_to) {
        snprintf(years, sizeof(years), "%.0d-%.0d", r->year_from,
                 r->year_to);
        add_param(c, url, cap, "year", years);
    }
    if (r->facets)
        add_param(c, url, cap, "facets", "1");
}

static int error_reply(cJSON *reply, long status, struct err *e)
{
    const cJSON *err = cJSON_GetObjectItem(reply, "error");
    const cJSON *msg = cJSON_GetObjectItem(err, "message");

    return err_set(e, ERR_USAGE, "server answered %ld: %s", status,
                   cJSON_IsString(msg) ? msg->valuestring : "no message");
}

int remote_search(const char *base_url, const struct search_req *r,
                  cJSON **reply, struct err *e)
{
    char url[16384];
    struct buf b = {NULL, 0};
    long status = 0;
    CURLcode cc;
    CURL *c = curl_easy_init();
    int rc = 0;

    if (!c)
        return err_set(e, ERR_NOMEM, "cannot start HTTP client");
    build_url(c, base_url, r, url, sizeof(url));
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        rc = err_set(e, ERR_IO, "%s: %s", base_url, curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    *reply = b.data ? cJSON_Parse(b.data) : NULL;
    if (!*reply) {
        rc = err_set(e, ERR_FORMAT, "%s: answer %ld is not JSON", base_url,
                     status);
    } else if (status != 200) {
        rc = error_reply(*reply, status, e);
        cJSON_Delete(*reply);
        *reply = NULL;
    }
out:
    free(b.data);
    curl_easy_cleanup(c);
    return rc;
}
