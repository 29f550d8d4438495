/* opts.c -- see opts.h. */
#include "cli/opts.h"

#include "cli/cli.h"
#include "core/importer.h"
#include "core/text.h"
#include "model/seed.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_opt_quantity(const char *cmd, const char *opt, const char *arg,
                     int64_t *out)
{
  char *end = NULL;
  long long v;

  errno = 0;
  v = strtoll(arg, &end, 10);
  if(*end || end == arg || v <= 0 || errno == ERANGE || v > CG_IMPORT_MAX_QTY)
    return cli_usage(cmd,
                     "%s must be a whole number from 1 to %lld, not \"%s\"",
                     opt, (long long)CG_IMPORT_MAX_QTY, arg);
  *out = v;
  return CLI_OK;
}

int cli_opt_date(const char *cmd, const char *opt, const char *arg,
                 char out[11])
{
  if(!cg_date_valid(arg))
    return cli_usage(cmd, "%s \"%s\" is not a date (YYYY-MM-DD)", opt, arg);
  snprintf(out, 11, "%s", arg);
  return CLI_OK;
}

int cli_opt_country(cg_store *db, const char *cmd, const char *opt, char *code)
{
  cg_error err = { 0 };
  int rc;

  cg_country_code_upper(code);
  rc = cg_country_check(db, code, &err);

  if(rc == CG_ENOTFOUND)
    return cli_usage(cmd, "%s: %s", opt, err.msg);
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}

int cli_opt_choice(const char *cmd, const char *opt, const char *arg,
                   const char *const *choices, const char **out)
{
  char list[256];
  size_t i, n = 0, len = 0;

  for(i = 0; choices[i]; i++)
    if(!strcmp(arg, choices[i])) {
      *out = choices[i];
      return CLI_OK;
    }
  n = i;
  list[0] = '\0';
  for(i = 0; i < n && len < sizeof(list); i++) {
    int k = snprintf(list + len, sizeof(list) - len, "%s%s",
                     i == 0       ? ""
                     : i + 1 == n ? " or "
                                  : ", ",
                     choices[i]);
    if(k < 0)
      break;
    len += (size_t)k;
  }
  return cli_usage(cmd, "%s must be %s", opt, list);
}

int cli_opt_utf8_args(const char *cmd, int argc, char **argv)
{
  int i, pos = 0;

  for(i = 1; i < argc; i++) {
    const char *a = argv[i], *prev = argv[i - 1];
    long at = cg_text_invalid_at(a, strlen(a));
    int is_opt = a[0] == '-' && a[1] == '-';
    if(!is_opt &&
       !(i > 1 && prev[0] == '-' && prev[1] == '-' && !strchr(prev, '=')))
      pos++;
    if(at < 0)
      continue;
    if(is_opt) {
      const char *eq = strchr(a, '=');
      int n = eq ? (int)(eq - a) : 40;
      long off = eq && at > eq - a ? (long)(eq - a) + 1 : 0;
      return cli_usage(cmd, "option %.*s: not valid UTF-8 at byte %ld%s", n, a,
                       at - off + 1, off ? " of its value" : "");
    }
    if(i > 1 && prev[0] == '-' && prev[1] == '-' && !strchr(prev, '='))
      return cli_usage(cmd, "%.40s: value not valid UTF-8 at byte %ld", prev,
                       at + 1);
    return cli_usage(cmd, "argument %d: not valid UTF-8 at byte %ld", pos,
                     at + 1);
  }
  return CLI_OK;
}

int cli_opt_format(const char *cmd, const char *arg, int *json)
{
  int f = cli_parse_format(arg);

  if(f < 0)
    return cli_usage(cmd, "--format must be text or json, not \"%s\"", arg);
  *json = f;
  return CLI_OK;
}

/* "--chip, --customer" for the options that start with p (n bytes), in
 * a static buffer. */
static const char *ambiguous_list(const struct option *opts, const char *p,
                                  size_t n)
{
  static char list[256];
  size_t len = 0;
  int i;

  list[0] = '\0';
  for(i = 0; opts[i].name && len < sizeof(list); i++)
    if(!strncmp(opts[i].name, p, n)) {
      int k = snprintf(list + len, sizeof(list) - len, "%s--%s",
                       len ? ", " : "", opts[i].name);
      if(k < 0)
        break;
      len += (size_t)k;
    }
  return list;
}

int cli_bad_option(const char *cmd, const struct option *opts, char **argv)
{
  const char *a = optind > 0 ? argv[optind - 1] : "";
  const char *cur = argv[optind] ? argv[optind] : "";
  const struct option *hit = NULL;
  size_t n;
  int i, matches = 0;

  /* a short option: the one getopt stopped at, in this argument or the
   * one before (a cluster such as -zq) */
  if(optopt > 0 && optopt < 128 && optopt != '?' &&
     ((cur[0] == '-' && cur[1] != '-' && strchr(cur, optopt)) ||
      (a[0] == '-' && a[1] != '-' && strchr(a, optopt))))
    return cli_usage(cmd, "unknown option -%c", optopt);
  if(a[0] != '-' || a[1] != '-')
    return cli_usage(cmd, "unknown option \"%s\"", a);
  /* getopt_long takes an unambiguous prefix (--ch for --chip): name the
   * option it stood for, or the ones it could */
  n = strcspn(a + 2, "=");
  for(i = 0; opts[i].name; i++) {
    if(strncmp(opts[i].name, a + 2, n))
      continue;
    if(strlen(opts[i].name) == n) {
      hit = &opts[i];
      matches = 1;
      break;
    }
    hit = matches++ ? hit : &opts[i];
  }
  if(matches > 1)
    return cli_usage(cmd, "option \"%.*s\" is ambiguous (%s)", (int)(n + 2), a,
                     ambiguous_list(opts, a + 2, n));
  if(hit && hit->has_arg == required_argument && !a[2 + n])
    return cli_usage(cmd, "option --%s needs a value", hit->name);
  if(hit && hit->has_arg == no_argument && a[2 + n] == '=')
    return cli_usage(cmd, "option --%s takes no value", hit->name);
  return cli_usage(cmd, "unknown option \"%.*s\"", (int)(n + 2), a);
}
