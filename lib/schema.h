/*
 * The index schema: term prefixes, value slots and how filter values are
 * turned into terms. The indexer writes with these and the search side
 * reads with them, so both live here and nowhere else.
 */
#ifndef PWC_SCHEMA_H
#define PWC_SCHEMA_H

#include <stddef.h>

#include "config.h"
#include "err.h"
#include "xs.h"

/* Free-text prefixes, one per field (Xapian's conventions where they
 * exist). Unprefixed terms hold every field, weighted. */
#define PFX_TITLE    "S"
#define PFX_AUTHOR   "A"
#define PFX_TASK     "XK"
#define PFX_VENUE    "XV"
#define PFX_ABSTRACT "XB"
#define PFX_README   "XR"

/*
 * The text fields. Each is indexed unprefixed, every word adding the
 * field's weight (from the config) to its wdf, and under its prefix with
 * wdf 1 a word, except the implicit one: the abstract, as large as all
 * the others together, whose prefixed terms follow from the unprefixed
 * wdf less the others' shares (see the shim's xs_db_set_implicit_field).
 * The weights an index was built with are kept in its metadata under
 * schema_field_key[], since searching the implicit field depends on them.
 */
enum {
    FIELD_TITLE,
    FIELD_AUTHORS,
    FIELD_TASKS,
    FIELD_VENUE,
    FIELD_README,
    FIELD_ABSTRACT,
    N_FIELDS
};
#define FIELD_IMPLICIT FIELD_ABSTRACT
extern const char *const schema_field_prefix[N_FIELDS];
extern const char *const schema_field_key[N_FIELDS]; /* "weight_title"... */
/* The config's weight of each field. */
void schema_field_weights(const struct config *c, unsigned w[N_FIELDS]);
/* Records the config's field weights in a new index's metadata. */
int schema_write_weights(xs_wdb *db, const struct config *c, struct err *e);
/* 0 when the index at path was built with the config's field weights;
 * else ERR_USAGE naming the first that differs. */
int schema_check_weights(xs_wdb *db, const struct config *c,
                         const char *path, struct err *e);
/* Reads the index's field weights and declares its implicit field to the
 * shim, with wildcards expanded to at most max_expansion words. */
int schema_declare_fields(xs_db *db, unsigned max_expansion, struct err *e);

/* Terms with a weight of their own, for lookups that must rank first. */
#define PFX_ARXIV     "XA" /* canonical arXiv id */
#define PFX_TITLE_KEY "XT" /* text_title_key() of the title, 16 hex */

/* Boolean terms, for filters. Values are folded and lower-cased. */
#define PFX_UID       "Q"     /* unique document id */
#define PFX_CRAWL_ID  "XID"   /* id as the crawl spelled it */
#define PFX_KIND      "XKIND" /* "paper" or "repo" */
#define PFX_HAS_CODE  "XCODE" /* "1" or "0" */
#define PFX_OFFICIAL  "XOFF"  /* "1": some implementation is official */
#define PFX_FRAMEWORK "XFW"
#define PFX_TASK_EXACT "XTASK"
#define PFX_VENUE_NAME "XVEN" /* venue without its year: "cvpr" */
#define PFX_YEAR      "Y"

/* Value slots. */
enum {
    SLOT_ID = 0,       /* unique id: the stable tie-breaker */
    SLOT_DATE = 1,     /* "YYYYMMDD", or "YYYY0000" when only the year */
    SLOT_YEAR = 2,     /* sortable_serialise(year) */
    SLOT_STARS = 3,    /* sortable_serialise(best stars), absent if unknown */
    SLOT_FRAMEWORK = 4,/* frameworks, 0x1f-separated (facet) */
    SLOT_TASKS = 5,    /* tasks, 0x1f-separated (facet) */
    SLOT_HAS_CODE = 6, /* "yes" or "no" (facet) */
    SLOT_OFFICIAL = 7, /* "official", "community" or absent (facet) */
    SLOT_VENUE = 8,    /* venue name without year (facet) */
    SLOT_YEAR_TEXT = 9 /* "2019" (facet) */
};

/*
 * Version of this layout, kept in each index's "schema" metadata. Readers
 * and updaters refuse an index of another version rather than miss terms
 * it spells differently or data it cannot read. 3: the abstract and
 * README copies under their prefixes have no positions. 4: document data
 * is packed with LZ4 in the shim's value slot. 5: the abstract has no
 * prefixed terms (FIELD_IMPLICIT), and the field weights are recorded.
 * 6: code of unknown provenance is "unverified" in SLOT_OFFICIAL, the
 * spelling table has no stop words, and folding keeps kana voicing marks
 * and Brahmic vowel signs.
 */
#define SCHEMA_VERSION "6"

/* Longest term Xapian's glass backend stores, with room to spare. */
#define TERM_MAX 240

/*
 * Writes prefix + folded, lower-cased value into buf (of size cap, at
 * least TERM_MAX + 1), cut to TERM_MAX bytes at a character boundary.
 * Returns the length, or 0 when value is empty after folding.
 */
size_t schema_filter_term(const char *prefix, const char *value, char *buf,
                          size_t cap);

/* Values of one filter list ("pytorch,tf") read at most. */
#define FILTER_LIST_MAX 32

/*
 * Calls fn with each value of a comma-separated filter list, as written,
 * and its term (schema_filter_term), skipping values that are empty after
 * folding, up to FILTER_LIST_MAX of them; stops early when fn returns
 * non-zero and returns that. A filter and whatever reports on it read a
 * list the same way through here.
 */
typedef int (*filter_value_fn)(void *ctx, const char *value,
                               const char *term);
int schema_filter_list(const char *prefix, const char *list,
                       filter_value_fn fn, void *ctx);

/*
 * Whether the terms of a field prefix carry word positions. Every word is
 * positioned once in the unprefixed copy; the prefixed copies of the long
 * fields (abstract, README) are not, which saves about a quarter of the
 * build time.
 * A phrase in one of them is the unprefixed phrase, restricted to papers
 * with all its words in that field.
 */
int schema_field_positions(const char *prefix);
/* The prefixes schema_field_positions() says no to, NULL-terminated. */
extern const char *const schema_positionless[];
/* Prefixes of terms that boost a hit by a key no word of its text can be
 * (the title key, 16 hex digits of a hash): snippets leave them out, as
 * they would never find them. NULL-terminated. An arXiv id can be a word
 * ("see 1810.04805"), so its prefix is not among them. */
extern const char *const schema_unmarked_prefixes[];

/* 0 when version (an index's "schema" metadata, NULL or "" if missing)
 * is SCHEMA_VERSION; otherwise ERR_FORMAT saying to rebuild path. */
int schema_check(const char *version, const char *path, struct err *e);

/* The venue name of a proceeding: "CVPR 2019" -> "CVPR"; written to buf. */
void schema_venue_name(const char *proceeding, char *buf, size_t cap);

#endif
