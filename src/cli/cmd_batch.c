/* cmd_batch.c -- `chipgate batch`: decide every pending order, record it
 * in the audit log, and write the reports. */
#include "decide/batch.h"
#include "decide/audit.h"
#include "cli/cmd.h"
#include "cli/opts.h"
#include "cli/progress.h"
#include "core/json.h"
#include "report/report.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The options of `batch`. */
typedef struct batch_args {
  cg_batch_opts bo;    /* as-of, MFU, progress */
  char as_of[11];      /* --as-of, bo.as_of points here */
  const char *out_dir; /* --out, or NULL */
  const char *formats; /* --formats */
  int all;             /* --all */
  int quiet;           /* --quiet */
  int json;            /* --format json */
} batch_args;

static const char help_text[] =
    "usage: chipgate batch [--pending|--all] [--out DIR]\n"
    "         [--formats md,html,json,csv] [--as-of D] [--mfu X] "
    "[--recheck-all]\n"
    "         [--format text|json] [--quiet]\n\n"
    "Decides every pending order (in order_id order), consuming licence\n"
    "quantities, and records each decision in the audit log. Then\n"
    "re-decides every open or releasable order (not shipped or cancelled)\n"
    "whose inputs changed since its last decision: a licence, a clearance,\n"
    "a NAC filing, the lists, the rule pack, the order's, customer's or\n"
    "chip's facts (--recheck-all: every such order). The new decision\n"
    "supersedes the last; both stay in the log. With --out, writes the\n"
    "reports of this batch (--all: of every order's current decision).\n"
    "--as-of evaluates every order at that date instead of its ship date.\n"
    "With nothing to decide it says so, records no batch and writes no\n"
    "batch report (exit 0).\n\n"
    "On a terminal a progress line (orders, rate, ETA) is drawn on stderr;\n"
    "--quiet turns it and the text summary off. --format json prints the\n"
    "summary as one JSON object instead (batch, decided, redecided,\n"
    "rechecked, by_outcome, ruleset, reports, audit_head, seconds).\n\n"
    "Examples:\n"
    "  $ chipgate batch\n"
    "  $ chipgate batch --recheck-all --format json\n";

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
    { "format", required_argument, NULL, 'j' },
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
    case 'j':
      a->json = cli_parse_format(optarg);
      if(a->json < 0)
        return cli_usage("batch",
                         "--format must be text or json, not \"%s\" (the "
                         "report files' formats go in --formats)",
                         optarg);
      break;
    case 'R':
      a->bo.recheck_all = 1;
      break;
    case 'h':
      fputs(help_text, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("batch", opts, argv);
    }
  }
  if(optind < argc)
    return cli_usage("batch", "unexpected argument \"%s\"", argv[optind]);
  return -1;
}

/* --out and --formats, checked before anything is opened (--formats
 * even without --out: a typo there is a typo). */
static int check_out(const batch_args *a, cg_error *err)
{
  char list[128], *save = NULL, *tok;

  if(strlen(a->formats) >= sizeof(list) || !a->formats[0])
    return cg_error_set(err, CG_EUSAGE,
                        "--formats \"%s\": give a comma-separated list of "
                        "md, html, json, csv",
                        a->formats);
  snprintf(list, sizeof(list), "%s", a->formats);
  for(tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    if(cg_report_format(tok) < 0)
      return cg_error_set(err, CG_EUSAGE,
                          "--formats: unknown format \"%s\" (md, html, "
                          "json, csv)",
                          tok);
  if(a->out_dir && strlen(a->out_dir) >= 1024)
    return cg_error_set(err, CG_EUSAGE, "--out: path too long");
  return CG_OK;
}

/* The one-line summary of a batch that decided something. */
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

struct cg_json *cli_batch_json(const cg_batch_result *res,
                               const cg_report_paths *paths, const char *head,
                               double secs)
{
  cg_json *o = cg_json_object(), *by = cg_json_object();
  int k, bad = !o || !by;

  for(k = CG_OUT_NLR; !bad && k <= CG_OUT_DENY; k++)
    bad = cg_json_set_int(by, cg_outcome_name((cg_outcome)k),
                          res->by_outcome[k]) != CG_OK;
  bad = bad ||
        cg_json_set(o, "batch",
                    res->batch_id ? cg_json_int(res->batch_id)
                                  : cg_json_null()) != CG_OK ||
        cg_json_set_int(o, "decided", res->decided) != CG_OK ||
        cg_json_set_int(o, "redecided", res->redecided) != CG_OK ||
        cg_json_set_int(o, "rechecked", res->rechecked) != CG_OK;
  if(!bad) {
    bad = cg_json_set(o, "by_outcome", by) != CG_OK;
    by = NULL;
  }
  bad = bad || cg_json_set_str(o, "ruleset", res->ruleset) != CG_OK ||
        cg_json_set(o, "reports", cli_paths_json(paths)) != CG_OK ||
        cg_json_set_str(o, "audit_head", head) != CG_OK ||
        cg_json_set_num(o, "seconds", secs) != CG_OK;
  cg_json_free(by);
  if(bad) {
    cg_json_free(o);
    return NULL;
  }
  return o;
}

/* The summary, in text or JSON: what was decided (or that nothing was),
 * the files written and the audit head after it. */
static int summary(cg_store *db, const batch_args *a,
                   const cg_batch_result *res, const cg_report_out *out,
                   double secs)
{
  char t[CG_AUDIT_HEAD_TEXT] = "";
  cg_audit_head h;
  cg_error err = { 0 };

  if(cg_audit_head_get(db, &h, &err) == CG_OK)
    cg_audit_head_text(&h, t);
  if(a->json)
    return cli_print_json(
        cli_batch_json(res, &out->paths, t[0] ? t : NULL, secs));
  if(a->quiet)
    return CLI_OK;
  cli_print_paths(&out->paths);
  if(res->batch_id == 0)
    printf("batch: nothing to decide (%lld open orders looked at again, "
           "none changed); no batch recorded\n",
           (long long)res->rechecked);
  else
    print_result(res, secs);
  /* keep it: `audit verify --anchor` proves nothing after was removed */
  if(t[0])
    printf("audit head %s\n", t);
  return CLI_OK;
}

int cmd_batch(cg_cli *cli, int argc, char **argv)
{
  batch_args a = { CG_BATCH_OPTS_INIT, "", NULL, "md,html,json,csv", 0, 0, 0 };
  cg_batch_result res;
  cg_report_out out;
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_rules *pack = NULL;
  cli_progress prog;
  int rc = parse(&a, argc, argv), status = CLI_OK;

  if(rc >= 0)
    return rc;
  /* Every value checked before the database is opened. */
  if(check_out(&a, &err) != CG_OK)
    return cli_usage("batch", "%s", err.msg);
  memset(&out, 0, sizeof(out));
  out.dir = a.out_dir;
  out.formats = a.formats;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cli_load_rules(cli, &pack, NULL, &err);
  cli_progress_init(&prog, "orders", a.quiet);
  a.bo.progress = cli_progress_fn_of(&prog);
  a.bo.progress_arg = &prog;
  if(rc == CG_OK)
    rc = cg_report_run_batch(db, pack, &a.bo, a.all, a.out_dir ? &out : NULL,
                             &res, &err);
  cli_progress_end(&prog);
  if(rc != CG_OK)
    status = cli_fail(&err);
  else
    status = summary(db, &a, &res, &out, cli_progress_seconds(&prog));
  cg_rules_free(pack);
  cg_store_close(db);
  return status;
}
