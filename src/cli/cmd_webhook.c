/* cmd_webhook.c -- `chipgate webhook add|list|remove|enable|deliver`:
 * manage webhook endpoints and deliver the outbox (Standard Webhooks). */
#include "cli/cmd.h"

#include "core/http.h"
#include "core/json.h"
#include "net/webhook.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: chipgate webhook add URL --secret-file FILE [--events LIST] "
    "[--allow-http]\n"
    "       chipgate webhook list [--format text|json]\n"
    "       chipgate webhook remove ID\n"
    "       chipgate webhook enable ID\n"
    "       chipgate webhook deliver [--max-time S] [--cacert FILE] "
    "[--format text|json]\n\n"
    "Events (decision.made, party.hit, list.updated) are written to an "
    "outbox in the\nsame transaction as what caused them; `deliver` POSTs "
    "the due ones as\n{\"type\",\"timestamp\",\"data\"} signed per Standard "
    "Webhooks (webhook-id,\nwebhook-timestamp, webhook-signature: "
    "v1,<base64 HMAC-SHA256>). Only a 2xx\ncounts as delivered; failures "
    "are retried after 5 s, 5 min, 30 min, 2 h,\n5 h, 10 h, then every 10 h "
    "for 3 days (with jitter, never before Retry-After);\na 410 Gone "
    "disables the endpoint (`webhook enable ID` turns it back on).\n\n"
    "The secret file holds one line whsec_<base64 of 24..64 random bytes>, "
    "e.g.\n  printf 'whsec_%%s\\n' \"$(openssl rand -base64 32)\" > "
    "hook.secret; chmod 600 hook.secret\nIt is stored in the database and "
    "never printed. URLs must be https (plain\nhttp only to loopback unless "
    "--allow-http).\n\n"
    "Exit status of deliver: 0 nothing left due, 75 some attempts failed "
    "(any\nnon-2xx, 404 and 410 included, or a transport error: the first is "
    "named on\nstderr, with the URL's credentials masked) and are scheduled "
    "for retry or the\nendpoint was disabled, 74 database error. Run it from "
    "cron or a systemd timer,\ne.g. every minute: chipgate webhook deliver "
    "--max-time 50\n"
    "A slow receiver is cut off after 30 s per attempt, or when it sends "
    "under\nCHIPGATE_HTTP_LOW_SPEED_LIMIT bytes/s (default 1024) for "
    "CHIPGATE_HTTP_LOW_SPEED_TIME\nseconds (default 30).\n";

static int parse_id(const char *s, int64_t *out)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll(s, &end, 10);
  if(errno || end == s || *end || v <= 0)
    return -1;
  *out = (int64_t)v;
  return 0;
}

static int do_add(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "secret-file", required_argument, NULL, 's' },
    { "events", required_argument, NULL, 'e' },
    { "allow-http", no_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *secret_file = NULL, *events = NULL;
  int allow_http = 0, world = 0, c, rc;
  cg_error err = { 0 };
  cg_store *db = NULL;
  char *secret = NULL;
  int64_t id = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 's':
      secret_file = optarg;
      break;
    case 'e':
      events = optarg;
      break;
    case 'a':
      allow_http = 1;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return CLI_OK;
    default:
      return cli_usage("webhook add", "bad option");
    }
  }
  if(optind + 1 != argc)
    return cli_usage("webhook add", "expected one URL");
  if(!secret_file)
    return cli_usage("webhook add", "--secret-file is required (secrets "
                                    "are never taken on the command line)");
  rc = cg_webhook_read_secret(secret_file, &secret, &world, &err);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(world)
    fprintf(stderr,
            "chipgate: warning: secret file %s is readable by other users "
            "(chmod 600 it)\n",
            secret_file);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_webhook_add(db, argv[optind], secret, events, allow_http, &id,
                        &err);
  cg_store_close(db);
  memset(secret, 0, strlen(secret));
  free(secret);
  if(rc != CG_OK)
    return cli_fail(&err);
  {
    char shown[1024];

    printf("webhook %lld added: %s (events: %s)\n", (long long)id,
           cg_http_redact(argv[optind], shown, sizeof(shown)),
           events ? events : "*");
  }
  return CLI_OK;
}

typedef struct list_ctx {
  int json;     /* --format json */
  cg_json *arr; /* JSON output */
  int n;        /* endpoints listed */
} list_ctx;

static int list_one(void *arg, const cg_webhook_info *w)
{
  list_ctx *lc = arg;
  char masked[1024];
  /* Credentials in the URL are secrets too. */
  const char *url = cg_http_redact(w->url, masked, sizeof(masked));
  cg_json *o;

  lc->n++;
  if(!lc->json) {
    printf("%-4lld %-9s %-8lld %-9lld %-6lld %-40s %s\n", (long long)w->id,
           w->enabled ? "enabled" : "disabled", (long long)w->pending,
           (long long)w->delivered, (long long)w->failed, w->events, url);
    if(!w->enabled && w->disabled_reason)
      printf("     (%s)\n", w->disabled_reason);
    return 0;
  }
  o = cg_json_object();
  if(!o || cg_json_set_int(o, "id", w->id) != CG_OK ||
     cg_json_set_str(o, "url", url) != CG_OK ||
     cg_json_set_str(o, "events", w->events) != CG_OK ||
     cg_json_set_bool(o, "enabled", w->enabled) != CG_OK ||
     cg_json_set_str(o, "disabled_reason", w->disabled_reason) != CG_OK ||
     cg_json_set_str(o, "created_at", w->created_at) != CG_OK ||
     cg_json_set_int(o, "pending", w->pending) != CG_OK ||
     cg_json_set_int(o, "delivered", w->delivered) != CG_OK ||
     cg_json_set_int(o, "failed", w->failed) != CG_OK) {
    cg_json_free(o);
    return CG_ENOMEM;
  }
  return cg_json_append(lc->arr, o);
}

static int do_list(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL,
                                          'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  list_ctx lc = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  int c, rc;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      lc.json = cli_parse_format(optarg);
      if(lc.json < 0)
        return cli_usage("webhook list", "bad --format \"%s\"", optarg);
      break;
    case 'h':
      fputs(usage_text, stdout);
      return CLI_OK;
    default:
      return cli_usage("webhook list", "bad option");
    }
  }
  if(optind != argc)
    return cli_usage("webhook list", "unexpected argument \"%s\"",
                     argv[optind]);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(lc.json) {
    lc.arr = cg_json_array();
    if(!lc.arr) {
      cg_store_close(db);
      cg_error_set(&err, CG_ENOMEM, "out of memory");
      return cli_fail(&err);
    }
  }
  else
    printf("%-4s %-9s %-8s %-9s %-6s %-40s %s\n", "ID", "STATE", "PENDING",
           "DELIVERED", "FAILED", "EVENTS", "URL");
  rc = cg_webhook_list(db, list_one, &lc, &err);
  cg_store_close(db);
  if(rc == CG_OK && lc.json) {
    rc = cg_json_dumpf(stdout, lc.arr, CG_JSON_PRETTY, &err);
    putchar('\n');
  }
  cg_json_free(lc.arr);
  if(rc != CG_OK) {
    if(!err.msg[0])
      cg_error_set(&err, rc, "webhook list failed");
    return cli_fail(&err);
  }
  return CLI_OK;
}

/* remove / enable ID */
static int do_id(cg_cli *cli, int argc, char **argv, int enable)
{
  const char *name = enable ? "webhook enable" : "webhook remove";
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t id;
  int rc;

  if(argc == 2 &&
     (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(usage_text, stdout);
    return CLI_OK;
  }
  if(argc != 2 || parse_id(argv[1], &id) != 0)
    return cli_usage(name, "expected one webhook ID");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = enable ? cg_webhook_enable(db, id, &err)
                : cg_webhook_remove(db, id, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  printf("webhook %lld %s\n", (long long)id, enable ? "enabled" : "removed");
  return CLI_OK;
}

static int do_deliver(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "max-time", required_argument, NULL, 'm' },
    { "cacert", required_argument, NULL, 'c' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  cg_http_opts ho = CG_HTTP_OPTS_INIT;
  cg_webhook_stats stats;
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_http *http = NULL;
  long max_time = 0;
  int json = 0, c, rc;
  char *end;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'm':
      errno = 0;
      max_time = strtol(optarg, &end, 10);
      if(errno || end == optarg || *end || max_time <= 0)
        return cli_usage("webhook deliver", "bad --max-time \"%s\"", optarg);
      break;
    case 'c':
      ho.cacert = optarg;
      break;
    case 'f':
      json = cli_parse_format(optarg);
      if(json < 0)
        return cli_usage("webhook deliver", "bad --format \"%s\"", optarg);
      break;
    case 'h':
      fputs(usage_text, stdout);
      return CLI_OK;
    default:
      return cli_usage("webhook deliver", "bad option");
    }
  }
  if(optind != argc)
    return cli_usage("webhook deliver", "unexpected argument \"%s\"",
                     argv[optind]);
  /* Endpoint URLs were checked against the http policy when added. */
  ho.allow_http = 1;
  ho.follow_redirects = 0;
  ho.max_bytes = 1024 * 1024;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_http_open(&http, &ho, &err);
  if(rc == CG_OK)
    rc = cg_webhook_deliver(db, http, 0, max_time, &stats, &err);
  cg_http_close(http);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(stats.first_error[0])
    fprintf(stderr,
            "chipgate: webhook deliver: %d attempt(s) failed, "
            "first: %s\n",
            stats.failed, stats.first_error);
  if(json)
    printf("{\"attempted\": %d, \"delivered\": %d, \"failed\": %d, "
           "\"given_up\": %d, \"disabled\": %d, \"remaining\": %d}\n",
           stats.attempted, stats.delivered, stats.failed, stats.given_up,
           stats.disabled, stats.remaining);
  else
    printf("webhook deliver: %d attempted, %d delivered, %d failed (%d "
           "given up), %d endpoint(s) disabled, %d still due\n",
           stats.attempted, stats.delivered, stats.failed, stats.given_up,
           stats.disabled, stats.remaining);
  return stats.failed > 0 || stats.remaining > 0 ? CLI_TEMPFAIL : CLI_OK;
}

int cmd_webhook(cg_cli *cli, int argc, char **argv)
{
  if(argc < 2)
    return cli_usage("webhook", "expected add, list, remove, enable or "
                                "deliver");
  if(strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(usage_text, stdout);
    return CLI_OK;
  }
  if(strcmp(argv[1], "add") == 0)
    return do_add(cli, argc - 1, argv + 1);
  if(strcmp(argv[1], "list") == 0)
    return do_list(cli, argc - 1, argv + 1);
  if(strcmp(argv[1], "remove") == 0)
    return do_id(cli, argc - 1, argv + 1, 0);
  if(strcmp(argv[1], "enable") == 0)
    return do_id(cli, argc - 1, argv + 1, 1);
  if(strcmp(argv[1], "deliver") == 0)
    return do_deliver(cli, argc - 1, argv + 1);
  return cli_usage("webhook", "unknown action \"%s\"", argv[1]);
}
