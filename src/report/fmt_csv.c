/* fmt_csv.c -- the CSV report: a header and one row per order, written as
 * each order arrives. Every cell taken from data goes through
 * cg_csv_write_field with neutralisation, so "=HYPERLINK(...)" and the like
 * arrive in a spreadsheet as text, never as a formula. */
#include "report/report_int.h"

#include "core/csvfile.h"

#include <math.h>
#include <string.h>

static const char *const columns[] = {
  "order_id",
  "decision",
  "as_of",
  "customer",
  "customer_country",
  "customer_hq_country",
  "parent",
  "parent_hq_country",
  "destination",
  "chip",
  "vendor",
  "eccn",
  "tpp",
  "pd",
  "quantity",
  "license",
  "license_remaining",
  "rules_fired",
  "citations",
  "missing_facts",
  "screening",
  "h100_equivalents",
  "cluster_peak_flops",
  "cluster_effective_flops",
  "flop_365d",
  "days_gpt3",
  "reaches_1e26_365d",
  "ruleset",
  "lists",
  "decided_at",
};

#define NCOLS (sizeof(columns) / sizeof(columns[0]))

void cg_rp_csv_begin(cg_report *r, FILE *f)
{
  size_t i;

  (void)r;
  for(i = 0; i < NCOLS; i++) {
    if(i)
      cg_csv_write_sep(f);
    cg_csv_write_field(f, columns[i], 0);
  }
  cg_csv_write_eol(f);
}

/* Writes cell i of a row: separator first unless i == 0. */
static void cell(FILE *f, size_t *i, const char *s)
{
  if((*i)++)
    cg_csv_write_sep(f);
  cg_csv_write_field(f, s, 1);
}

static void num(FILE *f, size_t *i, double v)
{
  char b[64];
  cell(f, i, cg_rp_fmt_cell(b, sizeof(b), v));
}

static void text(FILE *f, size_t *i, const cg_json *doc, const char *path)
{
  char b[1024];
  cell(f, i, cg_rp_text(doc, path, b, sizeof(b)));
}

int cg_rp_csv_add(cg_report *r, FILE *f, const cg_json *doc, cg_error *err)
{
  const cg_json *arr, *it, *w = cg_rp_get(doc, "workload");
  cg_rp_buf ids = { 0 }, cites = { 0 }, missing = { 0 }, scr = { 0 };
  char b[64];
  size_t i, col = 0;
  int rc = CG_OK;

  (void)r;
  arr = cg_rp_get(doc, "rules");
  for(i = 0; arr && i < cg_json_size(arr); i++) {
    it = cg_json_at(arr, i);
    if(ids.n)
      cg_rp_buf_add(&ids, ";");
    cg_rp_buf_add(&ids, cg_rp_str(it, "id"));
    if(cg_rp_str(it, "cite") &&
       !strstr(cg_rp_buf_str(&cites), cg_rp_str(it, "cite"))) {
      if(cites.n)
        cg_rp_buf_add(&cites, " | ");
      cg_rp_buf_add(&cites, cg_rp_str(it, "cite"));
    }
  }
  arr = cg_rp_get(doc, "missing");
  for(i = 0; arr && i < cg_json_size(arr); i++) {
    if(missing.n)
      cg_rp_buf_add(&missing, ";");
    cg_rp_buf_add(&missing, cg_json_string_value(cg_json_at(arr, i)));
  }
  arr = cg_rp_get(doc, "screening");
  for(i = 0; arr && i < cg_json_size(arr); i++) {
    it = cg_json_at(arr, i);
    if(scr.n)
      cg_rp_buf_add(&scr, " | ");
    cg_rp_buf_add(&scr, cg_rp_str(it, "list"));
    cg_rp_buf_add(&scr, ": ");
    cg_rp_buf_add(&scr, cg_rp_str(it, "name"));
    if(!isnan(cg_rp_num(it, "score")))
      cg_rp_buf_addf(&scr, " (score %.2f)", cg_rp_num(it, "score"));
  }
  if(ids.oom || cites.oom || missing.oom || scr.oom) {
    rc = cg_error_set(err, CG_ENOMEM, "report: out of memory");
    goto done;
  }

  text(f, &col, doc, "order_id");
  text(f, &col, doc, "decision");
  text(f, &col, doc, "as_of");
  text(f, &col, doc, "customer.name");
  text(f, &col, doc, "customer.country");
  text(f, &col, doc, "customer.hq_country");
  text(f, &col, doc, "customer.parent");
  text(f, &col, doc, "customer.parent_hq_country");
  text(f, &col, doc, "destination");
  text(f, &col, doc, "chip.name");
  text(f, &col, doc, "chip.vendor");
  text(f, &col, doc, "chip.eccn");
  num(f, &col, cg_rp_num(doc, "chip.tpp"));
  num(f, &col, cg_rp_num(doc, "chip.pd"));
  num(f, &col, cg_rp_num(doc, "quantity"));
  text(f, &col, doc, "license.number");
  num(f, &col, cg_rp_num(doc, "license.remaining"));
  cell(f, &col, cg_rp_buf_str(&ids));
  cell(f, &col, cg_rp_buf_str(&cites));
  cell(f, &col, cg_rp_buf_str(&missing));
  cell(f, &col, cg_rp_buf_str(&scr));
  num(f, &col, cg_rp_num(w, "h100e"));
  num(f, &col, cg_rp_num(w, "cluster_peak_flops"));
  num(f, &col, cg_rp_num(w, "cluster_effective_flops"));
  num(f, &col, cg_rp_num(w, "flop_365d"));
  num(f, &col, cg_rp_workload_days(w, "GPT-3"));
  cell(f, &col, cg_rp_text(w, "reaches_1e26_365d", b, sizeof(b)));
  text(f, &col, doc, "ruleset");
  text(f, &col, doc, "lists");
  text(f, &col, doc, "decided_at");
  if(cg_csv_write_eol(f) != CG_OK)
    rc = cg_error_set(err, CG_EIO, "report.csv: write failed");

done:
  cg_rp_buf_free(&ids);
  cg_rp_buf_free(&cites);
  cg_rp_buf_free(&missing);
  cg_rp_buf_free(&scr);
  return rc;
}
