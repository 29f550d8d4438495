/* order.c -- see order.h. */
#include "model/order.h"

#include "core/importer.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_order_init(cg_order *o)
{
  memset(o, 0, sizeof(*o));
  strcpy(o->role, "distributor");
  o->export_from_us = -1;
}

/* ==== validation ======================================================== */

/* Copies s without leading and trailing blanks into buf ("" for NULL);
 * CG_EINVAL if it does not fit, or if it is required and empty. */
static int take(const char *where, const char *name, const char *s,
                int required, char *buf, size_t size, cg_error *err)
{
  size_t n;

  buf[0] = '\0';
  if(!s)
    s = "";
  while(*s == ' ' || *s == '\t')
    s++;
  n = strlen(s);
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if(n >= size)
    return cg_error_set(err, CG_EINVAL, "%s: %s: longer than %zu bytes", where,
                        name, size - 1);
  if(!n && required)
    return cg_error_set(err, CG_EINVAL, "%s: %s is empty", where, name);
  memcpy(buf, s, n);
  buf[n] = '\0';
  return CG_OK;
}

/* role, packager and export_from_us: each a closed set of words. */
static int parse_choices(const char *where, const char *role,
                         const char *packager, const char *from_us,
                         cg_order *o, cg_error *err)
{
  if(!*role)
    role = "distributor";
  if(strcmp(role, "fab") && strcmp(role, "osat") &&
     strcmp(role, "distributor"))
    return cg_error_set(err, CG_EINVAL,
                        "%s: role \"%s\" is not fab, osat or distributor",
                        where, role);
  if(*packager && strcmp(packager, "fab_outside_d5mo") &&
     strcmp(packager, "approved_osat") && strcmp(packager, "other"))
    return cg_error_set(err, CG_EINVAL,
                        "%s: packager \"%s\" is not fab_outside_d5mo, "
                        "approved_osat or other",
                        where, packager);
  o->export_from_us = -1;
  if(!strcmp(from_us, "1") || !strcmp(from_us, "yes") ||
     !strcmp(from_us, "true"))
    o->export_from_us = 1;
  else if(!strcmp(from_us, "0") || !strcmp(from_us, "no") ||
          !strcmp(from_us, "false"))
    o->export_from_us = 0;
  else if(*from_us)
    return cg_error_set(err, CG_EINVAL,
                        "%s: export_from_us: \"%s\" is not yes/no", where,
                        from_us);
  snprintf(o->role, sizeof(o->role), "%s", role);
  snprintf(o->packager, sizeof(o->packager), "%s", packager);
  return CG_OK;
}

/* An optional country field (end_use_country, end_user_hq): "" (absent)
 * or an ISO-2 code of the countries table, named in the message. */
static int optional_country(cg_store *db, const char *where, const char *name,
                            char *code, char out[3], cg_error *err)
{
  int rc = strlen(code) == 2 ? CG_OK : CG_ENOTFOUND;

  out[0] = '\0';
  if(!*code)
    return CG_OK;
  cg_country_code_upper(code);
  /* Only "not in the table" is bad data; a failed read is an I/O error. */
  if(rc == CG_OK)
    rc = cg_country_check(db, code, err);
  if(rc != CG_OK && rc != CG_ENOTFOUND)
    return rc;
  if(rc == CG_ENOTFOUND)
    return cg_error_set(err, CG_EINVAL,
                        "%s: %s: unknown country code \"%s\" (ISO 3166-1 "
                        "alpha-2, e.g. CN)",
                        where, name, code);
  memcpy(out, code, 3);
  return CG_OK;
}

/* The checks that need the database: country, customer, chip. */
static int resolve(cg_store *db, const char *where, const char *customer,
                   const char *chip, cg_order *o, cg_error *err)
{
  int rc = cg_country_check(db, o->destination, err);

  if(rc != CG_OK && rc != CG_ENOTFOUND)
    return rc;
  if(rc == CG_ENOTFOUND)
    return cg_error_set(err, CG_EINVAL,
                        "%s: destination: unknown country code \"%s\"", where,
                        o->destination);
  rc = cg_customer_find_id(db, customer, &o->customer_id, err);
  if(rc == CG_OK && !o->customer_id)
    return cg_error_set(err, CG_EINVAL, "%s: unknown customer \"%s\"", where,
                        customer);
  if(rc == CG_OK)
    rc = cg_chip_find_id(db, chip, &o->chip_id, err);
  if(rc == CG_OK && !o->chip_id)
    return cg_error_set(err, CG_EINVAL, "%s: unknown chip \"%s\"", where,
                        chip);
  return rc;
}

int cg_order_validate(cg_store *db, const cg_order_fields *f,
                      const char *where, cg_order *out, cg_error *err)
{
  char customer[512], chip[512], dest[16], qty[64], date[64];
  char role[64], packager[64], from_us[64], use_cc[64], user_hq[64];
  int rc;

  cg_order_init(out);
  rc = take(where, "order_id", f->order_id, 1, out->order_id,
            sizeof(out->order_id), err);
  if(rc == CG_OK)
    rc = take(where, "customer", f->customer, 1, customer, sizeof(customer),
              err);
  if(rc == CG_OK)
    rc = take(where, "chip", f->chip, 1, chip, sizeof(chip), err);
  if(rc == CG_OK)
    rc =
        take(where, "destination", f->destination, 1, dest, sizeof(dest), err);
  if(rc == CG_OK)
    rc = take(where, "quantity", f->quantity, 1, qty, sizeof(qty), err);
  if(rc == CG_OK)
    rc = cg_import_parse_positive(where, "quantity", qty, &out->quantity, err);
  if(rc == CG_OK)
    rc = take(where, "ship_date", f->ship_date, 1, date, sizeof(date), err);
  if(rc == CG_OK)
    rc = cg_import_parse_date(where, "ship_date", date, err);
  if(rc == CG_OK)
    rc = take(where, "end_use", f->end_use, 0, out->end_use,
              sizeof(out->end_use), err);
  if(rc == CG_OK)
    rc = take(where, "role", f->role, 0, role, sizeof(role), err);
  if(rc == CG_OK)
    rc = take(where, "packager", f->packager, 0, packager, sizeof(packager),
              err);
  if(rc == CG_OK)
    rc = take(where, "export_from_us", f->export_from_us, 0, from_us,
              sizeof(from_us), err);
  if(rc == CG_OK)
    rc = parse_choices(where, role, packager, from_us, out, err);
  if(rc == CG_OK)
    rc = take(where, "end_use_country", f->end_use_country, 0, use_cc,
              sizeof(use_cc), err);
  if(rc == CG_OK)
    rc = take(where, "end_user_hq", f->end_user_hq, 0, user_hq,
              sizeof(user_hq), err);
  if(rc == CG_OK)
    rc = optional_country(db, where, "end_use_country", use_cc,
                          out->end_use_country, err);
  if(rc == CG_OK)
    rc = optional_country(db, where, "end_user_hq", user_hq, out->end_user_hq,
                          err);
  if(rc != CG_OK)
    return rc;
  cg_country_code_upper(dest);
  snprintf(out->destination, sizeof(out->destination), "%s", dest);
  memcpy(out->ship_date, date, sizeof(out->ship_date));
  if(strlen(dest) != 2) /* destination[3] cannot hold it: name it whole */
    return cg_error_set(err, CG_EINVAL,
                        "%s: destination: unknown country code \"%s\"", where,
                        dest);
  return resolve(db, where, customer, chip, out, err);
}

/* ==== storing =========================================================== */

/* The optional facts (packager, export_from_us) agree unless both are
 * known and differ: an order recorded before a way in carried them (sync
 * stored neither until 0.1.0's restructure) is the same order when it is
 * sent again with them, and the record keeps them unknown. */
static int optional_agree(const cg_order *a, const cg_order *b)
{
  return (!a->packager[0] || !b->packager[0] ||
          strcmp(a->packager, b->packager) == 0) &&
         (a->export_from_us < 0 || b->export_from_us < 0 ||
          a->export_from_us == b->export_from_us);
}

int cg_order_same(const cg_order *a, const cg_order *b)
{
  return strcmp(a->order_id, b->order_id) == 0 &&
         a->customer_id == b->customer_id && a->chip_id == b->chip_id &&
         strcmp(a->destination, b->destination) == 0 &&
         a->quantity == b->quantity &&
         strcmp(a->ship_date, b->ship_date) == 0 &&
         strcmp(a->end_use, b->end_use) == 0 &&
         strcmp(a->role, b->role) == 0 &&
         strcmp(a->end_use_country, b->end_use_country) == 0 &&
         strcmp(a->end_user_hq, b->end_user_hq) == 0 && optional_agree(a, b);
}

int cg_order_identical(const cg_order *a, const cg_order *b)
{
  return cg_order_same(a, b) && strcmp(a->packager, b->packager) == 0 &&
         a->export_from_us == b->export_from_us;
}

int cg_order_conflict(const char *where, const cg_order *o, cg_error *err)
{
  return cg_error_set(err, CG_EINVAL,
                      "%s: order %s already exists with different content "
                      "(recorded orders are never changed)",
                      where, o->order_id);
}

/* Binds ?1..?10 and ?12..?13 in the orders column order. */
static int bind_order(cg_stmt *st, const cg_order *o, cg_error *err)
{
  int rc = cg_stmt_bind_text(st, 1, o->order_id, err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, o->customer_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, o->chip_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, o->destination, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 5, o->quantity, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, o->ship_date, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 7, o->end_use, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, o->role, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 9, *o->packager ? o->packager : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_tristate(st, 10, o->export_from_us, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(
        st, 12, *o->end_use_country ? o->end_use_country : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 13, *o->end_user_hq ? o->end_user_hq : NULL,
                           err);
  return rc;
}

int cg_order_store(cg_store *db, const cg_order *o, const char *source,
                   int *status_out, cg_error *err)
{
  cg_stmt *st = NULL;
  int64_t rowid = 0;
  int rc;

  *status_out = CG_ORDER_SAME;
  /* Same id: the same order (cg_order_same) is a no-op, anything else a
   * conflict. */
  rc = cg_order_find_id(db, o->order_id, &rowid, err);
  if(rc == CG_OK && rowid) {
    cg_order stored;
    rc = cg_order_get_id(db, rowid, &stored, err);
    if(rc == CG_OK && !cg_order_same(&stored, o))
      *status_out = CG_ORDER_CONFLICT;
    return rc;
  }
  if(rc != CG_OK)
    return rc;
  rc = cg_store_cached(db, &st,
                       "INSERT INTO orders(order_id, customer_id, chip_id, "
                       "destination, quantity, ship_date, end_use, role, "
                       "packager, export_from_us, source, end_use_country, "
                       "end_user_hq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                       "?9, ?10, ?11, ?12, ?13)",
                       err);
  if(rc == CG_OK)
    rc = bind_order(st, o, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 11, source, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc == CG_OK)
    *status_out = CG_ORDER_INSERTED;
  return rc;
}

/* ==== CSV import ======================================================== */

enum {
  OR_ID,
  OR_CUSTOMER,
  OR_CHIP,
  OR_DEST,
  OR_QTY,
  OR_DATE,
  OR_END_USE,
  OR_ROLE,
  OR_PACKAGER,
  OR_FROM_US,
  OR_USE_COUNTRY,
  OR_USER_HQ
};

static int order_row(void *arg, cg_import *im, cg_error *err)
{
  cg_store *db = arg;
  cg_order_fields f;
  cg_order o;
  char where[600];
  int rc, status;

  f.order_id = cg_import_field(im, OR_ID);
  f.customer = cg_import_field(im, OR_CUSTOMER);
  f.chip = cg_import_field(im, OR_CHIP);
  f.destination = cg_import_field(im, OR_DEST);
  f.quantity = cg_import_field(im, OR_QTY);
  f.ship_date = cg_import_field(im, OR_DATE);
  f.end_use = cg_import_field(im, OR_END_USE);
  f.role = cg_import_field(im, OR_ROLE);
  f.packager = cg_import_field(im, OR_PACKAGER);
  f.export_from_us = cg_import_field(im, OR_FROM_US);
  f.end_use_country = cg_import_field(im, OR_USE_COUNTRY);
  f.end_user_hq = cg_import_field(im, OR_USER_HQ);
  snprintf(where, sizeof(where), "%s:%ld", im->path, im->row->line);
  rc = cg_order_validate(db, &f, where, &o, err);
  if(rc == CG_OK)
    rc = cg_order_store(db, &o, "import", &status, err);
  if(rc != CG_OK)
    return rc;
  if(status == CG_ORDER_CONFLICT)
    return cg_order_conflict(where, &o, err);
  return status == CG_ORDER_INSERTED;
}

int cg_order_import(cg_store *db, const char *path, size_t *count_out,
                    cg_error *err)
{
  static const char *const cols[] = {
    "order_id",        "customer",    "chip", "destination", "quantity",
    "ship_date",       "end_use",     "role", "packager",    "export_from_us",
    "end_use_country", "end_user_hq", NULL
  };
  static const char *const req[] = { "order_id",    "customer", "chip",
                                     "destination", "quantity", "ship_date",
                                     NULL };
  static const cg_import_spec spec = { cols, req, NULL, order_row };

  return cg_import_run(db, path, &spec, db, count_out, err);
}

#define ORDER_FIELDS                                                          \
  "SELECT id, order_id, customer_id, chip_id, destination, quantity, "        \
  "ship_date, end_use, role, coalesce(packager, ''), "                        \
  "coalesce(export_from_us, -1), coalesce(end_use_country, ''), "             \
  "coalesce(end_user_hq, '')"
#define ORDER_COLS ORDER_FIELDS " FROM orders "

static void order_from_row(cg_stmt *st, cg_order *o)
{
  cg_order_init(o);
  o->id = cg_stmt_int(st, 0);
  snprintf(o->order_id, sizeof(o->order_id), "%s", cg_stmt_text(st, 1));
  o->customer_id = cg_stmt_int(st, 2);
  o->chip_id = cg_stmt_int(st, 3);
  snprintf(o->destination, sizeof(o->destination), "%s", cg_stmt_text(st, 4));
  o->quantity = cg_stmt_int(st, 5);
  snprintf(o->ship_date, sizeof(o->ship_date), "%s", cg_stmt_text(st, 6));
  snprintf(o->end_use, sizeof(o->end_use), "%s", cg_stmt_text(st, 7));
  snprintf(o->role, sizeof(o->role), "%s", cg_stmt_text(st, 8));
  snprintf(o->packager, sizeof(o->packager), "%s", cg_stmt_text(st, 9));
  o->export_from_us = (int)cg_stmt_int(st, 10);
  snprintf(o->end_use_country, sizeof(o->end_use_country), "%s",
           cg_stmt_text(st, 11));
  snprintf(o->end_user_hq, sizeof(o->end_user_hq), "%s", cg_stmt_text(st, 12));
}

int cg_order_next_pending(cg_store *db, const char *after, cg_order *out,
                          cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           ORDER_COLS "WHERE status = 'pending' AND "
                                      "order_id > ?1 ORDER BY order_id "
                                      "LIMIT 1",
                           err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, after, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    order_from_row(st, out);
  cg_stmt_reset(st);
  return rc;
}

int cg_order_next_open(cg_store *db, const char *after, int64_t max_seq,
                       cg_order *out, char inputs[72], cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           ORDER_FIELDS ", coalesce(inputs, '') FROM "
                                        "orders WHERE state IN ('open', "
                                        "'releasable') AND "
                                        "order_id > ?1 AND current_seq <= "
                                        "?2 ORDER BY order_id LIMIT 1",
                           err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, after, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, max_seq, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    order_from_row(st, out);
    snprintf(inputs, 72, "%s", cg_stmt_text(st, 13));
  }
  cg_stmt_reset(st);
  return rc;
}

int cg_order_each_pending(cg_store *db, int64_t customer_id,
                          int (*fn)(void *arg, const cg_order *o), void *arg,
                          cg_error *err)
{
  cg_stmt *st = NULL;
  cg_order o;
  int rc;

  /* Own statement, not a cached one: fn may run cached lookups. */
  rc = cg_store_prepare(db, &st,
                        ORDER_COLS "WHERE status = 'pending' AND "
                                   "customer_id = ?1 ORDER BY order_id",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, customer_id, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    order_from_row(st, &o);
    rc = fn(arg, &o);
  }
  cg_stmt_finalize(st);
  return rc;
}

int cg_order_count_pending(cg_store *db, int64_t *n_out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(
      db, &st, "SELECT count(*) FROM orders WHERE status = 'pending'", err);

  *n_out = 0;
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *n_out = cg_stmt_int(st, 0);
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_order_pending_customers(cg_store *db, int64_t **ids_out, size_t *n_out,
                               cg_error *err)
{
  cg_stmt *st = NULL;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc = cg_store_cached(db, &st,
                           "SELECT DISTINCT customer_id FROM orders WHERE "
                           "status = 'pending' ORDER BY customer_id",
                           err);

  *ids_out = NULL;
  *n_out = 0;
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    if(n == cap) {
      size_t nc = cap ? cap * 2 : 256;
      int64_t *p = realloc(ids, nc * sizeof(*p));
      if(!p) {
        rc = cg_error_set(err, CG_ENOMEM, "orders: out of memory");
        break;
      }
      ids = p;
      cap = nc;
    }
    ids[n++] = cg_stmt_int(st, 0);
    rc = CG_OK;
  }
  if(st)
    cg_stmt_reset(st);
  if(rc < 0) {
    free(ids);
    return rc;
  }
  *ids_out = ids;
  *n_out = n;
  return CG_OK;
}

int cg_order_mark_decided(cg_store *db, int64_t id, int *changed_out,
                          cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "UPDATE orders SET status = 'decided' WHERE id = "
                           "?1 AND status = 'pending'",
                           err);

  if(changed_out)
    *changed_out = 0;
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc == CG_OK && changed_out)
    *changed_out = cg_store_changes(db) > 0;
  return rc;
}

int cg_order_find_id(cg_store *db, const char *order_id, int64_t *id_out,
                     cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT id FROM orders WHERE order_id = ?1", err);

  *id_out = 0;
  if(rc == CG_OK && strlen(order_id) > CG_ORDER_MAX_ID)
    return cg_error_set(err, CG_EUSAGE,
                        "order id \"%.24s...\" is %zu bytes, longer than "
                        "an order id may be (%d bytes)",
                        order_id, strlen(order_id), CG_ORDER_MAX_ID);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, order_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *id_out = cg_stmt_int(st, 0);
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_order_get_id(cg_store *db, int64_t id, cg_order *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, ORDER_COLS "WHERE id = ?1", err);

  cg_order_init(out);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    order_from_row(st, out);
  else if(rc == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "unknown order row %lld",
                      (long long)id);
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* ==== holds ============================================================= */

int cg_order_hold_pending(cg_store *db, int64_t customer_id,
                          const char *entry_id, const char *list,
                          const char *reason,
                          int (*fn)(void *arg, const char *order_id),
                          void *arg, cg_error *err)
{
  cg_stmt *st = NULL;
  /* RETURNING gives only the rows inserted: OR IGNORE skips held ones. */
  int rc = cg_store_cached(db, &st,
                           "INSERT OR IGNORE INTO order_holds(order_id, "
                           "entry_id, list, reason) SELECT id, ?2, ?3, ?4 "
                           "FROM orders WHERE customer_id = ?1 AND status = "
                           "'pending' RETURNING (SELECT order_id FROM orders "
                           "o WHERE o.id = order_holds.order_id)",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, customer_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, entry_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, list, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, reason, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1)
    rc = fn(arg, cg_stmt_text(st, 0));
  if(st)
    cg_stmt_reset(st);
  return rc;
}

/* ==== lifecycle state ================================================== */

static const char *const state_names[] = { "pending", "open", "releasable",
                                           "shipped", "cancelled" };

const char *cg_order_state_name(int state)
{
  if(state < 0 || state > CG_STATE_CANCELLED)
    return NULL;
  return state_names[state];
}

cg_order_state cg_order_state_of_outcome(int outcome)
{
  switch((cg_outcome)outcome) {
  case CG_OUT_NLR:
  case CG_OUT_EXCEPTION:
  case CG_OUT_LICENSED:
    return CG_STATE_RELEASABLE;
  default:
    return CG_STATE_OPEN;
  }
}

int cg_order_set_current(cg_store *db, int64_t id, int64_t seq, int outcome,
                         const char *inputs, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "UPDATE orders SET status = 'decided', "
                           "current_seq = ?2, state = ?3, inputs = ?4 "
                           "WHERE id = ?1",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, seq, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(
        st, 3, cg_order_state_name(cg_order_state_of_outcome(outcome)), err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, inputs, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc == CG_OK && cg_store_changes(db) != 1)
    rc = cg_error_set(err, CG_ENOTFOUND, "no order row %lld", (long long)id);
  return rc;
}

int cg_order_set_state(cg_store *db, int64_t id, cg_order_state state,
                       cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "UPDATE orders SET state = ?2 WHERE id = ?1", err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, cg_order_state_name(state), err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc == CG_OK && cg_store_changes(db) != 1)
    rc = cg_error_set(err, CG_ENOTFOUND, "no order row %lld", (long long)id);
  return rc;
}

int cg_order_state_get(cg_store *db, int64_t id, cg_order_state *state,
                       int64_t *current_seq, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT state, coalesce(current_seq, 0) FROM "
                           "orders WHERE id = ?1",
                           err);
  int i;

  *state = CG_STATE_PENDING;
  *current_seq = 0;
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "no order row %lld", (long long)id);
  if(rc == 1) {
    for(i = 0; i <= CG_STATE_CANCELLED; i++)
      if(strcmp(state_names[i], cg_stmt_text(st, 0)) == 0)
        *state = (cg_order_state)i;
    *current_seq = cg_stmt_int(st, 1);
    rc = CG_OK;
  }
  cg_stmt_reset(st);
  return rc;
}

/* ==== listing (list orders, show order) ================================== */

int cg_order_state_parse(const char *name)
{
  int i;

  for(i = 0; name && i <= CG_STATE_CANCELLED; i++) {
    if(strcmp(name, state_names[i]) == 0)
      return i;
  }
  return -1;
}
