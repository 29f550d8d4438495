/* check_chip.c -- chip metrics, node normalisation, migrations, chip
 * import (good and bad input) and the classify / demo commands, run on
 * the real Epoch AI data and a temporary database. */
#include "helpers.h"

#include "model/chip.h"
#include "core/csvfile.h"
#include "core/json.h"
#include "model/seed.h"
#include "decide/decide.h"
#include "model/license.h"
#include "rules/rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cg_store *db;
static char db_path[512];

static void setup(void)
{
  cg_error err = { 0 };
  int rc;

  db = t_db("chips.db");
  snprintf(db_path, sizeof(db_path), "%s", t_tmp("chips.db"));
  rc = cg_seed_load(db, t_src("db/seed"), &err);
  ck_assert_cg_ok(rc, &err);
}

static void teardown(void)
{
  cg_store_close(db);
  db = NULL;
  t_tmp_cleanup();
}

static void import_epoch(void)
{
  cg_error err = { 0 };
  size_t n = 0;
  int rc = cg_chip_import(db, t_src("db/seed/epoch_ml_hardware.csv"),
                          CG_CHIP_FORMAT_EPOCH, &n, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_uint_eq(n, 170);
}

static cg_chip get(const char *name)
{
  cg_chip c;
  cg_error err = { 0 };
  int rc = cg_chip_get(db, name, &c, &err);
  ck_assert_cg_ok(rc, &err);
  return c;
}

/* ---- metrics ------------------------------------------------------------ */

START_TEST(test_metrics_known_chips)
{
  cg_chip c;
  int prec = -1;

  import_epoch();
  c = get("NVIDIA A100 SXM4 40 GB");
  ck_assert_double_eq_tol(cg_chip_tpp(&c, &prec), 4992, 0.5);
  /* INT8 624 x 8 and TF32 156 x 32 tie at 4992. */
  ck_assert_int_ge(prec, 0);
  ck_assert_double_eq_tol(cg_chip_pd(&c), 6.04, 0.005);
  ck_assert_double_eq_tol(c.die_area_mm2, 826, 1e-9);
  cg_chip_clear(&c);

  c = get("NVIDIA H100 SXM5 80GB");
  ck_assert_double_eq_tol(cg_chip_tpp(&c, NULL), 15832, 0.5);
  ck_assert_double_eq_tol(cg_chip_pd(&c), 19.45, 0.01);
  cg_chip_clear(&c);

  c = get("NVIDIA L4");
  ck_assert_double_eq_tol(cg_chip_pd(&c), 6.6, 0.05);
  cg_chip_clear(&c);

  /* Epoch has no die size for the GH200: TPP known, PD unknown. */
  c = get("NVIDIA GH200");
  ck_assert(!isnan(cg_chip_tpp(&c, NULL)));
  ck_assert(isnan(c.die_area_mm2));
  ck_assert(isnan(cg_chip_pd(&c)));
  cg_chip_clear(&c);
}
END_TEST

START_TEST(test_metrics_h20_with_die_area)
{
  cg_chip c;
  const char *p = t_write("h20.csv", "name,vendor,node,die_area_mm2,"
                                     "fp8_tflops,bf16_tflops\n"
                                     "H20,NVIDIA,4N,814,296,148\n");
  cg_error err = { 0 };
  size_t n;

  ck_assert_cg_ok(cg_chip_import(db, p, CG_CHIP_FORMAT_CSV, &n, &err), &err);
  c = get("h20"); /* names are case-insensitive */
  ck_assert_double_eq_tol(cg_chip_tpp(&c, NULL), 2368, 1e-9);
  ck_assert_double_eq_tol(cg_chip_pd(&c), 2.91, 0.005);
  ck_assert_double_eq_tol(c.node_nm, 5, 1e-9);
  ck_assert_int_eq(c.nonplanar, 1);
  ck_assert_str_eq(c.foundry, "TSMC");
  cg_chip_clear(&c);
}
END_TEST

START_TEST(test_sparse_never_used_unknown_stays_unknown)
{
  cg_chip c;

  cg_chip_init(&c);
  ck_assert(isnan(cg_chip_tpp(&c, NULL)));
  ck_assert(isnan(cg_chip_pd(&c)));
  c.perf[CG_FP4] = 10000; /* 4 bits */
  c.perf[CG_FP64] = 500;  /* 64 bits wins */
  ck_assert_double_eq_tol(cg_chip_tpp(&c, NULL), 40000, 1e-9);
  ck_assert(isnan(cg_chip_pd(&c)));
  c.die_area_mm2 = 1000;
  ck_assert_double_eq_tol(cg_chip_pd(&c), 40, 1e-9);
}
END_TEST

/* Epoch's own TPP column, where Epoch gives matrix rates: how many of its
 * values do we reproduce within 1%? Measured: 154 of 160. */
START_TEST(test_reproduce_epoch_tpp)
{
  cg_csv *r = NULL;
  const cg_csv_row *row;
  cg_csv_header h = { 0, NULL };
  cg_error err = { 0 };
  int name_col, tpp_col, agree = 0, total = 0;

  import_epoch();
  ck_assert_cg_ok(
      cg_csv_open(&r, t_src("db/seed/epoch_ml_hardware.csv"), 0, &err), &err);
  ck_assert_int_eq(cg_csv_next(r, &row, &err), 1);
  ck_assert_cg_ok(cg_csv_header_init(&h, row, "epoch", &err), &err);
  name_col = cg_csv_header_find(&h, "Hardware name");
  tpp_col = cg_csv_header_find(&h, "Total processing performance (bit-OP/s)");
  ck_assert_int_ge(tpp_col, 0);
  while(cg_csv_next(r, &row, &err) == 1) {
    cg_chip c;
    double theirs, ours;
    if(!row->fields[tpp_col][0])
      continue;
    theirs = strtod(row->fields[tpp_col], NULL) / 1e12;
    c = get(row->fields[name_col]);
    ours = cg_chip_tpp(&c, NULL);
    total++;
    if(fabs(ours - theirs) <= 0.01 * theirs)
      agree++;
    cg_chip_clear(&c);
  }
  cg_csv_header_free(&h);
  cg_csv_close(r);
  printf("Epoch TPP reproduced within 1%%: %d of %d\n", agree, total);
  ck_assert_int_eq(total, 160);
  ck_assert_int_ge(agree, 154);
}
END_TEST

/* ---- nodes -------------------------------------------------------------- */

START_TEST(test_node_labels)
{
  static const struct {
    const char *label;
    double nm;
    int nonplanar;
  } cases[] = {
    { "TSMC N4P", 5, 1 },    { "4N", 5, 1 },
    { "7nm", 7, 1 },         { "7 nm", 7, 1 },
    { "N7+", 7, 1 },         { "Samsung 8LPP", 8, 1 },
    { "SF3", 3, 1 },         { "SMIC N+2", 7, 1 },
    { "Intel 22nm", 22, 1 }, { "GlobalFoundries 12LP", 12, 1 },
    { "28 nm", 28, 0 },      { "TSMC 16nm", 16, 1 },
    { "TSMC 28nm", 28, 0 },  { "SMIC,TSMC 7nm", 7, 1 },
  };
  cg_nodes *n = NULL;
  cg_node_info info;
  cg_error err = { 0 };
  size_t i;

  ck_assert_cg_ok(cg_nodes_load(&n, db, &err), &err);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int rc = cg_nodes_resolve(n, cases[i].label, &info, &err);
    ck_assert_msg(rc == CG_OK, "%s: %s", cases[i].label, err.msg);
    ck_assert_msg(info.nm == cases[i].nm, "%s: nm %g", cases[i].label,
                  info.nm);
    ck_assert_msg(info.nonplanar == cases[i].nonplanar, "%s: nonplanar %d",
                  cases[i].label, info.nonplanar);
  }
  /* Intel 7 and Intel 4 are FinFET whatever nm class the table gives. */
  ck_assert_cg_ok(cg_nodes_resolve(n, "Intel 7", &info, &err), &err);
  ck_assert_int_eq(info.nonplanar, 1);
  ck_assert_cg_ok(cg_nodes_resolve(n, "Intel 4", &info, &err), &err);
  ck_assert_int_eq(info.nonplanar, 1);
  ck_assert_int_eq(cg_nodes_resolve(n, "banana", &info, &err), CG_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(err.msg, "banana"));
  ck_assert_int_eq(cg_nodes_resolve(n, "TSMC banana", &info, &err),
                   CG_ENOTFOUND);
  cg_nodes_free(n);
}
END_TEST

/* ---- migrations --------------------------------------------------------- */

START_TEST(test_migrations)
{
  cg_store *s = NULL;
  cg_error err = { 0 };
  int applied = -1, v = 0;
  const char *p = t_tmp("m.db");

  ck_assert_cg_ok(cg_store_open(&s, p, CG_STORE_CREATE, &err), &err);
  ck_assert_cg_ok(cg_store_migrate(s, &applied, &err), &err);
  ck_assert_int_eq(applied, cg_store_latest_version());
  ck_assert_cg_ok(cg_store_migrate(s, &applied, &err), &err);
  ck_assert_int_eq(applied, 0); /* re-run is a no-op */
  ck_assert_cg_ok(cg_store_exec(s, "PRAGMA user_version = 999", &err), &err);
  ck_assert_int_eq(cg_store_migrate(s, &applied, &err), CG_ESCHEMA);
  ck_assert_ptr_nonnull(strstr(err.msg, "newer"));
  ck_assert_cg_ok(cg_store_user_version(s, &v, &err), &err);
  ck_assert_int_eq(v, 999); /* refused, not touched */
  cg_store_close(s);
}
END_TEST

START_TEST(test_group_dates)
{
  cg_error err = { 0 };

  ck_assert_int_eq(cg_country_in_group(db, "KH", "D:5", "2025-06-01", &err),
                   1);
  ck_assert_int_eq(cg_country_in_group(db, "KH", "D:5", "2026-06-01", &err),
                   0);
  ck_assert_int_eq(cg_country_in_group(db, "AE", "A:5", "2025-06-01", &err),
                   0);
  ck_assert_int_eq(cg_country_in_group(db, "AE", "A:5", "2026-11-26", &err),
                   1);
  ck_assert_int_eq(cg_country_in_group(db, "MO", "D:5", "2026-11-26", &err),
                   0);
  ck_assert_int_eq(cg_country_in_group(db, "HK", "D:5", "2026-11-26", &err),
                   1);
  ck_assert_int_eq(cg_country_in_group(db, "IL", "A:6", "2026-11-26", &err),
                   1);
  ck_assert_int_eq(cg_country_check(db, "ZZ", &err), CG_ENOTFOUND);
  ck_assert_cg_ok(cg_country_check(db, "MO", &err), &err);
}
END_TEST

/* ---- bad input: each rejected with file:line, exit 65, DB unchanged ---- */

static void expect_rejected(const char *file, const char *content,
                            const char *format, int want_exit,
                            const char *want_msg)
{
  const char *p = content ? t_write(file, content) : t_tmp(file);
  const char *argv[] = { "import", "chips", p, "--format", format, NULL };
  char *before, *after, *errout = NULL;
  int st;

  before = t_db_dump(db_path);
  st = t_run(db_path, NULL, &errout, argv);
  after = t_db_dump(db_path);
  ck_assert_msg(st == want_exit, "%s: exit %d, want %d; stderr: %s", file, st,
                want_exit, errout);
  ck_assert_msg(strstr(errout, want_msg) != NULL, "%s: stderr: %s", file,
                errout);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  free(errout);
}

START_TEST(test_bad_input)
{
  char *big;
  size_t bigsz = 1024 * 1024;

  import_epoch(); /* a non-empty database to keep intact */
  expect_rejected("missing.csv", NULL, "csv", 66, "missing.csv");
  expect_rejected("empty.csv", "", "csv", 65, "empty.csv: empty file");
  expect_rejected("norows.csv", "name,vendor\n", "csv", 65, "no rows");
  expect_rejected("unknowncol.csv", "name,colour\nX,red\n", "csv", 65,
                  "unknowncol.csv:1: unknown column \"colour\"");
  expect_rejected("noname.csv", "vendor,node\nNVIDIA,4N\n", "csv", 65,
                  "noname.csv:1: missing required column \"name\"");
  expect_rejected("count.csv", "name,vendor\nA,B\nC,D,E\n", "csv", 65,
                  "count.csv:3: 3 fields, the header has 2");
  expect_rejected("neg.csv", "name,fp16_tflops\nA,1\nB,-5\n", "csv", 65,
                  "neg.csv:3: fp16_tflops: -5 is negative");
  expect_rejected("nan.csv", "name,fp16_tflops\nA,nan\n", "csv", 65,
                  "nan.csv:2: fp16_tflops: \"nan\" is not a number");
  expect_rejected("huge.csv", "name,fp16_tflops\nA,1e308\n", "csv", 65,
                  "huge.csv:2: fp16_tflops: 1e308 is out of range");
  expect_rejected("word.csv", "name,die_area_mm2\nA,big\n", "csv", 65,
                  "word.csv:2: die_area_mm2: \"big\" is not a number");
  expect_rejected("utf8.csv", "name,vendor\nA,\xff\xfe\n", "csv", 65,
                  "utf8.csv:2: field 2 is not valid UTF-8");
  expect_rejected("node.csv", "name,node\nA,4N\nB,TSMC banana\n", "csv", 65,
                  "node.csv:3: unknown process node label \"TSMC banana\"");
  expect_rejected("quote.csv", "name,vendor\nA,\"open\n", "csv", 65,
                  "quote.csv:2: unterminated quoted field");
  expect_rejected("bool.csv", "name,datacenter\nA,maybe\n", "csv", 65,
                  "bool.csv:2: datacenter");
  expect_rejected("epoch.csv", "name,vendor\nA,B\n", "epoch", 65,
                  "missing Epoch column");
  big = malloc(bigsz + 64);
  memcpy(big, "name,vendor\nA,", 14);
  memset(big + 14, 'x', bigsz);
  strcpy(big + 14 + bigsz, "\n");
  expect_rejected("big.csv", big, "csv", 65, "big.csv:2: field 2 is ");
  free(big);
}
END_TEST

START_TEST(test_crlf_bom_accepted_and_update)
{
  cg_chip c;
  cg_error err = { 0 };
  size_t n = 0;
  const char *p = t_write("crlf.csv", "\xEF\xBB\xBFname,node,datacenter,"
                                      "fp16_tflops\r\n"
                                      "\"Chip, X\",N7,yes,100\r\n");
  const char *q = t_write("upd.csv", "name,hbm\r\nCHIP, X\r\n");

  ck_assert_cg_ok(cg_chip_import(db, p, CG_CHIP_FORMAT_CSV, &n, &err), &err);
  ck_assert_uint_eq(n, 1);
  q = t_write("upd.csv", "name,hbm\r\n\"CHIP, X\",1\r\n");
  ck_assert_cg_ok(cg_chip_import(db, q, CG_CHIP_FORMAT_CSV, &n, &err), &err);
  c = get("Chip, X");
  ck_assert_int_eq(c.hbm, 1);        /* updated */
  ck_assert_int_eq(c.datacenter, 1); /* absent column kept */
  ck_assert_double_eq_tol(cg_chip_tpp(&c, NULL), 1600, 1e-9);
  ck_assert_double_eq_tol(c.node_nm, 7, 1e-9);
  cg_chip_clear(&c);
}
END_TEST

/* ---- the binary ------------------------------------------------------- */

START_TEST(test_classify_json_and_unknown)
{
  const char *argv[] = { "classify", "NVIDIA H100 SXM5 80GB", "--format",
                         "json", NULL };
  const char *bad[] = { "classify", "NVIDIA H1000", NULL };
  char *out = NULL, *errout = NULL;
  cg_json *doc = NULL, *chip;
  cg_error err = { 0 };
  int st;

  import_epoch();
  cg_store_close(db);
  db = NULL;
  st = t_run(db_path, &out, NULL, argv);
  ck_assert_int_eq(st, 0);
  ck_assert_cg_ok(cg_json_parse(&doc, out, strlen(out), "stdout", &err), &err);
  chip = cg_json_at(doc, 0);
  ck_assert_double_eq_tol(cg_json_number_value(cg_json_get(chip, "tpp")),
                          15832, 0.5);
  ck_assert_double_eq_tol(cg_json_number_value(cg_json_get(chip, "pd")), 19.45,
                          0.01);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(chip, "node")),
                   "TSMC 5nm");
  cg_json_free(doc);
  free(out);
  st = t_run(db_path, NULL, &errout, bad);
  ck_assert_int_eq(st, 66);
  ck_assert_ptr_nonnull(strstr(errout, "did you mean"));
  ck_assert_ptr_nonnull(strstr(errout, "NVIDIA H100"));
  free(errout);
}
END_TEST

START_TEST(test_init_and_demo_end_to_end)
{
  const char *init[] = { "init", NULL };
  const char *demo[] = { "demo", "--out", t_tmp("out"), NULL };
  char *out = NULL;
  const char *p = t_tmp("fresh.db");

  ck_assert_int_eq(t_run(p, NULL, NULL, init), 0);
  ck_assert_int_eq(t_run(p, NULL, NULL, init), 0); /* idempotent */
  ck_assert_int_eq(t_run(t_tmp("demo.db"), &out, NULL, demo), 0);
  ck_assert_ptr_nonnull(strstr(out, "NVIDIA H100 SXM5 80GB"));
  free(out);
}
END_TEST

/* ---- items: HBM stacks, interconnect, boards and systems ---------------- */

static void import_overlays(void)
{
  static const char *const files[] = { "chip_attributes.csv",
                                       "chip_hbm_stacks.csv",
                                       "chip_systems.csv" };
  cg_error err = { 0 };
  char path[512];
  size_t i, n = 0;

  import_epoch();
  for(i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    snprintf(path, sizeof(path), "db/seed/%s", files[i]);
    ck_assert_cg_ok(
        cg_chip_import(db, t_src(path), CG_CHIP_FORMAT_CSV, &n, &err), &err);
  }
}

/* The ECCN the shipped pack gives item on date. */
static void expect_eccn(const cg_rules *pack, const char *item,
                        const char *date, const char *want)
{
  cg_chip c = get(item);
  cg_error err = { 0 };
  const char *rule = NULL;
  char eccn[32];

  ck_assert_cg_ok(
      cg_decide_classify(pack, &c, date, eccn, sizeof(eccn), &rule, &err),
      &err);
  ck_assert_msg(!strcmp(eccn, want), "%s on %s: %s, want %s", item, date, eccn,
                want);
  cg_chip_clear(&c);
}

START_TEST(test_items_seed_and_classify)
{
  cg_rules *pack = NULL;
  cg_error err = { 0 };
  cg_chip c;

  import_overlays();
  c = get("NVIDIA DGX H100");
  ck_assert_int_eq(c.kind, CG_ITEM_SYSTEM);
  ck_assert_int_eq(c.ics, 8);
  ck_assert_ptr_nonnull(c.ic);
  ck_assert_str_eq(c.ic->name, "NVIDIA H100 SXM5 80GB");
  ck_assert_ptr_eq(cg_chip_ic(&c), c.ic);
  ck_assert_double_eq_tol(cg_chip_tpp(cg_chip_ic(&c), NULL), 15832, 0.5);
  ck_assert(isnan(cg_chip_tpp(&c, NULL))); /* the system has no own rates */
  cg_chip_clear(&c);
  c = get("AMD Instinct MI300X Platform");
  ck_assert_int_eq(c.kind, CG_ITEM_BOARD);
  ck_assert_str_eq(c.ic->name, "AMD Instinct MI300X");
  cg_chip_clear(&c);
  c = get("NVIDIA A100 SXM4 80 GB");
  ck_assert_int_eq(c.kind, CG_ITEM_IC);
  ck_assert_ptr_null(c.ic);
  ck_assert_int_eq(c.ics, 1);
  ck_assert_double_eq_tol(c.interconnect_gbs, 600, 1e-9);
  ck_assert_int_eq(c.hbm_stack, -1); /* not said: a processor */
  cg_chip_clear(&c);
  c = get("SK hynix HBM3 16GB");
  ck_assert_int_eq(c.hbm_stack, 1);
  ck_assert_double_eq_tol(c.hbm_density, 6.77, 1e-9);
  cg_chip_clear(&c);
  ck_assert_str_eq(cg_item_eccn(CG_ITEM_BOARD, "3A090.b"), "4A090.b");
  ck_assert_str_eq(cg_item_eccn(CG_ITEM_SYSTEM, "3A991.p"), "4A994.l");
  ck_assert_str_eq(cg_item_eccn(CG_ITEM_IC, "3A090.a"), "3A090.a");
  ck_assert_str_eq(cg_item_eccn(CG_ITEM_SYSTEM, "EAR99"), "EAR99");

  ck_assert_cg_ok(cg_rules_load_dir(&pack, t_src("rules"), NULL, &err), &err);
  expect_eccn(pack, "NVIDIA DGX H100", "2026-03-01", "4A090.a");
  expect_eccn(pack, "NVIDIA HGX B200 8-GPU", "2026-03-01", "4A090.a");
  expect_eccn(pack, "NVIDIA H100 SXM5 80GB", "2026-03-01", "3A090.a");
  /* The 2022 text: the A100 (600 GB/s) was caught, the A800 (400) not. */
  expect_eccn(pack, "NVIDIA A100 SXM4 80 GB", "2023-06-01", "3A090.a");
  expect_eccn(pack, "NVIDIA DGX A100", "2023-06-01", "4A090.a");
  expect_eccn(pack, "NVIDIA A800 SXM", "2023-06-01", "EAR99");
  expect_eccn(pack, "NVIDIA A800 SXM", "2023-11-17", "3A090.a");
  expect_eccn(pack, "NVIDIA A100 SXM4 80 GB", "2022-10-20", "EAR99");
  /* HBM stacks: 3A090.c from 89 FR 96790 on. */
  expect_eccn(pack, "SK hynix HBM3 16GB", "2026-03-01", "3A090.c");
  expect_eccn(pack, "Samsung HBM2 Flarebolt 8GB", "2026-03-01", "3A090.c");
  expect_eccn(pack, "SK hynix HBM3 16GB", "2024-12-01", "EAR99");
  cg_rules_free(pack);
}
END_TEST

START_TEST(test_items_bad_input)
{
  import_overlays(); /* a database with ICs and systems to keep intact */
  expect_rejected("unknownic.csv",
                  "name,kind,ic,ics\nBox,system,NVIDIA H1000,8\n", "csv", 65,
                  "unknownic.csv:2: ic: unknown chip \"NVIDIA H1000\"");
  expect_rejected("zero.csv", "name,kind,ic,ics\nBox,system,NVIDIA B200,0\n",
                  "csv", 65,
                  "zero.csv:2: ics: a system holds a whole number of ICs");
  expect_rejected("negative.csv",
                  "name,kind,ic,ics\nBox,board,NVIDIA B200,-8\n", "csv", 65,
                  "negative.csv:2: ics: -8 is negative");
  expect_rejected("half.csv", "name,kind,ic,ics\nBox,board,NVIDIA B200,1.5\n",
                  "csv", 65, "half.csv:2: ics: a board holds a whole number");
  expect_rejected("noics.csv", "name,kind,ic,ics\nBox,board,NVIDIA B200,\n",
                  "csv", 65, "noics.csv:2: ics:");
  expect_rejected("noic.csv", "name,kind,ic,ics\nBox,board,,8\n", "csv", 65,
                  "noic.csv:2: ic: a board names the IC it holds");
  expect_rejected("boardofboards.csv",
                  "name,kind,ic,ics\nRack,system,NVIDIA HGX B200 8-GPU,4\n",
                  "csv", 65,
                  "boardofboards.csv:2: ic: \"NVIDIA HGX B200 8-GPU\" is a "
                  "board, not an IC");
  expect_rejected("inlater.csv",
                  "name,kind,ic,ics\nA,board,NVIDIA B200,8\nB,system,A,2\n",
                  "csv", 65, "inlater.csv:3: ic: \"A\" is a board");
  expect_rejected("self.csv", "name,kind,ic,ics\nSelf,board,Self,2\n", "csv",
                  65, "self.csv:2: ic:");
  expect_rejected("held.csv",
                  "name,kind,ic,ics\nNVIDIA B200,board,NVIDIA H200 SXM,2\n",
                  "csv", 65, "held.csv:2: kind: \"NVIDIA B200\" is the IC of");
  expect_rejected("icwithics.csv", "name,kind,ic,ics\nX,ic,,4\n", "csv", 65,
                  "icwithics.csv:2: an IC (kind ic) holds no other IC");
  expect_rejected("kind.csv", "name,kind\nX,rack\n", "csv", 65,
                  "kind.csv:2: kind: \"rack\" is not ic, board or system");
  expect_rejected("nokind.csv", "name,ic,ics\nX,NVIDIA B200,8\n", "csv", 65,
                  "nokind.csv:1: columns ic and ics need the column kind");
  expect_rejected("density.csv", "name,hbm_stack,hbm_density\nX,1,0\n", "csv",
                  65, "density.csv:2: hbm_density must be positive");
  expect_rejected("stack.csv", "name,hbm_stack\nX,perhaps\n", "csv", 65,
                  "stack.csv:2: hbm_stack");
  expect_rejected("icbw.csv", "name,interconnect_gbs\nX,-600\n", "csv", 65,
                  "icbw.csv:2: interconnect_gbs: -600 is negative");
}
END_TEST

/* check on a board or system: the decision names the item and its 4A090
 * ECCN, the workload counts ICs, and a licence written in ICs counts them
 * too (and names the IC, not the system). */
START_TEST(test_items_check_and_license_units)
{
  const char *demo[] = { "demo", "--out", t_tmp("out"), NULL };
  const char *lic = t_write(
      "lic.csv", "number,customer,kind,eccn,chip,destinations,max_qty,"
                 "valid_from,valid_to,authority,notes,unit\n"
                 "L-IC,Hanoi Data Systems JSC,license,3A090\\.a,NVIDIA "
                 "H100.*,VN,16,2026-01-01,2026-12-31,BIS,,ic\n");
  const char *badlic = t_write(
      "badlic.csv", "number,customer,kind,eccn,chip,destinations,max_qty,"
                    "valid_from,valid_to,authority,notes,unit\n"
                    "L-X,Hanoi Data Systems JSC,license,,,VN,16,2026-01-01,"
                    "2026-12-31,BIS,,racks\n");
  const char *imp[] = { "import", "licenses", lic, NULL };
  const char *imp_bad[] = { "import", "licenses", badlic, NULL };
  const char *two[] = { "check",
                        "--chip",
                        "NVIDIA DGX H100",
                        "--customer",
                        "Hanoi Data Systems JSC",
                        "--dest",
                        "VN",
                        "--qty",
                        "2",
                        "--date",
                        "2026-11-25",
                        "--format",
                        "json",
                        NULL };
  const char *three[] = { "check",
                          "--chip",
                          "NVIDIA DGX H100",
                          "--customer",
                          "Hanoi Data Systems JSC",
                          "--dest",
                          "VN",
                          "--qty",
                          "3",
                          "--date",
                          "2026-11-25",
                          "--format",
                          "json",
                          NULL };
  const char *ord = t_write(
      "ord.csv", "order_id,customer,chip,destination,quantity,ship_date,"
                 "end_use,role,packager,export_from_us\n"
                 "S-1,Hanoi Data Systems JSC,NVIDIA DGX H100,VN,2,"
                 "2026-11-25,,distributor,,yes\n");
  const char *imp_order[] = { "import", "orders", ord, NULL };
  const char *batch[] = { "batch", "--quiet", NULL };
  const char *p = t_tmp("items.db");
  char *out = NULL, *errout = NULL, *before, *after;
  cg_json *doc = NULL, *l;
  cg_error err = { 0 };

  ck_assert_int_eq(t_run(p, NULL, NULL, demo), 0);
  before = t_db_dump(p);
  ck_assert_int_eq(t_run(p, NULL, &errout, imp_bad), 65);
  ck_assert_ptr_nonnull(strstr(errout, "unit: \"racks\" is not item"));
  after = t_db_dump(p);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  free(errout);
  ck_assert_int_eq(t_run(p, NULL, NULL, imp), 0);
  ck_assert_int_eq(t_run(p, &out, NULL, two), 0);
  ck_assert_cg_ok(cg_json_parse(&doc, out, strlen(out), "stdout", &err), &err);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(doc, "decision")),
                   "licensed");
  ck_assert_str_eq(
      cg_json_string_value(cg_json_get(cg_json_get(doc, "chip"), "eccn")),
      "4A090.a");
  l = cg_json_get(doc, "license");
  ck_assert_str_eq(cg_json_string_value(cg_json_get(l, "number")), "L-IC");
  ck_assert_double_eq(cg_json_number_value(cg_json_get(l, "quantity_used")),
                      16);
  ck_assert_double_eq(cg_json_number_value(cg_json_get(l, "remaining")), 0);
  ck_assert_double_eq_tol(cg_json_number_value(cg_json_get(
                              cg_json_get(doc, "workload"), "quantity")),
                          16, 1e-9);
  cg_json_free(doc);
  free(out);
  /* Three systems are 24 ICs: more than the 16 left. */
  ck_assert_int_eq(t_run(p, &out, NULL, three), 10);
  ck_assert_ptr_nonnull(strstr(out, "\"license\":null"));
  ck_assert_ptr_null(strstr(out, "\"licensed\""));
  /* ... and the licence considered says why it did not cover them */
  ck_assert_ptr_nonnull(strstr(out, "\"number\":\"L-IC\""));
  ck_assert_ptr_nonnull(strstr(out, "\"code\":\"quantity\""));
  free(out);
  /* A recorded decision draws the 16 ICs from the licence. */
  ck_assert_int_eq(t_run(p, NULL, NULL, imp_order), 0);
  ck_assert_int_eq(t_run(p, NULL, NULL, batch), 0);
  {
    cg_store *s = t_db("items.db");
    cg_json *bal = NULL;
    size_t i;
    int seen = 0;

    ck_assert_cg_ok(cg_license_balances(s, &bal, &err), &err);
    for(i = 0; i < cg_json_size(bal); i++) {
      cg_json *o = cg_json_at(bal, i);
      if(strcmp(cg_json_string_value(cg_json_get(o, "number")), "L-IC"))
        continue;
      seen = 1;
      ck_assert_double_eq(cg_json_number_value(cg_json_get(o, "used")), 16);
      ck_assert_double_eq(cg_json_number_value(cg_json_get(o, "remaining")),
                          0);
    }
    ck_assert_msg(seen, "L-IC not in the balances");
    cg_json_free(bal);
    cg_store_close(s);
  }
}
END_TEST

static Suite *chip_suite(void)
{
  Suite *s = suite_create("chip");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_metrics_known_chips);
  tcase_add_test(tc, test_metrics_h20_with_die_area);
  tcase_add_test(tc, test_sparse_never_used_unknown_stays_unknown);
  tcase_add_test(tc, test_reproduce_epoch_tpp);
  tcase_add_test(tc, test_node_labels);
  tcase_add_test(tc, test_migrations);
  tcase_add_test(tc, test_group_dates);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_crlf_bom_accepted_and_update);
  tcase_add_test(tc, test_classify_json_and_unknown);
  tcase_add_test(tc, test_init_and_demo_end_to_end);
  tcase_add_test(tc, test_items_seed_and_classify);
  tcase_add_test(tc, test_items_bad_input);
  tcase_add_test(tc, test_items_check_and_license_units);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(chip_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
