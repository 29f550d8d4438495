/* cmd_import.c -- `chipgate import KIND FILE [--input-format F]
 * [--format text|json] [--quiet]`. */
#include "model/chip.h"
#include "cli/cmd.h"
#include "cli/opts.h"
#include "cli/progress.h"
#include "core/importer.h"
#include "core/json.h"
#include "model/customer.h"
#include "model/license.h"
#include "model/order.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

static int import_chips(cg_store *db, const char *path, const char *format,
                        const char *source, int force, size_t *count,
                        cg_error *err)
{
  (void)source;
  (void)force;
  return cg_chip_import(db, path,
                        format && strcmp(format, "epoch") == 0
                            ? CG_CHIP_FORMAT_EPOCH
                            : CG_CHIP_FORMAT_CSV,
                        count, err);
}

static int import_customers(cg_store *db, const char *path, const char *format,
                            const char *source, int force, size_t *count,
                            cg_error *err)
{
  (void)format;
  (void)source;
  (void)force;
  return cg_customer_import(db, path, count, err);
}

static int import_licenses(cg_store *db, const char *path, const char *format,
                           const char *source, int force, size_t *count,
                           cg_error *err)
{
  (void)format;
  (void)source;
  (void)force;
  return cg_license_import(db, path, count, err);
}

static int import_orders(cg_store *db, const char *path, const char *format,
                         const char *source, int force, size_t *count,
                         cg_error *err)
{
  (void)format;
  (void)source;
  (void)force;
  return cg_order_import(db, path, count, err);
}

typedef struct import_kind {
  const char *name;    /* KIND */
  const char *formats; /* the file formats it reads, first the default */
  const char *says;    /* the same, for messages */
  int (*run)(cg_store *, const char *, const char *, const char *, int,
             size_t *, cg_error *);
} import_kind;

static const import_kind kinds[] = {
  { "chips", "csv|epoch", "csv or epoch", import_chips },
  { "customers", "csv", "csv", import_customers },
  { "licenses", "csv", "csv", import_licenses },
  { "orders", "csv", "csv", import_orders },
  { "parties", "csl-csv|csl-json|ofac", "csl-csv, csl-json or ofac",
    cli_import_parties },
};

static const char help_text[] =
    "usage: chipgate import KIND FILE [--input-format FORMAT] [--source "
    "NAME]\n"
    "                       [--force] [--format text|json] [--quiet]\n\n"
    "KIND     chips (--input-format csv|epoch), customers, licenses, "
    "orders,\n"
    "         parties (--input-format csl-csv|csl-json|ofac, --source "
    "NAME;\n"
    "         ofac: FILE is sdn.csv, with add.csv, alt.csv and\n"
    "         sdn_comments.csv beside it (or SDN.CSV, ADD.CSV, ... as OFAC\n"
    "         publishes them); a list that shrank by more than 10% is "
    "refused\n"
    "         unless --force)\n"
    "--format text|json   how the summary is printed (--format also still\n"
    "         takes a file format, e.g. --format epoch, as before)\n\n"
    "The whole file is one transaction: one bad row rejects the file with\n"
    "FILE:LINE: what is wrong (exit 65) and the database is unchanged. A\n"
    "row already stored with the same content is skipped and counted as\n"
    "\"skipped N unchanged\". A FILE that does not exist is exit 66.\n"
    "On a terminal a progress line (lines read of the file, rate, ETA) is\n"
    "drawn on stderr; --quiet turns it and the text summary off.\n\n"
    "Examples (in a folder with orders.csv; without one, exit 66):\n"
    "  $ chipgate import orders orders.csv --format json  # exit 66\n"
    "  $ chipgate import chips ml_hardware.csv --input-format epoch  # exit "
    "66\n";

/* What the command line asked for. */
typedef struct import_args {
  const import_kind *kind;
  const char *file;   /* FILE */
  const char *input;  /* the file's format, or NULL for the default */
  const char *source; /* --source */
  int force;          /* --force */
  int json;           /* --format json */
  int quiet;          /* --quiet */
} import_args;

/* Is f one of the '|'-separated names in list? */
static int one_of(const char *list, const char *f)
{
  size_t n = strlen(f);

  for(const char *p = list; p; p = strchr(p, '|')) {
    p += *p == '|';
    if(strncmp(p, f, n) == 0 && (p[n] == '|' || !p[n]))
      return 1;
  }
  return 0;
}

/* --format: text|json is the output, anything else the file's format
 * (what --format meant before --input-format). */
static int set_format(import_args *a, const char *v)
{
  int j = cli_parse_format(v);

  if(j >= 0)
    a->json = j;
  else
    a->input = v;
  return CLI_OK;
}

/* The values and FILE, checked before the database is opened. */
static int check_args(import_args *a, int argc, char **argv)
{
  struct stat sb;
  size_t i;

  if(argc - optind != 2)
    return cli_usage("import", "expected KIND and FILE (e.g. chipgate "
                               "import orders orders.csv)");
  for(i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if(strcmp(kinds[i].name, argv[optind]) == 0)
      a->kind = &kinds[i];
  if(!a->kind)
    return cli_usage("import",
                     "unknown KIND \"%s\" (chips, customers, licenses, "
                     "orders or parties)",
                     argv[optind]);
  a->file = argv[optind + 1];
  if(a->input && !one_of(a->kind->formats, a->input)) {
    char cmd[32];
    snprintf(cmd, sizeof(cmd), "import %s", a->kind->name);
    return cli_usage(cmd,
                     "--format must be %s, not \"%s\" (the file's format; "
                     "or text|json for the output)",
                     a->kind->says, a->input);
  }
  if(stat(a->file, &sb) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
    fprintf(stderr,
            "chipgate: import %s: %s: %s (check the path; it is read from "
            "the current folder)\n",
            a->kind->name, a->file, strerror(errno));
    return CLI_NOINPUT;
  }
  return -1;
}

/* Parses argv into a: -1 to go on, else the exit status. */
static int parse(import_args *a, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "input-format", required_argument, NULL, 'i' },
    { "source", required_argument, NULL, 's' },
    { "force", no_argument, NULL, 'F' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  while((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      set_format(a, optarg);
      break;
    case 'i':
      a->input = optarg;
      break;
    case 's':
      a->source = optarg;
      break;
    case 'F':
      a->force = 1;
      break;
    case 'q':
      a->quiet = 1;
      break;
    case 'h':
      fputs(help_text, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("import", opts, argv);
    }
  }
  return check_args(a, argc, argv);
}

/* The summary: text, or the JSON document (docs/cli-json.md). */
static int summary(const import_args *a, size_t count,
                   const cg_import_watch *w, double secs)
{
  int rows = strcmp(a->kind->name, "parties") != 0;
  cg_json *o;

  if(!a->json) {
    if(a->quiet)
      return CLI_OK;
    printf("imported %zu %s from %s", count, a->kind->name, a->file);
    if(rows)
      printf(", skipped %zu unchanged", w->skipped);
    printf("\n");
    return CLI_OK;
  }
  o = cg_json_object();
  if(o && (cg_json_set_str(o, "kind", a->kind->name) != CG_OK ||
           cg_json_set_str(o, "file", a->file) != CG_OK ||
           cg_json_set_int(o, "imported", (int64_t)count) != CG_OK ||
           cg_json_set(o, "skipped_unchanged",
                       rows ? cg_json_int((int64_t)w->skipped)
                            : cg_json_null()) != CG_OK ||
           cg_json_set(o, "rows",
                       rows ? cg_json_int((int64_t)w->rows)
                            : cg_json_null()) != CG_OK ||
           cg_json_set_num(o, "seconds", secs) != CG_OK)) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

int cmd_import(cg_cli *cli, int argc, char **argv)
{
  import_args a;
  cg_import_watch w;
  cli_progress prog;
  cg_error err = { 0 };
  cg_store *db = NULL;
  size_t count = 0;
  int rc;

  memset(&a, 0, sizeof(a));
  memset(&w, 0, sizeof(w));
  rc = parse(&a, argc, argv);
  if(rc >= 0)
    return rc;
  cli_progress_init(&prog, "lines", a.quiet);
  w.progress = cli_progress_fn_of(&prog);
  w.arg = &prog;
  rc = cli_open_db(cli, &db, 0, &err);
  cg_import_watch_set(&w);
  if(rc == CG_OK)
    rc = a.kind->run(db, a.file, a.input, a.source, a.force, &count, &err);
  cg_import_watch_set(NULL);
  cli_progress_end(&prog);
  cg_store_close(db);
  /* A file is imported whole or not at all: after a database failure,
   * say which. (Bad data names FILE:LINE and keeps its message.) */
  if(rc == CG_EIO || rc == CG_EDB)
    cg_error_prefix(&err, "import %s: nothing imported", a.kind->name);
  if(rc == CG_EUSAGE)
    return cli_usage("import", "%s", err.msg);
  if(rc != CG_OK)
    return cli_fail(&err);
  return summary(&a, count, &w, cli_progress_seconds(&prog));
}
