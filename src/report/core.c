/* core.c -- the report writer: streams, tallies for the summary, and the
 * whole-batch helpers (see report.h). */
#include "report/report_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const format_ext[CG_REPORT_NFORMATS] = { "md", "html",
                                                            "json", "csv" };

int cg_report_format(const char *name)
{
  int i;

  if(!name)
    return -1;
  if(strcmp(name, "markdown") == 0)
    return CG_REPORT_MD;
  for(i = 0; i < CG_REPORT_NFORMATS; i++)
    if(strcmp(name, format_ext[i]) == 0)
      return i;
  return -1;
}

const char *cg_report_format_ext(int format)
{
  return format >= 0 && format < CG_REPORT_NFORMATS ? format_ext[format]
                                                    : NULL;
}

/* ===== life cycle =========================================================
 */

int cg_report_begin(cg_report **out, const cg_report_batch *batch,
                    const cg_report_opts *opts, cg_error *err)
{
  cg_report *r = calloc(1, sizeof(*r));
  int rc;

  *out = NULL;
  if(!r)
    return cg_error_set(err, CG_ENOMEM, "report: out of memory");
  if(batch)
    r->batch = *batch;
  if(!(r->batch.mfu > 0))
    r->batch.mfu = CG_MFU_DEFAULT;
  if(opts)
    r->opts = *opts;
  if(!r->opts.title)
    r->opts.title = "chipgate audit report";
  if(!r->opts.detail_cap)
    r->opts.detail_cap = CG_REPORT_DETAIL_CAP;
  if(!r->opts.workloads) {
    rc = cg_workloads_builtin(&r->own_wl, err);
    if(rc != CG_OK) {
      free(r);
      return rc;
    }
    r->opts.workloads = r->own_wl;
  }
  *out = r;
  return CG_OK;
}

void cg_report_set_licenses(cg_report *r, const cg_json *licenses)
{
  r->batch.licenses = licenses;
}

int cg_report_attach(cg_report *r, int format, FILE *f, cg_error *err)
{
  if(format < 0 || format >= CG_REPORT_NFORMATS || !f)
    return cg_error_set(err, CG_EUSAGE, "report: bad format %d", format);
  if(r->started || r->f[format])
    return cg_error_set(err, CG_EUSAGE,
                        "report: %s output attached too late or twice",
                        format_ext[format]);
  r->f[format] = f;
  r->owned[format] = 0;
  return CG_OK;
}

/* mkdir -p for dir; CG_EIO with errno on failure. */
static int make_dirs(const char *dir, cg_error *err)
{
  char p[1024];
  size_t i, n = strlen(dir);

  if(n == 0 || n >= sizeof(p))
    return cg_error_set(err, CG_EUSAGE, "report: bad directory '%s'", dir);
  memcpy(p, dir, n + 1);
  for(i = 1; i <= n; i++) {
    if(p[i] != '/' && p[i] != '\0')
      continue;
    p[i] = '\0';
    if(mkdir(p, 0777) != 0 && errno != EEXIST) {
      int e = errno;
      cg_error_set(err, CG_EIO, "%s: %s", p, strerror(e));
      if(err)
        err->sys_errno = e;
      return CG_EIO;
    }
    if(i < n)
      p[i] = '/';
  }
  return CG_OK;
}

int cg_report_open_dir(cg_report *r, const char *dir, const char *formats,
                       cg_error *err)
{
  const char *p = formats ? formats : "md,html,json,csv";
  char name[32];
  int want[CG_REPORT_NFORMATS] = { 0 }, i, rc;
  size_t k;

  if(r->started)
    return cg_error_set(err, CG_EUSAGE, "report: directory opened too late");
  while(*p) {
    k = strcspn(p, ",");
    if(k == 0 || k >= sizeof(name))
      return cg_error_set(err, CG_EUSAGE, "report: bad formats '%s'", formats);
    memcpy(name, p, k);
    name[k] = '\0';
    i = cg_report_format(name);
    if(i < 0)
      return cg_error_set(err, CG_EUSAGE,
                          "report: unknown format '%s' (md, html, json, "
                          "csv)",
                          name);
    want[i] = 1;
    p += k;
    if(*p == ',')
      p++;
  }
  rc = make_dirs(dir, err);
  if(rc != CG_OK)
    return rc;
  for(i = 0; i < CG_REPORT_NFORMATS; i++) {
    if(!want[i] || r->f[i])
      continue;
    snprintf(r->path[i], sizeof(r->path[i]), "%s/report.%s", dir,
             format_ext[i]);
    snprintf(r->tmp[i], sizeof(r->tmp[i]), "%s.tmp", r->path[i]);
    r->f[i] = fopen(r->tmp[i], "wb");
    if(!r->f[i]) {
      int e = errno;
      cg_error_set(err, CG_EIO, "%s: %s", r->tmp[i], strerror(e));
      if(err)
        err->sys_errno = e;
      r->path[i][0] = r->tmp[i][0] = '\0';
      return CG_EIO;
    }
    r->owned[i] = 1;
  }
  return CG_OK;
}

const char *cg_report_path(const cg_report *r, int format)
{
  if(format < 0 || format >= CG_REPORT_NFORMATS || !r->owned[format])
    return NULL;
  return r->path[format];
}

void cg_report_free(cg_report *r)
{
  size_t i;
  int k;

  if(!r)
    return;
  for(k = 0; k < CG_REPORT_NFORMATS; k++) {
    if(r->owned[k] && r->f[k]) {
      fclose(r->f[k]);
      unlink(r->tmp[k]);
    }
  }
  for(i = 0; i < r->n_detail; i++)
    cg_json_free((cg_json *)r->detail[i]);
  free(r->detail);
  cg_rp_tally_free(&r->dest);
  cg_rp_tally_free(&r->rules);
  cg_rp_tally_free(&r->hits);
  cg_rp_tally_free(&r->chips);
  cg_rp_tally_free(&r->customers);
  cg_workloads_free(r->own_wl);
  free(r);
}

/* ===== adding orders ======================================================
 */

static int oom(cg_error *err)
{
  return cg_error_set(err, CG_ENOMEM, "report: out of memory");
}

static void start(cg_report *r)
{
  if(r->started)
    return;
  r->started = 1;
  if(r->f[CG_REPORT_JSON])
    cg_rp_json_begin(r, r->f[CG_REPORT_JSON]);
  if(r->f[CG_REPORT_CSV])
    cg_rp_csv_begin(r, r->f[CG_REPORT_CSV]);
}

/* Updates every summary tally with one decision. */
static int tally(cg_report *r, const cg_json *doc, int d, cg_error *err)
{
  const cg_json *arr, *it, *w;
  const char *cust, *s;
  cg_rp_entry *e;
  double q = cg_rp_num(doc, "quantity");
  size_t i;

  e = cg_rp_tally_get(&r->dest, cg_rp_str(doc, "destination")
                                    ? cg_rp_str(doc, "destination")
                                    : "(unknown)");
  if(!e)
    return oom(err);
  e->count++;
  e->dec[d]++;

  arr = cg_rp_get(doc, "rules");
  for(i = 0; arr && i < cg_json_size(arr); i++) {
    it = cg_json_at(arr, i);
    s = cg_rp_str(it, "id");
    e = cg_rp_tally_get(&r->rules, s ? s : "(no id)");
    if(!e)
      return oom(err);
    e->count++;
    e->dec[d]++;
    if(!e->note && cg_rp_note_add(&e->note, cg_rp_str(it, "title"), "", 400))
      return oom(err);
    if(!e->note2 && cg_rp_note_add(&e->note2, cg_rp_str(it, "cite"), "", 400))
      return oom(err);
  }

  cust = cg_rp_str(doc, "customer.name");
  if(!cust)
    cust = "(unknown)";
  arr = cg_rp_get(doc, "screening");
  if(arr && cg_json_size(arr) > 0) {
    r->with_hits++;
    e = cg_rp_tally_get(&r->hits, cust);
    if(!e)
      return oom(err);
    e->count++;
    e->dec[d]++;
    for(i = 0; i < cg_json_size(arr); i++) {
      it = cg_json_at(arr, i);
      if(cg_rp_note_add(&e->note, cg_rp_str(it, "list"), "; ", 600) ||
         cg_rp_note_add(&e->note2,
                        cg_rp_str(it, "name") ? cg_rp_str(it, "name")
                                              : cg_rp_str(it, "matched_name"),
                        "; ", 600))
        return oom(err);
    }
  }

  s = cg_rp_str(doc, "chip.name");
  e = cg_rp_tally_get(&r->chips, s ? s : "(unknown chip)");
  if(!e)
    return oom(err);
  if(e->count == 0) {
    e->x = cg_rp_num(doc, "chip.tpp");
    e->y = cg_rp_num(doc, "chip.pd");
    if(cg_rp_note_add(&e->note, cg_rp_str(doc, "chip.eccn"), "", 64))
      return oom(err);
  }
  e->count++;
  e->dec[d]++;
  if(!isnan(q))
    e->qty += q;

  w = cg_rp_get(doc, "workload");
  e = cg_rp_tally_get(&r->customers, cust);
  if(!e)
    return oom(err);
  e->count++;
  e->dec[d]++;
  if(!isnan(q))
    e->qty += q;
  cg_workload_sum_add_json(&e->sum,
                           w && cg_json_type(w) == CG_JSON_OBJECT ? w : NULL);
  if(w && cg_json_is_true(cg_rp_get(w, "reaches_1e26_365d")))
    r->needs_1e26++;
  return CG_OK;
}

int cg_report_add(cg_report *r, const cg_json *doc, cg_error *err)
{
  return cg_report_add_dumped(r, doc, NULL, err);
}

int cg_report_add_dumped(cg_report *r, const cg_json *doc, const char *json,
                         cg_error *err)
{
  int d, rc;

  if(r->ended)
    return cg_error_set(err, CG_EUSAGE, "report: add after end");
  if(!doc || cg_json_type(doc) != CG_JSON_OBJECT)
    return cg_error_set(err, CG_EINVAL,
                        "report: order %zu: decision is not a JSON object",
                        r->n + 1);
  start(r);
  d = cg_rp_decision_index(cg_rp_str(doc, "decision"));
  rc = tally(r, doc, d, err);
  if(rc != CG_OK)
    return rc;
  r->dec[d]++;
  r->n++;
  if(r->f[CG_REPORT_JSON]) {
    rc = cg_rp_json_add(r, r->f[CG_REPORT_JSON], doc, json, err);
    if(rc != CG_OK)
      return rc;
  }
  if(r->f[CG_REPORT_CSV]) {
    rc = cg_rp_csv_add(r, r->f[CG_REPORT_CSV], doc, err);
    if(rc != CG_OK)
      return rc;
  }
  if((r->f[CG_REPORT_MD] || r->f[CG_REPORT_HTML]) &&
     r->n_detail < r->opts.detail_cap) {
    if(!r->detail) {
      r->detail = calloc(r->opts.detail_cap, sizeof(*r->detail));
      if(!r->detail)
        return oom(err);
    }
    r->detail[r->n_detail++] = cg_json_ref((cg_json *)doc);
  }
  return CG_OK;
}

/* ===== finishing ==========================================================
 */

static int finish_stream(cg_report *r, int k, cg_error *err)
{
  FILE *f = r->f[k];
  int bad = fflush(f) != 0 || ferror(f);

  if(r->owned[k]) {
    bad = fclose(f) != 0 || bad;
    r->f[k] = NULL;
    if(!bad && rename(r->tmp[k], r->path[k]) != 0)
      bad = 1;
    if(bad) {
      unlink(r->tmp[k]);
      return cg_error_set(err, CG_EIO, "%s: write failed: %s", r->path[k],
                          strerror(errno));
    }
    return CG_OK;
  }
  if(bad)
    return cg_error_set(err, CG_EIO, "report.%s: write failed", format_ext[k]);
  return CG_OK;
}

int cg_report_end(cg_report *r, cg_error *err)
{
  int rc = CG_OK, k;

  if(r->ended)
    return cg_error_set(err, CG_EUSAGE, "report: ended twice");
  start(r);
  r->ended = 1;
  if(r->f[CG_REPORT_JSON])
    rc = cg_rp_json_end(r, r->f[CG_REPORT_JSON], err);
  if(rc == CG_OK && r->f[CG_REPORT_MD])
    rc = cg_rp_md_write(r, r->f[CG_REPORT_MD], err);
  if(rc == CG_OK && r->f[CG_REPORT_HTML])
    rc = cg_rp_html_write(r, r->f[CG_REPORT_HTML], err);
  for(k = 0; rc == CG_OK && k < CG_REPORT_NFORMATS; k++)
    if(r->f[k])
      rc = finish_stream(r, k, err);
  return rc;
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
      rc = cg_json_set_int(o, cg_rp_decisions[i], (int64_t)e->dec[i]);
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

cg_json *cg_rp_summary_json(const cg_report *r, int with_customers)
{
  cg_json *o = cg_json_object(), *x = NULL, *it;
  cg_rp_entry **v = NULL;
  cg_workload_est est;
  cg_workload_sum none = CG_WORKLOAD_SUM_INIT;
  size_t n = 0, i, j;
  int rc = o ? CG_OK : CG_ENOMEM;

  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders", (int64_t)r->n);
  if(rc == CG_OK) {
    x = cg_json_object();
    rc = cg_json_set(o, "by_decision", x);
    for(i = 0; rc == CG_OK && i < CG_RP_NDEC; i++)
      if(i < CG_RP_NDEC - 1 || r->dec[i])
        rc = cg_json_set_int(x, cg_rp_decisions[i], (int64_t)r->dec[i]);
  }
  if(rc == CG_OK) {
    x = cg_json_object();
    rc = cg_json_set(o, "by_destination", x);
    v = cg_rp_tally_sorted(&r->dest, &n);
    rc = rc == CG_OK && !v ? CG_ENOMEM : rc;
    for(i = 0; rc == CG_OK && i < n; i++)
      rc = cg_json_set_int(x, v[i]->key, (int64_t)v[i]->count);
    free(v);
  }
  if(rc == CG_OK) {
    x = cg_json_array();
    rc = cg_json_set(o, "by_rule", x);
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
  }
  if(rc == CG_OK)
    rc = cg_json_set(o, "licenses",
                     r->batch.licenses
                         ? cg_json_ref((cg_json *)r->batch.licenses)
                         : cg_json_array());
  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders_with_hits", (int64_t)r->with_hits);
  if(rc == CG_OK) {
    x = cg_json_array();
    rc = cg_json_set(o, "customers_with_hits", x);
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
  }
  if(rc == CG_OK)
    rc = cg_json_set_int(o, "orders_reaching_1e26_365d",
                         (int64_t)r->needs_1e26);
  if(rc == CG_OK) {
    /* The assumptions shared by every customer total. */
    rc = cg_workload_sum_estimate(&none, r->batch.mfu, NULL, &est, NULL);
    if(rc == CG_OK) {
      x = cg_json_array();
      rc = cg_json_set(o, "customer_compute_assumptions", x);
      for(j = 0; rc == CG_OK && j + 1 < est.n_assume; j++)
        rc = cg_json_append(x, cg_json_str(est.assume[j]));
      cg_workload_est_clear(&est);
    }
  }
  if(rc == CG_OK && with_customers) {
    x = cg_json_array();
    rc = cg_json_set(o, "customer_compute", x);
    v = cg_rp_tally_by_peak(&r->customers, &n);
    rc = rc == CG_OK && !v ? CG_ENOMEM : rc;
    for(i = 0; rc == CG_OK && i < n; i++)
      rc = cg_json_append(x, cg_rp_customer_json(r, v[i]));
    free(v);
  }
  if(rc != CG_OK) {
    cg_json_free(o);
    return NULL;
  }
  return o;
}

/* ===== whole-batch helpers ================================================
 */

static int write_all(cg_report *r, const cg_report_input *in, cg_error *err)
{
  size_t i;
  int rc;

  for(i = 0; i < in->n_docs; i++) {
    rc = cg_report_add(r, in->docs[i], err);
    if(rc != CG_OK)
      return rc;
  }
  return cg_report_end(r, err);
}

int cg_report_write(const cg_report_input *in, const char *format, FILE *out,
                    cg_error *err)
{
  cg_report *r = NULL;
  int fmt = cg_report_format(format), rc;

  if(fmt < 0)
    return cg_error_set(err, CG_EUSAGE,
                        "report: unknown format '%s' (md, html, json, csv)",
                        format ? format : "");
  rc = cg_report_begin(&r, &in->batch, &in->opts, err);
  if(rc == CG_OK)
    rc = cg_report_attach(r, fmt, out, err);
  if(rc == CG_OK)
    rc = write_all(r, in, err);
  cg_report_free(r);
  return rc;
}

int cg_report_write_dir(const cg_report_input *in, const char *dir,
                        const char *formats, cg_report_paths *paths_out,
                        cg_error *err)
{
  cg_report *r = NULL;
  int rc, k;

  if(paths_out)
    memset(paths_out, 0, sizeof(*paths_out));
  rc = cg_report_begin(&r, &in->batch, &in->opts, err);
  if(rc == CG_OK)
    rc = cg_report_open_dir(r, dir, formats, err);
  if(rc == CG_OK)
    rc = write_all(r, in, err);
  if(rc == CG_OK && paths_out)
    for(k = 0; k < CG_REPORT_NFORMATS; k++)
      if(cg_report_path(r, k))
        snprintf(paths_out->path[k], sizeof(paths_out->path[k]), "%s",
                 cg_report_path(r, k));
  cg_report_free(r);
  return rc;
}
