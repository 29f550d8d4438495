/* fuzz_screen.c -- shared by the party-list targets. */
#include "fuzz_screen.h"

#include "fuzz_common.h"

#include "screen/screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fz_screen_some(cg_store *db)
{
  static const char *const names[] = { "Huawei Technologies Co., Ltd.",
                                       "Moscow Institute", "a" };
  cg_screener *s = NULL;
  cg_screen_hits hits = { 0 };
  cg_error err = { 0 };
  size_t i;

  if(cg_screener_open(&s, db, &err) != CG_OK)
    abort();
  for(i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    (void)cg_screen_name(s, names[i], i ? NULL : "CN", 0.5, 5, &hits, &err);
    cg_screen_hits_free(&hits);
  }
  cg_screener_close(s);
}

int fz_screen_import(const uint8_t *data, size_t size, const char *name,
                     const char *format)
{
  cg_store *db = fz_db(FZ_DB_SEED);
  char *before = fz_db_counts(db);
  cg_screen_counts counts;
  cg_error err = { 0 };
  int rc = cg_screen_import_mem(db, name, (const char *)data, size,
                                cg_screen_format(format), NULL, &counts, &err);

  fz_check_unchanged(db, "screen", rc, err.msg, before);
  if(rc == CG_OK)
    fz_screen_some(db);
  cg_store_close(db);
  return 0;
}
