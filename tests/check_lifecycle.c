/* check_lifecycle.c -- the steps a person takes on a decided order, on the
 * demo database through the chipgate binary: reviews of a hold (one
 * reviewer, two for a sure hit, none for unknown facts), NAC filings and
 * objections (and that decide reads them), shipments and cancellations.
 * Every refusal names the order and its state, exits 64/65/66 and leaves
 * the database as it was; every step is in the chain (audit verify). */
#include "helpers.h"

#include "core/clock.h"
#include "decide/audit.h"
#include "decide/decide.h"
#include "decide/decision.h"
#include "decide/lifecycle.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[512];

/* A fresh demo database (its orders decided by the demo's own batch). */
static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
}

static void teardown(void)
{
  t_tmp_cleanup();
}

/* Runs chipgate; asserts exit 0 and that the chain still verifies. */
static void ok(const char *const *argv)
{
  const char *verify[] = { "audit", "verify", NULL };
  char *out = NULL, *errout = NULL;
  int rc = t_run(db_path, &out, &errout, argv);

  ck_assert_msg(rc == 0, "%s %s: exit %d: %s", argv[0], argv[1], rc, errout);
  free(out);
  free(errout);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, verify), 0);
}

/* Runs chipgate; asserts exit code want, a message containing each of
 * the two texts (NULL: none), and the database unchanged. */
static void refused(int want, const char *text1, const char *text2,
                    const char *const *argv)
{
  char *before = t_db_dump(db_path), *after;
  char *errout = NULL;
  int rc = t_run(db_path, NULL, &errout, argv);

  ck_assert_msg(rc == want, "%s %s: exit %d, want %d: %s", argv[0], argv[1],
                rc, want, errout);
  ck_assert_msg(!text1 || strstr(errout, text1), "\"%s\" not in: %s", text1,
                errout);
  ck_assert_msg(!text2 || strstr(errout, text2), "\"%s\" not in: %s", text2,
                errout);
  after = t_db_dump(db_path);
  ck_assert_msg(strcmp(before, after) == 0, "%s %s changed the database",
                argv[0], argv[1]);
  free(before);
  free(after);
  free(errout);
}

static cg_store *open_db(void)
{
  cg_store *db = NULL;
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_store_open(&db, db_path, 0, &err), &err);
  return db;
}

static const char *state_of(const char *order_id)
{
  cg_store *db = open_db();
  cg_error err = { 0 };
  cg_order_state st;
  int64_t id = 0, seq = 0;

  ck_assert_cg_ok(cg_order_find_id(db, order_id, &id, &err), &err);
  ck_assert(id > 0);
  ck_assert_cg_ok(cg_order_state_get(db, id, &st, &seq, &err), &err);
  cg_store_close(db);
  return cg_order_state_name(st);
}

/* Entries of kind for order_id in the chain. */
static int64_t steps(const char *order_id, const char *kind)
{
  cg_store *db = open_db();
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  int64_t n = -1;

  ck_assert_cg_ok(cg_store_prepare(db, &st,
                                   "SELECT count(*) FROM decisions d JOIN "
                                   "orders o ON o.id = d.order_id WHERE "
                                   "o.order_id = ?1 AND d.kind = ?2",
                                   &err),
                  &err);
  ck_assert_cg_ok(cg_stmt_bind_text(st, 1, order_id, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_text(st, 2, kind, &err), &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  n = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  cg_store_close(db);
  return n;
}

/* today - days, YYYY-MM-DD. */
static const char *days_ago(int days, char buf[11])
{
  char today[CG_ISO_DATE];
  int32_t t = 0;

  cg_clock_today(today);
  ck_assert_int_eq(cg_date_parse(today, &t, NULL), CG_OK);
  cg_date_format(t - days, buf);
  return buf;
}

START_TEST(test_release_then_ship)
{
  const char *rel[] = {
    "review",     "O-1041", "--release", "--reason", "a different company",
    "--reviewer", "alice",  NULL
  };
  const char *over[] = { "ship", "O-1041", "--qty", "100", NULL };
  const char *part[] = { "ship", "O-1041", "--qty", "10", NULL };
  const char *rest[] = { "ship", "O-1041", NULL };
  const char *again[] = { "ship", "O-1041", "--qty", "1", NULL };
  const char *cancel[] = { "cancel", "O-1041", "--reason", "late", NULL };

  /* O-1041 is held for a possible list match: one reviewer releases. */
  ck_assert_str_eq(state_of("O-1041"), "open");
  ok(rel);
  ck_assert_str_eq(state_of("O-1041"), "releasable");
  ck_assert_int_eq(steps("O-1041", "review"), 1);
  refused(65, "order O-1041 is releasable (hold)", "only an order on hold",
          rel);
  refused(65, "order O-1041 is releasable", "50 ordered, 0 shipped", over);
  ok(part);
  ck_assert_str_eq(state_of("O-1041"), "releasable");
  refused(65, "order O-1041", "(40 left)", over);
  refused(65, "order O-1041", "partly shipped", cancel);
  ok(rest);
  ck_assert_str_eq(state_of("O-1041"), "shipped");
  ck_assert_int_eq(steps("O-1041", "shipment"), 2);
  refused(65, "order O-1041 is shipped", "only a releasable order", again);
  refused(65, "order O-1041 is shipped", "cannot be cancelled", cancel);
}
END_TEST

START_TEST(test_review_refusals)
{
  const char *notify[] = { "review", "O-1015",     "--block", "--reason",
                           "no",     "--reviewer", "alice",   NULL };
  const char *unknown[] = { "review",   "O-1016",     "--release", "--reason",
                            "looks ok", "--reviewer", "alice",     NULL };
  const char *missing[] = { "review", "O-9999",     "--release", "--reason",
                            "x",      "--reviewer", "alice",     NULL };
  const char *noreason[] = { "review", "O-1041", "--release", NULL };
  const char *both[] = { "review",   "O-1041", "--release", "--block",
                         "--reason", "x",      NULL };
  const char *block[] = {
    "review",     "O-1041", "--block", "--reason", "end user not confirmed",
    "--reviewer", "bob",    NULL
  };
  const char *rel[] = { "review",    "O-1041",     "--release", "--reason",
                        "confirmed", "--reviewer", "bob",       NULL };

  refused(65, "order O-1015 is open (notify)", "only an order on hold",
          notify);
  refused(65, "order O-1016 is open (hold)",
          "supply the missing facts: chip.pd", unknown);
  refused(66, "unknown order O-9999", NULL, missing);
  refused(64, "--reason", NULL, noreason);
  refused(64, "--release or --block", NULL, both);
  /* A block keeps the order on hold; a later release settles it. */
  ok(block);
  ck_assert_str_eq(state_of("O-1041"), "open");
  ok(rel);
  ck_assert_str_eq(state_of("O-1041"), "releasable");
  ck_assert_int_eq(steps("O-1041", "review"), 2);
}
END_TEST

/* Makes O-1041's hit a sure hit on a list that only holds for review: a
 * new current decision (the demo's, with that hit), on the chain. */
static void sure_hit_decision(void)
{
  cg_store *db = open_db();
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  cg_decision dn;
  int64_t id = 0;
  const char *doc;

  cg_decision_init(&dn);
  ck_assert_cg_ok(cg_order_find_id(db, "O-1041", &id, &err), &err);
  ck_assert_cg_ok(cg_store_prepare(db, &st,
                                   "SELECT d.doc FROM decisions d JOIN "
                                   "orders o ON d.seq = o.current_seq "
                                   "WHERE o.id = ?1",
                                   &err),
                  &err);
  ck_assert_cg_ok(cg_stmt_bind_int(st, 1, id, &err), &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  doc = cg_stmt_text(st, 0);
  ck_assert_cg_ok(cg_decision_parse(doc, strlen(doc), &dn, &err), &err);
  cg_stmt_finalize(st);
  ck_assert(dn.nhits > 0);
  dn.hits[0].sure = 1;
  dn.hits[0].list_kind = cg_decision_strdup(&dn, "other");
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(cg_audit_append(db, id, 0, &dn, NULL, NULL, NULL, &err),
                  &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  cg_decision_clear(&dn);
  cg_store_close(db);
}

START_TEST(test_sure_hit_two_reviewers)
{
  const char *alice[] = { "review",   "O-1041",     "--release", "--reason",
                          "not them", "--reviewer", "alice",     NULL };
  const char *alice2[] = { "review", "O-1041",     "--release", "--reason",
                           "really", "--reviewer", "  Alice ",  NULL };
  const char *bob[] = { "review", "O-1041",     "--release", "--reason",
                        "agreed", "--reviewer", "bob",       NULL };
  const char *block[] = { "review", "O-1041",     "--block", "--reason",
                          "wait",   "--reviewer", "carol",   NULL };
  const char *verify[] = { "audit", "verify", NULL };

  sure_hit_decision();
  ck_assert_int_eq(t_run(db_path, NULL, NULL, verify), 0);
  ok(alice);
  ck_assert_str_eq(state_of("O-1041"), "open");
  /* The same person under another spelling is not a second reviewer. */
  refused(65, "order O-1041 is open (hold)", "different reviewer", alice2);
  /* A block voids the first release: bob alone does not settle it. */
  ok(block);
  ok(bob);
  ck_assert_str_eq(state_of("O-1041"), "open");
  ok(alice);
  ck_assert_str_eq(state_of("O-1041"), "releasable");
  ck_assert_int_eq(steps("O-1041", "review"), 4);
}
END_TEST

/* The outcome decide gives order_id now; record: appended to the chain
 * as the order's current decision (as batch would). */
static cg_outcome decide_now(const char *order_id, int record)
{
  cg_store *db = open_db();
  cg_error err = { 0 };
  cg_rules *pack = NULL;
  cg_decider *dec = NULL;
  cg_decide_opts opts = CG_DECIDE_OPTS_INIT;
  cg_customer cu;
  cg_chip chip;
  cg_order o;
  cg_decision dn;
  int64_t id = 0;
  cg_outcome out;

  cg_customer_init(&cu);
  cg_chip_init(&chip);
  cg_decision_init(&dn);
  ck_assert_cg_ok(cg_order_find_id(db, order_id, &id, &err), &err);
  ck_assert_cg_ok(cg_order_get_id(db, id, &o, &err), &err);
  ck_assert_cg_ok(cg_customer_get_id(db, o.customer_id, &cu, &err), &err);
  ck_assert_cg_ok(cg_chip_get_id(db, o.chip_id, &chip, &err), &err);
  ck_assert_cg_ok(cg_rules_load_dir(&pack, t_src("rules"), NULL, &err), &err);
  ck_assert_cg_ok(cg_decider_open(&dec, db, pack, &opts, &err), &err);
  ck_assert_cg_ok(cg_decide(dec, &o, &cu, &chip, 0, &dn, &err), &err);
  out = dn.decision;
  if(record) {
    ck_assert_cg_ok(cg_store_begin(db, &err), &err);
    ck_assert_cg_ok(cg_audit_append(db, id, 0, &dn, NULL, NULL, NULL, &err),
                    &err);
    ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  }
  cg_decision_clear(&dn);
  cg_decider_close(dec);
  cg_rules_free(pack);
  cg_chip_clear(&chip);
  cg_customer_clear(&cu);
  cg_store_close(db);
  return out;
}

START_TEST(test_nac)
{
  char d30[11], d26[11], d40[11];
  const char *nlr[] = { "nac", "O-1001", "--filed", "2026-01-05", NULL };
  const char *future[] = { "nac", "O-1015", "--filed", "2999-01-01", NULL };
  const char *baddate[] = { "nac", "O-1015", "--filed", "2026-02-30", NULL };
  const char *file[] = { "nac",   "O-1015",      "--filed", days_ago(30, d30),
                         "--ref", "SNAP-R Z123", NULL };
  const char *early[] = {
    "nac", "O-1015", "--objection", days_ago(40, d40), "--reason", "x", NULL
  };
  const char *object[] = { "nac",         "O-1015",
                           "--objection", days_ago(26, d26),
                           "--reason",    "BIS objected: licence required",
                           NULL };
  const char *noobj[] = { "nac",      "O-1022", "--objection", "2026-01-05",
                          "--reason", "x",      NULL };
  cg_store *db;
  cg_error err = { 0 };
  cg_facts f;
  int64_t id = 0;

  ck_assert_int_eq(decide_now("O-1015", 0), CG_OUT_NOTIFY);
  refused(65, "order O-1001 is releasable (nlr)", "notify", nlr);
  refused(64, "2999-01-01 is in the future", NULL, future);
  refused(64, "2026-02-30", NULL, baddate);
  refused(65, "order O-1022 is open (notify)", "no NAC filing", noobj);
  ok(file);
  ck_assert_int_eq(steps("O-1015", "nac_filed"), 1);
  refused(65, "order O-1015 is open (notify)", "already on record", file);
  /* decide sees the filing: 30 days, no objection -> the NAC exception. */
  db = open_db();
  ck_assert_cg_ok(cg_order_find_id(db, "O-1015", &id, &err), &err);
  cg_facts_init(&f);
  ck_assert_cg_ok(cg_lifecycle_nac_facts(db, id, &f, &err), &err);
  ck_assert(f.v[CG_F_ORDER_NAC_DAYS].kind == CG_V_NUM);
  ck_assert(f.v[CG_F_ORDER_NAC_DAYS].u.num == 30.0);
  cg_store_close(db);
  ck_assert_int_eq(decide_now("O-1015", 1), CG_OUT_EXCEPTION);
  ck_assert_str_eq(state_of("O-1015"), "releasable");
  refused(64, "before the filing", NULL, early);
  /* BIS objected within the 25 days: the released order goes back to
   * open until it is re-decided. */
  ok(object);
  ck_assert_str_eq(state_of("O-1015"), "open");
  ck_assert_int_eq(steps("O-1015", "nac_objection"), 1);
  refused(65, "order O-1015", "already on record", object);
  /* An objection bars NAC: the licence requirement stands. */
  ck_assert_int_eq(decide_now("O-1015", 0), CG_OUT_LICENSE_REQUIRED);
}
END_TEST

static int64_t drawn(const char *order_id)
{
  cg_store *db = open_db();
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  int64_t n;

  ck_assert_cg_ok(cg_store_prepare(db, &st,
                                   "SELECT coalesce(sum(u.quantity), 0) "
                                   "FROM license_usage u JOIN orders o ON "
                                   "o.id = u.order_id WHERE o.order_id = ?1",
                                   &err),
                  &err);
  ck_assert_cg_ok(cg_stmt_bind_text(st, 1, order_id, &err), &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  n = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  cg_store_close(db);
  return n;
}

START_TEST(test_ship_and_cancel)
{
  const char *open[] = { "ship", "O-1007", NULL };
  const char *early[] = { "ship", "O-1006", "--date", "2024-12-31", NULL };
  const char *future[] = { "ship", "O-1006", "--date", "2999-01-01", NULL };
  const char *zero[] = { "ship", "O-1006", "--qty", "0", NULL };
  const char *unknown[] = { "ship", "O-9999", NULL };
  const char *deny[] = { "cancel", "O-1014", "--reason", "denied party",
                         NULL };
  const char *lic[] = { "cancel", "O-1006", "--reason", "customer withdrew",
                        NULL };
  const char *noreason[] = { "cancel", "O-1006", NULL };
  const char *ship1[] = { "ship", "O-1001", "--qty", "1", NULL };
  const char *cancel1[] = { "cancel", "O-1001", "--reason", "x", NULL };

  refused(65, "order O-1007 is open (license_required)",
          "only a releasable order", open);
  refused(65, "order O-1006 is releasable (licensed)",
          "licence D1000001 is valid from 2025-01-01", early);
  refused(64, "in the future", NULL, future);
  refused(64, "--qty", NULL, zero);
  refused(66, "unknown order O-9999", NULL, unknown);
  refused(64, "--reason", NULL, noreason);
  ok(deny);
  ck_assert_str_eq(state_of("O-1014"), "cancelled");
  refused(65, "order O-1014 is cancelled", "cannot be cancelled", deny);
  /* Cancelling a licensed order gives its quantity back. */
  ck_assert_int_eq(drawn("O-1006"), 200);
  ok(lic);
  ck_assert_int_eq(drawn("O-1006"), 0);
  ck_assert_str_eq(state_of("O-1006"), "cancelled");
  ck_assert_int_eq(steps("O-1006", "cancel"), 1);
  ok(ship1);
  refused(65, "order O-1001 is releasable (nlr)", "1 of 512 already shipped",
          cancel1);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("lifecycle");
  TCase *tc = tcase_create("steps");

  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_release_then_ship);
  tcase_add_test(tc, test_review_refusals);
  tcase_add_test(tc, test_sure_hit_two_reviewers);
  tcase_add_test(tc, test_nac);
  tcase_add_test(tc, test_ship_and_cancel);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
