/* Debian packages as streams: the ar container, then its data.tar.*
 * (xz, zstd, gzip, bzip2 or none) read through libarchive and extracted
 * with the safe extractor. Nothing is buffered whole. */
#ifndef PH_DEB_H
#define PH_DEB_H

#include "lib/archive/unpack.h"

#include <stddef.h>

/* Reads a .deb from fd (to EOF, so a hash over the stream is complete)
 * and extracts the selected members of its data archive into dest_dir.
 * -EILSEQ for a malformed package, with why. */
int deb_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		   size_t whylen);

#endif
