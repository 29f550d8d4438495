/* fuzz_decision.c -- the decision JSON reader (cg_decision_parse). A
 * document that reads is written back (cg_decision_write); the written
 * bytes must read again and write to the same bytes: the canonical form
 * is a fixed point (decide/decision.h, "THE BYTES"). */
#include "fuzz_common.h"

#include "decide/decision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  cg_decision d, e;
  cg_error err = { 0 };
  char *out = NULL, *again = NULL;
  size_t len = 0, len2 = 0;
  int rc;

  cg_decision_init(&d);
  cg_decision_init(&e);
  rc = cg_decision_parse((const char *)data, size, &d, &err);
  if(rc == CG_OK)
    rc = cg_decision_write(&d, &out, &len, &err);
  fz_note("decision", rc, err.msg);
  if(rc == CG_OK) {
    if(cg_decision_parse(out, len, &e, &err) != CG_OK) {
      fprintf(stderr, "written decision does not read: %s\n%s\n", err.msg,
              out);
      abort();
    }
    if(cg_decision_write(&e, &again, &len2, &err) != CG_OK || len2 != len ||
       memcmp(out, again, len) != 0) {
      fprintf(stderr, "not a fixed point:\n%s\n%s\n", out,
              again ? again : err.msg);
      abort();
    }
  }
  free(out);
  free(again);
  cg_decision_clear(&d);
  cg_decision_clear(&e);
  return 0;
}
