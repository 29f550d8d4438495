/* crypto.c -- see crypto.h. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/crypto.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cg_sha256 {
  EVP_MD_CTX *ctx; /* running digest */
};

/* SHA-256 fetched once: EVP_sha256() in an init looks the algorithm up
 * under OpenSSL's global lock on every hash, which two threads (verify,
 * screening ahead) then fight over; 10% of verify's CPU at 1M. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
  sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
  pthread_once(&sha256_once, sha256_fetch);
  return sha256_md ? sha256_md : EVP_sha256();
}

int cg_sha256_new(cg_sha256 **out, cg_error *err)
{
  cg_sha256 *h = calloc(1, sizeof(*h));

  *out = NULL;
  if(!h)
    return cg_error_set(err, CG_ENOMEM, "sha256: out of memory");
  h->ctx = EVP_MD_CTX_new();
  if(!h->ctx || EVP_DigestInit_ex(h->ctx, sha256(), NULL) != 1) {
    cg_sha256_free(h);
    return cg_error_set(err, CG_EINTERNAL, "sha256: init failed");
  }
  *out = h;
  return CG_OK;
}

int cg_sha256_update(cg_sha256 *h, const void *p, size_t n, cg_error *err)
{
  if(EVP_DigestUpdate(h->ctx, p, n) != 1)
    return cg_error_set(err, CG_EINTERNAL, "sha256: update failed");
  return CG_OK;
}

static void to_hex(const unsigned char *d, size_t n, char *hex)
{
  static const char digits[] = "0123456789abcdef";
  size_t i;

  for(i = 0; i < n; i++) {
    hex[2 * i] = digits[d[i] >> 4];
    hex[2 * i + 1] = digits[d[i] & 15];
  }
  hex[2 * n] = '\0';
}

int cg_sha256_final_hex(cg_sha256 *h, char hex[CG_SHA256_HEX], cg_error *err)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  if(EVP_DigestFinal_ex(h->ctx, d, &n) != 1 || n != 32)
    return cg_error_set(err, CG_EINTERNAL, "sha256: final failed");
  to_hex(d, 32, hex);
  return CG_OK;
}

void cg_sha256_free(cg_sha256 *h)
{
  if(!h)
    return;
  EVP_MD_CTX_free(h->ctx);
  free(h);
}

int cg_sha256_hex(const void *p, size_t n, char hex[CG_SHA256_HEX],
                  cg_error *err)
{
  unsigned char d[32];

  if(!EVP_Digest(p, n, d, NULL, sha256(), NULL))
    return cg_error_set(err, CG_EINTERNAL, "sha256: digest failed");
  to_hex(d, 32, hex);
  return CG_OK;
}

int cg_sha256_file_hex(const char *path, char hex[CG_SHA256_HEX],
                       cg_error *err)
{
  cg_sha256 *h = NULL;
  FILE *f;
  char buf[65536];
  size_t n;
  int rc;

  f = fopen(path, "rb");
  if(!f) {
    rc = cg_error_set(err, CG_EIO, "%s: %s", path, strerror(errno));
    if(err)
      err->sys_errno = errno;
    return rc;
  }
  rc = cg_sha256_new(&h, err);
  while(rc == CG_OK && (n = fread(buf, 1, sizeof(buf), f)) > 0)
    rc = cg_sha256_update(h, buf, n, err);
  if(rc == CG_OK && ferror(f))
    rc = cg_error_set(err, CG_EIO, "%s: read error", path);
  if(rc == CG_OK)
    rc = cg_sha256_final_hex(h, hex, err);
  cg_sha256_free(h);
  fclose(f);
  return rc;
}

int cg_hmac_sha256(const void *key, size_t key_len, const void *msg,
                   size_t msg_len, unsigned char mac[32], cg_error *err)
{
  unsigned int n = 32;

  if(!HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, mac, &n) || n != 32)
    return cg_error_set(err, CG_EINTERNAL, "hmac-sha256 failed");
  return CG_OK;
}

int cg_base64_encode(char **out, const void *p, size_t n, cg_error *err)
{
  size_t cap = 4 * ((n + 2) / 3) + 1;
  char *s = malloc(cap);

  *out = NULL;
  if(!s)
    return cg_error_set(err, CG_ENOMEM, "base64: out of memory");
  EVP_EncodeBlock((unsigned char *)s, p, (int)n);
  *out = s;
  return CG_OK;
}

int cg_base64_decode(unsigned char **out, size_t *n_out, const char *s,
                     cg_error *err)
{
  size_t len = strlen(s);
  unsigned char *d;
  int n, pad = 0;

  *out = NULL;
  *n_out = 0;
  if(len == 0 || len % 4 != 0)
    return cg_error_set(err, CG_EINVAL,
                        "base64: length %zu is not a "
                        "positive multiple of 4",
                        len);
  d = malloc(len / 4 * 3 + 1);
  if(!d)
    return cg_error_set(err, CG_ENOMEM, "base64: out of memory");
  n = EVP_DecodeBlock(d, (const unsigned char *)s, (int)len);
  if(n < 0) {
    free(d);
    return cg_error_set(err, CG_EINVAL, "base64: invalid characters");
  }
  /* EVP_DecodeBlock counts padding as zero bytes. */
  if(s[len - 1] == '=')
    pad++;
  if(s[len - 2] == '=')
    pad++;
  *out = d;
  *n_out = (size_t)n - (size_t)pad;
  return CG_OK;
}

int cg_random_bytes(void *buf, size_t n, cg_error *err)
{
  if(RAND_bytes(buf, (int)n) != 1)
    return cg_error_set(err, CG_EINTERNAL, "random bytes unavailable");
  return CG_OK;
}
