/* cmd_webhook.c -- `chipgate webhook add|list|remove|enable|deliver`:
 * manage webhook endpoints and deliver the outbox (Standard Webhooks). */
#include "cli/cmd.h"
#include "cli/opts.h"

#include "core/clock.h"
#include "core/http.h"
#include "core/json.h"
#include "net/webhook.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: chipgate webhook add URL (--secret-file FILE | --new-secret "
    "FILE)\n"
    "                            [--events LIST] [--allow-http] "
    "[--format text|json]\n"
    "       chipgate webhook list [--format text|json]\n"
    "       chipgate webhook remove ID [--format text|json]\n"
    "       chipgate webhook enable ID [--format text|json]\n"
    "       chipgate webhook deliver [--max-time S] [--cacert FILE] "
    "[--format text|json]\n\n"
    "Events (decision.made, party.hit, list.updated) are written to an "
    "outbox in the\nsame transaction as what caused them; `deliver` POSTs "
    "the due ones as\n{\"type\",\"timestamp\",\"data\"} signed per Standard "
    "Webhooks (webhook-id,\nwebhook-timestamp, webhook-signature: "
    "v1,<base64 HMAC-SHA256>). Only a 2xx\ncounts as delivered; failures "
    "are retried after 5 s, 5 min, 30 min, 2 h,\n5 h, 10 h, then every 10 h "
    "for 3 days (with jitter, never before Retry-After);\na 410 Gone "
    "disables the endpoint (`webhook enable ID` turns it back on).\n"
    "`webhook list` shows each endpoint's pending deliveries, its failed "
    "attempts\n(in a row and in all), the last error and when the next "
    "attempt is due.\n\n"
    "The secret file holds one line whsec_<base64 of 24..64 random bytes>: "
    "let\n--new-secret FILE write a new one (mode 0600; an existing file is "
    "never\nreplaced), or make one yourself with\n"
    "  printf 'whsec_%s\\n' \"$(openssl rand -base64 32)\" > hook.secret; "
    "chmod 600 hook.secret\n"
    "It is stored in the database and never printed. URLs must be https "
    "(plain\nhttp only to loopback unless --allow-http).\n\n"
    "Exit status of deliver: 0 nothing left due, 75 some attempts failed "
    "(any\nnon-2xx, 404 and 410 included, or a transport error: each failed "
    "endpoint is\nnamed on stderr with the reason, the URL's credentials "
    "masked, and when it is\nretried) and are scheduled for retry or the "
    "endpoint was disabled, 74 database\nerror. Run it from cron or a "
    "systemd timer, e.g. every minute.\n"
    "A slow receiver is cut off after 30 s per attempt, or when it sends "
    "under\nCHIPGATE_HTTP_LOW_SPEED_LIMIT bytes/s (default 1024) for "
    "CHIPGATE_HTTP_LOW_SPEED_TIME\nseconds (default 30). Exit status "
    "otherwise: 64 a bad option or value, 66 no\nsuch webhook id or "
    "file.\n\n"
    "Examples:\n"
    "  $ chipgate webhook list\n"
    "  $ chipgate webhook list --format json\n"
    "  $ chipgate webhook deliver --max-time 50\n";

/* `webhook add --help`: its own example, which writes hook.secret and
 * adds an endpoint, so it is not repeated in every other help. */
static const char add_help[] =
    "usage: chipgate webhook add URL (--secret-file FILE | --new-secret "
    "FILE)\n"
    "                            [--events LIST] [--allow-http] "
    "[--format text|json]\n\n"
    "Adds an endpoint that is sent the events of LIST (comma-separated: "
    "decision.made,\nparty.hit, list.updated; default all) from now on. "
    "--new-secret FILE writes a\nnew secret to FILE (mode 0600; refused if "
    "FILE exists) for you to give the\nreceiver; --secret-file FILE uses "
    "the one in FILE, e.g. made with\n"
    "  printf 'whsec_%s\\n' \"$(openssl rand -base64 32)\" > hook.secret; "
    "chmod 600 hook.secret\n"
    "URLs must be https (plain http only to loopback unless "
    "--allow-http).\n\n"
    "Example:\n"
    "  $ chipgate webhook add https://hooks.example.com/chipgate "
    "--new-secret hook.secret --events list.updated\n";

/* A webhook id as the commands take it; a usage error otherwise. */
static int parse_id(const char *cmd, const char *s, int64_t *out)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll(s, &end, 10);
  if(errno || end == s || *end || v <= 0)
    return cli_usage(cmd,
                     "\"%s\" is not a webhook ID (a positive number: "
                     "chipgate webhook list shows them)",
                     s);
  *out = (int64_t)v;
  return CLI_OK;
}

/* Prints why a secret file cannot be used, with the fix; its status. */
static int secret_fail(const char *opt, const cg_error *err)
{
  fprintf(stderr, "chipgate: webhook add: %s %s\n", opt, err->msg);
  if(err->code == CG_ENOTFOUND || err->code == CG_EINVAL)
    fprintf(stderr, "chipgate: make a secret with --new-secret FILE, or with: "
                    "printf 'whsec_%%s\\n' \"$(openssl rand -base64 32)\" > "
                    "hook.secret; chmod 600 hook.secret\n");
  else if(err->code == CG_EIO)
    fprintf(stderr, "chipgate: check the file's permissions (it must be "
                    "readable by you, mode 600)\n");
  return cli_exit_code(err->code);
}

typedef struct add_args {
  const char *url, *secret_file, *new_secret, *events;
  int allow_http, json;
} add_args;

static int add_parse(int argc, char **argv, add_args *a)
{
  static const struct option opts[] = {
    { "secret-file", required_argument, NULL, 's' },
    { "new-secret", required_argument, NULL, 'n' },
    { "events", required_argument, NULL, 'e' },
    { "allow-http", no_argument, NULL, 'a' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 's':
      a->secret_file = optarg;
      break;
    case 'n':
      a->new_secret = optarg;
      break;
    case 'e':
      a->events = optarg;
      break;
    case 'a':
      a->allow_http = 1;
      break;
    case 'f':
      if(cli_opt_format("webhook add", optarg, &a->json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      fputs(add_help, stdout);
      return -1;
    default:
      return cli_bad_option("webhook add", opts, argv);
    }
  }
  if(optind + 1 != argc)
    return cli_usage("webhook add", "expected one URL");
  a->url = argv[optind];
  if(!a->secret_file == !a->new_secret)
    return cli_usage("webhook add",
                     "give one of --secret-file FILE or --new-secret FILE "
                     "(secrets are never taken on the command line)");
  return CLI_OK;
}

static int add_print(const add_args *a, int64_t id, const char *events)
{
  char shown[1024];
  const char *url = cg_http_redact(a->url, shown, sizeof(shown));
  const char *file = a->new_secret ? a->new_secret : a->secret_file;
  cg_json *o;

  if(!a->json) {
    printf("webhook %lld added: %s (events: %s)\n", (long long)id, url,
           events);
    if(a->new_secret)
      printf("its secret is in %s: give it to the receiver\n", file);
    return CLI_OK;
  }
  o = cg_json_object();
  if(o && (cg_json_set_int(o, "id", id) || cg_json_set_str(o, "url", url) ||
           cg_json_set_str(o, "events", events) ||
           cg_json_set_bool(o, "enabled", 1) ||
           cg_json_set_str(o, "secret_file", file) ||
           cg_json_set_bool(o, "new_secret", a->new_secret != NULL))) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

static void wipe(char *secret)
{
  if(secret) {
    memset(secret, 0, strlen(secret));
    free(secret);
  }
}

static int do_add(cg_cli *cli, int argc, char **argv)
{
  add_args a = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  char *secret = NULL, ev[128];
  int world = 0, rc;
  int64_t id = 0;

  rc = add_parse(argc, argv, &a);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  /* Every value is checked before the database or a file is touched. */
  if(cg_http_check_url(a.url, a.allow_http, &err) != CG_OK ||
     cg_webhook_parse_events(a.events, ev, sizeof(ev), &err) != CG_OK)
    return cli_usage("webhook add", "%s", err.msg);
  if(a.new_secret && access(a.new_secret, F_OK) == 0)
    return cli_usage("webhook add",
                     "--new-secret %s: the file exists (a new secret never "
                     "replaces one: name a new file, or use --secret-file "
                     "%s)",
                     a.new_secret, a.new_secret);
  if(a.secret_file) {
    rc = cg_webhook_read_secret(a.secret_file, &secret, &world, &err);
    if(rc != CG_OK)
      return secret_fail("--secret-file", &err);
    if(world)
      fprintf(stderr,
              "chipgate: warning: secret file %s is readable by other users "
              "(chmod 600 it)\n",
              a.secret_file);
  }
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK && a.new_secret) {
    rc = cg_webhook_new_secret(a.new_secret, &secret, &err);
    if(rc != CG_OK)
      cg_error_prefix(&err, "webhook add: --new-secret");
  }
  if(rc == CG_OK) {
    rc = cg_webhook_add(db, a.url, secret, ev, a.allow_http, &id, &err);
    /* No partial write: the new secret goes with the endpoint it was for. */
    if(rc != CG_OK && a.new_secret)
      unlink(a.new_secret);
  }
  cg_store_close(db);
  wipe(secret);
  if(rc != CG_OK)
    return cli_fail(&err);
  return add_print(&a, id, ev);
}

/* "in 5 s", "in 3 min", "in 2 h", "in 3 d" or "due now": how far t is. */
static const char *how_far(int64_t t, time_t now, char *buf, size_t size)
{
  int64_t d = t - (int64_t)now;

  if(d <= 0)
    snprintf(buf, size, "due now");
  else if(d < 120)
    snprintf(buf, size, "in %lld s", (long long)d);
  else if(d < 2 * 3600)
    snprintf(buf, size, "in %lld min", (long long)((d + 59) / 60));
  else if(d < 2 * 86400)
    snprintf(buf, size, "in %lld h", (long long)((d + 3599) / 3600));
  else
    snprintf(buf, size, "in %lld d", (long long)((d + 86399) / 86400));
  return buf;
}

typedef struct list_ctx {
  int json;     /* --format json */
  cg_json *arr; /* JSON output */
  time_t now;   /* for "in N min" */
} list_ctx;

/* The lines under an endpoint's row that say how its deliveries fare. */
static void list_detail(const list_ctx *lc, const cg_webhook_info *w)
{
  char t[24], far[32];

  if(!w->enabled) {
    printf("     disabled: %s; `chipgate webhook enable %lld` turns it back "
           "on",
           w->disabled_reason ? w->disabled_reason : "no reason recorded",
           (long long)w->id);
    if(w->pending)
      printf(" and resumes its %lld pending deliver%s", (long long)w->pending,
             w->pending == 1 ? "y" : "ies");
    putchar('\n');
  }
  if(w->failures_in_a_row)
    printf("     failing: %lld attempt%s in a row (%lld failed in all)\n",
           (long long)w->failures_in_a_row,
           w->failures_in_a_row == 1 ? "" : "s",
           (long long)w->failed_attempts);
  else if(w->failed_attempts)
    printf("     %lld failed attempt%s in all, none since the last "
           "delivery\n",
           (long long)w->failed_attempts, w->failed_attempts == 1 ? "" : "s");
  if(w->last_error)
    printf("     last error %s: %s\n", w->last_error_at, w->last_error);
  if(w->enabled && w->pending && w->next_attempt_at) {
    cg_clock_iso((time_t)w->next_attempt_at, t);
    printf("     next attempt %s (%s)\n", t,
           how_far(w->next_attempt_at, lc->now, far, sizeof(far)));
  }
}

static int list_one(void *arg, const cg_webhook_info *w)
{
  list_ctx *lc = arg;
  char masked[1024], next[24];
  /* Credentials in the URL are secrets too. */
  const char *url = cg_http_redact(w->url, masked, sizeof(masked));
  cg_json *o;

  if(!lc->json) {
    printf("%-4lld %-9s %-8lld %-9lld %-7lld %-22s %s\n", (long long)w->id,
           w->enabled ? "enabled" : "disabled", (long long)w->pending,
           (long long)w->delivered, (long long)w->failed, w->events, url);
    list_detail(lc, w);
    return 0;
  }
  if(w->next_attempt_at)
    cg_clock_iso((time_t)w->next_attempt_at, next);
  o = cg_json_object();
  if(!o || cg_json_set_int(o, "id", w->id) != CG_OK ||
     cg_json_set_str(o, "url", url) != CG_OK ||
     cg_json_set_str(o, "events", w->events) != CG_OK ||
     cg_json_set_bool(o, "enabled", w->enabled) != CG_OK ||
     cg_json_set_str(o, "disabled_reason", w->disabled_reason) != CG_OK ||
     cg_json_set_str(o, "created_at", w->created_at) != CG_OK ||
     cg_json_set_int(o, "pending", w->pending) != CG_OK ||
     cg_json_set_int(o, "delivered", w->delivered) != CG_OK ||
     cg_json_set_int(o, "failed", w->failed) != CG_OK ||
     cg_json_set_int(o, "failed_attempts", w->failed_attempts) != CG_OK ||
     cg_json_set_int(o, "failures_in_a_row", w->failures_in_a_row) != CG_OK ||
     cg_json_set_str(o, "last_error", w->last_error) != CG_OK ||
     cg_json_set_str(o, "last_error_at", w->last_error_at) != CG_OK ||
     cg_json_set(o, "last_status_code",
                 w->last_status_code ? cg_json_int(w->last_status_code)
                                     : cg_json_null()) != CG_OK ||
     cg_json_set_str(o, "next_attempt_at",
                     w->enabled && w->pending && w->next_attempt_at
                         ? next
                         : NULL) != CG_OK) {
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
      if(cli_opt_format("webhook list", optarg, &lc.json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("webhook list", opts, argv);
    }
  }
  if(optind != argc)
    return cli_usage("webhook list", "unexpected argument \"%s\"",
                     argv[optind]);
  lc.now = time(NULL);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(lc.json && !(lc.arr = cg_json_array())) {
    cg_store_close(db);
    cg_error_set(&err, CG_ENOMEM, "out of memory");
    return cli_fail(&err);
  }
  if(!lc.json)
    printf("%-4s %-9s %-8s %-9s %-7s %-22s %s\n", "ID", "STATE", "PENDING",
           "DELIVERED", "GAVE-UP", "EVENTS", "URL");
  rc = cg_webhook_list(db, list_one, &lc, &err);
  cg_store_close(db);
  if(rc != CG_OK) {
    cg_json_free(lc.arr);
    if(!err.msg[0])
      cg_error_set(&err, rc, "webhook list failed");
    return cli_fail(&err);
  }
  return lc.json ? cli_print_json(lc.arr) : CLI_OK;
}

/* remove / enable ID */
static int do_id(cg_cli *cli, int argc, char **argv, int enable)
{
  static const struct option opts[] = { { "format", required_argument, NULL,
                                          'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  const char *name = enable ? "webhook enable" : "webhook remove";
  cg_error err = { 0 };
  cg_store *db = NULL;
  int64_t id = 0;
  int rc, c, json = 0;
  cg_json *o;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      if(cli_opt_format(name, optarg, &json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return CLI_OK;
    default:
      return cli_bad_option(name, opts, argv);
    }
  }
  if(argc - optind != 1)
    return cli_usage(name, "expected one webhook ID");
  if((rc = parse_id(name, argv[optind], &id)) != CLI_OK)
    return rc;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = enable ? cg_webhook_enable(db, id, &err)
                : cg_webhook_remove(db, id, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(!json) {
    printf("webhook %lld %s\n", (long long)id, enable ? "enabled" : "removed");
    return CLI_OK;
  }
  o = cg_json_object();
  if(o &&
     (cg_json_set_int(o, "id", id) || cg_json_set_bool(o, "enabled", enable) ||
      cg_json_set_bool(o, "removed", !enable))) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

typedef struct deliver_ctx {
  int json;     /* --format json */
  cg_json *arr; /* the attempts, for JSON */
  int oom;      /* building arr ran out of memory */
} deliver_ctx;

/* A failed attempt on stderr: what, where (the masked URL is in the
 * error) and what happens next. */
static void attempt_text(const cg_webhook_attempt *a)
{
  char t[24], far[32];

  fprintf(stderr, "chipgate: webhook deliver: webhook %lld failed: %s; ",
          (long long)a->webhook_id, a->error ? a->error : "?");
  if(strcmp(a->outcome, "retry") == 0) {
    cg_clock_iso((time_t)a->next_attempt, t);
    fprintf(stderr, "next retry %s (%s", t,
            how_far(a->next_attempt, time(NULL), far, sizeof(far)));
    if(a->retry_after >= 0)
      fprintf(stderr, "; the receiver's Retry-After: %ld s", a->retry_after);
    fputs(")\n", stderr);
  }
  else if(strcmp(a->outcome, "disabled") == 0)
    fprintf(stderr,
            "the endpoint is disabled (410 Gone): `chipgate webhook "
            "enable %lld` turns it back on\n",
            (long long)a->webhook_id);
  else
    fprintf(stderr, "given up: no retry is left in the 3 days after the "
                    "event\n");
}

static int attempt_json(deliver_ctx *dc, const cg_webhook_attempt *a)
{
  cg_json *o = cg_json_object();
  char t[24];

  if(a->next_attempt)
    cg_clock_iso((time_t)a->next_attempt, t);
  if(!o || cg_json_set_int(o, "webhook_id", a->webhook_id) ||
     cg_json_set_int(o, "event_id", a->event_id) ||
     cg_json_set_str(o, "msg_id", a->msg_id) ||
     cg_json_set_str(o, "type", a->type) ||
     cg_json_set_int(o, "attempt", a->attempt) ||
     cg_json_set_str(o, "url", a->url) || cg_json_set_str(o, "at", a->at) ||
     cg_json_set(o, "status_code",
                 a->status ? cg_json_int(a->status) : cg_json_null()) ||
     cg_json_set_str(o, "body", a->body) ||
     cg_json_set_str(o, "error", a->error) ||
     cg_json_set_int(o, "duration_ms", a->duration_ms) ||
     cg_json_set(o, "retry_after",
                 a->retry_after >= 0 ? cg_json_int(a->retry_after)
                                     : cg_json_null()) ||
     cg_json_set_str(o, "outcome", a->outcome) ||
     cg_json_set_str(o, "next_attempt_at", a->next_attempt ? t : NULL)) {
    cg_json_free(o);
    dc->oom = 1;
  }
  else if(cg_json_append(dc->arr, o) != CG_OK) /* o is stolen either way */
    dc->oom = 1;
  return 0;
}

static int on_attempt(void *arg, const cg_webhook_attempt *a)
{
  deliver_ctx *dc = arg;

  if(a->error)
    attempt_text(a);
  return dc->json ? attempt_json(dc, a) : 0;
}

static int deliver_print(deliver_ctx *dc, const cg_webhook_stats *st)
{
  char line[256];
  cg_json *o;

  snprintf(line, sizeof(line),
           "webhook deliver: %d attempted, %d delivered, %d failed (%d "
           "given up), %d endpoint(s) disabled, %d still due",
           st->attempted, st->delivered, st->failed, st->given_up,
           st->disabled, st->remaining);
  if(!dc->json) {
    printf("%s\n", line);
    return CLI_OK;
  }
  o = dc->oom ? NULL : cg_json_object();
  if(o && (cg_json_set_int(o, "attempted", st->attempted) ||
           cg_json_set_int(o, "delivered", st->delivered) ||
           cg_json_set_int(o, "failed", st->failed) ||
           cg_json_set_int(o, "given_up", st->given_up) ||
           cg_json_set_int(o, "disabled", st->disabled) ||
           cg_json_set_int(o, "remaining", st->remaining) ||
           cg_json_set(o, "attempts", cg_json_ref(dc->arr)) ||
           cg_json_set_str(o, "summary", line))) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

static int deliver_parse(int argc, char **argv, long *max_time,
                         const char **cacert, int *json)
{
  static const struct option opts[] = {
    { "max-time", required_argument, NULL, 'm' },
    { "cacert", required_argument, NULL, 'c' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  char *end;
  int c;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'm':
      errno = 0;
      *max_time = strtol(optarg, &end, 10);
      if(errno || end == optarg || *end || *max_time <= 0 || *max_time > 86400)
        return cli_usage("webhook deliver",
                         "--max-time must be whole seconds from 1 to 86400, "
                         "not \"%s\"",
                         optarg);
      break;
    case 'c':
      *cacert = optarg;
      break;
    case 'f':
      if(cli_opt_format("webhook deliver", optarg, json) != CLI_OK)
        return CLI_USAGE;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return -1;
    default:
      return cli_bad_option("webhook deliver", opts, argv);
    }
  }
  if(optind != argc)
    return cli_usage("webhook deliver", "unexpected argument \"%s\"",
                     argv[optind]);
  if(*cacert && access(*cacert, R_OK) != 0) {
    int e0 = errno;

    fprintf(stderr,
            "chipgate: webhook deliver: --cacert %s: %s (name a readable "
            "PEM file of CA certificates)\n",
            *cacert, strerror(e0));
    return e0 == ENOENT ? CLI_NOINPUT : CLI_IOERR;
  }
  return CLI_OK;
}

static int do_deliver(cg_cli *cli, int argc, char **argv)
{
  cg_http_opts ho = CG_HTTP_OPTS_INIT;
  deliver_ctx dc = { 0 };
  cg_webhook_stats stats;
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_http *http = NULL;
  long max_time = 0;
  int rc;

  rc = deliver_parse(argc, argv, &max_time, &ho.cacert, &dc.json);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  /* Endpoint URLs were checked against the http policy when added. */
  ho.allow_http = 1;
  ho.follow_redirects = 0;
  ho.max_bytes = 1024 * 1024;
  if(dc.json && !(dc.arr = cg_json_array()))
    return cli_print_json(NULL);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_http_open(&http, &ho, &err);
  if(rc == CG_OK)
    rc = cg_webhook_deliver_each(db, http, 0, max_time, on_attempt, &dc,
                                 &stats, &err);
  cg_http_close(http);
  cg_store_close(db);
  if(rc != CG_OK) {
    cg_json_free(dc.arr);
    return cli_fail(&err);
  }
  rc = deliver_print(&dc, &stats);
  cg_json_free(dc.arr);
  if(rc != CLI_OK)
    return rc;
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
  return cli_usage("webhook",
                   "unknown action \"%s\" (expected add, list, remove, "
                   "enable or deliver)",
                   argv[1]);
}
