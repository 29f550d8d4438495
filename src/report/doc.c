/* doc.c -- the Markdown and HTML reports. Both are written by the same
 * section code through a tiny emitter (headings, tables, lists) that
 * escapes every data string for the target format; HTML adds the
 * template header/footer, inline CSS and the SVG charts. */
#include "report/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOP_ROWS  100 /* rows per summary table in md/html */
#define STOP_ROWS 250 /* customers with stops: what needs action first */

/* ===== summary sections ===================================================
 */

static void meta(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "field", "value" };
  const cg_report_batch *b = &r->batch;
  char buf[64];

  cg_rp_tbl_begin(o, "meta", 2, heads);
  cg_rp_kv(o, "Batch", b->batch_id);
  cg_rp_kv(o, "Rules as of", b->as_of);
  cg_rp_kv(o, "Created", b->created_at);
  cg_rp_kv(o, "Rule set", b->ruleset);
  cg_rp_kv(o, "Screening lists", b->lists);
  cg_rp_kv(o, "Tool version", b->tool_version);
  snprintf(buf, sizeof(buf), "%.2f", b->mfu);
  cg_rp_kv(o, "MFU (estimates)", buf);
  snprintf(buf, sizeof(buf), "%zu", r->n);
  cg_rp_kv(o, "Orders", buf);
  cg_rp_kv(o, "Audit log head", b->audit_head);
  cg_rp_tbl_end(o);
  if(b->audit_head) {
    char note[200];
    snprintf(note, sizeof(note),
             "To prove later that the audit log still holds every decision "
             "in this report: chipgate audit verify --anchor %s",
             b->audit_head);
    cg_rp_para(o, "note", note);
  }
}

static void by_decision(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "decision", "#orders", "#share" };
  char b[32];
  int i;

  cg_rp_heading(o, 3, "Decisions by outcome", "by-decision");
  cg_rp_tbl_begin(o, "decisions", 3, heads);
  for(i = 0; i < CG_RP_NDEC; i++) {
    if(i == CG_RP_NDEC - 1 && !r->dec[i])
      continue;
    cg_rp_tr(o);
    fputs(o->html ? "<td>" : "| ", o->f);
    cg_rp_badge(o, i);
    fputs(o->html ? "</td>" : " ", o->f);
    cg_rp_td_count(o, r->dec[i]);
    snprintf(b, sizeof(b), "%.1f%%",
             r->n ? 100.0 * (double)r->dec[i] / (double)r->n : 0.0);
    cg_rp_td_num(o, b);
    cg_rp_tr_end(o);
  }
  cg_rp_tbl_end(o);
}

/* "and N more WHAT: WHERE." under a table that shows the first shown of
 * n rows; nothing when it shows them all. */
static void capped_note(const cg_rp_out *o, size_t shown, size_t n,
                        const char *what, const char *where)
{
  char b[400];

  if(n <= shown)
    return;
  snprintf(b, sizeof(b), "and %zu more %s: %s.", n - shown, what, where);
  cg_rp_para(o, "note", b);
}

/* Orders an outcome lets go: nlr, exception, licensed. A notify order
 * waits for its notice and is counted in its own column, not here. */
static size_t cleared(const cg_rp_entry *e)
{
  return e->dec[CG_OUT_NLR] + e->dec[CG_OUT_EXCEPTION] +
         e->dec[CG_OUT_LICENSED];
}

static void by_destination(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "destination", "#orders",
                                       "#deny",       "#license_required",
                                       "#hold",       "#notify",
                                       "#cleared" };
  cg_rp_entry **v;
  size_t n = 0, i;

  cg_rp_heading(o, 3, "Orders by destination", "by-destination");
  v = cg_rp_tally_by_stops(&r->dest, &n);
  if(!v)
    return;
  cg_rp_tbl_begin(o, "dest", 7, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    cg_rp_tr(o);
    cg_rp_td(o, v[i]->key);
    cg_rp_td_count(o, v[i]->count);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_DENY]);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_LICENSE_REQUIRED]);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_HOLD]);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_NOTIFY]);
    cg_rp_td_count(o, cleared(v[i]));
    cg_rp_tr_end(o);
  }
  cg_rp_tbl_end(o);
  capped_note(o, TOP_ROWS, n,
              "destinations, with fewer stops than those above",
              "report.csv and report.json list every order with its "
              "destination");
  free(v);
}

static void by_rule(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "rule", "title", "citation",
                                       "#orders" };
  cg_rp_entry **v;
  size_t n = 0, i;

  cg_rp_heading(o, 3, "Rules fired", "by-rule");
  v = cg_rp_tally_sorted(&r->rules, &n);
  if(!v)
    return;
  if(!n)
    cg_rp_para(o, "note", "No rule fired in this batch.");
  else
    cg_rp_tbl_begin(o, "rules", 4, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    cg_rp_tr(o);
    cg_rp_td(o, v[i]->key);
    cg_rp_td(o, v[i]->note);
    cg_rp_td(o, v[i]->note2);
    cg_rp_td_count(o, v[i]->count);
    cg_rp_tr_end(o);
  }
  if(n)
    cg_rp_tbl_end(o);
  capped_note(o, TOP_ROWS, n, "rules",
              "summary.by_rule in report.json lists every rule fired");
  free(v);
}

/* A licence balance's field as text (model/license.h
 * cg_license_balances): strings as is, numbers %.6g, null as "". */
static const char *field(const cg_json *o, const char *key, char *buf,
                         size_t n)
{
  const cg_json *v = cg_json_get(o, key);

  buf[0] = '\0';
  if(v && cg_json_type(v) == CG_JSON_STRING)
    snprintf(buf, n, "%s", cg_json_string_value(v));
  else if(v &&
          (cg_json_type(v) == CG_JSON_INT || cg_json_type(v) == CG_JSON_REAL))
    snprintf(buf, n, "%.6g", cg_json_number_value(v));
  return buf;
}

static void licenses(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "licence",  "customer", "kind",
                                       "#max qty", "#used",    "#remaining" };
  const cg_json *arr = r->batch.licenses, *it;
  char b[256];
  size_t i, n = arr ? cg_json_size(arr) : 0;

  cg_rp_heading(o, 3, "Licences used and remaining", "licenses");
  if(!n) {
    cg_rp_para(o, "note", "No licence data for this batch.");
    return;
  }
  cg_rp_tbl_begin(o, "licenses", 6, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    it = cg_json_at(arr, i);
    cg_rp_tr(o);
    cg_rp_td(o, field(it, "number", b, sizeof(b)));
    cg_rp_td(o, field(it, "customer", b, sizeof(b)));
    cg_rp_td(o, field(it, "kind", b, sizeof(b)));
    cg_rp_td_num(o, field(it, "max_qty", b, sizeof(b)));
    cg_rp_td_num(o, field(it, "used", b, sizeof(b)));
    cg_rp_td_num(o, field(it, "remaining", b, sizeof(b)));
    cg_rp_tr_end(o);
  }
  cg_rp_tbl_end(o);
  capped_note(o, TOP_ROWS, n, "licences",
              "batch.licenses in report.json lists every balance");
}

static void hits(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "customer", "#orders", "lists",
                                       "entries matched" };
  cg_rp_entry **v;
  size_t n = 0, i;

  cg_rp_heading(o, 3, "Customers with list hits", "hits");
  v = cg_rp_tally_by_stops(&r->hits, &n);
  if(!v)
    return;
  if(!n)
    cg_rp_para(o, "note", "No screening hits in this batch.");
  else
    cg_rp_tbl_begin(o, "hits", 4, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    cg_rp_tr(o);
    cg_rp_td(o, v[i]->key);
    cg_rp_td_count(o, v[i]->count);
    cg_rp_td(o, v[i]->note);
    cg_rp_td(o, v[i]->note2);
    cg_rp_tr_end(o);
  }
  if(n)
    cg_rp_tbl_end(o);
  capped_note(o, TOP_ROWS, n, "customers with list hits",
              "summary.customers_with_hits in report.json lists them all");
  free(v);
}

/* Every customer with an order stopped or held, most denials first
 * (then licences required, then holds): who needs action, however many
 * orders the batch has. */
static void stops(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "customer", "#orders",
                                       "#deny",    "#license_required",
                                       "#hold",    "#notify",
                                       "#cleared" };
  cg_rp_entry **v;
  size_t n = 0, i, k = 0;

  cg_rp_heading(o, 3, "Customers with orders stopped or held", "stops");
  v = cg_rp_tally_by_stops(&r->customers, &n);
  if(!v)
    return;
  while(k < n && cg_rp_stops(v[k]))
    k++; /* sorted: the customers with stops come first */
  if(!k)
    cg_rp_para(o, "note", "No order was denied, held or needs a licence.");
  else
    cg_rp_tbl_begin(o, "stops", 7, heads);
  for(i = 0; i < k && i < STOP_ROWS; i++) {
    cg_rp_tr(o);
    cg_rp_td(o, v[i]->key);
    cg_rp_td_count(o, v[i]->count);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_DENY]);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_LICENSE_REQUIRED]);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_HOLD]);
    cg_rp_td_count(o, v[i]->dec[CG_OUT_NOTIFY]);
    cg_rp_td_count(o, cleared(v[i]));
    cg_rp_tr_end(o);
  }
  if(k)
    cg_rp_tbl_end(o);
  capped_note(o, STOP_ROWS, k, "customers with orders stopped or held",
              "summary.customer_compute in report.json gives every "
              "customer's decisions, and report.csv has every order");
  free(v);
}

static void chips(const cg_rp_out *o, const cg_report *r)
{
  static const char *const heads[] = { "chip", "ECCN",    "#TPP",
                                       "#PD",  "#orders", "#quantity" };
  cg_rp_entry **v;
  size_t n = 0, i;

  cg_rp_heading(o, 3, "Chips in this batch", "chips");
  v = cg_rp_tally_sorted(&r->chips, &n);
  if(!v)
    return;
  cg_rp_tbl_begin(o, "chips", 6, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    cg_rp_tr(o);
    cg_rp_td(o, v[i]->key);
    cg_rp_td(o, v[i]->note ? v[i]->note : "");
    cg_rp_td_fmt(o, v[i]->x);
    cg_rp_td_fmt(o, v[i]->y);
    cg_rp_td_count(o, v[i]->count);
    cg_rp_td_fmt(o, v[i]->qty);
    cg_rp_tr_end(o);
  }
  cg_rp_tbl_end(o);
  capped_note(o, TOP_ROWS, n, "chips",
              "report.csv and report.json list every order with its chip");
  free(v);
}

static void assumptions(const cg_rp_out *o, const cg_workload_est *e)
{
  size_t i;

  if(!e->n_assume)
    return;
  if(!o->html)
    fputs("Assumptions:\n\n", o->f);
  cg_rp_ul_begin(o, "assumptions");
  for(i = 0; i < e->n_assume; i++)
    cg_rp_li(o, e->assume[i]);
  cg_rp_ul_end(o);
}

static void customer_compute(const cg_rp_out *o, const cg_report *r)
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
  cg_rp_heading(o, 3, "Compute per customer (all chips ordered in this batch)",
                "compute");
  v = cg_rp_tally_by_peak(&r->customers, &n);
  if(!v)
    return;
  cg_rp_tbl_begin(o, "compute", 10, heads);
  for(i = 0; i < n && i < TOP_ROWS; i++) {
    if(cg_rp_customer_est(r, v[i], &e, NULL) != CG_OK)
      break;
    cg_rp_tr(o);
    cg_rp_td(o, v[i]->key);
    if(v[i]->sum.unknown) {
      snprintf(b, sizeof(b), "%zu (%zu without a rate)", v[i]->count,
               v[i]->sum.unknown);
      cg_rp_td_num(o, b);
    }
    else
      cg_rp_td_count(o, v[i]->count);
    cg_rp_td_fmt(o, v[i]->qty);
    cg_rp_td_fmt(o, e.h100e);
    cg_rp_td_fmt(o, e.cluster_peak);
    cg_rp_td_fmt(o, e.cluster_eff);
    cg_rp_td_fmt(o, e.flop_365d);
    cg_rp_td_num(
        o, cg_rp_fmt_days(b, sizeof(b), gpt3 < e.n_days ? e.days[gpt3] : NAN));
    cg_rp_td_num(o, cg_rp_fmt_days(b, sizeof(b),
                                   llama < e.n_days ? e.days[llama] : NAN));
    cg_rp_td(o, e.reaches_1e26 > 0    ? "YES"
                : e.reaches_1e26 == 0 ? "no"
                                      : "unknown");
    cg_rp_tr_end(o);
    cg_workload_est_clear(&e);
  }
  cg_rp_tbl_end(o);
  capped_note(o, TOP_ROWS, n, "customers, with less compute",
              "summary.customer_compute in report.json lists every "
              "customer");
  free(v);
  if(cg_workload_sum_estimate(&none, r->batch.mfu, NULL, &e, NULL) == CG_OK) {
    e.n_assume--; /* drop "Total of 0 order(s)" */
    assumptions(o, &e);
    e.n_assume++;
    cg_workload_est_clear(&e);
  }
}

/* ===== orders =============================================================
 */

/* The orders of outcome dx: an index of the first row_cap, then the
 * sections of the first detail_cap, both written as they arrived. */
static void outcome_orders(const cg_rp_out *o, const cg_report *r, int dx)
{
  const cg_rp_group *g = &r->grp[dx];
  const char *name = cg_rp_decision_name(dx);
  char b[300], id[48];
  size_t n = r->dec[dx];

  snprintf(b, sizeof(b), "Orders with decision %s (%zu)", name, n);
  snprintf(id, sizeof(id), "orders-%s", name);
  cg_rp_heading(o, 2, b, id);
  if(g->rows[o->html].len) {
    cg_rp_doc_index_begin(o);
    fwrite(g->rows[o->html].buf, 1, g->rows[o->html].len, o->f);
    cg_rp_tbl_end(o);
  }
  snprintf(b, sizeof(b), "%s orders", name);
  capped_note(o, g->n_rows, n, b,
              "report.csv (decision column) and report.json list every "
              "order");
  if(n > g->n_detail) {
    snprintf(b, sizeof(b),
             "Details of the first %zu of these %zu orders; report.json "
             "holds every decision in full.",
             g->n_detail, n);
    cg_rp_para(o, "note", b);
  }
  if(g->detail[o->html].len)
    fwrite(g->detail[o->html].buf, 1, g->detail[o->html].len, o->f);
}

/* The orders, most severe outcome first: what needs action leads, and
 * each outcome shows a bounded number of orders whatever the batch's
 * size. */
static void orders(const cg_rp_out *o, const cg_report *r)
{
  char b[400];
  int dx;

  cg_rp_heading(o, 2, "Orders", "orders");
  snprintf(b, sizeof(b),
           "The summary above counts all %zu orders. Below, by decision from "
           "the most severe: the first %zu orders of each in a table and the "
           "first %zu in full. report.csv (one row per order) and "
           "report.json (every decision document) list them all.",
           r->n, r->opts.row_cap, r->opts.detail_cap);
  cg_rp_para(o, "note", b);
  for(dx = CG_RP_NDEC - 1; dx >= 0; dx--)
    if(r->dec[dx])
      outcome_orders(o, r, dx);
}

/* ===== whole documents ====================================================
 */

static void body(const cg_rp_out *o, cg_report *r)
{
  char b[200];

  cg_rp_heading(o, 2, "Summary", "summary");
  snprintf(b, sizeof(b),
           "%zu order(s); %zu with screening hits; %zu whose chips alone "
           "could reach 1e26 FLOP within a year.",
           r->n, r->with_hits, r->needs_1e26);
  cg_rp_para(o, "", b);
  if(o->html) {
    fputs("<div class=\"charts\">\n", o->f);
    cg_rp_svg_decisions(o->f, r);
    cg_rp_svg_tpp_pd(o->f, r);
    fputs("</div>\n", o->f);
  }
  by_decision(o, r);
  stops(o, r);
  by_destination(o, r);
  by_rule(o, r);
  licenses(o, r);
  hits(o, r);
  chips(o, r);
  customer_compute(o, r);

  orders(o, r);
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
  cg_rp_out o = { f, 1 };

  (void)err;
  cg_rp_template_write(f, cg_rp_template("header.html"), tpl_key, r);
  cg_rp_heading(&o, 2, "Batch", "batch");
  meta(&o, r);
  body(&o, r);
  cg_rp_template_write(f, cg_rp_template("footer.html"), tpl_key, r);
  return CG_OK;
}

int cg_rp_md_write(cg_report *r, FILE *f, cg_error *err)
{
  cg_rp_out o = { f, 0 };

  (void)err;
  cg_rp_heading(&o, 1, r->opts.title, NULL);
  meta(&o, r);
  body(&o, r);
  fputs("---\n\n_Generated by chipgate. Workload figures are estimates "
        "with the assumptions stated beside them, not measurements._\n",
        f);
  return CG_OK;
}
