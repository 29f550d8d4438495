/* importer.h -- the shared shape of every CSV import: a required header
 * whose columns are matched by name in any order, rows with exactly the
 * header's field count, typed field parsers whose errors read
 * "file:line: column: what", and at least one row.
 *
 * cg_import_run is the one driver every importer (chips, customers,
 * licences, orders) goes through: it opens the file, begins the
 * transaction, hands each row to the importer's callback, names FILE:LINE
 * in every row error, and commits only if every row was accepted -- one
 * bad row leaves the database exactly as it was. The lower-level
 * cg_import_open/next/close only read; they own no transaction. */
#ifndef CG_IMPORTER_H
#define CG_IMPORTER_H

#include <stdint.h>

#include "core/clock.h" /* cg_date_valid */
#include "core/csvfile.h"
#include "core/error.h"
#include "core/store.h"

#define CG_IMPORT_MAX_COLS 32
/* Largest quantity accepted anywhere (orders, licences, --qty): far above
 * any real order, far below where sums could overflow. */
#define CG_IMPORT_MAX_QTY 1000000000LL

typedef struct cg_import {
  cg_csv *r;                   /* the reader */
  cg_csv_header h;             /* the header */
  const char *path;            /* for messages */
  const char *const *columns;  /* known columns, NULL-terminated */
  int map[CG_IMPORT_MAX_COLS]; /* column k -> field index or -1 */
  const cg_csv_row *row;       /* current row */
  long rows;                   /* rows returned so far */
} cg_import;

/* Opens path and reads its header. Every header name must be in columns;
 * every column whose name is in required must be present. columns NULL
 * skips both checks (the caller reads im->h itself). */
int cg_import_open(cg_import *im, const char *path, const char *const *columns,
                   const char *const *required, cg_error *err);

/* 1 = a row is current, 0 = end, <0 = error (wrong field count, or no
 * rows at all). */
int cg_import_next(cg_import *im, cg_error *err);

void cg_import_close(cg_import *im);

/* Field k of the current row as it is in the file (borrowed until the
 * next row); "" if the column is absent. */
const char *cg_import_field(const cg_import *im, int k);

/* Field k of the current row, trimmed into buf; "" if absent. Over-long
 * values are an error. */
int cg_import_text(cg_import *im, int k, char *buf, size_t size,
                   cg_error *err);
/* Non-empty text. */
int cg_import_required(cg_import *im, int k, char *buf, size_t size,
                       cg_error *err);
/* Integer > 0; empty gives *out = -1 unless required. */
int cg_import_positive(cg_import *im, int k, int required, int64_t *out,
                       cg_error *err);
/* YYYY-MM-DD; empty allowed unless required (then *buf = ""). */
int cg_import_date(cg_import *im, int k, int required, char buf[11],
                   cg_error *err);
/* The parsers behind cg_import_positive and cg_import_date, for a value
 * that did not come from a CSV cell (a sync document): same checks, same
 * words, messages "<where>: <name>: what". s is trimmed and non-empty. */
int cg_import_parse_positive(const char *where, const char *name,
                             const char *s, int64_t *out, cg_error *err);
int cg_import_parse_date(const char *where, const char *name, const char *s,
                         cg_error *err);
/* Formats "file:line: " + message as an import error (CG_EINVAL). */
int cg_import_fail(cg_import *im, cg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ===================== The import driver ===================== */

typedef struct cg_import_spec {
  const char *const *columns;  /* known columns, NULL-terminated; NULL:
                                  the header callback checks them */
  const char *const *required; /* required columns; may be NULL */
  /* Optional: called once after the header is read, before the
   * transaction (map columns, prepare statements). Its messages must name
   * the file themselves. */
  int (*header)(void *arg, cg_import *im, cg_error *err);
  /* Called for every row inside the transaction. Returns 1 if the row
   * counts (stored), 0 if it does not (already present, unchanged), or a
   * negative CG_E* code; a message without the "file:line: " prefix gets
   * it added. Must neither begin, commit nor roll back. */
  int (*row)(void *arg, cg_import *im, cg_error *err);
} cg_import_spec;

/* What an import on this thread reports besides its count, for the
 * command line: thread-local, so the importers keep their signatures
 * (the demo and the fuzzers call them too). */
typedef struct cg_import_watch {
  /* Called as rows are read with done of total lines of the file (counted
   * before the import: a read at disk speed), and done = total at the
   * end. May be NULL. */
  void (*progress)(void *arg, int64_t done, int64_t total);
  void *arg;
  int64_t total;  /* lines of the file being read, for importers that do
                     not go through cg_import_run (party lists) */
  size_t rows;    /* out: data rows of the last cg_import_run */
  size_t skipped; /* out: of them, rows that did not count (already
                     stored with the same content, or repeated) */
} cg_import_watch;

/* Watches this thread's imports (NULL: none). */
void cg_import_watch_set(cg_import_watch *w);
cg_import_watch *cg_import_watch_get(void);

/* Lines of the file at path (a last line without "\n" counts), or of
 * buf; 0 if it cannot be read or is not a regular file (a pipe is
 * read once, by the import). */
int64_t cg_import_count_lines(const char *path);
int64_t cg_import_count_lines_mem(const char *buf, size_t len);

/* Imports path in ONE transaction (BEGIN IMMEDIATE ... COMMIT): all rows
 * or none. *count_out is the number of rows that counted, 0 on error.
 * Errors: the file's (CG_EIO), the header's and every row's (CG_EINVAL,
 * "file:line: what"), the database's (CG_EDB, also prefixed). */
int cg_import_run(cg_store *db, const char *path, const cg_import_spec *spec,
                  void *arg, size_t *count_out, cg_error *err);

#endif
