/* check_server_limits.c -- `chipgate serve` at its edges, over real
 * HTTP on loopback as check_server.c does: GET /v1/orders's pages and
 * query arguments, %00 in a path or a query, a token revoked while its
 * connection is open, overload (503 with Retry-After), a client that
 * trickles its headers, and TLS. Each test starts the built binary with
 * the options it needs on a demo database; connections are plain
 * sockets, so that requests can be held half-sent. */
#include "helpers.h"

#include "core/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static char db_path[512];
static pid_t server;
static int port;
static char tok_read[64], tok_review[64];

static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  t_token_add(db_path, "reader", "read", tok_read);
  t_token_add(db_path, "A. Officer", "review", tok_review);
  server = 0;
}

/* Starts `serve --listen 127.0.0.1:0 --format json` with the options
 * in extra (NULL-ended) and reads its port from the line it prints;
 * *url (may be NULL) gets its "url" member. */
static void start(const char *const *extra, char url[128])
{
  char *out;
  const char *u;

  server = t_serve_start(db_path, extra, &port);
  out = t_slurp(t_tmp("serve.out"));
  u = out ? strstr(out, "\"url\": \"") : NULL;
  if(u && url)
    snprintf(url, 128, "%.*s", (int)strcspn(u + 8, "\""), u + 8);
  free(out);
}

static void teardown(void)
{
  t_serve_stop(server);
  server = 0;
  t_tmp_cleanup();
}

/* ---- A client on plain sockets ---- */

/* A connection to the server; reads wait at most wait_s seconds. */
static int conn(int wait_s)
{
  struct sockaddr_in a;
  struct timeval tv = { wait_s, 0 };
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  ck_assert_int_ge(fd, 0);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
                   0);
  return fd;
}

/* Sends s whole; 0 if the server has closed the connection. */
static int put(int fd, const char *s, size_t len)
{
  size_t off = 0;

  while(off < len) {
    ssize_t got = send(fd, s + off, len - off, MSG_NOSIGNAL);
    if(got <= 0)
      return 0;
    off += (size_t)got;
  }
  return 1;
}

/* The request text: keep-alive unless close; tok and json may be NULL.
 * A json of "" sends its Content-Length only (len, the body to come). */
static char *req_text(const char *method, const char *path, const char *tok,
                      const char *json, size_t len, int close)
{
  size_t size = strlen(path) + (json ? strlen(json) : 0) + 512;
  char *s = malloc(size), auth[128] = "";
  int n;

  ck_assert_ptr_nonnull(s);
  if(tok)
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", tok);
  n = snprintf(s, size,
               "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s"
               "Content-Type: application/json\r\n"
               "Content-Length: %zu\r\n\r\n%s",
               method, path, close ? "Connection: close\r\n" : "", auth,
               json && *json ? strlen(json) : len, json ? json : "");
  ck_assert_int_lt(n, (int)size);
  return s;
}

/* Reads one answer from fd: its status (0 if the connection closed or
 * timed out first), its headers and body (malloc'ed; NULL to drop). */
static int get_resp(int fd, char **head, char **body)
{
  char *buf = NULL, *e, *cl;
  size_t n = 0, cap = 0, want = 0, hlen = 0; /* hlen: 0 until headers */
  int status = 0;

  for(;;) {
    ssize_t got;

    if(n + 4096 + 1 > cap)
      ck_assert_ptr_nonnull(buf = realloc(buf, cap = (n + 4096) * 2));
    if(hlen && n >= hlen + 4 + want)
      break;
    got = recv(fd, buf + n, 4096, 0);
    if(got <= 0)
      break;
    n += (size_t)got;
    buf[n] = '\0';
    if(!hlen && (e = strstr(buf, "\r\n\r\n"))) {
      hlen = (size_t)(e - buf);
      *e = '\0';
      cl = strstr(buf, "\r\nContent-Length: ");
      want = cl ? strtoul(cl + 18, NULL, 10) : 0;
    }
  }
  /* a cut answer is no answer */
  if(hlen && n >= hlen + 4 + want &&
     sscanf(buf, "HTTP/1.1 %d", &status) == 1) {
    if(head)
      *head = strdup(buf);
    if(body)
      *body = strndup(buf + hlen + 4, want);
  }
  else
    status = 0;
  free(buf);
  return status;
}

/* METHOD path on a connection of its own: the status (head and body as
 * get_resp). */
static int call(const char *method, const char *path, const char *tok,
                const char *json, char **head, char **body)
{
  char *req = req_text(method, path, tok, json, 0, 1);
  int fd = conn(30), st;

  ck_assert(put(fd, req, strlen(req)));
  st = get_resp(fd, head, body);
  close(fd);
  free(req);
  return st;
}

/* GET path is 400 "invalid" naming field, the message holding text. */
static void refused_arg(const char *path, const char *field, const char *text)
{
  char *body = NULL, *code, *f;
  int st = call("GET", path, tok_read, NULL, NULL, &body);

  ck_assert_msg(st == 400, "%s: %d: %s", path, st, body);
  code = t_error_member(body, "code");
  f = t_error_member(body, "field");
  ck_assert_msg(!strcmp(code, "invalid") && !strcmp(f, field),
                "%s: code %s field %s, want field %s", path, code, f, field);
  ck_assert_msg(strstr(body, text), "%s: \"%s\" not in %s", path, text, body);
  free(code);
  free(f);
  free(body);
}

/* ---- GET /v1/orders: arguments and pages ---- */

/* An argument GET /v1/orders does not take is refused, named, with the
 * ones it takes; nothing is listed. */
START_TEST(test_orders_unknown_argument)
{
  char *body = NULL;

  start(NULL, NULL);
  refused_arg("/v1/orders?colour=red", "colour",
              "?colour: GET /v1/orders takes no such argument; it takes "
              "state, outcome, customer, since, limit and offset");
  refused_arg("/v1/orders?state=open&Limit=5", "Limit", "?Limit:");
  refused_arg("/v1/orders?state=open&page", "page", "?page:");
  /* the ones it takes are still taken */
  ck_assert_int_eq(call("GET",
                        "/v1/orders?state=open&outcome=hold&customer=1&"
                        "since=2000-01-01&limit=5&offset=0",
                        tok_read, NULL, NULL, &body),
                   200);
  ck_assert_msg(body[0] == '[', "%s", body);
  free(body);
}
END_TEST

/* The Link rel="next" target of an answer's headers, or NULL. */
static char *next_of(const char *head)
{
  const char *l = strstr(head, "\r\nLink: <"), *e;

  if(!l)
    return NULL;
  l += 9;
  e = strchr(l, '>');
  ck_assert_msg(e && !strncmp(e, ">; rel=\"next\"", 13), "Link: %s", l);
  return strndup(l, (size_t)(e - l));
}

/* Follows the pages from path on: each has at most per_page orders, and
 * exactly that many when a Link to the next follows; together they are
 * want (a JSON array of every order the filters select), each order
 * once, in order. Returns the number of pages. */
static int walk(const char *path, int per_page, const char *want)
{
  cg_json *all = cg_json_array(), *w = NULL;
  cg_error err = { 0 };
  char *next = strdup(path), *a = NULL, *b = NULL;
  int pages = 0;

  ck_assert_cg_ok(cg_json_parse(&w, want, strlen(want), "want", &err), &err);
  while(next && pages < 2000) {
    char *head = NULL, *body = NULL, *link;
    cg_json *page = NULL;
    size_t i, n;
    int st = call("GET", next, tok_read, NULL, &head, &body);

    ck_assert_msg(st == 200, "%s: %d: %s", next, st, body);
    ck_assert_cg_ok(cg_json_parse(&page, body, strlen(body), next, &err),
                    &err);
    n = cg_json_size(page);
    link = next_of(head);
    ck_assert_msg(link ? n == (size_t)per_page : n <= (size_t)per_page,
                  "%s: %zu orders, Link %s", next, n, link ? link : "none");
    for(i = 0; i < n; i++)
      cg_json_append(all, cg_json_ref(cg_json_at(page, i)));
    cg_json_free(page);
    free(head);
    free(body);
    free(next);
    next = link;
    pages++;
  }
  ck_assert_cg_ok(cg_json_dump(&a, all, CG_JSON_CANONICAL, &err), &err);
  ck_assert_cg_ok(cg_json_dump(&b, w, CG_JSON_CANONICAL, &err), &err);
  ck_assert_msg(!strcmp(a, b), "the pages from %s are not the list", path);
  cg_json_free(all);
  cg_json_free(w);
  free(a);
  free(b);
  return pages;
}

/* `list orders --format json` with more arguments (NULL-ended). */
static char *cli_list(const char *const *more)
{
  const char *argv[16] = { "list", "orders", "--format", "json", NULL };
  char *out = NULL;
  size_t n = 4;

  while(more && *more && n < 15)
    argv[n++] = *more++;
  argv[n] = NULL;
  ck_assert_int_eq(t_run(db_path, &out, NULL, argv), 0);
  return out;
}

/* Pages of ?limit=N from ?offset=M cover every order the filters select
 * once, in order_id order, with a Link to the next until the last; the
 * filters ride along in the Link; a bad limit or offset is 400 naming
 * it. */
START_TEST(test_orders_pages)
{
  const char *open_bz[] = { "--state", "open", "--customer",
                            "Beijing Zhiyuan Compute Co. Ltd.", NULL };
  char *all = cli_list(NULL), *some = cli_list(open_bz), *head = NULL,
       *body = NULL, *link;

  start(NULL, NULL);
  ck_assert_int_eq(walk("/v1/orders?limit=7", 7, all), 6); /* 41 orders */
  ck_assert_int_eq(walk("/v1/orders?limit=40", 40, all), 2);
  ck_assert_int_eq(walk("/v1/orders?limit=41", 41, all), 1);
  ck_assert_int_eq(walk("/v1/orders?limit=1", 1, all), 41);
  ck_assert_int_eq(walk("/v1/orders", 1000, all), 1);
  ck_assert_int_eq(walk("/v1/orders?customer=Beijing%20Zhiyuan%20Compute%20Co."
                        "%20Ltd.&state=open&limit=3",
                        3, some),
                   3); /* 7 orders */
  ck_assert_int_eq(call("GET",
                        "/v1/orders?state=open&customer=Beijing+Zhiyuan+"
                        "Compute+Co.+Ltd.&limit=3&offset=3",
                        tok_read, NULL, &head, NULL),
                   200);
  link = next_of(head);
  ck_assert_str_eq(link, "/v1/orders?state=open&customer=Beijing%20Zhiyuan%"
                         "20Compute%20Co.%20Ltd.&limit=3&offset=6");
  free(link);
  free(head);
  /* past the last order: an empty page, no Link */
  ck_assert_int_eq(
      call("GET", "/v1/orders?offset=41", tok_read, NULL, &head, &body), 200);
  ck_assert_msg(!strcmp(body, "[]\n") && !next_of(head), "%s\n%s", head, body);
  free(head);
  free(body);
  refused_arg("/v1/orders?limit=0", "limit", "from 1 to 10000");
  refused_arg("/v1/orders?limit=10001", "limit", "?limit=10001:");
  refused_arg("/v1/orders?limit=-1", "limit", "from 1 to 10000");
  refused_arg("/v1/orders?limit=ten", "limit", "from 1 to 10000");
  refused_arg("/v1/orders?limit=", "limit", "from 1 to 10000");
  refused_arg("/v1/orders?limit=+5", "limit", "from 1 to 10000");
  refused_arg("/v1/orders?offset=-1", "offset", "0 or more");
  refused_arg("/v1/orders?offset=1.5", "offset", "0 or more");
  refused_arg("/v1/orders?offset=99999999999999999999", "offset", "0 or more");
  refused_arg("/v1/orders?limit=5&offset=%FF", "offset", "not valid UTF-8");
  free(all);
  free(some);
}
END_TEST

/* Without limit a page is 1,000 orders, however many are stored: 1,066
 * here, in two pages. */
START_TEST(test_orders_default_page)
{
  char *all, *head = NULL, *body = NULL, *link;
  cg_json *page = NULL;
  cg_error err = { 0 };

  t_add_orders(db_path, "P", 25);
  all = cli_list(NULL);
  start(NULL, NULL);
  ck_assert_int_eq(call("GET", "/v1/orders", tok_read, NULL, &head, &body),
                   200);
  ck_assert_cg_ok(cg_json_parse(&page, body, strlen(body), "page", &err),
                  &err);
  ck_assert_uint_eq(cg_json_size(page), 1000);
  link = next_of(head);
  ck_assert_str_eq(link, "/v1/orders?limit=1000&offset=1000");
  ck_assert_int_eq(walk("/v1/orders", 1000, all), 2);
  cg_json_free(page);
  free(link);
  free(head);
  free(body);
  free(all);
}
END_TEST

/* The server's peak resident memory so far, in KiB (/proc). */
static long peak_kib(void)
{
  char path[64], *st, *p;
  long kib;

  snprintf(path, sizeof(path), "/proc/%d/status", (int)server);
  st = t_slurp(path);
  ck_assert_ptr_nonnull(st);
  p = strstr(st, "VmHWM:");
  ck_assert_ptr_nonnull(p);
  kib = atol(p + 6);
  free(st);
  return kib;
}

/* A page deep in 10,291 orders costs the server no more memory than one
 * at the start: the orders before it are skipped in the database, not
 * listed and cut. */
START_TEST(test_orders_page_memory)
{
  const char *extra[] = { "--threads", "1", NULL };
  char *body = NULL;
  cg_json *page = NULL;
  cg_error err = { 0 };
  long before;
  int i;

  t_add_orders(db_path, "M", 250);
  start(extra, NULL);
  for(i = 0; i < 3; i++) { /* the worker opened and warm */
    ck_assert_int_eq(
        call("GET", "/v1/orders?limit=10", tok_read, NULL, NULL, &body), 200);
    free(body);
  }
  before = peak_kib();
  ck_assert_int_eq(call("GET", "/v1/orders?limit=10&offset=10281", tok_read,
                        NULL, NULL, &body),
                   200);
  ck_assert_cg_ok(cg_json_parse(&page, body, strlen(body), "page", &err),
                  &err);
  ck_assert_uint_eq(cg_json_size(page), 10);
  cg_json_free(page);
  free(body);
  ck_assert_msg(peak_kib() - before < 4096,
                "a page at offset 10281 took the server from %ld to %ld KiB",
                before, peak_kib());
}
END_TEST

/* ---- %00 and revocation ---- */

/* A %00 does not cut an id or a query value short: O-1016%00x is no
 * order (404), not O-1016, and a cancel sent to it writes nothing; a
 * customer with a %00 is no customer (400). */
START_TEST(test_nul_in_path_and_query)
{
  char *body = NULL, *field, *before, *after;

  start(NULL, NULL);
  ck_assert_int_eq(
      call("GET", "/v1/orders/O-1016", tok_read, NULL, NULL, &body), 200);
  free(body);
  ck_assert_int_eq(
      call("GET", "/v1/orders/O-1016%00x", tok_read, NULL, NULL, &body), 404);
  ck_assert_msg(!strstr(body, "\"state\""), "%s", body);
  free(body);
  ck_assert_int_eq(
      call("GET", "/v1/orders/O-1016%00", tok_read, NULL, NULL, &body), 404);
  free(body);
  before = t_db_dump(db_path);
  ck_assert_int_eq(call("POST", "/v1/orders/O-1013%00/cancel", tok_review,
                        "{\"reason\": \"x\"}", NULL, &body),
                   404);
  free(body);
  after = t_db_dump(db_path);
  ck_assert_msg(!strcmp(before, after), "a cancel to O-1013%%00 wrote");
  free(before);
  free(after);
  ck_assert_int_eq(call("GET", "/v1/orders?customer=Nordic%20AI%20Cloud%20AB",
                        tok_read, NULL, NULL, &body),
                   200);
  ck_assert_msg(strstr(body, "Nordic AI Cloud AB"), "%s", body);
  free(body);
  ck_assert_int_eq(call("GET",
                        "/v1/orders?customer=Nordic%20AI%20Cloud%20AB%00x",
                        tok_read, NULL, NULL, &body),
                   400);
  field = t_error_member(body, "field");
  ck_assert_str_eq(field, "customer");
  free(field);
  free(body);
}
END_TEST

/* `chipgate token revoke` run while the server holds a kept-alive
 * connection of the token's: the next request on it is 401. */
START_TEST(test_revoked_while_connected)
{
  const char *revoke[] = { "token", "revoke", "reader", NULL };
  const char *extra[] = { "--threads", "1", NULL };
  char *req, *body = NULL;
  int fd;

  start(extra, NULL);
  req = req_text("GET", "/v1/audit/head", tok_read, NULL, 0, 0);
  fd = conn(30);
  ck_assert(put(fd, req, strlen(req)));
  ck_assert_int_eq(get_resp(fd, NULL, &body), 200);
  free(body);
  ck_assert_int_eq(t_run(db_path, NULL, NULL, revoke), 0);
  ck_assert(put(fd, req, strlen(req)));
  ck_assert_int_eq(get_resp(fd, NULL, &body), 401);
  ck_assert_msg(strstr(body, "unknown or revoked token"), "%s", body);
  free(body);
  close(fd);
  ck_assert_int_eq(call("GET", "/v1/audit/head", tok_read, NULL, NULL, &body),
                   401);
  free(body);
  ck_assert_int_eq(
      call("GET", "/v1/audit/head", tok_review, NULL, NULL, &body), 200);
  free(body);
  free(req);
}
END_TEST

/* ---- Overload, slow clients, TLS ---- */

#define HELD 65 /* over 64 x 1 thread */

static const char order[] =
    "{\"customer\": \"Nordic AI Cloud AB\", \"chip\": \"NVIDIA H100 SXM5 "
    "80GB\", \"destination\": \"SE\", \"quantity\": 8, \"ship_date\": "
    "\"2026-11-20\"}";

/* With --threads 1, 65 requests whose bodies are still coming hold the
 * server's 64 places: the next request is 503 with Retry-After at once.
 * Once the held bodies are finished (each answered) or the connections
 * closed, the server answers as before. */
START_TEST(test_overload_503)
{
  const char *extra[] = { "--threads", "1", NULL };
  char *head = NULL, *body = NULL, *code, *ra,
       *req = req_text("POST", "/v1/check", tok_review, "", strlen(order), 0);
  int fds[HELD], i, st = 0, tries, gone = 0;

  start(extra, NULL);
  for(i = 0; i < HELD; i++) {
    fds[i] = conn(60);
    ck_assert(put(fds[i], req, strlen(req)));
    ck_assert(put(fds[i], order, 1)); /* the body's first byte only */
  }
  /* the server takes the held headers in as it gets to them */
  for(tries = 0; tries < 100 && st != 503; tries++) {
    free(head);
    free(body);
    head = body = NULL;
    st = call("POST", "/v1/check", tok_review, order, &head, &body);
    if(st != 503)
      t_sleep_ms(50);
  }
  ck_assert_msg(st == 503, "no 503 with %d requests held: %d %s", HELD, st,
                body);
  ra = strstr(head, "\r\nRetry-After: ");
  ck_assert_msg(ra && atoi(ra + 15) >= 1, "no Retry-After: %s", head);
  code = t_error_member(body, "code");
  ck_assert_str_eq(code, "busy");
  free(code);
  free(body);
  free(head);
  /* half finish their bodies and are answered; half hang up */
  for(i = 0; i < HELD; i++) {
    if(i % 2 == 0) {
      /* the one refused may be closed already: the rest cannot be sent */
      if(!put(fds[i], order + 1, strlen(order) - 1)) {
        ck_assert_int_eq(++gone, 1);
        close(fds[i]);
        continue;
      }
      st = get_resp(fds[i], NULL, &body);
      /* the 65th may have been the one refused */
      ck_assert_msg(st == 200 || st == 503, "held %d: %d %s", i, st, body);
      free(body);
    }
    close(fds[i]);
  }
  for(tries = 0, st = 0; tries < 100 && st != 200; tries++) {
    st = call("POST", "/v1/check", tok_review, order, NULL, &body);
    free(body);
    if(st != 200)
      t_sleep_ms(50);
  }
  ck_assert_int_eq(st, 200);
  free(req);
}
END_TEST

/* Whether the server has closed fd (a read gives end of file or an
 * error at once). */
static int closed(int fd)
{
  struct pollfd p = { fd, POLLIN, 0 };
  char c;

  if(poll(&p, 1, 0) <= 0)
    return 0;
  return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

/* A client that sends its headers a byte a second, never finishing, is
 * cut off once --timeout (2 s) has passed, though it is never idle that
 * long; other clients are answered meanwhile, at once. */
START_TEST(test_slowloris_cut_off)
{
  const char *extra[] = { "--timeout", "2", NULL };
  const char *slow = "GET /v1/audit/head HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  int64_t t0, cut_at = 0;
  size_t k;
  int fd;

  start(extra, NULL);
  fd = conn(5);
  t0 = t_now_ms();
  for(k = 0; slow[k] && t_now_ms() - t0 < 10000; k++) {
    int64_t t = t_now_ms();
    char *body = NULL;

    if(!put(fd, slow + k, 1) || closed(fd)) {
      cut_at = t - t0;
      break;
    }
    /* meanwhile another client is answered, without waiting for it */
    ck_assert_int_eq(call("GET", "/healthz", NULL, NULL, NULL, &body), 200);
    free(body);
    ck_assert_msg(t_now_ms() - t < 2000, "/healthz took %lld ms",
                  (long long)(t_now_ms() - t));
    t_sleep_ms(1000 - (t_now_ms() - t) % 1000);
  }
  if(!cut_at && closed(fd))
    cut_at = t_now_ms() - t0;
  ck_assert_msg(cut_at > 0,
                "a client trickling its headers a byte a second still "
                "held its connection after %lld ms (--timeout 2)",
                (long long)(t_now_ms() - t0));
  ck_assert_msg(cut_at >= 2000 && cut_at < 8000,
                "cut off after %lld ms, not soon after --timeout 2",
                (long long)cut_at);
  close(fd);
}
END_TEST

/* With --cert and --key (a self-signed certificate made now by
 * openssl), the server speaks HTTPS: /healthz answers 200 through
 * core/http.h with that certificate as the CA, an authenticated route
 * too; plain HTTP to the same port gets no answer. */
START_TEST(test_tls)
{
  char cmd[2048], url[128] = "", https[256], *body = NULL;
  const char *extra[] = { "--cert", NULL, "--key", NULL, NULL };
  const char *hdr[] = { NULL, NULL };
  char cert[512], key[512], auth[128];
  cg_http_opts o = CG_HTTP_OPTS_INIT;
  cg_http_response r = { 0 };
  cg_error err = { 0 };
  cg_http *h = NULL;
  int fd, st;

  snprintf(cert, sizeof(cert), "%s", t_tmp("cert.pem"));
  snprintf(key, sizeof(key), "%s", t_tmp("key.pem"));
  snprintf(cmd, sizeof(cmd),
           "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
           "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '%s' "
           "-out '%s' >/dev/null 2>&1",
           key, cert);
  ck_assert_msg(system(cmd) == 0, "openssl req failed: %s", cmd);
  extra[1] = cert;
  extra[3] = key;
  start(extra, url);
  ck_assert_msg(!strncmp(url, "https://127.0.0.1:", 18), "url %s", url);
  o.cacert = cert;
  o.follow_redirects = 0;
  o.timeout_ms = 20000;
  ck_assert_cg_ok(cg_http_open(&h, &o, &err), &err);
  snprintf(https, sizeof(https), "https://127.0.0.1:%d/healthz", port);
  ck_assert_cg_ok(cg_http_get(h, https, NULL, &r, &err), &err);
  ck_assert_int_eq(r.status, 200);
  ck_assert_msg(strstr(r.body, "\"status\": \"ok\""), "%s", r.body);
  cg_http_response_free(&r);
  snprintf(https, sizeof(https), "https://127.0.0.1:%d/v1/check", port);
  snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok_review);
  hdr[0] = auth;
  ck_assert_cg_ok(cg_http_post(h, https, hdr, order, strlen(order), &r, &err),
                  &err);
  ck_assert_int_eq(r.status, 200);
  ck_assert_msg(strstr(r.body, "\"decision\":\"nlr\""), "%s", r.body);
  cg_http_response_free(&r);
  cg_http_close(h);
  /* plain HTTP to the TLS port: no HTTP answer at all, let alone 200 */
  fd = conn(10);
  snprintf(cmd, sizeof(cmd),
           "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Connection: close\r\n\r\n");
  put(fd, cmd, strlen(cmd));
  st = get_resp(fd, NULL, &body);
  ck_assert_msg(st != 200, "plain HTTP to the TLS port: %d %s", st,
                body ? body : "");
  free(body);
  close(fd);
  /* and the server still serves HTTPS */
  ck_assert_cg_ok(cg_http_open(&h, &o, &err), &err);
  snprintf(https, sizeof(https), "https://127.0.0.1:%d/healthz", port);
  ck_assert_cg_ok(cg_http_get(h, https, NULL, &r, &err), &err);
  ck_assert_int_eq(r.status, 200);
  cg_http_response_free(&r);
  cg_http_close(h);
}
END_TEST

/* A body announced to a route that does not exist, or to /healthz, is
 * refused before a byte of it is read: no one without a token makes the
 * server read one. */
START_TEST(test_no_route_refused_before_body)
{
  static const struct {
    const char *method, *path;
    int status;
  } cases[] = {
    { "POST", "/v1/nothing", 404 },
    { "POST", "/healthz", 405 },
    { "PUT", "/v1/orders", 405 },
  };
  size_t i;

  start(NULL, NULL);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int fd = conn(5);
    char *req = req_text(cases[i].method, cases[i].path, NULL, "", 900000, 1);
    ck_assert(put(fd, req, strlen(req)));
    /* the headers only: an answer now means the body was not waited for */
    ck_assert_int_eq(get_resp(fd, NULL, NULL), cases[i].status);
    close(fd);
    free(req);
  }
}
END_TEST

/* Options a user can get wrong: refused before anything is opened or
 * bound, saying which and why. */
START_TEST(test_serve_options)
{
  static const struct {
    const char *a, *b, *c, *d;
    int rc;
    const char *says;
  } cases[] = {
    { "--listen", "localhost:0", NULL, NULL, 64, "not a numeric IPv4" },
    { "--listen", "[::1]", NULL, NULL, 64, "must be ADDR:PORT" },
    { "--listen", "127.0.0.1:70000", NULL, NULL, 64, "0 to 65535" },
    { "--cert", "/", "--key", "/", 66, "--cert /: Is a directory" },
    { "--cert", "/nonexistent.pem", "--key", "/", 66, "No such file" },
    { "--cert", NULL, "--key", NULL, 65, "not PEM" },
  };
  const char *text = t_write("notpem.txt", "hello\n");
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *argv[] = { "serve",
                           cases[i].a,
                           cases[i].b ? cases[i].b : text,
                           cases[i].c,
                           cases[i].c ? (cases[i].d ? cases[i].d : text)
                                      : NULL,
                           NULL };
    char *err = NULL;
    ck_assert_int_eq(t_run(db_path, NULL, &err, argv), cases[i].rc);
    ck_assert_msg(err && strstr(err, cases[i].says), "case %zu: %s", i, err);
    free(err);
  }
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("server_limits");
  TCase *tc = tcase_create("edges");

  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_orders_unknown_argument);
  tcase_add_test(tc, test_orders_pages);
  tcase_add_test(tc, test_orders_default_page);
  tcase_add_test(tc, test_orders_page_memory);
  tcase_add_test(tc, test_nul_in_path_and_query);
  tcase_add_test(tc, test_revoked_while_connected);
  tcase_add_test(tc, test_overload_503);
  tcase_add_test(tc, test_slowloris_cut_off);
  tcase_add_test(tc, test_tls);
  tcase_add_test(tc, test_no_route_refused_before_body);
  tcase_add_test(tc, test_serve_options);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  int rc;

  cg_http_global_init();
  rc = t_run_suite(suite());
  cg_http_global_cleanup();
  return rc;
}
