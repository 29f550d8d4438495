/* report.h -- audit reports of a batch of decisions: Markdown, a
 * self-contained HTML page (inline CSS and SVG charts, no scripts), one
 * JSON document, and CSV with one row per order; and the reports driven
 * from the database (a batch's, written while it decides, and any rebuilt
 * from the audit log).
 *
 * Input is a stream of decisions (decide/decision.h cg_decision, with
 * their canonical bytes when the caller has them) plus batch metadata.
 * Unknown values (NULL strings, NaN numbers) are shown as unknown or left
 * empty.
 *
 * Streaming: JSON and CSV are written order by order as cg_report_add is
 * called (the per-order detail: every order, however many). Markdown and
 * HTML stay bounded at any size: cg_report_end writes the summary, whose
 * counts, charts and rankings cover every order, with per-value tables
 * cut at a fixed number of rows (stops and holds ranked first) and an
 * "and N more" line naming where the rest is; then, for each outcome from
 * the most severe, an index of its first opts.row_cap orders and the full
 * sections of its first opts.detail_cap (both kept in memory as they
 * arrive). Memory does not grow with the batch beyond those caps and the
 * per-value tallies (destinations, rules, customers, chips). Files opened
 * by cg_report_open_dir are written through 1 MiB buffers.
 *
 * All text taken from data is escaped for its format (HTML entities,
 * Markdown backslash escapes) and CSV cells starting with = + - @ are
 * neutralised (see cg_csv_write_field).
 *
 * Ownership: cg_report_begin returns a writer freed by cg_report_free
 * (which also closes files it opened). Streams given to cg_report_attach
 * stay the caller's. Metadata strings and JSON are borrowed until
 * cg_report_end returns; decisions and bytes passed to cg_report_add are
 * not kept. */
#ifndef CG_REPORT_H
#define CG_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/json.h"
#include "decide/decision.h"
#include "decide/workload.h"

enum {
  CG_REPORT_MD = 0,
  CG_REPORT_HTML = 1,
  CG_REPORT_JSON = 2,
  CG_REPORT_CSV = 3,
  CG_REPORT_NFORMATS = 4
};

/* Defaults, per outcome, for the orders shown in md/html: full sections
 * (about 5 KB of HTML each) and one-line index rows. At most 8 outcomes,
 * so a report of any size has at most 160 sections and 800 rows. */
#define CG_REPORT_DETAIL_CAP 20
#define CG_REPORT_ROW_CAP    100

/* Batch metadata; every field may be NULL / 0 (written as unknown). */
typedef struct cg_report_batch {
  const char *batch_id;     /* e.g. "B-20261126-1" */
  const char *as_of;        /* ISO date the rules were evaluated at */
  const char *created_at;   /* ISO 8601 time the batch ran */
  const char *ruleset;      /* "sha256:..." of the rule pack */
  const char *lists;        /* version of the screening lists */
  const char *tool_version; /* chipgate version */
  double mfu;               /* MFU used for estimates (<= 0: default) */
  const cg_json *licenses;  /* array of {"number","customer","kind",
                               "max_qty","used","remaining"}, or NULL */
  const char *audit_head;   /* "SEQ:HASH": the audit log's head when the
                               report was written (decide/audit.h), for
                               `audit verify --anchor`; NULL: unknown */
} cg_report_batch;

typedef struct cg_report_opts {
  const char *title;             /* page title; NULL: "chipgate audit
                                    report" */
  size_t detail_cap;             /* full sections per outcome in md/html;
                                    0: CG_REPORT_DETAIL_CAP */
  const cg_workloads *workloads; /* for customer totals; NULL: built-in */
  size_t row_cap;                /* index rows per outcome in md/html;
                                    0: CG_REPORT_ROW_CAP */
} cg_report_opts;

typedef struct cg_report cg_report;

/* ---- streaming API ------------------------------------------------------ */

/* Starts a report. opts may be NULL. */
int cg_report_begin(cg_report **out, const cg_report_batch *batch,
                    const cg_report_opts *opts, cg_error *err);
/* Replaces the batch metadata (borrowed until cg_report_end) before the
 * first add, for a writer opened before its batch exists; CG_EUSAGE
 * after. */
int cg_report_set_batch(cg_report *r, const cg_report_batch *batch,
                        cg_error *err);
/* Replaces the batch's licence balances (borrowed until cg_report_end):
 * a report written while the batch runs learns them at the end. */
void cg_report_set_licenses(cg_report *r, const cg_json *licenses);
/* Replaces the audit head (borrowed until cg_report_end): a report
 * written while the batch runs learns it at the end. */
void cg_report_set_audit_head(cg_report *r, const char *audit_head);

/* Sends format CG_REPORT_* to f (borrowed; not closed). Before any add. */
int cg_report_attach(cg_report *r, int format, FILE *f, cg_error *err);
/* Opens dir/report.{md,html,json,csv} for the formats listed in formats
 * ("md,html,json,csv"; NULL = all), creating dir if needed. Files are
 * written as report.X.tmp and renamed into place by cg_report_end, so a
 * failed run never leaves a half report under the final name. */
int cg_report_open_dir(cg_report *r, const char *dir, const char *formats,
                       cg_error *err);
/* Adds one decision. json (len bytes) is its canonical form
 * (cg_decision_write; e.g. as the audit log stores it) and is copied
 * verbatim into the JSON report; NULL: the report writes it with
 * cg_decision_write. Neither is kept after the call. */
int cg_report_add(cg_report *r, const cg_decision *d, const char *json,
                  size_t len, cg_error *err);
/* Writes summaries and closes the formats; the report can only be freed
 * afterwards. */
int cg_report_end(cg_report *r, cg_error *err);
/* Final path of a format opened by cg_report_open_dir, else NULL. */
const char *cg_report_path(const cg_report *r, int format);
/* Frees r; files it opened and did not finish are removed. NULL-safe. */
void cg_report_free(cg_report *r);

/* Writes s to f with & < > " ' as HTML entities and control characters
 * but tab and newline left out: text from data in an HTML page (the
 * reports' and the server's review page). NULL writes nothing. */
void cg_report_html_text(FILE *f, const char *s);

/* ---- whole-batch helpers ------------------------------------------------ */

typedef struct cg_report_input {
  cg_report_batch batch;        /* metadata */
  const cg_decision *decisions; /* n_docs decisions */
  const char *const *json;      /* their canonical bytes (NUL-terminated),
                                   or NULL: written by the report */
  size_t n_docs;                /* number of decisions */
  cg_report_opts opts;          /* options (zeroed = defaults) */
} cg_report_input;

typedef struct cg_report_paths {
  char path[CG_REPORT_NFORMATS][1024]; /* "" for formats not written */
} cg_report_paths;

/* Writes one format ("md", "html", "json" or "csv") to out. */
int cg_report_write(const cg_report_input *in, const char *format, FILE *out,
                    cg_error *err);
/* Writes the formats listed in formats (NULL = all) into dir; paths_out
 * (may be NULL) gets the files written. */
int cg_report_write_dir(const cg_report_input *in, const char *dir,
                        const char *formats, cg_report_paths *paths_out,
                        cg_error *err);

/* ---- reports from the database (run.c) ---------------------------------- */

struct cg_store;
struct cg_rules;
struct cg_batch_opts;
struct cg_batch_result;

/* What a report from the audit log covers: set exactly one. */
typedef struct cg_report_scope {
  int64_t batch_id;     /* that batch's decisions, or 0 */
  const char *order_id; /* that order's decision, with its batch's
                           metadata, or NULL */
  int all;              /* every decision in the log */
} cg_report_scope;

/* Where a report goes: files in dir, or one format to stream. */
typedef struct cg_report_out {
  const char *dir;       /* folder (created if needed) for report.<ext>;
                            NULL: write to stream */
  const char *formats;   /* with dir: "md,html,json,csv" or a subset;
                            NULL = all */
  FILE *stream;          /* without dir: the destination (borrowed) */
  int format;            /* without dir: CG_REPORT_* */
  cg_report_paths paths; /* out: the files written ("" for the others) */
  /* cg_report_from_log: called with the decisions added so far (total
   * 0: unknown); may be NULL. */
  void (*progress)(void *arg, int64_t done, int64_t total);
  void *progress_arg;
  long decisions; /* out: cg_report_from_log's decisions written */
} cg_report_out;

/* Rebuilds a report from the audit log alone: the decisions in scope,
 * the batch's metadata from its row (scope.all: none; mfu is then the
 * MFU shown), the workloads of db and the licence balances as they are
 * now. CG_ENOTFOUND for an unknown batch or an order with no recorded
 * decision; CG_EUSAGE for bad formats; CG_EIO if a file cannot be
 * written (no half report is left under a final name). */
int cg_report_from_log(struct cg_store *db, const cg_report_scope *scope,
                       double mfu, cg_report_out *out, cg_error *err);

/* Runs cg_batch_run and, with out (dir only; NULL: no report), writes
 * the reports: of this batch while it decides (no second pass over the
 * audit log), or with all, of every decision in the log after the batch.
 * The folder and formats are checked before anything is decided. Any
 * on_begin/on_decision callbacks of bo are still called, after the
 * report's. res as cg_batch_run; with nothing to decide (res->batch_id
 * 0) only an --all report is written. */
int cg_report_run_batch(struct cg_store *db, const struct cg_rules *pack,
                        const struct cg_batch_opts *bo, int all,
                        cg_report_out *out, struct cg_batch_result *res,
                        cg_error *err);

/* Format by name ("md"/"markdown", "html", "json", "csv"), or -1. */
int cg_report_format(const char *name);
const char *cg_report_format_ext(int format);

#endif
