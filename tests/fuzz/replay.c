/* replay.c -- runs a fuzz target's LLVMFuzzerTestOneInput once on each
 * file given, or on every file of each folder given (sorted by name), so
 * the seed corpus and the regression inputs run in the normal test suite
 * without libFuzzer (any compiler, with or without sanitizers). A crash
 * or abort fails the test; the name of the input is printed first. */
#include "fuzz_common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0, len = 0, r;

  if(!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return 1;
  }
  do {
    if(len == cap) {
      unsigned char *p = realloc(buf, cap = cap ? cap * 2 : 65536);

      if(!p) {
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        free(buf);
        fclose(f);
        return 1;
      }
      buf = p;
    }
    r = fread(buf + len, 1, cap - len, f);
    len += r;
  } while(r > 0);
  if(ferror(f)) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    fclose(f);
    return 1;
  }
  fclose(f);
  fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  /* An exact-size copy, so that ASan sees a read past the input. */
  {
    unsigned char *exact = malloc(len ? len : 1);

    if(!exact) {
      free(buf);
      return 1;
    }
    if(len)
      memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
  }
  return 0;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir (not those starting with '.'), sorted. */
static int run_dir(const char *dir, size_t *count)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL, path[4096];
  size_t n = 0, cap = 0, i;
  int bad = 0;

  if(!d) /* an absent folder (no regressions yet) is no input */
    return 0;
  while((e = readdir(d)) != NULL) {
    if(e->d_name[0] == '.')
      continue;
    if(n == cap) {
      char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*p));

      if(!p)
        break;
      names = p;
    }
    if(!(names[n] = strdup(e->d_name)))
      break;
    n++;
  }
  closedir(d);
  if(n)
    qsort(names, n, sizeof(*names), by_name);
  for(i = 0; i < n; i++) {
    struct stat sb;

    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    if(!bad && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
      bad = run_file(path);
      (*count)++;
    }
    free(names[i]);
  }
  free(names);
  return bad;
}

int main(int argc, char **argv)
{
  size_t count = 0;
  int i;

  for(i = 1; i < argc; i++) {
    struct stat sb;

    if(stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
      if(run_dir(argv[i], &count))
        return 1;
    }
    else {
      if(run_file(argv[i]))
        return 1;
      count++;
    }
  }
  printf("replayed %zu inputs\n", count);
  return 0;
}
