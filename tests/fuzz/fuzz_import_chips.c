/* fuzz_import_chips.c -- cg_chip_import in both formats. The first byte
 * chooses the format ('E': Epoch AI's ml_hardware.csv, anything else:
 * chipgate's own columns); the rest is the file. */
#include "fuzz_common.h"
#include "fuzz_import.h"

#include "model/chip.h"

static int epoch(cg_store *db, const char *path, size_t *n, cg_error *err)
{
  return cg_chip_import(db, path, CG_CHIP_FORMAT_EPOCH, n, err);
}

static int own(cg_store *db, const char *path, size_t *n, cg_error *err)
{
  return cg_chip_import(db, path, CG_CHIP_FORMAT_CSV, n, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size < 1)
    return 0;
  (void)fz_import(data + 1, size - 1, FZ_DB_DEMO,
                  data[0] == 'E' ? epoch : own);
  return 0;
}
