/*
 * Asking a running searchd instead of opening the index: the same search
 * request sent as GET /search, the same JSON reply back.
 */
#ifndef PWC_REMOTE_H
#define PWC_REMOTE_H

#include <cjson/cJSON.h>

#include "err.h"
#include "search.h"

/* Sends r to the daemon at base_url ("http://127.0.0.1:8080"). An error
 * reply from the daemon is returned as ERR_USAGE with its message. */
int remote_search(const char *base_url, const struct search_req *r,
                  cJSON **reply, struct err *e);

#endif
