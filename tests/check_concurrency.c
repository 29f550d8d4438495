/* check_concurrency.c -- chipgate commands racing on one database: two
 * batches, a batch with an import, a batch with `sync lists`, two
 * re-decision batches, two `webhook deliver`; and a database another
 * writer holds, which must give exit 75 "database busy, try again" after
 * a bounded wait, never SQLite's own words.
 *
 * Each race runs CG_RACE_ROUNDS times (default 3, 2 under ASan) with the
 * second command started 0..300 ms after the first, which one first and the
 * offset drawn from a splitmix64 seeded with CG_RACE_SEED (printed; a fixed
 * default), so that different interleavings are tried and a failure names what
 * replays it. */
#include "helpers.h"
#include "net/netserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_SEED 0xc0c0a5eedULL
/* Rounds per race: fewer under the sanitizers, where every run is
 * several times slower. */
#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_ROUNDS 2
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEFAULT_ROUNDS 2
#endif
#endif
#ifndef DEFAULT_ROUNDS
#define DEFAULT_ROUNDS 3
#endif
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static char demo_dir[512]; /* the demo database, made once, copied */
static char demo_db[600];
static char db[600]; /* this test's database */
static t_server srv;

/* The demo database, once: every test starts from a copy. */
static void make_demo(void)
{
  const char *demo[] = { "demo", "--out", NULL, NULL };
  char out[700];
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

  if(demo_dir[0])
    return;
  snprintf(demo_dir, sizeof(demo_dir), "%s/cgrace.XXXXXX", tmp);
  ck_assert_ptr_nonnull(mkdtemp(demo_dir));
  snprintf(demo_db, sizeof(demo_db), "%s/demo.db", demo_dir);
  snprintf(out, sizeof(out), "%s/reports", demo_dir);
  demo[2] = out;
  ck_assert_int_eq(t_run(demo_db, NULL, NULL, demo), 0);
  t_tmp_cleanup();
}

static void setup(void)
{
  snprintf(db, sizeof(db), "%s", t_tmp("race.db"));
  t_copy_db(demo_db, db);
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

static t_rng race_rng(const char *name, uint64_t *seed)
{
  t_rng r;
  const char *p = name;

  *seed = t_env_u64("CG_RACE_SEED", DEFAULT_SEED);
  r.s = *seed;
  while(*p)
    r.s = (r.s ^ (unsigned char)*p++) * 1099511628211ULL;
  return r;
}

static int rounds(void)
{
  return (int)t_env_u64("CG_RACE_ROUNDS", DEFAULT_ROUNDS);
}

/* Two commands at once: the one the draw says first, the other off ms
 * later. Fills st[2] with their exit statuses (index as given). */
static void race(const char *const *a, const char *const *b, t_rng *rng,
                 const char *ctx, int st[2])
{
  int first = (int)t_rng_range(rng, 0, 1);
  long off = (long)t_rng_range(rng, 0, 300);
  const char *const *argv[2] = { a, b };
  pid_t pid[2];
  int i;

  printf("%s: %s first, the other %ld ms later\n", ctx,
         first ? "second command" : "first command", off);
  fflush(stdout);
  pid[first] = t_spawn(NULL, db, NULL, first ? "b" : "a", argv[first]);
  t_sleep_ms(off);
  pid[!first] = t_spawn(NULL, db, NULL, first ? "a" : "b", argv[!first]);
  for(i = 0; i < 2; i++)
    st[i] = t_wait(pid[i]);
}

/* A racer's exit: 0, or 75 with the busy message (the wait is bounded:
 * a command may give up, never fail otherwise). 1 if it gave up. */
static int ok_or_busy(int st, const char *tag, const char *ctx)
{
  char path[700], *errout;
  int busy;

  snprintf(path, sizeof(path), "%s/%s.err", t_tmpdir(), tag);
  errout = t_slurp(path);
  busy = st == 75 && errout && strstr(errout, "database busy, try again");
  ck_assert_msg(st == 0 || busy, "%s: command %s: exit %d: %s", ctx, tag, st,
                errout ? errout : "");
  if(busy)
    printf("%s: command %s gave up: %s", ctx, tag, errout);
  free(errout);
  return busy;
}

/* Under one rule pack and one list version an order is decided once (a
 * new list version is a new input: open orders are decided again). */
static void no_order_decided_twice(const char *ctx)
{
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM (SELECT order_id FROM decisions WHERE "
               "kind = 'decision' GROUP BY order_id, json_extract(doc, "
               "'$.ruleset'), json_extract(doc, '$.lists') HAVING count(*) > "
               "1);",
               "0");
}

/* After the racers (and a batch to finish what one that gave up left):
 * the ledger holds, every order decided once, none pending, every batch
 * finished. */
static void check_all_decided(const char *ctx, int gave_up)
{
  const char *batch[] = { "batch", "--quiet", NULL };

  no_order_decided_twice(ctx);
  if(gave_up)
    ck_assert_int_eq(t_run(db, NULL, NULL, batch), 0);
  t_check_ledger(db, ctx);
  no_order_decided_twice(ctx);
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM orders WHERE status = 'pending';", "0");
  /* A batch that gave up leaves no unfinished batch row either. */
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM batches WHERE finished_at IS NULL;", "0");
}

/* ---- two batches ------------------------------------------------------- */

/* 820 pending orders a round (two transactions of 512 each way). */
START_TEST(test_two_batches)
{
  const char *batch[] = { "batch", "--quiet", NULL };
  uint64_t seed;
  t_rng rng = race_rng("two-batches", &seed);
  char ctx[160], prefix[16];
  int r, st[2];

  for(r = 1; r <= rounds(); r++) {
    snprintf(ctx, sizeof(ctx), "two batches: CG_RACE_SEED=0x%llx round %d",
             (unsigned long long)seed, r);
    snprintf(prefix, sizeof(prefix), "C%d-", r);
    t_add_orders(db, prefix, 20);
    race(batch, batch, &rng, ctx, st);
    check_all_decided(ctx, ok_or_busy(st[0], "a", ctx) +
                               ok_or_busy(st[1], "b", ctx));
  }
}
END_TEST

/* Two batches re-deciding every open order under a changed rule pack:
 * each is decided once under it. */
START_TEST(test_two_redeciding_batches)
{
  char rules[600], cmd[1400], ctx[160];
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *redo[] = { "--rules", rules, "batch", "--quiet", NULL };
  uint64_t seed;
  t_rng rng = race_rng("two-redeciding", &seed);
  int r, st[2], busy;

  /* 2,501 open orders: five transactions each, and so four chances for
   * the other batch to take the lock in between. */
  t_add_orders(db, "R", 60);
  ck_assert_int_eq(t_run(db, NULL, NULL, batch), 0);
  for(r = 1; r <= rounds(); r++) {
    snprintf(ctx, sizeof(ctx),
             "two re-deciding batches: CG_RACE_SEED=0x%llx round %d",
             (unsigned long long)seed, r);
    snprintf(rules, sizeof(rules), "%s/rules%d", t_tmpdir(), r);
    snprintf(cmd, sizeof(cmd),
             "cp -r '%s' '%s' && echo '# round %d' >> "
             "'%s/us-ear/20-license.rules'",
             t_src("rules"), rules, r, rules);
    ck_assert_int_eq(system(cmd), 0);
    race(redo, redo, &rng, ctx, st);
    busy = ok_or_busy(st[0], "a", ctx) + ok_or_busy(st[1], "b", ctx);
    no_order_decided_twice(ctx);
    if(busy)
      ck_assert_int_eq(t_run(db, NULL, NULL, redo), 0);
    check_all_decided(ctx, 0);
    /* every open order is under this round's pack */
    t_expect_sql(db, ctx,
                 "SELECT count(*) FROM orders o JOIN decisions d ON d.seq = "
                 "o.current_seq WHERE o.state IN ('open', 'releasable') AND "
                 "json_extract(d.doc, '$.ruleset') != (SELECT ruleset FROM "
                 "batches ORDER BY id DESC LIMIT 1);",
                 "0");
  }
}
END_TEST

/* ---- batch with import, batch with sync -------------------------------- */

/* The demo's orders file, copies times, ids prefixed; its path. */
static const char *orders_csv(const char *prefix, int copies)
{
  char *src = t_slurp(t_src("db/seed/demo_orders.csv"));
  static char path[600];
  FILE *f;
  char *body;
  int i;

  snprintf(path, sizeof(path), "%s/%sorders.csv", t_tmpdir(), prefix);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(src);
  ck_assert_ptr_nonnull(f);
  body = strchr(src, '\n') + 1;
  fwrite(src, 1, (size_t)(body - src), f);
  for(i = 0; i < copies; i++) {
    const char *line = body;
    while(*line) {
      size_t n = strcspn(line, "\n");
      fprintf(f, "%s%02d-%.*s\n", prefix, i, (int)n, line);
      line += n + (line[n] == '\n');
    }
  }
  fclose(f);
  free(src);
  return path;
}

/* A batch over 820 pending orders while 410 more are imported: the import
 * is whole, and every order (after one more batch for those it brought)
 * decided once. */
START_TEST(test_batch_with_import)
{
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *import[] = { "import", "orders", NULL, NULL };
  uint64_t seed;
  t_rng rng = race_rng("batch-import", &seed);
  char ctx[160], prefix[16], sql[200], csv[600];
  int r, st[2], busy;

  for(r = 1; r <= rounds(); r++) {
    snprintf(ctx, sizeof(ctx),
             "batch with import: CG_RACE_SEED=0x%llx round %d",
             (unsigned long long)seed, r);
    snprintf(prefix, sizeof(prefix), "P%d-", r);
    t_add_orders(db, prefix, 20);
    snprintf(prefix, sizeof(prefix), "I%d-", r);
    snprintf(csv, sizeof(csv), "%s", orders_csv(prefix, 10));
    import[2] = csv;
    race(batch, import, &rng, ctx, st);
    busy = ok_or_busy(st[0], "a", ctx);
    if(ok_or_busy(st[1], "b", ctx))
      ck_assert_int_eq(t_run(db, NULL, NULL, import), 0);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM orders WHERE order_id LIKE 'I%d-%%';", r);
    t_expect_sql(db, ctx, sql, "410");
    check_all_decided(ctx, 1 + busy);
  }
}
END_TEST

/* A batch over 820 pending orders while `sync lists` replaces the list
 * (re-screening the customers, holding orders of new hits): each round
 * swaps between two lists of 4,999 and 5,199 entries. */
START_TEST(test_batch_with_sync)
{
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *sync[] = { "sync",     "lists",   "--url", NULL,
                         "--format", "csl-csv", NULL };
  uint64_t seed;
  t_rng rng = race_rng("batch-sync", &seed);
  char ctx[160], prefix[16], cmd[1600];
  int r, st[2], busy;
  const char *full = t_src("tests/data/csl/csl_full_2026-07-31.csv");

  snprintf(cmd, sizeof(cmd),
           "head -n 5000 '%s' > '%s/a.csv' && head -n 5200 '%s' > "
           "'%s/b.csv'",
           full, t_tmpdir(), full, t_tmpdir());
  ck_assert_int_eq(system(cmd), 0);
  t_server_start(&srv, NULL);
  for(r = 1; r <= rounds(); r++) {
    snprintf(ctx, sizeof(ctx), "batch with sync: CG_RACE_SEED=0x%llx round %d",
             (unsigned long long)seed, r);
    snprintf(prefix, sizeof(prefix), "S%d-", r);
    t_add_orders(db, prefix, 20);
    sync[3] = t_url(&srv, r % 2 ? "/files/a.csv" : "/files/b.csv");
    race(batch, sync, &rng, ctx, st);
    busy = ok_or_busy(st[0], "a", ctx);
    if(ok_or_busy(st[1], "b", ctx))
      ck_assert_int_eq(t_run(db, NULL, NULL, sync), 0);
    t_expect_sql(db, ctx,
                 "SELECT entries FROM list_versions WHERE source = 'csl' AND "
                 "current = 1;",
                 r % 2 ? "4999" : "5199");
    check_all_decided(ctx, busy);
  }
}
END_TEST

/* ---- two deliverers ---------------------------------------------------- */

/* Times the receiver was sent msg_id, each with a valid signature. */
static int received(const char *rec, const char *msg_id)
{
  char needle[160];
  const char *p = rec;
  int n = 0;

  snprintf(needle, sizeof(needle), "\"id\": \"%s\"", msg_id);
  while((p = strstr(p, needle)) != NULL) {
    const char *end = strchr(p, '\n'), *v = strstr(p, "\"valid\": true");
    ck_assert_msg(end && v && v < end, "%s posted without a valid signature",
                  msg_id);
    n++;
    p = end;
  }
  return n;
}

/* 164 new events a round; two `webhook deliver` at once: each event is
 * POSTed once (a claimed delivery is leased to one deliverer), attempts
 * recorded once, all delivered. */
START_TEST(test_two_deliverers)
{
  char secret[600], record[600], ctx[160], prefix[16];
  const char *srv_args[] = { "--record", record, "--secret-file", secret,
                             NULL };
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *add[] = {
    "webhook", "add", NULL, "--secret-file", secret, NULL
  };
  const char *deliver[] = { "webhook", "deliver", "--max-time", "120", NULL };
  uint64_t seed;
  t_rng rng = race_rng("two-deliverers", &seed);
  int r, st[2];

  snprintf(secret, sizeof(secret), "%s", t_write("hook.secret", SECRET "\n"));
  snprintf(record, sizeof(record), "%s", t_tmp("record.jsonl"));
  chmod(secret, 0600);
  t_server_start(&srv, srv_args);
  add[2] = t_url(&srv, "/hook");
  ck_assert_int_eq(t_run(db, NULL, NULL, add), 0);
  for(r = 1; r <= rounds(); r++) {
    char *ids, *rec, *id, *save = NULL;
    snprintf(ctx, sizeof(ctx), "two deliverers: CG_RACE_SEED=0x%llx round %d",
             (unsigned long long)seed, r);
    snprintf(prefix, sizeof(prefix), "W%d-", r);
    t_add_orders(db, prefix, 4);
    ck_assert_int_eq(t_run(db, NULL, NULL, batch), 0);
    fclose(fopen(record, "w"));
    race(deliver, deliver, &rng, ctx, st);
    ck_assert_msg(st[0] == 0 && st[1] == 0, "%s: exit %d and %d", ctx, st[0],
                  st[1]);
    t_expect_sql(db, ctx,
                 "SELECT count(*) FROM deliveries WHERE status != "
                 "'delivered';",
                 "0");
    t_expect_sql(db, ctx,
                 "SELECT (SELECT count(*) FROM delivery_attempts) - (SELECT "
                 "count(*) FROM deliveries);",
                 "0");
    /* this round's 164 events (consecutive outbox ids) */
    ids = t_sql(db, "SELECT o.msg_id FROM deliveries d JOIN outbox o ON o.id "
                    "= d.event_id WHERE d.event_id > (SELECT max(event_id) "
                    "FROM deliveries) - 164;");
    rec = t_slurp(record);
    ck_assert_ptr_nonnull(rec);
    {
      int lines = 0;
      const char *p;
      for(p = rec; *p; p++)
        lines += *p == '\n';
      ck_assert_msg(lines == 164, "%s: %d POSTs for 164 events", ctx, lines);
    }
    for(id = strtok_r(ids, "\n", &save); id;
        id = strtok_r(NULL, "\n", &save)) {
      int n = received(rec, id);
      ck_assert_msg(n == 1, "%s: event %s POSTed %d times", ctx, id, n);
    }
    free(ids);
    free(rec);
  }
}
END_TEST

/* ---- a busy database --------------------------------------------------- */

/* Runs argv against the held database: exit 75 with the busy message,
 * no SQLite words, within a bounded wait (300 ms asked, 10 s default). */
static void expect_busy(const char *const *argv, const char *ctx)
{
  const char *env[] = { "CHIPGATE_BUSY_TIMEOUT_MS=300", NULL };
  char *errout = NULL;
  int64_t t0 = t_now_ms(), ms;
  int st = t_run_env(NULL, db, env, NULL, &errout, argv);

  ms = t_now_ms() - t0;
  ck_assert_msg(st == 75, "%s %s: exit %d, want 75: %s", ctx, argv[0], st,
                errout);
  ck_assert_msg(strstr(errout, "database busy, try again") != NULL,
                "%s %s: %s", ctx, argv[0], errout);
  ck_assert_msg(!strstr(errout, "locked") && !strstr(errout, "SQLITE") &&
                    !strstr(errout, "sqlite"),
                "%s %s: SQLite's own words: %s", ctx, argv[0], errout);
  ck_assert_msg(ms < 5000, "%s %s: gave up after %lld ms (300 asked)", ctx,
                argv[0], (long long)ms);
  free(errout);
}

/* Every writing command gives up on a database another writer holds
 * (BEGIN IMMEDIATE here) and leaves it as it was; readers go on. */
START_TEST(test_busy_database)
{
  char secret[600], csv[600];
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *batch_out[] = { "batch", "--out", t_tmp("out"), NULL };
  const char *import[] = { "import", "orders", csv, NULL };
  const char *sync[] = { "sync",     "lists",   "--url", NULL,
                         "--format", "csl-csv", NULL };
  const char *add[] = {
    "webhook", "add", NULL, "--secret-file", secret, NULL
  };
  const char *deliver[] = { "webhook", "deliver", NULL };
  const char *cancel[] = { "cancel", "O-1001", "--reason", "test", NULL };
  const char *verify[] = { "audit", "verify", NULL };
  const char *report[] = {
    "report", "--batch", "1", "--format", "json", NULL
  };
  char *before, *after, cmd[1400];
  cg_store *hold = NULL;
  cg_error err = { 0 };

  snprintf(secret, sizeof(secret), "%s", t_write("hook.secret", SECRET "\n"));
  chmod(secret, 0600);
  snprintf(csv, sizeof(csv), "%s", orders_csv("N", 2));
  snprintf(cmd, sizeof(cmd), "head -n 5000 '%s' > '%s/a.csv'",
           t_src("tests/data/csl/csl_full_2026-07-31.csv"), t_tmpdir());
  ck_assert_int_eq(system(cmd), 0);
  t_server_start(&srv, NULL);
  sync[3] = t_url(&srv, "/files/a.csv");
  add[2] = t_url(&srv, "/hook");
  {
    const char *add0[] = { "webhook",       "add",  add[2],
                           "--secret-file", secret, NULL };
    ck_assert_int_eq(t_run(db, NULL, NULL, add0), 0);
  }
  t_add_orders(db, "H", 1); /* pending orders, and due deliveries: */
  ck_assert_int_eq(t_run(db, NULL, NULL, batch), 0);
  t_add_orders(db, "J", 1);
  before = t_db_dump(db);
  ck_assert_cg_ok(cg_store_open(&hold, db, 0, &err), &err);
  ck_assert_cg_ok(cg_store_exec(hold, "BEGIN IMMEDIATE", &err), &err);
  expect_busy(batch, "busy");
  expect_busy(batch_out, "busy");
  expect_busy(import, "busy");
  expect_busy(sync, "busy");
  expect_busy(add, "busy");
  expect_busy(deliver, "busy");
  expect_busy(cancel, "busy");
  /* WAL: readers are not held up by a writer. */
  ck_assert_int_eq(t_run(db, NULL, NULL, verify), 0);
  ck_assert_int_eq(t_run(db, NULL, NULL, report), 0);
  cg_store_rollback(hold);
  cg_store_close(hold);
  after = t_db_dump(db);
  ck_assert_msg(strcmp(before, after) == 0,
                "a command that gave up changed the database");
  free(before);
  free(after);
  {
    struct stat sb;
    char path[700];
    snprintf(path, sizeof(path), "%s/report.md", t_tmp("out"));
    ck_assert_msg(stat(path, &sb) != 0, "a batch that gave up wrote %s", path);
  }
}
END_TEST

/* A reader shut out too (an exclusive lock, as a checkpoint or a
 * `PRAGMA locking_mode = EXCLUSIVE` writer holds): busy, not SQLite's
 * "database is locked". */
START_TEST(test_exclusive_lock)
{
  const char *verify[] = { "audit", "verify", NULL };
  const char *list[] = { "list", "orders", NULL };
  cg_store *hold = NULL;
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_store_open(&hold, db, 0, &err), &err);
  ck_assert_cg_ok(cg_store_exec(hold,
                                "PRAGMA locking_mode = EXCLUSIVE; BEGIN "
                                "EXCLUSIVE; SELECT count(*) FROM orders;",
                                &err),
                  &err);
  expect_busy(verify, "exclusive");
  expect_busy(list, "exclusive");
  cg_store_rollback(hold);
  cg_store_close(hold);
  ck_assert_int_eq(t_run(db, NULL, NULL, verify), 0);
}
END_TEST

static Suite *concurrency_suite(void)
{
  Suite *s = suite_create("concurrency");
  struct {
    const char *name;
    const TTest *test;
  } cases[] = { { "two-batches", test_two_batches },
                { "two-redeciding", test_two_redeciding_batches },
                { "batch-import", test_batch_with_import },
                { "batch-sync", test_batch_with_sync },
                { "two-deliverers", test_two_deliverers },
                { "busy", test_busy_database },
                { "exclusive", test_exclusive_lock } };
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    TCase *tc = tcase_create(cases[i].name);
    tcase_add_unchecked_fixture(tc, make_demo, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120 + 60 * rounds());
    tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(concurrency_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  if(demo_dir[0]) {
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", demo_dir);
    if(system(cmd) != 0)
      fprintf(stderr, "warning: could not remove %s\n", demo_dir);
  }
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
