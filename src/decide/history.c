/* history.c -- an order's history read back from the audit log, and the
 * order views built on it (history.h). The only SQL here reads the
 * decisions table; everything else goes through the owning modules. */
#include "decide/history.h"

#include "core/json.h"
#include "decide/decision.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/license.h"
#include "model/order.h"
#include "rules/rules.h"

#include <stdio.h>
#include <string.h>

static int oom(cg_error *err)
{
  return cg_error_set(err, CG_ENOMEM, "history: out of memory");
}

/* Outcome and recording time of log entry seq ("" when it is not a
 * decision or does not exist). */
static int entry_head(cg_store *db, int64_t seq, char outcome[24], char at[24],
                      cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT coalesce(decision, ''), decided_at FROM "
                           "decisions WHERE seq = ?1",
                           err);

  outcome[0] = at[0] = '\0';
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, seq, err);
  if(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    snprintf(outcome, 24, "%s", cg_stmt_text(st, 0));
    snprintf(at, 24, "%s", cg_stmt_text(st, 1));
  }
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* Sets key to a customer's and a chip's names (their owners' lookups). */
static int set_names(cg_store *db, cg_json *o, const cg_order *ord,
                     cg_error *err)
{
  cg_customer cu;
  cg_chip ch;
  int rc = cg_customer_get_id(db, ord->customer_id, &cu, err);

  if(rc != CG_OK)
    return rc;
  cg_json_set_str(o, "customer", cu.name);
  cg_customer_clear(&cu);
  cg_chip_init(&ch);
  rc = cg_chip_get_id(db, ord->chip_id, &ch, err);
  if(rc == CG_OK)
    cg_json_set_str(o, "chip", ch.name);
  cg_chip_clear(&ch);
  return rc;
}

static void set_opt(cg_json *o, const char *key, const char *s)
{
  cg_json_set(o, key, cg_json_str(s && *s ? s : NULL));
}

typedef struct list_ctx {
  cg_store *db;
  const cg_history_filter *f;
  cg_json *arr;
  cg_error *err;
  int rc;
} list_ctx;

static int list_one(void *arg, const cg_order_row *row)
{
  list_ctx *c = arg;
  char outcome[24], at[24];
  cg_json *o;

  c->rc = entry_head(c->db, row->current_seq, outcome, at, c->err);
  if(c->rc != CG_OK)
    return 1;
  if(c->f->outcome >= 0 &&
     strcmp(outcome, cg_outcome_name((cg_outcome)c->f->outcome)) != 0)
    return 0;
  if(c->f->since && strcmp(row->created_at, c->f->since) < 0 &&
     (!*at || strcmp(at, c->f->since) < 0))
    return 0;
  if(!(o = cg_json_object())) {
    c->rc = oom(c->err);
    return 1;
  }
  cg_json_set_str(o, "order_id", row->order.order_id);
  if((c->rc = set_names(c->db, o, &row->order, c->err)) != CG_OK) {
    cg_json_free(o);
    return 1;
  }
  cg_json_set_str(o, "destination", row->order.destination);
  cg_json_set_int(o, "quantity", row->order.quantity);
  cg_json_set_str(o, "ship_date", row->order.ship_date);
  cg_json_set_str(o, "state", cg_order_state_name(row->state));
  set_opt(o, "outcome", outcome);
  if(row->current_seq)
    cg_json_set_int(o, "current_seq", row->current_seq);
  else
    cg_json_set(o, "current_seq", cg_json_null());
  set_opt(o, "decided_at", at);
  cg_json_set_str(o, "created_at", row->created_at);
  cg_json_append(c->arr, o);
  return 0;
}

int cg_history_orders(cg_store *db, const cg_history_filter *f, cg_json **out,
                      cg_error *err)
{
  list_ctx c = { db, f, cg_json_array(), err, CG_OK };
  int rc;

  *out = NULL;
  if(!c.arr)
    return oom(err);
  rc = cg_order_each(db, f->state, f->customer_id, list_one, &c, err);
  if(rc == 1)
    rc = c.rc;
  if(rc != CG_OK) {
    cg_json_free(c.arr);
    return rc;
  }
  *out = c.arr;
  return CG_OK;
}

/* The decisive rules of a decision's document as [{id, outcome}]. */
static int decisive_rules(const char *doc, cg_json **out, cg_error *err)
{
  cg_decision d;
  cg_json *arr = NULL;
  size_t i;
  int rc = cg_decision_parse(doc, strlen(doc), &d, err);

  if(rc == CG_OK && !(arr = cg_json_array()))
    rc = oom(err);
  for(i = 0; rc == CG_OK && i < d.nrules; i++) {
    cg_json *r;

    if(!d.rules[i].decisive)
      continue;
    if(!(r = cg_json_object())) {
      rc = oom(err);
      break;
    }
    cg_json_set_str(r, "id", d.rules[i].id);
    cg_json_set_str(r, "outcome", d.rules[i].outcome);
    cg_json_append(arr, r);
  }
  cg_decision_clear(&d);
  if(rc != CG_OK) {
    cg_json_free(arr);
    return rc;
  }
  *out = arr;
  return CG_OK;
}

/* A lifecycle step's own fields: its document without the keys every
 * step has (kind, order_id, at), whatever kind it is. */
static int step_fields(const char *doc, int64_t seq, cg_json **out,
                       cg_error *err)
{
  char name[48];
  cg_json *d = NULL, *o;
  void *it;
  int rc;

  snprintf(name, sizeof(name), "log entry %lld", (long long)seq);
  rc = cg_json_parse(&d, doc, strlen(doc), name, err);
  if(rc != CG_OK)
    return rc;
  if(!(o = cg_json_object())) {
    cg_json_free(d);
    return oom(err);
  }
  for(it = cg_json_iter(d, NULL); it; it = cg_json_iter(d, it)) {
    const char *k = cg_json_iter_key(it);

    if(strcmp(k, "kind") != 0 && strcmp(k, "order_id") != 0 &&
       strcmp(k, "at") != 0)
      cg_json_set(o, k, cg_json_ref(cg_json_iter_value(it)));
  }
  cg_json_free(d);
  *out = o;
  return CG_OK;
}

int cg_history_entries(cg_store *db, int64_t order_rowid, cg_json **out,
                       cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = cg_json_array();
  int rc;

  *out = NULL;
  if(!arr)
    return oom(err);
  rc = cg_store_prepare(db, &st,
                        "SELECT seq, kind, decided_at, batch_id, decision, "
                        "hash, doc FROM decisions WHERE order_id = ?1 "
                        "ORDER BY seq",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, order_rowid, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    cg_json *o = cg_json_object(), *extra = NULL;
    int decision = !cg_stmt_is_null(st, 4);

    rc = !o         ? oom(err)
         : decision ? decisive_rules(cg_stmt_text(st, 6), &extra, err)
                    : step_fields(cg_stmt_text(st, 6), cg_stmt_int(st, 0),
                                  &extra, err);
    if(rc != CG_OK) {
      cg_json_free(o);
      break;
    }
    cg_json_set_int(o, "seq", cg_stmt_int(st, 0));
    cg_json_set_str(o, "kind", cg_stmt_text(st, 1));
    cg_json_set_str(o, "at", cg_stmt_text(st, 2));
    if(cg_stmt_is_null(st, 3))
      cg_json_set(o, "batch", cg_json_null());
    else
      cg_json_set_int(o, "batch", cg_stmt_int(st, 3));
    cg_json_set_str(o, "hash", cg_stmt_text(st, 5));
    cg_json_set_str(o, "outcome", cg_stmt_text(st, 4));
    cg_json_set(o, "rules", decision ? extra : cg_json_null());
    cg_json_set(o, "fields", decision ? cg_json_null() : extra);
    cg_json_append(arr, o);
  }
  cg_stmt_finalize(st);
  if(rc < 0) {
    cg_json_free(arr);
    return rc;
  }
  *out = arr;
  return CG_OK;
}

int cg_history_show(cg_store *db, const char *order_id, cg_json **out,
                    cg_error *err)
{
  cg_order ord;
  cg_order_state state;
  int64_t id = 0, seq = 0;
  char outcome[24], at[24];
  cg_json *doc, *o, *entries = NULL, *draws = NULL;
  int rc = cg_order_find_id(db, order_id, &id, err);

  *out = NULL;
  if(rc == CG_OK && id == 0)
    return cg_error_set(err, CG_ENOTFOUND,
                        "unknown order %s (chipgate list orders lists them)",
                        order_id);
  if(rc == CG_OK)
    rc = cg_order_get_id(db, id, &ord, err);
  if(rc == CG_OK)
    rc = cg_order_state_get(db, id, &state, &seq, err);
  if(rc == CG_OK)
    rc = entry_head(db, seq, outcome, at, err);
  if(rc != CG_OK)
    return rc;
  doc = cg_json_object();
  o = cg_json_object();
  if(!doc || !o) {
    cg_json_free(doc);
    cg_json_free(o);
    return oom(err);
  }
  cg_json_set_str(o, "order_id", ord.order_id);
  rc = set_names(db, o, &ord, err);
  cg_json_set_str(o, "destination", ord.destination);
  cg_json_set_int(o, "quantity", ord.quantity);
  cg_json_set_str(o, "ship_date", ord.ship_date);
  cg_json_set_str(o, "end_use", ord.end_use);
  cg_json_set_str(o, "role", ord.role);
  cg_json_set(doc, "order", o);
  cg_json_set_str(doc, "state", cg_order_state_name(state));
  if(seq)
    cg_json_set_int(doc, "current_seq", seq);
  else
    cg_json_set(doc, "current_seq", cg_json_null());
  set_opt(doc, "outcome", outcome);
  if(rc == CG_OK)
    rc = cg_history_entries(db, id, &entries, err);
  if(rc == CG_OK)
    rc = cg_license_order_draws(db, id, &draws, err);
  if(rc != CG_OK) {
    cg_json_free(entries);
    cg_json_free(doc);
    return rc;
  }
  cg_json_set(doc, "entries", entries);
  cg_json_set(doc, "draws", draws);
  *out = doc;
  return CG_OK;
}
