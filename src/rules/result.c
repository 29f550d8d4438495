/* result.c -- what is done with a cg_rules_result after cg_rules_eval:
 * decide marks licensed entries and recomputes the outcome; reports
 * expand reason templates and name missing facts. Only reads the pack. */
#include "rules/internal.h"

#include "core/text.h"

#include <stdio.h>
#include <string.h>

int cg_rules_result_mark_licensed(cg_rules_result *res, size_t i)
{
  if(i >= res->nfired || !res->fired[i].licensable)
    return CG_EINVAL;
  res->fired[i].licensed = 1;
  return CG_OK;
}

cg_outcome cg_rules_result_recompute(cg_rules_result *res)
{
  cg_outcome best = CG_OUT_NLR;
  size_t i;

  res->missing = 0;
  for(i = 0; i < res->nfired; i++) {
    const cg_rules_fired *x = &res->fired[i];
    cg_outcome o = x->outcome;
    if(x->decisive != 1 || x->relieved || o == CG_OUT_NONE)
      continue;
    if(x->licensed && x->licensable)
      o = CG_OUT_LICENSED;
    else if(x->maybe_relieved && o > CG_OUT_HOLD)
      o = CG_OUT_HOLD;
    if(o == CG_OUT_HOLD && x->cond == CG_COND_UNKNOWN)
      res->missing |= x->missing;
    if(o > best)
      best = o;
  }
  res->outcome = best;
  return best;
}

void cg_rules_mask_names(uint64_t mask, char *buf, size_t size)
{
  size_t off = 0;

  if(!size)
    return;
  buf[0] = '\0';
  while(mask) {
    int id = __builtin_ctzll(mask);
    int k;
    mask &= mask - 1;
    k = snprintf(buf + off, size - off, "%s%s", off ? ", " : "",
                 cg_fact_name(id));
    if(k < 0 || (size_t)k >= size - off)
      return;
    off += (size_t)k;
  }
}

static const cg_value *trace_value(const cg_rules_result *res,
                                   const cg_rules_fired *x, int fact)
{
  unsigned i;

  for(i = 0; i < x->trace_len; i++)
    if(res->trace[x->trace_off + i].fact == fact)
      return &res->trace[x->trace_off + i].value;
  return &res->facts.v[fact];
}

void cg_rules_result_reason(const cg_rules_result *res, size_t i, char *buf,
                            size_t size)
{
  const cg_rules_fired *x;
  const cg_rule *r;
  const char *s;
  size_t off = 0;

  if(!size)
    return;
  buf[0] = '\0';
  if(i >= res->nfired)
    return;
  x = &res->fired[i];
  r = &res->pack->rules[x->rule];
  if(x->cond == CG_COND_UNKNOWN && x->action != CG_ACT_CLASSIFY) {
    char names[300];
    cg_rules_mask_names(x->missing, names, sizeof(names));
    snprintf(buf, size, "cannot decide %s: unknown %s", r->id, names);
    return;
  }
  for(s = r->reason; *s && off + 1 < size;) {
    const char *close = *s == '{' ? strchr(s, '}') : NULL;
    if(close) {
      char name[64], val[200];
      size_t n = (size_t)(close - s - 1);
      int id, k;
      const cg_value *v;
      if(n >= sizeof(name))
        n = sizeof(name) - 1;
      memcpy(name, s + 1, n);
      name[n] = '\0';
      id = cg_fact_id(name);
      v = id >= 0 ? trace_value(res, x, id) : NULL;
      if(v && v->kind == CG_V_STR) {
        snprintf(val, sizeof(val), "%s", v->u.str);
        cg_text_cut(val); /* a long name cut mid-character */
      }
      else if(v)
        cg_value_format(v, val, sizeof(val));
      else
        snprintf(val, sizeof(val), "?");
      k = snprintf(buf + off, size - off, "%s", val);
      if(k < 0 || (size_t)k >= size - off) {
        off = size - 1;
        break;
      }
      off += (size_t)k;
      s = close + 1;
      continue;
    }
    buf[off++] = *s++;
  }
  buf[off] = '\0';
  cg_text_cut(buf); /* the reason may be cut at size */
}
