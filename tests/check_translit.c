/* check_translit.c -- the ICU door (core/translit.h): Latin for names in
 * other scripts, the generated Han table and its syllables. */
#include "helpers.h"

#include "core/translit.h"

#include <stdlib.h>
#include <string.h>

static void latin_is(cg_translit *t, const char *in, const char *want)
{
  cg_error err = { 0 };
  char *out = NULL;

  ck_assert_cg_ok(cg_translit_latin(t, in, &out, &err), &err);
  ck_assert_msg(strcmp(out, want) == 0, "\"%s\" -> \"%s\", want \"%s\"", in,
                out, want);
  free(out);
}

START_TEST(test_scripts)
{
  cg_translit *t = NULL;
  cg_error err = { 0 };

  ck_assert_cg_ok(cg_translit_new(&t, &err), &err);
  /* Han: one toneless syllable per character, spaced. */
  latin_is(t, "华为", " hua  wei ");
  latin_is(t, "華為", " hua  wei "); /* traditional reads the same */
  /* Cyrillic by BGN/PCGN, its soft-sign prime dropped. */
  latin_is(t, "Концерн", "Kontsern");
  latin_is(t, "Яндекс", "Yandeks");
  latin_is(t, "Ельцин", "Yeltsin");
  /* Ukrainian letters choose the Ukrainian BGN table. */
  latin_is(t, "Їжак", "Yizhak");
  /* Greek and Korean through Any-Latin. */
  latin_is(t, "Ελλάδα", "Elláda");
  latin_is(t, "삼성", "samseong");
  /* Latin, digits and punctuation pass unchanged. */
  latin_is(t, "Acme 75 Co., Ltd.", "Acme 75 Co., Ltd.");
  latin_is(t, "", "");
  /* Mixed scripts in one name. */
  latin_is(t, "Huawei 技术 ООО", "Huawei  ji  shu  OOO");
  cg_translit_free(t);
}
END_TEST

START_TEST(test_needed)
{
  ck_assert_int_eq(cg_translit_needed("Sophgo Technologies Co., Ltd."), 0);
  ck_assert_int_eq(cg_translit_needed("Müller Präzision Société"), 0);
  ck_assert_int_eq(cg_translit_needed("«Acme» – 75 №"), 0);
  ck_assert_int_eq(cg_translit_needed("华为"), 1);
  ck_assert_int_eq(cg_translit_needed("Acme ООО"), 1);
  ck_assert_int_eq(cg_translit_needed("شركة"), 1);
}
END_TEST

/* The Han and Cyrillic blocks told without ICU are what ICU says, code
 * point by code point; the Ukrainian letters are Cyrillic to ICU. */
START_TEST(test_script_blocks_as_icu)
{
  int cp, n = 0;

  for(cp = 0x250; cp < 0xA000; cp++) {
    int fast = cg_translit_script_class(cp);
    int icu = cg_translit_script_class_icu(cp);

    if(fast == 1 || fast == 2) {
      ck_assert_msg(fast == icu, "U+%04X: %d, ICU says %d", cp, fast, icu);
      n++;
    }
    else if(fast == 3) {
      ck_assert_int_eq(icu, 2);
    }
    else {
      ck_assert_msg(fast == icu, "U+%04X: %d, ICU says %d", cp, fast, icu);
    }
  }
  /* At least the blocks told without ICU, less the Ukrainian letters. */
  ck_assert_int_ge(n, 0x4DBF - 0x3400 + 1 + 0x9FFF - 0x4E00 + 1 +
                          (0x482 - 0x400 + 1) + (0x52F - 0x48A + 1) - 8);
}
END_TEST

START_TEST(test_han_table)
{
  ck_assert_str_eq(cg_translit_han(0x534E), "hua"); /* 华 */
  ck_assert_str_eq(cg_translit_han(0x5B89), "an");  /* 安 */
  ck_assert_ptr_null(cg_translit_han('A'));
  ck_assert_ptr_null(cg_translit_han(0x0416));  /* Ж */
  ck_assert_ptr_null(cg_translit_han(0x20000)); /* beyond the table */
  ck_assert_int_eq(cg_han_n_syllables > 380, 1);
  ck_assert_int_eq(cg_translit_is_syllable("zhuang", 6), 1);
  ck_assert_int_eq(cg_translit_is_syllable("zhuangx", 6), 1);
  ck_assert_int_eq(cg_translit_is_syllable("zhuangx", 7), 0);
  ck_assert_int_eq(cg_translit_is_syllable("th", 2), 0);
  ck_assert_int_eq(cg_translit_is_syllable("a", 1), 1);
}
END_TEST

START_TEST(test_icu_errors)
{
  cg_error err = { 0 };
  char *out = NULL;

  ck_assert_int_eq(cg_translit_icu("No-Such-Transform", "x", &out, &err),
                   CG_EINTERNAL);
  ck_assert_ptr_null(out);
  ck_assert_ptr_nonnull(strstr(err.msg, "No-Such-Transform"));
  ck_assert_cg_ok(
      cg_translit_icu("Han-Latin; Latin-ASCII", "北京", &out, &err), &err);
  ck_assert_str_eq(out, "bei jing");
  free(out);
}
END_TEST

/* A long name grows through transliteration: no cut, no overflow. */
START_TEST(test_long)
{
  cg_translit *t = NULL;
  cg_error err = { 0 };
  size_t n = 3000, i;
  char *in = malloc(n * 3 + 1), *out = NULL;

  ck_assert_ptr_nonnull(in);
  for(i = 0; i < n; i++)
    memcpy(in + i * 3, "庄", 3); /* zhuang: 3 bytes -> 8 */
  in[n * 3] = '\0';
  ck_assert_cg_ok(cg_translit_new(&t, &err), &err);
  ck_assert_cg_ok(cg_translit_latin(t, in, &out, &err), &err);
  ck_assert_uint_eq(strlen(out), n * 8);
  free(out);
  for(i = 0; i < n; i++)
    memcpy(in + i * 2, "Щ", 2); /* Shch: 2 bytes -> 4 */
  in[n * 2] = '\0';
  ck_assert_cg_ok(cg_translit_latin(t, in, &out, &err), &err);
  ck_assert_uint_eq(strlen(out), n * 4);
  free(out);
  cg_translit_free(t);
  free(in);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("translit");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, test_scripts);
  tcase_add_test(tc, test_needed);
  tcase_add_test(tc, test_han_table);
  tcase_add_test(tc, test_script_blocks_as_icu);
  tcase_add_test(tc, test_icu_errors);
  tcase_add_test(tc, test_long);
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
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
