/*
 * Searching: an Enquire with BM25, sort orders, facet counting through a
 * match spy, and the result page with its data and values.
 * Facet counts cover only the documents Xapian examined (see check_at_least
 * in xs.h), not necessarily every match.
 */
#include "xs_internal.h"

#include <algorithm>
#include <cstdint>
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
    xs_enquire(const xs_db &d) : db(d.db), enq(d.db), implicit(d.implicit)
    {
    }

    Xapian::Database db;
    Xapian::Enquire enq;
    XsImplicitField implicit;
    XsBm25 bm25;
    Xapian::Query query; /* as set, before the implicit field's rewrite */
    std::vector<FacetSpy *> spies; /* owned by enq */
    /* Relevance order with ties broken by this slot (see tie_free_page). */
    bool relevance_ties = false;
    Xapian::valueno tie_slot = 0;
};

struct xs_mset {
    Xapian::MSet mset;
    /* Hit i of the page is mset[order[i]]. */
    std::vector<Xapian::doccount> order;
    std::vector<Counts> facets; /* one per spy, taken from the spies */

    /* The last hit whose document was fetched: data and values of one hit
     * are usually read together. */
    Xapian::Document doc;
    uint32_t doc_i = UINT32_MAX;
};

/* ---- searching ----------------------------------------------------- */

int xs_enquire_new(xs_db *db, xs_enquire **out, struct err *e)
{
    try {
        *out = new xs_enquire(*db);
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
        enq->query = q->q;
        enq->enq.set_query(xs_implicit_field_query(q->q, enq->implicit,
                                                   enq->bm25, enq->db));
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
        enq->bm25 = XsBm25{k1, k2, k3, b, min_normlen};
        /* The implicit field's terms weigh themselves with these. */
        enq->enq.set_query(xs_implicit_field_query(enq->query, enq->implicit,
                                                   enq->bm25, enq->db));
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_enquire_sort_relevance(xs_enquire *enq, unsigned tie_slot, struct err *e)
{
    try {
        enq->enq.set_sort_by_relevance();
        enq->relevance_ties = true;
        enq->tie_slot = tie_slot;
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
        enq->relevance_ties = false;
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

static void clear_spies(xs_enquire *enq)
{
    for (FacetSpy *spy : enq->spies)
        spy->counts.clear();
}

/*
 * Orders by relevance with ties broken by the tie slot's value, cheaply.
 * Xapian's own relevance-then-value order reads the value of every
 * candidate; instead the page is fetched in plain relevance order (ties by
 * document id) with one hit more on either side. When neither neighbour
 * ties with the page's edge, the page holds exactly the hits the full
 * order would put there, and only ties inside it need sorting by value.
 * Returns false when a tie crosses an edge: the caller must ask Xapian.
 */
static bool tie_free_page(xs_enquire *enq, uint32_t offset, uint32_t limit,
                          uint32_t check_at_least, xs_mset &m)
{
    const uint32_t before = offset > 0 ? 1 : 0;
    /* Xapian clamps a page past its end; only the sum must not wrap. */
    const uint64_t want = std::min<uint64_t>(uint64_t{limit} + before + 1,
                                             UINT32_MAX);
    m.mset = enq->enq.get_mset(offset - before,
                               static_cast<Xapian::doccount>(want),
                               check_at_least);
    const Xapian::doccount n = m.mset.size();
    const Xapian::doccount end = std::min<Xapian::doccount>(n, before + limit);

    if (before && n > 1 && m.mset[0].get_weight() == m.mset[1].get_weight())
        return false;
    if (n > end && end > before &&
        m.mset[end - 1].get_weight() == m.mset[end].get_weight())
        return false;
    m.order.clear();
    for (Xapian::doccount i = before; i < end; i++)
        m.order.push_back(i);
    for (size_t i = 0; i < m.order.size();) {
        size_t j = i + 1;
        double w = m.mset[m.order[i]].get_weight();
        while (j < m.order.size() && m.mset[m.order[j]].get_weight() == w)
            j++;
        if (j - i > 1) {
            std::vector<std::pair<std::string, Xapian::doccount>> keyed;
            for (size_t k = i; k < j; k++)
                keyed.emplace_back(
                    m.mset[m.order[k]].get_document().get_value(enq->tie_slot),
                    m.order[k]);
            std::sort(keyed.begin(), keyed.end());
            for (size_t k = i; k < j; k++)
                m.order[k] = keyed[k - i].second;
        }
        i = j;
    }
    return true;
}

int xs_enquire_get_mset(xs_enquire *enq, uint32_t offset, uint32_t limit,
                        uint32_t check_at_least, xs_mset **out, struct err *e)
{
    try {
        *out = nullptr;
        clear_spies(enq);

        auto m = std::make_unique<xs_mset>();
        /* An empty page (totals or facets only) has no order to get. */
        const bool ties = enq->relevance_ties && limit > 0;
        if (!ties || !tie_free_page(enq, offset, limit, check_at_least, *m)) {
            if (ties) {
                /* A tie crosses an edge of the page: Xapian's own order
                 * (reverse = false: ascending values). */
                clear_spies(enq);
                enq->enq.set_sort_by_relevance_then_value(enq->tie_slot,
                                                          false);
            }
            m->mset = enq->enq.get_mset(offset, limit, check_at_least);
            if (ties)
                enq->enq.set_sort_by_relevance();
            m->order.clear();
            for (Xapian::doccount i = 0; i < m->mset.size(); i++)
                m->order.push_back(i);
        }
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
    return m ? static_cast<uint32_t>(m->order.size()) : 0;
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
        return i < m->order.size() ? *m->mset[m->order[i]] : 0;
    } catch (...) {
        return 0;
    }
}

double xs_mset_weight(const xs_mset *m, uint32_t i)
{
    try {
        return i < m->order.size() ? m->mset[m->order[i]].get_weight() : 0.0;
    } catch (...) {
        return 0.0;
    }
}

static const Xapian::Document &hit_doc(xs_mset *m, uint32_t i)
{
    if (i >= m->order.size())
        throw Xapian::InvalidArgumentError("hit index out of range");
    if (m->doc_i != i) {
        m->doc = m->mset[m->order[i]].get_document();
        m->doc_i = i;
    }
    return m->doc;
}

int xs_mset_data(xs_mset *m, uint32_t i, char **data, size_t *len,
                 struct err *e)
{
    try {
        *data = nullptr;
        const Xapian::Document &doc = hit_doc(m, i);
        return xs_data_unpack(doc.get_value(XS_DATA_SLOT), doc.get_docid(),
                              data, len, e);
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
