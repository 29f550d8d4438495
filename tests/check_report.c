/* check_report.c -- the report writers on hand-built decision documents:
 * HTML escaping of hostile names, CSV formula neutralisation, summary
 * counts, JSON that parses back with every order, the two SVG charts
 * (regions, plotted chip names, unknown-PD chips listed not plotted), the
 * per-outcome caps and the bounds of a large batch's Markdown and HTML,
 * writing a directory, and tolerance of sparse documents. */
#include "helpers.h"

#include "model/chip.h"
#include "core/csvfile.h"
#include "core/json.h"
#include "decide/decision.h"
#include "report/report.h"
#include "decide/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EVIL_NAME "<script>alert('x')</script> Trading & Co"
#define FORMULA   "=HYPERLINK(\"http://evil.example\",\"click\")"
#define NDOCS     8

static cg_json *docs[NDOCS];    /* built as JSON, then read by */
static cg_decision decs[NDOCS]; /* cg_decision_parse into these */
static cg_json *licenses;
static cg_workloads *wl;
static cg_report_input input;

/* ---- fixtures ------------------------------------------------------------
 */

static void set(cg_json *o, const char *k, cg_json *v)
{
  ck_assert_int_eq(cg_json_set(o, k, v), CG_OK);
}

static cg_json *rule(const char *id, const char *outcome, const char *cite,
                     double tpp)
{
  cg_json *r = cg_json_object(), *t = cg_json_object();

  set(r, "id", cg_json_str(id));
  set(r, "title", cg_json_str("Rule title for test"));
  set(r, "outcome", cg_json_str(outcome));
  set(r, "reason", cg_json_str("because the test says so"));
  set(r, "cite", cg_json_str(cite));
  set(r, "relieved", cg_json_bool(0));
  set(t, "chip.tpp", cg_json_num(tpp));
  set(t, "dest", cg_json_str("CN"));
  set(r, "trace", t);
  return r;
}

/* A decision document like the one decide/audit produce. bf16 is the
 * chip's dense BF16 TFLOP/s (NaN unknown) for the workload estimate. */
static cg_json *doc(const char *id, const char *decision, const char *cust,
                    const char *dest, const char *chip, double tpp, double pd,
                    double bf16, int qty)
{
  cg_json *d = cg_json_object(), *c = cg_json_object(), *p = cg_json_object();
  cg_json *rules = cg_json_array(), *w = NULL;
  cg_error err = { 0 };
  int rc;

  set(d, "order_id", cg_json_str(id));
  set(d, "decision", cg_json_str(decision));
  set(d, "as_of", cg_json_str("2026-11-26"));
  set(d, "quantity", cg_json_int(qty));
  set(d, "destination", cg_json_str(dest));
  set(c, "name", cg_json_str(chip));
  set(c, "vendor", cg_json_str("TestVendor"));
  set(c, "node", cg_json_str("TSMC 5nm"));
  set(c, "tpp", cg_json_num(tpp));
  set(c, "pd", cg_json_num(pd));
  set(c, "eccn", cg_json_str(tpp >= 4800 ? "3A090.a" : "3A991.p"));
  set(c, "datacenter", cg_json_bool(1));
  set(d, "chip", c);
  set(p, "name", cg_json_str(cust));
  set(p, "country", cg_json_str(dest));
  set(p, "hq_country", cg_json_str(dest));
  set(p, "parent", cg_json_null());
  set(p, "parent_hq_country", cg_json_null());
  set(d, "customer", p);
  if(tpp >= 4800)
    ck_assert_int_eq(cg_json_append(rules, rule("EAR.3A090.a", "classify",
                                                "15 CFR 774 Supp. 1; 88 FR "
                                                "73458",
                                                tpp)),
                     CG_OK);
  set(d, "rules", rules);
  set(d, "missing", cg_json_array());
  set(d, "screening", cg_json_array());
  set(d, "license", cg_json_null());
  {
    cg_workload_est e;
    rc = cg_workload_estimate_raw(bf16, NAN, tpp, qty, 0.4, wl, &e, &err);
    ck_assert_cg_ok(rc, &err);
    w = t_workload_json(&e, wl);
    cg_workload_est_clear(&e);
  }
  set(d, "workload", w);
  set(d, "ruleset", cg_json_str("sha256:abc"));
  set(d, "lists", cg_json_str("sha256:def"));
  set(d, "tool_version", cg_json_str("0.1.0"));
  set(d, "decided_at", cg_json_str("2026-11-26T10:00:00Z"));
  return d;
}

/* decs[i] from docs[i], through the canonical reader. */
static void to_decision(int i)
{
  cg_error err = { 0 };
  char *text = NULL;
  int rc = cg_json_dump(&text, docs[i], CG_JSON_CANONICAL, &err);

  ck_assert_cg_ok(rc, &err);
  cg_decision_clear(&decs[i]);
  rc = cg_decision_parse(text, strlen(text), &decs[i], &err);
  ck_assert_cg_ok(rc, &err);
  free(text);
}

static void setup(void)
{
  cg_error err = { 0 };
  cg_json *hit, *l, *arr;
  int i, rc = cg_workloads_builtin(&wl, &err);

  ck_assert_cg_ok(rc, &err);
  docs[0] = doc("O-1001", "deny", EVIL_NAME, "CN", "NVIDIA H100 SXM5 80GB",
                15832, 19.45, 989.4, 1000);
  cg_json_append(cg_json_get(docs[0], "rules"),
                 rule("EAR.744.23.d5", "deny", "15 CFR 744.23", 15832));
  arr = cg_json_get(docs[0], "screening");
  hit = cg_json_object();
  set(hit, "list",
      cg_json_str("Entity List (EL) - Bureau of Industry and "
                  "Security"));
  set(hit, "name", cg_json_str("SOPHGO TECHNOLOGIES LTD."));
  set(hit, "matched_name", cg_json_str("Sophgo"));
  set(hit, "score", cg_json_num(0.97));
  set(hit, "sure", cg_json_bool(1));
  set(hit, "federal_register_notice", cg_json_str("90 FR 4621"));
  set(hit, "license_policy", cg_json_str("Presumption of denial"));
  set(hit, "explain", cg_json_str("alias match <b>bold</b>"));
  cg_json_append(arr, hit);
  docs[1] =
      doc("O-1002", "nlr", FORMULA, "US", "NVIDIA L4", 1936, 6.6, 121, 8);
  docs[2] = doc("O-1003", "hold", "Acme AI", "SG", "Mystery NPU", 4096, NAN,
                NAN, 64);
  cg_json_append(cg_json_get(docs[2], "missing"), cg_json_str("chip.pd"));
  docs[3] = doc("O-1004", "licensed", "Gulf Compute", "AE", "AMD MI300X",
                20919, 20.57, 1307.4, 500);
  l = cg_json_object();
  set(l, "number", cg_json_str("D1234567"));
  set(l, "kind", cg_json_str("license"));
  set(l, "quantity_used", cg_json_int(500));
  set(l, "max_qty", cg_json_int(750));
  set(l, "remaining", cg_json_int(250));
  set(docs[3], "license", l);
  docs[4] = doc("O-1005", "license_required", "Acme AI", "SG", "NVIDIA H20",
                2368, 2.91, 148, 200);
  docs[5] = doc("O-1006", "notify", "Lion Cloud", "MY", "NVIDIA A100 SXM4",
                4992, 6.04, 312, 100);
  docs[6] = doc("O-1007", "exception", "Gulf Compute", "AE",
                "NVIDIA H100 SXM5 80GB", 15832, 19.45, 989.4, 10);
  /* A sparse document: only the two required fields. */
  docs[7] = cg_json_object();
  set(docs[7], "order_id", cg_json_str("O-1008"));
  set(docs[7], "decision", cg_json_str("hold"));

  licenses = cg_json_array();
  l = cg_json_object();
  set(l, "number", cg_json_str("D1234567"));
  set(l, "customer", cg_json_str("Gulf Compute"));
  set(l, "kind", cg_json_str("license"));
  set(l, "max_qty", cg_json_int(750));
  set(l, "used", cg_json_int(500));
  set(l, "remaining", cg_json_int(250));
  cg_json_append(licenses, l);

  memset(&input, 0, sizeof(input));
  input.batch.batch_id = "B-20261126-1";
  input.batch.as_of = "2026-11-26";
  input.batch.created_at = "2026-11-26T10:00:00Z";
  input.batch.ruleset = "sha256:abc";
  input.batch.lists = "sha256:def";
  input.batch.tool_version = "0.1.0";
  input.batch.mfu = 0.4;
  input.batch.licenses = licenses;
  for(i = 0; i < NDOCS; i++)
    to_decision(i);
  input.decisions = decs;
  input.n_docs = NDOCS;
  input.opts.workloads = wl;
}

static void teardown(void)
{
  int i;

  for(i = 0; i < NDOCS; i++) {
    cg_json_free(docs[i]);
    docs[i] = NULL;
    cg_decision_clear(&decs[i]);
  }
  cg_json_free(licenses);
  cg_workloads_free(wl);
  wl = NULL;
  t_tmp_cleanup();
}

/* Renders a format into a malloc'ed string. */
static char *render(const char *fmt)
{
  cg_error err = { 0 };
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  int rc;

  ck_assert_ptr_nonnull(f);
  rc = cg_report_write(&input, fmt, f, &err);
  fclose(f);
  ck_assert_cg_ok(rc, &err);
  ck_assert_uint_gt(len, 0);
  return buf;
}

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;
  const char *p = hay;

  while((p = strstr(p, needle)) != NULL) {
    n++;
    p += strlen(needle);
  }
  return n;
}

/* The text between the first occurrence of from and the next of to. */
static char *slice(const char *s, const char *from, const char *to)
{
  const char *a = strstr(s, from), *b;
  char *out;

  ck_assert_msg(a != NULL, "no %s", from);
  b = strstr(a, to);
  ck_assert_msg(b != NULL, "no %s after %s", to, from);
  out = strndup(a, (size_t)(b - a));
  ck_assert_ptr_nonnull(out);
  return out;
}

/* a and b both occur in s, a first. */
static void before(const char *s, const char *a, const char *b)
{
  const char *x = strstr(s, a), *y = strstr(s, b);

  ck_assert_msg(x && y, "%s or %s missing", a, b);
  ck_assert_msg(x < y, "%s after %s", a, b);
}

/* ---- HTML ------------------------------------------------------------------
 */

START_TEST(test_html_escapes_data)
{
  char *h = render("html");

  ck_assert_ptr_null(strstr(h, "<script"));
  ck_assert_ptr_null(strstr(h, "<SCRIPT"));
  ck_assert_ptr_nonnull(strstr(h, "&lt;script&gt;alert(&#39;x&#39;)&lt;/"
                                  "script&gt; Trading &amp; Co"));
  /* Markup inside screening text is inert too. */
  ck_assert_ptr_null(strstr(h, "<b>bold</b>"));
  ck_assert_ptr_nonnull(strstr(h, "&lt;b&gt;bold&lt;/b&gt;"));
  free(h);
}
END_TEST

START_TEST(test_html_self_contained)
{
  char *h = render("html");

  ck_assert_ptr_nonnull(strstr(h, "<!DOCTYPE html>"));
  ck_assert_ptr_nonnull(strstr(h, "<style>"));
  ck_assert_ptr_nonnull(strstr(h, "<title>chipgate audit report</title>"));
  ck_assert_ptr_null(strstr(h, "<link"));
  ck_assert_ptr_null(strstr(h, "src="));
  ck_assert_ptr_null(strstr(h, "@import"));
  ck_assert_ptr_null(strstr(h, "url("));
  ck_assert_ptr_null(strstr(h, "{{"));
  ck_assert_ptr_nonnull(strstr(h, "</html>"));
  free(h);
}
END_TEST

START_TEST(test_html_charts)
{
  char *h = render("html"), *svg, *aside, *bars;

  ck_assert_uint_eq(count(h, "<svg "), 2);
  ck_assert_uint_eq(count(h, "</svg>"), 2);
  svg = slice(h, "id=\"chart-tpp-pd\"", "</svg>");
  ck_assert_ptr_nonnull(strstr(svg, "region region-a"));
  ck_assert_ptr_nonnull(strstr(svg, "region region-b"));
  ck_assert_ptr_nonnull(strstr(svg, ">3A090.a</text>"));
  ck_assert_ptr_nonnull(strstr(svg, ">3A090.b</text>"));
  /* Plotted chips are labelled (H100 appears in two orders, once). */
  ck_assert_ptr_nonnull(strstr(svg, "NVIDIA H100 SXM5 80GB"));
  ck_assert_ptr_nonnull(strstr(svg, "AMD MI300X"));
  ck_assert_ptr_nonnull(strstr(svg, "NVIDIA H20"));
  ck_assert_ptr_nonnull(strstr(svg, "NVIDIA L4"));
  ck_assert_uint_eq(count(svg, "<g class=\"chip\">"), 5);
  /* The unknown-PD chip is listed beside the chart, not plotted. */
  ck_assert_ptr_null(strstr(svg, "Mystery NPU"));
  aside = slice(h, "<aside class=\"unplotted\">", "</aside>");
  ck_assert_ptr_nonnull(strstr(aside, "Mystery NPU &mdash; TPP 4096, PD "
                                      "unknown"));
  bars = slice(h, "id=\"chart-decisions\"", "</svg>");
  ck_assert_ptr_nonnull(strstr(bars, "<title>deny: 1</title>"));
  ck_assert_ptr_nonnull(strstr(bars, "<title>hold: 2</title>"));
  ck_assert_ptr_nonnull(strstr(bars, "<title>nlr: 1</title>"));
  free(svg);
  free(aside);
  free(bars);
  free(h);
}
END_TEST

START_TEST(test_html_orders_and_summary)
{
  char *h = render("html");

  ck_assert_uint_eq(count(h, "<article class=\"order"), NDOCS);
  ck_assert_ptr_nonnull(strstr(h, "Order O-1001"));
  ck_assert_ptr_nonnull(strstr(h, "EAR.744.23.d5"));
  ck_assert_ptr_nonnull(strstr(h, "15 CFR 744.23"));
  ck_assert_ptr_nonnull(strstr(h, "chip.tpp = 15832"));
  ck_assert_ptr_nonnull(strstr(h, "SOPHGO TECHNOLOGIES LTD."));
  ck_assert_ptr_nonnull(strstr(h, "Missing facts (the reason for a hold): "
                                  "chip.pd"));
  ck_assert_ptr_nonnull(strstr(h, "D1234567 (license): 500 used by this "
                                  "order, 250 remaining."));
  ck_assert_ptr_nonnull(strstr(h, "Days to train GPT-3 175B"));
  ck_assert_ptr_nonnull(strstr(h, "No 16-bit rate known: using TPP / 16"));
  ck_assert_ptr_nonnull(strstr(h, "Customers with list hits"));
  ck_assert_ptr_nonnull(strstr(h, "Licences used and remaining"));
  ck_assert_ptr_nonnull(strstr(h, "Compute per customer"));
  free(h);
}
END_TEST

/* Per outcome, the first row_cap orders are indexed and the first
 * detail_cap shown in full; the most severe outcome comes first. */
START_TEST(test_detail_cap)
{
  char *h, *m;

  input.opts.detail_cap = 1;
  input.opts.row_cap = 1;
  h = render("html");
  /* Eight orders, seven outcomes: one of the two holds has no section. */
  ck_assert_uint_eq(count(h, "<article class=\"order"), 7);
  ck_assert_ptr_nonnull(strstr(h, "Details of the first 1 of these 2 "
                                  "orders"));
  ck_assert_ptr_nonnull(strstr(h, "and 1 more hold orders: report.csv "
                                  "(decision column) and report.json list "
                                  "every order."));
  ck_assert_ptr_nonnull(strstr(h, "<title>hold: 2</title>"));
  ck_assert_ptr_nonnull(strstr(h, "<a href=\"#order-3\">O-1003</a>"));
  ck_assert_ptr_null(strstr(h, "id=\"order-8\""));
  before(h, "id=\"orders-deny\"", "id=\"orders-license_required\"");
  before(h, "id=\"orders-hold\"", "id=\"orders-nlr\"");
  m = render("md");
  ck_assert_uint_eq(count(m, "### Order "), 7);
  ck_assert_ptr_nonnull(strstr(m, "## Orders with decision deny (1)"));
  free(h);
  free(m);
}
END_TEST

/* The documents of a batch of n orders: bulk customers B-0..B-(nbulk-1)
 * with cleared orders, and nstop customers S-0.. with one stopped or
 * held order each (S-0 a denial, the others holds), sent last and with
 * the smallest quantities, so that no ranking by volume would show them.
 * Returns the HTML (md_out: the Markdown). */
static char *big_report(size_t n, size_t nbulk, size_t nstop, char **md_out)
{
  cg_error err = { 0 };
  cg_report *r = NULL;
  cg_decision d;
  char *h = NULL, *m = NULL, id[32], cust[32];
  size_t hl = 0, ml = 0, i;
  FILE *fh = open_memstream(&h, &hl), *fm = open_memstream(&m, &ml);
  int rc;

  ck_assert_ptr_nonnull(fh);
  ck_assert_ptr_nonnull(fm);
  rc = cg_report_begin(&r, &input.batch, &input.opts, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_cg_ok(cg_report_attach(r, CG_REPORT_HTML, fh, &err), &err);
  ck_assert_cg_ok(cg_report_attach(r, CG_REPORT_MD, fm, &err), &err);
  for(i = 0; i < n; i++) {
    d = decs[1]; /* a shallow copy: the report keeps nothing of it */
    d.order_id = id;
    d.customer.name = cust;
    snprintf(id, sizeof(id), "O-%zu", i);
    if(i + nstop < n) {
      snprintf(cust, sizeof(cust), "B-%zu", i % nbulk);
      d.quantity = 1000;
    }
    else {
      snprintf(cust, sizeof(cust), "S-%zu", i + nstop - n);
      d.decision = i + nstop == n ? CG_OUT_DENY : CG_OUT_HOLD;
      d.quantity = 1;
    }
    rc = cg_report_add(r, &d, NULL, 0, &err);
    ck_assert_cg_ok(rc, &err);
  }
  rc = cg_report_end(r, &err);
  ck_assert_cg_ok(rc, &err);
  cg_report_free(r);
  fclose(fh);
  fclose(fm);
  *md_out = m;
  return h;
}

/* Markdown and HTML stay bounded however many orders and customers a
 * batch has: twice the orders, about the same size; every customer with
 * a stop or hold is listed (the denial first) until the table's cap, then
 * "and N more" says where the rest is. */
START_TEST(test_bounded_at_scale)
{
  char *h1, *m1, *h2, *m2, *t, name[32];
  size_t i, lh1, lm1, lh2, lm2;

  h1 = big_report(20000, 2000, 200, &m1);
  h2 = big_report(40000, 4000, 200, &m2);
  lh1 = strlen(h1);
  lm1 = strlen(m1);
  lh2 = strlen(h2);
  lm2 = strlen(m2);
  printf("20k orders: html %zu md %zu; 40k: html %zu md %zu bytes\n", lh1, lm1,
         lh2, lm2);
  ck_assert_uint_lt(lh2, 1500000);
  ck_assert_uint_lt(lm2, 1000000);
  ck_assert_uint_lt(lh2, lh1 + lh1 / 20);
  ck_assert_uint_lt(lm2, lm1 + lm1 / 20);
  /* Every stopped customer, though the smallest, in the stops table. */
  t = slice(m2, "### Customers with orders stopped or held", "\n\n###");
  for(i = 0; i < 200; i++) {
    snprintf(name, sizeof(name), "| S-%zu |", i);
    ck_assert_msg(strstr(t, name), "%s not listed", name);
  }
  ck_assert_ptr_null(strstr(t, "| B-"));
  ck_assert_ptr_null(strstr(t, "more customers with orders stopped"));
  ck_assert_ptr_nonnull(strstr(t, "| S-0 | 1 | 1 | 0 | 0 | 0 |"));
  before(t, "| S-0 |", "| S-1 |");
  free(t);
  /* Cut tables say how many more and where they are. */
  ck_assert_ptr_nonnull(strstr(h2, "and 4100 more customers, with less "
                                   "compute: summary.customer_compute in "
                                   "report.json lists every customer."));
  ck_assert_ptr_nonnull(strstr(h2, "and 39700 more nlr orders: report.csv "
                                   "(decision column) and report.json list "
                                   "every order."));
  ck_assert_ptr_nonnull(strstr(h2, "Details of the first 20 of these 39800 "
                                   "orders"));
  ck_assert_uint_eq(count(h2, "<article class=\"order"), 20 + 1 + 20);
  free(h1);
  free(m1);
  free(h2);
  free(m2);
  /* More stopped customers than the table holds: the rest are counted. */
  h1 = big_report(3000, 100, 300, &m1);
  ck_assert_ptr_nonnull(strstr(m1, "and 50 more customers with orders "
                                   "stopped or held: "));
  ck_assert_ptr_nonnull(strstr(h1, "<td>S-0</td>"));
  free(h1);
  free(m1);
}
END_TEST

/* ---- Markdown --------------------------------------------------------------
 */

START_TEST(test_markdown)
{
  char *m = render("md");
  const char *p;

  /* Every '<' from data is backslash-escaped (inert in CommonMark). */
  for(p = strchr(m, '<'); p; p = strchr(p + 1, '<'))
    ck_assert_msg(p > m && p[-1] == '\\', "bare '<' at %.20s", p);
  ck_assert_ptr_nonnull(strstr(m, "\\<script\\>"));
  ck_assert_ptr_nonnull(strstr(m, "# chipgate audit report"));
  ck_assert_ptr_nonnull(strstr(m, "### Order O-1001 - **deny**"));
  ck_assert_ptr_nonnull(strstr(m, "| **deny** | 1 |"));
  ck_assert_ptr_nonnull(strstr(m, "| **hold** | 2 |"));
  ck_assert_ptr_nonnull(strstr(m, "Assumptions:"));
  ck_assert_uint_eq(count(m, "### Order "), NDOCS);
  free(m);
}
END_TEST

/* ---- CSV -------------------------------------------------------------------
 */

START_TEST(test_csv)
{
  cg_error err = { 0 };
  cg_csv *r = NULL;
  const cg_csv_row *row;
  cg_csv_header hd;
  char *c = render("csv");
  int rc, rows = 0, ci, ri, di, ti, gi;

  rc = cg_csv_open_mem(&r, "report.csv", c, strlen(c), 0, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(cg_csv_next(r, &row, &err), 1);
  rc = cg_csv_header_init(&hd, row, "report.csv", &err);
  ck_assert_cg_ok(rc, &err);
  ci = cg_csv_header_find(&hd, "customer");
  ri = cg_csv_header_find(&hd, "rules_fired");
  di = cg_csv_header_find(&hd, "decision");
  ti = cg_csv_header_find(&hd, "tpp");
  gi = cg_csv_header_find(&hd, "days_gpt3");
  ck_assert_int_ge(ci, 0);
  ck_assert_int_ge(ri, 0);
  ck_assert_int_ge(gi, 0);
  ck_assert_int_ge(cg_csv_header_find(&hd, "h100_equivalents"), 0);
  ck_assert_int_ge(cg_csv_header_find(&hd, "screening"), 0);
  ck_assert_int_ge(cg_csv_header_find(&hd, "citations"), 0);
  while((rc = cg_csv_next(r, &row, &err)) == 1) {
    ck_assert_uint_eq(row->n, hd.n);
    if(rows == 0) {
      ck_assert_str_eq(row->fields[di], "deny");
      ck_assert_str_eq(row->fields[ri], "EAR.3A090.a;EAR.744.23.d5");
      ck_assert_str_eq(row->fields[ti], "15832");
      ck_assert_msg(fabs(atof(row->fields[gi]) - 9.183) < 0.001, "%s",
                    row->fields[gi]);
    }
    if(rows == 1)
      ck_assert_str_eq(row->fields[ci], "'" FORMULA);
    rows++;
  }
  ck_assert_int_eq(rc, 0);
  ck_assert_int_eq(rows, NDOCS);
  /* No cell begins with a bare formula character. */
  ck_assert_ptr_null(strstr(c, ",=HYPERLINK"));
  ck_assert_ptr_null(strstr(c, ",\"=HYPERLINK"));
  cg_csv_header_free(&hd);
  cg_csv_close(r);
  free(c);
}
END_TEST

/* ---- JSON ------------------------------------------------------------------
 */

/* The licences a decision considered, with why each did not cover the
 * order, in every format (order O-1005, licence required). */
START_TEST(test_licenses_considered)
{
  cg_json *arr = cg_json_array(), *c = cg_json_object(), *r = cg_json_array();
  cg_json *why = cg_json_object(), *why2 = cg_json_object();
  char *md, *html, *csv, *json;

  set(why, "code", cg_json_str("expired"));
  set(why, "text",
      cg_json_str("expired: valid to 2026-10-31, order date 2026-11-26"));
  cg_json_append(r, why);
  set(why2, "code", cg_json_str("quantity"));
  set(why2, "text", cg_json_str("quantity: 30 left of 100, 40 ordered"));
  cg_json_append(r, why2);
  set(c, "number", cg_json_str("D7654321"));
  set(c, "kind", cg_json_str("license"));
  set(c, "covers", cg_json_bool(0));
  set(c, "used", cg_json_bool(0));
  set(c, "reasons", r);
  cg_json_append(arr, c);
  set(docs[4], "licenses_considered", arr);
  to_decision(4);
  ck_assert_uint_eq(decs[4].nlicense_checks, 1);
  md = render("md");
  ck_assert_ptr_nonnull(
      strstr(md, "| D7654321 | license | no | expired: valid to 2026-10-31, "
                 "order date 2026-11-26; quantity: 30 left of 100, 40 "
                 "ordered |"));
  html = render("html");
  ck_assert_ptr_nonnull(strstr(html, "licenses-considered"));
  ck_assert_ptr_nonnull(strstr(html, "quantity: 30 left of 100, 40 ordered"));
  csv = render("csv");
  ck_assert_ptr_nonnull(
      strstr(csv, "D7654321: expired: valid to 2026-10-31, order date "
                  "2026-11-26; quantity: 30 left of 100, 40 ordered"));
  json = render("json");
  ck_assert_ptr_nonnull(strstr(json, "\"licenses_considered\":[{"));
  free(md);
  free(html);
  free(csv);
  free(json);
}
END_TEST

START_TEST(test_json)
{
  cg_error err = { 0 };
  cg_json *j = NULL, *orders, *s;
  char *text = render("json");
  size_t i;
  int rc;

  rc = cg_json_parse(&j, text, strlen(text), "report.json", &err);
  ck_assert_cg_ok(rc, &err);
  orders = cg_json_get(j, "orders");
  ck_assert_uint_eq(cg_json_size(orders), NDOCS);
  for(i = 0; i < NDOCS; i++) {
    ck_assert_ptr_nonnull(
        cg_json_string_value(cg_json_get(cg_json_at(orders, i), "order_id")));
    ck_assert_ptr_nonnull(
        cg_json_string_value(cg_json_get(cg_json_at(orders, i), "decision")));
  }
  ck_assert_str_eq(
      cg_json_string_value(
          cg_json_get(cg_json_get(cg_json_at(orders, 0), "customer"), "name")),
      EVIL_NAME);
  ck_assert_str_eq(
      cg_json_string_value(cg_json_get(cg_json_get(j, "batch"), "batch_id")),
      "B-20261126-1");
  s = cg_json_get(j, "summary");
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(s, "orders")), NDOCS);
#define DEC(k)                                                                \
  (int)cg_json_number_value(cg_json_get(cg_json_get(s, "by_decision"), k))
  ck_assert_int_eq(DEC("deny"), 1);
  ck_assert_int_eq(DEC("hold"), 2);
  ck_assert_int_eq(DEC("nlr"), 1);
  ck_assert_int_eq(DEC("licensed"), 1);
  ck_assert_int_eq(DEC("license_required"), 1);
  ck_assert_int_eq(DEC("notify"), 1);
  ck_assert_int_eq(DEC("exception"), 1);
#undef DEC
  ck_assert_int_eq((int)cg_json_number_value(
                       cg_json_get(cg_json_get(s, "by_destination"), "SG")),
                   2);
  ck_assert_int_eq((int)cg_json_number_value(
                       cg_json_get(cg_json_get(s, "by_destination"), "AE")),
                   2);
  ck_assert_uint_eq(cg_json_size(cg_json_get(s, "by_rule")), 2);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(
                       cg_json_at(cg_json_get(s, "by_rule"), 0), "id")),
                   "EAR.3A090.a");
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(
                       cg_json_at(cg_json_get(s, "by_rule"), 0), "orders")),
                   4);
  ck_assert_uint_eq(cg_json_size(cg_json_get(s, "customers_with_hits")), 1);
  ck_assert_uint_eq(cg_json_size(cg_json_get(s, "licenses")), 1);
  /* Customer totals: 6 customers (the sparse order counts as unknown). Gulf
   * Compute = 500 MI300X + 10 H100 = the biggest cluster. */
  ck_assert_uint_eq(cg_json_size(cg_json_get(s, "customer_compute")), 6);
  ck_assert_str_eq(
      cg_json_string_value(cg_json_get(
          cg_json_at(cg_json_get(s, "customer_compute"), 0), "customer")),
      EVIL_NAME);
  cg_json_free(j);
  free(text);
}
END_TEST

START_TEST(test_json_empty_batch)
{
  cg_error err = { 0 };
  cg_json *j = NULL;
  char *text, *h;
  int rc;

  input.n_docs = 0;
  text = render("json");
  rc = cg_json_parse(&j, text, strlen(text), "report.json", &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_uint_eq(cg_json_size(cg_json_get(j, "orders")), 0);
  h = render("html");
  ck_assert_uint_eq(count(h, "<svg "), 2);
  cg_json_free(j);
  free(text);
  free(h);
}
END_TEST

/* ---- API -------------------------------------------------------------------
 */

START_TEST(test_write_dir)
{
  cg_error err = { 0 };
  cg_report_paths paths;
  struct stat st;
  char p[1100];
  const char *dir = t_tmp("out/nested");
  int rc, k;

  rc = cg_report_write_dir(&input, dir, NULL, &paths, &err);
  ck_assert_cg_ok(rc, &err);
  for(k = 0; k < CG_REPORT_NFORMATS; k++) {
    ck_assert_msg(stat(paths.path[k], &st) == 0 && st.st_size > 100, "%s",
                  paths.path[k]);
    snprintf(p, sizeof(p), "%s.tmp", paths.path[k]);
    ck_assert_int_ne(stat(p, &st), 0);
  }
  ck_assert_ptr_nonnull(strstr(paths.path[CG_REPORT_HTML], "report.html"));

  dir = t_tmp("only");
  rc = cg_report_write_dir(&input, dir, "json,csv", &paths, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_str_eq(paths.path[CG_REPORT_MD], "");
  ck_assert_str_ne(paths.path[CG_REPORT_CSV], "");
  snprintf(p, sizeof(p), "%s/report.html", dir);
  ck_assert_int_ne(stat(p, &st), 0);

  rc = cg_report_write_dir(&input, dir, "json,pdf", &paths, &err);
  ck_assert_int_eq(rc, CG_EUSAGE);
  ck_assert_ptr_nonnull(strstr(err.msg, "pdf"));
  rc = cg_report_write(&input, "xml", stdout, &err);
  ck_assert_int_eq(rc, CG_EUSAGE);
}
END_TEST

START_TEST(test_streaming_api)
{
  cg_error err = { 0 };
  cg_report *r = NULL;
  char *buf = NULL;
  size_t len = 0, i;
  FILE *f = open_memstream(&buf, &len);
  int rc;

  rc = cg_report_begin(&r, &input.batch, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_report_attach(r, CG_REPORT_CSV, f, &err);
  ck_assert_cg_ok(rc, &err);
  for(i = 0; i < 3; i++) {
    rc = cg_report_add(r, &decs[i], NULL, 0, &err);
    ck_assert_cg_ok(rc, &err);
  }
  /* Rows are out before the end. */
  fflush(f);
  ck_assert_uint_eq(count(buf, "\r\n"), 4);
  rc = cg_report_attach(r, CG_REPORT_JSON, f, &err);
  ck_assert_int_eq(rc, CG_EUSAGE);
  rc = cg_report_set_batch(r, &input.batch, &err);
  ck_assert_int_eq(rc, CG_EUSAGE);
  rc = cg_report_end(r, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_report_add(r, &decs[3], NULL, 0, &err);
  ck_assert_int_eq(rc, CG_EUSAGE);
  cg_report_free(r);
  fclose(f);
  free(buf);
}
END_TEST

/* The bytes given with a decision go into the JSON report verbatim; a
 * decision without them is written by cg_decision_write, to the same
 * bytes. */
START_TEST(test_add_bytes)
{
  cg_error err = { 0 };
  cg_report *r = NULL;
  cg_json *j = NULL;
  char *buf = NULL, *text = NULL, *text1 = NULL;
  size_t len = 0, tlen = 0, t1len = 0;
  FILE *f = open_memstream(&buf, &len);
  int rc;

  rc = cg_decision_write(&decs[0], &text, &tlen, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_decision_write(&decs[1], &text1, &t1len, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_report_begin(&r, &input.batch, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_report_attach(r, CG_REPORT_JSON, f, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_report_add(r, &decs[0], text, tlen, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_report_add(r, &decs[1], NULL, 0, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_report_end(r, &err);
  ck_assert_cg_ok(rc, &err);
  cg_report_free(r);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(buf, text));
  ck_assert_ptr_nonnull(strstr(buf, text1));
  rc = cg_json_parse(&j, buf, len, "report.json", &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_uint_eq(cg_json_size(cg_json_get(j, "orders")), 2);
  ck_assert_int_eq(
      (int)cg_json_number_value(cg_json_get(
          cg_json_get(cg_json_get(j, "summary"), "by_decision"), "deny")),
      1);
  cg_json_free(j);
  free(text);
  free(text1);
  free(buf);
}
END_TEST

/* A decision that knows nothing but a hostile order id: every format is
 * written, the id escaped, the unknowns shown as unknown. */
START_TEST(test_nulls_and_odd_values)
{
  const char *const fmts[] = { "md", "html", "json", "csv" };
  cg_decision *odd = &decs[7];
  char *out;
  size_t i;

  cg_decision_clear(odd);
  odd->order_id = cg_decision_strdup(odd, "<b>42</b>");
  odd->decision = CG_OUT_HOLD;
  odd->quantity = 0;
  for(i = 0; i < 4; i++) {
    out = render(fmts[i]);
    if(i < 2) /* JSON and CSV carry the text as is */
      ck_assert_msg(!strstr(out, "<b>42"), "raw markup in %s", fmts[i]);
    if(i == 0)
      ck_assert_ptr_nonnull(strstr(out, "### Order \\<b\\>42\\</b\\> - "));
    if(i == 1) {
      ck_assert_ptr_nonnull(strstr(out, "Order &lt;b&gt;42&lt;/b&gt;"));
      ck_assert_ptr_nonnull(strstr(out, "No estimate recorded."));
    }
    if(i == 2)
      ck_assert_ptr_nonnull(strstr(out, "\"order_id\":\"<b>42</b>\""));
    free(out);
  }
}
END_TEST

static Suite *report_suite(void)
{
  Suite *s = suite_create("report");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_html_escapes_data);
  tcase_add_test(tc, test_html_self_contained);
  tcase_add_test(tc, test_html_charts);
  tcase_add_test(tc, test_html_orders_and_summary);
  tcase_add_test(tc, test_detail_cap);
  tcase_add_test(tc, test_bounded_at_scale);
  tcase_add_test(tc, test_markdown);
  tcase_add_test(tc, test_csv);
  tcase_add_test(tc, test_json);
  tcase_add_test(tc, test_licenses_considered);
  tcase_add_test(tc, test_json_empty_batch);
  tcase_add_test(tc, test_write_dir);
  tcase_add_test(tc, test_streaming_api);
  tcase_add_test(tc, test_add_bytes);
  tcase_add_test(tc, test_nulls_and_odd_values);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(report_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
