/* check_api_clear.c -- the clearance routes of `chipgate serve` over real
 * HTTP on loopback: POST /v1/clearances records a clearance by the
 * token's name as `chipgate screen clear` does, POST
 * /v1/clearances/{id}/revoke revokes it, GET /v1/clearances lists them;
 * every refusal names the field and writes nothing. */
#include "helpers.h"

#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_path[512];
static pid_t server;
static int port;
static char tok_review[64], tok_review2[64], tok_read[64], tok_submit[64];

/* The possible match of Moore Threads in the demo data (an alias of an
 * Entity List entry). */
static char entry[64];

static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };
  const char *scr[] = { "screen", "Moore Threads Technology Co Ltd",
                        "--format", "json", NULL };
  char *out = NULL;
  const char *p;

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  t_token_add(db_path, "Rita Reviewer", "review", tok_review);
  t_token_add(db_path, "Sam Second", "review", tok_review2);
  t_token_add(db_path, "auditor", "read", tok_read);
  t_token_add(db_path, "erp", "submit", tok_submit);
  ck_assert_int_eq(t_run(db_path, &out, NULL, scr), 10); /* a possible match */
  p = strstr(out, "\"entry_id\": \"");
  ck_assert_ptr_nonnull(p);
  p += strlen("\"entry_id\": \"");
  snprintf(entry, sizeof(entry), "%.*s", (int)strcspn(p, "\""), p);
  free(out);
  server = t_serve_start(db_path, NULL, &port);
}

static void teardown(void)
{
  t_serve_stop(server);
  server = 0;
  t_tmp_cleanup();
}

/* METHOD path with token and a JSON body (or NULL); the body answered. */
static int call(const char *method, const char *path, const char *token,
                const char *json, char **body)
{
  char req[4096];
  int n =
      snprintf(req, sizeof(req),
               "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
               "close\r\nAuthorization: Bearer %s\r\nContent-Type: "
               "application/json\r\nContent-Length: %zu\r\n\r\n%s",
               method, path, token, json ? strlen(json) : 0, json ? json : "");

  ck_assert_int_lt(n, (int)sizeof(req));
  return t_http_raw(port, req, (size_t)n, NULL, body);
}

static int clearances(void)
{
  char *n = t_sql(db_path, "SELECT count(*) FROM clearances");
  int v = atoi(n);

  free(n);
  return v;
}

/* A refused request: status, the field named, nothing written. */
static void refused(const char *method, const char *path, const char *token,
                    const char *json, int status, const char *field)
{
  char *body = NULL, *f;
  int before = clearances();

  ck_assert_msg(call(method, path, token, json, &body) == status,
                "%s %s %s: %s", method, path, json ? json : "", body);
  f = t_error_member(body, "field");
  ck_assert_msg(!strcmp(f, field), "%s %s %s: field \"%s\", not \"%s\": %s",
                method, path, json ? json : "", f, field, body);
  free(f);
  free(body);
  ck_assert_int_eq(clearances(), before);
}

START_TEST(test_clear_list_revoke)
{
  char json[512], *body = NULL, path[64];
  cg_json *d = NULL;
  cg_error err = { 0 };
  long long id;

  snprintf(json, sizeof(json),
           "{\"customer\": \"Moore Threads Technology Co Ltd\", \"entry\": "
           "\"%s\", \"reason\": \"different company: registry checked\"}",
           entry);
  ck_assert_int_eq(call("POST", "/v1/clearances", tok_review, json, &body),
                   200);
  ck_assert_int_eq(cg_json_parse(&d, body, strlen(body), "body", &err), CG_OK);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(d, "reviewer")),
                   "Rita Reviewer");
  ck_assert_str_eq(cg_json_string_value(cg_json_get(d, "status")), "in_force");
  ck_assert_int_eq(
      (int)cg_json_number_value(cg_json_get(d, "reviewers_in_force")), 1);
  id = (long long)cg_json_number_value(cg_json_get(d, "id"));
  cg_json_free(d);
  free(body);
  /* the command line sees the same clearance */
  {
    const char *hist[] = { "screen", "history", "--format", "json", NULL };
    char *out = NULL;
    ck_assert_int_eq(t_run(db_path, &out, NULL, hist), 0);
    ck_assert_ptr_nonnull(strstr(out, "different company: registry checked"));
    free(out);
  }
  ck_assert_int_eq(call("GET",
                        "/v1/clearances?customer=Moore%20Threads%20Technology"
                        "%20Co%20Ltd",
                        tok_read, NULL, &body),
                   200);
  ck_assert_ptr_nonnull(strstr(body, "\"reviewer\": \"Rita Reviewer\""));
  free(body);

  /* the same reviewer twice: a conflict; another reviewer: two */
  refused("POST", "/v1/clearances", tok_review, json, 409, "");
  ck_assert_int_eq(call("POST", "/v1/clearances", tok_review2, json, &body),
                   200);
  ck_assert_ptr_nonnull(strstr(body, "\"reviewers_in_force\": 2"));
  free(body);

  /* revoke: once */
  snprintf(path, sizeof(path), "/v1/clearances/%lld/revoke", id);
  ck_assert_int_eq(
      call("POST", path, tok_review, "{\"reason\": \"mistake\"}", &body), 200);
  ck_assert_ptr_nonnull(strstr(body, "\"status\": \"revoked\""));
  ck_assert_ptr_nonnull(strstr(body, "\"revoked_by\": \"Rita Reviewer\""));
  free(body);
  refused("POST", path, tok_review, "{\"reason\": \"again\"}", 409, "");
}
END_TEST

START_TEST(test_refusals)
{
  char json[512];

  snprintf(json, sizeof(json),
           "{\"customer\": \"Moore Threads Technology Co Ltd\", \"entry\": "
           "\"%s\", \"reason\": \"ok\"}",
           entry);
  /* roles: reading and submitting are not clearing */
  refused("POST", "/v1/clearances", tok_read, json, 403, "");
  refused("POST", "/v1/clearances", tok_submit, json, 403, "");
  /* the body */
  refused("POST", "/v1/clearances", tok_review,
          "{\"customer\": \"Nobody Ltd\", \"entry\": \"x\", \"reason\": "
          "\"r\"}",
          404, "customer");
  refused("POST", "/v1/clearances", tok_review,
          "{\"customer\": \"Moore Threads Technology Co Ltd\", \"entry\": "
          "\"nope\", \"reason\": \"r\"}",
          404, "entry");
  snprintf(json, sizeof(json),
           "{\"customer\": \"Moore Threads Technology Co Ltd\", \"entry\": "
           "\"%s\"}",
           entry);
  refused("POST", "/v1/clearances", tok_review, json, 400, "reason");
  snprintf(json, sizeof(json),
           "{\"customer\": \"Moore Threads Technology Co Ltd\", \"entry\": "
           "\"%s\", \"reason\": \"r\", \"reviewer\": \"someone else\"}",
           entry);
  refused("POST", "/v1/clearances", tok_review, json, 400, "reviewer");
  snprintf(json, sizeof(json),
           "{\"customer\": \"Moore Threads Technology Co Ltd\", \"entry\": "
           "\"%s\", \"reason\": \"a\\u202eb\"}",
           entry);
  refused("POST", "/v1/clearances", tok_review, json, 400, "reason");
  refused("POST", "/v1/clearances", tok_review, "[1]", 400, "");
  snprintf(json, sizeof(json),
           "{\"customer\": \"Moore Threads Technology Co Ltd\", \"entry\": "
           "\"%s\", \"reason\": \"line one\\nline two\"}",
           entry);
  refused("POST", "/v1/clearances", tok_review, json, 400, "reason");
  /* the id of a revocation */
  refused("POST", "/v1/clearances/abc/revoke", tok_review,
          "{\"reason\": \"r\"}", 400, "id");
  refused("POST", "/v1/clearances/99999999999999999999/revoke", tok_review,
          "{\"reason\": \"r\"}", 400, "id");
  refused("POST", "/v1/clearances/999/revoke", tok_review,
          "{\"reason\": \"r\"}", 404, "id");
  /* the list's arguments */
  refused("GET", "/v1/clearances?colour=red", tok_read, NULL, 400, "colour");
  refused("GET", "/v1/clearances?customer=Nobody", tok_read, NULL, 400,
          "customer");
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("api_clear");
  TCase *tc = tcase_create("clearances");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_clear_list_revoke);
  tcase_add_test(tc, test_refusals);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return t_run_suite(suite());
}
