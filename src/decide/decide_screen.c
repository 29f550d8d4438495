/* decide_screen.c -- the screening part of a decision: screens the
 * customer and its parent, turns the sure, uncleared hits into list facts
 * by list, and records every hit with its clearances. */
#include "decide/decider.h"

#include <stdlib.h>
#include <string.h>

static const char *footnote_name(int bits)
{
  if(bits & CG_SCREEN_FN1)
    return "fn1";
  if(bits & CG_SCREEN_FN4)
    return "fn4";
  if(bits & CG_SCREEN_FN5)
    return "fn5";
  return "";
}

/* The clearances in force on h, which the decision relied on (or, for a
 * sure hit with one reviewer so far, did not yet). */
static void hit_clearances(cg_decision *dn, cg_decision_hit *x,
                           const cg_screen_hit *h, int *ok)
{
  size_t i;

  if(!h->nclear)
    return;
  x->clearances = cg_decision_alloc(dn, h->nclear * sizeof(*x->clearances));
  if(!x->clearances) {
    *ok = 0;
    return;
  }
  x->nclearances = h->nclear;
  for(i = 0; i < h->nclear; i++) {
    x->clearances[i].id = h->clear[i].id;
    x->clearances[i].reviewer = dup(dn, h->clear[i].reviewer, ok);
    x->clearances[i].reason = dup(dn, h->clear[i].reason, ok);
    x->clearances[i].cleared_at = dup(dn, h->clear[i].cleared_at, ok);
  }
}

void cg_decide_hits_part(cg_decision *dn, const cg_screen_hits *hits, int *ok)
{
  size_t i;

  if(!hits->n)
    return;
  dn->hits = cg_decision_alloc(dn, hits->n * sizeof(*dn->hits));
  if(!dn->hits) {
    *ok = 0;
    return;
  }
  dn->nhits = hits->n;
  for(i = 0; i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];
    cg_decision_hit *x = &dn->hits[i];

    x->list = dup(dn, h->list, ok);
    x->entry_id = dup(dn, h->entry_id, ok);
    x->name = dup(dn, h->name, ok);
    x->matched_name = dup(dn, h->matched_name, ok);
    x->via_alias = h->via_alias != 0;
    x->screened = dup(dn, h->query, ok);
    x->on_parent = h->on_parent != 0;
    x->score = h->score;
    x->sure = h->sure != 0;
    x->entity_list = h->entity_list != 0;
    x->footnote = dup(dn, footnote_name(h->footnotes), ok);
    x->country = dup(dn, h->country, ok);
    x->license_requirement = dup(dn, h->license_requirement, ok);
    x->license_policy = dup(dn, h->license_policy, ok);
    x->federal_register_notice = dup(dn, h->federal_register_notice, ok);
    x->explain = dup(dn, h->explain, ok);
    x->list_kind = dup(dn, cg_screen_list_kind_name(h->kind), ok);
    x->cleared = h->cleared != 0;
    if(h->cleared)
      x->clear_reason = dup(dn, h->clear_reason, ok);
    hit_clearances(dn, x, h, ok);
  }
}

/* The first sure, uncleared hit on each list kind (NULL if none) and
 * whether anything else (a possible hit, a sure hit on another list)
 * needs review. */
typedef struct list_hits {
  const cg_screen_hit *kind[CG_LIST_MEU + 1];
  int review;
} list_hits;

static void sort_hits(const cg_screen_hits *hits, list_hits *lh)
{
  size_t i;

  memset(lh, 0, sizeof(*lh));
  for(i = 0; i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];
    int k = h->kind >= 0 && h->kind <= CG_LIST_MEU ? h->kind : CG_LIST_OTHER;

    if(h->cleared)
      continue;
    if(!h->sure || k == CG_LIST_OTHER)
      lh->review = 1;
    else if(!lh->kind[k])
      lh->kind[k] = h;
  }
}

void cg_decide_memo_flush(cg_decider *d)
{
  size_t i;

  for(i = 0; d->memo && i < HITS_CACHE; i++)
    if(d->memo[i].customer_id) {
      cg_screen_hits_free(&d->memo[i].hits);
      d->memo[i].customer_id = 0;
    }
}

/* A stored customer's hits: the memo's when it has them (screened and
 * kept since the database last changed), else screened into the memo's
 * slot, else (no memo) into *own. */
static int customer_hits(cg_decider *d, const cg_customer *cu,
                         cg_screen_hits *own, const cg_screen_hits **hits,
                         cg_error *err)
{
  hits_slot *s;
  int rc;

  if(!d->memo) {
    *hits = own;
    return cg_screen_customer(d->screener, cu->id, d->opts.screen_threshold,
                              own, err);
  }
  s = &d->memo[(uint64_t)cu->id % HITS_CACHE];
  if(s->customer_id != cu->id) {
    if(s->customer_id)
      cg_screen_hits_free(&s->hits);
    s->customer_id = 0;
    rc = cg_screen_customer(d->screener, cu->id, d->opts.screen_threshold,
                            &s->hits, err);
    if(rc != CG_OK)
      return rc;
    s->customer_id = cu->id;
  }
  *hits = &s->hits;
  return CG_OK;
}

/* Screens the customer and its parent: by name and stored clearances for a
 * stored customer, by name alone for an ad-hoc one (*own). */
static int screen_hits(cg_decider *d, const cg_customer *cu,
                       cg_screen_hits *own, const cg_screen_hits **hits,
                       cg_error *err)
{
  cg_screen_hits ph = { 0, NULL };
  cg_screen_hit *all;
  size_t i;
  int rc;

  if(cu->id)
    return customer_hits(d, cu, own, hits, err);
  *hits = own;
  rc = cg_screen_name(d->screener, cu->name,
                      cu->country[0] ? cu->country : NULL,
                      d->opts.screen_threshold, 5, own, err);
  if(rc != CG_OK || !cu->parent)
    return rc;
  rc = cg_screen_name(d->screener, cu->parent,
                      cu->parent_hq_country[0] ? cu->parent_hq_country : NULL,
                      d->opts.screen_threshold, 5, &ph, err);
  if(rc == CG_OK && ph.n) {
    all = realloc(own->items, (own->n + ph.n) * sizeof(*all));
    if(!all) {
      cg_screen_hits_free(&ph);
      return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    }
    for(i = 0; i < ph.n; i++) {
      all[own->n + i] = ph.items[i];
      all[own->n + i].on_parent = 1;
    }
    own->items = all;
    own->n += ph.n;
    free(ph.items); /* the strings moved to *own */
    ph.items = NULL;
    ph.n = 0;
  }
  cg_screen_hits_free(&ph);
  return rc;
}

/* Screens the customer (and its parent) and sets the list facts from the
 * sure, uncleared hits on each list: Entity List -> customer.listed with
 * that entry's policy, footnote, name and notice; Denied Persons ->
 * customer.denied; SDN -> customer.blocked; Unverified -> customer.
 * unverified; MEU -> customer.meu. A possible hit, or a sure one on
 * another list, sets customer.screen_hold for review. list_entry and
 * list_cite name the Entity List entry, else the first other decisive
 * one. The hits stay alive in **hits for the facts' strings. */
int cg_decide_screen_facts(cg_decider *d, const cg_customer *cu, cg_facts *f,
                           cg_screen_hits *own, const cg_screen_hits **hits,
                           cg_error *err)
{
  static const int named[] = { CG_LIST_ENTITY, CG_LIST_SDN, CG_LIST_DENIED,
                               CG_LIST_UNVERIFIED, CG_LIST_MEU };
  const cg_screen_hit *listed, *entry = NULL;
  list_hits lh;
  size_t i;
  int rc;

  memset(&lh, 0, sizeof(lh));
  *hits = own;
  /* With the memo, d->lists is the version since the database last
   * changed (cg_decider_memo). */
  rc = d->memo ? CG_OK : cg_decider_lists_now(d, err);
  if(rc == CG_OK && d->lists[0]) /* no lists loaded: nothing to match */
    rc = screen_hits(d, cu, own, hits, err);
  if(rc != CG_OK)
    return rc;
  sort_hits(*hits, &lh);
  listed = lh.kind[CG_LIST_ENTITY];
  for(i = 0; !entry && i < sizeof(named) / sizeof(named[0]); i++)
    entry = lh.kind[named[i]];
  cg_facts_set_bool(f, CG_F_CUSTOMER_LISTED, listed != NULL);
  cg_facts_set_bool(f, CG_F_CUSTOMER_SCREEN_HOLD, lh.review);
  cg_facts_set_bool(f, CG_F_CUSTOMER_DENIED, lh.kind[CG_LIST_DENIED] != NULL);
  cg_facts_set_bool(f, CG_F_CUSTOMER_BLOCKED, lh.kind[CG_LIST_SDN] != NULL);
  cg_facts_set_bool(f, CG_F_CUSTOMER_UNVERIFIED,
                    lh.kind[CG_LIST_UNVERIFIED] != NULL);
  cg_facts_set_bool(f, CG_F_CUSTOMER_MEU, lh.kind[CG_LIST_MEU] != NULL);
  cg_facts_set_str(f, CG_F_CUSTOMER_LIST_FOOTNOTE,
                   listed ? footnote_name(listed->footnotes) : "");
  if(listed)
    cg_facts_set_str(f, CG_F_CUSTOMER_LIST_POLICY, listed->license_policy);
  if(entry) {
    cg_facts_set_str(f, CG_F_CUSTOMER_LIST_ENTRY, entry->name);
    cg_facts_set_str(f, CG_F_CUSTOMER_LIST_CITE,
                     entry->federal_register_notice);
  }
  return CG_OK;
}
