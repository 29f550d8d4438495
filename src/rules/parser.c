/* parser.c -- tokens -> rules and expression nodes (recursive descent).
 *
 *   file    := (rule | define)*
 *   define  := 'define' NAME '=' expr
 *   rule    := 'rule' ID clause*
 *   clause  := 'title' STRING | 'cite' STRING | 'effective' DATE
 *            | 'expires' DATE | 'when' expr | 'set' FACT '=' literal
 *            | 'then' ACTION STRING ['relieves' ID (',' ID)*]
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := primary [ OP primary | ['not'] 'in' (list | group)
 *                       | 'matches' REGEX ]
 *   group   := 'group' '(' STRING (',' STRING)* ')'
 *   primary := literal | FACT | NAME | list | '(' expr ')'
 *            | 'year' '(' expr ')' | 'known' '(' FACT ')'
 *   literal := NUMBER | STRING | DATE | 'true' | 'false' | 'unknown'
 *
 * On an error the parser reports it and skips to the next clause keyword
 * or `rule`, so one load lists every error. Names are not resolved here
 * (see check.c). */
#include "rules/internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  cg_rules *pack;
  const char *file;
  const char *text;
  const cg_tokens *toks;
  size_t i;
  cg_rules_diags *diags;
  int errors;
  int oom;
  int depth;
} parser;

static const cg_token *cur(const parser *p)
{
  return &p->toks->v[p->i];
}

static void next(parser *p)
{
  if(p->toks->v[p->i].kind != T_EOF)
    p->i++;
}

static int is_kw(const cg_token *t, const char *kw)
{
  return t->kind == T_IDENT && strcmp(t->text, kw) == 0;
}

static void describe(const cg_token *t, char *buf, size_t size)
{
  if(t->kind == T_IDENT)
    snprintf(buf, size, "'%.60s'", t->text);
  else if(t->kind == T_STRING)
    snprintf(buf, size, "string \"%.40s\"", t->text);
  else if(t->kind == T_NUMBER)
    snprintf(buf, size, "number %g", t->num);
  else if(t->kind == T_DATE)
    snprintf(buf, size, "date %s", t->text);
  else
    snprintf(buf, size, "%s", cg_tok_kind_name(t->kind));
}

static void perr(parser *p, const cg_token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void perr(parser *p, const cg_token *t, const char *fmt, ...)
{
  char msg[400], got[100];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  describe(t, got, sizeof(got));
  if(cg_diag_add(p->diags, p->file, t->line, t->col, "%s, got %s", msg, got) !=
     CG_OK)
    p->oom = 1;
  p->errors++;
}

static const char *const clause_kws[] = { "title",   "cite", "effective",
                                          "expires", "when", "then",
                                          "set",     NULL };

static int is_clause_kw(const cg_token *t)
{
  int i;

  if(t->kind != T_IDENT)
    return 0;
  for(i = 0; clause_kws[i]; i++)
    if(strcmp(t->text, clause_kws[i]) == 0)
      return 1;
  return is_kw(t, "rule") || is_kw(t, "define");
}

static int is_top_kw(const cg_token *t)
{
  return is_kw(t, "rule") || is_kw(t, "define");
}

/* Skips to the next clause keyword, `rule` or EOF. */
static void sync_clause(parser *p)
{
  while(cur(p)->kind != T_EOF && !is_clause_kw(cur(p)))
    next(p);
}

/* ---- nodes ------------------------------------------------------------ */

static int new_node(parser *p, node_kind k, const cg_token *at)
{
  cg_rules *pk = p->pack;
  cg_node *n;

  if(pk->nnodes == pk->ncap) {
    size_t cap = pk->ncap ? pk->ncap * 2 : 256;
    cg_node *v = realloc(pk->nodes, cap * sizeof(*v));
    if(!v) {
      p->oom = 1;
      return -1;
    }
    pk->nodes = v;
    pk->ncap = cap;
  }
  n = &pk->nodes[pk->nnodes];
  memset(n, 0, sizeof(*n));
  n->kind = k;
  n->line = at->line;
  n->col = at->col;
  n->a = n->b = -1;
  n->fact = -1;
  return (int)pk->nnodes++;
}

static cg_node *node(parser *p, int i)
{
  return &p->pack->nodes[i];
}

static char *xstrdup(parser *p, const char *s)
{
  char *d = strdup(s);

  if(!d)
    p->oom = 1;
  return d;
}

/* literal := NUMBER | STRING | DATE | true | false | unknown; -1 if the
 * current token is none of those (nothing reported). */
static int parse_literal(parser *p)
{
  const cg_token *t = cur(p);
  int n;
  cg_node *nd;

  if(t->kind != T_NUMBER && t->kind != T_STRING && t->kind != T_DATE &&
     !is_kw(t, "true") && !is_kw(t, "false") && !is_kw(t, "unknown"))
    return -1;
  n = new_node(p, N_LIT, t);
  if(n < 0)
    return -1;
  nd = node(p, n);
  if(t->kind == T_NUMBER) {
    nd->lit.kind = CG_V_NUM;
    nd->lit.u.num = t->num;
  }
  else if(t->kind == T_STRING) {
    nd->str = xstrdup(p, t->text);
    nd->lit.kind = CG_V_STR;
    nd->lit.u.str = nd->str;
  }
  else if(t->kind == T_DATE) {
    int32_t d = 0;
    cg_error e;
    if(cg_date_parse(t->text, &d, &e) != CG_OK) {
      if(cg_diag_add(p->diags, p->file, t->line, t->col, "%s", e.msg) != CG_OK)
        p->oom = 1;
      p->errors++;
    }
    nd->lit.kind = CG_V_DATE;
    nd->lit.u.date = d;
  }
  else if(is_kw(t, "unknown")) {
    nd->lit.kind = CG_V_UNKNOWN;
    nd->is_unknown_lit = 1;
  }
  else {
    nd->lit.kind = CG_V_BOOL;
    nd->lit.u.b = is_kw(t, "true");
  }
  next(p);
  return n;
}

static int parse_expr(parser *p);

static int parse_list(parser *p)
{
  const cg_token *open = cur(p);
  int n = new_node(p, N_LIST, open);
  int *items = NULL;
  size_t count = 0, cap = 0;

  if(n < 0)
    return -1;
  next(p); /* '[' */
  if(cur(p)->kind != T_RBRACK) {
    for(;;) {
      int it = parse_literal(p);
      if(it < 0) {
        if(!p->oom)
          perr(p, cur(p), "expected a literal in list");
        free(items);
        return -1;
      }
      if(count == cap) {
        size_t nc = cap ? cap * 2 : 8;
        int *v = realloc(items, nc * sizeof(*v));
        if(!v) {
          p->oom = 1;
          free(items);
          return -1;
        }
        items = v;
        cap = nc;
      }
      items[count++] = it;
      if(cur(p)->kind == T_COMMA) {
        next(p);
        continue;
      }
      break;
    }
  }
  if(cur(p)->kind != T_RBRACK) {
    perr(p, cur(p), "expected ',' or ']' in list");
    free(items);
    return -1;
  }
  next(p);
  node(p, n)->items = items;
  node(p, n)->nitems = count;
  return n;
}

static int expect(parser *p, tok_kind k, const char *what)
{
  if(cur(p)->kind != k) {
    perr(p, cur(p), "expected %s", what);
    return -1;
  }
  next(p);
  return 0;
}

static int parse_primary(parser *p)
{
  const cg_token *t = cur(p);
  int n;

  if(t->kind == T_LPAREN) {
    next(p);
    n = parse_expr(p);
    if(n < 0)
      return -1;
    if(expect(p, T_RPAREN, "')'") < 0)
      return -1;
    return n;
  }
  if(t->kind == T_LBRACK)
    return parse_list(p);
  n = parse_literal(p);
  if(n >= 0 || p->oom)
    return n;
  if(t->kind == T_IDENT && (is_kw(t, "year") || is_kw(t, "known")) &&
     p->toks->v[p->i + 1].kind == T_LPAREN) {
    int is_year = is_kw(t, "year");
    int arg;
    n = new_node(p, is_year ? N_YEAR : N_KNOWN, t);
    if(n < 0)
      return -1;
    next(p);
    next(p);
    if(is_year) {
      arg = parse_expr(p);
      if(arg < 0)
        return -1;
      node(p, n)->a = arg;
    }
    else {
      if(cur(p)->kind != T_IDENT) {
        perr(p, cur(p), "expected a fact name in known()");
        return -1;
      }
      node(p, n)->str = xstrdup(p, cur(p)->text);
      next(p);
    }
    if(expect(p, T_RPAREN, "')'") < 0)
      return -1;
    return n;
  }
  if(t->kind == T_IDENT && !is_clause_kw(t) && !is_kw(t, "and") &&
     !is_kw(t, "or") && !is_kw(t, "not") && !is_kw(t, "in") &&
     !is_kw(t, "matches")) {
    n = new_node(p, N_FACT, t);
    if(n < 0)
      return -1;
    node(p, n)->str = xstrdup(p, t->text);
    next(p);
    return n;
  }
  perr(p, t, "expected a fact, literal, list, '(' or function");
  return -1;
}

static int parse_group(parser *p, int left, const cg_token *at)
{
  int n = new_node(p, N_GROUP, at);
  char **names = NULL;
  size_t count = 0;

  if(n < 0)
    return -1;
  node(p, n)->a = left;
  next(p); /* group */
  if(expect(p, T_LPAREN, "'(' after group") < 0)
    return -1;
  for(;;) {
    char **v;
    if(cur(p)->kind != T_STRING) {
      perr(p, cur(p), "expected a group name string such as \"D:5\"");
      goto fail;
    }
    v = realloc(names, (count + 1) * sizeof(*v));
    if(!v) {
      p->oom = 1;
      goto fail;
    }
    names = v;
    names[count] = xstrdup(p, cur(p)->text);
    /* remember where each name is, for errors: one node per name */
    count++;
    next(p);
    if(cur(p)->kind == T_COMMA) {
      next(p);
      continue;
    }
    break;
  }
  if(expect(p, T_RPAREN, "')' after group names") < 0)
    goto fail;
  node(p, n)->group_names = names;
  node(p, n)->nitems = count;
  return n;
fail:
  node(p, n)->group_names = names;
  node(p, n)->nitems = count;
  return -1;
}

static int parse_cmp(parser *p)
{
  int left = parse_primary(p);
  const cg_token *t;
  int negate = 0, n = -1;

  if(left < 0)
    return -1;
  t = cur(p);
  if(t->kind >= T_EQ && t->kind <= T_GE) {
    int right;
    n = new_node(p, N_CMP, t);
    if(n < 0)
      return -1;
    node(p, n)->op = (int)t->kind;
    next(p);
    right = parse_primary(p);
    if(right < 0)
      return -1;
    node(p, n)->a = left;
    node(p, n)->b = right;
    return n;
  }
  if(is_kw(t, "not") && is_kw(&p->toks->v[p->i + 1], "in")) {
    negate = 1;
    next(p);
    t = cur(p);
  }
  if(is_kw(t, "in")) {
    next(p);
    if(is_kw(cur(p), "group")) {
      n = parse_group(p, left, t);
    }
    else if(cur(p)->kind == T_LBRACK) {
      int list = parse_list(p);
      if(list < 0)
        return -1;
      n = new_node(p, N_IN, t);
      if(n < 0)
        return -1;
      node(p, n)->a = left;
      node(p, n)->b = list;
    }
    else {
      perr(p, cur(p), "expected '[' or group(...) after 'in'");
      return -1;
    }
    if(n < 0)
      return -1;
    if(negate) {
      int nn = new_node(p, N_NOT, t);
      if(nn < 0)
        return -1;
      node(p, nn)->a = n;
      n = nn;
    }
    return n;
  }
  if(is_kw(t, "matches")) {
    next(p);
    if(cur(p)->kind != T_REGEX) {
      perr(p, cur(p), "expected /regex/ after 'matches'");
      return -1;
    }
    n = new_node(p, N_MATCH, cur(p));
    if(n < 0)
      return -1;
    node(p, n)->a = left;
    node(p, n)->str = xstrdup(p, cur(p)->text);
    node(p, n)->regex_flags = (int)cur(p)->num;
    next(p);
    return n;
  }
  return left;
}

static int parse_not(parser *p)
{
  const cg_token *t = cur(p);
  int n, a;

  if(!is_kw(t, "not"))
    return parse_cmp(p);
  if(++p->depth > CG_RULES_MAX_DEPTH) {
    perr(p, t, "expression nested too deeply (max %d)", CG_RULES_MAX_DEPTH);
    return -1;
  }
  next(p);
  a = parse_not(p);
  p->depth--;
  if(a < 0)
    return -1;
  n = new_node(p, N_NOT, t);
  if(n < 0)
    return -1;
  node(p, n)->a = a;
  return n;
}

/* and := not ('and' not)*; or := and ('or' and)*. A chain of one
 * operator becomes one n-ary node (kids, in source order), so a long
 * chain costs neither stack depth nor quadratic work in the passes that
 * walk the tree (check.c, eval.c). A single operand is returned as is. */
static int parse_binary(parser *p, int is_or)
{
  const char *op = is_or ? "or" : "and";
  const cg_token *at;
  int *kids = NULL;
  size_t n = 0, cap = 0;
  int left = is_or ? parse_binary(p, 0) : parse_not(p);
  int nd;

  if(left < 0 || !is_kw(cur(p), op))
    return left;
  at = cur(p);
  for(;;) {
    if(n == cap) {
      size_t nc = cap ? cap * 2 : 8;
      int *v = realloc(kids, nc * sizeof(*v));
      if(!v) {
        p->oom = 1;
        free(kids);
        return -1;
      }
      kids = v;
      cap = nc;
    }
    kids[n++] = left;
    if(!is_kw(cur(p), op))
      break;
    next(p);
    left = is_or ? parse_binary(p, 0) : parse_not(p);
    if(left < 0) {
      free(kids);
      return -1;
    }
  }
  nd = new_node(p, is_or ? N_OR : N_AND, at);
  if(nd < 0) {
    free(kids);
    return -1;
  }
  node(p, nd)->kids = kids;
  node(p, nd)->nkids = n;
  return nd;
}

static int parse_expr(parser *p)
{
  int n;

  if(++p->depth > CG_RULES_MAX_DEPTH) {
    perr(p, cur(p), "expression nested too deeply (max %d)",
         CG_RULES_MAX_DEPTH);
    p->depth--;
    return -1;
  }
  n = parse_binary(p, 1);
  p->depth--;
  return n;
}

/* ---- rules ------------------------------------------------------------ */

static const char *const action_names[] = {
  [CG_ACT_CLASSIFY] = "classify",
  [CG_ACT_NLR] = "nlr",
  [CG_ACT_EXCEPTION] = "exception",
  [CG_ACT_NOTIFY] = "notify",
  [CG_ACT_HOLD] = "hold",
  [CG_ACT_REQUIRE_LICENSE] = "require_license",
  [CG_ACT_DENY] = "deny",
  [CG_ACT_FLAG] = "flag",
};

static int action_of(const char *s)
{
  int i;

  for(i = 0; i <= CG_ACT_FLAG; i++)
    if(strcmp(action_names[i], s) == 0)
      return i;
  return -1;
}

const char *cg_action_name(cg_action a)
{
  if((int)a < 0 || a > CG_ACT_FLAG)
    return NULL;
  return action_names[a];
}

static cg_rule *new_rule(parser *p)
{
  cg_rules *pk = p->pack;
  cg_rule *r;

  if(pk->nrules == pk->rcap) {
    size_t cap = pk->rcap ? pk->rcap * 2 : 64;
    cg_rule *v = realloc(pk->rules, cap * sizeof(*v));
    if(!v) {
      p->oom = 1;
      return NULL;
    }
    pk->rules = v;
    pk->rcap = cap;
  }
  r = &pk->rules[pk->nrules++];
  memset(r, 0, sizeof(*r));
  r->cond = -1;
  r->effective = INT32_MIN;
  r->expires = INT32_MAX;
  return r;
}

static int dup_clause(parser *p, const cg_token *t, int seen)
{
  if(seen) {
    perr(p, t, "duplicate '%s' clause: expected each clause once", t->text);
    next(p);
    sync_clause(p);
    return 1;
  }
  return 0;
}

static void parse_then(parser *p, cg_rule *r)
{
  const cg_token *t = cur(p);
  int act;

  if(t->kind != T_IDENT) {
    perr(p, t,
         "expected an action (classify, nlr, exception, notify, "
         "hold, require_license, deny, flag)");
    r->parse_failed = 1;
    sync_clause(p);
    return;
  }
  act = action_of(t->text);
  if(act < 0) {
    perr(p, t,
         "unknown action: expected one of classify, nlr, exception, "
         "notify, hold, require_license, deny, flag");
    r->parse_failed = 1;
    next(p);
    sync_clause(p);
    return;
  }
  r->action = (cg_action)act;
  r->has_action = 1;
  next(p);
  if(cur(p)->kind != T_STRING) {
    perr(p, cur(p), "expected a reason string after '%s'", action_names[act]);
    sync_clause(p);
    return;
  }
  r->reason = xstrdup(p, cur(p)->text);
  next(p);
  if(!is_kw(cur(p), "relieves"))
    return;
  next(p);
  for(;;) {
    const cg_token *id = cur(p);
    size_t k = r->nrelieves;
    char **names;
    int *lines, *cols;
    if(id->kind != T_IDENT || is_clause_kw(id)) {
      perr(p, id, "expected a rule id after 'relieves'");
      sync_clause(p);
      return;
    }
    names = realloc(r->relieves, (k + 1) * sizeof(*names));
    if(names)
      r->relieves = names;
    lines = realloc(r->relieves_line, (k + 1) * sizeof(*lines));
    if(lines)
      r->relieves_line = lines;
    cols = realloc(r->relieves_col, (k + 1) * sizeof(*cols));
    if(cols)
      r->relieves_col = cols;
    if(!names || !lines || !cols) {
      p->oom = 1;
      return;
    }
    r->relieves[k] = xstrdup(p, id->text);
    r->relieves_line[k] = id->line;
    r->relieves_col[k] = id->col;
    r->nrelieves++;
    next(p);
    if(cur(p)->kind != T_COMMA)
      break;
    next(p);
  }
}

static void parse_set(parser *p, cg_rule *r)
{
  const cg_token *t = cur(p);
  cg_set *v;
  int lit;

  if(t->kind != T_IDENT) {
    perr(p, t, "expected a fact name after 'set'");
    sync_clause(p);
    return;
  }
  v = realloc(r->sets, (r->nsets + 1) * sizeof(*v));
  if(!v) {
    p->oom = 1;
    return;
  }
  r->sets = v;
  v = &r->sets[r->nsets];
  memset(v, 0, sizeof(*v));
  v->fact = -1;
  v->node = -1;
  v->line = t->line;
  v->col = t->col;
  v->name = xstrdup(p, t->text);
  r->nsets++;
  next(p);
  if(expect(p, T_ASSIGN, "'=' after the fact name in 'set'") < 0) {
    sync_clause(p);
    return;
  }
  lit = parse_literal(p);
  if(lit < 0) {
    if(!p->oom)
      perr(p, cur(p), "expected a literal value in 'set'");
    sync_clause(p);
    return;
  }
  r->sets[r->nsets - 1].node = lit;
}

static int parse_date_clause(parser *p, int32_t *out)
{
  const cg_token *t = cur(p);
  cg_error e;

  if(t->kind != T_DATE) {
    perr(p, t, "expected a date YYYY-MM-DD");
    sync_clause(p);
    return -1;
  }
  if(cg_date_parse(t->text, out, &e) != CG_OK) {
    if(cg_diag_add(p->diags, p->file, t->line, t->col, "%s", e.msg) != CG_OK)
      p->oom = 1;
    p->errors++;
  }
  next(p);
  return 0;
}

static void parse_rule(parser *p)
{
  const cg_token *start = cur(p);
  const cg_token *idt;
  cg_rule *r;
  size_t ridx;
  int seen_title = 0, seen_cite = 0, seen_eff = 0, seen_exp = 0;
  int seen_when = 0, seen_then = 0;
  size_t end;

  next(p); /* rule */
  idt = cur(p);
  if(idt->kind != T_IDENT || is_clause_kw(idt)) {
    perr(p, idt, "expected a rule id after 'rule'");
    sync_clause(p);
    while(cur(p)->kind != T_EOF && !is_top_kw(cur(p)))
      next(p);
    return;
  }
  r = new_rule(p);
  if(!r)
    return;
  ridx = p->pack->nrules - 1;
  r->id = xstrdup(p, idt->text);
  r->file = (char *)p->file;
  r->line = start->line;
  r->col = start->col;
  r->src_off = start->off;
  end = idt->end;
  next(p);

  while(!p->oom && cur(p)->kind != T_EOF && !is_top_kw(cur(p))) {
    const cg_token *t = cur(p);
    r = &p->pack->rules[ridx]; /* rules may move when nodes grow? no, but
                                  keep the pointer fresh anyway */
    if(t->kind != T_IDENT || !is_clause_kw(t)) {
      perr(p, t,
           "expected a clause (title, cite, effective, expires, "
           "when, then, set) or 'rule'");
      next(p);
      sync_clause(p);
      continue;
    }
    if(is_kw(t, "title")) {
      if(dup_clause(p, t, seen_title))
        continue;
      seen_title = 1;
      next(p);
      if(cur(p)->kind != T_STRING) {
        perr(p, cur(p), "expected a string after 'title'");
        sync_clause(p);
        continue;
      }
      r->title = xstrdup(p, cur(p)->text);
      next(p);
    }
    else if(is_kw(t, "cite")) {
      if(dup_clause(p, t, seen_cite))
        continue;
      seen_cite = 1;
      next(p);
      if(cur(p)->kind != T_STRING) {
        perr(p, cur(p), "expected a string after 'cite'");
        sync_clause(p);
        continue;
      }
      r->cite = xstrdup(p, cur(p)->text);
      next(p);
    }
    else if(is_kw(t, "effective") || is_kw(t, "expires")) {
      int eff = is_kw(t, "effective");
      if(dup_clause(p, t, eff ? seen_eff : seen_exp))
        continue;
      if(eff)
        seen_eff = 1;
      else
        seen_exp = 1;
      next(p);
      parse_date_clause(p, eff ? &r->effective : &r->expires);
    }
    else if(is_kw(t, "when")) {
      int c;
      if(dup_clause(p, t, seen_when))
        continue;
      seen_when = 1;
      next(p);
      c = parse_expr(p);
      r = &p->pack->rules[ridx];
      if(c < 0) {
        r->parse_failed = 1;
        sync_clause(p);
        continue;
      }
      r->cond = c;
    }
    else if(is_kw(t, "then")) {
      if(dup_clause(p, t, seen_then))
        continue;
      seen_then = 1;
      next(p);
      parse_then(p, r);
    }
    else if(is_kw(t, "set")) {
      next(p);
      parse_set(p, r);
    }
    if(p->i > 0)
      end = p->toks->v[p->i - 1].end;
  }
  r = &p->pack->rules[ridx];
  r->src_end = end;
  r->source = malloc(end - r->src_off + 1);
  if(!r->source) {
    p->oom = 1;
    return;
  }
  memcpy(r->source, p->text + r->src_off, end - r->src_off);
  r->source[end - r->src_off] = '\0';
}

/* define NAME = expr */
static void parse_define(parser *p)
{
  const cg_token *start = cur(p);
  const cg_token *name;
  cg_rules *pk = p->pack;
  cg_def *d;
  int node;

  next(p); /* define */
  name = cur(p);
  if(name->kind != T_IDENT || is_clause_kw(name) || strchr(name->text, '.')) {
    perr(p, name,
         "expected a definition name (letters, digits, '_'; no "
         "'.', which is for facts)");
    goto skip;
  }
  next(p);
  if(expect(p, T_ASSIGN, "'=' after the definition name") < 0)
    goto skip;
  node = parse_expr(p);
  if(node < 0)
    goto skip;
  if(pk->ndefs == pk->dcap) {
    size_t cap = pk->dcap ? pk->dcap * 2 : 16;
    cg_def *v = realloc(pk->defs, cap * sizeof(*v));
    if(!v) {
      p->oom = 1;
      return;
    }
    pk->defs = v;
    pk->dcap = cap;
  }
  d = &pk->defs[pk->ndefs++];
  d->name = xstrdup(p, name->text);
  d->node = node;
  d->file = (char *)p->file;
  d->line = start->line;
  d->col = start->col;
  if(!is_top_kw(cur(p)) && cur(p)->kind != T_EOF) {
    perr(p, cur(p), "expected 'rule', 'define' or an operator");
    goto skip;
  }
  return;
skip:
  while(cur(p)->kind != T_EOF && !is_top_kw(cur(p)))
    next(p);
}

int cg_parse(cg_rules *pack, const char *file, const char *text,
             const cg_tokens *toks, cg_rules_diags *diags)
{
  parser p;

  memset(&p, 0, sizeof(p));
  p.pack = pack;
  p.file = file;
  p.text = text;
  p.toks = toks;
  p.diags = diags;
  while(!p.oom && cur(&p)->kind != T_EOF) {
    if(is_kw(cur(&p), "rule")) {
      parse_rule(&p);
      continue;
    }
    if(is_kw(cur(&p), "define")) {
      parse_define(&p);
      continue;
    }
    perr(&p, cur(&p), "expected 'rule' or 'define'");
    while(cur(&p)->kind != T_EOF && !is_top_kw(cur(&p)))
      next(&p);
  }
  if(p.oom)
    return CG_ENOMEM;
  return p.errors;
}
