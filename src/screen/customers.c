/* customers.c -- screening of stored customers (and their parents),
 * cached per lists version in `screenings`; the clearances of false
 * positives are applied by clearances.c. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/json.h"
#include "model/customer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Customers ======================================================= */

static cg_json *hits_to_json(const cg_screen_hits *hits)
{
  cg_json *arr = cg_json_array();
  size_t i;

  for(i = 0; arr && i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];
    cg_json *o = cg_json_object();

    if(!o || cg_json_set_str(o, "list", h->list) ||
       cg_json_set_str(o, "source", h->source) ||
       cg_json_set_str(o, "entry_id", h->entry_id) ||
       cg_json_set_str(o, "name", h->name) ||
       cg_json_set_str(o, "matched_name", h->matched_name) ||
       cg_json_set_str(o, "query", h->query) ||
       cg_json_set_str(o, "country", h->country) ||
       cg_json_set_str(o, "license_requirement", h->license_requirement) ||
       cg_json_set_str(o, "license_policy", h->license_policy) ||
       cg_json_set_str(o, "federal_register_notice",
                       h->federal_register_notice) ||
       cg_json_set_str(o, "content_hash", h->content_hash) ||
       cg_json_set_str(o, "explain", h->explain) ||
       cg_json_set_num(o, "score", h->score) ||
       cg_json_set_bool(o, "via_alias", h->via_alias) ||
       cg_json_set_bool(o, "sure", h->sure) ||
       cg_json_set_bool(o, "on_parent", h->on_parent) ||
       cg_json_append(arr, o)) {
      cg_json_free(arr);
      return NULL;
    }
  }
  return arr;
}

static int hits_from_json(const cg_json *arr, cg_screen_hits *out,
                          cg_error *err)
{
  size_t i, n = cg_json_size(arr);

  out->items = calloc(n + 1, sizeof(*out->items));
  if(!out->items)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  for(i = 0; i < n; i++) {
    const cg_json *o = cg_json_at(arr, i);
    cg_screen_hit *h = &out->items[i];

#define S(k) cg_sc_sdup(cg_json_string_value(cg_json_get(o, k)))
    h->list = S("list");
    h->source = S("source");
    h->entry_id = S("entry_id");
    h->name = S("name");
    h->matched_name = S("matched_name");
    h->query = S("query");
    h->country = S("country");
    h->license_requirement = S("license_requirement");
    h->license_policy = S("license_policy");
    h->federal_register_notice = S("federal_register_notice");
    h->content_hash = S("content_hash");
    h->explain = S("explain");
#undef S
    h->score = cg_json_number_value(cg_json_get(o, "score"));
    h->via_alias = cg_json_is_true(cg_json_get(o, "via_alias"));
    h->sure = cg_json_is_true(cg_json_get(o, "sure"));
    h->on_parent = cg_json_is_true(cg_json_get(o, "on_parent"));
    h->entity_list = cg_screen_is_entity_list(h->list);
    h->kind = cg_screen_list_kind(h->list);
    h->footnotes = cg_screen_footnotes(h->license_requirement);
    out->n++;
  }
  return CG_OK;
}

/* A customer as screened: names and countries (malloc'ed, may be NULL
 * but for name) and the subject key of its cached screenings. */
typedef struct subject {
  char *name, *country, *parent, *pcountry;
  char key[2200]; /* "name|country|parent|parent country" */
} subject;

static void subject_free(subject *c)
{
  free(c->name);
  free(c->country);
  free(c->parent);
  free(c->pcountry);
}

/* An empty code in the record is an unknown country: NULL, as the
 * screening functions take it. */
static char *code_dup(const char *code)
{
  return code[0] ? cg_sc_sdup(code) : NULL;
}

static int subject_load(cg_store *db, int64_t customer_id, subject *c,
                        cg_error *err)
{
  cg_customer cu;
  int rc = cg_customer_get_id(db, customer_id, &cu, err);

  if(rc == CG_ENOTFOUND)
    rc = cg_error_set(err, CG_ENOTFOUND, "screen: no customer #%lld",
                      (long long)customer_id);
  if(rc == CG_OK) {
    /* Screened where it is headquartered, else where it is. */
    c->name = cu.name;
    cu.name = NULL;
    c->country = code_dup(cu.hq_country[0] ? cu.hq_country : cu.country);
    c->parent = cu.parent;
    cu.parent = NULL;
    c->pcountry = code_dup(cu.parent_hq_country);
    if((cu.hq_country[0] || cu.country[0]) && !c->country)
      rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    if(cu.parent_hq_country[0] && !c->pcountry)
      rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  }
  cg_customer_clear(&cu);
  if(rc == CG_OK)
    snprintf(c->key, sizeof(c->key), "%s|%s|%s|%s", c->name,
             c->country ? c->country : "", c->parent ? c->parent : "",
             c->pcountry ? c->pcountry : "");
  return rc;
}

/* Binds the key of a `screenings` row: ?1 customer, ?2 lists, ?3
 * threshold, ?4 subject. */
static int bind_screening(cg_stmt *st, int64_t customer_id, const char *lists,
                          double threshold, const char *key, cg_error *err)
{
  int rc = cg_stmt_bind_int(st, 1, customer_id, err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, lists, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_double(st, 3, threshold, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, key, err);
  return rc;
}

/* The cached hits of this screening into out: 1 found, 0 not cached. */
static int cached_hits(cg_store *db, int64_t customer_id, const char *lists,
                       double threshold, const char *key, cg_screen_hits *out,
                       cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = NULL;
  int rc;

  rc = cg_store_cached(db, &st,
                       "SELECT hits FROM screenings WHERE customer_id = ?1 "
                       "AND lists = ?2 AND threshold = ?3 AND subject = ?4",
                       err);
  if(rc == CG_OK)
    rc = bind_screening(st, customer_id, lists, threshold, key, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    const char *txt = cg_stmt_text(st, 0);

    rc = cg_json_parse(&arr, txt, strlen(txt), "screenings.hits", err);
    cg_stmt_reset(st);
    if(rc == CG_OK)
      rc = hits_from_json(arr, out, err);
    cg_json_free(arr);
    return rc == CG_OK ? 1 : rc;
  }
  cg_stmt_reset(st);
  return rc;
}

/* Stores hits as the screening of this subject. */
static int store_hits(cg_store *db, int64_t customer_id, const char *lists,
                      double threshold, const char *key,
                      const cg_screen_hits *hits, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_json *arr = hits_to_json(hits);
  char *dump = NULL;
  int rc;

  if(!arr)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  rc = cg_json_dump(&dump, arr, CG_JSON_CANONICAL, err);
  if(rc == CG_OK)
    rc = cg_store_cached(db, &st,
                         "INSERT OR REPLACE INTO screenings(customer_id, "
                         "lists, threshold, subject, hits) VALUES(?1, ?2, ?3, "
                         "?4, ?5)",
                         err);
  if(rc == CG_OK)
    rc = bind_screening(st, customer_id, lists, threshold, key, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 5, dump, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_json_free(arr);
  free(dump);
  return rc;
}

/* Customer customer_id screened against the current lists, raw (no
 * clearances applied): the cached screening when there is one (*cached
 * 1), else made now (*cached 0). Writes nothing; c gets the subject and
 * lists their version, both needed to keep a new screening. */
static int screen_raw(cg_screener *s, int64_t customer_id, double threshold,
                      subject *c, char lists[65], cg_screen_hits *out,
                      int *cached, cg_error *err)
{
  cg_sx *idx = NULL;
  int rc;

  out->n = 0;
  out->items = NULL;
  *cached = 0;
  rc = subject_load(s->db, customer_id, c, err);
  if(rc == CG_OK)
    rc = cg_screen_lists_version(s->db, lists, err);
  if(rc == CG_OK)
    rc = cached_hits(s->db, customer_id, lists, threshold, c->key, out, err);
  if(rc == 1) {
    *cached = 1;
    return CG_OK;
  }
  if(rc == CG_OK)
    rc = cg_sc_index(s, &idx, lists, err);
  if(rc == CG_OK && idx) {
    rc =
        cg_sc_subject(s, idx, c->name, c->country, threshold, 10, 0, out, err);
    if(rc == CG_OK && c->parent && *c->parent)
      rc = cg_sc_subject(s, idx, c->parent, c->pcountry, threshold, 10, 1, out,
                         err);
    if(rc == CG_OK)
      qsort(out->items, out->n, sizeof(*out->items), cg_sc_hit_cmp);
  }
  if(rc != CG_OK)
    cg_screen_hits_free(out);
  return rc;
}

int cg_screen_customer(cg_screener *s, int64_t customer_id, double threshold,
                       cg_screen_hits *out, cg_error *err)
{
  subject c;
  char lists[65];
  int rc, cached = 0;

  memset(&c, 0, sizeof(c));
  if(threshold < 0)
    threshold = CG_SCREEN_THRESHOLD;
  rc = screen_raw(s, customer_id, threshold, &c, lists, out, &cached, err);
  if(rc == CG_OK && !cached) {
    cg_error werr = { 0 };
    rc = store_hits(s->db, customer_id, lists, threshold, c.key, out, &werr);
    /* A database opened read-only (list, show, check on a file this user
     * may not write) still screens: the cache is only a cache. 8 is
     * SQLITE_READONLY, the primary code in lib_code. */
    if(rc == CG_EDB && (werr.lib_code & 0xff) == 8)
      rc = CG_OK;
    else if(rc != CG_OK)
      *err = werr;
  }
  if(rc == CG_OK)
    rc = cg_sc_apply_clearances(s->db, customer_id, out, err);
  if(rc != CG_OK)
    cg_screen_hits_free(out);
  subject_free(&c);
  return rc;
}

/* ==== Screening ahead, on two threads =================================== */

#define AHEAD_CHUNK 2048 /* customers screened between two stores */

typedef struct ahead_item {
  int64_t id;
  subject c;
  char lists[65];
  cg_screen_hits hits;
  int cached;
  int rc;
} ahead_item;

typedef struct ahead_worker {
  cg_screener *s; /* the worker's, on its own read-only connection */
  ahead_item *items;
  size_t n;
  double threshold;
  cg_error err;
} ahead_worker;

/* Screens every other item, starting at the second. */
static void *ahead_thread(void *arg)
{
  ahead_worker *w = arg;
  size_t i;

  for(i = 1; i < w->n; i += 2)
    w->items[i].rc = screen_raw(
        w->s, w->items[i].id, w->threshold, &w->items[i].c, w->items[i].lists,
        &w->items[i].hits, &w->items[i].cached, &w->err);
  return NULL;
}

/* One chunk: screened on both threads (the worker when there is one),
 * then the new screenings kept in one transaction. */
static int ahead_chunk(cg_screener *s, cg_screener *ws, ahead_item *items,
                       size_t n, double threshold, cg_error *err)
{
  ahead_worker w = { ws, items, n, threshold, { 0 } };
  pthread_t th;
  int started = 0, rc = CG_OK;
  size_t i;

  if(ws)
    started = pthread_create(&th, NULL, ahead_thread, &w) == 0;
  for(i = 0; i < n; i += started ? 2 : 1) {
    items[i].rc =
        screen_raw(s, items[i].id, threshold, &items[i].c, items[i].lists,
                   &items[i].hits, &items[i].cached, err);
    if(items[i].rc != CG_OK)
      break; /* err says why; the worker finishes its half */
  }
  if(started)
    pthread_join(th, NULL);
  /* What the second connection could not screen is screened here: it
   * may not see this one's database at all (a file this user may read
   * only through this handle, a fault on its own I/O). */
  for(i = 1; started && i < n && items[i - 1].rc == CG_OK; i += 2)
    if(items[i].rc != CG_OK) {
      subject_free(&items[i].c);
      cg_screen_hits_free(&items[i].hits);
      memset(&items[i].c, 0, sizeof(items[i].c));
      items[i].rc =
          screen_raw(s, items[i].id, threshold, &items[i].c, items[i].lists,
                     &items[i].hits, &items[i].cached, err);
    }
  for(i = 0; i < n && rc == CG_OK; i++)
    rc = items[i].rc;
  if(rc == CG_OK)
    rc = cg_store_begin(s->db, err);
  for(i = 0; i < n && rc == CG_OK; i++)
    if(!items[i].cached)
      rc = store_hits(s->db, items[i].id, items[i].lists, threshold,
                      items[i].c.key, &items[i].hits, err);
  if(rc == CG_OK)
    rc = cg_store_commit(s->db, err);
  else if(cg_store_in_transaction(s->db))
    cg_store_rollback(s->db);
  for(i = 0; i < n; i++) {
    subject_free(&items[i].c);
    cg_screen_hits_free(&items[i].hits);
  }
  return rc;
}

/* 1 if path names a database file a second connection opens too (not
 * ":memory:", "" or a URI, which may name an in-memory database). */
static int on_disk(const char *path)
{
  return path && *path && strcmp(path, ":memory:") != 0 &&
         strncmp(path, "file:", 5) != 0;
}

int cg_screen_customers_ahead(cg_screener *s, const int64_t *ids, size_t n,
                              double threshold, cg_error *err)
{
  cg_store *wdb = NULL;
  cg_screener *ws = NULL;
  ahead_item *items;
  cg_sx *idx = NULL;
  char lists[65];
  size_t at, k;
  int rc;

  if(threshold < 0)
    threshold = CG_SCREEN_THRESHOLD;
  /* The index first, on this connection: one that must be rebuilt is
   * rebuilt and kept here, so the worker maps the kept one. */
  rc = cg_screen_lists_version(s->db, lists, err);
  if(rc == CG_OK)
    rc = cg_sc_index(s, &idx, lists, err);
  if(rc != CG_OK || !idx || n == 0)
    return rc;
  items = calloc(n < AHEAD_CHUNK ? n : AHEAD_CHUNK, sizeof(*items));
  if(!items)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  /* Without a second connection (a file this user cannot open twice, an
   * in-memory database, which a second open would make anew and empty)
   * everything is screened here: slower, not wrong. */
  if(n >= 64 && on_disk(cg_store_path(s->db)) &&
     cg_store_open(&wdb, cg_store_path(s->db), CG_STORE_READONLY, NULL) ==
         CG_OK &&
     cg_screener_open(&ws, wdb, NULL) != CG_OK)
    ws = NULL;
  for(at = 0; rc == CG_OK && at < n; at += k) {
    k = n - at < AHEAD_CHUNK ? n - at : AHEAD_CHUNK;
    memset(items, 0, k * sizeof(*items));
    for(size_t i = 0; i < k; i++)
      items[i].id = ids[at + i];
    rc = ahead_chunk(s, ws, items, k, threshold, err);
  }
  free(items);
  cg_screener_close(ws);
  cg_store_close(wdb);
  return rc;
}
