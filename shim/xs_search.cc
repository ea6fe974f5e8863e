/*
 * Searching: an Enquire with BM25, sort orders, facet counting through a
 * match spy, and the result page with its data, values and snippets.
 * Facet counts cover only the documents Xapian examined (see check_at_least
 * in xs.h), not necessarily every match.
 */
#include "xs_internal.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

namespace
{

/* Ordered, so results come out in byte order; std::less<> lets a value be
 * looked up as a string_view without building a string. */
typedef std::map<std::string, uint32_t, std::less<>> Counts;

/* Values in a multi-valued slot are joined with this byte. */
const char FACET_SEP = '\x1f';

/*
 * Counts the values of one slot over the documents the matcher examines.
 * The matcher calls it once per document, so a value repeated inside one
 * document's list must be counted once: the parts are deduplicated first.
 */
class FacetSpy : public Xapian::MatchSpy
{
  public:
    explicit FacetSpy(Xapian::valueno slot) : slot_(slot)
    {
    }

    void operator()(const Xapian::Document &doc, double) override
    {
        std::string val = doc.get_value(slot_);

        if (val.empty())
            return;
        if (val.find(FACET_SEP) == std::string::npos) {
            bump(val);
            return;
        }
        split(val);
        for (std::string_view part : parts_)
            bump(part);
    }

    Xapian::MatchSpy *clone() const override
    {
        return new FacetSpy(slot_);
    }

    std::string name() const override
    {
        return "pwc.FacetSpy";
    }

    Counts counts;

  private:
    void split(const std::string &val)
    {
        size_t start = 0;

        parts_.clear();
        while (start <= val.size()) {
            size_t end = val.find(FACET_SEP, start);
            if (end == std::string::npos)
                end = val.size();
            if (end > start)
                parts_.emplace_back(val.data() + start, end - start);
            start = end + 1;
        }
        std::sort(parts_.begin(), parts_.end());
        parts_.erase(std::unique(parts_.begin(), parts_.end()), parts_.end());
    }

    void bump(std::string_view v)
    {
        auto it = counts.lower_bound(v);
        if (it != counts.end() && it->first == v)
            it->second++;
        else
            counts.emplace_hint(it, std::string(v), 1);
    }

    Xapian::valueno slot_;
    std::vector<std::string_view> parts_;
};

} // namespace

struct xs_enquire {
    Xapian::Database db;
    Xapian::Enquire enq;
    Xapian::Query query;
    std::vector<FacetSpy *> spies; /* owned by enq */
};

struct xs_mset {
    Xapian::MSet mset;
    Xapian::Database db;
    Xapian::Query query;        /* as searched, for snippets */
    std::vector<Counts> facets; /* one per spy, taken from the spies */

    /* The last hit whose document was fetched: data and values of one hit
     * are usually read together. */
    Xapian::Document doc;
    uint32_t doc_i = UINT32_MAX;

    bool snip_ready = false;
    Xapian::MSet snip_mset;
    bool snip_stem_ready = false;
    std::string snip_lang;
    Xapian::Stem snip_stem;
};

/* ---- searching ----------------------------------------------------- */

int xs_enquire_new(xs_db *db, xs_enquire **out, struct err *e)
{
    try {
        *out = new xs_enquire{db->db, Xapian::Enquire(db->db), {}, {}};
        return 0;
    } catch (...) {
        *out = nullptr;
        return xs_fail(e);
    }
}

void xs_enquire_free(xs_enquire *enq)
{
    try {
        delete enq;
    } catch (...) {
    }
}

int xs_enquire_set_query(xs_enquire *enq, const xs_query *q, struct err *e)
{
    try {
        enq->enq.set_query(q->q);
        enq->query = q->q;
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_enquire_set_bm25(xs_enquire *enq, double k1, double k2, double k3,
                        double b, double min_normlen, struct err *e)
{
    try {
        enq->enq.set_weighting_scheme(
            Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_enquire_sort_relevance(xs_enquire *enq, unsigned tie_slot, struct err *e)
{
    try {
        /* reverse = false: ties come out in ascending value order. */
        enq->enq.set_sort_by_relevance_then_value(tie_slot, false);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_enquire_sort_by_values(xs_enquire *enq, const unsigned *slots,
                              const int *desc, size_t n, struct err *e)
{
    try {
        if (n == 0)
            return xs_err(e, ERR_USAGE, "no sort slots given");
        auto km = std::make_unique<Xapian::MultiValueKeyMaker>();
        for (size_t i = 0; i < n; i++)
            km->add_value(slots[i], desc && desc[i]);
        /* After release() the Enquire owns the key maker. */
        enq->enq.set_sort_by_key_then_relevance(km->release(), false);
        km.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_enquire_add_facet(xs_enquire *enq, unsigned slot, struct err *e)
{
    try {
        auto spy = std::make_unique<FacetSpy>(slot);

        /* Reserve first so nothing can throw once the Enquire owns spy. */
        enq->spies.reserve(enq->spies.size() + 1);
        enq->enq.add_matchspy(spy->release());
        enq->spies.push_back(spy.release());
        return static_cast<int>(enq->spies.size() - 1);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_enquire_get_mset(xs_enquire *enq, uint32_t offset, uint32_t limit,
                        uint32_t check_at_least, xs_mset **out, struct err *e)
{
    try {
        *out = nullptr;
        for (FacetSpy *spy : enq->spies)
            spy->counts.clear();

        auto m = std::make_unique<xs_mset>();
        m->mset = enq->enq.get_mset(offset, limit, check_at_least);
        m->db = enq->db;
        m->query = enq->query;
        /* Moved, not copied: the spies start empty for the next search. */
        m->facets.reserve(enq->spies.size());
        for (FacetSpy *spy : enq->spies) {
            m->facets.push_back(std::move(spy->counts));
            spy->counts.clear();
        }
        *out = m.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

/* ---- results ------------------------------------------------------- */

void xs_mset_free(xs_mset *m)
{
    try {
        delete m;
    } catch (...) {
    }
}

uint32_t xs_mset_size(const xs_mset *m)
{
    return m ? m->mset.size() : 0;
}

void xs_mset_total(const xs_mset *m, uint32_t *estimated, uint32_t *lower,
                   uint32_t *upper)
{
    if (estimated)
        *estimated = m->mset.get_matches_estimated();
    if (lower)
        *lower = m->mset.get_matches_lower_bound();
    if (upper)
        *upper = m->mset.get_matches_upper_bound();
}

uint32_t xs_mset_docid(const xs_mset *m, uint32_t i)
{
    try {
        return i < m->mset.size() ? *m->mset[i] : 0;
    } catch (...) {
        return 0;
    }
}

double xs_mset_weight(const xs_mset *m, uint32_t i)
{
    try {
        return i < m->mset.size() ? m->mset[i].get_weight() : 0.0;
    } catch (...) {
        return 0.0;
    }
}

static const Xapian::Document &hit_doc(xs_mset *m, uint32_t i)
{
    if (i >= m->mset.size())
        throw Xapian::InvalidArgumentError("hit index out of range");
    if (m->doc_i != i) {
        m->doc = m->mset[i].get_document();
        m->doc_i = i;
    }
    return m->doc;
}

int xs_mset_data(xs_mset *m, uint32_t i, char **data, size_t *len,
                 struct err *e)
{
    try {
        *data = nullptr;
        return xs_copy_out(hit_doc(m, i).get_data(), data, len, e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_mset_value(xs_mset *m, uint32_t i, unsigned slot, char **val,
                  size_t *len, struct err *e)
{
    try {
        *val = nullptr;
        return xs_copy_out(hit_doc(m, i).get_value(slot), val, len, e);
    } catch (...) {
        return xs_fail(e);
    }
}

/* Drops a Xapian term prefix (upper-case letters, then ':' if present). */
static std::string bare_term(const std::string &t)
{
    size_t i = xs_prefix_len(t);

    if (i > 0 && i < t.size() && t[i] == ':')
        i++;
    return t.substr(i);
}

/*
 * Collects the query terms a snippet should highlight: those that add
 * weight, so not excluded (AND_NOT), filter or zero-weighted ones.
 */
static void snippet_terms(const Xapian::Query &q,
                          std::vector<Xapian::Query> &out)
{
    size_t n = q.get_num_subqueries();

    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
        /* MSet::snippet matches a word through "Z" + stem(word): our
         * terms are stems without the Z, so supply that form. */
        out.emplace_back("Z" + bare_term(*q.get_terms_begin()));
        return;
    case Xapian::Query::OP_WILDCARD:
        out.push_back(q);
        return;
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
        n = std::min<size_t>(n, 1);
        break;
    case Xapian::Query::OP_SCALE_WEIGHT:
        /* The factor is not exposed otherwise. */
        if (q.get_description().compare(0, 10, "Query(0 * ") == 0)
            return;
        break;
    default:
        break;
    }
    for (size_t i = 0; i < n; i++)
        snippet_terms(q.get_subquery(i), out);
}

/*
 * Xapian highlights only terms it finds in the statistics of the MSet, so
 * snippets come from a second, empty MSet over the "Z"-form terms. Phrases
 * become loose terms: each phrase word is highlighted on its own.
 */
static void prepare_snippets(xs_mset *m)
{
    std::vector<Xapian::Query> terms;

    snippet_terms(m->query, terms);
    if (!terms.empty()) {
        Xapian::Enquire enq(m->db);
        enq.set_query(
            Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
        m->snip_mset = enq.get_mset(0, 0);
    }
    m->snip_ready = true;
}

int xs_mset_snippet(xs_mset *m, const char *text, size_t len, size_t max_len,
                    const char *lang, const char *hi_start, const char *hi_end,
                    const char *omit, char **out, struct err *e)
{
    try {
        *out = nullptr;
        if (!lang)
            return xs_err(e, ERR_USAGE, "no stemming language given");
        if (!m->snip_ready)
            prepare_snippets(m);
        if (!m->snip_stem_ready || m->snip_lang != lang) {
            m->snip_stem = xs_thread_stem(lang);
            m->snip_lang = lang;
            m->snip_stem_ready = true;
        }
        /* No background model: it looks up the frequency of every word
         * of the text, which made snippets cost more than the search. Not
         * exhaustive either: the first good window is good enough. */
        std::string s = m->snip_mset.snippet(
            xs_bytes(text, len), max_len, m->snip_stem, 0,
            hi_start ? hi_start : "", hi_end ? hi_end : "", omit ? omit : "");
        return xs_copy_out(s, out, nullptr, e);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_mset_facet(xs_mset *m, int facet, xs_facet_fn fn, void *ctx,
                  struct err *e)
{
    try {
        if (facet < 0 || static_cast<size_t>(facet) >= m->facets.size())
            return xs_err(e, ERR_USAGE, "no such facet");

        /* std::string compares bytes as unsigned char: byte order. */
        for (const auto &kv : m->facets[facet])
            if (fn(ctx, kv.first.data(), kv.first.size(), kv.second))
                break;
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}
