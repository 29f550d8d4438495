/* decide.c -- see decide.h. */
#include "decide/decide.h"

#include "core/crypto.h"
#include "core/json.h"
#include "model/license.h"
#include "screen/screen.h"
#include "decide/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_CACHE 1024 /* country/date -> group mask slots */

typedef struct group_slot {
  char country[3]; /* "" = empty slot */
  int32_t date;    /* day number */
  unsigned mask;   /* CG_GROUP_* bits */
} group_slot;

struct cg_decider {
  cg_store *db;            /* borrowed */
  const cg_rules *pack;    /* borrowed */
  cg_decide_opts opts;     /* copied */
  char ruleset[72];        /* "sha256:..." */
  cg_workloads *workloads; /* reference runs for the estimates */
  char lists[72];          /* "sha256:..." of the screening lists, or "" */
  group_slot groups[GROUP_CACHE];
  cg_license_matcher *licenses; /* held-licence lookups */
  cg_screener *screener;        /* screening context (loaded index) */
};

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
  if(rc == CG_OK) {
    char hex[65] = "";
    rc = cg_screen_lists_version(db, hex, err);
    if(rc == CG_OK && hex[0])
      snprintf(d->lists, sizeof(d->lists), "sha256:%s", hex);
  }
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
  free(d);
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
  cg_stmt *st = NULL;
  int rc;

  if(s->country[0] && s->date == date && !strcmp(s->country, country)) {
    *mask = s->mask;
    return CG_OK;
  }
  *mask = 0;
  rc = cg_store_cached(d->db, &st,
                       "SELECT grp FROM country_groups WHERE country = ?1 "
                       "AND valid_from <= ?2 AND ?2 < valid_to",
                       err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, country, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, iso_date, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    int bit = cg_group_bit(cg_stmt_text(st, 0));
    if(bit >= 0)
      *mask |= 1u << bit;
    rc = CG_OK;
  }
  cg_stmt_reset(st);
  if(rc < 0)
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

/* ==== the decision document =========================================== */

static cg_json *value_json(const cg_value *v)
{
  char buf[16];

  switch(v->kind) {
  case CG_V_NUM:
    return cg_json_num(v->u.num);
  case CG_V_STR:
    return cg_json_str(v->u.str);
  case CG_V_BOOL:
    return cg_json_bool(v->u.b);
  case CG_V_DATE:
    cg_date_format(v->u.date, buf);
    return cg_json_str(buf);
  case CG_V_COUNTRY:
    return cg_json_str(v->u.country.code);
  default:
    return cg_json_null();
  }
}

static cg_json *missing_json(uint64_t mask)
{
  cg_json *a = cg_json_array();
  int i;

  for(i = 0; a && i < CG_F_COUNT && i < 64; i++)
    if(mask & ((uint64_t)1 << i))
      cg_json_append(a, cg_json_str(cg_fact_name(i)));
  return a;
}

static cg_json *rules_json(const cg_rules_result *res)
{
  cg_json *arr = cg_json_array();
  size_t i;

  for(i = 0; arr && i < res->nfired; i++) {
    const cg_rules_fired *e = &res->fired[i];
    cg_json *o = cg_json_object(), *trace = cg_json_object();
    char reason[512];
    unsigned k;
    const char *outcome = e->outcome == CG_OUT_NONE
                              ? cg_action_name(e->action)
                              : cg_outcome_name(e->outcome);

    if(e->licensed)
      outcome = "licensed";
    cg_rules_result_reason(res, i, reason, sizeof(reason));
    cg_json_set_str(o, "id", e->id);
    cg_json_set_str(o, "title", e->title);
    cg_json_set_str(o, "outcome", outcome);
    cg_json_set_str(o, "action", cg_action_name(e->action));
    cg_json_set_str(o, "reason", reason);
    cg_json_set_str(o, "cite", e->cite);
    cg_json_set_bool(o, "relieved", e->relieved);
    if(e->relieved && e->relieved_by >= 0)
      cg_json_set_str(o, "relieved_by", res->fired[e->relieved_by].id);
    cg_json_set_bool(o, "decisive", e->decisive);
    cg_json_set(o, "condition",
                cg_json_str(e->cond == CG_COND_TRUE ? "true" : "unknown"));
    if(e->missing)
      cg_json_set(o, "missing", missing_json(e->missing));
    for(k = 0; k < e->trace_len; k++) {
      const cg_trace_item *t = &res->trace[e->trace_off + k];
      cg_json_set(trace, cg_fact_name(t->fact), value_json(&t->value));
    }
    cg_json_set(o, "trace", trace);
    cg_json_append(arr, o);
  }
  return arr;
}

static cg_json *customer_json(const cg_customer *cu)
{
  cg_json *o = cg_json_object();

  cg_json_set_str(o, "name", cu->name);
  cg_json_set_str(o, "country", cu->country[0] ? cu->country : NULL);
  cg_json_set_str(o, "hq_country", cu->hq_country[0] ? cu->hq_country : NULL);
  cg_json_set_str(o, "parent", cu->parent);
  cg_json_set_str(o, "parent_hq_country",
                  cu->parent_hq_country[0] ? cu->parent_hq_country : NULL);
  cg_json_set_str(o, "role", cu->role);
  return o;
}

static cg_json *order_json(const cg_order *o)
{
  cg_json *j = cg_json_object();

  cg_json_set_str(j, "end_use", o->end_use);
  cg_json_set_str(j, "role", o->role);
  cg_json_set_str(j, "packager", o->packager[0] ? o->packager : NULL);
  cg_json_set(j, "export_from_us", cg_json_tristate(o->export_from_us));
  return j;
}

/* The facts a chip alone gives. */
static void chip_facts(cg_facts *f, const cg_chip *chip)
{
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
  /* Every chip in the table is a processor (a logic IC), never an HBM
   * stack: chipgate's chips CSV has no memory-only parts. */
  cg_facts_set_bool(f, CG_F_CHIP_LOGIC_IC, 1);
  cg_facts_set_bool(f, CG_F_CHIP_HBM_STACK, 0);
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
    snprintf(eccn, eccn_size, "%s", res->eccn.u.str);
  if(rc == CG_OK && res->eccn_entry >= 0)
    *rule_out = res->fired[res->eccn_entry].id;
  free(res);
  return rc;
}

/* ==== screening ========================================================= */

static const char *footnote_name(int bits)
{
  if(bits & CG_SCREEN_FN1)
    return "fn1";
  if(bits & CG_SCREEN_FN4)
    return "fn4";
  if(bits & CG_SCREEN_FN5)
    return "fn5";
  return "";
}

static cg_json *hit_json(const cg_screen_hit *h)
{
  cg_json *o = cg_json_object();

  cg_json_set_str(o, "list", h->list);
  cg_json_set_str(o, "entry_id", h->entry_id);
  cg_json_set_str(o, "name", h->name);
  cg_json_set_str(o, "matched_name", h->matched_name);
  cg_json_set_str(o, "matched", h->via_alias ? "alias" : "name");
  cg_json_set_str(o, "screened", h->query);
  cg_json_set_str(o, "party", h->on_parent ? "parent" : "customer");
  cg_json_set_num(o, "score", h->score);
  cg_json_set_bool(o, "sure", h->sure);
  cg_json_set_bool(o, "entity_list", h->entity_list);
  cg_json_set_str(o, "footnote", footnote_name(h->footnotes));
  cg_json_set_str(o, "country", h->country);
  cg_json_set_str(o, "license_requirement", h->license_requirement);
  cg_json_set_str(o, "license_policy", h->license_policy);
  cg_json_set_str(o, "federal_register_notice", h->federal_register_notice);
  cg_json_set_str(o, "explain", h->explain);
  cg_json_set_bool(o, "cleared", h->cleared);
  if(h->cleared)
    cg_json_set_str(o, "clear_reason", h->clear_reason);
  return o;
}

/* Screens the customer (and its parent) and sets the list facts: a sure,
 * uncleared Entity List hit makes the customer listed with that entry's
 * policy; any other uncleared hit (possible, or on another list) holds
 * for review. The hits stay alive in *hits for the facts' strings. */
static int screen_facts(cg_decider *d, const cg_customer *cu, cg_facts *f,
                        cg_screen_hits *hits, cg_json **json_out,
                        cg_error *err)
{
  const cg_screen_hit *listed = NULL;
  int hold = 0, rc = CG_OK;
  size_t i;

  *json_out = cg_json_array();
  if(!d->lists[0])
    goto facts; /* no lists loaded: nothing to match */
  if(cu->id) {
    rc = cg_screen_customer(d->screener, cu->id, d->opts.screen_threshold,
                            hits, err);
  }
  else {
    rc = cg_screen_name(d->screener, cu->name,
                        cu->country[0] ? cu->country : NULL,
                        d->opts.screen_threshold, 5, hits, err);
    if(rc == CG_OK && cu->parent) {
      cg_screen_hits ph = { 0, NULL };
      rc = cg_screen_name(d->screener, cu->parent,
                          cu->parent_hq_country[0] ? cu->parent_hq_country
                                                   : NULL,
                          d->opts.screen_threshold, 5, &ph, err);
      if(rc == CG_OK && ph.n) {
        cg_screen_hit *all =
            realloc(hits->items, (hits->n + ph.n) * sizeof(*all));
        if(!all) {
          cg_screen_hits_free(&ph);
          return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
        }
        for(i = 0; i < ph.n; i++) {
          all[hits->n + i] = ph.items[i];
          all[hits->n + i].on_parent = 1;
        }
        hits->items = all;
        hits->n += ph.n;
        free(ph.items); /* the strings moved to *hits */
        ph.items = NULL;
        ph.n = 0;
      }
      cg_screen_hits_free(&ph);
    }
  }
  if(rc != CG_OK)
    return rc;
  for(i = 0; i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];
    cg_json_append(*json_out, hit_json(h));
    if(h->cleared)
      continue;
    if(h->sure && h->entity_list) {
      if(!listed)
        listed = h;
    }
    else {
      hold = 1;
    }
  }
facts:
  cg_facts_set_bool(f, CG_F_CUSTOMER_LISTED, listed != NULL);
  cg_facts_set_bool(f, CG_F_CUSTOMER_SCREEN_HOLD, hold);
  cg_facts_set_str(f, CG_F_CUSTOMER_LIST_FOOTNOTE,
                   listed ? footnote_name(listed->footnotes) : "");
  if(listed) {
    cg_facts_set_str(f, CG_F_CUSTOMER_LIST_POLICY, listed->license_policy);
    cg_facts_set_str(f, CG_F_CUSTOMER_LIST_ENTRY, listed->name);
    cg_facts_set_str(f, CG_F_CUSTOMER_LIST_CITE,
                     listed->federal_register_notice);
  }
  return CG_OK;
}

/* ==== deciding ========================================================= */

int cg_decide(cg_decider *d, const cg_order *o, const cg_customer *cu,
              const cg_chip *chip, int consume, cg_decision *out,
              cg_error *err)
{
  cg_rules_result *res = NULL;
  cg_facts f;
  cg_json *doc = NULL, *cj = NULL, *lic = cg_json_null();
  cg_json *screening = NULL;
  cg_screen_hits hits = { 0, NULL };
  cg_license_hit hit;
  const char *designer = "none";
  const char *eccn = NULL;
  int32_t date = 0;
  unsigned dest_mask = 0;
  int osat = 0, rc;

  memset(out, 0, sizeof(*out));
  memset(&hit, 0, sizeof(hit));
  rc = cg_date_parse(o->ship_date, &date, err);
  if(rc != CG_OK)
    return rc;
  res = malloc(sizeof(*res));
  if(!res)
    return cg_error_set(err, CG_ENOMEM, "decide: out of memory");

  chip_facts(&f, chip);

  cg_facts_set_str(&f, CG_F_CUSTOMER_NAME, cu->name);
  rc = set_country(d, &f, CG_F_CUSTOMER_COUNTRY, cu->country, date,
                   o->ship_date, err);
  if(rc == CG_OK)
    rc = set_country(d, &f, CG_F_CUSTOMER_HQ, cu->hq_country, date,
                     o->ship_date, err);
  /* Without a parent the customer is its own ultimate parent. */
  if(rc == CG_OK)
    rc = set_country(d, &f, CG_F_CUSTOMER_PARENT_HQ,
                     cu->parent ? cu->parent_hq_country : cu->hq_country, date,
                     o->ship_date, err);
  if(rc == CG_OK)
    rc =
        set_country(d, &f, CG_F_DEST, o->destination, date, o->ship_date, err);
  if(rc == CG_OK)
    rc = cg_license_approvals(d->db, cu->id, o->ship_date, &designer, &osat,
                              err);
  if(rc != CG_OK)
    goto done;
  dest_mask = f.v[CG_F_DEST].u.country.groups;
  cg_facts_set_str(&f, CG_F_CUSTOMER_ROLE, cu->role);
  cg_facts_set_str(&f, CG_F_CUSTOMER_DESIGNER, designer);
  cg_facts_set_bool(&f, CG_F_CUSTOMER_APPROVED_OSAT, osat);
  /* An approved or authorized designer's TPP/PD attestation is part of
   * its approval record. */
  cg_facts_set_bool(&f, CG_F_ORDER_ATTESTED, strcmp(designer, "none") != 0);
  rc = screen_facts(d, cu, &f, &hits, &screening, err);
  if(rc != CG_OK)
    goto done;

  cg_facts_set_num(&f, CG_F_ORDER_QTY, (double)o->quantity);
  cg_facts_set_date(&f, CG_F_ORDER_DATE, date);
  cg_facts_set_str(&f, CG_F_ORDER_END_USE, o->end_use);
  cg_facts_set_str(&f, CG_F_ORDER_ROLE, o->role);
  if(o->packager[0])
    cg_facts_set_str(&f, CG_F_ORDER_PACKAGER, o->packager);
  if(o->export_from_us >= 0)
    cg_facts_set_bool(&f, CG_F_ORDER_EXPORT_FROM_US, o->export_from_us);

  rc = cg_rules_eval(d->pack, &f, res, err);
  if(rc != CG_OK)
    goto done;
  if(res->eccn.kind == CG_V_STR)
    eccn = res->eccn.u.str;

  /* Licences: one held licence covering the whole order satisfies every
   * licence requirement of the order; a hold is never licensable. */
  {
    size_t i;
    int need = 0;
    for(i = 0; i < res->nfired; i++)
      if(res->fired[i].licensable && res->fired[i].decisive &&
         !res->fired[i].relieved)
        need = 1;
    if(need) {
      cg_license_need want = { cu->id, o->ship_date, o->destination, dest_mask,
                               eccn,   chip->name,   o->quantity };
      rc = cg_license_find(d->licenses, &want, &hit, err);
      if(rc != CG_OK)
        goto done;
    }
    if(hit.id) {
      for(i = 0; i < res->nfired; i++)
        if(res->fired[i].licensable && res->fired[i].decisive &&
           !res->fired[i].relieved)
          cg_rules_result_mark_licensed(res, i);
      cg_rules_result_recompute(res);
      if(consume && o->id) {
        rc = cg_license_consume(d->db, hit.id, o->id, o->quantity, err);
        if(rc != CG_OK)
          goto done;
      }
      lic = cg_json_object();
      cg_json_set_str(lic, "number", hit.number);
      cg_json_set_str(lic, "kind", hit.kind);
      cg_json_set_int(lic, "quantity_used", o->quantity);
      if(hit.max_qty >= 0) {
        cg_json_set_int(lic, "max_qty", hit.max_qty);
        cg_json_set_int(lic, "remaining",
                        hit.max_qty - hit.used - o->quantity);
      }
      else {
        cg_json_set(lic, "remaining", cg_json_null());
      }
    }
  }

  doc = cg_json_object();
  cj = cg_chip_json(chip);
  if(!doc || !cj) {
    rc = cg_error_set(err, CG_ENOMEM, "decide: out of memory");
    goto done;
  }
  cg_json_set_str(cj, "eccn", eccn);
  cg_json_set_str(doc, "order_id", o->order_id[0] ? o->order_id : NULL);
  cg_json_set_str(doc, "decision", cg_outcome_name(res->outcome));
  cg_json_set_str(doc, "as_of", o->ship_date);
  cg_json_set_int(doc, "quantity", o->quantity);
  cg_json_set_str(doc, "destination", o->destination);
  cg_json_set(doc, "chip", cj);
  cj = NULL;
  cg_json_set(doc, "customer", customer_json(cu));
  cg_json_set(doc, "order", order_json(o));
  cg_json_set(doc, "rules", rules_json(res));
  cg_json_set(doc, "missing", missing_json(res->missing));
  cg_json_set(doc, "screening", screening);
  screening = NULL;
  cg_json_set(doc, "license", lic);
  lic = NULL;
  {
    cg_json *w = NULL;
    rc = cg_workload_json(&w, chip, (double)o->quantity, d->opts.mfu,
                          d->workloads, err);
    if(rc != CG_OK)
      goto done;
    cg_json_set(doc, "workload", w);
  }
  cg_json_set_str(doc, "ruleset", d->ruleset);
  cg_json_set_str(doc, "lists", d->lists[0] ? d->lists : NULL);
  cg_json_set_str(doc, "tool_version", CG_VERSION);

  out->outcome = res->outcome;
  out->doc = doc;
  out->license_id = hit.id;
  out->license_qty = hit.id ? o->quantity : 0;
  doc = NULL;
done:
  cg_screen_hits_free(&hits);
  cg_json_free(screening);
  cg_json_free(lic);
  cg_json_free(cj);
  cg_json_free(doc);
  free(res);
  return rc;
}
