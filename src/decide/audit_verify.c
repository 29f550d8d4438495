/* audit_verify.c -- the proofs of the audit log: its head, and verify,
 * which recomputes the chain and checks every column of every entry
 * against the hashed bytes (see audit.h). */
#include "decide/audit.h"
#include "decide/audit_int.h"

#include "model/order.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ==== the head ========================================================== */

int cg_audit_head_get(cg_store *db, cg_audit_head *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT seq, hash FROM decisions ORDER BY seq "
                           "DESC LIMIT 1",
                           err);

  out->seq = 0;
  memcpy(out->hash, cg_audit_genesis, CG_SHA256_HEX);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    out->seq = cg_stmt_int(st, 0);
    snprintf(out->hash, CG_SHA256_HEX, "%s", cg_stmt_text(st, 1));
  }
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

char *cg_audit_head_text(const cg_audit_head *h, char out[CG_AUDIT_HEAD_TEXT])
{
  snprintf(out, CG_AUDIT_HEAD_TEXT, "%lld:%s", (long long)h->seq, h->hash);
  return out;
}

int cg_audit_head_parse(const char *text, cg_audit_head *out, cg_error *err)
{
  const char *colon = strchr(text, ':'), *p;
  int64_t seq = 0;
  size_t i;

  memset(out, 0, sizeof(*out));
  for(p = text; colon && p < colon; p++) {
    /* Digits only, and no more than an int64 holds. */
    if(*p < '0' || *p > '9' || seq > (INT64_MAX - 9) / 10) {
      colon = NULL;
      break;
    }
    seq = seq * 10 + (*p - '0');
  }
  if(!colon || colon == text || strlen(colon + 1) != CG_SHA256_HEX - 1)
    return cg_error_set(err, CG_EUSAGE,
                        "expected SEQ:HASH (a sequence number, a colon and "
                        "64 hex digits, as `audit head` prints), not "
                        "\"%.100s\"",
                        text);
  for(i = 0; i < CG_SHA256_HEX - 1; i++) {
    char c = colon[1 + i];
    if(c >= 'A' && c <= 'F')
      c = (char)(c - 'A' + 'a');
    if(!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return cg_error_set(err, CG_EUSAGE,
                          "expected SEQ:HASH with 64 hex digits after the "
                          "colon, not \"%.100s\"",
                          text);
    out->hash[i] = c;
  }
  out->hash[CG_SHA256_HEX - 1] = '\0';
  out->seq = seq;
  return CG_OK;
}

/* ==== verify: every column against the hashed bytes ==================== */

/* A member's value in a document (its JSON text), p NULL when absent. */
typedef struct span {
  const char *p; /* first byte */
  size_t n;      /* bytes */
} span;

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

/* The top-level members a column is checked against. */
enum { M_KIND, M_ORDER, M_BATCH, M_DECISION, M_DECIDED_AT, M_AT, M_N };
static const char *const member_name[M_N] = { "kind",       "order_id",
                                              "batch",      "decision",
                                              "decided_at", "at" };

/* Finds the members of member_name in the object doc of len bytes; -1
 * if doc is not a JSON object. A scan, not a parse: the bytes were proved
 * to be ones chipgate wrote (their hash matched) before this reads them. */
static int doc_members(const char *doc, size_t len, span out[M_N])
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
static const char *doc_value(span s, int is_int, char *buf, size_t size)
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

/* One entry as its columns state it (NULL strings are SQL NULL). */
typedef struct entry {
  int64_t seq;            /* decisions.seq */
  int64_t order_row;      /* decisions.order_id: orders.id */
  const char *kind;       /* kind */
  const char *batch;      /* batch_id as text */
  const char *decision;   /* the outcome of a decision */
  const char *decided_at; /* when it was recorded */
  const char *doc;        /* the hashed bytes */
  size_t doc_len;         /* their length */
  const char *prev_hash;  /* the stored link to the entry before */
  const char *hash;       /* the stored hash */
  /* The order as the column names it ("row N (no such order)" if none);
   * the document may say otherwise. */
  char oid[sizeof(((cg_order *)0)->order_id) + 32];
} entry;

/* Whether column col (NULL: SQL NULL) says what the hashed bytes say
 * (want, NULL: nothing). */
static int same(const char *col, const char *want)
{
  return (!col && !want) || (col && want && strcmp(col, want) == 0);
}

/* Checks every column of e against its document, whose hash has been
 * proved. A decision's document is the typed decision (no "kind"); a
 * step's has "kind", "order_id" and "at" (cg_audit_step). */
static int check_columns(const entry *e, cg_error *err)
{
  char kind[32], oid[sizeof(((cg_order *)0)->order_id)], label[200];
  char batch[32], decision[32], at[64];
  const char *want_kind, *want_oid;
  span m[M_N];
  int step;

  if(doc_members(e->doc, e->doc_len, m) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld: its hashed bytes are not a JSON object",
                        e->kind ? e->kind : "entry", (long long)e->seq);
  want_kind =
      m[M_KIND].p ? doc_value(m[M_KIND], 0, kind, sizeof(kind)) : "decision";
  step = m[M_KIND].p != NULL;
  want_oid = doc_value(m[M_ORDER], 0, oid, sizeof(oid));
  {
    /* Each column with what the bytes say it must hold. */
    const struct {
      const char *name, *col, *want;
    } c[] = {
      { "kind", e->kind, want_kind },
      { "order_id", e->oid, want_oid },
      { "batch_id", e->batch,
        step ? NULL : doc_value(m[M_BATCH], 1, batch, sizeof(batch)) },
      { "decision", e->decision,
        step ? NULL
             : doc_value(m[M_DECISION], 0, decision, sizeof(decision)) },
      { "decided_at", e->decided_at,
        doc_value(m[step ? M_AT : M_DECIDED_AT], 0, at, sizeof(at)) },
    };
    size_t i;

    for(i = 0; i < sizeof(c) / sizeof(c[0]); i++)
      if(!same(c[i].col, c[i].want)) {
        /* The label only now: snprintf on every entry cost time. */
        snprintf(label, sizeof(label), "%s %lld (order %s)",
                 e->kind ? e->kind : "entry", (long long)e->seq,
                 want_oid ? want_oid : "?");
        return cg_error_set(err, CG_EINVAL,
                            "%s: column %s says %s, the hashed bytes say %s",
                            label, c[i].name, c[i].col ? c[i].col : "NULL",
                            c[i].want ? c[i].want : "none");
      }
  }
  return CG_OK;
}

/* Checks one entry: its link to the one before (prev, updated to its
 * hash), its seq, its hash, then its columns. */
static int check_entry(const entry *e, char prev[CG_SHA256_HEX],
                       int64_t last_seq, cg_error *err)
{
  const char *what = e->kind ? e->kind : "entry";
  char hex[CG_SHA256_HEX];
  int rc, nul;

  if(!e->prev_hash || strcmp(e->prev_hash, prev) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): previous-hash link is "
                        "broken (a row before it was removed or changed)",
                        what, (long long)e->seq, e->oid);
  /* Entries are numbered 1, 2, 3...: nothing is deleted, so a gap or a
   * renumbered entry is an edit the hashes alone would not show. */
  if(e->seq != last_seq + 1)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): column seq says %lld, "
                        "the entry before it is %lld (entries were "
                        "renumbered)",
                        what, (long long)e->seq, e->oid, (long long)e->seq,
                        (long long)last_seq);
  /* chipgate never stores a NUL: one means bytes after the hashed ones
   * (which a reader of the text would not see). */
  nul = memchr(e->doc, '\0', e->doc_len) != NULL;
  if(!nul && (rc = cg_audit_chain_hash(prev, e->doc, e->doc_len, hex, err)))
    return rc;
  if(nul || !e->hash || strcmp(hex, e->hash) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): content does not match "
                        "its hash (changed after it was recorded)",
                        what, (long long)e->seq, e->oid);
  memcpy(prev, hex, CG_SHA256_HEX);
  return check_columns(e, err);
}

/* The anchor must be an entry the walk proved, with the anchored hash. */
static int check_anchor(const cg_audit_head *anchor, const cg_audit_head *seen,
                        const cg_audit_check *c, cg_error *err)
{
  char want[CG_AUDIT_HEAD_TEXT];

  cg_audit_head_text(anchor, want);
  if(anchor->seq > c->head.seq)
    return cg_error_set(err, CG_EINVAL,
                        "anchor %s: entry %lld is missing; the log ends at "
                        "entry %lld (its newest entries were removed)",
                        want, (long long)anchor->seq, (long long)c->head.seq);
  if(strcmp(seen->hash, anchor->hash) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "anchor %s: entry %lld has hash %s, not the "
                        "anchored one (the log was rewritten from there)",
                        want, (long long)anchor->seq, seen->hash);
  return CG_OK;
}

/* ==== verify in parts, on two cores =====================================
 *
 * Each entry's hash can be checked on its own from its stored prev_hash,
 * so the log is cut into parts by seq and two threads, each with its own
 * connection, take the parts in turn; join_parts then checks each part's
 * first entry against the end of the part before (its link, then its
 * seq) and reports the first bad entry exactly as one walk would.
 *
 * One view: the caller's connection reads the head and holds that read
 * transaction to the end; the second connection starts its own after and
 * must find the head entry with the same hash, else it does nothing and
 * the caller's thread checks every part. Entries are only appended, so
 * both see the same entries up to the head, and entries appended
 * meanwhile (seq beyond it) are not read. An edit made before verify
 * began is in both views and caught; one made while it runs may be seen
 * by the second view only, which one view alone would not catch either. */

/* Entries per part (cg_audit_verify_anchor): small, so that a thread
 * done first waits little for the other (a part is ~15 ms), and starting
 * one (a seek) costs nothing. A log this small is one part on the
 * caller's connection, with no second connection or thread. */
#define VERIFY_PART 2048

/* Most parts: larger parts past that (and a bound on the parts a
 * tampered, huge seq would make). */
#define VERIFY_MAX_PARTS 256

static const char walk_sql[] =
    "SELECT d.seq, d.order_id, d.kind, CAST(d.batch_id AS TEXT), "
    "d.decision, d.decided_at, d.doc, d.prev_hash, d.hash, o.id, "
    "o.order_id FROM decisions d LEFT JOIN orders o ON o.id = d.order_id "
    "WHERE d.seq BETWEEN ?1 AND ?2 ORDER BY d.seq";

/* Reads through a memory map rather than a read() per page: a fifth of
 * verify's time was the kernel copying pages. SQLite caps it at its
 * build's limit (2 GB in Debian's); pages beyond are read as before. */
static const char mmap_sql[] = "PRAGMA mmap_size = 8589934592";

/* The connection's mmap_size; -1 if it cannot be read. */
static int64_t mmap_size(cg_store *db)
{
  cg_stmt *st = NULL;
  int64_t v = -1;

  if(cg_store_prepare(db, &st, "PRAGMA mmap_size", NULL) == CG_OK &&
     cg_stmt_step(st, NULL) == 1)
    v = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  return v;
}

/* The entries lo <= seq <= hi, checked on one connection. The first part
 * starts from the genesis; a later one from its first entry's own
 * prev_hash and seq, which join_parts checks. */
typedef struct part {
  int64_t lo, hi;     /* its range of seq */
  int rc;             /* CG_OK, or how the walk stopped */
  cg_error err;       /* rc's message */
  int64_t entries;    /* entries read, with a bad one */
  int64_t decisions;  /* of them, decisions */
  int64_t bad_seq;    /* the entry that failed its checks, 0: none */
  int64_t proved;     /* entries proved */
  cg_audit_head head; /* the last of them */
  int has_seen;       /* the anchor's entry is in this part: */
  cg_audit_head seen; /* ... as proved */
  int64_t first_seq;  /* the first entry's seq, */
  int first_decision; /* whether it is a decision, */
  char first_prev[CG_SHA256_HEX + 1]; /* its prev_hash (cut short), */
  char first_what[sizeof(((cg_error *)0)->msg)]; /* kind, */
  char first_oid[sizeof(((entry *)0)->oid)];     /* and its order */
} part;

/* The row st is on, as an entry (pointers valid until the next step). */
static void read_entry(cg_stmt *st, entry *e)
{
  e->seq = cg_stmt_int(st, 0);
  e->order_row = cg_stmt_int(st, 1);
  e->kind = cg_stmt_text(st, 2);
  e->batch = cg_stmt_text(st, 3);
  e->decision = cg_stmt_text(st, 4);
  e->decided_at = cg_stmt_text(st, 5);
  /* The bytes in place, with their length: no copy, no strlen. */
  e->doc = cg_stmt_text(st, 6);
  (void)cg_stmt_blob(st, 6, &e->doc_len);
  if(!e->doc) {
    e->doc = "";
    e->doc_len = 0;
  }
  e->prev_hash = cg_stmt_text(st, 7);
  e->hash = cg_stmt_text(st, 8);
  if(cg_stmt_is_null(st, 9))
    snprintf(e->oid, sizeof(e->oid), "row %lld (no such order)",
             (long long)e->order_row);
  else {
    /* As cg_order_get_id would give it: cut to CG_ORDER_MAX_ID bytes. */
    const char *o = cg_stmt_text(st, 10);
    size_t n;
    if(!o)
      o = "(null)";
    n = strnlen(o, sizeof(((cg_order *)0)->order_id) - 1);
    memcpy(e->oid, o, n);
    e->oid[n] = '\0';
  }
}

/* Checks the entries of part p with st (walk_sql); first: p starts the
 * log. Sets p's results; stops at the first bad entry. */
static void walk(cg_stmt *st, part *p, int first, const cg_audit_head *anchor)
{
  char prev[CG_SHA256_HEX];
  int64_t last = 0;
  entry e;
  int rc;

  memcpy(prev, cg_audit_genesis, sizeof(prev));
  rc = cg_stmt_bind_int(st, 1, p->lo, &p->err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, p->hi, &p->err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, &p->err)) == 1) {
    read_entry(st, &e);
    p->entries++;
    p->decisions += e.kind && strcmp(e.kind, "decision") == 0;
    if(!first && p->entries == 1) {
      /* Its link and seq to the part before: join_parts checks them. */
      p->first_seq = e.seq;
      p->first_decision = e.kind && strcmp(e.kind, "decision") == 0;
      snprintf(p->first_prev, sizeof(p->first_prev), "%s",
               e.prev_hash ? e.prev_hash : "");
      snprintf(p->first_what, sizeof(p->first_what), "%s",
               e.kind ? e.kind : "entry");
      memcpy(p->first_oid, e.oid, sizeof(p->first_oid));
      memcpy(prev, p->first_prev, sizeof(prev) - 1); /* cut to 64 */
      prev[sizeof(prev) - 1] = '\0';
      last = e.seq - 1;
    }
    rc = check_entry(&e, prev, last, &p->err);
    if(rc != CG_OK) {
      p->bad_seq = e.seq;
      break;
    }
    last = e.seq;
    p->proved++;
    p->head.seq = e.seq;
    memcpy(p->head.hash, prev, sizeof(prev));
    if(anchor && e.seq == anchor->seq) {
      p->has_seen = 1;
      p->seen = p->head;
    }
  }
  cg_stmt_reset(st);
  p->rc = rc < 0 ? rc : CG_OK;
}

/* What both threads share. */
typedef struct job {
  const char *path;            /* the database, as the caller opened it */
  const cg_audit_head *anchor; /* may be NULL */
  cg_audit_head head;          /* the newest entry when verify began */
  part *parts;                 /* in seq order */
  size_t n;                    /* parts */
  pthread_mutex_t mu;          /* guards next and stop */
  size_t next;                 /* the next part nobody took */
  size_t stop;                 /* parts from here on are not needed */
} job;

/* Checks parts in turn with st (a connection's walk_sql) until none is
 * left or needed: after a bad part, the later ones do not count. */
static void run_parts(job *j, cg_stmt *st)
{
  for(;;) {
    size_t i;
    pthread_mutex_lock(&j->mu);
    i = j->next < j->stop ? j->next++ : j->n;
    pthread_mutex_unlock(&j->mu);
    if(i >= j->n)
      return;
    walk(st, &j->parts[i], i == 0, j->anchor);
    if(j->parts[i].rc != CG_OK) {
      pthread_mutex_lock(&j->mu);
      if(i + 1 < j->stop)
        j->stop = i + 1;
      pthread_mutex_unlock(&j->mu);
    }
  }
}

/* The second thread: its own read-only connection, in a read transaction
 * that must hold the head the caller's holds (the same log, see above).
 * Anything else, and it takes no part: the caller's thread does them. */
static void *second_thread(void *arg)
{
  job *j = arg;
  cg_store *db = NULL;
  cg_stmt *hs = NULL, *st = NULL;
  const char *hash;
  cg_error err = { 0 };
  int flags = CG_STORE_READONLY;

  if(strncmp(j->path, "file:", 5) == 0)
    flags |= CG_STORE_URI; /* the read-only immutable open (cli.c) */
  if(cg_store_open(&db, j->path, flags, &err) == CG_OK &&
     cg_store_exec(db, mmap_sql, &err) == CG_OK &&
     cg_store_exec(db, "BEGIN", &err) == CG_OK &&
     cg_store_prepare(db, &hs, "SELECT hash FROM decisions WHERE seq = ?1",
                      &err) == CG_OK &&
     cg_stmt_bind_int(hs, 1, j->head.seq, &err) == CG_OK &&
     cg_stmt_step(hs, &err) == 1 && (hash = cg_stmt_text(hs, 0)) &&
     strcmp(hash, j->head.hash) == 0 &&
     cg_store_prepare(db, &st, walk_sql, &err) == CG_OK)
    run_parts(j, st);
  cg_stmt_finalize(st);
  cg_stmt_finalize(hs);
  if(db)
    cg_store_rollback(db); /* ends the read transaction */
  cg_store_close(db);
  return NULL;
}

/* Puts the parts together in seq order as one walk would have read them:
 * each part's first entry must link to the last entry proved before it
 * and follow its seq; the first bad entry is the answer. */
static int join_parts(const job *j, cg_audit_check *out, cg_error *err)
{
  cg_audit_head seen;
  size_t i;
  int rc;

  memcpy(seen.hash, cg_audit_genesis, sizeof(seen.hash));
  seen.seq = 0;
  for(i = 0; i < j->n; i++) {
    const part *p = &j->parts[i];
    rc = CG_OK;
    if(i > 0 && p->entries > 0) {
      if(strcmp(p->first_prev, out->head.hash) != 0)
        rc =
            cg_error_set(err, CG_EINVAL,
                         "%s %lld (order %s): previous-hash link is "
                         "broken (a row before it was removed or changed)",
                         p->first_what, (long long)p->first_seq, p->first_oid);
      else if(p->first_seq != out->head.seq + 1)
        rc = cg_error_set(err, CG_EINVAL,
                          "%s %lld (order %s): column seq says %lld, "
                          "the entry before it is %lld (entries were "
                          "renumbered)",
                          p->first_what, (long long)p->first_seq, p->first_oid,
                          (long long)p->first_seq, (long long)out->head.seq);
      if(rc != CG_OK) {
        out->entries++;
        out->decisions += p->first_decision;
        out->bad_seq = p->first_seq;
        return rc;
      }
    }
    out->entries += p->entries;
    out->decisions += p->decisions;
    if(p->proved)
      out->head = p->head;
    if(p->has_seen)
      seen = p->seen;
    if(p->rc != CG_OK) {
      if(err)
        *err = p->err;
      out->bad_seq = p->bad_seq;
      return p->rc;
    }
  }
  if(j->anchor) {
    rc = check_anchor(j->anchor, &seen, out, err);
    if(rc != CG_OK)
      out->bad_seq = j->anchor->seq;
    return rc;
  }
  return CG_OK;
}

int cg_audit_verify_parts(cg_store *db, const cg_audit_head *anchor,
                          int64_t part_size, cg_audit_check *out,
                          cg_error *err)
{
  cg_stmt *hs = NULL, *st = NULL;
  part one;
  job j;
  pthread_t t;
  size_t i;
  int64_t mmap_was = -1;
  int rc = CG_OK, threaded = 0;

  memset(out, 0, sizeof(*out));
  memcpy(out->head.hash, cg_audit_genesis, sizeof(out->head.hash));
  memset(&j, 0, sizeof(j));
  memset(&one, 0, sizeof(one));
  j.path = cg_store_path(db);
  j.anchor = anchor;
  j.parts = &one;
  j.n = 1;
  one.lo = INT64_MIN;
  one.hi = INT64_MAX;
  /* The head, in a read transaction this statement holds open to the
   * end. Inside the caller's transaction (whose entries a second
   * connection would not see) the log is one part. */
  if(part_size > 0 && !cg_store_in_transaction(db)) {
    mmap_was = mmap_size(db);
    if(mmap_was >= 0 && cg_store_exec(db, mmap_sql, NULL) != CG_OK)
      mmap_was = -1;
    rc = cg_store_prepare(db, &hs,
                          "SELECT seq, hash FROM decisions ORDER BY seq "
                          "DESC LIMIT 1",
                          err);
    if(rc == CG_OK && (rc = cg_stmt_step(hs, err)) == 1) {
      j.head.seq = cg_stmt_int(hs, 0);
      snprintf(j.head.hash, sizeof(j.head.hash), "%s",
               cg_stmt_text(hs, 1) ? cg_stmt_text(hs, 1) : "");
    }
    rc = rc < 0 ? rc : CG_OK;
    if(part_size < (j.head.seq - 1) / VERIFY_MAX_PARTS + 1)
      part_size = (j.head.seq - 1) / VERIFY_MAX_PARTS + 1;
    if(rc == CG_OK && j.head.seq > part_size) {
      j.n = (size_t)((j.head.seq - 1) / part_size + 1);
      j.parts = calloc(j.n, sizeof(part));
      if(!j.parts)
        rc = cg_error_set(err, CG_ENOMEM, "audit verify: out of memory");
      for(i = 0; j.parts && i < j.n; i++) {
        j.parts[i].lo = i == 0 ? INT64_MIN : (int64_t)i * part_size + 1;
        j.parts[i].hi =
            i + 1 == j.n ? j.head.seq : (int64_t)(i + 1) * part_size;
      }
    }
  }
  if(rc == CG_OK)
    rc = cg_store_prepare(db, &st, walk_sql, err);
  if(rc == CG_OK && pthread_mutex_init(&j.mu, NULL) != 0)
    rc = cg_error_set(err, CG_EINTERNAL, "audit verify: mutex failed");
  if(rc == CG_OK) {
    j.stop = j.n;
    /* A second core for a log of many parts (pthreads: SQLite and
     * OpenSSL are thread-safe, each thread has its own connection). If
     * the thread cannot start, this one does every part. */
    if(j.n > 1)
      threaded = pthread_create(&t, NULL, second_thread, &j) == 0;
    run_parts(&j, st);
    if(threaded)
      pthread_join(t, NULL);
    pthread_mutex_destroy(&j.mu);
    rc = join_parts(&j, out, err);
  }
  cg_stmt_finalize(st);
  cg_stmt_finalize(hs);
  if(mmap_was >= 0) { /* as the caller had it */
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA mmap_size = %lld", (long long)mmap_was);
    (void)cg_store_exec(db, sql, NULL);
  }
  if(j.parts != &one)
    free(j.parts);
  return rc;
}

int cg_audit_verify_anchor(cg_store *db, const cg_audit_head *anchor,
                           cg_audit_check *out, cg_error *err)
{
  return cg_audit_verify_parts(db, anchor, VERIFY_PART, out, err);
}

int cg_audit_verify(cg_store *db, int64_t *rows_out, int64_t *bad_seq_out,
                    cg_error *err)
{
  cg_audit_check c;
  int rc = cg_audit_verify_anchor(db, NULL, &c, err);

  *rows_out = c.entries;
  *bad_seq_out = c.bad_seq;
  return rc;
}
