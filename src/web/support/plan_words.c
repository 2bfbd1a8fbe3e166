/*
** web/support/plan_words.c — what the plan pages share (see plan_web.h):
** who sees a case's goals, the words for plans, statuses and problems, and
** the plan section of the case page.
*/
#include "web/support/plan_web.h"
#include "base/date.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/support/case_view.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The viewer's view of the case's goals (see plan_web.h). */
int plan_viewer(web_ctx *c, unsigned *view, int json) {
    cairn_err err = {0};
    unsigned rel = 0;
    *view = 0;
    if (!case_viewer(c, c->id, &rel, json)) return 0;
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM |
                 SUPPORT_CASE_REL_RECEIVER))) {
        if (json) api_refuse(c, "Only the case's key worker and its team see its plan.");
        else page_refuse(c, "Only the case's key worker and its team see its plan.");
        return 0;
    }
    if (support_goal_view(c->st, c->who->institution_id, c->id, c->who->staff_id, rel, view,
                          &err) < 0) {
        if (json) api_fail(c, "plan view", err.msg);
        else page_fail(c, "plan view", err.msg);
        return 0;
    }
    return 1;
}

/* The translated sentence for a problem (see plan_web.h). */
const char *plan_problem_text(const i18n_lang *L, support_plan_problem p) {
    switch (p) {
    case SUPPORT_PLAN_NOT_YOURS: return T(L, "This plan is not yours to change.");
    case SUPPORT_PLAN_CASE_CLOSED: return T(L, "The case is closed: its plan cannot change.");
    case SUPPORT_PLAN_KIND_BAD:
        return T(L, "Choose the plan: learning, career, or health and well-being.");
    case SUPPORT_PLAN_DOMAIN_BAD: return T(L, "Choose the life domain.");
    case SUPPORT_PLAN_WHAT_MISSING: return T(L, "Write what the goal is.");
    case SUPPORT_PLAN_WHAT_BAD:
        return T(L, "The goal is too long (at most 500 characters) or holds characters that "
                    "cannot be stored.");
    case SUPPORT_PLAN_MEASURE_MISSING: return T(L, "Write the measure: what is counted.");
    case SUPPORT_PLAN_MEASURE_BAD:
        return T(L, "The measure is too long (at most 120 characters) or holds characters that "
                    "cannot be stored.");
    case SUPPORT_PLAN_BASELINE_BAD: return T(L, "The baseline must be a number.");
    case SUPPORT_PLAN_TARGET_MISSING: return T(L, "Write the target: the number to reach.");
    case SUPPORT_PLAN_TARGET_BAD: return T(L, "The target must be a number.");
    case SUPPORT_PLAN_DUE_MISSING: return T(L, "Choose the date the goal is due.");
    case SUPPORT_PLAN_DUE_BAD: return T(L, "The due date is not a date.");
    case SUPPORT_PLAN_DUE_PAST: return T(L, "The due date is in the past.");
    case SUPPORT_PLAN_STEP_BAD:
        return T(L, "The learner's step is too long (at most 500 characters) or holds "
                    "characters that cannot be stored.");
    case SUPPORT_PLAN_SUPPORT_BAD:
        return T(L, "The support is too long (at most 500 characters) or holds characters that "
                    "cannot be stored.");
    case SUPPORT_PLAN_HELPER_BAD:
        return T(L, "Who helps must be the key worker, a member of the team, or a name of at "
                    "most 120 characters.");
    case SUPPORT_PLAN_GROUP_BAD: return T(L, "There is no such teaching group.");
    case SUPPORT_PLAN_GOAL_UNKNOWN: return T(L, "There is no such goal in this plan.");
    case SUPPORT_PLAN_GOAL_CLOSED: return T(L, "This goal is achieved or dropped already.");
    case SUPPORT_PLAN_STATUS_BAD: return T(L, "Choose achieved or dropped.");
    case SUPPORT_PLAN_REASON_MISSING: return T(L, "Write the reason.");
    case SUPPORT_PLAN_REASON_BAD:
        return T(L, "The reason is too long (at most 500 characters) or holds characters that "
                    "cannot be stored.");
    case SUPPORT_PLAN_RECOVERY_BAD:
        return T(L, "The text is too long (at most 2,000 characters) or holds characters that "
                    "cannot be stored.");
    case SUPPORT_PLAN_OK: break;
    }
    return "";
}

/* The translated name of a plan kind (see plan_web.h). */
const char *plan_kind_name(const i18n_lang *L, int kind) {
    switch (kind) {
    case SUPPORT_PLAN_LEARNING: return T(L, "Individual learning plan");
    case SUPPORT_PLAN_CAREER: return T(L, "Career plan");
    case SUPPORT_PLAN_HEALTH: return T(L, "Health and well-being plan");
    default: return "";
    }
}

/* The translated name of a goal's status (see plan_web.h). */
const char *plan_status_name(const i18n_lang *L, int status) {
    switch (status) {
    case SUPPORT_GOAL_OPEN: return T(L, "Open");
    case SUPPORT_GOAL_ACHIEVED: return T(L, "Achieved");
    case SUPPORT_GOAL_DROPPED: return T(L, "Dropped");
    default: return "";
    }
}

/* A number of a measure (see plan_web.h). */
const char *plan_number_text(const i18n_lang *L, double v, char *out, size_t cap) {
    int decimals = 0;
    while (decimals < 3 && fabs(v * pow(10, decimals) - round(v * pow(10, decimals))) > 1e-9)
        decimals++;
    return i18n_format_number(L, v, decimals, out, cap);
}

/* The plan section of the case page (see plan_web.h). */
int plan_case_section(web_ctx *c, const support_case_detail *d, unsigned rel, cairn_err *err) {
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM |
                 SUPPORT_CASE_REL_RECEIVER)))
        return 0;
    int64_t inst = c->who->institution_id;
    unsigned view = 0;
    support_goal *goals = NULL;
    size_t n = 0;
    if (support_goal_view(c->st, inst, d->c.id, c->who->staff_id, rel, &view, err) < 0 ||
        support_goal_list(c->st, inst, d->c.id, view, c->who->staff_id, &goals, &n, err) < 0)
        return -1;
    page_keep(c, goals);
    size_t per[SUPPORT_PLAN_KIND_COUNT] = {0}, soon = 0;
    int32_t today = date_today();
    for (size_t i = 0; i < n; i++) {
        if (goals[i].plan >= 0 && goals[i].plan < SUPPORT_PLAN_KIND_COUNT) per[goals[i].plan]++;
        if (goals[i].status == SUPPORT_GOAL_OPEN &&
            goals[i].due_on <= today + SUPPORT_GOAL_SOON_DAYS)
            soon++;
    }
    unsigned unanswered = 0;
    int full = !(view & SUPPORT_GOAL_TEACHING_ONLY);
    if (full) {
        int needs[SUPPORT_DOMAIN_COUNT];
        if (support_plan_needs(c->st, inst, d->c.id, needs, err) < 0 ||
            support_plan_unanswered_of_case(c->st, inst, d->c.id, needs, &unanswered, err) < 0)
            return -1;
    }
    const i18n_lang *L = c->L;
    buf *b = c->b;
    char num[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-plan\" class=\"plan-summary\">\n"
                   "<h2 id=\"h-plan\">%T</h2>\n<ul>\n", T(L, "Plan"));
    for (int k = 0; k < SUPPORT_PLAN_KIND_COUNT; k++) {
        if (k == SUPPORT_PLAN_HEALTH && !(view & SUPPORT_GOAL_SEES_HEALTH)) continue;
        html_printf(b, "<li>%T: ", plan_kind_name(L, k));
        html_printf(b, TN(L, "%T goal", "%T goals", per[k]),
                    i18n_format_int(L, (long long)per[k], num, sizeof num));
        html_printf(b, "</li>\n");
    }
    html_printf(b, "<li>");
    html_printf(b, TN(L, "%T goal due within two weeks or overdue",
                      "%T goals due within two weeks or overdue", soon),
                i18n_format_int(L, (long long)soon, num, sizeof num));
    html_printf(b, "</li>\n");
    if (full) {
        int nu = __builtin_popcount(unanswered);
        html_printf(b, "<li data-unanswered=\"%d\">", nu);
        html_printf(b, TN(L, "%T need not yet answered by a goal or a reason",
                          "%T needs not yet answered by a goal or a reason", nu),
                    i18n_format_int(L, nu, num, sizeof num));
        html_printf(b, "</li>\n");
    }
    html_printf(b, "</ul>\n<p><a href=\"/cases/%lld/plan\">%T</a></p>\n</section>\n",
                (long long)d->c.id, T(L, "Open the plan"));
    return 0;
}

/* Fill a goal spec from the form (see plan_web.h). */
void plan_spec_from_form(web_request *req, support_goal_spec *spec) {
    memset(spec, 0, sizeof *spec);
    const char *id = web_request_form(req, "goal_id");
    if (id && *id) {
        spec->id = page_parse_id(id);
        if (spec->id <= 0) spec->id = -1;   /* an edit of no goal: refused */
    }
    spec->plan = web_request_form(req, "plan");
    spec->domain = web_request_form(req, "domain");
    spec->what = web_request_form(req, "what");
    spec->measure = web_request_form(req, "measure");
    spec->baseline = web_request_form(req, "baseline");
    spec->target = web_request_form(req, "target");
    spec->due_on = web_request_form(req, "due_on");
    spec->learner_step = web_request_form(req, "learner_step");
    spec->support = web_request_form(req, "support");
    const char *helper = web_request_form(req, "helper");
    /* "helper" is a staff id, or "other" with the name in helper_text */
    if (helper && *helper && strcmp(helper, "other") != 0) {
        spec->helper_staff_id = page_parse_id(helper);
        if (spec->helper_staff_id <= 0) spec->helper_staff_id = -1;   /* refused */
    } else {
        spec->helper_text = web_request_form(req, "helper_text");
    }
    const char *group = web_request_form(req, "group_id");
    if (group && *group) {
        spec->group_id = page_parse_id(group);
        if (spec->group_id <= 0) spec->group_id = -1;   /* refused */
    }
}
