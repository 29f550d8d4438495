/* check_review_page.c -- the review page of `chipgate serve` (ui.h).
 *
 * In headless Chromium, driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: JSON messages ended by a NUL byte on fds 3
 * and 4, no extra package): a reviewer signs in with their token, the
 * page shows the queue of open orders with rules, citations, screening
 * matches and licences, and a release typed and clicked with real input
 * events on the page's own form lands in the audit log with the token's
 * name as the reviewer.
 *
 * Over raw HTTP: the sign-in, the form check value (CSRF), the roles'
 * forms, the sign-out, and the page without JavaScript.
 *
 * Chromium is required, as for check_report_browser: without it the test
 * FAILS (CI installs the Debian package "chromium"). */
#include "helpers.h"

#include "core/json.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char db_path[512];
static pid_t server;
static int port;
static char tok_review[64], tok_read[64];

static void setup(void)
{
  const char *demo[] = { "demo", "--out", t_tmp("reports"), NULL };

  snprintf(db_path, sizeof(db_path), "%s", t_tmp("demo.db"));
  ck_assert_int_eq(t_run(db_path, NULL, NULL, demo), 0);
  t_token_add(db_path, "Rita Reviewer", "review", tok_review);
  t_token_add(db_path, "auditor", "read", tok_read);
  server = t_serve_start(db_path, NULL, &port);
}

static void teardown(void)
{
  t_serve_stop(server);
  server = 0;
  t_tmp_cleanup();
}

/* ---- the DevTools protocol over a pipe ---------------------------------- */

typedef struct cdp {
  pid_t pid;
  int to, from; /* our ends of Chromium's fd 3 and fd 4 */
  char *buf;    /* bytes read, not yet a whole message */
  size_t len, cap;
  int next_id;
  int loads; /* Page.loadEventFired events seen */
  char session[128];
} cdp;

static void cdp_start(cdp *c)
{
  const char *chromium = t_find_chromium();
  int in[2], out[2];
  char profile[700];

  ck_assert_msg(chromium != NULL,
                "no Chromium: install the Debian package chromium or set "
                "CG_CHROMIUM");
  memset(c, 0, sizeof(*c));
  ck_assert_int_eq(pipe(in), 0);
  ck_assert_int_eq(pipe(out), 0);
  snprintf(profile, sizeof(profile), "--user-data-dir=%s",
           t_tmp("chromium-profile"));
  fflush(NULL);
  c->pid = fork();
  ck_assert_int_ge(c->pid, 0);
  if(c->pid == 0) {
    /* above 4 first, so that dup2 cannot close the other pipe's end */
    int r = fcntl(in[0], F_DUPFD, 10), w = fcntl(out[1], F_DUPFD, 10);
    int log = open(t_tmp("chromium.log"), O_WRONLY | O_CREAT | O_APPEND, 0600);
    setpgid(0, 0);
    if(r < 0 || w < 0 || dup2(r, 3) < 0 || dup2(w, 4) < 0)
      _exit(127);
    for(int fd = 5; fd < 64; fd++)
      if(fd != log)
        close(fd);
    if(log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    setenv("HOME", t_tmpdir(), 1);
    execl(chromium, chromium, "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--no-first-run",
          "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--disable-extensions", "--window-size=1200,900",
          "--remote-debugging-pipe", profile, "about:blank", (char *)NULL);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  c->to = in[1];
  c->from = out[0];
}

static void cdp_stop(cdp *c)
{
  if(c->pid > 0) {
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
  }
  close(c->to);
  close(c->from);
  free(c->buf);
  c->pid = 0;
}

static char *chromium_log(void)
{
  char *l = t_slurp(t_tmp("chromium.log"));
  return l ? l : strdup("(no log)");
}

/* The next whole message (parsed), waiting at most 30 s. */
static cg_json *cdp_read(cdp *c)
{
  for(;;) {
    char *nul = c->len ? memchr(c->buf, '\0', c->len) : NULL;
    if(nul) {
      cg_json *m = NULL;
      cg_error err = { 0 };
      size_t n = (size_t)(nul - c->buf);
      ck_assert_msg(cg_json_parse(&m, c->buf, n, "cdp", &err) == CG_OK,
                    "Chromium sent: %.*s (%s)", (int)n, c->buf, err.msg);
      memmove(c->buf, nul + 1, c->len - n - 1);
      c->len -= n + 1;
      {
        const char *ev = cg_json_string_value(cg_json_get(m, "method"));
        if(ev && !strcmp(ev, "Page.loadEventFired"))
          c->loads++;
      }
      return m;
    }
    {
      struct pollfd pf = { c->from, POLLIN, 0 };
      ssize_t got;
      int ready = poll(&pf, 1, 30000);
      if(ready <= 0) {
        char *log = chromium_log();
        ck_abort_msg("Chromium did not answer in 30 s; its log: %s", log);
      }
      if(c->len + 65536 > c->cap)
        ck_assert_ptr_nonnull(c->buf =
                                  realloc(c->buf, c->cap = c->len + 131072));
      got = read(c->from, c->buf + c->len, 65536);
      if(got <= 0) {
        char *log = chromium_log();
        ck_abort_msg("Chromium closed the pipe (%s); its log: %s",
                     got < 0 ? strerror(errno) : "EOF", log);
      }
      c->len += (size_t)got;
    }
  }
}

/* Calls method with params (stolen; NULL: none) in the page's session
 * (or the browser's before there is one); returns the whole answer. */
static cg_json *cdp_call(cdp *c, const char *method, cg_json *params)
{
  cg_json *m = cg_json_object(), *a;
  cg_error err = { 0 };
  char *s = NULL;
  int id = ++c->next_id;

  ck_assert_int_eq(cg_json_set_int(m, "id", id), CG_OK);
  ck_assert_int_eq(cg_json_set_str(m, "method", method), CG_OK);
  if(params)
    ck_assert_int_eq(cg_json_set(m, "params", params), CG_OK);
  if(c->session[0])
    ck_assert_int_eq(cg_json_set_str(m, "sessionId", c->session), CG_OK);
  ck_assert_int_eq(cg_json_dump(&s, m, 0, &err), CG_OK);
  cg_json_free(m);
  ck_assert_int_eq(write(c->to, s, strlen(s) + 1), (ssize_t)strlen(s) + 1);
  free(s);
  for(;;) {
    a = cdp_read(c);
    if(cg_json_number_value(cg_json_get(a, "id")) == id)
      break;
    cg_json_free(a);
  }
  if(cg_json_get(a, "error")) {
    char *e = NULL;
    cg_json_dump(&e, a, 0, &err);
    ck_abort_msg("%s failed: %s", method, e);
  }
  return a;
}

/* Waits until the page has loaded more than `before` times. */
static void cdp_wait_load(cdp *c, int before)
{
  while(c->loads <= before)
    cg_json_free(cdp_read(c));
}

/* The value of a JavaScript expression in the page, as JSON text. */
static char *cdp_eval(cdp *c, const char *expr)
{
  cg_json *p = cg_json_object(), *a, *v;
  cg_error err = { 0 };
  char *s = NULL;

  cg_json_set_str(p, "expression", expr);
  cg_json_set(p, "returnByValue", cg_json_bool(1));
  a = cdp_call(c, "Runtime.evaluate", p);
  v = cg_json_get(cg_json_get(cg_json_get(a, "result"), "result"), "value");
  if(v)
    ck_assert_int_eq(cg_json_dump(&s, v, 0, &err), CG_OK);
  cg_json_free(a);
  return s ? s : strdup("undefined");
}

static void cdp_goto(cdp *c, const char *url)
{
  cg_json *p = cg_json_object();
  int before = c->loads;

  cg_json_set_str(p, "url", url);
  cg_json_free(cdp_call(c, "Page.navigate", p));
  cdp_wait_load(c, before);
}

/* A left click, as a person makes it, in the middle of the element that
 * selector (no single quotes) finds, scrolled into view. */
static void cdp_click(cdp *c, const char *selector)
{
  static const char *const types[] = { "mousePressed", "mouseReleased" };
  char expr[1024], *at;
  double x, y;
  int i;

  snprintf(expr, sizeof(expr),
           "(() => { const e = document.querySelector('%s'); if (!e) "
           "return null; e.scrollIntoView({block: 'center'}); const r = "
           "e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + "
           "r.height / 2]; })()",
           selector);
  at = cdp_eval(c, expr);
  ck_assert_msg(sscanf(at, "[%lf,%lf]", &x, &y) == 2,
                "no element %s on the page (%s)", selector, at);
  free(at);
  for(i = 0; i < 2; i++) {
    cg_json *p = cg_json_object();
    cg_json_set_str(p, "type", types[i]);
    cg_json_set_num(p, "x", x);
    cg_json_set_num(p, "y", y);
    cg_json_set_str(p, "button", "left");
    cg_json_set_int(p, "clickCount", 1);
    cg_json_free(cdp_call(c, "Input.dispatchMouseEvent", p));
  }
}

/* Types text into the element selector finds, as keyboard input. */
static void cdp_type(cdp *c, const char *selector, const char *text)
{
  cg_json *p = cg_json_object();

  cdp_click(c, selector);
  cg_json_set_str(p, "text", text);
  cg_json_free(cdp_call(c, "Input.insertText", p));
}

/* Opens a page target and attaches to it. */
static void cdp_open_page(cdp *c)
{
  cg_json *p = cg_json_object(), *a;

  cg_json_set_str(p, "url", "about:blank");
  a = cdp_call(c, "Target.createTarget", p);
  p = cg_json_object();
  cg_json_set_str(
      p, "targetId",
      cg_json_string_value(cg_json_get(cg_json_get(a, "result"), "targetId")));
  cg_json_set(p, "flatten", cg_json_bool(1));
  cg_json_free(a);
  a = cdp_call(c, "Target.attachToTarget", p);
  snprintf(c->session, sizeof(c->session), "%s",
           cg_json_string_value(
               cg_json_get(cg_json_get(a, "result"), "sessionId")));
  cg_json_free(a);
  cg_json_free(cdp_call(c, "Page.enable", NULL));
}

/* ---- the tests ---------------------------------------------------------- */

/* The open orders `chipgate list orders --state open` counts. */
static int open_orders(void)
{
  const char *argv[] = { "list",     "orders", "--state", "open",
                         "--format", "json",   NULL };
  char *out = NULL;
  cg_json *a = NULL;
  cg_error err = { 0 };
  int n;

  ck_assert_int_eq(t_run(db_path, &out, NULL, argv), 0);
  ck_assert_int_eq(cg_json_parse(&a, out, strlen(out), "list", &err), CG_OK);
  n = (int)cg_json_size(a);
  cg_json_free(a);
  free(out);
  return n;
}

START_TEST(test_release_in_chromium)
{
  const char *log_argv[] = { "audit",    "show", "--order", "O-1041",
                             "--format", "json", NULL };
  const char *reason = "Not the listed Moore Thread entity: other address "
                       "& registry no. <checked>";
  char url[128], expr[512], *v, *log = NULL, want[64];
  int before, n = open_orders();
  cdp c;

  ck_assert_int_gt(n, 3);
  cdp_start(&c);
  cdp_open_page(&c);
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);

  /* not signed in: the sign-in form */
  cdp_goto(&c, url);
  v = cdp_eval(&c, "document.querySelector('form#login') !== null");
  ck_assert_str_eq(v, "true");
  free(v);
  cdp_type(&c, "form#login input[name=token]", tok_review);
  before = c.loads;
  cdp_click(&c, "form#login button");
  cdp_wait_load(&c, before);

  /* the queue: every open order, with what decided it */
  v = cdp_eval(&c, "document.querySelectorAll('section.order').length");
  ck_assert_int_eq(atoi(v), n < 25 ? n : 25);
  free(v);
  v = cdp_eval(&c, "document.querySelector('#count').textContent");
  snprintf(want, sizeof(want), "\"%d open orders", n);
  ck_assert_msg(strstr(v, want) == v, "count reads %s", v);
  free(v);
  v = cdp_eval(&c, "document.querySelector('header').textContent");
  ck_assert_msg(strstr(v, "Signed in as Rita Reviewer (review)"), "%s", v);
  free(v);
  v = cdp_eval(&c, "document.querySelector('#order-O-1041').innerText");
  ck_assert_msg(strstr(v, "hold"), "O-1041 is not shown held: %s", v);
  ck_assert_msg(strstr(v, "EAR.744.11.screen"), "no rule: %s", v);
  ck_assert_msg(strstr(v, "15 CFR 744.11"), "no citation: %s", v);
  ck_assert_msg(strstr(v, "Moore Thread Intelligent Technology"),
                "no screening match: %s", v);
  ck_assert_msg(strstr(v, "Entity List"), "no list named: %s", v);
  free(v);
  /* a deny has no release form; a licence table where there is one */
  v = cdp_eval(&c, "document.querySelectorAll('section[data-outcome=deny] "
                   "form.review').length");
  ck_assert_str_eq(v, "0");
  free(v);
  v = cdp_eval(&c, "document.querySelectorAll('table.licences').length > 0");
  ck_assert_str_eq(v, "true");
  free(v);
  v = cdp_eval(&c, "document.scripts.length");
  ck_assert_str_eq(v, "0");
  free(v);

  /* the release, typed and clicked on the page's own form */
  cdp_type(&c, "#order-O-1041 form.review textarea[name=reason]", reason);
  before = c.loads;
  cdp_click(&c, "#order-O-1041 form.review button[value=release]");
  cdp_wait_load(&c, before);
  v = cdp_eval(&c, "document.querySelector('p.notice').textContent");
  ck_assert_msg(
      strstr(v, "Recorded in the audit log as entry #") &&
          strstr(v, "Rita Reviewer released O-1041: the order is releasable."),
      "after the release the page says %s", v);
  free(v);
  /* released: no longer in the queue of open orders */
  snprintf(expr, sizeof(expr),
           "document.querySelectorAll('section.order').length");
  v = cdp_eval(&c, expr);
  ck_assert_int_eq(atoi(v), n - 1 < 25 ? n - 1 : 25);
  free(v);
  cdp_stop(&c);

  /* and in the audit log, by the token's name, with the reason typed */
  ck_assert_int_eq(t_run(db_path, &log, NULL, log_argv), 0);
  ck_assert_msg(strstr(log, "\"kind\":\"review\"") &&
                    strstr(log, "\"action\":\"release\"") &&
                    strstr(log, "\"reviewer\":\"Rita Reviewer\"") &&
                    strstr(log, "\"released\":true") &&
                    strstr(log, "other address & registry no. <checked>"),
                "the audit log of O-1041: %s", log);
  free(log);
  {
    const char *verify[] = { "audit", "verify", NULL };
    ck_assert_int_eq(t_run(db_path, NULL, NULL, verify), 0);
  }
}
END_TEST

/* GET or POST path with a cookie and a form body (or NULL). */
/* ... with more header lines (each ending in CRLF). */
static int page_h(const char *method, const char *path, const char *cookie,
                  const char *extra, const char *form, char **head,
                  char **body)
{
  char req[4096], ck[160] = "";
  int n;

  if(cookie)
    snprintf(ck, sizeof(ck), "Cookie: chipgate_session=%s\r\n", cookie);
  n = snprintf(req, sizeof(req),
               "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               "%s%sContent-Type: application/x-www-form-urlencoded\r\n"
               "Content-Length: %zu\r\n\r\n%s",
               method, path, ck, extra, form ? strlen(form) : 0,
               form ? form : "");
  ck_assert_int_lt(n, (int)sizeof(req));
  return t_http_raw(port, req, (size_t)n, head, body);
}

static int page(const char *method, const char *path, const char *cookie,
                const char *form, char **head, char **body)
{
  return page_h(method, path, cookie, "", form, head, body);
}

/* A request whose answer must have status and hold needle in its body. */
static void expect(const char *method, const char *path, const char *cookie,
                   const char *form, int status, const char *needle)
{
  char *head = NULL, *body = NULL;

  ck_assert_int_eq(page(method, path, cookie, form, &head, &body), status);
  ck_assert_msg(strstr(body, needle), "%s %s: no \"%s\" in %.300s", method,
                path, needle, body);
  free(head);
  free(body);
}

/* The csrf value of the page's forms. */
static void csrf_of(const char *body, char out[33])
{
  const char *p = strstr(body, "name=\"csrf\" value=\"");

  ck_assert_ptr_nonnull(p);
  snprintf(out, 33, "%s", p + 19);
}

START_TEST(test_sign_in_and_forms_over_http)
{
  char *head = NULL, *body = NULL, csrf[33], form[512];
  int n = open_orders();

  /* no session: the sign-in page, 401 */
  ck_assert_int_eq(page("GET", "/", NULL, NULL, &head, &body), 401);
  ck_assert_ptr_nonnull(strstr(head, "Content-Type: text/html"));
  ck_assert_ptr_nonnull(strstr(head, "Content-Security-Policy: "
                                     "default-src 'none'"));
  ck_assert_ptr_nonnull(strstr(body, "action=\"/login\""));
  free(head);
  free(body);
  /* a wrong token is refused and sets no cookie */
  ck_assert_int_eq(
      page("POST", "/login", NULL, "token=cgt_nope", &head, &body), 401);
  ck_assert_ptr_null(strstr(head, "Set-Cookie"));
  ck_assert_ptr_nonnull(strstr(body, "unknown or revoked"));
  free(head);
  free(body);
  /* the right one: a session cookie only this site's pages send */
  snprintf(form, sizeof(form), "token=%s", tok_review);
  ck_assert_int_eq(page("POST", "/login", NULL, form, &head, &body), 303);
  ck_assert_msg(strstr(head, "Set-Cookie: chipgate_session=") &&
                    strstr(head, "HttpOnly") &&
                    strstr(head, "SameSite=Strict") &&
                    strstr(head, "Location: /"),
                "%s", head);
  free(head);
  free(body);

  /* the queue reads without script: every order is in the HTML */
  ck_assert_int_eq(page("GET", "/", tok_review, NULL, &head, &body), 200);
  ck_assert_ptr_null(strstr(body, "<script"));
  ck_assert_ptr_nonnull(strstr(body, "id=\"order-O-1041\""));
  ck_assert_ptr_nonnull(strstr(body, "15 CFR 744.11"));
  {
    size_t k = 0;
    const char *p = body;
    while((p = strstr(p, "<section class=\"order\"")) && ++k)
      p++;
    ck_assert_int_eq((int)k, n < 25 ? n : 25);
  }
  csrf_of(body, csrf);
  free(head);
  free(body);

  /* a form without the session's check value is refused, nothing kept */
  expect("POST", "/ui/orders/O-1041/review", tok_review,
         "action=release&reason=x&csrf="
         "00000000000000000000000000000000",
         403, "check value does not match");
  ck_assert_int_eq(open_orders(), n);
  /* a step the API refuses shows the API's reason, with its status */
  snprintf(form, sizeof(form), "action=release&reason=%%20&csrf=%s", csrf);
  expect("POST", "/ui/orders/O-1041/review", tok_review, form, 400,
         "body: reason: empty");
  snprintf(form, sizeof(form), "action=release&reason=ok&csrf=%s", csrf);
  expect("POST", "/ui/orders/O-1014/review", tok_review, form, 409,
         "role=\"alert\"");
  ck_assert_int_eq(open_orders(), n);

  /* a read token sees the queue and no form; its posts are refused */
  ck_assert_int_eq(page("GET", "/", tok_read, NULL, &head, &body), 200);
  ck_assert_ptr_null(strstr(body, "action=\"/ui/"));
  ck_assert_ptr_nonnull(strstr(body, "(read)"));
  csrf_of(body, csrf);
  free(head);
  free(body);
  snprintf(form, sizeof(form), "action=release&reason=ok&csrf=%s", csrf);
  expect("POST", "/ui/orders/O-1041/review", tok_read, form, 403,
         "may not review");
  ck_assert_int_eq(open_orders(), n);

  /* a clearance and a NAC filing through their forms */
  ck_assert_int_eq(page("GET", "/", tok_review, NULL, &head, &body), 200);
  csrf_of(body, csrf);
  {
    const char *card = strstr(body, "id=\"order-O-1041\"");
    const char *e = card ? strstr(card, "name=\"entry\" value=\"") : NULL;
    char entry[64], *log = NULL, date[11];
    const char *hist[] = { "screen", "history", "--format", "json", NULL };
    const char *nac[] = { "audit",    "show", "--order", "O-1015",
                          "--format", "json", NULL };
    time_t now = time(NULL);
    struct tm tm;

    ck_assert_ptr_nonnull(e);
    e += strlen("name=\"entry\" value=\"");
    snprintf(entry, sizeof(entry), "%.*s", (int)strcspn(e, "\""), e);
    free(head);
    free(body);
    snprintf(form, sizeof(form),
             "customer=Moore+Threads+Technology+Co+Ltd&entry=%s&order=O-1041"
             "&reason=Different+company%%3A+checked+registry&csrf=%s",
             entry, csrf);
    ck_assert_msg(
        page("POST", "/ui/clearances", tok_review, form, &head, &body) == 303,
        "%.300s", strstr(body, "alert") ? strstr(body, "alert") : head);
    ck_assert_msg(strstr(head, "Location: /?cleared=") &&
                      strstr(head, "#order-O-1041"),
                  "%s", head);
    free(head);
    free(body);
    ck_assert_int_eq(t_run(db_path, &log, NULL, hist), 0);
    ck_assert_msg(strstr(log, "\"reviewer\": \"Rita Reviewer\"") &&
                      strstr(log, "Different company: checked registry") &&
                      strstr(log, entry),
                  "screen history: %s", log);
    free(log);

    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d", &tm);
    snprintf(form, sizeof(form), "filed=%s&ref=SNAPR+0042&csrf=%s", date,
             csrf);
    ck_assert_int_eq(
        page("POST", "/ui/orders/O-1015/nac", tok_review, form, &head, &body),
        303);
    ck_assert_msg(strstr(head, "Location: /?done="), "%s", head);
    free(head);
    free(body);
    ck_assert_int_eq(t_run(db_path, &log, NULL, nac), 0);
    ck_assert_msg(strstr(log, "\"kind\":\"nac_filed\"") &&
                      strstr(log, "\"ref\":\"SNAPR 0042\""),
                  "O-1015's log: %s", log);
    free(log);
  }

  /* signing out takes the page's own form, and clears the cookie */
  ck_assert_int_eq(page("POST", "/logout", tok_review, "csrf=0", &head, &body),
                   403);
  free(head);
  free(body);
  ck_assert_int_eq(page("GET", "/", tok_review, NULL, &head, &body), 200);
  csrf_of(body, csrf);
  free(head);
  free(body);
  snprintf(form, sizeof(form), "csrf=%s", csrf);
  ck_assert_int_eq(page("POST", "/logout", tok_review, form, &head, &body),
                   200);
  ck_assert_ptr_nonnull(strstr(head, "Set-Cookie: chipgate_session=;"));
  ck_assert_ptr_nonnull(strstr(head, "Max-Age=0"));
  free(head);
  free(body);
}
END_TEST

/* What the page must not do: take a form cut by %00 or with a field twice,
 * a sign-in from another site, a notice made up in the URL; offer a step
 * the API would refuse; answer a browser with JSON. */
START_TEST(test_page_guards)
{
  char *head = NULL, *body = NULL, csrf[33], form[512], date[11];
  time_t now = time(NULL);
  struct tm tm;
  int n = open_orders();

  ck_assert_int_eq(page("GET", "/", tok_review, NULL, &head, &body), 200);
  csrf_of(body, csrf);
  free(head);
  free(body);
  /* a %00 would have cut the reason short: refused, nothing recorded */
  snprintf(form, sizeof(form),
           "action=release&reason=Checked%%00+but+not+really&csrf=%s", csrf);
  expect("POST", "/ui/orders/O-1041/review", tok_review, form, 400,
         "NUL byte");
  snprintf(form, sizeof(form), "action=block&action=release&reason=x&csrf=%s",
           csrf);
  expect("POST", "/ui/orders/O-1041/review", tok_review, form, 400,
         "given twice");
  ck_assert_int_eq(open_orders(), n);

  /* another site cannot sign a browser in */
  snprintf(form, sizeof(form), "token=%s", tok_read);
  ck_assert_int_eq(page_h("POST", "/login", NULL,
                          "Sec-Fetch-Site: cross-site\r\n", form, &head,
                          &body),
                   403);
  ck_assert_ptr_null(strstr(head, "Set-Cookie"));
  free(head);
  free(body);
  ck_assert_int_eq(page_h("POST", "/login", NULL,
                          "Origin: https://evil.example\r\n", form, &head,
                          &body),
                   403);
  free(head);
  free(body);
  /* behind a TLS proxy the cookie is Secure */
  ck_assert_int_eq(page_h("POST", "/login", NULL,
                          "X-Forwarded-Proto: https\r\nSec-Fetch-Site: "
                          "same-origin\r\n",
                          form, &head, &body),
                   303);
  ck_assert_msg(strstr(head, "; Secure"), "%s", head);
  free(head);
  free(body);

  /* notices come from the log, not from the URL */
  ck_assert_int_eq(page("GET", "/?cleared=999%20(two%20agreed)&done=1",
                        tok_review, NULL, &head, &body),
                   200);
  ck_assert_ptr_null(strstr(body, "class=\"notice\""));
  free(head);
  free(body);

  /* a clearance: listed on the card by who made it, no second form for
   * them */
  ck_assert_int_eq(page("GET", "/", tok_review, NULL, &head, &body), 200);
  {
    const char *card = strstr(body, "id=\"order-O-1041\"");
    const char *e = card ? strstr(card, "name=\"entry\" value=\"") : NULL;
    char entry[64];
    ck_assert_ptr_nonnull(e);
    e += strlen("name=\"entry\" value=\"");
    snprintf(entry, sizeof(entry), "%.*s", (int)strcspn(e, "\""), e);
    free(head);
    free(body);
    snprintf(form, sizeof(form),
             "customer=Moore+Threads+Technology+Co+Ltd&entry=%s&order=O-1041"
             "&reason=Other+company&csrf=%s",
             entry, csrf);
    ck_assert_int_eq(
        page("POST", "/ui/clearances", tok_review, form, &head, &body), 303);
    free(body);
    ck_assert_ptr_nonnull(strstr(head, "Location: /?cleared="));
    {
      char loc[256];
      const char *l = strstr(head, "Location: ") + 10;
      snprintf(loc, sizeof(loc), "%.*s", (int)strcspn(l, "#\r\n"), l);
      free(head);
      ck_assert_int_eq(page("GET", loc, tok_review, NULL, &head, &body), 200);
    }
    ck_assert_ptr_nonnull(strstr(body, "cleared Moore Threads Technology Co "
                                       "Ltd for list entry"));
    card = strstr(body, "id=\"order-O-1041\"");
    ck_assert_ptr_nonnull(card);
    ck_assert_ptr_nonnull(strstr(card, "by <b>Rita Reviewer</b>: Other "
                                       "company"));
    ck_assert_ptr_nonnull(strstr(card, "You have cleared it."));
    e = strstr(card, "</section>");
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(!strstr(card, "action=\"/ui/clearances\"") ||
                      strstr(card, "action=\"/ui/clearances\"") > e,
                  "a second clear form for the same reviewer");
    free(head);
    free(body);
  }

  /* after a NAC filing no second filing is offered */
  gmtime_r(&now, &tm);
  strftime(date, sizeof(date), "%Y-%m-%d", &tm);
  snprintf(form, sizeof(form), "filed=%s&ref=SNAPR-7&csrf=%s", date, csrf);
  ck_assert_int_eq(
      page("POST", "/ui/orders/O-1015/nac", tok_review, form, &head, &body),
      303);
  free(head);
  free(body);
  ck_assert_int_eq(
      page("GET", "/?outcome=notify", tok_review, NULL, &head, &body), 200);
  ck_assert_ptr_nonnull(strstr(body, "id=\"order-O-1022\""));
  ck_assert_ptr_null(strstr(body, "action=\"/ui/orders/O-1015/nac\""));
  ck_assert_ptr_nonnull(strstr(body, "action=\"/ui/orders/O-1022/nac\""));
  ck_assert_ptr_nonnull(strstr(body, "<b>nac_filed</b>"));
  free(head);
  free(body);

  /* a browser's refusals are pages */
  ck_assert_int_eq(page("POST", "/ui/orders/O-%FF/review", tok_review,
                        "csrf=x", &head, &body),
                   400);
  ck_assert_ptr_nonnull(strstr(head, "Content-Type: text/html"));
  free(head);
  free(body);
  ck_assert_int_eq(page("GET", "/ui/nothing", tok_review, NULL, &head, &body),
                   404);
  ck_assert_ptr_nonnull(strstr(head, "Content-Type: text/html"));
  free(head);
  free(body);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("review_page");
  TCase *tc = tcase_create("page");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_sign_in_and_forms_over_http);
  tcase_add_test(tc, test_page_guards);
  tcase_add_test(tc, test_release_in_chromium);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return t_run_suite(suite());
}
