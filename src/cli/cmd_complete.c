/* cmd_complete.c -- `chipgate complete chips|customers|orders [PREFIX]`:
 * names from the database, one per line, for the shell completion scripts
 * (completion/). Read-only, and quiet whenever it cannot answer: no
 * database, a foreign file or a locked one prints nothing and exits 0, so
 * a completion never writes an error into the user's command line. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"

#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
  fprintf(f, "usage: chipgate [--db PATH] complete chips|customers|orders "
             "[PREFIX] [--format text|json]\n\n"
             "Prints the names of the database's chips, customers or orders "
             "(order ids)\nthat start with PREFIX (any case), one per line, "
             "sorted; for the bash and\nzsh completion scripts. Nothing is "
             "written. With no database, or one it\ncannot read, it prints "
             "nothing and exits 0.\n\n"
             "  $ chipgate complete chips nvidia\n"
             "  $ chipgate complete customers --format json\n");
}

/* The SELECT for a kind: names are compared without case, as the
 * database compares them (COLLATE NOCASE columns). */
static const char *kind_sql(const char *kind)
{
  if(strcmp(kind, "chips") == 0)
    return "SELECT name FROM chips WHERE substr(name, 1, length(?1)) = ?1 "
           "COLLATE NOCASE ORDER BY name";
  if(strcmp(kind, "customers") == 0)
    return "SELECT name FROM customers WHERE substr(name, 1, length(?1)) = "
           "?1 COLLATE NOCASE ORDER BY name";
  if(strcmp(kind, "orders") == 0)
    return "SELECT order_id FROM orders WHERE substr(order_id, 1, "
           "length(?1)) = ?1 COLLATE NOCASE ORDER BY order_id";
  return NULL;
}

/* Collects the names into arr; any failure leaves what was read so far,
 * which the caller drops: a partial answer is no answer. */
static int read_names(const char *path, const char *sql, const char *prefix,
                      cg_json *arr)
{
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_stmt *st = NULL;
  struct stat sb;
  int rc;

  if(stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
    return -1;
  if(cg_store_open(&db, path, CG_STORE_READONLY, &err) != CG_OK)
    return -1;
  rc = cg_store_prepare(db, &st, sql, &err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, prefix, &err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, &err)) == 1) {
    const char *name = cg_stmt_text(st, 0);
    rc = name && cg_json_append(arr, cg_json_str(name)) != 0 ? -1 : CG_OK;
  }
  cg_stmt_finalize(st);
  cg_store_close(db);
  return rc == 0 ? 0 : -1;
}

int cmd_complete(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL,
                                          'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  const char *sql, *prefix = "";
  cg_json *arr;
  int c, json = 0;
  size_t i;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if(c == 'h') {
      usage(stdout);
      return CLI_OK;
    }
    if(c != 'f')
      return cli_bad_option("complete", opts, argv);
    if((c = cli_opt_format("complete", optarg, &json)) != CLI_OK)
      return c;
  }
  if(optind >= argc || optind + 2 < argc) {
    usage(stderr);
    return CLI_USAGE;
  }
  if(!(sql = kind_sql(argv[optind])))
    return cli_usage("complete",
                     "%s: not a kind of name (use chips, customers or "
                     "orders)",
                     argv[optind]);
  if(optind + 1 < argc)
    prefix = argv[optind + 1];
  if(!(arr = cg_json_array()))
    return CLI_SOFTWARE;
  if(read_names(cli->db_path, sql, prefix, arr) != 0) {
    cg_json_free(arr);
    arr = cg_json_array(); /* quiet: an empty answer */
    if(!arr)
      return CLI_SOFTWARE;
  }
  if(json) {
    cg_json_dumpf(stdout, arr, 0, NULL);
    fputc('\n', stdout);
  }
  else {
    for(i = 0; i < cg_json_size(arr); i++)
      printf("%s\n", cg_json_string_value(cg_json_at(arr, i)));
  }
  cg_json_free(arr);
  return CLI_OK;
}
