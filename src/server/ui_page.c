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
#include "rules/facts.h"
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

static void badge(page *p, const char *outcome)
{
  fprintf(p->f, "<span class=\"badge b-%s\">", outcome ? outcome : "none");
  h(p, outcome ? outcome : "undecided");
  fputs("</span>", p->f);
}

static void num(page *p, double v)
{
  if(isnan(v))
    fputs("unknown", p->f);
  else
    fprintf(p->f, "%.4g", v);
}

/* The rules that fired, the decisive ones marked; the unknown facts. */
static void rules_table(page *p, const cg_decision *d)
{
  size_t i;
  int k, first = 1;

  fputs("<h3>Rules that decided it</h3><table class=\"rules\"><tr><th>Rule"
        "</th><th>Outcome</th><th>Why</th><th>Citation</th></tr>",
        p->f);
  for(i = 0; i < d->nrules; i++) {
    const cg_decision_rule *r = &d->rules[i];
    /* bold: the rules that gave the outcome, not the classifications */
    int gave = r->decisive && !r->relieved &&
               !strcmp(r->outcome, cg_outcome_name(d->decision));
    fprintf(p->f, "<tr%s><td>", gave ? " class=\"decisive\"" : "");
    h(p, r->id);
    fputs("<br><span class=\"muted\">", p->f);
    h(p, r->title);
    fputs("</span></td><td>", p->f);
    h(p, r->outcome);
    fputs(r->relieved ? " (relieved)" : "", p->f);
    fputs("</td><td>", p->f);
    h(p, r->reason);
    fputs("</td><td class=\"cite\">", p->f);
    h(p, r->cite);
    fputs("</td></tr>", p->f);
  }
  fputs("</table>", p->f);
  for(k = 0; k < CG_F_COUNT && k < 64; k++)
    if(d->missing & ((uint64_t)1 << k)) {
      fputs(first ? "<p class=\"missing\">Unknown facts that hold it (supply "
                    "them and the next batch re-decides it): "
                  : ", ",
            p->f);
      h(p, cg_fact_name(k));
      first = 0;
    }
  if(!first)
    fputs("</p>", p->f);
  for(i = 0; i < d->nalts; i++) {
    fputs("<p class=\"muted\">Would be ", p->f);
    h(p, d->alts[i].outcome);
    fputs(" if ", p->f);
    h(p, d->alts[i].when);
    fputs("</p>", p->f);
  }
}

static void hidden(page *p, const char *name, const char *value)
{
  fprintf(p->f, "<input type=\"hidden\" name=\"%s\" value=\"", name);
  h(p, value);
  fputs("\">", p->f);
}

/* The screening matches, with a clear form for each open one. */
static void hits_table(page *p, const cg_decision *d, const char *order,
                       const char *csrf, int may_clear)
{
  size_t i;

  if(!d->nhits)
    return;
  fputs("<h3>Screening matches</h3><table class=\"hits\"><tr><th>List entry"
        "</th><th>Matched</th><th>Score</th><th>Status</th></tr>",
        p->f);
  for(i = 0; i < d->nhits; i++) {
    const cg_decision_hit *x = &d->hits[i];
    fputs("<tr><td>", p->f);
    h(p, x->name);
    fputs("<br><span class=\"muted\">", p->f);
    h(p, x->list);
    fputs("; entry ", p->f);
    h(p, x->entry_id);
    if(x->federal_register_notice && *x->federal_register_notice) {
      fputs("; ", p->f);
      h(p, x->federal_register_notice);
    }
    if(x->license_policy && *x->license_policy) {
      fputs("; ", p->f);
      h(p, x->license_policy);
    }
    fputs("</span></td><td>", p->f);
    h(p, x->screened);
    fputs(" ~ ", p->f);
    h(p, x->matched_name);
    fputs(x->via_alias ? " (alias)" : "", p->f);
    fputs("</td><td>", p->f);
    num(p, x->score);
    fputs(x->sure ? " sure" : " possible", p->f);
    fputs("</td><td>", p->f);
    if(x->cleared)
      fputs("cleared", p->f);
    else if(may_clear) {
      fputs("<form method=\"post\" action=\"/ui/clearances\" "
            "class=\"step clear\">",
            p->f);
      hidden(p, "csrf", csrf);
      /* a clearance is the customer's, for a hit on its parent too */
      hidden(p, "customer", d->customer.name);
      hidden(p, "entry", x->entry_id);
      hidden(p, "order", order);
      fputs("<label>Why it is not this party <textarea name=\"reason\" "
            "required maxlength=\"2000\"></textarea></label><button "
            "type=\"submit\">Clear match</button></form>",
            p->f);
      if(x->sure)
        fputs("<span class=\"muted\">a sure hit needs two reviewers</span>",
              p->f);
    }
    else
      fputs("open", p->f);
    fputs("</td></tr>", p->f);
  }
  fputs("</table>", p->f);
}

static void licences_table(page *p, const cg_decision *d)
{
  size_t i, k;

  if(!d->nlicense_checks) {
    fputs("<p class=\"muted\">No licence or approval on file for this "
          "customer.</p>",
          p->f);
    return;
  }
  fputs("<h3>Licences considered</h3><table class=\"licences\"><tr><th>"
        "Number</th><th>Kind</th><th>Covers the order</th><th>Why not</th>"
        "</tr>",
        p->f);
  for(i = 0; i < d->nlicense_checks; i++) {
    const cg_decision_license_check *c = &d->license_checks[i];
    fputs("<tr><td>", p->f);
    h(p, c->number);
    fputs("</td><td>", p->f);
    h(p, c->kind);
    fprintf(p->f, "</td><td>%s%s</td><td>", c->covers ? "yes" : "no",
            c->used ? " (used)" : "");
    for(k = 0; k < c->nreasons; k++) {
      h(p, c->reasons[k].text);
      fputs(k + 1 < c->nreasons ? "; " : "", p->f);
    }
    fputs("</td></tr>", p->f);
  }
  fputs("</table>", p->f);
}

/* The order's steps after its decisions: reviews, NAC filings. */
static void record(page *p, cg_srv_worker *w, const char *order)
{
  cg_json *doc = NULL, *entries;
  cg_error err = { 0 };
  size_t i, n = 0;

  if(cg_history_show(w->db, order, &doc, &err) != CG_OK)
    return;
  entries = cg_json_get(doc, "entries");
  for(i = 0; i < cg_json_size(entries); i++) {
    cg_json *e = cg_json_at(entries, i), *fields = cg_json_get(e, "fields");
    void *it;
    if(!strcmp(cg_json_string_value(cg_json_get(e, "kind")), "decision"))
      continue;
    fputs(n++ ? "<li>" : "<h3>Record</h3><ul class=\"record\"><li>", p->f);
    fprintf(p->f, "#%.0f ", cg_json_number_value(cg_json_get(e, "seq")));
    h(p, cg_json_string_value(cg_json_get(e, "at")));
    fputs(" <b>", p->f);
    h(p, cg_json_string_value(cg_json_get(e, "kind")));
    fputs("</b>", p->f);
    for(it = cg_json_iter(fields, NULL); it; it = cg_json_iter(fields, it)) {
      const char *v = cg_json_string_value(cg_json_iter_value(it));
      if(!v)
        continue;
      fputs("; ", p->f);
      h(p, cg_json_iter_key(it));
      fputs(": ", p->f);
      h(p, v);
    }
    fputs("</li>", p->f);
  }
  if(n)
    fputs("</ul>", p->f);
  cg_json_free(doc);
}

/* The forms for an order's next step that the role may take. */
static void forms(page *p, const cg_srv_req *req, const char *order,
                  const char *outcome, int on_unknown, const char *csrf)
{
  char path[600];

  cg_ui_url_part(order, path, sizeof(path));
  if(!strcmp(outcome, "hold") &&
     cg_token_role_may((cg_token_role)req->role, CG_TOKEN_REVIEW)) {
    fprintf(p->f,
            "<form method=\"post\" action=\"/ui/orders/%s/review\" "
            "class=\"step review\">",
            path);
    hidden(p, "csrf", csrf);
    fputs("<label>Reason <textarea name=\"reason\" required "
          "maxlength=\"2000\"></textarea></label>",
          p->f);
    /* a hold on unknown facts is settled by the facts, not by a person */
    if(!on_unknown)
      fputs("<button type=\"submit\" name=\"action\" value=\"release\">"
            "Release</button>",
            p->f);
    fputs("<button type=\"submit\" name=\"action\" value=\"block\">"
          "Block</button></form>",
          p->f);
  }
  if(!strcmp(outcome, "notify") &&
     cg_token_role_may((cg_token_role)req->role, CG_TOKEN_NAC)) {
    fprintf(p->f,
            "<form method=\"post\" action=\"/ui/orders/%s/nac\" "
            "class=\"step nac\">",
            path);
    hidden(p, "csrf", csrf);
    fputs("<label>NAC filed on <input type=\"date\" name=\"filed\" "
          "required></label><label>SNAP-R reference <input name=\"ref\" "
          "maxlength=\"200\"></label><button type=\"submit\">Record NAC "
          "filing</button></form>",
          p->f);
  }
}

/* One order of the queue (item: an element of cg_history_orders). */
static void order_card(page *p, cg_srv_worker *w, const cg_srv_req *req,
                       const cg_json *item, const char *csrf)
{
  const char *id = cg_json_string_value(cg_json_get(item, "order_id"));
  const char *outcome = cg_json_string_value(cg_json_get(item, "outcome"));
  double seq = cg_json_number_value(cg_json_get(item, "current_seq"));
  cg_decision d;
  cg_error err = { 0 };
  char *doc = NULL;
  size_t len = 0;

  fputs("<section class=\"order\" id=\"order-", p->f);
  h(p, id);
  fputs("\" data-order=\"", p->f);
  h(p, id);
  fprintf(p->f, "\" data-outcome=\"%s\"><h2>", outcome ? outcome : "");
  badge(p, outcome);
  h(p, id);
  fputs("</h2><p>", p->f);
  h(p, cg_json_string_value(cg_json_get(item, "customer")));
  fputs(" &middot; ", p->f);
  h(p, cg_json_string_value(cg_json_get(item, "chip")));
  fprintf(p->f, " &middot; %.0f to ",
          cg_json_number_value(cg_json_get(item, "quantity")));
  h(p, cg_json_string_value(cg_json_get(item, "destination")));
  fputs(" &middot; ships ", p->f);
  h(p, cg_json_string_value(cg_json_get(item, "ship_date")));
  fprintf(p->f, " <span class=\"muted\">decision #%.0f, ", seq);
  h(p, cg_json_string_value(cg_json_get(item, "decided_at")));
  fputs("</span></p>", p->f);
  cg_decision_init(&d);
  if(isnan(seq) || cg_audit_doc(w->db, (int64_t)seq, &doc, &len, &err) ||
     cg_decision_parse(doc, len, &d, &err)) {
    fputs("<p class=\"error\">The decision cannot be read: ", p->f);
    h(p, err.msg);
    fputs("</p>", p->f);
  }
  else {
    rules_table(p, &d);
    hits_table(p, &d, id, csrf,
               cg_token_role_may((cg_token_role)req->role, CG_TOKEN_CLEAR));
    licences_table(p, &d);
  }
  free(doc);
  record(p, w, id);
  if(outcome)
    forms(p, req, id, outcome, d.missing != 0, csrf);
  cg_decision_clear(&d);
  fputs("</section>\n", p->f);
}

/* What ?done=SEQ or ?cleared=ID recorded, read back from the log. */
static void notice(page *p, cg_srv_worker *w, const cg_srv_req *req)
{
  const char *done = req->arg(req, "done");
  cg_json *e = NULL;
  cg_error err = { 0 };
  char *doc = NULL;
  long long seq = done ? atoll(done) : 0;

  if(req->arg(req, "cleared")) {
    fputs("<p class=\"notice\" role=\"status\">Clearance #", p->f);
    h(p, req->arg(req, "cleared"));
    fputs(" recorded. The order stays held until it is released or the "
          "next batch re-decides it.</p>",
          p->f);
    return;
  }
  if(seq <= 0 || cg_audit_doc(w->db, seq, &doc, NULL, &err) != CG_OK ||
     cg_json_parse(&e, doc, strlen(doc), "entry", &err) != CG_OK) {
    free(doc);
    return;
  }
  fprintf(p->f,
          "<p class=\"notice\" role=\"status\">Recorded in the audit "
          "log as entry #%lld: ",
          seq);
  h(p, cg_json_string_value(cg_json_get(e, "kind")));
  fputs(" ", p->f);
  h(p, cg_json_string_value(cg_json_get(e, "action")));
  fputs(" of ", p->f);
  h(p, cg_json_string_value(cg_json_get(e, "order_id")));
  if(cg_json_string_value(cg_json_get(e, "reviewer"))) {
    fputs(" by ", p->f);
    h(p, cg_json_string_value(cg_json_get(e, "reviewer")));
  }
  fputs(".</p>", p->f);
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

void cg_ui_render(cg_srv_worker *w, const cg_srv_req *req, int status,
                  const char *error, cg_srv_resp *resp)
{
  cg_history_filter f = { CG_STATE_OPEN, -1, 0, NULL };
  const char *outcome = req->arg ? req->arg(req, "outcome") : NULL;
  const char *pg = req->arg ? req->arg(req, "page") : NULL;
  cg_json *orders = NULL;
  cg_error err = { 0 };
  char csrf[33] = "";
  long pageno = pg ? atol(pg) : 1;
  size_t i, n;
  page p;

  if(!req->who) { /* a sign-in form that could not be read */
    cg_ui_login_page(status, error, resp);
    return;
  }
  if(outcome && *outcome)
    f.outcome = cg_outcome_parse(outcome);
  if(pageno < 1 || pageno > 1000000)
    pageno = 1;
  if(!req->cookie || cg_ui_csrf(req->cookie, csrf) != CG_OK ||
     !page_open(&p, "chipgate review queue")) {
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  fputs("<header><h1>chipgate review queue</h1><span>Signed in as <b>", p.f);
  h(&p, req->who);
  fprintf(p.f, "</b> (%s)</span><form method=\"post\" action=\"/logout\">",
          cg_token_role_name((cg_token_role)req->role));
  hidden(&p, "csrf", csrf);
  fputs("<button type=\"submit\">Sign out</button></form></header><main>",
        p.f);
  if(error) {
    fputs("<p class=\"error\" role=\"alert\">", p.f);
    h(&p, error);
    fputs("</p>", p.f);
  }
  notice(&p, w, req);
  filters(&p, f.outcome);
  if(cg_history_orders(w->db, &f, &orders, &err) != CG_OK) {
    fputs("<p class=\"error\">", p.f);
    h(&p, err.msg);
    fputs("</p>", p.f);
  }
  n = cg_json_size(orders);
  fprintf(p.f, "<p id=\"count\">%zu open order%s%s</p>\n", n,
          n == 1 ? "" : "s", n > PER_PAGE ? ", a page at a time" : "");
  for(i = (size_t)(pageno - 1) * PER_PAGE;
      i < n && i < (size_t)pageno * PER_PAGE; i++)
    order_card(&p, w, req, cg_json_at(orders, i), csrf);
  if(n > (size_t)pageno * PER_PAGE)
    fprintf(p.f, "<p><a href=\"/?%s%s%spage=%ld\">Next page</a></p>",
            f.outcome >= 0 ? "outcome=" : "",
            f.outcome >= 0 ? cg_outcome_name((cg_outcome)f.outcome) : "",
            f.outcome >= 0 ? "&amp;" : "", pageno + 1);
  cg_json_free(orders);
  fputs("</main>", p.f);
  page_close(&p, status, resp);
}

void cg_ui_page(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  cg_ui_render(w, req, 200, NULL, resp);
}
