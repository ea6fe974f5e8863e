/*
 * make_queries: samples benchmark queries from a crawl: word spans from
 * titles, quoted phrases from abstracts, words found in few abstracts. A
 * fixed stride and seed give the same file for the same crawl. Only plain
 * ASCII words are used, so engines tokenise them alike; no operators.
 */
#include "crawl.h"
#include "strset.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SPAN_WORDS 3
#define MAX_WORDS      512
#define RARE_DF_MIN    2
#define RARE_DF_MAX    5
#define RARE_LEN_MIN   5
#define RARE_LEN_MAX   20

struct opts {
    unsigned n_free, n_phrase, n_rare;
    uint64_t seed;
};

/* Document frequency of abstract words (open addressing). */
struct df_entry {
    char *word;
    unsigned df;
    size_t last_doc; /* counts a word once per abstract */
};

struct df_table {
    struct df_entry *slots;
    size_t cap, used;
};

struct state {
    struct opts o;
    struct df_table df;
    struct strset *seen;
    size_t n_titles, n_abstracts; /* pass 1 counts, pass 2 positions */
    size_t title_i, abstract_i;
    unsigned free_done, phrase_done;
    int want_free, want_phrase;
    uint64_t rng;
};

typedef int (*paper_fn)(struct state *st, const struct paper *p);

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* xorshift64: fixed seed, so runs repeat exactly. */
static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static int df_grow(struct df_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1 << 16;
    struct df_entry *slots = calloc(cap, sizeof(*slots));

    if (!slots)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        struct df_entry *old = &t->slots[i];
        size_t j;

        if (!old->word)
            continue;
        j = fnv1a(old->word, strlen(old->word)) & (cap - 1);
        while (slots[j].word)
            j = (j + 1) & (cap - 1);
        slots[j] = *old;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

static int df_count(struct df_table *t, const char *w, size_t n, size_t doc)
{
    size_t j;

    if ((t->used + 1) * 2 > t->cap && df_grow(t) < 0)
        return -1;
    j = fnv1a(w, n) & (t->cap - 1);
    while (t->slots[j].word) {
        struct df_entry *s = &t->slots[j];
        if (strlen(s->word) == n && memcmp(s->word, w, n) == 0) {
            if (s->last_doc != doc) {
                s->df++;
                s->last_doc = doc;
            }
            return 0;
        }
        j = (j + 1) & (t->cap - 1);
    }
    t->slots[j].word = strndup(w, n);
    if (!t->slots[j].word)
        return -1;
    t->slots[j].df = 1;
    t->slots[j].last_doc = doc;
    t->used++;
    return 0;
}

static void df_fini(struct df_table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->slots[i].word);
    free(t->slots);
}

/* Bytes that belong to a word as engines split text: ASCII letters and
 * digits, and any non-ASCII byte (letters of other scripts). */
static int word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* Pass 1: counts abstract words, lower-cased, pure ASCII letters only. */
static int count_abstract(struct state *st, const char *text, size_t doc)
{
    char buf[RARE_LEN_MAX + 1];
    const char *p = text;

    while (*p) {
        const char *w = p;
        size_t n;
        int alpha = 1;

        if (!word_byte((unsigned char)*p)) {
            p++;
            continue;
        }
        while (word_byte((unsigned char)*p)) {
            alpha &= isalpha((unsigned char)*p) != 0;
            p++;
        }
        n = (size_t)(p - w);
        if (!alpha || n < RARE_LEN_MIN || n > RARE_LEN_MAX)
            continue;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)tolower((unsigned char)w[i]);
        if (df_count(&st->df, buf, n, doc) < 0)
            return -1;
    }
    return 0;
}

static int pass_count(struct state *st, const struct paper *p)
{
    st->n_titles++;
    if (p->abstract && *p->abstract) {
        st->n_abstracts++;
        return count_abstract(st, p->abstract, st->n_abstracts);
    }
    return 0;
}

/* Words too common to start or end a query someone would type. */
static int stopword(const char *w)
{
    static const char *const list[] = {
        "a",     "an",   "and", "are",   "as",  "at",   "be",    "by",  "can",
        "for",   "from", "has", "have",  "in",  "into", "is",    "it",  "its",
        "not",   "of",   "on",  "or",    "our", "such", "that",  "the", "their",
        "these", "this", "to",  "using", "via", "we",   "which", "with"};

    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

/*
 * One whitespace-separated word, lower-cased into out without the
 * punctuation around it. Returns 0 when the word is not plain (anything
 * but ASCII letters, digits and inner hyphens); *ends is set when
 * punctuation after it closes a clause, so no span runs past it.
 */
static int clean_word(const char *w, size_t n, char *out, size_t cap, int *ends)
{
    size_t b = 0, e = n, len;
    int letter = 0;

    while (b < e && strchr("(\"'[", w[b]))
        b++;
    while (e > b && strchr(".,;:!?)\"']", w[e - 1]))
        e--;
    *ends = e < n;
    len = e - b;
    if (len == 0 || len >= cap || w[b] == '-' || w[e - 1] == '-')
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[b + i];
        if (!isalnum(c) && c != '-')
            return 0;
        letter |= isalpha(c) != 0;
        out[i] = (char)tolower(c);
    }
    out[len] = '\0';
    return letter;
}

struct words {
    char w[MAX_WORDS][48];
    int ok[MAX_WORDS];   /* plain word */
    int ends[MAX_WORDS]; /* a clause ends after it */
    size_t n;
};

static void split_words(const char *text, struct words *ws)
{
    const char *p = text;

    ws->n = 0;
    while (*p && ws->n < MAX_WORDS) {
        const char *w;

        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        w = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        ws->ok[ws->n] = clean_word(w, (size_t)(p - w), ws->w[ws->n],
                                   sizeof(ws->w[0]), &ws->ends[ws->n]);
        ws->n++;
    }
}

/* Whether words [i, i+len) make a span: plain, within one clause, not
 * starting or ending with a stop word. */
static int span_ok(const struct words *ws, size_t i, size_t len)
{
    if (i + len > ws->n)
        return 0;
    for (size_t k = i; k < i + len; k++)
        if (!ws->ok[k] || (k < i + len - 1 && ws->ends[k]))
            return 0;
    return !stopword(ws->w[i]) && !stopword(ws->w[i + len - 1]);
}

/*
 * Picks a span of len words from text at a random eligible start and
 * writes it to out (quoted when asked). Returns 1 if a new one was
 * written, 0 if the text has none or gave one already used.
 */
static int pick_span(struct state *st, const char *text, size_t len, int quote,
                     char *out, size_t cap)
{
    static struct words ws;
    size_t starts[MAX_WORDS], n = 0, at, o = 0;

    split_words(text, &ws);
    for (size_t i = 0; i < ws.n; i++)
        if (span_ok(&ws, i, len))
            starts[n++] = i;
    if (n == 0)
        return 0;
    at = starts[rng_next(&st->rng) % n];
    if (quote)
        out[o++] = '"';
    for (size_t k = at; k < at + len; k++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", k > at ? " " : "",
                              ws.w[k]);
    if (quote)
        snprintf(out + o, cap - o, "\"");
    return strset_add(st->seen, out) == 1;
}

static size_t stride(size_t n, unsigned want)
{
    return want && n / want > 0 ? n / want : 1;
}

/* Pass 2: takes a title span every few papers and an abstract phrase
 * every few abstracts; a paper without one passes the turn on. */
static int pass_sample(struct state *st, const struct paper *p)
{
    char q[256];

    if (st->title_i++ % stride(st->n_titles, st->o.n_free) == 0)
        st->want_free = 1;
    if (st->want_free && st->free_done < st->o.n_free &&
        pick_span(st, p->title, 2 + st->free_done % 2, 0, q, sizeof(q))) {
        printf("free\t%s\n", q);
        st->free_done++;
        st->want_free = 0;
    }
    if (!p->abstract || !*p->abstract)
        return 0;
    if (st->abstract_i++ % stride(st->n_abstracts, st->o.n_phrase) == 0)
        st->want_phrase = 1;
    if (st->want_phrase && st->phrase_done < st->o.n_phrase &&
        pick_span(st, p->abstract, MAX_SPAN_WORDS, 1, q, sizeof(q))) {
        printf("phrase\t%s\n", q);
        st->phrase_done++;
        st->want_phrase = 0;
    }
    return 0;
}

static int for_each_paper(const struct crawl_files *cf, struct state *st,
                          paper_fn fn, struct err *e)
{
    int rc = 0;

    for (size_t i = 0; i < cf->n_papers && rc >= 0; i++) {
        struct rec_reader *r = NULL;
        const char *json;
        size_t len;
        struct rec_loc loc;

        rc = rec_reader_open(cf->papers[i], &r, e);
        while (rc >= 0 &&
               (rc = rec_reader_next(r, &json, &len, &loc, e)) == 1) {
            struct paper p;
            struct err skip = {0, ""};

            memset(&p, 0, sizeof(p));
            /* A record we cannot decode is skipped, as the indexer does. */
            if (paper_from_json(json, len, &loc, &p, &skip) < 0)
                continue;
            rc = fn(st, &p);
            paper_fini(&p);
        }
        rec_reader_free(r);
    }
    return rc < 0 ? rc : 0;
}

struct rare {
    const char *word;
    uint64_t key;
};

static int rare_order(const void *a, const void *b)
{
    const struct rare *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return strcmp(x->word, y->word);
}

/* Rare words, taken in an order fixed by the seed rather than by the
 * alphabet, so they spread over the vocabulary. */
static int emit_rare(struct state *st)
{
    struct rare *c = malloc((st->df.used + 1) * sizeof(*c));
    size_t n = 0;
    unsigned done = 0;

    if (!c)
        return -1;
    for (size_t i = 0; i < st->df.cap; i++) {
        const struct df_entry *d = &st->df.slots[i];
        if (d->word && d->df >= RARE_DF_MIN && d->df <= RARE_DF_MAX) {
            c[n].word = d->word;
            c[n].key = fnv1a(d->word, strlen(d->word)) ^ st->o.seed;
            n++;
        }
    }
    qsort(c, n, sizeof(*c), rare_order);
    for (size_t i = 0; i < n && done < st->o.n_rare; i++) {
        if (stopword(c[i].word) || strset_add(st->seen, c[i].word) != 1)
            continue;
        printf("rare\t%s\n", c[i].word);
        done++;
    }
    free(c);
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: make_queries [-f N] [-p N] [-r N] [-s SEED] CRAWL\n"
          "\n"
          "Prints benchmark queries sampled from the crawl's papers, one\n"
          "a line as KIND<TAB>QUERY, KIND being free (2-3 title words),\n"
          "phrase (3 quoted abstract words) or rare (a word found in 2 to\n"
          "5 abstracts). Defaults: 200 free, 100 phrase, 100 rare, seed 1.\n",
          f);
}

static int parse_opts(int argc, char **argv, struct opts *o, int *first)
{
    int i;

    o->n_free = 200;
    o->n_phrase = 100;
    o->n_rare = 100;
    o->seed = 1;
    for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        unsigned long v = strtoul(argv[i + 1], NULL, 10);
        if (strcmp(argv[i], "-f") == 0)
            o->n_free = (unsigned)v;
        else if (strcmp(argv[i], "-p") == 0)
            o->n_phrase = (unsigned)v;
        else if (strcmp(argv[i], "-r") == 0)
            o->n_rare = (unsigned)v;
        else if (strcmp(argv[i], "-s") == 0)
            o->seed = v ? v : 1;
        else
            return -1;
    }
    *first = i;
    return i + 1 == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct crawl_files cf;
    struct err e = {0, ""};
    struct state st;
    int first, rc;

    memset(&st, 0, sizeof(st));
    if (parse_opts(argc, argv, &st.o, &first) < 0) {
        usage(stderr);
        return 2;
    }
    if (crawl_discover(argv[first], &cf, &e) < 0) {
        fprintf(stderr, "make_queries: %s\n", e.msg);
        return 1;
    }
    st.rng = st.o.seed;
    st.seen = strset_new();
    rc = st.seen ? for_each_paper(&cf, &st, pass_count, &e) : ERR_NOMEM;
    if (rc == 0)
        rc = for_each_paper(&cf, &st, pass_sample, &e);
    if (rc == 0)
        rc = emit_rare(&st);
    if (rc < 0)
        fprintf(stderr, "make_queries: %s\n", e.msg[0] ? e.msg : "failed");
    else if (st.free_done < st.o.n_free || st.phrase_done < st.o.n_phrase)
        fprintf(stderr, "make_queries: only %u free and %u phrase queries\n",
                st.free_done, st.phrase_done);
    strset_free(st.seen);
    df_fini(&st.df);
    crawl_files_fini(&cf);
    return rc < 0 ? 1 : 0;
}
