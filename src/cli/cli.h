/* cli.h -- shared plumbing of the command-line front end: global options,
 * error reporting and exit codes. Only src/cli/ prints or exits.
 *
 * Each subcommand is `int cmd_<name>(cg_cli *cli, int argc, char **argv)`
 * with argv[0] = the subcommand name; it parses its own options with
 * getopt_long and returns the process exit status. */
#ifndef CG_CLI_H
#define CG_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/store.h"
#include "rules/rules.h"

/* Exit codes (docs/architecture.md "Exit codes"; sysexits.h for failures). */
enum {
  CLI_OK = 0,
  CLI_ATTENTION = 10, /* notify / hold / license_required */
  CLI_DENY = 20,
  CLI_USAGE = 64,
  CLI_DATAERR = 65,
  CLI_NOINPUT = 66,
  CLI_SOFTWARE = 70,
  CLI_IOERR = 74,
  CLI_TEMPFAIL = 75
};

typedef struct cg_cli {
  const char *db_path;   /* --db, $CHIPGATE_DB or ./chipgate.db */
  const char *rules_dir; /* --rules, $CHIPGATE_RULES or the source rules/ */
  const char *prog;      /* "chipgate" */
} cg_cli;

/* `chipgate --version` (version.c): version, rule pack folder and hash,
 * seed folder, database and the party lists in use. */
int cli_version(const cg_cli *cli);

/* Maps a CG_E* code to an exit status. */
int cli_exit_code(int code);

/* Who runs the command, as a reviewer's default name: getlogin(), $USER,
 * then the password entry; NULL if none (the server will supply the
 * authenticated user instead). */
const char *cli_login_name(void);

/* Prints "chipgate: <err->msg>" to stderr; returns cli_exit_code. */
int cli_fail(const cg_error *err);

/* Prints "chipgate: <cmd>: <message>" and returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* rc, or CG_EINVAL "PATH is not a chipgate database: not an SQLite
 * database file" if rc is SQLite's "file is not a database". */
int cli_not_sqlite(const char *path, int rc, cg_error *err);

/* Opens the database (creating and migrating it when create is set,
 * otherwise it must exist and is migrated if older). */
int cli_open_db(cg_cli *cli, cg_store **out, int create, cg_error *err);

/* Creates/migrates cli->db_path and loads the seed data (seed_dir NULL =
 * the shipped db/seed; it must be a folder, checked before the database
 * is touched). Prints a line (out CLI_INIT_TEXT), a JSON object
 * (CLI_INIT_JSON) or nothing (CLI_INIT_QUIET). Returns an exit code. */
enum { CLI_INIT_TEXT, CLI_INIT_JSON, CLI_INIT_QUIET };
int cli_init_db(cg_cli *cli, const char *seed_dir, int out);

/* Parses --format text|json; returns 0 text, 1 json, -1 bad. */
int cli_parse_format(const char *s);

/* Prints v to stdout as indented JSON and a newline: the one way every
 * command's --format json output is written. Takes ownership of v (frees
 * it, NULL-safe: NULL is out of memory). Returns CLI_OK, or prints why
 * and returns CLI_SOFTWARE (out of memory) or CLI_IOERR (stdout). */
struct cg_json;
int cli_print_json(struct cg_json *v);

/* Colour on f: f is a terminal and NO_COLOR is unset or empty
 * (https://no-color.org). Nothing colours output any other way. */
int cli_color(FILE *f);

/* The SGR sequence that starts an outcome's colour on f (deny red;
 * hold, license_required, notify yellow; nlr, exception, licensed green;
 * anything else none), and the one that ends it; "" when f is not
 * coloured. */
const char *cli_sgr_outcome(FILE *f, const char *outcome);
const char *cli_sgr_reset(FILE *f);

/* Finds a data folder (e.g. "rules", "db/seed") under $CHIPGATE_DATA_DIR
 * if set (only there), else the installed <exe dir>/../share/chipgate,
 * else the source folder named in <exe dir>/chipgate-data-dir (build tree
 * only). Returns a malloc'ed canonical path or NULL. */
char *cli_find_dir(const char *rel);

/* Loads the rule pack of cli->rules_dir (diags may be NULL). With no pack
 * found (cli->rules_dir NULL) it is CG_ENOTFOUND saying where to put one:
 * never a silent fall back to whatever ./rules holds. */
int cli_load_rules(cg_cli *cli, cg_rules **out, cg_rules_diags *diags,
                   cg_error *err);

/* Prints "report: PATH" for each file in paths (cmd_report.c), Markdown,
 * JSON and CSV first and HTML last: the one to open. */
struct cg_report_paths;
void cli_print_paths(const struct cg_report_paths *paths);

/* The files of paths as a JSON array of strings, in cli_print_paths'
 * order (Markdown, JSON, CSV, HTML); NULL when out of memory
 * (cmd_report.c). */
struct cg_json *cli_paths_json(const struct cg_report_paths *paths);

/* The --format json document of a batch (cmd_batch.c; `batch` and
 * `demo`, docs/cli-json.md): batch (null when nothing was decided),
 * decided, redecided, rechecked, by_outcome, ruleset, reports,
 * audit_head, seconds. NULL when out of memory. */
struct cg_batch_result;
struct cg_json *cli_batch_json(const struct cg_batch_result *res,
                               const struct cg_report_paths *paths,
                               const char *audit_head, double secs);

/* Table helpers shared by classify, check and demo. */
const char *cli_num(char *buf, size_t size, double v, int decimals);
const char *cli_yesno(int v);
struct cg_chip;
void cli_chip_row_header(FILE *f);
void cli_chip_row(FILE *f, const struct cg_chip *c);

#endif
