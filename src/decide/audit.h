/* audit.h -- the tamper-evident audit log: one hash chain of every
 * decision and every lifecycle step of an order. Entries are append-only
 * (triggers refuse UPDATE and DELETE); each row keeps the bytes of its
 * document (a decision: decide/decision.h cg_decision_write; a step: the
 * fields cg_audit_step writes) and hash = SHA-256(previous hash ||
 * bytes), so changing or removing any row breaks every hash after it.
 * Every other column of a row is also in its bytes, and verify checks
 * each; removing the newest rows is caught against a head kept earlier
 * (cg_audit_head, cg_audit_verify_anchor). Writing: audit.c; proving:
 * audit_verify.c. */
#ifndef CG_AUDIT_H
#define CG_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"
#include "core/error.h"
#include "core/json.h"
#include "decide/decision.h"
#include "core/store.h"

/* Appends decision dn of order row order_rowid to the chain: sets
 * dn->decided_at (now, UTC, in dn's arena) and dn->batch (batch_id, 0 for
 * none), writes dn's bytes, hashes exactly those bytes, stores them as
 * decisions.doc and marks the order decided. Must run inside the caller's
 * transaction (with the licence usage and the outbox event of the same
 * decision). hash_out (may be NULL) receives the new row's hash (65
 * bytes); json_out (may be NULL) the stored bytes (malloc'ed,
 * NUL-terminated) and len_out (may be NULL) their length. */
int cg_audit_append(cg_store *db, int64_t order_rowid, int64_t batch_id,
                    cg_decision *dn, char *hash_out, char **json_out,
                    size_t *len_out, cg_error *err);

/* The stored bytes of log entry seq (*json_out malloc'ed, NUL-terminated;
 * len_out may be NULL); CG_ENOTFOUND if there is none. */
int cg_audit_doc(cg_store *db, int64_t seq, char **json_out, size_t *len_out,
                 cg_error *err);

/* "sha256:<hex>" of dn's bytes without decided_at and batch: everything
 * the decision read and concluded. Two decisions of an order with the
 * same digest say the same (a licence's reason texts, which carry running
 * balances, count by their codes only); batch re-decides an open order
 * only when it changes (orders.inputs keeps the current decision's). */
int cg_audit_inputs_digest(const cg_decision *dn, char out[72], cg_error *err);

/* The newest entry's seq (0 for an empty log). */
int cg_audit_last_seq(cg_store *db, int64_t *seq, cg_error *err);

/* Appends a lifecycle step of order row order_rowid to the chain: kind
 * is review, nac_filed, nac_objection, shipment or cancel; fields (a JSON
 * object the caller built and still owns) gets "kind", "order_id" (the
 * ERP id) and "at" (now, UTC) and is written compact with sorted keys,
 * hashed and stored. Inside the caller's transaction; seq_out and
 * hash_out (65 bytes) may be NULL. */
int cg_audit_step(cg_store *db, int64_t order_rowid, const char *kind,
                  cg_json *fields, int64_t *seq_out, char *hash_out,
                  cg_error *err);

/* The head of the chain: its newest entry. Anyone who keeps a head can
 * later prove that the log still reaches it (cg_audit_verify_anchor), so
 * removing the newest entries is caught. Written "SEQ:HASH"; an empty
 * log's head is the genesis, "0:" and 64 zeros. */
typedef struct cg_audit_head {
  int64_t seq;              /* decisions.seq; 0: empty log */
  char hash[CG_SHA256_HEX]; /* its hash, lowercase hex */
} cg_audit_head;

#define CG_AUDIT_HEAD_TEXT 88 /* "SEQ:HASH" with NUL: 20 + 1 + 64 + 1 */

/* Reads the newest entry's seq and hash (the genesis for an empty log).
 * Inside or outside a transaction: inside, it sees the caller's own
 * uncommitted entries. */
int cg_audit_head_get(cg_store *db, cg_audit_head *out, cg_error *err);

/* Writes h as "SEQ:HASH" into out; returns out. */
char *cg_audit_head_text(const cg_audit_head *h, char out[CG_AUDIT_HEAD_TEXT]);

/* Reads "SEQ:HASH" (SEQ a whole number >= 0, HASH 64 hex digits, either
 * case) into *out. CG_EUSAGE "expected SEQ:HASH ..." otherwise; the
 * caller names where the text came from. */
int cg_audit_head_parse(const char *text, cg_audit_head *out, cg_error *err);

/* What a verification found. */
typedef struct cg_audit_check {
  int64_t entries;    /* entries read (up to and with a bad one) */
  int64_t decisions;  /* of them, of kind decision */
  int64_t bad_seq;    /* the first bad entry (or the anchor's), 0: none */
  cg_audit_head head; /* the newest entry read and proved */
} cg_audit_check;

/* Recomputes the whole chain and checks every stored column of every
 * entry against its hashed bytes: the previous-hash link, the hash,
 * consecutive seqs from 1, and kind, order_id (the order's ERP id),
 * batch_id, decision and decided_at against the document (a decision's
 * "order_id", "batch", "decision", "decided_at"; a lifecycle step's
 * "kind", "order_id", "at", with batch_id and decision NULL). With anchor
 * (may be NULL) the entry anchor->seq must also exist and have
 * anchor->hash: a log whose newest entries were removed, or rewritten
 * from the anchor on, fails. On any mismatch returns CG_EINVAL naming the
 * entry, its order and the column ("decision 14 (order O-1014): column
 * decision says nlr, the hashed bytes say deny"), with the entry's seq in
 * out->bad_seq. A database error is returned as is. */
int cg_audit_verify_anchor(cg_store *db, const cg_audit_head *anchor,
                           cg_audit_check *out, cg_error *err);

/* cg_audit_verify_anchor calling fn(arg, entries checked, entries in the
 * log) as it goes (every 1024 entries, from the caller's thread only)
 * and once at the end; fn may be NULL. */
int cg_audit_verify_progress(cg_store *db, const cg_audit_head *anchor,
                             void (*fn)(void *, int64_t, int64_t), void *arg,
                             cg_audit_check *out, cg_error *err);

/* cg_audit_verify_anchor without an anchor. *rows_out gets the entries
 * checked, *bad_seq_out the first bad one's seq (0: none). */
int cg_audit_verify(cg_store *db, int64_t *rows_out, int64_t *bad_seq_out,
                    cg_error *err);

/* Calls fn(bytes, arg) for each decision in chain order (the stored
 * bytes, NUL-terminated, valid during the call; cg_decision_parse reads
 * them), filtered by decided_at >= since (YYYY-MM-DD, NULL = all), by
 * order_id (NULL = all) and by batch (0 = all). fn returning non-zero
 * stops. */
int cg_audit_each(cg_store *db, const char *since, const char *order_id,
                  int64_t batch_id, int (*fn)(const char *, void *), void *arg,
                  cg_error *err);

/* The same over every entry of the log: decisions and the lifecycle steps
 * (documents with a "kind": review, nac_filed, ...), filtered by when
 * they were recorded and by order. */
int cg_audit_each_entry(cg_store *db, const char *since, const char *order_id,
                        int (*fn)(const char *, void *), void *arg,
                        cg_error *err);

/* cg_audit_each over each order's current decision only (what a report of
 * everything counts: an order re-decided is counted once, as it stands). */
int cg_audit_each_current(cg_store *db, int (*fn)(const char *, void *),
                          void *arg, cg_error *err);

/* Batches. */
int cg_audit_batch_begin(cg_store *db, const char *as_of, const char *ruleset,
                         const char *lists, double mfu, int64_t *id_out,
                         cg_error *err);
/* Adds decided to the batch's count and marks it finished (now). */
int cg_audit_batch_finish(cg_store *db, int64_t id, int64_t decided,
                          cg_error *err);
/* Adds decided to the batch's count (a commit before its last). */
int cg_audit_batch_count(cg_store *db, int64_t id, int64_t decided,
                         cg_error *err);

/* A batch's row as reports show it; strings are "" when unknown. */
typedef struct cg_audit_batch {
  char as_of[32];      /* date every order was evaluated at; "": each
                          order's ship date */
  char started_at[32]; /* ISO 8601 UTC */
  char ruleset[80];    /* "sha256:..." */
  char lists[80];      /* lists version */
  double mfu;          /* MFU of the workload estimates */
} cg_audit_batch;

/* Reads batch id into *out; CG_ENOTFOUND "unknown batch N" if absent. */
int cg_audit_batch_get(cg_store *db, int64_t id, cg_audit_batch *out,
                       cg_error *err);

/* The batch that decided order_id into *id_out: 0 if the order has no
 * recorded decision or was decided outside a batch. */
int cg_audit_order_batch(cg_store *db, const char *order_id, int64_t *id_out,
                         cg_error *err);

#endif
