/* warm: fill a cache with the trees of many kernels (tool/warm.c). */
#ifndef PH_WARM_H
#define PH_WARM_H

#include "strategies/options.h"

/* Provisions every kernel the options select; the worst PH_EXIT_* code. */
int warm_run(struct options *opts);

#endif
