/* opts.h -- option checks shared by the commands, so that the same bad
 * value gets the same answer from every command that takes it.
 *
 * Each check either stores the value and returns CLI_OK, or prints the
 * usage error ("chipgate: <cmd>: <what>", cli_usage) and returns the exit
 * status the command should return as is (CLI_USAGE, or cli_fail's status
 * when the database could not be read). Nothing is allocated. */
#ifndef CG_CLI_OPTS_H
#define CG_CLI_OPTS_H

#include <stdint.h>

#include "core/store.h"

/* A whole number of chips from 1 to CG_IMPORT_MAX_QTY (the limit an order
 * import enforces). */
int cli_opt_quantity(const char *cmd, const char *opt, const char *arg,
                     int64_t *out);

/* A real calendar date, YYYY-MM-DD; copied into out. */
int cli_opt_date(const char *cmd, const char *opt, const char *arg,
                 char out[11]);

/* An ISO 3166-1 alpha-2 code of the countries table, in any case: code is
 * upper-cased in place (argv may be written). The message names opt and
 * the code. */
int cli_opt_country(cg_store *db, const char *cmd, const char *opt,
                    char *code);

/* One of choices (NULL-terminated, at least two); *out points at arg. The
 * message reads "<opt> must be a, b or c". */
int cli_opt_choice(const char *cmd, const char *opt, const char *arg,
                   const char *const *choices, const char **out);

/* --format text|json: *json 0 or 1. "--format must be text or json, not
 * \"xml\"" otherwise. */
int cli_opt_format(const char *cmd, const char *arg, int *json);

/* What getopt_long refused (call on '?' or ':' with opterr 0 or 1): the
 * argument at argv[optind - 1] named as an unknown option, or as an
 * option that needs a value, against opts. Returns CLI_USAGE. */
struct option;
int cli_bad_option(const char *cmd, const struct option *opts, char **argv);

/* Every argument from argv[1] on must be valid UTF-8: the message names
 * the option whose value it is ("--customer: not valid UTF-8 at byte 3")
 * or the argument by its place. Call before getopt. */
int cli_opt_utf8_args(const char *cmd, int argc, char **argv);

#endif
