/*
 * Text preparation shared by the indexer and the query side: UTF-8 repair,
 * Unicode folding (via utf8proc) and keys derived from text. Tokenizing and
 * stemming themselves happen in Xapian's TermGenerator/QueryParser through
 * the shim; this module makes sure both see the same normalised text.
 */
#ifndef PWC_TEXT_H
#define PWC_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * Copies s[0..len) replacing every invalid UTF-8 sequence (and NUL bytes)
 * by U+FFFD. Returns a malloc'd NUL-terminated string, its length in
 * *out_len, or NULL when out of memory.
 */
char *text_utf8_repair(const char *s, size_t len, size_t *out_len);

/* Non-zero when s[0..len) is valid UTF-8 without NUL bytes. */
int text_utf8_valid(const char *s, size_t len);

/*
 * Folds text for matching: repairs UTF-8, applies compatibility
 * composition (NFKC: ligatures, full-width forms), strips accents and
 * other combining marks ("Schölkopf" in NFC or NFD becomes "Scholkopf"),
 * turns control characters into spaces. Case is kept, because the query
 * parser needs AND/OR/NOT in capitals; Xapian lower-cases terms itself.
 * Returns 0 or ERR_NOMEM; *out is malloc'd.
 */
int text_fold(const char *s, size_t len, char **out, size_t *out_len,
              struct err *e);

/*
 * A 64-bit key of a title: letters and digits only, folded and
 * lower-cased, everything else dropped ("U-Net: Convolutional..." and
 * "u net convolutional..." give the same key). Used to find exact title
 * matches. An input with no letter or digit gives 0.
 */
uint64_t text_title_key(const char *s, size_t len);

/*
 * Cleans README markdown/HTML into plain text for indexing: drops code
 * fences and indented code, badges, image links, data: URIs, HTML tags and
 * their attributes, comments, script/style content; keeps link text;
 * decodes HTML entities; skips tokens longer than max_token bytes (URLs,
 * hashes, base64). Returns a malloc'd string (NULL when out of memory).
 */
char *text_clean_readme(const char *s, size_t len, size_t max_token,
                        size_t *out_len);

/*
 * Decodes the HTML character reference starting at s[0] ('&'): numeric
 * ones, common named ones and accented Latin letters ("&uuml;"). Writes
 * its UTF-8 (at most 8 bytes, no NUL; NUL, surrogates and out-of-range
 * code points become U+FFFD, control characters a space) to out, the
 * length to *out_n, and returns the bytes it spans in s, or 0 when s does
 * not start with a reference this knows. Pure and thread-safe.
 */
size_t text_entity_decode(const char *s, size_t len, char out[8],
                          size_t *out_n);

/*
 * Recognises an arXiv identifier in any common spelling: "1810.04805",
 * "1810.04805v2", "arXiv:1810.04805", "arxiv.org/abs/1810.04805v1",
 * ".../pdf/1810.04805.pdf", old style "cs/0112017", "math.GT/0309136v2".
 * The whole of s (after trimming spaces) must be the identifier. Writes the
 * canonical form (lower-case archive, no version, no "arXiv:") to out and
 * returns 1, or returns 0 when s is not an arXiv id.
 */
int arxiv_normalize(const char *s, size_t len, char *out, size_t out_size);

/*
 * Finds the first arXiv id written as a token of a free-text query
 * (separated by spaces). On success writes its canonical form to out,
 * the token's byte range to *start and *end, and returns 1; else 0.
 */
int arxiv_find(const char *q, char *out, size_t out_size, size_t *start,
               size_t *end);

#endif
