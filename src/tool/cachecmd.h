/* The cache subcommand and warm's store step (tool/cachecmd.c). */
#ifndef PH_CACHECMD_H
#define PH_CACHECMD_H

#include "strategies/options.h"

/* cache ls|verify|prune on the first --cache-dir; a PH_EXIT_* code.
 * verify: 0 all good, 4 a problem named, 3 no cache at DIR, 6 unreadable. */
int cachecmd_run(const struct options *o);
/* 1 when the first --cache-dir's store holds release whole for arch (the
 * kernel's arch/ name, "x86"), 0 when it does not hold release, -EEXIST
 * when it holds release for another arch (*ret_other gets its name): the
 * store keeps one tree per release until it is keyed by release and arch. */
int cachecmd_stored(const struct options *o, const char *release, const char *arch, char *ret_other, size_t otherlen);
/* Stores <output>/<release> (just published) in the first --cache-dir;
 * refuses (PH_EXIT_OUTPUT) when the store holds release for another arch. */
int cachecmd_ingest(const struct options *o, const char *release);

#endif
