/* import_ofac.c -- OFAC's legacy four-file CSV (sdn.csv, add.csv,
 * alt.csv, sdn_comments.csv) into entries. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "model/seed.h"

#include "core/crypto.h"
#include "core/csvfile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SDN_LIST "Specially Designated Nationals (SDN) - Treasury Department"

/* ==== OFAC legacy CSV ================================================= */

/* OFAC writes "-0- " for empty. */
static const char *ofac(const char *s)
{
  const char *p = cg_si_skip_ws(s);

  if(strncmp(p, "-0-", 3) == 0 && !*cg_si_skip_ws(p + 3))
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
  size_t i;

  cc[0] = '\0';
  if(!*name)
    return CG_OK;
  for(i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
    if(strcmp(name, alias[i].from) == 0) {
      memcpy(cc, alias[i].code, 3);
      return CG_OK;
    }
  }
  return cg_country_by_name(db, name, cc, err);
}

/* OFAC files may end in a lone ^Z line. */
static int ofac_eof_row(const cg_csv_row *row)
{
  return row->n == 1 && (strcmp(row->fields[0], "\x1a") == 0 ||
                         !*cg_si_skip_ws(row->fields[0]));
}

static int ofac_sdn(cg_si_importer *im, cg_csv *r, const char *path,
                    cg_error *err)
{
  const cg_csv_row *row;
  char where[1200];
  int rc;

  while((rc = cg_csv_next(r, &row, err)) == 1) {
    cg_si_buf prog = { 0 };
    const char *t, *p;
    cg_si_entry e;

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
    /* OFAC numbers its entries; anything else is not an SDN file (and
     * add.csv, alt.csv and sdn_comments.csv could not refer to it). */
    if(strspn(e.entry_id, "0123456789") != strlen(e.entry_id))
      return cg_error_set(err, CG_EINVAL,
                          "%s: ent_num \"%.32s\" is not a number", where,
                          e.entry_id);
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
        if(cg_si_buf_str(&prog, "; "))
          goto nomem;
        p += 2;
      }
      else if(cg_si_buf_add(&prog, p, 1))
        goto nomem;
    }
    e.programs = prog.s ? prog.s : "";
    e.remarks = ofac(row->fields[11]);
    e.countries = "";
    e.addresses = "";
    rc = cg_si_insert_entry(im, &e, where, NULL, err);
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
static int ofac_alt(cg_si_importer *im, cg_csv *r, const char *path,
                    cg_error *err)
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
    party = cg_si_find_party(im, ofac(row->fields[0]), err);
    if(party < 0)
      return (int)party;
    if(party == 0)
      continue; /* an alias of an entry not in sdn.csv */
    nm = ofac(row->fields[3]);
    rc = cg_si_add_name(im, party, nm, strlen(nm), 1, where, err);
    if(rc != CG_OK)
      return rc;
  }
  return rc < 0 ? rc : CG_OK;
}

/* add.csv (ent_num, add_num, address, city, country, remarks) and
 * sdn_comments.csv (ent_num, remarks): appended to the party. */
static int ofac_append(cg_si_importer *im, cg_csv *r, const char *path,
                       int add, cg_error *err)
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
    cg_si_buf a = { 0 }, c = { 0 }, m = { 0 };
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
    party = cg_si_find_party(im, ofac(row->fields[0]), err);
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
    if(cg_si_buf_str(&a, cg_si_nz(cg_stmt_text(get, 0))) ||
       cg_si_buf_str(&c, cg_si_nz(cg_stmt_text(get, 1))) ||
       cg_si_buf_str(&m, cg_si_nz(cg_stmt_text(get, 2)))) {
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
        if((first && a.n && cg_si_buf_str(&a, "; ")) ||
           (!first && cg_si_buf_str(&a, ", ")) || cg_si_buf_str(&a, v))
          goto nomem;
        first = 0;
      }
      rc = country_code(im->db, ofac(row->fields[4]), cc, err);
      if(rc != CG_OK)
        goto next;
      if(cc[0] && cg_si_add_country(&c, cc))
        goto nomem;
    }
    else if(cg_si_buf_str(&m, ofac(row->fields[1]))) {
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

/* ==== The four-file set =============================================== */

static const char *const PART[4] = { "sdn.csv", "add.csv", "alt.csv",
                                     "sdn_comments.csv" };

char *cg_si_ofac_part(const char *first, int part, int url)
{
  const char *end = first + (url ? strcspn(first, "?#") : strlen(first));
  const char *base = end, *p;
  int upper = 0, lower = 0;
  char name[32], *q, *out;
  size_t size;

  if(part == 0)
    return strdup(first);
  while(base > first && base[-1] != '/')
    base--;
  for(p = base; p < end; p++) {
    upper |= isupper((unsigned char)*p) != 0;
    lower |= islower((unsigned char)*p) != 0;
  }
  /* SDN.CSV -> ADD.CSV (as OFAC publishes them), sdn.csv -> add.csv. */
  snprintf(name, sizeof(name), "%s", PART[part]);
  for(q = name; upper && !lower && *q; q++)
    *q = (char)toupper((unsigned char)*q);
  size = (size_t)(base - first) + strlen(name) + strlen(end) + 1;
  out = malloc(size);
  if(out)
    snprintf(out, size, "%.*s%s%s", (int)(base - first), first, name, end);
  return out;
}

/* sha_out = sha256 of the four parts' hex digests one after the other. */
static int set_digest(char hex[4][CG_SHA256_HEX], char sha_out[65],
                      cg_error *err)
{
  char all[4 * 64];
  int i;

  for(i = 0; i < 4; i++)
    memcpy(all + 64 * i, hex[i], 64);
  return cg_sha256_hex(all, sizeof(all), sha_out, err);
}

int cg_si_ofac_set_open_mem(cg_si_ofac_set *set, const cg_si_ofac_mem *m,
                            char sha_out[65], cg_error *err)
{
  char hex[4][CG_SHA256_HEX];
  int rc = CG_OK, i;

  for(i = 0; i < 4 && rc == CG_OK; i++) {
    snprintf(set->path[i], sizeof(set->path[i]), "%s", m->name[i]);
    rc = cg_csv_open_mem(&set->r[i], set->path[i], m->buf[i], m->len[i], 0,
                         err);
    if(rc == CG_OK)
      rc = cg_sha256_hex(m->buf[i], m->len[i], hex[i], err);
  }
  return rc == CG_OK ? set_digest(hex, sha_out, err) : rc;
}

int cg_si_ofac_set_open(cg_si_ofac_set *set, const char *sdn_path,
                        char sha_out[65], cg_error *err)
{
  char hex[4][CG_SHA256_HEX];
  int rc = CG_OK, i;

  for(i = 0; i < 4 && rc == CG_OK; i++) {
    char *path = cg_si_ofac_part(sdn_path, i, 0);

    if(!path)
      return cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
    snprintf(set->path[i], sizeof(set->path[i]), "%s", path);
    free(path);
    rc = cg_csv_open(&set->r[i], set->path[i], 0, err);
    if(rc != CG_OK)
      cg_error_prefix(err, "OFAC file set incomplete (%s)", PART[i]);
    if(rc == CG_OK)
      rc = cg_sha256_file_hex(set->path[i], hex[i], err);
  }
  return rc == CG_OK ? set_digest(hex, sha_out, err) : rc;
}

int cg_si_ofac_set_read(cg_si_importer *im, cg_si_ofac_set *set, cg_error *err)
{
  int rc = ofac_sdn(im, set->r[0], set->path[0], err);

  if(rc == CG_OK)
    rc = ofac_alt(im, set->r[2], set->path[2], err);
  if(rc == CG_OK)
    rc = ofac_append(im, set->r[1], set->path[1], 1, err);
  if(rc == CG_OK)
    rc = ofac_append(im, set->r[3], set->path[3], 0, err);
  return rc;
}

void cg_si_ofac_set_close(cg_si_ofac_set *set)
{
  int i;

  for(i = 0; i < 4; i++) {
    cg_csv_close(set->r[i]);
    set->r[i] = NULL;
  }
}
