/* ui.c -- the review page's sign-in and forms (ui.h): each form becomes
 * the JSON body of the API route that takes the same step. */
#include "server/ui.h"

#include "core/crypto.h"
#include "core/json.h"
#include "core/text.h"
#include "server/token.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORM_MAX 16 /* fields a form may have */

typedef struct form {
  char *copy; /* the body, split and decoded in place */
  const char *name[FORM_MAX], *value[FORM_MAX];
  size_t n;
} form;

static const char *form_get(const form *f, const char *name)
{
  size_t i;

  for(i = 0; i < f->n; i++)
    if(!strcmp(f->name[i], name))
      return f->value[i];
  return NULL;
}

/* Reads req's body as application/x-www-form-urlencoded into f: 1, or 0
 * with resp an HTML page saying what is wrong. */
static int form_parse(cg_srv_worker *w, const cg_srv_req *req, form *f,
                      cg_srv_resp *resp)
{
  char *p, *save = NULL, *eq;
  const char *why = NULL;

  memset(f, 0, sizeof(*f));
  f->copy = strdup(req->body ? req->body : "");
  if(!f->copy || (req->body && strlen(req->body) != req->body_len))
    why = f->copy ? "the form holds a NUL byte" : "out of memory";
  for(p = why ? NULL : strtok_r(f->copy, "&", &save); p;
      p = strtok_r(NULL, "&", &save)) {
    if(f->n == FORM_MAX) {
      why = "the form has too many fields";
      break;
    }
    if((eq = strchr(p, '=')))
      *eq++ = '\0';
    /* a %00 would cut a reason short without a word: refused */
    if(req->unescape(p) != strlen(p) ||
       (eq && req->unescape(eq) != strlen(eq))) {
      why = "a form field holds a NUL byte (%00)";
      break;
    }
    if(form_get(f, p)) {
      why = "a form field is given twice";
      break;
    }
    f->name[f->n] = p;
    f->value[f->n++] = eq ? eq : "";
  }
  for(size_t i = 0; !why && i < f->n; i++)
    if(cg_text_invalid_at(f->value[i], strlen(f->value[i])) >= 0 ||
       cg_text_invalid_at(f->name[i], strlen(f->name[i])) >= 0)
      why = "a form field is not valid UTF-8";
  if(!why)
    return 1;
  cg_ui_render(w, req, 400, why, resp);
  free(f->copy);
  f->copy = NULL;
  return 0;
}

int cg_ui_csrf(const char *token, char out[33])
{
  static const char purpose[] = "chipgate review page form";
  unsigned char mac[32];
  cg_error err = { 0 };
  int i;

  if(cg_hmac_sha256(token, strlen(token), purpose, sizeof(purpose) - 1, mac,
                    &err) != CG_OK)
    return err.code;
  for(i = 0; i < 16; i++)
    snprintf(out + 2 * i, 3, "%02x", mac[i]);
  return CG_OK;
}

/* The form's csrf is the one of the session's token (in time that does
 * not depend on where they differ). */
static int csrf_ok(const cg_srv_req *req, const form *f)
{
  const char *got = form_get(f, "csrf");
  char want[33];
  unsigned diff = 0;
  size_t i;

  if(!req->cookie || !got || strlen(got) != 32 ||
     cg_ui_csrf(req->cookie, want) != CG_OK)
    return 0;
  for(i = 0; i < 32; i++)
    diff |= (unsigned)(got[i] ^ want[i]);
  return diff == 0;
}

/* Adds a header line to resp. */
static int add_header(cg_srv_resp *resp, const char *name, const char *value)
{
  size_t old = resp->headers ? strlen(resp->headers) : 0;
  size_t n = old + strlen(name) + strlen(value) + 4;
  char *h = realloc(resp->headers, n);

  if(!h)
    return CG_ENOMEM;
  snprintf(h + old, n - old, "%s: %s\n", name, value);
  resp->headers = h;
  return CG_OK;
}

/* resp as 303 See Other to location (made of safe characters). */
static void see_other(cg_srv_resp *resp, const char *location)
{
  free(resp->body);
  resp->body = strdup("");
  resp->len = 0;
  resp->status = 303;
  resp->type = "text/plain; charset=utf-8";
  if(!resp->body || add_header(resp, "Location", location) != CG_OK)
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
}

/* The session cookie: the token for this browser session, never sent
 * to script or to another site; Secure when served over TLS. */
static int set_session(cg_srv_resp *resp, const char *token, int tls)
{
  char v[256];

  snprintf(v, sizeof(v), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
           CG_SRV_COOKIE, token ? token : "", tls ? "; Secure" : "",
           token ? "" : "; Max-Age=0");
  return add_header(resp, "Set-Cookie", v);
}

/* Whether a sign-in or sign-out came from this site's own page: a
 * browser says where a request comes from (Sec-Fetch-Site, or Origin
 * against Host), so another site cannot sign a reviewer in as someone
 * else or out. Clients that say neither (curl) are let through. */
static int same_origin(const cg_srv_req *req)
{
  const char *site = req->header(req, "Sec-Fetch-Site");
  const char *origin = req->header(req, "Origin");
  const char *host = req->header(req, "Host");
  const char *o;

  if(site)
    return !strcmp(site, "same-origin") || !strcmp(site, "none");
  if(!origin)
    return 1;
  o = strstr(origin, "://");
  return o && host && !strcmp(o + 3, host);
}

/* Served over HTTPS, by this server or by a proxy in front of it. */
static int over_https(const cg_srv_req *req)
{
  const char *proto = req->header(req, "X-Forwarded-Proto");

  return req->tls || (proto && !strcmp(proto, "https"));
}

void cg_ui_login(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  cg_token_info who;
  cg_error err = { 0 };
  const char *tok;
  form f;
  int rc;

  if(!same_origin(req)) {
    cg_ui_login_page(403, "A sign-in from another site is refused.", resp);
    return;
  }
  if(!form_parse(w, req, &f, resp))
    return;
  tok = form_get(&f, "token");
  if(!tok || !*tok) {
    cg_ui_login_page(400, "Paste your token to sign in.", resp);
    goto done;
  }
  rc = strlen(tok) > 128 ? CG_ENOTFOUND
                         : cg_token_check(w->db, tok, &who, &err);
  if(rc == CG_ENOTFOUND) {
    cg_ui_login_page(401, "That token is unknown or revoked.", resp);
    goto done;
  }
  if(rc != CG_OK) {
    cg_ui_login_page(503, "The server cannot check tokens now: try again.",
                     resp);
    goto done;
  }
  see_other(resp, "/");
  if(resp->status == 303 && set_session(resp, tok, over_https(req)) != CG_OK)
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
done:
  free(f.copy);
}

void cg_ui_logout(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  form f;

  if(!same_origin(req)) {
    cg_ui_notice_page(403, "A sign-out from another site is refused.", resp);
    return;
  }
  if(!form_parse(w, req, &f, resp))
    return;
  /* only a session's own page signs it out */
  if(req->cookie && !csrf_ok(req, &f)) {
    free(f.copy);
    cg_ui_notice_page(403,
                      "The sign-out form is stale: reload the page and try "
                      "again.",
                      resp);
    return;
  }
  free(f.copy);
  cg_ui_login_page(200, "Signed out.", resp);
  if(set_session(resp, NULL, over_https(req)) != CG_OK)
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
}

/* Hands f's fields (names[i] from the form, as JSON strings; empty ones
 * left out) to the API route fn as its body; then 303 to the queue with
 * what was recorded, or the page with the API's refusal. */
static void step(cg_srv_worker *w, const cg_srv_req *req, const form *f,
                 const char *const *names,
                 void (*fn)(cg_srv_worker *, const cg_srv_req *,
                            cg_srv_resp *),
                 const char *key, const char *order, cg_srv_resp *resp)
{
  cg_json *body = cg_json_object(), *ans = NULL, *e;
  cg_error err = { 0 };
  cg_srv_req as = *req;
  char *json = NULL, loc[700], frag[520];
  const char *v, *msg;
  size_t i;
  int bad = !body;

  for(i = 0; !bad && names[i]; i++)
    if((v = form_get(f, names[i])) && *v)
      bad = cg_json_set_str(body, names[i], v) != CG_OK;
  if(bad || cg_json_dump(&json, body, 0, &err) != CG_OK) {
    cg_json_free(body);
    cg_ui_render(w, req, 500, "out of memory", resp);
    return;
  }
  cg_json_free(body);
  as.body = json;
  as.body_len = strlen(json);
  memset(resp, 0, sizeof(*resp));
  fn(w, &as, resp);
  free(json);
  if(resp->status == 200) { /* taken: back to the queue, saying what */
    double at = NAN;
    if(cg_json_parse(&ans, resp->body, resp->len, "answer", &err) == CG_OK)
      at =
          cg_json_number_value(cg_json_get(ans, key[0] == 'd' ? "seq" : "id"));
    cg_api_url_part(order ? order : "", frag, sizeof(frag));
    if(isnan(at))
      snprintf(loc, sizeof(loc), "/#order-%s", frag);
    else
      snprintf(loc, sizeof(loc), "/?%s=%.0f#order-%s", key, at, frag);
    cg_json_free(ans);
    see_other(resp, loc);
    return;
  }
  cg_json_free(ans);
  /* the API's own words for what is wrong, on the page */
  ans = NULL;
  msg = "the step was refused";
  if(resp->body &&
     cg_json_parse(&ans, resp->body, resp->len, "answer", &err) == CG_OK &&
     (e = cg_json_get(ans, "error")) &&
     cg_json_string_value(cg_json_get(e, "message")))
    msg = cg_json_string_value(cg_json_get(e, "message"));
  {
    char *copy = strdup(msg);
    int status = resp->status;
    free(resp->body);
    cg_json_free(ans);
    memset(resp, 0, sizeof(*resp));
    cg_ui_render(w, req, status, copy ? copy : "out of memory", resp);
    free(copy);
  }
}

/* A form post: parsed, its csrf checked. */
static int form_post(cg_srv_worker *w, const cg_srv_req *req, form *f,
                     cg_srv_resp *resp)
{
  if(!form_parse(w, req, f, resp))
    return 0;
  if(csrf_ok(req, f))
    return 1;
  free(f->copy);
  f->copy = NULL;
  cg_ui_render(w, req, 403,
               "The form is stale or came from another site (its check "
               "value does not match your session): reload the page and "
               "try again.",
               resp);
  return 0;
}

void cg_ui_review(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  static const char *const names[] = { "action", "reason", NULL };
  form f;

  if(!form_post(w, req, &f, resp))
    return;
  step(w, req, &f, names, cg_api_order_review, "done", req->id, resp);
  free(f.copy);
}

void cg_ui_nac(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  static const char *const names[] = { "filed", "ref", NULL };
  form f;

  if(!form_post(w, req, &f, resp))
    return;
  step(w, req, &f, names, cg_api_order_nac, "done", req->id, resp);
  free(f.copy);
}

void cg_ui_clear(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  static const char *const names[] = { "customer", "entry", "reason", NULL };
  form f;

  if(!form_post(w, req, &f, resp))
    return;
  step(w, req, &f, names, cg_api_clear, "cleared", form_get(&f, "order"),
       resp);
  free(f.copy);
}

void cg_ui_refused(const cg_srv_req *req, cg_srv_resp *resp)
{
  cg_json *doc = NULL, *e;
  cg_error err = { 0 };
  const char *msg = NULL;
  char buf[512];
  int status = resp->status, retry = resp->retry_after;

  (void)req;
  if(resp->body &&
     cg_json_parse(&doc, resp->body, resp->len, "answer", &err) == CG_OK &&
     (e = cg_json_get(doc, "error")))
    msg = cg_json_string_value(cg_json_get(e, "message"));
  snprintf(buf, sizeof(buf), "%s", msg ? msg : "refused");
  cg_json_free(doc);
  free(resp->body);
  memset(resp, 0, sizeof(*resp));
  if(status == 401)
    cg_ui_login_page(401,
                     req->cookie ? "Your token is unknown or revoked: sign "
                                   "in again."
                                 : NULL,
                     resp);
  else
    cg_ui_notice_page(status, buf, resp);
  resp->retry_after = retry;
}
