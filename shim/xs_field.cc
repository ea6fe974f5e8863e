/*
 * A field searched without terms of its own. Every field's words are
 * indexed unprefixed, each occurrence adding the field's weight to the
 * word's wdf, and under the field's prefix with wdf 1 an occurrence; the
 * abstract's prefixed copy, though, would be as large as all the others
 * together and cost a third of a build. It can be left out because it is
 * implied: once every other field's share of the unprefixed wdf is taken
 * away, what remains is the implicit field's,
 *
 *     count(field, w) = (wdf(w) - sum over the others f of
 *                        weight(f) * wdf(prefix(f) + w)) / weight(field),
 *
 * exactly. A query term under the implicit field's prefix is therefore
 * answered by a PostingSource that walks the unprefixed term's postings
 * alongside the other fields' and keeps the documents with a remainder.
 * Its weight is BM25's on that remainder, with the unprefixed term's
 * frequency and the document's length standing in for the field's own,
 * which the index does not keep.
 */
#include "xs_internal.h"

#include <cmath>

namespace
{

class ImplicitTermSource : public Xapian::PostingSource
{
  public:
    ImplicitTermSource(std::string word, const XsImplicitField &field,
                       const XsBm25 &bm25)
        : word_(std::move(word)), field_(field), bm25_(bm25)
    {
    }

    Xapian::PostingSource *clone() const override
    {
        return new ImplicitTermSource(word_, field_, bm25_);
    }

    std::string name() const override
    {
        /* No name: remote shards cannot rebuild it (see set_query). */
        return std::string();
    }

    void init(const Xapian::Database &db) override
    {
        db_ = db;
        started_ = false;
        it_ = db.postlist_begin(word_);
        others_.clear();
        for (const auto &f : field_.others)
            others_.push_back(db.postlist_begin(f.first + word_));
        freq_ = db.get_termfreq(word_);
        avlen_ = db.get_avlength();
        init_weight(db.get_doccount());
    }

    Xapian::doccount get_termfreq_min() const override
    {
        return 0;
    }

    Xapian::doccount get_termfreq_est() const override
    {
        return freq_;
    }

    Xapian::doccount get_termfreq_max() const override
    {
        return freq_;
    }

    void next(double) override
    {
        if (started_ && it_ != end_)
            ++it_;
        started_ = true;
        settle();
    }

    void skip_to(Xapian::docid did, double) override
    {
        started_ = true;
        it_.skip_to(did);
        settle();
    }

    bool at_end() const override
    {
        return it_ == end_;
    }

    Xapian::docid get_docid() const override
    {
        return *it_;
    }

    double get_weight() const override
    {
        const double tf = count_ / field_.weight;
        const double len =
            avlen_ > 0 ? std::max(it_.get_doclength() / avlen_,
                                  bm25_.min_normlen)
                       : 1.0;
        const double k = bm25_.k1 * ((1 - bm25_.b) + bm25_.b * len);

        return idf_ * (bm25_.k1 + 1) * tf / (k + tf);
    }

  private:
    /* BM25's idf (with Xapian's damping of small ratios) and, from it,
     * the most a document can score. */
    void init_weight(Xapian::doccount n_docs)
    {
        double ratio = (n_docs - freq_ + 0.5) / (freq_ + 0.5);

        if (ratio < 2)
            ratio = ratio * 0.5 + 1;
        idf_ = std::log(ratio);
        set_maxweight(idf_ * (bm25_.k1 + 1));
    }

    /* Moves to the first document at or after the current one whose
     * remainder is positive. */
    void settle()
    {
        for (; it_ != end_; ++it_) {
            const Xapian::docid did = *it_;
            double rest = it_.get_wdf();

            for (size_t i = 0; i < others_.size() && rest > 0; i++) {
                Xapian::PostingIterator &o = others_[i];
                if (o == end_)
                    continue;
                o.skip_to(did);
                if (o != end_ && *o == did)
                    rest -= double(field_.others[i].second) * o.get_wdf();
            }
            if (rest > 0) {
                count_ = rest;
                return;
            }
        }
    }

    const std::string word_;
    const XsImplicitField field_;
    const XsBm25 bm25_;
    Xapian::Database db_;
    Xapian::PostingIterator it_, end_;
    std::vector<Xapian::PostingIterator> others_;
    bool started_ = false;
    double count_ = 0;
    Xapian::doccount freq_ = 0;
    double avlen_ = 0, idf_ = 0;
};

Xapian::Query term_source(const std::string &word, const XsImplicitField &f,
                          const XsBm25 &bm25)
{
    return Xapian::Query((new ImplicitTermSource(word, f, bm25))->release());
}

/* The words of db beginning with pattern, at most f.max_expansion of them,
 * each answered as a term of the field. */
Xapian::Query wildcard_sources(const std::string &pattern,
                               const XsImplicitField &f, const XsBm25 &bm25,
                               const Xapian::Database &db)
{
    std::vector<Xapian::Query> subs;

    for (auto t = db.allterms_begin(pattern);
         t != db.allterms_end(pattern) && subs.size() < f.max_expansion;
         ++t) {
        const std::string w = *t;
        if (xs_prefix_len(w) == 0)
            subs.push_back(term_source(w, f, bm25));
    }
    return Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end());
}

/* The word after the field's prefix, or "" when term is not the field's. */
std::string field_word(const std::string &term, const XsImplicitField &f)
{
    if (xs_prefix_len(term) != f.prefix.size() || term.size() <= f.prefix.size() ||
        term.compare(0, f.prefix.size(), f.prefix) != 0)
        return std::string();
    return term.substr(f.prefix.size());
}

Xapian::Query rewrite(const Xapian::Query &q, const XsImplicitField &f,
                      const XsBm25 &bm25, const Xapian::Database &db,
                      bool &changed)
{
    const Xapian::Query::op op = q.get_type();
    const size_t n = q.get_num_subqueries();

    if (op == Xapian::Query::LEAF_TERM) {
        std::string w = field_word(*q.get_terms_begin(), f);
        if (w.empty())
            return q;
        changed = true;
        return term_source(w, f, bm25);
    }
    if (op == Xapian::Query::OP_WILDCARD) {
        std::string w = field_word(xs_wildcard_pattern(q), f);
        if (w.empty())
            return q;
        changed = true;
        return wildcard_sources(w, f, bm25, db);
    }
    if (n == 0 || !xs_rebuildable(op))
        return q;

    std::vector<Xapian::Query> subs;
    bool any = false;
    subs.reserve(n);
    for (size_t i = 0; i < n; i++)
        subs.push_back(rewrite(q.get_subquery(i), f, bm25, db, any));
    if (!any)
        return q;
    changed = true;
    return Xapian::Query(op, subs.begin(), subs.end());
}

} // namespace

Xapian::Query xs_implicit_field_query(const Xapian::Query &q,
                                      const XsImplicitField &f,
                                      const XsBm25 &bm25,
                                      const Xapian::Database &db)
{
    bool changed = false;

    if (f.prefix.empty() || f.weight == 0)
        return q;
    Xapian::Query out = rewrite(q, f, bm25, db, changed);
    return changed ? out : q;
}
