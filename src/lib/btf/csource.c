#include "lib/btf/csource.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int cs_is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

size_t cs_skip_noncode(const char *t, size_t n, size_t i)
{
	if (i + 1 < n && t[i] == '/' && t[i + 1] == '*') {
		const char *e = i + 2 < n ? strstr(t + i + 2, "*/") : NULL;

		return e && (size_t)(e - t) + 2 <= n ? (size_t)(e - t) + 2 : n;
	}
	if (i + 1 < n && t[i] == '/' && t[i + 1] == '/') {
		while (i < n && t[i] != '\n')
			i++;
		return i;
	}
	if (t[i] == '"' || t[i] == '\'') {
		char q = t[i++];

		while (i < n && t[i] != q && t[i] != '\n')
			i += t[i] == '\\' ? 2 : 1;
		return i < n ? i + 1 : n;
	}
	return i;
}

int cs_match_brace(const char *t, size_t n, size_t open, size_t *ret_close)
{
	size_t i = open;
	int depth = 0;

	while (i < n) {
		size_t j = cs_skip_noncode(t, n, i);

		if (j != i) {
			i = j;
			continue;
		}
		if (t[i] == '{')
			depth++;
		else if (t[i] == '}' && --depth == 0) {
			*ret_close = i;
			return 0;
		}
		i++;
	}
	return -EINVAL;
}

static size_t skip_space(const char *t, size_t n, size_t i)
{
	for (;;) {
		size_t j;

		while (i < n && isspace((unsigned char)t[i]))
			i++;
		j = i < n ? cs_skip_noncode(t, n, i) : i;
		if (j == i || t[i] == '"' || t[i] == '\'')
			return i;
		i = j;
	}
}

static size_t ident_at(const char *t, size_t n, size_t i, char *out, size_t outlen)
{
	size_t k = 0;

	if (i >= n || isdigit((unsigned char)t[i]))
		return 0;
	while (i + k < n && cs_is_ident_char(t[i + k])) {
		if (k + 1 < outlen)
			out[k] = t[i + k];
		k++;
	}
	out[k < outlen ? k : outlen - 1] = '\0';
	return k;
}

/* The typedef name: the last identifier before ';' that is not an
 * attribute (those are followed by '(' or start with two underscores). */
static void last_ident(const char *t, size_t from, size_t to, char *out, size_t outlen)
{
	size_t i = from;

	out[0] = '\0';
	while (i < to) {
		char word[CS_NAME_MAX];
		size_t k = ident_at(t, to, i, word, sizeof(word));

		if (k == 0) {
			if (t[i] == '(') {
				int d = 0;

				while (i < to) {
					d += t[i] == '(';
					d -= t[i] == ')';
					i++;
					if (d == 0)
						break;
				}
				continue;
			}
			i++;
			continue;
		}
		if (strncmp(word, "__", 2) != 0 && strcmp(word, "const") != 0)
			snprintf(out, outlen, "%s", word);
		i += k;
	}
}

/* A definition starting at line start i, if there is one. */
static int def_at(const char *t, size_t n, size_t i, struct cs_def *d)
{
	char word[CS_NAME_MAX];
	size_t k, j = i, semi;
	int is_typedef = 0;

	memset(d, 0, sizeof(*d));
	k = ident_at(t, n, j, word, sizeof(word));
	if (k && strcmp(word, "typedef") == 0) {
		is_typedef = 1;
		j = skip_space(t, n, j + k);
		k = ident_at(t, n, j, word, sizeof(word));
	}
	if (!k || (strcmp(word, "struct") != 0 && strcmp(word, "union") != 0))
		return 0;
	d->is_union = word[0] == 'u';
	d->start = j;
	j = skip_space(t, n, j + k);
	k = ident_at(t, n, j, d->tag, sizeof(d->tag));
	if (k)
		j = skip_space(t, n, j + k);
	if (j >= n || t[j] != '{' || (!k && !is_typedef))
		return 0;
	d->open = j;
	if (cs_match_brace(t, n, j, &d->close) < 0)
		return 0;
	for (semi = d->close + 1; semi < n && t[semi] != ';' && t[semi] != '{'; semi++)
		;
	if (semi >= n || t[semi] != ';')
		return 0;
	d->end = semi;
	if (is_typedef) {
		last_ident(t, d->close + 1, semi, d->tdname, sizeof(d->tdname));
		if (!d->tdname[0])
			return 0;
	} else {
		/* "struct x {...} var;" declares an object too: not a plain definition. */
		char after[CS_NAME_MAX];

		last_ident(t, d->close + 1, semi, after, sizeof(after));
		if (after[0])
			return 0;
	}
	return 1;
}

int cs_next_def(const char *t, size_t n, size_t *pos, struct cs_def *d)
{
	size_t i = *pos;
	int line_start = i == 0 || t[i - 1] == '\n';

	while (i < n) {
		size_t j = cs_skip_noncode(t, n, i);

		if (j != i) {
			line_start = 0;
			i = j;
			continue;
		}
		if (line_start && (t[i] == 's' || t[i] == 'u' || t[i] == 't') && def_at(t, n, i, d)) {
			*pos = d->end + 1;
			return 0;
		}
		line_start = t[i] == '\n';
		i++;
	}
	*pos = n;
	return -ENOENT;
}

int cs_has_word(const char *text, const char *word)
{
	size_t wl = strlen(word);
	const char *p = text;

	if (!wl)
		return 0;
	while ((p = strstr(p, word))) {
		if ((p == text || !cs_is_ident_char(p[-1])) && !cs_is_ident_char(p[wl]))
			return 1;
		p += wl;
	}
	return 0;
}

int cs_has_tag(const char *text, const char *kw, const char *name)
{
	size_t kl = strlen(kw);
	const char *p = text;

	while ((p = strstr(p, kw))) {
		const char *q = p + kl;

		if ((p == text || !cs_is_ident_char(p[-1])) && (*q == ' ' || *q == '\t' || *q == '\n')) {
			size_t nl = strlen(name);

			while (*q == ' ' || *q == '\t' || *q == '\n')
				q++;
			if (strncmp(q, name, nl) == 0 && !cs_is_ident_char(q[nl]))
				return 1;
		}
		p += kl;
	}
	return 0;
}

size_t cs_take_word(const char *p, char *w, size_t wsize)
{
	size_t n = 0;

	while (cs_is_ident_char(p[n]) && n + 1 < wsize) {
		w[n] = p[n];
		n++;
	}
	w[n] = '\0';
	return n;
}
