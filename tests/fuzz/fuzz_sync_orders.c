/* fuzz_sync_orders.c -- the orders JSON of `sync orders`: cg_sync_orders
 * GETs it from a loopback server (the input is the body of a 200 with a
 * correct Content-Length) and validates and stores it in a database with
 * the seed, chips, customers and licences. */
#include "fuzz_common.h"

#include "net/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void problem(void *arg, const char *msg)
{
  size_t *n = arg;

  (*n)++;
  if(!msg || !*msg)
    abort(); /* every problem is named */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char url[64];
  static const cg_http_opts opts = { .connect_timeout_ms = 2000,
                                     .timeout_ms = 10000,
                                     .max_bytes = 16 * 1024 * 1024 };
  cg_sync_orders_result res;
  cg_error err = { 0 };
  cg_http *h = NULL;
  cg_store *db;
  char head[160], *before, *resp;
  size_t hlen, problems = 0;
  int rc;

  if(!url[0]) {
    if(cg_http_global_init() != CG_OK)
      abort();
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/orders.json",
             fz_serve_start());
  }
  hlen = (size_t)snprintf(head, sizeof(head),
                          "HTTP/1.1 200 OK\r\nContent-Type: application/json"
                          "\r\nContent-Length: %zu\r\n\r\n",
                          size);
  resp = malloc(hlen + size + 1);
  if(!resp)
    abort();
  memcpy(resp, head, hlen);
  if(size)
    memcpy(resp + hlen, data, size);
  fz_serve_set(resp, hlen + size);
  free(resp);
  db = fz_db(FZ_DB_DEMO);
  before = fz_db_counts(db);
  if(cg_http_open(&h, &opts, &err) != CG_OK)
    abort();
  memset(&res, 0, sizeof(res));
  rc = cg_sync_orders(db, h, url, problem, &problems, &res, &err);
  fz_check_unchanged(db, "sync_orders", rc, err.msg, before);
  cg_http_close(h);
  cg_store_close(db);
  return 0;
}
