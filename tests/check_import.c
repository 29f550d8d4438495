/* check_import.c -- customers, licences and orders import: good files,
 * every kind of bad row (named by file:line, exit 65, database unchanged)
 * and idempotent re-import. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[512];

static void setup(void)
{
  const char *init[] = { "init", NULL };
  const char *chips[] = {
    "import",   "chips", t_src("db/seed/epoch_ml_hardware.csv"),
    "--format", "epoch", NULL
  };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("imp.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, init), 0);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, chips), 0);
}

static void teardown(void)
{
  t_tmp_cleanup();
}

static int import(const char *kind, const char *name, const char *text,
                  char **errout)
{
  const char *argv[] = { "import", kind, t_write(name, text), NULL };
  return t_run(db_path, NULL, errout, argv);
}

static void good(const char *kind, const char *name, const char *text)
{
  char *errout = NULL;
  int st = import(kind, name, text, &errout);
  ck_assert_msg(st == 0, "%s: exit %d: %s", name, st, errout);
  free(errout);
}

static void bad(const char *kind, const char *name, const char *text,
                const char *want)
{
  char *before = t_db_dump(db_path), *after, *errout = NULL;
  int st = import(kind, name, text, &errout);

  after = t_db_dump(db_path);
  ck_assert_msg(st == 65, "%s: exit %d: %s", name, st, errout);
  ck_assert_msg(strstr(errout, want) != NULL, "%s: %s", name, errout);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  free(errout);
}

static const char customers[] =
    "name,country,hq_country,parent,parent_hq_country,address,role\n"
    "Acme GmbH,DE,DE,,,Berlin,end_user\n"
    "Lion City AI Pte. Ltd.,SG,SG,Dragon Holdings,CN,,end_user\n";

START_TEST(test_customers)
{
  good("customers", "c.csv", customers);
  good("customers", "c.csv", customers); /* re-import updates */
  bad("customers", "c1.csv", "name,country\nA,DE\nB,ZZ\n",
      "c1.csv:3: country: unknown country code \"ZZ\"");
  bad("customers", "c2.csv", "name,hq_country\nA,DE\n",
      "missing required column \"country\"");
  bad("customers", "c3.csv", "name,country,role\nA,DE,spy\n",
      "c3.csv:2: role: \"spy\" is not designer");
  bad("customers", "c4.csv", "name,country\n,DE\n", "c4.csv:2: name is empty");
  bad("customers", "c5.csv", "name,country,parent_hq_country\nA,DE,CN\n",
      "c5.csv:2: parent_hq_country given without a parent");
  bad("customers", "c6.csv", "name,country,size\nA,DE,big\n",
      "unknown column \"size\"");
}
END_TEST

START_TEST(test_licenses)
{
  const char *hdr = "number,customer,kind,eccn,chip,destinations,max_qty,"
                    "valid_from,valid_to,authority,notes\n";
  char buf[1024];

  good("customers", "c.csv", customers);
  snprintf(buf, sizeof(buf),
           "%sL1,Acme GmbH,license,3A090\\..*,,DE;D:5,100,2026-01-01,"
           "2026-12-31,BIS,\n",
           hdr);
  good("licenses", "l.csv", buf);
  snprintf(buf, sizeof(buf),
           "%sL2,Nobody,license,,,DE,10,2026-01-01,2026-12-31,,\n", hdr);
  bad("licenses", "l1.csv", buf, "l1.csv:2: customer: unknown customer");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,license,,,DE,10,2026-13-01,2026-12-31,,\n", hdr);
  bad("licenses", "l2.csv", buf,
      "l2.csv:2: valid_from: \"2026-13-01\" is "
      "not a date");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,license,,,DE,10,2026-06-01,2026-01-01,,\n", hdr);
  bad("licenses", "l3.csv", buf, "valid_to 2026-01-01 is before valid_from");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,permit,,,DE,10,2026-01-01,2026-12-31,,\n", hdr);
  bad("licenses", "l4.csv", buf, "kind: \"permit\" is not license");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,license,,,DE;X:9,10,2026-01-01,2026-12-31,,\n",
           hdr);
  bad("licenses", "l5.csv", buf, "\"X:9\" is neither a country code");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,license,3A090(,,DE,10,2026-01-01,2026-12-31,,\n",
           hdr);
  bad("licenses", "l6.csv", buf, "eccn: bad pattern");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,license,,,DE,-5,2026-01-01,2026-12-31,,\n", hdr);
  bad("licenses", "l7.csv", buf, "max_qty: -5 must be positive");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,license,,,,10,2026-01-01,2026-12-31,,\n", hdr);
  bad("licenses", "l8.csv", buf, "l8.csv:2: destinations is empty");
  snprintf(buf, sizeof(buf),
           "%sL2,Acme GmbH,license,,,DE,,2026-01-01,2026-12-31,,\n", hdr);
  bad("licenses", "l9.csv", buf, "l9.csv:2: max_qty is empty");
  /* An approval needs neither. */
  snprintf(buf, sizeof(buf),
           "%sA1,Acme GmbH,approved_ic_designer,,,,,2026-01-01,2026-12-31,,"
           "\n",
           hdr);
  good("licenses", "a.csv", buf);
}
END_TEST

START_TEST(test_orders)
{
  const char *hdr = "order_id,customer,chip,destination,quantity,ship_date,"
                    "end_use,role\n";
  char buf[1024];

  good("customers", "c.csv", customers);
  snprintf(buf, sizeof(buf), "%sO1,Acme GmbH,NVIDIA L4,DE,10,2026-11-01,,\n",
           hdr);
  good("orders", "o.csv", buf);
  good("orders", "o.csv", buf); /* the same order again: skipped */
  snprintf(buf, sizeof(buf), "%sO1,Acme GmbH,NVIDIA L4,DE,11,2026-11-01,,\n",
           hdr);
  bad("orders", "o1.csv", buf,
      "o1.csv:2: order O1 already exists with "
      "different content");
  snprintf(buf, sizeof(buf), "%sO2,Acme GmbH,NVIDIA L5,DE,1,2026-11-01,,\n",
           hdr);
  bad("orders", "o2.csv", buf, "o2.csv:2: unknown chip \"NVIDIA L5\"");
  snprintf(buf, sizeof(buf), "%sO2,Acme,NVIDIA L4,DE,1,2026-11-01,,\n", hdr);
  bad("orders", "o3.csv", buf, "o3.csv:2: unknown customer \"Acme\"");
  snprintf(buf, sizeof(buf), "%sO2,Acme GmbH,NVIDIA L4,DE,0,2026-11-01,,\n",
           hdr);
  bad("orders", "o4.csv", buf, "o4.csv:2: quantity: 0 must be positive");
  snprintf(buf, sizeof(buf), "%sO2,Acme GmbH,NVIDIA L4,QQ,1,2026-11-01,,\n",
           hdr);
  bad("orders", "o5.csv", buf, "unknown country code \"QQ\"");
  snprintf(buf, sizeof(buf), "%sO2,Acme GmbH,NVIDIA L4,DE,1,tomorrow,,\n",
           hdr);
  bad("orders", "o6.csv", buf, "ship_date: \"tomorrow\" is not a date");
  snprintf(buf, sizeof(buf),
           "%sO2,Acme GmbH,NVIDIA L4,DE,1,2026-11-01,,broker\n", hdr);
  bad("orders", "o7.csv", buf, "role \"broker\" is not fab");
  snprintf(buf, sizeof(buf),
           "%sO2,Acme GmbH,NVIDIA L4,DE,1,2026-11-01,,\n"
           "O3,Acme GmbH,NVIDIA L4,DE,x,2026-11-01,,\n",
           hdr);
  bad("orders", "o8.csv", buf, "o8.csv:3: quantity: \"x\" is not a whole");
}
END_TEST

static Suite *import_suite(void)
{
  Suite *s = suite_create("import");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_customers);
  tcase_add_test(tc, test_licenses);
  tcase_add_test(tc, test_orders);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(import_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
