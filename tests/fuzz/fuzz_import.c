/* fuzz_import.c -- the shared body of the CSV import targets. */
#include "fuzz_import.h"

#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fz_import(const uint8_t *data, size_t size, int level, fz_importer fn)
{
  cg_store *db = fz_db(level);
  cg_error err = { 0 };
  char *before = fz_db_counts(db), *after;
  const char *path = fz_write("input.csv", data, size);
  size_t count = 0;
  int rc = fn(db, path, &count, &err);

  fz_note("import", rc, err.msg);
  if(rc != CG_OK) {
    /* All or nothing: a refused file leaves every table as it was, and
     * says why. */
    after = fz_db_counts(db);
    if(strcmp(before, after) != 0 || !err.msg[0]) {
      fprintf(stderr, "rc=%d msg=%s\nbefore %s\nafter  %s\n", rc, err.msg,
              before, after);
      abort();
    }
    free(after);
  }
  free(before);
  cg_store_close(db);
  return rc;
}
