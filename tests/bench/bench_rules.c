/* bench_rules.c -- decides the real rule pack on 1,000,000 generated
 * fact sets in one process, as decide does (cg_rules_decide, sound under
 * the ~6% of orders with an unknown PD), and prints ns per decision (goal
 * <= 2 us) and how many needed completions.
 *
 * Usage: bench_rules [RULES_DIR] [N]   (default: $CG_SOURCE_DIR/rules,
 * 1000000). Fact generation is timed separately and subtracted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/rules.h"

typedef struct country {
  const char *code;
  unsigned groups;
} country;

static const country countries[] = {
  { "CN", CG_GROUP_D1 | CG_GROUP_D3 | CG_GROUP_D4 | CG_GROUP_D5 },
  { "HK", CG_GROUP_D1 | CG_GROUP_D3 | CG_GROUP_D4 | CG_GROUP_D5 },
  { "MO", CG_GROUP_D1 | CG_GROUP_D3 | CG_GROUP_D4 },
  { "DE", CG_GROUP_A1 | CG_GROUP_A5 },
  { "US", 0 },
  { "SG", CG_GROUP_A6 },
  { "VN", CG_GROUP_D1 },
  { "SA", CG_GROUP_D4 },
  { "IL", CG_GROUP_D4 | CG_GROUP_A6 },
  { "RU", CG_GROUP_D1 | CG_GROUP_D4 | CG_GROUP_D5 },
  { "AE", CG_GROUP_A5 },
  { "JP", CG_GROUP_A1 | CG_GROUP_A5 },
};
#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))

static const char *const names[] = { "H100 SXM",   "A100 SXM", "H20",
                                     "MI308X",     "B200",     "Test chip",
                                     "Ascend 910B" };
static const char *const end_uses[] = { "", "cloud inference",
                                        "national supercomputing centre" };
static const char *const roles[] = { "distributor", "fab", "osat" };
static const char *const packagers[] = { "other", "fab_outside_d5mo",
                                         "approved_osat" };
static const char *const designers[] = { "none", "approved", "authorized" };

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* CPU time of this process: on a shared machine, time spent waiting for
 * a core is not the evaluator's. */
static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fills f with a random but plausible order; ~10% unknown fields. */
static void gen(cg_facts *f, int32_t base_day)
{
  uint64_t r = next_rand(), s = next_rand();
  const country *dest = &countries[r % NCOUNTRIES];
  const country *hq = &countries[(r >> 8) % NCOUNTRIES];
  double tpp = (double)((r >> 16) % 40000);

  cg_facts_init(f);
  cg_facts_set_str(f, CG_F_CHIP_NAME, names[(r >> 24) % 7]);
  cg_facts_set_num(f, CG_F_CHIP_TPP, tpp);
  if((s & 15) != 0)
    cg_facts_set_num(f, CG_F_CHIP_PD, (double)((s >> 4) % 2500) / 100.0);
  cg_facts_set_num(f, CG_F_CHIP_TOPS, tpp / 8);
  cg_facts_set_num(f, CG_F_CHIP_NODE_NM, (double)(3 + (s >> 12) % 30));
  cg_facts_set_bool(f, CG_F_CHIP_NONPLANAR, (s >> 20) & 1);
  cg_facts_set_bool(f, CG_F_CHIP_LOGIC_IC, 1);
  cg_facts_set_bool(f, CG_F_CHIP_DATACENTER, (s >> 21) & 1);
  cg_facts_set_bool(f, CG_F_CHIP_HBM, (s >> 22) & 1);
  cg_facts_set_num(f, CG_F_CHIP_TRANSISTORS, (double)((s >> 24) % 60));
  cg_facts_set_num(f, CG_F_CHIP_DRAM_BW, (double)((s >> 30) % 9000));
  cg_facts_set_country(f, CG_F_DEST, dest->code, dest->groups);
  cg_facts_set_country(f, CG_F_CUSTOMER_HQ, hq->code, hq->groups);
  cg_facts_set_country(f, CG_F_CUSTOMER_PARENT_HQ, hq->code, hq->groups);
  cg_facts_set_bool(f, CG_F_CUSTOMER_LISTED, ((s >> 40) % 50) == 0);
  cg_facts_set_str(f, CG_F_CUSTOMER_LIST_POLICY, "presumption of denial");
  cg_facts_set_str(f, CG_F_CUSTOMER_LIST_FOOTNOTE, "fn4");
  cg_facts_set_bool(f, CG_F_CUSTOMER_SCREEN_HOLD, ((s >> 46) % 100) == 0);
  cg_facts_set_str(f, CG_F_CUSTOMER_DESIGNER, designers[(s >> 50) % 3]);
  cg_facts_set_str(f, CG_F_ORDER_ROLE, roles[(s >> 52) % 3]);
  cg_facts_set_str(f, CG_F_ORDER_PACKAGER, packagers[(s >> 54) % 3]);
  cg_facts_set_bool(f, CG_F_ORDER_ATTESTED, (s >> 56) & 1);
  cg_facts_set_str(f, CG_F_ORDER_END_USE, end_uses[(s >> 57) % 3]);
  cg_facts_set_bool(f, CG_F_ORDER_EXPORT_FROM_US, (s >> 59) & 1);
  cg_facts_set_date(f, CG_F_ORDER_DATE, base_day + (int32_t)(r >> 40) % 1500);
  /* what decide states for every order */
  cg_facts_set_country(f, CG_F_CUSTOMER_COUNTRY, hq->code, hq->groups);
  f->v[CG_F_ORDER_END_USE_COUNTRY] = f->v[CG_F_DEST];
  f->v[CG_F_ORDER_END_USER_HQ] = f->v[CG_F_CUSTOMER_PARENT_HQ];
  cg_facts_set_str(f, CG_F_ORDER_ADDRESS, "");
  cg_facts_set_str(f, CG_F_ITEM_KIND, "ic");
  cg_facts_set_num(f, CG_F_ITEM_ICS, 1);
  cg_facts_set_bool(f, CG_F_CHIP_HBM_STACK, 0);
  cg_facts_set_num(f, CG_F_CHIP_INTERCONNECT_BW, (double)((r >> 44) % 1000));
  cg_facts_set_bool(f, CG_F_CUSTOMER_DENIED, 0);
  cg_facts_set_bool(f, CG_F_CUSTOMER_BLOCKED, 0);
  cg_facts_set_bool(f, CG_F_CUSTOMER_UNVERIFIED, 0);
  cg_facts_set_bool(f, CG_F_CUSTOMER_MEU, 0);
}

static cg_rules_country world[NCOUNTRIES];

static int world_countries(void *ud, const cg_rules_country **out, size_t *n,
                           cg_error *err)
{
  size_t i;

  (void)ud;
  (void)err;
  for(i = 0; i < NCOUNTRIES; i++) {
    memcpy(world[i].code, countries[i].code, 3);
    world[i].groups = countries[i].groups;
  }
  *out = world;
  *n = NCOUNTRIES;
  return CG_OK;
}

int main(int argc, char **argv)
{
  char dir[4096];
  const char *src = getenv("CG_SOURCE_DIR");
  long n = 1000000, i;
  cg_rules *pack = NULL;
  cg_rules_diags diags = { 0 };
  cg_error err;
  cg_rules_result *res = malloc(sizeof(*res));
  cg_facts f;
  int32_t base;
  double t0, t_gen, t_all, w0, w_all;
  long counts[CG_OUT_NONE + 1] = { 0 }, completed = 0;
  cg_rules_world w;
  int o;

#ifdef CG_SOURCE_DIR
  if(!src)
    src = CG_SOURCE_DIR;
#endif
  if(argc > 1)
    snprintf(dir, sizeof(dir), "%s", argv[1]);
  else
    snprintf(dir, sizeof(dir), "%s/rules", src ? src : ".");
  if(argc > 2)
    n = atol(argv[2]);
  if(!res || cg_rules_load_dir(&pack, dir, &diags, &err) != CG_OK) {
    fprintf(stderr, "bench_rules: %s\n", res ? err.msg : "out of memory");
    return 1;
  }
  cg_date_parse("2024-06-01", &base, NULL);

  memset(&w, 0, sizeof(w));
  w.countries = world_countries;
  rng = 42;
  t0 = now_s();
  for(i = 0; i < n; i++)
    gen(&f, base);
  t_gen = now_s() - t0;

  rng = 42;
  t0 = now_s();
  w0 = wall_s();
  for(i = 0; i < n; i++) {
    gen(&f, base);
    if(cg_rules_decide(pack, &f, &w, res, &err) != CG_OK) {
      fprintf(stderr, "bench_rules: decide: %s\n", err.msg);
      return 1;
    }
    counts[res->outcome]++;
    completed += res->completions > 0;
  }
  t_all = now_s() - t0;
  w_all = wall_s() - w0;

  printf("rules: %zu in %zu files; %ld decisions\n", cg_rules_count(pack),
         cg_rules_file_count(pack), n);
  printf("(CPU time; wall clock for generate + evaluate: %.1f ns/order)\n",
         w_all * 1e9 / (double)n);
  printf("generate only: %.1f ns/order\n", t_gen * 1e9 / (double)n);
  printf("generate + evaluate: %.1f ns/order\n", t_all * 1e9 / (double)n);
  printf("evaluate: %.1f ns/decision (goal <= 2000)\n",
         (t_all - t_gen) * 1e9 / (double)n);
  printf("decisions that completed unknown facts: %ld\n", completed);
  for(o = 0; o < CG_OUT_NONE; o++)
    printf("  %-16s %ld\n", cg_outcome_name((cg_outcome)o), counts[o]);
  cg_rules_free(pack);
  cg_rules_diags_clear(&diags);
  free(res);
  return 0;
}
