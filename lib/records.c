/*
 * Decoding of crawl records into papers and links, for both our layout and
 * the Papers With Code dump: fields are read by name, so one decoder
 * serves both. Strings are repaired UTF-8 and arXiv ids canonical. Fields
 * neither layout needs (sources, methods, mentions) are ignored.
 */
#include "crawl.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every field either decoder reads, in strcmp order for the search. */
enum field {
    F_ABSTRACT,
    F_ARXIV_ID,
    F_AUTHORS,
    F_DATE,
    F_FRAMEWORK,
    F_ID,
    F_IS_OFFICIAL,
    F_PAPER_ARXIV_ID,
    F_PAPER_ID,
    F_PAPER_URL,
    F_PROCEEDING,
    F_REPO_URL,
    F_STARS,
    F_TASKS,
    F_TITLE,
    F_URL_ABS,
    F_URL_PDF,
    F_YEAR,
    F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "abstract",  "arxiv_id",  "authors",     "date",
    "framework", "id",        "is_official", "paper_arxiv_id",
    "paper_id",  "paper_url", "proceeding",  "repo_url",
    "stars",     "tasks",     "title",       "url_abs",
    "url_pdf",   "year"};

/* Everything a field decoder needs: the record's fields, found in one
 * pass over its members, and what a located error needs. */
struct dec {
    const cJSON *f[F_COUNT];
    const struct rec_loc *loc;
    struct err *e;
};

static int field_index(const char *key)
{
    int lo = 0, hi = F_COUNT - 1, mid, c;

    while (lo <= hi) {
        mid = (lo + hi) / 2;
        c = strcmp(key, field_names[mid]);
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

/* Like cJSON's own lookup, the first of duplicate keys wins. */
static void collect(struct dec *d, const cJSON *obj)
{
    const cJSON *it;
    int i;

    memset(d->f, 0, sizeof(d->f));
    cJSON_ArrayForEach(it, obj)
    {
        i = it->string ? field_index(it->string) : -1;
        if (i >= 0 && !d->f[i])
            d->f[i] = it;
    }
}

void rec_loc_format(const struct rec_loc *loc, char *buf, size_t size)
{
    const char *file;

    if (!loc) {
        snprintf(buf, size, "record");
        return;
    }
    file = loc->file ? loc->file : "?";
    if (loc->array)
        snprintf(buf, size, "%s: record %lu", file, loc->record);
    else
        snprintf(buf, size, "%s:%lu", file, loc->line);
}

static int field_error(const struct dec *d, enum field f, const char *what)
{
    char where[200];

    rec_loc_format(d->loc, where, sizeof(where));
    return err_set(d->e, ERR_FORMAT, "%s: field '%s': %s", where,
                   field_names[f], what);
}

static int nomem(const struct dec *d)
{
    char where[200];

    rec_loc_format(d->loc, where, sizeof(where));
    return err_set(d->e, ERR_NOMEM, "%s: out of memory", where);
}

/* Parses json into an object; cJSON's own error position is global, so
 * the parse end it hands back is used instead. */
/*
 * A copy of json with each \u0000 escape made \u0020, or NULL when there
 * is none (or no memory). cJSON's strings end at a NUL, so "a\u0000b"
 * would silently lose "b"; a space keeps the rest of the text. Escaped
 * backslashes are skipped, so "\\u0000" (a backslash, then "u0000")
 * stays as it is.
 */
static char *blank_nul_escapes(const char *json, size_t len)
{
    char *copy = NULL;

    for (size_t i = 0; i + 6 <= len && !copy; i++)
        if (json[i] == '\\' && memcmp(json + i + 1, "u0000", 5) == 0)
            copy = malloc(len);
    if (!copy)
        return NULL;
    memcpy(copy, json, len);
    for (size_t i = 0; i + 1 < len; i++) {
        if (copy[i] != '\\')
            continue;
        if (copy[i + 1] == 'u' && i + 6 <= len &&
            memcmp(copy + i + 2, "0000", 4) == 0)
            copy[i + 4] = '2';
        i++; /* past the escaped character */
    }
    return copy;
}

static int parse(const char *json, size_t len, const struct rec_loc *loc,
                 cJSON **out, struct err *e)
{
    const char *end = NULL;
    char where[200];
    char *blanked = blank_nul_escapes(json, len);
    size_t bad_at = 0; /* 1-based byte of a parse error, 0 unknown */
    cJSON *root;

    root = cJSON_ParseWithLengthOpts(blanked ? blanked : json, len, &end, 0);
    if (!root && end)
        bad_at = (size_t)(end - (blanked ? blanked : json)) + 1;
    free(blanked);
    if (!root) {
        rec_loc_format(loc, where, sizeof(where));
        return err_set(e, ERR_FORMAT, "%s: invalid JSON at byte %zu", where,
                       bad_at);
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        rec_loc_format(loc, where, sizeof(where));
        return err_set(e, ERR_FORMAT, "%s: expected a JSON object", where);
    }
    *out = root;
    return 0;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* Non-zero when s[0..n) is all ASCII; eight bytes at a time, because
 * nearly every string of a crawl is and this runs for all of them. */
static int all_ascii(const char *s, size_t n)
{
    uint64_t acc = 0, w;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)s[i];
    return (acc & 0x8080808080808080ULL) == 0;
}

/* A repaired copy of s. ASCII without NUL is already valid UTF-8, so it
 * is copied as is; everything else goes through the repair. */
static int dup_text(const struct dec *d, const char *s, char **out)
{
    size_t n = strlen(s);

    if (all_ascii(s, n)) {
        *out = malloc(n + 1);
        if (*out)
            memcpy(*out, s, n + 1);
    } else {
        *out = text_utf8_repair(s, n, &n);
    }
    return *out ? 0 : nomem(d);
}

/* Reads string field name into *out: NULL when absent, null or blank. */
static int get_str(const struct dec *d, enum field f, char **out)
{
    const cJSON *it = d->f[f];

    *out = NULL;
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsString(it) || !it->valuestring)
        return field_error(d, f, "expected a string");
    if (blank(it->valuestring))
        return 0;
    return dup_text(d, it->valuestring, out);
}

/* Canonical arXiv id of field name, or NULL when it is none. */
static int get_arxiv(const struct dec *d, enum field f, char **out)
{
    const cJSON *it = d->f[f];
    char buf[64];
    const char *s;

    *out = NULL;
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsString(it) || !it->valuestring)
        return field_error(d, f, "expected a string");
    s = it->valuestring;
    if (!arxiv_normalize(s, strlen(s), buf, sizeof(buf)))
        return 0;
    *out = strdup(buf);
    return *out ? 0 : nomem(d);
}

/* Array of strings; other elements are skipped, blank ones dropped. */
static int get_str_array(const struct dec *d, enum field f, char ***out,
                         size_t *n)
{
    const cJSON *it = d->f[f];
    const cJSON *el;
    size_t count = 0;
    char **v;
    int rc;

    *out = NULL;
    *n = 0;
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsArray(it))
        return field_error(d, f, "expected an array");
    cJSON_ArrayForEach(el, it)
    {
        if (cJSON_IsString(el) && el->valuestring && !blank(el->valuestring))
            count++;
    }
    if (count == 0)
        return 0;
    v = calloc(count, sizeof(*v));
    if (!v)
        return nomem(d);
    *out = v;
    cJSON_ArrayForEach(el, it)
    {
        if (!cJSON_IsString(el) || !el->valuestring || blank(el->valuestring))
            continue;
        rc = dup_text(d, el->valuestring, &v[*n]);
        if (rc < 0)
            return rc;
        (*n)++;
    }
    return 0;
}

/* A JSON number as a long, or -1 when absent, null or negative. Floats
 * are accepted because some dumps write counts as 12.0. */
static int get_count(const struct dec *d, enum field f, long *out)
{
    const cJSON *it = d->f[f];
    double v;

    *out = -1;
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsNumber(it))
        return field_error(d, f, "expected a number");
    v = it->valuedouble;
    if (v >= (double)LONG_MAX)
        *out = LONG_MAX;
    else if (v >= 0)
        *out = (long)v;
    return 0;
}

static int get_tri(const struct dec *d, enum field f, enum tri *out)
{
    const cJSON *it = d->f[f];

    *out = TRI_UNKNOWN;
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsBool(it))
        return field_error(d, f, "expected true, false or null");
    *out = cJSON_IsTrue(it) ? TRI_YES : TRI_NO;
    return 0;
}

/* Last path component of a PwC paper URL: ".../paper/<slug>/" -> slug. */
static int slug_of(const struct dec *d, const char *url, char **out)
{
    size_t end = strcspn(url, "?#");
    size_t start;
    char *tmp;
    int rc;

    while (end > 0 && url[end - 1] == '/')
        end--;
    start = end;
    while (start > 0 && url[start - 1] != '/')
        start--;
    if (start == end)
        return field_error(d, F_PAPER_URL, "no paper slug in the URL");
    tmp = strndup(url + start, end - start);
    if (!tmp)
        return nomem(d);
    rc = dup_text(d, tmp, out);
    free(tmp);
    return rc;
}

/* Crawl id from "id", or from the slug of "paper_url". */
static int get_paper_id(const struct dec *d, enum field id, char **out)
{
    char *url;
    int rc;

    rc = get_str(d, id, out);
    if (rc < 0 || *out)
        return rc;
    rc = get_str(d, F_PAPER_URL, &url);
    if (rc < 0 || !url)
        return rc;
    rc = slug_of(d, url, out);
    free(url);
    return rc;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

#define DROPPED_MAX 160

/* Keeps a date only in the "YYYY-MM-DD" form the contract promises; the
 * year is still taken from its first four digits. */
static int get_date(const struct dec *d, struct paper *p)
{
    static const char pat[] = "dddd-dd-dd";
    char *s;
    size_t i;
    int rc;

    rc = get_str(d, F_DATE, &s);
    if (rc < 0 || !s)
        return rc;
    for (i = 0; i < 4 && is_digit(s[i]); i++)
        ;
    if (i == 4 && p->year == 0)
        p->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
                  (s[3] - '0');
    for (i = 0; i < 10; i++)
        if (pat[i] == 'd' ? !is_digit(s[i]) : s[i] != '-')
            break;
    if (i == 10) {
        s[10] = '\0';
        p->date = s;
        return 0;
    }
    p->dropped = malloc(DROPPED_MAX);
    if (p->dropped)
        snprintf(p->dropped, DROPPED_MAX,
                 "field 'date': '%.40s' is not YYYY-MM-DD, left out (the "
                 "year is kept)", s);
    free(s);
    return 0;
}

static int get_year(const struct dec *d, int *out)
{
    const cJSON *it = d->f[F_YEAR];
    double v;

    *out = 0;
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsNumber(it))
        return field_error(d, F_YEAR, "expected a number");
    v = it->valuedouble;
    if (v < 1 || v > 9999)
        return field_error(d, F_YEAR, "out of range");
    *out = (int)v;
    return 0;
}

static int decode_paper(const struct dec *d, struct paper *p)
{
    int rc;

    rc = get_paper_id(d, F_ID, &p->id);
    if (rc == 0 && !p->id)
        return field_error(d, F_ID, "missing (no 'id' or 'paper_url')");
    if (rc == 0)
        rc = get_str(d, F_TITLE, &p->title);
    if (rc == 0 && !p->title)
        return field_error(d, F_TITLE, "missing or empty");
    if (rc == 0)
        rc = get_arxiv(d, F_ARXIV_ID, &p->arxiv_id);
    if (rc == 0)
        rc = get_str(d, F_ABSTRACT, &p->abstract);
    if (rc == 0)
        rc = get_str_array(d, F_AUTHORS, &p->authors, &p->n_authors);
    if (rc == 0)
        rc = get_str_array(d, F_TASKS, &p->tasks, &p->n_tasks);
    if (rc == 0)
        rc = get_year(d, &p->year);
    if (rc == 0)
        rc = get_date(d, p);
    if (rc == 0)
        rc = get_str(d, F_PROCEEDING, &p->venue);
    if (rc == 0)
        rc = get_str(d, F_URL_ABS, &p->url_abs);
    if (rc == 0)
        rc = get_str(d, F_URL_PDF, &p->url_pdf);
    return rc;
}

int paper_from_json(const char *json, size_t len, const struct rec_loc *loc,
                    struct paper *p, struct err *e)
{
    struct dec d;
    cJSON *root;
    int rc;

    memset(p, 0, sizeof(*p));
    rc = parse(json, len, loc, &root, e);
    if (rc < 0)
        return rc;
    collect(&d, root);
    d.loc = loc;
    d.e = e;
    rc = decode_paper(&d, p);
    cJSON_Delete(root);
    if (rc < 0)
        paper_fini(p);
    return rc;
}

static void free_strv(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void paper_fini(struct paper *p)
{
    if (!p)
        return;
    free(p->id);
    free(p->arxiv_id);
    free(p->title);
    free(p->abstract);
    free_strv(p->authors, p->n_authors);
    free_strv(p->tasks, p->n_tasks);
    free(p->date);
    free(p->venue);
    free(p->url_abs);
    free(p->url_pdf);
    free(p->dropped);
    memset(p, 0, sizeof(*p));
}

static int decode_link(const struct dec *d, struct link *l)
{
    int rc;

    rc = get_str(d, F_REPO_URL, &l->repo_url);
    if (rc == 0 && !l->repo_url)
        return field_error(d, F_REPO_URL, "missing or empty");
    if (rc == 0)
        rc = get_paper_id(d, F_PAPER_ID, &l->paper_id);
    if (rc == 0)
        rc = get_arxiv(d, F_PAPER_ARXIV_ID, &l->paper_arxiv_id);
    if (rc == 0 && !l->paper_id && !l->paper_arxiv_id)
        return field_error(d, F_PAPER_ID,
                           "missing (no 'paper_id', 'paper_url' or "
                           "'paper_arxiv_id')");
    if (rc == 0)
        rc = get_tri(d, F_IS_OFFICIAL, &l->official);
    if (rc == 0)
        rc = get_str(d, F_FRAMEWORK, &l->framework);
    if (rc == 0)
        rc = get_count(d, F_STARS, &l->stars);
    return rc;
}

int link_from_json(const char *json, size_t len, const struct rec_loc *loc,
                   struct link *l, struct err *e)
{
    struct dec d;
    cJSON *root;
    int rc;

    memset(l, 0, sizeof(*l));
    l->official = TRI_UNKNOWN;
    l->stars = -1;
    rc = parse(json, len, loc, &root, e);
    if (rc < 0)
        return rc;
    collect(&d, root);
    d.loc = loc;
    d.e = e;
    rc = decode_link(&d, l);
    cJSON_Delete(root);
    if (rc < 0)
        link_fini(l);
    return rc;
}

void link_fini(struct link *l)
{
    if (!l)
        return;
    free(l->paper_id);
    free(l->paper_arxiv_id);
    free(l->repo_url);
    free(l->framework);
    memset(l, 0, sizeof(*l));
    l->official = TRI_UNKNOWN;
    l->stars = -1;
}
