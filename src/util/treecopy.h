/* Copies the part of a kernel build tree that BCC needs (include/,
 * arch/<arch>/include/, Makefile, .config, the kconfig outputs) out of
 * the host into a staging directory. A split build/source layout
 * (Debian, Ubuntu) is merged into one tree. Symlinks that stay inside
 * the tree become relative links; any other symlink is replaced by what
 * it points to, so the tree works with only the volume mounted. */
#ifndef PH_TREECOPY_H
#define PH_TREECOPY_H

#include <limits.h>

struct hostroot;

struct treecopy_source {
	const char *build;  /* resolved host path of the build tree */
	const char *source; /* resolved host path of the source tree, or NULL */
	enum treecopy_mode {
		TREECOPY_COPY, /* from another filesystem (the host) */
		TREECOPY_LINK, /* hardlink, same filesystem */
		TREECOPY_MOVE, /* rename out of a scratch tree (what symlinks reach is linked) */
	} mode;
	unsigned long long max_bytes; /* cap on what is copied (0: none): -EFBIG past it */
};

struct treecopy_stats {
	unsigned long long files, bytes;
	/* Left out: files not readable by everyone (a header never is private;
	 * a host secret reached through a planted link is), and links that
	 * lead out of the places kernel headers live. */
	unsigned long long private_skipped, links_refused;
};

/* True when relpath (relative to the tree root, no leading slash) is part
 * of what BCC needs for arch. */
int treecopy_wanted(const char *relpath, int is_dir, const char *arch);

/* On failure, ret_failed_path names the host path that could not be
 * copied ("" when the failure was writing dest_dir itself). */
int treecopy_copy(const struct hostroot *hr, const struct treecopy_source *src, const char *arch,
		  const char *dest_dir, struct treecopy_stats *ret_stats, char ret_failed_path[PATH_MAX]);

#endif
