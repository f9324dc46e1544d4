#include "lib/kconfig/compare.h"

#include <string.h>

static int same(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

size_t kconfig_differences(const struct kconfig *a, const struct kconfig *b, const char **first)
{
	size_t i, n = 0;

	*first = NULL;
	for (i = 0; i < a->n; i++)
		if (!same(a->syms[i].value, kconfig_get(b, a->syms[i].name))) {
			if (!n++)
				*first = a->syms[i].name;
		}
	/* What only b sets. */
	for (i = 0; i < b->n; i++)
		if (b->syms[i].value && !kconfig_has(a, b->syms[i].name)) {
			if (!n++)
				*first = b->syms[i].name;
		}
	return n;
}
