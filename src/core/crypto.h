/* crypto.h -- SHA-256, HMAC-SHA256 and base64; the only door to OpenSSL.
 *
 * Streaming SHA-256 for files and hash chains; one-shot helpers for the
 * rest. Hex output is lower case, NUL-terminated (65 bytes). */
#ifndef CG_CRYPTO_H
#define CG_CRYPTO_H

#include <stddef.h>

#include "core/error.h"

#define CG_SHA256_HEX 65 /* 64 hex digits + NUL */

typedef struct cg_sha256 cg_sha256;

int cg_sha256_new(cg_sha256 **out, cg_error *err);
int cg_sha256_update(cg_sha256 *h, const void *p, size_t n, cg_error *err);
/* Writes the hex digest and resets nothing: free after. */
int cg_sha256_final_hex(cg_sha256 *h, char hex[CG_SHA256_HEX], cg_error *err);
void cg_sha256_free(cg_sha256 *h);

/* One-shot digests. */
int cg_sha256_hex(const void *p, size_t n, char hex[CG_SHA256_HEX],
                  cg_error *err);
int cg_sha256_file_hex(const char *path, char hex[CG_SHA256_HEX],
                       cg_error *err);

/* HMAC-SHA256 of msg under key into mac[32]. */
int cg_hmac_sha256(const void *key, size_t key_len, const void *msg,
                   size_t msg_len, unsigned char mac[32], cg_error *err);

/* Base64 (standard alphabet, padded). *out is malloc'ed and NUL-terminated;
 * decode rejects invalid input with CG_EINVAL. */
int cg_base64_encode(char **out, const void *p, size_t n, cg_error *err);
int cg_base64_decode(unsigned char **out, size_t *n_out, const char *s,
                     cg_error *err);

/* Fills buf with n cryptographically random bytes. */
int cg_random_bytes(void *buf, size_t n, cg_error *err);

#endif
