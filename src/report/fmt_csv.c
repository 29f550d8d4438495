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
  "licenses_considered",
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
  cg_csv_write_field(f, s ? s : "", 1);
}

static void num(FILE *f, size_t *i, double v)
{
  char b[64];
  cell(f, i, cg_rp_fmt_cell(b, sizeof(b), cg_rp_known(v)));
}

/* The rules' ids, their distinct citations, the missing facts, the
 * screening hits and the licences considered, each joined into one cell
 * (buffers of the writer, reused from row to row). */
typedef struct lists {
  cg_rp_buf *ids, *cites, *missing, *scr, *lic;
} lists;

/* "NUMBER: covers (used)" or "NUMBER: reason; reason", " | "-joined. */
static void join_checks(cg_rp_buf *b, const cg_decision *d)
{
  size_t i, k;

  for(i = 0; i < d->nlicense_checks; i++) {
    const cg_decision_license_check *c = &d->license_checks[i];
    if(b->n)
      cg_rp_buf_add(b, " | ");
    cg_rp_buf_add(b, c->number ? c->number : "");
    cg_rp_buf_add(b, ": ");
    if(c->covers)
      cg_rp_buf_add(b, c->used ? "covers (used)" : "covers");
    for(k = 0; k < c->nreasons; k++) {
      if(k)
        cg_rp_buf_add(b, "; ");
      cg_rp_buf_add(b, c->reasons[k].text ? c->reasons[k].text : "");
    }
  }
}

static int join(lists *l, const cg_decision *d)
{
  size_t i;

  for(i = 0; i < d->nrules; i++) {
    const cg_decision_rule *ru = &d->rules[i];
    if(l->ids->n)
      cg_rp_buf_add(l->ids, ";");
    cg_rp_buf_add(l->ids, ru->id);
    if(ru->cite && !strstr(cg_rp_buf_str(l->cites), ru->cite)) {
      if(l->cites->n)
        cg_rp_buf_add(l->cites, " | ");
      cg_rp_buf_add(l->cites, ru->cite);
    }
  }
  cg_rp_missing_text(l->missing, d->missing, ";");
  for(i = 0; i < d->nhits; i++) {
    const cg_decision_hit *h = &d->hits[i];
    if(l->scr->n)
      cg_rp_buf_add(l->scr, " | ");
    cg_rp_buf_add(l->scr, h->list);
    cg_rp_buf_add(l->scr, ": ");
    cg_rp_buf_add(l->scr, h->name);
    if(!isnan(cg_rp_known(h->score)))
      cg_rp_buf_addf(l->scr, " (score %.2f)", h->score);
  }
  join_checks(l->lic, d);
  return l->ids->oom || l->cites->oom || l->missing->oom || l->scr->oom ||
                 l->lic->oom
             ? CG_ENOMEM
             : CG_OK;
}

int cg_rp_csv_add(cg_report *r, FILE *f, const cg_decision *d, cg_error *err)
{
  const cg_decision_workload *w = &d->workload;
  const cg_decision_license *l = &d->license;
  lists j = { &r->csv[0], &r->csv[1], &r->csv[2], &r->csv[3], &r->csv[4] };
  size_t col = 0, k;
  int rc;

  for(k = 0; k < 5; k++)
    cg_rp_buf_reset(&r->csv[k]);
  rc = join(&j, d);
  if(rc != CG_OK)
    return cg_error_set(err, CG_ENOMEM, "report: out of memory");
  cell(f, &col, d->order_id);
  cell(f, &col, cg_outcome_name(d->decision));
  cell(f, &col, d->as_of);
  cell(f, &col, d->customer.name);
  cell(f, &col, d->customer.country);
  cell(f, &col, d->customer.hq_country);
  cell(f, &col, d->customer.parent);
  cell(f, &col, d->customer.parent_hq_country);
  cell(f, &col, d->destination);
  cell(f, &col, d->chip.name);
  cell(f, &col, d->chip.vendor);
  cell(f, &col, d->chip.eccn);
  num(f, &col, d->chip.tpp);
  num(f, &col, d->chip.pd);
  num(f, &col, (double)d->quantity);
  cell(f, &col, l->present ? l->number : NULL);
  num(f, &col, l->present && l->max_qty >= 0 ? (double)l->remaining : NAN);
  cell(f, &col, cg_rp_buf_str(j.lic));
  cell(f, &col, cg_rp_buf_str(j.ids));
  cell(f, &col, cg_rp_buf_str(j.cites));
  cell(f, &col, cg_rp_buf_str(j.missing));
  cell(f, &col, cg_rp_buf_str(j.scr));
  num(f, &col, w->h100e);
  num(f, &col, w->cluster_peak_flops);
  num(f, &col, w->cluster_effective_flops);
  num(f, &col, w->flop_365d);
  num(f, &col, cg_rp_workload_days(w, "GPT-3"));
  cell(f, &col, cg_rp_tristate(w->reaches_1e26_365d));
  cell(f, &col, d->ruleset);
  cell(f, &col, d->lists);
  cell(f, &col, d->decided_at);
  if(cg_csv_write_eol(f) != CG_OK)
    return cg_error_set(err, CG_EIO, "report.csv: write failed");
  return CG_OK;
}
