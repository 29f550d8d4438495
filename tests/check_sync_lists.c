/* check_sync_lists.c -- `sync lists` wired to the real screening module,
 * over real HTTP on loopback: the full CSL replaces the demo's BIS lists,
 * customers are re-screened, new hits hold pending orders and raise
 * party.hit events; failures leave the database exactly as it was. */
#include "helpers.h"
#include "net/netserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static t_server srv;
static char db_path[512];

static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };
  char cmd[2048];

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  snprintf(cmd, sizeof(cmd),
           "cp '%s' '%s/full.csv' && head -n 2000 '%s' > "
           "'%s/small.csv' && printf 'not,a\\n\"csl' > "
           "'%s/bad.csv'",
           t_src("tests/data/csl/csl_full_2026-07-31.csv"), t_tmpdir(),
           t_src("tests/data/csl/csl_full_2026-07-31.csv"), t_tmpdir(),
           t_tmpdir());
  ck_assert_int_eq(system(cmd), 0);
  t_server_start(&srv, NULL);
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

static char *sql1(const char *sql)
{
  char cmd[2048], buf[4096];
  FILE *p;
  size_t n;

  snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", db_path, sql);
  p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  n = fread(buf, 1, sizeof(buf) - 1, p);
  pclose(p);
  buf[n] = '\0';
  while(n && buf[n - 1] == '\n')
    buf[--n] = '\0';
  return strdup(buf);
}

static void expect_sql(const char *sql, const char *want)
{
  char *got = sql1(sql);
  ck_assert_msg(strcmp(got, want) == 0, "%s -> \"%s\", want \"%s\"", sql, got,
                want);
  free(got);
}

static int sync_lists(const char *file, const char *extra, char **out,
                      char **errout)
{
  const char *argv[] = { "sync",     "lists",   "--url", t_url(&srv, file),
                         "--format", "csl-csv", extra,   NULL };
  return t_run(db_path, out, errout, argv);
}

START_TEST(test_sync_full_list_rescreens_and_holds)
{
  const char *cust[] = { "import", "customers",
                         t_write("c.csv",
                                 "name,country\n"
                                 "Wuxi Sophgo Technologies Ltd.,CN\n"),
                         NULL };
  const char *ord[] = { "import", "orders",
                        t_write("o.csv",
                                "order_id,customer,chip,destination,quantity,"
                                "ship_date\nN-1,Wuxi Sophgo Technologies "
                                "Ltd.,NVIDIA A10 PCIe,CN,5,2026-11-26\n"),
                        NULL };
  const char *batch[] = { "batch", "--quiet", NULL };
  char *out = NULL, *before, *after;

  ck_assert_int_eq(t_run(db_path, NULL, NULL, cust), 0);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, ord), 0);
  ck_assert_int_eq(sync_lists("/files/full.csv", NULL, &out, NULL), 0);
  ck_assert_msg(strstr(out, "25921 entries") != NULL, "%s", out);
  free(out);
  expect_sql("SELECT entries FROM list_versions WHERE source = 'csl' AND "
             "current = 1",
             "25921");
  /* The new customer's pending order is held, and the ERP is told. */
  expect_sql("SELECT o.order_id FROM order_holds h JOIN orders o ON o.id = "
             "h.order_id GROUP BY o.order_id",
             "N-1");
  expect_sql("SELECT count(*) > 0 FROM outbox WHERE type = 'party.hit' AND "
             "data LIKE '%N-1%'",
             "1");
  expect_sql("SELECT count(*) FROM outbox WHERE type = 'list.updated'", "1");
  /* The same list again: not modified, nothing changes. */
  before = t_db_dump(db_path);
  ck_assert_int_eq(sync_lists("/files/full.csv", NULL, &out, NULL), 0);
  ck_assert_ptr_nonnull(strstr(out, "not modified"));
  free(out);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  /* The batch decides the held order with the possible hit: a hold
   * (without it, an A10 to China is nlr). */
  ck_assert_int_eq(t_run(db_path, NULL, NULL, batch), 0);
  expect_sql("SELECT d.decision FROM decisions d JOIN orders o ON o.id = "
             "d.order_id WHERE o.order_id = 'N-1'",
             "hold");
}
END_TEST

START_TEST(test_sync_failures_keep_the_list)
{
  char *before, *after, *errout = NULL;

  ck_assert_int_eq(sync_lists("/files/full.csv", NULL, NULL, NULL), 0);
  before = t_db_dump(db_path);
  /* 1,999 entries after 25,921: refused as shrunk. */
  ck_assert_int_eq(sync_lists("/files/small.csv", NULL, NULL, &errout), 65);
  ck_assert_msg(strstr(errout, "shr") != NULL, "%s", errout);
  free(errout);
  ck_assert_int_eq(sync_lists("/files/bad.csv", NULL, NULL, &errout), 65);
  free(errout);
  ck_assert_int_eq(sync_lists("/status/500", NULL, NULL, &errout), 75);
  free(errout);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  /* --force accepts the shrunken list. */
  ck_assert_int_eq(sync_lists("/files/small.csv", "--force", NULL, NULL), 0);
  expect_sql("SELECT entries FROM list_versions WHERE source = 'csl' AND "
             "current = 1",
             "1999");
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("sync_lists");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_sync_full_list_rescreens_and_holds);
  tcase_add_test(tc, test_sync_failures_keep_the_list);
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
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
