#include "lib/apt/suites.h"

#include "lib/distro/distrodef.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *next_release(const char *const *releases, const char *codename)
{
	size_t i;

	for (i = 0; releases && releases[i]; i++)
		if (strcmp(releases[i], codename) == 0 && releases[i + 1])
			return releases[i + 1];
	return "";
}

static int has_suite(const struct apt_config *cfg, const char *uri, const char *suite)
{
	size_t k;

	for (k = 0; k < cfg->n_sources; k++)
		if (!strcmp(cfg->sources[k].uri, uri) && !strcmp(cfg->sources[k].suite, suite))
			return 1;
	return 0;
}

/* A copy of source i under another suite. */
static int add_suite(struct apt_config *cfg, size_t i, const char *suite)
{
	struct apt_source *bigger = realloc(cfg->sources, (cfg->n_sources + 1) * sizeof(*bigger)), *s;

	if (!bigger)
		return -ENOMEM;
	cfg->sources = bigger;
	s = &cfg->sources[cfg->n_sources];
	*s = cfg->sources[i];
	s->signed_by_key = NULL;
	if (cfg->sources[i].signed_by_key && !(s->signed_by_key = strdup(cfg->sources[i].signed_by_key)))
		return -ENOMEM;
	snprintf(s->suite, sizeof(s->suite), "%s", suite);
	snprintf(s->origin, sizeof(s->origin), "related suite of %s", cfg->sources[i].origin);
	cfg->n_sources++;
	return 0;
}

int apt_suites_add_related(struct apt_config *cfg, const char *codename, const char *const *related,
			   const char *const *releases)
{
	const char *next = next_release(releases, codename);
	size_t n_host = cfg->n_sources, i, t;
	int ret;

	if (!codename[0])
		return 0;
	for (i = 0; i < n_host; i++) {
		if (strcmp(cfg->sources[i].suite, codename) != 0)
			continue;
		for (t = 0; related && related[t]; t++) {
			char suite[128];

			distrodef_expand(related[t], "", codename, suite, sizeof(suite));
			if (strstr(related[t], "{next}")) {
				if (!next[0])
					continue;
				snprintf(suite, sizeof(suite), "%s", next);
			}
			if (has_suite(cfg, cfg->sources[i].uri, suite))
				continue;
			if ((ret = add_suite(cfg, i, suite)) < 0)
				return ret;
		}
	}
	return (int)(cfg->n_sources - n_host);
}
