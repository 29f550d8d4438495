/* batch.c -- see batch.h. */
#include "decide/batch.h"

#include "decide/audit.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/license.h"
#include "decide/decide.h"
#include "core/crypto.h"
#include "model/order.h"
#include "net/webhook.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHIP_CACHE     1024  /* chips by id, direct-mapped */
#define CUST_CACHE     4096  /* customers by id, direct-mapped */
#define BULK_CACHE_KIB 16384 /* page cache while a batch runs */
#define BULK_WAL_PAGES 10000 /* pages between checkpoints meanwhile */

typedef struct chip_slot {
  int64_t id; /* 0 = empty */
  cg_chip chip;
} chip_slot;

typedef struct cust_slot {
  int64_t id; /* 0 = empty */
  cg_customer cu;
} cust_slot;

static int chip_cached(cg_store *db, chip_slot *cache, int64_t id,
                       const cg_chip **out, cg_error *err)
{
  chip_slot *s = &cache[(uint64_t)id % CHIP_CACHE];
  int rc;

  if(s->id != id) {
    if(s->id)
      cg_chip_clear(&s->chip);
    s->id = 0;
    rc = cg_chip_get_id(db, id, &s->chip, err);
    if(rc != CG_OK)
      return rc;
    s->id = id;
  }
  *out = &s->chip;
  return CG_OK;
}

/* The decision.made event: what a receiver acts on, and the audit hash
 * that proves which recorded decision it is, cut from the recorded bytes
 * themselves (cg_decision_event). */
/* The decision.made event of a recorded decision (its stored bytes and
 * chain hash) into the outbox. */
static int announce(cg_store *db, const char *json, size_t len,
                    const char *hash, cg_error *err)
{
  char *ev = NULL;
  size_t evlen = 0;
  int rc = cg_decision_event(json, len, hash, &ev, &evlen, err);

  if(rc == CG_OK)
    rc =
        cg_webhook_enqueue_object(db, CG_EVENT_DECISION, ev, evlen, NULL, err);
  free(ev);
  return rc;
}

/* batch.h */
int cg_batch_record(cg_store *db, cg_decider *dec, const cg_order *ord,
                    const cg_customer *cu, const cg_chip *chip,
                    int64_t batch_id, cg_decision *dn, char **json,
                    size_t *len, cg_error *err)
{
  char hash[CG_SHA256_HEX];
  int rc = cg_decide(dec, ord, cu, chip, 1, dn, err);

  if(rc == CG_OK)
    rc = cg_audit_append(db, ord->id, batch_id, dn, hash, json, len, err);
  if(rc == CG_OK)
    rc = announce(db, *json, *len, hash, err);
  return rc;
}

int cg_batch_pending(cg_store *db, int64_t *out, cg_error *err)
{
  return cg_order_count_pending(db, out, err);
}

/* ==== on_decision on the second core ==================================== */

#define HANDOFF_CAP   256 /* decisions waiting for on_decision */
#define HANDOFF_BATCH 64  /* the thread wakes for this many at a time */

/* A recorded decision on its way to on_decision: the typed decision
 * (its arena moved here) and its bytes (moved too). */
typedef struct handoff_item {
  cg_decision dn;
  char *json;
  size_t len;
} handoff_item;

/* The decisions go to on_decision, in order, on a thread of its own (the
 * report's tallies and writes), while this one decides the next ones. A
 * failure there stops the batch before its next commit: handoff_drain
 * waits for every decision handed off so far and returns the first
 * failure. */
typedef struct handoff {
  const cg_batch_opts *o;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t more, done; /* items to take; an item finished */
  handoff_item items[HANDOFF_CAP];
  size_t head, n;
  int busy, stop, started;
  int flush; /* handoff_drain waits: take what there is */
  int rc;    /* the first failure of on_decision */
  cg_error err;
} handoff;

static void *handoff_thread(void *arg)
{
  handoff *h = arg;

  int awake = 0;

  pthread_mutex_lock(&h->mu);
  for(;;) {
    handoff_item it;
    cg_error e = { 0 };
    int rc = CG_OK, failed;

    /* Woken per HANDOFF_BATCH decisions, which it then takes all, not
     * per decision: a wake-up each cost more than the work. */
    if(!h->n)
      awake = 0;
    while(!h->stop && !awake && (!h->n || (h->n < HANDOFF_BATCH && !h->flush)))
      pthread_cond_wait(&h->more, &h->mu);
    awake = 1;
    if(!h->n)
      break;
    it = h->items[h->head];
    h->head = (h->head + 1) % HANDOFF_CAP;
    h->n--;
    h->busy = 1;
    failed = h->rc != CG_OK;
    pthread_mutex_unlock(&h->mu);
    if(!failed)
      rc = h->o->on_decision(h->o->decision_arg, &it.dn, it.json, it.len, &e);
    cg_decision_clear(&it.dn);
    free(it.json);
    pthread_mutex_lock(&h->mu);
    if(rc != CG_OK && h->rc == CG_OK) {
      h->rc = rc;
      h->err = e;
    }
    h->busy = 0;
    pthread_cond_signal(&h->done);
  }
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

/* Starts the thread; without one (it could not start), on_decision is
 * called in place. */
static void handoff_start(handoff *h, const cg_batch_opts *o)
{
  memset(h, 0, sizeof(*h));
  h->o = o;
  if(pthread_mutex_init(&h->mu, NULL) != 0)
    return;
  if(pthread_cond_init(&h->more, NULL) != 0) {
    pthread_mutex_destroy(&h->mu);
    return;
  }
  if(pthread_cond_init(&h->done, NULL) != 0) {
    pthread_cond_destroy(&h->more);
    pthread_mutex_destroy(&h->mu);
    return;
  }
  if(pthread_create(&h->th, NULL, handoff_thread, h) != 0) {
    pthread_cond_destroy(&h->done);
    pthread_cond_destroy(&h->more);
    pthread_mutex_destroy(&h->mu);
    return;
  }
  h->started = 1;
}

/* Hands *dn and json (both then owned by the handoff) to on_decision;
 * returns an earlier failure of on_decision, if any. */
static int handoff_put(handoff *h, cg_decision *dn, char *json, size_t len,
                       cg_error *err)
{
  int rc;

  if(!h->started) {
    rc = h->o->on_decision(h->o->decision_arg, dn, json, len, err);
    cg_decision_clear(dn);
    free(json);
    return rc;
  }
  pthread_mutex_lock(&h->mu);
  while(h->n == HANDOFF_CAP)
    pthread_cond_wait(&h->done, &h->mu);
  h->items[(h->head + h->n) % HANDOFF_CAP] = (handoff_item){ *dn, json, len };
  h->n++;
  cg_decision_init(dn); /* its arena is the item's now */
  if(h->n >= HANDOFF_BATCH)
    pthread_cond_signal(&h->more);
  rc = h->rc;
  if(rc != CG_OK)
    *err = h->err;
  pthread_mutex_unlock(&h->mu);
  return rc;
}

/* Waits until on_decision has seen every decision handed off; its first
 * failure, if any. */
static int handoff_drain(handoff *h, cg_error *err)
{
  int rc;

  if(!h->started)
    return CG_OK;
  pthread_mutex_lock(&h->mu);
  h->flush = 1;
  pthread_cond_signal(&h->more);
  while(h->n || h->busy)
    pthread_cond_wait(&h->done, &h->mu);
  h->flush = 0;
  rc = h->rc;
  if(rc != CG_OK)
    *err = h->err;
  pthread_mutex_unlock(&h->mu);
  return rc;
}

/* Stops the thread after what was handed off (a failed batch: on_decision
 * is skipped once it failed, and the caller discards its reports). */
static void handoff_stop(handoff *h)
{
  if(!h->started)
    return;
  pthread_mutex_lock(&h->mu);
  h->stop = 1;
  pthread_cond_signal(&h->more);
  pthread_mutex_unlock(&h->mu);
  pthread_join(h->th, NULL);
  pthread_cond_destroy(&h->more);
  pthread_cond_destroy(&h->done);
  pthread_mutex_destroy(&h->mu);
  h->started = 0;
}

/* One run's working state. */
typedef struct run {
  cg_store *db;           /* borrowed */
  const cg_batch_opts *o; /* borrowed */
  cg_batch_result *out;   /* the caller's */
  cg_decider *dec;        /* owned */
  chip_slot *chips;       /* CHIP_CACHE slots, owned */
  cust_slot *custs;       /* CUST_CACHE slots, owned */
  int in_tx;              /* a transaction is open */
  int64_t committed;      /* decisions committed by this run */
  int64_t start_seq;      /* newest log entry before this batch: an order
                             decided since is not looked at again */
  int64_t in_tx_count;    /* decisions in it */
  handoff *ho;            /* on_decision's thread, NULL without one */
} run;

static void caches_flush(run *r)
{
  size_t i;

  for(i = 0; i < CHIP_CACHE; i++)
    if(r->chips[i].id) {
      cg_chip_clear(&r->chips[i].chip);
      r->chips[i].id = 0;
    }
  for(i = 0; i < CUST_CACHE; i++)
    if(r->custs[i].id) {
      cg_customer_clear(&r->custs[i].cu);
      r->custs[i].id = 0;
    }
}

/* The order's customer and chip (cached while no other connection
 * commits: cg_decider_memo, which keeps the screening hits the same
 * way), which decide reads. */
static int load_parties(run *r, const cg_order *ord, const cg_customer **cu,
                        const cg_chip **chip, cg_error *err)
{
  cust_slot *s = &r->custs[(uint64_t)ord->customer_id % CUST_CACHE];
  int changed = 0, rc = cg_decider_memo(r->dec, &changed, err);

  if(rc != CG_OK)
    return rc;
  if(changed)
    caches_flush(r);
  if(s->id != ord->customer_id) {
    if(s->id)
      cg_customer_clear(&s->cu);
    s->id = 0;
    rc = cg_customer_get_id(r->db, ord->customer_id, &s->cu, err);
    if(rc != CG_OK)
      return rc;
    s->id = ord->customer_id;
  }
  *cu = &s->cu;
  return chip_cached(r->db, r->chips, ord->chip_id, chip, err);
}

/* Decides, records, announces and reports one order (inside the open
 * transaction); cur is its current decision's seq (0: none). */
static int decide_one(run *r, cg_order *ord, int64_t cur, cg_error *err)
{
  cg_decision dn;
  const cg_chip *chip = NULL;
  const cg_customer *cu = NULL;
  char *json = NULL;
  size_t len = 0;
  int rc = CG_OK;

  cg_decision_init(&dn);
  rc = load_parties(r, ord, &cu, &chip, err);
  /* A re-decision first gives back what the superseded one drew, so the
   * order is judged against the licence as if it had not drawn. Only a
   * decision draws (in its own transaction), so an order never decided
   * has nothing to give back. */
  if(rc == CG_OK && cur)
    rc = cg_license_return(r->db, ord->id, NULL, err);
  if(rc == CG_OK)
    rc = cg_batch_record(r->db, r->dec, ord, cu, chip, r->out->batch_id, &dn,
                         &json, &len, err);
  if(rc != CG_OK) {
    /* Whatever failed, the officer needs the order it failed on. */
    cg_error_prefix(err, "order %s", ord->order_id);
    goto done;
  }
  r->out->decided++;
  if(dn.decision < 8)
    r->out->by_outcome[dn.decision]++;
  if(r->ho) {
    rc = handoff_put(r->ho, &dn, json, len, err);
    json = NULL;
  }
done:
  free(json);
  cg_decision_clear(&dn);
  return rc;
}

/* An open order's decision now, without drawing on licences: does it
 * say something else than its current one (digest `inputs`)? */
static int changed(run *r, cg_order *ord, const char *inputs, int *out,
                   cg_error *err)
{
  cg_decision dn;
  const cg_chip *chip = NULL;
  const cg_customer *cu = NULL;
  char now[72];
  int rc = CG_OK;

  *out = 1;
  cg_decision_init(&dn);
  rc = load_parties(r, ord, &cu, &chip, err);
  /* Judged as the re-decision would judge it: with the order's own draw
   * given back (a licensed order must not count it against itself), in
   * a savepoint rolled back whatever happens. */
  if(rc == CG_OK)
    rc = cg_store_exec(r->db, "SAVEPOINT recheck", err);
  if(rc == CG_OK) {
    rc = cg_license_return(r->db, ord->id, NULL, err);
    if(rc == CG_OK)
      rc = cg_decide(r->dec, ord, cu, chip, 0, &dn, err);
    if(cg_store_exec(r->db, "ROLLBACK TO recheck; RELEASE recheck", NULL) !=
           CG_OK &&
       rc == CG_OK)
      rc = cg_error_set(err, CG_EDB, "batch: cannot roll back a recheck");
  }
  if(rc == CG_OK)
    rc = cg_audit_inputs_digest(&dn, now, err);
  if(rc == CG_OK)
    *out = strcmp(now, inputs) != 0;
  cg_decision_clear(&dn);
  if(rc != CG_OK)
    cg_error_prefix(err, "order %s", ord->order_id);
  return rc;
}

/* The next order to decide after `after`: pending ones first, then open
 * ones whose inputs changed (all of them with recheck_all). 1 found, 0
 * none left; *redo says it is an open order. */
static int next_order(run *r, char *after, size_t size, int *open_phase,
                      cg_order *ord, int *redo, cg_error *err)
{
  char inputs[72];
  int rc, diff;

  for(;;) {
    if(!*open_phase) {
      rc = cg_order_next_pending(r->db, after, ord, err);
      if(rc != 0)
        break;
      *open_phase = 1;
      after[0] = '\0';
      continue;
    }
    rc = cg_order_next_open(r->db, after, r->start_seq, ord, inputs, err);
    if(rc != 1)
      break;
    snprintf(after, size, "%s", ord->order_id);
    if(r->o->as_of)
      snprintf(ord->ship_date, sizeof(ord->ship_date), "%s", r->o->as_of);
    r->out->rechecked++;
    diff = 1;
    if(!r->o->recheck_all) {
      rc = changed(r, ord, inputs, &diff, err);
      if(rc != CG_OK)
        return rc;
    }
    if(diff) {
      rc = 1;
      break;
    }
  }
  if(rc == 1) {
    snprintf(after, size, "%s", ord->order_id);
    *redo = *open_phase;
  }
  return rc;
}

/* Commits the open transaction with the batch row's count of the
 * decisions in it (and, with last, the batch row finished): the row
 * always says what is recorded, and a batch whose first transaction
 * fails leaves no row at all. */
static int commit_chunk(run *r, int last, cg_error *err)
{
  /* Nothing is committed that on_decision has not taken. */
  int rc = r->ho ? handoff_drain(r->ho, err) : CG_OK;

  if(rc == CG_OK)
    rc = last ? cg_audit_batch_finish(r->db, r->out->batch_id, r->in_tx_count,
                                      err)
              : cg_audit_batch_count(r->db, r->out->batch_id, r->in_tx_count,
                                     err);

  if(rc == CG_OK)
    rc = cg_store_commit(r->db, err);
  if(rc != CG_OK)
    return rc;
  r->in_tx = 0;
  r->committed += r->in_tx_count;
  r->in_tx_count = 0;
  return CG_OK;
}

/* After a failure once some transactions were committed: the batch row
 * is marked finished with what they recorded, if the database lets us
 * (it may be what failed; the row's count is right either way). */
static void finish_after_failure(run *r)
{
  if(r->committed == 0 || cg_store_begin(r->db, NULL) != CG_OK)
    return;
  if(cg_audit_batch_finish(r->db, r->out->batch_id, 0, NULL) != CG_OK ||
     cg_store_commit(r->db, NULL) != CG_OK)
    cg_store_rollback(r->db);
}

/* Decides every pending order after the last one seen, then re-decides
 * the open ones that need it, committing every per_tx decisions. */
static int run_orders(run *r, int64_t total, cg_error *err)
{
  const cg_batch_opts *o = r->o;
  char after[sizeof(((cg_order *)0)->order_id)] = "";
  int rc = CG_OK, open_phase = 0, redo = 0;

  for(;;) {
    cg_order ord;
    cg_order_state st;
    int64_t cur;

    /* The write lock first: an open order's recheck (next_order) then
     * reads what the memo was checked against (cg_decider_memo), with no
     * other connection committing in between. */
    if(!r->in_tx) {
      rc = cg_store_begin(r->db, err);
      if(rc != CG_OK)
        break;
      r->in_tx = 1;
    }
    rc = next_order(r, after, sizeof(after), &open_phase, &ord, &redo, err);
    if(rc <= 0)
      break;
    if(o->as_of)
      snprintf(ord.ship_date, sizeof(ord.ship_date), "%s", o->as_of);
    /* Another batch may have decided it since it was read (before a
     * transaction took the write lock): a pending order is decided once,
     * an open one re-decided once per change (not if another batch
     * re-decided it after this one started). */
    rc = cg_order_state_get(r->db, ord.id, &st, &cur, err);
    if(rc != CG_OK)
      break;
    if(redo ? cur > r->start_seq ||
                  (st != CG_STATE_OPEN && st != CG_STATE_RELEASABLE)
            : st != CG_STATE_PENDING)
      continue;
    r->out->redecided += redo;
    rc = decide_one(r, &ord, cur, err);
    if(rc != CG_OK)
      break;
    if(++r->in_tx_count >= (o->per_tx > 0 ? o->per_tx : 1)) {
      rc = commit_chunk(r, 0, err);
      if(rc != CG_OK)
        break;
      if(o->progress)
        o->progress(o->progress_arg, r->out->decided, total);
    }
  }
  /* Nothing to decide: the batch row goes with the rollback, so a run
   * with nothing to do records no empty batch. */
  if(rc == 0 && r->committed == 0 && r->in_tx_count == 0) {
    if(r->in_tx)
      cg_store_rollback(r->db);
    r->in_tx = 0;
    r->out->batch_id = 0;
    return CG_OK;
  }
  if(rc == 0 && !r->in_tx) {
    rc = cg_store_begin(r->db, err);
    r->in_tx = rc == CG_OK;
  }
  /* The batch row is finished in the transaction of its last decisions. */
  if(rc == 0)
    rc = commit_chunk(r, 1, err);
  if(r->in_tx)
    cg_store_rollback(r->db);
  r->in_tx = 0;
  return rc;
}

/* First-seen customers are screened on both cores before deciding
 * (their screenings kept), not one search at a time on this one. */
static int screen_ahead(run *r, cg_error *err)
{
  int64_t *ids = NULL;
  size_t n = 0;
  int rc = cg_order_pending_customers(r->db, &ids, &n, err);

  if(rc == CG_OK)
    rc = cg_decider_screen_ahead(r->dec, ids, n, err);
  free(ids);
  if(rc != CG_OK)
    cg_error_prefix(err, "batch: screening customers ahead");
  return rc;
}

static int pragma_int(cg_store *db, const char *sql, int64_t *out,
                      cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(db, &st, sql, err);

  if(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    *out = cg_stmt_int(st, 0);
    rc = CG_OK;
  }
  else if(rc == 0) {
    rc = cg_error_set(err, CG_EDB, "batch: %s returned nothing", sql);
  }
  cg_stmt_finalize(st);
  return rc;
}

static int set_pragmas(cg_store *db, int64_t cache, int64_t wal, cg_error *err)
{
  char sql[96];

  snprintf(sql, sizeof(sql),
           "PRAGMA cache_size = %lld; PRAGMA wal_autocheckpoint = %lld",
           (long long)cache, (long long)wal);
  return cg_store_exec(db, sql, err);
}

/* The connection tuned while the batch writes; the caller's cache_size
 * and wal_autocheckpoint kept in saved[0..1] for the end. */
static int bulk_pragmas(cg_store *db, int64_t saved[2], cg_error *err)
{
  int64_t cache = 0, wal = 0;
  int rc = pragma_int(db, "PRAGMA cache_size", &cache, err);

  if(rc == CG_OK)
    rc = pragma_int(db, "PRAGMA wal_autocheckpoint", &wal, err);
  if(rc != CG_OK)
    return rc;
  rc = set_pragmas(db, -BULK_CACHE_KIB, BULK_WAL_PAGES, err);
  if(rc == CG_OK) {
    saved[0] = cache;
    saved[1] = wal;
  }
  return rc;
}

int cg_batch_run(cg_store *db, const cg_rules *pack, const cg_batch_opts *o,
                 cg_batch_result *out, cg_error *err)
{
  int64_t saved[2] = { 0, 0 };
  cg_batch_opts defaults = CG_BATCH_OPTS_INIT;
  cg_decide_opts dopts = CG_DECIDE_OPTS_INIT;
  int64_t total = 0;
  run r;
  int rc;

  memset(out, 0, sizeof(*out));
  memset(&r, 0, sizeof(r));
  r.db = db;
  r.o = o ? o : &defaults;
  r.out = out;
  dopts.mfu = r.o->mfu;
  r.chips = calloc(CHIP_CACHE, sizeof(*r.chips));
  r.custs = calloc(CUST_CACHE, sizeof(*r.custs));
  if(!r.chips || !r.custs) {
    free(r.chips);
    free(r.custs);
    return cg_error_set(err, CG_ENOMEM, "batch: out of memory");
  }
  rc = cg_decider_open(&r.dec, db, pack, &dopts, err);
  if(rc == CG_OK)
    rc = cg_batch_pending(db, &total, err);
  /* Bulk writing, measured at 100k orders (2026-11-30, quiet machine,
   * alternating): a 16 MB page cache (the default 2 MB re-read the
   * orders' and chain's pages) and a checkpoint every 10,000 WAL pages
   * instead of 1,000 (each fsyncs both files: 298 fdatasync took 4.2 s
   * of wall time, 49 took 3.2 s) took the batch from 32-34 s to 26-30 s.
   * Restored when the batch ends. */
  if(rc == CG_OK)
    rc = bulk_pragmas(db, saved, err);
  if(rc == CG_OK && total > 0)
    rc = screen_ahead(&r, err);
  if(rc == CG_OK)
    rc = cg_audit_last_seq(db, &r.start_seq, err);
  if(rc == CG_OK)
    rc = cg_decide_ruleset_hash(pack, out->ruleset, err);
  /* The batch row is written in the transaction of its first decisions:
   * a batch that fails before its first commit leaves no row. */
  if(rc == CG_OK) {
    rc = cg_store_begin(db, err);
    r.in_tx = rc == CG_OK;
  }
  /* The lists version the batch row names is the one its first
   * decisions read (the memo's, under the write lock): a list import
   * during the screening ahead is in both. */
  if(rc == CG_OK)
    rc = cg_decider_memo(r.dec, NULL, err);
  if(rc == CG_OK)
    rc = cg_audit_batch_begin(db, r.o->as_of, out->ruleset,
                              cg_decider_lists(r.dec), r.o->mfu,
                              &out->batch_id, err);
  if(rc == CG_OK && r.o->on_begin)
    rc = r.o->on_begin(r.o->decision_arg, out->batch_id, err);
  if(rc == CG_OK && r.o->on_decision) {
    r.ho = calloc(1, sizeof(*r.ho));
    rc = r.ho ? CG_OK : cg_error_set(err, CG_ENOMEM, "batch: out of memory");
    if(r.ho)
      handoff_start(r.ho, r.o);
  }
  if(rc == CG_OK)
    rc = run_orders(&r, total, err);
  if(r.ho) {
    handoff_stop(r.ho);
    free(r.ho);
  }
  if(r.in_tx)
    cg_store_rollback(db);
  if(rc != CG_OK)
    finish_after_failure(&r);
  if(rc != CG_OK && r.committed == 0)
    out->batch_id = 0; /* rolled back with the rest */
  /* Whether anything was recorded is what the officer needs to know. */
  if((rc == CG_EIO || rc == CG_EDB || rc == CG_EBUSY) && r.committed == 0)
    cg_error_prefix(err, "batch: nothing recorded");
  else if(rc == CG_EIO || rc == CG_EDB || rc == CG_EBUSY)
    cg_error_prefix(err,
                    "batch %lld: stopped after recording %lld decisions "
                    "(run batch again for the rest; report --batch %lld "
                    "for their report)",
                    (long long)out->batch_id, (long long)r.committed,
                    (long long)out->batch_id);
  if(rc == CG_OK && r.o->progress)
    r.o->progress(r.o->progress_arg, out->decided, total);
  if(saved[0] || saved[1])
    set_pragmas(db, saved[0], saved[1], NULL);
  caches_flush(&r);
  free(r.chips);
  free(r.custs);
  cg_decider_close(r.dec);
  return rc < 0 ? rc : CG_OK;
}
