/*
 * The stop lists. Kept short on purpose: only words that carry no topic of
 * their own. Words that can be names or acronyms in this field ("it",
 * "us", "can", "will", "all", "no", "not") are left out, since a query
 * never loses them silently then.
 */
#include "stopwords.h"

#include <string.h>

static const char *const english[] = {
    "a",     "an",   "and",   "are",   "as",    "at",   "be",
    "been",  "but",  "by",    "for",   "from",  "has",  "have",
    "in",    "into", "is",    "its",   "of",    "on",   "or",
    "our",   "that", "the",   "their", "these", "this", "those",
    "to",    "was",  "we",    "were",  "which", "with", NULL,
};

const char *const *stopwords_for(const char *lang)
{
    if (lang && (strcmp(lang, "english") == 0 || strcmp(lang, "en") == 0))
        return english;
    return NULL;
}
