#include "lib/rpm/reponet.h"

#include "util/fs.h"
#include "util/hostroot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The certificates of a host path, opened confined to the host root: a
 * link is followed as the host would follow it, never out of the root. */
static int read_cacert(const struct hostroot *hr, const char *host_path, char **ret, size_t *ret_len)
{
	int fd = hostroot_open(hr, host_path, O_RDONLY), err;
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	err = fs_read_fd(fd, RPM_CACERT_MAX, ret, ret_len);
	close(fd);
	return err;
}

int rpm_repo_net_init(struct rpm_repo_net *n, const struct fetch_opts *base, const struct hostroot *hr,
		      const struct rpm_repo *repo, char *why, size_t whylen)
{
	char *ca = NULL;
	size_t ca_len = 0;
	int ret;

	if (repo->sslcacert[0]) {
		ret = read_cacert(hr, repo->sslcacert, &ca, &ca_len);
		if (ret < 0) {
			snprintf(why, whylen, "%s: sslcacert %s%s cannot be read under the host root: %s", repo->origin,
				 hostroot_prefix(hr), repo->sslcacert,
				 ret == -EINVAL ? "not a regular file" : ret == -EFBIG ? "too large" : strerror(-ret));
			return ret;
		}
	}
	memset(n, 0, sizeof(*n));
	n->fetch = *base;
	n->ca = ca;
	n->ca_len = ca_len;
	if (repo->has_proxy) {
		/* dnf's proxy serves every protocol; "" is no proxy at all, not
		 * even the environment's. */
		n->fetch.http_proxy = repo->proxy;
		n->fetch.https_proxy = repo->proxy;
		if (repo->proxy[0] && repo->proxy_username[0]) {
			n->fetch.proxy_username = repo->proxy_username;
			n->fetch.proxy_password = repo->proxy_password;
		}
	}
	if (ca) {
		n->fetch.ca_blob = ca;
		n->fetch.ca_blob_len = ca_len;
	}
	n->fetch.tls_no_verify = !repo->sslverify;
	if (repo->userpwd[0])
		n->fetch.userpwd = repo->userpwd;
	return 0;
}

void rpm_repo_net_free(struct rpm_repo_net *n)
{
	free(n->ca);
	n->ca = NULL;
	n->fetch.ca_blob = NULL;
}
