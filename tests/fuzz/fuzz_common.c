/* fuzz_common.c -- fixtures shared by the fuzz targets (fuzz_common.h). */
#include "fuzz_common.h"

#include "model/chip.h"
#include "model/customer.h"
#include "model/license.h"
#include "model/seed.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef CG_SOURCE_DIR
#define CG_SOURCE_DIR "."
#endif

static char tmp_dir[512];

const char *fz_source_dir(void)
{
  const char *s = getenv("CG_SOURCE_DIR");

  return s && *s ? s : CG_SOURCE_DIR;
}

static void die(const char *what, const char *detail)
{
  fprintf(stderr, "fuzz fixture: %s: %s\n", what, detail ? detail : "");
  abort();
}

/* Removes the folder's files (it holds no sub-folders) and the folder. */
static void remove_dir(void)
{
  DIR *d;
  struct dirent *e;
  char p[1024];

  if(!tmp_dir[0] || !(d = opendir(tmp_dir)))
    return;
  while((e = readdir(d)) != NULL) {
    if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(p, sizeof(p), "%s/%s", tmp_dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(tmp_dir);
}

const char *fz_dir(void)
{
  struct stat sb;
  const char *base = "/dev/shm";

  if(tmp_dir[0])
    return tmp_dir;
  if(stat(base, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(base, W_OK) != 0) {
    base = getenv("TMPDIR");
    if(!base || !*base)
      base = "/tmp";
  }
  snprintf(tmp_dir, sizeof(tmp_dir), "%s/cgfuzz-XXXXXX", base);
  if(!mkdtemp(tmp_dir))
    die("mkdtemp", strerror(errno));
  atexit(remove_dir);
  return tmp_dir;
}

const char *fz_write(const char *name, const void *data, size_t n)
{
  static char paths[8][600];
  static unsigned slot;
  char *p = paths[slot++ % 8];
  FILE *f;

  snprintf(p, 600, "%s/%s", fz_dir(), name);
  f = fopen(p, "wb");
  if(!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0)
    die("write", p);
  return p;
}

static void unlink_db(const char *path)
{
  char p[700];

  unlink(path);
  snprintf(p, sizeof(p), "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof(p), "%s-shm", path);
  unlink(p);
}

static cg_store *open_db(const char *path)
{
  cg_store *db = NULL;
  cg_error err = { 0 };

  if(cg_store_open(&db, path, CG_STORE_CREATE, &err) != CG_OK ||
     cg_store_migrate(db, NULL, &err) != CG_OK)
    die("open database", err.msg);
  return db;
}

/* Fills a template database up to level (the same steps as `chipgate
 * demo`, without parties or orders). */
static void fill(cg_store *db, int level)
{
  static const char *const chips[] = { "chip_attributes.csv",
                                       "chip_die_estimates.csv",
                                       "chip_hbm_stacks.csv",
                                       "chip_systems.csv" };
  cg_error err = { 0 };
  char seed[600], p[700];
  size_t n, k;

  if(level < FZ_DB_SEED)
    return;
  snprintf(seed, sizeof(seed), "%s/db/seed", fz_source_dir());
  if(cg_seed_load(db, seed, &err) != CG_OK)
    die("seed", err.msg);
  if(level < FZ_DB_DEMO)
    return;
  snprintf(p, sizeof(p), "%s/epoch_ml_hardware.csv", seed);
  if(cg_chip_import(db, p, CG_CHIP_FORMAT_EPOCH, &n, &err) != CG_OK)
    die("chips", err.msg);
  for(k = 0; k < sizeof(chips) / sizeof(chips[0]); k++) {
    snprintf(p, sizeof(p), "%s/%s", seed, chips[k]);
    if(cg_chip_import(db, p, CG_CHIP_FORMAT_CSV, &n, &err) != CG_OK)
      die("chips", err.msg);
  }
  snprintf(p, sizeof(p), "%s/demo_customers.csv", seed);
  if(cg_customer_import(db, p, &n, &err) != CG_OK)
    die("customers", err.msg);
  snprintf(p, sizeof(p), "%s/demo_licenses.csv", seed);
  if(cg_license_import(db, p, &n, &err) != CG_OK)
    die("licenses", err.msg);
}

/* The template's bytes, read back after closing (WAL checkpointed). */
static unsigned char *tpl[FZ_DB_COUNT];
static size_t tpl_len[FZ_DB_COUNT];

static void build_template(int level)
{
  char path[600];
  cg_store *db;
  FILE *f;
  long n = 0;

  snprintf(path, sizeof(path), "%s/template-%d.db", fz_dir(), level);
  unlink_db(path);
  db = open_db(path);
  fill(db, level);
  cg_store_close(db);
  f = fopen(path, "rb");
  if(!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
     fseek(f, 0, SEEK_SET) != 0)
    die("read template", path);
  tpl[level] = malloc((size_t)n);
  if(!tpl[level] || fread(tpl[level], 1, (size_t)n, f) != (size_t)n)
    die("read template", path);
  tpl_len[level] = (size_t)n;
  fclose(f);
  unlink_db(path);
}

cg_store *fz_db(int level)
{
  char path[600];

  if(level < 0 || level >= FZ_DB_COUNT)
    die("fz_db", "bad level");
  if(!tpl[level])
    build_template(level);
  snprintf(path, sizeof(path), "%s/work.db", fz_dir());
  unlink_db(path);
  fz_write("work.db", tpl[level], tpl_len[level]);
  return open_db(path);
}

size_t fz_split(const uint8_t *data, size_t size, const char *sep,
                const uint8_t **part, size_t *len, size_t max)
{
  size_t seplen = strlen(sep), n = 0, start = 0, i = 0;

  while(n + 1 < max && i + seplen <= size) {
    if(memcmp(data + i, sep, seplen) == 0) {
      part[n] = data + start;
      len[n++] = i - start;
      i += seplen;
      start = i;
    }
    else
      i++;
  }
  part[n] = data + start;
  len[n++] = size - start;
  return n;
}

/* ---- the loopback server ------------------------------------------------ */

static pthread_mutex_t srv_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *srv_data;
static size_t srv_len;
static int srv_fd = -1, srv_port;

void fz_serve_set(const void *data, size_t n)
{
  pthread_mutex_lock(&srv_mu);
  free(srv_data);
  srv_data = malloc(n ? n : 1);
  if(!srv_data)
    die("serve", "out of memory");
  if(n)
    memcpy(srv_data, data, n);
  srv_len = n;
  pthread_mutex_unlock(&srv_mu);
}

/* Reads the request up to the blank line that ends its headers. */
static void read_request(int c)
{
  char buf[4096];
  size_t have = 0;
  ssize_t r;

  while(have < sizeof(buf) - 1 &&
        (r = recv(c, buf + have, sizeof(buf) - 1 - have, 0)) > 0) {
    have += (size_t)r;
    buf[have] = 0;
    if(strstr(buf, "\r\n\r\n"))
      return;
  }
}

/* One connection: request in, the whole response out, then the write
 * side closed and the socket drained until the client closes (closing
 * with unread bytes would reset the connection and lose the response). */
static void answer(int c)
{
  struct timeval tv = { 5, 0 };
  char sink[4096];
  size_t off = 0;
  ssize_t w;

  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  read_request(c);
  pthread_mutex_lock(&srv_mu);
  while(off < srv_len &&
        (w = send(c, srv_data + off, srv_len - off, MSG_NOSIGNAL)) > 0)
    off += (size_t)w;
  pthread_mutex_unlock(&srv_mu);
  shutdown(c, SHUT_WR);
  while(recv(c, sink, sizeof(sink), 0) > 0)
    ;
  close(c);
}

static void *serve(void *arg)
{
  (void)arg;
  for(;;) {
    int c = accept(srv_fd, NULL, NULL);

    if(c < 0) {
      if(errno == EINTR)
        continue;
      die("accept", strerror(errno));
    }
    answer(c);
  }
  return NULL;
}

int fz_serve_start(void)
{
  struct sockaddr_in a;
  socklen_t alen = sizeof(a);
  pthread_t t;
  int one = 1;

  if(srv_fd >= 0)
    return srv_port;
  srv_fd = socket(AF_INET, SOCK_STREAM, 0);
  if(srv_fd < 0)
    die("socket", strerror(errno));
  setsockopt(srv_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if(bind(srv_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
     listen(srv_fd, 16) != 0 ||
     getsockname(srv_fd, (struct sockaddr *)&a, &alen) != 0)
    die("listen", strerror(errno));
  srv_port = ntohs(a.sin_port);
  if(pthread_create(&t, NULL, serve, NULL) != 0)
    die("pthread_create", "");
  pthread_detach(t);
  return srv_port;
}

void fz_note(const char *target, int rc, const char *msg)
{
  if(getenv("CG_FUZZ_VERBOSE"))
    fprintf(stderr, "%s: rc=%d %s\n", target, rc, rc ? msg : "");
}

/* ---- database state --------------------------------------------------- */

/* "SELECT (SELECT count(*) FROM "t1") || ',' || ..." over every table. */
static char *counts_sql(cg_store *db)
{
  cg_stmt *st = NULL;
  cg_error err = { 0 };
  char *sql = NULL;
  size_t cap = 0, len = 0;
  int rc;

  if(cg_store_prepare(db, &st,
                      "SELECT name FROM sqlite_master WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                      &err) != CG_OK)
    die("tables", err.msg);
  while((rc = cg_stmt_step(st, &err)) == 1) {
    const char *t = cg_stmt_text(st, 0);
    size_t need = len + strlen(t) + 64;

    if(need > cap) {
      cap = need * 2;
      sql = realloc(sql, cap);
      if(!sql)
        die("tables", "out of memory");
    }
    len += (size_t)snprintf(sql + len, cap - len,
                            "%s(SELECT count(*) FROM \"%s\")",
                            len ? " || ',' || " : "SELECT ", t);
  }
  cg_stmt_finalize(st);
  if(rc < 0 || !sql)
    die("tables", err.msg);
  return sql;
}

char *fz_db_counts(cg_store *db)
{
  static char *sql;
  cg_stmt *st = NULL;
  cg_error err = { 0 };
  char *out;

  if(!sql)
    sql = counts_sql(db);
  if(cg_store_prepare(db, &st, sql, &err) != CG_OK ||
     cg_stmt_step(st, &err) != 1)
    die("counts", err.msg);
  out = cg_stmt_strdup(st, 0);
  cg_stmt_finalize(st);
  if(!out)
    die("counts", "out of memory");
  return out;
}

void fz_check_unchanged(cg_store *db, const char *target, int rc,
                        const char *msg, char *before)
{
  char *after;

  fz_note(target, rc, msg);
  if(rc != CG_OK) {
    /* All or nothing: a refused input leaves every table as it was, and
     * says why. */
    after = fz_db_counts(db);
    if(strcmp(before, after) != 0 || !msg[0]) {
      fprintf(stderr, "rc=%d msg=%s\nbefore %s\nafter  %s\n", rc, msg, before,
              after);
      abort();
    }
    free(after);
  }
  free(before);
}
