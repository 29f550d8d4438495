/* audit.c -- see audit.h. */
#include "decide/audit.h"
#include "decide/audit_int.h"

#include "model/order.h"

#include "core/json.h"

#include "core/clock.h"
#include "core/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char cg_audit_genesis[CG_SHA256_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

int cg_audit_chain_hash(const char *prev, const char *doc, size_t len,
                        char hex[CG_SHA256_HEX], cg_error *err)
{
  cg_sha256 *h = NULL;
  int rc = cg_sha256_new(&h, err);

  if(rc == CG_OK)
    rc = cg_sha256_update(h, prev, strlen(prev), err);
  if(rc == CG_OK)
    rc = cg_sha256_update(h, doc, len, err);
  if(rc == CG_OK)
    rc = cg_sha256_final_hex(h, hex, err);
  cg_sha256_free(h);
  return rc;
}

/* The hash of the newest row, or the genesis hash for an empty log. */
static int chain_head(cg_store *db, char prev[CG_SHA256_HEX], cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT hash FROM decisions ORDER BY seq DESC "
                           "LIMIT 1",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    snprintf(prev, CG_SHA256_HEX, "%s", cg_stmt_text(st, 0));
  else if(rc == 0)
    memcpy(prev, cg_audit_genesis, CG_SHA256_HEX);
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* One chain entry: kind, the outcome for a decision (else NULL). */
static int insert_row(cg_store *db, int64_t order_rowid, const char *kind,
                      int64_t batch_id, const char *decision, const char *now,
                      const char *text, const char *prev, const char *hex,
                      cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "INSERT INTO decisions(order_id, kind, batch_id, "
                           "decision, decided_at, doc, prev_hash, hash) "
                           "VALUES(?1, ?8, ?2, ?3, ?4, ?5, ?6, ?7)",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, order_rowid, err);
  if(rc == CG_OK)
    rc = batch_id ? cg_stmt_bind_int(st, 2, batch_id, err)
                  : cg_stmt_bind_null(st, 2, err);
  if(rc == CG_OK)
    rc = decision ? cg_stmt_bind_text(st, 3, decision, err)
                  : cg_stmt_bind_null(st, 3, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, now, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 5, text, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, prev, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 7, hex, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, kind, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

/* Hashes text onto the chain and stores it as the next entry; its seq in
 * *seq_out and hash in hash_out (may be NULL). */
static int chain_append(cg_store *db, int64_t order_rowid, const char *kind,
                        int64_t batch_id, const char *decision,
                        const char *now, const char *text, size_t len,
                        int64_t *seq_out, char *hash_out, cg_error *err)
{
  char prev[CG_SHA256_HEX], hex[CG_SHA256_HEX];
  int rc = chain_head(db, prev, err);

  if(rc == CG_OK)
    rc = cg_audit_chain_hash(prev, text, len, hex, err);
  if(rc == CG_OK)
    rc = insert_row(db, order_rowid, kind, batch_id, decision, now, text, prev,
                    hex, err);
  if(rc == CG_OK && seq_out)
    *seq_out = cg_store_last_rowid(db);
  if(rc == CG_OK && hash_out)
    memcpy(hash_out, hex, CG_SHA256_HEX);
  return rc;
}

int cg_audit_inputs_digest(const cg_decision *dn, char out[72], cg_error *err)
{
  return cg_decision_write_inputs(dn, NULL, NULL, out, err);
}

int cg_audit_append(cg_store *db, int64_t order_rowid, int64_t batch_id,
                    cg_decision *dn, char *hash_out, char **json_out,
                    size_t *len_out, cg_error *err)
{
  char now[21], inputs[72];
  const char *outcome = cg_outcome_name(dn->decision);
  char *text = NULL;
  size_t len = 0;
  int64_t seq = 0;
  int rc;

  cg_clock_iso(0, now);
  dn->decided_at = cg_decision_strdup(dn, now);
  dn->batch = batch_id;
  if(!dn->decided_at)
    return cg_error_set(err, CG_ENOMEM, "audit: out of memory");
  if(!outcome || dn->decision == CG_OUT_NONE)
    return cg_error_set(err, CG_EINTERNAL, "audit: decision without outcome");
  /* Serialised once: the bytes hashed, stored, reported and sent, and
   * the inputs digest read from them. */
  rc = cg_decision_write_inputs(dn, &text, &len, inputs, err);
  if(rc == CG_OK)
    rc = chain_append(db, order_rowid, "decision", batch_id, outcome, now,
                      text, len, &seq, hash_out, err);
  /* The newest decision is the order's current one: it supersedes the
   * last, which stays in the chain. */
  if(rc == CG_OK)
    rc = cg_order_set_current(db, order_rowid, seq, (int)dn->decision, inputs,
                              err);
  if(rc == CG_OK && json_out) {
    *json_out = text;
    text = NULL;
  }
  if(rc == CG_OK && len_out)
    *len_out = len;
  free(text);
  return rc < 0 ? rc : CG_OK;
}

int cg_audit_last_seq(cg_store *db, int64_t *seq, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT coalesce(max(seq), 0) FROM decisions", err);

  *seq = 0;
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *seq = cg_stmt_int(st, 0);
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_audit_step(cg_store *db, int64_t order_rowid, const char *kind,
                  cg_json *fields, int64_t *seq_out, char *hash_out,
                  cg_error *err)
{
  char now[21];
  char *text = NULL;
  cg_order o;
  int rc;

  cg_clock_iso(0, now);
  rc = cg_order_get_id(db, order_rowid, &o, err);
  if(rc == CG_OK)
    rc = cg_json_set_str(fields, "kind", kind);
  if(rc == CG_OK)
    rc = cg_json_set_str(fields, "order_id", o.order_id);
  if(rc == CG_OK)
    rc = cg_json_set_str(fields, "at", now);
  if(rc == CG_OK)
    rc = cg_json_dump(&text, fields, CG_JSON_CANONICAL, err);
  if(rc == CG_OK)
    rc = chain_append(db, order_rowid, kind, 0, NULL, now, text, strlen(text),
                      seq_out, hash_out, err);
  free(text);
  return rc;
}

/* What each() walks: decisions, every entry, or each order's current
 * decision. */
enum { EACH_DECISIONS, EACH_ENTRIES, EACH_CURRENT };

static const char *const each_sql[] = {
  "SELECT doc FROM decisions WHERE kind = 'decision' AND (?1 IS NULL OR "
  "decided_at >= ?1) AND (?2 = 0 OR order_id = ?2) AND (?3 = 0 OR "
  "batch_id = ?3) ORDER BY seq",
  "SELECT doc FROM decisions WHERE (?1 IS NULL OR decided_at >= ?1) AND "
  "(?2 = 0 OR order_id = ?2) AND (?3 = 0 OR batch_id = ?3) ORDER BY seq",
  "SELECT d.doc FROM decisions d JOIN orders o ON o.current_seq = d.seq "
  "WHERE d.kind = 'decision' AND (?1 IS NULL OR d.decided_at >= ?1) AND "
  "(?2 = 0 OR d.order_id = ?2) AND (?3 = 0 OR d.batch_id = ?3) ORDER BY "
  "d.seq",
};

static int each(cg_store *db, const char *since, const char *order_id,
                int64_t batch_id, int what, int (*fn)(const char *, void *),
                void *arg, cg_error *err)
{
  cg_stmt *st = NULL;
  int64_t rowid = 0;
  int rc = order_id ? cg_order_find_id(db, order_id, &rowid, err) : CG_OK;

  /* An order that does not exist has no decision. */
  if(rc != CG_OK || (order_id && rowid == 0))
    return rc;
  rc = cg_store_prepare(db, &st, each_sql[what], err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, since, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, rowid, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, batch_id, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    rc = CG_OK;
    if(fn(cg_stmt_text(st, 0), arg))
      break;
  }
  cg_stmt_finalize(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_audit_each(cg_store *db, const char *since, const char *order_id,
                  int64_t batch_id, int (*fn)(const char *, void *), void *arg,
                  cg_error *err)
{
  return each(db, since, order_id, batch_id, EACH_DECISIONS, fn, arg, err);
}

int cg_audit_each_current(cg_store *db, int (*fn)(const char *, void *),
                          void *arg, cg_error *err)
{
  return each(db, NULL, NULL, 0, EACH_CURRENT, fn, arg, err);
}

int cg_audit_each_entry(cg_store *db, const char *since, const char *order_id,
                        int (*fn)(const char *, void *), void *arg,
                        cg_error *err)
{
  return each(db, since, order_id, 0, EACH_ENTRIES, fn, arg, err);
}

int cg_audit_batch_begin(cg_store *db, const char *as_of, const char *ruleset,
                         const char *lists, double mfu, int64_t *id_out,
                         cg_error *err)
{
  char now[21];
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "INSERT INTO batches(started_at, as_of, ruleset, "
                           "lists, mfu) VALUES(?1, ?2, ?3, ?4, ?5)",
                           err);

  cg_clock_iso(0, now);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, now, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, as_of, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, ruleset, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, lists, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_double(st, 5, mfu, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc == CG_OK)
    *id_out = cg_store_last_rowid(db);
  return rc;
}

int cg_audit_batch_finish(cg_store *db, int64_t id, int64_t decided,
                          cg_error *err)
{
  char now[21];
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "UPDATE batches SET finished_at = ?2, decided = "
                           "decided + ?3 WHERE id = ?1",
                           err);

  cg_clock_iso(0, now);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, now, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, decided, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

int cg_audit_batch_count(cg_store *db, int64_t id, int64_t decided,
                         cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "UPDATE batches SET decided = decided + ?2 "
                           "WHERE id = ?1",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, decided, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

int cg_audit_batch_get(cg_store *db, int64_t id, cg_audit_batch *out,
                       cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(db, &st,
                            "SELECT coalesce(as_of, ''), started_at, "
                            "ruleset, coalesce(lists, ''), mfu FROM batches "
                            "WHERE id = ?1",
                            err);

  memset(out, 0, sizeof(*out));
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "unknown batch %lld", (long long)id);
  if(rc == 1) {
    snprintf(out->as_of, sizeof(out->as_of), "%s", cg_stmt_text(st, 0));
    snprintf(out->started_at, sizeof(out->started_at), "%s",
             cg_stmt_text(st, 1));
    snprintf(out->ruleset, sizeof(out->ruleset), "%s", cg_stmt_text(st, 2));
    snprintf(out->lists, sizeof(out->lists), "%s", cg_stmt_text(st, 3));
    out->mfu = cg_stmt_double(st, 4);
    rc = CG_OK;
  }
  cg_stmt_finalize(st);
  return rc;
}

int cg_audit_order_batch(cg_store *db, const char *order_id, int64_t *id_out,
                         cg_error *err)
{
  cg_stmt *st = NULL;
  int64_t rowid = 0;
  int rc = cg_order_find_id(db, order_id, &rowid, err);

  *id_out = 0;
  if(rc != CG_OK || rowid == 0)
    return rc;
  rc = cg_store_prepare(db, &st,
                        "SELECT coalesce(batch_id, 0) FROM decisions WHERE "
                        "order_id = ?1 AND kind = 'decision' ORDER BY seq "
                        "DESC LIMIT 1",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, rowid, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *id_out = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_audit_doc(cg_store *db, int64_t seq, char **json_out, size_t *len_out,
                 cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, "SELECT doc FROM decisions WHERE seq = ?1",
                           err);

  *json_out = NULL;
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, seq, err);
  if(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    *json_out = strdup(cg_stmt_text(st, 0));
    rc = *json_out ? CG_OK : cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  else if(rc == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "no log entry %lld", (long long)seq);
  cg_stmt_reset(st);
  if(rc == CG_OK && len_out)
    *len_out = strlen(*json_out);
  return rc;
}
