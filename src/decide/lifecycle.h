/* lifecycle.h -- the steps a person takes on a decided order: reviews of a
 * hold, NAC filings and BIS objections, shipments and cancellations. Each
 * is one entry of the audit chain (cg_audit_step, kinds review, nac_filed,
 * nac_objection, shipment, cancel) written in one transaction with the
 * order's state change, if any; a refused step writes nothing.
 *
 * This module reads the chain entries of its own kinds (and the order's
 * current decision through cg_audit_each); it owns no table.
 *
 * ERRORS. CG_ENOTFOUND "unknown order X"; CG_EINVAL for a step the order's
 * state does not allow, naming the order, its state and current outcome
 * ("order O-1 is open (notify): ..."); CG_EUSAGE for a bad argument (a
 * date in the future, a quantity out of range); CG_EDB for the database.
 * Strings are borrowed for the call. Nothing prints. */
#ifndef CG_LIFECYCLE_H
#define CG_LIFECYCLE_H

#include <stdint.h>

#include "core/error.h"
#include "core/store.h"
#include "rules/facts.h"

/* What a review did. */
typedef struct cg_review_result {
  int64_t seq;  /* the review's chain entry */
  int released; /* 1: the order is now releasable */
  int needed;   /* reviewers a release needs (1, or 2 for a sure hit) */
  int releases; /* distinct reviewers who released so far (this one
                   included) */
} cg_review_result;

/* Records reviewer's review of order_id, whose current decision must be
 * a hold (state open). release 1: releases it where every decisive hold
 * came from something a person may settle (company policy POLICY.*, red
 * flags EAR.732.*, the fab review, the UVL statement, a possible list
 * match); a hold on unknown facts is refused ("supply the missing facts:
 * ..."); a sure list hit needs two different reviewers (name keys), the
 * first release is recorded and the order stays open. release 0 records
 * a block: the order stays open, and releases before it no longer count. */
int cg_lifecycle_review(cg_store *db, const char *order_id, int release,
                        const char *reviewer, const char *reason,
                        cg_review_result *out, cg_error *err);

/* Records a NAC notification filed on date filed (YYYY-MM-DD, not after
 * today UTC) for order_id, whose current decision must be notify; ref
 * (may be NULL) is the SNAP-R reference. One filing per order. *seq_out
 * (may be NULL) gets the entry. */
int cg_lifecycle_nac_file(cg_store *db, const char *order_id,
                          const char *filed, const char *ref, int64_t *seq_out,
                          cg_error *err);

/* Records BIS's objection of date (not before the filing, not after
 * today) to the order's NAC filing; the order must have a filing and be
 * open or releasable. A releasable order goes back to open: it may not
 * ship until re-decided. */
int cg_lifecycle_nac_object(cg_store *db, const char *order_id,
                            const char *date, const char *reason,
                            int64_t *seq_out, cg_error *err);

/* Sets the NAC facts of order row order_rowid as decide reads them:
 * order.nac_objected (an objection on record) and, when a filing is on
 * record, order.nac_days = today (UTC) - the filing date. */
int cg_lifecycle_nac_facts(cg_store *db, int64_t order_rowid, cg_facts *f,
                           cg_error *err);

/* What a shipment did. */
typedef struct cg_ship_result {
  int64_t seq;     /* the shipment's chain entry */
  int64_t qty;     /* shipped now */
  int64_t shipped; /* shipped in all, this one included */
  int64_t ordered; /* the order's quantity */
  char date[11];   /* the shipment's date */
} cg_ship_result;

/* Records a shipment of qty (0: the rest) of a releasable order on date
 * (NULL: today UTC; not after today). Not more than ordered minus shipped;
 * for a licensed decision the date must fall in the licence's validity.
 * The order becomes shipped when all of it has left. */
int cg_lifecycle_ship(cg_store *db, const char *order_id, int64_t qty,
                      const char *date, cg_ship_result *out, cg_error *err);

/* Cancels an order that has not shipped (a partly shipped order is
 * refused too), gives back its licence draws and sets it cancelled.
 * *returned_out (may be NULL) counts the licences given back. */
int cg_lifecycle_cancel(cg_store *db, const char *order_id, const char *reason,
                        int64_t *seq_out, int64_t *returned_out,
                        cg_error *err);

#endif
