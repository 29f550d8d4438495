/* sync_lists.c -- see sync.h: `sync lists`, of one file or several,
 * behind the shrink guard, in one transaction. */
#include "net/sync.h"
#include "net/sync_int.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/json.h"
#include "net/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHRINK_DEFAULT 0.10

int cg_sync_shrink_check_of(const char *name, const char *what, int64_t before,
                            int64_t after, double max_shrink, int force,
                            cg_error *err)
{
  if(max_shrink <= 0)
    max_shrink = MAX_SHRINK_DEFAULT;
  if(force || before <= 0 ||
     (double)after >= (double)before * (1.0 - max_shrink))
    return CG_OK;
  return cg_error_set(err, CG_EINVAL,
                      "%s: the list shrank from %lld to %lld %s (-%.1f%%, "
                      "more than %.0f%%): kept the current list (use --force "
                      "to accept)",
                      name, (long long)before, (long long)after, what,
                      100.0 * (double)(before - after) / (double)before,
                      100.0 * max_shrink);
}

int cg_sync_shrink_check(const char *name, int64_t before, int64_t after,
                         double max_shrink, int force, cg_error *err)
{
  return cg_sync_shrink_check_of(name, "entries", before, after, max_shrink,
                                 force, err);
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
  rc = cg_sync_fetch(ls->http, ls->db, f->key, f->url, force, &f->resp,
                     &f->old_sha, err);
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
      rc = cg_sync_source_put(ls->db, f->key, "lists", f->url, &f->resp,
                              f->sha, count, err);
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
  int64_t names_before = 0, names_after = 0;
  int names = ls->fops && ops->count_names;
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
  if(rc == CG_OK && names)
    rc = ops->count_names(ops->ctx, ls->db, ls->source, &names_before, err);
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
  /* A list of several files (OFAC: aliases in ALT.CSV alone) can lose
   * its names without losing entries: they have a guard of their own. */
  if(rc == CG_OK && names)
    rc = ops->count_names(ops->ctx, ls->db, ls->source, &names_after, err);
  if(rc == CG_OK && names)
    rc = cg_sync_shrink_check_of(name, "names and aliases", names_before,
                                 names_after, max_shrink, ls->o->force, err);
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

static void list_sync_init(list_sync *ls, cg_store *db, cg_http *http,
                           const cg_sync_lists_opts *o,
                           const cg_sync_list_ops *ops,
                           const cg_sync_files_ops *fops)
{
  memset(ls, 0, sizeof(*ls));
  ls->db = db;
  ls->http = http;
  ls->o = o;
  ls->ops = ops;
  ls->fops = fops;
  ls->source = o->source ? o->source : "csl";
  ls->format = o->format ? o->format : fops ? "" : guess_format(o->url);
}

int cg_sync_lists(cg_store *db, cg_http *http, const cg_sync_lists_opts *o,
                  const cg_sync_list_ops *ops, cg_sync_lists_result *res,
                  cg_error *err)
{
  list_sync ls;

  memset(res, 0, sizeof(*res));
  if(!ops || !ops->count || !ops->replace)
    return cg_error_set(err, CG_EINTERNAL, "sync lists: no list importer");
  list_sync_init(&ls, db, http, o, ops, NULL);
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

  memset(res, 0, sizeof(*res));
  if(!ops || !ops->list || !ops->list->count || !ops->urls || !ops->replace)
    return cg_error_set(err, CG_EINTERNAL, "sync lists: no list importer");
  list_sync_init(&ls, db, http, o, ops->list, ops);
  return sync_list(&ls, res, err);
}
