/*
 * The streaming record reader on small files written here: JSON Lines and
 * JSON arrays, plain and gzip, blank lines, CRLF, records crossing buffer
 * boundaries, and the damaged inputs it must refuse (truncated or corrupt
 * gzip, unterminated arrays) with the file named.
 */
/* cmocka.h relies on these being included first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "crawl.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_rec_reader.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    struct dirent *de;
    char path[512];
    DIR *d;

    (void)state;
    d = opendir(tmpdir);
    if (!d)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
        unlink(path);
    }
    closedir(d);
    return rmdir(tmpdir);
}

/* Writes data to tmpdir/name, gzip-compressed when gz; returns the path
 * in a static buffer. */
static const char *write_file(const char *name, const char *data, size_t n,
                              int gz)
{
    static char path[512];
    gzFile g;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    if (gz) {
        g = gzopen(path, "wb");
        assert_non_null(g);
        if (n > 0)
            assert_int_equal(gzwrite(g, data, (unsigned)n), (int)n);
        assert_int_equal(gzclose(g), Z_OK);
    } else {
        f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, n, f), n);
        assert_int_equal(fclose(f), 0);
    }
    return path;
}

static const char *write_str(const char *name, const char *data, int gz)
{
    return write_file(name, data, strlen(data), gz);
}

static size_t file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return (size_t)st.st_size;
}

/* What a test expects of one record. */
struct want {
    const char *json;
    unsigned long line;
};

/* Reads path to the end and checks every record against want. */
static void expect_records(const char *path, const struct want *want, size_t n,
                           int array)
{
    struct rec_reader *r = NULL;
    struct rec_loc loc;
    struct err e;
    const char *json;
    size_t len, i;

    err_clear(&e);
    assert_int_equal(rec_reader_open(path, &r, &e), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 1);
        assert_string_equal(json, want[i].json);
        assert_int_equal(len, strlen(want[i].json));
        assert_int_equal(loc.line, want[i].line);
        assert_int_equal(loc.record, i + 1);
        assert_int_equal(loc.array, array);
        assert_string_equal(loc.file, path);
    }
    assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 0);
    /* The end stays the end. */
    assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 0);
    assert_int_equal(e.code, ERR_OK);
    rec_reader_free(r);
}

static void rec_reader_should_read_json_lines(void **state)
{
    static const struct want lines[] = {
        {"{\"id\": \"a\"}", 1}, {"{\"id\": \"b\", \"t\": \"x\\\"y\"}", 2},
        {"{\"id\": \"c\"}", 5}, {"{broken", 6},
        {"{\"id\": \"d\"}", 7},
    };
    static const struct {
        const char *name;
        const char *text;
        int gz;
    } cases[] = {
        {"lf.jsonl",
         "{\"id\": \"a\"}\n{\"id\": \"b\", \"t\": \"x\\\"y\"}\n"
         "\n   \n{\"id\": \"c\"}\n{broken\n{\"id\": \"d\"}\n",
         0},
        {"lf.jsonl.gz",
         "{\"id\": \"a\"}\n{\"id\": \"b\", \"t\": "
         "\"x\\\"y\"}\n\n\t\n{\"id\": \"c\"}\n{broken\n"
         "{\"id\": \"d\"}\n",
         1},
        {"crlf.jsonl",
         "{\"id\": \"a\"}\r\n{\"id\": \"b\", \"t\": "
         "\"x\\\"y\"}\r\n\r\n \r\n{\"id\": \"c\"}\r\n{broken\r\n"
         "{\"id\": \"d\"}\r\n",
         0},
        {"crlf.jsonl.gz",
         "{\"id\": \"a\"}\r\n{\"id\": \"b\", \"t\": "
         "\"x\\\"y\"}\r\n\r\n\r\n{\"id\": \"c\"}\r\n"
         "{broken\r\n{\"id\": \"d\"}",
         1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_records(write_str(cases[i].name, cases[i].text, cases[i].gz),
                       lines, 5, 0);
}

static void rec_reader_should_split_json_arrays(void **state)
{
    static const char text[] =
        "\xef\xbb\xbf [\n"
        "  {\"title\": \"a ] b } c [ d { e\", \"n\": [1, [2, {\"x\": 3}]]},\n"
        "  {\"q\": \"say \\\"hi\\\" \\\\\", \"e\": \"\\\\\\\"}\"},\n"
        "\n"
        "  {\"empty\": {}, \"list\": []},{\"u\": \"\\u005d\"}\n"
        "]\n";
    static const struct want want[] = {
        {"{\"title\": \"a ] b } c [ d { e\", \"n\": [1, [2, {\"x\": 3}]]}", 2},
        {"{\"q\": \"say \\\"hi\\\" \\\\\", \"e\": \"\\\\\\\"}\"}", 3},
        {"{\"empty\": {}, \"list\": []}", 5},
        {"{\"u\": \"\\u005d\"}", 5},
    };

    (void)state;
    expect_records(write_str("a.json", text, 0), want, 4, 1);
    expect_records(write_str("a.json.gz", text, 1), want, 4, 1);
}

static void rec_reader_should_read_empty_inputs(void **state)
{
    static const char *const texts[] = {"", "\n\n  \r\n", "[]", " [ \n ] \n"};
    char name[32];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        snprintf(name, sizeof(name), "empty%zu", i);
        expect_records(write_str(name, texts[i], 0), NULL, 0, 0);
        snprintf(name, sizeof(name), "empty%zu.gz", i);
        expect_records(write_str(name, texts[i], 1), NULL, 0, 0);
    }
}

/* Builds n records of about 100 bytes, numbered, as lines or an array. */
static char *many_records(size_t n, int array, size_t *len)
{
    size_t cap = n * 128 + 16, off = 0, i;
    char *s = malloc(cap);

    assert_non_null(s);
    if (array)
        off += (size_t)snprintf(s + off, cap - off, "[");
    for (i = 0; i < n; i++)
        off += (size_t)snprintf(s + off, cap - off,
                                "%s{\"i\": %zu, \"pad\": \"%s\"}%s",
                                array && i ? "," : "", i,
                                "[{\\\"]}] padding padding padding padding "
                                "padding padding",
                                array ? "" : "\n");
    if (array)
        off += (size_t)snprintf(s + off, cap - off, "]");
    *len = off;
    return s;
}

static void rec_reader_should_cross_buffer_boundaries(void **state)
{
    static const struct {
        const char *name;
        int array;
        int gz;
    } cases[] = {
        {"many.jsonl", 0, 0},
        {"many.jsonl.gz", 0, 1},
        {"many.json", 1, 0},
        {"many.json.gz", 1, 1},
    };
    struct rec_reader *r;
    struct rec_loc loc;
    struct err e;
    const char *json, *path;
    char want[32];
    size_t n = 20000, len, i, k;
    char *text;

    (void)state;
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        text = many_records(n, cases[k].array, &len);
        path = write_file(cases[k].name, text, len, cases[k].gz);
        free(text);
        err_clear(&e);
        assert_int_equal(rec_reader_open(path, &r, &e), 0);
        for (i = 0; i < n; i++) {
            assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 1);
            snprintf(want, sizeof(want), "{\"i\": %zu,", i);
            assert_memory_equal(json, want, strlen(want));
            assert_int_equal(json[len - 1], '}');
            assert_int_equal(strlen(json), len);
        }
        assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 0);
        rec_reader_free(r);
    }
}

static void
rec_reader_should_stream_records_larger_than_its_buffer(void **state)
{
    size_t big = 3 * 1024 * 1024, len, i;
    struct rec_reader *r;
    struct rec_loc loc;
    struct err e;
    const char *json, *path;
    char *text;
    int array;

    (void)state;
    text = malloc(big + 64);
    assert_non_null(text);
    for (array = 0; array < 2; array++) {
        len = (size_t)sprintf(text, "%s{\"s\": \"", array ? "[" : "");
        for (i = 0; i < big; i++)
            text[len++] = (char)('a' + i % 26);
        len += (size_t)sprintf(text + len, "\"}%s{\"end\": 1}%s",
                               array ? "," : "\n", array ? "]" : "\n");
        path = write_file("big.gz", text, len, 1);
        err_clear(&e);
        assert_int_equal(rec_reader_open(path, &r, &e), 0);
        assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 1);
        assert_int_equal(len, big + 9);
        assert_int_equal(json[len - 1], '}');
        assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 1);
        assert_string_equal(json, "{\"end\": 1}");
        assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 0);
        rec_reader_free(r);
    }
    free(text);
}

/* Reads until the reader fails; returns the code and leaves e set. */
static int read_to_error(const char *path, struct err *e, size_t *records)
{
    struct rec_reader *r;
    struct rec_loc loc;
    const char *json;
    size_t len;
    int rc;

    err_clear(e);
    *records = 0;
    assert_int_equal(rec_reader_open(path, &r, e), 0);
    while ((rc = rec_reader_next(r, &json, &len, &loc, e)) == 1)
        (*records)++;
    if (rc < 0) {
        /* A failed reader stays failed. */
        assert_int_equal(rec_reader_next(r, &json, &len, &loc, NULL), rc);
    }
    rec_reader_free(r);
    return rc;
}

static void rec_reader_should_refuse_truncated_gzip(void **state)
{
    char path[512], *text;
    size_t len, records;
    struct err e;
    int rc;

    (void)state;
    text = many_records(5000, 0, &len);
    snprintf(path, sizeof(path), "%s",
             write_file("cut.jsonl.gz", text, len, 1));
    free(text);
    assert_int_equal(truncate(path, (off_t)(file_size(path) / 2)), 0);
    rc = read_to_error(path, &e, &records);
    assert_true(rc == ERR_FORMAT || rc == ERR_IO);
    assert_int_equal(e.code, rc);
    assert_non_null(strstr(e.msg, path));
    assert_true(records > 0 && records < 5000);

    /* Cut inside the 8-byte trailer: all data is there, the check is not. */
    snprintf(path, sizeof(path), "%s",
             write_str("trailer.jsonl.gz", "{\"a\": 1}\n", 1));
    assert_int_equal(truncate(path, (off_t)(file_size(path) - 3)), 0);
    rc = read_to_error(path, &e, &records);
    assert_true(rc == ERR_FORMAT || rc == ERR_IO);
    assert_non_null(strstr(e.msg, path));
}

static void rec_reader_should_refuse_a_bad_crc(void **state)
{
    char path[512];
    size_t records;
    struct err e;
    FILE *f;
    int c;

    (void)state;
    snprintf(path, sizeof(path), "%s",
             write_str("crc.jsonl.gz", "{\"a\": 1}\n{\"b\": 2}\n", 1));
    /* The CRC-32 is the trailer's first four bytes. */
    f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, -8, SEEK_END), 0);
    c = fgetc(f);
    assert_int_equal(fseek(f, -8, SEEK_END), 0);
    fputc(c ^ 0xff, f);
    fclose(f);
    assert_int_equal(read_to_error(path, &e, &records), ERR_FORMAT);
    assert_non_null(strstr(e.msg, path));
    assert_non_null(strstr(e.msg, "compressed byte"));
    assert_non_null(strstr(e.msg, "(line "));
}

static void rec_reader_should_refuse_unterminated_arrays(void **state)
{
    static const struct {
        const char *text;
        size_t records;
        const char *msg;
    } cases[] = {
        {"[{\"a\": 1}, {\"b\": 2}", 2, "unterminated"},
        {"[{\"a\": 1}, {\"b\": \"]}", 1, "unterminated"},
        {"[{\"a\": 1}, {\"b\": {\"c\": 2}", 1, "unterminated"},
        {"[{\"a\": 1},", 1, "unterminated"},
        {"[{\"a\": 1} {\"b\": 2}]", 1, "expected ','"},
        {"[{\"a\": 1}] {\"b\": 2}", 1, "after the end"},
    };
    char path[512];
    size_t i, records;
    struct err e;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(path, sizeof(path), "%s",
                 write_str("open.json.gz", cases[i].text, 1));
        assert_int_equal(read_to_error(path, &e, &records), ERR_FORMAT);
        assert_int_equal(records, cases[i].records);
        assert_non_null(strstr(e.msg, path));
        assert_non_null(strstr(e.msg, cases[i].msg));
    }
}

static void rec_reader_should_fail_to_open_a_missing_file(void **state)
{
    struct rec_reader *r = (struct rec_reader *)1;
    char path[512];
    struct err e;

    (void)state;
    snprintf(path, sizeof(path), "%s/no-such.jsonl.gz", tmpdir);
    err_clear(&e);
    assert_int_equal(rec_reader_open(path, &r, &e), ERR_IO);
    assert_null(r);
    assert_non_null(strstr(e.msg, path));
    rec_reader_free(NULL);
}

static void rec_reader_should_read_concatenated_gzip_members(void **state)
{
    static const struct want want[] = {{"{\"a\": 1}", 1}, {"{\"b\": 2}", 2}};
    char path[512];
    gzFile g;

    (void)state;
    snprintf(path, sizeof(path), "%s/two.jsonl.gz", tmpdir);
    g = gzopen(path, "wb");
    assert_non_null(g);
    gzputs(g, "{\"a\": 1}\n");
    gzclose(g);
    g = gzopen(path, "ab");
    assert_non_null(g);
    gzputs(g, "{\"b\": 2}\n");
    gzclose(g);
    expect_records(path, want, 2, 0);
}

static void rec_reader_should_report_progress(void **state)
{
    struct rec_reader *r;
    struct rec_loc loc;
    struct err e;
    const char *json, *path;
    size_t len, in_read, in_total, text_len;
    char *text;
    int gz;

    (void)state;
    text = many_records(3000, 0, &text_len);
    for (gz = 0; gz < 2; gz++) {
        path = write_file(gz ? "p.gz" : "p.jsonl", text, text_len, gz);
        err_clear(&e);
        assert_int_equal(rec_reader_open(path, &r, &e), 0);
        rec_reader_progress(r, &in_read, &in_total);
        assert_int_equal(in_total, file_size(path));
        assert_true(in_read <= in_total);
        assert_int_equal(rec_reader_next(r, &json, &len, &loc, &e), 1);
        assert_true(rec_reader_bytes_out(r) >= len);
        while (rec_reader_next(r, &json, &len, &loc, &e) == 1)
            ;
        rec_reader_progress(r, &in_read, &in_total);
        assert_int_equal(in_read, in_total);
        assert_int_equal(rec_reader_bytes_out(r), text_len);
        rec_reader_free(r);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rec_reader_should_read_json_lines),
        cmocka_unit_test(rec_reader_should_split_json_arrays),
        cmocka_unit_test(rec_reader_should_read_empty_inputs),
        cmocka_unit_test(rec_reader_should_cross_buffer_boundaries),
        cmocka_unit_test(
            rec_reader_should_stream_records_larger_than_its_buffer),
        cmocka_unit_test(rec_reader_should_refuse_truncated_gzip),
        cmocka_unit_test(rec_reader_should_refuse_a_bad_crc),
        cmocka_unit_test(rec_reader_should_refuse_unterminated_arrays),
        cmocka_unit_test(rec_reader_should_fail_to_open_a_missing_file),
        cmocka_unit_test(rec_reader_should_read_concatenated_gzip_members),
        cmocka_unit_test(rec_reader_should_report_progress),
    };

    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
