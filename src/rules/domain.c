/* domain.c -- the finite stand-ins for every value a fact could take, as
 * far as the pack can tell them apart (docs/rule-language.md, "Unknown
 * facts"). Built once at load from the pack's own comparisons: a number
 * or date is only ever compared with literals, so the points between and
 * on the literals are all the pack can see; a string is a literal it
 * names or a value that matches some subset of its regexes; a country is
 * a class of the caller's real countries (a named code, or the groups
 * the pack reads). sound.c completes unknown facts from these values. */
#include "rules/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PTS    64 /* thresholds per number/date fact */
#define MAX_STRS   32 /* literals per string fact */
#define MAX_CODES  48 /* codes named per country fact */
#define MAX_RES    4  /* regexes per string fact that can be completed */
#define ABS_PREFIX "\001"

static int add_pt(cg_domain *d, double v)
{
  size_t i;
  double *p;

  for(i = 0; i < d->npts; i++)
    if(d->pts[i] == v)
      return CG_OK;
  if(d->npts >= MAX_PTS) {
    d->unsplittable = 1;
    return CG_OK;
  }
  p = realloc(d->pts, (d->npts + 1) * sizeof(*p));
  if(!p)
    return CG_ENOMEM;
  d->pts = p;
  d->pts[d->npts++] = v;
  return CG_OK;
}

static int add_str(const char ***v, size_t *n, size_t max, const char *s,
                   int *overflow)
{
  size_t i;
  const char **p;

  for(i = 0; i < *n; i++)
    if(strcmp((*v)[i], s) == 0)
      return CG_OK;
  if(*n >= max) {
    *overflow = 1;
    return CG_OK;
  }
  p = realloc(*v, (*n + 1) * sizeof(*p));
  if(!p)
    return CG_ENOMEM;
  *v = p;
  (*v)[(*n)++] = s;
  return CG_OK;
}

/* First day of calendar year y as a day number. */
static double year_start(double y)
{
  char buf[16];
  int32_t d = 0;

  if(y < 1 || y > 9998)
    return 0;
  snprintf(buf, sizeof(buf), "%04d-01-01", (int)y);
  (void)cg_date_parse(buf, &d, NULL);
  return d;
}

/* A literal seen against fact f (directly or through year()). */
static int note_lit(cg_rules *pk, int f, int via_year, const cg_value *v)
{
  cg_domain *d = &pk->dom[f];
  int rc = CG_OK;

  switch((cg_kind)v->kind) {
  case CG_V_NUM:
    if(via_year) {
      rc = add_pt(d, year_start(v->u.num));
      if(rc == CG_OK)
        rc = add_pt(d, year_start(v->u.num + 1));
    }
    else
      rc = add_pt(d, v->u.num);
    break;
  case CG_V_DATE:
    rc = add_pt(d, v->u.date);
    break;
  case CG_V_STR:
    if(cg_fact_kind(f) == CG_V_COUNTRY)
      rc = add_str(&d->codes, &d->ncodes, MAX_CODES, v->u.str,
                   &d->unsplittable);
    else
      rc = add_str(&d->strs, &d->nstrs, MAX_STRS, v->u.str, &d->unsplittable);
    break;
  default:
    break;
  }
  return rc;
}

/* The fact read by operand node i (a fact, or year(fact)); -1 if none. */
static int operand_fact(const cg_rules *pk, int i, int *via_year)
{
  const cg_node *n = &pk->nodes[i];

  *via_year = 0;
  if(n->kind == N_FACT)
    return n->fact;
  if(n->kind == N_YEAR && pk->nodes[n->a].kind == N_FACT) {
    *via_year = 1;
    return pk->nodes[n->a].fact;
  }
  return -1;
}

static int note_cmp(cg_rules *pk, const cg_node *n)
{
  int ya, yb;
  int fa = operand_fact(pk, n->a, &ya), fb = operand_fact(pk, n->b, &yb);
  const cg_node *na = &pk->nodes[n->a], *nb = &pk->nodes[n->b];

  if(fa >= 0 && fb >= 0) {
    /* two facts compared: their classes depend on each other */
    pk->dom[fa].unsplittable = pk->dom[fb].unsplittable = 1;
    return CG_OK;
  }
  if(fa >= 0 && nb->kind == N_LIT)
    return note_lit(pk, fa, ya, &nb->lit);
  if(fb >= 0 && na->kind == N_LIT)
    return note_lit(pk, fb, yb, &na->lit);
  if(fa >= 0)
    pk->dom[fa].unsplittable = 1; /* compared with an expression */
  if(fb >= 0)
    pk->dom[fb].unsplittable = 1;
  return CG_OK;
}

static int note_in(cg_rules *pk, const cg_node *n)
{
  int y, f = operand_fact(pk, n->a, &y);
  const cg_node *list = &pk->nodes[n->b];
  size_t i;
  int rc = CG_OK;

  for(i = 0; f >= 0 && i < list->nitems && rc == CG_OK; i++)
    rc = note_lit(pk, f, y, &pk->nodes[list->items[i]].lit);
  return rc;
}

/* A regex on a string fact: deduplicated by text and flags. */
static void note_match(cg_rules *pk, cg_node *n)
{
  int y, f = operand_fact(pk, n->a, &y);
  cg_domain *d;
  size_t i;

  n->re_index = -1;
  if(f < 0)
    return;
  d = &pk->dom[f];
  for(i = 0; i < d->nres; i++) {
    const cg_node *o = &pk->nodes[d->res[i]];
    if(strcmp(o->str, n->str) == 0 && o->regex_flags == n->regex_flags) {
      n->re_index = (int)i;
      return;
    }
  }
  if(d->nres >= MAX_RES) {
    d->unsplittable = 1;
    return;
  }
  d->res[d->nres] = (int)(n - pk->nodes);
  n->re_index = (int)d->nres++;
}

/* Labels of the abstract strings: "\1" + which regexes it matches. */
static int abstract_labels(cg_rules *pk, cg_domain *d)
{
  size_t s, i, n = (size_t)1 << d->nres;

  d->abs = calloc(n, sizeof(*d->abs));
  if(!d->abs)
    return CG_ENOMEM;
  d->nabs = n;
  for(s = 0; s < n; s++) {
    char buf[600];
    size_t off = (size_t)snprintf(buf, sizeof(buf), "%sanother value%s",
                                  ABS_PREFIX, d->nres ? "" : " (none named)");
    for(i = 0; i < d->nres && off < sizeof(buf); i++) {
      const cg_node *re = &pk->nodes[d->res[i]];
      off += (size_t)snprintf(
          buf + off, sizeof(buf) - off, "%s %smatching /%s/%s", i ? "," : "",
          (s >> i) & 1 ? "" : "not ", re->str,
          re->regex_flags & CG_PATTERN_CASELESS ? "i" : "");
    }
    d->abs[s] = strdup(buf);
    if(!d->abs[s])
      return CG_ENOMEM;
  }
  return CG_OK;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

int cg_domain_build(cg_rules *pk)
{
  size_t i;
  int rc = CG_OK, f;

  for(i = 0; i < pk->nnodes && rc == CG_OK; i++) {
    cg_node *n = &pk->nodes[i];
    if(n->kind == N_CMP)
      rc = note_cmp(pk, n);
    else if(n->kind == N_IN)
      rc = note_in(pk, n);
    else if(n->kind == N_MATCH)
      note_match(pk, n);
    else if(n->kind == N_GROUP)
      pk->used_groups |= n->groups;
  }
  /* a rule's window compares the order date with its bounds */
  for(i = 0; i < pk->nrules && rc == CG_OK; i++) {
    const cg_rule *r = &pk->rules[i];
    if(r->effective != INT32_MIN)
      rc = add_pt(&pk->dom[CG_F_ORDER_DATE], r->effective);
    if(rc == CG_OK && r->expires != INT32_MAX)
      rc = add_pt(&pk->dom[CG_F_ORDER_DATE], r->expires);
  }
  for(f = 0; f < CG_F_COUNT && rc == CG_OK; f++) {
    cg_domain *d = &pk->dom[f];
    if(d->npts)
      qsort(d->pts, d->npts, sizeof(*d->pts), cmp_double);
    if(cg_fact_kind(f) == CG_V_STR)
      rc = abstract_labels(pk, d);
  }
  /* eccn is what classification makes of the other facts */
  pk->dom[CG_F_ECCN].unsplittable = 1;
  return rc;
}

void cg_domain_free(cg_rules *pk)
{
  int f;
  size_t i;

  for(f = 0; f < CG_F_COUNT; f++) {
    cg_domain *d = &pk->dom[f];
    free(d->pts);
    free(d->strs);
    free(d->codes);
    for(i = 0; i < d->nabs; i++)
      free(d->abs[i]);
    free(d->abs);
  }
}

int cg_domain_abstract(const cg_rules *pk, int fact, const char *s)
{
  const cg_domain *d = &pk->dom[fact];
  size_t i;

  if(s[0] != ABS_PREFIX[0])
    return -1;
  for(i = 0; i < d->nabs; i++)
    if(d->abs[i] == s)
      return (int)i;
  return -1;
}

/* Points of an ordered domain: below, on and between the thresholds, and
 * above. Integers (dates) get a between point only where there is room. */
static size_t ordered_values(const cg_domain *d, int is_date, double *out,
                             size_t cap)
{
  size_t i, n = 0;
  double step = 1;

  if(!d->npts) {
    if(cap)
      out[n++] = 0;
    return n;
  }
  if(!is_date)
    step = fabs(d->pts[0]) > 2 ? fabs(d->pts[0]) / 2 : 1;
  if(n < cap)
    out[n++] = d->pts[0] - step;
  for(i = 0; i < d->npts && n < cap; i++) {
    out[n++] = d->pts[i];
    if(i + 1 < d->npts && n < cap) {
      double a = d->pts[i], b = d->pts[i + 1];
      if(!is_date)
        out[n++] = a + (b - a) / 2;
      else if(b - a >= 2)
        out[n++] = a + floor((b - a) / 2);
    }
  }
  if(n < cap)
    out[n++] = d->pts[d->npts - 1] + (is_date ? 1 : step);
  return n;
}

/* Country classes: a code the pack names for this fact is its own class;
 * any other country is told apart only by the groups the pack reads. */
static size_t country_values(const cg_rules *pk, const cg_domain *d,
                             const cg_rules_country *cs, size_t ncs,
                             cg_value *out, size_t cap)
{
  size_t i, j, n = 0;

  for(i = 0; cs && i < ncs && n < cap; i++) {
    const cg_rules_country *c = &cs[i];
    unsigned key = c->groups & pk->used_groups;
    int named = 0, dup = 0;
    for(j = 0; j < d->ncodes && !named; j++)
      named = strcmp(d->codes[j], c->code) == 0;
    for(j = 0; j < n && !dup; j++) {
      int other_named = 0;
      size_t k;
      for(k = 0; k < d->ncodes && !other_named; k++)
        other_named = strcmp(d->codes[k], out[j].u.country.code) == 0;
      if(named || other_named)
        dup = strcmp(out[j].u.country.code, c->code) == 0;
      else
        dup = (out[j].u.country.groups & pk->used_groups) == key;
    }
    if(dup)
      continue;
    memset(&out[n], 0, sizeof(out[n]));
    out[n].kind = CG_V_COUNTRY;
    memcpy(out[n].u.country.code, c->code, 3);
    out[n].u.country.groups = (uint16_t)c->groups;
    n++;
  }
  return n;
}

size_t cg_domain_values(const cg_rules *pk, int fact,
                        const cg_rules_country *countries, size_t ncountries,
                        cg_value *out, size_t cap)
{
  const cg_domain *d = &pk->dom[fact];
  double pts[2 * MAX_PTS + 2];
  size_t i, n = 0, np;

  if(d->unsplittable || fact < 0 || fact >= CG_F_COUNT)
    return 0;
  switch(cg_fact_kind(fact)) {
  case CG_V_BOOL:
    for(i = 0; i < 2 && n < cap; i++, n++) {
      out[n].kind = CG_V_BOOL;
      out[n].u.b = (int)i;
    }
    break;
  case CG_V_NUM:
  case CG_V_DATE:
    np = ordered_values(d, cg_fact_kind(fact) == CG_V_DATE, pts,
                        sizeof(pts) / sizeof(pts[0]));
    for(i = 0; i < np && n < cap; i++, n++) {
      memset(&out[n], 0, sizeof(out[n]));
      out[n].kind = (uint8_t)cg_fact_kind(fact);
      if(out[n].kind == CG_V_NUM)
        out[n].u.num = pts[i];
      else
        out[n].u.date = (int32_t)pts[i];
    }
    break;
  case CG_V_STR:
    for(i = 0; i < d->nstrs && n < cap; i++, n++) {
      out[n].kind = CG_V_STR;
      out[n].u.str = d->strs[i];
    }
    for(i = 0; i < d->nabs && n < cap; i++, n++) {
      out[n].kind = CG_V_STR;
      out[n].u.str = d->abs[i];
    }
    break;
  case CG_V_COUNTRY:
    n = country_values(pk, d, countries, ncountries, out, cap);
    break;
  case CG_V_UNKNOWN:
    break;
  }
  return n;
}

void cg_domain_describe(const cg_rules *pk, int fact, const cg_value *v,
                        char *buf, size_t size)
{
  const char *name = cg_fact_name(fact);
  char val[128];

  if(v->kind == CG_V_STR && cg_domain_abstract(pk, fact, v->u.str) >= 0) {
    snprintf(buf, size, "%s is %s", name, v->u.str + 1);
    return;
  }
  cg_value_format(v, val, sizeof(val));
  if(v->kind == CG_V_COUNTRY) {
    const cg_domain *d = &pk->dom[fact];
    size_t i;
    int named = 0;
    for(i = 0; i < d->ncodes && !named; i++)
      named = strcmp(d->codes[i], v->u.country.code) == 0;
    if(!named) {
      char groups[96] = "";
      size_t off = 0;
      int b;
      for(b = 0; b < CG_GROUP_COUNT; b++)
        if(pk->used_groups & v->u.country.groups & (1u << b))
          off += (size_t)snprintf(groups + off, sizeof(groups) - off, "%s%s",
                                  off ? "," : "", cg_group_name(b));
      snprintf(buf, size, "%s is a country in %s (e.g. %s)", name,
               off ? groups : "none of the groups the rules read", val);
      return;
    }
  }
  if(v->kind == CG_V_NUM || v->kind == CG_V_DATE) {
    const cg_domain *d = &pk->dom[fact];
    double x = v->kind == CG_V_NUM ? v->u.num : v->u.date;
    size_t i;
    for(i = 0; i < d->npts; i++)
      if(d->pts[i] >= x)
        break;
    if(i < d->npts && d->pts[i] == x)
      snprintf(buf, size, "%s = %s", name, val);
    else {
      char lo[64] = "", hi[64] = "";
      cg_value t = *v;
      if(i > 0) {
        if(t.kind == CG_V_NUM)
          t.u.num = d->pts[i - 1];
        else
          t.u.date = (int32_t)d->pts[i - 1];
        cg_value_format(&t, lo, sizeof(lo));
      }
      if(i < d->npts) {
        if(t.kind == CG_V_NUM)
          t.u.num = d->pts[i];
        else
          t.u.date = (int32_t)d->pts[i];
        cg_value_format(&t, hi, sizeof(hi));
      }
      if(lo[0] && hi[0])
        snprintf(buf, size, "%s < %s < %s", lo, name, hi);
      else if(lo[0])
        snprintf(buf, size, "%s > %s", name, lo);
      else
        snprintf(buf, size, "%s < %s", name, hi);
    }
    return;
  }
  snprintf(buf, size, "%s = %s", name, val);
}
