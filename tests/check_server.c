/* check_server.c -- `chipgate serve` over real HTTP on loopback: the
 * server is the built binary, started on a free port of 127.0.0.1 on a
 * demo database; requests are written to a TCP socket byte for byte, so
 * malformed ones can be sent too. SIGTERM must stop it with exit 0. */
#include "helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char db_path[512];
static pid_t server;
static int port;
/* Bearer tokens of each role, made by `chipgate token add` */
static char tok_read[64], tok_submit[64], tok_review[64];
static const char *bearer; /* what http() sends, NULL: no header */

/* `token add NAME --role ROLE`: the token it prints once. */
static void add_token(const char *name, const char *role, char out[64])
{
  const char *argv[] = { "token", "add", name, "--role", role, NULL };
  char *tok = NULL;

  ck_assert_int_eq(t_run(db_path, &tok, NULL, argv), 0);
  tok[strcspn(tok, "\n")] = '\0';
  ck_assert_msg(strncmp(tok, "cgt_", 4) == 0, "not a token: %s", tok);
  snprintf(out, 64, "%s", tok);
  free(tok);
}

/* Starts the server and reads its port from the JSON line it prints. */
static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };
  const char *serve[] = { "serve",    "--listen", "127.0.0.1:0",
                          "--format", "json",     NULL };
  int i;

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  add_token("reader", "read", tok_read);
  add_token("erp", "submit", tok_submit);
  add_token("A. Officer", "review", tok_review);
  bearer = tok_submit;
  server = t_spawn(NULL, db_path, NULL, "serve", serve);
  port = 0;
  for(i = 0; i < 200 && port == 0; i++) {
    char *out = t_slurp(t_tmp("serve.out"));
    const char *p = out ? strstr(out, "\"port\": ") : NULL;
    if(p)
      port = atoi(p + 8);
    free(out);
    if(!port)
      t_sleep_ms(25);
  }
  ck_assert_msg(port > 0, "the server printed no port");
}

static void teardown(void)
{
  char *err;

  if(server > 0) {
    kill(server, SIGTERM);
    ck_assert_int_eq(t_wait(server), 0);
    err = t_slurp(t_tmp("serve.err"));
    ck_assert_msg(!err || !*err, "the server said: %s", err ? err : "");
    free(err);
  }
  server = 0;
  t_tmp_cleanup();
}

/* Sends the raw request bytes (len of them) and reads the whole answer
 * (the server closes after "Connection: close"); returns the status and
 * sets *body (malloc'ed) to what follows the headers. */
static int http_raw(const char *req, size_t len, char **body)
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
  *body = strdup(p ? p + 4 : "");
  free(buf);
  return status;
}

/* METHOD path with a JSON body (or NULL). */
static int http(const char *method, const char *path, const char *json,
                char **body)
{
  char req[8192], auth[128] = "";
  int n;

  if(bearer)
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", bearer);
  n = snprintf(req, sizeof(req),
               "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
               "close\r\n%sContent-Type: application/json\r\n"
               "Content-Length: %zu\r\n\r\n%s",
               method, path, auth, json ? strlen(json) : 0, json ? json : "");

  ck_assert_int_lt(n, (int)sizeof(req));
  return http_raw(req, (size_t)n, body);
}

/* The error document's member ("code", "field"), as text ("" for null). */
static char *error_member(const char *body, const char *key)
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

START_TEST(test_healthz)
{
  char *body = NULL;

  ck_assert_int_eq(http("GET", "/healthz", NULL, &body), 200);
  ck_assert_msg(strstr(body, "\"status\": \"ok\"") &&
                    strstr(body, "\"ruleset\": \"sha256:") &&
                    strstr(body, "\"source\": \"csl\""),
                "%s", body);
  free(body);
}
END_TEST

/* POST /v1/check answers with the bytes `chipgate check --format json`
 * prints for the same order. */
START_TEST(test_check_same_bytes_as_cli)
{
  const char *cli[] = { "check",
                        "--chip",
                        "NVIDIA H100 SXM5 80GB",
                        "--customer",
                        "Beijing Zhiyuan Compute Co. Ltd.",
                        "--dest",
                        "CN",
                        "--qty",
                        "8",
                        "--date",
                        "2026-11-20",
                        "--format",
                        "json",
                        NULL };
  char *want = NULL, *body = NULL;
  int rc;

  rc = t_run(db_path, &want, NULL, cli);
  ck_assert_int_eq(rc, 20);
  ck_assert_int_eq(
      http("POST", "/v1/check",
           "{\"customer\": \"Beijing Zhiyuan Compute Co. Ltd.\", \"chip\": "
           "\"NVIDIA H100 SXM5 80GB\", \"destination\": \"cn\", "
           "\"quantity\": 8, \"ship_date\": \"2026-11-20\"}",
           &body),
      200);
  ck_assert_str_eq(body, want);
  ck_assert_msg(strstr(body, "\"decision\":\"deny\""), "%s", body);
  free(want);
  free(body);
}
END_TEST

/* Bad input: the right 4xx with a JSON error naming the field; never a
 * 500; the server keeps serving. */
START_TEST(test_bad_input)
{
  static const struct {
    const char *method, *path, *body;
    int status;
    const char *code, *field;
  } cases[] = {
    { "POST", "/v1/check", "{\"customer\": ", 400, "invalid_json", "" },
    { "POST", "/v1/check", NULL, 400, "invalid", "" },
    { "POST", "/v1/check", "[1, 2]", 400, "invalid", "" },
    { "POST", "/v1/check",
      "{\"customer\": \"Nordic AI Cloud AB\", \"colour\": \"red\"}", 400,
      "invalid", "colour" },
    { "POST", "/v1/check",
      "{\"customer\": \"Nordic AI Cloud AB\", \"chip\": \"NVIDIA H100 SXM5 "
      "80GB\", \"destination\": \"SE\", \"quantity\": [8], \"ship_date\": "
      "\"2026-11-20\"}",
      400, "invalid", "quantity" },
    { "POST", "/v1/check",
      "{\"customer\": \"Nobody\", \"chip\": \"NVIDIA H100 SXM5 80GB\", "
      "\"destination\": \"SE\", \"quantity\": 8, \"ship_date\": "
      "\"2026-11-20\"}",
      400, "invalid", "" },
    { "GET", "/v1/check", NULL, 405, "method_not_allowed", "" },
    { "GET", "/v1/nothing", NULL, 404, "not_found", "" },
    { "GET", "/../../etc/passwd", NULL, 404, "not_found", "" },
  };
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *body = NULL, *code, *field;
    int st = http(cases[i].method, cases[i].path, cases[i].body, &body);
    ck_assert_msg(st == cases[i].status, "case %zu: %d, want %d: %s", i, st,
                  cases[i].status, body);
    code = error_member(body, "code");
    field = error_member(body, "field");
    ck_assert_msg(!strcmp(code, cases[i].code) &&
                      !strcmp(field, cases[i].field),
                  "case %zu: code %s field %s: %s", i, code, field, body);
    free(code);
    free(field);
    free(body);
  }
}
END_TEST

/* A 10 MB body is refused (413) from its Content-Length, before it is
 * read; the server still answers afterwards. */
START_TEST(test_body_too_large)
{
  size_t len = 10u << 20;
  char head[256], *req, *body = NULL;
  int n = snprintf(head, sizeof(head),
                   "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\nContent-Length: %zu\r\n\r\n",
                   len);

  req = malloc((size_t)n + len);
  ck_assert_ptr_nonnull(req);
  memcpy(req, head, (size_t)n);
  memset(req + n, 'x', len);
  ck_assert_int_eq(http_raw(req, (size_t)n + len, &body), 413);
  free(req);
  free(body);
  ck_assert_int_eq(http("GET", "/healthz", NULL, &body), 200);
  free(body);
}
END_TEST

/* Every route but /healthz needs a live token whose role may do what the
 * route does: 401 without one (or with a wrong or revoked one), 403 for
 * a role that may not. */
START_TEST(test_tokens_and_roles)
{
  const char *revoke[] = { "token", "revoke", "reader", NULL };
  const char *order = "{\"customer\": \"Nordic AI Cloud AB\", \"chip\": "
                      "\"NVIDIA H100 SXM5 80GB\", \"destination\": \"SE\", "
                      "\"quantity\": 8, \"ship_date\": \"2026-11-20\"}";
  char *body = NULL, *code;

  bearer = NULL;
  ck_assert_int_eq(http("GET", "/healthz", NULL, &body), 200);
  free(body);
  ck_assert_int_eq(http("GET", "/v1/audit/head", NULL, &body), 401);
  code = error_member(body, "code");
  ck_assert_str_eq(code, "unauthorized");
  free(code);
  free(body);
  bearer = "cgt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  ck_assert_int_eq(http("GET", "/v1/audit/head", NULL, &body), 401);
  free(body);
  bearer = tok_read; /* may read, may not check */
  ck_assert_int_eq(http("GET", "/v1/audit/head", NULL, &body), 200);
  free(body);
  ck_assert_int_eq(http("POST", "/v1/check", order, &body), 403);
  ck_assert_msg(strstr(body, "token \\\"reader\\\" (role read) may not"), "%s",
                body);
  free(body);
  bearer = tok_review; /* a reviewer may check */
  ck_assert_int_eq(http("POST", "/v1/check", order, &body), 200);
  free(body);
  /* revoked: refused from the next request on, as an unknown token */
  ck_assert_int_eq(t_run(db_path, NULL, NULL, revoke), 0);
  bearer = tok_read;
  ck_assert_int_eq(http("GET", "/v1/audit/head", NULL, &body), 401);
  ck_assert_msg(strstr(body, "unknown or revoked token"), "%s", body);
  free(body);
  bearer = tok_submit;
}
END_TEST

/* GET /v1/orders and /v1/orders/{id}: the bytes of `list orders` and
 * `show order` with --format json. */
START_TEST(test_orders_read)
{
  const char *list[] = { "list", "orders",   "--state", "open", "--outcome",
                         "hold", "--format", "json",    NULL };
  const char *show[] = { "show", "order", "O-1016", "--format", "json", NULL };
  char *want = NULL, *body = NULL, *code;

  bearer = tok_read;
  ck_assert_int_eq(t_run(db_path, &want, NULL, list), 0);
  ck_assert_int_eq(
      http("GET", "/v1/orders?state=open&outcome=hold", NULL, &body), 200);
  ck_assert_str_eq(body, want);
  ck_assert_msg(strstr(body, "O-1016"), "%s", body);
  free(want);
  free(body);
  ck_assert_int_eq(t_run(db_path, &want, NULL, show), 0);
  ck_assert_int_eq(http("GET", "/v1/orders/O-1016", NULL, &body), 200);
  ck_assert_str_eq(body, want);
  free(want);
  free(body);
  ck_assert_int_eq(http("GET", "/v1/orders?state=bogus", NULL, &body), 400);
  code = error_member(body, "field");
  ck_assert_str_eq(code, "state");
  free(code);
  free(body);
  ck_assert_int_eq(http("GET", "/v1/orders/O-9999", NULL, &body), 404);
  free(body);
  ck_assert_int_eq(
      http("GET", "/v1/orders/..%2F..%2Fetc%2Fpasswd", NULL, &body), 404);
  free(body);
  bearer = tok_submit;
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("server");
  TCase *tc = tcase_create("http");

  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_healthz);
  tcase_add_test(tc, test_tokens_and_roles);
  tcase_add_test(tc, test_orders_read);
  tcase_add_test(tc, test_check_same_bytes_as_cli);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_body_too_large);
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
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
