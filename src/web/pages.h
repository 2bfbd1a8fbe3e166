/*
** web/pages.h — the staff pages: dashboard, learner page, group page, and
** what they share (web/pages_common.c).
**
** Handlers read rooms through their read functions (risk/risk_read.h,
** school/school.h), decide access only through web/access.h, write HTML only
** through web/html.h and web/chart.h, and every piece of text through
** web/i18n.h.
*/
#ifndef CAIRN_WEB_PAGES_H
#define CAIRN_WEB_PAGES_H
#include "risk/risk.h"
#include "risk/risk_read.h"
#include "web/i18n.h"
#include "web/server.h"

/* ---- handlers --------------------------------------------------------------- */

void page_root(web_request *req, web_response *res);        /* GET /  -> /dashboard */
void page_dashboard(web_request *req, web_response *res);   /* GET /dashboard */
void page_learner(web_request *req, web_response *res);     /* GET /learners/{id} */
void page_group(web_request *req, web_response *res);       /* GET /groups/{code} */
/* POST /learners/{id}/acknowledge and /learners/{id}/key-worker
** (web/pages_actions.c) */
void page_learner_post(web_request *req, web_response *res);
void page_model(web_request *req, web_response *res);       /* GET /model (web/pages_model.c) */
/* the import page (web/pages_import.c) */
void page_import_get(web_request *req, web_response *res);     /* GET /import */
void page_import_post(web_request *req, web_response *res);    /* POST /import: upload, check */
void page_import_confirm(web_request *req, web_response *res); /* POST /import/confirm */

/* ---- shared ------------------------------------------------------------------- */

/* The request's database, or NULL after filling res with a 503 page. */
store *page_store(web_request *req, web_response *res);

/* Fill res with the 500 page for a failed read, and log what failed. */
void page_read_failed(web_request *req, web_response *res, const char *what, const char *msg);

/* The name of tier t for people, translated ("Individual support"). */
const char *page_tier_name(const i18n_lang *L, risk_tier t);

/* The name of the flag with rule code code, translated ("low
** attendance"); code itself for an unknown code. */
const char *page_flag_name(const i18n_lang *L, const char *code);

/* Write the navigation of the staff pages (dashboard, programmes) and the
** sign-out button into b; current is the path of this page. */
void page_nav(web_request *req, buf *b, const char *current);

/* Write reason k of row r as a list item, in L's language (web/reasons.h). */
void page_reason_li(buf *b, const i18n_lang *L, const risk_attention_row *r, int k);

/* Parse a positive decimal id (at most 18 digits, nothing else): the id,
** or 0 when s is not one. */
int64_t page_parse_id(const char *s);

#endif
