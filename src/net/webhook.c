/* webhook.c -- see webhook.h. */
#include "net/webhook.h"

#include "core/clock.h"

#include "core/crypto.h"
#include "core/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LEASE_S            300              /* a claimed delivery's lease */
#define WINDOW_S           (3L * 24 * 3600) /* retry for 3 days after the event */
#define ATTEMPT_TIMEOUT_MS 30000L           /* one POST at most */
#define SECRET_MIN         24               /* decoded secret bytes */
#define SECRET_MAX         64

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

/* Writes an event whose data is known to be a JSON object or array. */
static int enqueue_text(cg_store *db, const char *type, const char *data_json,
                        int64_t *event_id_out, cg_error *err)
{
  unsigned char rnd[16];
  char msg_id[4 + 32 + 1], created[21];
  cg_stmt *st = NULL;
  int64_t id;
  int rc;

  if(!cg_store_in_transaction(db))
    return cg_error_set(err, CG_EINTERNAL,
                        "webhook enqueue outside a transaction");
  if(!type || !known_type(type, strlen(type)))
    return cg_error_set(err, CG_EINVAL, "unknown event type \"%s\"",
                        type ? type : "(null)");
  rc = cg_random_bytes(rnd, sizeof(rnd), err);
  if(rc != CG_OK)
    return rc;
  memcpy(msg_id, "msg_", 4);
  for(size_t i = 0; i < sizeof(rnd); i++)
    snprintf(msg_id + 4 + 2 * i, 3, "%02x", rnd[i]);
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

int cg_webhook_enqueue(cg_store *db, const char *type, const char *data_json,
                       int64_t *event_id_out, cg_error *err)
{
  cg_json *v = NULL;
  int rc = cg_json_parse(&v, data_json, strlen(data_json), "event data", err);

  if(rc != CG_OK)
    return rc;
  rc = cg_json_type(v);
  cg_json_free(v);
  if(rc != CG_JSON_OBJECT && rc != CG_JSON_ARRAY)
    return cg_error_set(err, CG_EINVAL,
                        "event data must be a JSON object or array");
  return enqueue_text(db, type, data_json, event_id_out, err);
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
    rc = enqueue_text(db, type, text, event_id_out, err);
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

/* Normalises an event list into out ("*" or "a,b"). */
static int parse_events(const char *events, char *out, size_t size,
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
    rc = parse_events(events, ev, sizeof(ev), err);
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
    rc = cg_error_set(err, CG_ENOTFOUND, "no webhook with id %lld",
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

int cg_webhook_list(cg_store *db,
                    int (*x)(void *arg, const cg_webhook_info *info),
                    void *arg, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_webhook_info w;
  int rc;

  rc = cg_store_prepare(
      db, &st,
      "SELECT w.id, w.url, w.events, w.enabled, w.disabled_reason, "
      "w.created_at, "
      "(SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND "
      "d.status = 'pending'), "
      "(SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND "
      "d.status = 'delivered'), "
      "(SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND "
      "d.status = 'failed') "
      "FROM webhooks w WHERE w.removed_at IS NULL ORDER BY w.id",
      err);
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
    rc = x(arg, &w);
    if(rc != 0)
      break;
  }
  cg_stmt_finalize(st);
  return rc < 0 ? rc : (rc == 0 ? CG_OK : rc);
}

/* ===================== Signing ===================== */

int cg_webhook_sign(const char *secret, const char *msg_id, int64_t timestamp,
                    const void *body, size_t len, char **out, cg_error *err)
{
  unsigned char *key = NULL, mac[32];
  size_t key_len = 0, head_len, msg_len;
  char head[160], *msg = NULL, *b64 = NULL;
  int rc;

  *out = NULL;
  if(strncmp(secret, "whsec_", 6) != 0)
    return cg_error_set(err, CG_EINVAL,
                        "webhook secret must start with \"whsec_\"");
  rc = cg_base64_decode(&key, &key_len, secret + 6, NULL);
  if(rc != CG_OK)
    return cg_error_set(err, CG_EINVAL, "webhook secret is not base64");
  head_len = (size_t)snprintf(head, sizeof(head), "%s.%lld.", msg_id,
                              (long long)timestamp);
  if(head_len >= sizeof(head)) {
    rc = cg_error_set(err, CG_EINVAL, "webhook id too long");
    goto done;
  }
  msg_len = head_len + len;
  msg = malloc(msg_len ? msg_len : 1);
  if(!msg) {
    rc = cg_error_set(err, CG_ENOMEM, "out of memory");
    goto done;
  }
  memcpy(msg, head, head_len);
  if(len)
    memcpy(msg + head_len, body, len);
  rc = cg_hmac_sha256(key, key_len, msg, msg_len, mac, err);
  if(rc == CG_OK)
    rc = cg_base64_encode(&b64, mac, sizeof(mac), err);
  if(rc == CG_OK) {
    size_t n = strlen(b64) + 4;

    *out = malloc(n);
    if(!*out)
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
    else
      snprintf(*out, n, "v1,%s", b64);
  }
done:
  if(key) {
    memset(key, 0, key_len);
    free(key);
  }
  memset(mac, 0, sizeof(mac));
  free(msg);
  free(b64);
  return rc;
}

/* ===================== Delivery ===================== */

long cg_webhook_backoff(int n)
{
  static const long schedule[] = { 5,        5 * 60,   30 * 60,
                                   2 * 3600, 5 * 3600, 10 * 3600 };
  const int k = (int)(sizeof(schedule) / sizeof(schedule[0]));

  if(n < 1)
    return 0;
  return n <= k ? schedule[n - 1] : schedule[k - 1];
}

/* delay * [1.0, 1.2): spreads retries so endpoints are not stampeded. */
static long jitter(long delay)
{
  unsigned short r = 0;

  if(cg_random_bytes(&r, sizeof(r), NULL) != CG_OK)
    r = 0;
  return delay + (long)((double)delay * 0.2 * (double)r / 65536.0);
}

/* One claimed delivery (strings malloc'ed). */
typedef struct job {
  int64_t event_id;   /* outbox id */
  int64_t webhook_id; /* endpoint id */
  int attempts;       /* attempts made before this one */
  int64_t created_s;  /* event time, unix seconds */
  char *msg_id;       /* webhook-id */
  char *type;         /* event type */
  char *data;         /* event data JSON */
  char *created;      /* event time, ISO 8601 */
  char *url;          /* endpoint */
  char *secret;       /* endpoint secret */
} job;

static void job_free(job *j)
{
  free(j->msg_id);
  free(j->type);
  free(j->data);
  free(j->created);
  free(j->url);
  if(j->secret) {
    memset(j->secret, 0, strlen(j->secret));
    free(j->secret);
  }
  memset(j, 0, sizeof(*j));
}

/* Claims the next due delivery (lease LEASE_S) not to an endpoint in skip
 * (JSON array of ids). 1 = *j filled, 0 = none due, <0 error. */
static int claim(cg_store *db, time_t now, const char *skip, job *j,
                 cg_error *err)
{
  cg_stmt *st = NULL;
  int rc, found = 0;

  memset(j, 0, sizeof(*j));
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_cached(
      db, &st,
      "SELECT d.event_id, d.webhook_id, d.attempts, "
      "CAST(strftime('%s', o.created_at) AS INTEGER), o.msg_id, o.type, "
      "o.data, o.created_at, w.url, w.secret "
      "FROM deliveries d JOIN outbox o ON o.id = d.event_id "
      "JOIN webhooks w ON w.id = d.webhook_id "
      "WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 "
      "AND w.enabled = 1 AND w.removed_at IS NULL "
      "AND d.webhook_id NOT IN (SELECT value FROM json_each(?2)) "
      "ORDER BY d.next_attempt_at, d.event_id LIMIT 1",
      err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, (int64_t)now, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, skip, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    found = 1;
    j->event_id = cg_stmt_int(st, 0);
    j->webhook_id = cg_stmt_int(st, 1);
    j->attempts = (int)cg_stmt_int(st, 2);
    j->created_s = cg_stmt_int(st, 3);
    j->msg_id = cg_stmt_strdup(st, 4);
    j->type = cg_stmt_strdup(st, 5);
    j->data = cg_stmt_strdup(st, 6);
    j->created = cg_stmt_strdup(st, 7);
    j->url = cg_stmt_strdup(st, 8);
    j->secret = cg_stmt_strdup(st, 9);
    rc = (j->msg_id && j->type && j->data && j->created && j->url && j->secret)
             ? CG_OK
             : cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  if(st)
    cg_stmt_reset(st);
  if(rc == CG_OK && found) {
    rc = cg_store_cached(db, &st,
                         "UPDATE deliveries SET next_attempt_at = ?3 "
                         "WHERE event_id = ?1 AND webhook_id = ?2",
                         err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 1, j->event_id, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 2, j->webhook_id, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 3, (int64_t)now + LEASE_S, err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
  }
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK) {
    cg_store_rollback(db);
    job_free(j);
    return rc;
  }
  return found;
}

/* The Standard Webhooks payload {"type","timestamp","data"}. */
static char *build_body(const job *j, size_t *len_out)
{
  size_t n = strlen(j->type) + strlen(j->created) + strlen(j->data) + 64;
  char *b = malloc(n);

  if(!b)
    return NULL;
  /* type and created_at are CHECKed/generated: no characters to escape;
   * data was checked to be JSON by cg_webhook_enqueue. */
  *len_out = (size_t)snprintf(b, n,
                              "{\"type\":\"%s\",\"timestamp\":\"%s\","
                              "\"data\":%s}",
                              j->type, j->created, j->data);
  return b;
}

/* Records the outcome of one attempt in a transaction. status 0 = no HTTP
 * response. */
static int record(cg_store *db, const job *j, time_t now, long status,
                  long retry_after, const char *error, long ms,
                  cg_webhook_stats *stats, cg_error *err)
{
  char at[21];
  cg_stmt *st = NULL;
  int attempt = j->attempts + 1;
  const char *new_status = "pending";
  int64_t next = (int64_t)now;
  int rc;

  cg_clock_iso(now, at);
  if(status >= 200 && status < 300) {
    new_status = "delivered";
    stats->delivered++;
  }
  else if(status == 410) {
    stats->disabled++;
    stats->failed++;
  }
  else {
    long delay = jitter(cg_webhook_backoff(attempt));

    if(retry_after > delay)
      delay = retry_after < WINDOW_S ? retry_after : WINDOW_S;
    next = (int64_t)now + delay;
    stats->failed++;
    if(next > j->created_s + WINDOW_S) {
      new_status = "failed";
      stats->given_up++;
    }
  }

  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_cached(db, &st,
                       "INSERT INTO delivery_attempts(event_id, webhook_id, "
                       "attempt, at, status_code, error, duration_ms) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, j->event_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, j->webhook_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, attempt, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, at, err);
  if(rc == CG_OK)
    rc = status ? cg_stmt_bind_int(st, 5, status, err)
                : cg_stmt_bind_null(st, 5, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, error, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 7, ms < 0 ? 0 : ms, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);

  if(rc == CG_OK)
    rc = cg_store_cached(
        db, &st,
        "UPDATE deliveries SET status = ?3, attempts = ?4, "
        "next_attempt_at = ?5, last_status_code = ?6, last_error = ?7, "
        "delivered_at = CASE WHEN ?3 = 'delivered' THEN ?8 END "
        "WHERE event_id = ?1 AND webhook_id = ?2",
        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, j->event_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, j->webhook_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, new_status, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 4, attempt, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 5, next, err);
  if(rc == CG_OK)
    rc = status ? cg_stmt_bind_int(st, 6, status, err)
                : cg_stmt_bind_null(st, 6, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 7, error, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, at, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);

  if(rc == CG_OK && status == 410) {
    char reason[64];

    snprintf(reason, sizeof(reason), "410 Gone at %s", at);
    rc = cg_store_cached(db, &st,
                         "UPDATE webhooks SET enabled = 0, "
                         "disabled_reason = ?2 WHERE id = ?1",
                         err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_int(st, 1, j->webhook_id, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 2, reason, err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
  }
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    cg_store_rollback(db);
  return rc;
}

/* POSTs one job; fills status (0 if no response), retry_after, error. */
static void post(cg_http *http, const job *j, time_t now, long *status,
                 long *retry_after, long *ms, char *error, size_t esize)
{
  char h_id[128], h_ts[64], h_sig[160];
  const char *hdrs[] = { "Content-Type: application/json", h_id, h_ts, h_sig,
                         NULL };
  cg_http_response resp = { 0 };
  cg_error e = { 0 };
  char *body = NULL, *sig = NULL;
  size_t len = 0;
  int rc;

  *status = 0;
  *retry_after = -1;
  *ms = 0;
  error[0] = '\0';
  body = build_body(j, &len);
  if(!body) {
    snprintf(error, esize, "out of memory");
    return;
  }
  rc =
      cg_webhook_sign(j->secret, j->msg_id, (int64_t)now, body, len, &sig, &e);
  if(rc != CG_OK) {
    snprintf(error, esize, "%s", e.msg);
    free(body);
    return;
  }
  snprintf(h_id, sizeof(h_id), "webhook-id: %s", j->msg_id);
  snprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", (long long)now);
  snprintf(h_sig, sizeof(h_sig), "webhook-signature: %s", sig);
  rc = cg_http_post(http, j->url, hdrs, body, len, &resp, &e);
  if(rc == CG_OK) {
    *status = resp.status;
    *retry_after = resp.retry_after_s;
    *ms = resp.elapsed_ms;
    if(resp.status < 200 || resp.status >= 300)
      snprintf(error, esize, "HTTP %ld", resp.status);
  }
  else
    snprintf(error, esize, "%s", e.msg);
  cg_http_response_free(&resp);
  memset(h_sig, 0, sizeof(h_sig));
  free(sig);
  free(body);
}

static int count_due(cg_store *db, time_t now, int64_t *out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT count(*) FROM deliveries d JOIN webhooks "
                           "w ON w.id = d.webhook_id WHERE d.status = "
                           "'pending' AND d.next_attempt_at <= ?1 AND "
                           "w.enabled = 1 AND w.removed_at IS NULL",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, (int64_t)now, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1) {
    *out = cg_stmt_int(st, 0);
    rc = CG_OK;
  }
  if(st)
    cg_stmt_reset(st);
  return rc;
}

int cg_webhook_deliver(cg_store *db, cg_http *http, time_t now,
                       long max_time_s, cg_webhook_stats *stats, cg_error *err)
{
  time_t t0 = time(NULL), base = now ? now : t0, cur;
  char skip[1024] = "[]", error[sizeof(((cg_error *)0)->msg)];
  long timeout0 = cg_http_set_timeout(http, ATTEMPT_TIMEOUT_MS);
  long status, retry_after, ms;
  int64_t due = 0;
  job j;
  int rc;

  memset(stats, 0, sizeof(*stats));
  if(timeout0 > ATTEMPT_TIMEOUT_MS)
    timeout0 = ATTEMPT_TIMEOUT_MS;
  for(;;) {
    long left = max_time_s > 0 ? max_time_s - (long)(time(NULL) - t0) : -1;

    cur = base + (time(NULL) - t0);
    if(max_time_s > 0 && left <= 0)
      break;
    rc = claim(db, cur, skip, &j, err);
    if(rc < 0)
      goto done;
    if(rc == 0)
      break;
    cg_http_set_timeout(http, left > 0 && left * 1000 < timeout0 ? left * 1000
                                                                 : timeout0);
    post(http, &j, cur, &status, &retry_after, &ms, error, sizeof(error));
    stats->attempted++;
    rc = record(db, &j, cur, status, retry_after, error[0] ? error : NULL, ms,
                stats, err);
    /* An endpoint that failed is not tried again in this run: its other
     * deliveries wait for their own schedule. */
    if(rc == CG_OK && (status < 200 || status >= 300)) {
      size_t n = strlen(skip);

      if(n + 24 < sizeof(skip))
        snprintf(skip + n - 1, sizeof(skip) - n + 1, "%s%lld]",
                 n > 2 ? "," : "", (long long)j.webhook_id);
    }
    job_free(&j);
    if(rc != CG_OK)
      goto done;
  }
  rc = count_due(db, base + (time(NULL) - t0), &due, err);
  stats->remaining = (int)due;
done:
  cg_http_set_timeout(http, timeout0);
  return rc;
}
