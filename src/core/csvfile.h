/* csvfile.h -- RFC 4180 CSV reading and writing; the only door to libcsv.
 *
 * The reader is pull-based and streaming: memory does not grow with the
 * file. It accepts a UTF-8 BOM and CRLF line ends, refuses invalid UTF-8,
 * unterminated quotes and over-long fields, and reports errors as
 * "name:line: what". A row and its fields are borrowed until the next call
 * to cg_csv_next or cg_csv_close. */
#ifndef CG_CSV_H
#define CG_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

typedef struct cg_csv cg_csv;

typedef struct cg_csv_row {
  size_t n;      /* number of fields */
  char **fields; /* NUL-terminated field texts */
  long line;     /* 1-based line on which the row starts */
} cg_csv_row;

#define CG_CSV_MAX_FIELD_DEFAULT (64 * 1024)

/* Opens path for reading. max_field = 0 uses the default cap. */
int cg_csv_open(cg_csv **out, const char *path, size_t max_field,
                cg_error *err);
/* Reads from memory; name is used in messages. buf must outlive r. */
int cg_csv_open_mem(cg_csv **out, const char *name, const char *buf,
                    size_t len, size_t max_field, cg_error *err);

/* 1 = *row_out is the next row, 0 = end of input, <0 = error. Rows that are
 * entirely empty lines are skipped. */
int cg_csv_next(cg_csv *r, const cg_csv_row **row_out, cg_error *err);

void cg_csv_close(cg_csv *r);

/* A header row mapped by name. */
typedef struct cg_csv_header {
  size_t n;     /* columns */
  char **names; /* owned copies */
} cg_csv_header;

/* Copies row into h (caller frees with cg_csv_header_free). Duplicate or
 * empty column names are CG_EINVAL. */
int cg_csv_header_init(cg_csv_header *h, const cg_csv_row *row,
                       const char *name, cg_error *err);
/* Column index of name (exact, case-sensitive), or -1. */
int cg_csv_header_find(const cg_csv_header *h, const char *name);
void cg_csv_header_free(cg_csv_header *h);

/* Writes one field, quoted when needed. With neutralise set, a value that
 * starts with = + - @ (or tab/CR) is prefixed with ' so spreadsheets do not
 * run it as a formula. Returns CG_EIO on a write error. */
int cg_csv_write_field(FILE *f, const char *s, int neutralise);
/* Writes the separator ',' or the row end "\r\n". */
int cg_csv_write_sep(FILE *f);
int cg_csv_write_eol(FILE *f);

#endif
