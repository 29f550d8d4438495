/* cmd_demo.c -- `chipgate demo`: a fresh demo database from db/seed, the
 * Epoch AI chips, and a classification table of datacenter accelerators. */
#include "decide/batch.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/license.h"
#include "model/order.h"
#include "model/seed.h"
#include "report/report.h"
#include "screen/screen.h"
#include "cli/cmd.h"
#include "cli/opts.h"
#include "cli/progress.h"
#include "decide/audit.h"
#include "core/json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static int print_if_datacenter(const cg_chip *c, void *arg)
{
  (void)arg;
  if(c->datacenter == 1)
    cli_chip_row(stdout, c);
  return 0;
}

/* 1 if path may be replaced by a fresh demo: it does not exist, is empty,
 * or is a database an earlier demo made. Anything else might be someone's
 * real audit log. */
static int replaceable(const char *path)
{
  struct stat sb;

  if(stat(path, &sb) != 0)
    return errno == ENOENT;
  if(!S_ISREG(sb.st_mode))
    return 0;
  return sb.st_size == 0 || cg_seed_is_demo(path);
}

/* A fresh database at cli->db_path, marked as the demo's, with db/seed
 * and Epoch AI's chips (their count in *n) plus chipgate's overlays.
 * Returns an exit status; failures are printed. */
static int demo_db(cg_cli *cli, const char *seed, cg_store **db, size_t *n)
{
  static const char *const overlays[] = {
    "chip_attributes.csv", "chip_die_estimates.csv", "chip_hbm_stacks.csv",
    "chip_systems.csv" /* after the ICs it names */
  };
  cg_error err = { 0 };
  char path[1024];
  size_t k, m;
  int rc;

  unlink(cli->db_path);
  snprintf(path, sizeof(path), "%s-wal", cli->db_path);
  unlink(path);
  snprintf(path, sizeof(path), "%s-shm", cli->db_path);
  unlink(path);
  rc = cli_init_db(cli, seed, CLI_INIT_QUIET);
  if(rc != CLI_OK)
    return rc;
  rc = cli_open_db(cli, db, 0, &err);
  if(rc == CG_OK)
    rc = cg_seed_mark_demo(*db, &err);
  if(rc == CG_OK) {
    snprintf(path, sizeof(path), "%s/epoch_ml_hardware.csv", seed);
    rc = cg_chip_import(*db, path, CG_CHIP_FORMAT_EPOCH, n, &err);
  }
  /* Overlays in chipgate's own columns: what Epoch does not say. */
  for(k = 0; rc == CG_OK && k < sizeof(overlays) / sizeof(overlays[0]); k++) {
    snprintf(path, sizeof(path), "%s/%s", seed, overlays[k]);
    rc = cg_chip_import(*db, path, CG_CHIP_FORMAT_CSV, &m, &err);
  }
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}

/* The demo's customers, licences and orders. */
static int demo_orders(cg_store *db, const char *seed, cg_error *err)
{
  char path[1024];
  size_t n = 0;
  int rc;

  /* The BIS lists of the real CSL (Entity List, DPL, UVL, MEU). */
  snprintf(path, sizeof(path), "%s/csl_bis_2026-07-31.csv", seed);
  rc = cg_screen_import(db, path, CG_SCREEN_CSL_CSV, "csl", NULL, err);
  if(rc == CG_OK) {
    snprintf(path, sizeof(path), "%s/demo_customers.csv", seed);
    rc = cg_customer_import(db, path, &n, err);
  }
  if(rc == CG_OK) {
    snprintf(path, sizeof(path), "%s/demo_licenses.csv", seed);
    rc = cg_license_import(db, path, &n, err);
  }
  if(rc == CG_OK) {
    snprintf(path, sizeof(path), "%s/demo_orders.csv", seed);
    rc = cg_order_import(db, path, &n, err);
  }
  return rc;
}

static void print_result(const cg_batch_result *res, const char *out_dir)
{
  printf("\nBatch %lld: %lld orders decided (nlr %lld, exception %lld, "
         "licensed %lld,\nnotify %lld, hold %lld, license_required %lld, "
         "deny %lld); the audit log is\nhash-chained (chipgate audit "
         "verify).\n",
         (long long)res->batch_id, (long long)res->decided,
         (long long)res->by_outcome[CG_OUT_NLR],
         (long long)res->by_outcome[CG_OUT_EXCEPTION],
         (long long)res->by_outcome[CG_OUT_LICENSED],
         (long long)res->by_outcome[CG_OUT_NOTIFY],
         (long long)res->by_outcome[CG_OUT_HOLD],
         (long long)res->by_outcome[CG_OUT_LICENSE_REQUIRED],
         (long long)res->by_outcome[CG_OUT_DENY]);
  printf("\nReports: %s/report.md, report.json, report.csv\nOpen the HTML "
         "report: %s/report.html\n",
         out_dir, out_dir);
}

/* The batch's document (cli_batch_json) with "database" and "chips", the
 * Epoch AI chips imported (docs/cli-json.md). */
static int print_json(cg_store *db, const char *path, size_t chips,
                      const cg_batch_result *res, const cg_report_out *out,
                      double secs)
{
  char t[CG_AUDIT_HEAD_TEXT] = "";
  cg_audit_head h;
  cg_error err = { 0 };
  cg_json *o;

  if(cg_audit_head_get(db, &h, &err) == CG_OK)
    cg_audit_head_text(&h, t);
  o = cli_batch_json(res, &out->paths, t[0] ? t : NULL, secs);
  if(o && (cg_json_set_str(o, "database", path) ||
           cg_json_set_int(o, "chips", (int64_t)chips))) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

/* The demo's orders decided in one batch, its reports in out_dir. */
static int demo_batch(cg_cli *cli, cg_store *db, const char *seed,
                      cg_report_out *out, cg_batch_result *res, cg_error *err)
{
  cg_batch_opts bo = CG_BATCH_OPTS_INIT;
  cg_rules *pack = NULL;
  int rc = demo_orders(db, seed, err);

  if(rc == CG_OK)
    rc = cli_load_rules(cli, &pack, NULL, err);
  if(rc == CG_OK)
    rc = cg_report_run_batch(db, pack, &bo, 0, out, res, err);
  cg_rules_free(pack);
  return rc;
}

int cmd_demo(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "out", required_argument, NULL, 'o' },
    { "force", no_argument, NULL, 'f' },
    { "format", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_batch_result res;
  cg_report_out out;
  const char *out_dir = "reports/demo";
  char *seed = NULL;
  size_t n = 0;
  cli_progress clock; /* never drawn: times the demo for its JSON */
  int c, rc, force = 0, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'o':
      out_dir = optarg;
      break;
    case 'f':
      force = 1;
      break;
    case 'F':
      if((rc = cli_opt_format("demo", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      printf(
          "usage: chipgate [--db PATH] demo [--out DIR] [--force] "
          "[--format text|json]\n\n"
          "Creates a fresh demo database (./chipgate.db by default; an "
          "existing file\nis replaced only if an earlier demo made it, "
          "or with --force)\nfrom db/seed: Epoch AI's chips, demo customers, "
          "licences and orders;\ndecides every order in a batch and "
          "writes the reports to --out\n(default reports/demo).\n\n"
          "Exit status: 0 done, 64 usage (or the database is not a demo's), "
          "66 no db/seed,\n74 cannot write.\n\n"
          "Example:\n"
          "  $ chipgate --db demo2.db demo --out demo2-reports\n");
      return CLI_OK;
    default:
      return cli_bad_option("demo", opts, argv);
    }
  }
  if(optind < argc)
    return cli_usage("demo", "unexpected argument \"%s\"", argv[optind]);
  memset(&out, 0, sizeof(out));
  out.dir = out_dir;
  out.formats = "md,html,json,csv";
  seed = cli_find_dir("db/seed");
  if(!seed) {
    fprintf(stderr, "chipgate: demo: cannot find db/seed\n");
    return CLI_NOINPUT;
  }
  /* A fresh database each time: the demo must not depend on old state,
   * and must never eat a real one. */
  if(!force && !replaceable(cli->db_path)) {
    fprintf(stderr,
            "chipgate: demo: %s exists and is not a demo database: refusing "
            "to replace it (use --db for another file, or --force)\n",
            cli->db_path);
    free(seed);
    return CLI_USAGE;
  }
  cli_progress_init(&clock, "orders", 1);
  rc = demo_db(cli, seed, &db, &n);
  if(rc != CLI_OK)
    goto out;
  if(!json) {
    printf("chipgate demo: %s with %zu chips from Epoch AI\n\n", cli->db_path,
           n);
    printf("Datacenter accelerators (TPP = dense rate x bit length; PD = "
           "TPP / die mm^2):\n\n");
    cli_chip_row_header(stdout);
    rc = cg_chip_each(db, print_if_datacenter, NULL, &err);
  }
  if(rc == CG_OK)
    rc = demo_batch(cli, db, seed, &out, &res, &err);
  if(rc != CG_OK)
    rc = cli_fail(&err);
  else if(json)
    rc = print_json(db, cli->db_path, n, &res, &out,
                    cli_progress_seconds(&clock));
  else
    print_result(&res, out_dir);
out:
  cg_store_close(db);
  free(seed);
  return rc;
}
