/*
 * Building query trees by hand: terms, combinations, value ranges and
 * weight scaling, for filters and boosts the query parser does not
 * express. Queries are immutable; each call returns a new handle.
 */
#include "xs_internal.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

static int new_query(const Xapian::Query &q, xs_query **out)
{
    *out = new xs_query{q};
    return 0;
}

int xs_query_term(const char *term, unsigned wqf, xs_query **out, struct err *e)
{
    try {
        *out = nullptr;
        return new_query(Xapian::Query(term, wqf), out);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_query_all(xs_query **out, struct err *e)
{
    try {
        *out = nullptr;
        return new_query(Xapian::Query::MatchAll, out);
    } catch (...) {
        return xs_fail(e);
    }
}

static Xapian::Query::op xapian_op(enum xs_op op)
{
    switch (op) {
    case XS_OP_AND:
        return Xapian::Query::OP_AND;
    case XS_OP_OR:
        return Xapian::Query::OP_OR;
    case XS_OP_AND_NOT:
        return Xapian::Query::OP_AND_NOT;
    case XS_OP_FILTER:
        return Xapian::Query::OP_FILTER;
    case XS_OP_AND_MAYBE:
        return Xapian::Query::OP_AND_MAYBE;
    case XS_OP_PHRASE:
        return Xapian::Query::OP_PHRASE;
    }
    throw Xapian::InvalidArgumentError("unknown query operator");
}

int xs_query_combine(enum xs_op op, xs_query *const *subs, size_t n,
                     xs_query **out, struct err *e)
{
    try {
        std::vector<Xapian::Query> qs;

        *out = nullptr;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++)
            if (subs[i])
                qs.push_back(subs[i]->q);
        return new_query(Xapian::Query(xapian_op(op), qs.begin(), qs.end()),
                         out);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_query_scale(xs_query *q, double factor, xs_query **out, struct err *e)
{
    try {
        *out = nullptr;
        return new_query(
            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor), out);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_query_value_range(unsigned slot, const char *lo, size_t lo_len,
                         const char *hi, size_t hi_len, xs_query **out,
                         struct err *e)
{
    try {
        Xapian::Query q;

        *out = nullptr;
        /* With both ends open, any document with a value in slot matches:
         * every non-empty value is >= "". */
        if (lo && hi)
            q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                              std::string(lo, lo_len), std::string(hi, hi_len));
        else if (hi)
            q = Xapian::Query(Xapian::Query::OP_VALUE_LE, slot,
                              std::string(hi, hi_len));
        else
            q = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot,
                              xs_bytes(lo, lo_len));
        return new_query(q, out);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_query_boolean(xs_query *q, xs_query **out, struct err *e)
{
    try {
        *out = nullptr;
        return new_query(
            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, 0.0), out);
    } catch (...) {
        return xs_fail(e);
    }
}

int xs_query_is_empty(const xs_query *q)
{
    return !q || q->q.empty();
}

int xs_query_describe(const xs_query *q, char **out, struct err *e)
{
    try {
        *out = nullptr;
        return xs_copy_out(q->q.get_description(), out, nullptr, e);
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_query_free(xs_query *q)
{
    try {
        delete q;
    } catch (...) {
    }
}

/*
 * Drops a Xapian term prefix (upper-case letters, then ':' if present);
 * "" when the prefix is one of skip.
 */
static std::string bare_term(const std::string &t, const char *const *skip)
{
    size_t i = xs_prefix_len(t);

    for (size_t k = 0; skip && skip[k]; k++)
        if (t.compare(0, i, skip[k]) == 0 && strlen(skip[k]) == i)
            return std::string();
    if (i > 0 && i < t.size() && t[i] == ':')
        i++;
    return t.substr(i);
}

/* Terms that add weight: not excluded (AND_NOT), filter or zero-weighted
 * ones. Returns non-zero when fn asked to stop. */
static int highlight_terms(const Xapian::Query &q, const char *const *skip,
                           xs_mark_fn fn, void *ctx)
{
    size_t n = q.get_num_subqueries();

    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
        std::string t = bare_term(*q.get_terms_begin(), skip);
        return t.empty() ? 0 : fn(ctx, t.data(), t.size(), 0);
    }
    case Xapian::Query::OP_WILDCARD: {
        std::string t = bare_term(xs_wildcard_pattern(q), skip);
        return t.empty() ? 0 : fn(ctx, t.data(), t.size(), 1);
    }
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
        n = std::min<size_t>(n, 1);
        break;
    case Xapian::Query::OP_SCALE_WEIGHT:
        /* The factor is not exposed otherwise. */
        if (q.get_description().compare(0, 10, "Query(0 * ") == 0)
            return 0;
        break;
    default:
        break;
    }
    for (size_t i = 0; i < n; i++)
        if (highlight_terms(q.get_subquery(i), skip, fn, ctx))
            return 1;
    return 0;
}

int xs_query_highlight_terms(const xs_query *q, const char *const *skip,
                             xs_mark_fn fn, void *ctx, struct err *e)
{
    try {
        highlight_terms(q->q, skip, fn, ctx);
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

/* A wildcard's pattern is not exposed but ends its description:
 * "Query(WILDCARD SYNONYM XTnetw)". */
std::string xs_wildcard_pattern(const Xapian::Query &q)
{
    std::string d = q.get_description();
    size_t sp = d.rfind(' ');

    if (sp == std::string::npos || d.size() < sp + 2 || d.back() != ')')
        return std::string();
    return d.substr(sp + 1, d.size() - sp - 2);
}
