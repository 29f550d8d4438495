/* check_order.c -- the order module: every validation rule one by one,
 * stored duplicates (identical: skipped; different: refused, the stored
 * order kept), and the one promise it exists for: `import orders` (a CSV
 * file) and `sync orders` (JSON over real HTTP on 127.0.0.1) refuse the
 * same orders with the same message and leave the database unchanged. */
#include "helpers.h"
#include "core/http.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/order.h"
#include "net/netserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cg_store *db;

static void setup(void)
{
  cg_error err = { 0 };

  db = t_db("order.db");
  ck_assert_cg_ok(
      cg_store_exec(db,
                    "INSERT INTO countries VALUES('CN', 'China'), "
                    "('US', 'United States'), ('NL', 'Netherlands');"
                    "INSERT INTO customers(name, country) VALUES"
                    "('Acme Trading', 'CN'), ('Good Corp', 'US');"
                    "INSERT INTO chips(name) VALUES('H100 SXM'), "
                    "('Jetson Orin');",
                    &err),
      &err);
}

static void teardown(void)
{
  cg_store_close(db);
  db = NULL;
  t_tmp_cleanup();
}

/* A good order; tests change one field at a time. */
static cg_order_fields good(void)
{
  cg_order_fields f;

  memset(&f, 0, sizeof(f));
  f.order_id = "O-1";
  f.customer = "Acme Trading";
  f.chip = "H100 SXM";
  f.destination = "CN";
  f.quantity = "8";
  f.ship_date = "2026-12-01";
  return f;
}

/* Validates f and expects CG_EINVAL with exactly "t.csv:2: " + want. */
static void refuse(const cg_order_fields *f, const char *want)
{
  char full[600];
  cg_error err = { 0 };
  cg_order o;

  snprintf(full, sizeof(full), "t.csv:2: %s", want);
  ck_assert_int_eq(cg_order_validate(db, f, "t.csv:2", &o, &err), CG_EINVAL);
  ck_assert_str_eq(err.msg, full);
}

static void ok_order(const cg_order_fields *f, cg_order *o)
{
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_order_validate(db, f, "t.csv:2", o, &err), &err);
}

static int64_t q_int(const char *sql)
{
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  int64_t v;

  ck_assert_cg_ok(cg_store_prepare(db, &st, sql, &err), &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  v = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  return v;
}

/* ===================== validation ===================== */

START_TEST(test_validate_good_fills_record)
{
  cg_order_fields f = good();
  cg_order o;

  f.customer = "  good corp\t"; /* trimmed; names match ignoring case */
  f.end_use = " training ";
  ok_order(&f, &o);
  ck_assert_str_eq(o.order_id, "O-1");
  ck_assert_int_eq(o.id, 0);
  ck_assert_int_eq(o.customer_id, q_int("SELECT id FROM customers WHERE "
                                        "name = 'Good Corp'"));
  ck_assert_int_eq(o.chip_id,
                   q_int("SELECT id FROM chips WHERE name = 'H100 SXM'"));
  ck_assert_str_eq(o.destination, "CN");
  ck_assert_int_eq(o.quantity, 8);
  ck_assert_str_eq(o.ship_date, "2026-12-01");
  ck_assert_str_eq(o.end_use, "training");
  ck_assert_str_eq(o.role, "distributor"); /* the default */
  ck_assert_str_eq(o.packager, "");
  ck_assert_int_eq(o.export_from_us, -1); /* unknown */
}
END_TEST

START_TEST(test_validate_required)
{
  static const char *const names[] = {
    "order_id", "customer", "chip", "destination", "quantity", "ship_date"
  };
  char want[64];

  for(size_t i = 0; i < 6; i++) {
    cg_order_fields f = good();
    const char **slot[] = { &f.order_id,    &f.customer, &f.chip,
                            &f.destination, &f.quantity, &f.ship_date };

    snprintf(want, sizeof(want), "%s is empty", names[i]);
    *slot[i] = NULL;
    refuse(&f, want);
    *slot[i] = "  ";
    refuse(&f, want);
  }
}
END_TEST

START_TEST(test_validate_quantity)
{
  cg_order_fields f = good();
  cg_order o;

  f.quantity = "0";
  refuse(&f, "quantity: 0 must be positive");
  f.quantity = "-5";
  refuse(&f, "quantity: -5 must be positive");
  f.quantity = "5000000000";
  refuse(&f, "quantity: 5000000000 is out of range (at most 1000000000)");
  f.quantity = "99999999999999999999999";
  refuse(&f, "quantity: 99999999999999999999999 is out of range (at most "
             "1000000000)");
  f.quantity = "abc";
  refuse(&f, "quantity: \"abc\" is not a whole number");
  f.quantity = "1.5";
  refuse(&f, "quantity: \"1.5\" is not a whole number");
  f.quantity = "1e3";
  refuse(&f, "quantity: \"1e3\" is not a whole number");
  f.quantity = "1000000000";
  ok_order(&f, &o);
  ck_assert_int_eq(o.quantity, CG_ORDER_MAX_QTY);
  f.quantity = " 12 ";
  ok_order(&f, &o);
  ck_assert_int_eq(o.quantity, 12);
}
END_TEST

START_TEST(test_validate_dates)
{
  cg_order_fields f = good();
  cg_order o;

  f.ship_date = "2026-02-30";
  refuse(&f, "ship_date: \"2026-02-30\" is not a date (YYYY-MM-DD)");
  f.ship_date = "2023-02-29";
  refuse(&f, "ship_date: \"2023-02-29\" is not a date (YYYY-MM-DD)");
  f.ship_date = "1900-02-29"; /* not a leap year */
  refuse(&f, "ship_date: \"1900-02-29\" is not a date (YYYY-MM-DD)");
  f.ship_date = "2026-1-01";
  refuse(&f, "ship_date: \"2026-1-01\" is not a date (YYYY-MM-DD)");
  f.ship_date = "tomorrow";
  refuse(&f, "ship_date: \"tomorrow\" is not a date (YYYY-MM-DD)");
  f.ship_date = "2024-02-29";
  ok_order(&f, &o);
  f.ship_date = "2000-02-29";
  ok_order(&f, &o);
  ck_assert_str_eq(o.ship_date, "2000-02-29");
  ck_assert(cg_date_valid("2026-12-31"));
  ck_assert(!cg_date_valid("2026-13-01"));
  ck_assert(!cg_date_valid("1899-12-31"));
  ck_assert(!cg_date_valid("2026-12-01 "));
}
END_TEST

START_TEST(test_validate_names_and_country)
{
  cg_order_fields f = good();

  f.chip = "B999";
  refuse(&f, "unknown chip \"B999\"");
  f = good();
  f.customer = "Nobody";
  refuse(&f, "unknown customer \"Nobody\"");
  f = good();
  f.destination = "ZZ";
  refuse(&f, "destination: unknown country code \"ZZ\"");
  f.destination = "CHN";
  refuse(&f, "destination: unknown country code \"CHN\"");
  f.destination = "chn"; /* quoted as typed */
  refuse(&f, "destination: unknown country code \"chn\"");
  f.destination = "zz"; /* any case: a code is named as stored */
  refuse(&f, "destination: unknown country code \"ZZ\"");
}
END_TEST

START_TEST(test_validate_choices)
{
  cg_order_fields f = good();
  cg_order o;

  f.role = "smuggler";
  refuse(&f, "role \"smuggler\" is not fab, osat or distributor");
  f.role = "osat";
  ok_order(&f, &o);
  ck_assert_str_eq(o.role, "osat");
  f.packager = "box";
  refuse(&f, "packager \"box\" is not fab_outside_d5mo, approved_osat or "
             "other");
  f.packager = "approved_osat";
  ok_order(&f, &o);
  ck_assert_str_eq(o.packager, "approved_osat");
  f.export_from_us = "maybe";
  refuse(&f, "export_from_us: \"maybe\" is not yes/no");
  for(int i = 0; i < 6; i++) {
    static const char *const v[] = { "1", "yes", "true", "0", "no", "false" };
    f.export_from_us = v[i];
    ok_order(&f, &o);
    ck_assert_int_eq(o.export_from_us, i < 3);
  }
}
END_TEST

START_TEST(test_validate_lengths)
{
  cg_order_fields f = good();
  char id[200], end_use[600];
  cg_order o;

  memset(id, 'X', 127);
  id[127] = '\0';
  f.order_id = id;
  ok_order(&f, &o);
  ck_assert_uint_eq(strlen(o.order_id), 127);
  memset(id, 'X', 128);
  id[128] = '\0';
  refuse(&f, "order_id: longer than 127 bytes");
  f = good();
  memset(end_use, 'e', 512);
  end_use[512] = '\0';
  f.end_use = end_use;
  refuse(&f, "end_use: longer than 511 bytes");
  end_use[511] = '\0';
  ok_order(&f, &o);
}
END_TEST

/* ===================== storing ===================== */

START_TEST(test_store_duplicates)
{
  cg_order_fields f = good();
  cg_order o, p, next;
  cg_error err = { 0 };
  int status;

  f.packager = "other";
  f.export_from_us = "no";
  ok_order(&f, &o);
  ck_assert_cg_ok(cg_order_store(db, &o, "import", &status, &err), &err);
  ck_assert_int_eq(status, CG_ORDER_INSERTED);
  /* The identical order again: skipped, nothing written. */
  ck_assert_cg_ok(cg_order_store(db, &o, "sync", &status, &err), &err);
  ck_assert_int_eq(status, CG_ORDER_SAME);
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders"), 1);
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders WHERE source = "
                         "'import' AND packager = 'other' AND "
                         "export_from_us = 0"),
                   1);
  /* Any field different is a conflict, and the stored order stays. */
  for(int i = 0; i < 4; i++) {
    p = o;
    if(i == 0)
      p.quantity = 9;
    else if(i == 1)
      snprintf(p.packager, sizeof(p.packager), "%s", "approved_osat");
    else if(i == 2)
      p.export_from_us = 1;
    else
      snprintf(p.end_use, sizeof(p.end_use), "%s", "other use");
    ck_assert(!cg_order_same(&o, &p));
    ck_assert_cg_ok(cg_order_store(db, &p, "import", &status, &err), &err);
    ck_assert_int_eq(status, CG_ORDER_CONFLICT);
  }
  ck_assert_int_eq(q_int("SELECT quantity FROM orders"), 8);
  /* An optional fact unknown on one side agrees with the other (an order
   * stored before sync carried them, sent again with them): the same
   * order, and the record keeps what it had. */
  p = o;
  snprintf(p.packager, sizeof(p.packager), "%s", "");
  p.export_from_us = -1;
  ck_assert(cg_order_same(&o, &p));
  ck_assert(cg_order_same(&p, &o));
  ck_assert_cg_ok(cg_order_store(db, &p, "sync", &status, &err), &err);
  ck_assert_int_eq(status, CG_ORDER_SAME);
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders WHERE packager = "
                         "'other' AND export_from_us = 0"),
                   1);
  ck_assert_int_eq(cg_order_conflict("t.csv:3", &o, &err), CG_EINVAL);
  ck_assert_str_eq(err.msg, "t.csv:3: order O-1 already exists with "
                            "different content (recorded orders are never "
                            "changed)");
  /* What is stored reads back as it was validated. */
  ck_assert_int_eq(cg_order_next_pending(db, "", &next, &err), 1);
  o.id = next.id;
  ck_assert(cg_order_same(&o, &next));
  ck_assert_int_eq(cg_order_next_pending(db, "O-1", &next, &err), 0);
}
END_TEST

/* Collects the order_ids fn sees, comma-separated; stops at "stop". */
static int collect(void *arg, const cg_order *o)
{
  char *buf = arg;
  size_t n = strlen(buf);

  snprintf(buf + n, 256 - n, "%s%s", n ? "," : "", o->order_id);
  return strcmp(o->order_id, "stop") == 0 ? 7 : 0;
}

START_TEST(test_pending_reads_and_decided)
{
  static const char *const ids[][2] = { { "O-2", "Acme Trading" },
                                        { "O-1", "Acme Trading" },
                                        { "O-3", "Good Corp" } };
  cg_error err = { 0 };
  int64_t n, acme, row1 = 0;
  char seen[256] = "";
  cg_order o, next;
  int status, changed;

  for(size_t i = 0; i < 3; i++) {
    cg_order_fields f = good();
    f.order_id = ids[i][0];
    f.customer = ids[i][1];
    ok_order(&f, &o);
    ck_assert_cg_ok(cg_order_store(db, &o, "import", &status, &err), &err);
    if(i == 1)
      row1 = cg_store_last_rowid(db);
  }
  acme = q_int("SELECT id FROM customers WHERE name = 'Acme Trading'");
  ck_assert_cg_ok(cg_order_count_pending(db, &n, &err), &err);
  ck_assert_int_eq(n, 3);
  ck_assert_cg_ok(cg_order_each_pending(db, acme, collect, seen, &err), &err);
  ck_assert_str_eq(seen, "O-1,O-2"); /* that customer's, in id order */
  ck_assert_cg_ok(cg_order_mark_decided(db, row1, &changed, &err), &err);
  ck_assert_int_eq(changed, 1);
  ck_assert_cg_ok(cg_order_mark_decided(db, row1, &changed, &err), &err);
  ck_assert_int_eq(changed, 0); /* already decided */
  ck_assert_cg_ok(cg_order_count_pending(db, &n, &err), &err);
  ck_assert_int_eq(n, 2);
  ck_assert_int_eq(cg_order_next_pending(db, "", &next, &err), 1);
  ck_assert_str_eq(next.order_id, "O-2");
  seen[0] = '\0';
  ck_assert_cg_ok(cg_order_each_pending(db, acme, collect, seen, &err), &err);
  ck_assert_str_eq(seen, "O-2");
  /* A non-zero return from fn stops the walk and is returned. */
  {
    cg_order_fields f = good();
    f.order_id = "stop";
    ok_order(&f, &o);
    ck_assert_cg_ok(cg_order_store(db, &o, "import", &status, &err), &err);
    f.order_id = "zz";
    ok_order(&f, &o);
    ck_assert_cg_ok(cg_order_store(db, &o, "import", &status, &err), &err);
  }
  seen[0] = '\0';
  ck_assert_int_eq(cg_order_each_pending(db, acme, collect, seen, &err), 7);
  ck_assert_str_eq(seen, "O-2,stop");
}
END_TEST

static int names(void *arg, int64_t id, const char *name)
{
  char *buf = arg;
  size_t n = strlen(buf);

  snprintf(buf + n, 256 - n, "%s%lld:%s", n ? "," : "", (long long)id, name);
  return 0;
}

static int stop_at_first(void *arg, int64_t id, const char *name)
{
  (void)arg;
  (void)name;
  return id == 1 ? 5 : 0;
}

/* What order validation asks the customer and chip owners. */
START_TEST(test_customer_and_chip_lookups)
{
  cg_error err = { 0 };
  char seen[256] = "";
  int64_t id = -1;

  ck_assert_cg_ok(cg_customer_find_id(db, "ACME trading", &id, &err), &err);
  ck_assert_int_eq(id, 1);
  ck_assert_cg_ok(cg_customer_find_id(db, "Acme", &id, &err), &err);
  ck_assert_int_eq(id, 0);
  ck_assert_cg_ok(cg_chip_find_id(db, "jetson orin", &id, &err), &err);
  ck_assert_int_eq(id, 2);
  ck_assert_cg_ok(cg_chip_find_id(db, "Jetson", &id, &err), &err);
  ck_assert_int_eq(id, 0);
  ck_assert_cg_ok(cg_customer_each(db, names, seen, &err), &err);
  ck_assert_str_eq(seen, "1:Acme Trading,2:Good Corp");
  ck_assert_int_eq(cg_customer_each(db, stop_at_first, NULL, &err), 5);
}
END_TEST

/* "Name or id" as `screen clear` takes it: a name (any case) wins over an
 * id; an id must be written exactly. */
START_TEST(test_customer_find_ref)
{
  cg_error err = { 0 };
  int64_t id = -1;

  ck_assert_cg_ok(cg_store_exec(db,
                                "INSERT INTO customers(name, country) "
                                "VALUES('1', 'NL')",
                                &err),
                  &err);
  ck_assert_cg_ok(cg_customer_find_ref(db, "good CORP", &id, &err), &err);
  ck_assert_int_eq(id, 2);
  ck_assert_cg_ok(cg_customer_find_ref(db, "2", &id, &err), &err);
  ck_assert_int_eq(id, 2);
  ck_assert_cg_ok(cg_customer_find_ref(db, "1", &id, &err), &err);
  ck_assert_int_eq(id, 3); /* the customer called "1", not customer 1 */
  ck_assert_cg_ok(cg_customer_find_ref(db, "02", &id, &err), &err);
  ck_assert_int_eq(id, 0);
  ck_assert_cg_ok(cg_customer_find_ref(db, "9", &id, &err), &err);
  ck_assert_int_eq(id, 0);
}
END_TEST

/* Stores order order_id of customer; returns its row id. */
static int64_t put(const char *order_id, const char *customer)
{
  cg_order_fields f = good();
  cg_error err = { 0 };
  cg_order o;
  int status;

  f.order_id = order_id;
  f.customer = customer;
  ok_order(&f, &o);
  ck_assert_cg_ok(cg_order_store(db, &o, "import", &status, &err), &err);
  ck_assert_int_eq(status, CG_ORDER_INSERTED);
  return cg_store_last_rowid(db);
}

/* Collects the held order_ids, comma-separated; stops (9) at "stop". */
static int held(void *arg, const char *order_id)
{
  char *buf = arg;
  size_t n = strlen(buf);

  snprintf(buf + n, 256 - n, "%s%s", n ? "," : "", order_id);
  return strcmp(order_id, "stop") == 0 ? 9 : 0;
}

START_TEST(test_lookups_by_id)
{
  cg_error err = { 0 };
  int64_t row = put("O-7", "Good Corp"), id = -1;
  cg_order o;

  ck_assert_cg_ok(cg_order_find_id(db, "O-7", &id, &err), &err);
  ck_assert_int_eq(id, row);
  ck_assert_cg_ok(cg_order_find_id(db, "o-7", &id, &err), &err);
  ck_assert_int_eq(id, 0); /* ERP ids are exact */
  ck_assert_cg_ok(cg_order_get_id(db, row, &o, &err), &err);
  ck_assert_str_eq(o.order_id, "O-7");
  ck_assert_int_eq(o.customer_id, 2);
  ck_assert_int_eq(cg_order_get_id(db, row + 1, &o, &err), CG_ENOTFOUND);
}
END_TEST

/* A hold takes the customer's pending orders once per list entry. */
START_TEST(test_hold_pending)
{
  cg_error err = { 0 };
  char seen[256] = "";
  int changed;

  put("O-1", "Acme Trading");
  ck_assert_cg_ok(
      cg_order_mark_decided(db, put("O-2", "Acme Trading"), &changed, &err),
      &err);
  put("O-3", "Good Corp");
  ck_assert_cg_ok(cg_order_hold_pending(db, 1, "E1", "Entity List",
                                        "sure list hit", held, seen, &err),
                  &err);
  ck_assert_str_eq(seen, "O-1"); /* not decided O-2, not Good Corp's */
  ck_assert_int_eq(q_int("SELECT count(*) FROM order_holds WHERE entry_id = "
                         "'E1' AND list = 'Entity List' AND reason = 'sure "
                         "list hit'"),
                   1);
  seen[0] = '\0';
  put("O-4", "Acme Trading");
  ck_assert_cg_ok(cg_order_hold_pending(db, 1, "E1", "Entity List", "again",
                                        held, seen, &err),
                  &err);
  ck_assert_str_eq(seen, "O-4"); /* O-1 is held for E1 already */
  ck_assert_int_eq(q_int("SELECT count(*) FROM order_holds"), 2);
  /* fn stops the calls; every hold is made all the same. */
  put("stop", "Acme Trading");
  seen[0] = '\0';
  ck_assert_int_eq(
      cg_order_hold_pending(db, 1, "E2", "SDN", "other", held, seen, &err), 9);
  ck_assert_int_eq(q_int("SELECT count(*) FROM order_holds WHERE entry_id = "
                         "'E2'"),
                   3);
}
END_TEST

/* ===================== import and sync refuse alike ===================== */

static t_server srv;
static char dbp[512];

static void net_setup(void)
{
  setup();
  cg_store_close(db);
  db = NULL;
  snprintf(dbp, sizeof(dbp), "%s", t_tmp("order.db"));
  t_server_start(&srv, NULL);
}

static void net_teardown(void)
{
  t_server_stop(&srv);
  teardown();
}

/* One order, once as a CSV row and once as a JSON object. */
typedef struct twin {
  const char *csv;  /* the row after the header */
  const char *json; /* the element */
  const char *want; /* the message after the location */
} twin;

static const char HDR[] = "order_id,customer,chip,destination,quantity,"
                          "ship_date,end_use,role,packager,export_from_us\n";
/* The header with the end-use columns (migration 0006). */
static const char HDR_USE[] = "order_id,customer,chip,destination,quantity,"
                              "ship_date,end_use_country,end_user_hq\n";
/* The header both_refuse writes. */
static const char *hdr = HDR;

/* The rest of the line after the first occurrence of mark in s. */
static void after(const char *s, const char *mark, char *out, size_t size)
{
  const char *p = s ? strstr(s, mark) : NULL;
  size_t n;

  ck_assert_msg(p != NULL, "no \"%s\" in: %s", mark, s ? s : "(null)");
  p += strlen(mark);
  n = strcspn(p, "\n");
  ck_assert_uint_lt(n, size);
  memcpy(out, p, n);
  out[n] = '\0';
}

/* Feeds tw through both paths: each must exit 65, say want, and leave the
 * database byte for byte as it was. */
static void both_refuse(const twin *tw)
{
  char body[2048], got_csv[600], got_sync[600];
  char *before = t_db_dump(dbp), *now, *errs = NULL;
  const char *imp[] = { "import", "orders", NULL, NULL };
  const char *syn[] = { "sync", "orders", "--url",
                        t_url(&srv, "/noetag/o.json"), NULL };

  snprintf(body, sizeof(body), "%s%s\n", hdr, tw->csv);
  imp[2] = t_write("o.csv", body);
  ck_assert_msg(t_run(dbp, NULL, &errs, imp) == 65, "import %s: %s", tw->csv,
                errs);
  after(errs, "o.csv:2: ", got_csv, sizeof(got_csv));
  free(errs);
  now = t_db_dump(dbp);
  ck_assert_msg(strcmp(before, now) == 0, "import %s changed the db", tw->csv);
  free(now);

  snprintf(body, sizeof(body), "[%s]", tw->json);
  t_write("o.json", body);
  errs = NULL;
  ck_assert_msg(t_run(dbp, NULL, &errs, syn) == 65, "sync %s: %s", tw->json,
                errs);
  after(errs, "/noetag/o.json item 1: ", got_sync, sizeof(got_sync));
  free(errs);
  now = t_db_dump(dbp);
  ck_assert_msg(strcmp(before, now) == 0, "sync %s changed the db", tw->json);
  free(now);
  free(before);

  ck_assert_str_eq(got_csv, got_sync);
  ck_assert_str_eq(got_csv, tw->want);
}

#define J(id, cust, chip, dest, qty, date, more)                              \
  "{\"order_id\": \"" id "\", \"customer\": \"" cust "\", \"chip\": \"" chip  \
  "\", \"destination\": \"" dest "\", \"quantity\": " qty                     \
  ", \"ship_date\": \"" date "\"" more "}"

START_TEST(test_import_and_sync_refuse_alike)
{
  static char long_csv[400], long_json[400], long_id[200];
  static twin cases[] = {
    { "B-1,Good Corp,H100 SXM,CN,0,2026-12-01,,,,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "0", "2026-12-01", ""),
      "quantity: 0 must be positive" },
    { "B-1,Good Corp,H100 SXM,CN,-5,2026-12-01,,,,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "-5", "2026-12-01", ""),
      "quantity: -5 must be positive" },
    { "B-1,Good Corp,H100 SXM,CN,5000000000,2026-12-01,,,,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "5000000000", "2026-12-01", ""),
      "quantity: 5000000000 is out of range (at most 1000000000)" },
    { "B-1,Good Corp,H100 SXM,CN,many,2026-12-01,,,,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "\"many\"", "2026-12-01", ""),
      "quantity: \"many\" is not a whole number" },
    { "B-1,Good Corp,H100 SXM,CN,1.5,2026-12-01,,,,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "1.5", "2026-12-01", ""),
      "quantity: \"1.5\" is not a whole number" },
    { "B-1,Good Corp,H100 SXM,CN,1,2026-02-30,,,,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-02-30", ""),
      "ship_date: \"2026-02-30\" is not a date (YYYY-MM-DD)" },
    { "B-1,Good Corp,B999,CN,1,2026-12-01,,,,",
      J("B-1", "Good Corp", "B999", "CN", "1", "2026-12-01", ""),
      "unknown chip \"B999\"" },
    { "B-1,Nobody,H100 SXM,CN,1,2026-12-01,,,,",
      J("B-1", "Nobody", "H100 SXM", "CN", "1", "2026-12-01", ""),
      "unknown customer \"Nobody\"" },
    { "B-1,Good Corp,H100 SXM,ZZ,1,2026-12-01,,,,",
      J("B-1", "Good Corp", "H100 SXM", "ZZ", "1", "2026-12-01", ""),
      "destination: unknown country code \"ZZ\"" },
    { "B-1,Good Corp,H100 SXM,CN,1,2026-12-01,,smuggler,,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01",
        ", \"role\": \"smuggler\""),
      "role \"smuggler\" is not fab, osat or distributor" },
    { "B-1,Good Corp,H100 SXM,CN,1,2026-12-01,,,box,",
      J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01",
        ", \"packager\": \"box\""),
      "packager \"box\" is not fab_outside_d5mo, approved_osat or other" },
    { "B-1,Good Corp,H100 SXM,CN,1,2026-12-01,,,,perhaps",
      J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01",
        ", \"export_from_us\": \"perhaps\""),
      "export_from_us: \"perhaps\" is not yes/no" },
    { long_csv, long_json, "order_id: longer than 127 bytes" },
    /* D-1 is stored below with quantity 4. */
    { "D-1,Acme Trading,H100 SXM,CN,5,2026-12-01,,,,",
      J("D-1", "Acme Trading", "H100 SXM", "CN", "5", "2026-12-01", ""),
      "order D-1 already exists with different content (recorded orders "
      "are never changed)" },
  };
  const char *imp[] = { "import", "orders", NULL, NULL };
  char body[1024];

  memset(long_id, 'L', 150);
  long_id[150] = '\0';
  snprintf(long_csv, sizeof(long_csv),
           "%s,Good Corp,H100 SXM,CN,1,2026-12-01,,,,", long_id);
  snprintf(long_json, sizeof(long_json),
           "{\"order_id\": \"%s\", \"customer\": \"Good Corp\", \"chip\": "
           "\"H100 SXM\", \"destination\": \"CN\", \"quantity\": 1, "
           "\"ship_date\": \"2026-12-01\"}",
           long_id);
  snprintf(body, sizeof(body),
           "%sD-1,Acme Trading,H100 SXM,CN,4,2026-12-01,,,,\n", HDR);
  imp[2] = t_write("d.csv", body);
  ck_assert_int_eq(t_run(dbp, NULL, NULL, imp), 0);
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    both_refuse(&cases[i]);
}
END_TEST

START_TEST(test_import_and_sync_store_packager)
{
  const char *imp[] = { "import", "orders", NULL, NULL };
  const char *syn[] = { "sync", "orders", "--url",
                        t_url(&srv, "/noetag/g.json"), NULL };
  char body[1024];

  snprintf(body, sizeof(body),
           "%sG-1,Acme Trading,H100 SXM,CN,3,2026-12-01,lab,osat,"
           "approved_osat,yes\n",
           HDR);
  imp[2] = t_write("g.csv", body);
  ck_assert_int_eq(t_run(dbp, NULL, NULL, imp), 0);
  t_write("g.json",
          "[" J("G-2", "Acme Trading", "H100 SXM", "CN", "3", "2026-12-01",
                ", \"end_use\": \"lab\", \"role\": \"osat\", \"packager\": "
                "\"fab_outside_d5mo\", \"export_from_us\": false") "]");
  ck_assert_int_eq(t_run(dbp, NULL, NULL, syn), 0);
  db = t_db("order.db");
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders WHERE order_id = "
                         "'G-1' AND source = 'import' AND packager = "
                         "'approved_osat' AND export_from_us = 1 AND role = "
                         "'osat' AND end_use = 'lab'"),
                   1);
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders WHERE order_id = "
                         "'G-2' AND source = 'sync' AND packager = "
                         "'fab_outside_d5mo' AND export_from_us = 0 AND "
                         "role = 'osat' AND end_use = 'lab'"),
                   1);
  cg_store_close(db);
  db = NULL;
  /* Each path sees the other's order as the same order: skipped. */
  snprintf(body, sizeof(body),
           "%sG-2,Acme Trading,H100 SXM,CN,3,2026-12-01,lab,osat,"
           "fab_outside_d5mo,no\n",
           HDR);
  imp[2] = t_write("g2.csv", body);
  ck_assert_int_eq(t_run(dbp, NULL, NULL, imp), 0);
  t_write("g.json",
          "[" J("G-1", "Acme Trading", "H100 SXM", "CN", "3", "2026-12-01",
                ", \"end_use\": \"lab\", \"role\": \"osat\", \"packager\": "
                "\"approved_osat\", \"export_from_us\": true") "]");
  ck_assert_int_eq(t_run(dbp, NULL, NULL, syn), 0);
  db = t_db("order.db");
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders"), 2);
}
END_TEST

/* Where used and by whom: stored by both paths, read back, and part of
 * what makes an order the same. */
START_TEST(test_end_use_columns)
{
  const char *imp[] = { "import", "orders", NULL, NULL };
  const char *syn[] = { "sync", "orders", "--url",
                        t_url(&srv, "/noetag/u.json"), NULL };
  char body[1024];
  cg_error err = { 0 };
  cg_order o;
  int64_t id;

  snprintf(body, sizeof(body),
           "%sU-1,Acme Trading,H100 SXM,NL,3,2026-12-01,CN,US\n"
           "U-2,Acme Trading,H100 SXM,NL,3,2026-12-01,,\n",
           HDR_USE);
  imp[2] = t_write("u.csv", body);
  ck_assert_int_eq(t_run(dbp, NULL, NULL, imp), 0);
  t_write("u.json",
          "[" J("U-3", "Acme Trading", "H100 SXM", "NL", "3", "2026-12-01",
                ", \"end_use_country\": \"US\", \"end_user_hq\": null") "]");
  ck_assert_int_eq(t_run(dbp, NULL, NULL, syn), 0);
  db = t_db("order.db");
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders WHERE order_id = "
                         "'U-1' AND end_use_country = 'CN' AND end_user_hq "
                         "= 'US'"),
                   1);
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders WHERE order_id = "
                         "'U-2' AND end_use_country IS NULL AND "
                         "end_user_hq IS NULL"),
                   1);
  ck_assert_int_eq(q_int("SELECT count(*) FROM orders WHERE order_id = "
                         "'U-3' AND end_use_country = 'US' AND "
                         "end_user_hq IS NULL"),
                   1);
  ck_assert_cg_ok(cg_order_find_id(db, "U-1", &id, &err), &err);
  ck_assert_cg_ok(cg_order_get_id(db, id, &o, &err), &err);
  ck_assert_str_eq(o.end_use_country, "CN");
  ck_assert_str_eq(o.end_user_hq, "US");
  cg_store_close(db);
  db = NULL;
  /* The same order sent without the end-use country is another order:
   * absent means "the destination", not "unknown". */
  snprintf(body, sizeof(body),
           "%sU-1,Acme Trading,H100 SXM,NL,3,2026-12-01,,US\n", HDR_USE);
  imp[2] = t_write("u2.csv", body);
  ck_assert_int_eq(t_run(dbp, NULL, NULL, imp), 65);
}
END_TEST

/* Bad end-use fields: the same refusal by both paths, nothing written. */
START_TEST(test_end_use_refusals)
{
  static twin cases[] = {
    { "E-1,Good Corp,H100 SXM,NL,1,2026-12-01,ZZ,",
      J("E-1", "Good Corp", "H100 SXM", "NL", "1", "2026-12-01",
        ", \"end_use_country\": \"ZZ\""),
      "end_use_country: unknown country code \"ZZ\" (ISO 3166-1 alpha-2, "
      "e.g. CN)" },
    { "E-1,Good Corp,H100 SXM,NL,1,2026-12-01,D:5,",
      J("E-1", "Good Corp", "H100 SXM", "NL", "1", "2026-12-01",
        ", \"end_use_country\": \"D:5\""),
      "end_use_country: unknown country code \"D:5\" (ISO 3166-1 alpha-2, "
      "e.g. CN)" },
    { "E-1,Good Corp,H100 SXM,NL,1,2026-12-01,China,",
      J("E-1", "Good Corp", "H100 SXM", "NL", "1", "2026-12-01",
        ", \"end_use_country\": \"China\""),
      "end_use_country: unknown country code \"China\" (ISO 3166-1 "
      "alpha-2, e.g. CN)" },
    /* any case is a code; an unknown one is named as it would be stored */
    { "E-1,Good Corp,H100 SXM,NL,1,2026-12-01,,zz",
      J("E-1", "Good Corp", "H100 SXM", "NL", "1", "2026-12-01",
        ", \"end_user_hq\": \"zz\""),
      "end_user_hq: unknown country code \"ZZ\" (ISO 3166-1 alpha-2, e.g. "
      "CN)" },
  };

  hdr = HDR_USE;
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    both_refuse(&cases[i]);
  hdr = HDR;
}
END_TEST

/* Order B-1 of Good Corp with more members. */
#define B1_WITH(more)                                                         \
  J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01", more)

/* What only JSON can say wrong (a CSV cell is always text): refused too,
 * with the item named, and nothing stored. */
START_TEST(test_sync_only_refusals)
{
  static const char *const docs[][2] = {
    { "[{\"order_id\": 5, \"customer\": \"Good Corp\"}]",
      "item 1: order_id: not a string" },
    { "[" J("B-1", "Good Corp", "H100 SXM", "CN", "[1]", "2026-12-01", "") "]",
      "item 1: quantity: not a string or number" },
    { "[" J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01",
            ", \"role\": 1") "]",
      "item 1: role: not a string" },
    { "[" J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01",
            ", \"export_from_us\": {}") "]",
      "item 1: export_from_us: not a string, number or boolean" },
    { "[" J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01",
            "") ", 7]",
      "item 2: not a JSON object" },
    { "[" J("B-1", "Good Corp", "H100 SXM", "CN", "1", "2026-12-01",
            "") ", " J("B-1", "Good Corp", "H100 SXM", "CN", "2", "2026-12-01",
                       "") "]",
      "item 2: order B-1 appears twice with different content" },
    /* Each copy is compared with the first, as import compares a row with
     * the stored one: an unknown packager in between does not make
     * "other" and "approved_osat" agree. */
    { "[" B1_WITH(", \"packager\": \"other\"") ", " B1_WITH("") ", " B1_WITH(
          ", \"packager\": \"approved_osat\"") "]",
      "item 3: order B-1 appears twice with different content" },
  };
  const char *syn[] = { "sync", "orders", "--url",
                        t_url(&srv, "/noetag/x.json"), NULL };
  char *before = t_db_dump(dbp), *now, *errs;

  for(size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
    t_write("x.json", docs[i][0]);
    errs = NULL;
    ck_assert_int_eq(t_run(dbp, NULL, &errs, syn), 65);
    ck_assert_msg(strstr(errs, docs[i][1]) != NULL, "want %s: %s", docs[i][1],
                  errs);
    ck_assert_msg(strstr(errs, "orders invalid, none stored") != NULL, "%s",
                  errs);
    free(errs);
    now = t_db_dump(dbp);
    ck_assert_str_eq(before, now);
    free(now);
  }
  free(before);
}
END_TEST

static Suite *order_suite(void)
{
  Suite *s = suite_create("order");
  TCase *tv = tcase_create("validate");
  TCase *tn = tcase_create("import_and_sync");

  tcase_add_checked_fixture(tv, setup, teardown);
  tcase_add_test(tv, test_validate_good_fills_record);
  tcase_add_test(tv, test_validate_required);
  tcase_add_test(tv, test_validate_quantity);
  tcase_add_test(tv, test_validate_dates);
  tcase_add_test(tv, test_validate_names_and_country);
  tcase_add_test(tv, test_validate_choices);
  tcase_add_test(tv, test_validate_lengths);
  tcase_add_test(tv, test_store_duplicates);
  tcase_add_test(tv, test_pending_reads_and_decided);
  tcase_add_test(tv, test_customer_and_chip_lookups);
  tcase_add_test(tv, test_customer_find_ref);
  tcase_add_test(tv, test_lookups_by_id);
  tcase_add_test(tv, test_hold_pending);
  suite_add_tcase(s, tv);
  tcase_add_checked_fixture(tn, net_setup, net_teardown);
  tcase_set_timeout(tn, 120);
  tcase_add_test(tn, test_import_and_sync_refuse_alike);
  tcase_add_test(tn, test_import_and_sync_store_packager);
  tcase_add_test(tn, test_sync_only_refusals);
  tcase_add_test(tn, test_end_use_columns);
  tcase_add_test(tn, test_end_use_refusals);
  suite_add_tcase(s, tn);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(order_suite());
  int failed;

  cg_http_global_init();
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  cg_http_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
