/*
 * From a user's query string and filters to a Xapian query. The rules:
 * the query is folded like indexed text; an arXiv id in any spelling finds
 * its paper first; an exact title ranks its paper first; a query Xapian
 * cannot parse is parsed again with fewer operators until it can, so the
 * user never sees a syntax error.
 */
#ifndef PWC_QUERY_H
#define PWC_QUERY_H

#include "err.h"
#include "search.h"
#include "xs.h"

/* Sets up a query parser with our field prefixes and the stop words of
 * lang. */
int query_parser_new(const char *lang, xs_qparser **out, struct err *e);

enum query_mode {
    QUERY_ALL_WORDS, /* plain words must all match */
    QUERY_ANY_WORD   /* plain words may match (ranked by how many) */
};

/* Bounds on what one query may ask for (from the config). */
struct query_limits {
    unsigned max_terms;     /* words kept; the rest are dropped */
    unsigned max_wildcards; /* '*' kept; the rest are ignored */
};

/*
 * Builds the query for r. *has_text tells whether the user typed any
 * searchable words (else the query matches all documents, filtered).
 * *degraded is set when operators had to be ignored to parse the query.
 */
int query_build(xs_qparser *qp, const struct search_req *r,
                enum query_mode mode, const struct query_limits *lim,
                xs_query **out, int *has_text, int *degraded, struct err *e);

/*
 * The spelling-corrected form of q from the index's spelling data, or
 * *out = NULL when every word is known (or nothing better is found).
 */
int query_correct(xs_qparser *qp, const char *q, char **out, struct err *e);

#endif
