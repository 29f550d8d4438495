/* check_sync.c -- sync lists (through a test list importer) and sync
 * orders (through the CLI) against a real loopback server. Every failure
 * case checks that the database is byte-for-byte unchanged. */
#include "core/csvfile.h"
#include "helpers.h"
#include "core/http.h"
#include "core/json.h"
#include "net/netserver.h"
#include "net/sync.h"
#include "net/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static t_server srv;

static void setup(void)
{
  t_server_start(&srv, NULL);
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

/* ===================== A test list importer ===================== */
/* Stands in for the screening module: a list is a table of names
 * (t_parties), read from a CSV with a "name" column or from CSL JSON
 * {"results": [{"name": ...}]}; a hit is a customer with a listed name. */

static int run1(cg_store *db, const char *sql, const char *a, const char *b,
                cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, sql, err);

  if(rc == CG_OK && a)
    rc = cg_stmt_bind_text(st, 1, a, err);
  if(rc == CG_OK && b)
    rc = cg_stmt_bind_text(st, 2, b, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

static int t_count(void *ctx, cg_store *db, const char *source, int64_t *n_out,
                   cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(
      db, &st, "SELECT count(*) FROM t_parties WHERE source = ?1", err);

  (void)ctx;
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK && cg_stmt_step(st, err) == 1)
    *n_out = cg_stmt_int(st, 0);
  cg_stmt_reset(st);
  return rc;
}

static int t_replace(void *ctx, cg_store *db, const char *source,
                     const char *format, const char *name, const char *body,
                     size_t len, int64_t *n_out, cg_error *err)
{
  const char *ins = "INSERT INTO t_parties(source, name) VALUES(?1, ?2)";
  int rc;

  (void)ctx;
  *n_out = 0;
  rc = run1(db, "DELETE FROM t_parties WHERE source = ?1", source, NULL, err);
  if(rc != CG_OK)
    return rc;
  if(strcmp(format, "csl-json") == 0) {
    cg_json *doc = NULL, *arr;

    rc = cg_json_parse(&doc, body, len, name, err);
    if(rc != CG_OK)
      return rc;
    arr = cg_json_get(doc, "results");
    if(!arr || cg_json_type(arr) != CG_JSON_ARRAY)
      rc = cg_error_set(err, CG_EINVAL, "%s: no results array", name);
    for(size_t i = 0; rc == CG_OK && i < cg_json_size(arr); i++) {
      const char *s =
          cg_json_string_value(cg_json_get(cg_json_at(arr, i), "name"));
      if(!s || !*s)
        rc = cg_error_set(err, CG_EINVAL, "%s: result %zu has no name", name,
                          i);
      else
        rc = run1(db, ins, source, s, err);
      (*n_out)++;
    }
    cg_json_free(doc);
    return rc;
  }
  {
    cg_csv *r = NULL;
    const cg_csv_row *row;
    cg_csv_header h = { 0 };
    int col = -1;

    rc = cg_csv_open_mem(&r, name, body, len, 0, err);
    if(rc != CG_OK)
      return rc;
    rc = cg_csv_next(r, &row, err);
    if(rc == 1) {
      rc = cg_csv_header_init(&h, row, name, err);
      col = cg_csv_header_find(&h, "name");
      if(rc == CG_OK && col < 0)
        rc = cg_error_set(err, CG_EINVAL, "%s:1: no name column", name);
    }
    else if(rc == 0)
      rc = cg_error_set(err, CG_EINVAL, "%s: empty", name);
    while(rc == CG_OK && (rc = cg_csv_next(r, &row, err)) == 1) {
      if((size_t)col >= row->n || !row->fields[col][0]) {
        rc = cg_error_set(err, CG_EINVAL, "%s:%ld: empty name", name,
                          row->line);
        break;
      }
      rc = run1(db, ins, source, row->fields[col], err);
      (*n_out)++;
    }
    cg_csv_header_free(&h);
    cg_csv_close(r);
    return rc < 0 ? rc : CG_OK;
  }
}

static int t_rescreen(void *ctx, cg_store *db, const char *source,
                      int64_t *hits_out, cg_error *err)
{
  cg_stmt *st = NULL;
  char data[256];
  int rc;

  (void)ctx;
  (void)source;
  *hits_out = 0;
  rc = cg_store_prepare(db, &st,
                        "INSERT INTO t_hits(customer) SELECT c.name FROM "
                        "customers c JOIN t_parties p ON p.name = c.name "
                        "COLLATE NOCASE WHERE c.name NOT IN (SELECT customer "
                        "FROM t_hits) RETURNING customer",
                        err);
  while(rc == CG_OK && cg_stmt_step(st, err) == 1) {
    snprintf(data, sizeof(data), "{\"customer\":\"%s\"}", cg_stmt_text(st, 0));
    /* SQLite makes every change of an INSERT ... RETURNING on the first
     * step and buffers the rows, so writing the outbox here is safe. */
    rc = cg_webhook_enqueue(db, CG_EVENT_PARTY_HIT, data, NULL, err);
    (*hits_out)++;
  }
  cg_stmt_finalize(st);
  return rc;
}

static const cg_sync_list_ops test_ops = { NULL, t_count, t_replace,
                                           t_rescreen, NULL };

/* ===================== Fixtures ===================== */

static char cur_db[32]; /* name of the latest list_db() in the temp dir */

static cg_store *list_db(void)
{
  static int k;
  cg_store *db;

  snprintf(cur_db, sizeof(cur_db), "lists%d.db", ++k);
  db = t_db(cur_db);
  cg_error err = { 0 };

  ck_assert_cg_ok(
      cg_store_exec(db,
                    "CREATE TABLE t_parties(source TEXT, name TEXT);"
                    "CREATE TABLE t_hits(customer TEXT PRIMARY KEY);"
                    "INSERT INTO countries VALUES('CN', 'China'), "
                    "('US', 'United States'), ('NL', 'Netherlands');"
                    "INSERT INTO customers(name, country) VALUES"
                    "('Acme Trading', 'CN'), ('Good Corp', 'US');",
                    &err),
      &err);
  return db;
}

/* Writes a CSV list of n names (plus extra, a name, if not NULL). */
static void write_list(const char *file, int n, const char *extra)
{
  FILE *f = fopen(t_tmp(file), "w");

  ck_assert_ptr_nonnull(f);
  fputs("_id,name,source\n", f);
  for(int i = 0; i < n; i++)
    fprintf(f, "%d,Party %03d,Entity List\n", i, i);
  if(extra)
    fprintf(f, "x,\"%s\",Entity List\n", extra);
  fclose(f);
}

static int sync_lists(cg_store *db, const cg_http_opts *ho, const char *url,
                      int force, cg_sync_lists_result *res, cg_error *err)
{
  cg_sync_lists_opts o = { 0 };
  cg_http *h = NULL;
  int rc;

  o.url = url;
  o.force = force;
  ck_assert_cg_ok(cg_http_open(&h, ho, err), err);
  rc = cg_sync_lists(db, h, &o, &test_ops, res, err);
  cg_http_close(h);
  return rc;
}

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

/* A database with the 20-entry list "csl" in use. */
static cg_store *synced_db(void)
{
  cg_store *db = list_db();
  cg_sync_lists_result res;
  cg_error err = { 0 };

  write_list("csl.csv", 20, NULL);
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/files/csl.csv"), 0, &res, &err),
      &err);
  ck_assert_int_eq(res.count, 20);
  return db;
}

/* ===================== sync lists ===================== */

START_TEST(test_lists_200_then_304)
{
  cg_store *db = list_db();
  cg_sync_lists_result res;
  cg_error err = { 0 };
  char *before, *after;

  cg_webhook_add(db, "https://example.com/h", SECRET, NULL, 0, NULL, &err);
  write_list("csl.csv", 20, NULL);
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/files/csl.csv"), 0, &res, &err),
      &err);
  ck_assert_int_eq(res.status, 200);
  ck_assert_int_eq(res.not_modified, 0);
  ck_assert_int_eq(res.count, 20);
  ck_assert_int_eq(res.previous, 0);
  ck_assert_int_eq(strlen(res.sha256), 64);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM t_parties"), 20);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sync_sources WHERE "
                             "source = 'csl' AND etag IS NOT NULL AND "
                             "last_modified IS NOT NULL AND count = 20"),
                   1);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox WHERE type = "
                             "'list.updated'"),
                   1);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM deliveries"), 1);

  before = t_db_dump(t_tmp(cur_db));
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/files/csl.csv"), 0, &res, &err),
      &err);
  ck_assert_int_eq(res.status, 304);
  ck_assert_int_eq(res.not_modified, 1);
  ck_assert_int_eq(res.count, 20);
  after = t_db_dump(t_tmp(cur_db));
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  cg_store_close(db);
}
END_TEST

START_TEST(test_lists_same_bytes_without_validators)
{
  cg_store *db = list_db();
  cg_sync_lists_result res;
  cg_error err = { 0 };

  write_list("csl.csv", 20, NULL);
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/noetag/csl.csv"), 0, &res, &err),
      &err);
  ck_assert_int_eq(res.not_modified, 0);
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/noetag/csl.csv"), 0, &res, &err),
      &err);
  ck_assert_int_eq(res.status, 200);
  ck_assert_int_eq(res.not_modified, 1);
  ck_assert_int_eq(strlen(res.sha256), 64);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox"), 1);
  cg_store_close(db);
}
END_TEST

/* Runs one failing sync against the synced database and checks the code
 * and that nothing changed. */
static void expect_failure(const cg_http_opts *ho, const char *url, int code,
                           const char *needle)
{
  cg_store *db = synced_db();
  cg_sync_lists_result res;
  cg_error err = { 0 };
  char *before = t_db_dump(t_tmp(cur_db)), *after;
  int rc = sync_lists(db, ho, url, 0, &res, &err);

  ck_assert_msg(rc == code, "%s: rc=%d (%s)", url, rc, err.msg);
  if(needle)
    ck_assert_msg(strstr(err.msg, needle) != NULL, "%s: %s", url, err.msg);
  after = t_db_dump(t_tmp(cur_db));
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  cg_store_close(db);
}

START_TEST(test_lists_network_failures)
{
  cg_http_opts slow = CG_HTTP_OPTS_INIT, small = CG_HTTP_OPTS_INIT;
  char dead[64];

  slow.timeout_ms = 500;
  small.max_bytes = 50000;
  snprintf(dead, sizeof(dead), "http://127.0.0.1:%d/csl.csv", t_dead_port());
  expect_failure(NULL, t_url(&srv, "/status/500"), CG_ENET, "HTTP 500");
  expect_failure(NULL, t_url(&srv, "/status/503"), CG_ENET, "retry after");
  expect_failure(NULL, t_url(&srv, "/files/missing.csv"), CG_ENOTFOUND,
                 "HTTP 404");
  expect_failure(NULL, dead, CG_ENET, NULL);
  expect_failure(NULL, t_url(&srv, "/reset"), CG_ENET, NULL);
  expect_failure(NULL, t_url(&srv, "/truncated"), CG_ENET, NULL);
  expect_failure(&slow, t_url(&srv, "/slow"), CG_ENET, NULL);
  expect_failure(&small, t_url(&srv, "/big?n=60000"), CG_EINVAL, "cap");
  expect_failure(&small, t_url(&srv, "/bigchunked?n=600000"), CG_EINVAL,
                 "cap");
}
END_TEST

START_TEST(test_lists_bad_data)
{
  t_write("bad.csv", "_id,name\n1,\"Unterminated\n");
  expect_failure(NULL, t_url(&srv, "/files/bad.csv"), CG_EINVAL, NULL);
  t_write("noname.csv", "_id,name\n1,Somebody\n2,\n");
  expect_failure(NULL, t_url(&srv, "/files/noname.csv"), CG_EINVAL,
                 "empty name");
  t_write("bad.json", "{\"results\": [{\"name\": \"x\"},");
  expect_failure(NULL, t_url(&srv, "/files/bad.json"), CG_EINVAL, NULL);
  t_write("empty.csv", "_id,name\n");
  expect_failure(NULL, t_url(&srv, "/files/empty.csv"), CG_EINVAL, "empty");
}
END_TEST

START_TEST(test_lists_shrink_guard)
{
  cg_store *db = synced_db();
  cg_sync_lists_result res;
  cg_error err = { 0 };
  char *before, *after;

  /* 20 -> 18 is -10%: allowed at the limit. 18 -> 16 is -11%: refused. */
  write_list("csl.csv", 18, NULL);
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/files/csl.csv"), 0, &res, &err),
      &err);
  ck_assert_int_eq(res.count, 18);
  write_list("csl.csv", 16, NULL);
  before = t_db_dump(t_tmp(cur_db));
  ck_assert_int_eq(
      sync_lists(db, NULL, t_url(&srv, "/files/csl.csv"), 0, &res, &err),
      CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "shrank from 18 to 16") != NULL, "%s",
                err.msg);
  ck_assert_msg(strstr(err.msg, "--force") != NULL, "%s", err.msg);
  after = t_db_dump(t_tmp(cur_db));
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/files/csl.csv"), 1, &res, &err),
      &err);
  ck_assert_int_eq(res.count, 16);
  ck_assert_int_eq(q_int(db, "SELECT count FROM sync_sources"), 16);
  cg_store_close(db);
}
END_TEST

START_TEST(test_lists_rescreen_raises_hits)
{
  cg_store *db = synced_db();
  cg_sync_lists_result res;
  cg_error err = { 0 };

  t_write("csl.json", "{\"results\": [{\"name\": \"ACME TRADING\"}, "
                      "{\"name\": \"Other\"}]}");
  ck_assert_cg_ok(
      sync_lists(db, NULL, t_url(&srv, "/files/csl.json"), 1, &res, &err),
      &err);
  ck_assert_int_eq(res.count, 2);
  ck_assert_int_eq(res.hits, 1);
  ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outbox WHERE type = "
                             "'party.hit' AND data LIKE '%Acme Trading%'"),
                   1);
  cg_store_close(db);
}
END_TEST

START_TEST(test_lists_https)
{
  const char *cert, *key;
  const char *args[] = { "--cert", NULL, "--key", NULL, NULL };
  cg_http_opts ho = CG_HTTP_OPTS_INIT;
  cg_sync_lists_result res;
  cg_error err = { 0 };
  t_server tls;
  cg_store *db;
  char *before, *after;

  t_make_cert(&cert, &key);
  args[1] = cert;
  args[3] = key;
  t_server_start(&tls, args);
  db = synced_db();
  write_list("tls.csv", 21, NULL);
  before = t_db_dump(t_tmp(cur_db));
  ck_assert_int_eq(
      sync_lists(db, NULL, t_url(&tls, "/files/tls.csv"), 0, &res, &err),
      CG_ENET);
  after = t_db_dump(t_tmp(cur_db));
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  ho.cacert = cert;
  ck_assert_cg_ok(
      sync_lists(db, &ho, t_url(&tls, "/files/tls.csv"), 0, &res, &err), &err);
  ck_assert_int_eq(res.count, 21);
  cg_store_close(db);
  t_server_stop(&tls);
}
END_TEST

/* ===================== sync orders (CLI) ===================== */

static const char *orders_db(void)
{
  static char path[512];
  cg_store *db = t_db("orders.db");
  cg_error err = { 0 };

  ck_assert_cg_ok(
      cg_store_exec(db,
                    "INSERT INTO countries VALUES('CN', 'China'), "
                    "('US', 'United States'), ('NL', 'Netherlands');"
                    "INSERT INTO customers(name, country) VALUES"
                    "('Acme Trading', 'CN'), ('Good Corp', 'US');"
                    "INSERT INTO chips(name) VALUES('H100 SXM'), "
                    "('Jetson Orin');",
                    &err),
      &err);
  cg_store_close(db);
  /* t_tmp's buffers rotate: keep a copy. */
  snprintf(path, sizeof(path), "%s", t_tmp("orders.db"));
  return path;
}

static const char *ORDERS =
    "[{\"order_id\": \"O-1\", \"customer\": \"Acme Trading\", \"chip\": "
    "\"H100 SXM\", \"destination\": \"CN\", \"quantity\": 8, "
    "\"ship_date\": \"2026-12-01\", \"end_use\": \"datacenter\", "
    "\"role\": \"distributor\"},\n"
    " {\"order_id\": \"O-2\", \"customer\": \"good corp\", \"chip\": "
    "\"Jetson Orin\", \"destination\": \"US\", \"quantity\": \"100\", "
    "\"ship_date\": \"2026-12-02\"}]\n";

static int sync_orders(const char *db, const char *path, char **errs)
{
  const char *argv[] = { "sync", "orders", "--url", t_url(&srv, path), NULL };
  return t_run(db, NULL, errs, argv);
}

START_TEST(test_orders_insert_and_idempotent)
{
  const char *db = orders_db();
  char *before, *after;
  cg_store *s;

  t_write("orders.json", ORDERS);
  ck_assert_int_eq(sync_orders(db, "/files/orders.json", NULL), 0);
  s = t_db("orders.db");
  ck_assert_int_eq(q_int(s, "SELECT count(*) FROM orders WHERE source = "
                            "'sync' AND status = 'pending'"),
                   2);
  ck_assert_int_eq(q_int(s, "SELECT quantity FROM orders WHERE order_id = "
                            "'O-2'"),
                   100);
  cg_store_close(s);
  /* 304 the second time; same content without validators: skipped. */
  before = t_db_dump(db);
  ck_assert_int_eq(sync_orders(db, "/files/orders.json", NULL), 0);
  after = t_db_dump(db);
  ck_assert_str_eq(before, after);
  free(after);
  {
    char *w = malloc(strlen(ORDERS) + 32);
    snprintf(w, strlen(ORDERS) + 32, "{\"orders\": %s}", ORDERS);
    t_write("wrapped.json", w);
    free(w);
  }
  ck_assert_int_eq(sync_orders(db, "/noetag/wrapped.json", NULL), 0);
  s = t_db("orders.db");
  ck_assert_int_eq(q_int(s, "SELECT count(*) FROM orders"), 2);
  cg_store_close(s);
  free(before);
}
END_TEST

START_TEST(test_orders_conflict)
{
  const char *db = orders_db();
  char *errs = NULL;
  cg_store *s;

  t_write("orders.json", ORDERS);
  ck_assert_int_eq(sync_orders(db, "/files/orders.json", NULL), 0);
  t_write("changed.json",
          "[{\"order_id\": \"O-1\", \"customer\": \"Acme Trading\", "
          "\"chip\": \"H100 SXM\", \"destination\": \"CN\", \"quantity\": "
          "800, \"ship_date\": \"2026-12-01\", \"end_use\": \"datacenter\"},"
          " {\"order_id\": \"O-3\", \"customer\": \"Good Corp\", \"chip\": "
          "\"H100 SXM\", \"destination\": \"NL\", \"quantity\": 1, "
          "\"ship_date\": \"2027-01-05\", \"role\": \"fab\"}]");
  ck_assert_int_eq(sync_orders(db, "/files/changed.json", &errs), 65);
  ck_assert_msg(strstr(errs, "item 1: order O-1 already exists with "
                             "different content"),
                "%s", errs);
  free(errs);
  s = t_db("orders.db");
  ck_assert_int_eq(q_int(s, "SELECT quantity FROM orders WHERE order_id = "
                            "'O-1'"),
                   8);
  ck_assert_int_eq(q_int(s, "SELECT count(*) FROM orders WHERE order_id = "
                            "'O-3' AND role = 'fab'"),
                   1);
  cg_store_close(s);
}
END_TEST

START_TEST(test_orders_invalid_store_nothing)
{
  static const char *bad[] = {
    "[{\"order_id\": \"X\", \"customer\": \"Nobody\", \"chip\": \"H100 "
    "SXM\", \"destination\": \"CN\", \"quantity\": 1, \"ship_date\": "
    "\"2026-12-01\"}]",
    "[{\"order_id\": \"X\", \"customer\": \"Good Corp\", \"chip\": \"B999\", "
    "\"destination\": \"CN\", \"quantity\": 1, \"ship_date\": "
    "\"2026-12-01\"}]",
    "[{\"order_id\": \"X\", \"customer\": \"Good Corp\", \"chip\": \"H100 "
    "SXM\", \"destination\": \"ZZ\", \"quantity\": 1, \"ship_date\": "
    "\"2026-12-01\"}]",
    "[{\"order_id\": \"X\", \"customer\": \"Good Corp\", \"chip\": \"H100 "
    "SXM\", \"destination\": \"CN\", \"quantity\": 0, \"ship_date\": "
    "\"2026-12-01\"}]",
    "[{\"order_id\": \"X\", \"customer\": \"Good Corp\", \"chip\": \"H100 "
    "SXM\", \"destination\": \"CN\", \"quantity\": 1.5, \"ship_date\": "
    "\"2026-12-01\"}]",
    "[{\"order_id\": \"X\", \"customer\": \"Good Corp\", \"chip\": \"H100 "
    "SXM\", \"destination\": \"CN\", \"quantity\": 1, \"ship_date\": "
    "\"2026-02-30\"}]",
    "[{\"order_id\": \"X\", \"customer\": \"Good Corp\", \"chip\": \"H100 "
    "SXM\", \"destination\": \"CN\", \"quantity\": 1, \"ship_date\": "
    "\"2026-12-01\", \"role\": \"smuggler\"}]",
    "[{\"customer\": \"Good Corp\"}]",
    "[{\"order_id\": \"Y\", \"customer\": \"Good Corp\", \"chip\": \"H100 "
    "SXM\", \"destination\": \"CN\", \"quantity\": 1, \"ship_date\": "
    "\"2026-12-01\"}, {\"order_id\": \"Y\", \"customer\": \"Good Corp\", "
    "\"chip\": \"H100 SXM\", \"destination\": \"CN\", \"quantity\": 2, "
    "\"ship_date\": \"2026-12-01\"}]",
    "[{\"order_id\": \"Z\"",
    "{\"orders\": 5}",
    "\"hello\"",
  };
  const char *db = orders_db();
  char *before, *after, *errs = NULL;

  t_write("orders.json", ORDERS);
  ck_assert_int_eq(sync_orders(db, "/files/orders.json", NULL), 0);
  before = t_db_dump(db);
  for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char doc[2048];

    /* One good order in front: a bad one must reject the whole batch. */
    if(bad[i][0] == '[' && bad[i][1] == '{' && i != 9)
      snprintf(doc, sizeof(doc),
               "[{\"order_id\": \"O-9\", \"customer\": \"Good Corp\", "
               "\"chip\": \"H100 SXM\", \"destination\": \"US\", "
               "\"quantity\": 1, \"ship_date\": \"2026-12-01\"}, %s",
               bad[i] + 1);
    else
      snprintf(doc, sizeof(doc), "%s", bad[i]);
    t_write("bad.json", doc);
    ck_assert_msg(sync_orders(db, "/noetag/bad.json", &errs) == 65,
                  "case %zu: %s", i, errs);
    free(errs);
    after = t_db_dump(db);
    ck_assert_msg(strcmp(before, after) == 0, "case %zu changed the db", i);
    free(after);
  }
  free(before);
}
END_TEST

START_TEST(test_orders_network_failures)
{
  const char *db = orders_db();
  char *before = t_db_dump(db), *after;
  char dead[64];

  ck_assert_int_eq(sync_orders(db, "/status/500", NULL), 75);
  ck_assert_int_eq(sync_orders(db, "/reset", NULL), 75);
  ck_assert_int_eq(sync_orders(db, "/truncated", NULL), 75);
  snprintf(dead, sizeof(dead), "http://127.0.0.1:%d/o.json", t_dead_port());
  {
    const char *argv[] = { "sync", "orders", "--url", dead, NULL };
    ck_assert_int_eq(t_run(db, NULL, NULL, argv), 75);
  }
  {
    const char *argv[] = {
      "sync", "orders", "--url", t_url(&srv, "/slow"), "--timeout", "1", NULL
    };
    ck_assert_int_eq(t_run(db, NULL, NULL, argv), 75);
  }
  {
    const char *argv[] = { "sync", "orders", "--url",
                           "http://example.com/o.json", NULL };
    ck_assert_int_eq(t_run(db, NULL, NULL, argv), 64);
  }
  {
    const char *argv[] = { "sync", "orders", NULL };
    ck_assert_int_eq(t_run(db, NULL, NULL, argv), 64);
  }
  after = t_db_dump(db);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}
END_TEST

static Suite *sync_suite(void)
{
  Suite *s = suite_create("sync");
  TCase *tl = tcase_create("lists");
  TCase *to = tcase_create("orders");

  tcase_add_checked_fixture(tl, setup, teardown);
  tcase_set_timeout(tl, 60);
  tcase_add_test(tl, test_lists_200_then_304);
  tcase_add_test(tl, test_lists_same_bytes_without_validators);
  tcase_add_test(tl, test_lists_network_failures);
  tcase_add_test(tl, test_lists_bad_data);
  tcase_add_test(tl, test_lists_shrink_guard);
  tcase_add_test(tl, test_lists_rescreen_raises_hits);
  tcase_add_test(tl, test_lists_https);
  suite_add_tcase(s, tl);
  tcase_add_checked_fixture(to, setup, teardown);
  tcase_set_timeout(to, 60);
  tcase_add_test(to, test_orders_insert_and_idempotent);
  tcase_add_test(to, test_orders_conflict);
  tcase_add_test(to, test_orders_invalid_store_nothing);
  tcase_add_test(to, test_orders_network_failures);
  suite_add_tcase(s, to);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(sync_suite());
  int failed;

  cg_http_global_init();
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  cg_http_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
