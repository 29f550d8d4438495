/* run.c -- reports driven from the database (see report.h): a batch that
 * writes its reports while it decides, and reports rebuilt from the audit
 * log. Batch metadata comes from decide/audit, licence balances from
 * model/license, reference workloads from decide/workload; this file
 * holds no SQL. */
#include "report/report.h"

#include "core/json.h"
#include "decide/audit.h"
#include "decide/batch.h"
#include "model/license.h"

#include <stdlib.h>
#include <string.h>

/* A report being written: the writer, and the metadata strings and
 * balances it borrows until the end. */
typedef struct reporter {
  cg_report *r;                  /* the writers */
  cg_workloads *wl;              /* reference runs */
  cg_json *lic;                  /* licence balances */
  cg_report_batch meta;          /* points into the fields below */
  cg_audit_batch row;            /* the batch's row */
  char id[160];                  /* what the report covers */
  char head[CG_AUDIT_HEAD_TEXT]; /* the audit head at the end */
  char span[80];                 /* --all: first to last batch run */
  char rules[320];               /* --all: the rule packs used */
  char as_of[64];                /* --all: the batches' as-of dates */
  char lists[320];               /* --all: the list versions screened */
  long n;                        /* documents added */
  /* Called as decisions are added (done, total unknown: 0); may be
   * NULL. */
  void (*progress)(void *arg, int64_t done, int64_t total);
  void *progress_arg;
} reporter;

static void reporter_free(reporter *rp)
{
  cg_report_free(rp->r);
  cg_workloads_free(rp->wl);
  cg_json_free(rp->lic);
  memset(rp, 0, sizeof(*rp));
}

/* Adds s to the ", "-separated list in buf unless it is there; after
 * three, counts the rest in *more. */
static void add_distinct(char *buf, size_t size, int *n, int *more,
                         const char *s)
{
  size_t len = strlen(buf);

  if(!*s || strstr(buf, s))
    return;
  if(*n == 3) {
    (*more)++;
    return;
  }
  snprintf(buf + len, size - len, "%s%s", len ? ", " : "", s);
  (*n)++;
}

/* The metadata of a report of every decision, from the batches' rows:
 * the rule packs they used, their as-of dates and when the first and
 * the last ran (a report of everything has no one batch to name). */
static int all_meta(reporter *rp, cg_store *db, cg_error *err)
{
  cg_audit_batch b, first, last;
  int64_t id;
  int nr = 0, mr = 0, na = 0, ma = 0, nl = 0, ml = 0, rc = CG_OK;
  size_t len;

  memset(&first, 0, sizeof(first));
  memset(&last, 0, sizeof(last));
  rp->rules[0] = rp->as_of[0] = rp->span[0] = rp->lists[0] = '\0';
  for(id = 1; (rc = cg_audit_batch_get(db, id, &b, NULL)) == CG_OK; id++) {
    if(id == 1)
      first = b;
    last = b;
    add_distinct(rp->rules, sizeof(rp->rules), &nr, &mr, b.ruleset);
    add_distinct(rp->as_of, sizeof(rp->as_of), &na, &ma,
                 b.as_of[0] ? b.as_of : "each order's ship date");
    add_distinct(rp->lists, sizeof(rp->lists), &nl, &ml, b.lists);
  }
  if(rc != CG_ENOTFOUND)
    return cg_error_set(err, rc, "report: cannot read batch %lld",
                        (long long)id);
  if(id == 1)
    return CG_OK; /* no batch: nothing decided, "unknown" is the truth */
  len = strlen(rp->rules);
  if(mr)
    snprintf(rp->rules + len, sizeof(rp->rules) - len, " and %d more", mr);
  len = strlen(rp->as_of);
  if(ma)
    snprintf(rp->as_of + len, sizeof(rp->as_of) - len, " and %d more", ma);
  if(id == 2)
    snprintf(rp->span, sizeof(rp->span), "%s", first.started_at);
  else
    snprintf(rp->span, sizeof(rp->span), "%s to %s (%lld batches)",
             first.started_at, last.started_at, (long long)(id - 1));
  rp->meta.as_of = rp->as_of;
  rp->meta.created_at = rp->span;
  rp->meta.ruleset = rp->rules;
  len = strlen(rp->lists);
  if(ml)
    snprintf(rp->lists + len, sizeof(rp->lists) - len, " and %d more", ml);
  /* every list version a batch screened with, not the last one only */
  rp->meta.lists = rp->lists[0] ? rp->lists : NULL;
  return CG_OK;
}

/* Reads the metadata of batch (order_id: the report of that order's
 * decision, found in batch; all: of every decision, batch 0) and the
 * licence balances into rp->meta. */
static int reporter_meta(reporter *rp, cg_store *db, int64_t batch,
                         const char *order_id, int all, double mfu,
                         cg_error *err)
{
  int rc = CG_OK;

  memset(&rp->row, 0, sizeof(rp->row));
  if(batch) {
    rc = cg_audit_batch_get(db, batch, &rp->row, err);
    mfu = rp->row.mfu;
  }
  if(rc != CG_OK)
    return rc;
  if(all)
    snprintf(rp->id, sizeof(rp->id), "every order's current decision");
  else if(order_id)
    snprintf(rp->id, sizeof(rp->id), "order %s (batch %lld)", order_id,
             (long long)batch);
  else
    snprintf(rp->id, sizeof(rp->id), "%lld", (long long)batch);
  rp->meta.batch_id = rp->id;
  rp->meta.as_of = rp->row.as_of[0] ? rp->row.as_of
                   : batch          ? "each order's ship date"
                                    : NULL;
  rp->meta.created_at = rp->row.started_at[0] ? rp->row.started_at : NULL;
  rp->meta.ruleset = rp->row.ruleset[0] ? rp->row.ruleset : NULL;
  rp->meta.lists = rp->row.lists[0] ? rp->row.lists : NULL;
  rp->meta.tool_version = CG_VERSION;
  rp->meta.mfu = mfu;
  if(all && (rc = all_meta(rp, db, err)) != CG_OK)
    return rc;
  cg_json_free(rp->lic);
  rp->lic = NULL;
  rc = cg_license_balances(db, &rp->lic, err);
  rp->meta.licenses = rp->lic;
  return rc;
}

/* Starts the writer with rp->meta and opens out (the folder, or the
 * stream). */
static int reporter_open(reporter *rp, cg_store *db, const cg_report_out *out,
                         cg_error *err)
{
  cg_report_opts ro = { NULL, 0, NULL, 0 };
  int rc = cg_workloads_load(db, &rp->wl, err);

  ro.workloads = rp->wl;
  if(rc == CG_OK)
    rc = cg_report_begin(&rp->r, &rp->meta, &ro, err);
  if(rc == CG_OK && out->dir)
    rc = cg_report_open_dir(rp->r, out->dir, out->formats, err);
  else if(rc == CG_OK)
    rc = cg_report_attach(rp->r, out->format, out->stream, err);
  return rc;
}

/* Balances and the audit head as they are now, the summaries, the paths
 * written. Frees rp. */
static int reporter_close(reporter *rp, cg_store *db, cg_report_out *out,
                          cg_error *err)
{
  cg_json *lic = NULL;
  cg_audit_head head;
  int rc = cg_license_balances(db, &lic, err), k;

  /* The head once every decision of the report is in the log. */
  if(rc == CG_OK)
    rc = cg_audit_head_get(db, &head, err);
  if(rc == CG_OK)
    cg_report_set_audit_head(rp->r, cg_audit_head_text(&head, rp->head));
  if(rc == CG_OK) {
    cg_report_set_licenses(rp->r, lic);
    cg_json_free(rp->lic);
    rp->lic = lic;
    lic = NULL; /* rp's now */
    rc = cg_report_end(rp->r, err);
  }
  for(k = 0; rc == CG_OK && k < CG_REPORT_NFORMATS; k++)
    if(cg_report_path(rp->r, k))
      snprintf(out->paths.path[k], sizeof(out->paths.path[k]), "%s",
               cg_report_path(rp->r, k));
  cg_json_free(lic); /* the head could not be read: not handed over */
  reporter_free(rp);
  return rc;
}

/* ===== from the audit log =================================================
 */

typedef struct feed {
  reporter *rp;  /* where documents go */
  cg_error *err; /* where the first failure is described */
  int rc;        /* first failure */
} feed;

/* Reads each stored decision once and adds it with its bytes. */
static int add_doc(const char *json, void *arg)
{
  feed *f = arg;
  cg_decision d;
  size_t len = strlen(json);

  f->rc = cg_decision_parse(json, len, &d, f->err);
  if(f->rc == CG_OK)
    f->rc = cg_report_add(f->rp->r, &d, json, len, f->err);
  f->rp->n++;
  if(f->rp->progress)
    f->rp->progress(f->rp->progress_arg, f->rp->n, 0);
  cg_decision_clear(&d);
  return f->rc != CG_OK;
}

/* Writes the decisions in scope into the open rp and closes it. */
static int feed_log(reporter *rp, cg_store *db, const cg_report_scope *scope,
                    cg_report_out *out, cg_error *err)
{
  feed f = { rp, err, CG_OK };
  /* everything: each order as it stands, not once per re-decision */
  int rc = scope->all ? cg_audit_each_current(db, add_doc, &f, err)
                      : cg_audit_each(db, NULL, scope->order_id,
                                      scope->batch_id, add_doc, &f, err);

  if(rc == CG_OK)
    rc = f.rc;
  if(rc == CG_OK && scope->order_id && rp->n == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "order %s has no recorded decision",
                      scope->order_id);
  if(rc != CG_OK) {
    reporter_free(rp);
    return rc;
  }
  out->decisions = rp->n;
  return reporter_close(rp, db, out, err);
}

int cg_report_from_log(cg_store *db, const cg_report_scope *scope, double mfu,
                       cg_report_out *out, cg_error *err)
{
  reporter rp;
  int64_t batch = scope->batch_id;
  int rc = CG_OK;

  memset(&rp, 0, sizeof(rp));
  memset(&out->paths, 0, sizeof(out->paths));
  rp.progress = out->progress;
  rp.progress_arg = out->progress_arg;
  if(scope->order_id)
    rc = cg_audit_order_batch(db, scope->order_id, &batch, err);
  if(rc == CG_OK)
    rc = reporter_meta(&rp, db, scope->all ? 0 : batch, scope->order_id,
                       scope->all, mfu, err);
  if(rc == CG_OK)
    rc = reporter_open(&rp, db, out, err);
  if(rc != CG_OK) {
    reporter_free(&rp);
    return rc;
  }
  return feed_log(&rp, db, scope, out, err);
}

/* ===== while a batch decides ==============================================
 */

typedef struct batch_out {
  reporter rp;                 /* open before the batch starts */
  cg_store *db;                /* for the batch's metadata */
  const cg_batch_opts *caller; /* the caller's callbacks */
  double mfu;                  /* of the batch */
} batch_out;

static int batch_begin(void *arg, int64_t batch_id, cg_error *err)
{
  batch_out *b = arg;
  int rc = reporter_meta(&b->rp, b->db, batch_id, NULL, 0, b->mfu, err);

  if(rc == CG_OK)
    rc = cg_report_set_batch(b->rp.r, &b->rp.meta, err);
  if(rc == CG_OK && b->caller->on_begin)
    rc = b->caller->on_begin(b->caller->decision_arg, batch_id, err);
  return rc;
}

static int batch_decision(void *arg, const cg_decision *dn, const char *json,
                          size_t len, cg_error *err)
{
  batch_out *b = arg;
  int rc = cg_report_add(b->rp.r, dn, json, len, err);

  b->rp.n++;
  if(rc == CG_OK && b->caller->on_decision)
    rc = b->caller->on_decision(b->caller->decision_arg, dn, json, len, err);
  return rc;
}

int cg_report_run_batch(cg_store *db, const cg_rules *pack,
                        const cg_batch_opts *bo, int all, cg_report_out *out,
                        cg_batch_result *res, cg_error *err)
{
  cg_report_scope every = { 0, NULL, 1 };
  cg_batch_opts o = *bo;
  batch_out b;
  int rc;

  if(!out)
    return cg_batch_run(db, pack, bo, res, err);
  memset(&b, 0, sizeof(b));
  memset(&out->paths, 0, sizeof(out->paths));
  if(!out->dir)
    return cg_error_set(err, CG_EUSAGE, "report: a batch writes to a folder");
  /* The folder and the formats are checked, and the files opened, before
   * anything is decided or recorded. */
  rc = reporter_open(&b.rp, db, out, err);
  if(rc == CG_OK && !all) {
    b.db = db;
    b.caller = bo;
    b.mfu = bo->mfu;
    o.on_begin = batch_begin;
    o.on_decision = batch_decision;
    o.decision_arg = &b;
  }
  if(rc == CG_OK)
    rc = cg_batch_run(db, pack, &o, res, err);
  if(rc != CG_OK) {
    reporter_free(&b.rp); /* temporary files are removed */
    return rc;
  }
  if(!all && res->batch_id == 0) {
    reporter_free(&b.rp); /* no batch recorded: no report claims one */
    return CG_OK;
  }
  if(all) {
    rc = reporter_meta(&b.rp, db, 0, NULL, 1, bo->mfu, err);
    if(rc == CG_OK)
      rc = cg_report_set_batch(b.rp.r, &b.rp.meta, err);
    if(rc == CG_OK)
      rc = feed_log(&b.rp, db, &every, out, err); /* frees b.rp */
    else
      reporter_free(&b.rp);
  }
  else
    rc = reporter_close(&b.rp, db, out, err);
  /* The decisions are recorded; only their reports are missing. */
  if(rc != CG_OK)
    cg_error_prefix(err,
                    "batch %lld recorded %lld decisions but its reports were "
                    "not written (chipgate report --batch %lld --out DIR "
                    "writes them)",
                    (long long)res->batch_id, (long long)res->decided,
                    (long long)res->batch_id);
  return rc;
}
