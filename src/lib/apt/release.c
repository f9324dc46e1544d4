#include "lib/apt/release.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int apt_release_parse(const char *text, struct apt_release *r, char *why, size_t whylen)
{
	const char *line = text;
	int in_sha256 = 0;

	memset(r, 0, sizeof(*r));
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char buf[1024];

		snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), line);
		line = eol ? eol + 1 : line + n;
		if (buf[0] == ' ' && in_sha256) {
			struct release_entry e;
			struct release_entry *bigger;

			memset(&e, 0, sizeof(e));
			if (sscanf(buf, " %64s %llu %255s", e.sha256, &e.size, e.path) != 3 || strlen(e.sha256) != 64)
				continue;
			bigger = realloc(r->entries, (r->n + 1) * sizeof(*bigger));
			if (!bigger)
				return -ENOMEM;
			r->entries = bigger;
			r->entries[r->n++] = e;
			continue;
		}
		in_sha256 = strncmp(buf, "SHA256:", 7) == 0;
		if (strncmp(buf, "Suite: ", 7) == 0)
			snprintf(r->suite, sizeof(r->suite), "%.127s", buf + 7);
		else if (strncmp(buf, "Codename: ", 10) == 0)
			snprintf(r->codename, sizeof(r->codename), "%.127s", buf + 10);
	}
	if (r->n == 0) {
		snprintf(why, whylen, "no SHA256 list");
		return -EINVAL;
	}
	return 0;
}

const struct release_entry *apt_release_find(const struct apt_release *r, const char *path)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->entries[i].path, path) == 0)
			return &r->entries[i];
	return NULL;
}

void apt_release_free(struct apt_release *r)
{
	free(r->entries);
	memset(r, 0, sizeof(*r));
}
