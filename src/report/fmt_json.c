/* fmt_json.c -- the JSON report: one document
 *   {"batch": {...}, "orders": [decision, ...], "summary": {...}}
 * written order by order (key order is not significant in JSON; the
 * summary comes last because it is only known at the end). */
#include "report/report_int.h"

#include <stdlib.h>
#include <string.h>

void cg_rp_json_begin(cg_report *r, FILE *f)
{
  cg_json *b = cg_rp_batch_json(r);

  fputs("{\"batch\": ", f);
  if(!b || cg_json_dumpf(f, b, 0, NULL) != CG_OK)
    fputs("null", f);
  cg_json_free(b);
  fputs(",\n\"orders\": [", f);
}

int cg_rp_json_add(cg_report *r, FILE *f, const cg_decision *d,
                   const char *json, size_t len, cg_error *err)
{
  char *s = NULL;
  int rc = CG_OK;

  /* One buffer and one write per order: much faster than writing to the
   * stream token by token. */
  fputs(r->n > 1 ? ",\n" : "\n", f);
  if(json) {
    fwrite(json, 1, len, f);
    return CG_OK;
  }
  rc = cg_decision_write(d, &s, &len, err);
  if(rc == CG_OK)
    fwrite(s, 1, len, f);
  free(s);
  return rc;
}

int cg_rp_json_end(cg_report *r, FILE *f, cg_error *err)
{
  cg_json *s = cg_rp_summary_json(r, 0), *c;
  cg_rp_entry **v = NULL;
  char *text = NULL;
  size_t n = 0, i, len;
  int rc;

  if(!s)
    return cg_error_set(err, CG_ENOMEM, "report: out of memory");
  rc = cg_json_dump(&text, s, 0, err);
  cg_json_free(s);
  if(rc != CG_OK)
    return rc;
  /* Splice the per-customer totals in one at a time, so that a batch
   * with many customers never holds them all as JSON. */
  len = strlen(text);
  if(len && text[len - 1] == '}')
    text[--len] = '\0';
  fputs(r->n ? "\n],\n\"summary\": " : "],\n\"summary\": ", f);
  fputs(text, f);
  free(text);
  fputs(",\"customer_compute\":[", f);
  v = cg_rp_tally_by_peak(&r->customers, &n);
  if(!v)
    return cg_error_set(err, CG_ENOMEM, "report: out of memory");
  for(i = 0; rc == CG_OK && i < n; i++) {
    c = cg_rp_customer_json(r, v[i]);
    if(!c) {
      rc = cg_error_set(err, CG_ENOMEM, "report: out of memory");
      break;
    }
    if(i)
      fputs(",\n", f);
    else
      fputs("\n", f);
    rc = cg_json_dumpf(f, c, 0, err);
    cg_json_free(c);
  }
  free(v);
  fputs("]}}\n", f);
  return rc;
}
