/*
 * Error codes and the caller-owned error record every fallible function
 * fills. The first error set wins, so a failure deep in a call chain keeps
 * its precise message while callers add nothing that hides it.
 */
#ifndef PWC_ERR_H
#define PWC_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
    ERR_OK       = 0,
    ERR_NOMEM    = -1,  /* allocation failed */
    ERR_IO       = -2,  /* a file could not be read or written */
    ERR_FORMAT   = -3,  /* input is malformed (record, config, gzip) */
    ERR_USAGE    = -4,  /* caller or user passed a bad argument */
    ERR_NOTFOUND = -5,  /* a looked-up document, file or key is absent */
    ERR_LOCKED   = -6,  /* another writer holds the index */
    ERR_MODIFIED = -7,  /* the database changed under a reader: reopen */
    ERR_XAPIAN   = -8,  /* any other error reported by Xapian */
    ERR_INTERNAL = -9   /* a broken invariant or unexpected exception */
};

struct err {
    int code;
    char msg[256];
};

/* Resets e to "no error". */
void err_clear(struct err *e);

/*
 * Records code and a printf-style message unless e already holds an error.
 * Returns code, so callers can write "return err_set(e, ERR_IO, ...);".
 * e may be NULL, in which case only the code is returned.
 */
int err_set(struct err *e, int code, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A short fixed name for a code ("io", "format", ...). */
const char *err_name(int code);

#ifdef __cplusplus
}
#endif

#endif
