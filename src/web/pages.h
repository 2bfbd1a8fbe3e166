/*
** web/pages.h — what the staff pages of every room share
** (web/pages_common.c).  The page context and its helpers are web/page.h;
** the handlers' prototypes come from the records (gen/pages.h).
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

/* ---- shared ------------------------------------------------------------------- */

/* The name of tier t for people, translated ("Individual support"). */
const char *page_tier_name(const i18n_lang *L, risk_tier t);

/* The name of the flag with rule code code, translated ("low
** attendance"); code itself for an unknown code. */
const char *page_flag_name(const i18n_lang *L, const char *code);

/* Write reason k of row r as a list item, in L's language (web/reasons.h). */
void page_reason_li(buf *b, const i18n_lang *L, const risk_attention_row *r, int k);

/* Parse a positive decimal id (at most 18 digits, nothing else): the id,
** or 0 when s is not one. */
int64_t page_parse_id(const char *s);

#endif
