/* reports.c -- the CLI side of reports: batch metadata and licence
 * balances from the database, decision documents from the audit log, and
 * the report writers. Shared by batch, demo and report. */
#include "audit.h"
#include "cli.h"
#include "json.h"
#include "report.h"
#include "workload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Licences with what has been drawn from them. */
static int licenses_json(cg_store *db, cg_json **out, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = cg_json_array();
  int rc;

  *out = NULL;
  if(!arr)
    return cg_error_set(err, CG_ENOMEM, "report: out of memory");
  rc = cg_store_prepare(db, &st,
                        "SELECT l.number, c.name, l.kind, l.max_qty, "
                        "(SELECT coalesce(sum(quantity), 0) FROM "
                        "license_usage u WHERE u.license_id = l.id) "
                        "FROM licenses l JOIN customers c ON c.id = "
                        "l.customer_id ORDER BY l.number",
                        err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    cg_json *o = cg_json_object();
    int64_t used = cg_stmt_int(st, 4);
    rc = CG_OK;
    cg_json_set_str(o, "number", cg_stmt_text(st, 0));
    cg_json_set_str(o, "customer", cg_stmt_text(st, 1));
    cg_json_set_str(o, "kind", cg_stmt_text(st, 2));
    if(cg_stmt_is_null(st, 3)) {
      cg_json_set(o, "max_qty", cg_json_null());
      cg_json_set(o, "remaining", cg_json_null());
    }
    else {
      cg_json_set_int(o, "max_qty", cg_stmt_int(st, 3));
      cg_json_set_int(o, "remaining", cg_stmt_int(st, 3) - used);
    }
    cg_json_set_int(o, "used", used);
    cg_json_append(arr, o);
  }
  cg_stmt_finalize(st);
  if(rc < 0) {
    cg_json_free(arr);
    return rc;
  }
  *out = arr;
  return CG_OK;
}

typedef struct feed {
  cg_report *r;  /* the report being written */
  cg_error *err; /* where a failure goes */
  int rc;        /* first failure */
  long n;        /* documents added */
} feed;

static int add_doc(const char *text, void *arg)
{
  feed *f = arg;
  cg_json *doc = NULL;

  f->rc = cg_json_parse(&doc, text, strlen(text), "audit log", f->err);
  if(f->rc == CG_OK)
    f->rc = cg_report_add_dumped(f->r, doc, text, f->err);
  cg_json_free(doc);
  f->n++;
  return f->rc != CG_OK;
}

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

int cli_report(cg_cli *cli, cg_store *db, int64_t batch_id,
               const char *order_id, int all, const char *out_dir,
               const char *formats, double mfu, int quiet, cg_error *err)
{
  cg_report_batch meta;
  cg_report_opts ro = { NULL, 0, NULL };
  cg_report *r = NULL;
  cg_workloads *wl = NULL;
  cg_json *lic = NULL;
  cg_stmt *st = NULL;
  char id[32] = "", as_of[16] = "", created[32] = "", ruleset[80] = "";
  char lists[80] = "";
  feed f = { NULL, err, CG_OK, 0 };
  int64_t meta_batch = batch_id;
  int rc, k;

  (void)cli;
  memset(&meta, 0, sizeof(meta));
  if(order_id) {
    /* One order: the metadata of the batch that decided it. */
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
    if(rc != CG_OK)
      return rc;
  }
  if(meta_batch) {
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
      snprintf(as_of, sizeof(as_of), "%s", cg_stmt_text(st, 0));
      snprintf(created, sizeof(created), "%s", cg_stmt_text(st, 1));
      snprintf(ruleset, sizeof(ruleset), "%s", cg_stmt_text(st, 2));
      snprintf(lists, sizeof(lists), "%s", cg_stmt_text(st, 3));
      mfu = cg_stmt_double(st, 4);
      rc = CG_OK;
    }
    cg_stmt_finalize(st);
    if(rc != CG_OK)
      return rc;
    snprintf(id, sizeof(id), "%lld", (long long)meta_batch);
  }
  meta.batch_id = all ? "all decisions" : order_id ? order_id : id;
  meta.as_of = as_of[0] ? as_of : meta_batch ? "each order's ship date" : NULL;
  meta.created_at = created[0] ? created : NULL;
  meta.ruleset = ruleset[0] ? ruleset : NULL;
  meta.lists = lists[0] ? lists : NULL;
  meta.tool_version = CG_VERSION;
  meta.mfu = mfu;
  rc = licenses_json(db, &lic, err);
  if(rc == CG_OK)
    rc = cg_workloads_load(db, &wl, err);
  meta.licenses = lic;
  ro.workloads = wl;
  if(rc == CG_OK)
    rc = cg_report_begin(&r, &meta, &ro, err);
  if(rc == CG_OK && out_dir) {
    rc = mkdir_p(out_dir, err);
    if(rc == CG_OK)
      rc = cg_report_open_dir(r, out_dir, formats, err);
  }
  else if(rc == CG_OK) {
    k = cg_report_format(formats);
    rc = k < 0 ? cg_error_set(err, CG_EUSAGE,
                              "--format must be md, html, json or csv")
               : cg_report_attach(r, k, stdout, err);
  }
  f.r = r;
  if(rc == CG_OK)
    rc = cg_audit_each(db, NULL, order_id, all ? 0 : batch_id, add_doc, &f,
                       err);
  if(rc == CG_OK)
    rc = f.rc;
  if(rc == CG_OK && order_id && f.n == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "order %s has no recorded decision",
                      order_id);
  if(rc == CG_OK)
    rc = cg_report_end(r, err);
  if(rc == CG_OK && out_dir && !quiet) {
    /* HTML last: the one to open. */
    static const int order[] = { CG_REPORT_MD, CG_REPORT_JSON, CG_REPORT_CSV,
                                 CG_REPORT_HTML };
    for(k = 0; k < CG_REPORT_NFORMATS; k++)
      if(cg_report_path(r, order[k]))
        printf("report: %s\n", cg_report_path(r, order[k]));
  }
  cg_report_free(r);
  cg_workloads_free(wl);
  cg_json_free(lic);
  return rc;
}

int cli_batch_reports(cg_cli *cli, cg_store *db, int64_t batch_id, int all,
                      const char *out_dir, const char *formats, double mfu,
                      int quiet)
{
  cg_error err = { 0 };
  int rc = cli_report(cli, db, batch_id, NULL, all, out_dir, formats, mfu,
                      quiet, &err);
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
