/* screen_int.h -- private to src/screen*.c (and the benchmark): tokens,
 * Jaro-Winkler, the flat search index and the scorer.
 *
 * The index (cg_sx) lives in one allocation made of flat arrays linked by
 * offsets, so it is stored in the database as one blob at import and
 * loaded back with one read. Searching uses scratch arrays inside the
 * index: one cg_sx must not be searched from two threads at once. */
#ifndef CG_SCREEN_INT_H
#define CG_SCREEN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

/* Token kinds (weights: word = rarity; legal and stop words a fraction). */
enum { CG_TOK_WORD = 0, CG_TOK_LEGAL = 1, CG_TOK_STOP = 2, CG_TOK_NUMBER = 3 };

#define CG_SX_LEGAL_FACTOR 0.12 /* weight of a legal form vs a word */
#define CG_SX_STOP_FACTOR  0.10 /* weight of "of", "and", "the" ... */
#define CG_SX_TOKEN_MIN    0.84 /* a token pair below this counts 0 */
#define CG_SX_MAX_TOKENS   32   /* tokens of a name used in scoring */
#define CG_SX_MAX_CP       48   /* code points of a token used by JW */

/* A tokenised, normalised name: tokens point into text. */
typedef struct cg_sx_tokens {
  size_t n;                             /* tokens */
  char *text;                           /* malloc'ed "tok\0tok\0..." */
  const char *tok[CG_SX_MAX_TOKENS];    /* token strings */
  unsigned char kind[CG_SX_MAX_TOKENS]; /* CG_TOK_* */
} cg_sx_tokens;

/* Normalises and tokenises name (see cg_screen_normalise). */
int cg_sx_tokenise(cg_sx_tokens *out, const char *name, cg_error *err);
void cg_sx_tokens_free(cg_sx_tokens *t);
int cg_sx_token_kind(const char *tok);

/* Jaro-Winkler similarity of two UTF-8 strings, in [0, 1]. */
double cg_sx_jaro_winkler(const char *a, const char *b);
/* Optimal-string-alignment edit distance (a transposition is one edit)
 * in code points, or max + 1 if it exceeds max. */
int cg_sx_edits(const char *a, const char *b, int max);
size_t cg_sx_cp_len(const char *s);
/* The similarity of two word tokens as used in scores: Jaro-Winkler,
 * lowered by 0.5 x edits / length, and 0 beyond the edits a token of
 * that length may have (<= 3: 0, <= 5: 1, <= 9: 2, else 3) or below
 * CG_SX_TOKEN_MIN. */
double cg_sx_token_sim(const char *a, const char *b);

/* ==== The index ======================================================= */

typedef struct cg_sx_tok {
  uint32_t str;  /* offset of the NUL-terminated token in pool */
  uint32_t len;  /* bytes */
  uint32_t df;   /* names holding the token */
  uint32_t post; /* first posting in posts[] (df postings) */
  float weight;  /* rarity weight */
  uint32_t kind; /* CG_TOK_* */
} cg_sx_tok;

typedef struct cg_sx_name {
  uint32_t name_id;  /* party_names.id */
  uint32_t party_id; /* parties.id */
  uint32_t tok;      /* first token id in name_toks[] */
  uint16_t ntok;     /* tokens */
  uint16_t alias;    /* 1 if an alias */
  float wsum;        /* sum of the token weights */
} cg_sx_name;

typedef struct cg_sx {
  uint32_t n_names;     /* names */
  uint32_t n_toks;      /* vocabulary size */
  uint32_t n_name_toks; /* entries in name_toks */
  uint32_t n_posts;     /* entries in posts */
  uint32_t pool_len;    /* bytes in pool */
  uint32_t n_hash;      /* slots in hash (power of two) */
  uint32_t n_gram_toks; /* entries in gram_toks */
  cg_sx_name *names;
  uint32_t *name_toks; /* token ids per name */
  cg_sx_tok *toks;
  uint32_t *posts;      /* name indices per token */
  uint32_t *hash;       /* token id + 1 per slot, 0 = empty */
  uint32_t *gram_start; /* CG_SX_GRAMS + 1 offsets into gram_toks */
  uint32_t *gram_toks;  /* word token ids per trigram bucket */
  char *pool;
  unsigned char *blob; /* the one allocation holding all of the above */
  size_t blob_len;
  /* Search scratch (not in the blob). */
  float *acc;          /* per name: estimated score numerator */
  float *cur;          /* per name: best contribution of the current token */
  uint32_t *stamp;     /* per name: last query token stamp seen */
  uint32_t *touched;   /* names touched by this query */
  uint32_t n_touched;  /* entries in touched */
  uint32_t serial;     /* stamp counter */
  uint16_t *gram_hits; /* per token: shared trigram count */
  uint32_t *tok_touched;
} cg_sx;

#define CG_SX_GRAMS 65536

/* Builds the index from party_names (all current lists). */
int cg_sx_build(cg_store *db, cg_sx **out, cg_error *err);
/* Loads the index blob stored by cg_sx_store; CG_ENOTFOUND if none. */
int cg_sx_load(cg_store *db, cg_sx **out, char lists_out[65], cg_error *err);
/* Stores idx as the current index blob with its lists version, and the
 * vocabulary into screen_tokens. */
int cg_sx_store(cg_store *db, const cg_sx *idx, const char *lists,
                cg_error *err);
void cg_sx_free(cg_sx *idx);

/* A scored candidate name. */
typedef struct cg_sx_match {
  uint32_t name; /* index into idx->names */
  double score;  /* [0, 1] */
} cg_sx_match;

/* Finds the best-scoring names for query: up to max matches with score
 * >= min_score, best first, at most one per party. exhaustive = 1 scores
 * every name (the benchmark's reference). *n_out gets the count. */
int cg_sx_search(cg_sx *idx, const cg_sx_tokens *q, double min_score,
                 int exhaustive, cg_sx_match *out, size_t max, size_t *n_out,
                 cg_error *err);

/* Scores query against indexed name ni; explain (may be NULL) gets a
 * malloc'ed description of the token pairs. */
double cg_sx_score(const cg_sx *idx, const cg_sx_tokens *q, uint32_t ni,
                   char **explain);

/* Token text of id. */
const char *cg_sx_tok_text(const cg_sx *idx, uint32_t id);

#endif
