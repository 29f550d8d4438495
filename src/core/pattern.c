/* pattern.c -- see pattern.h. */
#define PCRE2_CODE_UNIT_WIDTH 8 /* must precede pcre2.h */
#include <pcre2.h>

#include "core/pattern.h"

#include <stdlib.h>

struct cg_pattern {
  pcre2_code *code; /* compiled (and, where available, JIT) pattern */
};

static int pcre_fail(cg_error *err, int errcode, const char *what,
                     size_t offset)
{
  PCRE2_UCHAR buf[256];

  pcre2_get_error_message(errcode, buf, sizeof(buf));
  cg_error_set(err, CG_EPATTERN, "%s: %s at offset %zu", what, (char *)buf,
               offset);
  if(err)
    err->lib_code = (int)offset;
  return CG_EPATTERN;
}

int cg_pattern_compile(cg_pattern **out, const char *regex, int flags,
                       cg_error *err)
{
  cg_pattern *p;
  int errcode = 0;
  PCRE2_SIZE erroff = 0;
  uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C;

  *out = NULL;
  if(flags & CG_PATTERN_CASELESS)
    opts |= PCRE2_CASELESS;
  if(flags & CG_PATTERN_ANCHORED)
    opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
  p = calloc(1, sizeof(*p));
  if(!p)
    return cg_error_set(err, CG_ENOMEM, "regex compile: out of memory");
  p->code = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, opts,
                          &errcode, &erroff, NULL);
  if(!p->code) {
    cg_pattern_free(p);
    return pcre_fail(err, errcode, "regex compile", erroff);
  }
  /* Optional speed-up; matching falls back to the interpreter. */
  (void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
  *out = p;
  return CG_OK;
}

int cg_pattern_capture(const cg_pattern *p, const char *subject, size_t len,
                       int group, char *buf, size_t size, cg_error *err)
{
  pcre2_match_data *md;
  int rc;

  if(buf && size)
    buf[0] = '\0';
  md = pcre2_match_data_create_from_pattern(p->code, NULL);
  if(!md)
    return cg_error_set(err, CG_ENOMEM, "regex match: out of memory");
  rc = pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, 0, md, NULL);
  if(rc == PCRE2_ERROR_NOMATCH) {
    rc = 0;
  }
  else if(rc < 0) {
    pcre_fail(err, rc, "regex match", 0);
    rc = CG_EPATTERN;
  }
  else {
    if(buf && size) {
      PCRE2_SIZE n = size;
      if(pcre2_substring_copy_bynumber(md, (uint32_t)group, (PCRE2_UCHAR *)buf,
                                       &n) < 0)
        buf[0] = '\0';
    }
    rc = 1;
  }
  pcre2_match_data_free(md);
  return rc;
}

int cg_pattern_match(const cg_pattern *p, const char *subject, size_t len,
                     cg_error *err)
{
  return cg_pattern_capture(p, subject, len, 0, NULL, 0, err);
}

void cg_pattern_free(cg_pattern *p)
{
  if(!p)
    return;
  pcre2_code_free(p->code);
  free(p);
}
