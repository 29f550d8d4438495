/* check_bad.c -- the bad-input catalogue (tests/data/bad/, README.md
 * there): every case runs the real chipgate binary on its files against
 * a copy of one demo-like database and must give its exit code and a
 * message matching its pattern (PCRE2, through core/pattern), and leave
 * the database exactly as it was. Also: a read-only database can still
 * be read, and identical repeated rows in one file are accepted. */
#include "helpers.h"

#include "core/pattern.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CASES 512
#define MAX_ARGS  60

static char *case_names[MAX_CASES];
static int ncases;
static char base_db[600];
static char *base_dump; /* t_db_dump of base_db */

/* ---- the shared database ---------------------------------------------- */

static void run_ok(const char *db, const char *const *argv)
{
  char *err = NULL;
  int rc = t_run(db, NULL, &err, argv);

  ck_assert_msg(rc == 0, "%s %s: exit %d: %s", argv[0], argv[1], rc,
                err ? err : "");
  free(err);
}

/* A demo-like database: seed, chips (Epoch and overlays), customers,
 * licences, orders and a party list, but no batch. Built once per run. */
static void build_base(void)
{
  static const char *chips[] = { "chip_attributes", "chip_die_estimates",
                                 "chip_hbm_stacks", "chip_systems" };
  char path[1200];
  size_t i;

  snprintf(base_db, sizeof(base_db), "%s", t_tmp("base.db"));
  run_ok(base_db, (const char *const[]){ "init", NULL });
  run_ok(base_db,
         (const char *const[]){ "import", "chips",
                                t_src("db/seed/epoch_ml_hardware.csv"),
                                "--format", "epoch", NULL });
  for(i = 0; i < sizeof(chips) / sizeof(chips[0]); i++) {
    snprintf(path, sizeof(path), "db/seed/%s.csv", chips[i]);
    run_ok(base_db,
           (const char *const[]){ "import", "chips", t_src(path), NULL });
  }
  run_ok(base_db,
         (const char *const[]){ "import", "customers",
                                t_src("db/seed/demo_customers.csv"), NULL });
  run_ok(base_db,
         (const char *const[]){ "import", "licenses",
                                t_src("db/seed/demo_licenses.csv"), NULL });
  run_ok(base_db,
         (const char *const[]){ "import", "orders",
                                t_src("db/seed/demo_orders.csv"), NULL });
  run_ok(base_db, (const char *const[]){
                      "import", "parties",
                      t_src("tests/data/csl/csl_consolidated_sample_2025.csv"),
                      "--format", "csl-csv", "--source", "bis", NULL });
}

static void setup_base(void)
{
  build_base();
  base_dump = t_db_dump(base_db);
}

static void teardown_base(void)
{
  t_tmp_cleanup();
}

static void sh(const char *cmd)
{
  ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static void cp(const char *from, const char *to)
{
  char cmd[2600];

  snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
  sh(cmd);
}

/* ---- reading a case ---------------------------------------------------- */

typedef struct bad_case {
  char args[8192];
  char stderr_re[1024];
  char stdout_re[1024];
  char db[16]; /* demo (default), sql, text, none */
  int exit;
} bad_case;

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *b;
  long n;

  ck_assert_msg(f != NULL, "cannot read %s", path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b = malloc((size_t)n + 1);
  ck_assert(b != NULL);
  ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = '\0';
  fclose(f);
  if(len)
    *len = (size_t)n;
  return b;
}

static void read_case(const char *dir, bad_case *c)
{
  char path[1200], *text, *line, *save = NULL;

  memset(c, 0, sizeof(*c));
  c->exit = -1;
  snprintf(c->db, sizeof(c->db), "demo");
  snprintf(path, sizeof(path), "%s/case", dir);
  text = slurp(path, NULL);
  for(line = strtok_r(text, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save)) {
    if(!strncmp(line, "args: ", 6))
      snprintf(c->args, sizeof(c->args), "%s", line + 6);
    else if(!strncmp(line, "exit: ", 6))
      c->exit = atoi(line + 6);
    else if(!strncmp(line, "stderr: ", 8))
      snprintf(c->stderr_re, sizeof(c->stderr_re), "%s", line + 8);
    else if(!strncmp(line, "stdout: ", 8))
      snprintf(c->stdout_re, sizeof(c->stdout_re), "%s", line + 8);
    else if(!strncmp(line, "db: ", 4))
      snprintf(c->db, sizeof(c->db), "%s", line + 4);
    else
      ck_assert_msg(line[0] == '#', "%s: unknown line \"%s\"", path, line);
  }
  free(text);
  ck_assert_msg(c->args[0] && c->exit >= 0 && c->stderr_re[0],
                "%s: needs args, exit and stderr", path);
}

/* Appends s to the word in w (at *n), replacing {dir} and {db}. */
static void put(char *w, size_t *n, size_t cap, const char *s)
{
  size_t k = strlen(s);

  ck_assert_msg(*n + k < cap, "argument too long");
  memcpy(w + *n, s, k);
  *n += k;
}

/* Splits args into words: spaces separate, "..." groups, \xHH is a byte,
 * \" and \\ themselves; {dir} and {db} are the case's folder and
 * database. Returns the number of words (malloc'ed into argv). */
static int split_args(const char *s, const char *dir, const char *db,
                      char **argv)
{
  int n = 0;

  while(*s) {
    char w[8192];
    size_t k = 0;
    int quoted = 0, any = 0;
    while(*s == ' ')
      s++;
    while(*s && (quoted || *s != ' ')) {
      any = 1;
      if(*s == '"') {
        quoted = !quoted;
        s++;
      }
      else if(s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
        char hex[3] = { s[2], s[3], 0 };
        char byte[2] = { (char)strtol(hex, NULL, 16), 0 };
        put(w, &k, sizeof(w), byte);
        s += 4;
      }
      else if(s[0] == '\\' && (s[1] == '"' || s[1] == '\\')) {
        char one[2] = { s[1], 0 };
        put(w, &k, sizeof(w), one);
        s += 2;
      }
      else if(!strncmp(s, "{dir}", 5)) {
        put(w, &k, sizeof(w), dir);
        s += 5;
      }
      else if(!strncmp(s, "{db}", 4)) {
        put(w, &k, sizeof(w), db);
        s += 4;
      }
      else {
        char one[2] = { *s++, 0 };
        put(w, &k, sizeof(w), one);
      }
    }
    if(!any)
      break;
    w[k] = '\0';
    ck_assert_msg(n < MAX_ARGS, "too many arguments");
    argv[n++] = strdup(w);
  }
  argv[n] = NULL;
  return n;
}

static int matches(const char *re, const char *text, char *why, size_t size)
{
  cg_pattern *p = NULL;
  cg_error err = { 0 };
  int m;

  if(cg_pattern_compile(&p, re, 0, &err) != CG_OK) {
    snprintf(why, size, "bad pattern /%s/: %s", re, err.msg);
    return 0;
  }
  m = cg_pattern_match(p, text, strlen(text), &err);
  cg_pattern_free(p);
  if(m < 0)
    snprintf(why, size, "match error: %s", err.msg);
  return m == 1;
}

/* The case's database: a copy of the base, one made from db.sql, db.sql
 * itself (not a database), or none at all. */
static void make_db(const bad_case *c, const char *dir, const char *db)
{
  char src[1200];

  snprintf(src, sizeof(src), "%s/db.sql", dir);
  if(!strcmp(c->db, "demo"))
    cp(base_db, db);
  else if(!strcmp(c->db, "sql")) {
    char cmd[2600];
    snprintf(cmd, sizeof(cmd), "sqlite3 '%s' < '%s'", db, src);
    sh(cmd);
  }
  else if(!strcmp(c->db, "text"))
    cp(src, db);
  else
    ck_assert_msg(!strcmp(c->db, "none"), "unknown db: %s", c->db);
}

START_TEST(test_bad_case)
{
  const char *name = case_names[_i];
  char dir[1200], db[1200], why[600] = "", rel[600];
  char *argv[MAX_ARGS + 1], *out = NULL, *err = NULL, *before = NULL;
  char *after = NULL;
  bad_case c;
  int rc, n, i, none;

  snprintf(rel, sizeof(rel), "tests/data/bad/%s", name);
  snprintf(dir, sizeof(dir), "%s", t_src(rel));
  read_case(dir, &c);
  snprintf(db, sizeof(db), "%s", t_tmp("case.db"));
  unlink(db);
  none = !strcmp(c.db, "none");
  make_db(&c, dir, db);
  if(!strcmp(c.db, "demo"))
    before = strdup(base_dump);
  else if(!none)
    before = t_db_dump(db);
  n = split_args(c.args, dir, db, argv);
  ck_assert_int_gt(n, 0);
  rc = t_run(db, &out, &err, (const char *const *)argv);
  ck_assert_msg(rc == c.exit, "%s: exit %d, expected %d; stderr: %s", name, rc,
                c.exit, err);
  ck_assert_msg(matches(c.stderr_re, err, why, sizeof(why)),
                "%s: stderr \"%s\" does not match /%s/ %s", name, err,
                c.stderr_re, why);
  ck_assert_msg(!c.stdout_re[0] || matches(c.stdout_re, out, why, sizeof(why)),
                "%s: stdout \"%.500s\" does not match /%s/ %s", name, out,
                c.stdout_re, why);
  if(none)
    ck_assert_msg(access(db, F_OK) != 0, "%s: a database was created", name);
  else {
    after = t_db_dump(db);
    ck_assert_msg(strcmp(before, after) == 0, "%s: the database changed",
                  name);
  }
  for(i = 0; i < n; i++)
    free(argv[i]);
  free(out);
  free(err);
  free(before);
  free(after);
}
END_TEST

/* ---- a read-only database (issue 12) ----------------------------------- */

/* Runs the binary like t_run, as user nobody when we are root (root
 * ignores file modes), and returns the exit status; stderr into *errout. */
static int run_as_other(const char *db, char **errout, const char *const *argv)
{
  const char *args[16];
  char errp[600], bin[600];
  int n = 0, st = 0, fd;
  pid_t pid;

  /* The build folder may be one only its owner can enter (CI builds in a
   * mktemp -d folder, 0700): the other user runs a copy in the temp dir,
   * which the test opens to others (0711). */
  snprintf(bin, sizeof(bin), "%s/chipgate-ro", t_tmpdir());
  if(access(bin, F_OK) != 0) {
    cp(CG_BINARY, bin);
    ck_assert_int_eq(chmod(bin, 0755), 0);
  }
  args[n++] = bin;
  while(argv[n - 1] && n < 15) {
    args[n] = argv[n - 1];
    n++;
  }
  args[n] = NULL;
  snprintf(errp, sizeof(errp), "%s/ro.stderr", t_tmpdir());
  unlink(errp);
  fflush(NULL);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if(pid == 0) {
    int out = open("/dev/null", O_WRONLY);
    fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if(fd < 0 || out < 0)
      _exit(127);
    dup2(out, 1);
    dup2(fd, 2);
    setenv("CHIPGATE_DB", db, 1);
    setenv("CHIPGATE_RULES", t_src("rules"), 1);
    setenv("CHIPGATE_DATA_DIR", t_source_dir(), 1);
    if(geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
      _exit(126);
    execv(bin, (char *const *)args);
    _exit(127);
  }
  waitpid(pid, &st, 0);
  *errout = slurp(errp, NULL);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void check_reads(const char *db)
{
  static const char *const cmds[][12] = {
    { "audit", "verify", NULL },
    { "audit", "head", NULL },
    { "list", "orders", NULL },
    { "list", "licenses", NULL },
    { "show", "order", "O-1001", NULL },
    { "check", "--chip", "NVIDIA B200", "--customer", "Nordic AI Cloud AB",
      "--dest", "SE", NULL },
    { "screen", "Sophgo Technology", NULL },
  };
  char *before = t_db_dump(db), *after, *err = NULL;
  size_t i;

  for(i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
    int rc = run_as_other(db, &err, cmds[i]);
    ck_assert_msg(rc == 0 || rc == 10,
                  "%s %s on a read-only database: "
                  "exit %d: %s",
                  cmds[i][0], cmds[i][1], rc, err);
    ck_assert_msg(strstr(err, "readonly") == NULL, "%s", err);
    free(err);
  }
  after = t_db_dump(db);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
}

START_TEST(test_readonly_database)
{
  char dir[600], db[700], *err = NULL;

  /* nobody must reach the files: the temp dir is 0700 */
  ck_assert_int_eq(chmod(t_tmpdir(), 0711), 0);
  snprintf(dir, sizeof(dir), "%s", t_tmp("ro"));
  snprintf(db, sizeof(db), "%s/d.db", dir);
  ck_assert_int_eq(mkdir(dir, 0755), 0);
  cp(base_db, db);
  ck_assert_int_eq(chmod(db, 0444), 0);
  /* a read-only file in a read-only folder: no -wal or -shm can be made */
  ck_assert_int_eq(chmod(dir, 0555), 0);
  check_reads(db);
  /* a write is refused, saying why; the database as it was */
  ck_assert_int_eq(
      run_as_other(db, &err, (const char *const[]){ "batch", NULL }), 74);
  ck_assert_msg(strstr(err, "the database is read-only for this user"), "%s",
                err);
  free(err);
  /* a read-only file in a folder we may write: SQLite makes the -shm */
  ck_assert_int_eq(chmod(dir, 0777), 0);
  check_reads(db);
  ck_assert_int_eq(chmod(dir, 0755), 0);
  ck_assert_int_eq(chmod(t_tmpdir(), 0700), 0);
}
END_TEST

/* ---- identical repeats are accepted (issue 12: conflicting ones are
 * catalogue cases) ------------------------------------------------------ */

START_TEST(test_identical_duplicates_accepted)
{
  char db[600], *out = NULL, *err = NULL;
  const char *f;
  int rc;

  snprintf(db, sizeof(db), "%s", t_tmp("dup.db"));
  cp(base_db, db);
  f = t_write("dup_customers.csv",
              "name,country\nAcme Dup GmbH,DE\n Acme Dup GmbH , DE\n");
  rc = t_run(db, &out, &err,
             (const char *const[]){ "import", "customers", f, NULL });
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  ck_assert_msg(strstr(out, "imported 1 customer") != NULL, "%s", out);
  free(out);
  free(err);
  f = t_write("dup_chips.csv",
              "name,die_area_mm2\nDupChip,100\nDupChip,100\n");
  rc = t_run(db, &out, &err,
             (const char *const[]){ "import", "chips", f, NULL });
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  ck_assert_msg(strstr(out, "imported 1 chip") != NULL, "%s", out);
  free(out);
  free(err);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_cases(void)
{
  DIR *d = opendir(t_src("tests/data/bad"));
  struct dirent *e;

  if(!d) {
    fprintf(stderr, "check_bad: cannot open tests/data/bad: %s\n",
            strerror(errno));
    exit(EXIT_FAILURE);
  }
  while((e = readdir(d)) && ncases < MAX_CASES) {
    char p[1200];
    struct stat sb;
    snprintf(p, sizeof(p), "%s/%s/case", t_src("tests/data/bad"), e->d_name);
    if(e->d_name[0] != '.' && stat(p, &sb) == 0)
      case_names[ncases++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(case_names, (size_t)ncases, sizeof(char *), cmp_str);
}

static Suite *bad_suite(void)
{
  Suite *s = suite_create("bad");
  TCase *tc = tcase_create("catalogue");

  tcase_add_unchecked_fixture(tc, setup_base, teardown_base);
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, test_bad_case, 0, ncases);
  tcase_add_test(tc, test_readonly_database);
  tcase_add_test(tc, test_identical_duplicates_accepted);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr;
  int failed, i;

  list_cases();
  if(ncases < 60) {
    fprintf(stderr, "check_bad: only %d cases in tests/data/bad\n", ncases);
    return EXIT_FAILURE;
  }
  sr = srunner_create(bad_suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  for(i = 0; i < ncases; i++)
    free(case_names[i]);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
