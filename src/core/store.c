/* store.c -- see store.h. */
#include <sqlite3.h>

#include "core/store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Generated from db/migrations/ by cmake/embed_sql.cmake. */
extern const char *const cg_migrations[];
extern const char *const cg_migration_names[];
extern const int cg_migration_count;

struct cg_stmt {
  sqlite3_stmt *st; /* the prepared statement */
  cg_store *db;     /* owner, for error messages */
};

typedef struct cache_entry {
  char *sql;     /* key: the SQL text */
  cg_stmt *stmt; /* the cached statement; allocated on its own so that a
                    caller's pointer survives the cache growing */
} cache_entry;

struct cg_store {
  sqlite3 *sq;        /* the connection */
  char *path;         /* file name as opened */
  cache_entry *cache; /* statements kept for reuse */
  size_t n_cache;     /* entries used */
  size_t cap_cache;   /* entries allocated */
};

/* Another writer holding the database past the busy timeout is not a
 * fault of this command: it gets its own code (exit 75) and a message a
 * user can act on instead of SQLite's "database is locked". */
static int busy_fail(cg_error *err, int ext)
{
  cg_error_set(err, CG_EBUSY,
               "database busy, try again (another chipgate command is "
               "writing to it)");
  if(err)
    err->lib_code = ext;
  return CG_EBUSY;
}

static int is_busy(int ext)
{
  return (ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED;
}

/* A failed read, write, sync, lock or open of the database's files, or
 * a full disk: the operating system's fault, not chipgate's or the data's.
 * SQLITE_PROTOCOL is a WAL lock race SQLite gave up on: I/O too. */
static int is_io(int ext)
{
  int primary = ext & 0xff;

  return primary == SQLITE_IOERR || primary == SQLITE_FULL ||
         primary == SQLITE_CANTOPEN || primary == SQLITE_PROTOCOL ||
         primary == SQLITE_NOLFS;
}

/* What the failed call was doing, in a user's words. */
static const char *io_op(int ext)
{
  switch(ext) {
  case SQLITE_FULL:
  case SQLITE_IOERR_WRITE:
    return "write";
  case SQLITE_IOERR_READ:
  case SQLITE_IOERR_SHORT_READ:
    return "read";
  case SQLITE_IOERR_FSYNC:
  case SQLITE_IOERR_DIR_FSYNC:
    return "sync to disk";
  case SQLITE_IOERR_TRUNCATE:
    return "truncate";
  case SQLITE_IOERR_LOCK:
  case SQLITE_IOERR_RDLOCK:
  case SQLITE_IOERR_UNLOCK:
  case SQLITE_IOERR_CHECKRESERVEDLOCK:
  case SQLITE_IOERR_SHMLOCK:
  case SQLITE_PROTOCOL:
    return "lock";
  case SQLITE_IOERR_SHMOPEN:
  case SQLITE_IOERR_SHMSIZE:
  case SQLITE_IOERR_SHMMAP:
  case SQLITE_IOERR_MMAP:
    return "shared-memory (-shm) access";
  case SQLITE_IOERR_DELETE:
  case SQLITE_IOERR_DELETE_NOENT:
    return "journal delete";
  case SQLITE_IOERR_FSTAT:
    return "stat";
  default:
    return (ext & 0xff) == SQLITE_CANTOPEN ? "open" : "access";
  }
}

/* "database write failed: disk full (PATH)" instead of SQLite's "database
 * or disk is full": which file, what was being done, and why, for exit 74.
 * The caller prefixes what chipgate was doing (the order, FILE:LINE). */
static int io_fail(cg_error *err, sqlite3 *sq, int ext, const char *path)
{
  const char *file = sq ? sqlite3_db_filename(sq, "main") : NULL;
  int primary = ext & 0xff;

  if(!file || !*file)
    file = path ? path : "the database file";
  if(primary == SQLITE_CANTOPEN)
    cg_error_set(err, CG_EIO,
                 "database open failed: I/O error opening %s or its -wal "
                 "or -shm file",
                 file);
  else
    cg_error_set(err, CG_EIO, "database %s failed: %s (%s)", io_op(ext),
                 primary == SQLITE_FULL    ? "disk full"
                 : primary == SQLITE_NOLFS ? "file too large"
                                           : "I/O error",
                 file);
  if(err)
    err->lib_code = ext;
  return CG_EIO;
}

static int db_fail(cg_error *err, sqlite3 *sq, int rc, const char *what)
{
  int ext = sq ? sqlite3_extended_errcode(sq) : rc;

  if(is_busy(ext))
    return busy_fail(err, ext);
  if(is_io(ext))
    return io_fail(err, sq, ext, NULL);
  cg_error_set(err, CG_EDB, "%s: %s", what,
               sq ? sqlite3_errmsg(sq) : sqlite3_errstr(rc));
  if(err)
    err->lib_code = ext;
  return CG_EDB;
}

/* How long a command waits for another writer before giving up with
 * CG_EBUSY: 10 s, or CHIPGATE_BUSY_TIMEOUT_MS (0..600000) so tests and
 * impatient callers can bound it. */
static int busy_timeout_ms(void)
{
  const char *s = getenv("CHIPGATE_BUSY_TIMEOUT_MS");
  char *end;
  long v;

  if(!s || !*s)
    return 10000;
  errno = 0;
  v = strtol(s, &end, 10);
  if(errno || *end || v < 0 || v > 600000)
    return 10000;
  return (int)v;
}

int cg_store_open(cg_store **out, const char *path, int flags, cg_error *err)
{
  cg_store *db;
  int oflags = SQLITE_OPEN_EXRESCODE;
  int rc;

  *out = NULL;
  db = calloc(1, sizeof(*db));
  if(!db)
    return cg_error_set(err, CG_ENOMEM, "open database: out of memory");
  db->path = strdup(path);
  if(!db->path) {
    free(db);
    return cg_error_set(err, CG_ENOMEM, "open database: out of memory");
  }
  /* Asked for explicitly, so the read-only immutable open does not
   * depend on the library being built with SQLITE_USE_URI. */
  if(flags & CG_STORE_URI)
    oflags |= SQLITE_OPEN_URI;
  if(flags & CG_STORE_READONLY)
    oflags |= SQLITE_OPEN_READONLY;
  else
    oflags |= SQLITE_OPEN_READWRITE;
  if(flags & CG_STORE_CREATE) {
    oflags |= SQLITE_OPEN_CREATE;
    /* A new database holds webhook secrets: create it readable by this
     * user only (SQLite would make it 0644 and gives its -wal and
     * -journal files the database's mode). An empty file is a new
     * database to SQLite; an existing one is left as it is. */
    if(strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0) {
      int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if(fd >= 0)
        close(fd);
    }
  }
  rc = sqlite3_open_v2(path, &db->sq, oflags, NULL);
  if(rc != SQLITE_OK) {
    char what[300];
    int ext = db->sq ? sqlite3_extended_errcode(db->sq) : rc;
    snprintf(what, sizeof(what), "open database %s", path);
    /* The main file itself: missing, a folder, no permission or an I/O
     * error (CG_EDB, as before the I/O mapping; exit 74 either way). */
    if((ext & 0xff) == SQLITE_CANTOPEN) {
      rc = cg_error_set(err, CG_EDB,
                        "open database %s: cannot open it (no such file, "
                        "no permission, or an I/O error)",
                        path);
      if(err)
        err->lib_code = ext;
    }
    else
      rc = is_io(ext) ? io_fail(err, db->sq, ext, path)
                      : db_fail(err, db->sq, rc, what);
    cg_store_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db->sq, busy_timeout_ms());
  /* Per-connection settings only: opening must not write, so a reader
   * without write access can still verify the audit log. WAL is set once
   * (it is persistent) by cg_store_migrate. */
  rc = cg_store_exec(db,
                     "PRAGMA foreign_keys = ON;"
                     "PRAGMA trusted_schema = OFF;"
                     "PRAGMA synchronous = NORMAL;",
                     err);
  if(rc != CG_OK) {
    if(rc != CG_EIO) /* an I/O error names the file already */
      cg_error_prefix(err, "open database %s", path);
    cg_store_close(db);
    return rc;
  }
  *out = db;
  return CG_OK;
}

void cg_store_close(cg_store *db)
{
  size_t i;

  if(!db)
    return;
  for(i = 0; i < db->n_cache; i++) {
    cg_stmt_finalize(db->cache[i].stmt);
    free(db->cache[i].sql);
  }
  free(db->cache);
  sqlite3_close_v2(db->sq);
  free(db->path);
  free(db);
}

int cg_store_latest_version(void)
{
  return cg_migration_count;
}

int cg_store_user_version(cg_store *db, int *out, cg_error *err)
{
  sqlite3_stmt *st = NULL;
  int rc;

  *out = 0;
  rc = sqlite3_prepare_v2(db->sq, "PRAGMA user_version", -1, &st, NULL);
  if(rc != SQLITE_OK)
    return db_fail(err, db->sq, rc, "read schema version");
  rc = sqlite3_step(st);
  if(rc == SQLITE_ROW)
    *out = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if(rc != SQLITE_ROW)
    return db_fail(err, db->sq, rc, "read schema version");
  return CG_OK;
}

int cg_store_migrate(cg_store *db, int *applied_out, cg_error *err)
{
  int have = 0;
  int i;
  int rc;
  char sql[64];

  if(applied_out)
    *applied_out = 0;
  /* Fast path for the common case: no write lock when nothing to do. */
  rc = cg_store_user_version(db, &have, err);
  if(rc == CG_OK && have == cg_migration_count)
    return CG_OK;
  if(rc == CG_OK)
    rc = cg_store_exec(db, "PRAGMA journal_mode = WAL", err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_user_version(db, &have, err);
  if(rc != CG_OK)
    goto fail;
  if(have > cg_migration_count) {
    rc = cg_error_set(err, CG_ESCHEMA,
                      "database %s has schema version %d, newer than this "
                      "chipgate (knows up to %d): use a newer chipgate",
                      db->path, have, cg_migration_count);
    goto fail;
  }
  for(i = have; i < cg_migration_count; i++) {
    rc = cg_store_exec(db, cg_migrations[i], err);
    if(rc != CG_OK) {
      cg_error_prefix(err, "migration %s", cg_migration_names[i]);
      goto fail;
    }
  }
  /* The only SQL built with snprintf, from our own int. */
  snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", cg_migration_count);
  rc = cg_store_exec(db, sql, err);
  if(rc != CG_OK)
    goto fail;
  rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    goto fail;
  if(applied_out)
    *applied_out = cg_migration_count - have;
  return CG_OK;
fail:
  cg_store_rollback(db);
  return rc;
}

int cg_store_exec(cg_store *db, const char *sql, cg_error *err)
{
  char *msg = NULL;
  int rc = sqlite3_exec(db->sq, sql, NULL, NULL, &msg);

  if(rc != SQLITE_OK) {
    int ext = sqlite3_extended_errcode(db->sq);

    if(is_busy(ext) || is_io(ext)) {
      sqlite3_free(msg);
      return is_busy(ext) ? busy_fail(err, ext)
                          : io_fail(err, db->sq, ext, db->path);
    }
    cg_error_set(err, CG_EDB, "%s", msg ? msg : sqlite3_errstr(rc));
    if(err)
      err->lib_code = ext;
    sqlite3_free(msg);
    return CG_EDB;
  }
  return CG_OK;
}

int cg_store_begin(cg_store *db, cg_error *err)
{
  return cg_store_exec(db, "BEGIN IMMEDIATE", err);
}

int cg_store_try_begin(cg_store *db, cg_error *err)
{
  int rc;

  sqlite3_busy_timeout(db->sq, 0);
  rc = cg_store_begin(db, err);
  sqlite3_busy_timeout(db->sq, busy_timeout_ms());
  return rc;
}

int cg_store_commit(cg_store *db, cg_error *err)
{
  return cg_store_exec(db, "COMMIT", err);
}

void cg_store_rollback(cg_store *db)
{
  if(!sqlite3_get_autocommit(db->sq))
    (void)sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
}

int cg_store_in_transaction(cg_store *db)
{
  return !sqlite3_get_autocommit(db->sq);
}

static int prepare(cg_store *db, sqlite3_stmt **st, const char *sql,
                   unsigned flags, cg_error *err)
{
  int rc = sqlite3_prepare_v3(db->sq, sql, -1, flags, st, NULL);

  if(rc != SQLITE_OK)
    return db_fail(err, db->sq, rc, "prepare");
  return CG_OK;
}

int cg_store_prepare(cg_store *db, cg_stmt **out, const char *sql,
                     cg_error *err)
{
  cg_stmt *s;
  int rc;

  *out = NULL;
  s = calloc(1, sizeof(*s));
  if(!s)
    return cg_error_set(err, CG_ENOMEM, "prepare: out of memory");
  rc = prepare(db, &s->st, sql, 0, err);
  if(rc != CG_OK) {
    free(s);
    return rc;
  }
  s->db = db;
  *out = s;
  return CG_OK;
}

int cg_store_cached(cg_store *db, cg_stmt **out, const char *sql,
                    cg_error *err)
{
  size_t i;
  cache_entry *e;
  int rc;

  *out = NULL;
  for(i = 0; i < db->n_cache; i++) {
    if(strcmp(db->cache[i].sql, sql) == 0) {
      cg_stmt_reset(db->cache[i].stmt);
      *out = db->cache[i].stmt;
      return CG_OK;
    }
  }
  if(db->n_cache == db->cap_cache) {
    size_t cap = db->cap_cache ? db->cap_cache * 2 : 16;
    cache_entry *c = realloc(db->cache, cap * sizeof(*c));
    if(!c)
      return cg_error_set(err, CG_ENOMEM, "prepare: out of memory");
    db->cache = c;
    db->cap_cache = cap;
  }
  e = &db->cache[db->n_cache];
  e->sql = strdup(sql);
  e->stmt = calloc(1, sizeof(*e->stmt));
  if(!e->sql || !e->stmt) {
    free(e->sql);
    free(e->stmt);
    return cg_error_set(err, CG_ENOMEM, "prepare: out of memory");
  }
  rc = prepare(db, &e->stmt->st, sql, SQLITE_PREPARE_PERSISTENT, err);
  if(rc != CG_OK) {
    free(e->sql);
    free(e->stmt);
    return rc;
  }
  e->stmt->db = db;
  db->n_cache++;
  *out = e->stmt;
  return CG_OK;
}

int cg_store_find_id(cg_store *db, const char *sql, const char *key,
                     int64_t *id_out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, sql, err);

  *id_out = 0;
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_text(st, 1, key, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *id_out = cg_stmt_int(st, 0);
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

int64_t cg_store_last_rowid(cg_store *db)
{
  return sqlite3_last_insert_rowid(db->sq);
}

int cg_store_changes(cg_store *db)
{
  return sqlite3_changes(db->sq);
}

int cg_store_data_version(cg_store *db, int64_t *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, "PRAGMA data_version", err);

  *out = 0;
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *out = cg_stmt_int(st, 0);
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

const char *cg_store_path(cg_store *db)
{
  return db->path;
}

static int bind_check(cg_stmt *st, int rc, int idx, cg_error *err)
{
  char what[64];

  if(rc == SQLITE_OK)
    return CG_OK;
  snprintf(what, sizeof(what), "bind parameter %d", idx);
  return db_fail(err, st->db->sq, rc, what);
}

int cg_stmt_bind_text(cg_stmt *st, int idx, const char *s, cg_error *err)
{
  int rc = s ? sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT)
             : sqlite3_bind_null(st->st, idx);
  return bind_check(st, rc, idx, err);
}

int cg_stmt_bind_blob(cg_stmt *st, int idx, const void *p, size_t n,
                      cg_error *err)
{
  int rc = sqlite3_bind_blob64(st->st, idx, p, n, SQLITE_TRANSIENT);
  return bind_check(st, rc, idx, err);
}

int cg_stmt_bind_int(cg_stmt *st, int idx, int64_t v, cg_error *err)
{
  return bind_check(st, sqlite3_bind_int64(st->st, idx, v), idx, err);
}

int cg_stmt_bind_double(cg_stmt *st, int idx, double v, cg_error *err)
{
  int rc = isnan(v) ? sqlite3_bind_null(st->st, idx)
                    : sqlite3_bind_double(st->st, idx, v);
  return bind_check(st, rc, idx, err);
}

int cg_stmt_bind_null(cg_stmt *st, int idx, cg_error *err)
{
  return bind_check(st, sqlite3_bind_null(st->st, idx), idx, err);
}

int cg_stmt_bind_tristate(cg_stmt *st, int idx, int v, cg_error *err)
{
  int rc = v < 0 ? sqlite3_bind_null(st->st, idx)
                 : sqlite3_bind_int(st->st, idx, v ? 1 : 0);
  return bind_check(st, rc, idx, err);
}

int cg_stmt_step(cg_stmt *st, cg_error *err)
{
  int rc = sqlite3_step(st->st);

  if(rc == SQLITE_ROW)
    return 1;
  if(rc == SQLITE_DONE)
    return 0;
  return db_fail(err, st->db->sq, rc, "statement");
}

int cg_stmt_run(cg_stmt *st, cg_error *err)
{
  int rc = cg_stmt_step(st, err);

  sqlite3_reset(st->st);
  sqlite3_clear_bindings(st->st);
  if(rc == 1)
    return CG_OK; /* a RETURNING row we do not need */
  return rc;
}

void cg_stmt_reset(cg_stmt *st)
{
  sqlite3_reset(st->st);
  sqlite3_clear_bindings(st->st);
}

void cg_stmt_finalize(cg_stmt *st)
{
  if(!st)
    return;
  sqlite3_finalize(st->st);
  free(st);
}

int cg_stmt_is_null(cg_stmt *st, int col)
{
  return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

const char *cg_stmt_text(cg_stmt *st, int col)
{
  return (const char *)sqlite3_column_text(st->st, col);
}

int cg_store_blob_read(cg_store *db, const char *table, const char *column,
                       int64_t rowid, void **out, size_t *n_out, cg_error *err)
{
  sqlite3_blob *b = NULL;
  void *buf;
  int n, rc;

  *out = NULL;
  *n_out = 0;
  rc = sqlite3_blob_open(db->sq, "main", table, column, rowid, 0, &b);
  if(rc != SQLITE_OK) {
    sqlite3_blob_close(b);
    return db_fail(err, db->sq, rc, "blob open");
  }
  n = sqlite3_blob_bytes(b);
  buf = malloc(n > 0 ? (size_t)n : 1);
  if(!buf) {
    sqlite3_blob_close(b);
    return cg_error_set(err, CG_ENOMEM, "database: out of memory");
  }
  rc = sqlite3_blob_read(b, buf, n, 0);
  sqlite3_blob_close(b);
  if(rc != SQLITE_OK) {
    free(buf);
    return db_fail(err, db->sq, rc, "blob read");
  }
  *out = buf;
  *n_out = (size_t)n;
  return CG_OK;
}

const void *cg_stmt_blob(cg_stmt *st, int col, size_t *n_out)
{
  const void *p = sqlite3_column_blob(st->st, col);
  *n_out = (size_t)sqlite3_column_bytes(st->st, col);
  return p;
}

int64_t cg_stmt_int(cg_stmt *st, int col)
{
  return sqlite3_column_int64(st->st, col);
}

double cg_stmt_double(cg_stmt *st, int col)
{
  if(sqlite3_column_type(st->st, col) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double(st->st, col);
}

int cg_stmt_tristate(cg_stmt *st, int col)
{
  if(sqlite3_column_type(st->st, col) == SQLITE_NULL)
    return -1;
  return sqlite3_column_int(st->st, col) ? 1 : 0;
}

char *cg_stmt_strdup(cg_stmt *st, int col)
{
  const char *s = cg_stmt_text(st, col);
  return s ? strdup(s) : NULL;
}
