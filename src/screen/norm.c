/* norm.c -- name normalisation, token kinds and Jaro-Winkler for
 * the screen module (screen.h, internal.h). */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/text.h"
#include "core/translit.h"

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

/* Long legal words a typo is mended to ("Lmited" -> "limited"), before
 * the name table maps them to their code. */
static const char *const legal_long[] = {
  "limited",          "company",      "corporation", "incorporated",
  "liability",        "joint",        "stock",       "aktsionernoe",
  "obshchestvo",      "korporatsiya", "kompaniya",   "ogranichennoi",
  "otvetstvennostyu",
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

/* The legal alias of tok ("private" -> "pvt"), or tok. */
static const char *canonical(const char *tok)
{
  size_t i;

  for(i = 0; i < N_OF(legal_alias); i++)
    if(strcmp(tok, legal_alias[i].from) == 0)
      return legal_alias[i].to;
  return tok;
}

/* The long legal word tok misspells ("Lmited" -> "limited"), or tok:
 * run before the table so that its phrases match typed names. */
static const char *legal_spelling(const char *tok)
{
  size_t i, len = strlen(tok);

  if(len < 4 || cg_sx_token_kind(tok) != CG_TOK_WORD)
    return tok;
  for(i = 0; i < N_OF(legal_long); i++)
    if(cg_sx_edits(tok, legal_long[i], 1 + (len >= 7)) <= 1 + (len >= 7))
      return legal_long[i];
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

/* ==== The pipeline ==================================================== */

int cg_sx_norm_new(cg_sx_norm **out, cg_error *err)
{
  cg_sx_norm *n = calloc(1, sizeof(*n));
  int rc;

  *out = NULL;
  if(!n)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  rc = cg_sx_equiv_load(&n->eq, err);
  if(rc == CG_OK)
    rc = cg_translit_new(&n->tr, err);
  if(rc != CG_OK) {
    cg_sx_norm_free(n);
    return rc;
  }
  *out = n;
  return CG_OK;
}

void cg_sx_norm_free(cg_sx_norm *n)
{
  if(!n)
    return;
  cg_sx_equiv_free(n->eq);
  cg_translit_free(n->tr);
  free(n);
}

#define MAX_KEY 1024 /* bytes of a key transliterated */

/* Cyrillic and Greek letters (case-folded) that look like a Latin one. */
static const struct {
  int cp;
  char to;
} look_alike[] = {
  { 0x3b1, 'a' }, { 0x3b2, 'b' }, { 0x3b5, 'e' }, { 0x3b6, 'z' },
  { 0x3b7, 'h' }, { 0x3b9, 'i' }, { 0x3ba, 'k' }, { 0x3bc, 'm' },
  { 0x3bd, 'n' }, { 0x3bf, 'o' }, { 0x3c1, 'p' }, { 0x3c4, 't' },
  { 0x3c5, 'y' }, { 0x3c7, 'x' }, { 0x430, 'a' }, { 0x432, 'b' },
  { 0x435, 'e' }, { 0x43a, 'k' }, { 0x43c, 'm' }, { 0x43d, 'h' },
  { 0x43e, 'o' }, { 0x440, 'p' }, { 0x441, 'c' }, { 0x442, 't' },
  { 0x443, 'y' }, { 0x445, 'x' }, { 0x455, 's' }, { 0x456, 'i' },
  { 0x458, 'j' }, { 0x51b, 'q' }, { 0x51d, 'w' },
};

static char latin_look(int cp)
{
  size_t i;

  for(i = 0; i < N_OF(look_alike); i++)
    if(look_alike[i].cp == cp)
      return look_alike[i].to;
  return 0;
}

/* Whether s[0..n) has a Latin letter (*latin) and a letter of another
 * script that looks like no Latin one (*other). */
static void scan_look(const char *s, size_t n, int *latin, int *other)
{
  size_t i;
  int cp, step;

  *latin = *other = 0;
  for(i = 0; i < n;) {
    step = cg_text_next(s + i, n - i, &cp);
    if(step == 1)
      *latin |= cp >= 'a' && cp <= 'z';
    else if(step > 1 && !latin_look(cp))
      *other = 1;
    i += step > 0 ? (size_t)step : 1;
  }
}

/* A Latin name written with Cyrillic or Greek look-alikes ("Нuawei" with
 * a Cyrillic Н, "СО., LTD." with a Cyrillic С and О) is the Latin name
 * it shows, not a transliteration ("nuawei", "so"): the look-alikes of a
 * word that also has Latin letters are rewritten in place, and with
 * whole, every word made of look-alikes in a name that has Latin letters
 * and no other script. Without whole, Росатом in "Росатом
 * Microelectronics" stays Russian ("rosatom", not "pocatom"): a query is
 * searched both ways (screen.c). */
static void unmask_words(char *k, int whole)
{
  char *w = k;
  int latin, other, all;

  scan_look(k, strlen(k), &latin, &other);
  all = whole && latin && !other;
  while(*w) {
    size_t n = strcspn(w, " "), i, o = 0;
    int cp, step;

    scan_look(w, n, &latin, &other);
    if((all || latin) && !other)
      for(i = 0; i < n; i += (size_t)step) {
        step = cg_text_next(w + i, n - i, &cp);
        if(step <= 0)
          break;
        w[o++] = step > 1 ? latin_look(cp) : w[i];
      }
    else
      o = n;
    if(o < n)
      memmove(w + o, w + n, strlen(w + n) + 1);
    w += o;
    if(*w == ' ')
      w++;
  }
}

/* The name key of name, in Latin: a name with letters of another script
 * has the table's script variants replaced first (on the key with its
 * marks, so that й stays й), then is transliterated. */
static int latin_key(cg_sx_norm *nm, const char *name, int whole, char **key,
                     int *han, cg_error *err)
{
  char *k = NULL, *a = NULL, *lat = NULL;
  size_t i, n;
  int rc;

  *han = 0;
  if(!cg_translit_needed(name))
    return cg_text_name_key(key, name, err);
  rc = cg_text_name_key_marks(&k, name, err);
  /* Only the first words are scored, and ICU's Any-Latin is quadratic in
   * script runs: transliterate a bounded prefix (NFKC may have made one
   * code point, U+FDFA, into 18). */
  if(rc == CG_OK)
    unmask_words(k, whole);
  if(rc == CG_OK && strlen(k) > MAX_KEY) {
    k[MAX_KEY] = '\0';
    cg_text_cut(k);
  }
  for(i = 0, n = k ? strlen(k) : 0; rc == CG_OK && i < n && !*han;) {
    int cp, step = cg_text_next(k + i, n - i, &cp);

    *han = step > 0 && cg_translit_han(cp) != NULL;
    i += step > 0 ? (size_t)step : 1;
  }
  if(rc == CG_OK)
    rc = cg_sx_equiv_script(nm->eq, k, &a, err);
  if(rc == CG_OK)
    rc = cg_translit_latin(nm->tr, a, &lat, err);
  if(rc == CG_OK)
    rc = cg_text_name_key(key, lat, err);
  free(k);
  free(a);
  free(lat);
  return rc;
}

/* One key for the Russian adjective endings the lists write in several
 * schemes (BGN "sukhoy", "volzhskiy"; the lists "Sukhoi", "Volzhskii",
 * "Volzhsky"): word-final -oy -> -oi; -iy, -ii, -yy, -yi -> -i; -sky ->
 * -ski. On both sides, so an exact match stays exact. */
static void ru_ending(char *w)
{
  size_t n = strlen(w);

  if(n < 5)
    return;
  if(w[n - 2] == 'o' && w[n - 1] == 'y')
    w[n - 1] = 'i';
  else if((w[n - 2] == 'i' || w[n - 2] == 'y') &&
          (w[n - 1] == 'y' || w[n - 1] == 'i'))
    w[n - 2] = 'i', w[n - 1] = '\0';
  else if(w[n - 3] == 's' && w[n - 2] == 'k' && w[n - 1] == 'y')
    w[n - 1] = 'i';
}

#define MAX_RUN 64 /* syllables of a run segmented at once */

/* 1 if the syllables r[0..n) joined are a known word: a pinyin word of
 * the table, or (on the query side) a word of the list's vocabulary. */
static int known_word(const cg_sx_norm *nm, const cg_sx *vocab, char *const *r,
                      size_t n, char *buf, size_t cap)
{
  size_t i, o = 0;

  for(i = 0; i < n; i++) {
    size_t l = strlen(r[i]);

    if(o + l + 1 > cap)
      return 0;
    memcpy(buf + o, r[i], l);
    o += l;
  }
  buf[o] = '\0';
  if(cg_sx_equiv_is_pinyin(nm->eq, buf))
    return 1;
  /* The index holds words with their endings folded (ru_ending):
   * "tianyi" is there as "tiani". */
  ru_ending(buf);
  return vocab && cg_sx_vocab_word(vocab, buf);
}

/* Segments the run of single syllables r[0..n) into words: the most
 * syllables covered by known words, then the fewest segments (dynamic
 * programming: greedy joining reads "ji suan ji shu", computing
 * technology, as "jisuanji shu"). seg[k] gets each segment's length;
 * returns the count. */
static size_t segment(const cg_sx_norm *nm, const cg_sx *vocab, char *const *r,
                      size_t n, size_t *seg)
{
  size_t cov[MAX_RUN + 1], nseg[MAX_RUN + 1], len[MAX_RUN + 1];
  size_t i, l, k = 0, out[MAX_RUN];
  char buf[128];

  cov[0] = nseg[0] = 0;
  for(i = 1; i <= n; i++)
    cov[i] = 0, nseg[i] = (size_t)-1, len[i] = 1;
  for(i = 0; i < n; i++) {
    for(l = 1; l <= 6 && i + l <= n; l++) {
      size_t c = cov[i] + (l > 1 ? l : 0), s = nseg[i] + 1;

      if(l > 1 && !known_word(nm, vocab, r + i, l, buf, sizeof(buf)))
        continue;
      if(c > cov[i + l] || (c == cov[i + l] && s < nseg[i + l])) {
        cov[i + l] = c;
        nseg[i + l] = s;
        len[i + l] = l;
      }
    }
  }
  for(i = n; i > 0; i -= len[i])
    out[k++] = len[i];
  for(i = 0; i < k; i++)
    seg[i] = out[k - 1 - i];
  return k;
}

/* Merges runs of one-syllable segments of seg[0..n) into one segment;
 * returns the new count. */
static size_t glue_singles(size_t *seg, size_t n)
{
  size_t i, o = 0;
  int singles = 0; /* seg[o - 1] is made of one-syllable segments */

  for(i = 0; i < n; i++) {
    if(seg[i] == 1 && singles)
      seg[o - 1]++;
    else {
      singles = seg[i] == 1;
      seg[o++] = seg[i];
    }
  }
  return o;
}

/* Joins the syllables of romanised Chinese into words ("hua wei" ->
 * "huawei" when that is a word of the list, "you xian gong si" ->
 * "youxian gongsi"): w[0..n) is rewritten, joined words written into
 * pool (at least as long as the key). With glue, syllables left between
 * known words are joined too (摩尔线程 "mo er xian cheng" -> "moer
 * xiancheng", one edit from the listed "Mo'er Xianchen"): Chinese
 * writes no spaces, so a word the list spells otherwise is still one
 * word. Returns the new count. */
static size_t join_syllables(const cg_sx_norm *nm, const cg_sx *vocab,
                             int glue, char **w, size_t n, char *pool)
{
  size_t i = 0, o = 0, p = 0;

  while(i < n) {
    size_t j = i, seg[MAX_RUN], ns, k, at;

    while(j < n && j - i < MAX_RUN &&
          cg_translit_is_syllable(w[j], strlen(w[j])))
      j++;
    if(j - i < 2) {
      w[o++] = w[i++];
      continue;
    }
    ns = segment(nm, vocab, w + i, j - i, seg);
    if(glue)
      ns = glue_singles(seg, ns);
    for(k = 0, at = i; k < ns; at += seg[k], k++) {
      size_t m, start = p;

      for(m = 0; m < seg[k]; m++) {
        size_t l = strlen(w[at + m]);

        memcpy(pool + p, w[at + m], l);
        p += l;
      }
      pool[p++] = '\0';
      w[o++] = pool + start;
    }
    i = j;
  }
  return o;
}

/* Rewrites w[0..nw) by the table, the legal phrases and the legal
 * spellings into t[] and kind[]; returns the count. */
static size_t rewrite_pass(const cg_sx_norm *nm, char **w, size_t nw,
                           const char **t, unsigned char *kind)
{
  size_t i = 0, n = 0;

  while(i < nw && n < CG_SX_MAX_TOKENS) {
    const char *const *canon = NULL;
    const char *to = NULL;
    size_t nc = 0, k, j;
    int legal = 0;

    k = cg_sx_equiv_latin(nm->eq, (const char *const *)w, nw, i, &canon, &nc,
                          &legal);
    if(!k && cg_sx_equiv_fuzzy(nm->eq, w[i], &canon, &nc, &legal))
      k = 1;
    if(k) {
      for(j = 0; j < nc && n < CG_SX_MAX_TOKENS; j++) {
        t[n] = canon[j];
        kind[n++] =
            legal ? CG_TOK_LEGAL : (unsigned char)cg_sx_token_kind(canon[j]);
      }
      i += k;
      continue;
    }
    k = phrase_at(w, nw, i, &to);
    if(k)
      i += k;
    else
      to = canonical(w[i++]);
    t[n] = to;
    kind[n++] = cg_sx_equiv_is_legal(nm->eq, to)
                    ? CG_TOK_LEGAL
                    : (unsigned char)cg_sx_token_kind(to);
  }
  return n;
}

static int has_word(const unsigned char *kind, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    if(kind[i] == CG_TOK_WORD || kind[i] == CG_TOK_NUMBER)
      return 1;
  return 0;
}

/* rewrite_pass after mending misspelt long legal words ("Lmited"), but
 * not when mending would leave the name no word at all: "Stork OOO" is
 * the listed STORK, not "stock" plus a legal form. */
static size_t rewrite(const cg_sx_norm *nm, char **w, size_t nw,
                      const char **t, unsigned char *kind)
{
  char *orig[256];
  size_t i, n;
  int mended = 0;

  for(i = 0; i < nw && i < 256; i++) {
    orig[i] = w[i];
    w[i] = (char *)legal_spelling(w[i]);
    mended |= w[i] != orig[i];
  }
  n = rewrite_pass(nm, w, nw, t, kind);
  if(mended && !has_word(kind, n)) {
    for(i = 0; i < nw && i < 256; i++)
      w[i] = orig[i];
    n = rewrite_pass(nm, w, nw, t, kind);
  }
  return n;
}

int cg_sx_tokenise(cg_sx_norm *nm, const cg_sx *vocab, int flags,
                   cg_sx_tokens *out, const char *name, cg_error *err)
{
  char *key = NULL, *pool = NULL;
  char *w[256];
  const char *t[CG_SX_MAX_TOKENS];
  unsigned char kind[CG_SX_MAX_TOKENS];
  size_t nw, i, n, total = 1, o = 0;
  int rc;

  memset(out, 0, sizeof(*out));
  rc = latin_key(nm, name, flags & CG_SX_LOOKALIKE, &key, &out->han, err);
  if(rc != CG_OK)
    return rc;
  pool = malloc(strlen(key) + 1);
  if(!pool) {
    free(key);
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  }
  nw = split_words(key, w, N_OF(w));
  nw =
      join_syllables(nm, vocab, (flags & CG_SX_GLUE) && out->han, w, nw, pool);
  n = rewrite(nm, w, nw, t, kind);
  /* Canonical forms may be longer than the words they replace: size the
   * buffer from them. */
  for(i = 0; i < n; i++)
    total += strlen(t[i]) + 1;
  out->text = malloc(total);
  if(!out->text) {
    free(key);
    free(pool);
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  }
  for(i = 0; i < n; i++) {
    size_t tl = strlen(t[i]);

    memcpy(out->text + o, t[i], tl + 1);
    out->tok[i] = out->text + o;
    out->kind[i] = kind[i];
    if(kind[i] == CG_TOK_WORD)
      ru_ending(out->text + o);
    o += tl + 1;
  }
  out->n = n;
  free(key);
  free(pool);
  return CG_OK;
}

void cg_sx_tokens_free(cg_sx_tokens *t)
{
  if(!t)
    return;
  free(t->text);
  memset(t, 0, sizeof(*t));
}

int cg_sx_tokens_same(const cg_sx_tokens *a, const cg_sx_tokens *b)
{
  size_t i;

  if(a->n != b->n)
    return 0;
  for(i = 0; i < a->n; i++)
    if(strcmp(a->tok[i], b->tok[i]) != 0)
      return 0;
  return 1;
}

int cg_sx_tokens_join(const cg_sx_tokens *t, char **out, cg_error *err)
{
  size_t i, len = 0, o = 0;
  char *s;

  *out = NULL;
  for(i = 0; i < t->n; i++)
    len += strlen(t->tok[i]) + 1;
  s = malloc(len + 1);
  if(!s)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  for(i = 0; i < t->n; i++) {
    size_t tl = strlen(t->tok[i]);

    if(i)
      s[o++] = ' ';
    memcpy(s + o, t->tok[i], tl);
    o += tl;
  }
  s[o] = '\0';
  *out = s;
  return CG_OK;
}

int cg_screen_normalise(char **out, const char *name, cg_error *err)
{
  cg_sx_norm *nm = NULL;
  cg_sx_tokens t;
  int rc;

  *out = NULL;
  rc = cg_sx_norm_new(&nm, err);
  if(rc == CG_OK)
    rc = cg_sx_tokenise(nm, NULL, 0, &t, name, err);
  if(rc == CG_OK) {
    rc = cg_sx_tokens_join(&t, out, err);
    cg_sx_tokens_free(&t);
  }
  cg_sx_norm_free(nm);
  return rc;
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
