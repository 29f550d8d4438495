/* check_http.c -- the http module against a real loopback server. */
#include "helpers.h"
#include "core/http.h"
#include "net/netserver.h"

#include <stdlib.h>
#include <string.h>

static t_server srv;

static void setup(void)
{
  t_server_start(&srv, NULL);
}

static void teardown(void)
{
  t_server_stop(&srv);
  t_tmp_cleanup();
}

/* GET url with opts (NULL = defaults); returns the status code. */
static int get(const cg_http_opts *o, const char *url,
               const cg_http_cond *cond, cg_http_response *resp, cg_error *err)
{
  cg_http *h = NULL;
  int rc = cg_http_open(&h, o, err);

  ck_assert_cg_ok(rc, err);
  rc = cg_http_get(h, url, cond, resp, err);
  cg_http_close(h);
  return rc;
}

START_TEST(test_get_etag_then_304)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  cg_http_cond cond = { 0 };
  char *etag, *lm;
  int rc;

  t_write("list.csv", "name\nacme\n");
  rc = get(NULL, t_url(&srv, "/files/list.csv"), NULL, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 200);
  ck_assert_uint_eq(r.len, 10);
  ck_assert_str_eq(r.body, "name\nacme\n");
  ck_assert_ptr_nonnull(r.etag);
  ck_assert_ptr_nonnull(r.last_modified);
  etag = strdup(r.etag);
  lm = strdup(r.last_modified);
  cg_http_response_free(&r);

  cond.if_none_match = etag;
  rc = get(NULL, t_url(&srv, "/files/list.csv"), &cond, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 304);
  ck_assert_uint_eq(r.len, 0);
  cg_http_response_free(&r);

  cond.if_none_match = NULL;
  cond.if_modified_since = lm;
  rc = get(NULL, t_url(&srv, "/files/list.csv"), &cond, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 304);
  cg_http_response_free(&r);
  free(etag);
  free(lm);
}
END_TEST

START_TEST(test_http_error_is_a_status)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  int rc = get(NULL, t_url(&srv, "/status/500"), NULL, &r, &err);

  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 500);
  cg_http_response_free(&r);

  rc = get(NULL, t_url(&srv, "/status/503"), NULL, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 503);
  ck_assert_int_eq(r.retry_after_s, 120);
  cg_http_response_free(&r);
}
END_TEST

START_TEST(test_connection_refused)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  char url[64];
  int rc;

  snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", t_dead_port());
  rc = get(NULL, url, NULL, &r, &err);
  ck_assert_int_eq(rc, CG_ENET);
  ck_assert_msg(strstr(err.msg, "127.0.0.1") != NULL, "msg: %s", err.msg);
  ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(test_reset_mid_body)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  int rc = get(NULL, t_url(&srv, "/reset"), NULL, &r, &err);

  ck_assert_int_eq(rc, CG_ENET);
  ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(test_truncated_body)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  int rc = get(NULL, t_url(&srv, "/truncated"), NULL, &r, &err);

  ck_assert_int_eq(rc, CG_ENET);
  ck_assert_ptr_null(r.body);
  ck_assert_msg(strstr(err.msg, "ransfer closed") ||
                    strstr(err.msg, "truncated"),
                "msg: %s", err.msg);
}
END_TEST

START_TEST(test_timeout)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  cg_http_opts o = CG_HTTP_OPTS_INIT;
  int rc;

  o.timeout_ms = 500;
  rc = get(&o, t_url(&srv, "/slow"), NULL, &r, &err);
  ck_assert_int_eq(rc, CG_ENET);
  ck_assert_msg(strstr(err.msg, "imeout") || strstr(err.msg, "timed out"),
                "msg: %s", err.msg);
}
END_TEST

START_TEST(test_size_cap)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  cg_http_opts o = CG_HTTP_OPTS_INIT;
  int rc;

  o.max_bytes = 100000;
  rc = get(&o, t_url(&srv, "/big?n=100000"), NULL, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_uint_eq(r.len, 100000);
  cg_http_response_free(&r);

  /* Over the cap is not "try again later": retrying gives the same. */
  rc = get(&o, t_url(&srv, "/big?n=100001"), NULL, &r, &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "cap") != NULL, "msg: %s", err.msg);

  rc = get(&o, t_url(&srv, "/bigchunked?n=1000000"), NULL, &r, &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "cap") != NULL, "msg: %s", err.msg);
  ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(test_url_policy)
{
  cg_error err = { 0 };

  ck_assert_int_eq(cg_http_check_url("https://example.com/x", 0, &err), CG_OK);
  ck_assert_int_eq(cg_http_check_url("http://localhost:1/x", 0, &err), CG_OK);
  ck_assert_int_eq(cg_http_check_url("http://127.0.0.5/x", 0, &err), CG_OK);
  ck_assert_int_eq(cg_http_check_url("http://[::1]:8/x", 0, &err), CG_OK);
  ck_assert_int_eq(cg_http_check_url("http://example.com/x", 0, &err),
                   CG_EUSAGE);
  ck_assert_msg(strstr(err.msg, "--allow-http") != NULL, "%s", err.msg);
  ck_assert_int_eq(cg_http_check_url("http://127.0.0.1.evil.com/", 0, &err),
                   CG_EUSAGE);
  ck_assert_int_eq(cg_http_check_url("http://example.com/x", 1, &err), CG_OK);
  ck_assert_int_eq(cg_http_check_url("ftp://example.com/x", 1, &err),
                   CG_EUSAGE);
  ck_assert_int_eq(cg_http_check_url("file:///etc/passwd", 1, &err),
                   CG_EUSAGE);
  ck_assert_int_eq(cg_http_check_url("not a url", 1, &err), CG_EUSAGE);
}
END_TEST

/* Credentials never reach a message: user:password@ becomes ***@. */
START_TEST(test_redact)
{
  static const char *const cases[][2] = {
    { "https://u:p@h.example/x", "https://***@h.example/x" },
    { "http://u@127.0.0.1:8/x", "http://***@127.0.0.1:8/x" },
    { "https://u:p@ss@h.example", "https://***@h.example" },
    { "https://h.example/a@b?c=d@e", "https://h.example/a@b?c=d@e" },
    { "https://h.example?u=a@b", "https://h.example?u=a@b" },
    { "not a url", "not a url" },
    { "https://h.example/l?api_key=hunter2pw&format=csv",
      "https://h.example/l?api_key=***&format=csv" },
    { "http://a:pw@127.0.0.1:8/404?token=hunter2pw",
      "http://***@127.0.0.1:8/404?token=***" },
    { "https://h/x?a=1&Signature=abcdefgh#frag",
      "https://h/x?a=1&Signature=***#frag" },
  };
  char buf[256], tiny[8];
  cg_error err = { 0 };

  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    ck_assert_str_eq(cg_http_redact(cases[i][0], buf, sizeof(buf)),
                     cases[i][1]);
  ck_assert_str_eq(cg_http_redact("https://u:p@h", tiny, sizeof(tiny)),
                   "https:/");
  ck_assert_int_eq(cg_http_check_url("ftp://u:s3cret@h/x", 0, &err),
                   CG_EUSAGE);
  ck_assert_msg(!strstr(err.msg, "s3cret"), "%s", err.msg);
}
END_TEST

START_TEST(test_redirects)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  char path[512];
  int rc;

  t_write("a.csv", "a\n");
  snprintf(path, sizeof(path), "/redirect?to=%s", t_url(&srv, "/files/a.csv"));
  rc = get(NULL, t_url(&srv, path), NULL, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 200);
  ck_assert_str_eq(r.body, "a\n");
  cg_http_response_free(&r);

  /* Refused before it is followed: a redirect the policy refuses is the
   * server's answer, not a passing failure. */
  rc = get(NULL, t_url(&srv, "/redirect?to=file:///etc/passwd"), NULL, &r,
           &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  ck_assert_msg(strstr(err.msg, "file:///etc/passwd") != NULL, "%s", err.msg);
  ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(test_post_headers)
{
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  cg_http *h = NULL;
  const char *hdrs[] = { "Content-Type: application/json", NULL };
  int rc;

  ck_assert_cg_ok(cg_http_open(&h, NULL, &err), &err);
  rc = cg_http_post(h, t_url(&srv, "/gone"), hdrs, "{}", 2, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 410);
  cg_http_response_free(&r);
  /* The same client again (keep-alive). */
  rc = cg_http_post(h, t_url(&srv, "/busy"), hdrs, "{}", 2, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 503);
  ck_assert_int_eq(r.retry_after_s, 120);
  cg_http_response_free(&r);
  cg_http_close(h);
}
END_TEST

START_TEST(test_https_self_signed)
{
  const char *cert, *key;
  const char *args[] = { "--cert", NULL, "--key", NULL, NULL };
  cg_error err = { 0 };
  cg_http_response r = { 0 };
  cg_http_opts o = CG_HTTP_OPTS_INIT;
  t_server tls;
  int rc;

  t_make_cert(&cert, &key);
  args[1] = cert;
  args[3] = key;
  t_write("l.csv", "x\n");
  t_server_start(&tls, args);
  rc = get(NULL, t_url(&tls, "/files/l.csv"), NULL, &r, &err);
  ck_assert_int_eq(rc, CG_ENET);
  ck_assert_msg(strstr(err.msg, "certificate") != NULL, "msg: %s", err.msg);

  o.cacert = cert;
  rc = get(&o, t_url(&tls, "/files/l.csv"), NULL, &r, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(r.status, 200);
  ck_assert_str_eq(r.body, "x\n");
  cg_http_response_free(&r);
  t_server_stop(&tls);
}
END_TEST

static Suite *http_suite(void)
{
  Suite *s = suite_create("http");
  TCase *tc = tcase_create("loopback");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_get_etag_then_304);
  tcase_add_test(tc, test_http_error_is_a_status);
  tcase_add_test(tc, test_connection_refused);
  tcase_add_test(tc, test_reset_mid_body);
  tcase_add_test(tc, test_truncated_body);
  tcase_add_test(tc, test_timeout);
  tcase_add_test(tc, test_size_cap);
  tcase_add_test(tc, test_url_policy);
  tcase_add_test(tc, test_redact);
  tcase_add_test(tc, test_redirects);
  tcase_add_test(tc, test_post_headers);
  tcase_add_test(tc, test_https_self_signed);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(http_suite());
  int failed;

  cg_http_global_init();
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  cg_http_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
