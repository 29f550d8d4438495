/* decision_arena.c -- see decision.h: a decision's init/clear and the
 * arena that owns its strings and arrays. Kept apart from the writer and
 * reader, which both allocate from it, so no two files call each other. */
#include "decide/decision.h"

#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ==== the arena ======================================================== */

#define ARENA_BLOCK 8192 /* bytes per ordinary block */

typedef struct arena_block {
  struct arena_block *next; /* older block */
  size_t used;              /* bytes handed out of data */
  size_t size;              /* bytes in data */
  alignas(max_align_t) unsigned char data[];
} arena_block;

struct cg_decision_arena {
  arena_block *head; /* newest block, the one being filled */
};

void cg_decision_init(cg_decision *d)
{
  memset(d, 0, sizeof(*d));
  d->decision = CG_OUT_NLR;
  d->chip.node_nm = NAN;
  d->chip.nonplanar = -1;
  d->chip.tpp = NAN;
  d->chip.pd = NAN;
  d->chip.die_area_mm2 = NAN;
  d->chip.transistors_billion = NAN;
  d->chip.datacenter = -1;
  d->chip.hbm = -1;
  d->chip.memory_bandwidth_gbs = NAN;
  d->order.export_from_us = -1;
  d->license.max_qty = -1;
  d->workload.mfu = NAN;
  d->workload.quantity = NAN;
  d->workload.tpp = NAN;
  d->workload.h100e_per_chip = NAN;
  d->workload.h100e = NAN;
  d->workload.peak16_flops_per_chip = NAN;
  d->workload.fp8_flops_per_chip = NAN;
  d->workload.cluster_peak_flops = NAN;
  d->workload.cluster_effective_flops = NAN;
  d->workload.flop_30d = NAN;
  d->workload.flop_90d = NAN;
  d->workload.flop_365d = NAN;
  d->workload.optimal_params_90d = NAN;
  d->workload.optimal_tokens_90d = NAN;
  d->workload.reaches_1e26_365d = -1;
  d->workload.days_to_1e26 = NAN;
}

void cg_decision_clear(cg_decision *d)
{
  arena_block *b, *next;

  if(!d)
    return;
  if(d->arena) {
    for(b = d->arena->head; b; b = next) {
      next = b->next;
      free(b);
    }
    free(d->arena);
  }
  cg_decision_init(d);
}

void *cg_decision_alloc(cg_decision *d, size_t n)
{
  const size_t align = alignof(max_align_t);
  arena_block *b;
  void *p;

  if(n == 0 || n > SIZE_MAX / 2)
    return NULL;
  n = (n + align - 1) / align * align;
  if(!d->arena) {
    d->arena = calloc(1, sizeof(*d->arena));
    if(!d->arena)
      return NULL;
  }
  b = d->arena->head;
  if(!b || b->size - b->used < n) {
    size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    b = malloc(sizeof(*b) + size);
    if(!b)
      return NULL;
    b->size = size;
    b->used = 0;
    b->next = d->arena->head;
    d->arena->head = b;
  }
  p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

const char *cg_decision_strdup(cg_decision *d, const char *s)
{
  size_t n;
  char *p;

  if(!s)
    return NULL;
  n = strlen(s) + 1;
  p = cg_decision_alloc(d, n);
  if(p)
    memcpy(p, s, n);
  return p;
}
