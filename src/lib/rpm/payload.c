#include "lib/rpm/payload.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int rpm_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		   size_t whylen)
{
	struct unpack_stream *s = NULL;
	char swhy[512] = "", drain[65536];
	int ret, closed;

	memset(st, 0, sizeof(*st));
	ret = unpack_stream_open_fd(fd, NULL, NULL, &s, why, whylen);
	if (ret == 0) {
		ret = unpack_archive(unpack_stream_archive(s), dest_dir, o, st, why, whylen);
		/* Anything but an RPM (a tarball served under an .rpm name) is
		 * not a package. */
		if (ret == 0 && !unpack_stream_had_filter(s, ARCHIVE_FILTER_RPM)) {
			snprintf(why, whylen, "not an RPM package (no RPM lead and header)");
			ret = -EILSEQ;
		}
		closed = unpack_stream_close(s, swhy, sizeof(swhy));
		if (closed < 0 && (ret == 0 || ret == -EILSEQ)) {
			snprintf(why, whylen, "corrupt RPM payload: %s", swhy);
			ret = closed;
		}
	}
	/* Read to the end, even after an error, so the hash over the stream
	 * covers every byte and tells tampering from damage. */
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	return ret;
}
