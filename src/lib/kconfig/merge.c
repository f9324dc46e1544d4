#include "lib/kconfig/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "SYMBOL VALUE" lines: symbols newer kernels dropped because they are
 * always on; a tree that still tests them gets VALUE. */
static int apply_implied(struct kconfig *base, const struct kconfig *over, const char *implied)
{
	const char *p = implied ? implied : "";

	while (*p) {
		char name[128], value[128];
		const char *eol = strchr(p, '\n');
		int ret;

		if (*p != '#' && sscanf(p, "%127s %127s", name, value) == 2 && !kconfig_has(over, name) && kconfig_has(base, name))
			if ((ret = kconfig_set(base, name, value)) < 0)
				return ret;
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}

int kconfig_merge(struct kconfig *base, const struct kconfig *over, const char *renames, const char *implied)
{
	const char *p = renames ? renames : "";
	size_t i;
	int ret;

	for (i = 0; i < over->n; i++) {
		ret = kconfig_set(base, over->syms[i].name, over->syms[i].value);
		if (ret < 0)
			return ret;
	}
	/* A bool or tristate the running kernel's config lacks is off there:
	 * kconfig leaves out every symbol whose dependencies are unmet.
	 * Keeping the candidate's y gives headers an impossible mix, e.g.
	 * MODULE_SIG=y with MODULES off, which does not compile. Values
	 * (numbers, strings) are kept: headers use them as values, and a
	 * symbol the running kernel dropped (BASE_SMALL, an int until 6.x)
	 * would otherwise become an undeclared identifier. */
	for (i = 0; i < base->n; i++) {
		const char *v = base->syms[i].value;

		if (!kconfig_has(over, base->syms[i].name) && v && (strcmp(v, "y") == 0 || strcmp(v, "m") == 0)) {
			free(base->syms[i].value);
			base->syms[i].value = NULL;
		}
	}
	/* "OLD NEW": the running kernel's value under one name also sets the
	 * other name, when the tree only knows that one. */
	while (*p) {
		char old[128], new[128];
		const char *eol = strchr(p, '\n');

		if (*p != '#' && sscanf(p, "%127s %127s", old, new) == 2) {
			const char *nv = kconfig_get(over, new), *ov = kconfig_get(over, old);

			if (kconfig_has(over, new) && !kconfig_has(over, old) && kconfig_has(base, old))
				if ((ret = kconfig_set(base, old, nv)) < 0)
					return ret;
			if (kconfig_has(over, old) && !kconfig_has(over, new) && kconfig_has(base, new))
				if ((ret = kconfig_set(base, new, ov)) < 0)
					return ret;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	if (over->title[0])
		snprintf(base->title, sizeof(base->title), "%s", over->title);
	return apply_implied(base, over, implied);
}
