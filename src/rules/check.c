/* check.c -- name resolution, type checking and compilation of a parsed
 * pack: facts become indices, group names become bit masks, regexes are
 * compiled once (pattern.h), `relieves` ids become rule indices, reason
 * templates are validated. Every problem is reported with file:line:col;
 * the caller throws the pack away if there is any. */
#include "rules/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TY_ERR (-1) /* a subexpression that already has an error */

typedef struct checker {
  cg_rules *pack;
  cg_rules_diags *diags;
  const cg_rule *rule;
  const char *file; /* of the rule or definition being checked */
  int errors;
  int oom;
  cg_name_ent *ids; /* rule ids, sorted (names.c) */
  size_t nids;
} checker;

static void cerr(checker *c, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void cerr(checker *c, int line, int col, const char *fmt, ...)
{
  char msg[480];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if(cg_diag_add(c->diags, c->file, line, col, "%s", msg) != CG_OK)
    c->oom = 1;
  c->errors++;
}

static const char *ty_name(int t)
{
  return t == TY_ERR ? "error" : cg_kind_name((cg_kind)t);
}

static int is_country_code(const char *s)
{
  return s && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
         s[2] == '\0';
}

/* Can a value of type `lit` (a literal node n) be compared with type t? */
static int compatible(checker *c, int t, const cg_node *n, int lt)
{
  if(t == lt)
    return 1;
  if(t == CG_V_COUNTRY && lt == CG_V_STR && n && n->kind == N_LIT) {
    if(!is_country_code(n->lit.u.str)) {
      cerr(c, n->line, n->col,
           "\"%s\" is not a country code: expected two upper-case "
           "letters (ISO 3166-1 alpha-2)",
           n->lit.u.str);
    }
    return 1;
  }
  return 0;
}

static int check_expr(checker *c, int idx);

static int find_def(const cg_rules *pk, const char *name)
{
  size_t i;

  for(i = 0; i < pk->ndefs; i++)
    if(strcmp(pk->defs[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Edit distance, capped: returns 3 for anything above 2. */
static int edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b), i, j;
  int row[64], prev, tmp;

  if(la >= 63 || lb >= 63 || (la > lb ? la - lb : lb - la) > 2)
    return 3;
  for(j = 0; j <= lb; j++)
    row[j] = (int)j;
  for(i = 1; i <= la; i++) {
    prev = row[0];
    row[0] = (int)i;
    for(j = 1; j <= lb; j++) {
      int best = prev + (a[i - 1] != b[j - 1]);
      if(row[j] + 1 < best)
        best = row[j] + 1;
      if(row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      tmp = row[j];
      row[j] = best;
      prev = tmp;
    }
  }
  return row[lb] > 2 ? 3 : row[lb];
}

/* The fact or definition name closest to s (distance <= 2), or NULL. */
static const char *nearest_name(const cg_rules *pk, const char *s)
{
  const char *best = NULL;
  int bd = 3, i;
  size_t k;

  for(i = 0; i < CG_F_COUNT; i++) {
    int d = edit_distance(s, cg_fact_name(i));
    if(d < bd) {
      bd = d;
      best = cg_fact_name(i);
    }
  }
  for(k = 0; k < pk->ndefs; k++) {
    int d = edit_distance(s, pk->defs[k].name);
    if(d < bd) {
      bd = d;
      best = pk->defs[k].name;
    }
  }
  return best;
}

/* Resolves a name: a fact, or (refs != 0) a definition (-> N_REF). */
static int check_fact_name(checker *c, cg_node *n, int refs)
{
  n->fact = cg_fact_id(n->str);
  if(n->fact < 0 && refs) {
    int d = find_def(c->pack, n->str);
    if(d >= 0) {
      n->kind = N_REF;
      n->fact = d;
      return CG_V_BOOL;
    }
  }
  if(n->fact < 0) {
    const char *near = nearest_name(c->pack, n->str);
    if(near)
      cerr(c, n->line, n->col, "unknown fact '%s': did you mean '%s'?", n->str,
           near);
    else
      cerr(c, n->line, n->col, "unknown fact '%s'", n->str);
    return TY_ERR;
  }
  return (int)cg_fact_kind(n->fact);
}

static int check_cmp(checker *c, cg_node *n)
{
  cg_rules *pk = c->pack;
  int ta = check_expr(c, n->a);
  int tb = check_expr(c, n->b);
  const cg_node *na = &pk->nodes[n->a], *nb = &pk->nodes[n->b];
  int op = n->op;

  if(ta == TY_ERR || tb == TY_ERR)
    return CG_V_BOOL;
  if(na->is_unknown_lit || nb->is_unknown_lit) {
    cerr(c, n->line, n->col,
         "comparison with 'unknown' is always unknown: use known(fact)");
    return CG_V_BOOL;
  }
  if(!(compatible(c, ta, nb, tb) || compatible(c, tb, na, ta))) {
    cerr(c, n->line, n->col,
         "type mismatch: cannot compare %s with %s: both sides must be "
         "of one type",
         ty_name(ta), ty_name(tb));
    return CG_V_BOOL;
  }
  if(op != T_EQ && op != T_NE && ta != CG_V_NUM && ta != CG_V_DATE) {
    cerr(c, n->line, n->col,
         "type mismatch: %s only orders numbers and dates, got %s",
         cg_tok_kind_name((tok_kind)op), ty_name(ta));
  }
  return CG_V_BOOL;
}

static int check_in(checker *c, cg_node *n)
{
  cg_rules *pk = c->pack;
  int ta = check_expr(c, n->a);
  cg_node *list = &pk->nodes[n->b];
  size_t i;

  for(i = 0; i < list->nitems; i++) {
    cg_node *it = &pk->nodes[list->items[i]];
    int ti = check_expr(c, list->items[i]);
    if(it->is_unknown_lit) {
      cerr(c, it->line, it->col, "'unknown' cannot be a list item");
      continue;
    }
    if(ta != TY_ERR && !compatible(c, ta, it, ti))
      cerr(c, it->line, it->col,
           "type mismatch: list item is a %s, expected a %s", ty_name(ti),
           ty_name(ta));
  }
  list->type = ta == TY_ERR ? CG_V_UNKNOWN : (cg_kind)ta;
  if(ta == CG_V_BOOL)
    cerr(c, n->line, n->col,
         "type mismatch: 'in' needs a number, string, "
         "date or country on the left, got bool");
  return CG_V_BOOL;
}

static int check_group(checker *c, cg_node *n)
{
  int ta = check_expr(c, n->a);
  size_t i;

  if(ta != TY_ERR && ta != CG_V_COUNTRY)
    cerr(c, n->line, n->col,
         "type mismatch: 'in group(...)' needs a country, got %s",
         ty_name(ta));
  for(i = 0; i < n->nitems; i++) {
    int bit = cg_group_bit(n->group_names[i]);
    if(bit < 0)
      cerr(c, n->line, n->col,
           "unknown country group \"%s\": expected one of D:1 D:2 D:3 D:4 "
           "D:5 A:1 A:5 A:6 E:1 E:2",
           n->group_names[i]);
    else
      n->groups |= 1u << bit;
  }
  return CG_V_BOOL;
}

static int check_match(checker *c, cg_node *n)
{
  int ta = check_expr(c, n->a);
  cg_error e;

  if(ta != TY_ERR && ta != CG_V_STR)
    cerr(c, n->line, n->col, "type mismatch: 'matches' needs a string, got %s",
         ty_name(ta));
  if(cg_pattern_compile(&n->re, n->str, n->regex_flags, &e) != CG_OK) {
    if(e.code == CG_ENOMEM) {
      c->oom = 1;
      return CG_V_BOOL;
    }
    /* lib_code is the PCRE2 offset; +1 for the opening slash. */
    cerr(c, n->line, n->col + 1 + e.lib_code, "bad regex /%s/: %s", n->str,
         e.msg);
  }
  return CG_V_BOOL;
}

static int want_bool(checker *c, int idx, const char *what)
{
  int t = check_expr(c, idx);
  const cg_node *n = &c->pack->nodes[idx];

  if(t != TY_ERR && t != CG_V_BOOL)
    cerr(c, n->line, n->col,
         "type mismatch: operand of '%s' is a %s, expected a bool", what,
         ty_name(t));
  return t;
}

static int check_expr(checker *c, int idx)
{
  cg_node *n = &c->pack->nodes[idx];
  int t = TY_ERR;

  switch(n->kind) {
  case N_LIT:
    t = n->lit.kind;
    break;
  case N_LIST:
    cerr(c, n->line, n->col, "a list is only allowed after 'in'");
    t = TY_ERR;
    break;
  case N_FACT:
    t = check_fact_name(c, n, 1);
    break;
  case N_REF:
    t = CG_V_BOOL;
    break;
  case N_KNOWN:
    t = check_fact_name(c, n, 0) == TY_ERR ? TY_ERR : CG_V_BOOL;
    break;
  case N_YEAR: {
    int ta = check_expr(c, n->a);
    if(ta != TY_ERR && ta != CG_V_DATE)
      cerr(c, n->line, n->col, "type mismatch: year() needs a date, got %s",
           ty_name(ta));
    t = CG_V_NUM;
    break;
  }
  case N_CMP:
    t = check_cmp(c, n);
    break;
  case N_IN:
    t = check_in(c, n);
    break;
  case N_GROUP:
    t = check_group(c, n);
    break;
  case N_MATCH:
    t = check_match(c, n);
    break;
  case N_AND:
  case N_OR: {
    size_t i;
    for(i = 0; i < n->nkids; i++)
      want_bool(c, n->kids[i], n->kind == N_AND ? "and" : "or");
    t = CG_V_BOOL;
    break;
  }
  case N_NOT:
    want_bool(c, n->a, "not");
    t = CG_V_BOOL;
    break;
  }
  n = &c->pack->nodes[idx];
  n->type = t == TY_ERR ? CG_V_UNKNOWN : (cg_kind)t;
  return t;
}

/* Validates "{fact.name}" placeholders of a reason and records them. */
static void check_reason(checker *c, cg_rule *r)
{
  const char *s = r->reason;

  while(s && *s) {
    const char *open = strchr(s, '{');
    const char *close;
    char name[64];
    size_t n;
    int id;
    if(!open)
      break;
    close = strchr(open, '}');
    if(!close) {
      cerr(c, r->line, r->col, "rule %s: reason has '{' without '}'", r->id);
      return;
    }
    n = (size_t)(close - open - 1);
    if(n >= sizeof(name)) {
      cerr(c, r->line, r->col, "rule %s: reason placeholder too long", r->id);
      return;
    }
    memcpy(name, open + 1, n);
    name[n] = '\0';
    id = cg_fact_id(name);
    if(id < 0)
      cerr(c, r->line, r->col, "rule %s: unknown fact '{%s}' in reason", r->id,
           name);
    else
      r->reason_facts |= (uint64_t)1 << id;
    s = close + 1;
  }
}

/* The first rule with this id, or -1 (binary search: linear scans made
 * a pack of n rules cost n^2). */
static int find_rule(const checker *c, const char *id)
{
  return cg_names_find(c->ids, c->nids, id);
}

static void check_rule(checker *c, size_t ri)
{
  cg_rules *pk = c->pack;
  cg_rule *r = &pk->rules[ri];
  int dup = find_rule(c, r->id);
  size_t i;

  c->rule = r;
  c->file = r->file;
  if(dup >= 0 && (size_t)dup < ri)
    cerr(c, r->line, r->col, "duplicate rule id '%s': first defined at %s:%d",
         r->id, pk->rules[dup].file, pk->rules[dup].line);
  if(!r->cite || !r->cite[0])
    cerr(c, r->line, r->col,
         "rule %s: missing 'cite': every rule must say "
         "where it comes from",
         r->id);
  if(!r->has_action && !r->parse_failed)
    cerr(c, r->line, r->col, "rule %s: missing 'then' action", r->id);
  if(r->cond < 0 && !r->parse_failed)
    cerr(c, r->line, r->col, "rule %s: missing 'when' condition", r->id);
  else if(r->cond >= 0) {
    int t = check_expr(c, r->cond);
    const cg_node *n = &pk->nodes[r->cond];
    if(t != TY_ERR && t != CG_V_BOOL)
      cerr(c, n->line, n->col,
           "type mismatch: 'when' needs a bool condition, got %s", ty_name(t));
  }
  if(r->effective != INT32_MIN && r->expires != INT32_MAX &&
     r->expires < r->effective)
    cerr(c, r->line, r->col, "rule %s: 'expires' is before 'effective'",
         r->id);
  if(r->has_action && r->action == CG_ACT_CLASSIFY && r->reason &&
     !r->reason[0])
    cerr(c, r->line, r->col, "rule %s: classify needs a non-empty ECCN",
         r->id);
  check_reason(c, r);
  r->licensable = r->has_action && (r->action == CG_ACT_REQUIRE_LICENSE ||
                                    r->action == CG_ACT_DENY);
  if(r->own_licence && r->has_action && !r->licensable)
    cerr(c, r->own_licence, r->own_licence_col,
         "rule %s: 'own_licence' only applies to require_license and deny",
         r->id);
  r->licensable = r->licensable && !r->own_licence;
  for(i = 0; i < r->nsets; i++) {
    cg_set *s = &r->sets[i];
    s->fact = cg_fact_id(s->name);
    if(r->has_action && r->action != CG_ACT_CLASSIFY) {
      cerr(c, s->line, s->col, "'set' is only allowed in classify rules");
      continue;
    }
    if(s->fact < 0) {
      cerr(c, s->line, s->col, "unknown fact '%s'", s->name);
      continue;
    }
    if(s->fact == CG_F_ECCN) {
      cerr(c, s->line, s->col, "'set eccn' is not allowed: use classify");
      continue;
    }
    if(s->node >= 0) {
      const cg_node *lit = &pk->nodes[s->node];
      int lt = lit->is_unknown_lit ? (int)cg_fact_kind(s->fact)
                                   : (int)lit->lit.kind;
      if(!compatible(c, (int)cg_fact_kind(s->fact), lit, lt) ||
         cg_fact_kind(s->fact) == CG_V_COUNTRY)
        cerr(c, s->line, s->col,
             "type mismatch: '%s' is a %s, cannot set it to a %s", s->name,
             cg_kind_name(cg_fact_kind(s->fact)), ty_name(lt));
    }
  }
}

static void check_relieves(checker *c, size_t ri)
{
  cg_rules *pk = c->pack;
  cg_rule *r = &pk->rules[ri];
  size_t j;

  c->rule = r;
  c->file = r->file;
  if(!r->nrelieves)
    return;
  r->relieve_idx = calloc(r->nrelieves, sizeof(int));
  if(!r->relieve_idx) {
    c->oom = 1;
    return;
  }
  if(r->action == CG_ACT_CLASSIFY || r->action == CG_ACT_FLAG)
    cerr(c, r->line, r->col, "rule %s: a %s rule cannot relieve others", r->id,
         cg_action_name(r->action));
  for(j = 0; j < r->nrelieves; j++) {
    int t = find_rule(c, r->relieves[j]);
    r->relieve_idx[j] = t;
    if(t < 0)
      cerr(c, r->relieves_line[j], r->relieves_col[j],
           "relieves unknown rule '%s'", r->relieves[j]);
    else if((size_t)t == ri)
      cerr(c, r->relieves_line[j], r->relieves_col[j],
           "rule %s cannot relieve itself", r->id);
    else if(pk->rules[t].action == CG_ACT_CLASSIFY ||
            pk->rules[t].action == CG_ACT_FLAG)
      cerr(c, r->relieves_line[j], r->relieves_col[j],
           "cannot relieve '%s': it is a %s rule", r->relieves[j],
           cg_action_name(pk->rules[t].action));
  }
}

/* ---- compilation ---------------------------------------------------- */

/* Appends the operands of and/or node idx to kids, splicing in those of
 * a parenthesised operand of the same kind (`a or (b or c)`). Recursion
 * depth is bounded by the nesting limit: the parser already made each
 * unparenthesised chain one node. */
static int collect(cg_rules *pk, int idx, int **kids, size_t *n, size_t *cap)
{
  size_t i;

  for(i = 0; i < pk->nodes[idx].nkids; i++) {
    int kid = pk->nodes[idx].kids[i];
    if(pk->nodes[kid].kind == pk->nodes[idx].kind) {
      if(collect(pk, kid, kids, n, cap) != CG_OK)
        return CG_ENOMEM;
      continue;
    }
    if(*n == *cap) {
      size_t nc = *cap ? *cap * 2 : 8;
      int *v = realloc(*kids, nc * sizeof(*v));
      if(!v)
        return CG_ENOMEM;
      *kids = v;
      *cap = nc;
    }
    (*kids)[(*n)++] = kid;
  }
  return CG_OK;
}

/* Index in pk->eccn_vals of an interned eccn value, or -1. */
static int eccn_index(const cg_rules *pk, const char *v)
{
  int i;

  for(i = 0; i < pk->neccn; i++)
    if(pk->eccn_vals[i] == v)
      return i;
  return -1;
}

/* Guard of a decide rule: when its condition is `eccn == X and ...` or
 * `eccn in [...] and ...`, the set of classify values that can make it
 * true. Rules are skipped cheaply when eccn is known and not in it. */
static uint32_t eccn_guard(const cg_rules *pk, const cg_rule *r)
{
  const cg_node *n = &pk->nodes[r->cond];
  const cg_node *fa;
  uint32_t g = 0;
  size_t i;

  if(n->kind == N_AND)
    n = &pk->nodes[n->kids[0]];
  if(n->kind != N_IN && !(n->kind == N_CMP && n->op == T_EQ))
    return 0;
  fa = &pk->nodes[n->a];
  if(fa->kind != N_FACT || fa->fact != CG_F_ECCN)
    return 0;
  if(n->kind == N_CMP) {
    const cg_node *b = &pk->nodes[n->b];
    int k;
    if(b->kind != N_LIT)
      return 0;
    k = eccn_index(pk, b->lit.u.str);
    return k >= 0 ? (uint32_t)1 << k : (uint32_t)1 << 31; /* never */
  }
  for(i = 0; i < pk->nodes[n->b].nitems; i++) {
    int k = eccn_index(pk, pk->nodes[pk->nodes[n->b].items[i]].lit.u.str);
    if(k >= 0)
      g |= (uint32_t)1 << k;
  }
  return g ? g : (uint32_t)1 << 31;
}

/* Plain ASCII literal regexes are matched without PCRE2 (see eval.c). */
static int literal_regex(cg_node *n)
{
  const char *s = n->str;
  size_t i, len = strlen(s);

  if(!len)
    return CG_OK;
  for(i = 0; i < len; i++) {
    char c = s[i];
    if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '_' ||
         c == ':' || c == ','))
      return CG_OK;
  }
  n->literal = malloc(len + 1);
  if(!n->literal)
    return CG_ENOMEM;
  for(i = 0; i <= len; i++) {
    char c = s[i];
    if((n->regex_flags & CG_PATTERN_CASELESS) && c >= 'A' && c <= 'Z')
      c = (char)(c + 32);
    n->literal[i] = c;
  }
  return CG_OK;
}

/* Splices parenthesised same-kind operands into their chain's root
 * (`a or (b or c)` -> one node of three operands). Only roots are
 * rewritten, each operand is copied once: linear in the pack's size. */
static int flatten(cg_rules *pk)
{
  unsigned char *inner = calloc(pk->nnodes + 1, 1);
  size_t i, j;

  if(!inner)
    return CG_ENOMEM;
  for(i = 0; i < pk->nnodes; i++) {
    const cg_node *n = &pk->nodes[i];
    if(n->kind != N_AND && n->kind != N_OR)
      continue;
    for(j = 0; j < n->nkids; j++)
      if(pk->nodes[n->kids[j]].kind == n->kind)
        inner[n->kids[j]] = 1;
  }
  for(i = 0; i < pk->nnodes; i++) {
    cg_node *n = &pk->nodes[i];
    int *kids = NULL;
    size_t nk = 0, cap = 0;
    if((n->kind != N_AND && n->kind != N_OR) || inner[i])
      continue;
    for(j = 0; j < n->nkids; j++)
      if(pk->nodes[n->kids[j]].kind == n->kind)
        break;
    if(j == n->nkids)
      continue; /* nothing to splice */
    if(collect(pk, (int)i, &kids, &nk, &cap) != CG_OK) {
      free(kids);
      free(inner);
      return CG_ENOMEM;
    }
    free(pk->nodes[i].kids);
    pk->nodes[i].kids = kids;
    pk->nodes[i].nkids = nk;
  }
  free(inner);
  return CG_OK;
}

/* After a clean check: intern ECCN strings (so eccn comparisons are
 * pointer comparisons) and flatten and/or chains into n-ary nodes. */
/* The classify rules' ECCN values, sorted; NULL on no memory. */
static cg_name_ent *eccn_table(const cg_rules *pk, size_t *n)
{
  cg_name_ent *v = malloc((pk->nrules + 1) * sizeof(*v));
  size_t i;

  *n = 0;
  if(!v)
    return NULL;
  for(i = 0; i < pk->nrules; i++)
    if(pk->rules[i].action == CG_ACT_CLASSIFY && pk->rules[i].reason) {
      v[*n].key = pk->rules[i].reason;
      v[(*n)++].idx = (int)i;
    }
  cg_names_sort(v, *n);
  return v;
}

/* After a clean check: intern ECCN strings (so eccn comparisons are
 * pointer comparisons: every equal value points to the first classify
 * rule's) and flatten and/or chains into n-ary nodes. */
int cg_compile(cg_rules *pk)
{
  size_t i, ne;
  cg_name_ent *ev = eccn_table(pk, &ne);

  if(!ev)
    return CG_ENOMEM;
  for(i = 0; i < pk->nrules; i++) {
    cg_rule *r = &pk->rules[i];
    if(r->action == CG_ACT_CLASSIFY && r->reason)
      r->eccn = pk->rules[cg_names_find(ev, ne, r->reason)].reason;
  }
  for(i = 0; i < pk->nrules; i++) {
    const cg_rule *r = &pk->rules[i];
    if(r->action == CG_ACT_CLASSIFY && eccn_index(pk, r->eccn) < 0 &&
       pk->neccn < 31)
      pk->eccn_vals[pk->neccn++] = r->eccn;
  }
  for(i = 0; i < pk->nnodes; i++) {
    cg_node *n = &pk->nodes[i];
    int j;
    if(n->kind == N_MATCH && literal_regex(n) != CG_OK) {
      free(ev);
      return CG_ENOMEM;
    }
    if(n->kind != N_LIT || n->lit.kind != CG_V_STR)
      continue;
    j = cg_names_find(ev, ne, n->lit.u.str);
    if(j >= 0)
      n->lit.u.str = pk->rules[j].reason;
    n->interned = 1;
  }
  free(ev);
  if(flatten(pk) != CG_OK)
    return CG_ENOMEM;
  for(i = 0; i < pk->nrules; i++)
    if(pk->rules[i].action != CG_ACT_CLASSIFY)
      pk->rules[i].eccn_guard = eccn_guard(pk, &pk->rules[i]);
  return cg_domain_build(pk);
}

/* Walks expression idx; reports a definition that reaches itself.
 * state: 0 unvisited, 1 on the current path, 2 done. */
static void def_cycles(checker *c, int idx, unsigned char *state)
{
  const cg_node *n = &c->pack->nodes[idx];
  size_t i;

  if(n->kind == N_REF) {
    const cg_def *d = &c->pack->defs[n->fact];
    if(state[n->fact] == 1) {
      c->file = d->file;
      cerr(c, d->line, d->col, "definition '%s' refers to itself", d->name);
      state[n->fact] = 2;
      return;
    }
    if(state[n->fact] == 2)
      return;
    state[n->fact] = 1;
    def_cycles(c, d->node, state);
    state[n->fact] = 2;
    return;
  }
  if(n->a >= 0)
    def_cycles(c, n->a, state);
  if(n->b >= 0 && n->kind != N_IN)
    def_cycles(c, n->b, state);
  for(i = 0; i < n->nkids; i++)
    def_cycles(c, n->kids[i], state);
}

static void check_defs(checker *c)
{
  cg_rules *pk = c->pack;
  unsigned char state[CG_RULES_MAX_DEFS] = { 0 };
  size_t i, j;

  for(i = 0; i < pk->ndefs; i++) {
    cg_def *d = &pk->defs[i];
    int t;
    c->file = d->file;
    for(j = 0; j < i; j++)
      if(strcmp(pk->defs[j].name, d->name) == 0)
        cerr(c, d->line, d->col,
             "duplicate definition '%s': first defined at %s:%d", d->name,
             pk->defs[j].file, pk->defs[j].line);
    if(cg_fact_id(d->name) >= 0)
      cerr(c, d->line, d->col, "definition '%s' has the name of a fact",
           d->name);
    if(i == CG_RULES_MAX_DEFS)
      cerr(c, d->line, d->col, "too many definitions (at most %d)",
           CG_RULES_MAX_DEFS);
    t = check_expr(c, d->node);
    if(t != TY_ERR && t != CG_V_BOOL)
      cerr(c, d->line, d->col,
           "type mismatch: definition '%s' is a %s, expected a bool "
           "condition",
           d->name, ty_name(t));
  }
  if(pk->ndefs > CG_RULES_MAX_DEFS)
    return;
  for(i = 0; i < pk->ndefs; i++) {
    memset(state, 0, sizeof(state));
    state[i] = 1;
    def_cycles(c, pk->defs[i].node, state);
  }
}

int cg_check(cg_rules *pack, cg_rules_diags *diags)
{
  checker c;
  size_t i;

  memset(&c, 0, sizeof(c));
  c.pack = pack;
  c.diags = diags;
  c.ids = malloc((pack->nrules + 1) * sizeof(*c.ids));
  if(!c.ids)
    return CG_ENOMEM;
  for(i = 0; i < pack->nrules; i++) {
    c.ids[i].key = pack->rules[i].id ? pack->rules[i].id : "";
    c.ids[i].idx = (int)i;
  }
  c.nids = pack->nrules;
  cg_names_sort(c.ids, c.nids);
  check_defs(&c);
  for(i = 0; i < pack->nrules && !c.oom; i++)
    check_rule(&c, i);
  for(i = 0; i < pack->nrules && !c.oom; i++)
    check_relieves(&c, i);
  free(c.ids);
  if(c.oom)
    return CG_ENOMEM;
  pack->classify = calloc(pack->nrules + 1, sizeof(int));
  pack->decide = calloc(pack->nrules + 1, sizeof(int));
  if(!pack->classify || !pack->decide)
    return CG_ENOMEM;
  for(i = 0; i < pack->nrules; i++) {
    if(pack->rules[i].action == CG_ACT_CLASSIFY)
      pack->classify[pack->nclassify++] = (int)i;
    else
      pack->decide[pack->ndecide++] = (int)i;
  }
  return c.errors;
}
