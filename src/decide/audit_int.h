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

/* A member's value in a document (its JSON text), p NULL when absent. */
typedef struct span {
  const char *p; /* first byte */
  size_t n;      /* bytes */
} span;

/* The top-level members a column is checked against. */
enum { M_KIND, M_ORDER, M_BATCH, M_DECISION, M_DECIDED_AT, M_AT, M_N };

/* Finds those members in the object doc of len bytes (audit_doc.c); -1
 * if doc is not a JSON object. For bytes whose hash matched. */
int cg_audit_doc_members(const char *doc, size_t len, span out[M_N]);

/* What the document says for a member, as text to compare with a column:
 * a string's text, a whole number's digits (is_int), NULL when absent,
 * and the JSON itself (which no column equals) for anything else. */
const char *cg_audit_doc_value(span s, int is_int, char *buf, size_t size);

/* cg_audit_verify_anchor with parts of part_size entries (0: the whole
 * log in one walk on db): parts go to two threads, each with its own
 * connection, and are joined to the answer one walk gives. For tests,
 * which cut a small log at every place. */
int cg_audit_verify_parts(cg_store *db, const cg_audit_head *anchor,
                          int64_t part_size, cg_audit_check *out,
                          cg_error *err);

#endif
