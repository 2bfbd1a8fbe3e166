/*
** web/support/review_view.h — what the review pages share
** (web/support/review_*.c), and the pieces other support pages call: the
** review line of the case page and the reviews-on-time figure of the
** caseload page.
*/
#ifndef CAIRN_WEB_SUPPORT_REVIEW_VIEW_H
#define CAIRN_WEB_SUPPORT_REVIEW_VIEW_H
#include "support/review.h"
#include "web/page.h"

/* What a viewer may see of a case's reviews. */
typedef enum review_sight {
    REVIEW_SEES_NOTHING = 0,
    REVIEW_SEES_DATES,      /* a leader not on the team: dates only */
    REVIEW_SEES_TEACHING,   /* a teacher on the team: dates, and progress on the goals
                               of their teaching (support/plan.h) */
    REVIEW_SEES_ALL         /* the key worker and the team (and a pending receiver) */
} review_sight;

/* Who is looking at a case's reviews. */
typedef struct review_who {
    unsigned     rel;         /* SUPPORT_CASE_REL_* */
    unsigned     view;        /* the goal view (support_goal_view) */
    review_sight sight;
    int          may_record;  /* 1 a review (key worker, team); 2 progress only (a
                                 teacher on the team); 0 nothing */
} review_who;

/* The viewer's sight of case case_id into *w, the case (no texts) into *k.
** 1 go on, 0 answered already (404 / 403 / 500, as a page or as JSON). */
int review_viewer(web_ctx *c, int64_t case_id, int json, review_who *w, support_case *k);

/* The case page's review line for c->id: the last review, the next due
** (overdue in a clear style) and the link to the reviews.  Writes nothing
** on an error but logs it. */
void review_case_line(web_ctx *c, const support_case *k);

/* The caseload page's share of reviews on time (done by their due day),
** suppressed as an aggregate (base/suppress.h).  0 or -1 (err set). */
int review_caseload_part(web_ctx *c, cairn_err *err);

/* The translated sentence of a refused review. */
const char *review_problem_text(const i18n_lang *L, support_review_problem p);

/* The translated name of a decision. */
const char *review_decision_name(const i18n_lang *L, int decision);

#endif
