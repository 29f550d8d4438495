/* check_rules.c -- unit tests of the rule language (src/rules/): load
 * errors with file:line:col, Kleene logic, holds naming unknown facts,
 * date windows, reliefs, licences, and the real pack in rules/. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules/rules.h"

/* ASan reserves terabytes of address space for its shadow memory, so
 * the address-space cap below must be skipped under it; gcc and clang
 * announce ASan differently. */
#if defined(__SANITIZE_ADDRESS__)
#define CG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CG_ASAN 1
#endif
#endif
#ifndef CG_ASAN
#define CG_ASAN 0
#endif

/* ---- helpers ----------------------------------------------------------- */

static cg_rules_diags diags;
static cg_rules *pack;
static cg_rules_result res;
static cg_facts facts;

static void setup(void)
{
  memset(&diags, 0, sizeof(diags));
  pack = NULL;
  cg_facts_init(&facts);
}

static void teardown(void)
{
  cg_rules_diags_clear(&diags);
  cg_rules_free(pack);
  pack = NULL;
}

/* Loads one in-memory file named "t.rules". */
static int load1(const char *text)
{
  cg_rules_source s = { "t.rules", text, strlen(text) };
  cg_error err;

  return cg_rules_load_sources(&pack, &s, 1, &diags, &err);
}

/* 1 if some diagnostic formats to a string containing needle. */
static int has_diag(const char *needle)
{
  char buf[1024];
  size_t i;

  for(i = 0; i < diags.n; i++) {
    cg_rules_diag_format(&diags.items[i], buf, sizeof(buf));
    if(strstr(buf, needle))
      return 1;
  }
  return 0;
}

static const char *all_diags(void)
{
  static char out[8192];
  char buf[1024];
  size_t i, off = 0;

  out[0] = '\0';
  for(i = 0; i < diags.n && off < sizeof(out) - 1; i++) {
    int k;
    cg_rules_diag_format(&diags.items[i], buf, sizeof(buf));
    k = snprintf(out + off, sizeof(out) - off, "%s\n", buf);
    if(k < 0)
      break;
    off += (size_t)k;
  }
  return out;
}

static cg_outcome eval_outcome(void)
{
  cg_error err;

  ck_assert_int_eq(cg_rules_eval(pack, &facts, &res, &err), CG_OK);
  return res.outcome;
}

static int fired(const char *id)
{
  size_t i;

  for(i = 0; i < res.nfired; i++)
    if(res.fired[i].decisive == 1 && strcmp(res.fired[i].id, id) == 0)
      return (int)i;
  return -1;
}

static void set_date(const char *iso)
{
  int32_t d;

  ck_assert_int_eq(cg_date_parse(iso, &d, NULL), CG_OK);
  ck_assert_int_eq(cg_facts_set_date(&facts, CG_F_ORDER_DATE, d), CG_OK);
}

/* ---- load errors ------------------------------------------------------- */

START_TEST(test_unknown_fact)
{
  ck_assert_int_eq(load1("rule A\n"
                         "  cite \"c\"\n"
                         "  when chip.tpx >= 4800\n"
                         "  then deny \"r\"\n"),
                   CG_EINVAL);
  ck_assert_ptr_null(pack);
  ck_assert_msg(has_diag("t.rules:3:8: unknown fact 'chip.tpx': did you "
                         "mean 'chip.tpp'?"),
                "%s", all_diags());
}
END_TEST

START_TEST(test_type_mismatch)
{
  ck_assert_int_eq(load1("rule A cite \"c\"\n"
                         "  when chip.tpp == \"big\" or dest < \"CN\"\n"
                         "  then deny \"r\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:2:17: type mismatch: cannot compare "
                         "number with string"),
                "%s", all_diags());
  ck_assert_msg(has_diag("t.rules:2:34: type mismatch: '<' only orders"), "%s",
                all_diags());
  ck_assert_int_eq(diags.n, 2);
}
END_TEST

START_TEST(test_country_literal_checked)
{
  ck_assert_int_eq(load1("rule A cite \"c\" when dest == \"China\" "
                         "then deny \"r\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("\"China\" is not a country code"), "%s",
                all_diags());
}
END_TEST

START_TEST(test_duplicate_id_across_files)
{
  const char *a = "rule X.1 cite \"c\" when true then flag \"f\"\n";
  const char *b = "\n\nrule X.1 cite \"c\" when true then flag \"g\"\n";
  cg_rules_source s[2] = { { "a.rules", a, strlen(a) },
                           { "b.rules", b, strlen(b) } };
  cg_error err;

  ck_assert_int_eq(cg_rules_load_sources(&pack, s, 2, &diags, &err),
                   CG_EINVAL);
  ck_assert_msg(has_diag("b.rules:3:1: duplicate rule id 'X.1': first "
                         "defined at a.rules:1"),
                "%s", all_diags());
  /* err->msg carries the first error and the count */
  ck_assert_msg(strstr(err.msg, "1 error in the pack") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_unknown_action)
{
  ck_assert_int_eq(load1("rule A cite \"c\" when true\n"
                         "  then forbid \"r\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:2:8: unknown action: expected one of "
                         "classify, nlr"),
                "%s", all_diags());
}
END_TEST

START_TEST(test_missing_cite)
{
  ck_assert_int_eq(load1("\nrule NoCite\n  when true\n  then flag \"f\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:2:1: rule NoCite: missing 'cite'"), "%s",
                all_diags());
}
END_TEST

START_TEST(test_bad_regex_offset)
{
  ck_assert_int_eq(load1("rule A cite \"c\"\n"
                         "  when chip.name matches /ab(c/i\n"
                         "  then deny \"r\"\n"),
                   CG_EINVAL);
  /* the regex starts at col 26; PCRE2 reports offset 4 (end of pattern),
   * so the column points past the '/' and 4 characters */
  ck_assert_msg(has_diag("t.rules:2:31: bad regex /ab(c/"), "%s", all_diags());
  ck_assert_msg(has_diag("missing closing parenthesis at offset 4"), "%s",
                all_diags());
}
END_TEST

START_TEST(test_unknown_group)
{
  ck_assert_int_eq(load1("rule A cite \"c\"\n"
                         "  when dest in group(\"D:5\", \"X:9\")\n"
                         "  then deny \"r\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("unknown country group \"X:9\""), "%s", all_diags());
  ck_assert_int_eq(cg_group_bit("X:9"), -1);
  ck_assert_int_eq(cg_group_bit("D:5"), 4);
}
END_TEST

START_TEST(test_all_errors_listed)
{
  ck_assert_int_eq(load1("rule A cite \"c\" when chip.nope then deny \"r\"\n"
                         "rule B when true then deny \"r\"\n"
                         "rule C cite \"c\" when true then zap \"r\"\n"
                         "rule D cite \"c\" when true then exception \"x\" "
                         "relieves Q\n"
                         "rule E cite \"c\" when (chip.tpp > 1 then deny "
                         "\"r\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:1:22: unknown fact 'chip.nope'"), "%s",
                all_diags());
  ck_assert_msg(has_diag("t.rules:2:1: rule B: missing 'cite'"), "%s",
                all_diags());
  ck_assert_msg(has_diag("t.rules:3:32: unknown action"), "%s", all_diags());
  /* no cascade: a failed clause is not also reported missing */
  ck_assert_msg(!has_diag("rule C: missing 'then'"), "%s", all_diags());
  ck_assert_msg(!has_diag("rule E: missing 'when'"), "%s", all_diags());
  ck_assert_int_eq(diags.n, 5);
  ck_assert_msg(has_diag("t.rules:4:55: relieves unknown rule 'Q'"), "%s",
                all_diags());
  ck_assert_msg(has_diag("t.rules:5:36: expected ')', got 'then'"), "%s",
                all_diags());
  /* sorted by position */
  ck_assert_int_eq(diags.items[0].line, 1);
  ck_assert_int_eq(diags.items[diags.n - 1].line, 5);
}
END_TEST

START_TEST(test_invalid_utf8)
{
  ck_assert_int_eq(load1("rule A cite \"caf\xc3\xa9\"\n"
                         "  when chip.name == \"\xff\" then deny \"r\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:2:22: invalid UTF-8 (byte 0xFF)"), "%s",
                all_diags());
}
END_TEST

START_TEST(test_overlong_line)
{
  size_t n = 1 << 20;
  char *big = malloc(n + 64);

  ck_assert_ptr_nonnull(big);
  memcpy(big, "rule A cite \"", 13);
  memset(big + 13, 'x', n);
  strcpy(big + 13 + n, "\" when true then flag \"f\"\n");
  ck_assert_int_eq(load1(big), CG_EINVAL);
  free(big);
  ck_assert_msg(has_diag("t.rules:1:4097: line too long"), "%s", all_diags());
}
END_TEST

START_TEST(test_deep_nesting_is_an_error)
{
  char src[2048];
  size_t off = 0;
  int i;

  off += (size_t)snprintf(src, sizeof(src), "rule A cite \"c\" when ");
  for(i = 0; i < 200; i++)
    src[off++] = '(';
  off += (size_t)snprintf(src + off, sizeof(src) - off, "true");
  for(i = 0; i < 200; i++)
    src[off++] = ')';
  snprintf(src + off, sizeof(src) - off, " then deny \"r\"\n");
  ck_assert_int_eq(load1(src), CG_EINVAL);
  ck_assert_msg(has_diag("nested too deeply"), "%s", all_diags());
}
END_TEST

START_TEST(test_missing_and_empty_dir)
{
  char tmpl[] = "/tmp/cg_rules_XXXXXX";
  char *dir = mkdtemp(tmpl);
  cg_error err;

  ck_assert_ptr_nonnull(dir);
  ck_assert_int_eq(
      cg_rules_load_dir(&pack, "/nonexistent/rules", &diags, &err),
      CG_ENOTFOUND);
  ck_assert_int_eq(cg_rules_load_dir(&pack, dir, &diags, &err), CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "no *.rules files") != NULL, "%s", err.msg);
  ck_assert_ptr_null(pack);
  rmdir(dir);
}
END_TEST

START_TEST(test_set_only_in_classify)
{
  ck_assert_int_eq(load1("rule A cite \"c\" when true then deny \"r\"\n"
                         "  set chip.datacenter = true\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:2:7: 'set' is only allowed in classify"),
                "%s", all_diags());
}
END_TEST

START_TEST(test_unknown_fact_in_reason)
{
  ck_assert_int_eq(load1("rule A cite \"c\" when true "
                         "then deny \"bad {chip.nope}\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("unknown fact '{chip.nope}' in reason"), "%s",
                all_diags());
}
END_TEST

/* ---- Kleene logic --------------------------------------------------------
 */

/* value index: 0 false, 1 true, 2 unknown */
static void set_tri(int fact, int v)
{
  if(v == 2)
    cg_facts_set_unknown(&facts, fact);
  else
    cg_facts_set_bool(&facts, fact, v);
}

static cg_outcome tri_outcome(int a, int b)
{
  cg_facts_init(&facts);
  set_tri(CG_F_CHIP_HBM, a);
  set_tri(CG_F_CHIP_NONPLANAR, b);
  return eval_outcome();
}

START_TEST(test_kleene_and)
{
  /* deny when true, nlr when false, hold when unknown */
  static const cg_outcome want[3][3] = {
    /* b = F          T            U */
    { CG_OUT_NLR, CG_OUT_NLR, CG_OUT_NLR },   /* a = F */
    { CG_OUT_NLR, CG_OUT_DENY, CG_OUT_HOLD }, /* a = T */
    { CG_OUT_NLR, CG_OUT_HOLD, CG_OUT_HOLD }, /* a = U */
  };
  int a, b;

  ck_assert_int_eq(load1("rule K cite \"c\" when chip.hbm and "
                         "chip.nonplanar then deny \"r\"\n"),
                   CG_OK);
  for(a = 0; a < 3; a++)
    for(b = 0; b < 3; b++)
      ck_assert_msg(tri_outcome(a, b) == want[a][b], "and(%d,%d): got %s", a,
                    b, cg_outcome_name(res.outcome));
}
END_TEST

START_TEST(test_kleene_or)
{
  static const cg_outcome want[3][3] = {
    { CG_OUT_NLR, CG_OUT_DENY, CG_OUT_HOLD },
    { CG_OUT_DENY, CG_OUT_DENY, CG_OUT_DENY },
    { CG_OUT_HOLD, CG_OUT_DENY, CG_OUT_HOLD },
  };
  int a, b;

  ck_assert_int_eq(load1("rule K cite \"c\" when chip.hbm or "
                         "chip.nonplanar then deny \"r\"\n"),
                   CG_OK);
  for(a = 0; a < 3; a++)
    for(b = 0; b < 3; b++)
      ck_assert_msg(tri_outcome(a, b) == want[a][b], "or(%d,%d): got %s", a, b,
                    cg_outcome_name(res.outcome));
}
END_TEST

START_TEST(test_kleene_not_and_known)
{
  ck_assert_int_eq(load1("rule N cite \"c\" when not chip.hbm "
                         "then deny \"r\"\n"
                         "rule K cite \"c\" when known(chip.nonplanar) "
                         "then flag \"k\"\n"),
                   CG_OK);
  ck_assert_int_eq(tri_outcome(0, 2), CG_OUT_DENY);
  ck_assert_int_lt(fired("K"), 0); /* known(unknown) is false */
  ck_assert_int_eq(tri_outcome(1, 0), CG_OUT_NLR);
  ck_assert_int_ge(fired("K"), 0); /* known(false) is true */
  ck_assert_int_eq(tri_outcome(2, 2), CG_OUT_HOLD);
}
END_TEST

START_TEST(test_unknown_comparison_holds_naming_fact)
{
  char reason[256];
  int i;

  ck_assert_int_eq(load1("rule T cite \"c\" when chip.tpp >= 4800 "
                         "then require_license \"big\"\n"),
                   CG_OK);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  i = fired("T");
  ck_assert_int_ge(i, 0);
  ck_assert_int_eq(res.fired[i].cond, CG_COND_UNKNOWN);
  ck_assert_int_eq(res.fired[i].licensable, 0); /* hold never is */
  ck_assert(res.missing & ((uint64_t)1 << CG_F_CHIP_TPP));
  cg_rules_result_reason(&res, (size_t)i, reason, sizeof(reason));
  ck_assert_str_eq(reason, "cannot decide T: unknown chip.tpp");
  /* the trace records the unknown read */
  ck_assert_int_eq(res.fired[i].trace_len, 1);
  ck_assert_int_eq(res.trace[res.fired[i].trace_off].fact, CG_F_CHIP_TPP);
  ck_assert_int_eq(res.trace[res.fired[i].trace_off].value.kind, CG_V_UNKNOWN);
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 4799.9);
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 4800);
  ck_assert_int_eq(eval_outcome(), CG_OUT_LICENSE_REQUIRED);
}
END_TEST

START_TEST(test_in_group_and_lists)
{
  ck_assert_int_eq(load1("rule G cite \"c\"\n"
                         "  when dest in group(\"D:5\") and dest not in "
                         "[\"HK\", \"MO\"]\n"
                         "  then deny \"{dest} is D:5\"\n"),
                   CG_OK);
  cg_facts_set_country(&facts, CG_F_DEST, "cn", CG_GROUP_D1 | CG_GROUP_D5);
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  {
    char reason[64];
    cg_rules_result_reason(&res, (size_t)fired("G"), reason, sizeof(reason));
    ck_assert_str_eq(reason, "CN is D:5");
  }
  cg_facts_set_country(&facts, CG_F_DEST, "HK", CG_GROUP_D1 | CG_GROUP_D5);
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  cg_facts_set_country(&facts, CG_F_DEST, "DE", CG_GROUP_A5);
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  ck_assert_int_eq(cg_facts_set_country(&facts, CG_F_DEST, "CHN", 0),
                   CG_EINVAL);
  ck_assert_int_eq(cg_facts_set_num(&facts, CG_F_DEST, 1.0), CG_EINVAL);
}
END_TEST

START_TEST(test_matches_and_year)
{
  ck_assert_int_eq(load1("rule M cite \"c\"\n"
                         "  when order.end_use matches /supercomput/i and "
                         "year(date) >= 2027\n"
                         "  then deny \"r\"\n"),
                   CG_OK);
  cg_facts_set_str(&facts, CG_F_ORDER_END_USE, "National SUPERCOMPUTING");
  set_date("2026-12-31");
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  set_date("2027-01-01");
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  cg_facts_set_str(&facts, CG_F_ORDER_END_USE, "weather model");
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
}
END_TEST

/* ---- effective / expires -------------------------------------------------
 */

START_TEST(test_effective_expires)
{
  ck_assert_int_eq(load1("rule W cite \"c\" effective 2025-01-16 "
                         "expires 2026-12-31 when true then hold \"h\"\n"),
                   CG_OK);
  set_date("2025-01-15");
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  set_date("2025-01-16");
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  set_date("2026-12-31");
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  set_date("2027-01-01");
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  /* unknown date: applicability unknown -> hold naming order.date */
  cg_facts_set_unknown(&facts, CG_F_ORDER_DATE);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  ck_assert(res.missing & ((uint64_t)1 << CG_F_ORDER_DATE));
}
END_TEST

START_TEST(test_bad_dates)
{
  int32_t d;

  ck_assert_int_eq(cg_date_parse("2025-02-29", &d, NULL), CG_EINVAL);
  ck_assert_int_eq(cg_date_parse("2024-02-29", &d, NULL), CG_OK);
  ck_assert_int_eq(cg_date_year(d), 2024);
  ck_assert_int_eq(cg_date_parse("1970-01-01", &d, NULL), CG_OK);
  ck_assert_int_eq(d, 0);
  ck_assert_int_eq(load1("rule A cite \"c\" effective 2025-13-01 "
                         "when true then flag \"f\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:1:27: bad date '2025-13-01'"), "%s",
                all_diags());
}
END_TEST

/* ---- reliefs and licences --------------------------------------------- */

static const char relief_pack[] =
    "rule REQ cite \"c\" when chip.tpp >= 4800 "
    "then require_license \"req\"\n"
    "rule POD cite \"c\" when chip.tpp >= 4800 and chip.datacenter "
    "then deny \"pod\"\n"
    "rule EXC cite \"c\" when chip.datacenter == false "
    "then exception \"exc\" relieves REQ\n";

START_TEST(test_relieves)
{
  int req, exc;

  ck_assert_int_eq(load1(relief_pack), CG_OK);
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 5000);
  cg_facts_set_bool(&facts, CG_F_CHIP_DATACENTER, 0);
  ck_assert_int_eq(eval_outcome(), CG_OUT_EXCEPTION);
  req = fired("REQ");
  exc = fired("EXC");
  ck_assert_int_ge(req, 0);
  ck_assert_int_ge(exc, 0);
  ck_assert_int_eq(res.fired[req].relieved, 1);
  ck_assert_int_eq(res.fired[req].relieved_by, exc);

  /* nothing to relieve: the exception is moot and not reported */
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 100);
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  ck_assert_int_lt(fired("EXC"), 0);

  /* datacenter: deny is not relieved */
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 5000);
  cg_facts_set_bool(&facts, CG_F_CHIP_DATACENTER, 1);
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);

  /* relief undecided: the requirement is not lifted but capped at hold
   * (exception or licence: cannot tell), and the hold names the fact */
  cg_facts_set_unknown(&facts, CG_F_CHIP_DATACENTER);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  ck_assert_int_eq(res.fired[fired("REQ")].relieved, 0);
  ck_assert_int_eq(res.fired[fired("REQ")].maybe_relieved, 1);
  ck_assert_int_eq(res.fired[fired("EXC")].outcome, CG_OUT_HOLD);
  ck_assert(res.missing & ((uint64_t)1 << CG_F_CHIP_DATACENTER));
}
END_TEST

START_TEST(test_relieves_checked)
{
  ck_assert_int_eq(load1("rule A cite \"c\" when true then classify \"X\"\n"
                         "rule B cite \"c\" when true then exception \"e\" "
                         "relieves A\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("cannot relieve 'A': it is a classify rule"), "%s",
                all_diags());
}
END_TEST

START_TEST(test_licensed_recompute)
{
  int req, pod;

  ck_assert_int_eq(load1(relief_pack), CG_OK);
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 5000);
  cg_facts_set_bool(&facts, CG_F_CHIP_DATACENTER, 1);
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  req = fired("REQ");
  pod = fired("POD");
  ck_assert_int_eq(cg_rules_result_mark_licensed(&res, (size_t)pod), CG_OK);
  ck_assert_int_eq(cg_rules_result_recompute(&res), CG_OUT_LICENSE_REQUIRED);
  ck_assert_int_eq(cg_rules_result_mark_licensed(&res, (size_t)req), CG_OK);
  ck_assert_int_eq(cg_rules_result_recompute(&res), CG_OUT_LICENSED);
  ck_assert_int_eq(res.outcome, CG_OUT_LICENSED);
  ck_assert_int_eq(cg_rules_result_mark_licensed(&res, 99), CG_EINVAL);
}
END_TEST

START_TEST(test_hold_not_licensable)
{
  ck_assert_int_eq(load1("rule H cite \"c\" when true then hold \"h\"\n"),
                   CG_OK);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  ck_assert_int_eq(cg_rules_result_mark_licensed(&res, 0), CG_EINVAL);
  ck_assert_int_eq(cg_rules_result_recompute(&res), CG_OUT_HOLD);
}
END_TEST

/* `own_licence`: an order licence does not cover the requirement. */
START_TEST(test_own_licence)
{
  cg_rule_info info;

  ck_assert_int_eq(load1("rule E cite \"c\" when true "
                         "then deny \"end use\" own_licence\n"
                         "rule L cite \"c\" when true "
                         "then require_license \"l\"\n"),
                   CG_OK);
  ck_assert_int_eq(cg_rules_info(pack, 0, &info), CG_OK);
  ck_assert_int_eq(info.licensable, 0);
  ck_assert_int_eq(cg_rules_info(pack, 1, &info), CG_OK);
  ck_assert_int_eq(info.licensable, 1);
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  ck_assert_int_eq(cg_rules_result_mark_licensed(&res, 0), CG_EINVAL);
  ck_assert_int_eq(cg_rules_result_mark_licensed(&res, 1), CG_OK);
  ck_assert_int_eq(cg_rules_result_recompute(&res), CG_OUT_DENY);
  cg_rules_free(pack);
  pack = NULL;
  cg_rules_diags_clear(&diags);
  ck_assert_int_eq(load1("rule H cite \"c\" when true "
                         "then hold \"h\" own_licence\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:1:41: rule H: 'own_licence' only applies"),
                "%s", all_diags());
}
END_TEST

/* ---- classification ------------------------------------------------------
 */

static const char classify_pack[] =
    "rule PRESUME cite \"c\" when order.role == \"fab\" "
    "then classify \"3A090.a\" set chip.datacenter = true\n"
    "rule A cite \"c\" when chip.tpp >= 4800 then classify \"3A090.a\"\n"
    "rule B cite \"c\" when chip.tpp >= 1600 then classify \"3A090.b\"\n"
    "rule REST cite \"c\" when true then classify \"EAR99\"\n"
    "rule DEST cite \"c\" when eccn == \"3A090.a\" and dest == \"CN\" "
    "then deny \"d\"\n"
    "rule C cite \"c\" when eccn == \"3A090.c\" then deny \"hbm\"\n";

START_TEST(test_classify_first_wins_and_unknowns)
{
  ck_assert_int_eq(load1(classify_pack), CG_OK);
  cg_facts_set_country(&facts, CG_F_DEST, "CN", CG_GROUP_D5);
  cg_facts_set_str(&facts, CG_F_ORDER_ROLE, "fab");
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 2000);
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  ck_assert_str_eq(res.eccn.u.str, "3A090.a");
  ck_assert_int_eq(res.fired[res.eccn_entry].rule, 0);
  /* the set effect is visible to later rules */
  ck_assert_int_eq(res.facts.v[CG_F_CHIP_DATACENTER].u.b, 1);

  /* role unknown: PRESUME pending; B true says .b -> eccn unknown */
  cg_facts_set_unknown(&facts, CG_F_ORDER_ROLE);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  ck_assert_int_eq(res.eccn.kind, CG_V_UNKNOWN);
  ck_assert(res.eccn_missing & ((uint64_t)1 << CG_F_ORDER_ROLE));
  ck_assert(res.missing & ((uint64_t)1 << CG_F_ORDER_ROLE));
  ck_assert(res.missing & ((uint64_t)1 << CG_F_ECCN));
  /* C reads eccn but no candidate is 3A090.c: false, no hold */
  ck_assert_int_lt(fired("C"), 0);

  /* role unknown but TPP decides 3A090.a anyway */
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 5000);
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  ck_assert_str_eq(res.eccn.u.str, "3A090.a");
  ck_assert_int_ge(fired("A"), 0);
  /* ... but whether datacenter was set is not known */
  ck_assert_int_eq(res.facts.v[CG_F_CHIP_DATACENTER].kind, CG_V_UNKNOWN);

  /* unknown classification but the destination rule is false anyway */
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 2000);
  cg_facts_set_country(&facts, CG_F_DEST, "DE", CG_GROUP_A5);
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);

  /* eccn preset by decide: classification is skipped */
  cg_facts_set_str(&facts, CG_F_ECCN, "3A090.c");
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  ck_assert_int_ge(fired("C"), 0);
}
END_TEST

/* ---- definitions ------------------------------------------------------- */

START_TEST(test_define_shared_and_traced)
{
  int i, j, saw = 0;

  ck_assert_int_eq(load1("rule R1 cite \"c\" when d5 and chip.hbm "
                         "then deny \"a\"\n"
                         "define d5 = dest in group(\"D:5\") or "
                         "dest == \"MO\"\n"
                         "rule R2 cite \"c\" when d5 then flag \"b\"\n"),
                   CG_OK);
  cg_facts_set_country(&facts, CG_F_DEST, "MO", CG_GROUP_D1);
  cg_facts_set_bool(&facts, CG_F_CHIP_HBM, 1);
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  /* R2 used the memoised value, but its trace still shows dest */
  i = fired("R2");
  ck_assert_int_ge(i, 0);
  for(j = 0; j < (int)res.fired[i].trace_len; j++)
    if(res.trace[res.fired[i].trace_off + j].fact == CG_F_DEST)
      saw = 1;
  ck_assert(saw);
  /* unknown inside a definition names the fact */
  cg_facts_set_unknown(&facts, CG_F_DEST);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  ck_assert(res.missing & ((uint64_t)1 << CG_F_DEST));
  cg_facts_set_country(&facts, CG_F_DEST, "DE", CG_GROUP_A5);
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
}
END_TEST

START_TEST(test_define_errors)
{
  ck_assert_int_eq(load1("define a = b\n"
                         "define b = a\n"
                         "define a = true\n"
                         "define num = chip.tpp\n"
                         "define dest = true\n"
                         "rule R cite \"c\" when nope then flag \"f\"\n"),
                   CG_EINVAL);
  ck_assert_msg(has_diag("t.rules:1:1: definition 'a' refers to itself"), "%s",
                all_diags());
  ck_assert_msg(has_diag("t.rules:3:1: duplicate definition 'a': first "
                         "defined at t.rules:1"),
                "%s", all_diags());
  ck_assert_msg(has_diag("t.rules:4:1: type mismatch: definition 'num' is "
                         "a number"),
                "%s", all_diags());
  ck_assert_msg(has_diag("t.rules:5:1: definition 'dest' has the name of a "
                         "fact"),
                "%s", all_diags());
  ck_assert_msg(has_diag("t.rules:6:22: unknown fact 'nope'"), "%s",
                all_diags());
}
END_TEST

/* ---- the real pack -------------------------------------------------------
 */

static const char *source_dir(void)
{
  const char *e = getenv("CG_SOURCE_DIR");

  if(e && *e)
    return e;
#ifdef CG_SOURCE_DIR
  return CG_SOURCE_DIR;
#else
  return ".";
#endif
}

START_TEST(test_real_pack_a100_to_china)
{
  char dir[4096];
  cg_error err;
  char *digest = NULL;
  size_t len = 0;
  int i, j, saw_tpp = 0;

  snprintf(dir, sizeof(dir), "%s/rules", source_dir());
  ck_assert_msg(cg_rules_load_dir(&pack, dir, &diags, &err) == CG_OK, "%s",
                err.msg);
  ck_assert_int_ge((int)cg_rules_count(pack), 20);
  ck_assert_int_ge(cg_rules_find(pack, "EAR.3A090.a"), 0);

  cg_facts_set_str(&facts, CG_F_CHIP_NAME, "A100 SXM");
  cg_facts_set_num(&facts, CG_F_CHIP_TPP, 4992);
  cg_facts_set_num(&facts, CG_F_CHIP_PD, 6.04);
  cg_facts_set_bool(&facts, CG_F_CHIP_DATACENTER, 1);
  cg_facts_set_bool(&facts, CG_F_CHIP_LOGIC_IC, 1);
  cg_facts_set_num(&facts, CG_F_CHIP_TOPS, 624);
  cg_facts_set_country(&facts, CG_F_DEST, "CN",
                       CG_GROUP_D1 | CG_GROUP_D3 | CG_GROUP_D4 | CG_GROUP_D5);
  cg_facts_set_country(&facts, CG_F_CUSTOMER_HQ, "CN", CG_GROUP_D5);
  cg_facts_set_country(&facts, CG_F_CUSTOMER_PARENT_HQ, "CN", CG_GROUP_D5);
  cg_facts_set_bool(&facts, CG_F_CUSTOMER_LISTED, 0);
  cg_facts_set_bool(&facts, CG_F_CUSTOMER_SCREEN_HOLD, 0);
  cg_facts_set_str(&facts, CG_F_ORDER_ROLE, "distributor");
  cg_facts_set_str(&facts, CG_F_ORDER_END_USE, "");
  cg_facts_set_bool(&facts, CG_F_ORDER_EXPORT_FROM_US, 1);
  set_date("2025-06-01");
  ck_assert_int_eq(eval_outcome(), CG_OUT_DENY);
  ck_assert_str_eq(res.eccn.u.str, "3A090.a");
  i = fired("EAR.744.23.d.pod");
  ck_assert_int_ge(i, 0);
  ck_assert_int_eq(res.fired[i].licensable, 1);
  ck_assert_ptr_nonnull(strstr(res.fired[i].cite, "744.23"));
  i = fired("EAR.3A090.a");
  ck_assert_int_ge(i, 0);
  for(j = 0; j < (int)res.fired[i].trace_len; j++) {
    const cg_trace_item *t = &res.trace[res.fired[i].trace_off + j];
    if(t->fact == CG_F_CHIP_TPP) {
      saw_tpp = 1;
      ck_assert(t->value.kind == CG_V_NUM && t->value.u.num == 4992);
    }
  }
  ck_assert(saw_tpp);

  /* the digest input starts with the first file in load order */
  ck_assert_int_eq(cg_rules_digest_input(pack, &digest, &len, &err), CG_OK);
  ck_assert_int_eq(strncmp(digest, cg_rules_file_path(pack, 0),
                           strlen(cg_rules_file_path(pack, 0))),
                   0);
  ck_assert_int_gt((int)len, 1000);
  free(digest);
}
END_TEST

START_TEST(test_real_pack_own_tests_pass)
{
  char dir[4096];
  cg_error err;
  int passed = 0, failed = 0;

  snprintf(dir, sizeof(dir), "%s/rules", source_dir());
  ck_assert_int_eq(cg_rules_load_dir(&pack, dir, &diags, &err), CG_OK);
  ck_assert_int_eq(
      cg_rules_test_dir(pack, dir, NULL, NULL, &passed, &failed, &err), CG_OK);
  ck_assert_int_ge(passed, 40);
  ck_assert_int_eq(failed, 0);
}
END_TEST

/* ---- robustness and sharing ------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;

  if(!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if(buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if(buf)
    buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

/* Mutated copies of a real rule file either load or fail cleanly with
 * diagnostics; never crash (run under ASan to see more). */
START_TEST(test_mutations_never_crash)
{
  char path[4096];
  size_t len, i;
  char *orig;
  unsigned seed = 12345;
  int ok = 0, bad = 0;

  snprintf(path, sizeof(path), "%s/rules/us-ear/20-license.rules",
           source_dir());
  orig = read_all(path, &len);
  ck_assert_ptr_nonnull(orig);
  for(i = 0; i < 300; i++) {
    char *m = malloc(len + 1);
    cg_rules_source src;
    cg_error err;
    int k, rc;
    memcpy(m, orig, len + 1);
    for(k = 0; k < 1 + (int)(i % 5); k++) {
      seed = seed * 1103515245u + 12345u;
      m[(seed >> 8) % len] = (char)(seed >> 16);
    }
    src.name = "m.rules";
    src.text = m;
    src.len = len;
    rc = cg_rules_load_sources(&pack, &src, 1, &diags, &err);
    if(rc == CG_OK) {
      ok++;
      ck_assert_int_eq(cg_rules_eval(pack, &facts, &res, &err), CG_OK);
    }
    else {
      bad++;
      ck_assert_int_eq(rc, CG_EINVAL);
      ck_assert_int_gt((int)diags.n, 0);
    }
    cg_rules_free(pack);
    pack = NULL;
    cg_rules_diags_clear(&diags);
    free(m);
  }
  free(orig);
  ck_assert_int_gt(bad, 0);
  (void)ok;
}
END_TEST

typedef struct thread_job {
  const cg_rules *pack;
  const cg_facts *facts;
  cg_outcome want;
  int mismatches;
} thread_job;

static void *eval_many(void *arg)
{
  thread_job *job = arg;
  cg_rules_result *r = malloc(sizeof(*r));
  int i;

  for(i = 0; r && i < 2000; i++) {
    cg_error err;
    if(cg_rules_eval(job->pack, job->facts, r, &err) != CG_OK ||
       r->outcome != job->want)
      job->mismatches++;
  }
  free(r);
  return NULL;
}

/* One read-only pack, four threads, each with its own result. */
START_TEST(test_shared_pack_threads)
{
  char dir[4096];
  cg_error err;
  cg_facts f[4];
  thread_job jobs[4];
  pthread_t th[4];
  const char *dests[4] = { "CN", "DE", "VN", "MO" };
  unsigned groups[4] = { CG_GROUP_D1 | CG_GROUP_D4 | CG_GROUP_D5, CG_GROUP_A5,
                         CG_GROUP_D1, CG_GROUP_D1 | CG_GROUP_D4 };
  int i;

  snprintf(dir, sizeof(dir), "%s/rules", source_dir());
  ck_assert_int_eq(cg_rules_load_dir(&pack, dir, &diags, &err), CG_OK);
  for(i = 0; i < 4; i++) {
    cg_facts_init(&f[i]);
    cg_facts_set_num(&f[i], CG_F_CHIP_TPP, 4000);
    cg_facts_set_num(&f[i], CG_F_CHIP_PD, 4.0);
    cg_facts_set_bool(&f[i], CG_F_CHIP_DATACENTER, 1);
    cg_facts_set_str(&f[i], CG_F_CHIP_NAME, "Test chip");
    cg_facts_set_num(&f[i], CG_F_CHIP_TOPS, 500);
    cg_facts_set_country(&f[i], CG_F_DEST, dests[i], groups[i]);
    cg_facts_set_country(&f[i], CG_F_CUSTOMER_HQ, dests[i], groups[i]);
    cg_facts_set_country(&f[i], CG_F_CUSTOMER_PARENT_HQ, dests[i], groups[i]);
    cg_facts_set_country(&f[i], CG_F_ORDER_END_USE_COUNTRY, dests[i],
                         groups[i]);
    cg_facts_set_bool(&f[i], CG_F_CUSTOMER_LISTED, 0);
    cg_facts_set_bool(&f[i], CG_F_CUSTOMER_SCREEN_HOLD, 0);
    cg_facts_set_bool(&f[i], CG_F_CUSTOMER_DENIED, 0);
    cg_facts_set_bool(&f[i], CG_F_CUSTOMER_BLOCKED, 0);
    cg_facts_set_bool(&f[i], CG_F_CUSTOMER_UNVERIFIED, 0);
    cg_facts_set_bool(&f[i], CG_F_CUSTOMER_MEU, 0);
    cg_facts_set_str(&f[i], CG_F_ORDER_ROLE, "distributor");
    cg_facts_set_str(&f[i], CG_F_ORDER_END_USE, "supercomputer");
    cg_facts_set_bool(&f[i], CG_F_ORDER_EXPORT_FROM_US, 1);
    ck_assert_int_eq(
        cg_date_parse("2026-03-01", &f[i].v[CG_F_ORDER_DATE].u.date, NULL),
        CG_OK);
    f[i].v[CG_F_ORDER_DATE].kind = CG_V_DATE;
    ck_assert_int_eq(cg_rules_eval(pack, &f[i], &res, &err), CG_OK);
    jobs[i].pack = pack;
    jobs[i].facts = &f[i];
    jobs[i].want = res.outcome;
    jobs[i].mismatches = 0;
  }
  /* 3A090.b: CN deny (supercomputer), DE nlr, VN ACA, MO deny */
  ck_assert_int_eq(jobs[0].want, CG_OUT_DENY);
  ck_assert_int_eq(jobs[1].want, CG_OUT_NLR);
  ck_assert_int_eq(jobs[2].want, CG_OUT_EXCEPTION);
  for(i = 0; i < 4; i++)
    ck_assert_int_eq(pthread_create(&th[i], NULL, eval_many, &jobs[i]), 0);
  for(i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    ck_assert_int_eq(jobs[i].mismatches, 0);
  }
}
END_TEST

/* ---- scale ------------------------------------------------------------ */

#define CHAIN_OPERANDS 100000

/* Appends "when A op A op ... op B" (n operands, one per line) to buf at
 * *off: the shape of a generated pack. */
static void chain(char *buf, size_t size, size_t *off, const char *op,
                  const char *a, const char *b, int n)
{
  int i;

  *off += (size_t)snprintf(buf + *off, size - *off, "  when %s\n", a);
  for(i = 1; i < n; i++)
    *off += (size_t)snprintf(buf + *off, size - *off, "    %s %s\n", op,
                             i == n - 1 ? b : a);
}

/* An and/or chain used to cost quadratic time and memory at load (each
 * node of the left-deep tree copied its whole subtree's operands) and
 * stack depth linear in its length: 32k operands took 11 s and 2 GB, and
 * this test's 100k crashed the old code (SIGSEGV). Now a chain is one
 * n-ary node and the load needs a few tens of MB; the 1 GiB address-space
 * cap turns a quadratic regression into a failed load, not a swapping
 * machine. */
START_TEST(test_long_chains_load_linearly)
{
  size_t size = (size_t)CHAIN_OPERANDS * 2 * 32 + 256, off = 0;
  char *src = malloc(size);
  cg_rules_source s;
  cg_error err;
#if !CG_ASAN
  struct rlimit old, cap;
  int capped = getrlimit(RLIMIT_AS, &old) == 0;
#endif

  ck_assert_ptr_nonnull(src);
  off += (size_t)snprintf(src, size, "rule OR cite \"c\"\n");
  chain(src, size, &off, "or", "dest == \"JP\"", "dest == \"CN\"",
        CHAIN_OPERANDS);
  off += (size_t)snprintf(src + off, size - off, "  then hold \"x\"\n");
  off += (size_t)snprintf(src + off, size - off, "rule AND cite \"c\"\n");
  chain(src, size, &off, "and", "dest != \"FR\"",
        "(dest != \"DE\" and (dest != \"US\"))", CHAIN_OPERANDS);
  off += (size_t)snprintf(src + off, size - off, "  then flag \"y\"\n");
  ck_assert_uint_lt(off, size);
  s.name = "t.rules";
  s.text = src;
  s.len = off;
#if !CG_ASAN
  if(capped && (old.rlim_cur == RLIM_INFINITY || old.rlim_cur > (1ul << 30))) {
    cap = old;
    cap.rlim_cur = (rlim_t)1 << 30;
    capped = setrlimit(RLIMIT_AS, &cap) == 0;
  }
  else
    capped = 0;
#endif
  ck_assert_msg(cg_rules_load_sources(&pack, &s, 1, &diags, &err) == CG_OK,
                "%s %s", err.msg, all_diags());
#if !CG_ASAN
  if(capped)
    setrlimit(RLIMIT_AS, &old);
#endif
  free(src);

  /* the last `or` operand decides; every `and` operand is read */
  cg_facts_set_country(&facts, CG_F_DEST, "CN", CG_GROUP_D1 | CG_GROUP_D5);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  ck_assert_int_ge(fired("OR"), 0);
  ck_assert_int_ge(fired("AND"), 0);
  cg_facts_set_country(&facts, CG_F_DEST, "DE", CG_GROUP_A5);
  ck_assert_int_eq(eval_outcome(), CG_OUT_NLR);
  ck_assert_int_lt(fired("OR"), 0);
  cg_facts_init(&facts);
  ck_assert_int_eq(eval_outcome(), CG_OUT_HOLD);
  ck_assert_int_ge(fired("OR"), 0);
  ck_assert_uint_eq(res.fired[fired("OR")].missing, (uint64_t)1 << CG_F_DEST);
}
END_TEST

static Suite *rules_suite(void)
{
  Suite *s = suite_create("rules");
  TCase *load = tcase_create("load");
  TCase *logic = tcase_create("logic");
  TCase *pk = tcase_create("pack");
  TCase *scale = tcase_create("scale");

  tcase_add_checked_fixture(load, setup, teardown);
  tcase_add_test(load, test_unknown_fact);
  tcase_add_test(load, test_type_mismatch);
  tcase_add_test(load, test_country_literal_checked);
  tcase_add_test(load, test_duplicate_id_across_files);
  tcase_add_test(load, test_unknown_action);
  tcase_add_test(load, test_missing_cite);
  tcase_add_test(load, test_bad_regex_offset);
  tcase_add_test(load, test_unknown_group);
  tcase_add_test(load, test_all_errors_listed);
  tcase_add_test(load, test_invalid_utf8);
  tcase_add_test(load, test_overlong_line);
  tcase_add_test(load, test_deep_nesting_is_an_error);
  tcase_add_test(load, test_missing_and_empty_dir);
  tcase_add_test(load, test_set_only_in_classify);
  tcase_add_test(load, test_unknown_fact_in_reason);
  tcase_add_test(load, test_bad_dates);
  tcase_add_test(load, test_relieves_checked);
  suite_add_tcase(s, load);

  tcase_add_checked_fixture(logic, setup, teardown);
  tcase_add_test(logic, test_kleene_and);
  tcase_add_test(logic, test_kleene_or);
  tcase_add_test(logic, test_kleene_not_and_known);
  tcase_add_test(logic, test_unknown_comparison_holds_naming_fact);
  tcase_add_test(logic, test_in_group_and_lists);
  tcase_add_test(logic, test_matches_and_year);
  tcase_add_test(logic, test_effective_expires);
  tcase_add_test(logic, test_relieves);
  tcase_add_test(logic, test_licensed_recompute);
  tcase_add_test(logic, test_hold_not_licensable);
  tcase_add_test(logic, test_own_licence);
  tcase_add_test(logic, test_classify_first_wins_and_unknowns);
  tcase_add_test(logic, test_define_shared_and_traced);
  tcase_add_test(logic, test_define_errors);
  suite_add_tcase(s, logic);

  tcase_add_checked_fixture(pk, setup, teardown);
  tcase_add_test(pk, test_real_pack_a100_to_china);
  tcase_add_test(pk, test_real_pack_own_tests_pass);
  tcase_add_test(pk, test_mutations_never_crash);
  tcase_add_test(pk, test_shared_pack_threads);
  suite_add_tcase(s, pk);

  tcase_add_checked_fixture(scale, setup, teardown);
  tcase_set_timeout(scale, 60);
  tcase_add_test(scale, test_long_chains_load_linearly);
  suite_add_tcase(s, scale);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(rules_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
