/* cmd_rules.c -- `chipgate rules lint|test|show [RULE_ID]`.
 *
 *   lint   load and check the pack in cli->rules_dir; print every error
 *          as file:line:col: message
 *   test   lint, then run rules/ ** / *.test; print failures as
 *          file:line: message and "N passed, N failed"
 *   show   list the rules, or one rule in full
 *
 * Exit: 0 ok, 65 pack errors or failed tests, 66 missing directory,
 * 64 usage. */
#include "cli/cmd.h"
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: chipgate [--rules DIR] rules lint|test|show [RULE_ID]\n"
    "  lint        check the rule pack; list every error\n"
    "  test        check, then run the pack's *.test cases\n"
    "  show [ID]   list the rules, or print one rule with its source\n";

static int load_exit(int rc)
{
  if(rc == CG_ENOTFOUND)
    return CLI_NOINPUT;
  if(rc == CG_EINVAL)
    return CLI_DATAERR;
  return cli_exit_code(rc);
}

/* Loads the pack, printing diagnostics; returns 0 or an exit status. */
static int load_pack(cg_cli *cli, cg_rules **pack)
{
  cg_rules_diags diags = { 0 };
  cg_error err = { 0 };
  int rc;
  size_t i;

  rc = cg_rules_load_dir(pack, cli->rules_dir, &diags, &err);
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

static int do_lint(cg_cli *cli)
{
  cg_rules *pack = NULL;
  int rc = load_pack(cli, &pack);

  if(rc)
    return rc;
  printf("ok: %zu rules in %zu files\n", cg_rules_count(pack),
         cg_rules_file_count(pack));
  cg_rules_free(pack);
  return CLI_OK;
}

typedef struct report_ctx {
  const char *dir;
} report_ctx;

static void report_failure(void *ud, const char *file, int line,
                           const char *msg)
{
  const report_ctx *ctx = ud;

  printf("%s/%s:%d: %s\n", ctx->dir, file, line, msg);
}

static int do_test(cg_cli *cli)
{
  cg_rules *pack = NULL;
  cg_error err = { 0 };
  report_ctx ctx;
  int passed = 0, failed = 0;
  int rc = load_pack(cli, &pack);

  if(rc)
    return rc;
  ctx.dir = cli->rules_dir;
  rc = cg_rules_test_dir(pack, cli->rules_dir, report_failure, &ctx, &passed,
                         &failed, &err);
  cg_rules_free(pack);
  if(rc != CG_OK) {
    fprintf(stderr, "%s: rules test: %s\n", cli->prog ? cli->prog : "chipgate",
            err.msg);
    return load_exit(rc);
  }
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

static int do_show(cg_cli *cli, const char *id)
{
  cg_rules *pack = NULL;
  cg_rule_info ri;
  size_t i, j;
  int rc = load_pack(cli, &pack);

  if(rc)
    return rc;
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
    return cli_usage("rules show", "no rule '%s' (see `rules show`)", id);
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
  const char *sub;

  if(argc < 2 || strcmp(argv[1], "--help") == 0 ||
     strcmp(argv[1], "-h") == 0) {
    fputs(usage_text, argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }
  if(!cli->rules_dir)
    return cli_usage("rules", "no rules directory (use --rules DIR)");
  sub = argv[1];
  if(strcmp(sub, "lint") == 0 && argc == 2)
    return do_lint(cli);
  if(strcmp(sub, "test") == 0 && argc == 2)
    return do_test(cli);
  if(strcmp(sub, "show") == 0 && argc <= 3)
    return do_show(cli, argc == 3 ? argv[2] : NULL);
  return cli_usage("rules", "expected lint, test or show [RULE_ID]");
}
