#include "lib/apt/packages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct packages_parser {
	const char *const *patterns;
	const char *base_uri;
	int source_index;
	struct apt_pkglist *into;
	char line[8192];
	size_t line_len;
	struct apt_pkg cur;
	int cur_keep;      /* the current stanza's Package matched */
	int in_depends;    /* a Depends continuation line may follow */
	int error;
	char bad[160];
};

struct packages_parser *packages_parser_new(const char *const *patterns, const char *base_uri, int source_index,
					    struct apt_pkglist *into)
{
	struct packages_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->patterns = patterns;
	p->base_uri = base_uri;
	p->source_index = source_index;
	p->into = into;
	return p;
}

static void end_stanza(struct packages_parser *p)
{
	if (p->cur_keep && !p->error) {
		if (!p->cur.filename[0] || strlen(p->cur.sha256) != 64) {
			p->error = -EINVAL;
			snprintf(p->bad, sizeof(p->bad), "package %s has no %s", p->cur.name,
				 p->cur.filename[0] ? "SHA256" : "Filename");
		} else {
			snprintf(p->cur.base_uri, sizeof(p->cur.base_uri), "%s", p->base_uri);
			p->cur.source_index = p->source_index;
			p->error = apt_pkglist_add(p->into, &p->cur);
		}
	}
	memset(&p->cur, 0, sizeof(p->cur));
	p->cur_keep = 0;
	p->in_depends = 0;
}

#define FIELD(line, name) (strncmp(line, name ": ", sizeof(name) + 1) == 0 ? line + sizeof(name) + 1 : NULL)

static void handle_line(struct packages_parser *p, char *line)
{
	const char *v;

	if (!*line) {
		end_stanza(p);
		return;
	}
	if (line[0] == ' ' || line[0] == '\t') {
		if (p->in_depends && p->cur_keep)
			strncat(p->cur.depends, line, sizeof(p->cur.depends) - strlen(p->cur.depends) - 1);
		return;
	}
	p->in_depends = 0;
	if ((v = FIELD(line, "Package"))) {
		snprintf(p->cur.name, sizeof(p->cur.name), "%.127s", v);
		p->cur_keep = apt_pkglist_name_matches(p->patterns, p->cur.name);
	} else if (!p->cur_keep) {
		return;
	} else if ((v = FIELD(line, "Version"))) {
		snprintf(p->cur.version, sizeof(p->cur.version), "%.127s", v);
	} else if ((v = FIELD(line, "Architecture"))) {
		snprintf(p->cur.arch, sizeof(p->cur.arch), "%.31s", v);
	} else if ((v = FIELD(line, "Filename"))) {
		snprintf(p->cur.filename, sizeof(p->cur.filename), "%.511s", v);
	} else if ((v = FIELD(line, "Size"))) {
		p->cur.size = strtoull(v, NULL, 10);
	} else if ((v = FIELD(line, "SHA256"))) {
		snprintf(p->cur.sha256, sizeof(p->cur.sha256), "%.64s", v);
	} else if ((v = FIELD(line, "Depends")) || (v = FIELD(line, "Pre-Depends"))) {
		if (p->cur.depends[0])
			strncat(p->cur.depends, ", ", sizeof(p->cur.depends) - strlen(p->cur.depends) - 1);
		strncat(p->cur.depends, v, sizeof(p->cur.depends) - strlen(p->cur.depends) - 1);
		p->in_depends = 1;
	}
}

int packages_parser_feed(struct packages_parser *p, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n') {
			p->line[p->line_len] = '\0';
			if (p->line_len > 0 && p->line[p->line_len - 1] == '\r')
				p->line[p->line_len - 1] = '\0';
			handle_line(p, p->line);
			p->line_len = 0;
		} else if (p->line_len + 1 < sizeof(p->line)) {
			p->line[p->line_len++] = c; /* overlong lines (descriptions) are cut; no field we read is that long */
		}
	}
	return p->error;
}

int packages_parser_finish(struct packages_parser *p, char *why, size_t whylen)
{
	int ret;

	if (p->line_len > 0) {
		p->line[p->line_len] = '\0';
		handle_line(p, p->line);
	}
	end_stanza(p);
	ret = p->error;
	if (ret < 0)
		snprintf(why, whylen, "%s", p->bad[0] ? p->bad : strerror(-ret));
	free(p);
	return ret;
}
