/* parser_base.c -- what both halves of the parser share: error
 * reports ("expected X, got Y"), recovery to the next clause, and node
 * allocation. The token cursor is inline in internal.h. */
#include "rules/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void cg_parser_error(cg_parser *p, const cg_token *t, const char *fmt, ...)
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

int cg_parser_is_clause_kw(const cg_token *t)
{
  int i;

  if(t->kind != T_IDENT)
    return 0;
  for(i = 0; clause_kws[i]; i++)
    if(strcmp(t->text, clause_kws[i]) == 0)
      return 1;
  return cg_parser_is_kw(t, "rule") || cg_parser_is_kw(t, "define");
}

int cg_parser_is_top_kw(const cg_token *t)
{
  return cg_parser_is_kw(t, "rule") || cg_parser_is_kw(t, "define");
}

/* Skips to the next clause keyword, `rule` or EOF. */
void cg_parser_sync_clause(cg_parser *p)
{
  while(cg_parser_cur(p)->kind != T_EOF &&
        !cg_parser_is_clause_kw(cg_parser_cur(p)))
    cg_parser_next(p);
}

/* ---- nodes ------------------------------------------------------------ */

int cg_parser_new_node(cg_parser *p, node_kind k, const cg_token *at)
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

char *cg_parser_strdup(cg_parser *p, const char *s)
{
  char *d = strdup(s);

  if(!d)
    p->oom = 1;
  return d;
}

int cg_parser_expect(cg_parser *p, tok_kind k, const char *what)
{
  if(cg_parser_cur(p)->kind != k) {
    cg_parser_error(p, cg_parser_cur(p), "expected %s", what);
    return -1;
  }
  cg_parser_next(p);
  return 0;
}
