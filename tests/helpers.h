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
 * status, or 128 + the signal that ended it. */
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

/* ---- Crash and concurrency tests (tests/check_crash.c,
 * tests/check_concurrency.c) ---- */

#include <stdint.h>
#include <sys/types.h>

/* splitmix64: a seeded, portable PRNG, so a failing run replays from the
 * seed it printed. */
typedef struct t_rng {
  uint64_t s;
} t_rng;
uint64_t t_rng_next(t_rng *r);
/* Uniform in [lo, hi] (hi >= lo). */
uint64_t t_rng_range(t_rng *r, uint64_t lo, uint64_t hi);

/* The number in environment variable name (decimal or 0x hex), else def.
 * May be called outside a test (e.g. to set a timeout). */
uint64_t t_env_u64(const char *name, uint64_t def);

/* Runs bin (NULL = CG_BINARY) like t_run, with extra environment
 * "NAME=VALUE" strings (NULL-terminated list, may be NULL). Returns the
 * exit status, or 128 + the signal that ended it. */
int t_run_env(const char *bin, const char *db, const char *const *env,
              char **out, char **errout, const char *const *argv);

/* Starts bin (NULL = CG_BINARY) in the background with the same
 * environment as t_run_env; stdout and stderr go to the temp dir's
 * files TAG.out and TAG.err. Returns the pid. */
pid_t t_spawn(const char *bin, const char *db, const char *const *env,
              const char *tag, const char *const *argv);

/* Waits for pid: its exit status, or 128 + the signal that ended it. */
int t_wait(pid_t pid);

/* The whole content of a file (malloc'ed), NULL if it cannot be read. */
char *t_slurp(const char *path);

/* Output of the sqlite3 CLI running sql on the database at db, trailing
 * newlines cut (malloc'ed). */
char *t_sql(const char *db, const char *sql);

/* Fails the test unless t_sql(db, sql) is want; the message starts with
 * ctx (e.g. the seed that replays the run). */
void t_expect_sql(const char *db, const char *ctx, const char *sql,
                  const char *want);

/* Monotonic clock in milliseconds. */
int64_t t_now_ms(void);

/* Sleeps ms milliseconds. */
void t_sleep_ms(long ms);

/* Copies the database file from to to (removing to's -wal and -shm). */
void t_copy_db(const char *from, const char *to);

/* Adds copies x 41 pending orders to the database at db: the demo's
 * orders (O-*) with ids "<prefix>NNNNN-O-*". */
void t_add_orders(const char *db, const char *prefix, int copies);

/* t_db_dump with every timestamp (YYYY-MM-DDTHH:MM:SSZ) replaced by
 * "<T>" and every random webhook id (msg_ and 32 hex digits) by
 * "msg_<id>": two runs of the same command compare equal. */
char *t_db_dump_untimed(const char *path);

/* Checks what must hold in every committed state, whatever was killed or
 * ran at the same time (ctx starts each message): the database passes
 * integrity_check, `audit verify` passes, each decision has its one
 * decision.made event, an order is pending exactly when it has no
 * decision and its current decision is its newest, its net licence draw
 * is positive exactly when that decision is `licensed`, and no licence
 * is drawn beyond its quantity. */
void t_check_ledger(const char *db, const char *ctx);

/* The Chromium binary to drive: $CG_CHROMIUM, else chromium,
 * chromium-browser or google-chrome on PATH; NULL if none. */
const char *t_find_chromium(void);

/* Sends len bytes of a raw HTTP request to 127.0.0.1:port and reads the
 * answer to the end (send "Connection: close"); returns its status, with
 * the status line and headers in *head and what follows in *body
 * (malloc'ed; either may be NULL). */
int t_http_raw(int port, const char *req, size_t len, char **head,
               char **body);

/* `chipgate token add NAME --role ROLE` on db: the token it prints once,
 * into out. */
void t_token_add(const char *db, const char *name, const char *role,
                 char out[64]);

/* Starts `chipgate serve` on db on a free port of 127.0.0.1, with extra
 * options (NULL-ended, may be NULL); its port into *port once it listens
 * (output in t_tmp("serve.out") and "serve.err"). t_serve_stop sends
 * SIGTERM and asserts exit 0 and nothing on stderr. */
pid_t t_serve_start(const char *db, const char *const *extra, int *port);
void t_serve_stop(pid_t pid);

/* The member key ("code", "field") of the server's JSON error document
 * body, as text ("" for null; malloc'ed). */
char *t_error_member(const char *body, const char *key);

/* Runs suite s (freed): EXIT_SUCCESS when every test passed, the whole
 * of a test file's main(). */
int t_run_suite(Suite *s);

/* A command's JSON output parsed (asserted to be JSON); free with
 * cg_json_free. */
cg_json *t_parse_json(const char *out);

#endif
