/* cmd_nac.c -- `chipgate nac ORDER --filed DATE [--ref TEXT]` and `nac
 * ORDER --objection DATE --reason TEXT`: License Exception NAC
 * notifications and BIS's objections, on the audit log. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "decide/lifecycle.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *const nac_help =
    "usage: chipgate nac ORDER --filed DATE [--ref TEXT] [--format "
    "text|json]\n"
    "       chipgate nac ORDER --objection DATE --reason TEXT [--format "
    "text|json]\n"
    "\n"
    "Records the NAC notification filed with BIS on DATE for ORDER (its "
    "decision\n"
    "must be notify; one filing per order), or BIS's objection to it. The "
    "next\n"
    "batch re-decides the order: 25 days after the filing without an "
    "objection it\n"
    "is the NAC exception (releasable); after an objection the licence "
    "requirement\n"
    "stands (an order already released under NAC goes back to open). Dates "
    "are\n"
    "YYYY-MM-DD, not in the future.\n\n"
    "Exit status: 0 recorded, 64 usage, 65 not allowed (the decision is not "
    "notify,\nalready filed, no filing to object to), 66 unknown order.\n\n"
    "Example:\n"
    "  $ chipgate nac O-1015 --filed 2026-11-20 --ref NAC-2026-0042\n";

/* {"order_id", "seq", "event": "filed"|"objection", "date", "ref",
 * "reason"} (docs/cli-json.md) */
static int print_json(const char *order, int64_t seq, const char *filed,
                      const char *objected, const char *ref,
                      const char *reason)
{
  cg_json *o = cg_json_object();
  int bad = !o || cg_json_set_str(o, "order_id", order) ||
            cg_json_set_int(o, "seq", seq) ||
            cg_json_set_str(o, "event", filed[0] ? "filed" : "objection") ||
            cg_json_set_str(o, "date", filed[0] ? filed : objected) ||
            cg_json_set_str(o, "ref", ref) ||
            cg_json_set_str(o, "reason", reason);

  if(bad) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

int cmd_nac(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "filed", required_argument, NULL, 'f' },
    { "ref", required_argument, NULL, 'x' },
    { "objection", required_argument, NULL, 'o' },
    { "reason", required_argument, NULL, 'r' },
    { "format", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *ref = NULL, *reason = NULL;
  char filed[11] = "", objected[11] = "";
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t seq = 0;
  int c, rc, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      rc = cli_opt_date("nac", "--filed", optarg, filed);
      if(rc != CLI_OK)
        return rc;
      break;
    case 'x':
      ref = optarg;
      break;
    case 'o':
      rc = cli_opt_date("nac", "--objection", optarg, objected);
      if(rc != CLI_OK)
        return rc;
      break;
    case 'r':
      reason = optarg;
      break;
    case 'F':
      if((rc = cli_opt_format("nac", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      fputs(nac_help, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("nac", opts, argv);
    }
  }
  if(argc - optind != 1 || !filed[0] == !objected[0])
    return cli_usage("nac", "expected ORDER and one of --filed DATE or "
                            "--objection DATE");
  if(objected[0] &&
     (ref || !reason || strspn(reason, " \t") == strlen(reason)))
    return cli_usage("nac", "--objection takes --reason TEXT (and no "
                            "--ref)");
  if(filed[0] && reason)
    return cli_usage("nac", "--reason goes with --objection");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK && filed[0])
    rc = cg_lifecycle_nac_file(db, argv[optind], filed, ref, &seq, &err);
  else if(rc == CG_OK)
    rc = cg_lifecycle_nac_object(db, argv[optind], objected, reason, &seq,
                                 &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(json)
    return print_json(argv[optind], seq, filed, objected, ref, reason);
  if(filed[0])
    printf("nac #%lld: %s notified on %s%s%s; the next batch re-decides it "
           "(NAC applies 25 days after the filing without an objection)\n",
           (long long)seq, argv[optind], filed, ref ? ", ref " : "",
           ref ? ref : "");
  else
    printf("nac #%lld: BIS objected on %s to the NAC filing of %s; the next "
           "batch re-decides it\n",
           (long long)seq, objected, argv[optind]);
  return CLI_OK;
}
