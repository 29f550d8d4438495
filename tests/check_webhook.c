/* check_webhook.c -- outbox, Standard Webhooks signing and delivery to a
 * real loopback receiver (tests/net/server.py). */
#include "helpers.h"
#include "core/http.h"
#include "net/netserver.h"
#include "net/webhook.h"
#include "core/crypto.h"
#include "decide/audit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static t_server srv;
static const char *record;

static void setup(void)
{
  const char *args[] = { "--record", NULL, "--secret-file", NULL, NULL };

  record = t_tmp("record.jsonl");
  args[1] = record;
  args[3] = t_write("hook.secret", SECRET "\n");
  chmod(args[3], 0600);
  t_server_start(&srv, args);
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

/* Number of lines of the receiver's record holding every needle. */
static int recorded(const char *n1, const char *n2)
{
  FILE *f = fopen(record, "r");
  char line[8192];
  int n = 0;

  if(!f)
    return 0;
  while(fgets(line, sizeof(line), f))
    if(strstr(line, n1) && (!n2 || strstr(line, n2)))
      n++;
  fclose(f);
  return n;
}

/* An integer from a one-row query. */
#define HEX16                                                                 \
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"          \
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
#define HEX32 HEX16 HEX16

static int64_t q_int(cg_store *db, const char *sql)
{
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  int64_t v;

  ck_assert_cg_ok(cg_store_prepare(db, &st, sql, &err), &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  v = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  return v;
}

static int64_t add_hook(cg_store *db, const char *path, const char *events)
{
  cg_error err = { 0 };
  int64_t id = 0;

  ck_assert_cg_ok(
      cg_webhook_add(db, t_url(&srv, path), SECRET, events, 0, &id, &err),
      &err);
  return id;
}

static void enqueue(cg_store *db, const char *type, const char *data)
{
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(cg_webhook_enqueue(db, type, data, NULL, &err), &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
}

static cg_webhook_stats deliver(cg_store *db, time_t now)
{
  cg_http_opts o = CG_HTTP_OPTS_INIT;
  cg_webhook_stats st;
  cg_error err = { 0 };
  cg_http *h = NULL;

  o.follow_redirects = 0;
  ck_assert_cg_ok(cg_http_open(&h, &o, &err), &err);
  ck_assert_cg_ok(cg_webhook_deliver(db, h, now, 0, &st, &err), &err);
  cg_http_close(h);
  return st;
}

START_TEST(test_sign_vector)
{
  cg_error err = { 0 };
  const char *body = "{\"test\": 2432232314}";
  char *sig = NULL;

  ck_assert_cg_ok(cg_webhook_sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                  1614265330, body, strlen(body), &sig, &err),
                  &err);
  ck_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  free(sig);
  ck_assert_int_eq(cg_webhook_sign("nope", "m", 1, "x", 1, &sig, &err),
                   CG_EINVAL);
  ck_assert_ptr_null(sig);
}
END_TEST

START_TEST(test_backoff_schedule)
{
  ck_assert_int_eq(cg_webhook_backoff(1), 5);
  ck_assert_int_eq(cg_webhook_backoff(2), 300);
  ck_assert_int_eq(cg_webhook_backoff(3), 1800);
  ck_assert_int_eq(cg_webhook_backoff(4), 7200);
  ck_assert_int_eq(cg_webhook_backoff(5), 18000);
  ck_assert_int_eq(cg_webhook_backoff(6), 36000);
  ck_assert_int_eq(cg_webhook_backoff(7), 36000);
  ck_assert_int_eq(cg_webhook_backoff(40), 36000);
}
END_TEST

/* The data of the newest outbox event (malloc'ed). */
static char *last_data(cg_store *db)
{
  cg_error err = { 0 };
  cg_stmt *st = NULL;
  char *v;

  ck_assert_cg_ok(cg_store_prepare(db, &st,
                                   "SELECT data FROM outbox ORDER BY id "
                                   "DESC LIMIT 1",
                                   &err),
                  &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  v = strdup(cg_stmt_text(st, 0));
  cg_stmt_finalize(st);
  return v;
}

static void expect_last(cg_store *db, const char *want)
{
  char *v = last_data(db);

  ck_assert_str_eq(v, want);
  free(v);
}

#define ZEROS                                                                 \
  "0000000000000000000000000000000000000000000000000000000000000000"

/* Every event carries the audit head it was written at, in its own
 * transaction: the genesis for an empty log, else the newest entry,
 * uncommitted ones of the same transaction included. */
START_TEST(test_events_carry_audit_head)
{
  cg_store *db = t_db("h.db");
  cg_error err = { 0 };
  cg_json *obj = cg_json_object(), *f = cg_json_object();
  char hash[CG_SHA256_HEX], want[256];
  int64_t seq = 0;

  enqueue(db, "party.hit", "{}");
  expect_last(db, "{\"audit_head\":\"0:" ZEROS "\"}");
  enqueue(db, "list.updated", " {\"source\": \"csl\"}");
  expect_last(db, " {\"audit_head\":\"0:" ZEROS "\",\"source\": \"csl\"}");
  /* Data that names its own head, or is an array, is left as it is. */
  enqueue(db, "list.updated", "{\"audit_head\":\"x\"}");
  expect_last(db, "{\"audit_head\":\"x\"}");
  enqueue(db, "list.updated", "[1]");
  expect_last(db, "[1]");

  ck_assert_cg_ok(
      cg_store_exec(db,
                    "INSERT INTO countries(code, name) VALUES('DE', "
                    "'Germany'); INSERT INTO customers(id, name, country) "
                    "VALUES(1, 'Acme', 'DE'); INSERT INTO chips(id, name) "
                    "VALUES(1, 'X'); INSERT INTO orders(id, order_id, "
                    "customer_id, chip_id, destination, quantity, ship_date) "
                    "VALUES(1, 'O-1', 1, 1, 'DE', 1, '2026-01-01')",
                    &err),
      &err);
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(cg_audit_step(db, 1, "cancel", f, &seq, hash, &err), &err);
  ck_assert_int_eq(cg_json_set_int(obj, "a", 1), CG_OK);
  ck_assert_cg_ok(
      cg_webhook_enqueue_json(db, CG_EVENT_PARTY_HIT, obj, NULL, &err), &err);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  snprintf(want, sizeof(want), "{\"audit_head\":\"%lld:%s\",\"a\":1}",
           (long long)seq, hash);
  expect_last(db, want);
  cg_json_free(obj);
  cg_json_free(f);
  cg_store_close(db);
}
END_TEST

/* Webhook-ids sort by the time they were written ("msg_" and 32 hex
 * digits, milliseconds first), so the outbox's unique index grows at its
 * end; without an endpoint no delivery row is written. A pre-built object
 * goes in without a parse, and a bad one is refused. */
START_TEST(test_msg_ids_sort_by_time)
{
  cg_store *db = t_db("m.db");
  cg_error err = { 0 };
  int i;

  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  for(i = 0; i < 300; i++)
    ck_assert_cg_ok(cg_webhook_enqueue_object(db, CG_EVENT_DECISION,
                                              "{\"a\":1}", 7, NULL, &err),
                    &err);
  ck_assert_int_eq(
      cg_webhook_enqueue_object(db, CG_EVENT_DECISION, "[1]", 3, NULL, &err),
      CG_EINVAL);
  ck_assert_int_eq(cg_webhook_enqueue_object(db, CG_EVENT_DECISION, "{\"a\"",
                                             4, NULL, &err),
                   CG_EINVAL);
  ck_assert_cg_ok(cg_store_commit(db, &err), &err);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox"), 300);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox WHERE msg_id NOT "
                             "GLOB 'msg_" HEX32 "'"),
                   0);
  /* In id order, each msg_id is greater than the one before. */
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox a JOIN outbox b "
                             "ON b.id = a.id + 1 WHERE b.msg_id <= a.msg_id"),
                   0);
  /* Milliseconds since 1970: within a minute of now. */
  {
    cg_stmt *st = NULL;
    char ms[13];
    long long now = (long long)time(NULL) * 1000, at;

    ck_assert_cg_ok(cg_store_prepare(db, &st,
                                     "SELECT substr(max(msg_id), 5, 12) FROM "
                                     "outbox",
                                     &err),
                    &err);
    ck_assert_int_eq(cg_stmt_step(st, &err), 1);
    snprintf(ms, sizeof(ms), "%s", cg_stmt_text(st, 0));
    cg_stmt_finalize(st);
    at = strtoll(ms, NULL, 16);
    ck_assert_int_le(llabs(now - at), 60000);
  }
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries"), 0);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox WHERE data NOT LIKE "
                             "'{\"audit_head\":\"0:%\",\"a\":1}'"),
                   0);
  cg_store_close(db);
}
END_TEST

START_TEST(test_enqueue_needs_transaction)
{
  cg_store *db = t_db("e.db");
  cg_error err = { 0 };
  char *before = t_db_dump(t_tmp("e.db")), *after;

  add_hook(db, "/hook", NULL);
  free(before);
  before = t_db_dump(t_tmp("e.db"));
  ck_assert_int_eq(cg_webhook_enqueue(db, "decision.made", "{}", NULL, &err),
                   CG_EINTERNAL);
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_int_eq(cg_webhook_enqueue(db, "order.eaten", "{}", NULL, &err),
                   CG_EINVAL);
  ck_assert_int_eq(cg_webhook_enqueue(db, "party.hit", "{bad", NULL, &err),
                   CG_EINVAL);
  ck_assert_int_eq(cg_webhook_enqueue(db, "party.hit", "42", NULL, &err),
                   CG_EINVAL);
  cg_store_rollback(db);
  after = t_db_dump(t_tmp("e.db"));
  ck_assert_str_eq(before, after);
  /* A rolled-back cause leaves no event behind. */
  ck_assert_cg_ok(cg_store_begin(db, &err), &err);
  ck_assert_cg_ok(cg_webhook_enqueue(db, "party.hit", "{\"a\":1}", NULL, &err),
                  &err);
  cg_store_rollback(db);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox"), 0);
  free(before);
  free(after);
  cg_store_close(db);
}
END_TEST

START_TEST(test_deliver_signed)
{
  cg_store *db = t_db("d.db");
  cg_webhook_stats st;

  add_hook(db, "/hook", NULL);
  add_hook(db, "/hook?only=hits", "party.hit");
  enqueue(db, "decision.made", "{\"order_id\":\"O-1\",\"decision\":\"deny\"}");
  enqueue(db, "party.hit", "{\"customer\":\"Acme\"}");
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries"), 3);
  st = deliver(db, 0);
  ck_assert_int_eq(st.attempted, 3);
  ck_assert_int_eq(st.delivered, 3);
  ck_assert_int_eq(st.failed, 0);
  ck_assert_int_eq(st.remaining, 0);
  ck_assert_int_eq(recorded("\"valid\": true", NULL), 3);
  ck_assert_int_eq(recorded("\"decision.made\"", "\"O-1\""), 1);
  ck_assert_int_eq(recorded("\"party.hit\"", "\"Acme\""), 2);
  ck_assert_int_eq(recorded("\"audit_head\": \"0:0000", NULL), 3);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries WHERE "
                             "status = 'delivered' AND attempts = 1"),
                   3);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM delivery_attempts "
                             "WHERE status_code = 200"),
                   3);
  /* Nothing left: a second run sends nothing. */
  st = deliver(db, 0);
  ck_assert_int_eq(st.attempted, 0);
  ck_assert_int_eq(recorded("\"path\"", NULL), 3);
  cg_store_close(db);
}
END_TEST

START_TEST(test_redelivery_keeps_id)
{
  cg_store *db = t_db("r.db");
  cg_error err = { 0 };
  char id[64];
  FILE *f;
  char line[8192], *p;

  add_hook(db, "/hook", NULL);
  enqueue(db, "list.updated", "{\"source\":\"csl\"}");
  deliver(db, 0);
  /* As if the process died after the POST but before the commit. */
  ck_assert_cg_ok(cg_store_exec(db,
                                "UPDATE deliveries SET status = 'pending', "
                                "attempts = 0, delivered_at = NULL",
                                &err),
                  &err);
  deliver(db, 0);
  ck_assert_int_eq(recorded("\"valid\": true", NULL), 2);
  f = fopen(record, "r");
  ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
  p = strstr(line, "\"id\": \"");
  ck_assert_ptr_nonnull(p);
  snprintf(id, sizeof(id), "%.36s", p + 7); /* msg_ + 32 hex */
  ck_assert_int_eq(strncmp(id, "msg_", 4), 0);
  fclose(f);
  ck_assert_int_eq(recorded(id, NULL), 2);
  cg_store_close(db);
}
END_TEST

START_TEST(test_flaky_then_ok)
{
  cg_store *db = t_db("f.db");
  cg_webhook_stats st;
  time_t now = time(NULL);
  int64_t next;

  add_hook(db, "/flaky", NULL);
  enqueue(db, "decision.made", "{\"order_id\":\"O-2\"}");
  /* The event is due at the enqueue's second: read the clock after it. */
  now = time(NULL);
  st = deliver(db, now);
  ck_assert_int_eq(st.failed, 1);
  ck_assert_int_eq(st.delivered, 0);
  next = q_int(db, "SELECT next_attempt_at FROM deliveries");
  ck_assert_int_ge(next, now + 5);
  ck_assert_int_le(next, now + 8);
  /* Not due yet: nothing sent. */
  st = deliver(db, now + 1);
  ck_assert_int_eq(st.attempted, 0);
  st = deliver(db, now + 10);
  ck_assert_int_eq(st.delivered, 1);
  ck_assert_int_eq(recorded("\"code\": 500", NULL), 1);
  ck_assert_int_eq(recorded("\"code\": 200", NULL), 1);
  ck_assert_int_eq(q_int(db, "SELECT attempts FROM deliveries WHERE status "
                             "= 'delivered'"),
                   2);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM delivery_attempts"), 2);
  cg_store_close(db);
}
END_TEST

START_TEST(test_retry_after)
{
  cg_store *db = t_db("b.db");
  time_t now = time(NULL);

  add_hook(db, "/busy", NULL);
  enqueue(db, "decision.made", "{}");
  /* The event is due at the enqueue's second: read the clock after it. */
  now = time(NULL);
  deliver(db, now);
  ck_assert_int_ge(q_int(db, "SELECT next_attempt_at FROM deliveries"),
                   now + 120);
  ck_assert_int_eq(q_int(db, "SELECT last_status_code FROM deliveries"), 503);
  cg_store_close(db);
}
END_TEST

START_TEST(test_gone_disables)
{
  cg_store *db = t_db("g.db");
  cg_webhook_stats st;
  cg_error err = { 0 };
  int64_t id;

  id = add_hook(db, "/gone", NULL);
  enqueue(db, "decision.made", "{}");
  enqueue(db, "decision.made", "{}");
  st = deliver(db, 0);
  ck_assert_int_eq(st.attempted, 1);
  ck_assert_int_eq(st.disabled, 1);
  ck_assert_int_eq(q_int(db, "SELECT enabled FROM webhooks"), 0);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries WHERE status "
                             "= 'pending'"),
                   2);
  /* New events skip a disabled endpoint; re-enabling resumes the old. */
  enqueue(db, "decision.made", "{}");
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries"), 2);
  ck_assert_cg_ok(cg_webhook_enable(db, id, &err), &err);
  st = deliver(db, 0);
  ck_assert_int_eq(st.attempted, 1);
  cg_store_close(db);
}
END_TEST

START_TEST(test_receiver_down)
{
  cg_store *db = t_db("down.db");
  cg_error err = { 0 };
  cg_webhook_stats st;
  char url[64];
  time_t now = time(NULL);

  snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", t_dead_port());
  ck_assert_cg_ok(cg_webhook_add(db, url, SECRET, NULL, 0, NULL, &err), &err);
  enqueue(db, "decision.made", "{}");
  enqueue(db, "party.hit", "{}");
  /* The event is due at the enqueue's second: read the clock after it. */
  now = time(NULL);
  st = deliver(db, now);
  /* One attempt per endpoint per run; both events stay pending. */
  ck_assert_int_eq(st.attempted, 1);
  ck_assert_int_eq(st.failed, 1);
  ck_assert_int_eq(st.remaining, 1);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries WHERE status "
                             "= 'pending'"),
                   2);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM delivery_attempts WHERE "
                             "status_code IS NULL AND error IS NOT NULL"),
                   1);
  /* Three days on, the schedule gives up: status failed, still stored. */
  st = deliver(db, now + 4 * 24 * 3600);
  ck_assert_int_eq(st.given_up, 1);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox"), 2);
  cg_store_close(db);
}
END_TEST

START_TEST(test_cli_add_list_remove)
{
  cg_store *db = t_db("cli.db");
  const char *path = t_tmp("cli.db");
  const char *loose = t_write("loose.secret", SECRET "\n");
  const char *tight = t_write("tight.secret", SECRET "\n");
  const char *bad = t_write("bad.secret", "hunter2\n");
  char *out = NULL, *errs = NULL, *before, *after;
  int rc;

  cg_store_close(db);
  chmod(loose, 0644);
  chmod(tight, 0600);
  {
    const char *argv[] = { "webhook",       "add", t_url(&srv, "/hook"),
                           "--secret-file", loose, NULL };
    rc = t_run(path, &out, &errs, argv);
  }
  ck_assert_int_eq(rc, 0);
  ck_assert_msg(strstr(errs, "readable by other users") != NULL, "%s", errs);
  ck_assert_ptr_null(strstr(out, "MfKQ9r8"));
  ck_assert_ptr_null(strstr(errs, "MfKQ9r8"));
  free(out);
  free(errs);
  {
    const char *argv[] = {
      "webhook", "add",      t_url(&srv, "/hook"),     "--secret-file",
      tight,     "--events", "party.hit,list.updated", NULL
    };
    rc = t_run(path, &out, &errs, argv);
  }
  ck_assert_int_eq(rc, 0);
  ck_assert_str_eq(errs, "");
  free(out);
  free(errs);

  /* Refusals leave the database as it was. */
  before = t_db_dump(path);
  {
    const char *argv[] = { "webhook",       "add", "http://example.com/h",
                           "--secret-file", tight, NULL };
    ck_assert_int_eq(t_run(path, NULL, NULL, argv), 64);
  }
  {
    const char *argv[] = { "webhook",       "add", t_url(&srv, "/hook"),
                           "--secret-file", bad,   NULL };
    ck_assert_int_eq(t_run(path, NULL, &errs, argv), 65);
    ck_assert_ptr_null(strstr(errs, "hunter2"));
    free(errs);
  }
  {
    const char *argv[] = { "webhook",  "add",         t_url(&srv, "/hook"),
                           "--events", "order.eaten", "--secret-file",
                           tight,      NULL };
    ck_assert_int_eq(t_run(path, NULL, NULL, argv), 64);
  }
  {
    const char *argv[] = { "webhook", "add", t_url(&srv, "/hook"), NULL };
    ck_assert_int_eq(t_run(path, NULL, NULL, argv), 64);
  }
  {
    const char *argv[] = { "webhook", "remove", "99", NULL };
    ck_assert_int_eq(t_run(path, NULL, NULL, argv), 66);
  }
  after = t_db_dump(path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);

  {
    const char *argv[] = { "webhook", "list", "--format", "json", NULL };
    ck_assert_int_eq(t_run(path, &out, NULL, argv), 0);
  }
  ck_assert_ptr_nonnull(strstr(out, "party.hit,list.updated"));
  ck_assert_ptr_null(strstr(out, "whsec"));
  free(out);
  {
    const char *argv[] = { "webhook", "remove", "1", NULL };
    ck_assert_int_eq(t_run(path, NULL, NULL, argv), 0);
  }
  {
    const char *argv[] = { "webhook", "list", NULL };
    ck_assert_int_eq(t_run(path, &out, NULL, argv), 0);
  }
  ck_assert_ptr_null(strstr(out, "\n1 "));
  ck_assert_ptr_nonnull(strstr(out, "\n2 "));
  ck_assert_ptr_null(strstr(out, "whsec"));
  free(out);
}
END_TEST

START_TEST(test_cli_deliver)
{
  cg_store *db = t_db("cd.db");
  const char *path = t_tmp("cd.db");
  const char *argv[] = { "webhook", "deliver", "--max-time", "20", NULL };
  char *out = NULL;
  char url[64];
  cg_error err = { 0 };

  add_hook(db, "/hook", NULL);
  enqueue(db, "decision.made", "{\"order_id\":\"O-9\"}");
  cg_store_close(db);
  ck_assert_int_eq(t_run(path, &out, NULL, argv), 0);
  ck_assert_ptr_nonnull(strstr(out, "1 delivered"));
  free(out);
  ck_assert_int_eq(recorded("\"valid\": true", "O-9"), 1);

  /* Receiver down: exit 75, the event stays due. */
  db = t_db("cd.db");
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", t_dead_port());
  ck_assert_cg_ok(cg_webhook_add(db, url, SECRET, NULL, 0, NULL, &err), &err);
  enqueue(db, "decision.made", "{\"order_id\":\"O-10\"}");
  cg_store_close(db);
  ck_assert_int_eq(t_run(path, &out, NULL, argv), 75);
  free(out);
  db = t_db("cd.db");
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries WHERE "
                             "status = 'pending'"),
                   1);
  cg_store_close(db);
}
END_TEST

static Suite *webhook_suite(void)
{
  Suite *s = suite_create("webhook");
  TCase *unit = tcase_create("unit");
  TCase *tc = tcase_create("loopback");

  tcase_add_test(unit, test_sign_vector);
  tcase_add_test(unit, test_backoff_schedule);
  tcase_add_test(unit, test_events_carry_audit_head);
  tcase_add_checked_fixture(unit, NULL, t_tmp_cleanup);
  suite_add_tcase(s, unit);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_enqueue_needs_transaction);
  tcase_add_test(tc, test_msg_ids_sort_by_time);
  tcase_add_test(tc, test_deliver_signed);
  tcase_add_test(tc, test_redelivery_keeps_id);
  tcase_add_test(tc, test_flaky_then_ok);
  tcase_add_test(tc, test_retry_after);
  tcase_add_test(tc, test_gone_disables);
  tcase_add_test(tc, test_receiver_down);
  tcase_add_test(tc, test_cli_add_list_remove);
  tcase_add_test(tc, test_cli_deliver);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(webhook_suite());
  int failed;

  cg_http_global_init();
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  cg_http_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
