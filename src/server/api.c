/* api.c -- routing and the read-only routes of `chipgate serve` (api.h).
 * Every answer is JSON; every failure a JSON error naming what is wrong,
 * never a 500 for bad input. */
#include "server/api.h"

#include "core/clock.h"
#include "core/json.h"
#include "core/text.h"
#include "decide/audit.h"
#include "decide/decide.h"
#include "decide/decision.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/order.h"
#include "rules/rules.h"
#include "screen/screen.h"
#include "server/token.h"
#include "server/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* api.h: v indented and a newline. */
void cg_api_json(cg_srv_resp *resp, int status, cg_json *v)
{
  cg_error err = { 0 };
  char *s = NULL;

  if(!v || cg_json_dump(&s, v, CG_JSON_PRETTY, &err) != CG_OK) {
    cg_json_free(v);
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  cg_json_free(v);
  resp->status = status;
  resp->type = "application/json";
  resp->len = strlen(s);
  resp->body = realloc(s, resp->len + 2);
  if(!resp->body) {
    free(s);
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  resp->body[resp->len++] = '\n';
  resp->body[resp->len] = '\0';
}

/* s with every byte that is not valid UTF-8 replaced by '?': a message
 * may quote what the client sent, and a JSON string must be UTF-8. */
static char *utf8_safe(const char *s)
{
  char *out = strdup(s ? s : "");
  size_t off = 0, n;
  long at;

  if(!out)
    return NULL;
  n = strlen(out);
  while(off < n && (at = cg_text_invalid_at(out + off, n - off)) >= 0) {
    out[off + (size_t)at] = '?';
    off += (size_t)at + 1;
  }
  return out;
}

void cg_api_error(cg_srv_resp *resp, int status, const char *code,
                  const char *field, const char *msg_in)
{
  char *msg = utf8_safe(msg_in), *fld = field ? utf8_safe(field) : NULL;
  static const char oom[] = "{\"error\": {\"status\": 500, \"code\": "
                            "\"internal\", \"message\": \"out of memory\", "
                            "\"field\": null}}\n";
  cg_json *o = cg_json_object(), *e = cg_json_object();
  cg_error err = { 0 };
  char *s = NULL;

  free(resp->body);
  resp->body = NULL;
  resp->status = status;
  resp->type = "application/json";
  if(o && e && !cg_json_set_int(e, "status", status) &&
     !cg_json_set_str(e, "code", code) &&
     !cg_json_set_str(e, "message", msg) &&
     !cg_json_set_str(e, "field", fld) &&
     !cg_json_set(o, "error", cg_json_ref(e)) &&
     cg_json_dump(&s, o, CG_JSON_PRETTY, &err) == CG_OK) {
    size_t n = strlen(s);
    resp->body = realloc(s, n + 2);
    if(resp->body) {
      resp->body[n] = '\n';
      resp->body[n + 1] = '\0';
      resp->len = n + 1;
    }
    else
      free(s);
  }
  cg_json_free(e);
  cg_json_free(o);
  free(msg);
  free(fld);
  if(!resp->body) {
    resp->status = 500;
    resp->body = strdup(oom);
    resp->len = resp->body ? strlen(oom) : 0;
  }
}

/* api.h */
void cg_api_url_part(const char *s, char *out, size_t size)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;

  for(; *s && o + 4 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
       (c >= '0' && c <= '9') || strchr("-_.~", c))
      out[o++] = (char)c;
    else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
}

/* api.h; a 500 is never the request's fault. */
void cg_api_fail(cg_srv_resp *resp, const cg_error *err, const char *field)
{
  switch(err->code) {
  case CG_EINVAL:
  case CG_EUSAGE:
  case CG_EPATTERN:
    cg_api_error(resp, 400, "invalid", field, err->msg);
    break;
  case CG_ENOTFOUND:
    cg_api_error(resp, 404, "not_found", field, err->msg);
    break;
  case CG_EBUSY:
    cg_api_error(resp, 503, "busy", NULL, err->msg);
    resp->retry_after = 1;
    break;
  default:
    cg_api_error(resp, 500, "internal", NULL, err->msg);
  }
}

const char *cg_api_order_field(const char *msg, char *buf, size_t size)
{
  static const char *const fields[] = {
    "order_id",        "customer",   "chip", "destination", "quantity",
    "ship_date",       "end_use",    "role", "packager",    "export_from_us",
    "end_use_country", "end_user_hq"
  };
  const char *p = strstr(msg, ": ");
  size_t n, k;

  if(!p)
    return NULL;
  p += 2;
  /* "body: unknown customer \"X\"" names the customer or chip member */
  if(!strncmp(p, "unknown ", 8)) {
    p += 8;
    n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
    if(n && n < size && p[n] == ' ' &&
       (!strncmp(p, "customer", n) || !strncmp(p, "chip", n))) {
      memcpy(buf, p, n);
      buf[n] = '\0';
      return buf;
    }
    return NULL;
  }
  n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
  if(p[n] != ':' && p[n] != ' ')
    return NULL;
  for(k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
    if(strlen(fields[k]) == n && !strncmp(p, fields[k], n) && n < size) {
      memcpy(buf, p, n);
      buf[n] = '\0';
      return buf;
    }
  /* a member that is not a field ("colour: not an order field") */
  if(n && n < size && !strncmp(p + n, ": not an order field", 20)) {
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
  }
  return NULL;
}

/* GET /healthz: the database answers, the pack is loaded, the lists'
 * age. 503 when the worker cannot be opened. */
static void healthz(const cg_srv_shared *s, cg_srv_resp *resp)
{
  cg_error err = { 0 };
  cg_srv_worker *w = cg_srv_worker_get(s, &err);
  cg_list_version *v = NULL;
  cg_json *o, *lists;
  size_t n = 0, i;
  int ver = 0;

  if(!w || cg_store_user_version(w->db, &ver, &err) != CG_OK ||
     cg_screen_lists_current(w->db, &v, &n, &err) != CG_OK) {
    /* the why is for the server's log, not for anyone without a token */
    fprintf(stderr, "chipgate: serve: /healthz: %s\n", err.msg);
    cg_api_error(resp, 503, "unavailable", NULL,
                 "the database cannot be read (the server's log says why)");
    resp->retry_after = 5;
    return;
  }
  o = cg_json_object();
  lists = cg_json_array();
  for(i = 0; o && lists && i < n; i++) {
    cg_json *l = cg_json_object();
    if(!l || cg_json_set_str(l, "source", v[i].source) ||
       cg_json_set_int(l, "entries", v[i].entries) ||
       cg_json_set_str(l, "imported_at", v[i].imported_at) ||
       cg_json_append(lists, l)) {
      cg_json_free(l);
      break;
    }
  }
  free(v);
  if(!o || !lists || cg_json_set_str(o, "status", "ok") ||
     cg_json_set_int(o, "schema_version", ver) ||
     cg_json_set_str(o, "ruleset", w->ruleset) ||
     cg_json_set_int(o, "rules", (int64_t)cg_rules_count(w->pack)) ||
     cg_json_set(o, "lists", cg_json_ref(lists))) {
    cg_json_free(o);
    o = NULL;
  }
  cg_json_free(lists);
  cg_api_json(resp, 200, o);
}

/* GET /v1/audit/head: as `audit head --format json`. */
static void audit_head(cg_srv_worker *w, cg_srv_resp *resp)
{
  cg_audit_head h;
  cg_error err = { 0 };
  char t[CG_AUDIT_HEAD_TEXT];
  cg_json *o;

  if(cg_audit_head_get(w->db, &h, &err) != CG_OK) {
    cg_api_fail(resp, &err, NULL);
    return;
  }
  o = cg_json_object();
  if(o &&
     (cg_json_set_int(o, "seq", h.seq) || cg_json_set_str(o, "hash", h.hash) ||
      cg_json_set_str(o, "head", cg_audit_head_text(&h, t)))) {
    cg_json_free(o);
    o = NULL;
  }
  cg_api_json(resp, 200, o);
}

/* POST /v1/check: decides the order in the body without recording it;
 * the same document `chipgate check --format json` prints. */
static void check(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  cg_json *doc = cg_api_parse_body(req, "one order, an object", resp);
  cg_error err = { 0 };
  cg_customer cu;
  cg_chip chip;
  cg_order o;
  cg_decision dn;
  char *out = NULL;
  size_t len = 0;
  int rc, anonymous;

  if(!doc)
    return;
  if(cg_json_type(doc) != CG_JSON_OBJECT) {
    cg_json_free(doc);
    cg_api_error(resp, 400, "invalid", NULL,
                 "the body must be a JSON object: one order");
    return;
  }
  cg_customer_init(&cu);
  cg_chip_init(&chip);
  cg_decision_init(&dn);
  /* A check is of an order that may not exist yet: without an order_id
   * it is decided as `chipgate check` decides, with none. */
  anonymous = !cg_json_get(doc, "order_id") ||
              cg_json_type(cg_json_get(doc, "order_id")) == CG_JSON_NULL;
  rc = anonymous ? cg_json_set_str(doc, "order_id", "-") : CG_OK;
  if(rc != CG_OK)
    rc = cg_error_set(&err, CG_ENOMEM, "out of memory");
  if(rc == CG_OK)
    rc = cg_order_from_json(w->db, doc, "body", 1, &o, &err);
  if(rc == CG_OK && anonymous)
    o.order_id[0] = '\0';
  if(rc == CG_OK)
    rc = cg_customer_get_id(w->db, o.customer_id, &cu, &err);
  if(rc == CG_OK)
    rc = cg_chip_get_id(w->db, o.chip_id, &chip, &err);
  if(rc == CG_OK)
    rc = cg_decide(w->dec, &o, &cu, &chip, 0, &dn, &err);
  if(rc == CG_OK)
    rc = cg_decision_write(&dn, &out, &len, &err);
  if(rc == CG_OK)
    cg_api_metrics_decision((int)dn.decision);
  cg_json_free(doc);
  cg_decision_clear(&dn);
  cg_chip_clear(&chip);
  cg_customer_clear(&cu);
  if(rc != CG_OK) {
    char field[64];
    /* an unknown customer or chip is the body's fault: 400, not 404 */
    if(rc == CG_ENOTFOUND)
      err.code = CG_EINVAL;
    free(out);
    cg_api_fail(resp, &err, cg_api_order_field(err.msg, field, sizeof(field)));
    return;
  }
  resp->status = 200;
  resp->type = "application/json";
  resp->body = realloc(out, len + 1);
  if(!resp->body) {
    free(out);
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  resp->body[len] = '\n'; /* as the command prints it */
  resp->len = len + 1;
}

/* How a route's caller proves who it is. */
enum { BEARER, COOKIE, OPEN };

typedef struct route {
  const char *method;
  const char *path;
  cg_token_action may; /* what the token's role must allow */
  void (*fn)(cg_srv_worker *, const cg_srv_req *, cg_srv_resp *);
  int auth; /* BEARER: the API; COOKIE: the review page (ui.h); OPEN */
  const char *const *args; /* the query arguments it takes (NULL: none) */
} route;

static const char *const verify_args[] = { "anchor", NULL };
static const char *const clearances_args[] = { "customer", "entry", NULL };
static const char *const page_args[] = { "outcome", "page", "done", "cleared",
                                         NULL };

static void audit_head_route(cg_srv_worker *w, const cg_srv_req *req,
                             cg_srv_resp *resp)
{
  (void)req;
  audit_head(w, resp);
}

static const route routes[] = {
  { "POST", "/v1/orders", CG_TOKEN_SUBMIT, cg_api_orders_submit, BEARER,
    NULL },
  { "POST", "/v1/check", CG_TOKEN_CHECK, check, BEARER, NULL },
  { "GET", "/v1/orders", CG_TOKEN_READ, cg_api_orders_list, BEARER,
    cg_api_orders_args },
  { "GET", "/v1/orders/{id}", CG_TOKEN_READ, cg_api_order_show, BEARER, NULL },
  { "GET", "/v1/audit/head", CG_TOKEN_READ, audit_head_route, BEARER, NULL },
  { "GET", "/metrics", CG_TOKEN_READ, cg_api_metrics, BEARER, NULL },
  { "POST", "/v1/orders/{id}/review", CG_TOKEN_REVIEW, cg_api_order_review,
    BEARER, NULL },
  { "POST", "/v1/orders/{id}/nac", CG_TOKEN_NAC, cg_api_order_nac, BEARER,
    NULL },
  { "POST", "/v1/orders/{id}/ship", CG_TOKEN_SHIP, cg_api_order_ship, BEARER,
    NULL },
  { "POST", "/v1/orders/{id}/cancel", CG_TOKEN_CANCEL, cg_api_order_cancel,
    BEARER, NULL },
  { "POST", "/v1/screen", CG_TOKEN_SCREEN, cg_api_screen, BEARER, NULL },
  { "GET", "/v1/audit/verify", CG_TOKEN_READ, cg_api_audit_verify, BEARER,
    verify_args },
  { "POST", "/v1/clearances", CG_TOKEN_CLEAR, cg_api_clear, BEARER, NULL },
  { "POST", "/v1/clearances/{id}/revoke", CG_TOKEN_CLEAR, cg_api_clear_revoke,
    BEARER, NULL },
  { "GET", "/v1/clearances", CG_TOKEN_READ, cg_api_clearances, BEARER,
    clearances_args },
  { "GET", "/", CG_TOKEN_READ, cg_ui_page, COOKIE, page_args },
  { "POST", "/login", CG_TOKEN_READ, cg_ui_login, OPEN, NULL },
  { "POST", "/logout", CG_TOKEN_READ, cg_ui_logout, OPEN, NULL },
  { "POST", "/ui/orders/{id}/review", CG_TOKEN_REVIEW, cg_ui_review, COOKIE,
    NULL },
  { "POST", "/ui/orders/{id}/nac", CG_TOKEN_NAC, cg_ui_nac, COOKIE, NULL },
  { "POST", "/ui/clearances", CG_TOKEN_CLEAR, cg_ui_clear, COOKIE, NULL },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))
_Static_assert(NROUTES + 1 <= CG_API_ROUTES_MAX,
               "the metrics count every route and /healthz");

const char *cg_api_route_name(int r)
{
  if(r >= 0 && (size_t)r < NROUTES)
    return routes[r].path;
  return r == (int)NROUTES ? "/healthz" : NULL;
}

const char *cg_api_route_method(int r)
{
  return r >= 0 && (size_t)r < NROUTES ? routes[r].method : "GET";
}

static double now_s(void)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Whether path fits pattern, a "{id}" segment matching one non-empty
 * segment, copied into id (NUL-terminated, cut to size). */
static int match(const char *pattern, const char *path, char *id, size_t size)
{
  while(*pattern && *path) {
    if(!strncmp(pattern, "{id}", 4)) {
      size_t n = strcspn(path, "/");
      if(!n || n >= size)
        return 0;
      memcpy(id, path, n);
      id[n] = '\0';
      path += n;
      pattern += 4;
      continue;
    }
    if(*pattern++ != *path++)
      return 0;
  }
  return !*pattern && !*path;
}

/* Who sent req (Authorization: Bearer TOKEN), if the token is live and
 * its role may do what: 1 with *who filled; else 0 with resp 401 (no or
 * unknown token: WWW-Authenticate is implied by the status), 403 (a role
 * that may not) or 503. */
static int authorised(const cg_srv_shared *s, cg_srv_worker *w,
                      const cg_srv_req *req, cg_token_action what, int take,
                      int page, cg_token_info *who, cg_srv_resp *resp)
{
  cg_error err = { 0 };
  char msg[256], tok[128], cookie[140];
  const char *t = req->auth;
  size_t n;
  int rc;

  if(page) { /* the review page's session: the same token, in a cookie */
    t = NULL;
    if(req->cookie && strlen(req->cookie) < sizeof(tok)) {
      snprintf(cookie, sizeof(cookie), "Bearer %s", req->cookie);
      t = cookie;
    }
  }
  if(!t || strncasecmp(t, "Bearer ", 7)) {
    cg_api_error(resp, 401, "unauthorized", NULL,
                 "send Authorization: Bearer TOKEN (chipgate token add "
                 "makes one)");
    return 0;
  }
  for(t += 7; *t == ' '; t++)
    ;
  n = strcspn(t, " \t"); /* a trailing blank is not part of it */
  if(n >= sizeof(tok) || t[n + strspn(t + n, " \t")]) {
    cg_api_error(resp, 401, "unauthorized", NULL, "unknown or revoked token");
    return 0;
  }
  memcpy(tok, t, n);
  tok[n] = '\0';
  rc = cg_token_check(w->db, tok, who, &err);
  if(rc == CG_ENOTFOUND) {
    cg_api_error(resp, 401, "unauthorized", NULL, err.msg);
    return 0;
  }
  if(rc != CG_OK) {
    cg_api_fail(resp, &err, NULL);
    return 0;
  }
  if(take &&
     !cg_srv_rate_take(who->id, s->rate, s->burst, &resp->retry_after)) {
    snprintf(msg, sizeof(msg),
             "token \"%s\" is over its %g requests a second: try again in "
             "%d s",
             who->name, s->rate, resp->retry_after);
    rc = resp->retry_after;
    cg_api_error(resp, 429, "rate_limited", NULL, msg);
    resp->retry_after = rc;
    return 0;
  }
  if(!cg_token_role_may(who->role, what)) {
    snprintf(msg, sizeof(msg), "token \"%s\" (role %s) may not %s", who->name,
             cg_token_role_name(who->role), cg_token_action_name(what));
    cg_api_error(resp, 403, "forbidden", NULL, msg);
    return 0;
  }
  return 1;
}

/* Whether req's query holds only arguments r takes, each valid UTF-8;
 * else 0 with resp a 400 naming the argument (every route, so that a
 * misspelt filter is never read as no filter). */
static int query_ok(const route *r, const cg_srv_req *req, cg_srv_resp *resp)
{
  static const char *const none[] = { NULL };
  const char *const *known = r->args ? r->args : none;
  const char *bad = req->arg_unknown ? req->arg_unknown(req, known) : NULL;
  char msg[512];
  int n;
  size_t k;

  for(k = 0; bad && known[k] && strcmp(known[k], bad); k++)
    ;
  if(bad && known[k]) {
    snprintf(msg, sizeof(msg), "?%s needs a value (?%s=...)", bad, bad);
    cg_api_error(resp, 400, "invalid", bad, msg);
    return 0;
  }
  if(bad) {
    n = snprintf(msg, sizeof(msg), "?%.200s: %s %s takes no such argument",
                 bad, r->method, r->path);
    for(k = 0; known[k] && n > 0 && (size_t)n < sizeof(msg); k++)
      n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%s%s",
                    !k             ? "; it takes "
                    : known[k + 1] ? ", "
                                   : " and ",
                    known[k]);
    cg_api_error(resp, 400, "invalid", bad, msg);
    return 0;
  }
  for(k = 0; known[k]; k++) {
    const char *v = req->arg(req, known[k]);
    if(v && cg_text_invalid_at(v, strlen(v)) >= 0) {
      cg_api_error(resp, 400, "invalid", known[k],
                   "a query value is not valid UTF-8");
      return 0;
    }
  }
  return 1;
}

/* The route req goes to, answered into resp; its index in *which (-1:
 * none). */
/* HEAD is answered as GET (libmicrohttpd sends no body for it). */
static const char *method_of(const cg_srv_req *req)
{
  return strcmp(req->method, "HEAD") ? req->method : "GET";
}

/* The route req's path and method select, with its {id} into id; -1
 * if none, *path_known then saying whether another method would do. */
static int find_route(const cg_srv_req *req, char *id, size_t size,
                      int *path_known)
{
  size_t i;

  *path_known = 0;
  for(i = 0; i < NROUTES; i++) {
    id[0] = '\0';
    if(!match(routes[i].path, req->path, id, size))
      continue;
    *path_known = 1;
    if(!strcmp(routes[i].method, method_of(req)))
      return (int)i;
  }
  return -1;
}

/* resp for a request no route takes: 404, or 405 for a path another
 * method takes; a page for the review page's paths. */
static void no_route(const cg_srv_req *req, int path_known, cg_srv_resp *resp)
{
  if(!strcmp(req->path, "/healthz"))
    cg_api_error(resp, 405, "method_not_allowed", NULL, "/healthz takes GET");
  else if(path_known)
    cg_api_error(resp, 405, "method_not_allowed", NULL,
                 "this path does not take that method (docs/server.md)");
  else
    cg_api_error(resp, 404, "not_found", NULL,
                 "no such route (docs/server.md lists them)");
  /* a browser on the review page's paths gets a page, not JSON */
  if(!strncmp(req->path, "/ui/", 4) || !strcmp(req->path, "/") ||
     !strcmp(req->path, "/login") || !strcmp(req->path, "/logout"))
    cg_ui_refused(req, resp);
}

int cg_api_admit(const cg_srv_shared *s, const cg_srv_req *req,
                 cg_srv_resp *resp)
{
  cg_error err = { 0 };
  cg_token_info who;
  cg_srv_worker *w;
  char id[256];
  int i, path_known;

  if(!strcmp(req->path, "/healthz") && !strcmp(method_of(req), "GET"))
    return 1;
  /* no route: said before the body is read, so that no one without a
   * token makes the server read one */
  if((i = find_route(req, id, sizeof(id), &path_known)) < 0) {
    no_route(req, path_known, resp);
    return 0;
  }
  if(!(w = cg_srv_worker_get(s, &err))) {
    cg_api_error(resp, 503, "unavailable", NULL,
                 "the server cannot open its database");
    resp->retry_after = 5;
    return 0;
  }
  if(routes[i].auth == OPEN ||
     authorised(s, w, req, routes[i].may, 0, routes[i].auth == COOKIE, &who,
                resp))
    return 1;
  cg_api_metrics_request(i, resp->status, 0); /* refused early */
  if(routes[i].auth == COOKIE)
    cg_ui_refused(req, resp);
  return 0;
}

static void dispatch(const cg_srv_shared *s, const cg_srv_req *req,
                     cg_srv_resp *resp, int *which)
{
  cg_error err = { 0 };
  cg_token_info who;
  cg_srv_worker *w;
  cg_srv_req as;
  char id[256];
  int i, path_known;

  *which = -1;
  if(!strcmp(req->path, "/healthz")) {
    *which = (int)NROUTES;
    if(strcmp(method_of(req), "GET"))
      no_route(req, 1, resp);
    else
      healthz(s, resp);
    return;
  }
  if((i = find_route(req, id, sizeof(id), &path_known)) < 0) {
    no_route(req, path_known, resp);
    return;
  }
  *which = i;
  if(!(w = cg_srv_worker_get(s, &err))) {
    cg_api_error(resp, 503, "unavailable", NULL, err.msg);
    resp->retry_after = 5;
    return;
  }
  memset(&who, 0, sizeof(who));
  if(routes[i].auth != OPEN &&
     !authorised(s, w, req, routes[i].may, 1, routes[i].auth == COOKIE, &who,
                 resp)) {
    if(routes[i].auth == COOKIE)
      cg_ui_refused(req, resp);
    return;
  }
  if(query_ok(&routes[i], req, resp) && id[0] &&
     cg_text_invalid_at(id, strlen(id)) >= 0)
    cg_api_error(resp, 400, "invalid", "id",
                 "the id in the path is not valid UTF-8");
  if(resp->status) { /* refused above */
    if(routes[i].auth == COOKIE)
      cg_ui_refused(req, resp);
    return;
  }
  as = *req;
  as.who = routes[i].auth == OPEN ? NULL : who.name;
  as.role = (int)who.role;
  as.id = id[0] ? id : NULL;
  routes[i].fn(w, &as, resp);
}

void cg_api_handle(const cg_srv_shared *s, const cg_srv_req *req,
                   cg_srv_resp *resp)
{
  double t0 = now_s();
  int which;

  memset(resp, 0, sizeof(*resp));
  dispatch(s, req, resp, &which);
  cg_api_metrics_request(which, resp->status, now_s() - t0);
}
