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

/* Starts the server and reads its port from the JSON line it prints. */
static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  t_token_add(db_path, "reader", "read", tok_read);
  t_token_add(db_path, "erp", "submit", tok_submit);
  t_token_add(db_path, "A. Officer", "review", tok_review);
  bearer = tok_submit;
  server = t_serve_start(db_path, NULL, &port);
}

static void teardown(void)
{
  t_serve_stop(server);
  server = 0;
  t_tmp_cleanup();
}

static int http_raw(const char *req, size_t len, char **body)
{
  return t_http_raw(port, req, len, NULL, body);
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
      400, "invalid", "customer" },
    { "POST", "/v1/check",
      "{\"customer\": \"Nordic AI Cloud AB\", \"chip\": \"NoChip\", "
      "\"destination\": \"SE\", \"quantity\": 8, \"ship_date\": "
      "\"2026-11-20\"}",
      400, "invalid", "chip" },
    { "POST", "/v1/check",
      "{\"customer\": \"Nordic\xff\", \"chip\": \"NoChip\"}", 400, "invalid",
      "customer" },
    { "GET", "/v1/check", NULL, 405, "method_not_allowed", "" },
    { "GET", "/v1/nothing", NULL, 404, "not_found", "" },
    /* every route refuses an argument it does not take, naming it */
    { "GET", "/v1/audit/head?x=1", NULL, 400, "invalid", "x" },
    { "GET", "/v1/audit/verify?anchr=1:ab", NULL, 400, "invalid", "anchr" },
    { "GET", "/v1/orders/O-1001?full=1", NULL, 400, "invalid", "full" },
    { "POST", "/v1/check?dry=1", "{}", 400, "invalid", "dry" },
    /* the same order id twice in one body */
    { "POST", "/v1/orders",
      "[{\"order_id\": \"DUP-1\", \"customer\": \"Nordic AI Cloud AB\", "
      "\"chip\": \"NVIDIA H100 SXM5 80GB\", \"destination\": \"SE\", "
      "\"quantity\": 1, \"ship_date\": \"2026-11-20\"}, {\"order_id\": "
      "\"DUP-1\", \"customer\": \"Nordic AI Cloud AB\", \"chip\": \"NVIDIA "
      "H100 SXM5 80GB\", \"destination\": \"SE\", \"quantity\": 1, "
      "\"ship_date\": \"2026-11-20\"}]",
      400, "invalid", "order_id" },
    /* one it takes without a value is not read as absent */
    { "GET", "/v1/audit/verify?anchor", NULL, 400, "invalid", "anchor" },
    { "GET", "/v1/orders?state&limit=2", NULL, 400, "invalid", "state" },
    { "GET", "/../../etc/passwd", NULL, 404, "not_found", "" },
  };
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *body = NULL, *code, *field;
    int st = http(cases[i].method, cases[i].path, cases[i].body, &body);
    ck_assert_msg(st == cases[i].status, "case %zu: %d, want %d: %s", i, st,
                  cases[i].status, body);
    code = t_error_member(body, "code");
    field = t_error_member(body, "field");
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
  code = t_error_member(body, "code");
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
  code = t_error_member(body, "field");
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

/* ---- The action routes: each answer is the object the command prints
 * with --format json, compared against the command run on a twin of the
 * database copied before the server's first request (same state, so the
 * same seq). Every refusal leaves the database as it was. ---- */

static char twin_path[512];

/* Copies the database to twin.db: call before the test's first request,
 * while the server has not opened it (its file holds everything). */
static void make_twin(void)
{
  snprintf(twin_path, sizeof(twin_path), "%s", t_tmp("twin.db"));
  t_copy_db(db_path, twin_path);
}

/* What the command prints (exit want) on the twin. */
static char *on_twin(int want, const char *const *argv)
{
  char *out = NULL, *errout = NULL;
  int rc = t_run(twin_path, &out, &errout, argv);

  ck_assert_msg(rc == want, "%s: exit %d, want %d: %s", argv[0], rc, want,
                errout);
  free(errout);
  return out;
}

/* METHOD path body is refused with status, code and field ("" for
 * null), the message holding text (NULL: any), and the database is
 * unchanged. */
static void refused(const char *method, const char *path, const char *json,
                    int status, const char *code, const char *field,
                    const char *text)
{
  char *before = t_db_dump(db_path), *after, *body = NULL, *c, *f;
  int st = http(method, path, json, &body);

  ck_assert_msg(st == status, "%s %s %s: %d, want %d: %s", method, path,
                json ? json : "", st, status, body);
  c = t_error_member(body, "code");
  f = t_error_member(body, "field");
  ck_assert_msg(!strcmp(c, code) && !strcmp(f, field),
                "%s %s %s: code %s field %s, want %s %s: %s", method, path,
                json ? json : "", c, f, code, field, body);
  ck_assert_msg(!text || strstr(body, text), "%s %s: \"%s\" not in %s", method,
                path, text, body);
  after = t_db_dump(db_path);
  ck_assert_msg(strcmp(before, after) == 0, "%s %s %s changed the database",
                method, path, json ? json : "");
  free(c);
  free(f);
  free(body);
  free(before);
  free(after);
}

/* METHOD path body answers 200 with exactly want. */
static void same_as_cli(const char *method, const char *path, const char *json,
                        const char *want)
{
  char *body = NULL;
  int st = http(method, path, json, &body);

  ck_assert_msg(st == 200, "%s %s: %d: %s", method, path, st, body);
  ck_assert_str_eq(body, want);
  free(body);
}

/* `show order ID --format json` on the served database. */
static char *show_order(const char *id)
{
  const char *show[] = { "show", "order", id, "--format", "json", NULL };
  char *out = NULL;

  ck_assert_int_eq(t_run(db_path, &out, NULL, show), 0);
  return out;
}

/* POST /v1/orders/{id}/review: `chipgate review`'s object, the reviewer
 * the token's name (never the body's); only review and admin may; a
 * step the order's state forbids is 409 with the library's message. */
START_TEST(test_review)
{
  const char *cli[] = { "review",     "O-1041",        "--release",
                        "--reason",   "other address", "--reviewer",
                        "A. Officer", "--format",      "json",
                        NULL };
  const char *block[] = { "review",
                          "O-1016",
                          "--block",
                          "--reason",
                          "end use not confirmed",
                          "--reviewer",
                          "A. Officer",
                          "--format",
                          "json",
                          NULL };
  const char *rel = "{\"action\": \"release\", \"reason\": \"other "
                    "address\"}";
  char *want, *shown;

  make_twin();
  want = on_twin(0, cli);
  ck_assert_msg(strstr(want, "\"released\": true"), "%s", want);
  shown = show_order("O-1041");
  ck_assert_msg(!strstr(shown, "\"reviewer\": \"A. Officer\""), "%s", shown);
  free(shown);
  /* the ERP and a reader may not review */
  bearer = tok_read;
  refused("POST", "/v1/orders/O-1041/review", rel, 403, "forbidden", "",
          "(role read) may not");
  bearer = tok_submit;
  refused("POST", "/v1/orders/O-1041/review", rel, 403, "forbidden", "",
          "(role submit) may not");
  bearer = tok_review;
  /* nobody names the reviewer in the body */
  refused("POST", "/v1/orders/O-1041/review",
          "{\"action\": \"release\", \"reason\": \"x\", \"reviewer\": "
          "\"Mallory\"}",
          400, "invalid", "reviewer", "the reviewer is the token's name");
  same_as_cli("POST", "/v1/orders/O-1041/review", rel, want);
  free(want);
  shown = show_order("O-1041");
  ck_assert_msg(strstr(shown, "\"reviewer\": \"A. Officer\"") &&
                    strstr(shown, "\"state\": \"releasable\""),
                "%s", shown);
  free(shown);
  /* released already: not on hold any more */
  refused("POST", "/v1/orders/O-1041/review", rel, 409, "conflict", "",
          "order O-1041 is releasable (hold): only an order on hold");
  /* a hold on unknown facts is not a reviewer's to settle */
  refused("POST", "/v1/orders/O-1016/review", rel, 409, "conflict", "",
          "supply the missing facts");
  refused("POST", "/v1/orders/O-9999/review", rel, 404, "not_found", "",
          "unknown order O-9999");
  /* a block may be recorded on any hold; the order stays open */
  want = on_twin(0, block);
  same_as_cli("POST", "/v1/orders/O-1016/review",
              "{\"action\": \"block\", \"reason\": \"end use not "
              "confirmed\"}",
              want);
  ck_assert_msg(strstr(want, "\"released\": false"), "%s", want);
  free(want);
  shown = show_order("O-1016");
  ck_assert_msg(strstr(shown, "\"state\": \"open\""), "%s", shown);
  free(shown);
  refused("POST", "/v1/orders/O-1016/review",
          "{\"action\": \"approve\", \"reason\": \"x\"}", 400, "invalid",
          "action", "\\\"release\\\" or \\\"block\\\"");
  refused("POST", "/v1/orders/O-1016/review", "{\"action\": \"block\"}", 400,
          "invalid", "reason", "required");
  refused("POST", "/v1/orders/O-1016/review",
          "{\"action\": \"block\", \"reason\": \" \"}", 400, "invalid",
          "reason", "empty");
  refused("POST", "/v1/orders/O-1016/review",
          "{\"action\": \"block\", \"reason\": [\"x\"]}", 400, "invalid",
          "reason", "not a string");
  refused("POST", "/v1/orders/O-1016/review",
          "{\"action\": \"block\", \"reason\": \"a\xe2\x80\xae"
          "b\"}",
          400, "invalid", "reason", "U+202E");
  bearer = tok_submit;
}
END_TEST

/* POST /v1/orders/{id}/nac: a filing, then BIS's objection, each as
 * `chipgate nac` answers; the members of the two kinds do not mix. */
START_TEST(test_nac)
{
  const char *file[] = { "nac",        "O-1015", "--filed",
                         "2026-11-20", "--ref",  "NAC-0042",
                         "--format",   "json",   NULL };
  const char *object[] = { "nac",        "O-1015",   "--objection",
                           "2026-11-21", "--reason", "BIS objected",
                           "--format",   "json",     NULL };
  const char *filing = "{\"filed\": \"2026-11-20\", \"ref\": \"NAC-0042\"}";
  char *want;

  make_twin();
  bearer = tok_review;
  refused("POST", "/v1/orders/O-1015/nac",
          "{\"filed\": \"2026-11-20\", \"objection\": \"2026-11-21\"}", 400,
          "invalid", "objection", "not both");
  refused("POST", "/v1/orders/O-1015/nac", "{\"ref\": \"NAC-0042\"}", 400,
          "invalid", "filed", "required");
  refused("POST", "/v1/orders/O-1015/nac",
          "{\"filed\": \"2026-11-20\", \"reason\": \"x\"}", 400, "invalid",
          "reason", "goes with objection");
  refused("POST", "/v1/orders/O-1015/nac", "{\"filed\": \"20.11.2026\"}", 400,
          "invalid", "filed", "not a date");
  refused("POST", "/v1/orders/O-1015/nac", "{\"filed\": \"2999-01-01\"}", 400,
          "invalid", "filed", "in the future");
  /* no filing to object to yet */
  refused("POST", "/v1/orders/O-1015/nac",
          "{\"objection\": \"2026-11-21\", \"reason\": \"BIS objected\"}", 409,
          "conflict", "", "no NAC filing is on record");
  /* O-1041 is on hold, not notify */
  refused("POST", "/v1/orders/O-1041/nac", filing, 409, "conflict", "",
          "only for an order whose decision is notify");
  want = on_twin(0, file);
  same_as_cli("POST", "/v1/orders/O-1015/nac", filing, want);
  free(want);
  refused("POST", "/v1/orders/O-1015/nac", filing, 409, "conflict", "",
          "already on record");
  refused("POST", "/v1/orders/O-1015/nac",
          "{\"objection\": \"2026-11-21\", \"ref\": \"x\", \"reason\": "
          "\"y\"}",
          400, "invalid", "ref", "goes with filed");
  refused("POST", "/v1/orders/O-1015/nac", "{\"objection\": \"2026-11-21\"}",
          400, "invalid", "reason", "required with objection");
  want = on_twin(0, object);
  same_as_cli("POST", "/v1/orders/O-1015/nac",
              "{\"objection\": \"2026-11-21\", \"reason\": \"BIS objected\"}",
              want);
  free(want);
  bearer = tok_submit;
  refused("POST", "/v1/orders/O-1015/nac", filing, 403, "forbidden", "",
          "(role submit) may not");
}
END_TEST

/* POST /v1/orders/{id}/ship and /cancel, as `chipgate ship` and `chipgate
 * cancel` answer; quantities as JSON numbers or strings. */
START_TEST(test_ship_and_cancel)
{
  const char *ship[] = { "ship",       "O-1001",   "--qty", "100", "--date",
                         "2026-11-20", "--format", "json",  NULL };
  const char *cancel[] = { "cancel",   "O-1013",
                           "--reason", "customer withdrew the order",
                           "--format", "json",
                           NULL };
  char *want, *shown;

  make_twin();
  bearer = tok_review;
  refused("POST", "/v1/orders/O-1001/ship", "{\"quantity\": 0}", 400,
          "invalid", "quantity", "a whole number from 1 to 1000000000");
  refused("POST", "/v1/orders/O-1001/ship", "{\"quantity\": 2.5}", 400,
          "invalid", "quantity", "whole number");
  refused("POST", "/v1/orders/O-1001/ship", "{\"quantity\": \"ten\"}", 400,
          "invalid", "quantity", "whole number");
  refused("POST", "/v1/orders/O-1001/ship", "{\"quantity\": true}", 400,
          "invalid", "quantity", "whole number");
  refused("POST", "/v1/orders/O-1001/ship",
          "{\"quantity\": 1, \"date\": 20261120}", 400, "invalid", "date",
          "not a string");
  refused("POST", "/v1/orders/O-1001/ship",
          "{\"quantity\": 1, \"date\": \"2999-12-31\"}", 400, "invalid",
          "date", "in the future");
  refused("POST", "/v1/orders/O-1001/ship", "{\"qty\": 1}", 400, "invalid",
          "qty", "it takes quantity, date");
  refused("POST", "/v1/orders/O-1001/ship", "{\"quantity\": 1000000000}", 409,
          "conflict", "", "more cannot ship");
  /* on hold: it may not ship */
  refused("POST", "/v1/orders/O-1041/ship", NULL, 409, "conflict", "",
          "only a releasable order can ship");
  want = on_twin(0, ship);
  same_as_cli("POST", "/v1/orders/O-1001/ship",
              "{\"quantity\": \"100\", \"date\": \"2026-11-20\"}", want);
  free(want);
  refused("POST", "/v1/orders/O-1001/cancel", "{\"reason\": \"late\"}", 409,
          "conflict", "", "a partly shipped order cannot be cancelled");
  refused("POST", "/v1/orders/O-1013/cancel", "{}", 400, "invalid", "reason",
          "required");
  want = on_twin(0, cancel);
  same_as_cli("POST", "/v1/orders/O-1013/cancel",
              "{\"reason\": \"customer withdrew the order\"}", want);
  free(want);
  shown = show_order("O-1013");
  ck_assert_msg(strstr(shown, "\"state\": \"cancelled\""), "%s", shown);
  free(shown);
  refused("POST", "/v1/orders/O-1013/cancel", "{\"reason\": \"again\"}", 409,
          "conflict", "", "it cannot be cancelled");
  bearer = tok_read;
  refused("POST", "/v1/orders/O-1002/cancel", "{\"reason\": \"x\"}", 403,
          "forbidden", "", "(role read) may not");
  refused("POST", "/v1/orders/O-1002/ship", NULL, 403, "forbidden", "",
          "(role read) may not");
  bearer = tok_submit;
}
END_TEST

/* POST /v1/screen: `chipgate screen NAME --format json`'s object; a
 * submit or review token may screen, a read token may not. */
START_TEST(test_screen)
{
  const char *cli[] = { "screen",      "Sophgo Technologies Ltd.",
                        "--country",   "cn",
                        "--threshold", "0.8",
                        "--limit",     "3",
                        "--format",    "json",
                        NULL };
  const char *none[] = { "screen", "Nordic AI Cloud", "--format", "json",
                         NULL };
  char *want = NULL;

  ck_assert_int_eq(t_run(db_path, &want, NULL, cli), 10);
  /* the name of a customer: named for the clear hint */
  ck_assert_msg(strstr(want, "\"entry_id\"") &&
                    strstr(want, "\"customer\": \"Sophgo Technologies "
                                 "Ltd.\""),
                "%s", want);
  same_as_cli("POST", "/v1/screen",
              "{\"name\": \"Sophgo Technologies Ltd.\", \"country\": \"cn\", "
              "\"threshold\": 0.8, \"limit\": 3}",
              want);
  free(want);
  ck_assert_int_eq(t_run(db_path, &want, NULL, none), 0);
  bearer = tok_review;
  same_as_cli("POST", "/v1/screen", "{\"name\": \"Nordic AI Cloud\"}", want);
  free(want);
  refused("POST", "/v1/screen", "{\"country\": \"CN\"}", 400, "invalid",
          "name", "required");
  refused("POST", "/v1/screen", "{\"name\": \"x\", \"country\": \"XX\"}", 400,
          "invalid", "country", NULL);
  refused("POST", "/v1/screen", "{\"name\": \"x\", \"country\": \"China\"}",
          400, "invalid", "country", "alpha-2");
  refused("POST", "/v1/screen", "{\"name\": \"x\", \"threshold\": 1.5}", 400,
          "invalid", "threshold", "from 0 to 1");
  refused("POST", "/v1/screen", "{\"name\": \"x\", \"limit\": 1001}", 400,
          "invalid", "limit", "from 1 to 1000");
  refused("POST", "/v1/screen", "{\"name\": \"x\", \"fuzzy\": true}", 400,
          "invalid", "fuzzy", "not a member");
  refused("POST", "/v1/screen", "{\"name\": \"Sophgo \xc3\x28\"}", 400,
          "invalid", "name", "not valid UTF-8 (byte 18)");
  bearer = tok_read;
  refused("POST", "/v1/screen", "{\"name\": \"x\"}", 403, "forbidden", "",
          "(role read) may not");
  bearer = tok_submit;
}
END_TEST

/* doc without its "seconds" (the one member two runs may not share), in
 * canonical form. */
static char *untimed(const char *doc, const char *member)
{
  cg_json *v = NULL, *o;
  cg_error err = { 0 };
  char *s = NULL;

  ck_assert_msg(cg_json_parse(&v, doc, strlen(doc), "doc", &err) == CG_OK,
                "not JSON: %s", doc);
  o = member ? cg_json_get(v, member) : v;
  ck_assert_ptr_nonnull(cg_json_get(o, "seconds"));
  ck_assert_int_eq(cg_json_set(o, "seconds", cg_json_null()), CG_OK);
  ck_assert_int_eq(cg_json_dump(&s, o, CG_JSON_CANONICAL, &err), CG_OK);
  cg_json_free(v);
  return s;
}

/* GET /v1/audit/verify: `audit verify --format json`'s object (but for
 * its time), 200 intact, 409 "tampered" once an entry is rewritten. */
START_TEST(test_audit_verify)
{
  const char *verify[] = { "audit", "verify", "--format", "json", NULL };
  const char *head[] = { "audit", "head", NULL };
  char *out = NULL, *body = NULL, *a, *b, *code, path[256];

  bearer = tok_read;
  ck_assert_int_eq(t_run(db_path, &out, NULL, head), 0);
  out[strcspn(out, "\n")] = '\0';
  snprintf(path, sizeof(path), "/v1/audit/verify?anchor=%s", out);
  free(out);
  ck_assert_int_eq(t_run(db_path, &out, NULL, verify), 0);
  ck_assert_int_eq(http("GET", "/v1/audit/verify", NULL, &body), 200);
  a = untimed(out, NULL);
  b = untimed(body, NULL);
  ck_assert_str_eq(b, a);
  ck_assert_msg(strstr(b, "\"intact\":true"), "%s", b);
  free(a);
  free(b);
  free(out);
  free(body);
  ck_assert_int_eq(http("GET", path, NULL, &body), 200);
  ck_assert_msg(strstr(body, "\"anchor\": \"41:"), "%s", body);
  free(body);
  refused("GET", "/v1/audit/verify?anchor=41:abc", NULL, 400, "invalid",
          "anchor", "expected SEQ:HASH");
  /* the log's newest entries removed: the anchor is missing */
  refused("GET",
          "/v1/audit/verify?anchor=99:"
          "0000000000000000000000000000000000000000000000000000000000000000",
          NULL, 409, "tampered", "", "entry 99 is missing");
  free(t_sql(db_path, "DROP TRIGGER decisions_no_update; UPDATE decisions "
                      "SET doc = replace(doc, '\"decision\":\"deny\"', "
                      "'\"decision\":\"nlr\"') WHERE seq = 14;"));
  ck_assert_int_eq(t_run(db_path, &out, NULL, verify), 65);
  ck_assert_int_eq(http("GET", "/v1/audit/verify", NULL, &body), 409);
  code = t_error_member(body, "code");
  ck_assert_str_eq(code, "tampered");
  ck_assert_msg(strstr(body, "decision 14 (order O-1014)"), "%s", body);
  a = untimed(out, NULL);
  b = untimed(body, "verify");
  ck_assert_str_eq(b, a);
  ck_assert_msg(strstr(b, "\"bad_seq\":14"), "%s", b);
  free(a);
  free(b);
  free(code);
  free(out);
  free(body);
  bearer = NULL;
  refused("GET", "/v1/audit/verify", NULL, 401, "unauthorized", "", NULL);
  bearer = tok_submit;
}
END_TEST

/* Bad input to every action route: the right 4xx naming the field, never
 * a 500, nothing written. */
START_TEST(test_actions_bad_input)
{
  static const char *const paths[] = {
    "/v1/orders/O-1016/review",
    "/v1/orders/O-1015/nac",
    "/v1/orders/O-1001/ship",
    "/v1/orders/O-1013/cancel",
    "/v1/screen",
  };
  size_t i;

  bearer = tok_review;
  for(i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    refused("POST", paths[i], "{\"reason\": ", 400, "invalid_json", "",
            "body:1:");
    refused("POST", paths[i], "[\"reason\"]", 400, "invalid", "",
            "must be a JSON object");
    refused("POST", paths[i], "{\"reason\": \"x\", \"reason\": \"y\"}", 400,
            "invalid_json", "", "duplicate");
    refused("POST", paths[i], "{\"reason\": \"\xff\"}", 400, "invalid",
            "reason", "not valid UTF-8");
    refused("POST", paths[i], "{\"\xff\": 1}", 400, "invalid", "",
            "not valid UTF-8");
    refused("POST", paths[i], "{\"colour\": \"red\"}", 400, "invalid",
            "colour", "not a member of this request");
    refused("GET", paths[i], NULL, 405, "method_not_allowed", "", NULL);
  }
  /* ship alone takes no body (the rest, today); the others need one */
  for(i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
    if(!strstr(paths[i], "/ship"))
      refused("POST", paths[i], NULL, 400, "invalid", "", "needs a JSON body");
  refused("POST", "/v1/orders/%FF/cancel", "{\"reason\": \"x\"}", 400,
          "invalid", "id", "not valid UTF-8");
  refused("POST", "/v1/orders/..%2F..%2Fetc%2Fpasswd/cancel",
          "{\"reason\": \"x\"}", 404, "not_found", "", NULL);
  refused("POST", "/v1/orders/O-1013/cancel/now", "{\"reason\": \"x\"}", 404,
          "not_found", "", NULL);
  bearer = tok_submit;
}
END_TEST

/* POST /v1/orders: stored and decided in the request; the same body is
 * the same answer with nothing new recorded; another body for a known id
 * is 409 and a bad item 400, each writing nothing; a read token may not
 * submit. /metrics then counts what was decided. */
START_TEST(test_orders_submit_and_metrics)
{
  const char *one = "{\"order_id\": \"API-1\", \"customer\": \"Nordic AI "
                    "Cloud AB\", \"chip\": \"NVIDIA H100 SXM5 80GB\", "
                    "\"destination\": \"se\", \"quantity\": 8, "
                    "\"ship_date\": \"2026-11-20\"}";
  const char *other = "{\"order_id\": \"API-1\", \"customer\": \"Nordic "
                      "AI Cloud AB\", \"chip\": \"NVIDIA H100 SXM5 80GB\", "
                      "\"destination\": \"SE\", \"quantity\": 9, "
                      "\"ship_date\": \"2026-11-20\"}";
  const char *pair = "[{\"order_id\": \"API-2\", \"customer\": \"Nordic AI "
                     "Cloud AB\", \"chip\": \"NVIDIA H100 SXM5 80GB\", "
                     "\"destination\": \"SE\", \"quantity\": 1, "
                     "\"ship_date\": \"2026-11-20\"}, {\"order_id\": "
                     "\"API-3\", \"quantity\": \"x\"}]";
  char *first = NULL, *again = NULL, *body = NULL, *before, *after, *field;

  bearer = tok_submit;
  ck_assert_int_eq(http("POST", "/v1/orders", one, &first), 200);
  ck_assert_msg(strstr(first, "\"order_id\":\"API-1\"") &&
                    strstr(first, "\"decision\":\"nlr\""),
                "%s", first);
  t_expect_sql(db_path, "API-1",
               "SELECT state FROM orders WHERE order_id "
               "= 'API-1'",
               "releasable");
  before = t_db_dump(db_path);
  ck_assert_int_eq(http("POST", "/v1/orders", one, &again), 200);
  ck_assert_str_eq(again, first);
  ck_assert_int_eq(http("POST", "/v1/orders", other, &body), 409);
  free(body);
  ck_assert_int_eq(http("POST", "/v1/orders", pair, &body), 400);
  field = t_error_member(body, "field");
  ck_assert_str_eq(field, "customer"); /* API-3 has none */
  free(field);
  free(body);
  bearer = tok_read;
  ck_assert_int_eq(http("POST", "/v1/orders", one, &body), 403);
  free(body);
  after = t_db_dump(db_path);
  ck_assert_msg(!strcmp(before, after), "a repeat or a refusal wrote");
  free(before);
  free(after);
  t_check_ledger(db_path, "after POST /v1/orders");
  ck_assert_int_eq(http("GET", "/metrics", NULL, &body), 200);
  ck_assert_msg(
      strstr(body, "chipgate_decisions_total{outcome=\"nlr\"} 1\n") &&
          strstr(body, "chipgate_http_request_duration_seconds_"
                       "count{method=\"POST\",route=\"/v1/orders\"} 5\n") &&
          strstr(body, "chipgate_list_age_seconds{source=\"csl\"}"),
      "%s", body);
  free(body);
  /* an id that is not UTF-8 is named, not a 500 */
  ck_assert_int_eq(http("GET", "/v1/orders/%FF", NULL, &body), 400);
  field = t_error_member(body, "field");
  ck_assert_str_eq(field, "id");
  free(field);
  free(body);
  ck_assert_int_eq(http("GET", "/v1/orders?customer=%FF", NULL, &body), 400);
  free(body);
  free(first);
  free(again);
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
  tcase_add_test(tc, test_orders_submit_and_metrics);
  tcase_add_test(tc, test_tokens_and_roles);
  tcase_add_test(tc, test_orders_read);
  tcase_add_test(tc, test_check_same_bytes_as_cli);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_body_too_large);
  tcase_add_test(tc, test_review);
  tcase_add_test(tc, test_nac);
  tcase_add_test(tc, test_ship_and_cancel);
  tcase_add_test(tc, test_screen);
  tcase_add_test(tc, test_audit_verify);
  tcase_add_test(tc, test_actions_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return t_run_suite(suite());
}
