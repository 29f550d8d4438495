/* decide.h -- decides one order: builds its facts (chip metrics,
 * destination and customer with country groups as of the order date,
 * approvals, screening), runs the rule pack, applies held licences, and
 * returns the typed decision (decide/decision.h) that the audit log
 * stores and the reports read.
 *
 * A cg_decider borrows the store and the pack; it caches country-group
 * lookups. One decider per thread. */
#ifndef CG_DECIDE_H
#define CG_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "decide/decision.h"
#include "model/chip.h"
#include "model/customer.h"
#include "core/error.h"
#include "model/order.h"
#include "rules/rules.h"
#include "core/store.h"

typedef struct cg_decider cg_decider;

typedef struct cg_decide_opts {
  double screen_threshold; /* possible-hit threshold; <= 0: default */
  double mfu;              /* utilisation for workload estimates */
} cg_decide_opts;

/* clang-format off */
#define CG_DECIDE_OPTS_INIT { 0, 0.40 }
/* clang-format on */

/* Opens a decider: hashes the pack ("ruleset" of every decision), loads
 * the reference workloads and reads the screening lists' version. */
int cg_decider_open(cg_decider **out, cg_store *db, const cg_rules *pack,
                    const cg_decide_opts *opts, cg_error *err);
void cg_decider_close(cg_decider *d);

/* The screening lists' version the decider uses ("sha256:..."), or NULL
 * when no list is loaded (every customer is then unscreened). */
const char *cg_decider_lists(const cg_decider *d);

/* Lets the decider keep, from one decision to the next, what does not
 * change between them: the lists version, each stored customer's
 * screening hits (clearances applied) and country groups. Without it
 * (the default) they are read for every decision. Call it at the start
 * of every transaction the decisions are written in (the write lock then
 * keeps other connections out until the commit): when another connection
 * committed since the last call (PRAGMA data_version), everything kept is
 * dropped and read again. *changed_out (may be NULL) says so, for the
 * caller's own caches. Only for a caller whose own connection changes no
 * list, customer, clearance or country group meanwhile (a batch). */
int cg_decider_memo(cg_decider *d, int *changed_out, cg_error *err);

/* Screens the customers ids ahead of their decisions, on two threads
 * (cg_screen_customers_ahead), when lists are loaded. Call it outside any
 * transaction. */
int cg_decider_screen_ahead(cg_decider *d, const int64_t *ids, size_t n,
                            cg_error *err);

/* SHA-256 of the pack's files, as "sha256:<hex>". */
int cg_decide_ruleset_hash(const cg_rules *pack, char out[72], cg_error *err);

/* Decides order o for customer cu and chip. With consume set (o->id must
 * be a stored order and the caller must hold a transaction) the licence
 * quantity used is recorded in license_usage. Fills *out (initialised
 * first; decided_at and batch are left for the audit log to set); the
 * caller clears it with cg_decision_clear, also on failure. */
int cg_decide(cg_decider *d, const cg_order *o, const cg_customer *cu,
              const cg_chip *chip, int consume, cg_decision *out,
              cg_error *err);

/* Classifies a chip on its own (no order: role distributor, no
 * destination) as of date. eccn gets the class or "unknown"; *rule_out the
 * id of the rule that set it (borrowed from the pack) or NULL. */
int cg_decide_classify(const cg_rules *pack, const cg_chip *chip,
                       const char *date, char *eccn, size_t eccn_size,
                       const char **rule_out, cg_error *err);

#endif
