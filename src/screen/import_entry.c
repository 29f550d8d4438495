/* import_entry.c -- what every list format shares on import: string
 * helpers, and one parsed entry into parties / party_names (ids made
 * stable and unique, names normalised, aliases split). */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/crypto.h"
#include "core/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Small string helpers ============================================ */

const char *cg_si_skip_ws(const char *s)
{
  while(*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
    s++;
  return s;
}

/* Copies s[0..n) trimmed into a malloc'ed string. */
char *cg_si_dup_trim(const char *s, size_t n)
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

int cg_si_buf_add(cg_si_buf *b, const char *s, size_t n)
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

int cg_si_buf_str(cg_si_buf *b, const char *s)
{
  return cg_si_buf_add(b, s, strlen(s));
}

/* Adds code to a "; "-list of country codes unless present. */
int cg_si_add_country(cg_si_buf *b, const char *code)
{
  const char *p;

  for(p = b->s; p && *p; p += strcspn(p, ";"), p += *p ? 1 : 0) {
    p = cg_si_skip_ws(p);
    if(strncmp(p, code, 2) == 0 && (p[2] == ';' || p[2] == '\0'))
      return 0;
  }
  if(b->n && cg_si_buf_str(b, "; "))
    return -1;
  return cg_si_buf_add(b, code, 2);
}

/* Country codes of CSL addresses: each "; "-separated address ends in
 * ", CC" (or is just "CC"). */
int cg_si_countries_of(cg_si_buf *b, const char *addresses)
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
      if(cg_si_add_country(b, cc))
        return -1;
    }
    p = *end ? end + 1 : end;
  }
  return 0;
}

const char *cg_si_nz(const char *s)
{
  return s ? s : "";
}

/* ==== Inserting ======================================================= */

int cg_si_prepare(cg_si_importer *im, cg_error *err)
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

void cg_si_unprepare(cg_si_importer *im)
{
  cg_stmt_finalize(im->ins_party);
  cg_stmt_finalize(im->ins_name);
  cg_stmt_finalize(im->exists);
}

/* parties.id of (source, entry_id), 0 if none, <0 on error. */
int64_t cg_si_find_party(cg_si_importer *im, const char *entry_id,
                         cg_error *err)
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
int cg_si_add_name(cg_si_importer *im, int64_t party, const char *name,
                   size_t n, int alias, const char *where, cg_error *err)
{
  char *nm = cg_si_dup_trim(name, n), *key = NULL;
  const char *p;
  int rc = CG_OK;

  if(!nm)
    return cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
  p = nm;
  if(alias && strncmp(p, "and ", 4) == 0)
    p = cg_si_skip_ws(p + 4);
  if(!*p || strncmp(p, "any successor", 13) == 0)
    goto done;
  if(strlen(p) > CG_SI_MAX_NAME) {
    rc =
        cg_error_set(err, CG_EINVAL, "%s: %s of %zu bytes (at most %d)", where,
                     alias ? "alias" : "name", strlen(p), CG_SI_MAX_NAME);
    goto done;
  }
  rc = cg_text_name_key(&key, p, err);
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
static int add_aliases(cg_si_importer *im, int64_t party, const char *list,
                       const char *where, cg_error *err)
{
  const char *p = list;
  int rc;

  while(p && *p) {
    size_t n = strcspn(p, ";");

    rc = cg_si_add_name(im, party, p, n, 1, where, err);
    if(rc != CG_OK)
      return rc;
    p += n;
    if(*p)
      p++;
  }
  return CG_OK;
}

/* The entry id of e into idbuf (96 bytes) or e's own, as *eid_out: made
 * from a hash of the entry's identity when the file has none, numbered
 * "~2", "~3" ... when the id is already in this list (it happens). */
static int entry_id(cg_si_importer *im, const cg_si_entry *e, const char *name,
                    const char *where, char *idbuf, const char **eid_out,
                    cg_error *err)
{
  char base[96], hex[CG_SHA256_HEX];
  const char *eid = cg_si_skip_ws(cg_si_nz(e->entry_id));
  cg_si_buf h = { 0 };
  int64_t party;
  int rc = CG_OK, k;

  if(!*eid) {
    /* No id in the file: a stable one from the entry's identity. */
    if(cg_si_buf_str(&h, cg_si_nz(e->list)) || cg_si_buf_str(&h, "|") ||
       cg_si_buf_str(&h, name) || cg_si_buf_str(&h, "|") ||
       cg_si_buf_str(&h, cg_si_nz(e->addresses)))
      rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
    if(rc == CG_OK)
      rc = cg_sha256_hex(h.s, h.n, hex, err);
    free(h.s);
    if(rc != CG_OK)
      return rc;
    snprintf(idbuf, 96, "h%.16s", hex);
    eid = idbuf;
  }
  else if(strlen(eid) > 80) {
    return cg_error_set(err, CG_EINVAL, "%s: entry id of %zu bytes", where,
                        strlen(eid));
  }
  party = cg_si_find_party(im, eid, err);
  if(party > 0)
    snprintf(base, sizeof(base), "%s", eid);
  for(k = 2; party > 0 && k < 1000; k++) {
    snprintf(idbuf, 96, "%.80s~%d", base, k);
    eid = idbuf;
    party = cg_si_find_party(im, eid, err);
  }
  if(party < 0)
    return (int)party;
  *eid_out = eid;
  return CG_OK;
}

/* Inserts the parties row of e under eid; name[0..first) is its primary
 * name. */
static int insert_party(cg_si_importer *im, const cg_si_entry *e,
                        const char *eid, const char *name, size_t first,
                        const char *where, cg_error *err)
{
  cg_si_buf cc = { 0 };
  char *nm = NULL;
  size_t i;
  int rc;

  if(e->countries ? cg_si_buf_str(&cc, e->countries)
                  : cg_si_countries_of(&cc, cg_si_nz(e->addresses)))
    goto nomem;
  nm = cg_si_dup_trim(name, first);
  if(!nm)
    goto nomem;
  if(!*cg_si_skip_ws(cg_si_nz(e->list))) {
    rc = cg_error_set(err, CG_EINVAL, "%s: empty source list", where);
    goto done;
  }
  {
    const char *vals[] = { cg_si_nz(e->list),
                           eid,
                           nm,
                           cg_si_skip_ws(cg_si_nz(e->type)),
                           cg_si_nz(e->programs),
                           cc.s ? cc.s : "",
                           cg_si_nz(e->addresses),
                           cg_si_nz(e->fr),
                           cg_si_nz(e->start),
                           cg_si_nz(e->end),
                           cg_si_nz(e->lic_req),
                           cg_si_nz(e->lic_pol),
                           cg_si_nz(e->remarks),
                           cg_si_nz(e->url) };

    rc = cg_stmt_bind_int(im->ins_party, 1, im->version, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(im->ins_party, 2, im->source, err);
    for(i = 0; rc == CG_OK && i < sizeof(vals) / sizeof(vals[0]); i++)
      rc = cg_stmt_bind_text(im->ins_party, (int)i + 3, vals[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_run(im->ins_party, err);
  }
  goto done;
nomem:
  rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
done:
  free(nm);
  free(cc.s);
  return rc;
}

int cg_si_insert_entry(cg_si_importer *im, const cg_si_entry *e,
                       const char *where, int64_t *party_out, cg_error *err)
{
  char idbuf[96];
  const char *name = cg_si_skip_ws(cg_si_nz(e->name)), *eid = NULL;
  size_t first = strcspn(name, ";");
  int64_t party;
  int rc;

  if(!*name || first == 0)
    return cg_error_set(err, CG_EINVAL, "%s: empty name", where);
  if(first > CG_SI_MAX_NAME)
    return cg_error_set(err, CG_EINVAL, "%s: name of %zu bytes (at most %d)",
                        where, first, CG_SI_MAX_NAME);
  rc = entry_id(im, e, name, where, idbuf, &eid, err);
  if(rc == CG_OK)
    rc = insert_party(im, e, eid, name, first, where, err);
  if(rc != CG_OK)
    return rc;
  party = cg_store_last_rowid(im->db);
  rc = cg_si_add_name(im, party, name, first, 0, where, err);
  if(rc == CG_OK && name[first])
    rc = add_aliases(im, party, name + first + 1, where, err);
  if(rc == CG_OK)
    rc = add_aliases(im, party, cg_si_nz(e->alt_names), where, err);
  if(rc != CG_OK)
    return rc;
  if(im->counts) {
    im->counts->entries++;
    if(cg_screen_is_entity_list(e->list))
      im->counts->entity_list++;
  }
  if(party_out)
    *party_out = party;
  return CG_OK;
}
