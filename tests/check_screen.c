/* check_screen.c -- the screen module: import of every format against the
 * real files, bad input that leaves the lists intact, normalisation,
 * scoring, customer screening with cache and clearances, the CLI, and
 * recall / false hits on the labelled set. */
#include "helpers.h"
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/csvfile.h"

#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>

#define FULL  "tests/data/csl/csl_full_2026-07-31.csv"
#define S2019 "tests/data/csl/csl_legacy_sample_2019.csv"
#define S2025 "tests/data/csl/csl_consolidated_sample_2025.csv"
#define SJSON "tests/data/csl/csl_sample.json"
#define OFAC  "tests/data/ofac/sdn.csv"

static void teardown(void)
{
  t_tmp_cleanup();
}

/* A screening context on db; closed by the test before the store. */
static cg_screener *t_screener(cg_store *db)
{
  cg_screener *sc = NULL;
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_screener_open(&sc, db, &err), &err);
  return sc;
}

static int64_t count(cg_store *db, const char *sql)
{
  cg_stmt *st = NULL;
  cg_error err = { 0 };
  int64_t n;
  int rc = cg_store_prepare(db, &st, sql, &err);

  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(cg_stmt_step(st, &err), 1);
  n = cg_stmt_int(st, 0);
  cg_stmt_finalize(st);
  return n;
}

static char *slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  char *b;
  long len;

  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  len = ftell(f);
  fseek(f, 0, SEEK_SET);
  b = malloc((size_t)len + 1);
  ck_assert_ptr_nonnull(b);
  ck_assert_int_eq(fread(b, 1, (size_t)len, f), len);
  b[len] = '\0';
  fclose(f);
  *n = (size_t)len;
  return b;
}

/* ==== Import of each format =========================================== */

START_TEST(test_import_full_csl)
{
  cg_store *db = t_db("full.db");
  cg_screener *sc = t_screener(db);
  cg_screen_counts c;
  cg_screen_hits hits;
  cg_error err = { 0 };
  int rc;

  rc = cg_screen_import(db, t_src(FULL), CG_SCREEN_CSL_CSV, NULL, &c, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(c.entries, 25921);
  ck_assert_int_eq(c.entity_list, 3420);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE list LIKE "
                             "'Specially Designated Nationals%'"),
                   19181);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties"), 25921);
  /* 123 ids repeat in the file; repeats are numbered, none is lost. */
  ck_assert_int_eq(count(db, "SELECT count(DISTINCT entry_id) FROM parties"),
                   25921);
  ck_assert_int_gt(count(db, "SELECT count(*) FROM parties WHERE entry_id "
                             "LIKE '%~2'"),
                   0);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM list_versions WHERE "
                             "current = 1 AND entries = 25921"),
                   1);
  ck_assert_int_eq(c.names, (size_t)count(db, "SELECT count(*) FROM "
                                              "party_names"));
  ck_assert_int_gt(c.aliases, 30000);

  /* Sophgo by alias, by perturbation, by word order. */
  rc = cg_screen_name(sc, "Sophgo", NULL, -1, 10, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "Sophgo Technologies Ltd.");
  ck_assert_int_eq(hits.items[0].via_alias, 1);
  ck_assert_int_eq(hits.items[0].sure, 1);
  ck_assert_int_eq(hits.items[0].entity_list, 1);
  ck_assert_int_eq(hits.items[0].footnotes, CG_SCREEN_FN4);
  ck_assert_str_eq(hits.items[0].federal_register_notice, "90 FR 4621");
  ck_assert_str_eq(hits.items[0].license_policy, "Presumption of denial");
  cg_screen_hits_free(&hits);
  rc = cg_screen_name(sc, "Sopgho Technolgies Co., Limited", "CN", -1, 10,
                      &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "Sophgo Technologies Ltd.");
  ck_assert_msg(strstr(hits.items[0].explain, "sopgho~sophgo"), "%s",
                hits.items[0].explain);
  cg_screen_hits_free(&hits);
  rc = cg_screen_name(sc, "Technologies Sophgo", NULL, -1, 10, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "Sophgo Technologies Ltd.");
  cg_screen_hits_free(&hits);

  /* "11420 CORP." is found as itself and does not flood "X Corp." */
  rc = cg_screen_name(sc, "11420 Corp.", NULL, -1, 10, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "11420 CORP.");
  cg_screen_hits_free(&hits);
  rc = cg_screen_name(sc, "Acme Widgets Corp.", NULL, -1, 10, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(hits.n, 0);
  cg_screen_hits_free(&hits);

  /* Innocent chip companies. */
  rc = cg_screen_name(sc, "Advanced Micro Devices, Inc.", "US", -1, 10, &hits,
                      &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(hits.n, 0);
  cg_screen_hits_free(&hits);
  rc = cg_screen_name(sc, "Taiwan Semiconductor Manufacturing Co., Ltd.", "TW",
                      -1, 10, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(hits.n, 0);
  cg_screen_hits_free(&hits);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

/* Counts by kind over a labelled file: positives found (the expected
 * entry among the hits) and innocents with any hit. */
typedef struct kind_count {
  char kind[32];
  size_t n, got;
  int positive;
} kind_count;

static size_t labelled(cg_screener *sc, const char *file, kind_count *kc,
                       size_t max)
{
  cg_error err = { 0 };
  cg_csv *r = NULL;
  const cg_csv_row *row;
  size_t nk = 0, k;
  int rc, first = 1;

  rc = cg_csv_open(&r, t_src(file), 0, &err);
  ck_assert_cg_ok(rc, &err);
  while((rc = cg_csv_next(r, &row, &err)) == 1) {
    cg_screen_hits hits;
    size_t c;

    if(first) {
      first = 0;
      continue;
    }
    rc = cg_screen_name(sc, row->fields[0],
                        row->fields[1][0] ? row->fields[1] : NULL, -1, 10,
                        &hits, &err);
    ck_assert_cg_ok(rc, &err);
    for(c = 0; c < nk && strcmp(kc[c].kind, row->fields[3]) != 0; c++)
      ;
    if(c == nk) {
      ck_assert_uint_lt(nk, max);
      memset(&kc[nk], 0, sizeof(kc[nk]));
      snprintf(kc[nk].kind, sizeof(kc[nk].kind), "%s", row->fields[3]);
      kc[nk++].positive = atoi(row->fields[2]);
    }
    kc[c].n++;
    if(kc[c].positive) {
      for(k = 0; k < hits.n; k++)
        if(strcmp(hits.items[k].entry_id, row->fields[4]) == 0 ||
           strcmp(hits.items[k].name, row->fields[5]) == 0)
          break;
      kc[c].got += k < hits.n;
    }
    else {
      kc[c].got += hits.n > 0;
    }
    cg_screen_hits_free(&hits);
  }
  ck_assert_int_eq(rc, 0);
  cg_csv_close(r);
  for(k = 0; k < nk; k++)
    printf("%s: %s %zu/%zu\n", file, kc[k].kind, kc[k].got, kc[k].n);
  return nk;
}

static const kind_count *kind_of(const kind_count *kc, size_t n,
                                 const char *kind)
{
  size_t k;

  for(k = 0; k < n; k++)
    if(strcmp(kc[k].kind, kind) == 0)
      return &kc[k];
  ck_abort_msg("no kind %s", kind);
  return NULL;
}

START_TEST(test_labelled_recall)
{
  cg_store *db = t_db("lab.db");
  cg_screener *sc = t_screener(db);
  cg_error err = { 0 };
  kind_count kc[32];
  size_t nk, k, pos = 0, found = 0, neg = 0, false_hits = 0;
  int rc;

  rc = cg_screen_import(db, t_src(FULL), CG_SCREEN_CSL_CSV, NULL, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  nk = labelled(sc, "tests/data/screen_labelled.csv", kc, 32);
  for(k = 0; k < nk; k++) {
    if(kc[k].positive) {
      pos += kc[k].n;
      found += kc[k].got;
    }
    else {
      neg += kc[k].n;
      false_hits += kc[k].got;
    }
  }
  printf("labelled set: recall %zu/%zu, false hits %zu/%zu\n", found, pos,
         false_hits, neg);
  /* Measured: recall 367/373, false hits 2/170 (tests/data/
   * screen_labelled.md); fail on a clear regression. */
  ck_assert_int_eq(pos, 373);
  ck_assert_int_eq(neg, 170);
  ck_assert_msg((double)found / (double)pos >= 0.97, "recall %zu/%zu", found,
                pos);
  ck_assert_msg((double)false_hits / (double)neg <= 0.02, "false hits %zu/%zu",
                false_hits, neg);

  /* Issue 13's set: abbreviations, legal forms across languages, Chinese
   * and Cyrillic script (tests/data/screen_labelled.md). Measured at the
   * default threshold: abbrev 80/80, legal_equiv 80/80, han 34/35,
   * cyrillic 67/67; innocents 0/57, 0/22, 1/21. han_meaning (0/12) is
   * kept to show what transliteration cannot reach: lists that give a
   * Chinese company only an English or brand name. */
  nk = labelled(sc, "tests/data/screen_labelled_i13.csv", kc, 32);
  ck_assert_uint_ge(kind_of(kc, nk, "abbrev")->got, 79);
  ck_assert_uint_ge(kind_of(kc, nk, "legal_equiv")->got, 79);
  ck_assert_uint_ge(kind_of(kc, nk, "han")->got, 34);
  ck_assert_uint_ge(kind_of(kc, nk, "cyrillic")->got, 66);
  ck_assert_uint_eq(kind_of(kc, nk, "abbrev")->n, 80);
  ck_assert_uint_eq(kind_of(kc, nk, "han")->n, 35);
  ck_assert_uint_le(kind_of(kc, nk, "innocent_abbrev")->got +
                        kind_of(kc, nk, "innocent_han")->got +
                        kind_of(kc, nk, "innocent_cyrillic")->got,
                    1);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

START_TEST(test_import_legacy_2019)
{
  cg_store *db = t_db("l.db");
  cg_screen_counts c;
  cg_error err = { 0 };
  int rc;

  rc = cg_screen_import(db, t_src(S2019), CG_SCREEN_CSL_CSV, NULL, &c, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(c.entries, 115);
  ck_assert_int_eq(c.entity_list, 22);
  /* No _id column: entity_number, or a hash when that is empty. */
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE entry_id "
                             "GLOB 'h[0-9a-f]*'"),
                   47);
  /* "..., Sheung Wang, HK; ..., Kowloon, HK" -> "HK". */
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE countries "
                             "= 'HK' AND addresses LIKE '%Kowloon, HK'"),
                   1);
  cg_store_close(db);
}
END_TEST

START_TEST(test_import_2025)
{
  cg_store *db = t_db("n.db");
  cg_screener *sc = t_screener(db);
  cg_screen_counts c;
  cg_error err = { 0 };
  cg_screen_hits hits;
  int rc;

  rc = cg_screen_import(db, t_src(S2025), CG_SCREEN_CSL_CSV, NULL, &c, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(c.entries, 13);
  ck_assert_int_eq(c.entity_list, 1);
  ck_assert_int_eq(count(db, "SELECT count(DISTINCT list) FROM parties"), 10);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE "
                             "list LIKE 'Entity List%' AND "
                             "license_requirement != '' AND "
                             "license_policy != ''"),
                   1);
  /* "X; and any successor, sub-unit, or subsidiary thereof" is X. */
  rc = cg_screen_name(sc, "Sinobright Import and Export Company", NULL, -1, 5,
                      &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "Sinobright Import and Export Company");
  ck_assert_int_eq(hits.items[0].sure, 1);
  cg_screen_hits_free(&hits);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

START_TEST(test_import_json)
{
  cg_store *db = t_db("j.db");
  cg_screener *sc = t_screener(db);
  cg_screen_counts c;
  cg_error err = { 0 };
  cg_screen_hits hits;
  char *buf;
  size_t n;
  int rc;

  rc = cg_screen_import(db, t_src(SJSON), CG_SCREEN_CSL_JSON, NULL, &c, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(c.entries, 15);
  ck_assert_int_eq(c.entity_list, 6);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE name = "
                             "'Sophgo Technologies Pte. Ltd.' AND countries "
                             "= 'SG'"),
                   1);
  rc = cg_screen_name(sc, "Beijing Suanneng Technology", NULL, -1, 5, &hits,
                      &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "Sophgo Technologies Ltd.");
  ck_assert_int_eq(hits.items[0].via_alias, 1);
  cg_screen_hits_free(&hits);
  /* The same from memory (the HTTP sync path) replaces the source. */
  buf = slurp(t_src(SJSON), &n);
  rc = cg_screen_import_mem(db, "body.json", buf, n, CG_SCREEN_CSL_JSON, NULL,
                            &c, &err);
  free(buf);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties"), 15);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM list_versions"), 2);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM list_versions WHERE "
                             "current = 1"),
                   1);
  ck_assert_cg_ok(cg_screen_set_http_meta(db, "csl", "\"abc\"",
                                          "Fri, 31 Jul 2026 13:15:00 GMT",
                                          &err),
                  &err);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM list_versions WHERE "
                             "current = 1 AND etag = '\"abc\"'"),
                   1);
  ck_assert_int_eq(cg_screen_set_http_meta(db, "nope", NULL, NULL, &err),
                   CG_ENOTFOUND);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

START_TEST(test_import_ofac)
{
  cg_store *db = t_db("o.db");
  cg_screener *sc = t_screener(db);
  cg_screen_counts c;
  cg_error err = { 0 };
  cg_screen_hits hits;
  int rc;

  ck_assert_cg_ok(cg_store_exec(db,
                                "INSERT INTO countries(code, name) VALUES "
                                "('IR', 'Iran'), ('BZ', 'Belize'), "
                                "('LY', 'Libya')",
                                &err),
                  &err);
  rc = cg_screen_import(db, t_src(OFAC), CG_SCREEN_OFAC, NULL, &c, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(c.entries, 17);
  /* alt.csv rows of entries in sdn.csv (others are skipped). */
  ck_assert_int_eq(c.aliases, 13);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE source = "
                             "'ofac' AND list LIKE 'Specially Designated%'"),
                   17);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE entry_id = "
                             "'11195' AND countries = 'IR' AND programs = "
                             "'NPWMD; IFSR; IRAN-CON-ARMS-EO'"),
                   1);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE entry_id = "
                             "'33151' AND remarks LIKE '%SUCCESSFUL "
                             "EXCHANGE%'"),
                   1);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties WHERE type = "
                             "'Individual'"),
                   count(db, "SELECT count(*) FROM parties WHERE name LIKE "
                             "'%, %' AND type = 'Individual'"));
  rc = cg_screen_name(sc, "Hesa Trade Centre", NULL, -1, 5, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].entry_id, "11195");
  ck_assert_int_eq(hits.items[0].via_alias, 1);
  cg_screen_hits_free(&hits);
  /* Word order of "LAST, First". */
  rc = cg_screen_name(sc, "Daniel Moreno", NULL, -1, 5, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "MORENO, Daniel");
  cg_screen_hits_free(&hits);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

/* ==== Bad input: error, list intact =================================== */

/* Imports the 2025 sample, then bad (as path with format), and checks the
 * error text and that the database dump is unchanged. */
static void bad_case(const char *path, int format, int code, const char *want)
{
  cg_store *db = t_db("bad.db");
  cg_error err = { 0 };
  char *before, *after;
  int rc;

  rc = cg_screen_import(db, t_src(S2025), CG_SCREEN_CSL_CSV, NULL, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  cg_store_close(db);
  before = t_db_dump(t_tmp("bad.db"));
  ck_assert_cg_ok(cg_store_open(&db, t_tmp("bad.db"), 0, &err), &err);
  rc = cg_screen_import(db, path, format, NULL, NULL, &err);
  ck_assert_int_eq(rc, code);
  ck_assert_msg(strstr(err.msg, want) != NULL, "want \"%s\" in: %s", want,
                err.msg);
  ck_assert_int_eq(cg_store_in_transaction(db), 0);
  cg_store_close(db);
  after = t_db_dump(t_tmp("bad.db"));
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}

static const char *header29 =
    "_id,source,entity_number,type,programs,name,title,addresses,"
    "federal_register_notice,start_date,end_date,standard_order,"
    "license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
    "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
    "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,"
    "places_of_birth,source_information_url,ids\n";

static const char *row29(const char *id, const char *name)
{
  static char b[4096];

  snprintf(b, sizeof(b),
           "%s,Entity List (EL) - Bureau of Industry and Security,,,,%s,,CN,"
           "90 FR 1,,,,For all items,Presumption of denial,,,,,,,,,,,,,,,\n",
           id, name);
  return b;
}

static const char *csv_file(const char *name, const char *rows)
{
  size_t n = strlen(header29) + strlen(rows) + 1;
  char *b = malloc(n);
  const char *p;

  ck_assert_ptr_nonnull(b);
  snprintf(b, n, "%s%s", header29, rows);
  p = t_write(name, b);
  free(b);
  return p;
}

START_TEST(test_bad_column_count)
{
  char rows[8192];

  snprintf(rows, sizeof(rows), "%sx2,Entity List,,,,Short Row Ltd\n",
           row29("x1", "Good Row Ltd"));
  bad_case(csv_file("cols.csv", rows), CG_SCREEN_CSL_CSV, CG_EINVAL,
           "cols.csv:3: 6 columns, expected 29");
}
END_TEST

START_TEST(test_bad_unterminated_quote)
{
  char rows[8192];

  snprintf(rows, sizeof(rows), "%sx2,Entity List,,,,\"Open Quote Ltd,,CN\n",
           row29("x1", "Good Row Ltd"));
  bad_case(csv_file("quote.csv", rows), CG_SCREEN_CSL_CSV, CG_EINVAL,
           "quote.csv:3");
}
END_TEST

START_TEST(test_bad_no_header)
{
  bad_case(t_write("hdr.csv", "id,company,country\n1,Acme,US\n"),
           CG_SCREEN_CSL_CSV, CG_EINVAL, "not a CSL file");
}
END_TEST

START_TEST(test_bad_utf8)
{
  char rows[8192];

  snprintf(rows, sizeof(rows), "%s", row29("x1", "Bad \xC3\x28 Name Ltd"));
  bad_case(csv_file("utf8.csv", rows), CG_SCREEN_CSL_CSV, CG_EINVAL, "UTF-8");
}
END_TEST

START_TEST(test_bad_empty_name)
{
  char rows[8192];

  snprintf(rows, sizeof(rows), "%s", row29("x1", "Good Row Ltd"));
  snprintf(rows + strlen(rows), sizeof(rows) - strlen(rows), "%s",
           row29("x2", "  "));
  bad_case(csv_file("empty.csv", rows), CG_SCREEN_CSL_CSV, CG_EINVAL,
           "empty.csv:3: empty name");
}
END_TEST

START_TEST(test_bad_huge_name)
{
  size_t n = 1024 * 1024;
  char *big = malloc(n + 1), *json;
  const char *pre =
      "{\"results\": [{\"source\": \"Entity List\", \"name\": \"";
  const char *post = "\"}]}";

  ck_assert_ptr_nonnull(big);
  memset(big, 'A', n);
  big[n] = '\0';
  /* CSV: the reader's field cap. */
  json = malloc(n + 4096);
  ck_assert_ptr_nonnull(json);
  snprintf(json, n + 4096, "%s", row29("x1", big));
  bad_case(csv_file("huge.csv", json), CG_SCREEN_CSL_CSV, CG_EINVAL,
           "huge.csv:2");
  /* JSON: the name cap. */
  snprintf(json, n + 4096, "%s%s%s", pre, big, post);
  bad_case(t_write("huge.json", json), CG_SCREEN_CSL_JSON, CG_EINVAL,
           "results[0]: name of 1048576 bytes");
  free(json);
  free(big);
}
END_TEST

START_TEST(test_bad_ofac_missing_part)
{
  char cmd[2048];

  snprintf(cmd, sizeof(cmd), "cp '%s' '%s' '%s' '%s/'",
           t_src("tests/data/ofac/sdn.csv"), t_src("tests/data/ofac/add.csv"),
           t_src("tests/data/ofac/alt.csv"), t_tmpdir());
  ck_assert_int_eq(system(cmd), 0);
  bad_case(t_tmp("sdn.csv"), CG_SCREEN_OFAC, CG_ENOTFOUND, "sdn_comments.csv");
}
END_TEST

START_TEST(test_bad_json_shape)
{
  bad_case(t_write("x.json", "{\"total\": 0}"), CG_SCREEN_CSL_JSON, CG_EINVAL,
           "no \"results\" array");
  bad_case(t_write("y.json", "{\"results\": [1,"), CG_SCREEN_CSL_JSON,
           CG_EINVAL, "y.json:1");
}
END_TEST

/* ==== Normalisation and scoring ======================================= */

static void norm_is(const char *in, const char *want)
{
  cg_error err = { 0 };
  char *out = NULL;

  ck_assert_cg_ok(cg_screen_normalise(&out, in, &err), &err);
  ck_assert_msg(strcmp(out, want) == 0, "\"%s\" -> \"%s\", want \"%s\"", in,
                out, want);
  free(out);
}

START_TEST(test_normalise)
{
  norm_is("11420 CORP.", "11420 corp");
  /* The name table (db/seed/name_equivalents.csv): abbreviations and
   * legal forms in one spelling, both ways. */
  norm_is("Sophgo Technologies Co., Ltd.", "sophgo technology ltd");
  norm_is("SOPHGO TECH LIMITED", "sophgo technology ltd");
  norm_is("Müller Präzision GmbH", "muller prazision gmbh");
  norm_is("ＡＣＭＥ Corporation", "acme corp");
  norm_is("Société Générale S. A.", "ste generale sa");
  norm_is("Joint Stock Company 75 Arsenal", "jsc 75 arsenal");
  norm_is("Limited Liability Company Spetsvoltazh", "llc spetsvoltazh");
  norm_is("Acme Lmited", "acme ltd"); /* misspelt legal form */
  norm_is("Acme Comapny", "acme co"); /* transposition */
  norm_is("O'Neil & Sons, Inc.", "oneil sons inc");
  /* Misspelt legal words are mended before the table's phrases. */
  norm_is("Joint Stok Compny Tekhnodinamika", "jsc tekhnodinamika");
  norm_is("AKTSIONERNOE OBSHCHSETVO TOZ METIZ", "jsc toz metiz");
  /* A misspelt long abbreviation variant still meets its word. */
  norm_is("Huawei Technoolgies", "huawei technology");
  /* Other scripts: Han through the reading table and the glossary,
   * Cyrillic by BGN/PCGN, the rest by ICU's Any-Latin. */
  norm_is("北京算能科技有限公司", "bei jing suan neng technology ltd");
  norm_is("Общество с ограниченной ответственностью «Сургутмебель»",
          "llc surgutmebel");
  norm_is("Ельцин Щукин", "yeltsin shchukin");
  norm_is("Ελληνική Εταιρεία", "ellenike etaireia");
  /* Legal forms alone stay legal forms, in any script. */
  norm_is("有限公司", "ltd");
  norm_is("Co., Ltd.", "ltd");
  /* Pinyin syllables join into the table's words, by dynamic
   * programming: "ji suan ji shu" is computing technology. */
  norm_is("you xian gong si", "ltd");
  norm_is("ji suan ji shu", "computing technology");
  ck_assert_int_eq(cg_sx_token_kind("ltd"), CG_TOK_LEGAL);
  ck_assert_int_eq(cg_sx_token_kind("of"), CG_TOK_STOP);
  ck_assert_int_eq(cg_sx_token_kind("11420"), CG_TOK_NUMBER);
  ck_assert_int_eq(cg_sx_token_kind("sophgo"), CG_TOK_WORD);
}
END_TEST

START_TEST(test_jaro_winkler)
{
  ck_assert_double_eq_tol(cg_sx_jaro_winkler("martha", "marhta"), 0.9611,
                          1e-3);
  ck_assert_double_eq_tol(cg_sx_jaro_winkler("dwayne", "duane"), 0.84, 1e-2);
  ck_assert_double_eq(cg_sx_jaro_winkler("abc", "abc"), 1.0);
  ck_assert_double_eq(cg_sx_jaro_winkler("abc", "xyz"), 0.0);
  ck_assert_int_eq(cg_sx_edits("sopgho", "sophgo", 3), 1);
  ck_assert_int_eq(cg_sx_edits("intel", "interpal", 1), 2);
  /* Gated: one edit is fine in a long word, a different word is not. */
  ck_assert_double_gt(cg_sx_token_sim("technolgies", "technologies"), 0.9);
  ck_assert_double_eq(cg_sx_token_sim("intel", "interpal"), 0.0);
  ck_assert_double_eq(cg_sx_token_sim("nvidia", "india"), 0.0);
}
END_TEST

START_TEST(test_footnotes)
{
  ck_assert_int_eq(cg_screen_footnotes("For all items subject to the EAR "
                                       "(See §§734.9(e)(2) and 744.11 of the "
                                       "EAR)4"),
                   CG_SCREEN_FN4);
  ck_assert_int_eq(cg_screen_footnotes("For all items subject to the EAR, "
                                       "see §§ 734.9(e)1 and 744.11 of the "
                                       "EAR2"),
                   CG_SCREEN_FN1);
  ck_assert_int_eq(cg_screen_footnotes("For all items subject to the EAR. "
                                       "(See §§ 734.9(e) and 744.11 of the "
                                       "EAR)4"),
                   CG_SCREEN_FN4);
  ck_assert_int_eq(cg_screen_footnotes("For all items subject to the EAR "
                                       "(See §§734.4(a)(9), 734.9(e)(3), and "
                                       "744.11 of the EAR)5"),
                   CG_SCREEN_FN5);
  ck_assert_int_eq(cg_screen_footnotes("For all items subject to the EAR. "
                                       "(See §§ 734.9(g),3 746.8(a)(3), and "
                                       "744.21(b) of the EAR)"),
                   CG_SCREEN_FN3);
  ck_assert_int_eq(cg_screen_footnotes("For all items subject to the EAR. "
                                       "(See §744.11 of the EAR)."),
                   0);
  ck_assert_int_eq(cg_screen_is_entity_list("Entity List (EL) - Bureau of "
                                            "Industry and Security"),
                   1);
  ck_assert_int_eq(cg_screen_is_entity_list("Military End User (MEU) List - "
                                            "Bureau of Industry and Security"),
                   0);
}
END_TEST

START_TEST(test_screen_name_bad)
{
  cg_store *db = t_db("e.db");
  cg_screener *sc = t_screener(db);
  cg_error err = { 0 };
  cg_screen_hits hits;
  char *big = malloc(1024 * 1024 + 1);

  /* No list loaded: no hits, no error. */
  ck_assert_cg_ok(cg_screen_name(sc, "Sophgo", NULL, -1, 10, &hits, &err),
                  &err);
  ck_assert_int_eq(hits.n, 0);
  ck_assert_int_eq(cg_screen_name(sc, "", NULL, -1, 10, &hits, &err),
                   CG_EINVAL);
  ck_assert_ptr_nonnull(big);
  memset(big, 'a', 1024 * 1024);
  big[1024 * 1024] = '\0';
  ck_assert_int_eq(cg_screen_name(sc, big, NULL, -1, 10, &hits, &err),
                   CG_EINVAL);
  free(big);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

/* OFAC keeps aliases in alt.csv: an empty one would drop every alias
 * under the same number of entries, so the guard counts names too. */
START_TEST(test_import_guarded_names)
{
  cg_store *db = t_db("gn.db");
  cg_screen_counts c;
  cg_error err = { 0 };
  static const char *const part[] = { "sdn.csv", "add.csv",
                                      "sdn_comments.csv" };
  char src[600], dst[600], *before, *after;
  size_t i, n;
  int rc;

  for(i = 0; i < 3; i++) {
    char *b;

    snprintf(src, sizeof(src), "tests/data/ofac/%s", part[i]);
    b = slurp(t_src(src), &n);
    snprintf(dst, sizeof(dst), "ofac/%s", part[i]);
    ck_assert_int_eq(mkdir(t_tmp("ofac"), 0700) == 0 || errno == EEXIST, 1);
    t_write(dst, b);
    free(b);
  }
  t_write("ofac/alt.csv", "");
  rc = cg_screen_import_guarded(db, t_src(OFAC), CG_SCREEN_OFAC, NULL, 0, &c,
                                &err);
  ck_assert_cg_ok(rc, &err);
  before = t_db_dump(t_tmp("gn.db"));
  rc = cg_screen_import_guarded(db, t_tmp("ofac/sdn.csv"), CG_SCREEN_OFAC,
                                NULL, 0, &c, &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "names and aliases") &&
                    strstr(err.msg, "shrank"),
                "%s", err.msg);
  after = t_db_dump(t_tmp("gn.db"));
  ck_assert_str_eq(after, before);
  free(after);
  free(before);
  rc = cg_screen_import_guarded(db, t_tmp("ofac/sdn.csv"), CG_SCREEN_OFAC,
                                NULL, 1, &c, &err);
  ck_assert_cg_ok(rc, &err);
  cg_store_close(db);
}
END_TEST

START_TEST(test_import_guarded)
{
  cg_store *db = t_db("g.db");
  cg_screen_counts c;
  cg_error err = { 0 };
  char *before, *after;
  int rc;

  rc = cg_screen_import_guarded(db, t_src(S2019), CG_SCREEN_CSL_CSV, NULL, 0,
                                &c, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(c.entries, 115);
  /* 115 -> 15 entries: refused, in one transaction, nothing changed. */
  before = t_db_dump(t_tmp("g.db"));
  rc = cg_screen_import_guarded(db, t_src(SJSON), CG_SCREEN_CSL_JSON, "", 0,
                                NULL, &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "shrank from 115 to 15 entries"), "%s",
                err.msg);
  ck_assert_int_eq(cg_store_in_transaction(db), 0);
  after = t_db_dump(t_tmp("g.db"));
  ck_assert_str_eq(after, before);
  free(after);
  /* Bad data inside the guard: rolled back too. */
  rc = cg_screen_import_guarded(db, t_src("tests/data/ofac/add.csv"),
                                CG_SCREEN_CSL_CSV, NULL, 1, NULL, &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  after = t_db_dump(t_tmp("g.db"));
  ck_assert_str_eq(after, before);
  free(after);
  free(before);
  /* --force accepts the smaller list. */
  rc = cg_screen_import_guarded(db, t_src(SJSON), CG_SCREEN_CSL_JSON, NULL, 1,
                                &c, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(c.entries, 15);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM parties"), 15);
  cg_store_close(db);
}
END_TEST

/* ==== Two screeners in two threads ==================================== */

#define THR_QUERIES   543 /* the labelled set */
#define THR_CUSTOMERS 60  /* customers made of labelled names */
#define THR_ROUNDS    3   /* passes per thread, so the threads overlap */

/* One thread's work: its own store and screener on the shared file. */
typedef struct thr_job {
  const char *path;               /* the database */
  char **queries;                 /* THR_QUERIES names */
  char *names[THR_QUERIES];       /* out: hits of each query, as text */
  char *customers[THR_CUSTOMERS]; /* out: hits of customer i + 1 */
  int rc;                         /* first error, CG_OK if none */
  char msg[256];                  /* its message */
} thr_job;

/* The hits as one comparable line (malloc'ed). */
static char *hits_text(const cg_screen_hits *h)
{
  size_t i, n = 1;
  char *s;

  for(i = 0; i < h->n; i++)
    n += strlen(h->items[i].entry_id) + strlen(h->items[i].explain) + 48;
  s = malloc(n);
  if(!s)
    return NULL;
  s[0] = '\0';
  for(i = 0; i < h->n; i++) {
    size_t o = strlen(s);

    snprintf(s + o, n - o, "%s %.4f %d %d %d %s|", h->items[i].entry_id,
             h->items[i].score, h->items[i].sure, h->items[i].on_parent,
             h->items[i].cleared, h->items[i].explain);
  }
  return s;
}

/* Screens every query and every customer THR_ROUNDS times; keeps the
 * last answers. No Check assertions here: they are not thread-safe. */
static void *thr_run(void *arg)
{
  thr_job *j = arg;
  cg_store *db = NULL;
  cg_screener *sc = NULL;
  cg_error err = { 0 };
  cg_screen_hits hits;
  int r, i, rc;

  rc = cg_store_open(&db, j->path, 0, &err);
  if(rc == CG_OK)
    rc = cg_screener_open(&sc, db, &err);
  for(r = 0; rc == CG_OK && r < THR_ROUNDS; r++) {
    for(i = 0; rc == CG_OK && i < THR_QUERIES; i++) {
      rc = cg_screen_name(sc, j->queries[i], NULL, 0.5, 10, &hits, &err);
      free(j->names[i]);
      j->names[i] = rc == CG_OK ? hits_text(&hits) : NULL;
      cg_screen_hits_free(&hits);
    }
    for(i = 0; rc == CG_OK && i < THR_CUSTOMERS; i++) {
      rc = cg_screen_customer(sc, i + 1, 0.6, &hits, &err);
      free(j->customers[i]);
      j->customers[i] = rc == CG_OK ? hits_text(&hits) : NULL;
      cg_screen_hits_free(&hits);
    }
  }
  j->rc = rc;
  snprintf(j->msg, sizeof(j->msg), "%s", err.msg);
  cg_screener_close(sc);
  cg_store_close(db);
  return NULL;
}

static void thr_job_free(thr_job *j)
{
  int i;

  for(i = 0; i < THR_QUERIES; i++)
    free(j->names[i]);
  for(i = 0; i < THR_CUSTOMERS; i++)
    free(j->customers[i]);
}

/* The index's side file (DB-screen-index): written at import, mapped by
 * the next load, and never trusted over the database: a damaged,
 * foreign or missing file means the blob is read from the database (and
 * the file written again), with the same hits. */
static double side_score(cg_store *db)
{
  cg_screener *sc = t_screener(db);
  cg_screen_hits hits;
  cg_error err = { 0 };
  double s;

  ck_assert_cg_ok(
      cg_screen_name(sc, "Rosneft Trade Ltd", NULL, -1, 5, &hits, &err), &err);
  ck_assert_uint_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "ROSNEFT TRADE LIMITED");
  s = hits.items[0].score;
  cg_screen_hits_free(&hits);
  cg_screener_close(sc);
  return s;
}

static int side_mapped(cg_store *db)
{
  cg_sx *idx = NULL;
  cg_error err = { 0 };
  char lists[65];
  int mapped;

  ck_assert_cg_ok(cg_sx_load(db, &idx, lists, &err), &err);
  mapped = idx->map != NULL;
  cg_sx_free(idx);
  return mapped;
}

static void side_patch(const char *path, long off, int byte, size_t n)
{
  FILE *f = fopen(path, "r+b");
  size_t i;

  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
  for(i = 0; i < n; i++)
    fputc(byte, f);
  ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_index_side_file)
{
  cg_store *db = t_db("side.db");
  cg_error err = { 0 };
  char side[600];
  size_t n0 = 0, n1 = 0;
  char *a, *b;
  double s0;

  ck_assert_cg_ok(
      cg_screen_import(db, t_src(S2025), CG_SCREEN_CSL_CSV, NULL, NULL, &err),
      &err);
  snprintf(side, sizeof(side), "%s-screen-index", cg_store_path(db));
  a = slurp(side, &n0);
  ck_assert_uint_gt(n0, 128);
  ck_assert_int_eq(side_mapped(db), 1);
  s0 = side_score(db);
  /* Damaged arrays under a good header: the database's blob, the same
   * hits, and a good file again. */
  side_patch(side, 128 + (long)(n0 - 128) / 2, 0xFF, 4096);
  ck_assert_int_eq(side_mapped(db), 0);
  ck_assert_double_eq(side_score(db), s0);
  b = slurp(side, &n1);
  ck_assert_uint_eq(n0, n1);
  ck_assert_int_eq(memcmp(a, b, n0), 0);
  free(b);
  ck_assert_int_eq(side_mapped(db), 1);
  /* A blob header whose pool offset wraps 32 bits: refused, no read out
   * of bounds (it crashed the bounds check before). */
  {
    FILE *f = fopen(side, "r+b");
    uint32_t pool_len, off;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 128 + 24, SEEK_SET), 0);
    ck_assert_uint_eq(fread(&pool_len, 4, 1, f), 1);
    off = (uint32_t)(0x100000000ull - pool_len + 8);
    ck_assert_int_eq(fseek(f, 128 + 64, SEEK_SET), 0);
    ck_assert_uint_eq(fwrite(&off, 4, 1, f), 1);
    ck_assert_int_eq(fclose(f), 0);
  }
  ck_assert_int_eq(side_mapped(db), 0);
  ck_assert_double_eq(side_score(db), s0);
  ck_assert_int_eq(side_mapped(db), 1);
  /* Another digest in the header: not this database's index. */
  side_patch(side, 8, '0', 64);
  ck_assert_int_eq(side_mapped(db), 0);
  ck_assert_int_eq(side_mapped(db), 1);
  /* Cut short, or gone. */
  ck_assert_int_eq(truncate(side, 1000), 0);
  ck_assert_int_eq(side_mapped(db), 0);
  ck_assert_int_eq(unlink(side), 0);
  ck_assert_double_eq(side_score(db), s0);
  ck_assert_int_eq(side_mapped(db), 1);
  free(a);
  cg_store_close(db);
}
END_TEST

/* A list name in another script is found by its romanisation, and the
 * other way: list names go through the same pipeline at import. */
START_TEST(test_list_side_scripts)
{
  cg_store *db = t_db("scripts.db");
  cg_screener *sc = t_screener(db);
  cg_screen_hits hits;
  cg_error err = { 0 };
  const char *csv = t_write(
      "scripts.csv", "_id,source,name,addresses,alt_names\n"
                     "h1,Entity List (EL) - Bureau of Industry and Security,"
                     "华为技术有限公司,\"Shenzhen, CN\",\n"
                     "r1,Entity List (EL) - Bureau of Industry and Security,"
                     "АО «Концерн Вега»,\"Moscow, RU\",ООО «Вега-Плюс»\n"
                     "l1,Entity List (EL) - Bureau of Industry and Security,"
                     "Beijing Huayun Technology,\"Beijing, CN\",\n");
  static const struct {
    const char *query, *want;
  } c[] = {
    { "Huawei Technologies Co., Ltd.", "华为技术有限公司" },
    { "JSC Kontsern Vega", "АО «Концерн Вега»" },
    { "Vega-Plyus LLC", "АО «Концерн Вега»" },
    { "北京华云科技", "Beijing Huayun Technology" },
  };
  size_t i;

  ck_assert_cg_ok(
      cg_screen_import(db, csv, CG_SCREEN_CSL_CSV, NULL, NULL, &err), &err);
  for(i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    ck_assert_cg_ok(cg_screen_name(sc, c[i].query, NULL, -1, 5, &hits, &err),
                    &err);
    ck_assert_msg(hits.n >= 1 && strcmp(hits.items[0].name, c[i].want) == 0,
                  "%s: %zu hits, first %s", c[i].query, hits.n,
                  hits.n ? hits.items[0].name : "-");
    cg_screen_hits_free(&hits);
  }
  /* Only legal forms, in any script: nothing. */
  ck_assert_cg_ok(cg_screen_name(sc, "有限公司", NULL, -1, 5, &hits, &err),
                  &err);
  ck_assert_uint_eq(hits.n, 0);
  cg_screen_hits_free(&hits);
  ck_assert_cg_ok(cg_screen_name(sc, "ООО", NULL, -1, 5, &hits, &err), &err);
  ck_assert_uint_eq(hits.n, 0);
  cg_screen_hits_free(&hits);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

START_TEST(test_two_threads)
{
  cg_store *db = t_db("thr.db");
  static thr_job ref, a, b;
  char *queries[THR_QUERIES];
  cg_error err = { 0 };
  cg_csv *r = NULL;
  const cg_csv_row *row;
  pthread_t ta, tb;
  int n = 0, i, rc;

  rc = cg_screen_import(db, t_src(FULL), CG_SCREEN_CSL_CSV, NULL, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_csv_open(&r, t_src("tests/data/screen_labelled.csv"), 0, &err);
  ck_assert_cg_ok(rc, &err);
  while((rc = cg_csv_next(r, &row, &err)) == 1 && n < THR_QUERIES)
    if(row->line > 1)
      queries[n++] = strdup(row->fields[0]);
  cg_csv_close(r);
  ck_assert_int_eq(n, THR_QUERIES);
  /* Customers: each a labelled name with the next one as its parent. */
  ck_assert_cg_ok(cg_store_exec(db,
                                "INSERT INTO countries(code, name) VALUES "
                                "('US', 'United States')",
                                &err),
                  &err);
  for(i = 0; i < THR_CUSTOMERS; i++) {
    cg_stmt *st = NULL;

    rc = cg_store_prepare(db, &st,
                          "INSERT INTO customers(id, name, country, parent) "
                          "VALUES(?1, ?2, 'US', ?3)",
                          &err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 1, i + 1, &err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 2, queries[2 * i], &err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 3, queries[2 * i + 1], &err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, &err);
    cg_stmt_finalize(st);
    ck_assert_cg_ok(rc, &err);
  }

  /* Two threads at once, each with its own store and screener; the
   * customer screenings are computed (and cached) while both run. */
  a.path = b.path = t_tmp("thr.db");
  a.queries = b.queries = queries;
  ck_assert_int_eq(pthread_create(&ta, NULL, thr_run, &a), 0);
  ck_assert_int_eq(pthread_create(&tb, NULL, thr_run, &b), 0);
  ck_assert_int_eq(pthread_join(ta, NULL), 0);
  ck_assert_int_eq(pthread_join(tb, NULL), 0);
  ck_assert_msg(a.rc == CG_OK, "thread a: %d %s", a.rc, a.msg);
  ck_assert_msg(b.rc == CG_OK, "thread b: %d %s", b.rc, b.msg);

  /* The same answers as one screener alone, recomputed from scratch. */
  ck_assert_cg_ok(cg_store_exec(db, "DELETE FROM screenings", &err), &err);
  ref.path = a.path;
  ref.queries = queries;
  thr_run(&ref);
  ck_assert_msg(ref.rc == CG_OK, "reference: %d %s", ref.rc, ref.msg);
  for(i = 0; i < THR_QUERIES; i++) {
    ck_assert_ptr_nonnull(ref.names[i]);
    ck_assert_str_eq(a.names[i], ref.names[i]);
    ck_assert_str_eq(b.names[i], ref.names[i]);
  }
  for(i = 0; i < THR_CUSTOMERS; i++) {
    ck_assert_ptr_nonnull(ref.customers[i]);
    ck_assert_str_eq(a.customers[i], ref.customers[i]);
    ck_assert_str_eq(b.customers[i], ref.customers[i]);
  }
  /* Not vacuous: the labelled set has plenty of hits. */
  for(i = n = 0; i < THR_QUERIES; i++)
    n += ref.names[i][0] != '\0';
  ck_assert_int_gt(n, 300);
  thr_job_free(&ref);
  thr_job_free(&a);
  thr_job_free(&b);
  for(i = 0; i < THR_QUERIES; i++)
    free(queries[i]);
  cg_store_close(db);
}
END_TEST

/* ==== Customers, cache, clearances ==================================== */

/* Customer's hits include entry, cleared with reason (NULL: not
 * cleared). */
static void expect_cleared(cg_screener *sc, int64_t customer,
                           const char *entry, const char *reason)
{
  cg_screen_hits hits;
  cg_error err = { 0 };
  size_t k;

  ck_assert_cg_ok(cg_screen_customer(sc, customer, -1, &hits, &err), &err);
  for(k = 0; k < hits.n; k++)
    if(strcmp(hits.items[k].entry_id, entry) == 0)
      break;
  ck_assert_uint_lt(k, hits.n);
  ck_assert_int_eq(hits.items[k].cleared, reason != NULL);
  if(reason)
    ck_assert_str_eq(hits.items[k].clear_reason, reason);
  cg_screen_hits_free(&hits);
}

/* `screen clear` names customer 2 by its id too, written exactly. The hit
 * is sure: one reviewer does not clear it. */
static void clear_by_id(cg_store *db, cg_screener *sc)
{
  cg_error err = { 0 };
  int64_t id = 0;
  int n = 0;

  ck_assert_int_eq(cg_screen_clear(db, "02", "7106d6a93ce34a25", "alice", "x",
                                   NULL, NULL, &err),
                   CG_ENOTFOUND);
  ck_assert_str_eq(err.msg, "screen clear: no customer \"02\"");
  ck_assert_cg_ok(cg_screen_clear(db, "2", "7106d6a93ce34a25", "alice",
                                  "by id", &id, &n, &err),
                  &err);
  ck_assert_int_gt(id, 0);
  ck_assert_int_eq(n, 1);
  expect_cleared(sc, 2, "7106d6a93ce34a25", NULL);
}

START_TEST(test_customer_screening)
{
  cg_store *db = t_db("c.db");
  cg_screener *sc = t_screener(db);
  cg_error err = { 0 };
  cg_screen_hits hits;
  char *buf, *changed;
  size_t n;
  int rc;

  ck_assert_cg_ok(
      cg_store_exec(db,
                    "INSERT INTO countries(code, name) VALUES ('CN', "
                    "'China'), ('US', 'United States'), ('JP', 'Japan');"
                    "INSERT INTO customers(id, name, country, hq_country) "
                    "VALUES (1, 'Sophgo Technologies Co., Ltd.', 'CN', "
                    "'CN'), (3, 'Canon Inc.', 'JP', 'JP');"
                    "INSERT INTO customers(id, name, country, hq_country, "
                    "parent, parent_hq_country) VALUES (2, 'Acme Compute "
                    "LLC', 'US', 'US', 'Beijing Sophgo', 'CN')",
                    &err),
      &err);
  rc =
      cg_screen_import(db, t_src(SJSON), CG_SCREEN_CSL_JSON, NULL, NULL, &err);
  ck_assert_cg_ok(rc, &err);

  rc = cg_screen_customer(sc, 1, -1, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_str_eq(hits.items[0].name, "Sophgo Technologies Ltd.");
  ck_assert_int_eq(hits.items[0].sure, 1);
  ck_assert_int_eq(hits.items[0].entity_list, 1);
  ck_assert_int_eq(hits.items[0].on_parent, 0);
  ck_assert_int_eq(hits.items[0].cleared, 0);
  cg_screen_hits_free(&hits);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM screenings"), 1);

  /* The parent is screened too. */
  rc = cg_screen_customer(sc, 2, -1, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_int_eq(hits.items[0].on_parent, 1);
  ck_assert_str_eq(hits.items[0].matched_name, "Beijing Sophgo");
  ck_assert_str_eq(hits.items[0].entry_id, "7106d6a93ce34a25");
  cg_screen_hits_free(&hits);

  /* A clean customer. */
  rc = cg_screen_customer(sc, 3, -1, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(hits.n, 0);
  cg_screen_hits_free(&hits);
  ck_assert_int_eq(cg_screen_customer(sc, 99, -1, &hits, &err), CG_ENOTFOUND);

  /* Cached: the same answer without a new row. */
  rc = cg_screen_customer(sc, 2, -1, &hits, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_ge(hits.n, 1);
  ck_assert_int_eq(hits.items[0].on_parent, 1);
  ck_assert_int_eq(hits.items[0].entity_list, 1);
  ck_assert_int_eq(hits.items[0].footnotes, CG_SCREEN_FN4);
  cg_screen_hits_free(&hits);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM screenings"), 3);

  /* Clearance: the pair no longer holds ... */
  ck_assert_int_eq(cg_screen_clear(db, "Acme Compute LLC", "nope", "alice",
                                   "x", NULL, NULL, &err),
                   CG_ENOTFOUND);
  ck_assert_int_eq(cg_screen_clear(db, "Nobody", "7106d6a93ce34a25", "alice",
                                   "x", NULL, NULL, &err),
                   CG_ENOTFOUND);
  ck_assert_str_eq(err.msg, "screen clear: no customer \"Nobody\"");
  clear_by_id(db, sc);
  rc = cg_screen_clear(db, "Acme Compute LLC", "7106d6a93ce34a25", "bob",
                       "different Beijing Sophgo, checked registry", NULL,
                       NULL, &err);
  ck_assert_cg_ok(rc, &err);
  expect_cleared(sc, 2, "7106d6a93ce34a25",
                 "different Beijing Sophgo, checked registry");

  /* ... until the entry changes (new list version, new content hash). */
  buf = slurp(t_src(SJSON), &n);
  changed = malloc(n + 64);
  ck_assert_ptr_nonnull(changed);
  {
    const char *p = strstr(buf, "\"Beijing Sophgo\"");

    ck_assert_ptr_nonnull(p);
    snprintf(changed, n + 64, "%.*s\"Beijing Sophgo\", \"BJ Sophgo\"%s",
             (int)(p - buf), buf, p + strlen("\"Beijing Sophgo\""));
  }
  rc = cg_screen_import_mem(db, "changed.json", changed, strlen(changed),
                            CG_SCREEN_CSL_JSON, NULL, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  expect_cleared(sc, 2, "7106d6a93ce34a25", NULL);
  free(buf);
  free(changed);
  cg_screener_close(sc);
  cg_store_close(db);
}
END_TEST

/* ==== Screening ahead on two threads =================================== */

/* 150 customers: the 15 listed names (hits), their parents, and
 * innocents, in the same order in two databases with the same list. */
static void ahead_customers(cg_store *db)
{
  static const char *const listed[] = {
    "Qingdao Sophgo Technology Co., Ltd.", "Sophgo Technologies Ltd.",
    "Wuhan Suanneng Technology Co., Ltd.", "China Mobile Limited",
    "Xiamen Sophgo Technologies Limited",  "KAL TEK LABS",
    "China Telecom Corporation Limited",   "Aero Engine Corporation of China",
  };
  cg_error err = { 0 };
  char sql[512];
  int i;

  ck_assert_cg_ok(cg_store_exec(db,
                                "INSERT INTO countries(code, name) VALUES "
                                "('CN', 'China'), ('US', 'United States')",
                                &err),
                  &err);
  for(i = 1; i <= 150; i++) {
    const char *parent = i % 7 == 0 ? listed[i % 8] : NULL;

    if(i <= 8)
      snprintf(sql, sizeof(sql),
               "INSERT INTO customers(id, name, country, hq_country) "
               "VALUES (%d, '%s', 'CN', 'CN')",
               i, listed[i - 1]);
    else
      snprintf(sql, sizeof(sql),
               "INSERT INTO customers(id, name, country, hq_country, parent, "
               "parent_hq_country) VALUES (%d, 'Innocent Trading %d', 'US', "
               "'US', %s%s%s, %s)",
               i, i, parent ? "'" : "", parent ? parent : "NULL",
               parent ? "'" : "", parent ? "'CN'" : "NULL");
    ck_assert_cg_ok(cg_store_exec(db, sql, &err), &err);
  }
  ck_assert_cg_ok(
      cg_screen_import(db, t_src(SJSON), CG_SCREEN_CSL_JSON, NULL, NULL, &err),
      &err);
  /* The import screened no one: there were no orders to decide. */
  ck_assert_cg_ok(cg_store_exec(db, "DELETE FROM screenings", &err), &err);
}

/* Screening ahead on two threads keeps, for every customer, the
 * screening one thread makes on its own: same hits, same scores, same
 * order; and the decisions that follow read them from the cache. */
START_TEST(test_screen_ahead)
{
  cg_store *a = t_db("ahead.db"), *b = t_db("one.db");
  cg_screener *sa, *sb;
  cg_error err = { 0 };
  int64_t ids[150];
  int i, with_hits = 0;

  ahead_customers(a);
  ahead_customers(b);
  sa = t_screener(a);
  sb = t_screener(b);
  for(i = 0; i < 150; i++)
    ids[i] = i + 1;
  ck_assert_cg_ok(cg_screen_customers_ahead(sa, ids, 150, -1, &err), &err);
  ck_assert_int_eq(count(a, "SELECT count(*) FROM screenings"), 150);
  for(i = 0; i < 150; i++) {
    cg_screen_hits x, y;
    size_t k;

    ck_assert_cg_ok(cg_screen_customer(sa, ids[i], -1, &x, &err), &err);
    ck_assert_cg_ok(cg_screen_customer(sb, ids[i], -1, &y, &err), &err);
    ck_assert_uint_eq(x.n, y.n);
    with_hits += x.n > 0;
    for(k = 0; k < x.n; k++) {
      ck_assert_str_eq(x.items[k].entry_id, y.items[k].entry_id);
      ck_assert_str_eq(x.items[k].matched_name, y.items[k].matched_name);
      ck_assert(fabs(x.items[k].score - y.items[k].score) < 1e-12);
      ck_assert_int_eq(x.items[k].sure, y.items[k].sure);
      ck_assert_int_eq(x.items[k].on_parent, y.items[k].on_parent);
    }
    cg_screen_hits_free(&x);
    cg_screen_hits_free(&y);
  }
  /* Read from the cache: no new rows. */
  ck_assert_int_eq(count(a, "SELECT count(*) FROM screenings"), 150);
  ck_assert_int_ge(with_hits, 20); /* 28: the listed names and parents */
  /* Again: all cached, nothing searched or written twice. */
  ck_assert_cg_ok(cg_screen_customers_ahead(sa, ids, 150, -1, &err), &err);
  ck_assert_int_eq(count(a, "SELECT count(*) FROM screenings"), 150);
  /* An unknown customer fails the call, naming it, and keeps nothing. */
  ck_assert_cg_ok(cg_store_exec(a, "DELETE FROM screenings", &err), &err);
  ids[77] = 999;
  ck_assert_int_eq(cg_screen_customers_ahead(sa, ids, 150, -1, &err),
                   CG_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(err.msg, "#999"));
  ck_assert_int_eq(count(a, "SELECT count(*) FROM screenings"), 0);
  cg_screener_close(sa);
  cg_screener_close(sb);
  cg_store_close(a);
  cg_store_close(b);

  /* In memory: a second open would be another, empty database, so it
   * all runs on this connection. */
  {
    cg_store *m = NULL;
    cg_screener *sm;

    ck_assert_cg_ok(cg_store_open(&m, ":memory:", CG_STORE_CREATE, &err),
                    &err);
    ck_assert_cg_ok(cg_store_migrate(m, NULL, &err), &err);
    ahead_customers(m);
    sm = t_screener(m);
    ids[77] = 78;
    ck_assert_cg_ok(cg_screen_customers_ahead(sm, ids, 150, -1, &err), &err);
    ck_assert_int_eq(count(m, "SELECT count(*) FROM screenings"), 150);
    cg_screener_close(sm);
    cg_store_close(m);
  }
}
END_TEST

/* ==== CLI ============================================================= */

START_TEST(test_cli)
{
  const char *db = t_tmp("cli.db");
  char *out = NULL, *errout = NULL;
  const char *init[] = { "init", NULL };
  const char *imp[] = { "import",   "parties",  t_src(SJSON),
                        "--format", "csl-json", NULL };
  const char *scr[] = { "screen", "sophgo", "--format", "json", NULL };
  const char *none[] = { "screen", "Advanced Micro Devices", NULL };
  const char *bad[] = { "import", "parties", t_src("tests/data/ofac/add.csv"),
                        NULL };
  const char *usage[] = { "screen", "x", "--threshold", "2", NULL };
  cg_store *st = NULL;
  cg_error err = { 0 };

  /* A database without seed data: migrate only. */
  ck_assert_cg_ok(cg_store_open(&st, db, CG_STORE_CREATE, &err), &err);
  ck_assert_cg_ok(cg_store_migrate(st, NULL, &err), &err);
  cg_store_close(st);
  (void)init;
  ck_assert_int_eq(t_run(db, &out, &errout, imp), 0);
  ck_assert_msg(strstr(out, "imported 15 parties"), "%s", out);
  free(out);
  free(errout);
  ck_assert_int_eq(t_run(db, &out, &errout, scr), 10);
  ck_assert_msg(strstr(out, "\"matches\""), "%s", out);
  ck_assert_msg(strstr(out, "\"matched_name\": \"Sophgo\""), "%s", out);
  ck_assert_msg(strstr(out, "\"federal_register_notice\": \"90 FR 4621\""),
                "%s", out);
  ck_assert_msg(strstr(out, "\"explain\""), "%s", out);
  free(out);
  free(errout);
  ck_assert_int_eq(t_run(db, &out, &errout, none), 0);
  ck_assert_msg(strstr(out, "no match"), "%s", out);
  free(out);
  free(errout);
  ck_assert_int_eq(t_run(db, &out, &errout, bad), 65);
  ck_assert_msg(strstr(errout, "not a CSL file"), "%s", errout);
  free(out);
  free(errout);
  ck_assert_int_eq(t_run(db, &out, &errout, usage), 64);
  free(out);
  free(errout);
}
END_TEST

static Suite *screen_suite(void)
{
  Suite *s = suite_create("screen");
  TCase *tc = tcase_create("import");
  TCase *bad = tcase_create("bad input");
  TCase *score = tcase_create("scoring");
  TCase *full = tcase_create("full CSL");

  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_checked_fixture(bad, NULL, teardown);
  tcase_add_checked_fixture(score, NULL, teardown);
  tcase_add_checked_fixture(full, NULL, teardown);
  tcase_set_timeout(full, 300);
  tcase_add_test(full, test_import_full_csl);
  tcase_add_test(full, test_labelled_recall);
  tcase_add_test(full, test_two_threads);
  tcase_add_test(tc, test_import_legacy_2019);
  tcase_add_test(tc, test_import_2025);
  tcase_add_test(tc, test_index_side_file);
  tcase_add_test(tc, test_list_side_scripts);
  tcase_add_test(tc, test_import_json);
  tcase_add_test(tc, test_import_ofac);
  tcase_add_test(tc, test_customer_screening);
  tcase_add_test(tc, test_screen_ahead);
  tcase_add_test(tc, test_import_guarded);
  tcase_add_test(tc, test_import_guarded_names);
  tcase_add_test(tc, test_cli);
  tcase_add_test(bad, test_bad_column_count);
  tcase_add_test(bad, test_bad_unterminated_quote);
  tcase_add_test(bad, test_bad_no_header);
  tcase_add_test(bad, test_bad_utf8);
  tcase_add_test(bad, test_bad_empty_name);
  tcase_add_test(bad, test_bad_huge_name);
  tcase_add_test(bad, test_bad_ofac_missing_part);
  tcase_add_test(bad, test_bad_json_shape);
  tcase_add_test(score, test_normalise);
  tcase_add_test(score, test_jaro_winkler);
  tcase_add_test(score, test_footnotes);
  tcase_add_test(score, test_screen_name_bad);
  suite_add_tcase(s, score);
  suite_add_tcase(s, tc);
  suite_add_tcase(s, bad);
  suite_add_tcase(s, full);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(screen_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
