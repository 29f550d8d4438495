/* sync.c -- see sync.h. */
#include "net/sync.h"

#include "core/clock.h"

#include "core/crypto.h"
#include "core/json.h"
#include "model/order.h"
#include "net/webhook.h"

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

/* Conditional GET of url against the stored version of source. The
 * validators belong to the URL they came from: another URL for the same
 * source, or force, sends none (sync_sources.url holds the URL with its
 * credentials masked, so that is what is compared). On CG_OK resp holds a
 * 200 or a 304; any other status is an error (cg_http_status_error). */
static int fetch(cg_http *http, cg_store *db, const char *source,
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

/* ===================== Lists ===================== */

static const char *guess_format(const char *url)
{
  const char *q = strchr(url, '?');
  size_t n = q ? (size_t)(q - url) : strlen(url);

  if(n >= 5 && strncmp(url + n - 5, ".json", 5) == 0)
    return "csl-json";
  return "csl-csv";
}

/* One file of a list sync. */
typedef struct sync_file {
  char *url;               /* malloc'ed */
  char *key;               /* its sync_sources row (malloc'ed) */
  char name[1200];         /* "<source> <masked url>", for messages */
  cg_http_response resp;   /* 200 or 304 */
  char *old_sha;           /* of the version in use, or NULL */
  char sha[CG_SHA256_HEX]; /* of resp.body if 200 */
  int unchanged;           /* 304, or the same bytes as in use */
} sync_file;

/* A list sync under way. */
typedef struct list_sync {
  cg_store *db;
  cg_http *http;
  const cg_sync_lists_opts *o;
  const cg_sync_list_ops *ops;   /* ctx, count, rescreen (replace if 1) */
  const cg_sync_files_ops *fops; /* NULL: one file, ops->replace */
  const char *source, *format;
  sync_file f[CG_SYNC_MAX_FILES];
  size_t n;
} list_sync;

static void list_sync_free(list_sync *ls)
{
  size_t i;

  for(i = 0; i < ls->n; i++) {
    free(ls->f[i].url);
    free(ls->f[i].key);
    free(ls->f[i].old_sha);
    cg_http_response_free(&ls->f[i].resp);
  }
  ls->n = 0;
}

/* The files' URLs, keys and names (file 1's key is the source itself, so
 * a one-file list keeps the row it always had). */
static int plan_files(list_sync *ls, cg_error *err)
{
  char *urls[CG_SYNC_MAX_FILES] = { NULL }, shown[1024];
  size_t i, n = 1, k = strlen(ls->source) + 32;
  int rc = CG_OK;

  if(ls->fops)
    rc = ls->fops->urls(ls->ops->ctx, ls->format, ls->o->url, urls, &n, err);
  else if(!(urls[0] = strdup(ls->o->url)))
    rc = cg_error_set(err, CG_ENOMEM, "out of memory");
  if(rc == CG_OK && (n == 0 || n > CG_SYNC_MAX_FILES))
    rc = cg_error_set(err, CG_EINTERNAL, "sync lists: %zu files", n);
  /* The list owns every URL from here (freed by list_sync_free). */
  for(i = 0; i < CG_SYNC_MAX_FILES && urls[i]; i++)
    ls->f[ls->n++].url = urls[i];
  if(rc == CG_OK && ls->n != n)
    rc = cg_error_set(err, CG_EINTERNAL, "sync lists: a file without a URL");
  for(i = 0; rc == CG_OK && i < ls->n; i++) {
    sync_file *f = &ls->f[i];

    if(!(f->key = malloc(k)))
      return cg_error_set(err, CG_ENOMEM, "out of memory");
    if(i == 0)
      snprintf(f->key, k, "%s", ls->source);
    else
      snprintf(f->key, k, "%s file %zu", ls->source, i + 1);
    snprintf(f->name, sizeof(f->name), "%s %s", ls->source,
             cg_http_redact(f->url, shown, sizeof(shown)));
  }
  return rc;
}

/* GETs file f (with its validators unless force) and reads its digest. */
static int fetch_file(list_sync *ls, sync_file *f, int force, cg_error *err)
{
  int rc;

  cg_http_response_free(&f->resp);
  free(f->old_sha);
  f->old_sha = NULL;
  rc = fetch(ls->http, ls->db, f->key, f->url, force, &f->resp, &f->old_sha,
             err);
  if(rc == CG_OK && f->resp.status == 200)
    rc = cg_sha256_hex(f->resp.body, f->resp.len, f->sha, err);
  f->unchanged = rc == CG_OK &&
                 (f->resp.status == 304 || (!ls->o->force && f->old_sha &&
                                            strcmp(f->old_sha, f->sha) == 0));
  return rc;
}

/* The digest of the list: of its one body, or of the files' digests. */
static int list_digest(const list_sync *ls, char out[CG_SHA256_HEX],
                       cg_error *err)
{
  char all[CG_SYNC_MAX_FILES * 64 + 1];
  size_t i;

  if(ls->n == 1) {
    memcpy(out, ls->f[0].sha, CG_SHA256_HEX);
    return CG_OK;
  }
  for(i = 0; i < ls->n; i++)
    memcpy(all + 64 * i, ls->f[i].sha, 64);
  return cg_sha256_hex(all, 64 * ls->n, out, err);
}

static int list_event(const list_sync *ls, const cg_sync_lists_result *res,
                      cg_error *err)
{
  const cg_http_response *resp = &ls->f[0].resp;
  cg_json *d = cg_json_object(), *files = cg_json_array();
  char now[21], *s = NULL, shown[1024];
  size_t i;
  int rc = CG_OK;

  cg_clock_iso(0, now);
  cg_http_redact(ls->o->url, shown, sizeof(shown));
  if(!d || !files || cg_json_set_str(d, "source", ls->source) != CG_OK ||
     cg_json_set_str(d, "url", shown) != CG_OK ||
     cg_json_set_str(d, "sha256", res->sha256) != CG_OK ||
     cg_json_set_int(d, "count", res->count) != CG_OK ||
     cg_json_set_int(d, "previous", res->previous) != CG_OK ||
     cg_json_set_int(d, "new_hits", res->hits) != CG_OK ||
     cg_json_set_str(d, "etag", resp->etag) != CG_OK ||
     cg_json_set_str(d, "last_modified", resp->last_modified) != CG_OK ||
     cg_json_set_str(d, "fetched_at", now) != CG_OK)
    rc = cg_error_set(err, CG_ENOMEM, "out of memory");
  /* A list of several files also names each one's version. */
  for(i = 0; rc == CG_OK && ls->n > 1 && i < ls->n; i++) {
    const sync_file *f = &ls->f[i];
    cg_json *o = cg_json_object();

    if(cg_json_append(files, o) != CG_OK ||
       cg_json_set_str(
           o, "url", cg_http_redact(f->url, shown, sizeof(shown))) != CG_OK ||
       cg_json_set_str(o, "sha256", f->sha) != CG_OK ||
       cg_json_set_str(o, "etag", f->resp.etag) != CG_OK ||
       cg_json_set_str(o, "last_modified", f->resp.last_modified) != CG_OK)
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  if(rc == CG_OK && ls->n > 1) {
    rc = cg_json_set(d, "files", files);
    files = NULL;
  }
  if(rc == CG_OK)
    rc = cg_json_dump(&s, d, 0, err);
  if(rc == CG_OK)
    rc = cg_webhook_enqueue(ls->db, CG_EVENT_LIST, s, NULL, err);
  free(s);
  cg_json_free(files);
  cg_json_free(d);
  return rc;
}

/* Records every file's version (in the caller's transaction); only_200:
 * just the files that answered 200 (a 304 leaves its row as it is). */
static int put_files(const list_sync *ls, int64_t count, int only_200,
                     cg_error *err)
{
  size_t i;
  int rc = CG_OK;

  for(i = 0; rc == CG_OK && i < ls->n; i++) {
    const sync_file *f = &ls->f[i];

    if(!only_200 || f->resp.status == 200)
      rc = source_put(ls->db, f->key, "lists", f->url, &f->resp, f->sha, count,
                      err);
  }
  return rc;
}

/* Nothing changed: count the list in use and remember the validators of
 * files that came back with the same bytes (a publisher without them). */
static int keep_list(list_sync *ls, cg_sync_lists_result *res, cg_error *err)
{
  size_t i, same = 0;
  int rc;

  res->not_modified = 1;
  for(i = 0; i < ls->n; i++)
    same += ls->f[i].resp.status == 200;
  rc = cg_store_begin(ls->db, err);
  if(rc == CG_OK)
    rc = ls->ops->count(ls->ops->ctx, ls->db, ls->source, &res->count, err);
  if(rc == CG_OK && same == ls->n)
    rc = list_digest(ls, res->sha256, err);
  if(rc == CG_OK && same > 0) {
    rc = put_files(ls, res->count, 1, err);
    if(rc == CG_OK)
      rc = cg_store_commit(ls->db, err);
  }
  if(rc != CG_OK || same == 0)
    cg_store_rollback(ls->db);
  return rc;
}

/* The new files replace the list, behind the guards; then the versions,
 * the re-screening and the event; one transaction. */
static int swap_list(list_sync *ls, cg_sync_lists_result *res, cg_error *err)
{
  double max_shrink =
      ls->o->max_shrink > 0 ? ls->o->max_shrink : MAX_SHRINK_DEFAULT;
  const cg_sync_list_ops *ops = ls->ops;
  const char *name = ls->f[0].name;
  cg_sync_file files[CG_SYNC_MAX_FILES];
  size_t i;
  int rc;

  for(i = 0; i < ls->n; i++) {
    files[i].name = ls->f[i].name;
    files[i].body = ls->f[i].resp.body;
    files[i].len = ls->f[i].resp.len;
  }
  rc = cg_store_begin(ls->db, err);
  if(rc != CG_OK)
    return rc;
  rc = ops->count(ops->ctx, ls->db, ls->source, &res->previous, err);
  if(rc == CG_OK)
    rc = ls->fops
             ? ls->fops->replace(ops->ctx, ls->db, ls->source, ls->format,
                                 files, ls->n, &res->count, err)
             : ops->replace(ops->ctx, ls->db, ls->source, ls->format, name,
                            files[0].body, files[0].len, &res->count, err);
  if(rc == CG_OK && !ls->o->force && res->count == 0)
    rc = cg_error_set(err, CG_EINVAL,
                      "%s: the list is empty: kept the current list (use "
                      "--force to accept)",
                      name);
  if(rc == CG_OK)
    rc = cg_sync_shrink_check(name, res->previous, res->count, max_shrink,
                              ls->o->force, err);
  if(rc == CG_OK)
    rc = put_files(ls, res->count, 0, err);
  if(rc == CG_OK && ops->rescreen)
    rc = ops->rescreen(ops->ctx, ls->db, ls->source, &res->hits, err);
  if(rc == CG_OK)
    rc = list_event(ls, res, err);
  if(rc == CG_OK)
    rc = cg_store_commit(ls->db, err);
  if(rc != CG_OK) {
    cg_store_rollback(ls->db);
    res->count = res->previous;
    res->hits = 0;
  }
  return rc;
}

/* Both doors: fetch every file conditionally; if any changed, fetch the
 * 304 ones again in full (a body we do not keep is cheaper to fetch in
 * the rare changed case than to store on every sync) and swap. */
static int sync_list(list_sync *ls, cg_sync_lists_result *res, cg_error *err)
{
  size_t i;
  int rc;

  memset(res, 0, sizeof(*res));
  rc = plan_files(ls, err);
  for(i = 0; rc == CG_OK && i < ls->n; i++) {
    rc = fetch_file(ls, &ls->f[i], ls->o->force, err);
    res->changed += rc == CG_OK && !ls->f[i].unchanged;
  }
  res->files = (int)ls->n;
  if(rc == CG_OK)
    res->status = ls->f[0].resp.status;
  if(rc == CG_OK && res->changed == 0)
    rc = keep_list(ls, res, err);
  else if(rc == CG_OK) {
    for(i = 0; rc == CG_OK && i < ls->n; i++)
      if(ls->f[i].resp.status == 304)
        rc = fetch_file(ls, &ls->f[i], 1, err);
    if(rc == CG_OK)
      rc = list_digest(ls, res->sha256, err);
    if(rc == CG_OK)
      rc = swap_list(ls, res, err);
  }
  list_sync_free(ls);
  return rc;
}

int cg_sync_lists(cg_store *db, cg_http *http, const cg_sync_lists_opts *o,
                  const cg_sync_list_ops *ops, cg_sync_lists_result *res,
                  cg_error *err)
{
  list_sync ls;

  memset(&ls, 0, sizeof(ls));
  memset(res, 0, sizeof(*res));
  if(!ops || !ops->count || !ops->replace)
    return cg_error_set(err, CG_EINTERNAL, "sync lists: no list importer");
  ls.db = db;
  ls.http = http;
  ls.o = o;
  ls.ops = ops;
  ls.source = o->source ? o->source : "csl";
  ls.format = o->format ? o->format : guess_format(o->url);
  if(strcmp(ls.format, "csl-csv") != 0 && strcmp(ls.format, "csl-json") != 0)
    return cg_error_set(err, CG_EUSAGE,
                        "unknown list format \"%s\" (csl-csv, csl-json)",
                        ls.format);
  return sync_list(&ls, res, err);
}

int cg_sync_lists_files(cg_store *db, cg_http *http,
                        const cg_sync_lists_opts *o,
                        const cg_sync_files_ops *ops,
                        cg_sync_lists_result *res, cg_error *err)
{
  list_sync ls;

  memset(&ls, 0, sizeof(ls));
  memset(res, 0, sizeof(*res));
  if(!ops || !ops->list || !ops->list->count || !ops->urls || !ops->replace ||
     !o->format)
    return cg_error_set(err, CG_EINTERNAL, "sync lists: no list importer");
  ls.db = db;
  ls.http = http;
  ls.o = o;
  ls.ops = ops->list;
  ls.fops = ops;
  ls.source = o->source ? o->source : "csl";
  ls.format = o->format;
  return sync_list(&ls, res, err);
}

/* ===================== Orders ===================== */

/* What a sync document may give for an order field: text fields must be
 * JSON strings; the quantity may be a number; export_from_us a boolean. */
enum { F_TEXT, F_NUMBER, F_FLAG };

/* Text of o[key] for cg_order_fields: a string as it is, an allowed number
 * or boolean written out (the order module then parses and refuses it
 * exactly like a CSV cell), NULL if absent or null. */
static const char *json_field(const cg_json *o, const char *key, int kind,
                              char *buf, size_t size, int *bad)
{
  const cg_json *v = cg_json_get(o, key);
  int t = v ? cg_json_type(v) : CG_JSON_NULL;

  if(t == CG_JSON_NULL)
    return NULL;
  if(t == CG_JSON_STRING)
    return cg_json_string_value(v);
  if(kind != F_TEXT && (t == CG_JSON_INT || t == CG_JSON_REAL)) {
    snprintf(buf, size, "%.17g", cg_json_number_value(v));
    return buf;
  }
  if(kind == F_FLAG && t == CG_JSON_BOOL) {
    snprintf(buf, size, "%s", cg_json_is_true(v) ? "true" : "false");
    return buf;
  }
  *bad = 1;
  return NULL;
}

/* One element of a sync document through the order module's checks;
 * where ("URL item N") prefixes every message. */
static int read_order(cg_store *db, const cg_json *o, const char *where,
                      cg_order *out, cg_error *err)
{
  static const char *const keys[] = {
    "order_id",        "customer",   "chip", "destination", "quantity",
    "ship_date",       "end_use",    "role", "packager",    "export_from_us",
    "end_use_country", "end_user_hq"
  };
  static const int kinds[] = { F_TEXT,   F_TEXT, F_TEXT, F_TEXT,
                               F_NUMBER, F_TEXT, F_TEXT, F_TEXT,
                               F_TEXT,   F_FLAG, F_TEXT, F_TEXT };
  char bufs[12][32];
  const char *v[12];
  cg_order_fields f;
  size_t k;

  if(cg_json_type(o) != CG_JSON_OBJECT)
    return cg_error_set(err, CG_EINVAL, "%s: not a JSON object", where);
  for(k = 0; k < 12; k++) {
    int bad = 0;

    v[k] = json_field(o, keys[k], kinds[k], bufs[k], sizeof(bufs[k]), &bad);
    if(bad)
      return cg_error_set(err, CG_EINVAL, "%s: %s: not a %s", where, keys[k],
                          kinds[k] == F_TEXT ? "string"
                          : kinds[k] == F_NUMBER
                              ? "string or number"
                              : "string, number or boolean");
  }
  f.order_id = v[0];
  f.customer = v[1];
  f.chip = v[2];
  f.destination = v[3];
  f.quantity = v[4];
  f.ship_date = v[5];
  f.end_use = v[6];
  f.role = v[7];
  f.packager = v[8];
  f.export_from_us = v[9];
  f.end_use_country = v[10];
  f.end_user_hq = v[11];
  return cg_order_validate(db, &f, where, out, err);
}

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
    rc = read_order(db, cg_json_at(arr, i), where, &orders[i], &e);
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
  rc = fetch(http, db, source, url, 0, &resp, &old_sha, err);
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
    rc = source_put(db, source, "orders", url, &resp, sha, res->received, err);
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
