/* check_token.c -- API tokens (src/server/token.c, `chipgate token`,
 * issue 16): a token is printed once and only its hash is stored (the
 * database file's bytes are searched for it), check answers the name and
 * role of a live token and the same "unknown or revoked" for anything
 * else, revoke holds at once and not twice, bad names and roles are
 * refused with the database unchanged, the role table is the segregation
 * of duties the issue asks for, and a schema-11 database migrates. On a
 * real database made by the real binary. */
#include "helpers.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "server/token.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[600]; /* a copy: t_tmp's buffers are reused */

static void setup(void)
{
  const char *argv[] = { "init", NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("tokens.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, argv), 0);
}

static void teardown(void)
{
  t_tmp_cleanup();
}

/* Runs chipgate with argv on the test database; the exit status. */
static int run(char **out, char **errs, const char *const *argv)
{
  return t_run(db_path, out, errs, argv);
}

static const char *jstr(const cg_json *o, const char *key)
{
  const char *s = cg_json_string_value(cg_json_get(o, key));

  ck_assert_msg(s != NULL, "no string \"%s\"", key);
  return s;
}

/* 1 when s is a token as chipgate makes them. */
static int token_shaped(const char *s)
{
  return strlen(s) == CG_TOKEN_LEN && strncmp(s, "cgt_", 4) == 0 &&
         strspn(s + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789-_") == CG_TOKEN_LEN - 4;
}

/* `token add NAME --role ROLE --format json`: the token, copied to tok. */
static void add_json(const char *name, const char *role, char *tok)
{
  const char *argv[] = { "token", "add",      name,   "--role",
                         role,    "--format", "json", NULL };
  char *out = NULL;
  cg_json *v;

  ck_assert_int_eq(run(&out, NULL, argv), 0);
  v = t_parse_json(out);
  snprintf(tok, CG_TOKEN_LEN + 1, "%s", jstr(v, "token"));
  ck_assert_msg(token_shaped(tok), "not a token: %s", tok);
  ck_assert_str_eq(jstr(v, "name"), name);
  ck_assert_str_eq(jstr(v, "role"), role);
  cg_json_free(v);
  free(out);
}

/* 1 when the n bytes at hay hold needle. */
static int has_bytes(const char *hay, size_t n, const char *needle)
{
  size_t k = strlen(needle), i;

  for(i = 0; i + k <= n; i++)
    if(memcmp(hay + i, needle, k) == 0)
      return 1;
  return 0;
}

/* 1 when the database file or its WAL holds s, byte for byte. */
static int file_has(const char *s)
{
  char wal[640];
  const char *paths[2] = { db_path, wal };
  int found = 0, i;

  snprintf(wal, sizeof(wal), "%s-wal", db_path);
  for(i = 0; i < 2; i++) {
    FILE *f = fopen(paths[i], "rb");
    char *buf;
    long n;

    if(!f)
      continue; /* no WAL: checkpointed when the binary closed it */
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    found |= has_bytes(buf, (size_t)n, s);
    free(buf);
  }
  return found;
}

static cg_store *open_db(void)
{
  cg_error err = { 0 };
  cg_store *db = NULL;

  ck_assert_cg_ok(cg_store_open(&db, db_path, 0, &err), &err);
  return db;
}

/* ---- add ------------------------------------------------------------- */

START_TEST(test_add_prints_once_stores_hash)
{
  const char *argv[] = { "token", "add", "erp", "--role", "submit", NULL };
  char *out = NULL, *errs = NULL, *stored, tok[CG_TOKEN_LEN + 1];
  char hash[CG_SHA256_HEX];
  cg_error err = { 0 };

  ck_assert_int_eq(run(&out, &errs, argv), 0);
  /* stdout: the token alone on one line, for $(chipgate token add ...) */
  ck_assert_uint_eq(strlen(out), CG_TOKEN_LEN + 1);
  ck_assert_int_eq(out[CG_TOKEN_LEN], '\n');
  snprintf(tok, sizeof(tok), "%.*s", CG_TOKEN_LEN, out);
  ck_assert_msg(token_shaped(tok), "not a token: %s", out);
  ck_assert_msg(strstr(errs, "only this once") && strstr(errs, "\"erp\""),
                "stderr: %s", errs);
  ck_assert_ptr_null(strstr(errs, tok));

  ck_assert_cg_ok(cg_sha256_hex(tok, strlen(tok), hash, &err), &err);
  stored = t_sql(db_path, "SELECT name, role, hash, revoked_at IS NULL "
                          "FROM api_tokens");
  ck_assert_msg(strstr(stored, hash) != NULL, "stored %s, want %s", stored,
                hash);
  ck_assert_msg(strncmp(stored, "erp|submit|", 11) == 0, "%s", stored);
  ck_assert_str_eq(stored + strlen(stored) - 2, "|1");
  free(stored);
  /* The file holds the hash (so the search can see text in it) and
   * neither the token nor its random part. */
  ck_assert(file_has(hash));
  ck_assert(!file_has(tok));
  ck_assert(!file_has(tok + 4));
  free(out);
  free(errs);
}
END_TEST

START_TEST(test_add_json_each_token_new)
{
  char a[CG_TOKEN_LEN + 1], b[CG_TOKEN_LEN + 1], *n;
  const char *argv[] = { "token",  "add",      "A. Officer", "--role",
                         "review", "--format", "json",       NULL };
  char *out = NULL;
  cg_json *v;

  ck_assert_int_eq(run(&out, NULL, argv), 0);
  v = t_parse_json(out);
  ck_assert_int_eq(cg_json_size(v), 5); /* id, name, role, token, created */
  ck_assert_int_eq((int)cg_json_number_value(cg_json_get(v, "id")), 1);
  ck_assert_str_eq(jstr(v, "name"), "A. Officer");
  ck_assert_str_eq(jstr(v, "role"), "review");
  snprintf(a, 11, "%s", jstr(v, "created_at"));
  ck_assert_msg(cg_date_valid(a) && strlen(jstr(v, "created_at")) == 20 &&
                    jstr(v, "created_at")[19] == 'Z',
                "created_at %s", jstr(v, "created_at"));
  snprintf(a, sizeof(a), "%s", jstr(v, "token"));
  cg_json_free(v);
  free(out);
  add_json("erp", "submit", b);
  ck_assert_str_ne(a, b);
  n = t_sql(db_path, "SELECT count(DISTINCT hash) FROM api_tokens");
  ck_assert_str_eq(n, "2");
  free(n);
}
END_TEST

/* ---- list ------------------------------------------------------------ */

START_TEST(test_list_never_shows_a_token_or_hash)
{
  const char *text[] = { "token", "list", NULL };
  const char *json[] = { "token", "list", "--format", "json", NULL };
  const char *rev[] = {
    "token", "revoke", "erp", "--reason", "moved to a new host", NULL
  };
  char tok[CG_TOKEN_LEN + 1], tok2[CG_TOKEN_LEN + 1], *out = NULL, *hashes;
  cg_json *v, *o;

  add_json("erp", "submit", tok);
  add_json("alice", "admin", tok2);
  ck_assert_int_eq(run(NULL, NULL, rev), 0);
  hashes = t_sql(db_path, "SELECT group_concat(hash, ' ') FROM api_tokens");
  ck_assert_uint_eq(strlen(hashes), 129);
  hashes[64] = '\0'; /* two strings: hashes and hashes + 65 */

  ck_assert_int_eq(run(&out, NULL, text), 0);
  ck_assert_msg(strstr(out, "erp") && strstr(out, "alice") &&
                    strstr(out, "moved to a new host") &&
                    strstr(out, "(2 tokens)"),
                "%s", out);
  ck_assert(!strstr(out, tok) && !strstr(out, tok2));
  ck_assert(!strstr(out, hashes) && !strstr(out, hashes + 65));
  ck_assert(!strstr(out, "cgt_"));
  free(out);

  ck_assert_int_eq(run(&out, NULL, json), 0);
  ck_assert(!strstr(out, "cgt_"));
  ck_assert(!strstr(out, hashes) && !strstr(out, hashes + 65));
  v = t_parse_json(out);
  ck_assert_int_eq(cg_json_size(v), 2);
  o = cg_json_at(v, 0);
  ck_assert_int_eq(cg_json_size(o), 6);
  ck_assert_ptr_null(cg_json_get(o, "hash"));
  ck_assert_str_eq(jstr(o, "name"), "erp");
  ck_assert_str_eq(jstr(o, "role"), "submit");
  ck_assert_str_eq(jstr(o, "revoke_reason"), "moved to a new host");
  ck_assert_uint_eq(strlen(jstr(o, "revoked_at")), 20);
  o = cg_json_at(v, 1);
  ck_assert_str_eq(jstr(o, "name"), "alice");
  ck_assert_int_eq(cg_json_type(cg_json_get(o, "revoked_at")), CG_JSON_NULL);
  ck_assert_int_eq(cg_json_type(cg_json_get(o, "revoke_reason")),
                   CG_JSON_NULL);
  cg_json_free(v);
  free(out);
  free(hashes);
}
END_TEST

/* ---- check and revoke -------------------------------------------------- */

START_TEST(test_check_live_then_revoked)
{
  const char *rev[] = { "token", "revoke", "ERP", "--format", "json", NULL };
  char tok[CG_TOKEN_LEN + 1], other[CG_TOKEN_LEN + 1], unknown_msg[512];
  char *out = NULL;
  cg_token_info info;
  cg_error err = { 0 };
  cg_store *db;
  cg_json *v;

  add_json("erp", "submit", tok);
  add_json("Bo Reviewer", "review", other);
  db = open_db();
  ck_assert_cg_ok(cg_token_check(db, tok, &info, &err), &err);
  ck_assert_str_eq(info.name, "erp");
  ck_assert_int_eq(info.role, CG_ROLE_SUBMIT);
  ck_assert_int_eq(info.id, 1);
  ck_assert_cg_ok(cg_token_check(db, other, &info, &err), &err);
  ck_assert_str_eq(info.name, "Bo Reviewer");
  ck_assert_int_eq(info.role, CG_ROLE_REVIEW);

  /* A token of the right shape that was never made. */
  memcpy(other, tok, sizeof(other));
  other[10] = other[10] == 'A' ? 'B' : 'A';
  ck_assert_int_eq(cg_token_check(db, other, &info, &err), CG_ENOTFOUND);
  ck_assert_int_eq(info.role, CG_ROLE_COUNT);
  ck_assert_str_eq(info.name, "");
  snprintf(unknown_msg, sizeof(unknown_msg), "%s", err.msg);
  ck_assert_int_eq(cg_token_check(db, "cgt_short", &info, &err), CG_ENOTFOUND);
  ck_assert_str_eq(err.msg, unknown_msg);
  ck_assert_int_eq(cg_token_check(db, NULL, &info, &err), CG_ENOTFOUND);
  ck_assert_int_eq(cg_token_check(db, tok + 4, &info, &err), CG_ENOTFOUND);

  /* Revoked by another process (the CLI), by its name typed otherwise:
   * the next check refuses it, saying no more than for an unknown one. */
  ck_assert_int_eq(run(&out, NULL, rev), 0);
  v = t_parse_json(out);
  ck_assert_str_eq(jstr(v, "name"), "erp");
  ck_assert_int_eq(cg_json_type(cg_json_get(v, "revoke_reason")),
                   CG_JSON_NULL);
  cg_json_free(v);
  free(out);
  ck_assert_int_eq(cg_token_check(db, tok, &info, &err), CG_ENOTFOUND);
  ck_assert_str_eq(err.msg, unknown_msg);
  ck_assert_int_eq(info.role, CG_ROLE_COUNT);
  cg_store_close(db);
}
END_TEST

START_TEST(test_revoke_by_id_not_twice)
{
  const char *by_id[] = { "token", "revoke", "2", "--reason", "left", NULL };
  const char *twice[] = { "token", "revoke", "bo", NULL };
  const char *none[] = { "token", "revoke", "nobody", NULL };
  const char *no_id[] = { "token", "revoke", "99", NULL };
  const char *readd[] = { "token", "add", "Bo", "--role", "read", NULL };
  char tok[CG_TOKEN_LEN + 1], *out = NULL, *errs = NULL, *before, *after;
  cg_token_revoked r;
  cg_error err = { 0 };
  cg_store *db;

  add_json("erp", "submit", tok);
  add_json("bo", "review", tok);
  ck_assert_int_eq(run(&out, NULL, by_id), 0);
  ck_assert_str_eq(out, "token 2 \"bo\" (role review) revoked\n");
  free(out);
  before = t_db_dump(db_path);
  ck_assert_int_eq(run(NULL, &errs, twice), 65);
  ck_assert_msg(strstr(errs, "revoked already"), "%s", errs);
  free(errs);
  ck_assert_int_eq(run(NULL, &errs, none), 66);
  ck_assert_msg(strstr(errs, "\"nobody\"") && strstr(errs, "token list"), "%s",
                errs);
  free(errs);
  ck_assert_int_eq(run(NULL, &errs, no_id), 66);
  ck_assert_msg(strstr(errs, "id \"99\""), "%s", errs);
  free(errs);
  /* The name stays taken: the log may name it as a reviewer. */
  ck_assert_int_eq(run(NULL, &errs, readd), 65);
  ck_assert_msg(strstr(errs, "taken") && strstr(errs, "revoked"), "%s", errs);
  free(errs);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);

  db = open_db();
  ck_assert_cg_ok(cg_token_revoke(db, "erp", "rotated", &r, &err), &err);
  ck_assert_int_eq(r.id, 1);
  ck_assert_int_eq(r.role, CG_ROLE_SUBMIT);
  ck_assert_uint_eq(strlen(r.revoked_at), 20);
  ck_assert_int_eq(cg_token_revoke(db, "erp", NULL, NULL, &err), CG_EINVAL);
  ck_assert_int_eq(cg_token_revoke(db, "", NULL, NULL, &err), CG_EUSAGE);
  ck_assert_int_eq(cg_token_revoke(db, "bo", "", NULL, &err), CG_EUSAGE);
  ck_assert_int_eq(cg_token_revoke(db, "bo", "a\nb", NULL, &err), CG_EUSAGE);
  cg_store_close(db);
  out = t_sql(db_path, "SELECT revoke_reason FROM api_tokens ORDER BY id");
  ck_assert_str_eq(out, "rotated\nleft");
  free(out);
}
END_TEST

/* ---- refusals ---------------------------------------------------------- */

START_TEST(test_bad_adds_change_nothing)
{
  static const struct {
    const char *name, *role;
    int want;
    const char *says;
  } cases[] = {
    { "x", "boss", 64, "\"boss\"" },
    { "x", "Admin", 64, "\"Admin\"" },
    { "erp", "read", 65, "taken" },
    { "ERP.", "read", 65, "taken by token 1 \"erp\"" },
    { "", "read", 64, "needs a name" },
    { "1234", "read", 64, "is a number" },
    { " x", "read", 64, "blank" },
    { "x\xc2\xa0", "read", 64, "blank" },
    { "a\tb", "read", 64, "U+0009" },
    { "a\xe2\x80\x8b"
      "b",
      "read", 64, "U+200B" }, /* zero-width space */
    { "a\xff", "read", 64, "UTF-8" },
    { "...", "read", 64, "no letter or digit" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "read", 64, "65 characters" },
  };
  char tok[CG_TOKEN_LEN + 1], *before, *after, *errs;
  cg_token_new t;
  cg_error err = { 0 };
  cg_store *db;
  size_t i;

  add_json("erp", "submit", tok);
  before = t_db_dump(db_path);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *argv[] = { "token",  "add",         cases[i].name,
                           "--role", cases[i].role, NULL };
    errs = NULL;
    ck_assert_msg(run(NULL, &errs, argv) == cases[i].want, "case %zu (%s): %s",
                  i, cases[i].name, errs);
    ck_assert_msg(strstr(errs, cases[i].says), "case %zu: %s", i, errs);
    free(errs);
  }
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(after);

  /* The library refuses the same, without the command line's checks. */
  db = open_db();
  ck_assert_int_eq(cg_token_add(db, "x", "boss", &t, &err), CG_EUSAGE);
  ck_assert_msg(strstr(err.msg, "\"boss\""), "%s", err.msg);
  ck_assert_str_eq(t.token, "");
  ck_assert_int_eq(cg_token_add(db, "Erp", "read", &t, &err), CG_EINVAL);
  ck_assert_int_eq(cg_token_add(db, NULL, "read", &t, &err), CG_EUSAGE);
  ck_assert_int_eq(cg_token_add(db, "a\xff", "read", &t, &err), CG_EUSAGE);
  ck_assert_int_eq(cg_token_add(db, "x", NULL, &t, &err), CG_EUSAGE);
  cg_store_close(db);
  after = t_db_dump(db_path);
  ck_assert_str_eq(before, after);
  free(after);
  free(before);
}
END_TEST

START_TEST(test_library_add_list)
{
  cg_token_new t, t2;
  cg_token_info info;
  cg_error err = { 0 };
  cg_store *db = open_db();
  char hash[CG_SHA256_HEX], *stored;

  ck_assert_cg_ok(cg_token_add(db, "Jörg Müller", "admin", &t, &err), &err);
  ck_assert(token_shaped(t.token));
  ck_assert_int_eq(t.id, 1);
  ck_assert_int_eq(t.role, CG_ROLE_ADMIN);
  ck_assert_uint_eq(strlen(t.created_at), 20);
  ck_assert_cg_ok(cg_token_check(db, t.token, &info, &err), &err);
  ck_assert_str_eq(info.name, "Jörg Müller");
  ck_assert_int_eq(info.role, CG_ROLE_ADMIN);
  /* Accents do not make another person. */
  ck_assert_int_eq(cg_token_add(db, "jorg muller", "read", &t2, &err),
                   CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "taken"), "%s", err.msg);
  cg_store_close(db);
  ck_assert_cg_ok(cg_sha256_hex(t.token, strlen(t.token), hash, &err), &err);
  stored = t_sql(db_path, "SELECT hash FROM api_tokens");
  ck_assert_str_eq(stored, hash);
  free(stored);
}
END_TEST

/* ---- roles ------------------------------------------------------------- */

START_TEST(test_role_table)
{
  /* Segregation of duties: rows are roles, columns the actions in the
   * order of cg_token_action. */
  static const int want[CG_ROLE_COUNT][CG_TOKEN_ACTION_COUNT] = {
    /*        READ CHECK SCREEN SUBMIT REVIEW NAC SHIP CANCEL CLEAR ADMIN */
    /* read */ { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    /* submit */ { 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 },
    /* review */ { 1, 1, 1, 0, 1, 1, 1, 1, 1, 0 },
    /* admin */ { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
  };
  static const char *const names[] = { "read", "submit", "review", "admin" };
  cg_token_role r;
  cg_error err = { 0 };
  int role, act;

  for(role = 0; role < CG_ROLE_COUNT; role++) {
    for(act = 0; act < CG_TOKEN_ACTION_COUNT; act++)
      ck_assert_msg(cg_token_role_may((cg_token_role)role,
                                      (cg_token_action)act) == want[role][act],
                    "%s may %s: want %d", names[role],
                    cg_token_action_name((cg_token_action)act),
                    want[role][act]);
    ck_assert_str_eq(cg_token_role_name((cg_token_role)role), names[role]);
    ck_assert_cg_ok(cg_token_role_parse(names[role], &r, &err), &err);
    ck_assert_int_eq(r, role);
  }
  /* The ERP may submit but not release; a reviewer the reverse. */
  ck_assert(!cg_token_role_may(CG_ROLE_SUBMIT, CG_TOKEN_REVIEW));
  ck_assert(!cg_token_role_may(CG_ROLE_REVIEW, CG_TOKEN_SUBMIT));
  /* Out of range: no. */
  ck_assert(!cg_token_role_may(CG_ROLE_COUNT, CG_TOKEN_READ));
  ck_assert(!cg_token_role_may(CG_ROLE_ADMIN, CG_TOKEN_ACTION_COUNT));
  ck_assert(!cg_token_role_may((cg_token_role)-1, CG_TOKEN_READ));
  ck_assert_str_eq(cg_token_role_name(CG_ROLE_COUNT), "?");
  ck_assert_str_eq(cg_token_action_name(CG_TOKEN_REVIEW), "review an order");
  ck_assert_int_eq(cg_token_role_parse("root", &r, &err), CG_EUSAGE);
  ck_assert_msg(strstr(err.msg, "\"root\"") && strstr(err.msg, "submit"), "%s",
                err.msg);
}
END_TEST

/* ---- migration --------------------------------------------------------- */

static int sql_file(const struct dirent *d)
{
  return strlen(d->d_name) > 4 &&
         strcmp(d->d_name + strlen(d->d_name) - 4, ".sql") == 0 &&
         atoi(d->d_name) >= 1 && atoi(d->d_name) <= 11;
}

/* A database at schema 11, as main's binary made it before 0012 (its
 * migrations from db/migrations/, applied in order), with data in it:
 * the first command migrates it, the data stays and tokens work. */
START_TEST(test_schema_11_migrates)
{
  const char *add[] = { "token", "add", "erp", "--role", "submit", NULL };
  struct dirent **ents = NULL;
  char path[700], *s, *out = NULL;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int n, i, v;

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("old.db"));
  ck_assert_cg_ok(cg_store_open(&db, db_path, CG_STORE_CREATE, &err), &err);
  n = scandir(t_src("db/migrations"), &ents, sql_file, alphasort);
  ck_assert_int_eq(n, 11);
  for(i = 0; i < n; i++) {
    snprintf(path, sizeof(path), "db/migrations/%s", ents[i]->d_name);
    s = t_slurp(t_src(path));
    ck_assert_msg(s != NULL, "%s", path);
    ck_assert_cg_ok(cg_store_exec(db, s, &err), &err);
    free(s);
    free(ents[i]);
  }
  free(ents);
  ck_assert_cg_ok(cg_store_exec(db,
                                "PRAGMA user_version = 11;"
                                "INSERT INTO countries(code, name) VALUES "
                                "('SE', 'Sweden')",
                                &err),
                  &err);
  cg_store_close(db);
  s = t_sql(db_path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                     "'api_tokens'");
  ck_assert_str_eq(s, "0");
  free(s);

  ck_assert_int_eq(run(&out, NULL, add), 0);
  ck_assert(token_shaped(strtok(out, "\n")));
  s = t_sql(db_path, "PRAGMA user_version");
  v = atoi(s);
  free(s);
  ck_assert_int_eq(v, 12);
  t_expect_sql(db_path, "schema 11", "SELECT name FROM countries", "Sweden");
  t_expect_sql(db_path, "schema 11", "SELECT name, role FROM api_tokens",
               "erp|submit");
  db = open_db();
  {
    cg_token_info info;
    ck_assert_cg_ok(cg_token_check(db, out, &info, &err), &err);
    ck_assert_str_eq(info.name, "erp");
  }
  cg_store_close(db);
  free(out);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("token");
  TCase *tc = tcase_create("token");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_add_prints_once_stores_hash);
  tcase_add_test(tc, test_add_json_each_token_new);
  tcase_add_test(tc, test_list_never_shows_a_token_or_hash);
  tcase_add_test(tc, test_check_live_then_revoked);
  tcase_add_test(tc, test_revoke_by_id_not_twice);
  tcase_add_test(tc, test_bad_adds_change_nothing);
  tcase_add_test(tc, test_library_add_list);
  tcase_add_test(tc, test_role_table);
  tcase_add_test(tc, test_schema_11_migrates);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return t_run_suite(suite());
}
