#include "lib/bccfix/uapibpf.h"

#include "util/fs.h"
#include "util/path.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GUARD "_UAPI__LINUX_BPF_H__"
#define OWN_GUARD "__PH_UAPI_LINUX_BPF_H"

struct names {
	char **v;
	size_t n, cap;
};

static int is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int has(const struct names *l, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == len && strncmp(l->v[i], s, len) == 0)
			return 1;
	return 0;
}

static int add(struct names *l, const char *s, size_t len)
{
	if (!len || has(l, s, len))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strndup(s, len);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

static void names_free(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* The text with comments blanked out (same length), so scans see code only. */
static char *code_only(const char *t, size_t n)
{
	char *c = malloc(n + 1);
	size_t i = 0;

	if (!c)
		return NULL;
	memcpy(c, t, n + 1);
	while (i < n) {
		if (c[i] == '/' && i + 1 < n && c[i + 1] == '*') {
			while (i < n && !(c[i] == '*' && i + 1 < n && c[i + 1] == '/')) {
				if (c[i] != '\n')
					c[i] = ' ';
				i++;
			}
			if (i < n)
				c[i] = c[i + 1] = ' ';
			i += 2;
		} else if (c[i] == '/' && i + 1 < n && c[i + 1] == '/') {
			while (i < n && c[i] != '\n')
				c[i++] = ' ';
		} else {
			i++;
		}
	}
	return c;
}

/* Enumerators of the enum body [from, to): the first word of each item,
 * preprocessor lines and mapper macros aside. */
static int enumerators(const char *c, size_t from, size_t to, struct names *out)
{
	size_t i = from;
	int ret = 0;

	while (ret == 0 && i < to) {
		size_t s, e;

		while (i < to && (isspace((unsigned char)c[i]) || c[i] == ','))
			i++;
		if (i < to && c[i] == '#') {
			while (i < to && c[i] != '\n')
				i++;
			continue;
		}
		s = i;
		while (i < to && is_ident(c[i]))
			i++;
		e = i;
		while (i < to && isspace((unsigned char)c[i]))
			i++;
		if (i < to && c[i] == '(') {
			/* A mapper macro's call: its enumerators come from FN(). */
			int depth = 0;

			for (; i < to; i++) {
				depth += c[i] == '(';
				depth -= c[i] == ')';
				if (depth == 0) {
					i++;
					break;
				}
			}
			continue;
		}
		if (e > s)
			ret = add(out, c + s, e - s);
		else if (i < to)
			i++; /* not an item: step over the character */
		{
			int depth = 0;

			while (i < to && !(c[i] == ',' && depth == 0)) {
				depth += c[i] == '(';
				depth -= c[i] == ')';
				i++;
			}
		}
	}
	return ret;
}

/* Collects the tags and enumerators the header declares (out), the macros
 * it defines (macros), and of those the ones defined as themselves
 * (selfref: `#define BPF_F_LINK BPF_F_LINK`, which uapi headers put beside
 * an enumerator so that #ifdef finds it), and the function-like ones
 * (funcs: the helper mappers, whose shape changed in 6.2). */
static int collect(const char *c, size_t n, struct names *out, struct names *macros, struct names *selfref,
		   struct names *funcs)
{
	size_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < n; i++) {
		if (!(i == 0 || !is_ident(c[i - 1])))
			continue;
		if (c[i] == '#' ) {
			size_t j = i + 1, s;

			while (j < n && (c[j] == ' ' || c[j] == '\t'))
				j++;
			if (strncmp(c + j, "define", 6) == 0 && isspace((unsigned char)c[j + 6])) {
				j += 6;
				while (j < n && (c[j] == ' ' || c[j] == '\t'))
					j++;
				for (s = j; j < n && is_ident(c[j]); j++)
					;
				ret = add(macros, c + s, j - s);
				if (ret == 0 && j > s && c[j] == '(')
					ret = add(funcs, c + s, j - s);
				if (ret == 0 && j > s && (c[j] == ' ' || c[j] == '\t')) {
					size_t v = j, w;

					while (v < n && (c[v] == ' ' || c[v] == '\t'))
						v++;
					for (w = v; w < n && is_ident(c[w]); w++)
						;
					if (w - v == j - s && strncmp(c + v, c + s, j - s) == 0)
						ret = add(selfref, c + s, j - s);
				}
			}
		} else if (strncmp(c + i, "FN(", 3) == 0) {
			/* ___BPF_FUNC_MAPPER's entries become BPF_FUNC_<name>. */
			size_t s = i + 3, j = s;
			char name[128];

			while (j < n && is_ident(c[j]))
				j++;
			/* FN(name, id, ctx) since 6.2, FN(name) before. */
			if (j > s && j - s < 100 && (c[j] == ',' || c[j] == ')')) {
				snprintf(name, sizeof(name), "BPF_FUNC_%.*s", (int)(j - s), c + s);
				ret = add(out, name, strlen(name));
			}
		} else if (!strncmp(c + i, "struct", 6) || !strncmp(c + i, "union", 5) || !strncmp(c + i, "enum", 4)) {
			size_t k = c[i] == 's' ? 6 : c[i] == 'u' ? 5 : 4, j = i + k, s, e;

			if (is_ident(c[j]))
				continue;
			while (j < n && isspace((unsigned char)c[j]))
				j++;
			for (s = j; j < n && is_ident(c[j]); j++)
				;
			e = j;
			while (j < n && isspace((unsigned char)c[j]))
				j++;
			if (j >= n || c[j] != '{')
				continue;
			if (e > s)
				ret = add(out, c + s, e - s);
			if (ret == 0 && k == 4) {
				size_t close = j;
				int depth = 0;

				for (; close < n; close++) {
					depth += c[close] == '{';
					depth -= c[close] == '}';
					if (depth == 0)
						break;
				}
				ret = enumerators(c, j + 1, close, out);
			}
		}
	}
	return ret;
}

/* Whether the line at c (code only) is `#define NAME NAME` for a name in
 * selfref; its length in *name_len. */
static const char *selfref_line(const char *c, const struct names *selfref, size_t *name_len)
{
	const char *s;

	while (*c == ' ' || *c == '\t')
		c++;
	if (*c++ != '#')
		return NULL;
	while (*c == ' ' || *c == '\t')
		c++;
	if (strncmp(c, "define", 6) != 0 || (c[6] != ' ' && c[6] != '\t'))
		return NULL;
	for (c += 6; *c == ' ' || *c == '\t'; c++)
		;
	for (s = c; is_ident(*c); c++)
		;
	*name_len = (size_t)(c - s);
	return has(selfref, s, *name_len) ? s : NULL;
}

/* Copies the body [from, to) of text, each self-referential define
 * wrapped in #ifndef: where this copy's names are renamed, the rename
 * (#define NAME __ph_NAME) must stay in force for its enumerator. */
static size_t copy_body(char *out, size_t cap, const char *text, const char *code, size_t from, size_t to,
			const struct names *selfref)
{
	size_t o = 0, i = from;

	while (i < to) {
		size_t eol = i, nl, name_len = 0;
		const char *name;

		while (eol < to && text[eol] != '\n')
			eol++;
		nl = eol < to ? 1 : 0;
		name = selfref->n ? selfref_line(code + i, selfref, &name_len) : NULL;
		if (name)
			o += (size_t)snprintf(out + o, cap - o, "#ifndef %.*s\n%.*s\n#endif\n", (int)name_len, name,
					      (int)(eol - i), text + i);
		else
			o += (size_t)snprintf(out + o, cap - o, "%.*s%s", (int)(eol - i), text + i, nl ? "\n" : "");
		i = eol + nl;
	}
	return o;
}

int bccfix_uapi_bpf(const char *tree, size_t *ret_names, char *why, size_t whylen)
{
	static const char head[] = "#ifndef " GUARD "\n#define " GUARD "\n";
	char path[PATH_MAX], tmp[PATH_MAX], *text = NULL, *code = NULL, *out = NULL, *p, *end;
	struct names names = { 0 }, macros = { 0 }, selfref = { 0 }, funcs = { 0 };
	size_t len = 0, i, o = 0, cap, renamed = 0;
	int ret;

	*ret_names = 0;
	ret = path_join(path, tree, "include/uapi/linux/bpf.h");
	if (ret == 0 && !fs_is_file(path))
		return 0;
	if (ret == 0)
		ret = fs_read_small_file(path, 16 << 20, &text, &len);
	if (ret < 0) {
		snprintf(why, whylen, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	p = strstr(text, head);
	end = p ? strstr(text, "#endif /* " GUARD " */") : NULL;
	if (!p || !end || strstr(text, OWN_GUARD)) {
		free(text);
		return 0; /* not the layout this rewrite knows, or done already */
	}
	code = code_only(text, len);
	ret = code ? collect(code, len, &names, &macros, &selfref, &funcs) : -ENOMEM;
	cap = len + names.n * 160 + selfref.n * 200 + funcs.n * 160 + 4096;
	out = ret == 0 ? malloc(cap) : NULL;
	if (ret == 0 && !out)
		ret = -ENOMEM;
	if (ret == 0) {
		o += (size_t)snprintf(out + o, cap - o, "%.*s", (int)(p - text), text);
		o += (size_t)snprintf(out + o, cap - o,
				      "#ifndef " OWN_GUARD "\n#define " OWN_GUARD "\n#ifdef " GUARD "\n"
				      "/* provision-headers: another uapi/linux/bpf.h (BCC's own, older) came first under\n"
				      " * the same guard. This one's declarations follow under names of their own, so\n"
				      " * both compile and the kernel's headers get what only this one declares. */\n");
		for (i = 0; i < names.n; i++) {
			size_t nlen = strlen(names.v[i]);

			if (has(&selfref, names.v[i], nlen)) {
				/* The other copy may define it as itself too (BCC 0.31's does). */
				o += (size_t)snprintf(out + o, cap - o, "#undef %s\n#define %s __ph_%s\n", names.v[i],
						      names.v[i], names.v[i]);
				renamed++;
			} else if (!has(&macros, names.v[i], nlen)) {
				o += (size_t)snprintf(out + o, cap - o, "#define %s __ph_%s\n", names.v[i], names.v[i]);
				renamed++;
			}
		}
		/* The other copy's mappers have another shape (FN(name) before
		 * 6.2, FN(name, id, ctx) since): this copy's replace them, for
		 * the headers of its own kernel that follow. */
		for (i = 0; i < funcs.n; i++)
			o += (size_t)snprintf(out + o, cap - o, "#undef %s\n", funcs.v[i]);
		o += (size_t)snprintf(out + o, cap - o, "#else\n#define " GUARD "\n#endif\n");
		o += copy_body(out + o, cap - o, text, code, (size_t)(p - text) + sizeof(head) - 1, (size_t)(end - text),
			       &selfref);
		end += strlen("#endif /* " GUARD " */");
		o += (size_t)snprintf(out + o, cap - o, "#endif /* " OWN_GUARD " */%s", end);
		ret = path_format(tmp, "%s.ph-bcc", path);
		if (ret == 0)
			ret = fs_write_file(tmp, out, o);
		if (ret == 0 && rename(tmp, path) < 0) {
			ret = -errno;
			unlink(tmp);
		}
		if (ret < 0)
			snprintf(why, whylen, "cannot rewrite %s: %s", path, strerror(-ret));
	} else {
		snprintf(why, whylen, "%s: out of memory", path);
	}
	if (ret == 0)
		*ret_names = renamed;
	names_free(&names);
	names_free(&macros);
	names_free(&selfref);
	names_free(&funcs);
	free(out);
	free(code);
	free(text);
	return ret;
}
