/*
 * Filter-term spelling shared by index and query time: the same folding
 * on both sides is what makes "--framework PyTorch" find "pytorch".
 */
#include "schema.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *const schema_field_prefix[N_FIELDS] = {
    [FIELD_TITLE] = PFX_TITLE,   [FIELD_AUTHORS] = PFX_AUTHOR,
    [FIELD_TASKS] = PFX_TASK,    [FIELD_VENUE] = PFX_VENUE,
    [FIELD_README] = PFX_README, [FIELD_ABSTRACT] = PFX_ABSTRACT,
};

const char *const schema_field_key[N_FIELDS] = {
    [FIELD_TITLE] = "weight_title",   [FIELD_AUTHORS] = "weight_authors",
    [FIELD_TASKS] = "weight_tasks",   [FIELD_VENUE] = "weight_venue",
    [FIELD_README] = "weight_readme", [FIELD_ABSTRACT] = "weight_abstract",
};

void schema_field_weights(const struct config *c, unsigned w[N_FIELDS])
{
    w[FIELD_TITLE] = c->weight_title;
    w[FIELD_AUTHORS] = c->weight_authors;
    w[FIELD_TASKS] = c->weight_tasks;
    w[FIELD_VENUE] = c->weight_venue;
    w[FIELD_README] = c->weight_readme;
    w[FIELD_ABSTRACT] = c->weight_abstract;
}

int schema_write_weights(xs_wdb *db, const struct config *c, struct err *e)
{
    unsigned w[N_FIELDS];
    char buf[16];
    int rc = 0;

    schema_field_weights(c, w);
    for (int f = 0; f < N_FIELDS && rc == 0; f++) {
        snprintf(buf, sizeof(buf), "%u", w[f]);
        rc = xs_wdb_set_metadata(db, schema_field_key[f], buf, e);
    }
    return rc;
}

int schema_check_weights(xs_wdb *db, const struct config *c,
                         const char *path, struct err *e)
{
    unsigned w[N_FIELDS];
    char *v = NULL, want[16];
    int rc = 0;

    schema_field_weights(c, w);
    for (int f = 0; f < N_FIELDS && rc == 0; f++) {
        rc = xs_wdb_get_metadata(db, schema_field_key[f], &v, e);
        snprintf(want, sizeof(want), "%u", w[f]);
        if (rc == 0 && strcmp(v, want) != 0)
            rc = err_set(e, ERR_USAGE,
                         "%s was built with %s = %s and the config says %s: "
                         "rebuild it with 'pwc-index build', or set the "
                         "config back",
                         path, schema_field_key[f], *v ? v : "(none)", want);
        free(v);
        v = NULL;
    }
    return rc;
}

int schema_declare_fields(xs_db *db, unsigned max_expansion, struct err *e)
{
    const char *others[N_FIELDS];
    unsigned w[N_FIELDS], ow[N_FIELDS];
    size_t n = 0;
    int rc = 0;

    for (int f = 0; f < N_FIELDS && rc == 0; f++) {
        char *v = NULL;
        rc = xs_db_get_metadata(db, schema_field_key[f], &v, e);
        if (rc == 0 && !*v)
            rc = err_set(e, ERR_FORMAT,
                         "the index records no %s: rebuild it with "
                         "'pwc-index build'",
                         schema_field_key[f]);
        w[f] = rc == 0 ? (unsigned)strtoul(v, NULL, 10) : 0;
        free(v);
    }
    if (rc < 0)
        return rc;
    for (int f = 0; f < N_FIELDS; f++)
        if (f != FIELD_IMPLICIT) {
            others[n] = schema_field_prefix[f];
            ow[n++] = w[f];
        }
    return xs_db_set_implicit_field(db, schema_field_prefix[FIELD_IMPLICIT],
                                    w[FIELD_IMPLICIT], others, ow, n,
                                    max_expansion, e);
}

size_t schema_filter_term(const char *prefix, const char *value, char *buf,
                          size_t cap)
{
    char *folded = NULL;
    size_t flen = 0, plen = strlen(prefix), o, start, end, i;

    if (cap < TERM_MAX + 1 || !value)
        return 0;
    if (text_fold(value, strlen(value), &folded, &flen, NULL) < 0)
        return 0;
    start = 0;
    end = flen;
    while (start < end && isspace((unsigned char)folded[start]))
        start++;
    while (end > start && isspace((unsigned char)folded[end - 1]))
        end--;
    if (start == end) {
        free(folded);
        return 0;
    }
    memcpy(buf, prefix, plen);
    o = plen;
    for (i = start; i < end && o < TERM_MAX; i++)
        buf[o++] = (char)tolower((unsigned char)folded[i]);
    /* Never cut a UTF-8 sequence in half. */
    if (i < end)
        while (o > plen && ((unsigned char)folded[i] & 0xC0) == 0x80) {
            o--;
            i--;
        }
    buf[o] = '\0';
    free(folded);
    /* Papers With Code spells TensorFlow "tf"; people spell it out. */
    if (strcmp(prefix, PFX_FRAMEWORK) == 0 &&
        strcmp(buf + plen, "tensorflow") == 0) {
        strcpy(buf + plen, "tf");
        o = plen + 2;
    }
    return o;
}

int schema_filter_list(const char *prefix, const char *list,
                       filter_value_fn fn, void *ctx)
{
    char *copy = list ? strdup(list) : NULL, *save = NULL;
    char term[TERM_MAX + 1];
    size_t seen = 0;
    int rc = 0;

    if (list && !copy)
        return ERR_NOMEM;
    for (char *v = copy ? strtok_r(copy, ",", &save) : NULL;
         v && seen < FILTER_LIST_MAX && rc == 0;
         v = strtok_r(NULL, ",", &save)) {
        if (schema_filter_term(prefix, v, term, sizeof(term)) == 0)
            continue;
        seen++;
        rc = fn(ctx, v, term);
    }
    free(copy);
    return rc;
}

void schema_venue_name(const char *proceeding, char *buf, size_t cap)
{
    size_t n = proceeding ? strlen(proceeding) : 0;

    /* Drop a trailing year: "NeurIPS 2022" -> "NeurIPS". */
    if (n > 5 && proceeding[n - 5] == ' ' &&
        isdigit((unsigned char)proceeding[n - 4]) &&
        isdigit((unsigned char)proceeding[n - 1]))
        n -= 5;
    snprintf(buf, cap, "%.*s", (int)n, proceeding ? proceeding : "");
}

int schema_check(const char *version, const char *path, struct err *e)
{
    if (version && strcmp(version, SCHEMA_VERSION) == 0)
        return 0;
    return err_set(e, ERR_FORMAT,
                   "%s: index layout version %s, this program reads version "
                   "%s; rebuild it with 'pwc-index build'",
                   path, version && *version ? version : "unknown",
                   SCHEMA_VERSION);
}

const char *const schema_positionless[] = {PFX_ABSTRACT, PFX_README, NULL};
const char *const schema_unmarked_prefixes[] = {PFX_TITLE_KEY, NULL};

int schema_field_positions(const char *prefix)
{
    for (size_t i = 0; schema_positionless[i]; i++)
        if (strcmp(prefix, schema_positionless[i]) == 0)
            return 0;
    return 1;
}
