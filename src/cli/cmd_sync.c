/* cmd_sync.c -- placeholder, see below. */
#include "cmd.h"

int cmd_sync(cg_cli *cli, int argc, char **argv)
{
  (void)cli;
  (void)argc;
  (void)argv;
  return CLI_SOFTWARE;
}
