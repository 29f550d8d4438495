/* doc_order.c -- the per-order sections of the Markdown and HTML reports:
 * facts, the rules that fired with their traces, screening hits, the
 * licence used and the workload estimate, read from a cg_decision. */
#include "report/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A trace value as text: numbers %.6g, booleans yes/no, dates ISO,
 * countries by code, and "unknown" for what the bytes write as null. */
static void value_text(const cg_value *v, cg_rp_buf *b)
{
  char t[32];

  switch(v->kind) {
  case CG_V_NUM:
    cg_rp_buf_add(b, isfinite(v->u.num)
                         ? cg_rp_num_text(t, sizeof(t), v->u.num)
                         : "unknown");
    break;
  case CG_V_STR:
    cg_rp_buf_add(b, v->u.str ? v->u.str : "unknown");
    break;
  case CG_V_BOOL:
    cg_rp_buf_add(b, v->u.b ? "yes" : "no");
    break;
  case CG_V_DATE:
    cg_date_format(v->u.date, t);
    cg_rp_buf_add(b, t);
    break;
  case CG_V_COUNTRY:
    cg_rp_buf_add(b, v->u.country.code);
    break;
  default:
    cg_rp_buf_add(b, "unknown");
    break;
  }
}

/* "fact = value; ..." in fact-name order, a later item for the same fact
 * replacing an earlier one: the order and content of the trace object in
 * the bytes. */
static void trace_text(const cg_decision_rule *ru, cg_rp_buf *b)
{
  size_t small[64], *ix = small, n = 0, i, j;

  if(ru->ntrace > 64 && !(ix = malloc(ru->ntrace * sizeof(*ix)))) {
    b->oom = 1;
    return;
  }
  for(i = 0; i < ru->ntrace; i++) {
    const char *name = cg_fact_name(ru->trace[i].fact);
    if(!name)
      continue;
    for(j = 0; j < n && ru->trace[ix[j]].fact != ru->trace[i].fact; j++)
      ;
    if(j < n) {
      ix[j] = i; /* the same fact again: the later value wins */
      continue;
    }
    for(j = n;
        j > 0 && strcmp(cg_fact_name(ru->trace[ix[j - 1]].fact), name) > 0;
        j--)
      ix[j] = ix[j - 1];
    ix[j] = i;
    n++;
  }
  for(i = 0; i < n; i++) {
    if(b->n)
      cg_rp_buf_add(b, "; ");
    cg_rp_buf_add(b, cg_fact_name(ru->trace[ix[i]].fact));
    cg_rp_buf_add(b, " = ");
    value_text(&ru->trace[ix[i]].value, b);
  }
  if(ix != small)
    free(ix);
}

static void order_facts(const cg_rp_out *o, const cg_decision *d)
{
  static const char *const heads[] = { "field", "value" };
  const cg_decision_customer *cu = &d->customer;
  cg_rp_buf b = { 0 };
  char t[64];

  cg_rp_tbl_begin(o, "facts", 2, heads);
  cg_rp_buf_add(&b, cu->name);
  if(cu->country)
    cg_rp_buf_addf(&b, " (%s", cu->country);
  if(cu->hq_country)
    cg_rp_buf_addf(&b, "%sHQ %s", cu->country ? ", " : " (", cu->hq_country);
  if(cu->country || cu->hq_country)
    cg_rp_buf_add(&b, ")");
  cg_rp_kv(o, "Customer", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  if(cu->parent) {
    cg_rp_buf_add(&b, cu->parent);
    if(cu->parent_hq_country)
      cg_rp_buf_addf(&b, " (HQ %s)", cu->parent_hq_country);
    cg_rp_kv(o, "Parent", cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
  }
  cg_rp_kv(o, "Destination", d->destination);
  if(d->order.end_use && d->order.end_use[0])
    cg_rp_kv(o, "End use", d->order.end_use);
  if(d->order.end_use_country)
    cg_rp_kv(o, "End-use country", d->order.end_use_country);
  if(d->order.end_user_hq)
    cg_rp_kv(o, "End user's HQ", d->order.end_user_hq);
  cg_rp_buf_add(&b, d->chip.name);
  if(d->chip.vendor) {
    cg_rp_buf_add(&b, " (");
    cg_rp_buf_add(&b, d->chip.vendor);
    if(d->chip.node) {
      cg_rp_buf_add(&b, ", ");
      cg_rp_buf_add(&b, d->chip.node);
    }
    cg_rp_buf_add(&b, ")");
  }
  cg_rp_kv(o, "Chip", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  cg_rp_kv(o, "ECCN", d->chip.eccn);
  cg_rp_kv(o, "TPP", cg_rp_num_text(t, sizeof(t), d->chip.tpp));
  cg_rp_kv(o, "Performance density", cg_rp_num_text(t, sizeof(t), d->chip.pd));
  cg_rp_kv(o, "Quantity", cg_rp_num_text(t, sizeof(t), (double)d->quantity));
  cg_rp_kv(o, "Rules as of", d->as_of);
  cg_rp_kv(o, "Decided at", d->decided_at);
  cg_rp_kv(o, "Rule set", d->ruleset);
  cg_rp_kv(o, "Lists", d->lists);
  cg_rp_tbl_end(o);
}

static void order_rules(const cg_rp_out *o, const cg_decision *d)
{
  static const char *const heads[] = { "rule", "outcome", "reason", "citation",
                                       "trace" };
  cg_rp_buf b = { 0 };
  size_t i;

  cg_rp_heading(o, 4, "Why", NULL);
  if(!d->nrules)
    cg_rp_para(o, "note", "No rule fired.");
  else
    cg_rp_tbl_begin(o, "why", 5, heads);
  for(i = 0; i < d->nrules; i++) {
    const cg_decision_rule *ru = &d->rules[i];
    cg_rp_tr(o);
    cg_rp_buf_add(&b, ru->id);
    if(ru->title) {
      cg_rp_buf_add(&b, ": ");
      cg_rp_buf_add(&b, ru->title);
    }
    if(ru->relieved)
      cg_rp_buf_add(&b, " (relieved by a licence)");
    cg_rp_td(o, cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
    cg_rp_td(o, ru->outcome ? ru->outcome : "");
    cg_rp_td(o, ru->reason ? ru->reason : "");
    cg_rp_td(o, ru->cite ? ru->cite : "");
    trace_text(ru, &b);
    cg_rp_td(o, cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
    cg_rp_tr_end(o);
  }
  if(d->nrules)
    cg_rp_tbl_end(o);
  if(d->missing) {
    cg_rp_buf_add(&b, "Missing facts (the reason for a hold): ");
    cg_rp_missing_text(&b, d->missing, ", ");
    cg_rp_para(o, "missing", cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
  }
  for(i = 0; i < d->nalts; i++) {
    /* what the order would get were an unknown fact otherwise */
    cg_rp_buf_addf(&b, "Otherwise %s if %s.",
                   d->alts[i].outcome ? d->alts[i].outcome : "",
                   d->alts[i].when ? d->alts[i].when : "");
    cg_rp_para(o, "otherwise", cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
  }
}

static void order_screening(const cg_rp_out *o, const cg_decision *d)
{
  static const char *const heads[] = { "list",         "entry",
                                       "matched name", "#score",
                                       "FR notice",    "licence policy",
                                       "explanation" };
  char t[64];
  size_t i;

  cg_rp_heading(o, 4, "Screening hits", NULL);
  if(!d->nhits) {
    cg_rp_para(o, "note", "None.");
    return;
  }
  cg_rp_tbl_begin(o, "screening", 7, heads);
  for(i = 0; i < d->nhits; i++) {
    const cg_decision_hit *h = &d->hits[i];
    cg_rp_tr(o);
    cg_rp_td(o, h->list ? h->list : "");
    cg_rp_td(o, h->name ? h->name : "");
    cg_rp_td(o, h->matched_name ? h->matched_name : "");
    cg_rp_td_num(o, cg_rp_num_text(t, sizeof(t), h->score));
    cg_rp_td(o, h->federal_register_notice ? h->federal_register_notice : "");
    cg_rp_td(o, h->license_policy ? h->license_policy : "");
    cg_rp_td(o, h->explain ? h->explain : "");
    cg_rp_tr_end(o);
  }
  cg_rp_tbl_end(o);
}

/* Each licence on file for the customer and why it did or did not cover
 * the order. */
static void order_license_checks(const cg_rp_out *o, const cg_decision *d)
{
  static const char *const heads[] = { "licence", "kind", "covers",
                                       "why not" };
  cg_rp_buf b = { 0 };
  size_t i, k;

  if(!d->nlicense_checks)
    return;
  cg_rp_tbl_begin(o, "licenses-considered", 4, heads);
  for(i = 0; i < d->nlicense_checks; i++) {
    const cg_decision_license_check *c = &d->license_checks[i];
    cg_rp_tr(o);
    cg_rp_td(o, c->number ? c->number : "");
    cg_rp_td(o, c->kind ? c->kind : "");
    cg_rp_td(o, c->covers ? (c->used ? "yes (used)" : "yes") : "no");
    for(k = 0; k < c->nreasons; k++) {
      if(k)
        cg_rp_buf_add(&b, "; ");
      cg_rp_buf_add(&b, c->reasons[k].text ? c->reasons[k].text : "");
    }
    cg_rp_td(o, cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
    cg_rp_tr_end(o);
  }
  cg_rp_tbl_end(o);
}

static void order_license(const cg_rp_out *o, const cg_decision *d)
{
  const cg_decision_license *l = &d->license;
  cg_rp_buf b = { 0 };
  char t[64];

  cg_rp_heading(o, 4, "Licence", NULL);
  if(!l->present) {
    cg_rp_para(o, "note", "No licence used.");
    order_license_checks(o, d);
    return;
  }
  cg_rp_buf_add(&b, l->number);
  cg_rp_buf_addf(&b, " (%s)", l->kind ? l->kind : "");
  cg_rp_buf_addf(&b, ": %s used by this order",
                 cg_rp_num_text(t, sizeof(t), (double)l->quantity_used));
  cg_rp_buf_addf(&b, ", %s remaining.",
                 l->max_qty >= 0
                     ? cg_rp_num_text(t, sizeof(t), (double)l->remaining)
                     : "");
  cg_rp_para(o, "", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  order_license_checks(o, d);
}

static void wl_row(const cg_rp_out *o, const char *k, const char *v)
{
  cg_rp_tr(o);
  cg_rp_td(o, k);
  cg_rp_td_num(o, v);
  cg_rp_tr_end(o);
}

static void wl_num(const cg_rp_out *o, const char *k, double v)
{
  char b[64];
  wl_row(o, k, cg_rp_fmt(b, sizeof(b), cg_rp_known(v)));
}

/* The estimate's rates and the days per reference workload. */
static void workload_rows(const cg_rp_out *o, const cg_decision_workload *w)
{
  char b[64], f[64], k[300];
  size_t i;

  wl_row(o, "Rate basis", w->basis ? w->basis : "unknown");
  wl_num(o, "Peak 16-bit FLOP/s per chip", w->peak16_flops_per_chip);
  wl_num(o, "Peak FP8 FLOP/s per chip", w->fp8_flops_per_chip);
  wl_num(o, "H100-equivalents per chip", w->h100e_per_chip);
  wl_num(o, "H100-equivalents (order)", w->h100e);
  wl_num(o, "Cluster peak FLOP/s", w->cluster_peak_flops);
  snprintf(k, sizeof(k), "Cluster effective FLOP/s (MFU %s)",
           cg_rp_num_text(b, sizeof(b), w->mfu));
  wl_num(o, k, w->cluster_effective_flops);
  wl_num(o, "FLOP in 30 days", w->flop_30d);
  wl_num(o, "FLOP in 90 days", w->flop_90d);
  wl_num(o, "FLOP in 365 days", w->flop_365d);
  wl_num(o, "Largest compute-optimal model in 90 days (parameters)",
         w->optimal_params_90d);
  wl_num(o, "... trained on (tokens)", w->optimal_tokens_90d);
  for(i = 0; i < w->nworkloads; i++) {
    const cg_decision_wl_ref *ref = &w->workloads[i];
    snprintf(k, sizeof(k), "Days to train %s (%s FLOP; %s)",
             ref->name ? ref->name : "?",
             cg_rp_num_text(f, sizeof(f), ref->flop),
             ref->source ? ref->source : "no source");
    wl_row(o, k, cg_rp_fmt_days(b, sizeof(b), cg_rp_known(ref->days)));
  }
}

static void order_workload(const cg_rp_out *o, const cg_decision *d)
{
  static const char *const heads[] = { "measure", "#value" };
  const cg_decision_workload *w = &d->workload;
  int flag = w->reaches_1e26_365d;
  size_t i;

  cg_rp_heading(o, 4, "Workload estimate", NULL);
  /* Every decision carries an estimate with its MFU; a document without
   * one (hand-made, or from an old tool) has none. */
  if(isnan(w->mfu)) {
    cg_rp_para(o, "note", "No estimate recorded.");
    return;
  }
  if(!w->known)
    cg_rp_para(o, "note", "Unknown: the chip has no 16-bit rate and no TPP.");
  cg_rp_tbl_begin(o, "workload", 2, heads);
  workload_rows(o, w);
  cg_rp_tr(o);
  cg_rp_td(o, "Reaches 1e26 FLOP within 365 days (order alone)");
  if(o->html && flag > 0)
    fputs("<td class=\"num flag\">YES</td>", o->f);
  else
    cg_rp_td_num(o, flag > 0 ? "YES" : flag == 0 ? "no" : "unknown");
  cg_rp_tr_end(o);
  cg_rp_tbl_end(o);
  if(w->nassumptions) {
    if(!o->html)
      fputs("Assumptions:\n\n", o->f);
    cg_rp_ul_begin(o, "assumptions");
    for(i = 0; i < w->nassumptions; i++)
      cg_rp_li(o, w->assumptions[i]);
    cg_rp_ul_end(o);
  }
}

void cg_rp_doc_order(const cg_rp_out *o, const cg_decision *d, size_t idx)
{
  int dx = cg_rp_decision_index(d->decision);

  if(o->html) {
    fprintf(o->f, "<article class=\"order o-%s\" id=\"order-%zu\">\n",
            cg_rp_decision_name(dx), idx + 1);
    fputs("<h3>Order ", o->f);
    cg_rp_html(o->f, d->order_id);
    fputs(" &mdash; ", o->f);
  }
  else {
    fputs("### Order ", o->f);
    cg_rp_md(o->f, d->order_id);
    fputs(" - ", o->f);
  }
  cg_rp_badge(o, dx);
  fputs(o->html ? "</h3>\n" : "\n\n", o->f);
  order_facts(o, d);
  order_rules(o, d);
  order_screening(o, d);
  order_license(o, d);
  order_workload(o, d);
  if(o->html)
    fputs("</article>\n", o->f);
}

/* ===== the index of an outcome's orders ===================================
 */

void cg_rp_doc_index_begin(const cg_rp_out *o)
{
  static const char *const heads[] = { "order", "customer",  "destination",
                                       "chip",  "#quantity", "why" };

  cg_rp_tbl_begin(o, "orders-index", 6, heads);
}

void cg_rp_doc_index_row(const cg_rp_out *o, const cg_decision *d, size_t idx,
                         int linked)
{
  cg_rp_buf b = { 0 };
  char t[32];
  size_t i;

  cg_rp_tr(o);
  if(o->html && linked) {
    fprintf(o->f, "<td><a href=\"#order-%zu\">", idx + 1);
    cg_rp_html(o->f, d->order_id);
    fputs("</a></td>", o->f);
  }
  else
    cg_rp_td(o, d->order_id ? d->order_id : "");
  cg_rp_td(o, d->customer.name ? d->customer.name : "");
  cg_rp_td(o, d->destination ? d->destination : "");
  cg_rp_td(o, d->chip.name ? d->chip.name : "");
  cg_rp_td_num(o, cg_rp_num_text(t, sizeof(t), (double)d->quantity));
  /* The fired rules and, for a hold, the facts it waits for: what the
   * reader acts on; the section or the CSV row has the rest. */
  for(i = 0; i < d->nrules; i++) {
    if(i)
      cg_rp_buf_add(&b, "; ");
    cg_rp_buf_add(&b, d->rules[i].id ? d->rules[i].id : "(no id)");
  }
  if(d->missing) {
    cg_rp_buf_add(&b, b.n ? "; missing: " : "missing: ");
    cg_rp_missing_text(&b, d->missing, ", ");
  }
  if(d->nhits)
    cg_rp_buf_addf(&b, "%s%zu screening hit(s)", b.n ? "; " : "", d->nhits);
  cg_rp_td(o, cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  cg_rp_tr_end(o);
}
