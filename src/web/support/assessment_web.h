/*
** web/support/assessment_web.h — what the needs assessment pages share
** (web/support/assessment_*.c): who sees an assessment, the words of
** ratings and refusals, the movement chart, and the section of the case
** page.
*/
#ifndef CAIRN_WEB_SUPPORT_ASSESSMENT_WEB_H
#define CAIRN_WEB_SUPPORT_ASSESSMENT_WEB_H
#include "support/assessment.h"
#include "support/case.h"
#include "web/page.h"

/* Whether the viewer sees case c->id's assessments: 1 yes (*rel gets the
** relationship, *k the case without texts); 0 answered already (404, a 403
** that says who may, or a 500), as a page or as JSON. */
int assessment_viewer(web_ctx *c, unsigned *rel, support_case *k, int json);

/* The translated name of a rating 0..3 ("Act now"), "Not rated" else. */
const char *assessment_rating_name(const i18n_lang *L, int rating);

/* The translated name of the learner's own rating 0..3, "Not asked" else. */
const char *assessment_own_name(const i18n_lang *L, int rating);

/* The translated sentence of a refusal (support_assessment_problem_text's
** English, as msgids here). */
const char *assessment_problem_text(const i18n_lang *L, support_assessment_problem p);

/* Write "assessment.view" (reason "viewed") for case k of the viewer;
** where says which view ("page", "api", "case page").  0 or -1. */
int assessment_audit_view(web_ctx *c, const support_case *k, const char *where,
                          cairn_err *err);

/* The chart of how each rated domain moved over rows[0..n) (oldest
** first): one small row per domain, a dot per assessment, with the same
** figures as a table (web/support/assessment_chart.c). */
void assessment_chart_write(buf *b, const i18n_lang *L, const support_assessment *rows,
                            size_t n);

/* The needs assessment section of the case page d (one call from
** web/support/case_page.c): the latest assessment's day, the domains rated
** 2 or 3, and a link to the assessment page (or to the first assessment).
** Writes nothing for a viewer who does not see assessments; a read error
** becomes a sentence in the section. */
void assessment_case_section(web_ctx *c, const support_case_detail *d, unsigned rel);

#endif
