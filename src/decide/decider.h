/* decider.h -- private to decide/: the decider's state, shared by
 * decide.c (facts, rules, licences, the decision) and decide_screen.c
 * (screening facts and hits), and the arena copies both use. */
#ifndef CG_DECIDER_H
#define CG_DECIDER_H

#include "decide/decide.h"
#include "model/license.h"
#include "screen/screen.h"
#include "decide/workload.h"

#define GROUP_CACHE 1024 /* country/date -> group mask slots */

typedef struct group_slot {
  char country[3]; /* "" = empty slot */
  int32_t date;    /* day number */
  unsigned mask;   /* CG_GROUP_* bits */
} group_slot;

struct cg_decider {
  cg_store *db;            /* borrowed */
  const cg_rules *pack;    /* borrowed */
  cg_decide_opts opts;     /* copied */
  char ruleset[72];        /* "sha256:..." */
  cg_workloads *workloads; /* reference runs for the estimates */
  char lists[72];          /* "sha256:..." of the screening lists, or "" */
  group_slot groups[GROUP_CACHE];
  cg_license_matcher *licenses; /* held-licence lookups */
  cg_screener *screener;        /* screening context (loaded index) */
  char world_date[11];          /* date of `world`, "" if none loaded */
  cg_rules_country *world;      /* every country's groups on that date */
  size_t nworld;
};

/* Reads the screening lists' version now into d->lists ("" if none). */
int cg_decider_lists_now(cg_decider *d, cg_error *err);

/* A copy into the decision's arena: *ok drops to 0 on out-of-memory (a
 * NULL s is not a failure). */
static inline const char *dup(cg_decision *dn, const char *s, int *ok)
{
  const char *c = cg_decision_strdup(dn, s);

  if(s && !c)
    *ok = 0;
  return c;
}

/* "" means unknown in the records; NULL in the decision. */
static inline const char *dup_code(cg_decision *dn, const char *s, int *ok)
{
  return dup(dn, s && s[0] ? s : NULL, ok);
}

/* Screens the customer (and its parent) and sets the list facts (see
 * decide_screen.c); the hits stay alive in *hits for the facts' strings. */
int cg_decide_screen_facts(cg_decider *d, const cg_customer *cu, cg_facts *f,
                           cg_screen_hits *hits, cg_error *err);

/* The decision's screening part: every hit with its clearances. */
void cg_decide_hits_part(cg_decision *dn, const cg_screen_hits *hits, int *ok);

#endif
