/*
 * Config file parsing. The format is deliberately tiny (key = value,
 * '#' comments) so it needs no library and every error can name its line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PWC_DEFAULT_CONFIG
#define PWC_DEFAULT_CONFIG ""
#endif

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->index, sizeof(c->index), "var/index");
    snprintf(c->language, sizeof(c->language), "english");
    c->threads = 0;
    c->weight_title = 6;
    c->weight_abstract = 2;
    c->weight_authors = 3;
    c->weight_tasks = 3;
    c->weight_venue = 1;
    c->weight_readme = 1;
    c->readme_max_bytes = 32768;
    snprintf(c->listen, sizeof(c->listen), "127.0.0.1");
    c->port = 8080;
    c->http_threads = 0;
    c->max_limit = 100;
    c->max_offset = 10000;
    c->max_query_bytes = 2048;
    c->max_query_terms = 64;
    c->max_query_wildcards = 4;
    c->max_wildcard_expansion = 100;
    c->max_connections = 1024;
    c->connection_timeout_s = 10;
    c->reload_check_ms = 250;
    snprintf(c->log_level, sizeof(c->log_level), "info");
}

const char *config_default_path(void)
{
    const char *env = getenv("PWC_CONFIG");

    if (env && *env)
        return env;
    if (PWC_DEFAULT_CONFIG[0] && access(PWC_DEFAULT_CONFIG, R_OK) == 0)
        return PWC_DEFAULT_CONFIG;
    return NULL;
}

static char *trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long n;

    if (!isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    n = strtoul(v, &end, 10);
    if (errno || *end || n > max)
        return -1;
    *out = n;
    return 0;
}

/* Resolves a relative path against the directory of the config file. */
static int set_path(char *dst, size_t cap, const char *cfg_path,
                    const char *v)
{
    const char *slash = strrchr(cfg_path, '/');
    int n;

    if (v[0] == '/' || !slash)
        n = snprintf(dst, cap, "%s", v);
    else
        n = snprintf(dst, cap, "%.*s/%s", (int)(slash - cfg_path), cfg_path,
                     v);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int set_string(char *dst, size_t cap, const char *v)
{
    int n = snprintf(dst, cap, "%s", v);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

struct uint_key {
    const char *name;
    size_t offset;
    size_t size;
    unsigned long max;
};

#define UKEY(field, max)                                                     \
    {#field, offsetof(struct config, field),                                 \
     sizeof(((struct config *)0)->field), max}

static const struct uint_key uint_keys[] = {
    UKEY(threads, 64),
    UKEY(weight_title, 100),
    UKEY(weight_abstract, 100),
    UKEY(weight_authors, 100),
    UKEY(weight_tasks, 100),
    UKEY(weight_venue, 100),
    UKEY(weight_readme, 100),
    UKEY(readme_max_bytes, 1UL << 30),
    UKEY(port, 65535),
    UKEY(http_threads, 256),
    UKEY(max_limit, 10000),
    UKEY(max_offset, 1000000),
    UKEY(max_query_bytes, 1UL << 20),
    UKEY(max_query_terms, 10000),
    UKEY(max_query_wildcards, 1000),
    UKEY(max_wildcard_expansion, 100000),
    UKEY(max_connections, 100000),
    UKEY(connection_timeout_s, 3600),
    UKEY(reload_check_ms, 60000),
};

static int set_uint_key(struct config *c, const char *key, const char *v,
                        int *found)
{
    for (size_t i = 0; i < sizeof(uint_keys) / sizeof(uint_keys[0]); i++) {
        const struct uint_key *k = &uint_keys[i];
        unsigned long n;
        char *field = (char *)c + k->offset;

        if (strcmp(key, k->name) != 0)
            continue;
        *found = 1;
        if (parse_uint(v, k->max, &n) < 0)
            return -1;
        if (k->size == sizeof(int))
            *(int *)field = (int)n;
        else
            *(size_t *)field = (size_t)n;
        return 0;
    }
    *found = 0;
    return 0;
}

static int set_key(struct config *c, const char *path, const char *key,
                   const char *v)
{
    int found;

    if (strcmp(key, "index") == 0)
        return set_path(c->index, sizeof(c->index), path, v);
    if (strcmp(key, "language") == 0)
        return set_string(c->language, sizeof(c->language), v);
    if (strcmp(key, "listen") == 0)
        return set_string(c->listen, sizeof(c->listen), v);
    if (strcmp(key, "cors_origin") == 0)
        return set_string(c->cors_origin, sizeof(c->cors_origin), v);
    if (strcmp(key, "log_level") == 0)
        return set_string(c->log_level, sizeof(c->log_level), v);
    if (set_uint_key(c, key, v, &found) < 0)
        return -1;
    return found ? 0 : -2;
}

int config_load(const char *path, struct config *c, struct err *e)
{
    char line[4096];
    unsigned long lineno = 0;
    int rc = 0;
    FILE *f = fopen(path, "r");

    if (!f)
        return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
    while (fgets(line, sizeof(line), f)) {
        char *hash, *eq, *key, *val;
        int r;

        lineno++;
        hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        key = trim(line);
        if (!*key)
            continue;
        eq = strchr(key, '=');
        if (!eq) {
            rc = err_set(e, ERR_FORMAT, "%s:%lu: expected 'key = value'",
                         path, lineno);
            break;
        }
        *eq = '\0';
        key = trim(key);
        val = trim(eq + 1);
        r = set_key(c, path, key, val);
        if (r == -2) {
            rc = err_set(e, ERR_FORMAT, "%s:%lu: unknown key '%s'", path,
                         lineno, key);
            break;
        }
        if (r < 0) {
            rc = err_set(e, ERR_FORMAT, "%s:%lu: bad value for '%s': '%s'",
                         path, lineno, key, val);
            break;
        }
    }
    fclose(f);
    if (rc == 0 && c->weight_abstract == 0)
        rc = err_set(e, ERR_FORMAT,
                     "%s: weight_abstract must be at least 1, since "
                     "\"abstract:\" queries are answered from the "
                     "abstract's words among the plain ones",
                     path);
    return rc;
}
