/* summary.c -- what the summary knows: the tallies every order updates
 * (destinations, rules, hits, chips, customers) and the batch metadata and
 * summary as JSON, shared by the JSON writer and the documents. */
#include "report/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int oom(cg_error *err)
{
  return cg_error_set(err, CG_ENOMEM, "report: out of memory");
}

/* Counts one order in entry e. */
static void count(cg_rp_entry *e, int dx)
{
  e->count++;
  e->dec[dx]++;
}

static int tally_rules(cg_report *r, const cg_decision *d, int dx,
                       cg_error *err)
{
  cg_rp_entry *e;
  size_t i;

  for(i = 0; i < d->nrules; i++) {
    const cg_decision_rule *ru = &d->rules[i];
    e = cg_rp_tally_get(&r->rules, ru->id ? ru->id : "(no id)");
    if(!e)
      return oom(err);
    count(e, dx);
    if(!e->note && cg_rp_note_add(&e->note, ru->title, "", 400))
      return oom(err);
    if(!e->note2 && cg_rp_note_add(&e->note2, ru->cite, "", 400))
      return oom(err);
  }
  return CG_OK;
}

static int tally_hits(cg_report *r, const cg_decision *d, const char *cust,
                      int dx, cg_error *err)
{
  cg_rp_entry *e;
  size_t i;

  if(!d->nhits)
    return CG_OK;
  r->with_hits++;
  e = cg_rp_tally_get(&r->hits, cust);
  if(!e)
    return oom(err);
  count(e, dx);
  for(i = 0; i < d->nhits; i++) {
    const cg_decision_hit *h = &d->hits[i];
    if(cg_rp_note_add(&e->note, h->list, "; ", 600) ||
       cg_rp_note_add(&e->note2, h->name ? h->name : h->matched_name, "; ",
                      600))
      return oom(err);
  }
  return CG_OK;
}

int cg_rp_tally_add(cg_report *r, const cg_decision *d, int dx, cg_error *err)
{
  const char *cust = d->customer.name ? d->customer.name : "(unknown)";
  double q = (double)d->quantity;
  cg_rp_entry *e;
  int rc;

  e = cg_rp_tally_get(&r->dest, d->destination ? d->destination : "(unknown)");
  if(!e)
    return oom(err);
  count(e, dx);
  rc = tally_rules(r, d, dx, err);
  if(rc == CG_OK)
    rc = tally_hits(r, d, cust, dx, err);
  if(rc != CG_OK)
    return rc;

  e = cg_rp_tally_get(&r->chips,
                      d->chip.name ? d->chip.name : "(unknown chip)");
  if(!e)
    return oom(err);
  if(e->count == 0) {
    e->x = cg_rp_known(d->chip.tpp);
    e->y = cg_rp_known(d->chip.pd);
    if(cg_rp_note_add(&e->note, d->chip.eccn, "", 64))
      return oom(err);
  }
  count(e, dx);
  e->qty += q;

  e = cg_rp_tally_get(&r->customers, cust);
  if(!e)
    return oom(err);
  count(e, dx);
  e->qty += q;
  cg_workload_sum_add_decision(&e->sum, &d->workload);
  if(d->workload.reaches_1e26_365d > 0)
    r->needs_1e26++;
  return CG_OK;
}

/* ===== summary ============================================================
 */

int cg_rp_customer_est(const cg_report *r, const cg_rp_entry *e,
                       cg_workload_est *out, cg_error *err)
{
  return cg_workload_sum_estimate(&e->sum, r->batch.mfu, r->opts.workloads,
                                  out, err);
}

cg_json *cg_rp_batch_json(const cg_report *r)
{
  cg_json *o = cg_json_object();
  const cg_report_batch *b = &r->batch;
  int rc = o ? CG_OK : CG_ENOMEM;

  if(rc == CG_OK)
    rc = cg_json_set_str(o, "batch_id", b->batch_id);
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "as_of", b->as_of);
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "created_at", b->created_at);
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "ruleset", b->ruleset);
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "lists", b->lists);
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "tool_version", b->tool_version);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "mfu", b->mfu);
  if(rc == CG_OK)
    rc = cg_json_set(o, "licenses",
                     b->licenses ? cg_json_ref((cg_json *)b->licenses)
                                 : cg_json_array());
  if(rc != CG_OK) {
    cg_json_free(o);
    return NULL;
  }
  return o;
}

static cg_json *entry_decisions(const cg_rp_entry *e)
{
  cg_json *o = cg_json_object();
  int i, rc = o ? CG_OK : CG_ENOMEM;

  for(i = 0; rc == CG_OK && i < CG_RP_NDEC; i++)
    if(e->dec[i])
      rc = cg_json_set_int(o, cg_rp_decision_name(i), (int64_t)e->dec[i]);
  if(rc != CG_OK) {
    cg_json_free(o);
    return NULL;
  }
  return o;
}

/* One customer's compute total, compact (assumptions are given once). */
cg_json *cg_rp_customer_json(const cg_report *r, const cg_rp_entry *e)
{
  cg_workload_est est;
  cg_json *o = NULL, *days;
  size_t i;
  int rc;

  if(cg_rp_customer_est(r, e, &est, NULL) != CG_OK)
    return NULL;
  o = cg_json_object();
  rc = o ? CG_OK : CG_ENOMEM;
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "customer", e->key);
  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders", (int64_t)e->count);
  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders_unknown", (int64_t)e->sum.unknown);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "quantity", e->qty);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "h100e", est.h100e);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "cluster_peak_flops", est.cluster_peak);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "cluster_effective_flops", est.cluster_eff);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "flop_365d", est.flop_365d);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "optimal_params_90d", est.opt_params_90d);
  if(rc == CG_OK)
    rc = cg_json_set(o, "reaches_1e26_365d",
                     cg_json_tristate(est.reaches_1e26));
  if(rc == CG_OK)
    rc = cg_json_set(o, "decisions", entry_decisions(e));
  if(rc == CG_OK) {
    days = cg_json_object();
    rc = cg_json_set(o, "days", days);
    for(i = 0; rc == CG_OK && i < est.n_days; i++)
      rc = cg_json_set_num(days, r->opts.workloads->items[i].name,
                           isinf(est.days[i]) ? NAN : est.days[i]);
  }
  cg_workload_est_clear(&est);
  if(rc != CG_OK) {
    cg_json_free(o);
    return NULL;
  }
  return o;
}

/* "by_rule": one entry per fired rule, most orders first. */
static int rules_json(cg_json *o, const cg_report *r)
{
  cg_json *x = cg_json_array(), *it;
  cg_rp_entry **v = NULL;
  size_t n = 0, i;
  int rc = cg_json_set(o, "by_rule", x);

  v = cg_rp_tally_sorted(&r->rules, &n);
  rc = rc == CG_OK && !v ? CG_ENOMEM : rc;
  for(i = 0; rc == CG_OK && i < n; i++) {
    it = cg_json_object();
    rc = cg_json_append(x, it);
    if(rc == CG_OK)
      rc = cg_json_set_str(it, "id", v[i]->key);
    if(rc == CG_OK)
      rc = cg_json_set_str(it, "title", v[i]->note);
    if(rc == CG_OK)
      rc = cg_json_set_str(it, "cite", v[i]->note2);
    if(rc == CG_OK)
      rc = cg_json_set_int(it, "orders", (int64_t)v[i]->count);
    if(rc == CG_OK)
      rc = cg_json_set(it, "decisions", entry_decisions(v[i]));
  }
  free(v);
  return rc;
}

/* "customers_with_hits": customers with screening hits, most orders
 * first. */
static int hits_json(cg_json *o, const cg_report *r)
{
  cg_json *x = cg_json_array(), *it;
  cg_rp_entry **v = NULL;
  size_t n = 0, i;
  int rc = cg_json_set(o, "customers_with_hits", x);

  v = cg_rp_tally_sorted(&r->hits, &n);
  rc = rc == CG_OK && !v ? CG_ENOMEM : rc;
  for(i = 0; rc == CG_OK && i < n; i++) {
    it = cg_json_object();
    rc = cg_json_append(x, it);
    if(rc == CG_OK)
      rc = cg_json_set_str(it, "customer", v[i]->key);
    if(rc == CG_OK)
      rc = cg_json_set_int(it, "orders", (int64_t)v[i]->count);
    if(rc == CG_OK)
      rc = cg_json_set_str(it, "lists", v[i]->note);
    if(rc == CG_OK)
      rc = cg_json_set_str(it, "entries", v[i]->note2);
    if(rc == CG_OK)
      rc = cg_json_set(it, "decisions", entry_decisions(v[i]));
  }
  free(v);
  return rc;
}

/* "by_decision" and "by_destination": order counts. */
static int counts_json(cg_json *o, const cg_report *r)
{
  cg_json *x = cg_json_object();
  cg_rp_entry **v = NULL;
  size_t n = 0, i;
  int rc = cg_json_set(o, "by_decision", x);

  for(i = 0; rc == CG_OK && i < CG_RP_NDEC; i++)
    if(i < CG_RP_NDEC - 1 || r->dec[i])
      rc = cg_json_set_int(x, cg_rp_decision_name(i), (int64_t)r->dec[i]);
  if(rc != CG_OK)
    return rc;
  x = cg_json_object();
  rc = cg_json_set(o, "by_destination", x);
  v = cg_rp_tally_sorted(&r->dest, &n);
  rc = rc == CG_OK && !v ? CG_ENOMEM : rc;
  for(i = 0; rc == CG_OK && i < n; i++)
    rc = cg_json_set_int(x, v[i]->key, (int64_t)v[i]->count);
  free(v);
  return rc;
}

/* "customer_compute_assumptions" (shared by every customer total) and,
 * with_customers, "customer_compute". */
static int compute_json(cg_json *o, const cg_report *r, int with_customers)
{
  cg_json *x;
  cg_rp_entry **v = NULL;
  cg_workload_est est;
  cg_workload_sum none = CG_WORKLOAD_SUM_INIT;
  size_t n = 0, i;
  int rc = cg_workload_sum_estimate(&none, r->batch.mfu, NULL, &est, NULL);

  if(rc == CG_OK) {
    x = cg_json_array();
    rc = cg_json_set(o, "customer_compute_assumptions", x);
    for(i = 0; rc == CG_OK && i + 1 < est.n_assume; i++)
      rc = cg_json_append(x, cg_json_str(est.assume[i]));
    cg_workload_est_clear(&est);
  }
  if(rc != CG_OK || !with_customers)
    return rc;
  x = cg_json_array();
  rc = cg_json_set(o, "customer_compute", x);
  v = cg_rp_tally_by_peak(&r->customers, &n);
  rc = rc == CG_OK && !v ? CG_ENOMEM : rc;
  for(i = 0; rc == CG_OK && i < n; i++)
    rc = cg_json_append(x, cg_rp_customer_json(r, v[i]));
  free(v);
  return rc;
}

cg_json *cg_rp_summary_json(const cg_report *r, int with_customers)
{
  cg_json *o = cg_json_object();
  int rc = o ? CG_OK : CG_ENOMEM;

  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders", (int64_t)r->n);
  /* Known only once every decision is recorded: in the summary, which
   * is written last. */
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "audit_head", r->batch.audit_head);
  if(rc == CG_OK)
    rc = counts_json(o, r);
  if(rc == CG_OK)
    rc = rules_json(o, r);
  if(rc == CG_OK)
    rc = cg_json_set(o, "licenses",
                     r->batch.licenses
                         ? cg_json_ref((cg_json *)r->batch.licenses)
                         : cg_json_array());
  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders_with_hits", (int64_t)r->with_hits);
  if(rc == CG_OK)
    rc = hits_json(o, r);
  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders_reaching_1e26_365d",
                         (int64_t)r->needs_1e26);
  if(rc == CG_OK)
    rc = compute_json(o, r, with_customers);
  if(rc != CG_OK) {
    cg_json_free(o);
    return NULL;
  }
  return o;
}
