/* Writing what kconfig writes from a configuration:
 * include/generated/autoconf.h, include/config/auto.conf, .config. */
#ifndef PH_KCONFIG_WRITE_H
#define PH_KCONFIG_WRITE_H

#include "lib/kconfig/kconfig.h"

/* The caller frees the text; NULL when memory ran out. order_ref, when
 * not NULL, is an existing autoconf.h or auto.conf whose symbol order is
 * kept (kconfig writes in its hash table's order, which depends on the
 * Kconfig parse order that header packages do not ship); symbols it lacks
 * follow in kconfig's hash order. */
char *kconfig_write_autoconf(const struct kconfig *kc, const char *order_ref);
char *kconfig_write_auto_conf(const struct kconfig *kc, const char *order_ref);
char *kconfig_write_dotconfig(const struct kconfig *kc);

#endif
