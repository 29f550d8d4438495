-- 0005: orders put on hold by a new list hit found when a list sync
-- re-screens the customers. A hold flags the order for review (and the
-- ERP, through the party.hit event); the next batch still decides it, and
-- its decision carries the hit.
CREATE TABLE order_holds(
  id         INTEGER PRIMARY KEY,
  order_id   INTEGER NOT NULL REFERENCES orders(id),
  entry_id   TEXT NOT NULL,           -- the list entry that was hit
  list       TEXT NOT NULL,
  reason     TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),
  UNIQUE(order_id, entry_id)
) STRICT;
