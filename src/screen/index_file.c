/* index_file.c -- the screening index's side file (internal.h): a copy
 * of the stored index blob beside the database, DB-screen-index, which
 * the next process maps read-only instead of reading 5.9 MB out of
 * SQLite (most of a `screen` process's time).
 *
 * The database stays the truth: the file is used only when its header
 * names the SHA-256 the database row records for the blob, and the blob
 * is bounds-checked like one read from the database (index_build.c). It
 * is written whole under a temporary name, synced and renamed, so a
 * reader sees an old file or a new one, never a part. A file that cannot
 * be written (a read-only folder) or read just means the blob comes from
 * the database. */
#include "screen/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAGIC "CGSXIDX1"
#define HDR_SIZE   128 /* keeps the blob 8-aligned in the mapping */

typedef struct file_hdr {
  char magic[8];
  char sha[65];
  char pad[7];
  uint64_t len;
} file_hdr;

/* The side file's path for db_path into buf; 0 if there is none (an
 * in-memory database, a URI). */
static int side_path(const char *db_path, char *buf, size_t size,
                     const char *suffix)
{
  int k;

  if(!db_path || !*db_path || strcmp(db_path, ":memory:") == 0 ||
     strncmp(db_path, "file:", 5) == 0)
    return 0;
  k = snprintf(buf, size, "%s-screen-index%s", db_path, suffix);
  return k > 0 && (size_t)k < size;
}

static int write_all(int fd, const void *p, size_t n)
{
  const char *c = p;

  while(n) {
    ssize_t k = write(fd, c, n);

    if(k < 0 && errno == EINTR)
      continue;
    if(k <= 0)
      return -1;
    c += k;
    n -= (size_t)k;
  }
  return 0;
}

void cg_sx_file_write(const char *db_path, const char *sha, const void *blob,
                      size_t len)
{
  char path[4200], tmp[4200], sfx[32];
  unsigned char hdr[HDR_SIZE];
  file_hdr h;
  int fd, ok;

  snprintf(sfx, sizeof(sfx), ".tmp%ld", (long)getpid());
  if(!sha || strlen(sha) != 64 ||
     !side_path(db_path, path, sizeof(path), "") ||
     !side_path(db_path, tmp, sizeof(tmp), sfx))
    return;
  memset(&h, 0, sizeof(h));
  memcpy(h.magic, FILE_MAGIC, 8);
  memcpy(h.sha, sha, 65);
  h.len = len;
  memset(hdr, 0, sizeof(hdr));
  memcpy(hdr, &h, sizeof(h));
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if(fd < 0)
    return;
  ok = write_all(fd, hdr, sizeof(hdr)) == 0 && write_all(fd, blob, len) == 0 &&
       fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if(!ok || rename(tmp, path) != 0)
    unlink(tmp);
}

int cg_sx_file_map(const char *db_path, const char *sha, size_t len,
                   void **map_out, size_t *map_len_out)
{
  char path[4200];
  struct stat st;
  file_hdr h;
  void *m;
  int fd;

  *map_out = NULL;
  *map_len_out = 0;
  if(!sha || strlen(sha) != 64 || !side_path(db_path, path, sizeof(path), ""))
    return -1;
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if(fd < 0)
    return -1;
  if(fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
     (uint64_t)st.st_size != (uint64_t)HDR_SIZE + len) {
    close(fd);
    return -1;
  }
  m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if(m == MAP_FAILED)
    return -1;
  memcpy(&h, m, sizeof(h));
  if(memcmp(h.magic, FILE_MAGIC, 8) != 0 || h.sha[64] != '\0' ||
     strcmp(h.sha, sha) != 0 || h.len != len) {
    munmap(m, (size_t)st.st_size);
    return -1;
  }
  *map_out = m;
  *map_len_out = (size_t)st.st_size;
  return 0;
}

const void *cg_sx_file_blob(const void *map)
{
  return (const unsigned char *)map + HDR_SIZE;
}

void cg_sx_file_unmap(void *map, size_t len)
{
  if(map)
    munmap(map, len);
}
