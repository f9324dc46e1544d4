#include "lib/kconfig/kconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kconfig's symbol hash (FNV-1 32-bit) and table size. */
static unsigned strhash(const char *s)
{
	uint32_t hash = 2166136261U;

	for (; *s; s++)
		hash = (hash ^ (unsigned char)*s) * 0x01000193;
	return hash;
}
#define KCONFIG_HASHSIZE 9973

/* Rebuilds the name index at twice the capacity. */
static int reindex(struct kconfig *kc)
{
	size_t size = kc->index_size ? kc->index_size * 2 : 4096, i;
	size_t *index = calloc(size, sizeof(*index));

	if (!index)
		return -ENOMEM;
	for (i = 0; i < kc->n; i++) {
		size_t h = strhash(kc->syms[i].name) & (size - 1);

		while (index[h])
			h = (h + 1) & (size - 1);
		index[h] = i + 1;
	}
	free(kc->index);
	kc->index = index;
	kc->index_size = size;
	return 0;
}

void kconfig_free(struct kconfig *kc)
{
	size_t i;

	for (i = 0; i < kc->n; i++) {
		free(kc->syms[i].name);
		free(kc->syms[i].value);
	}
	free(kc->syms);
	free(kc->index);
	memset(kc, 0, sizeof(*kc));
}

static struct kconfig_sym *find(const struct kconfig *kc, const char *name)
{
	size_t h;

	if (!kc->index_size)
		return NULL;
	for (h = strhash(name) & (kc->index_size - 1); kc->index[h]; h = (h + 1) & (kc->index_size - 1))
		if (strcmp(kc->syms[kc->index[h] - 1].name, name) == 0)
			return &kc->syms[kc->index[h] - 1];
	return NULL;
}

const char *kconfig_get(const struct kconfig *kc, const char *name)
{
	struct kconfig_sym *s = find(kc, name);

	return s ? s->value : NULL;
}

int kconfig_set(struct kconfig *kc, const char *name, const char *value)
{
	struct kconfig_sym *s = find(kc, name);
	char *v = value ? strdup(value) : NULL;

	if (value && !v)
		return -ENOMEM;
	if (s) {
		free(s->value);
		s->value = v;
		return 0;
	}
	if (kc->n == kc->cap) {
		size_t cap = kc->cap ? kc->cap * 2 : 1024;
		struct kconfig_sym *bigger = realloc(kc->syms, cap * sizeof(*bigger));

		if (!bigger) {
			free(v);
			return -ENOMEM;
		}
		kc->syms = bigger;
		kc->cap = cap;
	}
	kc->syms[kc->n].name = strdup(name);
	kc->syms[kc->n].value = v;
	if (!kc->syms[kc->n].name) {
		free(v);
		return -ENOMEM;
	}
	kc->n++;
	/* Kept at most half full. */
	if (kc->n * 2 > kc->index_size)
		return reindex(kc);
	{
		size_t h = strhash(name) & (kc->index_size - 1);

		while (kc->index[h])
			h = (h + 1) & (kc->index_size - 1);
		kc->index[h] = kc->n;
	}
	return 0;
}

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
		p = eol ? eol + 1 : p + n;
	}
	return 0;
}

/* "SYMBOL VALUE" lines: symbols newer kernels dropped because they are
 * always on; a tree that still tests them gets VALUE. */
static int apply_implied(struct kconfig *base, const struct kconfig *over, const char *implied)
{
	const char *p = implied ? implied : "";

	while (*p) {
		char name[128], value[128];
		const char *eol = strchr(p, '\n');
		int ret;

		if (*p != '#' && sscanf(p, "%127s %127s", name, value) == 2 && !find(over, name) && find(base, name))
			if ((ret = kconfig_set(base, name, value)) < 0)
				return ret;
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}

int kconfig_merge(struct kconfig *base, const struct kconfig *over, const char *renames, const char *implied)
{
	const char *p = renames ? renames : "";
	size_t i;
	int ret;

	for (i = 0; i < over->n; i++) {
		ret = kconfig_set(base, over->syms[i].name, over->syms[i].value);
		if (ret < 0)
			return ret;
	}
	/* A bool or tristate the running kernel's config lacks is off there:
	 * kconfig leaves out every symbol whose dependencies are unmet.
	 * Keeping the candidate's y gives headers an impossible mix, e.g.
	 * MODULE_SIG=y with MODULES off, which does not compile. Values
	 * (numbers, strings) are kept: headers use them as values, and a
	 * symbol the running kernel dropped (BASE_SMALL, an int until 6.x)
	 * would otherwise become an undeclared identifier. */
	for (i = 0; i < base->n; i++) {
		const char *v = base->syms[i].value;

		if (!find(over, base->syms[i].name) && v && (strcmp(v, "y") == 0 || strcmp(v, "m") == 0)) {
			free(base->syms[i].value);
			base->syms[i].value = NULL;
		}
	}
	/* "OLD NEW": the running kernel's value under one name also sets the
	 * other name, when the tree only knows that one. */
	while (*p) {
		char old[128], new[128];
		const char *eol = strchr(p, '\n');

		if (*p != '#' && sscanf(p, "%127s %127s", old, new) == 2) {
			const char *nv = kconfig_get(over, new), *ov = kconfig_get(over, old);

			if (find(over, new) && !find(over, old) && find(base, old))
				if ((ret = kconfig_set(base, old, nv)) < 0)
					return ret;
			if (find(over, old) && !find(over, new) && find(base, new))
				if ((ret = kconfig_set(base, new, ov)) < 0)
					return ret;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	if (over->title[0])
		snprintf(base->title, sizeof(base->title), "%s", over->title);
	return apply_implied(base, over, implied);
}

/* A growable text buffer. */
struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

static void append(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if (t->buf && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = (t->cap ? t->cap : 65536) * 2 + (size_t)n;
			char *bigger = realloc(t->buf, cap);

			if (!bigger) {
				t->failed = 1;
				return;
			}
			t->buf = bigger;
			t->cap = cap;
		}
	}
}

static char *finish(struct text *t)
{
	if (t->failed) {
		free(t->buf);
		return NULL;
	}
	if (!t->buf)
		return strdup("");
	return t->buf;
}

struct order_entry {
	size_t sym;  /* index into kc->syms */
	long ref;    /* position in the reference, or -1 */
	unsigned bucket;
};

static int by_order(const void *a, const void *b)
{
	const struct order_entry *x = a, *y = b;

	if ((x->ref >= 0) != (y->ref >= 0))
		return x->ref >= 0 ? -1 : 1;
	if (x->ref >= 0)
		return x->ref < y->ref ? -1 : x->ref > y->ref;
	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	/* Later symbols sit first in a bucket: they were prepended. */
	return x->sym > y->sym ? -1 : x->sym < y->sym;
}

/* An order reference (autoconf.h or auto.conf), parsed once: each
 * symbol's position, and whether it was written as hex. */
struct ref_info {
	struct kconfig pos; /* value: position as decimal text; "x" suffix when hex */
};

static void parse_ref(const char *ref, struct kconfig *out)
{
	const char *p = ref;
	long line = 0;

	memset(out, 0, sizeof(*out));
	while (p && *p) {
		const char *name = NULL, *eol = strchr(p, '\n');
		size_t n = 0;
		int hex = 0;

		if (strncmp(p, "#define CONFIG_", 15) == 0)
			name = p + 15;
		else if (strncmp(p, "CONFIG_", 7) == 0)
			name = p + 7;
		if (name) {
			char nm[256], pos[32];

			while (isalnum((unsigned char)name[n]) || name[n] == '_')
				n++;
			hex = strncmp(name + n, " 0x", 3) == 0 || strncmp(name + n, "=0x", 3) == 0;
			if (n >= 7 && strncmp(name + n - 7, "_MODULE", 7) == 0 && strncmp(name + n, " 1", 2) == 0)
				n -= 7;
			if (n < sizeof(nm)) {
				snprintf(nm, sizeof(nm), "%.*s", (int)n, name);
				snprintf(pos, sizeof(pos), "%ld%s", line, hex ? "x" : "");
				if (!find(out, nm))
					kconfig_set(out, nm, pos);
			}
		}
		line++;
		p = eol ? eol + 1 : NULL;
	}
}

static struct order_entry *ordered(const struct kconfig *kc, const struct kconfig *ref)
{
	struct order_entry *e = calloc(kc->n ? kc->n : 1, sizeof(*e));
	size_t i;

	if (!e)
		return NULL;
	for (i = 0; i < kc->n; i++) {
		const char *pos = ref ? kconfig_get(ref, kc->syms[i].name) : NULL;

		e[i].sym = i;
		e[i].bucket = strhash(kc->syms[i].name) % KCONFIG_HASHSIZE;
		e[i].ref = pos ? strtol(pos, NULL, 10) : -1;
	}
	qsort(e, kc->n, sizeof(*e), by_order);
	return e;
}

/* kconfig writes hex symbols with their 0x; .config may lack it. */
static int needs_hex_prefix(const struct kconfig *ref, const char *name, const char *value)
{
	const char *pos = ref ? kconfig_get(ref, name) : NULL;
	const char *v = value;

	if (!pos || !strchr(pos, 'x') || (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')))
		return 0;
	for (; *v; v++)
		if (!isxdigit((unsigned char)*v))
			return 0;
	return 1;
}

static int is_set(const char *v)
{
	return v && strcmp(v, "n") != 0;
}

/* The symbols in writing order; ref is parsed from order_ref (and must
 * be freed with kconfig_free) when order_ref is given. */
static struct order_entry *begin_ordered(const struct kconfig *kc, const char *order_ref, struct kconfig *ref)
{
	struct order_entry *e;

	memset(ref, 0, sizeof(*ref));
	if (order_ref)
		parse_ref(order_ref, ref);
	e = ordered(kc, order_ref ? ref : NULL);
	if (!e)
		kconfig_free(ref);
	return e;
}

char *kconfig_write_autoconf(const struct kconfig *kc, const char *order_ref)
{
	struct kconfig ref;
	struct order_entry *e = begin_ordered(kc, order_ref, &ref);
	struct text t = { 0 };
	size_t i;

	if (!e)
		return NULL;
	append(&t, "/*\n * Automatically generated file; DO NOT EDIT.\n * %s\n */\n", kc->title);
	for (i = 0; i < kc->n; i++) {
		const struct kconfig_sym *s = &kc->syms[e[i].sym];

		if (!is_set(s->value))
			continue;
		if (strcmp(s->value, "y") == 0)
			append(&t, "#define CONFIG_%s 1\n", s->name);
		else if (strcmp(s->value, "m") == 0)
			append(&t, "#define CONFIG_%s_MODULE 1\n", s->name);
		else
			append(&t, "#define CONFIG_%s %s%s\n", s->name,
			       needs_hex_prefix(order_ref ? &ref : NULL, s->name, s->value) ? "0x" : "", s->value);
	}
	free(e);
	kconfig_free(&ref);
	return finish(&t);
}

char *kconfig_write_auto_conf(const struct kconfig *kc, const char *order_ref)
{
	struct kconfig ref;
	struct order_entry *e = begin_ordered(kc, order_ref, &ref);
	struct text t = { 0 };
	size_t i;

	kconfig_free(&ref);
	if (!e)
		return NULL;
	append(&t, "#\n# Automatically generated file; DO NOT EDIT.\n# %s\n#\n", kc->title);
	for (i = 0; i < kc->n; i++) {
		const struct kconfig_sym *s = &kc->syms[e[i].sym];

		if (!is_set(s->value))
			continue;
		if (s->value[0] == '"') {
			/* auto.conf is read by make: strings go in unquoted, unescaped. */
			const char *v = s->value + 1;

			append(&t, "CONFIG_%s=", s->name);
			for (; *v && !(v[0] == '"' && v[1] == '\0'); v++) {
				if (*v == '\\' && v[1])
					v++;
				append(&t, "%c", *v);
			}
			append(&t, "\n");
		} else {
			append(&t, "CONFIG_%s=%s\n", s->name, s->value);
		}
	}
	free(e);
	return finish(&t);
}

char *kconfig_write_dotconfig(const struct kconfig *kc)
{
	struct text t = { 0 };
	size_t i;

	append(&t, "#\n# Automatically generated file; DO NOT EDIT.\n# %s\n#\n", kc->title);
	for (i = 0; i < kc->n; i++) {
		if (kc->syms[i].value)
			append(&t, "CONFIG_%s=%s\n", kc->syms[i].name, kc->syms[i].value);
		else
			append(&t, "# CONFIG_%s is not set\n", kc->syms[i].name);
	}
	return finish(&t);
}

/* timeconst.bc, in 128-bit integers. */
typedef unsigned __int128 u128;

static u128 gcd(u128 a, u128 b)
{
	while (b) {
		u128 t = b;

		b = a % b;
		a = t;
	}
	return a;
}

static u128 fmul(unsigned b, u128 n, u128 d)
{
	return (((u128)1 << b) * n + d - 1) / d;
}

static u128 fadj(unsigned b, u128 n, u128 d)
{
	d = d / gcd(n, d);
	return ((u128)1 << b) * (d - 1) / d;
}

static unsigned fmuls(unsigned b, u128 n, u128 d)
{
	unsigned s;

	for (s = 0; s < 100; s++)
		if (fmul(s, n, d) >= ((u128)1 << (b - 1)))
			return s;
	return 0;
}

static void hex_define(struct text *t, const char *name, u128 v)
{
	append(t, "#define %s\tU64_C(0x%llX)\n", name, (unsigned long long)v);
}

static void conversion(struct text *t, const char *to, const char *from, unsigned hz, unsigned long long unit)
{
	char name[64];
	unsigned s = fmuls(32, unit, hz);

	snprintf(name, sizeof(name), "HZ_TO_%s_MUL32", to);
	hex_define(t, name, fmul(s, unit, hz));
	snprintf(name, sizeof(name), "HZ_TO_%s_ADJ32", to);
	hex_define(t, name, fadj(s, unit, hz));
	append(t, "#define HZ_TO_%s_SHR32\t%u\n", to, s);
	s = fmuls(32, hz, unit);
	snprintf(name, sizeof(name), "%s_TO_HZ_MUL32", from);
	hex_define(t, name, fmul(s, hz, unit));
	snprintf(name, sizeof(name), "%s_TO_HZ_ADJ32", from);
	hex_define(t, name, fadj(s, hz, unit));
	append(t, "#define %s_TO_HZ_SHR32\t%u\n", from, s);
}

static void ratios(struct text *t, const char *to, unsigned hz, unsigned long long unit)
{
	unsigned long long cd = (unsigned long long)gcd(hz, unit);

	append(t, "#define HZ_TO_%s_NUM\t\t%llu\n", to, unit / cd);
	append(t, "#define HZ_TO_%s_DEN\t\t%llu\n", to, hz / cd);
	append(t, "#define %s_TO_HZ_NUM\t\t%llu\n", to, hz / cd);
	append(t, "#define %s_TO_HZ_DEN\t\t%llu\n", to, unit / cd);
}

char *kconfig_timeconst(unsigned hz)
{
	struct text t = { 0 };

	append(&t, "/* Automatically generated by kernel/time/timeconst.bc */\n"
		   "/* Time conversion constants for HZ == %u */\n\n"
		   "#ifndef KERNEL_TIMECONST_H\n#define KERNEL_TIMECONST_H\n\n"
		   "#include <linux/param.h>\n#include <linux/types.h>\n\n"
		   "#if HZ != %u\n#error \"include/generated/timeconst.h has the wrong HZ value!\"\n#endif\n\n",
	       hz, hz);
	if (hz < 2) {
		append(&t, "#error Totally bogus HZ value!\n");
	} else {
		conversion(&t, "MSEC", "MSEC", hz, 1000);
		ratios(&t, "MSEC", hz, 1000);
		append(&t, "\n");
		conversion(&t, "USEC", "USEC", hz, 1000000);
		ratios(&t, "USEC", hz, 1000000);
		ratios(&t, "NSEC", hz, 1000000000);
		append(&t, "\n#endif /* KERNEL_TIMECONST_H */\n");
	}
	return finish(&t);
}
