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

/* The shortest fixed-point form of v that reads back as v ("4799.98" for
 * the double nearest 4799.98, where the exact binary value is
 * 4799.97999...): the number the data gave, and on the same side of every
 * decimal threshold as v, since reading decimals into doubles is
 * monotonic. Its decimals in *places. */
static void shortest(char *buf, size_t size, double v, int *places)
{
  int p;

  for(p = 0; p <= 20; p++) {
    snprintf(buf, size, "%.*f", p, v);
    if(strtod(buf, NULL) == v)
      break;
  }
  *places = p > 20 ? 20 : p;
}

/* s cut (not rounded) after d decimals, in place. */
static void cut_after(char *s, int d)
{
  char *dot = strchr(s, '.');

  if(dot)
    dot[d > 0 ? d + 1 : 0] = '\0';
}

const char *cg_text_num(char *buf, size_t size, double v, int decimals)
{
  char rounded[512], exact[512], cut[512];
  int places;
  size_t n;

  if(isnan(v) || isinf(v) || fabs(v) >= 1e300) {
    snprintf(buf, size, isnan(v) ? "?" : "%.*f", decimals, v);
    return buf;
  }
  snprintf(rounded, sizeof(rounded), "%.*f", decimals, v);
  shortest(exact, sizeof(exact), v, &places);
  memcpy(cut, exact, sizeof(cut));
  cut_after(cut, decimals);
  if(places <= decimals || strcmp(rounded, cut) == 0) {
    snprintf(buf, size, "%s", rounded);
    return buf;
  }
  /* Rounding would cross: the data's own digits, cut two places on. */
  cut_after(exact, decimals + 2);
  n = strlen(exact);
  while(n > 0 && exact[n - 1] == '0' &&
        (size_t)(strchr(exact, '.') - exact) + 1 + (size_t)decimals < n)
    exact[--n] = '\0';
  if(n > 0 && exact[n - 1] == '.')
    exact[--n] = '\0';
  snprintf(buf, size, "%s", exact);
  return buf;
}
