/* history.c -- an order's history read back from the audit log, and the
 * order views built on it (history.h). The SQL here reads the decisions
 * table, and the orders list joined to it (list_sql); everything else
 * goes through the owning modules. */
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

/* Sets customer and chip to their names (their owners' lookups). */
static int set_names(cg_store *db, cg_json *o, int64_t customer_id,
                     int64_t chip_id, cg_error *err)
{
  cg_customer cu;
  cg_chip ch;
  int rc = cg_customer_get_id(db, customer_id, &cu, err);

  if(rc != CG_OK)
    return rc;
  cg_json_set_str(o, "customer", cu.name);
  cg_customer_clear(&cu);
  cg_chip_init(&ch);
  rc = cg_chip_get_id(db, chip_id, &ch, err);
  if(rc == CG_OK)
    cg_json_set_str(o, "chip", ch.name);
  cg_chip_clear(&ch);
  return rc;
}

static void set_opt(cg_json *o, const char *key, const char *s)
{
  cg_json_set(o, key, cg_json_str(s && *s ? s : NULL));
}

/* The list in one query: the filters on the current decision (outcome,
 * since) are joined in SQL rather than tested row by row, so that LIMIT
 * and OFFSET count the orders the filters select. orders is read here,
 * not through model/order, because the page needs that join. */
#define LIST_WHERE                                                            \
  "FROM orders o LEFT JOIN decisions d ON d.seq = o.current_seq "             \
  "WHERE (?1 IS NULL OR o.state = ?1) AND (?2 = 0 OR o.customer_id = ?2) "    \
  "AND (?3 IS NULL OR d.decision = ?3) "                                      \
  "AND (?4 IS NULL OR o.created_at >= ?4 OR d.decided_at >= ?4) "
static const char list_sql[] =
    "SELECT o.order_id, o.customer_id, o.chip_id, o.destination, "
    "o.quantity, o.ship_date, o.state, coalesce(o.current_seq, 0), "
    "o.created_at, coalesce(d.decision, ''), coalesce(d.decided_at, "
    "'') " LIST_WHERE "ORDER BY o.order_id LIMIT ?5 OFFSET ?6";
/* the same filters, counted (?5 and ?6 bound to -1 and 0: one row) */
static const char count_sql[] =
    "SELECT count(*) " LIST_WHERE "LIMIT ?5 OFFSET ?6";

static int list_bind(cg_stmt *st, const cg_history_filter *f, cg_error *err)
{
  int rc = f->state < 0
               ? cg_stmt_bind_null(st, 1, err)
               : cg_stmt_bind_text(st, 1, cg_order_state_name(f->state), err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, f->customer_id, err);
  if(rc == CG_OK)
    rc = f->outcome < 0
             ? cg_stmt_bind_null(st, 3, err)
             : cg_stmt_bind_text(st, 3,
                                 cg_outcome_name((cg_outcome)f->outcome), err);
  if(rc == CG_OK)
    rc = f->since ? cg_stmt_bind_text(st, 4, f->since, err)
                  : cg_stmt_bind_null(st, 4, err);
  /* one row past the page tells whether more follow; -1: no limit */
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 5, f->limit > 0 ? f->limit + 1 : -1, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 6, f->offset > 0 ? f->offset : 0, err);
  return rc;
}

/* The list view of the statement's current row. */
static int list_row(cg_store *db, cg_stmt *st, cg_json **out, cg_error *err)
{
  cg_json *o = cg_json_object();
  int rc;

  if(!o)
    return oom(err);
  cg_json_set_str(o, "order_id", cg_stmt_text(st, 0));
  if((rc = set_names(db, o, cg_stmt_int(st, 1), cg_stmt_int(st, 2), err)) !=
     CG_OK) {
    cg_json_free(o);
    return rc;
  }
  cg_json_set_str(o, "destination", cg_stmt_text(st, 3));
  cg_json_set_int(o, "quantity", cg_stmt_int(st, 4));
  cg_json_set_str(o, "ship_date", cg_stmt_text(st, 5));
  cg_json_set_str(o, "state", cg_stmt_text(st, 6));
  set_opt(o, "outcome", cg_stmt_text(st, 9));
  if(cg_stmt_int(st, 7))
    cg_json_set_int(o, "current_seq", cg_stmt_int(st, 7));
  else
    cg_json_set(o, "current_seq", cg_json_null());
  set_opt(o, "decided_at", cg_stmt_text(st, 10));
  cg_json_set_str(o, "created_at", cg_stmt_text(st, 8));
  *out = o;
  return CG_OK;
}

int cg_history_orders_page(cg_store *db, const cg_history_filter *f,
                           cg_json **out, int *more, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = cg_json_array();
  int64_t n = 0;
  int rc;

  *out = NULL;
  *more = 0;
  if(!arr)
    return oom(err);
  /* its own statement: the name lookups run cached ones meanwhile */
  rc = cg_store_prepare(db, &st, list_sql, err);
  if(rc == CG_OK)
    rc = list_bind(st, f, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    cg_json *o = NULL;

    if(f->limit > 0 && n == f->limit) {
      *more = 1;
      rc = CG_OK;
      break;
    }
    if((rc = list_row(db, st, &o, err)) == CG_OK &&
       cg_json_append(arr, o) != CG_OK)
      rc = oom(err);
    n++;
  }
  cg_stmt_finalize(st);
  if(rc < 0) {
    cg_json_free(arr);
    return rc;
  }
  *out = arr;
  return CG_OK;
}

int cg_history_count(cg_store *db, const cg_history_filter *f, int64_t *n,
                     cg_error *err)
{
  cg_history_filter all = *f;
  cg_stmt *st = NULL;
  int rc;

  all.limit = all.offset = 0;
  *n = 0;
  rc = cg_store_prepare(db, &st, count_sql, err);
  if(rc == CG_OK)
    rc = list_bind(st, &all, err);
  if(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    *n = cg_stmt_int(st, 0);
    rc = CG_OK;
  }
  cg_stmt_finalize(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_history_orders(cg_store *db, const cg_history_filter *f, cg_json **out,
                      cg_error *err)
{
  int more;

  return cg_history_orders_page(db, f, out, &more, err);
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
  rc = set_names(db, o, ord.customer_id, ord.chip_id, err);
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
