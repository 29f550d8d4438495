/* decide.c -- see decide.h. */
#include "decide/decide.h"
#include "decide/decider.h"

#include "core/crypto.h"
#include "model/license.h"
#include "model/seed.h"
#include "screen/screen.h"
#include "decide/lifecycle.h"
#include "decide/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cg_decide_ruleset_hash(const cg_rules *pack, char out[72], cg_error *err)
{
  char *buf = NULL, hex[CG_SHA256_HEX];
  size_t len = 0;
  int rc = cg_rules_digest_input(pack, &buf, &len, err);

  if(rc == CG_OK)
    rc = cg_sha256_hex(buf, len, hex, err);
  free(buf);
  if(rc == CG_OK)
    snprintf(out, 72, "sha256:%s", hex);
  return rc;
}

/* Reads the screening lists' version now into d->lists ("" if none).
 * Read again for every decision: a list imported or synced while a batch
 * runs (between its transactions) must be both what screens the next
 * order and what its decision records. */
int cg_decider_lists_now(cg_decider *d, cg_error *err)
{
  char hex[65] = "";
  int rc = cg_screen_lists_version(d->db, hex, err);

  d->lists[0] = '\0';
  if(rc == CG_OK && hex[0])
    snprintf(d->lists, sizeof(d->lists), "sha256:%s", hex);
  return rc;
}

int cg_decider_open(cg_decider **out, cg_store *db, const cg_rules *pack,
                    const cg_decide_opts *opts, cg_error *err)
{
  cg_decider *d = calloc(1, sizeof(*d));
  cg_decide_opts defaults = CG_DECIDE_OPTS_INIT;
  int rc;

  *out = NULL;
  if(!d)
    return cg_error_set(err, CG_ENOMEM, "decide: out of memory");
  d->db = db;
  d->pack = pack;
  d->opts = opts ? *opts : defaults;
  if(d->opts.mfu <= 0 || d->opts.mfu > 1)
    d->opts.mfu = CG_MFU_DEFAULT;
  rc = cg_decide_ruleset_hash(pack, d->ruleset, err);
  if(rc == CG_OK)
    rc = cg_workloads_load(db, &d->workloads, err);
  if(rc == CG_OK)
    rc = cg_license_matcher_open(&d->licenses, db, err);
  if(rc == CG_OK)
    rc = cg_screener_open(&d->screener, db, err);
  if(rc == CG_OK)
    rc = cg_decider_lists_now(d, err);
  if(d->opts.screen_threshold <= 0)
    d->opts.screen_threshold = CG_SCREEN_THRESHOLD;
  if(rc != CG_OK) {
    cg_decider_close(d);
    return rc;
  }
  *out = d;
  return CG_OK;
}

void cg_decider_close(cg_decider *d)
{
  if(!d)
    return;
  cg_workloads_free(d->workloads);
  cg_license_matcher_close(d->licenses);
  cg_screener_close(d->screener);
  free(d->world);
  if(d->memo) {
    cg_decide_memo_flush(d);
    free(d->memo);
  }
  free(d);
}

int cg_decider_memo(cg_decider *d, int *changed_out, cg_error *err)
{
  int64_t v = 0;
  int rc = cg_store_data_version(d->db, &v, err);

  if(changed_out)
    *changed_out = 0;
  if(rc != CG_OK)
    return rc;
  if(d->memo && v == d->memo_version)
    return CG_OK;
  if(!d->memo) {
    d->memo = calloc(HITS_CACHE, sizeof(*d->memo));
    if(!d->memo)
      return cg_error_set(err, CG_ENOMEM, "decide: out of memory");
  }
  cg_decide_memo_flush(d);
  memset(d->groups, 0, sizeof(d->groups));
  d->world_date[0] = '\0';
  d->memo_version = v;
  if(changed_out)
    *changed_out = 1;
  return cg_decider_lists_now(d, err);
}

int cg_decider_screen_ahead(cg_decider *d, const int64_t *ids, size_t n,
                            cg_error *err)
{
  if(!d->lists[0])
    return CG_OK;
  return cg_screen_customers_ahead(d->screener, ids, n,
                                   d->opts.screen_threshold, err);
}

const char *cg_decider_lists(const cg_decider *d)
{
  return d->lists[0] ? d->lists : NULL;
}

/* ==== country groups as of a date ===================================== */

static int group_mask(cg_decider *d, const char *country, int32_t date,
                      const char *iso_date, unsigned *mask, cg_error *err)
{
  unsigned h =
      ((unsigned)(unsigned char)country[0] * 31u + (unsigned char)country[1]) *
          2654435761u ^
      (unsigned)date;
  group_slot *s = &d->groups[h % GROUP_CACHE];
  int rc;

  if(s->country[0] && s->date == date && !strcmp(s->country, country)) {
    *mask = s->mask;
    return CG_OK;
  }
  rc = cg_country_groups(d->db, country, iso_date, mask, err);
  if(rc != CG_OK)
    return rc;
  memcpy(s->country, country, 3);
  s->date = date;
  s->mask = *mask;
  return CG_OK;
}

static int set_country(cg_decider *d, cg_facts *f, int id, const char *code,
                       int32_t date, const char *iso, cg_error *err)
{
  unsigned mask = 0;
  int rc;

  if(!code || strlen(code) != 2)
    return CG_OK; /* stays unknown */
  rc = group_mask(d, code, date, iso, &mask, err);
  if(rc == CG_OK)
    rc = cg_facts_set_country(f, id, code, mask);
  return rc;
}

/* ==== approvals and licences ========================================== */

/* ==== the decision ===================================================== */

/* The item shipped (name, ECCN: 4A090.a/.b for a board or system whose IC
 * is 3A090.a/.b) with its IC's metrics. */
static void chip_part(cg_decision *dn, const cg_chip *item, const char *eccn,
                      int *ok)
{
  cg_decision_chip *c = &dn->chip;
  const cg_chip *chip = cg_chip_ic(item);
  int prec = -1;

  c->name = dup(dn, item->name, ok);
  c->vendor = dup(dn, item->vendor ? item->vendor : chip->vendor, ok);
  c->node = dup(dn, chip->node, ok);
  c->foundry = dup(dn, chip->foundry, ok);
  c->node_nm = chip->node_nm;
  c->nonplanar = chip->nonplanar;
  c->tpp = cg_chip_tpp(chip, &prec);
  c->tpp_precision = dup(dn, prec >= 0 ? cg_precision_label(prec) : NULL, ok);
  c->pd = cg_chip_pd(chip);
  c->die_area_mm2 = chip->die_area_mm2;
  c->transistors_billion = chip->transistors_billion;
  c->datacenter = chip->datacenter;
  c->hbm = chip->hbm;
  c->memory_bandwidth_gbs = chip->memory_bandwidth_gbs;
  c->eccn = dup(dn, cg_item_eccn(item->kind, eccn), ok);
}

static void parties_part(cg_decision *dn, const cg_order *o,
                         const cg_customer *cu, int *ok)
{
  dn->customer.name = dup(dn, cu->name, ok);
  dn->customer.country = dup_code(dn, cu->country, ok);
  dn->customer.hq_country = dup_code(dn, cu->hq_country, ok);
  dn->customer.parent = dup(dn, cu->parent, ok);
  dn->customer.parent_hq_country = dup_code(dn, cu->parent_hq_country, ok);
  dn->customer.role = dup(dn, cu->role, ok);
  dn->order.end_use = dup(dn, o->end_use, ok);
  dn->order.end_use_country = dup_code(dn, o->end_use_country, ok);
  dn->order.end_user_hq = dup_code(dn, o->end_user_hq, ok);
  dn->order.role = dup(dn, o->role, ok);
  dn->order.packager = dup_code(dn, o->packager, ok);
  dn->order.export_from_us = o->export_from_us;
  dn->order_id = dup_code(dn, o->order_id, ok);
  dn->as_of = dup(dn, o->ship_date, ok);
  dn->quantity = o->quantity;
  dn->destination = dup(dn, o->destination, ok);
}

/* Entry e's trace, sorted by fact name, a later value of the same fact
 * replacing an earlier one: the order and content of the document's
 * trace object. String values are copied (they borrow from the facts). */
static void trace_part(cg_decision *dn, cg_decision_rule *r,
                       const cg_rules_result *res, const cg_rules_fired *e,
                       int *ok)
{
  unsigned k;
  size_t j;

  r->trace = e->trace_len
                 ? cg_decision_alloc(dn, e->trace_len * sizeof(*r->trace))
                 : NULL;
  if(e->trace_len && !r->trace) {
    *ok = 0;
    return;
  }
  for(k = 0; k < e->trace_len; k++) {
    const cg_trace_item *t = &res->trace[e->trace_off + k];
    const char *name = cg_fact_name(t->fact);
    cg_decision_trace item;
    int c = 1;

    item.fact = t->fact;
    item.value = t->value;
    if(t->value.kind == CG_V_STR)
      item.value.u.str = dup(dn, t->value.u.str, ok);
    for(j = r->ntrace; j > 0; j--) {
      c = strcmp(cg_fact_name(r->trace[j - 1].fact), name);
      if(c <= 0)
        break;
    }
    if(j > 0 && c == 0) {
      r->trace[j - 1] = item;
      continue;
    }
    memmove(r->trace + j + 1, r->trace + j, (r->ntrace - j) * sizeof(item));
    r->trace[j] = item;
    r->ntrace++;
  }
}

/* The other outcomes some completion of the unknown facts gives. */
static void alts_part(cg_decision *dn, const cg_rules_result *res, int *ok)
{
  size_t i;

  if(!res->nalts)
    return;
  dn->alts = cg_decision_alloc(dn, res->nalts * sizeof(*dn->alts));
  if(!dn->alts) {
    *ok = 0;
    return;
  }
  dn->nalts = res->nalts;
  for(i = 0; i < res->nalts; i++) {
    const cg_rules_alt *a = &res->alts[i];
    char when[1024] = "", d[256];
    size_t off = 0;
    unsigned j;
    for(j = 0; j < a->nfacts && off < sizeof(when); j++) {
      cg_rules_alt_describe(res, a, j, d, sizeof(d));
      off += (size_t)snprintf(when + off, sizeof(when) - off, "%s%s",
                              j ? " and " : "", d);
    }
    dn->alts[i].outcome = dup(dn, cg_outcome_name(a->outcome), ok);
    dn->alts[i].when = dup(dn, when, ok);
  }
}

static void rules_part(cg_decision *dn, const cg_rules_result *res, int *ok)
{
  size_t i;

  alts_part(dn, res, ok);
  dn->missing = res->missing;
  if(!res->nfired)
    return;
  dn->rules = cg_decision_alloc(dn, res->nfired * sizeof(*dn->rules));
  if(!dn->rules) {
    *ok = 0;
    return;
  }
  dn->nrules = res->nfired;
  for(i = 0; i < res->nfired; i++) {
    const cg_rules_fired *e = &res->fired[i];
    cg_decision_rule *r = &dn->rules[i];
    char reason[512];
    const char *outcome = e->outcome == CG_OUT_NONE
                              ? cg_action_name(e->action)
                              : cg_outcome_name(e->outcome);

    if(e->licensed)
      outcome = "licensed";
    cg_rules_result_reason(res, i, reason, sizeof(reason));
    r->id = dup(dn, e->id, ok);
    r->title = dup(dn, e->title, ok);
    r->outcome = dup(dn, outcome, ok);
    r->action = e->action;
    r->reason = dup(dn, reason, ok);
    r->cite = dup(dn, e->cite, ok);
    r->relieved = e->relieved;
    if(e->relieved && e->relieved_by >= 0)
      r->relieved_by = dup(dn, res->fired[e->relieved_by].id, ok);
    r->decisive = e->decisive;
    r->condition = e->cond == CG_COND_TRUE ? CG_COND_TRUE : CG_COND_UNKNOWN;
    r->missing = e->missing;
    trace_part(dn, r, res, e, ok);
  }
}

/* The facts an item alone gives: the rules read its IC's metrics (4A090
 * follows 3A090, so a board or system classifies by the IC it holds),
 * the item's kind and how many ICs one unit holds. */
static void chip_facts(cg_facts *f, const cg_chip *item)
{
  const cg_chip *chip = cg_chip_ic(item);
  double tpp = cg_chip_tpp(chip, NULL);

  cg_facts_init(f);
  cg_facts_set_str(f, CG_F_CHIP_NAME, chip->name);
  cg_facts_set_str(f, CG_F_CHIP_VENDOR, chip->vendor);
  if(!isnan(tpp))
    cg_facts_set_num(f, CG_F_CHIP_TPP, tpp);
  if(!isnan(cg_chip_pd(chip)))
    cg_facts_set_num(f, CG_F_CHIP_PD, cg_chip_pd(chip));
  cg_facts_set_str(f, CG_F_CHIP_NODE, chip->node);
  if(!isnan(chip->node_nm))
    cg_facts_set_num(f, CG_F_CHIP_NODE_NM, chip->node_nm);
  if(chip->nonplanar >= 0)
    cg_facts_set_bool(f, CG_F_CHIP_NONPLANAR, chip->nonplanar);
  /* A chip is a processor (a logic IC) unless its record says it is an
   * HBM stack; a record that does not say is a processor, as every chip
   * was before HBM stacks were modelled. */
  cg_facts_set_bool(f, CG_F_CHIP_LOGIC_IC, chip->hbm_stack != 1);
  cg_facts_set_bool(f, CG_F_CHIP_HBM_STACK, chip->hbm_stack == 1);
  if(!isnan(chip->hbm_density))
    cg_facts_set_num(f, CG_F_CHIP_HBM_DENSITY, chip->hbm_density);
  if(!isnan(chip->interconnect_gbs))
    cg_facts_set_num(f, CG_F_CHIP_INTERCONNECT_BW, chip->interconnect_gbs);
  cg_facts_set_str(f, CG_F_ITEM_KIND, cg_item_kind_name(item->kind));
  cg_facts_set_num(f, CG_F_ITEM_ICS, item->kind == CG_ITEM_IC ? 1 : item->ics);
  if(chip->datacenter >= 0)
    cg_facts_set_bool(f, CG_F_CHIP_DATACENTER, chip->datacenter);
  if(chip->hbm >= 0)
    cg_facts_set_bool(f, CG_F_CHIP_HBM, chip->hbm);
  if(!isnan(chip->transistors_billion))
    cg_facts_set_num(f, CG_F_CHIP_TRANSISTORS, chip->transistors_billion);
  if(!isnan(chip->die_area_mm2))
    cg_facts_set_num(f, CG_F_CHIP_DIE_AREA, chip->die_area_mm2);
  if(!isnan(chip->memory_bandwidth_gbs))
    cg_facts_set_num(f, CG_F_CHIP_DRAM_BW, chip->memory_bandwidth_gbs);
  if(!isnan(cg_chip_max_tops(chip)))
    cg_facts_set_num(f, CG_F_CHIP_TOPS, cg_chip_max_tops(chip));
}

int cg_decide_classify(const cg_rules *pack, const cg_chip *chip,
                       const char *date, char *eccn, size_t eccn_size,
                       const char **rule_out, cg_error *err)
{
  cg_rules_result *res = malloc(sizeof(*res));
  cg_facts f;
  int32_t day = 0;
  int rc;

  *rule_out = NULL;
  snprintf(eccn, eccn_size, "unknown");
  if(!res)
    return cg_error_set(err, CG_ENOMEM, "classify: out of memory");
  rc = cg_date_parse(date, &day, err);
  chip_facts(&f, chip);
  cg_facts_set_date(&f, CG_F_ORDER_DATE, day);
  cg_facts_set_str(&f, CG_F_ORDER_ROLE, "distributor");
  if(rc == CG_OK)
    rc = cg_rules_eval(pack, &f, res, err);
  if(rc == CG_OK && res->eccn.kind == CG_V_STR)
    snprintf(eccn, eccn_size, "%s", cg_item_eccn(chip->kind, res->eccn.u.str));
  if(rc == CG_OK && res->eccn_entry >= 0)
    *rule_out = res->fired[res->eccn_entry].id;
  free(res);
  return rc;
}

/* ==== deciding ========================================================= */

/* Every fact of the order but the rule pack's own: the chip's, the
 * parties' (country groups as of date), approvals, screening (hits in
 * *hits, *own or the memo's, whose strings the facts borrow) and the
 * order's. */
static int order_facts(cg_decider *d, const cg_order *o, const cg_customer *cu,
                       const cg_chip *chip, int32_t date, cg_facts *f,
                       cg_screen_hits *own, const cg_screen_hits **hits,
                       cg_error *err)
{
  const char *designer = "none";
  int osat = 0, rc;

  chip_facts(f, chip);
  cg_facts_set_str(f, CG_F_CUSTOMER_NAME, cu->name);
  rc = set_country(d, f, CG_F_CUSTOMER_COUNTRY, cu->country, date,
                   o->ship_date, err);
  if(rc == CG_OK)
    rc = set_country(d, f, CG_F_CUSTOMER_HQ, cu->hq_country, date,
                     o->ship_date, err);
  /* Without a parent the customer is its own ultimate parent. */
  if(rc == CG_OK)
    rc = set_country(d, f, CG_F_CUSTOMER_PARENT_HQ,
                     cu->parent ? cu->parent_hq_country : cu->hq_country, date,
                     o->ship_date, err);
  if(rc == CG_OK)
    rc = set_country(d, f, CG_F_DEST, o->destination, date, o->ship_date, err);
  if(rc == CG_OK)
    rc = cg_license_approvals(d->db, cu->id, o->ship_date, &designer, &osat,
                              err);
  if(rc != CG_OK)
    return rc;
  cg_facts_set_str(f, CG_F_CUSTOMER_ROLE, cu->role);
  cg_facts_set_str(f, CG_F_CUSTOMER_DESIGNER, designer);
  cg_facts_set_bool(f, CG_F_CUSTOMER_APPROVED_OSAT, osat);
  /* An approved or authorized designer's TPP/PD attestation is part of
   * its approval record. */
  cg_facts_set_bool(f, CG_F_ORDER_ATTESTED, strcmp(designer, "none") != 0);
  rc = cg_decide_screen_facts(d, cu, f, own, hits, err);
  if(rc != CG_OK)
    return rc;
  cg_facts_set_num(f, CG_F_ORDER_QTY, (double)o->quantity);
  cg_facts_set_date(f, CG_F_ORDER_DATE, date);
  cg_facts_set_str(f, CG_F_ORDER_END_USE, o->end_use);
  cg_facts_set_str(f, CG_F_ORDER_ROLE, o->role);
  if(o->packager[0])
    cg_facts_set_str(f, CG_F_ORDER_PACKAGER, o->packager);
  if(o->export_from_us >= 0)
    cg_facts_set_bool(f, CG_F_ORDER_EXPORT_FROM_US, o->export_from_us);
  /* Where used and by whom, as the order says; absent: used where
   * shipped, by the customer's ultimate parent (its groups as of date). */
  if(o->end_use_country[0])
    rc = set_country(d, f, CG_F_ORDER_END_USE_COUNTRY, o->end_use_country,
                     date, o->ship_date, err);
  else
    f->v[CG_F_ORDER_END_USE_COUNTRY] = f->v[CG_F_DEST];
  if(rc == CG_OK && o->end_user_hq[0])
    rc = set_country(d, f, CG_F_ORDER_END_USER_HQ, o->end_user_hq, date,
                     o->ship_date, err);
  else if(rc == CG_OK)
    f->v[CG_F_ORDER_END_USER_HQ] = f->v[CG_F_CUSTOMER_PARENT_HQ];
  cg_facts_set_str(f, CG_F_ORDER_ADDRESS, cu->address ? cu->address : "");
  /* The NAC filing and objection on record (none for an ad hoc order):
   * days since the filing, today (UTC), and whether BIS objected. */
  cg_facts_set_bool(f, CG_F_ORDER_NAC_OBJECTED, 0);
  if(rc == CG_OK && o->id)
    rc = cg_lifecycle_nac_facts(d->db, o->id, f, err);
  return rc;
}

/* What the rules ask of the order's world while deciding
 * (cg_rules_world): the held licences, and the countries an unknown
 * country fact may be. */
typedef struct world_ctx {
  cg_decider *d;
  const cg_order *o;
  const cg_customer *cu;
  const cg_chip *chip;
  unsigned dest_mask;
  cg_license_hit *hit; /* the first licence that covered a completion */
} world_ctx;

/* One held licence covering the whole order, classified as eccn,
 * satisfies every licence requirement of the order; a hold is never
 * licensable. */
/* What a licence must cover for order o of chip (classified eccn, NULL
 * unclassified) to go to a destination in dest_mask: a board or system
 * by its own name and ECCN (4A090), and by its IC's for licences written
 * in ICs. */
static cg_license_need license_need(const cg_order *o, const cg_customer *cu,
                                    const cg_chip *chip, unsigned dest_mask,
                                    const char *eccn)
{
  cg_license_need want = { cu->id,
                           o->ship_date,
                           o->destination,
                           dest_mask,
                           cg_item_eccn(chip->kind, eccn),
                           chip->name,
                           o->quantity,
                           NULL,
                           NULL,
                           1 };

  if(chip->ic) {
    want.ic_chip = chip->ic->name;
    want.ic_eccn = eccn;
    want.ics = chip->ics;
  }
  return want;
}

static int world_covers(void *ud, const char *eccn, cg_error *err)
{
  world_ctx *w = ud;
  cg_license_need want =
      license_need(w->o, w->cu, w->chip, w->dest_mask, eccn);
  cg_license_hit h;
  int rc;

  memset(&h, 0, sizeof(h));
  rc = cg_license_find(w->d->licenses, &want, &h, err);
  if(rc != CG_OK)
    return rc < 0 ? rc : -rc;
  if(h.id && !w->hit->id)
    *w->hit = h;
  return h.id != 0;
}

static int world_countries(void *ud, const cg_rules_country **out, size_t *n,
                           cg_error *err)
{
  world_ctx *w = ud;
  cg_decider *d = w->d;

  if(strcmp(d->world_date, w->o->ship_date) != 0) {
    int rc;
    free(d->world);
    d->world = NULL;
    d->world_date[0] = '\0';
    rc = cg_country_world(d->db, w->o->ship_date, &d->world, &d->nworld, err);
    if(rc != CG_OK)
      return rc;
    snprintf(d->world_date, sizeof(d->world_date), "%s", w->o->ship_date);
  }
  *out = d->world;
  *n = d->nworld;
  return CG_OK;
}

/* The sound decision (cg_rules_decide) with the order's licences and
 * countries. With consume set, a stored, licensed order draws its
 * quantity from the licence that covered it. */
static int decide_rules(cg_decider *d, const cg_order *o,
                        const cg_customer *cu, const cg_chip *chip,
                        const cg_facts *f, int consume, cg_rules_result *res,
                        cg_license_hit *hit, cg_error *err)
{
  world_ctx ctx = { d, o, cu, chip, f->v[CG_F_DEST].u.country.groups, hit };
  cg_rules_world w;
  int rc;

  memset(&w, 0, sizeof(w));
  w.countries = world_countries;
  w.covers = world_covers;
  w.ud = &ctx;
  rc = cg_rules_decide(d->pack, f, &w, res, err);
  if(rc != CG_OK)
    return rc;
  if(res->outcome != CG_OUT_LICENSED)
    memset(hit, 0, sizeof(*hit)); /* considered, but not what decided */
  if(consume && o->id && hit->id)
    rc = cg_license_consume(d->db, hit->id, o->id, hit->quantity, err);
  return rc;
}

/* Every licence and approval on file for the customer, judged against
 * the order as classified (needed or not), so the decision says why each
 * did or did not cover it. Kept apart from applying the licence: the
 * judgement explains, it decides nothing. */
static int explain_licenses(cg_decider *d, const cg_order *o,
                            const cg_customer *cu, const cg_chip *chip,
                            const cg_facts *f, const cg_rules_result *res,
                            cg_license_checks *checks, cg_error *err)
{
  cg_license_need want =
      license_need(o, cu, chip, f->v[CG_F_DEST].u.country.groups,
                   res->eccn.kind == CG_V_STR ? res->eccn.u.str : NULL);

  return cg_license_explain(d->licenses, &want, checks, err);
}

/* The licences judged, into the decision's arena. */
static void checks_part(cg_decision *dn, const cg_license_hit *hit,
                        const cg_license_checks *checks, int *ok)
{
  size_t i, k;

  if(!checks->n)
    return;
  dn->license_checks =
      cg_decision_alloc(dn, checks->n * sizeof(*dn->license_checks));
  if(!dn->license_checks) {
    *ok = 0;
    return;
  }
  dn->nlicense_checks = checks->n;
  for(i = 0; i < checks->n; i++) {
    const cg_license_check *c = &checks->items[i];
    cg_decision_license_check *x = &dn->license_checks[i];

    x->number = dup(dn, c->number, ok);
    x->kind = dup(dn, c->kind, ok);
    x->used = hit->id != 0 && hit->id == c->id;
    /* The licence the decision used covered it, whatever the judgement
     * of an unknown ECCN says. */
    x->covers = c->covers || x->used;
    if(!c->nreasons || x->used)
      continue;
    x->reasons = cg_decision_alloc(dn, c->nreasons * sizeof(*x->reasons));
    if(!x->reasons) {
      *ok = 0;
      continue;
    }
    x->nreasons = c->nreasons;
    for(k = 0; k < c->nreasons; k++) {
      x->reasons[k].code = dup(dn, c->reasons[k].code, ok);
      x->reasons[k].text = dup(dn, c->reasons[k].text, ok);
    }
  }
}

static void license_part(cg_decision *dn, const cg_license_hit *hit,
                         const cg_license_checks *checks, int *ok)
{
  cg_decision_license *l = &dn->license;

  checks_part(dn, hit, checks, ok);
  if(!hit->id)
    return;
  l->present = 1;
  l->number = dup(dn, hit->number, ok);
  l->kind = dup(dn, hit->kind, ok);
  /* In the licence's unit: ICs for a licence written in ICs. */
  l->quantity_used = hit->quantity;
  l->max_qty = hit->max_qty >= 0 ? hit->max_qty : -1;
  l->remaining =
      hit->max_qty >= 0 ? hit->max_qty - hit->used - hit->quantity : 0;
}

static int workload_part(cg_decider *d, cg_decision *dn, const cg_chip *chip,
                         const cg_order *o, cg_error *err)
{
  cg_workload_est e;
  int rc = cg_workload_estimate(chip, (double)o->quantity, d->opts.mfu,
                                d->workloads, &e, err);

  if(rc == CG_OK)
    rc = cg_workload_to_decision(&e, d->workloads, dn, err);
  cg_workload_est_clear(&e);
  return rc;
}

int cg_decide(cg_decider *d, const cg_order *o, const cg_customer *cu,
              const cg_chip *chip, int consume, cg_decision *out,
              cg_error *err)
{
  cg_rules_result *res = NULL;
  cg_facts f;
  cg_screen_hits own = { 0, NULL };
  const cg_screen_hits *hits = &own;
  cg_license_hit hit;
  cg_license_checks checks = { 0, NULL };
  int32_t date = 0;
  int ok = 1, rc;

  cg_decision_init(out);
  memset(&hit, 0, sizeof(hit));
  rc = cg_date_parse(o->ship_date, &date, err);
  if(rc != CG_OK)
    return rc;
  res = malloc(sizeof(*res));
  if(!res)
    return cg_error_set(err, CG_ENOMEM, "decide: out of memory");
  rc = order_facts(d, o, cu, chip, date, &f, &own, &hits, err);
  if(rc == CG_OK)
    rc = decide_rules(d, o, cu, chip, &f, consume, res, &hit, err);
  if(rc == CG_OK)
    rc = explain_licenses(d, o, cu, chip, &f, res, &checks, err);
  if(rc != CG_OK)
    goto done;
  out->decision = res->outcome;
  chip_part(out, chip, res->eccn.kind == CG_V_STR ? res->eccn.u.str : NULL,
            &ok);
  parties_part(out, o, cu, &ok);
  rules_part(out, res, &ok);
  cg_decide_hits_part(out, hits, &ok);
  license_part(out, &hit, &checks, &ok);
  rc = workload_part(d, out, chip, o, err);
  if(rc != CG_OK)
    goto done;
  out->ruleset = dup(out, d->ruleset, &ok);
  out->lists = dup(out, d->lists[0] ? d->lists : NULL, &ok);
  out->tool_version = dup(out, CG_VERSION, &ok);
  if(!ok)
    rc = cg_error_set(err, CG_ENOMEM, "decide: out of memory");
done:
  cg_license_checks_free(&checks);
  cg_screen_hits_free(&own);
  free(res);
  return rc;
}
