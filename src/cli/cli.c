/* cli.c -- see cli.h. */
#define _XOPEN_SOURCE 700 /* realpath (POSIX 2008 + XSI) */
#include "cli/cli.h"
#include "core/json.h"
#include "model/seed.h"

#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_exit_code(int code)
{
  switch(code) {
  case CG_OK:
    return CLI_OK;
  case CG_EUSAGE:
    return CLI_USAGE;
  case CG_EINVAL:
  case CG_EPATTERN:
  case CG_ESCHEMA:
    return CLI_DATAERR;
  case CG_ENOTFOUND:
    return CLI_NOINPUT;
  case CG_EIO:
  case CG_EDB:
    return CLI_IOERR;
  case CG_ENET:
  case CG_EBUSY:
    return CLI_TEMPFAIL;
  default:
    return CLI_SOFTWARE;
  }
}

int cli_fail(const cg_error *err)
{
  /* 8 is SQLITE_READONLY: a command that writes, given a database this
   * user may only read (cli_open_db opens such a file read-only). */
  if(err->code == CG_EDB && (err->lib_code & 0xff) == 8) {
    fprintf(stderr,
            "chipgate: the database is read-only for this user (the file or "
            "its folder is not writable): %s\n",
            err->msg);
    return cli_exit_code(err->code);
  }
  fprintf(stderr, "chipgate: %s\n", err->msg[0] ? err->msg : "failed");
  return cli_exit_code(err->code);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "chipgate: %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, " (see chipgate %s --help)\n", cmd);
  return CLI_USAGE;
}

/* The folder of path into dir ("." if none); 0 if it does not fit. */
static int dir_of(const char *path, char *dir, size_t size)
{
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : 0;

  if(!slash) {
    snprintf(dir, size, ".");
    return 1;
  }
  if(n + 2 > size)
    return 0;
  memcpy(dir, path, n);
  dir[n] = '\0';
  if(!n)
    snprintf(dir, size, "/");
  return 1;
}

/* How a database this process may not write is opened, so that reading
 * it (list, show, check, screen, audit verify) still works: 0 writable;
 * 1 read-only; 2 read-only and immutable -- a WAL database needs its -shm
 * file, and when it cannot be created (read-only folder) and no -wal
 * exists, nobody is writing it: SQLite may read the file as it is. */
static int db_access(const char *path)
{
  char dir[PATH_MAX], wal[PATH_MAX + 8];
  int dir_ok;

  if(!dir_of(path, dir, sizeof(dir)))
    return 0;
  dir_ok = access(dir, W_OK) == 0;
  if(access(path, W_OK) == 0 && dir_ok)
    return 0;
  snprintf(wal, sizeof(wal), "%s-wal", path);
  if(dir_ok || access(wal, F_OK) == 0)
    return 1;
  return 2;
}

/* "file:PATH?mode=ro&immutable=1" with PATH percent-encoded where a URI
 * needs it; 0 if it does not fit. */
static int immutable_uri(const char *path, char *out, size_t size)
{
  size_t n = (size_t)snprintf(out, size, "file:");

  for(; *path; path++) {
    unsigned char ch = (unsigned char)*path;
    if(n + 4 >= size)
      return 0;
    if(ch == '%' || ch == '?' || ch == '#' || ch < 0x21 || ch >= 0x7f)
      n += (size_t)snprintf(out + n, size - n, "%%%02X", ch);
    else
      out[n++] = (char)ch;
  }
  return (size_t)snprintf(out + n, size - n, "?mode=ro&immutable=1") <
         size - n;
}

int cli_not_sqlite(const char *path, int rc, cg_error *err)
{
  /* 26 is SQLITE_NOTADB: bad input, not an I/O failure */
  if(rc == CG_EDB && (err->lib_code & 0xff) == 26)
    return cg_error_set(err, CG_EINVAL,
                        "%s is not a chipgate database: not an SQLite "
                        "database file",
                        path);
  return rc;
}

int cli_open_db(cg_cli *cli, cg_store **out, int create, cg_error *err)
{
  struct stat sb;
  char uri[PATH_MAX * 3 + 32];
  int rc, ro = 0, flags = create ? CG_STORE_CREATE : 0;

  *out = NULL;
  if(!create && stat(cli->db_path, &sb) != 0)
    return cg_error_set(err, CG_ENOTFOUND,
                        "database %s does not exist (run chipgate init, or "
                        "pass --db)",
                        cli->db_path);
  if(!create && (ro = db_access(cli->db_path)) != 0)
    flags = CG_STORE_READONLY;
  if(ro == 2 && immutable_uri(cli->db_path, uri, sizeof(uri)))
    rc = cg_store_open(out, uri, flags | CG_STORE_URI, err);
  else
    rc = cg_store_open(out, cli->db_path, flags, err);
  if(rc != CG_OK)
    return cli_not_sqlite(cli->db_path, rc, err);
  if(!create) {
    /* Only init makes a database: another command given an empty or
     * foreign file says so instead of quietly creating the schema. */
    int v = 0;
    rc = cg_store_user_version(*out, &v, err);
    if(rc == CG_OK && v == 0)
      rc = cg_error_set(err, CG_ENOTFOUND,
                        "%s is not a chipgate database (run chipgate init, "
                        "or pass --db)",
                        cli->db_path);
    if(rc == CG_OK)
      rc = cg_seed_check_ours(*out, cli->db_path, err);
    rc = cli_not_sqlite(cli->db_path, rc, err);
    if(rc != CG_OK) {
      cg_store_close(*out);
      *out = NULL;
      return rc;
    }
  }
  rc = cg_store_migrate(*out, NULL, err);
  if(rc != CG_OK) {
    cg_store_close(*out);
    *out = NULL;
  }
  return rc;
}

int cli_parse_format(const char *s)
{
  if(strcmp(s, "text") == 0)
    return 0;
  if(strcmp(s, "json") == 0)
    return 1;
  return -1;
}

int cli_print_json(cg_json *v)
{
  cg_error err = { 0 };
  int rc;

  if(!v) {
    fprintf(stderr, "chipgate: out of memory\n");
    return CLI_SOFTWARE;
  }
  rc = cg_json_dumpf(stdout, v, CG_JSON_PRETTY, &err);
  cg_json_free(v);
  if(rc == CG_OK && (fputc('\n', stdout) == EOF || fflush(stdout) != 0))
    rc = cg_error_set(&err, CG_EIO, "cannot write to stdout");
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}

int cli_color(FILE *f)
{
  const char *nc = getenv("NO_COLOR");

  return !(nc && *nc) && isatty(fileno(f));
}

const char *cli_sgr_outcome(FILE *f, const char *outcome)
{
  if(!outcome || !cli_color(f))
    return "";
  if(!strcmp(outcome, "deny"))
    return "\033[1;31m";
  if(!strcmp(outcome, "hold") || !strcmp(outcome, "license_required") ||
     !strcmp(outcome, "notify"))
    return "\033[1;33m";
  if(!strcmp(outcome, "nlr") || !strcmp(outcome, "exception") ||
     !strcmp(outcome, "licensed"))
    return "\033[32m";
  return "";
}

const char *cli_sgr_reset(FILE *f)
{
  return cli_color(f) ? "\033[0m" : "";
}

static int is_dir(const char *p)
{
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* <root>/<rel> as a canonical malloc'ed path if it is a folder, else NULL.
 * realpath drops the "bin/.." of an installed binary's lookup. */
static char *dir_in(const char *root, const char *rel)
{
  char path[PATH_MAX + 64];

  snprintf(path, sizeof(path), "%s/%s", root, rel);
  return is_dir(path) ? realpath(path, NULL) : NULL;
}

char *cli_find_dir(const char *rel)
{
  const char *env = getenv("CHIPGATE_DATA_DIR");
  char exe[PATH_MAX], root[PATH_MAX + 64];
  char *slash, *found;
  ssize_t n;
  FILE *f;

  /* An explicit data folder is the only place looked in: a typo must not
   * fall back silently to other data. */
  if(env && *env)
    return dir_in(env, rel);
  n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if(n <= 0)
    return NULL;
  exe[n] = '\0';
  slash = strrchr(exe, '/');
  if(!slash)
    return NULL;
  *slash = '\0';
  /* Installed: <prefix>/bin/chipgate reads <prefix>/share/chipgate. */
  snprintf(root, sizeof(root), "%s/%s", exe, CG_DATA_REL);
  found = dir_in(root, rel);
  if(found)
    return found;
  /* Build tree: CMake writes the source folder into a file beside the
   * binary. It is never installed, so an installed or copied binary
   * cannot read a source tree by accident. */
  snprintf(root, sizeof(root), "%s/chipgate-data-dir", exe);
  f = fopen(root, "r");
  if(!f)
    return NULL;
  if(!fgets(root, sizeof(root), f))
    root[0] = '\0';
  fclose(f);
  root[strcspn(root, "\r\n")] = '\0';
  return root[0] ? dir_in(root, rel) : NULL;
}

int cli_load_rules(cg_cli *cli, cg_rules **out, cg_rules_diags *diags,
                   cg_error *err)
{
  *out = NULL;
  if(!cli->rules_dir)
    return cg_error_set(err, CG_ENOTFOUND,
                        "no rule pack found: pass --rules DIR, set "
                        "CHIPGATE_RULES or CHIPGATE_DATA_DIR, or install "
                        "chipgate with its share/chipgate/rules (chipgate "
                        "--version shows where it looks)");
  return cg_rules_load_dir(out, cli->rules_dir, diags, err);
}

const char *cli_login_name(void)
{
  const char *name = getlogin();
  struct passwd *pw;

  if(name && *name)
    return name;
  name = getenv("USER");
  if(name && *name)
    return name;
  pw = getpwuid(getuid());
  return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : NULL;
}
