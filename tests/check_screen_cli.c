/* check_screen_cli.c -- `chipgate screen` as a person or a script uses it
 * (issue 15), on the demo database: each match names its list entry and
 * the `screen clear` command for it (which works when pasted), empty
 * fields leave no separators, colour only on a terminal and never with
 * NO_COLOR, country codes in any case, --format json on clear, revoke and
 * history, bad values refused before anything is written, and every
 * "  $ chipgate" example of the screen and webhook helps runs. */
/* posix_openpt and friends (a pseudo-terminal for the colour test). */
#define _XOPEN_SOURCE 700

#include "helpers.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SOPHGO     "Sophgo Technologies Ltd."
#define SOPHGO_EL  "7106d6a93ce34a25" /* its Entity List entry */
#define SOPHGO_SG  "fa8da7d2d327086f" /* the Singapore affiliate's */
#define BARE_ENTRY "t-bare"

static char demo_db[600]; /* built once per test case */
static char db_path[600]; /* each test's copy */

/* An Entity List entry with nothing but its name: no country, no Federal
 * Register notice, no licence text. */
static const char bare_csv[] =
    "_id,source,entity_number,type,programs,name,title,addresses,"
    "federal_register_notice,start_date,end_date,standard_order,"
    "license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
    "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_"
    "url,alt_names,citizenships,dates_of_birth,nationalities,places_of_"
    "birth,source_information_url,ids\n" BARE_ENTRY
    ",Entity List (EL) - Bureau of Industry and Security,,,,"
    "Quokka Bare Minimum Trading,,,,,,,,,,,,,,,,,,,,,,,\n";

static void setup_demo(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };
  const char *imp[] = { "import",   "parties", t_write("bare.csv", bare_csv),
                        "--format", "csl-csv", "--source",
                        "bare",     NULL };

  snprintf(demo_db, sizeof(demo_db), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(demo_db, NULL, NULL, demo), 0);
  ck_assert_int_eq(t_run(demo_db, NULL, NULL, imp), 0);
}

/* Each test gets its own copy of the demo database. */
static void setup(void)
{
  static int n;
  char name[32];

  snprintf(name, sizeof(name), "t%d.db", n++);
  snprintf(db_path, sizeof(db_path), "%s", t_tmp(name));
  t_copy_db(demo_db, db_path);
}

static int run(char **out, char **errs, const char *const *argv)
{
  return t_run(db_path, out, errs, argv);
}

static const char *jstr(const cg_json *o, const char *key)
{
  const cg_json *v = cg_json_get(o, key);

  ck_assert_msg(v != NULL, "no key \"%s\"", key);
  return cg_json_string_value(v);
}

static int64_t jint(const cg_json *o, const char *key)
{
  const cg_json *v = cg_json_get(o, key);

  ck_assert_msg(v && cg_json_type(v) == CG_JSON_INT, "no integer \"%s\"", key);
  return (int64_t)cg_json_number_value(v);
}

/* No empty field shows as a bare separator or empty brackets. */
static void no_empty_fields(const char *out)
{
  static const char *const bad[] = {
    "()",  "( ", "(;",  "; )", "[]",  "[;",
    "; ]", ";;", "; ;", ", )", ": ;", "\033"
  };
  size_t i;

  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    ck_assert_msg(!strstr(out, bad[i]), "\"%s\" in %s", bad[i], out);
}

/* The line of out holding needle, leading blanks cut (malloc'ed). */
static char *line_with(const char *out, const char *needle)
{
  const char *p = strstr(out, needle), *b, *e;

  ck_assert_msg(p != NULL, "no \"%s\" in %s", needle, out);
  for(b = p; b > out && b[-1] != '\n'; b--)
    ;
  while(*b == ' ')
    b++;
  e = strchr(p, '\n');
  return strndup(b, e ? (size_t)(e - b) : strlen(b));
}

START_TEST(test_match_names_entry_and_clear)
{
  const char *argv[] = { "screen", SOPHGO, NULL };
  char *out = NULL, *cmd, script[2048], *p;
  const char *sh[] = { "-c", script, NULL };

  ck_assert_int_eq(run(&out, NULL, argv), 10);
  no_empty_fields(out);
  ck_assert_msg(strstr(out, "sure     " SOPHGO " [entry " SOPHGO_EL
                            "; Entity List (EL)"),
                "%s", out);
  ck_assert_msg(strstr(out, "[entry " SOPHGO_SG ";"), "%s", out);
  cmd = line_with(out, "--entry " SOPHGO_SG);
  ck_assert_msg(strstr(cmd, "chipgate screen clear 'Sophgo Technologies "
                            "Ltd.' --entry " SOPHGO_SG " --reason TEXT"),
                "%s", cmd);
  /* Pasted with a reason, the command records the clearance. */
  p = strstr(cmd, " --reason TEXT");
  *p = '\0';
  snprintf(script, sizeof(script),
           "exec '%s' %s --reason 'Singapore affiliate' --reviewer alice",
           CG_BINARY, strstr(cmd, "screen clear"));
  ck_assert_int_eq(t_run_env("/bin/sh", db_path, NULL, NULL, NULL, sh), 0);
  t_expect_sql(db_path, "pasted clear",
               "SELECT entry_id || ' ' || reviewer FROM clearances",
               SOPHGO_SG " alice");
  free(cmd);
  free(out);
}
END_TEST

START_TEST(test_empty_fields_and_placeholder)
{
  const char *bare[] = { "screen", "Quokka Bare Minimum Trading", NULL };
  const char *moore[] = { "screen", "Moore Threads Technology", NULL };
  char *out = NULL, *l;

  ck_assert_int_eq(run(&out, NULL, bare), 10);
  no_empty_fields(out);
  l = line_with(out, "Quokka Bare Minimum Trading [");
  ck_assert_str_eq(l, "1.0000 sure     Quokka Bare Minimum Trading [entry "
                      "t-bare; Entity List (EL) - Bureau of Industry and "
                      "Security]");
  free(l);
  ck_assert_msg(!strstr(out, "license") && !strstr(out, "country"), "%s", out);
  free(out);
  /* Not a customer's name: the command names the argument to fill in. */
  ck_assert_int_eq(run(&out, NULL, moore), 10);
  no_empty_fields(out);
  ck_assert_msg(strstr(out, "(alias: Moore Threads)"), "%s", out);
  ck_assert_msg(strstr(out, "chipgate screen clear CUSTOMER --entry "), "%s",
                out);
  free(out);
}
END_TEST

START_TEST(test_country_any_case)
{
  const char *lower[] = { "screen", SOPHGO, "--country", "cn", NULL };
  const char *upper[] = { "screen", SOPHGO, "--country", "CN", NULL };
  const char *mixed[] = { "screen",   SOPHGO, "--country", "Cn",
                          "--format", "json", NULL };
  const char *unknown[] = { "screen", SOPHGO, "--country", "zz", NULL };
  char *a = NULL, *b = NULL, *errs = NULL;

  ck_assert_int_eq(run(&a, NULL, lower), 10);
  ck_assert_int_eq(run(&b, NULL, upper), 10);
  ck_assert_str_eq(a, b);
  ck_assert_msg(strstr(a, "country CN in entry's"), "%s", a);
  free(a);
  free(b);
  ck_assert_int_eq(run(&a, NULL, mixed), 10);
  cg_json_free(t_parse_json(a));
  free(a);
  ck_assert_int_eq(run(NULL, &errs, unknown), 64);
  ck_assert_msg(strstr(errs, "--country") && strstr(errs, "\"ZZ\""), "%s",
                errs);
  free(errs);
}
END_TEST

/* Runs argv under a pseudo-terminal (stdout only); NO_COLOR set when
 * no_color. Returns what the terminal got (malloc'ed). */
static char *run_pty(const char *const *argv, int no_color)
{
  int m = posix_openpt(O_RDWR | O_NOCTTY), st;
  const char *args[16];
  char *buf = calloc(1, 65536);
  size_t n = 0, i;
  ssize_t k;
  pid_t pid;

  ck_assert_int_ge(m, 0);
  ck_assert_ptr_nonnull(buf);
  ck_assert_int_eq(grantpt(m), 0);
  ck_assert_int_eq(unlockpt(m), 0);
  args[0] = CG_BINARY;
  for(i = 0; argv[i] && i < 14; i++)
    args[i + 1] = argv[i];
  args[i + 1] = NULL;
  fflush(NULL);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if(pid == 0) {
    int s = open(ptsname(m), O_RDWR), null = open("/dev/null", O_WRONLY);

    if(s < 0 || null < 0)
      _exit(127);
    dup2(s, 1);
    dup2(null, 2);
    setenv("CHIPGATE_DB", db_path, 1);
    setenv("CHIPGATE_DATA_DIR", t_source_dir(), 1);
    setenv("CHIPGATE_RULES", t_src("rules"), 0);
    if(no_color)
      setenv("NO_COLOR", "1", 1);
    else
      unsetenv("NO_COLOR");
    execv(args[0], (char *const *)args);
    _exit(127);
  }
  /* Read until the child is gone and the terminal drained (EIO). */
  while(n < 65535 && (k = read(m, buf + n, 65535 - n)) > 0)
    n += (size_t)k;
  waitpid(pid, &st, 0);
  close(m);
  return buf;
}

START_TEST(test_colour_only_on_a_terminal)
{
  const char *argv[] = { "screen", SOPHGO, NULL };
  const char *possible[] = { "screen", "Moore Threads Technology", NULL };
  char *tty = run_pty(argv, 0), *plain = run_pty(argv, 1), *out = NULL;

  /* A sure hit in the deny colour, the label then reset. */
  ck_assert_msg(strstr(tty, "\033[31m") || strstr(tty, "\033[1;31m"), "%s",
                tty);
  ck_assert_msg(strstr(tty, "sure    \033[0m"), "%s", tty);
  ck_assert_msg(!strstr(plain, "\033"), "NO_COLOR: %s", plain);
  ck_assert_msg(strstr(plain, "[entry " SOPHGO_EL), "%s", plain);
  free(tty);
  tty = run_pty(possible, 0);
  ck_assert_msg(strstr(tty, "\033[33m") || strstr(tty, "\033[1;33m"), "%s",
                tty);
  free(tty);
  free(plain);
  ck_assert_int_eq(run(&out, NULL, argv), 10);
  ck_assert_msg(!strstr(out, "\033"), "piped: %s", out);
  free(out);
}
END_TEST

START_TEST(test_clear_revoke_history_json)
{
  const char *alice[] = { "screen",
                          "clear",
                          SOPHGO,
                          "--entry",
                          SOPHGO_SG,
                          "--reason",
                          "Singapore affiliate",
                          "--reviewer",
                          "alice",
                          "--format",
                          "json",
                          NULL };
  const char *bob[] = { "screen",  "clear",    "12",     "--entry",
                        SOPHGO_SG, "--reason", "agreed", "--reviewer",
                        "bob",     "--format", "json",   NULL };
  const char *revoke[] = { "screen",   "revoke",     "1",     "--reason",
                           "mistaken", "--reviewer", "carol", "--format",
                           "json",     NULL };
  const char *history[] = { "screen",   "history", SOPHGO,
                            "--format", "json",    NULL };
  const char *by_entry[] = { "screen",   "history", "--entry", SOPHGO_EL,
                             "--format", "json",    NULL };
  char *out = NULL;
  cg_json *v, *o;

  ck_assert_int_eq(run(&out, NULL, alice), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(jint(v, "id"), 1);
  ck_assert_str_eq(jstr(v, "customer"), SOPHGO);
  ck_assert_str_eq(jstr(v, "entry_id"), SOPHGO_SG);
  ck_assert_msg(strstr(jstr(v, "list"), "Entity List"), "%s", out);
  ck_assert_str_eq(jstr(v, "reviewer"), "alice");
  ck_assert_str_eq(jstr(v, "reason"), "Singapore affiliate");
  ck_assert_str_eq(jstr(v, "status"), "in_force");
  ck_assert_ptr_nonnull(jstr(v, "cleared_at"));
  ck_assert_ptr_null(jstr(v, "revoked_by"));
  ck_assert_int_eq(jint(v, "reviewers_in_force"), 1);
  cg_json_free(v);
  free(out);
  /* The customer by its id: the same customer, a second reviewer. */
  ck_assert_int_eq(run(&out, NULL, bob), 0);
  v = t_parse_json(out);
  ck_assert_str_eq(jstr(v, "customer"), SOPHGO);
  ck_assert_int_eq(jint(v, "reviewers_in_force"), 2);
  cg_json_free(v);
  free(out);
  ck_assert_int_eq(run(&out, NULL, revoke), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(jint(v, "id"), 1);
  ck_assert_str_eq(jstr(v, "status"), "revoked");
  ck_assert_str_eq(jstr(v, "revoked_by"), "carol");
  ck_assert_str_eq(jstr(v, "revoke_reason"), "mistaken");
  cg_json_free(v);
  free(out);
  ck_assert_int_eq(run(&out, NULL, history), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(cg_json_size(v), 2);
  o = cg_json_at(v, 0);
  ck_assert_str_eq(jstr(o, "status"), "revoked");
  ck_assert_ptr_nonnull(jstr(o, "revoked_at"));
  o = cg_json_at(v, 1);
  ck_assert_str_eq(jstr(o, "reviewer"), "bob");
  ck_assert_str_eq(jstr(o, "status"), "in_force");
  cg_json_free(v);
  free(out);
  ck_assert_int_eq(run(&out, NULL, by_entry), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(cg_json_size(v), 0);
  cg_json_free(v);
  free(out);
}
END_TEST

START_TEST(test_bad_values)
{
  const struct {
    int rc;
    const char *msg;
    const char *argv[12];
  } cases[] = {
    { 64, "--threshold", { "screen", SOPHGO, "--threshold", "1.5" } },
    { 64, "--threshold", { "screen", SOPHGO, "--threshold", "-0.1" } },
    { 64, "--threshold", { "screen", SOPHGO, "--threshold", "high" } },
    { 64, "--limit", { "screen", SOPHGO, "--limit", "0" } },
    { 64, "--limit", { "screen", SOPHGO, "--limit", "1001" } },
    { 64, "--limit", { "screen", SOPHGO, "--limit", "5x" } },
    { 64, "--country", { "screen", SOPHGO, "--country", "chn" } },
    { 64, "--format", { "screen", SOPHGO, "--format", "xml" } },
    { 64,
      "--format",
      { "screen", "clear", SOPHGO, "--entry", SOPHGO_SG, "--reason", "r",
        "--reviewer", "a", "--format", "xml" } },
    { 64,
      "--format",
      { "screen", "revoke", "1", "--reason", "r", "--reviewer", "a",
        "--format", "csv" } },
    { 64, "--format", { "screen", "history", "--format", "html" } },
    { 64,
      "--reason",
      { "screen", "clear", SOPHGO, "--entry", SOPHGO_SG, "--reason", "  ",
        "--reviewer", "a" } },
    { 64,
      "positive number",
      { "screen", "revoke", "one", "--reason", "r", "--reviewer", "a" } },
    { 66,
      "no customer \"Nobody Ltd\"",
      { "screen", "clear", "Nobody Ltd", "--entry", SOPHGO_SG, "--reason", "r",
        "--reviewer", "a" } },
    { 66,
      "no list entry \"nope\"",
      { "screen", "clear", SOPHGO, "--entry", "nope", "--reason", "r",
        "--reviewer", "a" } },
    { 66,
      "no clearance #42",
      { "screen", "revoke", "42", "--reason", "r", "--reviewer", "a" } },
    { 66,
      "unknown customer \"Nobody Ltd\"",
      { "screen", "history", "Nobody Ltd" } },
    { 64, "unknown option \"--fuzzy\"", { "screen", SOPHGO, "--fuzzy" } },
    { 64, "--entry needs a value", { "screen", "history", "--entry" } },
    { 65,
      "control character",
      { "screen", "clear", SOPHGO, "--entry", SOPHGO_SG, "--reason",
        "two\nlines", "--reviewer", "a" } },
  };
  char *before = t_db_dump(db_path), *after;
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *errs = NULL;

    ck_assert_msg(run(NULL, &errs, cases[i].argv) == cases[i].rc,
                  "case %zu: want %d; %s", i, cases[i].rc, errs);
    ck_assert_msg(strstr(errs, cases[i].msg), "case %zu: want \"%s\" in %s", i,
                  cases[i].msg, errs);
    ck_assert_msg(cases[i].rc == 65 || strstr(errs, " ("),
                  "case %zu: no fix in %s", i, errs);
    free(errs);
  }
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}
END_TEST

/* Runs every "  $ chipgate ..." line of the help of argv, each in a
 * fresh copy of the demo and a folder of its own, by sh as printed;
 * expects 0 or the status of a trailing "# exit N". Returns how many. */
static int run_examples(const char *const *argv)
{
  char *out = NULL, *p, *e, script[4096], dir[64], *hash;
  const char *sh[] = { "-c", script, NULL };
  static int k;
  int n = 0;

  ck_assert_int_eq(run(&out, NULL, argv), 0);
  for(p = out; (p = strstr(p, "\n  $ chipgate ")) != NULL; p = e) {
    int want = 0, rc;
    char *errs = NULL, *line;

    p += 5;
    e = strchr(p, '\n');
    line = strndup(p, e ? (size_t)(e - p) : strlen(p));
    if(!e)
      e = p + strlen(p);
    hash = strstr(line, "  # exit ");
    if(hash) {
      want = atoi(hash + 9);
      *hash = '\0';
    }
    snprintf(dir, sizeof(dir), "ex%d", k++);
    setup();
    snprintf(script, sizeof(script),
             "mkdir '%s' && cd '%s' && chipgate() { '%s' \"$@\"; } && %s",
             t_tmp(dir), t_tmp(dir), CG_BINARY, line);
    rc = t_run_env("/bin/sh", db_path, NULL, NULL, &errs, sh);
    ck_assert_msg(rc == want, "%s: exit %d, want %d; %s", line, rc, want,
                  errs);
    free(errs);
    free(line);
    n++;
  }
  free(out);
  return n;
}

START_TEST(test_help_examples_run)
{
  const char *helps[][4] = {
    { "screen", "--help" },           { "screen", "clear", "--help" },
    { "screen", "revoke", "--help" }, { "screen", "history", "--help" },
    { "webhook", "--help" },          { "webhook", "add", "--help" },
  };
  size_t i;

  for(i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
    ck_assert_msg(run_examples(helps[i]) >= 1, "no example in %s %s",
                  helps[i][0], helps[i][1]);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("screen_cli");
  TCase *tc = tcase_create("demo");

  tcase_add_unchecked_fixture(tc, setup_demo, t_tmp_cleanup);
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_match_names_entry_and_clear);
  tcase_add_test(tc, test_empty_fields_and_placeholder);
  tcase_add_test(tc, test_country_any_case);
  tcase_add_test(tc, test_colour_only_on_a_terminal);
  tcase_add_test(tc, test_clear_revoke_history_json);
  tcase_add_test(tc, test_bad_values);
  tcase_add_test(tc, test_help_examples_run);
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
