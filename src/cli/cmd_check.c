/* cmd_check.c -- `chipgate check`: decide one order without recording or
 * consuming anything. Exit status by outcome (0 / 10 / 20). */
#include "core/clock.h"
#include "cli/cmd.h"
#include "decide/decide.h"
#include "core/importer.h"
#include "core/json.h"
#include "model/seed.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The exit status of check for an outcome: 0 go, 10 wait, 20 deny. */
static int outcome_exit(cg_outcome o)
{
  switch(o) {
  case CG_OUT_NOTIFY:
  case CG_OUT_HOLD:
  case CG_OUT_LICENSE_REQUIRED:
    return 10;
  case CG_OUT_DENY:
    return 20;
  default:
    return 0;
  }
}

static void help(void)
{
  printf("usage: chipgate check --chip C --customer P --dest CC [--qty N]\n"
         "         [--date D] [--end-use TEXT] [--role fab|osat|distributor]\n"
         "         [--packager fab_outside_d5mo|approved_osat|other]\n"
         "         [--from-us yes|no] [--customer-hq CC] [--parent NAME]\n"
         "         [--parent-hq CC] [--format text|json]\n\n"
         "Decides one order under the rule pack, without recording it or\n"
         "drawing on licences. --customer names an imported customer; with\n"
         "--customer-hq it may be any name (an ad-hoc customer located and\n"
         "headquartered in CC). --date (alias --as-of) is the order date the\n"
         "rules and country groups are evaluated at (default: today).\n\n"
         "Exit status: 0 nlr/exception/licensed, 10 notify/hold/"
         "license_required,\n20 deny, 64 usage, 65 bad data, 66 unknown chip "
         "or customer.\n");
}

/* Text for people: the decision first, then why. */
static void print_text(const cg_json *doc)
{
  const cg_json *chip = cg_json_get(doc, "chip");
  const cg_json *cust = cg_json_get(doc, "customer");
  const cg_json *rules = cg_json_get(doc, "rules");
  const cg_json *lic = cg_json_get(doc, "license");
  const cg_json *missing = cg_json_get(doc, "missing");
  const char *eccn = cg_json_string_value(cg_json_get(chip, "eccn"));
  char a[32], b[32];
  size_t i;

  printf("%s: %s x %lld to %s for %s (as of %s)\n",
         cg_json_string_value(cg_json_get(doc, "decision")),
         cg_json_string_value(cg_json_get(chip, "name")),
         (long long)cg_json_number_value(
             cg_json_get(doc, "quantity")), /* <= 1e9 */
         cg_json_string_value(cg_json_get(doc, "destination")),
         cg_json_string_value(cg_json_get(cust, "name")),
         cg_json_string_value(cg_json_get(doc, "as_of")));
  printf(
      "  chip: ECCN %s, TPP %s, PD %s\n", eccn ? eccn : "unknown",
      cli_num(a, sizeof(a), cg_json_number_value(cg_json_get(chip, "tpp")), 0),
      cli_num(b, sizeof(b), cg_json_number_value(cg_json_get(chip, "pd")), 2));
  if(cg_json_size(missing) > 0) {
    printf("  missing facts:");
    for(i = 0; i < cg_json_size(missing); i++)
      printf(" %s", cg_json_string_value(cg_json_at(missing, i)));
    printf("\n");
  }
  printf("  why:\n");
  for(i = 0; i < cg_json_size(rules); i++) {
    const cg_json *r = cg_json_at(rules, i);
    const char *rel =
        cg_json_is_true(cg_json_get(r, "relieved")) ? " (relieved by " : NULL;
    printf("    %-16s %-24s %s%s%s%s\n",
           cg_json_string_value(cg_json_get(r, "outcome")),
           cg_json_string_value(cg_json_get(r, "id")),
           cg_json_string_value(cg_json_get(r, "reason")), rel ? rel : "",
           rel ? cg_json_string_value(cg_json_get(r, "relieved_by")) : "",
           rel ? ")" : "");
    printf("    %-16s %-24s [%s]\n", "", "",
           cg_json_string_value(cg_json_get(r, "cite")));
  }
  {
    const cg_json *hits = cg_json_get(doc, "screening");
    for(i = 0; i < cg_json_size(hits); i++) {
      const cg_json *h = cg_json_at(hits, i);
      printf("  screening: %.2f %s %s \"%s\" on %s (%s; entry %s, %s)%s\n",
             cg_json_number_value(cg_json_get(h, "score")),
             cg_json_is_true(cg_json_get(h, "sure")) ? "sure" : "possible",
             cg_json_string_value(cg_json_get(h, "party")),
             cg_json_string_value(cg_json_get(h, "name")),
             cg_json_string_value(cg_json_get(h, "list")),
             cg_json_string_value(cg_json_get(h, "license_policy")),
             cg_json_string_value(cg_json_get(h, "entry_id")),
             cg_json_string_value(cg_json_get(h, "federal_register_notice")),
             cg_json_is_true(cg_json_get(h, "cleared")) ? " [cleared]" : "");
    }
  }
  if(cg_json_type(lic) == CG_JSON_OBJECT)
    printf("  licence: %s (%s)\n",
           cg_json_string_value(cg_json_get(lic, "number")),
           cg_json_string_value(cg_json_get(lic, "kind")));
  printf("  ruleset %s\n", cg_json_string_value(cg_json_get(doc, "ruleset")));
}

int cmd_check(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "chip", required_argument, NULL, 'c' },
    { "customer", required_argument, NULL, 'p' },
    { "dest", required_argument, NULL, 'd' },
    { "qty", required_argument, NULL, 'q' },
    { "date", required_argument, NULL, 't' },
    { "as-of", required_argument, NULL, 't' },
    { "end-use", required_argument, NULL, 'e' },
    { "role", required_argument, NULL, 'r' },
    { "packager", required_argument, NULL, 'k' },
    { "from-us", required_argument, NULL, 'u' },
    { "customer-hq", required_argument, NULL, 'H' },
    { "parent", required_argument, NULL, 'P' },
    { "parent-hq", required_argument, NULL, 'Q' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *chip_name = NULL, *cust_name = NULL, *dest = NULL;
  const char *hq = NULL, *parent = NULL, *parent_hq = NULL;
  cg_order o;
  cg_customer cu;
  cg_chip chip;
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_rules *pack = NULL;
  cg_decider *dec = NULL;
  cg_decide_doc dn = { 0 };
  int json = 0, c, rc, status;
  char *end;

  cg_order_init(&o);
  cg_customer_init(&cu);
  cg_chip_init(&chip);
  o.quantity = 1;
  cg_clock_today(o.ship_date);
  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'c':
      chip_name = optarg;
      break;
    case 'p':
      cust_name = optarg;
      break;
    case 'd':
      dest = optarg;
      break;
    case 'q':
      errno = 0;
      o.quantity = strtoll(optarg, &end, 10);
      if(*end || end == optarg || o.quantity <= 0 || errno == ERANGE ||
         o.quantity > CG_IMPORT_MAX_QTY)
        return cli_usage("check",
                         "--qty must be a whole number from 1 to "
                         "1000000000, not \"%s\"",
                         optarg);
      break;
    case 't':
      if(!cg_date_valid(optarg))
        return cli_usage("check",
                         "--date \"%s\" is not a date "
                         "(YYYY-MM-DD)",
                         optarg);
      snprintf(o.ship_date, sizeof(o.ship_date), "%s", optarg);
      break;
    case 'e':
      snprintf(o.end_use, sizeof(o.end_use), "%s", optarg);
      break;
    case 'r':
      if(strcmp(optarg, "fab") && strcmp(optarg, "osat") &&
         strcmp(optarg, "distributor"))
        return cli_usage("check", "--role must be fab, osat or "
                                  "distributor");
      snprintf(o.role, sizeof(o.role), "%s", optarg);
      break;
    case 'k':
      if(strcmp(optarg, "fab_outside_d5mo") &&
         strcmp(optarg, "approved_osat") && strcmp(optarg, "other"))
        return cli_usage("check", "--packager must be fab_outside_d5mo, "
                                  "approved_osat or other");
      snprintf(o.packager, sizeof(o.packager), "%s", optarg);
      break;
    case 'u':
      if(!strcmp(optarg, "yes"))
        o.export_from_us = 1;
      else if(!strcmp(optarg, "no"))
        o.export_from_us = 0;
      else
        return cli_usage("check", "--from-us must be yes or no");
      break;
    case 'H':
      hq = optarg;
      break;
    case 'P':
      parent = optarg;
      break;
    case 'Q':
      parent_hq = optarg;
      break;
    case 'f':
      json = cli_parse_format(optarg);
      if(json < 0)
        return cli_usage("check", "--format must be text or json");
      break;
    case 'h':
      help();
      return CLI_OK;
    default:
      return cli_usage("check", "bad option");
    }
  }
  if(optind < argc)
    return cli_usage("check", "unexpected argument \"%s\"", argv[optind]);
  if(!chip_name || !cust_name || !dest)
    return cli_usage("check", "--chip, --customer and --dest are required");
  if(strspn(cust_name, " \t") == strlen(cust_name))
    return cli_usage("check", "--customer is empty");
  if(parent_hq && !parent)
    parent = "(parent)";

  rc = cli_open_db(cli, &db, 0, &err);
  if(rc != CG_OK)
    return cli_fail(&err);
  {
    const char *opt = "--dest";
    rc = cg_country_check(db, dest, &err);
    if(rc == CG_OK && hq) {
      opt = "--customer-hq";
      rc = cg_country_check(db, hq, &err);
    }
    if(rc == CG_OK && parent_hq) {
      opt = "--parent-hq";
      rc = cg_country_check(db, parent_hq, &err);
    }
    if(rc == CG_ENOTFOUND) {
      status = cli_usage("check", "%s: %s", opt, err.msg);
      goto out;
    }
  }
  if(rc == CG_OK && (hq || parent)) {
    /* Ad-hoc options describe a customer that is not imported; they must
     * never quietly override what the database says about one that is. */
    cg_customer known;
    int found = cg_customer_get(db, cust_name, &known, NULL) == CG_OK;
    cg_customer_clear(&known);
    if(found) {
      status = cli_usage("check",
                         "\"%s\" is an imported customer: its HQ and parent "
                         "come from the database (drop --customer-hq, "
                         "--parent, --parent-hq)",
                         cust_name);
      goto out;
    }
  }
  snprintf(o.destination, sizeof(o.destination), "%s", dest);
  if(rc == CG_OK)
    rc = cg_chip_get(db, chip_name, &chip, &err);
  if(rc == CG_OK && hq) {
    /* Ad hoc: a customer that is not (or need not be) imported. */
    cu.name = strdup(cust_name);
    memcpy(cu.country, hq, 3);
    memcpy(cu.hq_country, hq, 3);
    if(parent) {
      cu.parent = strdup(parent);
      if(parent_hq)
        memcpy(cu.parent_hq_country, parent_hq, 3);
    }
  }
  else if(rc == CG_OK) {
    rc = cg_customer_get(db, cust_name, &cu, &err);
    if(rc == CG_ENOTFOUND)
      snprintf(err.msg, sizeof(err.msg),
               "unknown customer \"%s\" (import it, or describe it with "
               "--customer-hq CC)",
               cust_name);
  }
  if(rc == CG_OK)
    rc = cg_rules_load_dir(&pack, cli->rules_dir, NULL, &err);
  if(rc == CG_OK)
    rc = cg_decider_open(&dec, db, pack, NULL, &err);
  if(rc == CG_OK)
    rc = cg_decide(dec, &o, &cu, &chip, 0, &dn, &err);
  if(rc != CG_OK) {
    status = cli_fail(&err);
    goto out;
  }
  if(json) {
    cg_json_dumpf(stdout, dn.doc, CG_JSON_PRETTY, NULL);
    putchar('\n');
  }
  else {
    print_text(dn.doc);
  }
  status = outcome_exit(dn.outcome);
out:
  cg_json_free(dn.doc);
  cg_decider_close(dec);
  cg_rules_free(pack);
  cg_chip_clear(&chip);
  cg_customer_clear(&cu);
  cg_store_close(db);
  return status;
}
