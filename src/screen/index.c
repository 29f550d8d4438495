/* screen_index.c -- the flat token index of screen_int.h: build from
 * party_names, store/load as one blob, candidate retrieval and scoring. */
#include "screen/internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SX_MAGIC     0x58534743u /* "CGSX" */
#define SX_VERSION   3u
#define SX_MAX_FUZZY 256 /* vocabulary matches kept per query token */
#define SX_TOPK_MIN  64  /* candidates fully scored, at least */

typedef struct blob_hdr {
  uint32_t magic, version;
  uint32_t n_names, n_toks, n_name_toks, n_posts, pool_len, n_hash,
      n_gram_toks;
  uint32_t off_names, off_name_toks, off_toks, off_posts, off_hash,
      off_gram_start, off_gram_toks, off_pool, total;
} blob_hdr;

/* ==== Hashing ========================================================= */

static uint32_t str_hash(const char *s)
{
  uint32_t h = 2166136261u;

  while(*s) {
    h ^= (unsigned char)*s++;
    h *= 16777619u;
  }
  return h;
}

static uint32_t gram_hash(unsigned char a, unsigned char b, unsigned char c)
{
  uint32_t v = ((uint32_t)a << 16) | ((uint32_t)b << 8) | c;

  return (v * 2654435761u) >> 16 & (CG_SX_GRAMS - 1);
}

/* Unique trigram buckets of "^tok$" into g (capacity cap); returns n. */
static size_t token_grams(const char *tok, uint32_t *g, size_t cap)
{
  size_t len = strlen(tok), i, j, n = 0;
  unsigned char p[CG_SX_MAX_CP * 4 + 2];

  if(len > sizeof(p) - 2)
    len = sizeof(p) - 2;
  p[0] = '^';
  memcpy(p + 1, tok, len);
  p[len + 1] = '$';
  for(i = 0; i + 2 < len + 2 && n < cap; i++) {
    uint32_t h = gram_hash(p[i], p[i + 1], p[i + 2]);

    for(j = 0; j < n; j++)
      if(g[j] == h)
        break;
    if(j == n)
      g[n++] = h;
  }
  return n;
}

static int64_t find_tok(const cg_sx *idx, const char *s)
{
  uint32_t mask, h, v;

  if(!idx->n_hash)
    return -1;
  mask = idx->n_hash - 1;
  h = str_hash(s) & mask;
  while((v = idx->hash[h]) != 0) {
    if(strcmp(idx->pool + idx->toks[v - 1].str, s) == 0)
      return (int64_t)(v - 1);
    h = (h + 1) & mask;
  }
  return -1;
}

const char *cg_sx_tok_text(const cg_sx *idx, uint32_t id)
{
  return idx->pool + idx->toks[id].str;
}

static double kind_factor(int kind)
{
  switch(kind) {
  case CG_TOK_LEGAL:
    return CG_SX_LEGAL_FACTOR;
  case CG_TOK_STOP:
    return CG_SX_STOP_FACTOR;
  default:
    return 1.0;
  }
}

static double rarity(uint32_t df, uint32_t n_names)
{
  return log(1.0 + (double)n_names / (double)(df ? df : 1));
}

/* ==== Layout ========================================================== */

static uint32_t align8(uint32_t v)
{
  return (v + 7u) & ~7u;
}

/* Points idx's arrays into idx->blob (checked) and allocates scratch. */
static int attach(cg_sx *idx, cg_error *err)
{
  blob_hdr h;

  if(idx->blob_len < sizeof(h))
    return cg_error_set(err, CG_EINVAL, "screen index: truncated");
  memcpy(&h, idx->blob, sizeof(h));
  if(h.magic != SX_MAGIC || h.version != SX_VERSION ||
     h.total != idx->blob_len || h.off_pool + h.pool_len > h.total ||
     h.off_gram_toks + (uint64_t)h.n_gram_toks * 4 > h.total ||
     h.off_names + (uint64_t)h.n_names * sizeof(cg_sx_name) > h.total ||
     h.off_toks + (uint64_t)h.n_toks * sizeof(cg_sx_tok) > h.total ||
     h.off_posts + (uint64_t)h.n_posts * 4 > h.total ||
     h.off_name_toks + (uint64_t)h.n_name_toks * 4 > h.total ||
     h.off_hash + (uint64_t)h.n_hash * 4 > h.total ||
     h.off_gram_start + (uint64_t)(CG_SX_GRAMS + 1) * 4 > h.total)
    return cg_error_set(err, CG_EINVAL, "screen index: bad or old format");
  idx->n_names = h.n_names;
  idx->n_toks = h.n_toks;
  idx->n_name_toks = h.n_name_toks;
  idx->n_posts = h.n_posts;
  idx->pool_len = h.pool_len;
  idx->n_hash = h.n_hash;
  idx->n_gram_toks = h.n_gram_toks;
  idx->names = (cg_sx_name *)(idx->blob + h.off_names);
  idx->name_toks = (uint32_t *)(idx->blob + h.off_name_toks);
  idx->toks = (cg_sx_tok *)(idx->blob + h.off_toks);
  idx->posts = (uint32_t *)(idx->blob + h.off_posts);
  idx->hash = (uint32_t *)(idx->blob + h.off_hash);
  idx->gram_start = (uint32_t *)(idx->blob + h.off_gram_start);
  idx->gram_toks = (uint32_t *)(idx->blob + h.off_gram_toks);
  idx->pool = (char *)(idx->blob + h.off_pool);
  idx->acc = calloc(h.n_names + 1, sizeof(float));
  idx->cur = calloc(h.n_names + 1, sizeof(float));
  idx->stamp = calloc(h.n_names + 1, sizeof(uint32_t));
  idx->touched = calloc(h.n_names + 1, sizeof(uint32_t));
  idx->gram_hits = calloc(h.n_toks + 1, sizeof(uint16_t));
  idx->tok_touched = calloc(h.n_toks + 1, sizeof(uint32_t));
  if(!idx->acc || !idx->cur || !idx->stamp || !idx->touched ||
     !idx->gram_hits || !idx->tok_touched)
    return cg_error_set(err, CG_ENOMEM, "screen index: out of memory");
  return CG_OK;
}

void cg_sx_free(cg_sx *idx)
{
  if(!idx)
    return;
  free(idx->blob);
  free(idx->acc);
  free(idx->cur);
  free(idx->stamp);
  free(idx->touched);
  free(idx->gram_hits);
  free(idx->tok_touched);
  free(idx);
}

/* ==== Build =========================================================== */

typedef struct build {
  /* vocabulary */
  char *pool;
  size_t pool_len, pool_cap;
  cg_sx_tok *toks;
  size_t n_toks, toks_cap;
  uint32_t *hash;
  size_t n_hash;
  /* names */
  cg_sx_name *names;
  size_t n_names, names_cap;
  uint32_t *name_toks;
  size_t n_name_toks, name_toks_cap;
} build;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
  size_t nc;
  void *np;

  if(need <= *cap)
    return 0;
  nc = *cap ? *cap * 2 : 1024;
  while(nc < need)
    nc *= 2;
  np = realloc(*p, nc * size);
  if(!np)
    return -1;
  *p = np;
  *cap = nc;
  return 0;
}

static int rehash(build *b)
{
  size_t n = b->n_hash ? b->n_hash * 2 : 65536, i;
  uint32_t *h = calloc(n, sizeof(uint32_t));

  if(!h)
    return -1;
  for(i = 0; i < b->n_toks; i++) {
    uint32_t s = str_hash(b->pool + b->toks[i].str) & (uint32_t)(n - 1);

    while(h[s])
      s = (s + 1) & (uint32_t)(n - 1);
    h[s] = (uint32_t)i + 1;
  }
  free(b->hash);
  b->hash = h;
  b->n_hash = n;
  return 0;
}

/* Id of token s, added if new; -1 on out-of-memory. */
static int64_t intern(build *b, const char *s)
{
  uint32_t mask, h, v;
  size_t len = strlen(s);

  if((b->n_toks + 1) * 2 > b->n_hash && rehash(b) != 0)
    return -1;
  mask = (uint32_t)b->n_hash - 1;
  h = str_hash(s) & mask;
  while((v = b->hash[h]) != 0) {
    if(strcmp(b->pool + b->toks[v - 1].str, s) == 0)
      return (int64_t)(v - 1);
    h = (h + 1) & mask;
  }
  if(grow((void **)&b->pool, &b->pool_cap, b->pool_len + len + 1, 1) ||
     grow((void **)&b->toks, &b->toks_cap, b->n_toks + 1, sizeof(cg_sx_tok)))
    return -1;
  memcpy(b->pool + b->pool_len, s, len + 1);
  memset(&b->toks[b->n_toks], 0, sizeof(cg_sx_tok));
  b->toks[b->n_toks].str = (uint32_t)b->pool_len;
  b->toks[b->n_toks].len = (uint32_t)len;
  b->toks[b->n_toks].kind = (uint32_t)cg_sx_token_kind(s);
  b->pool_len += len + 1;
  b->hash[h] = (uint32_t)b->n_toks + 1;
  return (int64_t)b->n_toks++;
}

static int add_name(build *b, uint32_t name_id, uint32_t party_id,
                    const char *key, int alias)
{
  char buf[4096];
  char *p, *w;
  size_t len = strlen(key), first = b->n_name_toks, i;
  cg_sx_name *nm;

  if(len >= sizeof(buf))
    len = sizeof(buf) - 1;
  memcpy(buf, key, len);
  buf[len] = '\0';
  if(grow((void **)&b->names, &b->names_cap, b->n_names + 1,
          sizeof(cg_sx_name)))
    return -1;
  for(p = buf; p && *p && b->n_name_toks - first < CG_SX_MAX_TOKENS;) {
    int64_t id;

    w = p;
    p = strchr(p, ' ');
    if(p)
      *p++ = '\0';
    if(!*w)
      continue;
    id = intern(b, w);
    if(id < 0 || grow((void **)&b->name_toks, &b->name_toks_cap,
                      b->n_name_toks + 1, sizeof(uint32_t)))
      return -1;
    /* df counts a token once per name. */
    for(i = first; i < b->n_name_toks; i++)
      if(b->name_toks[i] == (uint32_t)id)
        break;
    if(i == b->n_name_toks)
      b->toks[id].df++;
    b->name_toks[b->n_name_toks++] = (uint32_t)id;
  }
  nm = &b->names[b->n_names++];
  memset(nm, 0, sizeof(*nm));
  nm->name_id = name_id;
  nm->party_id = party_id;
  nm->tok = (uint32_t)first;
  nm->ntok = (uint16_t)(b->n_name_toks - first);
  nm->alias = (uint16_t)(alias ? 1 : 0);
  return 0;
}

static void build_free(build *b)
{
  free(b->pool);
  free(b->toks);
  free(b->hash);
  free(b->names);
  free(b->name_toks);
}

/* Packs b into one blob and attaches it to a new index. */
static int pack(build *b, cg_sx **out, cg_error *err)
{
  blob_hdr h;
  cg_sx *idx = NULL;
  uint32_t *fill = NULL, *gcount = NULL;
  size_t i, j;
  uint32_t off, n_hash = 1024, total_grams = 0;
  int rc = CG_OK;

  memset(&h, 0, sizeof(h));
  while(n_hash < b->n_toks * 2 + 2)
    n_hash *= 2;
  /* Trigram bucket sizes of word tokens. */
  gcount = calloc(CG_SX_GRAMS + 1, sizeof(uint32_t));
  if(!gcount)
    goto nomem;
  for(i = 0; i < b->n_toks; i++) {
    uint32_t g[128];
    size_t ng;

    if(b->toks[i].kind != CG_TOK_WORD)
      continue;
    ng = token_grams(b->pool + b->toks[i].str, g, 128);
    for(j = 0; j < ng; j++)
      gcount[g[j]]++;
    total_grams += (uint32_t)ng;
  }
  h.magic = SX_MAGIC;
  h.version = SX_VERSION;
  h.n_names = (uint32_t)b->n_names;
  h.n_toks = (uint32_t)b->n_toks;
  h.n_name_toks = (uint32_t)b->n_name_toks;
  h.n_posts = 0;
  for(i = 0; i < b->n_toks; i++)
    h.n_posts += b->toks[i].df;
  h.pool_len = (uint32_t)b->pool_len;
  h.n_hash = n_hash;
  h.n_gram_toks = total_grams;
  off = align8(sizeof(h));
  h.off_names = off;
  off = align8(off + h.n_names * (uint32_t)sizeof(cg_sx_name));
  h.off_name_toks = off;
  off = align8(off + h.n_name_toks * 4);
  h.off_toks = off;
  off = align8(off + h.n_toks * (uint32_t)sizeof(cg_sx_tok));
  h.off_posts = off;
  off = align8(off + h.n_posts * 4);
  h.off_hash = off;
  off = align8(off + n_hash * 4);
  h.off_gram_start = off;
  off = align8(off + (CG_SX_GRAMS + 1) * 4);
  h.off_gram_toks = off;
  off = align8(off + total_grams * 4);
  h.off_pool = off;
  off = align8(off + h.pool_len);
  h.total = off;

  idx = calloc(1, sizeof(*idx));
  if(!idx)
    goto nomem;
  idx->blob = calloc(1, h.total);
  if(!idx->blob)
    goto nomem;
  idx->blob_len = h.total;
  memcpy(idx->blob, &h, sizeof(h));
  rc = attach(idx, err);
  if(rc != CG_OK)
    goto fail;
  memcpy(idx->pool, b->pool, b->pool_len);
  memcpy(idx->toks, b->toks, b->n_toks * sizeof(cg_sx_tok));
  memcpy(idx->name_toks, b->name_toks, b->n_name_toks * 4);
  memcpy(idx->names, b->names, b->n_names * sizeof(cg_sx_name));
  /* Weights, postings offsets, hash. */
  off = 0;
  for(i = 0; i < b->n_toks; i++) {
    cg_sx_tok *t = &idx->toks[i];
    uint32_t s;

    t->weight = (float)(rarity(t->df, h.n_names) * kind_factor((int)t->kind));
    t->post = off;
    off += t->df;
    s = str_hash(idx->pool + t->str) & (n_hash - 1);
    while(idx->hash[s])
      s = (s + 1) & (n_hash - 1);
    idx->hash[s] = (uint32_t)i + 1;
  }
  fill = calloc(b->n_toks + 1, sizeof(uint32_t));
  if(!fill)
    goto nomem;
  for(i = 0; i < b->n_names; i++) {
    cg_sx_name *nm = &idx->names[i];
    float w = 0;

    for(j = 0; j < nm->ntok; j++) {
      uint32_t t = idx->name_toks[nm->tok + j];
      size_t k;

      w += idx->toks[t].weight;
      for(k = 0; k < j; k++)
        if(idx->name_toks[nm->tok + k] == t)
          break;
      if(k == j)
        idx->posts[idx->toks[t].post + fill[t]++] = (uint32_t)i;
    }
    nm->wsum = w;
  }
  /* Trigram buckets. */
  off = 0;
  for(i = 0; i < CG_SX_GRAMS; i++) {
    idx->gram_start[i] = off;
    off += gcount[i];
    gcount[i] = 0;
  }
  idx->gram_start[CG_SX_GRAMS] = off;
  for(i = 0; i < b->n_toks; i++) {
    uint32_t g[128];
    size_t ng;

    if(idx->toks[i].kind != CG_TOK_WORD)
      continue;
    ng = token_grams(idx->pool + idx->toks[i].str, g, 128);
    for(j = 0; j < ng; j++)
      idx->gram_toks[idx->gram_start[g[j]] + gcount[g[j]]++] = (uint32_t)i;
  }
  free(fill);
  free(gcount);
  *out = idx;
  return CG_OK;

nomem:
  rc = cg_error_set(err, CG_ENOMEM, "screen index: out of memory");
fail:
  free(fill);
  free(gcount);
  cg_sx_free(idx);
  return rc;
}

int cg_sx_build(cg_store *db, cg_sx **out, cg_error *err)
{
  build b;
  cg_stmt *st = NULL;
  int rc;

  *out = NULL;
  memset(&b, 0, sizeof(b));
  rc = cg_store_prepare(db, &st,
                        "SELECT id, party_id, key, is_alias FROM party_names "
                        "ORDER BY id",
                        err);
  if(rc != CG_OK)
    goto done;
  while((rc = cg_stmt_step(st, err)) == 1) {
    const char *key = cg_stmt_text(st, 2);

    if(add_name(&b, (uint32_t)cg_stmt_int(st, 0), (uint32_t)cg_stmt_int(st, 1),
                key ? key : "", (int)cg_stmt_int(st, 3)) != 0) {
      rc = cg_error_set(err, CG_ENOMEM, "screen index: out of memory");
      goto done;
    }
  }
  if(rc < 0)
    goto done;
  rc = pack(&b, out, err);
done:
  cg_stmt_finalize(st);
  build_free(&b);
  return rc;
}

/* ==== Store and load ================================================== */

static const char *kind_name(uint32_t k)
{
  static const char *const names[] = { "word", "legal", "stop", "number" };

  return k < 4 ? names[k] : "word";
}

int cg_sx_store(cg_store *db, const cg_sx *idx, const char *lists,
                cg_error *err)
{
  cg_stmt *st = NULL;
  uint32_t i;
  int rc;

  rc = cg_store_prepare(db, &st,
                        "INSERT OR REPLACE INTO screen_index(id, lists, "
                        "format, data) VALUES(1, ?1, ?2, ?3)",
                        err);
  if(rc != CG_OK)
    goto done;
  rc = cg_stmt_bind_text(st, 1, lists, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, SX_VERSION, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_blob(st, 3, idx->blob, idx->blob_len, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc != CG_OK)
    goto done;
  cg_stmt_finalize(st);
  st = NULL;
  rc = cg_store_exec(db, "DELETE FROM screen_tokens", err);
  if(rc != CG_OK)
    goto done;
  rc = cg_store_prepare(db, &st,
                        "INSERT INTO screen_tokens(token, df, weight, kind) "
                        "VALUES(?1, ?2, ?3, ?4)",
                        err);
  if(rc != CG_OK)
    goto done;
  for(i = 0; i < idx->n_toks; i++) {
    const cg_sx_tok *t = &idx->toks[i];

    rc = cg_stmt_bind_text(st, 1, idx->pool + t->str, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 2, t->df, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_double(st, 3, t->weight, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 4, kind_name(t->kind), err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
    if(rc != CG_OK)
      goto done;
  }
done:
  cg_stmt_finalize(st);
  return rc;
}

int cg_sx_load(cg_store *db, cg_sx **out, char lists_out[65], cg_error *err)
{
  cg_stmt *st = NULL;
  cg_sx *idx = NULL;
  const void *p;
  size_t n = 0;
  int rc;

  *out = NULL;
  rc = cg_store_prepare(
      db, &st, "SELECT lists, data FROM screen_index WHERE id = 1", err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_step(st, err);
  if(rc == 0) {
    rc = cg_error_set(err, CG_ENOTFOUND, "screen index: none");
    goto done;
  }
  if(rc < 0)
    goto done;
  snprintf(lists_out, 65, "%s",
           cg_stmt_text(st, 0) ? cg_stmt_text(st, 0) : "");
  p = cg_stmt_blob(st, 1, &n);
  idx = calloc(1, sizeof(*idx));
  if(!idx || !(idx->blob = malloc(n ? n : 1))) {
    rc = cg_error_set(err, CG_ENOMEM, "screen index: out of memory");
    goto done;
  }
  memcpy(idx->blob, p, n);
  idx->blob_len = n;
  rc = attach(idx, err);
  if(rc != CG_OK)
    goto done;
  *out = idx;
  idx = NULL;
done:
  cg_sx_free(idx);
  cg_stmt_finalize(st);
  return rc;
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
    qi[i].vid = find_tok(idx, q->tok[i]);
    qi[i].kind = q->kind[i];
    qi[i].len = strlen(q->tok[i]);
    if(qi[i].vid >= 0)
      qi[i].w = idx->toks[qi[i].vid].weight;
    else
      qi[i].w = rarity(1, idx->n_names) * kind_factor(q->kind[i]);
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

static double score_name(const cg_sx *idx, const cg_sx_tokens *q,
                         const qtok *qi, uint32_t ni, char **explain)
{
  const cg_sx_name *nm = &idx->names[ni];
  pair pairs[CG_SX_MAX_TOKENS * CG_SX_MAX_TOKENS];
  uint8_t qi_used[CG_SX_MAX_TOKENS] = { 0 }, nj_used[CG_SX_MAX_TOKENS] = { 0 };
  double qsim[CG_SX_MAX_TOKENS] = { 0 };
  int qmatch[CG_SX_MAX_TOKENS];
  double wq = 0, wn = 0, num = 0, s;
  size_t np = 0, i, j, k;

  for(i = 0; i < q->n; i++) {
    wq += qi[i].w;
    qmatch[i] = -1;
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
    if(qi_used[i] || nj_used[j])
      continue;
    qi_used[i] = nj_used[j] = 1;
    qmatch[i] = (int)j;
    qsim[i] = pairs[k].sim;
    num += pairs[k].sim *
           (qi[i].w + idx->toks[idx->name_toks[nm->tok + j]].weight);
  }
  s = wq + wn > 0 ? num / (wq + wn) : 0.0;
  {
    /* Containment: every word of the listed name is in the query, which
     * only adds words ("Wuxi Sophgo" in "Wuxi Sophgo Technologies Ltd.").
     * Such a query names the listed party or something very close to it,
     * so it is at least a possible hit for review, never a sure one on
     * this ground alone. A listed name must carry real weight (not one
     * common word) for this to count. */
    double cov = 0, wn_words = 0;
    int all = 1;

    for(j = 0; j < nm->ntok; j++) {
      const cg_sx_tok *t = &idx->toks[idx->name_toks[nm->tok + j]];
      if(t->kind == CG_TOK_LEGAL)
        continue;
      wn_words += t->weight;
      if(!nj_used[j]) {
        all = 0;
        break;
      }
    }
    if(all && wn_words >= CONTAIN_MIN_WEIGHT) {
      for(i = 0; i < q->n; i++)
        if(qmatch[i] >= 0 &&
           idx->toks[idx->name_toks[nm->tok + (size_t)qmatch[i]]].kind !=
               CG_TOK_LEGAL) {
          if(qsim[i] < CONTAIN_MIN_SIM) {
            all = 0;
            break;
          }
          cov += qsim[i] *
                 idx->toks[idx->name_toks[nm->tok + (size_t)qmatch[i]]].weight;
        }
      if(all && CONTAIN_SCORE * cov / wn_words > s)
        s = CONTAIN_SCORE * cov / wn_words;
    }
  }
  if(s > 1.0)
    s = 1.0;
  if(explain) {
    char buf[2048];
    size_t o = 0;
    int any = 0;

    buf[0] = '\0';
    for(i = 0; i < q->n; i++) {
      if(qmatch[i] < 0)
        continue;
      j = (size_t)qmatch[i];
      append(buf, sizeof(buf), &o, "%s%s%s%s %.2f w%.1f%s", o ? "; " : "",
             q->tok[i], qsim[i] >= 1.0 ? "=" : "~",
             cg_sx_tok_text(idx, idx->name_toks[nm->tok + j]), qsim[i],
             qi[i].w, qi[i].kind == CG_TOK_LEGAL ? " legal form" : "");
    }
    for(i = 0; i < q->n; i++) {
      if(qmatch[i] >= 0)
        continue;
      append(buf, sizeof(buf), &o, "%s%s%s w%.1f",
             any ? ", " : "; query only: ", "", q->tok[i], qi[i].w);
      any = 1;
    }
    any = 0;
    for(j = 0; j < nm->ntok; j++) {
      uint32_t t = idx->name_toks[nm->tok + j];

      if(nj_used[j])
        continue;
      append(buf, sizeof(buf), &o, "%s%s w%.1f",
             any ? ", " : "; entry only: ", cg_sx_tok_text(idx, t),
             idx->toks[t].weight);
      any = 1;
    }
    *explain = strdup(buf);
  }
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
  ng = token_grams(tok, g, 128);
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
    double est = idx->acc[n] / (wq + idx->names[n].wsum);

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
