/*
 * Pieces of the search side shared between its files but not part of
 * search.h's public contract.
 */
#ifndef PWC_SEARCH_INTERNAL_H
#define PWC_SEARCH_INTERNAL_H

#include <cjson/cJSON.h>

#include "err.h"
#include "xs.h"

/* Completions for typed (see search_suggest); may throw ERR_MODIFIED. */
int suggest_lookup(xs_db *db, const char *typed, unsigned max, cJSON **out,
                   struct err *e);

#endif
