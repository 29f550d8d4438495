/* check_report_run.c -- reports driven from a real database (report.h
 * cg_report_run_batch, cg_report_from_log) on the demo data: the report a
 * batch writes while it decides equals the one rebuilt from the audit
 * log, the JSON report holds the audit log's bytes, one order's report,
 * unknown batches and orders, bad formats and folders refused before
 * anything is decided, and the caller's batch callbacks still called. */
#include "helpers.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/json.h"
#include "decide/audit.h"
#include "decide/batch.h"
#include "report/report.h"
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[512];
static cg_store *db;
static cg_rules *pack;

/* The demo database (its batch 1 decided every order), two more pending
 * orders, the rule pack. */
static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("demo"), NULL };
  const char *imp[] = { "import", "orders", NULL, NULL };
  cg_error err = { 0 };
  int rc;

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  imp[2] = t_write("more.csv",
                   "order_id,customer,chip,destination,quantity,ship_date,"
                   "end_use,role,packager,export_from_us\n"
                   "O-9001,Nordic AI Cloud AB,NVIDIA H100 SXM5 80GB,SE,16,"
                   "2026-11-20,,distributor,,\n"
                   "O-9002,Bavaria Compute GmbH,NVIDIA B200,DE,8,2026-11-20,"
                   ",distributor,,\n");
  ck_assert_int_eq(t_run(db_path, NULL, NULL, imp), 0);
  rc = cg_store_open(&db, db_path, 0, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_rules_load_dir(&pack, t_src("rules"), NULL, &err);
  ck_assert_cg_ok(rc, &err);
}

static void teardown(void)
{
  cg_rules_free(pack);
  pack = NULL;
  cg_store_close(db);
  db = NULL;
  t_tmp_cleanup();
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *s;
  long n;

  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  s = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  return s;
}

static void expect_head(const cg_report_out *out);

static int64_t count_batches(void)
{
  cg_stmt *st = NULL;
  cg_error err = { 0 };
  int64_t n;
  int rc = cg_store_prepare(db, &st, "SELECT count(*) FROM batches", &err);

  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  n = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  return n;
}

typedef struct calls {
  int64_t batch; /* on_begin's batch id */
  int decisions; /* on_decision calls */
  int wrong;     /* of them, not the decision expected */
} calls;

static int on_begin(void *arg, int64_t batch_id, cg_error *err)
{
  (void)err;
  ((calls *)arg)->batch = batch_id;
  return CG_OK;
}

/* Runs on the batch's second thread: it records, the test asserts (a
 * failed ck_assert must not jump across threads). */
static int on_decision(void *arg, const cg_decision *dn, const char *json,
                       size_t len, cg_error *err)
{
  calls *c = arg;
  const char *want = c->decisions ? "O-9002" : "O-9001";

  (void)err;
  if(!dn || !dn->order_id || strcmp(dn->order_id, want) != 0 ||
     strlen(json) != len)
    c->wrong++;
  c->decisions++;
  return CG_OK;
}

START_TEST(test_batch_report_equals_log_report)
{
  /* Both read the same decisions: as decided, and as the log holds them. */
  static const char *const ext[] = { "md", "html", "csv" };
  cg_batch_opts bo = CG_BATCH_OPTS_INIT;
  cg_batch_result res;
  cg_report_out live, log;
  cg_report_scope scope = { 0, NULL, 0 };
  cg_error err = { 0 };
  calls c = { 0, 0, 0 };
  char *a, *b;
  size_t k;
  int rc;

  memset(&live, 0, sizeof(live));
  live.dir = t_tmp("live");
  bo.on_begin = on_begin;
  bo.on_decision = on_decision;
  bo.decision_arg = &c;
  rc = cg_report_run_batch(db, pack, &bo, 0, &live, &res, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(res.decided, 2);
  /* The caller's callbacks run too. */
  ck_assert_int_eq(c.batch, res.batch_id);
  ck_assert_int_eq(c.decisions, 2);
  ck_assert_int_eq(c.wrong, 0);
  ck_assert_str_eq(live.paths.path[CG_REPORT_MD], t_tmp("live/report.md"));

  memset(&log, 0, sizeof(log));
  log.dir = t_tmp("log");
  scope.batch_id = res.batch_id;
  rc = cg_report_from_log(db, &scope, 0.40, &log, &err);
  ck_assert_cg_ok(rc, &err);
  for(k = 0; k < sizeof(ext) / sizeof(ext[0]); k++) {
    int f = cg_report_format(ext[k]);
    a = slurp(live.paths.path[f]);
    b = slurp(log.paths.path[f]);
    ck_assert_msg(strcmp(a, b) == 0, "report.%s differs", ext[k]);
    free(a);
    free(b);
  }
  a = slurp(log.paths.path[CG_REPORT_MD]);
  ck_assert_ptr_nonnull(strstr(a, "O-9001"));
  ck_assert_ptr_null(strstr(a, "O-1001")); /* batch 1's, not this one's */
  free(a);
  expect_head(&live);
}
END_TEST

/* Every format that has a header or a summary names the audit head the
 * report was written at: the newest entry, which proves the log. */
static void expect_head(const cg_report_out *out)
{
  char head[CG_AUDIT_HEAD_TEXT], want[CG_AUDIT_HEAD_TEXT + 64];
  cg_audit_head h;
  cg_error err = { 0 };
  cg_json *doc = NULL;
  char *text;

  ck_assert_cg_ok(cg_audit_head_get(db, &h, &err), &err);
  ck_assert_int_eq(h.seq, 43); /* the demo's 41 and these two */
  cg_audit_head_text(&h, head);
  text = slurp(out->paths.path[CG_REPORT_MD]);
  snprintf(want, sizeof(want), "| Audit log head | %s |", head);
  ck_assert_ptr_nonnull(strstr(text, want));
  snprintf(want, sizeof(want), "audit verify --anchor %s_", head);
  ck_assert_ptr_nonnull(strstr(text, want)); /* the note, in italics */
  free(text);
  text = slurp(out->paths.path[CG_REPORT_HTML]);
  snprintf(want, sizeof(want), "audit verify --anchor %s", head);
  ck_assert_ptr_nonnull(strstr(text, want));
  free(text);
  text = slurp(out->paths.path[CG_REPORT_JSON]);
  ck_assert_cg_ok(cg_json_parse(&doc, text, strlen(text), "report", &err),
                  &err);
  ck_assert_str_eq(cg_json_string_value(
                       cg_json_get(cg_json_get(doc, "summary"), "audit_head")),
                   head);
  cg_json_free(doc);
  free(text);
}

/* The JSON report carries the audit log's bytes, one document per
 * order. */
START_TEST(test_json_holds_log_bytes)
{
  cg_report_scope scope = { 1, NULL, 0 };
  cg_report_out out;
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  char *json;
  int rc, n = 0;

  memset(&out, 0, sizeof(out));
  out.dir = t_tmp("b1");
  out.formats = "json";
  rc = cg_report_from_log(db, &scope, 0.40, &out, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_str_eq(out.paths.path[CG_REPORT_MD], "");
  json = slurp(out.paths.path[CG_REPORT_JSON]);
  rc = cg_store_prepare(db, &st,
                        "SELECT doc FROM decisions WHERE batch_id = 1", &err);
  ck_assert_cg_ok(rc, &err);
  while(cg_stmt_step(st, &err) == 1) {
    ck_assert_msg(strstr(json, cg_stmt_text(st, 0)) != NULL, "missing: %.80s",
                  cg_stmt_text(st, 0));
    n++;
  }
  cg_stmt_finalize(st);
  ck_assert_int_eq(n, 41);
  free(json);
}
END_TEST

START_TEST(test_one_order_to_stream)
{
  cg_report_scope scope = { 0, "O-1014", 0 };
  cg_report_out out;
  cg_error err = { 0 };
  char *text = NULL;
  size_t len = 0, lines = 0, i;
  int rc;

  memset(&out, 0, sizeof(out));
  out.stream = open_memstream(&text, &len);
  out.format = CG_REPORT_CSV;
  rc = cg_report_from_log(db, &scope, 0.40, &out, &err);
  fclose(out.stream);
  ck_assert_cg_ok(rc, &err);
  for(i = 0; i < len; i++)
    lines += text[i] == '\n';
  ck_assert_int_eq(lines, 2); /* header and O-1014 */
  ck_assert_ptr_nonnull(strstr(text, "\n\"O-1014\",\"deny\","));
  free(text);

  out.stream = open_memstream(&text, &len);
  out.format = CG_REPORT_MD;
  rc = cg_report_from_log(db, &scope, 0.40, &out, &err);
  fclose(out.stream);
  ck_assert_cg_ok(rc, &err);
  ck_assert_ptr_nonnull(strstr(text, "| Batch | order O-1014 (batch 1) |"));
  free(text);
}
END_TEST

START_TEST(test_unknown_batch_and_order)
{
  cg_report_scope batch = { 99, NULL, 0 }, order = { 0, "O-NOPE", 0 };
  cg_report_out out;
  cg_error err = { 0 };

  memset(&out, 0, sizeof(out));
  out.dir = t_tmp("x");
  ck_assert_int_eq(cg_report_from_log(db, &batch, 0.40, &out, &err),
                   CG_ENOTFOUND);
  ck_assert_str_eq(err.msg, "unknown batch 99");
  ck_assert_int_eq(cg_report_from_log(db, &order, 0.40, &out, &err),
                   CG_ENOTFOUND);
  ck_assert_str_eq(err.msg, "order O-NOPE has no recorded decision");
  ck_assert_ptr_null(fopen(t_tmp("x/report.md"), "r"));
}
END_TEST

/* A bad format or folder is refused before a batch row is written or an
 * order decided. */
START_TEST(test_refused_before_deciding)
{
  cg_batch_opts bo = CG_BATCH_OPTS_INIT;
  cg_batch_result res;
  cg_report_out out;
  cg_error err = { 0 };
  int64_t before = count_batches();

  memset(&out, 0, sizeof(out));
  out.dir = t_tmp("bad");
  out.formats = "md,xx";
  ck_assert_int_eq(cg_report_run_batch(db, pack, &bo, 0, &out, &res, &err),
                   CG_EUSAGE);
  out.dir = t_write("file", "not a folder\n");
  out.formats = NULL;
  ck_assert_int_eq(cg_report_run_batch(db, pack, &bo, 1, &out, &res, &err),
                   CG_EIO);
  ck_assert_int_eq(count_batches(), before);
}
END_TEST

/* all: the report after the batch covers every order's current decision. */
START_TEST(test_all)
{
  cg_batch_opts bo = CG_BATCH_OPTS_INIT;
  cg_batch_result res;
  cg_report_out out;
  cg_error err = { 0 };
  char *csv;
  size_t lines = 0, i;
  int rc;

  memset(&out, 0, sizeof(out));
  out.dir = t_tmp("all");
  out.formats = "csv,md";
  rc = cg_report_run_batch(db, pack, &bo, 1, &out, &res, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_str_eq(out.paths.path[CG_REPORT_HTML], "");
  csv = slurp(out.paths.path[CG_REPORT_CSV]);
  for(i = 0; csv[i]; i++)
    lines += csv[i] == '\n';
  ck_assert_int_eq(lines, 1 + 41 + 2);
  free(csv);
  csv = slurp(out.paths.path[CG_REPORT_MD]);
  ck_assert_ptr_nonnull(
      strstr(csv, "| Batch | every order's current decision |"));
  free(csv);
}
END_TEST

/* check on the demo data: the end-use options reach the rules, a bad
 * end-use country is refused, and the text names each licence on file
 * with why it does not cover; check writes nothing. */
START_TEST(test_check_end_use_and_licences)
{
  const char *super[] = { "check",
                          "--chip",
                          "NVIDIA L40",
                          "--customer",
                          "Lion Test Pte",
                          "--customer-hq",
                          "SG",
                          "--dest",
                          "SG",
                          "--date",
                          "2026-11-20",
                          "--end-use",
                          "a supercomputer in Wuxi, China",
                          NULL,
                          NULL,
                          NULL };
  const char *lic[] = { "check",
                        "--chip",
                        "NVIDIA H100 SXM5 80GB",
                        "--customer",
                        "Hanoi Data Systems JSC",
                        "--dest",
                        "VN",
                        "--qty",
                        "400",
                        "--date",
                        "2026-11-20",
                        NULL };
  char *before = t_db_dump(db_path), *after, *out = NULL, *errs = NULL;

  /* No end-use country: the text names China, so hold (red flag). */
  ck_assert_int_eq(t_run(db_path, &out, NULL, super), 10);
  ck_assert_ptr_nonnull(strstr(out, "EAR.732.redflag.end_use_place"));
  free(out);
  /* Used in China: the supercomputer end-use rule denies. */
  super[13] = "--end-use-country";
  super[14] = "CN";
  ck_assert_int_eq(t_run(db_path, &out, NULL, super), 20);
  ck_assert_ptr_nonnull(strstr(out, "EAR.744.23.a1.super"));
  free(out);
  /* Not a country: usage error naming the option. */
  super[14] = "D:5";
  ck_assert_int_eq(t_run(db_path, NULL, &errs, super), 64);
  ck_assert_ptr_nonnull(
      strstr(errs, "--end-use-country: unknown country code \"D:5\""));
  free(errs);
  super[13] = "--end-user-hq";
  super[14] = "XX";
  ck_assert_int_eq(t_run(db_path, NULL, &errs, super), 64);
  ck_assert_ptr_nonnull(strstr(errs, "--end-user-hq"));
  free(errs);
  /* 400 ordered, the licence has less left: it says so. */
  ck_assert_int_eq(t_run(db_path, &out, NULL, lic), 10);
  ck_assert_ptr_nonnull(strstr(out, "D1000001 (license): does not cover"));
  ck_assert_ptr_nonnull(strstr(out, "left of 300, 400 ordered"));
  free(out);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}
END_TEST

/* A symlink planted at a report's temp name is removed, never written
 * through; reports and a new database are readable by their owner only. */
START_TEST(test_planted_link_and_modes)
{
  const char *rep[] = { "report", "--all", "--out", NULL, NULL };
  char dir[600], tmp[700], victim[600], buf[64];
  struct stat st;
  FILE *f;

  snprintf(dir, sizeof(dir), "%s", t_tmp("out"));
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  snprintf(victim, sizeof(victim), "%s", t_write("victim.txt", "keep me\n"));
  snprintf(tmp, sizeof(tmp), "%s/report.md.tmp", dir);
  ck_assert_int_eq(symlink(victim, tmp), 0);
  rep[3] = dir;
  ck_assert_int_eq(t_run(db_path, NULL, NULL, rep), 0);
  f = fopen(victim, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
  fclose(f);
  ck_assert_str_eq(buf, "keep me\n");
  snprintf(tmp, sizeof(tmp), "%s/report.md", dir);
  ck_assert_int_eq(lstat(tmp, &st), 0);
  ck_assert_msg(S_ISREG(st.st_mode), "report.md is not a regular file");
  ck_assert_int_eq(st.st_mode & 077, 0);
  ck_assert_int_eq(stat(db_path, &st), 0);
  ck_assert_int_eq(st.st_mode & 077, 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("report_run");
  TCase *tc = tcase_create("run");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_batch_report_equals_log_report);
  tcase_add_test(tc, test_planted_link_and_modes);
  tcase_add_test(tc, test_json_holds_log_bytes);
  tcase_add_test(tc, test_one_order_to_stream);
  tcase_add_test(tc, test_unknown_batch_and_order);
  tcase_add_test(tc, test_refused_before_deciding);
  tcase_add_test(tc, test_all);
  tcase_add_test(tc, test_check_end_use_and_licences);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
