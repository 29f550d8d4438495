/* check_clearance.c -- what a hit on each list means to a decision (through
 * `chipgate check` on a real database), and clearances: the two-person
 * rule for sure hits, one reviewer per clearance, revocation, history, the
 * migration of the clearances before 0006, and bad input that leaves the
 * database as it was. */
#include "helpers.h"
#include "decide/decision.h"
#include "screen/screen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[4096];

/* One entry per list kind; the CSL's 29 columns. */
static const char parties_csv[] =
    "_id,source,entity_number,type,programs,name,title,addresses,"
    "federal_register_notice,start_date,end_date,standard_order,"
    "license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
    "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_"
    "url,alt_names,citizenships,dates_of_birth,nationalities,places_of_"
    "birth,source_information_url,ids\n"
    "t-dpl,Denied Persons List (DPL) - Bureau of Industry and Security,,,,"
    "Kestrel Denied Trading Ltd,,DE,88 FR 1001,,,,,,,,,,,,,,,,,,,,\n"
    "t-sdn,Specially Designated Nationals (SDN) - Treasury Department,,,,"
    "Osprey Blocked Shipping LLC,,AE,,,,,,,,,,,,,,,,,,,,,\n"
    "t-uvl,Unverified List (UVL) - Bureau of Industry and Security,,,,"
    "Heron Unverified Electronics,,DE,88 FR 1003,,,,,,,,,,,,,,,,,,,,\n"
    "t-meu,Military End User (MEU) List - Bureau of Industry and Security,,"
    ",,Falcon Military Institute,,CN,85 FR 83799,,,,For any item subject to "
    "the EAR listed in supplement no. 2 to part 744.,,,,,,,,,,,,,,,,\n"
    "t-el,Entity List (EL) - Bureau of Industry and Security,,,,Merlin "
    "Listed Compute,,DE,88 FR 1005,,,,For all items subject to the EAR.,"
    "Case-by-case review.,,,,,,,,,,,,,,,\n"
    "t-ssi,Sectoral Sanctions Identifications List (SSI) - Treasury "
    "Department,,,,Plover Sectoral Energy,,DE,,,,,,,,,,,,,,,,,,,,,\n";

static const char customers_csv[] =
    "name,country,hq_country,parent,parent_hq_country,address,role\n"
    "Kestrel Denied Trading Ltd,DE,DE,,,Berlin,end_user\n"
    "Osprey Blocked Shipping LLC,DE,DE,,,Berlin,end_user\n"
    "Heron Unverified Electronics,DE,DE,,,Berlin,end_user\n"
    "Falcon Military Institute,DE,DE,,,Berlin,end_user\n"
    "Merlin Listed Compute,DE,DE,,,Berlin,end_user\n"
    "Plover Sectoral Energy,DE,DE,,,Berlin,end_user\n"
    "Kestrel Subsidiary GmbH,DE,DE,Kestrel Denied Trading Ltd,DE,Berlin,"
    "end_user\n"
    "Kestrel Denied Trading Holdings,DE,DE,,,Berlin,end_user\n";

/* The demo database plus the parties and customers above. */
static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };
  const char *parties = t_write("parties.csv", parties_csv);
  const char *customers = t_write("customers.csv", customers_csv);
  const char *imp_p[] = { "import",  "parties",  parties, "--format",
                          "csl-csv", "--source", "test",  NULL };
  const char *imp_c[] = { "import", "customers", customers, NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("lists.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, imp_p), 0);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, imp_c), 0);
}

static void teardown(void)
{
  t_tmp_cleanup();
}

/* `check` of an NVIDIA L4 (3A090.a, NLR to Germany for a clean buyer) for
 * customer; the JSON decision in *out (malloc'ed); the exit status. */
static int check(const char *customer, char **out)
{
  const char *argv[] = { "check",      "--chip",   "NVIDIA L4", "--customer",
                         customer,     "--dest",   "DE",        "--date",
                         "2026-08-01", "--format", "json",      NULL };

  return t_run(db_path, out, NULL, argv);
}

/* The decision for customer is want (exit status rc) and its JSON holds
 * each of the NULL-terminated snippets. */
static void expect(const char *customer, const char *want, int rc, ...)
{
  char *out = NULL, key[64];
  const char *s;
  va_list ap;

  ck_assert_int_eq(check(customer, &out), rc);
  snprintf(key, sizeof(key), "\"decision\":\"%s\"", want);
  ck_assert_msg(strstr(out, key), "%s: want %s in %s", customer, key, out);
  va_start(ap, rc);
  while((s = va_arg(ap, const char *)) != NULL)
    ck_assert_msg(strstr(out, s), "%s: want %s in %s", customer, s, out);
  va_end(ap);
  free(out);
}

/* Runs argv; expects exit status rc and, if msg, stderr holding it. */
static void run(int rc, const char *msg, const char *const *argv)
{
  char *errout = NULL;

  ck_assert_int_eq(t_run(db_path, NULL, &errout, argv), rc);
  if(msg)
    ck_assert_msg(strstr(errout, msg), "want \"%s\" in \"%s\"", msg, errout);
  free(errout);
}

static void clear(const char *customer, const char *entry,
                  const char *reviewer, int rc, const char *msg)
{
  const char *argv[] = { "screen",
                         "clear",
                         customer,
                         "--entry",
                         entry,
                         "--reason",
                         "other company: registry "
                         "and address checked",
                         "--reviewer",
                         reviewer,
                         NULL };
  run(rc, msg, argv);
}

/* ==== Each list's consequence ========================================= */

START_TEST(test_list_kinds)
{
  expect("Bavaria Compute GmbH", "nlr", 0, (char *)NULL);
  expect("Kestrel Denied Trading Ltd", "deny", 20, "\"id\":\"EAR.764.dpl\"",
         "\"list_kind\":\"denied\"", (char *)NULL);
  expect("Osprey Blocked Shipping LLC", "deny", 20,
         "\"id\":\"OFAC.sdn.blocked\"", "\"list_kind\":\"sdn\"", (char *)NULL);
  expect("Heron Unverified Electronics", "hold", 10,
         "\"id\":\"EAR.744.15.uvl\"", "UVL statement", (char *)NULL);
  expect("Falcon Military Institute", "license_required", 10,
         "\"id\":\"EAR.744.21.meu.ac\"", "\"list_kind\":\"meu\"",
         (char *)NULL);
  expect("Merlin Listed Compute", "license_required", 10,
         "\"id\":\"EAR.744.11.license\"", "Case-by-case review.",
         (char *)NULL);
  /* A sure hit on a list without its own rule: review. */
  expect("Plover Sectoral Energy", "hold", 10, "\"id\":\"EAR.744.11.screen\"",
         "\"list_kind\":\"other\"", (char *)NULL);
  /* The parent's listing reaches the subsidiary. */
  expect("Kestrel Subsidiary GmbH", "deny", 20, "\"id\":\"EAR.764.dpl\"",
         "\"party\":\"parent\"", (char *)NULL);
  /* A possible hit on the DPL holds for review; it does not deny. */
  expect("Kestrel Denied Trading Holdings", "hold", 10,
         "\"id\":\"EAR.744.11.screen\"", "\"sure\":false", (char *)NULL);
}
END_TEST

/* ==== Two-person rule ================================================= */

START_TEST(test_two_person_rule)
{
  /* A sure DPL hit: one reviewer is not enough ... */
  clear("Kestrel Denied Trading Ltd", "t-dpl", "alice", 0, NULL);
  expect("Kestrel Denied Trading Ltd", "deny", 20, "\"cleared\":false",
         "\"id\":1,\"reason\":\"other company: registry and address "
         "checked\",\"reviewer\":\"alice\"",
         (char *)NULL);
  /* ... the same one again (any case) is refused ... */
  clear("Kestrel Denied Trading Ltd", "t-dpl", "ALICE", 65,
        "ALICE already cleared Kestrel Denied Trading Ltd for entry t-dpl "
        "(clearance #1); a second clearance needs a different reviewer");
  /* ... and so is the same name retyped with spaces or punctuation */
  clear("Kestrel Denied Trading Ltd", "t-dpl", " Alice. ", 65,
        "a second clearance needs a different reviewer");
  /* ... a second, different reviewer clears it, and the decision names
   * both clearances it relied on. */
  clear("Kestrel Denied Trading Ltd", "t-dpl", "bob", 0, NULL);
  expect("Kestrel Denied Trading Ltd", "nlr", 0, "\"cleared\":true",
         "\"reviewer\":\"alice\"},{\"at\":", "\"id\":2,",
         "\"reviewer\":\"bob\"}]", (char *)NULL);
  /* A possible hit: one reviewer clears it. */
  clear("Kestrel Denied Trading Holdings", "t-dpl", "carol", 0, NULL);
  expect("Kestrel Denied Trading Holdings", "nlr", 0, "\"cleared\":true",
         "\"reviewer\":\"carol\"", (char *)NULL);
  /* The parent's hit is the subsidiary's own to clear. */
  expect("Kestrel Subsidiary GmbH", "deny", 20, (char *)NULL);
}
END_TEST

/* The document `check` printed reads back (clearances included) and
 * writes the same bytes: what the audit log and reports rely on. */
START_TEST(test_decision_round_trip)
{
  cg_decision d;
  cg_error err = { 0 };
  char *out = NULL, *again = NULL;
  size_t n = 0, len;

  clear("Kestrel Denied Trading Ltd", "t-dpl", "alice", 0, NULL);
  clear("Kestrel Denied Trading Ltd", "t-dpl", "bob", 0, NULL);
  ck_assert_int_eq(check("Kestrel Denied Trading Ltd", &out), 0);
  len = strcspn(out, "\n");
  cg_decision_init(&d);
  ck_assert_cg_ok(cg_decision_parse(out, len, &d, &err), &err);
  ck_assert_uint_ge(d.nhits, 1);
  ck_assert_uint_eq(d.hits[0].nclearances, 2);
  ck_assert_str_eq(d.hits[0].clearances[1].reviewer, "bob");
  ck_assert_int_eq(d.hits[0].clearances[1].id, 2);
  ck_assert_str_eq(d.hits[0].list_kind, "denied");
  ck_assert_cg_ok(cg_decision_write(&d, &again, &n, &err), &err);
  ck_assert_uint_eq(n, len);
  ck_assert_int_eq(memcmp(again, out, len), 0);
  free(again);
  free(out);
  cg_decision_clear(&d);
}
END_TEST

/* ==== Revocation and history ========================================== */

START_TEST(test_revoke_and_history)
{
  const char *revoke[] = {
    "screen",     "revoke", "1", "--reason", "registry entry was wrong",
    "--reviewer", "dave",   NULL
  };
  const char *history[] = { "screen", "history", "Merlin Listed Compute",
                            NULL };
  char *out = NULL;

  clear("Merlin Listed Compute", "t-el", "alice", 0, NULL);
  clear("Merlin Listed Compute", "t-el", "bob", 0, NULL);
  expect("Merlin Listed Compute", "nlr", 0, (char *)NULL);
  run(0, NULL, revoke);
  /* One reviewer left: the sure Entity List hit counts again. */
  expect("Merlin Listed Compute", "license_required", 10, "\"cleared\":false",
         (char *)NULL);
  /* alice may clear again once hers is revoked. */
  clear("Merlin Listed Compute", "t-el", "alice", 0, NULL);
  expect("Merlin Listed Compute", "nlr", 0, "\"id\":3,", (char *)NULL);
  ck_assert_int_eq(t_run(db_path, &out, NULL, history), 0);
  ck_assert_msg(strstr(out, "#1 "), "%s", out);
  ck_assert_msg(strstr(out, "entry t-el cleared by alice: other company"),
                "%s", out);
  ck_assert_msg(strstr(out, "by dave: registry entry was wrong"), "%s", out);
  ck_assert_msg(strstr(out, "#3 "), "%s", out);
  free(out);
}
END_TEST

/* ==== Bad input: a clear error, nothing written ======================== */

START_TEST(test_bad_input_unchanged)
{
  const char *c = "Kestrel Denied Trading Ltd";
  const char *no_reason[] = { "screen", "clear",      c,       "--entry",
                              "t-dpl",  "--reviewer", "alice", NULL };
  const char *blank_reason[] = { "screen", "clear",    c,    "--entry",
                                 "t-dpl",  "--reason", "  ", "--reviewer",
                                 "alice",  NULL };
  const char *no_reviewer[] = { "screen", "clear",    c,         "--entry",
                                "t-dpl",  "--reason", "checked", "--reviewer",
                                "",       NULL };
  const char *ctl_reviewer[] = { "screen",  "clear",      c,
                                 "--entry", "t-dpl",      "--reason",
                                 "checked", "--reviewer", "al\x1bice",
                                 NULL };
  const char *revoke_none[] = { "screen",  "revoke",     "42",  "--reason",
                                "mistake", "--reviewer", "bob", NULL };
  const char *revoke_bad_id[] = { "screen",   "revoke",  "4x",
                                  "--reason", "mistake", NULL };
  const char *revoke_no_reason[] = { "screen", "revoke", "1", NULL };
  const char *revoke_again[] = { "screen", "revoke",     "1",   "--reason",
                                 "again",  "--reviewer", "bob", NULL };
  const char *revoke_first[] = { "screen",  "revoke",     "1",   "--reason",
                                 "mistake", "--reviewer", "bob", NULL };
  char *before, *after;

  clear(c, "t-dpl", "alice", 0, NULL);
  before = t_db_dump(db_path);
  run(64, "--reason TEXT is required", no_reason);
  run(64, "--reason TEXT is required", blank_reason);
  run(65, "a reviewer is required", no_reviewer);
  run(65, "control character", ctl_reviewer);
  clear(c, "t-dpl", "alice", 65, "already cleared");
  clear("Nobody GmbH", "t-dpl", "bob", 66, "no customer \"Nobody GmbH\"");
  clear(c, "t-nope", "bob", 66, "no list entry \"t-nope\"");
  run(66, "no clearance #42", revoke_none);
  run(64, "CLEARANCE_ID must be a positive number", revoke_bad_id);
  run(64, "--reason TEXT is required", revoke_no_reason);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(after);
  /* Revoking twice: the second is refused and writes nothing. */
  run(0, NULL, revoke_first);
  free(before);
  before = t_db_dump(db_path);
  run(65, "clearance #1 was already revoked by bob", revoke_again);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}
END_TEST

/* ==== The library: append-only history, migration of old clearances == */

static void exec_file(cg_store *db, const char *rel)
{
  FILE *f = fopen(t_src(rel), "rb");
  char *buf;
  long n;
  cg_error err = { 0 };

  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = calloc(1, (size_t)n + 1);
  ck_assert_ptr_nonnull(buf);
  ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  ck_assert_cg_ok(cg_store_exec(db, buf, &err), &err);
  free(buf);
}

/* A database at schema 5 with a clearance of the old kind (no reviewer)
 * keeps it through 0006, as one reviewer's; history and the append-only
 * triggers work. */
START_TEST(test_migration_and_append_only)
{
  static const char *const mig[] = { "db/migrations/0001_core.sql",
                                     "db/migrations/0002_screen.sql",
                                     "db/migrations/0003_net.sql",
                                     "db/migrations/0004_audit.sql",
                                     "db/migrations/0005_holds.sql" };
  cg_store *db = NULL;
  cg_error err = { 0 };
  cg_screen_clearances h = { 0, NULL };
  size_t i;

  ck_assert_cg_ok(cg_store_open(&db, t_tmp("old.db"), CG_STORE_CREATE, &err),
                  &err);
  for(i = 0; i < sizeof(mig) / sizeof(mig[0]); i++)
    exec_file(db, mig[i]);
  ck_assert_cg_ok(
      cg_store_exec(
          db,
          "PRAGMA user_version = 5;"
          "INSERT INTO countries(code, name) VALUES ('DE', 'Germany');"
          "INSERT INTO customers(id, name, country) VALUES (1, "
          "'Old Co', 'DE');"
          "INSERT INTO screen_clearances(customer_id, entry_id, "
          "content_hash, reason, cleared_at) VALUES (1, 'e1', "
          "'h1', 'checked in 2025', '2025-05-01T10:00:00Z')",
          &err),
      &err);
  ck_assert_cg_ok(cg_store_migrate(db, NULL, &err), &err);
  ck_assert_cg_ok(cg_screen_clearance_history(db, "Old Co", NULL, &h, &err),
                  &err);
  ck_assert_uint_eq(h.n, 1);
  ck_assert_str_eq(h.items[0].reviewer, "(before 0006)");
  ck_assert_str_eq(h.items[0].reason, "checked in 2025");
  ck_assert_str_eq(h.items[0].cleared_at, "2025-05-01T10:00:00Z");
  ck_assert_str_eq(h.items[0].customer, "Old Co");
  ck_assert_ptr_null(h.items[0].revoked_by);
  cg_screen_clearances_free(&h);

  ck_assert_cg_ok(cg_screen_revoke(db, 1, "erin", "not reviewed", &err), &err);
  ck_assert_cg_ok(cg_screen_clearance_history(db, NULL, "e1", &h, &err), &err);
  ck_assert_uint_eq(h.n, 1);
  ck_assert_str_eq(h.items[0].revoked_by, "erin");
  ck_assert_str_eq(h.items[0].revoke_reason, "not reviewed");
  cg_screen_clearances_free(&h);
  ck_assert_int_eq(cg_screen_clearance_history(db, "Nobody", NULL, &h, &err),
                   CG_ENOTFOUND);
  /* History cannot be rewritten, even with SQL. */
  ck_assert_int_ne(
      cg_store_exec(db, "UPDATE clearances SET reviewer = 'x'", &err), CG_OK);
  ck_assert_int_ne(
      cg_store_exec(db, "DELETE FROM clearance_revocations", &err), CG_OK);
  ck_assert_int_eq(cg_screen_list_kind("Non-SDN Menu-Based Sanctions List "
                                       "(NS-MBS List) - Treasury Department"),
                   CG_LIST_OTHER);
  ck_assert_int_eq(
      cg_screen_list_kind(
          "Specially Designated Nationals (SDN) - Treasury Department"),
      CG_LIST_SDN);
  cg_store_close(db);
}
END_TEST

static Suite *clearance_suite(void)
{
  Suite *s = suite_create("clearance");
  TCase *cli = tcase_create("cli");
  TCase *lib = tcase_create("library");

  tcase_add_checked_fixture(cli, setup, teardown);
  tcase_add_checked_fixture(lib, NULL, teardown);
  tcase_set_timeout(cli, 120);
  tcase_add_test(cli, test_list_kinds);
  tcase_add_test(cli, test_two_person_rule);
  tcase_add_test(cli, test_decision_round_trip);
  tcase_add_test(cli, test_revoke_and_history);
  tcase_add_test(cli, test_bad_input_unchanged);
  tcase_add_test(lib, test_migration_and_append_only);
  suite_add_tcase(s, cli);
  suite_add_tcase(s, lib);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(clearance_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
