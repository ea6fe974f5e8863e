/*
 * xs: a plain C API over xapian-core 1.4. Opaque handles and plain C types
 * only; every function catches every exception and reports it through a
 * caller-owned struct err (Xapian's message copied in). Stemming always goes
 * through libstemmer (Snowball), plugged into Xapian as a user stemmer, so
 * the indexer and the query parser stem identically.
 *
 * Thread-safety: handles are not thread-safe; use one per thread. Distinct
 * handles may be used concurrently. Functions returning int return 0 or a
 * negative ERR_* code (see lib/err.h). Strings returned through char ** are
 * malloc'd and owned by the caller (free()).
 */
#ifndef PWC_XS_H
#define PWC_XS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xs_db xs_db;             /* read-only database */
typedef struct xs_wdb xs_wdb;           /* writable database */
typedef struct xs_doc xs_doc;           /* document being built */
typedef struct xs_indexer xs_indexer;   /* TermGenerator + our stemmer */
typedef struct xs_qparser xs_qparser;   /* QueryParser + our stemmer */
typedef struct xs_query xs_query;       /* immutable query tree */
typedef struct xs_enquire xs_enquire;   /* one search session on a db */
typedef struct xs_mset xs_mset;         /* a page of results */
typedef struct xs_stemmer xs_stemmer;   /* libstemmer instance */

/* ---- stemmer ------------------------------------------------------- */

/*
 * Opens a libstemmer stemmer for lang ("english", "en", "french", ... as
 * libstemmer names them); "none" gives a stemmer that returns words as they
 * are. ERR_USAGE names the language when libstemmer does not know it.
 */
int xs_stemmer_new(const char *lang, xs_stemmer **out, struct err *e);
void xs_stemmer_free(xs_stemmer *st);
/* Stems one lower-case UTF-8 word; *out is malloc'd. */
int xs_stemmer_stem(xs_stemmer *st, const char *word, size_t len, char **out,
                    struct err *e);

/* ---- read-only database -------------------------------------------- */

/*
 * Opens path read-only: a glass database directory or a Xapian stub file
 * (which may list several shards, local or remote). ERR_NOTFOUND when
 * nothing is there.
 */
int xs_db_open(const char *path, xs_db **out, struct err *e);
void xs_db_free(xs_db *db);
/*
 * Declares the field whose words the index holds only unprefixed: a query
 * term prefix+word, or a wildcard under prefix (expanded to at most
 * max_expansion words), then matches the documents where the word's
 * unprefixed wdf exceeds what the n other fields account for, each of
 * those being indexed under others[i] with wdf 1 an occurrence and adding
 * weights[i] an occurrence to the unprefixed wdf; weight is the field's
 * own. Searches started afterwards use it.
 */
int xs_db_set_implicit_field(xs_db *db, const char *prefix, unsigned weight,
                             const char *const *others,
                             const unsigned *weights, size_t n,
                             unsigned max_expansion, struct err *e);
/* Brings the handle to the latest committed revision; *changed tells
 * whether it moved. */
int xs_db_reopen(xs_db *db, int *changed, struct err *e);
/* The committed revision a single database is at; 0 for a set of shards,
 * which have no one revision. */
uint64_t xs_db_revision(xs_db *db);
int xs_db_doccount(xs_db *db, uint32_t *out, struct err *e);
/* Sets *freq to the number of documents indexed by term. */
int xs_db_termfreq(xs_db *db, const char *term, uint32_t *freq,
                   struct err *e);
/* Sets *docid to the first document indexed by term; ERR_NOTFOUND if
 * none. */
int xs_db_find_term(xs_db *db, const char *term, uint32_t *docid,
                    struct err *e);
/* Copies the stored data of docid; ERR_NOTFOUND if no such document. */
int xs_db_get_data(xs_db *db, uint32_t docid, char **data, size_t *len,
                   struct err *e);
/* Copies a metadata value; an absent key gives an empty string. */
int xs_db_get_metadata(xs_db *db, const char *key, char **out,
                       struct err *e);

/*
 * Calls fn for each term starting with prefix, in byte order, with its
 * document frequency, until fn returns non-zero or max terms were seen.
 */
typedef int (*xs_term_fn)(void *ctx, const char *term, size_t len,
                          uint32_t termfreq);
int xs_db_terms_with_prefix(xs_db *db, const char *prefix, size_t max,
                            xs_term_fn fn, void *ctx, struct err *e);

/* ---- writable database --------------------------------------------- */

enum {
    XS_WDB_CREATE    = 1 << 0, /* create, or overwrite an existing one */
    XS_WDB_OPEN      = 1 << 1, /* open an existing one, fail if absent */
    XS_WDB_NO_SYNC   = 1 << 2, /* skip fsync: for fresh builds swapped in */
    XS_WDB_FULL_SYNC = 1 << 3, /* fsync harder (F_FULLFSYNC where there is one) */
    /* Write blocks in place (Xapian's DB_DANGEROUS) and make them large:
     * less I/O, but no reader may open it meanwhile and a writer that dies
     * leaves it unusable. Only for scratch parts, compacted afterwards and
     * thrown away on failure. */
    XS_WDB_SCRATCH   = 1 << 4
};

/* ERR_LOCKED when another writer holds the database. */
int xs_wdb_open(const char *path, int flags, xs_wdb **out, struct err *e);
/* Closes; changes not committed are discarded. Accepts NULL. */
void xs_wdb_free(xs_wdb *db);
/* Adds doc (borrowed) and sets *docid if docid is not NULL. */
int xs_wdb_add(xs_wdb *db, xs_doc *doc, uint32_t *docid, struct err *e);
/* Replaces the documents indexed by term with doc, or adds it. */
int xs_wdb_replace_term(xs_wdb *db, const char *term, xs_doc *doc,
                        struct err *e);
/* Replaces document docid (which must exist or be a fresh id). */
int xs_wdb_replace_docid(xs_wdb *db, uint32_t docid, xs_doc *doc,
                         struct err *e);
/* Deletes the documents indexed by term (none is not an error). */
int xs_wdb_delete_term(xs_wdb *db, const char *term, struct err *e);
/* Like xs_db_find_term and xs_db_get_data, on the writer's view. */
int xs_wdb_find_term(xs_wdb *db, const char *term, uint32_t *docid,
                     struct err *e);
int xs_wdb_get_data(xs_wdb *db, uint32_t docid, char **data, size_t *len,
                    struct err *e);
int xs_wdb_doccount(xs_wdb *db, uint32_t *out, struct err *e);
int xs_wdb_set_metadata(xs_wdb *db, const char *key, const char *value,
                        struct err *e);
int xs_wdb_get_metadata(xs_wdb *db, const char *key, char **out,
                        struct err *e);
/* Makes all changes so far durable and visible to readers, atomically. */
int xs_wdb_commit(xs_wdb *db, struct err *e);

/*
 * Merges the databases srcs[0..n) into a new compact database at dst
 * (which must not exist), keeping every document and the spelling data.
 * Document ids are renumbered to follow one another.
 */
int xs_compact(const char *const *srcs, size_t n, const char *dst,
               struct err *e);

/* ---- documents ----------------------------------------------------- */

/*
 * A document's stored data (its record, what a hit shows) lives in this
 * value slot, packed with LZ4 (see xs_docdata.cc); callers leave the slot
 * alone and go through xs_doc_set_data and the *_get_data calls.
 */
#define XS_DATA_SLOT 250u

int xs_doc_new(xs_doc **out, struct err *e);
void xs_doc_free(xs_doc *doc);
/* Empties doc for reuse (terms, values and so its data). */
void xs_doc_clear(xs_doc *doc);
int xs_doc_set_data(xs_doc *doc, const char *data, size_t len,
                    struct err *e);
/* Adds a term with wdf increment wdf_inc (0 gives a boolean term). */
int xs_doc_add_term(xs_doc *doc, const char *term, unsigned wdf_inc,
                    struct err *e);
/* slot XS_DATA_SLOT is refused (ERR_USAGE). */
int xs_doc_add_value(xs_doc *doc, unsigned slot, const char *val,
                     size_t len, struct err *e);


/*
 * Encodes d so that byte order of encodings is numeric order (Xapian's
 * sortable_serialise). buf must hold 18 bytes; returns the length.
 */
size_t xs_sortable_serialise(double d, char *buf);
double xs_sortable_unserialise(const char *buf, size_t len);

/* ---- indexing text ------------------------------------------------- */

/*
 * Words for the spelling table ("did you mean"), counted in memory and
 * written once each on flush: much cheaper than a TermGenerator feeding
 * the table word by word (XS_INDEXER_SPELLING). The words are the same:
 * Xapian's word splitting, lower-cased, unstemmed.
 */
typedef struct xs_spelling xs_spelling;
/* stopwords: NULL-terminated words never counted (a correction to "an" or
 * "the" helps nobody); NULL for none. */
int xs_spelling_new(const char *const *stopwords, xs_spelling **out,
                    struct err *e);
void xs_spelling_free(xs_spelling *sp);
/* Counts the words of UTF-8 text. */
int xs_spelling_add_text(xs_spelling *sp, const char *text, size_t len,
                         struct err *e);
/* Distinct words counted and not yet flushed. */
size_t xs_spelling_size(const xs_spelling *sp);
/* Adds the counted words to db's spelling table and forgets them; on
 * failure the words not yet written stay counted. */
int xs_spelling_flush(xs_spelling *sp, xs_wdb *db, struct err *e);

enum {
    XS_INDEXER_SPELLING = 1 << 0 /* feed words to the database's
                                    spelling table (needs a db) */
};

/* A TermGenerator stemming every term (STEM_ALL) with libstemmer lang. */
int xs_indexer_new(const char *lang, int flags, xs_indexer **out,
                   struct err *e);
void xs_indexer_free(xs_indexer *ix);
/* Sets the document that following calls add terms to (borrowed), and
 * resets the term position to 0. */
void xs_indexer_set_document(xs_indexer *ix, xs_doc *doc);
/* Sets the database that receives spelling data (borrowed, may be NULL). */
void xs_indexer_set_database(xs_indexer *ix, xs_wdb *db);
/*
 * Tokenizes UTF-8 text into doc: each word gets wdf_inc, the given term
 * prefix ("" for none), and positions if positions is non-zero.
 */
int xs_indexer_index_text(xs_indexer *ix, const char *text, size_t len,
                          unsigned wdf_inc, const char *prefix,
                          int positions, struct err *e);
/* Moves the term position on by delta, so phrases cannot span fields. */
void xs_indexer_skip_positions(xs_indexer *ix, unsigned delta);

/* ---- query parsing ------------------------------------------------- */

enum {
    XS_QP_BOOLEAN   = 1 << 0, /* AND OR NOT XOR and parentheses */
    XS_QP_PHRASE    = 1 << 1, /* "quoted phrases" */
    XS_QP_LOVEHATE  = 1 << 2, /* +must -exclude */
    XS_QP_WILDCARD  = 1 << 3, /* trailing * */
    XS_QP_SPELLING  = 1 << 4, /* compute a spelling correction */
    XS_QP_PARTIAL   = 1 << 5, /* last word is a prefix (as you type) */
    XS_QP_PURE_NOT  = 1 << 6  /* allow a query of only NOT terms */
};

/* A QueryParser stemming every term (STEM_ALL) with libstemmer lang. */
int xs_qparser_new(const char *lang, xs_qparser **out, struct err *e);
void xs_qparser_free(xs_qparser *qp);
/* Database used for wildcards and spelling (borrowed, may be NULL). */
void xs_qparser_set_database(xs_qparser *qp, xs_db *db);
/* Maps "field:" in queries to a free-text term prefix. May be called
 * several times for one field; "" names the default field. */
int xs_qparser_add_prefix(xs_qparser *qp, const char *field,
                          const char *prefix, struct err *e);
/* Maps "field:" to a boolean (filter) term prefix. */
int xs_qparser_add_boolean_prefix(xs_qparser *qp, const char *field,
                                  const char *prefix, struct err *e);
/*
 * Prefixes (NULL-terminated) whose terms were indexed without positions:
 * a phrase or NEAR under one of them is matched on the unprefixed terms,
 * restricted to documents with all its words under the prefix. Replaces
 * any earlier list.
 */
int xs_qparser_set_positionless(xs_qparser *qp, const char *const *prefixes,
                                struct err *e);
/*
 * Words (NULL-terminated, lower case) the parser leaves out of a query:
 * not inside phrases, not when marked +, and not when the query holds
 * nothing else. NULL or an empty list keeps every word. Replaces any
 * earlier list.
 */
int xs_qparser_set_stopwords(xs_qparser *qp, const char *const *words,
                             struct err *e);
/* Makes plain words all required (and_op non-zero) or optional (the
 * default, Xapian's OP_OR). */
void xs_qparser_set_default_and(xs_qparser *qp, int and_op);
/* Caps the number of terms a wildcard may expand to (0: no cap). */
void xs_qparser_set_max_expansion(xs_qparser *qp, unsigned max);
/*
 * Parses text with XS_QP_* flags. A syntax error gives ERR_FORMAT with
 * Xapian's message; the caller decides how to degrade.
 */
int xs_qparser_parse(xs_qparser *qp, const char *text, unsigned flags,
                     xs_query **out, struct err *e);
/* The spelling-corrected query of the last parse, "" if none. */
int xs_qparser_corrected(xs_qparser *qp, char **out, struct err *e);
/*
 * Stems word[0..len) as the parser does, writing the stem and a NUL into
 * buf (cap bytes) and its length to *out_len. ERR_USAGE when it does not
 * fit.
 */
int xs_qparser_stem(xs_qparser *qp, const char *word, size_t len, char *buf,
                    size_t cap, size_t *out_len, struct err *e);

/* ---- queries ------------------------------------------------------- */

enum xs_op {
    XS_OP_AND,
    XS_OP_OR,
    XS_OP_AND_NOT,   /* first minus the rest */
    XS_OP_FILTER,    /* first, restricted to the rest, weights of first */
    XS_OP_AND_MAYBE, /* first, boosted by the rest */
    XS_OP_PHRASE     /* exact sequence of the sub-terms */
};

/* A term query with query frequency wqf (1 usually). */
int xs_query_term(const char *term, unsigned wqf, xs_query **out,
                  struct err *e);
/* Matches every document. */
int xs_query_all(xs_query **out, struct err *e);
/* Combines subs[0..n) (borrowed) with op. NULL entries are skipped. */
int xs_query_combine(enum xs_op op, xs_query *const *subs, size_t n,
                     xs_query **out, struct err *e);
/* q with every weight multiplied by factor. */
int xs_query_scale(xs_query *q, double factor, xs_query **out,
                   struct err *e);
/* Documents whose value in slot lies in [lo, hi] (byte order). A NULL lo or
 * hi leaves that end open. */
int xs_query_value_range(unsigned slot, const char *lo, size_t lo_len,
                         const char *hi, size_t hi_len, xs_query **out,
                         struct err *e);
/* Turns weights off: q still matches, but contributes no score. */
int xs_query_boolean(xs_query *q, xs_query **out, struct err *e);
int xs_query_is_empty(const xs_query *q);
/*
 * Calls fn for each term of q that adds weight, so that a snippet can mark
 * it: not excluded, filter or zero-weighted terms, nor terms whose Xapian
 * prefix is one of skip (NULL-terminated; NULL skips none), such as keys
 * that boost a hit but are no word of its text. Terms come without their
 * field prefix; prefix is non-zero for a wildcard's pattern (every stem
 * beginning with it matches). fn returns non-zero to stop.
 */
typedef int (*xs_mark_fn)(void *ctx, const char *term, size_t len,
                          int prefix);
int xs_query_highlight_terms(const xs_query *q, const char *const *skip,
                             xs_mark_fn fn, void *ctx, struct err *e);
/* Xapian's description of the query, for "query as understood". */
int xs_query_describe(const xs_query *q, char **out, struct err *e);
void xs_query_free(xs_query *q);

/* ---- searching ----------------------------------------------------- */

int xs_enquire_new(xs_db *db, xs_enquire **out, struct err *e);
void xs_enquire_free(xs_enquire *enq);
/* Sets the query (copied: q may be freed afterwards). */
int xs_enquire_set_query(xs_enquire *enq, const xs_query *q, struct err *e);
/* BM25 with the given parameters (Xapian's defaults: 1, 0, 1, 0.5, 0.5). */
int xs_enquire_set_bm25(xs_enquire *enq, double k1, double k2, double k3,
                        double b, double min_normlen, struct err *e);

/*
 * Orders by relevance, ties broken by the value in tie_slot ascending
 * (a stable key, never the internal document id). Values are read only
 * for ties on the page asked for, unless a tie crosses its edges.
 */
int xs_enquire_sort_relevance(xs_enquire *enq, unsigned tie_slot,
                              struct err *e);
/*
 * Orders by the values in slots[0..n), each descending if desc[i] is
 * non-zero; ties on all slots fall back to relevance.
 */
int xs_enquire_sort_by_values(xs_enquire *enq, const unsigned *slots,
                              const int *desc, size_t n, struct err *e);

/*
 * Counts, over the matching documents examined, the values in slot. A
 * multi-valued slot holds values separated by the byte 0x1f, each counted
 * once. Returns a facet index for xs_mset_facet().
 */
int xs_enquire_add_facet(xs_enquire *enq, unsigned slot, struct err *e);

/*
 * Runs the search: results [offset, offset+limit). check_at_least makes
 * Xapian look at that many matches at least (for exact totals and facets).
 */
int xs_enquire_get_mset(xs_enquire *enq, uint32_t offset, uint32_t limit,
                        uint32_t check_at_least, xs_mset **out,
                        struct err *e);

void xs_mset_free(xs_mset *m);
uint32_t xs_mset_size(const xs_mset *m);
/* Total matches: estimate, lower and upper bound. */
void xs_mset_total(const xs_mset *m, uint32_t *estimated, uint32_t *lower,
                   uint32_t *upper);
uint32_t xs_mset_docid(const xs_mset *m, uint32_t i);
double xs_mset_weight(const xs_mset *m, uint32_t i);
/* Stored data of hit i (malloc'd copy). */
int xs_mset_data(xs_mset *m, uint32_t i, char **data, size_t *len,
                 struct err *e);
/* Value in slot of hit i (malloc'd copy, "" if absent). */
int xs_mset_value(xs_mset *m, uint32_t i, unsigned slot, char **val,
                  size_t *len, struct err *e);
/* Calls fn for each value counted by facet (in byte order of values). */
typedef int (*xs_facet_fn)(void *ctx, const char *val, size_t len,
                           uint32_t count);
int xs_mset_facet(xs_mset *m, int facet, xs_facet_fn fn, void *ctx,
                  struct err *e);

#ifdef __cplusplus
}
#endif

#endif
