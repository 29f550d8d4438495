-- 0012: API tokens for `chipgate serve` (src/server/token.c owns them).
-- A token is shown once, when `chipgate token add` makes it; only its
-- SHA-256 is kept, so a copy of the database (a backup, a support
-- bundle) does not let anyone call the API. 256 random bits need no
-- salt or slow hash. A token's name is what a review or clearance made
-- with it records as the reviewer, so a name is never reused: a revoked
-- token keeps its row, its name, when and why it was revoked.
CREATE TABLE api_tokens(
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  -- duties, not a ladder (src/server/token.h: what each may do)
  role          TEXT NOT NULL CHECK(role IN ('read', 'submit', 'review',
                  'admin')),
  hash          TEXT NOT NULL UNIQUE CHECK(length(hash) = 64),
  created_at    TEXT NOT NULL,
  revoked_at    TEXT,
  revoke_reason TEXT,
  CHECK(revoked_at IS NOT NULL OR revoke_reason IS NULL)
) STRICT;
