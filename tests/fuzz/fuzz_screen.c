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

void fz_screen_check(cg_store *db, int rc, const char *msg, char *before)
{
  char *after;

  fz_note("screen", rc, msg);
  if(rc != CG_OK) {
    after = fz_db_counts(db);
    if(strcmp(before, after) != 0 || !msg[0]) {
      fprintf(stderr, "rc=%d msg=%s\nbefore %s\nafter  %s\n", rc, msg, before,
              after);
      abort();
    }
    free(after);
  }
  free(before);
}
