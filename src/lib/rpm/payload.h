/* An RPM read as a stream: libarchive's rpm filter skips the lead and
 * the headers, the payload (a cpio archive under xz, zstd, gzip or
 * bzip2) is decompressed in a thread of its own and its members go
 * through the same safe extractor as Debian packages (unpack.c: nothing
 * escapes the tree, no devices, caps on size and count). */
#ifndef PH_RPM_PAYLOAD_H
#define PH_RPM_PAYLOAD_H

#include "lib/archive/unpack.h"

/* Reads an .rpm from fd (to EOF, so a hash over the stream is complete)
 * and extracts the selected members of its payload into dest_dir.
 * -EILSEQ for a malformed package or payload, with why. */
int rpm_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		   size_t whylen);

#endif
