/*
 * Unit tests for the Xapian shim: stemming, how queries over ML paper text
 * are parsed and matched, writer transactions and locking, compaction,
 * sorting, facets, snippets and reopening. Every database lives under one
 * mkdtemp directory that is removed at the end.
 */
/* cmocka.h relies on these being included first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "xs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QP_FLAGS (XS_QP_BOOLEAN | XS_QP_PHRASE | XS_QP_LOVEHATE)

enum { SLOT_YEAR = 0, SLOT_TASKS = 1, SLOT_KEY = 2, SLOT_GROUP = 3 };

static char tmp_root[64];
static char corpus_path[128];

struct paper {
    const char *id;
    const char *title;
    const char *abstract;
    int year;
    const char *tasks; /* 0x1f-separated, "" for none */
};

static const struct paper corpus[] = {
    {"p1", "Generative Adversarial Networks",
     "We train a GAN against a discriminator network.", 2014,
     "image generation\x1fgans"},
    {"p2", "Attention Is All You Need",
     "The Transformer relies on self-attention without recurrence.", 2017,
     "translation\x1f"
     "attention"},
    {"p3", "Language Models are Unsupervised Multitask Learners",
     "GPT-2 is a large language model.", 2019, "language modeling"},
    {"p4", "Deep Residual Learning",
     "ResNet-50 residual networks for image recognition, coded in C++.", 2016,
     "image classification"},
    {"p5", "Efficient self attention",
     "A C# port and a plain C library about the cat in the hat.", 2020,
     "attention\x1f"
     "attention"},
    {"p6", "Systems notes", "Mostly c programming.", 2021, ""},
};

#define NPAPERS (sizeof(corpus) / sizeof(corpus[0]))

/* ---- helpers ------------------------------------------------------- */

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmp_root, name);
}

static int remove_tree(const char *path)
{
    struct stat st;
    DIR *dir;
    struct dirent *de;
    char sub[512];

    if (lstat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    dir = opendir(path);
    if (!dir)
        return -1;
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
        remove_tree(sub);
    }
    closedir(dir);
    return rmdir(path);
}

static xs_wdb *open_writer(const char *path, int flags)
{
    struct err e = {0};
    xs_wdb *w = NULL;

    assert_int_equal(xs_wdb_open(path, flags, &w, &e), 0);
    assert_non_null(w);
    return w;
}

static xs_db *open_reader(const char *path)
{
    struct err e = {0};
    xs_db *db = NULL;

    assert_int_equal(xs_db_open(path, &db, &e), 0);
    assert_non_null(db);
    return db;
}

static void add_term(xs_doc *doc, const char *prefix, const char *word)
{
    struct err e = {0};
    char term[128];

    snprintf(term, sizeof(term), "%s%s", prefix, word);
    assert_int_equal(xs_doc_add_term(doc, term, 0, &e), 0);
}

static void add_value(xs_doc *doc, unsigned slot, const char *val)
{
    struct err e = {0};

    assert_int_equal(xs_doc_add_value(doc, slot, val, strlen(val), &e), 0);
}

static void index_text(xs_indexer *ix, const char *text, const char *prefix)
{
    struct err e = {0};

    assert_int_equal(
        xs_indexer_index_text(ix, text, strlen(text), 1, prefix, 1, &e), 0);
}

/* Titles go in twice: plain for free text, "S" for the title: field. */
static void add_paper(xs_wdb *w, xs_indexer *ix, xs_doc *doc,
                      const struct paper *p)
{
    struct err e = {0};
    char buf[32];
    size_t n;

    xs_doc_clear(doc);
    xs_indexer_set_document(ix, doc);
    index_text(ix, p->title, "");
    xs_indexer_skip_positions(ix, 100);
    index_text(ix, p->title, "S");
    xs_indexer_skip_positions(ix, 100);
    index_text(ix, p->abstract, "");
    add_term(doc, "Q", p->id);
    snprintf(buf, sizeof(buf), "%d", p->year);
    add_term(doc, "Y", buf);
    n = xs_sortable_serialise(p->year, buf);
    assert_int_equal(xs_doc_add_value(doc, SLOT_YEAR, buf, n, &e), 0);
    if (p->tasks[0])
        add_value(doc, SLOT_TASKS, p->tasks);
    add_value(doc, SLOT_KEY, p->id);
    assert_int_equal(xs_doc_set_data(doc, p->id, strlen(p->id), &e), 0);
    snprintf(buf, sizeof(buf), "Q%s", p->id);
    assert_int_equal(xs_wdb_replace_term(w, buf, doc, &e), 0);
}

static void build_corpus(const char *path)
{
    struct err e = {0};
    xs_wdb *w = open_writer(path, XS_WDB_CREATE | XS_WDB_NO_SYNC);
    xs_indexer *ix = NULL;
    xs_doc *doc = NULL;

    assert_int_equal(xs_indexer_new("en", XS_INDEXER_SPELLING, &ix, &e), 0);
    xs_indexer_set_database(ix, w);
    assert_int_equal(xs_doc_new(&doc, &e), 0);
    for (size_t i = 0; i < NPAPERS; i++)
        add_paper(w, ix, doc, &corpus[i]);
    assert_int_equal(xs_wdb_commit(w, &e), 0);
    xs_doc_free(doc);
    xs_indexer_free(ix);
    xs_wdb_free(w);
}

static xs_qparser *corpus_parser(xs_db *db)
{
    struct err e = {0};
    xs_qparser *qp = NULL;

    assert_int_equal(xs_qparser_new("english", &qp, &e), 0);
    xs_qparser_set_database(qp, db);
    assert_int_equal(xs_qparser_add_prefix(qp, "title", "S", &e), 0);
    assert_int_equal(xs_qparser_add_boolean_prefix(qp, "year", "Y", &e), 0);
    return qp;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Runs q on db and writes the data (paper ids) of all matches into out,
 * comma-separated: in result order, or sorted when sorted is non-zero.
 */
static void run_query(xs_db *db, xs_query *q, int sorted, char *out,
                      size_t size)
{
    struct err e = {0};
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    char *ids[32];
    uint32_t n;

    assert_int_equal(xs_enquire_new(db, &enq, &e), 0);
    assert_int_equal(xs_enquire_set_query(enq, q, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 32, 0, &m, &e), 0);
    n = xs_mset_size(m);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(xs_mset_data(m, i, &ids[i], NULL, &e), 0);
    if (sorted)
        qsort(ids, n, sizeof(ids[0]), cmp_str);
    out[0] = '\0';
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            strncat(out, ",", size - strlen(out) - 1);
        strncat(out, ids[i], size - strlen(out) - 1);
        free(ids[i]);
    }
    xs_mset_free(m);
    xs_enquire_free(enq);
}

/* Parses text against the corpus and returns the sorted matching ids. */
static const char *search(const char *text)
{
    static char out[256];
    struct err e = {0};
    xs_db *db = open_reader(corpus_path);
    xs_qparser *qp = corpus_parser(db);
    xs_query *q = NULL;

    assert_int_equal(xs_qparser_parse(qp, text, QP_FLAGS, &q, &e), 0);
    run_query(db, q, 1, out, sizeof(out));
    xs_query_free(q);
    xs_qparser_free(qp);
    xs_db_free(db);
    return out;
}

/* Xapian's description of how text parses, in a static buffer. */
static const char *describe(const char *text)
{
    static char out[512];
    struct err e = {0};
    xs_qparser *qp = corpus_parser(NULL);
    xs_query *q = NULL;
    char *d = NULL;

    assert_int_equal(xs_qparser_parse(qp, text, QP_FLAGS, &q, &e), 0);
    assert_int_equal(xs_query_describe(q, &d, &e), 0);
    snprintf(out, sizeof(out), "%s", d);
    free(d);
    xs_query_free(q);
    xs_qparser_free(qp);
    return out;
}

static uint32_t doccount(const char *path)
{
    struct err e = {0};
    xs_db *db = open_reader(path);
    uint32_t n = 0;

    assert_int_equal(xs_db_doccount(db, &n, &e), 0);
    xs_db_free(db);
    return n;
}

/* Adds a document with text, data and (optional) values in two slots. */
static void add_simple(xs_wdb *w, xs_indexer *ix, const char *text,
                       const char *data, const char *key, const char *group)
{
    struct err e = {0};
    xs_doc *doc = NULL;

    assert_int_equal(xs_doc_new(&doc, &e), 0);
    xs_indexer_set_document(ix, doc);
    index_text(ix, text, "");
    assert_int_equal(xs_doc_set_data(doc, data, strlen(data), &e), 0);
    if (key)
        add_value(doc, SLOT_KEY, key);
    if (group)
        add_value(doc, SLOT_GROUP, group);
    assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    xs_doc_free(doc);
}

/* Creates a database at name holding n texts whose data is "d1".."dn". */
static void build_simple(const char *path, const char *const *texts,
                         const char *const *keys, const char *const *groups,
                         size_t n, int spelling)
{
    struct err e = {0};
    xs_wdb *w = open_writer(path, XS_WDB_CREATE);
    xs_indexer *ix = NULL;
    char data[32];

    assert_int_equal(
        xs_indexer_new("en", spelling ? XS_INDEXER_SPELLING : 0, &ix, &e), 0);
    xs_indexer_set_database(ix, w);
    for (size_t i = 0; i < n; i++) {
        snprintf(data, sizeof(data), "d%zu", i + 1);
        add_simple(w, ix, texts[i], data, keys ? keys[i] : NULL,
                   groups ? groups[i] : NULL);
    }
    assert_int_equal(xs_wdb_commit(w, &e), 0);
    xs_indexer_free(ix);
    xs_wdb_free(w);
}

/* ---- stemming ------------------------------------------------------ */

static void stemmer_should_stem_with_libstemmer(void **state)
{
    static const struct {
        const char *lang, *word, *stem;
    } cases[] = {
        {"english", "networks", "network"}, {"en", "networks", "network"},
        {"en", "attention", "attent"},      {"en", "gans", "gan"},
        {"french", "réseaux", "réseau"},    {"none", "networks", "networks"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct err e = {0};
        xs_stemmer *st = NULL;
        char *out = NULL;

        assert_int_equal(xs_stemmer_new(cases[i].lang, &st, &e), 0);
        assert_int_equal(
            xs_stemmer_stem(st, cases[i].word, strlen(cases[i].word), &out, &e),
            0);
        assert_string_equal(out, cases[i].stem);
        free(out);
        xs_stemmer_free(st);
    }
}

static void stemmer_should_reject_unknown_language(void **state)
{
    struct err e = {0};
    xs_stemmer *st = NULL;
    (void)state;

    assert_int_equal(xs_stemmer_new("klingon", &st, &e), ERR_USAGE);
    assert_null(st);
    assert_int_equal(e.code, ERR_USAGE);
    assert_non_null(strstr(e.msg, "klingon"));
}

/* ---- parsing and matching ------------------------------------------ */

static void search_should_match_stemmed_forms(void **state)
{
    (void)state;
    assert_string_equal(search("network"), "p1,p4");
    assert_string_equal(search("networks"), "p1,p4");
    assert_string_equal(search("residual"), "p4");
}

static void search_should_stem_capitalised_query_words(void **state)
{
    (void)state;
    /* p1 says "GAN" and "Networks"; STEM_ALL treats both query words
     * exactly like indexed ones. */
    assert_string_equal(search("GANs"), "p1");
    assert_string_equal(search("Networks"), "p1,p4");
    assert_string_equal(describe("GANs"), "Query(gan@1)");
}

static void search_should_keep_cpp_and_csharp_apart_from_c(void **state)
{
    (void)state;
    assert_string_equal(describe("C++"), "Query(c++@1)");
    assert_string_equal(describe("C#"), "Query(c#@1)");
    assert_string_equal(search("C++"), "p4");
    assert_string_equal(search("C#"), "p5");
    assert_string_equal(search("C"), "p5,p6");
}

static void search_should_match_hyphenated_query_to_both_spellings(void **state)
{
    (void)state;
    /* p2 has "self-attention", p5 "self attention". */
    assert_non_null(strstr(describe("self-attention"), "PHRASE"));
    assert_string_equal(search("self-attention"), "p2,p5");
    assert_string_equal(search("self attention"), "p2,p5");
}

static void qparser_should_not_treat_inner_hyphen_as_exclusion(void **state)
{
    (void)state;
    assert_null(strstr(describe("GPT-2"), "AND_NOT"));
    assert_null(strstr(describe("ResNet-50"), "AND_NOT"));
    assert_string_equal(search("GPT-2"), "p3");
    assert_string_equal(search("ResNet-50"), "p4");
    assert_string_equal(search("language GPT-2"), "p3");
}

static void search_should_match_phrases_with_stopwords(void **state)
{
    (void)state;
    assert_string_equal(search("\"cat in the hat\""), "p5");
    assert_string_equal(search("\"hat in the cat\""), "");
    assert_string_equal(search("\"attention is all you need\""), "p2");
}

static void qparser_should_apply_must_and_exclude(void **state)
{
    (void)state;
    assert_string_equal(search("attention"), "p2,p5");
    assert_string_equal(search("attention -transformer"), "p5");
    assert_string_equal(search("+gan networks"), "p1");
    assert_string_equal(search("+residual +networks"), "p4");
}

static void qparser_should_apply_boolean_operators(void **state)
{
    (void)state;
    assert_string_equal(search("attention AND transformer"), "p2");
    assert_string_equal(search("gan OR resnet"), "p1,p4");
    assert_string_equal(search("attention NOT transformer"), "p5");
    assert_string_equal(search("(gan OR gpt) AND model"), "p3");
}

static void qparser_should_map_field_prefixes(void **state)
{
    (void)state;
    assert_string_equal(search("transformer"), "p2");
    assert_string_equal(search("title:transformer"), "");
    assert_string_equal(search("title:attention"), "p2,p5");
    assert_string_equal(search("year:2017"), "p2");
    assert_string_equal(search("attention year:2020"), "p5");
}

static void qparser_should_report_syntax_errors_as_format(void **state)
{
    static const char *const bad[] = {"(a OR", "AND", "a AND", "OR b"};
    xs_qparser *qp = corpus_parser(NULL);
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct err e = {0};
        xs_query *q = (xs_query *)&e; /* must be reset to NULL */

        assert_int_equal(xs_qparser_parse(qp, bad[i], QP_FLAGS, &q, &e),
                         ERR_FORMAT);
        assert_null(q);
        assert_true(strlen(e.msg) > 0);
    }
    xs_qparser_free(qp);
}

static void qparser_should_suggest_spelling_corrections(void **state)
{
    struct err e = {0};
    xs_db *db = open_reader(corpus_path);
    xs_qparser *qp = corpus_parser(db);
    xs_query *q = NULL;
    char *fixed = NULL;
    (void)state;

    assert_int_equal(xs_qparser_parse(qp, "transfomer", XS_QP_SPELLING, &q, &e),
                     0);
    assert_int_equal(xs_qparser_corrected(qp, &fixed, &e), 0);
    assert_string_equal(fixed, "transformer");
    free(fixed);
    xs_query_free(q);
    xs_qparser_free(qp);
    xs_db_free(db);
}

static void indexer_should_keep_phrases_inside_one_field(void **state)
{
    (void)state;
    /* p4's title ends "Learning", its abstract starts "ResNet-50": the
     * positions skipped between them stop a phrase across the two. */
    assert_string_equal(search("\"learning resnet\""), "");
    assert_string_equal(search("\"residual learning\""), "p4");
}

/* ---- hand-built queries -------------------------------------------- */

static xs_query *term_query(const char *term)
{
    struct err e = {0};
    xs_query *q = NULL;

    assert_int_equal(xs_query_term(term, 1, &q, &e), 0);
    return q;
}

static xs_query *year_range(const int *lo, const int *hi)
{
    struct err e = {0};
    xs_query *q = NULL;
    char lb[18], hb[18];
    size_t ln = lo ? xs_sortable_serialise(*lo, lb) : 0;
    size_t hn = hi ? xs_sortable_serialise(*hi, hb) : 0;

    assert_int_equal(xs_query_value_range(SLOT_YEAR, lo ? lb : NULL, ln,
                                          hi ? hb : NULL, hn, &q, &e),
                     0);
    return q;
}

static void query_should_match_value_ranges(void **state)
{
    static const int y2015 = 2015, y2016 = 2016, y2019 = 2019, y2020 = 2020;
    xs_db *db = open_reader(corpus_path);
    char out[128];
    xs_query *q;
    (void)state;

    q = year_range(&y2016, &y2019);
    run_query(db, q, 1, out, sizeof(out));
    assert_string_equal(out, "p2,p3,p4");
    xs_query_free(q);

    q = year_range(NULL, &y2015);
    run_query(db, q, 1, out, sizeof(out));
    assert_string_equal(out, "p1");
    xs_query_free(q);

    q = year_range(&y2020, NULL);
    run_query(db, q, 1, out, sizeof(out));
    assert_string_equal(out, "p5,p6");
    xs_query_free(q);
    xs_db_free(db);
}

static void query_should_combine_filter_and_drop_weights(void **state)
{
    struct err e = {0};
    xs_db *db = open_reader(corpus_path);
    xs_query *subs[3] = {term_query("attent"), NULL, term_query("Y2017")};
    xs_query *filter = NULL, *bool_q = NULL, *scaled = NULL;
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    char out[128], *d = NULL;
    (void)state;

    assert_int_equal(xs_query_combine(XS_OP_FILTER, subs, 3, &filter, &e), 0);
    run_query(db, filter, 1, out, sizeof(out));
    assert_string_equal(out, "p2");

    assert_int_equal(xs_query_boolean(subs[0], &bool_q, &e), 0);
    assert_int_equal(xs_query_describe(bool_q, &d, &e), 0);
    assert_non_null(strstr(d, "0 * attent"));
    free(d);
    assert_int_equal(xs_enquire_new(db, &enq, &e), 0);
    assert_int_equal(xs_enquire_set_query(enq, bool_q, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 0, &m, &e), 0);
    assert_int_equal(xs_mset_size(m), 2);
    assert_true(xs_mset_weight(m, 0) == 0.0);
    xs_mset_free(m);

    assert_int_equal(xs_query_scale(subs[0], 2.0, &scaled, &e), 0);
    assert_int_equal(xs_enquire_set_query(enq, scaled, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 0, &m, &e), 0);
    assert_true(xs_mset_weight(m, 0) > 0.0);
    xs_mset_free(m);

    xs_query_free(scaled);
    assert_int_equal(xs_query_scale(subs[0], -1.0, &scaled, &e), ERR_USAGE);
    assert_null(scaled);
    assert_false(xs_query_is_empty(filter));
    assert_true(xs_query_is_empty(NULL));

    xs_enquire_free(enq);
    xs_query_free(scaled);
    xs_query_free(bool_q);
    xs_query_free(filter);
    xs_query_free(subs[0]);
    xs_query_free(subs[2]);
    xs_db_free(db);
}

/* ---- writers ------------------------------------------------------- */

static void wdb_should_replace_and_delete_by_term(void **state)
{
    struct err e = {0};
    char path[128], *data = NULL;
    xs_wdb *w;
    xs_doc *doc = NULL;
    uint32_t n = 0, did = 0;
    size_t len = 0;
    (void)state;

    tmp_path(path, sizeof(path), "replace");
    w = open_writer(path, XS_WDB_CREATE);
    assert_int_equal(xs_doc_new(&doc, &e), 0);
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof(id), "Qd%d", i);
        xs_doc_clear(doc);
        add_term(doc, "", id);
        assert_int_equal(xs_doc_set_data(doc, id, strlen(id), &e), 0);
        assert_int_equal(xs_wdb_replace_term(w, id, doc, &e), 0);
    }
    /* Replacing an existing id keeps the count and changes the data. */
    xs_doc_clear(doc);
    add_term(doc, "", "Qd1");
    assert_int_equal(xs_doc_set_data(doc, "new", 3, &e), 0);
    assert_int_equal(xs_wdb_replace_term(w, "Qd1", doc, &e), 0);
    assert_int_equal(xs_wdb_doccount(w, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_int_equal(xs_wdb_find_term(w, "Qd1", &did, &e), 0);
    assert_int_equal(xs_wdb_get_data(w, did, &data, &len, &e), 0);
    assert_int_equal(len, 3);
    assert_string_equal(data, "new");
    free(data);

    assert_int_equal(xs_wdb_replace_docid(w, did, doc, &e), 0);
    assert_int_equal(xs_wdb_delete_term(w, "Qd0", &e), 0);
    assert_int_equal(xs_wdb_delete_term(w, "Qnothing", &e), 0);
    assert_int_equal(xs_wdb_doccount(w, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(xs_wdb_find_term(w, "Qd0", &did, &e), ERR_NOTFOUND);
    assert_true(strlen(e.msg) > 0);
    e.code = 0;
    assert_int_equal(xs_wdb_commit(w, &e), 0);
    xs_doc_free(doc);
    xs_wdb_free(w);
    assert_int_equal(doccount(path), 2);
}

/* Writes one document per blob under "Qb<i>", then reads each back. */
static void doc_data_should_round_trip(void **state)
{
    struct err e = {0};
    char path[128];
    static char big[300000], noise[100000];
    const struct {
        const char *p;
        size_t len;
    } blobs[] = {
        {"", 0},
        {"x", 1},
        {"nul\0inside\0", 11},
        {big, sizeof(big)},
        {noise, sizeof(noise)},
    };
    size_t n_blobs = sizeof(blobs) / sizeof(blobs[0]);
    unsigned seed = 7;
    xs_wdb *w;
    xs_doc *doc = NULL;
    xs_db *db;
    (void)state;

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = "graph neural networks "[i % 22];
    for (size_t i = 0; i < sizeof(noise); i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (char)(seed >> 16);
    }
    tmp_path(path, sizeof(path), "blobs");
    w = open_writer(path, XS_WDB_CREATE);
    assert_int_equal(xs_doc_new(&doc, &e), 0);
    for (size_t i = 0; i < n_blobs; i++) {
        char id[16];
        snprintf(id, sizeof(id), "Qb%zu", i);
        xs_doc_clear(doc);
        add_term(doc, "", id);
        assert_int_equal(xs_doc_set_data(doc, blobs[i].p, blobs[i].len, &e),
                         0);
        assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    }
    assert_int_equal(xs_wdb_commit(w, &e), 0);
    xs_doc_free(doc);
    xs_wdb_free(w);

    db = open_reader(path);
    for (size_t i = 0; i < n_blobs; i++) {
        char id[16], *data = NULL;
        size_t len = 99;
        uint32_t did = 0;
        snprintf(id, sizeof(id), "Qb%zu", i);
        assert_int_equal(xs_db_find_term(db, id, &did, &e), 0);
        assert_int_equal(xs_db_get_data(db, did, &data, &len, &e), 0);
        assert_int_equal(len, blobs[i].len);
        assert_memory_equal(data, blobs[i].p, len);
        assert_int_equal(data[len], '\0');
        free(data);
    }
    xs_db_free(db);
}

/*
 * Finds each packed copy of text in a table file (its 4-byte length header
 * with the start of text close behind: short text packs to literals) and
 * makes the header claim 255 bytes. Returns how many it changed.
 */
static int damage_packed(const char *table, const char *text)
{
    const unsigned char header[4] = {(unsigned char)strlen(text), 0, 0, 0};
    FILE *f = fopen(table, "r+b");
    static unsigned char buf[1 << 20];
    size_t n;
    int hits = 0;

    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf), f);
    for (size_t i = 0; i + 16 <= n; i++) {
        if (memcmp(buf + i, header, 4) != 0)
            continue;
        for (size_t k = 4; k < 8; k++) {
            if (memcmp(buf + i + k, text, 8) == 0) {
                buf[i] = 0xff;
                hits++;
                break;
            }
        }
    }
    rewind(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
    return hits;
}

static void doc_data_should_report_damage_with_its_document(void **state)
{
    struct err e = {0};
    char path[128], table[160], *data = NULL;
    const char *text = "{\"title\":\"Graph networks\"}";
    uint32_t did = 0;
    xs_wdb *w;
    xs_doc *doc = NULL;
    xs_db *db;
    (void)state;

    tmp_path(path, sizeof(path), "damaged");
    w = open_writer(path, XS_WDB_CREATE);
    assert_int_equal(xs_doc_new(&doc, &e), 0);
    add_term(doc, "", "Qhurt");
    assert_int_equal(xs_doc_set_data(doc, text, strlen(text), &e), 0);
    assert_int_equal(xs_wdb_add(w, doc, &did, &e), 0);
    assert_int_equal(xs_wdb_commit(w, &e), 0);
    xs_doc_free(doc);
    xs_wdb_free(w);

    /* Value streams live in the postlist table, beside the slot's bounds,
     * which hold a copy of the packed record too. */
    snprintf(table, sizeof(table), "%s/postlist.glass", path);
    assert_true(damage_packed(table, text) >= 1);
    db = open_reader(path);
    assert_int_equal(xs_db_get_data(db, did, &data, NULL, &e), ERR_FORMAT);
    assert_null(data);
    assert_non_null(strstr(e.msg, "document 1"));
    assert_non_null(strstr(e.msg, "damaged"));
    xs_db_free(db);
}

static void doc_data_slot_should_be_reserved(void **state)
{
    struct err e = {0};
    xs_doc *doc = NULL;
    (void)state;

    assert_int_equal(xs_doc_new(&doc, &e), 0);
    assert_int_equal(xs_doc_add_value(doc, XS_DATA_SLOT, "x", 1, &e),
                     ERR_USAGE);
    assert_non_null(strstr(e.msg, "250"));
    xs_doc_free(doc);
}

static void wdb_should_discard_uncommitted_changes_on_free(void **state)
{
    struct err e = {0};
    char path[128], *val = NULL;
    xs_wdb *w;
    xs_doc *doc = NULL;
    xs_db *db;
    (void)state;

    tmp_path(path, sizeof(path), "discard");
    w = open_writer(path, XS_WDB_CREATE | XS_WDB_FULL_SYNC);
    assert_int_equal(xs_doc_new(&doc, &e), 0);
    add_term(doc, "", "kept");
    assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    assert_int_equal(xs_wdb_set_metadata(w, "state", "committed", &e), 0);
    assert_int_equal(xs_wdb_commit(w, &e), 0);

    assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    assert_int_equal(xs_wdb_set_metadata(w, "state", "dirty", &e), 0);
    assert_int_equal(xs_wdb_get_metadata(w, "state", &val, &e), 0);
    assert_string_equal(val, "dirty");
    free(val);
    xs_wdb_free(w);

    assert_int_equal(doccount(path), 1);
    db = open_reader(path);
    assert_int_equal(xs_db_get_metadata(db, "state", &val, &e), 0);
    assert_string_equal(val, "committed");
    free(val);
    assert_int_equal(xs_db_get_metadata(db, "absent", &val, &e), 0);
    assert_string_equal(val, "");
    free(val);
    xs_db_free(db);

    /* Reopened with XS_WDB_OPEN, a commit still makes changes durable. */
    w = open_writer(path, XS_WDB_OPEN);
    assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    assert_int_equal(xs_wdb_commit(w, &e), 0);
    assert_int_equal(xs_wdb_commit(w, &e), 0); /* nothing pending */
    assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    xs_wdb_free(w);
    assert_int_equal(doccount(path), 2);
    xs_doc_free(doc);
    xs_wdb_free(NULL);
}

static void wdb_should_report_second_writer_as_locked(void **state)
{
    struct err e = {0};
    char path[128];
    xs_wdb *w, *w2 = (xs_wdb *)&e;
    (void)state;

    tmp_path(path, sizeof(path), "locked");
    w = open_writer(path, XS_WDB_CREATE);
    assert_int_equal(xs_wdb_open(path, XS_WDB_OPEN, &w2, &e), ERR_LOCKED);
    assert_null(w2);
    assert_int_equal(e.code, ERR_LOCKED);
    assert_true(strlen(e.msg) > 0);
    xs_wdb_free(w);

    /* Once the first writer is gone the lock is free again. */
    w = open_writer(path, XS_WDB_OPEN);
    xs_wdb_free(w);
}

static void wdb_should_reject_bad_open_flags_and_paths(void **state)
{
    struct err e = {0};
    char path[128];
    xs_wdb *w = NULL;
    (void)state;

    tmp_path(path, sizeof(path), "flags");
    assert_int_equal(xs_wdb_open(path, XS_WDB_CREATE | XS_WDB_OPEN, &w, &e),
                     ERR_USAGE);
    assert_null(w);
    e.code = 0;
    tmp_path(path, sizeof(path), "no-such-db");
    assert_int_equal(xs_wdb_open(path, XS_WDB_OPEN, &w, &e), ERR_NOTFOUND);
    assert_true(strlen(e.msg) > 0);
}

static void compact_should_keep_all_docs_and_spelling(void **state)
{
    static const char *const a[] = {"transformer networks",
                                    "transformer language models"};
    static const char *const b[] = {"convolution kernels", "pooling layers",
                                    "convolution again"};
    struct err e = {0};
    char pa[128], pb[128], pc[128];
    const char *srcs[2] = {pa, pb};
    xs_db *db;
    xs_qparser *qp = NULL;
    xs_query *q = NULL;
    char *fixed = NULL;
    uint32_t freq = 0;
    (void)state;

    tmp_path(pa, sizeof(pa), "compact-a");
    tmp_path(pb, sizeof(pb), "compact-b");
    tmp_path(pc, sizeof(pc), "compact-c");
    build_simple(pa, a, NULL, NULL, 2, 1);
    build_simple(pb, b, NULL, NULL, 3, 1);
    assert_int_equal(xs_compact(srcs, 2, pc, &e), 0);
    assert_int_equal(doccount(pc), 5);

    db = open_reader(pc);
    assert_int_equal(xs_db_termfreq(db, "transform", &freq, &e), 0);
    assert_int_equal(freq, 2);
    assert_int_equal(xs_db_termfreq(db, "convolut", &freq, &e), 0);
    assert_int_equal(freq, 2);
    assert_int_equal(xs_qparser_new("en", &qp, &e), 0);
    xs_qparser_set_database(qp, db);
    assert_int_equal(
        xs_qparser_parse(qp, "transfomer convolutin", XS_QP_SPELLING, &q, &e),
        0);
    assert_int_equal(xs_qparser_corrected(qp, &fixed, &e), 0);
    assert_string_equal(fixed, "transformer convolution");
    free(fixed);
    xs_query_free(q);
    xs_qparser_free(qp);
    xs_db_free(db);

    /* The destination must be new. */
    assert_int_equal(xs_compact(srcs, 2, pc, &e), ERR_USAGE);
    assert_true(strlen(e.msg) > 0);
}

/* ---- sorting ------------------------------------------------------- */

static void enquire_should_sort_by_values_with_tie_fallback(void **state)
{
    /* d1 and d4 tie on both slots; d4 says "apple" more, so ranks higher. */
    static const char *const texts[] = {"apple", "apple apple apple banana",
                                        "apple", "apple apple apple"};
    static const char *const keys[] = {"2", "1", "1", "2"};
    static const char *const groups[] = {"a", "b", "a", "a"};
    static const unsigned slots[] = {SLOT_GROUP, SLOT_KEY};
    static const int desc[] = {0, 1};
    struct err e = {0};
    char path[128], out[128];
    xs_db *db;
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    xs_query *q = term_query("appl");
    (void)state;

    tmp_path(path, sizeof(path), "sortvals");
    build_simple(path, texts, keys, groups, 4, 0);
    db = open_reader(path);
    assert_int_equal(xs_enquire_new(db, &enq, &e), 0);
    assert_int_equal(xs_enquire_set_query(enq, q, &e), 0);
    assert_int_equal(xs_enquire_sort_by_values(enq, slots, desc, 2, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 0, &m, &e), 0);
    out[0] = '\0';
    for (uint32_t i = 0; i < xs_mset_size(m); i++) {
        char *d = NULL;
        assert_int_equal(xs_mset_data(m, i, &d, NULL, &e), 0);
        strcat(out, d);
        free(d);
    }
    assert_string_equal(out, "d4d1d3d2");
    assert_true(xs_mset_weight(m, 0) > xs_mset_weight(m, 1));
    xs_mset_free(m);
    assert_int_equal(xs_enquire_sort_by_values(enq, slots, desc, 0, &e),
                     ERR_USAGE);
    xs_enquire_free(enq);
    xs_query_free(q);
    xs_db_free(db);
}

static void enquire_should_break_relevance_ties_by_slot(void **state)
{
    static const char *const texts[] = {"same words", "same words",
                                        "same words"};
    static const char *const keys[] = {"k2", "k1", "k3"};
    static const unsigned slot = SLOT_KEY;
    static const int desc = 1;
    struct err e = {0};
    char path[128], out[128];
    xs_db *db;
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    xs_query *q = term_query("word");
    (void)state;

    tmp_path(path, sizeof(path), "ties");
    build_simple(path, texts, keys, NULL, 3, 0);
    db = open_reader(path);
    assert_int_equal(xs_enquire_new(db, &enq, &e), 0);
    assert_int_equal(xs_enquire_set_query(enq, q, &e), 0);
    assert_int_equal(xs_enquire_sort_relevance(enq, SLOT_KEY, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 0, &m, &e), 0);
    assert_int_equal(xs_mset_size(m), 3);
    out[0] = '\0';
    for (uint32_t i = 0; i < 3; i++) {
        char *v = NULL;
        assert_int_equal(xs_mset_value(m, i, SLOT_KEY, &v, NULL, &e), 0);
        strcat(out, v);
        free(v);
    }
    assert_string_equal(out, "k1k2k3");
    assert_int_equal(xs_mset_docid(m, 0), 2);
    xs_mset_free(m);

    /* A page as large as it gets holds everything from its offset. */
    assert_int_equal(xs_enquire_get_mset(enq, 0, UINT32_MAX, 0, &m, &e), 0);
    assert_int_equal(xs_mset_size(m), 3);
    xs_mset_free(m);
    assert_int_equal(
        xs_enquire_get_mset(enq, 1, UINT32_MAX - 1, 0, &m, &e), 0);
    assert_int_equal(xs_mset_size(m), 2);
    assert_int_equal(xs_mset_docid(m, 0), 1);
    xs_mset_free(m);

    /* Pages of one: the ties cross every page edge. */
    for (uint32_t offset = 0; offset < 3; offset++) {
        static const uint32_t want[] = {2, 1, 3};
        assert_int_equal(xs_enquire_get_mset(enq, offset, 1, 0, &m, &e), 0);
        assert_int_equal(xs_mset_size(m), 1);
        assert_int_equal(xs_mset_docid(m, 0), want[offset]);
        xs_mset_free(m);
    }

    /* And the other way round through the value sort. */
    assert_int_equal(xs_enquire_sort_by_values(enq, &slot, &desc, 1, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 0, &m, &e), 0);
    assert_int_equal(xs_mset_docid(m, 0), 3);
    assert_int_equal(xs_mset_docid(m, 2), 2);
    assert_int_equal(xs_mset_docid(m, 3), 0);
    xs_mset_free(m);
    xs_enquire_free(enq);
    xs_query_free(q);
    xs_db_free(db);
}

/* ---- facets -------------------------------------------------------- */

static int collect_facet(void *ctx, const char *val, size_t len, uint32_t count)
{
    char *out = ctx;
    size_t used = strlen(out);

    snprintf(out + used, 512 - used, "%.*s=%u;", (int)len, val,
             (unsigned)count);
    return 0;
}

static void enquire_should_count_facets_including_multi_valued(void **state)
{
    struct err e = {0};
    xs_db *db = open_reader(corpus_path);
    xs_qparser *qp = corpus_parser(db);
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    xs_query *all = NULL, *q = NULL;
    char out[512];
    int f, fy;
    uint32_t est = 0, lo = 0, hi = 0;
    (void)state;

    assert_int_equal(xs_query_all(&all, &e), 0);
    assert_int_equal(xs_enquire_new(db, &enq, &e), 0);
    f = xs_enquire_add_facet(enq, SLOT_TASKS, &e);
    fy = xs_enquire_add_facet(enq, SLOT_KEY, &e);
    assert_int_equal(f, 0);
    assert_int_equal(fy, 1);
    assert_int_equal(xs_enquire_set_query(enq, all, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 2, 100, &m, &e), 0);
    assert_int_equal(xs_mset_size(m), 2);
    xs_mset_total(m, &est, &lo, &hi);
    assert_int_equal(est, NPAPERS);
    assert_int_equal(lo, NPAPERS);

    out[0] = '\0';
    assert_int_equal(xs_mset_facet(m, f, collect_facet, out, &e), 0);
    /* p5 lists "attention" twice but counts once. */
    assert_string_equal(out, "attention=2;gans=1;image classification=1;"
                             "image generation=1;language modeling=1;"
                             "translation=1;");
    out[0] = '\0';
    assert_int_equal(xs_mset_facet(m, fy, collect_facet, out, &e), 0);
    assert_string_equal(out, "p1=1;p2=1;p3=1;p4=1;p5=1;p6=1;");
    assert_int_equal(xs_mset_facet(m, 2, collect_facet, out, &e), ERR_USAGE);
    e.code = 0;

    /* A second search counts afresh; the first result keeps its counts. */
    xs_mset *m2 = NULL;
    assert_int_equal(xs_qparser_parse(qp, "attention", QP_FLAGS, &q, &e), 0);
    assert_int_equal(xs_enquire_set_query(enq, q, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 100, &m2, &e), 0);
    out[0] = '\0';
    assert_int_equal(xs_mset_facet(m2, f, collect_facet, out, &e), 0);
    assert_string_equal(out, "attention=2;translation=1;");
    out[0] = '\0';
    assert_int_equal(xs_mset_facet(m, f, collect_facet, out, &e), 0);
    assert_non_null(strstr(out, "gans=1;"));

    xs_mset_free(m2);
    xs_mset_free(m);
    xs_enquire_free(enq);
    xs_query_free(q);
    xs_query_free(all);
    xs_qparser_free(qp);
    xs_db_free(db);
}

/* ---- results ------------------------------------------------------- */

static xs_mset *corpus_search(xs_db *db, const char *text)
{
    struct err e = {0};
    xs_qparser *qp = corpus_parser(db);
    xs_enquire *enq = NULL;
    xs_query *q = NULL;
    xs_mset *m = NULL;

    assert_int_equal(xs_qparser_parse(qp, text, QP_FLAGS, &q, &e), 0);
    assert_int_equal(xs_enquire_new(db, &enq, &e), 0);
    assert_int_equal(xs_enquire_set_bm25(enq, 1.2, 0, 1, 0.75, 0.5, &e), 0);
    assert_int_equal(xs_enquire_set_query(enq, q, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 0, &m, &e), 0);
    /* The result outlives the enquire and the query. */
    xs_enquire_free(enq);
    xs_query_free(q);
    xs_qparser_free(qp);
    return m;
}

struct term_list {
    char text[256];
};

static int collect_mark(void *ctx, const char *term, size_t len, int prefix)
{
    struct term_list *l = ctx;
    size_t n = strlen(l->text);

    snprintf(l->text + n, sizeof(l->text) - n, "%.*s%s;", (int)len, term,
             prefix ? "*" : "");
    return 0;
}

/* The terms a snippet marks, as "term;term*;" in query order. */
static void highlight_terms(xs_qparser *qp, const char *text, unsigned flags,
                            char *out, size_t size)
{
    struct err e = {0};
    struct term_list l = {""};
    xs_query *q = NULL;

    assert_int_equal(xs_qparser_parse(qp, text, flags, &q, &e), 0);
    assert_int_equal(xs_query_highlight_terms(q, NULL, collect_mark, &l, &e),
                     0);
    snprintf(out, size, "%s", l.text);
    xs_query_free(q);
}

static void query_should_list_the_terms_a_snippet_marks(void **state)
{
    xs_db *db = open_reader(corpus_path);
    xs_qparser *qp = corpus_parser(db);
    char got[256], stem[16];
    size_t len = 0;
    struct err e = {0};
    (void)state;

    highlight_terms(qp, "networks GANs", QP_FLAGS, got, sizeof(got));
    assert_string_equal(got, "network;gan;");
    /* Excluded and filter terms add no weight; phrase words and field
     * terms do, without their prefix. */
    highlight_terms(qp, "\"self-attention\" -recurrence year:2017 title:deep",
                    QP_FLAGS, got, sizeof(got));
    assert_string_equal(got, "self;attent;deep;");
    highlight_terms(qp, "title:transfor*", QP_FLAGS | XS_QP_WILDCARD, got,
                    sizeof(got));
    assert_string_equal(got, "transfor*;");

    {
        /* An id boost beside the words: listed unless its prefix is
         * skipped. */
        static const char *const skip[] = {"XA", "XT", NULL};
        struct term_list l = {""};
        xs_query *words = NULL, *boost = NULL, *both = NULL, *subs[2];
        assert_int_equal(xs_qparser_parse(qp, "networks", QP_FLAGS, &words,
                                          &e),
                         0);
        assert_int_equal(xs_query_term("XT3c64003ba5aacd35", 1, &boost, &e),
                         0);
        subs[0] = words;
        subs[1] = boost;
        assert_int_equal(xs_query_combine(XS_OP_AND_MAYBE, subs, 2, &both,
                                          &e),
                         0);
        assert_int_equal(
            xs_query_highlight_terms(both, NULL, collect_mark, &l, &e), 0);
        assert_string_equal(l.text, "network;3c64003ba5aacd35;");
        l.text[0] = '\0';
        assert_int_equal(
            xs_query_highlight_terms(both, skip, collect_mark, &l, &e), 0);
        assert_string_equal(l.text, "network;");
        xs_query_free(words);
        xs_query_free(boost);
        xs_query_free(both);
    }

    assert_int_equal(xs_qparser_stem(qp, "networks", 8, stem, sizeof(stem),
                                     &len, &e),
                     0);
    assert_string_equal(stem, "network");
    assert_int_equal(len, 7);
    assert_int_equal(xs_qparser_stem(qp, "abcdefghijklmnopqrst", 20, stem,
                                     sizeof(stem), &len, &e),
                     ERR_USAGE);
    xs_qparser_free(qp);
    xs_db_free(db);
}

static void mset_should_return_data_and_values(void **state)
{
    struct err e = {0};
    xs_db *db = open_reader(corpus_path);
    xs_mset *m = corpus_search(db, "transformer");
    char *data = NULL, *val = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(xs_mset_size(m), 1);
    assert_int_equal(xs_mset_data(m, 0, &data, &len, &e), 0);
    assert_int_equal(len, 2);
    assert_string_equal(data, "p2");
    assert_int_equal(xs_mset_value(m, 0, SLOT_TASKS, &val, &len, &e), 0);
    assert_int_equal(len, strlen("translation\x1f"
                                 "attention"));
    free(val);
    assert_int_equal(xs_mset_value(m, 0, SLOT_YEAR, &val, &len, &e), 0);
    assert_true(xs_sortable_unserialise(val, len) == 2017.0);
    free(val);
    assert_int_equal(xs_mset_value(m, 0, 42, &val, &len, &e), 0);
    assert_int_equal(len, 0);
    assert_string_equal(val, "");
    free(val);
    assert_int_equal(xs_mset_data(m, 1, &val, &len, &e), ERR_USAGE);
    assert_true(strlen(e.msg) > 0);
    free(data);
    xs_mset_free(m);
    xs_db_free(db);
}

/* ---- reading ------------------------------------------------------- */

static int collect_term(void *ctx, const char *term, size_t len,
                        uint32_t termfreq)
{
    char *out = ctx;
    size_t used = strlen(out);

    snprintf(out + used, 256 - used, "%.*s:%u;", (int)len, term,
             (unsigned)termfreq);
    return 0;
}

static int stop_after_one(void *ctx, const char *term, size_t len,
                          uint32_t termfreq)
{
    collect_term(ctx, term, len, termfreq);
    return 1;
}

static void db_should_list_terms_with_prefix(void **state)
{
    struct err e = {0};
    xs_db *db = open_reader(corpus_path);
    char out[256] = "";
    (void)state;

    assert_int_equal(xs_db_terms_with_prefix(db, "Y", 0, collect_term, out, &e),
                     0);
    assert_string_equal(out, "Y2014:1;Y2016:1;Y2017:1;Y2019:1;Y2020:1;"
                             "Y2021:1;");
    out[0] = '\0';
    assert_int_equal(xs_db_terms_with_prefix(db, "Y", 2, collect_term, out, &e),
                     0);
    assert_string_equal(out, "Y2014:1;Y2016:1;");
    out[0] = '\0';
    assert_int_equal(
        xs_db_terms_with_prefix(db, "Sa", 0, stop_after_one, out, &e), 0);
    assert_string_equal(out, "Sadversari:1;");
    xs_db_free(db);
}

static void db_should_report_missing_documents(void **state)
{
    struct err e = {0};
    xs_db *db = open_reader(corpus_path), *none = (xs_db *)&e;
    char *data = NULL, path[128];
    uint32_t did = 0;
    (void)state;

    assert_int_equal(xs_db_find_term(db, "Qp3", &did, &e), 0);
    assert_int_equal(xs_db_get_data(db, did, &data, NULL, &e), 0);
    assert_string_equal(data, "p3");
    free(data);
    assert_int_equal(xs_db_get_data(db, 999, &data, NULL, &e), ERR_NOTFOUND);
    assert_null(data);
    assert_true(strlen(e.msg) > 0);

    /* The first error wins. */
    assert_int_equal(xs_db_get_data(db, 0, &data, NULL, &e), ERR_NOTFOUND);
    assert_int_equal(xs_db_find_term(db, "Qnone", &did, &e), ERR_NOTFOUND);
    assert_null(strstr(e.msg, "Qnone"));
    e.code = 0;
    assert_int_equal(xs_db_find_term(db, "Qnone", &did, &e), ERR_NOTFOUND);
    assert_non_null(strstr(e.msg, "Qnone"));

    e.code = 0;
    tmp_path(path, sizeof(path), "nowhere");
    assert_int_equal(xs_db_open(path, &none, &e), ERR_NOTFOUND);
    assert_null(none);
    assert_true(strlen(e.msg) > 0);
    xs_db_free(db);
}

static void db_should_see_commits_after_reopen(void **state)
{
    static const char *const texts[] = {"first"};
    struct err e = {0};
    char path[128];
    xs_db *db;
    xs_wdb *w;
    xs_indexer *ix = NULL;
    int changed = -1;
    uint32_t n = 0;
    (void)state;

    tmp_path(path, sizeof(path), "reopen");
    build_simple(path, texts, NULL, NULL, 1, 0);
    db = open_reader(path);
    assert_int_equal(xs_db_reopen(db, &changed, &e), 0);
    assert_int_equal(changed, 0);

    w = open_writer(path, XS_WDB_OPEN);
    assert_int_equal(xs_indexer_new("en", 0, &ix, &e), 0);
    add_simple(w, ix, "second", "d2", NULL, NULL);
    assert_int_equal(xs_db_reopen(db, &changed, &e), 0);
    assert_int_equal(changed, 0); /* not committed yet */
    assert_int_equal(xs_wdb_commit(w, &e), 0);

    assert_int_equal(xs_db_doccount(db, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(xs_db_reopen(db, &changed, &e), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(xs_db_doccount(db, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(xs_db_reopen(db, &changed, &e), 0);
    assert_int_equal(changed, 0);

    xs_indexer_free(ix);
    xs_wdb_free(w);
    xs_db_free(db);
}

static void db_should_open_stub_files(void **state)
{
    static const char *const texts[] = {"alpha", "beta"};
    struct err e = {0};
    char pa[128], pb[128], stub[128];
    xs_db *db;
    xs_enquire *enq = NULL;
    xs_mset *m = NULL;
    xs_query *q = term_query("beta");
    FILE *f;
    int facet;
    char out[512] = "";
    (void)state;

    tmp_path(pa, sizeof(pa), "shard-a");
    tmp_path(pb, sizeof(pb), "shard-b");
    tmp_path(stub, sizeof(stub), "all.stub");
    build_simple(pa, texts, texts, NULL, 2, 0);
    build_simple(pb, texts, texts, NULL, 1, 0);
    f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "auto %s\nauto %s\n", pa, pb);
    fclose(f);

    assert_int_equal(doccount(stub), 3);
    db = open_reader(stub);
    assert_int_equal(xs_enquire_new(db, &enq, &e), 0);
    facet = xs_enquire_add_facet(enq, SLOT_KEY, &e);
    assert_int_equal(xs_enquire_set_query(enq, q, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 10, &m, &e), 0);
    assert_int_equal(xs_mset_size(m), 1);
    assert_int_equal(xs_mset_facet(m, facet, collect_facet, out, &e), 0);
    assert_string_equal(out, "beta=1;");
    xs_mset_free(m);

    /* Shards on both sides of the stub are searched. */
    xs_query_free(q);
    q = term_query("alpha");
    assert_int_equal(xs_enquire_set_query(enq, q, &e), 0);
    assert_int_equal(xs_enquire_get_mset(enq, 0, 10, 10, &m, &e), 0);
    assert_int_equal(xs_mset_size(m), 2);
    xs_mset_free(m);
    xs_enquire_free(enq);
    xs_query_free(q);
    xs_db_free(db);
}

/* ---- the implicit field -------------------------------------------- */

/* A document with the given wdf per term ("kern:12,Skern:2") and data id. */
static void add_wdfs(xs_wdb *w, const char *id, const char *spec)
{
    struct err e = {0};
    xs_doc *doc = NULL;
    char buf[128], *save = NULL;

    assert_int_equal(xs_doc_new(&doc, &e), 0);
    snprintf(buf, sizeof(buf), "%s", spec);
    for (char *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(t, ':');
        *colon = '\0';
        assert_int_equal(
            xs_doc_add_term(doc, t, (unsigned)atoi(colon + 1), &e), 0);
    }
    assert_int_equal(xs_doc_set_data(doc, id, strlen(id), &e), 0);
    assert_int_equal(xs_wdb_add(w, doc, NULL, &e), 0);
    xs_doc_free(doc);
}

static void implicit_field_should_keep_what_other_fields_leave(void **state)
{
    static const char *const others[] = {"S", "A"};
    static const unsigned weights[] = {6, 3};
    struct err e = {0};
    char path[128], out[256];
    xs_wdb *w;
    xs_db *db;
    xs_query *q = NULL;
    (void)state;

    tmp_path(path, sizeof(path), "implicit");
    w = open_writer(path, XS_WDB_CREATE);
    /* Title (S, weight 6), author (A, weight 3), abstract (weight 2). */
    add_wdfs(w, "title2", "kern:12,Skern:2");
    add_wdfs(w, "title2abs1", "kern:14,Skern:2");
    add_wdfs(w, "abs1", "kern:2");
    add_wdfs(w, "author", "kern:3,Akern:1");
    add_wdfs(w, "authorabs2", "kern:7,Akern:1");
    add_wdfs(w, "other", "kernel:2");
    assert_int_equal(xs_wdb_commit(w, &e), 0);
    xs_wdb_free(w);

    db = open_reader(path);
    /* Before the field is declared its terms are plain, absent ones. */
    q = term_query("XBkern");
    run_query(db, q, 1, out, sizeof(out));
    assert_string_equal(out, "");
    assert_int_equal(xs_db_set_implicit_field(db, "XB", 2, others, weights,
                                              2, 10, &e),
                     0);
    run_query(db, q, 1, out, sizeof(out));
    assert_string_equal(out, "abs1,authorabs2,title2abs1");
    xs_query_free(q);
    /* The most abstract occurrences in the shortest document rank first. */
    q = term_query("XBkern");
    run_query(db, q, 0, out, sizeof(out));
    assert_string_equal(out, "authorabs2,abs1,title2abs1");
    xs_query_free(q);
    xs_db_free(db);
}

static void sortable_should_keep_numeric_order(void **state)
{
    static const double nums[] = {-1e9, -2.5, 0.0, 1.0, 2017.0, 1e12};
    char prev[18], cur[18];
    size_t pn, cn;
    (void)state;

    pn = xs_sortable_serialise(nums[0], prev);
    for (size_t i = 1; i < sizeof(nums) / sizeof(nums[0]); i++) {
        cn = xs_sortable_serialise(nums[i], cur);
        assert_true(memcmp(prev, cur, pn < cn ? pn : cn) < 0 ||
                    (memcmp(prev, cur, pn < cn ? pn : cn) == 0 && pn < cn));
        assert_true(xs_sortable_unserialise(cur, cn) == nums[i]);
        memcpy(prev, cur, cn);
        pn = cn;
    }
}

/* ---- main ---------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    snprintf(tmp_root, sizeof(tmp_root), "/tmp/test_xs.XXXXXX");
    if (!mkdtemp(tmp_root))
        return -1;
    tmp_path(corpus_path, sizeof(corpus_path), "corpus");
    build_corpus(corpus_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return remove_tree(tmp_root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stemmer_should_stem_with_libstemmer),
        cmocka_unit_test(stemmer_should_reject_unknown_language),
        cmocka_unit_test(search_should_match_stemmed_forms),
        cmocka_unit_test(search_should_stem_capitalised_query_words),
        cmocka_unit_test(search_should_keep_cpp_and_csharp_apart_from_c),
        cmocka_unit_test(
            search_should_match_hyphenated_query_to_both_spellings),
        cmocka_unit_test(qparser_should_not_treat_inner_hyphen_as_exclusion),
        cmocka_unit_test(search_should_match_phrases_with_stopwords),
        cmocka_unit_test(qparser_should_apply_must_and_exclude),
        cmocka_unit_test(qparser_should_apply_boolean_operators),
        cmocka_unit_test(qparser_should_map_field_prefixes),
        cmocka_unit_test(qparser_should_report_syntax_errors_as_format),
        cmocka_unit_test(qparser_should_suggest_spelling_corrections),
        cmocka_unit_test(indexer_should_keep_phrases_inside_one_field),
        cmocka_unit_test(query_should_match_value_ranges),
        cmocka_unit_test(query_should_combine_filter_and_drop_weights),
        cmocka_unit_test(wdb_should_replace_and_delete_by_term),
        cmocka_unit_test(wdb_should_discard_uncommitted_changes_on_free),
        cmocka_unit_test(wdb_should_report_second_writer_as_locked),
        cmocka_unit_test(wdb_should_reject_bad_open_flags_and_paths),
        cmocka_unit_test(compact_should_keep_all_docs_and_spelling),
        cmocka_unit_test(enquire_should_sort_by_values_with_tie_fallback),
        cmocka_unit_test(enquire_should_break_relevance_ties_by_slot),
        cmocka_unit_test(enquire_should_count_facets_including_multi_valued),
        cmocka_unit_test(query_should_list_the_terms_a_snippet_marks),
        cmocka_unit_test(mset_should_return_data_and_values),
        cmocka_unit_test(db_should_list_terms_with_prefix),
        cmocka_unit_test(db_should_report_missing_documents),
        cmocka_unit_test(doc_data_should_round_trip),
        cmocka_unit_test(doc_data_should_report_damage_with_its_document),
        cmocka_unit_test(doc_data_slot_should_be_reserved),
        cmocka_unit_test(db_should_see_commits_after_reopen),
        cmocka_unit_test(db_should_open_stub_files),
        cmocka_unit_test(implicit_field_should_keep_what_other_fields_leave),
        cmocka_unit_test(sortable_should_keep_numeric_order),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
