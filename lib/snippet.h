/*
 * Snippets: the stretch of a hit's text, at most a given number of bytes,
 * holding the most of the query's words, with those words marked.
 */
#ifndef PWC_SNIPPET_H
#define PWC_SNIPPET_H

#include <stddef.h>

#include "err.h"
#include "xs.h"

/* The words one query marks; built once per search, used for every hit. */
struct snippet_terms;

/*
 * Collects the terms of q worth marking. qp (borrowed, and used by one
 * thread at a time) stems the hits' words exactly as it stemmed the
 * query's; lang is its language.
 */
int snippet_terms_new(const xs_query *q, xs_qparser *qp, const char *lang,
                      struct snippet_terms **out, struct err *e);
void snippet_terms_free(struct snippet_terms *t);

struct snippet_style {
    size_t max_len;       /* bytes of text shown, marks not counted */
    const char *hl_start; /* around each matching word */
    const char *hl_end;
    const char *omit; /* where text was cut at either end */
};

/*
 * The snippet of text[0..len): a malloc'd string, HTML-escaped (& < >) for
 * element content apart from the marks, runs of white space and other ASCII control
 * characters shown as one space.
 * *marked tells whether it holds a query word. Text without any shows its
 * beginning.
 */
int snippet_make(const struct snippet_terms *t, const char *text, size_t len,
                 const struct snippet_style *style, char **out, int *marked,
                 struct err *e);

#endif
