#include "lib/pkgfetch/index.h"

#include "lib/archive/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INDEX_BUF (64 * 1024)

int index_stream_fetch(const struct fetch_opts *fo, const char *url, unsigned long long max_body, index_feed_fn feed,
		       void *data, struct index_stream *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct fetch_pipe *fp = NULL;
	char *buf = malloc(INDEX_BUF);
	int fd = -1, ret;

	memset(out, 0, sizeof(*out));
	if (!a || !buf || fetch_pipe_start(fo, url, max_body, &fp, &fd) < 0) {
		archive_read_free(a);
		free(buf);
		return -ENOMEM;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	ret = unpack_open_fd_with(a, fd, out->data_why, sizeof(out->data_why));
	if (ret == 0 && archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		snprintf(out->data_why, sizeof(out->data_why), "%s", archive_error_string(a));
		ret = -EILSEQ;
	}
	while (ret == 0) {
		la_ssize_t n = archive_read_data(a, buf, INDEX_BUF);

		if (n == 0)
			break;
		if (n < 0) {
			snprintf(out->data_why, sizeof(out->data_why), "%s", archive_error_string(a));
			ret = -EILSEQ;
			break;
		}
		if (out->feed_ret == 0)
			out->feed_ret = feed(data, buf, (size_t)n);
	}
	out->data_ret = ret < 0 ? -EILSEQ : 0;
	archive_read_free(a);
	while (read(fd, buf, INDEX_BUF) > 0)
		; /* the hash must cover every byte */
	close(fd);
	free(buf);
	out->fetch_ret = fetch_pipe_finish(fp, &out->res, out->fetch_why, sizeof(out->fetch_why));
	return 0;
}

void index_record_source(json_object *sources, const char *type, const char *url, const struct fetch_result *res,
			 const char *fpr)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "url", json_object_new_string(url));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)res->bytes));
	json_object_object_add(o, "sha256", json_object_new_string(res->sha256));
	if (fpr)
		json_object_object_add(o, "signed_by", json_object_new_string(fpr));
	json_object_array_add(sources, o);
}
