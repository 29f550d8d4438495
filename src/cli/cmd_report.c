/* cmd_report.c -- `chipgate report ORDER_ID | --batch ID | --all`: rebuild
 * a report from the audit log alone. */
#include "cli/cmd.h"
#include "cli/longwork.h"
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

/* The report of batch (order: that order's decision; all: every
 * decision) into out_dir in formats, or the single format `formats` to
 * stdout; prints the files written. */
static int report(cg_store *db, int64_t batch, const char *order, int all,
                  const char *out_dir, const char *formats, cg_error *err)
{
  cg_report_scope scope = { batch, order, all };
  cg_report_out out;
  int rc;

  memset(&out, 0, sizeof(out));
  out.dir = out_dir;
  out.formats = formats;
  out.stream = stdout;
  out.format = cg_report_format(formats);
  if(out_dir && strlen(out_dir) >= 1024)
    return cg_error_set(err, CG_EUSAGE, "--out: path too long");
  if(!out_dir && out.format < 0)
    return cg_error_set(err, CG_EUSAGE,
                        "--format must be md, html, json or csv");
  rc = cg_report_from_log(db, &scope, 0.40, &out, err);
  if(rc == CG_OK)
    cli_print_paths(&out.paths);
  return rc;
}

int cmd_report(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "batch", required_argument, NULL, 'b' },
    { "all", no_argument, NULL, 'a' },
    { "format", required_argument, NULL, 'f' },
    { "out", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *format = NULL, *out_dir = NULL, *order = NULL;
  long long batch = 0;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int all = 0, c, rc;
  char *end;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'b':
      batch = strtoll(optarg, &end, 10);
      if(*end || batch <= 0)
        return cli_usage("report", "--batch must be a batch number");
      break;
    case 'a':
      all = 1;
      break;
    case 'f':
      format = optarg;
      break;
    case 'o':
      out_dir = optarg;
      break;
    case 'h':
      printf("usage: chipgate report ORDER_ID [--format md|html|json|csv]\n"
             "       chipgate report --batch ID | --all [--format F] "
             "[--out DIR]\n\n"
             "Rebuilds a report from the audit log alone: one order's "
             "decision, a\nbatch, or every decision. Without --out, one "
             "format (default md) goes\nto stdout; with --out DIR, the "
             "formats given (default all four) are\nwritten there.\n");
      return CLI_OK;
    default:
      return cli_usage("report", "bad option");
    }
  }
  if(optind < argc)
    order = argv[optind++];
  if(optind < argc)
    return cli_usage("report", "unexpected argument \"%s\"", argv[optind]);
  if((order != NULL) + (batch != 0) + all != 1)
    return cli_usage("report", "give exactly one of ORDER_ID, --batch ID "
                               "or --all");
  if(!out_dir && !format)
    format = "md";
  if(out_dir && !format)
    format = "md,html,json,csv";
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = report(db, (int64_t)batch, order, all, out_dir, format, &err);
  cg_store_close(db);
  if(rc == CG_EUSAGE)
    return cli_usage("report", "%s", err.msg);
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
