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
int cmd_screen(cg_cli *cli, int argc, char **argv);
int cmd_review(cg_cli *cli, int argc, char **argv);
int cmd_nac(cg_cli *cli, int argc, char **argv);
int cmd_ship(cg_cli *cli, int argc, char **argv);
int cmd_cancel(cg_cli *cli, int argc, char **argv);

/* `import parties` (cmd_screen.c). */
int cli_import_parties(cg_store *db, const char *path, const char *format,
                       const char *source, int force, size_t *count,
                       cg_error *err);

#endif
