/* check_report_browser.c -- renders an HTML report in headless Chromium:
 * the DOM Chromium builds must hold the page title, both SVG charts with
 * their elements (regions, plotted chips, bars) and no script element; the
 * screenshot must be a real PNG of the expected size that is not blank and
 * shows the chart colours.
 *
 * Chromium is required: without it the test FAILS (CI installs the Debian
 * package "chromium"). Set CG_CHROMIUM to use another binary. The PNG is
 * decoded by tests/data/png_stats.py (python3 standard library); without
 * python3 only the signature, size and IHDR checks run. */
#include "helpers.h"

#include "core/json.h"
#include "decide/decision.h"
#include "report/report.h"
#include "decide/workload.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WIDTH  1280
#define HEIGHT 2000

/* Real figures (docs/regulations.md section 7; Epoch AI dense rates). */
static const struct {
  const char *name;
  double tpp, pd, bf16;
} chips[] = {
  { "NVIDIA H100 SXM5 80GB", 15832, 19.45, 989.4 },
  { "NVIDIA A100 SXM4 40 GB", 4992, 6.04, 312 },
  { "NVIDIA H20", 2368, 2.91, 148 },
  { "AMD Instinct MI300X", 20919, 20.57, 1307.4 },
  { "AMD Instinct MI250X", 6128, 3.88, 383 },
  { "NVIDIA B200", 36000, 22.11, 2250 },
  { "NVIDIA L4", 1936, 6.6, 121 },
  { "Huawei Ascend 910", 4096, NAN, 256 },
  { "Intel Gaudi 3", NAN, NAN, NAN },
};
#define NCHIPS (sizeof(chips) / sizeof(chips[0]))

/* Decisions in a skewed mix (every outcome present). */
static const char *const decisions[] = {
  "nlr",    "nlr",  "nlr",  "exception",        "licensed",
  "notify", "hold", "hold", "license_required", "deny",
  "deny"
};
static const char *const dests[] = { "CN", "US", "AE", "SG", "MY", "DE" };

static cg_json *make_doc(int i, const cg_workloads *wl)
{
  cg_json *d = cg_json_object(), *c = cg_json_object(), *p = cg_json_object();
  cg_workload_est e;
  cg_error err = { 0 };
  char id[32];
  size_t k = (size_t)i % NCHIPS;
  int rc;

  snprintf(id, sizeof(id), "O-%04d", 1001 + i);
  cg_json_set_str(d, "order_id", id);
  /* More severe outcomes are rarer, all seven present. */
  cg_json_set_str(d, "decision", decisions[(i * 7 + i / 11) % 11]);
  cg_json_set_str(d, "as_of", "2026-11-26");
  cg_json_set_int(d, "quantity", 8 * (1 + i % 50));
  cg_json_set_str(d, "destination", dests[i % 6]);
  cg_json_set_str(c, "name", chips[k].name);
  cg_json_set_num(c, "tpp", chips[k].tpp);
  cg_json_set_num(c, "pd", chips[k].pd);
  cg_json_set_str(c, "eccn", chips[k].tpp >= 4800 ? "3A090.a" : NULL);
  cg_json_set(d, "chip", c);
  cg_json_set_str(p, "name",
                  i == 3 ? "<script>document.title='pwned'"
                           "</script>Evil Corp"
                         : "Example Customer");
  cg_json_set_str(p, "country", dests[i % 6]);
  cg_json_set(d, "customer", p);
  {
    cg_json *rules = cg_json_array(), *r, *t;
    const char *dec = cg_json_string_value(cg_json_get(d, "decision"));

    if(chips[k].tpp >= 4800) {
      r = cg_json_object();
      cg_json_set_str(r, "id", "EAR.3A090.a");
      cg_json_set_str(r, "title", "Advanced computing IC, 3A090.a");
      cg_json_set_str(r, "outcome", "classify");
      cg_json_set_str(r, "cite", "15 CFR 774 Supp. 1; 88 FR 73458");
      t = cg_json_object();
      cg_json_set_num(t, "chip.tpp", chips[k].tpp);
      cg_json_set(r, "trace", t);
      cg_json_append(rules, r);
    }
    if(strcmp(dec, "deny") == 0) {
      cg_json *scr = cg_json_array(), *h = cg_json_object();
      r = cg_json_object();
      cg_json_set_str(r, "id", "EAR.744.11.EL");
      cg_json_set_str(r, "title", "Entity List, presumption of denial");
      cg_json_set_str(r, "outcome", "deny");
      cg_json_set_str(r, "cite", "15 CFR 744.11; Supp. 4 to part 744");
      cg_json_append(rules, r);
      cg_json_set_str(h, "list",
                      "Entity List (EL) - Bureau of Industry "
                      "and Security");
      cg_json_set_str(h, "name", "SOPHGO TECHNOLOGIES LTD.");
      cg_json_set_str(h, "matched_name", "Sophgo");
      cg_json_set_num(h, "score", 0.97);
      cg_json_set_str(h, "federal_register_notice", "90 FR 4621");
      cg_json_set_str(h, "license_policy", "Presumption of denial");
      cg_json_append(scr, h);
      cg_json_set(d, "screening", scr);
    }
    if(strcmp(dec, "licensed") == 0) {
      cg_json *l = cg_json_object();
      cg_json_set_str(l, "number", "D1234567");
      cg_json_set_str(l, "kind", "license");
      cg_json_set_int(l, "quantity_used", 8 * (1 + i % 50));
      cg_json_set_int(l, "max_qty", 1000);
      cg_json_set_int(l, "remaining", 360);
      cg_json_set(d, "license", l);
    }
    cg_json_set(d, "rules", rules);
  }
  rc = cg_workload_estimate_raw(chips[k].bf16, NAN, chips[k].tpp,
                                8 * (1 + i % 50), 0.4, wl, &e, &err);
  ck_assert_cg_ok(rc, &err);
  cg_json_set(d, "workload", t_workload_json(&e, wl));
  cg_workload_est_clear(&e);
  return d;
}

/* Runs argv with stdout to out_path (or /dev/null) in its own process
 * group; kills the group after timeout_s. Returns the exit status, or -1.
 */
static int run_timeout(const char *const *argv, const char *out_path,
                       int timeout_s)
{
  pid_t pid, w;
  int st = 0, fd;
  time_t end = time(NULL) + timeout_s;

  fflush(NULL);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if(pid == 0) {
    setpgid(0, 0);
    fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
              0600);
    if(fd < 0)
      _exit(127);
    dup2(fd, 1);
    fd = open(t_tmp("chromium.log"), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if(fd >= 0)
      dup2(fd, 2);
    setenv("HOME", t_tmpdir(), 1);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  for(;;) {
    w = waitpid(pid, &st, WNOHANG);
    if(w == pid)
      break;
    if(w < 0 && errno != EINTR)
      return -1;
    if(time(NULL) > end) {
      kill(-pid, SIGKILL);
      waitpid(pid, &st, 0);
      return -1;
    }
    {
      struct timespec ts = { 0, 100 * 1000 * 1000 };
      nanosleep(&ts, NULL);
    }
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *len_out)
{
  FILE *f = fopen(path, "rb");
  char *b;
  long n;

  if(!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(b);
  ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = '\0';
  fclose(f);
  if(len_out)
    *len_out = (size_t)n;
  return b;
}

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;

  while((hay = strstr(hay, needle)) != NULL) {
    n++;
    hay += strlen(needle);
  }
  return n;
}

static char *chromium_log(void)
{
  char *l = slurp(t_tmp("chromium.log"), NULL);
  return l ? l : strdup("(no log)");
}

START_TEST(test_render_in_chromium)
{
  cg_error err = { 0 };
  cg_workloads *wl = NULL;
  cg_json *docs[42], *lic = cg_json_array(), *l;
  cg_decision decs[42];
  char *text;
  cg_report_input in;
  cg_report_paths paths;
  const char *chromium = t_find_chromium();
  char url[1200], shot[600], dom_path[600], profile[600], shot_arg[700];
  char profile_arg[700], size_arg[64], cmd[1400], line[512];
  char *dom, *png, *log;
  size_t i, n = sizeof(docs) / sizeof(docs[0]), png_len = 0;
  unsigned w, h;
  int rc;
  FILE *p;

  ck_assert_msg(chromium != NULL,
                "chromium not found: install the Debian package 'chromium' "
                "(or set CG_CHROMIUM); this test does not skip");
  rc = cg_workloads_builtin(&wl, &err);
  ck_assert_cg_ok(rc, &err);
  /* Each document read into a decision as the audit log's would be. */
  for(i = 0; i < n; i++) {
    docs[i] = make_doc((int)i, wl);
    text = NULL;
    rc = cg_json_dump(&text, docs[i], CG_JSON_CANONICAL, &err);
    ck_assert_cg_ok(rc, &err);
    rc = cg_decision_parse(text, strlen(text), &decs[i], &err);
    ck_assert_cg_ok(rc, &err);
    free(text);
  }
  l = cg_json_object();
  cg_json_set_str(l, "number", "D1234567");
  cg_json_set_str(l, "customer", "Example Customer");
  cg_json_set_str(l, "kind", "license");
  cg_json_set_int(l, "max_qty", 1000);
  cg_json_set_int(l, "used", 640);
  cg_json_set_int(l, "remaining", 360);
  cg_json_append(lic, l);

  memset(&in, 0, sizeof(in));
  in.batch.batch_id = "B-BROWSER-1";
  in.batch.as_of = "2026-11-26";
  in.batch.created_at = "2026-11-26T10:00:00Z";
  in.batch.ruleset = "sha256:0123";
  in.batch.lists = "sha256:4567";
  in.batch.tool_version = "0.1.0";
  in.batch.mfu = 0.4;
  in.batch.licenses = lic;
  in.decisions = decs;
  in.n_docs = n;
  in.opts.workloads = wl;
  rc = cg_report_write_dir(&in, t_tmp("out"), "html", &paths, &err);
  ck_assert_cg_ok(rc, &err);

  snprintf(url, sizeof(url), "file://%s", paths.path[CG_REPORT_HTML]);
  snprintf(shot, sizeof(shot), "%s", t_tmp("shot.png"));
  snprintf(dom_path, sizeof(dom_path), "%s", t_tmp("dom.html"));
  snprintf(profile, sizeof(profile), "%s", t_tmp("profile"));
  ck_assert_int_eq(mkdir(profile, 0700), 0);
  snprintf(profile_arg, sizeof(profile_arg), "--user-data-dir=%s", profile);
  snprintf(shot_arg, sizeof(shot_arg), "--screenshot=%s", shot);
  snprintf(size_arg, sizeof(size_arg), "--window-size=%d,%d", WIDTH, HEIGHT);

  {
    const char *const dump[] = { chromium,
                                 "--headless",
                                 "--no-sandbox",
                                 "--disable-gpu",
                                 "--disable-dev-shm-usage",
                                 "--disable-quic",
                                 "--no-first-run",
                                 "--disable-background-networking",
                                 "--disable-component-update",
                                 "--disable-sync",
                                 profile_arg,
                                 "--dump-dom",
                                 url,
                                 NULL };
    const char *const snap[] = { chromium,
                                 "--headless",
                                 "--no-sandbox",
                                 "--disable-gpu",
                                 "--disable-dev-shm-usage",
                                 "--disable-quic",
                                 "--no-first-run",
                                 "--disable-background-networking",
                                 "--disable-component-update",
                                 "--disable-sync",
                                 "--hide-scrollbars",
                                 profile_arg,
                                 shot_arg,
                                 size_arg,
                                 url,
                                 NULL };

    rc = run_timeout(dump, dom_path, 120);
    log = chromium_log();
    ck_assert_msg(rc == 0, "chromium --dump-dom exit %d: %s", rc, log);
    free(log);
    rc = run_timeout(snap, NULL, 120);
    log = chromium_log();
    ck_assert_msg(rc == 0, "chromium --screenshot exit %d: %s", rc, log);
    free(log);
  }

  /* The DOM as Chromium parsed it. */
  dom = slurp(dom_path, NULL);
  ck_assert_ptr_nonnull(dom);
  ck_assert_msg(strstr(dom, "<title>chipgate audit report</title>"),
                "no title in DOM: %.300s", dom);
  ck_assert_ptr_nonnull(strstr(dom, "id=\"chart-decisions\""));
  ck_assert_ptr_nonnull(strstr(dom, "id=\"chart-tpp-pd\""));
  ck_assert_uint_eq(count(dom, "<svg "), 2);
  ck_assert_uint_eq(count(dom, "<g class=\"bar\""), 7);
  ck_assert_ptr_nonnull(strstr(dom, "<title>deny: "));
  ck_assert_ptr_nonnull(strstr(dom, "class=\"region region-a\""));
  ck_assert_ptr_nonnull(strstr(dom, "class=\"region region-b\""));
  ck_assert_ptr_nonnull(strstr(dom, ">3A090.a</text>"));
  ck_assert_ptr_nonnull(strstr(dom, ">3A090.b</text>"));
  /* 7 chips with TPP and PD; H100 and friends at distinct points. */
  ck_assert_uint_eq(count(dom, "<g class=\"chip\">"), 7);
  ck_assert_ptr_nonnull(strstr(dom, "NVIDIA B200"));
  ck_assert_ptr_nonnull(strstr(dom, "Huawei Ascend 910 — TPP 4096, PD "
                                    "unknown"));
  ck_assert_ptr_nonnull(strstr(dom, "Intel Gaudi 3 — TPP unknown"));
  /* The hostile name stayed text: no script element, title untouched. */
  ck_assert_ptr_null(strstr(dom, "<script"));
  ck_assert_ptr_null(strstr(dom, "pwned</title>"));
  ck_assert_ptr_nonnull(strstr(dom, "&lt;script&gt;document.title"));
  ck_assert_uint_eq(count(dom, "<article class=\"order"), n);
  ck_assert_ptr_nonnull(strstr(dom, "SOPHGO TECHNOLOGIES LTD."));
  ck_assert_ptr_nonnull(strstr(dom, "EAR.744.11.EL"));
  ck_assert_ptr_nonnull(strstr(dom, "D1234567"));

  /* The screenshot: a PNG of the window size, not blank. */
  png = slurp(shot, &png_len);
  ck_assert_msg(png != NULL, "no screenshot at %s", shot);
  ck_assert_msg(png_len > 20 * 1024, "screenshot only %zu bytes", png_len);
  ck_assert_int_eq(memcmp(png, "\x89PNG\r\n\x1a\n", 8), 0);
  ck_assert_int_eq(memcmp(png + 12, "IHDR", 4), 0);
  w = ((unsigned)(unsigned char)png[16] << 24) |
      ((unsigned)(unsigned char)png[17] << 16) |
      ((unsigned)(unsigned char)png[18] << 8) | (unsigned char)png[19];
  h = ((unsigned)(unsigned char)png[20] << 24) |
      ((unsigned)(unsigned char)png[21] << 16) |
      ((unsigned)(unsigned char)png[22] << 8) | (unsigned char)png[23];
  ck_assert_uint_eq(w, WIDTH);
  ck_assert_uint_eq(h, HEIGHT);

  /* Decode and look at the pixels: many colours, ink on the page, and
   * the solid deny (#6a1b1b) and hold (#ef6c00) bar colours. */
  snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' 6a1b1b ef6c00 2e7d32 2>&1",
           t_src("tests/data/png_stats.py"), shot);
  if(system("python3 -c pass >/dev/null 2>&1") != 0) {
    fprintf(stderr, "check_report_browser: python3 missing, pixel checks "
                    "skipped\n");
  }
  else {
    unsigned long colors = 0, deny = 0, hold = 0, nlr = 0, pw = 0, ph = 0;
    double ink = 0;

    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_msg(sscanf(line,
                         "width=%lu height=%lu colors=%lu nonwhite=%lf "
                         "6a1b1b=%lu ef6c00=%lu 2e7d32=%lu",
                         &pw, &ph, &colors, &ink, &deny, &hold, &nlr) == 7,
                  "png_stats: %s", line);
    ck_assert_uint_eq(pw, WIDTH);
    ck_assert_msg(colors >= 64, "only %lu colours: blank page? %s", colors,
                  line);
    ck_assert_msg(ink > 0.05 && ink < 0.95, "ink share %f: %s", ink, line);
    ck_assert_msg(deny > 200 && hold > 200 && nlr > 200,
                  "bar colours not painted: %s", line);
  }

  free(png);
  free(dom);
  for(i = 0; i < n; i++) {
    cg_json_free(docs[i]);
    cg_decision_clear(&decs[i]);
  }
  cg_json_free(lic);
  cg_workloads_free(wl);
}
END_TEST

static void teardown(void)
{
  if(!getenv("CG_KEEP_TMP"))
    t_tmp_cleanup();
}

static Suite *browser_suite(void)
{
  Suite *s = suite_create("report_browser");
  TCase *tc = tcase_create("chromium");

  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 400);
  tcase_add_test(tc, test_render_in_chromium);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(browser_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
