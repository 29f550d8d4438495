/* check_submit.c -- orders stored and decided at once (decide/submit.h,
 * the server's POST /v1/orders) on a demo database: recorded as a batch
 * records (the ledger holds), the same order again is the same answer
 * with nothing new written, a conflict writes nothing at all. */
#include "helpers.h"

#include "decide/decide.h"
#include "decide/submit.h"
#include "model/order.h"
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[512];
static cg_store *db;
static cg_rules *pack;
static cg_decider *dec;

static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };
  cg_error err = { 0 };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  ck_assert_cg_ok(cg_store_open(&db, db_path, 0, &err), &err);
  ck_assert_cg_ok(cg_rules_load_dir(&pack, t_src("rules"), NULL, &err), &err);
  ck_assert_cg_ok(cg_decider_open(&dec, db, pack, NULL, &err), &err);
}

static void teardown(void)
{
  cg_decider_close(dec);
  cg_rules_free(pack);
  cg_store_close(db);
  t_tmp_cleanup();
}

/* An order of the demo's customers and chips, validated. */
static cg_order order(const char *id, const char *customer, const char *chip,
                      const char *dest, const char *qty)
{
  cg_order_fields f;
  cg_order o;
  cg_error err = { 0 };

  memset(&f, 0, sizeof(f));
  f.order_id = id;
  f.customer = customer;
  f.chip = chip;
  f.destination = dest;
  f.quantity = qty;
  f.ship_date = "2026-11-20";
  ck_assert_cg_ok(cg_order_validate(db, &f, "t", &o, &err), &err);
  return o;
}

START_TEST(test_submit_records_like_a_batch)
{
  cg_order o[2];
  cg_submitted s[2], again[2];
  cg_error err = { 0 };
  size_t conflict = 9;
  char *before;

  o[0] =
      order("S-1", "Nordic AI Cloud AB", "NVIDIA H100 SXM5 80GB", "SE", "8");
  /* licensed: draws on the demo's VN licence */
  o[1] = order("S-2", "Hanoi Data Systems JSC", "NVIDIA A100 SXM4 80 GB", "VN",
               "10");
  ck_assert_cg_ok(cg_submit_orders(db, dec, o, 2, s, &conflict, &err), &err);
  ck_assert_int_eq(conflict, 0);
  ck_assert_int_eq(s[0].stored && s[0].decided && s[1].decided, 1);
  ck_assert_msg(strstr(s[0].doc, "\"decision\":\"nlr\""), "%s", s[0].doc);
  ck_assert_msg(strstr(s[1].doc, "\"decision\":\"licensed\""), "%s", s[1].doc);
  t_expect_sql(db_path, "S-1",
               "SELECT state FROM orders WHERE order_id = "
               "'S-2'",
               "releasable");
  t_check_ledger(db_path, "after submit");
  /* the same orders again: the same bytes, nothing written */
  before = t_db_dump(db_path);
  ck_assert_cg_ok(cg_submit_orders(db, dec, o, 2, again, &conflict, &err),
                  &err);
  ck_assert_int_eq(again[0].stored || again[0].decided || again[1].decided, 0);
  ck_assert_str_eq(again[0].doc, s[0].doc);
  ck_assert_str_eq(again[1].doc, s[1].doc);
  {
    char *after = t_db_dump(db_path);
    ck_assert_msg(!strcmp(before, after), "a repeat wrote something");
    free(after);
  }
  free(before);
  cg_submitted_clear(s, 2);
  cg_submitted_clear(again, 2);
}
END_TEST

/* A known order_id with other content refuses the whole request: the new
 * order before it in the array is not stored either. */
START_TEST(test_conflict_writes_nothing)
{
  cg_order o[2];
  cg_submitted s[2];
  cg_error err = { 0 };
  size_t conflict = 0;
  char *before = t_db_dump(db_path), *after;

  o[0] =
      order("S-9", "Nordic AI Cloud AB", "NVIDIA H100 SXM5 80GB", "SE", "1");
  /* O-1001 is the demo's, for 512 */
  o[1] = order("O-1001", "Nordic AI Cloud AB", "NVIDIA H100 SXM5 80GB", "SE",
               "7");
  ck_assert_int_eq(cg_submit_orders(db, dec, o, 2, s, &conflict, &err),
                   CG_EINVAL);
  ck_assert_int_eq(conflict, 2);
  ck_assert_msg(strstr(err.msg, "order O-1001 already exists with different "
                                "content"),
                "%s", err.msg);
  after = t_db_dump(db_path);
  ck_assert_msg(!strcmp(before, after), "a refused request wrote something");
  free(before);
  free(after);
}
END_TEST

/* An order stored earlier (imported, pending) is decided when submitted
 * with the same content. */
START_TEST(test_pending_order_is_decided)
{
  const char *csv = t_write("o.csv", "order_id,customer,chip,destination,"
                                     "quantity,ship_date\n"
                                     "P-1,Nordic AI Cloud AB,NVIDIA H100 SXM5 "
                                     "80GB,SE,3,2026-11-20\n");
  const char *imp[] = { "import", "orders", csv, NULL };
  cg_order o;
  cg_submitted s;
  cg_error err = { 0 };
  size_t conflict = 0;

  ck_assert_int_eq(t_run(db_path, NULL, NULL, imp), 0);
  o = order("P-1", "Nordic AI Cloud AB", "NVIDIA H100 SXM5 80GB", "SE", "3");
  ck_assert_cg_ok(cg_submit_orders(db, dec, &o, 1, &s, &conflict, &err), &err);
  ck_assert_int_eq(s.stored, 0);
  ck_assert_int_eq(s.decided, 1);
  t_check_ledger(db_path, "pending then submitted");
  cg_submitted_clear(&s, 1);
}
END_TEST

/* A body that adds a fact the record lacks is another body: 409, since the
 * answer the record has never weighed that fact. */
START_TEST(test_added_fact_is_a_conflict)
{
  cg_order o;
  cg_submitted s;
  cg_error err = { 0 };
  size_t conflict = 0;
  char *before;

  o = order("F-1", "Nordic AI Cloud AB", "NVIDIA H100 SXM5 80GB", "SE", "2");
  ck_assert_cg_ok(cg_submit_orders(db, dec, &o, 1, &s, &conflict, &err), &err);
  cg_submitted_clear(&s, 1);
  before = t_db_dump(db_path);
  o.export_from_us = 0; /* was unknown */
  ck_assert_int_eq(cg_submit_orders(db, dec, &o, 1, &s, &conflict, &err),
                   CG_EINVAL);
  ck_assert_int_eq(conflict, 1);
  {
    char *after = t_db_dump(db_path);
    ck_assert_msg(!strcmp(before, after), "a conflict wrote something");
    free(after);
  }
  free(before);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("submit");
  TCase *tc = tcase_create("orders");

  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_submit_records_like_a_batch);
  tcase_add_test(tc, test_conflict_writes_nothing);
  tcase_add_test(tc, test_pending_order_is_decided);
  tcase_add_test(tc, test_added_fact_is_a_conflict);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return t_run_suite(suite());
}
