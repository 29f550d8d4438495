/* cmd_screen.c -- `chipgate screen NAME [--country CC] [--threshold X]
 * [--limit N] [--format text|json]`, `chipgate screen clear CUSTOMER
 * --entry ID --reason TEXT [--reviewer NAME]`, `screen revoke ID --reason
 * TEXT [--reviewer NAME]` and `screen history [CUSTOMER] [--entry ID]`;
 * also the `import parties` kind. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "screen/screen.h"
#include "model/seed.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

int cli_import_parties(cg_store *db, const char *path, const char *format,
                       const char *source, int force, size_t *count,
                       cg_error *err)
{
  cg_screen_counts counts;
  int f = format ? cg_screen_format(format) : CG_SCREEN_CSL_CSV;
  int rc;

  if(!f)
    return cg_error_set(err, CG_EUSAGE,
                        "import parties: --format must be csl-csv, csl-json "
                        "or ofac");
  rc = cg_screen_import_guarded(db, path, f, source, force, &counts, err);
  if(rc == CG_OK)
    *count = counts.entries;
  return rc;
}

static int print_json(const char *query, double threshold,
                      const cg_screen_hits *hits)
{
  cg_json *doc = cg_json_object(), *arr = cg_json_array();
  cg_error err = { 0 };
  size_t i;
  int bad = !doc || !arr;

  bad = bad || cg_json_set_str(doc, "query", query) ||
        cg_json_set_num(doc, "threshold", threshold);
  for(i = 0; !bad && i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];
    cg_json *o = cg_json_object();

    bad = !o || cg_json_set_str(o, "name", h->name) ||
          cg_json_set_str(o, "matched_name", h->matched_name) ||
          cg_json_set_bool(o, "via_alias", h->via_alias) ||
          cg_json_set_str(o, "list", h->list) ||
          cg_json_set_str(o, "entry_id", h->entry_id) ||
          cg_json_set_num(o, "score", h->score) ||
          cg_json_set_bool(o, "sure", h->sure) ||
          cg_json_set_str(o, "country", h->country) ||
          cg_json_set_str(o, "license_requirement", h->license_requirement) ||
          cg_json_set_str(o, "license_policy", h->license_policy) ||
          cg_json_set_str(o, "federal_register_notice",
                          h->federal_register_notice) ||
          cg_json_set_str(o, "explain", h->explain) || cg_json_append(arr, o);
  }
  if(!bad) {
    bad = cg_json_set(doc, "matches", arr);
    arr = NULL;
  }
  if(!bad && cg_json_dumpf(stdout, doc, CG_JSON_PRETTY, &err) == CG_OK) {
    putchar('\n');
    cg_json_free(doc);
    return CLI_OK;
  }
  cg_json_free(arr);
  cg_json_free(doc);
  fprintf(stderr, "chipgate: screen: cannot write JSON\n");
  return CLI_SOFTWARE;
}

static void print_text(const char *query, const cg_screen_hits *hits)
{
  size_t i;

  if(!hits->n) {
    printf("no match for \"%s\"\n", query);
    return;
  }
  for(i = 0; i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];

    printf("%.4f %-8s %s%s%s%s [%s]%s%s%s%s\n", h->score,
           h->sure ? "sure" : "possible", h->name,
           h->via_alias ? " (alias: " : "",
           h->via_alias ? h->matched_name : "", h->via_alias ? ")" : "",
           h->list, h->country[0] ? " country " : "", h->country,
           h->federal_register_notice[0] ? " FR " : "",
           h->federal_register_notice);
    printf("       %s\n", h->explain);
    if(h->license_requirement[0] || h->license_policy[0])
      printf("       license: %s; policy: %s\n", h->license_requirement,
             h->license_policy);
  }
}

static const char *const clear_help =
    "usage: chipgate screen clear CUSTOMER --entry ID --reason TEXT "
    "[--reviewer NAME]\n\n"
    "Records that REVIEWER (default: your login name) checked the hit of "
    "CUSTOMER\n(name or id) on list entry ID and found it a false "
    "positive. A possible hit is\ncleared by one clearance; a sure hit "
    "needs a second one by a different\nreviewer (two-person rule). "
    "Clearances are kept with their history (screen\nhistory), last until "
    "the entry changes, and can be revoked (screen revoke).\n";

static int screen_clear(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "entry", required_argument, NULL, 'e' },
    { "reason", required_argument, NULL, 'r' },
    { "reviewer", required_argument, NULL, 'w' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *entry = NULL, *reason = NULL, *reviewer = NULL;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t id = 0;
  int c, rc, n = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'e':
      entry = optarg;
      break;
    case 'r':
      reason = optarg;
      break;
    case 'w':
      reviewer = optarg;
      break;
    case 'h':
      fputs(clear_help, stdout);
      return CLI_OK;
    default:
      return cli_usage("screen clear", "bad option");
    }
  }
  if(argc - optind != 1 || !entry || !*entry)
    return cli_usage("screen clear",
                     "expected CUSTOMER, --entry ID and --reason TEXT");
  if(!reason || strspn(reason, " \t") == strlen(reason))
    return cli_usage("screen clear", "--reason TEXT is required (why the "
                                     "hit is a false positive)");
  if(!reviewer)
    reviewer = cli_login_name();
  if(!reviewer)
    return cli_usage("screen clear", "no login name: give --reviewer NAME");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_screen_clear(db, argv[optind], entry, reviewer, reason, &id, &n,
                         &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  printf("clearance #%lld: %s cleared %s for entry %s (%d reviewer%s in "
         "force; a sure hit needs 2)\n",
         (long long)id, reviewer, argv[optind], entry, n, n == 1 ? "" : "s");
  return CLI_OK;
}

static int screen_revoke(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "reason", required_argument, NULL, 'r' },
    { "reviewer", required_argument, NULL, 'w' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *reason = NULL, *reviewer = NULL;
  cg_error err = { 0 };
  cg_store *db = NULL;
  char *end;
  long long id;
  int c, rc;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'r':
      reason = optarg;
      break;
    case 'w':
      reviewer = optarg;
      break;
    case 'h':
      printf("usage: chipgate screen revoke CLEARANCE_ID --reason TEXT "
             "[--reviewer NAME]\n\nRevokes a clearance (its id from "
             "screen clear or screen history): the hit\nholds again unless "
             "enough other clearances remain. The clearance stays in\nthe "
             "history with who revoked it, when and why.\n");
      return CLI_OK;
    default:
      return cli_usage("screen revoke", "bad option");
    }
  }
  if(argc - optind != 1)
    return cli_usage("screen revoke", "expected one CLEARANCE_ID");
  id = strtoll(argv[optind], &end, 10);
  if(*end || end == argv[optind] || id <= 0)
    return cli_usage("screen revoke",
                     "CLEARANCE_ID must be a positive number, not \"%s\"",
                     argv[optind]);
  if(!reason || strspn(reason, " \t") == strlen(reason))
    return cli_usage("screen revoke", "--reason TEXT is required");
  if(!reviewer)
    reviewer = cli_login_name();
  if(!reviewer)
    return cli_usage("screen revoke", "no login name: give --reviewer NAME");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_screen_revoke(db, (int64_t)id, reviewer, reason, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  printf("clearance #%lld revoked by %s\n", id, reviewer);
  return CLI_OK;
}

static void print_history(const cg_screen_clearances *h)
{
  size_t i;

  if(!h->n)
    printf("no clearances\n");
  for(i = 0; i < h->n; i++) {
    const cg_screen_clearance *c = &h->items[i];

    printf("#%lld %s %s entry %s cleared by %s: %s\n", (long long)c->id,
           c->cleared_at, c->customer, c->entry_id, c->reviewer, c->reason);
    if(c->revoked_by)
      printf("     revoked %s by %s: %s\n", c->revoked_at, c->revoked_by,
             c->revoke_reason);
  }
}

static int screen_history(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "entry", required_argument, NULL,
                                          'e' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  const char *entry = NULL;
  cg_screen_clearances h = { 0, NULL };
  cg_error err = { 0 };
  cg_store *db = NULL;
  int c, rc;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'e':
      entry = optarg;
      break;
    case 'h':
      printf("usage: chipgate screen history [CUSTOMER] [--entry ID]\n\n"
             "Lists every clearance recorded, oldest first, revoked ones "
             "with who\nrevoked them, when and why.\n");
      return CLI_OK;
    default:
      return cli_usage("screen history", "bad option");
    }
  }
  if(argc - optind > 1)
    return cli_usage("screen history", "expected at most one CUSTOMER");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_screen_clearance_history(
        db, argc - optind == 1 ? argv[optind] : NULL, entry, &h, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  print_history(&h);
  cg_screen_clearances_free(&h);
  return CLI_OK;
}

int cmd_screen(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "country", required_argument, NULL, 'c' },
    { "threshold", required_argument, NULL, 't' },
    { "limit", required_argument, NULL, 'l' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *country = NULL;
  double threshold = CG_SCREEN_THRESHOLD;
  long limit = 10;
  cg_screen_hits hits = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_screener *sc = NULL;
  char *end;
  int c, rc, json = 0;

  if((rc = cli_opt_utf8_args("screen", argc, argv)) != CLI_OK)
    return rc;
  if(argc >= 2 && strcmp(argv[1], "clear") == 0)
    return screen_clear(cli, argc - 1, argv + 1);
  if(argc >= 2 && strcmp(argv[1], "revoke") == 0)
    return screen_revoke(cli, argc - 1, argv + 1);
  if(argc >= 2 && strcmp(argv[1], "history") == 0)
    return screen_history(cli, argc - 1, argv + 1);
  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'c':
      country = optarg;
      if(strlen(country) != 2)
        return cli_usage("screen", "--country takes an ISO alpha-2 code");
      break;
    case 't':
      threshold = strtod(optarg, &end);
      if(*end || end == optarg || !(threshold >= 0 && threshold <= 1))
        return cli_usage("screen", "--threshold must be in [0, 1]");
      break;
    case 'l':
      limit = strtol(optarg, &end, 10);
      if(*end || end == optarg || limit < 1 || limit > 1000)
        return cli_usage("screen", "--limit must be 1..1000");
      break;
    case 'f':
      json = cli_parse_format(optarg);
      if(json < 0)
        return cli_usage("screen", "--format must be text or json");
      break;
    case 'h':
      printf("usage: chipgate screen NAME [--country CC] [--threshold X] "
             "[--limit N]\n                       [--format text|json]\n"
             "       chipgate screen clear CUSTOMER --entry ID --reason "
             "TEXT [--reviewer NAME]\n"
             "       chipgate screen revoke CLEARANCE_ID --reason TEXT "
             "[--reviewer NAME]\n"
             "       chipgate screen history [CUSTOMER] [--entry ID]\n\n"
             "Screens NAME against the imported restricted-party "
             "lists (chipgate import\nparties). Matches at or above the "
             "threshold (default %.2f), best first;\na score >= %.2f (or "
             "an exact normalised name) is a sure hit.\nExit status: 0 no "
             "match, 10 a match.\n",
             CG_SCREEN_THRESHOLD, CG_SCREEN_SURE);
      return CLI_OK;
    default:
      return cli_usage("screen", "bad option");
    }
  }
  if(argc - optind != 1)
    return cli_usage("screen", "expected one NAME");
  if(strspn(argv[optind], " \t") == strlen(argv[optind]))
    return cli_usage("screen", "NAME is empty");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK && country && cg_country_check(db, country, &err) != CG_OK) {
    cg_store_close(db);
    return cli_usage("screen", "--country: %s", err.msg);
  }
  if(rc == CG_OK)
    rc = cg_screener_open(&sc, db, &err);
  if(rc == CG_OK)
    rc = cg_screen_name(sc, argv[optind], country, threshold, (size_t)limit,
                        &hits, &err);
  cg_screener_close(sc);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(json)
    rc = print_json(argv[optind], threshold, &hits);
  else
    print_text(argv[optind], &hits);
  if(rc == CLI_OK && hits.n)
    rc = CLI_ATTENTION;
  cg_screen_hits_free(&hits);
  return rc;
}
