/* check_longwork.c -- the long-work commands as a user meets them (issue
 * 15): import, batch, sync, report and audit verify draw a progress line
 * on a terminal only (run under a pseudo-terminal with script(1)), not in
 * a pipe, not with --quiet, and print their summary either way; their
 * --format json parses with the documented keys; bad option values are 64
 * before any work, missing named things 66; a batch with nothing to do
 * records nothing; re-imports count what they skipped; the report of
 * every decision names its rule packs and runs, and counts notify apart
 * from cleared. All on the demo database made by the real binary. */
#include "helpers.h"
#include "net/netserver.h"

#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[512];

/* A fresh demo database (41 orders decided by the demo's own batch). */
static void setup(void)
{
  const char *demo[] = { "demo", NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
}

static void teardown(void)
{
  t_tmp_cleanup();
}

/* Runs chipgate with args (one shell word each, quoted here) under a
 * pseudo-terminal: stdout and stderr both end up in *out. */
static int run_pty(char **out, const char *const *args)
{
  char cmd[4096];
  size_t n;
  const char *argv[] = { "-qec", cmd, "/dev/null", NULL };
  int i;

  n = (size_t)snprintf(cmd, sizeof(cmd), "'%s'", CG_BINARY);
  for(i = 0; args[i]; i++)
    n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " '%s'", args[i]);
  ck_assert_uint_lt(n, sizeof(cmd));
  return t_run_env("/usr/bin/script", db_path, NULL, out, NULL, argv);
}

/* How many times s redraws a progress line ("\r" + erase line). */
static int redraws(const char *s)
{
  int n = 0;

  for(const char *p = s; (p = strstr(p, "\r\033[K")) != NULL; p += 4)
    n++;
  return n;
}

static cg_json *parse(const char *s)
{
  cg_json *v = NULL;
  cg_error err = { 0 };

  ck_assert_msg(cg_json_parse(&v, s, strlen(s), "stdout", &err) == CG_OK,
                "not JSON (%s): %s", err.msg, s);
  return v;
}

static int64_t int_of(const cg_json *o, const char *key)
{
  cg_json *v = cg_json_get(o, key);

  ck_assert_msg(v != NULL, "no \"%s\"", key);
  return (int64_t)cg_json_number_value(v);
}

/* ---- progress ---------------------------------------------------------- */

START_TEST(test_progress_on_a_terminal_only)
{
  const char *csl = t_src("tests/data/csl/csl_full_2026-07-31.csv");
  const char *tty[] = { "import", "parties", csl, "--force", NULL };
  const char *quiet[] = {
    "import", "parties", csl, "--force", "--quiet", NULL
  };
  char *out = NULL, *err = NULL;

  /* On a terminal: lines of the CSL with count, total and rate, redrawn
   * (the file has 25,922 lines: many updates), cleared, then the summary. */
  ck_assert_int_eq(run_pty(&out, tty), 0);
  ck_assert_msg(redraws(out) >= 2, "no progress on a terminal: %s", out);
  ck_assert_msg(strstr(out, "/25922 lines (") && strstr(out, "lines/s"), "%s",
                out);
  ck_assert_msg(strstr(out, "\r\033[Kimported 25921 parties"),
                "line not cleared before the summary: %s", out);
  free(out);
  /* In a pipe: the summary only. */
  ck_assert_int_eq(t_run(db_path, &out, &err, tty), 0);
  ck_assert_msg(strchr(err, '\r') == NULL && strstr(err, "lines") == NULL,
                "progress in a pipe: %s", err);
  ck_assert_msg(strstr(out, "imported 25921 parties"), "%s", out);
  free(out);
  free(err);
  /* --quiet on a terminal: neither. */
  ck_assert_int_eq(run_pty(&out, quiet), 0);
  ck_assert_msg(redraws(out) == 0 && strstr(out, "imported") == NULL,
                "--quiet printed: %s", out);
  free(out);
}
END_TEST

/* A pipe (/dev/stdin) is read once: counting its lines for the progress
 * line on a terminal must not leave the import an empty file. */
START_TEST(test_import_from_a_pipe_on_a_terminal)
{
  const char *csv = t_write("p.csv", "order_id,customer,chip,destination,"
                                     "quantity,ship_date\n"
                                     "P-1,Nordic AI Cloud AB,NVIDIA H100 SXM5 "
                                     "80GB,SE,1,2026-11-20\n");
  char cmd[2048], *out = NULL;
  const char *argv[] = { "-qec", cmd, "/dev/null", NULL };

  snprintf(cmd, sizeof(cmd), "cat '%s' | '%s' import orders /dev/stdin", csv,
           CG_BINARY);
  ck_assert_int_eq(
      t_run_env("/usr/bin/script", db_path, NULL, &out, NULL, argv), 0);
  ck_assert_msg(strstr(out, "imported 1 order"), "%s", out);
  free(out);
}
END_TEST

/* Every long command draws on a terminal (the first update draws at
 * once) and prints its summary; none draws in a pipe. */
START_TEST(test_progress_every_long_command)
{
  static const struct {
    const char *args[8];
    const char *summary;
  } cases[] = {
    { { "import", "orders", NULL }, "skipped 41 unchanged" },
    { { "batch", "--recheck-all", NULL }, "decided 41 orders" },
    { { "audit", "verify", NULL }, "audit log intact" },
    /* each order once, as it stands, though --recheck-all re-decided
     * them twice above */
    { { "report", "--all", "--out", NULL }, "41 decisions written" },
  };
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *args[10];
    char *out = NULL, *err = NULL;
    int k;

    for(k = 0; cases[i].args[k]; k++)
      args[k] = cases[i].args[k];
    if(i == 0)
      args[k++] = t_src("db/seed/demo_orders.csv");
    if(i == 3)
      args[k++] = t_tmp("rep");
    args[k] = NULL;
    ck_assert_int_eq(run_pty(&out, args), 0);
    ck_assert_msg(redraws(out) >= 1, "%s: no progress: %s", args[0], out);
    ck_assert_msg(strstr(out, cases[i].summary), "%s: %s", args[0], out);
    free(out);
    ck_assert_int_eq(t_run(db_path, &out, &err, args), 0);
    ck_assert_msg(redraws(err) == 0, "%s: progress in a pipe", args[0]);
    ck_assert_msg(strstr(out, cases[i].summary), "%s: %s", args[0], out);
    free(out);
    free(err);
  }
}
END_TEST

/* sync: bytes received, then the lines of the list, on a terminal; the
 * summary in text and JSON; orders synced twice: the second time skipped. */
START_TEST(test_sync_progress_and_json)
{
  char *csl = t_slurp(t_src("tests/data/csl/csl_full_2026-07-31.csv"));
  char url[128], ourl[128], *out = NULL, *err = NULL;
  const char *lists[] = { "sync", "lists", "--url", url, "--force", NULL };
  const char *lists_json[] = { "sync",    "lists",    "--url", url,
                               "--force", "--format", "json",  NULL };
  const char *orders[] = { "sync",     "orders", "--url", ourl,
                           "--format", "json",   NULL };
  t_server srv;
  cg_json *v;

  ck_assert_ptr_nonnull(csl);
  t_write("csl.csv", csl);
  free(csl);
  t_write("orders.json",
          "[{\"order_id\": \"S-1\", \"customer\": \"Nordic AI Cloud AB\", "
          "\"chip\": \"NVIDIA H100 SXM5 80GB\", \"destination\": \"SE\", "
          "\"quantity\": 8, \"ship_date\": \"2026-12-01\"}]");
  t_server_start(&srv, NULL);
  snprintf(url, sizeof(url), "%s/files/csl.csv", srv.base);
  snprintf(ourl, sizeof(ourl), "%s/noetag/orders.json", srv.base);
  ck_assert_int_eq(run_pty(&out, lists), 0);
  ck_assert_msg(strstr(out, " MB received (") || strstr(out, " MB received "),
                "no download progress: %.500s", out);
  ck_assert_msg(strstr(out, "/25922 lines ("), "no import progress: %.500s",
                out);
  ck_assert_msg(strstr(out, "sync lists: csl updated: 25921 entries"), "%s",
                out);
  free(out);
  ck_assert_int_eq(t_run(db_path, &out, &err, lists_json), 0);
  ck_assert_msg(redraws(err) == 0, "progress in a pipe: %s", err);
  v = parse(out);
  ck_assert_int_eq(int_of(v, "entries"), 25921);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(v, "source")), "csl");
  ck_assert_ptr_nonnull(cg_json_get(v, "not_modified"));
  cg_json_free(v);
  free(out);
  free(err);
  ck_assert_int_eq(t_run(db_path, &out, NULL, orders), 0);
  v = parse(out);
  ck_assert_int_eq(int_of(v, "received"), 1);
  ck_assert_int_eq(int_of(v, "inserted"), 1);
  cg_json_free(v);
  free(out);
  ck_assert_int_eq(t_run(db_path, &out, NULL, orders), 0);
  v = parse(out);
  ck_assert_int_eq(int_of(v, "inserted"), 0);
  ck_assert_int_eq(int_of(v, "skipped_unchanged"), 1);
  cg_json_free(v);
  free(out);
  t_server_stop(&srv);
}
END_TEST

/* ---- JSON -------------------------------------------------------------- */

START_TEST(test_json_documents)
{
  const char *imp[] = { "import",   "orders", t_src("db/seed/demo_orders.csv"),
                        "--format", "json",   NULL };
  const char *bat[] = { "batch", "--recheck-all", "--format", "json", NULL };
  const char *ver[] = { "audit", "verify", "--format", "json", NULL };
  const char *show[] = { "audit",    "show", "--order", "O-1001",
                         "--format", "json", NULL };
  char *out = NULL, *line, *save = NULL;
  cg_json *v, *by;
  long n = 0;

  ck_assert_int_eq(t_run(db_path, &out, NULL, imp), 0);
  v = parse(out);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(v, "kind")), "orders");
  ck_assert_int_eq(int_of(v, "imported"), 0);
  ck_assert_int_eq(int_of(v, "skipped_unchanged"), 41);
  ck_assert_int_eq(int_of(v, "rows"), 41);
  ck_assert_ptr_nonnull(cg_json_get(v, "file"));
  cg_json_free(v);
  free(out);

  ck_assert_int_eq(t_run(db_path, &out, NULL, bat), 0);
  v = parse(out);
  ck_assert_int_eq(int_of(v, "batch"), 2);
  ck_assert_int_eq(int_of(v, "decided"), 41);
  ck_assert_int_eq(int_of(v, "redecided"), 41);
  ck_assert_int_eq(int_of(v, "rechecked"), 41);
  by = cg_json_get(v, "by_outcome");
  ck_assert_int_eq(int_of(by, "nlr") + int_of(by, "exception") +
                       int_of(by, "licensed") + int_of(by, "notify") +
                       int_of(by, "hold") + int_of(by, "license_required") +
                       int_of(by, "deny"),
                   41);
  ck_assert_int_eq(cg_json_size(cg_json_get(v, "reports")), 0);
  ck_assert_msg(
      !strncmp(cg_json_string_value(cg_json_get(v, "audit_head")), "82:", 3),
      "%s", out);
  ck_assert_ptr_nonnull(cg_json_get(v, "seconds"));
  cg_json_free(v);
  free(out);

  ck_assert_int_eq(t_run(db_path, &out, NULL, ver), 0);
  v = parse(out);
  ck_assert(cg_json_is_true(cg_json_get(v, "intact")));
  ck_assert_int_eq(int_of(v, "entries"), 82);
  cg_json_free(v);
  free(out);

  /* JSON Lines: one decision document per line, O-1001's two */
  ck_assert_int_eq(t_run(db_path, &out, NULL, show), 0);
  for(line = strtok_r(out, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save), n++) {
    v = parse(line);
    ck_assert_str_eq(cg_json_string_value(cg_json_get(v, "order_id")),
                     "O-1001");
    cg_json_free(v);
  }
  ck_assert_int_eq(n, 2);
  free(out);
}
END_TEST

START_TEST(test_audit_show_text)
{
  const char *show[] = { "audit", "show", "--order", "O-1001", NULL };
  char *out = NULL, *want;

  ck_assert_int_eq(t_run(db_path, &out, NULL, show), 0);
  want = t_sql(db_path, "SELECT decided_at || '      1  O-1001          ' "
                        "|| decision FROM decisions WHERE seq = (SELECT "
                        "current_seq FROM orders WHERE order_id = 'O-1001')");
  ck_assert_msg(strncmp(out, "DECIDED_AT", 10) == 0, "%s", out);
  ck_assert_msg(strstr(out, want), "want \"%s\" in:\n%s", want, out);
  ck_assert_msg(out[0] != '{', "%s", out);
  free(want);
  free(out);
}
END_TEST

/* The steps taken on an order are entries of the log too: audit show
 * lists them after the decision, in text and as JSON Lines. */
START_TEST(test_audit_show_lifecycle_steps)
{
  const char *ship[] = { "ship",   "O-1001",     "--qty", "2",
                         "--date", "2026-11-20", NULL };
  const char *text[] = { "audit", "show", "--order", "O-1001", NULL };
  const char *json[] = { "audit",    "show", "--order", "O-1001",
                         "--format", "json", NULL };
  char *out = NULL, *second;

  ck_assert_int_eq(t_run(db_path, NULL, NULL, ship), 0);
  ck_assert_int_eq(t_run(db_path, &out, NULL, text), 0);
  ck_assert_msg(strstr(out, " O-1001          shipment"), "%s", out);
  free(out);
  ck_assert_int_eq(t_run(db_path, &out, NULL, json), 0);
  second = strchr(out, '\n');
  ck_assert_ptr_nonnull(second);
  ck_assert_msg(strstr(second + 1, "\"kind\":\"shipment\"") &&
                    strstr(second + 1, "\"qty\":2"),
                "%s", out);
  free(out);
}
END_TEST

/* ---- validation and exit codes ------------------------------------------ */

START_TEST(test_bad_values_before_any_work)
{
  static const struct {
    const char *args[8];
    int code;
    const char *says;
  } cases[] = {
    { { "batch", "--format", "xml", NULL },
      64,
      "--format must be text or json, not \"xml\"" },
    { { "batch", "--formats", "md,xml", NULL }, 64, "\"xml\"" },
    { { "report", "--all", "--format", "xml", NULL }, 64, "\"xml\"" },
    { { "report", "--batch", "x", NULL }, 64, "batch number" },
    { { "audit", "show", "--format", "yaml", NULL }, 64, "\"yaml\"" },
    { { "audit", "verify", "--format", "xml", NULL }, 64, "\"xml\"" },
    { { "import", "orders", "x.csv", "--format", "xlsx", NULL },
      64,
      "\"xlsx\"" },
    { { "sync", "orders", "--url", "http://127.0.0.1:9/", "--format", "yaml",
        NULL },
      64,
      "\"yaml\"" },
    { { "import", "orders", "no-such.csv", NULL },
      66,
      "no-such.csv: No such file" },
    { { "report", "--batch", "9999", NULL }, 66, "unknown batch 9999" },
    { { "report", "O-NOPE", NULL }, 66, "no order \"O-NOPE\"" },
    { { "audit", "show", "--order", "O-NOPE", NULL },
      66,
      "no order \"O-NOPE\"" },
  };
  char *before = t_db_dump(db_path), *after;
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *out = NULL, *err = NULL;
    int rc = t_run(db_path, &out, &err, cases[i].args);

    ck_assert_msg(rc == cases[i].code, "%s %s: exit %d, want %d: %s",
                  cases[i].args[0], cases[i].args[1], rc, cases[i].code, err);
    ck_assert_msg(strstr(err, cases[i].says), "%s: %s", cases[i].args[0], err);
    ck_assert_msg(out[0] == '\0', "%s wrote to stdout: %s", cases[i].args[0],
                  out);
    free(out);
    free(err);
  }
  after = t_db_dump(db_path);
  ck_assert_msg(strcmp(before, after) == 0, "the database changed");
  free(before);
  free(after);
}
END_TEST

/* ---- the small fixes ---------------------------------------------------- */

START_TEST(test_batch_with_nothing_to_do)
{
  const char *batch[] = { "batch", "--out", t_tmp("empty"), NULL };
  char *out = NULL, *n;

  ck_assert_int_eq(t_run(db_path, &out, NULL, batch), 0);
  ck_assert_msg(strstr(out, "nothing to decide"), "%s", out);
  ck_assert_msg(strstr(out, "report:") == NULL, "%s", out);
  free(out);
  n = t_sql(db_path, "SELECT count(*) FROM batches");
  ck_assert_str_eq(n, "1"); /* the demo's own, no empty one */
  free(n);
  n = t_slurp(t_tmp("empty/report.md"));
  ck_assert_msg(n == NULL, "a report claims an empty batch");
}
END_TEST

START_TEST(test_reimport_counts_skipped)
{
  static const char *const kinds[][2] = {
    { "orders", "db/seed/demo_orders.csv" },
    { "customers", "db/seed/demo_customers.csv" },
    { "licenses", "db/seed/demo_licenses.csv" },
  };
  const char *changed = t_write("cust.csv", "name,country\n"
                                            "Nordic AI Cloud AB,NO\n"
                                            "New Customer Ltd,GB\n");
  const char *cust[] = { "import", "customers", changed, NULL };
  char *out = NULL, want[128], *n;
  size_t i;

  for(i = 0; i < 3; i++) {
    const char *args[] = { "import", kinds[i][0], t_src(kinds[i][1]), NULL };
    char *rows = t_sql(db_path, i == 0   ? "SELECT count(*) FROM orders"
                                : i == 1 ? "SELECT count(*) FROM customers"
                                         : "SELECT count(*) FROM licenses");
    ck_assert_int_eq(t_run(db_path, &out, NULL, args), 0);
    snprintf(want, sizeof(want), "imported 0 %s from %s, skipped %s unchanged",
             kinds[i][0], args[2], rows);
    ck_assert_msg(strstr(out, want), "want \"%s\", got %s", want, out);
    free(rows);
    free(out);
  }
  /* one changed, one new: both count, nothing skipped */
  ck_assert_int_eq(t_run(db_path, &out, NULL, cust), 0);
  ck_assert_msg(strstr(out, "imported 2 customers"), "%s", out);
  ck_assert_msg(strstr(out, "skipped 0 unchanged"), "%s", out);
  free(out);
  n = t_sql(db_path,
            "SELECT country FROM customers WHERE name = 'Nordic AI Cloud AB'");
  ck_assert_str_eq(n, "NO");
  free(n);
}
END_TEST

START_TEST(test_report_all_header)
{
  const char *rep[] = { "report", "--all", NULL };
  char *out = NULL, *ruleset, *started, want[256];

  ck_assert_int_eq(t_run(db_path, &out, NULL, rep), 0);
  ruleset = t_sql(db_path, "SELECT ruleset FROM batches WHERE id = 1");
  started = t_sql(db_path, "SELECT started_at FROM batches WHERE id = 1");
  snprintf(want, sizeof(want), "| Rule set | %s |", ruleset);
  ck_assert_msg(strstr(out, want), "want %s", want);
  snprintf(want, sizeof(want), "| Created | %s |", started);
  ck_assert_msg(strstr(out, want), "want %s", want);
  ck_assert_msg(strstr(out, "| Rules as of | each order's ship date |"),
                "%.2000s", out);
  free(out);
  free(ruleset);
  free(started);
  /* a second run at another date: both named, and the span */
  {
    const char *again[] = { "batch",      "--recheck-all", "--as-of",
                            "2026-12-01", "--quiet",       NULL };
    ck_assert_int_eq(t_run(db_path, NULL, NULL, again), 0);
  }
  ck_assert_int_eq(t_run(db_path, &out, NULL, rep), 0);
  ck_assert_msg(
      strstr(out, "| Rules as of | each order's ship date, 2026-12-01 |"),
      "%.2000s", out);
  ck_assert_msg(strstr(out, " to ") && strstr(out, "(2 batches)"), "%.2000s",
                out);
  free(out);
}
END_TEST

/* The "Orders by destination" row of dest in the Markdown report out:
 * its cells after the name, as numbers. */
static void dest_row(const char *out, const char *dest, long cells[6])
{
  char head[16];
  const char *p;

  snprintf(head, sizeof(head), "\n| %s | ", dest);
  p = strstr(strstr(out, "### Orders by destination"), head);
  ck_assert_msg(p != NULL, "no row for %s", dest);
  ck_assert_int_eq(
      sscanf(p + strlen(head), "%ld | %ld | %ld | %ld | %ld | %ld", &cells[0],
             &cells[1], &cells[2], &cells[3], &cells[4], &cells[5]),
      6);
}

START_TEST(test_cleared_excludes_notify)
{
  const char *rep[] = { "report", "--all", NULL };
  const char *again[] = { "batch", "--recheck-all", NULL };
  char *out = NULL, *dests, *d, *save = NULL;
  int notify_seen = 0;

  /* every order re-decided: a report of everything still counts each
   * order once, by its current decision */
  ck_assert_int_eq(t_run(db_path, NULL, NULL, again), 0);
  ck_assert_int_eq(t_run(db_path, &out, NULL, rep), 0);
  ck_assert_msg(strstr(out, "| destination | orders | deny | "
                            "license\\_required | hold | notify | cleared |"),
                "%.3000s", out);
  dests = t_sql(db_path, "SELECT DISTINCT destination FROM orders");
  for(d = strtok_r(dests, "\n", &save); d; d = strtok_r(NULL, "\n", &save)) {
    long c[6];
    char sql[512], *want;

    dest_row(out, d, c);
    snprintf(sql, sizeof(sql),
             "SELECT count(*), sum(decision = 'deny'), "
             "sum(decision = 'license_required'), sum(decision = 'hold'), "
             "sum(decision = 'notify'), sum(decision IN ('nlr', 'exception', "
             "'licensed')) FROM orders o JOIN decisions x ON x.seq = "
             "o.current_seq WHERE o.destination = '%s'",
             d);
    want = t_sql(db_path, sql);
    {
      char got[128];
      snprintf(got, sizeof(got), "%ld|%ld|%ld|%ld|%ld|%ld", c[0], c[1], c[2],
               c[3], c[4], c[5]);
      ck_assert_msg(strcmp(got, want) == 0, "%s: report %s, decisions %s", d,
                    got, want);
    }
    notify_seen += c[4] > 0;
    free(want);
  }
  ck_assert_msg(notify_seen > 0, "the demo has notify orders");
  free(dests);
  free(out);
}
END_TEST

static Suite *longwork_suite(void)
{
  Suite *s = suite_create("longwork");
  TCase *tc = tcase_create("cli");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_progress_on_a_terminal_only);
  tcase_add_test(tc, test_import_from_a_pipe_on_a_terminal);
  tcase_add_test(tc, test_progress_every_long_command);
  tcase_add_test(tc, test_sync_progress_and_json);
  tcase_add_test(tc, test_json_documents);
  tcase_add_test(tc, test_audit_show_text);
  tcase_add_test(tc, test_audit_show_lifecycle_steps);
  tcase_add_test(tc, test_bad_values_before_any_work);
  tcase_add_test(tc, test_batch_with_nothing_to_do);
  tcase_add_test(tc, test_reimport_counts_skipped);
  tcase_add_test(tc, test_report_all_header);
  tcase_add_test(tc, test_cleared_excludes_notify);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(longwork_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
