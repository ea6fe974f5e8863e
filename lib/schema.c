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
    return o;
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
