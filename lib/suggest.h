/*
 * Search-box completions. At index time each paper adds boolean terms
 * "key\x1fdisplay" for its title, its tasks and the method name its title
 * announces ("BERT: Pre-training ..." gives "BERT"); as the user types,
 * the folded, lower-cased input is a term prefix, so one B-tree range scan
 * answers, fast enough for every keystroke.
 */
#ifndef PWC_SUGGEST_H
#define PWC_SUGGEST_H

#include <stddef.h>

#include "crawl.h"
#include "err.h"
#include "xs.h"

#define PFX_SUGGEST_TITLE  "XSA"
#define PFX_SUGGEST_TASK   "XST"
#define PFX_SUGGEST_METHOD "XSM"

/*
 * The matching key of text: folded, lower-cased, runs of spaces and
 * punctuation other than '+' and '#' turned into one space, trimmed (so
 * "self att" completes "Self-Attention").
 * Returns its length (cut at max bytes on a character boundary).
 */
size_t suggest_key(const char *text, char *buf, size_t max);

/* Adds the completion terms of paper p to doc. */
int suggest_add_terms(xs_doc *doc, const struct paper *p, struct err *e);

#endif
