/* text.c -- see text.h. */
#include <utf8proc.h>

#include "core/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t cg_text_cut(char *s)
{
  size_t n = strlen(s), lead = n, want;
  unsigned char c;

  /* Back over at most three continuation bytes to the lead byte. */
  while(lead > 0 && n - lead < 3 &&
        ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
    lead--;
  if(lead == 0)
    return n;
  c = (unsigned char)s[lead - 1];
  if(c < 0x80)
    return n; /* ends in ASCII: complete */
  want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if(n - (lead - 1) < want) {
    s[lead - 1] = '\0';
    return lead - 1;
  }
  return n;
}

long cg_text_invalid_at(const char *s, size_t n)
{
  size_t i = 0;

  while(i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if(k <= 0)
      return (long)i;
    i += (size_t)k;
  }
  return -1;
}

long cg_text_hidden_at(const char *s, size_t n, int *cp)
{
  size_t i = 0;

  while(i < n) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &c);
    utf8proc_category_t cat;

    if(k <= 0)
      return -1; /* not UTF-8: cg_text_invalid_at's to report */
    cat = utf8proc_category(c);
    if(cat == UTF8PROC_CATEGORY_CF ||
       (cat == UTF8PROC_CATEGORY_CC && c != '\t' && c != '\r' && c != '\n')) {
      *cp = (int)c;
      return (long)i;
    }
    i += (size_t)k;
  }
  return -1;
}

int cg_text_next(const char *s, size_t n, int *cp)
{
  utf8proc_int32_t c;
  utf8proc_ssize_t k =
      utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
  if(k <= 0)
    return -1;
  *cp = c;
  return (int)k;
}

static int fold(char **out, const char *s, int strip, cg_error *err)
{
  utf8proc_uint8_t *res = NULL;
  utf8proc_ssize_t n;

  *out = NULL;
  n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &res,
                   UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
                       UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE |
                       (strip ? UTF8PROC_STRIPMARK : 0));
  if(n < 0)
    return cg_error_set(err, n == UTF8PROC_ERROR_NOMEM ? CG_ENOMEM : CG_EINVAL,
                        "text: %s", utf8proc_errmsg(n));
  *out = (char *)res;
  return CG_OK;
}

int cg_text_fold(char **out, const char *s, cg_error *err)
{
  return fold(out, s, 1, err);
}

static int is_word_cp(utf8proc_int32_t cp)
{
  utf8proc_category_t c = utf8proc_category(cp);

  switch(c) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return 1;
  default:
    return 0;
  }
}

/* Joiners drop out inside words instead of splitting them. */
static int is_joiner_cp(utf8proc_int32_t cp)
{
  return cp == '\'' || cp == 0x2019 || cp == '.' || cp == 0x00B7;
}

static int name_key(char **out, const char *s, int strip, cg_error *err)
{
  char *folded = NULL;
  char *buf;
  size_t len, i = 0, o = 0;
  int rc, pending_space = 0;

  *out = NULL;
  rc = fold(&folded, s, strip, err);
  if(rc != CG_OK)
    return rc;
  len = strlen(folded);
  buf = malloc(len + 1);
  if(!buf) {
    free(folded);
    return cg_error_set(err, CG_ENOMEM, "text: out of memory");
  }
  while(i < len) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((utf8proc_uint8_t *)folded + i,
                                          (utf8proc_ssize_t)(len - i), &cp);
    if(k <= 0)
      break; /* cannot happen after utf8proc_map */
    if(is_word_cp(cp)) {
      if(pending_space && o > 0)
        buf[o++] = ' ';
      pending_space = 0;
      memcpy(buf + o, folded + i, (size_t)k);
      o += (size_t)k;
    }
    else if(!(is_joiner_cp(cp) && o > 0 && !pending_space)) {
      pending_space = 1;
    }
    i += (size_t)k;
  }
  buf[o] = '\0';
  free(folded);
  *out = buf;
  return CG_OK;
}

int cg_text_name_key(char **out, const char *s, cg_error *err)
{
  return name_key(out, s, 1, err);
}

int cg_text_name_key_marks(char **out, const char *s, cg_error *err)
{
  return name_key(out, s, 0, err);
}

int cg_text_same_name(const char *a, const char *b)
{
  char *ka = NULL, *kb = NULL;
  int same = 1;

  if(cg_text_name_key(&ka, a, NULL) == CG_OK &&
     cg_text_name_key(&kb, b, NULL) == CG_OK)
    same = strcmp(ka, kb) == 0;
  free(ka);
  free(kb);
  return same;
}

/* The shortest "%.*f" (sci: "%.*e") form of v that reads back as v: the
 * number the data gave ("4799.98" for the double nearest 4799.98, whose
 * binary value is 4799.97999...). Reading decimals into doubles is
 * monotonic, so it is on the same side of every decimal threshold as v.
 * Returns the decimals it has (of the mantissa when sci). */
static int shortest(char *buf, size_t size, double v, int sci)
{
  int p;

  for(p = 0; p < 20; p++) {
    snprintf(buf, size, sci ? "%.*e" : "%.*f", p, v);
    if(strtod(buf, NULL) == v)
      break;
  }
  return p;
}

/* s, a shortest form, shown with `keep` decimals: padded with zeros when
 * it has fewer (pad set) -- it is then exact -- and never cut to a number
 * of `keep` decimals when it has more: it keeps up to keep + 2 of them
 * and at least the first non-zero one after `keep` (its last decimal is
 * never 0), trailing zeros dropped. So the text equals a number of `keep`
 * decimals exactly when v does, and otherwise lies strictly between v cut
 * at `keep` and v: <, <=, >, >= against any threshold of at most `keep`
 * decimals come out as for v. */
static void keep_places(char *out, size_t size, const char *s, int keep,
                        int pad)
{
  static const char zeros[] = "00000000000000000000";
  char mant[512], exp[16] = "", *e, *dot;
  int n, end, nz;

  snprintf(mant, sizeof(mant), "%s", s);
  if((e = strchr(mant, 'e')) != NULL) {
    snprintf(exp, sizeof(exp), "%s", e);
    *e = '\0';
  }
  dot = strchr(mant, '.');
  n = dot ? (int)strlen(dot + 1) : 0;
  if(n <= keep) {
    int z = pad ? keep - n : 0;
    snprintf(out, size, "%s%s%.*s%s", mant, !dot && z ? "." : "",
             z > 20 ? 20 : z, zeros, exp);
    return;
  }
  for(nz = keep; nz < n && dot[1 + nz] == '0'; nz++)
    ;
  end = keep + 2 > nz + 1 ? keep + 2 : nz + 1;
  if(end > n)
    end = n;
  while(end > nz + 1 && dot[end] == '0')
    end--;
  dot[1 + end] = '\0';
  snprintf(out, size, "%s%s", mant, exp);
}

const char *cg_text_num(char *buf, size_t size, double v, int decimals)
{
  char s[512];

  if(!isfinite(v)) {
    snprintf(buf, size, "%s", isnan(v) ? "?" : v > 0 ? "inf" : "-inf");
    return buf;
  }
  if(v == 0)
    v = 0; /* -0 prints as 0 */
  shortest(s, sizeof(s), v, 0);
  keep_places(buf, size, s, decimals, 1);
  return buf;
}

const char *cg_text_num_sig(char *buf, size_t size, double v, int sig)
{
  char s[512];
  double a = fabs(v);

  if(!isfinite(v) || v == 0)
    return cg_text_num(buf, size, v, 0);
  if(a >= 1e6 || a < 1e-4) {
    shortest(s, sizeof(s), v, 1);
    keep_places(buf, size, s, sig - 1, 0);
  }
  else {
    int d = sig - 1 - (int)floor(log10(a));
    shortest(s, sizeof(s), v, 0);
    keep_places(buf, size, s, d < 0 ? 0 : d, 0);
  }
  return buf;
}
