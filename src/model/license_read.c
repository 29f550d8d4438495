/* license_read.c -- licences read back for people: balances (reports),
 * the list view, an order's draws and returns, a licence's validity
 * (model/license.h). Only reads licenses and license_usage. */
#include "model/license.h"

#include "core/json.h"
#include "model/customer.h"

#include <stdio.h>
#include <string.h>

/* Every licence with its customer, kind, max_qty, used and remaining,
 * in number order; full adds what it covers and when (the list view).
 * Draws are signed (a superseded decision gives back with a negative
 * row): what is used is their sum. */
static int license_rows(cg_store *db, int full, cg_json **out, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = cg_json_array();
  int rc;

  *out = NULL;
  if(!arr)
    return cg_error_set(err, CG_ENOMEM, "licences: out of memory");
  rc = cg_store_prepare(db, &st,
                        "SELECT l.number, l.customer_id, l.kind, l.max_qty, "
                        "(SELECT coalesce(sum(quantity), 0) FROM "
                        "license_usage u WHERE u.license_id = l.id), "
                        "l.valid_from, l.valid_to, l.unit, "
                        "coalesce(l.eccn, ''), coalesce(l.chip, ''), "
                        "coalesce(l.destinations, '') "
                        "FROM licenses l ORDER BY l.number",
                        err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    cg_json *o = cg_json_object();
    int64_t used = cg_stmt_int(st, 4);
    cg_customer cu;

    /* The customer's name comes from its owner, model/customer. */
    rc = o ? cg_customer_get_id(db, cg_stmt_int(st, 1), &cu, err)
           : cg_error_set(err, CG_ENOMEM, "licences: out of memory");
    if(rc != CG_OK) {
      cg_json_free(o);
      break;
    }
    cg_json_set_str(o, "number", cg_stmt_text(st, 0));
    cg_json_set_str(o, "customer", cu.name);
    cg_customer_clear(&cu);
    cg_json_set_str(o, "kind", cg_stmt_text(st, 2));
    if(full) {
      cg_json_set_str(o, "eccn", cg_stmt_text(st, 8));
      cg_json_set_str(o, "chip", cg_stmt_text(st, 9));
      cg_json_set_str(o, "destinations", cg_stmt_text(st, 10));
      cg_json_set_str(o, "valid_from", cg_stmt_text(st, 5));
      cg_json_set_str(o, "valid_to", cg_stmt_text(st, 6));
      cg_json_set_str(o, "unit", cg_stmt_text(st, 7));
    }
    if(cg_stmt_is_null(st, 3)) {
      cg_json_set(o, "max_qty", cg_json_null());
      cg_json_set(o, "remaining", cg_json_null());
    }
    else {
      cg_json_set_int(o, "max_qty", cg_stmt_int(st, 3));
      cg_json_set_int(o, "remaining", cg_stmt_int(st, 3) - used);
    }
    cg_json_set_int(o, "used", used);
    cg_json_append(arr, o);
    rc = CG_OK;
  }
  cg_stmt_finalize(st);
  if(rc < 0) {
    cg_json_free(arr);
    return rc;
  }
  *out = arr;
  return CG_OK;
}

int cg_license_balances(cg_store *db, cg_json **out, cg_error *err)
{
  return license_rows(db, 0, out, err);
}

int cg_license_list(cg_store *db, cg_json **out, cg_error *err)
{
  return license_rows(db, 1, out, err);
}

int cg_license_order_draws(cg_store *db, int64_t order_rowid, cg_json **out,
                           cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = cg_json_array();
  int rc;

  *out = NULL;
  if(!arr)
    return cg_error_set(err, CG_ENOMEM, "licences: out of memory");
  rc = cg_store_prepare(db, &st,
                        "SELECT l.number, u.quantity, u.seq, l.unit FROM "
                        "license_usage u JOIN licenses l ON l.id = "
                        "u.license_id WHERE u.order_id = ?1 ORDER BY u.id",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, order_rowid, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    cg_json *o = cg_json_object();

    if(!o) {
      rc = cg_error_set(err, CG_ENOMEM, "licences: out of memory");
      break;
    }
    cg_json_set_str(o, "license", cg_stmt_text(st, 0));
    cg_json_set_int(o, "quantity", cg_stmt_int(st, 1));
    if(cg_stmt_is_null(st, 2))
      cg_json_set(o, "seq", cg_json_null());
    else
      cg_json_set_int(o, "seq", cg_stmt_int(st, 2));
    cg_json_set_str(o, "unit", cg_stmt_text(st, 3));
    cg_json_append(arr, o);
    rc = CG_OK;
  }
  cg_stmt_finalize(st);
  if(rc < 0) {
    cg_json_free(arr);
    return rc;
  }
  *out = arr;
  return CG_OK;
}

/* ==== validity ========================================================== */

int cg_license_validity(cg_store *db, const char *number, char from[11],
                        char to[11], cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(db, &st,
                            "SELECT valid_from, valid_to FROM licenses "
                            "WHERE number = ?1",
                            err);

  from[0] = to[0] = '\0';
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, number, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "unknown licence %s", number);
  if(rc == 1) {
    snprintf(from, 11, "%s", cg_stmt_text(st, 0));
    snprintf(to, 11, "%s", cg_stmt_text(st, 1));
    rc = CG_OK;
  }
  cg_stmt_finalize(st);
  return rc;
}
