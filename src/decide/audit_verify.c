/* audit_verify.c -- the proofs of the audit log: its head, and verify,
 * which recomputes the chain and checks every column of every entry
 * against the hashed bytes (see audit.h). */
#include "decide/audit.h"
#include "decide/audit_int.h"

#include "model/order.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* The end of the JSON value at p, or NULL if it is cut short; end is
 * the document's terminating NUL. Plain loops: verify reads every byte of
 * the log, and on documents of many short strings these beat strcspn. */
static const char *skip_value(const char *p, const char *end)
{
  int depth = 0;

  do {
    if(p >= end)
      return NULL;
    if(*p == '"') {
      for(p++; p < end && *p != '"'; p++)
        if(*p == '\\' && ++p >= end)
          return NULL;
      if(p >= end)
        return NULL;
      p++;
    }
    else if(*p == '{' || *p == '[') {
      depth++;
      p++;
    }
    else if(*p == '}' || *p == ']') {
      if(--depth < 0)
        return NULL;
      p++;
    }
    else if(depth == 0) /* a number, true, false or null */
      return p + strcspn(p, ",}] \t\r\n");
    else
      while(p < end && *p != '"' && *p != '{' && *p != '}' && *p != '[' &&
            *p != ']')
        p++;
  } while(depth > 0);
  return p;
}

/* The top-level members a column is checked against. */
enum { M_KIND, M_ORDER, M_BATCH, M_DECISION, M_DECIDED_AT, M_AT, M_N };
static const char *const member_name[M_N] = { "kind",       "order_id",
                                              "batch",      "decision",
                                              "decided_at", "at" };

/* Finds the members of member_name in the object doc; -1 if doc is not
 * a JSON object. A scan, not a parse: the bytes were proved to be ones
 * chipgate wrote (their hash matched) before this reads them. */
static int doc_members(const char *doc, span out[M_N])
{
  const char *end = doc + strlen(doc), *p = skip_ws(doc, end);
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
  size_t i;

  if(!s.p || (s.n == 4 && !memcmp(s.p, "null", 4)))
    return NULL;
  if(!is_int && span_string(s, buf, size) == 0)
    return buf;
  for(i = 0; is_int && i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
    ;
  snprintf(buf, size, "%.*s", (int)(s.n < size ? s.n : size - 1), s.p);
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
} entry;

/* CG_OK if column col (NULL: SQL NULL) says what the hashed bytes say
 * (want, NULL: nothing); else CG_EINVAL naming entry and column. */
static int same(const char *label, const char *col_name, const char *col,
                const char *want, cg_error *err)
{
  if((!col && !want) || (col && want && strcmp(col, want) == 0))
    return CG_OK;
  return cg_error_set(err, CG_EINVAL,
                      "%s: column %s says %s, the hashed bytes say %s", label,
                      col_name, col ? col : "NULL", want ? want : "none");
}

/* Checks every column of e against its document, whose hash has been
 * proved. A decision's document is the typed decision (no "kind"); a
 * step's has "kind", "order_id" and "at" (cg_audit_step). */
static int check_columns(const entry *e, const char *col_oid, cg_error *err)
{
  char kind[32], oid[sizeof(((cg_order *)0)->order_id)], label[200];
  char batch[32], decision[32], at[64];
  const char *want_kind, *want_oid;
  span m[M_N];
  int step;

  if(doc_members(e->doc, m) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld: its hashed bytes are not a JSON object",
                        e->kind ? e->kind : "entry", (long long)e->seq);
  want_kind =
      m[M_KIND].p ? doc_value(m[M_KIND], 0, kind, sizeof(kind)) : "decision";
  step = m[M_KIND].p != NULL;
  want_oid = doc_value(m[M_ORDER], 0, oid, sizeof(oid));
  snprintf(label, sizeof(label), "%s %lld (order %s)",
           e->kind ? e->kind : "entry", (long long)e->seq,
           want_oid ? want_oid : "?");
  {
    /* Each column with what the bytes say it must hold. */
    const struct {
      const char *name, *col, *want;
    } c[] = {
      { "kind", e->kind, want_kind },
      { "order_id", col_oid, want_oid },
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
      if(same(label, c[i].name, c[i].col, c[i].want, err) != CG_OK)
        return CG_EINVAL;
  }
  return CG_OK;
}

/* Checks one entry: its link to the one before (prev, updated to its
 * hash), its seq, its hash, then its columns. */
static int check_entry(cg_store *db, const entry *e, const char *stored_prev,
                       const char *stored, char prev[CG_SHA256_HEX],
                       int64_t last_seq, cg_error *err)
{
  char hex[CG_SHA256_HEX], oid[sizeof(((cg_order *)0)->order_id) + 32];
  const char *what = e->kind ? e->kind : "entry";
  cg_order o;
  int rc;

  /* The order as the column names it; the document may say otherwise. */
  if(cg_order_get_id(db, e->order_row, &o, NULL) == CG_OK)
    snprintf(oid, sizeof(oid), "%s", o.order_id);
  else
    snprintf(oid, sizeof(oid), "row %lld (no such order)",
             (long long)e->order_row);
  if(strcmp(stored_prev, prev) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): previous-hash link is "
                        "broken (a row before it was removed or changed)",
                        what, (long long)e->seq, oid);
  /* Entries are numbered 1, 2, 3...: nothing is deleted, so a gap or a
   * renumbered entry is an edit the hashes alone would not show. */
  if(e->seq != last_seq + 1)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): column seq says %lld, "
                        "the entry before it is %lld (entries were "
                        "renumbered)",
                        what, (long long)e->seq, oid, (long long)e->seq,
                        (long long)last_seq);
  rc = cg_audit_chain_hash(prev, e->doc, strlen(e->doc), hex, err);
  if(rc != CG_OK)
    return rc;
  if(strcmp(hex, stored) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %lld (order %s): content does not match "
                        "its hash (changed after it was recorded)",
                        what, (long long)e->seq, oid);
  memcpy(prev, hex, CG_SHA256_HEX);
  return check_columns(e, oid, err);
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

int cg_audit_verify_anchor(cg_store *db, const cg_audit_head *anchor,
                           cg_audit_check *out, cg_error *err)
{
  char prev[CG_SHA256_HEX];
  cg_audit_head seen = { 0, { 0 } };
  cg_stmt *st = NULL;
  int rc;

  memset(out, 0, sizeof(*out));
  memcpy(prev, cg_audit_genesis, sizeof(prev));
  memcpy(out->head.hash, cg_audit_genesis, sizeof(prev));
  memcpy(seen.hash, cg_audit_genesis, sizeof(prev));
  rc = cg_store_prepare(db, &st,
                        "SELECT seq, order_id, kind, CAST(batch_id AS TEXT), "
                        "decision, decided_at, doc, prev_hash, hash FROM "
                        "decisions ORDER BY seq",
                        err);
  if(rc != CG_OK)
    return rc;
  while((rc = cg_stmt_step(st, err)) == 1) {
    entry e = { cg_stmt_int(st, 0),  cg_stmt_int(st, 1),  cg_stmt_text(st, 2),
                cg_stmt_text(st, 3), cg_stmt_text(st, 4), cg_stmt_text(st, 5),
                cg_stmt_text(st, 6) };

    out->entries++;
    out->decisions += e.kind && strcmp(e.kind, "decision") == 0;
    rc = check_entry(db, &e, cg_stmt_text(st, 7), cg_stmt_text(st, 8), prev,
                     out->head.seq, err);
    if(rc != CG_OK) {
      out->bad_seq = e.seq;
      break;
    }
    out->head.seq = e.seq;
    memcpy(out->head.hash, prev, sizeof(prev));
    if(anchor && e.seq == anchor->seq)
      seen = out->head;
  }
  cg_stmt_finalize(st);
  if(rc == 0 && anchor) {
    rc = check_anchor(anchor, &seen, out, err);
    if(rc != CG_OK)
      out->bad_seq = anchor->seq;
  }
  return rc < 0 ? rc : CG_OK;
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
