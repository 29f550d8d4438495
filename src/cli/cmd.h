/* cmd.h -- one entry point per subcommand (src/cli/cmd_<name>.c). */
#ifndef CG_CMD_H
#define CG_CMD_H

#include "cli/cli.h"

int cmd_init(cg_cli *cli, int argc, char **argv);
int cmd_import(cg_cli *cli, int argc, char **argv);
int cmd_classify(cg_cli *cli, int argc, char **argv);
int cmd_demo(cg_cli *cli, int argc, char **argv);
int cmd_check(cg_cli *cli, int argc, char **argv);
int cmd_batch(cg_cli *cli, int argc, char **argv);
int cmd_audit(cg_cli *cli, int argc, char **argv);
int cmd_rules(cg_cli *cli, int argc, char **argv);
int cmd_report(cg_cli *cli, int argc, char **argv);
int cmd_sync(cg_cli *cli, int argc, char **argv);
int cmd_webhook(cg_cli *cli, int argc, char **argv);
int cmd_token(cg_cli *cli, int argc, char **argv);
int cmd_screen(cg_cli *cli, int argc, char **argv);
int cmd_review(cg_cli *cli, int argc, char **argv);
int cmd_nac(cg_cli *cli, int argc, char **argv);
int cmd_ship(cg_cli *cli, int argc, char **argv);
int cmd_cancel(cg_cli *cli, int argc, char **argv);
int cmd_list(cg_cli *cli, int argc, char **argv);
int cmd_show(cg_cli *cli, int argc, char **argv);
int cmd_serve(cg_cli *cli, int argc, char **argv);
int cmd_complete(cg_cli *cli, int argc, char **argv);

/* A column of a text table (cmd_list.c): its head, the width it may
 * shrink to when the table is wider than 80 columns, right-aligned. */
typedef struct cli_col {
  const char *head;
  size_t min;
  int right;
} cli_col;

/* Prints rows (a JSON array of arrays of strings, one per column) under
 * the heads, columns two blanks apart, at most 80 columns wide: a cell
 * too long for its column is cut and ends in an ellipsis. */
struct cg_json;
void cli_table(FILE *f, const cli_col *cols, size_t ncols,
               const struct cg_json *rows);

/* A JSON value as a table cell: text as is ("" and null as "-"), numbers,
 * yes/no; buf holds a number's digits. */
const char *cli_cell_text(const struct cg_json *v, char *buf, size_t size);

/* "unknown chip NAME; did you mean ..." on stderr, with up to three
 * imported names like it; returns CLI_NOINPUT (cmd_classify.c). */
int cli_unknown_chip(cg_store *db, const char *name);

/* `import parties` (cmd_screen.c). */
int cli_import_parties(cg_store *db, const char *path, const char *format,
                       const char *source, int force, size_t *count,
                       cg_error *err);

#endif
