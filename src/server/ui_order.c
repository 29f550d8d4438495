/* ui_order.c -- one order of the review page's queue (ui.h): what decided
 * it, its screening matches with the clearances in force now, the
 * licences considered, its record, and the forms for the steps the
 * order's state and the reviewer's role allow, so that the page does not
 * offer a step the API would refuse. */
#include "server/ui.h"

#include "core/json.h"
#include "decide/audit.h"
#include "decide/decision.h"
#include "decide/history.h"
#include "report/report.h"
#include "rules/facts.h"
#include "rules/rules.h"
#include "screen/screen.h"
#include "server/token.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the order's record says about the steps still open to the
 * reviewer (from the entries after its current decision). */
typedef struct steps {
  int nac_filed;      /* a NAC filing is on record (one per order) */
  int released_by_me; /* this reviewer's release counts already */
} steps;

static void h(FILE *f, const char *s)
{
  cg_report_html_text(f, s);
}

/* ui.h */
void cg_ui_hidden(FILE *f, const char *name, const char *value)
{
  fprintf(f, "<input type=\"hidden\" name=\"%s\" value=\"", name);
  h(f, value);
  fputs("\">", f);
}

static void num(FILE *f, double v)
{
  if(isnan(v))
    fputs("unknown", f);
  else
    fprintf(f, "%.4g", v);
}

/* The rules that fired, those that gave the outcome in bold; the
 * unknown facts that hold it and what it would be otherwise. */
static void rules_table(FILE *f, const cg_decision *d)
{
  size_t i;
  int k, first = 1;

  fputs("<h3>Rules that decided it</h3><table class=\"rules\"><tr><th>Rule"
        "</th><th>Outcome</th><th>Why</th><th>Citation</th></tr>",
        f);
  for(i = 0; i < d->nrules; i++) {
    const cg_decision_rule *r = &d->rules[i];
    int gave = r->decisive && !r->relieved &&
               !strcmp(r->outcome, cg_outcome_name(d->decision));
    fprintf(f, "<tr%s><td>", gave ? " class=\"decisive\"" : "");
    h(f, r->id);
    fputs("<br><span class=\"muted\">", f);
    h(f, r->title);
    fputs("</span></td><td>", f);
    h(f, r->outcome);
    fputs(r->relieved ? " (relieved)" : "", f);
    fputs("</td><td>", f);
    h(f, r->reason);
    fputs("</td><td class=\"cite\">", f);
    h(f, r->cite);
    fputs("</td></tr>", f);
  }
  fputs("</table>", f);
  for(k = 0; k < CG_F_COUNT && k < 64; k++)
    if(d->missing & ((uint64_t)1 << k)) {
      fputs(first ? "<p class=\"missing\">Unknown facts that hold it (supply "
                    "them and the next batch re-decides it): "
                  : ", ",
            f);
      h(f, cg_fact_name(k));
      first = 0;
    }
  if(!first)
    fputs("</p>", f);
  for(i = 0; i < d->nalts; i++) {
    fputs("<p class=\"muted\">Would be ", f);
    h(f, d->alts[i].outcome);
    fputs(" if ", f);
    h(f, d->alts[i].when);
    fputs("</p>", f);
  }
}

/* The clearances in force now for the customer's hit on entry, listed;
 * how many distinct reviewers, and whether who is one of them. */
static int in_force(FILE *f, cg_srv_worker *w, const char *customer,
                    const char *entry, const char *who, int *mine)
{
  cg_screen_clearances c = { 0, NULL };
  cg_error err = { 0 };
  size_t i;
  int n = 0;

  *mine = 0;
  if(cg_screen_clearance_history(w->db, customer, entry, &c, &err) != CG_OK)
    return 0;
  for(i = 0; i < c.n; i++) {
    const cg_screen_clearance *x = &c.items[i];
    if(x->revoked_at)
      continue;
    n++;
    *mine |= who && !strcmp(x->reviewer, who);
    fprintf(f, "%sclearance #%lld by <b>", n == 1 ? "" : "<br>",
            (long long)x->id);
    h(f, x->reviewer);
    fputs("</b>: ", f);
    h(f, x->reason);
  }
  cg_screen_clearances_free(&c);
  return n;
}

/* The screening matches, each with the clearances in force now and a
 * form to clear it for a reviewer who has not yet. */
static void hits_table(FILE *f, cg_srv_worker *w, const cg_srv_req *req,
                       const cg_decision *d, const char *order,
                       const char *csrf)
{
  int may = cg_token_role_may((cg_token_role)req->role, CG_TOKEN_CLEAR);
  size_t i;

  if(!d->nhits)
    return;
  fputs("<h3>Screening matches</h3><table class=\"hits\"><tr><th>List entry"
        "</th><th>Matched</th><th>Score</th><th>Clearances in force</th>"
        "</tr>",
        f);
  for(i = 0; i < d->nhits; i++) {
    const cg_decision_hit *x = &d->hits[i];
    int mine = 0, n;
    fputs("<tr><td>", f);
    h(f, x->name);
    fputs("<br><span class=\"muted\">", f);
    h(f, x->list);
    fputs("; entry ", f);
    h(f, x->entry_id);
    if(x->federal_register_notice && *x->federal_register_notice) {
      fputs("; ", f);
      h(f, x->federal_register_notice);
    }
    if(x->license_policy && *x->license_policy) {
      fputs("; ", f);
      h(f, x->license_policy);
    }
    fputs("</span></td><td>", f);
    h(f, x->screened);
    fputs(" ~ ", f);
    h(f, x->matched_name);
    fputs(x->via_alias ? " (alias)" : "", f);
    fputs("</td><td>", f);
    num(f, x->score);
    fputs(x->sure ? " sure" : " possible", f);
    fputs("</td><td class=\"clearances\">", f);
    /* a clearance is the customer's, for a hit on its parent too */
    n = in_force(f, w, d->customer.name, x->entry_id, req->who, &mine);
    fprintf(f, "%s%d of %d reviewer%s%s", n ? "<br>" : "", n, x->sure ? 2 : 1,
            x->sure ? "s" : "",
            x->cleared ? " (cleared when decided)" : " (open when decided)");
    if(mine)
      fputs("<br>You have cleared it.", f);
    else if(may && n < (x->sure ? 2 : 1)) {
      fputs("<form method=\"post\" action=\"/ui/clearances\" "
            "class=\"step clear\">",
            f);
      cg_ui_hidden(f, "csrf", csrf);
      cg_ui_hidden(f, "customer", d->customer.name);
      cg_ui_hidden(f, "entry", x->entry_id);
      cg_ui_hidden(f, "order", order);
      fputs("<label>Why it is not this party <input name=\"reason\" "
            "required maxlength=\"500\" size=\"40\"></label><button "
            "type=\"submit\">Clear match</button></form>",
            f);
    }
    fputs("</td></tr>", f);
  }
  fputs("</table>", f);
}

static void licences_table(FILE *f, const cg_decision *d)
{
  size_t i, k;

  if(!d->nlicense_checks) {
    fputs("<p class=\"muted\">No licence or approval on file for this "
          "customer.</p>",
          f);
    return;
  }
  fputs("<h3>Licences considered</h3><table class=\"licences\"><tr><th>"
        "Number</th><th>Kind</th><th>Covers the order</th><th>Why not</th>"
        "</tr>",
        f);
  for(i = 0; i < d->nlicense_checks; i++) {
    const cg_decision_license_check *c = &d->license_checks[i];
    fputs("<tr><td>", f);
    h(f, c->number);
    fputs("</td><td>", f);
    h(f, c->kind);
    fprintf(f, "</td><td>%s%s</td><td>", c->covers ? "yes" : "no",
            c->used ? " (used)" : "");
    for(k = 0; k < c->nreasons; k++) {
      h(f, c->reasons[k].text);
      fputs(k + 1 < c->nreasons ? "; " : "", f);
    }
    fputs("</td></tr>", f);
  }
  fputs("</table>", f);
}

/* A field of a record entry as text: strings, numbers, true and false;
 * arrays and objects as their JSON. */
static void field_text(FILE *f, const cg_json *v)
{
  cg_error err = { 0 };
  char *s = NULL;

  if(cg_json_string_value(v))
    h(f, cg_json_string_value(v));
  else if(cg_json_dump(&s, v, 0, &err) == CG_OK)
    h(f, s);
  free(s);
}

/* The order's record (every entry: decisions and the steps taken on
 * each), and what it says about the steps still open (st). */
static void record(FILE *f, const cg_json *doc, double current,
                   const char *who, steps *st)
{
  const cg_json *entries = cg_json_get(doc, "entries");
  size_t i, n = cg_json_size(entries);

  memset(st, 0, sizeof(*st));
  if(n < 2)
    return; /* the decision only: shown above */
  fputs("<h3>Record</h3><ul class=\"record\">", f);
  for(i = 0; i < n; i++) {
    const cg_json *e = cg_json_at(entries, i),
                  *fields = cg_json_get(e, "fields");
    const char *kind = cg_json_string_value(cg_json_get(e, "kind"));
    double seq = cg_json_number_value(cg_json_get(e, "seq"));
    int decision = kind && !strcmp(kind, "decision");
    void *it;
    fprintf(f, "<li%s>#%.0f ", seq < current ? " class=\"muted\"" : "", seq);
    h(f, cg_json_string_value(cg_json_get(e, "at")));
    fputs(" <b>", f);
    h(f, kind);
    fputs("</b>", f);
    if(decision) {
      fputs(": ", f);
      h(f, cg_json_string_value(cg_json_get(e, "outcome")));
      fputs(seq == current ? " (current)" : " (superseded)", f);
    }
    for(it = cg_json_iter(fields, NULL); it; it = cg_json_iter(fields, it)) {
      fputs("; ", f);
      h(f, cg_json_iter_key(it));
      fputs(": ", f);
      field_text(f, cg_json_iter_value(it));
    }
    fputs("</li>", f);
    if(kind && !strcmp(kind, "nac_filed"))
      st->nac_filed = 1;
    /* releases count only after the current decision, until a block */
    if(kind && !strcmp(kind, "review") && seq > current) {
      const char *action = cg_json_string_value(cg_json_get(fields, "action"));
      const char *by = cg_json_string_value(cg_json_get(fields, "reviewer"));
      if(action && !strcmp(action, "block"))
        st->released_by_me = 0;
      else if(by && who && !strcmp(by, who))
        st->released_by_me = 1;
    }
  }
  fputs("</ul>", f);
}

/* The forms for an order's next step that the role may take and the
 * order's state and record allow. */
static void forms(FILE *f, const cg_srv_req *req, const char *order,
                  const char *outcome, int on_unknown, const steps *st,
                  const char *csrf)
{
  char path[600];

  cg_api_url_part(order, path, sizeof(path));
  if(!strcmp(outcome, "hold") &&
     cg_token_role_may((cg_token_role)req->role, CG_TOKEN_REVIEW)) {
    fprintf(f,
            "<form method=\"post\" action=\"/ui/orders/%s/review\" "
            "class=\"step review\">",
            path);
    cg_ui_hidden(f, "csrf", csrf);
    fputs("<label>Reason <textarea name=\"reason\" required "
          "maxlength=\"500\"></textarea></label>",
          f);
    /* a hold on unknown facts is settled by the facts, not by a person */
    if(!on_unknown && !st->released_by_me)
      fputs("<button type=\"submit\" name=\"action\" value=\"release\">"
            "Release</button>",
            f);
    fputs("<button type=\"submit\" name=\"action\" value=\"block\">"
          "Block</button></form>",
          f);
    if(on_unknown)
      fputs("<p class=\"muted\">Held on unknown facts: supply them; a "
            "review cannot release it.</p>",
            f);
    else if(st->released_by_me)
      fputs("<p class=\"muted\">You have released it; it needs another "
            "reviewer's release too.</p>",
            f);
  }
  if(!strcmp(outcome, "notify") && !st->nac_filed &&
     cg_token_role_may((cg_token_role)req->role, CG_TOKEN_NAC)) {
    fprintf(f,
            "<form method=\"post\" action=\"/ui/orders/%s/nac\" "
            "class=\"step nac\">",
            path);
    cg_ui_hidden(f, "csrf", csrf);
    fputs("<label>NAC filed on <input type=\"date\" name=\"filed\" "
          "required></label><label>SNAP-R reference <input name=\"ref\" "
          "required maxlength=\"200\"></label><button type=\"submit\">"
          "Record NAC filing</button></form>",
          f);
  }
}

void cg_ui_order_card(FILE *f, cg_srv_worker *w, const cg_srv_req *req,
                      const cg_json *item, const char *csrf)
{
  const char *id = cg_json_string_value(cg_json_get(item, "order_id"));
  const char *outcome = cg_json_string_value(cg_json_get(item, "outcome"));
  double seq = cg_json_number_value(cg_json_get(item, "current_seq"));
  cg_json *hist = NULL;
  cg_decision d;
  cg_error err = { 0 };
  char *doc = NULL;
  size_t len = 0;
  steps st = { 0, 0 };
  int ok;

  fputs("<section class=\"order\" id=\"order-", f);
  h(f, id);
  fputs("\" data-order=\"", f);
  h(f, id);
  fprintf(f, "\" data-outcome=\"%s\"><h2><span class=\"badge b-%s\">%s</span>",
          outcome ? outcome : "", outcome ? outcome : "none",
          outcome ? outcome : "undecided");
  h(f, id);
  fputs("</h2><p>", f);
  h(f, cg_json_string_value(cg_json_get(item, "customer")));
  fputs(" &middot; ", f);
  h(f, cg_json_string_value(cg_json_get(item, "chip")));
  fprintf(f, " &middot; %.0f to ",
          cg_json_number_value(cg_json_get(item, "quantity")));
  h(f, cg_json_string_value(cg_json_get(item, "destination")));
  fputs(" &middot; ships ", f);
  h(f, cg_json_string_value(cg_json_get(item, "ship_date")));
  fprintf(f, " <span class=\"muted\">decision #%.0f, ", seq);
  h(f, cg_json_string_value(cg_json_get(item, "decided_at")));
  fputs("</span></p>", f);
  cg_decision_init(&d);
  ok = !isnan(seq) &&
       cg_audit_doc(w->db, (int64_t)seq, &doc, &len, &err) == CG_OK &&
       cg_decision_parse(doc, len, &d, &err) == CG_OK &&
       cg_history_show(w->db, id, &hist, &err) == CG_OK;
  if(ok) {
    rules_table(f, &d);
    hits_table(f, w, req, &d, id, csrf);
    licences_table(f, &d);
    record(f, hist, seq, req->who, &st);
    /* a decision or record that cannot be read offers no step */
    if(outcome)
      forms(f, req, id, outcome, d.missing != 0, &st, csrf);
  }
  else {
    fputs("<p class=\"error\">The decision or its record cannot be read "
          "(no step is offered): ",
          f);
    h(f, err.msg);
    fputs("</p>", f);
  }
  free(doc);
  cg_json_free(hist);
  cg_decision_clear(&d);
  fputs("</section>\n", f);
}
