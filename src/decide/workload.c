/* workload.c -- see workload.h. */
#include "decide/workload.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_DAY 86400.0

/* ===== reference workloads ============================================== */

static const struct {
  const char *name;
  double flop;
  const char *source;
} builtin[] = {
  { "transformer 1.3B, 25.5B tokens, low-rank layers (985M params)", 1.66e20,
    "Wei et al. (EPFL), as reported in The Batch, Nov 2024" },
  { "transformer 1.3B params, 25.5B tokens (full-rank)", 2.10e20,
    "Wei et al. (EPFL), as reported in The Batch, Nov 2024" },
  { "GPT-3 175B", 3.14e23, "Brown et al. 2020" },
  { "Chinchilla 70B, 1.4T tokens", 5.76e23, "Hoffmann et al. 2022" },
  { "Llama 3.1 405B", 3.8e25, "Meta, Llama 3 paper 2024" },
  { "10^26 operations (ECCN 4E091 threshold; not enforced)", 1e26,
    "90 FR 4544" },
};

static char *dup_str(const char *s)
{
  size_t n;
  char *d;

  if(!s)
    return NULL;
  n = strlen(s) + 1;
  d = malloc(n);
  if(d)
    memcpy(d, s, n);
  return d;
}

void cg_workloads_free(cg_workloads *wl)
{
  size_t i;

  if(!wl)
    return;
  for(i = 0; i < wl->n; i++) {
    free(wl->items[i].name);
    free(wl->items[i].source);
  }
  free(wl->items);
  free(wl);
}

/* Appends one workload, growing the array; CG_ENOMEM on failure. */
static int wl_push(cg_workloads *wl, size_t *cap, const char *name,
                   double flop, const char *source)
{
  cg_workload *w;

  if(wl->n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    cg_workload *ni = realloc(wl->items, ncap * sizeof(*ni));
    if(!ni)
      return CG_ENOMEM;
    wl->items = ni;
    *cap = ncap;
  }
  w = &wl->items[wl->n];
  w->name = dup_str(name ? name : "");
  w->source = dup_str(source ? source : "");
  w->flop = flop;
  if(!w->name || !w->source) {
    free(w->name);
    free(w->source);
    return CG_ENOMEM;
  }
  wl->n++;
  return CG_OK;
}

int cg_workloads_builtin(cg_workloads **out, cg_error *err)
{
  cg_workloads *wl = calloc(1, sizeof(*wl));
  size_t cap = 0, i;

  *out = NULL;
  if(!wl)
    return cg_error_set(err, CG_ENOMEM, "workloads: out of memory");
  for(i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
    if(wl_push(wl, &cap, builtin[i].name, builtin[i].flop,
               builtin[i].source) != CG_OK) {
      cg_workloads_free(wl);
      return cg_error_set(err, CG_ENOMEM, "workloads: out of memory");
    }
  }
  *out = wl;
  return CG_OK;
}

int cg_workloads_load(cg_store *db, cg_workloads **out, cg_error *err)
{
  cg_workloads *wl = calloc(1, sizeof(*wl));
  cg_stmt *st = NULL;
  size_t cap = 0;
  int rc;

  *out = NULL;
  if(!wl)
    return cg_error_set(err, CG_ENOMEM, "workloads: out of memory");
  rc = cg_store_prepare(db, &st,
                        "SELECT name, flop, source FROM workloads "
                        "ORDER BY flop, name",
                        err);
  if(rc != CG_OK)
    goto fail;
  while((rc = cg_stmt_step(st, err)) == 1) {
    if(wl_push(wl, &cap, cg_stmt_text(st, 0), cg_stmt_double(st, 1),
               cg_stmt_text(st, 2)) != CG_OK) {
      rc = cg_error_set(err, CG_ENOMEM, "workloads: out of memory");
      goto fail;
    }
  }
  if(rc < 0)
    goto fail;
  cg_stmt_finalize(st);
  *out = wl;
  return CG_OK;

fail:
  cg_stmt_finalize(st);
  cg_workloads_free(wl);
  return rc;
}

/* ===== estimates ======================================================== */

static void est_init(cg_workload_est *e)
{
  memset(e, 0, sizeof(*e));
  e->tpp = e->h100e_chip = e->h100e = NAN;
  e->peak16_chip = e->fp8_chip = NAN;
  e->cluster_peak = e->cluster_eff = NAN;
  e->flop_30d = e->flop_90d = e->flop_365d = NAN;
  e->opt_params_90d = e->opt_tokens_90d = NAN;
  e->days_1e26 = NAN;
  e->reaches_1e26 = -1;
}

void cg_workload_est_clear(cg_workload_est *e)
{
  size_t i;

  if(!e)
    return;
  free(e->days);
  for(i = 0; i < e->n_assume; i++)
    free(e->assume[i]);
  est_init(e);
}

/* Adds one formatted assumption line; CG_ENOMEM on failure. */
static int assume(cg_workload_est *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int assume(cg_workload_est *e, const char *fmt, ...)
{
  char buf[512];
  va_list ap;

  if(e->n_assume >= CG_WL_MAX_ASSUME)
    return CG_OK;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  e->assume[e->n_assume] = dup_str(buf);
  if(!e->assume[e->n_assume])
    return CG_ENOMEM;
  e->n_assume++;
  return CG_OK;
}

/* Fills the rate-derived fields from e->cluster_peak and e->mfu. */
static int derive(cg_workload_est *e, const cg_workloads *wl)
{
  size_t i;
  double day_flop;

  if(wl && wl->n) {
    e->days = malloc(wl->n * sizeof(double));
    if(!e->days)
      return CG_ENOMEM;
    e->n_days = wl->n;
    for(i = 0; i < wl->n; i++)
      e->days[i] = NAN;
  }
  if(isnan(e->cluster_peak))
    return CG_OK;
  e->cluster_eff = e->cluster_peak * e->mfu;
  day_flop = e->cluster_eff * SECONDS_PER_DAY;
  e->flop_30d = day_flop * 30;
  e->flop_90d = day_flop * 90;
  e->flop_365d = day_flop * 365;
  e->opt_params_90d = sqrt(e->flop_90d / 120.0);
  e->opt_tokens_90d = 20.0 * e->opt_params_90d;
  e->reaches_1e26 = e->flop_365d >= CG_FLOP_4E091;
  if(day_flop > 0) {
    e->days_1e26 = CG_FLOP_4E091 / day_flop;
    for(i = 0; i < e->n_days; i++)
      e->days[i] = wl->items[i].flop / day_flop;
  }
  else {
    e->days_1e26 = INFINITY;
    for(i = 0; i < e->n_days; i++)
      e->days[i] = INFINITY;
  }
  return CG_OK;
}

/* The assumption lines shared by order and aggregate estimates. */
static int common_assumptions(cg_workload_est *e)
{
  int rc = assume(e,
                  "Cluster effective rate = quantity x dense peak 16-bit "
                  "FLOP/s x MFU %.2f (model FLOP utilisation; an "
                  "assumption, not a measurement).",
                  e->mfu);
  if(rc == CG_OK)
    rc = assume(e, "Days to train C = C / (effective rate x 86,400); no "
                   "downtime, interconnect, memory or power limits "
                   "modelled.");
  if(rc == CG_OK)
    rc = assume(e, "Training compute C = 6 N D (Kaplan et al. 2020); "
                   "compute-optimal D = 20 N (Hoffmann et al. 2022), so "
                   "the largest compute-optimal model is N = sqrt(C / 120).");
  if(rc == CG_OK)
    rc = assume(e, "H100-equivalents = TPP / 15,832 (H100 SXM TPP, "
                   "1979 dense FP8 TFLOP/s x 8 bits).");
  if(rc == CG_OK)
    rc = assume(e, "Reference workloads and their training compute come "
                   "from the workloads table, each with its source; "
                   "10^26 is the ECCN 4E091 threshold (90 FR 4544, "
                   "not enforced).");
  return rc;
}

int cg_workload_estimate_raw(double peak16_tflops, double fp8_tflops,
                             double tpp, double quantity, double mfu,
                             const cg_workloads *wl, cg_workload_est *out,
                             cg_error *err)
{
  int rc;

  est_init(out);
  if(isnan(quantity) || quantity < 0)
    return cg_error_set(err, CG_EINVAL, "workload: bad quantity");
  if(!(mfu > 0))
    mfu = CG_MFU_DEFAULT;
  if(mfu > 1)
    return cg_error_set(err, CG_EINVAL, "workload: MFU %g is above 1", mfu);
  out->mfu = mfu;
  out->quantity = quantity;
  out->tpp = tpp > 0 ? tpp : NAN;
  if(!isnan(out->tpp)) {
    out->h100e_chip = out->tpp / CG_H100_TPP;
    out->h100e = out->h100e_chip * quantity;
  }
  if(fp8_tflops > 0)
    out->fp8_chip = fp8_tflops * 1e12;
  if(peak16_tflops > 0) {
    out->basis = CG_PEAK_16BIT;
    out->peak16_chip = peak16_tflops * 1e12;
  }
  else if(!isnan(out->tpp)) {
    out->basis = CG_PEAK_TPP16;
    out->peak16_chip = out->tpp / 16.0 * 1e12;
  }
  else
    out->basis = CG_PEAK_UNKNOWN;
  if(out->basis != CG_PEAK_UNKNOWN)
    out->cluster_peak = out->peak16_chip * quantity;

  rc = derive(out, wl);
  if(rc == CG_OK)
    rc = common_assumptions(out);
  if(rc == CG_OK && out->basis == CG_PEAK_16BIT)
    rc = assume(out,
                "Peak rate: dense 16-bit (max of FP16/BF16) %.4g TFLOP/s "
                "per chip, datasheet value without sparsity.",
                peak16_tflops);
  if(rc == CG_OK && out->basis == CG_PEAK_TPP16)
    rc = assume(out,
                "No 16-bit rate known: using TPP / 16 = %.4g TFLOP/s as a "
                "16-bit-equivalent rate (TPP = 2 x MacTOPS x bit length, "
                "15 CFR 774 Supp. 1); real 16-bit throughput may be lower.",
                out->tpp / 16.0);
  if(rc == CG_OK && out->basis == CG_PEAK_UNKNOWN)
    rc = assume(out, "No 16-bit rate and no TPP known for this chip: "
                     "no estimate is possible.");
  if(rc != CG_OK) {
    cg_workload_est_clear(out);
    return cg_error_set(err, CG_ENOMEM, "workload: out of memory");
  }
  return CG_OK;
}

int cg_workload_estimate(const cg_chip *item, double quantity, double mfu,
                         const cg_workloads *wl, cg_workload_est *out,
                         cg_error *err)
{
  /* A board or system computes with the ICs it holds: count those. */
  const cg_chip *chip = cg_chip_ic(item);
  int ics = item->kind == CG_ITEM_IC ? 1 : item->ics;
  int rc = cg_workload_estimate_raw(cg_chip_peak16(chip), chip->perf[CG_FP8],
                                    cg_chip_tpp(chip, NULL), quantity * ics,
                                    mfu, wl, out, err);

  if(rc == CG_OK && item->kind != CG_ITEM_IC &&
     assume(out, "%g %s%s x %d %s each = %g ICs", quantity,
            cg_item_kind_name(item->kind), quantity == 1 ? "" : "s", ics,
            chip->name ? chip->name : "IC", quantity * ics) != CG_OK) {
    cg_workload_est_clear(out);
    rc = cg_error_set(err, CG_ENOMEM, "workload: out of memory");
  }
  return rc;
}

/* ===== JSON ============================================================= */

/* Infinity (zero rate) is written as null, like unknown. */
/* Infinity (a zero rate) is unknown in the document. */
static double known(double v)
{
  return isinf(v) ? NAN : v;
}

/* An arena copy of s; clears *ok when memory runs out. */
static const char *dup(cg_decision *dn, const char *s, int *ok)
{
  const char *c = cg_decision_strdup(dn, s);

  if(s && !c)
    *ok = 0;
  return c;
}

static void copy_refs(const cg_workload_est *e, const cg_workloads *wl,
                      cg_decision *dn, int *ok)
{
  cg_decision_workload *w = &dn->workload;
  size_t i;

  w->nworkloads = wl ? (wl->n < e->n_days ? wl->n : e->n_days) : 0;
  if(w->nworkloads) {
    w->workloads =
        cg_decision_alloc(dn, w->nworkloads * sizeof(*w->workloads));
    if(!w->workloads) {
      *ok = 0;
      w->nworkloads = 0;
    }
  }
  for(i = 0; i < w->nworkloads; i++) {
    w->workloads[i].name = dup(dn, wl->items[i].name, ok);
    w->workloads[i].flop = known(wl->items[i].flop);
    w->workloads[i].source = dup(dn, wl->items[i].source, ok);
    w->workloads[i].days = known(e->days[i]);
  }
  if(e->n_assume) {
    w->assumptions = cg_decision_alloc(dn, e->n_assume * sizeof(char *));
    if(!w->assumptions)
      *ok = 0;
    else
      w->nassumptions = e->n_assume;
  }
  for(i = 0; i < w->nassumptions; i++)
    w->assumptions[i] = dup(dn, e->assume[i], ok);
}

int cg_workload_to_decision(const cg_workload_est *e, const cg_workloads *wl,
                            cg_decision *dn, cg_error *err)
{
  cg_decision_workload *w = &dn->workload;
  int ok = 1;

  w->known = e->basis != CG_PEAK_UNKNOWN;
  w->mfu = known(e->mfu);
  w->quantity = known(e->quantity);
  w->basis = dup(dn,
                 e->basis == CG_PEAK_16BIT   ? "bf16/fp16"
                 : e->basis == CG_PEAK_TPP16 ? "tpp/16"
                                             : NULL,
                 &ok);
  w->tpp = known(e->tpp);
  w->h100e_per_chip = known(e->h100e_chip);
  w->h100e = known(e->h100e);
  w->peak16_flops_per_chip = known(e->peak16_chip);
  w->fp8_flops_per_chip = known(e->fp8_chip);
  w->cluster_peak_flops = known(e->cluster_peak);
  w->cluster_effective_flops = known(e->cluster_eff);
  w->flop_30d = known(e->flop_30d);
  w->flop_90d = known(e->flop_90d);
  w->flop_365d = known(e->flop_365d);
  w->optimal_params_90d = known(e->opt_params_90d);
  w->optimal_tokens_90d = known(e->opt_tokens_90d);
  w->reaches_1e26_365d = e->reaches_1e26;
  w->days_to_1e26 = known(e->days_1e26);
  copy_refs(e, wl, dn, &ok);
  return ok ? CG_OK : cg_error_set(err, CG_ENOMEM, "workload: out of memory");
}

void cg_workload_sum_add(cg_workload_sum *s, const cg_workload_est *e)
{
  s->orders++;
  if(e->basis == CG_PEAK_UNKNOWN || isnan(e->cluster_peak)) {
    s->unknown++;
    return;
  }
  if(e->basis == CG_PEAK_TPP16)
    s->fallback++;
  s->quantity += e->quantity;
  s->cluster_peak += e->cluster_peak;
  if(!isnan(e->h100e))
    s->h100e += e->h100e;
}

void cg_workload_sum_add_decision(cg_workload_sum *s,
                                  const cg_decision_workload *w)
{
  s->orders++;
  if(!w || isnan(w->cluster_peak_flops)) {
    s->unknown++;
    return;
  }
  if(w->basis && strcmp(w->basis, "tpp/16") == 0)
    s->fallback++;
  s->cluster_peak += w->cluster_peak_flops;
  if(!isnan(w->quantity))
    s->quantity += w->quantity;
  if(!isnan(w->h100e))
    s->h100e += w->h100e;
}

int cg_workload_sum_estimate(const cg_workload_sum *s, double mfu,
                             const cg_workloads *wl, cg_workload_est *out,
                             cg_error *err)
{
  int rc;

  est_init(out);
  if(!(mfu > 0))
    mfu = CG_MFU_DEFAULT;
  out->mfu = mfu;
  out->quantity = s->quantity;
  if(s->orders > s->unknown) {
    out->basis = s->fallback ? CG_PEAK_TPP16 : CG_PEAK_16BIT;
    out->cluster_peak = s->cluster_peak;
    out->h100e = s->h100e;
  }
  rc = derive(out, wl);
  if(rc == CG_OK)
    rc = common_assumptions(out);
  if(rc == CG_OK)
    rc = assume(out,
                "Total of %zu order(s): cluster rates summed as if "
                "operated as one cluster.",
                s->orders);
  if(rc == CG_OK && s->fallback)
    rc = assume(out,
                "%zu order(s) use TPP / 16 as a 16-bit-equivalent rate "
                "(no 16-bit rate known).",
                s->fallback);
  if(rc == CG_OK && s->unknown)
    rc = assume(out, "%zu order(s) left out: no 16-bit rate and no TPP known.",
                s->unknown);
  if(rc != CG_OK) {
    cg_workload_est_clear(out);
    return cg_error_set(err, CG_ENOMEM, "workload: out of memory");
  }
  return CG_OK;
}
