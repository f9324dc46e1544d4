#include "lib/kernel/configsrc.h"

#include "lib/kernel/kernel.h"
#include "util/fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_CONFIG (64u << 20)

static ssize_t read_gz(void *src, void *buf, size_t len)
{
	int n = gzread(*(gzFile *)src, buf, (unsigned)len);

	return n < 0 ? -EILSEQ : n;
}

int configsrc_read_fd(int fd, char **ret_text, size_t *ret_len)
{
	struct stat st;
	gzFile gz;
	char *text = NULL;
	size_t len = 0;
	int ret;

	/* Regular files only: a FIFO or device under a hostile root could
	 * block or never end. (/proc/config.gz is a regular file.) */
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	/* zlib reads a plain file through unchanged, so one path serves both. */
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	ret = fs_read_all(read_gz, &gz, MAX_CONFIG, &text, &len);
	gzclose_r(gz); /* closes fd */
	if (ret < 0)
		return ret;
	if (memchr(text, '\0', len)) {
		free(text);
		return -EBADMSG;
	}
	*ret_text = text;
	if (ret_len)
		*ret_len = len;
	return 0;
}

int configsrc_read(const struct hostroot *hr, const struct kernel_info *k, char **ret_text, size_t *ret_len)
{
	int fd = kernel_config_open(hr, k);

	if (fd < 0)
		return fd;
	return configsrc_read_fd(fd, ret_text, ret_len);
}
