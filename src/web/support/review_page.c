/*
** web/support/review_page.c — GET /cases/{id}/reviews: a case's reviews,
** newest first, with each open goal's progress as a small chart against
** its baseline and target, the suggestion of a tier change (advice: a
** person decides), and the form that records a review; POST
** /cases/{id}/reviews records one.  The key worker and the team see and
** record everything; a teacher on the team and a school leader not on it
** see the dates only.  Every view is written to the audit log
** ("review.view", "review.view_dates").  A refused form shows the page
** again (400) with the error beside its field and in a summary at the top,
** nothing written.  The JSON twins are web/support/review_api.c.
*/
#include "web/support/review_view.h"
#include "web/support/case_view.h"
#include "base/date.h"
#include "base/mem.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What was typed into a refused form, to show again. */
typedef struct review_form {
    support_review_problem problem;
    const char *reviewed_on, *next_on, *changed, *decision;
} review_form;

/* The decimals a value needs (0, 1 or 2). */
static int value_decimals(double v) {
    if (!isfinite(v) || fabs(v - round(v)) < 1e-9) return 0;
    return fabs(v * 10 - round(v * 10)) < 1e-9 ? 1 : 2;
}

/* A goal's value for people in L ("–" when not known); returns out. */
static const char *value_text(const i18n_lang *L, double v, char *out, size_t cap) {
    if (isnan(v)) return "\xE2\x80\x93";
    return i18n_format_number(L, v, value_decimals(v), out, cap);
}

/* The values of goal g over reviews (oldest first) into a new array in the
** arena, with their day labels; *n the number. */
static double *goal_values(web_ctx *c, const support_review *rows, size_t nrows, int64_t g,
                           const char ***labels, size_t *n) {
    double *v = arena_alloc(c->arena, (nrows + 1) * sizeof *v);
    *labels = arena_alloc(c->arena, (nrows + 1) * sizeof **labels);
    *n = 0;
    for (size_t i = nrows; i-- > 0;)
        for (size_t j = 0; j < rows[i].nprogress; j++)
            if (rows[i].progress[j].goal_id == g) {
                char *day = arena_alloc(c->arena, I18N_DATE_MAX);
                (*labels)[*n] = i18n_format_date(c->L, rows[i].reviewed_on, day, I18N_DATE_MAX);
                v[(*n)++] = rows[i].progress[j].value;
            }
    return v;
}

/* The suggestion from the goals' progress, as advice. */
static void suggestion_part(web_ctx *c, const support_case *k, const support_review_goal *goals,
                            size_t ngoals, const support_review *rows, size_t nrows) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    support_review_goal_points *pts = arena_alloc(c->arena, (ngoals + 1) * sizeof *pts);
    for (size_t i = 0; i < ngoals; i++) {
        const char **labels;
        pts[i].baseline = goals[i].baseline;
        pts[i].target = goals[i].target;
        pts[i].values = goal_values(c, rows, nrows, goals[i].id, &labels, &pts[i].n);
    }
    support_review_suggestion s;
    support_review_suggest(pts, ngoals, &s);
    char n1[I18N_NUM_MAX], n2[I18N_NUM_MAX], n3[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-suggestion\" class=\"suggestion\" data-verdict=\"%d\">\n"
                   "<h2 id=\"h-suggestion\">%T</h2>\n<p><strong>",
                (int)s.verdict, T(L, "Suggestion (advice only)"));
    switch (s.verdict) {
    case SUPPORT_SUGGEST_STEP_DOWN:
        html_printf(b, "%T", k->tier > 0 ? T(L, "Consider stepping the tier down.")
                                         : T(L, "Consider closing the case: the plan works at "
                                                "the lightest tier."));
        break;
    case SUPPORT_SUGGEST_STEP_UP:
        html_printf(b, "%T", k->tier < 2 ? T(L, "Consider stepping the tier up.")
                                         : T(L, "Consider changing the plan: the case has the "
                                                "most intensive tier already."));
        break;
    default: html_printf(b, "%T", T(L, "No change of tier is suggested yet.")); break;
    }
    html_printf(b, "</strong></p>\n<p>");
    /* the words of support_review_suggest's reasons (support/review.c) */
    if (s.verdict == SUPPORT_SUGGEST_STEP_UP)
        html_printf(b, T(L, "Not moving: %T of %T goals with at least four progress points are "
                            "not at their target and have not moved toward it over the last four "
                            "points."),
                    i18n_format_int(L, (long long)s.stuck, n1, sizeof n1),
                    i18n_format_int(L, (long long)s.counted, n2, sizeof n2));
    else if (s.verdict == SUPPORT_SUGGEST_STEP_DOWN)
        html_printf(b, T(L, "On track: of %T goals with at least four progress points, %T are at "
                            "or past their target and %T are moving toward it over the last four "
                            "points."),
                    i18n_format_int(L, (long long)s.counted, n1, sizeof n1),
                    i18n_format_int(L, (long long)s.achieved, n2, sizeof n2),
                    i18n_format_int(L, (long long)s.on_track, n3, sizeof n3));
    else if (s.verdict == SUPPORT_SUGGEST_TOO_FEW)
        html_printf(b, "%T", T(L, "Not enough points yet: a change of tier is suggested only "
                                  "after at least four progress points of a goal."));
    else
        html_printf(b, "%T", T(L, "The case has no goal with a measure yet: nothing to suggest."));
    html_printf(b, "</p>\n<p class=\"muted\">%T <a href=\"/cases/%lld#h-tier\">%T</a></p>\n"
                   "</section>\n",
                T(L, "cairn does not change the tier: a person decides, on the case page."),
                (long long)k->id, T(L, "The tier form"));
}

/* Each open goal's progress as a small chart against baseline and target. */
static void goal_charts(web_ctx *c, const support_review_goal *goals, size_t ngoals,
                        const support_review *rows, size_t nrows) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<section aria-labelledby=\"h-progress\">\n<h2 id=\"h-progress\">%T</h2>\n",
                T(L, "Progress on the goals"));
    if (!ngoals)
        html_printf(b, "<p>%T</p>\n", T(L, "The case's plans have no open goal with a measure "
                                           "yet."));
    for (size_t i = 0; i < ngoals; i++) {
        const support_review_goal *g = &goals[i];
        const char **labels;
        size_t n;
        double *v = goal_values(c, rows, nrows, g->id, &labels, &n);
        chart_point *pts = arena_alloc(c->arena, (n + 1) * sizeof *pts);
        double lo = fmin(g->baseline, g->target), hi = fmax(g->baseline, g->target);
        int decimals = value_decimals(g->target);
        for (size_t j = 0; j < n; j++) {
            pts[j] = (chart_point){labels[j], v[j], NULL};
            lo = fmin(lo, v[j]);
            hi = fmax(hi, v[j]);
            if (value_decimals(v[j]) > decimals) decimals = value_decimals(v[j]);
        }
        char bl[I18N_NUM_MAX], tg[I18N_NUM_MAX];
        const char *desc = arena_printf(c->arena, "%s: %s %s, %s %s.", g->measure,
                                        T(L, "baseline"),
                                        value_text(L, g->baseline, bl, sizeof bl),
                                        T(L, "target"),
                                        value_text(L, g->target, tg, sizeof tg));
        chart_mark *marks = arena_alloc(c->arena, 2 * sizeof *marks);
        size_t nmarks = 0;
        if (!isnan(g->baseline)) marks[nmarks++] = (chart_mark){T(L, "Baseline"), g->baseline};
        marks[nmarks++] = (chart_mark){T(L, "Target"), g->target};
        chart_line line = {.id = arena_printf(c->arena, "goal%lld", (long long)g->id),
                           .title = g->what[0] ? g->what : g->measure, .desc = desc,
                           .x_heading = T(L, "Review"), .y_heading = g->measure, .y_min = lo,
                           .y_max = hi, .format = CHART_NUMBER, .decimals = decimals,
                           .points = pts, .n = n, .marks = marks, .nmarks = nmarks};
        chart_line_write(b, L, &line);
    }
    html_printf(b, "</section>\n");
}

/* The field error of form f for field, with id. */
static int field_error(buf *b, const i18n_lang *L, const review_form *f, const char *field) {
    if (!f || !f->problem || strcmp(support_review_problem_field(f->problem), field)) return 0;
    html_printf(b, "<p class=\"field-error\" id=\"rv-%A-error\" role=\"alert\">%T</p>\n", field,
                review_problem_text(L, f->problem));
    return 1;
}

/* The attributes that tie a field to its error, when it has one. */
static void invalid_attrs(buf *b, int bad, const char *field) {
    if (bad) html_printf(b, " aria-describedby=\"rv-%A-error\" aria-invalid=\"true\"", field);
}

/* The form that records a review: the day, a value per open goal, what
** changed, the decision, the next review day. */
static void review_form_write(web_ctx *c, const support_case *k, const support_review_goal *goals,
                              size_t ngoals, const review_form *f, int progress_only) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char today[DATE_TEXT_LEN], due[DATE_TEXT_LEN], d1[I18N_DATE_MAX];
    cairn_err err = {0};
    int32_t next = 0;
    date_format(date_today(), today);
    if (support_review_due(c->st, c->who->institution_id, k->tier, date_today(), &next, &err) < 0)
        next = date_today() + 7;
    date_format(next, due);
    html_printf(b, "<section aria-labelledby=\"h-review-new\">\n<h2 id=\"h-review-new\">%T</h2>\n"
                   "<form method=\"post\" action=\"/cases/%lld/reviews\">\n",
                progress_only ? T(L, "Record progress on the goals of your teaching")
                              : T(L, "Record a review"), (long long)k->id);
    case_csrf_field(b, c->req);
    field_error(b, L, f, "");
    html_printf(b, "<p><label for=\"rv-day\">%T</label></p>\n", T(L, "Day of the review"));
    int bad = field_error(b, L, f, "reviewed_on");
    html_printf(b, "<p><input id=\"rv-day\" name=\"reviewed_on\" type=\"date\" required");
    invalid_attrs(b, bad, "reviewed_on");
    html_printf(b, " "
                   "value=\"%A\"></p>\n", f && f->reviewed_on ? f->reviewed_on : today);
    html_printf(b, "<fieldset><legend>%T</legend>\n", T(L, "Progress on each open goal"));
    field_error(b, L, f, "progress");
    if (!ngoals)
        html_printf(b, "<p class=\"muted\">%T</p>\n", T(L, "The case's plans have no open goal "
                                                           "with a measure yet."));
    for (size_t i = 0; i < ngoals; i++) {
        char bl[I18N_NUM_MAX], tg[I18N_NUM_MAX];
        html_printf(b, "<p><label for=\"rv-goal-%lld\"><bdi>%T</bdi> (%T)</label> ",
                    (long long)goals[i].id, goals[i].what[0] ? goals[i].what : goals[i].measure,
                    goals[i].measure);
        html_printf(b, "<span class=\"muted\">%T %T, %T %T</span> ", T(L, "baseline"),
                    value_text(L, goals[i].baseline, bl, sizeof bl), T(L, "target"),
                    value_text(L, goals[i].target, tg, sizeof tg));
        const char *typed = web_request_form(c->req, arena_printf(c->arena, "goal-%lld",
                                                                   (long long)goals[i].id));
        html_printf(b, "<input id=\"rv-goal-%lld\" name=\"goal-%lld\" inputmode=\"decimal\" "
                       "value=\"%A\"></p>\n", (long long)goals[i].id, (long long)goals[i].id,
                    f && typed ? typed : "");
    }
    if (progress_only) {
        html_printf(b, "</fieldset>\n<p><button type=\"submit\">%T</button></p>\n</form>\n"
                       "</section>\n", T(L, "Record the progress"));
        return;
    }
    html_printf(b, "</fieldset>\n<p><label for=\"rv-changed\">%T</label></p>\n",
                T(L, "What changed since the last review"));
    bad = field_error(b, L, f, "changed");
    html_printf(b, "<textarea id=\"rv-changed\" name=\"changed\" rows=\"3\"");
    invalid_attrs(b, bad, "changed");
    html_printf(b, ">%T</textarea>\n"
                   "<p><label for=\"rv-decision\">%T</label></p>\n",
                f && f->changed ? f->changed : "", T(L, "Decision"));
    bad = field_error(b, L, f, "decision");
    html_printf(b, "<p><select id=\"rv-decision\" name=\"decision\" required");
    invalid_attrs(b, bad, "decision");
    html_printf(b, ">\n");
    for (int d = 0; d < SUPPORT_REVIEW_DECISION_COUNT; d++) {
        int sel = f && f->decision && !strcmp(f->decision, support_review_decision_code(d));
        html_printf(b, sel ? "<option value=\"%A\" selected>%T</option>\n"
                           : "<option value=\"%A\">%T</option>\n",
                    support_review_decision_code(d), review_decision_name(L, d));
    }
    html_printf(b, "</select></p>\n<p class=\"muted\">%T</p>\n",
                T(L, "A decision to change the tier or to close the case does not change the "
                     "case by itself: the key worker does that on the case page."));
    html_printf(b, "<p><label for=\"rv-next\">%T</label> <span class=\"muted\">", T(L, "Next review"));
    html_printf(b, T(L, "by the cadence of the tier: %T"), i18n_format_date(L, next, d1, sizeof d1));
    html_printf(b, "</span></p>\n");
    bad = field_error(b, L, f, "next_on");
    html_printf(b, "<p><input id=\"rv-next\" name=\"next_on\" type=\"date\"");
    invalid_attrs(b, bad, "next_on");
    html_printf(b, " value=\"%A\"></p>\n"
                   "<p><button type=\"submit\">%T</button></p>\n</form>\n</section>\n",
                f && f->next_on ? f->next_on : due, T(L, "Record the review"));
}

/* The past reviews, newest first (dates only for sight DATES). */
static void review_list(web_ctx *c, const support_review *rows, size_t n, review_sight sight,
                        const support_review_goal *goals, size_t ngoals) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char d1[I18N_DATE_MAX], d2[I18N_DATE_MAX], d3[I18N_DATE_MAX], num[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-review-list\">\n<h2 id=\"h-review-list\">%T</h2>\n",
                T(L, "Past reviews"));
    if (!n) html_printf(b, "<p>%T</p>\n", T(L, "No review yet."));
    else html_printf(b, "<ol class=\"reviews\" reversed>\n");
    for (size_t i = 0; i < n; i++) {
        const support_review *r = &rows[i];
        if (r->progress_only && sight == REVIEW_SEES_DATES) continue;
        int late = r->due_on && r->reviewed_on > r->due_on;
        html_printf(b, "<li><strong>%T</strong>", i18n_format_date(L, r->reviewed_on, d1, sizeof d1));
        if (r->due_on)
            html_printf(b, late ? " <span class=\"overdue\">(%T %T)</span>" : " <span class=\"muted\">(%T %T)</span>",
                        T(L, "due"), i18n_format_date(L, r->due_on, d2, sizeof d2));
        if (!r->progress_only)
            html_printf(b, " \xE2\x80\x94 %T %T", T(L, "next review"),
                        i18n_format_date(L, r->next_on, d3, sizeof d3));
        if (sight == REVIEW_SEES_ALL && !r->progress_only) {
            html_printf(b, "<p><bdi>%T</bdi>, %T: <strong>%T</strong></p>\n",
                        r->by[0] ? r->by : "cairn", case_tier_name(L, r->tier),
                        review_decision_name(L, r->decision));
            if (r->changed[0]) html_printf(b, "<p class=\"comment\">%T</p>\n", r->changed);
        }
        if (sight != REVIEW_SEES_DATES && r->progress_only)
            html_printf(b, "<p class=\"muted\"><bdi>%T</bdi>: %T</p>\n", r->by[0] ? r->by : "cairn",
                        T(L, "progress recorded by a teacher"));
        for (size_t j = 0; sight != REVIEW_SEES_DATES && j < r->nprogress; j++) {
            const char *what = NULL;
            for (size_t g = 0; g < ngoals; g++)
                if (goals[g].id == r->progress[j].goal_id)
                    what = goals[g].what[0] ? goals[g].what : goals[g].measure;
            if (!what && sight != REVIEW_SEES_ALL) continue;   /* not a goal of their teaching */
            html_printf(b, "<p class=\"progress\"><bdi>%T</bdi>: %T</p>\n",
                        what ? what : T(L, "a goal no longer open"),
                        value_text(L, r->progress[j].value, num, sizeof num));
        }
        html_printf(b, "</li>\n");
    }
    if (n) html_printf(b, "</ol>\n");
    html_printf(b, "</section>\n");
}

/* The reviews page with status (200, or 400 with the refused form f). */
static void reviews_show(web_ctx *c, int status, const review_form *f) {
    cairn_err err = {0};
    review_who w;
    support_case *k = page_keep(c, calloc(1, sizeof *k));
    if (!review_viewer(c, c->id, 0, &w, k)) return;
    int64_t inst = c->who->institution_id;
    int all = w.sight == REVIEW_SEES_ALL, teach = w.sight == REVIEW_SEES_TEACHING;
    support_review *rows = NULL;
    support_review_goal *goals = NULL;
    size_t n = 0, ngoals = 0;
    if (support_review_list(c->st, inst, c->id, all || teach, &rows, &n, &err) < 0 ||
        ((all || teach) && support_review_goals(c->st, inst, c->id, w.view, c->who->staff_id,
                                                &goals, &ngoals, &err) < 0) ||
        support_case_audit(c->st, inst, c->who->account_id, k->learner_id, c->id,
                           all ? "review.view" : teach ? "review.view_teaching"
                                                       : "review.view_dates", "viewed",
                           arena_printf(c->arena, "case %lld: reviews", (long long)c->id),
                           &err) != 0) {
        support_review_list_free(rows, n);
        free(goals);
        page_fail(c, "reviews", err.msg);
        return;
    }
    page_keep(c, goals);
    const i18n_lang *L = c->L;
    buf *b = c->b;
    /* not HTML: the title as text, escaped by page_begin and %T */
    const char *title = arena_printf(c->arena, "%s \xE2\x80\x94 %s", T(L, "Reviews"),
                                     k->learner_name);
    page_begin(c, title);
    html_printf(b, "<h1>%T</h1>\n<p><a href=\"/cases/%lld\">%T</a></p>\n", title,
                (long long)c->id, T(L, "Back to the case"));
    if (f && f->problem) {
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>%T</p>\n</div>\n",
                    T(L, "Nothing was saved"), review_problem_text(L, f->problem));
    } else {
        const char *done = web_request_query(c->req, "done");
        int d = done ? support_review_decision_parse(done) : -1;
        if (done && *done) html_printf(b, "<p class=\"notice\" role=\"status\">%T ", T(L, "Saved."));
        if (d == SUPPORT_REVIEW_STEP_UP || d == SUPPORT_REVIEW_STEP_DOWN)
            html_printf(b, "%T <a href=\"/cases/%lld#h-tier\">%T</a>",
                        T(L, "The review decided to change the tier: the tier changes only when "
                             "the key worker changes it."),
                        (long long)c->id, T(L, "Change the tier"));
        else if (d == SUPPORT_REVIEW_CLOSE)
            html_printf(b, "%T <a href=\"/cases/%lld#h-steps\">%T</a>",
                        T(L, "The review decided to close the case: it closes only when the key "
                             "worker takes the step."),
                        (long long)c->id, T(L, "Next steps"));
        if (done && *done) html_printf(b, "</p>\n");
    }
    review_case_line(c, k);
    if (!all)
        html_printf(b, "<p class=\"notice\">%T</p>\n",
                    teach ? T(L, "You see the dates of the reviews and the progress on the goals "
                                 "of your teaching: the rest is for the key worker and the team.")
                          : T(L, "You see the dates of the reviews, not their contents: only the "
                                 "case's key worker and its team do."));
    if (all) suggestion_part(c, k, goals, ngoals, rows, n);
    if (all || teach) goal_charts(c, goals, ngoals, rows, n);
    if (w.may_record && (w.may_record == 1 || ngoals) &&   /* a teacher: with goals to record */
        (k->state == SUPPORT_CASE_PLAN_AGREED || k->state == SUPPORT_CASE_MONITORING))
        review_form_write(c, k, goals, ngoals, f, w.may_record == 2);
    review_list(c, rows, n, w.sight, goals, ngoals);
    support_review_list_free(rows, n);
    page_end(c);
    c->res->status = status;
}

/*
** WEBPAGE: GET /cases/{id}/reviews
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** A case's reviews: for the key worker and the team the reviews with their
** progress charts, the suggestion and the form; for a school leader not
** on the team and a teacher on it the dates.  Written to the audit log.
*/
void page_case_reviews(web_ctx *c) {
    reviews_show(c, 200, NULL);
}

/* Parse a number typed by a person ("3", "-2.5", "72,5"): 0, or -1. */
static int number_parse(const char *s, double *out) {
    char tmp[64];
    size_t n = strlen(s);
    if (!n || n >= sizeof tmp) return -1;
    for (size_t i = 0; i <= n; i++) tmp[i] = s[i] == ',' ? '.' : s[i];
    char *end;
    *out = strtod(tmp, &end);
    return *end || end == tmp || !isfinite(*out) ? -1 : 0;
}

/*
** WEBPAGE: POST /cases/{id}/reviews
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields reviewed_on, goal-ID (a value per open goal; empty ones are
** skipped), changed, decision, next_on (empty: by the cadence): the key
** worker or a team member records a review.
*/
void page_case_reviews_post(web_ctx *c) {
    cairn_err err = {0};
    review_who w;
    support_case *k = page_keep(c, calloc(1, sizeof *k));
    if (!review_viewer(c, c->id, 0, &w, k)) return;
    if (!w.may_record) {
        page_refuse(c, "You may not record a review of this case.");
        return;
    }
    web_request *req = c->req;
    review_form f = {SUPPORT_REVIEW_OK, web_request_form(req, "reviewed_on"),
                     web_request_form(req, "next_on"), web_request_form(req, "changed"),
                     web_request_form(req, "decision")};
    support_review_spec spec = {0};
    if (!f.reviewed_on || date_parse(f.reviewed_on, strlen(f.reviewed_on), &spec.reviewed_on) < 0)
        spec.reviewed_on = INT32_MAX;
    if (f.next_on && *f.next_on && date_parse(f.next_on, strlen(f.next_on), &spec.next_on) < 0)
        spec.next_on = -1;
    spec.changed = f.changed ? f.changed : "";
    spec.decision = support_review_decision_parse(f.decision);
    spec.view = w.view;
    spec.staff_id = c->who->staff_id;
    if (w.may_record == 2) {   /* a teacher: progress only */
        spec.decision = SUPPORT_REVIEW_CONTINUE;
        spec.changed = "";
        spec.next_on = 0;
    }
    support_review_goal *goals = NULL;
    size_t ngoals = 0;
    if (support_review_goals(c->st, c->who->institution_id, c->id, w.view, c->who->staff_id,
                             &goals, &ngoals, &err) < 0) {
        page_fail(c, "review goals", err.msg);
        return;
    }
    page_keep(c, goals);
    support_review_progress *prog = arena_alloc(c->arena, (ngoals + 1) * sizeof *prog);
    int bad_value = 0;
    for (size_t i = 0; i < ngoals; i++) {
        const char *v = web_request_form(req, arena_printf(c->arena, "goal-%lld",
                                                            (long long)goals[i].id));
        if (!v || !*v) continue;
        prog[spec.nprogress].goal_id = goals[i].id;
        if (number_parse(v, &prog[spec.nprogress].value) < 0) bad_value = 1;
        spec.nprogress++;
    }
    spec.progress = prog;
    int rc = 1;
    if (bad_value) f.problem = SUPPORT_REVIEW_VALUE_BAD;
    else rc = support_review_add(c->st, c->who->institution_id, c->who->account_id, w.rel,
                                 c->id, &spec, NULL, NULL, &f.problem, &err);
    if (rc < 0) {
        web_log(req, "review: %s", err.msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        reviews_show(c, 400, &f);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld/reviews?done=%s",
                                          (long long)c->id, w.may_record == 2
                                              ? "progress"
                                              : support_review_decision_code(spec.decision)));
    }
}
