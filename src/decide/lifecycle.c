/* lifecycle.c -- see lifecycle.h. */
#include "decide/lifecycle.h"

#include "decide/audit.h"
#include "decide/decision.h"
#include "model/license.h"
#include "model/order.h"

#include "core/clock.h"
#include "core/json.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An order as a step sees it: its row, state and current decision. */
typedef struct order_ctx {
  cg_order o;           /* the order */
  cg_order_state state; /* orders.state */
  int64_t current_seq;  /* its current decision's entry, 0: none */
  cg_decision dn;       /* the current decision (parsed), if any */
  char where[200];      /* "order O-1 is open (hold)" for messages */
} order_ctx;

/* Keeps the last decision document seen (cg_audit_each callback). */
static int keep_last(const char *doc, void *arg)
{
  char **last = arg;

  free(*last);
  *last = strdup(doc);
  return *last == NULL;
}

/* Loads order_id into *c (c->dn to be cleared by the caller). */
static int load_order(cg_store *db, const char *order_id, order_ctx *c,
                      cg_error *err)
{
  char *doc = NULL;
  int64_t rowid = 0;
  int rc = cg_order_find_id(db, order_id, &rowid, err);

  cg_decision_init(&c->dn);
  if(rc == CG_OK && rowid == 0)
    return cg_error_set(err, CG_ENOTFOUND,
                        "unknown order %s (chipgate list orders lists them)",
                        order_id);
  if(rc == CG_OK)
    rc = cg_order_get_id(db, rowid, &c->o, err);
  if(rc == CG_OK)
    rc = cg_order_state_get(db, rowid, &c->state, &c->current_seq, err);
  /* The newest decision is the current one (cg_audit_append). */
  if(rc == CG_OK && c->current_seq)
    rc = cg_audit_each(db, NULL, order_id, 0, keep_last, &doc, err);
  if(rc == CG_OK && c->current_seq && !doc)
    rc = cg_error_set(err, CG_EINTERNAL,
                      "order %s: current decision %lld "
                      "not found",
                      order_id, (long long)c->current_seq);
  if(rc == CG_OK && doc)
    rc = cg_decision_parse(doc, strlen(doc), &c->dn, err);
  free(doc);
  if(rc != CG_OK)
    return rc;
  if(c->current_seq)
    snprintf(c->where, sizeof(c->where), "order %s is %s (%s)", order_id,
             cg_order_state_name(c->state), cg_outcome_name(c->dn.decision));
  else
    snprintf(c->where, sizeof(c->where), "order %s is %s", order_id,
             cg_order_state_name(c->state));
  return CG_OK;
}

/* Calls fn(doc, arg) for each entry of kind of order row rowid after seq
 * after, in chain order; fn returning non-zero stops with that status. */
static int each_step(cg_store *db, int64_t rowid, const char *kind,
                     int64_t after, int (*fn)(const cg_json *, void *),
                     void *arg, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *doc = NULL;
  /* Cached: decide reads an order's NAC steps for every order it decides;
   * no fn runs this statement again while it steps. */
  int rc = cg_store_cached(db, &st,
                           "SELECT doc FROM decisions WHERE order_id = ?1 "
                           "AND kind = ?2 AND seq > ?3 ORDER BY seq",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, rowid, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, kind, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, after, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    const char *text = cg_stmt_text(st, 0);

    rc = cg_json_parse(&doc, text, strlen(text), "audit log", err);
    if(rc == CG_OK)
      rc = fn(doc, arg);
    cg_json_free(doc);
    doc = NULL;
  }
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

static const char *str_of(const cg_json *doc, const char *key)
{
  const char *s = cg_json_string_value(cg_json_get(doc, key));

  return s ? s : "";
}

/* Appends the step, in the caller's transaction. */
static int write_step(cg_store *db, const order_ctx *c, const char *kind,
                      cg_json *fields, int64_t *seq_out, cg_error *err)
{
  int rc = CG_OK;

  if(!fields)
    return cg_error_set(err, CG_ENOMEM, "lifecycle: out of memory");
  if(c->current_seq)
    rc = cg_json_set_int(fields, "decision_seq", c->current_seq);
  if(rc == CG_OK)
    rc = cg_audit_step(db, c->o.id, kind, fields, seq_out, NULL, err);
  else
    rc = cg_error_set(err, CG_ENOMEM, "lifecycle: out of memory");
  return rc;
}

/* A date argument: a real date, not after today. */
static int check_date(const char *what, const char *date, cg_error *err)
{
  char today[CG_ISO_DATE];

  if(!cg_date_valid(date))
    return cg_error_set(err, CG_EUSAGE,
                        "%s: \"%s\" is not a date "
                        "(YYYY-MM-DD)",
                        what, date);
  cg_clock_today(today);
  if(strcmp(date, today) > 0)
    return cg_error_set(err, CG_EUSAGE,
                        "%s: %s is in the future (today is "
                        "%s UTC)",
                        what, date, today);
  return CG_OK;
}

/* Runs step(db, c, arg, err) on order_id in one transaction: all or
 * nothing. */
static int in_txn(cg_store *db, const char *order_id,
                  int (*step)(cg_store *, order_ctx *, void *, cg_error *),
                  void *arg, cg_error *err)
{
  order_ctx c;
  int rc = cg_store_begin(db, err);

  memset(&c, 0, sizeof(c));
  if(rc != CG_OK)
    return rc;
  rc = load_order(db, order_id, &c, err);
  if(rc == CG_OK)
    rc = step(db, &c, arg, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    cg_store_rollback(db);
  cg_decision_clear(&c.dn);
  return rc;
}

/* ---- reviews ----------------------------------------------------------- */

/* A decisive hold a person may settle: company policy, red flags, the
 * fab review, the UVL statement, a list match awaiting review. */
static int settleable(const char *id)
{
  return strncmp(id, "POLICY.", 7) == 0 || strncmp(id, "EAR.732.", 8) == 0 ||
         strcmp(id, "EAR.744.23.a2.fab_review") == 0 ||
         strcmp(id, "EAR.744.15.uvl") == 0 ||
         strcmp(id, "EAR.744.11.screen") == 0;
}

/* A sure, uncleared hit on a list that sets no list fact of its own (it
 * holds for review, docs/regulations.md R6): two reviewers. A hit of an
 * older document without a list kind counts as one. */
static int sure_review_hit(const cg_decision *dn)
{
  static const char *const named[] = { "entity", "denied", "sdn", "unverified",
                                       "meu" };
  size_t i, k;

  for(i = 0; i < dn->nhits; i++) {
    const cg_decision_hit *h = &dn->hits[i];
    int is_named = 0;

    if(!h->sure || h->cleared)
      continue;
    for(k = 0; h->list_kind && k < sizeof(named) / sizeof(named[0]); k++)
      is_named |= strcmp(h->list_kind, named[k]) == 0;
    if(!is_named)
      return 1;
  }
  return 0;
}

typedef struct review_arg {
  int release;          /* 1 release, 0 block */
  const char *reviewer; /* who */
  const char *reason;   /* why */
  cg_review_result *out;
  /* releases since the decision and the last block */
  char prior[4][128];
  size_t nprior;
} review_arg;

static int collect_release(const cg_json *doc, void *arg)
{
  review_arg *a = arg;

  if(strcmp(str_of(doc, "action"), "block") == 0)
    a->nprior = 0; /* a block voids the releases before it */
  else if(a->nprior < sizeof(a->prior) / sizeof(a->prior[0]))
    snprintf(a->prior[a->nprior++], sizeof(a->prior[0]), "%s",
             str_of(doc, "reviewer"));
  return 0;
}

/* The missing facts' names, joined by ", ". */
static void missing_names(uint64_t missing, char *buf, size_t size)
{
  size_t len = 0;
  int i;

  buf[0] = '\0';
  for(i = 0; i < CG_F_COUNT && i < 64 && len < size; i++)
    if(missing & ((uint64_t)1 << i))
      len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                              cg_fact_name(i));
}

/* Checks that a release may settle c's hold; fills holds with the
 * decisive hold rules and *needed with the reviewers it takes. */
static int release_allowed(const order_ctx *c, cg_json *holds, int *needed,
                           cg_error *err)
{
  char names[400];
  size_t i, n = 0;
  int screen = 0, uvl = 0;

  if(c->dn.missing) {
    missing_names(c->dn.missing, names, sizeof(names));
    return cg_error_set(err, CG_EINVAL,
                        "%s on unknown facts: supply the "
                        "missing facts: %s (the next batch re-decides it)",
                        c->where, names);
  }
  for(i = 0; i < c->dn.nrules; i++) {
    const cg_decision_rule *r = &c->dn.rules[i];

    if(!r->decisive || r->relieved || strcmp(r->outcome, "hold") != 0)
      continue;
    if(!settleable(r->id))
      return cg_error_set(err, CG_EINVAL,
                          "%s: the hold of rule %s cannot "
                          "be released by a review",
                          c->where, r->id);
    screen |= strcmp(r->id, "EAR.744.11.screen") == 0;
    uvl |= strcmp(r->id, "EAR.744.15.uvl") == 0;
    if(cg_json_append(holds, cg_json_str(r->id)) != CG_OK)
      return cg_error_set(err, CG_ENOMEM, "review: out of memory");
    n++;
  }
  if(n == 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s: no decisive hold rule a "
                        "review may settle",
                        c->where);
  /* A review settles the hold, nothing else: a notification, a licence
   * requirement or a denial that also stands keeps the order open. */
  for(i = 0; i < c->dn.nrules; i++) {
    const cg_decision_rule *r = &c->dn.rules[i];

    if(!r->decisive || r->relieved || !r->outcome)
      continue;
    if(strcmp(r->outcome, "notify") == 0 ||
       strcmp(r->outcome, "license_required") == 0 ||
       strcmp(r->outcome, "deny") == 0)
      return cg_error_set(err, CG_EINVAL,
                          "%s: besides the hold, rule %s says %s; a review "
                          "cannot release that",
                          c->where, r->id, r->outcome);
  }
  /* A sure hit needs two people: one on a list without a rule of its
   * own (held for review), or on the Unverified List. */
  *needed = (screen && sure_review_hit(&c->dn)) || uvl ? 2 : 1;
  return CG_OK;
}

static int review_step(cg_store *db, order_ctx *c, void *arg, cg_error *err)
{
  review_arg *a = arg;
  cg_json *f = NULL, *holds = NULL;
  int needed = 1, rc;
  size_t i;

  if(c->state != CG_STATE_OPEN || c->dn.decision != CG_OUT_HOLD)
    return cg_error_set(err, CG_EINVAL,
                        "%s: only an order on hold can be "
                        "reviewed",
                        c->where);
  {
    /* a reviewer is a person: a name with letters or digits */
    char *key = NULL;
    int blank =
        cg_text_name_key(&key, a->reviewer, NULL) != CG_OK || !key || !key[0];
    free(key);
    if(blank)
      return cg_error_set(err, CG_EUSAGE,
                          "review: a reviewer is required (the name \"%s\" "
                          "is blank)",
                          a->reviewer);
  }
  holds = cg_json_array();
  if(!holds)
    return cg_error_set(err, CG_ENOMEM, "review: out of memory");
  rc = a->release ? release_allowed(c, holds, &needed, err) : CG_OK;
  if(rc == CG_OK)
    rc = each_step(db, c->o.id, "review", c->current_seq, collect_release, a,
                   err);
  for(i = 0; rc == CG_OK && a->release && i < a->nprior; i++)
    if(cg_text_same_name(a->prior[i], a->reviewer))
      rc = cg_error_set(err, CG_EINVAL,
                        "%s: %s already released it; a "
                        "second release needs a different reviewer",
                        c->where, a->prior[i]);
  if(rc == CG_OK) {
    a->out->needed = needed;
    a->out->releases = a->release ? (int)a->nprior + 1 : 0;
    a->out->released = a->release && a->out->releases >= needed;
    f = cg_json_object();
  }
  if(rc == CG_OK && f &&
     (cg_json_set_str(f, "action", a->release ? "release" : "block") ||
      cg_json_set_str(f, "reviewer", a->reviewer) ||
      cg_json_set_str(f, "reason", a->reason) ||
      cg_json_set_int(f, "needed", needed) ||
      cg_json_set_bool(f, "released", a->out->released) ||
      (a->release && cg_json_set(f, "holds", cg_json_ref(holds)))))
    rc = cg_error_set(err, CG_ENOMEM, "review: out of memory");
  if(rc == CG_OK)
    rc = write_step(db, c, "review", f, &a->out->seq, err);
  if(rc == CG_OK && a->out->released)
    rc = cg_order_set_state(db, c->o.id, CG_STATE_RELEASABLE, err);
  cg_json_free(f);
  cg_json_free(holds);
  return rc;
}

int cg_lifecycle_review(cg_store *db, const char *order_id, int release,
                        const char *reviewer, const char *reason,
                        cg_review_result *out, cg_error *err)
{
  review_arg a;

  memset(&a, 0, sizeof(a));
  memset(out, 0, sizeof(*out));
  a.release = release;
  a.reviewer = reviewer;
  a.reason = reason;
  a.out = out;
  if(!reviewer || !*reviewer || !reason || !*reason)
    return cg_error_set(err, CG_EUSAGE,
                        "review: a reviewer and a reason "
                        "are required");
  return in_txn(db, order_id, review_step, &a, err);
}

/* ---- NAC --------------------------------------------------------------- */

typedef struct nac_arg {
  const char *date; /* filed or objected */
  const char *text; /* ref or reason (may be NULL for ref) */
  int64_t *seq_out; /* may be NULL */
  char filed[11];   /* the filing on record, "" if none */
  int objected;     /* an objection is on record */
} nac_arg;

static int note_filed(const cg_json *doc, void *arg)
{
  nac_arg *a = arg;

  snprintf(a->filed, sizeof(a->filed), "%s", str_of(doc, "filed"));
  return 0;
}

static int note_objection(const cg_json *doc, void *arg)
{
  (void)doc;
  ((nac_arg *)arg)->objected = 1;
  return 0;
}

static int nac_record(cg_store *db, int64_t rowid, nac_arg *a, cg_error *err)
{
  int rc = each_step(db, rowid, "nac_filed", 0, note_filed, a, err);

  if(rc == CG_OK)
    rc = each_step(db, rowid, "nac_objection", 0, note_objection, a, err);
  return rc;
}

static int file_step(cg_store *db, order_ctx *c, void *arg, cg_error *err)
{
  nac_arg *a = arg;
  cg_json *f = NULL;
  int rc;

  if(c->state != CG_STATE_OPEN || c->dn.decision != CG_OUT_NOTIFY)
    return cg_error_set(err, CG_EINVAL,
                        "%s: a NAC notification is filed "
                        "only for an order whose decision is notify",
                        c->where);
  rc = nac_record(db, c->o.id, a, err);
  if(rc == CG_OK && a->filed[0])
    return cg_error_set(err, CG_EINVAL,
                        "%s: a NAC filing of %s is already "
                        "on record",
                        c->where, a->filed);
  f = rc == CG_OK ? cg_json_object() : NULL;
  if(rc == CG_OK && f &&
     (cg_json_set_str(f, "filed", a->date) ||
      (a->text && cg_json_set_str(f, "ref", a->text))))
    rc = cg_error_set(err, CG_ENOMEM, "nac: out of memory");
  if(rc == CG_OK)
    rc = write_step(db, c, "nac_filed", f, a->seq_out, err);
  cg_json_free(f);
  return rc;
}

int cg_lifecycle_nac_file(cg_store *db, const char *order_id,
                          const char *filed, const char *ref, int64_t *seq_out,
                          cg_error *err)
{
  nac_arg a;
  int rc = check_date("nac --filed", filed, err);

  memset(&a, 0, sizeof(a));
  a.date = filed;
  a.text = ref && *ref ? ref : NULL;
  a.seq_out = seq_out;
  return rc == CG_OK ? in_txn(db, order_id, file_step, &a, err) : rc;
}

static int object_step(cg_store *db, order_ctx *c, void *arg, cg_error *err)
{
  nac_arg *a = arg;
  cg_json *f = NULL;
  int rc;

  if(c->state != CG_STATE_OPEN && c->state != CG_STATE_RELEASABLE)
    return cg_error_set(err, CG_EINVAL,
                        "%s: an objection can only be "
                        "recorded for an open or releasable order",
                        c->where);
  rc = nac_record(db, c->o.id, a, err);
  if(rc == CG_OK && !a->filed[0])
    return cg_error_set(err, CG_EINVAL, "%s: no NAC filing is on record",
                        c->where);
  if(rc == CG_OK && a->objected)
    return cg_error_set(err, CG_EINVAL,
                        "%s: an objection is already on "
                        "record",
                        c->where);
  if(rc == CG_OK && strcmp(a->date, a->filed) < 0)
    return cg_error_set(err, CG_EUSAGE,
                        "%s: objection date %s is before "
                        "the filing of %s",
                        c->where, a->date, a->filed);
  f = rc == CG_OK ? cg_json_object() : NULL;
  if(rc == CG_OK && f &&
     (cg_json_set_str(f, "objected", a->date) ||
      cg_json_set_str(f, "filed", a->filed) ||
      cg_json_set_str(f, "reason", a->text)))
    rc = cg_error_set(err, CG_ENOMEM, "nac: out of memory");
  if(rc == CG_OK)
    rc = write_step(db, c, "nac_objection", f, a->seq_out, err);
  /* Released on the NAC wait: it may not ship until re-decided. */
  if(rc == CG_OK && c->state == CG_STATE_RELEASABLE)
    rc = cg_order_set_state(db, c->o.id, CG_STATE_OPEN, err);
  cg_json_free(f);
  return rc;
}

int cg_lifecycle_nac_object(cg_store *db, const char *order_id,
                            const char *date, const char *reason,
                            int64_t *seq_out, cg_error *err)
{
  nac_arg a;
  int rc = check_date("nac --objection", date, err);

  memset(&a, 0, sizeof(a));
  a.date = date;
  a.text = reason;
  a.seq_out = seq_out;
  if(rc == CG_OK && (!reason || !*reason))
    rc = cg_error_set(err, CG_EUSAGE,
                      "nac --objection: a reason is "
                      "required");
  return rc == CG_OK ? in_txn(db, order_id, object_step, &a, err) : rc;
}

int cg_lifecycle_nac_facts(cg_store *db, int64_t order_rowid, cg_facts *f,
                           cg_error *err)
{
  nac_arg a;
  char today[CG_ISO_DATE];
  int32_t t = 0, d = 0;
  int rc;

  memset(&a, 0, sizeof(a));
  rc = nac_record(db, order_rowid, &a, err);
  if(rc != CG_OK)
    return rc;
  cg_facts_set_bool(f, CG_F_ORDER_NAC_OBJECTED, a.objected);
  if(!a.filed[0])
    return CG_OK;
  cg_clock_today(today);
  rc = cg_date_parse(today, &t, err);
  if(rc == CG_OK)
    rc = cg_date_parse(a.filed, &d, err);
  if(rc == CG_OK)
    cg_facts_set_num(f, CG_F_ORDER_NAC_DAYS, (double)(t - d));
  return rc;
}

/* ---- shipments and cancellations ---------------------------------------- */

typedef struct ship_arg {
  int64_t qty;         /* asked, 0: the rest */
  const char *date;    /* the shipment's date */
  cg_ship_result *out; /* what was done */
  int64_t shipped;     /* shipped before */
  const char *reason;  /* a cancellation's reason */
  int64_t *seq_out;    /* a cancellation's entry */
  int64_t *returned;   /* licences given back */
} ship_arg;

static int add_shipped(const cg_json *doc, void *arg)
{
  double q = cg_json_number_value(cg_json_get(doc, "qty"));

  ((ship_arg *)arg)->shipped += q == q ? (int64_t)q : 0;
  return 0;
}

/* A licensed decision ships only while its licence is valid. */
static int licence_covers(cg_store *db, const order_ctx *c, const char *date,
                          cg_error *err)
{
  char from[11], to[11];
  const char *num = c->dn.license.number;
  int rc;

  if(c->dn.decision != CG_OUT_LICENSED || !c->dn.license.present || !num)
    return CG_OK;
  rc = cg_license_validity(db, num, from, to, err);
  if(rc == CG_OK && (strcmp(date, from) < 0 || strcmp(date, to) > 0))
    rc = cg_error_set(err, CG_EINVAL,
                      "%s: licence %s is valid from %s to "
                      "%s, not on %s",
                      c->where, num, from, to, date);
  return rc;
}

/* Counts release reviews; a block voids those before it. */
static int count_release(const cg_json *doc, void *arg)
{
  int *n = arg;

  if(strcmp(str_of(doc, "action"), "block") == 0)
    *n = 0;
  else if(strcmp(str_of(doc, "action"), "release") == 0)
    (*n)++;
  return 0;
}

static int released_on_record(cg_store *db, const order_ctx *c, cg_error *err)
{
  int releases = 0, rc;

  switch(c->dn.decision) {
  case CG_OUT_NLR:
  case CG_OUT_EXCEPTION:
  case CG_OUT_LICENSED:
    return CG_OK;
  case CG_OUT_HOLD:
    rc = each_step(db, c->o.id, "review", c->current_seq, count_release,
                   &releases, err);
    if(rc != CG_OK || releases > 0)
      return rc;
    break;
  default:
    break;
  }
  return cg_error_set(err, CG_EINVAL,
                      "%s: the audit log's current decision does not let it "
                      "ship (orders.state disagrees with the log)",
                      c->where);
}

static int ship_step(cg_store *db, order_ctx *c, void *arg, cg_error *err)
{
  ship_arg *a = arg;
  cg_ship_result *r = a->out;
  int64_t rest;
  cg_json *f = NULL;
  int rc;

  if(c->state != CG_STATE_RELEASABLE)
    return cg_error_set(err, CG_EINVAL,
                        "%s: only a releasable order can "
                        "ship",
                        c->where);
  /* orders.state is derived; the audit log decides. The newest decision
   * must let it ship, or be a hold released on the record since. */
  rc = released_on_record(db, c, err);
  if(rc != CG_OK)
    return rc;
  rc = each_step(db, c->o.id, "shipment", 0, add_shipped, a, err);
  rest = c->o.quantity - a->shipped;
  if(rc == CG_OK && a->qty > rest)
    return cg_error_set(err, CG_EINVAL,
                        "%s: %lld ordered, %lld shipped: "
                        "%lld more cannot ship (%lld left)",
                        c->where, (long long)c->o.quantity,
                        (long long)a->shipped, (long long)a->qty,
                        (long long)rest);
  if(rc == CG_OK)
    rc = licence_covers(db, c, a->date, err);
  r->qty = a->qty ? a->qty : rest;
  r->shipped = a->shipped + r->qty;
  r->ordered = c->o.quantity;
  snprintf(r->date, sizeof(r->date), "%s", a->date);
  f = rc == CG_OK ? cg_json_object() : NULL;
  if(rc == CG_OK && f &&
     (cg_json_set_int(f, "qty", r->qty) ||
      cg_json_set_int(f, "shipped", r->shipped) ||
      cg_json_set_str(f, "date", r->date) ||
      (c->dn.license.present && c->dn.license.number &&
       cg_json_set_str(f, "license", c->dn.license.number))))
    rc = cg_error_set(err, CG_ENOMEM, "ship: out of memory");
  if(rc == CG_OK)
    rc = write_step(db, c, "shipment", f, &r->seq, err);
  if(rc == CG_OK && r->shipped == r->ordered)
    rc = cg_order_set_state(db, c->o.id, CG_STATE_SHIPPED, err);
  cg_json_free(f);
  return rc;
}

int cg_lifecycle_ship(cg_store *db, const char *order_id, int64_t qty,
                      const char *date, cg_ship_result *out, cg_error *err)
{
  char today[CG_ISO_DATE];
  ship_arg a;
  int rc = CG_OK;

  memset(&a, 0, sizeof(a));
  memset(out, 0, sizeof(*out));
  cg_clock_today(today);
  a.qty = qty;
  a.date = date ? date : today;
  a.out = out;
  if(qty < 0)
    rc = cg_error_set(err, CG_EUSAGE,
                      "ship --qty: %lld is not a positive "
                      "quantity",
                      (long long)qty);
  if(rc == CG_OK)
    rc = check_date("ship --date", a.date, err);
  return rc == CG_OK ? in_txn(db, order_id, ship_step, &a, err) : rc;
}

static int cancel_step(cg_store *db, order_ctx *c, void *arg, cg_error *err)
{
  ship_arg *a = arg;
  cg_json *f = NULL;
  int rc;

  if(c->state == CG_STATE_SHIPPED || c->state == CG_STATE_CANCELLED)
    return cg_error_set(err, CG_EINVAL, "%s: it cannot be cancelled",
                        c->where);
  rc = each_step(db, c->o.id, "shipment", 0, add_shipped, a, err);
  if(rc == CG_OK && a->shipped > 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s: %lld of %lld already shipped; "
                        "a partly shipped order cannot be cancelled",
                        c->where, (long long)a->shipped,
                        (long long)c->o.quantity);
  if(rc == CG_OK)
    rc = cg_license_return(db, c->o.id, a->returned, err);
  f = rc == CG_OK ? cg_json_object() : NULL;
  if(rc == CG_OK && f &&
     (cg_json_set_str(f, "reason", a->reason) ||
      cg_json_set_str(f, "was", cg_order_state_name(c->state)) ||
      cg_json_set_int(f, "licenses_returned", *a->returned)))
    rc = cg_error_set(err, CG_ENOMEM, "cancel: out of memory");
  if(rc == CG_OK)
    rc = write_step(db, c, "cancel", f, a->seq_out, err);
  if(rc == CG_OK)
    rc = cg_order_set_state(db, c->o.id, CG_STATE_CANCELLED, err);
  cg_json_free(f);
  return rc;
}

int cg_lifecycle_cancel(cg_store *db, const char *order_id, const char *reason,
                        int64_t *seq_out, int64_t *returned_out, cg_error *err)
{
  int64_t seq = 0, returned = 0;
  ship_arg a;
  int rc;

  memset(&a, 0, sizeof(a));
  a.reason = reason;
  a.seq_out = &seq;
  a.returned = &returned;
  if(!reason || !*reason)
    return cg_error_set(err, CG_EUSAGE, "cancel: a reason is required");
  rc = in_txn(db, order_id, cancel_step, &a, err);
  if(rc == CG_OK && seq_out)
    *seq_out = seq;
  if(rc == CG_OK && returned_out)
    *returned_out = returned;
  return rc;
}
