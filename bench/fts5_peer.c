/*
 * fts5_peer: the same papers in SQLite FTS5, the peer we measure against.
 * "build" indexes a crawl read by our reader, each paper joined with its
 * code; "query" times a query file as query_bench times ours. It indexes
 * no README text and counts no total, which FTS5 gets only by a full scan.
 */
#include "bench_util.h"
#include "codeindex.h"
#include "crawl.h"
#include "paperdoc.h"
#include "stopwords.h"
#include "strset.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKENIZER "porter unicode61 remove_diacritics 2"
/* Title highest, then authors and tasks, then abstract, venue lowest. */
#define RANK_FN "bm25(10.0, 2.0, 3.0, 3.0, 1.0)"

static const char schema_sql[] =
    "CREATE TABLE papers(id INTEGER PRIMARY KEY, title TEXT, abstract TEXT,"
    " authors TEXT, tasks TEXT, venue TEXT, doc TEXT);"
    "CREATE VIRTUAL TABLE t USING fts5(title, abstract, authors, tasks,"
    " venue, content='papers', content_rowid='id',"
    " tokenize='" TOKENIZER "');"
    "INSERT INTO t(t, rank) VALUES('rank', '" RANK_FN "');";

/* The hits are ranked inside FTS5 (ORDER BY rank stops after 10) and
 * only then joined with their stored rows. */
static const char query_full_sql[] =
    "SELECT p.title, p.authors, p.venue, p.doc, s.score, s.snip FROM"
    " (SELECT rowid AS id, rank AS score,"
    "  snippet(t, 1, '[', ']', '...', 32) AS snip"
    "  FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT 10) AS s"
    " JOIN papers p ON p.id = s.id ORDER BY s.score";
static const char query_nosnip_sql[] =
    "SELECT p.title, p.authors, p.venue, p.doc, s.score, NULL FROM"
    " (SELECT rowid AS id, rank AS score"
    "  FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT 10) AS s"
    " JOIN papers p ON p.id = s.id ORDER BY s.score";

static int sql_err(sqlite3 *db, const char *what, struct err *e)
{
    return err_set(e, ERR_IO, "sqlite: %s: %s", what, sqlite3_errmsg(db));
}

static int exec(sqlite3 *db, const char *sql, struct err *e)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ERR_IO, "sqlite: %.80s: %s", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return ERR_IO;
    }
    return 0;
}

/* ---- build ---- */

struct builder {
    sqlite3 *db;
    sqlite3_stmt *ins_paper, *ins_fts;
    const struct code_index *ci;
    struct strset *ids;
    size_t papers, skipped, duplicates, with_code;
};

/* Joins strings with sep into a malloc'd string. */
static char *join(char *const *v, size_t n, const char *sep)
{
    size_t len = 1, o = 0;
    char *s;

    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + strlen(sep);
    s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, len - o, "%s%s", i ? sep : "", v[i]);
    return s;
}

static void add_opt(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* The stored part that is not searched: ids, dates, URLs and code. */
static char *paper_doc(const struct builder *b, const struct paper *p,
                       size_t *n_impls)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    const struct impl *const *im;
    char *s;

    cJSON_AddStringToObject(o, "id", p->id);
    add_opt(o, "arxiv_id", p->arxiv_id);
    cJSON_AddNumberToObject(o, "year", p->year);
    add_opt(o, "date", p->date);
    add_opt(o, "url_abs", p->url_abs);
    add_opt(o, "url_pdf", p->url_pdf);
    arr = cJSON_AddArrayToObject(o, "implementations");
    im = code_index_impls(b->ci, p->id, p->arxiv_id, n_impls);
    for (size_t i = 0; im && i < *n_impls; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "repo_url", im[i]->repo_url);
        if (im[i]->official == TRI_UNKNOWN)
            cJSON_AddNullToObject(c, "official");
        else
            cJSON_AddBoolToObject(c, "official", im[i]->official == TRI_YES);
        add_opt(c, "framework", im[i]->framework);
        if (im[i]->stars >= 0)
            cJSON_AddNumberToObject(c, "stars", (double)im[i]->stars);
        else
            cJSON_AddNullToObject(c, "stars");
        cJSON_AddItemToArray(arr, c);
    }
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static int bind_text(sqlite3_stmt *st, int col, const char *v)
{
    if (!v)
        return sqlite3_bind_null(st, col);
    return sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC);
}

/* Binds the five searched columns at ?first.. of st. */
static int bind_fields(sqlite3_stmt *st, int first, const struct paper *p,
                       const char *authors, const char *tasks)
{
    int rc = bind_text(st, first, p->title);

    rc = rc ? rc : bind_text(st, first + 1, p->abstract);
    rc = rc ? rc : bind_text(st, first + 2, authors);
    rc = rc ? rc : bind_text(st, first + 3, tasks);
    return rc ? rc : bind_text(st, first + 4, p->venue);
}

static int step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int add_paper(struct builder *b, const struct paper *p, struct err *e)
{
    char *authors = join(p->authors, p->n_authors, ", ");
    char *tasks = join(p->tasks, p->n_tasks, "; ");
    size_t n_impls = 0;
    char *doc = paper_doc(b, p, &n_impls);
    sqlite3_int64 id = (sqlite3_int64)b->papers + 1;
    int rc = !authors || !tasks || !doc ? SQLITE_NOMEM : SQLITE_OK;

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(b->ins_paper, 1, id);
    if (rc == SQLITE_OK)
        rc = bind_fields(b->ins_paper, 2, p, authors, tasks);
    if (rc == SQLITE_OK)
        rc = bind_text(b->ins_paper, 7, doc);
    if (rc == SQLITE_OK)
        rc = step_reset(b->ins_paper);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(b->ins_fts, 1, id);
    if (rc == SQLITE_OK)
        rc = bind_fields(b->ins_fts, 2, p, authors, tasks);
    if (rc == SQLITE_OK)
        rc = step_reset(b->ins_fts);
    free(authors);
    free(tasks);
    cJSON_free(doc);
    if (rc != SQLITE_OK)
        return sql_err(b->db, "insert", e);
    b->papers++;
    b->with_code += n_impls > 0;
    return 0;
}

static int add_file(struct builder *b, const char *path, struct err *e)
{
    struct rec_reader *r = NULL;
    const char *json;
    size_t len;
    struct rec_loc loc;
    int rc = rec_reader_open(path, &r, e);

    while (rc >= 0 && (rc = rec_reader_next(r, &json, &len, &loc, e)) == 1) {
        struct paper p;
        struct err skip = {0, ""};
        char uid[512];

        memset(&p, 0, sizeof(p));
        /* Undecodable records are skipped and counted, as ours does. */
        if (paper_from_json(json, len, &loc, &p, &skip) < 0) {
            b->skipped++;
            continue;
        }
        /* A paper is indexed once per id as ours sees ids (arXiv id
         * first), so both count the same papers; ours keeps the later
         * record, this the first. */
        paper_uid(&p, uid, sizeof(uid));
        rc = strset_add(b->ids, uid);
        if (rc == 0)
            b->duplicates++;
        else if (rc > 0)
            rc = add_paper(b, &p, e);
        else
            rc = err_set(e, ERR_NOMEM, "out of memory");
        paper_fini(&p);
    }
    rec_reader_free(r);
    return rc < 0 ? rc : 0;
}

static void ignore_warning(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

/* Links only: the peer indexes no README text. */
static int load_code(struct crawl_files *cf, struct code_index **ci,
                     struct err *e)
{
    struct crawl_files links = *cf;
    struct code_stats stats;

    links.readme_index = NULL;
    links.readme_dir = NULL;
    return code_index_load(&links, ignore_warning, NULL, ci, &stats, e);
}

static int open_for_build(const char *path, struct builder *b, struct err *e)
{
    static const char pragmas[] = "PRAGMA journal_mode=OFF;"
                                  "PRAGMA synchronous=OFF;"
                                  "PRAGMA cache_size=-262144;";
    int rc;

    unlink(path);
    if (sqlite3_open(path, &b->db) != SQLITE_OK)
        return sql_err(b->db, path, e);
    rc = exec(b->db, pragmas, e);
    if (rc == 0)
        rc = exec(b->db, "BEGIN", e);
    if (rc == 0)
        rc = exec(b->db, schema_sql, e);
    if (rc == 0 &&
        (sqlite3_prepare_v2(b->db,
                            "INSERT INTO papers VALUES(?1, ?2, ?3, ?4, ?5,"
                            " ?6, ?7)",
                            -1, &b->ins_paper, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(b->db,
                            "INSERT INTO t(rowid, title, abstract, authors,"
                            " tasks, venue) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                            -1, &b->ins_fts, NULL) != SQLITE_OK))
        rc = sql_err(b->db, "prepare", e);
    return rc;
}

static long long file_bytes(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/*
 * One transaction without journal or sync, then FTS5's optimize, which
 * merges the segments into one as our build's merge does; both timed.
 */
static int peer_build(const char *crawl, const char *path, struct err *e)
{
    struct crawl_files cf;
    struct code_index *ci = NULL;
    struct builder b;
    double t0 = bench_now_ms(), t_commit = 0, t_end = 0;
    int rc;

    memset(&b, 0, sizeof(b));
    memset(&cf, 0, sizeof(cf));
    rc = crawl_discover(crawl, &cf, e);
    if (rc == 0)
        rc = load_code(&cf, &ci, e);
    b.ci = ci;
    if (rc == 0 && !(b.ids = strset_new()))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (rc == 0)
        rc = open_for_build(path, &b, e);
    for (size_t i = 0; rc == 0 && i < cf.n_papers; i++)
        rc = add_file(&b, cf.papers[i], e);
    sqlite3_finalize(b.ins_paper);
    sqlite3_finalize(b.ins_fts);
    if (rc == 0)
        rc = exec(b.db, "COMMIT", e);
    t_commit = bench_now_ms();
    if (rc == 0)
        rc = exec(b.db, "INSERT INTO t(t) VALUES('optimize')", e);
    sqlite3_close(b.db);
    t_end = bench_now_ms();
    if (rc == 0)
        printf("result engine=fts5 phase=build papers=%zu with_code=%zu "
               "skipped=%zu duplicates=%zu seconds=%.3f optimize_s=%.3f "
               "papers_per_s=%.0f bytes=%lld\n",
               b.papers, b.with_code, b.skipped, b.duplicates,
               (t_end - t0) / 1e3, (t_end - t_commit) / 1e3,
               b.papers * 1e3 / (t_end - t0 > 0 ? t_end - t0 : 1),
               file_bytes(path));
    strset_free(b.ids);
    code_index_free(ci);
    crawl_files_fini(&cf);
    return rc;
}

/* ---- query translation ---- */

/* Whether s[0..n) holds something the tokenizer keeps as a word. */
static int has_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') ||
            ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80)
            return 1;
    }
    return 0;
}

/* Appends s[0..n) as one FTS5 string, its quotes doubled. */
static size_t put_string(char *out, size_t o, const char *s, size_t n)
{
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            out[o++] = '"';
        out[o++] = s[i];
    }
    out[o++] = '"';
    return o;
}

static int is_operator(const char *w, size_t n)
{
    return (n == 2 && memcmp(w, "OR", 2) == 0) ||
           (n == 3 && (memcmp(w, "AND", 3) == 0 || memcmp(w, "NOT", 3) == 0));
}

/* Skips a leading "field:" of our query language. */
static void strip_field(const char **w, size_t *n)
{
    static const char *const fields[] = {
        "title:", "abstract:", "author:", "task:", "venue:", "readme:"};

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        size_t fl = strlen(fields[i]);
        if (*n > fl && strncmp(*w, fields[i], fl) == 0) {
            *w += fl;
            *n -= fl;
            return;
        }
    }
}

/* Whether w is one of the words ours leaves out of plain queries. */
static int is_stopword(const char *w, size_t n)
{
    const char *const *list = stopwords_for("english");

    for (size_t i = 0; list && list[i]; i++)
        if (strlen(list[i]) == n && strncasecmp(list[i], w, n) == 0)
            return 1;
    return 0;
}

/* Whether q has an unquoted word that is not a stop word. */
static int has_content_word(const char *q)
{
    int quoted = 0;

    while (*q) {
        const char *w = q;
        size_t n = strcspn(q, " \"");
        if (n && !quoted && has_word(w, n) && !is_stopword(w, n))
            return 1;
        q += n;
        if (*q == '"')
            quoted = !quoted;
        if (*q)
            q++;
    }
    return 0;
}

/*
 * Our query language to an FTS5 expression that cannot fail to parse:
 * each word and each "phrase" becomes a quoted string, a trailing * a
 * prefix query; +, parentheses, fields and AND/OR/NOT are dropped, and
 * so are -excluded words and, as ours does, stop words outside phrases
 * unless marked + or the query has no other word. Strings are joined by
 * AND, or by OR when any is asked for. out needs 8 * strlen(q) + 16
 * bytes. Returns the count.
 */
static int fts5_translate(const char *q, int any, char *out)
{
    size_t o = 0;
    int n = 0, drop_stops = has_content_word(q);

    while (*q) {
        const char *w = q;
        size_t len;
        int prefix = 0, quoted = *q == '"';

        if (quoted) {
            const char *end = strchr(q + 1, '"');
            w = q + 1;
            len = end ? (size_t)(end - w) : strlen(w);
            q = w + len + (end != NULL);
        } else {
            while (*q && *q != ' ' && *q != '"')
                q++;
            len = (size_t)(q - w);
            if (*q == ' ')
                q++;
            if (len && *w == '-')
                continue;
            if (drop_stops && len && *w != '+' && is_stopword(w, len))
                continue;
            while (len && strchr("+(", *w))
                w++, len--;
            while (len && *(w + len - 1) == ')')
                len--;
            strip_field(&w, &len);
            if (len > 1 && w[len - 1] == '*')
                prefix = 1, len--;
            if (is_operator(w, len))
                continue;
        }
        if (!has_word(w, len))
            continue;
        if (n++)
            o += (size_t)sprintf(out + o, any ? " OR " : " ");
        o = put_string(out, o, w, len);
        if (prefix)
            out[o++] = '*';
    }
    out[o] = '\0';
    return n;
}

/* ---- query ---- */

struct peer {
    sqlite3 *db;
    sqlite3_stmt *st;
    char *expr;
    size_t expr_cap;
    size_t fallbacks;
};

/* Turns a result row into a hit as ours replies it. */
static cJSON *row_hit(sqlite3_stmt *st, int rank)
{
    const char *doc = (const char *)sqlite3_column_text(st, 3);
    cJSON *hit = doc ? cJSON_Parse(doc) : NULL;
    const char *snip = (const char *)sqlite3_column_text(st, 5);

    if (!hit)
        hit = cJSON_CreateObject();
    add_opt(hit, "title", (const char *)sqlite3_column_text(st, 0));
    add_opt(hit, "authors", (const char *)sqlite3_column_text(st, 1));
    add_opt(hit, "venue", (const char *)sqlite3_column_text(st, 2));
    cJSON_AddNumberToObject(hit, "rank", rank);
    cJSON_AddNumberToObject(hit, "score", -sqlite3_column_double(st, 4));
    if (snip)
        cJSON_AddStringToObject(hit, "snippet", snip);
    return hit;
}

static int run_match(struct peer *p, cJSON *hits, struct err *e)
{
    int rc, n = 0;

    sqlite3_bind_text(p->st, 1, p->expr, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(p->st)) == SQLITE_ROW)
        cJSON_AddItemToArray(hits, row_hit(p->st, ++n));
    sqlite3_reset(p->st);
    if (rc != SQLITE_DONE)
        return sql_err(p->db, p->expr, e);
    return n;
}

/* All words first; when nothing has them all, any word, as ours does. */
static int peer_search(struct peer *p, const char *q, cJSON **reply,
                       struct err *e)
{
    size_t need = 8 * strlen(q) + 16;
    cJSON *o = cJSON_CreateObject(), *hits;
    int terms, n = 0;

    if (need > p->expr_cap) {
        free(p->expr);
        p->expr = malloc(need);
        p->expr_cap = p->expr ? need : 0;
        if (!p->expr)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    cJSON_AddStringToObject(o, "query", q);
    hits = cJSON_AddArrayToObject(o, "hits");
    terms = fts5_translate(q, 0, p->expr);
    if (terms > 0)
        n = run_match(p, hits, e);
    if (n == 0 && terms > 1) {
        p->fallbacks++;
        fts5_translate(q, 1, p->expr);
        n = run_match(p, hits, e);
    }
    *reply = o;
    return n < 0 ? n : 0;
}

static int peer_open(const char *path, int snippets, struct peer *p,
                     struct err *e)
{
    memset(p, 0, sizeof(*p));
    if (sqlite3_open_v2(path, &p->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return sql_err(p->db, path, e);
    /* A cache big enough to keep the whole index in the process, as the
     * OS cache keeps ours. */
    if (exec(p->db, "PRAGMA cache_size=-262144", e) < 0)
        return ERR_IO;
    if (sqlite3_prepare_v2(p->db, snippets ? query_full_sql : query_nosnip_sql,
                           -1, &p->st, NULL) != SQLITE_OK)
        return sql_err(p->db, "prepare", e);
    return 0;
}

static void peer_close(struct peer *p)
{
    sqlite3_finalize(p->st);
    sqlite3_close(p->db);
    free(p->expr);
}

static void dump_hits(FILE *f, size_t i, const cJSON *reply)
{
    const cJSON *hit;
    int first = 1;

    fprintf(f, "%zu\t", i);
    cJSON_ArrayForEach(hit, cJSON_GetObjectItem(reply, "hits"))
    {
        const cJSON *id = cJSON_GetObjectItem(hit, "id");
        fprintf(f, "%s%s", first ? "" : " ",
                cJSON_IsString(id) ? id->valuestring : "?");
        first = 0;
    }
    fputc('\n', f);
}

struct timed_peer {
    struct peer *p;
    FILE *dump; /* the first timed pass's hits, or NULL */
};

static int time_query(void *ctx, const struct bench_query *q, size_t i,
                      int round, struct bench_sample *s, struct err *e)
{
    struct timed_peer *tp = ctx;
    cJSON *reply = NULL;
    size_t fallbacks = tp->p->fallbacks;
    double t0 = bench_now_ms(), t1, t2;
    int rc = peer_search(tp->p, q->text, &reply, e);

    t1 = bench_now_ms();
    if (round < 0)
        tp->p->fallbacks = fallbacks; /* counted on timed passes only */
    s->kind = q->kind;
    s->hits = cJSON_GetArraySize(cJSON_GetObjectItem(reply, "hits"));
    if (tp->dump && round == 0 && rc == 0)
        dump_hits(tp->dump, i, reply);
    t2 = bench_now_ms();
    cJSON_Delete(reply);
    s->ms = (t1 - t0) + (bench_now_ms() - t2);
    return rc;
}

struct query_opts {
    const char *db, *queries, *dump;
    unsigned rounds;
    int snippets;
};

static int peer_query(const struct query_opts *o, struct err *e)
{
    struct bench_queries qs = {NULL, 0};
    struct bench_sample *samples = NULL;
    struct peer p;
    struct timed_peer tp = {&p, NULL};
    size_t n = 0;
    int rc = bench_queries_load(o->queries, &qs, e);

    memset(&p, 0, sizeof(p));
    if (rc == 0)
        rc = peer_open(o->db, o->snippets, &p, e);
    if (rc == 0 && o->dump && !(tp.dump = fopen(o->dump, "w")))
        rc = err_set(e, ERR_IO, "%s: cannot write", o->dump);
    if (rc == 0)
        rc = bench_run_passes(&qs, o->rounds, time_query, &tp, &samples, &n,
                              e);
    if (rc == 0) {
        bench_report(stdout, "fts5", o->snippets ? "full" : "nosnip", samples,
                     n, o->rounds);
        printf("note engine=fts5 any_word_fallbacks=%zu\n",
               p.fallbacks / o->rounds);
    }
    if (tp.dump)
        fclose(tp.dump);
    free(samples);
    peer_close(&p);
    bench_queries_fini(&qs);
    return rc;
}

static void usage(FILE *f)
{
    fputs("usage: fts5_peer build CRAWL DB\n"
          "       fts5_peer query DB QUERIES [-r ROUNDS] [--no-snippets]\n"
          "                 [--dump FILE]\n"
          "\n"
          "build  index the crawl's papers (all parts) and links into a new\n"
          "       SQLite FTS5 database DB\n"
          "query  time each query of QUERIES (make_queries format), top 10\n"
          "       by " RANK_FN ", after a warm-up pass\n",
          f);
}

static int parse_query_opts(int argc, char **argv, struct query_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->rounds = 3;
    o->snippets = 1;
    if (argc < 4)
        return -1;
    o->db = argv[2];
    o->queries = argv[3];
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--no-snippets") == 0)
            o->snippets = 0;
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            o->rounds = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            o->dump = argv[++i];
        else
            return -1;
    }
    return o->rounds > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct err e = {0, ""};
    struct query_opts qo;
    int rc;

    if (argc == 4 && strcmp(argv[1], "build") == 0) {
        rc = peer_build(argv[2], argv[3], &e);
    } else if (argc >= 4 && strcmp(argv[1], "query") == 0 &&
               parse_query_opts(argc, argv, &qo) == 0) {
        rc = peer_query(&qo, &e);
    } else {
        usage(stderr);
        return 2;
    }
    if (rc < 0)
        fprintf(stderr, "fts5_peer: %s\n", e.msg);
    return rc < 0 ? 1 : 0;
}
