/*
 * Error record helpers. No global state: each caller owns its struct err,
 * which keeps the threaded daemon free of shared error buffers.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

void err_clear(struct err *e)
{
    if (e) {
        e->code = ERR_OK;
        e->msg[0] = '\0';
    }
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
    va_list ap;

    if (!e || e->code != ERR_OK)
        return code;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return code;
}

const char *err_name(int code)
{
    switch (code) {
    case ERR_OK:
        return "ok";
    case ERR_NOMEM:
        return "nomem";
    case ERR_IO:
        return "io";
    case ERR_FORMAT:
        return "format";
    case ERR_USAGE:
        return "usage";
    case ERR_NOTFOUND:
        return "notfound";
    case ERR_LOCKED:
        return "locked";
    case ERR_MODIFIED:
        return "modified";
    case ERR_XAPIAN:
        return "xapian";
    default:
        return "internal";
    }
}
