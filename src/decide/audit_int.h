/* audit_int.h -- private to decide/audit*.c: the chain's definition,
 * shared by the writer (audit.c) and the verifier (audit_verify.c) so
 * that there is one of it. */
#ifndef CG_AUDIT_INT_H
#define CG_AUDIT_INT_H

#include <stddef.h>

#include "core/crypto.h"
#include "core/error.h"

/* The first entry's prev_hash: 64 zeros. */
extern const char cg_audit_genesis[CG_SHA256_HEX];

/* hex = SHA-256(prev || the len bytes of doc), lowercase hex. */
int cg_audit_chain_hash(const char *prev, const char *doc, size_t len,
                        char hex[CG_SHA256_HEX], cg_error *err);

#endif
