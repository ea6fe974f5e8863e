/*
 * The database half of the shim: exception mapping, read-only and writable
 * glass databases, compaction and documents. Writers always work inside a
 * transaction so that closing one without a commit really discards changes.
 * Remote shards are reachable only through stub files.
 */
#include "xs_internal.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <unistd.h>

int xs_err(struct err *e, int code, const char *msg)
{
    if (e && e->code == 0) {
        e->code = code;
        snprintf(e->msg, sizeof(e->msg), "%s", msg);
    }
    return code;
}

static int xapian_err(struct err *e, int code, const Xapian::Error &x)
{
    return xs_err(e, code, x.get_description().c_str());
}

int xs_fail(struct err *e)
{
    /* The order matters: subclasses before the classes they refine. */
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &x) {
        return xapian_err(e, ERR_MODIFIED, x);
    } catch (const Xapian::DatabaseLockError &x) {
        return xapian_err(e, ERR_LOCKED, x);
    } catch (const Xapian::DatabaseNotFoundError &x) {
        return xapian_err(e, ERR_NOTFOUND, x);
    } catch (const Xapian::DocNotFoundError &x) {
        return xapian_err(e, ERR_NOTFOUND, x);
    } catch (const Xapian::QueryParserError &x) {
        return xapian_err(e, ERR_FORMAT, x);
    } catch (const Xapian::InvalidArgumentError &x) {
        return xapian_err(e, ERR_USAGE, x);
    } catch (const Xapian::Error &x) {
        return xapian_err(e, ERR_XAPIAN, x);
    } catch (const std::bad_alloc &) {
        return xs_err(e, ERR_NOMEM, "out of memory");
    } catch (const std::exception &x) {
        return xs_err(e, ERR_INTERNAL, x.what());
    } catch (...) {
        return xs_err(e, ERR_INTERNAL, "unknown exception");
    }
}

int xs_copy_out(const std::string &s, char **out, size_t *len, struct err *e)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));

    if (!p)
        return xs_err(e, ERR_NOMEM, "out of memory");
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *out = p;
    if (len)
        *len = s.size();
    return 0;
}

/* ---- read-only database -------------------------------------------- */

int xs_db_open(const char *path, xs_db **out, struct err *e)
{
    try {
        *out = nullptr;
        /* Without a backend flag Xapian also recognises stub files. */
        auto db = std::make_unique<xs_db>();
        db->db = Xapian::Database(path);
        *out = db.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_db_set_implicit_field(xs_db *db, const char *prefix, unsigned weight,
                             const char *const *others,
                             const unsigned *weights, size_t n,
                             unsigned max_expansion, struct err *e)
{
    try {
        XsImplicitField f;

        f.prefix = prefix ? prefix : "";
        f.weight = weight;
        for (size_t i = 0; i < n; i++)
            f.others.emplace_back(others[i], weights[i]);
        f.max_expansion = max_expansion;
        db->implicit = std::move(f);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_db_free(xs_db *db)
{
    try {
        delete db;
    } catch (...) {
    }
}

int xs_db_reopen(xs_db *db, int *changed, struct err *e)
{
    try {
        /* For local glass shards this is true only on a new revision. */
        bool moved = db->db.reopen();
        if (changed)
            *changed = moved;
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

uint64_t xs_db_revision(xs_db *db)
{
    try {
        return db->db.get_revision();
    } catch (...) {
        return 0;
    }
}

int xs_db_doccount(xs_db *db, uint32_t *out, struct err *e)
{
    try {
        *out = db->db.get_doccount();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_db_termfreq(xs_db *db, const char *term, uint32_t *freq, struct err *e)
{
    try {
        *freq = db->db.get_termfreq(term);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

static int find_term(const Xapian::Database &db, const char *term,
                     uint32_t *docid, struct err *e)
{
    Xapian::PostingIterator it = db.postlist_begin(term);

    if (it == db.postlist_end(term)) {
        std::string msg = std::string("no document has term ") + term;
        return xs_err(e, ERR_NOTFOUND, msg.c_str());
    }
    *docid = *it;
    return 0;
}

static int get_data(const Xapian::Database &db, uint32_t docid, char **data,
                    size_t *len, struct err *e)
{
    *data = nullptr;
    if (docid == 0)
        return xs_err(e, ERR_NOTFOUND, "document id 0 does not exist");
    return xs_data_unpack(db.get_document(docid).get_value(XS_DATA_SLOT),
                          docid, data, len, e);
}

int xs_db_find_term(xs_db *db, const char *term, uint32_t *docid, struct err *e)
{
    try {
        return find_term(db->db, term, docid, e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_db_get_data(xs_db *db, uint32_t docid, char **data, size_t *len,
                   struct err *e)
{
    try {
        return get_data(db->db, docid, data, len, e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_db_get_metadata(xs_db *db, const char *key, char **out, struct err *e)
{
    try {
        *out = nullptr;
        return xs_copy_out(db->db.get_metadata(key), out, nullptr, e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_db_terms_with_prefix(xs_db *db, const char *prefix, size_t max,
                            xs_term_fn fn, void *ctx, struct err *e)
{
    try {
        Xapian::TermIterator end = db->db.allterms_end(prefix);
        size_t seen = 0;

        for (auto it = db->db.allterms_begin(prefix); it != end; ++it) {
            if (max && seen++ == max)
                break;
            const std::string &term = *it;
            if (fn(ctx, term.data(), term.size(), it.get_termfreq()))
                break;
        }
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

/* ---- writable database --------------------------------------------- */

int xs_wdb_open(const char *path, int flags, xs_wdb **out, struct err *e)
{
    try {
        int xflags = Xapian::DB_BACKEND_GLASS;

        *out = nullptr;
        if ((flags & XS_WDB_CREATE) && (flags & XS_WDB_OPEN))
            return xs_err(e, ERR_USAGE, "XS_WDB_CREATE and XS_WDB_OPEN");
        if (flags & XS_WDB_CREATE)
            xflags |= Xapian::DB_CREATE_OR_OVERWRITE;
        else if (flags & XS_WDB_OPEN)
            xflags |= Xapian::DB_OPEN;
        else
            xflags |= Xapian::DB_CREATE_OR_OPEN;
        if (flags & XS_WDB_NO_SYNC)
            xflags |= Xapian::DB_NO_SYNC;
        if (flags & XS_WDB_FULL_SYNC)
            xflags |= Xapian::DB_FULL_SYNC;
        /* Glass rereads a block for nearly every posting it merges into a
         * growing table; with the largest blocks the parts of a build
         * come out about a fifth faster. Compaction writes the usual 8 KB
         * blocks that searching prefers. */
        int block_size = 0;
        if (flags & XS_WDB_SCRATCH) {
            xflags |= Xapian::DB_DANGEROUS;
            block_size = 65536;
        }

        auto db = std::make_unique<xs_wdb>(
            xs_wdb{Xapian::WritableDatabase(path, xflags, block_size)});
        /*
         * Closing a WritableDatabase commits, unless a transaction is open,
         * which is then cancelled: that is what makes xs_wdb_free discard.
         * Unflushed, so that beginning one never commits anything itself.
         */
        db->db.begin_transaction(false);
        *out = db.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_wdb_free(xs_wdb *db)
{
    if (!db)
        return;
    try {
        db->db.cancel_transaction();
    } catch (...) {
        /* Nothing to cancel, or the database is gone: close anyway. */
    }
    try {
        delete db;
    } catch (...) {
    }
}

int xs_wdb_add(xs_wdb *db, xs_doc *doc, uint32_t *docid, struct err *e)
{
    try {
        Xapian::docid did = db->db.add_document(doc->doc);
        if (docid)
            *docid = did;
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_replace_term(xs_wdb *db, const char *term, xs_doc *doc,
                        struct err *e)
{
    try {
        db->db.replace_document(term, doc->doc);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_replace_docid(xs_wdb *db, uint32_t docid, xs_doc *doc, struct err *e)
{
    try {
        db->db.replace_document(docid, doc->doc);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_delete_term(xs_wdb *db, const char *term, struct err *e)
{
    try {
        db->db.delete_document(term);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_find_term(xs_wdb *db, const char *term, uint32_t *docid,
                     struct err *e)
{
    try {
        return find_term(db->db, term, docid, e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_get_data(xs_wdb *db, uint32_t docid, char **data, size_t *len,
                    struct err *e)
{
    try {
        return get_data(db->db, docid, data, len, e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_doccount(xs_wdb *db, uint32_t *out, struct err *e)
{
    try {
        *out = db->db.get_doccount();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_set_metadata(xs_wdb *db, const char *key, const char *value,
                        struct err *e)
{
    try {
        db->db.set_metadata(key, value);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_wdb_get_metadata(xs_wdb *db, const char *key, char **out, struct err *e)
{
    try {
        *out = nullptr;
        return xs_copy_out(db->db.get_metadata(key), out, nullptr, e);
    } catch (...) {
        return xs_fail(e);
    }
}

/* Makes sure a transaction is open again, so that xs_wdb_free discards
 * whatever a failed commit left pending. */
static void rearm(xs_wdb *db)
{
    try {
        db->db.begin_transaction(false);
    } catch (...) {
        /* Already open. */
    }
}

int xs_wdb_commit(xs_wdb *db, struct err *e)
{
    try {
        /* An unflushed transaction only becomes durable with commit(). */
        db->db.commit_transaction();
        db->db.commit();
        db->db.begin_transaction(false);
        return 0;
    } catch (...) {
        int rc = xs_fail(e);
        rearm(db);
        return rc;
    }
}

int xs_compact(const char *const *srcs, size_t n, const char *dst,
               struct err *e)
{
    try {
        Xapian::Database all;

        if (n == 0)
            return xs_err(e, ERR_USAGE, "nothing to compact");
        if (access(dst, F_OK) == 0) {
            std::string msg = std::string(dst) + " already exists";
            return xs_err(e, ERR_USAGE, msg.c_str());
        }
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(srcs[i]));
        /* Default flags: DBCOMPACT_MULTIPASS was no faster for 2 to 16
         * sources of 1,500 to 12,000 documents, and up to 60% slower. */
        all.compact(dst, Xapian::DB_BACKEND_GLASS);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

/* ---- documents ----------------------------------------------------- */

int xs_doc_new(xs_doc **out, struct err *e)
{
    try {
        *out = new xs_doc;
        return 0;
    } catch (...) {
        *out = nullptr;
        return xs_fail(e);
    }
}

void xs_doc_free(xs_doc *doc)
{
    try {
        delete doc;
    } catch (...) {
    }
}

void xs_doc_clear(xs_doc *doc)
{
    /* Cleared in place, not replaced, so an indexer pointing at this
     * document keeps writing into it. */
    try {
        doc->doc.clear_terms();
        doc->doc.clear_values(); /* the record lives in a value too */
    } catch (...) {
    }
}

int xs_doc_set_data(xs_doc *doc, const char *data, size_t len, struct err *e)
{
    try {
        doc->doc.add_value(XS_DATA_SLOT, xs_data_pack(data, len));
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_doc_add_term(xs_doc *doc, const char *term, unsigned wdf_inc,
                    struct err *e)
{
    try {
        doc->doc.add_term(term, wdf_inc);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_doc_add_value(xs_doc *doc, unsigned slot, const char *val, size_t len,
                     struct err *e)
{
    if (slot == XS_DATA_SLOT) {
        char msg[64];
        snprintf(msg, sizeof(msg), "value slot %u holds the document data",
                 XS_DATA_SLOT);
        return xs_err(e, ERR_USAGE, msg);
    }
    try {
        doc->doc.add_value(slot, xs_bytes(val, len));
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

size_t xs_sortable_serialise(double d, char *buf)
{
    return Xapian::sortable_serialise_(d, buf);
}

double xs_sortable_unserialise(const char *buf, size_t len)
{
    try {
        return Xapian::sortable_unserialise(std::string(buf, len));
    } catch (...) {
        return 0.0;
    }
}
