/*
 * Snowball stemming through libstemmer, plugged into Xapian as a user
 * stemmer so the TermGenerator, the QueryParser and snippets all stem with
 * the same code. Only UTF-8 is supported; "none" means no stemming.
 */
#include "xs_internal.h"

#include <cstdlib>
#include <cstring>
#include <libstemmer.h>
#include <new>
#include <string>
#include <vector>

namespace
{

/*
 * Stems already computed, by word: open addressing over a power-of-two
 * table, so a lookup costs a hash and a probe or two rather than a
 * division and a walk along a chain of nodes. Indexing stems every word
 * of the crawl, mostly the same few thousand; snippets stem the words of
 * each hit that could match a query term.
 */
class StemCache
{
  public:
    StemCache() : slots_(CAPACITY) {}

    const std::string *find(const std::string &word, size_t hash) const
    {
        for (size_t i = hash & MASK;; i = (i + 1) & MASK) {
            const Slot &s = slots_[i];
            if (!s.used)
                return nullptr;
            if (s.hash == hash && s.word == word)
                return &s.stem;
        }
    }

    /* Keeps memory flat: a full cache starts again from empty. */
    void put(const std::string &word, size_t hash, const std::string &stem)
    {
        if (used_ >= MAX_FILL) {
            for (Slot &s : slots_)
                s.used = false;
            used_ = 0;
        }
        size_t i = hash & MASK;
        while (slots_[i].used)
            i = (i + 1) & MASK;
        Slot &s = slots_[i];
        s.word = word;
        s.stem = stem;
        s.hash = hash;
        s.used = true;
        used_++;
    }

  private:
    static constexpr size_t CAPACITY = 1 << 17;
    static constexpr size_t MASK = CAPACITY - 1;
    static constexpr size_t MAX_FILL = 100000; /* of 131,072 */
    struct Slot {
        std::string word, stem;
        size_t hash = 0;
        bool used = false;
    };
    std::vector<Slot> slots_;
    size_t used_ = 0;
};

class SnowballStem : public Xapian::StemImplementation
{
  public:
    explicit SnowballStem(const char *lang) : lang_(lang)
    {
        st_ = sb_stemmer_new(lang, nullptr);
        if (!st_)
            throw Xapian::InvalidArgumentError(
                std::string("unknown stemming language: ") + lang);
    }

    ~SnowballStem() override
    {
        sb_stemmer_delete(st_);
    }

    SnowballStem(const SnowballStem &) = delete;
    SnowballStem &operator=(const SnowballStem &) = delete;

    std::string operator()(const std::string &word) override
    {
        /* Long words are rare and would let a client's queries fill the
         * cache with up to max_query_bytes per entry. */
        const bool cacheable = word.size() <= CACHE_WORD_MAX;
        const size_t hash = cacheable ? std::hash<std::string>{}(word) : 0;

        if (cacheable)
            if (const std::string *hit = cache_.find(word, hash))
                return *hit;
        const sb_symbol *s = sb_stemmer_stem(
            st_, reinterpret_cast<const sb_symbol *>(word.data()),
            static_cast<int>(word.size()));
        /* libstemmer returns NULL only when it could not grow its buffer. */
        if (!s)
            throw std::bad_alloc();
        std::string stem(reinterpret_cast<const char *>(s),
                         sb_stemmer_length(st_));
        if (cacheable)
            cache_.put(word, hash, stem);
        return stem;
    }

    std::string get_description() const override
    {
        return "libstemmer(" + lang_ + ")";
    }

  private:
    static constexpr size_t CACHE_WORD_MAX = 64; /* bytes */
    struct sb_stemmer *st_;
    StemCache cache_;
    std::string lang_;
};

} // namespace

Xapian::Stem xs_make_stem(const char *lang)
{
    if (!lang)
        throw Xapian::InvalidArgumentError("no stemming language given");
    if (strcmp(lang, "none") == 0)
        return Xapian::Stem();
    /* Stem takes ownership and reference-counts the implementation. */
    return Xapian::Stem(new SnowballStem(lang));
}

struct xs_stemmer {
    Xapian::Stem stem;
};

int xs_stemmer_new(const char *lang, xs_stemmer **out, struct err *e)
{
    try {
        *out = nullptr;
        Xapian::Stem stem = xs_make_stem(lang);
        *out = new xs_stemmer{stem};
        return 0;
    } catch (...) {
        return xs_fail(e);
    }
}

void xs_stemmer_free(xs_stemmer *st)
{
    delete st;
}

int xs_stemmer_stem(xs_stemmer *st, const char *word, size_t len, char **out,
                    struct err *e)
{
    try {
        *out = nullptr;
        return xs_copy_out(st->stem(std::string(word, len)), out, nullptr, e);
    } catch (...) {
        return xs_fail(e);
    }
}
