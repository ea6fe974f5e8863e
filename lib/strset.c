/*
 * String set with linear probing. The table doubles at 50% load, which
 * keeps probes short for the id sets of a crawl (a few hundred thousand).
 */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct strset {
    char **slots;
    long *counts; /* beside slots; allocated by the first strset_bump */
    size_t cap;   /* power of two */
    size_t n;
};

uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

struct strset *strset_new(void)
{
    struct strset *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->cap = 1024;
    s->slots = calloc(s->cap, sizeof(*s->slots));
    if (!s->slots) {
        free(s);
        return NULL;
    }
    return s;
}

void strset_free(struct strset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    free(s->counts);
    free(s);
}

static size_t find_slot(char **slots, size_t cap, const char *key)
{
    size_t i = (size_t)str_hash(key) & (cap - 1);

    while (slots[i] && strcmp(slots[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(struct strset *s)
{
    size_t cap = s->cap * 2;
    char **slots = calloc(cap, sizeof(*slots));
    long *counts = s->counts ? calloc(cap, sizeof(*counts)) : NULL;

    if (!slots || (s->counts && !counts)) {
        free(slots);
        free(counts);
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i]) {
            size_t j = find_slot(slots, cap, s->slots[i]);
            slots[j] = s->slots[i];
            if (counts)
                counts[j] = s->counts[i];
        }
    free(s->slots);
    free(s->counts);
    s->slots = slots;
    s->counts = counts;
    s->cap = cap;
    return 0;
}

int strset_add(struct strset *set, const char *s)
{
    size_t i;

    if ((set->n + 1) * 2 > set->cap && grow(set) < 0)
        return -1;
    i = find_slot(set->slots, set->cap, s);
    if (set->slots[i])
        return 0;
    set->slots[i] = strdup(s);
    if (!set->slots[i])
        return -1;
    set->n++;
    return 1;
}

int strset_has(const struct strset *set, const char *s)
{
    return set->slots[find_slot(set->slots, set->cap, s)] != NULL;
}

long strset_bump(struct strset *set, const char *s, long delta)
{
    size_t i;

    if (!set->counts && !(set->counts = calloc(set->cap, sizeof(long))))
        return -1;
    if (strset_add(set, s) < 0)
        return -1;
    i = find_slot(set->slots, set->cap, s);
    set->counts[i] += delta;
    return set->counts[i];
}

size_t strset_size(const struct strset *set)
{
    return set->n;
}
