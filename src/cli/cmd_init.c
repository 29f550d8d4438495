/* cmd_init.c -- `chipgate init`: create or migrate the database and load
 * the reference data from db/seed/. */
#include "cli/cmd.h"
#include "model/seed.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int cli_init_db(cg_cli *cli, const char *seed_dir, int quiet)
{
  cg_error err = { 0 };
  cg_store *db = NULL;
  char *found = NULL;
  int before = 0, rc;

  if(!seed_dir) {
    found = cli_find_dir("db/seed");
    if(!found) {
      fprintf(stderr, "chipgate: init: cannot find db/seed (pass --seed "
                      "DIR)\n");
      return CLI_NOINPUT;
    }
    seed_dir = found;
  }
  rc = cg_store_open(&db, cli->db_path, CG_STORE_CREATE, &err);
  if(rc == CG_OK)
    rc = cg_seed_check_ours(db, cli->db_path, &err);
  if(rc == CG_OK)
    rc = cg_store_user_version(db, &before, &err);
  if(rc == CG_OK)
    rc = cg_store_migrate(db, NULL, &err);
  if(rc == CG_OK)
    rc = cg_seed_load(db, seed_dir, &err);
  cg_store_close(db);
  free(found);
  if(rc != CG_OK) {
    cli_not_sqlite(cli->db_path, rc, &err);
    return cli_fail(&err);
  }
  if(!quiet)
    printf("%s: schema version %d (was %d), reference data loaded from "
           "%s\n",
           cli->db_path, cg_store_latest_version(), before,
           seed_dir ? "db/seed" : "");
  return CLI_OK;
}

int cmd_init(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "seed", required_argument, NULL,
                                          's' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  const char *seed = NULL;
  int c;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 's':
      seed = optarg;
      break;
    case 'h':
      printf("usage: chipgate [--db PATH] init [--seed DIR]\n\n"
             "Creates the database (or migrates an older one) and loads "
             "countries,\ndated country groups, process nodes and "
             "reference workloads from\ndb/seed/.\n");
      return CLI_OK;
    default:
      return cli_usage("init", "bad option");
    }
  }
  if(optind < argc)
    return cli_usage("init", "unexpected argument \"%s\"", argv[optind]);
  return cli_init_db(cli, seed, 0);
}
