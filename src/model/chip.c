/* chip.c -- see chip.h. */
#include "model/chip.h"

#include "core/json.h"
#include "core/pattern.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ==== records and metrics ============================================= */

static const struct {
  const char *column; /* chips table / CSV column */
  const char *label;  /* for people */
  int bits;           /* bit length for TPP */
} precisions[CG_PREC_COUNT] = {
  { "fp64_tflops", "FP64", 64 }, { "fp32_tflops", "FP32", 32 },
  { "tf32_tflops", "TF32", 32 }, { "fp16_tflops", "FP16", 16 },
  { "bf16_tflops", "BF16", 16 }, { "fp8_tflops", "FP8", 8 },
  { "fp4_tflops", "FP4", 4 },    { "int8_tops", "INT8", 8 },
  { "int4_tops", "INT4", 4 },
};

void cg_chip_init(cg_chip *c)
{
  int i;

  memset(c, 0, sizeof(*c));
  c->node_nm = NAN;
  c->nonplanar = -1;
  c->die_area_mm2 = NAN;
  c->transistors_billion = NAN;
  c->datacenter = -1;
  c->hbm = -1;
  for(i = 0; i < CG_PREC_COUNT; i++)
    c->perf[i] = NAN;
  c->memory_bandwidth_gbs = NAN;
  c->hbm_stack = -1;
  c->hbm_density = NAN;
  c->interconnect_gbs = NAN;
  c->kind = CG_ITEM_IC;
  c->ics = 1;
}

void cg_chip_clear(cg_chip *c)
{
  free(c->name);
  free(c->vendor);
  free(c->node);
  free(c->foundry);
  free(c->source);
  if(c->ic) {
    cg_chip_clear(c->ic);
    free(c->ic);
  }
  cg_chip_init(c);
}

static const char *const item_kinds[] = { "ic", "board", "system" };

const char *cg_item_kind_name(int kind)
{
  return kind >= CG_ITEM_IC && kind <= CG_ITEM_SYSTEM ? item_kinds[kind]
                                                      : "ic";
}

int cg_item_kind_parse(const char *name)
{
  int k;

  for(k = CG_ITEM_IC; name && k <= CG_ITEM_SYSTEM; k++)
    if(!strcasecmp(name, item_kinds[k]))
      return k;
  return -1;
}

const cg_chip *cg_chip_ic(const cg_chip *c)
{
  return c->ic ? c->ic : c;
}

const char *cg_item_eccn(int kind, const char *ic_eccn)
{
  if(kind == CG_ITEM_IC || !ic_eccn)
    return ic_eccn;
  if(!strcmp(ic_eccn, "3A090.a"))
    return "4A090.a";
  if(!strcmp(ic_eccn, "3A090.b"))
    return "4A090.b";
  if(!strcmp(ic_eccn, "3A991.p"))
    return "4A994.l";
  return ic_eccn;
}

const char *cg_precision_column(int prec)
{
  return precisions[prec].column;
}

const char *cg_precision_label(int prec)
{
  return precisions[prec].label;
}

int cg_precision_bits(int prec)
{
  return precisions[prec].bits;
}

double cg_chip_tpp(const cg_chip *c, int *prec_out)
{
  double best = NAN;
  int i, at = -1;

  for(i = 0; i < CG_PREC_COUNT; i++) {
    double v;
    if(isnan(c->perf[i]))
      continue;
    v = c->perf[i] * precisions[i].bits;
    if(isnan(best) || v > best) {
      best = v;
      at = i;
    }
  }
  if(prec_out)
    *prec_out = at;
  return best;
}

double cg_chip_pd(const cg_chip *c)
{
  double tpp = cg_chip_tpp(c, NULL);

  if(isnan(tpp) || isnan(c->die_area_mm2) || c->die_area_mm2 <= 0)
    return NAN;
  return tpp / c->die_area_mm2;
}

double cg_chip_max_tops(const cg_chip *c)
{
  double best = NAN;
  int i;

  for(i = 0; i < CG_PREC_COUNT; i++)
    if(!isnan(c->perf[i]) && (isnan(best) || c->perf[i] > best))
      best = c->perf[i];
  return best;
}

double cg_chip_peak16(const cg_chip *c)
{
  double a = c->perf[CG_FP16], b = c->perf[CG_BF16];

  if(isnan(a))
    return b;
  if(isnan(b))
    return a;
  return a > b ? a : b;
}

/* The item's own fields: kind, the IC it holds and how many. */
static int item_json(cg_json *o, const cg_chip *c)
{
  int rc = cg_json_set_str(o, "name", c->name);

  if(rc == CG_OK)
    rc = cg_json_set_str(o, "kind", cg_item_kind_name(c->kind));
  if(rc == CG_OK && c->kind != CG_ITEM_IC) {
    rc = cg_json_set_str(o, "ic", c->ic ? c->ic->name : NULL);
    if(rc == CG_OK)
      rc = cg_json_set_int(o, "ics", c->ics);
  }
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "vendor", c->vendor);
  return rc;
}

struct cg_json *cg_chip_json(const cg_chip *item)
{
  cg_json *o = cg_json_object();
  const cg_chip *c = cg_chip_ic(item); /* metrics: the IC's */
  int prec = -1;
  double tpp = cg_chip_tpp(c, &prec);
  int rc = o ? item_json(o, item) : CG_ENOMEM;

  if(rc == CG_OK)
    rc = cg_json_set_str(o, "node", c->node);
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "foundry", c->foundry);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "node_nm", c->node_nm);
  if(rc == CG_OK)
    rc = cg_json_set(o, "nonplanar", cg_json_tristate(c->nonplanar));
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "tpp", tpp);
  if(rc == CG_OK)
    rc = cg_json_set_str(o, "tpp_precision",
                         prec >= 0 ? precisions[prec].label : NULL);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "pd", cg_chip_pd(c));
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "die_area_mm2", c->die_area_mm2);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "transistors_billion", c->transistors_billion);
  if(rc == CG_OK)
    rc = cg_json_set(o, "datacenter", cg_json_tristate(c->datacenter));
  if(rc == CG_OK)
    rc = cg_json_set(o, "hbm", cg_json_tristate(c->hbm));
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "memory_bandwidth_gbs", c->memory_bandwidth_gbs);
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "interconnect_gbs", c->interconnect_gbs);
  if(rc == CG_OK)
    rc = cg_json_set(o, "hbm_stack", cg_json_tristate(c->hbm_stack));
  if(rc == CG_OK)
    rc = cg_json_set_num(o, "hbm_density", c->hbm_density);
  if(rc != CG_OK) {
    cg_json_free(o);
    return NULL;
  }
  return o;
}

/* ==== process nodes ==================================================== */

typedef struct node_row {
  cg_pattern *re; /* anchored, caseless */
  char *foundry;  /* e.g. "TSMC" */
  double nm;      /* nm class */
  int nonplanar;  /* 1 FinFET/GAA */
} node_row;

struct cg_nodes {
  node_row *rows; /* in table order: first match wins */
  size_t n;
};

int cg_nodes_load(cg_nodes **out, cg_store *db, cg_error *err)
{
  cg_nodes *n = NULL;
  cg_stmt *st = NULL;
  size_t cap = 0;
  int rc;

  *out = NULL;
  n = calloc(1, sizeof(*n));
  if(!n)
    return cg_error_set(err, CG_ENOMEM, "nodes: out of memory");
  rc = cg_store_prepare(db, &st,
                        "SELECT pattern, foundry, nm, nonplanar FROM "
                        "process_nodes ORDER BY ord",
                        err);
  if(rc != CG_OK)
    goto fail;
  while((rc = cg_stmt_step(st, err)) == 1) {
    node_row *r;
    if(n->n == cap) {
      size_t nc = cap ? cap * 2 : 64;
      node_row *nr = realloc(n->rows, nc * sizeof(*nr));
      if(!nr) {
        rc = cg_error_set(err, CG_ENOMEM, "nodes: out of memory");
        goto fail;
      }
      n->rows = nr;
      cap = nc;
    }
    r = &n->rows[n->n];
    memset(r, 0, sizeof(*r));
    rc = cg_pattern_compile(&r->re, cg_stmt_text(st, 0),
                            CG_PATTERN_CASELESS | CG_PATTERN_ANCHORED, err);
    if(rc != CG_OK) {
      cg_error_prefix(err, "process node pattern \"%s\"", cg_stmt_text(st, 0));
      goto fail;
    }
    r->foundry = cg_stmt_strdup(st, 1);
    r->nm = cg_stmt_double(st, 2);
    r->nonplanar = (int)cg_stmt_int(st, 3);
    n->n++;
    if(!r->foundry) {
      rc = cg_error_set(err, CG_ENOMEM, "nodes: out of memory");
      goto fail;
    }
  }
  if(rc < 0)
    goto fail;
  cg_stmt_finalize(st);
  *out = n;
  return CG_OK;
fail:
  cg_stmt_finalize(st);
  cg_nodes_free(n);
  return rc;
}

int cg_nodes_resolve(const cg_nodes *n, const char *label, cg_node_info *out,
                     cg_error *err)
{
  size_t i;

  for(i = 0; i < n->n; i++) {
    int m = cg_pattern_match(n->rows[i].re, label, strlen(label), err);
    if(m < 0)
      return m;
    if(m == 1) {
      out->foundry = n->rows[i].foundry;
      out->nm = n->rows[i].nm;
      out->nonplanar = n->rows[i].nonplanar;
      return CG_OK;
    }
  }
  return cg_error_set(err, CG_ENOTFOUND,
                      "unknown process node label \"%s\" (add it to "
                      "db/seed/process_nodes.csv)",
                      label);
}

void cg_nodes_free(cg_nodes *n)
{
  size_t i;

  if(!n)
    return;
  for(i = 0; i < n->n; i++) {
    cg_pattern_free(n->rows[i].re);
    free(n->rows[i].foundry);
  }
  free(n->rows);
  free(n);
}

/* ==== storage ========================================================== */

#define CHIP_COLS                                                             \
  "id, name, vendor, node, foundry, node_nm, nonplanar, die_area_mm2, "       \
  "transistors_billion, datacenter, hbm, fp64_tflops, fp32_tflops, "          \
  "tf32_tflops, fp16_tflops, bf16_tflops, fp8_tflops, fp4_tflops, "           \
  "int8_tops, int4_tops, memory_bandwidth_gbs, source, hbm_stack, "           \
  "hbm_density, interconnect_gbs, kind, ic_id, ics"

static int chip_from_row(cg_stmt *st, cg_chip *c, cg_error *err)
{
  int i;

  cg_chip_init(c);
  c->id = cg_stmt_int(st, 0);
  c->name = cg_stmt_strdup(st, 1);
  c->vendor = cg_stmt_strdup(st, 2);
  c->node = cg_stmt_strdup(st, 3);
  c->foundry = cg_stmt_strdup(st, 4);
  c->node_nm = cg_stmt_double(st, 5);
  c->nonplanar = cg_stmt_tristate(st, 6);
  c->die_area_mm2 = cg_stmt_double(st, 7);
  c->transistors_billion = cg_stmt_double(st, 8);
  c->datacenter = cg_stmt_tristate(st, 9);
  c->hbm = cg_stmt_tristate(st, 10);
  for(i = 0; i < CG_PREC_COUNT; i++)
    c->perf[i] = cg_stmt_double(st, 11 + i);
  c->memory_bandwidth_gbs = cg_stmt_double(st, 20);
  c->source = cg_stmt_strdup(st, 21);
  c->hbm_stack = cg_stmt_tristate(st, 22);
  c->hbm_density = cg_stmt_double(st, 23);
  c->interconnect_gbs = cg_stmt_double(st, 24);
  {
    char *kind = cg_stmt_strdup(st, 25);
    c->kind = kind ? cg_item_kind_parse(kind) : CG_ITEM_IC;
    free(kind);
    if(c->kind < 0)
      c->kind = CG_ITEM_IC; /* the table's CHECK allows no other */
  }
  c->ic_id = cg_stmt_int(st, 26);
  c->ics = c->kind == CG_ITEM_IC ? 1 : (int)cg_stmt_int(st, 27);
  if(!c->name)
    return cg_error_set(err, CG_ENOMEM, "chip: out of memory");
  return CG_OK;
}

static int chip_query_one(cg_store *db, const char *sql, const char *name,
                          int64_t id, cg_chip *out, cg_error *err);

/* A board's or system's IC into c->ic (the import made sure it is an IC,
 * so this never recurses further). */
static int load_ic(cg_store *db, cg_chip *c, cg_error *err)
{
  int rc;

  if(c->kind == CG_ITEM_IC || !c->ic_id)
    return CG_OK;
  c->ic = malloc(sizeof(*c->ic));
  if(!c->ic)
    return cg_error_set(err, CG_ENOMEM, "chip: out of memory");
  rc = chip_query_one(db, "SELECT " CHIP_COLS " FROM chips WHERE id = ?1",
                      NULL, c->ic_id, c->ic, err);
  if(rc == CG_OK && c->ic->kind != CG_ITEM_IC)
    rc = cg_error_set(err, CG_EINTERNAL, "chip \"%s\": its IC \"%s\" is a %s",
                      c->name, c->ic->name, cg_item_kind_name(c->ic->kind));
  if(rc != CG_OK) {
    cg_chip_clear(c->ic);
    free(c->ic);
    c->ic = NULL;
  }
  return rc;
}

static int chip_query_one(cg_store *db, const char *sql, const char *name,
                          int64_t id, cg_chip *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  cg_chip_init(out);
  rc = cg_store_cached(db, &st, sql, err);
  if(rc != CG_OK)
    return rc;
  rc = name ? cg_stmt_bind_text(st, 1, name, err)
            : cg_stmt_bind_int(st, 1, id, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_step(st, err);
  if(rc == 1)
    rc = chip_from_row(st, out, err);
  else if(rc == 0 && name)
    rc = cg_error_set(err, CG_ENOTFOUND, "unknown chip \"%s\"", name);
  else if(rc == 0)
    rc =
        cg_error_set(err, CG_ENOTFOUND, "unknown chip id %lld", (long long)id);
  cg_stmt_reset(st);
  if(rc == CG_OK)
    rc = load_ic(db, out, err);
  if(rc != CG_OK)
    cg_chip_clear(out);
  return rc;
}

int cg_chip_find_id(cg_store *db, const char *name, int64_t *id_out,
                    cg_error *err)
{
  return cg_store_find_id(db, "SELECT id FROM chips WHERE name = ?1", name,
                          id_out, err);
}

int cg_chip_get(cg_store *db, const char *name, cg_chip *out, cg_error *err)
{
  return chip_query_one(db, "SELECT " CHIP_COLS " FROM chips WHERE name = ?1",
                        name, 0, out, err);
}

int cg_chip_get_id(cg_store *db, int64_t id, cg_chip *out, cg_error *err)
{
  return chip_query_one(db, "SELECT " CHIP_COLS " FROM chips WHERE id = ?1",
                        NULL, id, out, err);
}

int cg_chip_each(cg_store *db, int (*fn)(const cg_chip *, void *), void *arg,
                 cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  rc = cg_store_prepare(db, &st,
                        "SELECT " CHIP_COLS " FROM chips ORDER BY name", err);
  if(rc != CG_OK)
    return rc;
  while((rc = cg_stmt_step(st, err)) == 1) {
    cg_chip c;
    int stop;
    rc = chip_from_row(st, &c, err);
    if(rc == CG_OK)
      rc = load_ic(db, &c, err);
    if(rc != CG_OK) {
      cg_chip_clear(&c);
      break;
    }
    stop = fn(&c, arg);
    cg_chip_clear(&c);
    if(stop) {
      rc = 0;
      break;
    }
  }
  cg_stmt_finalize(st);
  return rc < 0 ? rc : CG_OK;
}

/* Case-insensitive Levenshtein distance over bytes. */
static size_t edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b), i, j;
  size_t *row, d;

  if(la > 200 || lb > 200)
    return (size_t)-1;
  row = malloc((lb + 1) * sizeof(*row));
  if(!row)
    return (size_t)-1;
  for(j = 0; j <= lb; j++)
    row[j] = j;
  for(i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for(j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t cost =
          tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1])
              ? 0
              : 1;
      size_t best = prev + cost;
      if(row[j] + 1 < best)
        best = row[j] + 1;
      if(row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  d = row[lb];
  free(row);
  return d;
}

static int contains_nocase(const char *hay, const char *needle)
{
  size_t n = strlen(needle);

  for(; *hay; hay++)
    if(strncasecmp(hay, needle, n) == 0)
      return 1;
  return n == 0;
}

size_t cg_chip_suggest(cg_store *db, const char *name, char **names,
                       size_t max)
{
  cg_stmt *st = NULL;
  size_t *dist, n = 0, i;

  if(max == 0 || cg_store_prepare(db, &st, "SELECT name FROM chips", NULL))
    return 0;
  dist = calloc(max, sizeof(*dist));
  if(!dist) {
    cg_stmt_finalize(st);
    return 0;
  }
  while(cg_stmt_step(st, NULL) == 1) {
    const char *cand = cg_stmt_text(st, 0);
    size_t d = edit_distance(name, cand);
    /* A substring match ranks as close as a one-letter typo. */
    if(contains_nocase(cand, name) || contains_nocase(name, cand))
      d = d < 1 ? d : 1;
    if(n == max && d >= dist[n - 1])
      continue;
    if(n < max)
      n++;
    else
      free(names[n - 1]);
    for(i = n - 1; i > 0 && dist[i - 1] > d; i--) {
      dist[i] = dist[i - 1];
      names[i] = names[i - 1];
    }
    dist[i] = d;
    names[i] = strdup(cand);
  }
  cg_stmt_finalize(st);
  free(dist);
  return n;
}
