/* "did you mean ...?": the nearest of a few known words to a mistyped
 * one, by edit distance (a swap of two neighbours counts as one edit). */
#ifndef PH_SUGGEST_H
#define PH_SUGGEST_H

#include <stddef.h>

/* Edits (insert, delete, substitute, swap neighbours) from a to b. */
size_t suggest_distance(const char *a, const char *b);

/* The candidate nearest to word, or NULL when none is close enough to be
 * a likely typo (at most 2 edits, and fewer than half the word). */
const char *suggest_nearest(const char *word, const char *const *candidates, size_t n);

#endif
