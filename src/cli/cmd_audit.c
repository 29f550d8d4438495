/* cmd_audit.c -- `chipgate audit verify | show [--since D] [--order ID]`. */
#include "decide/audit.h"
#include "cli/cmd.h"
#include "cli/opts.h"

#include <getopt.h>
#include <string.h>

static int print_doc(const char *doc, void *arg)
{
  long *n = arg;

  (*n)++;
  puts(doc);
  return 0;
}

int cmd_audit(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "since", required_argument, NULL, 's' },
    { "order", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *since = NULL, *order = NULL, *verb;
  char since_buf[11];
  cg_error err = { 0 };
  cg_store *db = NULL;
  int c, rc;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 's':
      rc = cli_opt_date("audit", "--since", optarg, since_buf);
      if(rc != CLI_OK)
        return rc;
      since = since_buf;
      break;
    case 'o':
      order = optarg;
      break;
    case 'h':
      printf("usage: chipgate audit verify\n"
             "       chipgate audit show [--since YYYY-MM-DD] "
             "[--order ID]\n\n"
             "verify recomputes the hash chain of the decision log and "
             "names the first\nrow that does not match (exit 65). show "
             "prints the recorded decision\ndocuments, one JSON per "
             "line.\n");
      return CLI_OK;
    default:
      return cli_usage("audit", "bad option");
    }
  }
  if(argc - optind != 1)
    return cli_usage("audit", "expected verify or show");
  verb = argv[optind];
  if(strcmp(verb, "verify") && strcmp(verb, "show"))
    return cli_usage("audit", "unknown action \"%s\"", verb);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK && !strcmp(verb, "verify")) {
    int64_t rows = 0, bad = 0;
    rc = cg_audit_verify(db, &rows, &bad, &err);
    if(rc == CG_OK)
      printf("audit log intact: %lld decisions, hash chain verified\n",
             (long long)rows);
    else if(rc == CG_EINVAL)
      fprintf(stderr, "chipgate: audit log TAMPERED: %s (%lld rows read)\n",
              err.msg, (long long)rows);
  }
  else if(rc == CG_OK) {
    long n = 0;
    rc = cg_audit_each(db, since, order, 0, print_doc, &n, &err);
    if(rc == CG_OK && order && n == 0)
      rc = cg_error_set(&err, CG_ENOTFOUND,
                        "order %s has no recorded decision", order);
  }
  cg_store_close(db);
  if(rc == CG_EINVAL && !strcmp(verb, "verify"))
    return CLI_DATAERR;
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
