/* parser_expr.c -- tokens -> expression nodes (recursive descent):
 *
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
 * Each function reports its own error and returns -1; the caller
 * (parser.c) recovers at the next clause. Names are not resolved here
 * (see check.c). */
#include "rules/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* literal := NUMBER | STRING | DATE | true | false | unknown; -1 if the
 * current token is none of those (nothing reported). */
int cg_parse_literal(cg_parser *p)
{
  const cg_token *t = cg_parser_cur(p);
  int n;
  cg_node *nd;

  if(t->kind != T_NUMBER && t->kind != T_STRING && t->kind != T_DATE &&
     !cg_parser_is_kw(t, "true") && !cg_parser_is_kw(t, "false") &&
     !cg_parser_is_kw(t, "unknown"))
    return -1;
  n = cg_parser_new_node(p, N_LIT, t);
  if(n < 0)
    return -1;
  nd = cg_parser_node(p, n);
  if(t->kind == T_NUMBER) {
    nd->lit.kind = CG_V_NUM;
    nd->lit.u.num = t->num;
  }
  else if(t->kind == T_STRING) {
    nd->str = cg_parser_strdup(p, t->text);
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
  else if(cg_parser_is_kw(t, "unknown")) {
    nd->lit.kind = CG_V_UNKNOWN;
    nd->is_unknown_lit = 1;
  }
  else {
    nd->lit.kind = CG_V_BOOL;
    nd->lit.u.b = cg_parser_is_kw(t, "true");
  }
  cg_parser_next(p);
  return n;
}

static int parse_list(cg_parser *p)
{
  const cg_token *open = cg_parser_cur(p);
  int n = cg_parser_new_node(p, N_LIST, open);
  int *items = NULL;
  size_t count = 0, cap = 0;

  if(n < 0)
    return -1;
  cg_parser_next(p); /* '[' */
  if(cg_parser_cur(p)->kind != T_RBRACK) {
    for(;;) {
      int it = cg_parse_literal(p);
      if(it < 0) {
        if(!p->oom)
          cg_parser_error(p, cg_parser_cur(p), "expected a literal in list");
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
      if(cg_parser_cur(p)->kind == T_COMMA) {
        cg_parser_next(p);
        continue;
      }
      break;
    }
  }
  if(cg_parser_cur(p)->kind != T_RBRACK) {
    cg_parser_error(p, cg_parser_cur(p), "expected ',' or ']' in list");
    free(items);
    return -1;
  }
  cg_parser_next(p);
  cg_parser_node(p, n)->items = items;
  cg_parser_node(p, n)->nitems = count;
  return n;
}

static int parse_primary(cg_parser *p)
{
  const cg_token *t = cg_parser_cur(p);
  int n;

  if(t->kind == T_LPAREN) {
    cg_parser_next(p);
    n = cg_parse_expr(p);
    if(n < 0)
      return -1;
    if(cg_parser_expect(p, T_RPAREN, "')'") < 0)
      return -1;
    return n;
  }
  if(t->kind == T_LBRACK)
    return parse_list(p);
  n = cg_parse_literal(p);
  if(n >= 0 || p->oom)
    return n;
  if(t->kind == T_IDENT &&
     (cg_parser_is_kw(t, "year") || cg_parser_is_kw(t, "known")) &&
     p->toks->v[p->i + 1].kind == T_LPAREN) {
    int is_year = cg_parser_is_kw(t, "year");
    int arg;
    n = cg_parser_new_node(p, is_year ? N_YEAR : N_KNOWN, t);
    if(n < 0)
      return -1;
    cg_parser_next(p);
    cg_parser_next(p);
    if(is_year) {
      arg = cg_parse_expr(p);
      if(arg < 0)
        return -1;
      cg_parser_node(p, n)->a = arg;
    }
    else {
      if(cg_parser_cur(p)->kind != T_IDENT) {
        cg_parser_error(p, cg_parser_cur(p),
                        "expected a fact name in known()");
        return -1;
      }
      cg_parser_node(p, n)->str = cg_parser_strdup(p, cg_parser_cur(p)->text);
      cg_parser_next(p);
    }
    if(cg_parser_expect(p, T_RPAREN, "')'") < 0)
      return -1;
    return n;
  }
  if(t->kind == T_IDENT && !cg_parser_is_clause_kw(t) &&
     !cg_parser_is_kw(t, "and") && !cg_parser_is_kw(t, "or") &&
     !cg_parser_is_kw(t, "not") && !cg_parser_is_kw(t, "in") &&
     !cg_parser_is_kw(t, "matches")) {
    n = cg_parser_new_node(p, N_FACT, t);
    if(n < 0)
      return -1;
    cg_parser_node(p, n)->str = cg_parser_strdup(p, t->text);
    cg_parser_next(p);
    return n;
  }
  cg_parser_error(p, t, "expected a fact, literal, list, '(' or function");
  return -1;
}

static int parse_group(cg_parser *p, int left, const cg_token *at)
{
  int n = cg_parser_new_node(p, N_GROUP, at);
  char **names = NULL;
  size_t count = 0;

  if(n < 0)
    return -1;
  cg_parser_node(p, n)->a = left;
  cg_parser_next(p); /* group */
  if(cg_parser_expect(p, T_LPAREN, "'(' after group") < 0)
    return -1;
  for(;;) {
    char **v;
    if(cg_parser_cur(p)->kind != T_STRING) {
      cg_parser_error(p, cg_parser_cur(p),
                      "expected a group name string such as \"D:5\"");
      goto fail;
    }
    v = realloc(names, (count + 1) * sizeof(*v));
    if(!v) {
      p->oom = 1;
      goto fail;
    }
    names = v;
    names[count] = cg_parser_strdup(p, cg_parser_cur(p)->text);
    /* remember where each name is, for errors: one node per name */
    count++;
    cg_parser_next(p);
    if(cg_parser_cur(p)->kind == T_COMMA) {
      cg_parser_next(p);
      continue;
    }
    break;
  }
  if(cg_parser_expect(p, T_RPAREN, "')' after group names") < 0)
    goto fail;
  cg_parser_node(p, n)->group_names = names;
  cg_parser_node(p, n)->nitems = count;
  return n;
fail:
  cg_parser_node(p, n)->group_names = names;
  cg_parser_node(p, n)->nitems = count;
  return -1;
}

static int parse_cmp(cg_parser *p)
{
  int left = parse_primary(p);
  const cg_token *t;
  int negate = 0, n = -1;

  if(left < 0)
    return -1;
  t = cg_parser_cur(p);
  if(t->kind >= T_EQ && t->kind <= T_GE) {
    int right;
    n = cg_parser_new_node(p, N_CMP, t);
    if(n < 0)
      return -1;
    cg_parser_node(p, n)->op = (int)t->kind;
    cg_parser_next(p);
    right = parse_primary(p);
    if(right < 0)
      return -1;
    cg_parser_node(p, n)->a = left;
    cg_parser_node(p, n)->b = right;
    return n;
  }
  if(cg_parser_is_kw(t, "not") &&
     cg_parser_is_kw(&p->toks->v[p->i + 1], "in")) {
    negate = 1;
    cg_parser_next(p);
    t = cg_parser_cur(p);
  }
  if(cg_parser_is_kw(t, "in")) {
    cg_parser_next(p);
    if(cg_parser_is_kw(cg_parser_cur(p), "group")) {
      n = parse_group(p, left, t);
    }
    else if(cg_parser_cur(p)->kind == T_LBRACK) {
      int list = parse_list(p);
      if(list < 0)
        return -1;
      n = cg_parser_new_node(p, N_IN, t);
      if(n < 0)
        return -1;
      cg_parser_node(p, n)->a = left;
      cg_parser_node(p, n)->b = list;
    }
    else {
      cg_parser_error(p, cg_parser_cur(p),
                      "expected '[' or group(...) after 'in'");
      return -1;
    }
    if(n < 0)
      return -1;
    if(negate) {
      int nn = cg_parser_new_node(p, N_NOT, t);
      if(nn < 0)
        return -1;
      cg_parser_node(p, nn)->a = n;
      n = nn;
    }
    return n;
  }
  if(cg_parser_is_kw(t, "matches")) {
    cg_parser_next(p);
    if(cg_parser_cur(p)->kind != T_REGEX) {
      cg_parser_error(p, cg_parser_cur(p), "expected /regex/ after 'matches'");
      return -1;
    }
    n = cg_parser_new_node(p, N_MATCH, cg_parser_cur(p));
    if(n < 0)
      return -1;
    cg_parser_node(p, n)->a = left;
    cg_parser_node(p, n)->str = cg_parser_strdup(p, cg_parser_cur(p)->text);
    cg_parser_node(p, n)->regex_flags = (int)cg_parser_cur(p)->num;
    cg_parser_next(p);
    return n;
  }
  return left;
}

static int parse_not(cg_parser *p)
{
  const cg_token *t = cg_parser_cur(p);
  int n, a;

  if(!cg_parser_is_kw(t, "not"))
    return parse_cmp(p);
  if(++p->depth > CG_RULES_MAX_DEPTH) {
    cg_parser_error(p, t, "expression nested too deeply (max %d)",
                    CG_RULES_MAX_DEPTH);
    return -1;
  }
  cg_parser_next(p);
  a = parse_not(p);
  p->depth--;
  if(a < 0)
    return -1;
  n = cg_parser_new_node(p, N_NOT, t);
  if(n < 0)
    return -1;
  cg_parser_node(p, n)->a = a;
  return n;
}

/* and := not ('and' not)*; or := and ('or' and)*. A chain of one
 * operator becomes one n-ary node (kids, in source order), so a long
 * chain costs neither stack depth nor quadratic work in the passes that
 * walk the tree (check.c, eval.c). A single operand is returned as is. */
static int parse_binary(cg_parser *p, int is_or)
{
  const char *op = is_or ? "or" : "and";
  const cg_token *at;
  int *kids = NULL;
  size_t n = 0, cap = 0;
  int left = is_or ? parse_binary(p, 0) : parse_not(p);
  int nd;

  if(left < 0 || !cg_parser_is_kw(cg_parser_cur(p), op))
    return left;
  at = cg_parser_cur(p);
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
    if(!cg_parser_is_kw(cg_parser_cur(p), op))
      break;
    cg_parser_next(p);
    left = is_or ? parse_binary(p, 0) : parse_not(p);
    if(left < 0) {
      free(kids);
      return -1;
    }
  }
  nd = cg_parser_new_node(p, is_or ? N_OR : N_AND, at);
  if(nd < 0) {
    free(kids);
    return -1;
  }
  cg_parser_node(p, nd)->kids = kids;
  cg_parser_node(p, nd)->nkids = n;
  return nd;
}

int cg_parse_expr(cg_parser *p)
{
  int n;

  if(++p->depth > CG_RULES_MAX_DEPTH) {
    cg_parser_error(p, cg_parser_cur(p),
                    "expression nested too deeply (max %d)",
                    CG_RULES_MAX_DEPTH);
    p->depth--;
    return -1;
  }
  n = parse_binary(p, 1);
  p->depth--;
  return n;
}
