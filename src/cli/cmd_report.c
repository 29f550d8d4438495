/* cmd_report.c -- `chipgate report ORDER_ID | --batch ID | --all`: rebuild
 * a report from the audit log alone. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "cli/progress.h"
#include "model/order.h"
#include "core/json.h"
#include "report/report.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void cli_print_paths(const cg_report_paths *paths)
{
  static const int order[] = { CG_REPORT_MD, CG_REPORT_JSON, CG_REPORT_CSV,
                               CG_REPORT_HTML };
  size_t k;

  for(k = 0; k < sizeof(order) / sizeof(order[0]); k++)
    if(paths->path[order[k]][0])
      printf("report: %s\n", paths->path[order[k]]);
}

struct cg_json *cli_paths_json(const cg_report_paths *paths)
{
  static const int order[] = { CG_REPORT_MD, CG_REPORT_JSON, CG_REPORT_CSV,
                               CG_REPORT_HTML };
  cg_json *a = cg_json_array();
  size_t k;

  for(k = 0; a && k < sizeof(order) / sizeof(order[0]); k++)
    if(paths->path[order[k]][0] &&
       cg_json_append(a, cg_json_str(paths->path[order[k]])) != CG_OK) {
      cg_json_free(a);
      a = NULL;
    }
  return a;
}

/* What the command line asked for. */
typedef struct report_args {
  int64_t batch;       /* --batch, or 0 */
  const char *order;   /* ORDER_ID, or NULL */
  int all;             /* --all */
  const char *out_dir; /* --out, or NULL: one format to stdout */
  const char *formats; /* --format */
  int quiet;           /* --quiet */
} report_args;

static const char help_text[] =
    "usage: chipgate report ORDER_ID [--format md|html|json|csv]\n"
    "       chipgate report --batch ID | --all [--format F] [--out DIR] "
    "[--quiet]\n\n"
    "Rebuilds a report from the audit log alone: one order's decision, a\n"
    "batch, or every order as it stands (--all: each order's current "
    "decision; the\nhistory is in chipgate audit show). Without --out, one "
    "format (default md) goes\n"
    "to stdout (that is the output: no summary is added); with --out DIR,\n"
    "the formats given (default all four, comma-separated) are written "
    "there\nand the files and a one-line summary are printed. On a "
    "terminal a progress\nline (decisions written, rate) is drawn on "
    "stderr; --quiet turns it and the\nsummary off. --format is the "
    "report's own format here (md, html, json,\ncsv), checked before "
    "anything is read. An unknown ORDER_ID or --batch ID\nis exit 66.\n\n"
    "Examples:\n"
    "  $ chipgate report O-1001\n"
    "  $ chipgate report --all --format json\n"
    "  $ chipgate report --batch 9999  # exit 66\n";

/* --format and --out, checked before the database is opened. */
static int check_args(const report_args *a)
{
  char list[128], *save = NULL, *tok;

  if(a->out_dir && strlen(a->out_dir) >= 1024)
    return cli_usage("report", "--out: path too long (at most 1023 bytes)");
  if(!a->out_dir) {
    if(cg_report_format(a->formats) < 0)
      return cli_usage("report",
                       "--format \"%s\": must be md, html, json or csv (one "
                       "format to stdout; several need --out DIR)",
                       a->formats);
    return -1;
  }
  if(strlen(a->formats) >= sizeof(list) || !a->formats[0])
    return cli_usage("report",
                     "--format \"%s\": give md, html, json, csv "
                     "or a comma-separated list of them",
                     a->formats);
  snprintf(list, sizeof(list), "%s", a->formats);
  for(tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    if(cg_report_format(tok) < 0)
      return cli_usage("report",
                       "--format: unknown format \"%s\" (md, html, json, "
                       "csv)",
                       tok);
  return -1;
}

/* The report of a's scope into out_dir in formats, or the single format
 * to stdout; prints the files written and a summary (with --out). */
static int report(cg_store *db, const report_args *a, cg_error *err)
{
  cg_report_scope scope = { a->batch, a->order, a->all };
  cg_report_out out;
  cli_progress prog;
  int64_t id = 0;
  int rc = CG_OK;

  memset(&out, 0, sizeof(out));
  out.dir = a->out_dir;
  out.formats = a->formats;
  out.stream = stdout;
  out.format = a->out_dir ? -1 : cg_report_format(a->formats);
  if(a->order) {
    rc = cg_order_find_id(db, a->order, &id, err);
    if(rc == CG_OK && id == 0)
      return cg_error_set(err, CG_ENOTFOUND,
                          "report: no order \"%s\" (chipgate list orders "
                          "shows them)",
                          a->order);
  }
  cli_progress_init(&prog, "decisions", a->quiet);
  out.progress = cli_progress_fn_of(&prog);
  out.progress_arg = &prog;
  if(rc == CG_OK)
    rc = cg_report_from_log(db, &scope, 0.40, &out, err);
  cli_progress_end(&prog);
  if(rc == CG_ENOTFOUND && a->batch)
    cg_error_prefix(err, "report --batch %lld", (long long)a->batch);
  if(rc == CG_ENOTFOUND && a->batch)
    snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
             " (chipgate batch prints each batch's number)");
  if(rc == CG_OK && a->out_dir && !a->quiet) {
    cli_print_paths(&out.paths);
    printf("report: %ld decisions written in %.2fs\n", out.decisions,
           cli_progress_seconds(&prog));
  }
  return rc;
}

int cmd_report(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "batch", required_argument, NULL, 'b' },
    { "all", no_argument, NULL, 'a' },
    { "format", required_argument, NULL, 'f' },
    { "out", required_argument, NULL, 'o' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  report_args a = { 0, NULL, 0, NULL, NULL, 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  long long batch;
  int c, rc;
  char *end;

  while((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
    switch(c) {
    case 'b':
      batch = strtoll(optarg, &end, 10);
      if(*end || end == optarg || batch <= 0)
        return cli_usage("report",
                         "--batch \"%s\": must be a batch number (1, 2, ...)",
                         optarg);
      a.batch = batch;
      break;
    case 'a':
      a.all = 1;
      break;
    case 'f':
      a.formats = optarg;
      break;
    case 'o':
      a.out_dir = optarg;
      break;
    case 'q':
      a.quiet = 1;
      break;
    case 'h':
      fputs(help_text, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("report", opts, argv);
    }
  }
  if(optind < argc)
    a.order = argv[optind++];
  if(optind < argc)
    return cli_usage("report", "unexpected argument \"%s\"", argv[optind]);
  if((a.order != NULL) + (a.batch != 0) + a.all != 1)
    return cli_usage("report", "give exactly one of ORDER_ID, --batch ID "
                               "or --all");
  if(!a.formats)
    a.formats = a.out_dir ? "md,html,json,csv" : "md";
  if((rc = check_args(&a)) >= 0)
    return rc;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = report(db, &a, &err);
  cg_store_close(db);
  if(rc == CG_EUSAGE)
    return cli_usage("report", "%s", err.msg);
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
