#include "lib/apt/pkglist.h"

#include "lib/apt/debversion.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

int apt_pkglist_name_matches(const char *const *patterns, const char *name)
{
	for (; *patterns; patterns++)
		if (fnmatch(*patterns, name, 0) == 0)
			return 1;
	return 0;
}

int apt_pkglist_add(struct apt_pkglist *l, const struct apt_pkg *pkg)
{
	struct apt_pkg *bigger;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->pkgs[i].name, pkg->name) != 0)
			continue;
		if (deb_version_compare(pkg->version, l->pkgs[i].version) > 0)
			l->pkgs[i] = *pkg;
		return 0;
	}
	bigger = realloc(l->pkgs, (l->n + 1) * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	l->pkgs = bigger;
	l->pkgs[l->n++] = *pkg;
	return 0;
}

const struct apt_pkg *apt_pkglist_find(const struct apt_pkglist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->pkgs[i].name, name) == 0)
			return &l->pkgs[i];
	return NULL;
}

void apt_pkglist_free(struct apt_pkglist *l)
{
	free(l->pkgs);
	memset(l, 0, sizeof(*l));
}

static int add_unique(const struct apt_pkg **out, int n, int max, const struct apt_pkg *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (out[i] == p)
			return n;
	if (n == max)
		return -E2BIG;
	out[n] = p;
	return n + 1;
}

int apt_pkglist_depends_closure(const struct apt_pkglist *l, const char *root, const char *const *patterns,
			const struct apt_pkg **out, int max)
{
	const struct apt_pkg *start = apt_pkglist_find(l, root);
	int n = 0, i;

	if (!start)
		return 0;
	n = add_unique(out, n, max, start);
	for (i = 0; i < n && n > 0; i++) {
		char deps[2048], *tok, *save = NULL;

		snprintf(deps, sizeof(deps), "%s", out[i]->depends);
		for (tok = strtok_r(deps, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *alt, *save2 = NULL;

			/* Of alternatives "a | b", the first one present counts. */
			for (alt = strtok_r(tok, "|", &save2); alt; alt = strtok_r(NULL, "|", &save2)) {
				char name[128];
				const struct apt_pkg *dep;

				if (sscanf(alt, " %127[^ (:]", name) != 1 || !apt_pkglist_name_matches(patterns, name))
					continue;
				dep = apt_pkglist_find(l, name);
				if (!dep)
					continue;
				n = add_unique(out, n, max, dep);
				if (n < 0)
					return n;
				break;
			}
		}
	}
	return n;
}
