/* bench_screen.c -- screening benchmark against the full CSL
 * (tests/bench/README-screen.md): import time, labelled-set precision and
 * recall by threshold, in-process latency p50/p99, agreement with and
 * speed-up over the exhaustive scan, and `chipgate screen` as a process.
 *
 * Usage: bench_screen [--sweep] (run from anywhere; data from the source
 * dir). */
#include "../helpers.h"
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/csvfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXQ 2000

typedef struct lq {
  char *query;
  char *country;
  int label;
  char *kind;
  char *entry_id;
  char *listed_name;
  double best_pos; /* best score of the expected entry (positives) */
  double best_any; /* best score of any entry */
  int best_sure;   /* the best hit is sure */
} lq;

static double now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
  size_t i;

  qsort(v, n, sizeof(*v), dcmp);
  i = (size_t)(p * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

static void die(const char *what, const cg_error *err)
{
  fprintf(stderr, "bench_screen: %s: %s\n", what, err ? err->msg : "");
  exit(1);
}

static size_t load_labelled(lq *q, const char *path)
{
  cg_csv *r = NULL;
  const cg_csv_row *row;
  cg_error err = { 0 };
  size_t n = 0;
  int first = 1;

  if(cg_csv_open(&r, path, 0, &err) != CG_OK)
    die("open labelled", &err);
  while(cg_csv_next(r, &row, &err) == 1 && n < MAXQ) {
    if(first) {
      first = 0;
      continue;
    }
    memset(&q[n], 0, sizeof(q[n]));
    q[n].query = strdup(row->fields[0]);
    q[n].country = strdup(row->fields[1]);
    q[n].label = atoi(row->fields[2]);
    q[n].kind = strdup(row->fields[3]);
    q[n].entry_id = strdup(row->fields[4]);
    q[n].listed_name = strdup(row->fields[5]);
    n++;
  }
  cg_csv_close(r);
  return n;
}

/* Scores every labelled query at a low threshold (10 hits). */
static void score_labelled(cg_screener *sc, lq *q, size_t n)
{
  size_t i, k;
  cg_error err = { 0 };

  for(i = 0; i < n; i++) {
    cg_screen_hits hits;

    if(cg_screen_name(sc, q[i].query, q[i].country[0] ? q[i].country : NULL,
                      0.5, 10, &hits, &err) != CG_OK)
      die("screen", &err);
    q[i].best_pos = 0;
    q[i].best_any = hits.n ? hits.items[0].score : 0;
    q[i].best_sure = hits.n ? hits.items[0].sure : 0;
    for(k = 0; k < hits.n; k++) {
      if(strcmp(hits.items[k].entry_id, q[i].entry_id) == 0 ||
         strcmp(hits.items[k].name, q[i].listed_name) == 0) {
        q[i].best_pos = hits.items[k].score;
        break;
      }
    }
    cg_screen_hits_free(&hits);
  }
}

static void sweep(const lq *q, size_t n, int all)
{
  double t;
  size_t i;

  printf("\n| threshold | recall | false-hit rate | precision | TP | FN | FP "
         "| TN |\n|---|---|---|---|---|---|---|---|\n");
  for(t = 0.70; t <= 0.991; t += 0.01) {
    size_t tp = 0, fn = 0, fp = 0, tn = 0;

    if(!all && !(t > 0.825 && t < 0.965))
      continue;
    for(i = 0; i < n; i++) {
      if(q[i].label) {
        if(q[i].best_pos >= t - 1e-9)
          tp++;
        else
          fn++;
      }
      else if(q[i].best_any >= t - 1e-9) {
        fp++;
      }
      else {
        tn++;
      }
    }
    printf("| %.2f | %.3f | %.3f | %.3f | %zu | %zu | %zu | %zu |\n", t,
           (double)tp / (double)(tp + fn), (double)fp / (double)(fp + tn),
           tp + fp ? (double)tp / (double)(tp + fp) : 1.0, tp, fn, fp, tn);
  }
}

/* Recall (positive kinds) or false hits (negative kinds) by kind. */
static void per_kind(const lq *q, size_t n, double t)
{
  const char *kinds[64];
  size_t nk = 0, k, i;

  for(i = 0; i < n; i++) {
    for(k = 0; k < nk; k++)
      if(strcmp(kinds[k], q[i].kind) == 0)
        break;
    if(k == nk && nk < 64)
      kinds[nk++] = q[i].kind;
  }
  printf("\nBy kind at %.2f (positives: found; innocents: false hits):\n\n"
         "| kind | found / false hits | of | rate |\n|---|---|---|---|\n",
         t);
  for(k = 0; k < nk; k++) {
    size_t got = 0, all = 0;

    for(i = 0; i < n; i++) {
      if(strcmp(q[i].kind, kinds[k]) != 0)
        continue;
      all++;
      got +=
          q[i].label ? q[i].best_pos >= t - 1e-9 : q[i].best_any >= t - 1e-9;
    }
    printf("| %s | %zu | %zu | %.3f |\n", kinds[k], got, all,
           (double)got / (double)all);
  }
  printf("\nMisses at %.2f:\n", t);
  for(i = 0; i < n; i++)
    if(q[i].label && q[i].best_pos < t - 1e-9)
      printf("- %s (%s) -> %s: %.3f\n", q[i].query, q[i].kind,
             q[i].listed_name, q[i].best_pos);
  printf("\nFalse hits at %.2f:\n", t);
  for(i = 0; i < n; i++)
    if(!q[i].label && q[i].best_any >= t - 1e-9)
      printf("- %s: %.3f%s\n", q[i].query, q[i].best_any,
             q[i].best_sure ? " (sure)" : "");
  {
    size_t sure_neg = 0, sure_pos = 0, pos = 0;

    for(i = 0; i < n; i++) {
      if(q[i].label) {
        pos++;
        sure_pos += q[i].best_pos >= CG_SCREEN_SURE;
      }
      else if(q[i].best_any >= CG_SCREEN_SURE) {
        sure_neg++;
      }
    }
    printf("\nSure (>= %.2f): %zu of %zu positives, %zu negatives\n",
           CG_SCREEN_SURE, sure_pos, pos, sure_neg);
  }
}

/* Latency in-process: whole cg_screen_name (index search + hit rows), and
 * the index search alone vs the exhaustive scan. */
static void in_process(cg_store *db, cg_screener *sc, const lq *q, size_t n)
{
  cg_error err = { 0 };
  cg_sx *idx = NULL;
  cg_sx_norm *nm = NULL;
  char lists[65];
  size_t i, same = 0, compared = 0, same_thr = 0, compared_thr = 0;
  double t0, *lat, *lat_core, *lat_ex, sum_core = 0, sum_ex = 0;

  lat = calloc(n, sizeof(double));
  lat_core = calloc(n, sizeof(double));
  lat_ex = calloc(n, sizeof(double));
  if(cg_sx_load(db, &idx, lists, &err) != CG_OK)
    die("load index", &err);
  if(cg_sx_norm_new(&nm, &err) != CG_OK)
    die("normaliser", &err);
  for(i = 0; i < n; i++) {
    cg_screen_hits hits;

    t0 = now_ms();
    if(cg_screen_name(sc, q[i].query, NULL, -1, 10, &hits, &err) != CG_OK)
      die("screen", &err);
    lat[i] = now_ms() - t0;
    cg_screen_hits_free(&hits);
  }
  for(i = 0; i < n; i++) {
    int v;

    /* Both readings the screener searches: as written and joined. */
    for(v = 0; v < 2; v++) {
      cg_sx_tokens tk;
      cg_sx_match a[10], b[10];
      size_t na = 0, nb = 0;
      int agree;

      if(cg_sx_tokenise(nm, v ? idx : NULL, v ? CG_SX_GLUE : 0, &tk,
                        q[i].query, &err) != CG_OK)
        die("tokenise", &err);
      t0 = now_ms();
      if(cg_sx_search(idx, &tk, 0.5, 0, a, 10, &na, &err) != CG_OK)
        die("search", &err);
      if(v == 0) {
        lat_core[i] = now_ms() - t0;
        sum_core += lat_core[i];
      }
      t0 = now_ms();
      if(cg_sx_search(idx, &tk, 0.5, 1, b, 10, &nb, &err) != CG_OK)
        die("search", &err);
      if(v == 0) {
        lat_ex[i] = now_ms() - t0;
        sum_ex += lat_ex[i];
      }
      agree =
          na && nb &&
          (idx->names[a[0].name].party_id == idx->names[b[0].name].party_id ||
           a[0].score >= b[0].score - 1e-9);
      if(nb) {
        compared++;
        same += agree;
        if(b[0].score >= CG_SCREEN_THRESHOLD) {
          compared_thr++;
          same_thr += agree;
        }
        if(!agree)
          printf("top differs: %s: index %s %.3f, exhaustive %.3f\n",
                 q[i].query, na ? "found" : "none", na ? a[0].score : 0.0,
                 b[0].score);
      }
      cg_sx_tokens_free(&tk);
    }
  }
  printf("\nin-process latency over %zu queries (ms):\n", n);
  printf("  cg_screen_name p50 %.3f p99 %.3f\n", pct(lat, n, 0.5),
         pct(lat, n, 0.99));
  printf("  index search   p50 %.3f p99 %.3f mean %.3f\n",
         pct(lat_core, n, 0.5), pct(lat_core, n, 0.99), sum_core / (double)n);
  printf("  exhaustive     p50 %.3f p99 %.3f mean %.3f\n", pct(lat_ex, n, 0.5),
         pct(lat_ex, n, 0.99), sum_ex / (double)n);
  printf("  speed-up (mean exhaustive / mean index): %.0fx\n",
         sum_ex / sum_core);
  printf("  same top match: %zu of %zu (%.1f%%) readings with an "
         "exhaustive match >= 0.5\n",
         same, compared,
         100.0 * (double)same / (double)(compared ? compared : 1));
  printf("  same top match: %zu of %zu (%.1f%%) readings with an exhaustive "
         "match >= %.2f\n",
         same_thr, compared_thr,
         100.0 * (double)same_thr / (double)(compared_thr ? compared_thr : 1),
         CG_SCREEN_THRESHOLD);
  cg_sx_free(idx);
  cg_sx_norm_free(nm);
  free(lat);
  free(lat_core);
  free(lat_ex);
}

int main(int argc, char **argv)
{
  static lq q[MAXQ];
  char dir[] = "/tmp/cgbench.XXXXXX", dbp[256], cmd[1024];
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_screener *sc = NULL;
  cg_screen_counts counts;
  size_t n, n1, i, k;
  double t0, t_import, lat[30];
  int all = argc > 1 && strcmp(argv[1], "--sweep") == 0;

  if(!mkdtemp(dir))
    die("mkdtemp", NULL);
  snprintf(dbp, sizeof(dbp), "%s/bench.db", dir);
  if(cg_store_open(&db, dbp, CG_STORE_CREATE, &err) != CG_OK ||
     cg_store_migrate(db, NULL, &err) != CG_OK)
    die("open", &err);
  t0 = now_ms();
  if(cg_screen_import(db, t_src("tests/data/csl/csl_full_2026-07-31.csv"),
                      CG_SCREEN_CSL_CSV, NULL, &counts, &err) != CG_OK)
    die("import", &err);
  t_import = now_ms() - t0;
  printf("import: %zu entries, %zu names (%zu aliases), %zu Entity List in "
         "%.0f ms\n",
         counts.entries, counts.names, counts.aliases, counts.entity_list,
         t_import);

  if(cg_screener_open(&sc, db, &err) != CG_OK)
    die("screener", &err);
  n1 = load_labelled(q, t_src("tests/data/screen_labelled.csv"));
  n = n1 + load_labelled(q + n1, t_src("tests/data/screen_labelled_i13.csv"));
  score_labelled(sc, q, n);
  printf("\nlabelled set: %zu queries; default threshold %.2f, sure %.2f\n",
         n1, CG_SCREEN_THRESHOLD, CG_SCREEN_SURE);
  sweep(q, n1, all);
  per_kind(q, n1, CG_SCREEN_THRESHOLD);
  printf("\nscripts, abbreviations and legal forms "
         "(screen_labelled_i13.csv): %zu queries\n",
         n - n1);
  sweep(q + n1, n - n1, all);
  per_kind(q + n1, n - n1, CG_SCREEN_THRESHOLD);

  in_process(db, sc, q, n);
  cg_screener_close(sc);
  cg_store_close(db);

  /* The whole process: a Latin name, a Chinese one (the generated
   * table, no ICU) and a Cyrillic one (ICU's BGN opened once). */
  for(k = 0; k < 3; k++) {
    static const char *const names[3] = { "Sophgo Technologies Co Ltd",
                                          "北京算能科技有限公司",
                                          "ООО «Концерн Автоматика»" };
    for(i = 0; i < 30; i++) {
      int st;

      snprintf(cmd, sizeof(cmd), "%s --db %s screen '%s' >/dev/null",
               CG_BINARY, dbp, names[k]);
      t0 = now_ms();
      st = system(cmd);
      lat[i] = now_ms() - t0;
      if(st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 10)
        die("chipgate screen did not report the match", NULL);
    }
    printf("\nchipgate screen '%s' as a process (30 runs, ms, incl. sh -c): "
           "p50 %.1f p99 %.1f\n",
           names[k], pct(lat, 30, 0.5), pct(lat, 30, 0.99));
  }
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  for(i = 0; i < n; i++) {
    free(q[i].query);
    free(q[i].country);
    free(q[i].kind);
    free(q[i].entry_id);
    free(q[i].listed_name);
  }
  return 0;
}
