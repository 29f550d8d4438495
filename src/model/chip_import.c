/* chip_import.c -- the chip importers of chip.h: chipgate's own CSV
 * columns and Epoch AI's ml_hardware.csv. One file = one transaction. */
#include "model/chip.h"

#include "core/csvfile.h"
#include "core/importer.h"
#include "model/rowseen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every column a chip row can set; the index is the bit in a mask. The
 * CSV column names are the chips table's column names. */
enum {
  COL_NAME,
  COL_VENDOR,
  COL_NODE,
  COL_DIE,
  COL_TRANSISTORS,
  COL_DATACENTER,
  COL_HBM,
  COL_PERF0, /* COL_PERF0 + precision */
  COL_BW = COL_PERF0 + CG_PREC_COUNT,
  COL_HBM_STACK, /* from here on: chipgate's columns, never Epoch's */
  COL_HBM_DENSITY,
  COL_INTERCONNECT,
  COL_KIND,
  COL_IC,
  COL_ICS,
  COL_COUNT
};

/* The columns an Epoch row sets: Epoch says nothing of the others, which
 * keep their stored values. */
#define EPOCH_MASK ((1u << (COL_BW + 1)) - 1)

static const char *const csv_columns[COL_COUNT] = {
  "name",
  "vendor",
  "node",
  "die_area_mm2",
  "transistors_billion",
  "datacenter",
  "hbm",
  "fp64_tflops",
  "fp32_tflops",
  "tf32_tflops",
  "fp16_tflops",
  "bf16_tflops",
  "fp8_tflops",
  "fp4_tflops",
  "int8_tops",
  "int4_tops",
  "memory_bandwidth_gbs",
  "hbm_stack",
  "hbm_density",
  "interconnect_gbs",
  "kind",
  "ic",
  "ics",
};

/* The chips table's column for CSV column k. */
static const char *table_column(int k)
{
  return k == COL_IC ? "ic_id" : csv_columns[k];
}

/* Epoch AI ml_hardware.csv columns we read (units: FLOP/s, OP/s, byte/s,
 * mm^2, millions of transistors, nm). */
enum {
  EP_NAME,
  EP_VENDOR,
  EP_FP64,
  EP_FP32,
  EP_FP16,
  EP_TF32,
  EP_TENSOR16,
  EP_INT8,
  EP_INT4,
  EP_FP8,
  EP_FP4,
  EP_BW,
  EP_DIE,
  EP_NM,
  EP_FOUNDRY,
  EP_TRANSISTORS,
  EP_COUNT
};

static const char *const epoch_columns[EP_COUNT] = {
  "Hardware name",
  "Manufacturer",
  "FP64 (double precision) performance (FLOP/s)",
  "FP32 (single precision) performance (FLOP/s)",
  "FP16 (half precision) performance (FLOP/s)",
  "TF32 (TensorFloat-32) performance (FLOP/s)",
  "Tensor-FP16/BF16 performance (FLOP/s)",
  "INT8 performance (OP/s)",
  "INT4 performance (OP/s)",
  "FP8 performance (FLOP/s)",
  "FP4 performance (FLOP/s)",
  "Memory bandwidth (byte/s)",
  "Die Size (mm^2)",
  "Process size (nm)",
  "Foundry",
  "Transistors (millions)",
};

typedef struct import_ctx {
  cg_store *db;       /* borrowed */
  cg_nodes *nodes;    /* the node table, loaded once per import */
  const char *path;   /* for messages */
  long line;          /* of the current row */
  int format;         /* CG_CHIP_FORMAT_* */
  const char *source; /* chips.source of every row */
  int map[32];        /* >= COL_COUNT and EP_COUNT: column -> field */
  unsigned mask;      /* COL_* present in the file */
  cg_stmt *st;        /* the upsert for mask */
  int kind;           /* CG_ITEM_* of the current row (if COL_KIND) */
  int64_t ic_id;      /* its IC's row id (if COL_IC), else 0 */
  int ics;            /* its ICs per unit (if COL_ICS), else 0 */
  cg_rowseen *seen;   /* names in this file */
} import_ctx;

static const char *trim(const char *s, char *buf, size_t size)
{
  size_t n;

  while(*s == ' ' || *s == '\t')
    s++;
  n = strlen(s);
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if(n >= size)
    n = size - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return buf;
}

/* Parses a non-negative finite number; "" is unknown (NaN). */
static int parse_number(const import_ctx *ic, const char *col, const char *raw,
                        double scale, double *out, cg_error *err)
{
  char buf[128];
  const char *s;
  char *end;
  double v;

  if(strlen(raw) >= sizeof(buf))
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: %s: not a number "
                        "(%zu characters)",
                        ic->path, ic->line, col, strlen(raw));
  s = trim(raw, buf, sizeof(buf));
  if(!*s) {
    *out = NAN;
    return CG_OK;
  }
  v = strtod(s, &end);
  if(*end || end == s || isnan(v) || isinf(v) ||
     strspn(s, "0123456789.eE+-") != strlen(s))
    return cg_error_set(err, CG_EINVAL, "%s:%ld: %s: \"%s\" is not a number",
                        ic->path, ic->line, col, s);
  if(v < 0)
    return cg_error_set(err, CG_EINVAL, "%s:%ld: %s: %s is negative", ic->path,
                        ic->line, col, s);
  /* No chip rate, area or count comes near 1e9 in its unit (TFLOP/s,
   * mm^2, billions); larger is a unit mistake, and 1e308 would make TPP
   * infinite. */
  if(v * scale > 1e9)
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: %s: %s is out of range (a unit mistake?)",
                        ic->path, ic->line, col, s);
  *out = v * scale;
  return CG_OK;
}

static int parse_bool(const import_ctx *ic, const char *col, const char *raw,
                      int *out, cg_error *err)
{
  char buf[16];
  const char *s = trim(raw, buf, sizeof(buf));

  if(!*s && strlen(raw) < sizeof(buf))
    *out = -1;
  else if(!strcasecmp(s, "1") || !strcasecmp(s, "true") ||
          !strcasecmp(s, "yes") || !strcasecmp(s, "y"))
    *out = 1;
  else if(!strcasecmp(s, "0") || !strcasecmp(s, "false") ||
          !strcasecmp(s, "no") || !strcasecmp(s, "n"))
    *out = 0;
  else
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: %s: \"%.40s\" is not yes/no (use 1/0, "
                        "true/false or yes/no)",
                        ic->path, ic->line, col, raw);
  return CG_OK;
}

static int set_text(const import_ctx *ic, const char *col, const char *raw,
                    char **out, cg_error *err)
{
  char buf[512];

  if(strlen(raw) >= sizeof(buf))
    return cg_error_set(err, CG_EINVAL, "%s:%ld: %s: longer than %zu bytes",
                        ic->path, ic->line, col, sizeof(buf) - 1);
  trim(raw, buf, sizeof(buf));
  free(*out);
  *out = buf[0] ? strdup(buf) : NULL;
  if(buf[0] && !*out)
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  return CG_OK;
}

static int resolve_node(const import_ctx *ic, cg_chip *c, cg_error *err)
{
  cg_node_info info;
  int rc;

  if(!c->node)
    return CG_OK;
  rc = cg_nodes_resolve(ic->nodes, c->node, &info, err);
  if(rc != CG_OK) {
    /* In an import file an unknown label is bad data, not a lookup. */
    if(err && rc == CG_ENOTFOUND)
      err->code = CG_EINVAL;
    cg_error_prefix(err, "%s:%ld", ic->path, ic->line);
    return rc == CG_ENOTFOUND ? CG_EINVAL : rc;
  }
  c->foundry = strdup(info.foundry);
  c->node_nm = info.nm;
  c->nonplanar = info.nonplanar;
  return c->foundry ? CG_OK : cg_error_set(err, CG_ENOMEM, "out of memory");
}

/* Builds the upsert for the columns in mask. Column names come from our
 * own tables, never from input; values are bound. */
static int build_upsert(cg_store *db, unsigned mask, cg_stmt **out,
                        cg_error *err)
{
  char sql[4096], diff[2048];
  size_t o, d;
  int i;

  o = (size_t)snprintf(sql, sizeof(sql),
                       "INSERT INTO chips(name, source, foundry, node_nm, "
                       "nonplanar");
  for(i = 1; i < COL_COUNT; i++)
    if(mask & (1u << i))
      o += (size_t)snprintf(sql + o, sizeof(sql) - o, ", %s", table_column(i));
  o += (size_t)snprintf(sql + o, sizeof(sql) - o,
                        ") VALUES(?1, ?2, ?3, ?4, ?5");
  for(i = 1; i < COL_COUNT; i++)
    if(mask & (1u << i))
      o += (size_t)snprintf(sql + o, sizeof(sql) - o, ", ?%d", 10 + i);
  o += (size_t)snprintf(sql + o, sizeof(sql) - o,
                        ") ON CONFLICT(name) DO UPDATE SET source = "
                        "excluded.source, updated_at = "
                        "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ')");
  /* A row with the same content again updates nothing (not even
   * updated_at) and is counted as skipped. */
  d = (size_t)snprintf(diff, sizeof(diff),
                       " WHERE source IS NOT excluded.source");
  if(mask & (1u << COL_NODE)) {
    o += (size_t)snprintf(sql + o, sizeof(sql) - o,
                          ", foundry = excluded.foundry, node_nm = "
                          "excluded.node_nm, nonplanar = excluded.nonplanar");
    d += (size_t)snprintf(diff + d, sizeof(diff) - d,
                          " OR foundry IS NOT excluded.foundry OR node_nm "
                          "IS NOT excluded.node_nm OR nonplanar IS NOT "
                          "excluded.nonplanar");
  }
  for(i = 1; i < COL_COUNT; i++)
    if(mask & (1u << i)) {
      o += (size_t)snprintf(sql + o, sizeof(sql) - o, ", %s = excluded.%s",
                            table_column(i), table_column(i));
      d += (size_t)snprintf(diff + d, sizeof(diff) - d,
                            " OR %s IS NOT excluded.%s", table_column(i),
                            table_column(i));
    }
  if(d < sizeof(diff) && o < sizeof(sql))
    o += (size_t)snprintf(sql + o, sizeof(sql) - o, "%s", diff);
  if(o >= sizeof(sql) || d >= sizeof(diff))
    return cg_error_set(err, CG_EINTERNAL, "chip upsert: SQL too long");
  return cg_store_prepare(db, out, sql, err);
}

/* The item columns (kind, ic, ics) of the current row, bound at k. */
static int bind_item(const import_ctx *ic, int col, int k, cg_error *err)
{
  if(col == COL_KIND)
    return cg_stmt_bind_text(ic->st, k, cg_item_kind_name(ic->kind), err);
  if(col == COL_IC)
    return ic->ic_id ? cg_stmt_bind_int(ic->st, k, ic->ic_id, err)
                     : cg_stmt_bind_null(ic->st, k, err);
  return ic->ics > 0 ? cg_stmt_bind_int(ic->st, k, ic->ics, err)
                     : cg_stmt_bind_null(ic->st, k, err);
}

static int bind_chip(const import_ctx *ic, const cg_chip *c, cg_error *err)
{
  cg_stmt *st = ic->st;
  unsigned mask = ic->mask;
  int rc = cg_stmt_bind_text(st, 1, c->name, err);
  int i;

  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, c->source ? c->source : "", err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, c->foundry, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_double(st, 4, c->node_nm, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_tristate(st, 5, c->nonplanar, err);
  for(i = 1; rc == CG_OK && i < COL_COUNT; i++) {
    int k = 10 + i;
    if(!(mask & (1u << i)))
      continue;
    switch(i) {
    case COL_VENDOR:
      rc = cg_stmt_bind_text(st, k, c->vendor, err);
      break;
    case COL_NODE:
      rc = cg_stmt_bind_text(st, k, c->node, err);
      break;
    case COL_DIE:
      rc = cg_stmt_bind_double(st, k, c->die_area_mm2, err);
      break;
    case COL_TRANSISTORS:
      rc = cg_stmt_bind_double(st, k, c->transistors_billion, err);
      break;
    case COL_DATACENTER:
      rc = cg_stmt_bind_tristate(st, k, c->datacenter, err);
      break;
    case COL_HBM:
      rc = cg_stmt_bind_tristate(st, k, c->hbm, err);
      break;
    case COL_BW:
      rc = cg_stmt_bind_double(st, k, c->memory_bandwidth_gbs, err);
      break;
    case COL_HBM_STACK:
      rc = cg_stmt_bind_tristate(st, k, c->hbm_stack, err);
      break;
    case COL_HBM_DENSITY:
      rc = cg_stmt_bind_double(st, k, c->hbm_density, err);
      break;
    case COL_INTERCONNECT:
      rc = cg_stmt_bind_double(st, k, c->interconnect_gbs, err);
      break;
    case COL_KIND:
    case COL_IC:
    case COL_ICS:
      rc = bind_item(ic, i, k, err);
      break;
    default:
      rc = cg_stmt_bind_double(st, k, c->perf[i - COL_PERF0], err);
      break;
    }
  }
  return rc;
}

/* Fills c from one chipgate-CSV row; map[k] is the row index of column
 * k or -1. */
static int row_csv(import_ctx *ic, const cg_csv_row *row, const int *map,
                   cg_chip *c, cg_error *err)
{
  int rc = CG_OK, k;

  for(k = 0; rc == CG_OK && k < COL_COUNT; k++) {
    const char *v;
    if(map[k] < 0)
      continue;
    v = row->fields[map[k]];
    switch(k) {
    case COL_NAME:
      rc = set_text(ic, csv_columns[k], v, &c->name, err);
      break;
    case COL_VENDOR:
      rc = set_text(ic, csv_columns[k], v, &c->vendor, err);
      break;
    case COL_NODE:
      rc = set_text(ic, csv_columns[k], v, &c->node, err);
      break;
    case COL_DIE:
      rc = parse_number(ic, csv_columns[k], v, 1, &c->die_area_mm2, err);
      if(rc == CG_OK && c->die_area_mm2 == 0)
        rc = cg_error_set(err, CG_EINVAL,
                          "%s:%ld: die_area_mm2 must be "
                          "positive (leave it empty if unknown)",
                          ic->path, ic->line);
      break;
    case COL_TRANSISTORS:
      rc =
          parse_number(ic, csv_columns[k], v, 1, &c->transistors_billion, err);
      if(rc == CG_OK && c->transistors_billion == 0)
        rc = cg_error_set(err, CG_EINVAL,
                          "%s:%ld: transistors_billion "
                          "must be positive (leave it empty if unknown)",
                          ic->path, ic->line);
      break;
    case COL_DATACENTER:
      rc = parse_bool(ic, csv_columns[k], v, &c->datacenter, err);
      break;
    case COL_HBM:
      rc = parse_bool(ic, csv_columns[k], v, &c->hbm, err);
      break;
    case COL_BW:
      rc = parse_number(ic, csv_columns[k], v, 1, &c->memory_bandwidth_gbs,
                        err);
      break;
    case COL_HBM_STACK:
      rc = parse_bool(ic, csv_columns[k], v, &c->hbm_stack, err);
      break;
    case COL_HBM_DENSITY:
      rc = parse_number(ic, csv_columns[k], v, 1, &c->hbm_density, err);
      if(rc == CG_OK && c->hbm_density == 0)
        rc = cg_error_set(err, CG_EINVAL,
                          "%s:%ld: hbm_density must be positive (leave it "
                          "empty if unknown)",
                          ic->path, ic->line);
      break;
    case COL_INTERCONNECT:
      rc = parse_number(ic, csv_columns[k], v, 1, &c->interconnect_gbs, err);
      break;
    case COL_KIND:
    case COL_IC:
    case COL_ICS:
      break; /* row_item, once the name is known */
    default:
      rc =
          parse_number(ic, csv_columns[k], v, 1, &c->perf[k - COL_PERF0], err);
      break;
    }
  }
  return rc;
}

/* The id of the IC called name into *id: an unknown chip, or a board or
 * system, is an error (4A090 items hold ICs, not other items). */
static int find_ic(import_ctx *ic, const char *name, int64_t *id,
                   cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(ic->db, &st,
                           "SELECT id, kind FROM chips WHERE name = ?1", err);
  char kind[16] = "";

  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, name, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    *id = cg_stmt_int(st, 0);
    snprintf(kind, sizeof(kind), "%s", cg_stmt_text(st, 1));
    rc = CG_OK;
  }
  else if(rc == 0) {
    rc = cg_error_set(err, CG_EINVAL,
                      "%s:%ld: ic: unknown chip \"%s\" (import the IC "
                      "first, or list it earlier in the file)",
                      ic->path, ic->line, name);
  }
  if(st)
    cg_stmt_reset(st);
  if(rc == CG_OK && strcmp(kind, "ic") != 0)
    rc = cg_error_set(err, CG_EINVAL,
                      "%s:%ld: ic: \"%s\" is a %s, not an IC (a board or "
                      "system names the IC it holds)",
                      ic->path, ic->line, name, kind);
  return rc;
}

/* An item that becomes a board or system must not be some other item's
 * IC: that would make a board of boards. */
static int check_not_held(import_ctx *ic, const char *name, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(ic->db, &st,
                           "SELECT h.name FROM chips h JOIN chips c ON "
                           "h.ic_id = c.id WHERE c.name = ?1 LIMIT 1",
                           err);
  char holder[200] = "";

  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, name, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    snprintf(holder, sizeof(holder), "%s", cg_stmt_text(st, 0));
  if(st)
    cg_stmt_reset(st);
  if(rc < 0)
    return rc;
  if(holder[0])
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: kind: \"%s\" is the IC of \"%s\" and "
                        "cannot be a board or system",
                        ic->path, ic->line, name, holder);
  return CG_OK;
}

/* kind, ic and ics of a chipgate-CSV row into ic->kind/ic_id/ics: an IC
 * names no IC; a board or system names an IC and holds ics > 0 of it. */
static int row_item(import_ctx *ic, const cg_csv_row *row, const int *map,
                    const char *name, cg_error *err)
{
  char kbuf[32], nbuf[512];
  const char *kind, *icname = "";
  double ics = NAN;
  int rc = CG_OK;

  ic->kind = CG_ITEM_IC;
  ic->ic_id = 0;
  ic->ics = 0;
  if(map[COL_KIND] < 0)
    return CG_OK;
  kind = trim(row->fields[map[COL_KIND]], kbuf, sizeof(kbuf));
  if(*kind && (ic->kind = cg_item_kind_parse(kind)) < 0)
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: kind: \"%.20s\" is not ic, board or system",
                        ic->path, ic->line, kind);
  if(!*kind)
    ic->kind = CG_ITEM_IC;
  if(map[COL_IC] >= 0)
    icname = trim(row->fields[map[COL_IC]], nbuf, sizeof(nbuf));
  if(map[COL_ICS] >= 0)
    rc = parse_number(ic, "ics", row->fields[map[COL_ICS]], 1, &ics, err);
  if(rc != CG_OK)
    return rc;
  if(ic->kind == CG_ITEM_IC) {
    if(*icname || !isnan(ics))
      return cg_error_set(err, CG_EINVAL,
                          "%s:%ld: an IC (kind ic) holds no other IC: leave "
                          "ic and ics empty",
                          ic->path, ic->line);
    return CG_OK;
  }
  if(!*icname)
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: ic: a %s names the IC it holds", ic->path,
                        ic->line, cg_item_kind_name(ic->kind));
  if(isnan(ics) || ics < 1 || ics != floor(ics) || ics > 1000000)
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: ics: a %s holds a whole number of ICs, 1 or "
                        "more",
                        ic->path, ic->line, cg_item_kind_name(ic->kind));
  if(!strcasecmp(icname, name))
    return cg_error_set(err, CG_EINVAL,
                        "%s:%ld: ic: \"%s\" cannot hold itself", ic->path,
                        ic->line, name);
  ic->ics = (int)ics;
  rc = find_ic(ic, icname, &ic->ic_id, err);
  if(rc == CG_OK)
    rc = check_not_held(ic, name, err);
  return rc;
}

/* Fills c from one Epoch row; map[k] indexes epoch_columns. */
static int row_epoch(import_ctx *ic, const cg_csv_row *row, const int *map,
                     cg_chip *c, cg_error *err)
{
  double v[EP_COUNT];
  char foundry[128], label[200];
  int rc = CG_OK, k;

  rc = set_text(ic, epoch_columns[EP_NAME], row->fields[map[EP_NAME]],
                &c->name, err);
  if(rc == CG_OK)
    rc = set_text(ic, epoch_columns[EP_VENDOR], row->fields[map[EP_VENDOR]],
                  &c->vendor, err);
  for(k = EP_FP64; rc == CG_OK && k < EP_COUNT; k++) {
    double scale = 1e-12; /* FLOP/s -> TFLOP/s */
    if(k == EP_FOUNDRY)
      continue;
    if(k == EP_BW)
      scale = 1e-9; /* byte/s -> GB/s */
    else if(k == EP_DIE || k == EP_NM)
      scale = 1;
    else if(k == EP_TRANSISTORS)
      scale = 1e-3; /* millions -> billions */
    rc = parse_number(ic, epoch_columns[k], row->fields[map[k]], scale, &v[k],
                      err);
  }
  if(rc != CG_OK)
    return rc;
  c->perf[CG_FP64] = v[EP_FP64];
  c->perf[CG_FP32] = v[EP_FP32];
  c->perf[CG_TF32] = v[EP_TF32];
  /* Epoch's tensor column is FP16 and BF16 on the matrix units; the plain
   * FP16 column is the vector rate. Keep the higher for FP16. */
  c->perf[CG_FP16] = v[EP_TENSOR16];
  if(isnan(c->perf[CG_FP16]) ||
     (!isnan(v[EP_FP16]) && v[EP_FP16] > c->perf[CG_FP16]))
    c->perf[CG_FP16] = v[EP_FP16];
  c->perf[CG_BF16] = v[EP_TENSOR16];
  c->perf[CG_FP8] = v[EP_FP8];
  c->perf[CG_FP4] = v[EP_FP4];
  c->perf[CG_INT8] = v[EP_INT8];
  c->perf[CG_INT4] = v[EP_INT4];
  c->memory_bandwidth_gbs = v[EP_BW];
  c->die_area_mm2 = v[EP_DIE] > 0 ? v[EP_DIE] : NAN;
  c->transistors_billion = v[EP_TRANSISTORS] > 0 ? v[EP_TRANSISTORS] : NAN;
  /* The label the node table knows: "<Foundry> <nm>nm" or "<nm>nm". */
  if(!isnan(v[EP_NM])) {
    trim(row->fields[map[EP_FOUNDRY]], foundry, sizeof(foundry));
    if(v[EP_NM] == floor(v[EP_NM]))
      snprintf(label, sizeof(label), "%s%s%.0fnm", foundry,
               foundry[0] ? " " : "", v[EP_NM]);
    else
      snprintf(label, sizeof(label), "%s%s%gnm", foundry,
               foundry[0] ? " " : "", v[EP_NM]);
    c->node = strdup(label);
    if(!c->node)
      return cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  return CG_OK;
}

/* Maps the header's columns (Epoch: all of them required; our CSV: a
 * known subset with name), then loads the node table and prepares the
 * upsert for the columns present. */
static int chip_header(void *arg, cg_import *im, cg_error *err)
{
  import_ctx *ic = arg;
  const cg_csv_header *h = &im->h;
  long line = im->row ? im->row->line : 1L;
  size_t k, j;
  int rc;

  if(ic->format == CG_CHIP_FORMAT_EPOCH) {
    for(k = 0; k < EP_COUNT; k++) {
      ic->map[k] = cg_csv_header_find(h, epoch_columns[k]);
      if(ic->map[k] < 0)
        return cg_error_set(err, CG_EINVAL,
                            "%s:%ld: missing Epoch column "
                            "\"%s\" (is this Epoch AI's ml_hardware.csv?)",
                            ic->path, line, epoch_columns[k]);
    }
    ic->mask = EPOCH_MASK;
  }
  else {
    for(k = 0; k < COL_COUNT; k++) {
      ic->map[k] = cg_csv_header_find(h, csv_columns[k]);
      if(ic->map[k] >= 0)
        ic->mask |= 1u << k;
    }
    if(ic->map[COL_NAME] < 0)
      return cg_error_set(err, CG_EINVAL,
                          "%s:%ld: missing required column \"name\"", ic->path,
                          line);
    if((ic->map[COL_IC] >= 0 || ic->map[COL_ICS] >= 0) &&
       ic->map[COL_KIND] < 0)
      return cg_error_set(err, CG_EINVAL,
                          "%s:%ld: columns ic and ics need the column kind",
                          ic->path, line);
    /* kind sets the item's ic and ics too (none for an IC). */
    if(ic->map[COL_KIND] >= 0)
      ic->mask |= (1u << COL_IC) | (1u << COL_ICS);
    for(k = 0; k < h->n; k++) {
      for(j = 0; j < COL_COUNT; j++)
        if(strcmp(h->names[k], csv_columns[j]) == 0)
          break;
      if(j == COL_COUNT)
        return cg_error_set(err, CG_EINVAL,
                            "%s:%ld: unknown column \"%s\" "
                            "(expected some of: name, vendor, node, "
                            "die_area_mm2, transistors_billion, datacenter, "
                            "hbm, fp64_tflops ... memory_bandwidth_gbs, "
                            "hbm_stack, hbm_density, interconnect_gbs, kind, "
                            "ic, ics)",
                            ic->path, line, h->names[k]);
    }
  }
  rc = cg_nodes_load(&ic->nodes, ic->db, err);
  if(rc == CG_OK)
    rc = build_upsert(ic->db, ic->mask, &ic->st, err);
  return rc;
}

static int chip_row(void *arg, cg_import *im, cg_error *err)
{
  import_ctx *ic = arg;
  cg_chip c;
  int rc;

  ic->line = im->row->line;
  cg_chip_init(&c);
  rc = ic->format == CG_CHIP_FORMAT_EPOCH
           ? row_epoch(ic, im->row, ic->map, &c, err)
           : row_csv(ic, im->row, ic->map, &c, err);
  if(rc == CG_OK && !c.name)
    rc = cg_error_set(err, CG_EINVAL, "%s:%ld: name is empty", ic->path,
                      ic->line);
  if(rc == CG_OK) {
    char where[600];
    snprintf(where, sizeof(where), "%s:%ld", ic->path, ic->line);
    rc = cg_rowseen_add(ic->seen, c.name, im->row, where, "chip", err);
    if(rc == 0) { /* an identical repeat: nothing to store */
      cg_chip_clear(&c);
      return 0;
    }
    rc = rc > 0 ? CG_OK : rc;
  }
  if(rc == CG_OK && ic->format != CG_CHIP_FORMAT_EPOCH)
    rc = row_item(ic, im->row, ic->map, c.name, err);
  if(rc == CG_OK)
    rc = resolve_node(ic, &c, err);
  if(rc == CG_OK) {
    c.source = strdup(ic->source);
    rc = c.source ? bind_chip(ic, &c, err)
                  : cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  if(rc == CG_OK)
    rc = cg_stmt_run(ic->st, err);
  cg_chip_clear(&c);
  return rc == CG_OK ? cg_store_changes(ic->db) > 0 : rc;
}

int cg_chip_import(cg_store *db, const char *path, int format,
                   size_t *count_out, cg_error *err)
{
  static const cg_import_spec spec = { NULL, NULL, chip_header, chip_row };
  import_ctx ic;
  int rc;

  memset(&ic, 0, sizeof(ic));
  ic.db = db;
  ic.path = path;
  ic.format = format;
  ic.source = format == CG_CHIP_FORMAT_EPOCH
                  ? "Epoch AI, Data on Machine Learning Hardware"
                  : "import";
  *count_out = 0;
  ic.seen = cg_rowseen_new(1);
  if(!ic.seen)
    return cg_error_set(err, CG_ENOMEM, "%s: out of memory", path);
  rc = cg_import_run(db, path, &spec, &ic, count_out, err);
  cg_rowseen_free(ic.seen);
  cg_stmt_finalize(ic.st);
  cg_nodes_free(ic.nodes);
  return rc;
}
