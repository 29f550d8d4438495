/* batch.h -- decides every pending order in order_id order, consuming
 * licence quantities as it goes, then re-decides every open or
 * releasable order (decided, not shipped or cancelled) whose inputs
 * changed since (cg_audit_inputs_digest: a licence, a clearance, a NAC
 * filing, a list version, the rule pack, the order's, customer's or
 * chip's facts), or all of them with recheck_all. Each decision, its licence
 * usage and its outbox event are written in one transaction (several decisions
 * may share one for speed; a crash loses whole decisions only, which the next
 * run decides again). Memory does not grow with the number of orders. */
#ifndef CG_BATCH_H
#define CG_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "decide/decision.h"
#include "rules/rules.h"
#include "core/store.h"

typedef struct cg_batch_opts {
  const char *as_of; /* evaluate every order at this date; NULL = each
                        order's ship date */
  double mfu;        /* model FLOP utilisation for workload estimates */
  int per_tx;        /* decisions per transaction (>= 1) */
  /* Called after each commit with the running count; may be NULL. */
  void (*progress)(void *arg, int64_t done, int64_t total);
  void *progress_arg;
  /* Called once the batch row exists, then with every recorded decision:
   * the typed decision and its bytes (json, len: exactly what the audit
   * log stored and hashed; NUL-terminated), both valid only during the
   * call, e.g. to write the reports while deciding. on_decision runs on
   * a thread of its own, in order, while the next orders are decided;
   * each commit waits for it to take every decision before, so a
   * non-zero status stops the batch before anything after the last
   * commit is recorded. It must not use the batch's store (not shared
   * between threads, and it sees uncommitted rows), and after a failure
   * it may still get decisions that were then not recorded (a report is
   * then discarded). Both may be NULL. */
  int (*on_begin)(void *arg, int64_t batch_id, cg_error *err);
  int (*on_decision)(void *arg, const cg_decision *dn, const char *json,
                     size_t len, cg_error *err);
  void *decision_arg;
  /* Re-decide every open or releasable order, not only those whose
   * inputs changed. */
  int recheck_all;
} cg_batch_opts;

/* clang-format off */
#define CG_BATCH_OPTS_INIT { NULL, 0.40, 512, NULL, NULL, NULL, NULL, NULL, 0 }
/* clang-format on */

typedef struct cg_batch_result {
  int64_t batch_id;      /* batches.id; 0: nothing to decide, no batch
                            recorded */
  int64_t decided;       /* decisions recorded by this run */
  int64_t redecided;     /* of them, open orders decided again */
  int64_t rechecked;     /* open orders looked at again */
  int64_t by_outcome[8]; /* counts indexed by cg_outcome */
  char ruleset[72];      /* sha256:... */
} cg_batch_result;

int cg_batch_run(cg_store *db, const cg_rules *pack, const cg_batch_opts *o,
                 cg_batch_result *out, cg_error *err);

/* Decides ord (its customer cu and chip; licence quantities drawn) with
 * dec, appends the decision to the audit log (batch_id, 0: none) and
 * writes its decision.made event to the outbox, inside the caller's
 * transaction: the one way a decision is recorded, so none goes
 * unannounced. dn (initialised by the caller) and *json, *len (the
 * stored bytes, malloc'ed) are the caller's. */
struct cg_decider;
struct cg_order;
struct cg_customer;
struct cg_chip;
int cg_batch_record(cg_store *db, struct cg_decider *dec,
                    const struct cg_order *ord, const struct cg_customer *cu,
                    const struct cg_chip *chip, int64_t batch_id,
                    cg_decision *dn, char **json, size_t *len, cg_error *err);

/* Number of pending orders. */
int cg_batch_pending(cg_store *db, int64_t *out, cg_error *err);

#endif
