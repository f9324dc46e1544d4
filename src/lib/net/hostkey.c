#include "lib/net/hostkey.h"

#include "util/hostroot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int hostkey_open(const struct hostroot *hr, const char *host_path, char out[PATH_MAX], char name[PATH_MAX],
		 int *ret_fd)
{
	int fd = hostroot_open(hr, host_path, O_RDONLY);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || hostroot_path(hr, host_path, name) < 0) {
		close(fd);
		return -EINVAL;
	}
	snprintf(out, PATH_MAX, "/proc/self/fd/%d", fd);
	*ret_fd = fd;
	return 0;
}
