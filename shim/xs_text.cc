/*
 * Text on both sides of the index: the TermGenerator that turns document
 * fields into terms and the QueryParser that turns user queries into a
 * query tree. Both stem every word (STEM_ALL) with the same libstemmer
 * language, so a query word always meets the term its indexed form became.
 */
#include "xs_internal.h"

#include <cstring>
#include <memory>

struct xs_indexer {
    Xapian::TermGenerator tg;
};

struct xs_qparser {
    /* Declared first, so it outlives the parser that points at it. */
    std::unique_ptr<Xapian::SimpleStopper> stopper;
    Xapian::QueryParser qp;
    Xapian::Stem stem; /* the parser's, also lent to snippets */
    std::vector<std::string> positionless;
};

/* ---- indexing text ------------------------------------------------- */

int xs_indexer_new(const char *lang, int flags, xs_indexer **out, struct err *e)
{
    try {
        *out = nullptr;
        auto ix = std::make_unique<xs_indexer>();
        ix->tg.set_stemmer(xs_make_stem(lang));
        ix->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
        if (flags & XS_INDEXER_SPELLING)
            ix->tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
        *out = ix.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_indexer_free(xs_indexer *ix)
{
    try {
        delete ix;
    } catch (...) {
    }
}

void xs_indexer_set_document(xs_indexer *ix, xs_doc *doc)
{
    try {
        /* Document is a handle: the generator writes into doc itself. */
        ix->tg.set_document(doc->doc);
    } catch (...) {
    }
}

void xs_indexer_set_database(xs_indexer *ix, xs_wdb *db)
{
    try {
        if (db)
            ix->tg.set_database(db->db);
        else
            ix->tg.set_database(Xapian::WritableDatabase());
    } catch (...) {
    }
}

int xs_indexer_index_text(xs_indexer *ix, const char *text, size_t len,
                          unsigned wdf_inc, const char *prefix, int positions,
                          struct err *e)
{
    try {
        /* Iterating the caller's buffer avoids copying the text. */
        Xapian::Utf8Iterator it(text, len);
        std::string pfx(prefix ? prefix : "");

        if (positions)
            ix->tg.index_text(it, wdf_inc, pfx);
        else
            ix->tg.index_text_without_positions(it, wdf_inc, pfx);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_indexer_skip_positions(xs_indexer *ix, unsigned delta)
{
    try {
        ix->tg.increase_termpos(delta);
    } catch (...) {
    }
}

/* ---- query parsing ------------------------------------------------- */

int xs_qparser_new(const char *lang, xs_qparser **out, struct err *e)
{
    try {
        *out = nullptr;
        auto qp = std::make_unique<xs_qparser>();
        qp->stem = xs_make_stem(lang);
        qp->qp.set_stemmer(qp->stem);
        qp->qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
        *out = qp.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_qparser_free(xs_qparser *qp)
{
    try {
        delete qp;
    } catch (...) {
    }
}

void xs_qparser_set_database(xs_qparser *qp, xs_db *db)
{
    try {
        qp->qp.set_database(db ? db->db : Xapian::Database());
    } catch (...) {
    }
}

int xs_qparser_add_prefix(xs_qparser *qp, const char *field, const char *prefix,
                          struct err *e)
{
    try {
        qp->qp.add_prefix(field, prefix);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_qparser_add_boolean_prefix(xs_qparser *qp, const char *field,
                                  const char *prefix, struct err *e)
{
    try {
        qp->qp.add_boolean_prefix(field, prefix);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_qparser_set_max_expansion(xs_qparser *qp, unsigned max)
{
    try {
        /* Keep the most frequent expansions rather than failing the search
         * the way Xapian's default limit does. */
        qp->qp.set_max_expansion(max,
                                 Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                 Xapian::QueryParser::FLAG_WILDCARD |
                                     Xapian::QueryParser::FLAG_PARTIAL);
    } catch (...) {
    }
}

static unsigned xapian_flags(unsigned flags)
{
    static const struct {
        unsigned ours;
        unsigned theirs;
    } map[] = {
        {XS_QP_BOOLEAN, Xapian::QueryParser::FLAG_BOOLEAN},
        {XS_QP_PHRASE, Xapian::QueryParser::FLAG_PHRASE},
        {XS_QP_LOVEHATE, Xapian::QueryParser::FLAG_LOVEHATE},
        {XS_QP_WILDCARD, Xapian::QueryParser::FLAG_WILDCARD},
        {XS_QP_SPELLING, Xapian::QueryParser::FLAG_SPELLING_CORRECTION},
        {XS_QP_PARTIAL, Xapian::QueryParser::FLAG_PARTIAL},
        {XS_QP_PURE_NOT, Xapian::QueryParser::FLAG_PURE_NOT},
    };
    unsigned out = 0;

    for (const auto &m : map)
        if (flags & m.ours)
            out |= m.theirs;
    return out;
}

int xs_qparser_parse(xs_qparser *qp, const char *text, unsigned flags,
                     xs_query **out, struct err *e)
{
    try {
        *out = nullptr;
        auto q = std::make_unique<xs_query>();
        q->q = xs_positionless_phrases(
            qp->qp.parse_query(text, xapian_flags(flags)), qp->positionless);
        *out = q.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_qparser_stem(xs_qparser *qp, const char *word, size_t len, char *buf,
                    size_t cap, size_t *out_len, struct err *e)
{
    try {
        std::string s = qp->stem(std::string(word, len));

        if (s.size() >= cap)
            return xs_err(e, ERR_USAGE, "stem longer than its buffer");
        memcpy(buf, s.data(), s.size());
        buf[s.size()] = '\0';
        *out_len = s.size();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_qparser_corrected(xs_qparser *qp, char **out, struct err *e)
{
    try {
        *out = nullptr;
        return xs_copy_out(qp->qp.get_corrected_query_string(), out, nullptr,
                           e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_qparser_set_positionless(xs_qparser *qp, const char *const *prefixes,
                                struct err *e)
{
    try {
        std::vector<std::string> list;

        for (size_t i = 0; prefixes && prefixes[i]; i++)
            list.emplace_back(prefixes[i]);
        qp->positionless.swap(list);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_qparser_set_stopwords(xs_qparser *qp, const char *const *words,
                             struct err *e)
{
    try {
        std::unique_ptr<Xapian::SimpleStopper> stopper;

        if (words && *words) {
            stopper = std::make_unique<Xapian::SimpleStopper>();
            for (size_t i = 0; words[i]; i++)
                stopper->add(words[i]);
        }
        qp->qp.set_stopper(stopper.get());
        qp->stopper.swap(stopper);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_qparser_set_default_and(xs_qparser *qp, int and_op)
{
    try {
        qp->qp.set_default_op(and_op ? Xapian::Query::OP_AND
                                     : Xapian::Query::OP_OR);
    } catch (...) {
    }
}
