/*
 * Query stop words: function words a query can do without. Dropping them
 * from plain queries lets a paper whose text lacks "for" still match
 * "graph networks for molecules" (a title-only record often does), and
 * spares the matcher posting lists that hold nearly every paper. They stay
 * indexed: phrases keep them, as does a query made of nothing else.
 */
#ifndef PWC_STOPWORDS_H
#define PWC_STOPWORDS_H

/*
 * The NULL-terminated stop list for a libstemmer language name ("english"
 * or "en"), or NULL for a language that has none here.
 */
const char *const *stopwords_for(const char *lang);

#endif
