/* batch.c -- see batch.h. */
#include "decide/batch.h"

#include "decide/audit.h"
#include "model/chip.h"
#include "model/customer.h"
#include "decide/decide.h"
#include "core/json.h"
#include "model/order.h"
#include "net/webhook.h"

#include <stdlib.h>
#include <string.h>

#define CHIP_CACHE 1024 /* chips by id, direct-mapped */

typedef struct chip_slot {
  int64_t id; /* 0 = empty */
  cg_chip chip;
} chip_slot;

static int chip_cached(cg_store *db, chip_slot *cache, int64_t id,
                       const cg_chip **out, cg_error *err)
{
  chip_slot *s = &cache[(uint64_t)id % CHIP_CACHE];
  int rc;

  if(s->id != id) {
    if(s->id)
      cg_chip_clear(&s->chip);
    s->id = 0;
    rc = cg_chip_get_id(db, id, &s->chip, err);
    if(rc != CG_OK)
      return rc;
    s->id = id;
  }
  *out = &s->chip;
  return CG_OK;
}

/* The decision.made event: what a receiver acts on, and the audit hash
 * that proves which recorded decision it is. */
static int enqueue_decision(cg_store *db, const cg_json *doc, const char *hash,
                            cg_error *err)
{
  static const char *const keys[] = { "order_id",    "decision",   "as_of",
                                      "destination", "quantity",   "license",
                                      "batch",       "decided_at", NULL };
  cg_json *ev = cg_json_object(), *chip = cg_json_object();
  cg_json *src_chip = cg_json_get(doc, "chip");
  int rc, i;

  if(!ev || !chip) {
    cg_json_free(ev);
    cg_json_free(chip);
    return cg_error_set(err, CG_ENOMEM, "batch: out of memory");
  }
  for(i = 0; keys[i]; i++) {
    cg_json *v = cg_json_get(doc, keys[i]);
    if(v)
      cg_json_set(ev, keys[i], cg_json_ref(v));
  }
  cg_json_set(chip, "name", cg_json_ref(cg_json_get(src_chip, "name")));
  cg_json_set(chip, "eccn", cg_json_ref(cg_json_get(src_chip, "eccn")));
  cg_json_set(ev, "chip", chip);
  cg_json_set(ev, "customer",
              cg_json_ref(cg_json_get(cg_json_get(doc, "customer"), "name")));
  cg_json_set_str(ev, "audit_hash", hash);
  rc = cg_webhook_enqueue_json(db, CG_EVENT_DECISION, ev, NULL, err);
  cg_json_free(ev);
  return rc;
}

int cg_batch_pending(cg_store *db, int64_t *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT count(*) FROM orders WHERE status = "
                           "'pending'",
                           err);
  *out = 0;
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *out = cg_stmt_int(st, 0);
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_batch_run(cg_store *db, const cg_rules *pack, const cg_batch_opts *o,
                 cg_batch_result *out, cg_error *err)
{
  cg_batch_opts defaults = CG_BATCH_OPTS_INIT;
  cg_decide_opts dopts = CG_DECIDE_OPTS_INIT;
  cg_decider *dec = NULL;
  chip_slot *chips = NULL;
  cg_customer cu;
  int64_t cust_id = 0, total = 0, in_tx_count = 0;
  char after[sizeof(((cg_order *)0)->order_id)] = "";
  int rc, in_tx = 0;

  memset(out, 0, sizeof(*out));
  cg_customer_init(&cu);
  if(!o)
    o = &defaults;
  dopts.mfu = o->mfu;
  chips = calloc(CHIP_CACHE, sizeof(*chips));
  if(!chips)
    return cg_error_set(err, CG_ENOMEM, "batch: out of memory");
  rc = cg_decider_open(&dec, db, pack, &dopts, err);
  if(rc == CG_OK)
    rc = cg_batch_pending(db, &total, err);
  if(rc == CG_OK)
    rc = cg_decide_ruleset_hash(pack, out->ruleset, err);
  if(rc == CG_OK)
    rc =
        cg_audit_batch_begin(db, o->as_of, out->ruleset, cg_decider_lists(dec),
                             o->mfu, &out->batch_id, err);
  if(rc == CG_OK && o->on_begin)
    rc = o->on_begin(o->decision_arg, out->batch_id, err);
  while(rc == CG_OK) {
    cg_order ord;
    char hash[65], *text = NULL;
    const cg_chip *chip = NULL;
    cg_decide_doc dn;

    rc = cg_order_next_pending(db, after, &ord, err);
    if(rc <= 0)
      break;
    memcpy(after, ord.order_id, sizeof(after));
    if(o->as_of)
      snprintf(ord.ship_date, sizeof(ord.ship_date), "%s", o->as_of);
    if(!in_tx) {
      rc = cg_store_begin(db, err);
      if(rc != CG_OK)
        break;
      in_tx = 1;
    }
    if(cust_id != ord.customer_id) {
      cg_customer_clear(&cu);
      cust_id = 0;
      rc = cg_customer_get_id(db, ord.customer_id, &cu, err);
      if(rc != CG_OK)
        break;
      cust_id = ord.customer_id;
    }
    rc = chip_cached(db, chips, ord.chip_id, &chip, err);
    if(rc == CG_OK)
      rc = cg_decide(dec, &ord, &cu, chip, 1, &dn, err);
    if(rc != CG_OK) {
      cg_error_prefix(err, "order %s", ord.order_id);
      break;
    }
    rc =
        cg_audit_append(db, ord.id, out->batch_id, cg_outcome_name(dn.outcome),
                        dn.doc, hash, &text, err);
    if(rc == CG_OK)
      rc = enqueue_decision(db, dn.doc, hash, err);
    if(rc == CG_OK && o->on_decision)
      rc = o->on_decision(o->decision_arg, dn.doc, text, err);
    free(text);
    text = NULL;
    cg_json_free(dn.doc);
    if(rc != CG_OK)
      break;
    out->decided++;
    if(dn.outcome < 8)
      out->by_outcome[dn.outcome]++;
    if(++in_tx_count >= (o->per_tx > 0 ? o->per_tx : 1)) {
      rc = cg_store_commit(db, err);
      in_tx = 0;
      in_tx_count = 0;
      if(rc == CG_OK && o->progress)
        o->progress(o->progress_arg, out->decided, total);
    }
  }
  if(rc == 0 && in_tx) {
    rc = cg_store_commit(db, err);
    in_tx = 0;
  }
  if(in_tx)
    cg_store_rollback(db);
  if(rc == 0 && out->batch_id)
    rc = cg_audit_batch_finish(db, out->batch_id, out->decided, err);
  if(rc == CG_OK && o->progress)
    o->progress(o->progress_arg, out->decided, total);
  if(chips) {
    size_t i;
    for(i = 0; i < CHIP_CACHE; i++)
      if(chips[i].id)
        cg_chip_clear(&chips[i].chip);
    free(chips);
  }
  cg_customer_clear(&cu);
  cg_decider_close(dec);
  return rc < 0 ? rc : CG_OK;
}
