/* The policy that gives a close-match tree the running kernel's
 * configuration. */
#ifndef PH_KCONFIG_MERGE_H
#define PH_KCONFIG_MERGE_H

#include "lib/kconfig/kconfig.h"

/* The running kernel's symbols over the candidate's: every symbol of over
 * replaces base's (including "is not set"); of the symbols only base has,
 * values (numbers, strings) are kept and bools/tristates turned off (see
 * merge.c for why); renames (pairs "OLD NEW") carry a value across a
 * rename in either direction; implied ("SYMBOL VALUE" lines) gives symbols
 * the running kernel dropped as always-on their value. over's title wins. */
int kconfig_merge(struct kconfig *base, const struct kconfig *over, const char *renames, const char *implied);

#endif
