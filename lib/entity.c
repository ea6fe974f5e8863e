/*
 * HTML character references: numeric ones, the named ones READMEs use
 * (markup, typography, arrows, a little maths) and accented Latin letters
 * built from a base letter and a combining mark. Other names are left to
 * the caller, which keeps them as text.
 */
#include "text.h"

#include <string.h>
#include <utf8proc.h>

#define ENTITY_MAX_NAME 8

struct named {
    const char *name;
    const char *utf8;
};

/* Sorted only for the reader; the list is short enough to scan. */
static const struct named names[] = {
    {"AElig", "\xC3\x86"},
    {"Dagger", "\xE2\x80\xA1"},
    {"aelig", "\xC3\xA6"},
    {"amp", "&"},
    {"apos", "'"},
    {"bull", "\xE2\x80\xA2"},
    {"copy", "\xC2\xA9"},
    {"dagger", "\xE2\x80\xA0"},
    {"darr", "\xE2\x86\x93"},
    {"deg", "\xC2\xB0"},
    {"divide", "\xC3\xB7"},
    {"emsp", " "},
    {"ensp", " "},
    {"euro", "\xE2\x82\xAC"},
    {"ge", "\xE2\x89\xA5"},
    {"gt", ">"},
    {"harr", "\xE2\x86\x94"},
    {"hellip", "\xE2\x80\xA6"},
    {"infin", "\xE2\x88\x9E"},
    {"larr", "\xE2\x86\x90"},
    {"laquo", "\xC2\xAB"},
    {"ldquo", "\xE2\x80\x9C"},
    {"le", "\xE2\x89\xA4"},
    {"lsquo", "\xE2\x80\x98"},
    {"lt", "<"},
    {"mdash", "\xE2\x80\x94"},
    {"micro", "\xC2\xB5"},
    {"middot", "\xC2\xB7"},
    {"nbsp", " "},
    {"ndash", "\xE2\x80\x93"},
    {"ne", "\xE2\x89\xA0"},
    {"oslash", "\xC3\xB8"},
    {"para", "\xC2\xB6"},
    {"plusmn", "\xC2\xB1"},
    {"quot", "\""},
    {"raquo", "\xC2\xBB"},
    {"rarr", "\xE2\x86\x92"},
    {"rdquo", "\xE2\x80\x9D"},
    {"reg", "\xC2\xAE"},
    {"rsquo", "\xE2\x80\x99"},
    {"sect", "\xC2\xA7"},
    {"space", " "},
    {"szlig", "\xC3\x9F"},
    {"thinsp", " "},
    {"times", "\xC3\x97"},
    {"trade", "\xE2\x84\xA2"},
    {"uarr", "\xE2\x86\x91"},
    {"zwj", ""},
    {"zwnj", ""},
};

/* "&uuml;" is 'u' with this mark; utf8proc composes the pair. */
static const struct {
    const char *suffix;
    utf8proc_int32_t mark;
} accents[] = {
    {"grave", 0x300}, {"acute", 0x301}, {"circ", 0x302},  {"tilde", 0x303},
    {"uml", 0x308},   {"ring", 0x30A},  {"caron", 0x30C}, {"cedil", 0x327},
};

static int is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int digit_value(unsigned char c, int hex)
{
    if (!hex)
        return c >= '0' && c <= '9' ? c - '0' : -1;
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

/*
 * Encodes cp for text: what cannot be a character becomes U+FFFD and
 * control characters a space, so a reference never smuggles in bytes
 * that plain text would not have.
 */
static size_t encode(utf8proc_int32_t cp, char *out)
{
    utf8proc_category_t cat;

    if (cp == 0 || !utf8proc_codepoint_valid(cp))
        cp = 0xFFFD;
    cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_CC)
        cp = ' ';
    return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
}

/* "&#233;" or "&#xE9;": returns the bytes spanned, 0 if malformed. */
static size_t numeric(const unsigned char *s, size_t len, char *out,
                      size_t *out_n)
{
    int hex = len > 2 && (s[2] | 0x20) == 'x';
    size_t i = hex ? 3 : 2, start = i;
    utf8proc_int32_t cp = 0;
    int d;

    for (; i < len && i - start < 8; i++) {
        d = digit_value(s[i], hex);
        if (d < 0)
            break;
        /* Clamped: anything past U+10FFFF is equally invalid. */
        cp = cp > 0x10FFFF ? cp : cp * (hex ? 16 : 10) + d;
    }
    if (i == start || i >= len || s[i] != ';')
        return 0;
    *out_n = encode(cp, out);
    return i + 1;
}

/* "&eacute;" and friends: a Latin base letter with a known suffix. */
static size_t accented(const unsigned char *name, size_t n, char *out)
{
    utf8proc_int32_t cps[2];
    utf8proc_ssize_t k;
    size_t i, slen;

    for (i = 0; i < sizeof(accents) / sizeof(accents[0]); i++) {
        slen = strlen(accents[i].suffix);
        if (n != slen + 1 || memcmp(name + 1, accents[i].suffix, slen) != 0)
            continue;
        cps[0] = name[0];
        cps[1] = accents[i].mark;
        k = utf8proc_normalize_utf32(cps, 2,
                                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (k == 1)
            return encode(cps[0], out);
        /* No precomposed letter: keep the pair, folding strips the mark. */
        slen = encode(cps[0], out);
        return slen + encode(cps[1], out + slen);
    }
    return 0;
}

size_t text_entity_decode(const char *s, size_t len, char out[8], size_t *out_n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 1, i, k;

    if (len < 3 || u[0] != '&')
        return 0;
    if (u[1] == '#')
        return numeric(u, len, out, out_n);

    while (n < len && n <= ENTITY_MAX_NAME && is_alpha(u[n]))
        n++;
    if (n == 1 || n >= len || u[n] != ';')
        return 0;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i].name) == n - 1 &&
            memcmp(names[i].name, u + 1, n - 1) == 0) {
            *out_n = strlen(names[i].utf8);
            memcpy(out, names[i].utf8, *out_n);
            return n + 1;
        }
    }
    k = accented(u + 1, n - 1, out);
    if (k == 0)
        return 0;
    *out_n = k;
    return n + 1;
}
