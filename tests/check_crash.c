/* check_crash.c -- kill -9 at seeded, replayable points during batch (on
 * pending orders, and re-deciding open ones under a changed rule pack),
 * import, `sync lists` and `webhook deliver`; then the same command again
 * to completion. Nothing may be lost or duplicated: the state after the
 * kill is a committed one (the ledger holds, an import or a list is old
 * or new), and the state after the second run is the one a run that was
 * never killed leaves.
 *
 * The kill points are exact: chipgate-faulty (tests/fault/faultvfs.c)
 * raises SIGKILL just before its Nth SQLite read, write, sync or shm lock
 * (CG_FAULT=kill:KIND:N). A run without a fault counts them
 * (CG_FAULT_COUNT); each point is a kind and an N in [1, count] drawn
 * from a splitmix64 seeded with CG_CRASH_SEED (a fixed default), so
 * every failure message names the seed and point that replay it:
 *
 *   CG_CRASH_SEED=0x... ctest -R check_crash          all points again
 *   CG_CRASH_POINT=write:1234 CK_RUN_CASE=batch ...    just that point
 *
 * CG_CRASH_ITERS sets the points per scenario (default 5, 2 under ASan);
 * tests/bench/crash.sh runs 100 of each. */
#include "helpers.h"
#include "net/netserver.h"

#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_SEED 0x5eedc0ffee12ULL
/* Points per scenario: fewer under the sanitizers, where every run is
 * several times slower (CI runs the suite there too). */
#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_ITERS 2
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEFAULT_ITERS 2
#endif
#endif
#ifndef DEFAULT_ITERS
#define DEFAULT_ITERS 5
#endif
#define LEASE_S 300 /* webhook_deliver.c's lease on a claimed delivery */

static char demo_dir[512]; /* the demo database, made once, copied */
static char demo_db[600];
static t_server srv;
static char old_list[80]; /* the csl list's sha256 before a sync */
static char new_list[80]; /* ... and after it (from the run never killed) */
static char record[600];  /* the webhook receiver's record of POSTs */

/* One scenario: the command that is killed, what must hold after the
 * kill, what the run to completion must leave. */
typedef struct scen {
  const char *name;
  const char *const *argv;  /* killed, then run again */
  const char *const *rerun; /* the run to completion; NULL: argv */
  void (*after_kill)(const char *db, const char *ctx);
  void (*before_rerun)(const char *db); /* NULL: nothing */
  void (*after_rerun)(const char *db, const char *ctx);
  char *(*digest)(const char *db); /* final state, as a run never killed */
  void (*reset)(void);             /* before every run; NULL: nothing */
  void (*learn)(const char *ref);  /* sees the run never killed; may be NULL */
} scen;

/* The demo database, once: every scenario starts from a copy. */
static void make_demo(void)
{
  const char *demo[] = { "demo", "--out", NULL, NULL };
  char out[700];
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

  if(demo_dir[0])
    return; /* made for an earlier scenario */
  snprintf(demo_dir, sizeof(demo_dir), "%s/cgcrash.XXXXXX", tmp);
  ck_assert_ptr_nonnull(mkdtemp(demo_dir));
  snprintf(demo_db, sizeof(demo_db), "%s/demo.db", demo_dir);
  snprintf(out, sizeof(out), "%s/reports", demo_dir);
  demo[2] = out;
  ck_assert_int_eq(t_run(demo_db, NULL, NULL, demo), 0);
  t_tmp_cleanup(); /* t_run's own files: each test makes its own dir */
}

static void remove_demo(void)
{
  char cmd[700];

  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", demo_dir);
  if(system(cmd) != 0)
    fprintf(stderr, "warning: could not remove %s\n", demo_dir);
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

/* ---- points ------------------------------------------------------------ */

typedef struct counts {
  long n[4]; /* read, write, sync, shmlock */
} counts;

static const char *const kinds[4] = { "read", "write", "sync", "shmlock" };

static void read_counts(const char *path, counts *c, const char *ctx)
{
  char *s = t_slurp(path), *line, *save = NULL;
  int k;

  ck_assert_msg(s != NULL, "%s: no fault count in %s", ctx, path);
  memset(c, 0, sizeof(*c));
  for(line = strtok_r(s, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save)) {
    char kind[32];
    long n;
    if(sscanf(line, "%31s %ld", kind, &n) != 2)
      continue;
    for(k = 0; k < 4; k++)
      if(strcmp(kind, kinds[k]) == 0)
        c->n[k] = n;
  }
  free(s);
}

/* A kind (write 5 in 10, sync 2, read 2, shmlock 1, among those the run
 * makes) and an N in [1, count]. */
static void pick(t_rng *rng, const counts *c, int *kind, long *n)
{
  static const int weight[4] = { 2, 5, 2, 1 };
  int total = 0, k;
  uint64_t r;

  for(k = 0; k < 4; k++)
    total += c->n[k] > 0 ? weight[k] : 0;
  ck_assert_int_gt(total, 0);
  r = t_rng_range(rng, 0, (uint64_t)total - 1);
  for(k = 0; k < 4; k++) {
    int w = c->n[k] > 0 ? weight[k] : 0;
    if(r < (uint64_t)w)
      break;
    r -= (uint64_t)w;
  }
  *kind = k;
  *n = (long)t_rng_range(rng, 1, (uint64_t)c->n[k]);
}

/* CG_CRASH_POINT=KIND:N: 1 and the point if set. */
static int fixed_point(int *kind, long *n)
{
  const char *s = getenv("CG_CRASH_POINT");
  char kname[16];
  int k;

  if(!s || !*s)
    return 0;
  ck_assert_msg(sscanf(s, "%15[a-z]:%ld", kname, n) == 2 && *n > 0,
                "CG_CRASH_POINT=\"%s\": want KIND:N", s);
  for(k = 0; k < 4; k++)
    if(strcmp(kname, kinds[k]) == 0) {
      *kind = k;
      return 1;
    }
  ck_abort_msg("CG_CRASH_POINT=\"%s\": unknown kind", s);
  return 0;
}

/* t_tmp(name) copied to buf (t_tmp's own buffers are reused). */
static const char *keep(char *buf, const char *name)
{
  snprintf(buf, 600, "%s", t_tmp(name));
  return buf;
}

static uint64_t name_hash(const char *s)
{
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */

  while(*s)
    h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
  return h;
}

/* First line where a and b differ, for a message. */
static void first_diff(const char *a, const char *b, char *out, size_t size)
{
  size_t i = 0, line = 0;

  while(a[i] && a[i] == b[i])
    i++;
  while(i > 0 && a[i - 1] != '\n')
    i--;
  for(line = 0; a[line + i] && a[line + i] != '\n'; line++)
    ;
  snprintf(out, size, "got \"%.*s\", a run never killed has \"%.*s\"",
           (int)(line < 300 ? line : 300), a + i,
           (int)(strcspn(b + i, "\n") < 300 ? strcspn(b + i, "\n") : 300),
           b + i);
}

/* ---- the loop ---------------------------------------------------------- */

/* A run that was never killed: the counts to draw points from, and the
 * final state to compare with. */
static char *reference(const scen *sc, const char *base, counts *c)
{
  char ref_buf[600];
  const char *ref = keep(ref_buf, "ref.db");
  char cnt_buf[600];
  const char *cnt = keep(cnt_buf, "ref.count");
  char env_count[600];
  const char *env[] = { env_count, NULL };
  char *errout = NULL, *digest;
  int st;

  snprintf(env_count, sizeof(env_count), "CG_FAULT_COUNT=%s", cnt);
  t_copy_db(base, ref);
  if(sc->reset)
    sc->reset();
  st = t_run_env(CG_FAULTY_BINARY, ref, env, NULL, &errout, sc->argv);
  ck_assert_msg(st == 0, "crash %s: the run without a kill: exit %d: %s",
                sc->name, st, errout);
  free(errout);
  read_counts(cnt, c, sc->name);
  if(sc->rerun) {
    st = t_run_env(NULL, ref, NULL, NULL, &errout, sc->rerun);
    ck_assert_msg(st == 0, "crash %s: the second run: exit %d: %s", sc->name,
                  st, errout);
    free(errout);
  }
  sc->after_rerun(ref, sc->name);
  if(sc->learn)
    sc->learn(ref);
  digest = sc->digest(ref);
  return digest;
}

/* One point: kill, check, run again, compare. 1 if the kill fired. */
static int one_point(const scen *sc, const char *base, const char *ref_digest,
                     int kind, long n, const char *ctx)
{
  char db_buf[600];
  const char *db = keep(db_buf, "k.db");
  char cnt_buf[600];
  const char *cnt = keep(cnt_buf, "k.count");
  char env_fault[64], env_count[600], diff[800];
  const char *env[] = { env_fault, env_count, NULL };
  char *errout = NULL, *digest;
  int st, fired;

  snprintf(env_fault, sizeof(env_fault), "CG_FAULT=kill:%s:%ld", kinds[kind],
           n);
  snprintf(env_count, sizeof(env_count), "CG_FAULT_COUNT=%s", cnt);
  unlink(cnt);
  t_copy_db(base, db);
  if(sc->reset)
    sc->reset();
  st = t_run_env(CG_FAULTY_BINARY, db, env, NULL, &errout, sc->argv);
  fired = st == 128 + SIGKILL;
  if(!fired) {
    counts c;
    /* The run may make fewer calls than the one that was counted (a
     * checkpoint, a retry): then it ends normally and says so. */
    ck_assert_msg(st == 0, "%s: exit %d, not killed: %s", ctx, st, errout);
    read_counts(cnt, &c, ctx);
    ck_assert_msg(c.n[kind] < n, "%s: ran %ld %s calls and was not killed",
                  ctx, c.n[kind], kinds[kind]);
  }
  free(errout);
  sc->after_kill(db, ctx);
  if(sc->before_rerun)
    sc->before_rerun(db);
  st = t_run_env(NULL, db, NULL, NULL, &errout,
                 sc->rerun ? sc->rerun : sc->argv);
  ck_assert_msg(st == 0, "%s: the run after the kill: exit %d: %s", ctx, st,
                errout);
  free(errout);
  sc->after_rerun(db, ctx);
  digest = sc->digest(db);
  if(strcmp(digest, ref_digest) != 0) {
    first_diff(digest, ref_digest, diff, sizeof(diff));
    ck_abort_msg("%s: the final state differs: %s", ctx, diff);
  }
  free(digest);
  return fired;
}

static void crash_loop(const scen *sc, const char *base)
{
  uint64_t seed = t_env_u64("CG_CRASH_SEED", DEFAULT_SEED);
  long iters = (long)t_env_u64("CG_CRASH_ITERS", DEFAULT_ITERS), i;
  t_rng rng = { seed ^ name_hash(sc->name) };
  int64_t t0 = t_now_ms();
  int killed = 0, by_kind[4] = { 0 }, kind;
  counts c;
  char *ref = reference(sc, base, &c);
  char ctx[300];
  long n;

  printf("crash %s: seed 0x%llx, %ld points over read %ld, write %ld, "
         "sync %ld, shmlock %ld calls\n",
         sc->name, (unsigned long long)seed, iters, c.n[0], c.n[1], c.n[2],
         c.n[3]);
  fflush(stdout);
  if(fixed_point(&kind, &n))
    iters = 1;
  for(i = 0; i < iters; i++) {
    if(!fixed_point(&kind, &n))
      pick(&rng, &c, &kind, &n);
    snprintf(ctx, sizeof(ctx),
             "crash %s: CG_CRASH_SEED=0x%llx point %ld/%ld "
             "(CG_CRASH_POINT=%s:%ld)",
             sc->name, (unsigned long long)seed, i + 1, iters, kinds[kind], n);
    killed += one_point(sc, base, ref, kind, n, ctx);
    by_kind[kind]++;
  }
  printf("crash %s: seed 0x%llx: %ld points (read %d, write %d, sync %d, "
         "shmlock %d), %d killed, %ld past the run's end, 0 failures, "
         "%.1f s\n",
         sc->name, (unsigned long long)seed, iters, by_kind[0], by_kind[1],
         by_kind[2], by_kind[3], killed, iters - killed,
         (double)(t_now_ms() - t0) / 1000.0);
  fflush(stdout);
  free(ref);
}

static int iters_timeout(void)
{
  return 120 + 40 * (int)t_env_u64("CG_CRASH_ITERS", DEFAULT_ITERS);
}

/* ---- batch ------------------------------------------------------------- */

static void no_order_decided_twice(const char *db, const char *ctx)
{
  /* Under one rule pack and one list version an order is decided once:
   * a second decision with the same ones is a duplicate. */
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM (SELECT order_id FROM decisions WHERE "
               "kind = 'decision' GROUP BY order_id, json_extract(doc, "
               "'$.ruleset'), json_extract(doc, '$.lists') HAVING count(*) > "
               "1);",
               "0");
}

static void batch_after_kill(const char *db, const char *ctx)
{
  t_check_ledger(db, ctx);
  no_order_decided_twice(db, ctx);
}

static void batch_after_rerun(const char *db, const char *ctx)
{
  batch_after_kill(db, ctx);
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM orders WHERE status = 'pending';", "0");
  /* Every open order's current decision is under the pack of the run
   * that completed. */
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM orders o JOIN decisions d ON d.seq = "
               "o.current_seq WHERE o.state IN ('open', 'releasable') AND "
               "json_extract(d.doc, '$.ruleset') != (SELECT ruleset FROM "
               "batches ORDER BY id DESC LIMIT 1);",
               "0");
}

/* Per order: its status, state, current outcome, number of decisions and
 * net licence draw; per event type its count. */
static char *orders_digest(const char *db)
{
  return t_sql(db, "SELECT o.order_id || '|' || o.status || '|' || o.state "
                   "|| '|' || coalesce(d.decision, '-') || '|' || (SELECT "
                   "count(*) FROM decisions x WHERE x.order_id = o.id AND "
                   "x.kind = 'decision') || '|' || coalesce((SELECT "
                   "sum(quantity) FROM license_usage u WHERE u.order_id = "
                   "o.id), 0) FROM orders o LEFT JOIN decisions d ON d.seq = "
                   "o.current_seq ORDER BY o.order_id;"
                   "SELECT type || '=' || count(*) FROM outbox GROUP BY type "
                   "ORDER BY type;");
}

/* 533 pending orders (the demo's 41, 13 times: two transactions). */
START_TEST(test_crash_batch)
{
  const char *argv[] = { "batch", "--quiet", NULL };
  const scen sc = { "batch",          argv, NULL,
                    batch_after_kill, NULL, batch_after_rerun,
                    orders_digest,    NULL, NULL };
  char base_buf[600];
  const char *base = keep(base_buf, "base.db");

  t_copy_db(demo_db, base);
  t_add_orders(base, "B", 13);
  crash_loop(&sc, base);
}
END_TEST

/* 574 open orders (the demo's, 14 times, decided) and a changed rule pack:
 * the killed run re-decides them all (--recheck-all), the run after it
 * those whose inputs (the pack) changed, i.e. those not yet done. */
START_TEST(test_crash_redecide)
{
  char rules[600], cmd[1400];
  const char *argv[] = { "--rules", rules,           "batch",
                         "--quiet", "--recheck-all", NULL };
  const char *rerun[] = { "--rules", rules, "batch", "--quiet", NULL };
  const char *batch[] = { "batch", "--quiet", NULL };
  const scen sc = { "redecide",       argv, rerun,
                    batch_after_kill, NULL, batch_after_rerun,
                    orders_digest,    NULL, NULL };
  char base_buf[600];
  const char *base = keep(base_buf, "base.db");

  t_copy_db(demo_db, base);
  t_add_orders(base, "K", 13);
  ck_assert_int_eq(t_run(base, NULL, NULL, batch), 0);
  snprintf(rules, sizeof(rules), "%s", t_tmp("rules2"));
  snprintf(
      cmd, sizeof(cmd),
      "cp -r '%s' '%s' && echo '# changed' >> '%s/us-ear/20-license.rules'",
      t_src("rules"), rules, rules);
  ck_assert_int_eq(system(cmd), 0);
  crash_loop(&sc, base);
}
END_TEST

/* ---- import ------------------------------------------------------------ */

#define IMPORT_COPIES 10

static void import_after_kill(const char *db, const char *ctx)
{
  char *n;

  t_expect_sql(db, ctx, "PRAGMA integrity_check;", "ok");
  n = t_sql(db, "SELECT count(*) FROM orders WHERE order_id LIKE 'I%';");
  ck_assert_msg(strcmp(n, "0") == 0 || atoi(n) == IMPORT_COPIES * 41,
                "%s: %s of %d orders imported: not all or nothing", ctx, n,
                IMPORT_COPIES * 41);
  free(n);
}

static void import_after_rerun(const char *db, const char *ctx)
{
  char want[16];

  snprintf(want, sizeof(want), "%d", IMPORT_COPIES * 41);
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM orders WHERE order_id LIKE 'I%';", want);
}

/* The demo's orders file, IMPORT_COPIES times with new ids. */
static const char *orders_csv(void)
{
  char *src = t_slurp(t_src("db/seed/demo_orders.csv"));
  static char path_buf[600];
  const char *path = keep(path_buf, "orders.csv");
  FILE *f = fopen(path, "w");
  char *body;
  int i;

  ck_assert_ptr_nonnull(src);
  ck_assert_ptr_nonnull(f);
  body = strchr(src, '\n') + 1;
  fwrite(src, 1, (size_t)(body - src), f);
  for(i = 0; i < IMPORT_COPIES; i++) {
    const char *line = body;
    while(*line) {
      size_t n = strcspn(line, "\n");
      fprintf(f, "I%02d-%.*s\n", i, (int)n, line);
      line += n + (line[n] == '\n');
    }
  }
  fclose(f);
  free(src);
  return path;
}

START_TEST(test_crash_import)
{
  const char *argv[] = { "import", "orders", orders_csv(), NULL };
  const scen sc = { "import",          argv, NULL,
                    import_after_kill, NULL, import_after_rerun,
                    t_db_dump_untimed, NULL, NULL };
  char base_buf[600];
  const char *base = keep(base_buf, "base.db");

  t_copy_db(demo_db, base);
  crash_loop(&sc, base);
}
END_TEST

/* ---- sync lists -------------------------------------------------------- */

static void sync_after_kill(const char *db, const char *ctx)
{
  char *sha;

  t_check_ledger(db, ctx);
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM list_versions WHERE source = 'csl' AND "
               "current = 1;",
               "1");
  /* The list in use is whole: as many parties as its version says. */
  t_expect_sql(db, ctx,
               "SELECT (SELECT count(*) FROM parties p WHERE p.version_id = "
               "v.id) = v.entries FROM list_versions v WHERE source = 'csl' "
               "AND current = 1;",
               "1");
  sha = t_sql(db, "SELECT sha256 FROM list_versions WHERE source = 'csl' "
                  "AND current = 1;");
  ck_assert_msg(strcmp(sha, old_list) == 0 || strcmp(sha, new_list) == 0,
                "%s: the list in use is %s, neither the old %s nor the new "
                "%s",
                ctx, sha, old_list, new_list);
  free(sha);
}

static void sync_after_rerun(const char *db, const char *ctx)
{
  t_expect_sql(db, ctx,
               "SELECT entries FROM list_versions WHERE source = 'csl' AND "
               "current = 1;",
               "4999");
}

static void sync_learn(const char *ref)
{
  char *sha = t_sql(ref, "SELECT sha256 FROM list_versions WHERE source = "
                         "'csl' AND current = 1;");

  snprintf(new_list, sizeof(new_list), "%s", sha);
  free(sha);
}

/* The first 5,000 lines of the full CSL (4,999 entries) replace the
 * demo's 5,308 BIS entries: re-screening, holds, events. */
START_TEST(test_crash_sync_lists)
{
  const char *argv[] = { "sync",     "lists",   "--url", NULL,
                         "--format", "csl-csv", NULL };
  const scen sc = { "sync-lists",      argv, NULL,
                    sync_after_kill,   NULL, sync_after_rerun,
                    t_db_dump_untimed, NULL, sync_learn };
  char base_buf[600];
  const char *base = keep(base_buf, "base.db");
  char cmd[1400], *sha;

  snprintf(cmd, sizeof(cmd), "head -n 5000 '%s' > '%s'",
           t_src("tests/data/csl/csl_full_2026-07-31.csv"), t_tmp("new.csv"));
  ck_assert_int_eq(system(cmd), 0);
  t_server_start(&srv, NULL);
  argv[3] = t_url(&srv, "/files/new.csv");
  t_copy_db(demo_db, base);
  sha = t_sql(base, "SELECT sha256 FROM list_versions WHERE source = 'csl' "
                    "AND current = 1;");
  snprintf(old_list, sizeof(old_list), "%s", sha);
  free(sha);
  crash_loop(&sc, base);
}
END_TEST

/* ---- webhook deliver --------------------------------------------------- */

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* How many times the receiver was sent msg_id (valid signature, 200);
 * *body the text of its last body (borrowed from rec). */
static int received(char *rec, const char *msg_id, const char **body,
                    size_t *blen)
{
  char needle[160];
  const char *p = rec;
  int n = 0;

  snprintf(needle, sizeof(needle), "\"id\": \"%s\"", msg_id);
  while((p = strstr(p, needle)) != NULL) {
    const char *end = strchr(p, '\n'), *b = strstr(p, "\"body\": ");
    const char *v = strstr(p, "\"valid\": true");
    ck_assert_msg(end && v && v < end && b && b < end,
                  "%s posted without a valid signature", msg_id);
    n++;
    *body = b;
    *blen = (size_t)(end - b);
    p = end;
  }
  return n;
}

/* Each delivery marked delivered (or, with all, each one) reached the
 * receiver; at most one (the one in flight at the kill) twice, with the
 * same id and body. */
static void check_received(const char *db, const char *ctx, int all)
{
  char *ids = t_sql(db, all ? "SELECT o.msg_id FROM deliveries d JOIN outbox "
                              "o ON o.id = d.event_id;"
                            : "SELECT o.msg_id FROM deliveries d JOIN outbox "
                              "o ON o.id = d.event_id WHERE d.status = "
                              "'delivered';");
  char *rec = t_slurp(record), *id, *save = NULL;
  int twice = 0;

  ck_assert_ptr_nonnull(rec);
  for(id = strtok_r(ids, "\n", &save); id; id = strtok_r(NULL, "\n", &save)) {
    const char *b1 = NULL, *b2 = NULL;
    size_t l1 = 0, l2 = 0;
    int n = received(rec, id, &b1, &l1);
    ck_assert_msg(n >= 1, "%s: event %s marked delivered, never received", ctx,
                  id);
    ck_assert_msg(n <= 2, "%s: event %s received %d times", ctx, id, n);
    if(n == 2) {
      char *first = strstr(rec, id);
      received(first, id, &b2, &l2);
      ck_assert_msg(l1 == l2 && memcmp(b1, b2, l1) == 0,
                    "%s: event %s sent twice with different bodies", ctx, id);
      twice++;
    }
  }
  ck_assert_msg(twice <= 1,
                "%s: %d events received twice (one in flight "
                "at most)",
                ctx, twice);
  free(ids);
  free(rec);
}

static void hook_after_kill(const char *db, const char *ctx)
{
  t_expect_sql(db, ctx, "PRAGMA integrity_check;", "ok");
  check_received(db, ctx, 0);
}

/* The killed run's lease on the delivery it had claimed runs LEASE_S;
 * the clock moves on instead of the test waiting for it. */
static void hook_expire_leases(const char *db)
{
  char sql[200];

  snprintf(sql, sizeof(sql),
           "UPDATE deliveries SET next_attempt_at = next_attempt_at - %d "
           "WHERE status = 'pending';",
           LEASE_S);
  free(t_sql(db, sql));
}

static void hook_after_rerun(const char *db, const char *ctx)
{
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM deliveries WHERE status != "
               "'delivered';",
               "0");
  check_received(db, ctx, 1);
}

static char *hook_digest(const char *db)
{
  return t_sql(db, "SELECT event_id || '|' || webhook_id || '|' || status "
                   "FROM deliveries ORDER BY 1;"
                   "SELECT count(*) FROM outbox;");
}

static void hook_reset(void)
{
  FILE *f = fopen(record, "w");

  ck_assert_ptr_nonnull(f);
  fclose(f);
}

/* 164 decision.made events (the demo's orders, 4 times) for one
 * endpoint. A kill at a write of record() falls after its POST: that event
 * is sent again with the same id (at least once). The step between
 * claim()'s commit and the POST makes no SQLite call, so no point falls
 * there; a delivery marked delivered before its POST would go unseen. */
START_TEST(test_crash_webhook_deliver)
{
  const char *argv[] = { "webhook", "deliver", "--max-time", "120", NULL };
  const scen sc = { "webhook-deliver",
                    argv,
                    NULL,
                    hook_after_kill,
                    hook_expire_leases,
                    hook_after_rerun,
                    hook_digest,
                    hook_reset,
                    NULL };
  char base_buf[600];
  const char *base = keep(base_buf, "base.db");
  char secret[600];
  const char *srv_args[] = { "--record", NULL, "--secret-file", secret, NULL };
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *add[] = {
    "webhook", "add", NULL, "--secret-file", secret, NULL
  };

  snprintf(secret, sizeof(secret), "%s", t_write("hook.secret", SECRET "\n"));
  snprintf(record, sizeof(record), "%s", t_tmp("record.jsonl"));
  srv_args[1] = record;
  chmod(secret, 0600);
  t_server_start(&srv, srv_args);
  add[2] = t_url(&srv, "/hook");
  t_copy_db(demo_db, base);
  ck_assert_int_eq(t_run(base, NULL, NULL, add), 0);
  t_add_orders(base, "W", 4);
  ck_assert_int_eq(t_run(base, NULL, NULL, batch), 0);
  t_expect_sql(base, "webhook-deliver", "SELECT count(*) FROM deliveries;",
               "164");
  crash_loop(&sc, base);
}
END_TEST

static Suite *crash_suite(void)
{
  Suite *s = suite_create("crash");
  struct {
    const char *name;
    const TTest *test;
  } cases[] = { { "batch", test_crash_batch },
                { "redecide", test_crash_redecide },
                { "import", test_crash_import },
                { "sync-lists", test_crash_sync_lists },
                { "webhook-deliver", test_crash_webhook_deliver } };
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    TCase *tc = tcase_create(cases[i].name);
    tcase_add_unchecked_fixture(tc, make_demo, NULL);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, iters_timeout());
    tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(crash_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  if(demo_dir[0])
    remove_demo();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
