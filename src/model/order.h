/* order.h -- orders: the record decide works on, CSV import, and reading
 * pending orders in order_id order (streaming).
 *
 * A cg_order owns nothing: its strings are fixed-size arrays, so a batch
 * can reuse one struct per row. */
#ifndef CG_ORDER_H
#define CG_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

typedef struct cg_order {
  int64_t id;          /* row id, 0 if ad hoc (check) */
  char order_id[128];  /* the ERP's id */
  int64_t customer_id; /* customers.id, 0 if ad hoc */
  int64_t chip_id;     /* chips.id */
  char destination[3]; /* ISO-2 */
  int64_t quantity;    /* > 0 */
  char ship_date[11];  /* YYYY-MM-DD: the as-of date of the decision */
  char end_use[512];   /* free text, "" if none stated */
  char role[16];       /* fab|osat|distributor */
  char packager[24];   /* fab_outside_d5mo|approved_osat|other|"" */
  int export_from_us;  /* -1 unknown */
} cg_order;

void cg_order_init(cg_order *o);

/* Imports orders in one transaction. An order_id already present with the
 * same content is skipped; with different content it is an error (a
 * recorded order is never silently changed). Unknown chip, customer or
 * country, bad dates and quantities are errors naming the line. */
int cg_order_import(cg_store *db, const char *path, size_t *count_out,
                    cg_error *err);

/* Validates one order given by names (chip, customer) and inserts it
 * unless an identical one exists: *status_out is 1 inserted, 0 identical
 * (skipped), 2 conflict (same id, other content; nothing written). Runs
 * inside the caller's transaction. where prefixes messages. */
int cg_order_add(cg_store *db, const char *where, const char *order_id,
                 const char *customer, const char *chip, const char *dest,
                 int64_t qty, const char *ship_date, const char *end_use,
                 const char *role, const char *packager, int export_from_us,
                 int *status_out, cg_error *err);

/* Reads the pending order with the smallest order_id greater than after
 * ("" = from the start) into *out: 1 found, 0 none left. */
int cg_order_next_pending(cg_store *db, const char *after, cg_order *out,
                          cg_error *err);

#endif
