/* cmd_rules.c -- `chipgate rules lint|test|show [RULE_ID] [--format F]`.
 *
 *   lint   load and check the pack in cli->rules_dir; print every error
 *          as file:line:col: message
 *   test   lint, then run rules/ ** / *.test; print failures as
 *          file:line: message and "N passed, N failed"
 *   show   list the rules, or one rule in full
 *
 * --format json prints one JSON document on stdout instead.
 * Exit: 0 ok, 65 pack errors or failed tests, 66 missing directory,
 * 64 usage. */
#include "cli/cmd.h"
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: chipgate [--rules DIR] rules lint|test|show [RULE_ID] "
    "[--format text|json]\n"
    "  lint        check the rule pack; list every error\n"
    "  test        check, then run the pack's *.test cases\n"
    "  show [ID]   list the rules, or print one rule with its source\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 65 the pack has errors or a test failed, "
    "66 no\nsuch rule or no pack found.\n\n"
    "Examples:\n"
    "  $ chipgate rules lint\n"
    "  $ chipgate rules show EAR.3A090.a\n";

typedef struct opts {
  int json;       /* --format json */
  const char *id; /* show RULE_ID */
} opts;

/* Writes s as a JSON string literal. */
static void json_str(const char *s)
{
  const unsigned char *p = (const unsigned char *)(s ? s : "");

  putchar('"');
  for(; *p; p++) {
    if(*p == '"' || *p == '\\')
      printf("\\%c", *p);
    else if(*p == '\n')
      fputs("\\n", stdout);
    else if(*p == '\t')
      fputs("\\t", stdout);
    else if(*p < 0x20)
      printf("\\u%04x", *p);
    else
      putchar(*p);
  }
  putchar('"');
}

static int load_exit(int rc)
{
  if(rc == CG_ENOTFOUND)
    return CLI_NOINPUT;
  if(rc == CG_EINVAL)
    return CLI_DATAERR;
  return cli_exit_code(rc);
}

/* Loads the pack, printing diagnostics; returns 0 or an exit status. */
static int load_pack(cg_cli *cli, const opts *o, cg_rules **pack)
{
  cg_rules_diags diags = { 0 };
  cg_error err = { 0 };
  int rc;
  size_t i;

  rc = cli_load_rules(cli, pack, &diags, &err);
  if(rc != CG_OK && o->json) {
    printf("{\"ok\": false, \"rules\": null, \"files\": null, "
           "\"message\": ");
    json_str(err.msg);
    printf(", \"errors\": [");
    for(i = 0; i < diags.n; i++) {
      char path[4096];
      snprintf(path, sizeof(path), "%s/%s", cli->rules_dir,
               diags.items[i].file);
      printf("%s\n  {\"file\": ", i ? "," : "");
      json_str(path);
      printf(", \"line\": %d, \"col\": %d, \"message\": ", diags.items[i].line,
             diags.items[i].col);
      json_str(diags.items[i].msg);
      putchar('}');
    }
    printf("]}\n");
    cg_rules_diags_clear(&diags);
    return load_exit(rc);
  }
  if(rc != CG_OK) {
    char line[1024];
    for(i = 0; i < diags.n; i++) {
      cg_rules_diag d = diags.items[i];
      char path[4096];
      snprintf(path, sizeof(path), "%s/%s", cli->rules_dir, d.file);
      d.file = path;
      cg_rules_diag_format(&d, line, sizeof(line));
      fprintf(stdout, "%s\n", line);
    }
    if(diags.n)
      fprintf(stderr, "%s: rules: %zu error%s; the pack is not used\n",
              cli->prog ? cli->prog : "chipgate", diags.n,
              diags.n == 1 ? "" : "s");
    else
      fprintf(stderr, "%s: rules: %s\n", cli->prog ? cli->prog : "chipgate",
              err.msg);
    cg_rules_diags_clear(&diags);
    return load_exit(rc);
  }
  cg_rules_diags_clear(&diags);
  return 0;
}

static int do_lint(cg_cli *cli, const opts *o)
{
  cg_rules *pack = NULL;
  int rc = load_pack(cli, o, &pack);

  if(rc)
    return rc;
  if(o->json)
    printf("{\"ok\": true, \"rules\": %zu, \"files\": %zu, "
           "\"message\": null, \"errors\": []}\n",
           cg_rules_count(pack), cg_rules_file_count(pack));
  else
    printf("ok: %zu rules in %zu files\n", cg_rules_count(pack),
           cg_rules_file_count(pack));
  cg_rules_free(pack);
  return CLI_OK;
}

typedef struct report_ctx {
  const char *dir;
  int json;
  int n; /* failures printed */
} report_ctx;

static void report_failure(void *ud, const char *file, int line,
                           const char *msg)
{
  report_ctx *ctx = ud;
  char path[4096];

  snprintf(path, sizeof(path), "%s/%s", ctx->dir, file);
  if(!ctx->json) {
    printf("%s:%d: %s\n", path, line, msg);
    return;
  }
  printf("%s\n  {\"file\": ", ctx->n++ ? "," : "");
  json_str(path);
  printf(", \"line\": %d, \"message\": ", line);
  json_str(msg);
  putchar('}');
}

static int do_test(cg_cli *cli, const opts *o)
{
  cg_rules *pack = NULL;
  cg_error err = { 0 };
  report_ctx ctx;
  int passed = 0, failed = 0;
  int rc = load_pack(cli, o, &pack);

  if(rc)
    return rc;
  ctx.dir = cli->rules_dir;
  ctx.json = o->json;
  ctx.n = 0;
  if(o->json)
    printf("{\"failures\": [");
  rc = cg_rules_test_dir(pack, cli->rules_dir, report_failure, &ctx, &passed,
                         &failed, &err);
  cg_rules_free(pack);
  if(o->json) {
    printf("], \"passed\": %d, \"failed\": %d, \"error\": ", passed, failed);
    if(rc != CG_OK)
      json_str(err.msg);
    else
      fputs("null", stdout);
    printf("}\n");
  }
  if(rc != CG_OK) {
    fprintf(stderr, "%s: rules test: %s\n", cli->prog ? cli->prog : "chipgate",
            err.msg);
    return load_exit(rc);
  }
  if(!o->json)
    printf("%d passed, %d failed\n", passed, failed);
  return failed ? CLI_DATAERR : CLI_OK;
}

static void print_window(const cg_rule_info *ri)
{
  char d[11];

  if(ri->effective != INT32_MIN) {
    cg_date_format(ri->effective, d);
    printf("  effective:  %s\n", d);
  }
  if(ri->expires != INT32_MAX) {
    cg_date_format(ri->expires, d);
    printf("  expires:    %s\n", d);
  }
}

static void json_rule(const cg_rules *pack, size_t i, int full)
{
  cg_rule_info ri;
  char d[11];
  size_t j;

  cg_rules_info(pack, i, &ri);
  printf("{\"id\": ");
  json_str(ri.id);
  printf(", \"title\": ");
  json_str(ri.title);
  printf(", \"cite\": ");
  json_str(ri.cite);
  printf(", \"action\": ");
  json_str(cg_action_name(ri.action));
  printf(", \"reason\": ");
  json_str(ri.reason);
  printf(", \"licensable\": %s, \"file\": ", ri.licensable ? "true" : "false");
  json_str(ri.file);
  printf(", \"line\": %d, \"effective\": ", ri.line);
  if(ri.effective != INT32_MIN) {
    cg_date_format(ri.effective, d);
    json_str(d);
  }
  else
    fputs("null", stdout);
  printf(", \"expires\": ");
  if(ri.expires != INT32_MAX) {
    cg_date_format(ri.expires, d);
    json_str(d);
  }
  else
    fputs("null", stdout);
  printf(", \"relieves\": [");
  for(j = 0; j < ri.nrelieves; j++) {
    printf("%s", j ? ", " : "");
    json_str(cg_rules_relieves(pack, i, j));
  }
  putchar(']');
  if(full) {
    printf(", \"source\": ");
    json_str(ri.source);
  }
  putchar('}');
}

static int do_show(cg_cli *cli, const opts *o)
{
  cg_rules *pack = NULL;
  cg_rule_info ri;
  const char *id = o->id;
  size_t i, j;
  int rc = load_pack(cli, o, &pack);

  if(rc)
    return rc;
  if(o->json && !id) {
    printf("{\"rules\": [");
    for(i = 0; i < cg_rules_count(pack); i++) {
      printf("%s\n  ", i ? "," : "");
      json_rule(pack, i, 0);
    }
    printf("]}\n");
    cg_rules_free(pack);
    return CLI_OK;
  }
  if(!id) {
    for(i = 0; i < cg_rules_count(pack); i++) {
      cg_rules_info(pack, i, &ri);
      printf("%-28s %-16s %s:%d  %s\n", ri.id, cg_action_name(ri.action),
             ri.file, ri.line, ri.title);
    }
    cg_rules_free(pack);
    return CLI_OK;
  }
  rc = cg_rules_find(pack, id);
  if(rc < 0) {
    cg_rules_free(pack);
    /* an unknown name, like an unknown chip or order: 66 */
    fprintf(stderr,
            "chipgate: rules show: no rule '%s' in the pack (`chipgate "
            "rules show` lists them)\n",
            id);
    return CLI_NOINPUT;
  }
  if(o->json) {
    json_rule(pack, (size_t)rc, 1);
    putchar('\n');
    cg_rules_free(pack);
    return CLI_OK;
  }
  cg_rules_info(pack, (size_t)rc, &ri);
  printf("%s\n", ri.id);
  printf("  title:      %s\n", ri.title);
  printf("  cite:       %s\n", ri.cite);
  printf("  action:     %s \"%s\"%s\n", cg_action_name(ri.action), ri.reason,
         ri.licensable ? " (licensable)" : "");
  print_window(&ri);
  for(j = 0; j < ri.nrelieves; j++)
    printf("  relieves:   %s\n", cg_rules_relieves(pack, (size_t)rc, j));
  printf("  defined at: %s/%s:%d\n\n%s\n", cli->rules_dir, ri.file, ri.line,
         ri.source);
  cg_rules_free(pack);
  return CLI_OK;
}

int cmd_rules(cg_cli *cli, int argc, char **argv)
{
  opts o = { 0, NULL };
  const char *sub = NULL;
  int i, npos = 0;

  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    if(strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      return CLI_OK;
    }
    if(strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
      const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : "");
      int f = cli_parse_format(v);
      if(f < 0)
        return cli_usage("rules", "--format must be text or json, not \"%s\"",
                         v);
      o.json = f == 1;
      continue;
    }
    if(a[0] == '-')
      return cli_usage("rules", "unknown option '%s'", a);
    if(npos == 0)
      sub = a;
    else if(npos == 1)
      o.id = a;
    npos++;
  }
  if(!sub) {
    fputs(usage_text, stderr);
    return CLI_USAGE;
  }
  if(strcmp(sub, "lint") == 0 && npos == 1)
    return do_lint(cli, &o);
  if(strcmp(sub, "test") == 0 && npos == 1)
    return do_test(cli, &o);
  if(strcmp(sub, "show") == 0 && npos <= 2)
    return do_show(cli, &o);
  if(strcmp(sub, "lint") && strcmp(sub, "test") && strcmp(sub, "show"))
    return cli_usage("rules",
                     "unknown subcommand \"%s\": expected lint, test or "
                     "show [RULE_ID]",
                     sub);
  return cli_usage("rules", "too many arguments for %s", sub);
}
