/* sync_int.h -- private to src/net/sync*.c: the version of a source in
 * use (sync_sources) and the conditional GET against it. */
#ifndef CG_SYNC_INT_H
#define CG_SYNC_INT_H

#include "core/error.h"
#include "core/http.h"
#include "core/store.h"

#include <stdint.h>

/* Records the version of source now in use (caller's transaction or
 * autocommit): kind "lists" or "orders", url (stored with credentials
 * masked), resp's validators, the body's sha256 and count. */
int cg_sync_source_put(cg_store *db, const char *source, const char *kind,
                       const char *url, const cg_http_response *resp,
                       const char *sha256, int64_t count, cg_error *err);

/* Conditional GET of url against the stored version of source. The
 * validators belong to the URL they came from: another URL for the same
 * source, or force, sends none. On CG_OK resp holds a 200 or a 304 and
 * *sha_out the stored sha256 (malloc'ed, NULL if none); any other status
 * is an error (cg_http_status_error), with resp freed. */
int cg_sync_fetch(cg_http *http, cg_store *db, const char *source,
                  const char *url, int force, cg_http_response *resp,
                  char **sha_out, cg_error *err);

#endif
