/* util.c -- tallies, strings, escaping and templates for the report
 * writers (see report_int.h). */
#include "report/report_int.h"

#include "core/text.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Generated from reports/templates/ by cmake/embed_text.cmake. */
extern const char *const cg_templates[];
extern const char *const cg_template_names[];
extern const int cg_template_count;

/* ===== decisions ========================================================= */

int cg_rp_decision_index(cg_outcome o)
{
  return (int)o >= 0 && (int)o < CG_RP_NDEC - 1 ? (int)o : CG_RP_NDEC - 1;
}

const char *cg_rp_decision_name(int idx)
{
  return idx >= 0 && idx < CG_RP_NDEC - 1 ? cg_outcome_name((cg_outcome)idx)
                                          : "other";
}

const char *cg_rp_decision_color(int idx)
{
  static const char *const colors[CG_RP_NDEC] = { "#2e7d32", "#558b2f",
                                                  "#00838f", "#f9a825",
                                                  "#ef6c00", "#c62828",
                                                  "#6a1b1b", "#757575" };
  return colors[idx >= 0 && idx < CG_RP_NDEC ? idx : CG_RP_NDEC - 1];
}

/* ===== tallies ============================================================
 */

static uint64_t hash(const char *s)
{
  uint64_t h = 1469598103934665603ULL;

  for(; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}

static int grow(cg_rp_tally *t)
{
  size_t ncap = t->cap ? t->cap * 2 : 64, i, j;
  cg_rp_entry *ne = calloc(ncap, sizeof(*ne));

  if(!ne)
    return CG_ENOMEM;
  for(i = 0; i < t->cap; i++) {
    if(!t->e[i].key)
      continue;
    j = (size_t)hash(t->e[i].key) & (ncap - 1);
    while(ne[j].key)
      j = (j + 1) & (ncap - 1);
    ne[j] = t->e[i];
  }
  free(t->e);
  t->e = ne;
  t->cap = ncap;
  return CG_OK;
}

cg_rp_entry *cg_rp_tally_get(cg_rp_tally *t, const char *key)
{
  size_t j, len;
  cg_rp_entry *e;

  if(!key)
    key = "";
  if((t->n + 1) * 10 > t->cap * 7 && grow(t) != CG_OK)
    return NULL;
  j = (size_t)hash(key) & (t->cap - 1);
  while(t->e[j].key) {
    if(strcmp(t->e[j].key, key) == 0)
      return &t->e[j];
    j = (j + 1) & (t->cap - 1);
  }
  e = &t->e[j];
  len = strlen(key) + 1;
  e->key = malloc(len);
  if(!e->key)
    return NULL;
  memcpy(e->key, key, len);
  e->x = e->y = NAN;
  t->n++;
  return e;
}

static int by_count(const void *a, const void *b)
{
  const cg_rp_entry *x = *(const cg_rp_entry *const *)a;
  const cg_rp_entry *y = *(const cg_rp_entry *const *)b;

  if(x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp(x->key, y->key);
}

static int by_peak(const void *a, const void *b)
{
  const cg_rp_entry *x = *(const cg_rp_entry *const *)a;
  const cg_rp_entry *y = *(const cg_rp_entry *const *)b;

  if(x->sum.cluster_peak != y->sum.cluster_peak)
    return x->sum.cluster_peak > y->sum.cluster_peak ? -1 : 1;
  return strcmp(x->key, y->key);
}

size_t cg_rp_stops(const cg_rp_entry *e)
{
  return e->dec[CG_OUT_DENY] + e->dec[CG_OUT_LICENSE_REQUIRED] +
         e->dec[CG_OUT_HOLD];
}

static int by_stops(const void *a, const void *b)
{
  static const int order[] = { CG_OUT_DENY, CG_OUT_LICENSE_REQUIRED,
                               CG_OUT_HOLD };
  const cg_rp_entry *x = *(const cg_rp_entry *const *)a;
  const cg_rp_entry *y = *(const cg_rp_entry *const *)b;
  int i;

  for(i = 0; i < 3; i++)
    if(x->dec[order[i]] != y->dec[order[i]])
      return x->dec[order[i]] > y->dec[order[i]] ? -1 : 1;
  return by_count(a, b);
}

static cg_rp_entry **sorted(const cg_rp_tally *t, size_t *n_out,
                            int (*cmp)(const void *, const void *))
{
  cg_rp_entry **v = malloc((t->n ? t->n : 1) * sizeof(*v));
  size_t i, k = 0;

  *n_out = 0;
  if(!v)
    return NULL;
  for(i = 0; i < t->cap; i++)
    if(t->e[i].key)
      v[k++] = &t->e[i];
  qsort(v, k, sizeof(*v), cmp);
  *n_out = k;
  return v;
}

cg_rp_entry **cg_rp_tally_sorted(const cg_rp_tally *t, size_t *n_out)
{
  return sorted(t, n_out, by_count);
}

cg_rp_entry **cg_rp_tally_by_peak(const cg_rp_tally *t, size_t *n_out)
{
  return sorted(t, n_out, by_peak);
}

cg_rp_entry **cg_rp_tally_by_stops(const cg_rp_tally *t, size_t *n_out)
{
  return sorted(t, n_out, by_stops);
}

void cg_rp_tally_free(cg_rp_tally *t)
{
  size_t i;

  for(i = 0; i < t->cap; i++) {
    free(t->e[i].key);
    free(t->e[i].note);
    free(t->e[i].note2);
  }
  free(t->e);
  memset(t, 0, sizeof(*t));
}

int cg_rp_note_add(char **note, const char *s, const char *sep, size_t max)
{
  size_t have, add, slen;
  char *nn;

  if(!s || !*s)
    return CG_OK;
  if(*note && strstr(*note, s))
    return CG_OK;
  have = *note ? strlen(*note) : 0;
  slen = strlen(s);
  add = (have ? strlen(sep) : 0) + slen;
  if(have + add > max)
    return CG_OK; /* full: further values are dropped */
  nn = realloc(*note, have + add + 1);
  if(!nn)
    return CG_ENOMEM;
  if(have) {
    memcpy(nn + have, sep, strlen(sep));
    have += strlen(sep);
  }
  memcpy(nn + have, s, slen + 1);
  *note = nn;
  return CG_OK;
}

/* ===== growable string ====================================================
 */

static int buf_reserve(cg_rp_buf *b, size_t extra)
{
  size_t ncap;
  char *ns;

  if(b->oom)
    return CG_ENOMEM;
  if(b->n + extra + 1 <= b->cap)
    return CG_OK;
  ncap = b->cap ? b->cap : 64;
  while(ncap < b->n + extra + 1)
    ncap *= 2;
  ns = realloc(b->s, ncap);
  if(!ns) {
    b->oom = 1;
    return CG_ENOMEM;
  }
  b->s = ns;
  b->cap = ncap;
  return CG_OK;
}

void cg_rp_buf_add(cg_rp_buf *b, const char *s)
{
  size_t k = s ? strlen(s) : 0;

  if(buf_reserve(b, k) != CG_OK)
    return;
  if(k)
    memcpy(b->s + b->n, s, k);
  b->n += k;
  b->s[b->n] = '\0';
}

void cg_rp_buf_addf(cg_rp_buf *b, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  cg_rp_buf_add(b, tmp);
}

const char *cg_rp_buf_str(const cg_rp_buf *b)
{
  return b->s && !b->oom ? b->s : "";
}

void cg_rp_buf_reset(cg_rp_buf *b)
{
  b->n = 0;
  b->oom = 0;
  if(b->s)
    b->s[0] = '\0';
}

void cg_rp_buf_free(cg_rp_buf *b)
{
  free(b->s);
  memset(b, 0, sizeof(*b));
}

/* ===== reading decisions ================================================= */

double cg_rp_known(double v)
{
  return isfinite(v) ? v : NAN;
}

const char *cg_rp_num_text(char *buf, size_t n, double v)
{
  /* never rounded across a threshold (core/text.h) */
  if(isfinite(v))
    cg_text_num_sig(buf, n, v, 6);
  else
    buf[0] = '\0';
  return buf;
}

const char *cg_rp_tristate(int v)
{
  return v > 0 ? "yes" : v == 0 ? "no" : "";
}

double cg_rp_workload_days(const cg_decision_workload *w, const char *prefix)
{
  size_t i;

  for(i = 0; i < w->nworkloads; i++)
    if(w->workloads[i].name &&
       strncmp(w->workloads[i].name, prefix, strlen(prefix)) == 0)
      return cg_rp_known(w->workloads[i].days);
  return NAN;
}

void cg_rp_missing_text(cg_rp_buf *b, uint64_t mask, const char *sep)
{
  int i, first = 1;

  for(i = 0; i < CG_F_COUNT && i < 64; i++) {
    if(!(mask & ((uint64_t)1 << i)))
      continue;
    if(!first)
      cg_rp_buf_add(b, sep);
    cg_rp_buf_add(b, cg_fact_name(i));
    first = 0;
  }
}

/* ===== formatting and escaping ============================================
 */

const char *cg_rp_fmt(char *buf, size_t n, double v)
{
  if(isnan(v))
    snprintf(buf, n, "unknown");
  else if(isinf(v))
    snprintf(buf, n, "never");
  else
    cg_text_num_sig(buf, n, v, fabs(v) >= 1e6 ? 3 : 4);
  return buf;
}

const char *cg_rp_fmt_cell(char *buf, size_t n, double v)
{
  /* for machines: the exact value, as JSON has it */
  if(isnan(v) || isinf(v))
    buf[0] = '\0';
  else
    cg_text_num_sig(buf, n, v, 17);
  return buf;
}

const char *cg_rp_fmt_days(char *buf, size_t n, double v)
{
  if(isnan(v))
    snprintf(buf, n, "unknown");
  else if(isinf(v))
    snprintf(buf, n, "never");
  else if(v >= 100)
    snprintf(buf, n, "%.0f", v);
  else
    snprintf(buf, n, "%.1f", v);
  return buf;
}

void cg_rp_html(FILE *f, const char *s)
{
  for(; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    switch(c) {
    case '&':
      fputs("&amp;", f);
      break;
    case '<':
      fputs("&lt;", f);
      break;
    case '>':
      fputs("&gt;", f);
      break;
    case '"':
      fputs("&quot;", f);
      break;
    case '\'':
      fputs("&#39;", f);
      break;
    default:
      if(c >= 0x20 || c == '\t' || c == '\n')
        fputc(c, f);
      break;
    }
  }
}

void cg_report_html_text(FILE *f, const char *s)
{
  cg_rp_html(f, s);
}

void cg_rp_md(FILE *f, const char *s)
{
  for(; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if(c == '\n' || c == '\r' || c == '\t') {
      fputc(' ', f);
      continue;
    }
    if(c < 0x20)
      continue;
    if(strchr("\\`*_[]<>|#~&!", c))
      fputc('\\', f);
    fputc(c, f);
  }
}

/* ===== templates ==========================================================
 */

const char *cg_rp_template(const char *name)
{
  int i;

  for(i = 0; i < cg_template_count; i++)
    if(strcmp(cg_template_names[i], name) == 0)
      return cg_templates[i];
  return "";
}

void cg_rp_template_write(FILE *f, const char *tpl,
                          void (*fn)(FILE *f, const char *key, void *arg),
                          void *arg)
{
  const char *p = tpl, *open, *close;
  char key[64];
  size_t k;

  while((open = strstr(p, "{{")) != NULL) {
    close = strstr(open + 2, "}}");
    if(!close)
      break;
    fwrite(p, 1, (size_t)(open - p), f);
    k = (size_t)(close - open - 2);
    if(k < sizeof(key)) {
      memcpy(key, open + 2, k);
      key[k] = '\0';
      fn(f, key, arg);
    }
    p = close + 2;
  }
  fputs(p, f);
}
