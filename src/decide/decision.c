/* decision.c -- see decision.h. The writer, the reader and the event (the
 * arena is decision_arena.c). */
#include "decide/decision_int.h"

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
  wr w = { NULL, 0, 0, CG_OK, err };

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
 * NULL-terminated); out[i] for keys[i]. CG_EINVAL when not an object. */
static int object_spans(const char *p, const char *end,
                        const char *const *keys, span *out)
{
  size_t k;

  for(k = 0; keys[k]; k++)
    out[k].p = NULL;
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
  wr w = { NULL, 0, 0, CG_OK, err };
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
