/* cmd_token.c -- `chipgate token add|list|revoke`: the API tokens `chipgate
 * serve` authenticates requests with (src/server/token.h). */
#include "cli/cmd.h"
#include "cli/opts.h"

#include "core/clock.h"
#include "core/json.h"
#include "server/token.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: chipgate token add NAME --role read|submit|review|admin "
    "[--format text|json]\n"
    "       chipgate token list [--format text|json]\n"
    "       chipgate token revoke NAME|ID [--reason TEXT] "
    "[--format text|json]\n\n"
    "API tokens for `chipgate serve`: every request but /healthz carries "
    "one as\n\"Authorization: Bearer TOKEN\". `add` makes a token for NAME "
    "(a system such as\nerp, or a person) and prints it once on standard "
    "output; chipgate keeps only\nits SHA-256, so it is never shown again: "
    "put it in your secret store at once\n(a lost token is revoked and "
    "replaced). NAME is what the audit log records as\nthe reviewer of "
    "reviews and clearances made with the token, so it is never\nreused, "
    "not even after the token is revoked, and \"ERP\" is the same name as "
    "\"erp\".\n`revoke` stops a token from the server's next request on. "
    "`list` shows every\ntoken, revoked ones too, but never a token or its "
    "hash.\n\n"
    "Roles are duties, not a ladder: the ERP that submits orders cannot "
    "release them.\n"
    "  read    the GET routes: orders and their history, the audit log, "
    "metrics\n"
    "  submit  read, and POST /v1/check, /v1/screen and /v1/orders\n"
    "  review  read, check and screen, the actions on an order (review, "
    "nac, ship,\n          cancel) and clearances of screening matches; "
    "not /v1/orders\n"
    "  admin   all of these\n\n"
    "Exit status: 0 done, 64 a bad option, name, role or reason, 65 the "
    "name is taken\nor the token was revoked already, 66 no such token or "
    "no database, 74 database\nerror.\n\n"
    "Examples:\n"
    "  $ chipgate token add erp --role submit\n"
    "  $ chipgate token add \"A. Officer\" --role review --format json\n"
    "  $ chipgate token list\n"
    "  $ chipgate token revoke erp --reason \"moved to a new host\"\n"
    "  $ chipgate token revoke erp # exit 65\n";

#define OPT_FORMAT                                                            \
  {                                                                           \
    "format", required_argument, NULL, 'f'                                    \
  }
#define OPT_HELP                                                              \
  {                                                                           \
    "help", no_argument, NULL, 'h'                                            \
  }
#define OPT_END                                                               \
  {                                                                           \
    NULL, 0, NULL, 0                                                          \
  }

/* Each action takes (and is told of) only its own options. */
static const struct option add_opts[] = {
  { "role", required_argument, NULL, 'r' }, OPT_FORMAT, OPT_HELP, OPT_END
};
static const struct option list_opts[] = { OPT_FORMAT, OPT_HELP, OPT_END };
static const struct option revoke_opts[] = {
  { "reason", required_argument, NULL, 'R' }, OPT_FORMAT, OPT_HELP, OPT_END
};

/* Parses opts into *role (--role), *reason (--reason) and *json.
 * Returns CLI_OK, -1 after --help, or the usage status. */
static int parse(const char *cmd, int argc, char **argv,
                 const struct option *opts, const char **role,
                 const char **reason, int *json)
{
  int c, rc;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'r':
      *role = optarg;
      break;
    case 'R':
      *reason = optarg;
      break;
    case 'f':
      if((rc = cli_opt_format(cmd, optarg, json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return -1;
    default:
      return cli_bad_option(cmd, opts, argv);
    }
  }
  return CLI_OK;
}

static int add_print(const char *name, const cg_token_new *t, int json)
{
  cg_json *o;

  if(!json) {
    printf("%s\n", t->token);
    fprintf(stderr,
            "token %lld \"%s\" (role %s) added. The token above is shown "
            "only this once\n(chipgate keeps only its hash): store it in "
            "your secret store now.\n",
            (long long)t->id, name, cg_token_role_name(t->role));
    return CLI_OK;
  }
  o = cg_json_object();
  if(o &&
     (cg_json_set_int(o, "id", t->id) || cg_json_set_str(o, "name", name) ||
      cg_json_set_str(o, "role", cg_token_role_name(t->role)) ||
      cg_json_set_str(o, "token", t->token) ||
      cg_json_set_str(o, "created_at", t->created_at))) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

static int do_add(cg_cli *cli, int argc, char **argv)
{
  const char *role = "", *reason = NULL;
  cg_token_role r;
  cg_token_new t;
  cg_error err = { 0 };
  cg_store *db = NULL;
  int rc, json = 0;

  rc = parse("token add", argc, argv, add_opts, &role, &reason, &json);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  if(argc - optind != 1)
    return cli_usage("token add", "expected one NAME (who uses the token)");
  if(!*role)
    return cli_usage("token add", "--role is required: read, submit, "
                                  "review or admin");
  if(cg_token_role_parse(role, &r, &err) != CG_OK)
    return cli_usage("token add", "--role: %s", err.msg);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK) {
    rc = cg_token_add(db, argv[optind], role, &t, &err);
    if(rc != CG_OK)
      cg_error_prefix(&err, "token add");
  }
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  rc = add_print(argv[optind], &t, json);
  memset(t.token, 0, sizeof(t.token));
  return rc;
}

/* The columns of `token list` and each row's keys in its JSON. */
static const cli_col list_cols[] = { { "ID", 2, 1 },
                                     { "NAME", 12, 0 },
                                     { "ROLE", 6, 0 },
                                     { "CREATED (UTC)", 16, 0 },
                                     { "REVOKED (UTC)", 16, 0 },
                                     { "REASON", 8, 0 } };
static const char *const list_keys[] = { "id",         "name",
                                         "role",       "created_at",
                                         "revoked_at", "revoke_reason" };

static int list_one(void *arg, const cg_token_row *r)
{
  cg_json *o = cg_json_object();

  if(!o || cg_json_set_int(o, "id", r->id) ||
     cg_json_set_str(o, "name", r->name) ||
     cg_json_set_str(o, "role", r->role) ||
     cg_json_set_str(o, "created_at", r->created_at) ||
     cg_json_set_str(o, "revoked_at", r->revoked_at) ||
     cg_json_set_str(o, "revoke_reason", r->revoke_reason)) {
    cg_json_free(o);
    return CG_ENOMEM;
  }
  return cg_json_append(arg, o);
}

/* A cell of the table: a time to the minute ("2026-11-30 08:06", the
 * JSON has the seconds), so that a reason fits in 80 columns; NULL
 * (live, no reason) as "-". */
static cg_json *list_cell(const cg_json *row, size_t k)
{
  const char *s;
  char buf[32];

  s = cli_cell_text(cg_json_get(row, list_keys[k]), buf, sizeof(buf));
  if((k == 3 || k == 4) && strlen(s) == CG_ISO_TIME - 1) {
    snprintf(buf, sizeof(buf), "%.10s %.5s", s, s + 11);
    s = buf;
  }
  return cg_json_str(s);
}

static int list_text(const cg_json *arr)
{
  cg_json *rows = cg_json_array();
  size_t i, k;

  for(i = 0; rows && i < cg_json_size(arr); i++) {
    cg_json *row = cg_json_array();
    for(k = 0; row && k < sizeof(list_keys) / sizeof(list_keys[0]); k++)
      if(cg_json_append(row, list_cell(cg_json_at(arr, i), k)) != CG_OK) {
        cg_json_free(row);
        row = NULL;
      }
    if(cg_json_append(rows, row) != CG_OK) {
      cg_json_free(rows);
      rows = NULL;
    }
  }
  if(!rows)
    return cli_print_json(NULL); /* says: out of memory */
  cli_table(stdout, list_cols, sizeof(list_cols) / sizeof(list_cols[0]), rows);
  cg_json_free(rows);
  if(cg_json_size(arr) == 0)
    printf("(0 tokens: chipgate token add NAME --role ROLE makes one)\n");
  else
    printf("(%zu token%s)\n", cg_json_size(arr),
           cg_json_size(arr) == 1 ? "" : "s");
  return CLI_OK;
}

static int do_list(cg_cli *cli, int argc, char **argv)
{
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_json *arr = NULL;
  const char *role = NULL, *reason = NULL;
  int rc, json = 0;

  rc = parse("token list", argc, argv, list_opts, &role, &reason, &json);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  if(optind != argc)
    return cli_usage("token list", "unexpected argument \"%s\"", argv[optind]);
  if(!(arr = cg_json_array()))
    return cli_print_json(NULL);
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_token_list(db, list_one, arr, &err);
  cg_store_close(db);
  if(rc != CG_OK) {
    cg_json_free(arr);
    if(rc == CG_ENOMEM && !err.msg[0])
      cg_error_set(&err, rc, "token list: out of memory");
    return cli_fail(&err);
  }
  if(json)
    return cli_print_json(arr);
  rc = list_text(arr);
  cg_json_free(arr);
  return rc;
}

static int do_revoke(cg_cli *cli, int argc, char **argv)
{
  const char *role = NULL, *reason = NULL;
  cg_token_revoked t;
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_json *o;
  int rc, json = 0;

  rc = parse("token revoke", argc, argv, revoke_opts, &role, &reason, &json);
  if(rc != CLI_OK)
    return rc < 0 ? CLI_OK : rc;
  if(argc - optind != 1)
    return cli_usage("token revoke", "expected one token NAME or ID "
                                     "(chipgate token list shows them)");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK) {
    rc = cg_token_revoke(db, argv[optind], reason, &t, &err);
    if(rc != CG_OK)
      cg_error_prefix(&err, "token revoke");
  }
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(!json) {
    printf("token %lld \"%s\" (role %s) revoked\n", (long long)t.id, t.name,
           cg_token_role_name(t.role));
    return CLI_OK;
  }
  o = cg_json_object();
  if(o &&
     (cg_json_set_int(o, "id", t.id) || cg_json_set_str(o, "name", t.name) ||
      cg_json_set_str(o, "role", cg_token_role_name(t.role)) ||
      cg_json_set_str(o, "revoked_at", t.revoked_at) ||
      cg_json_set_str(o, "revoke_reason", reason))) {
    cg_json_free(o);
    o = NULL;
  }
  return cli_print_json(o);
}

int cmd_token(cg_cli *cli, int argc, char **argv)
{
  int rc;

  if(argc < 2)
    return cli_usage("token", "expected add, list or revoke");
  if(strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(usage_text, stdout);
    return CLI_OK;
  }
  if((rc = cli_opt_utf8_args("token", argc, argv)) != CLI_OK)
    return rc;
  if(strcmp(argv[1], "add") == 0)
    return do_add(cli, argc - 1, argv + 1);
  if(strcmp(argv[1], "list") == 0)
    return do_list(cli, argc - 1, argv + 1);
  if(strcmp(argv[1], "revoke") == 0)
    return do_revoke(cli, argc - 1, argv + 1);
  return cli_usage("token",
                   "unknown action \"%s\" (expected add, list or revoke)",
                   argv[1]);
}
