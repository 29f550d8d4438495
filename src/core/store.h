/* store.h -- the database: open, migrate, transactions and a thin typed
 * statement API. The only door to sqlite3.h.
 *
 * Modules own their SQL but run it through cg_stmt, so every value goes
 * through a bound parameter. Unknown numbers are NaN in C and NULL in the
 * database (cg_stmt_bind_double maps NaN to NULL and cg_stmt_double maps
 * NULL to NaN).
 *
 * Ownership: cg_store_open returns a handle the caller closes with
 * cg_store_close. Statements from cg_store_prepare are the caller's
 * (cg_stmt_finalize); statements from cg_store_cached belong to the store
 * and are finalized by cg_store_close. Text from cg_stmt_text is borrowed
 * until the next step, reset or finalize. */
#ifndef CG_STORE_H
#define CG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct cg_store cg_store;
typedef struct cg_stmt cg_stmt;

enum {
  CG_STORE_CREATE = 1,   /* create the file if missing */
  CG_STORE_READONLY = 2, /* open read-only (no migration) */
  CG_STORE_URI = 4       /* path is an SQLite "file:" URI */
};

/* Opens path with WAL, foreign keys on and a busy timeout. Does not
 * migrate: call cg_store_migrate. */
int cg_store_open(cg_store **out, const char *path, int flags, cg_error *err);
void cg_store_close(cg_store *db);

/* Applies every embedded migration newer than PRAGMA user_version in one
 * BEGIN IMMEDIATE transaction. A database newer than this binary is
 * refused with CG_ESCHEMA. *applied_out (may be NULL) gets the count. */
int cg_store_migrate(cg_store *db, int *applied_out, cg_error *err);

/* The schema version of the file, and the newest this binary knows. */
int cg_store_user_version(cg_store *db, int *out, cg_error *err);
int cg_store_latest_version(void);

/* Runs SQL without parameters (DDL, pragmas). */
int cg_store_exec(cg_store *db, const char *sql, cg_error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback never fails loudly: it is
 * the error path. */
int cg_store_begin(cg_store *db, cg_error *err);
/* cg_store_begin without waiting: CG_EBUSY at once if another
 * connection writes (for optional writes, such as keeping a cache). */
int cg_store_try_begin(cg_store *db, cg_error *err);
int cg_store_commit(cg_store *db, cg_error *err);
void cg_store_rollback(cg_store *db);
int cg_store_in_transaction(cg_store *db);

/* Prepares sql into *out (caller finalizes). */
int cg_store_prepare(cg_store *db, cg_stmt **out, const char *sql,
                     cg_error *err);

/* A statement prepared once per store and kept for reuse (hot paths);
 * keyed by the SQL text. Returned reset with bindings cleared. Owned by
 * the store: the pointer stays valid (other statements may be cached
 * meanwhile) until cg_store_close; never finalize it. */
int cg_store_cached(cg_store *db, cg_stmt **out, const char *sql,
                    cg_error *err);

/* Runs sql (a cached statement with one text parameter ?1 returning one
 * integer column, e.g. "SELECT id FROM chips WHERE name = ?1") with key:
 * *id_out is the first row's value, or 0 when there is no row (not an
 * error). For the owning modules' name-to-id lookups. */
int cg_store_find_id(cg_store *db, const char *sql, const char *key,
                     int64_t *id_out, cg_error *err);

/* Reads column of row rowid of table (a BLOB) straight into a malloc'ed
 * *out of *n_out bytes: one copy, where a SELECT makes two (SQLite's
 * result, then the caller's). Call it while a statement on the same
 * row is stepped, so that both read one snapshot. */
int cg_store_blob_read(cg_store *db, const char *table, const char *column,
                       int64_t rowid, void **out, size_t *n_out,
                       cg_error *err);

int64_t cg_store_last_rowid(cg_store *db);
int cg_store_changes(cg_store *db);
/* PRAGMA data_version: it changes when another connection commits, not
 * with this connection's own commits, so what a caller keeps from the
 * database stays true while it does not change. */
int cg_store_data_version(cg_store *db, int64_t *out, cg_error *err);
const char *cg_store_path(cg_store *db);

/* Binding (1-based index). Text is copied (NULL binds NULL). */
int cg_stmt_bind_text(cg_stmt *st, int idx, const char *s, cg_error *err);
int cg_stmt_bind_blob(cg_stmt *st, int idx, const void *p, size_t n,
                      cg_error *err);
int cg_stmt_bind_int(cg_stmt *st, int idx, int64_t v, cg_error *err);
int cg_stmt_bind_double(cg_stmt *st, int idx, double v, cg_error *err);
int cg_stmt_bind_null(cg_stmt *st, int idx, cg_error *err);
/* Binds an optional boolean: -1 unknown (NULL), 0, 1. */
int cg_stmt_bind_tristate(cg_stmt *st, int idx, int v, cg_error *err);

/* 1 = a row is ready, 0 = done, negative = error (CG_EDB; a constraint
 * violation keeps SQLite's extended code in err->lib_code). */
int cg_stmt_step(cg_stmt *st, cg_error *err);
/* Steps a statement that returns no rows; resets it afterwards. */
int cg_stmt_run(cg_stmt *st, cg_error *err);
void cg_stmt_reset(cg_stmt *st);
void cg_stmt_finalize(cg_stmt *st);

int cg_stmt_is_null(cg_stmt *st, int col);
const char *cg_stmt_text(cg_stmt *st, int col); /* NULL for NULL */
const void *cg_stmt_blob(cg_stmt *st, int col, size_t *n_out);
int64_t cg_stmt_int(cg_stmt *st, int col);
double cg_stmt_double(cg_stmt *st, int col); /* NaN for NULL */
/* -1 for NULL, else 0/1. */
int cg_stmt_tristate(cg_stmt *st, int col);

/* Copies column text into a malloc'ed string (NULL for NULL or on OOM). */
char *cg_stmt_strdup(cg_stmt *st, int col);

#endif
