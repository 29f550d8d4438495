/* check_decision.c -- the typed decision's one writer and one reader:
 * every field survives a round trip, write -> parse -> write gives the same
 * bytes, keys are sorted at every level, numbers and strings are written
 * as specified, the decisions a real demo database stores read back to
 * exactly their stored bytes (and their webhook events are cut from them),
 * and bad documents are refused with the field named. */
#include "helpers.h"

#include "core/crypto.h"
#include "core/json.h"
#include "decide/audit.h"
#include "decide/decision.h"
#include "decide/decision_int.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a decision with every field set ------------------------------------ */

static const char *S(cg_decision *d, const char *s)
{
  const char *c = cg_decision_strdup(d, s);
  ck_assert_ptr_nonnull(c);
  return c;
}

static void *A(cg_decision *d, size_t n)
{
  void *p = cg_decision_alloc(d, n);
  ck_assert_ptr_nonnull(p);
  return p;
}

static cg_value num(double v)
{
  cg_value x;
  memset(&x, 0, sizeof(x));
  x.kind = CG_V_NUM;
  x.u.num = v;
  return x;
}

/* Rule i with a trace of every value kind (given in fact-name order). */
static void full_rules(cg_decision *d)
{
  cg_decision_rule *r;
  cg_decision_trace *t;

  d->nrules = 3;
  d->rules = r = A(d, 3 * sizeof(*r));
  r[0].id = S(d, "EAR.3A090.a");
  r[0].title = S(d, "Advanced computing IC, 3A090.a (TPP >= 4800)");
  r[0].outcome = S(d, "classify");
  r[0].action = CG_ACT_CLASSIFY;
  r[0].reason = S(d, "3A090.a");
  r[0].cite = S(d, "15 CFR 774 Supp. 1; 88 FR 73458");
  r[0].decisive = 1;
  r[0].condition = CG_COND_TRUE;
  r[0].ntrace = 7;
  r[0].trace = t = A(d, 7 * sizeof(*t));
  t[0].fact = CG_F_CHIP_DATACENTER; /* chip.datacenter: bool */
  t[0].value.kind = CG_V_BOOL;
  t[0].value.u.b = 1;
  t[1].fact = CG_F_CHIP_NAME; /* chip.name: a string with quotes */
  t[1].value.kind = CG_V_STR;
  t[1].value.u.str = S(d, "the \"big\" one \\ 9\xc2\xb0");
  t[2].fact = CG_F_CHIP_PD; /* chip.pd: a NaN number is null */
  t[2].value = num(NAN);
  t[3].fact = CG_F_CHIP_TPP;
  t[3].value = num(15832.5);
  t[4].fact = CG_F_CUSTOMER_LIST_POLICY; /* unknown */
  t[4].value.kind = CG_V_UNKNOWN;
  t[5].fact = CG_F_DEST; /* dest: a country */
  t[5].value.kind = CG_V_COUNTRY;
  memcpy(t[5].value.u.country.code, "CN", 3);
  t[6].fact = CG_F_ORDER_DATE; /* order.date: a date */
  t[6].value.kind = CG_V_DATE;
  ck_assert_int_eq(cg_date_parse("2026-11-26", &t[6].value.u.date, NULL), 0);
  r[1].id = S(d, "EAR.744.23.hq");
  r[1].title = S(d, "");
  r[1].outcome = S(d, "licensed");
  r[1].action = CG_ACT_REQUIRE_LICENSE;
  r[1].reason = S(d, "line one\nline two\ttab \x01 \x7f end");
  r[1].cite = S(d, "15 CFR 744.23(a)(3)");
  r[1].relieved = 1;
  r[1].relieved_by = S(d, "EAR.740.2.ACA");
  r[1].decisive = 1;
  r[1].condition = CG_COND_UNKNOWN;
  r[1].missing = ((uint64_t)1 << CG_F_CHIP_PD) | ((uint64_t)1 << CG_F_DEST);
  r[2].id = S(d, "EAR.742.6.flag");
  r[2].title = NULL; /* null */
  r[2].outcome = S(d, "flag");
  r[2].action = CG_ACT_FLAG;
  r[2].reason = S(d, "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80");
  r[2].cite = S(d, "90 FR 4544");
  r[2].condition = CG_COND_TRUE;
}

static void full_hits(cg_decision *d)
{
  cg_decision_hit *h;
  int i;

  d->nhits = 3;
  d->hits = h = A(d, 3 * sizeof(*h));
  for(i = 0; i < 3; i++) {
    h[i].list = S(d, "Entity List (EL) - Bureau of Industry and Security");
    h[i].entry_id = S(d, i == 0 ? "63b63276c5f67c42" : "89273c34acd0413f");
    h[i].name = S(d, "Huawei Technologies Co., Ltd.");
    h[i].matched_name = S(d, i == 1 ? "HUAWEI" : "Huawei Technologies");
    h[i].via_alias = i == 1;
    h[i].screened = S(d, "Huawei Technologies Co Ltd");
    h[i].on_parent = i == 2;
    h[i].score = i == 0 ? 1.0 : 0.92;
    h[i].sure = i == 0;
    h[i].entity_list = i != 2;
    h[i].footnote = S(d, i == 0 ? "fn1" : "");
    h[i].country = S(d, "CN; HK");
    h[i].license_requirement = S(d, "For all items subject to the EAR");
    h[i].license_policy = S(d, "Presumption of denial");
    h[i].federal_register_notice = S(d, "84 FR 22963; 85 FR 29853");
    h[i].explain = i == 2 ? NULL : S(d, "huawei=huawei technologies=tech");
    h[i].cleared = i != 0;
    h[i].clear_reason = i == 1 ? S(d, "checked by J. Doe \"ok\"") : NULL;
  }
}

static void full_workload(cg_decision *d)
{
  cg_decision_workload *w = &d->workload;

  w->known = 1;
  w->mfu = 0.4;
  w->quantity = 512;
  w->basis = S(d, "bf16/fp16");
  w->tpp = 15832;
  w->h100e_per_chip = 1;
  w->h100e = 512;
  w->peak16_flops_per_chip = 989400000000000.0;
  w->fp8_flops_per_chip = NAN;
  w->cluster_peak_flops = 5.065728e17;
  w->cluster_effective_flops = 2.0262912e17;
  w->flop_30d = 5.2521467904e23;
  w->flop_90d = 1.57564403712e24;
  w->flop_365d = 6.39011192832e24;
  w->optimal_params_90d = 114587813383.448;
  w->optimal_tokens_90d = 2291756267668.97;
  w->reaches_1e26_365d = 0;
  w->days_to_1e26 = 5711.95002676519;
  w->nworkloads = 2;
  w->workloads = A(d, 2 * sizeof(*w->workloads));
  w->workloads[0].name = S(d, "GPT-3 175B");
  w->workloads[0].flop = 3.14e23;
  w->workloads[0].source = S(d, "Brown et al. 2020");
  w->workloads[0].days = 17.9355230840427;
  w->workloads[1].name = S(d, "10^26 operations");
  w->workloads[1].flop = 1e26;
  w->workloads[1].source = NULL;
  w->workloads[1].days = NAN;
  w->nassumptions = 2;
  w->assumptions = A(d, 2 * sizeof(char *));
  w->assumptions[0] = S(d, "MFU 0.40 (an assumption, not a measurement).");
  w->assumptions[1] = S(d, "C = 6 N D; D = 20 N.");
}

/* license: 0 none, 1 with max_qty, 2 without */
static void full_decision(cg_decision *d, int license)
{
  cg_decision_init(d);
  d->order_id = S(d, "O-1001 \xc3\xa9t\xc3\xa9");
  d->decision = CG_OUT_LICENSED;
  d->as_of = S(d, "2026-11-26");
  d->quantity = 1000000000;
  d->destination = S(d, "CN");
  d->chip.name = S(d, "NVIDIA H100 SXM5 80GB");
  d->chip.vendor = S(d, "NVIDIA");
  d->chip.node = NULL;
  d->chip.foundry = S(d, "TSMC");
  d->chip.node_nm = 5;
  d->chip.nonplanar = -1;
  d->chip.tpp = 15832;
  d->chip.tpp_precision = S(d, "INT8");
  d->chip.pd = 19.4496314496315;
  d->chip.die_area_mm2 = 814;
  d->chip.transistors_billion = NAN;
  d->chip.datacenter = 1;
  d->chip.hbm = 0;
  d->chip.memory_bandwidth_gbs = 3350;
  d->chip.eccn = S(d, "3A090.a");
  d->customer.name = S(d, "Acme \"Quoted\" GmbH");
  d->customer.country = S(d, "DE");
  d->customer.hq_country = NULL;
  d->customer.parent = S(d, "Acme Holdings");
  d->customer.parent_hq_country = S(d, "CN");
  d->customer.role = S(d, "end_user");
  d->order.end_use = S(d, "");
  d->order.role = S(d, "distributor");
  d->order.packager = NULL;
  d->order.export_from_us = 0;
  full_rules(d);
  d->missing = ((uint64_t)1 << CG_F_CHIP_TPP) | ((uint64_t)1 << CG_F_ECCN);
  full_hits(d);
  d->license.present = license != 0;
  d->license.number = S(d, "D1000001");
  d->license.kind = S(d, "license");
  d->license.quantity_used = 100;
  d->license.max_qty = license == 1 ? 1000 : -1;
  d->license.remaining = license == 1 ? 700 : 0;
  full_workload(d);
  d->ruleset = S(d, "sha256:d40d092af46891f57998c21e39c8cc3d");
  d->lists = NULL;
  d->tool_version = S(d, "0.1.0");
  d->decided_at = S(d, "2026-11-29T17:19:23Z");
  d->batch = 7;
}

/* ---- comparing two decisions field by field ----------------------------- */

static void same_str(const char *a, const char *b, const char *what)
{
  ck_assert_msg((!a && !b) || (a && b && !strcmp(a, b)),
                "%s: \"%s\" vs \"%s\"", what, a ? a : "(null)",
                b ? b : "(null)");
}

static void same_num(double a, double b, const char *what)
{
  ck_assert_msg((isnan(a) && isnan(b)) || a == b, "%s: %.17g vs %.17g", what,
                a, b);
}

static void same_value(const cg_value *a, const cg_value *b)
{
  if(a->kind == CG_V_NUM && isnan(a->u.num)) {
    /* A NaN number is written null: it reads back unknown. */
    ck_assert_int_eq(b->kind, CG_V_UNKNOWN);
    return;
  }
  ck_assert_int_eq(a->kind, b->kind);
  if(a->kind == CG_V_NUM)
    same_num(a->u.num, b->u.num, "trace number");
  else if(a->kind == CG_V_STR)
    same_str(a->u.str, b->u.str, "trace string");
  else if(a->kind == CG_V_BOOL)
    ck_assert_int_eq(a->u.b, b->u.b);
  else if(a->kind == CG_V_DATE)
    ck_assert_int_eq(a->u.date, b->u.date);
  else if(a->kind == CG_V_COUNTRY)
    ck_assert_str_eq(a->u.country.code, b->u.country.code);
}

static void same_rules(const cg_decision *a, const cg_decision *b)
{
  size_t i, k;

  ck_assert_uint_eq(a->nrules, b->nrules);
  for(i = 0; i < a->nrules; i++) {
    const cg_decision_rule *x = &a->rules[i], *y = &b->rules[i];
    same_str(x->id, y->id, "rule id");
    same_str(x->title, y->title, "rule title");
    same_str(x->outcome, y->outcome, "rule outcome");
    ck_assert_int_eq(x->action, y->action);
    same_str(x->reason, y->reason, "rule reason");
    same_str(x->cite, y->cite, "rule cite");
    ck_assert_int_eq(x->relieved, y->relieved);
    same_str(x->relieved_by, y->relieved_by, "rule relieved_by");
    ck_assert_int_eq(x->decisive, y->decisive);
    ck_assert_int_eq(x->condition, y->condition);
    ck_assert(x->missing == y->missing);
    ck_assert_uint_eq(x->ntrace, y->ntrace);
    for(k = 0; k < x->ntrace; k++) {
      ck_assert_int_eq(x->trace[k].fact, y->trace[k].fact);
      same_value(&x->trace[k].value, &y->trace[k].value);
    }
  }
}

static void same_hits(const cg_decision *a, const cg_decision *b)
{
  size_t i;

  ck_assert_uint_eq(a->nhits, b->nhits);
  for(i = 0; i < a->nhits; i++) {
    const cg_decision_hit *x = &a->hits[i], *y = &b->hits[i];
    same_str(x->list, y->list, "hit list");
    same_str(x->entry_id, y->entry_id, "hit entry_id");
    same_str(x->name, y->name, "hit name");
    same_str(x->matched_name, y->matched_name, "hit matched_name");
    ck_assert_int_eq(x->via_alias, y->via_alias);
    same_str(x->screened, y->screened, "hit screened");
    ck_assert_int_eq(x->on_parent, y->on_parent);
    same_num(x->score, y->score, "hit score");
    ck_assert_int_eq(x->sure, y->sure);
    ck_assert_int_eq(x->entity_list, y->entity_list);
    same_str(x->footnote, y->footnote, "hit footnote");
    same_str(x->country, y->country, "hit country");
    same_str(x->license_requirement, y->license_requirement, "hit lic req");
    same_str(x->license_policy, y->license_policy, "hit policy");
    same_str(x->federal_register_notice, y->federal_register_notice,
             "hit frn");
    same_str(x->explain, y->explain, "hit explain");
    ck_assert_int_eq(x->cleared, y->cleared);
    same_str(x->clear_reason, y->clear_reason, "hit clear_reason");
  }
}

static void same_workload(const cg_decision_workload *a,
                          const cg_decision_workload *b)
{
  size_t i;

  ck_assert_int_eq(a->known, b->known);
  same_num(a->mfu, b->mfu, "mfu");
  same_num(a->quantity, b->quantity, "wl quantity");
  same_str(a->basis, b->basis, "basis");
  same_num(a->tpp, b->tpp, "wl tpp");
  same_num(a->h100e_per_chip, b->h100e_per_chip, "h100e_per_chip");
  same_num(a->h100e, b->h100e, "h100e");
  same_num(a->peak16_flops_per_chip, b->peak16_flops_per_chip, "peak16");
  same_num(a->fp8_flops_per_chip, b->fp8_flops_per_chip, "fp8");
  same_num(a->cluster_peak_flops, b->cluster_peak_flops, "cluster_peak");
  same_num(a->cluster_effective_flops, b->cluster_effective_flops, "eff");
  same_num(a->flop_30d, b->flop_30d, "flop_30d");
  same_num(a->flop_90d, b->flop_90d, "flop_90d");
  same_num(a->flop_365d, b->flop_365d, "flop_365d");
  same_num(a->optimal_params_90d, b->optimal_params_90d, "params");
  same_num(a->optimal_tokens_90d, b->optimal_tokens_90d, "tokens");
  ck_assert_int_eq(a->reaches_1e26_365d, b->reaches_1e26_365d);
  same_num(a->days_to_1e26, b->days_to_1e26, "days_to_1e26");
  ck_assert_uint_eq(a->nworkloads, b->nworkloads);
  for(i = 0; i < a->nworkloads; i++) {
    same_str(a->workloads[i].name, b->workloads[i].name, "wl name");
    same_num(a->workloads[i].flop, b->workloads[i].flop, "wl flop");
    same_str(a->workloads[i].source, b->workloads[i].source, "wl source");
    same_num(a->workloads[i].days, b->workloads[i].days, "wl days");
  }
  ck_assert_uint_eq(a->nassumptions, b->nassumptions);
  for(i = 0; i < a->nassumptions; i++)
    same_str(a->assumptions[i], b->assumptions[i], "assumption");
}

static void same_decision(const cg_decision *a, const cg_decision *b)
{
  const cg_decision_chip *x = &a->chip, *y = &b->chip;

  same_str(a->order_id, b->order_id, "order_id");
  ck_assert_int_eq(a->decision, b->decision);
  same_str(a->as_of, b->as_of, "as_of");
  ck_assert(a->quantity == b->quantity);
  same_str(a->destination, b->destination, "destination");
  same_str(x->name, y->name, "chip name");
  same_str(x->vendor, y->vendor, "chip vendor");
  same_str(x->node, y->node, "chip node");
  same_str(x->foundry, y->foundry, "chip foundry");
  same_num(x->node_nm, y->node_nm, "node_nm");
  ck_assert_int_eq(x->nonplanar, y->nonplanar);
  same_num(x->tpp, y->tpp, "tpp");
  same_str(x->tpp_precision, y->tpp_precision, "tpp_precision");
  same_num(x->pd, y->pd, "pd");
  same_num(x->die_area_mm2, y->die_area_mm2, "die area");
  same_num(x->transistors_billion, y->transistors_billion, "transistors");
  ck_assert_int_eq(x->datacenter, y->datacenter);
  ck_assert_int_eq(x->hbm, y->hbm);
  same_num(x->memory_bandwidth_gbs, y->memory_bandwidth_gbs, "bandwidth");
  same_str(x->eccn, y->eccn, "eccn");
  same_str(a->customer.name, b->customer.name, "customer");
  same_str(a->customer.country, b->customer.country, "country");
  same_str(a->customer.hq_country, b->customer.hq_country, "hq");
  same_str(a->customer.parent, b->customer.parent, "parent");
  same_str(a->customer.parent_hq_country, b->customer.parent_hq_country,
           "parent hq");
  same_str(a->customer.role, b->customer.role, "customer role");
  same_str(a->order.end_use, b->order.end_use, "end_use");
  same_str(a->order.role, b->order.role, "order role");
  same_str(a->order.packager, b->order.packager, "packager");
  ck_assert_int_eq(a->order.export_from_us, b->order.export_from_us);
  same_rules(a, b);
  ck_assert(a->missing == b->missing);
  same_hits(a, b);
  ck_assert_int_eq(a->license.present, b->license.present);
  if(a->license.present) {
    same_str(a->license.number, b->license.number, "licence number");
    same_str(a->license.kind, b->license.kind, "licence kind");
    ck_assert(a->license.quantity_used == b->license.quantity_used);
    ck_assert(a->license.max_qty == b->license.max_qty);
    if(a->license.max_qty >= 0)
      ck_assert(a->license.remaining == b->license.remaining);
  }
  same_workload(&a->workload, &b->workload);
  same_str(a->ruleset, b->ruleset, "ruleset");
  same_str(a->lists, b->lists, "lists");
  same_str(a->tool_version, b->tool_version, "tool_version");
  same_str(a->decided_at, b->decided_at, "decided_at");
  ck_assert(a->batch == b->batch);
}

/* ---- keys in order, checked on the bytes themselves --------------------- */

/* Walks canonical JSON; fails unless every object's keys are strictly
 * increasing (byte order). Returns the end of the value at p. */
static const char *sorted_value(const char *p)
{
  if(*p == '"') {
    for(p++; *p != '"'; p++)
      if(*p == '\\')
        p++;
    return p + 1;
  }
  if(*p == '[') {
    p++;
    while(*p != ']') {
      p = sorted_value(p);
      if(*p == ',')
        p++;
    }
    return p + 1;
  }
  if(*p == '{') {
    char prev[128] = "";
    int first = 1;
    p++;
    while(*p != '}') {
      const char *k = p + 1, *e = strchr(k, '"');
      char key[128];
      ck_assert_ptr_nonnull(e);
      snprintf(key, sizeof(key), "%.*s", (int)(e - k), k);
      ck_assert_msg(first || strcmp(prev, key) < 0, "key \"%s\" after \"%s\"",
                    key, prev);
      memcpy(prev, key, sizeof(prev));
      first = 0;
      ck_assert_int_eq(e[1], ':');
      p = sorted_value(e + 2);
      if(*p == ',')
        p++;
    }
    return p + 1;
  }
  while(*p && *p != ',' && *p != '}' && *p != ']')
    p++;
  return p;
}

static void assert_sorted(const char *json, size_t len)
{
  ck_assert_ptr_eq(sorted_value(json), json + len);
}

/* ---- tests -------------------------------------------------------------- */

static void round_trip(int license)
{
  cg_decision d, back;
  cg_error err = { 0 };
  char *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0;

  full_decision(&d, license);
  ck_assert_cg_ok(cg_decision_write(&d, &a, &alen, &err), &err);
  ck_assert_uint_eq(strlen(a), alen);
  ck_assert_cg_ok(cg_decision_parse(a, alen, &back, &err), &err);
  same_decision(&d, &back);
  ck_assert_cg_ok(cg_decision_write(&back, &b, &blen, &err), &err);
  ck_assert_uint_eq(alen, blen);
  ck_assert_msg(memcmp(a, b, alen) == 0, "not byte-identical:\n%s\n%s", a, b);
  assert_sorted(a, alen);
  free(a);
  free(b);
  cg_decision_clear(&back);
  cg_decision_clear(&d);
}

START_TEST(test_round_trip_every_field)
{
  round_trip(0);
  round_trip(1);
  round_trip(2);
}
END_TEST

/* Licences considered and the order's end-use fields: written in key
 * order, read back field for field, written again byte for byte; absent
 * when empty (older documents keep their bytes). */
/* The inputs digest as it was computed before the writer made it in the
 * same pass: a bare copy (no decided_at or batch, remaining 0, reason
 * texts their codes) written again and hashed. */
static void digest_by_copy(const cg_decision *dn, char out[72])
{
  cg_decision bare = *dn;
  cg_decision_license_check checks[8];
  cg_decision_license_reason reasons[32];
  cg_error err = { 0 };
  char *text = NULL, hex[CG_SHA256_HEX];
  size_t len = 0, i, j, k = 0;

  ck_assert_uint_le(dn->nlicense_checks, 8);
  bare.decided_at = NULL;
  bare.batch = 0;
  bare.license.remaining = 0;
  for(i = 0; i < dn->nlicense_checks; i++) {
    checks[i] = dn->license_checks[i];
    checks[i].reasons = reasons + k;
    for(j = 0; j < checks[i].nreasons; j++, k++) {
      ck_assert_uint_lt(k, 32);
      reasons[k] = dn->license_checks[i].reasons[j];
      reasons[k].text = reasons[k].code;
    }
  }
  if(dn->nlicense_checks)
    bare.license_checks = checks;
  ck_assert_cg_ok(cg_decision_write(&bare, &text, &len, &err), &err);
  ck_assert_cg_ok(cg_sha256_hex(text, len, hex, &err), &err);
  snprintf(out, 72, "sha256:%s", hex);
  free(text);
}

/* The one pass gives the bytes of cg_decision_write and the digest of
 * the bare copy. */
static void same_inputs_digest(const cg_decision *d)
{
  cg_error err = { 0 };
  char a[72], b[72], *one = NULL, *two = NULL;
  size_t n1 = 0, n2 = 0;

  ck_assert_cg_ok(cg_decision_write_inputs(d, &one, &n1, a, &err), &err);
  ck_assert_cg_ok(cg_decision_write(d, &two, &n2, &err), &err);
  ck_assert_uint_eq(n1, n2);
  ck_assert(memcmp(one, two, n1) == 0);
  digest_by_copy(d, b);
  ck_assert_str_eq(a, b);
  ck_assert_cg_ok(cg_audit_inputs_digest(d, b, &err), &err);
  ck_assert_str_eq(a, b);
  free(one);
  free(two);
}

START_TEST(test_license_checks_round_trip)
{
  cg_decision d, back;
  cg_error err = { 0 };
  cg_decision_license_check *c;
  char *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0, i, k;

  full_decision(&d, 1);
  ck_assert_cg_ok(cg_decision_write(&d, &a, &alen, &err), &err);
  ck_assert_ptr_null(strstr(a, "licenses_considered"));
  ck_assert_ptr_null(strstr(a, "end_use_country"));
  free(a);
  d.order.end_use_country = S(&d, "CN");
  d.order.end_user_hq = S(&d, "HK");
  d.nlicense_checks = 2;
  d.license_checks = A(&d, 2 * sizeof(*d.license_checks));
  c = d.license_checks;
  c[0].number = S(&d, "D1000001");
  c[0].kind = S(&d, "license");
  c[0].covers = 1;
  c[0].used = 1;
  c[1].number = S(&d, "X-2");
  c[1].kind = S(&d, "license");
  c[1].nreasons = 2;
  c[1].reasons = A(&d, 2 * sizeof(*c[1].reasons));
  c[1].reasons[0].code = S(&d, "expired");
  c[1].reasons[0].text = S(&d, "expired: valid to 2026-05-31, order date "
                               "2026-06-15");
  c[1].reasons[1].code = S(&d, "quantity");
  c[1].reasons[1].text = S(&d, "quantity: 30 left of 100, 40 ordered");
  ck_assert_cg_ok(cg_decision_write(&d, &a, &alen, &err), &err);
  ck_assert_ptr_nonnull(
      strstr(a, "\"licenses_considered\":[{\"covers\":true,\"kind\":"
                "\"license\",\"number\":\"D1000001\",\"reasons\":[],"
                "\"used\":true},{\"covers\":false,"));
  ck_assert_ptr_nonnull(
      strstr(a, "\"order\":{\"end_use\":\"\",\"end_use_country\":\"CN\","
                "\"end_user_hq\":\"HK\","));
  assert_sorted(a, alen);
  ck_assert_cg_ok(cg_decision_parse(a, alen, &back, &err), &err);
  same_decision(&d, &back);
  same_str(back.order.end_use_country, "CN", "end_use_country");
  same_str(back.order.end_user_hq, "HK", "end_user_hq");
  ck_assert_uint_eq(back.nlicense_checks, 2);
  for(i = 0; i < 2; i++) {
    same_str(back.license_checks[i].number, c[i].number, "number");
    same_str(back.license_checks[i].kind, c[i].kind, "kind");
    ck_assert_int_eq(back.license_checks[i].covers, c[i].covers);
    ck_assert_int_eq(back.license_checks[i].used, c[i].used);
    ck_assert_uint_eq(back.license_checks[i].nreasons, c[i].nreasons);
    for(k = 0; k < c[i].nreasons; k++) {
      same_str(back.license_checks[i].reasons[k].code, c[i].reasons[k].code,
               "code");
      same_str(back.license_checks[i].reasons[k].text, c[i].reasons[k].text,
               "text");
    }
  }
  ck_assert_cg_ok(cg_decision_write(&back, &b, &blen, &err), &err);
  ck_assert_uint_eq(alen, blen);
  ck_assert_msg(memcmp(a, b, alen) == 0, "not byte-identical:\n%s\n%s", a, b);
  /* The inputs digest: the same with or without decided_at and batch,
   * and with other balances, but not with another reason. */
  {
    char x[72], y[72];

    same_inputs_digest(&d);
    ck_assert_cg_ok(cg_audit_inputs_digest(&d, x, &err), &err);
    d.decided_at = S(&d, "2026-11-30T00:00:00Z");
    d.batch = 12;
    d.license.remaining = 3;
    c[1].reasons[1].text = S(&d, "quantity: 10 left of 100, 40 ordered");
    same_inputs_digest(&d);
    ck_assert_cg_ok(cg_audit_inputs_digest(&d, y, &err), &err);
    ck_assert_str_eq(x, y);
    c[1].reasons[1].code = S(&d, "expired");
    c[1].reasons[0].code = NULL;
    same_inputs_digest(&d);
    ck_assert_cg_ok(cg_audit_inputs_digest(&d, y, &err), &err);
    ck_assert_str_ne(x, y);
  }
  free(a);
  free(b);
  cg_decision_clear(&back);
  cg_decision_clear(&d);
}
END_TEST

/* With numbers that jansson's %.15g writes in their shortest form, the
 * writer's bytes are exactly jansson's sorted compact dump: same key
 * order, same escaping of every string, same null/true/false. */
START_TEST(test_same_bytes_as_jansson_sorted)
{
  cg_decision d;
  cg_error err = { 0 };
  cg_json *tree = NULL;
  char *mine = NULL, *theirs = NULL;
  size_t len = 0;
  int license;

  for(license = 0; license < 3; license++) {
    full_decision(&d, license);
    ck_assert_cg_ok(cg_decision_write(&d, &mine, &len, &err), &err);
    ck_assert_cg_ok(cg_json_parse(&tree, mine, len, "mine", &err), &err);
    ck_assert_cg_ok(cg_json_dump(&theirs, tree, CG_JSON_CANONICAL, &err),
                    &err);
    ck_assert_str_eq(mine, theirs);
    cg_json_free(tree);
    free(mine);
    free(theirs);
    cg_decision_clear(&d);
  }
}
END_TEST

static void expect_chip_tpp(double v, const char *want)
{
  cg_decision d;
  cg_error err = { 0 };
  char *out = NULL, key[64];
  size_t len = 0;

  full_decision(&d, 0);
  d.chip.tpp = v;
  ck_assert_cg_ok(cg_decision_write(&d, &out, &len, &err), &err);
  snprintf(key, sizeof(key), "\"tpp\":%s,", want);
  ck_assert_msg(strstr(out, key) != NULL, "%.17g: want %s", v, key);
  if(!isnan(v) && !isinf(v))
    ck_assert(strtod(want, NULL) == v);
  free(out);
  cg_decision_clear(&d);
}

START_TEST(test_numbers_shortest_round_trip)
{
  expect_chip_tpp(0.1, "0.1");
  expect_chip_tpp(0.1 + 0.2, "0.30000000000000004");
  expect_chip_tpp(3350, "3350.0");
  expect_chip_tpp(989400000000000.0, "989400000000000.0");
  expect_chip_tpp(1e15, "1e15");
  expect_chip_tpp(1e26, "1e26");
  expect_chip_tpp(2.0262912e17, "2.0262912e17");
  expect_chip_tpp(1e-7, "1e-7");
  expect_chip_tpp(0.0001, "0.0001");
  expect_chip_tpp(-0.0, "-0.0");
  expect_chip_tpp(5e-324, "5e-324");
  expect_chip_tpp(DBL_MAX, "1.7976931348623157e308");
  expect_chip_tpp(19.4496314496315, "19.4496314496315");
  expect_chip_tpp(NAN, "null");
  expect_chip_tpp(INFINITY, "null");
}
END_TEST

/* The writer's number format before it was made fast: a binary search
 * for the shortest %.Ng that reads back, then jansson's touches. */
static size_t fmt_by_search(char buf[40], double v)
{
  int lo = 1, hi = 17;
  char *e;

  while(lo < hi) {
    int mid = (lo + hi) / 2;
    snprintf(buf, 40, "%.*g", mid, v);
    if(strtod(buf, NULL) == v)
      hi = mid;
    else
      lo = mid + 1;
  }
  snprintf(buf, 40, "%.*g", lo, v);
  e = strchr(buf, 'e');
  if(e && atoi(e + 1) >= 0 && atoi(e + 1) < 15)
    snprintf(buf, 40, "%.*g", atoi(e + 1) + 1, v);
  if(!strchr(buf, '.') && !strchr(buf, 'e'))
    strcat(buf, ".0");
  e = strchr(buf, 'e');
  if(e) {
    char *start = e + 1, *end = e + 2;
    if(*start == '-')
      start++;
    while(*end == '0')
      end++;
    if(end != start)
      memmove(start, end, strlen(end) + 1);
  }
  return strlen(buf);
}

static void same_format(double v)
{
  char a[40], b[40];
  size_t na = cgd_fmt_double(a, v), nb = fmt_by_search(b, v);

  ck_assert_msg(na == nb && strcmp(a, b) == 0, "%a: %s, the search gives %s",
                v, a, b);
}

/* The fast format gives the search's bytes: for random bit patterns, for
 * short decimals at every scale (what chip specs and TPPs are), for
 * integers around 1e15 and powers of ten, so stored decisions keep
 * their bytes whichever version wrote them. CG_FMT_N sets the number of
 * random values (50,000; 1,000,000 passed on 2026-11-30). */
START_TEST(test_number_format_as_search)
{
  uint64_t x = 0x9E3779B97F4A7C15u;
  int i, k;

  for(i = 0; i < (getenv("CG_FMT_N") ? atoi(getenv("CG_FMT_N")) : 50000);
      i++) {
    double v;

    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    memcpy(&v, &x, sizeof(v));
    if(!isnan(v) && !isinf(v))
      same_format(v);
    /* A short decimal: up to 6 digits, scaled by 10^-12..10^20. */
    v = (double)(x % 1000000) * pow(10, (int)(x >> 40) % 33 - 12);
    same_format(v);
    same_format(-v);
    same_format((double)(x % 100000) / 100.0);
  }
  for(k = -30; k <= 30; k++) {
    same_format(pow(10, k));
    same_format(pow(10, k) * 1.5);
  }
  for(i = -1000; i <= 1000; i++) {
    same_format(1e15 + i);
    same_format(1e16 + 2 * i);
    same_format((double)i);
  }
  same_format(0.0);
  same_format(-0.0);
  same_format(DBL_MAX);
  same_format(DBL_MIN);
  same_format(5e-324);
  same_format(9007199254740993.0);
}
END_TEST

START_TEST(test_strings_and_optional_members)
{
  cg_decision d;
  cg_error err = { 0 };
  char *out = NULL;
  size_t len = 0;

  full_decision(&d, 2);
  d.decided_at = NULL;
  d.batch = 0;
  ck_assert_cg_ok(cg_decision_write(&d, &out, &len, &err), &err);
  /* Escapes as jansson writes them; UTF-8 as is. */
  ck_assert_ptr_nonnull(strstr(out, "\"line one\\nline two\\ttab \\u0001 \x7f"
                                    " end\""));
  ck_assert_ptr_nonnull(strstr(out, "\"Acme \\\"Quoted\\\" GmbH\""));
  ck_assert_ptr_nonnull(strstr(out, "\xf0\x9f\x98\x80"));
  /* Absent, not null: decided_at and batch outside the log, relieved_by
   * of an unrelieved rule, a rule's empty missing, an uncleared hit's
   * reason, max_qty without a cap. */
  ck_assert_ptr_null(strstr(out, "decided_at"));
  ck_assert_ptr_null(strstr(out, "\"batch\""));
  ck_assert_ptr_null(strstr(out, "\"max_qty\""));
  ck_assert_ptr_nonnull(strstr(out, "\"remaining\":null"));
  ck_assert_ptr_nonnull(strstr(out, "\"relieved_by\":\"EAR.740.2.ACA\""));
  ck_assert_ptr_nonnull(
      strstr(out, "\"clear_reason\":null,\"cleared\":true,"));
  ck_assert_ptr_nonnull(strstr(out, "\"missing\":[\"chip.pd\",\"dest\"]"));
  ck_assert_ptr_nonnull(strstr(out, "\"nonplanar\":null"));
  ck_assert_ptr_nonnull(strstr(out, "\"lists\":null"));
  free(out);
  /* Text that is not UTF-8 is refused, not written as broken JSON. */
  d.chip.vendor = S(&d, "bad \xff byte");
  ck_assert_int_eq(cg_decision_write(&d, &out, &len, &err), CG_EINVAL);
  ck_assert_ptr_null(out);
  ck_assert_ptr_nonnull(strstr(err.msg, "UTF-8"));
  cg_decision_clear(&d);
}
END_TEST

START_TEST(test_event_is_cut_from_the_bytes)
{
  cg_decision d;
  cg_error err = { 0 };
  char *doc = NULL, *ev = NULL;
  size_t len = 0, evlen = 0;

  full_decision(&d, 1);
  ck_assert_cg_ok(cg_decision_write(&d, &doc, &len, &err), &err);
  ck_assert_cg_ok(cg_decision_event(doc, len, "abc123", &ev, &evlen, &err),
                  &err);
  ck_assert_str_eq(
      ev,
      "{\"as_of\":\"2026-11-26\",\"audit_hash\":\"abc123\",\"batch\":7,"
      "\"chip\":{\"eccn\":\"3A090.a\",\"name\":\"NVIDIA H100 SXM5 80GB\"},"
      "\"customer\":\"Acme \\\"Quoted\\\" GmbH\",\"decided_at\":"
      "\"2026-11-29T17:19:23Z\",\"decision\":\"licensed\",\"destination\":"
      "\"CN\",\"license\":{\"kind\":\"license\",\"max_qty\":1000,"
      "\"number\":\"D1000001\",\"quantity_used\":100,\"remaining\":700},"
      "\"order_id\":\"O-1001 \xc3\xa9t\xc3\xa9\",\"quantity\":1000000000}");
  ck_assert_uint_eq(strlen(ev), evlen);
  free(ev);
  ck_assert_int_eq(cg_decision_event("[1]", 3, "x", &ev, &evlen, &err),
                   CG_EINVAL);
  free(doc);
  cg_decision_clear(&d);
}
END_TEST

static void expect_bad(const char *json, const char *want)
{
  cg_decision d;
  cg_error err = { 0 };
  int rc = cg_decision_parse(json, strlen(json), &d, &err);

  ck_assert_int_eq(rc, CG_EINVAL);
  ck_assert_msg(strstr(err.msg, want) != NULL, "%s -> \"%s\", want \"%s\"",
                json, err.msg, want);
  cg_decision_clear(&d);
}

START_TEST(test_bad_documents_named)
{
  expect_bad("{\"decision\":", "decision:1:");
  expect_bad("[]", "no \"decision\" member");
  expect_bad("{\"as_of\":\"2026-01-01\"}", "no \"decision\" member");
  expect_bad("{\"decision\":\"maybe\"}", "decision: not an outcome name");
  expect_bad("{\"decision\":\"nlr\",\"quantity\":\"12\"}",
             "quantity: expected an integer");
  expect_bad("{\"decision\":\"nlr\",\"quantity\":1.5}",
             "quantity: expected an integer");
  expect_bad("{\"decision\":\"nlr\",\"colour\":1}", "colour: unknown member");
  expect_bad("{\"decision\":\"nlr\",\"chip\":{\"tpp\":\"fast\"}}",
             "chip.tpp: expected a number or null");
  expect_bad("{\"decision\":\"nlr\",\"chip\":{\"hbm\":1}}",
             "chip.hbm: expected true, false or null");
  expect_bad("{\"decision\":\"nlr\",\"rules\":[{\"id\":\"a\"},{\"action\":"
             "\"smash\"}]}",
             "rules[1].action: not an action name");
  expect_bad("{\"decision\":\"nlr\",\"rules\":[{\"trace\":{\"chip.colour\":"
             "1}}]}",
             "rules[0].trace.chip.colour: not a fact name");
  expect_bad("{\"decision\":\"nlr\",\"rules\":[{\"trace\":{\"chip.tpp\":"
             "[1]}}]}",
             "rules[0].trace.chip.tpp: expected a string, number");
  expect_bad("{\"decision\":\"nlr\",\"missing\":[\"chip.tpp\",7]}",
             "missing[1]: not a fact name");
  expect_bad("{\"decision\":\"nlr\",\"screening\":[{\"party\":\"cousin\"}]}",
             "screening[0].party: unexpected value");
  expect_bad("{\"decision\":\"nlr\",\"license\":{\"kind\":\"x\",\"extra\":1}}",
             "license.extra: unknown member");
  expect_bad("{\"decision\":\"nlr\",\"workload\":{\"assumptions\":[\"a\","
             "false]}}",
             "workload.assumptions[1]: expected a string or null");
  expect_bad("{\"decision\":\"nlr\",\"decision\":\"deny\"}", "duplicate");
}
END_TEST

/* ---- a real demo database ----------------------------------------------- */

typedef struct rows {
  int n;        /* documents read */
  cg_store *db; /* for the outbox */
} rows;

static int reserialise(const char *json, void *arg)
{
  rows *r = arg;
  cg_decision d;
  cg_error err = { 0 };
  char *out = NULL, *ev = NULL, head[128];
  size_t len = 0, evlen = 0;
  cg_stmt *st = NULL;
  int found = 0;

  r->n++;
  ck_assert_cg_ok(cg_decision_parse(json, strlen(json), &d, &err), &err);
  ck_assert_cg_ok(cg_decision_write(&d, &out, &len, &err), &err);
  ck_assert_msg(len == strlen(json) && memcmp(out, json, len) == 0,
                "row %d differs:\n%s\n%s", r->n, json, out);
  assert_sorted(out, len);
  /* The event sent for it is the projection of these very bytes. */
  ck_assert_cg_ok(
      cg_store_prepare(r->db, &st,
                       "SELECT o.data, d.hash, d.seq FROM decisions d JOIN "
                       "outbox o "
                       "ON json_extract(o.data, '$.audit_hash') = d.hash "
                       "WHERE d.doc = ?1",
                       &err),
      &err);
  ck_assert_cg_ok(cg_stmt_bind_text(st, 1, json, &err), &err);
  while(cg_stmt_step(st, &err) == 1) {
    ck_assert_cg_ok(cg_decision_event(json, strlen(json), cg_stmt_text(st, 1),
                                      &ev, &evlen, &err),
                    &err);
    /* The outbox puts the audit head it was written at first. */
    snprintf(head, sizeof(head), "{\"audit_head\":\"%lld:%s\",",
             (long long)cg_stmt_int(st, 2), cg_stmt_text(st, 1));
    ck_assert_int_eq(strncmp(cg_stmt_text(st, 0), head, strlen(head)), 0);
    ck_assert_str_eq(ev + 1, cg_stmt_text(st, 0) + strlen(head));
    free(ev);
    found++;
  }
  cg_stmt_finalize(st);
  ck_assert_int_eq(found, 1);
  ck_assert_ptr_nonnull(d.decided_at);
  ck_assert(d.batch > 0);
  same_inputs_digest(&d);
  free(out);
  cg_decision_clear(&d);
  return 0;
}

START_TEST(test_demo_rows_reserialise_exactly)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };
  const char *db_path = t_tmp("demo.db");
  cg_error err = { 0 };
  rows r = { 0, NULL };

  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  ck_assert_cg_ok(cg_store_open(&r.db, db_path, 0, &err), &err);
  ck_assert_cg_ok(cg_audit_each(r.db, NULL, NULL, 0, reserialise, &r, &err),
                  &err);
  ck_assert_int_eq(r.n, 41);
  cg_store_close(r.db);
  t_tmp_cleanup();
}
END_TEST

static Suite *decision_suite(void)
{
  Suite *s = suite_create("decision");
  TCase *tc = tcase_create("core");

  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_round_trip_every_field);
  tcase_add_test(tc, test_license_checks_round_trip);
  tcase_add_test(tc, test_same_bytes_as_jansson_sorted);
  tcase_add_test(tc, test_numbers_shortest_round_trip);
  tcase_add_test(tc, test_number_format_as_search);
  tcase_add_test(tc, test_strings_and_optional_members);
  tcase_add_test(tc, test_event_is_cut_from_the_bytes);
  tcase_add_test(tc, test_bad_documents_named);
  tcase_add_test(tc, test_demo_rows_reserialise_exactly);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(decision_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
