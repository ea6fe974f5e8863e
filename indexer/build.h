/*
 * The two ways pwc-index writes an index: a full build into a new
 * generation, and an update of a copy of the live one; either is then
 * switched in atomically as the next generation.
 */
#ifndef PWC_BUILD_H
#define PWC_BUILD_H

#include "config.h"
#include "err.h"
#include "summary.h"

struct build_opts {
    const char *crawl;
    const char *index;
    const struct config *cfg;
    int threads; /* 0: from the config */
    int quiet;   /* no progress lines */
};

int index_build(const struct build_opts *o, struct build_report *rep,
                struct err *e);
int index_update(const struct build_opts *o, struct build_report *rep,
                 struct err *e);

#endif
