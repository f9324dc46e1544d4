#include "lib/rpm/payload.h"

#include "lib/archive/tarball.h"

#include <archive.h>

int rpm_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		   size_t whylen)
{
	/* Anything but an RPM (no lead and header) is not a package. */
	return archive_extract_stream_fd(fd, dest_dir, o, ARCHIVE_FILTER_RPM, "RPM package", st, why, whylen);
}
