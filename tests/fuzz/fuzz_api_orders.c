/* fuzz_api_orders.c -- the request body of `chipgate serve`'s POST
 * /v1/orders: parsed as the server parses it (one order or an array,
 * unknown members refused), validated against a database with the demo's
 * chips, customers and licences, then stored and decided at once
 * (cg_submit_orders). A refused body must say why and write nothing. */
#include "fuzz_common.h"

#include "core/json.h"
#include "decide/decide.h"
#include "decide/submit.h"
#include "model/order.h"
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ORDERS 64

static cg_rules *pack;

/* The orders of doc (an object, or an array of them) into o; rc. */
static int read_orders(cg_store *db, const cg_json *doc, cg_order *o,
                       size_t *n, cg_error *err)
{
  int one = cg_json_type(doc) == CG_JSON_OBJECT;
  size_t i, count = one ? 1 : cg_json_size(doc);
  char where[32];
  int rc = CG_OK;

  if(!one && cg_json_type(doc) != CG_JSON_ARRAY)
    return cg_error_set(err, CG_EINVAL, "body: not an order or an array");
  if(!count || count > MAX_ORDERS)
    return cg_error_set(err, CG_EINVAL, "body: 0 or too many orders");
  for(i = 0; rc == CG_OK && i < count; i++) {
    snprintf(where, sizeof(where), "body[%zu]", i);
    rc = cg_order_from_json(db, one ? doc : cg_json_at(doc, i), where, 1,
                            &o[i], err);
  }
  *n = count;
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static cg_order o[MAX_ORDERS];
  cg_submitted s[MAX_ORDERS];
  cg_decider *dec = NULL;
  cg_json *doc = NULL;
  cg_error err = { 0 };
  cg_store *db;
  size_t n = 0, conflict = 0;
  char *before;
  int rc;

  if(!pack) {
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/rules", fz_source_dir());
    if(cg_rules_load_dir(&pack, dir, NULL, &err) != CG_OK)
      abort();
  }
  db = fz_db(FZ_DB_DEMO);
  before = fz_db_counts(db);
  if(cg_decider_open(&dec, db, pack, NULL, &err) != CG_OK)
    abort();
  rc = cg_json_parse(&doc, (const char *)data, size, "body", &err);
  if(rc == CG_OK)
    rc = read_orders(db, doc, o, &n, &err);
  if(rc == CG_OK) {
    rc = cg_submit_orders(db, dec, o, n, s, &conflict, &err);
    if(rc == CG_OK)
      cg_submitted_clear(s, n);
  }
  fz_check_unchanged(db, "api_orders", rc, err.msg, before);
  cg_json_free(doc);
  cg_decider_close(dec);
  cg_store_close(db);
  return 0;
}
