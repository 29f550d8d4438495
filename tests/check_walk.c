/* check_walk.c -- real orders walked through every path of their
 * lifecycle with the built binary on the demo database, the audit chain
 * verified after every step (README, "Working an order"):
 *
 *   hold -> clear -> (batch) releasable -> ship
 *   license_required -> licence imported -> (batch) licensed -> ship
 *   notify -> NAC filed 26 days ago -> (batch) exception -> ship
 *   deny -> cancel
 *   hold -> review --block, then --release (company-policy-like hold)
 *
 * plus an anchor kept before a deleted tail. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char db_path[512];

static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("walk.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
}

static void teardown(void)
{
  t_tmp_cleanup();
}

/* Runs chipgate; checks the exit status; returns stdout (caller frees). */
static char *run(int want, const char *const *argv)
{
  char *out = NULL, *err = NULL;
  int rc = t_run(db_path, &out, &err, argv);

  ck_assert_msg(rc == want, "%s %s: exit %d, want %d: %s%s", argv[0],
                argv[1] ? argv[1] : "", rc, want, out ? out : "",
                err ? err : "");
  free(err);
  return out;
}

static void verify(void)
{
  const char *v[] = { "audit", "verify", NULL };
  char *out = run(0, v);

  ck_assert_ptr_nonnull(strstr(out, "verified"));
  free(out);
}

/* The state and current outcome of an order, "state outcome". */
static void expect_state(const char *order, const char *want)
{
  const char *argv[] = { "list", "orders", "--format", "json", NULL };
  char *out = run(0, argv), needle[256], *p;

  snprintf(needle, sizeof(needle), "\"order_id\": \"%s\"", order);
  p = strstr(out, needle);
  ck_assert_msg(p != NULL, "%s not listed", order);
  {
    char state[64] = "", outcome[64] = "";
    const char *s = strstr(p, "\"state\": \""),
               *o = strstr(p, "\"outcome\": ");
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(o);
    sscanf(s + 10, "%63[^\"]", state);
    if(o[11] == '"')
      sscanf(o + 12, "%63[^\"]", outcome);
    else
      snprintf(outcome, sizeof(outcome), "null");
    snprintf(needle, sizeof(needle), "%s %s", state, outcome);
    ck_assert_msg(strcmp(needle, want) == 0, "%s: %s, want %s", order, needle,
                  want);
  }
  free(out);
}

static void batch(void)
{
  const char *b[] = { "batch", "--quiet", NULL };
  free(run(0, b));
  verify();
}

static void day(int offset, char out[11])
{
  time_t t = time(NULL) + (time_t)offset * 86400;
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

START_TEST(test_hold_clear_release_ship)
{
  char today[11], orders[512];
  const char *imp_c[] = { "import", "customers", NULL, NULL };
  const char *imp_o[] = { "import", "orders", NULL, NULL };
  const char *clear[] = { "screen",
                          "clear",
                          "Moore Threads and Buttons Ltd",
                          "--entry",
                          "d42420ab509767ac",
                          "--reason",
                          "Companies House: a Leeds haberdasher, no link",
                          "--reviewer",
                          "alice",
                          NULL };
  const char *ship_open[] = { "ship", "O-2001", NULL };
  const char *ship[] = { "ship", "O-2001", "--qty", "8", NULL };
  char *out;

  day(0, today);
  imp_c[2] =
      t_write("c.csv", "name,country,hq_country,parent,"
                       "parent_hq_country,address,role\n"
                       "Moore Threads and Buttons Ltd,GB,GB,,,\"12 Kirkgate, "
                       "Leeds\",end_user\n");
  snprintf(orders, sizeof(orders),
           "order_id,customer,chip,destination,quantity,ship_date,end_use,"
           "role,packager,export_from_us\nO-2001,Moore Threads and Buttons "
           "Ltd,NVIDIA "
           "L40,GB,8,%s,rendering workstations,distributor,,\n",
           today);
  imp_o[2] = t_write("o.csv", orders);
  free(run(0, imp_c));
  free(run(0, imp_o));
  batch();
  expect_state("O-2001", "open hold"); /* a possible Entity List match */
  out = run(65, ship_open);            /* an open order does not ship */
  free(out);
  free(run(0, clear));
  batch(); /* the clearance changed its inputs: decided again */
  expect_state("O-2001", "releasable nlr");
  out = run(0, ship);
  ck_assert_ptr_nonnull(strstr(out, "the order is shipped"));
  free(out);
  expect_state("O-2001", "shipped nlr");
  verify();
}
END_TEST

/* A releasable order whose inputs change is decided again before it
 * can ship: a clearance revoked puts it back on hold. */
START_TEST(test_revoked_clearance_holds_again)
{
  char today[11], orders[512];
  const char *imp_c[] = { "import", "customers", NULL, NULL };
  const char *imp_o[] = { "import", "orders", NULL, NULL };
  const char *clear[] = { "screen",
                          "clear",
                          "Moore Threads and Buttons Ltd",
                          "--entry",
                          "d42420ab509767ac",
                          "--reason",
                          "checked",
                          "--reviewer",
                          "alice",
                          NULL };
  const char *revoke[] = { "screen",
                           "revoke",
                           "1",
                           "--reason",
                           "the registry entry was the wrong company",
                           "--reviewer",
                           "bob",
                           NULL };
  const char *ship[] = { "ship", "O-2002", NULL };
  const char *blank[] = { "review", "O-2002",     "--release", "--reason",
                          "ok",     "--reviewer", "   ",       NULL };

  day(0, today);
  imp_c[2] = t_write("c.csv",
                     "name,country,hq_country,parent,"
                     "parent_hq_country,address,role\n"
                     "Moore Threads and Buttons Ltd,GB,GB,,,Leeds,end_user\n");
  snprintf(orders, sizeof(orders),
           "order_id,customer,chip,destination,quantity,ship_date,end_use,"
           "role,packager,export_from_us\nO-2002,Moore Threads and Buttons "
           "Ltd,NVIDIA "
           "L40,GB,8,%s,rendering,distributor,,\n",
           today);
  imp_o[2] = t_write("o.csv", orders);
  free(run(0, imp_c));
  free(run(0, imp_o));
  batch();
  free(run(0, clear));
  batch();
  expect_state("O-2002", "releasable nlr");
  free(run(0, revoke));
  batch();
  expect_state("O-2002", "open hold");
  free(run(65, ship));
  free(run(64, blank)); /* a blank name is not a reviewer */
  verify();
}
END_TEST

/* A review settles a hold, not the NAC notification that also stands. */
START_TEST(test_release_leaves_notify_standing)
{
  char today[11], orders[512], *before, *after, *out = NULL, *err = NULL;
  const char *imp_c[] = { "import", "customers", NULL, NULL };
  const char *imp_o[] = { "import", "orders", NULL, NULL };
  const char *rel[] = {
    "review",     "O-2003", "--release", "--reason", "not the listed company",
    "--reviewer", "alice",  NULL
  };

  day(0, today);
  imp_c[2] = t_write("c.csv",
                     "name,country,hq_country,parent,"
                     "parent_hq_country,address,role\n"
                     "Moore Threads and Buttons Ltd,GB,GB,,,Leeds,end_user\n");
  snprintf(orders, sizeof(orders),
           "order_id,customer,chip,destination,quantity,ship_date,end_use,"
           "role,packager,export_from_us\nO-2003,Moore Threads and Buttons "
           "Ltd,NVIDIA "
           "L40,CN,8,%s,rendering,distributor,,\n",
           today);
  imp_o[2] = t_write("o.csv", orders);
  free(run(0, imp_c));
  free(run(0, imp_o));
  batch();
  expect_state("O-2003", "open hold");
  before = t_db_dump(db_path);
  ck_assert_int_eq(t_run(db_path, &out, &err, rel), 65);
  ck_assert_ptr_nonnull(strstr(err, "EAR.740.8.nac says notify"));
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  free(out);
  free(err);
}
END_TEST

START_TEST(test_license_required_licence_ship)
{
  const char *imp[] = { "import", "licenses", NULL, NULL };
  const char *ship[] = { "ship", "O-1007", NULL };

  expect_state("O-1007", "open license_required");
  imp[2] = t_write("l.csv",
                   "number,customer,kind,eccn,chip,destinations,max_qty,"
                   "valid_from,valid_to,authority,notes\nD1000009,Hanoi Data "
                   "Systems JSC,license,3A090\\.a,NVIDIA "
                   "H100.*,VN,500,2026-01-01,2099-12-31,BIS,walk\n");
  free(run(0, imp));
  batch();
  expect_state("O-1007", "releasable licensed");
  free(run(0, ship));
  expect_state("O-1007", "shipped licensed");
  verify();
}
END_TEST

START_TEST(test_notify_nac_exception_ship)
{
  char filed[11], future[11];
  const char *nac_future[] = { "nac", "O-1015", "--filed", future, NULL };
  const char *nac[] = { "nac",   "O-1015",          "--filed", filed,
                        "--ref", "SNAP-R Z0001234", NULL };
  const char *ship[] = { "ship", "O-1015", NULL };

  day(-26, filed);
  day(3, future);
  expect_state("O-1015", "open notify");
  free(run(64, nac_future)); /* not a date in the future */
  free(run(0, nac));
  batch(); /* 26 days without objection: the NAC exception */
  expect_state("O-1015", "releasable exception");
  free(run(0, ship));
  expect_state("O-1015", "shipped exception");
  verify();
}
END_TEST

START_TEST(test_deny_cancel)
{
  const char *cancel[] = { "cancel", "O-1014", "--reason",
                           "denied: order withdrawn", NULL };
  const char *again[] = { "cancel", "O-1014", "--reason", "again", NULL };

  expect_state("O-1014", "open deny");
  free(run(0, cancel));
  expect_state("O-1014", "cancelled deny");
  free(run(65, again));
  verify();
}
END_TEST

/* orders.state is derived: editing it does not make a denied order ship,
 * since ship reads the current decision from the audit log. */
START_TEST(test_edited_state_does_not_ship)
{
  const char *ship[] = { "ship", "O-1019", NULL };
  char cmd[1024], *out = NULL, *err = NULL;

  expect_state("O-1019", "open deny");
  snprintf(cmd, sizeof(cmd),
           "sqlite3 '%s' \"UPDATE orders SET state = 'releasable' WHERE "
           "order_id = 'O-1019'\"",
           db_path);
  ck_assert_int_eq(system(cmd), 0);
  ck_assert_int_eq(t_run(db_path, &out, &err, ship), 65);
  ck_assert_ptr_nonnull(strstr(err, "disagrees with the log"));
  free(out);
  free(err);
}
END_TEST

/* A hold on unknown facts cannot be released by a person; the block and
 * the refusal are on the record or nothing is written. */
START_TEST(test_review_and_anchor)
{
  const char *rel[] = { "review",     "O-1016",     "--release", "--reason",
                        "looks fine", "--reviewer", "bob",       NULL };
  const char *block[] = {
    "review",     "O-1041", "--block", "--reason", "the listed company itself",
    "--reviewer", "carol",  NULL
  };
  const char *head[] = { "audit", "head", NULL };
  const char *anchor[] = { "audit", "verify", "--anchor", NULL, NULL };
  char *before, *after, *h, cmd[1024];

  before = t_db_dump(db_path);
  free(run(65, rel)); /* held on unknown chip.pd: supply the facts */
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  free(run(0, block));
  expect_state("O-1041", "open hold");
  verify();
  h = run(0, head);
  h[strcspn(h, "\n")] = '\0';
  anchor[3] = h;
  free(run(0, anchor));
  /* someone deletes the newest entry: only the anchor tells */
  snprintf(cmd, sizeof(cmd),
           "sqlite3 '%s' \"PRAGMA foreign_keys = OFF; DROP TRIGGER "
           "decisions_no_delete; DELETE FROM decisions WHERE seq = (SELECT "
           "max(seq) FROM decisions)\"",
           db_path);
  ck_assert_int_eq(system(cmd), 0);
  verify();
  free(run(65, anchor));
  free(h);
}
END_TEST

static Suite *walk_suite(void)
{
  Suite *s = suite_create("walk");
  TCase *tc = tcase_create("paths");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_hold_clear_release_ship);
  tcase_add_test(tc, test_revoked_clearance_holds_again);
  tcase_add_test(tc, test_release_leaves_notify_standing);
  tcase_add_test(tc, test_license_required_licence_ship);
  tcase_add_test(tc, test_notify_nac_exception_ship);
  tcase_add_test(tc, test_deny_cancel);
  tcase_add_test(tc, test_edited_state_does_not_ship);
  tcase_add_test(tc, test_review_and_anchor);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(walk_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
