/* submit.c -- see submit.h. */
#include "decide/submit.h"

#include "decide/audit.h"
#include "decide/batch.h"
#include "decide/decide.h"
#include "decide/decision.h"
#include "model/chip.h"
#include "model/customer.h"

#include <stdlib.h>
#include <string.h>

/* Decides order row id (stored, pending) now and records the decision;
 * its bytes into s. */
static int decide_now(cg_store *db, cg_decider *dec, const cg_order *o,
                      int64_t id, cg_submitted *s, cg_error *err)
{
  cg_customer cu;
  cg_chip chip;
  cg_decision dn;
  cg_order ord = *o;
  int rc;

  ord.id = id;
  cg_customer_init(&cu);
  cg_chip_init(&chip);
  cg_decision_init(&dn);
  rc = cg_customer_get_id(db, o->customer_id, &cu, err);
  if(rc == CG_OK)
    rc = cg_chip_get_id(db, o->chip_id, &chip, err);
  if(rc == CG_OK)
    rc = cg_batch_record(db, dec, &ord, &cu, &chip, 0, &dn, &s->doc, &s->len,
                         err);
  if(rc == CG_OK) {
    s->decided = 1;
    s->outcome = (int)dn.decision;
  }
  cg_decision_clear(&dn);
  cg_chip_clear(&chip);
  cg_customer_clear(&cu);
  return rc;
}

/* One order inside the transaction. */
static int submit_one(cg_store *db, cg_decider *dec, const cg_order *o,
                      cg_submitted *s, int *conflict, cg_error *err)
{
  cg_order_state state;
  int64_t id = 0, cur = 0;
  int status = 0;
  int rc = cg_order_store(db, o, "api", &status, err);

  if(rc == CG_OK && status == CG_ORDER_CONFLICT) {
    *conflict = 1;
    return cg_order_conflict("POST /v1/orders", o, err);
  }
  s->stored = status == CG_ORDER_INSERTED;
  if(rc == CG_OK)
    rc = cg_order_find_id(db, o->order_id, &id, err);
  if(rc == CG_OK && !s->stored) {
    /* "the same order" here means the same body: one that adds a fact the
     * record lacks would get an answer that never weighed it */
    cg_order stored;
    rc = cg_order_get_id(db, id, &stored, err);
    if(rc == CG_OK && !cg_order_identical(&stored, o)) {
      *conflict = 1;
      return cg_order_conflict("POST /v1/orders", o, err);
    }
  }
  if(rc == CG_OK)
    rc = cg_order_state_get(db, id, &state, &cur, err);
  if(rc != CG_OK)
    return rc;
  if(cur) /* decided before: the same answer again */
    return cg_audit_doc(db, cur, &s->doc, &s->len, err);
  return decide_now(db, dec, o, id, s, err);
}

int cg_submit_orders(cg_store *db, cg_decider *dec, const cg_order *orders,
                     size_t n, cg_submitted *out, size_t *conflict_out,
                     cg_error *err)
{
  size_t i;
  int rc, conflict = 0;

  *conflict_out = 0;
  memset(out, 0, n * sizeof(*out));
  rc = cg_store_begin(db, err);
  for(i = 0; rc == CG_OK && i < n; i++)
    rc = submit_one(db, dec, &orders[i], &out[i], &conflict, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK) {
    cg_store_rollback(db);
    if(conflict)
      *conflict_out = i;
    else if(i)
      cg_error_prefix(err, "order %s", orders[i - 1].order_id);
    cg_submitted_clear(out, n);
  }
  return rc;
}

void cg_submitted_clear(cg_submitted *s, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++) {
    free(s[i].doc);
    s[i].doc = NULL;
  }
}
