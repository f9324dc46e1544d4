#include "lib/kconfig/write.h"

#include "util/textbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The size of kconfig's symbol hash table: symbols the order reference
 * lacks follow in its bucket order. */
#define KCONFIG_HASHSIZE 9973

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

/* An order reference (autoconf.h or auto.conf), parsed once into a
 * table: each symbol's value is its position as decimal text, with an "x"
 * suffix when it was written as hex. */
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
				if (!kconfig_has(out, nm))
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
		e[i].bucket = kconfig_symbol_hash(kc->syms[i].name) % KCONFIG_HASHSIZE;
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
	struct textbuf t = { 0 };
	size_t i;

	if (!e)
		return NULL;
	textbuf_printf(&t, "/*\n * Automatically generated file; DO NOT EDIT.\n * %s\n */\n", kc->title);
	for (i = 0; i < kc->n; i++) {
		const struct kconfig_sym *s = &kc->syms[e[i].sym];

		if (!is_set(s->value))
			continue;
		if (strcmp(s->value, "y") == 0)
			textbuf_printf(&t, "#define CONFIG_%s 1\n", s->name);
		else if (strcmp(s->value, "m") == 0)
			textbuf_printf(&t, "#define CONFIG_%s_MODULE 1\n", s->name);
		else
			textbuf_printf(&t, "#define CONFIG_%s %s%s\n", s->name,
				       needs_hex_prefix(order_ref ? &ref : NULL, s->name, s->value) ? "0x" : "", s->value);
	}
	free(e);
	kconfig_free(&ref);
	return textbuf_finish(&t);
}

char *kconfig_write_auto_conf(const struct kconfig *kc, const char *order_ref)
{
	struct kconfig ref;
	struct order_entry *e = begin_ordered(kc, order_ref, &ref);
	struct textbuf t = { 0 };
	size_t i;

	kconfig_free(&ref);
	if (!e)
		return NULL;
	textbuf_printf(&t, "#\n# Automatically generated file; DO NOT EDIT.\n# %s\n#\n", kc->title);
	for (i = 0; i < kc->n; i++) {
		const struct kconfig_sym *s = &kc->syms[e[i].sym];

		if (!is_set(s->value))
			continue;
		if (s->value[0] == '"') {
			/* auto.conf is read by make: strings go in unquoted, unescaped. */
			const char *v = s->value + 1;

			textbuf_printf(&t, "CONFIG_%s=", s->name);
			for (; *v && !(v[0] == '"' && v[1] == '\0'); v++) {
				if (*v == '\\' && v[1])
					v++;
				textbuf_printf(&t, "%c", *v);
			}
			textbuf_printf(&t, "\n");
		} else {
			textbuf_printf(&t, "CONFIG_%s=%s\n", s->name, s->value);
		}
	}
	free(e);
	return textbuf_finish(&t);
}

char *kconfig_write_dotconfig(const struct kconfig *kc)
{
	struct textbuf t = { 0 };
	size_t i;

	textbuf_printf(&t, "#\n# Automatically generated file; DO NOT EDIT.\n# %s\n#\n", kc->title);
	for (i = 0; i < kc->n; i++) {
		if (kc->syms[i].value)
			textbuf_printf(&t, "CONFIG_%s=%s\n", kc->syms[i].name, kc->syms[i].value);
		else
			textbuf_printf(&t, "# CONFIG_%s is not set\n", kc->syms[i].name);
	}
	return textbuf_finish(&t);
}
