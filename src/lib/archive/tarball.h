/* A plain (compressed) tarball read as a stream, such as the kernel
 * headers tarball Container-Optimized OS publishes per build: the same
 * safe extractor as packages (unpack.c). */
#ifndef PH_TARBALL_H
#define PH_TARBALL_H

#include "lib/archive/unpack.h"

/* Reads an archive stream from fd to EOF (so a hash over the stream is
 * complete) and extracts its selected members into dest_dir through the
 * safe extractor. need_filter: a libarchive filter the stream must have
 * had (ARCHIVE_FILTER_RPM for an .rpm), or -1. what names the kind in
 * why ("tarball", "RPM package"). -EILSEQ for a corrupt, truncated or
 * wrong-kind stream, with why. */
int archive_extract_stream_fd(int fd, const char *dest_dir, const struct unpack_opts *o, int need_filter,
			      const char *what, struct unpack_stats *st, char *why, size_t whylen);

/* Reads a tarball from fd (to EOF, so a hash over the stream is
 * complete) and extracts its selected members into dest_dir. -EILSEQ
 * for a corrupt or truncated tarball, with why. */
int tarball_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		       size_t whylen);

#endif
