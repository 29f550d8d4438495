/* bench_report.c -- streams N synthetic decision documents (default
 * 1,000,000; 500 chips, 20,000 customers) through the report writer into
 * all four formats and prints the time and peak RSS. The writer's memory
 * should not grow with N beyond the per-customer/per-chip tallies. Each
 * document is serialised and read back with cg_decision_parse, as
 * `chipgate report` reads the audit log, so the time includes the reader.
 *
 *   bench_report [N] [OUT_DIR]     (OUT_DIR default: /tmp/cg-bench-report) */
#include "../helpers.h"
#include "core/json.h"
#include "report/report.h"
#include "decide/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char *const decisions[] = {
  "nlr", "exception", "licensed", "notify", "hold", "license_required", "deny"
};

static cg_json *make_doc(long i, const cg_workloads *wl, cg_error *err)
{
  cg_json *d = cg_json_object(), *c = cg_json_object(), *p = cg_json_object();
  cg_json *rules = cg_json_array(), *r = cg_json_object();
  cg_workload_est e;
  char id[32], chip[32], cust[32];
  double tpp = 1000 + (double)(i % 500) * 70, pd = 1 + (double)(i % 37);
  int qty = 1 + (int)(i % 1000);

  snprintf(id, sizeof(id), "O-%08ld", i);
  snprintf(chip, sizeof(chip), "Chip %03ld", i % 500);
  snprintf(cust, sizeof(cust), "Customer %05ld", (i * 7919) % 20000);
  cg_json_set_str(d, "order_id", id);
  cg_json_set_str(d, "decision", decisions[i % 7]);
  cg_json_set_str(d, "as_of", "2026-11-26");
  cg_json_set_int(d, "quantity", qty);
  cg_json_set_str(d, "destination", i % 3 ? "CN" : "US");
  cg_json_set_str(c, "name", chip);
  cg_json_set_num(c, "tpp", tpp);
  cg_json_set_num(c, "pd", pd);
  cg_json_set(d, "chip", c);
  cg_json_set_str(p, "name", cust);
  cg_json_set(d, "customer", p);
  cg_json_set_str(r, "id", tpp >= 4800 ? "EAR.3A090.a" : "EAR.3A991.p");
  cg_json_set_str(r, "cite", "15 CFR 774 Supp. 1");
  cg_json_append(rules, r);
  cg_json_set(d, "rules", rules);
  if(cg_workload_estimate_raw(tpp / 16, NAN, tpp, qty, 0.4, wl, &e, err) !=
     CG_OK) {
    cg_json_free(d);
    return NULL;
  }
  cg_json_set(d, "workload", t_workload_json(&e, wl));
  cg_workload_est_clear(&e);
  return d;
}

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 1000000, i;
  const char *dir = argc > 2 ? argv[2] : "/tmp/cg-bench-report";
  cg_error err = { 0 };
  cg_workloads *wl = NULL;
  cg_report *r = NULL;
  cg_report_batch b = { "B-BENCH", "2026-11-26", NULL, NULL, NULL,
                        "0.1.0",   0.4,          NULL, NULL };
  struct timespec t0, t1;
  struct rusage ru;
  cg_json *d;
  cg_decision dn;
  char *text = NULL;
  size_t len = 0;
  int rc;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = cg_workloads_builtin(&wl, &err);
  if(rc == CG_OK)
    rc = cg_report_begin(&r, &b, NULL, &err);
  if(rc == CG_OK)
    rc = cg_report_open_dir(r, dir, getenv("CG_BENCH_FORMATS"), &err);
  for(i = 0; rc == CG_OK && i < n; i++) {
    d = make_doc(i, wl, &err);
    if(!d) {
      rc = CG_ENOMEM;
      break;
    }
    /* As `report` does with the audit log: bytes, read once, added. */
    cg_decision_init(&dn);
    rc = cg_json_dump(&text, d, CG_JSON_CANONICAL, &err);
    cg_json_free(d);
    if(rc == CG_OK) {
      len = strlen(text);
      rc = cg_decision_parse(text, len, &dn, &err);
    }
    if(rc == CG_OK)
      rc = cg_report_add(r, &dn, text, len, &err);
    cg_decision_clear(&dn);
    free(text);
    text = NULL;
  }
  if(rc == CG_OK)
    rc = cg_report_end(r, &err);
  cg_report_free(r);
  cg_workloads_free(wl);
  if(rc != CG_OK) {
    fprintf(stderr, "bench_report: %s\n", err.msg);
    return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  getrusage(RUSAGE_SELF, &ru);
  printf("orders=%ld seconds=%.2f peak_rss_mb=%.1f out=%s\n", n,
         (double)(t1.tv_sec - t0.tv_sec) +
             (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
         (double)ru.ru_maxrss / 1024.0, dir);
  return 0;
}
