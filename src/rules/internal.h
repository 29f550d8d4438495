/* internal.h -- private types shared by the rules module's stages:
 * lexer.c (bytes -> tokens), parser*.c (tokens -> rules + expression
 * nodes), check.c (resolve facts, types, regexes, groups, reliefs:
 * the compiled form), eval.c (+ result.c), load.c, testrun.c. Not a
 * public API. */
#ifndef CG_RULES_INTERNAL_H
#define CG_RULES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/pattern.h"
#include "rules/rules.h"

#define CG_RULES_MAX_LINE  4096 /* bytes per source line */
#define CG_RULES_MAX_DEPTH 64   /* expression nesting */

/* ---- Diagnostics ------------------------------------------------------ */

/* Appends "file:line:col: fmt..." to d (ignored if d is NULL). Returns
 * CG_ENOMEM if the append itself failed, else CG_OK. */
int cg_diag_add(cg_rules_diags *d, const char *file, int line, int col,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- Tokens ----------------------------------------------------------- */

typedef enum tok_kind {
  T_EOF = 0,
  T_IDENT,  /* [A-Za-z_][A-Za-z0-9_.-]* (keywords too) */
  T_NUMBER, /* 12, 1.6, 1e26, -3 */
  T_STRING, /* "..." (text is unescaped) */
  T_DATE,   /* 2025-01-16 */
  T_REGEX,  /* /re/flags: text = re, flags in num */
  T_LBRACK,
  T_RBRACK,
  T_LPAREN,
  T_RPAREN,
  T_COMMA,
  T_EQ, /* == */
  T_NE, /* != */
  T_LT,
  T_LE,
  T_GT,
  T_GE,
  T_ASSIGN /* = */
} tok_kind;

typedef struct cg_token {
  tok_kind kind;
  int line, col; /* position of the first character */
  size_t off;    /* byte offset in the source */
  size_t end;    /* byte offset just past the token */
  char *text;    /* IDENT/STRING/REGEX/DATE text (malloc) */
  double num;    /* NUMBER value; REGEX flags (CG_PATTERN_*) */
} cg_token;

typedef struct cg_tokens {
  cg_token *v;
  size_t n, cap;
} cg_tokens;

/* Lexes one source. Errors go to diags; returns the number of errors
 * (>= 0) or CG_ENOMEM. Tokens end with T_EOF. */
int cg_lex(const char *file, const char *text, size_t len, cg_tokens *out,
           cg_rules_diags *diags);
void cg_tokens_free(cg_tokens *t);
const char *cg_tok_kind_name(tok_kind k);

/* ---- Expressions ------------------------------------------------------ */

typedef enum node_kind {
  N_LIT,   /* literal value (number, string, date, bool, unknown) */
  N_LIST,  /* list literal: kids = items */
  N_FACT,  /* fact read */
  N_CMP,   /* a op b */
  N_IN,    /* a in list */
  N_GROUP, /* a in group("D:1", ...) */
  N_MATCH, /* a matches /re/ */
  N_AND,
  N_OR,
  N_NOT,
  N_YEAR,  /* year(date) */
  N_KNOWN, /* known(fact) */
  N_REF    /* a `define`d condition: fact = definition index */
} node_kind;

typedef struct cg_node {
  node_kind kind;
  int line, col; /* where it starts (for errors) */
  int a, b;      /* child node indices, -1 if none */
  int op;        /* N_CMP: T_EQ..T_GE */
  cg_value lit;  /* N_LIT; strings point into `str` */
  char *str;     /* owned string (literal, fact name, regex) */
  int fact;      /* N_FACT/N_KNOWN: resolved id */
  int *items;    /* N_LIST: item node indices */
  size_t nitems;
  unsigned groups;    /* N_GROUP: mask */
  char **group_names; /* N_GROUP: names as written */
  int regex_flags;    /* N_MATCH: CG_PATTERN_* */
  cg_pattern *re;     /* N_MATCH: compiled at check time */
  char *literal;      /* N_MATCH: lower-cased pattern when it is a plain
                         ASCII literal (fast path), else NULL */
  cg_kind type;       /* checked type (CG_V_*; BOOL for conditions) */
  int is_unknown_lit; /* the literal `unknown` */
  int interned;       /* N_LIT string shared pack-wide (pointer equality) */
  int *kids;          /* N_AND/N_OR: operands, two or more, in source
                         order (a, b unused); after cg_compile a
                         parenthesised operand of the same kind is
                         spliced in */
  size_t nkids;
  int re_index; /* N_MATCH on a fact: its regex's index in that fact's
                   domain (domain.c), else -1 */
} cg_node;

/* ---- Rules and the pack ---------------------------------------------- */

typedef struct cg_set {
  int fact;   /* resolved at check */
  char *name; /* as written */
  int node;   /* literal node */
  int line, col;
} cg_set;

typedef struct cg_rule {
  char *id;
  char *title;
  char *cite;
  char *reason;
  const char *eccn; /* classify: canonical (interned) copy of reason */
  char *file;       /* borrowed from pack->files[] */
  int line, col;
  size_t src_off, src_end; /* byte range in the file */
  char *source;            /* copy of the rule text */
  cg_action action;
  int has_action;
  int parse_failed;  /* a clause failed to parse: no "missing" cascade */
  int cond;          /* root expression node, -1 if none */
  int32_t effective; /* INT32_MIN if none */
  int32_t expires;   /* INT32_MAX if none */
  char **relieves;   /* ids as written */
  int *relieves_line, *relieves_col;
  int *relieve_idx; /* resolved rule indices */
  size_t nrelieves;
  cg_set *sets;
  size_t nsets;
  uint64_t reason_facts; /* facts named in {..} of the reason */
  int licensable;
  int own_licence; /* line of `own_licence` (0: absent): a licence
                      held for the order does not cover this
                      requirement; it needs one of its own */
  int own_licence_col;
  uint32_t eccn_guard; /* bit per eccn_vals[]: the rule can only be true
                          for these; 0 = no guard */
} cg_rule;

#define CG_RULES_MAX_DEFS 64 /* definitions per pack (memo bits) */

/* `define NAME = EXPR`: a named bool condition, evaluated at most once
 * per evaluation phase and shared by the rules that use it. */
typedef struct cg_def {
  char *name;
  int node;   /* expression */
  char *file; /* borrowed from pack->files[] */
  int line, col;
} cg_def;

typedef struct cg_file {
  char *path; /* relative path (diagnostics, digest) */
  char *text; /* contents */
  size_t len;
} cg_file;

/* What the pack can tell apart of one fact's values (domain.c): the
 * stand-ins from which sound.c completes an unknown fact. */
typedef struct cg_domain {
  int unsplittable; /* 1: cannot be completed (compared with another
                       fact or an expression, or too many literals) */
  double *pts;      /* number/date: sorted distinct thresholds */
  size_t npts;
  const char **strs; /* string: literals it is compared with (borrowed) */
  size_t nstrs;
  int res[4]; /* string: node index of each distinct regex */
  size_t nres;
  char **abs; /* string: 2^nres labels "\1a value matching ..."
                 standing for a value equal to no literal that
                 matches exactly the regexes of its index bits */
  size_t nabs;
  const char **codes; /* country: codes it is compared with (borrowed) */
  size_t ncodes;
} cg_domain;

struct cg_rules {
  cg_file *files;
  size_t nfiles;
  cg_rule *rules;
  size_t nrules, rcap;
  cg_node *nodes;
  size_t nnodes, ncap;
  int *classify; /* rule indices of classify rules, in order */
  size_t nclassify;
  int *decide; /* the other rules, in order */
  size_t ndecide;
  cg_def *defs;
  size_t ndefs, dcap;
  const char *eccn_vals[32]; /* distinct classify values (interned) */
  int neccn;
  cg_domain dom[CG_F_COUNT]; /* per fact: what completes it */
  unsigned used_groups;      /* country groups any rule reads */
};

/* ---- Parser state (parser.c: rules and defines; parser_expr.c:
 * expressions; parser_base.c: errors, recovery, node allocation) ------- */

/* One parse of one file's tokens. Errors are counted and appended to
 * diags; an allocation failure sets oom and the parse unwinds. */
typedef struct cg_parser {
  cg_rules *pack;        /* rules and nodes are appended here */
  const char *file;      /* path for diagnostics (borrowed) */
  const char *text;      /* source bytes (rule source copies) */
  const cg_tokens *toks; /* ends with T_EOF */
  size_t i;              /* current token */
  cg_rules_diags *diags; /* may be NULL */
  int errors;            /* diagnostics reported */
  int oom;               /* an allocation failed */
  int depth;             /* expression nesting */
} cg_parser;

static inline const cg_token *cg_parser_cur(const cg_parser *p)
{
  return &p->toks->v[p->i];
}

/* Advances, but never past T_EOF. */
static inline void cg_parser_next(cg_parser *p)
{
  if(p->toks->v[p->i].kind != T_EOF)
    p->i++;
}

static inline int cg_parser_is_kw(const cg_token *t, const char *kw)
{
  return t->kind == T_IDENT && strcmp(t->text, kw) == 0;
}

/* Node i of the pack; the pointer dies at the next cg_parser_new_node. */
static inline cg_node *cg_parser_node(cg_parser *p, int i)
{
  return &p->pack->nodes[i];
}

/* Reports "fmt, got <token>" at t and counts the error. */
void cg_parser_error(cg_parser *p, const cg_token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A clause keyword (title, cite, ..., set) or a top one (rule, define). */
int cg_parser_is_clause_kw(const cg_token *t);
int cg_parser_is_top_kw(const cg_token *t);
/* Skips to the next clause keyword, `rule`, `define` or EOF. */
void cg_parser_sync_clause(cg_parser *p);
/* Appends a node positioned at `at`; its index, or -1 (oom set). */
int cg_parser_new_node(cg_parser *p, node_kind k, const cg_token *at);
/* strdup that sets oom on failure. */
char *cg_parser_strdup(cg_parser *p, const char *s);
/* Consumes a token of kind k, else reports "expected <what>"; 0 or -1. */
int cg_parser_expect(cg_parser *p, tok_kind k, const char *what);

/* literal := NUMBER | STRING | DATE | true | false | unknown: the node
 * index, or -1 when the current token is none of those (nothing
 * reported) or on oom. */
int cg_parse_literal(cg_parser *p);
/* expr (grammar in parser_expr.c): the root node index, or -1 after
 * reporting the error. */
int cg_parse_expr(cg_parser *p);

/* Parses one file's tokens, appending rules and nodes to pack. Returns
 * the number of errors or CG_ENOMEM. */
int cg_parse(cg_rules *pack, const char *file, const char *text,
             const cg_tokens *toks, cg_rules_diags *diags);

/* Checks and compiles the whole pack. Returns the number of errors or
 * CG_ENOMEM. */
int cg_check(cg_rules *pack, cg_rules_diags *diags);

/* Lists files under dir (recursively) whose names end in suffix, as
 * '/'-separated relative paths sorted bytewise. CG_ENOTFOUND if dir is
 * not a directory. Caller frees each path and the array. */
int cg_rules_list_files(const char *dir, const char *suffix, char ***out,
                        size_t *n, cg_error *err);

/* Reads a whole file into a malloc()ed NUL-terminated buffer. */
int cg_rules_read_file(const char *path, char **out, size_t *len,
                       cg_error *err);

/* ---- Name tables (names.c) -------------------------------------------- */

/* A name and the index of what it names (a rule); keys are borrowed. */
typedef struct cg_name_ent {
  const char *key;
  int idx;
} cg_name_ent;

/* Sorts by key, then index. */
void cg_names_sort(cg_name_ent *v, size_t n);
/* The lowest index whose key is key in sorted v, or -1. */
int cg_names_find(const cg_name_ent *v, size_t n, const char *key);

/* Compiles a pack that checked clean: interns ECCN strings, flattens
 * and/or chains, computes eccn guards and literal regex fast paths.
 * CG_OK or CG_ENOMEM. */
int cg_compile(cg_rules *pack);

/* ---- Completing unknown facts (domain.c, sound.c) --------------------- */

/* Builds pk->dom from the compiled pack. CG_OK or CG_ENOMEM. */
int cg_domain_build(cg_rules *pk);
void cg_domain_free(cg_rules *pk);
/* The values that stand for every value of `fact` the pack can tell
 * apart (countries: classes of the given ones; none without them). Writes at
 * most cap; returns the number written, 0 if the fact cannot be
 * completed. Strings borrow from the pack. */
size_t cg_domain_values(const cg_rules *pk, int fact,
                        const cg_rules_country *countries, size_t ncountries,
                        cg_value *out, size_t cap);
/* Index bits of an abstract string value of `fact`, or -1 if s is not
 * one (an ordinary string). */
int cg_domain_abstract(const cg_rules *pk, int fact, const char *s);
/* "chip.tpp < 1600", "1600 < chip.tpp < 2400", "dest = CN",
 * "customer.hq is a country in D:5 (e.g. CN)" for a completion value. */
void cg_domain_describe(const cg_rules *pk, int fact, const cg_value *v,
                        char *buf, size_t size);

/* Frees the pack's internals (used by cg_rules_free). */
void cg_pack_free_parts(cg_rules *pack);

#endif
