#include "lib/archive/tarball.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int archive_extract_stream_fd(int fd, const char *dest_dir, const struct unpack_opts *o, int need_filter,
			      const char *what, struct unpack_stats *st, char *why, size_t whylen)
{
	struct unpack_stream *s = NULL;
	char swhy[512] = "", drain[65536];
	int ret, closed;

	memset(st, 0, sizeof(*st));
	ret = unpack_stream_open_fd(fd, NULL, NULL, &s, why, whylen);
	if (ret == 0) {
		ret = unpack_archive(unpack_stream_archive(s), dest_dir, o, st, why, whylen);
		/* A stream of another kind (a tarball served under an .rpm
		 * name) is not what was asked for. */
		if (ret == 0 && need_filter >= 0 && !unpack_stream_had_filter(s, need_filter)) {
			snprintf(why, whylen, "not a %s", what);
			ret = -EILSEQ;
		}
		/* A stream cut short can look like a complete archive: the
		 * decompressor's verdict counts too. */
		closed = unpack_stream_close(s, swhy, sizeof(swhy));
		if (closed < 0 && (ret == 0 || ret == -EILSEQ)) {
			snprintf(why, whylen, "corrupt %s: %s", what, swhy);
			ret = closed;
		}
	}
	/* Read to the end, even after an error, so the hash over the stream
	 * covers every byte and tells tampering from damage. */
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	return ret;
}

int tarball_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		       size_t whylen)
{
	int ret = archive_extract_stream_fd(fd, dest_dir, o, -1, "tarball", st, why, whylen);

	if (ret == 0 && st->files == 0) {
		snprintf(why, whylen, "the tarball holds no file of the headers");
		ret = -EILSEQ;
	}
	return ret;
}
