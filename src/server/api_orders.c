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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* api.h; filters first */
const char *const cg_api_orders_args[] = { "state", "outcome", "customer",
                                           "since", "limit",   "offset",
                                           NULL };
#define FILTER_ARGS 4

/* A page of at most this many orders, this many when not asked: the
 * answer's size is bounded whatever the number of orders stored. */
#define LIMIT_MAX     10000
#define LIMIT_DEFAULT 1000

/* 400 naming the query argument. */
static void bad_arg(cg_srv_resp *resp, const char *name, const char *v,
                    const char *want)
{
  char msg[512];

  snprintf(msg, sizeof(msg), "?%s=%.200s: %s", name, v, want);
  cg_api_error(resp, 400, "invalid", name, msg);
}

/* ?name=v as a whole number from lo to hi into *out (def when absent); 0
 * with resp set, saying want, when it is not one. */
static int count_arg(const cg_srv_req *req, const char *name, int64_t lo,
                     int64_t hi, int64_t def, int64_t *out, const char *want,
                     cg_srv_resp *resp)
{
  const char *v = req->arg(req, name);
  char *end = NULL;
  long long n = 0;

  *out = def;
  if(!v)
    return 1;
  errno = 0;
  if(*v >= '0' && *v <= '9')
    n = strtoll(v, &end, 10);
  if(!end || *end || errno || n < lo || n > hi) {
    bad_arg(resp, name, v, want);
    return 0;
  }
  *out = n;
  return 1;
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

  if(!count_arg(req, "limit", 1, LIMIT_MAX, LIMIT_DEFAULT, &f->limit,
                "a whole number from 1 to 10000", resp) ||
     !count_arg(req, "offset", 0, INT64_MAX / 2, 0, &f->offset,
                "a whole number, 0 or more", resp))
    return 0;
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

/* The Link header to the page after f's, with the request's filters;
 * malloc'ed, NULL if out of memory. */
static char *next_link(const cg_srv_req *req, const cg_history_filter *f)
{
  char num[80], *buf;
  size_t size = 64, n = 0, k;

  for(k = 0; k < FILTER_ARGS; k++) {
    const char *v = req->arg(req, cg_api_orders_args[k]);
    size += v ? strlen(cg_api_orders_args[k]) + 3 * strlen(v) + 2 : 0;
  }
  snprintf(num, sizeof(num), "limit=%lld&offset=%lld>; rel=\"next\"",
           (long long)f->limit, (long long)(f->offset + f->limit));
  size += strlen(num);
  if(!(buf = malloc(size)))
    return NULL;
  n = (size_t)snprintf(buf, size, "Link: </v1/orders?");
  for(k = 0; k < FILTER_ARGS; k++) {
    const char *v = req->arg(req, cg_api_orders_args[k]);
    if(!v)
      continue;
    n += (size_t)snprintf(buf + n, size - n, "%s=", cg_api_orders_args[k]);
    cg_api_url_part(v, buf + n, size - n);
    n += strlen(buf + n);
    buf[n++] = '&';
  }
  snprintf(buf + n, size - n, "%s", num);
  return buf;
}

void cg_api_orders_list(cg_srv_worker *w, const cg_srv_req *req,
                        cg_srv_resp *resp)
{
  cg_history_filter f;
  cg_error err = { 0 };
  cg_json *arr = NULL;
  int more = 0;

  if(!filter_of(w, req, &f, resp))
    return;
  if(cg_history_orders_page(w->db, &f, &arr, &more, &err) != CG_OK) {
    cg_api_fail(resp, &err, NULL);
    return;
  }
  cg_api_json(resp, 200, arr);
  if(more && resp->status == 200 && !(resp->headers = next_link(req, &f)))
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
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
