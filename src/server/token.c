/* token.c -- API tokens: make, list, revoke and check them, and what each
 * role may do (token.h). The only SQL on api_tokens. */
#include "server/token.h"

#include "core/crypto.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN_PREFIX "cgt_"
#define TOKEN_BYTES  32

/* ===================== Roles ===================== */

static const char *const role_names[CG_ROLE_COUNT] = { "read", "submit",
                                                       "review", "admin" };

/* token.h has the same table with the routes: keep them together. */
static const unsigned char role_may[CG_ROLE_COUNT][CG_TOKEN_ACTION_COUNT] = {
  /*               READ CHECK SCREEN SUBMIT REVIEW NAC SHIP CANCEL CLEAR ADMIN
   */
  [CG_ROLE_READ] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
  [CG_ROLE_SUBMIT] = { 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 },
  [CG_ROLE_REVIEW] = { 1, 1, 1, 0, 1, 1, 1, 1, 1, 0 },
  [CG_ROLE_ADMIN] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
};

static const char *const action_names[CG_TOKEN_ACTION_COUNT] = {
  [CG_TOKEN_READ] = "read orders and the audit log",
  [CG_TOKEN_CHECK] = "check an order",
  [CG_TOKEN_SCREEN] = "screen a name",
  [CG_TOKEN_SUBMIT] = "submit orders",
  [CG_TOKEN_REVIEW] = "review an order",
  [CG_TOKEN_NAC] = "record a NAC filing",
  [CG_TOKEN_SHIP] = "record a shipment",
  [CG_TOKEN_CANCEL] = "cancel an order",
  [CG_TOKEN_CLEAR] = "clear or revoke a screening match",
  [CG_TOKEN_ADMIN] = "administer chipgate",
};

int cg_token_role_may(cg_token_role role, cg_token_action action)
{
  if((unsigned)role >= CG_ROLE_COUNT ||
     (unsigned)action >= CG_TOKEN_ACTION_COUNT)
    return 0;
  return role_may[role][action];
}

const char *cg_token_role_name(cg_token_role role)
{
  return (unsigned)role < CG_ROLE_COUNT ? role_names[role] : "?";
}

const char *cg_token_action_name(cg_token_action action)
{
  return (unsigned)action < CG_TOKEN_ACTION_COUNT ? action_names[action] : "?";
}

int cg_token_role_parse(const char *s, cg_token_role *out, cg_error *err)
{
  int r;

  for(r = 0; s && r < CG_ROLE_COUNT; r++) {
    if(strcmp(s, role_names[r]) == 0) {
      *out = (cg_token_role)r;
      return CG_OK;
    }
  }
  return cg_error_set(err, CG_EUSAGE,
                      "unknown role \"%.64s\": a role is read, submit, "
                      "review or admin",
                      s ? s : "");
}

/* ===================== Names and reasons ===================== */

/* White space a name must not start or end with (it would make "erp " a
 * name that reads as "erp"). */
static int is_blank(int cp)
{
  return cp == ' ' || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

/* Checks text as printable UTF-8 (what says what it is, for the
 * message); *chars_out gets its length in code points. */
static int check_printable(const char *what, const char *s, size_t *chars_out,
                           cg_error *err)
{
  size_t n = strlen(s), i = 0, chars = 0;
  long at = cg_text_invalid_at(s, n);
  int cp = 0, k;

  if(at >= 0)
    return cg_error_set(err, CG_EUSAGE, "%s: not valid UTF-8 at byte %ld",
                        what, at + 1);
  at = cg_text_hidden_at(s, n, &cp);
  for(i = 0; at < 0 && i < n; i += (size_t)k, chars++) {
    k = cg_text_next(s + i, n - i, &cp);
    if(k <= 0)
      return cg_error_set(err, CG_EUSAGE, "%s: not valid UTF-8 at byte %zu",
                          what, i + 1);
    /* Tabs, line breaks and line separators would split a listing. */
    if(cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029)
      at = (long)i;
  }
  if(at >= 0)
    return cg_error_set(err, CG_EUSAGE,
                        "%s: a control or invisible character (U+%04X) at "
                        "byte %ld; use printable characters only",
                        what, (unsigned)cp, at + 1);
  *chars_out = chars;
  return CG_OK;
}

static int check_name(const char *name, cg_error *err)
{
  size_t chars = 0, n, i;
  char *key = NULL;
  int cp = 0, rc;

  if(!name || !*name)
    return cg_error_set(err, CG_EUSAGE,
                        "a token needs a name (who uses it: a system such "
                        "as erp, or a person)");
  rc = check_printable("token name", name, &chars, err);
  if(rc != CG_OK)
    return rc;
  if(chars > CG_TOKEN_NAME_MAX)
    return cg_error_set(err, CG_EUSAGE,
                        "a token name of %zu characters is too long; use "
                        "at most %d",
                        chars, CG_TOKEN_NAME_MAX);
  n = strlen(name);
  cg_text_next(name, n, &cp);
  for(i = n - 1; i > 0 && ((unsigned char)name[i] & 0xC0) == 0x80; i--)
    ;
  if(is_blank(cp) || (cg_text_next(name + i, n - i, &cp) > 0 && is_blank(cp)))
    return cg_error_set(err, CG_EUSAGE,
                        "token name \"%s\" starts or ends with a blank; "
                        "leave it out",
                        name);
  if(strspn(name, "0123456789") == n)
    return cg_error_set(err, CG_EUSAGE,
                        "token name \"%s\" is a number, which token revoke "
                        "would read as an id; put a letter in it",
                        name);
  rc = cg_text_name_key(&key, name, err);
  if(rc != CG_OK)
    return rc;
  if(!*key)
    rc = cg_error_set(err, CG_EUSAGE,
                      "token name \"%s\" has no letter or digit; name "
                      "who uses it",
                      name);
  free(key);
  return rc;
}

static int check_reason(const char *reason, cg_error *err)
{
  size_t chars;

  if(!reason)
    return CG_OK;
  if(!*reason)
    return cg_error_set(err, CG_EUSAGE,
                        "the revoke reason is empty: give one, or none");
  if(strlen(reason) > CG_TOKEN_REASON_MAX)
    return cg_error_set(err, CG_EUSAGE,
                        "the revoke reason is %zu bytes long; use at most %d",
                        strlen(reason), CG_TOKEN_REASON_MAX);
  return check_printable("revoke reason", reason, &chars, err);
}

/* ===================== Finding a token ===================== */

/* A token's row, copied out of the statement. */
typedef struct found {
  int64_t id;                   /* 0: none */
  char name[CG_TOKEN_NAME_BUF]; /* its name */
  cg_token_role role;           /* its role */
  char revoked_at[CG_ISO_TIME]; /* "" while live */
} found;

static void found_copy(found *f, cg_stmt *st)
{
  const char *role = cg_stmt_text(st, 2);
  const char *rev = cg_stmt_text(st, 3);

  f->id = cg_stmt_int(st, 0);
  snprintf(f->name, sizeof(f->name), "%s", cg_stmt_text(st, 1));
  f->role = CG_ROLE_COUNT; /* the CHECK keeps this from staying */
  if(role)
    cg_token_role_parse(role, &f->role, NULL);
  snprintf(f->revoked_at, sizeof(f->revoked_at), "%s", rev ? rev : "");
}

#define ROW_COLS "SELECT id, name, role, revoked_at FROM api_tokens "

/* The token with id, or else the one whose name is name, or else the one
 * whose name is the same name however typed (equal name keys, as
 * cg_text_same_name compares reviewers): f->id is 0 when there is none.
 * Names are few (one per system or person), so the last is a walk. */
static int find_token(cg_store *db, int64_t id, const char *name, found *f,
                      cg_error *err)
{
  cg_stmt *st = NULL;
  char *key = NULL, *other = NULL;
  int rc;

  memset(f, 0, sizeof(*f));
  if(id > 0) {
    rc = cg_store_prepare(db, &st, ROW_COLS "WHERE id = ?1", err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 1, id, err);
  }
  else {
    rc = cg_text_name_key(&key, name, err);
    if(rc == CG_OK)
      rc = cg_store_prepare(db, &st, ROW_COLS "ORDER BY name = ?1 DESC, id",
                            err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 1, name, err);
  }
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    const char *have = cg_stmt_text(st, 1);
    int match = id > 0 || strcmp(have, name) == 0;

    rc = CG_OK;
    if(!match) {
      rc = cg_text_name_key(&other, have, err);
      match = rc == CG_OK && strcmp(other, key) == 0;
      free(other);
      other = NULL;
    }
    if(match) {
      found_copy(f, st);
      break;
    }
  }
  free(key);
  cg_stmt_finalize(st);
  return rc < 0 ? cg_error_prefix(err, "api tokens") : CG_OK;
}

/* ===================== Adding ===================== */

/* "cgt_" + base64url of 32 random bytes, and its SHA-256. */
static int make_token(char token[CG_TOKEN_LEN + 1], char hash[CG_SHA256_HEX],
                      cg_error *err)
{
  unsigned char raw[TOKEN_BYTES];
  char *b64 = NULL;
  size_t i, n;
  int rc;

  rc = cg_random_bytes(raw, sizeof(raw), err);
  if(rc == CG_OK)
    rc = cg_base64_encode(&b64, raw, sizeof(raw), err);
  memset(raw, 0, sizeof(raw));
  if(rc != CG_OK)
    return rc;
  /* URL-safe, unpadded: it goes into headers and shell variables as is. */
  n = strcspn(b64, "=");
  for(i = 0; i < n; i++)
    b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
  snprintf(token, CG_TOKEN_LEN + 1, TOKEN_PREFIX "%.*s", (int)n, b64);
  memset(b64, 0, strlen(b64));
  free(b64);
  if(strlen(token) != CG_TOKEN_LEN)
    return cg_error_set(err, CG_EINTERNAL, "token: %zu characters, not %d",
                        strlen(token), CG_TOKEN_LEN);
  return cg_sha256_hex(token, CG_TOKEN_LEN, hash, err);
}

/* Refuses a name that an existing token's name names too. */
static int name_free(cg_store *db, const char *name, cg_error *err)
{
  found f;
  int rc = find_token(db, 0, name, &f, err);

  if(rc != CG_OK || !f.id)
    return rc;
  if(f.revoked_at[0])
    return cg_error_set(err, CG_EINVAL,
                        "token name \"%s\" is taken by token %lld \"%s\", "
                        "revoked %s (the audit log may name it as a "
                        "reviewer); choose another name",
                        name, (long long)f.id, f.name, f.revoked_at);
  return cg_error_set(err, CG_EINVAL,
                      "token name \"%s\" is taken by token %lld \"%s\" "
                      "(chipgate token list shows them); choose another "
                      "name",
                      name, (long long)f.id, f.name);
}

static int insert_token(cg_store *db, const char *name, cg_token_new *out,
                        const char *hash, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_prepare(db, &st,
                            "INSERT INTO api_tokens(name, role, hash, "
                            "created_at) VALUES(?1, ?2, ?3, ?4)",
                            err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, name, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, role_names[out->role], err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, hash, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, out->created_at, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc != CG_OK)
    return cg_error_prefix(err, "api tokens");
  out->id = cg_store_last_rowid(db);
  return CG_OK;
}

int cg_token_add(cg_store *db, const char *name, const char *role,
                 cg_token_new *out, cg_error *err)
{
  char hash[CG_SHA256_HEX];
  int rc;

  memset(out, 0, sizeof(*out));
  rc = check_name(name, err);
  if(rc == CG_OK)
    rc = cg_token_role_parse(role, &out->role, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = name_free(db, name, err);
  if(rc == CG_OK)
    rc = make_token(out->token, hash, err);
  if(rc == CG_OK) {
    cg_clock_iso(time(NULL), out->created_at);
    rc = insert_token(db, name, out, hash, err);
  }
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK) {
    cg_store_rollback(db);
    memset(out, 0, sizeof(*out)); /* no token for a row that is not */
  }
  return rc;
}

/* ===================== Listing ===================== */

int cg_token_list(cg_store *db, int (*x)(void *arg, const cg_token_row *row),
                  void *arg, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_token_row r;
  int rc;

  rc = cg_store_prepare(db, &st,
                        "SELECT id, name, role, created_at, revoked_at, "
                        "revoke_reason FROM api_tokens ORDER BY id",
                        err);
  if(rc != CG_OK)
    return cg_error_prefix(err, "api tokens");
  while((rc = cg_stmt_step(st, err)) == 1) {
    r.id = cg_stmt_int(st, 0);
    r.name = cg_stmt_text(st, 1);
    r.role = cg_stmt_text(st, 2);
    r.created_at = cg_stmt_text(st, 3);
    r.revoked_at = cg_stmt_text(st, 4);
    r.revoke_reason = cg_stmt_text(st, 5);
    rc = x(arg, &r);
    if(rc != 0)
      break;
  }
  cg_stmt_finalize(st);
  return rc;
}

/* ===================== Revoking ===================== */

/* A name or a decimal id, as token revoke takes it: *id_out 0 for a name
 * (names are never only digits). */
static int64_t parse_id(const char *s)
{
  int64_t v = 0;

  if(!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
    return 0;
  for(; *s; s++)
    v = v * 10 + (*s - '0');
  return v;
}

static int revoke_row(cg_store *db, const found *f, const char *reason,
                      const char *now, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  rc = cg_store_prepare(db, &st,
                        "UPDATE api_tokens SET revoked_at = ?2, "
                        "revoke_reason = ?3 WHERE id = ?1 AND "
                        "revoked_at IS NULL",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, f->id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, now, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, reason, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc == CG_OK && cg_store_changes(db) != 1)
    rc = cg_error_set(err, CG_EINTERNAL, "token %lld: not revoked",
                      (long long)f->id);
  return rc != CG_OK ? cg_error_prefix(err, "api tokens") : CG_OK;
}

int cg_token_revoke(cg_store *db, const char *name_or_id, const char *reason,
                    cg_token_revoked *out, cg_error *err)
{
  int64_t id = name_or_id ? parse_id(name_or_id) : 0;
  char now[CG_ISO_TIME];
  size_t chars;
  found f;
  int rc;

  if(!name_or_id || !*name_or_id)
    return cg_error_set(err, CG_EUSAGE,
                        "name the token to revoke, by its name or id "
                        "(chipgate token list shows them)");
  rc = check_reason(reason, err);
  if(rc == CG_OK && !id)
    rc = check_printable("token name", name_or_id, &chars, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = find_token(db, id, name_or_id, &f, err);
  if(rc == CG_OK && !f.id)
    rc = cg_error_set(err, CG_ENOTFOUND,
                      "no token %s \"%.100s\" (chipgate token list shows "
                      "the tokens)",
                      id ? "with id" : "named", name_or_id);
  if(rc == CG_OK && f.revoked_at[0])
    rc = cg_error_set(err, CG_EINVAL,
                      "token %lld \"%s\" was revoked already, at %s; "
                      "nothing to do",
                      (long long)f.id, f.name, f.revoked_at);
  cg_clock_iso(time(NULL), now);
  if(rc == CG_OK)
    rc = revoke_row(db, &f, reason, now, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK) {
    cg_store_rollback(db);
    return rc;
  }
  if(out) {
    out->id = f.id;
    memcpy(out->name, f.name, sizeof(out->name));
    out->role = f.role;
    memcpy(out->revoked_at, now, sizeof(out->revoked_at));
  }
  return CG_OK;
}

/* ===================== Checking ===================== */

/* The shape of a token chipgate made: anything else is not looked up. */
static int well_formed(const char *token)
{
  return token && strlen(token) == CG_TOKEN_LEN &&
         strncmp(token, TOKEN_PREFIX, 4) == 0 &&
         strspn(token + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                           "vwxyz0123456789-_") == CG_TOKEN_LEN - 4;
}

int cg_token_check(cg_store *db, const char *token, cg_token_info *out,
                   cg_error *err)
{
  char hash[CG_SHA256_HEX];
  cg_stmt *st = NULL;
  found f = { 0 };
  int rc;

  memset(out, 0, sizeof(*out));
  out->role = CG_ROLE_COUNT; /* may nothing until found */
  if(!well_formed(token))
    return cg_error_set(err, CG_ENOTFOUND, "unknown or revoked token");
  rc = cg_sha256_hex(token, CG_TOKEN_LEN, hash, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_cached(db, &st, ROW_COLS "WHERE hash = ?1", err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, hash, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    found_copy(&f, st);
  if(st)
    cg_stmt_reset(st);
  if(rc < 0)
    return cg_error_prefix(err, "api tokens");
  if(rc == 0 || f.revoked_at[0] || f.role == CG_ROLE_COUNT)
    return cg_error_set(err, CG_ENOTFOUND, "unknown or revoked token");
  out->id = f.id;
  memcpy(out->name, f.name, sizeof(out->name));
  out->role = f.role;
  return CG_OK;
}
