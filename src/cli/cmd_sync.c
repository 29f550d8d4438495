/* cmd_sync.c -- `chipgate sync lists|orders`: pull restricted-party lists
 * and orders over HTTP(S) (conditional GET, TLS verified, size-capped). */
#include "cli/cmd.h"

#include "core/http.h"
#include "screen/screen.h"
#include "net/sync.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* Where OFAC publishes the legacy SDN file (ADD.CSV, ALT.CSV and
 * SDN_COMMENTS.CSV beside it). */
#define OFAC_SDN_URL                                                          \
  "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/"       \
  "exports/SDN.CSV"

static const char usage_text[] =
    "usage: chipgate sync lists --url URL [--format csl-csv|csl-json] "
    "[--source NAME]\n"
    "                           [--force] [NET OPTIONS]\n"
    "       chipgate sync lists --source ofac [--url SDN-URL] [--force] "
    "[NET OPTIONS]\n"
    "       chipgate sync orders --url URL [NET OPTIONS]\n\n"
    "NET OPTIONS: --cacert FILE (PEM CA for a private server; TLS is always "
    "verified),\n"
    "             --allow-http (plain http to a non-loopback host),\n"
    "             --timeout S (whole transfer, default 300), --max-mb N "
    "(default 256)\n\n"
    "lists: conditional GET (If-None-Match / If-Modified-Since from the "
    "version in\nuse); a new list replaces the source's list in one "
    "transaction, unless it\nshrank by more than 10% (--force accepts it), "
    "then customers are re-screened.\n"
    "ofac (--source ofac or --format ofac): OFAC's legacy files SDN.CSV, "
    "ADD.CSV,\nALT.CSV and SDN_COMMENTS.CSV from the folder of SDN-URL "
    "(default\n" OFAC_SDN_URL ";\nthe names follow the case of "
    "SDN-URL's file name: sdn.csv gives add.csv ...).\nEach file has its "
    "own validators; if any changed, all four replace the list\ntogether "
    "(the unchanged ones are fetched again). --max-mb is per file.\n"
    "orders: a JSON array of orders (or "
    "{\"orders\": [...]}) with the orders CSV\ncolumns; all are validated, "
    "new ones stored, the same order again is skipped,\nthe same order_id "
    "with different content is a conflict (reported, not stored).\n\n"
    "Exit status:\n"
    "  0   updated, or not modified (304 or the same bytes)\n"
    "  64  usage, or a URL the policy refuses\n"
    "  65  bad data: parse error, shrunken or empty list, invalid order, "
    "conflict;\n"
    "      or an answer retrying will not fix: body over --max-mb, a "
    "redirect the\n"
    "      policy refuses (checked before it is followed) or more than 5, "
    "a body\n"
    "      without Content-Length or chunking, more bytes than its "
    "Content-Length,\n"
    "      any other HTTP status (400, 401, 403, ...)\n"
    "  66  HTTP 404 or 410: the URL is wrong or the list is gone\n"
    "  75  try again later: HTTP 408, 425, 429 or 5xx (Retry-After is "
    "named),\n"
    "      connection refused or reset, TLS or certificate failure, a cut "
    "body,\n"
    "      oversized headers, --timeout, or too slow (under\n"
    "      CHIPGATE_HTTP_LOW_SPEED_LIMIT bytes/s, default 1024, for\n"
    "      CHIPGATE_HTTP_LOW_SPEED_TIME s, default 30)\n"
    "Every message names the URL with its credentials masked. On any "
    "failure the\ndatabase is unchanged, with one exception: orders that do "
    "not conflict are\nstored although another one in the document "
    "conflicts (exit 65 names it).\nOnly the first 20 per-order problems "
    "are printed; the rest are counted.\n--force (lists) also sends no "
    "validators; validators are used only for the\nURL they came from.\n";

/* The party-list importer: the screening module's. */
static const cg_sync_list_ops *list_ops(void)
{
  return cg_screen_sync_ops();
}

/* Per-order messages shown before the rest are only counted: a document
 * of a million bad orders must not print a million lines. */
#define MAX_PROBLEMS_SHOWN 20

static void print_problem(void *arg, const char *msg)
{
  long *n = arg;

  if(++*n <= MAX_PROBLEMS_SHOWN)
    fprintf(stderr, "chipgate: sync orders: %s\n", msg);
}

/* What the command line asked for. */
typedef struct sync_args {
  int lists;             /* sync lists (else orders) */
  cg_http_opts ho;       /* --cacert, --allow-http, --timeout, --max-mb */
  cg_sync_lists_opts lo; /* --url, --format, --source, --force */
} sync_args;

/* Parses argv (argv[0] is lists or orders) into *a: -1 parsed, else the
 * exit status (help, or a usage error). */
static int parse_args(int argc, char **argv, sync_args *a)
{
  static const struct option opts[] = {
    { "url", required_argument, NULL, 'u' },
    { "format", required_argument, NULL, 'f' },
    { "source", required_argument, NULL, 's' },
    { "force", no_argument, NULL, 'F' },
    { "cacert", required_argument, NULL, 'c' },
    { "allow-http", no_argument, NULL, 'a' },
    { "timeout", required_argument, NULL, 't' },
    { "max-mb", required_argument, NULL, 'm' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  long v;
  char *end;
  int c;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'u':
      a->lo.url = optarg;
      break;
    case 'f':
      a->lo.format = optarg;
      break;
    case 's':
      a->lo.source = optarg;
      break;
    case 'F':
      a->lo.force = 1;
      break;
    case 'c':
      a->ho.cacert = optarg;
      break;
    case 'a':
      a->ho.allow_http = 1;
      break;
    case 't':
    case 'm':
      errno = 0;
      v = strtol(optarg, &end, 10);
      if(errno || end == optarg || *end || v <= 0 || v > 100000)
        return cli_usage("sync", "bad --%s \"%s\"",
                         c == 't' ? "timeout" : "max-mb", optarg);
      if(c == 't')
        a->ho.timeout_ms = v * 1000;
      else
        a->ho.max_bytes = (size_t)v * 1024 * 1024;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return CLI_OK;
    default:
      return cli_usage("sync", "bad option");
    }
  }
  if(optind != argc)
    return cli_usage("sync", "unexpected argument \"%s\"", argv[optind]);
  if(!a->lists && (a->lo.format || a->lo.source || a->lo.force))
    return cli_usage("sync", "--format, --source and --force are for "
                             "sync lists");
  if(a->lo.format && strcmp(a->lo.format, "csl-csv") != 0 &&
     strcmp(a->lo.format, "csl-json") != 0 &&
     strcmp(a->lo.format, "ofac") != 0)
    return cli_usage("sync", "bad --format \"%s\" (csl-csv, csl-json, ofac)",
                     a->lo.format);
  /* --source ofac reads OFAC's files and --format ofac fills the ofac
   * source, unless said otherwise; OFAC's files have a known home. */
  if(!a->lo.format && a->lo.source && strcmp(a->lo.source, "ofac") == 0)
    a->lo.format = "ofac";
  if(a->lo.format && strcmp(a->lo.format, "ofac") == 0) {
    if(!a->lo.source)
      a->lo.source = "ofac";
    if(!a->lo.url)
      a->lo.url = OFAC_SDN_URL;
  }
  if(!a->lo.url)
    return cli_usage("sync", "--url is required");
  return -1;
}

static int run_lists(cg_store *db, cg_http *http, const sync_args *a,
                     cg_error *err)
{
  const char *source = a->lo.source ? a->lo.source : "csl";
  int ofac = a->lo.format && strcmp(a->lo.format, "ofac") == 0;
  cg_sync_lists_result res;
  char files[64] = "";
  int rc = ofac ? cg_sync_lists_files(db, http, &a->lo,
                                      cg_screen_ofac_sync_ops(), &res, err)
                : cg_sync_lists(db, http, &a->lo, list_ops(), &res, err);

  if(rc != CG_OK)
    return rc;
  if(res.files > 1)
    snprintf(files, sizeof(files), "; %d files, %d changed", res.files,
             res.changed);
  if(res.not_modified)
    printf("sync lists: %s not modified (%lld entries in use%s)\n", source,
           (long long)res.count, files);
  else
    printf("sync lists: %s updated: %lld entries (was %lld%s), sha256 %s, "
           "%lld new screening hit(s)\n",
           source, (long long)res.count, (long long)res.previous, files,
           res.sha256, (long long)res.hits);
  return CG_OK;
}

/* CG_OK, or CG_EINVAL after printing when there were conflicts (err is
 * then not set: each conflict was printed as it came). */
static int run_orders(cg_store *db, cg_http *http, const sync_args *a,
                      int *conflicts, cg_error *err)
{
  cg_sync_orders_result res;
  long problems = 0;
  int rc =
      cg_sync_orders(db, http, a->lo.url, print_problem, &problems, &res, err);

  if(problems > MAX_PROBLEMS_SHOWN)
    fprintf(stderr,
            "chipgate: sync orders: ... and %ld more problem(s) not "
            "shown\n",
            problems - MAX_PROBLEMS_SHOWN);
  if(rc != CG_OK)
    return rc;
  if(res.not_modified)
    printf("sync orders: not modified\n");
  else
    printf("sync orders: %lld received, %lld new, %lld already stored, "
           "%lld conflict(s)\n",
           (long long)res.received, (long long)res.inserted,
           (long long)res.skipped, (long long)res.conflicts);
  *conflicts = res.conflicts > 0;
  return CG_OK;
}

int cmd_sync(cg_cli *cli, int argc, char **argv)
{
  sync_args a;
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_http *http = NULL;
  int rc, conflicts = 0;

  memset(&a, 0, sizeof(a));
  a.ho = (cg_http_opts)CG_HTTP_OPTS_INIT;
  if(argc >= 2 &&
     (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(usage_text, stdout);
    return CLI_OK;
  }
  if(argc < 2 ||
     (strcmp(argv[1], "lists") != 0 && strcmp(argv[1], "orders") != 0))
    return cli_usage("sync", "expected lists or orders");
  a.lists = strcmp(argv[1], "lists") == 0;
  rc = parse_args(argc - 1, argv + 1, &a);
  if(rc >= 0)
    return rc;
  rc = cg_http_check_url(a.lo.url, a.ho.allow_http, &err);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(a.lists && !list_ops()) {
    fprintf(stderr, "chipgate: sync lists: party-list import is not "
                    "available in this build\n");
    return CLI_SOFTWARE;
  }
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_http_open(&http, &a.ho, &err);
  if(rc == CG_OK)
    rc = a.lists ? run_lists(db, http, &a, &err)
                 : run_orders(db, http, &a, &conflicts, &err);
  cg_http_close(http);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  /* Conflicts were reported one by one; the others were stored. */
  return conflicts ? CLI_DATAERR : CLI_OK;
}
