/* decision.h -- the typed decision: what chipgate decided for one order and
 * why, as a C struct with exactly one writer and one reader.
 *
 * THE BYTES. A decision's canonical form is what cg_decision_write
 * produces: one compact JSON object (UTF-8, no white space, no trailing
 * newline), keys in byte order at every level, strings escaped like
 * jansson's compact output (\" \\ \b \f \n \r \t, other controls \u00XX,
 * everything else as is), integers (quantity, batch, licence quantities)
 * in plain decimal, other numbers with the fewest significant digits
 * (1 to 17) that read back to the same double, laid out as jansson lays
 * out %g (fixed notation from 1e-4 to below 1e15, ".0" added to an
 * integral value, the exponent without '+' or leading zeros), unknown
 * numbers, strings and tristates as null. These bytes are what the audit
 * log hashes into its chain, what decisions.doc stores, what `check
 * --format json` prints, and what the decision.made webhook event is cut
 * from (cg_decision_event); cg_decision_parse reads them back and
 * cg_decision_write of the result gives the same bytes again.
 *
 * The document's keys (every one always written unless marked optional):
 *   as_of, batch (optional), chip {datacenter, die_area_mm2, eccn,
 *   foundry, hbm, memory_bandwidth_gbs, name, node, node_nm, nonplanar,
 *   pd, tpp, tpp_precision, transistors_billion, vendor}, customer
 *   {country, hq_country, name, parent, parent_hq_country, role},
 *   decided_at (optional), decision, destination, license (object or
 *   null), licenses_considered (optional: [{covers, kind, number,
 *   reasons [{code, text}], used}], absent when the customer has no
 *   licence or approval on file), lists, missing [fact names], order
 *   {end_use, end_use_country (optional), end_user_hq (optional),
 *   export_from_us, packager, role}, order_id, otherwise [{outcome, when}]
 *   (optional), quantity, rules [{action, cite, condition, decisive, id,
 *   missing (optional), outcome, reason, relieved, relieved_by (optional),
 *   title, trace {fact: value}}], ruleset, screening [hits], tool_version,
 *   workload {...}.
 *
 * Unknown values: numbers are NaN (null), tristates -1 (null), strings
 * NULL (null). A number that is infinite is written as null too.
 *
 * OWNERSHIP. Every string and array a cg_decision points to lives in the
 * decision's own arena (cg_decision_strdup / cg_decision_alloc); one
 * cg_decision_clear frees them all. Never free a member, never point a
 * member at memory the decision does not own (cg_decision_clear would not
 * free it, but a later reader would outlive it). A decision is not
 * thread-safe; distinct decisions are independent.
 *
 * ERRORS. Functions return CG_OK or a negative CG_E* code with err set:
 * CG_ENOMEM, or CG_EINVAL for a document that is not a decision (the
 * message names the field, e.g. "decision: rules[2].trace.chip.tpp: ..."). */
#ifndef CG_DECISION_H
#define CG_DECISION_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "rules/facts.h"
#include "rules/rules.h"

/* ---- the parts ---------------------------------------------------------- */

/* The chip as the decision saw it (model/chip.h cg_chip_json's fields plus
 * the classification). */
typedef struct cg_decision_chip {
  const char *name;            /* NULL if unknown */
  const char *vendor;          /* NULL if unknown */
  const char *node;            /* process node label, NULL if unknown */
  const char *foundry;         /* NULL if unknown */
  double node_nm;              /* NaN if unknown */
  int nonplanar;               /* 1, 0, -1 unknown */
  double tpp;                  /* NaN if unknown */
  const char *tpp_precision;   /* "INT8", "TF32", ...; NULL if no TPP */
  double pd;                   /* NaN if unknown */
  double die_area_mm2;         /* NaN if unknown */
  double transistors_billion;  /* NaN if unknown */
  int datacenter;              /* 1, 0, -1 unknown */
  int hbm;                     /* 1, 0, -1 unknown */
  double memory_bandwidth_gbs; /* NaN if unknown */
  const char *eccn;            /* "3A090.a", ...; NULL if unclassified */
} cg_decision_chip;

typedef struct cg_decision_customer {
  const char *name;              /* NULL if unknown */
  const char *country;           /* ISO-2, NULL if unknown */
  const char *hq_country;        /* ISO-2, NULL if unknown */
  const char *parent;            /* NULL if none */
  const char *parent_hq_country; /* ISO-2, NULL if unknown or none */
  const char *role;              /* designer|osat|distributor|end_user|"" */
} cg_decision_customer;

typedef struct cg_decision_order {
  const char *end_use;         /* free text, "" if none stated */
  const char *end_use_country; /* ISO-2 as ordered; NULL: key absent (the
                                  destination) */
  const char *end_user_hq;     /* ISO-2 as ordered; NULL: key absent (the
                                  customer's ultimate parent's HQ) */
  const char *role;            /* fab|osat|distributor */
  const char *packager;        /* fab_outside_d5mo|approved_osat|other, NULL */
  int export_from_us;          /* 1, 0, -1 unknown */
} cg_decision_order;

/* One fact a rule read, with its value at the time. kind is the cg_value
 * kind: CG_V_UNKNOWN (null), CG_V_NUM (NaN writes null, which reads back
 * CG_V_UNKNOWN), CG_V_STR (u.str in the arena; NULL writes null),
 * CG_V_BOOL, CG_V_DATE (written "YYYY-MM-DD"), CG_V_COUNTRY (written as
 * its code; groups are not kept). The reader gives a JSON string the
 * fact's declared kind (date, country) when it reads as one, else
 * CG_V_STR. */
typedef struct cg_decision_trace {
  int fact;       /* CG_F_* id (names via cg_fact_name) */
  cg_value value; /* the value */
} cg_decision_trace;

/* One rule that fired, in evaluation order. */
typedef struct cg_decision_rule {
  const char *id;           /* "EAR.3A090.a" */
  const char *title;        /* "" if none */
  const char *outcome;      /* cg_outcome_name, or the action name for a
                               classify/flag entry, or "licensed" */
  cg_action action;         /* the rule's action */
  const char *reason;       /* expanded reason text */
  const char *cite;         /* citation */
  int relieved;             /* 0 or 1 */
  const char *relieved_by;  /* id of the relieving rule; NULL: key absent */
  int decisive;             /* 0 or 1 */
  int condition;            /* CG_COND_TRUE or CG_COND_UNKNOWN */
  uint64_t missing;         /* bit per CG_F_* fact unknown; 0: key absent */
  size_t ntrace;            /* trace items */
  cg_decision_trace *trace; /* sorted by fact name (the object's order) */
} cg_decision_rule;

/* A clearance in force on a hit ("clearances": written only when there
 * is one): who cleared it, when and why (screen/screen.h). */
typedef struct cg_decision_clearance {
  int64_t id;             /* clearances.id */
  const char *reviewer;   /* who */
  const char *reason;     /* why */
  const char *cleared_at; /* when, "YYYY-MM-DDTHH:MM:SSZ" ("at") */
} cg_decision_clearance;

/* One screening hit (screen/screen.h cg_screen_hit as decided on). */
typedef struct cg_decision_hit {
  const char *list;                    /* list name */
  const char *entry_id;                /* the list entry's id */
  const char *name;                    /* the entry's primary name */
  const char *matched_name;            /* name or alias that matched */
  int via_alias;                       /* "matched": 1 "alias", 0 "name" */
  const char *screened;                /* the name screened */
  int on_parent;                       /* "party": 1 "parent", 0 "customer" */
  double score;                        /* [0, 1] */
  int sure;                            /* 0 or 1 */
  int entity_list;                     /* 0 or 1 */
  const char *footnote;                /* "", "fn1", "fn4", "fn5" */
  const char *country;                 /* entry's countries */
  const char *license_requirement;     /* "" if none */
  const char *license_policy;          /* "" if none */
  const char *federal_register_notice; /* "" if none */
  const char *explain;                 /* how the tokens matched */
  const char *list_kind;               /* "entity", "denied", "sdn",
                                          "unverified", "meu", "other";
                                          NULL: key absent (older docs) */
  int cleared;                         /* 0 or 1 */
  const char *clear_reason; /* written only when cleared (then may be
                               NULL: null) */
  size_t nclearances;       /* clearances in force it relied on (a sure
                               hit needs two reviewers to be cleared) */
  cg_decision_clearance *clearances; /* nclearances, oldest first */
} cg_decision_hit;

/* The held licence that covered the order ("license": null if none). */
typedef struct cg_decision_license {
  int present;           /* 0: no licence, the rest is ignored */
  const char *number;    /* licence number */
  const char *kind;      /* licence kind */
  int64_t quantity_used; /* drawn by this order */
  int64_t max_qty;       /* cap; -1: none (key absent, remaining null) */
  int64_t remaining;     /* max_qty - used before - quantity_used */
} cg_decision_license;

/* One reason a licence on file did not cover the order
 * (model/license.h cg_license_reason). */
typedef struct cg_decision_license_reason {
  const char *code; /* kind, not_yet_valid, expired, quantity, destination,
                       eccn, chip */
  const char *text; /* the reason with its values */
} cg_decision_license_reason;

/* One licence or approval on file for the customer and what it says about
 * the order ("licenses_considered"). */
typedef struct cg_decision_license_check {
  const char *number;                  /* licence number */
  const char *kind;                    /* its kind */
  int covers;                          /* 0 or 1: covers the whole order */
  int used;                            /* 0 or 1: the licence the decision
                                          used ("license") */
  size_t nreasons;                     /* why it does not cover */
  cg_decision_license_reason *reasons; /* in the order of the tests */
} cg_decision_license_check;

/* One reference workload and the days this order's chips need for it. */
typedef struct cg_decision_wl_ref {
  const char *name;   /* e.g. "GPT-3 175B" */
  double flop;        /* training compute */
  const char *source; /* citation */
  double days;        /* NaN if unknown */
} cg_decision_wl_ref;

/* The workload estimate (decide/workload.h cg_workload_est_json's object,
 * field for field). Numbers NaN when unknown. */
typedef struct cg_decision_workload {
  int known;                      /* a usable peak rate exists */
  double mfu;                     /* utilisation assumed */
  double quantity;                /* chips */
  const char *basis;              /* "bf16/fp16", "tpp/16", NULL */
  double tpp;                     /* per chip */
  double h100e_per_chip;          /* TPP / 15,832 */
  double h100e;                   /* x quantity */
  double peak16_flops_per_chip;   /* FLOP/s */
  double fp8_flops_per_chip;      /* FLOP/s */
  double cluster_peak_flops;      /* FLOP/s */
  double cluster_effective_flops; /* FLOP/s x MFU */
  double flop_30d;                /* FLOP */
  double flop_90d;                /* FLOP */
  double flop_365d;               /* FLOP */
  double optimal_params_90d;      /* N */
  double optimal_tokens_90d;      /* 20 N */
  int reaches_1e26_365d;          /* 1, 0, -1 unknown */
  double days_to_1e26;            /* days */
  size_t nworkloads;              /* reference workloads */
  cg_decision_wl_ref *workloads;  /* in ascending FLOP order */
  size_t nassumptions;            /* assumption texts */
  const char **assumptions;       /* printed next to the numbers */
} cg_decision_workload;

/* Another outcome that some completion of the unknown facts gives, and
 * the completion ("otherwise": written only when there is one). */
typedef struct cg_decision_alt {
  const char *outcome; /* "license_required" */
  const char *when;    /* "order.export_from_us = true", facts joined by
                          " and " */
} cg_decision_alt;

/* ---- the decision ------------------------------------------------------- */

typedef struct cg_decision_arena cg_decision_arena; /* private */

typedef struct cg_decision {
  const char *order_id;    /* the ERP's id; NULL for `check` */
  cg_outcome decision;     /* the outcome */
  const char *as_of;       /* YYYY-MM-DD the rules were evaluated at */
  int64_t quantity;        /* chips ordered */
  const char *destination; /* ISO-2 */
  cg_decision_chip chip;
  cg_decision_customer customer;
  cg_decision_order order;
  size_t nrules;           /* fired rules */
  cg_decision_rule *rules; /* in evaluation order */
  uint64_t missing;        /* facts that held the decision (bit per CG_F_*),
                              written as names in fact-id order */
  size_t nalts;            /* other outcomes of unknown facts' completions */
  cg_decision_alt *alts;   /* least severe first; key absent when none */
  size_t nhits;            /* screening hits */
  cg_decision_hit *hits;   /* best first, customer then parent */
  cg_decision_license license;
  size_t nlicense_checks;                    /* licences on file judged */
  cg_decision_license_check *license_checks; /* by number; key absent when
                                                there are none */
  cg_decision_workload workload;
  const char *ruleset;      /* "sha256:..." of the rule pack */
  const char *lists;        /* "sha256:..." of the lists, NULL if none */
  const char *tool_version; /* chipgate's version */
  const char *decided_at;   /* set by the audit log; NULL: key absent */
  int64_t batch;            /* batches.id; 0: key absent */
  cg_decision_arena *arena; /* owns every string and array above */
} cg_decision;

/* Sets every field unknown (NaN, -1, NULL, 0) with no arena. Cannot fail. */
void cg_decision_init(cg_decision *d);
/* Frees the arena and re-initialises d. NULL-safe. */
void cg_decision_clear(cg_decision *d);

/* Arena copies for building a decision: a copy of s (NULL gives NULL),
 * and n zeroed bytes. NULL on out-of-memory (and for n == 0). */
const char *cg_decision_strdup(cg_decision *d, const char *s);
void *cg_decision_alloc(cg_decision *d, size_t n);

/* ---- the bytes ---------------------------------------------------------- */

/* Writes d's canonical JSON (see THE BYTES above) into *out (malloc'ed,
 * NUL-terminated; the NUL is not counted in *len). CG_EINVAL if a string
 * is not valid UTF-8 (named in err) or an enum is out of range. */
int cg_decision_write(const cg_decision *d, char **out, size_t *len,
                      cg_error *err);

/* cg_decision_write, and in the same pass the digest of the decision's
 * inputs into inputs ("sha256:" and 64 hex): the SHA-256 of the bytes as
 * they read without decided_at and batch, with the licence's remaining 0
 * and each licence reason's text replaced by its code (what the clock, the
 * batch and other orders' draws change). The same digest means the same
 * answer for the same reasons: a batch re-decides an order when it
 * changes. out may be NULL (the digest only). */
int cg_decision_write_inputs(const cg_decision *d, char **out, size_t *len,
                             char inputs[72], cg_error *err);

/* Reads a decision document (len bytes of json, NUL not needed) into
 * *out, which it initialises first and which the caller clears also on
 * failure. Unknown keys, wrong types and bad enum values are CG_EINVAL
 * naming the field; missing keys read as unknown. */
int cg_decision_parse(const char *json, size_t len, cg_decision *out,
                      cg_error *err);

/* The decision.made webhook event cut from a decision's bytes: the
 * members as_of, batch, chip {eccn, name}, customer (its name),
 * decided_at, decision, destination, license, order_id and quantity,
 * copied byte for byte, plus "audit_hash", keys sorted. *out is
 * malloc'ed and NUL-terminated. CG_EINVAL if doc is not canonical. */
int cg_decision_event(const char *doc, size_t len, const char *audit_hash,
                      char **out, size_t *out_len, cg_error *err);

#endif
