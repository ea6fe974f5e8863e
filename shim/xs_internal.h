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

struct xs_db {
    Xapian::Database db;
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
