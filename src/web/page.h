/*
** web/page.h — the page context: what every handler gets, and the helpers
** that answer with a page or a JSON error.
**
** A page is declared once, in the comment right above its handler, and
** tools/mkpages.c makes the route table (build/gen/pages.c) and the
** prototypes (build/gen/pages.h, which page files include) from it:
**
**     / *
**     ** WEBPAGE: GET /learners/{id}
**     ** ACCESS:  staff
**     ** BODY:    none
**     ** NAV:     20 Dashboard
**     **
**     ** What the page shows, in prose.
**     * /
**     void page_learner(web_ctx *c) {
**
**   WEBPAGE  method and path; {id} (a positive 64-bit decimal, c->id) and
**            {code} (a short identifier, c->code) are typed parameters: a
**            path whose parameter is not of its type is 404 before the
**            handler runs
**   ACCESS   public | signed-in | staff (administrator school_leader
**            key_worker teacher) | role codes of web/access.c, space
**            separated.  The gate refuses everyone else; the relationship
**            to the record (my group, my caseload) stays in the handler.
**   BODY     none | form (urlencoded or multipart fields, WEB_BODY_MAX) |
**            upload (a file, WEB_UPLOAD_MAX) | json (WEB_BODY_MAX)
**   NAV      optional: order number and msgid of the label; the navigation
**            shows the link to whoever ACCESS lets in
**
** The router opens the store (503 if it cannot, except on public routes,
** where c->st may be NULL), finds the language and the viewer, parses the
** path parameters and calls the handler with the context.  Everything the
** context points to lives until the response has been sent.
*/
#ifndef CAIRN_WEB_PAGE_H
#define CAIRN_WEB_PAGE_H
#include "base/arena.h"
#include "web/access.h"
#include "web/i18n.h"
#include "web/server.h"
#include <jansson.h>
#include <stdint.h>

typedef struct web_ctx {
    web_request     *req;
    web_response    *res;
    const web_route *route;
    arena           *arena;   /* the request's; freed after the response is sent */
    store           *st;      /* the worker's database; NULL only on a public route
                                 when the database cannot be reached */
    const i18n_lang *L;       /* the language of the answer */
    const access_ctx *who;    /* the viewer (st set), NULL when anonymous */
    int64_t          id;      /* the {id} of the path, 0 without one */
    const char      *code;    /* the {code} of the path, NULL without one */
    buf             *b;       /* the body being written: &res->body */
    access_ctx       who_buf; /* what who points to */
} web_ctx;

/* ---- pages ------------------------------------------------------------------ */

/* Start a staff page titled title (text, already translated): the frame of
** html_page_begin, the navigation, the language switcher and the sign-out
** button.  Finish with page_end(). */
void page_begin(web_ctx *c, const char *title);
/* The same for a page that leads with a list: the skip link lands on the
** element with id="list" (which the page must write, with tabindex="-1"). */
void page_begin_list(web_ctx *c, const char *title);
void page_end(web_ctx *c);

/* Write the staff navigation (one link per route with a NAV the viewer's
** roles may open, in NAV order; the one for this path marked current), the
** language switcher and the sign-out button. */
void page_nav(web_ctx *c);

/* The viewer's unread notices, shown beside "Notices" in the navigation
** (web/support/notices.c); 0 on any problem. */
long page_nav_notices(web_ctx *c);

/* Answer with the 500 page for a read that failed; what and msg go to the
** log only. */
void page_fail(web_ctx *c, const char *what, const char *msg);

/* Answer 403 "Not allowed" with message (a msgid). */
void page_refuse(web_ctx *c, const char *message);

/* Answer 404 with title and message (msgids). */
void page_not_found(web_ctx *c, const char *title, const char *message);

/* Free p (a malloc'd read result) when the request's arena goes: rows read
** for a request live as long as it does, and pages do not free by hand.
** p may be NULL.  Returns p. */
void *page_keep(web_ctx *c, void *p);

/* ---- the JSON API ------------------------------------------------------------ */

/* Answer with v (taken over) as the JSON body and status (api_send). */
void api_reply(web_ctx *c, int status, json_t *v);

/* JSON errors {"error":{"code":..,"message":..}}: 500 "internal" for a read
** that failed (what and msg to the log only), 403 "forbidden", 404
** "not_found", 400 "bad_request"; message is English text for people. */
void api_fail(web_ctx *c, const char *what, const char *msg);
void api_refuse(web_ctx *c, const char *message);
void api_not_found(web_ctx *c, const char *message);
void api_bad_request(web_ctx *c, const char *message);

/* 400 for refused input, the one shape every JSON twin uses:
** {"error":{"code":"bad_request","field":field,"message":message}}, the
** message the same sentence the form shows beside the field.  A refusal not
** about one field (field NULL or "") has no "field" member at all, never an
** empty one. */
void api_field_error(web_ctx *c, const char *field, const char *message);

#endif
