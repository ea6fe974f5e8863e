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
#include <unordered_map>

namespace
{

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

    /*
     * Words repeat a great deal (indexing a crawl, snippets of ten
     * abstracts), so stems are remembered, up to a bound that keeps a
     * long-lived stemmer's memory flat.
     */
    std::string operator()(const std::string &word) override
    {
        auto hit = cache_.find(word);
        if (hit != cache_.end())
            return hit->second;
        const sb_symbol *s = sb_stemmer_stem(
            st_, reinterpret_cast<const sb_symbol *>(word.data()),
            static_cast<int>(word.size()));
        /* libstemmer returns NULL only when it could not grow its buffer. */
        if (!s)
            throw std::bad_alloc();
        std::string stem(reinterpret_cast<const char *>(s),
                         sb_stemmer_length(st_));
        /* Long words are rare and would let a client's queries fill
         * the cache with up to max_query_bytes per entry. */
        if (word.size() > CACHE_WORD_MAX)
            return stem;
        if (cache_.size() >= CACHE_MAX)
            cache_.clear();
        cache_.emplace(word, stem);
        return stem;
    }

    std::string get_description() const override
    {
        return "libstemmer(" + lang_ + ")";
    }

  private:
    static constexpr size_t CACHE_MAX = 100000;
    static constexpr size_t CACHE_WORD_MAX = 64; /* bytes */
    struct sb_stemmer *st_;
    std::unordered_map<std::string, std::string> cache_;
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

Xapian::Stem xs_thread_stem(const char *lang)
{
    /* One per thread and language: a stemmer is not thread-safe, and
     * keeping it lets its cache serve every result page of the thread. */
    thread_local std::unordered_map<std::string, Xapian::Stem> stems;
    auto it = stems.find(lang);
    if (it != stems.end())
        return it->second;
    Xapian::Stem stem = xs_make_stem(lang);
    stems.emplace(lang, stem);
    return stem;
}
