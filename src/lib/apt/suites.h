/* The suites of a distribution beside the host's own (its backports, the
 * next release): where close-match finds header packages of other
 * kernels. */
#ifndef PH_APT_SUITES_H
#define PH_APT_SUITES_H

#include "lib/apt/aptsources.h"

/* For each source of cfg whose suite is codename, adds the related suites
 * on the same mirror with the same keys: templates ("{codename}-backports";
 * "{next}" is the release after codename in releases, NULL-terminated and
 * in order). A suite already there is not added twice. Returns how many
 * were added, or -ENOMEM. */
int apt_suites_add_related(struct apt_config *cfg, const char *codename, const char *const *related,
			   const char *const *releases);

#endif
