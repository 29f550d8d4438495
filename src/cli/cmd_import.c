/* cmd_import.c -- `chipgate import KIND FILE [--format F]`. */
#include "model/chip.h"
#include "cli/cmd.h"
#include "model/customer.h"
#include "model/license.h"
#include "model/order.h"

#include <getopt.h>
#include <string.h>

static int import_chips(cg_store *db, const char *path, const char *format,
                        const char *source, int force, size_t *count,
                        cg_error *err)
{
  int f;

  (void)source;
  (void)force;
  if(!format || strcmp(format, "csv") == 0)
    f = CG_CHIP_FORMAT_CSV;
  else if(strcmp(format, "epoch") == 0)
    f = CG_CHIP_FORMAT_EPOCH;
  else
    return cg_error_set(err, CG_EUSAGE,
                        "import chips: --format must be csv or epoch");
  return cg_chip_import(db, path, f, count, err);
}

static int import_customers(cg_store *db, const char *path, const char *format,
                            const char *source, int force, size_t *count,
                            cg_error *err)
{
  (void)source;
  (void)force;
  if(format && strcmp(format, "csv") != 0)
    return cg_error_set(err, CG_EUSAGE,
                        "import customers: --format must be csv");
  return cg_customer_import(db, path, count, err);
}

static int import_licenses(cg_store *db, const char *path, const char *format,
                           const char *source, int force, size_t *count,
                           cg_error *err)
{
  (void)source;
  (void)force;
  if(format && strcmp(format, "csv") != 0)
    return cg_error_set(err, CG_EUSAGE,
                        "import licenses: --format must be csv");
  return cg_license_import(db, path, count, err);
}

static int import_orders(cg_store *db, const char *path, const char *format,
                         const char *source, int force, size_t *count,
                         cg_error *err)
{
  (void)source;
  (void)force;
  if(format && strcmp(format, "csv") != 0)
    return cg_error_set(err, CG_EUSAGE, "import orders: --format must be csv");
  return cg_order_import(db, path, count, err);
}

typedef struct import_kind {
  const char *name; /* KIND */
  int (*run)(cg_store *, const char *, const char *, const char *, int,
             size_t *, cg_error *);
} import_kind;

static const import_kind kinds[] = {
  { "chips", import_chips },         { "customers", import_customers },
  { "licenses", import_licenses },   { "orders", import_orders },
  { "parties", cli_import_parties },
};

static void help(void)
{
  printf("usage: chipgate import KIND FILE [--format FORMAT] "
         "[--source NAME] [--force]\n\n"
         "KIND     chips (--format csv|epoch), customers, licenses, orders,\n"
         "         parties (--format csl-csv|csl-json|ofac, --source NAME;\n"
         "         ofac: FILE is sdn.csv, with add.csv, alt.csv and\n"
         "         sdn_comments.csv beside it (or SDN.CSV, ADD.CSV, ... as "
         "OFAC\n         publishes them); a list that shrank by more than "
         "10%% is refused\n         unless --force)\n\n"
         "The whole file is one transaction: one bad row rejects the file "
         "with\nFILE:LINE: what is wrong (exit 65) and the database is "
         "unchanged.\n");
}

int cmd_import(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "source", required_argument, NULL, 's' },
    { "force", no_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *format = NULL, *source = NULL;
  cg_error err = { 0 };
  cg_store *db = NULL;
  size_t count = 0, i;
  int c, rc, force = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      format = optarg;
      break;
    case 's':
      source = optarg;
      break;
    case 'F':
      force = 1;
      break;
    case 'h':
      help();
      return CLI_OK;
    default:
      return cli_usage("import", "bad option");
    }
  }
  if(argc - optind != 2)
    return cli_usage("import", "expected KIND and FILE");
  for(i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if(strcmp(kinds[i].name, argv[optind]) == 0)
      break;
  if(i == sizeof(kinds) / sizeof(kinds[0]))
    return cli_usage("import", "unknown KIND \"%s\"", argv[optind]);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = kinds[i].run(db, argv[optind + 1], format, source, force, &count,
                      &err);
  cg_store_close(db);
  /* A file is imported whole or not at all: after a database failure,
   * say which. (Bad data names FILE:LINE and keeps its message.) */
  if(rc == CG_EIO || rc == CG_EDB)
    cg_error_prefix(&err, "import %s: nothing imported", kinds[i].name);
  if(rc != CG_OK)
    return cli_fail(&err);
  printf("imported %zu %s from %s\n", count, kinds[i].name, argv[optind + 1]);
  return CLI_OK;
}
