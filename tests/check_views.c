/* check_views.c -- `list` and `show` on the demo database through the
 * built binary: filters, text tables within 80 columns, JSON that parses
 * with the documented shapes, any kind of log entry shown, bad input
 * refused with the right exit code and nothing written. */
#include "helpers.h"

#include "core/json.h"
#include "decide/audit.h"
#include "model/order.h"

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

/* Runs chipgate with argv; returns stdout (malloc'ed), checks the exit. */
static char *run_ok(const char *const *argv)
{
  char *out = NULL, *err = NULL;
  int rc = t_run(db_path, &out, &err, argv);

  ck_assert_msg(rc == 0, "%s exited %d: %s", argv[0], rc, err);
  free(err);
  return out;
}

static cg_json *run_json(const char *const *argv)
{
  char *out = run_ok(argv);
  cg_json *v = NULL;
  cg_error err = { 0 };
  int rc = cg_json_parse(&v, out, strlen(out), "stdout", &err);

  ck_assert_cg_ok(rc, &err);
  free(out);
  return v;
}

/* Every line of text at most 80 columns (code points), and it has n
 * lines or more. */
static void assert_fits(const char *text, int min_lines)
{
  int lines = 0, cols = 0;
  const char *p;

  for(p = text; *p; p++) {
    if(*p == '\n') {
      lines++;
      cols = 0;
      continue;
    }
    cols += ((unsigned char)*p & 0xC0) != 0x80;
    ck_assert_msg(cols <= 80, "line %d wider than 80 columns:\n%s", lines + 1,
                  text);
  }
  ck_assert_int_ge(lines, min_lines);
}

static const char *str(const cg_json *o, const char *key)
{
  const char *s = cg_json_string_value(cg_json_get(o, key));
  return s ? s : "(null)";
}

static const cg_json *find(const cg_json *arr, const char *key,
                           const char *val)
{
  size_t i;

  for(i = 0; i < cg_json_size(arr); i++) {
    if(strcmp(str(cg_json_at(arr, i), key), val) == 0)
      return cg_json_at(arr, i);
  }
  return NULL;
}

START_TEST(test_list_orders_text)
{
  const char *argv[] = { "list", "orders", NULL };
  char *out = run_ok(argv);

  assert_fits(out, 43);
  ck_assert_msg(strncmp(out, "ORDER ", 6) == 0, "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "O-1001 "));
  ck_assert_ptr_nonnull(strstr(out, "license_required"));
  ck_assert_ptr_nonnull(strstr(out, "\u2026")); /* long names cut */
  ck_assert_ptr_nonnull(strstr(out, "(41 orders)\n"));
  free(out);
}
END_TEST

START_TEST(test_list_orders_filters)
{
  const char *all[] = { "list", "orders", "--format", "json", NULL };
  const char *held[] = { "list", "orders",   "--state", "open", "--outcome",
                         "hold", "--format", "json",    NULL };
  const char *cust[] = { "list",       "orders",
                         "--customer", "Hanoi Data Systems JSC",
                         "--format",   "json",
                         NULL };
  const char *late[] = { "list",     "orders", "--since", "2100-01-01",
                         "--format", "json",   NULL };
  const char *early[] = { "list",     "orders", "--since", "2000-01-01",
                          "--format", "json",   NULL };
  cg_json *v = run_json(all), *w;
  const cg_json *o;
  size_t i;

  ck_assert_uint_eq(cg_json_size(v), 41);
  o = find(v, "order_id", "O-1006");
  ck_assert_ptr_nonnull(o);
  ck_assert_str_eq(str(o, "outcome"), "licensed");
  ck_assert_str_eq(str(o, "state"), "releasable");
  ck_assert_str_eq(str(o, "customer"), "Hanoi Data Systems JSC");
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(o, "quantity")), 200);
  cg_json_free(v);

  v = run_json(held);
  ck_assert_uint_eq(cg_json_size(v), 3);
  ck_assert_ptr_nonnull(find(v, "order_id", "O-1016"));
  for(i = 0; i < cg_json_size(v); i++) {
    ck_assert_str_eq(str(cg_json_at(v, i), "outcome"), "hold");
    ck_assert_str_eq(str(cg_json_at(v, i), "state"), "open");
  }
  cg_json_free(v);

  v = run_json(cust);
  ck_assert_uint_ge(cg_json_size(v), 2);
  ck_assert_ptr_nonnull(find(v, "order_id", "O-1006"));
  ck_assert_ptr_nonnull(find(v, "order_id", "O-1007"));
  for(i = 0; i < cg_json_size(v); i++)
    ck_assert_str_eq(str(cg_json_at(v, i), "customer"),
                     "Hanoi Data Systems JSC");
  cg_json_free(v);

  v = run_json(late);
  w = run_json(early);
  ck_assert_uint_eq(cg_json_size(v), 0);
  ck_assert_uint_eq(cg_json_size(w), 41);
  cg_json_free(v);
  cg_json_free(w);
}
END_TEST

START_TEST(test_list_licenses)
{
  const char *json[] = { "list", "licenses", "--format", "json", NULL };
  const char *text[] = { "list", "licenses", NULL };
  cg_json *v = run_json(json);
  const cg_json *l = find(v, "number", "D1000001");
  char *out = run_ok(text);

  /* O-1006 drew 200 of its 300. */
  ck_assert_ptr_nonnull(l);
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(l, "max_qty")), 300);
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(l, "used")), 200);
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(l, "remaining")),
                   100);
  ck_assert_str_eq(str(l, "valid_to"), "2027-12-31");
  /* An approval has no quantity: null, not 0. */
  l = find(v, "kind", "approved_ic_designer");
  ck_assert_ptr_nonnull(l);
  ck_assert_int_eq(cg_json_type(cg_json_get(l, "remaining")), CG_JSON_NULL);
  assert_fits(out, 3);
  ck_assert_ptr_nonnull(strstr(out, "D1000001"));
  ck_assert_ptr_nonnull(strstr(out, " 300   200   100\n"));
  cg_json_free(v);
  free(out);
}
END_TEST

START_TEST(test_list_customers_chips)
{
  const char *cj[] = { "list", "customers", "--format", "json", NULL };
  const char *ct[] = { "list", "customers", NULL };
  const char *hj[] = { "list", "chips", "--format", "json", NULL };
  const char *ht[] = { "list", "chips", NULL };
  cg_json *c = run_json(cj), *h = run_json(hj);
  const cg_json *o;
  char *out;

  /* A quoted name with a line break must not print as a row of its own. */
  t_write("ml.csv", "name,country\n\"Multi\nForged Row\",DE\n");
  ck_assert_int_eq(t_run(db_path, NULL, NULL,
                         (const char *const[]){ "import", "customers",
                                                t_tmp("ml.csv"), NULL }),
                   0);
  cg_json_free(c);
  c = run_json(cj);
  out = run_ok(ct);
  ck_assert_ptr_nonnull(strstr(out, "Multi\uFFFDForged Row"));
  ck_assert_ptr_null(strstr(out, "\nForged Row"));
  free(out);
  o = find(c, "name", "Hanoi Data Systems JSC");
  ck_assert_ptr_nonnull(o);
  ck_assert_str_eq(str(o, "country"), "VN");
  o = find(h, "name", "NVIDIA H100 SXM5 80GB");
  ck_assert_ptr_nonnull(o);
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(o, "tpp")), 15832);
  out = run_ok(ct);
  assert_fits(out, (int)cg_json_size(c) + 2);
  free(out);
  out = run_ok(ht);
  assert_fits(out, (int)cg_json_size(h) + 2);
  ck_assert_ptr_nonnull(strstr(out, "15832"));
  free(out);
  cg_json_free(c);
  cg_json_free(h);
}
END_TEST

START_TEST(test_list_clearances)
{
  const char *clear[] = { "screen",
                          "clear",
                          "Moore Threads Technology Co Ltd",
                          "--entry",
                          "d42420ab509767ac",
                          "--reason",
                          "different company: Shanghai office, checked "
                          "the registry",
                          "--reviewer",
                          "alice",
                          NULL };
  const char *json[] = { "list", "clearances", "--format", "json", NULL };
  const char *text[] = { "list", "clearances", NULL };
  const char *other[] = { "list",       "clearances",
                          "--customer", "Hanoi Data Systems JSC",
                          "--format",   "json",
                          NULL };
  cg_json *v;
  char *out;

  free(run_ok(clear));
  v = run_json(json);
  ck_assert_uint_eq(cg_json_size(v), 1);
  ck_assert_str_eq(str(cg_json_at(v, 0), "reviewer"), "alice");
  ck_assert_str_eq(str(cg_json_at(v, 0), "status"), "in_force");
  ck_assert_str_eq(str(cg_json_at(v, 0), "entry_id"), "d42420ab509767ac");
  cg_json_free(v);
  v = run_json(other);
  ck_assert_uint_eq(cg_json_size(v), 0);
  cg_json_free(v);
  out = run_ok(text);
  assert_fits(out, 3);
  ck_assert_ptr_nonnull(strstr(out, "alice"));
  ck_assert_ptr_nonnull(strstr(out, "in_force"));
  ck_assert_ptr_nonnull(strstr(out, "\u2026")); /* the long reason cut */
  free(out);
}
END_TEST

START_TEST(test_show_order)
{
  const char *json[] = { "show", "order", "O-1006", "--format", "json", NULL };
  const char *text[] = { "show", "order", "O-1006", NULL };
  cg_json *v = run_json(json);
  const cg_json *e, *d;
  char *out;

  ck_assert_str_eq(str(cg_json_get(v, "order"), "order_id"), "O-1006");
  ck_assert_str_eq(str(v, "state"), "releasable");
  ck_assert_str_eq(str(v, "outcome"), "licensed");
  ck_assert_uint_eq(cg_json_size(cg_json_get(v, "entries")), 1);
  e = cg_json_at(cg_json_get(v, "entries"), 0);
  ck_assert_str_eq(str(e, "kind"), "decision");
  ck_assert_str_eq(str(e, "outcome"), "licensed");
  ck_assert_ptr_nonnull(find(cg_json_get(e, "rules"), "id", "EAR.742.6.dest"));
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(e, "seq")),
                   (int)cg_json_number_value(cg_json_get(v, "current_seq")));
  d = cg_json_at(cg_json_get(v, "draws"), 0);
  ck_assert_str_eq(str(d, "license"), "D1000001");
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(d, "quantity")), 200);
  cg_json_free(v);
  out = run_ok(text);
  assert_fits(out, 12);
  ck_assert_ptr_nonnull(strstr(out, "licensed (log entry"));
  ck_assert_ptr_nonnull(strstr(out, "EAR.742.6.dest (licensed)"));
  ck_assert_ptr_nonnull(strstr(out, "D1000001  200"));
  free(out);
}
END_TEST

/* A lifecycle step of any kind is shown with its own fields, whatever
 * they are: appended here with the log's own writer. */
START_TEST(test_show_any_step)
{
  const char *json[] = { "show", "order", "O-1016", "--format", "json", NULL };
  const char *text[] = { "show", "order", "O-1016", NULL };
  cg_store *db = NULL;
  cg_error err = { 0 };
  cg_json *f = cg_json_object(), *v;
  const cg_json *e;
  int64_t id = 0, seq = 0;
  char *out;
  int rc = cg_store_open(&db, db_path, 0, &err);

  ck_assert_cg_ok(rc, &err);
  rc = cg_order_find_id(db, "O-1016", &id, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  cg_json_set_str(f, "reviewer", "bob");
  cg_json_set_str(f, "reason", "possible match settled by the registry");
  cg_json_set_str(f, "action", "release");
  rc = cg_audit_step(db, id, "review", f, &seq, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  cg_json_free(f);
  cg_store_close(db);

  v = run_json(json);
  ck_assert_uint_eq(cg_json_size(cg_json_get(v, "entries")), 2);
  e = cg_json_at(cg_json_get(v, "entries"), 1);
  ck_assert_str_eq(str(e, "kind"), "review");
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(e, "seq")), (int)seq);
  ck_assert_str_eq(str(cg_json_get(e, "fields"), "reviewer"), "bob");
  ck_assert_str_eq(str(cg_json_get(e, "fields"), "action"), "release");
  ck_assert_ptr_null(cg_json_get(cg_json_get(e, "fields"), "order_id"));
  ck_assert_int_eq(cg_json_type(cg_json_get(e, "outcome")), CG_JSON_NULL);
  cg_json_free(v);
  out = run_ok(text);
  assert_fits(out, 10);
  ck_assert_ptr_nonnull(strstr(out, "review "));
  ck_assert_ptr_nonnull(strstr(out, "reviewer: bob"));
  ck_assert_ptr_nonnull(strstr(out, "action: release"));
  ck_assert_ptr_nonnull(strstr(out, "(2 log entries)"));
  free(out);
}
END_TEST

/* Each bad command: its exit status and a word its message must name. */
START_TEST(test_bad_input)
{
  static const struct {
    const char *argv[8];
    int rc;
    const char *says;
  } bad[] = {
    { { "list", "orders", "--state", "closed", NULL }, 64, "closed" },
    { { "list", "orders", "--outcome", "maybe", NULL }, 64, "--outcome" },
    { { "list", "orders", "--since", "2026-02-30", NULL }, 64, "2026-02-30" },
    { { "list", "orders", "--since", "yesterday", NULL }, 64, "--since" },
    { { "list", "orders", "--customer", "Nobody Ltd", NULL },
      66,
      "Nobody Ltd" },
    { { "list", "clearances", "--customer", "Nobody Ltd", NULL },
      66,
      "Nobody Ltd" },
    { { "list", "orders", "--format", "xml", NULL }, 64, "xml" },
    { { "list", "chips", "--state", "open", NULL }, 64, "--state" },
    { { "list", "widgets", NULL }, 64, "widgets" },
    { { "list", NULL }, 64, "orders" },
    { { "show", "order", "O-9999", NULL }, 66, "O-9999" },
    { { "show", "order", NULL }, 64, "show order ID" },
    { { "show", "customer", "x", NULL }, 64, "show order ID" },
    { { "show", "order", "O-1001", "--format", "yaml", NULL }, 64, "yaml" },
  };
  char *before = t_db_dump(db_path), *after;
  size_t i;

  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char *out = NULL, *err = NULL;
    int rc = t_run(db_path, &out, &err, bad[i].argv);

    ck_assert_msg(rc == bad[i].rc, "case %zu: exit %d, want %d (%s)", i, rc,
                  bad[i].rc, err);
    ck_assert_msg(strstr(err, bad[i].says), "case %zu: \"%s\" not in: %s", i,
                  bad[i].says, err);
    ck_assert_str_eq(out, "");
    free(out);
    free(err);
  }
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("views");
  TCase *tc = tcase_create("views");

  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_list_orders_text);
  tcase_add_test(tc, test_list_orders_filters);
  tcase_add_test(tc, test_list_licenses);
  tcase_add_test(tc, test_list_customers_chips);
  tcase_add_test(tc, test_list_clearances);
  tcase_add_test(tc, test_show_order);
  tcase_add_test(tc, test_show_any_step);
  tcase_add_test(tc, test_bad_input);
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
