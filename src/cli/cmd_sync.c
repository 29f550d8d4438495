/* cmd_sync.c -- `chipgate sync lists|orders`: pull restricted-party lists
 * and orders over HTTP(S) (conditional GET, TLS verified, size-capped). */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "cli/progress.h"
#include "core/importer.h"
#include "core/json.h"

#include "core/http.h"
#include "screen/screen.h"
#include "net/sync.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where OFAC publishes the legacy SDN file (ADD.CSV, ALT.CSV and
 * SDN_COMMENTS.CSV beside it). */
#define OFAC_SDN_URL                                                          \
  "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/"       \
  "exports/SDN.CSV"

static const char usage_text[] =
    "usage: chipgate sync lists --url URL [--input-format csl-csv|csl-json] "
    "[--source NAME]\n"
    "                           [--force] [NET OPTIONS] [OUTPUT OPTIONS]\n"
    "       chipgate sync lists --source ofac [--url SDN-URL] [--force] "
    "[NET OPTIONS]\n"
    "       chipgate sync orders --url URL [NET OPTIONS] [OUTPUT OPTIONS]\n\n"
    "OUTPUT OPTIONS: --format text|json (the summary; --format also still "
    "takes\n"
    "             the list's format, csl-csv, csl-json or ofac, as before),\n"
    "             --quiet (no progress line, no text summary)\n"
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
    "validators; validators are used only for the\nURL they came from.\n"
    "On a terminal a progress line is drawn on stderr: bytes received, "
    "then the\nlines of a CSV list imported.\n\n"
    "Examples:\n"
    "  $ chipgate sync lists --url ftp://example.com/csl.csv  # exit 64\n"
    "  $ chipgate sync orders --url http://127.0.0.1:9/orders.json "
    "--timeout 5  # exit 75\n";

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
  int json;              /* --format json */
  int quiet;             /* --quiet */
  int input_format;      /* the list format came from --input-format */
} sync_args;

/* Parses argv (argv[0] is lists or orders) into *a: -1 parsed, else the
 * exit status (help, or a usage error). */
/* --cacert is checked when given, not after a connection (or never, for
 * plain http); 0 after saying why it cannot be read. */
static int readable_cacert(const char *path)
{
  if(access(path, R_OK) == 0)
    return 1;
  fprintf(stderr,
          "chipgate: sync: --cacert %s: %s (name a readable PEM file of CA "
          "certificates)\n",
          path, strerror(errno));
  return 0;
}

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
    { "input-format", required_argument, NULL, 'i' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  long v;
  char *end;
  int c;

  while((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
    switch(c) {
    case 'u':
      a->lo.url = optarg;
      break;
    case 'f': /* text|json is the output, anything else the list's */
      if(cli_parse_format(optarg) >= 0)
        a->json = cli_parse_format(optarg);
      else
        a->lo.format = optarg;
      break;
    case 'i':
      a->lo.format = optarg;
      a->input_format = 1;
      break;
    case 'q':
      a->quiet = 1;
      break;
    case 's':
      a->lo.source = optarg;
      break;
    case 'F':
      a->lo.force = 1;
      break;
    case 'c':
      if(!readable_cacert(optarg))
        return CLI_NOINPUT;
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
      return cli_bad_option("sync", opts, argv);
    }
  }
  if(optind != argc)
    return cli_usage("sync", "unexpected argument \"%s\"", argv[optind]);
  if(!a->lists && a->lo.format && !a->input_format)
    return cli_usage("sync", "--format must be text or json, not \"%s\"",
                     a->lo.format);
  if(!a->lists && (a->lo.format || a->lo.source || a->lo.force))
    return cli_usage("sync", "--input-format, --source and --force are "
                             "for sync lists");
  if(a->lo.format && strcmp(a->lo.format, "csl-csv") != 0 &&
     strcmp(a->lo.format, "csl-json") != 0 &&
     strcmp(a->lo.format, "ofac") != 0)
    return cli_usage("sync",
                     "bad list format \"%s\" (csl-csv, csl-json, ofac; or "
                     "--format text|json for the output)",
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

/* The URL with its credentials masked, for output (cg_http_redact). */
static const char *shown_url(const char *url, char *buf, size_t size)
{
  return cg_http_redact(url, buf, size);
}

/* The summary of sync lists: text, or the JSON document. */
static int lists_summary(const sync_args *a, const char *source,
                         const cg_sync_lists_result *res, double secs)
{
  char files[64] = "", url[1024];
  cg_json *o;

  if(!a->json) {
    if(a->quiet)
      return CLI_OK;
    if(res->files > 1)
      snprintf(files, sizeof(files), "; %d files, %d changed", res->files,
               res->changed);
    if(res->not_modified)
      printf("sync lists: %s not modified (%lld entries in use%s)\n", source,
             (long long)res->count, files);
    else
      printf("sync lists: %s updated: %lld entries (was %lld%s), sha256 %s, "
             "%lld new screening hit(s)\n",
             source, (long long)res->count, (long long)res->previous, files,
             res->sha256, (long long)res->hits);
    return CLI_OK;
  }
  o = cg_json_object();
  if(o && (cg_json_set_str(o, "source", source) != CG_OK ||
           cg_json_set_str(o, "url", shown_url(a->lo.url, url, sizeof(url))) !=
               CG_OK ||
           cg_json_set_bool(o, "not_modified", res->not_modified) != CG_OK ||
           cg_json_set_int(o, "entries", res->count) != CG_OK ||
           cg_json_set_int(o, "previous", res->previous) != CG_OK ||
           cg_json_set_int(o, "new_hits", res->hits) != CG_OK ||
           cg_json_set_str(o, "sha256", res->sha256[0] ? res->sha256 : NULL) !=
               CG_OK ||
           cg_json_set_int(o, "files", res->files) != CG_OK ||
           cg_json_set_int(o, "changed", res->changed) != CG_OK ||
           cg_json_set_num(o, "seconds", secs) != CG_OK)) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

static int run_lists(cg_store *db, cg_http *http, const sync_args *a,
                     cg_sync_lists_result *res, cg_error *err)
{
  int ofac = a->lo.format && strcmp(a->lo.format, "ofac") == 0;

  return ofac ? cg_sync_lists_files(db, http, &a->lo,
                                    cg_screen_ofac_sync_ops(), res, err)
              : cg_sync_lists(db, http, &a->lo, list_ops(), res, err);
}

/* The summary of sync orders: text, or the JSON document. */
static int orders_summary(const sync_args *a, const cg_sync_orders_result *res,
                          double secs)
{
  char url[1024];
  cg_json *o;

  if(!a->json) {
    if(a->quiet)
      return CLI_OK;
    if(res->not_modified)
      printf("sync orders: not modified\n");
    else
      printf("sync orders: %lld received, %lld new, %lld already stored, "
             "%lld conflict(s)\n",
             (long long)res->received, (long long)res->inserted,
             (long long)res->skipped, (long long)res->conflicts);
    return CLI_OK;
  }
  o = cg_json_object();
  if(o && (cg_json_set_str(o, "url", shown_url(a->lo.url, url, sizeof(url))) !=
               CG_OK ||
           cg_json_set_bool(o, "not_modified", res->not_modified) != CG_OK ||
           cg_json_set_int(o, "received", res->received) != CG_OK ||
           cg_json_set_int(o, "inserted", res->inserted) != CG_OK ||
           cg_json_set_int(o, "skipped_unchanged", res->skipped) != CG_OK ||
           cg_json_set_int(o, "conflicts", res->conflicts) != CG_OK ||
           cg_json_set_int(o, "invalid", res->invalid) != CG_OK ||
           cg_json_set_num(o, "seconds", secs) != CG_OK)) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

static int run_orders(cg_store *db, cg_http *http, const sync_args *a,
                      cg_sync_orders_result *res, cg_error *err)
{
  long problems = 0;
  int rc =
      cg_sync_orders(db, http, a->lo.url, print_problem, &problems, res, err);

  if(problems > MAX_PROBLEMS_SHOWN)
    fprintf(stderr,
            "chipgate: sync orders: ... and %ld more problem(s) not "
            "shown\n",
            problems - MAX_PROBLEMS_SHOWN);
  return rc;
}

/* The transfer and the import that follows, with their progress lines
 * (bytes received, then lines imported) on the terminal, then the
 * summary. *conflicts: orders were in conflict (each printed). */
static int run(cg_store *db, sync_args *a, int *conflicts, cg_error *err)
{
  cg_sync_lists_result lres;
  cg_sync_orders_result ores;
  cli_progress bytes, lines;
  cg_import_watch w;
  cg_http *http = NULL;
  int rc, st;

  cli_progress_init_bytes(&bytes, "received", a->quiet);
  cli_progress_init(&lines, "lines", a->quiet);
  cli_progress_lazy(&lines);
  a->ho.progress = cli_progress_fn_of(&bytes);
  a->ho.progress_arg = &bytes;
  memset(&w, 0, sizeof(w));
  w.progress = cli_progress_fn_of(&lines);
  w.arg = &lines;
  rc = cg_http_open(&http, &a->ho, err);
  cg_import_watch_set(&w);
  if(rc == CG_OK)
    rc = a->lists ? run_lists(db, http, a, &lres, err)
                  : run_orders(db, http, a, &ores, err);
  cg_import_watch_set(NULL);
  cli_progress_end(&lines);
  cli_progress_end(&bytes);
  cg_http_close(http);
  if(rc != CG_OK)
    return rc;
  *conflicts = !a->lists && ores.conflicts > 0;
  st = a->lists ? lists_summary(a, a->lo.source ? a->lo.source : "csl", &lres,
                                cli_progress_seconds(&bytes))
                : orders_summary(a, &ores, cli_progress_seconds(&bytes));
  if(st != CLI_OK)
    return cg_error_set(err, CG_EIO,
                        "sync: what was fetched is stored; "
                        "its summary could not be written");
  return CG_OK;
}

int cmd_sync(cg_cli *cli, int argc, char **argv)
{
  sync_args a;
  cg_error err = { 0 };
  cg_store *db = NULL;
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
    rc = run(db, &a, &conflicts, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  /* Conflicts were reported one by one; the others were stored. */
  return conflicts ? CLI_DATAERR : CLI_OK;
}
