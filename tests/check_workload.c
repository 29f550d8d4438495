/* check_workload.c -- workload estimates against hand-computed numbers:
 * 1000 H100 SXM (989.4 TFLOP/s BF16 dense, TPP 15,832) at MFU 0.40,
 * the TPP / 16 fallback, unknown chips, aggregates, the JSON form and the
 * workloads table loaded from the seeded database. */
#include "helpers.h"

#include "model/chip.h"
#include "core/json.h"
#include "model/seed.h"
#include "decide/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cg_workloads *wl;

static void setup(void)
{
  cg_error err = { 0 };
  int rc = cg_workloads_builtin(&wl, &err);
  ck_assert_cg_ok(rc, &err);
}

static void teardown(void)
{
  cg_workloads_free(wl);
  wl = NULL;
  t_tmp_cleanup();
}

/* A hand-made H100 SXM: BF16/FP16 989.4, FP8 1979 dense TFLOP/s. */
static void h100(cg_chip *c)
{
  cg_chip_init(c);
  c->perf[CG_BF16] = 989.4;
  c->perf[CG_FP16] = 989.4;
  c->perf[CG_FP8] = 1979;
  c->perf[CG_INT8] = 1979;
  c->die_area_mm2 = 814;
}

/* The workload object of a decision for quantity chips of c, as the
 * decision writer writes it. */
static int workload_json(cg_json **out, const cg_chip *c, double quantity,
                         const cg_workloads *list, cg_error *err)
{
  cg_workload_est e;
  int rc = cg_workload_estimate(c, quantity, 0.4, list, &e, err);

  *out = NULL;
  if(rc == CG_OK)
    *out = t_workload_json(&e, list);
  cg_workload_est_clear(&e);
  return rc == CG_OK && !*out ? CG_ENOMEM : rc;
}

static size_t find(const char *prefix)
{
  size_t i;

  for(i = 0; i < wl->n; i++)
    if(strncmp(wl->items[i].name, prefix, strlen(prefix)) == 0)
      return i;
  ck_abort_msg("no workload %s", prefix);
  return 0;
}

/* Relative tolerance check. */
#define ck_rel(a, b, tol)                                                     \
  ck_assert_msg(fabs((double)(a) - (double)(b)) <= (tol)*fabs((double)(b)),   \
                "%s = %.10g, want %.10g", #a, (double)(a), (double)(b))

START_TEST(test_h100_thousand)
{
  cg_error err = { 0 };
  cg_workload_est e;
  cg_chip c;
  int rc;

  h100(&c);
  rc = cg_workload_estimate(&c, 1000, 0.4, wl, &e, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(e.basis, CG_PEAK_16BIT);
  ck_rel(e.peak16_chip, 9.894e14, 1e-12);
  ck_rel(e.fp8_chip, 1.979e15, 1e-12);
  ck_rel(e.tpp, 15832, 1e-12);
  ck_rel(e.h100e_chip, 1.0, 1e-12);
  ck_rel(e.h100e, 1000.0, 1e-12);
  ck_rel(e.cluster_peak, 9.894e17, 1e-12);
  ck_rel(e.cluster_eff, 3.9576e17, 1e-12);
  /* 3.9576e17 x 86,400 = 3.4193664e22 FLOP per day. */
  ck_rel(e.flop_30d, 1.02580992e24, 1e-12);
  ck_rel(e.flop_90d, 3.07742976e24, 1e-12);
  ck_rel(e.flop_365d, 1.248068736e25, 1e-12);
  /* GPT-3: 3.14e23 / 3.4193664e22 = 9.1829 days. */
  ck_rel(e.days[find("GPT-3")], 9.18299, 1e-5);
  /* Chinchilla: 5.76e23 / 3.4193664e22 = 16.845 days. */
  ck_rel(e.days[find("Chinchilla")], 16.8452, 1e-5);
  /* Llama 3.1 405B: 3.8e25 / 3.4193664e22 = 1111.3 days. */
  ck_rel(e.days[find("Llama")], 1111.32, 1e-5);
  /* N = sqrt(3.07742976e24 / 120) = 1.60141e11, D = 20 N. */
  ck_rel(e.opt_params_90d, 1.601413e11, 1e-6);
  ck_rel(e.opt_tokens_90d, 3.202826e12, 1e-6);
  /* 1.248e25 < 1e26: the order alone does not reach it in a year. */
  ck_assert_int_eq(e.reaches_1e26, 0);
  ck_rel(e.days_1e26, 2924.52, 1e-5);
  ck_assert_uint_ge(e.n_assume, 5);
  ck_assert_ptr_nonnull(strstr(e.assume[0], "MFU 0.40"));
  cg_workload_est_clear(&e);
  cg_chip_clear(&c);
}
END_TEST

/* A system of 8 H100s: 1,002 systems are 8,016 ICs, past the 8,012.4
 * that reach 1e26 FLOP in a year; 1,001 systems (8,008 ICs) are not. */
START_TEST(test_system_counts_ics)
{
  cg_error err = { 0 };
  cg_workload_est e;
  cg_chip sys;
  size_t i;
  int found = 0;

  cg_chip_init(&sys);
  sys.name = strdup("Test DGX");
  sys.kind = CG_ITEM_SYSTEM;
  sys.ics = 8;
  sys.ic = malloc(sizeof(*sys.ic));
  ck_assert_ptr_nonnull(sys.ic);
  h100(sys.ic);
  sys.ic->name = strdup("Test H100");
  ck_assert_cg_ok(cg_workload_estimate(&sys, 1001, 0.4, wl, &e, &err), &err);
  ck_rel(e.quantity, 8008, 1e-12);
  ck_rel(e.h100e, 8008, 1e-12);
  ck_rel(e.cluster_peak, 8008 * 9.894e14, 1e-12);
  ck_assert_int_eq(e.reaches_1e26, 0);
  for(i = 0; i < e.n_assume; i++)
    if(strstr(e.assume[i], "1001 systems x 8 Test H100 each = 8008 ICs"))
      found = 1;
  ck_assert_msg(found, "no assumption names the ICs per system");
  cg_workload_est_clear(&e);
  ck_assert_cg_ok(cg_workload_estimate(&sys, 1002, 0.4, wl, &e, &err), &err);
  ck_assert_int_eq(e.reaches_1e26, 1);
  cg_workload_est_clear(&e);
  /* A system whose IC is not loaded has no metrics: unknown, not zero. */
  cg_chip_clear(sys.ic);
  free(sys.ic);
  sys.ic = NULL;
  ck_assert_cg_ok(cg_workload_estimate(&sys, 10, 0.4, wl, &e, &err), &err);
  ck_assert_int_eq(e.basis, CG_PEAK_UNKNOWN);
  cg_workload_est_clear(&e);
  cg_chip_clear(&sys);
}
END_TEST

START_TEST(test_reaches_1e26)
{
  cg_error err = { 0 };
  cg_workload_est e;
  cg_chip c;
  int rc;

  /* 1e26 / (365 x 86,400 x 989.4e12 x 0.4) = 8012.4 chips. */
  h100(&c);
  rc = cg_workload_estimate(&c, 8012, 0.4, wl, &e, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(e.reaches_1e26, 0);
  cg_workload_est_clear(&e);
  rc = cg_workload_estimate(&c, 8013, 0.4, wl, &e, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(e.reaches_1e26, 1);
  ck_assert(e.days_1e26 <= 365.0);
  cg_workload_est_clear(&e);
  cg_chip_clear(&c);
}
END_TEST

START_TEST(test_default_mfu_and_bad_input)
{
  cg_error err = { 0 };
  cg_workload_est e;
  cg_chip c;
  int rc;

  h100(&c);
  rc = cg_workload_estimate(&c, 10, 0, wl, &e, &err);
  ck_assert_cg_ok(rc, &err);
  ck_rel(e.mfu, CG_MFU_DEFAULT, 1e-12);
  cg_workload_est_clear(&e);
  rc = cg_workload_estimate(&c, 10, 1.5, wl, &e, &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  rc = cg_workload_estimate(&c, -1, 0.4, wl, &e, &err);
  ck_assert_int_eq(rc, CG_EINVAL);
  cg_chip_clear(&c);
}
END_TEST

START_TEST(test_tpp_fallback)
{
  cg_error err = { 0 };
  cg_workload_est e;
  cg_chip c;
  size_t i;
  int rc, said = 0;

  /* Only INT8 624 TOP/s known: TPP 4992, 16-bit-equivalent 312 TFLOP/s. */
  cg_chip_init(&c);
  c.perf[CG_INT8] = 624;
  rc = cg_workload_estimate(&c, 100, 0.4, wl, &e, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_int_eq(e.basis, CG_PEAK_TPP16);
  ck_rel(e.peak16_chip, 3.12e14, 1e-12);
  ck_rel(e.cluster_eff, 1.248e16, 1e-12);
  ck_rel(e.h100e, 100 * 4992 / 15832.0, 1e-12);
  ck_assert(isnan(e.fp8_chip));
  for(i = 0; i < e.n_assume; i++)
    if(strstr(e.assume[i], "TPP / 16"))
      said = 1;
  ck_assert_msg(said, "the fallback is not stated in the assumptions");
  cg_workload_est_clear(&e);
  cg_chip_clear(&c);
}
END_TEST

START_TEST(test_unknown_chip)
{
  cg_error err = { 0 };
  cg_json *j = NULL;
  cg_chip c;
  char *s = NULL;
  int rc;

  cg_chip_init(&c);
  rc = workload_json(&j, &c, 100, wl, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert(!cg_json_is_true(cg_json_get(j, "known")));
  ck_assert_int_eq(cg_json_type(cg_json_get(j, "cluster_peak_flops")),
                   CG_JSON_NULL);
  ck_assert_int_eq(cg_json_type(cg_json_get(j, "reaches_1e26_365d")),
                   CG_JSON_NULL);
  ck_assert_int_eq(cg_json_type(cg_json_get(
                       cg_json_at(cg_json_get(j, "workloads"), 0), "days")),
                   CG_JSON_NULL);
  rc = cg_json_dump(&s, j, CG_JSON_CANONICAL, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_ptr_nonnull(strstr(s, "no estimate is possible"));
  free(s);
  cg_json_free(j);
  cg_chip_clear(&c);
}
END_TEST

START_TEST(test_json_fields)
{
  cg_error err = { 0 };
  cg_json *j = NULL, *w;
  cg_chip c;
  size_t i, gpt3 = find("GPT-3");
  int rc;

  h100(&c);
  rc = workload_json(&j, &c, 1000, wl, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert(cg_json_is_true(cg_json_get(j, "known")));
  ck_assert_str_eq(cg_json_string_value(cg_json_get(j, "basis")), "bf16/fp16");
  ck_rel(cg_json_number_value(cg_json_get(j, "cluster_effective_flops")),
         3.9576e17, 1e-12);
  ck_rel(cg_json_number_value(cg_json_get(j, "h100e")), 1000, 1e-12);
  ck_rel(cg_json_number_value(cg_json_get(j, "fp8_flops_per_chip")), 1.979e15,
         1e-12);
  ck_assert_int_eq(cg_json_type(cg_json_get(j, "reaches_1e26_365d")),
                   CG_JSON_BOOL);
  w = cg_json_get(j, "workloads");
  ck_assert_uint_eq(cg_json_size(w), wl->n);
  ck_assert_str_eq(
      cg_json_string_value(cg_json_get(cg_json_at(w, gpt3), "source")),
      "Brown et al. 2020");
  ck_rel(cg_json_number_value(cg_json_get(cg_json_at(w, gpt3), "days")),
         9.18299, 1e-5);
  ck_assert_uint_ge(cg_json_size(cg_json_get(j, "assumptions")), 5);
  for(i = 0; i < cg_json_size(cg_json_get(j, "assumptions")); i++)
    ck_assert_ptr_nonnull(
        cg_json_string_value(cg_json_at(cg_json_get(j, "assumptions"), i)));
  cg_json_free(j);
  cg_chip_clear(&c);
}
END_TEST

START_TEST(test_sum)
{
  cg_error err = { 0 };
  cg_workload_sum s = CG_WORKLOAD_SUM_INIT;
  cg_workload_est a, b, t, u;
  cg_decision dn;
  cg_chip c, none;
  int rc;

  h100(&c);
  cg_chip_init(&none);
  rc = cg_workload_estimate(&c, 600, 0.4, wl, &a, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_workload_estimate(&c, 400, 0.4, wl, &b, &err);
  ck_assert_cg_ok(rc, &err);
  cg_workload_sum_add(&s, &a);
  /* The same order again, as a recorded decision carries it. */
  cg_decision_init(&dn);
  rc = cg_workload_to_decision(&b, wl, &dn, &err);
  ck_assert_cg_ok(rc, &err);
  cg_workload_sum_add_decision(&s, &dn.workload);
  cg_decision_clear(&dn);
  rc = cg_workload_estimate(&none, 50, 0.4, wl, &u, &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_workload_to_decision(&u, wl, &dn, &err);
  ck_assert_cg_ok(rc, &err);
  cg_workload_sum_add_decision(&s, &dn.workload);
  cg_workload_sum_add_decision(&s, NULL);
  ck_assert_uint_eq(s.orders, 4);
  ck_assert_uint_eq(s.unknown, 2);
  ck_rel(s.quantity, 1000, 1e-12);
  ck_rel(s.h100e, 1000, 1e-12);
  rc = cg_workload_sum_estimate(&s, 0.4, wl, &t, &err);
  ck_assert_cg_ok(rc, &err);
  ck_rel(t.cluster_eff, 3.9576e17, 1e-12);
  ck_rel(t.days[find("GPT-3")], 9.18299, 1e-5);
  ck_assert_int_eq(t.reaches_1e26, 0);
  cg_workload_est_clear(&a);
  cg_workload_est_clear(&b);
  cg_workload_est_clear(&t);
  cg_workload_est_clear(&u);
  cg_decision_clear(&dn);
  cg_chip_clear(&c);
  cg_chip_clear(&none);
}
END_TEST

START_TEST(test_load_from_db)
{
  cg_error err = { 0 };
  cg_workloads *dbwl = NULL;
  cg_store *db = t_db("wl.db");
  size_t i;
  int rc;

  rc = cg_seed_load(db, t_src("db/seed"), &err);
  ck_assert_cg_ok(rc, &err);
  rc = cg_workloads_load(db, &dbwl, &err);
  ck_assert_cg_ok(rc, &err);
  ck_assert_uint_eq(dbwl->n, 6);
  for(i = 1; i < dbwl->n; i++)
    ck_assert(dbwl->items[i - 1].flop <= dbwl->items[i].flop);
  ck_rel(dbwl->items[dbwl->n - 1].flop, 1e26, 1e-12);
  ck_assert_str_eq(dbwl->items[dbwl->n - 1].source, "90 FR 4544");
  /* The built-in table matches the seed. */
  ck_assert_uint_eq(dbwl->n, wl->n);
  for(i = 0; i < wl->n; i++) {
    ck_assert_str_eq(dbwl->items[i].name, wl->items[i].name);
    ck_rel(dbwl->items[i].flop, wl->items[i].flop, 1e-12);
  }
  cg_workloads_free(dbwl);
  cg_store_close(db);
}
END_TEST

static Suite *workload_suite(void)
{
  Suite *s = suite_create("workload");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_h100_thousand);
  tcase_add_test(tc, test_reaches_1e26);
  tcase_add_test(tc, test_default_mfu_and_bad_input);
  tcase_add_test(tc, test_tpp_fallback);
  tcase_add_test(tc, test_unknown_chip);
  tcase_add_test(tc, test_json_fields);
  tcase_add_test(tc, test_sum);
  tcase_add_test(tc, test_system_counts_ics);
  tcase_add_test(tc, test_load_from_db);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(workload_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
