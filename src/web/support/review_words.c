/*
** web/support/review_words.c — what the review pages share (see
** review_view.h): who sees what of a case's reviews, the words for
** decisions and refusals, the case page's review line and the caseload
** page's reviews on time.
*/
#include "web/support/review_view.h"
#include "web/support/case_view.h"
#include "base/date.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include "support/plan.h"
#include "web/html.h"
#include "web/pages.h"
#include <stdlib.h>
#include <string.h>

/* The decisions' names, for the extractor (support/review.c has them). */
static const char *const decision_msgids[SUPPORT_REVIEW_DECISION_COUNT] = {
    N_("Continue as planned"), N_("Change the plan"), N_("Step the tier down"),
    N_("Step the tier up"), N_("Close the case")};

/* The translated name of a decision (see review_view.h). */
const char *review_decision_name(const i18n_lang *L, int decision) {
    return decision >= 0 && decision < SUPPORT_REVIEW_DECISION_COUNT
               ? T(L, decision_msgids[decision])
               : "";
}

/* The translated sentence of a refused review (see review_view.h). */
const char *review_problem_text(const i18n_lang *L, support_review_problem p) {
    switch (p) {
    case SUPPORT_REVIEW_OK: return "";
    case SUPPORT_REVIEW_NOT_YOURS:
        return T(L, "Only the key worker and the team record reviews of this case.");
    case SUPPORT_REVIEW_NOT_NOW:
        return T(L, "A review needs an agreed plan: this case has none, or is closed.");
    case SUPPORT_REVIEW_DAY_BAD:
        return T(L, "Give the day of the review: not after today, not before the case opened.");
    case SUPPORT_REVIEW_NEXT_BAD:
        return T(L, "The next review must be after this review, and within a year.");
    case SUPPORT_REVIEW_DECISION_BAD: return T(L, "Choose a decision from the list.");
    case SUPPORT_REVIEW_CHANGED_BAD:
        return T(L, "What changed is too long (at most 2,000 characters) or holds characters "
                    "that cannot be stored. Please type it again.");
    case SUPPORT_REVIEW_GOAL_BAD:
        return T(L, "A progress value names a goal that is not open in this case.");
    case SUPPORT_REVIEW_VALUE_BAD: return T(L, "Give each goal's progress as a number.");
    }
    return "";
}

/* The viewer's sight of a case's reviews (see review_view.h). */
int review_viewer(web_ctx *c, int64_t case_id, int json, review_who *w, support_case *k) {
    cairn_err err = {0};
    memset(w, 0, sizeof *w);
    if (!case_viewer(c, case_id, &w->rel, json)) return 0;
    if (!w->rel) {
        if (json) api_refuse(c, "Only the case's key worker, its team and school leaders may see "
                                "its reviews.");
        else page_refuse(c, "You may not see this case.");
        return 0;
    }
    int64_t inst = c->who->institution_id;
    int found = support_case_get(c->st, inst, case_id, 0, k, &err);
    if (found > 0 && support_goal_view(c->st, inst, case_id, c->who->staff_id, w->rel, &w->view,
                                       &err) < 0)
        found = -1;
    if (found <= 0) {
        if (json) api_fail(c, "review case", found < 0 ? err.msg : "vanished");
        else page_fail(c, "review case", found < 0 ? err.msg : "vanished");
        return 0;
    }
    if (w->view & SUPPORT_GOAL_TEACHING_ONLY) {
        w->sight = REVIEW_SEES_TEACHING;
        w->may_record = 2;
    } else if (w->rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)) {
        w->sight = REVIEW_SEES_ALL;
        w->may_record = 1;
    } else if (w->rel & SUPPORT_CASE_REL_RECEIVER) {
        w->sight = REVIEW_SEES_ALL;
    } else {
        w->sight = REVIEW_SEES_DATES;   /* a leader not on the team */
    }
    return 1;
}

/* The case page's review line (see review_view.h). */
void review_case_line(web_ctx *c, const support_case *k) {
    cairn_err err = {0};
    int32_t last = 0, next = 0, today = date_today();
    if (support_review_dates(c->st, c->who->institution_id, k->id, &last, &next, &err) < 0) {
        web_log(c->req, "review line: %s", err.msg);
        return;
    }
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char d1[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-reviews\" class=\"review-line\">\n"
                   "<h2 id=\"h-reviews\">%T</h2>\n<p>", T(L, "Reviews"));
    if (last)
        html_printf(b, "%T: %T. ", T(L, "Last review"), i18n_format_date(L, last, d1, sizeof d1));
    else
        html_printf(b, "%T ", T(L, "No review yet."));
    if (next && next < today)
        html_printf(b, "<strong class=\"overdue\">%T: %T (%T)</strong> ", T(L, "Next review due"),
                    i18n_format_date(L, next, d1, sizeof d1), T(L, "overdue"));
    else if (next)
        html_printf(b, "%T: %T. ", T(L, "Next review due"), i18n_format_date(L, next, d1, sizeof d1));
    html_printf(b, "<a href=\"/cases/%lld/reviews\">%T</a></p>\n</section>\n", (long long)k->id,
                T(L, "All reviews"));
}

/* The caseload page's reviews on time (see review_view.h). */
int review_caseload_part(web_ctx *c, cairn_err *err) {
    long long due = 0, on_time = 0;
    if (support_review_on_time(c->st, c->who->institution_id, date_today(), &due, &on_time,
                               err) < 0)
        return -1;
    /* a one-way table: on time, late, and their total */
    long long count[2] = {on_time, due - on_time};
    unsigned char state[3] = {SUPPRESS_SHOWN, SUPPRESS_SHOWN, SUPPRESS_SHOWN};
    suppress_one_way(count, 2, due, METRIC_MIN_CELL, state);
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char pct[I18N_NUM_MAX], num[I18N_NUM_MAX], num2[I18N_NUM_MAX];
    html_printf(b, "<h2>%T</h2>\n<p class=\"reviews-on-time\">", T(L, "Reviews on time"));
    if (suppress_withheld(state[0]) || suppress_withheld(state[1]) || suppress_withheld(state[2]))
        html_printf(b, "%T", T(L, "Withheld: too few reviews have fallen due yet."));
    else
        html_printf(b, T(L, "%T %% of the reviews that fell due were done by their due day "
                            "(%T of %T)."),
                    i18n_format_number(L, 100.0 * (double)on_time / (double)due, 0, pct,
                                       sizeof pct),
                    i18n_format_int(L, on_time, num, sizeof num),
                    i18n_format_int(L, due, num2, sizeof num2));
    html_printf(b, "</p>\n");
    return 0;
}
