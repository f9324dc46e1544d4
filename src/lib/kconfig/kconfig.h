/* Kernel configuration symbols: the table every kconfig file works on
 * (parse.h reads .config text into it, merge.h applies the running
 * kernel's configuration over a candidate's, write.h writes what kconfig
 * writes from it, timeconst.h the HZ-derived header). */
#ifndef PH_KCONFIG_H
#define PH_KCONFIG_H

#include <stddef.h>

struct kconfig_sym {
	char *name;  /* without CONFIG_ */
	char *value; /* as written after '=' (strings keep quotes and escapes); NULL: "is not set" */
};

struct kconfig {
	struct kconfig_sym *syms;
	size_t n, cap;
	size_t *index;      /* open-addressing table of syms positions + 1 */
	size_t index_size;
	char title[256]; /* "Linux/x86 6.1.192 Kernel Configuration", or "" */
};

void kconfig_free(struct kconfig *kc);
/* The value; NULL when the symbol is "is not set" or absent. */
const char *kconfig_get(const struct kconfig *kc, const char *name);
/* Whether the symbol is there at all ("is not set" counts). */
int kconfig_has(const struct kconfig *kc, const char *name);
/* Sets (value NULL: "is not set") or adds the symbol, in insertion order. */
int kconfig_set(struct kconfig *kc, const char *name, const char *value);
/* kconfig's own symbol hash (FNV-1, 32 bits): its tables, and so the
 * order it writes symbols in, follow it. */
unsigned kconfig_symbol_hash(const char *name);

#endif
