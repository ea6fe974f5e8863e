/*
 * Finding a crawl's files on disk (our layout or the Papers With Code
 * dump) and the repository key both joins use. Files are recognised by
 * name only; their contents are checked when they are read.
 */
#include "crawl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const pwc_papers[] = {"papers-with-abstracts.json.gz",
                                         "papers-with-abstracts.json"};
static const char *const our_links[] = {"links.jsonl.gz", "links.jsonl"};
static const char *const pwc_links[] = {"links-between-papers-and-code.json.gz",
                                        "links-between-papers-and-code.json"};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Our papers: papers.jsonl.gz or parts like papers-00.jsonl.gz. */
static int is_our_papers(const char *name)
{
    return strncmp(name, "papers", 6) == 0 &&
           (ends_with(name, ".jsonl.gz") || ends_with(name, ".jsonl"));
}

/* Orders digit runs by value, so papers-10 follows papers-9. */
static int natural_cmp(const char *a, const char *b)
{
    size_t na, nb;
    int c;

    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
            for (na = 0; isdigit((unsigned char)a[na]); na++)
                ;
            for (nb = 0; isdigit((unsigned char)b[nb]); nb++)
                ;
            if (na != nb)
                return na < nb ? -1 : 1;
            c = strncmp(a, b, na);
            if (c)
                return c;
            a += na;
            b += nb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int cmp_paths(const void *x, const void *y)
{
    return natural_cmp(*(char *const *)x, *(char *const *)y);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* 1 when dir/name is a regular file (following links), else 0. */
static int is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* First of the candidate names that exists in dir, or NULL in *out. */
static int find_first(const char *dir, const char *const *names, size_t n,
                      char **out, struct err *e)
{
    size_t i;

    *out = NULL;
    for (i = 0; i < n; i++) {
        *out = join(dir, names[i]);
        if (!*out)
            return err_set(e, ERR_NOMEM, "%s: out of memory", dir);
        if (is_file(*out))
            return 0;
        free(*out);
        *out = NULL;
    }
    return 0;
}

static int add_path(struct crawl_files *cf, size_t *cap, char *path)
{
    char **grown;

    if (cf->n_papers == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        grown = realloc(cf->papers, *cap * sizeof(*grown));
        if (!grown)
            return ERR_NOMEM;
        cf->papers = grown;
    }
    cf->papers[cf->n_papers++] = path;
    return 0;
}

/* Our papers files, sorted. */
static int list_our_papers(const char *dir, struct crawl_files *cf,
                           struct err *e)
{
    struct dirent *de;
    size_t cap = 0;
    char *path;
    DIR *d;
    int rc = 0;

    d = opendir(dir);
    if (!d)
        return err_set(
            e, errno == ENOENT || errno == ENOTDIR ? ERR_NOTFOUND : ERR_IO,
            "%s: %s", dir, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (!is_our_papers(de->d_name))
            continue;
        path = join(dir, de->d_name);
        if (path && !is_file(path)) {
            free(path);
            continue;
        }
        if (!path || add_path(cf, &cap, path) < 0) {
            free(path);
            rc = err_set(e, ERR_NOMEM, "%s: out of memory", dir);
            break;
        }
    }
    closedir(d);
    if (rc == 0 && cf->n_papers > 1)
        qsort(cf->papers, cf->n_papers, sizeof(*cf->papers), cmp_paths);
    return rc;
}

static int find_readmes(const char *dir, struct crawl_files *cf, struct err *e)
{
    cf->readme_dir = join(dir, "readmes");
    if (!cf->readme_dir)
        return err_set(e, ERR_NOMEM, "%s: out of memory", dir);
    if (!is_dir(cf->readme_dir)) {
        free(cf->readme_dir);
        cf->readme_dir = NULL;
        return 0;
    }
    cf->readme_index = join(cf->readme_dir, "index.jsonl");
    if (!cf->readme_index)
        return err_set(e, ERR_NOMEM, "%s: out of memory", dir);
    if (!is_file(cf->readme_index)) {
        free(cf->readme_index);
        cf->readme_index = NULL;
    }
    return 0;
}

int crawl_discover(const char *dir, struct crawl_files *cf, struct err *e)
{
    char *path = NULL;
    size_t cap = 0;
    int rc;

    memset(cf, 0, sizeof(*cf));
    rc = list_our_papers(dir, cf, e);
    if (rc == 0 && cf->n_papers == 0) {
        rc = find_first(dir, pwc_papers, 2, &path, e);
        if (rc == 0 && path && add_path(cf, &cap, path) < 0) {
            free(path);
            rc = err_set(e, ERR_NOMEM, "%s: out of memory", dir);
        }
    }
    if (rc == 0 && cf->n_papers == 0)
        rc = err_set(e, ERR_NOTFOUND,
                     "%s: no papers file (papers*.jsonl.gz or "
                     "papers-with-abstracts.json[.gz])",
                     dir);
    if (rc == 0)
        rc = find_first(dir, our_links, 2, &cf->links, e);
    if (rc == 0 && !cf->links)
        rc = find_first(dir, pwc_links, 2, &cf->links, e);
    if (rc == 0)
        rc = find_readmes(dir, cf, e);
    if (rc < 0)
        crawl_files_fini(cf);
    return rc;
}

void crawl_files_fini(struct crawl_files *cf)
{
    size_t i;

    if (!cf)
        return;
    for (i = 0; i < cf->n_papers; i++)
        free(cf->papers[i]);
    free(cf->papers);
    free(cf->links);
    free(cf->readme_index);
    free(cf->readme_dir);
    memset(cf, 0, sizeof(*cf));
}

/* Skips "scheme://", "user@" and an scp-like "git@host:" prefix. */
static const char *skip_scheme(const char *s, const char **end_host)
{
    const char *p = strstr(s, "://");
    const char *at, *colon, *slash;

    *end_host = NULL;
    if (p) {
        s = p + 3;
    } else {
        /* git@github.com:owner/name.git */
        at = strchr(s, '@');
        colon = strchr(s, ':');
        slash = strchr(s, '/');
        if (at && colon && at < colon && (!slash || colon < slash)) {
            *end_host = colon;
            return at + 1;
        }
    }
    at = strchr(s, '@');
    slash = strchr(s, '/');
    if (at && (!slash || at < slash))
        s = at + 1;
    return s;
}

static int put(char *out, size_t size, size_t *n, char c)
{
    if (*n + 1 >= size)
        return ERR_USAGE;
    out[(*n)++] = (char)tolower((unsigned char)c);
    return 0;
}

/* On github.com a repository is owner/name; deeper paths (/tree/...) and
 * repeated slashes are cut. */
static void cut_github(char *out, size_t *n)
{
    size_t i, seen = 0;

    if (strncmp(out, "github.com/", 11) != 0)
        return;
    for (i = 11; i < *n; i++) {
        if (out[i] == '/' && ++seen == 2) {
            *n = i;
            break;
        }
    }
}

int repo_key(const char *url, char *out, size_t out_size)
{
    const char *s, *end, *host_end;
    size_t n = 0;

    if (out_size == 0)
        return ERR_USAGE;
    while (isspace((unsigned char)*url))
        url++;
    s = skip_scheme(url, &host_end);
    if (strncasecmp(s, "www.", 4) == 0)
        s += 4;
    end = s + strcspn(s, "?# \t\r\n");
    for (; s < end; s++) {
        /* Doubled slashes would make two keys of one repository. */
        if (*s == '/' && n > 0 && out[n - 1] == '/')
            continue;
        if (put(out, out_size, &n, s == host_end ? '/' : *s) < 0) {
            out[0] = '\0';
            return ERR_USAGE;
        }
    }
    out[n] = '\0';
    cut_github(out, &n);
    for (;;) {
        while (n > 0 && out[n - 1] == '/')
            n--;
        if (n >= 4 && strncmp(out + n - 4, ".git", 4) == 0)
            n -= 4;
        else
            break;
    }
    out[n] = '\0';
    return 0;
}
