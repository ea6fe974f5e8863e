/*
 * Text and JSON output of pwc-search. Unknown values (framework, stars,
 * official) are left out of the text, never shown as "no" or 0.
 */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#define MAX_AUTHORS 3
#define SHOWN_QUERY_MAX 200

static const char *str_or(const cJSON *o, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

static void print_authors(FILE *f, const cJSON *hit)
{
    const cJSON *authors = cJSON_GetObjectItem(hit, "authors");
    int n = cJSON_GetArraySize(authors), i = 0;
    const cJSON *a;

    if (n == 0)
        return;
    fputs("   ", f);
    cJSON_ArrayForEach(a, authors)
    {
        if (i == MAX_AUTHORS)
            break;
        fprintf(f, "%s%s", i ? ", " : "", a->valuestring);
        i++;
    }
    if (n > MAX_AUTHORS)
        fprintf(f, " and %d more", n - MAX_AUTHORS);
    fputc('\n', f);
}

static const struct {
    const char *from, *plain, *color;
} snippet_marks[] = {
    {"<b>", "[", "\033[1m"}, {"</b>", "]", "\033[0m"}, {"&amp;", "&", "&"},
    {"&lt;", "<", "<"},      {"&gt;", ">", ">"},       {"&quot;", "\"", "\""},
    {"&#39;", "'", "'"},
};

/* The snippet on one line, its HTML marks and escapes made readable. */
static void print_snippet(FILE *f, const cJSON *hit, int color)
{
    const char *s = str_or(hit, "snippet", NULL);

    if (!s || strcmp(str_or(hit, "snippet_from", ""), "title") == 0)
        return;
    fputs("   ", f);
    while (*s) {
        size_t k, n = sizeof(snippet_marks) / sizeof(snippet_marks[0]);
        for (k = 0; k < n; k++)
            if (strncmp(s, snippet_marks[k].from,
                        strlen(snippet_marks[k].from)) == 0)
                break;
        if (k < n) {
            fputs(color ? snippet_marks[k].color : snippet_marks[k].plain, f);
            s += strlen(snippet_marks[k].from);
            continue;
        }
        fputc(*s == '\n' || *s == '\t' || *s == '\r' ? ' ' : *s, f);
        s++;
    }
    fputc('\n', f);
}

static void print_code(FILE *f, const cJSON *hit)
{
    const cJSON *impls = cJSON_GetObjectItem(hit, "implementations");
    const cJSON *best = cJSON_GetArrayItem(impls, 0), *v;
    int n = cJSON_GetArraySize(impls);

    if (!best) {
        fputs("   no code\n", f);
        return;
    }
    v = cJSON_GetObjectItem(best, "official");
    fprintf(f, "   code: %s", cJSON_IsTrue(v)    ? "official"
                              : cJSON_IsFalse(v) ? "community"
                                                 : "unverified");
    v = cJSON_GetObjectItem(best, "framework");
    if (cJSON_IsString(v))
        fprintf(f, ", %s", v->valuestring);
    v = cJSON_GetObjectItem(best, "stars");
    if (cJSON_IsNumber(v))
        fprintf(f, ", %.0f stars", v->valuedouble);
    fprintf(f, ", %s", str_or(best, "repo_url", "?"));
    if (n > 1)
        fprintf(f, " (+%d more)", n - 1);
    fputc('\n', f);
}

static void print_hit(FILE *f, const cJSON *hit, int color)
{
    const cJSON *year = cJSON_GetObjectItem(hit, "year");
    const char *arxiv = str_or(hit, "arxiv_id", NULL);
    const char *venue = str_or(hit, "venue", NULL);

    fprintf(f, "%2.0f. %s%s%s", cJSON_GetObjectItem(hit, "rank")->valuedouble,
            color ? "\033[1m" : "", str_or(hit, "title", "(untitled)"),
            color ? "\033[0m" : "");
    if (venue)
        fprintf(f, " (%s)", venue);
    else if (cJSON_IsNumber(year))
        fprintf(f, " (%.0f)", year->valuedouble);
    if (arxiv)
        fprintf(f, " arXiv:%s", arxiv);
    if (strcmp(str_or(hit, "kind", "paper"), "repo") == 0)
        fputs(" [repository]", f);
    fputc('\n', f);
    print_authors(f, hit);
    print_snippet(f, hit, color);
    print_code(f, hit);
}

static void print_facets(FILE *f, const cJSON *facets)
{
    const cJSON *facet, *v;

    cJSON_ArrayForEach(facet, facets)
    {
        int i = 0;
        fprintf(f, "  %s:", facet->string);
        cJSON_ArrayForEach(v, facet)
        {
            if (i++ == 10)
                break;
            fprintf(f, " %s (%.0f)", str_or(v, "value", "?"),
                    cJSON_GetObjectItem(v, "count")->valuedouble);
        }
        fputc('\n', f);
    }
}

static double total_field(const cJSON *reply, const char *key)
{
    const cJSON *total = cJSON_GetObjectItem(reply, "total");
    const cJSON *v = cJSON_GetObjectItem(total, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The query as echoed in a message: a pasted page is cut, at a character
 * boundary, with an ellipsis. */
static const char *shown_query(const cJSON *reply, char *buf, size_t cap)
{
    const char *q = str_or(reply, "query", "");
    size_t n = strlen(q);

    if (n < cap)
        return q;
    n = cap - 4;
    while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, q, n);
    memcpy(buf + n, "...", 4);
    return buf;
}

int render_matched(const cJSON *reply)
{
    return cJSON_GetArraySize(cJSON_GetObjectItem(reply, "hits")) > 0 ||
           total_field(reply, "lower") > 0;
}

void render_text(FILE *f, const cJSON *reply, int color)
{
    const cJSON *hits = cJSON_GetObjectItem(reply, "hits"), *hit;
    const cJSON *total = cJSON_GetObjectItem(reply, "total");
    const cJSON *facets = cJSON_GetObjectItem(reply, "facets");
    double est = cJSON_GetObjectItem(total, "estimated")->valuedouble;
    int exact = cJSON_IsTrue(cJSON_GetObjectItem(total, "exact"));
    char q[SHOWN_QUERY_MAX];

    if (cJSON_GetArraySize(hits) == 0 && render_matched(reply)) {
        fprintf(f, "%s%.0f hits for \"%s\", none on this page (offset %.0f, "
                   "limit %.0f)\n",
                exact ? "" : "about ", est, shown_query(reply, q, sizeof(q)),
                cJSON_GetObjectItem(reply, "offset")->valuedouble,
                cJSON_GetObjectItem(reply, "limit")->valuedouble);
        if (facets)
            print_facets(f, facets);
        return;
    }
    if (cJSON_GetArraySize(hits) == 0) {
        const char *fixed = str_or(reply, "corrected", NULL);

        fprintf(f, "no hits for \"%s\"\n", shown_query(reply, q, sizeof(q)));
        if (fixed)
            fprintf(f, "did you mean \"%s\"?\n", fixed);
        return;
    }
    cJSON_ArrayForEach(hit, hits)
    {
        print_hit(f, hit, color);
        fputc('\n', f);
    }
    fprintf(f, "%s%.0f hits%s, %.1f ms\n", exact ? "" : "about ", est,
            cJSON_IsTrue(cJSON_GetObjectItem(reply, "all_words"))
                ? ""
                : " (matching some of the words)",
            cJSON_GetObjectItem(reply, "took_ms")->valuedouble);
    if (facets)
        print_facets(f, facets);
}

void render_json(FILE *f, const cJSON *reply)
{
    char *s = cJSON_PrintUnformatted(reply);

    if (s) {
        fputs(s, f);
        fputc('\n', f);
        free(s);
    }
}
