/* check_batch.c -- decisions end to end on the demo data: check's exit
 * codes and JSON, batch outcomes, licence draw-down, the audit chain and
 * its tamper detection, re-runs, and SIGKILL at seeded, replayable points
 * (CG_CRASH_SEED; tests/check_crash.c has the full crash scenarios). */
#include "helpers.h"

#include "core/json.h"
#include "decide/batch.h"
#include "decide/decide.h"
#include "decide/decision.h"
#include "rules/rules.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

static char db_path[512];

/* A fresh demo database (40 orders decided by the demo's own batch). */
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

static char *sql1(const char *sql)
{
  char cmd[2048];
  FILE *p;
  char buf[4096];
  size_t n;

  snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", db_path, sql);
  p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  n = fread(buf, 1, sizeof(buf) - 1, p);
  pclose(p);
  buf[n] = '\0';
  while(n && (buf[n - 1] == '\n'))
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

static void expect_decision(const char *order, const char *want)
{
  char sql[256];

  snprintf(sql, sizeof(sql),
           "SELECT d.decision FROM decisions d JOIN orders o ON o.id = "
           "d.order_id WHERE o.order_id = '%s'",
           order);
  expect_sql(sql, want);
}

START_TEST(test_demo_outcomes)
{
  expect_sql("SELECT count(*) FROM decisions", "41");
  expect_decision("O-1001", "nlr");              /* H100 to Sweden */
  expect_decision("O-1006", "licensed");         /* licence D1000001 */
  expect_decision("O-1007", "license_required"); /* licence too small */
  expect_decision("O-1008", "exception");        /* 3A090.b to VN: ACA */
  expect_decision("O-1014", "deny");             /* H100 to China */
  expect_decision("O-1015", "notify");           /* 3A090.b to China: NAC */
  expect_decision("O-1016", "hold");             /* unknown PD to China */
  expect_decision("O-1004", "nlr");              /* the same chip to Germany */
  expect_decision("O-1018", "licensed");         /* H200 band, held licence */
  expect_decision("O-1021", "deny");             /* parent HQ'd in China */
  expect_decision("O-1025", "deny");             /* Cambodia in D:5 in 2025 */
  expect_decision("O-1026", "license_required"); /* ... D:1 only now */
  expect_decision("O-1031", "deny");             /* foundry presumption */
  expect_decision("O-1032", "nlr");              /* ... overcome: packaged
                                                    outside, < 30 B xtors */
}
END_TEST

START_TEST(test_license_drawdown)
{
  /* Usage equals the quantities of licensed decisions, per licence. */
  expect_sql("SELECT sum(quantity) FROM license_usage", "300");
  expect_sql("SELECT group_concat(l.number || '=' || u.quantity) FROM "
             "license_usage u JOIN licenses l ON l.id = u.license_id "
             "ORDER BY l.number",
             "D1000001=200,D1000002=60,D1000003=40");
}
END_TEST

START_TEST(test_audit_verify_and_tamper)
{
  const char *verify[] = { "audit", "verify", NULL };
  char *out = NULL, *errout = NULL;

  ck_assert_int_eq(t_run(db_path, &out, NULL, verify), 0);
  ck_assert_ptr_nonnull(strstr(out, "41 decisions"));
  free(out);
  /* The triggers refuse changes... */
  free(sql1("UPDATE decisions SET decision = 'nlr' WHERE seq = 14"));
  expect_sql("SELECT decision FROM decisions WHERE seq = 14", "deny");
  /* ... so a tamperer drops them first; verify still catches it. */
  free(sql1("DROP TRIGGER decisions_no_update; UPDATE decisions SET doc = "
            "replace(doc, '\\\"decision\\\":\\\"deny\\\"', "
            "'\\\"decision\\\":\\\"nlr\\\"') WHERE seq = 14"));
  ck_assert_int_eq(t_run(db_path, NULL, &errout, verify), 65);
  ck_assert_msg(strstr(errout, "decision 14 (order O-1014)") != NULL, "%s",
                errout);
  free(errout);
}
END_TEST

START_TEST(test_audit_delete_caught)
{
  const char *verify[] = { "audit", "verify", NULL };
  char *errout = NULL;

  free(sql1("DROP TRIGGER decisions_no_delete; DELETE FROM decisions WHERE "
            "seq = 5"));
  ck_assert_int_eq(t_run(db_path, NULL, &errout, verify), 65);
  ck_assert_msg(strstr(errout, "decision 6") != NULL, "%s", errout);
  free(errout);
}
END_TEST

START_TEST(test_rerun_decides_nothing_twice)
{
  const char *batch[] = { "batch", "--quiet", NULL };

  ck_assert_int_eq(t_run(db_path, NULL, NULL, batch), 0);
  expect_sql("SELECT count(*) FROM decisions", "41");
  expect_sql("SELECT count(*) FROM orders WHERE status = 'pending'", "0");
}
END_TEST

/* The number of KIND calls a chipgate-faulty run counted in path. */
static long counted(const char *path, const char *kind)
{
  char *s = t_slurp(path), *p;
  long n = -1;
  size_t k = strlen(kind);

  ck_assert_msg(s != NULL, "no fault count in %s", path);
  for(p = s; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if(strncmp(p, kind, k) == 0 && p[k] == ' ')
      n = atol(p + k + 1);
  free(s);
  ck_assert_msg(n >= 0, "no %s count in %s", kind, path);
  return n;
}

/* Runs chipgate-faulty with argv `runs` times on the database, each
 * killed just before its Nth SQLite write (or, one time in five, sync):
 * N seeded from CG_CRASH_SEED (printed), so the runs replay exactly. A
 * run that ends before its point must have made fewer such calls.
 * Returns how many runs were killed. */
static int kill_runs(const char *const *argv, int runs, long max_write,
                     const char *what)
{
  uint64_t seed = t_env_u64("CG_CRASH_SEED", 0x5eedc0ffee12ULL);
  t_rng rng = { seed };
  char fault[64], count[600];
  const char *env[] = { fault, count, NULL };
  int i, killed = 0;

  snprintf(count, sizeof(count), "CG_FAULT_COUNT=%s", t_tmp("kill.count"));
  for(i = 0; what[i]; i++)
    rng.s = (rng.s ^ (unsigned char)what[i]) * 1099511628211ULL;
  for(i = 0; i < runs; i++) {
    int sync = t_rng_range(&rng, 0, 4) == 0;
    long n = (long)t_rng_range(&rng, 1, sync ? 3 : (uint64_t)max_write);
    char *errout = NULL;
    int st;

    snprintf(fault, sizeof(fault), "CG_FAULT=kill:%s:%ld",
             sync ? "sync" : "write", n);
    unlink(count + strlen("CG_FAULT_COUNT="));
    st = t_run_env(CG_FAULTY_BINARY, db_path, env, NULL, &errout, argv);
    printf("%s: CG_CRASH_SEED=0x%llx run %d: %s: %s\n", what,
           (unsigned long long)seed, i + 1, fault,
           st == 128 + SIGKILL ? "killed" : "ended first");
    if(st == 128 + SIGKILL)
      killed++;
    else {
      ck_assert_msg(st == 0, "%s: CG_CRASH_SEED=0x%llx %s: exit %d: %s", what,
                    (unsigned long long)seed, fault, st, errout);
      ck_assert_msg(counted(count + strlen("CG_FAULT_COUNT="),
                            sync ? "sync" : "write") < n,
                    "%s: CG_CRASH_SEED=0x%llx %s: not killed", what,
                    (unsigned long long)seed, fault);
    }
    free(errout);
  }
  fflush(stdout);
  return killed;
}

/* Kill the batch at random points; every order must end up decided
 * exactly once, the chain intact and licence usage consistent. */
START_TEST(test_sigkill_at_random_points)
{
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *verify[] = { "audit", "verify", NULL };
  int killed;

  /* 6,150 more orders: the demo's 41, repeated with new ids. */
  free(sql1("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 150) INSERT INTO orders(order_id, customer_id, "
            "chip_id, destination, quantity, ship_date, end_use, role, "
            "packager, export_from_us) SELECT printf('R-%05d-', n.i) || "
            "o.order_id, customer_id, chip_id, destination, quantity, "
            "ship_date, end_use, role, packager, export_from_us FROM orders "
            "o, n"));
  expect_sql("SELECT count(*) FROM orders WHERE status = 'pending'", "6150");
  /* A batch writes its decisions to the WAL when it commits (every 512):
   * a kill at one of the first 4,000 writes tears the first, second or
   * third commit, so each run gets at most about 1,500 of the 6,150
   * orders done and most runs die. (tests/check_crash.c kills at points
   * over whole runs.) */
  killed = kill_runs(batch, 6, 4000, "SIGKILL during batch");
  printf("SIGKILL test: %d of 6 runs killed mid-way\n", killed);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, batch), 0);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, verify), 0);
  expect_sql("SELECT count(*) FROM orders WHERE status = 'pending'", "0");
  expect_sql("SELECT count(*) = count(DISTINCT order_id) AND count(*) = "
             "(SELECT count(*) FROM orders) FROM decisions",
             "1");
  /* Licence usage matches the licensed decisions exactly. */
  expect_sql("SELECT (SELECT coalesce(sum(quantity), 0) FROM license_usage) "
             "= (SELECT coalesce(sum(o.quantity), 0) FROM decisions d JOIN "
             "orders o ON o.id = d.order_id WHERE d.decision = 'licensed')",
             "1");
  expect_sql("SELECT count(*) FROM license_usage u JOIN decisions d ON "
             "d.order_id = u.order_id WHERE d.decision != 'licensed'",
             "0");
  /* And no licence is over-drawn. */
  expect_sql("SELECT count(*) FROM licenses l WHERE max_qty < (SELECT "
             "coalesce(sum(quantity), 0) FROM license_usage u WHERE "
             "u.license_id = l.id)",
             "0");
}
END_TEST

/* A new rule pack makes every open order's inputs change: the batch that
 * re-decides them is killed at random points, then run to the end. No
 * open order may be decided twice under the new pack, none may be left
 * behind, and the chain and licence usage must stay consistent. */
START_TEST(test_sigkill_while_redeciding)
{
  const char *verify[] = { "audit", "verify", NULL };
  const char *batch[] = { "batch", "--quiet", NULL };
  char rules[512], cmd[1200];
  const char *final[] = { "--rules", rules, "batch", "--quiet", NULL };
  char *open_before;
  int killed;

  free(sql1("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 60) INSERT INTO orders(order_id, customer_id, "
            "chip_id, destination, quantity, ship_date, end_use, role, "
            "packager, export_from_us) SELECT printf('K-%05d-', n.i) || "
            "o.order_id, customer_id, chip_id, destination, quantity, "
            "ship_date, end_use, role, packager, export_from_us FROM orders "
            "o, n"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, batch), 0);
  open_before = sql1("SELECT count(*) FROM orders WHERE state = 'open'");
  ck_assert_int_gt(atoi(open_before), 1000);
  /* the same rules with one more comment: another ruleset hash */
  snprintf(rules, sizeof(rules), "%s", t_tmp("rules2"));
  snprintf(
      cmd, sizeof(cmd),
      "cp -r '%s' '%s' && echo '# changed' >> '%s/us-ear/20-license.rules'",
      t_src("rules"), rules, rules);
  ck_assert_int_eq(system(cmd), 0);
  killed = kill_runs(final, 5, 4000, "SIGKILL while re-deciding");
  printf("SIGKILL while re-deciding: %d of 5 runs killed mid-way\n", killed);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, final), 0);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, verify), 0);
  /* every order open before was decided again under the new pack, once */
  expect_sql("SELECT count(*) FROM (SELECT d.order_id FROM decisions d JOIN "
             "decisions c ON c.seq = (SELECT max(seq) FROM decisions WHERE "
             "kind = 'decision') GROUP BY d.order_id HAVING sum(d.kind = "
             "'decision' AND json_extract(d.doc, '$.ruleset') = "
             "json_extract(c.doc, '$.ruleset')) > 1)",
             "0");
  expect_sql("SELECT count(*) FROM orders o JOIN decisions d ON d.seq = "
             "o.current_seq WHERE o.state = 'open' AND json_extract(d.doc, "
             "'$.ruleset') != (SELECT json_extract(doc, '$.ruleset') FROM "
             "decisions ORDER BY seq DESC LIMIT 1)",
             "0");
  /* a second run finds nothing left to do, and records no batch */
  {
    char *out = NULL, *before = sql1("SELECT count(*) FROM batches");
    ck_assert_int_eq(t_run(db_path, &out, NULL, final), 0);
    free(out);
    expect_sql("SELECT count(*) FROM batches", before);
    free(before);
  }
  expect_sql("SELECT count(*) FROM batches b WHERE NOT EXISTS (SELECT 1 "
             "FROM decisions d WHERE d.batch_id = b.id)",
             "0");
  /* licences: an order's net draw is positive only if it is licensed */
  expect_sql("SELECT count(*) FROM (SELECT u.order_id, sum(u.quantity) q "
             "FROM license_usage u GROUP BY u.order_id) x JOIN orders o ON "
             "o.id = x.order_id JOIN decisions d ON d.seq = o.current_seq "
             "WHERE (x.q > 0) != (d.decision = 'licensed')",
             "0");
  free(open_before);
}
END_TEST

/* Two batches at once over the same pending orders: each order is
 * decided exactly once, by one of them. */
START_TEST(test_two_batches_at_once)
{
  char *args[] = {
    (char *)CG_BINARY, "--db", db_path, "batch", "--quiet", NULL
  };
  const char *verify[] = { "audit", "verify", NULL };
  pid_t pid[2];
  int i, st;

  free(sql1("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 40) INSERT INTO orders(order_id, customer_id, "
            "chip_id, destination, quantity, ship_date, end_use, role, "
            "packager, export_from_us) SELECT printf('C-%05d-', n.i) || "
            "o.order_id, customer_id, chip_id, destination, quantity, "
            "ship_date, end_use, role, packager, export_from_us FROM orders "
            "o, n"));
  for(i = 0; i < 2; i++) {
    pid[i] = fork();
    ck_assert_int_ge(pid[i], 0);
    if(pid[i] == 0) {
      int devnull = open("/dev/null", 1);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execv(CG_BINARY, args);
      _exit(127);
    }
  }
  for(i = 0; i < 2; i++) {
    ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
    ck_assert_msg(WIFEXITED(st) &&
                      (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 75),
                  "batch %d: status %d", i, st);
  }
  {
    const char *batch[] = { "batch", "--quiet", NULL };
    ck_assert_int_eq(t_run(db_path, NULL, NULL, batch), 0);
  }
  ck_assert_int_eq(t_run(db_path, NULL, NULL, verify), 0);
  expect_sql("SELECT count(*) FROM orders WHERE status = 'pending'", "0");
  expect_sql("SELECT count(*) FROM (SELECT order_id FROM decisions WHERE "
             "kind = 'decision' GROUP BY order_id HAVING count(*) > 1)",
             "0");
}
END_TEST

/* ---- check ------------------------------------------------------------ */

static int check(const char *chip, const char *customer, const char *dest,
                 const char *extra, char **out, char **errout)
{
  const char *argv[24];
  int n = 0;

  argv[n++] = "check";
  argv[n++] = "--chip";
  argv[n++] = chip;
  argv[n++] = "--customer";
  argv[n++] = customer;
  argv[n++] = "--dest";
  argv[n++] = dest;
  argv[n++] = "--from-us";
  argv[n++] = "no";
  argv[n++] = "--date"; /* the answers below are as of this day */
  argv[n++] = "2026-11-26";
  if(extra) {
    argv[n++] = extra;
    argv[n++] = extra[2] == 'f' ? "json" : "2026-11-26";
  }
  argv[n] = NULL;
  return t_run(db_path, out, errout, argv);
}

START_TEST(test_check_exit_codes_and_json)
{
  char *out = NULL;
  cg_json *doc = NULL, *rules;
  cg_error err = { 0 };
  char *before = t_db_dump(db_path), *after;
  size_t i;
  int saw_cite = 0;

  ck_assert_int_eq(check("NVIDIA H100 SXM5 80GB", "Nordic AI Cloud AB", "SE",
                         NULL, NULL, NULL),
                   0);
  ck_assert_int_eq(check("NVIDIA L40", "Beijing Zhiyuan Compute Co. Ltd.",
                         "CN", NULL, NULL, NULL),
                   10);
  ck_assert_int_eq(check("NVIDIA H100 SXM5 80GB",
                         "Beijing Zhiyuan Compute Co. Ltd.", "CN", "--format",
                         &out, NULL),
                   20);
  ck_assert_cg_ok(cg_json_parse(&doc, out, strlen(out), "check", &err), &err);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(doc, "decision")), "deny");
  {
    /* The decision's bytes, one line: they read back and re-write to
     * exactly what was printed. */
    cg_decision dn;
    char *again = NULL;
    size_t len = 0, n = strlen(out);
    ck_assert_int_eq(out[n - 1], '\n');
    ck_assert_ptr_eq(strchr(out, '\n'), out + n - 1);
    ck_assert_cg_ok(cg_decision_parse(out, n - 1, &dn, &err), &err);
    ck_assert_int_eq(dn.decision, CG_OUT_DENY);
    ck_assert_ptr_null(dn.decided_at); /* check records nothing */
    ck_assert_cg_ok(cg_decision_write(&dn, &again, &len, &err), &err);
    ck_assert_uint_eq(len, n - 1);
    ck_assert(memcmp(again, out, len) == 0);
    free(again);
    cg_decision_clear(&dn);
  }
  ck_assert_str_eq(
      cg_json_string_value(cg_json_get(cg_json_get(doc, "chip"), "eccn")),
      "3A090.a");
  ck_assert_ptr_nonnull(
      strstr(cg_json_string_value(cg_json_get(doc, "ruleset")), "sha256:"));
  rules = cg_json_get(doc, "rules");
  for(i = 0; i < cg_json_size(rules); i++) {
    const char *cite =
        cg_json_string_value(cg_json_get(cg_json_at(rules, i), "cite"));
    if(cite && strstr(cite, "744.23"))
      saw_cite = 1;
  }
  ck_assert(saw_cite);
  cg_json_free(doc);
  free(out);
  /* check records nothing and draws on no licence. */
  ck_assert_int_eq(check("NVIDIA H200 SXM", "Beijing Zhiyuan Compute Co. Ltd.",
                         "CN", NULL, NULL, NULL) >= 0,
                   1);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}
END_TEST

START_TEST(test_check_bad_input)
{
  char *errout = NULL;
  const char *bad_qty[] = { "check",    "--chip", "NVIDIA L4", "--customer",
                            "Zhipu AI", "--dest", "CN",        "--qty",
                            "0",        NULL };
  const char *bad_date[] = { "check",      "--chip", "NVIDIA L4", "--customer",
                             "Zhipu AI",   "--dest", "CN",        "--date",
                             "2026-02-30", NULL };

  ck_assert_int_eq(
      check("NVIDIA H1000", "Zhipu AI", "CN", NULL, NULL, &errout), 66);
  ck_assert_ptr_nonnull(strstr(errout, "unknown chip"));
  free(errout);
  ck_assert_int_eq(check("NVIDIA L4", "Nobody Inc", "CN", NULL, NULL, &errout),
                   66);
  ck_assert_ptr_nonnull(strstr(errout, "unknown customer"));
  free(errout);
  ck_assert_int_eq(check("NVIDIA L4", "Zhipu AI", "XX", NULL, NULL, &errout),
                   64);
  ck_assert_ptr_nonnull(strstr(errout, "XX"));
  free(errout);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, bad_qty), 64);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, bad_date), 64);
}
END_TEST

/* Reports come back from the audit log alone, in every format. */
START_TEST(test_reports_from_audit_log)
{
  const char *json[] = { "report", "--batch", "1", "--format", "json", NULL };
  const char *one[] = { "report", "O-1015", "--format", "md", NULL };
  const char *dir[] = { "report", "--all", "--out", t_tmp("all"), NULL };
  char *out = NULL, path[600];
  cg_json *doc = NULL, *orders;
  cg_error err = { 0 };
  size_t i;
  const char *fmts[] = { "md", "html", "json", "csv" };

  ck_assert_int_eq(t_run(db_path, &out, NULL, json), 0);
  ck_assert_cg_ok(cg_json_parse(&doc, out, strlen(out), "report", &err), &err);
  orders = cg_json_get(doc, "orders");
  ck_assert_uint_eq(cg_json_size(orders), 41);
  for(i = 0; i < cg_json_size(orders); i++) {
    const cg_json *o = cg_json_at(orders, i);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT d.decision FROM decisions d JOIN orders o ON o.id = "
             "d.order_id WHERE o.order_id = '%s'",
             cg_json_string_value(cg_json_get(o, "order_id")));
    expect_sql(sql, cg_json_string_value(cg_json_get(o, "decision")));
    ck_assert_ptr_nonnull(cg_json_get(o, "workload"));
  }
  cg_json_free(doc);
  free(out);
  ck_assert_int_eq(t_run(db_path, &out, NULL, one), 0);
  ck_assert_ptr_nonnull(strstr(out, "O-1015"));
  ck_assert_ptr_nonnull(strstr(out, "notify"));
  free(out);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, dir), 0);
  for(i = 0; i < 4; i++) {
    FILE *f;
    snprintf(path, sizeof(path), "%s/report.%s", t_tmp("all"), fmts[i]);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "missing %s", path);
    fclose(f);
  }
}
END_TEST

/* Inputs a user can get wrong, found by review: each refused, nothing
 * written, the message naming what. */
START_TEST(test_review_findings)
{
  char *before = t_db_dump(db_path), *after, *errout = NULL;
  const char *demo[] = { "demo", "--out", t_tmp("r2"), NULL };
  const char *bad_fmt[] = { "batch",     "--out",  t_tmp("b"),
                            "--formats", "md,pdf", NULL };
  const char *override[] = { "check",
                             "--chip",
                             "NVIDIA L4",
                             "--customer",
                             "Beijing Zhiyuan Compute Co. Ltd.",
                             "--customer-hq",
                             "DE",
                             "--dest",
                             "DE",
                             NULL };
  const char *shrink[] = { "import",
                           "parties",
                           t_src("tests/data/csl/"
                                 "csl_consolidated_sample_2025.csv"),
                           "--format",
                           "csl-csv",
                           NULL };
  const char *verify[] = { "audit", "verify", NULL };
  const char *fake = t_write("notademo.db", "precious data");

  /* demo never replaces a database it did not make. */
  ck_assert_int_eq(t_run(fake, NULL, &errout, demo), 64);
  ck_assert_ptr_nonnull(strstr(errout, "not a demo database"));
  free(errout);
  /* A bad report format is refused before a batch row is written. */
  ck_assert_int_eq(t_run(db_path, NULL, &errout, bad_fmt), 64);
  ck_assert_ptr_nonnull(strstr(errout, "\"pdf\""));
  free(errout);
  /* Ad-hoc options cannot override an imported customer. */
  ck_assert_int_eq(t_run(db_path, NULL, &errout, override), 64);
  ck_assert_ptr_nonnull(strstr(errout, "imported customer"));
  free(errout);
  /* A 13-entry file cannot quietly replace the 5,308-entry BIS lists. */
  ck_assert_int_eq(t_run(db_path, NULL, &errout, shrink), 65);
  ck_assert_ptr_nonnull(strstr(errout, "shrank"));
  free(errout);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  {
    FILE *f = fopen(fake, "r");
    char buf[32] = "";
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
    fclose(f);
    ck_assert_str_eq(buf, "precious data");
  }
  /* Only init makes a database. */
  ck_assert_int_eq(t_run(t_write("empty.db", ""), NULL, &errout, verify), 66);
  ck_assert_ptr_nonnull(strstr(errout, "not a chipgate database"));
  free(errout);
}
END_TEST

/* A listed name long enough that the reason quoting it is cut: the cut
 * falls between characters, so the decision stays valid UTF-8 and the
 * batch decides the order (it used to stop the batch with exit 65). */
START_TEST(test_long_names_cut_on_characters)
{
  char name[512], csv[2048];
  const char *parties, *customers, *orders;
  size_t i, o = 0;

  o += (size_t)snprintf(name + o, sizeof(name) - o, "AB");
  for(i = 0; i < 70; i++)
    o += (size_t)snprintf(name + o, sizeof(name) - o, "\xe4\xb8\xad");
  snprintf(name + o, sizeof(name) - o, " Technology Co");
  snprintf(csv, sizeof(csv),
           "_id,source,entity_number,type,programs,name,title,addresses,"
           "federal_register_notice,start_date,end_date,standard_order,"
           "license_requirement,license_policy,call_sign,vessel_type,gross_"
           "tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
           "source_list_url,alt_names,citizenships,dates_of_birth,"
           "nationalities,places_of_birth,source_information_url,ids\n"
           "zz1,Entity List (EL) - Bureau of Industry and Security,,,,%s,,"
           "CN,76 FR 71867,,,,For all items subject to the EAR.,"
           "Policy of denial.,,,,,,,,,,,,,,,\n",
           name);
  parties = t_write("long_el.csv", csv);
  snprintf(csv, sizeof(csv),
           "name,country,hq_country,parent,parent_hq_country,address,role\n"
           "\"%s\",CN,CN,,,Beijing,end_user\n",
           name);
  customers = t_write("long_cust.csv", csv);
  snprintf(csv, sizeof(csv),
           "order_id,customer,chip,destination,quantity,ship_date\n"
           "X-1,\"%s\",NVIDIA H100 SXM5 80GB,CN,8,2026-11-20\n",
           name);
  orders = t_write("long_ord.csv", csv);
  {
    const char *imp_p[] = { "import",  "parties",  parties, "--format",
                            "csl-csv", "--source", "test",  NULL };
    const char *imp_c[] = { "import", "customers", customers, NULL };
    const char *imp_o[] = { "import", "orders", orders, NULL };
    const char *batch[] = { "batch", "--quiet", NULL };
    ck_assert_int_eq(t_run(db_path, NULL, NULL, imp_p), 0);
    ck_assert_int_eq(t_run(db_path, NULL, NULL, imp_c), 0);
    ck_assert_int_eq(t_run(db_path, NULL, NULL, imp_o), 0);
    ck_assert_int_eq(t_run(db_path, NULL, NULL, batch), 0);
  }
  expect_decision("X-1", "deny");
  expect_sql("SELECT count(*) FROM decisions WHERE json_valid(doc) = 0", "0");
}
END_TEST

/* A CSL file (CSV) of one Entity List entry, policy of denial for all
 * items subject to the EAR, written to a temporary file. */
static const char *entity_list_csv(const char *file, const char *id,
                                   const char *name, const char *country)
{
  char text[1024];

  snprintf(text, sizeof(text),
           "_id,source,entity_number,type,programs,name,title,addresses,"
           "federal_register_notice,start_date,end_date,standard_order,"
           "license_requirement,license_policy,call_sign,vessel_type,gross_"
           "tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,"
           "remarks,source_list_url,alt_names,citizenships,dates_of_birth,"
           "nationalities,places_of_birth,source_information_url,ids\n"
           "%s,Entity List (EL) - Bureau of Industry and Security,,,,%s,,%s,"
           "90 FR 4621,,,,For all items subject to the EAR.,Policy of "
           "denial.,,,,,,,,,,,,,,,\n",
           id, name, country);
  return t_write(file, text);
}

/* One decider, two decisions, a list imported in between (as a sync can
 * between a batch's transactions): the second decision screens against
 * the new list and records its version. */
static void decide_zeta(cg_decider *dec, cg_store *db, cg_decision *out)
{
  cg_error err = { 0 };
  cg_customer cu;
  cg_chip chip;
  cg_order o;

  cg_customer_init(&cu);
  cu.name = "Zeta Quantum Devices Ltd";
  snprintf(cu.country, sizeof(cu.country), "CN");
  snprintf(cu.hq_country, sizeof(cu.hq_country), "CN");
  snprintf(cu.role, sizeof(cu.role), "end_user");
  ck_assert_cg_ok(cg_chip_get(db, "NVIDIA L4", &chip, &err), &err);
  cg_order_init(&o);
  snprintf(o.destination, sizeof(o.destination), "SG");
  snprintf(o.ship_date, sizeof(o.ship_date), "2026-08-01");
  o.quantity = 1;
  ck_assert_cg_ok(cg_decide(dec, &o, &cu, &chip, 0, out, &err), &err);
  cg_chip_clear(&chip);
}

START_TEST(test_decider_follows_list_changes)
{
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_rules *pack = NULL;
  cg_decider *dec = NULL;
  cg_decision a, b;
  const char *csv =
      entity_list_csv("zeta.csv", "zeta1", "Zeta Quantum Devices Ltd", "CN");
  const char *imp[] = { "import",  "parties",  csv,    "--format",
                        "csl-csv", "--source", "test", NULL };

  ck_assert_cg_ok(cg_store_open(&db, db_path, 0, &err), &err);
  ck_assert_cg_ok(cg_rules_load_dir(&pack, t_src("rules"), NULL, &err), &err);
  ck_assert_cg_ok(cg_decider_open(&dec, db, pack, NULL, &err), &err);
  decide_zeta(dec, db, &a);
  ck_assert_uint_eq(a.nhits, 0);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, imp), 0);
  decide_zeta(dec, db, &b);
  ck_assert_uint_ge(b.nhits, 1);
  ck_assert_str_eq(b.hits[0].entry_id, "zeta1");
  ck_assert_int_eq(b.decision, CG_OUT_DENY);
  ck_assert_ptr_nonnull(a.lists);
  ck_assert_ptr_nonnull(b.lists);
  ck_assert_str_ne(a.lists, b.lists);
  cg_decision_clear(&a);
  cg_decision_clear(&b);
  cg_decider_close(dec);
  cg_rules_free(pack);
  cg_store_close(db);
}
END_TEST

/* ---- a batch while another connection commits ------------------------- */

typedef struct between {
  const char *const *argv; /* a CLI command run after the first commit */
  int ran;
  int fail_at; /* on_decision fails at this call (1-based), 0: never */
  int calls;
} between;

static void after_commit(void *arg, int64_t done, int64_t total)
{
  between *b = arg;

  (void)total;
  if(done == 1 && b->argv && !b->ran)
    b->ran = t_run(db_path, NULL, NULL, b->argv) == 0 ? 1 : -1;
}

/* On the batch's second thread: no ck_assert here. */
static int count_or_fail(void *arg, const cg_decision *dn, const char *json,
                         size_t len, cg_error *err)
{
  between *b = arg;

  (void)dn;
  (void)json;
  (void)len;
  if(++b->calls == b->fail_at)
    return cg_error_set(err, CG_EIO, "report: disk full (test)");
  return CG_OK;
}

/* Three new orders of a demo customer, decided one per transaction. */
static int batch_three(between *b, int with_callback, cg_error *err)
{
  const char *orders =
      t_write("zm.csv", "order_id,customer,chip,destination,quantity,"
                        "ship_date,end_use,role\n"
                        "ZM-1,Nordic AI Cloud AB,NVIDIA L4,SE,1,2026-11-20,,"
                        "distributor\n"
                        "ZM-2,Nordic AI Cloud AB,NVIDIA L4,SE,1,2026-11-20,,"
                        "distributor\n"
                        "ZM-3,Nordic AI Cloud AB,NVIDIA L4,SE,1,2026-11-20,,"
                        "distributor\n");
  const char *imp[] = { "import", "orders", orders, NULL };
  cg_batch_opts o = CG_BATCH_OPTS_INIT;
  cg_batch_result res;
  cg_store *db = NULL;
  cg_rules *pack = NULL;
  int rc;

  ck_assert_int_eq(t_run(db_path, NULL, NULL, imp), 0);
  ck_assert_cg_ok(cg_store_open(&db, db_path, 0, err), err);
  ck_assert_cg_ok(cg_rules_load_dir(&pack, t_src("rules"), NULL, err), err);
  o.per_tx = 1;
  o.progress = after_commit;
  o.progress_arg = b;
  if(with_callback) {
    o.on_decision = count_or_fail;
    o.decision_arg = b;
  }
  rc = cg_batch_run(db, pack, &o, &res, err);
  cg_rules_free(pack);
  cg_store_close(db);
  return rc;
}

/* What a batch keeps between orders (the customer's hits, the lists
 * version) is dropped when another connection commits: a customer listed
 * after the first of its three orders is denied on the other two. */
START_TEST(test_batch_memo_follows_other_connection)
{
  cg_error err = { 0 };
  const char *csv =
      entity_list_csv("nordic.csv", "nordic1", "Nordic AI Cloud AB", "SE");
  const char *imp[] = { "import",  "parties",  csv,    "--format",
                        "csl-csv", "--source", "test", NULL };
  between b = { imp, 0, 0, 0 };

  ck_assert_cg_ok(batch_three(&b, 0, &err), &err);
  ck_assert_int_eq(b.ran, 1);
  expect_decision("ZM-1", "nlr");
  expect_decision("ZM-2", "deny");
  expect_decision("ZM-3", "deny");
}
END_TEST

/* A report that fails on the second thread stops the batch before its
 * next commit: the first decision is recorded, no other. */
START_TEST(test_batch_stops_when_on_decision_fails)
{
  cg_error err = { 0 };
  between b = { NULL, 0, 2, 0 };
  char *before = sql1("SELECT count(*) FROM decisions"), want[32];

  ck_assert_int_eq(batch_three(&b, 1, &err), CG_EIO);
  ck_assert_ptr_nonnull(strstr(err.msg, "disk full (test)"));
  snprintf(want, sizeof(want), "%d", atoi(before) + 1);
  expect_sql("SELECT count(*) FROM decisions", want);
  expect_decision("ZM-1", "nlr");
  expect_sql("SELECT count(*) FROM orders WHERE order_id IN ('ZM-2', "
             "'ZM-3') AND status = 'pending'",
             "2");
  free(before);
}
END_TEST

static Suite *batch_suite(void)
{
  Suite *s = suite_create("batch");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_demo_outcomes);
  tcase_add_test(tc, test_license_drawdown);
  tcase_add_test(tc, test_audit_verify_and_tamper);
  tcase_add_test(tc, test_audit_delete_caught);
  tcase_add_test(tc, test_rerun_decides_nothing_twice);
  tcase_add_test(tc, test_sigkill_at_random_points);
  tcase_add_test(tc, test_sigkill_while_redeciding);
  tcase_add_test(tc, test_two_batches_at_once);
  tcase_add_test(tc, test_check_exit_codes_and_json);
  tcase_add_test(tc, test_check_bad_input);
  tcase_add_test(tc, test_reports_from_audit_log);
  tcase_add_test(tc, test_review_findings);
  tcase_add_test(tc, test_long_names_cut_on_characters);
  tcase_add_test(tc, test_decider_follows_list_changes);
  tcase_add_test(tc, test_batch_memo_follows_other_connection);
  tcase_add_test(tc, test_batch_stops_when_on_decision_fails);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(batch_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
