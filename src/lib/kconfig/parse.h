/* Reading .config text into a kconfig symbol table. */
#ifndef PH_KCONFIG_PARSE_H
#define PH_KCONFIG_PARSE_H

#include "lib/kconfig/kconfig.h"

/* Parses .config text: "CONFIG_X=value" split at the first '=', quoted
 * strings kept intact with their escapes, "# CONFIG_X is not set",
 * comments and blank lines. -EINVAL (why names the line) for anything
 * else. A symbol set twice keeps the last value, as kconfig does. */
int kconfig_parse(const char *text, struct kconfig *kc, char *why, size_t whylen);

#endif
