/* token.h -- API tokens and their roles: the bearer tokens `chipgate
 * serve` authenticates requests with, and what each role may do. Owns the
 * table api_tokens (db/migrations/0012_tokens.sql); no other module runs
 * SQL on it.
 *
 * A token is "cgt_" and the base64url (no padding) of 32 random bytes,
 * 47 characters. cg_token_add returns it once; the database keeps only
 * the SHA-256 (hex) of those 47 characters, so it cannot be shown again:
 * a lost token is revoked and replaced. cg_token_check reads the table on
 * every call, so a revocation holds from the next request on.
 *
 * Names: 1 to CG_TOKEN_NAME_MAX characters of printable UTF-8 (no control
 * or invisible characters, no blank at either end), with a letter or
 * digit, not only digits (token revoke takes a name or an id). The name
 * is what a review or a clearance made with the token records as its
 * reviewer, so no two tokens have names that name the same person
 * (cg_text_same_name: "ERP" and "erp." are one name), and a revoked
 * token keeps its name.
 *
 * Roles are duties, not a ladder (segregation of duties: the ERP that
 * submits orders must not be able to release them):
 *
 *   action (route)                         read  submit  review  admin
 *   CG_TOKEN_READ    (every GET route)      yes   yes     yes     yes
 *   CG_TOKEN_CHECK   (POST /v1/check)       -     yes     yes     yes
 *   CG_TOKEN_SCREEN  (POST /v1/screen)      -     yes     yes     yes
 *   CG_TOKEN_SUBMIT  (POST /v1/orders)      -     yes     -       yes
 *   CG_TOKEN_REVIEW  (.../{id}/review)      -     -       yes     yes
 *   CG_TOKEN_NAC     (.../{id}/nac)         -     -       yes     yes
 *   CG_TOKEN_SHIP    (.../{id}/ship)        -     -       yes     yes
 *   CG_TOKEN_CANCEL  (.../{id}/cancel)      -     -       yes     yes
 *   CG_TOKEN_CLEAR   (clear or revoke a
 *                     screening match)      -     -       yes     yes
 *   CG_TOKEN_ADMIN   (administration; no
 *                     route needs it yet)   -     -       -       yes
 *
 * GET /healthz needs no token at all.
 *
 * Errors: CG_EUSAGE for a bad name, role or reason (the message names
 * it and says what is allowed: they are arguments a person typed),
 * CG_EINVAL for a name that is taken or a token revoked already,
 * CG_ENOTFOUND for an unknown token, CG_EDB / CG_EBUSY from the
 * database. */
#ifndef CG_TOKEN_H
#define CG_TOKEN_H

#include <stdint.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/store.h"

#define CG_TOKEN_LEN        47  /* "cgt_" + 43 base64url characters */
#define CG_TOKEN_NAME_MAX   64  /* characters (code points) of a name */
#define CG_TOKEN_NAME_BUF   257 /* CG_TOKEN_NAME_MAX UTF-8 characters + NUL */
#define CG_TOKEN_REASON_MAX 500 /* bytes of a revoke reason */

typedef enum cg_token_role {
  CG_ROLE_READ,   /* "read" */
  CG_ROLE_SUBMIT, /* "submit" */
  CG_ROLE_REVIEW, /* "review" */
  CG_ROLE_ADMIN,  /* "admin" */
  CG_ROLE_COUNT
} cg_token_role;

/* What a request does, for cg_token_role_may (the table above). */
typedef enum cg_token_action {
  CG_TOKEN_READ,   /* any GET route: orders, history, audit, metrics, / */
  CG_TOKEN_CHECK,  /* POST /v1/check: decide without recording */
  CG_TOKEN_SCREEN, /* POST /v1/screen */
  CG_TOKEN_SUBMIT, /* POST /v1/orders: store and decide orders */
  CG_TOKEN_REVIEW, /* POST /v1/orders/{id}/review: release or block */
  CG_TOKEN_NAC,    /* POST /v1/orders/{id}/nac */
  CG_TOKEN_SHIP,   /* POST /v1/orders/{id}/ship */
  CG_TOKEN_CANCEL, /* POST /v1/orders/{id}/cancel */
  CG_TOKEN_CLEAR,  /* clear or revoke a possible screening match */
  CG_TOKEN_ADMIN,  /* administration (admin only) */
  CG_TOKEN_ACTION_COUNT
} cg_token_action;

/* 1 when role may do action, else 0 (also for a role or action out of
 * range: unknown means no). */
int cg_token_role_may(cg_token_role role, cg_token_action action);

/* "read", "submit", "review", "admin"; "?" out of range. */
const char *cg_token_role_name(cg_token_role role);

/* What action does, for a 403's message ("review an order"). */
const char *cg_token_action_name(cg_token_action action);

/* The role named s (exact, lower case); CG_EUSAGE naming s and the four
 * roles otherwise. */
int cg_token_role_parse(const char *s, cg_token_role *out, cg_error *err);

/* A token as cg_token_add made it. Wipe token when done with it. */
typedef struct cg_token_new {
  int64_t id;                   /* api_tokens.id */
  char token[CG_TOKEN_LEN + 1]; /* the bearer token: shown once */
  char created_at[CG_ISO_TIME]; /* ISO 8601 */
  cg_token_role role;           /* the role given */
} cg_token_new;

/* Makes a token named name with role (a role name, as the command line
 * gives it) and stores its hash. Refuses, writing nothing, a bad name or
 * an unknown role (CG_EUSAGE) and a name an existing token has, revoked
 * or not (CG_EINVAL). */
int cg_token_add(cg_store *db, const char *name, const char *role,
                 cg_token_new *out, cg_error *err);

/* A token as listed: never its hash. Strings borrowed for the callback. */
typedef struct cg_token_row {
  int64_t id;                /* api_tokens.id */
  const char *name;          /* the reviewer name it records */
  const char *role;          /* "read", "submit", "review" or "admin" */
  const char *created_at;    /* ISO 8601 */
  const char *revoked_at;    /* ISO 8601, NULL while it is live */
  const char *revoke_reason; /* NULL if none was given */
} cg_token_row;

/* Calls x for each token, revoked ones too, by id; a non-zero return from
 * x stops the walk and is returned. */
int cg_token_list(cg_store *db, int (*x)(void *arg, const cg_token_row *row),
                  void *arg, cg_error *err);

/* Who a live token is. */
typedef struct cg_token_info {
  int64_t id;                   /* api_tokens.id */
  char name[CG_TOKEN_NAME_BUF]; /* the reviewer name it records */
  cg_token_role role;           /* what it may do */
} cg_token_info;

/* A token cg_token_revoke revoked. */
typedef struct cg_token_revoked {
  int64_t id;                   /* api_tokens.id */
  char name[CG_TOKEN_NAME_BUF]; /* its name */
  cg_token_role role;           /* its role */
  char revoked_at[CG_ISO_TIME]; /* now, ISO 8601 */
} cg_token_revoked;

/* Revokes the token named name_or_id (its name, a name that is the same
 * name however typed, or its id in decimal) with reason (may be NULL),
 * from the next cg_token_check on. CG_ENOTFOUND for no such token,
 * CG_EINVAL for one revoked already (saying when), CG_EUSAGE for a bad
 * reason (empty, control characters, invalid UTF-8, over
 * CG_TOKEN_REASON_MAX bytes). *out (may be NULL) gets the token
 * revoked. */
int cg_token_revoke(cg_store *db, const char *name_or_id, const char *reason,
                    cg_token_revoked *out, cg_error *err);

/* The name and role of token if it is live. CG_ENOTFOUND ("unknown or
 * revoked token") for a token that is malformed, unknown or revoked: the
 * message does not say which, so a caller cannot learn which tokens once
 * existed. Reads only (a cached statement: call it per request on the
 * thread's own connection). */
int cg_token_check(cg_store *db, const char *token, cg_token_info *out,
                   cg_error *err);

#endif
