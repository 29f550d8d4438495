/* parser.c -- tokens -> rules and definitions (recursive descent).
 *
 *   file    := (rule | define)*
 *   define  := 'define' NAME '=' expr
 *   rule    := 'rule' ID clause*
 *   clause  := 'title' STRING | 'cite' STRING | 'effective' DATE
 *            | 'expires' DATE | 'when' expr | 'set' FACT '=' literal
 *            | 'then' ACTION STRING ['own_licence']
 *                     ['relieves' ID (',' ID)*]
 *   expr, literal: see parser_expr.c
 *
 * On an error the parser reports it and skips to the next clause keyword
 * or `rule`, so one load lists every error. Names are not resolved here
 * (see check.c). */
#include "rules/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static cg_rule *new_rule(cg_parser *p)
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

static int dup_clause(cg_parser *p, const cg_token *t, int seen)
{
  if(seen) {
    cg_parser_error(p, t, "duplicate '%s' clause: expected each clause once",
                    t->text);
    cg_parser_next(p);
    cg_parser_sync_clause(p);
    return 1;
  }
  return 0;
}

static void parse_then(cg_parser *p, cg_rule *r)
{
  const cg_token *t = cg_parser_cur(p);
  int act;

  if(t->kind != T_IDENT) {
    cg_parser_error(p, t,
                    "expected an action (classify, nlr, exception, notify, "
                    "hold, require_license, deny, flag)");
    r->parse_failed = 1;
    cg_parser_sync_clause(p);
    return;
  }
  act = action_of(t->text);
  if(act < 0) {
    cg_parser_error(
        p, t,
        "unknown action: expected one of classify, nlr, exception, "
        "notify, hold, require_license, deny, flag");
    r->parse_failed = 1;
    cg_parser_next(p);
    cg_parser_sync_clause(p);
    return;
  }
  r->action = (cg_action)act;
  r->has_action = 1;
  cg_parser_next(p);
  if(cg_parser_cur(p)->kind != T_STRING) {
    cg_parser_error(p, cg_parser_cur(p), "expected a reason string after '%s'",
                    action_names[act]);
    cg_parser_sync_clause(p);
    return;
  }
  r->reason = cg_parser_strdup(p, cg_parser_cur(p)->text);
  cg_parser_next(p);
  if(cg_parser_is_kw(cg_parser_cur(p), "own_licence")) {
    r->own_licence = cg_parser_cur(p)->line;
    r->own_licence_col = cg_parser_cur(p)->col;
    cg_parser_next(p);
  }
  if(!cg_parser_is_kw(cg_parser_cur(p), "relieves"))
    return;
  cg_parser_next(p);
  for(;;) {
    const cg_token *id = cg_parser_cur(p);
    size_t k = r->nrelieves;
    char **names;
    int *lines, *cols;
    if(id->kind != T_IDENT || cg_parser_is_clause_kw(id)) {
      cg_parser_error(p, id, "expected a rule id after 'relieves'");
      cg_parser_sync_clause(p);
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
    r->relieves[k] = cg_parser_strdup(p, id->text);
    r->relieves_line[k] = id->line;
    r->relieves_col[k] = id->col;
    r->nrelieves++;
    cg_parser_next(p);
    if(cg_parser_cur(p)->kind != T_COMMA)
      break;
    cg_parser_next(p);
  }
}

static void parse_set(cg_parser *p, cg_rule *r)
{
  const cg_token *t = cg_parser_cur(p);
  cg_set *v;
  int lit;

  if(t->kind != T_IDENT) {
    cg_parser_error(p, t, "expected a fact name after 'set'");
    cg_parser_sync_clause(p);
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
  v->name = cg_parser_strdup(p, t->text);
  r->nsets++;
  cg_parser_next(p);
  if(cg_parser_expect(p, T_ASSIGN, "'=' after the fact name in 'set'") < 0) {
    cg_parser_sync_clause(p);
    return;
  }
  lit = cg_parse_literal(p);
  if(lit < 0) {
    if(!p->oom)
      cg_parser_error(p, cg_parser_cur(p),
                      "expected a literal value in 'set'");
    cg_parser_sync_clause(p);
    return;
  }
  r->sets[r->nsets - 1].node = lit;
}

static int parse_date_clause(cg_parser *p, int32_t *out)
{
  const cg_token *t = cg_parser_cur(p);
  cg_error e;

  if(t->kind != T_DATE) {
    cg_parser_error(p, t, "expected a date YYYY-MM-DD");
    cg_parser_sync_clause(p);
    return -1;
  }
  if(cg_date_parse(t->text, out, &e) != CG_OK) {
    if(cg_diag_add(p->diags, p->file, t->line, t->col, "%s", e.msg) != CG_OK)
      p->oom = 1;
    p->errors++;
  }
  cg_parser_next(p);
  return 0;
}

/* The clauses a rule has had so far: each may appear once (`set` may
 * repeat). */
typedef struct clauses_seen {
  int title, cite, effective, expires, when, then;
} clauses_seen;

/* 'title' STRING or 'cite' STRING, the keyword already consumed: the
 * string goes to *dst. 1 when parsed, 0 after an error. */
static int parse_text_clause(cg_parser *p, const char *kw, char **dst)
{
  if(cg_parser_cur(p)->kind != T_STRING) {
    cg_parser_error(p, cg_parser_cur(p), "expected a string after '%s'", kw);
    cg_parser_sync_clause(p);
    return 0;
  }
  *dst = cg_parser_strdup(p, cg_parser_cur(p)->text);
  cg_parser_next(p);
  return 1;
}

/* 'when' expr, the keyword already consumed. 1 when parsed, 0 after an
 * error (the rule is marked parse_failed). */
static int parse_when(cg_parser *p, size_t ridx)
{
  int c = cg_parse_expr(p);
  cg_rule *r = &p->pack->rules[ridx];

  if(c < 0) {
    r->parse_failed = 1;
    cg_parser_sync_clause(p);
    return 0;
  }
  r->cond = c;
  return 1;
}

/* One clause of rule ridx at the current token. Returns 1 when the
 * rule's source text extends over what was consumed, 0 when the clause
 * was refused (then the parser has skipped to the next clause). */
static int parse_clause(cg_parser *p, size_t ridx, clauses_seen *seen)
{
  const cg_token *t = cg_parser_cur(p);
  /* rules do not move while a clause is parsed; re-read it anyway */
  cg_rule *r = &p->pack->rules[ridx];

  if(t->kind != T_IDENT || !cg_parser_is_clause_kw(t)) {
    cg_parser_error(p, t,
                    "expected a clause (title, cite, effective, expires, "
                    "when, then, set) or 'rule'");
    cg_parser_next(p);
    cg_parser_sync_clause(p);
    return 0;
  }
  if(cg_parser_is_kw(t, "title")) {
    if(dup_clause(p, t, seen->title))
      return 0;
    seen->title = 1;
    cg_parser_next(p);
    return parse_text_clause(p, "title", &r->title);
  }
  if(cg_parser_is_kw(t, "cite")) {
    if(dup_clause(p, t, seen->cite))
      return 0;
    seen->cite = 1;
    cg_parser_next(p);
    return parse_text_clause(p, "cite", &r->cite);
  }
  if(cg_parser_is_kw(t, "effective") || cg_parser_is_kw(t, "expires")) {
    int eff = cg_parser_is_kw(t, "effective");
    int *once = eff ? &seen->effective : &seen->expires;
    if(dup_clause(p, t, *once))
      return 0;
    *once = 1;
    cg_parser_next(p);
    parse_date_clause(p, eff ? &r->effective : &r->expires);
    return 1;
  }
  if(cg_parser_is_kw(t, "when")) {
    if(dup_clause(p, t, seen->when))
      return 0;
    seen->when = 1;
    cg_parser_next(p);
    return parse_when(p, ridx);
  }
  if(cg_parser_is_kw(t, "then")) {
    if(dup_clause(p, t, seen->then))
      return 0;
    seen->then = 1;
    cg_parser_next(p);
    parse_then(p, r);
    return 1;
  }
  if(cg_parser_is_kw(t, "set")) {
    cg_parser_next(p);
    parse_set(p, r);
  }
  /* `rule` and `define` end the loop in parse_rule before we get here */
  return 1;
}

/* Keeps a copy of the rule's source text, bytes [src_off, end). */
static void keep_source(cg_parser *p, cg_rule *r, size_t end)
{
  r->src_end = end;
  r->source = malloc(end - r->src_off + 1);
  if(!r->source) {
    p->oom = 1;
    return;
  }
  memcpy(r->source, p->text + r->src_off, end - r->src_off);
  r->source[end - r->src_off] = '\0';
}

static void parse_rule(cg_parser *p)
{
  const cg_token *start = cg_parser_cur(p);
  const cg_token *idt;
  clauses_seen seen = { 0 };
  cg_rule *r;
  size_t ridx;
  size_t end;

  cg_parser_next(p); /* rule */
  idt = cg_parser_cur(p);
  if(idt->kind != T_IDENT || cg_parser_is_clause_kw(idt)) {
    cg_parser_error(p, idt, "expected a rule id after 'rule'");
    cg_parser_sync_clause(p);
    while(cg_parser_cur(p)->kind != T_EOF &&
          !cg_parser_is_top_kw(cg_parser_cur(p)))
      cg_parser_next(p);
    return;
  }
  r = new_rule(p);
  if(!r)
    return;
  ridx = p->pack->nrules - 1;
  r->id = cg_parser_strdup(p, idt->text);
  r->file = (char *)p->file;
  r->line = start->line;
  r->col = start->col;
  r->src_off = start->off;
  end = idt->end;
  cg_parser_next(p);

  while(!p->oom && cg_parser_cur(p)->kind != T_EOF &&
        !cg_parser_is_top_kw(cg_parser_cur(p))) {
    if(parse_clause(p, ridx, &seen) && p->i > 0)
      end = p->toks->v[p->i - 1].end;
  }
  keep_source(p, &p->pack->rules[ridx], end);
}

/* define NAME = expr */
static void parse_define(cg_parser *p)
{
  const cg_token *start = cg_parser_cur(p);
  const cg_token *name;
  cg_rules *pk = p->pack;
  cg_def *d;
  int node;

  cg_parser_next(p); /* define */
  name = cg_parser_cur(p);
  if(name->kind != T_IDENT || cg_parser_is_clause_kw(name) ||
     strchr(name->text, '.')) {
    cg_parser_error(p, name,
                    "expected a definition name (letters, digits, '_'; no "
                    "'.', which is for facts)");
    goto skip;
  }
  cg_parser_next(p);
  if(cg_parser_expect(p, T_ASSIGN, "'=' after the definition name") < 0)
    goto skip;
  node = cg_parse_expr(p);
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
  d->name = cg_parser_strdup(p, name->text);
  d->node = node;
  d->file = (char *)p->file;
  d->line = start->line;
  d->col = start->col;
  if(!cg_parser_is_top_kw(cg_parser_cur(p)) &&
     cg_parser_cur(p)->kind != T_EOF) {
    cg_parser_error(p, cg_parser_cur(p),
                    "expected 'rule', 'define' or an operator");
    goto skip;
  }
  return;
skip:
  while(cg_parser_cur(p)->kind != T_EOF &&
        !cg_parser_is_top_kw(cg_parser_cur(p)))
    cg_parser_next(p);
}

int cg_parse(cg_rules *pack, const char *file, const char *text,
             const cg_tokens *toks, cg_rules_diags *diags)
{
  cg_parser p;

  memset(&p, 0, sizeof(p));
  p.pack = pack;
  p.file = file;
  p.text = text;
  p.toks = toks;
  p.diags = diags;
  while(!p.oom && cg_parser_cur(&p)->kind != T_EOF) {
    if(cg_parser_is_kw(cg_parser_cur(&p), "rule")) {
      parse_rule(&p);
      continue;
    }
    if(cg_parser_is_kw(cg_parser_cur(&p), "define")) {
      parse_define(&p);
      continue;
    }
    cg_parser_error(&p, cg_parser_cur(&p), "expected 'rule' or 'define'");
    while(cg_parser_cur(&p)->kind != T_EOF &&
          !cg_parser_is_top_kw(cg_parser_cur(&p)))
      cg_parser_next(&p);
  }
  if(p.oom)
    return CG_ENOMEM;
  return p.errors;
}
