/* version.c -- `chipgate --version`: what this binary would decide with.
 *
 * A compliance officer attaching output to a file needs the version, the
 * rule pack (folder and hash, the "ruleset" every decision records) and
 * the party lists in use, so --version names all three. Nothing is
 * written: the database is opened read-only and never migrated. */
#include "cli/cli.h"
#include "decide/decide.h"
#include "screen/screen.h"

#include <stdlib.h>
#include <sys/stat.h>

static void print_rules(const cg_cli *cli)
{
  cg_rules *pack = NULL;
  cg_error err = { 0 };
  char hash[72];

  printf("rules: %s\n", cli->rules_dir ? cli->rules_dir : "(not found)");
  if(!cli->rules_dir)
    return;
  if(cg_rules_load_dir(&pack, cli->rules_dir, NULL, &err) != CG_OK ||
     cg_decide_ruleset_hash(pack, hash, &err) != CG_OK)
    printf("ruleset: (does not load: %s)\n", err.msg);
  else
    printf("ruleset: %s (%zu rules)\n", hash, cg_rules_count(pack));
  cg_rules_free(pack);
}

static void print_lists(const cg_cli *cli)
{
  struct stat sb;
  cg_store *db = NULL;
  cg_list_version *v = NULL;
  cg_error err = { 0 };
  size_t n = 0, i;

  if(stat(cli->db_path, &sb) != 0) {
    printf("database: %s (none yet: chipgate init creates it)\n",
           cli->db_path);
    return;
  }
  printf("database: %s\n", cli->db_path);
  if(cg_store_open(&db, cli->db_path, CG_STORE_READONLY, &err) != CG_OK ||
     cg_screen_lists_current(db, &v, &n, &err) != CG_OK)
    printf("lists: (cannot read: %s)\n", err.msg);
  else if(n == 0)
    printf("lists: none imported (chipgate import parties)\n");
  for(i = 0; i < n; i++)
    printf("%s %s: %s, %lld entries, sha256 %.16s..., imported %s\n",
           i ? "      " : "lists:", v[i].source, v[i].file,
           (long long)v[i].entries, v[i].sha256, v[i].imported_at);
  free(v);
  cg_store_close(db);
}

int cli_version(const cg_cli *cli)
{
  char *seed = cli_find_dir("db/seed");

  printf("chipgate %s\n", CG_VERSION);
  print_rules(cli);
  printf("seed:  %s\n", seed ? seed : "(not found)");
  free(seed);
  print_lists(cli);
  return CLI_OK;
}
