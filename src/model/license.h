/* license.h -- licences and approvals: the licenses and license_usage
 * tables belong to this module alone. It imports them from CSV, answers
 * which approvals a customer holds on a date, finds the held licence that
 * covers a whole order, records what an order draws from it, and reports
 * balances.
 *
 * A cg_license_matcher caches compiled eccn/chip patterns; it borrows the
 * store. One per decider (per thread): it is not shared. */
#ifndef CG_LICENSE_H
#define CG_LICENSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

struct cg_json;

/* Imports licences and approvals in one transaction (all or nothing). A
 * number that exists is updated. Errors name FILE:LINE: unknown customer,
 * kind, country code or group; dates that are not dates; valid_to before
 * valid_from; bad eccn/chip patterns; a licence without destinations or
 * quantity. */
int cg_license_import(cg_store *db, const char *path, size_t *count_out,
                      cg_error *err);

/* The customer's approvals valid on date (YYYY-MM-DD): *designer is
 * "approved", "authorized" or "none" (a static string); *osat is 1 for an
 * approved OSAT. customer_id 0 (ad hoc) has none. */
int cg_license_approvals(cg_store *db, int64_t customer_id, const char *date,
                         const char **designer, int *osat, cg_error *err);

typedef struct cg_license_matcher cg_license_matcher;

int cg_license_matcher_open(cg_license_matcher **out, cg_store *db,
                            cg_error *err);
void cg_license_matcher_close(cg_license_matcher *m);

/* What an order asks a licence to cover. */
typedef struct cg_license_need {
  int64_t customer_id;  /* 0 = ad hoc: no licence can cover it */
  const char *date;     /* ship date, YYYY-MM-DD */
  const char *dest;     /* ISO-2 */
  unsigned dest_groups; /* CG_GROUP_* bits of dest on date */
  const char *eccn;     /* may be NULL (unclassified) */
  const char *chip;     /* chip name */
  int64_t quantity;     /* > 0 */
  /* A board or system: the IC it holds, that IC's ECCN and how many per
   * unit, for licences written in ICs (unit ic). ic_chip NULL: an IC
   * order, every licence counts units ordered. */
  const char *ic_chip;
  const char *ic_eccn;
  int64_t ics;
} cg_license_need;

typedef struct cg_license_hit {
  int64_t id;       /* licenses.id; 0 if none covers the order */
  char number[128]; /* licence number */
  char kind[32];    /* license | policy_permission */
  int64_t max_qty;  /* -1 unlimited */
  int64_t used;     /* drawn before this order */
  int64_t quantity; /* this order draws, in the licence's unit */
  char unit[8];     /* item | ic */
} cg_license_hit;

/* The first held licence (by number) of kind license or
 * policy_permission, valid on the date, whose eccn and chip patterns,
 * destinations and remaining quantity cover the whole order. A licence of
 * unit ic matches its patterns against the IC a board or system holds and
 * counts quantity x ics. hit->id is 0 when none does. */
int cg_license_find(cg_license_matcher *m, const cg_license_need *need,
                    cg_license_hit *hit, cg_error *err);

/* ---- explanations: why each licence on file did or did not cover ------ */

#define CG_LICENSE_MAX_REASONS 7 /* one per test below */

/* One reason a licence does not cover an order: code is one of "kind",
 * "not_yet_valid", "expired", "quantity", "destination", "eccn", "chip"
 * (a static string), text says it with the values, e.g. "quantity: 30
 * left of 100, 40 ordered". */
typedef struct cg_license_reason {
  const char *code; /* static */
  char text[320];   /* the reason with its values */
} cg_license_reason;

/* What one licence or approval on file says about an order. */
typedef struct cg_license_check {
  int64_t id;       /* licenses.id */
  char number[128]; /* licence number */
  char kind[32];    /* its kind (approvals included) */
  int covers;       /* 1: it covers the whole order (no reasons) */
  size_t nreasons;  /* reasons it does not, in the order of the tests */
  cg_license_reason reasons[CG_LICENSE_MAX_REASONS];
} cg_license_check;

/* Every licence and approval on file for a customer, judged. */
typedef struct cg_license_checks {
  size_t n;                /* items */
  cg_license_check *items; /* by number; malloc'ed, cg_license_checks_free */
} cg_license_checks;

/* Judges every licence and approval of need->customer_id (by number)
 * against the order with the tests cg_license_find applies: kind,
 * validity dates, remaining quantity, destination, ECCN and chip
 * patterns; each failed test is one reason. A licence with no reasons
 * covers the order (cg_license_find returns the first of those). *out is
 * set (empty for customer 0) and the caller frees it with
 * cg_license_checks_free, also on failure. */
int cg_license_explain(cg_license_matcher *m, const cg_license_need *need,
                       cg_license_checks *out, cg_error *err);
void cg_license_checks_free(cg_license_checks *c);

/* Gives back whatever order row order_rowid has drawn and not yet given
 * back, licence by licence (a negative usage row each): its decision is
 * being superseded or the order cancelled. Inside the caller's
 * transaction; *returned (may be NULL) counts the licences. */
int cg_license_return(cg_store *db, int64_t order_rowid, int64_t *returned,
                      cg_error *err);

/* Records that order row order_rowid draws quantity from licence
 * license_id. Runs inside the caller's transaction (with the decision). */
int cg_license_consume(cg_store *db, int64_t license_id, int64_t order_rowid,
                       int64_t quantity, cg_error *err);

/* The validity of licence number: from and to (YYYY-MM-DD, inclusive).
 * CG_ENOTFOUND "unknown licence N" if there is none. */
int cg_license_validity(cg_store *db, const char *number, char from[11],
                        char to[11], cg_error *err);

/* Every licence with its customer, kind, max_qty, used and remaining, in
 * number order, as a JSON array (the caller frees it). */
int cg_license_balances(cg_store *db, struct cg_json **out, cg_error *err);

/* Every licence and approval in number order as a JSON array (the caller
 * frees it) of {number, customer, kind, eccn, chip, destinations (""
 * = any), valid_from, valid_to, unit, max_qty, used, remaining}: used is
 * the sum of the signed draws, max_qty and remaining null when unlimited.
 * Read-only. */
int cg_license_list(cg_store *db, struct cg_json **out, cg_error *err);

/* Every draw (positive) and return (negative) of order row order_rowid,
 * oldest first, as a JSON array of {license, quantity, seq, unit}; seq is
 * the log entry that drew or returned (null where the row names none).
 * Read-only. */
int cg_license_order_draws(cg_store *db, int64_t order_rowid,
                           struct cg_json **out, cg_error *err);

#endif
