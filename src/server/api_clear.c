/* api_clear.c -- the clearance routes of `chipgate serve` (api.h): a
 * reviewer clears a possible screening match, or revokes a clearance, as
 * `chipgate screen clear` and `screen revoke` do, the reviewer being the
 * token's name; GET lists them as `chipgate list clearances`. */
#include "server/api.h"

#include "core/json.h"
#include "core/text.h"
#include "screen/screen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refused clearance: an unknown customer or entry 404 naming which, a
 * second clearance by the same reviewer or one revoked already 409. */
static void clear_fail(cg_srv_resp *resp, const cg_error *err)
{
  if(err->code == CG_ENOTFOUND)
    cg_api_error(resp, 404, "not_found",
                 strstr(err->msg, ": no customer") ? "customer" : "entry",
                 err->msg);
  else if(err->code == CG_EINVAL)
    cg_api_error(resp, 409, "conflict", NULL, err->msg);
  else
    cg_api_fail(resp, err, NULL);
}

/* A clearance reason is one line of text (the screening module refuses
 * every control character): 0 with resp a 400 naming it otherwise. */
static int one_line(const char *reason, cg_srv_resp *resp)
{
  const unsigned char *p;

  for(p = (const unsigned char *)reason; *p; p++)
    if(*p < 0x20 || *p == 0x7f) {
      cg_api_error(resp, 400, "invalid", "reason",
                   "body: reason: holds a line break or another control "
                   "character (a clearance reason is one line)");
      return 0;
    }
  return 1;
}

/* resp as clearance id, with reviewers_in_force when it is >= 0. */
static void clearance_answer(cg_srv_worker *w, int64_t id, int reviewers,
                             cg_srv_resp *resp)
{
  cg_screen_clearances h = { 0, NULL };
  cg_error err = { 0 };
  cg_json *o = NULL;

  if(cg_screen_clearance_get(w->db, id, &h, &err) != CG_OK) {
    cg_api_fail(resp, &err, NULL);
    return;
  }
  o = cg_screen_clearance_json(&h.items[0]);
  cg_screen_clearances_free(&h);
  if(o && reviewers >= 0 &&
     cg_json_set_int(o, "reviewers_in_force", reviewers) != CG_OK) {
    cg_json_free(o);
    o = NULL;
  }
  cg_api_json(resp, 200, o);
}

/* POST /v1/clearances {"customer", "entry", "reason"}. */
void cg_api_clear(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  static const char *const members[] = { "customer", "entry", "reason", NULL };
  const char *customer = NULL, *entry = NULL, *reason = NULL;
  cg_error err = { 0 };
  int64_t id = 0;
  int n = 0;
  cg_json *doc = cg_api_body_object(req, members, 0, resp);

  if(!doc)
    return;
  if(cg_api_get_text(doc, "customer", 1, 0, &customer, resp) < 0 ||
     cg_api_get_text(doc, "entry", 1, 0, &entry, resp) < 0 ||
     cg_api_get_text(doc, "reason", 1, 1, &reason, resp) < 0 ||
     !one_line(reason, resp))
    goto done;
  if(cg_screen_clear(w->db, customer, entry, req->who, reason, &id, &n,
                     &err) != CG_OK) {
    clear_fail(resp, &err);
    goto done;
  }
  clearance_answer(w, id, n, resp);
done:
  cg_json_free(doc);
}

/* POST /v1/clearances/{id}/revoke {"reason"}. */
void cg_api_clear_revoke(cg_srv_worker *w, const cg_srv_req *req,
                         cg_srv_resp *resp)
{
  static const char *const members[] = { "reason", NULL };
  const char *reason = NULL;
  cg_error err = { 0 };
  cg_json *doc;
  char *end;
  long long id;

  errno = 0;
  id = strtoll(req->id, &end, 10);
  if(*end || id <= 0 || errno || req->id[0] == '+' || req->id[0] == ' ') {
    cg_api_error(resp, 400, "invalid", "id",
                 "a clearance id is a whole number (GET /v1/clearances "
                 "lists them)");
    return;
  }
  if(!(doc = cg_api_body_object(req, members, 0, resp)))
    return;
  if(cg_api_get_text(doc, "reason", 1, 1, &reason, resp) < 0 ||
     !one_line(reason, resp))
    goto done;
  if(cg_screen_revoke(w->db, (int64_t)id, req->who, reason, &err) != CG_OK) {
    if(err.code == CG_ENOTFOUND)
      cg_api_error(resp, 404, "not_found", "id", err.msg);
    else
      clear_fail(resp, &err);
    goto done;
  }
  clearance_answer(w, (int64_t)id, -1, resp);
done:
  cg_json_free(doc);
}

/* GET /v1/clearances?customer=&entry=: every clearance, revoked ones
 * too, oldest first (the router checks the arguments). */
void cg_api_clearances(cg_srv_worker *w, const cg_srv_req *req,
                       cg_srv_resp *resp)
{
  const char *customer = req->arg(req, "customer");
  const char *entry = req->arg(req, "entry");
  cg_screen_clearances h = { 0, NULL };
  cg_error err = { 0 };
  cg_json *arr;
  size_t i;

  if(cg_screen_clearance_history(w->db, customer, entry, &h, &err) != CG_OK) {
    if(err.code == CG_ENOTFOUND)
      cg_api_error(resp, 400, "invalid", "customer", err.msg);
    else
      cg_api_fail(resp, &err, NULL);
    return;
  }
  arr = cg_json_array();
  for(i = 0; arr && i < h.n; i++)
    if(cg_json_append(arr, cg_screen_clearance_json(&h.items[i])) != CG_OK) {
      cg_json_free(arr);
      arr = NULL;
    }
  cg_screen_clearances_free(&h);
  cg_api_json(resp, 200, arr);
}
