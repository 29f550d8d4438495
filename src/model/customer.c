/* customer.c -- see customer.h. */
#include "model/customer.h"

#include "core/importer.h"
#include "core/json.h"
#include "core/pattern.h"
#include "model/rowseen.h"
#include "model/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_customer_init(cg_customer *c)
{
  memset(c, 0, sizeof(*c));
  strcpy(c->role, "end_user");
}

void cg_customer_clear(cg_customer *c)
{
  free(c->name);
  free(c->parent);
  free(c->address);
  cg_customer_init(c);
}

static void copy_code(char dst[3], const char *src)
{
  dst[0] = '\0';
  if(src && strlen(src) == 2)
    memcpy(dst, src, 3);
}

static int customer_query(cg_store *db, const char *sql, const char *name,
                          int64_t id, cg_customer *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  cg_customer_init(out);
  rc = cg_store_cached(db, &st, sql, err);
  if(rc != CG_OK)
    return rc;
  rc = name ? cg_stmt_bind_text(st, 1, name, err)
            : cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    out->id = cg_stmt_int(st, 0);
    out->name = cg_stmt_strdup(st, 1);
    copy_code(out->country, cg_stmt_text(st, 2));
    copy_code(out->hq_country, cg_stmt_text(st, 3));
    out->parent = cg_stmt_strdup(st, 4);
    copy_code(out->parent_hq_country, cg_stmt_text(st, 5));
    out->address = cg_stmt_strdup(st, 6);
    snprintf(out->role, sizeof(out->role), "%s", cg_stmt_text(st, 7));
    rc = out->name ? CG_OK : cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  else if(rc == 0) {
    rc = name
             ? cg_error_set(err, CG_ENOTFOUND, "unknown customer \"%s\"", name)
             : cg_error_set(err, CG_ENOTFOUND, "unknown customer id %lld",
                            (long long)id);
  }
  cg_stmt_reset(st);
  return rc;
}

#define CUSTOMER_COLS                                                         \
  "SELECT id, name, country, hq_country, parent, parent_hq_country, "         \
  "address, role FROM customers "

int cg_customer_find_id(cg_store *db, const char *name, int64_t *id_out,
                        cg_error *err)
{
  return cg_store_find_id(db, "SELECT id FROM customers WHERE name = ?1", name,
                          id_out, err);
}

int cg_customer_find_ref(cg_store *db, const char *ref, int64_t *id_out,
                         cg_error *err)
{
  /* A name wins over an id: a customer may be called "42". */
  int rc = cg_customer_find_id(db, ref, id_out, err);

  if(rc == CG_OK && *id_out == 0)
    rc = cg_store_find_id(
        db, "SELECT id FROM customers WHERE CAST(id AS TEXT) = ?1", ref,
        id_out, err);
  return rc;
}

int cg_customer_each(cg_store *db,
                     int (*fn)(void *arg, int64_t id, const char *name),
                     void *arg, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(db, &st,
                            "SELECT id, name FROM customers ORDER BY id", err);

  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1)
    rc = fn(arg, cg_stmt_int(st, 0), cg_stmt_text(st, 1));
  cg_stmt_finalize(st);
  return rc;
}

int cg_customer_get(cg_store *db, const char *name, cg_customer *out,
                    cg_error *err)
{
  return customer_query(db, CUSTOMER_COLS "WHERE name = ?1", name, 0, out,
                        err);
}

int cg_customer_get_id(cg_store *db, int64_t id, cg_customer *out,
                       cg_error *err)
{
  return customer_query(db, CUSTOMER_COLS "WHERE id = ?1", NULL, id, out, err);
}

/* An ISO code known to the database, or "" when allowed. */
static int import_country(cg_import *im, cg_store *db, int k, int required,
                          char out[3], cg_error *err)
{
  char buf[16];
  int rc = cg_import_text(im, k, buf, sizeof(buf), err);

  out[0] = '\0';
  if(rc != CG_OK)
    return rc;
  if(!buf[0])
    return required ? cg_import_fail(im, err, "%s is empty", im->columns[k])
                    : CG_OK;
  cg_country_code_upper(buf);
  /* Only "not in the table" is bad data; a failed read is an I/O error. */
  rc = cg_country_check(db, buf, err);
  if(rc != CG_OK && rc != CG_ENOTFOUND)
    return rc;
  if(rc == CG_ENOTFOUND)
    return cg_import_fail(im, err,
                          "%s: unknown country code \"%s\" (ISO "
                          "3166-1 alpha-2, upper case)",
                          im->columns[k], buf);
  memcpy(out, buf, 3);
  return CG_OK;
}

enum {
  CU_NAME,
  CU_COUNTRY,
  CU_HQ,
  CU_PARENT,
  CU_PARENT_HQ,
  CU_ADDRESS,
  CU_ROLE
};

typedef struct customer_ctx {
  cg_store *db;
  cg_rowseen *seen; /* names in this file */
} customer_ctx;

/* One customer row: validated, then inserted or updated by name. */
static int customer_row(void *arg, cg_import *im, cg_error *err)
{
  customer_ctx *cx = arg;
  cg_store *db = cx->db;
  char where[600];
  char name[512], parent[512], address[1024], role[32];
  char country[3], hq[3], phq[3];
  cg_stmt *st = NULL;
  int rc;

  rc = cg_import_required(im, CU_NAME, name, sizeof(name), err);
  if(rc == CG_OK)
    rc = import_country(im, db, CU_COUNTRY, 1, country, err);
  if(rc == CG_OK)
    rc = import_country(im, db, CU_HQ, 0, hq, err);
  if(rc == CG_OK)
    rc = cg_import_text(im, CU_PARENT, parent, sizeof(parent), err);
  if(rc == CG_OK)
    rc = import_country(im, db, CU_PARENT_HQ, 0, phq, err);
  if(rc == CG_OK)
    rc = cg_import_text(im, CU_ADDRESS, address, sizeof(address), err);
  if(rc == CG_OK)
    rc = cg_import_text(im, CU_ROLE, role, sizeof(role), err);
  if(rc == CG_OK && !role[0])
    strcpy(role, "end_user");
  if(rc == CG_OK && strcmp(role, "designer") && strcmp(role, "osat") &&
     strcmp(role, "distributor") && strcmp(role, "end_user"))
    rc = cg_import_fail(im, err,
                        "role: \"%s\" is not designer, osat, "
                        "distributor or end_user",
                        role);
  if(rc == CG_OK && phq[0] && !parent[0])
    rc = cg_import_fail(im, err,
                        "parent_hq_country given without a "
                        "parent");
  if(rc != CG_OK)
    return rc;
  snprintf(where, sizeof(where), "%s:%ld", im->path, im->row->line);
  rc = cg_rowseen_add(cx->seen, name, im->row, where, "customer", err);
  if(rc <= 0)
    return rc; /* an identical repeat, or a conflict */
  /* Without a stated HQ, the customer is headquartered where it is. */
  if(!hq[0])
    memcpy(hq, country, 3);
  rc = cg_store_cached(db, &st,
                       "INSERT INTO customers(name, country, hq_country, "
                       "parent, parent_hq_country, address, role) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                       "ON CONFLICT(name) DO UPDATE SET "
                       "country = excluded.country, "
                       "hq_country = excluded.hq_country, "
                       "parent = excluded.parent, "
                       "parent_hq_country = excluded.parent_hq_country, "
                       "address = excluded.address, role = excluded.role "
                       /* the same content again changes nothing and is
                        * counted as skipped */
                       "WHERE country IS NOT excluded.country "
                       "OR hq_country IS NOT excluded.hq_country "
                       "OR parent IS NOT excluded.parent "
                       "OR parent_hq_country IS NOT "
                       "excluded.parent_hq_country "
                       "OR address IS NOT excluded.address "
                       "OR role IS NOT excluded.role",
                       err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, name, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, country, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, hq, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, parent[0] ? parent : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 5, phq[0] ? phq : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, address[0] ? address : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 7, role, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc == CG_OK ? cg_store_changes(db) > 0 : rc;
}

int cg_customer_import(cg_store *db, const char *path, size_t *count_out,
                       cg_error *err)
{
  static const char *const cols[] = {
    "name",    "country", "hq_country", "parent", "parent_hq_country",
    "address", "role",    NULL
  };
  static const char *const req[] = { "name", "country", NULL };
  static const cg_import_spec spec = { cols, req, NULL, customer_row };
  customer_ctx cx = { db, cg_rowseen_new(1) };
  int rc;

  *count_out = 0;
  if(!cx.seen)
    return cg_error_set(err, CG_ENOMEM, "%s: out of memory", path);
  rc = cg_import_run(db, path, &spec, &cx, count_out, err);
  cg_rowseen_free(cx.seen);
  return rc;
}

/* Text or JSON null for a column that may be NULL or empty. */
static cg_json *opt_text(cg_stmt *st, int col)
{
  const char *s = cg_stmt_text(st, col);

  return cg_json_str(s && *s ? s : NULL);
}

int cg_customer_list(cg_store *db, cg_json **out, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = cg_json_array();
  int rc;

  *out = NULL;
  if(!arr)
    return cg_error_set(err, CG_ENOMEM, "customers: out of memory");
  rc = cg_store_prepare(db, &st,
                        "SELECT id, name, country, hq_country, parent, "
                        "parent_hq_country, role FROM customers ORDER BY "
                        "name COLLATE NOCASE",
                        err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    cg_json *o = cg_json_object();

    if(!o) {
      rc = cg_error_set(err, CG_ENOMEM, "customers: out of memory");
      break;
    }
    cg_json_set_int(o, "id", cg_stmt_int(st, 0));
    cg_json_set_str(o, "name", cg_stmt_text(st, 1));
    cg_json_set_str(o, "country", cg_stmt_text(st, 2));
    cg_json_set(o, "hq_country", opt_text(st, 3));
    cg_json_set(o, "parent", opt_text(st, 4));
    cg_json_set(o, "parent_hq_country", opt_text(st, 5));
    cg_json_set_str(o, "role", cg_stmt_text(st, 6));
    cg_json_append(arr, o);
    rc = CG_OK;
  }
  cg_stmt_finalize(st);
  if(rc < 0) {
    cg_json_free(arr);
    return rc;
  }
  *out = arr;
  return CG_OK;
}
