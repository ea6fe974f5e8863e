/*
 * Completion terms and their lookup. Tasks and method names are ranked by
 * how many papers carry them; titles follow in key order. Display forms
 * ride in the term itself so a lookup never has to fetch a document.
 */
#include "suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "search_internal.h"
#include "text.h"

/* Room for key and display within Xapian's term length limit. */
#define KEY_MAX     100
#define DISPLAY_MAX 120
#define SCAN_MAX    400

static int keeps(unsigned char c)
{
    return c >= 0x80 || isalnum(c) || c == '+' || c == '#';
}

size_t suggest_key(const char *text, char *buf, size_t max)
{
    char *folded = NULL;
    size_t flen = 0, o = 0;
    int space = 0;

    if (text_fold(text, strlen(text), &folded, &flen, NULL) < 0) {
        buf[0] = '\0';
        return 0;
    }
    for (size_t i = 0; i < flen && o < max; i++) {
        unsigned char c = (unsigned char)folded[i];
        if (!keeps(c)) {
            space = o > 0;
            continue;
        }
        if (space && o + 1 < max)
            buf[o++] = ' ';
        space = 0;
        buf[o++] = (char)tolower(c);
    }
    /* Never end inside a UTF-8 sequence. */
    while (o > 0 && ((unsigned char)buf[o - 1] & 0x80)) {
        size_t start = o - 1;
        while (start > 0 && ((unsigned char)buf[start] & 0xC0) == 0x80)
            start--;
        {
            unsigned char lead = (unsigned char)buf[start];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (o - start == need)
                break;
        }
        o = start;
    }
    buf[o] = '\0';
    free(folded);
    return o;
}

static int add_one(xs_doc *doc, const char *prefix, const char *display,
                   size_t display_len, struct err *e)
{
    char key[KEY_MAX + 1], term[TERM_MAX + 1], shown[DISPLAY_MAX + 1];
    size_t klen;

    if (display_len > DISPLAY_MAX)
        display_len = DISPLAY_MAX;
    while (display_len > 0 &&
           ((unsigned char)display[display_len] & 0xC0) == 0x80)
        display_len--;
    memcpy(shown, display, display_len);
    shown[display_len] = '\0';
    klen = suggest_key(shown, key, KEY_MAX);
    if (klen == 0)
        return 0;
    snprintf(term, sizeof(term), "%s%s\x1f%s", prefix, key, shown);
    return xs_doc_add_term(doc, term, 0, e);
}

/* "BERT: Pre-training of ..." -> "BERT"; short names only. */
static size_t method_name(const char *title)
{
    const char *colon = strchr(title, ':');
    size_t n, words = 1;

    if (!colon)
        return 0;
    n = (size_t)(colon - title);
    if (n == 0 || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++)
        words += title[i] == ' ';
    return words <= 3 ? n : 0;
}

int suggest_add_terms(xs_doc *doc, const struct paper *p, struct err *e)
{
    size_t m = method_name(p->title);
    int rc = add_one(doc, PFX_SUGGEST_TITLE, p->title, strlen(p->title), e);

    if (rc == 0 && m)
        rc = add_one(doc, PFX_SUGGEST_METHOD, p->title, m, e);
    for (size_t i = 0; rc == 0 && i < p->n_tasks; i++)
        rc = add_one(doc, PFX_SUGGEST_TASK, p->tasks[i], strlen(p->tasks[i]),
                     e);
    return rc;
}

struct candidate {
    char text[DISPLAY_MAX + 1];
    const char *kind;
    uint32_t freq;
};

struct scan {
    struct candidate *c;
    size_t n, cap;
    size_t prefix_len;
    const char *kind;
};

static int collect(void *ctx, const char *term, size_t len, uint32_t freq)
{
    struct scan *s = ctx;
    const char *sep = memchr(term, 0x1f, len);
    size_t dlen;

    if (!sep || s->n == s->cap)
        return s->n == s->cap;
    dlen = len - (size_t)(sep + 1 - term);
    if (dlen > DISPLAY_MAX)
        dlen = DISPLAY_MAX;
    memcpy(s->c[s->n].text, sep + 1, dlen);
    s->c[s->n].text[dlen] = '\0';
    s->c[s->n].kind = s->kind;
    s->c[s->n].freq = freq;
    s->n++;
    return 0;
}

static int by_freq(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    if (a->freq != b->freq)
        return a->freq > b->freq ? -1 : 1;
    return strcmp(a->text, b->text);
}

static int seen_text(cJSON *arr, const char *text)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (strcasecmp(cJSON_GetObjectItem(it, "text")->valuestring, text) ==
            0)
            return 1;
    }
    return 0;
}

/* Appends up to quota of the candidates, in their order, leaving out a
 * text already there. */
static void emit(const struct candidate *c, size_t n, size_t quota,
                 cJSON *arr, unsigned max)
{
    size_t added = 0;

    for (size_t i = 0;
         i < n && added < quota && (unsigned)cJSON_GetArraySize(arr) < max;
         i++) {
        cJSON *o;
        if (seen_text(arr, c[i].text))
            continue;
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "text", c[i].text);
        cJSON_AddStringToObject(o, "kind", c[i].kind);
        cJSON_AddNumberToObject(o, "papers", c[i].freq);
        cJSON_AddItemToArray(arr, o);
        added++;
    }
}

/* Orders candidates by kind, then text regardless of case, then the most
 * frequent spelling first. */
static int by_kind_text(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    int c = strcmp(a->kind, b->kind);

    if (c == 0)
        c = strcasecmp(a->text, b->text);
    return c ? c : by_freq(pa, pb);
}

/* Sums the counts of spellings of one name within a kind ("Deep
 * learning", "Deep Learning"), as the task filter does, keeping the most
 * frequent spelling; returns the new count of candidates. */
static size_t merge_spellings(struct candidate *c, size_t n)
{
    size_t o = 0;

    qsort(c, n, sizeof(*c), by_kind_text);
    for (size_t i = 0; i < n; i++) {
        if (o > 0 && strcmp(c[o - 1].kind, c[i].kind) == 0 &&
            strcasecmp(c[o - 1].text, c[i].text) == 0) {
            c[o - 1].freq += c[i].freq;
            continue;
        }
        c[o++] = c[i];
    }
    return o;
}

/*
 * Appends the best tasks and method names together, by how many papers
 * carry them: a popular task is not hidden behind a method of the same
 * name from a single title, nor below a rarer method.
 */
static int scan_ranked(xs_db *db, const char *key, size_t quota,
                       cJSON *arr, unsigned max, struct err *e)
{
    static const struct {
        const char *pfx, *kind;
    } kinds[] = {{PFX_SUGGEST_TASK, "task"}, {PFX_SUGGEST_METHOD, "method"}};
    struct candidate *c = calloc(2 * SCAN_MAX, sizeof(*c));
    struct scan s = {c, 0, 0, 0, NULL};
    char prefix[KEY_MAX + 8];
    int rc = 0;

    if (!c)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; rc == 0 && k < 2; k++) {
        s.cap = s.n + SCAN_MAX;
        s.kind = kinds[k].kind;
        snprintf(prefix, sizeof(prefix), "%s%s", kinds[k].pfx, key);
        rc = xs_db_terms_with_prefix(db, prefix, SCAN_MAX, collect, &s, e);
    }
    s.n = merge_spellings(c, s.n);
    qsort(c, s.n, sizeof(*c), by_freq);
    if (rc == 0)
        emit(c, s.n, quota, arr, max);
    free(c);
    return rc;
}

/* Appends up to quota candidates of one kind, in key order. */
static int scan_kind(xs_db *db, const char *pfx, const char *kind,
                     const char *key, size_t quota, cJSON *arr, unsigned max,
                     struct err *e)
{
    struct candidate *c = calloc(SCAN_MAX, sizeof(*c));
    struct scan s = {c, 0, SCAN_MAX, 0, kind};
    char prefix[KEY_MAX + 8];
    int rc;

    if (!c)
        return err_set(e, ERR_NOMEM, "out of memory");
    snprintf(prefix, sizeof(prefix), "%s%s", pfx, key);
    rc = xs_db_terms_with_prefix(db, prefix, SCAN_MAX, collect, &s, e);
    if (rc == 0)
        emit(c, s.n, quota, arr, max);
    free(c);
    return rc;
}

int suggest_lookup(xs_db *db, const char *typed, unsigned max, cJSON **out,
                   struct err *e)
{
    char key[KEY_MAX + 1], *echo;
    size_t n;
    cJSON *o, *arr;
    int rc = 0;

    if (max > 50)
        max = 50;
    typed = typed ? typed : "";
    suggest_key(typed, key, KEY_MAX);
    /* The reply is JSON, so the echo must be UTF-8 whatever was typed. */
    echo = text_utf8_repair(typed, strlen(typed), &n);
    if (!echo)
        return err_set(e, ERR_NOMEM, "out of memory");
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "query", echo);
    free(echo);
    arr = cJSON_AddArrayToObject(o, "suggestions");
    if (key[0]) {
        rc = scan_ranked(db, key, 6, arr, max, e);
        if (rc == 0)
            rc = scan_kind(db, PFX_SUGGEST_TITLE, "title", key, max, arr, max,
                           e);
    }
    if (rc < 0) {
        cJSON_Delete(o);
        return rc;
    }
    *out = o;
    return 0;
}
