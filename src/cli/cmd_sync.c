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

static const char usage_text[] =
    "usage: chipgate sync lists --url URL [--format csl-csv|csl-json] "
    "[--source NAME]\n"
    "                           [--force] [NET OPTIONS]\n"
    "       chipgate sync orders --url URL [NET OPTIONS]\n\n"
    "NET OPTIONS: --cacert FILE (PEM CA for a private server; TLS is always "
    "verified),\n"
    "             --allow-http (plain http to a non-loopback host),\n"
    "             --timeout S (whole transfer, default 300), --max-mb N "
    "(default 256)\n\n"
    "lists: conditional GET (If-None-Match / If-Modified-Since from the "
    "version in\nuse); a new list replaces the source's list in one "
    "transaction, unless it\nshrank by more than 10% (--force accepts it), "
    "then customers are re-screened.\norders: a JSON array of orders (or "
    "{\"orders\": [...]}) with the orders CSV\ncolumns; all are validated, "
    "new ones stored, the same order again is skipped,\nthe same order_id "
    "with different content is a conflict (reported, not stored).\n\n"
    "Exit status: 0 updated or not modified, 64 usage, 65 bad data (parse "
    "error,\nshrunken list, invalid order, conflict), 75 network failure or "
    "HTTP error\n(try again later). On any failure the database is "
    "unchanged.\n";

/* The party-list importer: the screening module's. */
static const cg_sync_list_ops *list_ops(void)
{
  return cg_screen_sync_ops();
}

static void print_problem(void *arg, const char *msg)
{
  (void)arg;
  fprintf(stderr, "chipgate: sync orders: %s\n", msg);
}

int cmd_sync(cg_cli *cli, int argc, char **argv)
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
  cg_http_opts ho = CG_HTTP_OPTS_INIT;
  cg_sync_lists_opts lo = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_http *http = NULL;
  const char *what;
  long v;
  char *end;
  int c, rc, lists;

  if(argc >= 2 &&
     (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(usage_text, stdout);
    return CLI_OK;
  }
  if(argc < 2 ||
     (strcmp(argv[1], "lists") != 0 && strcmp(argv[1], "orders") != 0))
    return cli_usage("sync", "expected lists or orders");
  what = argv[1];
  lists = strcmp(what, "lists") == 0;
  argc--;
  argv++;
  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'u':
      lo.url = optarg;
      break;
    case 'f':
      lo.format = optarg;
      break;
    case 's':
      lo.source = optarg;
      break;
    case 'F':
      lo.force = 1;
      break;
    case 'c':
      ho.cacert = optarg;
      break;
    case 'a':
      ho.allow_http = 1;
      break;
    case 't':
    case 'm':
      errno = 0;
      v = strtol(optarg, &end, 10);
      if(errno || end == optarg || *end || v <= 0 || v > 100000)
        return cli_usage("sync", "bad --%s \"%s\"",
                         c == 't' ? "timeout" : "max-mb", optarg);
      if(c == 't')
        ho.timeout_ms = v * 1000;
      else
        ho.max_bytes = (size_t)v * 1024 * 1024;
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
  if(!lo.url)
    return cli_usage("sync", "--url is required");
  if(!lists && (lo.format || lo.source || lo.force))
    return cli_usage("sync", "--format, --source and --force are for "
                             "sync lists");
  if(lo.format && strcmp(lo.format, "csl-csv") != 0 &&
     strcmp(lo.format, "csl-json") != 0)
    return cli_usage("sync", "bad --format \"%s\" (csl-csv, csl-json)",
                     lo.format);
  rc = cg_http_check_url(lo.url, ho.allow_http, &err);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(lists && !list_ops()) {
    fprintf(stderr, "chipgate: sync lists: party-list import is not "
                    "available in this build\n");
    return CLI_SOFTWARE;
  }
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_http_open(&http, &ho, &err);
  if(rc != CG_OK)
    goto fail;
  if(lists) {
    cg_sync_lists_result res;

    rc = cg_sync_lists(db, http, &lo, list_ops(), &res, &err);
    if(rc != CG_OK)
      goto fail;
    if(res.not_modified)
      printf("sync lists: %s not modified (%lld entries in use)\n",
             lo.source ? lo.source : "csl", (long long)res.count);
    else
      printf("sync lists: %s updated: %lld entries (was %lld), sha256 %s, "
             "%lld new screening hit(s)\n",
             lo.source ? lo.source : "csl", (long long)res.count,
             (long long)res.previous, res.sha256, (long long)res.hits);
  }
  else {
    cg_sync_orders_result res;

    rc = cg_sync_orders(db, http, lo.url, print_problem, NULL, &res, &err);
    if(rc != CG_OK)
      goto fail;
    if(res.not_modified)
      printf("sync orders: not modified\n");
    else
      printf("sync orders: %lld received, %lld new, %lld already stored, "
             "%lld conflict(s)\n",
             (long long)res.received, (long long)res.inserted,
             (long long)res.skipped, (long long)res.conflicts);
    if(res.conflicts > 0)
      rc = CG_EINVAL;
  }
  cg_http_close(http);
  cg_store_close(db);
  return rc == CG_OK ? CLI_OK : CLI_DATAERR;
fail:
  cg_http_close(http);
  cg_store_close(db);
  return cli_fail(&err);
}
