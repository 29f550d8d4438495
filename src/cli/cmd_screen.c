/* cmd_screen.c -- `chipgate screen NAME [--country CC] [--threshold X]
 * [--limit N] [--format text|json]`, `chipgate screen clear CUSTOMER
 * --entry ID --reason TEXT [--reviewer NAME]`, `screen revoke ID --reason
 * TEXT [--reviewer NAME]` and `screen history [CUSTOMER] [--entry ID]`;
 * also the `import parties` kind. */
#include "cli/cmd.h"
#include "core/text.h"
#include "cli/opts.h"
#include "core/json.h"
#include "screen/screen.h"
#include "model/customer.h"
#include "model/seed.h"

#include <errno.h>
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

static int print_json(const char *query, const char *customer,
                      double threshold, const cg_screen_hits *hits)
{
  cg_json *doc = cg_json_object(), *arr = cg_json_array();
  size_t i;
  int bad = !doc || !arr;

  bad = bad || cg_json_set_str(doc, "query", query) ||
        cg_json_set_num(doc, "threshold", threshold) ||
        cg_json_set_str(doc, "customer", customer);
  for(i = 0; !bad && i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];
    cg_json *o = cg_screen_hit_json(h);

    bad = !o || cg_json_append(arr, o); /* o is stolen either way */
  }
  if(!bad) {
    bad = cg_json_set(doc, "matches", arr);
    arr = NULL;
  }
  cg_json_free(arr);
  if(bad) {
    cg_json_free(doc);
    doc = NULL;
  }
  return cli_print_json(doc);
}

/* s as one shell word: as is when it holds only safe characters, else
 * in single quotes (a quote written '\''), so the printed command can be
 * pasted. */
static const char *shell_word(const char *s, char *buf, size_t size)
{
  size_t o = 0;

  if(*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789._,:/@%+=-") == strlen(s))
    return s;
  buf[o++] = '\'';
  for(; *s && o + 6 < size; s++) {
    if(*s == '\'') {
      memcpy(buf + o, "'\\''", 4);
      o += 4;
    }
    else
      buf[o++] = *s;
  }
  buf[o++] = '\'';
  buf[o] = '\0';
  return buf;
}

/* Appends "; what" (or "what" first) to line when what is not empty:
 * empty fields leave no separators behind. */
static void add_part(char *line, size_t size, const char *label,
                     const char *what)
{
  size_t n = strlen(line);

  if(!what || !*what || n + 1 >= size)
    return;
  snprintf(line + n, size - n, "%s%s%s", n ? "; " : "", label, what);
}

static void print_text(const char *query, const char *customer,
                       const cg_screen_hits *hits)
{
  char buf[600], parts[2048], lic[1024], score[64];
  const char *cust;
  size_t i;

  if(!hits->n) {
    printf("no match for \"%s\"\n", query);
    return;
  }
  cust = shell_word(customer ? customer : "CUSTOMER", buf, sizeof(buf));
  for(i = 0; i < hits->n; i++) {
    const cg_screen_hit *h = &hits->items[i];
    const char *kind = h->sure ? "deny" : "hold";

    parts[0] = lic[0] = '\0';
    add_part(parts, sizeof(parts), "entry ", h->entry_id);
    add_part(parts, sizeof(parts), "", h->list);
    add_part(parts, sizeof(parts), "country ", h->country);
    add_part(parts, sizeof(parts), "FR ", h->federal_register_notice);
    add_part(lic, sizeof(lic), "license: ", h->license_requirement);
    add_part(lic, sizeof(lic), "policy: ", h->license_policy);
    /* cut, never rounded up to a sure hit's score */
    printf("%s %s%-8s%s %s", cg_text_num(score, sizeof(score), h->score, 4),
           cli_sgr_outcome(stdout, kind), h->sure ? "sure" : "possible",
           cli_sgr_reset(stdout), h->name);
    if(h->via_alias && h->matched_name[0])
      printf(" (alias: %s)", h->matched_name);
    printf(parts[0] ? " [%s]\n" : "\n", parts);
    if(h->explain[0])
      printf("       %s\n", h->explain);
    if(lic[0])
      printf("       %s\n", lic);
    if(h->entry_id[0])
      printf("       a false positive? chipgate screen clear %s --entry %s "
             "--reason TEXT%s\n",
             cust, h->entry_id,
             h->sure ? " (a sure hit needs two reviewers)" : "");
  }
}

/* Prints clearance id (just written) as JSON, with extra (may be NULL,
 * stolen) set on it as "reviewers_in_force". */
static int print_clearance(cg_store *db, int64_t id, int reviewers)
{
  cg_screen_clearances h = { 0, NULL };
  cg_error err = { 0 };
  cg_json *o = NULL;

  if(cg_screen_clearance_get(db, id, &h, &err) != CG_OK)
    return cli_fail(&err);
  o = cg_screen_clearance_json(&h.items[0]);
  cg_screen_clearances_free(&h);
  if(o && reviewers >= 0 &&
     cg_json_set_int(o, "reviewers_in_force", reviewers) != CG_OK) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

/* A not-found error with what to run to find the right name. */
static int fail_hint(cg_error *err, const char *needle, const char *hint)
{
  size_t n = strlen(err->msg);

  if(err->code == CG_ENOTFOUND && strstr(err->msg, needle) &&
     !strchr(err->msg, '('))
    snprintf(err->msg + n, sizeof(err->msg) - n, " (%s)", hint);
  return cli_fail(err);
}

static const char *const clear_help =
    "usage: chipgate screen clear CUSTOMER --entry ID --reason TEXT "
    "[--reviewer NAME]\n"
    "                             [--format text|json]\n\n"
    "Records that REVIEWER (default: your login name) checked the hit of "
    "CUSTOMER\n(name or id) on list entry ID (shown on each match of "
    "chipgate screen NAME)\nand found it a false positive. A possible hit "
    "is cleared by one clearance; a\nsure hit needs a second one by a "
    "different reviewer (two-person rule).\nClearances are kept with their "
    "history (screen history), last until the entry\nchanges, and can be "
    "revoked (screen revoke).\n"
    "Exit status: 0 recorded, 64 a bad option, 65 a bad reason or reviewer "
    "or a\nsecond clearance by the same reviewer, 66 no such customer or "
    "list entry.\n\n"
    "Example (in the demo: the Singapore affiliate matched for the "
    "customer):\n"
    "  $ chipgate screen clear 'Sophgo Technologies Ltd.' --entry "
    "fa8da7d2d327086f --reason 'the Singapore affiliate, not this company' "
    "--reviewer alice\n";

typedef struct clear_args {
  const char *entry, *reason, *reviewer;
  int json;
} clear_args;

static int clear_parse(int argc, char **argv, clear_args *a)
{
  static const struct option opts[] = {
    { "entry", required_argument, NULL, 'e' },
    { "reason", required_argument, NULL, 'r' },
    { "reviewer", required_argument, NULL, 'w' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'e':
      a->entry = optarg;
      break;
    case 'r':
      a->reason = optarg;
      break;
    case 'w':
      a->reviewer = optarg;
      break;
    case 'f':
      if(cli_opt_format("screen clear", optarg, &a->json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      fputs(clear_help, stdout);
      return -1;
    default:
      return cli_bad_option("screen clear", opts, argv);
    }
  }
  if(argc - optind != 1 || !a->entry || !*a->entry)
    return cli_usage("screen clear",
                     "expected CUSTOMER, --entry ID and --reason TEXT");
  if(!a->reason || strspn(a->reason, " \t") == strlen(a->reason))
    return cli_usage("screen clear", "--reason TEXT is required (why the "
                                     "hit is a false positive)");
  if(!a->reviewer)
    a->reviewer = cli_login_name();
  if(!a->reviewer)
    return cli_usage("screen clear", "no login name: give --reviewer NAME");
  return CLI_OK;
}

static int screen_clear(cg_cli *cli, int argc, char **argv)
{
  clear_args a = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t id = 0;
  int rc, n = 0;

  rc = clear_parse(argc, argv, &a);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_screen_clear(db, argv[optind], a.entry, a.reviewer, a.reason, &id,
                         &n, &err);
  if(rc != CG_OK) {
    cg_store_close(db);
    return fail_hint(&err, "no customer",
                     "name or id; chipgate list customers shows them");
  }
  if(a.json)
    rc = print_clearance(db, id, n);
  else
    printf("clearance #%lld: %s cleared %s for entry %s (%d reviewer%s in "
           "force; a sure hit needs 2)\n",
           (long long)id, a.reviewer, argv[optind], a.entry, n,
           n == 1 ? "" : "s");
  cg_store_close(db);
  return rc;
}

static const char *const revoke_help =
    "usage: chipgate screen revoke CLEARANCE_ID --reason TEXT "
    "[--reviewer NAME]\n"
    "                              [--format text|json]\n\n"
    "Revokes a clearance (its id from screen clear or screen history): the "
    "hit\nholds again unless enough other clearances remain. The clearance "
    "stays in\nthe history with who revoked it, when and why.\n"
    "Exit status: 0 revoked, 64 a bad option, 65 a bad reason or a "
    "clearance\nalready revoked, 66 no such clearance.\n\n"
    "Examples: find the id, then revoke it\n"
    "  $ chipgate screen history --format json\n"
    "  chipgate screen revoke 3 --reason 'cleared by mistake'\n";

static int revoke_parse(int argc, char **argv, clear_args *a, int64_t *id)
{
  static const struct option opts[] = {
    { "reason", required_argument, NULL, 'r' },
    { "reviewer", required_argument, NULL, 'w' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  char *end;
  long long v;
  int c;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'r':
      a->reason = optarg;
      break;
    case 'w':
      a->reviewer = optarg;
      break;
    case 'f':
      if(cli_opt_format("screen revoke", optarg, &a->json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      fputs(revoke_help, stdout);
      return -1;
    default:
      return cli_bad_option("screen revoke", opts, argv);
    }
  }
  if(argc - optind != 1)
    return cli_usage("screen revoke", "expected one CLEARANCE_ID");
  errno = 0;
  v = strtoll(argv[optind], &end, 10);
  if(errno || *end || end == argv[optind] || v <= 0)
    return cli_usage("screen revoke",
                     "CLEARANCE_ID must be a positive number, not \"%s\" "
                     "(chipgate screen history shows the ids)",
                     argv[optind]);
  *id = (int64_t)v;
  if(!a->reason || strspn(a->reason, " \t") == strlen(a->reason))
    return cli_usage("screen revoke", "--reason TEXT is required");
  if(!a->reviewer)
    a->reviewer = cli_login_name();
  if(!a->reviewer)
    return cli_usage("screen revoke", "no login name: give --reviewer NAME");
  return CLI_OK;
}

static int screen_revoke(cg_cli *cli, int argc, char **argv)
{
  clear_args a = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t id = 0;
  int rc;

  rc = revoke_parse(argc, argv, &a, &id);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_screen_revoke(db, id, a.reviewer, a.reason, &err);
  if(rc != CG_OK) {
    cg_store_close(db);
    return fail_hint(&err, "no clearance",
                     "chipgate screen history shows the ids");
  }
  if(a.json)
    rc = print_clearance(db, id, -1);
  else
    printf("clearance #%lld revoked by %s\n", (long long)id, a.reviewer);
  cg_store_close(db);
  return rc;
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

static int history_json(const cg_screen_clearances *h)
{
  cg_json *arr = cg_json_array();
  size_t i;

  for(i = 0; arr && i < h->n; i++)
    if(cg_json_append(arr, cg_screen_clearance_json(&h->items[i])) != CG_OK) {
      cg_json_free(arr);
      arr = NULL;
    }
  return cli_print_json(arr);
}

static const char *const history_help =
    "usage: chipgate screen history [CUSTOMER] [--entry ID] "
    "[--format text|json]\n\n"
    "Lists every clearance recorded, oldest first, revoked ones with who\n"
    "revoked them, when and why. CUSTOMER is a name or id.\n"
    "Exit status: 0 listed (even none), 64 a bad option, 66 no such "
    "customer.\n\n"
    "Examples:\n"
    "  $ chipgate screen history\n"
    "  $ chipgate screen history 'Sophgo Technologies Ltd.' --format json\n";

static int screen_history(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "entry", required_argument, NULL, 'e' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *entry = NULL;
  cg_screen_clearances h = { 0, NULL };
  cg_error err = { 0 };
  cg_store *db = NULL;
  int c, rc, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'e':
      entry = optarg;
      break;
    case 'f':
      if(cli_opt_format("screen history", optarg, &json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      fputs(history_help, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("screen history", opts, argv);
    }
  }
  if(argc - optind > 1)
    return cli_usage("screen history", "expected at most one CUSTOMER");
  if(entry && !*entry)
    return cli_usage("screen history", "--entry is empty");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_screen_clearance_history(
        db, argc - optind == 1 ? argv[optind] : NULL, entry, &h, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(json)
    rc = history_json(&h);
  else
    print_history(&h);
  cg_screen_clearances_free(&h);
  return rc;
}

static void screen_help(void)
{
  printf("usage: chipgate screen NAME [--country CC] [--threshold X] "
         "[--limit N]\n                       [--format text|json]\n"
         "       chipgate screen clear CUSTOMER --entry ID --reason "
         "TEXT [--reviewer NAME]\n"
         "       chipgate screen revoke CLEARANCE_ID --reason TEXT "
         "[--reviewer NAME]\n"
         "       chipgate screen history [CUSTOMER] [--entry ID]\n"
         "       (each takes --format text|json)\n\n"
         "Screens NAME against the imported restricted-party "
         "lists (chipgate import\nparties). Matches at or above the "
         "threshold (default %.2f, from 0 to 1), best\nfirst, at most "
         "--limit (default 10, up to 1000); a score >= %.2f (or an exact\n"
         "normalised name) is a sure hit. --country CC (any case) is where "
         "NAME is:\nentries of other countries score a little lower. Each "
         "match shows its list\nentry id and the `screen clear` command "
         "that records it as a false positive.\n"
         "Exit status: 0 no match, 10 a match, 64 a bad option or value.\n\n"
         "Examples:\n"
         "  $ chipgate screen 'Sophgo Technologies' --country cn  # exit 10\n"
         "  $ chipgate screen 'Nordic AI Cloud' --format json\n",
         CG_SCREEN_THRESHOLD, CG_SCREEN_SURE);
}

typedef struct screen_args {
  char *country;
  double threshold;
  long limit;
  int json;
} screen_args;

static int screen_parse(int argc, char **argv, screen_args *a)
{
  static const struct option opts[] = {
    { "country", required_argument, NULL, 'c' },
    { "threshold", required_argument, NULL, 't' },
    { "limit", required_argument, NULL, 'l' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  char *end;
  int c;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'c':
      a->country = optarg;
      break;
    case 't':
      a->threshold = strtod(optarg, &end);
      if(*end || end == optarg || !(a->threshold >= 0 && a->threshold <= 1))
        return cli_usage("screen",
                         "--threshold must be a number from 0 to 1, not "
                         "\"%s\"",
                         optarg);
      break;
    case 'l':
      errno = 0;
      a->limit = strtol(optarg, &end, 10);
      if(errno || *end || end == optarg || a->limit < 1 || a->limit > 1000)
        return cli_usage("screen",
                         "--limit must be a whole number from 1 to 1000, "
                         "not \"%s\"",
                         optarg);
      break;
    case 'f':
      if(cli_opt_format("screen", optarg, &a->json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      screen_help();
      return -1;
    default:
      return cli_bad_option("screen", opts, argv);
    }
  }
  if(argc - optind != 1)
    return cli_usage("screen", "expected one NAME");
  if(strspn(argv[optind], " \t") == strlen(argv[optind]))
    return cli_usage("screen", "NAME is empty");
  return CLI_OK;
}

/* The customer NAME names, if any (malloc'ed), for the clear hint. */
static char *customer_named(cg_store *db, const char *name)
{
  cg_stmt *st = NULL;
  cg_error err = { 0 };
  char *out = NULL;
  int64_t id = 0;

  if(cg_customer_find_ref(db, name, &id, &err) != CG_OK || !id)
    return NULL;
  if(cg_store_prepare(db, &st, "SELECT name FROM customers WHERE id = ?1",
                      &err) == CG_OK &&
     cg_stmt_bind_int(st, 1, id, &err) == CG_OK && cg_stmt_step(st, &err) == 1)
    out = cg_stmt_strdup(st, 0);
  cg_stmt_finalize(st);
  return out;
}

int cmd_screen(cg_cli *cli, int argc, char **argv)
{
  screen_args a = { NULL, CG_SCREEN_THRESHOLD, 10, 0 };
  cg_screen_hits hits = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_screener *sc = NULL;
  char *customer = NULL;
  int rc;

  if((rc = cli_opt_utf8_args("screen", argc, argv)) != CLI_OK)
    return rc;
  if(argc >= 2 && strcmp(argv[1], "clear") == 0)
    return screen_clear(cli, argc - 1, argv + 1);
  if(argc >= 2 && strcmp(argv[1], "revoke") == 0)
    return screen_revoke(cli, argc - 1, argv + 1);
  if(argc >= 2 && strcmp(argv[1], "history") == 0)
    return screen_history(cli, argc - 1, argv + 1);
  rc = screen_parse(argc, argv, &a);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(a.country &&
     (rc = cli_opt_country(db, "screen", "--country", a.country)) != CLI_OK) {
    cg_store_close(db);
    return rc;
  }
  rc = cg_screener_open(&sc, db, &err);
  if(rc == CG_OK)
    rc = cg_screen_name(sc, argv[optind], a.country, a.threshold,
                        (size_t)a.limit, &hits, &err);
  if(rc == CG_OK)
    customer = customer_named(db, argv[optind]);
  cg_screener_close(sc);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(a.json)
    rc = print_json(argv[optind], customer, a.threshold, &hits);
  else
    print_text(argv[optind], customer, &hits);
  if(rc == CLI_OK && hits.n)
    rc = CLI_ATTENTION;
  free(customer);
  cg_screen_hits_free(&hits);
  return rc;
}
