/* check_audit.c -- the audit log on a real SQLite file: appends chain
 * each row's hash to the one before over exactly the stored bytes, verify
 * recomputes the chain and names the first row that was changed or whose
 * predecessor was removed, and every column edited behind its back; the
 * head, and an anchor that catches a removed or rewritten tail;
 * verify cut into parts checked by two threads on two connections gives
 * the answer one walk gives, wherever the cuts fall; cg_audit_each
 * filters by date, order and batch. */
#include "helpers.h"

#include "core/crypto.h"
#include "decide/audit.h"
#include "decide/audit_int.h"
#include "decide/decision.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH0                                                                 \
  "0000000000000000000000000000000000000000000000000000000000000000"
#define HASH63                                                                \
  "000000000000000000000000000000000000000000000000000000000000000"
#define HASH64                                                                \
  "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

static cg_store *db;

static void exec(const char *sql)
{
  cg_error err = { 0 };
  ck_assert_cg_ok(cg_store_exec(db, sql, &err), &err);
}

/* A migrated database with one customer, one chip and orders O-1..O-4. */
static void setup(void)
{
  db = t_db("audit.db");
  exec("INSERT INTO countries(code, name) VALUES('DE', 'Germany');"
       "INSERT INTO customers(id, name, country) VALUES(1, 'Acme', 'DE');"
       "INSERT INTO chips(id, name) VALUES(1, 'Chip X');"
       "INSERT INTO orders(id, order_id, customer_id, chip_id, destination, "
       "quantity, ship_date) VALUES(1, 'O-1', 1, 1, 'DE', 10, '2026-01-01'),"
       "(2, 'O-2', 1, 1, 'DE', 20, '2026-01-01'),"
       "(3, 'O-3', 1, 1, 'DE', 30, '2026-01-01'),"
       "(4, 'O-4', 1, 1, 'DE', 40, '2026-01-01');");
}

static void teardown(void)
{
  cg_store_close(db);
  db = NULL;
  t_tmp_cleanup();
}

static int64_t batch_row(void)
{
  cg_error err = { 0 };
  int64_t id = 0;

  ck_assert_cg_ok(
      cg_audit_batch_begin(db, NULL, "sha256:test", NULL, 0.4, &id, &err),
      &err);
  ck_assert(id > 0);
  return id;
}

/* Records order row `row` (order_id oid) as outcome in batch_id; returns
 * the stored bytes (malloc'ed) and the hash in hash. */
static char *append(int64_t row, const char *oid, cg_outcome outcome,
                    int64_t batch_id, char hash[CG_SHA256_HEX])
{
  cg_decision d;
  cg_error err = { 0 };
  char *json = NULL;
  size_t len = 0;

  cg_decision_init(&d);
  d.order_id = cg_decision_strdup(&d, oid);
  d.decision = outcome;
  d.as_of = cg_decision_strdup(&d, "2026-01-01");
  d.quantity = row * 10;
  d.destination = cg_decision_strdup(&d, "DE");
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(
      cg_audit_append(db, row, batch_id, &d, hash, &json, &len, &err), &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  /* The log set the document's own time and batch before writing it. */
  ck_assert_ptr_nonnull(d.decided_at);
  ck_assert(d.batch == batch_id);
  ck_assert_uint_eq(strlen(json), len);
  cg_decision_clear(&d);
  return json;
}

static char *sql_text(const char *sql, int64_t arg)
{
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  char *out = NULL;

  ck_assert_cg_ok(cg_store_prepare(db, &st, sql, &err), &err);
  ck_assert_cg_ok(cg_stmt_bind_int(st, 1, arg, &err), &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  out = strdup(cg_stmt_text(st, 0) ? cg_stmt_text(st, 0) : "(null)");
  cg_stmt_finalize(st);
  return out;
}

/* cg_audit_verify_anchor, checked against every way of cutting the log
 * into parts (two threads, two connections): one walk and parts of 1, 2,
 * 3 and 5 entries must give what it gives -- the same code, counts,
 * first bad entry, head and message. Returns its answer. */
static int verify_all_ways(const cg_audit_head *anchor, cg_audit_check *out,
                           cg_error *err)
{
  static const int64_t sizes[] = { 0, 1, 2, 3, 5 };
  int rc = cg_audit_verify_anchor(db, anchor, out, err);
  size_t i;

  for(i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    cg_audit_check c;
    cg_error e = { 0 };
    int rc2 = cg_audit_verify_parts(db, anchor, sizes[i], &c, &e);
    ck_assert_msg(rc2 == rc, "parts of %lld: rc %d, one walk %d: %s",
                  (long long)sizes[i], rc2, rc, e.msg);
    ck_assert_int_eq(c.entries, out->entries);
    ck_assert_int_eq(c.decisions, out->decisions);
    ck_assert_int_eq(c.bad_seq, out->bad_seq);
    ck_assert_int_eq(c.head.seq, out->head.seq);
    ck_assert_str_eq(c.head.hash, out->head.hash);
    if(rc != CG_OK)
      ck_assert_str_eq(e.msg, err->msg);
  }
  return rc;
}

START_TEST(test_chain_over_the_stored_bytes)
{
  char h1[CG_SHA256_HEX], h2[CG_SHA256_HEX], hex[CG_SHA256_HEX];
  char *j1, *j2, *doc, *prev, *col;
  char buf[CG_SHA256_HEX + 4096];
  int64_t b = batch_row(), rows = 0, bad = 0;
  cg_error err = { 0 };

  j1 = append(1, "O-1", CG_OUT_NLR, b, h1);
  j2 = append(2, "O-2", CG_OUT_DENY, b, h2);
  /* The row stores exactly the bytes returned... */
  doc = sql_text("SELECT doc FROM decisions WHERE order_id = ?1", 2);
  ck_assert_str_eq(doc, j2);
  /* ... and hash = SHA-256(previous hash || those bytes). */
  prev = sql_text("SELECT prev_hash FROM decisions WHERE order_id = ?1", 2);
  ck_assert_str_eq(prev, h1);
  snprintf(buf, sizeof(buf), "%s%s", h1, j2);
  ck_assert_cg_ok(cg_sha256_hex(buf, strlen(buf), hex, &err), &err);
  ck_assert_str_eq(hex, h2);
  col = sql_text("SELECT decision || ' ' || batch_id FROM decisions WHERE "
                 "order_id = ?1",
                 2);
  snprintf(buf, sizeof(buf), "deny %lld", (long long)b);
  ck_assert_str_eq(col, buf);
  free(col);
  col = sql_text("SELECT status FROM orders WHERE id = ?1", 2);
  ck_assert_str_eq(col, "decided");
  ck_assert_ptr_nonnull(strstr(j1, "\"batch\":"));
  ck_assert_ptr_nonnull(strstr(j1, "\"decided_at\":\"20"));
  ck_assert_cg_ok(cg_audit_verify(db, &rows, &bad, &err), &err);
  ck_assert_int_eq(rows, 2);
  ck_assert_int_eq(bad, 0);
  free(col);
  free(prev);
  free(doc);
  free(j1);
  free(j2);
}
END_TEST

/* An order's decisions are a history: a second decision supersedes the
 * first, both stay in the chain, and the order points at the newest. */
START_TEST(test_history)
{
  char h[CG_SHA256_HEX], *n;
  int64_t rows = 0, bad = 0;
  cg_error err = { 0 };

  free(append(1, "O-1", CG_OUT_HOLD, 0, h));
  n = sql_text("SELECT state || ' ' || current_seq FROM orders WHERE id = ?1",
               1);
  ck_assert_str_eq(n, "open 1");
  free(n);
  free(append(1, "O-1", CG_OUT_NLR, 0, h));
  n = sql_text("SELECT state || ' ' || current_seq FROM orders WHERE id = ?1",
               1);
  ck_assert_str_eq(n, "releasable 2");
  free(n);
  n = sql_text("SELECT group_concat(decision, ',') FROM decisions WHERE "
               "order_id = ?1",
               1);
  ck_assert_str_eq(n, "hold,nlr");
  free(n);
  ck_assert_cg_ok(cg_audit_verify(db, &rows, &bad, &err), &err);
  ck_assert_int_eq(rows, 2);
}
END_TEST

START_TEST(test_verify_names_an_edited_row)
{
  char h[CG_SHA256_HEX];
  cg_audit_check c;
  int64_t rows = 0, bad = 0;
  cg_error err = { 0 };
  int i;

  for(i = 1; i <= 4; i++) {
    char oid[8];
    snprintf(oid, sizeof(oid), "O-%d", i);
    free(append(i, oid, CG_OUT_DENY, 0, h));
  }
  /* The triggers refuse the edit... */
  ck_assert_int_eq(cg_store_exec(db,
                                 "UPDATE decisions SET doc = replace(doc, "
                                 "'deny', 'nlr') WHERE seq = 3",
                                 &err),
                   CG_EDB);
  /* ... so a tamperer drops them first; verify still finds the row. */
  exec("DROP TRIGGER decisions_no_update; UPDATE decisions SET doc = "
       "replace(doc, '\"deny\"', '\"nlr\"') WHERE seq = 3");
  ck_assert_int_eq(cg_audit_verify(db, &rows, &bad, &err), CG_EINVAL);
  ck_assert_int_eq(bad, 3);
  ck_assert_int_eq(rows, 3);
  ck_assert_msg(strstr(err.msg, "decision 3 (order O-3)") != NULL, "%s",
                err.msg);
  ck_assert_ptr_nonnull(strstr(err.msg, "does not match its hash"));
  ck_assert_int_eq(verify_all_ways(NULL, &c, &err), CG_EINVAL);
  ck_assert_int_eq(c.bad_seq, 3);
}
END_TEST

START_TEST(test_verify_names_the_row_after_a_removed_one)
{
  char h[CG_SHA256_HEX];
  cg_audit_check c;
  int64_t rows = 0, bad = 0;
  cg_error err = { 0 };

  free(append(1, "O-1", CG_OUT_NLR, 0, h));
  free(append(2, "O-2", CG_OUT_HOLD, 0, h));
  free(append(3, "O-3", CG_OUT_NOTIFY, 0, h));
  exec("PRAGMA foreign_keys = OFF; DROP TRIGGER decisions_no_delete; "
       "DELETE FROM decisions WHERE "
       "seq = 2");
  ck_assert_int_eq(cg_audit_verify(db, &rows, &bad, &err), CG_EINVAL);
  ck_assert_int_eq(bad, 3);
  ck_assert_msg(strstr(err.msg, "decision 3 (order O-3)") != NULL, "%s",
                err.msg);
  ck_assert_ptr_nonnull(strstr(err.msg, "previous-hash link"));
  ck_assert_int_eq(verify_all_ways(NULL, &c, &err), CG_EINVAL);
  ck_assert_int_eq(c.bad_seq, 3);
}
END_TEST

/* ==== every column, the head, the anchor ================================ */

/* Records a review of order row `row` (a lifecycle step). */
static void step(int64_t row, const char *kind)
{
  cg_json *f = cg_json_object();
  cg_error err = { 0 };

  ck_assert_int_eq(cg_json_set_str(f, "reviewer", "alice"), CG_OK);
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(cg_audit_step(db, row, kind, f, NULL, NULL, &err), &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  cg_json_free(f);
}

/* Sets column col of entry seq to the SQL expression value, triggers
 * and foreign keys off, as a tamperer with the file would. */
static void edit(int64_t seq, const char *col, const char *value)
{
  char sql[16384];

  snprintf(sql, sizeof(sql),
           "PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS "
           "decisions_no_update; UPDATE decisions SET %s = %s WHERE seq = "
           "%lld",
           col, value, (long long)seq);
  exec(sql);
}

/* Verify fails at seq with want in its message. */
static void expect_caught(int64_t seq, const char *want)
{
  int64_t rows = 0, bad = 0;
  cg_audit_check c;
  cg_error err = { 0 };

  ck_assert_int_eq(cg_audit_verify(db, &rows, &bad, &err), CG_EINVAL);
  ck_assert_int_eq(bad, seq);
  ck_assert_int_eq(rows, seq);
  ck_assert_int_eq(verify_all_ways(NULL, &c, &err), CG_EINVAL);
  ck_assert_msg(strstr(err.msg, want) != NULL, "want \"%s\" in: %s", want,
                err.msg);
}

static void expect_intact(int64_t entries)
{
  int64_t rows = 0, bad = 0;
  cg_audit_check c;
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_audit_verify(db, &rows, &bad, &err), &err);
  ck_assert_int_eq(rows, entries);
  ck_assert_int_eq(bad, 0);
  ck_assert_cg_ok(verify_all_ways(NULL, &c, &err), &err);
  ck_assert_int_eq(c.entries, entries);
}

/* Each edit of a column is caught, naming the entry, its order and the
 * column, and undoing it makes the log whole again: the check reads the
 * column, not some other sign of the edit. */
START_TEST(test_verify_checks_every_column)
{
  static const struct {
    int64_t seq;
    const char *col, *value, *undo, *want;
  } cases[] = {
    { 2, "decision", "'nlr'", "'deny'",
      "decision 2 (order O-2): column decision says nlr, the hashed bytes "
      "say deny" },
    { 2, "order_id", "3", "2",
      "decision 2 (order O-2): column order_id says O-3, the hashed bytes "
      "say O-2" },
    { 2, "order_id", "99", "2",
      "column order_id says row 99 (no such order), the hashed bytes say "
      "O-2" },
    { 2, "batch_id", "NULL", "1",
      "decision 2 (order O-2): column batch_id says NULL, the hashed bytes "
      "say 1" },
    { 1, "batch_id", "1", "NULL",
      "decision 1 (order O-1): column batch_id says 1, the hashed bytes say "
      "none" },
    { 2, "decided_at", "'2000-01-01T00:00:00Z'", NULL,
      "decision 2 (order O-2): column decided_at says 2000-01-01T00:00:00Z, "
      "the hashed bytes say 20" },
    { 3, "kind", "'shipment'", "'review'",
      "shipment 3 (order O-1): column kind says shipment, the hashed bytes "
      "say review" },
    { 3, "order_id", "2", "1",
      "review 3 (order O-1): column order_id says O-2, the hashed bytes say "
      "O-1" },
    { 3, "batch_id", "1", "NULL",
      "review 3 (order O-1): column batch_id says 1, the hashed bytes say "
      "none" },
    { 3, "decided_at", "'2000-01-01T00:00:00Z'", NULL,
      "review 3 (order O-1): column decided_at says 2000-01-01T00:00:00Z" },
  };
  char h[CG_SHA256_HEX], undo[64];
  int64_t b = batch_row(), rows = 0, bad = 0;
  cg_audit_check c;
  cg_error err = { 0 };
  size_t i;

  free(append(1, "O-1", CG_OUT_NLR, 0, h));
  free(append(2, "O-2", CG_OUT_DENY, b, h));
  step(1, "review");
  free(append(4, "O-4", CG_OUT_HOLD, b, h));
  expect_intact(4);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *was = sql_text("SELECT decided_at FROM decisions WHERE seq = ?1",
                         cases[i].seq);
    snprintf(undo, sizeof(undo), "'%s'", was);
    free(was);
    edit(cases[i].seq, cases[i].col, cases[i].value);
    expect_caught(cases[i].seq, cases[i].want);
    edit(cases[i].seq, cases[i].col, cases[i].undo ? cases[i].undo : undo);
    expect_intact(4);
  }
  /* A decision turned into a step (the CHECK wants its outcome gone), and
   * a step into a decision. */
  edit(2, "decision", "NULL, kind = 'cancel'");
  expect_caught(2, "cancel 2 (order O-2): column kind says cancel, the "
                   "hashed bytes say decision");
  edit(2, "decision", "'deny', kind = 'decision'");
  edit(3, "decision", "'nlr', kind = 'decision'");
  expect_caught(3, "decision 3 (order O-1): column kind says decision, the "
                   "hashed bytes say review");
  edit(3, "decision", "NULL, kind = 'review'");
  /* Renumbering the newest entry leaves every hash intact. */
  edit(4, "seq", "7");
  ck_assert_int_eq(verify_all_ways(NULL, &c, &err), CG_EINVAL);
  ck_assert_int_eq(c.bad_seq, 7);
  ck_assert_int_eq(cg_audit_verify(db, &rows, &bad, &err), CG_EINVAL);
  ck_assert_int_eq(bad, 7);
  ck_assert_msg(strstr(err.msg, "decision 7 (order O-4): column seq says 7, "
                                "the entry before it is 3") != NULL,
                "%s", err.msg);
}
END_TEST

START_TEST(test_head)
{
  char h1[CG_SHA256_HEX], h2[CG_SHA256_HEX], text[CG_AUDIT_HEAD_TEXT];
  cg_audit_head head, back;
  cg_error err = { 0 };

  /* An empty log's head is the genesis. */
  ck_assert_cg_ok(cg_audit_head_get(db, &head, &err), &err);
  ck_assert_str_eq(cg_audit_head_text(&head, text),
                   "0:0000000000000000000000000000000000000000000000000000"
                   "000000000000");
  free(append(1, "O-1", CG_OUT_NLR, 0, h1));
  step(1, "shipment");
  free(append(2, "O-2", CG_OUT_NLR, 0, h2));
  ck_assert_cg_ok(cg_audit_head_get(db, &head, &err), &err);
  ck_assert_int_eq(head.seq, 3);
  ck_assert_str_eq(head.hash, h2);
  /* The text reads back, in either case of hex digit. */
  cg_audit_head_text(&head, text);
  ck_assert_cg_ok(cg_audit_head_parse(text, &back, &err), &err);
  ck_assert_int_eq(back.seq, 3);
  ck_assert_str_eq(back.hash, h2);
  for(char *p = text; *p; p++)
    if(*p >= 'a' && *p <= 'f')
      *p = (char)(*p - 'a' + 'A');
  ck_assert_cg_ok(cg_audit_head_parse(text, &back, &err), &err);
  ck_assert_str_eq(back.hash, h2);
}
END_TEST

START_TEST(test_head_parse_refuses)
{
  static const char *const bad[] = {
    "",
    "12",
    ":" HASH64,
    "-1:" HASH64,
    "1x:" HASH64,
    "12:" HASH64 "0",
    "12:abc",
    "99999999999999999999:" HASH64,
    "12:g" HASH63,
    "12 :" HASH64,
  };
  cg_audit_head h;
  size_t i;

  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    cg_error err = { 0 };
    ck_assert_msg(cg_audit_head_parse(bad[i], &h, &err) == CG_EUSAGE, "%s",
                  bad[i]);
    ck_assert_ptr_nonnull(strstr(err.msg, "SEQ:HASH"));
  }
}
END_TEST

/* Deleting the newest entries leaves a chain that verifies; anyone who
 * kept an earlier head catches it, and a rewritten tail too. */
START_TEST(test_anchor_catches_a_removed_tail)
{
  char h[CG_SHA256_HEX];
  cg_audit_head at2, at4, zero, wrong;
  cg_audit_check c;
  cg_error err = { 0 };

  free(append(1, "O-1", CG_OUT_NLR, 0, h));
  free(append(2, "O-2", CG_OUT_NLR, 0, h));
  ck_assert_cg_ok(cg_audit_head_get(db, &at2, &err), &err);
  free(append(3, "O-3", CG_OUT_NLR, 0, h));
  step(3, "shipment");
  ck_assert_cg_ok(cg_audit_head_get(db, &at4, &err), &err);
  ck_assert_int_eq(at4.seq, 4);
  ck_assert_cg_ok(verify_all_ways(&at4, &c, &err), &err);
  ck_assert_int_eq(c.entries, 4);
  ck_assert_int_eq(c.decisions, 3);
  ck_assert_str_eq(c.head.hash, at4.hash);
  ck_assert_cg_ok(cg_audit_head_parse("0:" HASH0, &zero, &err), &err);
  ck_assert_cg_ok(verify_all_ways(&zero, &c, &err), &err);

  exec("PRAGMA foreign_keys = OFF; DROP TRIGGER decisions_no_delete; "
       "DELETE FROM decisions WHERE seq >= 3");
  expect_intact(2); /* what is left is a whole chain... */
  ck_assert_cg_ok(verify_all_ways(&at2, &c, &err), &err);
  /* ... but not the one the kept head proves. */
  ck_assert_int_eq(verify_all_ways(&at4, &c, &err), CG_EINVAL);
  ck_assert_int_eq(c.bad_seq, 4);
  ck_assert_int_eq(c.entries, 2);
  ck_assert_msg(strstr(err.msg, "entry 4 is missing; the log ends at entry "
                                "2 (its newest entries were removed)") != NULL,
                "%s", err.msg);
  /* An anchor whose hash is not the entry's. */
  wrong = at2;
  wrong.hash[0] = wrong.hash[0] == 'a' ? 'b' : 'a';
  ck_assert_int_eq(verify_all_ways(&wrong, &c, &err), CG_EINVAL);
  ck_assert_int_eq(c.bad_seq, 2);
  ck_assert_ptr_nonnull(strstr(err.msg, "not the anchored one"));
  /* A new tail in place of the removed one: seq 4 again, another hash. */
  free(append(4, "O-4", CG_OUT_NLR, 0, h));
  free(append(4, "O-4", CG_OUT_DENY, 0, h));
  expect_intact(4);
  ck_assert_int_eq(verify_all_ways(&at4, &c, &err), CG_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.msg, "rewritten from there"));
}
END_TEST

/* The commands: head as text and JSON, verify with an anchor, and bad
 * anchors refused as usage errors before the database is read. */
START_TEST(test_cli_head_and_anchor)
{
  const char *head[] = { "audit", "head", NULL };
  const char *head_json[] = { "audit", "head", "--format", "json", NULL };
  char *out = NULL, *errout = NULL, anchor[CG_AUDIT_HEAD_TEXT], arg[128];
  const char *verify[] = { "audit", "verify", "--anchor", arg, NULL };
  const char *verify_json[] = { "audit",    "verify", "--anchor", arg,
                                "--format", "json",   NULL };
  const char *head_anchor[] = { "audit", "head", "--anchor", arg, NULL };
  const char *path = t_tmp("audit.db");
  char h[CG_SHA256_HEX];

  ck_assert_int_eq(t_run(path, &out, NULL, head), 0);
  ck_assert_str_eq(out, "0:" HASH0 "\n");
  free(out);
  free(append(1, "O-1", CG_OUT_NLR, 0, h));
  free(append(2, "O-2", CG_OUT_HOLD, 0, h));
  ck_assert_int_eq(t_run(path, &out, NULL, head), 0);
  snprintf(anchor, sizeof(anchor), "2:%s", h);
  ck_assert_int_eq(strncmp(out, anchor, strlen(anchor)), 0);
  free(out);
  ck_assert_int_eq(t_run(path, &out, NULL, head_json), 0);
  {
    cg_json *v = NULL;
    cg_error e = { 0 };
    ck_assert_cg_ok(cg_json_parse(&v, out, strlen(out), "stdout", &e), &e);
    ck_assert_str_eq(cg_json_string_value(cg_json_get(v, "hash")), h);
    ck_assert(cg_json_number_value(cg_json_get(v, "seq")) == 2);
    ck_assert_str_eq(cg_json_string_value(cg_json_get(v, "head")), anchor);
    cg_json_free(v);
  }
  free(out);

  snprintf(arg, sizeof(arg), "%s", anchor);
  ck_assert_int_eq(t_run(path, &out, NULL, verify), 0);
  ck_assert_ptr_nonnull(strstr(out, "2 decisions"));
  ck_assert_ptr_nonnull(strstr(out, "anchor 2:"));
  free(out);
  ck_assert_int_eq(t_run(path, &out, NULL, verify_json), 0);
  {
    cg_json *v = NULL;
    cg_error e = { 0 };
    ck_assert_cg_ok(cg_json_parse(&v, out, strlen(out), "stdout", &e), &e);
    ck_assert(cg_json_is_true(cg_json_get(v, "intact")));
    ck_assert(cg_json_number_value(cg_json_get(v, "entries")) == 2);
    ck_assert_str_eq(cg_json_string_value(cg_json_get(v, "anchor")), anchor);
    cg_json_free(v);
  }
  free(out);
  /* An anchor is for verify only. */
  ck_assert_int_eq(t_run(path, NULL, &errout, head_anchor), 64);
  ck_assert_ptr_nonnull(strstr(errout, "--anchor goes with verify"));
  free(errout);
  exec("PRAGMA foreign_keys = OFF; DROP TRIGGER decisions_no_delete; "
       "DELETE FROM decisions WHERE seq = 2");
  ck_assert_int_eq(t_run(path, NULL, &errout, verify), 65);
  ck_assert_ptr_nonnull(strstr(errout, "entry 2 is missing"));
  free(errout);
  snprintf(arg, sizeof(arg), "2-%s", h);
  ck_assert_int_eq(t_run(path, NULL, &errout, verify), 64);
  ck_assert_msg(strstr(errout, "--anchor") != NULL, "%s", errout);
  free(errout);
}
END_TEST

/* ==== verify in parts ==================================================== */

/* Log of n entries: decisions of orders 1..4 in turn, every third entry
 * a review step. */
static void fill(int n)
{
  char h[CG_SHA256_HEX], oid[8];
  int i;

  for(i = 1; i <= n; i++) {
    int row = (i - 1) % 4 + 1;
    snprintf(oid, sizeof(oid), "O-%d", row);
    if(i % 3 == 0)
      step(row, "review");
    else
      free(append(row, oid, i % 2 ? CG_OUT_NLR : CG_OUT_DENY, 0, h));
  }
}

/* Verify, every way, fails first at seq, having read entries, with want
 * in its message. */
static void expect_first_bad(int64_t seq, int64_t entries, const char *want)
{
  cg_audit_check c;
  cg_error err = { 0 };

  ck_assert_int_eq(verify_all_ways(NULL, &c, &err), CG_EINVAL);
  ck_assert_int_eq(c.bad_seq, seq);
  ck_assert_int_eq(c.entries, entries);
  ck_assert_int_eq(c.head.seq, entries - 1);
  ck_assert_msg(strstr(err.msg, want) != NULL, "want \"%s\" in: %s", want,
                err.msg);
}

/* A log cut into parts that two threads check: an edit anywhere -- in
 * the second half, on either side of a cut, in a part's first entry --
 * is found, and the first bad entry is named as one walk names it, also
 * when a later part has an edit too. */
START_TEST(test_parts_find_the_first_bad_entry)
{
  static const struct {
    int64_t seq;
    const char *col, *value, *want;
  } cases[] = {
    { 17, "doc", "replace(doc, '\"nlr\"', '\"deny\"')",
      "decision 17 (order O-1): content does not match its hash" },
    { 13, "prev_hash", "replace(prev_hash, substr(prev_hash, 1, 1), 'x')",
      "decision 13 (order O-1): previous-hash link is broken" },
    { 16, "hash", "upper(hash)",
      "decision 16 (order O-4): content does not match its hash" },
    { 24, "decided_at", "'2000-01-01T00:00:00Z'",
      "review 24 (order O-4): column decided_at says 2000-01-01T00:00:00Z" },
    { 11, "decision", "'hold'",
      "decision 11 (order O-3): column decision says hold, the hashed bytes "
      "say nlr" },
    /* Bytes after the hashed ones: a reader of the text stops at the NUL,
     * so the stored document is not the one that was hashed. */
    { 19, "doc", "doc || char(0) || 'x'",
      "decision 19 (order O-3): content does not match its hash" },
  };
  size_t i;

  fill(24);
  expect_intact(24);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char sql[128], *undo;
    snprintf(sql, sizeof(sql),
             "SELECT quote(%s) FROM decisions WHERE seq = ?1", cases[i].col);
    undo = sql_text(sql, cases[i].seq);
    edit(cases[i].seq, cases[i].col, cases[i].value);
    expect_first_bad(cases[i].seq, cases[i].seq, cases[i].want);
    /* With a second edit further on, the first is still the answer. */
    if(cases[i].seq < 23) {
      edit(23, "decision", "'hold'");
      expect_first_bad(cases[i].seq, cases[i].seq, cases[i].want);
      edit(23, "decision", "'nlr'");
    }
    edit(cases[i].seq, cases[i].col, undo);
    free(undo);
    expect_intact(24);
  }
  /* A removed entry: the next one's link is broken, wherever it is. */
  exec("PRAGMA foreign_keys = OFF; DROP TRIGGER decisions_no_delete; "
       "DELETE FROM decisions WHERE seq = 15");
  expect_first_bad(16, 15,
                   "decision 16 (order O-4): previous-hash link is broken");
  /* Renumbered entries (the one after the gap takes its seq): the
   * hashes link, the seq does not follow. */
  exec("UPDATE decisions SET seq = seq + 1 WHERE seq = 14");
  expect_first_bad(15, 14,
                   "decision 15 (order O-2): column seq says 15, the entry "
                   "before it is 13");
}
END_TEST

/* A log long enough for verify to cut it without being asked (more
 * entries than one part holds): the command proves it, and an edit in
 * its second half is named with the entries read, exit 65. */
START_TEST(test_cli_verify_splits_a_long_log)
{
  const char *verify[] = { "audit", "verify", NULL };
  const char *path = t_tmp("audit.db");
  char *out = NULL, *errout = NULL;
  cg_audit_check c;
  cg_error err = { 0 };
  int i;

  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  for(i = 0; i < 9000; i++) {
    cg_json *f = cg_json_object();
    ck_assert_int_eq(cg_json_set_int(f, "n", i), CG_OK);
    ck_assert_cg_ok(
        cg_audit_step(db, i % 4 + 1, "review", f, NULL, NULL, &err), &err);
    cg_json_free(f);
  }
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  ck_assert_int_eq(t_run(path, &out, NULL, verify), 0);
  ck_assert_msg(strstr(out, "audit log intact: 9000 entries") != NULL, "%s",
                out);
  free(out);
  edit(7001, "doc", "replace(doc, '\"n\":7000', '\"n\":7')");
  edit(8500, "decided_at", "'2000-01-01T00:00:00Z'");
  ck_assert_int_eq(t_run(path, NULL, &errout, verify), 65);
  ck_assert_msg(strstr(errout, "review 7001 (order O-1): content does not "
                               "match its hash") != NULL &&
                    strstr(errout, "(7001 entries read)") != NULL,
                "%s", errout);
  free(errout);
  ck_assert_int_eq(cg_audit_verify_anchor(db, NULL, &c, &err), CG_EINVAL);
  ck_assert_int_eq(c.bad_seq, 7001);
  ck_assert_int_eq(c.head.seq, 7000);
}
END_TEST

/* Inside the caller's transaction verify sees the caller's own entries
 * (a second connection would not): the log is one part there. */
START_TEST(test_parts_inside_a_transaction)
{
  cg_audit_check c;
  cg_error err = { 0 };
  cg_json *f = cg_json_object();

  fill(6);
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(cg_audit_step(db, 2, "shipment", f, NULL, NULL, &err), &err);
  cg_json_free(f);
  ck_assert_cg_ok(cg_audit_verify_parts(db, NULL, 1, &c, &err), &err);
  ck_assert_int_eq(c.entries, 7);
  ck_assert_int_eq(c.head.seq, 7);
  cg_store_rollback(db);
  ck_assert_cg_ok(cg_audit_verify_parts(db, NULL, 1, &c, &err), &err);
  ck_assert_int_eq(c.entries, 6);
}
END_TEST

/* A writer appending steps on its own connection until told to stop. */
typedef struct writer {
  const char *path;        /* the database */
  atomic_int stop;         /* set by the test */
  atomic_int appended;     /* entries committed */
  atomic_int failed_early; /* it stopped on an error */
  int failed;              /* an append failed (read after the join) */
  char msg[512];           /* why */
} writer;

static void *write_steps(void *arg)
{
  writer *w = arg;
  cg_store *wdb = NULL;
  cg_error err = { 0 };
  int rc = cg_store_open(&wdb, w->path, 0, &err);

  while(rc == CG_OK && !atomic_load(&w->stop)) {
    cg_json *f = cg_json_object();
    rc = f ? cg_store_begin(wdb, &err) : CG_ENOMEM;
    if(rc == CG_OK)
      rc = cg_audit_step(wdb, 3, "review", f, NULL, NULL, &err);
    if(rc == CG_OK)
      rc = cg_store_commit(wdb, &err);
    else
      cg_store_rollback(wdb);
    cg_json_free(f);
    if(rc == CG_OK)
      atomic_fetch_add(&w->appended, 1);
  }
  if(rc != CG_OK) {
    w->failed = 1;
    snprintf(w->msg, sizeof(w->msg), "%s", err.msg);
    atomic_store(&w->failed_early, 1);
  }
  cg_store_close(wdb);
  return NULL;
}

/* Verify in parts while another connection appends: every run proves
 * the log up to the head it began with (an entry of the log, with the
 * hash it reports), and entries appended meanwhile do not break it. */
START_TEST(test_parts_while_a_writer_appends)
{
  char *hash;
  cg_audit_check c;
  cg_error err = { 0 };
  writer w;
  pthread_t t;
  int i, before, during;

  memset(&w, 0, sizeof(w));
  w.path = t_tmp("audit.db");
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  for(i = 0; i < 3000; i++) {
    cg_json *f = cg_json_object();
    ck_assert_cg_ok(
        cg_audit_step(db, i % 4 + 1, "review", f, NULL, NULL, &err), &err);
    cg_json_free(f);
  }
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  ck_assert_int_eq(pthread_create(&t, NULL, write_steps, &w), 0);
  while(!atomic_load(&w.appended) && !w.failed_early)
    sched_yield(); /* the writer is under way */
  before = atomic_load(&w.appended);
  for(i = 0; i < 12; i++) {
    ck_assert_cg_ok(cg_audit_verify_parts(db, NULL, 100, &c, &err), &err);
    ck_assert_int_ge(c.head.seq, 3000);
    ck_assert_int_eq(c.entries, c.head.seq);
    hash = sql_text("SELECT hash FROM decisions WHERE seq = ?1", c.head.seq);
    ck_assert_str_eq(hash, c.head.hash);
    free(hash);
  }
  during = atomic_load(&w.appended) - before;
  atomic_store(&w.stop, 1);
  ck_assert_int_eq(pthread_join(t, NULL), 0);
  ck_assert_msg(!w.failed, "writer: %s", w.msg);
  ck_assert_int_gt(during, 0); /* it did append while verify ran */
  expect_intact(3000 + atomic_load(&w.appended));
}
END_TEST

typedef struct seen {
  int n;          /* documents */
  char ids[256];  /* their order ids, space-separated */
  int stop_after; /* 0 = never stop */
} seen;

static int collect(const char *json, void *arg)
{
  seen *s = arg;
  cg_decision d;
  cg_error err = { 0 };
  size_t len = strlen(s->ids);

  ck_assert_cg_ok(cg_decision_parse(json, strlen(json), &d, &err), &err);
  snprintf(s->ids + len, sizeof(s->ids) - len, "%s%s", len ? " " : "",
           d.order_id);
  cg_decision_clear(&d);
  s->n++;
  return s->stop_after && s->n >= s->stop_after;
}

static void expect_each(const char *since, const char *order, int64_t batch,
                        int stop_after, const char *want)
{
  seen s;
  cg_error err = { 0 };

  memset(&s, 0, sizeof(s));
  s.stop_after = stop_after;
  ck_assert_cg_ok(cg_audit_each(db, since, order, batch, collect, &s, &err),
                  &err);
  ck_assert_str_eq(s.ids, want);
}

START_TEST(test_each_filters)
{
  char h[CG_SHA256_HEX];
  int64_t b1, b2;

  b1 = batch_row();
  free(append(1, "O-1", CG_OUT_NLR, b1, h));
  free(append(2, "O-2", CG_OUT_DENY, b1, h));
  b2 = batch_row();
  free(append(3, "O-3", CG_OUT_HOLD, b2, h));
  free(append(4, "O-4", CG_OUT_NLR, 0, h));
  expect_each(NULL, NULL, 0, 0, "O-1 O-2 O-3 O-4");
  expect_each(NULL, NULL, b1, 0, "O-1 O-2");
  expect_each(NULL, NULL, b2, 0, "O-3");
  expect_each(NULL, "O-2", 0, 0, "O-2");
  expect_each(NULL, "O-2", b2, 0, "");
  expect_each(NULL, "O-9", 0, 0, "");
  expect_each("2000-01-01", NULL, 0, 0, "O-1 O-2 O-3 O-4");
  expect_each("2999-01-01", NULL, 0, 0, "");
  expect_each(NULL, NULL, 0, 2, "O-1 O-2"); /* fn stops the walk */
}
END_TEST

static Suite *audit_suite(void)
{
  Suite *s = suite_create("audit");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_chain_over_the_stored_bytes);
  tcase_add_test(tc, test_history);
  tcase_add_test(tc, test_verify_names_an_edited_row);
  tcase_add_test(tc, test_verify_names_the_row_after_a_removed_one);
  tcase_add_test(tc, test_each_filters);
  tcase_add_test(tc, test_verify_checks_every_column);
  tcase_add_test(tc, test_head);
  tcase_add_test(tc, test_head_parse_refuses);
  tcase_add_test(tc, test_anchor_catches_a_removed_tail);
  tcase_add_test(tc, test_cli_head_and_anchor);
  tcase_add_test(tc, test_parts_find_the_first_bad_entry);
  tcase_add_test(tc, test_cli_verify_splits_a_long_log);
  tcase_add_test(tc, test_parts_inside_a_transaction);
  tcase_add_test(tc, test_parts_while_a_writer_appends);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(audit_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
