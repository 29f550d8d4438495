/* helpers.c -- see helpers.h. */
#include "helpers.h"

#include "decide/decision.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
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
  return t_run_env(NULL, db, NULL, out, errout, argv);
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

/* ---- Crash and concurrency tests ---- */

#include <errno.h>
#include <signal.h>
#include <time.h>

uint64_t t_rng_next(t_rng *r)
{
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t t_rng_range(t_rng *r, uint64_t lo, uint64_t hi)
{
  return lo + t_rng_next(r) % (hi - lo + 1);
}

uint64_t t_env_u64(const char *name, uint64_t def)
{
  const char *s = getenv(name);
  char *end;
  unsigned long long v;

  if(!s || !*s)
    return def;
  errno = 0;
  v = strtoull(s, &end, 0);
  if(errno || *end) /* no ck_assert: it may run outside a test */
    ck_abort_msg("%s=\"%s\" is not a number", name, s);
  return (uint64_t)v;
}

static int status_of(int st)
{
  if(WIFEXITED(st))
    return WEXITSTATUS(st);
  return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* In the child: the environment t_run sets, then env's own strings. */
static void child_env(const char *db, const char *const *env)
{
  size_t i;

  if(db)
    setenv("CHIPGATE_DB", db, 1);
  setenv("CHIPGATE_RULES", t_src("rules"), 0);
  setenv("CHIPGATE_DATA_DIR", t_source_dir(), 1);
  for(i = 0; env && env[i]; i++) {
    char name[128];
    const char *eq = strchr(env[i], '=');
    size_t n = eq ? (size_t)(eq - env[i]) : 0;

    if(n == 0 || n >= sizeof(name))
      _exit(127);
    memcpy(name, env[i], n);
    name[n] = '\0';
    setenv(name, eq + 1, 1);
  }
}

pid_t t_spawn(const char *bin, const char *db, const char *const *env,
              const char *tag, const char *const *argv)
{
  char outp[600], errp[600];
  const char *args[64];
  int n = 0, fo, fe;
  pid_t pid;

  snprintf(outp, sizeof(outp), "%s/%s.out", t_tmpdir(), tag);
  snprintf(errp, sizeof(errp), "%s/%s.err", t_tmpdir(), tag);
  args[n++] = bin ? bin : CG_BINARY;
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
    child_env(db, env);
    execv(args[0], (char *const *)args);
    _exit(127);
  }
  return pid;
}

int t_wait(pid_t pid)
{
  int st = 0;

  while(waitpid(pid, &st, 0) < 0)
    ck_assert_msg(errno == EINTR, "waitpid %d failed", (int)pid);
  return status_of(st);
}

char *t_slurp(const char *path)
{
  int fd = open(path, O_RDONLY);
  char *s;

  if(fd < 0)
    return NULL;
  s = slurp_fd(fd);
  close(fd);
  return s;
}

int t_run_env(const char *bin, const char *db, const char *const *env,
              char **out, char **errout, const char *const *argv)
{
  int st = t_wait(t_spawn(bin, db, env, ".run", argv));
  char path[600];

  /* Not t_tmp(): db and argv may point into its buffer. */
  snprintf(path, sizeof(path), "%s/.run.out", t_tmpdir());
  if(out)
    *out = t_slurp(path);
  snprintf(path, sizeof(path), "%s/.run.err", t_tmpdir());
  if(errout)
    *errout = t_slurp(path);
  return st;
}

char *t_sql(const char *db, const char *sql)
{
  const char *qp = t_write(".sql", sql);
  char cmd[1400];
  FILE *p;
  char *s;
  size_t n;

  /* The statement goes through a file: no shell quoting to get wrong. */
  snprintf(cmd, sizeof(cmd), "sqlite3 -bail '%s' < '%s'", db, qp);
  p = popen(cmd, "r");
  ck_assert_msg(p != NULL, "popen sqlite3");
  s = slurp_fd(fileno(p));
  pclose(p);
  ck_assert_msg(s != NULL, "sqlite3: out of memory");
  n = strlen(s);
  while(n && s[n - 1] == '\n')
    s[--n] = '\0';
  return s;
}

void t_expect_sql(const char *db, const char *ctx, const char *sql,
                  const char *want)
{
  char *got = t_sql(db, sql);

  ck_assert_msg(strcmp(got, want) == 0, "%s: %s -> \"%s\", want \"%s\"", ctx,
                sql, got, want);
  free(got);
}

int64_t t_now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void t_sleep_ms(long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

  while(nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

void t_copy_db(const char *from, const char *to)
{
  char cmd[1400];

  snprintf(cmd, sizeof(cmd), "rm -f '%s-wal' '%s-shm' && cp '%s' '%s'", to, to,
           from, to);
  ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

void t_add_orders(const char *db, const char *prefix, int copies)
{
  char sql[1200];

  snprintf(sql, sizeof(sql),
           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
           "WHERE i < %d) INSERT INTO orders(order_id, customer_id, chip_id, "
           "destination, quantity, ship_date, end_use, role, packager, "
           "export_from_us) SELECT printf('%s%%05d-', n.i) || o.order_id, "
           "customer_id, chip_id, destination, quantity, ship_date, end_use, "
           "role, packager, export_from_us FROM orders o, n WHERE o.order_id "
           "LIKE 'O-%%';",
           copies, prefix);
  free(t_sql(db, sql));
}

/* Length of the match of pat at s (d: a digit, h: a lowercase hex digit,
 * else itself), 0 if none. */
static size_t match_at(const char *s, const char *pat)
{
  size_t k;

  for(k = 0; pat[k]; k++) {
    char c = s[k];
    int ok = pat[k] == 'd' ? (c >= '0' && c <= '9')
             : pat[k] == 'h'
                 ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
                 : c == pat[k];
    if(!ok)
      return 0;
  }
  return k;
}

char *t_db_dump_untimed(const char *path)
{
  static const char *const pats[][2] = {
    { "dddd-dd-ddTdd:dd:ddZ", "<T>" },
    { "msg_hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh", "msg_<id>" },
  };
  char *s = t_db_dump(path);
  size_t i = 0, o = 0, k, p;

  while(s[i]) {
    for(p = 0, k = 0; p < 2 && !k; p++) {
      k = match_at(s + i, pats[p][0]);
      if(k) {
        size_t r = strlen(pats[p][1]);
        memcpy(s + o, pats[p][1], r); /* r <= k: in place */
        o += r;
        i += k;
      }
    }
    if(!k)
      s[o++] = s[i++];
  }
  s[o] = '\0';
  return s;
}

void t_check_ledger(const char *db, const char *ctx)
{
  const char *verify[] = { "audit", "verify", NULL };
  char *errout = NULL;
  int st = t_run_env(NULL, db, NULL, NULL, &errout, verify);

  ck_assert_msg(st == 0, "%s: audit verify: exit %d: %s", ctx, st, errout);
  free(errout);
  t_expect_sql(db, ctx, "PRAGMA integrity_check;", "ok");
  t_expect_sql(db, ctx,
               "SELECT (SELECT count(*) FROM outbox WHERE type = "
               "'decision.made') - (SELECT count(*) FROM decisions WHERE "
               "kind = 'decision');",
               "0");
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM orders o WHERE (o.status = 'pending') "
               "!= NOT EXISTS(SELECT 1 FROM decisions d WHERE d.order_id = "
               "o.id AND d.kind = 'decision') OR (o.status = 'decided' AND "
               "o.current_seq IS NOT (SELECT max(seq) FROM decisions d WHERE "
               "d.order_id = o.id AND d.kind = 'decision'));",
               "0");
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM (SELECT coalesce((SELECT sum(quantity) "
               "FROM license_usage u WHERE u.order_id = o.id), 0) AS q, "
               "d.decision AS dd FROM orders o LEFT JOIN decisions d ON d.seq "
               "= o.current_seq) WHERE q < 0 OR (q > 0) != (dd IS "
               "'licensed');",
               "0");
  t_expect_sql(db, ctx,
               "SELECT count(*) FROM licenses l WHERE max_qty < (SELECT "
               "coalesce(sum(quantity), 0) FROM license_usage u WHERE "
               "u.license_id = l.id);",
               "0");
}

/* helpers.h */
const char *t_find_chromium(void)
{
  static const char *const names[] = { "chromium", "chromium-browser",
                                       "google-chrome", NULL };
  static char path[1024];
  const char *env = getenv("CG_CHROMIUM"), *pathvar = getenv("PATH");
  char dirs[4096], *dir, *save = NULL;
  int i;

  if(env && *env)
    return env;
  for(i = 0; names[i]; i++) {
    snprintf(dirs, sizeof(dirs), "%s", pathvar ? pathvar : "/usr/bin");
    for(dir = strtok_r(dirs, ":", &save); dir;
        dir = strtok_r(NULL, ":", &save)) {
      snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
      if(access(path, X_OK) == 0)
        return path;
    }
  }
  return NULL;
}

/* helpers.h */
int t_http_raw(int port, const char *req, size_t len, char **head, char **body)
{
  struct sockaddr_in a;
  char *buf = NULL, *p;
  size_t n = 0, cap = 0;
  ssize_t got;
  int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;

  ck_assert_int_ge(fd, 0);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  for(size_t off = 0; off < len;) {
    got = send(fd, req + off, len - off, MSG_NOSIGNAL);
    if(got <= 0)
      break; /* the server may answer (413) and close before all is sent */
    off += (size_t)got;
  }
  do {
    if(n + 4096 + 1 > cap)
      ck_assert_ptr_nonnull(buf = realloc(buf, cap = (n + 4096) * 2));
    got = recv(fd, buf + n, 4096, 0);
    if(got > 0)
      n += (size_t)got;
  } while(got > 0);
  close(fd);
  ck_assert_ptr_nonnull(buf);
  buf[n] = '\0';
  ck_assert_int_eq(sscanf(buf, "HTTP/1.1 %d", &status), 1);
  p = strstr(buf, "\r\n\r\n");
  if(body)
    *body = strdup(p ? p + 4 : "");
  if(p)
    *p = '\0';
  if(head)
    *head = strdup(buf);
  free(buf);
  return status;
}

/* helpers.h */
void t_token_add(const char *db, const char *name, const char *role,
                 char out[64])
{
  const char *argv[] = { "token", "add", name, "--role", role, NULL };
  char *tok = NULL;

  ck_assert_int_eq(t_run(db, &tok, NULL, argv), 0);
  tok[strcspn(tok, "\n")] = '\0';
  ck_assert_msg(strncmp(tok, "cgt_", 4) == 0, "not a token: %s", tok);
  snprintf(out, 64, "%s", tok);
  free(tok);
}

/* helpers.h */
pid_t t_serve_start(const char *db, const char *const *extra, int *port)
{
  const char *argv[32] = { "serve", "--listen", "127.0.0.1:0", "--format",
                           "json" };
  size_t n = 5;
  pid_t pid;
  int i;

  for(; extra && *extra && n < 31; extra++)
    argv[n++] = *extra;
  argv[n] = NULL;
  unlink(t_tmp("serve.out"));
  pid = t_spawn(NULL, db, NULL, "serve", argv);
  *port = 0;
  for(i = 0; i < 400 && *port == 0; i++) {
    char *out = t_slurp(t_tmp("serve.out"));
    const char *p = out ? strstr(out, "\"port\": ") : NULL;
    if(p)
      *port = atoi(p + 8);
    free(out);
    if(!*port)
      t_sleep_ms(25);
  }
  ck_assert_msg(*port > 0, "the server printed no port");
  return pid;
}

/* helpers.h */
void t_serve_stop(pid_t pid)
{
  char *err;

  if(pid <= 0)
    return;
  kill(pid, SIGTERM);
  ck_assert_int_eq(t_wait(pid), 0);
  err = t_slurp(t_tmp("serve.err"));
  ck_assert_msg(!err || !*err, "the server said: %s", err ? err : "");
  free(err);
}

/* helpers.h */
char *t_error_member(const char *body, const char *key)
{
  cg_json *doc = NULL;
  cg_error err = { 0 };
  const char *v;
  char *s;

  ck_assert_msg(cg_json_parse(&doc, body, strlen(body), "body", &err) == CG_OK,
                "not JSON: %s", body);
  v = cg_json_string_value(cg_json_get(cg_json_get(doc, "error"), key));
  s = strdup(v ? v : "");
  cg_json_free(doc);
  return s;
}

/* helpers.h */
int t_run_suite(Suite *s)
{
  SRunner *sr = srunner_create(s);
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* helpers.h */
cg_json *t_parse_json(const char *out)
{
  cg_error err = { 0 };
  cg_json *v = NULL;

  ck_assert_msg(cg_json_parse(&v, out, strlen(out), "stdout", &err) == CG_OK,
                "not JSON (%s): %s", err.msg, out);
  return v;
}
