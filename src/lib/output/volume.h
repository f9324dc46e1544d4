/* The output volume: one writer at a time (a lock file), a private
 * staging area, and publishing a finished tree with one rename so that a
 * reader never sees half a tree.
 *
 *   <out>/<release>/build/         the tree
 *   <out>/<release>/manifest.json  written inside the staged dir, so a
 *                                  published dir always has both
 *   <out>/.staging/                work area
 *   <out>/.lock                    one OFD lock byte per release */
#ifndef PH_PUBLISH_H
#define PH_PUBLISH_H

#include <limits.h>

struct volume {
	char out[PATH_MAX];
	int lock_fd;
};

/* Checks (and unless dry_run, creates) the output directory. */
int volume_open(struct volume *v, const char *out, int dry_run);
/* Takes the writer lock of release (one byte of <out>/.lock, an OFD
 * lock), waiting for another writer of the same release; *ret_waited is
 * set when it had to wait. Writers of other releases are not held up. */
int volume_lock(struct volume *v, const char *release, int *ret_waited);
void volume_close(struct volume *v);

int volume_release_dir(const struct volume *v, const char *release, char out[PATH_MAX]);
/* Removes what earlier, interrupted runs of release left in .staging
 * (its lock held); other releases' staging is left alone. */
int volume_clean_staging(const struct volume *v, const char *release);
/* The same without waiting, for a run that found its tree published:
 * when no writer of release is at work, what an interrupted one left is
 * removed; otherwise nothing is touched. */
int volume_tidy(struct volume *v, const char *release);
/* Creates a fresh staging dir for release with an empty build/ in it. */
int volume_stage(const struct volume *v, const char *release, char ret_stage[PATH_MAX]);
/* Moves a finished staging dir to <out>/<release>, replacing an older
 * tree atomically (RENAME_EXCHANGE), then removes the older tree. */
int volume_publish(const struct volume *v, const char *stage, const char *release);

#endif
