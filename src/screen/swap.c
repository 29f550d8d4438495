/* swap.c -- the screening module's side of `sync lists`: count,
 * replace and re-screen, all inside the sync's one transaction; and the
 * same for OFAC's four files. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/json.h"
#include "model/customer.h"
#include "model/order.h"
#include "net/sync.h"
#include "net/webhook.h"

#include <stdlib.h>
#include <string.h>

static int ops_count(void *ctx, cg_store *db, const char *source,
                     int64_t *n_out, cg_error *err)
{
  (void)ctx;
  return cg_screen_list_count(db, source, n_out, err);
}

static int ops_count_names(void *ctx, cg_store *db, const char *source,
                           int64_t *n_out, cg_error *err)
{
  (void)ctx;
  return cg_screen_list_names(db, source, n_out, err);
}

static int ops_replace(void *ctx, cg_store *db, const char *source,
                       const char *format, const char *name, const char *body,
                       size_t len, int64_t *n_out, cg_error *err)
{
  cg_screen_counts counts;
  int f = cg_screen_format(format);
  int rc;

  (void)ctx;
  *n_out = 0;
  if(f != CG_SCREEN_CSL_CSV && f != CG_SCREEN_CSL_JSON)
    return cg_error_set(err, CG_EUSAGE,
                        "sync lists: --format must be csl-csv or csl-json");
  rc = cg_screen_import_mem(db, name, body, len, f, source, &counts, err);
  if(rc == CG_OK)
    *n_out = (int64_t)counts.entries;
  return rc;
}

/* 1 if entry_id was already among the customer's hits under an older
 * list version: only new hits raise events and holds. */
static int seen_before(cg_store *db, int64_t customer, const char *lists,
                       const char *entry_id, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT 1 FROM screenings s, json_each(s.hits) h "
                           "WHERE s.customer_id = ?1 AND s.lists != ?2 AND "
                           "json_extract(h.value, '$.entry_id') = ?3 LIMIT 1",
                           err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, customer, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, lists, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, entry_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(st)
    cg_stmt_reset(st);
  return rc;
}

static int append_order_id(void *arg, const char *order_id)
{
  cg_json_append(arg, cg_json_str(order_id));
  return CG_OK;
}

/* Holds the customer's pending orders for a new hit; returns their ids. */
static int hold_orders(cg_store *db, int64_t customer, const cg_screen_hit *h,
                       cg_json *ids, cg_error *err)
{
  char reason[600];

  snprintf(reason, sizeof(reason), "%s list hit %.3f on \"%s\"",
           h->sure ? "sure" : "possible", h->score, h->name);
  return cg_order_hold_pending(db, customer, h->entry_id, h->list, reason,
                               append_order_id, ids, err);
}

/* One pass of ops_rescreen over the customers. */
typedef struct rescreen {
  cg_store *db;
  cg_screener *sc;
  const char *lists; /* the new lists version */
  int64_t *hits;     /* new uncleared hits so far */
  cg_error *err;
} rescreen;

/* Re-screens one customer: each new uncleared hit holds its pending
 * orders and raises a party.hit event. */
static int rescreen_customer(void *arg, int64_t id, const char *name)
{
  rescreen *r = arg;
  cg_store *db = r->db;
  cg_error *err = r->err;
  cg_screen_hits hits = { 0, NULL };
  size_t i;
  int rc;

  rc = cg_screen_customer(r->sc, id, CG_SCREEN_THRESHOLD, &hits, err);
  for(i = 0; rc == CG_OK && i < hits.n; i++) {
    const cg_screen_hit *h = &hits.items[i];
    cg_json *ev, *orders;
    int seen;
    if(h->cleared)
      continue;
    seen = seen_before(db, id, r->lists, h->entry_id, err);
    if(seen < 0)
      rc = seen;
    if(seen != 0)
      continue;
    ev = cg_json_object();
    orders = cg_json_array();
    rc = hold_orders(db, id, h, orders, err);
    cg_json_set_str(ev, "customer", name);
    cg_json_set_str(ev, "party", h->on_parent ? "parent" : "customer");
    cg_json_set_str(ev, "list", h->list);
    cg_json_set_str(ev, "entry_id", h->entry_id);
    cg_json_set_str(ev, "name", h->name);
    cg_json_set_str(ev, "matched_name", h->matched_name);
    cg_json_set_num(ev, "score", h->score);
    cg_json_set_bool(ev, "sure", h->sure);
    cg_json_set_str(ev, "federal_register_notice", h->federal_register_notice);
    cg_json_set(ev, "held_orders", orders);
    if(rc == CG_OK)
      rc = cg_webhook_enqueue_json(db, CG_EVENT_PARTY_HIT, ev, NULL, err);
    cg_json_free(ev);
    (*r->hits)++;
  }
  cg_screen_hits_free(&hits);
  return rc;
}

static int ops_rescreen(void *ctx, cg_store *db, const char *source,
                        int64_t *hits_out, cg_error *err)
{
  rescreen r = { db, NULL, NULL, hits_out, err };
  char lists[65];
  int rc;

  (void)ctx;
  (void)source;
  *hits_out = 0;
  /* One screener for the whole pass: the new index is loaded once. */
  rc = cg_screener_open(&r.sc, db, err);
  if(rc == CG_OK)
    rc = cg_screen_lists_version(db, lists, err);
  r.lists = lists;
  if(rc == CG_OK)
    rc = cg_customer_each(db, rescreen_customer, &r, err);
  cg_screener_close(r.sc);
  return rc < 0 ? rc : CG_OK;
}

static const cg_sync_list_ops screen_ops = { NULL, ops_count, ops_replace,
                                             ops_rescreen, ops_count_names };

const cg_sync_list_ops *cg_screen_sync_ops(void)
{
  return &screen_ops;
}

/* ==== OFAC's four files =============================================== */

static int ofac_urls(void *ctx, const char *format, const char *url,
                     char **urls, size_t *n_out, cg_error *err)
{
  int i;

  (void)ctx;
  *n_out = 0;
  if(cg_screen_format(format) != CG_SCREEN_OFAC)
    return cg_error_set(err, CG_EUSAGE,
                        "sync lists: the four-file format is ofac, not "
                        "\"%s\"",
                        format);
  for(i = 0; i < 4; i++) {
    urls[i] = cg_si_ofac_part(url, i, 1);
    if(!urls[i])
      return cg_error_set(err, CG_ENOMEM, "out of memory");
    *n_out = (size_t)i + 1;
  }
  return CG_OK;
}

static int ofac_replace(void *ctx, cg_store *db, const char *source,
                        const char *format, const cg_sync_file *files,
                        size_t n, int64_t *n_out, cg_error *err)
{
  cg_screen_counts counts;
  cg_si_ofac_mem m;
  size_t i;
  int rc;

  (void)ctx;
  (void)format;
  *n_out = 0;
  if(n != 4)
    return cg_error_set(err, CG_EINTERNAL, "sync lists: %zu OFAC files", n);
  for(i = 0; i < 4; i++) {
    m.name[i] = files[i].name;
    m.buf[i] = files[i].body;
    m.len[i] = files[i].len;
  }
  rc = cg_si_ofac_import_mem(db, &m, source, &counts, err);
  if(rc == CG_OK)
    *n_out = (int64_t)counts.entries;
  return rc;
}

static const cg_sync_files_ops ofac_ops = { &screen_ops, ofac_urls,
                                            ofac_replace };

const cg_sync_files_ops *cg_screen_ofac_sync_ops(void)
{
  return &ofac_ops;
}
