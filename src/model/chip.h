/* chip.h -- chip records, the TPP / PD metrics (15 CFR 774 Supp. 1, 3A090
 * Technical Notes), process-node normalisation, and chip import.
 *
 * A chip record is an item: an IC, or a board or system holding ics copies
 * of one IC (4A090 follows the IC's 3A090 paragraph). A board's or
 * system's metrics are its IC's: loading one also loads its IC into ->ic.
 *
 * Unknown values are NaN (numbers) or -1 (yes/no), never 0. A cg_chip owns
 * its strings and ->ic; free with cg_chip_clear. */
#ifndef CG_CHIP_H
#define CG_CHIP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

/* Precisions with a dense peak rate, in the order of the CSV columns. */
enum {
  CG_FP64,
  CG_FP32,
  CG_TF32,
  CG_FP16,
  CG_BF16,
  CG_FP8,
  CG_FP4,
  CG_INT8,
  CG_INT4,
  CG_PREC_COUNT
};

typedef struct cg_chip {
  int64_t id;                 /* row id, 0 if not stored */
  char *name;                 /* unique, case-insensitive */
  char *vendor;               /* NULL if unknown */
  char *node;                 /* node label as given, NULL if unknown */
  char *foundry;              /* from the node table, NULL if unknown */
  double node_nm;             /* nm class from the node table */
  int nonplanar;              /* FinFET/GAA: 1, planar: 0, unknown: -1 */
  double die_area_mm2;        /* applicable die area */
  double transistors_billion; /* aggregated approximated count */
  int datacenter;             /* designed/marketed for datacenters */
  int hbm;                    /* has high-bandwidth memory */
  double perf[CG_PREC_COUNT]; /* dense TFLOP/s or TOP/s per precision */
  double memory_bandwidth_gbs;
  int hbm_stack;           /* the item is an HBM stack (3A090.c) */
  double hbm_density;      /* memory bandwidth density, GB/s/mm2 */
  double interconnect_gbs; /* bidirectional chip-to-chip I/O, GB/s */
  int kind;                /* CG_ITEM_* */
  int64_t ic_id;           /* board/system: its IC's row id, else 0 */
  int ics;                 /* ICs per unit: 1 for an IC */
  struct cg_chip *ic;      /* board/system: its IC (owned), else NULL */
  char *source;            /* where the record came from */
} cg_chip;

enum { CG_ITEM_IC, CG_ITEM_BOARD, CG_ITEM_SYSTEM };

/* "ic", "board", "system"; the kind of a name (-1 if none). */
const char *cg_item_kind_name(int kind);
int cg_item_kind_parse(const char *name);

/* The IC whose metrics the rules read: c->ic for a loaded board or system,
 * else c itself. */
const cg_chip *cg_chip_ic(const cg_chip *c);

/* The item's ECCN from its IC's (4A090 Note: a computer or assembly
 * containing a 3A090.a/.b IC is 4A090.a/.b; one containing a 3A991.p IC is
 * 4A994.l): ic_eccn itself for an IC or any other ECCN. Returns a static
 * string or ic_eccn (NULL stays NULL). */
const char *cg_item_eccn(int kind, const char *ic_eccn);

/* Sets every field to unknown. */
void cg_chip_init(cg_chip *c);
void cg_chip_clear(cg_chip *c);

/* Column name ("fp8_tflops") and bit length (8) of a precision. */
const char *cg_precision_column(int prec);
const char *cg_precision_label(int prec); /* "FP8" */
int cg_precision_bits(int prec);

/* TPP = max over known precisions of dense rate x bit length; NaN when no
 * rate is known. *prec_out (may be NULL) gets the precision that set it. */
double cg_chip_tpp(const cg_chip *c, int *prec_out);
/* PD = TPP / die area; NaN when either is unknown. */
double cg_chip_pd(const cg_chip *c);
/* Max dense TOP/s (or TFLOP/s) over precisions; NaN when none known. */
double cg_chip_max_tops(const cg_chip *c);
/* Peak 16-bit training rate (max of FP16/BF16), TFLOP/s; NaN if unknown. */
double cg_chip_peak16(const cg_chip *c);

/* The chip as a JSON object: name, vendor, node, node_nm, nonplanar,
 * foundry, tpp, tpp_precision, pd, die_area_mm2, transistors_billion,
 * datacenter, hbm, memory_bandwidth_gbs, interconnect_gbs, hbm_stack,
 * hbm_density (unknown = null), and kind (with ic, ics for a board or
 * system, whose metrics are its IC's). NULL on OOM. */
struct cg_json *cg_chip_json(const cg_chip *c);

/* ---- process nodes ---------------------------------------------------- */

typedef struct cg_nodes cg_nodes;

typedef struct cg_node_info {
  const char *foundry; /* borrowed from the table */
  double nm;           /* nm class */
  int nonplanar;       /* 1 FinFET/GAA, 0 planar */
} cg_node_info;

/* Loads and compiles the node table from the database. */
int cg_nodes_load(cg_nodes **out, cg_store *db, cg_error *err);
/* CG_ENOTFOUND if no pattern recognises label. */
int cg_nodes_resolve(const cg_nodes *n, const char *label, cg_node_info *out,
                     cg_error *err);
void cg_nodes_free(cg_nodes *n);

/* ---- storage ------------------------------------------------------------ */

/* Loads the chip called name (case-insensitive), and a board's or
 * system's IC: CG_ENOTFOUND if none. */
int cg_chip_get(cg_store *db, const char *name, cg_chip *out, cg_error *err);
int cg_chip_get_id(cg_store *db, int64_t id, cg_chip *out, cg_error *err);
/* The id of the chip called name (case-insensitive) in *id_out, 0 if
 * there is none (not an error). */
int cg_chip_find_id(cg_store *db, const char *name, int64_t *id_out,
                    cg_error *err);

/* Up to max names closest to name (edit distance), best first, written as
 * malloc'ed strings into names; returns how many. */
size_t cg_chip_suggest(cg_store *db, const char *name, char **names,
                       size_t max);

/* Calls fn for every chip in name order; stops on a non-zero return. */
int cg_chip_each(cg_store *db, int (*fn)(const cg_chip *, void *), void *arg,
                 cg_error *err);

/* ---- import ------------------------------------------------------------- */

enum { CG_CHIP_FORMAT_CSV, CG_CHIP_FORMAT_EPOCH };

/* Imports a chips file in one transaction: any bad row rejects the whole
 * file ("file:line: what", CG_EINVAL) and the database is unchanged. A
 * chip whose name exists is updated; columns absent from the header keep
 * their stored values. A board or system row names its IC (column ic: an
 * IC stored before or earlier in the file) and ics > 0; an unknown IC, an
 * IC that is itself a board or system, or ic/ics on an IC row is an
 * error. *count_out gets the rows imported. */
int cg_chip_import(cg_store *db, const char *path, int format,
                   size_t *count_out, cg_error *err);

#endif
