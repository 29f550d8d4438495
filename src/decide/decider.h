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
#define HITS_CACHE  4096 /* customer id -> screening hits slots (memo) */

/* One customer's screening hits, clearances applied, kept by the memo. */
typedef struct hits_slot {
  int64_t customer_id; /* 0 = empty */
  cg_screen_hits hits;
} hits_slot;

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
  /* cg_decider_memo: NULL until called; then the lists version and each
   * customer's hits are kept while data_version stays memo_version. */
  hits_slot *memo;
  int64_t memo_version;
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
 * decide_screen.c). *hits gets the hits, which the facts' strings borrow:
 * either *own (the caller frees it) or the memo's, alive until the next
 * cg_decider_memo or cg_decider_close. */
int cg_decide_screen_facts(cg_decider *d, const cg_customer *cu, cg_facts *f,
                           cg_screen_hits *own, const cg_screen_hits **hits,
                           cg_error *err);

/* Empties the memo's slots (not the array). */
void cg_decide_memo_flush(cg_decider *d);

/* The decision's screening part: every hit with its clearances. */
void cg_decide_hits_part(cg_decision *dn, const cg_screen_hits *hits, int *ok);

#endif
