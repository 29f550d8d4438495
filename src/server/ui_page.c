/* ui_page.c -- the review page's HTML (ui.h): the queue of open orders,
 * each with the rules and citations that decided it, its screening
 * matches, the licences considered, its record and the forms a reviewer's
 * role allows. Everything taken from data is escaped; the page has no
 * script. */
#include "server/ui.h"

#include "core/json.h"
#include "decide/audit.h"
#include "decide/decision.h"
#include "decide/history.h"
#include "model/order.h"
#include "report/report.h"
#include "screen/screen.h"
#include "rules/rules.h"
#include "server/token.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_PAGE 25 /* orders a page shows */

static const char style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;"
    "background:#f4f5f7}header{background:#1b2a41;color:#fff;padding:.6em "
    "1.2em;display:flex;gap:1em;align-items:center;flex-wrap:wrap}header "
    "h1{font-size:1.2em;margin:0;flex:1}main{max-width:72em;margin:auto;"
    "padding:1em}nav a{margin-right:.8em}.order{background:#fff;border:1px "
    "solid #d0d4da;border-radius:6px;padding:.8em 1.2em;margin:1em 0}"
    ".order h2{font-size:1.1em;margin:.2em 0}table{border-collapse:collapse;"
    "width:100%;margin:.4em 0}th,td{text-align:left;vertical-align:top;"
    "padding:.25em .5em;border-bottom:1px solid #e3e6ea;font-size:.92em}"
    "th{background:#f0f2f5}.badge{display:inline-block;padding:0 .5em;"
    "border-radius:3px;color:#fff;font-weight:600;margin-right:.4em}"
    ".b-nlr,.b-exception,.b-licensed{background:#2e7d32}.b-notify{"
    "background:#1565c0}.b-hold{background:#ef6c00}.b-license_required{"
    "background:#8e24aa}.b-deny{background:#c62828}.decisive td{font-weight:"
    "600}.error{background:#fdecea;border:1px solid #c62828;padding:.6em;"
    "border-radius:4px}.notice{background:#e8f5e9;border:1px solid #2e7d32;"
    "padding:.6em;border-radius:4px}form.step{display:flex;gap:.5em;"
    "flex-wrap:wrap;align-items:flex-end;margin:.5em 0}textarea{width:28em;"
    "max-width:100%;height:2.6em}.muted{color:#5f6b7a}";

typedef struct page {
  FILE *f;
  char *buf;
  size_t len;
} page;

static void h(page *p, const char *s)
{
  cg_report_html_text(p->f, s);
}

static int page_open(page *p, const char *title)
{
  memset(p, 0, sizeof(*p));
  if(!(p->f = open_memstream(&p->buf, &p->len)))
    return 0;
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width\"><title>",
        p->f);
  h(p, title);
  fprintf(p->f, "</title><style>%s</style></head><body>\n", style);
  return 1;
}

static void page_close(page *p, int status, cg_srv_resp *resp)
{
  fputs("</body></html>\n", p->f);
  if(fclose(p->f) != 0 || !p->buf) {
    free(p->buf);
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  free(resp->body);
  resp->body = p->buf;
  resp->len = p->len;
  resp->status = status;
  resp->type = "text/html; charset=utf-8";
}

void cg_ui_login_page(int status, const char *msg, cg_srv_resp *resp)
{
  page p;

  if(!page_open(&p, "chipgate review: sign in")) {
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  fputs("<header><h1>chipgate review</h1></header><main>", p.f);
  if(msg) {
    fputs(status >= 400 ? "<p class=\"error\" role=\"alert\">"
                        : "<p class=\"notice\">",
          p.f);
    h(&p, msg);
    fputs("</p>", p.f);
  }
  fputs("<form method=\"post\" action=\"/login\" class=\"step\" "
        "id=\"login\"><label>Your token <input type=\"password\" "
        "name=\"token\" autocomplete=\"off\" required size=\"50\"></label>"
        "<button type=\"submit\">Sign in</button></form><p class=\"muted\">"
        "An administrator makes one with <code>chipgate token add NAME "
        "--role review</code>; your reviews and clearances record its name. "
        "The page keeps it in a cookie for this browser session.</p></main>",
        p.f);
  page_close(&p, status, resp);
}

void cg_ui_notice_page(int status, const char *msg, cg_srv_resp *resp)
{
  page p;

  if(!page_open(&p, "chipgate review")) {
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  fputs("<header><h1>chipgate review</h1></header><main><p class=\"error\" "
        "role=\"alert\">",
        p.f);
  h(&p, msg);
  fputs("</p><p><a href=\"/\">Back to the queue</a></p></main>", p.f);
  page_close(&p, status, resp);
}

/* ?cleared=ID: the clearance as recorded, and how many reviewers now
 * clear the pair. */
static void cleared_notice(page *p, cg_srv_worker *w, const char *arg)
{
  cg_screen_clearances c = { 0, NULL }, all = { 0, NULL };
  cg_error err = { 0 };
  long long id = atoll(arg);
  size_t i;
  int n = 0;

  if(id <= 0 || cg_screen_clearance_get(w->db, id, &c, &err) != CG_OK)
    return;
  if(cg_screen_clearance_history(w->db, c.items[0].customer,
                                 c.items[0].entry_id, &all, &err) == CG_OK)
    for(i = 0; i < all.n; i++)
      n += !all.items[i].revoked_at;
  fprintf(p->f, "<p class=\"notice\" role=\"status\">Clearance #%lld: ", id);
  h(p, c.items[0].reviewer);
  fputs(" cleared ", p->f);
  h(p, c.items[0].customer);
  fputs(" for list entry ", p->f);
  h(p, c.items[0].entry_id);
  fprintf(p->f,
          " (%d reviewer%s in force; a sure hit needs 2). The order's "
          "decision is unchanged until a reviewer releases it or the next "
          "batch re-decides it.</p>",
          n, n == 1 ? "" : "s");
  cg_screen_clearances_free(&all);
  cg_screen_clearances_free(&c);
}

/* ?done=SEQ: the step the log recorded at SEQ, in words. */
static void done_notice(page *p, cg_srv_worker *w, const char *arg)
{
  cg_json *e = NULL;
  cg_error err = { 0 };
  char *doc = NULL;
  long long seq = atoll(arg);
  const char *kind, *order;

  if(seq <= 0 || cg_audit_doc(w->db, seq, &doc, NULL, &err) != CG_OK ||
     cg_json_parse(&e, doc, strlen(doc), "entry", &err) != CG_OK ||
     !(kind = cg_json_string_value(cg_json_get(e, "kind"))) ||
     !(order = cg_json_string_value(cg_json_get(e, "order_id")))) {
    cg_json_free(e);
    free(doc);
    return; /* a decision has no "kind": not a step taken here */
  }
  fprintf(p->f,
          "<p class=\"notice\" role=\"status\">Recorded in the audit log "
          "as entry #%lld: ",
          seq);
  if(!strcmp(kind, "review")) {
    const char *action = cg_json_string_value(cg_json_get(e, "action"));
    int released = cg_json_is_true(cg_json_get(e, "released"));
    h(p, cg_json_string_value(cg_json_get(e, "reviewer")));
    if(action && !strcmp(action, "block"))
      fputs(" blocked ", p->f);
    else
      fputs(" released ", p->f);
    h(p, order);
    if(action && !strcmp(action, "block"))
      fputs(": it stays on hold.", p->f);
    else if(released)
      fputs(": the order is releasable.", p->f);
    else
      fprintf(p->f,
              ": %.0f reviewers must release it; it stays on hold "
              "until another does.",
              cg_json_number_value(cg_json_get(e, "needed")));
  }
  else if(!strcmp(kind, "nac_filed")) {
    fputs("NAC filing of ", p->f);
    h(p, order);
    fputs(" on ", p->f);
    h(p, cg_json_string_value(cg_json_get(e, "filed")));
    fputs(" recorded; the next batch re-decides it once BIS's wait is "
          "over.",
          p->f);
  }
  else {
    h(p, kind);
    fputs(" of ", p->f);
    h(p, order);
    fputs(" recorded.", p->f);
  }
  fputs("</p>", p->f);
  cg_json_free(e);
  free(doc);
}

static void filters(page *p, int outcome)
{
  static const int shown[] = { CG_OUT_HOLD, CG_OUT_NOTIFY,
                               CG_OUT_LICENSE_REQUIRED, CG_OUT_DENY };
  size_t i;

  fputs("<nav>Show: ", p->f);
  fputs(outcome < 0 ? "<b>all open</b> " : "<a href=\"/\">all open</a> ",
        p->f);
  for(i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
    const char *name = cg_outcome_name((cg_outcome)shown[i]);
    if(outcome == shown[i])
      fprintf(p->f, "<b>%s</b> ", name);
    else
      fprintf(p->f, "<a href=\"/?outcome=%s\">%s</a> ", name, name);
  }
  fputs("</nav>", p->f);
}

/* Links to the pages before and after this one, keeping the filter. */
static void pager(page *p, int outcome, long pageno, int more)
{
  const char *name = outcome >= 0 ? cg_outcome_name((cg_outcome)outcome) : "";

  if(pageno <= 1 && !more)
    return;
  fputs("<p class=\"pager\">", p->f);
  if(pageno > 1)
    fprintf(p->f, "<a href=\"/?%s%s%spage=%ld\">Previous page</a> ",
            *name ? "outcome=" : "", name, *name ? "&amp;" : "", pageno - 1);
  fprintf(p->f, "page %ld ", pageno);
  if(more)
    fprintf(p->f, "<a href=\"/?%s%s%spage=%ld\">Next page</a>",
            *name ? "outcome=" : "", name, *name ? "&amp;" : "", pageno + 1);
  fputs("</p>", p->f);
}

/* The header: who is signed in, and the sign-out form. */
static void top(page *p, const cg_srv_req *req, const char *csrf)
{
  fputs("<header><h1>chipgate review queue</h1><span>Signed in as <b>", p->f);
  h(p, req->who);
  fprintf(p->f, "</b> (%s)</span><form method=\"post\" action=\"/logout\">",
          cg_token_role_name((cg_token_role)req->role));
  cg_ui_hidden(p->f, "csrf", csrf);
  fputs("<button type=\"submit\">Sign out</button></form></header><main>",
        p->f);
}

void cg_ui_render(cg_srv_worker *w, const cg_srv_req *req, int status,
                  const char *error, cg_srv_resp *resp)
{
  cg_history_filter f = { CG_STATE_OPEN, -1, 0, NULL, PER_PAGE, 0 };
  const char *outcome = req->arg ? req->arg(req, "outcome") : NULL;
  const char *pg = req->arg ? req->arg(req, "page") : NULL;
  cg_json *orders = NULL;
  cg_error err = { 0 };
  char csrf[33] = "";
  long pageno = pg ? atol(pg) : 1;
  int64_t total = 0;
  size_t i;
  int more = 0;
  page p;

  if(!req->who) { /* a sign-in form that could not be read */
    cg_ui_login_page(status, error, resp);
    return;
  }
  if(outcome && *outcome)
    f.outcome = cg_outcome_parse(outcome);
  if(pageno < 1 || pageno > 1000000)
    pageno = 1;
  f.offset = (pageno - 1) * PER_PAGE;
  if(!req->cookie || cg_ui_csrf(req->cookie, csrf) != CG_OK ||
     !page_open(&p, "chipgate review queue")) {
    cg_api_error(resp, 500, "internal", NULL, "the page cannot be made");
    return;
  }
  top(&p, req, csrf);
  if(error || (outcome && *outcome && f.outcome < 0)) {
    fputs("<p class=\"error\" role=\"alert\">", p.f);
    h(&p, error ? error : "No such outcome: showing every open order.");
    fputs("</p>", p.f);
  }
  if(req->arg(req, "done"))
    done_notice(&p, w, req->arg(req, "done"));
  if(req->arg(req, "cleared"))
    cleared_notice(&p, w, req->arg(req, "cleared"));
  filters(&p, f.outcome);
  if(cg_history_count(w->db, &f, &total, &err) != CG_OK ||
     cg_history_orders_page(w->db, &f, &orders, &more, &err) != CG_OK) {
    fputs("<p class=\"error\">The queue cannot be read: ", p.f);
    h(&p, err.msg);
    fputs("</p></main>", p.f);
    page_close(&p, 503, resp);
    return;
  }
  fprintf(p.f, "<p id=\"count\">%lld open order%s%s</p>\n", (long long)total,
          total == 1 ? "" : "s", total > PER_PAGE ? ", 25 a page" : "");
  for(i = 0; i < cg_json_size(orders); i++)
    cg_ui_order_card(p.f, w, req, cg_json_at(orders, i), csrf);
  pager(&p, f.outcome, pageno, more);
  cg_json_free(orders);
  fputs("</main>", p.f);
  page_close(&p, status, resp);
}

void cg_ui_page(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  cg_ui_render(w, req, 200, NULL, resp);
}
