/* decision.c -- see decision.h. The writer, the reader and the event (the
 * arena is decision_arena.c). */
#include "decide/decision_int.h"

#include "core/crypto.h"
#include "core/json.h"

#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== public ============================================================ */

int cg_decision_write(const cg_decision *d, char **out, size_t *len,
                      cg_error *err)
{
  wr w = { NULL, 0, 0, CG_OK, err, 0, NULL, 0, 0 };

  *out = NULL;
  *len = 0;
  cgd_w_grow(&w, 8192);
  cgd_w_object(&w, &cgd_decision_desc, (const char *)d);
  if(w.rc != CG_OK) {
    free(w.p);
    return w.rc;
  }
  w.p[w.n] = '\0';
  *out = w.p;
  *len = w.n;
  return CG_OK;
}

/* The SHA-256 of w's bytes as its patches make them read. */
static int view_digest(const wr *w, char out[72], cg_error *err)
{
  cg_sha256 *h = NULL;
  char hex[CG_SHA256_HEX];
  size_t pos = 0, i;
  int rc = cg_sha256_new(&h, err);

  for(i = 0; rc == CG_OK && i < w->npatches; i++) {
    const wpatch *x = &w->patches[i];

    rc = cg_sha256_update(h, w->p + pos, x->from - pos, err);
    if(rc == CG_OK && x->str) {
      wr s = { NULL, 0, 0, CG_OK, err, 0, NULL, 0, 0 };
      cgd_w_str(&s, x->str);
      rc = s.rc;
      if(rc == CG_OK)
        rc = cg_sha256_update(h, s.p, s.n, err);
      free(s.p);
    }
    else if(rc == CG_OK) {
      rc = cg_sha256_update(h, x->lit, x->lit_n, err);
    }
    pos = x->to;
  }
  if(rc == CG_OK)
    rc = cg_sha256_update(h, w->p + pos, w->n - pos, err);
  if(rc == CG_OK)
    rc = cg_sha256_final_hex(h, hex, err);
  cg_sha256_free(h);
  if(rc == CG_OK)
    snprintf(out, 72, "sha256:%s", hex);
  return rc;
}

int cg_decision_write_inputs(const cg_decision *d, char **out, size_t *len,
                             char inputs[72], cg_error *err)
{
  wr w = { NULL, 0, 0, CG_OK, err, 1, NULL, 0, 0 };
  int rc;

  if(out) {
    *out = NULL;
    *len = 0;
  }
  cgd_w_grow(&w, 8192);
  cgd_w_object(&w, &cgd_decision_desc, (const char *)d);
  rc = w.rc;
  if(rc == CG_OK)
    rc = view_digest(&w, inputs, err);
  free(w.patches);
  if(rc != CG_OK || !out) {
    free(w.p);
    return rc;
  }
  w.p[w.n] = '\0';
  *out = w.p;
  *len = w.n;
  return CG_OK;
}

int cg_decision_parse(const char *json, size_t len, cg_decision *out,
                      cg_error *err)
{
  rd r;
  cg_json *root = NULL;
  int rc;

  cg_decision_init(out);
  memset(&r, 0, sizeof(r));
  r.d = out;
  r.err = err;
  rc = cg_json_parse(&root, json, len, "decision", err);
  if(rc != CG_OK)
    return rc;
  if(!cg_json_get(root, "decision"))
    rc = cgd_rd_fail(&r, "no \"decision\" member");
  if(rc == CG_OK)
    rc = cgd_rd_object(&r, root, &cgd_decision_desc, (char *)out);
  cg_json_free(root);
  return rc;
}

/* ==== the event: a projection of the bytes ============================= */

typedef struct span {
  const char *p; /* first byte of the value, NULL if the member is absent */
  size_t n;      /* bytes */
} span;

/* End of the JSON value starting at p (canonical: no white space), or
 * NULL if it runs past end. */
static const char *skip_value(const char *p, const char *end)
{
  int depth = 0;

  do {
    if(p >= end)
      return NULL;
    if(*p == '"') {
      for(p++; p < end && *p != '"'; p++)
        if(*p == '\\')
          p++;
      if(p >= end)
        return NULL;
      p++;
    }
    else if(*p == '{' || *p == '[') {
      depth++;
      p++;
    }
    else if(*p == '}' || *p == ']') {
      depth--;
      p++;
    }
    else if(*p == ',' || *p == ':') {
      p++;
    }
    else {
      while(p < end && *p != ',' && *p != '}' && *p != ']')
        p++;
    }
  } while(depth > 0);
  return depth == 0 ? p : NULL;
}

/* Spans of the members of the object at [p, end) named in keys (sorted,
 * NULL-terminated); out[i] for keys[i]. CG_EINVAL when not an object.
 * The object's keys are sorted too (canonical bytes), so the scan stops
 * at the first key past the last one wanted: an event needs the head of
 * the document, not its rules, screening and workload. */
static int object_spans(const char *p, const char *end,
                        const char *const *keys, span *out)
{
  size_t k, last_len;
  const char *last;

  for(k = 0; keys[k]; k++)
    out[k].p = NULL;
  last = k ? keys[k - 1] : "";
  last_len = strlen(last);
  if(p >= end || *p != '{')
    return CG_EINVAL;
  p++;
  while(p < end && *p != '}') {
    const char *key, *v;
    size_t klen;
    if(*p == ',')
      p++;
    if(p >= end || *p != '"')
      return CG_EINVAL;
    key = ++p;
    while(p < end && *p != '"')
      p++; /* member names never need escapes */
    klen = (size_t)(p - key);
    if(p + 2 > end || p[1] != ':')
      return CG_EINVAL;
    {
      int c = memcmp(key, last, klen < last_len ? klen : last_len);
      if(c > 0 || (c == 0 && klen > last_len))
        return CG_OK;
    }
    v = p + 2;
    p = skip_value(v, end);
    if(!p)
      return CG_EINVAL;
    for(k = 0; keys[k]; k++)
      if(strlen(keys[k]) == klen && !memcmp(keys[k], key, klen)) {
        out[k].p = v;
        out[k].n = (size_t)(p - v);
      }
  }
  return p < end ? CG_OK : CG_EINVAL;
}

int cg_decision_event(const char *doc, size_t len, const char *audit_hash,
                      char **out, size_t *out_len, cg_error *err)
{
  /* The event's members in key order; "audit_hash" is ours. */
  static const char *const top[] = { "as_of",       "batch",      "chip",
                                     "customer",    "decided_at", "decision",
                                     "destination", "license",    "order_id",
                                     "quantity",    NULL };
  static const char *const chip_keys[] = { "eccn", "name", NULL };
  static const char *const cust_keys[] = { "name", NULL };
  span t[11], c[3], cu[2];
  wr w = { NULL, 0, 0, CG_OK, err, 0, NULL, 0, 0 };
  size_t i;

  *out = NULL;
  *out_len = 0;
  if(object_spans(doc, doc + len, top, t) != CG_OK ||
     (t[2].p && object_spans(t[2].p, t[2].p + t[2].n, chip_keys, c)) ||
     (t[3].p && object_spans(t[3].p, t[3].p + t[3].n, cust_keys, cu)))
    return cg_error_set(err, CG_EINVAL,
                        "decision event: the document is not canonical JSON");
  cgd_w_grow(&w, 512);
  cgd_w_putc(&w, '{');
  for(i = 0; top[i]; i++) {
    if(i == 1) {
      cgd_w_key(&w, "audit_hash");
      cgd_w_str(&w, audit_hash);
    }
    if(!t[i].p)
      continue;
    cgd_w_key(&w, top[i]);
    if(i == 2) { /* chip: eccn and name only */
      cgd_w_putc(&w, '{');
      if(t[2].p && c[0].p) {
        cgd_w_key(&w, "eccn");
        cgd_w_put(&w, c[0].p, c[0].n);
      }
      if(c[1].p) {
        cgd_w_key(&w, "name");
        cgd_w_put(&w, c[1].p, c[1].n);
      }
      cgd_w_putc(&w, '}');
    }
    else if(i == 3) { /* customer: its name */
      if(cu[0].p)
        cgd_w_put(&w, cu[0].p, cu[0].n);
      else
        cgd_w_put(&w, "null", 4);
    }
    else {
      cgd_w_put(&w, t[i].p, t[i].n);
    }
  }
  cgd_w_putc(&w, '}');
  if(w.rc != CG_OK) {
    free(w.p);
    return w.rc;
  }
  w.p[w.n] = '\0';
  *out = w.p;
  *out_len = w.n;
  return CG_OK;
}
