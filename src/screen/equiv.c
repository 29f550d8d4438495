/* equiv.c -- the name equivalents table (db/seed/name_equivalents.csv,
 * compiled in) for the screen module's normaliser (internal.h).
 *
 * Rows whose variant is in another script (有限公司, ооо, 长安) are
 * matched in the name key before transliteration, Han anywhere inside a
 * run of Han (Chinese has no spaces) and the rest as whole words; rows
 * whose variant is Latin are matched as whole token sequences after it,
 * longest first. Both sides of a screening (the list names at index
 * build and the query) go through the same table. */
#include "screen/internal.h"

#include "core/csvfile.h"
#include "core/text.h"
#include "core/translit.h"

#include <stdlib.h>
#include <string.h>

extern const char cg_name_equivalents_csv[];
extern const unsigned long cg_name_equivalents_csv_len;
extern const char cg_name_equivalents_csv_sha256[];

#define EQ_FILE "name_equivalents.csv"

enum { EQ_ABBREV, EQ_LEGAL, EQ_GLOSSARY, EQ_READING };

typedef struct eq_row {
  int kind;
  int han;                         /* script variant made only of Han */
  char *var;                       /* variant key (tokens "\0"-split) */
  size_t var_len;                  /* bytes of the key, spaces and all */
  char *canon;                     /* canonical key (same) */
  const char *vtok[CG_SX_EQ_TOKS]; /* variant tokens (Latin rows) */
  size_t nvtok;
  const char *ctok[CG_SX_EQ_TOKS]; /* canonical tokens */
  size_t nctok;
} eq_row;

struct cg_sx_equiv {
  eq_row *latin; /* sorted by first token, then longest first */
  size_t n_latin;
  eq_row *script; /* longest variant first */
  size_t n_script;
  char **legal; /* canonical legal tokens, sorted */
  size_t n_legal;
  char **pinyin; /* pinyin words of the Latin variants, sorted */
  size_t n_pinyin;
  const eq_row **longw; /* one-word English abbreviation variants of
                         * FUZZY_MIN+ bytes (not pinyin: "zhongkexin"
                         * is two edits from "zhongxin") */
  size_t n_longw;
};

#define FUZZY_MIN 7 /* a variant this long also takes its misspellings */

const char *cg_sx_equiv_sha256(void)
{
  return cg_name_equivalents_csv_sha256;
}

static void row_free(eq_row *r)
{
  free(r->var);
  free(r->canon);
}

void cg_sx_equiv_free(cg_sx_equiv *e)
{
  size_t i;

  if(!e)
    return;
  for(i = 0; i < e->n_latin; i++)
    row_free(&e->latin[i]);
  for(i = 0; i < e->n_script; i++)
    row_free(&e->script[i]);
  free(e->latin);
  free(e->script);
  free(e->legal);
  free(e->pinyin);
  free(e->longw);
  free(e);
}

/* Splits key at spaces into tok (NULs written); returns the count, or
 * CG_SX_EQ_TOKS + 1 if there are too many. */
static size_t split(char *key, const char **tok)
{
  size_t n = 0;
  char *p = key;

  while(*p) {
    if(n == CG_SX_EQ_TOKS)
      return CG_SX_EQ_TOKS + 1;
    tok[n++] = p;
    p = strchr(p, ' ');
    if(!p)
      break;
    *p++ = '\0';
  }
  return n;
}

static int kind_of(const char *s)
{
  static const char *const names[] = { "abbrev", "legal", "glossary",
                                       "reading" };
  int i;

  for(i = 0; i < 4; i++)
    if(strcmp(s, names[i]) == 0)
      return i;
  return -1;
}

static int only_han(const char *s)
{
  size_t n = strlen(s), i = 0;

  while(i < n) {
    int cp, k = cg_text_next(s + i, n - i, &cp);

    if(k <= 0 || !cg_translit_han(cp))
      return 0;
    i += (size_t)k;
  }
  return n > 0;
}

/* Fills r from one table row; where = "name_equivalents.csv:LINE". */
static int row_make(eq_row *r, const char *kind, const char *canon,
                    const char *variant, const char *where, cg_error *err)
{
  int rc, script = cg_translit_needed(variant);

  memset(r, 0, sizeof(*r));
  r->kind = kind_of(kind);
  if(r->kind < 0)
    return cg_error_set(err, CG_EINVAL, "%s: unknown kind \"%s\"", where,
                        kind);
  rc = script ? cg_text_name_key_marks(&r->var, variant, err)
              : cg_text_name_key(&r->var, variant, err);
  if(rc == CG_OK)
    rc = cg_text_name_key(&r->canon, canon, err);
  if(rc != CG_OK)
    return rc;
  if(!r->var[0] || !r->canon[0])
    return cg_error_set(err, CG_EINVAL, "%s: empty canonical or variant",
                        where);
  r->var_len = strlen(r->var);
  r->han = script && only_han(r->var);
  if(!script && (r->nvtok = split(r->var, r->vtok)) > CG_SX_EQ_TOKS)
    return cg_error_set(err, CG_EINVAL, "%s: variant of over %d words", where,
                        CG_SX_EQ_TOKS);
  if((r->nctok = split(r->canon, r->ctok)) > CG_SX_EQ_TOKS)
    return cg_error_set(err, CG_EINVAL, "%s: canonical of over %d words",
                        where, CG_SX_EQ_TOKS);
  if(r->kind == EQ_READING && !r->han)
    return cg_error_set(err, CG_EINVAL, "%s: a reading's variant must be Han",
                        where);
  return CG_OK;
}

static int latin_cmp(const void *a, const void *b)
{
  const eq_row *x = a, *y = b;
  int c = strcmp(x->vtok[0], y->vtok[0]);

  if(c)
    return c;
  return x->nvtok > y->nvtok ? -1 : x->nvtok < y->nvtok;
}

static int script_cmp(const void *a, const void *b)
{
  const eq_row *x = a, *y = b;

  return x->var_len > y->var_len ? -1 : x->var_len < y->var_len;
}

static int str_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and de-duplicates a string array; returns the new count. */
static size_t uniq(char **v, size_t n)
{
  size_t i, o = 0;

  qsort(v, n, sizeof(*v), str_cmp);
  for(i = 0; i < n; i++)
    if(!o || strcmp(v[o - 1], v[i]) != 0)
      v[o++] = v[i];
  return o;
}

/* 1 if tok is two or more pinyin syllables (greedy from the longest
 * syllable is enough for the table's own words, checked by a test). */
static int is_pinyin_word(const char *tok)
{
  size_t n = strlen(tok), i = 0, syl = 0;

  while(i < n) {
    size_t k = n - i > 6 ? 6 : n - i;

    while(k > 0 && !cg_translit_is_syllable(tok + i, k))
      k--;
    if(!k)
      return 0;
    i += k;
    syl++;
  }
  return syl >= 2;
}

/* The legal canonical tokens and the pinyin words, for lookups. */
static int index_words(cg_sx_equiv *e, cg_error *err)
{
  size_t i, j, nl = 0, np = 0;

  for(i = 0; i < e->n_latin + e->n_script; i++) {
    const eq_row *r =
        i < e->n_latin ? &e->latin[i] : &e->script[i - e->n_latin];

    nl += r->nctok;
    np += r->nvtok;
  }
  e->legal = malloc((nl + 1) * sizeof(char *));
  e->pinyin = malloc((np + 1) * sizeof(char *));
  e->longw = malloc((e->n_latin + 1) * sizeof(eq_row *));
  if(!e->legal || !e->pinyin || !e->longw)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  for(i = 0; i < e->n_latin + e->n_script; i++) {
    const eq_row *r =
        i < e->n_latin ? &e->latin[i] : &e->script[i - e->n_latin];

    for(j = 0; r->kind == EQ_LEGAL && j < r->nctok; j++)
      e->legal[e->n_legal++] = (char *)r->ctok[j];
    for(j = 0; j < r->nvtok; j++)
      if(is_pinyin_word(r->vtok[j]))
        e->pinyin[e->n_pinyin++] = (char *)r->vtok[j];
  }
  for(i = 0; i < e->n_latin; i++)
    if(e->latin[i].kind == EQ_ABBREV && e->latin[i].nvtok == 1 &&
       e->latin[i].var_len >= FUZZY_MIN)
      e->longw[e->n_longw++] = &e->latin[i];
  e->n_legal = uniq(e->legal, e->n_legal);
  e->n_pinyin = uniq(e->pinyin, e->n_pinyin);
  return CG_OK;
}

/* Column indices of the table's header. */
static int header(cg_csv *r, int col[3], cg_error *err)
{
  static const char *const need[3] = { "kind", "canonical", "variant" };
  const cg_csv_row *row;
  cg_csv_header h;
  int rc = cg_csv_next(r, &row, err), i;

  if(rc == 0)
    return cg_error_set(err, CG_EINVAL, EQ_FILE ": empty");
  if(rc < 0 || (rc = cg_csv_header_init(&h, row, EQ_FILE, err)) != CG_OK)
    return rc;
  for(i = 0; i < 3; i++)
    if((col[i] = cg_csv_header_find(&h, need[i])) < 0)
      rc = cg_error_set(err, CG_EINVAL, EQ_FILE ": no column \"%s\"", need[i]);
  cg_csv_header_free(&h);
  return rc;
}

static int read_rows(cg_sx_equiv *e, cg_csv *r, cg_error *err)
{
  const cg_csv_row *row;
  int col[3], rc = header(r, col, err);
  size_t cap = 0;

  while(rc == CG_OK && (rc = cg_csv_next(r, &row, err)) == 1) {
    char where[64];
    eq_row x;

    snprintf(where, sizeof(where), EQ_FILE ":%ld", row->line);
    if(row->n <= (size_t)col[0] || row->n <= (size_t)col[1] ||
       row->n <= (size_t)col[2]) {
      rc = cg_error_set(err, CG_EINVAL, "%s: too few fields", where);
      break;
    }
    rc = row_make(&x, row->fields[col[0]], row->fields[col[1]],
                  row->fields[col[2]], where, err);
    if(rc == CG_OK && e->n_latin + e->n_script == cap) {
      eq_row *nl, *ns;

      cap = cap ? cap * 2 : 512;
      nl = realloc(e->latin, cap * sizeof(eq_row));
      if(nl)
        e->latin = nl;
      ns = nl ? realloc(e->script, cap * sizeof(eq_row)) : NULL;
      if(ns)
        e->script = ns;
      if(!nl || !ns)
        rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    }
    if(rc != CG_OK) {
      row_free(&x);
      break;
    }
    if(x.nvtok)
      e->latin[e->n_latin++] = x;
    else
      e->script[e->n_script++] = x;
  }
  return rc < 0 ? rc : CG_OK;
}

int cg_sx_equiv_load(cg_sx_equiv **out, cg_error *err)
{
  cg_sx_equiv *e = calloc(1, sizeof(*e));
  cg_csv *r = NULL;
  int rc;

  *out = NULL;
  if(!e)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  rc = cg_csv_open_mem(&r, EQ_FILE, cg_name_equivalents_csv,
                       (size_t)cg_name_equivalents_csv_len, 0, err);
  if(rc == CG_OK)
    rc = read_rows(e, r, err);
  cg_csv_close(r);
  if(rc == CG_OK) {
    qsort(e->latin, e->n_latin, sizeof(eq_row), latin_cmp);
    qsort(e->script, e->n_script, sizeof(eq_row), script_cmp);
    rc = index_words(e, err);
  }
  if(rc != CG_OK) {
    cg_sx_equiv_free(e);
    return rc;
  }
  *out = e;
  return CG_OK;
}

static int in_sorted(char *const *v, size_t n, const char *s)
{
  return n && bsearch(&s, v, n, sizeof(*v), str_cmp) != NULL;
}

int cg_sx_equiv_is_legal(const cg_sx_equiv *e, const char *tok)
{
  return in_sorted(e->legal, e->n_legal, tok);
}

int cg_sx_equiv_is_pinyin(const cg_sx_equiv *e, const char *tok)
{
  return in_sorted(e->pinyin, e->n_pinyin, tok);
}

size_t cg_sx_equiv_latin(const cg_sx_equiv *e, const char *const *w, size_t n,
                         size_t i, const char *const **canon, size_t *ncanon,
                         int *legal)
{
  size_t lo = 0, hi = e->n_latin, k, j;

  /* First row whose first token is w[i]. */
  while(lo < hi) {
    size_t mid = (lo + hi) / 2;

    if(strcmp(e->latin[mid].vtok[0], w[i]) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for(k = lo; k < e->n_latin && strcmp(e->latin[k].vtok[0], w[i]) == 0; k++) {
    const eq_row *r = &e->latin[k];

    if(i + r->nvtok > n)
      continue;
    for(j = 1; j < r->nvtok; j++)
      if(strcmp(r->vtok[j], w[i + j]) != 0)
        break;
    if(j == r->nvtok) {
      *canon = r->ctok;
      *ncanon = r->nctok;
      *legal = r->kind == EQ_LEGAL;
      return r->nvtok;
    }
  }
  return 0;
}

int cg_sx_equiv_fuzzy(const cg_sx_equiv *e, const char *tok,
                      const char *const **canon, size_t *ncanon, int *legal)
{
  size_t len = strlen(tok), i;
  int max = len >= 10 ? 2 : 1;

  if(len < FUZZY_MIN)
    return 0;
  for(i = 0; i < e->n_longw; i++) {
    const eq_row *r = e->longw[i];
    size_t d = r->var_len > len ? r->var_len - len : len - r->var_len;

    if(r->var[0] != tok[0] || d > (size_t)max)
      continue;
    if(cg_sx_edits(tok, r->var, max) <= max) {
      *canon = r->ctok;
      *ncanon = r->nctok;
      *legal = r->kind == EQ_LEGAL;
      return 1;
    }
  }
  return 0;
}

/* The script row matching at s (a word start, or any Han character for
 * a Han row), or NULL. */
static const eq_row *script_at(const cg_sx_equiv *e, const char *s,
                               int word_start)
{
  size_t k;

  for(k = 0; k < e->n_script; k++) {
    const eq_row *r = &e->script[k];
    char end;

    if(!r->han && !word_start)
      continue;
    if(strncmp(s, r->var, r->var_len) != 0)
      continue;
    end = s[r->var_len];
    if(r->han || end == ' ' || end == '\0')
      return r;
  }
  return NULL;
}

int cg_sx_equiv_script(const cg_sx_equiv *e, const char *key, char **out,
                       cg_error *err)
{
  size_t n = strlen(key), i = 0, o = 0, cap = n * 2 + 64;
  char *b = malloc(cap);

  *out = NULL;
  if(!b)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  while(i < n) {
    int cp = 0, k = cg_text_next(key + i, n - i, &cp);
    const eq_row *r;

    if(k <= 0)
      k = 1;
    r = (i == 0 || key[i - 1] == ' ' || cg_translit_han(cp))
            ? script_at(e, key + i, i == 0 || key[i - 1] == ' ')
            : NULL;
    if(r) {
      size_t j, need = o + r->var_len + 64;

      for(j = 0; j < r->nctok; j++)
        need += strlen(r->ctok[j]) + 1;
      if(need > cap) {
        char *nb = realloc(b, cap = need * 2);

        if(!nb) {
          free(b);
          return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
        }
        b = nb;
      }
      for(j = 0; j < r->nctok; j++) {
        size_t l = strlen(r->ctok[j]);

        b[o++] = ' ';
        memcpy(b + o, r->ctok[j], l);
        o += l;
      }
      b[o++] = ' ';
      i += r->var_len;
      continue;
    }
    if(o + (size_t)k + 1 > cap) {
      char *nb = realloc(b, cap *= 2);

      if(!nb) {
        free(b);
        return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
      }
      b = nb;
    }
    memcpy(b + o, key + i, (size_t)k);
    o += (size_t)k;
    i += (size_t)k;
  }
  b[o] = '\0';
  *out = b;
  return CG_OK;
}
