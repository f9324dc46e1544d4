/* SHA-256 (and SHA-512, which RPM repositories may list) over a
 * stream, through libcrypto. */
#ifndef PH_HASH_H
#define PH_HASH_H

#include <stddef.h>

struct sha256;

struct sha256 *sha256_new(void);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex; h may not be
 * updated again afterwards. */
void sha256_final_hex(struct sha256 *h, char hex[65]);
/* The same stream type computing SHA-512: 128 hex digits and a NUL. */
struct sha256 *sha512_new(void);
void sha512_final_hex(struct sha256 *h, char hex[129]);
void sha256_free(struct sha256 *h);

#endif
