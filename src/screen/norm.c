/* norm.c -- name normalisation, token kinds and Jaro-Winkler for
 * the screen module (screen.h, internal.h). */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/text.h"

#include <stdlib.h>
#include <string.h>

/* ==== Legal forms and stop words ====================================== */

/* Spellings mapped to one canonical legal form. */
static const struct {
  const char *from; /* as in a name key */
  const char *to;   /* canonical */
} legal_alias[] = {
  { "limited", "ltd" },      { "company", "co" },
  { "corporation", "corp" }, { "incorporated", "inc" },
  { "private", "pvt" },      { "compania", "cia" },
  { "societe", "ste" },      { "gesellschaft", "gmbh" },
};

/* Canonical legal forms (sorted is not required: the list is short). */
static const char *const legal_forms[] = {
  "ltd", "co", "corp", "inc", "llc", "llp", "lp", "plc", "gmbh", "ag", "kg",
  "sa", "sas", "sarl", "srl", "spa", "sl", "bv", "nv", "oy", "ab", "pte",
  "pvt", "pty", "jsc", "ojsc", "cjsc", "pjsc", "ooo", "oao", "zao", "pao",
  "ao", "tov", "fze", "fzco", "fzc", "dmcc", "est", "sdn", "bhd", "kk", "lda",
  "ltda", "sti", "sac", "cia", "ste", "cv", "sro", "as", "doo", "ead", "ood",
  "aps", "bvba", "kft", "zrt", "spzoo", "joint", "stock", "liability",
  /* Russian legal forms as transliterated on the lists. */
  "aktsionernoe", "obshchestvo", "korporatsiya", "kompaniya", "ogranichennoi",
  "ogranichennoy", "otvetstvennostyu", "otvetstvennostiu"
};

static const char *const stop_words[] = { "of",  "and", "the", "for", "de",
                                          "da",  "do",  "del", "la",  "le",
                                          "des", "du",  "di",  "y",   "et",
                                          "und", "a",   "an",  "in",  "on" };

/* Spelled-out letters merged into one legal form ("S. A." -> "sa"). */
static const struct {
  const char *words[4]; /* NULL-terminated */
  const char *to;
} legal_phrases[] = {
  { { "s", "a", NULL, NULL }, "sa" },   { { "s", "l", NULL, NULL }, "sl" },
  { { "b", "v", NULL, NULL }, "bv" },   { { "n", "v", NULL, NULL }, "nv" },
  { { "s", "r", "l", NULL }, "srl" },   { { "l", "l", "c", NULL }, "llc" },
  { { "sp", "z", "o", "o" }, "spzoo" },
};

/* Long legal words a typo is mapped back to ("Lmited" -> "ltd"). */
static const struct {
  const char *word;
  const char *to;
} legal_long[] = {
  { "limited", "ltd" },
  { "company", "co" },
  { "corporation", "corp" },
  { "incorporated", "inc" },
  { "liability", "liability" },
  { "joint", "joint" },
  { "stock", "stock" },
  { "aktsionernoe", "aktsionernoe" },
  { "obshchestvo", "obshchestvo" },
  { "korporatsiya", "korporatsiya" },
  { "kompaniya", "kompaniya" },
  { "ogranichennoi", "ogranichennoi" },
  { "otvetstvennostyu", "otvetstvennostyu" },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int in_list(const char *tok, const char *const *list, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    if(strcmp(tok, list[i]) == 0)
      return 1;
  return 0;
}

int cg_sx_token_kind(const char *tok)
{
  const char *p;

  for(p = tok; *p; p++)
    if(*p >= '0' && *p <= '9')
      return CG_TOK_NUMBER;
  if(in_list(tok, legal_forms, N_OF(legal_forms)))
    return CG_TOK_LEGAL;
  if(in_list(tok, stop_words, N_OF(stop_words)))
    return CG_TOK_STOP;
  return CG_TOK_WORD;
}

static const char *canonical(const char *tok)
{
  size_t i, len = strlen(tok);

  for(i = 0; i < N_OF(legal_alias); i++)
    if(strcmp(tok, legal_alias[i].from) == 0)
      return legal_alias[i].to;
  if(len < 4 || cg_sx_token_kind(tok) != CG_TOK_WORD)
    return tok;
  /* A misspelt long legal word is still a legal form. */
  for(i = 0; i < N_OF(legal_long); i++)
    if(cg_sx_edits(tok, legal_long[i].word, 1 + (len >= 7)) <= 1 + (len >= 7))
      return legal_long[i].to;
  return tok;
}

/* Splits key (modified in place) into words; returns the count. */
static size_t split_words(char *key, char **w, size_t max)
{
  size_t n = 0;
  char *p = key;

  while(*p && n < max) {
    w[n++] = p;
    p = strchr(p, ' ');
    if(!p)
      break;
    *p++ = '\0';
  }
  return n;
}

/* Length of the legal phrase starting at w[i], or 0. */
static size_t phrase_at(char **w, size_t n, size_t i, const char **to)
{
  size_t k, j;

  for(k = 0; k < N_OF(legal_phrases); k++) {
    for(j = 0; j < 4 && legal_phrases[k].words[j]; j++)
      if(i + j >= n || strcmp(w[i + j], legal_phrases[k].words[j]) != 0)
        break;
    if(j > 0 && (j == 4 || !legal_phrases[k].words[j])) {
      *to = legal_phrases[k].to;
      return j;
    }
  }
  return 0;
}

int cg_sx_tokenise(cg_sx_tokens *out, const char *name, cg_error *err)
{
  char *key = NULL;
  char *w[256];
  const char *t[CG_SX_MAX_TOKENS];
  size_t nw, i, n = 0, total = 1, o = 0;
  int rc;

  memset(out, 0, sizeof(*out));
  rc = cg_text_name_key(&key, name, err);
  if(rc != CG_OK)
    return rc;
  nw = split_words(key, w, N_OF(w));
  /* Canonical forms may be longer than the words they replace ("stok"
   * -> "stock"): size the buffer from them. */
  for(i = 0; i < nw && n < CG_SX_MAX_TOKENS;) {
    const char *to = NULL;
    size_t k = phrase_at(w, nw, i, &to);

    if(k) {
      t[n] = to;
      i += k;
    }
    else {
      t[n] = canonical(w[i]);
      i++;
    }
    total += strlen(t[n++]) + 1;
  }
  out->text = malloc(total);
  if(!out->text) {
    free(key);
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  }
  for(i = 0; i < n; i++) {
    size_t tl = strlen(t[i]);

    memcpy(out->text + o, t[i], tl + 1);
    out->tok[i] = out->text + o;
    out->kind[i] = (unsigned char)cg_sx_token_kind(t[i]);
    o += tl + 1;
  }
  out->n = n;
  free(key);
  return CG_OK;
}

void cg_sx_tokens_free(cg_sx_tokens *t)
{
  if(!t)
    return;
  free(t->text);
  memset(t, 0, sizeof(*t));
}

int cg_screen_normalise(char **out, const char *name, cg_error *err)
{
  cg_sx_tokens t;
  size_t i, len = 0, o = 0;
  char *s;
  int rc;

  *out = NULL;
  rc = cg_sx_tokenise(&t, name, err);
  if(rc != CG_OK)
    return rc;
  for(i = 0; i < t.n; i++)
    len += strlen(t.tok[i]) + 1;
  s = malloc(len + 1);
  if(!s) {
    cg_sx_tokens_free(&t);
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  }
  for(i = 0; i < t.n; i++) {
    size_t tl = strlen(t.tok[i]);

    if(i)
      s[o++] = ' ';
    memcpy(s + o, t.tok[i], tl);
    o += tl;
  }
  s[o] = '\0';
  cg_sx_tokens_free(&t);
  *out = s;
  return CG_OK;
}

/* ==== Jaro-Winkler ==================================================== */

static size_t decode(const char *s, int *cp, size_t max)
{
  size_t n = 0, len = strlen(s), i = 0;

  while(i < len && n < max) {
    int k;

    if((unsigned char)s[i] < 0x80) {
      cp[n++] = (unsigned char)s[i++];
      continue;
    }
    k = cg_text_next(s + i, len - i, &cp[n]);
    if(k <= 0)
      break;
    n++;
    i += (size_t)k;
  }
  return n;
}

int cg_sx_edits(const char *a, const char *b, int max)
{
  int ca[CG_SX_MAX_CP], cb[CG_SX_MAX_CP];
  int d[3][CG_SX_MAX_CP + 1];
  size_t na = decode(a, ca, CG_SX_MAX_CP), nb = decode(b, cb, CG_SX_MAX_CP);
  size_t i, j;

  if((na > nb ? na - nb : nb - na) > (size_t)max)
    return max + 1;
  for(j = 0; j <= nb; j++)
    d[0][j] = (int)j;
  for(i = 1; i <= na; i++) {
    int *cur = d[i % 3], *prev = d[(i + 2) % 3], *pp = d[(i + 1) % 3];
    int best = max + 1;

    cur[0] = (int)i;
    for(j = 1; j <= nb; j++) {
      int cost = ca[i - 1] != cb[j - 1];
      int v = prev[j] + 1;

      if(cur[j - 1] + 1 < v)
        v = cur[j - 1] + 1;
      if(prev[j - 1] + cost < v)
        v = prev[j - 1] + cost;
      if(i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] &&
         pp[j - 2] + 1 < v)
        v = pp[j - 2] + 1;
      cur[j] = v;
      if(v < best)
        best = v;
    }
    if(best > max)
      return max + 1;
  }
  return d[na % 3][nb] > max ? max + 1 : d[na % 3][nb];
}

size_t cg_sx_cp_len(const char *s)
{
  int cp[CG_SX_MAX_CP];

  return decode(s, cp, CG_SX_MAX_CP);
}

double cg_sx_jaro_winkler(const char *a, const char *b)
{
  int ca[CG_SX_MAX_CP], cb[CG_SX_MAX_CP];
  unsigned char ma[CG_SX_MAX_CP], mb[CG_SX_MAX_CP];
  size_t na = decode(a, ca, CG_SX_MAX_CP), nb = decode(b, cb, CG_SX_MAX_CP);
  size_t i, j, k, range, m = 0, t = 0, prefix = 0;
  double jaro;

  if(!na || !nb)
    return na == nb ? 1.0 : 0.0;
  range = (na > nb ? na : nb) / 2;
  range = range ? range - 1 : 0;
  memset(ma, 0, na);
  memset(mb, 0, nb);
  for(i = 0; i < na; i++) {
    size_t lo = i > range ? i - range : 0;
    size_t hi = i + range + 1 < nb ? i + range + 1 : nb;

    for(j = lo; j < hi; j++) {
      if(!mb[j] && ca[i] == cb[j]) {
        ma[i] = mb[j] = 1;
        m++;
        break;
      }
    }
  }
  if(!m)
    return 0.0;
  for(i = 0, k = 0; i < na; i++) {
    if(!ma[i])
      continue;
    while(!mb[k])
      k++;
    if(ca[i] != cb[k])
      t++;
    k++;
  }
  jaro = ((double)m / (double)na + (double)m / (double)nb +
          ((double)m - (double)t / 2.0) / (double)m) /
         3.0;
  if(jaro <= 0.7)
    return jaro;
  while(prefix < 4 && prefix < na && prefix < nb && ca[prefix] == cb[prefix])
    prefix++;
  return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

double cg_sx_token_sim(const char *a, const char *b)
{
  size_t la = cg_sx_cp_len(a), lb = cg_sx_cp_len(b);
  size_t m = la < lb ? la : lb, mx = la > lb ? la : lb;
  int allowed = m <= 3 ? 0 : m <= 5 ? 1 : m <= 9 ? 2 : 3;
  int d = cg_sx_edits(a, b, allowed);
  double s;

  if(d > allowed || !mx)
    return 0.0;
  s = cg_sx_jaro_winkler(a, b) * (1.0 - 0.25 * (double)d / (double)mx);
  return s >= CG_SX_TOKEN_MIN ? s : 0.0;
}
