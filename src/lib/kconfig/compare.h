/* Whether two configurations agree: the host's running configuration
 * against the one a downloaded tree was built with. */
#ifndef PH_KCONFIG_COMPARE_H
#define PH_KCONFIG_COMPARE_H

#include "lib/kconfig/kconfig.h"

/* The number of symbols whose values differ ("is not set" and absent are
 * the same: both leave the symbol undefined in autoconf.h); the first
 * such symbol's name into *first (NULL when none), pointing into a or b. */
size_t kconfig_differences(const struct kconfig *a, const struct kconfig *b, const char **first);

#endif
