/* cmd_audit.c -- `chipgate audit verify [--anchor SEQ:HASH] | head |
 * show [--since D] [--order ID]`, each [--format text|json] [--quiet]. */
#include "decide/audit.h"
#include "cli/cmd.h"
#include "cli/opts.h"
#include "cli/progress.h"
#include "model/order.h"

#include "core/json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* What the command line asked for. */
typedef struct audit_args {
  const char *verb;   /* verify, head or show */
  const char *since;  /* show --since, or NULL */
  const char *order;  /* show --order, or NULL */
  char since_buf[11]; /* since points here */
  cg_audit_head anchor;
  int has_anchor; /* verify --anchor */
  int json;       /* --format json */
  int quiet;      /* --quiet */
} audit_args;

/* A text line of `audit show`: when, batch, order, outcome, destination,
 * ECCN and chip of one stored decision document. */
static void print_text(const char *doc)
{
  cg_json *d = NULL, *chip;
  const char *s;
  char batch[32] = "-";
  double b;

  if(cg_json_parse(&d, doc, strlen(doc), "audit", NULL) != CG_OK) {
    puts(doc); /* not ours to judge here: `audit verify` does */
    return;
  }
  b = cg_json_number_value(cg_json_get(d, "batch"));
  if(b == b)
    snprintf(batch, sizeof(batch), "%.0f", b);
  chip = cg_json_get(d, "chip");
  s = cg_json_string_value(cg_json_get(d, "decision"));
  if(!s) /* a lifecycle step: its kind, when it was recorded */
    s = cg_json_string_value(cg_json_get(d, "kind"));
  if(!cg_json_get(d, "decided_at"))
    cg_json_set(d, "decided_at", cg_json_ref(cg_json_get(d, "at")));
  printf("%-20s  %5s  %-14s  %s%-16s%s  %-3s  %-9s  %s\n",
         cg_json_string_value(cg_json_get(d, "decided_at"))
             ? cg_json_string_value(cg_json_get(d, "decided_at"))
             : "-",
         batch,
         cg_json_string_value(cg_json_get(d, "order_id"))
             ? cg_json_string_value(cg_json_get(d, "order_id"))
             : "-",
         cli_sgr_outcome(stdout, s ? s : ""), s ? s : "-",
         cli_sgr_reset(stdout),
         cg_json_string_value(cg_json_get(d, "destination"))
             ? cg_json_string_value(cg_json_get(d, "destination"))
             : "-",
         cg_json_string_value(cg_json_get(chip, "eccn"))
             ? cg_json_string_value(cg_json_get(chip, "eccn"))
             : "-",
         cg_json_string_value(cg_json_get(chip, "name"))
             ? cg_json_string_value(cg_json_get(chip, "name"))
             : "-");
  cg_json_free(d);
}

typedef struct show_ctx {
  long n;   /* documents printed */
  int json; /* JSON Lines: the stored bytes as they are */
} show_ctx;

static int print_doc(const char *doc, void *arg)
{
  show_ctx *c = arg;

  if(c->json)
    puts(doc);
  else {
    if(c->n == 0)
      printf("%-20s  %5s  %-14s  %-16s  %-3s  %-9s  %s\n", "DECIDED_AT",
             "BATCH", "ORDER", "DECISION", "TO", "ECCN", "CHIP");
    print_text(doc);
  }
  c->n++;
  return 0;
}

/* show: the decisions (of one order, since a date); an unknown order, or
 * one never decided, is CG_ENOTFOUND (exit 66). */
static int show(cg_store *db, const audit_args *a, cg_error *err)
{
  show_ctx c = { 0, a->json };
  int64_t id = 0;
  int rc = CG_OK;

  if(a->order) {
    rc = cg_order_find_id(db, a->order, &id, err);
    if(rc == CG_OK && id == 0)
      return cg_error_set(err, CG_ENOTFOUND,
                          "audit show --order: no order \"%s\" (chipgate "
                          "list orders shows them)",
                          a->order);
  }
  if(rc == CG_OK)
    rc = cg_audit_each_entry(db, a->since, a->order, print_doc, &c, err);
  if(rc == CG_OK && a->order && c.n == 0)
    rc = cg_error_set(err, CG_ENOTFOUND,
                      "audit show --order: nothing recorded for order %s yet "
                      "(chipgate batch decides it)",
                      a->order);
  return rc;
}

/* Prints obj as one document (cli_print_json); CG_OK or CG_EIO. */
static int print_json(cg_json *obj)
{
  return cli_print_json(obj) == CLI_OK ? CG_OK : CG_EIO;
}

static int show_head(cg_store *db, int json, cg_error *err)
{
  char text[CG_AUDIT_HEAD_TEXT];
  cg_audit_head h;
  cg_json *o;
  int rc = cg_audit_head_get(db, &h, err);

  if(rc != CG_OK)
    return rc;
  cg_audit_head_text(&h, text);
  if(!json) {
    puts(text);
    return CG_OK;
  }
  o = cg_json_object();
  if(o && (cg_json_set_int(o, "seq", h.seq) != CG_OK ||
           cg_json_set_str(o, "hash", h.hash) != CG_OK ||
           cg_json_set_str(o, "head", text) != CG_OK)) {
    cg_json_free(o);
    o = NULL;
  }
  return print_json(o) == CG_OK
             ? CG_OK
             : cg_error_set(err, CG_EIO, "audit head: cannot write");
}

static void verify_text(const cg_audit_check *c, const char *head,
                        const char *anc, double secs)
{
  if(c->entries == c->decisions)
    printf("audit log intact: %lld decisions, hash chain and every "
           "column verified in %.2fs\n",
           (long long)c->decisions, secs);
  else
    printf("audit log intact: %lld entries (%lld decisions, %lld "
           "lifecycle steps), hash chain and every column verified in "
           "%.2fs\n",
           (long long)c->entries, (long long)c->decisions,
           (long long)(c->entries - c->decisions), secs);
  printf("head %s\n", head);
  if(anc)
    printf("anchor %s is in the log\n", anc);
}

/* verify: the whole chain, every column, and the anchor if given. A
 * broken log is exit 65 with the entry and column on stderr (and with
 * json the same as an object on stdout). */
static int verify(cg_store *db, const audit_args *a, cg_error *err)
{
  char head[CG_AUDIT_HEAD_TEXT], anc[CG_AUDIT_HEAD_TEXT];
  const cg_audit_head *anchor = a->has_anchor ? &a->anchor : NULL;
  cli_progress prog;
  cg_audit_check c;
  cg_json *o;
  int rc;

  cli_progress_init(&prog, "entries", a->quiet);
  rc = cg_audit_verify_progress(db, anchor, cli_progress_fn_of(&prog), &prog,
                                &c, err);
  cli_progress_end(&prog);
  if(rc != CG_OK && rc != CG_EINVAL)
    return rc;
  cg_audit_head_text(&c.head, head);
  if(anchor)
    cg_audit_head_text(anchor, anc);
  if(!a->json && !a->quiet && rc == CG_OK)
    verify_text(&c, head, anchor ? anc : NULL, cli_progress_seconds(&prog));
  if(a->json) {
    o = cg_json_object();
    if(o &&
       (cg_json_set_bool(o, "intact", rc == CG_OK) != CG_OK ||
        cg_json_set_int(o, "entries", c.entries) != CG_OK ||
        cg_json_set_int(o, "decisions", c.decisions) != CG_OK ||
        cg_json_set_str(o, "head", head) != CG_OK ||
        cg_json_set_str(o, "anchor", anchor ? anc : NULL) != CG_OK ||
        cg_json_set_str(o, "error", rc ? err->msg : NULL) != CG_OK ||
        (rc && cg_json_set_int(o, "bad_seq", c.bad_seq) != CG_OK) ||
        cg_json_set_num(o, "seconds", cli_progress_seconds(&prog)) != CG_OK)) {
      cg_json_free(o);
      o = NULL;
    }
    if(print_json(o) != CG_OK && rc == CG_OK)
      return cg_error_set(err, CG_EIO, "audit verify: cannot write");
  }
  if(rc == CG_EINVAL)
    fprintf(stderr, "chipgate: audit log TAMPERED: %s (%lld entries read)\n",
            err->msg, (long long)c.entries);
  return rc;
}

static const char help_text[] =
    "usage: chipgate audit verify [--anchor SEQ:HASH] [--format text|json] "
    "[--quiet]\n"
    "       chipgate audit head [--format text|json]\n"
    "       chipgate audit show [--since YYYY-MM-DD] [--order ID] "
    "[--format text|json]\n\n"
    "verify recomputes the hash chain of the audit log, checks every "
    "column of\nevery entry against its hashed bytes and names the "
    "first entry that does\nnot match (exit 65); with --anchor, a "
    "head kept earlier (from `audit head`,\na report or an event) "
    "must still be in the log with the same hash. On a\nterminal it "
    "draws a progress line (entries, rate, ETA) on stderr; --quiet\nturns "
    "it and the text summary off.\n"
    "head prints the newest entry as SEQ:HASH (0 and 64 zeros for an empty "
    "log).\n"
    "show prints the log's entries, one line each: decisions (when, batch, "
    "order,\ndecision, destination, ECCN, chip) and the steps taken on "
    "orders (review,\nnac_filed, nac_objection, shipment, cancel); with "
    "--format json, the stored\ndocuments as JSON Lines (one JSON object "
    "per line, the bytes the log hashed).\nAn unknown --order, or one with "
    "nothing recorded, is exit 66.\n\n"
    "Examples:\n"
    "  $ chipgate audit verify\n"
    "  $ chipgate audit head --format json\n"
    "  $ chipgate audit show --order O-1001\n";

/* Checks that the options given go with the verb. */
static int check_verb(const audit_args *a)
{
  if(strcmp(a->verb, "verify") && strcmp(a->verb, "show") &&
     strcmp(a->verb, "head"))
    return cli_usage("audit", "unknown action \"%s\" (verify, head or show)",
                     a->verb);
  if(a->has_anchor && strcmp(a->verb, "verify"))
    return cli_usage("audit", "--anchor goes with verify");
  if((a->since || a->order) && strcmp(a->verb, "show"))
    return cli_usage("audit", "--since and --order go with show");
  return -1;
}

/* Parses argv into a: -1 to go on, else the exit status. */
static int parse(audit_args *a, int argc, char **argv)
{
  static const struct option opts[] = {
    { "since", required_argument, NULL, 's' },
    { "order", required_argument, NULL, 'o' },
    { "anchor", required_argument, NULL, 'a' },
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  cg_error err = { 0 };
  int c, rc;

  if((rc = cli_opt_utf8_args("audit", argc, argv)) != CLI_OK)
    return rc;
  while((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
    switch(c) {
    case 's':
      rc = cli_opt_date("audit", "--since", optarg, a->since_buf);
      if(rc != CLI_OK)
        return rc;
      a->since = a->since_buf;
      break;
    case 'o':
      a->order = optarg;
      break;
    case 'a':
      if(cg_audit_head_parse(optarg, &a->anchor, &err) != CG_OK)
        return cli_usage("audit", "--anchor: %s", err.msg);
      a->has_anchor = 1;
      break;
    case 'f':
      a->json = cli_parse_format(optarg);
      if(a->json < 0)
        return cli_usage("audit", "--format must be text or json, not \"%s\"",
                         optarg);
      break;
    case 'q':
      a->quiet = 1;
      break;
    case 'h':
      fputs(help_text, stdout);
      return CLI_OK;
    default:
      return cli_bad_option("audit", opts, argv);
    }
  }
  if(argc - optind != 1)
    return cli_usage("audit", "expected verify, head or show");
  a->verb = argv[optind];
  return check_verb(a);
}

int cmd_audit(cg_cli *cli, int argc, char **argv)
{
  audit_args a;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int rc;

  memset(&a, 0, sizeof(a));
  rc = parse(&a, argc, argv);
  if(rc >= 0)
    return rc;
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc != CG_OK)
    return cli_fail(&err); /* not "reported by verify itself" below */
  if(!strcmp(a.verb, "verify"))
    rc = verify(db, &a, &err);
  else if(!strcmp(a.verb, "head"))
    rc = show_head(db, a.json, &err);
  else
    rc = show(db, &a, &err);
  cg_store_close(db);
  /* A broken log was reported by verify itself. */
  if(rc == CG_EINVAL && !strcmp(a.verb, "verify"))
    return CLI_DATAERR;
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
