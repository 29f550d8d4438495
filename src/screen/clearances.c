/* clearances.c -- clearances of screening hits (tables clearances and
 * clearance_revocations, migration 0006): who cleared which hit and why,
 * the two-person rule for sure hits, revocation and history. Rows are only
 * ever appended (the database refuses updates and deletes). */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/json.h"
#include "core/text.h"
#include "model/customer.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The clearances in force on one (customer, entry, content) pair. */
#define IN_FORCE_SQL                                                          \
  "SELECT c.id, c.reviewer, c.reason, c.cleared_at, c.entry_id, "             \
  "c.content_hash FROM clearances c WHERE c.customer_id = ?1 AND "            \
  "c.entry_id = ?2 AND c.content_hash = ?3 AND NOT EXISTS (SELECT 1 FROM "    \
  "clearance_revocations r WHERE r.clearance_id = c.id) ORDER BY c.id"

void cg_sc_clearances_free(cg_screen_clearance *c, size_t n)
{
  size_t i;

  for(i = 0; c && i < n; i++) {
    free(c[i].customer);
    free(c[i].list);
    free(c[i].entry_id);
    free(c[i].content_hash);
    free(c[i].reviewer);
    free(c[i].reason);
    free(c[i].cleared_at);
    free(c[i].revoked_by);
    free(c[i].revoke_reason);
    free(c[i].revoked_at);
  }
  free(c);
}

void cg_screen_clearances_free(cg_screen_clearances *c)
{
  if(!c)
    return;
  cg_sc_clearances_free(c->items, c->n);
  c->items = NULL;
  c->n = 0;
}

/* A reviewer name or reason as people type them: not blank, not too
 * long, UTF-8, one line without control characters (it goes into audit
 * output and terminals). */
static int check_text(const char *cmd, const char *what, const char *s,
                      size_t max, cg_error *err)
{
  size_t i, n = s ? strlen(s) : 0;

  if(!s || strspn(s, " \t") == n)
    return cg_error_set(err, CG_EINVAL, "%s: a %s is required (empty)", cmd,
                        what);
  if(n > max)
    return cg_error_set(err, CG_EINVAL, "%s: the %s is over %zu bytes", cmd,
                        what, max);
  if(cg_text_invalid_at(s, n) >= 0)
    return cg_error_set(err, CG_EINVAL, "%s: the %s is not valid UTF-8", cmd,
                        what);
  for(i = 0; i < n; i++)
    if((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return cg_error_set(err, CG_EINVAL,
                          "%s: the %s holds a control character", cmd, what);
  return CG_OK;
}

/* Appends the current row of st (IN_FORCE_SQL's columns) to *arr. */
static int push_row(cg_stmt *st, int64_t customer, cg_screen_clearance **arr,
                    size_t *n, cg_error *err)
{
  cg_screen_clearance *a = realloc(*arr, (*n + 1) * sizeof(*a));
  cg_screen_clearance *c;

  if(!a)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  *arr = a;
  c = &a[(*n)++];
  memset(c, 0, sizeof(*c));
  c->id = cg_stmt_int(st, 0);
  c->customer_id = customer;
  c->reviewer = cg_sc_sdup(cg_stmt_text(st, 1));
  c->reason = cg_sc_sdup(cg_stmt_text(st, 2));
  c->cleared_at = cg_sc_sdup(cg_stmt_text(st, 3));
  c->entry_id = cg_sc_sdup(cg_stmt_text(st, 4));
  c->content_hash = cg_sc_sdup(cg_stmt_text(st, 5));
  if(!c->reviewer || !c->reason || !c->cleared_at || !c->entry_id ||
     !c->content_hash)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  return CG_OK;
}

/* Distinct reviewers among n clearances. */
static int reviewers(const cg_screen_clearance *c, size_t n)
{
  size_t i, j;
  int k = 0;

  for(i = 0; i < n; i++) {
    for(j = 0; j < i && !cg_text_same_name(c[i].reviewer, c[j].reviewer); j++)
      ;
    k += j == i;
  }
  return k;
}

/* The clearances in force on one pair into *arr / *n. */
static int in_force(cg_store *db, int64_t customer, const char *entry,
                    const char *hash, cg_screen_clearance **arr, size_t *n,
                    cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, IN_FORCE_SQL, err);

  *arr = NULL;
  *n = 0;
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, customer, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, entry, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, hash, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1)
    rc = push_row(st, customer, arr, n, err);
  if(st)
    cg_stmt_reset(st);
  if(rc < 0) {
    cg_sc_clearances_free(*arr, *n);
    *arr = NULL;
    *n = 0;
    return rc;
  }
  return CG_OK;
}

int cg_sc_apply_clearances(cg_store *db, int64_t customer,
                           cg_screen_hits *hits, cg_error *err)
{
  size_t i;
  int rc = CG_OK;

  for(i = 0; rc == CG_OK && i < hits->n; i++) {
    cg_screen_hit *h = &hits->items[i];

    rc = in_force(db, customer, h->entry_id, h->content_hash, &h->clear,
                  &h->nclear, err);
    if(rc != CG_OK || !h->nclear)
      continue;
    /* The two-person rule: one reviewer may clear a possible hit; a sure
     * hit needs two different ones. */
    h->cleared = reviewers(h->clear, h->nclear) >= (h->sure ? 2 : 1);
    if(h->cleared) {
      h->clear_reason = cg_sc_sdup(h->clear[h->nclear - 1].reason);
      if(!h->clear_reason)
        rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    }
  }
  return rc;
}

/* The one content hash of entry_id in *hash (malloc'ed). */
static int entry_hash(cg_store *db, const char *entry_id, char **hash,
                      cg_error *err)
{
  cg_stmt *st = NULL;
  int rc, n = 0;

  *hash = NULL;
  rc = cg_store_prepare(db, &st,
                        "SELECT DISTINCT content_hash FROM parties WHERE "
                        "entry_id = ?1",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, entry_id, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    if(n++ == 0) {
      *hash = cg_stmt_strdup(st, 0);
      rc = *hash ? CG_OK : cg_error_set(err, CG_ENOMEM, "out of memory");
    }
    else {
      rc = cg_error_set(err, CG_EINVAL,
                        "screen clear: entry \"%s\" names more than one list "
                        "entry (two list sources use that id)",
                        entry_id);
    }
  }
  cg_stmt_finalize(st);
  if(rc == 0 && !n)
    rc = cg_error_set(err, CG_ENOTFOUND,
                      "screen clear: no list entry \"%s\" (the entry ids "
                      "are on each match of chipgate screen NAME)",
                      entry_id);
  if(rc < 0) {
    free(*hash);
    *hash = NULL;
    return rc;
  }
  return CG_OK;
}

static int insert_clearance(cg_store *db, int64_t cid, const char *entry_id,
                            const char *hash, const char *reviewer,
                            const char *reason, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(db, &st,
                            "INSERT INTO clearances(customer_id, entry_id, "
                            "content_hash, reviewer, reason) VALUES(?1, ?2, "
                            "?3, ?4, ?5)",
                            err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, cid, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, entry_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, hash, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, reviewer, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 5, reason, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  return rc;
}

/* Inside the transaction: refuses a second clearance by the same
 * reviewer, appends this one, counts the reviewers now in force. */
static int clear_locked(cg_store *db, int64_t cid, const char *customer,
                        const char *entry_id, const char *hash,
                        const char *reviewer, const char *reason,
                        int64_t *id_out, int *reviewers_out, cg_error *err)
{
  cg_screen_clearance *c = NULL;
  size_t n = 0, i;
  int rc = in_force(db, cid, entry_id, hash, &c, &n, err);

  for(i = 0; rc == CG_OK && i < n; i++)
    if(cg_text_same_name(c[i].reviewer, reviewer))
      rc = cg_error_set(err, CG_EINVAL,
                        "screen clear: %s already cleared %s for entry %s "
                        "(clearance #%lld); a second clearance needs a "
                        "different reviewer",
                        reviewer, customer, entry_id, (long long)c[i].id);
  cg_sc_clearances_free(c, n);
  if(rc == CG_OK)
    rc = insert_clearance(db, cid, entry_id, hash, reviewer, reason, err);
  if(rc == CG_OK && id_out)
    *id_out = cg_store_last_rowid(db);
  if(rc == CG_OK)
    rc = in_force(db, cid, entry_id, hash, &c, &n, err);
  if(rc == CG_OK && reviewers_out)
    *reviewers_out = reviewers(c, n);
  if(rc == CG_OK)
    cg_sc_clearances_free(c, n);
  return rc;
}

int cg_screen_clear(cg_store *db, const char *customer, const char *entry_id,
                    const char *reviewer, const char *reason, int64_t *id_out,
                    int *reviewers_out, cg_error *err)
{
  char *hash = NULL;
  int64_t cid = 0;
  int rc;

  rc = check_text("screen clear", "reviewer", reviewer, CG_SCREEN_REVIEWER_MAX,
                  err);
  if(rc == CG_OK)
    rc = check_text("screen clear", "reason", reason, CG_SCREEN_REASON_MAX,
                    err);
  if(rc == CG_OK && (!entry_id || !*entry_id))
    rc = cg_error_set(err, CG_EINVAL, "screen clear: no list entry given");
  if(rc == CG_OK)
    rc = cg_customer_find_ref(db, customer, &cid, err);
  if(rc == CG_OK && cid == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "screen clear: no customer \"%s\"",
                      customer);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = entry_hash(db, entry_id, &hash, err);
  if(rc == CG_OK)
    rc = clear_locked(db, cid, customer, entry_id, hash, reviewer, reason,
                      id_out, reviewers_out, err);
  free(hash);
  if(rc != CG_OK) {
    cg_store_rollback(db);
    return rc;
  }
  return cg_store_commit(db, err);
}

/* Inside the transaction: the clearance exists and is in force. */
static int revocable(cg_store *db, int64_t id, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(db, &st,
                            "SELECT r.reviewer, r.revoked_at FROM clearances "
                            "c LEFT JOIN clearance_revocations r ON "
                            "r.clearance_id = c.id WHERE c.id = ?1",
                            err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 0)
    rc = cg_error_set(err, CG_ENOTFOUND,
                      "screen revoke: no clearance #%lld (chipgate screen "
                      "history shows the ids)",
                      (long long)id);
  else if(rc == 1 && !cg_stmt_is_null(st, 0))
    rc = cg_error_set(err, CG_EINVAL,
                      "screen revoke: clearance #%lld was already revoked "
                      "by %s at %s",
                      (long long)id, cg_stmt_text(st, 0), cg_stmt_text(st, 1));
  else if(rc == 1)
    rc = CG_OK;
  cg_stmt_finalize(st);
  return rc;
}

int cg_screen_revoke(cg_store *db, int64_t id, const char *reviewer,
                     const char *reason, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  rc = check_text("screen revoke", "reviewer", reviewer,
                  CG_SCREEN_REVIEWER_MAX, err);
  if(rc == CG_OK)
    rc = check_text("screen revoke", "reason", reason, CG_SCREEN_REASON_MAX,
                    err);
  if(rc == CG_OK)
    rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = revocable(db, id, err);
  if(rc == CG_OK)
    rc = cg_store_prepare(db, &st,
                          "INSERT INTO clearance_revocations(clearance_id, "
                          "reviewer, reason) VALUES(?1, ?2, ?3)",
                          err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, reviewer, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, reason, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc != CG_OK) {
    cg_store_rollback(db);
    return rc;
  }
  return cg_store_commit(db, err);
}

/* The current history row of st into out. */
static int history_row(cg_stmt *st, cg_screen_clearances *out, cg_error *err)
{
  cg_screen_clearance *c;
  int rc = push_row(st, cg_stmt_int(st, 6), &out->items, &out->n, err);

  if(rc != CG_OK)
    return rc;
  c = &out->items[out->n - 1];
  c->customer = cg_sc_sdup(cg_stmt_text(st, 7));
  c->list = cg_stmt_is_null(st, 11) ? NULL : cg_sc_sdup(cg_stmt_text(st, 11));
  if(!c->customer || (!cg_stmt_is_null(st, 11) && !c->list))
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  if(cg_stmt_is_null(st, 8))
    return CG_OK;
  c->revoked_by = cg_sc_sdup(cg_stmt_text(st, 8));
  c->revoke_reason = cg_sc_sdup(cg_stmt_text(st, 9));
  c->revoked_at = cg_sc_sdup(cg_stmt_text(st, 10));
  if(!c->revoked_by || !c->revoke_reason || !c->revoked_at)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  return CG_OK;
}

/* The clearances of customer cid (0 = all), entry_id (NULL = all) and
 * id (0 = all) into out, oldest first. */
static int history(cg_store *db, int64_t cid, const char *entry_id, int64_t id,
                   cg_screen_clearances *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(
      db, &st,
      "SELECT c.id, c.reviewer, c.reason, c.cleared_at, c.entry_id, "
      "c.content_hash, c.customer_id, cu.name, r.reviewer, r.reason, "
      "r.revoked_at, (SELECT p.list FROM parties p WHERE p.entry_id = "
      "c.entry_id ORDER BY p.id LIMIT 1) FROM clearances c JOIN customers cu "
      "ON cu.id = c.customer_id LEFT JOIN clearance_revocations r ON "
      "r.clearance_id = c.id WHERE (?1 = 0 OR c.customer_id = ?1) AND (?2 "
      "IS NULL OR c.entry_id = ?2) AND (?3 = 0 OR c.id = ?3) ORDER BY c.id",
      err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, cid, err);
  if(rc == CG_OK)
    rc = entry_id ? cg_stmt_bind_text(st, 2, entry_id, err)
                  : cg_stmt_bind_null(st, 2, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, id, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1)
    rc = history_row(st, out, err);
  cg_stmt_finalize(st);
  if(rc < 0) {
    cg_screen_clearances_free(out);
    return rc;
  }
  return CG_OK;
}

int cg_screen_clearance_history(cg_store *db, const char *customer,
                                const char *entry_id,
                                cg_screen_clearances *out, cg_error *err)
{
  int64_t cid = 0;
  int rc = CG_OK;

  out->n = 0;
  out->items = NULL;
  if(customer) {
    rc = cg_customer_find_ref(db, customer, &cid, err);
    if(rc == CG_OK && cid == 0)
      rc = cg_error_set(err, CG_ENOTFOUND,
                        "unknown customer \"%s\" (name or id; "
                        "chipgate list customers shows them)",
                        customer);
  }
  return rc == CG_OK ? history(db, cid, entry_id, 0, out, err) : rc;
}

int cg_screen_clearance_get(cg_store *db, int64_t id,
                            cg_screen_clearances *out, cg_error *err)
{
  int rc;

  out->n = 0;
  out->items = NULL;
  if(id <= 0)
    return cg_error_set(err, CG_ENOTFOUND, "no clearance #%lld",
                        (long long)id);
  rc = history(db, 0, NULL, id, out, err);
  if(rc == CG_OK && out->n != 1) {
    cg_screen_clearances_free(out);
    rc = cg_error_set(err, CG_ENOTFOUND, "no clearance #%lld", (long long)id);
  }
  return rc;
}

/* screen.h */
cg_json *cg_screen_clearance_json(const cg_screen_clearance *c)
{
  cg_json *o = cg_json_object();

  if(o &&
     (cg_json_set_int(o, "id", c->id) ||
      cg_json_set_str(o, "customer", c->customer) ||
      cg_json_set_int(o, "customer_id", c->customer_id) ||
      cg_json_set_str(o, "entry_id", c->entry_id) ||
      cg_json_set_str(o, "list", c->list) ||
      cg_json_set_str(o, "content_hash", c->content_hash) ||
      cg_json_set_str(o, "reviewer", c->reviewer) ||
      cg_json_set_str(o, "reason", c->reason) ||
      cg_json_set_str(o, "cleared_at", c->cleared_at) ||
      cg_json_set_str(o, "status", c->revoked_at ? "revoked" : "in_force") ||
      cg_json_set_str(o, "revoked_by", c->revoked_by) ||
      cg_json_set_str(o, "revoke_reason", c->revoke_reason) ||
      cg_json_set_str(o, "revoked_at", c->revoked_at))) {
    cg_json_free(o);
    o = NULL;
  }
  return o;
}
