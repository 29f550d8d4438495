/* cmd_review.c -- `chipgate review ORDER --release|--block --reason TEXT
 * [--reviewer NAME]`: a reviewer's decision on an order on hold. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "decide/lifecycle.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const review_help =
    "usage: chipgate review ORDER --release|--block --reason TEXT "
    "[--reviewer NAME]\n"
    "         [--format text|json]\n\n"
    "Records REVIEWER's (default: your login name) review of ORDER, whose "
    "current\ndecision is hold. --release makes it releasable where the "
    "hold came from\nsomething a person may settle (company policy, red "
    "flags, the fab review, the\nUVL statement, a possible list match); a "
    "hold on unknown facts needs the facts,\nand a sure list hit needs "
    "two different reviewers. --block records a refusal:\nthe order stays "
    "open and a release needs a new review. Each review is an entry\nof "
    "the audit log.\n\n"
    "Exit status: 0 recorded, 64 usage, 65 the order may not be reviewed "
    "(not on\nhold, or a hold no review settles), 66 unknown order.\n\n"
    "Example:\n"
    "  $ chipgate review O-1041 --release --reviewer \"A. Officer\" "
    "--reason \"other address\"\n";

/* {"order_id", "seq", "reviewer", "action", "released", "releases",
 * "needed"} (docs/cli-json.md) */
static int print_json(const char *order, int release, const char *reviewer,
                      const cg_review_result *res)
{
  cg_json *o = cg_json_object();
  int bad = !o || cg_json_set_str(o, "order_id", order) ||
            cg_json_set_int(o, "seq", res->seq) ||
            cg_json_set_str(o, "reviewer", reviewer) ||
            cg_json_set_str(o, "action", release ? "release" : "block") ||
            cg_json_set_bool(o, "released", res->released) ||
            cg_json_set_int(o, "releases", res->releases) ||
            cg_json_set_int(o, "needed", res->needed);

  if(bad) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

int cmd_review(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "release", no_argument, NULL, 'R' },
    { "block", no_argument, NULL, 'B' },
    { "reason", required_argument, NULL, 'r' },
    { "reviewer", required_argument, NULL, 'w' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *reason = NULL, *reviewer = NULL;
  cg_review_result res;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int c, rc, release = 0, block = 0, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'R':
      release = 1;
      break;
    case 'B':
      block = 1;
      break;
    case 'r':
      reason = optarg;
      break;
    case 'w':
      reviewer = optarg;
      break;
    case 'f':
      if((rc = cli_opt_format("review", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      fputs(review_help, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("review", opts, argv);
    }
  }
  if(argc - optind != 1 || release == block)
    return cli_usage("review", "expected ORDER and one of --release or "
                               "--block");
  if(!reason || strspn(reason, " \t") == strlen(reason))
    return cli_usage("review", "--reason TEXT is required");
  if(!reviewer)
    reviewer = cli_login_name();
  if(!reviewer || !*reviewer)
    return cli_usage("review", "no login name: give --reviewer NAME");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_lifecycle_review(db, argv[optind], release, reviewer, reason, &res,
                             &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(json)
    return print_json(argv[optind], release, reviewer, &res);
  if(!release)
    printf("review #%lld: %s blocked %s; it stays on hold\n",
           (long long)res.seq, reviewer, argv[optind]);
  else if(res.released)
    printf("review #%lld: %s released %s; it is releasable\n",
           (long long)res.seq, reviewer, argv[optind]);
  else
    printf("review #%lld: %s released %s (%d of %d reviewers); it stays on "
           "hold until a different reviewer releases it\n",
           (long long)res.seq, reviewer, argv[optind], res.releases,
           res.needed);
  return CLI_OK;
}
