/* faultvfs.c -- a test-only SQLite VFS that counts and fails I/O, linked
 * into the chipgate-faulty binary only (never into chipgate).
 *
 * A shim over the default VFS, registered as the new default by a
 * constructor before main runs. It counts, over every file of the process
 * (database, WAL, -shm, journals, temp files), each call of the kinds
 * below, and per CG_FAULT fails or crashes at one of them:
 *
 *   CG_FAULT=KIND:N            the Nth KIND call fails once with
 *                              SQLITE_IOERR_<KIND> (open: SQLITE_CANTOPEN)
 *   CG_FAULT=KIND:N:full       ... with SQLITE_FULL (a full disk)
 *   CG_FAULT=KIND:N:persist    the Nth and every later KIND call fail
 *                              (modifiers combine: KIND:N:full:persist)
 *   CG_FAULT=kill:KIND:N       SIGKILL just before the Nth KIND call
 *
 *   KIND: read write sync lock truncate shmlock shmmap open, and
 *   filewrite: a write of a stream chipgate opens with fdopen(fd, "w...")
 *   (the report files), failing with EIO (ENOSPC with full); a
 *   write is one flush of the stream's buffer, so a file of many
 *   kilobytes takes several; and
 *   commit: the write of a WAL frame that commits a transaction (also
 *   counted as a write): commit:2 fails the second transaction's commit,
 *   kill:commit:2 dies just before it.
 *
 * CG_FAULT_COUNT=FILE writes the counts at exit, one "KIND COUNT" line per
 * kind, then "fired KIND N" (or "fired none"): a sweep runs once to learn
 * how many calls a successful run makes, and knows whether its fault hit.
 * A bad CG_FAULT is reported on stderr and the process exits 70 before
 * main, so a typo cannot pass for "the fault did no harm".
 *
 * The format is a contract with the sweep (tests/check_faults*.c) and the
 * crash tests: add kinds and modifiers, do not change these. */
#define _GNU_SOURCE /* fopencookie, RTLD_NEXT */
#include <sqlite3.h>

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
  K_READ,
  K_WRITE,
  K_SYNC,
  K_LOCK,
  K_TRUNCATE,
  K_SHMLOCK,
  K_SHMMAP,
  K_OPEN,
  K_FILEWRITE,
  K_COMMIT,
  K_N
};

static const char *const kind_names[K_N] = { "read",   "write",    "sync",
                                             "lock",   "truncate", "shmlock",
                                             "shmmap", "open",     "filewrite",
                                             "commit" };

/* The error each kind fails with (a real I/O error of that call). */
static const int kind_errors[K_N] = {
  SQLITE_IOERR_READ,   SQLITE_IOERR_WRITE,    SQLITE_IOERR_FSYNC,
  SQLITE_IOERR_LOCK,   SQLITE_IOERR_TRUNCATE, SQLITE_IOERR_SHMLOCK,
  SQLITE_IOERR_SHMMAP, SQLITE_CANTOPEN,       SQLITE_IOERR_WRITE,
  SQLITE_IOERR_WRITE
};

/* Process-wide state: this is a single-threaded test binary. */
static long counts[K_N];
static int fault_kind = -1; /* the kind to hit, -1 none */
static long fault_at;       /* 1-based call number */
static int fault_full;      /* SQLITE_FULL instead of the IOERR */
static int fault_persist;   /* every call from fault_at on fails */
static int fault_kill;      /* SIGKILL instead of an error */
static int fired;           /* the fault was hit */
static const char *count_file;
static sqlite3_vfs *base; /* the default VFS underneath */

/* Counts one call of kind k; returns the error to fail it with, or
 * SQLITE_OK to let it through. May not return (kill). */
static int hit(int k)
{
  long n = ++counts[k];

  if(k != fault_kind)
    return SQLITE_OK;
  if(n != fault_at && !(fault_persist && n > fault_at))
    return SQLITE_OK;
  fired = 1;
  if(fault_kill) {
    fflush(NULL);
    raise(SIGKILL);
  }
  return fault_full ? SQLITE_FULL : kind_errors[k];
}

typedef struct shim_file {
  sqlite3_file base;  /* pMethods = our methods */
  sqlite3_file *real; /* the default VFS's file, right after this struct */
  int wal;            /* it is a -wal file */
} shim_file;

#define REAL(f) (((shim_file *)(f))->real)

static int x_close(sqlite3_file *f)
{
  int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : 0;
  f->pMethods = NULL;
  return rc;
}

static int x_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
  int rc = hit(K_READ);
  return rc ? rc : REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}

/* A WAL frame header (24 bytes after the 32-byte WAL header) whose
 * "database size after commit" (bytes 4..7) is set ends a transaction:
 * writing it is the commit. */
static int is_commit(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
  const unsigned char *b = p;

  return ((shim_file *)f)->wal && n == 24 && off >= 32 &&
         (b[4] | b[5] | b[6] | b[7]) != 0;
}

static int x_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
  int rc = hit(K_WRITE);

  if(!rc && is_commit(f, p, n, off))
    rc = hit(K_COMMIT);
  return rc ? rc : REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}

static int x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  int rc = hit(K_TRUNCATE);
  return rc ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int x_sync(sqlite3_file *f, int flags)
{
  int rc = hit(K_SYNC);
  return rc ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int x_size(sqlite3_file *f, sqlite3_int64 *size)
{
  return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int x_lock(sqlite3_file *f, int level)
{
  int rc = hit(K_LOCK);
  return rc ? rc : REAL(f)->pMethods->xLock(REAL(f), level);
}

static int x_unlock(sqlite3_file *f, int level)
{
  return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int x_check_lock(sqlite3_file *f, int *out)
{
  return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int x_control(sqlite3_file *f, int op, void *arg)
{
  int rc = REAL(f)->pMethods->xFileControl(REAL(f), op, arg);

  /* The VFS name SQLite reports (PRAGMA vfs_list, errors) says "fault/". */
  if(rc == SQLITE_OK && op == SQLITE_FCNTL_VFSNAME && arg) {
    char **name = arg;
    char *s = sqlite3_mprintf("fault/%z", *name);
    *name = s;
  }
  return rc;
}

static int x_sector(sqlite3_file *f)
{
  return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int x_devchar(sqlite3_file *f)
{
  return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int x_shm_map(sqlite3_file *f, int pg, int sz, int extend,
                     void volatile **pp)
{
  int rc = hit(K_SHMMAP);
  return rc ? rc : REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}

static int x_shm_lock(sqlite3_file *f, int ofs, int n, int flags)
{
  /* Unlocking cannot be refused (SQLite ignores its result). */
  int rc = (flags & SQLITE_SHM_UNLOCK) ? SQLITE_OK : hit(K_SHMLOCK);
  return rc ? rc : REAL(f)->pMethods->xShmLock(REAL(f), ofs, n, flags);
}

static void x_shm_barrier(sqlite3_file *f)
{
  REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int x_shm_unmap(sqlite3_file *f, int del)
{
  return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int x_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
  /* A memory-mapped page is a read that xRead never sees: refuse the
   * mapping so that every read is counted (SQLite then reads). */
  (void)f;
  (void)off;
  (void)n;
  *pp = NULL;
  return SQLITE_OK;
}

static int x_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
  (void)f;
  (void)off;
  (void)p;
  return SQLITE_OK;
}

/* Version 3 methods for files whose real methods have them (the unix
 * VFS's main files); version 1 ones otherwise. */
static const sqlite3_io_methods methods3 = {
  3,         x_close,   x_read,     x_write,       x_truncate,  x_sync,
  x_size,    x_lock,    x_unlock,   x_check_lock,  x_control,   x_sector,
  x_devchar, x_shm_map, x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch,
  x_unfetch
};
static const sqlite3_io_methods methods1 = {
  1,      x_close,  x_read,       x_write,   x_truncate, x_sync,    x_size,
  x_lock, x_unlock, x_check_lock, x_control, x_sector,   x_devchar, NULL,
  NULL,   NULL,     NULL,         NULL,      NULL
};

static int x_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                  int flags, int *out_flags)
{
  shim_file *s = (shim_file *)f;
  int rc = hit(K_OPEN);

  (void)vfs;
  f->pMethods = NULL;
  if(rc)
    return rc;
  s->real = (sqlite3_file *)(s + 1);
  s->wal = (flags & SQLITE_OPEN_WAL) != 0;
  rc = base->xOpen(base, name, s->real, flags, out_flags);
  if(s->real->pMethods)
    f->pMethods = s->real->pMethods->iVersion >= 3 ? &methods3 : &methods1;
  return rc;
}

static int x_delete(sqlite3_vfs *v, const char *name, int sync)
{
  (void)v;
  return base->xDelete(base, name, sync);
}

static int x_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
  (void)v;
  return base->xAccess(base, name, flags, out);
}

static int x_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
  (void)v;
  return base->xFullPathname(base, name, n, out);
}

static void *x_dlopen(sqlite3_vfs *v, const char *name)
{
  (void)v;
  return base->xDlOpen(base, name);
}

static void x_dlerror(sqlite3_vfs *v, int n, char *out)
{
  (void)v;
  base->xDlError(base, n, out);
}

static void (*x_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
  (void)v;
  return base->xDlSym(base, h, sym);
}

static void x_dlclose(sqlite3_vfs *v, void *h)
{
  (void)v;
  base->xDlClose(base, h);
}

static int x_random(sqlite3_vfs *v, int n, char *out)
{
  (void)v;
  return base->xRandomness(base, n, out);
}

static int x_sleep(sqlite3_vfs *v, int us)
{
  (void)v;
  return base->xSleep(base, us);
}

static int x_time(sqlite3_vfs *v, double *out)
{
  (void)v;
  return base->xCurrentTime(base, out);
}

static int x_last_error(sqlite3_vfs *v, int n, char *out)
{
  (void)v;
  return base->xGetLastError ? base->xGetLastError(base, n, out) : 0;
}

static int x_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
  (void)v;
  return base->xCurrentTimeInt64(base, out);
}

static sqlite3_vfs fault_vfs = {
  2,        0,         0,        NULL,       "fault",  NULL,
  x_open,   x_delete,  x_access, x_fullpath, x_dlopen, x_dlerror,
  x_dlsym,  x_dlclose, x_random, x_sleep,    x_time,   x_last_error,
  x_time64, NULL,      NULL,     NULL
};

/* ===== report files: fdopen streams ===================================== */

static ssize_t cookie_write(void *c, const char *p, size_t n)
{
  int fd = *(int *)c;
  size_t done = 0;

  /* Like a real file's failed write(2) inside stdio: errno set, 0 bytes
   * taken (glibc's own file streams report a failure so; a -1 from a
   * cookie corrupts the stream's buffer accounting instead). */
  if(hit(K_FILEWRITE)) {
    errno = fault_full ? ENOSPC : EIO;
    return 0;
  }
  while(done < n) {
    ssize_t k = write(fd, p + done, n - done);
    if(k < 0 && errno == EINTR)
      continue;
    if(k < 0)
      return (ssize_t)done;
    done += (size_t)k;
  }
  return (ssize_t)done;
}

static int cookie_close(void *c)
{
  int fd = *(int *)c;

  free(c);
  return close(fd);
}

/* Replaces libc's fdopen for chipgate's own code (linked statically into
 * this binary): a stream opened for writing goes through cookie_write,
 * where the filewrite fault can hit. Reading streams are libc's. */
FILE *fdopen(int fd, const char *mode)
{
  static FILE *(*real)(int, const char *);
  cookie_io_functions_t io = { NULL, cookie_write, NULL, cookie_close };
  int *c;
  FILE *f;

  if(!real)
    *(void **)&real = dlsym(RTLD_NEXT, "fdopen");
  if(mode[0] != 'w' && mode[0] != 'a')
    return real(fd, mode);
  c = malloc(sizeof(*c));
  if(!c)
    return NULL;
  *c = fd;
  f = fopencookie(c, mode, io);
  if(!f)
    free(c);
  return f;
}

static void write_counts(void)
{
  FILE *f;
  int k;

  if(!count_file)
    return;
  f = fopen(count_file, "w");
  if(!f)
    return;
  for(k = 0; k < K_N; k++)
    fprintf(f, "%s %ld\n", kind_names[k], counts[k]);
  if(fired)
    fprintf(f, "fired %s %ld\n", kind_names[fault_kind], fault_at);
  else
    fprintf(f, "fired none\n");
  fclose(f);
}

static int kind_of(const char *s, size_t n)
{
  int k;

  for(k = 0; k < K_N; k++)
    if(strlen(kind_names[k]) == n && strncmp(kind_names[k], s, n) == 0)
      return k;
  return -1;
}

/* Parses CG_FAULT ("[kill:]KIND:N[:full][:persist]"); 0 ok, -1 bad. */
static int parse_fault(const char *spec)
{
  const char *p = spec, *colon;
  char *end;

  if(strncmp(p, "kill:", 5) == 0) {
    fault_kill = 1;
    p += 5;
  }
  colon = strchr(p, ':');
  if(!colon || (fault_kind = kind_of(p, (size_t)(colon - p))) < 0)
    return -1;
  fault_at = strtol(colon + 1, &end, 10);
  if(end == colon + 1 || fault_at < 1)
    return -1;
  while(*end == ':') {
    const char *m = end + 1;
    size_t n = strcspn(m, ":");
    if(n == 4 && strncmp(m, "full", 4) == 0)
      fault_full = 1;
    else if(n == 7 && strncmp(m, "persist", 7) == 0)
      fault_persist = 1;
    else
      return -1;
    end = (char *)m + n;
  }
  return *end ? -1 : 0;
}

__attribute__((constructor)) static void fault_vfs_install(void)
{
  const char *spec = getenv("CG_FAULT");

  if(spec && *spec && parse_fault(spec) != 0) {
    fprintf(stderr,
            "chipgate-faulty: bad CG_FAULT \"%s\" (want "
            "[kill:]KIND:N[:full][:persist], KIND one of read write sync "
            "lock truncate shmlock shmmap open filewrite commit)\n",
            spec);
    _exit(70);
  }
  base = sqlite3_vfs_find(NULL);
  if(!base) {
    fprintf(stderr, "chipgate-faulty: no default SQLite VFS\n");
    _exit(70);
  }
  fault_vfs.szOsFile = (int)sizeof(shim_file) + base->szOsFile;
  fault_vfs.mxPathname = base->mxPathname;
  if(sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK) {
    fprintf(stderr, "chipgate-faulty: cannot register the fault VFS\n");
    _exit(70);
  }
  count_file = getenv("CG_FAULT_COUNT");
  if(count_file && *count_file)
    atexit(write_counts);
  else
    count_file = NULL;
}
