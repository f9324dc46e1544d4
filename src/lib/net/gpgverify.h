/* OpenPGP signatures on repository indexes, with gpgme: keys come only
 * from the keyrings the host trusts for that source (imported into a
 * private, temporary GnuPG home), never from the user's own keyring. */
#ifndef PH_GPGVERIFY_H
#define PH_GPGVERIFY_H

#include <stddef.h>

struct gpg_keys {
	const char *const *files; /* keyring files: binary or ASCII-armoured */
	const char *const *names; /* what to call each in messages (NULL: files) */
	size_t n_files;
	const char *inline_key;   /* an armoured key from deb822 Signed-By, or NULL */
};

/* Verifies signed (clearsigned when detached_sig is NULL; else the
 * detached signature over signed). On success returns the signed text
 * (clearsigned) or a copy of signed, and the signing key's fingerprint.
 * Errors: -EKEYREJECTED bad signature, unknown key, unsigned; -ENOKEY
 * no usable key in the keyrings; why says which. */
int gpg_verify(const struct gpg_keys *keys, const char *signed_data, size_t len, const char *detached_sig,
	       size_t sig_len, char **ret_text, size_t *ret_len, char ret_fpr[65], char *why, size_t whylen);

#endif
