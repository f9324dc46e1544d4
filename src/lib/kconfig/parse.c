#include "lib/kconfig/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* A quoted string must end with its closing quote, escapes skipped. */
static int valid_string(const char *v, size_t n)
{
	size_t i;

	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return 0;
	for (i = 1; i < n - 1; i++) {
		if (v[i] == '\\') {
			i++;
			if (i >= n - 1)
				return 0;
		} else if (v[i] == '"') {
			return 0;
		}
	}
	return 1;
}

static int parse_line(struct kconfig *kc, const char *line, size_t n)
{
	char name[256], *value;
	const char *eq;
	int ret;

	if (n >= 9 && strncmp(line, "# CONFIG_", 9) == 0) {
		const char *end = memmem(line, n, " is not set", 11);

		if (!end || (size_t)(end - line) + 11 != n || !valid_name(line + 9, (size_t)(end - line - 9)))
			return 0; /* an ordinary comment */
		snprintf(name, sizeof(name), "%.*s", (int)(end - line - 9), line + 9);
		return kconfig_set(kc, name, NULL);
	}
	if (n >= 7 && strncmp(line, "CONFIG_", 7) == 0) {
		eq = memchr(line, '=', n);
		if (!eq || !valid_name(line + 7, (size_t)(eq - line - 7)) || (size_t)(eq - line - 7) >= sizeof(name))
			return -EINVAL;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - line - 7), line + 7);
		n -= (size_t)(eq + 1 - line);
		if (n > 0 && eq[1] == '"' && !valid_string(eq + 1, n))
			return -EINVAL;
		value = strndup(eq + 1, n);
		if (!value)
			return -ENOMEM;
		ret = kconfig_set(kc, name, value);
		free(value);
		return ret;
	}
	if (n == 0 || line[0] == '#')
		return 0;
	return -EINVAL;
}

int kconfig_parse(const char *text, struct kconfig *kc, char *why, size_t whylen)
{
	const char *p = text;
	int lineno = 0;

	memset(kc, 0, sizeof(*kc));
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		int ret;

		lineno++;
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		if (!kc->title[0] && n > 2 && strncmp(p, "# Linux/", 8) == 0)
			snprintf(kc->title, sizeof(kc->title), "%.*s", (int)(n - 2), p + 2);
		ret = parse_line(kc, p, n);
		if (ret < 0) {
			snprintf(why, whylen, "line %d: cannot parse '%.*s'", lineno, (int)(n > 80 ? 80 : n), p);
			kconfig_free(kc);
			return ret;
		}
		p = eol ? eol + 1 : p + strlen(p); /* n may have lost trailing blanks */
	}
	return 0;
}
