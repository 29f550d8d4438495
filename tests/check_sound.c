/* check_sound.c -- decisions under unknown facts, against oracles
 * (docs/rule-language.md, "Unknown facts").
 *
 * The shipped rule pack is decided for generated orders with some facts
 * unknown, and compared with two oracles small enough to trust:
 *
 * 1. Enumeration: every combination of the stand-ins of the unknown
 *    facts is evaluated with all facts known (known() still asks the
 *    data as given), licences applied, and combined by the documented
 *    rule. cg_rules_decide must give the same outcome and the same set
 *    of other outcomes, although it completes lazily.
 * 2. Truth: a concrete order (numbers drawn from wide ranges, not from
 *    the stand-ins) is hidden in part. Whatever cg_rules_decide says of
 *    the partial order must be right for the hidden one: if it ships,
 *    the truth is that same outcome; if it stops, the truth does not ship
 *    or is one of the alternatives it named.
 *
 * The generator is a fixed-seed xorshift: a failure prints the case. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "rules/rules.h"

#define CASES      10000
#define MAX_UNK    3
#define MAX_VALUES 256

static cg_rules *pack;
static cg_rules_result *res, *leaf;
static cg_rules_country world[300];
static size_t nworld;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static unsigned pick(unsigned n)
{
  return (unsigned)(next() % n);
}

/* The countries of rules/groups.test-data (undated rows), the US and a
 * country in no group: the world both oracles and the decision see. */
static void load_world(void)
{
  FILE *fp = fopen(t_src("rules/groups.test-data"), "r");
  char line[512];

  ck_assert_ptr_nonnull(fp);
  nworld = 0;
  while(fgets(line, sizeof(line), fp)) {
    char code[3], groups[128];
    size_t i;
    int bit;
    char *tok, *save = NULL;
    if(line[0] == '#' || sscanf(line, "%2s %127s", code, groups) != 2)
      continue;
    if(strstr(line, "from") || strstr(line, "until"))
      continue; /* dated rows: keep the world fixed */
    for(i = 0; i < nworld; i++)
      if(strcmp(world[i].code, code) == 0)
        break;
    if(i == nworld) {
      ck_assert_uint_lt(nworld, 298);
      memcpy(world[nworld].code, code, 3);
      world[nworld++].groups = 0;
    }
    for(tok = strtok_r(groups, ",", &save); tok;
        tok = strtok_r(NULL, ",", &save))
      if((bit = cg_group_bit(tok)) >= 0)
        world[i].groups |= 1u << bit;
  }
  fclose(fp);
  memcpy(world[nworld].code, "US", 3);
  world[nworld++].groups = 0;
  memcpy(world[nworld].code, "ZZ", 3);
  world[nworld++].groups = 0;
}

static int world_countries(void *ud, const cg_rules_country **out, size_t *n,
                           cg_error *err)
{
  (void)ud;
  (void)err;
  *out = world;
  *n = nworld;
  return CG_OK;
}

/* A held licence covers the order for the ECCNs in the case's mask. */
typedef struct lic {
  unsigned mask; /* bit 0: unclassified; bit k: k-th letter of eccn_keys */
} lic;

static const char *const eccn_keys[] = { "3A090.a", "3A090.b", "3A090.c",
                                         "3A991.p", "EAR99" };

static int covers(void *ud, const char *eccn, cg_error *err)
{
  const lic *l = ud;
  size_t i;

  (void)err;
  if(!eccn)
    return (int)(l->mask & 1u);
  for(i = 0; i < sizeof(eccn_keys) / sizeof(eccn_keys[0]); i++)
    if(strcmp(eccn, eccn_keys[i]) == 0)
      return (int)((l->mask >> (i + 1)) & 1u);
  return (int)((l->mask >> 6) & 1u); /* any other ECCN */
}

static cg_rules_world world_for(lic *l)
{
  cg_rules_world w;

  memset(&w, 0, sizeof(w));
  w.countries = world_countries;
  w.covers = covers;
  w.ud = l;
  return w;
}

/* ---- the oracle: enumerate, evaluate with everything known ----------- */

static int any_unknown_cond(const cg_rules_result *r)
{
  size_t i;

  for(i = 0; i < r->nfired; i++)
    if(r->fired[i].cond == CG_COND_UNKNOWN && r->fired[i].decisive == 1)
      return 1;
  return 0;
}

/* Outcome of a fully known completion, licence applied; -1 if some
 * condition is still unknown (the oracle cannot judge it). */
static int judge(const cg_facts *given, const cg_facts *full, lic *l)
{
  cg_error err;
  size_t i;
  int need = 0;
  const char *eccn;

  ck_assert_int_eq(cg_rules_eval_given(pack, given, full, leaf, &err), CG_OK);
  if(any_unknown_cond(leaf))
    return -1;
  for(i = 0; i < leaf->nfired; i++)
    if(leaf->fired[i].licensable && leaf->fired[i].decisive == 1 &&
       !leaf->fired[i].relieved)
      need = 1;
  eccn = leaf->eccn.kind == CG_V_STR ? leaf->eccn.u.str : NULL;
  if(!need || !covers(l, eccn, &err))
    return (int)leaf->outcome;
  for(i = 0; i < leaf->nfired; i++)
    if(leaf->fired[i].licensable && leaf->fired[i].decisive == 1 &&
       !leaf->fired[i].relieved)
      cg_rules_result_mark_licensed(leaf, i);
  return (int)cg_rules_result_recompute(leaf);
}

typedef struct verdict {
  unsigned seen; /* bit per outcome */
  int unjudged;  /* a completion the oracle could not judge */
} verdict;

static void enumerate(const cg_facts *given, cg_facts *cur, const int *unk,
                      int nunk, int k, lic *l, verdict *v)
{
  cg_value vals[MAX_VALUES];
  size_t n, i;
  int o;

  if(k == nunk) {
    o = judge(given, cur, l);
    if(o < 0)
      v->unjudged = 1;
    else
      v->seen |= 1u << o;
    return;
  }
  n = cg_rules_fact_values(pack, unk[k], world, nworld, vals, MAX_VALUES);
  if(!n) {
    v->unjudged = 1;
    return;
  }
  for(i = 0; i < n; i++) {
    cur->v[unk[k]] = vals[i];
    enumerate(given, cur, unk, nunk, k + 1, l, v);
  }
  memset(&cur->v[unk[k]], 0, sizeof(cur->v[unk[k]]));
}

/* The documented rule: agreement, else hold if any would ship, else the
 * most severe. */
static int combine(const verdict *v)
{
  int o, worst = 0, n = 0, ship = 0;

  if(v->unjudged)
    return CG_OUT_HOLD;
  for(o = 0; o < CG_OUT_NONE; o++)
    if(v->seen & (1u << o)) {
      n++;
      worst = o;
      ship |= o < CG_OUT_HOLD;
    }
  if(n > 1 && ship)
    return CG_OUT_HOLD;
  return worst;
}

/* ---- generated orders ------------------------------------------------ */

/* Facts an order may have; eccn is the pack's to decide. */
static int order_fact(int f)
{
  return f != CG_F_ECCN && f != CG_F_ORDER_QTY;
}

/* A value for fact f: a stand-in, or (wide) a raw draw from a range that
 * covers every threshold of the pack. */
static void draw(int f, int wide, cg_value *out)
{
  cg_value vals[MAX_VALUES];
  size_t n = cg_rules_fact_values(pack, f, world, nworld, vals, MAX_VALUES);
  cg_kind k = cg_fact_kind(f);

  if(wide && k == CG_V_NUM) {
    static const double scale[] = { 1, 10, 100, 1000, 10000, 100000 };
    out->kind = CG_V_NUM;
    out->u.num = (double)pick(100000) / 100000.0 * scale[pick(6)];
    if(pick(8) == 0 && n) /* sometimes exactly on a threshold */
      *out = vals[pick((unsigned)n)];
    return;
  }
  if(wide && k == CG_V_DATE) {
    out->kind = CG_V_DATE;
    out->u.date = 18900 + (int32_t)pick(2900); /* 2021-09 .. 2029-07 */
    return;
  }
  ck_assert_uint_gt(n, 0);
  *out = vals[pick((unsigned)n)];
}

static void gen(cg_facts *truth, int wide)
{
  int f;

  cg_facts_init(truth);
  for(f = 0; f < CG_F_COUNT; f++)
    if(order_fact(f))
      draw(f, wide, &truth->v[f]);
}

/* Hides up to MAX_UNK facts, preferring ones the rules read. */
static int hide(const cg_facts *truth, cg_facts *given, int *unk)
{
  static const int often[] = {
    CG_F_CHIP_TPP,
    CG_F_CHIP_PD,
    CG_F_CHIP_DATACENTER,
    CG_F_CHIP_DRAM_BW,
    CG_F_ORDER_EXPORT_FROM_US,
    CG_F_CUSTOMER_HQ,
    CG_F_CUSTOMER_PARENT_HQ,
    CG_F_ORDER_PACKAGER,
    CG_F_CHIP_TRANSISTORS,
    CG_F_CHIP_NODE_NM,
    CG_F_ORDER_NAC_DAYS,
    CG_F_CUSTOMER_LISTED,
    CG_F_CHIP_HBM_STACK,
    CG_F_ORDER_END_USE,
  };
  int n = (int)pick(MAX_UNK) + 1, i, j, f;

  *given = *truth;
  for(i = 0; i < n;) {
    f = pick(3) ? often[pick(sizeof(often) / sizeof(often[0]))]
                : (int)pick(CG_F_COUNT);
    if(!order_fact(f))
      continue;
    for(j = 0; j < i && unk[j] != f; j++)
      ;
    if(j < i)
      continue; /* already hidden: draw again */
    unk[i++] = f;
    cg_facts_set_unknown(given, f);
  }
  return n;
}

static void describe(const cg_facts *f, const int *unk, int nunk, char *buf,
                     size_t size)
{
  size_t off = 0;
  int i;

  for(i = 0; i < CG_F_COUNT && off < size; i++) {
    char v[128];
    int j, hidden = 0;
    for(j = 0; j < nunk; j++)
      hidden |= unk[j] == i;
    cg_value_format(&f->v[i], v, sizeof(v));
    if(v[0] == '"' && v[1] == '\001')
      snprintf(v, sizeof(v), "<stand-in>");
    off += (size_t)snprintf(buf + off, size - off, "%s%s=%s ",
                            hidden ? "?" : "", cg_fact_name(i), v);
  }
}

/* " [R=outcome ...; alt if ...]" of res, for failure messages. */
static void explain(char *buf, size_t size)
{
  size_t off = strlen(buf), i;
  unsigned j;

  for(i = 0; i < res->nfired && off < size; i++)
    off +=
        (size_t)snprintf(buf + off, size - off, " %s=%s%s%s", res->fired[i].id,
                         cg_outcome_name(res->fired[i].outcome),
                         res->fired[i].cond == CG_COND_UNKNOWN ? "?" : "",
                         res->fired[i].relieved ? "(relieved)" : "");
  for(i = 0; i < res->nalts && off < size; i++) {
    off += (size_t)snprintf(buf + off, size - off, "; %s if",
                            cg_outcome_name(res->alts[i].outcome));
    for(j = 0; j < res->alts[i].nfacts && off < size; j++) {
      char d[200];
      cg_rules_alt_describe(res, &res->alts[i], j, d, sizeof(d));
      off += (size_t)snprintf(buf + off, size - off, " %s", d);
    }
  }
}

static void setup(void)
{
  cg_error err;
  cg_rules_diags diags = { 0 };

  ck_assert_msg(cg_rules_load_dir(&pack, t_src("rules"), &diags, &err) ==
                    CG_OK,
                "%s", err.msg);
  cg_rules_diags_clear(&diags);
  res = malloc(sizeof(*res));
  leaf = malloc(sizeof(*leaf));
  ck_assert_ptr_nonnull(res);
  ck_assert_ptr_nonnull(leaf);
  load_world();
}

static void teardown(void)
{
  cg_rules_free(pack);
  free(res);
  free(leaf);
}

START_TEST(test_equals_enumeration)
{
  int c, unk[MAX_UNK], disagreements = 0, completed = 0;

  for(c = 0; c < CASES; c++) {
    cg_facts truth, given, cur;
    lic l = { (unsigned)pick(128) };
    cg_rules_world w = world_for(&l);
    verdict v = { 0, 0 };
    cg_error err;
    unsigned others = 0;
    int nunk = 0, want;
    size_t i;
    gen(&truth, 0);
    nunk = hide(&truth, &given, unk);
    cur = given;
    enumerate(&given, &cur, unk, nunk, 0, &l, &v);
    want = combine(&v);
    ck_assert_int_eq(cg_rules_decide(pack, &given, &w, res, &err), CG_OK);
    for(i = 0; i < res->nalts; i++)
      others |= 1u << res->alts[i].outcome;
    if(res->completions)
      completed++;
    if((int)res->outcome != want ||
       (!v.unjudged && __builtin_popcount(v.seen) > 1 &&
        (want == CG_OUT_HOLD
             /* a hold on disagreement stops at the first proof: the
              * alternatives named are some of those that exist */
             ? (others & ~v.seen) != 0 || !others
             : others != (v.seen & ~(1u << want))))) {
      char d[8192];
      describe(&given, unk, nunk, d, sizeof(d));
      explain(d, sizeof(d));
      ck_abort_msg("case %d: decide says %s (others 0x%x), enumeration %s "
                   "(seen 0x%x%s), licence mask 0x%x: %s",
                   c, cg_outcome_name(res->outcome), others,
                   cg_outcome_name((cg_outcome)want), v.seen,
                   v.unjudged ? ", unjudged" : "", l.mask, d);
    }
    disagreements += __builtin_popcount(v.seen) > 1;
  }
  /* the generator must reach the interesting cases */
  ck_assert_int_gt(disagreements, CASES / 20);
  ck_assert_int_gt(completed, CASES / 5);
}
END_TEST

START_TEST(test_right_for_the_hidden_truth)
{
  int c, unk[MAX_UNK], stops = 0;

  for(c = 0; c < CASES; c++) {
    cg_facts truth, given;
    lic l = { (unsigned)pick(128) };
    cg_rules_world w = world_for(&l);
    cg_error err;
    int nunk, real, ok = 1;
    size_t i;
    gen(&truth, 1);
    nunk = hide(&truth, &given, unk);
    /* known() asks the data as given, as for the decision */
    real = judge(&given, &truth, &l);
    ck_assert_int_ge(real, 0); /* everything known: always judged */
    ck_assert_int_eq(cg_rules_decide(pack, &given, &w, res, &err), CG_OK);
    if(res->outcome < CG_OUT_HOLD)
      ok = real == (int)res->outcome; /* a "go" must be the truth */
    else {
      /* a stop: the truth, one of the named alternatives, or a hold
       * because the completions disagree */
      stops++;
      ok = real == (int)res->outcome ||
           (res->outcome == CG_OUT_HOLD && res->missing);
      for(i = 0; !ok && i < res->nalts; i++)
        ok = (int)res->alts[i].outcome == real;
    }
    if(!ok) {
      char d[8192];
      describe(&truth, unk, nunk, d, sizeof(d));
      explain(d, sizeof(d));
      ck_abort_msg("case %d: decide says %s, the hidden truth is %s: %s", c,
                   cg_outcome_name(res->outcome),
                   cg_outcome_name((cg_outcome)real), d);
    }
  }
  ck_assert_int_gt(stops, CASES / 20);
}
END_TEST

/* The examples of the issue, through the real pack. */
START_TEST(test_relief_with_unknown_condition_never_relieves)
{
  cg_facts f;
  lic none = { 0 }, all = { 0x7f };
  cg_rules_world w = world_for(&none);
  cg_error err;
  char d[200];

  cg_facts_init(&f);
  cg_facts_set_str(&f, CG_F_CHIP_NAME, "NVIDIA H100 SXM5 80GB");
  cg_facts_set_num(&f, CG_F_CHIP_TPP, 15832);
  cg_facts_set_num(&f, CG_F_CHIP_PD, 19.45);
  cg_facts_set_num(&f, CG_F_CHIP_DRAM_BW, 3350);
  cg_facts_set_num(&f, CG_F_CHIP_TOPS, 1979);
  cg_facts_set_bool(&f, CG_F_CHIP_DATACENTER, 1);
  cg_facts_set_bool(&f, CG_F_CHIP_LOGIC_IC, 1);
  cg_facts_set_bool(&f, CG_F_CHIP_HBM, 1);
  cg_facts_set_bool(&f, CG_F_CHIP_HBM_STACK, 0);
  cg_facts_set_str(&f, CG_F_ITEM_KIND, "ic");
  cg_facts_set_country(&f, CG_F_DEST, "CN",
                       CG_GROUP_D1 | CG_GROUP_D3 | CG_GROUP_D4 | CG_GROUP_D5);
  f.v[CG_F_CUSTOMER_HQ] = f.v[CG_F_DEST];
  f.v[CG_F_CUSTOMER_PARENT_HQ] = f.v[CG_F_DEST];
  f.v[CG_F_CUSTOMER_COUNTRY] = f.v[CG_F_DEST];
  f.v[CG_F_ORDER_END_USE_COUNTRY] = f.v[CG_F_DEST];
  f.v[CG_F_ORDER_END_USER_HQ] = f.v[CG_F_DEST];
  cg_facts_set_bool(&f, CG_F_CUSTOMER_LISTED, 0);
  cg_facts_set_bool(&f, CG_F_CUSTOMER_SCREEN_HOLD, 0);
  cg_facts_set_bool(&f, CG_F_CUSTOMER_DENIED, 0);
  cg_facts_set_bool(&f, CG_F_CUSTOMER_BLOCKED, 0);
  cg_facts_set_bool(&f, CG_F_CUSTOMER_UNVERIFIED, 0);
  cg_facts_set_bool(&f, CG_F_CUSTOMER_MEU, 0);
  cg_facts_set_str(&f, CG_F_ORDER_ROLE, "distributor");
  cg_facts_set_str(&f, CG_F_ORDER_END_USE, "");
  cg_facts_set_str(&f, CG_F_ORDER_ADDRESS, "");
  cg_facts_set_date(&f, CG_F_ORDER_DATE, 20500); /* 2026-02-13 */

  /* export_from_us unknown: the case-by-case band cannot relieve */
  ck_assert_int_eq(cg_rules_decide(pack, &f, &w, res, &err), CG_OK);
  ck_assert_str_eq(cg_outcome_name(res->outcome), "deny");
  ck_assert_uint_eq(res->nalts, 1);
  ck_assert_int_eq(res->alts[0].outcome, CG_OUT_LICENSE_REQUIRED);
  cg_rules_alt_describe(res, &res->alts[0], 0, d, sizeof(d));
  ck_assert_str_eq(d, "order.export_from_us = true");

  /* a licence that covers it whichever way it ships: licensed */
  w = world_for(&all);
  ck_assert_int_eq(cg_rules_decide(pack, &f, &w, res, &err), CG_OK);
  ck_assert_str_eq(cg_outcome_name(res->outcome), "licensed");
  ck_assert_uint_eq(res->nalts, 0);

  /* known: exported from the US, the relief applies */
  cg_facts_set_bool(&f, CG_F_ORDER_EXPORT_FROM_US, 1);
  w = world_for(&none);
  ck_assert_int_eq(cg_rules_decide(pack, &f, &w, res, &err), CG_OK);
  ck_assert_str_eq(cg_outcome_name(res->outcome), "license_required");
  ck_assert_uint_eq(res->completions, 0);
}
END_TEST

static Suite *sound_suite(void)
{
  Suite *s = suite_create("sound");
  TCase *tc = tcase_create("oracles");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_relief_with_unknown_condition_never_relieves);
  tcase_add_test(tc, test_equals_enumeration);
  tcase_add_test(tc, test_right_for_the_hidden_truth);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(sound_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
