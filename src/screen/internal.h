/* internal.h -- private to src/screen/ (and the benchmark and the screen
 * tests): tokens, Jaro-Winkler, the flat search index and the scorer
 * (index_build.c, index_score.c, norm.c), the screener's insides
 * (screen.c, customers.c) and what the list importers share (import*.c).
 *
 * The index (cg_sx) lives in one allocation made of flat arrays linked by
 * offsets, so it is stored in the database as one blob at import and
 * loaded back with one read. Searching uses scratch arrays inside the
 * index: one cg_sx must not be searched from two threads at once, which
 * is why each cg_screener loads its own. */
#ifndef CG_SCREEN_INT_H
#define CG_SCREEN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/csvfile.h"
#include "core/error.h"
#include "core/store.h"

#include "screen/screen.h"

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
  int han;                              /* read from Chinese script */
  int syllables; /* Han read syllable by syllable, not joined */
} cg_sx_tokens;

/* ==== Names: the equivalents table (equiv.c) and the pipeline ======== */

#define CG_SX_EQ_TOKS 8 /* words of a table variant or canonical form */

/* The compiled-in table db/seed/name_equivalents.csv, parsed (< 1 ms). */
typedef struct cg_sx_equiv cg_sx_equiv;
int cg_sx_equiv_load(cg_sx_equiv **out, cg_error *err);
void cg_sx_equiv_free(cg_sx_equiv *e);
/* SHA-256 of the table: part of the lists version (screen.c), so that a
 * new table rebuilds the index and re-screens customers. */
const char *cg_sx_equiv_sha256(void);
/* 1 if tok is a canonical legal form of the table ("ltd", "jsc"). */
int cg_sx_equiv_is_legal(const cg_sx_equiv *e, const char *tok);
/* 1 if tok is a pinyin word of the table's variants ("youxian"). */
int cg_sx_equiv_is_pinyin(const cg_sx_equiv *e, const char *tok);
/* The Latin row matching tokens w[i..] (longest first): returns how many
 * tokens it covers (0: none) and its canonical tokens; *legal = 1 for a
 * legal form. */
size_t cg_sx_equiv_latin(const cg_sx_equiv *e, const char *const *w, size_t n,
                         size_t i, const char *const **canon, size_t *ncanon,
                         int *legal);
/* The one-word abbreviation row that tok misspells (a variant of 7+ bytes
 * within 1 edit, 2 from 10 bytes: "technoolgies"), as above; 0 if none. */
int cg_sx_equiv_fuzzy(const cg_sx_equiv *e, const char *tok,
                      const char *const **canon, size_t *ncanon, int *legal);
/* The name key with marks (cg_text_name_key_marks) key with every script
 * row's variant replaced by its canonical words: Han anywhere in a Han
 * run, others as whole words. *out is malloc'ed. */
int cg_sx_equiv_script(const cg_sx_equiv *e, const char *key, char **out,
                       cg_error *err);

/* What normalising a name needs: the table and a transliterator (ICU
 * opened on first need). One per thread: the transliterator is not
 * thread-safe. */
typedef struct cg_sx_norm {
  cg_sx_equiv *eq;
  struct cg_translit *tr;
} cg_sx_norm;

int cg_sx_norm_new(cg_sx_norm **out, cg_error *err);
void cg_sx_norm_free(cg_sx_norm *n); /* NULL is fine */

struct cg_sx;
/* Normalises and tokenises name: NFKC and case fold; in another script,
 * look-alike letters in Latin words read as Latin, the table's script
 * rows, then Latin by transliteration; the name key; runs of pinyin
 * syllables joined into the table's words and, when vocab (a list index)
 * is given, its words; then the table's Latin rows and the legal
 * spellings. Kinds are set (a table legal form is CG_TOK_LEGAL).
 * flags: CG_SX_GLUE also joins, in a name read from Chinese script, the
 * syllables left between known words (Chinese writes no spaces: 摩尔线程
 * "mo er xian cheng" -> "moer xiancheng"); CG_SX_LOOKALIKE reads every
 * word of look-alike letters as Latin in a name that has Latin letters
 * and no other script ("СО., LTD."). A name can read several ways: the
 * index holds a Chinese-script name with and without glue, and a query
 * is searched in each reading that differs (screen.c); out->han says
 * whether the name was Chinese script. See docs/screening-names.md. */
enum { CG_SX_GLUE = 1, CG_SX_LOOKALIKE = 2 };
int cg_sx_tokenise(cg_sx_norm *nm, const struct cg_sx *vocab, int flags,
                   cg_sx_tokens *out, const char *name, cg_error *err);
/* 1 if two tokenisations are the same tokens. */
int cg_sx_tokens_same(const cg_sx_tokens *a, const cg_sx_tokens *b);
void cg_sx_tokens_free(cg_sx_tokens *t);
/* The tokens joined by spaces into *out (malloc'ed). */
int cg_sx_tokens_join(const cg_sx_tokens *t, char **out, cg_error *err);
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
  void *map;      /* the side file mapped (blob points into it), or NULL */
  size_t map_len; /* its length */
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

/* Builds the index from party_names (all current lists), every name
 * normalised by nm. */
int cg_sx_build(cg_store *db, cg_sx_norm *nm, cg_sx **out, cg_error *err);
/* Loads the index blob stored by cg_sx_store; CG_ENOTFOUND if none. */
int cg_sx_load(cg_store *db, cg_sx **out, char lists_out[65], cg_error *err);
/* Stores idx as the current index blob with its lists version, and the
 * vocabulary into screen_tokens. */
int cg_sx_store(cg_store *db, const cg_sx *idx, const char *lists,
                cg_error *err);
void cg_sx_free(cg_sx *idx);

/* The index's side file (index_file.c): a copy of the blob of digest sha
 * (hex) beside the database at db_path, written whole or not at all
 * (best effort: failures are ignored), and mapped when its header names
 * sha and len; cg_sx_file_map returns 0 with the mapping, -1 if there is
 * none to use. The blob starts at cg_sx_file_blob(map). */
void cg_sx_file_write(const char *db_path, const char *sha, const void *blob,
                      size_t len);
int cg_sx_file_map(const char *db_path, const char *sha, size_t len,
                   void **map_out, size_t *map_len_out);
const void *cg_sx_file_blob(const void *map);
void cg_sx_file_unmap(void *map, size_t len);

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

/* Shared by index_build.c and index_score.c: FNV-1a of a token; the
 * unique trigram buckets of "^tok$" into g (capacity cap), returning how
 * many; the weight factor of a token kind; the rarity ln(1 + N/df). */
uint32_t cg_sx_str_hash(const char *s);
size_t cg_sx_token_grams(const char *tok, uint32_t *g, size_t cap);
double cg_sx_kind_factor(int kind);
double cg_sx_rarity(uint32_t df, uint32_t n_names);

/* 1 if s is a word token of idx's vocabulary. */
int cg_sx_vocab_word(const cg_sx *idx, const char *s);
/* Vocabulary id of token s, or -1. */
int64_t cg_sx_find_tok(const cg_sx *idx, const char *s);

/* Token text of id. */
const char *cg_sx_tok_text(const cg_sx *idx, uint32_t id);

/* ==== Screening (screen.c, customers.c) =============================== */

/* A screener: the store it borrows and the index it loaded, keyed by the
 * lists version the index was built from. */
struct cg_screener {
  cg_store *db;     /* borrowed */
  cg_sx_norm *norm; /* made on first use */
  cg_sx *idx;       /* loaded at first use; NULL before */
  char lists[65];   /* lists version of idx, "" if none */
};

/* strdup of s, "" for NULL; NULL on out-of-memory. */
char *cg_sc_sdup(const char *s);
/* The index of the current lists into *out (NULL if no list is loaded),
 * borrowed from s; lists gets their version. */
int cg_sc_index(cg_screener *s, cg_sx **out, char lists[65], cg_error *err);
/* Screens name and appends its hits (on_parent as given) to out. */
int cg_sc_subject(cg_screener *s, cg_sx *idx, const char *name,
                  const char *country, double threshold, size_t limit,
                  int on_parent, cg_screen_hits *out, cg_error *err);
/* Frees n clearances and the array (NULL is fine). */
void cg_sc_clearances_free(cg_screen_clearance *c, size_t n);
/* Sets each hit's clearances in force and cleared/clear_reason
 * (clearances.c). */
int cg_sc_apply_clearances(cg_store *db, int64_t customer,
                           cg_screen_hits *hits, cg_error *err);
/* qsort order of hits: best score first, then entry id. */
int cg_sc_hit_cmp(const void *a, const void *b);

/* ==== Import (import*.c) ============================================== */

#define CG_SI_MAX_NAME 1024 /* bytes of a name or alias */

/* One list entry as parsed; strings are borrowed from the parser. */
typedef struct cg_si_entry {
  const char *list;      /* CSL "source" column */
  const char *entry_id;  /* may be "" (made from a hash) */
  const char *name;      /* primary name (may hold "; " aliases) */
  const char *alt_names; /* "; "-separated aliases */
  const char *type, *programs, *addresses, *fr, *start, *end;
  const char *lic_req, *lic_pol, *remarks, *url;
  const char *countries; /* "CN; HK", or NULL to read from addresses */
} cg_si_entry;

/* One import under way (import.c owns it; the readers fill it). */
typedef struct cg_si_importer {
  cg_store *db;
  const char *file;   /* for messages */
  const char *source; /* import source */
  int64_t version;    /* list_versions.id */
  cg_screen_counts *counts;
  cg_stmt *ins_party, *ins_name, *exists; /* cg_si_prepare'd */
  int own_tx; /* we began the transaction (else the caller's: sync) */
} cg_si_importer;

/* A growable string; { 0 } is empty; free(b.s). */
typedef struct cg_si_buf {
  char *s;
  size_t n, cap;
} cg_si_buf;

/* String helpers; the buffer ones return -1 on out-of-memory. */
const char *cg_si_skip_ws(const char *s);
const char *cg_si_nz(const char *s);           /* "" for NULL */
char *cg_si_dup_trim(const char *s, size_t n); /* malloc'ed, NULL: ENOMEM */
int cg_si_buf_add(cg_si_buf *b, const char *s, size_t n);
int cg_si_buf_str(cg_si_buf *b, const char *s);
/* Adds code to a "; "-list of country codes unless present. */
int cg_si_add_country(cg_si_buf *b, const char *code);
/* Country codes of "; "-separated addresses ending in ", CC". */
int cg_si_countries_of(cg_si_buf *b, const char *addresses);

/* The importer's statements (insert party, insert name, find party). */
int cg_si_prepare(cg_si_importer *im, cg_error *err);
void cg_si_unprepare(cg_si_importer *im); /* NULLs them; can't fail */
/* parties.id of (im->source, entry_id), 0 if none, <0 on error. */
int64_t cg_si_find_party(cg_si_importer *im, const char *entry_id,
                         cg_error *err);
/* Adds name[0..n) (trimmed) to party unless empty, "any successor ..."
 * or a repeat; where = "file:line" for messages. */
int cg_si_add_name(cg_si_importer *im, int64_t party, const char *name,
                   size_t n, int alias, const char *where, cg_error *err);
/* Inserts e with its names; *party_out (may be NULL) gets its id. */
int cg_si_insert_entry(cg_si_importer *im, const cg_si_entry *e,
                       const char *where, int64_t *party_out, cg_error *err);

/* The readers: every entry of the input into the importer. */
int cg_si_csl_csv(cg_si_importer *im, cg_csv *r, cg_error *err);
int cg_si_csl_json(cg_si_importer *im, const char *buf, size_t len,
                   cg_error *err);

/* OFAC's four files, opened together (any missing part is an error
 * before anything changes) and read in order. */
typedef struct cg_si_ofac_set {
  cg_csv *r[4];       /* sdn.csv, add.csv, alt.csv, sdn_comments.csv */
  char path[4][1100]; /* their paths */
} cg_si_ofac_set;

/* Where OFAC part (0 sdn, 1 add, 2 alt, 3 sdn_comments) lives beside
 * first, the SDN file's path or URL: first itself for 0; else first's
 * folder + the part's name, in capitals if the letters of first's file
 * name all are (SDN.CSV -> ADD.CSV, as OFAC publishes them; sdn.csv ->
 * add.csv) + for a URL (url = 1) what follows the name (its query).
 * malloc'ed; NULL when out of memory. */
char *cg_si_ofac_part(const char *first, int part, int url);

/* Opens the set beside sdn_path; sha_out = sha256 of the four digests. */
int cg_si_ofac_set_open(cg_si_ofac_set *set, const char *sdn_path,
                        char sha_out[65], cg_error *err);

/* The four files in memory (sdn, add, alt, sdn_comments); name[i] is
 * used in messages ("name:line: what") and name[0] recorded as the file
 * of the list version. */
typedef struct cg_si_ofac_mem {
  const char *name[4];
  const char *buf[4];
  size_t len[4];
} cg_si_ofac_mem;

/* Opens the set m as cg_si_ofac_set_open opens files (same digest). */
int cg_si_ofac_set_open_mem(cg_si_ofac_set *set, const cg_si_ofac_mem *m,
                            char sha_out[65], cg_error *err);
/* cg_screen_import of the set m (import.c: the same reader, transaction,
 * checks and digest as the files on disk). */
int cg_si_ofac_import_mem(cg_store *db, const cg_si_ofac_mem *m,
                          const char *source, cg_screen_counts *counts,
                          cg_error *err);

int cg_si_ofac_set_read(cg_si_importer *im, cg_si_ofac_set *set,
                        cg_error *err);
void cg_si_ofac_set_close(cg_si_ofac_set *set); /* can't fail */

#endif
