/* rowseen.c -- see rowseen.h. An open-addressing hash table: an import
 * of a million rows stays linear. */
#include "model/rowseen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct seen_ent {
  char *key;  /* folded if nocase */
  char *body; /* the row's trimmed fields joined by \x1f */
  long line;
} seen_ent;

struct cg_rowseen {
  seen_ent *v;
  size_t n, cap; /* cap: a power of two */
  int nocase;
};

cg_rowseen *cg_rowseen_new(int nocase)
{
  cg_rowseen *s = calloc(1, sizeof(*s));

  if(!s)
    return NULL;
  s->cap = 64;
  s->v = calloc(s->cap, sizeof(*s->v));
  if(!s->v) {
    free(s);
    return NULL;
  }
  s->nocase = nocase;
  return s;
}

void cg_rowseen_free(cg_rowseen *s)
{
  size_t i;

  if(!s)
    return;
  for(i = 0; i < s->cap; i++) {
    free(s->v[i].key);
    free(s->v[i].body);
  }
  free(s->v);
  free(s);
}

static uint64_t hash(const char *k)
{
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */

  for(; *k; k++)
    h = (h ^ (unsigned char)*k) * 1099511628211ULL;
  return h;
}

static char *fold(const char *k, int nocase)
{
  char *f = strdup(k), *p;

  if(f && nocase)
    for(p = f; *p; p++)
      if(*p >= 'A' && *p <= 'Z')
        *p = (char)(*p + 32);
  return f;
}

/* The row's fields, each without surrounding spaces and tabs. */
static char *body_of(const cg_csv_row *row)
{
  size_t i, len = 1;
  char *b, *p;

  for(i = 0; i < row->n; i++)
    len += strlen(row->fields[i]) + 1;
  b = p = malloc(len);
  if(!b)
    return NULL;
  for(i = 0; i < row->n; i++) {
    const char *s = row->fields[i];
    size_t n;
    while(*s == ' ' || *s == '\t')
      s++;
    n = strlen(s);
    while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
      n--;
    memcpy(p, s, n);
    p += n;
    *p++ = '\x1f';
  }
  *p = '\0';
  return b;
}

static int grow(cg_rowseen *s)
{
  size_t cap = s->cap * 2, i;
  seen_ent *v = calloc(cap, sizeof(*v));

  if(!v)
    return CG_ENOMEM;
  for(i = 0; i < s->cap; i++) {
    size_t j;
    if(!s->v[i].key)
      continue;
    for(j = hash(s->v[i].key) & (cap - 1); v[j].key; j = (j + 1) & (cap - 1))
      ;
    v[j] = s->v[i];
  }
  free(s->v);
  s->v = v;
  s->cap = cap;
  return CG_OK;
}

int cg_rowseen_add(cg_rowseen *s, const char *key, const cg_csv_row *row,
                   const char *where, const char *what, cg_error *err)
{
  char *k = fold(key, s->nocase), *body = body_of(row);
  size_t j;

  if(!k || !body || (s->n + 1 > s->cap / 2 && grow(s) != CG_OK)) {
    free(k);
    free(body);
    return cg_error_set(err, CG_ENOMEM, "%s: out of memory", where);
  }
  for(j = hash(k) & (s->cap - 1); s->v[j].key; j = (j + 1) & (s->cap - 1)) {
    int same;
    if(strcmp(s->v[j].key, k) != 0)
      continue;
    same = strcmp(s->v[j].body, body) == 0;
    free(k);
    free(body);
    if(same)
      return 0;
    return cg_error_set(err, CG_EINVAL,
                        "%s: %s \"%s\" is also on line %ld with different "
                        "values (one file says one thing per %s; an "
                        "identical repeat is allowed)",
                        where, what, key, s->v[j].line, what);
  }
  s->v[j].key = k;
  s->v[j].body = body;
  s->v[j].line = row->line;
  s->n++;
  return 1;
}
