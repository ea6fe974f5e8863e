/*
 * The in-memory join tables of a crawl: each paper's implementations (links
 * to repositories) and each repository's cleaned README text. Built once
 * before papers stream through the indexer, then read-only and safe to
 * share between indexing threads.
 */
#ifndef PWC_CODEINDEX_H
#define PWC_CODEINDEX_H

#include <stddef.h>

#include "crawl.h"
#include "err.h"

struct impl {
    char *repo_url;
    enum tri official;
    char *framework; /* NULL when unknown */
    long stars;      /* -1 when unknown */
};

struct readme {
    char *repo_url;
    char *text; /* cleaned (text_clean_readme) */
    size_t len;
    int linked; /* some paper of the crawl links to it */
};

struct code_index;

/* Counters for the indexer's summary. */
struct code_stats {
    size_t links;           /* links read */
    size_t links_skipped;   /* malformed link records */
    size_t links_unmatched; /* links to no paper of the crawl (known once
                               the papers were read) */
    size_t readmes;         /* README files loaded */
    size_t readmes_skipped; /* unreadable or malformed entries */
};

/*
 * Loads links and READMEs of cf (either may be absent). Malformed records
 * are reported through warn (one call per record, message names file and
 * line) and counted, not fatal; a truncated or unreadable file is fatal.
 */
typedef void (*code_warn_fn)(void *ctx, const char *msg);
int code_index_load(const struct crawl_files *cf, code_warn_fn warn,
                    void *warn_ctx, struct code_index **out,
                    struct code_stats *stats, struct err *e);
void code_index_free(struct code_index *ci);

/*
 * The implementations of a paper, found by crawl id or arXiv id (either
 * may be NULL), de-duplicated by repository. *n is set; the array is owned
 * by the index.
 */
const struct impl *const *code_index_impls(const struct code_index *ci,
                                            const char *paper_id,
                                            const char *arxiv_id, size_t *n);
/* Links whose paper was never asked for by code_index_impls: their paper
 * id and arXiv id name no paper of the crawl. Call once papers are read. */
size_t code_index_unmatched_links(const struct code_index *ci);
/* README of a repository URL, or NULL. */
const struct readme *code_index_readme(const struct code_index *ci,
                                       const char *repo_url);
/* All READMEs, for indexing those no paper links to. */
const struct readme *code_index_readme_at(const struct code_index *ci,
                                          size_t i);
size_t code_index_readme_count(const struct code_index *ci);

#endif
