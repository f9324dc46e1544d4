#include "lib/archive/deb.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The data member decompresses in a thread of its own (through a pipe),
 * so xz overlaps with file creation. */
static int extract_data_member(struct archive *outer, const char *dest_dir, const struct unpack_opts *o,
			       struct unpack_stats *st, char *why, size_t whylen)
{
	struct unpack_stream *stream = NULL;
	char stream_why[512];
	int ret, closed;

	ret = unpack_stream_open_member(outer, &stream, why, whylen);
	if (ret < 0)
		return ret;
	ret = unpack_archive(unpack_stream_archive(stream), dest_dir, o, st, why, whylen);
	closed = unpack_stream_close(stream, stream_why, sizeof(stream_why));
	if (closed < 0 && (ret == 0 || ret == -EILSEQ)) {
		snprintf(why, whylen, "corrupt data archive: %s", stream_why);
		ret = closed;
	}
	return ret;
}

int deb_extract_fd(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st, char *why,
		   size_t whylen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int ret = 0, seen_binary = 0, seen_data = 0;
	char drain[65536];

	memset(st, 0, sizeof(*st));
	if (!a)
		return -ENOMEM;
	archive_read_support_format_ar(a);
	ret = unpack_open_fd_with(a, fd, why, whylen);
	if (ret < 0) {
		snprintf(why, whylen, "not a Debian package: %s", archive_error_string(a));
		goto out;
	}
	for (;;) {
		int r = archive_read_next_header(a, &e);
		const char *name;

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			snprintf(why, whylen, "not a Debian package: %s", archive_error_string(a));
			ret = -EILSEQ;
			break;
		}
		name = archive_entry_pathname(e);
		if (!name)
			continue;
		if (strcmp(name, "debian-binary") == 0) {
			char v[16] = "";

			archive_read_data(a, v, sizeof(v) - 1);
			if (strncmp(v, "2.", 2) != 0) {
				snprintf(why, whylen, "unsupported Debian package format '%.4s'", v);
				ret = -EILSEQ;
				break;
			}
			seen_binary = 1;
		} else if (strncmp(name, "data.tar", 8) == 0 && !seen_data) {
			seen_data = 1;
			ret = extract_data_member(a, dest_dir, o, st, why, whylen);
			if (ret < 0)
				break;
		}
		/* control.tar.* and anything else: skipped by the next header read */
	}
	if (ret == 0 && (!seen_binary || !seen_data)) {
		snprintf(why, whylen, "not a Debian package: no %s member", seen_binary ? "data.tar" : "debian-binary");
		ret = -EILSEQ;
	}
out:
	archive_read_free(a);
	/* Read to the end, even after an error, so a hash over the stream
	 * covers every byte and tells tampering from damage. */
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	return ret;
}
