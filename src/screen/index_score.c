/* index_score.c -- searching the flat index of internal.h: candidate
 * retrieval through postings and trigrams, and the exact score of a
 * query against one listed name (with its explanation). */
#include "screen/internal.h"

#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SX_MAX_FUZZY 256 /* vocabulary matches kept per query token */
#define SX_TOPK_MIN  64  /* candidates fully scored, at least */

int64_t cg_sx_find_tok(const cg_sx *idx, const char *s)
{
  uint32_t mask, h, v;

  if(!idx->n_hash)
    return -1;
  mask = idx->n_hash - 1;
  h = cg_sx_str_hash(s) & mask;
  while((v = idx->hash[h]) != 0) {
    if(strcmp(idx->pool + idx->toks[v - 1].str, s) == 0)
      return (int64_t)(v - 1);
    h = (h + 1) & mask;
  }
  return -1;
}

int cg_sx_vocab_word(const cg_sx *idx, const char *s)
{
  int64_t v = cg_sx_find_tok(idx, s);

  return v >= 0 && idx->toks[v].kind == CG_TOK_WORD;
}

/* ==== Scoring ========================================================= */

/* Query token i: vocabulary id (or -1) and weight. */
typedef struct qtok {
  int64_t vid; /* vocabulary id or -1 */
  double w;    /* weight */
  int kind;    /* CG_TOK_* */
  size_t len;  /* bytes */
} qtok;

static void query_info(const cg_sx *idx, const cg_sx_tokens *q, qtok *qi)
{
  size_t i;

  for(i = 0; i < q->n; i++) {
    qi[i].vid = cg_sx_find_tok(idx, q->tok[i]);
    qi[i].kind = q->kind[i];
    qi[i].len = strlen(q->tok[i]);
    if(qi[i].vid >= 0)
      qi[i].w = idx->toks[qi[i].vid].weight;
    else
      qi[i].w = cg_sx_rarity(1, idx->n_names) * cg_sx_kind_factor(q->kind[i]);
  }
}

static double tok_sim(const cg_sx *idx, const cg_sx_tokens *q, const qtok *qi,
                      size_t i, uint32_t v)
{
  const cg_sx_tok *t = &idx->toks[v];
  double jw;

  if(qi[i].vid == (int64_t)v)
    return 1.0;
  if(qi[i].kind != CG_TOK_WORD || t->kind != CG_TOK_WORD || qi[i].len < 3 ||
     t->len < 3)
    return 0.0;
  jw = cg_sx_token_sim(q->tok[i], idx->pool + t->str);
  return jw;
}

typedef struct pair {
  double sim;
  uint8_t i, j;
} pair;

static int pair_cmp(const void *a, const void *b)
{
  const pair *x = a, *y = b;

  if(x->sim != y->sim)
    return x->sim < y->sim ? 1 : -1;
  if(x->i != y->i)
    return x->i < y->i ? -1 : 1;
  return x->j < y->j ? -1 : x->j > y->j;
}

static void append(char *buf, size_t size, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
  va_list ap;
  int k;

  if(*o >= size)
    return;
  va_start(ap, fmt);
  k = vsnprintf(buf + *o, size - *o, fmt, ap);
  va_end(ap);
  if(k > 0)
    *o += (size_t)k;
  if(*o >= size)
    *o = size - 1;
}

/* Containment (see score_name): the score it gives, the least weight the
 * listed name's words must carry, and the least similarity per word. */
#define CONTAIN_SCORE      0.93
#define CONTAIN_MIN_WEIGHT 12.0
#define CONTAIN_MIN_SIM    0.92

/* The one-to-one assignment of query tokens to a listed name's tokens. */
typedef struct assign {
  uint8_t nj_used[CG_SX_MAX_TOKENS]; /* name token j is matched */
  int qmatch[CG_SX_MAX_TOKENS];      /* name token of query token i or -1 */
  double qsim[CG_SX_MAX_TOKENS];     /* similarity of that pair */
} assign;

/* 1 if the listed name's words are matched by query tokens in a row and
 * in its order: Han read syllable by syllable holds any two-syllable
 * listed name somewhere ("bai du WANG XUN ke ji" is not the person XUN
 * WANG), while "shen zhen DA JIANG INNOVATION" is "Da-Jiang
 * Innovations". */
static int in_a_row(const cg_sx *idx, const cg_sx_tokens *q,
                    const cg_sx_name *nm, const assign *m)
{
  size_t i, j;
  int prev = -1;

  for(j = 0; j < nm->ntok; j++) {
    if(idx->toks[idx->name_toks[nm->tok + j]].kind == CG_TOK_LEGAL)
      continue;
    for(i = 0; i < q->n && m->qmatch[i] != (int)j; i++)
      ;
    if(i == q->n || (prev >= 0 && (int)i != prev + 1))
      return 0;
    prev = (int)i;
  }
  return 1;
}

/* Containment: every word of the listed name is in the query, which only
 * adds words ("Wuxi Sophgo" in "Wuxi Sophgo Technologies Ltd."). Such a
 * query names the listed party or something very close to it, so it is
 * at least a possible hit for review, never a sure one on this ground
 * alone. A listed name must carry real weight (not one common word) for
 * this to count. Returns the better of s and the containment score. */
static double contained(const cg_sx *idx, const cg_sx_tokens *q,
                        const cg_sx_name *nm, const assign *m, double s)
{
  double cov = 0, wn_words = 0;
  size_t i, j;
  int all = 1;

  for(j = 0; j < nm->ntok; j++) {
    const cg_sx_tok *t = &idx->toks[idx->name_toks[nm->tok + j]];
    if(t->kind == CG_TOK_LEGAL)
      continue;
    wn_words += t->weight;
    if(!m->nj_used[j]) {
      all = 0;
      break;
    }
  }
  if(all && q->syllables && !in_a_row(idx, q, nm, m))
    all = 0;
  if(all && wn_words >= CONTAIN_MIN_WEIGHT) {
    for(i = 0; i < q->n; i++)
      if(m->qmatch[i] >= 0 &&
         idx->toks[idx->name_toks[nm->tok + (size_t)m->qmatch[i]]].kind !=
             CG_TOK_LEGAL) {
        if(m->qsim[i] < CONTAIN_MIN_SIM) {
          all = 0;
          break;
        }
        cov +=
            m->qsim[i] *
            idx->toks[idx->name_toks[nm->tok + (size_t)m->qmatch[i]]].weight;
      }
    if(all && CONTAIN_SCORE * cov / wn_words > s)
      s = CONTAIN_SCORE * cov / wn_words;
  }
  return s;
}

/* The other way, for a query read from Chinese script: every word of it
 * is in the listed name, which adds words (飞腾信息技术, "Feiteng
 * Information Technology", in "Tianjin Feiteng Information Technology":
 * Chinese names drop or keep the city at will). The same bounds: a
 * possible hit, and only for a query whose words carry real weight.
 * Latin queries keep the one direction: "United Microelectronics
 * Corporation" is not "United Microelectronics Center". Returns the
 * better of s and that score. */
static double contains(const cg_sx *idx, const cg_sx_tokens *q, const qtok *qi,
                       const cg_sx_name *nm, const assign *m, double s)
{
  double cov = 0, wq_words = 0;
  size_t i, j;
  int seen = 0;

  if(!q->han)
    return s;
  /* What the listed name adds must come before all the query matched
   * (the city): "Tianjin University, Zhejiang Research Institute" adds
   * words after "Zhejiang University" and is another body. */
  for(j = 0; j < nm->ntok; j++) {
    int k = idx->toks[idx->name_toks[nm->tok + j]].kind;

    if(k == CG_TOK_LEGAL || k == CG_TOK_STOP)
      continue;
    if(m->nj_used[j])
      seen = 1;
    else if(seen)
      return s;
  }
  for(i = 0; i < q->n; i++) {
    if(qi[i].kind == CG_TOK_LEGAL)
      continue;
    if(m->qmatch[i] < 0 || m->qsim[i] < CONTAIN_MIN_SIM)
      return s;
    wq_words += qi[i].w;
    cov += m->qsim[i] * qi[i].w;
  }
  if(wq_words >= CONTAIN_MIN_WEIGHT && CONTAIN_SCORE * cov / wq_words > s)
    s = CONTAIN_SCORE * cov / wq_words;
  return s;
}

/* Which token pairs matched how, and what is only on one side;
 * malloc'ed (NULL on out-of-memory). */
static char *explain_text(const cg_sx *idx, const cg_sx_tokens *q,
                          const qtok *qi, const cg_sx_name *nm,
                          const assign *m)
{
  char buf[2048];
  size_t o = 0, i, j;
  int any = 0;

  buf[0] = '\0';
  for(i = 0; i < q->n; i++) {
    if(m->qmatch[i] < 0)
      continue;
    j = (size_t)m->qmatch[i];
    append(buf, sizeof(buf), &o, "%s%s%s%s %.2f w%.1f%s", o ? "; " : "",
           q->tok[i], m->qsim[i] >= 1.0 ? "=" : "~",
           cg_sx_tok_text(idx, idx->name_toks[nm->tok + j]), m->qsim[i],
           qi[i].w, qi[i].kind == CG_TOK_LEGAL ? " legal form" : "");
  }
  for(i = 0; i < q->n; i++) {
    if(m->qmatch[i] >= 0)
      continue;
    append(buf, sizeof(buf), &o, "%s%s%s w%.1f",
           any ? ", " : "; query only: ", "", q->tok[i], qi[i].w);
    any = 1;
  }
  any = 0;
  for(j = 0; j < nm->ntok; j++) {
    uint32_t t = idx->name_toks[nm->tok + j];

    if(m->nj_used[j])
      continue;
    append(buf, sizeof(buf), &o, "%s%s w%.1f",
           any ? ", " : "; entry only: ", cg_sx_tok_text(idx, t),
           idx->toks[t].weight);
    any = 1;
  }
  cg_text_cut(buf); /* a long explanation is cut at sizeof(buf) */
  return strdup(buf);
}

static double score_name(const cg_sx *idx, const cg_sx_tokens *q,
                         const qtok *qi, uint32_t ni, char **explain)
{
  const cg_sx_name *nm = &idx->names[ni];
  pair pairs[CG_SX_MAX_TOKENS * CG_SX_MAX_TOKENS];
  uint8_t qi_used[CG_SX_MAX_TOKENS] = { 0 };
  assign m;
  double wq = 0, wn = 0, num = 0, s;
  size_t np = 0, i, j, k;

  memset(m.nj_used, 0, sizeof(m.nj_used));
  memset(m.qsim, 0, sizeof(m.qsim));
  for(i = 0; i < q->n; i++) {
    wq += qi[i].w;
    m.qmatch[i] = -1;
    for(j = 0; j < nm->ntok; j++) {
      double sim = tok_sim(idx, q, qi, i, idx->name_toks[nm->tok + j]);

      if(sim > 0) {
        pairs[np].sim = sim;
        pairs[np].i = (uint8_t)i;
        pairs[np].j = (uint8_t)j;
        np++;
      }
    }
  }
  for(j = 0; j < nm->ntok; j++)
    wn += idx->toks[idx->name_toks[nm->tok + j]].weight;
  qsort(pairs, np, sizeof(pair), pair_cmp);
  for(k = 0; k < np; k++) {
    i = pairs[k].i;
    j = pairs[k].j;
    if(qi_used[i] || m.nj_used[j])
      continue;
    qi_used[i] = m.nj_used[j] = 1;
    m.qmatch[i] = (int)j;
    m.qsim[i] = pairs[k].sim;
    num += pairs[k].sim *
           (qi[i].w + idx->toks[idx->name_toks[nm->tok + j]].weight);
  }
  s = wq + wn > 0 ? num / (wq + wn) : 0.0;
  s = contained(idx, q, nm, &m, s);
  s = contains(idx, q, qi, nm, &m, s);
  if(s > 1.0)
    s = 1.0;
  if(explain)
    *explain = explain_text(idx, q, qi, nm, &m);
  return s;
}

double cg_sx_score(const cg_sx *idx, const cg_sx_tokens *q, uint32_t ni,
                   char **explain)
{
  qtok qi[CG_SX_MAX_TOKENS];

  query_info(idx, q, qi);
  return score_name(idx, q, qi, ni, explain);
}

/* ==== Search ========================================================== */

static int match_cmp(const void *a, const void *b)
{
  const cg_sx_match *x = a, *y = b;

  if(x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return x->name < y->name ? -1 : x->name > y->name;
}

/* Sorts cand[0..n) best first and keeps the best name per party, up to
 * max, into out. */
static size_t best_per_party(const cg_sx *idx, cg_sx_match *cand, size_t n,
                             cg_sx_match *out, size_t max)
{
  size_t i, k, o = 0;

  qsort(cand, n, sizeof(*cand), match_cmp);
  for(i = 0; i < n && o < max; i++) {
    uint32_t p = idx->names[cand[i].name].party_id;

    for(k = 0; k < o; k++)
      if(idx->names[out[k].name].party_id == p)
        break;
    if(k == o)
      out[o++] = cand[i];
  }
  return o;
}

/* Adds sim*(w_q + w_v) of vocabulary token v to every name holding it,
 * keeping per name only the best contribution of query token stamp. */
static void accumulate(cg_sx *idx, uint32_t v, double sim, double wq,
                       uint32_t stamp, int touch_only)
{
  const cg_sx_tok *t = &idx->toks[v];
  float c = (float)(sim * (wq + t->weight));
  uint32_t k;

  for(k = 0; k < t->df; k++) {
    uint32_t n = idx->posts[t->post + k];

    if(idx->stamp[n] < idx->serial) {
      if(touch_only)
        continue;
      idx->stamp[n] = idx->serial;
      idx->acc[n] = 0;
      idx->touched[idx->n_touched++] = n;
    }
    if(idx->stamp[n] != stamp) {
      idx->stamp[n] = stamp;
      idx->cur[n] = c;
      idx->acc[n] += c;
    }
    else if(c > idx->cur[n]) {
      idx->acc[n] += c - idx->cur[n];
      idx->cur[n] = c;
    }
  }
}

/* Vocabulary tokens similar to query token i (the token itself first). */
static size_t fuzzy_tokens(cg_sx *idx, const cg_sx_tokens *q, const qtok *qi,
                           size_t i, uint32_t *vid, double *sim)
{
  uint32_t g[128];
  size_t ng, k, n = 0, nt = 0, need;
  const char *tok = q->tok[i];

  if(qi[i].vid >= 0) {
    vid[n] = (uint32_t)qi[i].vid;
    sim[n++] = 1.0;
  }
  if(qi[i].kind != CG_TOK_WORD || qi[i].len < 3)
    return n;
  ng = cg_sx_token_grams(tok, g, 128);
  need = (ng + 3) / 4;
  if(need < 1)
    need = 1;
  for(k = 0; k < ng; k++) {
    uint32_t a = idx->gram_start[g[k]], b = idx->gram_start[g[k] + 1], m;

    for(m = a; m < b; m++) {
      uint32_t t = idx->gram_toks[m];

      if(!idx->gram_hits[t]++)
        idx->tok_touched[nt++] = t;
    }
  }
  for(k = 0; k < nt; k++) {
    uint32_t t = idx->tok_touched[k];
    uint32_t tl = idx->toks[t].len;
    size_t ql = qi[i].len;

    if(idx->gram_hits[t] >= need && (int64_t)t != qi[i].vid &&
       n < SX_MAX_FUZZY && tl + ql / 2 + 2 >= ql && ql + tl / 2 + 2 >= tl) {
      double s = cg_sx_token_sim(tok, idx->pool + idx->toks[t].str);

      if(s > 0) {
        vid[n] = t;
        sim[n++] = s;
      }
    }
    idx->gram_hits[t] = 0;
  }
  return n;
}

/* A min-heap of the best k candidates by estimated score. */
typedef struct heap {
  cg_sx_match *a;
  size_t n, cap;
} heap;

static void heap_push(heap *h, uint32_t name, double est)
{
  size_t i, c;
  cg_sx_match x;

  if(h->n < h->cap) {
    i = h->n++;
    while(i > 0 && h->a[(i - 1) / 2].score > est) {
      h->a[i] = h->a[(i - 1) / 2];
      i = (i - 1) / 2;
    }
    h->a[i].name = name;
    h->a[i].score = est;
    return;
  }
  if(est <= h->a[0].score)
    return;
  x.name = name;
  x.score = est;
  i = 0;
  for(;;) {
    c = 2 * i + 1;
    if(c >= h->n)
      break;
    if(c + 1 < h->n && h->a[c + 1].score < h->a[c].score)
      c++;
    if(h->a[c].score >= x.score)
      break;
    h->a[i] = h->a[c];
    i = c;
  }
  h->a[i] = x;
}

/* The estimated score of a name from its accumulated acc: the share of
 * both names' weight matched, or, where containment (see contained and
 * contains) may score it, the share of the shorter side's; otherwise a
 * long query would push a listed name it contains out of the heap. */
static double estimate(double acc, double wq, double wn, int han)
{
  double est = acc / (wq + wn), c;

  if(wn >= CONTAIN_MIN_WEIGHT) {
    c = CONTAIN_SCORE * (acc / (2.0 * wn) < 1.0 ? acc / (2.0 * wn) : 1.0);
    if(c > est)
      est = c;
  }
  if(han && wq >= CONTAIN_MIN_WEIGHT) {
    c = CONTAIN_SCORE * (acc / (2.0 * wq) < 1.0 ? acc / (2.0 * wq) : 1.0);
    if(c > est)
      est = c;
  }
  return est;
}

int cg_sx_search(cg_sx *idx, const cg_sx_tokens *q, double min_score,
                 int exhaustive, cg_sx_match *out, size_t max, size_t *n_out,
                 cg_error *err)
{
  qtok qi[CG_SX_MAX_TOKENS];
  uint32_t vid[SX_MAX_FUZZY];
  double sim[SX_MAX_FUZZY], wq = 0;
  cg_sx_match *cand = NULL;
  size_t nc = 0, i, k, pass;
  heap h = { 0 };
  int rc = CG_OK;

  *n_out = 0;
  if(!q->n || !idx->n_names || !max)
    return CG_OK;
  query_info(idx, q, qi);
  for(i = 0; i < q->n; i++)
    wq += qi[i].w;
  if(exhaustive) {
    cand = malloc(idx->n_names * sizeof(*cand));
    if(!cand)
      return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    for(i = 0; i < idx->n_names; i++) {
      double s = score_name(idx, q, qi, (uint32_t)i, NULL);

      if(s >= min_score) {
        cand[nc].name = (uint32_t)i;
        cand[nc++].score = s;
      }
    }
    *n_out = best_per_party(idx, cand, nc, out, max);
    free(cand);
    return CG_OK;
  }
  /* Retrieval: words and numbers first, legal forms and stop words only
   * add to names already found. */
  if(idx->serial > UINT32_MAX - 2 * CG_SX_MAX_TOKENS - 4) {
    memset(idx->stamp, 0, idx->n_names * sizeof(uint32_t));
    idx->serial = 0;
  }
  idx->serial += CG_SX_MAX_TOKENS + 1;
  idx->n_touched = 0;
  for(pass = 0; pass < 2; pass++) {
    for(i = 0; i < q->n; i++) {
      int weak = qi[i].kind == CG_TOK_LEGAL || qi[i].kind == CG_TOK_STOP;
      size_t nv;

      if(weak != (int)pass)
        continue;
      nv = fuzzy_tokens(idx, q, qi, i, vid, sim);
      for(k = 0; k < nv; k++)
        accumulate(idx, vid[k], sim[k], qi[i].w, idx->serial + 1 + (uint32_t)i,
                   (int)pass);
    }
  }
  h.cap = max * 4 > SX_TOPK_MIN ? max * 4 : SX_TOPK_MIN;
  h.a = malloc(h.cap * sizeof(*h.a));
  if(!h.a)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  for(i = 0; i < idx->n_touched; i++) {
    uint32_t n = idx->touched[i];
    double est = estimate(idx->acc[n], wq, idx->names[n].wsum, q->han);

    if(est >= min_score * 0.75)
      heap_push(&h, n, est);
  }
  for(i = 0; i < h.n; i++) {
    double s = score_name(idx, q, qi, h.a[i].name, NULL);

    h.a[i].score = s;
    if(s >= min_score)
      h.a[nc++] = h.a[i];
  }
  *n_out = best_per_party(idx, h.a, nc, out, max);
  free(h.a);
  return rc;
}
