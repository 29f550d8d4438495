/* fuzz_common.h -- what every fuzz target shares: the libFuzzer entry
 * point's prototype, a per-process temporary folder, fresh databases from
 * a template built once, and a loopback HTTP server that answers every
 * request with the bytes it is given.
 *
 * The same target source links either with libFuzzer (CG_FUZZ) or with
 * replay.c (the normal test suite), so nothing here depends on libFuzzer. */
#ifndef CG_FUZZ_COMMON_H
#define CG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The source tree: $CG_SOURCE_DIR, else the one this was built from. */
const char *fz_source_dir(void);

/* A temporary folder for this process (under /dev/shm when it exists,
 * else $TMPDIR or /tmp), made on first use and removed at exit. */
const char *fz_dir(void);

/* Writes n bytes to fz_dir()/name (replacing it); returns its path in a
 * static buffer rotated over 8 slots, or aborts on an I/O error. */
const char *fz_write(const char *name, const void *data, size_t n);

/* Databases every target starts from, built once per process. */
enum {
  FZ_DB_EMPTY = 0, /* migrated, no data */
  FZ_DB_SEED,      /* + db/seed (countries, groups, nodes, workloads) */
  FZ_DB_DEMO,      /* + Epoch's chips and overlays, demo customers and
                      licences (what orders refer to) */
  FZ_DB_COUNT
};

/* A fresh copy of template `level` at fz_dir()/work.db, opened and
 * migrated: each input starts from the same bytes. Aborts on failure
 * (a broken fixture is not a finding). Close with cg_store_close. */
cg_store *fz_db(int level);

/* With $CG_FUZZ_VERBOSE set, prints what the library said about an
 * input (how a seed's effect is checked by hand). */
void fz_note(const char *target, int rc, const char *msg);

/* Row counts of every table, as one malloc'ed string: what a failed
 * command must leave as it was. Aborts on failure. */
char *fz_db_counts(cg_store *db);

/* After a command on db: notes it (fz_note); if it failed (rc), every
 * table count must be what before says and msg must say why, else
 * aborts. Frees before. */
void fz_check_unchanged(cg_store *db, const char *target, int rc,
                        const char *msg, char *before);

/* Splits data at every occurrence of sep into at most max parts: starts
 * and lengths into part[] and len[]; returns the number of parts (>= 1). */
size_t fz_split(const uint8_t *data, size_t size, const char *sep,
                const uint8_t **part, size_t *len, size_t max);

/* The loopback server: started once, it answers each connection with the
 * bytes last given to fz_serve_set (the whole raw response) and closes.
 * Returns the port. */
int fz_serve_start(void);
void fz_serve_set(const void *data, size_t n);

#endif
