-- 0002: restricted-party screening (src/screen/).
--
-- One import of one source (e.g. 'csl', 'ofac') replaces that source's
-- rows in parties/party_names in one transaction and adds a list_versions
-- row. The search index over all current names is rebuilt in the same
-- transaction and kept as one blob (screen_index), so a reader never sees
-- a half-built index.

CREATE TABLE list_versions(
  id            INTEGER PRIMARY KEY,
  source        TEXT NOT NULL CHECK(length(source) > 0),
  format        TEXT NOT NULL CHECK(format IN ('csl-csv', 'csl-json',
                                               'ofac')),
  file          TEXT NOT NULL,
  sha256        TEXT NOT NULL CHECK(length(sha256) = 64),
  entries       INTEGER NOT NULL CHECK(entries >= 0),
  names         INTEGER NOT NULL CHECK(names >= 0),
  imported_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),
  etag          TEXT,          -- set by the HTTP sync
  last_modified TEXT,          -- set by the HTTP sync
  current       INTEGER NOT NULL DEFAULT 1 CHECK(current IN (0, 1))
) STRICT;
CREATE INDEX list_versions_current ON list_versions(source, current);

CREATE TABLE parties(
  id                      INTEGER PRIMARY KEY,
  version_id              INTEGER NOT NULL REFERENCES list_versions(id),
  source                  TEXT NOT NULL,  -- import source ('csl', 'ofac')
  list                    TEXT NOT NULL,  -- e.g. 'Entity List (EL) - ...'
  entry_id                TEXT NOT NULL,  -- _id / entity_number / ent_num
  name                    TEXT NOT NULL CHECK(length(name) > 0),
  type                    TEXT NOT NULL DEFAULT '',
  programs                TEXT NOT NULL DEFAULT '',
  countries               TEXT NOT NULL DEFAULT '', -- 'CN; HK'
  addresses               TEXT NOT NULL DEFAULT '',
  federal_register_notice TEXT NOT NULL DEFAULT '',
  start_date              TEXT NOT NULL DEFAULT '',
  end_date                TEXT NOT NULL DEFAULT '',
  license_requirement     TEXT NOT NULL DEFAULT '',
  license_policy          TEXT NOT NULL DEFAULT '',
  remarks                 TEXT NOT NULL DEFAULT '',
  source_list_url         TEXT NOT NULL DEFAULT '',
  content_hash            TEXT NOT NULL, -- sha256 of the entry's fields
  UNIQUE(source, entry_id)
) STRICT;
CREATE INDEX parties_entry ON parties(entry_id);

CREATE TABLE party_names(
  id       INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  key      TEXT NOT NULL,   -- cg_screen_normalise() of name
  is_alias INTEGER NOT NULL CHECK(is_alias IN (0, 1))
) STRICT;
CREATE INDEX party_names_party ON party_names(party_id);
CREATE INDEX party_names_key ON party_names(key);

-- Vocabulary of the current index: document frequency (names holding the
-- token) and the rarity weight used in scoring. Informational; the search
-- reads the blob below.
CREATE TABLE screen_tokens(
  token  TEXT PRIMARY KEY,
  df     INTEGER NOT NULL CHECK(df > 0),
  weight REAL NOT NULL,
  kind   TEXT NOT NULL CHECK(kind IN ('word', 'legal', 'stop', 'number'))
) STRICT, WITHOUT ROWID;

-- The serialised in-memory index (one row). lists = the lists version it
-- was built from (cg_screen_lists_version).
CREATE TABLE screen_index(
  id       INTEGER PRIMARY KEY CHECK(id = 1),
  lists    TEXT NOT NULL,
  format   INTEGER NOT NULL,
  data     BLOB NOT NULL
) STRICT;

-- Cached screening of a customer against one lists version.
CREATE TABLE screenings(
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  lists       TEXT NOT NULL,
  threshold   REAL NOT NULL,
  subject     TEXT NOT NULL,   -- the names screened (name|parent)
  hits        TEXT NOT NULL,   -- JSON array of hits
  screened_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),
  PRIMARY KEY(customer_id, lists, threshold)
) STRICT;

-- A false positive cleared by a person: valid while the entry's content
-- hash is unchanged.
CREATE TABLE screen_clearances(
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  entry_id     TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  reason       TEXT NOT NULL CHECK(length(reason) > 0),
  cleared_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),
  UNIQUE(customer_id, entry_id, content_hash)
) STRICT;
