/* A plain (compressed) tarball read as a stream, such as the kernel
 * headers tarball Container-Optimized OS publishes per build: the same
 * safe extractor as packages (unpack.c). */
#ifndef PH_TARBALL_H
#define PH_TARBALL_H

#include "lib/archive/unpack.h"

/* Reads a tarball from fd (to EOF, so a hash over the stream is
 * complete) and extracts its selected members into dest_dir. -EILSEQ
 * for a corrupt or truncated tarball, with why. */
int tarball_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		       size_t whylen);

#endif
