/*
 * Spelling words counted before they are written. Xapian's TermGenerator
 * hands each word of a text to the spelling table as it goes, one
 * occurrence at a time, and the table updates its word and fragment
 * entries at every flush; a build would pay that for each of a title's
 * words in each paper. Here the words are counted in memory and written
 * once each, with their counts, when the caller flushes. The words are
 * the ones TermGenerator would give the spelling table: its own word
 * splitting, lower-cased, unstemmed.
 */
#include "xs_internal.h"

#include <memory>
#include <unordered_map>
#include <unordered_set>

struct xs_spelling {
    Xapian::TermGenerator tg; /* no stemmer: words as written */
    Xapian::Document scratch;
    std::unordered_map<std::string, Xapian::termcount> counts;
    std::unordered_set<std::string> stopwords;
};

int xs_spelling_new(const char *const *stopwords, xs_spelling **out,
                    struct err *e)
{
    try {
        *out = nullptr;
        auto sp = std::make_unique<xs_spelling>();
        for (size_t i = 0; stopwords && stopwords[i]; i++)
            sp->stopwords.insert(stopwords[i]);
        sp->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
        *out = sp.release();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_spelling_free(xs_spelling *sp)
{
    try {
        delete sp;
    } catch (...) {
    }
}

int xs_spelling_add_text(xs_spelling *sp, const char *text, size_t len,
                         struct err *e)
{
    try {
        Xapian::Utf8Iterator it(text, len);

        sp->scratch.clear_terms();
        sp->tg.set_document(sp->scratch);
        sp->tg.index_text_without_positions(it);
        for (auto t = sp->scratch.termlist_begin();
             t != sp->scratch.termlist_end(); ++t)
            if (!sp->stopwords.count(*t))
                sp->counts[*t] += t.get_wdf();
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

size_t xs_spelling_size(const xs_spelling *sp)
{
    return sp->counts.size();
}

int xs_spelling_flush(xs_spelling *sp, xs_wdb *db, struct err *e)
{
    try {
        for (auto it = sp->counts.begin(); it != sp->counts.end();) {
            db->db.add_spelling(it->first, it->second);
            it = sp->counts.erase(it);
        }
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}
