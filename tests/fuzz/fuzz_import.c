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
  char *before = fz_db_counts(db);
  const char *path = fz_write("input.csv", data, size);
  size_t count = 0;
  int rc = fn(db, path, &count, &err);

  fz_check_unchanged(db, "import", rc, err.msg, before);
  cg_store_close(db);
  return rc;
}
