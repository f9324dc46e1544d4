#include "util/path.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int path_copy(char out[PATH_MAX], const char *src)
{
	size_t n = strlen(src);

	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(out, src, n + 1);
	return 0;
}

int path_format(char out[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int path_join(char out[PATH_MAX], const char *a, const char *b)
{
	size_t la = strlen(a);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (*b == '\0')
		return path_format(out, "%.*s", (int)la, a);
	if (la == 1 && a[0] == '/')
		return path_format(out, "/%s", b);
	return path_format(out, "%.*s/%s", (int)la, a, b);
}

int path_next_component(const char **p, const char **ret_start, size_t *ret_len)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	*ret_start = s;
	while (*s && *s != '/')
		s++;
	*ret_len = (size_t)(s - *ret_start);
	*p = s;
	return *ret_len > 0;
}

int path_normalize(char out[PATH_MAX], const char *in)
{
	char tmp[PATH_MAX];
	size_t len = 0, n;
	const char *p = in, *start;

	if (*in != '/')
		return -EINVAL;
	while (path_next_component(&p, &start, &n)) {
		if (path_is_dot(start, n))
			continue;
		if (path_is_dotdot(start, n)) {
			while (len > 0 && tmp[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		if (len + 1 + n >= PATH_MAX)
			return -ENAMETOOLONG;
		tmp[len++] = '/';
		memcpy(tmp + len, start, n);
		len += n;
	}
	if (len == 0)
		tmp[len++] = '/';
	tmp[len] = '\0';
	memcpy(out, tmp, len + 1);
	return 0;
}

int path_is_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int path_relative(char out[PATH_MAX], const char *from_dir, const char *target)
{
	size_t common = 0, i;
	size_t len = 0;
	const char *rest;

	/* Longest common prefix ending at a component boundary. */
	for (i = 0;; i++) {
		char a = from_dir[i], b = target[i];

		if ((a == '/' || a == '\0') && (b == '/' || b == '\0'))
			common = i;
		if (a == '\0' || b == '\0' || a != b)
			break;
	}
	out[0] = '\0';
	/* One ".." for every component of from_dir past the common prefix. */
	for (i = common; from_dir[i]; i++) {
		if (from_dir[i] == '/' && from_dir[i + 1] != '\0') {
			if (len + 3 >= PATH_MAX)
				return -ENAMETOOLONG;
			memcpy(out + len, len ? "/.." : "..", len ? 3 : 2);
			len += len ? 3 : 2;
			out[len] = '\0';
		}
	}
	rest = target + common;
	while (*rest == '/')
		rest++;
	if (*rest) {
		if (len + 1 + strlen(rest) >= PATH_MAX)
			return -ENAMETOOLONG;
		if (len)
			out[len++] = '/';
		strcpy(out + len, rest);
	} else if (len == 0) {
		strcpy(out, ".");
	}
	return 0;
}

const char *path_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' ? t : "/tmp";
}

int path_link_escapes(const char *link_rel, const char *target)
{
	int depth = 0;
	const char *p, *start;
	size_t n;

	if (target[0] == '/')
		return 1;
	for (p = link_rel; *p; p++)
		if (*p == '/')
			depth++;
	for (p = target; path_next_component(&p, &start, &n);) {
		if (path_is_dotdot(start, n)) {
			if (--depth < 0)
				return 1;
		} else if (!path_is_dot(start, n)) {
			depth++;
		}
	}
	return 0;
}
