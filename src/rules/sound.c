/* sound.c -- decisions that are right whatever the unknown facts turn out
 * to be (docs/rule-language.md, "Unknown facts"). Three-valued evaluation
 * alone is not enough: a relief whose condition is unknown, a licence
 * that covers every possible classification, two rules whose unknown
 * conditions exclude each other. So when a condition is unknown, the
 * facts it read are completed, one at a time and only while a condition
 * stays unknown, with every value the pack can tell apart (domain.c),
 * and each completion is judged as if the data had said so. */
#include "rules/internal.h"

#include <stdlib.h>
#include <string.h>

#define BIT(id)        ((uint64_t)1 << (id))
#define DEFAULT_BUDGET 32768
#define MAX_VALUES     256 /* stand-ins per fact */

/* One completion on the way down: the facts fixed so far. */
typedef struct path {
  int fact[CG_F_COUNT];
  cg_value value[CG_F_COUNT];
  unsigned n;
} path;

typedef struct explorer {
  const cg_rules *pk;
  const cg_facts *given;
  const cg_rules_world *w;
  cg_rules_result *scratch;
  cg_error *err;
  unsigned budget, leaves;
  unsigned seen;             /* bit per outcome some completion gives */
  path witness[CG_OUT_NONE]; /* the first completion giving each outcome */
  uint64_t split;            /* facts completed on some path */
  uint64_t stuck;            /* unknown facts that could not be completed */
  int over;                  /* the budget ran out */
  int settled;               /* the decision is `hold` already */
  const char *cover_eccn[8]; /* licence answers per eccn, cached */
  int cover_ans[8];
  int ncover;
  int cover_null; /* answer for "unclassified", -1 = not asked yet */
  const cg_rules_country *countries; /* from the hook, once asked */
  size_t ncountries;
  int asked_countries;
} explorer;

/* Facts an unknown condition of res still depends on: what was missing
 * on every entry (relieved or not) whose condition stayed unknown. */
static uint64_t open_facts(const cg_rules_result *res, int *any)
{
  uint64_t m = 0;
  size_t i;

  *any = 0;
  for(i = 0; i < res->nfired; i++) {
    const cg_rules_fired *x = &res->fired[i];
    if(x->cond != CG_COND_UNKNOWN || x->decisive != 1)
      continue;
    *any = 1;
    m |= x->missing;
  }
  return m;
}

static int covers(explorer *x, const cg_rules_result *res)
{
  const char *eccn = res->eccn.kind == CG_V_STR ? res->eccn.u.str : NULL;
  int i, a;

  if(!x->w || !x->w->covers)
    return 0;
  if(!eccn && x->cover_null >= 0)
    return x->cover_null;
  for(i = 0; eccn && i < x->ncover; i++)
    if(x->cover_eccn[i] == eccn || strcmp(x->cover_eccn[i], eccn) == 0)
      return x->cover_ans[i];
  a = x->w->covers(x->w->ud, eccn, x->err);
  if(a < 0)
    return a;
  if(!eccn)
    x->cover_null = a;
  else if(x->ncover < 8) {
    x->cover_eccn[x->ncover] = eccn;
    x->cover_ans[x->ncover++] = a;
  }
  return a;
}

static int needs_license(const cg_rules_result *res)
{
  size_t i;

  for(i = 0; i < res->nfired; i++) {
    const cg_rules_fired *e = &res->fired[i];
    if(e->licensable && e->decisive == 1 && !e->relieved)
      return 1;
  }
  return 0;
}

/* The outcome of a result whose conditions are all decided, with a held
 * licence applied to its requirements. <0 on the hook's error. */
static int judge(explorer *x, cg_rules_result *res)
{
  size_t i;
  int c;

  if(!needs_license(res))
    return (int)res->outcome;
  c = covers(x, res);
  if(c <= 0)
    return c < 0 ? c : (int)res->outcome;
  for(i = 0; i < res->nfired; i++) {
    const cg_rules_fired *e = &res->fired[i];
    if(e->licensable && e->decisive == 1 && !e->relieved)
      cg_rules_result_mark_licensed(res, i);
  }
  return (int)cg_rules_result_recompute(res);
}

static void note(explorer *x, int outcome, const path *p)
{
  if(!(x->seen & (1u << outcome)))
    x->witness[outcome] = *p;
  x->seen |= 1u << outcome;
  /* One completion ships and another does not agree: the decision is
   * `hold` whatever the others give, so stop looking. */
  if(__builtin_popcount(x->seen) > 1 && (x->seen & ((1u << CG_OUT_HOLD) - 1)))
    x->settled = 1;
}

/* Lowest fact of mask still unknown on this path that can be completed;
 * -1 if none. */
static int pick(const explorer *x, const cg_facts *cur, uint64_t mask,
                uint64_t *stuck)
{
  while(mask) {
    int f = __builtin_ctzll(mask);
    mask &= mask - 1;
    if(cur->v[f].kind != CG_V_UNKNOWN || f == CG_F_ECCN)
      continue;
    if(x->pk->dom[f].unsplittable ||
       (cg_fact_kind(f) == CG_V_COUNTRY && (!x->w || !x->w->countries))) {
      *stuck |= BIT(f);
      continue;
    }
    return f;
  }
  return -1;
}

static int explore(explorer *x, cg_facts *cur, path *p)
{
  cg_value vals[MAX_VALUES];
  uint64_t open, stuck = 0;
  size_t n, i;
  int any, rc, f;

  if(x->leaves >= x->budget) {
    x->over = 1; /* too many completions: hold on what was being split */
    return CG_OK;
  }
  if(x->settled)
    return CG_OK;
  rc = cg_rules_eval_given(x->pk, x->given, cur, x->scratch, x->err);
  if(rc != CG_OK)
    return rc;
  if(x->scratch->truncated)
    return cg_error_set(x->err, CG_ENOMEM,
                        "rules: too many fired rules to decide soundly");
  open = open_facts(x->scratch, &any);
  if(x->scratch->eccn.kind == CG_V_UNKNOWN && x->w && x->w->covers &&
     needs_license(x->scratch)) {
    /* whether a licence covers it depends on the classification */
    open |= x->scratch->eccn_missing;
    any |= x->scratch->eccn_missing != 0;
  }
  f = any ? pick(x, cur, open, &stuck) : -1;
  if(f < 0) {
    x->leaves++;
    if(any) {
      /* an unknown that cannot be completed: this part may ship or not */
      x->stuck |= stuck ? stuck : open;
      return CG_OK;
    }
    rc = judge(x, x->scratch);
    if(rc < 0)
      return rc;
    note(x, rc, p);
    return CG_OK;
  }
  if(cg_fact_kind(f) == CG_V_COUNTRY && !x->asked_countries) {
    x->asked_countries = 1;
    rc = x->w->countries(x->w->ud, &x->countries, &x->ncountries, x->err);
    if(rc != CG_OK)
      return rc;
  }
  n = cg_domain_values(x->pk, f, x->countries, x->ncountries, vals,
                       MAX_VALUES);
  if(!n) {
    x->stuck |= BIT(f);
    x->leaves++;
    return CG_OK;
  }
  x->split |= BIT(f);
  p->fact[p->n] = f;
  p->n++;
  for(i = 0; i < n; i++) {
    cur->v[f] = vals[i];
    p->value[p->n - 1] = vals[i];
    rc = explore(x, cur, p);
    if(rc != CG_OK)
      break;
  }
  p->n--;
  memset(&cur->v[f], 0, sizeof(cur->v[f]));
  return rc;
}

static int ships(int o)
{
  return o < CG_OUT_HOLD;
}

static void add_alt(cg_rules_result *res, int o, const path *p)
{
  cg_rules_alt *a;
  unsigned j;

  if(res->nalts >= CG_RULES_MAX_ALTS)
    return;
  a = &res->alts[res->nalts++];
  a->outcome = (cg_outcome)o;
  a->nfacts = 0;
  for(j = 0; j < p->n && a->nfacts < CG_RULES_ALT_FACTS; j++) {
    a->fact[a->nfacts] = p->fact[j];
    a->value[a->nfacts++] = p->value[j];
  }
}

/* Every completion was licensed: so are the explaining result's
 * requirements. */
static void mark_licensed(cg_rules_result *res)
{
  size_t i;

  for(i = 0; i < res->nfired; i++) {
    const cg_rules_fired *e = &res->fired[i];
    if(e->licensable && e->decisive == 1 && !e->relieved)
      cg_rules_result_mark_licensed(res, i);
  }
}

/* The decision from the outcomes the completions gave. */
static void combine(explorer *x, cg_rules_result *res)
{
  int o, worst = CG_OUT_NLR, nseen = 0, any_ship = 0;

  for(o = 0; o < CG_OUT_NONE; o++)
    if(x->seen & (1u << o)) {
      nseen++;
      worst = o;
      any_ship |= ships(o);
    }
  res->uncertain = x->stuck != 0 || x->over;
  if(res->uncertain) {
    /* some completion was not judged: it could ship */
    res->outcome = CG_OUT_HOLD;
    res->missing = x->stuck | x->split;
  }
  else if(nseen == 1) {
    res->outcome = (cg_outcome)worst;
    res->missing = 0;
  }
  else if(any_ship) {
    res->outcome = CG_OUT_HOLD;
    res->missing = x->split;
  }
  else {
    res->outcome = (cg_outcome)worst;
    res->missing = 0;
  }
  for(o = 0; o < CG_OUT_NONE; o++)
    if((x->seen & (1u << o)) && (nseen > 1 || res->uncertain) &&
       o != (int)res->outcome)
      add_alt(res, o, &x->witness[o]);
}

int cg_rules_decide(const cg_rules *pack, const cg_facts *facts,
                    const cg_rules_world *world, cg_rules_result *res,
                    cg_error *err)
{
  explorer x;
  cg_facts cur;
  path p;
  int any, rc;

  rc = cg_rules_eval(pack, facts, res, err);
  if(rc != CG_OK)
    return rc;
  memset(&x, 0, sizeof(x));
  x.pk = pack;
  x.given = facts;
  x.w = world;
  x.err = err;
  x.cover_null = -1;
  x.budget = world && world->budget ? world->budget : DEFAULT_BUDGET;
  (void)open_facts(res, &any);
  if(res->eccn.kind == CG_V_UNKNOWN && world && world->covers &&
     needs_license(res))
    any |= res->eccn_missing != 0;
  if(!any) {
    rc = judge(&x, res);
    return rc < 0 ? rc : CG_OK;
  }
  x.scratch = malloc(sizeof(*x.scratch));
  if(!x.scratch)
    return cg_error_set(err, CG_ENOMEM, "rules: out of memory");
  cur = *facts;
  p.n = 0;
  rc = explore(&x, &cur, &p);
  res->completions = x.leaves;
  free(x.scratch);
  if(rc != CG_OK)
    return rc;
  combine(&x, res);
  if(res->outcome == CG_OUT_LICENSED)
    mark_licensed(res);
  return CG_OK;
}

void cg_rules_alt_describe(const cg_rules_result *res, const cg_rules_alt *a,
                           unsigned j, char *buf, size_t size)
{
  if(!size)
    return;
  buf[0] = '\0';
  if(j >= a->nfacts)
    return;
  cg_domain_describe(res->pack, a->fact[j], &a->value[j], buf, size);
}

size_t cg_rules_fact_values(const cg_rules *pack, int fact,
                            const cg_rules_country *countries,
                            size_t ncountries, cg_value *out, size_t cap)
{
  if(fact < 0 || fact >= CG_F_COUNT)
    return 0;
  return cg_domain_values(pack, fact, countries, ncountries, out, cap);
}
