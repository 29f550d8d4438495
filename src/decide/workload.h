/* workload.h -- what an order of chips could compute: cluster FLOP/s,
 * H100-equivalents, days to train reference workloads, FLOP reachable in
 * 30/90/365 days, the largest compute-optimal model in 90 days, and the
 * 1e26 flag (docs/regulations.md section 9). Every estimate carries its
 * assumptions as text, to be printed next to the numbers.
 *
 *   cluster peak      = quantity x dense peak 16-bit FLOP/s per chip
 *   cluster effective = cluster peak x MFU (default 0.40)
 *   H100-equivalents  = TPP / 15,832 (per chip; x quantity per order)
 *   days(C)           = C / (cluster effective x 86,400)
 *   N_opt(C)          = sqrt(C / 120), D_opt = 20 N_opt   (C = 6 N D)
 *
 * A chip with no 16-bit rate falls back to TPP / 16 as a 16-bit-equivalent
 * rate (and says so); with no TPP either every estimate is unknown (NaN,
 * null in JSON).
 *
 * Ownership: cg_workloads_load / cg_workloads_builtin return a list freed
 * with cg_workloads_free. A cg_workload_est owns its assumption texts and
 * day counts: cg_workload_est_clear frees them. */
#ifndef CG_WORKLOAD_H
#define CG_WORKLOAD_H

#include <stddef.h>

#include "decide/decision.h"
#include "model/chip.h"
#include "core/error.h"
#include "core/store.h"

#define CG_MFU_DEFAULT   0.40
#define CG_H100_TPP      15832.0 /* H100 SXM TPP (1979 FP8 x 8) */
#define CG_FLOP_4E091    1e26    /* 90 FR 4544 threshold, not enforced */
#define CG_WL_MAX_ASSUME 8       /* assumption lines per estimate */

/* ---- reference workloads ------------------------------------------------ */

typedef struct cg_workload {
  char *name;   /* e.g. "GPT-3 175B" */
  double flop;  /* training compute, FLOP */
  char *source; /* citation */
} cg_workload;

typedef struct cg_workloads {
  size_t n;           /* number of workloads */
  cg_workload *items; /* in ascending FLOP order */
} cg_workloads;

/* Loads the workloads table (ascending FLOP). An empty table is fine. */
int cg_workloads_load(cg_store *db, cg_workloads **out, cg_error *err);
/* The docs/regulations.md section 9 table, for callers without a database. */
int cg_workloads_builtin(cg_workloads **out, cg_error *err);
void cg_workloads_free(cg_workloads *wl);

/* ---- estimates ---------------------------------------------------------- */

enum {
  CG_PEAK_UNKNOWN = 0, /* no 16-bit rate and no TPP: estimates unknown */
  CG_PEAK_16BIT = 1,   /* dense FP16/BF16 datasheet rate */
  CG_PEAK_TPP16 = 2    /* TPP / 16, a 16-bit-equivalent rate */
};

typedef struct cg_workload_est {
  double mfu;            /* model FLOP utilisation used */
  double quantity;       /* chips in the order (or customer total) */
  int basis;             /* CG_PEAK_* */
  double tpp;            /* per chip; NaN if unknown */
  double h100e_chip;     /* TPP / 15,832 */
  double h100e;          /* per order: h100e_chip x quantity */
  double peak16_chip;    /* dense 16-bit FLOP/s per chip */
  double fp8_chip;       /* dense FP8 FLOP/s per chip, NaN if unknown */
  double cluster_peak;   /* FLOP/s */
  double cluster_eff;    /* FLOP/s, x MFU */
  double flop_30d;       /* FLOP reachable at cluster_eff */
  double flop_90d;       /* " */
  double flop_365d;      /* " */
  double opt_params_90d; /* largest compute-optimal N for flop_90d */
  double opt_tokens_90d; /* 20 N */
  int reaches_1e26;      /* flop_365d >= 1e26: 1, 0, or -1 unknown */
  double days_1e26;      /* days to 1e26 FLOP */
  size_t n_days;         /* = workloads->n */
  double *days;          /* days per reference workload (malloc'ed) */
  size_t n_assume;       /* assumption lines */
  char *assume[CG_WL_MAX_ASSUME]; /* malloc'ed texts */
} cg_workload_est;

/* Estimates quantity units of item at mfu (<= 0 means the default): for a
 * board or system, quantity x ics of its IC (loaded in item->ic). wl
 * may be NULL (no per-workload days). On success *out must be cleared
 * with cg_workload_est_clear, also when the estimate is unknown. */
int cg_workload_estimate(const cg_chip *chip, double quantity, double mfu,
                         const cg_workloads *wl, cg_workload_est *out,
                         cg_error *err);

/* The same from raw per-chip figures (TFLOP/s, NaN = unknown), e.g. read
 * back from a chip JSON object. */
int cg_workload_estimate_raw(double peak16_tflops, double fp8_tflops,
                             double tpp, double quantity, double mfu,
                             const cg_workloads *wl, cg_workload_est *out,
                             cg_error *err);

void cg_workload_est_clear(cg_workload_est *e);

/* Fills dn->workload from e (unknown and infinite numbers become NaN,
 * written as null) with the reference workloads of wl, the list given to
 * the estimate (may be NULL). Strings go to dn's arena. This is the only
 * way an estimate enters a decision, so the workload object has one writer:
 * the decision's (decide/decision.h). CG_ENOMEM on out-of-memory. */
int cg_workload_to_decision(const cg_workload_est *e, const cg_workloads *wl,
                            cg_decision *dn, cg_error *err);

/* ---- aggregates (e.g. one customer's orders) -----------------------------
 */

typedef struct cg_workload_sum {
  double quantity;     /* chips summed over orders with a known rate */
  double cluster_peak; /* sum of cluster peak FLOP/s */
  double h100e;        /* sum of H100-equivalents (orders with a TPP) */
  size_t orders;       /* orders added */
  size_t unknown;      /* orders with no usable rate (left out) */
  size_t fallback;     /* orders whose rate is TPP / 16 */
} cg_workload_sum;

#define CG_WORKLOAD_SUM_INIT                                                  \
  {                                                                           \
    0, 0, 0, 0, 0, 0                                                          \
  }

void cg_workload_sum_add(cg_workload_sum *s, const cg_workload_est *e);
/* Adds a recorded decision's workload (decide/decision.h); NULL or an
 * unknown estimate counts as unknown. */
void cg_workload_sum_add_decision(cg_workload_sum *s,
                                  const cg_decision_workload *w);

/* The estimate for the summed cluster rate (quantity and H100-equivalents
 * from the sum; per-chip fields unknown). Clear *out afterwards. */
int cg_workload_sum_estimate(const cg_workload_sum *s, double mfu,
                             const cg_workloads *wl, cg_workload_est *out,
                             cg_error *err);

#endif
