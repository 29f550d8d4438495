/* check_cli.c -- the conventions every command follows (issue 15), through
 * the chipgate binary on a demo database: --format json on every command
 * parses, a bad --format is refused before any work, country codes in any
 * case, --version names the rule pack and the lists, numbers are never
 * rounded across a threshold, no colour in a pipe, and option errors name
 * the option. */
#include "helpers.h"

#include "core/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[512];

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

/* Runs argv on the demo database; asserts exit want; returns stdout
 * (malloc'ed). */
static char *run(int want, const char *const *argv)
{
  char *out = NULL, *errout = NULL;
  int rc = t_run(db_path, &out, &errout, argv);

  ck_assert_msg(rc == want, "%s %s: exit %d, want %d: %s", argv[0],
                argv[1] ? argv[1] : "", rc, want, errout);
  ck_assert_msg(!strchr(out, '\033') && !strchr(errout, '\033'),
                "%s: colour in a pipe", argv[0]);
  free(errout);
  return out;
}

/* ---- --format json everywhere --------------------------------------------
 */

/* Every command with --format json, in an order that works on one demo
 * database (state-changing steps on distinct orders); exit codes as the
 * command documents them. */
typedef struct json_case {
  int want;
  int lines;            /* JSON Lines: each line one document */
  const char *argv[12]; /* "@NAME": the file NAME in the temp folder */
} json_case;

static const json_case json_cases[] = {
  /* first: it makes the demo database afresh */
  { 0, 0, { "demo", "--out", "@reports2", "--format", "json" } },
  { 0, 0, { "init", "--format", "json" } },
  { 0, 0, { "classify", "NVIDIA H100 SXM5 80GB", "--format", "json" } },
  { 0,
    0,
    { "check", "--chip", "NVIDIA H100 SXM5 80GB", "--customer",
      "Nordic AI Cloud AB", "--dest", "SE", "--format", "json" } },
  { 20,
    0,
    { "check", "--chip", "NVIDIA H100 SXM5 80GB", "--customer", "Acme",
      "--customer-hq", "CN", "--dest", "CN", "--format", "json" } },
  { 0, 0, { "import", "orders", "@orders.csv", "--format", "json" } },
  { 0, 0, { "batch", "--format", "json" } },
  { 0, 0, { "batch", "--format", "json" } }, /* nothing left: batch null */
  { 0, 0, { "report", "O-1001", "--format", "json" } },
  { 0, 0, { "rules", "lint", "--format", "json" } },
  { 0, 0, { "rules", "test", "--format", "json" } },
  { 0, 0, { "rules", "show", "--format", "json" } },
  { 0, 0, { "rules", "show", "EAR.3A090.a", "--format", "json" } },
  { 0, 0, { "list", "orders", "--format", "json" } },
  { 0, 0, { "list", "licenses", "--format", "json" } },
  { 0, 0, { "list", "customers", "--format", "json" } },
  { 0, 0, { "list", "chips", "--format", "json" } },
  { 0, 0, { "list", "clearances", "--format", "json" } },
  { 0, 0, { "show", "order", "O-1016", "--format", "json" } },
  { 0, 0, { "complete", "chips", "NVIDIA H1", "--format", "json" } },
  { 10, 0, { "screen", "Sophgo", "--format", "json" } },
  { 0, 0, { "screen", "history", "--format", "json" } },
  { 0, 0, { "audit", "head", "--format", "json" } },
  { 0, 0, { "audit", "verify", "--format", "json" } },
  { 0, 1, { "audit", "show", "--order", "O-1001", "--format", "json" } },
  { 0,
    0,
    { "webhook", "add", "https://hooks.example.com/c", "--new-secret",
      "@hook.secret", "--format", "json" } },
  { 0, 0, { "webhook", "list", "--format", "json" } },
  { 0, 0, { "webhook", "remove", "1", "--format", "json" } },
  { 0, 0, { "token", "add", "erp", "--role", "submit", "--format", "json" } },
  { 0, 0, { "token", "list", "--format", "json" } },
  { 0, 0, { "token", "revoke", "erp", "--format", "json" } },
  { 0,
    0,
    { "review", "O-1041", "--release", "--reviewer", "A. Officer", "--reason",
      "other address", "--format", "json" } },
  { 0,
    0,
    { "nac", "O-1015", "--filed", "2026-11-20", "--ref", "NAC-1", "--format",
      "json" } },
  { 0,
    0,
    { "ship", "O-1001", "--qty", "1", "--date", "2026-11-20", "--format",
      "json" } },
  { 0,
    0,
    { "cancel", "O-1013", "--reason", "withdrawn", "--format", "json" } },
};

/* Commands whose JSON another test drives, because it needs what this
 * one lacks: `sync` an HTTP server (check_longwork, check_sync*);
 * `serve` runs until stopped (check_server). */
static const char *const json_elsewhere[] = { "sync", "serve", NULL };

/* doc must be an object or an array (ctx names the command). */
static void expect_json(const char *doc, size_t len, const char *ctx)
{
  cg_json *v = NULL;
  cg_error err = { 0 };
  int rc = cg_json_parse(&v, doc, len, ctx, &err);

  ck_assert_msg(rc == CG_OK, "%s: not JSON: %s\n%.*s", ctx, err.msg, (int)len,
                doc);
  ck_assert_msg(cg_json_type(v) == CG_JSON_OBJECT ||
                    cg_json_type(v) == CG_JSON_ARRAY,
                "%s: not an object or array", ctx);
  cg_json_free(v);
}

/* Whether the table (or json_elsewhere) runs command cmd. */
static int covered(const char *cmd)
{
  size_t i;

  for(i = 0; json_elsewhere[i]; i++)
    if(!strcmp(json_elsewhere[i], cmd))
      return 1;
  for(i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++)
    if(!strcmp(json_cases[i].argv[0], cmd))
      return 1;
  return 0;
}

START_TEST(test_every_command_json_parses)
{
  const char *help[] = { "--help", NULL };
  char *out, *line, *save = NULL;
  size_t i, k;

  t_write("orders.csv", "order_id,customer,chip,destination,quantity,"
                        "ship_date\n"
                        "J-1,Nordic AI Cloud AB,NVIDIA H100 SXM5 80GB,se,8,"
                        "2026-11-20\n");
  for(i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
    const json_case *c = &json_cases[i];
    const char *argv[12] = { 0 };
    const char *p, *ctx = c->argv[0];
    for(k = 0; k < 11 && c->argv[k]; k++)
      argv[k] = c->argv[k][0] == '@' ? t_tmp(c->argv[k] + 1) : c->argv[k];
    out = run(c->want, argv);
    if(!c->lines)
      expect_json(out, strlen(out), ctx);
    for(p = out; c->lines && *p; p = strchr(p, '\n') + 1) {
      ck_assert_msg(strchr(p, '\n'), "%s: a line without its newline", ctx);
      expect_json(p, (size_t)(strchr(p, '\n') - p), ctx);
    }
    ck_assert_msg(!c->lines || *out, "%s: no JSON lines", ctx);
    free(out);
  }
  /* Every command `chipgate --help` lists is in the table. */
  out = run(0, help);
  line = strstr(out, "commands:\n");
  ck_assert_ptr_nonnull(line);
  for(line = strtok_r(line + 10, "\n", &save); line && line[0] == ' ';
      line = strtok_r(NULL, "\n", &save)) {
    char cmd[32];
    ck_assert_int_eq(sscanf(line, " %31s", cmd), 1);
    ck_assert_msg(covered(cmd), "%s: no --format json case", cmd);
  }
  free(out);
}
END_TEST

/* ---- numbers ---------------------------------------------------------- */

START_TEST(test_numbers_never_rounded_across_a_threshold)
{
  static const struct {
    double v;
    int decimals;
    const char *want;
  } cases[] = {
    { 4799.98, 0, "4799.98" }, /* "4800" would read as 3A090.a */
    { 4800.0, 0, "4800" },
    { 4800.4, 0, "4800.4" }, /* "4800" would read as not above it */
    { 4800.0000001, 0, "4800.0000001" },
    { 15832.0, 0, "15832" },
    { 15831.6, 0, "15831.6" },
    { 1599.5, 0, "1599.5" },
    { 4799.999999, 0, "4799.99" },
    { 7.4, 0, "7.4" },       /* node <= 7 nm */
    { 5.9199, 2, "5.9199" }, /* PD 5.92 is a threshold */
    { 5.92, 2, "5.92" },
    { 5.9, 2, "5.90" },
    { 5.925, 2, "5.925" },
    { 19.4496314496315, 2, "19.4496" },
    { 0.0, 2, "0.00" },
    { -0.0, 0, "0" },
    { -0.001, 2, "-0.001" },
  };
  static const struct {
    double v;
    int sig;
    const char *want;
  } sig[] = {
    { 15832.0, 6, "15832" },          { 5.9199, 6, "5.9199" },
    { 4799.9999875, 6, "4799.9999" }, { 3.2e25, 3, "3.2e+25" },
    { 9.996e25, 3, "9.996e+25" },     { 1e26, 3, "1e+26" },
    { 0.9462, 2, "0.9462" },
  };
  char buf[64];
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    ck_assert_msg(
        !strcmp(cg_text_num(buf, sizeof(buf), cases[i].v, cases[i].decimals),
                cases[i].want),
        "%.17g at %d decimals: \"%s\", want \"%s\"", cases[i].v,
        cases[i].decimals, buf, cases[i].want);
  for(i = 0; i < sizeof(sig) / sizeof(sig[0]); i++)
    ck_assert_msg(
        !strcmp(cg_text_num_sig(buf, sizeof(buf), sig[i].v, sig[i].sig),
                sig[i].want),
        "%.17g at %d digits: \"%s\", want \"%s\"", sig[i].v, sig[i].sig, buf,
        sig[i].want);
  ck_assert_str_eq(cg_text_num(buf, sizeof(buf), NAN, 0), "?");
}
END_TEST

/* Around each threshold of the pack, the printed number compares with it
 * as the value does (<, ==, >), whichever way the value was made. */
START_TEST(test_numbers_keep_their_side_near_thresholds)
{
  static const struct {
    double t;
    int decimals;
  } th[] = { { 4800, 0 }, { 1600, 0 }, { 2400, 0 }, { 21000, 0 }, { 7, 0 },
             { 16, 0 },   { 5.92, 2 }, { 1.6, 2 },  { 3.2, 2 } };
  static const double steps[] = { 1e-12, 1e-9, 1e-6, 1e-4, 1e-3, 0.004,
                                  0.005, 0.01, 0.05, 0.4,  0.5,  0.6 };
  char buf[64];
  size_t i, k;
  int sgn, ulp;

  for(i = 0; i < sizeof(th) / sizeof(th[0]); i++)
    for(k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
      for(sgn = -1; sgn <= 1; sgn++)
        for(ulp = -2; ulp <= 2; ulp++) {
          double v = th[i].t + sgn * steps[k], p;
          int j;
          for(j = 0; j < abs(ulp); j++)
            v = nextafter(v, ulp < 0 ? -INFINITY : INFINITY);
          cg_text_num(buf, sizeof(buf), v, th[i].decimals);
          p = strtod(buf, NULL);
          ck_assert_msg((v < th[i].t) == (p < th[i].t) &&
                            (v == th[i].t) == (p == th[i].t),
                        "%.17g printed \"%s\": other side of %g", v, buf,
                        th[i].t);
        }
}
END_TEST

/* A chip of TPP 4799.98 (just under 3A090.a's 4800) is 3A090.b, and
 * check prints the TPP it classified, not 4800. */
START_TEST(test_check_prints_tpp_on_its_side)
{
  const char *csv =
      t_write("edge.csv", "name,vendor,node,die_area_mm2,"
                          "fp8_tflops,datacenter\n"
                          "Edge 4799,Test,4N,814,599.9975,yes\n");
  const char *imp[] = { "import", "chips", csv, NULL };
  const char *check[] = {
    "check",  "--chip", "Edge 4799", "--customer", "Nordic AI Cloud AB",
    "--dest", "SE",     NULL
  };
  const char *cls[] = { "classify", "Edge 4799", NULL };
  char *out;

  free(run(0, imp));
  out = run(0, check);
  ck_assert_msg(strstr(out, "ECCN 3A090.b, TPP 4799.98,"), "%s", out);
  free(out);
  out = run(0, cls);
  ck_assert_msg(strstr(out, "4799.98") && !strstr(out, "4800"), "%s", out);
  free(out);
}
END_TEST

/* ---- country codes ------------------------------------------------------ */

START_TEST(test_country_codes_in_any_case)
{
  const char *check[] = {
    "check",      "--chip",       "NVIDIA H100 SXM5 80GB",
    "--customer", "Acme Compute", "--customer-hq",
    "cn",         "--dest",       "cn",
    NULL
  };
  const char *cust = t_write("c.csv", "name,country,hq_country\n"
                                      "Lower Case Ltd,se,se\n");
  const char *ord = t_write("o.csv", "order_id,customer,chip,destination,"
                                     "quantity,ship_date\n"
                                     "LC-1,Lower Case Ltd,NVIDIA H100 SXM5 "
                                     "80GB,se,1,2026-11-20\n");
  const char *imp_c[] = { "import", "customers", cust, NULL };
  const char *imp_o[] = { "import", "orders", ord, NULL };
  char *out, *v;

  out = run(20, check);
  ck_assert_msg(strstr(out, "to CN for Acme Compute"), "%s", out);
  free(out);
  free(run(0, imp_c));
  free(run(0, imp_o));
  v = t_sql(db_path, "SELECT o.destination || ' ' || c.country || ' ' || "
                     "c.hq_country FROM orders o JOIN customers c ON "
                     "c.id = o.customer_id WHERE o.order_id = 'LC-1'");
  ck_assert_str_eq(v, "SE SE SE");
  free(v);
}
END_TEST

/* ---- --version ------------------------------------------------------------
 */

START_TEST(test_version_names_pack_and_lists)
{
  const char *ver[] = { "--version", NULL };
  const char *ver_none[] = { "--version", "--db", "", NULL };
  char *out = run(0, ver);

  ck_assert_msg(strstr(out, "chipgate "), "%s", out);
  ck_assert_msg(strstr(out, "\nruleset: sha256:"), "%s", out);
  ck_assert_msg(strstr(out, "\nlists: csl: "), "%s", out);
  ck_assert_msg(strstr(out, " entries, sha256 "), "%s", out);
  free(out);
  ver_none[2] = t_tmp("none.db");
  out = run(0, ver_none);
  ck_assert_msg(strstr(out, "(none yet"), "%s", out);
  free(out);
  ck_assert_ptr_null(fopen(t_tmp("none.db"), "r")); /* nothing created */
}
END_TEST

/* ---- output that cannot be written -------------------------------------- */

START_TEST(test_unwritable_output_fails)
{
  char cmd[1024], *errout = NULL;
  const char *argv[] = { "-c", cmd, NULL };

  snprintf(cmd, sizeof(cmd),
           "'%s' check --chip 'NVIDIA H100 SXM5 80GB' --customer Acme "
           "--customer-hq CN --dest CN --format json > /dev/full",
           CG_BINARY);
  /* a deny (20) whose answer never arrived is an I/O failure, not a 20 */
  ck_assert_int_eq(t_run_env("/bin/sh", db_path, NULL, NULL, &errout, argv),
                   74);
  ck_assert_msg(strstr(errout, "cannot write the output"), "%s", errout);
  free(errout);
}
END_TEST

/* ---- option errors ---------------------------------------------------------
 */

/* exit want, the message holds text, the database unchanged */
static void refused(int want, const char *text, const char *const *argv)
{
  char *before = t_db_dump(db_path), *after, *errout = NULL;
  int rc = t_run(db_path, NULL, &errout, argv);

  ck_assert_msg(rc == want, "%s %s: exit %d, want %d: %s", argv[0],
                argv[1] ? argv[1] : "", rc, want, errout);
  ck_assert_msg(strstr(errout, text), "%s %s: \"%s\" not in: %s", argv[0],
                argv[1] ? argv[1] : "", text, errout);
  after = t_db_dump(db_path);
  ck_assert_msg(!strcmp(before, after), "%s changed the database", argv[0]);
  free(before);
  free(after);
  free(errout);
}

START_TEST(test_option_errors_name_the_option)
{
  const char *typo[] = {
    "review", "O-1041", "--relase", "--reason", "x", NULL
  };
  const char *novalue[] = { "cancel", "O-1013", "--reason", NULL };
  const char *fmt[] = { "ship", "O-1001", "--format", "xml", NULL };
  const char *seed[] = { "init", "--seed", t_tmp("nope"), NULL };

  const char *prefix[] = { "check", "--ch", NULL };
  const char *ambiguous[] = { "check", "--c", "x", NULL };
  const char *cluster[] = { "check", "--chip=NVIDIA B200", "-zq", NULL };

  refused(64, "unknown option \"--relase\"", typo);
  refused(64, "option --chip needs a value", prefix);
  refused(64, "option \"--c\" is ambiguous (--chip, --customer", ambiguous);
  refused(64, "unknown option -z", cluster);
  {
    const char *cacert[] = { "sync",     "lists",
                             "--url",    "http://127.0.0.1:9/x.csv",
                             "--cacert", t_tmp("none.pem"),
                             NULL };
    const char *clear[] = { "list", "clearances", "--customer", "NOPE", NULL };
    /* checked before any connection, named in the message */
    refused(66, "--cacert", cacert);
    refused(66, "unknown customer \"NOPE\"", clear);
  }
  refused(64, "option --reason needs a value", novalue);
  refused(64, "--format must be text or json, not \"xml\"", fmt);
  refused(66, "is not a folder", seed);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("cli");
  TCase *tc = tcase_create("conventions");

  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_every_command_json_parses);
  tcase_add_test(tc, test_numbers_never_rounded_across_a_threshold);
  tcase_add_test(tc, test_numbers_keep_their_side_near_thresholds);
  tcase_add_test(tc, test_check_prints_tpp_on_its_side);
  tcase_add_test(tc, test_country_codes_in_any_case);
  tcase_add_test(tc, test_version_names_pack_and_lists);
  tcase_add_test(tc, test_option_errors_name_the_option);
  tcase_add_test(tc, test_unwritable_output_fails);
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
