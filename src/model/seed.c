/* seed.c -- see seed.h. */
#include "model/seed.h"

#include "core/csvfile.h"
#include "core/pattern.h"
#include "rules/facts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct seed_file {
  const char *file;       /* name inside the seed dir */
  const char *columns[6]; /* required header, in any order */
  const char *clear;      /* SQL run before loading */
  const char *insert;     /* ?1..?n in `columns` order */
} seed_file;

static const seed_file seeds[] = {
  { "countries.csv",
    { "code", "name", NULL },
    NULL,
    "INSERT INTO countries(code, name) VALUES(?1, ?2) "
    "ON CONFLICT(code) DO UPDATE SET name = excluded.name" },
  { "country_groups.csv",
    { "group", "country", "valid_from", "valid_to", "source", NULL },
    "DELETE FROM country_groups",
    "INSERT INTO country_groups(grp, country, valid_from, valid_to, source) "
    "VALUES(?1, ?2, coalesce(nullif(?3, ''), '0001-01-01'), "
    "coalesce(nullif(?4, ''), '9999-12-31'), ?5)" },
  { "process_nodes.csv",
    { "pattern", "foundry", "nm", "nonplanar", "note", NULL },
    "DELETE FROM process_nodes",
    "INSERT INTO process_nodes(pattern, foundry, nm, nonplanar, note) "
    "VALUES(?1, ?2, CAST(?3 AS REAL), CAST(?4 AS INTEGER), ?5)" },
  { "workloads.csv",
    { "name", "flop", "source", NULL },
    "DELETE FROM workloads",
    "INSERT INTO workloads(name, flop, source) "
    "VALUES(?1, CAST(?2 AS REAL), ?3)" },
};

static int valid_date_or_empty(const char *s)
{
  int y, m, d;
  char tail;

  if(!*s)
    return 1;
  if(strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Checks what SQLite's CHECKs cannot say well. */
static int check_row(const seed_file *sf, const char *path,
                     const cg_csv_row *row, const int *map, cg_error *err)
{
  if(strcmp(sf->file, "country_groups.csv") == 0) {
    if(!valid_date_or_empty(row->fields[map[2]]) ||
       !valid_date_or_empty(row->fields[map[3]]))
      return cg_error_set(err, CG_EINVAL,
                          "%s:%ld: dates must be "
                          "YYYY-MM-DD or empty",
                          path, row->line);
  }
  if(strcmp(sf->file, "process_nodes.csv") == 0) {
    cg_pattern *p = NULL;
    int rc =
        cg_pattern_compile(&p, row->fields[map[0]],
                           CG_PATTERN_CASELESS | CG_PATTERN_ANCHORED, err);
    cg_pattern_free(p);
    if(rc != CG_OK)
      return cg_error_prefix(err, "%s:%ld: pattern", path, row->line);
  }
  return CG_OK;
}

static int load_one(cg_store *db, const char *dir, const seed_file *sf,
                    cg_error *err)
{
  char path[1024];
  cg_csv *r = NULL;
  cg_csv_header h = { 0, NULL };
  const cg_csv_row *row;
  cg_stmt *st = NULL;
  int map[6], ncol = 0, rc, k;

  snprintf(path, sizeof(path), "%s/%s", dir, sf->file);
  rc = cg_csv_open(&r, path, 0, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_csv_next(r, &row, err);
  if(rc == 0)
    rc = cg_error_set(err, CG_EINVAL, "%s: empty file", path);
  if(rc < 0)
    goto done;
  rc = cg_csv_header_init(&h, row, path, err);
  if(rc != CG_OK)
    goto done;
  for(k = 0; sf->columns[k]; k++, ncol++) {
    map[k] = cg_csv_header_find(&h, sf->columns[k]);
    if(map[k] < 0) {
      rc = cg_error_set(err, CG_EINVAL, "%s:%ld: missing column \"%s\"", path,
                        row->line, sf->columns[k]);
      goto done;
    }
  }
  if(sf->clear) {
    rc = cg_store_exec(db, sf->clear, err);
    if(rc != CG_OK)
      goto done;
  }
  rc = cg_store_prepare(db, &st, sf->insert, err);
  if(rc != CG_OK)
    goto done;
  while((rc = cg_csv_next(r, &row, err)) == 1) {
    if(row->n != h.n) {
      rc = cg_error_set(err, CG_EINVAL,
                        "%s:%ld: %zu fields, the header "
                        "has %zu",
                        path, row->line, row->n, h.n);
      break;
    }
    rc = check_row(sf, path, row, map, err);
    for(k = 0; rc == CG_OK && k < ncol; k++)
      rc = cg_stmt_bind_text(st, k + 1, row->fields[map[k]], err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
    if(rc != CG_OK) {
      if(err && err->code == CG_EDB)
        cg_error_prefix(err, "%s:%ld", path, row->line);
      break;
    }
  }
done:
  cg_stmt_finalize(st);
  cg_csv_header_free(&h);
  cg_csv_close(r);
  return rc < 0 ? rc : CG_OK;
}

int cg_seed_load(cg_store *db, const char *seed_dir, cg_error *err)
{
  size_t i;
  int rc = cg_store_begin(db, err);

  for(i = 0; rc == CG_OK && i < sizeof(seeds) / sizeof(seeds[0]); i++)
    rc = load_one(db, seed_dir, &seeds[i], err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    cg_store_rollback(db);
  return rc;
}

int cg_country_in_group(cg_store *db, const char *country, const char *grp,
                        const char *date, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT 1 FROM country_groups WHERE grp = ?1 AND "
                           "country = ?2 AND valid_from <= ?3 AND ?3 < "
                           "valid_to",
                           err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, grp, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, country, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, date, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  cg_stmt_reset(st);
  return rc;
}

void cg_country_upper(char *s)
{
  for(; s && *s; s++)
    if(*s >= 'a' && *s <= 'z')
      *s = (char)(*s - 'a' + 'A');
}

void cg_country_code_upper(char *code)
{
  /* Only what may be a code: a message about "China" quotes it as typed. */
  if(code && strlen(code) == 2)
    cg_country_upper(code);
}

int cg_country_check(cg_store *db, const char *code, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc =
      cg_store_cached(db, &st, "SELECT 1 FROM countries WHERE code = ?1", err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, code, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  cg_stmt_reset(st);
  if(rc == 0)
    return cg_error_set(err, CG_ENOTFOUND,
                        "unknown country code \"%s\" (ISO 3166-1 alpha-2)",
                        code);
  return rc < 0 ? rc : CG_OK;
}

int cg_country_groups(cg_store *db, const char *country, const char *date,
                      unsigned *mask_out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT grp FROM country_groups WHERE country = ?1 "
                           "AND valid_from <= ?2 AND ?2 < valid_to",
                           err);

  *mask_out = 0;
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, country, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, date, err);
  while(rc >= 0 && (rc = cg_stmt_step(st, err)) == 1) {
    int bit = cg_group_bit(cg_stmt_text(st, 0));
    if(bit >= 0)
      *mask_out |= 1u << bit;
    rc = CG_OK;
  }
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_country_by_name(cg_store *db, const char *name, char code[3],
                       cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT code FROM countries WHERE name = ?1 "
                           "COLLATE NOCASE",
                           err);

  code[0] = '\0';
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, name, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    snprintf(code, 3, "%s", cg_stmt_text(st, 0));
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* ===== the demo database ==================================================
 */

int cg_seed_is_demo(const char *path)
{
  cg_store *db = NULL;
  cg_stmt *st = NULL;
  int ok = 0;

  if(cg_store_open(&db, path, CG_STORE_READONLY, NULL) == CG_OK &&
     cg_store_prepare(db, &st,
                      "SELECT 1 FROM meta WHERE key = 'demo' AND value = '1'",
                      NULL) == CG_OK)
    ok = cg_stmt_step(st, NULL) == 1;
  cg_stmt_finalize(st);
  cg_store_close(db);
  return ok;
}

int cg_seed_check_ours(cg_store *db, const char *path, cg_error *err)
{
  cg_stmt *st = NULL;
  char names[200] = "";
  int rc, v = 0, n = 0, meta = 0, countries = 0;

  rc = cg_store_user_version(db, &v, err);
  if(rc == CG_OK)
    rc = cg_store_prepare(db, &st,
                          "SELECT name FROM sqlite_master WHERE type IN "
                          "('table', 'view') AND name NOT LIKE 'sqlite_%' "
                          "ORDER BY name",
                          err);
  while(rc >= 0 && (rc = cg_stmt_step(st, err)) == 1) {
    const char *name = cg_stmt_text(st, 0);
    size_t len = strlen(names);
    meta |= strcmp(name, "meta") == 0;
    countries |= strcmp(name, "countries") == 0;
    if(n++ < 4 && len + 40 < sizeof(names))
      snprintf(names + len, sizeof(names) - len, "%s%.32s", len ? ", " : "",
               name);
  }
  cg_stmt_finalize(st);
  if(rc < 0)
    return rc;
  if(v == 0 && n > 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s is not a chipgate database: it holds %d "
                        "table%s (%s%s) and no chipgate schema version; "
                        "give init a new or empty file",
                        path, n, n == 1 ? "" : "s", names,
                        n > 4 ? ", ..." : "");
  if(v > 0 && (!meta || !countries))
    return cg_error_set(err, CG_EINVAL,
                        "%s is not a chipgate database: schema version %d "
                        "but not chipgate's tables (it holds %s%s)",
                        path, v, n ? names : "no tables",
                        n > 4 ? ", ..." : "");
  return CG_OK;
}

int cg_seed_mark_demo(cg_store *db, cg_error *err)
{
  return cg_store_exec(db, "INSERT INTO meta(key, value) VALUES('demo', '1')",
                       err);
}

int cg_country_world(cg_store *db, const char *date, cg_rules_country **out,
                     size_t *n, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_rules_country *v = NULL, *nv;
  size_t cap = 0;
  int rc = cg_store_cached(
      db, &st,
      "SELECT c.code, g.grp FROM countries c LEFT JOIN country_groups g "
      "ON g.country = c.code AND g.valid_from <= ?1 AND ?1 < g.valid_to "
      "ORDER BY c.code",
      err);

  *out = NULL;
  *n = 0;
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, date, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    const char *code = cg_stmt_text(st, 0);
    const char *grp = cg_stmt_text(st, 1);
    int bit = grp ? cg_group_bit(grp) : -1;
    rc = CG_OK;
    if(!code || strlen(code) != 2)
      continue;
    if(!*n || strcmp(v[*n - 1].code, code) != 0) {
      if(*n == cap) {
        cap = cap ? cap * 2 : 256;
        nv = realloc(v, cap * sizeof(*v));
        if(!nv) {
          rc = cg_error_set(err, CG_ENOMEM, "countries: out of memory");
          break;
        }
        v = nv;
      }
      memcpy(v[*n].code, code, 3);
      v[*n].groups = 0;
      (*n)++;
    }
    if(bit >= 0)
      v[*n - 1].groups |= 1u << bit;
  }
  cg_stmt_reset(st);
  if(rc < 0) {
    free(v);
    *n = 0;
    return rc;
  }
  *out = v;
  return CG_OK;
}
