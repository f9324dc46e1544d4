#include "lib/btf/oldbody.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Words that follow a member's name or type but are not names. */
static const char *const not_names[] = {
	"const", "volatile", "struct", "union", "enum", "unsigned", "signed", "int", "long", "short", "char",
	"__rcu", "__user", "__iomem", "__percpu", "__force", "__randomize_layout", "__packed", "__private",
	"__data_racy", "__aligned_largest", "____cacheline_aligned", "____cacheline_aligned_in_smp",
	"__cacheline_aligned", "__cacheline_aligned_in_smp", "__read_mostly", "__no_randomize_layout", "__nocast",
	"__bitwise", "__attribute__", "__rcu_tag",
};

static int is_not_name(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(not_names) / sizeof(not_names[0]); i++)
		if (strcmp(w, not_names[i]) == 0)
			return 1;
	return 0;
}

static int add_item(struct ob_list *l, int is_pp, const char *text, size_t len)
{
	struct ob_item *it;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct ob_item *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	it = &l->v[l->n];
	memset(it, 0, sizeof(*it));
	it->is_pp = is_pp;
	/* len bytes, whatever they hold: strndup would stop at a NUL byte in a
	 * hostile header, and the callers index up to len. */
	it->text = malloc(len + 1);
	if (!it->text)
		return -ENOMEM;
	memcpy(it->text, text, len);
	it->text[len] = '\0';
	l->n++;
	return 0;
}

/* Scans [from, to) for the declared name of one declarator. */
static void declarator_name(const char *t, size_t from, size_t to, char *out)
{
	const char *fp = NULL;
	size_t i, k;

	out[0] = '\0';
	for (i = from; i + 1 < to; i++)
		if (t[i] == '(' ) {
			size_t j = i + 1;

			while (j < to && isspace((unsigned char)t[j]))
				j++;
			if (j < to && t[j] == '*') {
				fp = t + j + 1;
				break;
			}
		}
	if (fp) { /* a function pointer: the name follows "(*" */
		i = (size_t)(fp - t);
		while (i < to) {
			while (i < to && (isspace((unsigned char)t[i]) || t[i] == '*'))
				i++;
			for (k = 0; i + k < to && cs_is_ident_char(t[i + k]); k++)
				;
			if (!k || k >= CS_NAME_MAX)
				return;
			memcpy(out, t + i, k);
			out[k] = '\0';
			if (!is_not_name(out))
				return;
			out[0] = '\0';
			i += k;
		}
		return;
	}
	/* The name ends before '[', ':' (a bitfield) or '='. */
	for (i = from; i < to && t[i] != '[' && t[i] != ':' && t[i] != '='; i++)
		;
	to = i;
	i = from;
	while (i < to) {
		char w[CS_NAME_MAX];

		for (k = 0; i + k < to && cs_is_ident_char(t[i + k]); k++)
			;
		if (k == 0) {
			i++;
			continue;
		}
		snprintf(w, sizeof(w), "%.*s", (int)k, t + i);
		i += k;
		while (i < to && isspace((unsigned char)t[i]))
			i++;
		if (i < to && t[i] == '(') { /* a macro with arguments: skip both */
			int d = 0;

			while (i < to) {
				d += t[i] == '(';
				d -= t[i] == ')';
				i++;
				if (!d)
					break;
			}
			continue;
		}
		if (!isdigit((unsigned char)w[0]) && !is_not_name(w))
			snprintf(out, CS_NAME_MAX, "%s", w);
	}
}

/* Names of a declaration statement: declarators split at top-level commas.
 * The first declarator's last word may be its type (a macro statement). */
static void statement_names(struct ob_item *it)
{
	const char *t = it->text;
	size_t n = strlen(t), i, from = 0;
	int depth = 0, words = 0;

	for (i = 0; i < n; i++)
		if (cs_is_ident_char(t[i]) && (i == 0 || !cs_is_ident_char(t[i - 1])))
			words++;
	for (i = 0; i <= n; i++) {
		if (i < n && (t[i] == '(' || t[i] == '[' || t[i] == '{'))
			depth++;
		else if (i < n && (t[i] == ')' || t[i] == ']' || t[i] == '}'))
			depth--;
		if (i == n || (t[i] == ',' && depth == 0)) {
			char name[CS_NAME_MAX];

			declarator_name(t, from, i, name);
			if (name[0] && it->n_names < OB_MAX_NAMES)
				snprintf(it->names[it->n_names++], CS_NAME_MAX, "%s", name);
			from = i + 1;
		}
	}
	/* A lone type, or "MACRO(a, b)" as the whole statement: no declared
	 * name we can trust. */
	if (words < 2)
		it->n_names = 0;
	for (i = 0; i < n && (cs_is_ident_char(t[i]) || isspace((unsigned char)t[i])); i++)
		;
	if (i < n && t[i] == '(' && i > 0) {
		depth = 0;
		for (; i < n; i++) {
			depth += t[i] == '(';
			depth -= t[i] == ')';
			if (!depth)
				break;
		}
		for (i++; i < n && isspace((unsigned char)t[i]); i++)
			;
		if (i >= n)
			it->n_names = 0;
	}
}

static int parse_clean(const char *t, size_t n, struct ob_list *out)
{
	size_t i = 0;
	int ret;

	while (i < n) {
		size_t start, brace_open = 0, brace_close = 0;
		int depth = 0, has_brace = 0, line_start;

		while (i < n && isspace((unsigned char)t[i]))
			i++;
		if (i >= n)
			break;
		line_start = 1;
		for (start = i; start > 0 && t[start - 1] != '\n'; start--)
			if (!isspace((unsigned char)t[start - 1]))
				line_start = 0;
		if (t[i] == '#' && line_start) {
			start = i;
			while (i < n && !(t[i] == '\n' && t[i - 1] != '\\'))
				i++;
			ret = add_item(out, 1, t + start, i - start);
			if (ret < 0)
				return ret;
			continue;
		}
		start = i;
		while (i < n) {
			if (t[i] == '(' || t[i] == '[')
				depth++;
			else if (t[i] == ')' || t[i] == ']')
				depth--;
			else if (t[i] == '{' && depth == 0 && !has_brace) {
				has_brace = 1;
				brace_open = i;
				if (cs_match_brace(t, n, i, &brace_close) < 0)
					return -EINVAL;
				i = brace_close + 1;
				continue;
			} else if (t[i] == ';' && depth == 0)
				break;
			i++;
		}
		if (has_brace) {
			char name[CS_NAME_MAX];

			declarator_name(t, brace_close + 1, i, name);
			if (name[0]) {
				ret = add_item(out, 0, t + start, i - start + (i < n));
				if (ret < 0)
					return ret;
				snprintf(out->v[out->n - 1].names[0], CS_NAME_MAX, "%s", name);
				out->v[out->n - 1].n_names = 1;
			} else {
				ret = parse_clean(t + brace_open + 1, brace_close - brace_open - 1, out);
				if (ret < 0)
					return ret;
			}
		} else if (i > start) {
			ret = add_item(out, 0, t + start, i - start + (i < n));
			if (ret < 0)
				return ret;
			out->v[out->n - 1].text[i - start] = '\0'; /* names without the ';' */
			statement_names(&out->v[out->n - 1]);
			if (i < n)
				strcat(out->v[out->n - 1].text, ";");
		}
		i++;
	}
	return 0;
}

int ob_parse(const char *body, size_t len, struct ob_list *out)
{
	char *clean = malloc(len + 1);
	size_t i = 0, o = 0;
	int ret;

	if (!clean)
		return -ENOMEM;
	/* Comments become one space (newlines inside kept, for '#' lines). */
	while (i < len) {
		if (i + 1 < len && body[i] == '/' && (body[i + 1] == '*' || body[i + 1] == '/')) {
			size_t j = cs_skip_noncode(body, len, i);

			clean[o++] = ' ';
			for (; i < j; i++)
				if (body[i] == '\n')
					clean[o++] = '\n';
			continue;
		}
		clean[o++] = body[i++];
	}
	clean[o] = '\0';
	memset(out, 0, sizeof(*out));
	ret = parse_clean(clean, o, out);
	free(clean);
	if (ret < 0)
		ob_free(out);
	return ret;
}

void ob_free(struct ob_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const struct {
	const char *word;
	int size;
} scalar_sizes[] = {
	{ "char", 1 }, { "bool", 1 }, { "_Bool", 1 }, { "u8", 1 }, { "s8", 1 }, { "__u8", 1 }, { "__s8", 1 },
	{ "short", 2 }, { "u16", 2 }, { "s16", 2 }, { "__u16", 2 }, { "__s16", 2 }, { "umode_t", 2 },
	{ "__le16", 2 }, { "__be16", 2 },
	{ "int", 4 }, { "u32", 4 }, { "s32", 4 }, { "__u32", 4 }, { "__s32", 4 }, { "atomic_t", 4 },
	{ "refcount_t", 4 }, { "pid_t", 4 }, { "uid_t", 4 }, { "gid_t", 4 }, { "kuid_t", 4 }, { "kgid_t", 4 },
	{ "gfp_t", 4 }, { "fmode_t", 4 }, { "dev_t", 4 }, { "__le32", 4 }, { "__be32", 4 }, { "enum", 4 },
	{ "long", 8 }, { "u64", 8 }, { "s64", 8 }, { "__u64", 8 }, { "__s64", 8 }, { "atomic64_t", 8 },
	{ "atomic_long_t", 8 }, { "ktime_t", 8 }, { "time64_t", 8 }, { "loff_t", 8 }, { "sector_t", 8 },
	{ "size_t", 8 }, { "ssize_t", 8 }, { "blkcnt_t", 8 }, { "phys_addr_t", 8 }, { "dma_addr_t", 8 },
};

int ob_scalar_size(const struct ob_item *it)
{
	const char *p = it->text;
	int size = -1, longs = 0;

	if (it->is_pp || it->n_names != 1 || strchr(p, '[') || strchr(p, ':') || strchr(p, '{') || strchr(p, '('))
		return -1;
	if (strchr(p, '*'))
		return 8;
	while (*p) {
		char w[CS_NAME_MAX];
		size_t i;

		if (!cs_is_ident_char(*p)) {
			p++;
			continue;
		}
		p += cs_take_word(p, w, sizeof(w));
		if (strcmp(w, it->names[0]) == 0)
			break;
		if (strcmp(w, "enum") == 0)
			return 4;
		if (!strcmp(w, "unsigned") || !strcmp(w, "signed") || !strcmp(w, "const") || !strcmp(w, "volatile"))
			continue;
		longs += strcmp(w, "long") == 0;
		for (i = 0; i < sizeof(scalar_sizes) / sizeof(scalar_sizes[0]); i++)
			if (strcmp(w, scalar_sizes[i].word) == 0)
				break;
		if (i == sizeof(scalar_sizes) / sizeof(scalar_sizes[0]))
			return -1;
		if (scalar_sizes[i].size > size)
			size = scalar_sizes[i].size;
	}
	if (size < 0 && strstr(it->text, "unsigned"))
		size = 4; /* "unsigned x" */
	return longs > 0 ? 8 : size;
}

const struct ob_item *ob_find(const struct ob_list *l, const char *name)
{
	size_t i;

	for (i = 0; l && i < l->n; i++)
		if (!l->v[i].is_pp && l->v[i].n_names == 1 && strcmp(l->v[i].names[0], name) == 0)
			return &l->v[i];
	return NULL;
}

/* Words a small scalar declaration is made of. */
static const char *const scalar_words[] = {
	"unsigned", "signed", "int", "long", "short", "char", "_Bool", "bool", "const", "volatile", "enum",
	"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16",
	"__s32", "__s64", "size_t", "ssize_t", "pid_t", "uid_t", "gid_t", "loff_t", "atomic_t", "refcount_t",
	"__rcu", "__user", "__iomem", "__percpu", "kuid_t", "kgid_t", "gfp_t", "fmode_t", "umode_t", "dev_t",
	"atomic_long_t", "atomic64_t", "ktime_t", "time64_t", "sector_t", "blkcnt_t", "phys_addr_t", "dma_addr_t",
	"spinlock_t", "raw_spinlock_t", "seqcount_t", "unsigned_long",
};

/* A member the kernel lacks may stay only if it cannot make the struct
 * larger than the kernel's: a pointer or a small scalar, no array. */
int ob_keepable(const struct ob_item *it)
{
	const char *p = it->text;
	int k;

	if (strchr(p, '[') || strchr(p, '{'))
		return 0;
	if (strchr(p, '*'))
		return 1;
	while (*p) {
		char w[CS_NAME_MAX];
		size_t i;
		int known = 0;

		if (!cs_is_ident_char(*p) || (p > it->text && cs_is_ident_char(p[-1]))) {
			if (*p == ':')
				return 1; /* a bitfield: its type was checked */
			p++;
			continue;
		}
		p += cs_take_word(p, w, sizeof(w));
		for (k = 0; k < it->n_names; k++)
			known |= strcmp(w, it->names[k]) == 0;
		for (i = 0; i < sizeof(scalar_words) / sizeof(scalar_words[0]); i++)
			known |= strcmp(w, scalar_words[i]) == 0;
		if (!known && strncmp(w, "enum", 4) != 0) {
			/* "enum foo x": the tag after enum is fine too. */
			const char *q = it->text;

			if (!strstr(q, "enum "))
				return 0;
		}
	}
	return 1;
}
