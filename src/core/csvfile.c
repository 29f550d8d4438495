/* csvfile.c -- see csvfile.h. libcsv is push-based; we feed it one physical
 * line at a time so every row knows the line it started on, and queue the
 * finished rows for the pull API. */
#include <csv.h>

#include "core/csvfile.h"
#include "core/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct row_buf {
  cg_csv_row row; /* what callers see */
  size_t cap;     /* fields allocated */
} row_buf;

struct cg_csv {
  struct csv_parser p; /* libcsv state */
  FILE *f;             /* input */
  int owns_f;          /* fclose on close */
  char *name;          /* for messages */
  size_t max_field;    /* cap on one field's bytes */
  char *line;          /* getline buffer */
  size_t line_cap;     /* its size */
  long line_no;        /* physical line last fed */
  long row_start;      /* line where the open row began, 0 = none */
  row_buf cur;         /* row being built */
  row_buf *queue;      /* finished rows */
  size_t q_len, q_cap, q_pos;
  int eof;          /* input exhausted and csv_fini done */
  int first;        /* before the first line (BOM check) */
  cg_error pending; /* error found inside a callback */
  int failed;       /* pending is set */
};

static void rows_clear(cg_csv *r)
{
  size_t i, j;

  for(i = 0; i < r->q_len; i++) {
    for(j = 0; j < r->queue[i].row.n; j++)
      free(r->queue[i].row.fields[j]);
    r->queue[i].row.n = 0;
  }
  r->q_len = 0;
  r->q_pos = 0;
}

static void row_free(row_buf *b)
{
  size_t j;

  for(j = 0; j < b->row.n; j++)
    free(b->row.fields[j]);
  free(b->row.fields);
  b->row.fields = NULL;
  b->row.n = 0;
  b->cap = 0;
}

static void on_field(void *s, size_t len, void *data)
{
  cg_csv *r = data;
  char *copy;
  long bad;

  if(r->failed)
    return;
  if(len > r->max_field) {
    cg_error_set(&r->pending, CG_EINVAL,
                 "%s:%ld: field %zu is %zu bytes, over the limit of %zu",
                 r->name, r->row_start, r->cur.row.n + 1, len, r->max_field);
    r->failed = 1;
    return;
  }
  bad = cg_text_invalid_at(s, len);
  if(bad >= 0) {
    cg_error_set(&r->pending, CG_EINVAL,
                 "%s:%ld: field %zu is not valid UTF-8 (byte %ld)", r->name,
                 r->row_start, r->cur.row.n + 1, bad + 1);
    r->failed = 1;
    return;
  }
  if(memchr(s, '\0', len)) {
    cg_error_set(&r->pending, CG_EINVAL, "%s:%ld: field %zu contains NUL",
                 r->name, r->row_start, r->cur.row.n + 1);
    r->failed = 1;
    return;
  }
  if(r->cur.row.n == r->cur.cap) {
    size_t cap = r->cur.cap ? r->cur.cap * 2 : 32;
    char **fs = realloc(r->cur.row.fields, cap * sizeof(*fs));
    if(!fs)
      goto oom;
    r->cur.row.fields = fs;
    r->cur.cap = cap;
  }
  copy = malloc(len + 1);
  if(!copy)
    goto oom;
  memcpy(copy, s, len);
  copy[len] = '\0';
  r->cur.row.fields[r->cur.row.n++] = copy;
  return;
oom:
  cg_error_set(&r->pending, CG_ENOMEM, "%s: out of memory", r->name);
  r->failed = 1;
}

static void on_row(int c, void *data)
{
  cg_csv *r = data;
  row_buf *b;

  (void)c;
  if(r->failed)
    return;
  if(r->q_len == r->q_cap) {
    size_t cap = r->q_cap ? r->q_cap * 2 : 8;
    row_buf *q = realloc(r->queue, cap * sizeof(*q));
    if(!q) {
      cg_error_set(&r->pending, CG_ENOMEM, "%s: out of memory", r->name);
      r->failed = 1;
      return;
    }
    memset(q + r->q_cap, 0, (cap - r->q_cap) * sizeof(*q));
    r->queue = q;
    r->q_cap = cap;
  }
  /* Swap the built row into the queue slot; the slot's old (empty)
   * buffers become the next row's. */
  b = &r->queue[r->q_len++];
  {
    row_buf tmp = *b;
    *b = r->cur;
    r->cur = tmp;
    r->cur.row.n = 0;
  }
  b->row.line = r->row_start;
  r->row_start = 0;
}

static int open_common(cg_csv **out, const char *name, FILE *f, int owns,
                       size_t max_field, cg_error *err)
{
  cg_csv *r = calloc(1, sizeof(*r));

  *out = NULL;
  if(!r) {
    if(owns)
      fclose(f);
    return cg_error_set(err, CG_ENOMEM, "%s: out of memory", name);
  }
  r->f = f;
  r->owns_f = owns;
  r->max_field = max_field ? max_field : CG_CSV_MAX_FIELD_DEFAULT;
  r->first = 1;
  r->name = strdup(name);
  if(!r->name ||
     csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    cg_csv_close(r);
    return cg_error_set(err, CG_ENOMEM, "%s: out of memory", name);
  }
  *out = r;
  return CG_OK;
}

int cg_csv_open(cg_csv **out, const char *path, size_t max_field,
                cg_error *err)
{
  struct stat sb;
  FILE *f;

  *out = NULL;
  if(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
    return cg_error_set(err, CG_ENOTFOUND, "%s: is a directory, not a file",
                        path);
  f = fopen(path, "rb");
  if(!f) {
    int e = errno;
    cg_error_set(err, e == ENOENT ? CG_ENOTFOUND : CG_EIO, "%s: %s", path,
                 strerror(e));
    if(err)
      err->sys_errno = e;
    return err ? err->code : CG_EIO;
  }
  return open_common(out, path, f, 1, max_field, err);
}

int cg_csv_open_mem(cg_csv **out, const char *name, const char *buf,
                    size_t len, size_t max_field, cg_error *err)
{
  FILE *f;

  *out = NULL;
  if(len == 0)
    f = fopen("/dev/null", "rb");
  else
    f = fmemopen((void *)buf, len, "rb");
  if(!f)
    return cg_error_set(err, CG_EIO, "%s: %s", name, strerror(errno));
  return open_common(out, name, f, 1, max_field, err);
}

static int is_blank(const char *s, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    if(s[i] != '\r' && s[i] != '\n')
      return 0;
  return 1;
}

/* Feeds lines until at least one row is queued or input ends. */
static int fill(cg_csv *r, cg_error *err)
{
  while(r->q_len == 0 && !r->eof) {
    ssize_t n = getline(&r->line, &r->line_cap, r->f);
    char *s = r->line;
    size_t len;

    if(n < 0) {
      if(ferror(r->f))
        return cg_error_set(err, CG_EIO, "%s: read error", r->name);
      if(csv_fini(&r->p, on_field, on_row, r) != 0) {
        return cg_error_set(err, CG_EINVAL,
                            "%s:%ld: unterminated quoted field at end of "
                            "file",
                            r->name, r->row_start ? r->row_start : r->line_no);
      }
      r->eof = 1;
      break;
    }
    len = (size_t)n;
    r->line_no++;
    if(r->first) {
      r->first = 0;
      if(len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
      }
    }
    if(r->row_start == 0) {
      if(is_blank(s, len))
        continue;
      r->row_start = r->line_no;
    }
    if(csv_parse(&r->p, s, len, on_field, on_row, r) != len) {
      return cg_error_set(err, CG_EINVAL, "%s:%ld: malformed CSV: %s", r->name,
                          r->line_no, csv_strerror(csv_error(&r->p)));
    }
    if(r->failed) {
      if(err)
        *err = r->pending;
      return r->pending.code;
    }
  }
  if(r->failed) {
    if(err)
      *err = r->pending;
    return r->pending.code;
  }
  return CG_OK;
}

int cg_csv_next(cg_csv *r, const cg_csv_row **row_out, cg_error *err)
{
  int rc;

  *row_out = NULL;
  if(r->q_pos >= r->q_len) {
    rows_clear(r);
    rc = fill(r, err);
    if(rc != CG_OK)
      return rc;
    if(r->q_len == 0)
      return 0;
  }
  *row_out = &r->queue[r->q_pos++].row;
  return 1;
}

void cg_csv_close(cg_csv *r)
{
  size_t i;

  if(!r)
    return;
  csv_free(&r->p);
  rows_clear(r);
  for(i = 0; i < r->q_cap; i++)
    row_free(&r->queue[i]);
  free(r->queue);
  row_free(&r->cur);
  if(r->f && r->owns_f)
    fclose(r->f);
  free(r->line);
  free(r->name);
  free(r);
}

int cg_csv_header_init(cg_csv_header *h, const cg_csv_row *row,
                       const char *name, cg_error *err)
{
  size_t i, j;

  h->n = 0;
  h->names = calloc(row->n ? row->n : 1, sizeof(char *));
  if(!h->names)
    return cg_error_set(err, CG_ENOMEM, "%s: out of memory", name);
  for(i = 0; i < row->n; i++) {
    const char *s = row->fields[i];
    size_t len = strlen(s);
    while(len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
      len--;
    while(len && (*s == ' ' || *s == '\t')) {
      s++;
      len--;
    }
    if(len == 0) {
      cg_csv_header_free(h);
      return cg_error_set(err, CG_EINVAL, "%s:%ld: column %zu has no name",
                          name, row->line, i + 1);
    }
    h->names[i] = strndup(s, len);
    if(!h->names[i]) {
      cg_csv_header_free(h);
      return cg_error_set(err, CG_ENOMEM, "%s: out of memory", name);
    }
    h->n = i + 1;
    for(j = 0; j < i; j++) {
      if(strcmp(h->names[j], h->names[i]) == 0) {
        int rc =
            cg_error_set(err, CG_EINVAL, "%s:%ld: column \"%s\" appears twice",
                         name, row->line, h->names[i]);
        cg_csv_header_free(h);
        return rc;
      }
    }
  }
  return CG_OK;
}

int cg_csv_header_find(const cg_csv_header *h, const char *name)
{
  size_t i;

  for(i = 0; i < h->n; i++)
    if(strcmp(h->names[i], name) == 0)
      return (int)i;
  return -1;
}

void cg_csv_header_free(cg_csv_header *h)
{
  size_t i;

  if(!h->names)
    return;
  for(i = 0; i < h->n; i++)
    free(h->names[i]);
  free(h->names);
  h->names = NULL;
  h->n = 0;
}

int cg_csv_write_field(FILE *f, const char *s, int neutralise)
{
  if(!s)
    s = "";
  if(neutralise && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                    s[0] == '\t' || s[0] == '\r')) {
    /* Quote so the leading apostrophe stays part of one field. */
    if(fputs("\"'", f) == EOF)
      return CG_EIO;
    for(; *s; s++) {
      if(*s == '"' && fputc('"', f) == EOF)
        return CG_EIO;
      if(fputc(*s, f) == EOF)
        return CG_EIO;
    }
    return fputc('"', f) == EOF ? CG_EIO : CG_OK;
  }
  if(csv_fwrite(f, s, strlen(s)) != 0)
    return CG_EIO;
  return CG_OK;
}

int cg_csv_write_sep(FILE *f)
{
  return fputc(',', f) == EOF ? CG_EIO : CG_OK;
}

int cg_csv_write_eol(FILE *f)
{
  return fputs("\r\n", f) == EOF ? CG_EIO : CG_OK;
}
