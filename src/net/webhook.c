/* webhook.c -- the outbox (events written in the caller's transaction)
 * and the endpoints (add, remove, enable, list, secrets); see webhook.h.
 * Delivery and signing are in webhook_deliver.c. */
#include "net/webhook.h"

#include "core/clock.h"

#include "core/crypto.h"
#include "core/json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#define SECRET_MIN 24 /* decoded secret bytes */
#define SECRET_MAX 64
#define HEAD_TEXT  88 /* "SEQ:HASH" and NUL, as decide/audit.h */

static const char *const event_types[] = { CG_EVENT_DECISION,
                                           CG_EVENT_PARTY_HIT, CG_EVENT_LIST };

static int known_type(const char *t, size_t n)
{
  for(size_t i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++)
    if(strlen(event_types[i]) == n && strncmp(event_types[i], t, n) == 0)
      return 1;
  return 0;
}

/* ===================== Outbox ===================== */

#define MSG_ID_LEN (4 + 32) /* "msg_" and 32 hex digits */

static void put_hex(char *out, uint64_t v, int digits)
{
  static const char hex[] = "0123456789abcdef";

  while(digits-- > 0) {
    out[digits] = hex[v & 15];
    v >>= 4;
  }
}

/* A new webhook-id: "msg_", then 12 hex digits of milliseconds since
 * 1970 and 4 of a counter, which together only grow within a thread, then
 * 16 drawn once per thread, which keep threads and processes apart. Ids
 * that sort by time make the outbox's unique index grow at its end (a
 * random id cost a random page per event) and let a receiver order them. */
static int new_msg_id(char out[MSG_ID_LEN + 1], cg_error *err)
{
  static _Thread_local uint64_t last_ms, nonce;
  static _Thread_local unsigned seq;
  static _Thread_local int seeded;
  struct timespec ts;
  uint64_t ms;

  if(!seeded) {
    int rc = cg_random_bytes(&nonce, sizeof(nonce), err);
    if(rc != CG_OK)
      return rc;
    seeded = 1;
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
  if(ms > last_ms) {
    last_ms = ms;
    seq = 0;
  }
  else if(++seq > 0xffff) { /* 65536 in one millisecond: borrow the next */
    last_ms++;
    seq = 0;
  }
  memcpy(out, "msg_", 4);
  put_hex(out + 4, last_ms, 12);
  put_hex(out + 16, seq, 4);
  put_hex(out + 20, nonce, 16);
  out[MSG_ID_LEN] = '\0';
  return CG_OK;
}

/* Writes an event whose data is known to be a JSON object or array. */
static int enqueue_text(cg_store *db, const char *type, const char *data_json,
                        int64_t *event_id_out, cg_error *err)
{
  char msg_id[MSG_ID_LEN + 1], created[21];
  cg_stmt *st = NULL;
  int64_t id;
  int rc;

  if(!cg_store_in_transaction(db))
    return cg_error_set(err, CG_EINTERNAL,
                        "webhook enqueue outside a transaction");
  if(!type || !known_type(type, strlen(type)))
    return cg_error_set(err, CG_EINVAL, "unknown event type \"%s\"",
                        type ? type : "(null)");
  rc = new_msg_id(msg_id, err);
  if(rc != CG_OK)
    return rc;
  cg_clock_iso(time(NULL), created);

  rc = cg_store_cached(db, &st,
                       "INSERT INTO outbox(msg_id, type, data, created_at) "
                       "VALUES(?1, ?2, ?3, ?4)",
                       err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, msg_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, type, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, data_json, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, created, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc != CG_OK)
    return cg_error_prefix(err, "outbox");
  id = cg_store_last_rowid(db);

  rc = cg_store_cached(
      db, &st,
      "INSERT INTO deliveries(event_id, webhook_id, next_attempt_at) "
      "SELECT ?1, id, ?3 FROM webhooks "
      "WHERE enabled = 1 AND removed_at IS NULL AND (events = '*' OR "
      "instr(',' || events || ',', ',' || ?2 || ',') > 0)",
      err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, type, err);
  /* Due now by the clock deliver() reads (time(), which can trail
   * SQLite's millisecond 'now' across a second boundary). */
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, (int64_t)time(NULL), err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc != CG_OK)
    return cg_error_prefix(err, "outbox");
  if(event_id_out)
    *event_id_out = id;
  return CG_OK;
}

/* The head of the audit log, "SEQ:HASH" (an empty log: "0:" and 64
 * zeros), read in the caller's transaction. The log's table belongs to
 * decide/audit (cg_audit_head_get), which net sits below, and events are
 * also written by list syncs and screening, below decide too: this one
 * read-only query is the exception to table ownership. */
static int audit_head(cg_store *db, char out[HEAD_TEXT], cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT seq, hash FROM decisions ORDER BY seq "
                           "DESC LIMIT 1",
                           err);

  snprintf(out, HEAD_TEXT, "0:%064d", 0);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    snprintf(out, HEAD_TEXT, "%lld:%s", (long long)cg_stmt_int(st, 0),
             cg_stmt_text(st, 1));
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? cg_error_prefix(err, "outbox: audit head") : CG_OK;
}

/* Writes the object text (its opening brace at brace; members says it
 * has any) with "audit_head", the head the event is written at, as its
 * first member: a receiver keeps it and can later prove the log still
 * reaches it (`audit verify --anchor`). */
static int enqueue_headed(cg_store *db, const char *type, const char *text,
                          const char *brace, int members,
                          int64_t *event_id_out, cg_error *err)
{
  char head[HEAD_TEXT], *with = NULL;
  size_t n;
  int rc;

  if(!cg_store_in_transaction(db))
    return cg_error_set(err, CG_EINTERNAL,
                        "webhook enqueue outside a transaction");
  rc = audit_head(db, head, err);
  if(rc != CG_OK)
    return rc;
  n = strlen(text) + sizeof(head) + 32;
  with = malloc(n);
  if(!with)
    return cg_error_set(err, CG_ENOMEM, "outbox: out of memory");
  /* The head is digits, a colon and hex: nothing to escape. */
  snprintf(with, n, "%.*s{\"audit_head\":\"%s\"%s%s", (int)(brace - text),
           text, head, members ? "," : "", brace + 1);
  rc = enqueue_text(db, type, with, event_id_out, err);
  free(with);
  return rc;
}

/* Data that is an array, or names its own audit_head, goes as it is;
 * an object gets the head (enqueue_headed). v is text parsed. */
static int enqueue_with_head(cg_store *db, const char *type, const cg_json *v,
                             const char *text, int64_t *event_id_out,
                             cg_error *err)
{
  const char *brace = strchr(text, '{');

  if(cg_json_type(v) != CG_JSON_OBJECT || cg_json_get(v, "audit_head") ||
     !brace)
    return enqueue_text(db, type, text, event_id_out, err);
  return enqueue_headed(db, type, text, brace, cg_json_size(v) != 0,
                        event_id_out, err);
}

int cg_webhook_enqueue_object(cg_store *db, const char *type, const char *obj,
                              size_t len, int64_t *event_id_out, cg_error *err)
{
  if(len < 2 || obj[0] != '{' || obj[len - 1] != '}' || strlen(obj) != len)
    return cg_error_set(err, CG_EINVAL,
                        "event data must be a JSON object (%zu bytes)", len);
  return enqueue_headed(db, type, obj, obj, len > 2, event_id_out, err);
}

int cg_webhook_enqueue(cg_store *db, const char *type, const char *data_json,
                       int64_t *event_id_out, cg_error *err)
{
  cg_json *v = NULL;
  int rc = cg_json_parse(&v, data_json, strlen(data_json), "event data", err);

  if(rc != CG_OK)
    return rc;
  if(cg_json_type(v) != CG_JSON_OBJECT && cg_json_type(v) != CG_JSON_ARRAY)
    rc = cg_error_set(err, CG_EINVAL,
                      "event data must be a JSON object or array");
  if(rc == CG_OK)
    rc = enqueue_with_head(db, type, v, data_json, event_id_out, err);
  cg_json_free(v);
  return rc;
}

int cg_webhook_enqueue_json(cg_store *db, const char *type,
                            const cg_json *data, int64_t *event_id_out,
                            cg_error *err)
{
  char *text = NULL;
  int rc;

  if(cg_json_type(data) != CG_JSON_OBJECT &&
     cg_json_type(data) != CG_JSON_ARRAY)
    return cg_error_set(err, CG_EINVAL,
                        "event data must be a JSON object or array");
  rc = cg_json_dump(&text, data, CG_JSON_CANONICAL, err);
  if(rc == CG_OK)
    rc = enqueue_with_head(db, type, data, text, event_id_out, err);
  free(text);
  return rc;
}

/* ===================== Endpoints ===================== */

/* CG_OK if s is "whsec_" + base64 of SECRET_MIN..SECRET_MAX bytes. */
static int check_secret(const char *s, cg_error *err)
{
  unsigned char *key = NULL;
  size_t n = 0;
  int rc;

  if(strncmp(s, "whsec_", 6) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "webhook secret must start with \"whsec_\"");
  rc = cg_base64_decode(&key, &n, s + 6, NULL);
  if(key) {
    memset(key, 0, n);
    free(key);
  }
  if(rc != CG_OK || n < SECRET_MIN || n > SECRET_MAX)
    return cg_error_set(err, CG_EINVAL,
                        "webhook secret must be \"whsec_\" followed by the "
                        "base64 of %d to %d random bytes",
                        SECRET_MIN, SECRET_MAX);
  return CG_OK;
}

int cg_webhook_read_secret(const char *path, char **out,
                           int *world_readable_out, cg_error *err)
{
  char buf[512];
  struct stat sb;
  size_t n;
  char *b, *e;
  FILE *f;
  int rc;

  *out = NULL;
  if(world_readable_out)
    *world_readable_out = 0;
  f = fopen(path, "rb");
  if(!f) {
    int e0 = errno;
    return cg_error_set(err, e0 == ENOENT ? CG_ENOTFOUND : CG_EIO, "%s: %s",
                        path, strerror(e0));
  }
  if(fstat(fileno(f), &sb) == 0 && world_readable_out &&
     (sb.st_mode & S_IROTH))
    *world_readable_out = 1;
  n = fread(buf, 1, sizeof(buf) - 1, f);
  rc = ferror(f) ? CG_EIO : (!feof(f) ? CG_EINVAL : CG_OK);
  fclose(f);
  buf[n] = '\0';
  if(rc != CG_OK) {
    memset(buf, 0, sizeof(buf));
    return cg_error_set(err, rc, "%s: %s", path,
                        rc == CG_EIO ? "read error" : "secret file too long");
  }
  b = buf;
  while(*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
    b++;
  e = b + strlen(b);
  while(e > b &&
        (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
    *--e = '\0';
  rc = check_secret(b, err);
  if(rc == CG_OK) {
    *out = strdup(b);
    if(!*out)
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  else
    cg_error_prefix(err, "%s", path);
  memset(buf, 0, sizeof(buf));
  return rc;
}

int cg_webhook_new_secret(const char *path, char **out, cg_error *err)
{
  unsigned char key[32];
  char *b64 = NULL, *line = NULL;
  size_t n;
  int fd, rc, ok;

  *out = NULL;
  rc = cg_random_bytes(key, sizeof(key), err);
  if(rc == CG_OK)
    rc = cg_base64_encode(&b64, key, sizeof(key), err);
  memset(key, 0, sizeof(key));
  if(rc != CG_OK)
    return rc;
  n = strlen(b64) + 8;
  line = malloc(n);
  if(!line) {
    memset(b64, 0, strlen(b64));
    free(b64);
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  n = (size_t)snprintf(line, n, "whsec_%s\n", b64);
  memset(b64, 0, strlen(b64));
  free(b64);
  /* O_EXCL: an existing secret (perhaps a receiver's) is never replaced. */
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if(fd < 0) {
    int e0 = errno;

    memset(line, 0, n);
    free(line);
    return cg_error_set(err, e0 == EEXIST ? CG_EUSAGE : CG_EIO, "%s: %s%s",
                        path, strerror(e0),
                        e0 == EEXIST ? " (a new secret never replaces a "
                                       "file: name a new one)"
                                     : "");
  }
  ok = write(fd, line, n) == (ssize_t)n;
  ok = fsync(fd) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if(!ok) {
    int e0 = errno;

    unlink(path);
    memset(line, 0, n);
    free(line);
    return cg_error_set(err, CG_EIO, "%s: cannot write: %s", path,
                        strerror(e0));
  }
  line[n - 1] = '\0';
  *out = line;
  return CG_OK;
}

int cg_webhook_parse_events(const char *events, char *out, size_t size,
                            cg_error *err)
{
  const char *p = events, *q;
  size_t used = 0;

  if(!events || strcmp(events, "*") == 0 || strcmp(events, "all") == 0) {
    snprintf(out, size, "*");
    return CG_OK;
  }
  out[0] = '\0';
  while(*p) {
    const char *a, *b;

    q = strchr(p, ',');
    if(!q)
      q = p + strlen(p);
    a = p;
    b = q;
    while(a < b && *a == ' ')
      a++;
    while(b > a && b[-1] == ' ')
      b--;
    if(!known_type(a, (size_t)(b - a)))
      return cg_error_set(err, CG_EUSAGE,
                          "unknown event \"%.*s\" (known: decision.made, "
                          "party.hit, list.updated)",
                          (int)(b - a), a);
    if(used + (size_t)(b - a) + 2 > size)
      return cg_error_set(err, CG_EUSAGE, "event list too long");
    used += (size_t)snprintf(out + used, size - used, "%s%.*s",
                             used ? "," : "", (int)(b - a), a);
    p = *q ? q + 1 : q;
  }
  if(!out[0])
    return cg_error_set(err, CG_EUSAGE, "empty event list");
  return CG_OK;
}

int cg_webhook_add(cg_store *db, const char *url, const char *secret,
                   const char *events, int allow_http, int64_t *id_out,
                   cg_error *err)
{
  char ev[128];
  cg_stmt *st = NULL;
  int rc;

  rc = cg_http_check_url(url, allow_http, err);
  if(rc == CG_OK)
    rc = check_secret(secret, err);
  if(rc == CG_OK)
    rc = cg_webhook_parse_events(events, ev, sizeof(ev), err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_prepare(db, &st,
                        "INSERT INTO webhooks(url, secret, events) "
                        "VALUES(?1, ?2, ?3)",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, url, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, secret, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, ev, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc == CG_OK && id_out)
    *id_out = cg_store_last_rowid(db);
  return rc;
}

/* Runs sql with ?1 = id in a transaction; CG_ENOTFOUND if the first
 * statement changed nothing. */
static int update_endpoint(cg_store *db, int64_t id, const char *sql1,
                           const char *sql2, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_begin(db, err);

  if(rc != CG_OK)
    return rc;
  rc = cg_store_prepare(db, &st, sql1, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, id, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  st = NULL;
  if(rc == CG_OK && cg_store_changes(db) == 0)
    rc = cg_error_set(
        err, CG_ENOTFOUND,
        "no webhook with id %lld (chipgate webhook list shows the ids)",
        (long long)id);
  if(rc == CG_OK && sql2) {
    rc = cg_store_prepare(db, &st, sql2, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 1, id, err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
    cg_stmt_finalize(st);
  }
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    cg_store_rollback(db);
  return rc;
}

int cg_webhook_remove(cg_store *db, int64_t id, cg_error *err)
{
  return update_endpoint(
      db, id,
      "UPDATE webhooks SET removed_at = strftime('%Y-%m-%dT%H:%M:%SZ'), "
      "enabled = 0, disabled_reason = 'removed' "
      "WHERE id = ?1 AND removed_at IS NULL",
      "UPDATE deliveries SET status = 'cancelled' "
      "WHERE webhook_id = ?1 AND status = 'pending'",
      err);
}

int cg_webhook_enable(cg_store *db, int64_t id, cg_error *err)
{
  return update_endpoint(db, id,
                         "UPDATE webhooks SET enabled = 1, disabled_reason = "
                         "NULL WHERE id = ?1 AND removed_at IS NULL",
                         NULL, err);
}

/* Per endpoint: its delivery counts, its failed attempts (in all and
 * since its last 2xx), its newest failure and its next due attempt. */
#define LIST_SQL                                                              \
  "SELECT w.id, w.url, w.events, w.enabled, w.disabled_reason, "              \
  "w.created_at, "                                                            \
  "(SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND "         \
  "d.status = 'pending'), "                                                   \
  "(SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND "         \
  "d.status = 'delivered'), "                                                 \
  "(SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND "         \
  "d.status = 'failed'), "                                                    \
  "(SELECT count(*) FROM delivery_attempts a WHERE a.webhook_id = w.id AND "  \
  "a.error IS NOT NULL), "                                                    \
  "(SELECT count(*) FROM delivery_attempts a WHERE a.webhook_id = w.id AND "  \
  "a.error IS NOT NULL AND a.id > coalesce((SELECT max(b.id) FROM "           \
  "delivery_attempts b WHERE b.webhook_id = w.id AND b.error IS NULL), 0)), " \
  "f.error, f.at, f.status_code, "                                            \
  "(SELECT min(d.next_attempt_at) FROM deliveries d WHERE d.webhook_id = "    \
  "w.id AND d.status = 'pending') "                                           \
  "FROM webhooks w LEFT JOIN delivery_attempts f ON f.id = (SELECT "          \
  "max(a.id) "                                                                \
  "FROM delivery_attempts a WHERE a.webhook_id = w.id AND a.error IS NOT "    \
  "NULL) WHERE w.removed_at IS NULL ORDER BY w.id"

int cg_webhook_list(cg_store *db,
                    int (*x)(void *arg, const cg_webhook_info *info),
                    void *arg, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_webhook_info w;
  int rc;

  rc = cg_store_prepare(db, &st, LIST_SQL, err);
  if(rc != CG_OK)
    return rc;
  while((rc = cg_stmt_step(st, err)) == 1) {
    w.id = cg_stmt_int(st, 0);
    w.url = cg_stmt_text(st, 1);
    w.events = cg_stmt_text(st, 2);
    w.enabled = (int)cg_stmt_int(st, 3);
    w.disabled_reason = cg_stmt_text(st, 4);
    w.created_at = cg_stmt_text(st, 5);
    w.pending = cg_stmt_int(st, 6);
    w.delivered = cg_stmt_int(st, 7);
    w.failed = cg_stmt_int(st, 8);
    w.failed_attempts = cg_stmt_int(st, 9);
    w.failures_in_a_row = cg_stmt_int(st, 10);
    w.last_error = cg_stmt_is_null(st, 11) ? NULL : cg_stmt_text(st, 11);
    w.last_error_at = cg_stmt_is_null(st, 12) ? NULL : cg_stmt_text(st, 12);
    w.last_status_code = (long)cg_stmt_int(st, 13);
    w.next_attempt_at = cg_stmt_int(st, 14);
    rc = x(arg, &w);
    if(rc != 0)
      break;
  }
  cg_stmt_finalize(st);
  return rc < 0 ? rc : (rc == 0 ? CG_OK : rc);
}
