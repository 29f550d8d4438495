/* bench_webhook.c -- webhook delivery throughput to a loopback receiver
 * (tests/net/server.py, which verifies every signature), outbox enqueue
 * rate, and the time to sync a full CSL file served from loopback.
 *
 * usage: bench_webhook [EVENTS] [CSL_CSV]
 *   EVENTS   events to enqueue and deliver (default 2000)
 *   CSL_CSV  a full CSL export to serve for the sync-lists timing
 *            (default: $CG_CSL, skipped if unset) */
#include "core/csvfile.h"
#include "../helpers.h"
#include "core/http.h"
#include "../net/netserver.h"
#include "net/sync.h"
#include "net/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const cg_error *err)
{
  fprintf(stderr, "bench_webhook: %s: %s\n", what, err->msg);
  exit(1);
}

/* ---- a minimal list importer: names of a CSL CSV into b_parties ---- */

static int b_count(void *ctx, cg_store *db, const char *source, int64_t *n_out,
                   cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(
      db, &st, "SELECT count(*) FROM b_parties WHERE source = ?1", err);

  (void)ctx;
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK && cg_stmt_step(st, err) == 1)
    *n_out = cg_stmt_int(st, 0);
  cg_stmt_reset(st);
  return rc;
}

static int b_replace(void *ctx, cg_store *db, const char *source,
                     const char *format, const char *name, const char *body,
                     size_t len, int64_t *n_out, cg_error *err)
{
  cg_csv *r = NULL;
  const cg_csv_row *row;
  cg_csv_header h = { 0 };
  cg_stmt *st = NULL;
  int rc, col;

  (void)ctx;
  (void)format;
  *n_out = 0;
  rc = cg_store_exec(db, "DELETE FROM b_parties", err);
  if(rc == CG_OK)
    rc = cg_csv_open_mem(&r, name, body, len, 0, err);
  if(rc != CG_OK)
    return rc;
  if(cg_csv_next(r, &row, err) != 1 ||
     cg_csv_header_init(&h, row, name, err) != CG_OK) {
    cg_csv_close(r);
    return cg_error_set(err, CG_EINVAL, "%s: no header", name);
  }
  col = cg_csv_header_find(&h, "name");
  rc = cg_store_cached(
      db, &st, "INSERT INTO b_parties(source, name) VALUES(?1, ?2)", err);
  while(rc == CG_OK && col >= 0 && (rc = cg_csv_next(r, &row, err)) == 1) {
    rc = cg_stmt_bind_text(st, 1, source, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(
          st, 2, (size_t)col < row->n ? row->fields[col] : "", err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
    (*n_out)++;
  }
  cg_csv_header_free(&h);
  cg_csv_close(r);
  return rc < 0 ? rc : CG_OK;
}

static void bench_sync(t_server *srv, cg_store *db, const char *csl)
{
  static const cg_sync_list_ops ops = { NULL, b_count, b_replace, NULL, NULL };
  cg_sync_lists_opts o = { 0 };
  cg_sync_lists_result res;
  cg_http_response resp;
  cg_error err = { 0 };
  cg_http *h = NULL;
  char cmd[2048];
  double t0, t1, t2, t3;

  snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", csl, t_tmp("csl.csv"));
  if(system(cmd) != 0) {
    fprintf(stderr, "bench_webhook: cannot copy %s\n", csl);
    exit(1);
  }
  if(cg_store_exec(db, "CREATE TABLE b_parties(source TEXT, name TEXT)",
                   &err) != CG_OK ||
     cg_http_open(&h, NULL, &err) != CG_OK)
    die("setup", &err);
  t0 = now_s();
  if(cg_http_get(h, t_url(srv, "/files/csl.csv"), NULL, &resp, &err) != CG_OK)
    die("get", &err);
  t1 = now_s();
  printf("sync lists: GET of %zu bytes over loopback: %.3f s\n", resp.len,
         t1 - t0);
  cg_http_response_free(&resp);
  o.url = t_url(srv, "/files/csl.csv");
  t1 = now_s();
  if(cg_sync_lists(db, h, &o, &ops, &res, &err) != CG_OK)
    die("sync lists", &err);
  t2 = now_s();
  printf("sync lists: full CSL (%lld entries; GET + sha256 + CSV parse + "
         "insert + commit): %.3f s\n",
         (long long)res.count, t2 - t1);
  if(cg_sync_lists(db, h, &o, &ops, &res, &err) != CG_OK)
    die("sync lists again", &err);
  t3 = now_s();
  printf("sync lists: second run (%s): %.4f s\n",
         res.not_modified ? "304 not modified" : "updated", t3 - t2);
  cg_http_close(h);
}

static int g_n = 2000;    /* EVENTS */
static const char *g_csl; /* CSL_CSV */
static int g_ok;          /* all events delivered */

/* Runs inside a Check test (no fork) so the shared test helpers, which
 * use ck_assert, work. */
START_TEST(bench)
{
  const char *args[] = { "--secret-file", NULL, NULL };
  int n = g_n;
  const char *csl = g_csl;
  cg_webhook_stats st;
  cg_error err = { 0 };
  cg_store *db;
  cg_http *h = NULL;
  cg_http_opts ho = CG_HTTP_OPTS_INIT;
  t_server srv;
  char data[128];
  double t0, t1, t2;

  args[1] = t_write("hook.secret", SECRET "\n");
  t_server_start(&srv, args);
  db = t_db("bench.db");
  if(cg_webhook_add(db, t_url(&srv, "/hook"), SECRET, NULL, 0, NULL, &err) !=
     CG_OK)
    die("add", &err);

  t0 = now_s();
  if(cg_store_begin(db, &err) != CG_OK)
    die("begin", &err);
  for(int i = 0; i < n; i++) {
    snprintf(data, sizeof(data),
             "{\"order_id\":\"O-%06d\",\"decision\":\"deny\"}", i);
    if(cg_webhook_enqueue(db, CG_EVENT_DECISION, data, NULL, &err) != CG_OK)
      die("enqueue", &err);
  }
  if(cg_store_commit(db, &err) != CG_OK)
    die("commit", &err);
  t1 = now_s();

  ho.follow_redirects = 0;
  if(cg_http_open(&h, &ho, &err) != CG_OK)
    die("http", &err);
  if(cg_webhook_deliver(db, h, 0, 0, &st, &err) != CG_OK)
    die("deliver", &err);
  t2 = now_s();
  cg_http_close(h);
  printf("webhook: enqueue %d events in one transaction: %.3f s (%.0f "
         "events/s)\n",
         n, t1 - t0, n / (t1 - t0));
  printf("webhook: deliver %d events (%d delivered, %d failed) to a "
         "loopback receiver: %.3f s (%.0f events/s)\n",
         n, st.delivered, st.failed, t2 - t1, st.delivered / (t2 - t1));
  {
    cg_stmt *q = NULL;

    if(cg_store_prepare(db, &q,
                        "SELECT sum(duration_ms) FROM delivery_attempts",
                        &err) == CG_OK &&
       cg_stmt_step(q, &err) == 1)
      printf("webhook: of which HTTP round trips (curl total time): %.3f "
             "s\n",
             (double)cg_stmt_int(q, 0) / 1000.0);
    cg_stmt_finalize(q);
  }
  if(csl && *csl)
    bench_sync(&srv, db, csl);
  cg_store_close(db);
  t_server_stop(&srv);
  t_tmp_cleanup();
  g_ok = st.delivered == n;
}
END_TEST

int main(int argc, char **argv)
{
  Suite *s = suite_create("bench");
  TCase *tc = tcase_create("bench");
  SRunner *sr;

  g_n = argc > 1 && atoi(argv[1]) > 0 ? atoi(argv[1]) : 2000;
  g_csl = argc > 2 ? argv[2] : getenv("CG_CSL");
  tcase_add_test(tc, bench);
  tcase_set_timeout(tc, 3600);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_set_fork_status(sr, CK_NOFORK);
  cg_http_global_init();
  srunner_run_all(sr, CK_SILENT);
  srunner_free(sr);
  cg_http_global_cleanup();
  return g_ok ? 0 : 1;
}
