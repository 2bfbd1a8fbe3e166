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

/* What the case page's needs assessment section shows, read (and its view
** audited) before the page's read transaction begins, where an audit
** event would be rolled back (store_in_read_tx). */
typedef struct assessment_case_view {
    int                 may;      /* 1 sees assessments, 0 not, -1 could not tell */
    int                 failed;   /* reading or auditing failed (logged) */
    support_assessment *rows;     /* oldest first; kept by the page */
    size_t              n;
} assessment_case_view;

/* Read case d's assessments for the viewer into *v and audit the view when
** there is any (one call from web/support/case_page.c, before the page's
** read transaction).  Failures are logged and leave v->failed set. */
void assessment_case_read(web_ctx *c, const support_case_detail *d, unsigned rel,
                          assessment_case_view *v);

/* The needs assessment section of the case page d from v: the latest
** assessment's day, the domains rated 2 or 3, and a link to the
** assessment page (or to the first assessment).  Writes nothing for a
** viewer who does not see assessments; a read error becomes a sentence in
** the section. */
void assessment_case_section(web_ctx *c, const support_case_detail *d,
                             const assessment_case_view *v);

#endif
