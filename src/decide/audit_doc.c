/* audit_doc.c -- reading the few top-level members of a hashed
 * document that verify checks the columns against (see audit_int.h): a
 * scan, not a parse, 64 bytes at a time where SSE2 is there. */
#include "decide/audit_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static const char *skip_ws(const char *p, const char *end)
{
  while(p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* The first '"' or '\\' at or after p, or end: the end of a string's
 * plain run. */
static const char *string_stop(const char *p, const char *end)
{
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');

  for(; end - p >= 16; p += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    int bits = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    if(bits)
      return p + __builtin_ctz((unsigned)bits);
  }
#endif
  while(p < end && *p != '"' && *p != '\\')
    p++;
  return p;
}

/* The bytes [p, lim) of an array or object being skipped, one at a time:
 * *depth open brackets, *in_str inside a string, *esc after a backslash
 * in one. Returns the byte after the bracket that closes it, or NULL if
 * lim comes first. */
static const char *container_bytes(const char *p, const char *lim, int *depth,
                                   int *in_str, int *esc)
{
  for(; p < lim; p++) {
    char c = *p;
    if(*in_str) {
      if(*esc)
        *esc = 0;
      else if(c == '\\')
        *esc = 1;
      else if(c == '"')
        *in_str = 0;
    }
    else if(c == '"')
      *in_str = 1;
    else if(c == '{' || c == '[')
      ++*depth;
    else if((c == '}' || c == ']') && --*depth == 0)
      return p + 1;
  }
  return NULL;
}

#ifdef __SSE2__
/* Bit i set where byte i of the 64 in a, b, c, d (16 each) is set. */
static uint64_t mask64(__m128i a, __m128i b, __m128i c, __m128i d)
{
  return (uint64_t)(unsigned)_mm_movemask_epi8(a) |
         (uint64_t)(unsigned)_mm_movemask_epi8(b) << 16 |
         (uint64_t)(unsigned)_mm_movemask_epi8(c) << 32 |
         (uint64_t)(unsigned)_mm_movemask_epi8(d) << 48;
}
#endif

/* The end of the array or object at p (after its closing bracket), or
 * NULL if it is cut short. Brackets are counted, not paired; a backslash
 * escapes the next byte inside a string and is a plain byte outside.
 * With SSE2, 64 bytes at a time without a backslash are done with bit
 * masks (which bytes are inside strings, where the brackets are); the
 * decision documents are mostly nested values, and this scan byte by
 * byte was a quarter of verify's time. */
static const char *skip_container(const char *p, const char *end)
{
  int depth = 0, in_str = 0, esc = 0;

#ifdef __SSE2__
  const char *q;
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  const __m128i low = _mm_set1_epi8(0x20), lb = _mm_set1_epi8('{');
  const __m128i rb = _mm_set1_epi8('}');

  for(; end - p >= 64; p += 64) {
    const __m128i *w = (const __m128i *)(const void *)p;
    __m128i v0 = _mm_loadu_si128(w), v1 = _mm_loadu_si128(w + 1);
    __m128i v2 = _mm_loadu_si128(w + 2), v3 = _mm_loadu_si128(w + 3);
    uint64_t quotes, open, all;
    int k;
    if(esc || _mm_movemask_epi8(
                  _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v0, bslash),
                                            _mm_cmpeq_epi8(v1, bslash)),
                               _mm_or_si128(_mm_cmpeq_epi8(v2, bslash),
                                            _mm_cmpeq_epi8(v3, bslash))))) {
      /* Escapes: this block a byte at a time. */
      if((q = container_bytes(p, p + 64, &depth, &in_str, &esc)))
        return q;
      continue;
    }
    quotes = mask64(_mm_cmpeq_epi8(v0, quote), _mm_cmpeq_epi8(v1, quote),
                    _mm_cmpeq_epi8(v2, quote), _mm_cmpeq_epi8(v3, quote));
    /* '[' | 0x20 is '{' and ']' | 0x20 is '}'; no other byte maps there. */
    v0 = _mm_or_si128(v0, low);
    v1 = _mm_or_si128(v1, low);
    v2 = _mm_or_si128(v2, low);
    v3 = _mm_or_si128(v3, low);
    open = mask64(_mm_cmpeq_epi8(v0, lb), _mm_cmpeq_epi8(v1, lb),
                  _mm_cmpeq_epi8(v2, lb), _mm_cmpeq_epi8(v3, lb));
    all = open | mask64(_mm_cmpeq_epi8(v0, rb), _mm_cmpeq_epi8(v1, rb),
                        _mm_cmpeq_epi8(v2, rb), _mm_cmpeq_epi8(v3, rb));
    /* Inside a string: an odd number of quotes up to here (prefix XOR). */
    for(k = 1; k < 64; k <<= 1)
      quotes ^= quotes << k;
    if(in_str)
      quotes = ~quotes;
    in_str = (int)(quotes >> 63);
    for(all &= ~quotes; all; all &= all - 1) {
      int i = __builtin_ctzll(all);
      depth += (open >> i) & 1 ? 1 : -1;
      if(depth == 0)
        return p + i + 1;
    }
  }
#endif
  return container_bytes(p, end, &depth, &in_str, &esc);
}

/* The end of the JSON value at p, or NULL if it is cut short; end is
 * the document's end (a NUL follows it). */
static const char *skip_value(const char *p, const char *end)
{
  if(p >= end)
    return NULL;
  if(*p == '{' || *p == '[')
    return skip_container(p, end);
  if(*p == '}' || *p == ']')
    return NULL;
  if(*p != '"') /* a number, true, false or null */
    return p + strcspn(p, ",}] \t\r\n");
  for(p++;; p++) { /* to the closing quote, over escapes */
    p = string_stop(p, end);
    if(p >= end)
      return NULL;
    if(*p == '"')
      return p + 1;
    if(++p >= end) /* a backslash: the next byte is escaped */
      return NULL;
  }
}

static const char *const member_name[M_N] = { "kind",       "order_id",
                                              "batch",      "decision",
                                              "decided_at", "at" };

/* Finds the members of member_name in the object doc of len bytes; -1
 * if doc is not a JSON object. A scan, not a parse: the bytes were proved
 * to be ones chipgate wrote (their hash matched) before this reads them. */
int cg_audit_doc_members(const char *doc, size_t len, span out[M_N])
{
  const char *end = doc + len, *p = skip_ws(doc, end);
  int k;

  memset(out, 0, sizeof(span) * M_N);
  if(p >= end || *p != '{')
    return -1;
  p = skip_ws(p + 1, end);
  if(p < end && *p == '}')
    return 0;
  for(;;) {
    const char *key = p, *kend, *v;
    size_t klen;
    if(p >= end || *p != '"' || !(kend = skip_value(p, end)))
      return -1;
    klen = (size_t)(kend - key) - 2;
    p = skip_ws(kend, end);
    if(p >= end || *p != ':')
      return -1;
    v = skip_ws(p + 1, end);
    if(!(p = skip_value(v, end)))
      return -1;
    for(k = 0; k < M_N; k++)
      if(strlen(member_name[k]) == klen &&
         !memcmp(member_name[k], key + 1, klen)) {
        out[k].p = v;
        out[k].n = (size_t)(p - v);
      }
    p = skip_ws(p, end);
    if(p < end && *p == '}')
      return 0;
    if(p >= end || *p != ',')
      return -1;
    p = skip_ws(p + 1, end);
  }
}

/* Appends code point cp to buf as UTF-8; -1 if it does not fit. */
static int put_utf8(char *buf, size_t size, size_t *n, unsigned long cp)
{
  unsigned char u[4];
  size_t k = 0, i;

  if(cp < 0x80)
    u[k++] = (unsigned char)cp;
  else if(cp < 0x800) {
    u[k++] = (unsigned char)(0xC0 | (cp >> 6));
    u[k++] = (unsigned char)(0x80 | (cp & 0x3F));
  }
  else if(cp < 0x10000) {
    u[k++] = (unsigned char)(0xE0 | (cp >> 12));
    u[k++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[k++] = (unsigned char)(0x80 | (cp & 0x3F));
  }
  else {
    u[k++] = (unsigned char)(0xF0 | (cp >> 18));
    u[k++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    u[k++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[k++] = (unsigned char)(0x80 | (cp & 0x3F));
  }
  if(*n + k >= size)
    return -1;
  for(i = 0; i < k; i++)
    buf[(*n)++] = (char)u[i];
  return 0;
}

/* The four hex digits at p as a number; -1 if they are not. */
static long hex4(const char *p)
{
  long v = 0;
  int i;

  for(i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if(c >= '0' && c <= '9')
      v |= c - '0';
    else if(c >= 'a' && c <= 'f')
      v |= c - 'a' + 10;
    else if(c >= 'A' && c <= 'F')
      v |= c - 'A' + 10;
    else
      return -1;
  }
  return v;
}

/* The text of the JSON string s into buf; -1 if s is not a string, holds
 * a NUL or does not fit. */
static int span_string(span s, char *buf, size_t size)
{
  const char *p, *end;
  size_t n = 0;

  if(!s.p || s.n < 2 || s.p[0] != '"' || s.p[s.n - 1] != '"')
    return -1;
  for(p = s.p + 1, end = s.p + s.n - 1; p < end;) {
    static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    unsigned long cp;
    const char *e;
    if(*p != '\\') {
      if(n + 1 >= size)
        return -1;
      buf[n++] = *p++;
      continue;
    }
    if(++p >= end)
      return -1;
    if(*p != 'u') {
      for(e = esc; *e && *e != *p; e += 2)
        ;
      if(!*e || n + 1 >= size)
        return -1;
      buf[n++] = e[1];
      p++;
      continue;
    }
    if(end - p < 5 || hex4(p + 1) <= 0)
      return -1;
    cp = (unsigned long)hex4(p + 1);
    p += 5;
    if(cp >= 0xD800 && cp < 0xDC00) { /* a surrogate pair */
      long lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
      if(lo < 0xDC00 || lo > 0xDFFF)
        return -1;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (unsigned long)(lo - 0xDC00);
      p += 6;
    }
    else if(cp >= 0xDC00 && cp <= 0xDFFF)
      return -1;
    if(put_utf8(buf, size, &n, cp) != 0)
      return -1;
  }
  buf[n] = '\0';
  return 0;
}

/* What the document says for a member, as text to compare with a column:
 * a string's text, a whole number's digits (is_int), NULL when absent,
 * and the JSON itself (which no column equals) for anything else. */
const char *cg_audit_doc_value(span s, int is_int, char *buf, size_t size)
{
  size_t i, n;

  if(!s.p || (s.n == 4 && !memcmp(s.p, "null", 4)))
    return NULL;
  if(!is_int && span_string(s, buf, size) == 0)
    return buf;
  for(i = 0; is_int && i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
    ;
  /* The JSON text, cut to fit (snprintf "%.*s" without its cost). */
  n = strnlen(s.p, s.n < size ? s.n : size - 1);
  memcpy(buf, s.p, n);
  buf[n] = '\0';
  if(is_int && i != s.n)
    buf[0] = '\0'; /* a column holds digits only: never equal */
  return buf;
}
