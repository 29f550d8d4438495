/* eval.c -- evaluates a compiled pack for one order with three-valued
 * (Kleene) logic. Nothing is allocated: the working copy of the facts,
 * the fired entries and their traces all live in the caller's
 * cg_rules_result; the pack is only read. What is done with a result
 * afterwards (licences, outcome, reasons) is in result.c. */
#include "rules/internal.h"

#include <string.h>

enum { F = 0, T = 1, U = 2, SKIP = 3 };

#define BIT(id) ((uint64_t)1 << (id))

typedef struct ev {
  const cg_rules *pk;
  cg_facts *f;                /* the result's working copy */
  uint64_t filled;            /* facts known only by completion: known()
                                 is false for them (docs: "known") */
  uint64_t read;              /* facts read by the current rule */
  uint64_t unk;               /* unknown facts (and their causes) */
  uint64_t derived;           /* facts made unknown by classification */
  uint64_t cause[CG_F_COUNT]; /* for derived facts: why they are unknown */
  const char *cand[64];       /* eccn values still possible when the */
  int ncand;                  /* classification is unknown */
  int cand_open;              /* 1: "no classification" also possible */
  int eccn_interned;          /* eccn was set by a classify rule */
  uint64_t memo_valid;        /* bit per definition evaluated this phase */
  uint8_t memo_val[CG_RULES_MAX_DEFS];
  uint64_t memo_read[CG_RULES_MAX_DEFS], memo_unk[CG_RULES_MAX_DEFS];
  cg_error *err;
  int failed; /* a regex match error */
} ev;

static cg_value vbool(int t)
{
  cg_value v;

  v.kind = t == U ? CG_V_UNKNOWN : CG_V_BOOL;
  v.u.b = t == T;
  return v;
}

static int tri(const cg_value *v)
{
  if(v->kind != CG_V_BOOL)
    return U;
  return v->u.b ? T : F;
}

static const char *as_code(const cg_value *v)
{
  return v->kind == CG_V_COUNTRY ? v->u.country.code : v->u.str;
}

/* Three-way compare of two known values of compatible kinds. */
static int vcmp(const cg_value *a, const cg_value *b)
{
  switch((cg_kind)a->kind) {
  case CG_V_NUM:
    return a->u.num < b->u.num ? -1 : a->u.num > b->u.num;
  case CG_V_DATE:
    return a->u.date < b->u.date ? -1 : a->u.date > b->u.date;
  case CG_V_BOOL:
    return a->u.b - b->u.b;
  case CG_V_STR:
  case CG_V_COUNTRY: {
    const char *x = as_code(a), *y = as_code(b);
    return x == y ? 0 : strcmp(x, y);
  }
  case CG_V_UNKNOWN:
    break;
  }
  return 0;
}

static int ebool(ev *e, int idx);

/* Reads a fact, recording it (and why it is unknown) for the trace. */
static inline cg_value readf(ev *e, int fact)
{
  cg_value a = e->f->v[fact];

  e->read |= BIT(fact);
  if(a.kind == CG_V_UNKNOWN) {
    e->unk |= BIT(fact);
    if(e->derived & BIT(fact))
      e->unk |= e->cause[fact];
  }
  return a;
}

/* Value of a value-typed node: fact, literal or year(). */
static cg_value evalue(ev *e, int idx)
{
  const cg_node *n = &e->pk->nodes[idx];
  cg_value a;

  if(n->kind == N_FACT)
    return readf(e, n->fact);
  if(n->kind == N_YEAR) {
    a = evalue(e, n->a);
    if(a.kind == CG_V_UNKNOWN)
      return a;
    a.kind = CG_V_NUM;
    a.u.num = cg_date_year(a.u.date);
    return a;
  }
  if(n->kind == N_LIT)
    return n->lit;
  /* a boolean expression used as a value (e.g. `x == (a and b)`) */
  return vbool(ebool(e, idx));
}

/* Operand of a comparison: facts and literals without a call. */
static inline cg_value opnd(ev *e, int idx)
{
  const cg_node *n = &e->pk->nodes[idx];

  if(n->kind == N_FACT)
    return readf(e, n->fact);
  if(n->kind == N_LIT)
    return n->lit;
  return evalue(e, idx);
}

/* Equality of a known value with a literal node's value. */
static inline int eq_lit(const ev *e, const cg_value *a, const cg_node *lit)
{
  if(a->kind == CG_V_STR && lit->interned && e->eccn_interned &&
     a->u.str == e->f->v[CG_F_ECCN].u.str)
    return a->u.str == lit->lit.u.str; /* both interned: pointers */
  return vcmp(a, &lit->lit) == 0;
}

/* `eccn == X` / `eccn in [...]` while eccn is unknown but known to be one
 * of a few candidates: true (false) if true (false) for every candidate.
 * Returns -1 when this does not apply. */
static int eccn_multi(ev *e, const cg_node *n)
{
  const cg_node *fa = &e->pk->nodes[n->a];
  int all_t = 1, all_f = 1, i;
  cg_value b = { 0 };

  if(fa->kind != N_FACT || fa->fact != CG_F_ECCN ||
     e->f->v[CG_F_ECCN].kind != CG_V_UNKNOWN || !e->ncand || e->cand_open)
    return -1;
  (void)readf(e, CG_F_ECCN); /* bookkeeping: read, unknown, causes */
  if(n->kind == N_CMP) {
    b = evalue(e, n->b);
    if(b.kind == CG_V_UNKNOWN)
      return U;
  }
  for(i = 0; i < e->ncand; i++) {
    cg_value a;
    int t = 0;
    a.kind = CG_V_STR;
    a.u.str = e->cand[i];
    if(n->kind == N_CMP) {
      int c = vcmp(&a, &b);
      t = n->op == T_EQ ? c == 0 : n->op == T_NE ? c != 0 : -1;
      if(t < 0)
        return U; /* ordering strings is not a thing */
    }
    else {
      const cg_node *list = &e->pk->nodes[n->b];
      size_t k;
      for(k = 0; k < list->nitems && !t; k++)
        t = vcmp(&a, &e->pk->nodes[list->items[k]].lit) == 0;
    }
    if(t)
      all_f = 0;
    else
      all_t = 0;
  }
  return all_t ? T : all_f ? F : U;
}

/* Substring search for plain ASCII literal patterns: 1 found, 0 not,
 * -1 when the subject has non-ASCII bytes (PCRE2's Unicode case folding
 * could differ: let PCRE2 decide). */
static int literal_find(const char *s, const char *lit, int caseless)
{
  const unsigned char *p;
  size_t n = strlen(lit);

  for(p = (const unsigned char *)s; *p; p++) {
    size_t k;
    if(*p >= 0x80)
      return -1;
    for(k = 0; k < n; k++) {
      unsigned char c = p[k];
      if(c >= 0x80)
        return -1;
      if(caseless && c >= 'A' && c <= 'Z')
        c = (unsigned char)(c + 32);
      if(c != (unsigned char)lit[k])
        break;
    }
    if(k == n)
      return 1;
  }
  return n == 0;
}

/* a op b (N_CMP). */
static inline int ecmp(ev *e, const cg_node *n)
{
  cg_value a, b;
  int c;

  a = opnd(e, n->a);
  if(a.kind == CG_V_UNKNOWN) {
    c = eccn_multi(e, n);
    if(c >= 0)
      return c;
    (void)opnd(e, n->b); /* trace the other side too */
    return U;
  }
  if(n->op == T_EQ || n->op == T_NE) {
    const cg_node *nb = &e->pk->nodes[n->b];
    if(nb->kind == N_LIT)
      c = eq_lit(e, &a, nb);
    else {
      b = opnd(e, n->b);
      if(b.kind == CG_V_UNKNOWN)
        return U;
      c = vcmp(&a, &b) == 0;
    }
    return (n->op == T_EQ) == c ? T : F;
  }
  b = opnd(e, n->b);
  if(b.kind == CG_V_UNKNOWN)
    return U;
  c = vcmp(&a, &b);
  switch(n->op) {
  case T_LT:
    return c < 0 ? T : F;
  case T_LE:
    return c <= 0 ? T : F;
  case T_GT:
    return c > 0 ? T : F;
  default:
    return c >= 0 ? T : F;
  }
}

/* a in [literals] (N_IN). */
static inline int ein(ev *e, const cg_node *n)
{
  const cg_node *list = &e->pk->nodes[n->b];
  cg_value a = opnd(e, n->a);
  size_t i;
  int c;

  if(a.kind == CG_V_UNKNOWN) {
    c = eccn_multi(e, n);
    return c >= 0 ? c : U;
  }
  for(i = 0; i < list->nitems; i++)
    if(eq_lit(e, &a, &e->pk->nodes[list->items[i]]))
      return T;
  return F;
}

/* a matches /re/ (N_MATCH): the literal fast path when it applies, else
 * PCRE2. A match error makes the condition unknown and fails the
 * evaluation (e->failed). */
static inline int ematch(ev *e, const cg_node *n)
{
  cg_value a = opnd(e, n->a);
  int rc;

  if(a.kind == CG_V_UNKNOWN)
    return U;
  if(a.u.str[0] == '\001' && n->re_index >= 0) {
    /* a completion's stand-in: matches the regexes of its index bits */
    int bits = cg_domain_abstract(e->pk, e->pk->nodes[n->a].fact, a.u.str);
    if(bits >= 0)
      return (bits >> n->re_index) & 1 ? T : F;
  }
  if(n->literal) {
    rc = literal_find(a.u.str, n->literal,
                      n->regex_flags & CG_PATTERN_CASELESS);
    if(rc >= 0)
      return rc ? T : F;
  }
  rc = cg_pattern_match(n->re, a.u.str, strlen(a.u.str), e->err);
  if(rc < 0) {
    e->failed = rc;
    return U;
  }
  return rc ? T : F;
}

/* n-ary and/or: stop at the first false (and) / true (or); otherwise
 * unknown if any operand was unknown. */
static inline int ejunction(ev *e, const cg_node *n)
{
  int stop = n->kind == N_AND ? F : T;
  int any_u = 0;
  size_t i;

  for(i = 0; i < n->nkids; i++) {
    int t = ebool(e, n->kids[i]);
    if(t == stop)
      return stop;
    any_u |= t == U;
  }
  return any_u ? U : stop == F ? T : F;
}

/* A definition (N_REF): evaluated once per phase, then its value and
 * the facts it read are replayed into the current rule's trace. */
static inline int eref(ev *e, const cg_node *n)
{
  int d = n->fact;
  uint64_t read = e->read, unk = e->unk;
  int c;

  if(e->memo_valid & BIT(d)) {
    e->read |= e->memo_read[d];
    e->unk |= e->memo_unk[d];
    return e->memo_val[d];
  }
  e->read = e->unk = 0;
  c = ebool(e, e->pk->defs[d].node);
  e->memo_val[d] = (uint8_t)c;
  e->memo_read[d] = e->read;
  e->memo_unk[d] = e->unk;
  e->memo_valid |= BIT(d);
  e->read |= read;
  e->unk |= unk;
  return c;
}

/* Truth value (F, T, U) of a boolean node. */
static int ebool(ev *e, int idx)
{
  const cg_node *n = &e->pk->nodes[idx];
  cg_value a;
  int c;

  switch(n->kind) {
  case N_FACT:
    a = readf(e, n->fact);
    return tri(&a);
  case N_LIT:
    return tri(&n->lit);
  case N_KNOWN:
    e->read |= BIT(n->fact);
    return e->f->v[n->fact].kind != CG_V_UNKNOWN && !(e->filled & BIT(n->fact))
               ? T
               : F;
  case N_CMP:
    return ecmp(e, n);
  case N_IN:
    return ein(e, n);
  case N_GROUP:
    a = opnd(e, n->a);
    if(a.kind == CG_V_UNKNOWN)
      return U;
    return (a.u.country.groups & n->groups) ? T : F;
  case N_MATCH:
    return ematch(e, n);
  case N_AND:
  case N_OR:
    return ejunction(e, n);
  case N_NOT:
    c = ebool(e, n->a);
    return c == U ? U : c == T ? F : T;
  case N_REF:
    return eref(e, n);
  case N_YEAR:
  case N_LIST:
    break;
  }
  return U;
}

/* Condition of rule r: F, T, U, or SKIP when outside its date window. */
static int rule_cond(ev *e, const cg_rule *r)
{
  int window = T;
  int c;

  e->read = 0;
  e->unk = 0;
  if(r->effective != INT32_MIN || r->expires != INT32_MAX) {
    const cg_value *d = &e->f->v[CG_F_ORDER_DATE];
    e->read |= BIT(CG_F_ORDER_DATE);
    if(d->kind != CG_V_DATE) {
      window = U;
      e->unk |= BIT(CG_F_ORDER_DATE);
    }
    else if(d->u.date < r->effective || d->u.date > r->expires)
      return SKIP;
  }
  c = ebool(e, r->cond);
  if(window == U && c != F)
    return U;
  return c;
}

static cg_outcome action_outcome(cg_action a)
{
  switch(a) {
  case CG_ACT_NLR:
    return CG_OUT_NLR;
  case CG_ACT_EXCEPTION:
    return CG_OUT_EXCEPTION;
  case CG_ACT_NOTIFY:
    return CG_OUT_NOTIFY;
  case CG_ACT_HOLD:
    return CG_OUT_HOLD;
  case CG_ACT_REQUIRE_LICENSE:
    return CG_OUT_LICENSE_REQUIRED;
  case CG_ACT_DENY:
    return CG_OUT_DENY;
  case CG_ACT_CLASSIFY:
  case CG_ACT_FLAG:
    break;
  }
  return CG_OUT_NONE;
}

/* Records an entry for rule ri; returns its index or -1 when full. */
static int add_entry(ev *e, cg_rules_result *res, int ri, int cond)
{
  const cg_rule *r = &e->pk->rules[ri];
  cg_rules_fired *x;
  uint64_t m = e->read | r->reason_facts;

  if(res->nfired >= CG_RULES_MAX_FIRED) {
    res->truncated = 1;
    return -1;
  }
  x = &res->fired[res->nfired];
  x->rule = ri;
  x->id = r->id;
  x->title = r->title ? r->title : "";
  x->cite = r->cite;
  x->action = r->action;
  x->cond = cond;
  x->decisive = 1;
  x->relieved = 0;
  x->relieved_by = -1;
  x->maybe_relieved = 0;
  x->licensed = 0;
  x->missing = cond == U ? e->unk : 0;
  if(cond == U && r->action != CG_ACT_CLASSIFY && r->action != CG_ACT_FLAG) {
    x->outcome = CG_OUT_HOLD;
    x->licensable = 0;
  }
  else {
    x->outcome = action_outcome(r->action);
    x->licensable = r->licensable;
  }
  x->trace_off = res->ntrace;
  while(m) {
    int id = __builtin_ctzll(m);
    m &= m - 1;
    if(res->ntrace >= CG_RULES_MAX_TRACE) {
      res->truncated = 1;
      break;
    }
    res->trace[res->ntrace].fact = id;
    res->trace[res->ntrace].value = e->f->v[id];
    res->ntrace++;
  }
  x->trace_len = res->ntrace - x->trace_off;
  return (int)res->nfired++;
}

static int same_value(const cg_value *a, const cg_value *b)
{
  if(a->kind != b->kind)
    return 0;
  if(a->kind == CG_V_UNKNOWN)
    return 1;
  return vcmp(a, b) == 0;
}

/* Sets of a pending (unknown) classify rule: where the final value may
 * differ, the fact becomes unknown, caused by `why`. */
static void blur_sets(ev *e, const cg_rule *r, uint64_t why)
{
  size_t i;

  for(i = 0; i < r->nsets; i++) {
    const cg_set *s = &r->sets[i];
    const cg_value *lit = &e->pk->nodes[s->node].lit;
    cg_value *cur = &e->f->v[s->fact];
    if(same_value(cur, lit))
      continue;
    memset(cur, 0, sizeof(*cur));
    e->derived |= BIT(s->fact);
    e->cause[s->fact] = why;
  }
}

static void apply_sets(ev *e, const cg_rule *r)
{
  size_t i;

  for(i = 0; i < r->nsets; i++) {
    const cg_set *s = &r->sets[i];
    e->f->v[s->fact] = e->pk->nodes[s->node].lit;
    e->derived &= ~BIT(s->fact);
    e->filled &= ~BIT(s->fact);
  }
}

static void add_cand(ev *e, const char *v)
{
  int i;

  for(i = 0; i < e->ncand; i++)
    if(strcmp(e->cand[i], v) == 0)
      return;
  if(e->ncand < (int)(sizeof(e->cand) / sizeof(e->cand[0])))
    e->cand[e->ncand++] = v;
  else
    e->cand_open = 1;
}

/* Phase 1: classification. First definitive rule wins; a rule whose
 * condition is unknown is a pending candidate: a later true rule only
 * decides eccn if every pending candidate would have given the same. */
static void classify(ev *e, cg_rules_result *res)
{
  const cg_rules *pk = e->pk;
  int pend[64];
  size_t npend = 0, k, i;
  uint64_t why = 0;
  int decided = 0, stopped = 0;

  res->eccn_entry = -1;
  e->ncand = 0;
  e->cand_open = 0;
  if(e->f->v[CG_F_ECCN].kind != CG_V_UNKNOWN)
    return; /* preset by decide */
  for(k = 0; k < pk->nclassify && !decided; k++) {
    int ri = pk->classify[k];
    const cg_rule *r = &pk->rules[ri];
    int c = rule_cond(e, r);
    int ent;
    if(c == F || c == SKIP)
      continue;
    ent = add_entry(e, res, ri, c);
    if(c == U) {
      if(ent >= 0)
        res->fired[ent].decisive = 0;
      why |= e->unk;
      if(npend < sizeof(pend) / sizeof(pend[0]))
        pend[npend++] = ri;
      else
        e->cand_open = 1;
      continue;
    }
    stopped = 1;
    decided = 1;
    for(i = 0; i < npend; i++)
      if(pk->rules[pend[i]].eccn != r->eccn)
        decided = 0;
    if(!decided) {
      if(ent >= 0)
        res->fired[ent].decisive = 0;
      break;
    }
    e->f->v[CG_F_ECCN].kind = CG_V_STR;
    e->f->v[CG_F_ECCN].u.str = r->eccn;
    e->eccn_interned = 1;
    apply_sets(e, r);
    res->eccn_entry = ent;
  }
  for(i = 0; i < npend; i++)
    blur_sets(e, &pk->rules[pend[i]], why);
  if(stopped && !decided) /* true, but undecided: its sets may apply */
    blur_sets(e, &pk->rules[pk->classify[k]], why);
  if(e->f->v[CG_F_ECCN].kind == CG_V_UNKNOWN) {
    /* what it could be: the pending candidates, and the rule that
     * stopped the chain (else "unclassified" is possible too) */
    for(i = 0; i < npend; i++)
      add_cand(e, pk->rules[pend[i]].eccn);
    if(stopped)
      add_cand(e, pk->rules[pk->classify[k]].eccn);
    else
      e->cand_open = 1;
    e->derived |= BIT(CG_F_ECCN);
    e->cause[CG_F_ECCN] = why;
    res->eccn_missing = why;
  }
}

/* relieve: 0 count only, 1 relieve, 2 mark maybe-relieved */
static int entry_targets(const cg_rules_result *res, const cg_rule *r,
                         size_t self, int relieve)
{
  size_t i, j;
  int hit = 0;

  for(i = 0; i < res->nfired; i++) {
    const cg_rules_fired *x = &res->fired[i];
    if(i == self || x->decisive != 1)
      continue;
    for(j = 0; j < r->nrelieves; j++) {
      if(r->relieve_idx[j] == x->rule) {
        hit = 1;
        if(relieve) {
          cg_rules_fired *w = (cg_rules_fired *)&res->fired[i];
          if(relieve == 1) {
            w->relieved = 1;
            w->relieved_by = (int)self;
          }
          else
            w->maybe_relieved = 1;
        }
      }
    }
  }
  return hit;
}

/* Reliefs: a relieving rule counts only if a rule it relieves fired. */
static void apply_reliefs(const cg_rules *pk, cg_rules_result *res)
{
  size_t i, w = 0;
  int remap[CG_RULES_MAX_FIRED];

  for(i = 0; i < res->nfired; i++) {
    cg_rules_fired *x = &res->fired[i];
    const cg_rule *r = &pk->rules[x->rule];
    if(!r->nrelieves || x->action == CG_ACT_CLASSIFY)
      continue;
    if(!entry_targets(res, r, i, 0)) {
      x->decisive = -1; /* moot: drop */
      continue;
    }
    entry_targets(res, r, i, x->cond == T ? 1 : 2);
  }
  /* compact away the moot entries */
  for(i = 0; i < res->nfired; i++) {
    if(res->fired[i].decisive == -1) {
      remap[i] = -1;
      continue;
    }
    remap[i] = (int)w;
    if(w != i)
      res->fired[w] = res->fired[i];
    w++;
  }
  for(i = 0; i < w; i++)
    if(res->fired[i].relieved_by >= 0)
      res->fired[i].relieved_by = remap[res->fired[i].relieved_by];
  if(res->eccn_entry >= 0)
    res->eccn_entry = remap[res->eccn_entry];
  res->nfired = w;
}

int cg_rules_eval(const cg_rules *pack, const cg_facts *facts,
                  cg_rules_result *res, cg_error *err)
{
  return cg_rules_eval_given(pack, facts, facts, res, err);
}

int cg_rules_eval_given(const cg_rules *pack, const cg_facts *given,
                        const cg_facts *facts, cg_rules_result *res,
                        cg_error *err)
{
  ev e;
  size_t k;
  uint32_t eccn_bit = 0;
  int i;

  e.pk = pack;
  e.f = &res->facts;
  e.filled = 0;
  for(i = 0; given != facts && i < CG_F_COUNT; i++)
    if(given->v[i].kind == CG_V_UNKNOWN && facts->v[i].kind != CG_V_UNKNOWN)
      e.filled |= BIT(i);
  e.read = e.unk = e.derived = 0;
  e.ncand = e.cand_open = 0;
  e.eccn_interned = 0;
  e.err = err;
  e.failed = 0;
  res->pack = pack;
  res->facts = *facts;
  res->nfired = 0;
  res->ntrace = 0;
  res->truncated = 0;
  res->eccn_missing = 0;
  res->missing = 0;
  res->completions = 0;
  res->uncertain = 0;
  res->nalts = 0;

  e.memo_valid = 0;
  classify(&e, res);
  e.memo_valid = 0; /* classification may have changed facts */
  res->eccn = res->facts.v[CG_F_ECCN];
  if(e.eccn_interned) {
    for(i = 0; i < pack->neccn; i++)
      if(pack->eccn_vals[i] == res->eccn.u.str)
        eccn_bit = (uint32_t)1 << i;
  }
  for(k = 0; k < pack->ndecide; k++) {
    int ri = pack->decide[k];
    const cg_rule *r = &pack->rules[ri];
    int c;
    if(r->eccn_guard && eccn_bit && !(r->eccn_guard & eccn_bit))
      continue; /* eccn rules it out: false */
    c = rule_cond(&e, r);
    if(c == F || c == SKIP)
      continue;
    if(c == U && r->action == CG_ACT_FLAG)
      continue;
    add_entry(&e, res, ri, c);
  }
  apply_reliefs(pack, res);
  cg_rules_result_recompute(res);
  if(e.failed)
    return e.failed;
  return CG_OK;
}
