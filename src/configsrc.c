#include "configsrc.h"

#include "fsutil.h"

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

static int read_gzip(const char *path, char **ret_text, size_t *ret_len)
{
	gzFile gz = gzopen(path, "rb");
	size_t len = 0, cap = 1 << 18;
	char *buf;

	if (!gz)
		return errno ? -errno : -ENOMEM;
	buf = malloc(cap + 1);
	if (!buf) {
		gzclose(gz);
		return -ENOMEM;
	}
	for (;;) {
		int n;

		if (len == cap) {
			char *bigger;

			if (cap >= MAX_CONFIG) {
				free(buf);
				gzclose(gz);
				return -EFBIG;
			}
			cap *= 2;
			bigger = realloc(buf, cap + 1);
			if (!bigger) {
				free(buf);
				gzclose(gz);
				return -ENOMEM;
			}
			buf = bigger;
		}
		n = gzread(gz, buf + len, (unsigned)(cap - len));
		if (n < 0) {
			free(buf);
			gzclose(gz);
			return -EILSEQ;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	gzclose(gz);
	buf[len] = '\0';
	*ret_text = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}

int configsrc_read(const char *path, char **ret_text, size_t *ret_len)
{
	if (ends_with(path, ".gz"))
		return read_gzip(path, ret_text, ret_len);
	return fs_read_small_file(path, MAX_CONFIG, ret_text, ret_len);
}
