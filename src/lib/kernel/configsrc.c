#include "lib/kernel/configsrc.h"

#include "util/fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_CONFIG (64u << 20)

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static ssize_t read_gz(void *src, void *buf, size_t len)
{
	int n = gzread(*(gzFile *)src, buf, (unsigned)len);

	return n < 0 ? -EILSEQ : n;
}

static int read_gzip(const char *path, char **ret_text, size_t *ret_len)
{
	gzFile gz = gzopen(path, "rb");
	int ret;

	if (!gz)
		return errno ? -errno : -ENOMEM;
	ret = fs_read_all(read_gz, &gz, MAX_CONFIG, ret_text, ret_len);
	gzclose(gz);
	return ret;
}

int configsrc_read(const char *path, char **ret_text, size_t *ret_len)
{
	if (ends_with(path, ".gz"))
		return read_gzip(path, ret_text, ret_len);
	return fs_read_small_file(path, MAX_CONFIG, ret_text, ret_len);
}
