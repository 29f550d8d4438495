/* api_submit.c -- POST /v1/orders (api.h): orders stored and decided in
 * the same request (decide/submit.h), idempotent by order_id. */
#include "server/api.h"

#include "core/json.h"
#include "decide/submit.h"
#include "model/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Orders in one request: enough for any ERP batch, few enough that the
 * work is bounded before anything is checked. */
#define MAX_ORDERS 10000

/* Orders by order_id, ties in body order (qsort is not stable). */
static int by_id(const void *a, const void *b)
{
  const cg_order *x = *(const cg_order *const *)a;
  const cg_order *y = *(const cg_order *const *)b;
  int c = strcmp(x->order_id, y->order_id);

  return c ? c : (x > y) - (x < y);
}

/* No order_id twice in one body (sorted, not compared pair by pair: a
 * body holds up to MAX_ORDERS); else 0 with resp a 400 naming the first
 * repeat in body order and its earlier twin. */
static int unique_ids(cg_order *orders, size_t count, cg_srv_resp *resp)
{
  cg_order **by = malloc(count * sizeof(*by));
  size_t k, i = count, j = 0;
  char msg[512];

  if(!by) {
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return 0;
  }
  for(k = 0; k < count; k++)
    by[k] = &orders[k];
  qsort(by, count, sizeof(*by), by_id);
  for(k = 1; k < count; k++)
    if(!strcmp(by[k - 1]->order_id, by[k]->order_id) &&
       (size_t)(by[k] - orders) < i) {
      i = (size_t)(by[k] - orders);
      j = (size_t)(by[k - 1] - orders);
    }
  free(by);
  if(i == count)
    return 1;
  snprintf(msg, sizeof(msg), "body[%zu]: order_id %.200s is body[%zu]'s too",
           i, orders[i].order_id, j);
  cg_api_error(resp, 400, "invalid", "order_id", msg);
  return 0;
}

/* The orders of the body (one object, or an array of them) validated into
 * *orders; 0 with resp set when one is bad (nothing stored then). */
static int read_orders(cg_srv_worker *w, const cg_json *doc, cg_order **out,
                       size_t *n, cg_srv_resp *resp)
{
  int one = cg_json_type(doc) == CG_JSON_OBJECT;
  size_t i, count = one ? 1 : cg_json_size(doc);
  cg_order *orders;
  cg_error err = { 0 };
  char where[32], field[256];

  if(!one && cg_json_type(doc) != CG_JSON_ARRAY) {
    cg_api_error(resp, 400, "invalid", NULL,
                 "the body must be an order (a JSON object) or an array of "
                 "them");
    return 0;
  }
  if(!count || count > MAX_ORDERS) {
    cg_api_error(resp, 400, "invalid", NULL,
                 count ? "at most 10000 orders in one request"
                       : "the array holds no order");
    return 0;
  }
  if(!(orders = calloc(count, sizeof(*orders)))) {
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return 0;
  }
  for(i = 0; i < count; i++) {
    snprintf(where, sizeof(where), "body[%zu]", i);
    if(cg_order_from_json(w->db, one ? doc : cg_json_at(doc, i), where, 1,
                          &orders[i], &err) != CG_OK) {
      if(err.code == CG_ENOTFOUND)
        err.code = CG_EINVAL; /* an unknown chip is the body's fault */
      cg_api_fail(resp, &err,
                  cg_api_order_field(err.msg, field, sizeof(field)));
      free(orders);
      return 0;
    }
    if(strchr(orders[i].order_id, '/')) { /* /v1/orders/{id} could not
                                             name it: %2F is decoded */
      snprintf(field, sizeof(field),
               "body[%zu]: order_id %.100s: a '/' cannot be addressed in "
               "/v1/orders/{id}",
               i, orders[i].order_id);
      cg_api_error(resp, 400, "invalid", "order_id", field);
      free(orders);
      return 0;
    }
  }
  if(!unique_ids(orders, count, resp)) {
    free(orders);
    return 0;
  }
  *out = orders;
  *n = count;
  return 1;
}

/* The answer: one decision's bytes, or an array of them, each exactly as
 * the audit log stored it. */
static void answer(cg_srv_resp *resp, const cg_submitted *s, size_t n, int one)
{
  size_t i, len = one ? 0 : 2, at = 0;
  char *b;

  for(i = 0; i < n; i++)
    len += s[i].len + 1;
  if(!(b = malloc(len + 2))) {
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  if(!one)
    b[at++] = '[';
  for(i = 0; i < n; i++) {
    if(i)
      b[at++] = ',';
    memcpy(b + at, s[i].doc, s[i].len);
    at += s[i].len;
  }
  if(!one)
    b[at++] = ']';
  b[at++] = '\n';
  resp->status = 200;
  resp->type = "application/json";
  resp->body = b;
  resp->len = at;
}

void cg_api_orders_submit(cg_srv_worker *w, const cg_srv_req *req,
                          cg_srv_resp *resp)
{
  cg_json *doc = NULL;
  cg_error err = { 0 };
  cg_order *orders = NULL;
  cg_submitted *s = NULL;
  size_t n = 0, conflict = 0;
  int one;

  if(!(doc = cg_api_parse_body(req, "an order or an array of them", resp)))
    return;
  one = cg_json_type(doc) == CG_JSON_OBJECT;
  if(!read_orders(w, doc, &orders, &n, resp)) {
    cg_json_free(doc);
    return;
  }
  cg_json_free(doc);
  if(!(s = calloc(n, sizeof(*s))))
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
  else if(cg_submit_orders(w->db, w->dec, orders, n, s, &conflict, &err) !=
          CG_OK) {
    if(conflict)
      cg_api_error(resp, 409, "conflict", "order_id", err.msg);
    else
      cg_api_fail(resp, &err, NULL);
  }
  else {
    size_t i;
    for(i = 0; i < n; i++)
      if(s[i].decided)
        cg_api_metrics_decision(s[i].outcome);
    answer(resp, s, n, one);
  }
  if(s)
    cg_submitted_clear(s, n);
  free(s);
  free(orders);
}
