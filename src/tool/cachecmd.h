/* The cache subcommand and warm's store step (tool/cachecmd.c). */
#ifndef PH_CACHECMD_H
#define PH_CACHECMD_H

#include "strategies/options.h"

/* cache ls|verify|prune on the first --cache-dir; a PH_EXIT_* code.
 * verify: 0 all good, 4 a problem named, 3 no cache at DIR, 6 unreadable. */
int cachecmd_run(const struct options *o);
/* True when the first --cache-dir's store holds release whole. */
int cachecmd_stored(const struct options *o, const char *release);
/* Stores <output>/<release> (just published) in the first --cache-dir. */
int cachecmd_ingest(const struct options *o, const char *release);

#endif
