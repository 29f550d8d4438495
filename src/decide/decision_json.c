/* decision_json.c -- the JSON primitives of the decision writer and
 * reader (see decision_int.h). */
#include "decide/decision_int.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== writer primitives ================================================= */

void cgd_w_grow(wr *w, size_t more)
{
  size_t cap = w->cap ? w->cap : 4096;
  char *p;

  if(w->rc != CG_OK)
    return;
  while(cap - w->n < more + 1)
    cap *= 2;
  if(cap == w->cap)
    return;
  p = realloc(w->p, cap);
  if(!p) {
    w->rc = cg_error_set(w->err, CG_ENOMEM, "decision: out of memory");
    return;
  }
  w->p = p;
  w->cap = cap;
}

void cgd_w_put(wr *w, const char *s, size_t n)
{
  if(w->cap - w->n < n + 1)
    cgd_w_grow(w, n);
  if(w->rc != CG_OK)
    return;
  memcpy(w->p + w->n, s, n);
  w->n += n;
}

void cgd_w_putc(wr *w, char c)
{
  cgd_w_put(w, &c, 1);
}

/* A member name: a comma unless the object or array just opened. */
void cgd_w_key(wr *w, const char *key)
{
  if(w->n && w->p[w->n - 1] != '{' && w->p[w->n - 1] != '[')
    cgd_w_putc(w, ',');
  cgd_w_putc(w, '"');
  cgd_w_put(w, key, strlen(key));
  cgd_w_put(w, "\":", 2);
}

/* An array element separator. */
void cgd_w_sep(wr *w)
{
  if(w->n && w->p[w->n - 1] != '[')
    cgd_w_putc(w, ',');
}

/* Length of the UTF-8 sequence at s (jansson's rules: no overlong forms,
 * no surrogates, at most U+10FFFF), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
  unsigned c = s[0], cp;
  size_t n, i;

  if(c < 0x80)
    return 1;
  if(c >= 0xC2 && c <= 0xDF)
    n = 2, cp = c & 0x1F;
  else if(c >= 0xE0 && c <= 0xEF)
    n = 3, cp = c & 0x0F;
  else if(c >= 0xF0 && c <= 0xF4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  for(i = 1; i < n; i++) {
    if((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
     (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

/* A string as jansson's compact output escapes it; NULL is null. */
void cgd_w_str(wr *w, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s, *run;

  if(!s) {
    cgd_w_put(w, "null", 4);
    return;
  }
  cgd_w_putc(w, '"');
  while(*p) {
    char esc[7] = "\\u00";
    size_t k;

    for(run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p += k) {
      k = utf8_len(p);
      if(!k) {
        if(w->rc == CG_OK)
          w->rc =
              cg_error_set(w->err, CG_EINVAL,
                           "decision: text is not valid UTF-8: \"%.40s\"", s);
        return;
      }
    }
    cgd_w_put(w, (const char *)run, (size_t)(p - run));
    if(!*p)
      break;
    switch(*p) {
    case '"':
      cgd_w_put(w, "\\\"", 2);
      break;
    case '\\':
      cgd_w_put(w, "\\\\", 2);
      break;
    case '\b':
      cgd_w_put(w, "\\b", 2);
      break;
    case '\f':
      cgd_w_put(w, "\\f", 2);
      break;
    case '\n':
      cgd_w_put(w, "\\n", 2);
      break;
    case '\r':
      cgd_w_put(w, "\\r", 2);
      break;
    case '\t':
      cgd_w_put(w, "\\t", 2);
      break;
    default:
      esc[4] = hex[*p >> 4];
      esc[5] = hex[*p & 15];
      cgd_w_put(w, esc, 6);
    }
    p++;
  }
  cgd_w_putc(w, '"');
}

/* The digits of v, most significant first, at the end of buf[24];
 * returns where they start. */
static char *int_digits(char buf[24], int64_t v)
{
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  char *p = buf + 23;

  *p = '\0';
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while(u);
  if(v < 0)
    *--p = '-';
  return p;
}

/* The shortest "%.{1..17}g" of v that reads back as v, with jansson's
 * touches: fixed notation from 1e-4 up to 1e15 (where its %.15g had it),
 * ".0" on an integral value, no '+' or leading zeros in the exponent.
 *
 * An integral value below 1e15 is its digits and ".0". Otherwise the
 * first of %.15g, %.16g, %.17g that reads back is the shortest: a
 * double is within 2^-53 (relative) of its shortest decimal, closer than
 * half a unit in the 15th digit, so when any precision up to 15 reads
 * back, %.15g is that decimal (%g drops the zeros); a subnormal has
 * fewer bits and tries every precision. One or two tries
 * instead of a search over 1..17: this runs for every number of every
 * decision, and check_decision holds it to the search's bytes. */
/* digits (p of them, no dot) times 10^x as %.{p}g writes it, without
 * its trailing zeros, then jansson's touches; returns the length. */
static size_t put_g(char *buf, int neg, const char *digits, int p, int x)
{
  size_t n = 0;
  int i, last = p - 1;

  while(last > 0 && digits[last] == '0')
    last--;
  if(neg)
    buf[n++] = '-';
  if(x < -4 || x >= p) {
    buf[n++] = digits[0];
    if(last > 0) {
      buf[n++] = '.';
      for(i = 1; i <= last; i++)
        buf[n++] = digits[i];
    }
    n += (size_t)sprintf(buf + n, "e%d", x);
  }
  else if(x >= 0) {
    for(i = 0; i <= x; i++)
      buf[n++] = digits[i];
    buf[n++] = '.';
    if(last > x)
      for(i = x + 1; i <= last; i++)
        buf[n++] = digits[i];
    else
      buf[n++] = '0';
  }
  else {
    buf[n++] = '0';
    buf[n++] = '.';
    for(i = 0; i < -x - 1; i++)
      buf[n++] = '0';
    for(i = 0; i <= last; i++)
      buf[n++] = digits[i];
  }
  buf[n] = '\0';
  return n;
}

/* The shortest form from one printf: the 17 digits of %.16e, rounded to
 * 15 and then 16 digits, each read back with strtod. Rounding the 17
 * digits again gives what rounding the exact value would (as %.15g
 * does) unless the cut-off digits are exactly a half, then 0 (the caller
 * prints each precision instead). */
static size_t fmt_from_17(char buf[40], double v)
{
  char e17[40], d[18], c[18], tmp[48];
  int x, p, i, neg = v < 0;
  const char *q;

  snprintf(e17, sizeof(e17), "%.16e", v);
  q = e17 + neg;
  d[0] = q[0];
  memcpy(d + 1, q + 2, 16);
  d[17] = '\0';
  x = atoi(q + 19);
  for(p = 15; p < 17; p++) {
    int xc = x, half = d[p] == '5';

    for(i = p + 1; half && i < 17; i++)
      half = d[i] == '0';
    if(half)
      return 0;
    memcpy(c, d, (size_t)p);
    if(d[p] >= '5') {
      for(i = p - 1; i >= 0 && c[i] == '9'; i--)
        c[i] = '0';
      if(i >= 0) {
        c[i]++;
      }
      else { /* 99.9 -> 100: one more digit before the point */
        memmove(c + 1, c, (size_t)p - 1);
        c[0] = '1';
        xc++;
      }
    }
    {
      char *t = tmp, ex[24], *x10 = int_digits(ex, xc);

      if(neg)
        *t++ = '-';
      *t++ = c[0];
      *t++ = '.';
      memcpy(t, c + 1, (size_t)p - 1);
      t += p - 1;
      *t++ = 'e';
      memcpy(t, x10, (size_t)(ex + 23 - x10) + 1);
    }
    if(strtod(tmp, NULL) == v)
      return put_g(buf, neg, c, p, xc);
  }
  return put_g(buf, neg, d, 17, x);
}

size_t cgd_fmt_double(char buf[40], double v)
{
  size_t n;
  char *e;
  int p;

  if(v == floor(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v))) {
    char tmp[24], *d = int_digits(tmp, (int64_t)v);

    n = strlen(d);
    memcpy(buf, d, n);
    memcpy(buf + n, ".0", 3);
    return n + 2;
  }
  if(fabs(v) >= DBL_MIN && (n = fmt_from_17(buf, v)) > 0)
    return n;
  /* A subnormal has fewer bits: search all precisions (rare). */
  for(p = fabs(v) < DBL_MIN ? 1 : 15; p < 17; p++) {
    snprintf(buf, 40, "%.*g", p, v);
    if(strtod(buf, NULL) == v)
      break;
  }
  if(p == 17)
    snprintf(buf, 40, "%.17g", v);
  n = strlen(buf);
  if(!strchr(buf, '.') && !strchr(buf, 'e'))
    memcpy(buf + n, ".0", 3); /* fits: %.17g is at most 24 bytes */
  e = strchr(buf, 'e');
  if(e) {
    char *start = e + 1, *end = e + 2;
    if(*start == '-')
      start++;
    while(*end == '0')
      end++;
    if(end != start)
      memmove(start, end, strlen(end) + 1);
  }
  return strlen(buf);
}

#define NUM_MEMO 1024 /* formatted numbers kept per thread */

/* The same numbers come back decision after decision (a chip's specs, its
 * TPP, the reference runs): a formatted value is kept, keyed by its bits,
 * so most numbers cost a copy and not a printf and a strtod. */
typedef struct num_slot {
  uint64_t bits;
  unsigned char n; /* 0 = empty */
  char text[27];
} num_slot;

void cgd_w_num(wr *w, double v)
{
  static _Thread_local num_slot memo[NUM_MEMO];
  uint64_t bits;
  num_slot *s;
  char buf[40];
  size_t n;

  if(isnan(v) || isinf(v)) {
    cgd_w_put(w, "null", 4);
    return;
  }
  memcpy(&bits, &v, sizeof(bits));
  s = &memo[(bits * 0x9E3779B97F4A7C15u) >> 54]; /* top 10 bits */
  if(s->n && s->bits == bits) {
    cgd_w_put(w, s->text, s->n);
    return;
  }
  n = cgd_fmt_double(buf, v);
  if(n < sizeof(s->text)) {
    s->bits = bits;
    s->n = (unsigned char)n;
    memcpy(s->text, buf, n);
  }
  cgd_w_put(w, buf, n);
}

void cgd_w_int(wr *w, int64_t v)
{
  char buf[24], *d = int_digits(buf, v);

  cgd_w_put(w, d, (size_t)(buf + 23 - d));
}

void cgd_w_bool(wr *w, int v)
{
  if(v)
    cgd_w_put(w, "true", 4);
  else
    cgd_w_put(w, "false", 5);
}

void cgd_w_tri(wr *w, int v)
{
  if(v < 0)
    cgd_w_put(w, "null", 4);
  else
    cgd_w_bool(w, v);
}

void cgd_w_patch(wr *w, size_t from, const char *lit, size_t lit_n,
                 const char *str)
{
  if(!w->view || w->rc != CG_OK)
    return;
  if(w->npatches == w->patch_cap) {
    size_t cap = w->patch_cap ? w->patch_cap * 2 : 16;
    wpatch *np = realloc(w->patches, cap * sizeof(*np));

    if(!np) {
      w->rc = cg_error_set(w->err, CG_ENOMEM, "decision: out of memory");
      return;
    }
    w->patches = np;
    w->patch_cap = cap;
  }
  w->patches[w->npatches++] = (wpatch){ from, w->n, lit, lit_n, str };
}

void cgd_w_object(wr *w, const objdesc *o, const char *base)
{
  size_t i;

  cgd_w_putc(w, '{');
  for(i = 0; i < o->n && w->rc == CG_OK; i++) {
    const field *f = &o->f[i];
    const char *p = base + f->off;
    size_t start = w->n;

    if(f->type == F_CUSTOM) {
      f->write(w, f->key, base);
      continue;
    }
    if(f->flags & OPT) {
      if(f->type == F_STR && !*(const char *const *)p)
        continue;
      if(f->type == F_INT && !*(const int64_t *)p)
        continue;
    }
    cgd_w_key(w, f->key);
    switch(f->type) {
    case F_STR:
      cgd_w_str(w, *(const char *const *)p);
      break;
    case F_NUM:
      cgd_w_num(w, *(const double *)p);
      break;
    case F_INT:
      cgd_w_int(w, *(const int64_t *)p);
      break;
    case F_BOOL:
      cgd_w_bool(w, *(const int *)p);
      break;
    case F_TRI:
      cgd_w_tri(w, *(const int *)p);
      break;
    default: /* F_OBJ */
      cgd_w_object(w, f->sub, p);
    }
    /* The member and its comma (never the first member: see VIEW_OMIT). */
    if(f->flags & VIEW_OMIT)
      cgd_w_patch(w, start, "", 0, NULL);
  }
  cgd_w_putc(w, '}');
}

/* An array of n structs of o->size bytes. */
void cgd_w_array(wr *w, const objdesc *o, const void *items, size_t n)
{
  size_t i;

  cgd_w_putc(w, '[');
  for(i = 0; i < n && w->rc == CG_OK; i++) {
    cgd_w_sep(w);
    cgd_w_object(w, o, (const char *)items + i * o->size);
  }
  cgd_w_putc(w, ']');
}

/* Fact names of the bits of mask, in fact-id order. */
void cgd_w_mask(wr *w, uint64_t mask)
{
  int i;

  cgd_w_putc(w, '[');
  for(i = 0; i < CG_F_COUNT && i < 64; i++)
    if(mask & ((uint64_t)1 << i)) {
      cgd_w_sep(w);
      cgd_w_str(w, cg_fact_name(i));
    }
  cgd_w_putc(w, ']');
}

void cgd_w_enum_fail(wr *w, const char *what, int v)
{
  if(w->rc == CG_OK)
    w->rc = cg_error_set(w->err, CG_EINVAL, "decision: %s %d is out of range",
                         what, v);
}

/* ==== reader primitives ================================================= */

void cgd_rd_push(rd *r, const char *key, long index)
{
  size_t room = sizeof(r->path) - r->plen;
  int n =
      key ? snprintf(r->path + r->plen, room, "%s%s", r->plen ? "." : "", key)
          : snprintf(r->path + r->plen, room, "[%ld]", index);

  if(n > 0)
    r->plen += (size_t)n < room ? (size_t)n : room - 1;
}

void cgd_rd_pop(rd *r, size_t plen)
{
  r->plen = plen;
  r->path[plen] = '\0';
}

int cgd_rd_fail(rd *r, const char *what)
{
  return cg_error_set(r->err, CG_EINVAL, "decision: %s: %s",
                      r->plen ? r->path : "document", what);
}

int cgd_rd_nomem(rd *r)
{
  return cg_error_set(r->err, CG_ENOMEM, "decision: out of memory");
}

int cgd_rd_str(rd *r, const cg_json *v, const char **out)
{
  if(cg_json_type(v) == CG_JSON_NULL) {
    *out = NULL;
    return CG_OK;
  }
  if(cg_json_type(v) != CG_JSON_STRING)
    return cgd_rd_fail(r, "expected a string or null");
  *out = cg_decision_strdup(r->d, cg_json_string_value(v));
  return *out ? CG_OK : cgd_rd_nomem(r);
}

int cgd_rd_num(rd *r, const cg_json *v, double *out)
{
  int t = cg_json_type(v);

  if(t == CG_JSON_NULL)
    *out = NAN;
  else if(t == CG_JSON_INT || t == CG_JSON_REAL)
    *out = cg_json_number_value(v);
  else
    return cgd_rd_fail(r, "expected a number or null");
  return CG_OK;
}

int cgd_rd_int(rd *r, const cg_json *v, int64_t *out)
{
  double x;

  if(cg_json_type(v) != CG_JSON_INT)
    return cgd_rd_fail(r, "expected an integer");
  /* jansson's integers are int64: exact up to 2^53 through a double, and
   * no count in a decision comes near that. */
  x = cg_json_number_value(v);
  *out = (int64_t)x;
  return CG_OK;
}

int cgd_rd_bool(rd *r, const cg_json *v, int *out, int null_ok)
{
  int t = cg_json_type(v);

  if(t == CG_JSON_NULL && null_ok)
    *out = -1;
  else if(t == CG_JSON_BOOL)
    *out = cg_json_is_true(v);
  else
    return cgd_rd_fail(r, null_ok ? "expected true, false or null"
                                  : "expected true or false");
  return CG_OK;
}

int cgd_rd_object(rd *r, const cg_json *obj, const objdesc *o, char *base);

static int rd_member(rd *r, const field *f, const cg_json *v, char *base)
{
  char *p = base + f->off;

  switch(f->type) {
  case F_STR:
    return cgd_rd_str(r, v, (const char **)p);
  case F_NUM:
    return cgd_rd_num(r, v, (double *)p);
  case F_INT:
    return cgd_rd_int(r, v, (int64_t *)p);
  case F_BOOL:
    return cgd_rd_bool(r, v, (int *)p, 0);
  case F_TRI:
    return cgd_rd_bool(r, v, (int *)p, 1);
  case F_OBJ:
    return cgd_rd_object(r, v, f->sub, p);
  default:
    return f->read(r, v, base);
  }
}

int cgd_rd_object(rd *r, const cg_json *obj, const objdesc *o, char *base)
{
  void *it;
  size_t plen = r->plen, i;
  int rc = CG_OK;

  if(cg_json_type(obj) != CG_JSON_OBJECT)
    return cgd_rd_fail(r, "expected an object");
  for(it = cg_json_iter(obj, NULL); it && rc == CG_OK;
      it = cg_json_iter(obj, it)) {
    const char *key = cg_json_iter_key(it);
    for(i = 0; i < o->n && strcmp(o->f[i].key, key) != 0; i++)
      ;
    cgd_rd_push(r, key, 0);
    if(i == o->n)
      rc = cgd_rd_fail(r, "unknown member");
    else
      rc = rd_member(r, &o->f[i], cg_json_iter_value(it), base);
    if(rc == CG_OK)
      cgd_rd_pop(r, plen);
  }
  return rc;
}

/* An array of objects into *items (n of them, from the arena). */
int cgd_rd_array(rd *r, const cg_json *arr, const objdesc *o, void **items,
                 size_t *n)
{
  size_t i, plen = r->plen;
  char *a;
  int rc = CG_OK;

  *items = NULL;
  *n = 0;
  if(cg_json_type(arr) != CG_JSON_ARRAY)
    return cgd_rd_fail(r, "expected an array");
  if(cg_json_size(arr) == 0)
    return CG_OK;
  a = cg_decision_alloc(r->d, cg_json_size(arr) * o->size);
  if(!a)
    return cgd_rd_nomem(r);
  for(i = 0; i < cg_json_size(arr) && rc == CG_OK; i++) {
    char *base = a + i * o->size;
    if(o->init)
      o->init(base);
    cgd_rd_push(r, NULL, (long)i);
    rc = cgd_rd_object(r, cg_json_at(arr, i), o, base);
    if(rc == CG_OK)
      cgd_rd_pop(r, plen);
  }
  if(rc == CG_OK) {
    *items = a;
    *n = cg_json_size(arr);
  }
  return rc;
}

/* An array of fact names into a mask. */
int cgd_rd_mask(rd *r, const cg_json *arr, uint64_t *mask)
{
  size_t i;

  *mask = 0;
  if(cg_json_type(arr) != CG_JSON_ARRAY)
    return cgd_rd_fail(r, "expected an array of fact names");
  for(i = 0; i < cg_json_size(arr); i++) {
    const char *name = cg_json_string_value(cg_json_at(arr, i));
    int id = name ? cg_fact_id(name) : -1;
    if(id < 0 || id >= 64) {
      cgd_rd_push(r, NULL, (long)i);
      return cgd_rd_fail(r, "not a fact name");
    }
    *mask |= (uint64_t)1 << id;
  }
  return CG_OK;
}
