#include "lib/rpm/rpmsig.h"

#include "lib/net/hostkey.h"
#include "lib/rpm/repofile.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <rpm/rpmcli.h>
#include <rpm/rpmkeyring.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmts.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* librpm logs through one global callback: one check at a time. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct log_capture {
	char text[1024];
	size_t len;
};

static int capture(rpmlogRec rec, rpmlogCallbackData data)
{
	struct log_capture *c = data;
	const char *m = rpmlogRecMessage(rec);

	for (; m && *m && c->len + 1 < sizeof(c->text); m++)
		c->text[c->len++] = *m == '\n' ? ' ' : *m;
	c->text[c->len] = '\0';
	return 0; /* not on stderr: the caller reports it */
}

static int done, status;

int rpmsig_global_init(char *why, size_t whylen)
{
	pthread_mutex_lock(&lock);
	if (!done) {
		done = 1;
		status = rpmReadConfigFiles(NULL, NULL) == 0 ? 0 : -ENOENT;
	}
	pthread_mutex_unlock(&lock);
	if (status < 0)
		snprintf(why, whylen, "librpm cannot read its configuration (rpmrc, macros)");
	return status;
}

/* Adds one armoured key file (opened as /proc/self/fd/N) and its
 * subkeys. */
static int add_key(rpmKeyring kr, const char *file)
{
	rpmPubkey key = rpmPubkeyRead(file), *subs;
	int i, n = 0;

	if (!key)
		return -EINVAL;
	rpmKeyringAddKey(kr, key);
	subs = rpmGetSubkeys(key, &n);
	for (i = 0; subs && i < n; i++) {
		rpmKeyringAddKey(kr, subs[i]);
		rpmPubkeyFree(subs[i]);
	}
	free(subs);
	rpmPubkeyFree(key);
	return 0;
}

/* The repository's file:// keys (confined to the host root) and
 * --keyring; names lists them for messages. */
static int load_keys(const struct rpm_sigcheck *c, rpmKeyring kr, char *names, size_t nlen)
{
	int i, n = 0;
	size_t o = 0;

	names[0] = '\0';
	for (i = 0; i < c->repo->n_gpgkeys; i++) {
		char file[PATH_MAX], name[PATH_MAX];
		int fd;

		if (strncmp(c->repo->gpgkeys[i], "file://", 7) != 0 ||
		    hostkey_open(c->hr, c->repo->gpgkeys[i] + 7, file, name, &fd) < 0)
			continue;
		if (add_key(kr, file) == 0) {
			n++;
			o += (size_t)snprintf(names + o, o < nlen ? nlen - o : 0, "%s%s", o ? ", " : "", name);
		}
		close(fd);
	}
	for (i = 0; i < c->n_keyrings; i++)
		if (add_key(kr, c->keyrings[i]) == 0) {
			n++;
			o += (size_t)snprintf(names + o, o < nlen ? nlen - o : 0, "%s%s", o ? ", " : "", c->keyrings[i]);
		}
	return n;
}

int rpmsig_verify_fd(void *check, int fd, char *why, size_t whylen)
{
	const struct rpm_sigcheck *c = check;
	struct log_capture cap = { .len = 0 };
	char path[64], names[1024];
	char *argv[2] = { path, NULL };
	rpmKeyring kr;
	rpmts ts;
	int n, ret;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	pthread_mutex_lock(&lock);
	if (!done || status < 0) {
		pthread_mutex_unlock(&lock);
		snprintf(why, whylen, "gpgcheck=1 in %s, but librpm cannot read its configuration (rpmrc, macros: "
			 "rpm-common)", c->repo->origin);
		return -EKEYREJECTED;
	}
	ts = rpmtsCreate();
	kr = rpmKeyringNew();
	n = load_keys(c, kr, names, sizeof(names));
	if (n == 0) {
		snprintf(why, whylen, "gpgcheck=1 in %s, but none of its gpgkey files is a key under the host root",
			 c->repo->origin);
		ret = -EKEYREJECTED;
	} else {
		rpmtsSetKeyring(ts, kr);
		/* A signature is required, not only digests. */
		rpmtsSetVfyLevel(ts, RPMSIG_SIGNATURE_TYPE | RPMSIG_DIGEST_TYPE);
		rpmlogSetCallback(capture, &cap);
		ret = rpmcliVerifySignatures(ts, argv) == 0 ? 0 : -EKEYREJECTED;
		rpmlogSetCallback(NULL, NULL);
		if (ret < 0)
			snprintf(why, whylen, "RPM signature check failed (librpm:%s); keys tried: %s",
				 cap.text + (strncmp(cap.text, path, strlen(path)) == 0 ? strlen(path) + 1 : 0), names);
	}
	rpmKeyringFree(kr);
	rpmtsFree(ts);
	pthread_mutex_unlock(&lock);
	return ret;
}
