/*
 * Turns a paper and its implementations (or a README-only repository) into
 * a Xapian document: weighted free-text terms per field, filter terms,
 * sort and facet values, and the stored JSON shown with each hit.
 */
#ifndef PWC_PAPERDOC_H
#define PWC_PAPERDOC_H

#include <stddef.h>

#include "codeindex.h"
#include "config.h"
#include "crawl.h"
#include "err.h"
#include "xs.h"

struct doc_builder;

/* What a built document says about itself, for the indexer's summary. */
struct doc_info {
    char uid[256];
    int has_abstract;
    int has_code;
    int has_readme;
};

int doc_builder_new(const struct config *c, struct doc_builder **out,
                    struct err *e);
void doc_builder_free(struct doc_builder *b);
/*
 * Title words are counted for db's spelling table (borrowed; NULL for
 * none) and written to it by doc_builder_flush_spelling, which the caller
 * must call before its last commit.
 */
void doc_builder_set_spelling_db(struct doc_builder *b, xs_wdb *db);
int doc_builder_flush_spelling(struct doc_builder *b, struct err *e);

/* Adds the words of title to db's spelling table (for callers that build
 * without a spelling db and decide afterwards whether a paper is new). */
int doc_builder_spell(struct doc_builder *b, xs_wdb *db, const char *title,
                      struct err *e);

/*
 * Builds the document of paper p, joined with its implementations and
 * READMEs from ci. The document is owned by the builder and valid until
 * the next call; *data (the stored JSON, also inside the document) too.
 */
int doc_builder_paper(struct doc_builder *b, const struct paper *p,
                      const struct code_index *ci, xs_doc **doc,
                      struct doc_info *info, struct err *e);

/* Builds the document of a repository that only has a README. */
int doc_builder_repo(struct doc_builder *b, const struct readme *r,
                     xs_doc **doc, struct doc_info *info, struct err *e);

/* The stored JSON of the last built document (borrowed). */
const char *doc_builder_data(const struct doc_builder *b, size_t *len);

/*
 * The unique id of a paper: its arXiv id when it has one (so the same
 * paper from two sources is one document), else its crawl id.
 */
void paper_uid(const struct paper *p, char *buf, size_t cap);

#endif
