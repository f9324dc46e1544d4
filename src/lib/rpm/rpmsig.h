/* The RPM's own signature (gpgcheck=1), checked by librpm while the
 * package streams: its header signature and digests, and the payload
 * digest the signed header carries, against the repository's gpgkey
 * files under the host root only (never the user's keyring, never a key
 * from the network). */
#ifndef PH_RPM_RPMSIG_H
#define PH_RPM_RPMSIG_H

#include <stddef.h>

struct hostroot;
struct rpm_repo;

struct rpm_sigcheck {
	const struct hostroot *hr;
	const struct rpm_repo *repo; /* its gpgkey file:// URLs */
	const char *const *keyrings; /* --keyring files (armoured) */
	int n_keyrings;
};

/* librpm's configuration: once, before any download thread. -ENOENT
 * (why) when librpm cannot read it; every check then fails. */
int rpmsig_global_init(char *why, size_t whylen);

/* Reads an RPM from fd (to its end, or until it is known bad) and checks
 * it. 0 when signed by one of the keys and every digest matches;
 * -EKEYREJECTED otherwise, why saying what librpm found and which keys
 * were tried. A pkg_verify_fn (lib/pkgfetch). */
int rpmsig_verify_fd(void *check, int fd, char *why, size_t whylen);

#endif
