/* lexer.c -- rule source bytes -> tokens. First validates the whole file
 * (UTF-8, NUL bytes, line length), so later stages only see clean text. */
#include "rules/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Diagnostics
 * ====================================================================== */

int cg_diag_add(cg_rules_diags *d, const char *file, int line, int col,
                const char *fmt, ...)
{
  char msg[512];
  cg_rules_diag *it;
  va_list ap;

  if(!d)
    return CG_OK;
  if(d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 16;
    cg_rules_diag *v = realloc(d->items, cap * sizeof(*v));
    if(!v)
      return CG_ENOMEM;
    d->items = v;
    d->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  it = &d->items[d->n];
  it->file = strdup(file ? file : "?");
  it->msg = strdup(msg);
  if(!it->file || !it->msg) {
    free(it->file);
    free(it->msg);
    return CG_ENOMEM;
  }
  it->line = line;
  it->col = col;
  d->n++;
  return CG_OK;
}

void cg_rules_diags_clear(cg_rules_diags *d)
{
  size_t i;

  if(!d)
    return;
  for(i = 0; i < d->n; i++) {
    free(d->items[i].file);
    free(d->items[i].msg);
  }
  free(d->items);
  d->items = NULL;
  d->n = d->cap = 0;
}

void cg_rules_diag_format(const cg_rules_diag *d, char *buf, size_t size)
{
  snprintf(buf, size, "%s:%d:%d: %s", d->file, d->line, d->col, d->msg);
}

/* ======================================================================
 * Validation pass
 * ====================================================================== */

/* Length of a valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
  unsigned c = p[0];

  if(c < 0x80)
    return 1;
  if(c >= 0xC2 && c <= 0xDF)
    return (n >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
  if(c >= 0xE0 && c <= 0xEF) {
    if(n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
      return 0;
    if(c == 0xE0 && p[1] < 0xA0)
      return 0; /* overlong */
    if(c == 0xED && p[1] >= 0xA0)
      return 0; /* surrogate */
    return 3;
  }
  if(c >= 0xF0 && c <= 0xF4) {
    if(n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
       (p[3] & 0xC0) != 0x80)
      return 0;
    if(c == 0xF0 && p[1] < 0x90)
      return 0;
    if(c == 0xF4 && p[1] >= 0x90)
      return 0;
    return 4;
  }
  return 0;
}

static int validate(const char *file, const char *text, size_t len,
                    cg_rules_diags *diags)
{
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  int line = 1, errors = 0;

  while(i < len) {
    size_t start = i, end = i;
    int col = 1, bad = 0;

    while(end < len && s[end] != '\n')
      end++;
    if(end - start > CG_RULES_MAX_LINE) {
      if(cg_diag_add(diags, file, line, CG_RULES_MAX_LINE + 1,
                     "line too long: %zu bytes, at most %d allowed",
                     end - start, CG_RULES_MAX_LINE) != CG_OK)
        return CG_ENOMEM;
      errors++;
    }
    else {
      for(i = start; i < end && !bad;) {
        size_t k;
        if(s[i] == 0) {
          if(cg_diag_add(diags, file, line, col, "NUL byte in source") !=
             CG_OK)
            return CG_ENOMEM;
          errors++;
          bad = 1;
          break;
        }
        k = utf8_len(s + i, end - i);
        if(!k) {
          if(cg_diag_add(diags, file, line, col, "invalid UTF-8 (byte 0x%02X)",
                         s[i]) != CG_OK)
            return CG_ENOMEM;
          errors++;
          bad = 1;
          break;
        }
        i += k;
        col++;
      }
    }
    i = end < len ? end + 1 : end;
    line++;
  }
  return errors;
}

/* ======================================================================
 * Lexer
 * ====================================================================== */

typedef struct lexer {
  const char *file;
  const char *s;
  size_t len, i;
  int line, col;
  cg_tokens *out;
  cg_rules_diags *diags;
  int errors;
  int oom;
} lexer;

static int peekc(const lexer *lx, size_t k)
{
  return lx->i + k < lx->len ? (unsigned char)lx->s[lx->i + k] : -1;
}

static void adv(lexer *lx)
{
  unsigned char c = (unsigned char)lx->s[lx->i++];

  if(c == '\n') {
    lx->line++;
    lx->col = 1;
  }
  else if((c & 0xC0) != 0x80) {
    lx->col++;
  }
}

static void lex_error(lexer *lx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void lex_error(lexer *lx, int line, int col, const char *fmt, ...)
{
  char msg[400];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if(cg_diag_add(lx->diags, lx->file, line, col, "%s", msg) != CG_OK)
    lx->oom = 1;
  lx->errors++;
}

static cg_token *push(lexer *lx, tok_kind k, int line, int col, size_t off)
{
  cg_tokens *t = lx->out;
  cg_token *tk;

  if(t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    cg_token *v = realloc(t->v, cap * sizeof(*v));
    if(!v) {
      lx->oom = 1;
      return NULL;
    }
    t->v = v;
    t->cap = cap;
  }
  tk = &t->v[t->n++];
  memset(tk, 0, sizeof(*tk));
  tk->kind = k;
  tk->line = line;
  tk->col = col;
  tk->off = off;
  tk->end = lx->i;
  return tk;
}

/* Gives back the unused tail of a CG_RULES_MAX_LINE scratch buffer that
 * becomes a token's text (one per string literal adds up). Keeps buf if
 * the shrink fails. */
static char *fit(char *buf, size_t n)
{
  char *v = realloc(buf, n + 1);

  return v ? v : buf;
}

static char *dup_range(lexer *lx, const char *p, size_t n)
{
  char *s = malloc(n + 1);

  if(!s) {
    lx->oom = 1;
    return NULL;
  }
  memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

static int is_ident_start(int c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_ident_char(int c)
{
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static int is_digit(int c)
{
  return c >= '0' && c <= '9';
}

static void lex_number(lexer *lx, int line, int col, size_t off)
{
  char buf[64];
  char *end;
  size_t n;
  cg_token *tk;

  if(peekc(lx, 0) == '-')
    adv(lx);
  while(is_digit(peekc(lx, 0)))
    adv(lx);
  if(peekc(lx, 0) == '.' && is_digit(peekc(lx, 1))) {
    adv(lx);
    while(is_digit(peekc(lx, 0)))
      adv(lx);
  }
  if(peekc(lx, 0) == 'e' || peekc(lx, 0) == 'E') {
    int k = 1;
    if(peekc(lx, 1) == '+' || peekc(lx, 1) == '-')
      k = 2;
    if(is_digit(peekc(lx, (size_t)k))) {
      while(k-- > 0)
        adv(lx);
      while(is_digit(peekc(lx, 0)))
        adv(lx);
    }
  }
  n = lx->i - off;
  if(is_ident_char(peekc(lx, 0)) || n >= sizeof(buf)) {
    while(is_ident_char(peekc(lx, 0)))
      adv(lx);
    lex_error(lx, line, col, "malformed number '%.*s'",
              (int)(lx->i - off > 40 ? 40 : lx->i - off), lx->s + off);
    return;
  }
  memcpy(buf, lx->s + off, n);
  buf[n] = '\0';
  tk = push(lx, T_NUMBER, line, col, off);
  if(tk)
    tk->num = strtod(buf, &end);
}

static void lex_string(lexer *lx, int line, int col, size_t off)
{
  char *buf;
  size_t n = 0;
  cg_token *tk;

  adv(lx); /* opening quote */
  buf = malloc(CG_RULES_MAX_LINE + 1);
  if(!buf) {
    lx->oom = 1;
    return;
  }
  for(;;) {
    int c = peekc(lx, 0);
    if(c < 0 || c == '\n') {
      lex_error(lx, line, col, "unterminated string: expected '\"'");
      free(buf);
      return;
    }
    adv(lx);
    if(c == '"')
      break;
    if(c == '\\') {
      int e = peekc(lx, 0);
      if(e == '"' || e == '\\')
        c = e;
      else if(e == 'n')
        c = '\n';
      else if(e == 't')
        c = '\t';
      else {
        lex_error(lx, lx->line, lx->col - 1,
                  "unknown escape '\\%c' in string: expected \\\" \\\\ "
                  "\\n or \\t",
                  e > 32 && e < 127 ? e : '?');
        c = -1;
      }
      if(e >= 0 && e != '\n')
        adv(lx);
      if(c < 0)
        continue;
    }
    buf[n++] = (char)c; /* n <= line length <= CG_RULES_MAX_LINE */
  }
  buf[n] = '\0';
  tk = push(lx, T_STRING, line, col, off);
  if(!tk) {
    free(buf);
    return;
  }
  tk->text = fit(buf, n);
}

static void lex_regex(lexer *lx, int line, int col, size_t off)
{
  char *buf;
  size_t n = 0;
  int flags = 0;
  cg_token *tk;

  adv(lx); /* opening slash */
  buf = malloc(CG_RULES_MAX_LINE + 1);
  if(!buf) {
    lx->oom = 1;
    return;
  }
  for(;;) {
    int c = peekc(lx, 0);
    if(c < 0 || c == '\n') {
      lex_error(lx, line, col, "unterminated regex: expected '/'");
      free(buf);
      return;
    }
    adv(lx);
    if(c == '/')
      break;
    if(c == '\\' && peekc(lx, 0) == '/') {
      adv(lx);
      c = '/';
    }
    else if(c == '\\' && peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n') {
      buf[n++] = '\\';
      c = peekc(lx, 0);
      adv(lx);
    }
    buf[n++] = (char)c;
  }
  buf[n] = '\0';
  while(is_ident_start(peekc(lx, 0))) {
    int f = peekc(lx, 0);
    if(f == 'i')
      flags |= CG_PATTERN_CASELESS;
    else
      lex_error(lx, lx->line, lx->col, "unknown regex flag '%c': expected 'i'",
                f);
    adv(lx);
  }
  tk = push(lx, T_REGEX, line, col, off);
  if(!tk) {
    free(buf);
    return;
  }
  tk->text = fit(buf, n);
  tk->num = flags;
}

/* YYYY-MM-DD at the cursor (then a date, else a number). */
static int date_ahead(lexer *lx)
{
  return lx->i + 10 <= lx->len && is_digit(peekc(lx, 1)) &&
         is_digit(peekc(lx, 2)) && is_digit(peekc(lx, 3)) &&
         peekc(lx, 4) == '-' && is_digit(peekc(lx, 5)) &&
         is_digit(peekc(lx, 6)) && peekc(lx, 7) == '-' &&
         is_digit(peekc(lx, 8)) && is_digit(peekc(lx, 9)) &&
         !is_ident_char(peekc(lx, 10));
}

static void lex_ident(lexer *lx, int line, int col, size_t off)
{
  cg_token *tk;

  while(is_ident_char(peekc(lx, 0)))
    adv(lx);
  tk = push(lx, T_IDENT, line, col, off);
  if(tk)
    tk->text = dup_range(lx, lx->s + off, lx->i - off);
}

static void lex_date(lexer *lx, int line, int col, size_t off)
{
  cg_token *tk;
  int i;

  for(i = 0; i < 10; i++)
    adv(lx);
  tk = push(lx, T_DATE, line, col, off);
  if(tk)
    tk->text = dup_range(lx, lx->s + off, 10);
}

/* Operators and brackets; anything else is reported and skipped (a
 * non-ASCII character as a whole). */
static void lex_punct(lexer *lx, int c, int line, int col, size_t off)
{
  tok_kind k = T_EOF;

  switch(c) {
  case '[':
    k = T_LBRACK;
    break;
  case ']':
    k = T_RBRACK;
    break;
  case '(':
    k = T_LPAREN;
    break;
  case ')':
    k = T_RPAREN;
    break;
  case ',':
    k = T_COMMA;
    break;
  case '=':
    k = peekc(lx, 1) == '=' ? T_EQ : T_ASSIGN;
    break;
  case '!':
    k = peekc(lx, 1) == '=' ? T_NE : T_EOF;
    break;
  case '<':
    k = peekc(lx, 1) == '=' ? T_LE : T_LT;
    break;
  case '>':
    k = peekc(lx, 1) == '=' ? T_GE : T_GT;
    break;
  default:
    break;
  }
  if(k == T_EOF) {
    if(c >= 0x80) {
      lex_error(lx, line, col, "unexpected non-ASCII character");
      adv(lx);
      while(peekc(lx, 0) >= 0 && (peekc(lx, 0) & 0xC0) == 0x80)
        adv(lx);
    }
    else {
      lex_error(lx, line, col, "unexpected character '%c'", c);
      adv(lx);
    }
    return;
  }
  adv(lx);
  if(k == T_EQ || k == T_NE || k == T_LE || k == T_GE)
    adv(lx);
  push(lx, k, line, col, off);
}

/* Skips blanks or a comment, or lexes one token. 0 at the end of the
 * text. */
static int lex_next(lexer *lx)
{
  int c = peekc(lx, 0);
  int line = lx->line, col = lx->col;
  size_t off = lx->i;

  if(c < 0)
    return 0;
  if(c == ' ' || c == '\t' || c == '\r' || c == '\n')
    adv(lx);
  else if(c == '#') {
    while(peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
      adv(lx);
  }
  else if(is_ident_start(c))
    lex_ident(lx, line, col, off);
  else if(is_digit(c) && date_ahead(lx))
    lex_date(lx, line, col, off);
  else if(is_digit(c) || (c == '-' && is_digit(peekc(lx, 1))))
    lex_number(lx, line, col, off);
  else if(c == '"')
    lex_string(lx, line, col, off);
  else if(c == '/')
    lex_regex(lx, line, col, off);
  else
    lex_punct(lx, c, line, col, off);
  return 1;
}

int cg_lex(const char *file, const char *text, size_t len, cg_tokens *out,
           cg_rules_diags *diags)
{
  lexer lx;
  int rc;

  memset(out, 0, sizeof(*out));
  rc = validate(file, text, len, diags);
  if(rc != 0)
    return rc; /* errors (or CG_ENOMEM): do not lex unclean text */
  memset(&lx, 0, sizeof(lx));
  lx.file = file;
  lx.s = text;
  lx.len = len;
  lx.line = 1;
  lx.col = 1;
  lx.out = out;
  lx.diags = diags;
  while(!lx.oom && lex_next(&lx))
    ;
  if(!lx.oom)
    push(&lx, T_EOF, lx.line, lx.col, lx.i);
  if(lx.oom)
    return CG_ENOMEM;
  return lx.errors;
}

void cg_tokens_free(cg_tokens *t)
{
  size_t i;

  if(!t)
    return;
  for(i = 0; i < t->n; i++)
    free(t->v[i].text);
  free(t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

const char *cg_tok_kind_name(tok_kind k)
{
  switch(k) {
  case T_EOF:
    return "end of file";
  case T_IDENT:
    return "identifier";
  case T_NUMBER:
    return "number";
  case T_STRING:
    return "string";
  case T_DATE:
    return "date";
  case T_REGEX:
    return "regex";
  case T_LBRACK:
    return "'['";
  case T_RBRACK:
    return "']'";
  case T_LPAREN:
    return "'('";
  case T_RPAREN:
    return "')'";
  case T_COMMA:
    return "','";
  case T_EQ:
    return "'=='";
  case T_NE:
    return "'!='";
  case T_LT:
    return "'<'";
  case T_LE:
    return "'<='";
  case T_GT:
    return "'>'";
  case T_GE:
    return "'>='";
  case T_ASSIGN:
    return "'='";
  }
  return "token";
}
