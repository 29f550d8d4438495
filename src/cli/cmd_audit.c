/* cmd_audit.c -- `chipgate audit verify [--anchor SEQ:HASH] | head |
 * show [--since D] [--order ID]`. */
#include "decide/audit.h"
#include "cli/cmd.h"
#include "cli/opts.h"

#include "core/json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int print_doc(const char *doc, void *arg)
{
  long *n = arg;

  (*n)++;
  puts(doc);
  return 0;
}

/* Prints obj as one line of JSON and frees it. */
static int print_json(cg_json *obj, cg_error *err)
{
  char *s = NULL;
  int rc = obj ? cg_json_dump(&s, obj, CG_JSON_CANONICAL, err)
               : cg_error_set(err, CG_ENOMEM, "out of memory");

  if(rc == CG_OK)
    puts(s);
  free(s);
  cg_json_free(obj);
  return rc;
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
  return print_json(o, err);
}

/* verify: the whole chain, every column, and the anchor if given. A
 * broken log is exit 65 with the entry and column on stderr (and with
 * json the same as an object on stdout). */
static int verify(cg_store *db, const cg_audit_head *anchor, int json,
                  cg_error *err)
{
  char head[CG_AUDIT_HEAD_TEXT], anc[CG_AUDIT_HEAD_TEXT];
  cg_audit_check c;
  int rc = cg_audit_verify_anchor(db, anchor, &c, err);
  cg_json *o;

  if(rc != CG_OK && rc != CG_EINVAL)
    return rc;
  cg_audit_head_text(&c.head, head);
  if(anchor)
    cg_audit_head_text(anchor, anc);
  if(!json && rc == CG_OK) {
    if(c.entries == c.decisions)
      printf("audit log intact: %lld decisions, hash chain and every "
             "column verified\n",
             (long long)c.decisions);
    else
      printf("audit log intact: %lld entries (%lld decisions, %lld "
             "lifecycle steps), hash chain and every column verified\n",
             (long long)c.entries, (long long)c.decisions,
             (long long)(c.entries - c.decisions));
    printf("head %s\n", head);
    if(anchor)
      printf("anchor %s is in the log\n", anc);
  }
  if(json) {
    o = cg_json_object();
    if(o && (cg_json_set_bool(o, "intact", rc == CG_OK) != CG_OK ||
             cg_json_set_int(o, "entries", c.entries) != CG_OK ||
             cg_json_set_int(o, "decisions", c.decisions) != CG_OK ||
             cg_json_set_str(o, "head", head) != CG_OK ||
             cg_json_set_str(o, "anchor", anchor ? anc : NULL) != CG_OK ||
             cg_json_set_str(o, "error", rc ? err->msg : NULL) != CG_OK ||
             (rc && cg_json_set_int(o, "bad_seq", c.bad_seq) != CG_OK))) {
      cg_json_free(o);
      o = NULL;
    }
    if(print_json(o, NULL) != CG_OK && rc == CG_OK)
      return cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  if(rc == CG_EINVAL)
    fprintf(stderr, "chipgate: audit log TAMPERED: %s (%lld entries read)\n",
            err->msg, (long long)c.entries);
  return rc;
}

static int usage(void)
{
  printf("usage: chipgate audit verify [--anchor SEQ:HASH] "
         "[--format text|json]\n"
         "       chipgate audit head [--format text|json]\n"
         "       chipgate audit show [--since YYYY-MM-DD] [--order ID]\n\n"
         "verify recomputes the hash chain of the audit log, checks every "
         "column of\nevery entry against its hashed bytes and names the "
         "first entry that does\nnot match (exit 65); with --anchor, a "
         "head kept earlier (from `audit head`,\na report or an event) "
         "must still be in the log with the same hash.\nhead prints the "
         "newest entry as SEQ:HASH (0 and 64 zeros for an empty log).\n"
         "show prints the recorded decision documents, one JSON per "
         "line.\n");
  return CLI_OK;
}

int cmd_audit(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "since", required_argument, NULL, 's' },
    { "order", required_argument, NULL, 'o' },
    { "anchor", required_argument, NULL, 'a' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *since = NULL, *order = NULL, *verb;
  char since_buf[11];
  cg_audit_head anchor;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int c, rc, json = 0, has_anchor = 0, has_format = 0;

  if((rc = cli_opt_utf8_args("audit", argc, argv)) != CLI_OK)
    return rc;
  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 's':
      rc = cli_opt_date("audit", "--since", optarg, since_buf);
      if(rc != CLI_OK)
        return rc;
      since = since_buf;
      break;
    case 'o':
      order = optarg;
      break;
    case 'a':
      if(cg_audit_head_parse(optarg, &anchor, &err) != CG_OK)
        return cli_usage("audit", "--anchor: %s", err.msg);
      has_anchor = 1;
      break;
    case 'f':
      json = cli_parse_format(optarg);
      if(json < 0)
        return cli_usage("audit", "--format must be text or json");
      has_format = 1;
      break;
    case 'h':
      return usage();
    default:
      return cli_usage("audit", "bad option");
    }
  }
  if(argc - optind != 1)
    return cli_usage("audit", "expected verify, head or show");
  verb = argv[optind];
  if(strcmp(verb, "verify") && strcmp(verb, "show") && strcmp(verb, "head"))
    return cli_usage("audit", "unknown action \"%s\"", verb);
  if(has_anchor && strcmp(verb, "verify"))
    return cli_usage("audit", "--anchor goes with verify");
  if((since || order) && strcmp(verb, "show"))
    return cli_usage("audit", "--since and --order go with show");
  if(has_format && !strcmp(verb, "show"))
    return cli_usage("audit", "--format goes with verify or head");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc != CG_OK)
    return cli_fail(&err); /* not "reported by verify itself" below */
  if(!strcmp(verb, "verify"))
    rc = verify(db, has_anchor ? &anchor : NULL, json, &err);
  else if(rc == CG_OK && !strcmp(verb, "head"))
    rc = show_head(db, json, &err);
  else if(rc == CG_OK) {
    long n = 0;
    rc = cg_audit_each(db, since, order, 0, print_doc, &n, &err);
    if(rc == CG_OK && order && n == 0)
      rc = cg_error_set(&err, CG_ENOTFOUND,
                        "order %s has no recorded decision", order);
  }
  cg_store_close(db);
  /* A broken log was reported by verify itself. */
  if(rc == CG_EINVAL && !strcmp(verb, "verify"))
    return CLI_DATAERR;
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
