/* sweep.h -- the I/O fault sweep's machinery, for tests/check_faults*.c:
 * running chipgate-faulty with a fault, a digest of a database's state,
 * and the checks every faulted run must pass. Header-only (static) so it
 * needs no change to the shared cgtest library.
 *
 * The state digest: every table's rows, sorted, SHA-256 per table, with
 * the values that differ between two equal runs left out on purpose:
 * wall-clock times (every column named *_at or at, duration_ms), random
 * event ids (outbox.msg_id), and what is derived from the clock (the
 * audit chain's hash and prev_hash, which hash decided_at; the
 * decided_at/at members of decisions.doc; the audit head, audit hash and
 * decided_at/fetched_at members of outbox.data). A time column is kept as "is
 * it NULL", so an unfinished batch (finished_at NULL) still differs from a
 * finished one. The chain's integrity is checked by audit verify. */
#ifndef CG_TEST_FAULT_SWEEP_H
#define CG_TEST_FAULT_SWEEP_H

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../helpers.h"
#include "core/crypto.h"
#include "decide/audit.h"

/* The kinds of tests/fault/faultvfs.c, in its CG_FAULT_COUNT order. */
enum {
  F_READ,
  F_WRITE,
  F_SYNC,
  F_LOCK,
  F_TRUNCATE,
  F_SHMLOCK,
  F_SHMMAP,
  F_OPEN,
  F_FILEWRITE,
  F_COMMIT,
  F_NKINDS
};
static const char *const f_kind_names[F_NKINDS] = {
  "read",    "write",  "sync", "lock",      "truncate",
  "shmlock", "shmmap", "open", "filewrite", "commit"
};

typedef struct f_counts {
  long n[F_NKINDS]; /* calls of each kind */
  int fired;        /* the fault was hit */
} f_counts;

/* The rule pack the runs use (NULL: the shipped rules/). */
static const char *f_rules;

static void f_read_counts(const char *path, f_counts *c)
{
  FILE *f = fopen(path, "r");
  char name[32], what[32];
  long n;
  int k;

  memset(c, 0, sizeof(*c));
  if(!f)
    return;
  while(fscanf(f, "%31s %31s", name, what) == 2) {
    if(strcmp(name, "fired") == 0) {
      c->fired = strcmp(what, "none") != 0;
      if(c->fired && fscanf(f, "%ld", &n) != 1)
        break;
      continue;
    }
    n = atol(what);
    for(k = 0; k < F_NKINDS; k++)
      if(strcmp(name, f_kind_names[k]) == 0)
        c->n[k] = n;
  }
  fclose(f);
}

/* Runs chipgate-faulty argv (NULL-terminated, without argv[0]) on db with
 * CG_FAULT=fault (NULL: none); counts into *c (may be NULL), stderr into
 * *errout (malloc'ed, may be NULL). Returns the exit status, or 128 + the
 * signal that ended it. */
static int f_run(const char *db, const char *fault, f_counts *c, char **errout,
                 const char *const *argv)
{
  char cnt[600], rules[700], count_env[700], fault_env[200];
  const char *env[5] = { "CHIPGATE_BUSY_TIMEOUT_MS=300", count_env, NULL };
  char *err = NULL;
  int st, n = 2;

  /* Not t_src() here: argv may point into its buffer. Without f_rules
   * the child gets the tree's rules/ (t_spawn's default). */
  snprintf(cnt, sizeof(cnt), "%s/.faultcount", t_tmpdir());
  unlink(cnt);
  snprintf(count_env, sizeof(count_env), "CG_FAULT_COUNT=%s", cnt);
  if(f_rules) {
    snprintf(rules, sizeof(rules), "CHIPGATE_RULES=%s", f_rules);
    env[n++] = rules;
  }
  if(fault) {
    snprintf(fault_env, sizeof(fault_env), "CG_FAULT=%s", fault);
    env[n++] = fault_env;
  }
  st = t_run_env(CG_FAULTY_BINARY, db, env, NULL, errout ? &err : NULL, argv);
  if(c)
    f_read_counts(cnt, c);
  if(errout) {
    /* Enough for chipgate's line or a sanitizer's report to be seen,
     * short enough for Check's 4 KB failure messages. */
    if(err && strlen(err) > 1599)
      err[1599] = '\0';
    *errout = err;
  }
  return st;
}

/* The expression a column is digested as (see the top of this file). */
static void f_col_expr(const char *table, const char *col, char *buf,
                       size_t size)
{
  size_t n = strlen(col);
  int is_time =
      (n > 3 && strcmp(col + n - 3, "_at") == 0) || strcmp(col, "at") == 0;

  if(is_time)
    snprintf(buf, size, "(\"%s\" IS NULL)", col);
  else if(strcmp(col, "duration_ms") == 0 ||
          (strcmp(table, "outbox") == 0 && strcmp(col, "msg_id") == 0) ||
          (strcmp(table, "decisions") == 0 &&
           (strcmp(col, "hash") == 0 || strcmp(col, "prev_hash") == 0)))
    snprintf(buf, size, "0");
  else if(strcmp(table, "decisions") == 0 && strcmp(col, "doc") == 0)
    snprintf(buf, size, "json_remove(doc, '$.decided_at', '$.at')");
  else if(strcmp(table, "outbox") == 0 && strcmp(col, "data") == 0)
    snprintf(buf, size,
             "json_remove(data, '$.audit_head', '$.audit_hash', "
             "'$.decided_at', '$.fetched_at')");
  else
    snprintf(buf, size, "quote(\"%s\")", col);
}

/* "SELECT e1 || '|' || e2 ... FROM table ORDER BY 1" for one table. */
static char *f_table_sql(sqlite3 *sq, const char *table)
{
  char *sql = sqlite3_mprintf("SELECT ''"), *q, expr[200];
  sqlite3_stmt *st = NULL;

  q = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) ORDER BY cid",
                      table);
  ck_assert_int_eq(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK);
  sqlite3_free(q);
  while(sqlite3_step(st) == SQLITE_ROW) {
    f_col_expr(table, (const char *)sqlite3_column_text(st, 0), expr,
               sizeof(expr));
    q = sqlite3_mprintf("%z || '|' || coalesce(%s, 'NULL')", sql, expr);
    sql = q;
  }
  sqlite3_finalize(st);
  return sqlite3_mprintf("%z FROM \"%w\" ORDER BY 1", sql, table);
}

/* Per table "name sha256\n" of its digested rows, in name order;
 * malloc'ed. Also checks PRAGMA integrity_check is ok. */
static char *f_digest(const char *path)
{
  sqlite3 *sq = NULL;
  sqlite3_stmt *tabs = NULL, *st = NULL;
  size_t cap = 8192, len = 0;
  char *out = malloc(cap), hex[CG_SHA256_HEX];
  cg_error err = { 0 };

  ck_assert_int_eq(sqlite3_open_v2(path, &sq, SQLITE_OPEN_READWRITE, NULL),
                   SQLITE_OK);
  ck_assert_int_eq(
      sqlite3_prepare_v2(sq, "PRAGMA integrity_check", -1, &st, NULL),
      SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  ck_assert_msg(strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0,
                "integrity_check of %s: %s", path, sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  ck_assert_int_eq(sqlite3_prepare_v2(sq,
                                      "SELECT name FROM sqlite_schema WHERE "
                                      "type = 'table' ORDER BY name",
                                      -1, &tabs, NULL),
                   SQLITE_OK);
  out[0] = '\0';
  while(sqlite3_step(tabs) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(tabs, 0);
    char *sql = f_table_sql(sq, t);
    cg_sha256 *h = NULL;

    ck_assert_int_eq(cg_sha256_new(&h, &err), CG_OK);
    ck_assert_msg(sqlite3_prepare_v2(sq, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(sq));
    while(sqlite3_step(st) == SQLITE_ROW)
      cg_sha256_update(h, sqlite3_column_text(st, 0),
                       (size_t)sqlite3_column_bytes(st, 0) + 1, &err);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    cg_sha256_final_hex(h, hex, &err);
    cg_sha256_free(h);
    if(len + strlen(t) + CG_SHA256_HEX + 4 > cap)
      out = realloc(out, cap *= 2);
    len += (size_t)sprintf(out + len, "%s %.12s\n", t, hex);
  }
  sqlite3_finalize(tabs);
  sqlite3_close(sq);
  return out;
}

/* The first line where two digests differ, for failure messages. */
static const char *f_diff(const char *a, const char *b)
{
  static char line[128];
  size_t i = 0, start = 0;

  while(a[i] && a[i] == b[i]) {
    if(a[i] == '\n')
      start = i + 1;
    i++;
  }
  snprintf(line, sizeof(line), "%.*s", (int)strcspn(a + start, "\n"),
           a + start);
  return line;
}

/* audit verify passes (the library's own verifier, in process). */
static void f_verify(const char *path, const char *what)
{
  cg_store *db = NULL;
  cg_error err = { 0 };
  int64_t rows = 0, bad = 0;
  int rc = cg_store_open(&db, path, 0, &err);

  if(rc == CG_OK)
    rc = cg_audit_verify(db, &rows, &bad, &err);
  cg_store_close(db);
  ck_assert_msg(rc == CG_OK && bad == 0, "%s: audit verify: %s", what,
                err.msg);
}

/* Copies the database file from over to (and removes to's -wal and
 * -shm): in process, as it runs before every faulted run. */
static void f_copy(const char *from, const char *to)
{
  char side[600], buf[65536];
  int in, out;
  ssize_t n;

  snprintf(side, sizeof(side), "%s-wal", to);
  unlink(side);
  snprintf(side, sizeof(side), "%s-shm", to);
  unlink(side);
  in = open(from, O_RDONLY);
  ck_assert_msg(in >= 0, "open %s", from);
  out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_msg(out >= 0, "create %s", to);
  while((n = read(in, buf, sizeof(buf))) > 0)
    ck_assert_int_eq(write(out, buf, (size_t)n), n);
  ck_assert_int_eq(n, 0);
  close(in);
  ck_assert_int_eq(close(out), 0);
}

/* Removes a folder of plain files (a report folder) if it exists. */
static void f_rm_dir(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[1200];

  if(!d)
    return;
  while((e = readdir(d)) != NULL) {
    if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    ck_assert_msg(unlink(path) == 0, "unlink %s", path);
  }
  closedir(d);
  ck_assert_msg(rmdir(dir) == 0, "rmdir %s", dir);
}

/* The N values swept for a kind with `total` calls: all of them when
 * there are at most max, else max points spread evenly from the first to
 * the last (deterministic: the same run sweeps the same points). */
static int f_points(long total, int max, long *out)
{
  int k, n = 0;

  if(total <= max) {
    for(k = 0; k < total; k++)
      out[n++] = k + 1;
    return n;
  }
  if(max == 1 && total > 0) {
    out[0] = (total + 1) / 2; /* the middle one */
    return 1;
  }
  for(k = 0; k < max; k++) {
    long v = 1 + (long)((double)k * (double)(total - 1) / (max - 1));
    if(n == 0 || v != out[n - 1])
      out[n++] = v;
  }
  return n;
}

/* Files in dir (0 if it does not exist); *tmp_out counts names that look
 * like a temporary file (.tmp anywhere in the name). */
static int f_dir_files(const char *dir, int *tmp_out)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;

  *tmp_out = 0;
  if(!d)
    return 0;
  while((e = readdir(d)) != NULL) {
    if(e->d_name[0] == '.' && (!e->d_name[1] || e->d_name[1] == '.'))
      continue;
    n++;
    if(strstr(e->d_name, ".tmp"))
      (*tmp_out)++;
  }
  closedir(d);
  return n;
}

/* Every report in dir is whole: an HTML report ends its document, a
 * JSON one its top-level value, every one is non-empty. A report cut
 * short by a failed write must never carry the final name. */
static void f_reports_whole(const char *dir, const char *what)
{
  static const char *const names[][2] = { { "report.html", "</html>" },
                                          { "report.json", "}" },
                                          { "report.md", "" },
                                          { "report.csv", "" } };
  char path[600], tail[64];
  size_t k, n;

  for(k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    FILE *f;
    long size;
    snprintf(path, sizeof(path), "%s/%s", dir, names[k][0]);
    f = fopen(path, "rb");
    if(!f)
      continue;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, size > 40 ? size - 40 : 0, SEEK_SET);
    n = fread(tail, 1, sizeof(tail) - 1, f);
    fclose(f);
    tail[n] = '\0';
    while(n && (tail[n - 1] == '\n' || tail[n - 1] == ' '))
      tail[--n] = '\0';
    ck_assert_msg(size > 0 && strstr(tail, names[k][1]) != NULL,
                  "%s: %s is cut short (%ld bytes, ends \"%s\")", what, path,
                  size, tail);
  }
}

#endif
