/* main.c -- chipgate's entry point: global options, then one subcommand. */
#include "cli/cmd.h"

#include "core/http.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

typedef struct command {
  const char *name;                   /* subcommand */
  int (*run)(cg_cli *, int, char **); /* cmd_<name> */
  const char *summary;                /* one line for --help */
} command;

static const command commands[] = {
  { "init", cmd_init, "create or migrate the database" },
  { "demo", cmd_demo, "seed a demo database and show what chipgate does" },
  { "import", cmd_import, "import chips|customers|licenses|orders|parties" },
  { "classify", cmd_classify, "show TPP, PD, node and ECCN of chips" },
  { "check", cmd_check, "decide one order (nothing is recorded)" },
  { "batch", cmd_batch, "decide every pending order and write reports" },
  { "audit", cmd_audit, "verify or show the decision log" },
  { "rules", cmd_rules, "lint, test or show the rule pack" },
  { "report", cmd_report, "rebuild a report from the audit log" },
  { "sync", cmd_sync, "pull party lists or orders over HTTP(S)" },
  { "webhook", cmd_webhook, "manage webhook endpoints, deliver events" },
  { "token", cmd_token, "add, list or revoke API tokens of chipgate serve" },
  { "screen", cmd_screen, "screen a name; clear, revoke, list clearances" },
  { "list", cmd_list, "list orders|licenses|customers|chips|clearances" },
  { "show", cmd_show, "show an order with its whole history" },
  { "review", cmd_review, "release or block an order on hold" },
  { "nac", cmd_nac, "record a NAC filing or BIS's objection" },
  { "ship", cmd_ship, "record a shipment of a releasable order" },
  { "cancel", cmd_cancel, "cancel an order, give back its licence" },
  { "serve", cmd_serve, "serve the HTTP API (docs/server.md)" },
  { "complete", cmd_complete, "print chip|customer|order names (completion)" },
};

static void usage(FILE *f)
{
  size_t i;

  fprintf(f, "usage: chipgate [--db PATH] [--rules DIR] COMMAND [ARGS]\n\n"
             "commands:\n");
  for(i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nEvery command takes --help. The database defaults to "
             "$CHIPGATE_DB or ./chipgate.db;\nthe rule pack to "
             "$CHIPGATE_RULES or the rules/ folder shipped with chipgate\n"
             "(chipgate --version shows which folders it reads).\n");
}

/* Output that never arrived (a full disk, /dev/full) must not pass for an
 * answer: say so, and a success or a decision's status becomes 74. */
static int output_written(int rc)
{
  if(fflush(stdout) == 0 && !ferror(stdout))
    return rc;
  fprintf(stderr, "chipgate: cannot write the output: %s\n", strerror(errno));
  return rc == CLI_OK || rc == CLI_ATTENTION || rc == CLI_DENY ? CLI_IOERR
                                                               : rc;
}

int main(int argc, char **argv)
{
  static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                        { "rules", required_argument, NULL,
                                          'r' },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, 'V' },
                                        { NULL, 0, NULL, 0 } };
  cg_cli cli = { 0 };
  char *rules_found = NULL;
  int c, rc, want_version = 0;
  size_t i;

  cli.prog = "chipgate";
  cli.db_path = getenv("CHIPGATE_DB");
  if(!cli.db_path || !*cli.db_path)
    cli.db_path = "chipgate.db";
  cli.rules_dir = getenv("CHIPGATE_RULES");
  /* '+' stops at the subcommand so its options are its own. */
  while((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    switch(c) {
    case 'd':
      cli.db_path = optarg;
      break;
    case 'r':
      cli.rules_dir = optarg;
      break;
    case 'h':
      usage(stdout);
      return CLI_OK;
    case 'V':
      want_version = 1; /* after the other options: --db may follow */
      break;
    default:
      usage(stderr);
      return CLI_USAGE;
    }
  }
  if(!want_version && optind >= argc) {
    usage(stderr);
    return CLI_USAGE;
  }
  if(!cli.rules_dir || !*cli.rules_dir) {
    /* NULL when not found: commands that need the pack say so rather
     * than run whatever ./rules holds. */
    rules_found = cli_find_dir("rules");
    cli.rules_dir = rules_found;
  }
  if(want_version) {
    rc = output_written(cli_version(&cli));
    free(rules_found);
    return rc;
  }
  for(i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if(strcmp(argv[optind], commands[i].name) == 0)
      break;
  }
  if(i == sizeof(commands) / sizeof(commands[0])) {
    fprintf(stderr, "chipgate: unknown command \"%s\"\n\n", argv[optind]);
    usage(stderr);
    free(rules_found);
    return CLI_USAGE;
  }
  if(cg_http_global_init() != CG_OK) {
    fprintf(stderr, "chipgate: cannot initialise libcurl\n");
    free(rules_found);
    return CLI_SOFTWARE;
  }
  /* Each subcommand parses from its own argv[0]; 0 resets getopt. Its
   * errors are the subcommand's own (cli_bad_option names the option and
   * the help to read), not getopt's as well. */
  c = optind;
  optind = 0;
  opterr = 0;
  rc = commands[i].run(&cli, argc - c, argv + c);
  rc = output_written(rc);
  cg_http_global_cleanup();
  free(rules_found);
  return rc;
}
