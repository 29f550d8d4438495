/* fuzz_rules.c -- the rule-language loader (lexer, parser, checker,
 * compiler) through cg_rules_load_sources. The input is one or more rule
 * files separated by a line "---8<---"; a pack that loads is also
 * introspected and evaluated once with every fact unknown. */
#include "fuzz_common.h"

#include "rules/rules.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FILES 12

/* What a loaded pack offers: every rule's info, its digest input and one
 * sound decision with nothing known (bounded budget). */
static void exercise(const cg_rules *pack)
{
  static cg_rules_result res;
  cg_rules_world world = { NULL, NULL, NULL, 64 };
  cg_rule_info info;
  cg_error err = { 0 };
  cg_facts facts;
  char *digest = NULL, buf[512];
  size_t i, j, len = 0;

  for(i = 0; i < cg_rules_count(pack); i++)
    if(cg_rules_info(pack, i, &info) == CG_OK) {
      if(cg_rules_find(pack, info.id) < 0)
        abort(); /* a rule's own id must find it */
      for(j = 0; j < info.nrelieves; j++)
        (void)cg_rules_relieves(pack, i, j);
    }
  if(cg_rules_digest_input(pack, &digest, &len, &err) == CG_OK)
    free(digest);
  cg_facts_init(&facts);
  if(cg_rules_eval(pack, &facts, &res, &err) == CG_OK)
    for(i = 0; i < res.nfired; i++)
      cg_rules_result_reason(&res, i, buf, sizeof(buf));
  cg_facts_init(&facts);
  (void)cg_rules_decide(pack, &facts, &world, &res, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const names[MAX_FILES] = {
    "a/00.rules", "a/10.rules", "b/20.rules", "b/30.rules",
    "c/40.rules", "c/50.rules", "d/60.rules", "d/70.rules",
    "e/80.rules", "e/90.rules", "f/95.rules", "f/99.rules"
  };
  const uint8_t *part[MAX_FILES];
  size_t len[MAX_FILES], n, i;
  cg_rules_source src[MAX_FILES];
  cg_rules_diags diags = { 0 };
  cg_error err = { 0 };
  cg_rules *pack = NULL;
  char line[600];
  int rc;

  n = fz_split(data, size, "\n---8<---\n", part, len, MAX_FILES);
  for(i = 0; i < n; i++) {
    src[i].name = names[i];
    src[i].text = (const char *)part[i];
    src[i].len = len[i];
  }
  rc = cg_rules_load_sources(&pack, src, n, &diags, &err);
  fz_note("rules", rc, err.msg);
  if(rc == CG_OK) {
    if(diags.n)
      abort(); /* a pack is returned only without diagnostics */
    exercise(pack);
    cg_rules_free(pack);
  }
  else if(pack)
    abort(); /* all-or-nothing: no pack on failure */
  for(i = 0; i < diags.n; i++)
    cg_rules_diag_format(&diags.items[i], line, sizeof(line));
  cg_rules_diags_clear(&diags);
  return 0;
}
