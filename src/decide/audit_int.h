/* audit_int.h -- private to decide/audit*.c: the chain's definition,
 * shared by the writer (audit.c) and the verifier (audit_verify.c) so
 * that there is one of it. */
#ifndef CG_AUDIT_INT_H
#define CG_AUDIT_INT_H

#include <stddef.h>

#include <stdint.h>

#include "core/crypto.h"
#include "core/error.h"
#include "core/store.h"
#include "decide/audit.h"

/* The first entry's prev_hash: 64 zeros. */
extern const char cg_audit_genesis[CG_SHA256_HEX];

/* hex = SHA-256(prev || the len bytes of doc), lowercase hex. */
int cg_audit_chain_hash(const char *prev, const char *doc, size_t len,
                        char hex[CG_SHA256_HEX], cg_error *err);

/* cg_audit_verify_anchor with parts of part_size entries (0: the whole
 * log in one walk on db): parts go to two threads, each with its own
 * connection, and are joined to the answer one walk gives. For tests,
 * which cut a small log at every place. */
int cg_audit_verify_parts(cg_store *db, const cg_audit_head *anchor,
                          int64_t part_size, cg_audit_check *out,
                          cg_error *err);

#endif
