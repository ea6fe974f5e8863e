/*
 * The configuration shared by pwc-index, pwc-search and searchd: a small
 * "key = value" file (config/pwc-search.conf). Relative paths in it are
 * taken from the directory of the file, so a checkout works wherever it
 * lies. Unknown keys and bad values are errors naming file and line.
 */
#ifndef PWC_CONFIG_H
#define PWC_CONFIG_H

#include <stddef.h>

#include "err.h"

struct config {
    char index[4096]; /* index directory */
    char language[32];/* libstemmer language */
    int threads;      /* indexing threads (0: one per core) */

    /* within-document weight of each field (wdf increment per word) */
    unsigned weight_title, weight_abstract, weight_authors, weight_tasks,
        weight_venue, weight_readme;
    size_t readme_max_bytes; /* README text indexed per repository */

    /* searchd */
    char listen[64];
    int port;
    int http_threads;
    char cors_origin[256]; /* "" sends no CORS header */
    unsigned max_limit;    /* largest page size accepted */
    unsigned max_offset;   /* deepest result reachable */
    size_t max_query_bytes;
    unsigned max_query_terms;
    unsigned max_query_wildcards;
    unsigned max_wildcard_expansion;
    unsigned max_connections;
    unsigned connection_timeout_s;
    unsigned reload_check_ms;
    char log_level[16];
};

/* Fills c with built-in defaults (index "var/index", relative to cwd). */
void config_defaults(struct config *c);

/* Loads path over the current values of c. */
int config_load(const char *path, struct config *c, struct err *e);

/*
 * The config file to use when none is named: $PWC_CONFIG if set, else the
 * checkout's config/pwc-search.conf, else NULL (defaults only).
 */
const char *config_default_path(void);

#endif
