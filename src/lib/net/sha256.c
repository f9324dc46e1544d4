#include "lib/net/sha256.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <stdio.h>

struct sha256 {
	EVP_MD_CTX *md;
};

static struct sha256 *digest_new(const EVP_MD *type)
{
	struct sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->md = EVP_MD_CTX_new();
	if (!h->md || EVP_DigestInit_ex(h->md, type, NULL) != 1) {
		sha256_free(h);
		return NULL;
	}
	return h;
}

struct sha256 *sha256_new(void)
{
	return digest_new(EVP_sha256());
}

struct sha256 *sha512_new(void)
{
	return digest_new(EVP_sha512());
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->md, data, len);
}

void sha256_final_hex(struct sha256 *h, char hex[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(h->md, digest, &n);
	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	hex[64] = '\0';
}

void sha512_final_hex(struct sha256 *h, char hex[129])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(h->md, digest, &n);
	for (i = 0; i < n && i < 64; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	hex[128] = '\0';
}

void sha256_free(struct sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->md);
	free(h);
}
