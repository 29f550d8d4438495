/* api_orders.c -- the order routes of `chipgate serve` (api.h): what
 * `chipgate list orders` and `chipgate show order` print, as JSON. */
#include "server/api.h"

#include "core/clock.h"
#include "core/json.h"
#include "core/text.h"
#include "decide/history.h"
#include "model/customer.h"
#include "model/order.h"
#include "rules/rules.h"

#include <stdio.h>
#include <string.h>

/* 400 naming the query argument. */
static void bad_arg(cg_srv_resp *resp, const char *name, const char *v,
                    const char *want)
{
  char msg[512];

  snprintf(msg, sizeof(msg), "?%s=%.200s: %s", name, v, want);
  cg_api_error(resp, 400, "invalid", name, msg);
}

/* The filter of GET /v1/orders from the query; 0 with resp set when an
 * argument is bad (nothing is listed then). */
static int filter_of(cg_srv_worker *w, const cg_srv_req *req,
                     cg_history_filter *f, cg_srv_resp *resp)
{
  const char *state = req->arg(req, "state");
  const char *outcome = req->arg(req, "outcome");
  const char *customer = req->arg(req, "customer");
  const char *since = req->arg(req, "since");
  cg_error err = { 0 };

  const char *const names[] = { "state", "outcome", "customer", "since" };
  const char *const vals[] = { state, outcome, customer, since };
  size_t k;

  for(k = 0; k < 4; k++)
    if(vals[k] && cg_text_invalid_at(vals[k], strlen(vals[k])) >= 0) {
      cg_api_error(resp, 400, "invalid", names[k],
                   "a query value is not valid UTF-8");
      return 0;
    }
  f->state = state ? cg_order_state_parse(state) : -1;
  f->outcome = outcome ? cg_outcome_parse(outcome) : -1;
  f->customer_id = 0;
  f->since = since;
  if(state && f->state < 0) {
    bad_arg(resp, "state", state,
            "pending, open, releasable, shipped or cancelled");
    return 0;
  }
  if(outcome && f->outcome < 0) {
    bad_arg(resp, "outcome", outcome,
            "nlr, exception, licensed, notify, hold, license_required or "
            "deny");
    return 0;
  }
  if(since && !cg_date_valid(since)) {
    bad_arg(resp, "since", since, "a date, YYYY-MM-DD");
    return 0;
  }
  if(customer) {
    if(cg_customer_find_ref(w->db, customer, &f->customer_id, &err) != CG_OK) {
      cg_api_fail(resp, &err, "customer");
      return 0;
    }
    if(f->customer_id == 0) {
      bad_arg(resp, "customer", customer, "no such customer (name or id)");
      return 0;
    }
  }
  return 1;
}

void cg_api_orders_list(cg_srv_worker *w, const cg_srv_req *req,
                        cg_srv_resp *resp)
{
  cg_history_filter f;
  cg_error err = { 0 };
  cg_json *arr = NULL;

  if(!filter_of(w, req, &f, resp))
    return;
  if(cg_history_orders(w->db, &f, &arr, &err) != CG_OK) {
    cg_api_fail(resp, &err, NULL);
    return;
  }
  cg_api_json(resp, 200, arr);
}

void cg_api_order_show(cg_srv_worker *w, const cg_srv_req *req,
                       cg_srv_resp *resp)
{
  cg_error err = { 0 };
  cg_json *doc = NULL;

  if(cg_history_show(w->db, req->id, &doc, &err) != CG_OK) {
    cg_api_fail(resp, &err, NULL);
    return;
  }
  cg_api_json(resp, 200, doc);
}
