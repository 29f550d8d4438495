/* fuzz_ofac.c -- OFAC's legacy SDN files (cg_screen_import, CG_SCREEN_OFAC).
 * The input is sdn.csv, add.csv, alt.csv and sdn_comments.csv separated by
 * a line "---8<---"; a part not given is a missing file. */
#include "fuzz_common.h"
#include "fuzz_screen.h"

#include "screen/screen.h"

#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const files[4] = { "sdn.csv", "add.csv", "alt.csv",
                                        "sdn_comments.csv" };
  const uint8_t *part[4];
  size_t len[4], n, i;
  cg_store *db = fz_db(FZ_DB_SEED);
  char *before = fz_db_counts(db), path[700];
  const char *sdn = NULL;
  cg_screen_counts counts;
  cg_error err = { 0 };
  int rc;

  n = fz_split(data, size, "\n---8<---\n", part, len, 4);
  for(i = 0; i < 4; i++) {
    if(i < n) {
      const char *p = fz_write(files[i], part[i], len[i]);

      if(i == 0)
        sdn = p;
      continue;
    }
    snprintf(path, sizeof(path), "%s/%s", fz_dir(), files[i]);
    unlink(path);
  }
  rc = cg_screen_import(db, sdn, CG_SCREEN_OFAC, NULL, &counts, &err);
  fz_check_unchanged(db, "screen", rc, err.msg, before);
  if(rc == CG_OK)
    fz_screen_some(db);
  cg_store_close(db);
  return 0;
}
