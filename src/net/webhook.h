/* webhook.h -- the event outbox and its signed delivery (Standard
 * Webhooks, https://www.standardwebhooks.com/).
 *
 * Events are written to the outbox by cg_webhook_enqueue in the caller's
 * transaction, with one delivery row per endpoint subscribed at that time.
 * cg_webhook_deliver POSTs due deliveries outside any transaction and
 * records each attempt afterwards: a delivery is marked delivered only
 * after a 2xx, so a crash between the POST and the commit sends it again
 * with the same webhook-id (the receiver's idempotency key). Failures are
 * retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h until
 * 3 days after the event, each with up to +20% jitter and never sooner
 * than a Retry-After; a 410 Gone disables the endpoint (its deliveries stay
 * pending and resume if it is re-enabled).
 *
 * Secrets ("whsec_" + base64 of 24..64 bytes) are stored in the database
 * and never returned by the listing API or put in messages. */
#ifndef CG_WEBHOOK_H
#define CG_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"
#include "core/http.h"
#include "core/store.h"

struct cg_json;

/* Event types. */
#define CG_EVENT_DECISION  "decision.made"
#define CG_EVENT_PARTY_HIT "party.hit"
#define CG_EVENT_LIST      "list.updated"

/* ===================== Outbox ===================== */

/* Writes an event of type (one of CG_EVENT_*) with data (a JSON object or
 * array, copied) to the outbox and schedules it for every enabled endpoint
 * subscribed to type (none when no endpoint is). Its webhook-id sorts by
 * time ("msg_" + 32 hex digits). Must be called INSIDE the caller's
 * transaction (it never begins or commits; CG_EINTERNAL if no transaction is
 * open) so the event exists exactly when what caused it does. An object gets
 * "audit_head": "SEQ:HASH" as its first member, the audit log's head as
 * the transaction sees it (unless it names one itself). *event_id_out
 * (may be NULL) gets the outbox id. */
int cg_webhook_enqueue(cg_store *db, const char *type, const char *data_json,
                       int64_t *event_id_out, cg_error *err);
/* The same for data already built in memory (no re-parse). */
int cg_webhook_enqueue_json(cg_store *db, const char *type,
                            const struct cg_json *data, int64_t *event_id_out,
                            cg_error *err);
/* The same for an object of len bytes that chipgate's own writer made
 * (a decision event cut from the decision's bytes, cg_decision_event):
 * canonical JSON without an audit_head, so it is not parsed again. */
int cg_webhook_enqueue_object(cg_store *db, const char *type, const char *obj,
                              size_t len, int64_t *event_id_out,
                              cg_error *err);

/* ===================== Endpoints ===================== */

/* Reads a secret file: one line "whsec_<base64>" (surrounding white space
 * ignored). *world_readable_out (may be NULL) is set to 1 if other users
 * may read the file, so the caller can warn. *out is malloc'ed; the caller
 * should wipe and free it. */
int cg_webhook_read_secret(const char *path, char **out,
                           int *world_readable_out, cg_error *err);

/* Makes a new secret ("whsec_" + base64 of 32 random bytes) and writes it
 * as one line to a new file path, created with mode 0600 (CG_EUSAGE if
 * path exists: a secret is never overwritten). *out (malloc'ed; wipe and
 * free it) gets the secret. On error nothing is left at path. */
int cg_webhook_new_secret(const char *path, char **out, cg_error *err);

/* Checks and normalises an event list (NULL, "*" or "all" = every event;
 * else comma-separated CG_EVENT_* names) into out ("*" or "a,b").
 * CG_EUSAGE naming the unknown event and the known ones. */
int cg_webhook_parse_events(const char *events, char *out, size_t size,
                            cg_error *err);

/* Adds an endpoint. events is NULL or "*" for all, else a comma-separated
 * list of CG_EVENT_* names. url must pass cg_http_check_url(url,
 * allow_http). *id_out (may be NULL) gets the new id. */
int cg_webhook_add(cg_store *db, const char *url, const char *secret,
                   const char *events, int allow_http, int64_t *id_out,
                   cg_error *err);

/* Removes an endpoint (kept for the log, marked removed; its pending
 * deliveries are cancelled). CG_ENOTFOUND if there is no such endpoint. */
int cg_webhook_remove(cg_store *db, int64_t id, cg_error *err);

/* Re-enables an endpoint disabled by a 410; pending deliveries resume. */
int cg_webhook_enable(cg_store *db, int64_t id, cg_error *err);

/* One endpoint as listed (no secret). Strings borrowed for the callback. */
typedef struct cg_webhook_info {
  int64_t id;                  /* endpoint id */
  const char *url;             /* where events are POSTed */
  const char *events;          /* "*" or comma list */
  int enabled;                 /* 0 after a 410 */
  const char *disabled_reason; /* NULL if enabled */
  const char *created_at;      /* ISO 8601 */
  int64_t pending;             /* deliveries waiting */
  int64_t delivered;           /* deliveries done */
  int64_t failed;              /* deliveries that ran out of retries */
  int64_t failed_attempts;     /* attempts that failed, in all */
  int64_t failures_in_a_row;   /* failed attempts since the last 2xx */
  const char *last_error;      /* the newest failed attempt's cause or NULL */
  const char *last_error_at;   /* its time (ISO 8601) or NULL */
  long last_status_code;       /* its HTTP status, 0 = none / no response */
  int64_t next_attempt_at;     /* unix seconds of the first pending
                                * delivery's next attempt, 0 if none */
} cg_webhook_info;

/* Calls x for each endpoint not removed, by id; a non-zero return from x
 * stops the walk and is returned. */
int cg_webhook_list(cg_store *db,
                    int (*x)(void *arg, const cg_webhook_info *info),
                    void *arg, cg_error *err);

/* ===================== Delivery ===================== */

/* Standard Webhooks signature "v1,<base64 HMAC-SHA256>" of
 * "msg_id.timestamp.body" keyed by the base64-decoded part of secret after
 * "whsec_". *out is malloc'ed. */
int cg_webhook_sign(const char *secret, const char *msg_id, int64_t timestamp,
                    const void *body, size_t len, char **out, cg_error *err);

/* Seconds to wait after the n-th failed attempt (n >= 1), before jitter. */
long cg_webhook_backoff(int n);

typedef struct cg_webhook_stats {
  int attempted; /* POSTs made */
  int delivered; /* 2xx */
  int failed;    /* non-2xx or transport error (rescheduled) */
  int given_up;  /* past the 3-day window: status failed */
  int disabled;  /* endpoints disabled by 410 */
  int remaining; /* deliveries still due when the run stopped */
  /* The first failed attempt: "POST <url, credentials masked>: cause"
   * (empty if none). Never holds the secret or the signature. */
  char first_error[700];
} cg_webhook_stats;

/* One attempt as cg_webhook_deliver_each reports it (strings borrowed
 * for the callback; never the secret or the signature). */
typedef struct cg_webhook_attempt {
  int64_t webhook_id;   /* endpoint id */
  int64_t event_id;     /* outbox id */
  const char *msg_id;   /* webhook-id header */
  const char *type;     /* event type */
  int attempt;          /* 1 for the first attempt of this delivery */
  const char *url;      /* the endpoint, credentials masked */
  const char *at;       /* when it was made, ISO 8601 */
  long status;          /* HTTP status, 0 = no HTTP response */
  const char *body;     /* the start of a failed response's body, one
                         * line of printable text ("" if none), or NULL */
  const char *error;    /* why it failed (the HTTP status and body start,
                         * or the transport error), NULL if delivered */
  long duration_ms;     /* time the POST took */
  long retry_after;     /* the receiver's Retry-After in seconds, -1 none */
  const char *outcome;  /* "delivered", "retry" (next_attempt set),
                         * "given_up" (3-day window over) or "disabled"
                         * (410: the endpoint is off until enabled) */
  int64_t next_attempt; /* unix seconds of the retry, 0 if none */
} cg_webhook_attempt;

/* Delivers due events. now is the clock (unix seconds; 0 = time(NULL)),
 * injectable for tests; max_time_s > 0 stops starting new attempts after
 * that many seconds; http carries the transport options (timeouts, CA).
 * Returns CG_OK when every attempt was recorded (failures of the receiver
 * are counted in *stats, not errors); a database error is returned. */
int cg_webhook_deliver(cg_store *db, cg_http *http, time_t now,
                       long max_time_s, cg_webhook_stats *stats,
                       cg_error *err);

/* cg_webhook_deliver that also calls each(arg, attempt) (may be NULL)
 * after each attempt is recorded; a non-zero return stops the run and is
 * returned. */
int cg_webhook_deliver_each(cg_store *db, cg_http *http, time_t now,
                            long max_time_s,
                            int (*each)(void *arg,
                                        const cg_webhook_attempt *a),
                            void *arg, cg_webhook_stats *stats, cg_error *err);

#endif
