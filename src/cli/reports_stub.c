/* reports_stub.c -- placeholder until the report module lands. */
#include "cli.h"
#include "store.h"

#include <stdint.h>

int cli_batch_reports(cg_cli *cli, cg_store *db, int64_t batch_id, int all,
                      const char *out_dir, const char *formats, double mfu,
                      int quiet)
{
  (void)cli;
  (void)db;
  (void)batch_id;
  (void)all;
  (void)out_dir;
  (void)formats;
  (void)mfu;
  (void)quiet;
  return CLI_OK;
}
