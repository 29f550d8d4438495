-- 0009: the order lifecycle. An order has a history: every decision, and
-- every step a person takes on it (a review, a NAC filing or objection, a
-- shipment, a cancellation), is one entry of a single hash chain, the
-- audit log (table decisions). Nothing is updated or deleted; the order's
-- current state is kept on the order and follows from its newest entries.

-- The chain keeps its name, decisions, though it now holds every step.
-- hash = SHA-256(prev_hash || doc), hex; the first prev_hash is 64 zeros.
-- doc is the entry's canonical JSON; every other column is also in doc,
-- so `audit verify` can check each against the hashed bytes.
CREATE TABLE decisions_v2(
  seq       INTEGER PRIMARY KEY,
  order_id  INTEGER NOT NULL REFERENCES orders(id),
  kind      TEXT NOT NULL CHECK(kind IN ('decision', 'review', 'nac_filed',
              'nac_objection', 'shipment', 'cancel')),
  batch_id  INTEGER REFERENCES batches(id),
  -- kind decision: its outcome; otherwise NULL
  decision  TEXT CHECK(decision IS NULL OR decision IN ('nlr', 'exception',
              'licensed', 'notify', 'hold', 'license_required', 'deny')),
  decided_at TEXT NOT NULL,  -- when the entry was recorded (any kind)
  doc       TEXT NOT NULL,
  prev_hash TEXT NOT NULL CHECK(length(prev_hash) = 64),
  hash      TEXT NOT NULL CHECK(length(hash) = 64),
  CHECK((kind = 'decision') = (decision IS NOT NULL))
) STRICT;

-- The decisions recorded so far keep their seq, bytes and hashes.
INSERT INTO decisions_v2(seq, order_id, kind, batch_id, decision,
                         decided_at, doc, prev_hash, hash)
  SELECT seq, order_id, 'decision', batch_id, decision, decided_at, doc,
         prev_hash, hash
  FROM decisions ORDER BY seq;
DROP TABLE decisions;
ALTER TABLE decisions_v2 RENAME TO decisions;

CREATE INDEX decisions_by_order ON decisions(order_id, seq);
CREATE INDEX decisions_by_batch ON decisions(batch_id, seq);
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
  SELECT RAISE(ABORT, 'decisions are append-only');
END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
  SELECT RAISE(ABORT, 'decisions are append-only');
END;

-- Where an order stands: pending (never decided), open (its current
-- decision is notify, hold, license_required or deny), releasable (nlr,
-- exception, licensed, or a hold released by review), shipped, cancelled.
-- current_seq is its newest decision; inputs the digest of what that
-- decision read (re-decided when it changes).
ALTER TABLE orders ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
  CHECK(state IN ('pending', 'open', 'releasable', 'shipped', 'cancelled'));
ALTER TABLE orders ADD COLUMN current_seq INTEGER REFERENCES decisions(seq);
ALTER TABLE orders ADD COLUMN inputs TEXT;
UPDATE orders SET
  current_seq = (SELECT max(seq) FROM decisions a WHERE a.order_id = orders.id
                 AND a.kind = 'decision'),
  state = CASE (SELECT decision FROM decisions a WHERE a.order_id = orders.id
                AND a.kind = 'decision' ORDER BY seq DESC LIMIT 1)
            WHEN 'nlr' THEN 'releasable' WHEN 'exception' THEN 'releasable'
            WHEN 'licensed' THEN 'releasable' WHEN 'notify' THEN 'open'
            WHEN 'hold' THEN 'open' WHEN 'license_required' THEN 'open'
            WHEN 'deny' THEN 'open' ELSE 'pending' END;
CREATE INDEX orders_by_state ON orders(state, order_id);

-- Licence draw-downs follow the current decision: a decision that stops
-- being current returns what it drew (a negative row). Rows name the log
-- entry that drew or returned; append-only like the log.
CREATE TABLE license_usage_v2(
  id         INTEGER PRIMARY KEY,
  license_id INTEGER NOT NULL REFERENCES licenses(id),
  order_id   INTEGER NOT NULL REFERENCES orders(id),
  quantity   INTEGER NOT NULL CHECK(quantity != 0),
  seq        INTEGER REFERENCES decisions(seq)
) STRICT;
INSERT INTO license_usage_v2(license_id, order_id, quantity, seq)
  SELECT u.license_id, u.order_id, u.quantity,
         (SELECT max(seq) FROM decisions a WHERE a.order_id = u.order_id)
  FROM license_usage u;
DROP TABLE license_usage;
ALTER TABLE license_usage_v2 RENAME TO license_usage;
CREATE INDEX license_usage_by_license ON license_usage(license_id);
CREATE INDEX license_usage_by_order ON license_usage(order_id);
CREATE TRIGGER license_usage_no_update BEFORE UPDATE ON license_usage
BEGIN
  SELECT RAISE(ABORT, 'license usage is append-only');
END;
CREATE TRIGGER license_usage_no_delete BEFORE DELETE ON license_usage
BEGIN
  SELECT RAISE(ABORT, 'license usage is append-only');
END;
