-- 0011: the digest of the stored screening index blob, in its own table
-- (a column after the 5.9 MB blob would make SQLite walk the blob's
-- overflow pages to read it). A copy of the blob kept beside the
-- database (DB-screen-index, src/screen/index_file.c) is mapped instead
-- of read out of SQLite only when its header names this digest and the
-- row's lists version is the index's. No row: read the blob.
CREATE TABLE screen_index_digest(
  id      INTEGER PRIMARY KEY CHECK(id = 1),
  lists   TEXT NOT NULL,
  sha256  TEXT NOT NULL,
  bytes   INTEGER NOT NULL CHECK(bytes >= 0)
) STRICT;
