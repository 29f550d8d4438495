/* fuzz_csl_json.c -- the Consolidated Screening List JSON importer
 * (cg_screen_import_mem, CG_SCREEN_CSL_JSON) into a seeded database; a
 * list that imports is searched once. */
#include "fuzz_common.h"
#include "fuzz_screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fz_screen_import(data, size, "fuzz.json", "csl-json");
}
