/* api.h -- the routes of `chipgate serve`, apart from the HTTP library:
 * httpd.c (the only file that knows libmicrohttpd) turns each request
 * into a cg_srv_req, and sends the cg_srv_resp back. Routes call the
 * library as the command line does; they print nothing. */
#ifndef CG_SERVER_API_H
#define CG_SERVER_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

struct cg_rules;
struct cg_decider;
struct cg_screener;
struct cg_json;

/* What every worker thread shares (read-only while serving). */
typedef struct cg_srv_shared {
  const char *db_path;
  const struct cg_rules *pack; /* shared, read-only (rules.h) */
  char ruleset[72];            /* its hash, "sha256:..." */
  double rate;                 /* requests per second per token, 0: no limit */
  double burst;                /* requests a token may make at once */
} cg_srv_shared;

/* Takes one request from token_id's bucket (rate a second, at most burst
 * at once): 1, or 0 with the seconds until the next one in *retry_after
 * (ratelimit.c). */
int cg_srv_rate_take(int64_t token_id, double rate, double burst,
                     int *retry_after);

/* One worker thread's own connection, pack and decider (worker.c). */
typedef struct cg_srv_worker {
  cg_store *db;
  const struct cg_rules *pack; /* the shared one, borrowed */
  struct cg_decider *dec;
  char ruleset[72]; /* "sha256:..." */
  /* POST /v1/screen's, opened at its first use: its index takes ~10 ms
   * to load, and it reloads itself when a list is imported (screen.h) */
  struct cg_screener *screener;
} cg_srv_worker;

/* The calling thread's worker, opened on its first request; NULL with
 * err set if the database or the pack cannot be opened. It is closed when
 * the thread ends (cg_srv_workers_init's key). */
cg_srv_worker *cg_srv_worker_get(const cg_srv_shared *s, cg_error *err);
int cg_srv_workers_init(cg_error *err);
void cg_srv_workers_done(void);

typedef struct cg_srv_req {
  const char *method; /* "GET", "POST", ... */
  const char *path;   /* "/v1/orders/O-1" (percent-decoded) */
  const char *auth;   /* the Authorization header, or NULL */
  const char *body;   /* the request body (NUL-terminated), or NULL */
  size_t body_len;
  /* A query argument ("state" of ?state=open), or NULL. */
  const char *(*arg)(const struct cg_srv_req *r, const char *name);
  /* The first query argument whose name is not in known (NULL-ended)
   * or that has no value ("?anchor"), or NULL: the router refuses
   * arguments a route does not take, and one it takes without a value
   * must not read as absent. */
  const char *(*arg_unknown)(const struct cg_srv_req *r,
                             const char *const *known);
  /* A request header ("Origin"), or NULL. */
  const char *(*header)(const struct cg_srv_req *r, const char *name);
  /* Decodes a form value in place (%HH, '+'), returning its new length. */
  size_t (*unescape)(char *s);
  const char *cookie; /* the review page's session cookie, or NULL */
  int tls;            /* the request came over HTTPS */
  void *conn;         /* httpd.c's, for arg */
  /* Set by the router once the token is checked: its name (the reviewer
   * a review or clearance records). */
  const char *who;
  int role; /* and its role (cg_token_role) */
  /* The {id} segment of the route's path (percent-decoded), or NULL. */
  const char *id;
} cg_srv_req;

typedef struct cg_srv_resp {
  int status;       /* HTTP status */
  const char *type; /* Content-Type */
  char *body;       /* malloc'ed, len bytes */
  size_t len;
  int retry_after; /* seconds for a Retry-After header, 0: none */
  char *headers;   /* more headers, "Name: value" lines (malloc'ed), or NULL */
} cg_srv_resp;

/* The review page's session cookie (ui.c sets it, httpd.c reads it). */
#define CG_SRV_COOKIE "chipgate_session"

/* Handles req; always fills resp, with a JSON error document
 * ({"error": {"status", "code", "message", "field"}}) when it fails. */
void cg_api_handle(const cg_srv_shared *s, const cg_srv_req *req,
                   cg_srv_resp *resp);

/* Before a body is read: 0 with resp set (401, 403, 503) when req's
 * route needs a token it does not carry, so that no one without one can
 * make the server read a body; 1 to go on. */
int cg_api_admit(const cg_srv_shared *s, const cg_srv_req *req,
                 cg_srv_resp *resp);

/* resp as the JSON error status/code/message (field may be NULL). */
void cg_api_error(cg_srv_resp *resp, int status, const char *code,
                  const char *field, const char *msg);

/* resp as 200 (or status) with v, indented; v is freed (NULL: out of
 * memory, a 500). */
void cg_api_json(cg_srv_resp *resp, int status, struct cg_json *v);

/* s percent-encoded for a URL path, query value or fragment (all but
 * A-Z a-z 0-9 - _ . ~, RFC 3986's unreserved) into out, cut to fit. */
void cg_api_url_part(const char *s, char *out, size_t size);

/* A library failure as the answer: bad input 400, a missing named thing
 * 404, busy 503 with Retry-After, the rest 500; field may be NULL. */
void cg_api_fail(cg_srv_resp *resp, const cg_error *err, const char *field);

/* The order field a validation message names ("body[1]: quantity: ...",
 * "body: customer is empty"), copied into buf, or NULL (api.c). */
const char *cg_api_order_field(const char *msg, char *buf, size_t size);

/* The request body parsed; NULL with resp a 400: no body (saying the
 * route wants one: want), invalid UTF-8 (naming the member whose value
 * holds it) or invalid JSON (api_actions.c). */
struct cg_json *cg_api_parse_body(const cg_srv_req *req, const char *want,
                                  cg_srv_resp *resp);

/* The request body as a JSON object with no member outside allowed (a
 * NULL-terminated list); NULL with resp set (400 naming the member)
 * otherwise. empty_ok: no body reads as {} (api_actions.c). */
struct cg_json *cg_api_body_object(const cg_srv_req *req,
                                   const char *const *allowed, int empty_ok,
                                   cg_srv_resp *resp);

/* A text member of doc: 1 with *out set, 0 when absent or null (a 400
 * when required), -1 with resp a 400 naming it. It must be a non-blank
 * string; one the audit log records (recorded) at most CG_API_TEXT_MAX
 * bytes with no invisible character, so that a reader of the log sees
 * what was written (api_actions.c). */
#define CG_API_TEXT_MAX 2000
int cg_api_get_text(const struct cg_json *doc, const char *name, int required,
                    int recorded, const char **out, cg_srv_resp *resp);

/* The order routes (api_orders.c), and the query arguments GET
 * /v1/orders takes (NULL-ended; the router refuses any other). */
extern const char *const cg_api_orders_args[];
void cg_api_orders_list(cg_srv_worker *w, const cg_srv_req *req,
                        cg_srv_resp *resp);
void cg_api_order_show(cg_srv_worker *w, const cg_srv_req *req,
                       cg_srv_resp *resp);

/* Routes the metrics count at most (api.c's table and /healthz: api.c
 * checks at compile time that they fit). */
#define CG_API_ROUTES_MAX 32

/* GET /metrics (api_metrics.c), and what it counts: a request to route
 * (an index of the router's table, cg_api_route_name), its status and
 * time; a decision made by this server. */
void cg_api_metrics(cg_srv_worker *w, const cg_srv_req *req,
                    cg_srv_resp *resp);
void cg_api_metrics_request(int route, int status, double seconds);
void cg_api_metrics_decision(int outcome);
/* The path and method of route r for the metrics, NULL past the last
 * (api.c). */
const char *cg_api_route_name(int r);
const char *cg_api_route_method(int r);

/* POST /v1/orders (api_submit.c). */
void cg_api_orders_submit(cg_srv_worker *w, const cg_srv_req *req,
                          cg_srv_resp *resp);

/* The action routes (api_actions.c): the lifecycle steps on an order as
 * `chipgate review`, `nac`, `ship` and `cancel` take them (the reviewer
 * is req->who), `chipgate screen NAME` and `chipgate audit verify`. */
void cg_api_order_review(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp);
void cg_api_order_nac(cg_srv_worker *w, const cg_srv_req *req,
                      cg_srv_resp *resp);
void cg_api_order_ship(cg_srv_worker *w, const cg_srv_req *req,
                       cg_srv_resp *resp);
void cg_api_order_cancel(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp);
void cg_api_screen(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);
void cg_api_audit_verify(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp);

/* The clearance routes (api_clear.c): `chipgate screen clear` and
 * `screen revoke` with the token's name as the reviewer, and `list
 * clearances`. */
void cg_api_clear(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);
void cg_api_clear_revoke(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp);
void cg_api_clearances(cg_srv_worker *w, const cg_srv_req *req,
                       cg_srv_resp *resp);

#endif
