-- 0003: network sync state and the webhook outbox.
-- Times that drive scheduling are unix seconds (INTEGER); times shown to
-- people are ISO 8601 UTC text.

-- The version of each synced source now in use (one row per source):
-- what the publisher said (ETag, Last-Modified) and what we got (sha256 of
-- the body, number of entries). Updated in the same transaction as the
-- list swap, so it always describes the list in the database.
CREATE TABLE sync_sources(
  source        TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK(kind IN ('lists', 'orders')),
  url           TEXT NOT NULL,
  etag          TEXT,
  last_modified TEXT,
  sha256        TEXT NOT NULL CHECK(length(sha256) = 64),
  count         INTEGER NOT NULL CHECK(count >= 0),
  fetched_at    TEXT NOT NULL
) STRICT;

-- Webhook endpoints. The secret ("whsec_" + base64) lives only here: the
-- database is the trust boundary; it is never printed. A removed endpoint
-- is kept (removed_at set) so its delivery log stays readable.
CREATE TABLE webhooks(
  id              INTEGER PRIMARY KEY,
  url             TEXT NOT NULL,
  secret          TEXT NOT NULL CHECK(secret GLOB 'whsec_?*'),
  events          TEXT NOT NULL DEFAULT '*', -- '*' or comma-separated types
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK(enabled IN (0, 1)),
  disabled_reason TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),
  removed_at      TEXT
) STRICT;

-- Events, written in the same transaction as what caused them. msg_id is
-- the webhook-id header: the receiver's idempotency key.
CREATE TABLE outbox(
  id         INTEGER PRIMARY KEY,
  msg_id     TEXT NOT NULL UNIQUE,
  type       TEXT NOT NULL CHECK(type IN ('decision.made', 'party.hit',
                                          'list.updated')),
  data       TEXT NOT NULL, -- JSON object or array (checked on insert)
  created_at TEXT NOT NULL
) STRICT;

-- One row per event x endpoint subscribed when the event was written.
-- 'pending' rows are due at next_attempt_at; 'delivered' only after a 2xx;
-- 'failed' after the retry schedule (3 days) ran out; 'cancelled' when the
-- endpoint was removed.
CREATE TABLE deliveries(
  event_id         INTEGER NOT NULL REFERENCES outbox(id),
  webhook_id       INTEGER NOT NULL REFERENCES webhooks(id),
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK(status IN ('pending', 'delivered', 'failed',
                                    'cancelled')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK(attempts >= 0),
  next_attempt_at  INTEGER NOT NULL,
  last_status_code INTEGER,
  last_error       TEXT,
  delivered_at     TEXT,
  PRIMARY KEY(event_id, webhook_id)
) STRICT;
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at, event_id);

-- Every attempt, successful or not (status_code NULL = no HTTP response).
CREATE TABLE delivery_attempts(
  id          INTEGER PRIMARY KEY,
  event_id    INTEGER NOT NULL REFERENCES outbox(id),
  webhook_id  INTEGER NOT NULL REFERENCES webhooks(id),
  attempt     INTEGER NOT NULL CHECK(attempt > 0),
  at          TEXT NOT NULL,
  status_code INTEGER,
  error       TEXT,
  duration_ms INTEGER NOT NULL CHECK(duration_ms >= 0)
) STRICT;
