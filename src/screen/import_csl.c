/* import_csl.c -- the US Consolidated Screening List: CSV (28 and 29
 * columns) and JSON ({"results": [...]}) into entries. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/csvfile.h"
#include "core/importer.h"
#include "core/json.h"
#include "core/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== CSL CSV ========================================================= */

enum {
  C_ID,
  C_SOURCE,
  C_ENTITY,
  C_TYPE,
  C_PROGRAMS,
  C_NAME,
  C_ADDRESSES,
  C_FR,
  C_START,
  C_END,
  C_LICREQ,
  C_LICPOL,
  C_REMARKS,
  C_URL,
  C_ALT,
  C_COUNT
};

static const char *const csl_cols[C_COUNT] = { "_id",
                                               "source",
                                               "entity_number",
                                               "type",
                                               "programs",
                                               "name",
                                               "addresses",
                                               "federal_register_notice",
                                               "start_date",
                                               "end_date",
                                               "license_requirement",
                                               "license_policy",
                                               "remarks",
                                               "source_list_url",
                                               "alt_names" };

int cg_si_csl_csv(cg_si_importer *im, cg_csv *r, cg_error *err)
{
  cg_import_watch *w = cg_import_watch_get(); /* progress */
  const cg_csv_row *row;
  cg_csv_header hdr = { 0 };
  int col[C_COUNT], rc, i;
  char where[600];

  rc = cg_csv_next(r, &row, err);
  if(rc < 0)
    return rc;
  if(rc == 0)
    return cg_error_set(err, CG_EINVAL, "%s: empty file", im->file);
  rc = cg_csv_header_init(&hdr, row, im->file, err);
  if(rc != CG_OK) {
    cg_error_prefix(err, "not a CSL file");
    return rc;
  }
  for(i = 0; i < C_COUNT; i++)
    col[i] = cg_csv_header_find(&hdr, csl_cols[i]);
  if(col[C_NAME] < 0 || col[C_SOURCE] < 0) {
    rc = cg_error_set(err, CG_EINVAL,
                      "%s:1: not a CSL file: no \"source\" and \"name\" "
                      "columns (expected the 28- or 29-column CSL header)",
                      im->file);
    goto done;
  }
  while((rc = cg_csv_next(r, &row, err)) == 1) {
    cg_si_entry e;

    if(w && w->progress && row->line % 256 == 0)
      w->progress(w->arg, row->line, w->total);

#define F(c) (col[c] >= 0 ? row->fields[col[c]] : "")
    snprintf(where, sizeof(where), "%s:%ld", im->file, row->line);
    if(row->n != hdr.n) {
      rc = cg_error_set(err, CG_EINVAL, "%s: %zu columns, expected %zu", where,
                        row->n, hdr.n);
      goto done;
    }
    memset(&e, 0, sizeof(e));
    e.list = F(C_SOURCE);
    e.entry_id = col[C_ID] >= 0 ? F(C_ID) : F(C_ENTITY);
    e.name = F(C_NAME);
    e.alt_names = F(C_ALT);
    e.type = F(C_TYPE);
    e.programs = F(C_PROGRAMS);
    e.addresses = F(C_ADDRESSES);
    e.fr = F(C_FR);
    e.start = F(C_START);
    e.end = F(C_END);
    e.lic_req = F(C_LICREQ);
    e.lic_pol = F(C_LICPOL);
    e.remarks = F(C_REMARKS);
    e.url = F(C_URL);
#undef F
    rc = cg_si_insert_entry(im, &e, where, NULL, err);
    if(rc != CG_OK)
      goto done;
  }
done:
  cg_csv_header_free(&hdr);
  return rc < 0 ? rc : CG_OK;
}

/* ==== CSL JSON ======================================================== */

/* A JSON field as text: strings as they are, numbers formatted, arrays of
 * strings joined by "; ". Appends to b (which starts empty). */
static int json_text(cg_si_buf *b, const cg_json *v)
{
  size_t i;
  char num[64];

  if(cg_si_buf_add(b, "", 0))
    return -1;
  if(!v)
    return 0;
  switch(cg_json_type(v)) {
  case CG_JSON_STRING:
    return cg_si_buf_str(b, cg_json_string_value(v));
  case CG_JSON_INT:
  case CG_JSON_REAL:
    snprintf(num, sizeof(num), "%.15g", cg_json_number_value(v));
    return cg_si_buf_str(b, num);
  case CG_JSON_ARRAY:
    for(i = 0; i < cg_json_size(v); i++) {
      cg_si_buf one = { 0 };

      if(json_text(&one, cg_json_at(v, i)) ||
         (b->n && one.n && cg_si_buf_str(b, "; ")) ||
         cg_si_buf_str(b, one.s ? one.s : "")) {
        free(one.s);
        return -1;
      }
      free(one.s);
    }
    return 0;
  default:
    return 0;
  }
}

static const char *type_name(const cg_json *v)
{
  switch(cg_json_type(v)) {
  case CG_JSON_BOOL:
    return "a boolean";
  case CG_JSON_INT:
  case CG_JSON_REAL:
    return "a number";
  case CG_JSON_ARRAY:
    return "an array";
  case CG_JSON_OBJECT:
    return "an object";
  default:
    return "a string";
  }
}

/* CG_OK if v (absent, null, a string, an array of strings, or a number
 * where numbers are ids) is what key of an entry may hold; otherwise
 * CG_EINVAL "where.key: expected ..., got a number" -- a field of the
 * wrong type is a broken document, not a value to guess at. */
static int json_kind(const char *where, const char *key, const cg_json *v,
                     int numbers, cg_error *err)
{
  size_t i;
  int t = v ? cg_json_type(v) : CG_JSON_NULL;

  if(t == CG_JSON_NULL || t == CG_JSON_STRING ||
     (numbers && (t == CG_JSON_INT || t == CG_JSON_REAL)))
    return CG_OK;
  if(t == CG_JSON_ARRAY) {
    for(i = 0; i < cg_json_size(v); i++)
      if(cg_json_type(cg_json_at(v, i)) != CG_JSON_STRING &&
         cg_json_type(cg_json_at(v, i)) != CG_JSON_NULL)
        return cg_error_set(err, CG_EINVAL,
                            "%s.%s[%zu]: expected a string, got %s", where,
                            key, i, type_name(cg_json_at(v, i)));
    return CG_OK;
  }
  return cg_error_set(err, CG_EINVAL,
                      "%s.%s: expected a string or an array of strings%s, "
                      "got %s",
                      where, key, numbers ? " or a number" : "", type_name(v));
}

/* addresses: an array of {address, city, state, postal_code, country}
 * objects (or a string). */
static int json_addresses(cg_si_buf *text, cg_si_buf *cc, const cg_json *v)
{
  size_t i;

  if(cg_si_buf_add(text, "", 0) || cg_si_buf_add(cc, "", 0))
    return -1;
  if(!v || cg_json_type(v) != CG_JSON_ARRAY) {
    if(json_text(text, v))
      return -1;
    return cg_si_countries_of(cc, text->s);
  }
  for(i = 0; i < cg_json_size(v); i++) {
    const cg_json *a = cg_json_at(v, i);
    static const char *const parts[] = { "address", "city", "state",
                                         "postal_code", "country" };
    const char *c;
    size_t k;
    int first = 1;

    if(cg_json_type(a) == CG_JSON_STRING) {
      if((text->n && cg_si_buf_str(text, "; ")) ||
         cg_si_buf_str(text, cg_json_string_value(a)) ||
         cg_si_countries_of(cc, cg_json_string_value(a)))
        return -1;
      continue;
    }
    if(text->n && cg_si_buf_str(text, "; "))
      return -1;
    for(k = 0; k < 5; k++) {
      c = cg_json_string_value(cg_json_get(a, parts[k]));
      if(!c || !*c)
        continue;
      if((!first && cg_si_buf_str(text, ", ")) || cg_si_buf_str(text, c))
        return -1;
      first = 0;
    }
    c = cg_json_string_value(cg_json_get(a, "country"));
    if(c && strlen(c) == 2 && isupper((unsigned char)c[0]) &&
       isupper((unsigned char)c[1]) && cg_si_add_country(cc, c))
      return -1;
  }
  return 0;
}

/* addresses: absent, null, a string, or an array of strings and
 * objects whose parts are strings. */
static int json_addr_kind(const char *where, const cg_json *v, cg_error *err)
{
  static const char *const parts[] = { "address", "city", "state",
                                       "postal_code", "country" };
  size_t i, k;

  if(!v || cg_json_type(v) != CG_JSON_ARRAY)
    return json_kind(where, "addresses", v, 0, err);
  for(i = 0; i < cg_json_size(v); i++) {
    const cg_json *a = cg_json_at(v, i);
    char w[700];
    if(cg_json_type(a) == CG_JSON_STRING)
      continue;
    if(cg_json_type(a) != CG_JSON_OBJECT)
      return cg_error_set(err, CG_EINVAL,
                          "%s.addresses[%zu]: expected an object or a "
                          "string, got %s",
                          where, i, type_name(a));
    snprintf(w, sizeof(w), "%s.addresses[%zu]", where, i);
    for(k = 0; k < 5; k++) {
      const cg_json *p = cg_json_get(a, parts[k]);
      if(p && cg_json_type(p) != CG_JSON_STRING &&
         cg_json_type(p) != CG_JSON_NULL)
        return cg_error_set(err, CG_EINVAL, "%s.%s: expected a string, got %s",
                            w, parts[k], type_name(p));
    }
  }
  return CG_OK;
}

/* The API's own count: a document cut short (by a proxy, a truncated
 * download that still parses) must not replace the list in use. */
static int json_total_check(const char *file, const cg_json *doc, size_t n,
                            cg_error *err)
{
  const cg_json *t = cg_json_get(doc, "total");

  if(!t || cg_json_type(t) != CG_JSON_INT ||
     cg_json_number_value(t) == (double)n)
    return CG_OK;
  return cg_error_set(err, CG_EINVAL,
                      "%s: the document says \"total\": %.0f but holds %zu "
                      "results: incomplete, not imported",
                      file, cg_json_number_value(t), n);
}

int cg_si_csl_json(cg_si_importer *im, const char *buf, size_t len,
                   cg_error *err)
{
  cg_json *doc = NULL, *res;
  size_t i;
  int rc;

  rc = cg_json_parse(&doc, buf, len, im->file, err);
  if(rc != CG_OK)
    return rc;
  res = cg_json_get(doc, "results");
  if(!res || cg_json_type(res) != CG_JSON_ARRAY) {
    rc = cg_error_set(err, CG_EINVAL,
                      "%s: not a CSL JSON document: no \"results\" array",
                      im->file);
    goto done;
  }
  rc = json_total_check(im->file, doc, cg_json_size(res), err);
  for(i = 0; i < cg_json_size(res) && rc == CG_OK; i++) {
    static const char *const keys[] = { "source",
                                        "entity_number",
                                        "name",
                                        "alt_names",
                                        "type",
                                        "programs",
                                        "federal_register_notice",
                                        "start_date",
                                        "end_date",
                                        "license_requirement",
                                        "license_policy",
                                        "remarks",
                                        "source_list_url" };
    enum { NK = sizeof(keys) / sizeof(keys[0]) };
    cg_si_buf f[NK], id = { 0 }, addr = { 0 }, cc = { 0 };
    const cg_json *o = cg_json_at(res, i);
    char where[600];
    cg_si_entry e;
    size_t k;
    int bad = 0;

    memset(f, 0, sizeof(f));
    snprintf(where, sizeof(where), "%s: results[%zu]", im->file, i);
    if(cg_json_type(o) != CG_JSON_OBJECT) {
      rc = cg_error_set(err, CG_EINVAL, "%s: not an object", where);
      break;
    }
    for(k = 0; k < NK && rc == CG_OK; k++)
      rc = json_kind(where, keys[k], cg_json_get(o, keys[k]),
                     !strcmp(keys[k], "entity_number"), err);
    if(rc == CG_OK)
      rc = json_kind(where, "id", cg_json_get(o, "id"), 1, err);
    if(rc == CG_OK)
      rc = json_kind(where, "_id", cg_json_get(o, "_id"), 1, err);
    if(rc == CG_OK)
      rc = json_addr_kind(where, cg_json_get(o, "addresses"), err);
    if(rc != CG_OK)
      break;
    for(k = 0; k < NK; k++)
      bad |= json_text(&f[k], cg_json_get(o, keys[k]));
    bad |=
        json_text(&id, cg_json_get(o, cg_json_get(o, "_id") ? "_id" : "id"));
    bad |= json_addresses(&addr, &cc, cg_json_get(o, "addresses"));
    if(bad) {
      rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
    }
    else {
      memset(&e, 0, sizeof(e));
      e.list = f[0].s;
      e.entry_id = id.n ? id.s : f[1].s;
      e.name = f[2].s;
      e.alt_names = f[3].s;
      e.type = f[4].s;
      e.programs = f[5].s;
      e.fr = f[6].s;
      e.start = f[7].s;
      e.end = f[8].s;
      e.lic_req = f[9].s;
      e.lic_pol = f[10].s;
      e.remarks = f[11].s;
      e.url = f[12].s;
      e.addresses = addr.s;
      e.countries = cc.s;
      if(e.name && cg_text_invalid_at(e.name, strlen(e.name)) >= 0)
        rc =
            cg_error_set(err, CG_EINVAL, "%s: name is not valid UTF-8", where);
      else
        rc = cg_si_insert_entry(im, &e, where, NULL, err);
    }
    for(k = 0; k < NK; k++)
      free(f[k].s);
    free(id.s);
    free(addr.s);
    free(cc.s);
  }
done:
  cg_json_free(doc);
  return rc;
}
