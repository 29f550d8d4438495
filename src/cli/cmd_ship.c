/* cmd_ship.c -- `chipgate ship ORDER [--qty N] [--date D]` and `chipgate
 * cancel ORDER --reason TEXT`: what left, and orders that will not. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "decide/lifecycle.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *const ship_help =
    "usage: chipgate ship ORDER [--qty N] [--date YYYY-MM-DD] [--format "
    "text|json]\n\n"
    "Records a shipment of a releasable ORDER: N chips (default: the rest "
    "of the\norder, never more) on DATE (default: today, UTC; not in the "
    "future, and within\nthe licence's validity for a licensed order). "
    "The order is shipped once all of\nit has left.\n\n"
    "Exit status: 0 recorded, 64 usage, 65 not allowed (not releasable, "
    "more than\nis left, a date outside the licence), 66 unknown order.\n\n"
    "Example:\n"
    "  $ chipgate ship O-1001 --qty 100 --date 2026-11-20\n";

static const char *const cancel_help =
    "usage: chipgate cancel ORDER --reason TEXT [--format text|json]\n\n"
    "Cancels ORDER (any state but shipped or cancelled; a partly shipped "
    "order\ncannot be cancelled) and gives back the licence quantity it "
    "drew.\n\n"
    "Exit status: 0 recorded, 64 usage, 65 not allowed (shipped, partly "
    "shipped\nor cancelled), 66 unknown order.\n\n"
    "Example:\n"
    "  $ chipgate cancel O-1013 --reason \"customer withdrew the order\"\n";

/* A JSON object made by the caller's cg_json_set_* chain (bad set when
 * one failed), printed or refused whole. */
static int print_object(cg_json *o, int bad)
{
  if(bad) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

/* {"order_id", "seq", "quantity", "date", "shipped", "ordered", "state"}
 * (docs/cli-json.md) */
static int ship_json(const char *order, const cg_ship_result *r)
{
  cg_json *o = cg_json_object();

  return print_object(o, !o || cg_json_set_str(o, "order_id", order) ||
                             cg_json_set_int(o, "seq", r->seq) ||
                             cg_json_set_int(o, "quantity", r->qty) ||
                             cg_json_set_str(o, "date", r->date) ||
                             cg_json_set_int(o, "shipped", r->shipped) ||
                             cg_json_set_int(o, "ordered", r->ordered) ||
                             cg_json_set_str(o, "state",
                                             r->shipped == r->ordered
                                                 ? "shipped"
                                                 : "releasable"));
}

int cmd_ship(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "qty", required_argument, NULL, 'q' },
    { "date", required_argument, NULL, 'd' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  char date[11] = "";
  cg_ship_result res;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t qty = 0;
  int c, rc, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'q':
      rc = cli_opt_quantity("ship", "--qty", optarg, &qty);
      if(rc != CLI_OK)
        return rc;
      break;
    case 'd':
      rc = cli_opt_date("ship", "--date", optarg, date);
      if(rc != CLI_OK)
        return rc;
      break;
    case 'f':
      if((rc = cli_opt_format("ship", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      fputs(ship_help, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("ship", opts, argv);
    }
  }
  if(argc - optind != 1)
    return cli_usage("ship", "expected ORDER");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_lifecycle_ship(db, argv[optind], qty, date[0] ? date : NULL, &res,
                           &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(json)
    return ship_json(argv[optind], &res);
  printf("shipment #%lld: %lld of %s on %s (%lld of %lld shipped%s)\n",
         (long long)res.seq, (long long)res.qty, argv[optind], res.date,
         (long long)res.shipped, (long long)res.ordered,
         res.shipped == res.ordered ? "; the order is shipped" : "");
  return CLI_OK;
}

int cmd_cancel(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "reason", required_argument, NULL, 'r' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *reason = NULL;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t seq = 0, returned = 0;
  int c, rc, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'r':
      reason = optarg;
      break;
    case 'f':
      if((rc = cli_opt_format("cancel", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      fputs(cancel_help, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("cancel", opts, argv);
    }
  }
  if(argc - optind != 1)
    return cli_usage("cancel", "expected ORDER");
  if(!reason || strspn(reason, " \t") == strlen(reason))
    return cli_usage("cancel", "--reason TEXT is required");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_lifecycle_cancel(db, argv[optind], reason, &seq, &returned, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(json) {
    cg_json *o = cg_json_object();
    /* {"order_id", "seq", "state", "licences_returned"} */
    return print_object(o,
                        !o || cg_json_set_str(o, "order_id", argv[optind]) ||
                            cg_json_set_int(o, "seq", seq) ||
                            cg_json_set_str(o, "state", "cancelled") ||
                            cg_json_set_int(o, "licences_returned", returned));
  }
  printf("cancel #%lld: %s cancelled (%lld licence%s given back)\n",
         (long long)seq, argv[optind], (long long)returned,
         returned == 1 ? "" : "s");
  return CLI_OK;
}
