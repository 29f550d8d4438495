/* sync.c -- see sync.h: the versions in use (sync_sources), the
 * conditional GET both syncs share, and the orders sync; the lists sync
 * is sync_lists.c. */
#include "net/sync.h"
#include "net/sync_int.h"

#include "core/clock.h"

#include "core/crypto.h"
#include "core/json.h"
#include "model/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ===================== sync_sources ===================== */

int cg_sync_source_get(cg_store *db, const char *source, char **etag_out,
                       char **last_modified_out, char **sha256_out,
                       cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  *etag_out = *last_modified_out = *sha256_out = NULL;
  rc = cg_store_prepare(db, &st,
                        "SELECT etag, last_modified, sha256 FROM "
                        "sync_sources WHERE source = ?1",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    *etag_out = cg_stmt_strdup(st, 0);
    *last_modified_out = cg_stmt_strdup(st, 1);
    *sha256_out = cg_stmt_strdup(st, 2);
    if(!*sha256_out) {
      free(*etag_out);
      free(*last_modified_out);
      *etag_out = *last_modified_out = NULL;
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
    }
  }
  cg_stmt_finalize(st);
  return rc;
}

int cg_sync_source_put(cg_store *db, const char *source, const char *kind,
                       const char *url, const cg_http_response *resp,
                       const char *sha256, int64_t count, cg_error *err)
{
  char now[21], shown[1024];
  cg_stmt *st = NULL;
  int rc;

  cg_clock_iso(0, now);
  rc = cg_store_prepare(
      db, &st,
      "INSERT INTO sync_sources(source, kind, url, etag, last_modified, "
      "sha256, count, fetched_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT(source) DO UPDATE SET kind = ?2, url = ?3, etag = ?4, "
      "last_modified = ?5, sha256 = ?6, count = ?7, fetched_at = ?8",
      err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, kind, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, cg_http_redact(url, shown, sizeof(shown)),
                           err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, resp->etag, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 5, resp->last_modified, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, sha256, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 7, count, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, now, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  return rc;
}

/* The URL source's version was fetched from (malloc'ed; NULL if none). */
static int source_url(cg_store *db, const char *source, char **url_out,
                      cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  *url_out = NULL;
  rc = cg_store_prepare(db, &st,
                        "SELECT url FROM sync_sources WHERE source = ?1", err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *url_out = cg_stmt_strdup(st, 0);
  cg_stmt_finalize(st);
  return rc < 0 ? rc : CG_OK;
}

/* sync_sources.url holds the URL with its credentials masked, so that is
 * what is compared. */
int cg_sync_fetch(cg_http *http, cg_store *db, const char *source,
                  const char *url, int force, cg_http_response *resp,
                  char **sha_out, cg_error *err)
{
  char *etag = NULL, *lm = NULL, *old_url = NULL, shown[1024];
  cg_http_cond cond = { NULL, NULL };
  int rc;

  *sha_out = NULL;
  rc = cg_sync_source_get(db, source, &etag, &lm, sha_out, err);
  if(rc >= 0)
    rc = source_url(db, source, &old_url, err);
  if(rc < 0) {
    free(etag);
    free(lm);
    free(*sha_out);
    *sha_out = NULL;
    return rc;
  }
  cg_http_redact(url, shown, sizeof(shown));
  if(!force && old_url && strcmp(old_url, shown) == 0) {
    cond.if_none_match = etag;
    cond.if_modified_since = lm;
  }
  rc = cg_http_get(http, url, &cond, resp, err);
  free(etag);
  free(lm);
  free(old_url);
  /* A 304 to a request without validators is not an answer we can use. */
  if(rc == CG_OK && resp->status == 304 && !cond.if_none_match &&
     !cond.if_modified_since)
    rc = cg_error_set(err, CG_EINVAL,
                      "GET %s: HTTP 304 to a request without validators",
                      shown);
  else if(rc == CG_OK && resp->status != 200 && resp->status != 304)
    rc = cg_http_status_error("GET", url, resp->status, resp->retry_after_s,
                              err);
  if(rc != CG_OK) {
    cg_http_response_free(resp);
    free(*sha_out);
    *sha_out = NULL;
  }
  return rc;
}

/* ===================== Orders ===================== */

/* The array of orders in doc (an array, or {"orders": [...]}). */
static int orders_array(const cg_json *doc, const char *url,
                        const cg_json **out, cg_error *err)
{
  const cg_json *arr = doc;

  if(cg_json_type(doc) == CG_JSON_OBJECT)
    arr = cg_json_get(doc, "orders");
  if(!arr || cg_json_type(arr) != CG_JSON_ARRAY)
    return cg_error_set(err, CG_EINVAL,
                        "%s: expected a JSON array of orders or "
                        "{\"orders\": [...]}",
                        url);
  *out = arr;
  return CG_OK;
}

/* Passes a problem to the caller and keeps the first one (first may be
 * NULL). */
static void problem(const char *msg, void (*x)(void *, const char *),
                    void *arg, char *first, size_t size)
{
  if(x)
    x(arg, msg);
  if(first && !first[0])
    snprintf(first, size, "%s", msg);
}

static int cmp_by_id(const void *x, const void *y)
{
  const cg_order *const *a = x, *const *b = y;
  int c = strcmp((*a)->order_id, (*b)->order_id);

  /* Document order among equal ids: the first one is stored. */
  return c ? c : (*a < *b ? -1 : *a > *b);
}

/* The same order_id twice in one document must carry the same order; the
 * later copies are dropped (order_id set to ""). Returns the number of
 * differing duplicates, each passed to problem(). */
static int64_t drop_duplicates(cg_order *orders, size_t n, const char *url,
                               void (*x)(void *, const char *), void *arg,
                               char *first, size_t size)
{
  cg_order **sorted = calloc(n ? n : 1, sizeof(*sorted));
  char why[700];
  int64_t bad = 0;
  size_t i, j, m, k = 0;

  if(!sorted)
    return -1;
  for(i = 0; i < n; i++)
    sorted[k++] = &orders[i];
  qsort(sorted, k, sizeof(*sorted), cmp_by_id);
  /* Each later copy is compared with the first, as import compares a row
   * with the one already stored (cg_order_same is not transitive: an
   * unknown fact agrees with any value). */
  for(i = 0; i < k; i = j) {
    for(j = i + 1;
        j < k && strcmp(sorted[j]->order_id, sorted[i]->order_id) == 0; j++)
      ;
    for(m = i + 1; m < j; m++) {
      if(!cg_order_same(sorted[m], sorted[i])) {
        snprintf(why, sizeof(why),
                 "%s item %zu: order %s appears twice with different content",
                 url, (size_t)(sorted[m] - orders) + 1, sorted[m]->order_id);
        problem(why, x, arg, first, size);
        bad++;
      }
      sorted[m]->order_id[0] = '\0';
    }
  }
  free(sorted);
  return bad;
}

/* Validates every element of arr into orders[]; bad ones are counted in
 * res->invalid and passed to problem(). CG_OK unless the database fails. */
static int validate_all(cg_store *db, const cg_json *arr, const char *url,
                        cg_order *orders, cg_sync_orders_result *res,
                        void (*x)(void *, const char *), void *arg,
                        char *first, size_t size, cg_error *err)
{
  size_t i, n = cg_json_size(arr);
  char where[600];
  cg_error e;
  int rc;

  for(i = 0; i < n; i++) {
    memset(&e, 0, sizeof(e));
    snprintf(where, sizeof(where), "%s item %zu", url, i + 1);
    rc = cg_order_from_json(db, cg_json_at(arr, i), where, 0, &orders[i], &e);
    if(rc == CG_EINVAL) {
      res->invalid++;
      problem(e.msg, x, arg, first, size);
      orders[i].order_id[0] = '\0';
    }
    else if(rc != CG_OK) {
      if(err)
        *err = e;
      return rc;
    }
  }
  if(res->invalid == 0) {
    int64_t d = drop_duplicates(orders, n, url, x, arg, first, size);
    if(d < 0)
      return cg_error_set(err, CG_ENOMEM, "out of memory");
    res->invalid += d;
  }
  return CG_OK;
}

/* Stores the validated orders; conflicts are counted and reported, and
 * keep the stored order. */
static int store_all(cg_store *db, const cg_order *orders, size_t n,
                     const char *url, cg_sync_orders_result *res,
                     void (*x)(void *, const char *), void *arg, cg_error *err)
{
  char where[600];
  cg_error e;
  size_t i;
  int rc, status;

  for(i = 0; i < n; i++) {
    if(!orders[i].order_id[0])
      continue; /* a duplicate within the document */
    rc = cg_order_store(db, &orders[i], "sync", &status, err);
    if(rc != CG_OK)
      return rc;
    if(status == CG_ORDER_INSERTED)
      res->inserted++;
    else if(status == CG_ORDER_SAME)
      res->skipped++;
    else {
      res->conflicts++;
      snprintf(where, sizeof(where), "%s item %zu", url, i + 1);
      memset(&e, 0, sizeof(e));
      cg_order_conflict(where, &orders[i], &e);
      problem(e.msg, x, arg, NULL, 0);
    }
  }
  return CG_OK;
}

int cg_sync_orders(cg_store *db, cg_http *http, const char *url,
                   void (*xProblem)(void *arg, const char *msg), void *arg,
                   cg_sync_orders_result *res, cg_error *err)
{
  char source[1100], first[700] = "", sha[CG_SHA256_HEX], shown[1024];
  cg_http_response resp = { 0 };
  cg_json *doc = NULL;
  const cg_json *arr = NULL;
  cg_order *orders = NULL;
  char *old_sha = NULL;
  size_t n = 0;
  int rc, in_tx = 0;

  memset(res, 0, sizeof(*res));
  /* Messages and the sync_sources key show the URL without credentials. */
  snprintf(source, sizeof(source), "orders %s",
           cg_http_redact(url, shown, sizeof(shown)));
  rc = cg_sync_fetch(http, db, source, url, 0, &resp, &old_sha, err);
  url = shown;
  if(rc != CG_OK)
    return rc;
  if(resp.status == 304) {
    res->not_modified = 1;
    goto done;
  }
  rc = cg_sha256_hex(resp.body, resp.len, sha, err);
  if(rc == CG_OK)
    rc = cg_json_parse(&doc, resp.body, resp.len, url, err);
  if(rc == CG_OK)
    rc = orders_array(doc, url, &arr, err);
  if(rc != CG_OK)
    goto done;
  n = cg_json_size(arr);
  res->received = (int64_t)n;
  orders = calloc(n ? n : 1, sizeof(*orders));
  if(!orders) {
    rc = cg_error_set(err, CG_ENOMEM, "out of memory");
    goto done;
  }
  /* Validate everything first, in the transaction that stores them: one
   * bad order stores nothing. */
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    goto done;
  in_tx = 1;
  rc = validate_all(db, arr, url, orders, res, xProblem, arg, first,
                    sizeof(first), err);
  if(rc == CG_OK && res->invalid > 0)
    rc = cg_error_set(err, CG_EINVAL,
                      "%lld of %zu orders invalid, none stored (first: %s)",
                      (long long)res->invalid, n, first);
  if(rc == CG_OK)
    rc = store_all(db, orders, n, url, res, xProblem, arg, err);
  /* With conflicts, forget the validators so the next run fetches the
   * document again and reports them again. */
  if(rc == CG_OK && res->conflicts == 0)
    rc = cg_sync_source_put(db, source, "orders", url, &resp, sha,
                            res->received, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc == CG_OK)
    in_tx = 0;
done:
  if(in_tx) {
    cg_store_rollback(db);
    res->inserted = res->skipped = res->conflicts = 0;
  }
  free(orders);
  cg_json_free(doc);
  cg_http_response_free(&resp);
  free(old_sha);
  return rc;
}
