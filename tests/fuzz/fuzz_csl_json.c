/* fuzz_csl_json.c -- the Consolidated Screening List JSON importer
 * (cg_screen_import_mem, CG_SCREEN_CSL_JSON) into a seeded database; a
 * list that imports is searched once. */
#include "fuzz_common.h"
#include "fuzz_screen.h"

#include "screen/screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  cg_store *db = fz_db(FZ_DB_SEED);
  char *before = fz_db_counts(db);
  cg_screen_counts counts;
  cg_error err = { 0 };
  int rc =
      cg_screen_import_mem(db, "fuzz.json", (const char *)data, size,
                           cg_screen_format("csl-json"), NULL, &counts, &err);

  fz_screen_check(db, rc, err.msg, before);
  if(rc == CG_OK)
    fz_screen_some(db);
  cg_store_close(db);
  return 0;
}
