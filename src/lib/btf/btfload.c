#include "lib/btf/btfload.h"

#include "util/fs.h"
#include "util/path.h"

#include <archive.h>
#include <archive_entry.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BTF_MAX_BYTES (256u << 20)

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

int btfload_release_in_name(const char *path, char *out, size_t outlen)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (has_suffix(base, ".btf.tar.xz"))
		n -= strlen(".btf.tar.xz");
	else if (has_suffix(base, ".btf"))
		n -= strlen(".btf");
	else
		return -ENOENT;
	snprintf(out, outlen, "%.*s", (int)n, base);
	return 0;
}

/* The first regular file of a (compressed) tar archive, in memory. */
static int read_archive(const char *path, void **ret, size_t *ret_len, char *why, size_t whylen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	char *buf = NULL;
	size_t len = 0;
	int r, ret_code = -EBADMSG;

	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		snprintf(why, whylen, "not a readable archive: %s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		la_int64_t size = archive_entry_size(ent);
		la_ssize_t got;

		if (archive_entry_filetype(ent) != AE_IFREG)
			continue;
		if (size <= 0 || (unsigned long long)size > BTF_MAX_BYTES) {
			snprintf(why, whylen, "%s in the archive has %lld bytes", archive_entry_pathname(ent), (long long)size);
			goto out;
		}
		buf = malloc((size_t)size);
		if (!buf) {
			ret_code = -ENOMEM;
			goto out;
		}
		while (len < (size_t)size && (got = archive_read_data(a, buf + len, (size_t)size - len)) > 0)
			len += (size_t)got;
		if (len != (size_t)size) {
			snprintf(why, whylen, "%s in the archive is truncated: %s", archive_entry_pathname(ent),
				 archive_error_string(a) ? archive_error_string(a) : "short read");
			goto out;
		}
		*ret = buf;
		*ret_len = len;
		buf = NULL;
		ret_code = 0;
		goto out;
	}
	snprintf(why, whylen, "%s", r == ARCHIVE_EOF ? "the archive holds no file" : archive_error_string(a));
out:
	free(buf);
	archive_read_free(a);
	return ret_code;
}

int btfload_is_archive(const char *path)
{
	unsigned char magic[6] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	/* xz, gzip, zstd, or a plain tar ("ustar" at 257 is past this: the name says it). */
	return (n >= 6 && memcmp(magic, "\xfd" "7zXZ\0", 6) == 0) || (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) ||
	       (n >= 4 && memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0) || has_suffix(path, ".tar");
}

int btfload_open(const char *path, struct btf **ret, char *why, size_t whylen)
{
	libbpf_print_fn_t old_print;
	struct btf *btf;
	int r;

	if (access(path, R_OK) < 0) {
		r = -errno;
		snprintf(why, whylen, "%s", strerror(-r));
		return r;
	}
	/* libbpf's own warnings would reach the user: why says it once. */
	old_print = libbpf_set_print(NULL);
	if (btfload_is_archive(path)) {
		void *data = NULL;
		size_t len = 0;

		r = read_archive(path, &data, &len, why, whylen);
		if (r < 0) {
			libbpf_set_print(old_print);
			return r;
		}
		btf = btf__new(data, (__u32)len);
		r = -errno;
		free(data);
	} else {
		btf = btf__parse(path, NULL);
		r = -errno;
	}
	libbpf_set_print(old_print);
	if (!btf) {
		snprintf(why, whylen, "not valid BTF (corrupt or truncated): %s", strerror(r ? -r : EBADMSG));
		return -EBADMSG;
	}
	if (btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) < 0) {
		snprintf(why, whylen, "valid BTF, but without struct task_struct: not a kernel's (vmlinux) BTF");
		btf__free(btf);
		return -EBADMSG;
	}
	*ret = btf;
	return 0;
}

int btfload_write_raw(const struct btf *btf, const char *dir, char out[PATH_MAX])
{
	char path[PATH_MAX];
	const void *data;
	__u32 size = 0;
	int fd, ret;

	data = btf__raw_data(btf, &size);
	if (!data)
		return errno ? -errno : -ENOMEM;
	ret = path_format(path, "%s/provision-headers-btf.XXXXXX", dir);
	if (ret < 0)
		return ret;
	fd = mkostemp(path, O_CLOEXEC); /* mode 0600: private */
	if (fd < 0)
		return -errno;
	ret = fs_write_all(fd, data, size);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret < 0) {
		unlink(path);
		return ret;
	}
	return path_copy(out, path);
}
