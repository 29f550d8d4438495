/* check_faults.c -- the I/O fault sweep: import, batch (with and without
 * reports, and re-decisions under a changed rule pack), sync lists, sync
 * orders and webhook deliver run under chipgate-faulty
 * (tests/fault/faultvfs.c) with the Nth read, write, sync, lock,
 * truncate, shm lock, shm map, open or commit of SQLite failing, or the
 * Nth write of a report file. Each command runs once to count its calls,
 * then once per fault point. After every faulted run:
 *
 * - the exit status is 74 with one line naming what failed ("database
 *   write failed: disk full (PATH)", prefixed by the order or FILE:LINE
 *   it was at), never SQLite's own sentence; or 0 when the fault hit
 *   after the work was committed (the checkpoint when the database is
 *   closed: the WAL holds the commit) or SQLite retried past it; or 75
 *   "database busy" (allowed, not seen: SQLite reports lock failures as
 *   I/O errors). A failed read is an I/O error like any other: exit 74,
 *   never "not found" or "bad data" (65/66), which would send the officer
 *   to fix data that is fine;
 * - PRAGMA integrity_check is ok and the audit chain verifies;
 * - the state (tests/fault/sweep.h, f_digest) is the one before the
 *   command or the one a successful run leaves, never one in between; a
 *   run that exits 0 leaves the latter; a message saying "nothing
 *   recorded" or "recorded" tells the truth;
 * - a report folder holds no temporary file, no report of decisions that
 *   were not recorded, and no report cut short.
 *
 * The points: every call of a kind when it makes few, else an even
 * spread (f_points). CG_FAULT_SWEEP=all sweeps up to 64 points of every
 * kind (minutes; a campaign, not for ctest). */
#include "helpers.h"
#include "fault/sweep.h"
#include "net/netserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* One kind of fault and how many points of it to sweep at most. */
typedef struct plan {
  int kind;        /* F_* */
  const char *mod; /* "" or ":full:persist" etc. */
  int max;         /* points at most */
} plan;

static const plan default_plan[] = { { F_READ, "", 4 },
                                     { F_WRITE, "", 5 },
                                     { F_WRITE, ":full:persist", 3 },
                                     { F_SYNC, "", 2 },
                                     { F_LOCK, "", 1 },
                                     { F_TRUNCATE, "", 1 },
                                     { F_SHMLOCK, "", 2 },
                                     { F_SHMMAP, "", 1 },
                                     { F_OPEN, "", 2 },
                                     { F_FILEWRITE, "", 3 },
                                     { F_FILEWRITE, ":full:persist", 1 },
                                     { F_COMMIT, ":full", 2 },
                                     { -1, NULL, 0 } };

/* Defects the sweep found and that are not fixed yet: tolerated with a
 * loud line so the suite stays green until the fix lands; remove each
 * entry with its fix. (The first ones, country checks that took a failed
 * read for "unknown country", exit 65, are fixed in src/model.) */
static const struct pending {
  int rc;          /* the exit status it gives */
  const char *msg; /* a piece of its message */
  const char *fix; /* where the fix goes */
} pending_fixes[] = { { 0, NULL, NULL } };

static int pending_fix(const char *what, int rc, const char *msg)
{
  int k;

  for(k = 0; pending_fixes[k].msg; k++)
    if(rc == pending_fixes[k].rc && strstr(msg, pending_fixes[k].msg)) {
      printf("faults: NOT FIXED YET (%s): %s: exit %d: %s",
             pending_fixes[k].fix, what, rc, msg);
      return 1;
    }
  return 0;
}

/* One command swept. */
typedef struct sweep {
  const char *name;        /* for messages */
  const char *base;        /* the database before (left untouched) */
  const char *const *argv; /* the command */
  const char *out_dir;     /* its report folder, or NULL */
  int reports;             /* files a successful run writes there */
} sweep;

/* What the faulted runs of one sweep did. */
typedef struct tally {
  int points, exit0, exit74, exit75, before, after, missed;
} tally;

static t_server srv;

static const char *const raw_sqlite[] = { "disk I/O error",
                                          "database or disk is full",
                                          "unable to open database file",
                                          "database is locked",
                                          "locking protocol",
                                          NULL };

/* The error line of a failed run: one line, chipgate's words. */
static void check_message(const char *what, int rc, const char *msg)
{
  size_t n = strlen(msg);
  int k;

  ck_assert_msg(
      n > 0 && msg[n - 1] == '\n' && strchr(msg, '\n') == msg + n - 1,
      "%s: exit %d: want one line on stderr, got \"%s\"", what, rc, msg);
  ck_assert_msg(strncmp(msg, "chipgate: ", 10) == 0, "%s: \"%s\"", what, msg);
  for(k = 0; raw_sqlite[k]; k++)
    ck_assert_msg(!strstr(msg, raw_sqlite[k]),
                  "%s: exit %d: SQLite's own words: \"%s\"", what, rc, msg);
  if(rc == 74)
    ck_assert_msg(strstr(msg, "I/O error") || strstr(msg, "disk full") ||
                      strstr(msg, "write failed"),
                  "%s: exit 74 without saying I/O error or disk full: "
                  "\"%s\"",
                  what, msg);
  else
    ck_assert_msg(strstr(msg, "database busy, try again"),
                  "%s: exit 75 without \"database busy, try again\": \"%s\"",
                  what, msg);
}

/* The checks of one faulted run (see the top of this file). */
static void check_run(const sweep *s, const char *work, const char *fault,
                      int rc, const f_counts *c, const char *msg,
                      const char *before, const char *after, tally *t)
{
  char what[200];
  char *state = f_digest(work);
  int is_before = strcmp(state, before) == 0;
  int is_after = strcmp(state, after) == 0, files, tmp;

  snprintf(what, sizeof(what), "%s with CG_FAULT=%s", s->name, fault);
  f_verify(work, what);
  t->points++;
  t->missed += !c->fired;
  if(getenv("CG_FAULT_VERBOSE"))
    printf("%s: exit %d, %s: %s", what, rc,
           is_after    ? "after"
           : is_before ? "before"
                       : "between",
           *msg ? msg : "\n");
  if(is_before && pending_fix(what, rc, msg)) {
    free(state);
    return;
  }
  ck_assert_msg(rc == 0 || rc == 74 || rc == 75, "%s: exit %d: %s", what, rc,
                msg);
  if(rc == 0) {
    t->exit0++;
    ck_assert_msg(is_after,
                  "%s: exit 0 but the state is not a successful "
                  "run's (%s)",
                  what, f_diff(state, after));
  }
  else {
    check_message(what, rc, msg);
    ck_assert_msg(is_before || is_after,
                  "%s: exit %d (%s) left a state between before and after "
                  "(first difference from before: %s)",
                  what, rc, msg, f_diff(state, before));
    /* What it says it recorded is what it recorded. */
    if(strstr(msg, "nothing recorded") || strstr(msg, "nothing imported"))
      ck_assert_msg(is_before, "%s: says nothing recorded: %s", what, msg);
    else if(strstr(msg, " recorded "))
      ck_assert_msg(is_after, "%s: says recorded, was not: %s", what, msg);
    t->exit74 += rc == 74;
    t->exit75 += rc == 75;
  }
  t->before += is_before && !is_after;
  t->after += is_after;
  if(s->out_dir) {
    files = f_dir_files(s->out_dir, &tmp);
    ck_assert_msg(tmp == 0, "%s: %d temporary files left in %s", what, tmp,
                  s->out_dir);
    ck_assert_msg(!is_before || is_after || files == 0,
                  "%s: %d reports written of decisions that were not "
                  "recorded",
                  what, files);
    if(rc == 0)
      ck_assert_int_eq(files, s->reports);
    f_reports_whole(s->out_dir, what);
  }
  free(state);
}

/* Runs s once without a fault (counting), then at every point of plan.
 * Returns what the faulted runs did. */
static tally run_sweep(const sweep *s, const plan *pl)
{
  const char *work = t_tmp("work.db");
  char fault[80], *before, *after, *msg = NULL;
  f_counts ref, c;
  long pts[64];
  int all =
      getenv("CG_FAULT_SWEEP") && !strcmp(getenv("CG_FAULT_SWEEP"), "all");
  int rc, i, k, n;
  tally t = { 0 };

  f_copy(s->base, work);
  before = f_digest(work);
  if(s->out_dir)
    f_rm_dir(s->out_dir);
  rc = f_run(work, NULL, &ref, &msg, s->argv);
  ck_assert_msg(rc == 0, "%s without a fault: exit %d: %s", s->name, rc, msg);
  free(msg);
  after = f_digest(work);
  f_verify(work, s->name);
  ck_assert_msg(strcmp(before, after) != 0, "%s changed nothing", s->name);
  for(i = 0; pl[i].kind >= 0; i++) {
    n = f_points(ref.n[pl[i].kind], all ? 64 : pl[i].max, pts);
    for(k = 0; k < n; k++) {
      snprintf(fault, sizeof(fault), "%s:%ld%s", f_kind_names[pl[i].kind],
               pts[k], pl[i].mod);
      f_copy(s->base, work);
      if(s->out_dir)
        f_rm_dir(s->out_dir);
      rc = f_run(work, fault, &c, &msg, s->argv);
      check_run(s, work, fault, rc, &c, msg, before, after, &t);
      free(msg);
    }
  }
  printf("faults: %-28s %3d points (exit 0: %d, 74: %d, 75: %d; state "
         "before: %d, after: %d; fault not reached: %d)\n",
         s->name, t.points, t.exit0, t.exit74, t.exit75, t.before, t.after,
         t.missed);
  free(before);
  free(after);
  return t;
}

/* ===== the databases the commands start from ==============================
 */

/* Runs the shipped binary; fails the test unless it exits 0. */
static void cli(const char *db, const char *const *argv)
{
  char *err = NULL;
  int rc = t_run(db, NULL, &err, argv);

  ck_assert_msg(rc == 0, "%s %s: exit %d: %s", argv[0], argv[1], rc, err);
  free(err);
}

/* t_tmp(name) copied, as the buffers rotate; freed by teardown. */
static char *kept[32];
static int nkept;

static const char *keep(const char *name)
{
  ck_assert_int_lt(nkept, 32);
  kept[nkept] = strdup(t_tmp(name));
  return kept[nkept++];
}

/* init only. */
static const char *db_empty(void)
{
  const char *db = keep("empty.db");
  const char *init[] = { "init", NULL };

  cli(db, init);
  return db;
}

/* Chips (Epoch's list), the demo's customers and licences. */
static const char *db_parties(void)
{
  const char *db = keep("parties.db");
  const char *chips[] = {
    "import",   "chips", t_src("db/seed/epoch_ml_hardware.csv"),
    "--format", "epoch", NULL
  };
  const char *cust[] = { "import", "customers",
                         t_src("db/seed/demo_customers.csv"), NULL };
  const char *lic[] = { "import", "licenses",
                        t_src("db/seed/demo_licenses.csv"), NULL };

  f_copy(db_empty(), db);
  cli(db, chips);
  cli(db, cust);
  cli(db, lic);
  return db;
}

/* ... and the demo's 41 orders, pending. */
static const char *db_pending(void)
{
  const char *db = keep("pending.db");
  const char *orders[] = { "import", "orders",
                           t_src("db/seed/demo_orders.csv"), NULL };

  f_copy(db_parties(), db);
  cli(db, orders);
  return db;
}

/* ... decided by a batch. */
static const char *db_decided(void)
{
  const char *db = keep("decided.db");
  const char *batch[] = { "batch", "--quiet", NULL };

  f_copy(db_pending(), db);
  cli(db, batch);
  return db;
}

static void teardown(void)
{
  while(nkept > 0)
    free(kept[--nkept]);
  f_rules = NULL;
  t_tmp_cleanup();
}

/* ===== import =============================================================
 */

START_TEST(test_import_faults)
{
  const char *empty = db_empty(), *parties = db_parties();
  const char *cust_db = keep("cust.db");
  const char *chips[] = {
    "import",   "chips", t_src("db/seed/epoch_ml_hardware.csv"),
    "--format", "epoch", NULL
  };
  const char *cust[] = { "import", "customers",
                         t_src("db/seed/demo_customers.csv"), NULL };
  const char *lic[] = { "import", "licenses",
                        t_src("db/seed/demo_licenses.csv"), NULL };
  const char *orders[] = { "import", "orders",
                           t_src("db/seed/demo_orders.csv"), NULL };
  sweep s[] = { { "import chips", empty, chips, NULL, 0 },
                { "import customers", empty, cust, NULL, 0 },
                { "import licenses", cust_db, lic, NULL, 0 },
                { "import orders", parties, orders, NULL, 0 } };
  size_t i;

  f_copy(empty, cust_db);
  cli(cust_db, cust);
  for(i = 0; i < sizeof(s) / sizeof(s[0]); i++)
    run_sweep(&s[i], default_plan);
}
END_TEST

/* ===== batch ==============================================================
 */

START_TEST(test_batch_faults)
{
  const char *pending = db_pending();
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *out = keep("reports");
  const char *with_out[] = { "batch", "--quiet", "--out", out, NULL };
  sweep plain = { "batch", pending, batch, NULL, 0 };
  sweep reports = { "batch --out", pending, with_out, out, 4 };

  run_sweep(&plain, default_plan);
  run_sweep(&reports, default_plan);
}
END_TEST

/* Runs sql on the database at path (the test's own connection). */
static void sql_exec(const char *path, const char *sql)
{
  sqlite3 *sq = NULL;
  char *msg = NULL;

  ck_assert_int_eq(sqlite3_open(path, &sq), SQLITE_OK);
  ck_assert_msg(sqlite3_exec(sq, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s",
                sql, msg);
  sqlite3_close(sq);
}

/* The text of a one-value query. */
static void expect_sql(const char *path, const char *sql, const char *want)
{
  sqlite3 *sq = NULL;
  sqlite3_stmt *st = NULL;
  const char *got;

  ck_assert_int_eq(sqlite3_open(path, &sq), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(sq, sql, -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  got = (const char *)sqlite3_column_text(st, 0);
  ck_assert_msg(got && strcmp(got, want) == 0, "%s -> %s, want %s", sql,
                got ? got : "NULL", want);
  sqlite3_finalize(st);
  sqlite3_close(sq);
}

/* 656 pending orders take two transactions (512 + 144); the second's
 * commit fails. The first stays recorded, and the batch row says exactly
 * that: 512 decided, finished when the database lets the batch mark it
 * (a one-off fault), unfinished but with the right count when it does
 * not (a disk that stays full). The next batch decides the rest. */
START_TEST(test_batch_second_commit_fails)
{
  const char *base = keep("many.db"), *db = keep("many-run.db");
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *faults[] = { "commit:2:full", "commit:2:full:persist" };
  const char *finished[] = { "512|1", "512|0" };
  char *msg = NULL;
  f_counts c;
  int k;

  f_copy(db_pending(), base);
  sql_exec(base,
           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
           "WHERE i < 15) INSERT INTO orders(order_id, customer_id, chip_id, "
           "destination, quantity, ship_date, end_use, role, packager, "
           "export_from_us) SELECT printf('M-%02d-', n.i) || o.order_id, "
           "customer_id, chip_id, destination, quantity, ship_date, end_use, "
           "role, packager, export_from_us FROM orders o, n");
  for(k = 0; k < 2; k++) {
    f_copy(base, db);
    ck_assert_int_eq(f_run(db, faults[k], &c, &msg, batch), 74);
    ck_assert(c.fired);
    ck_assert_msg(strstr(msg, "batch 1: stopped after recording 512 "
                              "decisions (run batch again for the rest; "
                              "report --batch 1 for their report): database "
                              "write failed: disk full"),
                  "%s: %s", faults[k], msg);
    free(msg);
    free(f_digest(db)); /* integrity_check */
    f_verify(db, faults[k]);
    expect_sql(db, "SELECT count(*) FROM decisions WHERE batch_id = 1", "512");
    expect_sql(db,
               "SELECT decided || '|' || (finished_at IS NOT NULL) FROM "
               "batches",
               finished[k]);
    expect_sql(db, "SELECT count(*) FROM orders WHERE state = 'pending'",
               "144");
  }
  ck_assert_int_eq(f_run(db, NULL, NULL, NULL, batch), 0);
  expect_sql(db, "SELECT count(*) FROM orders WHERE state = 'pending'", "0");
  expect_sql(db,
             "SELECT count(DISTINCT order_id) || '|' || count(*) FROM "
             "decisions",
             "656|656");
  f_verify(db, "the batch after");
}
END_TEST

/* Every open order decided again under a changed rule pack (another
 * ruleset hash): the licence give-backs, new draws and superseding
 * decisions of 41 orders in one transaction. */
START_TEST(test_recheck_faults)
{
  const char *decided = db_decided();
  const char *recheck[] = { "batch", "--quiet", "--recheck-all", NULL };
  sweep s = { "batch --recheck-all", decided, recheck, NULL, 0 };
  char cmd[1400];

  f_rules = keep("rules2");
  snprintf(
      cmd, sizeof(cmd),
      "cp -r '%s' '%s' && echo '# changed' >> '%s/us-ear/20-license.rules'",
      t_src("rules"), f_rules, f_rules);
  ck_assert_int_eq(system(cmd), 0);
  run_sweep(&s, default_plan);
}
END_TEST

/* ===== sync and webhook deliver (loopback server) =========================
 */

static void server_up(void)
{
  const char *args[] = { "--record", NULL, "--secret-file", NULL, NULL };

  args[1] = t_tmp("record.jsonl");
  args[3] = t_write("hook.secret", SECRET "\n");
  chmod(args[3], 0600);
  t_server_start(&srv, args);
}

static void server_down(void)
{
  t_server_stop(&srv);
  teardown();
}

/* A CSL CSV of n parties named from `first`, plus one named extra. */
static const char *write_list(const char *file, int first, int n,
                              const char *extra)
{
  FILE *f = fopen(t_tmp(file), "w");
  int i;

  ck_assert_ptr_nonnull(f);
  fputs("_id,name,source\n", f);
  for(i = first; i < first + n; i++)
    fprintf(f, "%d,Party %03d,Entity List\n", i, i);
  if(extra)
    fprintf(f, "x,\"%s\",Entity List\n", extra);
  fclose(f);
  return t_tmp(file);
}

/* A list of 20 replaced by one of 21 that names a customer with open
 * orders: the replace, the index rebuild, the re-screening and the holds
 * in one transaction. */
START_TEST(test_sync_lists_faults)
{
  const char *db = keep("lists.db");
  const char *imp[] = { "import", "parties", NULL, "--source", "csl", NULL };
  const char *argv[] = { "sync",     "lists", "--url", NULL,
                         "--source", "csl",   NULL };
  sweep s = { "sync lists", db, argv, NULL, 0 };

  f_copy(db_decided(), db);
  imp[2] = write_list("v1.csv", 0, 20, NULL);
  cli(db, imp);
  write_list("v2.csv", 5, 20, "Moore Threads Technology Co Ltd");
  argv[3] = t_url(&srv, "/files/v2.csv");
  run_sweep(&s, default_plan);
}
END_TEST

START_TEST(test_sync_orders_faults)
{
  const char *argv[] = { "sync", "orders", "--url", NULL, NULL };
  sweep s = { "sync orders", db_parties(), argv, NULL, 0 };

  t_write("orders.json",
          "[{\"order_id\": \"S-1\", \"customer\": \"Riyadh AI Labs\", "
          "\"chip\": \"NVIDIA H100 SXM5 80GB\", \"destination\": \"SA\", "
          "\"quantity\": 8, \"ship_date\": \"2026-12-01\"},\n"
          " {\"order_id\": \"S-2\", \"customer\": \"Sakura Research KK\", "
          "\"chip\": \"Google TPU v4\", \"destination\": \"JP\", "
          "\"quantity\": 64, \"ship_date\": \"2026-12-02\"}]\n");
  argv[3] = t_url(&srv, "/files/orders.json");
  run_sweep(&s, default_plan);
}
END_TEST

/* One decision.made event due to one endpoint: the attempt, the
 * delivery's status and the event in one transaction. */
START_TEST(test_webhook_deliver_faults)
{
  const char *db = keep("hook.db");
  const char *add[] = { "webhook", "add", NULL, "--secret-file", NULL, NULL };
  const char *imp[] = { "import", "orders", NULL, NULL };
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *argv[] = { "webhook", "deliver", "--max-time", "20", NULL };
  sweep s = { "webhook deliver", db, argv, NULL, 0 };

  f_copy(db_parties(), db);
  add[2] = t_url(&srv, "/hook");
  add[4] = t_tmp("hook.secret");
  cli(db, add);
  imp[2] = t_write("one.csv",
                   "order_id,customer,chip,destination,quantity,ship_date\n"
                   "W-1,Riyadh AI Labs,NVIDIA H100 SXM5 80GB,SA,8,"
                   "2026-12-01\n");
  cli(db, imp);
  cli(db, batch);
  run_sweep(&s, default_plan);
}
END_TEST

static Suite *faults_suite(void)
{
  Suite *s = suite_create("faults");
  TCase *local = tcase_create("local");
  TCase *net = tcase_create("net");

  tcase_add_checked_fixture(local, NULL, teardown);
  tcase_set_timeout(local, 600);
  tcase_add_test(local, test_import_faults);
  tcase_add_test(local, test_batch_faults);
  tcase_add_test(local, test_recheck_faults);
  tcase_add_test(local, test_batch_second_commit_fails);
  suite_add_tcase(s, local);
  tcase_add_checked_fixture(net, server_up, server_down);
  tcase_set_timeout(net, 600);
  tcase_add_test(net, test_sync_lists_faults);
  tcase_add_test(net, test_sync_orders_faults);
  tcase_add_test(net, test_webhook_deliver_faults);
  suite_add_tcase(s, net);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(faults_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
