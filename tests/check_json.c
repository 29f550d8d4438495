/* check_json.c -- the JSON door: parse errors name the document, line
 * and column; numbers keep their kind and value; strings are escaped on
 * the way out and checked on the way in; the canonical form is stable. */
#include "helpers.h"
#include "core/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses text and expects CG_EINVAL with a message starting with want. */
static void bad(const char *text, const char *want)
{
  size_t len = strlen(text);
  cg_json *v = NULL;
  cg_error err = { 0 };

  ck_assert_int_eq(cg_json_parse(&v, text, len, "doc.json", &err), CG_EINVAL);
  ck_assert_ptr_null(v);
  ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s: got %s", want,
                err.msg);
}

static cg_json *good(const char *text)
{
  cg_json *v = NULL;
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_json_parse(&v, text, strlen(text), "doc.json", &err),
                  &err);
  return v;
}

/* v written with flags, compared with want; frees v. */
static void dumps_as(cg_json *v, int flags, const char *want)
{
  cg_error err = { 0 };
  char *s = NULL;

  ck_assert_cg_ok(cg_json_dump(&s, v, flags, &err), &err);
  ck_assert_str_eq(s, want);
  free(s);
  cg_json_free(v);
}

START_TEST(test_parse_errors_name_position)
{
  /* Line and 1-based column of the offending character. */
  bad("{\"a\": 1, \"b\": }", "doc.json:1:15: unexpected token");
  bad("{\"a\": 1,\n \"b\": }", "doc.json:2:7: unexpected token");
  bad("[1, 2", "doc.json:1:5: ']' expected");
  bad("", "doc.json:1:0: ");
  bad("[1] [2]", "doc.json:1:5: end of file expected"); /* one document */
  bad("{\"a\": 1, \"a\": 2}", "doc.json:1:12: duplicate object key");
  bad("[01]", "doc.json:1:2: invalid token"); /* no leading zeros */
  bad("[NaN]", "doc.json:1:4: invalid token");
  bad("[1e400]", "doc.json:1:6: real number overflow");
  bad("[\"\xff\"]", "doc.json:1:2: unable to decode byte 0xff");
  bad("[\"a\\u0000b\"]", "doc.json:1:11: \\u0000 is not allowed");
  {
    /* The length is what counts, not a NUL in the buffer. */
    const char nul[] = "[1]\0garbage";
    cg_json *v = good("[1]");
    cg_json *w = NULL;
    cg_error err = { 0 };

    ck_assert_cg_ok(cg_json_parse(&w, nul, 3, "doc.json", &err), &err);
    ck_assert_uint_eq(cg_json_size(w), 1);
    cg_json_free(w);
    cg_json_free(v);
  }
}
END_TEST

START_TEST(test_numbers)
{
  cg_json *v = good("[5000000000, -7, 1e3, 2.5, -0.0, 9223372036854775807,"
                    " 1e-400, \"12\"]");

  ck_assert_int_eq(cg_json_type(cg_json_at(v, 0)), CG_JSON_INT);
  ck_assert(cg_json_number_value(cg_json_at(v, 0)) == 5e9);
  ck_assert(cg_json_number_value(cg_json_at(v, 1)) == -7);
  ck_assert_int_eq(cg_json_type(cg_json_at(v, 2)), CG_JSON_REAL);
  ck_assert(cg_json_number_value(cg_json_at(v, 2)) == 1000);
  ck_assert(cg_json_number_value(cg_json_at(v, 3)) == 2.5);
  ck_assert_int_eq(cg_json_type(cg_json_at(v, 5)), CG_JSON_INT);
  ck_assert(cg_json_number_value(cg_json_at(v, 6)) == 0); /* underflow */
  /* A string is not a number, however it looks. */
  ck_assert(isnan(cg_json_number_value(cg_json_at(v, 7))));
  ck_assert_ptr_null(cg_json_string_value(cg_json_at(v, 0)));
  ck_assert_ptr_null(cg_json_at(v, 8));
  cg_json_free(v);

  /* Written: integers exactly, reals shortly, unknown as null. */
  v = cg_json_array();
  ck_assert_int_eq(cg_json_append(v, cg_json_int(INT64_MAX)), CG_OK);
  ck_assert_int_eq(cg_json_append(v, cg_json_int(-5000000000)), CG_OK);
  ck_assert_int_eq(cg_json_append(v, cg_json_num(0.1)), CG_OK);
  ck_assert_int_eq(cg_json_append(v, cg_json_num(2.5)), CG_OK);
  ck_assert_int_eq(cg_json_append(v, cg_json_num(NAN)), CG_OK);
  ck_assert_int_eq(cg_json_append(v, cg_json_num(INFINITY)), CG_OK);
  ck_assert_int_eq(cg_json_append(v, cg_json_num(1e300)), CG_OK);
  dumps_as(v, 0, "[9223372036854775807,-5000000000,0.1,2.5,null,null,1e300]");
}
END_TEST

START_TEST(test_escaping)
{
  const char s[] = "q\"b\\s/n\nt\t\x01\xc3\xa9\xe2\x82\xac";
  cg_json *v = cg_json_object(), *back;
  cg_error err = { 0 };
  char *out = NULL;

  ck_assert_int_eq(cg_json_set_str(v, "k", s), CG_OK);
  ck_assert_cg_ok(cg_json_dump(&out, v, 0, &err), &err);
  /* Quote, backslash and control characters escaped; UTF-8 kept. */
  ck_assert_str_eq(out, "{\"k\":\"q\\\"b\\\\s/n\\nt\\t\\u0001\xc3\xa9\xe2\x82"
                        "\xac\"}");
  back = good(out);
  ck_assert_str_eq(cg_json_string_value(cg_json_get(back, "k")), s);
  cg_json_free(back);
  free(out);
  cg_json_free(v);
  /* Escapes read back, surrogate pairs included. */
  v = good("[\"\\u00e9\\ud83d\\ude00\\/\"]");
  ck_assert_str_eq(cg_json_string_value(cg_json_at(v, 0)),
                   "\xc3\xa9\xf0\x9f\x98\x80/");
  cg_json_free(v);
  bad("[\"\\ud83d\"]", "doc.json:1:9: invalid Unicode"); /* lone half */
}
END_TEST

START_TEST(test_canonical_and_building)
{
  cg_json *o = cg_json_object(), *a = cg_json_array();
  void *it;

  ck_assert_int_eq(cg_json_set_int(o, "b", 1), CG_OK);
  ck_assert_int_eq(cg_json_set_str(o, "a", NULL), CG_OK); /* null */
  ck_assert_int_eq(cg_json_set(o, "c", cg_json_tristate(-1)), CG_OK);
  ck_assert_int_eq(cg_json_set(o, "d", cg_json_tristate(1)), CG_OK);
  ck_assert_int_eq(cg_json_set_bool(o, "e", 0), CG_OK);
  ck_assert_int_eq(cg_json_append(a, cg_json_str("x")), CG_OK);
  ck_assert_int_eq(cg_json_set(o, "arr", a), CG_OK);
  /* A NULL value (failed constructor) is refused, not stored. */
  ck_assert_int_eq(cg_json_set(o, "f", NULL), CG_ENOMEM);
  ck_assert_int_eq(cg_json_append(a, NULL), CG_ENOMEM);
  ck_assert_uint_eq(cg_json_size(o), 6);
  /* Iteration follows insertion; the canonical form sorts keys. */
  it = cg_json_iter(o, NULL);
  ck_assert_str_eq(cg_json_iter_key(it), "b");
  ck_assert_int_eq(cg_json_type(cg_json_iter_value(it)), CG_JSON_INT);
  it = cg_json_iter(o, it);
  ck_assert_str_eq(cg_json_iter_key(it), "a");
  ck_assert_int_eq(cg_json_type(cg_json_get(o, "a")), CG_JSON_NULL);
  ck_assert(cg_json_is_true(cg_json_get(o, "d")));
  ck_assert(!cg_json_is_true(cg_json_get(o, "e")));
  ck_assert_ptr_null(cg_json_get(o, "zz"));
  cg_json_ref(o);
  dumps_as(o, CG_JSON_CANONICAL,
           "{\"a\":null,\"arr\":[\"x\"],\"b\":1,\"c\":null,\"d\":true,"
           "\"e\":false}");
  /* Still alive: the extra reference. */
  dumps_as(o, 0,
           "{\"b\":1,\"a\":null,\"c\":null,\"d\":true,\"e\":false,"
           "\"arr\":[\"x\"]}");
  cg_json_free(NULL);
}
END_TEST

START_TEST(test_dumpf)
{
  cg_json *v = good("{\"a\": [1, 2]}");
  cg_error err = { 0 };
  char buf[128] = "";
  FILE *f = tmpfile();
  size_t n;

  ck_assert_ptr_nonnull(f);
  ck_assert_cg_ok(cg_json_dumpf(f, v, CG_JSON_PRETTY, &err), &err);
  rewind(f);
  n = fread(buf, 1, sizeof(buf) - 1, f);
  buf[n] = '\0';
  fclose(f);
  ck_assert_str_eq(buf, "{\n  \"a\": [\n    1,\n    2\n  ]\n}");
  cg_json_free(v);
}
END_TEST

static Suite *json_suite(void)
{
  Suite *s = suite_create("json");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, test_parse_errors_name_position);
  tcase_add_test(tc, test_numbers);
  tcase_add_test(tc, test_escaping);
  tcase_add_test(tc, test_canonical_and_building);
  tcase_add_test(tc, test_dumpf);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(json_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
