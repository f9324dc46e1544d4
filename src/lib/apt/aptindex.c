#include "lib/apt/aptindex.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
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

static int name_matches(const char *const *patterns, const char *name)
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
		p->cur_keep = name_matches(p->patterns, p->cur.name);
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

/* dpkg's ordering of one character: ~ sorts before everything, even the
 * end of the string; letters before non-letters. */
static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* Splits "epoch:upstream-revision". */
static void split_version(const char *v, long *epoch, char *upstream, size_t ulen, const char **revision)
{
	const char *colon = strchr(v, ':'), *dash;
	size_t n;

	*epoch = 0;
	if (colon) {
		*epoch = strtol(v, NULL, 10);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	n = dash ? (size_t)(dash - v) : strlen(v);
	if (n >= ulen)
		n = ulen - 1;
	memcpy(upstream, v, n);
	upstream[n] = '\0';
	*revision = dash ? dash + 1 : "";
}

int deb_version_compare(const char *a, const char *b)
{
	char ua[128], ub[128];
	const char *ra, *rb;
	long ea, eb;
	int r;

	split_version(a, &ea, ua, sizeof(ua), &ra);
	split_version(b, &eb, ub, sizeof(ub), &rb);
	if (ea != eb)
		return ea < eb ? -1 : 1;
	r = verrevcmp(ua, ub);
	return r ? r : verrevcmp(ra, rb);
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

int apt_depends_closure(const struct apt_pkglist *l, const char *root, const char *const *patterns,
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

				if (sscanf(alt, " %127[^ (:]", name) != 1 || !name_matches(patterns, name))
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
