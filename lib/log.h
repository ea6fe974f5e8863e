/*
 * One line per event on stderr, as key=value fields after a timestamp,
 * level and component. Only programs log (indexer, searchd, cli); the
 * library returns errors instead. The level is checked before any
 * formatting, so disabled debug lines cost one comparison.
 */
#ifndef PWC_LOG_H
#include <stddef.h>
#define PWC_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Sets the component name and the lowest level written. Not thread-safe:
 * call once at start-up. */
void log_init(const char *component, enum log_level min);
/* Parses "debug", "info", "warn", "error" or "off"; -1 if unknown. */
int log_level_parse(const char *name);
extern enum log_level log_min_level;

/* Writes "ts=... level=... comp=... event=<event> <fields>" where fields
 * is printf-formatted. Safe to call from several threads. */
void log_write(enum log_level lvl, const char *event, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define LOG_AT(lvl, event, ...)                                              \
    do {                                                                     \
        if ((lvl) >= log_min_level)                                          \
            log_write((lvl), (event), __VA_ARGS__);                          \
    } while (0)

#define log_debug(event, ...) LOG_AT(LOG_DEBUG, event, __VA_ARGS__)
#define log_info(event, ...)  LOG_AT(LOG_INFO, event, __VA_ARGS__)
#define log_warn(event, ...)  LOG_AT(LOG_WARN, event, __VA_ARGS__)
#define log_error(event, ...) LOG_AT(LOG_ERROR, event, __VA_ARGS__)

/*
 * Writes s into buf (of size cap) as a double-quoted log
 * value, escaping quotes, backslashes and control bytes and cutting it at
 * max bytes, so a user's query can never break a log line.
 */
void log_quote(char *buf, size_t cap, const char *s, size_t max);

#endif
