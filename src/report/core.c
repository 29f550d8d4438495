/* core.c -- the report writer: streams, tallies for the summary, and the
 * whole-batch helpers (see report.h). */
#include "report/report_int.h"

#include <errno.h>
#include <fcntl.h>
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
  if(!r->opts.row_cap)
    r->opts.row_cap = CG_REPORT_ROW_CAP;
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

int cg_report_set_batch(cg_report *r, const cg_report_batch *batch,
                        cg_error *err)
{
  if(r->started)
    return cg_error_set(err, CG_EUSAGE, "report: batch set too late");
  r->batch = *batch;
  if(!(r->batch.mfu > 0))
    r->batch.mfu = CG_MFU_DEFAULT;
  return CG_OK;
}

void cg_report_set_licenses(cg_report *r, const cg_json *licenses)
{
  r->batch.licenses = licenses;
}

void cg_report_set_audit_head(cg_report *r, const char *audit_head)
{
  r->batch.audit_head = audit_head;
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

/* A new file only this user can read, never through a link: a stale
 * temp file or a symlink planted at the name is removed first (unlink
 * removes the link, not what it points to), then the name is created
 * exclusively, so a link planted in between makes this fail instead of
 * writing through it. NULL with errno set on failure. */
static FILE *create_exclusive(const char *path, int *fd_out)
{
  FILE *f;
  int fd;

  if(unlink(path) != 0 && errno != ENOENT)
    return NULL;
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if(fd < 0)
    return NULL;
  f = fdopen(fd, "wb");
  *fd_out = fd;
  if(!f) {
    int e = errno;
    close(fd);
    unlink(path);
    errno = e;
  }
  return f;
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
    if((size_t)snprintf(r->path[i], sizeof(r->path[i]), "%s/report.%s", dir,
                        format_ext[i]) >= sizeof(r->path[i]) ||
       (size_t)snprintf(r->tmp[i], sizeof(r->tmp[i]), "%s.tmp", r->path[i]) >=
           sizeof(r->tmp[i])) {
      r->path[i][0] = r->tmp[i][0] = '\0';
      return cg_error_set(err, CG_EUSAGE,
                          "report folder %s: path too long (at most %zu "
                          "bytes)",
                          dir, sizeof(r->tmp[i]) - 16);
    }
    r->f[i] = create_exclusive(r->tmp[i], &r->fd[i]);
    if(!r->f[i]) {
      int e = errno;
      cg_error_set(err, CG_EIO, "%s: %s", r->tmp[i], strerror(e));
      if(err)
        err->sys_errno = e;
      r->path[i][0] = r->tmp[i][0] = '\0';
      return CG_EIO;
    }
    r->owned[i] = 1;
    /* Large writes: the JSON report is ~3.6 KB per order, which through
     * the default 4 KB buffer is a write(2) per order. glibc ignores the
     * size when setvbuf gets no buffer, so it is ours (freed after
     * fclose); without one the stream keeps its default. */
    r->vbuf[i] = malloc(CG_RP_VBUF);
    if(r->vbuf[i] && setvbuf(r->f[i], r->vbuf[i], _IOFBF, CG_RP_VBUF) != 0) {
      free(r->vbuf[i]);
      r->vbuf[i] = NULL;
    }
  }
  return CG_OK;
}

const char *cg_report_path(const cg_report *r, int format)
{
  if(format < 0 || format >= CG_REPORT_NFORMATS || !r->owned[format])
    return NULL;
  return r->path[format];
}

/* Closes m's stream (its text stays in m->buf); 0 on success. */
static int mem_close(cg_rp_mem *m)
{
  int bad;

  if(!m->f)
    return 0;
  bad = ferror(m->f) != 0;
  bad = fclose(m->f) != 0 || bad;
  m->f = NULL;
  return bad;
}

void cg_report_free(cg_report *r)
{
  int k, j;

  if(!r)
    return;
  for(k = 0; k < CG_REPORT_NFORMATS; k++) {
    if(r->owned[k] && r->f[k]) {
      fclose(r->f[k]);
      unlink(r->tmp[k]);
    }
    free(r->vbuf[k]);
  }
  for(k = 0; k < CG_RP_NDEC; k++)
    for(j = 0; j < 2; j++) {
      mem_close(&r->grp[k].rows[j]);
      mem_close(&r->grp[k].detail[j]);
      free(r->grp[k].rows[j].buf);
      free(r->grp[k].detail[j].buf);
    }
  for(k = 0; k < 5; k++)
    cg_rp_buf_free(&r->csv[k]);
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

/* m's stream, opened on first use; NULL on OOM. */
static FILE *mem_stream(cg_rp_mem *m)
{
  if(!m->f)
    m->f = open_memstream(&m->buf, &m->len);
  return m->f;
}

/* Writes d's Markdown and HTML index row and section, if its outcome dx
 * has room for them, as it arrives (the documents are written at the end,
 * after the summary): nothing of d is kept. Past both caps an order costs
 * nothing here. */
static int add_detail(cg_report *r, const cg_decision *d, int dx,
                      cg_error *err)
{
  static const int fmt[2] = { CG_REPORT_MD, CG_REPORT_HTML };
  cg_rp_group *g = &r->grp[dx];
  int row = g->n_rows < r->opts.row_cap;
  int sec = g->n_detail < r->opts.detail_cap;
  cg_rp_out o;
  int k;

  if(!row && !sec)
    return CG_OK;
  for(k = 0; k < 2; k++) {
    if(!r->f[fmt[k]])
      continue;
    o.html = k;
    if(row) {
      o.f = mem_stream(&g->rows[k]);
      if(!o.f)
        return oom(err);
      cg_rp_doc_index_row(&o, d, r->n - 1, sec);
    }
    if(sec) {
      o.f = mem_stream(&g->detail[k]);
      if(!o.f)
        return oom(err);
      cg_rp_doc_order(&o, d, r->n - 1);
    }
  }
  g->n_rows += (size_t)row;
  g->n_detail += (size_t)sec;
  return CG_OK;
}

int cg_report_add(cg_report *r, const cg_decision *d, const char *json,
                  size_t len, cg_error *err)
{
  int dx, rc;

  if(r->ended)
    return cg_error_set(err, CG_EUSAGE, "report: add after end");
  start(r);
  dx = cg_rp_decision_index(d->decision);
  rc = cg_rp_tally_add(r, d, dx, err);
  if(rc != CG_OK)
    return rc;
  r->dec[dx]++;
  r->n++;
  if(r->f[CG_REPORT_JSON]) {
    rc = cg_rp_json_add(r, r->f[CG_REPORT_JSON], d, json, len, err);
    if(rc != CG_OK)
      return rc;
  }
  if(r->f[CG_REPORT_CSV]) {
    rc = cg_rp_csv_add(r, r->f[CG_REPORT_CSV], d, err);
    if(rc != CG_OK)
      return rc;
  }
  if(r->f[CG_REPORT_MD] || r->f[CG_REPORT_HTML])
    return add_detail(r, d, dx, err);
  return CG_OK;
}

/* ===== finishing ==========================================================
 */

static int finish_stream(cg_report *r, int k, cg_error *err)
{
  FILE *f = r->f[k];
  int bad = fflush(f) != 0 || ferror(f);

  if(r->owned[k]) {
    /* On disk before the rename: after a power cut the report is the
     * old one or the whole new one, never an empty file under its name.
     * The descriptor from open(), not fileno(): a stream may be a
     * wrapper (the fault-injection binary's) without one. */
    bad = bad || fsync(r->fd[k]) != 0;
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
  int rc = CG_OK, k, j;

  if(r->ended)
    return cg_error_set(err, CG_EUSAGE, "report: ended twice");
  start(r);
  r->ended = 1;
  for(k = 0; k < CG_RP_NDEC; k++)
    for(j = 0; j < 2; j++) {
      int bad = mem_close(&r->grp[k].rows[j]);
      bad = mem_close(&r->grp[k].detail[j]) || bad;
      if(bad && rc == CG_OK)
        rc = oom(err);
    }
  if(rc == CG_OK && r->f[CG_REPORT_JSON])
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

/* ===== whole-batch helpers ================================================
 */

static int write_all(cg_report *r, const cg_report_input *in, cg_error *err)
{
  size_t i;
  int rc;

  for(i = 0; i < in->n_docs; i++) {
    const char *json = in->json ? in->json[i] : NULL;
    rc = cg_report_add(r, &in->decisions[i], json, json ? strlen(json) : 0,
                       err);
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
