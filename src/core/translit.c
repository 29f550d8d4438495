/* translit.c -- see translit.h. The only file that includes ICU. */
#include "core/translit.h"

#include "core/text.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/uvernum.h>

/* ICU is opened on first use (dlopen), not linked: with libstdc++ it
 * cost every command about 2 ms of start-up, and only names outside the
 * Latin script need it. ICU's headers rename every function with its
 * version (utrans_openU is utrans_openU_72), so the names looked up are
 * the renamed ones; the library is the one the headers are from. */
#define ICU_STR2(x) #x
#define ICU_STR(x)  ICU_STR2(x)
#define ICU_LIB     "libicui18n.so." ICU_STR(U_ICU_VERSION_MAJOR_NUM)
#define ICU_FUNCS(X)                                                          \
  X(u_errorName)                                                              \
  X(u_strFromUTF8)                                                            \
  X(u_strToUTF8)                                                              \
  X(uscript_getScript)                                                        \
  X(utrans_close)                                                             \
  X(utrans_openU)                                                             \
  X(utrans_transUChars)

static struct {
#define ICU_DECL(f) __typeof__(f) *f;
  ICU_FUNCS(ICU_DECL)
#undef ICU_DECL
  void *lib;      /* the dlopen handle, NULL if it failed */
  char fail[256]; /* why, if it failed */
} ic;
static pthread_once_t ic_once = PTHREAD_ONCE_INIT;

static void ic_load(void)
{
  ic.lib = dlopen(ICU_LIB, RTLD_NOW | RTLD_LOCAL);
  if(!ic.lib) {
    snprintf(ic.fail, sizeof(ic.fail), "%s", dlerror());
    return;
  }
#define ICU_SYM(f)                                                            \
  if(ic.lib && !(*(void **)&ic.f = dlsym(ic.lib, ICU_STR(f)))) {              \
    snprintf(ic.fail, sizeof(ic.fail), ICU_LIB " has no %s", ICU_STR(f));     \
    dlclose(ic.lib);                                                          \
    ic.lib = NULL;                                                            \
  }
  ICU_FUNCS(ICU_SYM)
#undef ICU_SYM
}

/* CG_OK once ICU is loaded; else CG_EINTERNAL, saying why. */
static int ic_ready(cg_error *err)
{
  pthread_once(&ic_once, ic_load);
  if(ic.lib)
    return CG_OK;
  return cg_error_set(err, CG_EINTERNAL,
                      "transliteration needs ICU (Debian package libicu72): "
                      "%s",
                      ic.fail);
}

enum { TR_RU, TR_UK, TR_ANY, TR_N };

/* Filtered IDs: a transform leaves text outside its filter alone and
 * costs next to nothing on it. BGN/PCGN is what the lists' Russian
 * romanisations mostly follow ("Kontsern", not ISO 9's "Koncern");
 * Any-Latin covers Greek, Arabic, Hebrew, Hangul, kana and the rest. */
static const char *const tr_ids[TR_N] = {
  "[:Cyrillic:] Russian-Latin/BGN",
  "[:Cyrillic:] Ukrainian-Latin/BGN",
  "[[:L:]-[:Latin:]-[:Han:]] Any-Latin",
};

struct cg_translit {
  UTransliterator *tr[TR_N]; /* opened on first need */
};

int cg_translit_new(cg_translit **out, cg_error *err)
{
  *out = calloc(1, sizeof(**out));
  if(!*out)
    return cg_error_set(err, CG_ENOMEM, "transliteration: out of memory");
  return CG_OK;
}

void cg_translit_free(cg_translit *t)
{
  int i;

  if(!t)
    return;
  for(i = 0; i < TR_N; i++)
    if(t->tr[i])
      ic.utrans_close(t->tr[i]);
  free(t);
}

const char *cg_translit_version(void)
{
  return U_ICU_VERSION;
}

const char *cg_translit_han(int cp)
{
  unsigned short k;

  if(cp < cg_han_first || cp >= cg_han_first + cg_han_count)
    return NULL;
  k = cg_han_reading[cp - cg_han_first];
  return k ? cg_han_syllables[k - 1] : NULL;
}

int cg_translit_is_syllable(const char *s, size_t n)
{
  int lo = 0, hi = cg_han_n_syllables - 1;

  while(lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strncmp(cg_han_syllables[mid], s, n);

    if(c == 0 && cg_han_syllables[mid][n] != '\0')
      c = 1;
    if(c == 0)
      return 1;
    if(c < 0)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return 0;
}

int cg_translit_script_class_icu(int cp)
{
  UErrorCode st = U_ZERO_ERROR;
  UScriptCode sc;

  /* Without ICU: another script, so that transliterating fails loudly
   * (cg_translit_latin) rather than a name being read as Latin. */
  if(ic_ready(NULL) != CG_OK)
    return 4;
  sc = ic.uscript_getScript(cp, &st);
  if(U_FAILURE(st))
    return 0;
  switch(sc) {
  case USCRIPT_LATIN:
  case USCRIPT_COMMON:
  case USCRIPT_INHERITED:
    return 0;
  case USCRIPT_HAN:
    return 1;
  case USCRIPT_CYRILLIC:
    return 2;
  default:
    return 4;
  }
}

int cg_translit_script_class(int cp)
{
  if(cp < 0x250)
    return 0;
  switch(cp) {
  case 0x404:
  case 0x406:
  case 0x407:
  case 0x454:
  case 0x456:
  case 0x457:
  case 0x490:
  case 0x491:
    return 3; /* Є І Ї є і ї Ґ ґ */
  default:
    break;
  }
  /* Blocks whose every code point ICU 72 (Unicode 15) puts in one
   * script, told here: the name table's Chinese and Cyrillic forms, read
   * by every screening process, then never load ICU (2 ms). check_translit
   * compares these with ICU code point by code point. */
  if((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF))
    return 1;
  if((cp >= 0x400 && cp <= 0x482) || (cp >= 0x48A && cp <= 0x52F))
    return 2;
  return cg_translit_script_class_icu(cp);
}

int cg_translit_needed(const char *s)
{
  size_t n = strlen(s), i = 0;

  while(i < n) {
    int cp, k;

    if((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    k = cg_text_next(s + i, n - i, &cp);
    if(k <= 0)
      return 0;
    if(cg_translit_script_class(cp))
      return 1;
    i += (size_t)k;
  }
  return 0;
}

/* A growable UTF-8 buffer. */
typedef struct sbuf {
  char *s;
  size_t n, cap;
} sbuf;

static int sbuf_add(sbuf *b, const char *s, size_t n)
{
  if(b->n + n + 1 > b->cap) {
    size_t nc = (b->n + n + 1) * 2;
    char *p = realloc(b->s, nc);

    if(!p)
      return -1;
    b->s = p;
    b->cap = nc;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
  return 0;
}

static int icu_fail(cg_error *err, const char *what, UErrorCode st)
{
  if(st == U_MEMORY_ALLOCATION_ERROR)
    return cg_error_set(err, CG_ENOMEM, "transliteration: out of memory");
  return cg_error_set(err, CG_EINTERNAL, "transliteration: ICU %s: %s", what,
                      ic.u_errorName(st));
}

static int open_id(UTransliterator **out, const char *id, cg_error *err)
{
  UErrorCode st = U_ZERO_ERROR;
  UChar uid[128];
  int32_t len = 0;

  if(ic_ready(err) != CG_OK)
    return CG_EINTERNAL;
  ic.u_strFromUTF8(uid, 128, &len, id, -1, &st);
  if(U_SUCCESS(st))
    *out = ic.utrans_openU(uid, len, UTRANS_FORWARD, NULL, 0, NULL, &st);
  if(U_FAILURE(st))
    return icu_fail(err, id, st);
  return CG_OK;
}

/* Runs tr over the UTF-8 in *s (replaced by the result). */
static int run(UTransliterator *tr, sbuf *s, cg_error *err)
{
  UErrorCode st = U_ZERO_ERROR;
  int32_t len = 0, limit, cap, outlen = 0;
  UChar *u;
  char *o;

  if(s->n > 1 << 20)
    return cg_error_set(err, CG_EINVAL, "transliteration: text too long");
  /* Pinyin or BGN output grows a code unit into a few letters. */
  cap = (int32_t)s->n * 8 + 64;
  u = malloc((size_t)cap * sizeof(UChar));
  if(!u)
    return icu_fail(err, "buffer", U_MEMORY_ALLOCATION_ERROR);
  ic.u_strFromUTF8(u, cap, &len, s->s, (int32_t)s->n, &st);
  limit = len;
  if(U_SUCCESS(st))
    ic.utrans_transUChars(tr, u, &len, cap, 0, &limit, &st);
  /* Growth past 8 code units for one has not been seen; if it comes,
   * it is an error, never a read past the buffer. */
  if(U_SUCCESS(st) && len > cap)
    st = U_BUFFER_OVERFLOW_ERROR;
  if(U_FAILURE(st)) {
    free(u);
    return icu_fail(err, "transform", st);
  }
  ic.u_strToUTF8(NULL, 0, &outlen, u, len, &st);
  if(st == U_BUFFER_OVERFLOW_ERROR)
    st = U_ZERO_ERROR;
  if(U_FAILURE(st)) {
    free(u);
    return icu_fail(err, "transform", st);
  }
  o = malloc((size_t)outlen + 1);
  if(!o) {
    free(u);
    return icu_fail(err, "buffer", U_MEMORY_ALLOCATION_ERROR);
  }
  ic.u_strToUTF8(o, outlen + 1, NULL, u, len, &st);
  free(u);
  if(U_FAILURE(st)) {
    free(o);
    return icu_fail(err, "transform", st);
  }
  free(s->s);
  s->s = o;
  s->n = s->cap = (size_t)outlen;
  s->cap++;
  return CG_OK;
}

static int run_id(cg_translit *t, int k, sbuf *s, cg_error *err)
{
  int rc = CG_OK;

  if(!t->tr[k])
    rc = open_id(&t->tr[k], tr_ids[k], err);
  return rc == CG_OK ? run(t->tr[k], s, err) : rc;
}

/* Han through the table into b; *classes gets the OR of 1 << class of
 * every other code point. */
static int han_pass(const char *s, sbuf *b, int *classes)
{
  size_t n = strlen(s), i = 0;

  *classes = 0;
  while(i < n) {
    int cp, k = 1, c = 0;
    const char *syl = NULL;

    if((unsigned char)s[i] >= 0x80) {
      k = cg_text_next(s + i, n - i, &cp);
      if(k <= 0)
        k = 1;
      else if((c = cg_translit_script_class(cp)) == 1)
        syl = cg_translit_han(cp);
    }
    if(syl) {
      if(sbuf_add(b, " ", 1) || sbuf_add(b, syl, strlen(syl)) ||
         sbuf_add(b, " ", 1))
        return -1;
    }
    else {
      *classes |= 1 << c;
      if(sbuf_add(b, s + i, (size_t)k))
        return -1;
    }
    i += (size_t)k;
  }
  return sbuf_add(b, "", 0);
}

/* Drops BGN's marks: soft and hard sign primes and the middle dot. */
static void drop_marks(sbuf *b)
{
  size_t i = 0, o = 0;

  while(i < b->n) {
    const unsigned char *p = (const unsigned char *)b->s + i;

    if(i + 1 < b->n && ((p[0] == 0xCA && (p[1] == 0xB9 || p[1] == 0xBA)) ||
                        (p[0] == 0xC2 && p[1] == 0xB7))) {
      i += 2;
      continue;
    }
    b->s[o++] = b->s[i++];
  }
  b->n = o;
  b->s[o] = '\0';
}

int cg_translit_latin(cg_translit *t, const char *s, char **out, cg_error *err)
{
  sbuf b = { 0 };
  int classes, rc = CG_OK;

  *out = NULL;
  if(han_pass(s, &b, &classes) != 0) {
    free(b.s);
    return icu_fail(err, "buffer", U_MEMORY_ALLOCATION_ERROR);
  }
  if(classes & (1 << 3))
    rc = run_id(t, TR_UK, &b, err);
  if(rc == CG_OK && (classes & ((1 << 2) | (1 << 3))))
    rc = run_id(t, TR_RU, &b, err);
  /* Any-Latin takes other scripts, and what the BGN transforms leave
   * (Belarusian ў): opening it costs as much again, so only then. */
  if(rc == CG_OK &&
     ((classes & (1 << 4)) ||
      ((classes & ((1 << 2) | (1 << 3))) && cg_translit_needed(b.s))))
    rc = run_id(t, TR_ANY, &b, err);
  if(rc != CG_OK) {
    free(b.s);
    return rc;
  }
  drop_marks(&b);
  *out = b.s;
  return CG_OK;
}

int cg_translit_icu(const char *id, const char *s, char **out, cg_error *err)
{
  UTransliterator *tr = NULL;
  sbuf b = { 0 };
  int rc;

  *out = NULL;
  rc = open_id(&tr, id, err);
  if(rc != CG_OK)
    return rc;
  if(sbuf_add(&b, s, strlen(s)) != 0)
    rc = icu_fail(err, "buffer", U_MEMORY_ALLOCATION_ERROR);
  else
    rc = run(tr, &b, err);
  ic.utrans_close(tr);
  if(rc != CG_OK) {
    free(b.s);
    return rc;
  }
  *out = b.s;
  return CG_OK;
}
