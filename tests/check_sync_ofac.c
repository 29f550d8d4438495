/* check_sync_ofac.c -- `sync lists --source ofac`: OFAC's four legacy
 * files (the real sample in tests/data/ofac) over real HTTP on loopback,
 * through the real binary and a real database. Every failure case checks
 * the exit status, a message naming the failing file's URL with its
 * credentials masked, and that the database is byte for byte as it was. */
#include "helpers.h"
#include "net/netserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CREDS "user:s3cret@"

static t_server srv;
static const char *const UPPER[4] = { "SDN.CSV", "ADD.CSV", "ALT.CSV",
                                      "SDN_COMMENTS.CSV" };
static const char *const LOWER[4] = { "sdn.csv", "add.csv", "alt.csv",
                                      "sdn_comments.csv" };

/* Copies the sample files into the server's folder under names[]. */
static void put_files(const char *const names[4])
{
  char cmd[2048], from[64];

  for(int i = 0; i < 4; i++) {
    snprintf(from, sizeof(from), "tests/data/ofac/%s", LOWER[i]);
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", t_src(from), t_tmp(names[i]));
    ck_assert_int_eq(system(cmd), 0);
  }
}

static void append(const char *name, const char *text)
{
  FILE *f = fopen(t_tmp(name), "ab");

  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static void setup(void)
{
  t_server_start(&srv, NULL);
  put_files(UPPER);
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

/* "http://user:s3cret@127.0.0.1:PORT<path>" (rotating static buffers). */
static const char *curl_(const char *path)
{
  static char bufs[8][1024];
  static int k;
  char *b = bufs[k++ & 7];

  snprintf(b, sizeof(bufs[0]), "http://" CREDS "127.0.0.1:%d%s", srv.port,
           path);
  return b;
}

/* A database with the countries of the sample and two customers; one is
 * named as an alias that only a changed ALT.CSV will carry. */
static const char *make_db(const char *name)
{
  static char path[8][512];
  static int k;
  char *p = path[k++ & 7];
  cg_store *db = t_db(name);
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_store_exec(db,
                                "INSERT INTO countries(code, name) VALUES "
                                "('IR', 'Iran'), ('BZ', 'Belize'), "
                                "('LY', 'Libya'), ('US', 'United States');"
                                "INSERT INTO customers(name, country) VALUES "
                                "('Zephyr Orchid Holdings', 'IR'), "
                                "('Good Corp', 'US');",
                                &err),
                  &err);
  cg_store_close(db);
  snprintf(p, sizeof(path[0]), "%s", t_tmp(name));
  return p;
}

/* `sync lists --source ofac --url URL [flag]`: the exit status. */
static int sync_ofac(const char *db, const char *url, const char *flag,
                     char **out, char **err)
{
  const char *argv[] = { "sync",  "lists", "--source", "ofac",
                         "--url", url,     flag,       NULL };

  return t_run(db, out, err, argv);
}

static void sync_ok(const char *db, const char *url, const char *flag,
                    const char *want)
{
  char *out = NULL, *err = NULL;
  int rc = sync_ofac(db, url, flag, &out, &err);

  ck_assert_msg(rc == 0, "%s: exit %d: %s", url, rc, err);
  ck_assert_msg(strstr(out, want), "%s: want \"%s\" in: %s", url, want, out);
  free(out);
  free(err);
}

/* A failing sync: exit want, stderr holds needle and the masked URL of
 * the failing file (mask), no credential; the database unchanged. */
static void sync_fails(const char *db, const char *url, const char *flag,
                       int want, const char *mask, const char *needle)
{
  char *before = t_db_dump(db), *after, *out = NULL, *err = NULL;
  int rc = sync_ofac(db, url, flag, &out, &err);

  ck_assert_msg(rc == want, "%s: exit %d, want %d: %s", url, rc, want, err);
  ck_assert_msg(strstr(err, needle), "%s: no \"%s\" in: %s", url, needle, err);
  ck_assert_msg(strstr(err, mask), "%s: no URL \"%s\" in: %s", url, mask, err);
  ck_assert_msg(!strstr(err, "s3cret") && !strstr(out, "s3cret"),
                "%s: credentials shown: %s", url, err);
  after = t_db_dump(db);
  ck_assert_msg(strcmp(before, after) == 0, "%s changed the database", url);
  free(before);
  free(after);
  free(out);
  free(err);
}

/* The masked URL of path on the server. */
static const char *masked(const char *path)
{
  static char bufs[4][1024];
  static int k;
  char *b = bufs[k++ & 3];

  snprintf(b, sizeof(bufs[0]), "http://***@127.0.0.1:%d%s", srv.port, path);
  return b;
}

/* Screens name: the exit status and stdout (malloc'ed). */
static int screen(const char *db, const char *name, char **out)
{
  const char *argv[] = { "screen", name, NULL };

  return t_run(db, out, NULL, argv);
}

/* Lines of conds.log from line `from` on (malloc'ed). */
static char *conds_from(size_t from)
{
  char *all = t_slurp(t_tmp("conds.log")), *p = all, *r;

  ck_assert_ptr_nonnull(all);
  for(size_t i = 0; i < from && p; i++) {
    p = strchr(p, '\n');
    p = p ? p + 1 : NULL;
  }
  r = strdup(p ? p : "");
  free(all);
  return r;
}

static size_t conds_lines(void)
{
  char *all = t_slurp(t_tmp("conds.log"));
  size_t n = 0;

  for(const char *p = all; p && *p; p++)
    n += *p == '\n';
  free(all);
  return n;
}

/* ETag recorded for sync_sources row key. */
static char *etag_of(const char *db, const char *key)
{
  char sql[256];

  snprintf(sql, sizeof(sql),
           "SELECT etag FROM sync_sources WHERE source = '%s'", key);
  return t_sql(db, sql);
}

START_TEST(test_first_sync_then_not_modified)
{
  const char *db = make_db("a.db");
  char *out = NULL, *before, *after, *log, want[512];
  const char *keys[4] = { "ofac", "ofac file 2", "ofac file 3",
                          "ofac file 4" };
  char *etag[4];
  size_t mark;

  sync_ok(db, curl_("/files/SDN.CSV"), NULL,
          "ofac updated: 17 entries (was 0; 4 files, 4 changed)");
  /* The alias from ALT.CSV, the country from ADD.CSV, the remark from
   * SDN_COMMENTS.CSV. */
  ck_assert_int_eq(screen(db, "Hesa Trade Centre", &out), 10);
  ck_assert_msg(strstr(out, "IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY "
                            "(alias: HESA TRADE CENTER)") &&
                    strstr(out, "country IR"),
                "%s", out);
  free(out);
  t_expect_sql(db, "comments",
               "SELECT count(*) FROM parties WHERE source = 'ofac' AND "
               "entry_id = '33151' AND remarks LIKE '%SUCCESSFUL EXCHANGE%'",
               "1");
  snprintf(want, sizeof(want), "ofac %s|17", masked("/files/SDN.CSV"));
  t_expect_sql(db, "version",
               "SELECT file || '|' || entries FROM list_versions WHERE "
               "source = 'ofac' AND current = 1",
               want);
  snprintf(want, sizeof(want), "4 %s", masked("/files/ALT.CSV"));
  t_expect_sql(db, "event",
               "SELECT json_array_length(data, '$.files') || ' ' || "
               "json_extract(data, '$.files[2].url') FROM outbox WHERE type "
               "= 'list.updated'",
               want);
  for(int i = 0; i < 4; i++) {
    etag[i] = etag_of(db, keys[i]);
    ck_assert_msg(etag[i][0] == '"', "%s: no ETag recorded", keys[i]);
    for(int j = 0; j < i; j++)
      ck_assert_str_ne(etag[i], etag[j]);
  }
  /* Second run: each file is asked with its own ETag; all 304. */
  mark = conds_lines();
  before = t_db_dump(db);
  sync_ok(db, curl_("/files/SDN.CSV"), NULL,
          "ofac not modified (17 entries in use; 4 files, 0 changed)");
  after = t_db_dump(db);
  ck_assert_str_eq(before, after);
  log = conds_from(mark);
  for(int i = 0; i < 4; i++) {
    snprintf(want, sizeof(want), "/files/%s\t%s\t", UPPER[i], etag[i]);
    ck_assert_msg(strstr(log, want), "no \"%s\" in: %s", want, log);
    free(etag[i]);
  }
  ck_assert_int_eq(conds_lines() - mark, 4);
  free(log);
  free(before);
  free(after);
}
END_TEST

/* One file changed: the other three answer 304 to their validators and
 * are fetched again in full; the list is replaced; the new alias from
 * ALT.CSV screens and raises the customer's hit. */
START_TEST(test_one_file_changed)
{
  const char *db = make_db("b.db");
  char *out = NULL, *log;
  size_t mark;

  sync_ok(db, curl_("/files/SDN.CSV"), NULL, "4 changed");
  ck_assert_int_eq(screen(db, "Zephyr Orchid Holdings", &out), 0);
  free(out);
  append("ALT.CSV", "11195,99999,\"aka\",\"ZEPHYR ORCHID HOLDINGS\",-0- \r\n");
  mark = conds_lines();
  sync_ok(db, curl_("/files/SDN.CSV"), NULL,
          "ofac updated: 17 entries (was 17; 4 files, 1 changed), sha256 ");
  log = conds_from(mark);
  /* 4 conditional GETs, then the 3 unchanged files without validators. */
  ck_assert_int_eq(conds_lines() - mark, 7);
  ck_assert_msg(strstr(log, "/files/ADD.CSV\t\"") &&
                    strstr(log, "/files/ADD.CSV\t-\t-\n") &&
                    strstr(log, "/files/SDN_COMMENTS.CSV\t-\t-\n") &&
                    strstr(log, "/files/SDN.CSV\t-\t-\n") &&
                    !strstr(log, "/files/ALT.CSV\t-\t-\n"),
                "%s", log);
  free(log);
  ck_assert_int_eq(screen(db, "Zephyr Orchid Holdings", &out), 10);
  ck_assert_msg(strstr(out, "(alias: ZEPHYR ORCHID HOLDINGS)"), "%s", out);
  free(out);
  t_expect_sql(db, "hit",
               "SELECT count(*) FROM outbox WHERE type = 'party.hit' AND "
               "data LIKE '%Zephyr Orchid Holdings%'",
               "1");
  t_expect_sql(db, "events",
               "SELECT count(*) FROM outbox WHERE type = 'list.updated'", "2");
  sync_ok(db, curl_("/files/SDN.CSV"), NULL, "not modified");
}
END_TEST

/* sdn.csv gives add.csv ...; a query goes to every file; --format ofac
 * alone means the ofac source. */
START_TEST(test_lowercase_names_and_query)
{
  const char *db = make_db("c.db");
  const char *argv[] = { "sync", "lists", "--format",
                         "ofac", "--url", curl_("/files/sdn.csv?token=abc"),
                         NULL };
  char *out = NULL, *err = NULL, *log;

  put_files(LOWER);
  ck_assert_int_eq(t_run(db, &out, &err, argv), 0);
  ck_assert_msg(strstr(out, "sync lists: ofac updated: 17 entries"), "%s%s",
                out, err);
  free(out);
  free(err);
  log = t_slurp(t_tmp("gets.log"));
  ck_assert_msg(strstr(log, "/files/add.csv?token=abc\n") &&
                    strstr(log, "/files/alt.csv?token=abc\n") &&
                    strstr(log, "/files/sdn_comments.csv?token=abc\n"),
                "%s", log);
  free(log);
  /* The token is a secret: masked where the URL is recorded. */
  t_expect_sql(db, "masked",
               "SELECT count(*) FROM sync_sources WHERE url LIKE "
               "'%token=***' AND url NOT LIKE '%abc%'",
               "4");
}
END_TEST

/* A publisher without validators: the same bytes again are not
 * modified. */
START_TEST(test_same_bytes_without_validators)
{
  const char *db = make_db("h.db");

  sync_ok(db, curl_("/noetag/SDN.CSV"), NULL, "4 changed");
  sync_ok(db, curl_("/noetag/SDN.CSV"), NULL,
          "ofac not modified (17 entries in use; 4 files, 0 changed)");
  append("SDN_COMMENTS.CSV", "11195,\"Sample remark.\"\r\n");
  sync_ok(db, curl_("/noetag/SDN.CSV"), NULL,
          "ofac updated: 17 entries (was 17; 4 files, 1 changed)");
  t_expect_sql(db, "remark",
               "SELECT count(*) FROM parties WHERE entry_id = '11195' AND "
               "remarks LIKE '%Sample remark.'",
               "1");
}
END_TEST

/* `import parties` reads the same set on disk in capitals, and records
 * the same list digest as the sync of the same files. */
START_TEST(test_import_then_sync_same_digest)
{
  const char *db = make_db("i.db");
  const char *argv[] = { "import",   "parties", t_tmp("SDN.CSV"),
                         "--format", "ofac",    NULL };
  char *out = NULL, *err = NULL;

  ck_assert_int_eq(t_run(db, &out, &err, argv), 0);
  ck_assert_msg(strstr(out, "imported 17 parties"), "%s%s", out, err);
  free(out);
  free(err);
  sync_ok(db, curl_("/files/SDN.CSV"), NULL,
          "ofac updated: 17 entries (was 17; 4 files, 4 changed)");
  t_expect_sql(db, "digest",
               "SELECT count(*) || ' ' || count(DISTINCT sha256) FROM "
               "list_versions WHERE source = 'ofac'",
               "2 1");
}
END_TEST

/* Every HTTP error on every one of the four files: nothing changes.
 * (Transport faults on a file of the set: check_netfault.) */
START_TEST(test_file_faults)
{
  static const struct {
    const char *status; /* of /set/NAME=STATUS/ */
    int want;           /* exit status */
    const char *needle;
  } FAULTS[] = {
    { "404", 66, "HTTP 404" },          { "410", 66, "HTTP 410" },
    { "401", 65, "HTTP 401" },          { "500", 75, "HTTP 500" },
    { "503", 75, "retry after 120 s" }, { "429", 75, "retry after 120 s" },
  };
  const char *db = make_db("d.db");

  sync_ok(db, curl_("/files/SDN.CSV"), NULL, "4 changed");
  for(size_t f = 0; f < sizeof(FAULTS) / sizeof(FAULTS[0]); f++)
    for(int i = 0; i < 4; i++) {
      char dir[128], path[256], bad[256];

      snprintf(dir, sizeof(dir), "/set/%s=%s/", UPPER[i], FAULTS[f].status);
      snprintf(path, sizeof(path), "%sSDN.CSV", dir);
      snprintf(bad, sizeof(bad), "%s%s", dir, UPPER[i]);
      sync_fails(db, curl_(path), NULL, FAULTS[f].want, masked(bad),
                 FAULTS[f].needle);
    }
}
END_TEST

/* A file that answered 304 fails when fetched again in full (the
 * publisher went down between the two requests): nothing changes, and
 * the next run, with the publisher back, replaces the list. */
START_TEST(test_refetch_fails)
{
  const char *db = make_db("e.db");

  t_write("setfault", "");
  sync_ok(db, curl_("/set/ctl/SDN.CSV"), NULL, "4 changed");
  append("ALT.CSV", "11195,99999,\"aka\",\"ZEPHYR ORCHID HOLDINGS\",-0- \r\n");
  t_write("setfault", "ADD.CSV=uncond");
  sync_fails(db, curl_("/set/ctl/SDN.CSV"), NULL, 75,
             masked("/set/ctl/ADD.CSV"), "retry after 120 s");
  t_write("setfault", "");
  sync_ok(db, curl_("/set/ctl/SDN.CSV"), NULL, "1 changed");
}
END_TEST

/* Bad data in any file: exit 65 naming the file's URL and line. */
START_TEST(test_bad_data)
{
  static const struct {
    int file;
    const char *text;
    const char *needle;
  } BAD[] = {
    { 0, "99999,\"ONLY A NAME\"\r\n", "SDN.CSV:18: 2 columns, expected 12" },
    { 0, "ABC,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
      "SDN.CSV:18: ent_num \"ABC\" is not a number" },
    { 1, "11195,1,\"x\"\r\n", "ADD.CSV:29: 3 columns, expected 6" },
    { 2, "11195,2,\"aka\",\"UNTERMINATED\r\n", "ALT.CSV:" },
    { 3, "33151,\"\xff\xfe\"\r\n", "SDN_COMMENTS.CSV:" },
  };
  const char *db = make_db("f.db");
  char mask[256];

  sync_ok(db, curl_("/files/SDN.CSV"), NULL, "4 changed");
  for(size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
    put_files(UPPER);
    append(UPPER[BAD[i].file], BAD[i].text);
    snprintf(mask, sizeof(mask), "ofac %s",
             masked(BAD[i].file == 0   ? "/files/SDN.CSV"
                    : BAD[i].file == 1 ? "/files/ADD.CSV"
                    : BAD[i].file == 2 ? "/files/ALT.CSV"
                                       : "/files/SDN_COMMENTS.CSV"));
    sync_fails(db, curl_("/files/SDN.CSV"), NULL, 65, mask, BAD[i].needle);
  }
  /* No entries at all. */
  put_files(UPPER);
  t_write("SDN.CSV", "");
  sync_fails(db, curl_("/files/SDN.CSV"), "--force", 65,
             masked("/files/SDN.CSV"), "no entries");
}
END_TEST

/* 17 -> 15 entries is -11.8%: refused (and refused again: validators are
 * recorded only with a list); --force takes it. */
START_TEST(test_shrink_guard)
{
  const char *db = make_db("g.db");
  char cmd[1024];

  sync_ok(db, curl_("/files/SDN.CSV"), NULL, "4 changed");
  snprintf(cmd, sizeof(cmd), "head -n 15 '%s' > '%s'",
           t_src("tests/data/ofac/sdn.csv"), t_tmp("SDN.CSV"));
  ck_assert_int_eq(system(cmd), 0);
  for(int k = 0; k < 2; k++)
    sync_fails(db, curl_("/files/SDN.CSV"), NULL, 65, masked("/files/SDN.CSV"),
               "shrank from 17 to 15");
  sync_ok(db, curl_("/files/SDN.CSV"), "--force",
          "ofac updated: 15 entries (was 17; 4 files, 4 changed)");
  t_expect_sql(db, "count",
               "SELECT group_concat(count) FROM sync_sources WHERE source "
               "LIKE 'ofac%'",
               "15,15,15,15");
  sync_ok(db, curl_("/files/SDN.CSV"), NULL, "not modified");
}
END_TEST

/* An empty ALT.CSV keeps every entry but drops every alias: the names
 * guard refuses it, --force takes it (found by review: it passed). */
START_TEST(test_alias_shrink_guard)
{
  const char *db = make_db("an.db");
  FILE *f;

  sync_ok(db, curl_("/files/SDN.CSV"), NULL, "4 changed");
  f = fopen(t_tmp("ALT.CSV"), "wb");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  sync_fails(db, curl_("/files/SDN.CSV"), NULL, 65, masked("/files/SDN.CSV"),
             "names and aliases");
  sync_ok(db, curl_("/files/SDN.CSV"), "--force", "ofac updated");
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("sync_ofac");
  TCase *tc = tcase_create("ofac");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_first_sync_then_not_modified);
  tcase_add_test(tc, test_one_file_changed);
  tcase_add_test(tc, test_lowercase_names_and_query);
  tcase_add_test(tc, test_same_bytes_without_validators);
  tcase_add_test(tc, test_import_then_sync_same_digest);
  tcase_add_test(tc, test_file_faults);
  tcase_add_test(tc, test_refetch_fails);
  tcase_add_test(tc, test_bad_data);
  tcase_add_test(tc, test_shrink_guard);
  tcase_add_test(tc, test_alias_shrink_guard);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
