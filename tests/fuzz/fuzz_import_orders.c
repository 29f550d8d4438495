/* fuzz_import_orders.c -- `import orders` (cg_order_import) of the input as a
 * CSV file into a database with the seed, chips, customers and licences. */
#include "fuzz_common.h"
#include "fuzz_import.h"

#include "model/order.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  (void)fz_import(data, size, FZ_DB_DEMO, cg_order_import);
  return 0;
}
