/* index_build.c -- the flat token index of internal.h: build from
 * party_names, pack into one blob, store it with the vocabulary and load
 * it back; the hashing both this and the search use. */
#include "screen/internal.h"

#include "core/crypto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SX_MAGIC   0x58534743u /* "CGSX" */
#define SX_VERSION 4u

typedef struct blob_hdr {
  uint32_t magic, version;
  uint32_t n_names, n_toks, n_name_toks, n_posts, pool_len, n_hash,
      n_gram_toks;
  uint32_t off_names, off_name_toks, off_toks, off_posts, off_hash,
      off_gram_start, off_gram_toks, off_pool, total;
} blob_hdr;

/* ==== Hashing ========================================================= */

uint32_t cg_sx_str_hash(const char *s)
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
size_t cg_sx_token_grams(const char *tok, uint32_t *g, size_t cap)
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

const char *cg_sx_tok_text(const cg_sx *idx, uint32_t id)
{
  return idx->pool + idx->toks[id].str;
}

double cg_sx_kind_factor(int kind)
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

double cg_sx_rarity(uint32_t df, uint32_t n_names)
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
     h.total != idx->blob_len || (uint64_t)h.off_pool + h.pool_len > h.total ||
     ((h.off_names | h.off_name_toks | h.off_toks | h.off_posts | h.off_hash |
       h.off_gram_start | h.off_gram_toks) &
      7u) ||
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

/* Every offset and id inside a loaded blob is in range, so that a
 * damaged database or side file can make a search wrong but never read
 * out of bounds (about 1 ms for the full CSL). */
static int check_arrays(const cg_sx *idx, cg_error *err)
{
  uint32_t i;

  if(!idx->n_hash || (idx->n_hash & (idx->n_hash - 1)) ||
     (idx->pool_len && idx->pool[idx->pool_len - 1] != '\0'))
    goto bad;
  for(i = 0; i < idx->n_names; i++)
    if((uint64_t)idx->names[i].tok + idx->names[i].ntok > idx->n_name_toks ||
       idx->names[i].ntok > CG_SX_MAX_TOKENS)
      goto bad;
  for(i = 0; i < idx->n_name_toks; i++)
    if(idx->name_toks[i] >= idx->n_toks)
      goto bad;
  for(i = 0; i < idx->n_toks; i++) {
    const cg_sx_tok *t = &idx->toks[i];

    if((uint64_t)t->str + t->len >= idx->pool_len ||
       idx->pool[t->str + t->len] != '\0' ||
       (uint64_t)t->post + t->df > idx->n_posts || t->kind > CG_TOK_NUMBER)
      goto bad;
  }
  for(i = 0; i < idx->n_posts; i++)
    if(idx->posts[i] >= idx->n_names)
      goto bad;
  for(i = 0; i < idx->n_hash; i++)
    if(idx->hash[i] > idx->n_toks)
      goto bad;
  for(i = 0; i < CG_SX_GRAMS; i++)
    if(idx->gram_start[i] > idx->gram_start[i + 1])
      goto bad;
  if(idx->gram_start[CG_SX_GRAMS] > idx->n_gram_toks)
    goto bad;
  for(i = 0; i < idx->n_gram_toks; i++)
    if(idx->gram_toks[i] >= idx->n_toks)
      goto bad;
  return CG_OK;
bad:
  return cg_error_set(err, CG_EINVAL, "screen index: damaged");
}

/* Frees what attach allocated, so that another blob can be attached. */
static void detach(cg_sx *idx)
{
  free(idx->acc);
  free(idx->cur);
  free(idx->stamp);
  free(idx->touched);
  free(idx->gram_hits);
  free(idx->tok_touched);
  idx->acc = idx->cur = NULL;
  idx->stamp = idx->touched = idx->tok_touched = NULL;
  idx->gram_hits = NULL;
}

void cg_sx_free(cg_sx *idx)
{
  if(!idx)
    return;
  if(idx->map)
    cg_sx_file_unmap(idx->map, idx->map_len);
  else
    free(idx->blob);
  detach(idx);
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
    uint32_t s = cg_sx_str_hash(b->pool + b->toks[i].str) & (uint32_t)(n - 1);

    while(h[s])
      s = (s + 1) & (uint32_t)(n - 1);
    h[s] = (uint32_t)i + 1;
  }
  free(b->hash);
  b->hash = h;
  b->n_hash = n;
  return 0;
}

/* Id of token s (of kind), added if new; -1 on out-of-memory. */
static int64_t intern(build *b, const char *s, int kind)
{
  uint32_t mask, h, v;
  size_t len = strlen(s);

  if((b->n_toks + 1) * 2 > b->n_hash && rehash(b) != 0)
    return -1;
  mask = (uint32_t)b->n_hash - 1;
  h = cg_sx_str_hash(s) & mask;
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
  b->toks[b->n_toks].kind = (uint32_t)kind;
  b->pool_len += len + 1;
  b->hash[h] = (uint32_t)b->n_toks + 1;
  return (int64_t)b->n_toks++;
}

static int add_name(build *b, uint32_t name_id, uint32_t party_id,
                    const cg_sx_tokens *t, int alias)
{
  size_t first = b->n_name_toks, i, k;
  cg_sx_name *nm;

  if(grow((void **)&b->names, &b->names_cap, b->n_names + 1,
          sizeof(cg_sx_name)))
    return -1;
  for(k = 0; k < t->n; k++) {
    int64_t id = intern(b, t->tok[k], t->kind[k]);

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

/* Counts the trigram bucket sizes of b's word tokens into gcount;
 * returns their sum. */
static uint32_t gram_counts(const build *b, uint32_t *gcount)
{
  uint32_t total = 0;
  size_t i, j;

  for(i = 0; i < b->n_toks; i++) {
    uint32_t g[128];
    size_t ng;

    if(b->toks[i].kind != CG_TOK_WORD)
      continue;
    ng = cg_sx_token_grams(b->pool + b->toks[i].str, g, 128);
    for(j = 0; j < ng; j++)
      gcount[g[j]]++;
    total += (uint32_t)ng;
  }
  return total;
}

/* The blob header of b: counts and 8-aligned offsets of every array. */
static void layout(const build *b, uint32_t n_hash, uint32_t total_grams,
                   blob_hdr *h)
{
  uint32_t off;
  size_t i;

  memset(h, 0, sizeof(*h));
  h->magic = SX_MAGIC;
  h->version = SX_VERSION;
  h->n_names = (uint32_t)b->n_names;
  h->n_toks = (uint32_t)b->n_toks;
  h->n_name_toks = (uint32_t)b->n_name_toks;
  h->n_posts = 0;
  for(i = 0; i < b->n_toks; i++)
    h->n_posts += b->toks[i].df;
  h->pool_len = (uint32_t)b->pool_len;
  h->n_hash = n_hash;
  h->n_gram_toks = total_grams;
  off = align8(sizeof(*h));
  h->off_names = off;
  off = align8(off + h->n_names * (uint32_t)sizeof(cg_sx_name));
  h->off_name_toks = off;
  off = align8(off + h->n_name_toks * 4);
  h->off_toks = off;
  off = align8(off + h->n_toks * (uint32_t)sizeof(cg_sx_tok));
  h->off_posts = off;
  off = align8(off + h->n_posts * 4);
  h->off_hash = off;
  off = align8(off + n_hash * 4);
  h->off_gram_start = off;
  off = align8(off + (CG_SX_GRAMS + 1) * 4);
  h->off_gram_toks = off;
  off = align8(off + total_grams * 4);
  h->off_pool = off;
  off = align8(off + h->pool_len);
  h->total = off;
}

/* Token weights, postings offsets and the token hash of idx. */
static void fill_tokens(cg_sx *idx)
{
  uint32_t off = 0, i;

  for(i = 0; i < idx->n_toks; i++) {
    cg_sx_tok *t = &idx->toks[i];
    uint32_t s;

    t->weight = (float)(cg_sx_rarity(t->df, idx->n_names) *
                        cg_sx_kind_factor((int)t->kind));
    t->post = off;
    off += t->df;
    s = cg_sx_str_hash(idx->pool + t->str) & (idx->n_hash - 1);
    while(idx->hash[s])
      s = (s + 1) & (idx->n_hash - 1);
    idx->hash[s] = i + 1;
  }
}

/* Postings (each name once per token) and name weights; fill is a
 * zeroed counter per token. */
static void fill_posts(cg_sx *idx, uint32_t *fill)
{
  size_t i, j;

  for(i = 0; i < idx->n_names; i++) {
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
}

/* Trigram buckets from the sizes in gcount (which ends zeroed). */
static void fill_grams(cg_sx *idx, uint32_t *gcount)
{
  uint32_t off = 0;
  size_t i, j;

  for(i = 0; i < CG_SX_GRAMS; i++) {
    idx->gram_start[i] = off;
    off += gcount[i];
    gcount[i] = 0;
  }
  idx->gram_start[CG_SX_GRAMS] = off;
  for(i = 0; i < idx->n_toks; i++) {
    uint32_t g[128];
    size_t ng;

    if(idx->toks[i].kind != CG_TOK_WORD)
      continue;
    ng = cg_sx_token_grams(idx->pool + idx->toks[i].str, g, 128);
    for(j = 0; j < ng; j++)
      idx->gram_toks[idx->gram_start[g[j]] + gcount[g[j]]++] = (uint32_t)i;
  }
}

/* Packs b into one blob and attaches it to a new index. */
static int pack(build *b, cg_sx **out, cg_error *err)
{
  blob_hdr h;
  cg_sx *idx = NULL;
  uint32_t *fill = NULL, *gcount = NULL;
  uint32_t n_hash = 1024;
  int rc = CG_OK;

  while(n_hash < b->n_toks * 2 + 2)
    n_hash *= 2;
  gcount = calloc(CG_SX_GRAMS + 1, sizeof(uint32_t));
  fill = calloc(b->n_toks + 1, sizeof(uint32_t));
  if(!gcount || !fill)
    goto nomem;
  layout(b, n_hash, gram_counts(b, gcount), &h);
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
  fill_tokens(idx);
  fill_posts(idx, fill);
  fill_grams(idx, gcount);
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

/* Adds name (name_id of party_id) in each way it reads: once, and for a
 * name in Chinese script also with its syllables glued, if that differs
 * ("hua wei" and "huawei"): best_per_party keeps the better. */
static int add_readings(build *b, cg_sx_norm *nm, uint32_t name_id,
                        uint32_t party_id, const char *name, int alias,
                        cg_error *err)
{
  cg_sx_tokens t[2];
  int rc, bad = 0;

  memset(t, 0, sizeof(t));
  rc = cg_sx_tokenise(nm, NULL, 0, &t[0], name ? name : "", err);
  if(rc == CG_OK && t[0].han)
    rc = cg_sx_tokenise(nm, NULL, CG_SX_GLUE, &t[1], name, err);
  if(rc == CG_OK) {
    bad = add_name(b, name_id, party_id, &t[0], alias);
    if(!bad && t[1].n && !cg_sx_tokens_same(&t[0], &t[1]))
      bad = add_name(b, name_id, party_id, &t[1], alias);
  }
  cg_sx_tokens_free(&t[0]);
  cg_sx_tokens_free(&t[1]);
  if(bad)
    rc = cg_error_set(err, CG_ENOMEM, "screen index: out of memory");
  return rc;
}

int cg_sx_build(cg_store *db, cg_sx_norm *nm, cg_sx **out, cg_error *err)
{
  build b;
  cg_stmt *st = NULL;
  int rc;

  *out = NULL;
  memset(&b, 0, sizeof(b));
  /* Names, not their stored keys: the index follows this binary's
   * normalisation even for lists imported by an older one. */
  rc = cg_store_prepare(db, &st,
                        "SELECT id, party_id, name, is_alias FROM party_names "
                        "ORDER BY id",
                        err);
  if(rc != CG_OK)
    goto done;
  while((rc = cg_stmt_step(st, err)) == 1) {
    rc = add_readings(&b, nm, (uint32_t)cg_stmt_int(st, 0),
                      (uint32_t)cg_stmt_int(st, 1), cg_stmt_text(st, 2),
                      (int)cg_stmt_int(st, 3), err);
    if(rc != CG_OK)
      goto done;
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
  char sha[CG_SHA256_HEX];
  uint32_t i;
  int rc;

  rc = cg_sha256_hex(idx->blob, idx->blob_len, sha, err);
  if(rc == CG_OK)
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
  cg_stmt_finalize(st);
  st = NULL;
  if(rc == CG_OK)
    rc = cg_store_prepare(db, &st,
                          "INSERT OR REPLACE INTO screen_index_digest(id, "
                          "lists, sha256, bytes) VALUES(1, ?1, ?2, ?3)",
                          err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, lists, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, sha, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, (int64_t)idx->blob_len, err);
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
  cg_sx_file_write(cg_store_path(db), sha, idx->blob, idx->blob_len);
done:
  cg_stmt_finalize(st);
  return rc;
}

/* Attaches the blob of the row (sha, n bytes): the side file mapped if
 * it is there and sound, else read out of the database (and the side
 * file written for the next process). */
static int load_blob(cg_store *db, cg_sx *idx, const char *sha, size_t n,
                     cg_error *err)
{
  void *p = NULL;
  int rc;

  if(cg_sx_file_map(cg_store_path(db), sha, n, &idx->map, &idx->map_len) ==
     0) {
    idx->blob = (unsigned char *)cg_sx_file_blob(idx->map);
    idx->blob_len = n;
    if(attach(idx, NULL) == CG_OK && check_arrays(idx, NULL) == CG_OK)
      return CG_OK;
    /* A damaged side file: the database has the blob. */
    detach(idx);
    cg_sx_file_unmap(idx->map, idx->map_len);
    idx->map = NULL;
    idx->blob = NULL;
  }
  rc = cg_store_blob_read(db, "screen_index", "data", 1, &p, &n, err);
  if(rc != CG_OK)
    return rc;
  idx->blob = p;
  idx->blob_len = n;
  rc = attach(idx, err);
  if(rc == CG_OK)
    rc = check_arrays(idx, err);
  if(rc == CG_OK && sha)
    cg_sx_file_write(cg_store_path(db), sha, p, n);
  return rc;
}

int cg_sx_load(cg_store *db, cg_sx **out, char lists_out[65], cg_error *err)
{
  cg_stmt *st = NULL;
  cg_sx *idx = NULL;
  int rc;

  *out = NULL;
  /* The statement stays on its row while the blob is read, so the
   * lists version and the index come from one snapshot. */
  /* Nothing here may read past the blob's first page: length(data)
   * comes from the record header, the digest from its own table. */
  rc = cg_store_prepare(db, &st,
                        "SELECT i.lists, d.sha256, length(i.data) FROM "
                        "screen_index i LEFT JOIN screen_index_digest d ON "
                        "d.id = 1 AND d.lists = i.lists AND d.bytes = "
                        "length(i.data) WHERE i.id = 1",
                        err);
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
  idx = calloc(1, sizeof(*idx));
  if(!idx) {
    rc = cg_error_set(err, CG_ENOMEM, "screen index: out of memory");
    goto done;
  }
  rc =
      load_blob(db, idx, cg_stmt_text(st, 1), (size_t)cg_stmt_int(st, 2), err);
  if(rc != CG_OK)
    goto done;
  *out = idx;
  idx = NULL;
done:
  cg_sx_free(idx);
  cg_stmt_finalize(st);
  return rc;
}
