/* The extraction path policy fed with any archive libarchive reads (tar,
 * cpio, ar, compressed or not): whatever the input, nothing may be
 * written outside the destination, and no symlink left in it may lead
 * out. A fresh destination per input, removed afterwards. */
#include "lib/archive/unpack.h"
#include "util/fs.h"
#include "util/walk.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[64], dest[96], outside[96];

static int no_escaping_link(const struct walk_entry *e, enum walk_visit v, void *data)
{
	char target[4096];
	ssize_t n;

	(void)data;
	if (v != WALK_OTHER || !S_ISLNK(e->st->st_mode))
		return 0;
	n = readlinkat(e->parent_fd, e->name, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	if (target[0] == '/')
		abort(); /* an absolute link survived extraction */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unpack_opts o = { .max_bytes = 1 << 20, .max_entries = 1000 };
	struct unpack_stats st;
	char why[512];
	struct archive *a;
	struct stat sb;

	if (!top[0]) {
		snprintf(top, sizeof(top), "/tmp/ph-fuzz-unpack.%d", (int)getpid());
		mkdir(top, 0700);
		snprintf(dest, sizeof(dest), "%s/dest", top);
		snprintf(outside, sizeof(outside), "%s/outside", top);
	}
	fs_rm_rf(dest);
	mkdir(dest, 0755);
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK)
		unpack_archive(a, dest, &o, &st, why, sizeof(why));
	archive_read_free(a);
	/* Only dest may have been touched under top. */
	if (lstat(outside, &sb) == 0)
		abort();
	walk_tree(AT_FDCWD, dest, WALK_MAX_DEPTH, no_escaping_link, NULL);
	return 0;
}
