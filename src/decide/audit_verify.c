/* audit_verify.c -- the proofs of the audit log: its head, and verify,
 * which recomputes the chain and checks every column of every entry
 * against the hashed bytes (see audit.h). */
#include "decide/audit.h"
#include "decide/audit_int.h"

#include "model/order.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== the head ========================================================== */

int cg_audit_head_get(cg_store *db, cg_audit_head *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT seq, hash FROM decisions ORDER BY seq "
                           "DESC LIMIT 1",
                           err);

  out->seq = 0;
  memcpy(out->hash, cg_audit_genesis, CG_SHA256_HEX);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    out->seq = cg_stmt_int(st, 0);
    snprintf(out->hash, CG_SHA256_HEX, "%s", cg_stmt_text(st, 1));
  }
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

char *cg_audit_head_text(const cg_audit_head *h, char out[CG_AUDIT_HEAD_TEXT])
{
  snprintf(out, CG_AUDIT_HEAD_TEXT, "%lld:%s", (long long)h->seq, h->hash);
  return out;
}

int cg_audit_head_parse(const char *text, cg_audit_head *out, cg_error *err)
{
  const char *colon = strchr(text, ':'), *p;
  int64_t seq = 0;
  size_t i;

  memset(out, 0, sizeof(*out));
  for(p = text; colon && p < colon; p++) {
    /* Digits only, and no more than an int64 holds. */
    if(*p < '0' || *p > '9' || seq > (INT64_MAX - 9) / 10) {
      colon = NULL;
      break;
    }
    seq = seq * 10 + (*p - '0');
  }
  if(!colon || colon == text || strlen(colon + 1) != CG_SHA256_HEX - 1)
    return cg_error_set(err, CG_EUSAGE,
                        "expected SEQ:HASH (a sequence number, a colon and "
                        "64 hex digits, as `audit head` prints), not "
                        "\"%.100s\"",
                        text);
  for(i = 0; i < CG_SHA256_HEX - 1; i++) {
    char c = colon[1 + i];
    if(c >= 'A' && c <= 'F')
      c = (char)(c - 'A' + 'a');
    if(!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return cg_error_set(err, CG_EUSAGE,
                          "expected SEQ:HASH with 64 hex digits after the "
                          "colon, not \"%.100s\"",
                          text);
    out->hash[i] = c;
  }
  out->hash[CG_SHA256_HEX - 1] = '\0';
  out->seq = seq;
  return CG_OK;
}

/* ==== verify: every column against the hashed bytes ==================== */

/* One entry as its columns state it (NULL strings are SQL NULL). */
typedef struct entry {
  int64_t seq;            /* decisions.seq */
  int64_t order_row;      /* decisions.order_id: orders.id */
  const char *kind;       /* kind */
  const char *batch;      /* batch_id as text */
  const char *decision;   /* the outcome of a decision */
  const char *decided_at; /* when it was recorded */
  const char *doc;        /* the hashed bytes */
  size_t doc_len;         /* their length */
  const char *prev_hash;  /* the stored link to the entry before */
  const char *hash;       /* the stored hash */
  /* The order as the column names it ("row N (no such order)" if none);
   * the document may say otherwise. */
  char oid[sizeof(((cg_order *)0)->order_id) + 32];
} entry;

/* Whether column col (NULL: SQL NULL) says what the hashed bytes say
 * (want, NULL: nothing). */
static int same(const char *col, const char *want)
{
  return (!col && !want) || (col && want && strcmp(col, want) == 0);
}

/* Checks every column of e against its document, whose hash has been
 * proved. A decision's document is the typed decision (no "kind"); a
 * step's has "kind", "order_id" and "at" (cg_audit_step). */
static int check_columns(const entry *e, cg_error *err)
{
  char kind[32], oid[sizeof(((cg_order *)0)->order_id)], label[200];
  char batch[32], decision[32], at[64];
  const char *want_kind, *want_oid;
  span m[M_N];
  int step;

  if(cg_audit_doc_members(e->doc, e->doc_len, m) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld: its hashed bytes are not a JSON object",
                        e->kind ? e->kind : "entry", (long long)e->seq);
  want_kind = m[M_KIND].p
                  ? cg_audit_doc_value(m[M_KIND], 0, kind, sizeof(kind))
                  : "decision";
  step = m[M_KIND].p != NULL;
  want_oid = cg_audit_doc_value(m[M_ORDER], 0, oid, sizeof(oid));
  {
    /* Each column with what the bytes say it must hold. */
    const struct {
      const char *name, *col, *want;
    } c[] = {
      { "kind", e->kind, want_kind },
      { "order_id", e->oid, want_oid },
      { "batch_id", e->batch,
        step ? NULL
             : cg_audit_doc_value(m[M_BATCH], 1, batch, sizeof(batch)) },
      { "decision", e->decision,
        step ? NULL
             : cg_audit_doc_value(m[M_DECISION], 0, decision,
                                  sizeof(decision)) },
      { "decided_at", e->decided_at,
        cg_audit_doc_value(m[step ? M_AT : M_DECIDED_AT], 0, at, sizeof(at)) },
    };
    size_t i;

    for(i = 0; i < sizeof(c) / sizeof(c[0]); i++)
      if(!same(c[i].col, c[i].want)) {
        /* The label only now: snprintf on every entry cost time. */
        snprintf(label, sizeof(label), "%s %lld (order %s)",
                 e->kind ? e->kind : "entry", (long long)e->seq,
                 want_oid ? want_oid : "?");
        return cg_error_set(err, CG_EINVAL,
                            "%s: column %s says %s, the hashed bytes say %s",
                            label, c[i].name, c[i].col ? c[i].col : "NULL",
                            c[i].want ? c[i].want : "none");
      }
  }
  return CG_OK;
}

/* Checks one entry: its link to the one before (prev, updated to its
 * hash), its seq, its hash, then its columns. */
static int check_entry(const entry *e, char prev[CG_SHA256_HEX],
                       int64_t last_seq, cg_error *err)
{
  const char *what = e->kind ? e->kind : "entry";
  char hex[CG_SHA256_HEX];
  int rc, nul;

  if(!e->prev_hash || strcmp(e->prev_hash, prev) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): previous-hash link is "
                        "broken (a row before it was removed or changed)",
                        what, (long long)e->seq, e->oid);
  /* Entries are numbered 1, 2, 3...: nothing is deleted, so a gap or a
   * renumbered entry is an edit the hashes alone would not show. */
  if(e->seq != last_seq + 1)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): column seq says %lld, "
                        "the entry before it is %lld (entries were "
                        "renumbered)",
                        what, (long long)e->seq, e->oid, (long long)e->seq,
                        (long long)last_seq);
  /* chipgate never stores a NUL: one means bytes after the hashed ones
   * (which a reader of the text would not see). */
  nul = memchr(e->doc, '\0', e->doc_len) != NULL;
  if(!nul && (rc = cg_audit_chain_hash(prev, e->doc, e->doc_len, hex, err)))
    return rc;
  if(nul || !e->hash || strcmp(hex, e->hash) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): content does not match "
                        "its hash (changed after it was recorded)",
                        what, (long long)e->seq, e->oid);
  memcpy(prev, hex, CG_SHA256_HEX);
  return check_columns(e, err);
}

/* The anchor must be an entry the walk proved, with the anchored hash. */
static int check_anchor(const cg_audit_head *anchor, const cg_audit_head *seen,
                        const cg_audit_check *c, cg_error *err)
{
  char want[CG_AUDIT_HEAD_TEXT];

  cg_audit_head_text(anchor, want);
  if(anchor->seq > c->head.seq)
    return cg_error_set(err, CG_EINVAL,
                        "anchor %s: entry %lld is missing; the log ends at "
                        "entry %lld (its newest entries were removed)",
                        want, (long long)anchor->seq, (long long)c->head.seq);
  if(strcmp(seen->hash, anchor->hash) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "anchor %s: entry %lld has hash %s, not the "
                        "anchored one (the log was rewritten from there)",
                        want, (long long)anchor->seq, seen->hash);
  return CG_OK;
}

/* ==== verify in parts, on two cores =====================================
 *
 * Each entry's hash can be checked on its own from its stored prev_hash,
 * so the log is cut into parts by seq and two threads, each with its own
 * connection, take the parts in turn; join_parts then checks each part's
 * first entry against the end of the part before (its link, then its
 * seq) and reports the first bad entry exactly as one walk would.
 *
 * One view: the caller's connection reads the head and holds that read
 * transaction to the end; the second connection starts its own after and
 * must find the head entry with the same hash, else it does nothing and
 * the caller's thread checks every part. Entries are only appended, so
 * both see the same entries up to the head, and entries appended
 * meanwhile (seq beyond it) are not read. An edit made before verify
 * began is in both views and caught; one made while it runs may be seen
 * by the second view only, which one view alone would not catch either. */

/* Entries per part (cg_audit_verify_anchor): small, so that a thread
 * done first waits little for the other (a part is ~15 ms), and starting
 * one (a seek) costs nothing. A log this small is one part on the
 * caller's connection, with no second connection or thread. */
#define VERIFY_PART 2048

/* Most parts: larger parts past that (and a bound on the parts a
 * tampered, huge seq would make). */
#define VERIFY_MAX_PARTS 256

static const char walk_sql[] =
    "SELECT d.seq, d.order_id, d.kind, CAST(d.batch_id AS TEXT), "
    "d.decision, d.decided_at, d.doc, d.prev_hash, d.hash, o.id, "
    "o.order_id FROM decisions d LEFT JOIN orders o ON o.id = d.order_id "
    "WHERE d.seq BETWEEN ?1 AND ?2 ORDER BY d.seq";

/* Reads through a memory map rather than a read() per page: a fifth of
 * verify's time was the kernel copying pages. SQLite caps it at its
 * build's limit (2 GB in Debian's); pages beyond are read as before. */
static const char mmap_sql[] = "PRAGMA mmap_size = 8589934592";

/* The connection's mmap_size; -1 if it cannot be read. */
static int64_t mmap_size(cg_store *db)
{
  cg_stmt *st = NULL;
  int64_t v = -1;

  if(cg_store_prepare(db, &st, "PRAGMA mmap_size", NULL) == CG_OK &&
     cg_stmt_step(st, NULL) == 1)
    v = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  return v;
}

/* The entries lo <= seq <= hi, checked on one connection. The first part
 * starts from the genesis; a later one from its first entry's own
 * prev_hash and seq, which join_parts checks. */
typedef struct part {
  int64_t lo, hi;     /* its range of seq */
  int rc;             /* CG_OK, or how the walk stopped */
  cg_error err;       /* rc's message */
  int64_t entries;    /* entries read, with a bad one */
  int64_t decisions;  /* of them, decisions */
  int64_t bad_seq;    /* the entry that failed its checks, 0: none */
  int64_t proved;     /* entries proved */
  cg_audit_head head; /* the last of them */
  int has_seen;       /* the anchor's entry is in this part: */
  cg_audit_head seen; /* ... as proved */
  int64_t first_seq;  /* the first entry's seq, */
  int first_decision; /* whether it is a decision, */
  char first_prev[CG_SHA256_HEX + 1]; /* its prev_hash (cut short), */
  char first_what[sizeof(((cg_error *)0)->msg)]; /* kind, */
  char first_oid[sizeof(((entry *)0)->oid)];     /* and its order */
} part;

/* The progress of a verification over its threads: each counts what it
 * checked; only the caller's thread calls fn (it need not be
 * thread-safe). */
typedef struct ticker {
  void (*fn)(void *arg, int64_t done, int64_t total); /* may be NULL */
  void *arg;
  int64_t total;     /* entries to check (the head's seq) */
  atomic_llong done; /* entries checked so far, in steps of TICK */
} ticker;

#define TICK 1024

/* The row st is on, as an entry (pointers valid until the next step). */
static void read_entry(cg_stmt *st, entry *e)
{
  e->seq = cg_stmt_int(st, 0);
  e->order_row = cg_stmt_int(st, 1);
  e->kind = cg_stmt_text(st, 2);
  e->batch = cg_stmt_text(st, 3);
  e->decision = cg_stmt_text(st, 4);
  e->decided_at = cg_stmt_text(st, 5);
  /* The bytes in place, with their length: no copy, no strlen. */
  e->doc = cg_stmt_text(st, 6);
  (void)cg_stmt_blob(st, 6, &e->doc_len);
  if(!e->doc) {
    e->doc = "";
    e->doc_len = 0;
  }
  e->prev_hash = cg_stmt_text(st, 7);
  e->hash = cg_stmt_text(st, 8);
  if(cg_stmt_is_null(st, 9))
    snprintf(e->oid, sizeof(e->oid), "row %lld (no such order)",
             (long long)e->order_row);
  else {
    /* As cg_order_get_id would give it: cut to CG_ORDER_MAX_ID bytes. */
    const char *o = cg_stmt_text(st, 10);
    size_t n;
    if(!o)
      o = "(null)";
    n = strnlen(o, sizeof(((cg_order *)0)->order_id) - 1);
    memcpy(e->oid, o, n);
    e->oid[n] = '\0';
  }
}

/* Checks the entries of part p with st (walk_sql); first: p starts the
 * log. Sets p's results; stops at the first bad entry. */
static void walk(cg_stmt *st, part *p, int first, const cg_audit_head *anchor,
                 ticker *tk, int caller)
{
  char prev[CG_SHA256_HEX];
  int64_t last = 0;
  entry e;
  int rc;

  memcpy(prev, cg_audit_genesis, sizeof(prev));
  rc = cg_stmt_bind_int(st, 1, p->lo, &p->err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, p->hi, &p->err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, &p->err)) == 1) {
    read_entry(st, &e);
    if(++p->entries % TICK == 0) {
      long long done = atomic_fetch_add(&tk->done, TICK) + TICK;
      if(caller && tk->fn)
        tk->fn(tk->arg, done, tk->total);
    }
    p->decisions += e.kind && strcmp(e.kind, "decision") == 0;
    if(!first && p->entries == 1) {
      /* Its link and seq to the part before: join_parts checks them. */
      p->first_seq = e.seq;
      p->first_decision = e.kind && strcmp(e.kind, "decision") == 0;
      snprintf(p->first_prev, sizeof(p->first_prev), "%s",
               e.prev_hash ? e.prev_hash : "");
      snprintf(p->first_what, sizeof(p->first_what), "%s",
               e.kind ? e.kind : "entry");
      memcpy(p->first_oid, e.oid, sizeof(p->first_oid));
      memcpy(prev, p->first_prev, sizeof(prev) - 1); /* cut to 64 */
      prev[sizeof(prev) - 1] = '\0';
      last = e.seq - 1;
    }
    rc = check_entry(&e, prev, last, &p->err);
    if(rc != CG_OK) {
      p->bad_seq = e.seq;
      break;
    }
    last = e.seq;
    p->proved++;
    p->head.seq = e.seq;
    memcpy(p->head.hash, prev, sizeof(prev));
    if(anchor && e.seq == anchor->seq) {
      p->has_seen = 1;
      p->seen = p->head;
    }
  }
  cg_stmt_reset(st);
  p->rc = rc < 0 ? rc : CG_OK;
}

/* What both threads share. */
typedef struct job {
  const char *path;            /* the database, as the caller opened it */
  const cg_audit_head *anchor; /* may be NULL */
  cg_audit_head head;          /* the newest entry when verify began */
  part *parts;                 /* in seq order */
  size_t n;                    /* parts */
  pthread_mutex_t mu;          /* guards next and stop */
  size_t next;                 /* the next part nobody took */
  size_t stop;                 /* parts from here on are not needed */
  ticker tk;                   /* progress */
} job;

/* Checks parts in turn with st (a connection's walk_sql) until none is
 * left or needed: after a bad part, the later ones do not count. */
static void run_parts(job *j, cg_stmt *st, int caller)
{
  for(;;) {
    size_t i;
    pthread_mutex_lock(&j->mu);
    i = j->next < j->stop ? j->next++ : j->n;
    pthread_mutex_unlock(&j->mu);
    if(i >= j->n)
      return;
    walk(st, &j->parts[i], i == 0, j->anchor, &j->tk, caller);
    if(j->parts[i].rc != CG_OK) {
      pthread_mutex_lock(&j->mu);
      if(i + 1 < j->stop)
        j->stop = i + 1;
      pthread_mutex_unlock(&j->mu);
    }
  }
}

/* The second thread: its own read-only connection, in a read transaction
 * that must hold the head the caller's holds (the same log, see above).
 * Anything else, and it takes no part: the caller's thread does them. */
static void *second_thread(void *arg)
{
  job *j = arg;
  cg_store *db = NULL;
  cg_stmt *hs = NULL, *st = NULL;
  const char *hash;
  cg_error err = { 0 };
  int flags = CG_STORE_READONLY;

  if(strncmp(j->path, "file:", 5) == 0)
    flags |= CG_STORE_URI; /* the read-only immutable open (cli.c) */
  if(cg_store_open(&db, j->path, flags, &err) == CG_OK &&
     cg_store_exec(db, mmap_sql, &err) == CG_OK &&
     cg_store_exec(db, "BEGIN", &err) == CG_OK &&
     cg_store_prepare(db, &hs, "SELECT hash FROM decisions WHERE seq = ?1",
                      &err) == CG_OK &&
     cg_stmt_bind_int(hs, 1, j->head.seq, &err) == CG_OK &&
     cg_stmt_step(hs, &err) == 1 && (hash = cg_stmt_text(hs, 0)) &&
     strcmp(hash, j->head.hash) == 0 &&
     cg_store_prepare(db, &st, walk_sql, &err) == CG_OK)
    run_parts(j, st, 0);
  cg_stmt_finalize(st);
  cg_stmt_finalize(hs);
  if(db)
    cg_store_rollback(db); /* ends the read transaction */
  cg_store_close(db);
  return NULL;
}

/* Puts the parts together in seq order as one walk would have read them:
 * each part's first entry must link to the last entry proved before it
 * and follow its seq; the first bad entry is the answer. */
static int join_parts(const job *j, cg_audit_check *out, cg_error *err)
{
  cg_audit_head seen;
  size_t i;
  int rc;

  memcpy(seen.hash, cg_audit_genesis, sizeof(seen.hash));
  seen.seq = 0;
  for(i = 0; i < j->n; i++) {
    const part *p = &j->parts[i];
    rc = CG_OK;
    if(i > 0 && p->entries > 0) {
      if(strcmp(p->first_prev, out->head.hash) != 0)
        rc =
            cg_error_set(err, CG_EINVAL,
                         "%s %lld (order %s): previous-hash link is "
                         "broken (a row before it was removed or changed)",
                         p->first_what, (long long)p->first_seq, p->first_oid);
      else if(p->first_seq != out->head.seq + 1)
        rc = cg_error_set(err, CG_EINVAL,
                          "%s %lld (order %s): column seq says %lld, "
                          "the entry before it is %lld (entries were "
                          "renumbered)",
                          p->first_what, (long long)p->first_seq, p->first_oid,
                          (long long)p->first_seq, (long long)out->head.seq);
      if(rc != CG_OK) {
        out->entries++;
        out->decisions += p->first_decision;
        out->bad_seq = p->first_seq;
        return rc;
      }
    }
    out->entries += p->entries;
    out->decisions += p->decisions;
    if(p->proved)
      out->head = p->head;
    if(p->has_seen)
      seen = p->seen;
    if(p->rc != CG_OK) {
      if(err)
        *err = p->err;
      out->bad_seq = p->bad_seq;
      return p->rc;
    }
  }
  if(j->anchor) {
    rc = check_anchor(j->anchor, &seen, out, err);
    if(rc != CG_OK)
      out->bad_seq = j->anchor->seq;
    return rc;
  }
  return CG_OK;
}

/* cg_audit_verify_parts with progress (fn may be NULL). */
static int verify_parts(cg_store *db, const cg_audit_head *anchor,
                        int64_t part_size,
                        void (*fn)(void *, int64_t, int64_t), void *arg,
                        cg_audit_check *out, cg_error *err)
{
  cg_stmt *hs = NULL, *st = NULL;
  part one;
  job j;
  pthread_t t;
  size_t i;
  int64_t mmap_was = -1;
  int rc = CG_OK, threaded = 0;

  memset(out, 0, sizeof(*out));
  memcpy(out->head.hash, cg_audit_genesis, sizeof(out->head.hash));
  memset(&j, 0, sizeof(j));
  memset(&one, 0, sizeof(one));
  j.path = cg_store_path(db);
  j.anchor = anchor;
  j.parts = &one;
  j.n = 1;
  j.tk.fn = fn;
  j.tk.arg = arg;
  atomic_init(&j.tk.done, 0);
  one.lo = INT64_MIN;
  one.hi = INT64_MAX;
  /* The head, in a read transaction this statement holds open to the
   * end. Inside the caller's transaction (whose entries a second
   * connection would not see) the log is one part. */
  if(part_size > 0 && !cg_store_in_transaction(db)) {
    mmap_was = mmap_size(db);
    if(mmap_was >= 0 && cg_store_exec(db, mmap_sql, NULL) != CG_OK)
      mmap_was = -1;
    rc = cg_store_prepare(db, &hs,
                          "SELECT seq, hash FROM decisions ORDER BY seq "
                          "DESC LIMIT 1",
                          err);
    if(rc == CG_OK && (rc = cg_stmt_step(hs, err)) == 1) {
      j.head.seq = cg_stmt_int(hs, 0);
      snprintf(j.head.hash, sizeof(j.head.hash), "%s",
               cg_stmt_text(hs, 1) ? cg_stmt_text(hs, 1) : "");
    }
    rc = rc < 0 ? rc : CG_OK;
    j.tk.total = j.head.seq;
    if(part_size < (j.head.seq - 1) / VERIFY_MAX_PARTS + 1)
      part_size = (j.head.seq - 1) / VERIFY_MAX_PARTS + 1;
    if(rc == CG_OK && j.head.seq > part_size) {
      j.n = (size_t)((j.head.seq - 1) / part_size + 1);
      j.parts = calloc(j.n, sizeof(part));
      if(!j.parts)
        rc = cg_error_set(err, CG_ENOMEM, "audit verify: out of memory");
      for(i = 0; j.parts && i < j.n; i++) {
        j.parts[i].lo = i == 0 ? INT64_MIN : (int64_t)i * part_size + 1;
        j.parts[i].hi =
            i + 1 == j.n ? j.head.seq : (int64_t)(i + 1) * part_size;
      }
    }
  }
  if(rc == CG_OK)
    rc = cg_store_prepare(db, &st, walk_sql, err);
  if(rc == CG_OK && pthread_mutex_init(&j.mu, NULL) != 0)
    rc = cg_error_set(err, CG_EINTERNAL, "audit verify: mutex failed");
  if(rc == CG_OK) {
    j.stop = j.n;
    /* A second core for a log of many parts (pthreads: SQLite and
     * OpenSSL are thread-safe, each thread has its own connection). If
     * the thread cannot start, this one does every part. */
    if(j.n > 1)
      threaded = pthread_create(&t, NULL, second_thread, &j) == 0;
    run_parts(&j, st, 1);
    if(threaded)
      pthread_join(t, NULL);
    pthread_mutex_destroy(&j.mu);
    rc = join_parts(&j, out, err);
    if(fn)
      fn(arg, out->entries, j.tk.total);
  }
  cg_stmt_finalize(st);
  cg_stmt_finalize(hs);
  if(mmap_was >= 0) { /* as the caller had it */
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA mmap_size = %lld", (long long)mmap_was);
    (void)cg_store_exec(db, sql, NULL);
  }
  if(j.parts != &one)
    free(j.parts);
  return rc;
}

int cg_audit_verify_parts(cg_store *db, const cg_audit_head *anchor,
                          int64_t part_size, cg_audit_check *out,
                          cg_error *err)
{
  return verify_parts(db, anchor, part_size, NULL, NULL, out, err);
}

int cg_audit_verify_progress(cg_store *db, const cg_audit_head *anchor,
                             void (*fn)(void *, int64_t, int64_t), void *arg,
                             cg_audit_check *out, cg_error *err)
{
  return verify_parts(db, anchor, VERIFY_PART, fn, arg, out, err);
}

int cg_audit_verify_anchor(cg_store *db, const cg_audit_head *anchor,
                           cg_audit_check *out, cg_error *err)
{
  return cg_audit_verify_parts(db, anchor, VERIFY_PART, out, err);
}

int cg_audit_verify(cg_store *db, int64_t *rows_out, int64_t *bad_seq_out,
                    cg_error *err)
{
  cg_audit_check c;
  int rc = cg_audit_verify_anchor(db, NULL, &c, err);

  *rows_out = c.entries;
  *bad_seq_out = c.bad_seq;
  return rc;
}
