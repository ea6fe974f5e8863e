/*
 * What a build or update did, counted as it goes and printed at the end:
 * papers, with abstract, with code, links, READMEs matched, records
 * skipped and why.
 */
#ifndef PWC_SUMMARY_H
#define PWC_SUMMARY_H

#include <stddef.h>

#include "codeindex.h"
#include "feed.h"
#include "paperdoc.h"
#include "progress.h"

struct index_counts {
    size_t papers;        /* paper documents written */
    size_t with_abstract;
    size_t with_code;
    size_t with_readme;
    size_t repos;         /* README-only repository documents */
    size_t duplicates;    /* records replacing an earlier one, same id */
    size_t added;         /* update: new documents */
    size_t changed;       /* update: replaced documents */
    size_t unchanged;     /* update: identical, left alone */
};

struct build_report {
    struct progress progress;
    struct feed_stats feed;
    struct code_stats code;
    struct index_counts counts;
    unsigned generation;
    double index_seconds;
    double merge_seconds;
    int update; /* an update, not a build */
};

void index_counts_add(struct index_counts *c, const struct doc_info *info);
void index_counts_merge(struct index_counts *into,
                        const struct index_counts *from);
/* Prints the report to stderr, a line per figure. */
void build_report_print(const struct build_report *r, double total_seconds);

#endif
