#include "util/suggest.h"

#include <stdlib.h>
#include <string.h>

/* Optimal string alignment distance over three rolling rows; words here
 * are option and strategy names, so the rows are small. */
size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *prev2, *prev, *cur, *mem;

	mem = calloc(3 * (lb + 1), sizeof(*mem));
	if (!mem)
		return (size_t)-1;
	prev2 = mem;
	prev = mem + lb + 1;
	cur = mem + 2 * (lb + 1);
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = prev[j - 1] + cost;

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(mem);
	return d;
}

const char *suggest_nearest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i, len = strlen(word);

	for (i = 0; i < n; i++) {
		size_t d = suggest_distance(word, candidates[i]);

		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	if (!best || best_d == 0 || best_d > 2 || best_d * 2 >= len)
		return NULL;
	return best;
}
