/* doc_order.c -- the per-order sections of the Markdown and HTML reports:
 * facts, the rules that fired with their traces, screening hits, the
 * licence used and the workload estimate. */
#include "report/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ===== per-order sections =================================================
 */

static void trace_text(const cg_json *trace, cg_rp_buf *b)
{
  char v[256];
  void *it;

  if(!trace || cg_json_type(trace) != CG_JSON_OBJECT)
    return;
  for(it = cg_json_iter(trace, NULL); it; it = cg_json_iter(trace, it)) {
    if(b->n)
      cg_rp_buf_add(b, "; ");
    cg_rp_buf_add(b, cg_json_iter_key(it));
    cg_rp_buf_add(b, " = ");
    cg_rp_buf_add(b, cg_rp_text(cg_json_iter_value(it), NULL, v, sizeof(v)));
    if(cg_json_type(cg_json_iter_value(it)) == CG_JSON_NULL)
      cg_rp_buf_add(b, "unknown");
  }
}

static void order_facts(const cg_rp_out *o, const cg_json *doc)
{
  static const char *const heads[] = { "field", "value" };
  cg_rp_buf b = { 0 };
  char t[512];
  const char *s;

  cg_rp_tbl_begin(o, "facts", 2, heads);
  cg_rp_buf_add(&b, cg_rp_str(doc, "customer.name"));
  s = cg_rp_str(doc, "customer.country");
  if(s)
    cg_rp_buf_addf(&b, " (%s", s);
  s = cg_rp_str(doc, "customer.hq_country");
  if(s)
    cg_rp_buf_addf(&b, "%sHQ %s",
                   cg_rp_str(doc, "customer.country") ? ", " : " (", s);
  if(cg_rp_str(doc, "customer.country") || s)
    cg_rp_buf_add(&b, ")");
  cg_rp_kv(o, "Customer", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  if(cg_rp_str(doc, "customer.parent")) {
    cg_rp_buf_add(&b, cg_rp_str(doc, "customer.parent"));
    s = cg_rp_str(doc, "customer.parent_hq_country");
    if(s)
      cg_rp_buf_addf(&b, " (HQ %s)", s);
    cg_rp_kv(o, "Parent", cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
  }
  cg_rp_kv(o, "Destination", cg_rp_str(doc, "destination"));
  cg_rp_buf_add(&b, cg_rp_str(doc, "chip.name"));
  if(cg_rp_str(doc, "chip.vendor")) {
    cg_rp_buf_add(&b, " (");
    cg_rp_buf_add(&b, cg_rp_str(doc, "chip.vendor"));
    if(cg_rp_str(doc, "chip.node")) {
      cg_rp_buf_add(&b, ", ");
      cg_rp_buf_add(&b, cg_rp_str(doc, "chip.node"));
    }
    cg_rp_buf_add(&b, ")");
  }
  cg_rp_kv(o, "Chip", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  cg_rp_kv(o, "ECCN", cg_rp_str(doc, "chip.eccn"));
  cg_rp_kv(o, "TPP", cg_rp_text(doc, "chip.tpp", t, sizeof(t)));
  cg_rp_kv(o, "Performance density", cg_rp_text(doc, "chip.pd", t, sizeof(t)));
  cg_rp_kv(o, "Quantity", cg_rp_text(doc, "quantity", t, sizeof(t)));
  cg_rp_kv(o, "Rules as of", cg_rp_str(doc, "as_of"));
  cg_rp_kv(o, "Decided at", cg_rp_str(doc, "decided_at"));
  cg_rp_kv(o, "Rule set", cg_rp_str(doc, "ruleset"));
  cg_rp_kv(o, "Lists", cg_rp_str(doc, "lists"));
  cg_rp_tbl_end(o);
}

static void order_rules(const cg_rp_out *o, const cg_json *doc)
{
  static const char *const heads[] = { "rule", "outcome", "reason", "citation",
                                       "trace" };
  const cg_json *arr = cg_rp_get(doc, "rules"), *it;
  cg_rp_buf b = { 0 };
  char t[1024];
  size_t i, n = arr ? cg_json_size(arr) : 0;

  cg_rp_heading(o, 4, "Why", NULL);
  if(!n)
    cg_rp_para(o, "note", "No rule fired.");
  else
    cg_rp_tbl_begin(o, "why", 5, heads);
  for(i = 0; i < n; i++) {
    it = cg_json_at(arr, i);
    cg_rp_tr(o);
    cg_rp_buf_add(&b, cg_rp_str(it, "id"));
    if(cg_rp_str(it, "title")) {
      cg_rp_buf_add(&b, ": ");
      cg_rp_buf_add(&b, cg_rp_str(it, "title"));
    }
    if(cg_json_is_true(cg_rp_get(it, "relieved")))
      cg_rp_buf_add(&b, " (relieved by a licence)");
    cg_rp_td(o, cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
    cg_rp_td(o, cg_rp_text(it, "outcome", t, sizeof(t)));
    cg_rp_td(o, cg_rp_text(it, "reason", t, sizeof(t)));
    cg_rp_td(o, cg_rp_text(it, "cite", t, sizeof(t)));
    trace_text(cg_rp_get(it, "trace"), &b);
    cg_rp_td(o, cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
    cg_rp_tr_end(o);
  }
  if(n)
    cg_rp_tbl_end(o);
  arr = cg_rp_get(doc, "missing");
  if(arr && cg_json_size(arr)) {
    cg_rp_buf_add(&b, "Missing facts (the reason for a hold): ");
    for(i = 0; i < cg_json_size(arr); i++) {
      if(i)
        cg_rp_buf_add(&b, ", ");
      cg_rp_buf_add(&b, cg_json_string_value(cg_json_at(arr, i)));
    }
    cg_rp_para(o, "missing", cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
  }
}

static void order_screening(const cg_rp_out *o, const cg_json *doc)
{
  static const char *const heads[] = { "list",         "entry",
                                       "matched name", "#score",
                                       "FR notice",    "licence policy",
                                       "explanation" };
  const cg_json *arr = cg_rp_get(doc, "screening"), *it;
  char t[1024];
  size_t i, n = arr ? cg_json_size(arr) : 0;

  cg_rp_heading(o, 4, "Screening hits", NULL);
  if(!n) {
    cg_rp_para(o, "note", "None.");
    return;
  }
  cg_rp_tbl_begin(o, "screening", 7, heads);
  for(i = 0; i < n; i++) {
    it = cg_json_at(arr, i);
    cg_rp_tr(o);
    cg_rp_td(o, cg_rp_text(it, "list", t, sizeof(t)));
    cg_rp_td(o, cg_rp_text(it, "name", t, sizeof(t)));
    cg_rp_td(o, cg_rp_text(it, "matched_name", t, sizeof(t)));
    cg_rp_td_num(o, cg_rp_text(it, "score", t, sizeof(t)));
    cg_rp_td(o, cg_rp_text(it, "federal_register_notice", t, sizeof(t)));
    cg_rp_td(o, cg_rp_text(it, "license_policy", t, sizeof(t)));
    cg_rp_td(o, cg_rp_text(it, "explain", t, sizeof(t)));
    cg_rp_tr_end(o);
  }
  cg_rp_tbl_end(o);
}

static void order_license(const cg_rp_out *o, const cg_json *doc)
{
  const cg_json *l = cg_rp_get(doc, "license");
  char t[256];
  cg_rp_buf b = { 0 };

  cg_rp_heading(o, 4, "Licence", NULL);
  if(!l || cg_json_type(l) != CG_JSON_OBJECT) {
    cg_rp_para(o, "note", "No licence used.");
    return;
  }
  cg_rp_buf_add(&b, cg_rp_text(l, "number", t, sizeof(t)));
  cg_rp_buf_addf(&b, " (%s)", cg_rp_text(l, "kind", t, sizeof(t)));
  cg_rp_buf_addf(&b, ": %s used by this order",
                 cg_rp_text(l, "quantity_used", t, sizeof(t)));
  cg_rp_buf_addf(&b, ", %s remaining.",
                 cg_rp_text(l, "remaining", t, sizeof(t)));
  cg_rp_para(o, "", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
}

static void wl_row(const cg_rp_out *o, const char *k, const char *v)
{
  cg_rp_tr(o);
  cg_rp_td(o, k);
  cg_rp_td_num(o, v);
  cg_rp_tr_end(o);
}

static void wl_num(const cg_rp_out *o, const char *k, const cg_json *w,
                   const char *key)
{
  char b[64];
  wl_row(o, k, cg_rp_fmt(b, sizeof(b), cg_rp_num(w, key)));
}

static void order_workload(const cg_rp_out *o, const cg_json *doc)
{
  static const char *const heads[] = { "measure", "#value" };
  const cg_json *w = cg_rp_get(doc, "workload"), *arr, *it;
  char b[256], k[300];
  size_t i;
  int flag;

  cg_rp_heading(o, 4, "Workload estimate", NULL);
  if(!w || cg_json_type(w) != CG_JSON_OBJECT) {
    cg_rp_para(o, "note", "No estimate recorded.");
    return;
  }
  if(!cg_json_is_true(cg_rp_get(w, "known")))
    cg_rp_para(o, "note", "Unknown: the chip has no 16-bit rate and no TPP.");
  cg_rp_tbl_begin(o, "workload", 2, heads);
  wl_row(o, "Rate basis",
         cg_rp_str(w, "basis") ? cg_rp_str(w, "basis") : "unknown");
  wl_num(o, "Peak 16-bit FLOP/s per chip", w, "peak16_flops_per_chip");
  wl_num(o, "Peak FP8 FLOP/s per chip", w, "fp8_flops_per_chip");
  wl_num(o, "H100-equivalents per chip", w, "h100e_per_chip");
  wl_num(o, "H100-equivalents (order)", w, "h100e");
  wl_num(o, "Cluster peak FLOP/s", w, "cluster_peak_flops");
  snprintf(k, sizeof(k), "Cluster effective FLOP/s (MFU %s)",
           cg_rp_text(w, "mfu", b, sizeof(b)));
  wl_num(o, k, w, "cluster_effective_flops");
  wl_num(o, "FLOP in 30 days", w, "flop_30d");
  wl_num(o, "FLOP in 90 days", w, "flop_90d");
  wl_num(o, "FLOP in 365 days", w, "flop_365d");
  wl_num(o, "Largest compute-optimal model in 90 days (parameters)", w,
         "optimal_params_90d");
  wl_num(o, "... trained on (tokens)", w, "optimal_tokens_90d");
  arr = cg_rp_get(w, "workloads");
  for(i = 0; arr && i < cg_json_size(arr); i++) {
    it = cg_json_at(arr, i);
    snprintf(k, sizeof(k), "Days to train %s (%s FLOP; %s)",
             cg_rp_str(it, "name") ? cg_rp_str(it, "name") : "?",
             cg_rp_text(it, "flop", b, sizeof(b)),
             cg_rp_str(it, "source") ? cg_rp_str(it, "source") : "no source");
    wl_row(o, k, cg_rp_fmt_days(b, sizeof(b), cg_rp_num(it, "days")));
  }
  flag = cg_json_type(cg_rp_get(w, "reaches_1e26_365d")) == CG_JSON_BOOL
             ? cg_json_is_true(cg_rp_get(w, "reaches_1e26_365d"))
             : -1;
  cg_rp_tr(o);
  cg_rp_td(o, "Reaches 1e26 FLOP within 365 days (order alone)");
  if(o->html && flag > 0)
    fputs("<td class=\"num flag\">YES</td>", o->f);
  else
    cg_rp_td_num(o, flag > 0 ? "YES" : flag == 0 ? "no" : "unknown");
  cg_rp_tr_end(o);
  cg_rp_tbl_end(o);
  arr = cg_rp_get(w, "assumptions");
  if(arr && cg_json_size(arr)) {
    if(!o->html)
      fputs("Assumptions:\n\n", o->f);
    cg_rp_ul_begin(o, "assumptions");
    for(i = 0; i < cg_json_size(arr); i++)
      cg_rp_li(o, cg_json_string_value(cg_json_at(arr, i)));
    cg_rp_ul_end(o);
  }
}

void cg_rp_doc_order(const cg_rp_out *o, const cg_json *doc, size_t idx)
{
  const char *id = cg_rp_str(doc, "order_id");
  const char *dec = cg_rp_str(doc, "decision");
  char t[64];

  if(o->html) {
    fprintf(o->f, "<article class=\"order o-%s\" id=\"order-%zu\">\n",
            cg_rp_decisions[cg_rp_decision_index(dec)], idx + 1);
    fputs("<h3>Order ", o->f);
    cg_rp_html(o->f, id ? id : cg_rp_text(doc, "order_id", t, sizeof(t)));
    fputs(" &mdash; ", o->f);
  }
  else {
    fputs("### Order ", o->f);
    cg_rp_md(o->f, id ? id : cg_rp_text(doc, "order_id", t, sizeof(t)));
    fputs(" - ", o->f);
  }
  cg_rp_badge(o, dec);
  fputs(o->html ? "</h3>\n" : "\n\n", o->f);
  order_facts(o, doc);
  order_rules(o, doc);
  order_screening(o, doc);
  order_license(o, doc);
  order_workload(o, doc);
  if(o->html)
    fputs("</article>\n", o->f);
}
