/*
 * The request target of an HTTP request, from raw bytes to a search: path
 * and query string split and percent-decoded, every key and value checked
 * to be UTF-8 without NUL bytes, and the parameters of /search and
 * /suggest read with their limits. No HTTP library here, so it can be unit
 * tested and fuzzed; searchd turns a refusal into a 400 or 414 reply.
 */
#ifndef PWC_HTTP_PARAMS_H
#define PWC_HTTP_PARAMS_H

#include "config.h"
#include "err.h"
#include "search.h"

#include <stddef.h>

/* One decoded query-string pair. Both strings are NUL-terminated in the
 * caller's buffer; the lengths count any NUL byte a client encoded. */
struct http_param {
    const char *key;
    size_t key_len;
    const char *val;
    size_t val_len;
};

/* More pairs than this in one query string are refused. */
#define HTTP_PARAMS_MAX 64
/* Largest snippet a client may ask for, in bytes. */
#define HTTP_SNIPPET_MAX 1000
/* Suggestions per /suggest reply, at most. */
#define HTTP_SUGGEST_MAX 10

/* Why a request was refused: the HTTP status and the parameter at fault,
 * which the message in struct err also names. */
struct http_bad {
    int status;     /* 400, or 414 when q is longer than allowed */
    char param[32]; /* "" when no single parameter is at fault */
};

/*
 * Decodes %XX escapes of s[0..len) in place, and '+' as a space when
 * plus_is_space (query strings; not paths). A '%' not followed by two hex
 * digits stays as it is. Writes a NUL after the result and returns its
 * length, which may be less than strlen() when %00 was decoded.
 */
size_t http_unescape(char *s, size_t len, int plus_is_space);

/*
 * Splits a request target ("/path?query", or an absolute
 * "http://host/path?query") in place: *path gets the still-encoded path,
 * *query the query string after '?' or "" when there is none.
 */
void http_target_split(char *target, char **path, char **query);

/*
 * Splits and decodes query string qs in place into kv (room for cap
 * pairs; *n gets the count). Empty pieces ("a=1&&b=2") are skipped and a
 * key without '=' has the value "". Fails with ERR_USAGE, naming the
 * parameter in e and bad, when a key or value holds a NUL byte or invalid
 * UTF-8, or when there are more than cap pairs.
 */
int http_query_parse(char *qs, struct http_param *kv, size_t cap, size_t *n,
                     struct http_bad *bad, struct err *e);

/*
 * Fills r from the parameters of GET /search: q, limit, offset or page,
 * sort, has_code, official, framework, task, venue, year, facets and
 * snippet, within the limits of c (max_limit, max_offset,
 * max_query_bytes). Unknown parameters are ignored; an empty value is the
 * same as leaving the parameter out; a known one given twice is an error.
 * Strings in r point into kv. Highlights are <b> and </b>. Fails with
 * ERR_USAGE, the message and bad naming the parameter.
 */
int http_params_search(const struct http_param *kv, size_t n,
                       const struct config *c, struct search_req *r,
                       struct http_bad *bad, struct err *e);

/*
 * Reads the parameters of GET /suggest: q (the words typed so far; NULL
 * when absent) and limit (1 to HTTP_SUGGEST_MAX, default the maximum).
 * Same rules and errors as http_params_search.
 */
int http_params_suggest(const struct http_param *kv, size_t n,
                        const struct config *c, const char **q, unsigned *max,
                        struct http_bad *bad, struct err *e);

#endif
