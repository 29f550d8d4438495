/* submit.h -- orders an order system sends, stored and decided at once
 * (`chipgate serve`'s POST /v1/orders): the order system gets the
 * answer in the same request, and the answer is recorded exactly as a
 * batch records one (audit log, licence draw, decision.made event),
 * outside any batch. */
#ifndef CG_SUBMIT_H
#define CG_SUBMIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"
#include "model/order.h"

struct cg_decider;

/* What happened to one order. */
typedef struct cg_submitted {
  char *doc;   /* its current decision's stored bytes (malloc'ed) */
  size_t len;  /* their length */
  int stored;  /* 1: new, stored now; 0: stored before, same content */
  int decided; /* 1: decided now; 0: its decision from before */
  int outcome; /* cg_outcome of the decision when decided now */
} cg_submitted;

/* Stores and decides orders[0..n) in one transaction, in their order:
 * a new order is stored and decided (drawing on licences); one stored
 * before with the same content is decided if still pending, else its
 * current decision is returned unchanged (the same request again gets
 * the same answer). An order_id stored with other content refuses the
 * whole request: CG_EINVAL with the conflict message, *conflict_out =
 * its index + 1, and nothing is written. out[0..n) is filled on CG_OK
 * (free each doc with cg_submitted_clear). */
int cg_submit_orders(cg_store *db, struct cg_decider *dec,
                     const cg_order *orders, size_t n, cg_submitted *out,
                     size_t *conflict_out, cg_error *err);

void cg_submitted_clear(cg_submitted *s, size_t n);

#endif
