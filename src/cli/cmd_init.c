/* cmd_init.c -- `chipgate init`: create or migrate the database and load
 * the reference data from db/seed/. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "model/seed.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* {"database", "schema_version", "was", "seed"} (docs/cli-json.md) */
static int print_json(const char *db, int was, const char *seed)
{
  cg_json *o = cg_json_object();

  if(!o || cg_json_set_str(o, "database", db) ||
     cg_json_set_int(o, "schema_version", cg_store_latest_version()) ||
     cg_json_set_int(o, "was", was) || cg_json_set_str(o, "seed", seed)) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

int cli_init_db(cg_cli *cli, const char *seed_dir, int out)
{
  cg_error err = { 0 };
  cg_store *db = NULL;
  char *found = NULL;
  struct stat sb;
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
  else if(stat(seed_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    fprintf(stderr,
            "chipgate: init: --seed %s is not a folder (give the folder "
            "holding countries.csv, e.g. the shipped db/seed)\n",
            seed_dir);
    return CLI_NOINPUT;
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
  if(rc != CG_OK) {
    free(found);
    cli_not_sqlite(cli->db_path, rc, &err);
    return cli_fail(&err);
  }
  if(out == CLI_INIT_JSON)
    rc = print_json(cli->db_path, before, seed_dir);
  else if(out == CLI_INIT_TEXT)
    printf("%s: schema version %d (was %d), reference data loaded from "
           "%s\n",
           cli->db_path, cg_store_latest_version(), before, seed_dir);
  free(found);
  return rc;
}

int cmd_init(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "seed", required_argument, NULL, 's' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *seed = NULL;
  int c, rc, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 's':
      seed = optarg;
      break;
    case 'f':
      if((rc = cli_opt_format("init", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      printf("usage: chipgate [--db PATH] init [--seed DIR] [--format "
             "text|json]\n\n"
             "Creates the database (or migrates an older one) and loads "
             "countries,\ndated country groups, process nodes and "
             "reference workloads from\ndb/seed/ (or --seed DIR). Run it "
             "again after an upgrade: it migrates and\nreloads, and "
             "keeps every order and decision.\n\n"
             "Exit status: 0 done, 64 usage, 65 bad seed data or not a "
             "chipgate database,\n66 no seed folder, 74 cannot write the "
             "database.\n\n"
             "Example:\n"
             "  $ chipgate --db new.db init\n");
      return CLI_OK;
    default:
      return cli_bad_option("init", opts, argv);
    }
  }
  if(optind < argc)
    return cli_usage("init", "unexpected argument \"%s\"", argv[optind]);
  return cli_init_db(cli, seed, json ? CLI_INIT_JSON : CLI_INIT_TEXT);
}
