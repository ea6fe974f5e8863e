/*
 * Folding for matching (NFKC, marks and default-ignorables removed, look-
 * alike punctuation lumped, control characters to spaces, case kept) and
 * the title key built on it. All Unicode knowledge is utf8proc's; ASCII,
 * which needs none of it, takes a fast path.
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/*
 * LUMP maps dashes, curly single quotes and odd spaces to ASCII, so that
 * a U+2010 hyphen in "self-attention" matches the ASCII one on both sides.
 * Marks are stripped here rather than by utf8proc's STRIPMARK, which would
 * also drop kana voicing marks and Indic vowel signs and so turn words of
 * those scripts into other words (see is_spelling_mark).
 */
#define FOLD_OPTS                                                              \
    (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |                    \
     UTF8PROC_IGNORE | UTF8PROC_LUMP)

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

/* Code points of one non-ASCII run; small runs stay on the stack. */
struct scratch {
    utf8proc_int32_t local[512];
    utf8proc_int32_t *buf;
    size_t cap;
};

struct outbuf {
    char *p;
    size_t len;
    size_t cap;
};

static void scratch_init(struct scratch *sc)
{
    sc->buf = sc->local;
    sc->cap = sizeof(sc->local) / sizeof(sc->local[0]);
}

static void scratch_fini(struct scratch *sc)
{
    if (sc->buf != sc->local)
        free(sc->buf);
}

static int is_ascii_control(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

/* Runs before utf8proc's own mappings: C1 controls and line separators. */
static utf8proc_int32_t blank_controls(utf8proc_int32_t cp, void *data)
{
    utf8proc_category_t cat = utf8proc_category(cp);

    (void)data;
    if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_ZL ||
        cat == UTF8PROC_CATEGORY_ZP)
        return ' ';
    return cp;
}

/*
 * Marks that spell a different letter or syllable rather than accent one:
 * Brahmic vowel signs and viramas (Devanagari to Sinhala, Thai, Lao,
 * Tibetan, Myanmar, Khmer) and the kana voicing marks (テ and デ are
 * different syllables). Dropping them would merge distinct words.
 */
static int is_spelling_mark(utf8proc_int32_t cp)
{
    return (cp >= 0x0900 && cp <= 0x0DFF) || (cp >= 0x0E00 && cp <= 0x0FFF) ||
           (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1780 && cp <= 0x17FF) ||
           cp == 0x3099 || cp == 0x309A;
}

/* Drops the accent-like marks of a decomposed run; returns the new
 * length. */
static utf8proc_ssize_t strip_marks(utf8proc_int32_t *cps, utf8proc_ssize_t n)
{
    utf8proc_ssize_t o = 0;

    for (utf8proc_ssize_t i = 0; i < n; i++) {
        utf8proc_category_t cat = utf8proc_category(cps[i]);
        if ((cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
             cat == UTF8PROC_CATEGORY_ME) &&
            !is_spelling_mark(cps[i]))
            continue;
        cps[o++] = cps[i];
    }
    return o;
}

/*
 * Folds one run of valid, non-ASCII UTF-8 with opts. Points *out at the
 * UTF-8 result, which lives in sc until the next call, and returns its
 * length, or a negative utf8proc error code.
 */
static utf8proc_ssize_t fold_run(struct scratch *sc, const char *s, size_t len,
                                 utf8proc_option_t opts, const char **out)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t n;
    utf8proc_int32_t *bigger;

    for (;;) {
        n = utf8proc_decompose_custom(u, (utf8proc_ssize_t)len, sc->buf,
                                      (utf8proc_ssize_t)sc->cap, opts,
                                      blank_controls, NULL);
        if (n < 0)
            return n;
        /* Re-encoding in place needs one spare slot for its NUL. */
        if ((size_t)n < sc->cap)
            break;
        bigger = malloc(((size_t)n + 1) * sizeof(*bigger));
        if (!bigger)
            return UTF8PROC_ERROR_NOMEM;
        scratch_fini(sc);
        sc->buf = bigger;
        sc->cap = (size_t)n + 1;
    }
    n = utf8proc_reencode(sc->buf, strip_marks(sc->buf, n), opts);
    *out = (const char *)sc->buf;
    return n;
}

static int out_reserve(struct outbuf *ob, size_t more)
{
    size_t cap = ob->cap;
    char *p;

    if (more < cap - ob->len)
        return 0;
    while (more >= cap - ob->len) {
        if (cap > SIZE_MAX / 2)
            return ERR_NOMEM;
        cap *= 2;
    }
    p = realloc(ob->p, cap);
    if (!p)
        return ERR_NOMEM;
    ob->p = p;
    ob->cap = cap;
    return 0;
}

/* End of the run of bytes at s[i] that are all ASCII or all not. */
static size_t run_end(const unsigned char *s, size_t len, size_t i)
{
    int ascii = s[i] < 0x80;

    while (i < len && (s[i] < 0x80) == ascii)
        i++;
    return i;
}

/*
 * Folds one non-ASCII run and appends it. A broken run is repaired first;
 * splitting at ASCII never cuts a valid sequence, and no ASCII character
 * composes with what precedes it, so runs fold independently.
 */
static int fold_append(struct outbuf *ob, struct scratch *sc, const char *s,
                       size_t len, struct err *e)
{
    char *fixed = NULL;
    const char *res;
    utf8proc_ssize_t n;
    int rc = 0;

    if (!text_utf8_valid(s, len)) {
        fixed = text_utf8_repair(s, len, &len);
        if (!fixed)
            return err_set(e, ERR_NOMEM, "text_fold: out of memory");
        s = fixed;
    }
    n = fold_run(sc, s, len, FOLD_OPTS, &res);
    if (n == UTF8PROC_ERROR_NOMEM) {
        rc = err_set(e, ERR_NOMEM, "text_fold: out of memory");
    } else if (n < 0) {
        rc = err_set(e, ERR_INTERNAL, "text_fold: %s", utf8proc_errmsg(n));
    } else if (out_reserve(ob, (size_t)n) < 0) {
        rc = err_set(e, ERR_NOMEM, "text_fold: out of memory");
    } else {
        memcpy(ob->p + ob->len, res, (size_t)n);
        ob->len += (size_t)n;
    }
    free(fixed);
    return rc;
}

int text_fold(const char *s, size_t len, char **out, size_t *out_len,
              struct err *e)
{
    const unsigned char *u = (const unsigned char *)s;
    struct outbuf ob = {NULL, 0, len + len / 8 + 16};
    struct scratch sc;
    size_t i = 0, end;
    int rc = 0;

    *out = NULL;
    ob.p = malloc(ob.cap);
    if (!ob.p)
        return err_set(e, ERR_NOMEM, "text_fold: out of memory");
    scratch_init(&sc);

    while (i < len) {
        end = run_end(u, len, i);
        if (u[i] >= 0x80) {
            rc = fold_append(&ob, &sc, s + i, end - i, e);
            if (rc < 0)
                break;
        } else {
            if (out_reserve(&ob, end - i) < 0) {
                rc = err_set(e, ERR_NOMEM, "text_fold: out of memory");
                break;
            }
            for (; i < end; i++)
                ob.p[ob.len++] = is_ascii_control(u[i]) ? ' ' : (char)u[i];
        }
        i = end;
    }
    scratch_fini(&sc);
    if (rc < 0) {
        free(ob.p);
        return rc;
    }
    ob.p[ob.len] = '\0';
    *out = ob.p;
    if (out_len)
        *out_len = ob.len;
    return 0;
}

static int is_key_char(utf8proc_int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static uint64_t fnv_bytes(uint64_t h, const unsigned char *p, size_t n)
{
    while (n--) {
        h ^= *p++;
        h *= FNV_PRIME;
    }
    return h;
}

/* Hashes the letters and digits of a folded, case-folded run. */
static uint64_t key_run(uint64_t h, const char *s, size_t len, int *any)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    unsigned char c;
    size_t i = 0;

    while (i < len) {
        n = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            break;
        if (is_key_char(cp)) {
            /* Folding can turn a full-width letter into ASCII capitals. */
            if (cp < 0x80) {
                c = (unsigned char)utf8proc_tolower(cp);
                h = fnv_bytes(h, &c, 1);
            } else {
                h = fnv_bytes(h, u + i, (size_t)n);
            }
            *any = 1;
        }
        i += (size_t)n;
    }
    return h;
}

/*
 * FNV-1a over the folded key characters. Out of memory on a very long
 * non-ASCII run gives 0, "no key", which only costs an exact-title match.
 */
uint64_t text_title_key(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    uint64_t h = FNV_OFFSET;
    struct scratch sc;
    size_t i = 0, end;
    const char *res = NULL;
    char *fixed;
    utf8proc_ssize_t n;
    unsigned char c;
    int any = 0;

    scratch_init(&sc);
    while (i < len) {
        end = run_end(u, len, i);
        if (u[i] < 0x80) {
            for (; i < end; i++) {
                c = u[i];
                if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                    c |= 0x20;
                else if (c < '0' || c > '9')
                    continue;
                h = fnv_bytes(h, &c, 1);
                any = 1;
            }
            continue;
        }
        fixed = NULL;
        if (!text_utf8_valid(s + i, end - i)) {
            size_t fixed_len;

            fixed = text_utf8_repair(s + i, end - i, &fixed_len);
            n = fixed ? fold_run(&sc, fixed, fixed_len,
                                 FOLD_OPTS | UTF8PROC_CASEFOLD, &res)
                      : UTF8PROC_ERROR_NOMEM;
        } else {
            n = fold_run(&sc, s + i, end - i, FOLD_OPTS | UTF8PROC_CASEFOLD,
                         &res);
        }
        if (n >= 0)
            h = key_run(h, res, (size_t)n, &any);
        free(fixed);
        if (n < 0) {
            any = 0;
            break;
        }
        i = end;
    }
    scratch_fini(&sc);
    if (!any)
        return 0;
    return h ? h : 1;
}
