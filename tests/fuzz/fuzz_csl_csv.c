/* fuzz_csl_csv.c -- the Consolidated Screening List CSV importer
 * (cg_screen_import_mem, CG_SCREEN_CSL_CSV) into a seeded database; a
 * list that imports is searched once. */
#include "fuzz_common.h"
#include "fuzz_screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fz_screen_import(data, size, "fuzz.csv", "csl-csv");
}
