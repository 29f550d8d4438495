/* ui.h -- the review page of `chipgate serve` (docs/server.md, "The
 * review page"): one server-rendered HTML page at / that lists the open
 * orders with what decided them, and forms that release or block a hold,
 * clear a possible screening match and record a NAC filing. It runs no
 * script and loads nothing from elsewhere, so it reads the same without
 * JavaScript.
 *
 * A reviewer signs in with their API token (POST /login); the page keeps
 * it in an HttpOnly, SameSite=Strict cookie for the browser session, and
 * every form carries a token derived from it (an HMAC), so that another
 * site cannot post a form in the reviewer's name. A form is turned into
 * the JSON body of the API route that does the same (api.h) and handed
 * to it, with the token's name as the reviewer: the page has no logic of
 * its own, and answers as the API does, in HTML. After a step it
 * redirects to / with the audit entry it wrote, so a reload does not
 * post the step again. */
#ifndef CG_SERVER_UI_H
#define CG_SERVER_UI_H

#include "server/api.h"

#include <stdio.h>

/* GET /: the queue for a signed-in reviewer (ui_page.c). */
void cg_ui_page(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);

/* POST /login (form: token) and POST /logout (form: csrf). */
void cg_ui_login(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);
void cg_ui_logout(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);

/* The forms: POST /ui/orders/{id}/review (action, reason),
 * /ui/orders/{id}/nac (filed, ref) and /ui/clearances (customer, entry,
 * reason, order), each with csrf. */
void cg_ui_review(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);
void cg_ui_nac(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);
void cg_ui_clear(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp);

/* A page request the router refused (resp holds the API's JSON error):
 * the sign-in page for a 401, else a page saying why. */
void cg_ui_refused(const cg_srv_req *req, cg_srv_resp *resp);

/* The form check value for token (32 hex digits and a NUL). */
int cg_ui_csrf(const char *token, char out[33]);

/* The page with status and, when error is set, that message at the top
 * (a step the API refused); the queue under it (ui_page.c). */
void cg_ui_render(cg_srv_worker *w, const cg_srv_req *req, int status,
                  const char *error, cg_srv_resp *resp);

/* A hidden form field, its value escaped (ui_order.c). */
void cg_ui_hidden(FILE *f, const char *name, const char *value);

/* One order of the queue (item: an element of cg_history_orders' array)
 * written to f (ui_order.c). */
void cg_ui_order_card(FILE *f, cg_srv_worker *w, const cg_srv_req *req,
                      const struct cg_json *item, const char *csrf);

/* The sign-in page with status and an optional message, and a page with
 * only msg and a link back to the queue (ui_page.c). */
void cg_ui_login_page(int status, const char *msg, cg_srv_resp *resp);
void cg_ui_notice_page(int status, const char *msg, cg_srv_resp *resp);

#endif
