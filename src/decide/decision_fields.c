/* decision_fields.c -- the field tables of the decision document, with
 * the members that need their own writer and reader (see decision_int.h). */
#include "decide/decision_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== rules and their traces ============================================ */

#define RULE(b)   ((const cg_decision_rule *)(const void *)(b))
#define RULE_W(b) ((cg_decision_rule *)(void *)(b))

static void w_action(wr *w, const char *key, const char *base)
{
  const char *name = cg_action_name(RULE(base)->action);

  if(!name)
    cgd_w_enum_fail(w, "rule action", (int)RULE(base)->action);
  cgd_w_key(w, key);
  cgd_w_str(w, name);
}

static int r_action(rd *r, const cg_json *v, char *base)
{
  const char *name = cg_json_string_value(v);
  int a;

  for(a = CG_ACT_CLASSIFY; name && a <= CG_ACT_FLAG; a++)
    if(!strcmp(cg_action_name((cg_action)a), name)) {
      RULE_W(base)->action = (cg_action)a;
      return CG_OK;
    }
  return cgd_rd_fail(r, "not an action name");
}

static void w_condition(wr *w, const char *key, const char *base)
{
  int c = RULE(base)->condition;

  if(c != CG_COND_TRUE && c != CG_COND_UNKNOWN)
    cgd_w_enum_fail(w, "rule condition", c);
  cgd_w_key(w, key);
  cgd_w_str(w, c == CG_COND_TRUE ? "true" : "unknown");
}

static int r_condition(rd *r, const cg_json *v, char *base)
{
  const char *s = cg_json_string_value(v);

  if(s && !strcmp(s, "true"))
    RULE_W(base)->condition = CG_COND_TRUE;
  else if(s && !strcmp(s, "unknown"))
    RULE_W(base)->condition = CG_COND_UNKNOWN;
  else
    return cgd_rd_fail(r, "expected \"true\" or \"unknown\"");
  return CG_OK;
}

static void w_rule_missing(wr *w, const char *key, const char *base)
{
  if(!RULE(base)->missing)
    return; /* the key is absent when nothing was missing */
  cgd_w_key(w, key);
  cgd_w_mask(w, RULE(base)->missing);
}

static int r_rule_missing(rd *r, const cg_json *v, char *base)
{
  return cgd_rd_mask(r, v, &RULE_W(base)->missing);
}

static void w_value(wr *w, const cg_value *v)
{
  char date[11];

  switch(v->kind) {
  case CG_V_NUM:
    cgd_w_num(w, v->u.num);
    break;
  case CG_V_STR:
    cgd_w_str(w, v->u.str);
    break;
  case CG_V_BOOL:
    cgd_w_bool(w, v->u.b);
    break;
  case CG_V_DATE:
    cg_date_format(v->u.date, date);
    cgd_w_str(w, date);
    break;
  case CG_V_COUNTRY:
    cgd_w_str(w, v->u.country.code);
    break;
  default:
    cgd_w_put(w, "null", 4);
  }
}

/* The trace object: items sorted by fact name, a later item for the same
 * fact replacing an earlier one (what setting an object member does). */
static void w_trace(wr *w, const char *key, const char *base)
{
  const cg_decision_rule *ru = RULE(base);
  size_t small[64], *ix = small, n = 0, i, j;

  if(ru->ntrace > 64) {
    ix = malloc(ru->ntrace * sizeof(*ix));
    if(!ix) {
      if(w->rc == CG_OK)
        w->rc = cg_error_set(w->err, CG_ENOMEM, "decision: out of memory");
      return;
    }
  }
  for(i = 0; i < ru->ntrace; i++) {
    const char *name = cg_fact_name(ru->trace[i].fact);
    int c = 1;
    if(!name) {
      cgd_w_enum_fail(w, "trace fact", ru->trace[i].fact);
      break;
    }
    for(j = n; j > 0; j--) {
      c = strcmp(cg_fact_name(ru->trace[ix[j - 1]].fact), name);
      if(c <= 0)
        break;
    }
    if(j > 0 && c == 0) {
      ix[j - 1] = i; /* same fact: the later value wins */
      continue;
    }
    memmove(ix + j + 1, ix + j, (n - j) * sizeof(*ix));
    ix[j] = i;
    n++;
  }
  cgd_w_key(w, key);
  cgd_w_putc(w, '{');
  for(i = 0; i < n; i++) {
    cgd_w_key(w, cg_fact_name(ru->trace[ix[i]].fact));
    w_value(w, &ru->trace[ix[i]].value);
  }
  cgd_w_putc(w, '}');
  if(ix != small)
    free(ix);
}

static int r_trace_value(rd *r, const cg_json *v, cg_decision_trace *t)
{
  const char *s;
  int32_t day;

  memset(&t->value, 0, sizeof(t->value));
  switch(cg_json_type(v)) {
  case CG_JSON_NULL:
    t->value.kind = CG_V_UNKNOWN;
    return CG_OK;
  case CG_JSON_BOOL:
    t->value.kind = CG_V_BOOL;
    t->value.u.b = cg_json_is_true(v);
    return CG_OK;
  case CG_JSON_INT:
  case CG_JSON_REAL:
    t->value.kind = CG_V_NUM;
    t->value.u.num = cg_json_number_value(v);
    return CG_OK;
  case CG_JSON_STRING:
    break;
  default:
    return cgd_rd_fail(r, "expected a string, number, boolean or null");
  }
  s = cg_json_string_value(v);
  if(cg_fact_kind(t->fact) == CG_V_DATE && cg_date_parse(s, &day, NULL) == 0) {
    t->value.kind = CG_V_DATE;
    t->value.u.date = day;
  }
  else if(cg_fact_kind(t->fact) == CG_V_COUNTRY && strlen(s) == 2) {
    t->value.kind = CG_V_COUNTRY;
    memcpy(t->value.u.country.code, s, 3);
  }
  else {
    t->value.kind = CG_V_STR;
    t->value.u.str = cg_decision_strdup(r->d, s);
    if(!t->value.u.str)
      return cgd_rd_nomem(r);
  }
  return CG_OK;
}

static int r_trace(rd *r, const cg_json *v, char *base)
{
  cg_decision_rule *ru = RULE_W(base);
  size_t n = cg_json_size(v), plen = r->plen;
  void *it;
  int rc = CG_OK;

  if(cg_json_type(v) != CG_JSON_OBJECT)
    return cgd_rd_fail(r, "expected an object");
  ru->ntrace = 0;
  ru->trace = n ? cg_decision_alloc(r->d, n * sizeof(*ru->trace)) : NULL;
  if(n && !ru->trace)
    return cgd_rd_nomem(r);
  for(it = cg_json_iter(v, NULL); it && rc == CG_OK;
      it = cg_json_iter(v, it)) {
    cg_decision_trace *t = &ru->trace[ru->ntrace];
    cgd_rd_push(r, cg_json_iter_key(it), 0);
    t->fact = cg_fact_id(cg_json_iter_key(it));
    if(t->fact < 0 || strcmp(cg_fact_name(t->fact), cg_json_iter_key(it)) != 0)
      rc = cgd_rd_fail(r, "not a fact name");
    else
      rc = r_trace_value(r, cg_json_iter_value(it), t);
    if(rc == CG_OK) {
      cgd_rd_pop(r, plen);
      ru->ntrace++;
    }
  }
  return rc;
}

static const field rule_fields[] = {
  CUS("action", w_action, r_action),
  FLD(cg_decision_rule, "cite", F_STR, cite),
  CUS("condition", w_condition, r_condition),
  FLD(cg_decision_rule, "decisive", F_BOOL, decisive),
  FLD(cg_decision_rule, "id", F_STR, id),
  CUS("missing", w_rule_missing, r_rule_missing),
  FLD(cg_decision_rule, "outcome", F_STR, outcome),
  FLD(cg_decision_rule, "reason", F_STR, reason),
  FLD(cg_decision_rule, "relieved", F_BOOL, relieved),
  OPTF(cg_decision_rule, "relieved_by", F_STR, relieved_by),
  FLD(cg_decision_rule, "title", F_STR, title),
  CUS("trace", w_trace, r_trace),
};

static void rule_init(char *base)
{
  RULE_W(base)->condition = CG_COND_TRUE;
}

static const objdesc rule_desc = { rule_fields, NFIELDS(rule_fields),
                                   rule_init, sizeof(cg_decision_rule) };

/* ==== screening hits ==================================================== */

#define HIT(b)   ((const cg_decision_hit *)(const void *)(b))
#define HIT_W(b) ((cg_decision_hit *)(void *)(b))

static int r_choice(rd *r, const cg_json *v, const char *yes, const char *no,
                    int *out)
{
  const char *s = cg_json_string_value(v);

  if(s && !strcmp(s, yes))
    *out = 1;
  else if(s && !strcmp(s, no))
    *out = 0;
  else
    return cgd_rd_fail(r, "unexpected value");
  return CG_OK;
}

static void w_matched(wr *w, const char *key, const char *base)
{
  cgd_w_key(w, key);
  cgd_w_str(w, HIT(base)->via_alias ? "alias" : "name");
}

static int r_matched(rd *r, const cg_json *v, char *base)
{
  return r_choice(r, v, "alias", "name", &HIT_W(base)->via_alias);
}

static void w_party(wr *w, const char *key, const char *base)
{
  cgd_w_key(w, key);
  cgd_w_str(w, HIT(base)->on_parent ? "parent" : "customer");
}

static int r_party(rd *r, const cg_json *v, char *base)
{
  return r_choice(r, v, "parent", "customer", &HIT_W(base)->on_parent);
}

static void w_clear_reason(wr *w, const char *key, const char *base)
{
  if(!HIT(base)->cleared)
    return; /* only a cleared hit says why */
  cgd_w_key(w, key);
  cgd_w_str(w, HIT(base)->clear_reason);
}

static int r_clear_reason(rd *r, const cg_json *v, char *base)
{
  return cgd_rd_str(r, v, &HIT_W(base)->clear_reason);
}

static const field clearance_fields[] = {
  FLD(cg_decision_clearance, "at", F_STR, cleared_at),
  FLD(cg_decision_clearance, "id", F_INT, id),
  FLD(cg_decision_clearance, "reason", F_STR, reason),
  FLD(cg_decision_clearance, "reviewer", F_STR, reviewer),
};

static const objdesc clearance_desc = { clearance_fields,
                                        NFIELDS(clearance_fields), NULL,
                                        sizeof(cg_decision_clearance) };

static void w_clearances(wr *w, const char *key, const char *base)
{
  if(!HIT(base)->nclearances)
    return; /* only a hit with clearances names them */
  cgd_w_key(w, key);
  cgd_w_array(w, &clearance_desc, HIT(base)->clearances,
              HIT(base)->nclearances);
}

static int r_clearances(rd *r, const cg_json *v, char *base)
{
  void *items = NULL;
  int rc =
      cgd_rd_array(r, v, &clearance_desc, &items, &HIT_W(base)->nclearances);

  HIT_W(base)->clearances = items;
  return rc;
}

static const field hit_fields[] = {
  CUS("clear_reason", w_clear_reason, r_clear_reason),
  CUS("clearances", w_clearances, r_clearances),
  FLD(cg_decision_hit, "cleared", F_BOOL, cleared),
  FLD(cg_decision_hit, "country", F_STR, country),
  FLD(cg_decision_hit, "entity_list", F_BOOL, entity_list),
  FLD(cg_decision_hit, "entry_id", F_STR, entry_id),
  FLD(cg_decision_hit, "explain", F_STR, explain),
  FLD(cg_decision_hit, "federal_register_notice", F_STR,
      federal_register_notice),
  FLD(cg_decision_hit, "footnote", F_STR, footnote),
  FLD(cg_decision_hit, "license_policy", F_STR, license_policy),
  FLD(cg_decision_hit, "license_requirement", F_STR, license_requirement),
  FLD(cg_decision_hit, "list", F_STR, list),
  OPTF(cg_decision_hit, "list_kind", F_STR, list_kind),
  CUS("matched", w_matched, r_matched),
  FLD(cg_decision_hit, "matched_name", F_STR, matched_name),
  FLD(cg_decision_hit, "name", F_STR, name),
  CUS("party", w_party, r_party),
  FLD(cg_decision_hit, "score", F_NUM, score),
  FLD(cg_decision_hit, "screened", F_STR, screened),
  FLD(cg_decision_hit, "sure", F_BOOL, sure),
};

static void hit_init(char *base)
{
  HIT_W(base)->score = NAN;
}

static const objdesc hit_desc = { hit_fields, NFIELDS(hit_fields), hit_init,
                                  sizeof(cg_decision_hit) };

/* ==== chip, customer, order, workload =================================== */

static const field chip_fields[] = {
  FLD(cg_decision_chip, "datacenter", F_TRI, datacenter),
  FLD(cg_decision_chip, "die_area_mm2", F_NUM, die_area_mm2),
  FLD(cg_decision_chip, "eccn", F_STR, eccn),
  FLD(cg_decision_chip, "foundry", F_STR, foundry),
  FLD(cg_decision_chip, "hbm", F_TRI, hbm),
  FLD(cg_decision_chip, "memory_bandwidth_gbs", F_NUM, memory_bandwidth_gbs),
  FLD(cg_decision_chip, "name", F_STR, name),
  FLD(cg_decision_chip, "node", F_STR, node),
  FLD(cg_decision_chip, "node_nm", F_NUM, node_nm),
  FLD(cg_decision_chip, "nonplanar", F_TRI, nonplanar),
  FLD(cg_decision_chip, "pd", F_NUM, pd),
  FLD(cg_decision_chip, "tpp", F_NUM, tpp),
  FLD(cg_decision_chip, "tpp_precision", F_STR, tpp_precision),
  FLD(cg_decision_chip, "transistors_billion", F_NUM, transistors_billion),
  FLD(cg_decision_chip, "vendor", F_STR, vendor),
};
static const objdesc chip_desc = { chip_fields, NFIELDS(chip_fields), NULL,
                                   0 };

static const field customer_fields[] = {
  FLD(cg_decision_customer, "country", F_STR, country),
  FLD(cg_decision_customer, "hq_country", F_STR, hq_country),
  FLD(cg_decision_customer, "name", F_STR, name),
  FLD(cg_decision_customer, "parent", F_STR, parent),
  FLD(cg_decision_customer, "parent_hq_country", F_STR, parent_hq_country),
  FLD(cg_decision_customer, "role", F_STR, role),
};
static const objdesc customer_desc = { customer_fields,
                                       NFIELDS(customer_fields), NULL, 0 };

static const field order_fields[] = {
  FLD(cg_decision_order, "end_use", F_STR, end_use),
  OPTF(cg_decision_order, "end_use_country", F_STR, end_use_country),
  OPTF(cg_decision_order, "end_user_hq", F_STR, end_user_hq),
  FLD(cg_decision_order, "export_from_us", F_TRI, export_from_us),
  FLD(cg_decision_order, "packager", F_STR, packager),
  FLD(cg_decision_order, "role", F_STR, role),
};
static const objdesc order_desc = { order_fields, NFIELDS(order_fields), NULL,
                                    0 };

static const field wl_ref_fields[] = {
  FLD(cg_decision_wl_ref, "days", F_NUM, days),
  FLD(cg_decision_wl_ref, "flop", F_NUM, flop),
  FLD(cg_decision_wl_ref, "name", F_STR, name),
  FLD(cg_decision_wl_ref, "source", F_STR, source),
};

static void wl_ref_init(char *base)
{
  cg_decision_wl_ref *x = (cg_decision_wl_ref *)(void *)base;
  x->days = NAN;
  x->flop = NAN;
}

static const objdesc wl_ref_desc = { wl_ref_fields, NFIELDS(wl_ref_fields),
                                     wl_ref_init, sizeof(cg_decision_wl_ref) };

#define WL(b)   ((const cg_decision_workload *)(const void *)(b))
#define WL_W(b) ((cg_decision_workload *)(void *)(b))

static void w_assumptions(wr *w, const char *key, const char *base)
{
  size_t i;

  cgd_w_key(w, key);
  cgd_w_putc(w, '[');
  for(i = 0; i < WL(base)->nassumptions; i++) {
    cgd_w_sep(w);
    cgd_w_str(w, WL(base)->assumptions[i]);
  }
  cgd_w_putc(w, ']');
}

static int r_assumptions(rd *r, const cg_json *v, char *base)
{
  cg_decision_workload *wl = WL_W(base);
  size_t i, n = cg_json_size(v), plen = r->plen;
  int rc = CG_OK;

  if(cg_json_type(v) != CG_JSON_ARRAY)
    return cgd_rd_fail(r, "expected an array of strings");
  wl->nassumptions = 0;
  wl->assumptions = n ? cg_decision_alloc(r->d, n * sizeof(char *)) : NULL;
  if(n && !wl->assumptions)
    return cgd_rd_nomem(r);
  for(i = 0; i < n && rc == CG_OK; i++) {
    cgd_rd_push(r, NULL, (long)i);
    rc = cgd_rd_str(r, cg_json_at(v, i), &wl->assumptions[i]);
    if(rc == CG_OK)
      cgd_rd_pop(r, plen);
  }
  wl->nassumptions = n;
  return rc;
}

static void w_workloads(wr *w, const char *key, const char *base)
{
  cgd_w_key(w, key);
  cgd_w_array(w, &wl_ref_desc, WL(base)->workloads, WL(base)->nworkloads);
}

static int r_workloads(rd *r, const cg_json *v, char *base)
{
  void *items = NULL;
  int rc = cgd_rd_array(r, v, &wl_ref_desc, &items, &WL_W(base)->nworkloads);

  WL_W(base)->workloads = items;
  return rc;
}

static const field workload_fields[] = {
  CUS("assumptions", w_assumptions, r_assumptions),
  FLD(cg_decision_workload, "basis", F_STR, basis),
  FLD(cg_decision_workload, "cluster_effective_flops", F_NUM,
      cluster_effective_flops),
  FLD(cg_decision_workload, "cluster_peak_flops", F_NUM, cluster_peak_flops),
  FLD(cg_decision_workload, "days_to_1e26", F_NUM, days_to_1e26),
  FLD(cg_decision_workload, "flop_30d", F_NUM, flop_30d),
  FLD(cg_decision_workload, "flop_365d", F_NUM, flop_365d),
  FLD(cg_decision_workload, "flop_90d", F_NUM, flop_90d),
  FLD(cg_decision_workload, "fp8_flops_per_chip", F_NUM, fp8_flops_per_chip),
  FLD(cg_decision_workload, "h100e", F_NUM, h100e),
  FLD(cg_decision_workload, "h100e_per_chip", F_NUM, h100e_per_chip),
  FLD(cg_decision_workload, "known", F_BOOL, known),
  FLD(cg_decision_workload, "mfu", F_NUM, mfu),
  FLD(cg_decision_workload, "optimal_params_90d", F_NUM, optimal_params_90d),
  FLD(cg_decision_workload, "optimal_tokens_90d", F_NUM, optimal_tokens_90d),
  FLD(cg_decision_workload, "peak16_flops_per_chip", F_NUM,
      peak16_flops_per_chip),
  FLD(cg_decision_workload, "quantity", F_NUM, quantity),
  FLD(cg_decision_workload, "reaches_1e26_365d", F_TRI, reaches_1e26_365d),
  FLD(cg_decision_workload, "tpp", F_NUM, tpp),
  CUS("workloads", w_workloads, r_workloads),
};
static const objdesc workload_desc = { workload_fields,
                                       NFIELDS(workload_fields), NULL, 0 };

/* ==== the document ====================================================== */

#define DEC(b)   ((const cg_decision *)(const void *)(b))
#define DEC_W(b) ((cg_decision *)(void *)(b))

static void w_decision(wr *w, const char *key, const char *base)
{
  const char *name = DEC(base)->decision < CG_OUT_NONE
                         ? cg_outcome_name(DEC(base)->decision)
                         : NULL;

  if(!name)
    cgd_w_enum_fail(w, "outcome", (int)DEC(base)->decision);
  cgd_w_key(w, key);
  cgd_w_str(w, name);
}

static int r_decision(rd *r, const cg_json *v, char *base)
{
  const char *s = cg_json_string_value(v);
  int o = s ? cg_outcome_parse(s) : -1;

  if(o < 0 || o >= CG_OUT_NONE)
    return cgd_rd_fail(r, "not an outcome name");
  DEC_W(base)->decision = (cg_outcome)o;
  return CG_OK;
}

static void w_license(wr *w, const char *key, const char *base)
{
  const cg_decision_license *l = &DEC(base)->license;

  cgd_w_key(w, key);
  if(!l->present) {
    cgd_w_put(w, "null", 4);
    return;
  }
  cgd_w_putc(w, '{');
  cgd_w_key(w, "kind");
  cgd_w_str(w, l->kind);
  if(l->max_qty >= 0) {
    cgd_w_key(w, "max_qty");
    cgd_w_int(w, l->max_qty);
  }
  cgd_w_key(w, "number");
  cgd_w_str(w, l->number);
  cgd_w_key(w, "quantity_used");
  cgd_w_int(w, l->quantity_used);
  cgd_w_key(w, "remaining");
  if(l->max_qty >= 0) {
    size_t v = w->n;
    cgd_w_int(w, l->remaining);
    /* A running balance other orders' draws change: not an input. */
    cgd_w_patch(w, v, "0", 1, NULL);
  }
  else {
    cgd_w_put(w, "null", 4);
  }
  cgd_w_putc(w, '}');
}

static int r_remaining(rd *r, const cg_json *v, char *base)
{
  cg_decision_license *l = (cg_decision_license *)(void *)base;

  if(cg_json_type(v) == CG_JSON_NULL) {
    l->remaining = 0;
    return CG_OK;
  }
  return cgd_rd_int(r, v, &l->remaining);
}

static const field license_fields[] = {
  FLD(cg_decision_license, "kind", F_STR, kind),
  FLD(cg_decision_license, "max_qty", F_INT, max_qty),
  FLD(cg_decision_license, "number", F_STR, number),
  FLD(cg_decision_license, "quantity_used", F_INT, quantity_used),
  CUS("remaining", NULL, r_remaining),
};
static const objdesc license_desc = { license_fields, NFIELDS(license_fields),
                                      NULL, 0 };

static int r_license(rd *r, const cg_json *v, char *base)
{
  cg_decision_license *l = &DEC_W(base)->license;

  memset(l, 0, sizeof(*l));
  l->max_qty = -1;
  if(cg_json_type(v) == CG_JSON_NULL)
    return CG_OK;
  l->present = 1;
  return cgd_rd_object(r, v, &license_desc, (char *)l);
}

/* ---- licences considered ---- */

/* A reason's text ("30 left of 100") follows running balances; the
 * inputs view has its code there instead. */
static void w_reason_text(wr *w, const char *key, const char *base)
{
  const cg_decision_license_reason *x =
      (const cg_decision_license_reason *)(const void *)base;
  size_t v;

  cgd_w_key(w, key);
  v = w->n;
  cgd_w_str(w, x->text);
  cgd_w_patch(w, v, x->code ? NULL : "null", 4, x->code);
}

static int r_reason_text(rd *r, const cg_json *v, char *base)
{
  return cgd_rd_str(r, v, &((cg_decision_license_reason *)(void *)base)->text);
}

static const field reason_fields[] = {
  FLD(cg_decision_license_reason, "code", F_STR, code),
  CUS("text", w_reason_text, r_reason_text),
};
static const objdesc reason_desc = { reason_fields, NFIELDS(reason_fields),
                                     NULL,
                                     sizeof(cg_decision_license_reason) };

#define LCHK(b)   ((const cg_decision_license_check *)(const void *)(b))
#define LCHK_W(b) ((cg_decision_license_check *)(void *)(b))

static void w_reasons(wr *w, const char *key, const char *base)
{
  cgd_w_key(w, key);
  cgd_w_array(w, &reason_desc, LCHK(base)->reasons, LCHK(base)->nreasons);
}

static int r_reasons(rd *r, const cg_json *v, char *base)
{
  void *items = NULL;
  int rc = cgd_rd_array(r, v, &reason_desc, &items, &LCHK_W(base)->nreasons);

  LCHK_W(base)->reasons = items;
  return rc;
}

static const field check_fields[] = {
  FLD(cg_decision_license_check, "covers", F_BOOL, covers),
  FLD(cg_decision_license_check, "kind", F_STR, kind),
  FLD(cg_decision_license_check, "number", F_STR, number),
  CUS("reasons", w_reasons, r_reasons),
  FLD(cg_decision_license_check, "used", F_BOOL, used),
};
static const objdesc check_desc = { check_fields, NFIELDS(check_fields), NULL,
                                    sizeof(cg_decision_license_check) };

static void w_checks(wr *w, const char *key, const char *base)
{
  if(!DEC(base)->nlicense_checks)
    return; /* absent: documents without licences keep their bytes */
  cgd_w_key(w, key);
  cgd_w_array(w, &check_desc, DEC(base)->license_checks,
              DEC(base)->nlicense_checks);
}

static int r_checks(rd *r, const cg_json *v, char *base)
{
  void *items = NULL;
  int rc =
      cgd_rd_array(r, v, &check_desc, &items, &DEC_W(base)->nlicense_checks);

  DEC_W(base)->license_checks = items;
  return rc;
}

static void w_missing(wr *w, const char *key, const char *base)
{
  cgd_w_key(w, key);
  cgd_w_mask(w, DEC(base)->missing);
}

static int r_missing(rd *r, const cg_json *v, char *base)
{
  return cgd_rd_mask(r, v, &DEC_W(base)->missing);
}

static void w_rules(wr *w, const char *key, const char *base)
{
  cgd_w_key(w, key);
  cgd_w_array(w, &rule_desc, DEC(base)->rules, DEC(base)->nrules);
}

static int r_rules(rd *r, const cg_json *v, char *base)
{
  void *items = NULL;
  int rc = cgd_rd_array(r, v, &rule_desc, &items, &DEC_W(base)->nrules);

  DEC_W(base)->rules = items;
  return rc;
}

static const field alt_fields[] = {
  FLD(cg_decision_alt, "outcome", F_STR, outcome),
  FLD(cg_decision_alt, "when", F_STR, when),
};

static const objdesc alt_desc = { alt_fields, NFIELDS(alt_fields), NULL,
                                  sizeof(cg_decision_alt) };

static void w_otherwise(wr *w, const char *key, const char *base)
{
  if(!DEC(base)->nalts)
    return; /* only a decision some completion contradicts names them */
  cgd_w_key(w, key);
  cgd_w_array(w, &alt_desc, DEC(base)->alts, DEC(base)->nalts);
}

static int r_otherwise(rd *r, const cg_json *v, char *base)
{
  void *items = NULL;
  int rc = cgd_rd_array(r, v, &alt_desc, &items, &DEC_W(base)->nalts);

  DEC_W(base)->alts = items;
  return rc;
}

static void w_screening(wr *w, const char *key, const char *base)
{
  cgd_w_key(w, key);
  cgd_w_array(w, &hit_desc, DEC(base)->hits, DEC(base)->nhits);
}

static int r_screening(rd *r, const cg_json *v, char *base)
{
  void *items = NULL;
  int rc = cgd_rd_array(r, v, &hit_desc, &items, &DEC_W(base)->nhits);

  DEC_W(base)->hits = items;
  return rc;
}

static const field decision_fields[] = {
  FLD(cg_decision, "as_of", F_STR, as_of),
  { "batch", F_INT, offsetof(cg_decision, batch), OPT | VIEW_OMIT, NULL, NULL,
    NULL },
  SUB(cg_decision, "chip", chip, &chip_desc),
  SUB(cg_decision, "customer", customer, &customer_desc),
  { "decided_at", F_STR, offsetof(cg_decision, decided_at), OPT | VIEW_OMIT,
    NULL, NULL, NULL },
  CUS("decision", w_decision, r_decision),
  FLD(cg_decision, "destination", F_STR, destination),
  CUS("license", w_license, r_license),
  CUS("licenses_considered", w_checks, r_checks),
  FLD(cg_decision, "lists", F_STR, lists),
  CUS("missing", w_missing, r_missing),
  SUB(cg_decision, "order", order, &order_desc),
  FLD(cg_decision, "order_id", F_STR, order_id),
  CUS("otherwise", w_otherwise, r_otherwise),
  FLD(cg_decision, "quantity", F_INT, quantity),
  CUS("rules", w_rules, r_rules),
  FLD(cg_decision, "ruleset", F_STR, ruleset),
  CUS("screening", w_screening, r_screening),
  FLD(cg_decision, "tool_version", F_STR, tool_version),
  SUB(cg_decision, "workload", workload, &workload_desc),
};
const objdesc cgd_decision_desc = { decision_fields, NFIELDS(decision_fields),
                                    NULL, 0 };
