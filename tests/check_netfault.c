/* check_netfault.c -- network faults on every HTTP path (`sync lists`,
 * OFAC's four files, `sync orders`, `webhook deliver`), served on purpose by
 * tests/net/server.py on loopback, through the real binary and a real
 * database with a real party list, orders and a pending webhook event.
 *
 * Every case checks the documented exit code, a message that names the
 * URL (its credentials masked: the URLs carry user:s3cret@) and the
 * cause, and that nothing was lost: for sync the database is byte for
 * byte as it was; for deliver the event is still pending (or its endpoint
 * disabled on 410) with the attempt recorded. Slow servers are cut off by
 * the low-speed limit, set to 1 s here through CHIPGATE_HTTP_LOW_SPEED_TIME
 * so the suite stays quick. */
#include "helpers.h"
#include "net/netserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define CREDS  "user:s3cret@"

static t_server srv;
static char base_db[512];  /* list, orders, one pending event */
static char list_len[32];  /* bytes of small.csv */
static char list_cut[32];  /* a row boundary at about 95% of small.csv */
static char order_len[32]; /* bytes of orders.json */
static char order_cut[32]; /* a line boundary inside orders.json */

/* "http://user:s3cret@127.0.0.1:PORT<path>" (rotating static buffers). */
static const char *curl_(const t_server *s, const char *path)
{
  static char bufs[8][1024];
  static int k;
  char *b = bufs[k++ & 7];

  snprintf(b, sizeof(bufs[0]), "%s://" CREDS "127.0.0.1:%d%s",
           s->tls ? "https" : "http", s->port, path);
  return b;
}

static char *sql1(const char *db, const char *sql)
{
  char cmd[2048], buf[8192];
  FILE *p;
  size_t n;

  snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", db, sql);
  p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  n = fread(buf, 1, sizeof(buf) - 1, p);
  pclose(p);
  buf[n] = '\0';
  while(n && buf[n - 1] == '\n')
    buf[--n] = '\0';
  return strdup(buf);
}

/* The whole file (malloc'ed; "" if absent). */
static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *b;
  long n;

  if(!f)
    return strdup("");
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  b = calloc(1, (size_t)n + 1);
  ck_assert_ptr_nonnull(b);
  ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  return b;
}

static long file_size(const char *path)
{
  struct stat st;

  ck_assert_int_eq(stat(path, &st), 0);
  return (long)st.st_size;
}

/* Offset just after the newline nearest below share * size. */
static long row_boundary(const char *path, double share)
{
  FILE *f = fopen(path, "rb");
  long target = (long)(share * (double)file_size(path)), pos = 0, last = 0;
  int c;

  ck_assert_ptr_nonnull(f);
  while((c = fgetc(f)) != EOF && pos < target) {
    pos++;
    if(c == '\n')
      last = pos;
  }
  fclose(f);
  return last;
}

static const char *ORDERS =
    "[{\"order_id\": \"O-1\", \"customer\": \"Acme Trading\", \"chip\": "
    "\"H100 SXM\", \"destination\": \"CN\", \"quantity\": 8, "
    "\"ship_date\": \"2026-12-01\", \"end_use\": \"datacenter\", "
    "\"role\": \"distributor\"},\n"
    " {\"order_id\": \"O-2\", \"customer\": \"Good Corp\", \"chip\": "
    "\"Jetson Orin\", \"destination\": \"US\", \"quantity\": 100, "
    "\"ship_date\": \"2026-12-02\"}]\n";

static void run_ok(const char *db, const char *const *argv)
{
  char *out = NULL, *err = NULL;
  int rc = t_run(db, &out, &err, argv);

  ck_assert_msg(rc == 0, "%s %s: exit %d: %s", argv[0], argv[1], rc, err);
  free(out);
  free(err);
}

/* The base database: countries, customers, chips; a webhook on /fault
 * (added first, so the list.updated event of the first sync is due to
 * it); the party list from small.csv; the orders from orders.json. */
static void make_base(void)
{
  cg_store *db = t_db("base.db");
  cg_error err = { 0 };
  const char *add[] = { "webhook",
                        "add",
                        curl_(&srv, "/fault"),
                        "--secret-file",
                        t_tmp("hook.secret"),
                        NULL };
  const char *lists[] = { "sync", "lists", "--url",
                          curl_(&srv, "/files/small.csv"), NULL };
  const char *orders[] = { "sync", "orders", "--url",
                           curl_(&srv, "/files/orders.json"), NULL };
  char *out = NULL, *errs = NULL;

  ck_assert_cg_ok(cg_store_exec(db,
                                "INSERT INTO countries VALUES('CN', 'China'), "
                                "('US', 'United States');"
                                "INSERT INTO customers(name, country) VALUES"
                                "('Acme Trading', 'CN'), ('Good Corp', 'US');"
                                "INSERT INTO chips(name) VALUES('H100 SXM'), "
                                "('Jetson Orin');",
                                &err),
                  &err);
  cg_store_close(db);
  snprintf(base_db, sizeof(base_db), "%s", t_tmp("base.db"));
  /* (e) the URL's credentials are not shown by `webhook add`. */
  ck_assert_int_eq(t_run(base_db, &out, &errs, add), 0);
  ck_assert_msg(!strstr(out, "s3cret") && strstr(out, "***@127.0.0.1"),
                "webhook add printed: %s", out);
  free(out);
  free(errs);
  run_ok(base_db, lists);
  run_ok(base_db, orders);
}

static void setup(void)
{
  char cmd[2048];

  snprintf(cmd, sizeof(cmd), "head -n 1001 '%s' > '%s/small.csv'",
           t_src("tests/data/csl/csl_full_2026-07-31.csv"), t_tmpdir());
  ck_assert_int_eq(system(cmd), 0);
  t_write("orders.json", ORDERS);
  t_write("hook.secret", SECRET "\n");
  chmod(t_tmp("hook.secret"), 0600);
  snprintf(list_len, sizeof(list_len), "%ld", file_size(t_tmp("small.csv")));
  snprintf(list_cut, sizeof(list_cut), "%ld",
           row_boundary(t_tmp("small.csv"), 0.95));
  snprintf(order_len, sizeof(order_len), "%ld",
           file_size(t_tmp("orders.json")));
  snprintf(order_cut, sizeof(order_cut), "%ld",
           row_boundary(t_tmp("orders.json"), 0.9));
  t_server_start(&srv, NULL);
  make_base();
  setenv("CHIPGATE_HTTP_LOW_SPEED_TIME", "1", 1);
}

static void teardown(void)
{
  unsetenv("CHIPGATE_HTTP_LOW_SPEED_TIME");
  t_server_stop(&srv);
  t_tmp_cleanup();
}

/* Runs argv against db and checks: exit want, stderr names the masked
 * URL (mask, if not NULL) and holds needle, shows no credential, and the
 * database is unchanged. */
static void expect_sync_fault(const char *db, const char *const *argv,
                              int want, const char *mask, const char *needle)
{
  char *before = t_db_dump(db), *after, *out = NULL, *err = NULL;
  int rc = t_run(db, &out, &err, argv);

  ck_assert_msg(rc == want, "%s %s %s: exit %d, want %d: %s", argv[0], argv[1],
                argv[3], rc, want, err);
  ck_assert_msg(!needle || strstr(err, needle), "%s: no \"%s\" in: %s",
                argv[3], needle, err);
  ck_assert_msg(!mask || strstr(err, mask), "%s: no URL \"%s\" in: %s",
                argv[3], mask, err);
  ck_assert_msg(!strstr(err, "s3cret") && !strstr(out, "s3cret"),
                "%s: credentials shown: %s", argv[3], err);
  after = t_db_dump(db);
  ck_assert_msg(strcmp(before, after) == 0, "%s %s %s changed the database",
                argv[0], argv[1], argv[3]);
  free(before);
  free(after);
  free(out);
  free(err);
}

typedef struct fault {
  const char *path;    /* {F} = file name, {L} = length, {C} = cut */
  const char *timeout; /* --timeout, or NULL */
  const char *max_mb;  /* --max-mb, or NULL */
  const char *slow_s;  /* CHIPGATE_HTTP_LOW_SPEED_TIME (NULL: 1) */
  int want;            /* exit status */
  const char *needle;  /* in the message */
} fault;

static const fault FAULTS[] = {
  /* (d) 1 byte/s: the total timeout, then the low-speed limit alone. */
  { "/drip/{F}", "2", NULL, "60", 75, "timed out" },
  { "/drip/{F}", "30", NULL, NULL, 75, "too slow" },
  { "/big?n=3000000", NULL, "1", NULL, 65, "cap" },
  /* A lying Content-Length: shorter (cut at a row boundary), longer. */
  { "/lie/{F}?cl={C}", NULL, NULL, NULL, 65, "more than its Content-Length" },
  { "/lie/{F}?cl=1{L}", NULL, NULL, NULL, 75, "transfer closed" },
  /* (a) cut at a row boundary, framed only by the connection closing;
   * then a chunked body without its last chunk. */
  { "/close/{F}?cut={C}", NULL, NULL, NULL, 65, "neither Content-Length" },
  { "/close/{F}", NULL, NULL, NULL, 65, "neither Content-Length" },
  { "/chunkcut/{F}?cut={C}", NULL, NULL, NULL, 75, "transfer closed" },
  { "/loop", NULL, NULL, NULL, 65, "more than 5 redirects" },
  { "/redirect?to=file:///etc/passwd", NULL, NULL, NULL, 65,
    "file:///etc/passwd" },
  { "/status/404", NULL, NULL, NULL, 66, "HTTP 404" },
  { "/status/410", NULL, NULL, NULL, 66, "HTTP 410" },
  { "/status/401", NULL, NULL, NULL, 65, "HTTP 401" },
  { "/status/503", NULL, NULL, NULL, 75, "retry after 120 s" },
  { "/status/429", NULL, NULL, NULL, 75, "retry after 120 s" },
  { "/status/500", NULL, NULL, NULL, 75, "HTTP 500" },
  { "/bighdr?kb=100", NULL, NULL, NULL, 75, "header" },
};

/* tmpl with {F}, {L} and {C} replaced by file, len and cut. */
static void subst(char *out, size_t size, const char *tmpl, const char *file,
                  const char *len, const char *cut)
{
  size_t k = 0;

  for(const char *p = tmpl; *p && k + 1 < size; p++) {
    const char *v = NULL;

    if(p[0] == '{' && p[1] && p[2] == '}')
      v = p[1] == 'F' ? file : p[1] == 'L' ? len : p[1] == 'C' ? cut : NULL;
    if(v) {
      k += (size_t)snprintf(out + k, size - k, "%s", v);
      p += 2;
    }
    else
      out[k++] = *p;
  }
  out[k < size ? k : size - 1] = '\0';
}

/* Every fault against `sync lists` and `sync orders`. */
START_TEST(test_sync_faults)
{
  char mask[128];

  snprintf(mask, sizeof(mask), "http://***@127.0.0.1:%d/", srv.port);
  for(size_t i = 0; i < sizeof(FAULTS) / sizeof(FAULTS[0]); i++) {
    const fault *f = &FAULTS[i];

    for(int lists = 1; lists >= 0; lists--) {
      char path[512];
      const char *argv[12];
      int n = 0;

      subst(path, sizeof(path), f->path, lists ? "small.csv" : "orders.json",
            lists ? list_len : order_len, lists ? list_cut : order_cut);
      argv[n++] = "sync";
      argv[n++] = lists ? "lists" : "orders";
      argv[n++] = "--url";
      argv[n++] = curl_(&srv, path);
      if(f->timeout) {
        argv[n++] = "--timeout";
        argv[n++] = f->timeout;
      }
      if(f->max_mb) {
        argv[n++] = "--max-mb";
        argv[n++] = f->max_mb;
      }
      argv[n] = NULL;
      setenv("CHIPGATE_HTTP_LOW_SPEED_TIME", f->slow_s ? f->slow_s : "1", 1);
      expect_sync_fault(base_db, argv, f->want, mask, f->needle);
    }
  }
}
END_TEST

/* (c) A loopback source redirected off loopback (0.0.0.0 reaches this
 * host, but the policy must not take it for loopback): refused BEFORE
 * the request is made -- the server never sees it. */
START_TEST(test_redirect_off_loopback_not_requested)
{
  char path[256], mask[128], *log;

  snprintf(mask, sizeof(mask), "http://***@127.0.0.1:%d/", srv.port);
  for(int lists = 1; lists >= 0; lists--) {
    const char *argv[] = { "sync", lists ? "lists" : "orders", "--url", NULL,
                           NULL };

    snprintf(path, sizeof(path), "/redirect?to=http://0.0.0.0:%d/offloop/%s",
             srv.port, lists ? "small.csv" : "orders.json");
    argv[3] = curl_(&srv, path);
    expect_sync_fault(base_db, argv, 65, mask, "refused");
  }
  log = slurp(t_tmp("gets.log"));
  ck_assert_msg(strstr(log, "\n/offloop/") == NULL,
                "the redirect target was requested: %s", log);
  free(log);
}
END_TEST

/* An invalid (untrusted) and an expired certificate on https. */
START_TEST(test_sync_tls_faults)
{
  const char *cert, *key;
  const char *extra[] = { "--cert", NULL, "--key", NULL, NULL };
  char cmd[4096], mask[128];
  t_server tls;

  t_make_cert(&cert, &key);
  extra[1] = cert;
  extra[3] = key;
  t_server_start(&tls, extra);
  snprintf(mask, sizeof(mask), "https://***@127.0.0.1:%d/", tls.port);
  for(int lists = 1; lists >= 0; lists--) {
    const char *argv[] = {
      "sync", lists ? "lists" : "orders", "--url",
      curl_(&tls, lists ? "/files/small.csv" : "/files/orders.json"), NULL
    };
    expect_sync_fault(base_db, argv, 75, mask, "certificate");
  }
  t_server_stop(&tls);

  /* Expired: signed as its own CA, valid for one day in 2020. */
  snprintf(cmd, sizeof(cmd),
           "cd '%s' && mkdir -p ca && cd ca && : > index.txt && "
           "echo 01 > serial && printf '[ca]\\ndefault_ca=d\\n[d]\\n"
           "database=index.txt\\nserial=serial\\nnew_certs_dir=.\\n"
           "default_md=sha256\\npolicy=p\\ncopy_extensions=copy\\n[p]\\n"
           "commonName=supplied\\n' > ca.cnf && openssl req -new -newkey "
           "rsa:2048 -nodes -subj /CN=127.0.0.1 -addext "
           "subjectAltName=IP:127.0.0.1 -keyout key.pem -out csr.pem "
           ">/dev/null 2>&1 && openssl ca -batch -config ca.cnf -selfsign "
           "-keyfile key.pem -in csr.pem -out cert.pem -startdate "
           "20200101000000Z -enddate 20200102000000Z >/dev/null 2>&1",
           t_tmpdir());
  ck_assert_msg(system(cmd) == 0, "openssl ca failed");
  extra[1] = t_tmp("ca/cert.pem");
  extra[3] = t_tmp("ca/key.pem");
  t_server_start(&tls, extra);
  snprintf(mask, sizeof(mask), "https://***@127.0.0.1:%d/", tls.port);
  for(int lists = 1; lists >= 0; lists--) {
    const char *argv[] = {
      "sync",
      lists ? "lists" : "orders",
      "--url",
      curl_(&tls, lists ? "/files/small.csv" : "/files/orders.json"),
      "--cacert",
      t_tmp("ca/cert.pem"),
      NULL
    };
    expect_sync_fault(base_db, argv, 75, mask, "expired");
  }
  t_server_stop(&tls);
}
END_TEST

/* OFAC's four files (`sync lists --source ofac`): a fault on a file in
 * the middle of the set (ALT.CSV, after SDN.CSV and ADD.CSV came in
 * whole) names that file's URL and changes nothing. (HTTP errors on each
 * file: check_sync_ofac.) */
START_TEST(test_ofac_file_faults)
{
  static const struct {
    const char *fault, *max_mb;
    int want;
    const char *needle;
  } F[] = {
    { "drip", NULL, 75, "too slow" },
    { "chunkcut", NULL, 75, "transfer closed" },
    { "lie", NULL, 75, "transfer closed" },
    { "cut", NULL, 65, "neither Content-Length" },
    { "bighdr", NULL, 75, "header" },
    { "loop", NULL, 65, "more than 5 redirects" },
    { "big", "1", 65, "cap" },
  };
  static const char *const names[] = { "sdn", "add", "alt", "sdn_comments" };
  char cmd[2048], path[256], mask[256], from[64], to[64];

  for(size_t i = 0; i < 4; i++) {
    snprintf(from, sizeof(from), "tests/data/ofac/%s.csv", names[i]);
    snprintf(to, sizeof(to), "%s.CSV", names[i]);
    for(char *p = to; *p; p++)
      *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", t_src(from), t_tmp(to));
    ck_assert_int_eq(system(cmd), 0);
  }
  for(size_t i = 0; i < sizeof(F) / sizeof(F[0]); i++) {
    const char *argv[] = { "sync", "lists", "--url", NULL, "--source",
                           "ofac", NULL,    NULL,    NULL };

    snprintf(path, sizeof(path), "/set/ALT.CSV=%s/SDN.CSV", F[i].fault);
    argv[3] = curl_(&srv, path);
    if(F[i].max_mb) {
      argv[6] = "--max-mb";
      argv[7] = F[i].max_mb;
    }
    snprintf(mask, sizeof(mask),
             "http://***@127.0.0.1:%d/set/ALT.CSV=%s/"
             "ALT.CSV",
             srv.port, F[i].fault);
    expect_sync_fault(base_db, argv, F[i].want, mask, F[i].needle);
  }
}
END_TEST

/* A copy of the base database for one deliver case. */
static const char *copy_base(const char *name)
{
  char cmd[2048];

  snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && rm -f '%s-wal' '%s-shm'",
           base_db, t_tmp(name), t_tmp(name), t_tmp(name));
  ck_assert_int_eq(system(cmd), 0);
  return t_tmp(name);
}

/* `webhook deliver` against /fault in mode: exit 75, the first failure
 * named on stderr and in delivery_attempts.error (URL masked, cause),
 * no credential or secret anywhere, the event not lost. */
static void expect_deliver_fault(const char *mode, const char *needle)
{
  const char *argv[] = { "webhook", "deliver", NULL };
  const char *db = copy_base("deliver.db");
  char mask[128], *out = NULL, *err = NULL, *v;
  int rc;

  snprintf(mask, sizeof(mask), "POST http://***@127.0.0.1:%d/fault", srv.port);
  t_write("hookmode", mode);
  rc = t_run(db, &out, &err, argv);
  ck_assert_msg(rc == 75, "%s: exit %d: %s", mode, rc, err);
  ck_assert_msg(strstr(err, mask) && strstr(err, needle),
                "%s: want \"%s\" and \"%s\" in: %s", mode, mask, needle, err);
  ck_assert_msg(!strstr(err, "s3cret") && !strstr(out, "s3cret") &&
                    !strstr(err, "whsec_") && !strstr(out, "whsec_"),
                "%s: a secret was shown: %s%s", mode, out, err);
  v = sql1(db, "SELECT error FROM delivery_attempts");
  ck_assert_msg(strstr(v, mask + 5) && strstr(v, needle) &&
                    !strstr(v, "s3cret") && !strstr(v, "whsec_"),
                "%s: delivery_attempts.error: %s", mode, v);
  free(v);
  v = sql1(db, "SELECT count(*), min(status) FROM deliveries");
  ck_assert_msg(strcmp(v, "1|pending") == 0, "%s: deliveries %s", mode, v);
  free(v);
  free(out);
  free(err);
}

START_TEST(test_deliver_faults)
{
  char *v;

  expect_deliver_fault("drip", "too slow");
  expect_deliver_fault("404", "HTTP 404");
  expect_deliver_fault("500", "HTTP 500");
  expect_deliver_fault("bighdr", "header");
  expect_deliver_fault("big", "cap");
  expect_deliver_fault("redirect", "HTTP 302");
  /* Retry-After is respected: the next attempt is not before it. */
  expect_deliver_fault("503", "HTTP 503");
  v = sql1(t_tmp("deliver.db"), "SELECT next_attempt_at - strftime('%s', "
                                "at) >= 120 FROM deliveries, "
                                "delivery_attempts");
  ck_assert_str_eq(v, "1");
  free(v);
  expect_deliver_fault("429", "HTTP 429");
  /* 410 Gone disables the endpoint; the event stays pending for it. */
  expect_deliver_fault("410", "HTTP 410");
  v = sql1(t_tmp("deliver.db"), "SELECT enabled FROM webhooks");
  ck_assert_str_eq(v, "0");
  free(v);
}
END_TEST

/* An endpoint on https with a certificate nobody trusts. */
START_TEST(test_deliver_tls_fault)
{
  const char *cert, *key, *extra[] = { "--cert", NULL, "--key", NULL, NULL };
  const char *argv[] = { "webhook", "deliver", NULL };
  const char *db = copy_base("tls.db");
  char sql[512], *out = NULL, *err = NULL, *v;
  t_server tls;

  t_make_cert(&cert, &key);
  extra[1] = cert;
  extra[3] = key;
  t_server_start(&tls, extra);
  snprintf(sql, sizeof(sql), "UPDATE webhooks SET url = '%s'",
           curl_(&tls, "/fault"));
  free(sql1(db, sql));
  ck_assert_int_eq(t_run(db, &out, &err, argv), 75);
  ck_assert_msg(strstr(err, "https://***@127.0.0.1") &&
                    strstr(err, "certificate") && !strstr(err, "s3cret"),
                "%s", err);
  v = sql1(db, "SELECT count(*), min(status) FROM deliveries");
  ck_assert_str_eq(v, "1|pending");
  free(v);
  free(out);
  free(err);
  t_server_stop(&tls);
}
END_TEST

/* (b) Validators belong to the URL: a new URL for a source is fetched in
 * full, and --force sends none. /lm/ gives the same Last-Modified for
 * every file, as a publisher without ETags may. */
START_TEST(test_validators_keyed_by_url)
{
  const char *db = t_tmp("lm.db");
  const char *a[] = { "sync", "lists", "--url", curl_(&srv, "/lm/small.csv"),
                      NULL };
  const char *b[] = { "sync", "lists", "--url", curl_(&srv, "/lm/less.csv"),
                      NULL };
  const char *f[] = { "sync",    "lists", "--url", curl_(&srv, "/lm/less.csv"),
                      "--force", NULL };
  char cmd[1024], *out = NULL, *err = NULL;

  snprintf(cmd, sizeof(cmd), "head -n 951 '%s' > '%s'", t_tmp("small.csv"),
           t_tmp("less.csv"));
  ck_assert_int_eq(system(cmd), 0);
  cg_store_close(t_db("lm.db"));
  ck_assert_int_eq(t_run(db, &out, &err, a), 0);
  ck_assert_msg(strstr(out, "updated"), "%s%s", out, err);
  free(out);
  free(err);
  ck_assert_int_eq(t_run(db, &out, &err, b), 0);
  ck_assert_msg(strstr(out, "updated: 950 entries"), "new URL: %s%s", out,
                err);
  free(out);
  free(err);
  ck_assert_int_eq(t_run(db, &out, &err, f), 0);
  ck_assert_msg(strstr(out, "updated"), "--force: %s%s", out, err);
  free(out);
  free(err);
}
END_TEST

/* (f) A document of 100,000 invalid orders: the first 20 problems and a
 * count, not 100,001 lines; nothing stored. */
START_TEST(test_many_invalid_orders_summarised)
{
  const int n = 100000;
  const char *argv[] = { "sync", "orders", "--url",
                         curl_(&srv, "/files/many.json"), NULL };
  char *doc = malloc((size_t)n * 3 + 8), *before, *after, *err = NULL;
  size_t k = 0, lines = 0;

  ck_assert_ptr_nonnull(doc);
  doc[k++] = '[';
  for(int i = 0; i < n; i++) {
    memcpy(doc + k, i ? ",{}" : "{}", i ? 3 : 2);
    k += i ? 3 : 2;
  }
  memcpy(doc + k, "]\n", 3);
  t_write("many.json", doc);
  free(doc);
  before = t_db_dump(base_db);
  ck_assert_int_eq(t_run(base_db, NULL, &err, argv), 65);
  for(const char *p = err; *p; p++)
    lines += *p == '\n';
  ck_assert_msg(lines <= 23, "%zu lines on stderr", lines);
  ck_assert_msg(strstr(err, "99980 more problem(s) not shown") &&
                    strstr(err, "100000 of 100000 orders invalid"),
                "%.2000s", err);
  after = t_db_dump(base_db);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);
  free(err);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("netfault");
  TCase *tc = tcase_create("faults");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_sync_faults);
  tcase_add_test(tc, test_redirect_off_loopback_not_requested);
  tcase_add_test(tc, test_sync_tls_faults);
  tcase_add_test(tc, test_ofac_file_faults);
  tcase_add_test(tc, test_deliver_faults);
  tcase_add_test(tc, test_deliver_tls_fault);
  tcase_add_test(tc, test_validators_keyed_by_url);
  tcase_add_test(tc, test_many_invalid_orders_summarised);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
