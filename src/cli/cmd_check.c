/* cmd_check.c -- `chipgate check`: decide one order without recording or
 * consuming anything. Exit status by outcome (0 / 10 / 20). Three steps:
 * parse the options, find the parties and decide, print (the decision's
 * bytes for --format json, text for people otherwise). */
#include "cli/cmd.h"
#include "core/text.h"
#include "cli/opts.h"
#include "core/clock.h"
#include "decide/decide.h"

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
         "         [--parent-hq CC] [--end-use-country CC]\n"
         "         [--end-user-hq CC] [--format text|json]\n\n"
         "Decides one order under the rule pack, without recording it or\n"
         "drawing on licences. --customer names an imported customer; with\n"
         "--customer-hq it may be any name (an ad-hoc customer located and\n"
         "headquartered in CC). --date (alias --as-of) is the order date the\n"
         "rules and country groups are evaluated at (default: today).\n"
         "--end-use-country is where the items will be used (default: the\n"
         "destination); --end-user-hq the end user's ultimate headquarters\n"
         "(default: the customer's ultimate parent's).\n\n"
         "Exit status: 0 nlr/exception/licensed, 10 notify/hold/"
         "license_required,\n20 deny, 64 usage, 65 bad data, 66 unknown chip "
         "or customer.\n\n"
         "Examples:\n"
         "  $ chipgate check --chip \"NVIDIA H100 SXM5 80GB\" --customer "
         "\"Nordic AI Cloud AB\" --dest se --qty 8\n"
         "  $ chipgate check --chip \"NVIDIA H100 SXM5 80GB\" --customer "
         "\"Acme Compute\" --customer-hq CN --dest CN --format json # exit "
         "20\n");
}

/* printf's "%s" of a string that may be unknown, as glibc prints it. */
static const char *str(const char *s)
{
  return s ? s : "(null)";
}

/* Each licence on file and why it did or did not cover the order. */
static void print_checks(const cg_decision *dn)
{
  size_t i, k;

  if(dn->nlicense_checks)
    printf("  licences on file:\n");
  for(i = 0; i < dn->nlicense_checks; i++) {
    const cg_decision_license_check *c = &dn->license_checks[i];
    printf("    %s (%s): ", str(c->number), str(c->kind));
    if(c->covers)
      printf("covers the order%s\n", c->used ? " [used]" : "");
    else
      printf("does not cover the order\n");
    for(k = 0; k < c->nreasons; k++)
      printf("      - %s\n", str(c->reasons[k].text));
  }
}

/* Text for people: the decision first, then why. */
static void print_text(const cg_decision *dn)
{
  char a[32], b[32];
  size_t i, k;
  int f;

  const char *out = cg_outcome_name(dn->decision);

  printf("%s%s%s: %s x %lld to %s for %s (as of %s)\n",
         cli_sgr_outcome(stdout, out), str(out), cli_sgr_reset(stdout),
         str(dn->chip.name), (long long)dn->quantity, str(dn->destination),
         str(dn->customer.name), str(dn->as_of));
  printf("  chip: ECCN %s, TPP %s, PD %s\n",
         dn->chip.eccn ? dn->chip.eccn : "unknown",
         cli_num(a, sizeof(a), dn->chip.tpp, 0),
         cli_num(b, sizeof(b), dn->chip.pd, 2));
  for(i = 0; i < dn->nalts; i++)
    printf("  otherwise %s if %s\n", str(dn->alts[i].outcome),
           str(dn->alts[i].when));
  if(dn->missing) {
    printf("  missing facts:");
    for(f = 0; f < CG_F_COUNT && f < 64; f++)
      if(dn->missing & ((uint64_t)1 << f))
        printf(" %s", cg_fact_name(f));
    printf("\n");
  }
  printf("  why:\n");
  for(i = 0; i < dn->nrules; i++) {
    const cg_decision_rule *r = &dn->rules[i];
    /* a rule whose condition is unknown decides nothing by itself: the
     * decision above already weighed what it could be */
    printf("    %-16s %-24s %s%s%s%s\n",
           r->condition == CG_COND_UNKNOWN && r->action != CG_ACT_CLASSIFY
               ? "undecided"
               : str(r->outcome),
           str(r->id), str(r->reason), r->relieved ? " (relieved by " : "",
           r->relieved ? str(r->relieved_by) : "", r->relieved ? ")" : "");
    printf("    %-16s %-24s [%s]\n", "", "", str(r->cite));
  }
  for(i = 0; i < dn->nhits; i++) {
    const cg_decision_hit *h = &dn->hits[i];
    char score[64];
    /* the score cut, never rounded up to the 0.95 of a sure hit; fields
     * the list leaves empty are left out, not printed as "(; , )" */
    printf("  screening: %s %s %s \"%s\" on %s [entry %s",
           cg_text_num(score, sizeof(score), h->score, 2),
           h->sure ? "sure" : "possible", h->on_parent ? "parent" : "customer",
           str(h->name), str(h->list), str(h->entry_id));
    if(h->license_policy && *h->license_policy)
      printf("; %s", h->license_policy);
    if(h->federal_register_notice && *h->federal_register_notice)
      printf("; FR %s", h->federal_register_notice);
    printf("]%s\n", h->cleared ? " [cleared]" : "");
    for(k = 0; k < h->nclearances; k++)
      printf("    clearance %lld by %s at %s: %s\n",
             (long long)h->clearances[k].id, str(h->clearances[k].reviewer),
             str(h->clearances[k].cleared_at), str(h->clearances[k].reason));
  }
  if(dn->license.present)
    printf("  licence: %s (%s)\n", str(dn->license.number),
           str(dn->license.kind));
  print_checks(dn);
  printf("  ruleset %s\n", str(dn->ruleset));
}

/* What the command line asked for. */
typedef struct check_args {
  const char *chip;     /* --chip */
  const char *customer; /* --customer */
  char *dest;           /* --dest */
  char *hq;             /* --customer-hq: an ad-hoc customer */
  const char *parent;   /* --parent */
  char *parent_hq;      /* --parent-hq */
  char *use_cc;         /* --end-use-country */
  char *user_hq;        /* --end-user-hq */
  int json;             /* --format json */
  cg_order o;           /* the order, destination still unset */
} check_args;

/* The options of check (getopt_long). */
static const struct option check_opts[] = {
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
  { "end-use-country", required_argument, NULL, 'U' },
  { "end-user-hq", required_argument, NULL, 'E' },
  { "format", required_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 }
};
/* Parses argv into *a. Returns -1 to go on, else the exit status (help
 * printed, or a usage error). */
static int parse_args(int argc, char **argv, check_args *a)
{

  static const char *const roles[] = { "fab", "osat", "distributor", NULL };
  static const char *const packagers[] = { "fab_outside_d5mo", "approved_osat",
                                           "other", NULL };
  static const char *const yesno[] = { "yes", "no", NULL };
  const char *v = NULL;
  int c, st = CLI_OK;

  while(st == CLI_OK &&
        (c = getopt_long(argc, argv, "h", check_opts, NULL)) != -1) {
    switch(c) {
    case 'c':
      a->chip = optarg;
      break;
    case 'p':
      a->customer = optarg;
      break;
    case 'd':
      a->dest = optarg;
      break;
    case 'q':
      st = cli_opt_quantity("check", "--qty", optarg, &a->o.quantity);
      break;
    case 't':
      st = cli_opt_date("check", "--date", optarg, a->o.ship_date);
      break;
    case 'e':
      snprintf(a->o.end_use, sizeof(a->o.end_use), "%s", optarg);
      break;
    case 'r':
      st = cli_opt_choice("check", "--role", optarg, roles, &v);
      if(st == CLI_OK)
        snprintf(a->o.role, sizeof(a->o.role), "%s", v);
      break;
    case 'k':
      st = cli_opt_choice("check", "--packager", optarg, packagers, &v);
      if(st == CLI_OK)
        snprintf(a->o.packager, sizeof(a->o.packager), "%s", v);
      break;
    case 'u':
      st = cli_opt_choice("check", "--from-us", optarg, yesno, &v);
      if(st == CLI_OK)
        a->o.export_from_us = v == yesno[0];
      break;
    case 'H':
      a->hq = optarg;
      break;
    case 'P':
      a->parent = optarg;
      break;
    case 'Q':
      a->parent_hq = optarg;
      break;
    case 'U':
      a->use_cc = optarg;
      break;
    case 'E':
      a->user_hq = optarg;
      break;
    case 'f':
      st = cli_opt_format("check", optarg, &a->json);
      break;
    case 'h':
      help();
      return CLI_OK;
    default:
      return cli_bad_option("check", check_opts, argv);
    }
  }
  if(st != CLI_OK)
    return st;
  if(optind < argc)
    return cli_usage("check", "unexpected argument \"%s\"", argv[optind]);
  if(!a->chip || !a->customer || !a->dest)
    return cli_usage("check", "--chip, --customer and --dest are required");
  if(strspn(a->customer, " \t") == strlen(a->customer))
    return cli_usage("check", "--customer is empty");
  if(a->parent_hq && !a->parent)
    a->parent = "(parent)";
  return -1;
}

/* Checks the countries and finds the chip and the customer (imported, or
 * described by the ad-hoc options). Returns -1 to go on, else the exit
 * status. */
static int find_parties(cg_store *db, check_args *a, cg_chip *chip,
                        cg_customer *cu)
{
  cg_error err = { 0 };
  int st, rc;

  st = cli_opt_country(db, "check", "--dest", a->dest);
  if(st == CLI_OK && a->hq)
    st = cli_opt_country(db, "check", "--customer-hq", a->hq);
  if(st == CLI_OK && a->parent_hq)
    st = cli_opt_country(db, "check", "--parent-hq", a->parent_hq);
  if(st == CLI_OK && a->use_cc)
    st = cli_opt_country(db, "check", "--end-use-country", a->use_cc);
  if(st == CLI_OK && a->user_hq)
    st = cli_opt_country(db, "check", "--end-user-hq", a->user_hq);
  if(st != CLI_OK)
    return st;
  if(a->use_cc)
    memcpy(a->o.end_use_country, a->use_cc, 3);
  if(a->user_hq)
    memcpy(a->o.end_user_hq, a->user_hq, 3);
  if(a->hq || a->parent) {
    /* Ad-hoc options describe a customer that is not imported; they must
     * never quietly override what the database says about one that is. */
    cg_customer known;
    int found = cg_customer_get(db, a->customer, &known, NULL) == CG_OK;
    cg_customer_clear(&known);
    if(found)
      return cli_usage("check",
                       "\"%s\" is an imported customer: its HQ and parent "
                       "come from the database (drop --customer-hq, "
                       "--parent, --parent-hq)",
                       a->customer);
  }
  snprintf(a->o.destination, sizeof(a->o.destination), "%s", a->dest);
  rc = cg_chip_get(db, a->chip, chip, &err);
  if(rc == CG_ENOTFOUND)
    return cli_unknown_chip(db, a->chip);
  if(rc == CG_OK && a->hq) {
    /* Ad hoc: a customer that is not (or need not be) imported. */
    cu->name = strdup(a->customer);
    memcpy(cu->country, a->hq, 3);
    memcpy(cu->hq_country, a->hq, 3);
    if(a->parent) {
      cu->parent = strdup(a->parent);
      if(a->parent_hq)
        memcpy(cu->parent_hq_country, a->parent_hq, 3);
    }
  }
  else if(rc == CG_OK) {
    rc = cg_customer_get(db, a->customer, cu, &err);
    if(rc == CG_ENOTFOUND)
      snprintf(err.msg, sizeof(err.msg),
               "unknown customer \"%s\" (import it, or describe it with "
               "--customer-hq CC)",
               a->customer);
  }
  return rc == CG_OK ? -1 : cli_fail(&err);
}

/* Decides and prints; the exit status by outcome. */
static int decide_print(cg_cli *cli, cg_store *db, const check_args *a,
                        const cg_customer *cu, const cg_chip *chip)
{
  cg_error err = { 0 };
  cg_rules *pack = NULL;
  cg_decider *dec = NULL;
  cg_decision dn;
  char *json = NULL;
  size_t len = 0;
  int rc, st;

  cg_decision_init(&dn);
  rc = cli_load_rules(cli, &pack, NULL, &err);
  if(rc == CG_OK)
    rc = cg_decider_open(&dec, db, pack, NULL, &err);
  if(rc == CG_OK)
    rc = cg_decide(dec, &a->o, cu, chip, 0, &dn, &err);
  if(rc == CG_OK && a->json)
    rc = cg_decision_write(&dn, &json, &len, &err);
  if(rc != CG_OK) {
    st = cli_fail(&err);
    goto out;
  }
  if(a->json) {
    fwrite(json, 1, len, stdout);
    putchar('\n');
  }
  else {
    print_text(&dn);
  }
  st = outcome_exit(dn.decision);
out:
  free(json);
  cg_decision_clear(&dn);
  cg_decider_close(dec);
  cg_rules_free(pack);
  return st;
}

int cmd_check(cg_cli *cli, int argc, char **argv)
{
  check_args a;
  cg_customer cu;
  cg_chip chip;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int st;

  if((st = cli_opt_utf8_args("check", argc, argv)) != CLI_OK)
    return st;
  memset(&a, 0, sizeof(a));
  cg_order_init(&a.o);
  a.o.quantity = 1;
  cg_clock_today(a.o.ship_date);
  st = parse_args(argc, argv, &a);
  if(st >= 0)
    return st;
  if(cli_open_db(cli, &db, 0, &err) != CG_OK)
    return cli_fail(&err);
  cg_customer_init(&cu);
  cg_chip_init(&chip);
  st = find_parties(db, &a, &chip, &cu);
  if(st < 0)
    st = decide_print(cli, db, &a, &cu, &chip);
  cg_chip_clear(&chip);
  cg_customer_clear(&cu);
  cg_store_close(db);
  return st;
}
