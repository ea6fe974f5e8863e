/*
 * UTF-8 validation and repair. Decoding is utf8proc's; this file only
 * decides how much of a broken sequence one U+FFFD replaces. It knows
 * nothing about normalisation or case (see fold.c).
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char replacement[] = "\xEF\xBF\xBD";

/*
 * Length of the valid-looking prefix of a broken sequence starting at s,
 * so that one U+FFFD stands for the maximal subpart of an ill-formed
 * sequence (the Unicode recommendation): "\xE2\x82" followed by "A" is one
 * replacement, not two. Always at least 1.
 */
static size_t broken_len(const unsigned char *s, size_t len)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        need = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        need = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        need = 4;
    else
        return 1;

    /* The second byte's range excludes overlongs and surrogates. */
    if (s[0] == 0xE0)
        lo = 0xA0;
    else if (s[0] == 0xED)
        hi = 0x9F;
    else if (s[0] == 0xF0)
        lo = 0x90;
    else if (s[0] == 0xF4)
        hi = 0x8F;

    for (i = 1; i < need && i < len; i++) {
        if (s[i] < lo || s[i] > hi)
            break;
        lo = 0x80;
        hi = 0xBF;
    }
    return i;
}

/*
 * Length of the valid UTF-8 sequence at s, or 0 when it is broken or is
 * a NUL byte. ASCII is decided here because it is nearly all our input.
 */
static size_t valid_len(const unsigned char *s, size_t len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;

    if (s[0] < 0x80)
        return s[0] != 0;
    n = utf8proc_iterate(s, (utf8proc_ssize_t)len, &cp);
    return n > 0 ? (size_t)n : 0;
}

int text_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n;

    while (i < len) {
        n = valid_len(p + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

/*
 * Writes the repaired form of s to out (when out is not NULL) and returns
 * its length, so the caller can size the buffer exactly with a dry run.
 */
static size_t repair_into(const unsigned char *p, size_t len, char *out)
{
    size_t i = 0, o = 0, n;

    while (i < len) {
        n = valid_len(p + i, len - i);
        if (n > 0) {
            if (out)
                memcpy(out + o, p + i, n);
            o += n;
            i += n;
        } else {
            if (out)
                memcpy(out + o, replacement, 3);
            o += 3;
            i += broken_len(p + i, len - i);
        }
    }
    return o;
}

char *text_utf8_repair(const char *s, size_t len, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = repair_into(p, len, NULL);
    char *out = malloc(n + 1);

    if (!out)
        return NULL;
    repair_into(p, len, out);
    out[n] = '\0';
    if (out_len)
        *out_len = n;
    return out;
}
