/* order.h -- orders: the one owner of the orders and order_holds
 * tables. Every way in
 * (CSV import, HTTP sync) validates through cg_order_validate and stores
 * through cg_order_store, so both accept and refuse the same orders with
 * the same messages; decide reads pending orders back in order_id order
 * (streaming).
 *
 * A cg_order owns nothing: its strings are fixed-size arrays, so a batch
 * can reuse one struct per row. cg_order_fields borrows its strings from
 * the caller for the duration of one call. */
#ifndef CG_ORDER_H
#define CG_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/importer.h"
#include "core/store.h"

/* Longest order id in bytes (CSV, sync, and every command naming one). */
#define CG_ORDER_MAX_ID 127

/* Largest quantity an order may carry (CSV, sync and check --qty). */
#define CG_ORDER_MAX_QTY CG_IMPORT_MAX_QTY

typedef struct cg_order {
  int64_t id;                         /* row id, 0 if ad hoc (check) */
  char order_id[CG_ORDER_MAX_ID + 1]; /* the ERP's id */
  int64_t customer_id;                /* customers.id, 0 if ad hoc */
  int64_t chip_id;                    /* chips.id */
  char destination[3];                /* ISO-2 */
  int64_t quantity;                   /* > 0 */
  char ship_date[11];      /* YYYY-MM-DD: the as-of date of the decision */
  char end_use[512];       /* free text, "" if none stated */
  char role[16];           /* fab|osat|distributor */
  char packager[24];       /* fab_outside_d5mo|approved_osat|other|"" */
  int export_from_us;      /* -1 unknown */
  char end_use_country[3]; /* ISO-2 where used; "" = the destination */
  char end_user_hq[3];     /* ISO-2 end user's ultimate HQ; "" = the
                              customer's ultimate parent's */
} cg_order;

void cg_order_init(cg_order *o);

/* An order as it arrives, field by field, as text: a CSV row's cells or a
 * sync document's values. NULL or "" (after trimming blanks) is absent. */
typedef struct cg_order_fields {
  const char *order_id;        /* required, at most 127 bytes */
  const char *customer;        /* required: a customer's name */
  const char *chip;            /* required: a chip's name */
  const char *destination;     /* required: ISO-2 code in countries */
  const char *quantity;        /* required: whole number 1..CG_ORDER_MAX_QTY */
  const char *ship_date;       /* required: YYYY-MM-DD, a real date */
  const char *end_use;         /* free text, at most 511 bytes */
  const char *role;            /* fab|osat|distributor; absent: distributor */
  const char *packager;        /* fab_outside_d5mo|approved_osat|other */
  const char *export_from_us;  /* 1|yes|true, 0|no|false; absent: unknown */
  const char *end_use_country; /* ISO-2 in countries; absent: destination */
  const char *end_user_hq;     /* ISO-2 in countries; absent: the
                                  customer's ultimate parent's HQ */
} cg_order_fields;

/* Checks f and resolves its customer and chip into *out (out->id stays 0:
 * not stored). Bad data is CG_EINVAL with "<where>: what", e.g.
 * "orders.csv:3: quantity: 0 must be positive"; a database failure is
 * CG_EDB. Writes nothing. */
int cg_order_validate(cg_store *db, const cg_order_fields *f,
                      const char *where, cg_order *out, cg_error *err);

/* An order given as a JSON object whose members are the CSV columns
 * (text as strings; quantity also a number; export_from_us also a number
 * or boolean), through cg_order_validate; where prefixes every message.
 * strict refuses members that are not columns, naming the first (the
 * server's API); a sync document may carry more (order_json.c). */
struct cg_json;
int cg_order_from_json(cg_store *db, const struct cg_json *o,
                       const char *where, int strict, cg_order *out,
                       cg_error *err);

/* What cg_order_store did. */
enum {
  CG_ORDER_SAME = 0,     /* order_id stored with the same content: skipped */
  CG_ORDER_INSERTED = 1, /* new order stored (status pending) */
  CG_ORDER_CONFLICT = 2  /* order_id stored with other content: kept as it
                            was (a recorded order never changes) */
};

/* Stores a validated order unless its order_id exists; source is
 * orders.source ("import", "sync"). *status_out is CG_ORDER_*. Runs
 * inside the caller's transaction. */
int cg_order_store(cg_store *db, const cg_order *o, const char *source,
                   int *status_out, cg_error *err);

/* The refusal of a CG_ORDER_CONFLICT, worded the same for every way in:
 * returns CG_EINVAL with "<where>: order X already exists with different
 * content (recorded orders are never changed)". */
int cg_order_conflict(const char *where, const cg_order *o, cg_error *err);

/* 1 if a and b are the same order: every field but the row id is equal,
 * except that an unknown packager or export_from_us on either side agrees
 * with any value (end_use_country and end_user_hq must be equal: absent
 * means the default, not unknown) (a record never changes: a stored order
 * keeps what it had, and one sent again with a fact the record lacks is not a
 * conflict). */
int cg_order_same(const cg_order *a, const cg_order *b);
/* cg_order_same with the optional facts equal too (the API's idempotency:
 * a body that adds a fact is another body, not the same order again). */
int cg_order_identical(const cg_order *a, const cg_order *b);

/* Imports orders through cg_import_run (one transaction, all or nothing,
 * FILE:LINE errors). An order_id already present with the same content is
 * skipped (not counted); with different content it is an error. */
int cg_order_import(cg_store *db, const char *path, size_t *count_out,
                    cg_error *err);

/* Reads the pending order with the smallest order_id greater than after
 * ("" = from the start) into *out: 1 found, 0 none left. */
int cg_order_next_pending(cg_store *db, const char *after, cg_order *out,
                          cg_error *err);

/* Reads the open or releasable order (decided, neither shipped nor
 * cancelled: what could still ship, or ship wrongly) decided at or before
 * log entry max_seq
 * with the smallest order_id greater than after into *out, and the
 * digest of its current decision's inputs into inputs ("" if none): 1
 * found, 0 none left. */
int cg_order_next_open(cg_store *db, const char *after, int64_t max_seq,
                       cg_order *out, char inputs[72], cg_error *err);

/* Calls fn(arg, order) for each pending order of customer customer_id, in
 * order_id order; a non-zero return from fn stops and is returned. fn may
 * write other tables but not orders. */
int cg_order_each_pending(cg_store *db, int64_t customer_id,
                          int (*fn)(void *arg, const cg_order *o), void *arg,
                          cg_error *err);

/* The number of pending orders. */
int cg_order_count_pending(cg_store *db, int64_t *n_out, cg_error *err);
/* The distinct customers of the pending orders, ascending, into *ids_out
 * (malloc'ed, *n_out of them; NULL when none). */
int cg_order_pending_customers(cg_store *db, int64_t **ids_out, size_t *n_out,
                               cg_error *err);

/* Marks order row id decided (inside the caller's transaction, with the
 * decision). *changed_out (may be NULL) is 0 when it was not pending. */
int cg_order_mark_decided(cg_store *db, int64_t id, int *changed_out,
                          cg_error *err);

/* An order's place in its lifecycle (orders.state). */
typedef enum cg_order_state {
  CG_STATE_PENDING = 0, /* never decided */
  CG_STATE_OPEN,       /* current decision notify/hold/license_required/deny */
  CG_STATE_RELEASABLE, /* nlr/exception/licensed, or a hold released */
  CG_STATE_SHIPPED,
  CG_STATE_CANCELLED
} cg_order_state;

/* "pending", "open", ...; NULL out of range. */
const char *cg_order_state_name(int state);
/* The state a decision's outcome (cg_outcome) puts an order in. */
cg_order_state cg_order_state_of_outcome(int outcome);

/* Makes log entry seq (a decision of that outcome) order row id's current
 * decision and sets its state from the outcome; inputs (may be NULL) is the
 * digest of what the decision read. Inside the caller's transaction. */
int cg_order_set_current(cg_store *db, int64_t id, int64_t seq, int outcome,
                         const char *inputs, cg_error *err);

/* Sets order row id's state (a review's release, a shipment, a
 * cancellation). Inside the caller's transaction. */
int cg_order_set_state(cg_store *db, int64_t id, cg_order_state state,
                       cg_error *err);

/* Order row id's state and current decision seq (0: none). */
int cg_order_state_get(cg_store *db, int64_t id, cg_order_state *state,
                       int64_t *current_seq, cg_error *err);

/* The row id of the order whose ERP id is order_id in *id_out, 0 if
 * there is none (not an error). An id longer than CG_ORDER_MAX_ID bytes
 * cannot be an order's: CG_EUSAGE saying so (not "unknown order"). */
int cg_order_find_id(cg_store *db, const char *order_id, int64_t *id_out,
                     cg_error *err);

/* Reads order row id into *out; CG_ENOTFOUND if there is none. */
int cg_order_get_id(cg_store *db, int64_t id, cg_order *out, cg_error *err);

/* The state called name ("open"), -1 if none is. */
int cg_order_state_parse(const char *name);

/* Holds every pending order of customer customer_id for list entry
 * entry_id of list (order_holds, created by a new list hit; reason says
 * why), inside the caller's transaction. An order already held for that
 * entry is left as it was. Calls fn(arg, order_id) with the ERP id
 * (borrowed for the call) of each order newly held; fn must not touch
 * orders or order_holds. A non-zero return from fn stops the calls and
 * is returned; the holds stand all the same (SQLite makes every insert
 * of the statement before it returns the first row). */
int cg_order_hold_pending(cg_store *db, int64_t customer_id,
                          const char *entry_id, const char *list,
                          const char *reason,
                          int (*fn)(void *arg, const char *order_id),
                          void *arg, cg_error *err);

#endif
