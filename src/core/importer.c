/* importer.c -- see importer.h. */
#include "core/importer.h"
#include "core/text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cg_import_fail(cg_import *im, cg_error *err, const char *fmt, ...)
{
  char msg[400];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  return cg_error_set(err, CG_EINVAL, "%s:%ld: %s", im->path,
                      im->row ? im->row->line : 1L, msg);
}

int cg_import_open(cg_import *im, const char *path, const char *const *columns,
                   const char *const *required, cg_error *err)
{
  int rc, k;
  size_t i;

  memset(im, 0, sizeof(*im));
  im->path = path;
  im->columns = columns;
  rc = cg_csv_open(&im->r, path, 0, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_csv_next(im->r, &im->row, err);
  if(rc == 0)
    rc = cg_error_set(err, CG_EINVAL,
                      "%s: empty file (a header row is "
                      "required)",
                      path);
  if(rc < 0)
    goto fail;
  rc = cg_csv_header_init(&im->h, im->row, path, err);
  if(rc != CG_OK)
    goto fail;
  if(!columns)
    return CG_OK; /* im->row stays the header row, for its line number */
  for(k = 0; columns[k]; k++)
    im->map[k] = cg_csv_header_find(&im->h, columns[k]);
  for(i = 0; i < im->h.n; i++) {
    for(k = 0; columns[k]; k++)
      if(strcmp(columns[k], im->h.names[i]) == 0)
        break;
    if(!columns[k]) {
      rc = cg_import_fail(im, err, "unknown column \"%s\"", im->h.names[i]);
      goto fail;
    }
  }
  for(k = 0; required && required[k]; k++) {
    if(cg_csv_header_find(&im->h, required[k]) < 0) {
      rc = cg_import_fail(im, err, "missing required column \"%s\"",
                          required[k]);
      goto fail;
    }
  }
  im->row = NULL;
  return CG_OK;
fail:
  cg_import_close(im);
  return rc;
}

int cg_import_next(cg_import *im, cg_error *err)
{
  int rc = cg_csv_next(im->r, &im->row, err);
  size_t i;

  if(rc == 0 && im->rows == 0)
    return cg_error_set(err, CG_EINVAL, "%s: header but no rows", im->path);
  if(rc != 1)
    return rc;
  if(im->row->n != im->h.n)
    return cg_import_fail(im, err, "%zu fields, the header has %zu",
                          im->row->n, im->h.n);
  for(i = 0; i < im->row->n; i++) {
    const char *f = im->row->fields[i];
    int cp = 0;
    long at = cg_text_hidden_at(f, strlen(f), &cp);
    if(at >= 0)
      return cg_import_fail(im, err,
                            "%s: invisible or control character U+%04X at "
                            "byte %ld (two values that look the same "
                            "would differ)",
                            im->h.names[i], (unsigned)cp, at + 1);
  }
  im->rows++;
  return 1;
}

void cg_import_close(cg_import *im)
{
  cg_csv_header_free(&im->h);
  cg_csv_close(im->r);
  im->r = NULL;
}

const char *cg_import_field(const cg_import *im, int k)
{
  if(!im->columns || im->map[k] < 0 || !im->row)
    return "";
  return im->row->fields[im->map[k]];
}

int cg_import_text(cg_import *im, int k, char *buf, size_t size, cg_error *err)
{
  const char *s;
  size_t n;

  buf[0] = '\0';
  if(im->map[k] < 0)
    return CG_OK;
  s = im->row->fields[im->map[k]];
  while(*s == ' ' || *s == '\t')
    s++;
  n = strlen(s);
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if(n >= size)
    return cg_import_fail(im, err, "%s: longer than %zu bytes", im->columns[k],
                          size - 1);
  memcpy(buf, s, n);
  buf[n] = '\0';
  return CG_OK;
}

int cg_import_required(cg_import *im, int k, char *buf, size_t size,
                       cg_error *err)
{
  int rc = cg_import_text(im, k, buf, size, err);

  if(rc == CG_OK && !buf[0])
    return cg_import_fail(im, err, "%s is empty", im->columns[k]);
  return rc;
}

int cg_import_parse_positive(const char *where, const char *name,
                             const char *s, int64_t *out, cg_error *err)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll(s, &end, 10);
  if(*end || end == s)
    return cg_error_set(err, CG_EINVAL, "%s: %s: \"%s\" is not a whole number",
                        where, name, s);
  if(v <= 0 && errno != ERANGE)
    return cg_error_set(err, CG_EINVAL, "%s: %s: %s must be positive", where,
                        name, s);
  if(errno == ERANGE || v > CG_IMPORT_MAX_QTY)
    return cg_error_set(err, CG_EINVAL,
                        "%s: %s: %s is out of range (at most %lld)", where,
                        name, s, (long long)CG_IMPORT_MAX_QTY);
  *out = v;
  return CG_OK;
}

int cg_import_parse_date(const char *where, const char *name, const char *s,
                         cg_error *err)
{
  if(!cg_date_valid(s))
    return cg_error_set(err, CG_EINVAL,
                        "%s: %s: \"%s\" is not a date (YYYY-MM-DD)", where,
                        name, s);
  return CG_OK;
}

/* "file:line" of the current row, for the parsers above. */
static void row_where(const cg_import *im, char *buf, size_t size)
{
  snprintf(buf, size, "%s:%ld", im->path, im->row ? im->row->line : 1L);
}

int cg_import_positive(cg_import *im, int k, int required, int64_t *out,
                       cg_error *err)
{
  char buf[32], where[300];
  int rc = cg_import_text(im, k, buf, sizeof(buf), err);

  *out = -1;
  if(rc != CG_OK)
    return rc;
  if(!buf[0]) {
    if(required)
      return cg_import_fail(im, err, "%s is empty", im->columns[k]);
    return CG_OK;
  }
  row_where(im, where, sizeof(where));
  return cg_import_parse_positive(where, im->columns[k], buf, out, err);
}

int cg_import_date(cg_import *im, int k, int required, char buf[11],
                   cg_error *err)
{
  char tmp[64], where[300];
  int rc = cg_import_text(im, k, tmp, sizeof(tmp), err);

  buf[0] = '\0';
  if(rc != CG_OK)
    return rc;
  if(!tmp[0]) {
    if(required)
      return cg_import_fail(im, err, "%s is empty", im->columns[k]);
    return CG_OK;
  }
  row_where(im, where, sizeof(where));
  rc = cg_import_parse_date(where, im->columns[k], tmp, err);
  if(rc == CG_OK)
    memcpy(buf, tmp, 11);
  return rc;
}

/* Adds "file:line: " unless the message already starts with it (the
 * typed field parsers write it themselves). */
static void name_line(const cg_import *im, cg_error *err)
{
  char head[300];
  long line = im->row ? im->row->line : 1L;
  int n;

  if(!err)
    return;
  n = snprintf(head, sizeof(head), "%s:%ld:", im->path, line);
  if(n > 0 && strncmp(err->msg, head, (size_t)n) == 0)
    return;
  cg_error_prefix(err, "%s:%ld", im->path, line);
}

static _Thread_local cg_import_watch *watch;

void cg_import_watch_set(cg_import_watch *w)
{
  watch = w;
}

cg_import_watch *cg_import_watch_get(void)
{
  return watch;
}

int64_t cg_import_count_lines_mem(const char *buf, size_t len)
{
  const char *p = buf, *end = buf + len, *nl;
  int64_t n = 0;

  while(p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    n++;
    p = nl + 1;
  }
  return n + (p < end);
}

int64_t cg_import_count_lines(const char *path)
{
  char buf[65536];
  struct stat sb;
  FILE *f;
  int64_t n = 0;
  size_t got;
  int last = '\n';

  /* Only a regular file can be read twice: counting a pipe
   * (/dev/stdin, <(...)) would leave nothing to import. */
  if(stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
    return 0;
  f = fopen(path, "rb");
  if(!f)
    return 0;
  while((got = fread(buf, 1, sizeof(buf), f)) > 0) {
    n += cg_import_count_lines_mem(buf, got) - (buf[got - 1] != '\n');
    last = buf[got - 1];
  }
  fclose(f);
  return n + (last != '\n');
}

/* The watch's progress every 256 rows: a call per row costs more than
 * the screen can show. */
static void tick(const cg_import *im, int64_t total)
{
  if(watch && watch->progress && im->rows % 256 == 0)
    watch->progress(watch->arg, im->row->line, total);
}

int cg_import_run(cg_store *db, const char *path, const cg_import_spec *spec,
                  void *arg, size_t *count_out, cg_error *err)
{
  cg_import im;
  size_t count = 0;
  int64_t total = 0;
  int rc, in_tx = 0;

  *count_out = 0;
  if(watch) {
    watch->rows = watch->skipped = 0;
    total = watch->progress ? cg_import_count_lines(path) : 0;
  }
  rc = cg_import_open(&im, path, spec->columns, spec->required, err);
  if(rc != CG_OK)
    return rc;
  if(spec->header) {
    rc = spec->header(arg, &im, err);
    if(rc != CG_OK)
      goto done;
  }
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    goto done;
  in_tx = 1;
  while((rc = cg_import_next(&im, err)) == 1) {
    rc = spec->row(arg, &im, err);
    if(rc < 0) {
      name_line(&im, err);
      break;
    }
    count += rc > 0;
    tick(&im, total);
  }
  if(rc == 0)
    rc = cg_store_commit(db, err);
  if(rc == CG_OK) {
    in_tx = 0;
    *count_out = count;
    if(watch) {
      watch->rows = (size_t)im.rows;
      watch->skipped = (size_t)im.rows - count;
      if(watch->progress)
        watch->progress(watch->arg, total, total);
    }
  }
done:
  if(in_tx)
    cg_store_rollback(db);
  cg_import_close(&im);
  return rc;
}
