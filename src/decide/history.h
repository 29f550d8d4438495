/* history.h -- reading an order's history back: the entries of the audit
 * log (the decisions table, written only by decide/audit) of one order in
 * seq order, and the order views that need its current decision (`list
 * orders`, `show order`). Read-only: nothing here writes any table.
 *
 * Every result is a JSON value the caller owns and frees with
 * cg_json_free (shapes: docs/data-formats.md, "List and show views").
 * Errors: CG_ENOTFOUND for an unknown order or customer (named in the
 * message), CG_EINVAL for a stored entry that does not parse, CG_EDB,
 * CG_ENOMEM. */
#ifndef CG_HISTORY_H
#define CG_HISTORY_H

#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

struct cg_json;

/* Which orders cg_history_orders lists; every field is optional. */
typedef struct cg_history_filter {
  int state;           /* cg_order_state, -1 = any */
  int outcome;         /* cg_outcome of the current decision, -1 = any */
  int64_t customer_id; /* 0 = any */
  const char *since;   /* YYYY-MM-DD: orders stored on or after it, or
                          whose current decision was recorded on or after
                          it (UTC dates); NULL = any */
  int64_t limit;       /* at most this many orders, 0 = all */
  int64_t offset;      /* skipping this many of those f selects, >= 0 */
} cg_history_filter;

/* The orders f selects, in order_id order, as a JSON array of {order_id,
 * customer, chip, destination, quantity, ship_date, state, outcome (null
 * if never decided), current_seq (null), decided_at (null), created_at}.
 * The filters, limit and offset are applied by the query, so a page
 * costs memory for its own rows only. */
int cg_history_orders(cg_store *db, const cg_history_filter *f,
                      struct cg_json **out, cg_error *err);

/* cg_history_orders, and *more set to 1 when orders f selects follow the
 * page (f->limit > 0), 0 when it is the last. */
int cg_history_orders_page(cg_store *db, const cg_history_filter *f,
                           struct cg_json **out, int *more, cg_error *err);

/* How many orders f selects (its limit and offset aside). */
int cg_history_count(cg_store *db, const cg_history_filter *f, int64_t *n,
                     cg_error *err);

/* The log entries of order row order_rowid in seq order, as a JSON array
 * of {seq, kind, at, batch, hash, outcome, rules, fields}: outcome (the
 * decision column) and rules (the decisive rules, [{id, outcome}]) are
 * set for kind decision and null otherwise; fields is the entry's
 * document without kind, order_id and at for every other kind (a
 * lifecycle step: review, nac_filed, ...) and null for a decision. */
int cg_history_entries(cg_store *db, int64_t order_rowid, struct cg_json **out,
                       cg_error *err);

/* Order order_id (the ERP id) with its whole history: {order: {order_id,
 * customer, chip, destination, quantity, ship_date, end_use, role},
 * state, current_seq, outcome, entries
 * (cg_history_entries), draws (cg_license_order_draws)}. CG_ENOTFOUND
 * "unknown order X" if there is none. */
int cg_history_show(cg_store *db, const char *order_id, struct cg_json **out,
                    cg_error *err);

#endif
