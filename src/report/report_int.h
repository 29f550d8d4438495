/* report_int.h -- private to src/report/: the writer state, tallies for the
 * summary, escaping and small helpers shared by the format writers.
 *
 * Files depend one way (no file calls into a file above it):
 *   util.c (tallies, strings, escaping, templates, reading decisions)
 *   <- summary.c (tallies per order, summary JSON)
 *   <- svg.c, doc_emit.c <- doc_order.c (one order's section), doc.c
 *      (Markdown and HTML documents)
 *   <- fmt_json.c, fmt_csv.c
 *   <- core.c (the public writer API) <- run.c (batches, the audit log).
 *
 * Write errors: writers do not check every fprintf; cg_report_end checks
 * ferror() and fflush() on each stream and reports CG_EIO. */
#ifndef CG_REPORT_INT_H
#define CG_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/json.h"
#include "decide/decision.h"
#include "decide/workload.h"
#include "report/report.h"

/* ===== decisions ========================================================= */

#define CG_RP_NDEC 8 /* the seven outcomes + "other" */

/* Index of an outcome for counts and colours: the cg_outcome value for
 * the seven outcomes, least to most severe, CG_RP_NDEC - 1 for any
 * other. */
int cg_rp_decision_index(cg_outcome o);
/* Name of an index: cg_outcome_name, or "other". */
const char *cg_rp_decision_name(int idx);
/* Fill colour of an outcome for charts and badges. */
const char *cg_rp_decision_color(int idx);

/* ===== tallies: string-keyed counters (open addressing) ================== */

typedef struct cg_rp_entry {
  char *key;              /* owned */
  size_t count;           /* orders */
  double qty;             /* chips summed */
  double x, y;            /* chips: TPP, PD (NaN unknown) */
  char *note;             /* chips: ECCN; rules: title; hits: lists */
  char *note2;            /* rules: citation; hits: matched entries */
  size_t dec[CG_RP_NDEC]; /* orders by decision */
  cg_workload_sum sum;    /* customers: summed cluster rates */
} cg_rp_entry;

typedef struct cg_rp_tally {
  cg_rp_entry *e; /* slots; key NULL = empty */
  size_t cap;     /* power of two or 0 */
  size_t n;       /* used slots */
} cg_rp_tally;

/* The entry for key, created (zeroed, NaN x/y) if new; NULL on OOM. */
cg_rp_entry *cg_rp_tally_get(cg_rp_tally *t, const char *key);
/* Entries sorted by count (desc) then key; malloc'ed, n in *n_out. */
cg_rp_entry **cg_rp_tally_sorted(const cg_rp_tally *t, size_t *n_out);
/* Same, sorted by summed cluster peak (desc) then key. */
cg_rp_entry **cg_rp_tally_by_peak(const cg_rp_tally *t, size_t *n_out);
/* Same, sorted by stops: deny, then license_required, then hold orders
 * (each desc), then count (desc) and key, so what needs action comes
 * first and the busiest of the rest after it. */
cg_rp_entry **cg_rp_tally_by_stops(const cg_rp_tally *t, size_t *n_out);
/* Orders of e stopped or held (deny + license_required + hold). */
size_t cg_rp_stops(const cg_rp_entry *e);
void cg_rp_tally_free(cg_rp_tally *t);

/* Appends "; "-separated s to *note unless already present (bounded to
 * max bytes); CG_ENOMEM on failure. */
int cg_rp_note_add(char **note, const char *s, const char *sep, size_t max);

/* ===== growable string ====================================================
 */

typedef struct cg_rp_buf {
  char *s;    /* NUL-terminated, malloc'ed */
  size_t n;   /* length */
  size_t cap; /* allocated */
  int oom;    /* an append failed */
} cg_rp_buf;

void cg_rp_buf_add(cg_rp_buf *b, const char *s);
void cg_rp_buf_addf(cg_rp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *cg_rp_buf_str(const cg_rp_buf *b); /* "" when empty */
/* Empties b, keeping its memory for the next use. */
void cg_rp_buf_reset(cg_rp_buf *b);
void cg_rp_buf_free(cg_rp_buf *b);

/* ===== reading decisions ================================================= */

/* v if finite, else NaN: the canonical bytes write infinities as null, so
 * a report reads the same whether it gets a decision as decided or as
 * read back from the audit log. */
double cg_rp_known(double v);
/* "%.6g" of a finite v, "" otherwise (returns buf). */
const char *cg_rp_num_text(char *buf, size_t n, double v);
/* yes / no / "" for a tristate 1 / 0 / -1 (returns a constant). */
const char *cg_rp_tristate(int v);
/* Days for the reference workload whose name starts with prefix; NaN if
 * absent. */
double cg_rp_workload_days(const cg_decision_workload *w, const char *prefix);
/* The facts in mask, in fact-id order (the order the bytes list them),
 * joined with sep into b. */
void cg_rp_missing_text(cg_rp_buf *b, uint64_t mask, const char *sep);

/* ===== formatting and escaping ============================================
 */

/* "%.3g"-style short number, "unknown" for NaN, "never" for infinity. */
const char *cg_rp_fmt(char *buf, size_t n, double v);
/* Number for CSV/JSON-ish cells: "%.6g", "" for NaN. */
const char *cg_rp_fmt_cell(char *buf, size_t n, double v);
/* Days: "9.2", "1,111" style kept simple: "%.1f", "unknown", "never". */
const char *cg_rp_fmt_days(char *buf, size_t n, double v);

/* Writes s with & < > " ' escaped as HTML entities (NULL writes "").
 * Control characters other than tab and newline are dropped. */
void cg_rp_html(FILE *f, const char *s);
/* Writes s for Markdown text or a table cell: CommonMark punctuation that
 * could start markup (\ ` * _ [ ] < > | # ~ &) is backslash-escaped and
 * line breaks become spaces, so data never turns into markup or HTML. */
void cg_rp_md(FILE *f, const char *s);

/* ===== templates (embedded from reports/templates/) =======================
 */

/* Text of the embedded template called name (e.g. "report.css"), or "". */
const char *cg_rp_template(const char *name);
/* Writes tpl, replacing {{key}} by what fn writes for key. */
void cg_rp_template_write(FILE *f, const char *tpl,
                          void (*fn)(FILE *f, const char *key, void *arg),
                          void *arg);

/* ===== the writer =========================================================
 */

/* Text kept in memory (a memstream opened on first use). */
typedef struct cg_rp_mem {
  FILE *f;    /* open while orders arrive */
  char *buf;  /* the text once closed */
  size_t len; /* its length */
} cg_rp_mem;

/* What the md/html documents show of one outcome's orders, per format
 * ([0] Markdown, [1] HTML), written as the orders arrive. */
typedef struct cg_rp_group {
  cg_rp_mem rows[2];   /* index rows of the first row_cap orders */
  cg_rp_mem detail[2]; /* sections of the first detail_cap orders */
  size_t n_rows;       /* orders with an index row */
  size_t n_detail;     /* orders with a section */
} cg_rp_group;

#define CG_RP_VBUF (1u << 20) /* stdio buffer of files we open */

struct cg_report {
  cg_report_batch batch;               /* metadata (borrowed) */
  cg_report_opts opts;                 /* options with defaults applied */
  cg_workloads *own_wl;                /* built-in workloads if none given */
  FILE *f[CG_REPORT_NFORMATS];         /* output per format, or NULL */
  int owned[CG_REPORT_NFORMATS];       /* f was opened by us */
  int fd[CG_REPORT_NFORMATS];          /* f's descriptor if owned (fsync) */
  char path[CG_REPORT_NFORMATS][1024]; /* final path if owned */
  char tmp[CG_REPORT_NFORMATS][1040];  /* temp path while writing */
  int started;                         /* first add done (streams begun) */
  int ended;                           /* cg_report_end ran */
  size_t n;                            /* orders added */
  size_t dec[CG_RP_NDEC];              /* orders by decision */
  size_t with_hits;                    /* orders with screening hits */
  size_t needs_1e26;                   /* orders reaching 1e26 in a year */
  cg_rp_tally dest;                    /* by destination */
  cg_rp_tally rules;                   /* by fired rule id */
  cg_rp_tally hits;                    /* customers with list hits */
  cg_rp_tally chips;                   /* chips in the batch */
  cg_rp_tally customers;               /* per-customer compute totals */
  char *vbuf[CG_REPORT_NFORMATS];      /* f's buffer if owned */
  cg_rp_group grp[CG_RP_NDEC];         /* md/html orders, by outcome */
  cg_rp_buf csv[5];                    /* the CSV row's joined cells,
                                          reused: no malloc per order */
};

/* ===== summary.c ==========================================================
 */

/* Updates every summary tally with one decision whose outcome index is dx;
 * CG_ENOMEM on failure. */
int cg_rp_tally_add(cg_report *r, const cg_decision *d, int dx, cg_error *err);

/* Per-format writers. begin runs before the first order, add per order,
 * end after the last one (md/html write everything in end). */
void cg_rp_json_begin(cg_report *r, FILE *f);
/* json: the decision's canonical bytes (len of them), or NULL. */
int cg_rp_json_add(cg_report *r, FILE *f, const cg_decision *d,
                   const char *json, size_t len, cg_error *err);
int cg_rp_json_end(cg_report *r, FILE *f, cg_error *err);
void cg_rp_csv_begin(cg_report *r, FILE *f);
int cg_rp_csv_add(cg_report *r, FILE *f, const cg_decision *d, cg_error *err);
int cg_rp_md_write(cg_report *r, FILE *f, cg_error *err);
int cg_rp_html_write(cg_report *r, FILE *f, cg_error *err);

/* The batch metadata and the summary as JSON (NULL on OOM). Without
 * with_customers the summary leaves out "customer_compute" (one entry per
 * customer, which the JSON writer streams itself). */
cg_json *cg_rp_batch_json(const cg_report *r);
cg_json *cg_rp_summary_json(const cg_report *r, int with_customers);
/* One customer's compute total (compact; NULL on OOM). */
cg_json *cg_rp_customer_json(const cg_report *r, const cg_rp_entry *e);

/* ===== Markdown / HTML emitter (doc_emit.c) ===============================
 */

typedef struct cg_rp_out {
  FILE *f;  /* destination */
  int html; /* 1 HTML, 0 Markdown */
} cg_rp_out;

/* Data text escaped for the format. */
void cg_rp_esc(const cg_rp_out *o, const char *s);
/* Heading of level 1-6; id (may be NULL) is the HTML anchor. */
void cg_rp_heading(const cg_rp_out *o, int level, const char *text,
                   const char *id);
/* Paragraph of class cls ("note" is italic in Markdown). */
void cg_rp_para(const cg_rp_out *o, const char *cls, const char *text);
/* Table with n columns titled heads; numeric columns start with '#'. */
void cg_rp_tbl_begin(const cg_rp_out *o, const char *cls, int n,
                     const char *const *heads);
void cg_rp_tr(const cg_rp_out *o);
void cg_rp_tr_end(const cg_rp_out *o);
void cg_rp_td(const cg_rp_out *o, const char *s);
void cg_rp_td_num(const cg_rp_out *o, const char *s);
void cg_rp_td_th(const cg_rp_out *o, const char *s);
void cg_rp_td_count(const cg_rp_out *o, size_t v);
void cg_rp_td_fmt(const cg_rp_out *o, double v); /* cg_rp_fmt */
void cg_rp_tbl_end(const cg_rp_out *o);
/* A two-column field/value row ("unknown" for NULL or empty v). */
void cg_rp_kv(const cg_rp_out *o, const char *k, const char *v);
void cg_rp_ul_begin(const cg_rp_out *o, const char *cls);
void cg_rp_li(const cg_rp_out *o, const char *s);
void cg_rp_ul_end(const cg_rp_out *o);
/* The name of outcome index idx, coloured in HTML, bold in Markdown. */
void cg_rp_badge(const cg_rp_out *o, int idx);

/* One order's detail section (doc_order.c); idx is its place in the
 * batch, from 0 (the HTML anchor is order-<idx + 1>). */
void cg_rp_doc_order(const cg_rp_out *o, const cg_decision *d, size_t idx);
/* One order's index row (order, customer, destination, chip, quantity,
 * why) for the table cg_rp_doc_index_begin starts; with linked, the
 * HTML order id links to its section. */
void cg_rp_doc_index_begin(const cg_rp_out *o);
void cg_rp_doc_index_row(const cg_rp_out *o, const cg_decision *d, size_t idx,
                         int linked);

/* SVG charts. */
void cg_rp_svg_decisions(FILE *f, const cg_report *r);
/* The scatter; chips with unknown TPP or PD are listed in an aside. */
void cg_rp_svg_tpp_pd(FILE *f, const cg_report *r);

/* The customer-total estimate for a tally entry (clear afterwards). */
int cg_rp_customer_est(const cg_report *r, const cg_rp_entry *e,
                       cg_workload_est *out, cg_error *err);

#endif
