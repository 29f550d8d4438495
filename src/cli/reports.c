/* reports.c -- the CLI side of reports: batch metadata and licence
 * balances from the database, decision documents from the audit log, and
 * the report writers. Shared by batch, demo and report. */
#include "decide/audit.h"
#include "decide/batch.h"
#include "cli/cli.h"
#include "core/json.h"
#include "model/license.h"
#include "report/report.h"
#include "decide/workload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int mkdir_p(const char *dir, cg_error *err)
{
  char buf[1024];
  size_t i, n = strlen(dir);

  if(n >= sizeof(buf))
    return cg_error_set(err, CG_EUSAGE, "--out: path too long");
  memcpy(buf, dir, n + 1);
  for(i = 1; i <= n; i++) {
    if(buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if(mkdir(buf, 0755) != 0 && errno != EEXIST)
        return cg_error_set(err, CG_EIO, "%s: %s", buf, strerror(errno));
      buf[i] = c;
    }
  }
  return CG_OK;
}

/* A report being written: the metadata strings it borrows, and what the
 * writers need until the end. */
typedef struct reporter {
  cg_report *r;     /* the writers */
  cg_workloads *wl; /* reference runs */
  cg_json *lic;     /* licence balances */
  cg_report_batch meta;
  char id[160], as_of[32], created[32], ruleset[80], lists[80];
  long n; /* documents added */
} reporter;

static void reporter_free(reporter *rp)
{
  cg_report_free(rp->r);
  cg_workloads_free(rp->wl);
  cg_json_free(rp->lic);
  memset(rp, 0, sizeof(*rp));
}

/* Opens the report of batch_id (order_id: that order's decision, with its
 * batch's metadata; all: every decision) into out_dir, or the single
 * format `formats` to stdout when out_dir is NULL. */
static int reporter_open(reporter *rp, cg_store *db, int64_t batch_id,
                         const char *order_id, int all, const char *out_dir,
                         const char *formats, double mfu, cg_error *err)
{
  cg_report_opts ro = { NULL, 0, NULL };
  cg_stmt *st = NULL;
  int64_t meta_batch = batch_id;
  int rc = CG_OK, k;

  memset(rp, 0, sizeof(*rp));
  if(order_id) {
    rc = cg_store_prepare(db, &st,
                          "SELECT coalesce(d.batch_id, 0) FROM decisions d "
                          "JOIN orders o ON o.id = d.order_id WHERE "
                          "o.order_id = ?1",
                          err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 1, order_id, err);
    if(rc == CG_OK && cg_stmt_step(st, err) == 1)
      meta_batch = cg_stmt_int(st, 0);
    cg_stmt_finalize(st);
    st = NULL;
  }
  if(rc == CG_OK && meta_batch) {
    rc = cg_store_prepare(db, &st,
                          "SELECT coalesce(as_of, ''), started_at, ruleset, "
                          "coalesce(lists, ''), mfu FROM batches WHERE id = "
                          "?1",
                          err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 1, meta_batch, err);
    if(rc == CG_OK)
      rc = cg_stmt_step(st, err);
    if(rc == 0)
      rc = cg_error_set(err, CG_ENOTFOUND, "unknown batch %lld",
                        (long long)meta_batch);
    if(rc == 1) {
      snprintf(rp->as_of, sizeof(rp->as_of), "%s", cg_stmt_text(st, 0));
      snprintf(rp->created, sizeof(rp->created), "%s", cg_stmt_text(st, 1));
      snprintf(rp->ruleset, sizeof(rp->ruleset), "%s", cg_stmt_text(st, 2));
      snprintf(rp->lists, sizeof(rp->lists), "%s", cg_stmt_text(st, 3));
      mfu = cg_stmt_double(st, 4);
      rc = CG_OK;
    }
    cg_stmt_finalize(st);
  }
  if(rc != CG_OK)
    return rc;
  if(all)
    snprintf(rp->id, sizeof(rp->id), "all decisions");
  else if(order_id)
    snprintf(rp->id, sizeof(rp->id), "order %s (batch %lld)", order_id,
             (long long)meta_batch);
  else
    snprintf(rp->id, sizeof(rp->id), "%lld", (long long)meta_batch);
  rp->meta.batch_id = rp->id;
  rp->meta.as_of = rp->as_of[0] ? rp->as_of
                   : meta_batch ? "each order's ship date"
                                : NULL;
  rp->meta.created_at = rp->created[0] ? rp->created : NULL;
  rp->meta.ruleset = rp->ruleset[0] ? rp->ruleset : NULL;
  rp->meta.lists = rp->lists[0] ? rp->lists : NULL;
  rp->meta.tool_version = CG_VERSION;
  rp->meta.mfu = mfu;
  rc = cg_license_balances(db, &rp->lic, err);
  if(rc == CG_OK)
    rc = cg_workloads_load(db, &rp->wl, err);
  rp->meta.licenses = rp->lic;
  ro.workloads = rp->wl;
  if(rc == CG_OK)
    rc = cg_report_begin(&rp->r, &rp->meta, &ro, err);
  if(rc == CG_OK && out_dir) {
    rc = mkdir_p(out_dir, err);
    if(rc == CG_OK)
      rc = cg_report_open_dir(rp->r, out_dir, formats, err);
  }
  else if(rc == CG_OK) {
    k = cg_report_format(formats);
    rc = k < 0 ? cg_error_set(err, CG_EUSAGE,
                              "--format must be md, html, json or csv")
               : cg_report_attach(rp->r, k, stdout, err);
  }
  if(rc != CG_OK)
    reporter_free(rp);
  return rc;
}

static int reporter_add(void *arg, const cg_json *doc, const char *text,
                        cg_error *err)
{
  reporter *rp = arg;

  rp->n++;
  return cg_report_add_dumped(rp->r, doc, text, err);
}

/* Licence balances as they are now, the summaries, the paths (HTML last:
 * the one to open). Frees rp. */
static int reporter_close(reporter *rp, cg_store *db, int quiet, cg_error *err)
{
  static const int order[] = { CG_REPORT_MD, CG_REPORT_JSON, CG_REPORT_CSV,
                               CG_REPORT_HTML };
  cg_json *lic = NULL;
  int rc = cg_license_balances(db, &lic, err), k;

  if(rc == CG_OK) {
    cg_report_set_licenses(rp->r, lic);
    cg_json_free(rp->lic);
    rp->lic = lic;
    rc = cg_report_end(rp->r, err);
  }
  if(rc == CG_OK && !quiet)
    for(k = 0; k < CG_REPORT_NFORMATS; k++)
      if(cg_report_path(rp->r, order[k]))
        printf("report: %s\n", cg_report_path(rp->r, order[k]));
  reporter_free(rp);
  return rc;
}

typedef struct feed {
  reporter *rp; /* where documents go */
  cg_error *err;
  int rc; /* first failure */
} feed;

static int add_doc(const char *text, void *arg)
{
  feed *f = arg;
  cg_json *doc = NULL;

  f->rc = cg_json_parse(&doc, text, strlen(text), "audit log", f->err);
  if(f->rc == CG_OK)
    f->rc = reporter_add(f->rp, doc, text, f->err);
  cg_json_free(doc);
  return f->rc != CG_OK;
}

int cli_report(cg_cli *cli, cg_store *db, int64_t batch_id,
               const char *order_id, int all, const char *out_dir,
               const char *formats, double mfu, int quiet, cg_error *err)
{
  reporter rp;
  feed f = { &rp, err, CG_OK };
  int rc;

  (void)cli;
  rc = reporter_open(&rp, db, batch_id, order_id, all, out_dir, formats, mfu,
                     err);
  if(rc != CG_OK)
    return rc;
  rc = cg_audit_each(db, NULL, order_id, all ? 0 : batch_id, add_doc, &f, err);
  if(rc == CG_OK)
    rc = f.rc;
  if(rc == CG_OK && order_id && rp.n == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "order %s has no recorded decision",
                      order_id);
  if(rc != CG_OK) {
    reporter_free(&rp);
    return rc;
  }
  return reporter_close(&rp, db, quiet, err);
}

typedef struct batch_out {
  reporter rp; /* open once the batch row exists */
  cg_store *db;
  const char *out_dir;
  const char *formats;
  double mfu;
} batch_out;

static int batch_begin(void *arg, int64_t batch_id, cg_error *err)
{
  batch_out *b = arg;

  return reporter_open(&b->rp, b->db, batch_id, NULL, 0, b->out_dir,
                       b->formats, b->mfu, err);
}

static int batch_decision(void *arg, const cg_decision *dn, const char *json,
                          size_t len, cg_error *err)
{
  batch_out *b = arg;
  cg_json *doc = NULL;
  int rc = cg_json_parse(&doc, json, len, "decision", err);

  (void)dn; /* the report reads the bytes until it takes the struct */
  if(rc == CG_OK)
    rc = reporter_add(&b->rp, doc, json, err);
  cg_json_free(doc);
  return rc;
}

int cli_run_batch(cg_cli *cli, cg_store *db, const cg_rules *pack,
                  cg_batch_opts *bo, const char *out_dir, const char *formats,
                  int all, int quiet, cg_batch_result *res, cg_error *err)
{
  batch_out b;
  int rc;

  memset(&b, 0, sizeof(b));
  /* A bad format or an unwritable folder is found before anything is
   * decided or recorded. */
  if(out_dir) {
    char list[128], *save = NULL, *tok;
    snprintf(list, sizeof(list), "%s", formats ? formats : "");
    for(tok = strtok_r(list, ",", &save); tok;
        tok = strtok_r(NULL, ",", &save))
      if(cg_report_format(tok) < 0)
        return cg_error_set(err, CG_EUSAGE,
                            "--formats: unknown format \"%s\" (md, html, "
                            "json, csv)",
                            tok);
    rc = mkdir_p(out_dir, err);
    if(rc != CG_OK)
      return rc;
  }
  if(out_dir && !all) {
    /* This batch's reports are written while it decides: no second pass
     * over the audit log. */
    b.db = db;
    b.out_dir = out_dir;
    b.formats = formats;
    b.mfu = bo->mfu;
    bo->on_begin = batch_begin;
    bo->on_decision = batch_decision;
    bo->decision_arg = &b;
  }
  rc = cg_batch_run(db, pack, bo, res, err);
  if(b.rp.r) {
    if(rc == CG_OK)
      rc = reporter_close(&b.rp, db, quiet, err);
    else
      reporter_free(&b.rp); /* temporary files are removed */
  }
  if(rc == CG_OK && out_dir && all)
    rc =
        cli_report(cli, db, 0, NULL, 1, out_dir, formats, bo->mfu, quiet, err);
  return rc;
}
