/* screen_import.c -- cg_screen_import*: CSL CSV (28 and 29 columns), CSL
 * JSON and OFAC's legacy four-file CSV into parties/party_names, then the
 * index rebuild; all in one transaction. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/crypto.h"
#include "core/csvfile.h"
#include "core/json.h"
#include "core/text.h"
#include "net/sync.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAME 1024 /* bytes of a name or alias */
#define SDN_LIST "Specially Designated Nationals (SDN) - Treasury Department"

/* One list entry as parsed; strings are borrowed from the parser. */
typedef struct entry {
  const char *list;      /* CSL "source" column */
  const char *entry_id;  /* may be "" (made from a hash) */
  const char *name;      /* primary name (may hold "; " aliases) */
  const char *alt_names; /* "; "-separated aliases */
  const char *type, *programs, *addresses, *fr, *start, *end;
  const char *lic_req, *lic_pol, *remarks, *url;
  const char *countries; /* "CN; HK", or NULL to read from addresses */
} entry;

typedef struct importer {
  cg_store *db;
  const char *file;   /* for messages */
  const char *source; /* import source */
  int64_t version;    /* list_versions.id */
  cg_screen_counts *counts;
  cg_stmt *ins_party, *ins_name, *exists;
  int own_tx; /* we began the transaction (else the caller's: sync) */
} importer;

/* ==== Small string helpers ============================================ */

static const char *skip_ws(const char *s)
{
  while(*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
    s++;
  return s;
}

/* Copies s[0..n) trimmed into a malloc'ed string. */
static char *dup_trim(const char *s, size_t n)
{
  char *r;

  while(n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
    s++;
    n--;
  }
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
              s[n - 1] == '\n'))
    n--;
  r = malloc(n + 1);
  if(r) {
    memcpy(r, s, n);
    r[n] = '\0';
  }
  return r;
}

/* A growable string. */
typedef struct sbuf {
  char *s;
  size_t n, cap;
} sbuf;

static int sb_add(sbuf *b, const char *s, size_t n)
{
  if(b->n + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 256;
    char *p;

    while(nc < b->n + n + 1)
      nc *= 2;
    p = realloc(b->s, nc);
    if(!p)
      return -1;
    b->s = p;
    b->cap = nc;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
  return 0;
}

static int sb_str(sbuf *b, const char *s)
{
  return sb_add(b, s, strlen(s));
}

/* Adds code to a "; "-list of country codes unless present. */
static int add_country(sbuf *b, const char *code)
{
  const char *p;

  for(p = b->s; p && *p; p += strcspn(p, ";"), p += *p ? 1 : 0) {
    p = skip_ws(p);
    if(strncmp(p, code, 2) == 0 && (p[2] == ';' || p[2] == '\0'))
      return 0;
  }
  if(b->n && sb_str(b, "; "))
    return -1;
  return sb_add(b, code, 2);
}

/* Country codes of CSL addresses: each "; "-separated address ends in
 * ", CC" (or is just "CC"). */
static int countries_of(sbuf *b, const char *addresses)
{
  const char *p = addresses;

  while(*p) {
    size_t n = strcspn(p, ";");
    const char *end = p + n, *q = end;
    char cc[3];

    while(q > p && (q[-1] == ' ' || q[-1] == '\t'))
      q--;
    if(q - p >= 2 && isupper((unsigned char)q[-1]) &&
       isupper((unsigned char)q[-2]) &&
       (q - p == 2 || q[-3] == ' ' || q[-3] == ',')) {
      cc[0] = q[-2];
      cc[1] = q[-1];
      cc[2] = '\0';
      if(add_country(b, cc))
        return -1;
    }
    p = *end ? end + 1 : end;
  }
  return 0;
}

/* ==== Inserting ======================================================= */

static int prepare(importer *im, cg_error *err)
{
  int rc;

  rc = cg_store_prepare(
      im->db, &im->ins_party,
      "INSERT INTO parties(version_id, source, list, entry_id, name, type, "
      "programs, countries, addresses, federal_register_notice, start_date, "
      "end_date, license_requirement, license_policy, remarks, "
      "source_list_url, content_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, '')",
      err);
  if(rc == CG_OK)
    rc = cg_store_prepare(im->db, &im->ins_name,
                          "INSERT INTO party_names(party_id, name, key, "
                          "is_alias) VALUES(?1, ?2, ?3, ?4)",
                          err);
  if(rc == CG_OK)
    rc = cg_store_prepare(im->db, &im->exists,
                          "SELECT id FROM parties WHERE source = ?1 AND "
                          "entry_id = ?2",
                          err);
  return rc;
}

static void unprepare(importer *im)
{
  cg_stmt_finalize(im->ins_party);
  cg_stmt_finalize(im->ins_name);
  cg_stmt_finalize(im->exists);
}

/* parties.id of (source, entry_id), 0 if none, <0 on error. */
static int64_t find_party(importer *im, const char *entry_id, cg_error *err)
{
  int64_t id = 0;
  int rc;

  cg_stmt_reset(im->exists);
  rc = cg_stmt_bind_text(im->exists, 1, im->source, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(im->exists, 2, entry_id, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_step(im->exists, err);
  if(rc < 0)
    return rc;
  if(rc == 1)
    id = cg_stmt_int(im->exists, 0);
  cg_stmt_reset(im->exists);
  return id;
}

/* Adds name (trimmed) to party unless empty, too long or a repeat. */
static int add_name(importer *im, int64_t party, const char *name, size_t n,
                    int alias, const char *where, cg_error *err)
{
  char *nm = dup_trim(name, n), *key = NULL;
  const char *p;
  int rc = CG_OK;

  if(!nm)
    return cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
  p = nm;
  if(alias && strncmp(p, "and ", 4) == 0)
    p = skip_ws(p + 4);
  if(!*p || strncmp(p, "any successor", 13) == 0)
    goto done;
  if(strlen(p) > MAX_NAME) {
    rc = cg_error_set(err, CG_EINVAL, "%s: %s of %zu bytes (at most %d)",
                      where, alias ? "alias" : "name", strlen(p), MAX_NAME);
    goto done;
  }
  rc = cg_screen_normalise(&key, p, err);
  if(rc != CG_OK)
    goto done;
  if(!*key)
    goto done; /* nothing but punctuation */
  rc = cg_stmt_bind_int(im->ins_name, 1, party, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(im->ins_name, 2, p, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(im->ins_name, 3, key, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(im->ins_name, 4, alias, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(im->ins_name, err);
  if(rc != CG_OK)
    goto done;
  if(im->counts) {
    im->counts->names++;
    im->counts->aliases += alias ? 1 : 0;
  }
done:
  free(key);
  free(nm);
  return rc;
}

/* Adds every "; "-separated name of list as aliases. */
static int add_aliases(importer *im, int64_t party, const char *list,
                       const char *where, cg_error *err)
{
  const char *p = list;
  int rc;

  while(p && *p) {
    size_t n = strcspn(p, ";");

    rc = add_name(im, party, p, n, 1, where, err);
    if(rc != CG_OK)
      return rc;
    p += n;
    if(*p)
      p++;
  }
  return CG_OK;
}

static const char *nz(const char *s)
{
  return s ? s : "";
}

/* Inserts e; *party_out (may be NULL) gets its id. where = "file:line". */
static int insert_entry(importer *im, const entry *e, const char *where,
                        int64_t *party_out, cg_error *err)
{
  char idbuf[96], base[96], hex[CG_SHA256_HEX];
  const char *name = skip_ws(nz(e->name)), *eid = skip_ws(nz(e->entry_id));
  size_t first = strcspn(name, ";");
  sbuf cc = { 0 }, h = { 0 };
  int64_t party;
  int rc, k;

  if(!*name || first == 0)
    return cg_error_set(err, CG_EINVAL, "%s: empty name", where);
  if(first > MAX_NAME)
    return cg_error_set(err, CG_EINVAL, "%s: name of %zu bytes (at most %d)",
                        where, first, MAX_NAME);
  if(!*eid) {
    /* No id in the file: a stable one from the entry's identity. */
    if(sb_str(&h, nz(e->list)) || sb_str(&h, "|") || sb_str(&h, name) ||
       sb_str(&h, "|") || sb_str(&h, nz(e->addresses))) {
      rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
      goto done;
    }
    rc = cg_sha256_hex(h.s, h.n, hex, err);
    if(rc != CG_OK)
      goto done;
    snprintf(idbuf, sizeof(idbuf), "h%.16s", hex);
    eid = idbuf;
  }
  else if(strlen(eid) > 80) {
    rc = cg_error_set(err, CG_EINVAL, "%s: entry id of %zu bytes", where,
                      strlen(eid));
    goto done;
  }
  /* The same id twice in one list (it happens): number the repeats. */
  party = find_party(im, eid, err);
  if(party > 0)
    snprintf(base, sizeof(base), "%s", eid);
  for(k = 2; party > 0 && k < 1000; k++) {
    snprintf(idbuf, sizeof(idbuf), "%.80s~%d", base, k);
    eid = idbuf;
    party = find_party(im, eid, err);
  }
  if(party < 0) {
    rc = (int)party;
    goto done;
  }
  if(e->countries) {
    if(sb_str(&cc, e->countries))
      goto nomem;
  }
  else if(countries_of(&cc, nz(e->addresses)))
    goto nomem;
  {
    char *nm = dup_trim(name, first);
    const char *vals[] = { nz(e->list),
                           eid,
                           nm,
                           skip_ws(nz(e->type)),
                           nz(e->programs),
                           cc.s ? cc.s : "",
                           nz(e->addresses),
                           nz(e->fr),
                           nz(e->start),
                           nz(e->end),
                           nz(e->lic_req),
                           nz(e->lic_pol),
                           nz(e->remarks),
                           nz(e->url) };
    size_t i;

    if(!nm)
      goto nomem;
    if(!*skip_ws(nz(e->list))) {
      free(nm);
      rc = cg_error_set(err, CG_EINVAL, "%s: empty source list", where);
      goto done;
    }
    rc = cg_stmt_bind_int(im->ins_party, 1, im->version, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(im->ins_party, 2, im->source, err);
    for(i = 0; rc == CG_OK && i < sizeof(vals) / sizeof(vals[0]); i++)
      rc = cg_stmt_bind_text(im->ins_party, (int)i + 3, vals[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_run(im->ins_party, err);
    free(nm);
    if(rc != CG_OK)
      goto done;
  }
  party = cg_store_last_rowid(im->db);
  rc = add_name(im, party, name, first, 0, where, err);
  if(rc == CG_OK && name[first])
    rc = add_aliases(im, party, name + first + 1, where, err);
  if(rc == CG_OK)
    rc = add_aliases(im, party, nz(e->alt_names), where, err);
  if(rc != CG_OK)
    goto done;
  if(im->counts) {
    im->counts->entries++;
    if(cg_screen_is_entity_list(e->list))
      im->counts->entity_list++;
  }
  if(party_out)
    *party_out = party;
  rc = CG_OK;
  goto done;
nomem:
  rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
done:
  free(cc.s);
  free(h.s);
  return rc;
}

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

static int import_csl_csv(importer *im, cg_csv *r, cg_error *err)
{
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
    entry e;

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
    rc = insert_entry(im, &e, where, NULL, err);
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
static int json_text(sbuf *b, const cg_json *v)
{
  size_t i;
  char num[64];

  if(sb_add(b, "", 0))
    return -1;
  if(!v)
    return 0;
  switch(cg_json_type(v)) {
  case CG_JSON_STRING:
    return sb_str(b, cg_json_string_value(v));
  case CG_JSON_INT:
  case CG_JSON_REAL:
    snprintf(num, sizeof(num), "%.15g", cg_json_number_value(v));
    return sb_str(b, num);
  case CG_JSON_ARRAY:
    for(i = 0; i < cg_json_size(v); i++) {
      sbuf one = { 0 };

      if(json_text(&one, cg_json_at(v, i)) ||
         (b->n && one.n && sb_str(b, "; ")) || sb_str(b, one.s ? one.s : "")) {
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

/* addresses: an array of {address, city, state, postal_code, country}
 * objects (or a string). */
static int json_addresses(sbuf *text, sbuf *cc, const cg_json *v)
{
  size_t i;

  if(sb_add(text, "", 0) || sb_add(cc, "", 0))
    return -1;
  if(!v || cg_json_type(v) != CG_JSON_ARRAY) {
    if(json_text(text, v))
      return -1;
    return countries_of(cc, text->s);
  }
  for(i = 0; i < cg_json_size(v); i++) {
    const cg_json *a = cg_json_at(v, i);
    static const char *const parts[] = { "address", "city", "state",
                                         "postal_code", "country" };
    const char *c;
    size_t k;
    int first = 1;

    if(cg_json_type(a) == CG_JSON_STRING) {
      if((text->n && sb_str(text, "; ")) ||
         sb_str(text, cg_json_string_value(a)) ||
         countries_of(cc, cg_json_string_value(a)))
        return -1;
      continue;
    }
    if(text->n && sb_str(text, "; "))
      return -1;
    for(k = 0; k < 5; k++) {
      c = cg_json_string_value(cg_json_get(a, parts[k]));
      if(!c || !*c)
        continue;
      if((!first && sb_str(text, ", ")) || sb_str(text, c))
        return -1;
      first = 0;
    }
    c = cg_json_string_value(cg_json_get(a, "country"));
    if(c && strlen(c) == 2 && isupper((unsigned char)c[0]) &&
       isupper((unsigned char)c[1]) && add_country(cc, c))
      return -1;
  }
  return 0;
}

static int import_csl_json(importer *im, const char *buf, size_t len,
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
    sbuf f[NK], id = { 0 }, addr = { 0 }, cc = { 0 };
    const cg_json *o = cg_json_at(res, i);
    char where[600];
    entry e;
    size_t k;
    int bad = 0;

    memset(f, 0, sizeof(f));
    snprintf(where, sizeof(where), "%s: results[%zu]", im->file, i);
    if(cg_json_type(o) != CG_JSON_OBJECT) {
      rc = cg_error_set(err, CG_EINVAL, "%s: not an object", where);
      break;
    }
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
        rc = insert_entry(im, &e, where, NULL, err);
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

/* ==== OFAC legacy CSV ================================================= */

/* OFAC writes "-0- " for empty. */
static const char *ofac(const char *s)
{
  const char *p = skip_ws(s);

  if(strncmp(p, "-0-", 3) == 0 && !*skip_ws(p + 3))
    return "";
  return p;
}

/* Country code of an OFAC country name via the countries table. */
static int country_code(cg_store *db, const char *name, char cc[3],
                        cg_error *err)
{
  static const struct {
    const char *from, *code;
  } alias[] = { { "Russia", "RU" },
                { "Korea, North", "KP" },
                { "Korea, South", "KR" },
                { "Burma", "MM" },
                { "Iran", "IR" },
                { "Syria", "SY" },
                { "Venezuela", "VE" },
                { "Vietnam", "VN" },
                { "Laos", "LA" },
                { "Bolivia", "BO" },
                { "Tanzania", "TZ" },
                { "Moldova", "MD" },
                { "United Kingdom", "GB" },
                { "Turkey", "TR" },
                { "Czech Republic", "CZ" },
                { "Congo, Democratic Republic of "
                  "the",
                  "CD" } };
  cg_stmt *st = NULL;
  size_t i;
  int rc;

  cc[0] = '\0';
  if(!*name)
    return CG_OK;
  for(i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
    if(strcmp(name, alias[i].from) == 0) {
      memcpy(cc, alias[i].code, 3);
      return CG_OK;
    }
  }
  rc = cg_store_cached(db, &st,
                       "SELECT code FROM countries WHERE name = ?1 "
                       "COLLATE NOCASE",
                       err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, name, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    snprintf(cc, 3, "%s", cg_stmt_text(st, 0));
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* Opens one OFAC part; *r_out is the reader. */
static int ofac_open(cg_csv **r_out, const char *dir, const char *file,
                     char *path, size_t size, cg_error *err)
{
  snprintf(path, size, "%s%s", dir, file);
  return cg_csv_open(r_out, path, 0, err);
}

/* OFAC files may end in a lone ^Z line. */
static int ofac_eof_row(const cg_csv_row *row)
{
  return row->n == 1 &&
         (strcmp(row->fields[0], "\x1a") == 0 || !*skip_ws(row->fields[0]));
}

static int ofac_sdn(importer *im, cg_csv *r, const char *path, cg_error *err)
{
  const cg_csv_row *row;
  char where[1200];
  int rc;

  while((rc = cg_csv_next(r, &row, err)) == 1) {
    sbuf prog = { 0 };
    const char *t, *p;
    entry e;

    if(ofac_eof_row(row))
      continue;
    snprintf(where, sizeof(where), "%s:%ld", path, row->line);
    if(row->n != 12)
      return cg_error_set(err, CG_EINVAL, "%s: %zu columns, expected 12",
                          where, row->n);
    memset(&e, 0, sizeof(e));
    e.list = SDN_LIST;
    e.entry_id = ofac(row->fields[0]);
    if(!*e.entry_id)
      return cg_error_set(err, CG_EINVAL, "%s: empty ent_num", where);
    e.name = ofac(row->fields[1]);
    t = ofac(row->fields[2]);
    e.type = !*t                            ? "Entity"
             : strcmp(t, "individual") == 0 ? "Individual"
             : strcmp(t, "vessel") == 0     ? "Vessel"
             : strcmp(t, "aircraft") == 0   ? "Aircraft"
                                            : t;
    /* "SDGT] [IFSR" is two programs. */
    for(p = ofac(row->fields[3]); *p; p++) {
      if(strncmp(p, "] [", 3) == 0) {
        if(sb_str(&prog, "; "))
          goto nomem;
        p += 2;
      }
      else if(sb_add(&prog, p, 1))
        goto nomem;
    }
    e.programs = prog.s ? prog.s : "";
    e.remarks = ofac(row->fields[11]);
    e.countries = "";
    e.addresses = "";
    rc = insert_entry(im, &e, where, NULL, err);
    free(prog.s);
    if(rc != CG_OK)
      return rc;
    continue;
  nomem:
    free(prog.s);
    return cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
  }
  return rc < 0 ? rc : CG_OK;
}

/* alt.csv: ent_num, alt_num, alt_type, alt_name, alt_remarks. */
static int ofac_alt(importer *im, cg_csv *r, const char *path, cg_error *err)
{
  const cg_csv_row *row;
  char where[1200];
  int rc;

  while((rc = cg_csv_next(r, &row, err)) == 1) {
    int64_t party;
    const char *nm;

    if(ofac_eof_row(row))
      continue;
    snprintf(where, sizeof(where), "%s:%ld", path, row->line);
    if(row->n != 5)
      return cg_error_set(err, CG_EINVAL, "%s: %zu columns, expected 5", where,
                          row->n);
    party = find_party(im, ofac(row->fields[0]), err);
    if(party < 0)
      return (int)party;
    if(party == 0)
      continue; /* an alias of an entry not in sdn.csv */
    nm = ofac(row->fields[3]);
    rc = add_name(im, party, nm, strlen(nm), 1, where, err);
    if(rc != CG_OK)
      return rc;
  }
  return rc < 0 ? rc : CG_OK;
}

/* add.csv (ent_num, add_num, address, city, country, remarks) and
 * sdn_comments.csv (ent_num, remarks): appended to the party. */
static int ofac_append(importer *im, cg_csv *r, const char *path, int add,
                       cg_error *err)
{
  const cg_csv_row *row;
  char where[1200];
  cg_stmt *get = NULL, *put = NULL;
  int rc;
  size_t want = add ? 6 : 2;

  rc = cg_store_prepare(im->db, &get,
                        "SELECT addresses, countries, remarks FROM parties "
                        "WHERE id = ?1",
                        err);
  if(rc == CG_OK)
    rc = cg_store_prepare(im->db, &put,
                          "UPDATE parties SET addresses = ?2, countries = "
                          "?3, remarks = ?4 WHERE id = ?1",
                          err);
  while(rc >= 0 && (rc = cg_csv_next(r, &row, err)) == 1) {
    sbuf a = { 0 }, c = { 0 }, m = { 0 };
    int64_t party;
    char cc[3];

    if(ofac_eof_row(row))
      continue;
    snprintf(where, sizeof(where), "%s:%ld", path, row->line);
    if(row->n != want) {
      rc = cg_error_set(err, CG_EINVAL, "%s: %zu columns, expected %zu", where,
                        row->n, want);
      break;
    }
    party = find_party(im, ofac(row->fields[0]), err);
    if(party <= 0) {
      rc = (int)party;
      continue;
    }
    rc = cg_stmt_bind_int(get, 1, party, err);
    if(rc == CG_OK)
      rc = cg_stmt_step(get, err);
    if(rc != 1) {
      cg_stmt_reset(get);
      rc = rc < 0 ? rc : cg_error_set(err, CG_EINTERNAL, "party vanished");
      break;
    }
    if(sb_str(&a, nz(cg_stmt_text(get, 0))) ||
       sb_str(&c, nz(cg_stmt_text(get, 1))) ||
       sb_str(&m, nz(cg_stmt_text(get, 2)))) {
      cg_stmt_reset(get);
      rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
      goto next;
    }
    cg_stmt_reset(get);
    if(add) {
      size_t k;
      int first = 1;

      for(k = 2; k < 5; k++) {
        const char *v = ofac(row->fields[k]);

        if(!*v)
          continue;
        if((first && a.n && sb_str(&a, "; ")) ||
           (!first && sb_str(&a, ", ")) || sb_str(&a, v))
          goto nomem;
        first = 0;
      }
      rc = country_code(im->db, ofac(row->fields[4]), cc, err);
      if(rc != CG_OK)
        goto next;
      if(cc[0] && add_country(&c, cc))
        goto nomem;
    }
    else if(sb_str(&m, ofac(row->fields[1]))) {
      goto nomem;
    }
    rc = cg_stmt_bind_int(put, 1, party, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(put, 2, a.s, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(put, 3, c.s, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(put, 4, m.s, err);
    if(rc == CG_OK)
      rc = cg_stmt_run(put, err);
    goto next;
  nomem:
    rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
  next:
    free(a.s);
    free(c.s);
    free(m.s);
  }
  cg_stmt_finalize(get);
  cg_stmt_finalize(put);
  return rc < 0 ? rc : CG_OK;
}

/* ==== Transaction ===================================================== */

/* Hashes every party of the source (fields and sorted names). */
static int content_hashes(importer *im, cg_error *err)
{
  cg_stmt *st = NULL, *up = NULL;
  int64_t *ids = NULL;
  char(*hx)[CG_SHA256_HEX] = NULL;
  size_t n = 0, cap = 0, i;
  int rc, c;

  rc = cg_store_prepare(
      im->db, &st,
      "SELECT p.id, p.list, p.entry_id, p.name, p.type, p.programs, "
      "p.countries, p.addresses, p.federal_register_notice, p.start_date, "
      "p.end_date, p.license_requirement, p.license_policy, p.remarks, "
      "(SELECT group_concat(name, '|') FROM (SELECT name FROM party_names "
      "WHERE party_id = p.id ORDER BY name)) FROM parties p "
      "WHERE p.source = ?1",
      err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, im->source, err);
  while(rc >= 0 && (rc = cg_stmt_step(st, err)) == 1) {
    sbuf b = { 0 };

    if(n == cap) {
      size_t nc = cap ? cap * 2 : 1024;
      int64_t *ni = realloc(ids, nc * sizeof(*ids));
      char(*nh)[CG_SHA256_HEX];

      if(ni)
        ids = ni;
      nh = ni ? realloc(hx, nc * sizeof(*hx)) : NULL;
      if(!nh) {
        rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
        break;
      }
      hx = nh;
      cap = nc;
    }
    ids[n] = cg_stmt_int(st, 0);
    for(c = 1; c < 15; c++)
      if(sb_str(&b, nz(cg_stmt_text(st, c))) || sb_add(&b, "\x1f", 1))
        break;
    if(c < 15) {
      free(b.s);
      rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
      break;
    }
    rc = cg_sha256_hex(b.s, b.n, hx[n], err);
    free(b.s);
    if(rc != CG_OK)
      break;
    rc = 1;
    n++;
  }
  cg_stmt_finalize(st);
  if(rc < 0)
    goto done;
  rc = cg_store_prepare(
      im->db, &up, "UPDATE parties SET content_hash = ?2 WHERE id = ?1", err);
  for(i = 0; rc == CG_OK && i < n; i++) {
    rc = cg_stmt_bind_int(up, 1, ids[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(up, 2, hx[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_run(up, err);
  }
done:
  cg_stmt_finalize(up);
  free(ids);
  free(hx);
  return rc < 0 ? rc : CG_OK;
}

static const char *format_name(int format)
{
  return format == CG_SCREEN_CSL_JSON ? "csl-json"
         : format == CG_SCREEN_OFAC   ? "ofac"
                                      : "csl-csv";
}

int cg_screen_format(const char *name)
{
  if(!name)
    return 0;
  if(strcmp(name, "csl-csv") == 0)
    return CG_SCREEN_CSL_CSV;
  if(strcmp(name, "csl-json") == 0)
    return CG_SCREEN_CSL_JSON;
  if(strcmp(name, "ofac") == 0)
    return CG_SCREEN_OFAC;
  return 0;
}

/* Opens the transaction, records the version and clears the source. */
static int begin_import(importer *im, int format, const char *sha,
                        cg_error *err)
{
  cg_stmt *st = NULL;
  static const char *const sql[] = {
    "UPDATE list_versions SET current = 0 WHERE source = ?1",
    ("DELETE FROM party_names WHERE party_id IN (SELECT id FROM parties "
     "WHERE source = ?1)"),
    "DELETE FROM parties WHERE source = ?1",
  };
  size_t i;
  int rc;

  /* Inside a caller's transaction (sync swaps the list and re-screens in
   * one), join it; otherwise the import is its own transaction. */
  im->own_tx = !cg_store_in_transaction(im->db);
  rc = im->own_tx ? cg_store_begin(im->db, err) : CG_OK;
  if(rc != CG_OK)
    return rc;
  for(i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == CG_OK; i++) {
    rc = cg_store_prepare(im->db, &st, sql[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 1, im->source, err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
    cg_stmt_finalize(st);
    st = NULL;
  }
  if(rc == CG_OK)
    rc = cg_store_prepare(im->db, &st,
                          "INSERT INTO list_versions(source, format, file, "
                          "sha256, entries, names) VALUES(?1, ?2, ?3, ?4, "
                          "0, 0)",
                          err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, im->source, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, format_name(format), err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, im->file, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, sha, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  im->version = cg_store_last_rowid(im->db);
  if(rc == CG_OK)
    rc = prepare(im, err);
  return rc;
}

/* Counts, hashes, index; then COMMIT. */
static int finish_import(importer *im, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_sx *idx = NULL;
  char lists[65];
  int rc;

  rc = content_hashes(im, err);
  if(rc == CG_OK)
    rc = cg_store_prepare(im->db, &st,
                          "UPDATE list_versions SET entries = ?2, names = ?3 "
                          "WHERE id = ?1",
                          err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, im->version, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, (int64_t)im->counts->entries, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, (int64_t)im->counts->names, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc == CG_OK)
    rc = cg_screen_lists_version(im->db, lists, err);
  if(rc == CG_OK)
    rc = cg_sx_build(im->db, &idx, err);
  if(rc == CG_OK)
    rc = cg_sx_store(im->db, idx, lists, err);
  cg_sx_free(idx);
  unprepare(im);
  im->ins_party = im->ins_name = im->exists = NULL;
  if(rc == CG_OK && im->own_tx)
    rc = cg_store_commit(im->db, err);
  return rc;
}

static int import_common(cg_store *db, const char *file, const char *path,
                         const char *buf, size_t len, int format,
                         const char *source, cg_screen_counts *counts,
                         cg_error *err)
{
  importer im;
  cg_screen_counts local;
  cg_csv *r = NULL;
  cg_csv *parts[4] = { NULL, NULL, NULL, NULL };
  char paths[4][1100], hex[4][CG_SHA256_HEX], dir[1024];
  sbuf all = { 0 };
  const char *slash;
  int rc, i;

  memset(&im, 0, sizeof(im));
  memset(&local, 0, sizeof(local));
  if(!counts)
    counts = &local;
  memset(counts, 0, sizeof(*counts));
  im.db = db;
  im.file = file;
  im.counts = counts;
  im.source = source && *source          ? source
              : format == CG_SCREEN_OFAC ? "ofac"
                                         : "csl";
  if(format != CG_SCREEN_CSL_CSV && format != CG_SCREEN_CSL_JSON &&
     format != CG_SCREEN_OFAC)
    return cg_error_set(err, CG_EUSAGE,
                        "import parties: format must be csl-csv, csl-json "
                        "or ofac");
  if(format == CG_SCREEN_OFAC) {
    static const char *const names[4] = { "sdn.csv", "add.csv", "alt.csv",
                                          "sdn_comments.csv" };

    if(!path)
      return cg_error_set(err, CG_EUSAGE,
                          "import parties: OFAC needs the four files on disk");
    slash = strrchr(path, '/');
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path + 1) : 0,
             path);
    /* Every part must be there before anything changes. */
    for(i = 0; i < 4; i++) {
      rc = i == 0 ? cg_csv_open(&parts[0], path, 0, err)
                  : ofac_open(&parts[i], dir, names[i], paths[i],
                              sizeof(paths[i]), err);
      if(i == 0)
        snprintf(paths[0], sizeof(paths[0]), "%s", path);
      if(rc != CG_OK) {
        cg_error_prefix(err, "OFAC file set incomplete (%s)", names[i]);
        goto fail;
      }
      rc = cg_sha256_file_hex(paths[i], hex[i], err);
      if(rc != CG_OK)
        goto fail;
      if(sb_str(&all, hex[i])) {
        rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
        goto fail;
      }
    }
    rc = cg_sha256_hex(all.s, all.n, counts->sha256, err);
    if(rc != CG_OK)
      goto fail;
  }
  else if(path) {
    rc = cg_sha256_file_hex(path, counts->sha256, err);
    if(rc != CG_OK)
      return rc;
  }
  else {
    rc = cg_sha256_hex(buf, len, counts->sha256, err);
    if(rc != CG_OK)
      return rc;
  }
  rc = begin_import(&im, format, counts->sha256, err);
  if(rc != CG_OK)
    goto fail;
  switch(format) {
  case CG_SCREEN_CSL_CSV:
    rc = path ? cg_csv_open(&r, path, 0, err)
              : cg_csv_open_mem(&r, file, buf, len, 0, err);
    if(rc == CG_OK)
      rc = import_csl_csv(&im, r, err);
    break;
  case CG_SCREEN_CSL_JSON:
    if(path) {
      FILE *f = fopen(path, "rb");
      char *data = NULL;
      long n = -1;

      if(f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
      if(n >= 0 && fseek(f, 0, SEEK_SET) == 0)
        data = malloc((size_t)n + 1);
      if(!f || n < 0 || !data || fread(data, 1, (size_t)n, f) != (size_t)n) {
        rc = cg_error_set(err, CG_EIO, "%s: cannot read: %s", path,
                          strerror(errno ? errno : EIO));
      }
      else {
        rc = import_csl_json(&im, data, (size_t)n, err);
      }
      free(data);
      if(f)
        fclose(f);
    }
    else {
      rc = import_csl_json(&im, buf, len, err);
    }
    break;
  default:
    rc = ofac_sdn(&im, parts[0], paths[0], err);
    if(rc == CG_OK)
      rc = ofac_alt(&im, parts[2], paths[2], err);
    if(rc == CG_OK)
      rc = ofac_append(&im, parts[1], paths[1], 1, err);
    if(rc == CG_OK)
      rc = ofac_append(&im, parts[3], paths[3], 0, err);
    break;
  }
  if(rc == CG_OK && counts->entries == 0)
    rc = cg_error_set(err, CG_EINVAL, "%s: no entries", file);
  if(rc == CG_OK)
    rc = finish_import(&im, err);
fail:
  free(all.s);
  unprepare(&im);
  if(rc != CG_OK && im.own_tx && cg_store_in_transaction(db))
    cg_store_rollback(db);
  cg_csv_close(r);
  for(i = 0; i < 4; i++)
    cg_csv_close(parts[i]);
  return rc;
}

int cg_screen_import(cg_store *db, const char *path, int format,
                     const char *source, cg_screen_counts *counts,
                     cg_error *err)
{
  return import_common(db, path, path, NULL, 0, format, source, counts, err);
}

int cg_screen_import_mem(cg_store *db, const char *name, const char *buf,
                         size_t len, int format, const char *source,
                         cg_screen_counts *counts, cg_error *err)
{
  if(format == CG_SCREEN_OFAC)
    return cg_error_set(err, CG_EUSAGE,
                        "import parties: OFAC needs the four files on disk");
  return import_common(db, name, NULL, buf, len, format, source, counts, err);
}

int cg_screen_import_guarded(cg_store *db, const char *path, int format,
                             const char *source, int force,
                             cg_screen_counts *counts, cg_error *err)
{
  cg_screen_counts local;
  int64_t before = 0;
  int rc;

  if(!counts)
    counts = &local;
  if(!source || !*source)
    source = format == CG_SCREEN_OFAC ? "ofac" : "csl";
  /* One transaction: import, then the same shrink guard as sync, so a
   * truncated file cannot quietly replace a list. */
  rc = cg_store_begin(db, err);
  if(rc == CG_OK)
    rc = cg_screen_list_count(db, source, &before, err);
  if(rc == CG_OK)
    rc = cg_screen_import(db, path, format, source, counts, err);
  if(rc == CG_OK)
    rc = cg_sync_shrink_check(path, before, (int64_t)counts->entries, 0, force,
                              err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    cg_store_rollback(db);
  return rc;
}

int cg_screen_set_http_meta(cg_store *db, const char *source, const char *etag,
                            const char *last_modified, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  rc = cg_store_prepare(db, &st,
                        "UPDATE list_versions SET etag = ?2, last_modified = "
                        "?3 WHERE source = ?1 AND current = 1",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, etag, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, last_modified, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc == CG_OK && cg_store_changes(db) == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "screen: no current list \"%s\"",
                      source);
  return rc;
}
