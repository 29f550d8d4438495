/* check_store.c -- the database door on real SQLite files: open, create
 * and migrate, transactions (commit, rollback), cached statements,
 * bindings and columns, and the errors callers act on (busy, read-only,
 * constraint, bad SQL, a schema newer than the binary). */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SQLite's primary result codes, as err->lib_code carries them. */
#define SQ_BUSY             5
#define SQ_READONLY         8
#define SQ_CONSTRAINT_CHECK 275

static void teardown(void)
{
  t_tmp_cleanup();
}

static cg_store *open_db(const char *name, int flags)
{
  cg_store *db = NULL;
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_store_open(&db, t_tmp(name), flags, &err), &err);
  return db;
}

static int64_t q_int(cg_store *db, const char *sql)
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

START_TEST(test_open_create_migrate)
{
  cg_store *db = NULL;
  cg_error err = { 0 };
  int applied = -1, v = -1;

  /* Without CREATE a missing file is an error, and nothing is made. */
  ck_assert_int_eq(cg_store_open(&db, t_tmp("new.db"), 0, &err), CG_EDB);
  ck_assert_ptr_null(db);
  ck_assert_msg(strstr(err.msg, "open database ") != NULL, "%s", err.msg);
  ck_assert_int_ne(access(t_tmp("new.db"), F_OK), 0);

  db = open_db("new.db", CG_STORE_CREATE);
  ck_assert_str_eq(cg_store_path(db), t_tmp("new.db"));
  ck_assert_cg_ok(cg_store_user_version(db, &v, &err), &err);
  ck_assert_int_eq(v, 0);
  ck_assert_cg_ok(cg_store_migrate(db, &applied, &err), &err);
  ck_assert_int_gt(cg_store_latest_version(), 0);
  ck_assert_int_eq(applied, cg_store_latest_version());
  ck_assert_cg_ok(cg_store_user_version(db, &v, &err), &err);
  ck_assert_int_eq(v, cg_store_latest_version());
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
                             "name = 'orders'"),
                   1);
  ck_assert_int_eq(q_int(db, "PRAGMA foreign_keys"), 1);
  /* Migrating again applies nothing. */
  ck_assert_cg_ok(cg_store_migrate(db, &applied, &err), &err);
  ck_assert_int_eq(applied, 0);
  cg_store_close(db);

  /* WAL is persistent: a fresh connection sees it. */
  db = open_db("new.db", 0);
  {
    cg_stmt *st = NULL;
    ck_assert_cg_ok(cg_store_prepare(db, &st, "PRAGMA journal_mode", &err),
                    &err);
    ck_assert_int_eq(cg_stmt_step(st, &err), 1);
    ck_assert_str_eq(cg_stmt_text(st, 0), "wal");
    cg_stmt_finalize(st);
  }
  cg_store_close(db);
  cg_store_close(NULL); /* NULL-safe */
}
END_TEST

START_TEST(test_newer_schema_refused)
{
  cg_store *db = t_db("newer.db");
  cg_error err = { 0 };
  char sql[64];
  int v;

  snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
           cg_store_latest_version() + 1);
  ck_assert_cg_ok(cg_store_exec(db, sql, &err), &err);
  ck_assert_int_eq(cg_store_migrate(db, NULL, &err), CG_ESCHEMA);
  ck_assert_msg(strstr(err.msg, "newer than this chipgate") != NULL, "%s",
                err.msg);
  ck_assert_int_eq(cg_store_in_transaction(db), 0);
  ck_assert_cg_ok(cg_store_user_version(db, &v, &err), &err);
  ck_assert_int_eq(v, cg_store_latest_version() + 1);
  cg_store_close(db);
}
END_TEST

START_TEST(test_transactions)
{
  cg_store *db = t_db("tx.db"), *other;
  cg_error err = { 0 };

  ck_assert_int_eq(cg_store_in_transaction(db), 0);
  cg_store_rollback(db); /* outside a transaction: a no-op */
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_int_eq(cg_store_in_transaction(db), 1);
  ck_assert_cg_ok(
      cg_store_exec(db, "INSERT INTO countries VALUES('NL', 'Netherlands')",
                    &err),
      &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  ck_assert_int_eq(cg_store_in_transaction(db), 0);
  /* Committed: another connection sees it. */
  other = open_db("tx.db", 0);
  ck_assert_int_eq(q_int(other, "SELECT count(*) FROM countries"), 1);

  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(
      cg_store_exec(db, "INSERT INTO countries VALUES('DE', 'Germany')", &err),
      &err);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM countries"), 2);
  /* Not yet committed: the other connection does not see it (WAL). */
  ck_assert_int_eq(q_int(other, "SELECT count(*) FROM countries"), 1);
  cg_store_rollback(db);
  ck_assert_int_eq(cg_store_in_transaction(db), 0);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM countries"), 1);
  /* COMMIT without BEGIN is an error, not a silent success. */
  ck_assert_int_eq(cg_store_commit(db, &err), CG_EDB);
  cg_store_close(other);
  cg_store_close(db);
}
END_TEST

START_TEST(test_cached_statements)
{
  static const char *const sql = "SELECT ?1 IS NULL, ?1";
  cg_store *db = t_db("cache.db");
  cg_error err = { 0 };
  cg_stmt *a = NULL, *b = NULL, *x = NULL;
  char other[64];

  ck_assert_cg_ok(cg_store_cached(db, &a, sql, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_text(a, 1, "bound", &err), &err);
  ck_assert_int_eq(cg_stmt_step(a, &err), 1);
  ck_assert_str_eq(cg_stmt_text(a, 1), "bound");
  /* Asking again gives the same statement, reset and unbound. */
  ck_assert_cg_ok(cg_store_cached(db, &b, sql, &err), &err);
  ck_assert_ptr_eq(a, b);
  ck_assert_int_eq(cg_stmt_step(b, &err), 1);
  ck_assert_int_eq(cg_stmt_int(b, 0), 1);
  cg_stmt_reset(b);
  /* Many other statements later, the first is still where it was: a
   * caller may hold one while others are prepared. */
  for(int i = 0; i < 100; i++) {
    snprintf(other, sizeof(other), "SELECT %d", i);
    ck_assert_cg_ok(cg_store_cached(db, &x, other, &err), &err);
    ck_assert_int_eq(cg_stmt_step(x, &err), 1);
    ck_assert_int_eq(cg_stmt_int(x, 0), i);
    cg_stmt_reset(x);
  }
  ck_assert_cg_ok(cg_stmt_bind_int(a, 1, 7, &err), &err);
  ck_assert_int_eq(cg_stmt_step(a, &err), 1);
  ck_assert_int_eq(cg_stmt_int(a, 1), 7);
  ck_assert_cg_ok(cg_store_cached(db, &b, sql, &err), &err);
  ck_assert_ptr_eq(a, b);
  /* Bad SQL is an error, and is not cached. */
  ck_assert_int_eq(cg_store_cached(db, &x, "SELEKT 1", &err), CG_EDB);
  ck_assert_ptr_null(x);
  ck_assert_msg(strncmp(err.msg, "prepare: ", 9) == 0, "%s", err.msg);
  ck_assert_int_eq(cg_store_cached(db, &x, "SELEKT 1", &err), CG_EDB);
  cg_store_close(db); /* finalizes every cached statement */
}
END_TEST

START_TEST(test_bind_and_columns)
{
  cg_store *db = t_db("bind.db");
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  size_t n = 0;
  const unsigned char blob[] = { 0, 1, 2, 0xff };
  char *s;

  ck_assert_cg_ok(
      cg_store_prepare(db, &st, "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8", &err),
      &err);
  ck_assert_cg_ok(cg_stmt_bind_text(st, 1, "text", &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_text(st, 2, NULL, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_int(st, 3, INT64_C(5000000000), &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_double(st, 4, NAN, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_double(st, 5, 0.1, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_tristate(st, 6, -1, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_tristate(st, 7, 5, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_blob(st, 8, blob, sizeof(blob), &err), &err);
  /* Out of range index: an error naming it. */
  ck_assert_int_eq(cg_stmt_bind_int(st, 9, 1, &err), CG_EDB);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  ck_assert_str_eq(cg_stmt_text(st, 0), "text");
  ck_assert_ptr_null(cg_stmt_text(st, 1));
  ck_assert(cg_stmt_is_null(st, 1));
  ck_assert_int_eq(cg_stmt_int(st, 2), INT64_C(5000000000));
  ck_assert(isnan(cg_stmt_double(st, 3))); /* NaN went in as NULL */
  ck_assert(cg_stmt_is_null(st, 3));
  ck_assert(cg_stmt_double(st, 4) == 0.1);
  ck_assert_int_eq(cg_stmt_tristate(st, 5), -1);
  ck_assert_int_eq(cg_stmt_tristate(st, 6), 1);
  ck_assert(memcmp(cg_stmt_blob(st, 7, &n), blob, sizeof(blob)) == 0);
  ck_assert_uint_eq(n, sizeof(blob));
  s = cg_stmt_strdup(st, 0);
  ck_assert_str_eq(s, "text");
  free(s);
  ck_assert_ptr_null(cg_stmt_strdup(st, 1));
  ck_assert_int_eq(cg_stmt_step(st, &err), 0);
  cg_stmt_finalize(st);
  cg_stmt_finalize(NULL);
  cg_store_close(db);
}
END_TEST

START_TEST(test_constraint_error)
{
  cg_store *db = t_db("check.db");
  cg_error err = { 0 };
  cg_stmt *st = NULL;

  ck_assert_cg_ok(cg_store_exec(db,
                                "INSERT INTO countries VALUES('CN', 'China');"
                                "INSERT INTO customers(name, country) "
                                "VALUES('A', 'CN');"
                                "INSERT INTO chips(name) VALUES('C');",
                                &err),
                  &err);
  ck_assert_cg_ok(
      cg_store_prepare(db, &st,
                       "INSERT INTO orders(order_id, customer_id, chip_id, "
                       "destination, quantity, ship_date) VALUES('O', 1, 1, "
                       "'CN', ?1, '2026-01-01')",
                       &err),
      &err);
  ck_assert_cg_ok(cg_stmt_bind_int(st, 1, 0, &err), &err);
  ck_assert_int_eq(cg_stmt_run(st, &err), CG_EDB);
  ck_assert_int_eq(err.lib_code, SQ_CONSTRAINT_CHECK);
  ck_assert_msg(strstr(err.msg, "CHECK constraint failed") != NULL, "%s",
                err.msg);
  /* cg_stmt_run reset the statement: it runs again with a good value. */
  ck_assert_cg_ok(cg_stmt_bind_int(st, 1, 3, &err), &err);
  ck_assert_cg_ok(cg_stmt_run(st, &err), &err);
  ck_assert_int_eq(cg_store_changes(db), 1);
  ck_assert_int_eq(cg_store_last_rowid(db),
                   q_int(db, "SELECT id FROM orders WHERE order_id = 'O'"));
  cg_stmt_finalize(st);
  /* A foreign key to nothing is refused too (foreign_keys is on). */
  ck_assert_int_eq(cg_store_exec(db,
                                 "INSERT INTO orders(order_id, customer_id, "
                                 "chip_id, destination, quantity, ship_date) "
                                 "VALUES('P', 99, 1, 'CN', 1, '2026-01-01')",
                                 &err),
                   CG_EDB);
  ck_assert_msg(strstr(err.msg, "FOREIGN KEY") != NULL, "%s", err.msg);
  cg_store_close(db);
}
END_TEST

START_TEST(test_readonly)
{
  cg_store *db = t_db("ro.db"), *ro;
  cg_error err = { 0 };

  ck_assert_cg_ok(
      cg_store_exec(db, "INSERT INTO countries VALUES('CN', 'China')", &err),
      &err);
  cg_store_close(db);
  ro = open_db("ro.db", CG_STORE_READONLY);
  ck_assert_int_eq(q_int(ro, "SELECT count(*) FROM countries"), 1);
  ck_assert_int_eq(
      cg_store_exec(ro, "INSERT INTO countries VALUES('NL', 'N')", &err),
      CG_EDB);
  ck_assert_int_eq(err.lib_code & 0xff, SQ_READONLY);
  ck_assert_int_eq(q_int(ro, "SELECT count(*) FROM countries"), 1);
  cg_store_close(ro);
}
END_TEST

/* The busy timeout (10 s, here CHIPGATE_BUSY_TIMEOUT_MS=300): a writer
 * waits that long for another, then gets CG_EBUSY (exit 75) with a
 * message a user can act on, never SQLite's own words. */
START_TEST(test_busy)
{
  cg_store *a = t_db("busy.db"), *b;
  cg_error err = { 0 };

  setenv("CHIPGATE_BUSY_TIMEOUT_MS", "300", 1);
  b = open_db("busy.db", 0);
  unsetenv("CHIPGATE_BUSY_TIMEOUT_MS");
  ck_assert_cg_ok(cg_store_begin(a, &err), &err);
  ck_assert_int_eq(cg_store_begin(b, &err), CG_EBUSY);
  ck_assert_int_eq(err.lib_code & 0xff, SQ_BUSY);
  ck_assert_str_eq(err.msg, "database busy, try again (another chipgate "
                            "command is writing to it)");
  ck_assert_int_eq(cg_store_in_transaction(b), 0);
  /* Readers are not blocked by the writer (WAL). */
  ck_assert_int_eq(q_int(b, "SELECT count(*) FROM countries"), 0);
  cg_store_rollback(a);
  ck_assert_cg_ok(cg_store_begin(b, &err), &err);
  cg_store_rollback(b);
  cg_store_close(b);
  cg_store_close(a);
}
END_TEST

static Suite *store_suite(void)
{
  Suite *s = suite_create("store");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_open_create_migrate);
  tcase_add_test(tc, test_newer_schema_refused);
  tcase_add_test(tc, test_transactions);
  tcase_add_test(tc, test_cached_statements);
  tcase_add_test(tc, test_bind_and_columns);
  tcase_add_test(tc, test_constraint_error);
  tcase_add_test(tc, test_readonly);
  tcase_add_test(tc, test_busy);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(store_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
