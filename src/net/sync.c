/* sync.c -- see sync.h. */
#include "net/sync.h"

#include "core/clock.h"

#include "core/crypto.h"
#include "core/json.h"
#include "model/seed.h"
#include "net/webhook.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SHRINK_DEFAULT 0.10

int cg_sync_shrink_check(const char *name, int64_t before, int64_t after,
                         double max_shrink, int force, cg_error *err)
{
  if(max_shrink <= 0)
    max_shrink = MAX_SHRINK_DEFAULT;
  if(force || before <= 0 ||
     (double)after >= (double)before * (1.0 - max_shrink))
    return CG_OK;
  return cg_error_set(
      err, CG_EINVAL,
      "%s: the list shrank from %lld to %lld entries (-%.1f%%, "
      "more than %.0f%%): kept the current list (use --force "
      "to accept)",
      name, (long long)before, (long long)after,
      100.0 * (double)(before - after) / (double)before, 100.0 * max_shrink);
}

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

/* Records the version of source now in use (caller's transaction or
 * autocommit). */
static int source_put(cg_store *db, const char *source, const char *kind,
                      const char *url, const cg_http_response *resp,
                      const char *sha256, int64_t count, cg_error *err)
{
  char now[21];
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
    rc = cg_stmt_bind_text(st, 3, url, err);
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

/* Conditional GET of url against the stored version of source. On CG_OK
 * resp holds a 200 or a 304; any other status is CG_ENET. */
static int fetch(cg_http *http, cg_store *db, const char *source,
                 const char *url, cg_http_response *resp, char **sha_out,
                 cg_error *err)
{
  char *etag = NULL, *lm = NULL;
  cg_http_cond cond;
  int rc;

  *sha_out = NULL;
  rc = cg_sync_source_get(db, source, &etag, &lm, sha_out, err);
  if(rc < 0)
    return rc;
  cond.if_none_match = etag;
  cond.if_modified_since = lm;
  rc = cg_http_get(http, url, &cond, resp, err);
  free(etag);
  free(lm);
  if(rc == CG_OK && resp->status != 200 && resp->status != 304) {
    if(resp->retry_after_s > 0)
      rc = cg_error_set(err, CG_ENET, "GET %s: HTTP %ld (retry after %ld s)",
                        url, resp->status, resp->retry_after_s);
    else
      rc = cg_error_set(err, CG_ENET, "GET %s: HTTP %ld", url, resp->status);
    if(err)
      err->lib_code = (int)resp->status;
  }
  if(rc != CG_OK) {
    cg_http_response_free(resp);
    free(*sha_out);
    *sha_out = NULL;
  }
  return rc;
}

/* ===================== Lists ===================== */

static const char *guess_format(const char *url)
{
  const char *q = strchr(url, '?');
  size_t n = q ? (size_t)(q - url) : strlen(url);

  if(n >= 5 && strncmp(url + n - 5, ".json", 5) == 0)
    return "csl-json";
  return "csl-csv";
}

static int list_event(cg_store *db, const cg_sync_lists_opts *o,
                      const char *source, const cg_http_response *resp,
                      const cg_sync_lists_result *res, cg_error *err)
{
  cg_json *d = cg_json_object();
  char now[21], *s = NULL;
  int rc = CG_OK;

  cg_clock_iso(0, now);
  if(!d || cg_json_set_str(d, "source", source) != CG_OK ||
     cg_json_set_str(d, "url", o->url) != CG_OK ||
     cg_json_set_str(d, "sha256", res->sha256) != CG_OK ||
     cg_json_set_int(d, "count", res->count) != CG_OK ||
     cg_json_set_int(d, "previous", res->previous) != CG_OK ||
     cg_json_set_int(d, "new_hits", res->hits) != CG_OK ||
     cg_json_set_str(d, "etag", resp->etag) != CG_OK ||
     cg_json_set_str(d, "last_modified", resp->last_modified) != CG_OK ||
     cg_json_set_str(d, "fetched_at", now) != CG_OK)
    rc = cg_error_set(err, CG_ENOMEM, "out of memory");
  if(rc == CG_OK)
    rc = cg_json_dump(&s, d, 0, err);
  if(rc == CG_OK)
    rc = cg_webhook_enqueue(db, CG_EVENT_LIST, s, NULL, err);
  free(s);
  cg_json_free(d);
  return rc;
}

int cg_sync_lists(cg_store *db, cg_http *http, const cg_sync_lists_opts *o,
                  const cg_sync_list_ops *ops, cg_sync_lists_result *res,
                  cg_error *err)
{
  const char *source = o->source ? o->source : "csl";
  const char *format = o->format ? o->format : guess_format(o->url);
  double max_shrink = o->max_shrink > 0 ? o->max_shrink : MAX_SHRINK_DEFAULT;
  cg_http_response resp = { 0 };
  char *old_sha = NULL, name[512];
  int rc;

  memset(res, 0, sizeof(*res));
  if(!ops || !ops->count || !ops->replace)
    return cg_error_set(err, CG_EINTERNAL, "sync lists: no list importer");
  if(strcmp(format, "csl-csv") != 0 && strcmp(format, "csl-json") != 0)
    return cg_error_set(err, CG_EUSAGE,
                        "unknown list format \"%s\" (csl-csv, csl-json)",
                        format);
  rc = fetch(http, db, source, o->url, &resp, &old_sha, err);
  if(rc != CG_OK)
    return rc;
  res->status = resp.status;
  if(resp.status == 304) {
    res->not_modified = 1;
    rc = cg_store_begin(db, err);
    if(rc == CG_OK)
      rc = ops->count(ops->ctx, db, source, &res->count, err);
    cg_store_rollback(db);
    goto done;
  }
  rc = cg_sha256_hex(resp.body, resp.len, res->sha256, err);
  if(rc != CG_OK)
    goto done;
  snprintf(name, sizeof(name), "%s %s", source, o->url);

  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    goto done;
  rc = ops->count(ops->ctx, db, source, &res->previous, err);
  if(rc != CG_OK)
    goto fail;
  if(old_sha && strcmp(old_sha, res->sha256) == 0 && !o->force) {
    /* Same bytes (a publisher without validators): keep the list, but
     * remember the new validators. */
    res->not_modified = 1;
    res->count = res->previous;
    rc = source_put(db, source, "lists", o->url, &resp, res->sha256,
                    res->count, err);
    if(rc == CG_OK)
      rc = cg_store_commit(db, err);
    if(rc != CG_OK)
      goto fail;
    goto done;
  }
  rc = ops->replace(ops->ctx, db, source, format, name, resp.body, resp.len,
                    &res->count, err);
  if(rc != CG_OK)
    goto fail;
  if(!o->force && res->count == 0) {
    rc = cg_error_set(err, CG_EINVAL,
                      "%s: the list is empty: kept the current list (use "
                      "--force to accept)",
                      name);
    goto fail;
  }
  rc = cg_sync_shrink_check(name, res->previous, res->count, max_shrink,
                            o->force, err);
  if(rc != CG_OK)
    goto fail;
  rc = source_put(db, source, "lists", o->url, &resp, res->sha256, res->count,
                  err);
  if(rc == CG_OK && ops->rescreen)
    rc = ops->rescreen(ops->ctx, db, source, &res->hits, err);
  if(rc == CG_OK)
    rc = list_event(db, o, source, &resp, res, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    goto fail;
done:
  cg_http_response_free(&resp);
  free(old_sha);
  return rc;
fail:
  cg_store_rollback(db);
  res->count = res->previous;
  res->hits = 0;
  goto done;
}

/* ===================== Orders ===================== */

/* One validated order. */
typedef struct order {
  const char *order_id; /* borrowed from the JSON document */
  int64_t customer_id;  /* customers.id */
  int64_t chip_id;      /* chips.id */
  char dest[3];         /* ISO alpha-2 */
  int64_t quantity;     /* > 0 */
  char date[11];        /* YYYY-MM-DD */
  const char *end_use;  /* "" if absent */
  const char *role;     /* fab|osat|distributor */
} order;

static int valid_date(const char *s)
{
  static const int mdays[] = {
    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
  };
  int y, m, d;

  if(strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for(int i = 0; i < 10; i++)
    if(i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  y = atoi(s);
  m = atoi(s + 5);
  d = atoi(s + 8);
  if(m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || y < 1900)
    return 0;
  if(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 0;
  return 1;
}

/* Looks up id by name in customers or chips; 0 if unknown. */
static int lookup(cg_store *db, const char *sql, const char *name, int64_t *id,
                  cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, sql, err);

  *id = 0;
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, name, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    *id = cg_stmt_int(st, 0);
    rc = CG_OK;
  }
  if(st)
    cg_stmt_reset(st);
  return rc;
}

static const char *str_field(const cg_json *o, const char *key)
{
  return cg_json_string_value(cg_json_get(o, key));
}

/* Validates element i into *out. Returns CG_OK, CG_EINVAL (message in
 * why) or a database error. */
static int check_order(cg_store *db, const cg_json *o, size_t i, order *out,
                       char *why, size_t size, cg_error *err)
{
  const char *id, *cust, *chip, *dest, *date, *s;
  const cg_json *q;
  double v;
  int rc;

  memset(out, 0, sizeof(*out));
  why[0] = '\0';
  if(cg_json_type(o) != CG_JSON_OBJECT) {
    snprintf(why, size, "order %zu: not a JSON object", i + 1);
    return CG_EINVAL;
  }
  id = str_field(o, "order_id");
  if(!id || !*id || strlen(id) > 128) {
    snprintf(why, size, "order %zu: order_id missing or not a string", i + 1);
    return CG_EINVAL;
  }
  out->order_id = id;
#define BAD(...)                                                              \
  do {                                                                        \
    int n_ = snprintf(why, size, "order %s: ", id);                           \
    if(n_ > 0 && (size_t)n_ < size)                                           \
      snprintf(why + n_, size - (size_t)n_, __VA_ARGS__);                     \
    return CG_EINVAL;                                                         \
  } while(0)
  cust = str_field(o, "customer");
  if(!cust || !*cust)
    BAD("customer missing");
  rc = lookup(db, "SELECT id FROM customers WHERE name = ?1", cust,
              &out->customer_id, err);
  if(rc != CG_OK)
    return rc;
  if(!out->customer_id)
    BAD("unknown customer \"%s\"", cust);
  chip = str_field(o, "chip");
  if(!chip || !*chip)
    BAD("chip missing");
  rc = lookup(db, "SELECT id FROM chips WHERE name = ?1", chip, &out->chip_id,
              err);
  if(rc != CG_OK)
    return rc;
  if(!out->chip_id)
    BAD("unknown chip \"%s\"", chip);
  dest = str_field(o, "destination");
  if(!dest || strlen(dest) != 2)
    BAD("destination must be an ISO 3166-1 alpha-2 code");
  rc = cg_country_check(db, dest, NULL);
  if(rc == CG_ENOTFOUND)
    BAD("unknown destination \"%s\"", dest);
  if(rc != CG_OK)
    return cg_country_check(db, dest, err);
  memcpy(out->dest, dest, 3);
  q = cg_json_get(o, "quantity");
  s = cg_json_string_value(q);
  if(s) {
    char *end;
    v = strtod(s, &end);
    if(end == s || *end)
      v = NAN;
  }
  else
    v = cg_json_number_value(q);
  if(!(v >= 1 && v <= 1e12 && floor(v) == v))
    BAD("quantity must be a positive whole number");
  out->quantity = (int64_t)v;
  date = str_field(o, "ship_date");
  if(!date || !valid_date(date))
    BAD("ship_date must be a date YYYY-MM-DD");
  memcpy(out->date, date, 11);
  s = str_field(o, "end_use");
  out->end_use = s ? s : "";
  if(cg_json_get(o, "end_use") && !s &&
     cg_json_type(cg_json_get(o, "end_use")) != CG_JSON_NULL)
    BAD("end_use must be a string");
  s = str_field(o, "role");
  if(!s || !*s)
    s = "distributor";
  if(strcmp(s, "fab") != 0 && strcmp(s, "osat") != 0 &&
     strcmp(s, "distributor") != 0)
    BAD("role \"%s\" is not fab, osat or distributor", s);
  out->role = s;
#undef BAD
  return CG_OK;
}

static int same_order(const order *a, const order *b)
{
  return a->customer_id == b->customer_id && a->chip_id == b->chip_id &&
         strcmp(a->dest, b->dest) == 0 && a->quantity == b->quantity &&
         strcmp(a->date, b->date) == 0 &&
         strcmp(a->end_use, b->end_use) == 0 && strcmp(a->role, b->role) == 0;
}

static int cmp_by_id(const void *x, const void *y)
{
  const order *const *a = x, *const *b = y;
  return strcmp((*a)->order_id, (*b)->order_id);
}

/* Stores o unless order_id exists: 1 inserted, 0 same, 2 conflict. */
static int store_order(cg_store *db, const order *o, cg_error *err)
{
  cg_stmt *st = NULL;
  order have = { 0 };
  char *dest = NULL, *date = NULL, *end_use = NULL, *role = NULL;
  int rc, found = 0;

  rc = cg_store_cached(db, &st,
                       "SELECT customer_id, chip_id, destination, quantity, "
                       "ship_date, end_use, role FROM orders WHERE "
                       "order_id = ?1",
                       err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, o->order_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    found = 1;
    have.customer_id = cg_stmt_int(st, 0);
    have.chip_id = cg_stmt_int(st, 1);
    dest = cg_stmt_strdup(st, 2);
    have.quantity = cg_stmt_int(st, 3);
    date = cg_stmt_strdup(st, 4);
    end_use = cg_stmt_strdup(st, 5);
    role = cg_stmt_strdup(st, 6);
    rc = dest && date && end_use && role
             ? CG_OK
             : cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  if(st)
    cg_stmt_reset(st);
  if(rc == CG_OK && found) {
    snprintf(have.dest, sizeof(have.dest), "%s", dest);
    snprintf(have.date, sizeof(have.date), "%s", date);
    have.end_use = end_use;
    have.role = role;
    rc = same_order(o, &have) ? 0 : 2;
    goto done;
  }
  if(rc != CG_OK)
    goto done;
  rc = cg_store_cached(db, &st,
                       "INSERT INTO orders(order_id, customer_id, chip_id, "
                       "destination, quantity, ship_date, end_use, role, "
                       "source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                       "'sync')",
                       err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, o->order_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, o->customer_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, o->chip_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, o->dest, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 5, o->quantity, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, o->date, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 7, o->end_use, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, o->role, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc == CG_OK)
    rc = 1;
done:
  free(dest);
  free(date);
  free(end_use);
  free(role);
  return rc;
}

static void problem(void (*x)(void *, const char *), void *arg,
                    const char *msg)
{
  if(x)
    x(arg, msg);
}

int cg_sync_orders(cg_store *db, cg_http *http, const char *url,
                   void (*xProblem)(void *arg, const char *msg), void *arg,
                   cg_sync_orders_result *res, cg_error *err)
{
  char source[600], why[400], first[400] = "", sha[CG_SHA256_HEX];
  cg_http_response resp = { 0 };
  cg_json *doc = NULL;
  const cg_json *arr;
  order *orders = NULL, **sorted = NULL;
  char *old_sha = NULL;
  size_t n = 0, i;
  int rc;

  memset(res, 0, sizeof(*res));
  snprintf(source, sizeof(source), "orders %s", url);
  rc = fetch(http, db, source, url, &resp, &old_sha, err);
  if(rc != CG_OK)
    return rc;
  if(resp.status == 304) {
    res->not_modified = 1;
    goto done;
  }
  rc = cg_sha256_hex(resp.body, resp.len, sha, err);
  if(rc == CG_OK)
    rc = cg_json_parse(&doc, resp.body, resp.len, url, err);
  if(rc != CG_OK)
    goto done;
  arr = doc;
  if(cg_json_type(doc) == CG_JSON_OBJECT)
    arr = cg_json_get(doc, "orders");
  if(!arr || cg_json_type(arr) != CG_JSON_ARRAY) {
    rc = cg_error_set(err, CG_EINVAL,
                      "%s: expected a JSON array of orders or "
                      "{\"orders\": [...]}",
                      url);
    goto done;
  }
  n = cg_json_size(arr);
  res->received = (int64_t)n;
  orders = calloc(n ? n : 1, sizeof(*orders));
  sorted = calloc(n ? n : 1, sizeof(*sorted));
  if(!orders || !sorted) {
    rc = cg_error_set(err, CG_ENOMEM, "out of memory");
    goto done;
  }

  /* Validate everything first: one bad order stores nothing. */
  for(i = 0; i < n; i++) {
    rc = check_order(db, cg_json_at(arr, i), i, &orders[i], why, sizeof(why),
                     err);
    if(rc == CG_EINVAL) {
      res->invalid++;
      problem(xProblem, arg, why);
      if(!first[0])
        snprintf(first, sizeof(first), "%s", why);
      rc = CG_OK;
      orders[i].order_id = NULL;
    }
    else if(rc != CG_OK)
      goto done;
  }
  /* The same order_id twice in one document must carry the same order. */
  {
    size_t k = 0;

    for(i = 0; i < n; i++)
      if(orders[i].order_id)
        sorted[k++] = &orders[i];
    qsort(sorted, k, sizeof(*sorted), cmp_by_id);
    for(i = 1; i < k; i++) {
      if(strcmp(sorted[i]->order_id, sorted[i - 1]->order_id) != 0)
        continue;
      if(!same_order(sorted[i], sorted[i - 1])) {
        snprintf(why, sizeof(why),
                 "order %s: appears twice with different content",
                 sorted[i]->order_id);
        res->invalid++;
        problem(xProblem, arg, why);
        if(!first[0])
          snprintf(first, sizeof(first), "%s", why);
      }
      sorted[i - 1]->order_id = NULL; /* keep one */
    }
  }
  if(res->invalid > 0) {
    rc = cg_error_set(err, CG_EINVAL,
                      "%s: %lld of %zu orders invalid, none stored (first: "
                      "%s)",
                      url, (long long)res->invalid, n, first);
    goto done;
  }

  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    goto done;
  for(i = 0; i < n && rc == CG_OK; i++) {
    int r;

    if(!orders[i].order_id)
      continue; /* duplicate within the document */
    r = store_order(db, &orders[i], err);
    if(r < 0) {
      rc = r;
      break;
    }
    if(r == 1)
      res->inserted++;
    else if(r == 0)
      res->skipped++;
    else {
      res->conflicts++;
      snprintf(why, sizeof(why),
               "order %s: already stored with different content: kept the "
               "stored order",
               orders[i].order_id);
      problem(xProblem, arg, why);
    }
  }
  /* With conflicts, forget the validators so the next run fetches the
   * document again and reports them again. */
  if(rc == CG_OK && res->conflicts == 0)
    rc = source_put(db, source, "orders", url, &resp, sha, res->received, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK) {
    cg_store_rollback(db);
    res->inserted = res->skipped = res->conflicts = 0;
  }
done:
  free(sorted);
  free(orders);
  cg_json_free(doc);
  cg_http_response_free(&resp);
  free(old_sha);
  return rc;
}
