-- 0004: batches and the append-only, hash-chained decision log.

CREATE TABLE batches(
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  as_of       TEXT,            -- NULL: each order at its own ship date
  ruleset     TEXT NOT NULL,   -- sha256:... of the rule pack
  lists       TEXT,            -- list version used for screening
  mfu         REAL NOT NULL CHECK(mfu > 0 AND mfu <= 1),
  decided     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- hash = SHA-256(prev_hash || doc), hex; the first prev_hash is 64 zeros.
-- doc is the canonical JSON of the decision (sorted keys, compact).
CREATE TABLE decisions(
  seq        INTEGER PRIMARY KEY,
  order_id   INTEGER NOT NULL UNIQUE REFERENCES orders(id),
  batch_id   INTEGER REFERENCES batches(id),
  decision   TEXT NOT NULL CHECK(decision IN ('nlr', 'exception', 'licensed',
               'notify', 'hold', 'license_required', 'deny')),
  decided_at TEXT NOT NULL,
  doc        TEXT NOT NULL,
  prev_hash  TEXT NOT NULL CHECK(length(prev_hash) = 64),
  hash       TEXT NOT NULL CHECK(length(hash) = 64)
) STRICT;
CREATE INDEX decisions_by_batch ON decisions(batch_id, seq);

CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
  SELECT RAISE(ABORT, 'decisions are append-only');
END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
  SELECT RAISE(ABORT, 'decisions are append-only');
END;

-- Licence draw-downs are part of the record too.
CREATE TRIGGER license_usage_no_update BEFORE UPDATE ON license_usage
BEGIN
  SELECT RAISE(ABORT, 'license usage is append-only');
END;
CREATE TRIGGER license_usage_no_delete BEFORE DELETE ON license_usage
BEGIN
  SELECT RAISE(ABORT, 'license usage is append-only');
END;
