/* doc.c -- the Markdown and HTML reports. Both are written by the same
 * section code through a tiny emitter (headings, tables, lists) that
 * escapes every data string for the target format; HTML adds the
 * template header/footer, inline CSS and the SVG charts. */
#include "report/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOP_ROWS 100 /* rows per summary table in md/html */

/* ===== emitter ============================================================
 */

typedef struct out {
  FILE *f;  /* destination */
  int html; /* 1 HTML, 0 Markdown */
} out;

static void esc(const out *o, const char *s)
{
  if(o->html)
    cg_rp_html(o->f, s);
  else
    cg_rp_md(o->f, s);
}

static void heading(const out *o, int level, const char *text, const char *id)
{
  if(o->html) {
    fprintf(o->f, "<h%d", level);
    if(id) {
      fputs(" id=\"", o->f);
      cg_rp_html(o->f, id);
      fputc('"', o->f);
    }
    fputc('>', o->f);
    cg_rp_html(o->f, text);
    fprintf(o->f, "</h%d>\n", level);
    return;
  }
  fprintf(o->f, "%.*s ", level, "######");
  cg_rp_md(o->f, text);
  fputs("\n\n", o->f);
}

static void para(const out *o, const char *cls, const char *text)
{
  if(o->html) {
    fprintf(o->f, "<p class=\"%s\">", cls ? cls : "");
    cg_rp_html(o->f, text);
    fputs("</p>\n", o->f);
  }
  else {
    if(cls && strcmp(cls, "note") == 0)
      fputc('_', o->f);
    cg_rp_md(o->f, text);
    if(cls && strcmp(cls, "note") == 0)
      fputc('_', o->f);
    fputs("\n\n", o->f);
  }
}

/* heads: column titles; numeric columns start with '#'. */
static void tbl_begin(const out *o, const char *cls, int n,
                      const char *const *heads)
{
  int i;

  if(o->html) {
    fprintf(o->f, "<table class=\"%s\"><thead><tr>", cls ? cls : "");
    for(i = 0; i < n; i++) {
      fputs(heads[i][0] == '#' ? "<th class=\"num\">" : "<th>", o->f);
      cg_rp_html(o->f, heads[i][0] == '#' ? heads[i] + 1 : heads[i]);
      fputs("</th>", o->f);
    }
    fputs("</tr></thead>\n<tbody>\n", o->f);
    return;
  }
  for(i = 0; i < n; i++) {
    fputs("| ", o->f);
    cg_rp_md(o->f, heads[i][0] == '#' ? heads[i] + 1 : heads[i]);
    fputc(' ', o->f);
  }
  fputs("|\n", o->f);
  for(i = 0; i < n; i++)
    fputs(heads[i][0] == '#' ? "|---:" : "|---", o->f);
  fputs("|\n", o->f);
}

static void tr(const out *o)
{
  if(o->html)
    fputs("<tr>", o->f);
}

static void tr_end(const out *o)
{
  fputs(o->html ? "</tr>\n" : "|\n", o->f);
}

static void td(const out *o, const char *s)
{
  fputs(o->html ? "<td>" : "| ", o->f);
  esc(o, s);
  fputs(o->html ? "</td>" : " ", o->f);
}

static void td_num(const out *o, const char *s)
{
  fputs(o->html ? "<td class=\"num\">" : "| ", o->f);
  esc(o, s);
  fputs(o->html ? "</td>" : " ", o->f);
}

static void td_th(const out *o, const char *s)
{
  fputs(o->html ? "<th>" : "| ", o->f);
  esc(o, s);
  fputs(o->html ? "</th>" : " ", o->f);
}

static void td_count(const out *o, size_t v)
{
  char b[32];
  snprintf(b, sizeof(b), "%zu", v);
  td_num(o, b);
}

static void td_fmt(const out *o, double v)
{
  char b[64];
  td_num(o, cg_rp_fmt(b, sizeof(b), v));
}

static void tbl_end(const out *o)
{
  fputs(o->html ? "</tbody></table>\n" : "\n", o->f);
}

/* A two-column field/value row. */
static void kv(const out *o, const char *k, const char *v)
{
  tr(o);
  td_th(o, k);
  td(o, v && *v ? v : "unknown");
  tr_end(o);
}

static void ul_begin(const out *o, const char *cls)
{
  if(o->html)
    fprintf(o->f, "<ul class=\"%s\">\n", cls ? cls : "");
}

static void li(const out *o, const char *s)
{
  fputs(o->html ? "<li>" : "- ", o->f);
  esc(o, s);
  fputs(o->html ? "</li>\n" : "\n", o->f);
}

static void ul_end(const out *o)
{
  fputs(o->html ? "</ul>\n" : "\n", o->f);
}

static void badge(const out *o, const char *decision)
{
  int d = cg_rp_decision_index(decision);

  if(o->html) {
    fprintf(o->f, "<span class=\"badge d-%s\">", cg_rp_decisions[d]);
    cg_rp_html(o->f, decision ? decision : "unknown");
    fputs("</span>", o->f);
  }
  else {
    fputs("**", o->f);
    cg_rp_md(o->f, decision ? decision : "unknown");
    fputs("**", o->f);
  }
}

/* ===== summary sections ===================================================
 */

static void meta(const out *o, const cg_report *r)
{
  static const char *const heads[] = { "field", "value" };
  const cg_report_batch *b = &r->batch;
  char buf[64];

  tbl_begin(o, "meta", 2, heads);
  kv(o, "Batch", b->batch_id);
  kv(o, "Rules as of", b->as_of);
  kv(o, "Created", b->created_at);
  kv(o, "Rule set", b->ruleset);
  kv(o, "Screening lists", b->lists);
  kv(o, "Tool version", b->tool_version);
  snprintf(buf, sizeof(buf), "%.2f", b->mfu);
  kv(o, "MFU (estimates)", buf);
  snprintf(buf, sizeof(buf), "%zu", r->n);
  kv(o, "Orders", buf);
  tbl_end(o);
}

static void by_decision(const out *o, const cg_report *r)
{
  static const char *const heads[] = { "decision", "#orders", "#share" };
  char b[32];
  int i;

  heading(o, 3, "Decisions by outcome", "by-decision");
  tbl_begin(o, "decisions", 3, heads);
  for(i = 0; i < CG_RP_NDEC; i++) {
    if(i == CG_RP_NDEC - 1 && !r->dec[i])
      continue;
    tr(o);
    fputs(o->html ? "<td>" : "| ", o->f);
    badge(o, cg_rp_decisions[i]);
    fputs(o->html ? "</td>" : " ", o->f);
    td_count(o, r->dec[i]);
    snprintf(b, sizeof(b), "%.1f%%",
             r->n ? 100.0 * (double)r->dec[i] / (double)r->n : 0.0);
    td_num(o, b);
    tr_end(o);
  }
  tbl_end(o);
}

static void capped_note(const out *o, size_t n, const char *what)
{
  char b[160];

  if(n <= TOP_ROWS)
    return;
  snprintf(b, sizeof(b),
           "Showing the first %d of %zu %s; the JSON report has all.",
           TOP_ROWS, n, what);
  para(o, "note", b);
}

static void by_destination(const out *o, const cg_report *r)
{
  static const char *const heads[] = { "destination", "#orders",
                                       "#deny",       "#license_required",
                                       "#hold",       "#cleared" };
  cg_rp_entry **v;
  size_t n = 0, i;

  heading(o, 3, "Orders by destination", "by-destination");
  v = cg_rp_tally_sorted(&r->dest, &n);
  if(!v)
    return;
  tbl_begin(o, "dest", 6, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    tr(o);
    td(o, v[i]->key);
    td_count(o, v[i]->count);
    td_count(o, v[i]->dec[6]);
    td_count(o, v[i]->dec[5]);
    td_count(o, v[i]->dec[4]);
    td_count(o, v[i]->dec[0] + v[i]->dec[1] + v[i]->dec[2] + v[i]->dec[3]);
    tr_end(o);
  }
  tbl_end(o);
  capped_note(o, n, "destinations");
  free(v);
}

static void by_rule(const out *o, const cg_report *r)
{
  static const char *const heads[] = { "rule", "title", "citation",
                                       "#orders" };
  cg_rp_entry **v;
  size_t n = 0, i;

  heading(o, 3, "Rules fired", "by-rule");
  v = cg_rp_tally_sorted(&r->rules, &n);
  if(!v)
    return;
  if(!n)
    para(o, "note", "No rule fired in this batch.");
  else
    tbl_begin(o, "rules", 4, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    tr(o);
    td(o, v[i]->key);
    td(o, v[i]->note);
    td(o, v[i]->note2);
    td_count(o, v[i]->count);
    tr_end(o);
  }
  if(n)
    tbl_end(o);
  capped_note(o, n, "rules");
  free(v);
}

static void licenses(const out *o, const cg_report *r)
{
  static const char *const heads[] = { "licence",  "customer", "kind",
                                       "#max qty", "#used",    "#remaining" };
  const cg_json *arr = r->batch.licenses, *it;
  char b[256];
  size_t i, n = arr ? cg_json_size(arr) : 0;

  heading(o, 3, "Licences used and remaining", "licenses");
  if(!n) {
    para(o, "note", "No licence data for this batch.");
    return;
  }
  tbl_begin(o, "licenses", 6, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    it = cg_json_at(arr, i);
    tr(o);
    td(o, cg_rp_text(it, "number", b, sizeof(b)));
    td(o, cg_rp_text(it, "customer", b, sizeof(b)));
    td(o, cg_rp_text(it, "kind", b, sizeof(b)));
    td_num(o, cg_rp_text(it, "max_qty", b, sizeof(b)));
    td_num(o, cg_rp_text(it, "used", b, sizeof(b)));
    td_num(o, cg_rp_text(it, "remaining", b, sizeof(b)));
    tr_end(o);
  }
  tbl_end(o);
  capped_note(o, n, "licences");
}

static void hits(const out *o, const cg_report *r)
{
  static const char *const heads[] = { "customer", "#orders", "lists",
                                       "entries matched" };
  cg_rp_entry **v;
  size_t n = 0, i;

  heading(o, 3, "Customers with list hits", "hits");
  v = cg_rp_tally_sorted(&r->hits, &n);
  if(!v)
    return;
  if(!n)
    para(o, "note", "No screening hits in this batch.");
  else
    tbl_begin(o, "hits", 4, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    tr(o);
    td(o, v[i]->key);
    td_count(o, v[i]->count);
    td(o, v[i]->note);
    td(o, v[i]->note2);
    tr_end(o);
  }
  if(n)
    tbl_end(o);
  capped_note(o, n, "customers");
  free(v);
}

static void chips(const out *o, const cg_report *r)
{
  static const char *const heads[] = { "chip", "ECCN",    "#TPP",
                                       "#PD",  "#orders", "#quantity" };
  cg_rp_entry **v;
  size_t n = 0, i;

  heading(o, 3, "Chips in this batch", "chips");
  v = cg_rp_tally_sorted(&r->chips, &n);
  if(!v)
    return;
  tbl_begin(o, "chips", 6, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    tr(o);
    td(o, v[i]->key);
    td(o, v[i]->note ? v[i]->note : "");
    td_fmt(o, v[i]->x);
    td_fmt(o, v[i]->y);
    td_count(o, v[i]->count);
    td_fmt(o, v[i]->qty);
    tr_end(o);
  }
  tbl_end(o);
  capped_note(o, n, "chips");
  free(v);
}

static void assumptions(const out *o, const cg_workload_est *e)
{
  size_t i;

  if(!e->n_assume)
    return;
  if(!o->html)
    fputs("Assumptions:\n\n", o->f);
  ul_begin(o, "assumptions");
  for(i = 0; i < e->n_assume; i++)
    li(o, e->assume[i]);
  ul_end(o);
}

static void customer_compute(const out *o, const cg_report *r)
{
  static const char *const heads[] = {
    "customer",          "#orders",         "#chips",
    "#H100-equivalents", "#cluster FLOP/s", "#effective FLOP/s",
    "#FLOP in 365 days", "#days for GPT-3", "#days for Llama 3.1 405B",
    "1e26 in a year"
  };
  const cg_workloads *wl = r->opts.workloads;
  cg_rp_entry **v;
  cg_workload_est e;
  cg_workload_sum none = CG_WORKLOAD_SUM_INIT;
  char b[64];
  size_t n = 0, i, k, gpt3 = (size_t)-1, llama = (size_t)-1;

  for(k = 0; k < wl->n; k++) {
    if(strncmp(wl->items[k].name, "GPT-3", 5) == 0)
      gpt3 = k;
    if(strncmp(wl->items[k].name, "Llama 3.1", 9) == 0)
      llama = k;
  }
  heading(o, 3, "Compute per customer (all chips ordered in this batch)",
          "compute");
  v = cg_rp_tally_by_peak(&r->customers, &n);
  if(!v)
    return;
  tbl_begin(o, "compute", 10, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    if(cg_rp_customer_est(r, v[i], &e, NULL) != CG_OK)
      break;
    tr(o);
    td(o, v[i]->key);
    if(v[i]->sum.unknown) {
      snprintf(b, sizeof(b), "%zu (%zu without a rate)", v[i]->count,
               v[i]->sum.unknown);
      td_num(o, b);
    }
    else
      td_count(o, v[i]->count);
    td_fmt(o, v[i]->qty);
    td_fmt(o, e.h100e);
    td_fmt(o, e.cluster_peak);
    td_fmt(o, e.cluster_eff);
    td_fmt(o, e.flop_365d);
    td_num(o,
           cg_rp_fmt_days(b, sizeof(b), gpt3 < e.n_days ? e.days[gpt3] : NAN));
    td_num(o, cg_rp_fmt_days(b, sizeof(b),
                             llama < e.n_days ? e.days[llama] : NAN));
    td(o, e.reaches_1e26 > 0 ? "YES" : e.reaches_1e26 == 0 ? "no" : "unknown");
    tr_end(o);
    cg_workload_est_clear(&e);
  }
  tbl_end(o);
  capped_note(o, n, "customers");
  free(v);
  if(cg_workload_sum_estimate(&none, r->batch.mfu, NULL, &e, NULL) == CG_OK) {
    e.n_assume--; /* drop "Total of 0 order(s)" */
    assumptions(o, &e);
    e.n_assume++;
    cg_workload_est_clear(&e);
  }
}

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

static void order_facts(const out *o, const cg_json *doc)
{
  static const char *const heads[] = { "field", "value" };
  cg_rp_buf b = { 0 };
  char t[512];
  const char *s;

  tbl_begin(o, "facts", 2, heads);
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
  kv(o, "Customer", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  if(cg_rp_str(doc, "customer.parent")) {
    cg_rp_buf_add(&b, cg_rp_str(doc, "customer.parent"));
    s = cg_rp_str(doc, "customer.parent_hq_country");
    if(s)
      cg_rp_buf_addf(&b, " (HQ %s)", s);
    kv(o, "Parent", cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
  }
  kv(o, "Destination", cg_rp_str(doc, "destination"));
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
  kv(o, "Chip", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
  kv(o, "ECCN", cg_rp_str(doc, "chip.eccn"));
  kv(o, "TPP", cg_rp_text(doc, "chip.tpp", t, sizeof(t)));
  kv(o, "Performance density", cg_rp_text(doc, "chip.pd", t, sizeof(t)));
  kv(o, "Quantity", cg_rp_text(doc, "quantity", t, sizeof(t)));
  kv(o, "Rules as of", cg_rp_str(doc, "as_of"));
  kv(o, "Decided at", cg_rp_str(doc, "decided_at"));
  kv(o, "Rule set", cg_rp_str(doc, "ruleset"));
  kv(o, "Lists", cg_rp_str(doc, "lists"));
  tbl_end(o);
}

static void order_rules(const out *o, const cg_json *doc)
{
  static const char *const heads[] = { "rule", "outcome", "reason", "citation",
                                       "trace" };
  const cg_json *arr = cg_rp_get(doc, "rules"), *it;
  cg_rp_buf b = { 0 };
  char t[1024];
  size_t i, n = arr ? cg_json_size(arr) : 0;

  heading(o, 4, "Why", NULL);
  if(!n)
    para(o, "note", "No rule fired.");
  else
    tbl_begin(o, "why", 5, heads);
  for(i = 0; i < n; i++) {
    it = cg_json_at(arr, i);
    tr(o);
    cg_rp_buf_add(&b, cg_rp_str(it, "id"));
    if(cg_rp_str(it, "title")) {
      cg_rp_buf_add(&b, ": ");
      cg_rp_buf_add(&b, cg_rp_str(it, "title"));
    }
    if(cg_json_is_true(cg_rp_get(it, "relieved")))
      cg_rp_buf_add(&b, " (relieved by a licence)");
    td(o, cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
    td(o, cg_rp_text(it, "outcome", t, sizeof(t)));
    td(o, cg_rp_text(it, "reason", t, sizeof(t)));
    td(o, cg_rp_text(it, "cite", t, sizeof(t)));
    trace_text(cg_rp_get(it, "trace"), &b);
    td(o, cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
    tr_end(o);
  }
  if(n)
    tbl_end(o);
  arr = cg_rp_get(doc, "missing");
  if(arr && cg_json_size(arr)) {
    cg_rp_buf_add(&b, "Missing facts (the reason for a hold): ");
    for(i = 0; i < cg_json_size(arr); i++) {
      if(i)
        cg_rp_buf_add(&b, ", ");
      cg_rp_buf_add(&b, cg_json_string_value(cg_json_at(arr, i)));
    }
    para(o, "missing", cg_rp_buf_str(&b));
    cg_rp_buf_free(&b);
  }
}

static void order_screening(const out *o, const cg_json *doc)
{
  static const char *const heads[] = { "list",         "entry",
                                       "matched name", "#score",
                                       "FR notice",    "licence policy",
                                       "explanation" };
  const cg_json *arr = cg_rp_get(doc, "screening"), *it;
  char t[1024];
  size_t i, n = arr ? cg_json_size(arr) : 0;

  heading(o, 4, "Screening hits", NULL);
  if(!n) {
    para(o, "note", "None.");
    return;
  }
  tbl_begin(o, "screening", 7, heads);
  for(i = 0; i < n; i++) {
    it = cg_json_at(arr, i);
    tr(o);
    td(o, cg_rp_text(it, "list", t, sizeof(t)));
    td(o, cg_rp_text(it, "name", t, sizeof(t)));
    td(o, cg_rp_text(it, "matched_name", t, sizeof(t)));
    td_num(o, cg_rp_text(it, "score", t, sizeof(t)));
    td(o, cg_rp_text(it, "federal_register_notice", t, sizeof(t)));
    td(o, cg_rp_text(it, "license_policy", t, sizeof(t)));
    td(o, cg_rp_text(it, "explain", t, sizeof(t)));
    tr_end(o);
  }
  tbl_end(o);
}

static void order_license(const out *o, const cg_json *doc)
{
  const cg_json *l = cg_rp_get(doc, "license");
  char t[256];
  cg_rp_buf b = { 0 };

  heading(o, 4, "Licence", NULL);
  if(!l || cg_json_type(l) != CG_JSON_OBJECT) {
    para(o, "note", "No licence used.");
    return;
  }
  cg_rp_buf_add(&b, cg_rp_text(l, "number", t, sizeof(t)));
  cg_rp_buf_addf(&b, " (%s)", cg_rp_text(l, "kind", t, sizeof(t)));
  cg_rp_buf_addf(&b, ": %s used by this order",
                 cg_rp_text(l, "quantity_used", t, sizeof(t)));
  cg_rp_buf_addf(&b, ", %s remaining.",
                 cg_rp_text(l, "remaining", t, sizeof(t)));
  para(o, "", cg_rp_buf_str(&b));
  cg_rp_buf_free(&b);
}

static void wl_row(const out *o, const char *k, const char *v)
{
  tr(o);
  td(o, k);
  td_num(o, v);
  tr_end(o);
}

static void wl_num(const out *o, const char *k, const cg_json *w,
                   const char *key)
{
  char b[64];
  wl_row(o, k, cg_rp_fmt(b, sizeof(b), cg_rp_num(w, key)));
}

static void order_workload(const out *o, const cg_json *doc)
{
  static const char *const heads[] = { "measure", "#value" };
  const cg_json *w = cg_rp_get(doc, "workload"), *arr, *it;
  char b[256], k[300];
  size_t i;
  int flag;

  heading(o, 4, "Workload estimate", NULL);
  if(!w || cg_json_type(w) != CG_JSON_OBJECT) {
    para(o, "note", "No estimate recorded.");
    return;
  }
  if(!cg_json_is_true(cg_rp_get(w, "known")))
    para(o, "note", "Unknown: the chip has no 16-bit rate and no TPP.");
  tbl_begin(o, "workload", 2, heads);
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
  tr(o);
  td(o, "Reaches 1e26 FLOP within 365 days (order alone)");
  if(o->html && flag > 0)
    fputs("<td class=\"num flag\">YES</td>", o->f);
  else
    td_num(o, flag > 0 ? "YES" : flag == 0 ? "no" : "unknown");
  tr_end(o);
  tbl_end(o);
  arr = cg_rp_get(w, "assumptions");
  if(arr && cg_json_size(arr)) {
    if(!o->html)
      fputs("Assumptions:\n\n", o->f);
    ul_begin(o, "assumptions");
    for(i = 0; i < cg_json_size(arr); i++)
      li(o, cg_json_string_value(cg_json_at(arr, i)));
    ul_end(o);
  }
}

static void order(const out *o, const cg_json *doc, size_t idx)
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
  badge(o, dec);
  fputs(o->html ? "</h3>\n" : "\n\n", o->f);
  order_facts(o, doc);
  order_rules(o, doc);
  order_screening(o, doc);
  order_license(o, doc);
  order_workload(o, doc);
  if(o->html)
    fputs("</article>\n", o->f);
}

/* ===== whole documents ====================================================
 */

static void body(const out *o, cg_report *r)
{
  char b[200];
  size_t i;

  heading(o, 2, "Summary", "summary");
  snprintf(b, sizeof(b),
           "%zu order(s); %zu with screening hits; %zu whose chips alone "
           "could reach 1e26 FLOP within a year.",
           r->n, r->with_hits, r->needs_1e26);
  para(o, "", b);
  if(o->html) {
    fputs("<div class=\"charts\">\n", o->f);
    cg_rp_svg_decisions(o->f, r);
    cg_rp_svg_tpp_pd(o->f, r);
    fputs("</div>\n", o->f);
  }
  by_decision(o, r);
  by_destination(o, r);
  by_rule(o, r);
  licenses(o, r);
  hits(o, r);
  chips(o, r);
  customer_compute(o, r);

  heading(o, 2, "Orders", "orders");
  if(r->n > r->n_detail) {
    snprintf(b, sizeof(b),
             "Details of the first %zu of %zu orders; the summary counts "
             "every order, and the JSON and CSV reports list them all.",
             r->n_detail, r->n);
    para(o, "note", b);
  }
  for(i = 0; i < r->n_detail; i++)
    order(o, r->detail[i], i);
}

static void tpl_key(FILE *f, const char *key, void *arg)
{
  const cg_report *r = arg;
  const char *v = NULL;

  if(strcmp(key, "css") == 0) {
    fputs(cg_rp_template("report.css"), f); /* ours, not data */
    return;
  }
  if(strcmp(key, "title") == 0)
    v = r->opts.title;
  else if(strcmp(key, "batch_id") == 0)
    v = r->batch.batch_id;
  else if(strcmp(key, "as_of") == 0)
    v = r->batch.as_of;
  else if(strcmp(key, "created_at") == 0)
    v = r->batch.created_at;
  else if(strcmp(key, "tool_version") == 0)
    v = r->batch.tool_version;
  cg_rp_html(f, v ? v : "unknown");
}

int cg_rp_html_write(cg_report *r, FILE *f, cg_error *err)
{
  out o = { f, 1 };

  (void)err;
  cg_rp_template_write(f, cg_rp_template("header.html"), tpl_key, r);
  heading(&o, 2, "Batch", "batch");
  meta(&o, r);
  body(&o, r);
  cg_rp_template_write(f, cg_rp_template("footer.html"), tpl_key, r);
  return CG_OK;
}

int cg_rp_md_write(cg_report *r, FILE *f, cg_error *err)
{
  out o = { f, 0 };

  (void)err;
  heading(&o, 1, r->opts.title, NULL);
  meta(&o, r);
  body(&o, r);
  fputs("---\n\n_Generated by chipgate. Workload figures are estimates "
        "with the assumptions stated beside them, not measurements._\n",
        f);
  return CG_OK;
}
