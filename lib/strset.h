/*
 * A set of strings (open addressing, FNV-1a), for telling whether an id
 * was seen before, with a count per string for telling how often. Not
 * thread-safe; one per thread.
 */
#ifndef PWC_STRSET_H
#define PWC_STRSET_H

#include <stddef.h>
#include <stdint.h>

struct strset;

struct strset *strset_new(void);
void strset_free(struct strset *s);
/* Adds s (copied). Returns 1 if added, 0 if already present, -1 when out
 * of memory. */
int strset_add(struct strset *set, const char *s);
int strset_has(const struct strset *set, const char *s);
/* Adds delta to the count kept with s (adding s with count 0 first when
 * absent) and returns the new count; -1 when out of memory. */
long strset_bump(struct strset *set, const char *s, long delta);
size_t strset_size(const struct strset *set);
/* The 64-bit FNV-1a hash of s, also used to route ids to index parts. */
uint64_t str_hash(const char *s);

#endif
