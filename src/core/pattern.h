/* pattern.h -- compiled regular expressions (PCRE2), the only door to
 * pcre2.h. Used by rule `matches`, node-label normalisation and name rules.
 *
 * A cg_pattern is compiled once and is safe to share read-only; each match
 * call makes its own match data. Patterns are UTF-8 with Unicode
 * properties; CG_PATTERN_CASELESS adds case folding. */
#ifndef CG_PATTERN_H
#define CG_PATTERN_H

#include <stddef.h>

#include "core/error.h"

typedef struct cg_pattern cg_pattern;

enum { CG_PATTERN_CASELESS = 1, CG_PATTERN_ANCHORED = 2 };

/* Compiles regex into *out (NULL on failure). On a bad regex returns
 * CG_EPATTERN with "<PCRE2 message> at offset N" in err->msg and the
 * offset in err->lib_code. Caller frees with cg_pattern_free(). */
int cg_pattern_compile(cg_pattern **out, const char *regex, int flags,
                       cg_error *err);

/* 1 if subject matches, 0 if not, CG_EPATTERN on a match error (e.g.
 * invalid UTF-8 in subject). */
int cg_pattern_match(const cg_pattern *p, const char *subject, size_t len,
                     cg_error *err);

/* Like cg_pattern_match; on a match copies capture group `group` (0 =
 * whole match) into buf (NUL-terminated, truncated to size). An unset
 * group gives "". */
int cg_pattern_capture(const cg_pattern *p, const char *subject, size_t len,
                       int group, char *buf, size_t size, cg_error *err);

void cg_pattern_free(cg_pattern *p);

#endif
