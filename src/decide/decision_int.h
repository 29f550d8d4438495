/* decision_int.h -- private to src/decide/decision*.c: the field tables
 * that describe each object of the decision document once, for both the
 * writer and the reader, and the primitives they use. Not a public API. */
#ifndef CG_DECISION_INT_H
#define CG_DECISION_INT_H

#include "core/json.h"
#include "decide/decision.h"

#include <stddef.h>
#include <stdint.h>

/* Each JSON object of the document is described once, by a table of its
 * members IN KEY ORDER: the writer walks the table (so its keys come out
 * sorted by construction) and the reader looks keys up in it (so the two
 * cannot drift apart). */

typedef struct wr wr; /* writer state */
typedef struct rd rd; /* reader state */

typedef enum ftype {
  F_STR,   /* const char *; NULL is null */
  F_NUM,   /* double; NaN and infinities are null */
  F_INT,   /* int64_t */
  F_BOOL,  /* int 0/1 */
  F_TRI,   /* int 1/0/-1 (null) */
  F_OBJ,   /* nested struct described by sub */
  F_CUSTOM /* write/read below */
} ftype;

enum {
  OPT = 1,      /* F_STR: omitted when NULL; F_INT: omitted when 0 */
  VIEW_OMIT = 2 /* absent from the inputs view (cg_decision_write_inputs);
                   never the first member its object writes */
};

typedef struct objdesc objdesc;

typedef struct field {
  const char *key;    /* member name */
  ftype type;         /* how it is stored */
  size_t off;         /* offset in the struct */
  unsigned flags;     /* OPT */
  const objdesc *sub; /* F_OBJ */
  void (*write)(wr *w, const char *key, const char *base);
  int (*read)(rd *r, const cg_json *v, char *base);
} field;

struct objdesc {
  const field *f;           /* members, sorted by key */
  size_t n;                 /* members */
  void (*init)(char *base); /* defaults for an array element, or NULL */
  size_t size;              /* element size for arrays */
};

#define FLD(T, k, ty, member)                                                 \
  {                                                                           \
    k, ty, offsetof(T, member), 0, NULL, NULL, NULL                           \
  }
#define OPTF(T, k, ty, member)                                                \
  {                                                                           \
    k, ty, offsetof(T, member), OPT, NULL, NULL, NULL                         \
  }
#define SUB(T, k, member, d)                                                  \
  {                                                                           \
    k, F_OBJ, offsetof(T, member), 0, d, NULL, NULL                           \
  }
#define CUS(k, wfn, rfn)                                                      \
  {                                                                           \
    k, F_CUSTOM, 0, 0, NULL, wfn, rfn                                         \
  }
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* ==== writer state and primitives ====================================== */

/* Where the inputs view of the document differs from its bytes: p[from,
 * to) reads there as lit (lit_n bytes) or, with str set, as str written
 * as a JSON string. */
typedef struct wpatch {
  size_t from, to;
  const char *lit;
  size_t lit_n;
  const char *str;
} wpatch;

struct wr {
  char *p;         /* bytes so far */
  size_t n;        /* used */
  size_t cap;      /* allocated */
  int rc;          /* first failure */
  cg_error *err;   /* where it is described */
  int view;        /* record the inputs view's patches */
  wpatch *patches; /* in byte order */
  size_t npatches;
  size_t patch_cap;
};

/* ==== reader state and primitives ====================================== */

struct rd {
  cg_decision *d; /* the arena */
  cg_error *err;  /* where failures go */
  char path[160]; /* the member being read, for messages */
  size_t plen;    /* strlen(path) */
};

/* Writer (decision_json.c). Failures are sticky in w->rc: after one,
 * every call is a no-op, so callers check once at the end. */
void cgd_w_grow(wr *w, size_t more);
void cgd_w_put(wr *w, const char *s, size_t n);
void cgd_w_putc(wr *w, char c);
void cgd_w_key(wr *w, const char *key);
void cgd_w_sep(wr *w);
void cgd_w_str(wr *w, const char *s);
void cgd_w_num(wr *w, double v);
/* v as cgd_w_num writes it (finite v only) into buf; returns its length. */
size_t cgd_fmt_double(char buf[40], double v);
void cgd_w_int(wr *w, int64_t v);
void cgd_w_bool(wr *w, int v);
void cgd_w_tri(wr *w, int v);
void cgd_w_object(wr *w, const objdesc *o, const char *base);
void cgd_w_array(wr *w, const objdesc *o, const void *items, size_t n);
void cgd_w_mask(wr *w, uint64_t mask);
void cgd_w_enum_fail(wr *w, const char *what, int v);
/* With w->view: p[from, w->n) reads as lit (lit_n bytes), or as str
 * written as a JSON string, in the inputs view. */
void cgd_w_patch(wr *w, size_t from, const char *lit, size_t lit_n,
                 const char *str);
/* Reader (decision_json.c). Each returns CG_OK or the error it set, the
 * message naming r->path; push/pop keep the path of the member read. */
void cgd_rd_push(rd *r, const char *key, long index);
void cgd_rd_pop(rd *r, size_t plen);
int cgd_rd_fail(rd *r, const char *what);
int cgd_rd_nomem(rd *r);
int cgd_rd_str(rd *r, const cg_json *v, const char **out);
int cgd_rd_num(rd *r, const cg_json *v, double *out);
int cgd_rd_int(rd *r, const cg_json *v, int64_t *out);
int cgd_rd_bool(rd *r, const cg_json *v, int *out, int null_ok);
int cgd_rd_object(rd *r, const cg_json *obj, const objdesc *o, char *base);
int cgd_rd_array(rd *r, const cg_json *arr, const objdesc *o, void **items,
                 size_t *n);
int cgd_rd_mask(rd *r, const cg_json *arr, uint64_t *mask);

/* The top-level document (decision_fields.c). */
extern const objdesc cgd_decision_desc;

#endif
