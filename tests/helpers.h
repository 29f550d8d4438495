/* helpers.h -- shared test fixtures: temporary databases and running the
 * built chipgate binary. */
#ifndef CG_TEST_HELPERS_H
#define CG_TEST_HELPERS_H

#include <check.h>
#include <stddef.h>

#include "core/error.h"
#include "core/json.h"
#include "core/store.h"
#include "decide/workload.h"

/* Fails the test with the library's own message unless rc == CG_OK. */
#define ck_assert_cg_ok(rc, err)                                              \
  ck_assert_msg((rc) == CG_OK, "rc=%d: %s", (rc), (err)->msg)

/* Path of the source tree (for rules/, db/seed/, tests/data/). */
const char *t_source_dir(void);

/* "<source>/<rel>" in a static buffer rotated over 8 slots. */
const char *t_src(const char *rel);

/* A fresh temporary directory (mkdtemp) and a path inside it. The dir is
 * removed by t_tmp_cleanup. */
const char *t_tmpdir(void);
const char *t_tmp(const char *name);
void t_tmp_cleanup(void);

/* Writes text to a file in the temp dir; returns its path. */
const char *t_write(const char *name, const char *text);

/* Runs the chipgate binary with argv (NULL-terminated, without argv[0]),
 * CHIPGATE_DB set to db (if not NULL), CHIPGATE_DATA_DIR set to the source
 * tree and CHIPGATE_RULES to its rules/ unless already set (the working
 * directory does not matter); captures stdout and stderr
 * (malloc'ed, NUL-terminated; pass NULL to ignore). Returns the exit
 * status, or -1 if it did not exit normally. */
int t_run(const char *db, char **out, char **errout, const char *const *argv);

/* Opens (creating and migrating) a database in the temp dir. */
cg_store *t_db(const char *name);

/* Byte-for-byte dump of a database's content (every table, sorted), for
 * "the database is unchanged" checks; malloc'ed. */
char *t_db_dump(const char *path);

/* The workload object of estimate e as the decision writer writes it (a
 * fixture for documents built by hand); NULL on failure. Free with
 * cg_json_free. */
cg_json *t_workload_json(const cg_workload_est *e, const cg_workloads *wl);

#endif
