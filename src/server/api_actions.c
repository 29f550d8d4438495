/* api_actions.c -- the action routes of `chipgate serve` (api.h): the
 * lifecycle steps of `chipgate review`, `nac`, `ship` and `cancel` on
 * /v1/orders/{id}/..., as thin calls into decide/lifecycle.h. Each answer
 * is the object the command prints with --format json. The body is
 * checked whole before anything is written: an unknown member, a wrong
 * type or invalid UTF-8 is a 400 naming the member, and the library's
 * step writes all or nothing. Also POST /v1/screen (`chipgate screen
 * NAME`) and GET /v1/audit/verify (`chipgate audit verify`). */
#include "server/api.h"

#include "core/clock.h"
#include "core/importer.h"
#include "core/json.h"
#include "core/text.h"
#include "decide/audit.h"
#include "decide/lifecycle.h"
#include "model/customer.h"
#include "model/seed.h"
#include "screen/screen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The member whose string value holds byte at of the JSON text s, copied
 * into buf; NULL when it is not a member's value (or too long). A light
 * scan, for an error message only: the text is not valid JSON anyway. */
static const char *member_at(const char *s, size_t at, char *buf, size_t size)
{
  size_t i, start = 0, last = 0, last_n = 0, key = 0, key_n = 0;
  int in = 0, esc = 0, have_last = 0, have_key = 0, value = 0;
  char prev = '\0';

  for(i = 0; i < at; i++) {
    char c = s[i];
    if(in) {
      if(esc)
        esc = 0;
      else if(c == '\\')
        esc = 1;
      else if(c == '"') {
        in = 0;
        last = start;
        last_n = i - start;
        have_last = 1;
        prev = c;
      }
      continue;
    }
    if(c == ' ' || c == '\t' || c == '\r' || c == '\n')
      continue;
    if(c == '"') {
      in = 1;
      start = i + 1;
      value = prev == ':';
    }
    else if(c == ':' && have_last) {
      key = last;
      key_n = last_n;
      have_key = 1;
    }
    else if(strchr(",{}[]", c))
      have_key = have_last = 0;
    prev = c;
  }
  if(!in || !value || !have_key || key_n == 0 || key_n >= size)
    return NULL;
  memcpy(buf, s + key, key_n);
  buf[key_n] = '\0';
  return buf;
}

/* 400 naming member name: "body: NAME: what". */
static void bad_member(cg_srv_resp *resp, const char *name, const char *what)
{
  char msg[512];

  snprintf(msg, sizeof(msg), "body: %s: %s", name, what);
  cg_text_cut(msg);
  cg_api_error(resp, 400, "invalid", name, msg);
}

/* An unknown member: 400 naming it (field: as sent) and the members the
 * route takes. */
static void unknown_member(cg_srv_resp *resp, const char *name,
                           const char *const *allowed)
{
  char msg[512], key[101];
  int n;

  snprintf(key, sizeof(key), "%s", name);
  cg_text_cut(key);
  n = snprintf(msg, sizeof(msg),
               "body: %s%s: not a member of this request (it takes ", key,
               strlen(name) >= sizeof(key) ? "..." : "");
  for(; *allowed && n > 0 && (size_t)n < sizeof(msg); allowed++)
    n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%s%s", *allowed,
                  allowed[1] ? ", " : ")");
  if(!strcmp(name, "reviewer") && n > 0 && (size_t)n < sizeof(msg))
    snprintf(msg + n, sizeof(msg) - (size_t)n,
             "; the reviewer is the token's name");
  cg_api_error(resp, 400, "invalid", name, msg);
}

/* api.h */
cg_json *cg_api_parse_body(const cg_srv_req *req, const char *want,
                           cg_srv_resp *resp)
{
  cg_json *doc = NULL;
  cg_error err = { 0 };
  char field[128], msg[256];
  const char *f;
  long bad;

  if(!req->body || !req->body_len) {
    snprintf(msg, sizeof(msg),
             "the request needs a JSON body: %s (Content-Type: "
             "application/json; docs/server.md)",
             want);
    cg_api_error(resp, 400, "invalid", NULL, msg);
    return NULL;
  }
  /* before the parser, which would refuse it without naming the member */
  bad = cg_text_invalid_at(req->body, req->body_len);
  if(bad >= 0) {
    f = member_at(req->body, (size_t)bad, field, sizeof(field));
    snprintf(msg, sizeof(msg), "body: %s%snot valid UTF-8 (byte %ld)",
             f ? f : "", f ? ": " : "", bad + 1);
    cg_api_error(resp, 400, "invalid", f, msg);
    return NULL;
  }
  if(cg_json_parse(&doc, req->body, req->body_len, "body", &err) != CG_OK) {
    cg_api_error(resp, 400, "invalid_json", NULL, err.msg);
    return NULL;
  }
  return doc;
}

/* api.h */
cg_json *cg_api_body_object(const cg_srv_req *req, const char *const *allowed,
                            int empty_ok, cg_srv_resp *resp)
{
  cg_json *doc = NULL;
  void *it;

  if(empty_ok && (!req->body || !req->body_len)) {
    if(!(doc = cg_json_object()))
      cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return doc;
  }
  if(!(doc = cg_api_parse_body(req, "an object", resp)))
    return NULL;
  if(cg_json_type(doc) != CG_JSON_OBJECT) {
    cg_json_free(doc);
    cg_api_error(resp, 400, "invalid", NULL, "the body must be a JSON object");
    return NULL;
  }
  for(it = cg_json_iter(doc, NULL); it; it = cg_json_iter(doc, it)) {
    const char *key = cg_json_iter_key(it);
    const char *const *a;
    for(a = allowed; *a && strcmp(*a, key); a++)
      ;
    if(!*a) {
      unknown_member(resp, key, allowed);
      cg_json_free(doc);
      return NULL;
    }
  }
  return doc;
}

/* Member name of doc, if present and not null. */
static const cg_json *member(const cg_json *doc, const char *name)
{
  const cg_json *v = cg_json_get(doc, name);

  return v && cg_json_type(v) != CG_JSON_NULL ? v : NULL;
}

/* api.h. Invisible: controls but tab, CR and LF, bidi overrides,
 * zero-width characters. */
int cg_api_get_text(const cg_json *doc, const char *name, int required,
                    int recorded, const char **out, cg_srv_resp *resp)
{
  const cg_json *v = member(doc, name);
  char what[128];
  size_t n;
  int cp;

  *out = NULL;
  if(!v) {
    if(required)
      bad_member(resp, name, "required (a string)");
    return required ? -1 : 0;
  }
  if(!(*out = cg_json_string_value(v))) {
    bad_member(resp, name, "not a string");
    return -1;
  }
  n = strlen(*out);
  if(strspn(*out, " \t\r\n") == n) {
    bad_member(resp, name, "empty");
    return -1;
  }
  if(recorded && n > CG_API_TEXT_MAX) {
    snprintf(what, sizeof(what), "%zu bytes, over the %d allowed", n,
             CG_API_TEXT_MAX);
    bad_member(resp, name, what);
    return -1;
  }
  if(recorded && cg_text_hidden_at(*out, n, &cp) >= 0) {
    snprintf(what, sizeof(what), "holds the invisible character U+%04X",
             (unsigned)cp);
    bad_member(resp, name, what);
    return -1;
  }
  return 1;
}

/* A date member (YYYY-MM-DD): as get_text. */
static int get_date(const cg_json *doc, const char *name, int required,
                    const char **out, cg_srv_resp *resp)
{
  int rc = cg_api_get_text(doc, name, required, 0, out, resp);

  if(rc == 1 && !cg_date_valid(*out)) {
    bad_member(resp, name, "not a date (YYYY-MM-DD)");
    return -1;
  }
  return rc;
}

/* A number member: a JSON number, or a string of decimal digits (with at
 * most one '.'), as order members are read. 1 with *v set, 0 when absent
 * (or null), -1 with resp a 400 saying want. */
static int get_number(const cg_json *doc, const char *name, const char *want,
                      double *v, cg_srv_resp *resp)
{
  const cg_json *m = member(doc, name);
  const char *s;
  char *end = NULL;

  if(!m)
    return 0;
  if(cg_json_type(m) == CG_JSON_INT || cg_json_type(m) == CG_JSON_REAL)
    *v = cg_json_number_value(m);
  else if((s = cg_json_string_value(m)) && *s &&
          strspn(s, "0123456789.") == strlen(s))
    *v = strtod(s, &end);
  else {
    bad_member(resp, name, want);
    return -1;
  }
  if((end && *end) || !isfinite(*v)) {
    bad_member(resp, name, want);
    return -1;
  }
  return 1;
}

/* A whole-number member from lo to hi: as get_number. */
static int get_whole(const cg_json *doc, const char *name, double lo,
                     double hi, int64_t *out, cg_srv_resp *resp)
{
  char want[96];
  double v = 0;
  int rc;

  snprintf(want, sizeof(want), "must be a whole number from %.0f to %.0f", lo,
           hi);
  rc = get_number(doc, name, want, &v, resp);
  if(rc == 1 && (v < lo || v > hi || v != floor(v))) {
    bad_member(resp, name, want);
    return -1;
  }
  if(rc == 1)
    *out = (int64_t)v;
  return rc;
}

/* A refused step as the answer: one the order's state forbids (the
 * library's CG_EINVAL, naming the order and its state) is 409; a bad
 * argument (a date in the future) 400 naming usage_field; an unknown
 * order 404. */
static void step_fail(cg_srv_resp *resp, const cg_error *err,
                      const char *usage_field)
{
  if(err->code == CG_EINVAL)
    cg_api_error(resp, 409, "conflict", NULL, err->msg);
  else if(err->code == CG_EUSAGE)
    cg_api_error(resp, 400, "invalid", usage_field, err->msg);
  else
    cg_api_fail(resp, err, NULL);
}

/* resp as 200 with o when its cg_json_set_* chain went well (bad 0). */
static void answer(cg_srv_resp *resp, cg_json *o, int bad)
{
  if(bad) {
    cg_json_free(o);
    o = NULL;
  }
  cg_api_json(resp, 200, o);
}

/* POST /v1/orders/{id}/review {"action": "release"|"block", "reason"}:
 * `chipgate review` with the token's name as the reviewer. */
void cg_api_order_review(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp)
{
  static const char *const members[] = { "action", "reason", NULL };
  const char *action = NULL, *reason = NULL;
  cg_review_result res;
  cg_error err = { 0 };
  cg_json *doc, *o;
  int release;

  if(!(doc = cg_api_body_object(req, members, 0, resp)))
    return;
  if(cg_api_get_text(doc, "action", 1, 0, &action, resp) < 0 ||
     cg_api_get_text(doc, "reason", 1, 1, &reason, resp) < 0)
    goto done;
  release = !strcmp(action, "release");
  if(!release && strcmp(action, "block")) {
    bad_member(resp, "action", "must be \"release\" or \"block\"");
    goto done;
  }
  if(cg_lifecycle_review(w->db, req->id, release, req->who, reason, &res,
                         &err) != CG_OK) {
    step_fail(resp, &err, NULL);
    goto done;
  }
  /* {"order_id", "seq", "reviewer", "action", "released", "releases",
   * "needed"}: cmd_review.c's */
  o = cg_json_object();
  answer(resp, o,
         !o || cg_json_set_str(o, "order_id", req->id) ||
             cg_json_set_int(o, "seq", res.seq) ||
             cg_json_set_str(o, "reviewer", req->who) ||
             cg_json_set_str(o, "action", release ? "release" : "block") ||
             cg_json_set_bool(o, "released", res.released) ||
             cg_json_set_int(o, "releases", res.releases) ||
             cg_json_set_int(o, "needed", res.needed));
done:
  cg_json_free(doc);
}

/* The members of a NAC body, checked: a filing (filed, ref?) or an
 * objection (objection, reason), not both. 0 with resp a 400. */
static int nac_args(const cg_json *doc, const char **filed, const char **ref,
                    const char **objected, const char **reason,
                    cg_srv_resp *resp)
{
  if(get_date(doc, "filed", 0, filed, resp) < 0 ||
     cg_api_get_text(doc, "ref", 0, 1, ref, resp) < 0 ||
     get_date(doc, "objection", 0, objected, resp) < 0 ||
     cg_api_get_text(doc, "reason", 0, 1, reason, resp) < 0)
    return 0;
  if(*filed && *objected) {
    bad_member(resp, "objection",
               "give filed (a NAC filing) or objection (BIS's objection "
               "to it), not both");
    return 0;
  }
  if(!*filed && !*objected) {
    bad_member(resp, "filed",
               "required: filed DATE (a NAC filing, ref optional) or "
               "objection DATE with reason");
    return 0;
  }
  if(*filed && *reason) {
    bad_member(resp, "reason", "goes with objection, not with filed");
    return 0;
  }
  if(*objected && *ref) {
    bad_member(resp, "ref", "goes with filed, not with objection");
    return 0;
  }
  if(*objected && !*reason) {
    bad_member(resp, "reason", "required with objection (a string)");
    return 0;
  }
  return 1;
}

/* POST /v1/orders/{id}/nac {"filed", "ref"?} or {"objection", "reason"}:
 * `chipgate nac`. */
void cg_api_order_nac(cg_srv_worker *w, const cg_srv_req *req,
                      cg_srv_resp *resp)
{
  static const char *const members[] = { "filed", "ref", "objection", "reason",
                                         NULL };
  const char *filed = NULL, *ref = NULL, *objected = NULL, *reason = NULL;
  cg_error err = { 0 };
  int64_t seq = 0;
  cg_json *doc, *o;
  int rc;

  if(!(doc = cg_api_body_object(req, members, 0, resp)))
    return;
  if(!nac_args(doc, &filed, &ref, &objected, &reason, resp))
    goto done;
  if(filed)
    rc = cg_lifecycle_nac_file(w->db, req->id, filed, ref, &seq, &err);
  else
    rc = cg_lifecycle_nac_object(w->db, req->id, objected, reason, &seq, &err);
  if(rc != CG_OK) {
    step_fail(resp, &err, filed ? "filed" : "objection");
    goto done;
  }
  /* {"order_id", "seq", "event", "date", "ref", "reason"}: cmd_nac.c's */
  o = cg_json_object();
  answer(resp, o,
         !o || cg_json_set_str(o, "order_id", req->id) ||
             cg_json_set_int(o, "seq", seq) ||
             cg_json_set_str(o, "event", filed ? "filed" : "objection") ||
             cg_json_set_str(o, "date", filed ? filed : objected) ||
             cg_json_set_str(o, "ref", ref) ||
             cg_json_set_str(o, "reason", reason));
done:
  cg_json_free(doc);
}

/* POST /v1/orders/{id}/ship {"quantity"?, "date"?}: `chipgate ship`; an
 * empty body ships the rest today. */
void cg_api_order_ship(cg_srv_worker *w, const cg_srv_req *req,
                       cg_srv_resp *resp)
{
  static const char *const members[] = { "quantity", "date", NULL };
  const char *date = NULL;
  cg_ship_result res;
  cg_error err = { 0 };
  int64_t qty = 0;
  cg_json *doc, *o;

  if(!(doc = cg_api_body_object(req, members, 1, resp)))
    return;
  if(get_whole(doc, "quantity", 1, (double)CG_IMPORT_MAX_QTY, &qty, resp) <
         0 ||
     get_date(doc, "date", 0, &date, resp) < 0)
    goto done;
  if(cg_lifecycle_ship(w->db, req->id, qty, date, &res, &err) != CG_OK) {
    step_fail(resp, &err, "date");
    goto done;
  }
  /* {"order_id", "seq", "quantity", "date", "shipped", "ordered",
   * "state"}: cmd_ship.c's */
  o = cg_json_object();
  answer(resp, o,
         !o || cg_json_set_str(o, "order_id", req->id) ||
             cg_json_set_int(o, "seq", res.seq) ||
             cg_json_set_int(o, "quantity", res.qty) ||
             cg_json_set_str(o, "date", res.date) ||
             cg_json_set_int(o, "shipped", res.shipped) ||
             cg_json_set_int(o, "ordered", res.ordered) ||
             cg_json_set_str(o, "state",
                             res.shipped == res.ordered ? "shipped"
                                                        : "releasable"));
done:
  cg_json_free(doc);
}

/* POST /v1/orders/{id}/cancel {"reason"}: `chipgate cancel`. */
void cg_api_order_cancel(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp)
{
  static const char *const members[] = { "reason", NULL };
  const char *reason = NULL;
  cg_error err = { 0 };
  int64_t seq = 0, returned = 0;
  cg_json *doc, *o;

  if(!(doc = cg_api_body_object(req, members, 0, resp)))
    return;
  if(cg_api_get_text(doc, "reason", 1, 1, &reason, resp) < 0)
    goto done;
  if(cg_lifecycle_cancel(w->db, req->id, reason, &seq, &returned, &err) !=
     CG_OK) {
    step_fail(resp, &err, "reason");
    goto done;
  }
  /* {"order_id", "seq", "state", "licences_returned"}: cmd_ship.c's */
  o = cg_json_object();
  answer(resp, o,
         !o || cg_json_set_str(o, "order_id", req->id) ||
             cg_json_set_int(o, "seq", seq) ||
             cg_json_set_str(o, "state", "cancelled") ||
             cg_json_set_int(o, "licences_returned", returned));
done:
  cg_json_free(doc);
}

/* The customer called name (or with that id), as `chipgate screen` names
 * it for the clear hint; NULL if none (malloc'ed). */
static char *customer_named(cg_store *db, const char *name)
{
  cg_error err = { 0 };
  cg_customer cu;
  char *out = NULL;
  int64_t id = 0;

  if(cg_customer_find_ref(db, name, &id, &err) != CG_OK || !id)
    return NULL;
  cg_customer_init(&cu);
  if(cg_customer_get_id(db, id, &cu, &err) == CG_OK && cu.name)
    out = strdup(cu.name);
  cg_customer_clear(&cu);
  return out;
}

/* {"query", "threshold", "customer", "matches": [...]}, or NULL. */
static cg_json *screen_json(const char *query, const char *customer,
                            double threshold, const cg_screen_hits *hits)
{
  cg_json *doc = cg_json_object(), *arr = cg_json_array();
  size_t i;
  int bad = !doc || !arr || cg_json_set_str(doc, "query", query) ||
            cg_json_set_num(doc, "threshold", threshold) ||
            cg_json_set_str(doc, "customer", customer);

  for(i = 0; !bad && i < hits->n; i++)
    bad = cg_json_append(arr, cg_screen_hit_json(&hits->items[i]));
  if(!bad)
    bad = cg_json_set(doc, "matches", cg_json_ref(arr));
  cg_json_free(arr);
  if(bad) {
    cg_json_free(doc);
    doc = NULL;
  }
  return doc;
}

/* The country member of a screening, upper-cased into cc as `chipgate
 * screen --country` takes it: 1 (cc "" when absent), 0 with resp set. */
static int screen_country(cg_srv_worker *w, const cg_json *doc, char cc[3],
                          cg_srv_resp *resp)
{
  const char *s = NULL;
  cg_error err = { 0 };
  char code[8];
  int rc = cg_api_get_text(doc, "country", 0, 0, &s, resp);

  cc[0] = '\0';
  if(rc <= 0)
    return rc == 0;
  if(strlen(s) != 2) {
    bad_member(resp, "country", "not an ISO 3166-1 alpha-2 code (\"DE\")");
    return 0;
  }
  snprintf(code, sizeof(code), "%s", s);
  cg_country_code_upper(code);
  rc = cg_country_check(w->db, code, &err);
  if(rc == CG_ENOTFOUND)
    bad_member(resp, "country", err.msg);
  else if(rc != CG_OK)
    cg_api_fail(resp, &err, NULL);
  else
    memcpy(cc, code, 3);
  return rc == CG_OK;
}

/* POST /v1/screen {"name", "country"?, "threshold"?, "limit"?}: `chipgate
 * screen NAME --format json`'s object, 200 whether or not it matched. */
void cg_api_screen(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  static const char *const members[] = { "name", "country", "threshold",
                                         "limit", NULL };
  cg_screen_hits hits = { 0 };
  cg_error err = { 0 };
  const char *name = NULL;
  double threshold = CG_SCREEN_THRESHOLD;
  int64_t limit = 10;
  char cc[3], *customer = NULL;
  cg_json *doc = cg_api_body_object(req, members, 0, resp);
  int rc;

  if(!doc)
    return;
  if(cg_api_get_text(doc, "name", 1, 0, &name, resp) < 0 ||
     !screen_country(w, doc, cc, resp) ||
     get_whole(doc, "limit", 1, 1000, &limit, resp) < 0)
    goto done;
  rc = get_number(doc, "threshold", "must be a number from 0 to 1", &threshold,
                  resp);
  if(rc < 0)
    goto done;
  if(!(threshold >= 0 && threshold <= 1)) {
    bad_member(resp, "threshold", "must be a number from 0 to 1");
    goto done;
  }
  rc = w->screener ? CG_OK : cg_screener_open(&w->screener, w->db, &err);
  if(rc == CG_OK)
    rc = cg_screen_name(w->screener, name, cc[0] ? cc : NULL, threshold,
                        (size_t)limit, &hits, &err);
  if(rc != CG_OK) {
    cg_api_fail(resp, &err, "name");
    goto done;
  }
  customer = customer_named(w->db, name);
  cg_api_json(resp, 200, screen_json(name, customer, threshold, &hits));
  free(customer);
  cg_screen_hits_free(&hits);
done:
  cg_json_free(doc);
}

/* `chipgate audit verify --format json`'s object, or NULL. */
static cg_json *verify_json(const cg_audit_check *c, const char *anchor,
                            const char *error, double secs)
{
  char head[CG_AUDIT_HEAD_TEXT];
  cg_json *o = cg_json_object();

  cg_audit_head_text(&c->head, head);
  if(o && (cg_json_set_bool(o, "intact", !error) ||
           cg_json_set_int(o, "entries", c->entries) ||
           cg_json_set_int(o, "decisions", c->decisions) ||
           cg_json_set_str(o, "head", head) ||
           cg_json_set_str(o, "anchor", anchor) ||
           cg_json_set_str(o, "error", error) ||
           (error && cg_json_set_int(o, "bad_seq", c->bad_seq)) ||
           cg_json_set_num(o, "seconds", secs))) {
    cg_json_free(o);
    o = NULL;
  }
  return o;
}

/* GET /v1/audit/verify[?anchor=SEQ:HASH]: 200 with the object when the
 * log is intact; 409 "tampered" when not, the object as "verify" beside
 * the error. */
void cg_api_audit_verify(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp)
{
  const char *arg = req->arg(req, "anchor");
  char anc[CG_AUDIT_HEAD_TEXT], msg[320];
  cg_audit_head anchor;
  cg_audit_check c;
  cg_error err = { 0 };
  struct timespec t0, t1;
  cg_json *o, *e, *doc;
  int rc;

  if(arg && cg_audit_head_parse(arg, &anchor, &err) != CG_OK) {
    snprintf(msg, sizeof(msg), "?anchor: %s", err.msg);
    cg_text_cut(msg);
    cg_api_error(resp, 400, "invalid", "anchor", msg);
    return;
  }
  if(arg)
    cg_audit_head_text(&anchor, anc);
  memset(&c, 0, sizeof(c));
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = cg_audit_verify_anchor(w->db, arg ? &anchor : NULL, &c, &err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if(rc != CG_OK && rc != CG_EINVAL) {
    cg_api_fail(resp, &err, NULL);
    return;
  }
  o = verify_json(&c, arg ? anc : NULL, rc ? err.msg : NULL,
                  (double)(t1.tv_sec - t0.tv_sec) +
                      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  if(rc == CG_OK) {
    cg_api_json(resp, 200, o);
    return;
  }
  /* the error document, with the verification beside it */
  doc = cg_json_object();
  e = cg_json_object();
  if(!doc || !e || !o || cg_json_set_int(e, "status", 409) ||
     cg_json_set_str(e, "code", "tampered") ||
     cg_json_set_str(e, "message", err.msg) ||
     cg_json_set_str(e, "field", NULL) ||
     cg_json_set(doc, "error", cg_json_ref(e)) ||
     cg_json_set(doc, "verify", cg_json_ref(o))) {
    cg_json_free(doc);
    doc = NULL;
  }
  cg_json_free(e);
  cg_json_free(o);
  cg_api_json(resp, 409, doc);
}
