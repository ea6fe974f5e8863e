/*
 * What the shim's .cc files share: the layout of the opaque handles, the
 * mapping of exceptions to struct err, and the libstemmer-backed Xapian
 * stemmer. C++ only; never included from C.
 */
#ifndef PWC_XS_INTERNAL_H
#define PWC_XS_INTERNAL_H

#include "xs.h"

#include <string>
#include <vector>
#include <xapian.h>

/* BM25's parameters (Xapian's defaults). */
struct XsBm25 {
    double k1 = 1, k2 = 0, k3 = 1, b = 0.5, min_normlen = 0.5;
};

/*
 * A field whose words are indexed only unprefixed (see xs_field.cc): its
 * query prefix and weight, every other field that adds to the unprefixed
 * terms (prefix and weight), and how many words a wildcard under it may
 * expand to.
 */
struct XsImplicitField {
    std::string prefix;
    Xapian::termcount weight = 0;
    std::vector<std::pair<std::string, Xapian::termcount>> others;
    size_t max_expansion = 100;
};

struct xs_db {
    Xapian::Database db;
    XsImplicitField implicit; /* none until xs_db_set_implicit_field */
};

struct xs_wdb {
    Xapian::WritableDatabase db;
};

struct xs_doc {
    Xapian::Document doc;
};

struct xs_query {
    Xapian::Query q;
};

/*
 * A stemmer for lang ("english", "en", ... or "none") backed by its own
 * sb_stemmer, so each copy of the returned Stem shares one instance and
 * separate calls give separate instances. Throws InvalidArgumentError for a
 * language libstemmer does not know.
 */
Xapian::Stem xs_make_stem(const char *lang);
/*
 * q with every PHRASE or NEAR whose terms all carry one of the positionless
 * prefixes replaced by the phrase over the unprefixed terms, filtered by
 * the prefixed ones; q itself when there is none.
 */
Xapian::Query
xs_positionless_phrases(const Xapian::Query &q,
                        const std::vector<std::string> &positionless);

/* Whether op carries no parameter, so that a query of it can be rebuilt
 * from its subqueries alone. */
bool xs_rebuildable(Xapian::Query::op op);

/* A wildcard's pattern, which Query does not expose; "" if unreadable. */
std::string xs_wildcard_pattern(const Xapian::Query &q);

/* q with the implicit field's terms and wildcards answered from the
 * unprefixed terms; q itself when it has none. */
Xapian::Query xs_implicit_field_query(const Xapian::Query &q,
                                      const XsImplicitField &f,
                                      const XsBm25 &bm25,
                                      const Xapian::Database &db);

/* Length of a term's Xapian prefix: its leading upper-case letters. */
inline size_t xs_prefix_len(const std::string &term)
{
    size_t n = 0;

    while (n < term.size() && term[n] >= 'A' && term[n] <= 'Z')
        n++;
    return n;
}

/* Records code and msg in e unless e already holds an error; returns code. */
int xs_err(struct err *e, int code, const char *msg);

/*
 * Called from inside a catch handler: rethrows the exception in flight,
 * maps it to an ERR_* code and message, and returns the code.
 */
int xs_fail(struct err *e);

/* Bytes from a C pointer and length; NULL gives "". */
inline std::string xs_bytes(const char *p, size_t len)
{
    return p ? std::string(p, len) : std::string();
}

/*
 * Document data as it is stored in XS_DATA_SLOT (see xs_docdata.cc): pack
 * before Document::add_value, unpack what get_value returns into a
 * malloc'd, NUL-terminated buffer. Unpacking names docid in its errors.
 */
std::string xs_data_pack(const char *data, size_t len);
int xs_data_unpack(const std::string &packed, uint32_t docid, char **out,
                   size_t *len, struct err *e);

/* Copies s to a malloc'd, NUL-terminated buffer. */
int xs_copy_out(const std::string &s, char **out, size_t *len, struct err *e);

#endif
