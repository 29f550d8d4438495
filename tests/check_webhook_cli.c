/* check_webhook_cli.c -- `chipgate webhook` as a person or a script uses
 * it (issue 15): the secret recipe in --help works when pasted, failed
 * deliveries say why and when they are retried, `webhook list` shows
 * failing endpoints, every subcommand's --format json parses, and every
 * bad value is refused with its exit status before anything is written.
 * Deliveries go to a real loopback receiver (tests/net/server.py). */
#include "helpers.h"
#include "core/http.h"
#include "net/netserver.h"
#include "net/webhook.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static t_server srv;
/* Copies: t_tmp's buffers are reused. */
static char db_path[600], secret_path[600];

static void setup(void)
{
  const char *args[] = { "--secret-file", secret_path, NULL };
  cg_store *db;

  snprintf(secret_path, sizeof(secret_path), "%s",
           t_write("hook.secret", SECRET "\n"));
  chmod(secret_path, 0600);
  t_server_start(&srv, args);
  db = t_db("hooks.db");
  cg_store_close(db);
  snprintf(db_path, sizeof(db_path), "%s", t_tmp("hooks.db"));
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

/* Runs argv on the test database; returns the exit status. */
static int run(char **out, char **errs, const char *const *argv)
{
  return t_run(db_path, out, errs, argv);
}

/* The JSON document out must be (fails the test otherwise). */
static const char *jstr(const cg_json *o, const char *key)
{
  const cg_json *v = cg_json_get(o, key);

  ck_assert_msg(v != NULL, "no key \"%s\"", key);
  return cg_json_type(v) == CG_JSON_STRING ? cg_json_string_value(v) : NULL;
}

static int64_t jint(const cg_json *o, const char *key)
{
  const cg_json *v = cg_json_get(o, key);

  ck_assert_msg(v && cg_json_type(v) == CG_JSON_INT, "no integer \"%s\"", key);
  return (int64_t)cg_json_number_value(v);
}

static void add_hook(const char *url)
{
  const char *argv[] = { "webhook",       "add",       url,
                         "--secret-file", secret_path, NULL };

  ck_assert_int_eq(run(NULL, NULL, argv), 0);
}

static void enqueue(const char *data)
{
  cg_store *db = t_db("hooks.db");
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(cg_webhook_enqueue(db, CG_EVENT_DECISION, data, NULL, &err),
                  &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  cg_store_close(db);
}

/* The line of text that holds needle (malloc'ed), leading blanks cut. */
static char *line_with(const char *text, const char *needle)
{
  const char *p = strstr(text, needle), *b, *e;
  char *s;

  ck_assert_msg(p != NULL, "no \"%s\" in %s", needle, text);
  for(b = p; b > text && b[-1] != '\n'; b--)
    ;
  while(*b == ' ')
    b++;
  e = strchr(p, '\n');
  if(!e)
    e = p + strlen(p);
  s = strndup(b, (size_t)(e - b));
  ck_assert_ptr_nonnull(s);
  return s;
}

/* The secret recipe of both helps, run by sh as printed, writes a secret
 * that `webhook add` takes (the help once printed a doubled percent). */
START_TEST(test_help_secret_recipe)
{
  const char *helps[][3] = { { "webhook", "--help", NULL },
                             { "webhook", "add", "--help" } };
  size_t i;

  for(i = 0; i < 2; i++) {
    const char *argv[] = { helps[i][0], helps[i][1], helps[i][2], NULL };
    char *out = NULL, *line, script[2048], file[64];
    const char *sh[] = { "-c", script, NULL };

    ck_assert_int_eq(run(&out, NULL, argv), 0);
    ck_assert_msg(!strstr(out, "%%"), "doubled percent in: %s", out);
    line = line_with(out, "printf 'whsec_");
    ck_assert_msg(strstr(line, "printf 'whsec_%s\\n'"), "%s", line);
    /* The recipe names hook.secret: run it in a folder of its own. */
    snprintf(file, sizeof(file), "recipe%zu", i);
    snprintf(script, sizeof(script), "mkdir -p '%s' && cd '%s' && %s",
             t_tmp(file), t_tmp(file), line);
    ck_assert_int_eq(t_run_env("/bin/sh", NULL, NULL, NULL, NULL, sh), 0);
    snprintf(file, sizeof(file), "recipe%zu/hook.secret", i);
    {
      char *secret = t_slurp(t_tmp(file));
      const char *add[] = { "webhook",       "add",       t_url(&srv, "/hook"),
                            "--secret-file", t_tmp(file), NULL };
      char *errs = NULL;

      ck_assert_ptr_nonnull(secret);
      ck_assert_msg(strncmp(secret, "whsec_", 6) == 0 && !strchr(secret, '%'),
                    "%s", secret);
      ck_assert_msg(run(NULL, &errs, add) == 0, "%s", errs);
      ck_assert_msg(!strstr(errs, "readable by other"), "%s", errs);
      free(errs);
      free(secret);
    }
    free(line);
    free(out);
  }
}
END_TEST

/* --new-secret writes a 0600 secret the receiver can use, never over an
 * existing file, and leaves nothing behind when the add fails. */
START_TEST(test_new_secret)
{
  char path[600], never[600];
  const char *add[] = { "webhook",      "add", t_url(&srv, "/hook"),
                        "--new-secret", path,  "--format",
                        "json",         NULL };
  const char *again[] = { "webhook",      "add", t_url(&srv, "/hook"),
                          "--new-secret", path,  NULL };
  const char *bad_url[] = { "webhook",      "add", "ftp://127.0.0.1/x",
                            "--new-secret", never, NULL };
  const char *no_db[] = { "webhook",      "add", t_url(&srv, "/hook"),
                          "--new-secret", never, NULL };
  char *out = NULL, *secret, *before, *after;
  struct stat sb;
  cg_json *v;

  snprintf(path, sizeof(path), "%s", t_tmp("new.secret"));
  snprintf(never, sizeof(never), "%s", t_tmp("never.secret"));

  ck_assert_int_eq(run(&out, NULL, add), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(jint(v, "id"), 1);
  ck_assert_str_eq(jstr(v, "events"), "*");
  ck_assert_str_eq(jstr(v, "secret_file"), path);
  ck_assert_int_eq(cg_json_is_true(cg_json_get(v, "enabled")), 1);
  ck_assert_int_eq(cg_json_is_true(cg_json_get(v, "new_secret")), 1);
  cg_json_free(v);
  ck_assert_msg(!strstr(out, "whsec_"), "secret printed: %s", out);
  free(out);
  ck_assert_int_eq(stat(path, &sb), 0);
  ck_assert_int_eq(sb.st_mode & 0777, 0600);
  secret = t_slurp(path);
  {
    char *stored = t_sql(db_path, "SELECT secret FROM webhooks");

    ck_assert_int_eq(strlen(secret), strlen(stored) + 1);
    ck_assert_int_eq(strncmp(stored, secret, strlen(stored)), 0);
    free(stored);
  }
  /* Delivered with it: the receiver checks the signature with it. */
  {
    const char *sargs[] = { "--record", t_tmp("rec.jsonl"), "--secret-file",
                            path, NULL };
    t_server other;
    const char *deliver[] = { "webhook", "deliver", NULL };
    char *rec;

    t_server_start(&other, sargs);
    {
      const char *add2[] = { "webhook",       "add", t_url(&other, "/hook"),
                             "--secret-file", path,  NULL };
      ck_assert_int_eq(run(NULL, NULL, add2), 0);
    }
    enqueue("{\"order_id\":\"O-NEW\"}");
    run(NULL, NULL, deliver);
    t_server_stop(&other);
    rec = t_slurp(t_tmp("rec.jsonl"));
    ck_assert_msg(rec && strstr(rec, "\"valid\": true"), "%s", rec);
    free(rec);
  }
  before = t_db_dump(db_path);
  ck_assert_int_eq(run(NULL, NULL, again), 64);
  ck_assert_int_eq(run(NULL, NULL, bad_url), 64);
  after = t_slurp(path);
  ck_assert_str_eq(after, secret);
  free(after);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  ck_assert_int_ne(access(never, F_OK), 0);
  /* No database: nothing is written either. */
  ck_assert_int_eq(t_run(t_tmp("missing.db"), NULL, NULL, no_db), 66);
  ck_assert_int_ne(access(never, F_OK), 0);
  free(secret);
}
END_TEST

/* Three endpoints that fail three ways: a 503 with Retry-After, a 410,
 * and nobody listening (with credentials in the URL). */
static char dead_url[128];

static void three_failing(void)
{
  snprintf(dead_url, sizeof(dead_url),
           "http://ops:hunter2@127.0.0.1:%d/hook?token=tok123", t_dead_port());
  add_hook(t_url(&srv, "/busy"));
  add_hook(t_url(&srv, "/gone"));
  add_hook(dead_url);
  enqueue("{\"order_id\":\"O-1\"}");
}

START_TEST(test_deliver_says_why)
{
  const char *argv[] = { "webhook", "deliver", NULL };
  char *out = NULL, *errs = NULL, *l;

  three_failing();
  ck_assert_int_eq(run(&out, &errs, argv), 75);
  ck_assert_msg(strstr(out, "3 attempted, 0 delivered, 3 failed"), "%s", out);
  ck_assert_msg(!strstr(errs, "hunter2") && !strstr(errs, "tok123"), "%s",
                errs);
  l = line_with(errs, "webhook 1 failed");
  ck_assert_msg(strstr(l, t_url(&srv, "/busy")) && strstr(l, "HTTP 503") &&
                    strstr(l, "body \"no\"") && strstr(l, "next retry 20") &&
                    strstr(l, "Retry-After: 120 s"),
                "%s", l);
  free(l);
  l = line_with(errs, "webhook 2 failed");
  ck_assert_msg(strstr(l, "HTTP 410") && strstr(l, "disabled") &&
                    strstr(l, "chipgate webhook enable 2"),
                "%s", l);
  free(l);
  l = line_with(errs, "webhook 3 failed");
  ck_assert_msg(strstr(l, "***@127.0.0.1") && strstr(l, "token=***") &&
                    strstr(l, "onnect") && strstr(l, "next retry 20") &&
                    strstr(l, "(in "),
                "%s", l);
  free(l);
  free(out);
  free(errs);
}
END_TEST

START_TEST(test_deliver_json_attempts)
{
  const char *argv[] = { "webhook", "deliver", "--format", "json", NULL };
  char *out = NULL;
  cg_json *v, *a;
  size_t i;

  three_failing();
  ck_assert_int_eq(run(&out, NULL, argv), 75);
  v = t_parse_json(out);
  ck_assert_int_eq(jint(v, "attempted"), 3);
  ck_assert_int_eq(jint(v, "failed"), 3);
  ck_assert_int_eq(jint(v, "disabled"), 1);
  ck_assert_msg(strstr(jstr(v, "summary"), "3 attempted"), "%s", out);
  a = cg_json_get(v, "attempts");
  ck_assert_int_eq(cg_json_size(a), 3);
  for(i = 0; i < 3; i++) {
    const cg_json *o = cg_json_at(a, i);
    int64_t id = jint(o, "webhook_id");
    const char *outcome = jstr(o, "outcome");

    ck_assert_int_eq(jint(o, "attempt"), 1);
    ck_assert_str_eq(jstr(o, "type"), "decision.made");
    ck_assert_ptr_nonnull(jstr(o, "error"));
    ck_assert_msg(!strstr(jstr(o, "url"), "hunter2"), "%s", out);
    if(id == 1) {
      ck_assert_int_eq(jint(o, "status_code"), 503);
      ck_assert_str_eq(jstr(o, "body"), "no");
      ck_assert_int_eq(jint(o, "retry_after"), 120);
      ck_assert_str_eq(outcome, "retry");
      ck_assert_ptr_nonnull(jstr(o, "next_attempt_at"));
    }
    else if(id == 2) {
      ck_assert_int_eq(jint(o, "status_code"), 410);
      ck_assert_str_eq(outcome, "disabled");
      ck_assert_ptr_null(jstr(o, "next_attempt_at"));
    }
    else {
      ck_assert_int_eq(cg_json_type(cg_json_get(o, "status_code")),
                       CG_JSON_NULL);
      ck_assert_ptr_null(jstr(o, "body"));
      ck_assert_str_eq(outcome, "retry");
      ck_assert_msg(strstr(jstr(o, "url"), "***@"), "%s", out);
    }
  }
  cg_json_free(v);
  free(out);
}
END_TEST

START_TEST(test_list_shows_failures)
{
  const char *deliver[] = { "webhook", "deliver", NULL };
  const char *list[] = { "webhook", "list", NULL };
  const char *json[] = { "webhook", "list", "--format", "json", NULL };
  char *out = NULL;
  cg_json *v, *o;

  three_failing();
  /* Before any attempt: nothing failing is shown. */
  ck_assert_int_eq(run(&out, NULL, list), 0);
  ck_assert_msg(!strstr(out, "failing") && !strstr(out, "last error"), "%s",
                out);
  free(out);
  ck_assert_int_eq(run(NULL, NULL, deliver), 75);
  ck_assert_int_eq(run(&out, NULL, list), 0);
  ck_assert_msg(strstr(out, "failing: 1 attempt in a row (1 failed in all)"),
                "%s", out);
  ck_assert_msg(strstr(out, "HTTP 503, body \"no\""), "%s", out);
  ck_assert_msg(strstr(out, "disabled: 410 Gone at 20"), "%s", out);
  ck_assert_msg(strstr(out, "`chipgate webhook enable 2` turns it back on "
                            "and resumes its 1 pending delivery"),
                "%s", out);
  ck_assert_msg(strstr(out, "next attempt 20"), "%s", out);
  ck_assert_msg(!strstr(out, "hunter2") && !strstr(out, "whsec"), "%s", out);
  free(out);
  ck_assert_int_eq(run(&out, NULL, json), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(cg_json_size(v), 3);
  o = cg_json_at(v, 0);
  ck_assert_int_eq(jint(o, "pending"), 1);
  ck_assert_int_eq(jint(o, "failures_in_a_row"), 1);
  ck_assert_int_eq(jint(o, "failed_attempts"), 1);
  ck_assert_int_eq(jint(o, "last_status_code"), 503);
  ck_assert_msg(strstr(jstr(o, "last_error"), "HTTP 503"), "%s", out);
  ck_assert_ptr_nonnull(jstr(o, "last_error_at"));
  ck_assert_ptr_nonnull(jstr(o, "next_attempt_at"));
  o = cg_json_at(v, 1);
  ck_assert_int_eq(cg_json_is_true(cg_json_get(o, "enabled")), 0);
  ck_assert_msg(strstr(jstr(o, "disabled_reason"), "410"), "%s", out);
  ck_assert_ptr_null(jstr(o, "next_attempt_at"));
  o = cg_json_at(v, 2);
  ck_assert_int_eq(cg_json_type(cg_json_get(o, "last_status_code")),
                   CG_JSON_NULL);
  cg_json_free(v);
  free(out);
}
END_TEST

/* A success ends the run of failures but not the count of them. */
START_TEST(test_list_after_recovery)
{
  const char *deliver[] = { "webhook", "deliver", NULL };
  const char *json[] = { "webhook", "list", "--format", "json", NULL };
  char *out = NULL;
  cg_json *v, *o;

  add_hook(t_url(&srv, "/flaky"));
  enqueue("{\"order_id\":\"O-2\"}");
  ck_assert_int_eq(run(NULL, NULL, deliver), 75);
  t_expect_sql(db_path, "retry now",
               "UPDATE deliveries SET next_attempt_at "
               "= 0; SELECT changes()",
               "1");
  ck_assert_int_eq(run(NULL, NULL, deliver), 0);
  ck_assert_int_eq(run(&out, NULL, json), 0);
  v = t_parse_json(out);
  o = cg_json_at(v, 0);
  ck_assert_int_eq(jint(o, "failures_in_a_row"), 0);
  ck_assert_int_eq(jint(o, "failed_attempts"), 1);
  ck_assert_int_eq(jint(o, "delivered"), 1);
  ck_assert_int_eq(jint(o, "last_status_code"), 500);
  ck_assert_ptr_null(jstr(o, "next_attempt_at"));
  cg_json_free(v);
  free(out);
}
END_TEST

/* remove and enable: JSON, and 66 for an id that does not exist. */
START_TEST(test_remove_enable_json)
{
  const char *en[] = { "webhook", "enable", "1", "--format", "json", NULL };
  const char *rm[] = { "webhook", "remove", "1", "--format", "json", NULL };
  char *out = NULL;
  cg_json *v;

  add_hook(t_url(&srv, "/hook"));
  ck_assert_int_eq(run(&out, NULL, en), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(jint(v, "id"), 1);
  ck_assert_int_eq(cg_json_is_true(cg_json_get(v, "enabled")), 1);
  ck_assert_int_eq(cg_json_is_true(cg_json_get(v, "removed")), 0);
  cg_json_free(v);
  free(out);
  ck_assert_int_eq(run(&out, NULL, rm), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(cg_json_is_true(cg_json_get(v, "removed")), 1);
  cg_json_free(v);
  free(out);
  /* Removed: a second remove or an enable finds nothing. */
  ck_assert_int_eq(run(NULL, NULL, rm), 66);
  ck_assert_int_eq(run(NULL, NULL, en), 66);
}
END_TEST

/* Every bad value: its exit status, a message naming it, and the
 * database as it was. */
START_TEST(test_bad_values)
{
  const char *bad = t_write("bad.secret", "whsec_%%s\n");
  const char *url = t_url(&srv, "/hook");
  const struct {
    int rc;
    const char *msg;
    const char *argv[10];
  } cases[] = {
    { 64, "--format", { "webhook", "list", "--format", "xml" } },
    { 64, "--format", { "webhook", "deliver", "--format", "xml" } },
    { 64, "--format", { "webhook", "remove", "1", "--format", "yaml" } },
    { 64, "--format", { "webhook", "enable", "1", "--format", "" } },
    { 64,
      "--format",
      { "webhook", "add", url, "--secret-file", secret_path, "--format",
        "xml" } },
    { 64, "not a webhook ID", { "webhook", "remove", "one" } },
    { 64, "not a webhook ID", { "webhook", "enable", "0" } },
    { 66, "no webhook with id 9", { "webhook", "remove", "9" } },
    { 66, "no webhook with id 9", { "webhook", "enable", "9" } },
    { 64, "--max-time", { "webhook", "deliver", "--max-time", "0" } },
    { 64, "--max-time", { "webhook", "deliver", "--max-time", "5s" } },
    { 66, "--cacert", { "webhook", "deliver", "--cacert", "/nonexistent" } },
    { 64,
      "unknown event \"order.eaten\"",
      { "webhook", "add", url, "--secret-file", secret_path, "--events",
        "decision.made,order.eaten" } },
    { 64,
      "plain http",
      { "webhook", "add", "http://example.com/h", "--secret-file",
        secret_path } },
    { 64, "one of --secret-file", { "webhook", "add", url } },
    { 64,
      "one of --secret-file",
      { "webhook", "add", url, "--secret-file", secret_path, "--new-secret",
        t_tmp("x.secret") } },
    { 66,
      "--secret-file",
      { "webhook", "add", url, "--secret-file", "/nonexistent/hook.secret" } },
    { 65, "whsec_", { "webhook", "add", url, "--secret-file", bad } },
    { 64, "unknown action", { "webhook", "frobnicate" } },
    { 64, "unknown option \"--frob\"", { "webhook", "list", "--frob" } },
    { 64, "--max-time needs a value", { "webhook", "deliver", "--max-time" } },
  };
  char *before, *after;
  size_t i;

  add_hook(url);
  before = t_db_dump(db_path);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *errs = NULL;

    ck_assert_msg(run(NULL, &errs, cases[i].argv) == cases[i].rc,
                  "case %zu (%s %s): want %d; %s", i, cases[i].argv[1],
                  cases[i].argv[2], cases[i].rc, errs);
    ck_assert_msg(strstr(errs, cases[i].msg), "case %zu: want \"%s\" in %s", i,
                  cases[i].msg, errs);
    /* The fix, in parentheses or on a line of its own: the command's
     * help, what to run or what to give. */
    ck_assert_msg(strstr(errs, " (") || strstr(errs, "\nchipgate: make"),
                  "case %zu: no fix in %s", i, errs);
    free(errs);
  }
  ck_assert_int_ne(access(t_tmp("x.secret"), F_OK), 0);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("webhook_cli");
  TCase *tc = tcase_create("cli");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_help_secret_recipe);
  tcase_add_test(tc, test_new_secret);
  tcase_add_test(tc, test_deliver_says_why);
  tcase_add_test(tc, test_deliver_json_attempts);
  tcase_add_test(tc, test_list_shows_failures);
  tcase_add_test(tc, test_list_after_recovery);
  tcase_add_test(tc, test_remove_enable_json);
  tcase_add_test(tc, test_bad_values);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  int failed;

  cg_http_global_init();
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  cg_http_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
