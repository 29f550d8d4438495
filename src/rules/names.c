/* names.c -- a sorted (name, index) table: rule ids and ECCN values are
 * looked up by binary search, so checking and compiling a pack stay
 * n log n in its number of rules (a linear scan per rule made loading
 * 100,000 rules take minutes). */
#include "rules/internal.h"

#include <stdlib.h>
#include <string.h>

static int cmp_ent(const void *a, const void *b)
{
  const cg_name_ent *x = a, *y = b;
  int c = strcmp(x->key, y->key);

  if(c)
    return c;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void cg_names_sort(cg_name_ent *v, size_t n)
{
  if(n > 1)
    qsort(v, n, sizeof(*v), cmp_ent);
}

int cg_names_find(const cg_name_ent *v, size_t n, const char *key)
{
  size_t lo = 0, hi = n;

  /* lower bound: the first entry not below key, i.e. the lowest index
   * among equal keys */
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if(strcmp(v[mid].key, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && strcmp(v[lo].key, key) == 0 ? v[lo].idx : -1;
}
