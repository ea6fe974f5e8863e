/*
 * The query path end to end: arbitrary bytes as the query of a search on
 * a small index built at start-up from a few papers, links and READMEs
 * written here, with filters, sort, window, facets and snippet length
 * taken from the input, and the same text as a suggestion prefix and a
 * paper id. Input layout: four bytes of options, then the query, then
 * NUL-separated framework, task, venue and year strings. Checks that the
 * reply is well formed and keeps to the window asked for.
 */
#include "codeindex.h"
#include "config.h"
#include "crawl.h"
#include "fuzz.h"
#include "indexdir.h"
#include "paperdoc.h"
#include "schema.h"
#include "search.h"
#include "text.h"
#include "xs.h"

#include <string.h>
#include <sys/stat.h>

static const char *const papers[] = {
    "{\"id\":\"attention\",\"arxiv_id\":\"1706.03762\",\"title\":\"Attention"
    " Is All You Need\",\"abstract\":\"The Transformer, based solely on "
    "attention mechanisms.\",\"authors\":[\"Ashish Vaswani\",\"Noam "
    "Shazeer\"],\"year\":2017,\"date\":\"2017-06-12\",\"proceeding\":"
    "\"NIPS 2017\",\"tasks\":[\"Machine Translation\"]}",
    "{\"id\":\"selfatt\",\"title\":\"Self-Attention Generative Adversarial"
    " Networks\",\"abstract\":\"GANs with a self-attention module.\","
    "\"authors\":[\"Han Zhang\"],\"year\":2019,\"proceeding\":\"ICML 2019\","
    "\"tasks\":[\"Image Generation\"]}",
    "{\"id\":\"gpt2\",\"title\":\"Probing GPT-2 representations\","
    "\"abstract\":\"GPT-2 and ResNet-50 features in C++ and C#.\","
    "\"authors\":[\"Ann Lee\"],\"year\":2020,\"date\":\"2020-02-01\"}",
    "{\"id\":\"kernel\",\"arxiv_id\":\"cs/0112017\",\"title\":\"Learning "
    "with Kernels\",\"abstract\":\"Support vector machines.\",\"authors\":"
    "[\"Bernhard Sch\xc3\xb6lkopf\"],\"year\":2001}",
    "{\"id\":\"graphnets\",\"arxiv_id\":\"1806.01261v3\",\"title\":"
    "\"Relational inductive biases, deep learning, and graph networks\","
    "\"abstract\":\"Graph networks generalize message passing.\","
    "\"authors\":[\"Peter Battaglia\"],\"year\":2018,\"date\":"
    "\"2018-06-04\",\"tasks\":[\"Graph Learning\",\"Physics\"]}",
    "{\"id\":\"unet\",\"title\":\"U-Net: Convolutional Networks for "
    "Biomedical Image Segmentation\",\"abstract\":\"A U-shaped "
    "network.\",\"authors\":[\"Olaf Ronneberger\"],\"year\":2015,"
    "\"proceeding\":\"MICCAI 2015\",\"tasks\":[\"Semantic "
    "Segmentation\"]}",
};

static const char *const links[] = {
    "{\"paper_id\":\"attention\",\"repo_url\":\"https://github.com/t/t2t\","
    "\"is_official\":true,\"framework\":\"tf\",\"stars\":500}",
    "{\"paper_id\":\"attention\",\"repo_url\":\"https://github.com/x/attn\","
    "\"is_official\":null,\"framework\":\"pytorch\",\"stars\":900}",
    "{\"paper_id\":\"graphnets\",\"repo_url\":\"https://github.com/d/gn\","
    "\"is_official\":false,\"framework\":\"jax\",\"stars\":null}",
    "{\"paper_arxiv_id\":\"1706.03762\",\"repo_url\":\"https://github.com/"
    "y/tr\",\"is_official\":false,\"framework\":\"pytorch\",\"stars\":7}",
};

static const char *const readme_index[] = {
    "{\"repo_url\":\"https://github.com/x/attn\",\"file\":\"x__attn.md\"}",
    "{\"repo_url\":\"https://github.com/z/lonely\",\"file\":\"z__lonely.md\"}",
};

static const char *const readme_files[][2] = {
    {"x__attn.md", "# attn\n\nA PyTorch transformer. `pip install attn`\n"},
    {"z__lonely.md", "# Lonely\n\nZebrafinch tools, no paper.\n"},
};

static char dir[64];
static struct config cfg;
static struct searcher *searcher;

static void write_file(const char *name, const char *const *lines, size_t n)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/crawl/%s", dir, name);
    f = fopen(path, "w");
    if (!f)
        abort();
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
    if (fclose(f) != 0)
        abort();
}

static void write_crawl(void)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/crawl", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/crawl/readmes", dir);
    mkdir(path, 0755);
    write_file("papers.jsonl", papers, sizeof(papers) / sizeof(papers[0]));
    write_file("links.jsonl", links, sizeof(links) / sizeof(links[0]));
    write_file("readmes/index.jsonl", readme_index,
               sizeof(readme_index) / sizeof(readme_index[0]));
    for (size_t i = 0; i < sizeof(readme_files) / sizeof(readme_files[0]);
         i++) {
        char name[128];
        const char *text = readme_files[i][1];
        snprintf(name, sizeof(name), "readmes/%s", readme_files[i][0]);
        write_file(name, &text, 1);
    }
}

#define OK(call)                                                               \
    do {                                                                       \
        if ((call) < 0) {                                                      \
            fprintf(stderr, "fuzz_query: %s: %s\n", #call, e.msg);             \
            abort();                                                           \
        }                                                                      \
    } while (0)

static void add_papers(xs_wdb *db, struct doc_builder *b,
                       const struct code_index *ci)
{
    struct err e = {0, ""};
    struct doc_info info;
    xs_doc *doc;

    for (size_t i = 0; i < sizeof(papers) / sizeof(papers[0]); i++) {
        struct rec_loc loc = {"papers.jsonl", i + 1, i + 1, 0};
        struct paper p;

        OK(paper_from_json(papers[i], strlen(papers[i]), &loc, &p, &e));
        OK(doc_builder_paper(b, &p, ci, &doc, &info, &e));
        OK(xs_wdb_add(db, doc, NULL, &e));
        paper_fini(&p);
    }
    for (size_t i = 0; i < code_index_readme_count(ci); i++) {
        const struct readme *r = code_index_readme_at(ci, i);
        if (r->linked)
            continue;
        OK(doc_builder_repo(b, r, &doc, &info, &e));
        OK(xs_wdb_add(db, doc, NULL, &e));
    }
}

static void build_index(const char *index)
{
    struct crawl_files cf;
    struct code_index *ci = NULL;
    struct code_stats cs;
    struct doc_builder *b = NULL;
    struct err e = {0, ""};
    xs_wdb *db = NULL;
    char path[256], crawl[128];

    snprintf(crawl, sizeof(crawl), "%s/crawl", dir);
    OK(crawl_discover(crawl, &cf, &e));
    OK(code_index_load(&cf, NULL, NULL, &ci, &cs, &e));
    index_gen_path(index, 1, 0, path, sizeof(path));
    OK(xs_wdb_open(path, XS_WDB_CREATE, &db, &e));
    OK(xs_wdb_set_metadata(db, "language", "english", &e));
    OK(xs_wdb_set_metadata(db, "schema", SCHEMA_VERSION, &e));
    OK(schema_write_weights(db, &cfg, &e));
    OK(doc_builder_new(&cfg, &b, &e));
    doc_builder_set_spelling_db(b, db);
    add_papers(db, b, ci);
    OK(doc_builder_flush_spelling(b, &e));
    OK(xs_wdb_commit(db, &e));
    xs_wdb_free(db);
    doc_builder_free(b);
    code_index_free(ci);
    crawl_files_fini(&cf);
    OK(index_publish(index, 1, &e));
}

static void clean_up(void)
{
    searcher_free(searcher);
    searcher = NULL;
    remove_tree(dir);
}

static void set_up(void)
{
    struct err e = {0, ""};
    char index[128];

    snprintf(dir, sizeof(dir), "/tmp/pwc-fuzz-query-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    atexit(clean_up);
    config_defaults(&cfg);
    write_crawl();
    snprintf(index, sizeof(index), "%s/index", dir);
    mkdir(index, 0755);
    build_index(index);
    OK(searcher_open(index, &cfg, &searcher, &e));
}

/* The next NUL-terminated piece of buf[*pos..n), or NULL past the end. */
static const char *next_piece(char *buf, size_t n, size_t *pos)
{
    const char *s;

    if (*pos > n)
        return NULL;
    s = buf + *pos;
    *pos += strlen(s) + 1;
    return *s ? s : NULL;
}

/* A snippet is HTML: escaped text, with only our marks as tags. */
static void check_snippet(const cJSON *snippet)
{
    const char *s;

    if (!cJSON_IsString(snippet))
        return;
    s = snippet->valuestring;
    while ((s = strpbrk(s, "<>")) != NULL) {
        if (strncmp(s, "<b>", 3) == 0)
            s += 3;
        else if (strncmp(s, "</b>", 4) == 0)
            s += 4;
        else
            FUZZ_CHECK(!"a '<' or '>' outside the marks");
    }
}

static double number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);

    FUZZ_CHECK(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* Replies go out as JSON text, which must be UTF-8. */
static void check_utf8(const cJSON *reply)
{
    char *text = cJSON_PrintUnformatted(reply);

    FUZZ_CHECK(text && text_utf8_valid(text, strlen(text)));
    cJSON_free(text);
}

static void check_reply(const cJSON *reply, const struct search_req *r)
{
    const cJSON *hits = cJSON_GetObjectItem(reply, "hits");
    const cJSON *total = cJSON_GetObjectItem(reply, "total");
    int n = cJSON_GetArraySize(hits);

    check_utf8(reply);
    FUZZ_CHECK(cJSON_IsArray(hits) && cJSON_IsObject(total));
    FUZZ_CHECK(number(total, "lower") <= number(total, "estimated"));
    FUZZ_CHECK(number(total, "estimated") <= number(total, "upper"));
    FUZZ_CHECK((unsigned)n <= r->limit);
    for (int i = 0; i < n; i++) {
        const cJSON *h = cJSON_GetArrayItem(hits, i);
        FUZZ_CHECK(number(h, "rank") == (double)r->offset + i + 1);
        check_snippet(cJSON_GetObjectItem(h, "snippet"));
    }
    if (r->facets)
        FUZZ_CHECK(cJSON_IsObject(cJSON_GetObjectItem(reply, "facets")));
}

static void run(const uint8_t *opt, char *text, size_t n)
{
    struct search_req r;
    struct err e = {0, ""};
    cJSON *out = NULL;
    size_t pos = 0, qn;
    const char *typed, *year;
    char *q = NULL;
    int rc;

    search_req_init(&r);
    r.sort = (enum search_sort)(opt[0] % 3);
    r.has_code = (opt[0] >> 2) % 3 - 1;
    r.official = (opt[0] & 0x10) ? 1 : -1;
    r.facets = (opt[0] & 0x20) != 0;
    r.limit = opt[1] % 101;
    r.offset = (opt[2] & 0x80) ? (opt[2] & 0x7f) * 79u : opt[2];
    r.snippet_bytes = opt[3] * 4u;
    typed = next_piece(text, n, &pos);
    /* search_run echoes q as it is: its callers pass UTF-8 (searchd
     * refuses anything else, pwc-search repairs it). */
    if (typed && !(q = text_utf8_repair(typed, strlen(typed), &qn)))
        return;
    r.q = q;
    r.framework = next_piece(text, n, &pos);
    r.task = next_piece(text, n, &pos);
    r.venue = next_piece(text, n, &pos);
    year = next_piece(text, n, &pos);
    if (year && search_years_parse(year, &r.year_from, &r.year_to) < 0)
        r.year_from = r.year_to = 0;
    rc = search_run(searcher, &r, &out, &e);
    FUZZ_CHECK(rc == 0);
    check_reply(out, &r);
    cJSON_Delete(out);
    out = NULL;
    if (opt[0] & 0x40) {
        FUZZ_CHECK(search_suggest(searcher, typed ? typed : "", 1 + opt[1] % 10,
                                  &out, &e) == 0);
        check_utf8(out);
        cJSON_Delete(out);
        out = NULL;
    }
    if ((opt[0] & 0x80) && typed) {
        rc = search_get(searcher, typed, &out, &e);
        FUZZ_CHECK(rc == 0 || rc == ERR_NOTFOUND);
        if (rc == 0)
            check_utf8(out);
        cJSON_Delete(out);
    }
    free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t no_opt[4] = {0, 10, 0, 50};
    const uint8_t *opt = size >= 4 ? data : no_opt;
    size_t n = size >= 4 ? size - 4 : size;
    char *text = malloc(n + 1);

    if (!searcher)
        set_up();
    if (!text)
        return 0;
    memcpy(text, size >= 4 ? data + 4 : data, n);
    text[n] = '\0';
    run(opt, text, n);
    free(text);
    return 0;
}
