/* cmd_classify.c -- `chipgate classify CHIP... [--format text|json]`. */
#include "model/chip.h"
#include "decide/decide.h"
#include "core/clock.h"
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/text.h"
#include "core/json.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Formats a number or "?" for unknown. */
const char *cli_num(char *buf, size_t size, double v, int decimals)
{
  return cg_text_num(buf, size, v, decimals);
}

const char *cli_yesno(int v)
{
  return v < 0 ? "?" : v ? "yes" : "no";
}

void cli_chip_row_header(FILE *f)
{
  fprintf(f, "%-28s %-10s %-14s %5s %-4s %9s %7s %-3s %-3s %8s\n", "CHIP",
          "VENDOR", "NODE", "NM", "3D", "TPP", "PD", "DC", "HBM", "XTORS(B)");
}

void cli_chip_row(FILE *f, const cg_chip *item)
{
  const cg_chip *c = cg_chip_ic(item); /* a board's metrics: its IC's */
  char a[32], b[32], d[32], e[32];

  fprintf(f, "%-28.28s %-10.10s %-14.14s %5s %-4s %9s %7s %-3s %-3s %8s\n",
          item->name, c->vendor ? c->vendor : "?", c->node ? c->node : "?",
          cli_num(a, sizeof(a), c->node_nm, 0), cli_yesno(c->nonplanar),
          cli_num(b, sizeof(b), cg_chip_tpp(c, NULL), 0),
          cli_num(d, sizeof(d), cg_chip_pd(c), 2), cli_yesno(c->datacenter),
          cli_yesno(c->hbm), cli_num(e, sizeof(e), c->transistors_billion, 1));
}

int cli_unknown_chip(cg_store *db, const char *name)
{
  char *near[3];
  size_t n = cg_chip_suggest(db, name, near, 3), k;

  fprintf(stderr, "chipgate: unknown chip \"%s\"", name);
  for(k = 0; k < n; k++) {
    fprintf(stderr, "%s\"%s\"", k ? ", " : "; did you mean ", near[k]);
    free(near[k]);
  }
  fprintf(stderr, "%s\n", n ? "" : " (chipgate list chips lists them)");
  return CLI_NOINPUT;
}

static const char classify_help[] =
    "usage: chipgate classify CHIP... [--format text|json]\n\n"
    "Shows each chip's node, nm class, non-planar, TPP, PD, "
    "datacenter, HBM,\ntransistors, and the ECCN the rule pack gives "
    "the chip on its "
    "own (no\norder: distributor role, as of today) with the rule "
    "that set it.\nUnknown values show as ? (null in JSON). Values are "
    "cut, never rounded across a\nthreshold (TPP 4799.98 shows "
    "as 4799.98, not 4800).\n\n"
    "Exit status: 0 shown, 64 usage, 66 unknown chip (the message "
    "suggests names).\n\n"
    "Example:\n"
    "  $ chipgate classify \"NVIDIA H100 SXM5 80GB\" \"NVIDIA "
    "H200 SXM\"\n";

int cmd_classify(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL,
                                          'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_json *arr = NULL;
  cg_rules *pack = NULL;
  char today[11];
  int json = 0, c, rc, i, status = CLI_OK;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      if((rc = cli_opt_format("classify", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      fputs(classify_help, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("classify", opts, argv);
    }
  }
  if(optind >= argc)
    return cli_usage("classify", "name at least one CHIP");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cli_load_rules(cli, &pack, NULL, &err);
  if(rc != CG_OK) {
    cg_store_close(db);
    return cli_fail(&err);
  }
  cg_clock_today(today);
  if(json)
    arr = cg_json_array();
  for(i = optind; i < argc; i++) {
    cg_chip chip;
    rc = cg_chip_get(db, argv[i], &chip, &err);
    if(rc == CG_ENOTFOUND) {
      status = cli_unknown_chip(db, argv[i]);
      continue;
    }
    if(rc != CG_OK) {
      status = cli_fail(&err);
      break;
    }
    {
      char eccn[32];
      const char *by = NULL;
      rc = cg_decide_classify(pack, &chip, today, eccn, sizeof(eccn), &by,
                              &err);
      if(rc != CG_OK) {
        cg_chip_clear(&chip);
        status = cli_fail(&err);
        break;
      }
      if(json) {
        cg_json *o = cg_chip_json(&chip);
        cg_json_set_str(o, "eccn", eccn);
        cg_json_set_str(o, "eccn_rule", by);
        cg_json_append(arr, o);
      }
      else {
        if(i == optind)
          cli_chip_row_header(stdout);
        cli_chip_row(stdout, &chip);
        printf("  -> ECCN %s%s%s\n", eccn, by ? " by rule " : "",
               by ? by : "");
      }
    }
    cg_chip_clear(&chip);
  }
  if(json && status == CLI_OK) {
    cg_json_dumpf(stdout, arr, CG_JSON_PRETTY, NULL);
    putchar('\n');
  }
  cg_json_free(arr);
  cg_rules_free(pack);
  cg_store_close(db);
  return status;
}
