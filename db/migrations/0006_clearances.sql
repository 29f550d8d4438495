-- 0006: clearances of screening hits with reviewers and history
-- (src/screen/clearances.c).
--
-- A clearance says that a person (the reviewer) looked at a hit of a
-- customer (or its parent) on a list entry and found it a false positive.
-- It holds while the entry's content hash is unchanged and it is not
-- revoked. A possible hit needs one clearance; a sure hit needs two by
-- different reviewers (the two-person rule, decided when the hit is
-- screened). Rows are never changed or deleted: a revocation is a row of
-- its own, so the history of who cleared and revoked what stays whole.

CREATE TABLE clearances(
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customers(id),
  entry_id     TEXT NOT NULL CHECK(length(entry_id) > 0),
  content_hash TEXT NOT NULL,
  reviewer     TEXT NOT NULL CHECK(length(reviewer) > 0),
  reason       TEXT NOT NULL CHECK(length(reason) > 0),
  cleared_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ'))
) STRICT;
CREATE INDEX clearances_hit ON clearances(customer_id, entry_id, content_hash);

CREATE TABLE clearance_revocations(
  clearance_id INTEGER PRIMARY KEY REFERENCES clearances(id),
  reviewer     TEXT NOT NULL CHECK(length(reviewer) > 0),
  reason       TEXT NOT NULL CHECK(length(reason) > 0),
  revoked_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ'))
) STRICT;

-- Append-only: the database refuses to rewrite history.
CREATE TRIGGER clearances_no_update BEFORE UPDATE ON clearances
BEGIN SELECT RAISE(ABORT, 'clearances are append-only'); END;
CREATE TRIGGER clearances_no_delete BEFORE DELETE ON clearances
BEGIN SELECT RAISE(ABORT, 'clearances are append-only'); END;
CREATE TRIGGER clearance_revocations_no_update
BEFORE UPDATE ON clearance_revocations
BEGIN SELECT RAISE(ABORT, 'clearance revocations are append-only'); END;
CREATE TRIGGER clearance_revocations_no_delete
BEFORE DELETE ON clearance_revocations
BEGIN SELECT RAISE(ABORT, 'clearance revocations are append-only'); END;

-- The clearances before 0006 named no reviewer: they are kept, as one
-- reviewer's, so a sure hit they cleared needs a second person now.
INSERT INTO clearances(customer_id, entry_id, content_hash, reviewer, reason,
                       cleared_at)
  SELECT customer_id, entry_id, content_hash, '(before 0006)', reason,
         cleared_at
  FROM screen_clearances ORDER BY id;
DROP TABLE screen_clearances;
