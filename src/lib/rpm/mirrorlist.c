#include "lib/rpm/mirrorlist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rpm_mirrors_add(struct rpm_mirrors *m, const char *url, size_t len)
{
	size_t scheme = len > 7 && strncmp(url, "http://", 7) == 0 ? 7 : len > 8 && strncmp(url, "https://", 8) == 0 ? 8 : 0;
	size_t i;

	while (len > scheme && url[len - 1] == '/')
		len--;
	/* http(s)://host...: printable, no space (a URL's spaces are %20). */
	if (!scheme || len == scheme || url[scheme] == '/')
		return -EINVAL;
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return -EINVAL;
	if (len >= sizeof(m->base[0]))
		return -ENAMETOOLONG;
	if (m->n == RPM_MIRRORS_MAX)
		return -E2BIG;
	memcpy(m->base[m->n], url, len);
	m->base[m->n][len] = '\0';
	m->n++;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int rpm_mirrorlist_parse(const char *text, size_t len, struct rpm_mirrors *out, char *why, size_t whylen)
{
	struct rpm_mirrors *m = calloc(1, sizeof(*m));
	size_t pos = 0, lineno = 0, skipped = 0;
	int ret = 0;

	if (!m)
		return -ENOMEM;
	if (memchr(text, '\0', len)) {
		snprintf(why, whylen, "not a mirrorlist: binary data");
		free(m);
		return -EILSEQ;
	}
	while (pos < len && ret == 0) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + (nl ? 1 : 0);
		lineno++;
		while (n > 0 && is_space(*line))
			line++, n--;
		while (n > 0 && is_space(line[n - 1]))
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		if (!(n > 7 && strncmp(line, "http://", 7) == 0) && !(n > 8 && strncmp(line, "https://", 8) == 0)) {
			skipped++;
			continue;
		}
		ret = rpm_mirrors_add(m, line, n);
		if (ret == -EINVAL)
			snprintf(why, whylen, "not a mirrorlist: line %zu is not one URL", lineno);
		if (ret == -ENAMETOOLONG)
			snprintf(why, whylen, "not a mirrorlist: line %zu is longer than a URL can be", lineno);
		if (ret == -ENAMETOOLONG || ret == -EINVAL)
			ret = -EILSEQ;
		else if (ret == -E2BIG)
			ret = 0, pos = len; /* the first ones are enough to try */
	}
	if (ret == 0 && m->n == 0) {
		snprintf(why, whylen, "the mirrorlist lists no http or https URL (%zu other lines)", skipped);
		ret = -ENOENT;
	}
	if (ret == 0)
		*out = *m;
	free(m);
	return ret;
}
