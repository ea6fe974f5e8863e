/*
 * Phrases in fields whose terms carry no positions. Every word is
 * positioned once, in the unprefixed copy of its field; the prefixed
 * copies of long fields are not, since positions are the costliest part
 * of an index to build. A phrase under such a prefix becomes the same
 * phrase over unprefixed terms, filtered to documents that have every
 * word of it under the prefix: exact unless the phrase occurs in another
 * field while its words are scattered through this one.
 */
#include "xs_internal.h"

#include <cstdlib>
#include <vector>

namespace
{

/* The prefix of term, if it is one of positionless, else nullptr. */
const std::string *positionless_prefix(
    const Xapian::Query &q, const std::vector<std::string> &positionless)
{
    if (q.get_type() != Xapian::Query::LEAF_TERM)
        return nullptr;
    const std::string t = *q.get_terms_begin();
    const size_t upper = xs_prefix_len(t);

    for (const std::string &p : positionless)
        if (upper == p.size() && upper < t.size() &&
            t.compare(0, upper, p) == 0)
            return &p;
    return nullptr;
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

Xapian::Query unprefixed_phrase(const Xapian::Query &q, size_t prefix_len,
                                const char *opname)
{
    const size_t n = q.get_num_subqueries();
    std::vector<Xapian::Query> bare, prefixed;

    for (size_t i = 0; i < n; i++) {
        const Xapian::Query sub = q.get_subquery(i);
        const std::string t = *sub.get_terms_begin();
        bare.emplace_back(t.substr(prefix_len), 1,
                          static_cast<Xapian::termpos>(i + 1));
        prefixed.push_back(sub);
    }
    Xapian::Query phrase(q.get_type(), bare.begin(), bare.end(),
                         window_of(q, opname, n));
    Xapian::Query in_field(Xapian::Query::OP_AND, prefixed.begin(),
                           prefixed.end());
    return Xapian::Query(Xapian::Query::OP_FILTER, phrase, in_field);
}

Xapian::Query rewrite(const Xapian::Query &q,
                      const std::vector<std::string> &positionless,
                      bool &changed)
{
    const Xapian::Query::op op = q.get_type();
    const size_t n = q.get_num_subqueries();

    if (n == 0)
        return q;
    if (op == Xapian::Query::OP_PHRASE || op == Xapian::Query::OP_NEAR) {
        const std::string *p =
            positionless_prefix(q.get_subquery(0), positionless);
        if (!p)
            return q;
        for (size_t i = 1; i < n; i++)
            if (positionless_prefix(q.get_subquery(i), positionless) != p)
                return q;
        changed = true;
        return unprefixed_phrase(
            q, p->size(), op == Xapian::Query::OP_PHRASE ? "PHRASE" : "NEAR");
    }
    if (!xs_rebuildable(op))
        return q;

    std::vector<Xapian::Query> subs;
    bool any = false;
    subs.reserve(n);
    for (size_t i = 0; i < n; i++)
        subs.push_back(rewrite(q.get_subquery(i), positionless, any));
    if (!any)
        return q;
    changed = true;
    return Xapian::Query(op, subs.begin(), subs.end());
}

} // namespace

Xapian::Query
xs_positionless_phrases(const Xapian::Query &q,
                        const std::vector<std::string> &positionless)
{
    bool changed = false;

    if (positionless.empty())
        return q;
    Xapian::Query out = rewrite(q, positionless, changed);
    return changed ? out : q;
}

/* Operators the query parser nests phrases under, which carry no
 * parameter and can therefore be rebuilt from their subqueries. */
bool xs_rebuildable(Xapian::Query::op op)
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
