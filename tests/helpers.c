/* helpers.c -- see helpers.h. */
#include "helpers.h"

#include "decide/decision.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[256];

const char *t_source_dir(void)
{
  const char *s = getenv("CG_SOURCE_DIR");
  return s && *s ? s : CG_SOURCE_DIR;
}

const char *t_src(const char *rel)
{
  static char bufs[8][1024];
  static int k;
  char *b = bufs[k++ & 7];

  snprintf(b, sizeof(bufs[0]), "%s/%s", t_source_dir(), rel);
  return b;
}

const char *t_tmpdir(void)
{
  if(!tmpdir[0]) {
    snprintf(tmpdir, sizeof(tmpdir), "%s/cgtest.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if(!mkdtemp(tmpdir))
      ck_abort_msg("mkdtemp failed");
  }
  return tmpdir;
}

const char *t_tmp(const char *name)
{
  static char bufs[8][512];
  static int k;
  char *b = bufs[k++ & 7];

  snprintf(b, sizeof(bufs[0]), "%s/%s", t_tmpdir(), name);
  return b;
}

void t_tmp_cleanup(void)
{
  char cmd[600];

  if(!tmpdir[0])
    return;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
  if(system(cmd) != 0)
    fprintf(stderr, "warning: could not remove %s\n", tmpdir);
  tmpdir[0] = '\0';
}

const char *t_write(const char *name, const char *text)
{
  const char *p = t_tmp(name);
  FILE *f = fopen(p, "wb");

  ck_assert_msg(f != NULL, "cannot write %s", p);
  fputs(text, f);
  fclose(f);
  return p;
}

static char *slurp_fd(int fd)
{
  size_t cap = 4096, n = 0;
  char *b = malloc(cap);
  ssize_t k;

  while(b && (k = read(fd, b + n, cap - n - 1)) > 0) {
    n += (size_t)k;
    if(cap - n < 2) {
      char *nb = realloc(b, cap * 2);
      if(!nb) {
        free(b);
        return NULL;
      }
      b = nb;
      cap *= 2;
    }
  }
  if(b)
    b[n] = '\0';
  return b;
}

int t_run(const char *db, char **out, char **errout, const char *const *argv)
{
  char outp[600], errp[600];
  const char *args[64];
  int n = 0, st = 0, fo, fe;
  pid_t pid;

  snprintf(outp, sizeof(outp), "%s/.stdout", t_tmpdir());
  snprintf(errp, sizeof(errp), "%s/.stderr", t_tmpdir());
  args[n++] = CG_BINARY;
  while(argv[n - 1] && n < 63) {
    args[n] = argv[n - 1];
    n++;
  }
  args[n] = NULL;
  fflush(NULL);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if(pid == 0) {
    fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if(fo < 0 || fe < 0)
      _exit(127);
    dup2(fo, 1);
    dup2(fe, 2);
    if(db)
      setenv("CHIPGATE_DB", db, 1);
    setenv("CHIPGATE_RULES", t_src("rules"), 0);
    /* The seed data the binary reads is the tree under test, wherever
     * the build folder or the working directory is. */
    setenv("CHIPGATE_DATA_DIR", t_source_dir(), 1);
    execv(CG_BINARY, (char *const *)args);
    _exit(127);
  }
  waitpid(pid, &st, 0);
  if(out) {
    fo = open(outp, O_RDONLY);
    *out = slurp_fd(fo);
    close(fo);
  }
  if(errout) {
    fe = open(errp, O_RDONLY);
    *errout = slurp_fd(fe);
    close(fe);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

cg_store *t_db(const char *name)
{
  cg_store *db = NULL;
  cg_error err = { 0 };
  int rc = cg_store_open(&db, t_tmp(name), CG_STORE_CREATE, &err);

  ck_assert_cg_ok(rc, &err);
  rc = cg_store_migrate(db, NULL, &err);
  ck_assert_cg_ok(rc, &err);
  return db;
}

char *t_db_dump(const char *path)
{
  char cmd[1200];
  FILE *p;
  char *s;

  /* The sqlite3 CLI's .dump is the reference text of a database. */
  snprintf(cmd, sizeof(cmd), "sqlite3 '%s' .dump", path);
  p = popen(cmd, "r");
  ck_assert_msg(p != NULL, "popen sqlite3");
  s = slurp_fd(fileno(p));
  pclose(p);
  return s;
}

cg_json *t_workload_json(const cg_workload_est *e, const cg_workloads *wl)
{
  cg_error err = { 0 };
  cg_decision dn;
  cg_json *doc = NULL, *w = NULL;
  char *text = NULL;
  size_t len = 0;

  cg_decision_init(&dn);
  if(cg_workload_to_decision(e, wl, &dn, &err) == CG_OK &&
     cg_decision_write(&dn, &text, &len, &err) == CG_OK &&
     cg_json_parse(&doc, text, len, "decision", &err) == CG_OK)
    w = cg_json_ref(cg_json_get(doc, "workload"));
  cg_json_free(doc);
  free(text);
  cg_decision_clear(&dn);
  return w;
}
