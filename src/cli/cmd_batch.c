/* cmd_batch.c -- `chipgate batch`: decide every pending order, record it
 * in the audit log, and write the reports. */
#include "decide/batch.h"
#include "decide/audit.h"
#include "cli/cmd.h"
#include "cli/opts.h"
#include "report/report.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
  struct timespec start; /* when deciding began */
  int shown;             /* a bar is on screen */
} progress;

static double since(const struct timespec *t0)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) +
         (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* count, rate and ETA on one redrawn stderr line */
static void show_progress(void *arg, int64_t done, int64_t total)
{
  progress *p = arg;
  double secs = since(&p->start);
  double rate = secs > 0 ? (double)done / secs : 0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0;
  int width = 30, filled = total > 0 ? (int)(width * done / total) : width;

  fprintf(stderr, "\r[%.*s%*s] %lld/%lld  %.0f orders/s  ETA %.0fs ", filled,
          "##############################", width - filled, "",
          (long long)done, (long long)total, rate, eta);
  p->shown = 1;
}

/* The options of `batch`. */
typedef struct batch_args {
  cg_batch_opts bo;    /* as-of, MFU, progress */
  char as_of[11];      /* --as-of, bo.as_of points here */
  const char *out_dir; /* --out, or NULL */
  const char *formats; /* --formats */
  int all;             /* --all */
  int quiet;           /* --quiet */
} batch_args;

/* Parses argv into a; returns -1 to go on, else the exit status. */
static int parse(batch_args *a, int argc, char **argv)
{
  static const struct option opts[] = {
    { "pending", no_argument, NULL, 'p' },
    { "all", no_argument, NULL, 'a' },
    { "out", required_argument, NULL, 'o' },
    { "formats", required_argument, NULL, 'F' },
    { "as-of", required_argument, NULL, 't' },
    { "mfu", required_argument, NULL, 'm' },
    { "quiet", no_argument, NULL, 'q' },
    { "recheck-all", no_argument, NULL, 'R' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  char *end;
  int c, rc;

  while((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
    switch(c) {
    case 'p':
    case 'a':
      a->all = c == 'a';
      break;
    case 'o':
      a->out_dir = optarg;
      break;
    case 'F':
      a->formats = optarg;
      break;
    case 't':
      rc = cli_opt_date("batch", "--as-of", optarg, a->as_of);
      if(rc != CLI_OK)
        return rc;
      a->bo.as_of = a->as_of;
      break;
    case 'm':
      a->bo.mfu = strtod(optarg, &end);
      if(*end || end == optarg || !(a->bo.mfu > 0 && a->bo.mfu <= 1))
        return cli_usage("batch", "--mfu must be in (0, 1]");
      break;
    case 'q':
      a->quiet = 1;
      break;
    case 'R':
      a->bo.recheck_all = 1;
      break;
    case 'h':
      printf("usage: chipgate batch [--pending|--all] [--out DIR]\n"
             "         [--formats md,html,json,csv] [--as-of D] [--mfu X] "
             "[--recheck-all]\n         [--quiet]\n\n"
             "Decides every pending order (in order_id order), consuming "
             "licence\nquantities, and records each decision in the audit "
             "log. Then\nre-decides every open or releasable order (not "
             "shipped or cancelled)\nwhose inputs changed since its last "
             "decision: a licence, a clearance,\na NAC filing, the lists, "
             "the rule pack, the order's, customer's or\nchip's facts "
             "(--recheck-all: every such order). The new decision\n"
             "supersedes the last; both stay in the log. With --out, writes "
             "the\nreports of this batch (--all: of every decision in the "
             "log).\n--as-of evaluates every order at that date instead of "
             "its ship date.\n");
      return CLI_OK;
    default:
      return cli_usage("batch", "bad option");
    }
  }
  if(optind < argc)
    return cli_usage("batch", "unexpected argument \"%s\"", argv[optind]);
  return -1;
}

/* --out and --formats, checked before anything is decided. */
static int check_out(const batch_args *a, cg_error *err)
{
  char list[128], *save = NULL, *tok;

  if(!a->out_dir)
    return CG_OK;
  snprintf(list, sizeof(list), "%s", a->formats ? a->formats : "");
  for(tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    if(cg_report_format(tok) < 0)
      return cg_error_set(err, CG_EUSAGE,
                          "--formats: unknown format \"%s\" (md, html, "
                          "json, csv)",
                          tok);
  if(strlen(a->out_dir) >= 1024)
    return cg_error_set(err, CG_EUSAGE, "--out: path too long");
  return CG_OK;
}

static void print_result(const cg_batch_result *res, double secs)
{
  printf("batch %lld: decided %lld orders in %.2fs (%lld re-decided of "
         "%lld looked at again; nlr %lld, exception "
         "%lld, licensed %lld, notify %lld, hold %lld, license_required "
         "%lld, deny %lld)\n",
         (long long)res->batch_id, (long long)res->decided, secs,
         (long long)res->redecided, (long long)res->rechecked,
         (long long)res->by_outcome[CG_OUT_NLR],
         (long long)res->by_outcome[CG_OUT_EXCEPTION],
         (long long)res->by_outcome[CG_OUT_LICENSED],
         (long long)res->by_outcome[CG_OUT_NOTIFY],
         (long long)res->by_outcome[CG_OUT_HOLD],
         (long long)res->by_outcome[CG_OUT_LICENSE_REQUIRED],
         (long long)res->by_outcome[CG_OUT_DENY]);
}

int cmd_batch(cg_cli *cli, int argc, char **argv)
{
  batch_args a = { CG_BATCH_OPTS_INIT, "", NULL, "md,html,json,csv", 0, 0 };
  cg_batch_result res;
  cg_report_out out;
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_rules *pack = NULL;
  progress prog = { { 0, 0 }, 0 };
  int rc = parse(&a, argc, argv), status = CLI_OK;

  if(rc >= 0)
    return rc;
  memset(&out, 0, sizeof(out));
  out.dir = a.out_dir;
  out.formats = a.formats;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cli_load_rules(cli, &pack, NULL, &err);
  if(rc == CG_OK)
    rc = check_out(&a, &err);
  if(rc == CG_OK && !a.quiet && isatty(STDERR_FILENO)) {
    a.bo.progress = show_progress;
    a.bo.progress_arg = &prog;
  }
  clock_gettime(CLOCK_MONOTONIC, &prog.start);
  if(rc == CG_OK)
    rc = cg_report_run_batch(db, pack, &a.bo, a.all, a.out_dir ? &out : NULL,
                             &res, &err);
  if(prog.shown)
    fputc('\n', stderr);
  if(rc != CG_OK)
    status = cli_fail(&err);
  else if(!a.quiet) {
    cg_audit_head h;
    char t[CG_AUDIT_HEAD_TEXT];
    cli_print_paths(&out.paths);
    print_result(&res, since(&prog.start));
    /* keep it: `audit verify --anchor` proves nothing after was removed */
    if(cg_audit_head_get(db, &h, &err) == CG_OK)
      printf("audit head %s\n", cg_audit_head_text(&h, t));
  }
  cg_rules_free(pack);
  cg_store_close(db);
  return status;
}
