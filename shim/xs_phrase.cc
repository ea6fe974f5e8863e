/*
 * Phrases searched field by field. Unprefixed terms, which plain words
 * search, are indexed without positions: positions are the costliest part
 * of an index to build, and a phrase should not run from the end of a
 * title into the start of an abstract anyway. Field-prefixed terms keep
 * their positions, so a phrase of unprefixed words becomes one phrase per
 * field, each scaled by the field's weight, ORed together.
 */
#include "xs_internal.h"

#include <cstdlib>
#include <vector>

namespace
{

bool is_unprefixed_term(const Xapian::Query &q)
{
    if (q.get_type() != Xapian::Query::LEAF_TERM)
        return false;
    const std::string t = *q.get_terms_begin();
    return !t.empty() && !(t[0] >= 'A' && t[0] <= 'Z');
}

/*
 * The window of a PHRASE or NEAR, which Query does not expose but its
 * description spells: "Query((a NEAR 11 b))". A phrase without one spans
 * exactly its words.
 */
Xapian::termcount window_of(const Xapian::Query &q, const char *opname,
                            size_t words)
{
    const std::string d = q.get_description();
    const std::string key = std::string(" ") + opname + " ";
    size_t at = d.find(key);

    if (at != std::string::npos) {
        unsigned long w = std::strtoul(d.c_str() + at + key.size(), nullptr,
                                       10);
        if (w >= words && w < 1000)
            return static_cast<Xapian::termcount>(w);
    }
    return static_cast<Xapian::termcount>(words);
}

Xapian::Query spread(const Xapian::Query &q,
                     const std::vector<xs_phrase_field> &fields,
                     bool &changed);

Xapian::Query spread_positional(const Xapian::Query &q, const char *opname,
                                const std::vector<xs_phrase_field> &fields)
{
    const size_t n = q.get_num_subqueries();
    const Xapian::termcount window = window_of(q, opname, n);
    std::vector<Xapian::Query> per_field;

    per_field.reserve(fields.size());
    for (const xs_phrase_field &f : fields) {
        std::vector<Xapian::Query> words;
        words.reserve(n);
        for (size_t i = 0; i < n; i++)
            words.emplace_back(f.prefix + *q.get_subquery(i).get_terms_begin(),
                               1, static_cast<Xapian::termpos>(i + 1));
        Xapian::Query one(q.get_type(), words.begin(), words.end(), window);
        per_field.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, one, f.weight);
    }
    return Xapian::Query(Xapian::Query::OP_OR, per_field.begin(),
                         per_field.end());
}

/* Operators the query parser nests phrases under, which carry no
 * parameter and can therefore be rebuilt from their subqueries. */
bool rebuildable(Xapian::Query::op op)
{
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
        return true;
    default:
        return false;
    }
}

Xapian::Query spread(const Xapian::Query &q,
                     const std::vector<xs_phrase_field> &fields,
                     bool &changed)
{
    const Xapian::Query::op op = q.get_type();
    const size_t n = q.get_num_subqueries();

    if (n == 0)
        return q;
    if (op == Xapian::Query::OP_PHRASE || op == Xapian::Query::OP_NEAR) {
        for (size_t i = 0; i < n; i++)
            if (!is_unprefixed_term(q.get_subquery(i)))
                return q;
        changed = true;
        return spread_positional(
            q, op == Xapian::Query::OP_PHRASE ? "PHRASE" : "NEAR", fields);
    }
    if (!rebuildable(op))
        return q;

    std::vector<Xapian::Query> subs;
    bool any = false;
    subs.reserve(n);
    for (size_t i = 0; i < n; i++)
        subs.push_back(spread(q.get_subquery(i), fields, any));
    if (!any)
        return q;
    changed = true;
    return Xapian::Query(op, subs.begin(), subs.end());
}

} // namespace

Xapian::Query xs_spread_phrases(const Xapian::Query &q,
                                const std::vector<xs_phrase_field> &fields)
{
    bool changed = false;

    if (fields.empty())
        return q;
    Xapian::Query out = spread(q, fields, changed);
    return changed ? out : q;
}
