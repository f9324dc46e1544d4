/* Kernel configuration: parsing .config text and writing what kconfig
 * writes from it (include/generated/autoconf.h, include/config/auto.conf,
 * .config), so a close-match tree can take on the running kernel's
 * configuration. */
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

/* Parses .config text: "CONFIG_X=value" split at the first '=', quoted
 * strings kept intact with their escapes, "# CONFIG_X is not set",
 * comments and blank lines. -EINVAL (why names the line) for anything
 * else. A symbol set twice keeps the last value, as kconfig does. */
int kconfig_parse(const char *text, struct kconfig *kc, char *why, size_t whylen);
void kconfig_free(struct kconfig *kc);
const char *kconfig_get(const struct kconfig *kc, const char *name);
int kconfig_set(struct kconfig *kc, const char *name, const char *value);

/* The running kernel's symbols over the candidate's: every symbol of over
 * replaces base's (including "is not set"); of the symbols only base has,
 * values (numbers, strings) are kept and bools/tristates turned off (see
 * kconfig.c for why); renames (pairs "OLD NEW") carry a value across a
 * rename in either direction; implied ("SYMBOL VALUE" lines) gives symbols
 * the running kernel dropped as always-on their value. over's title wins. */
int kconfig_merge(struct kconfig *base, const struct kconfig *over, const char *renames, const char *implied);

/* Writers; the caller frees the text. order_ref, when not NULL, is an
 * existing autoconf.h or auto.conf whose symbol order is kept (kconfig
 * writes in its hash table's order, which depends on the Kconfig parse
 * order that header packages do not ship); symbols it lacks follow in
 * kconfig's hash order. */
char *kconfig_write_autoconf(const struct kconfig *kc, const char *order_ref);
char *kconfig_write_auto_conf(const struct kconfig *kc, const char *order_ref);
char *kconfig_write_dotconfig(const struct kconfig *kc);

/* include/generated/timeconst.h for HZ, as kernel/time/timeconst.bc
 * computes it. */
char *kconfig_timeconst(unsigned hz);

#endif
