/* order.c -- see order.h. */
#include "model/order.h"

#include "core/importer.h"
#include "model/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_order_init(cg_order *o)
{
  memset(o, 0, sizeof(*o));
  strcpy(o->role, "distributor");
  o->export_from_us = -1;
}

static int lookup_id(cg_store *db, const char *sql, const char *key,
                     int64_t *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, sql, err);

  *out = 0;
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, key, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *out = cg_stmt_int(st, 0);
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* An order's values as both the comparison and the insert bind them. */
typedef struct order_row {
  const char *order_id, *dest, *ship_date, *end_use, *role, *packager;
  int64_t cust_id, chip_id, qty;
  int export_from_us;
} order_row;

/* Binds ?1..?10 in the orders column order. */
static int bind_order(cg_stmt *st, const order_row *r, cg_error *err)
{
  int rc = cg_stmt_bind_text(st, 1, r->order_id, err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, r->cust_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, r->chip_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, r->dest, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 5, r->qty, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, r->ship_date, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 7, r->end_use, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, r->role, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 9, *r->packager ? r->packager : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_tristate(st, 10, r->export_from_us, err);
  return rc;
}

int cg_order_add(cg_store *db, const char *where, const char *order_id,
                 const char *customer, const char *chip, const char *dest,
                 int64_t qty, const char *ship_date, const char *end_use,
                 const char *role, const char *packager, int export_from_us,
                 int *status_out, cg_error *err)
{
  int64_t cust_id = 0, chip_id = 0;
  order_row row;
  cg_stmt *st = NULL;
  int rc;

  *status_out = 0;
  if(!*order_id)
    return cg_error_set(err, CG_EINVAL, "%s: order_id is empty", where);
  if(strlen(order_id) >= sizeof(((cg_order *)0)->order_id))
    return cg_error_set(err, CG_EINVAL, "%s: order_id is too long", where);
  if(qty <= 0)
    return cg_error_set(err, CG_EINVAL, "%s: quantity must be positive",
                        where);
  if(!cg_date_valid(ship_date))
    return cg_error_set(err, CG_EINVAL,
                        "%s: ship_date \"%s\" is not a date (YYYY-MM-DD)",
                        where, ship_date);
  if(strcmp(role, "fab") && strcmp(role, "osat") &&
     strcmp(role, "distributor"))
    return cg_error_set(err, CG_EINVAL,
                        "%s: role \"%s\" is not fab, osat or distributor",
                        where, role);
  if(*packager && strcmp(packager, "fab_outside_d5mo") &&
     strcmp(packager, "approved_osat") && strcmp(packager, "other"))
    return cg_error_set(err, CG_EINVAL,
                        "%s: packager \"%s\" is not fab_outside_d5mo, "
                        "approved_osat or other",
                        where, packager);
  if(strlen(end_use) >= sizeof(((cg_order *)0)->end_use))
    return cg_error_set(err, CG_EINVAL, "%s: end_use is too long", where);
  if(strlen(dest) != 2 || cg_country_check(db, dest, NULL) != CG_OK)
    return cg_error_set(err, CG_EINVAL,
                        "%s: destination: unknown country code \"%s\"", where,
                        dest);
  rc = lookup_id(db, "SELECT id FROM customers WHERE name = ?1", customer,
                 &cust_id, err);
  if(rc == CG_OK && !cust_id)
    return cg_error_set(err, CG_EINVAL, "%s: unknown customer \"%s\"", where,
                        customer);
  if(rc == CG_OK)
    rc = lookup_id(db, "SELECT id FROM chips WHERE name = ?1", chip, &chip_id,
                   err);
  if(rc == CG_OK && !chip_id)
    return cg_error_set(err, CG_EINVAL, "%s: unknown chip \"%s\"", where,
                        chip);
  if(rc != CG_OK)
    return rc;
  row.order_id = order_id;
  row.dest = dest;
  row.ship_date = ship_date;
  row.end_use = end_use;
  row.role = role;
  row.packager = packager;
  row.cust_id = cust_id;
  row.chip_id = chip_id;
  row.qty = qty;
  row.export_from_us = export_from_us;
  /* Same id: identical content is a no-op, anything else a conflict. */
  rc = cg_store_cached(db, &st,
                       "SELECT customer_id = ?2 AND chip_id = ?3 AND "
                       "destination = ?4 AND quantity = ?5 AND ship_date = "
                       "?6 AND end_use = ?7 AND role = ?8 AND "
                       "packager IS ?9 AND export_from_us IS ?10 "
                       "FROM orders WHERE order_id = ?1",
                       err);
  if(rc != CG_OK)
    return rc;
  rc = bind_order(st, &row, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    *status_out = cg_stmt_int(st, 0) ? 0 : 2;
    cg_stmt_reset(st);
    return CG_OK;
  }
  cg_stmt_reset(st);
  if(rc < 0)
    return rc;
  rc = cg_store_cached(db, &st,
                       "INSERT INTO orders(order_id, customer_id, chip_id, "
                       "destination, quantity, ship_date, end_use, role, "
                       "packager, export_from_us) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                       err);
  if(rc == CG_OK)
    rc = bind_order(st, &row, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc != CG_OK)
    return cg_error_prefix(err, "%s", where);
  *status_out = 1;
  return CG_OK;
}

enum {
  OR_ID,
  OR_CUSTOMER,
  OR_CHIP,
  OR_DEST,
  OR_QTY,
  OR_DATE,
  OR_END_USE,
  OR_ROLE,
  OR_PACKAGER,
  OR_FROM_US
};

int cg_order_import(cg_store *db, const char *path, size_t *count_out,
                    cg_error *err)
{
  static const char *const cols[] = {
    "order_id", "customer",       "chip",    "destination",
    "quantity", "ship_date",      "end_use", "role",
    "packager", "export_from_us", NULL
  };
  static const char *const req[] = { "order_id",    "customer", "chip",
                                     "destination", "quantity", "ship_date",
                                     NULL };
  cg_import im;
  size_t count = 0;
  int rc, in_tx = 0;

  *count_out = 0;
  rc = cg_import_open(&im, path, cols, req, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    goto done;
  in_tx = 1;
  while((rc = cg_import_next(&im, err)) == 1) {
    char id[256], customer[512], chip[512], dest[16], date[11], end_use[1024];
    char role[32], packager[32], from_us[16], where[300];
    int64_t qty = 0;
    int status = 0, us = -1;

    rc = cg_import_required(&im, OR_ID, id, sizeof(id), err);
    if(rc == CG_OK)
      rc = cg_import_required(&im, OR_CUSTOMER, customer, sizeof(customer),
                              err);
    if(rc == CG_OK)
      rc = cg_import_required(&im, OR_CHIP, chip, sizeof(chip), err);
    if(rc == CG_OK)
      rc = cg_import_required(&im, OR_DEST, dest, sizeof(dest), err);
    if(rc == CG_OK)
      rc = cg_import_positive(&im, OR_QTY, 1, &qty, err);
    if(rc == CG_OK)
      rc = cg_import_date(&im, OR_DATE, 1, date, err);
    if(rc == CG_OK)
      rc = cg_import_text(&im, OR_END_USE, end_use, sizeof(end_use), err);
    if(rc == CG_OK)
      rc = cg_import_text(&im, OR_ROLE, role, sizeof(role), err);
    if(rc == CG_OK)
      rc = cg_import_text(&im, OR_PACKAGER, packager, sizeof(packager), err);
    if(rc == CG_OK)
      rc = cg_import_text(&im, OR_FROM_US, from_us, sizeof(from_us), err);
    if(rc == CG_OK && from_us[0]) {
      if(!strcmp(from_us, "1") || !strcmp(from_us, "yes") ||
         !strcmp(from_us, "true"))
        us = 1;
      else if(!strcmp(from_us, "0") || !strcmp(from_us, "no") ||
              !strcmp(from_us, "false"))
        us = 0;
      else
        rc = cg_import_fail(&im, err,
                            "export_from_us: \"%s\" is not "
                            "yes/no",
                            from_us);
    }
    if(rc != CG_OK)
      break;
    snprintf(where, sizeof(where), "%s:%ld", path, im.row->line);
    rc = cg_order_add(db, where, id, customer, chip, dest, qty, date, end_use,
                      role[0] ? role : "distributor", packager, us, &status,
                      err);
    if(rc == CG_OK && status == 2)
      rc = cg_error_set(err, CG_EINVAL,
                        "%s: order %s already exists with different content "
                        "(recorded orders are never changed)",
                        where, id);
    if(rc != CG_OK)
      break;
    count += status == 1;
  }
  if(rc == 0)
    rc = cg_store_commit(db, err);
  if(rc == CG_OK) {
    in_tx = 0;
    *count_out = count;
  }
done:
  if(in_tx)
    cg_store_rollback(db);
  cg_import_close(&im);
  return rc;
}

#define ORDER_COLS                                                            \
  "SELECT id, order_id, customer_id, chip_id, destination, quantity, "        \
  "ship_date, end_use, role, coalesce(packager, ''), "                        \
  "coalesce(export_from_us, -1) FROM orders "

static void order_from_row(cg_stmt *st, cg_order *o)
{
  cg_order_init(o);
  o->id = cg_stmt_int(st, 0);
  snprintf(o->order_id, sizeof(o->order_id), "%s", cg_stmt_text(st, 1));
  o->customer_id = cg_stmt_int(st, 2);
  o->chip_id = cg_stmt_int(st, 3);
  snprintf(o->destination, sizeof(o->destination), "%s", cg_stmt_text(st, 4));
  o->quantity = cg_stmt_int(st, 5);
  snprintf(o->ship_date, sizeof(o->ship_date), "%s", cg_stmt_text(st, 6));
  snprintf(o->end_use, sizeof(o->end_use), "%s", cg_stmt_text(st, 7));
  snprintf(o->role, sizeof(o->role), "%s", cg_stmt_text(st, 8));
  snprintf(o->packager, sizeof(o->packager), "%s", cg_stmt_text(st, 9));
  o->export_from_us = (int)cg_stmt_int(st, 10);
}

int cg_order_next_pending(cg_store *db, const char *after, cg_order *out,
                          cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           ORDER_COLS "WHERE status = 'pending' AND "
                                      "order_id > ?1 ORDER BY order_id "
                                      "LIMIT 1",
                           err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, after, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    order_from_row(st, out);
  cg_stmt_reset(st);
  return rc;
}
