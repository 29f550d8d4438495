/* webhook_deliver.c -- delivery of the outbox: claim a due delivery,
 * sign and POST it, record the attempt and schedule the retry; see
 * webhook.h. The outbox and endpoints are in webhook.c. */
#include "net/webhook.h"

#include "core/clock.h"
#include "core/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEASE_S            300              /* a claimed delivery's lease */
#define WINDOW_S           (3L * 24 * 3600) /* retry for 3 days after the event */
#define ATTEMPT_TIMEOUT_MS 30000L           /* one POST at most */

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

/* What one attempt's outcome makes of its delivery. */
typedef struct next_step {
  const char *status; /* "pending", "delivered" or "failed" */
  int64_t next;       /* next_attempt_at, unix seconds */
} next_step;

/* Decides the delivery's new status and next attempt after an attempt
 * that got status (0 = no HTTP response), and counts it in stats. A
 * failure is retried after the backoff (with jitter, never sooner than
 * Retry-After) unless that falls past the event's retry window. */
static next_step plan_next(const job *j, time_t now, long status,
                           long retry_after, cg_webhook_stats *stats)
{
  next_step s = { "pending", (int64_t)now };

  if(status >= 200 && status < 300) {
    s.status = "delivered";
    stats->delivered++;
  }
  else if(status == 410) {
    stats->disabled++;
    stats->failed++;
  }
  else {
    long delay = jitter(cg_webhook_backoff(j->attempts + 1));

    if(retry_after > delay)
      delay = retry_after < WINDOW_S ? retry_after : WINDOW_S;
    s.next = (int64_t)now + delay;
    stats->failed++;
    if(s.next > j->created_s + WINDOW_S) {
      s.status = "failed";
      stats->given_up++;
    }
  }
  return s;
}

/* Appends the attempt to delivery_attempts. */
static int insert_attempt(cg_store *db, const job *j, const char *at,
                          long status, const char *error, long ms,
                          cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "INSERT INTO delivery_attempts(event_id, "
                           "webhook_id, attempt, at, status_code, error, "
                           "duration_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, j->event_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, j->webhook_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, j->attempts + 1, err);
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
  return rc;
}

/* Moves the delivery to its next step. */
static int update_delivery(cg_store *db, const job *j, const next_step *s,
                           const char *at, long status, const char *error,
                           cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(
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
    rc = cg_stmt_bind_text(st, 3, s->status, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 4, j->attempts + 1, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 5, s->next, err);
  if(rc == CG_OK)
    rc = status ? cg_stmt_bind_int(st, 6, status, err)
                : cg_stmt_bind_null(st, 6, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 7, error, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, at, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

/* A 410 Gone: the endpoint is disabled until cg_webhook_enable. */
static int disable_endpoint(cg_store *db, int64_t webhook_id, const char *at,
                            cg_error *err)
{
  char reason[64];
  cg_stmt *st = NULL;
  int rc;

  snprintf(reason, sizeof(reason), "410 Gone at %s", at);
  rc = cg_store_cached(db, &st,
                       "UPDATE webhooks SET enabled = 0, "
                       "disabled_reason = ?2 WHERE id = ?1",
                       err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, webhook_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, reason, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

/* Records the outcome of one attempt in a transaction (*step gets what
 * it made of the delivery). status 0 = no HTTP response. */
static int record(cg_store *db, const job *j, time_t now, long status,
                  long retry_after, const char *error, long ms,
                  cg_webhook_stats *stats, next_step *step, cg_error *err)
{
  char at[21];
  next_step s;
  int rc;

  cg_clock_iso(now, at);
  s = plan_next(j, now, status, retry_after, stats);
  *step = s;
  rc = cg_store_begin(db, err);
  if(rc != CG_OK)
    return rc;
  rc = insert_attempt(db, j, at, status, error, ms, err);
  if(rc == CG_OK)
    rc = update_delivery(db, j, &s, at, status, error, err);
  if(rc == CG_OK && status == 410)
    rc = disable_endpoint(db, j->webhook_id, at, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    cg_store_rollback(db);
  return rc;
}

#define BODY_SHOWN 120 /* bytes of a failed response's body in its error */

/* The start of a response body as one line a person can read: control
 * characters and invalid bytes become '?', runs of white space one blank,
 * cut at BODY_SHOWN bytes (with "..."). */
static void body_start(const char *body, size_t len, char *out, size_t size)
{
  size_t i, o = 0;
  int blank = 1;

  for(i = 0; i < len && o + 4 < size && o < BODY_SHOWN; i++) {
    unsigned char c = (unsigned char)body[i];

    if(c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if(!blank)
        out[o++] = ' ';
      blank = 1;
      continue;
    }
    out[o++] = c < 0x20 || c == 0x7f || c >= 0x80 ? '?' : (char)c;
    blank = 0;
  }
  while(o > 0 && out[o - 1] == ' ')
    o--;
  if(i < len && o + 4 <= size) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
}

/* POSTs one job; fills status (0 if no response), retry_after, error and
 * (for an answer that is not a 2xx) the start of its body. */
static void post(cg_http *http, const job *j, time_t now, long *status,
                 long *retry_after, long *ms, char *error, size_t esize,
                 char *shown_body, size_t bsize)
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
  shown_body[0] = '\0';
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
    if(resp.status < 200 || resp.status >= 300) {
      char shown[1024];

      body_start(resp.body ? resp.body : "", resp.body ? resp.len : 0,
                 shown_body, bsize);
      /* The endpoint's URL may carry credentials: masked. */
      snprintf(error, esize, "POST %s: HTTP %ld%s%s%s",
               cg_http_redact(j->url, shown, sizeof(shown)), resp.status,
               shown_body[0] ? ", body \"" : " (empty body)", shown_body,
               shown_body[0] ? "\"" : "");
    }
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

/* Tells each about the attempt just recorded. */
static int report(const job *j, time_t now, long status, long retry_after,
                  const char *error, const char *body, long ms,
                  const next_step *s,
                  int (*each)(void *, const cg_webhook_attempt *), void *arg)
{
  cg_webhook_attempt a;
  char at[21], url[1024];
  int ok = status >= 200 && status < 300;

  cg_clock_iso(now, at);
  memset(&a, 0, sizeof(a));
  a.webhook_id = j->webhook_id;
  a.event_id = j->event_id;
  a.msg_id = j->msg_id;
  a.type = j->type;
  a.attempt = j->attempts + 1;
  a.url = cg_http_redact(j->url, url, sizeof(url));
  a.at = at;
  a.status = status;
  a.body = status && !ok ? body : NULL;
  a.error = ok ? NULL : error;
  a.duration_ms = ms;
  a.retry_after = retry_after;
  a.outcome = ok                                 ? "delivered"
              : status == 410                    ? "disabled"
              : strcmp(s->status, "failed") == 0 ? "given_up"
                                                 : "retry";
  a.next_attempt = strcmp(a.outcome, "retry") == 0 ? s->next : 0;
  return each(arg, &a);
}

int cg_webhook_deliver(cg_store *db, cg_http *http, time_t now,
                       long max_time_s, cg_webhook_stats *stats, cg_error *err)
{
  return cg_webhook_deliver_each(db, http, now, max_time_s, NULL, NULL, stats,
                                 err);
}

/* Adds an endpoint that failed to skip (a JSON array of ids): it is not
 * tried again in this run; its other deliveries wait for their own
 * schedule. */
static void skip_endpoint(char *skip, size_t size, int64_t id)
{
  size_t n = strlen(skip);

  if(n + 24 < size)
    snprintf(skip + n - 1, size - n + 1, "%s%lld]", n > 2 ? "," : "",
             (long long)id);
}

int cg_webhook_deliver_each(cg_store *db, cg_http *http, time_t now,
                            long max_time_s,
                            int (*each)(void *, const cg_webhook_attempt *),
                            void *arg, cg_webhook_stats *stats, cg_error *err)
{
  time_t t0 = time(NULL), base = now ? now : t0, cur;
  char skip[1024] = "[]", error[sizeof(((cg_error *)0)->msg)];
  char body[BODY_SHOWN + 8];
  long timeout0 = cg_http_set_timeout(http, ATTEMPT_TIMEOUT_MS);
  long status, retry_after, ms;
  int64_t due = 0;
  next_step s;
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
    post(http, &j, cur, &status, &retry_after, &ms, error, sizeof(error), body,
         sizeof(body));
    stats->attempted++;
    rc = record(db, &j, cur, status, retry_after, error[0] ? error : NULL, ms,
                stats, &s, err);
    if(error[0] && !stats->first_error[0])
      snprintf(stats->first_error, sizeof(stats->first_error), "%s", error);
    if(rc == CG_OK && (status < 200 || status >= 300))
      skip_endpoint(skip, sizeof(skip), j.webhook_id);
    if(rc == CG_OK && each)
      rc =
          report(&j, cur, status, retry_after, error, body, ms, &s, each, arg);
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
