/*
 * Searching an index: the query rules (phrases, +/-, AND/OR/NOT, field
 * prefixes, arXiv ids, exact titles, never a syntax error), filters,
 * sorting with a stable tie-break, facets and snippets, and the join of
 * each hit with its implementations. pwc-search and searchd both answer
 * through here, so they answer alike. The reply is a cJSON tree.
 */
#ifndef PWC_SEARCH_H
#define PWC_SEARCH_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

enum search_sort { SORT_RELEVANCE, SORT_DATE, SORT_STARS };

struct search_req {
    const char *q;        /* user's query; NULL or blank matches all */
    unsigned offset;
    unsigned limit;
    enum search_sort sort;
    int has_code;         /* -1 any, 0 without code, 1 with code */
    int official;         /* -1 any, 1 only papers with official code */
    const char *framework;/* comma-separated, any of them; NULL any */
    const char *task;     /* comma-separated, any of them */
    const char *venue;    /* comma-separated venue names ("CVPR") */
    int year_from;        /* 0: open */
    int year_to;          /* 0: open */
    int facets;           /* compute facet counts */
    size_t snippet_bytes; /* 0: no snippets */
    const char *hl_start; /* highlight marks in snippets */
    const char *hl_end;
};

/* Fills r with defaults: first 10 by relevance, no filters, snippets of
 * 200 bytes marked with <b> and </b>. */
void search_req_init(struct search_req *r);

struct searcher;

/*
 * Opens the index at path (an index directory with CURRENT, a database, or
 * a stub file of shards). The stemming language is the one the index was
 * built with. Not thread-safe: one searcher per thread.
 */
int searcher_open(const char *path, const struct config *cfg,
                  struct searcher **out, struct err *e);
void searcher_free(struct searcher *s);

/*
 * Moves to the newest index: a new generation published under the index
 * directory, or new commits to the open one. *changed says whether the
 * searcher now reads something else.
 */
int searcher_refresh(struct searcher *s, int *changed, struct err *e);

/*
 * Orders what searchers read: a later generation, or a later commit to the
 * same one, has a larger version. Comparable across searchers of one path.
 */
uint64_t searcher_version(const struct searcher *s);

/* Describes the open index: documents, generation, build time. */
int searcher_info(struct searcher *s, cJSON **out, struct err *e);

/*
 * Runs a search. *reply gets {query, understood, total: {estimated, lower,
 * upper}, offset, limit, sort, corrected, hits: [...], facets?}. The
 * database changing underneath is handled here (reopen and retry).
 */
int search_run(struct searcher *s, const struct search_req *r,
               cJSON **reply, struct err *e);

/* One document by our id, arXiv id (any spelling) or crawl id, with all
 * its implementations. ERR_NOTFOUND when there is none. */
int search_get(struct searcher *s, const char *id, cJSON **doc,
               struct err *e);

/*
 * Completions for a search box: up to max titles, tasks and method names
 * starting with the words typed so far (the last word may be partial).
 * *out gets {"query": ..., "suggestions": [{"text", "kind", "id"?}]}.
 */
int search_suggest(struct searcher *s, const char *prefix, unsigned max,
                   cJSON **out, struct err *e);

/* Parses "relevance", "date" or "stars"; -1 otherwise. */
int search_sort_parse(const char *s);

/* Parses "2019" or "2015-2020" (either end may be empty). */
int search_years_parse(const char *s, int *from, int *to);

#endif
