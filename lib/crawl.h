/*
 * Reading a crawl: records from JSON Lines or JSON arrays, plain or gzip,
 * streamed one record at a time so memory stays bounded by the largest
 * record, and decoded into papers, links and README entries. Two layouts are
 * understood: ours (papers*.jsonl.gz, links.jsonl.gz, readmes/index.jsonl)
 * and the Papers With Code dump (papers-with-abstracts.json[.gz],
 * links-between-papers-and-code.json[.gz]).
 */
#ifndef PWC_CRAWL_H
#define PWC_CRAWL_H

#include <stddef.h>

#include "err.h"

/* Where a record came from, for error messages: "file:line" for JSON
 * Lines, "file: record N" for arrays. */
struct rec_loc {
    const char *file; /* borrowed from the reader */
    unsigned long line;   /* 1-based line of the record's start */
    unsigned long record; /* 1-based record number in the file */
    int array;            /* 1 when the record is a JSON array element */
};

/* Writes "file:line" or "file: record N" (arrays) into buf, for messages
 * of callers that decode records themselves. loc may be NULL. */
void rec_loc_format(const struct rec_loc *loc, char *buf, size_t size);

struct rec_reader;

/*
 * Opens path (gzip detected by its magic bytes, not its name). The layout,
 * JSON Lines or one JSON array of objects, is detected from the first
 * non-blank byte. ERR_IO names the file.
 */
int rec_reader_open(const char *path, struct rec_reader **out,
                    struct err *e);
/*
 * Reads the next record's JSON text (NUL-terminated, valid until the next
 * call). Returns 1 with a record, 0 at the end, or a negative code: ERR_IO
 * or ERR_FORMAT (truncated gzip, unterminated array) naming file and line.
 * A record that is not even balanced JSON is still returned: the decoder
 * reports it.
 */
int rec_reader_next(struct rec_reader *r, const char **json, size_t *len,
                    struct rec_loc *loc, struct err *e);
/* For progress and ETA: bytes of the file read so far (compressed bytes
 * for gzip) and the file's size (0 when unknown, e.g. a pipe). */
void rec_reader_progress(const struct rec_reader *r, size_t *in_read,
                         size_t *in_total);
/* Uncompressed bytes consumed so far. */
size_t rec_reader_bytes_out(const struct rec_reader *r);
void rec_reader_free(struct rec_reader *r);

/* Tri-state for values a crawl may not know. */
enum tri { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

struct paper {
    char *id;       /* crawl id (our "id", or the slug of PwC paper_url) */
    char *arxiv_id; /* canonical (arxiv_normalize), or NULL */
    char *title;
    char *abstract; /* NULL when absent */
    char **authors;
    size_t n_authors;
    char **tasks;
    size_t n_tasks;
    char *date;  /* "YYYY-MM-DD" or NULL */
    int year;    /* from "year", else from date, else 0 */
    char *venue; /* "proceeding", e.g. "CVPR 2019", or NULL */
    char *url_abs;
    char *url_pdf;
    /* What was read but not kept, for a warning ("field 'date': ..."),
     * or NULL: the record itself is still indexed. */
    char *dropped;
};

struct link {
    char *paper_id;       /* crawl id or slug of paper_url, may be NULL */
    char *paper_arxiv_id; /* canonical, or NULL */
    char *repo_url;
    enum tri official;
    char *framework; /* NULL when unknown */
    long stars;      /* -1 when unknown */
};

/*
 * Decode one record. All strings are repaired UTF-8, malloc'd and owned by
 * the struct (free with *_fini). A record missing a required field (paper:
 * id or paper_url, and title; link: repo_url and a paper reference) or with
 * a field of the wrong type fails with ERR_FORMAT naming the field; loc is
 * used in the message.
 */
int paper_from_json(const char *json, size_t len, const struct rec_loc *loc,
                    struct paper *p, struct err *e);
void paper_fini(struct paper *p);
int link_from_json(const char *json, size_t len, const struct rec_loc *loc,
                   struct link *l, struct err *e);
void link_fini(struct link *l);

/* What a crawl directory holds. Paths are malloc'd. */
struct crawl_files {
    char **papers; /* sorted; several parts possible */
    size_t n_papers;
    char *links;        /* NULL if absent */
    char *readme_index; /* readmes/index.jsonl, NULL if absent */
    char *readme_dir;   /* readmes/, NULL if absent */
};

/* Finds the files of either layout in dir. ERR_NOTFOUND when there is no
 * papers file. */
int crawl_discover(const char *dir, struct crawl_files *cf, struct err *e);
void crawl_files_fini(struct crawl_files *cf);

/*
 * Normalised repository key for joining links and READMEs: host and path
 * lower-cased, no scheme, no trailing ".git" or "/" ("github.com/a/b").
 * Writes into out; returns 0 or ERR_USAGE if it does not fit.
 */
int repo_key(const char *url, char *out, size_t out_size);

#endif
