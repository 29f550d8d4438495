/* sync.h -- pull restricted-party lists and orders over HTTP(S).
 *
 * cg_sync_lists fetches one list source with a conditional GET
 * (If-None-Match / If-Modified-Since from the version in use) and, when
 * the publisher sends a new body, replaces that source's list, records the
 * version in sync_sources, re-screens customers and raises a list.updated
 * event -- all in ONE transaction. cg_sync_lists_files does the same for
 * a list published as several files (OFAC's SDN, ADD, ALT and comments
 * files): each file has its own validators; when any of them changed, all
 * are needed and replace the list together. Parsing belongs to the
 * screening module and is reached through cg_sync_list_ops and
 * cg_sync_files_ops, so this module knows nothing of list formats. Any
 * failure (HTTP status other than 200/304 for any file, transport error,
 * truncated body, parse error, a list that shrank by more than
 * max_shrink) rolls the transaction back: the lists in use and the
 * recorded validators stay exactly as they were.
 *
 * cg_sync_orders fetches a JSON array of orders (or {"orders": [...]}),
 * validates every one through the order module (the same checks, limits
 * and messages as `import orders`), and stores the new ones in one
 * transaction; idempotent by order_id.
 *
 * Error codes: CG_ENET for network failures and HTTP errors (exit 75),
 * CG_EINVAL for bad data (exit 65), CG_EUSAGE for a refused URL. */
#ifndef CG_SYNC_H
#define CG_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/http.h"
#include "core/store.h"

/* ===================== Lists ===================== */

/* How a list source is read and replaced. Every callback runs INSIDE the
 * transaction opened by cg_sync_lists and must neither begin, commit nor
 * roll back; returning an error makes cg_sync_lists roll everything back.
 * Messages should read "name:line: what" (name is "<source> <url>"). */
typedef struct cg_sync_list_ops {
  void *ctx; /* passed to every callback */
  /* Number of entries of source's list now in use (0 if none). */
  int (*count)(void *ctx, cg_store *db, const char *source, int64_t *n_out,
               cg_error *err);
  /* Parses body (len bytes, NUL-terminated) in format ("csl-csv",
   * "csl-json") and replaces source's list with it; *n_out = entries
   * read. Bad data is CG_EINVAL. */
  int (*replace)(void *ctx, cg_store *db, const char *source,
                 const char *format, const char *name, const char *body,
                 size_t len, int64_t *n_out, cg_error *err);
  /* Re-screens every customer against the new lists; for each NEW hit,
   * puts the customer's pending orders on hold and calls
   * cg_webhook_enqueue(db, CG_EVENT_PARTY_HIT, ...). *hits_out = new
   * hits. May be NULL. */
  int (*rescreen)(void *ctx, cg_store *db, const char *source,
                  int64_t *hits_out, cg_error *err);
  /* Names and aliases of source's list now in use, for the same shrink
   * guard as entries on a list of several files (OFAC keeps aliases in a
   * file of their own). May be NULL. */
  int (*count_names)(void *ctx, cg_store *db, const char *source,
                     int64_t *n_out, cg_error *err);
} cg_sync_list_ops;

/* One file of a list, as fetched. */
typedef struct cg_sync_file {
  const char *name; /* "<source> <URL, credentials masked>", for messages */
  const char *body; /* NUL-terminated (may hold NULs itself) */
  size_t len;       /* bytes */
} cg_sync_file;

#define CG_SYNC_MAX_FILES 8

/* A list format published as several files fetched together. Callbacks
 * run as those of cg_sync_list_ops (inside the sync's transaction). */
typedef struct cg_sync_files_ops {
  const cg_sync_list_ops *list; /* ctx, count, rescreen (replace unused) */
  /* The URLs of format's files given url, the first one's: *n_out (at
   * most CG_SYNC_MAX_FILES) malloc'ed strings into urls, urls[0] a copy
   * of url. CG_EUSAGE for a format it does not read. */
  int (*urls)(void *ctx, const char *format, const char *url, char **urls,
              size_t *n_out, cg_error *err);
  /* Parses the n files (in the order of urls) and replaces source's list
   * with them; *n_out = entries read. Bad data is CG_EINVAL naming the
   * file (its name) and line. */
  int (*replace)(void *ctx, cg_store *db, const char *source,
                 const char *format, const cg_sync_file *files, size_t n,
                 int64_t *n_out, cg_error *err);
} cg_sync_files_ops;

/* The shrink guard of every list replacement (sync and import): a list
 * that shrank by more than max_shrink (<= 0: 10%) against the one in use
 * is refused with CG_EINVAL unless force. */
/* The same for a count of what ("names and aliases"). */
int cg_sync_shrink_check_of(const char *name, const char *what, int64_t before,
                            int64_t after, double max_shrink, int force,
                            cg_error *err);
int cg_sync_shrink_check(const char *name, int64_t before, int64_t after,
                         double max_shrink, int force, cg_error *err);

typedef struct cg_sync_lists_opts {
  const char *url;    /* where the list (its first file) is published */
  const char *source; /* list source name; NULL = "csl" */
  const char *format; /* cg_sync_lists: "csl-csv" or "csl-json", NULL =
                         from the URL; cg_sync_lists_files: passed to
                         ops->urls and ops->replace */
  int force;          /* accept a list that shrank more than max_shrink */
  double max_shrink;  /* refused shrink share; <= 0 = 0.10 */
} cg_sync_lists_opts;

typedef struct cg_sync_lists_result {
  int not_modified; /* 304, or the same bytes as the version in use */
  int64_t count;    /* entries now in use */
  int64_t previous; /* entries before */
  int64_t hits;     /* new screening hits */
  char sha256[65];  /* of the body; of several files, of their hex
                       digests one after the other (empty if 304) */
  long status;      /* HTTP status (of the first file) */
  int files;        /* files fetched */
  int changed;      /* of which changed (neither 304 nor the same bytes) */
} cg_sync_lists_result;

int cg_sync_lists(cg_store *db, cg_http *http, const cg_sync_lists_opts *o,
                  const cg_sync_list_ops *ops, cg_sync_lists_result *res,
                  cg_error *err);

/* The list of o->url published as the files ops->urls names. Each file
 * is fetched with its own validators (sync_sources rows source, then
 * "source file 2", "source file 3", ...). All 304 or the same bytes: not
 * modified. Otherwise the files that answered 304 are fetched again
 * without validators and all of them replace the list in one
 * transaction, with the guards of cg_sync_lists. An error on any file
 * names that file's URL (credentials masked) and changes nothing. */
int cg_sync_lists_files(cg_store *db, cg_http *http,
                        const cg_sync_lists_opts *o,
                        const cg_sync_files_ops *ops,
                        cg_sync_lists_result *res, cg_error *err);

/* ===================== Orders ===================== */

typedef struct cg_sync_orders_result {
  int not_modified;  /* 304 */
  int64_t received;  /* orders in the document */
  int64_t inserted;  /* new orders stored */
  int64_t skipped;   /* already stored with the same content */
  int64_t conflicts; /* already stored with different content: kept */
  int64_t invalid;   /* orders that failed validation */
} cg_sync_orders_result;

/* GETs url and stores the new orders (source 'sync'). Each element is
 * checked by cg_order_validate; the object's keys are the orders CSV
 * columns (quantity may be a JSON number, export_from_us a boolean).
 * Every problem (an invalid order, the same order_id twice with different
 * content, a conflict with a stored order) is passed to xProblem(arg,
 * message) when it is not NULL; messages read "<url> item N: what" with
 * the same "what" as `import orders` gives after "FILE:LINE: ". If any
 * order is invalid nothing is stored and CG_EINVAL is returned. Conflicts
 * do not stop the others: CG_OK is returned with res->conflicts > 0, and
 * the stored order is left as it was. */
int cg_sync_orders(cg_store *db, cg_http *http, const char *url,
                   void (*xProblem)(void *arg, const char *msg), void *arg,
                   cg_sync_orders_result *res, cg_error *err);

/* Reads the version of source in use (from sync_sources). 1 = found,
 * 0 = none; strings malloc'ed (NULL if absent). */
int cg_sync_source_get(cg_store *db, const char *source, char **etag_out,
                       char **last_modified_out, char **sha256_out,
                       cg_error *err);

#endif
