/*
 * Crawl records from arbitrary bytes: the paper and link decoders on the
 * input as one record, then the streaming reader on a temporary file
 * holding it as it is (JSON Lines or an array, as sniffed), wrapped in
 * [...] and gzip-compressed, each record it cuts going to both decoders.
 * Checks the decoders' promises: required fields present and valid UTF-8.
 */
#include "crawl.h"
#include "fuzz.h"
#include "text.h"

#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Records read per file at most, so one input cannot make a slow run. */
#define MAX_RECORDS 1000

static char tmp_path[64];

static void remove_tmp(void)
{
    if (tmp_path[0])
        unlink(tmp_path);
}

static int valid(const char *s)
{
    return !s || text_utf8_valid(s, strlen(s));
}

static void decode(const char *json, size_t len, const struct rec_loc *loc)
{
    struct err e = {0, ""};
    struct paper p;
    struct link l;

    if (paper_from_json(json, len, loc, &p, &e) == 0) {
        FUZZ_CHECK(p.id && p.title);
        FUZZ_CHECK(valid(p.id) && valid(p.title) && valid(p.abstract));
        for (size_t i = 0; i < p.n_authors; i++)
            FUZZ_CHECK(valid(p.authors[i]));
        for (size_t i = 0; i < p.n_tasks; i++)
            FUZZ_CHECK(valid(p.tasks[i]));
        paper_fini(&p);
    } else {
        FUZZ_CHECK(e.code < 0 && e.msg[0]);
    }
    if (link_from_json(json, len, loc, &l, &e) == 0) {
        FUZZ_CHECK(l.repo_url && (l.paper_id || l.paper_arxiv_id));
        FUZZ_CHECK(valid(l.repo_url) && valid(l.framework));
        link_fini(&l);
    }
}

static int write_plain(const uint8_t *pre, size_t pre_n, const uint8_t *data,
                       size_t size, const uint8_t *post, size_t post_n)
{
    FILE *f = fopen(tmp_path, "wb");
    int ok;

    if (!f)
        return -1;
    ok = fwrite(pre, 1, pre_n, f) == pre_n &&
         fwrite(data, 1, size, f) == size &&
         fwrite(post, 1, post_n, f) == post_n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_gzip(const uint8_t *data, size_t size)
{
    gzFile g = gzopen(tmp_path, "wb");
    int ok;

    if (!g)
        return -1;
    ok = size == 0 || gzwrite(g, data, (unsigned)size) == (int)size;
    return gzclose(g) == Z_OK && ok ? 0 : -1;
}

/* Reads tmp_path to the end or the first error, decoding each record. */
static void read_all(void)
{
    struct rec_reader *r = NULL;
    struct err e = {0, ""};
    const char *json;
    size_t len, in_read, in_total;
    struct rec_loc loc;
    int rc = 0;

    if (rec_reader_open(tmp_path, &r, &e) < 0)
        return;
    for (unsigned i = 0; i < MAX_RECORDS; i++) {
        rc = rec_reader_next(r, &json, &len, &loc, &e);
        if (rc <= 0)
            break;
        FUZZ_CHECK(json[len] == '\0');
        FUZZ_CHECK(loc.record == i + 1);
        decode(json, len, &loc);
    }
    if (rc < 0)
        FUZZ_CHECK(e.msg[0]);
    rec_reader_progress(r, &in_read, &in_total);
    rec_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct rec_loc loc = {"fuzz.jsonl", 1, 1, 0};

    if (!tmp_path[0]) {
        int fd;
        snprintf(tmp_path, sizeof(tmp_path), "/tmp/pwc-fuzz-records-XXXXXX");
        fd = mkstemp(tmp_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_tmp);
    }
    decode((const char *)data, size, &loc);
    if (write_plain((const uint8_t *)"", 0, data, size, (const uint8_t *)"",
                    0) == 0)
        read_all();
    if (write_plain((const uint8_t *)"[", 1, data, size, (const uint8_t *)"]",
                    1) == 0)
        read_all();
    if (write_gzip(data, size) == 0)
        read_all();
    return 0;
}
