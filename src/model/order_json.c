/* order_json.c -- an order from a JSON object (order.h): sync documents
 * and the server's API share one reading, so a value is refused the same
 * way however it arrives. */
#include "model/order.h"

#include "core/json.h"

#include <stdio.h>
#include <string.h>

/* What a JSON document may give for an order field: text fields must be
 * JSON strings; the quantity may be a number; export_from_us a boolean. */
enum { F_TEXT, F_NUMBER, F_FLAG };

static const char *const keys[] = {
  "order_id",        "customer",   "chip", "destination", "quantity",
  "ship_date",       "end_use",    "role", "packager",    "export_from_us",
  "end_use_country", "end_user_hq"
};
static const int kinds[] = {
  F_TEXT, F_TEXT, F_TEXT, F_TEXT, F_NUMBER, F_TEXT,
  F_TEXT, F_TEXT, F_TEXT, F_FLAG, F_TEXT,   F_TEXT
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Text of o[key] for cg_order_fields: a string as it is, an allowed number
 * or boolean written out (the order module then parses and refuses it
 * exactly like a CSV cell), NULL if absent or null. */
static const char *json_field(const cg_json *o, const char *key, int kind,
                              char *buf, size_t size, int *bad)
{
  const cg_json *v = cg_json_get(o, key);
  int t = v ? cg_json_type(v) : CG_JSON_NULL;

  if(t == CG_JSON_NULL)
    return NULL;
  if(t == CG_JSON_STRING)
    return cg_json_string_value(v);
  if(kind != F_TEXT && (t == CG_JSON_INT || t == CG_JSON_REAL)) {
    snprintf(buf, size, "%.17g", cg_json_number_value(v));
    return buf;
  }
  if(kind == F_FLAG && t == CG_JSON_BOOL) {
    snprintf(buf, size, "%s", cg_json_is_true(v) ? "true" : "false");
    return buf;
  }
  *bad = 1;
  return NULL;
}

/* The first member of o that is not a column, or NULL. */
static const char *unknown_member(const cg_json *o)
{
  void *it;
  size_t k;

  for(it = cg_json_iter(o, NULL); it; it = cg_json_iter(o, it)) {
    const char *name = cg_json_iter_key(it);
    for(k = 0; k < NKEYS && strcmp(keys[k], name); k++)
      ;
    if(k == NKEYS)
      return name;
  }
  return NULL;
}

int cg_order_from_json(cg_store *db, const cg_json *o, const char *where,
                       int strict, cg_order *out, cg_error *err)
{
  char bufs[NKEYS][32];
  const char *v[NKEYS], *extra;
  cg_order_fields f;
  size_t k;

  if(cg_json_type(o) != CG_JSON_OBJECT)
    return cg_error_set(err, CG_EINVAL, "%s: not a JSON object", where);
  if(strict && (extra = unknown_member(o)) != NULL)
    return cg_error_set(err, CG_EINVAL,
                        "%s: %.100s: not an order field (order_id, "
                        "customer, chip, destination, quantity, ship_date, "
                        "end_use, role, packager, export_from_us, "
                        "end_use_country, end_user_hq)",
                        where, extra);
  for(k = 0; k < NKEYS; k++) {
    int bad = 0;

    v[k] = json_field(o, keys[k], kinds[k], bufs[k], sizeof(bufs[k]), &bad);
    if(bad)
      return cg_error_set(err, CG_EINVAL, "%s: %s: not a %s", where, keys[k],
                          kinds[k] == F_TEXT ? "string"
                          : kinds[k] == F_NUMBER
                              ? "string or number"
                              : "string, number or boolean");
  }
  f.order_id = v[0];
  f.customer = v[1];
  f.chip = v[2];
  f.destination = v[3];
  f.quantity = v[4];
  f.ship_date = v[5];
  f.end_use = v[6];
  f.role = v[7];
  f.packager = v[8];
  f.export_from_us = v[9];
  f.end_use_country = v[10];
  f.end_user_hq = v[11];
  return cg_order_validate(db, &f, where, out, err);
}
