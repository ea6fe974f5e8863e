/*
 * Streaming record reader: pulls bytes from a plain or gzip file and cuts
 * them into records, one JSON Lines line or one element of a top-level JSON
 * array at a time. Memory is bounded by the largest record, never by the
 * file. It does not parse JSON (records.c does); array elements are only
 * delimited by tracking strings, escapes and nesting depth.
 */
#include "crawl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* The fuzz build makes them tiny, so records cross refills. */
#ifndef RD_IN_SIZE
#define RD_IN_SIZE (256 * 1024) /* compressed bytes per read() */
#endif
#ifndef RD_BUF_SIZE
#define RD_BUF_SIZE (256 * 1024) /* decompressed bytes per refill */
#endif
/* Far above any real paper; stops a lost quote in a 1 GB array from
 * swallowing the rest of the file into memory. */
#ifndef RD_MAX_RECORD
#define RD_MAX_RECORD (64UL * 1024 * 1024)
#endif

/* sniff() hands the first read of a plain file over to buf. */
_Static_assert(RD_IN_SIZE <= RD_BUF_SIZE, "first read must fit in buf");

enum { MODE_UNKNOWN, MODE_LINES, MODE_ARRAY };

/* Where an array scan stands between elements. */
enum { ARR_FIRST, ARR_ELEM, ARR_AFTER, ARR_DONE };

struct rec_reader {
    char *path;
    int fd;
    int gz;      /* inflating */
    int z_init;  /* inflateInit2 succeeded */
    int z_end;   /* inflate finished a gzip member */
    int src_eof; /* read() returned 0 */
    int failed;  /* sticky error code once next() failed */
    z_stream zs;
    unsigned char *in;
    char *buf; /* decoded bytes; buf[pos..len) not consumed yet */
    size_t pos, len;
    char *rec; /* record assembled across refills */
    size_t rec_len, rec_cap;
    int mode;
    int arr;
    unsigned long line; /* line of buf[pos] */
    unsigned long record;
    size_t in_read, in_total, out_used;
};

static ssize_t read_some(int fd, void *p, size_t n)
{
    ssize_t got;

    do {
        got = read(fd, p, n);
    } while (got < 0 && errno == EINTR);
    return got;
}

static int io_error(struct rec_reader *r, struct err *e)
{
    return err_set(e, ERR_IO, "%s: read failed: %s", r->path, strerror(errno));
}

/* Reads the first bytes into r->in and decides between gzip and plain. */
static int sniff(struct rec_reader *r, struct err *e)
{
    size_t n = 0;
    ssize_t got;

    while (n < 2) {
        got = read_some(r->fd, r->in + n, RD_IN_SIZE - n);
        if (got < 0)
            return io_error(r, e);
        if (got == 0) {
            r->src_eof = 1;
            break;
        }
        n += (size_t)got;
    }
    r->in_read = n;
    if (n >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
        r->gz = 1;
        if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK)
            return err_set(e, ERR_NOMEM, "%s: cannot start zlib", r->path);
        r->z_init = 1;
        r->zs.next_in = r->in;
        r->zs.avail_in = (uInt)n;
        return 0;
    }
    /* Plain file: what was read is the first slice of data. */
    memcpy(r->buf, r->in, n);
    r->len = n;
    r->out_used = n;
    return 0;
}

int rec_reader_open(const char *path, struct rec_reader **out, struct err *e)
{
    struct rec_reader *r;
    struct stat st;
    int rc = ERR_NOMEM;

    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (!r)
        return err_set(e, ERR_NOMEM, "%s: out of memory", path);
    r->fd = -1;
    r->line = 1;
    r->path = strdup(path);
    r->in = malloc(RD_IN_SIZE);
    r->buf = malloc(RD_BUF_SIZE + 1);
    if (!r->path || !r->in || !r->buf) {
        err_set(e, ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    r->fd = open(path, O_RDONLY);
    if (r->fd < 0) {
        rc = err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode))
        r->in_total = (size_t)st.st_size;
    rc = sniff(r, e);
    if (rc < 0)
        goto out;
    *out = r;
    return 0;
out:
    rec_reader_free(r);
    return rc;
}

/* Reads more compressed input; keeps unconsumed bytes. */
static int feed(struct rec_reader *r, struct err *e)
{
    ssize_t got;

    if (r->zs.avail_in > 0 && r->zs.next_in != r->in)
        memmove(r->in, r->zs.next_in, r->zs.avail_in);
    r->zs.next_in = r->in;
    got = read_some(r->fd, r->in + r->zs.avail_in, RD_IN_SIZE - r->zs.avail_in);
    if (got < 0)
        return io_error(r, e);
    if (got == 0)
        r->src_eof = 1;
    r->zs.avail_in += (uInt)got;
    r->in_read += (size_t)got;
    return 0;
}

/* After a gzip member: another member may follow (pigz, concatenation). */
static int next_member(struct rec_reader *r, struct err *e)
{
    int rc;

    if (r->zs.avail_in < 2 && !r->src_eof) {
        rc = feed(r, e);
        if (rc < 0)
            return rc;
    }
    if (r->zs.avail_in == 0)
        return 0;
    if (r->zs.next_in[0] != 0x1f ||
        (r->zs.avail_in > 1 && r->zs.next_in[1] != 0x8b))
        return err_set(e, ERR_FORMAT, "%s: trailing garbage after gzip data",
                       r->path);
    inflateReset(&r->zs);
    r->z_end = 0;
    return 1;
}

/* Inflates into buf. Returns bytes produced, 0 at the end, or an error. */
static ssize_t inflate_some(struct rec_reader *r, struct err *e)
{
    size_t got;
    int zr, rc;

    for (;;) {
        if (r->zs.avail_in == 0 && !r->src_eof) {
            rc = feed(r, e);
            if (rc < 0)
                return rc;
        }
        if (r->z_end) {
            rc = next_member(r, e);
            if (rc <= 0)
                return rc;
        }
        r->zs.next_out = (unsigned char *)r->buf;
        r->zs.avail_out = RD_BUF_SIZE;
        zr = inflate(&r->zs, Z_NO_FLUSH);
        got = RD_BUF_SIZE - r->zs.avail_out;
        if (zr == Z_STREAM_END) {
            r->z_end = 1;
        } else if (zr == Z_OK || zr == Z_BUF_ERROR) {
            if (got == 0 && r->zs.avail_in == 0 && r->src_eof)
                return err_set(e, ERR_FORMAT,
                               "%s: truncated gzip data (unexpected end "
                               "of file)",
                               r->path);
        } else if (zr == Z_MEM_ERROR) {
            return err_set(e, ERR_NOMEM, "%s: out of memory in zlib", r->path);
        } else {
            /* zlib finds a bad checksum only at the member's end, after
             * the damaged lines were handed out: say where it stopped. */
            return err_set(e, ERR_FORMAT,
                           "%s: corrupt gzip data near compressed byte %zu "
                           "(line %lu): %s",
                           r->path, r->in_read - r->zs.avail_in, r->line,
                           r->zs.msg ? r->zs.msg : "unknown");
        }
        if (got > 0)
            return (ssize_t)got;
    }
}

/* Replaces buf's contents with the next slice of decoded data. Returns
 * the number of bytes, 0 at the end of the file, or an error code. */
static ssize_t refill(struct rec_reader *r, struct err *e)
{
    ssize_t got;

    r->pos = r->len = 0;
    if (r->gz) {
        got = inflate_some(r, e);
    } else if (r->src_eof) {
        got = 0;
    } else {
        got = read_some(r->fd, r->buf, RD_BUF_SIZE);
        if (got < 0)
            return io_error(r, e);
        if (got == 0)
            r->src_eof = 1;
        r->in_read += (size_t)got;
    }
    if (got > 0) {
        r->len = (size_t)got;
        r->out_used += (size_t)got;
    }
    return got;
}

static int rec_append(struct rec_reader *r, const char *p, size_t n,
                      struct err *e)
{
    size_t need = r->rec_len + n + 1;
    size_t cap;
    char *grown;

    if (need > RD_MAX_RECORD)
        return err_set(e, ERR_FORMAT,
                       "%s:%lu: record longer than %lu bytes (unbalanced "
                       "JSON?)",
                       r->path, r->line, RD_MAX_RECORD);
    if (need > r->rec_cap) {
        cap = r->rec_cap ? r->rec_cap : 4096;
        while (cap < need)
            cap *= 2;
        grown = realloc(r->rec, cap);
        if (!grown)
            return err_set(e, ERR_NOMEM, "%s: out of memory", r->path);
        r->rec = grown;
        r->rec_cap = cap;
    }
    memcpy(r->rec + r->rec_len, p, n);
    r->rec_len += n;
    r->rec[r->rec_len] = '\0';
    return 0;
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Skips whitespace, counting lines. Returns 1 with buf[pos] on a
 * non-blank byte, 0 at the end of the file, or an error.
 */
static int skip_blank(struct rec_reader *r, struct err *e)
{
    ssize_t got;

    for (;;) {
        while (r->pos < r->len && is_blank((unsigned char)r->buf[r->pos])) {
            if (r->buf[r->pos] == '\n')
                r->line++;
            r->pos++;
        }
        if (r->pos < r->len)
            return 1;
        got = refill(r, e);
        if (got <= 0)
            return (int)got;
    }
}

/* Decides the layout from the first non-blank byte, past a UTF-8 BOM. */
static int detect(struct rec_reader *r, struct err *e)
{
    ssize_t got;
    int rc;

    if (r->len == 0) {
        got = refill(r, e);
        if (got < 0)
            return (int)got;
    }
    if (r->len >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0)
        r->pos = 3;
    rc = skip_blank(r, e);
    if (rc < 0)
        return rc;
    r->mode = MODE_LINES;
    if (rc == 1 && r->buf[r->pos] == '[') {
        r->mode = MODE_ARRAY;
        r->arr = ARR_FIRST;
        r->pos++;
    }
    return 0;
}

/* A line of only whitespace is not a record. */
static int line_blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!is_blank((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Hands out line s[0..n) unless it is blank. Returns 1 or 0 (blank). */
static int emit_line(struct rec_reader *r, char *s, size_t n, const char **json,
                     size_t *len, struct rec_loc *loc)
{
    if (n > 0 && s[n - 1] == '\r')
        n--;
    s[n] = '\0';
    r->line++;
    if (line_blank(s, n))
        return 0;
    r->record++;
    loc->line = r->line - 1;
    loc->record = r->record;
    *json = s;
    *len = n;
    return 1;
}

static int next_line(struct rec_reader *r, const char **json, size_t *len,
                     struct rec_loc *loc, struct err *e)
{
    char *nl, *s;
    size_t n;
    ssize_t got;
    int rc;

    for (;;) {
        if (r->pos == r->len) {
            got = refill(r, e);
            if (got < 0)
                return (int)got;
            if (got == 0 && r->rec_len == 0)
                return 0;
            if (got == 0) {
                /* A last line without '\n'. */
                n = r->rec_len;
                r->rec_len = 0;
                return emit_line(r, r->rec, n, json, len, loc);
            }
        }
        nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        if (!nl) {
            rc = rec_append(r, r->buf + r->pos, r->len - r->pos, e);
            if (rc < 0)
                return rc;
            r->pos = r->len;
            continue;
        }
        s = r->buf + r->pos;
        n = (size_t)(nl - s);
        r->pos += n + 1;
        if (r->rec_len > 0) {
            /* The line began in an earlier slice of buf. */
            rc = rec_append(r, s, n, e);
            if (rc < 0)
                return rc;
            s = r->rec;
            n = r->rec_len;
            r->rec_len = 0;
        }
        if (emit_line(r, s, n, json, len, loc))
            return 1;
    }
}

/* Scanner state for one array element; it survives buffer refills. */
struct scan {
    unsigned long depth;
    int in_str;
    int esc;
    int scalar; /* element is a number, true, false or null */
};

/*
 * Advances over buf[*i..len) and returns 1 when the element ends (*i just
 * past it), 0 when the buffer ran out first.
 */
static int scan_elem(struct rec_reader *r, struct scan *sc, size_t *i)
{
    const char *b = r->buf;
    size_t k = *i, n = r->len;
    char c;

    while (k < n) {
        c = b[k];
        if (sc->in_str) {
            /* Strings hold most bytes: skip plain ones quickly. */
            while (!sc->esc && c != '"' && c != '\\' && c != '\n') {
                if (++k == n) {
                    *i = k;
                    return 0;
                }
                c = b[k];
            }
            if (c == '\n')
                r->line++;
            if (sc->esc)
                sc->esc = 0;
            else if (c == '\\')
                sc->esc = 1;
            else if (c == '"') {
                sc->in_str = 0;
                if (sc->depth == 0) {
                    *i = k + 1;
                    return 1;
                }
            }
            k++;
            continue;
        }
        if (sc->scalar) {
            if (c == ',' || c == ']' || c == '}' ||
                is_blank((unsigned char)c)) {
                *i = k;
                return 1;
            }
            k++;
            continue;
        }
        switch (c) {
        case '"':
            sc->in_str = 1;
            break;
        case '{':
        case '[':
            sc->depth++;
            break;
        case '}':
        case ']':
            if (sc->depth > 0 && --sc->depth == 0) {
                *i = k + 1;
                return 1;
            }
            break;
        case '\n':
            r->line++;
            break;
        default:
            if (sc->depth == 0)
                sc->scalar = 1;
        }
        k++;
    }
    *i = k;
    return 0;
}

/* Copies one element into r->rec, refilling as needed. */
static int take_elem(struct rec_reader *r, struct err *e)
{
    struct scan sc = {0, 0, 0, 0};
    size_t start = r->pos, i = r->pos;
    unsigned long line = r->line;
    ssize_t got;
    int rc;

    r->rec_len = 0;
    while (!scan_elem(r, &sc, &i)) {
        rc = rec_append(r, r->buf + start, i - start, e);
        if (rc < 0)
            return rc;
        got = refill(r, e);
        if (got < 0)
            return (int)got;
        if (got == 0)
            return err_set(e, ERR_FORMAT,
                           "%s:%lu: unterminated JSON array (record %lu "
                           "never ends)",
                           r->path, line, r->record + 1);
        start = i = 0;
    }
    r->pos = i;
    return rec_append(r, r->buf + start, i - start, e);
}

static int next_elem(struct rec_reader *r, const char **json, size_t *len,
                     struct rec_loc *loc, struct err *e)
{
    unsigned long line;
    int rc;
    char c;

    for (;;) {
        rc = skip_blank(r, e);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            if (r->arr == ARR_DONE)
                return 0;
            return err_set(e, ERR_FORMAT,
                           "%s:%lu: unterminated JSON array (no closing "
                           "']')",
                           r->path, r->line);
        }
        c = r->buf[r->pos];
        if (r->arr == ARR_DONE)
            return err_set(e, ERR_FORMAT,
                           "%s:%lu: data after the end of the JSON array",
                           r->path, r->line);
        if (r->arr == ARR_AFTER && (c == ',' || c == ']')) {
            r->arr = c == ',' ? ARR_ELEM : ARR_DONE;
            r->pos++;
            continue;
        }
        if (r->arr == ARR_AFTER)
            return err_set(e, ERR_FORMAT,
                           "%s:%lu: expected ',' or ']' after record %lu",
                           r->path, r->line, r->record);
        if (r->arr == ARR_FIRST && c == ']') {
            r->arr = ARR_DONE;
            r->pos++;
            continue;
        }
        break;
    }
    line = r->line;
    rc = take_elem(r, e);
    if (rc < 0)
        return rc;
    r->arr = ARR_AFTER;
    r->record++;
    loc->line = line;
    loc->record = r->record;
    *json = r->rec;
    *len = r->rec_len;
    return 1;
}

int rec_reader_next(struct rec_reader *r, const char **json, size_t *len,
                    struct rec_loc *loc, struct err *e)
{
    struct err local;
    int rc;

    /* A private record keeps the sticky code right even when e already
     * holds an earlier error of the caller. */
    err_clear(&local);
    *json = NULL;
    *len = 0;
    loc->file = r->path;
    loc->line = 0;
    loc->record = 0;
    loc->array = r->mode == MODE_ARRAY;
    if (r->failed)
        return err_set(e, r->failed, "%s: reading stopped after an error",
                       r->path);
    rc = 0;
    if (r->mode == MODE_UNKNOWN)
        rc = detect(r, &local);
    if (rc == 0) {
        loc->array = r->mode == MODE_ARRAY;
        if (r->mode == MODE_ARRAY)
            rc = next_elem(r, json, len, loc, &local);
        else
            rc = next_line(r, json, len, loc, &local);
    }
    if (rc < 0) {
        r->failed = local.code ? local.code : rc;
        return err_set(e, r->failed, "%s", local.msg);
    }
    return rc;
}

void rec_reader_progress(const struct rec_reader *r, size_t *in_read,
                         size_t *in_total)
{
    if (in_read)
        *in_read = r->in_read;
    if (in_total)
        *in_total = r->in_total;
}

size_t rec_reader_bytes_out(const struct rec_reader *r)
{
    return r->out_used - (r->len - r->pos);
}

void rec_reader_free(struct rec_reader *r)
{
    if (!r)
        return;
    if (r->z_init)
        inflateEnd(&r->zs);
    if (r->fd >= 0)
        close(r->fd);
    free(r->rec);
    free(r->buf);
    free(r->in);
    free(r->path);
    free(r);
}
