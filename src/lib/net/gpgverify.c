#include "lib/net/gpgverify.h"

#include "util/fs.h"
#include "util/path.h"

#include <errno.h>
#include <gpgme.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int import_key_data(gpgme_ctx_t ctx, const char *data, size_t len)
{
	gpgme_data_t d;
	gpgme_import_result_t r;
	int n = 0;

	if (gpgme_data_new_from_mem(&d, data, len, 0) != 0)
		return 0;
	if (gpgme_op_import(ctx, d) == 0 && (r = gpgme_op_import_result(ctx)))
		n = r->imported + r->unchanged;
	gpgme_data_release(d);
	return n;
}

static int import_keys(gpgme_ctx_t ctx, const struct gpg_keys *keys)
{
	size_t i;
	int n = 0;

	for (i = 0; i < keys->n_files; i++) {
		char *text = NULL;
		size_t len = 0;

		if (fs_read_small_file(keys->files[i], 16 << 20, &text, &len) == 0) {
			n += import_key_data(ctx, text, len);
			free(text);
		}
	}
	if (keys->inline_key)
		n += import_key_data(ctx, keys->inline_key, strlen(keys->inline_key));
	return n;
}

/* Appends "; keyrings tried: A, B" to why: the fix for an unknown key is
 * to add the right keyring, so the reader must see which ones were used. */
static void append_keyrings(const struct gpg_keys *keys, char *why, size_t whylen)
{
	size_t i, len = strlen(why);

	if (keys->n_files == 0 && !keys->inline_key) {
		snprintf(why + len, whylen - len, "; no keyring was given for this source");
		return;
	}
	snprintf(why + len, whylen - len, "; keyrings tried:");
	for (i = 0; i < keys->n_files; i++) {
		len = strlen(why);
		snprintf(why + len, whylen - len, "%s %s", i ? "," : "", keys->names ? keys->names[i] : keys->files[i]);
	}
	if (keys->inline_key) {
		len = strlen(why);
		snprintf(why + len, whylen - len, "%s the source's inline Signed-By key", keys->n_files ? "," : "");
	}
}

/* The first good signature wins; else the most telling failure. */
static int check_result(gpgme_ctx_t ctx, char fpr[65], char *why, size_t whylen)
{
	gpgme_verify_result_t r = gpgme_op_verify_result(ctx);
	gpgme_signature_t s;

	if (!r || !r->signatures) {
		snprintf(why, whylen, "not signed");
		return -EKEYREJECTED;
	}
	for (s = r->signatures; s; s = s->next) {
		if (gpgme_err_code(s->status) == GPG_ERR_NO_ERROR) {
			snprintf(fpr, 65, "%s", s->fpr ? s->fpr : "");
			return 0;
		}
	}
	s = r->signatures;
	switch (gpgme_err_code(s->status)) {
	case GPG_ERR_NO_PUBKEY:
		snprintf(why, whylen, "signed by key %s, which is not in the trusted keyrings", s->fpr ? s->fpr : "?");
		break;
	case GPG_ERR_BAD_SIGNATURE:
		snprintf(why, whylen, "BAD signature (by key %s)", s->fpr ? s->fpr : "?");
		break;
	case GPG_ERR_KEY_EXPIRED:
	case GPG_ERR_SIG_EXPIRED:
		snprintf(why, whylen, "signature by expired key %s", s->fpr ? s->fpr : "?");
		break;
	default:
		snprintf(why, whylen, "signature not valid: %s", gpgme_strerror(s->status));
	}
	return -EKEYREJECTED;
}

int gpg_verify(const struct gpg_keys *keys, const char *signed_data, size_t len, const char *detached_sig,
	       size_t sig_len, char **ret_text, size_t *ret_len, char ret_fpr[65], char *why, size_t whylen)
{
	char home[PATH_MAX];
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t sig = NULL, text = NULL, plain = NULL;
	gpgme_error_t err;
	int ret;

	gpgme_check_version(NULL);
	/* A private, throw-away GnuPG home under $TMPDIR: with a read-only
	 * root, TMPDIR (or /tmp) is the writable emptyDir. */
	ret = path_format(home, "%s/provision-headers-gpg.XXXXXX", path_tmpdir());
	if (ret < 0) {
		snprintf(why, whylen, "TMPDIR %s: %s", path_tmpdir(), strerror(-ret));
		return ret;
	}
	if (!mkdtemp(home)) {
		ret = -errno;
		snprintf(why, whylen, "cannot create a temporary GnuPG home in %s (set TMPDIR to a writable directory): %s",
			 path_tmpdir(), strerror(-ret));
		return ret;
	}
	if (gpgme_new(&ctx) != 0 || gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, home) != 0) {
		snprintf(why, whylen, "cannot start GnuPG (is gpg installed?)");
		ret = -ENOKEY;
		goto out;
	}
	if (import_keys(ctx, keys) == 0) {
		snprintf(why, whylen, "no usable key in the trusted keyrings");
		append_keyrings(keys, why, whylen);
		ret = -ENOKEY;
		goto out;
	}
	if (detached_sig) {
		gpgme_data_new_from_mem(&sig, detached_sig, sig_len, 0);
		gpgme_data_new_from_mem(&text, signed_data, len, 0);
		err = gpgme_op_verify(ctx, sig, text, NULL);
	} else {
		gpgme_data_new_from_mem(&sig, signed_data, len, 0);
		gpgme_data_new(&plain);
		err = gpgme_op_verify(ctx, sig, NULL, plain);
	}
	if (err != 0 && gpgme_err_code(err) != GPG_ERR_NO_ERROR) {
		snprintf(why, whylen, "not a valid signed file: %s", gpgme_strerror(err));
		ret = -EKEYREJECTED;
		goto out;
	}
	ret = check_result(ctx, ret_fpr, why, whylen);
	if (ret < 0)
		append_keyrings(keys, why, whylen);
	if (ret == 0) {
		size_t n = 0;
		char *out;

		if (plain) {
			char *p = gpgme_data_release_and_get_mem(plain, &n);

			plain = NULL;
			out = malloc(n + 1);
			if (out && p)
				memcpy(out, p, n);
			gpgme_free(p);
		} else {
			n = len;
			out = malloc(n + 1);
			if (out)
				memcpy(out, signed_data, n);
		}
		if (!out) {
			ret = -ENOMEM;
			goto out;
		}
		out[n] = '\0';
		*ret_text = out;
		*ret_len = n;
	}
out:
	gpgme_data_release(sig);
	gpgme_data_release(text);
	gpgme_data_release(plain);
	gpgme_release(ctx);
	fs_rm_rf(home);
	return ret;
}
