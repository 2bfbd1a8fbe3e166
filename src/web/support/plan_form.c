/*
** web/support/plan_form.c — the goal form of the plan page and the POSTs
** of the plan: POST /cases/{id}/goals (add, or edit with goal_id),
** /cases/{id}/goals/close (achieved or dropped), /cases/{id}/not-now and
** /cases/{id}/plan/recovery.  A refused form shows the plan page again
** (400) with the error in the summary at the top and beside its field;
** nothing is written.
*/
#include "web/support/plan_web.h"
#include "base/date.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/support/case_view.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values the goal form shows, as text. */
typedef struct goal_values {
    int64_t     id;   /* 0 = a new goal */
    const char *plan, *domain, *what, *measure, *baseline, *target, *due_on, *learner_step,
               *support, *helper, *helper_text, *group_id;
} goal_values;

/* 1 when form is a refused goal form about field. */
static int bad(const plan_form *form, const char *field) {
    return form && form->problem && !strcmp(form->form, "goal") &&
           !strcmp(support_plan_problem_field(form->problem), field);
}

/* The error line above field's input (when it is the refused one). */
static void error_line(buf *b, const i18n_lang *L, const plan_form *form, const char *field) {
    if (bad(form, field))
        html_printf(b, "<span class=\"field-error\" id=\"g-%A-error\">%T</span>\n", field,
                    plan_problem_text(L, form->problem));
}

/* The invalid marks of field's input (when it is the refused one). */
static void invalid(buf *b, const plan_form *form, const char *field) {
    if (bad(form, field))
        html_printf(b, " aria-describedby=\"g-%A-error\" aria-invalid=\"true\"", field);
}

/* A one-line input: label, error, <input>. */
static void input_field(buf *b, const i18n_lang *L, const plan_form *form, const char *field,
                        const char *label, const char *type, const char *value, int max,
                        int required) {
    html_printf(b, "<p><label for=\"g-%A\">%T</label>\n", field, label);
    error_line(b, L, form, field);
    html_printf(b, "<input id=\"g-%A\" name=\"%A\" type=\"%A\"", field, field, type);
    if (max) html_printf(b, " maxlength=\"%d\"", max);
    if (!strcmp(type, "text") && (!strcmp(field, "baseline") || !strcmp(field, "target")))
        html_printf(b, " inputmode=\"decimal\"");
    if (required) html_printf(b, " required");
    invalid(b, form, field);
    html_printf(b, " value=\"%A\"></p>\n", value ? value : "");
}

/* A text area: label, error, <textarea>. */
static void area_field(buf *b, const i18n_lang *L, const plan_form *form, const char *field,
                       const char *label, const char *value, int required) {
    html_printf(b, "<p><label for=\"g-%A\">%T</label>\n", field, label);
    error_line(b, L, form, field);
    html_printf(b, "<textarea id=\"g-%A\" name=\"%A\" rows=\"2\" maxlength=\"500\"", field, field);
    if (required) html_printf(b, " required");
    invalid(b, form, field);
    html_printf(b, ">%T</textarea></p>\n", value ? value : "");
}

/* An <option> with value, selected when it is cur. */
static void option(buf *b, const char *value, const char *cur, const char *label) {
    html_printf(b, cur && !strcmp(cur, value) ? "<option value=\"%A\" selected>%T</option>\n"
                                              : "<option value=\"%A\">%T</option>\n",
                value, label);
}

/* The values of goal g as text, in the arena. */
static void values_of_goal(web_ctx *c, const support_goal *g, goal_values *v) {
    char due[DATE_TEXT_LEN];
    date_format(g->due_on, due);
    v->id = g->id;
    v->plan = support_plan_kind_code(g->plan);
    v->domain = support_domain_code(g->domain);
    v->what = g->what;
    v->measure = g->measure;
    /* not HTML: numbers as the input shows them */
    v->baseline = g->has_baseline ? arena_printf(c->arena, "%g", g->baseline) : "";
    v->target = arena_printf(c->arena, "%g", g->target);
    v->due_on = arena_printf(c->arena, "%s", due);
    v->learner_step = g->learner_step;
    v->support = g->support;
    v->helper = g->helper_staff_id ? arena_printf(c->arena, "%lld", (long long)g->helper_staff_id)
                                   : g->helper[0] ? "other" : "";
    v->helper_text = g->helper_staff_id ? "" : g->helper;
    v->group_id = g->group_id ? arena_printf(c->arena, "%lld", (long long)g->group_id) : "";
}

/* The values typed into the refused form. */
static void values_of_request(web_request *req, goal_values *v) {
    const char *id = web_request_form(req, "goal_id");
    v->id = page_parse_id(id);
    v->plan = web_request_form(req, "plan");
    v->domain = web_request_form(req, "domain");
    v->what = web_request_form(req, "what");
    v->measure = web_request_form(req, "measure");
    v->baseline = web_request_form(req, "baseline");
    v->target = web_request_form(req, "target");
    v->due_on = web_request_form(req, "due_on");
    v->learner_step = web_request_form(req, "learner_step");
    v->support = web_request_form(req, "support");
    v->helper = web_request_form(req, "helper");
    v->helper_text = web_request_form(req, "helper_text");
    v->group_id = web_request_form(req, "group_id");
}

/* The goal form (see plan_web.h). */
int plan_goal_form(web_ctx *c, unsigned view, const support_goal *goals, size_t n,
                   const plan_form *form, cairn_err *err) {
    int64_t inst = c->who->institution_id;
    support_case_detail *d = page_keep(c, calloc(1, sizeof *d));
    support_plan_group *groups = NULL;
    size_t ngroups = 0;
    if (support_case_detail_get(c->st, inst, c->id, 0, d, err) <= 0 ||
        support_plan_groups(c->st, inst, c->id, &groups, &ngroups, err) < 0) {
        support_case_detail_free(d);
        return -1;
    }
    page_keep(c, groups);
    goal_values v = {0};
    if (form && !strcmp(form->form, "goal")) {
        values_of_request(c->req, &v);
    } else {
        int64_t edit = page_parse_id(web_request_query(c->req, "edit"));
        for (size_t i = 0; edit && i < n; i++)
            if (goals[i].id == edit && goals[i].status == SUPPORT_GOAL_OPEN)
                values_of_goal(c, &goals[i], &v);
        if (!v.id) v.domain = web_request_query(c->req, "domain");
    }
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<section aria-labelledby=\"h-goal-form\" id=\"goal-form\">\n"
                   "<h2 id=\"h-goal-form\">%T</h2>\n<form method=\"post\" action=\"/cases/%lld/"
                   "goals\">\n", v.id ? T(L, "Edit the goal") : T(L, "Add a goal"),
                (long long)c->id);
    case_csrf_field(b, c->req);
    if (v.id) html_printf(b, "<input type=\"hidden\" name=\"goal_id\" value=\"%lld\">\n",
                          (long long)v.id);
    html_printf(b, "<p>%T</p>\n", T(L, "A goal is specific, measurable and dated: say what is "
                                       "counted, where the learner starts and the number to "
                                       "reach by the due date."));
    html_printf(b, "<p><label for=\"g-plan\">%T</label>\n", T(L, "Plan"));
    error_line(b, L, form, "plan");
    html_printf(b, "<select id=\"g-plan\" name=\"plan\"");
    invalid(b, form, "plan");
    html_printf(b, ">\n");
    for (int k = 0; k < SUPPORT_PLAN_KIND_COUNT; k++)
        if (k != SUPPORT_PLAN_HEALTH || (view & SUPPORT_GOAL_SEES_HEALTH))
            option(b, support_plan_kind_code(k), v.plan, plan_kind_name(L, k));
    html_printf(b, "</select></p>\n<p><label for=\"g-domain\">%T</label>\n", T(L, "Life domain"));
    error_line(b, L, form, "domain");
    html_printf(b, "<select id=\"g-domain\" name=\"domain\" required");
    invalid(b, form, "domain");
    html_printf(b, ">\n");
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++)
        option(b, support_domain_code(k), v.domain, T(L, support_domain_name(k)));
    html_printf(b, "</select></p>\n");
    area_field(b, L, form, "what", T(L, "What the goal is"), v.what, 1);
    input_field(b, L, form, "measure", T(L, "Measure: what is counted (e.g. days present of 10)"),
                "text", v.measure, 120, 1);
    input_field(b, L, form, "baseline", T(L, "Baseline: where the learner starts (optional)"),
                "text", v.baseline, 20, 0);
    input_field(b, L, form, "target", T(L, "Target: the number to reach"), "text", v.target, 20, 1);
    input_field(b, L, form, "due_on", T(L, "Due on"), "date", v.due_on, 0, 1);
    area_field(b, L, form, "learner_step", T(L, "The learner's own step"), v.learner_step, 0);
    area_field(b, L, form, "support", T(L, "The support the school commits to"), v.support, 0);
    html_printf(b, "<p><label for=\"g-helper\">%T</label>\n", T(L, "Who helps"));
    error_line(b, L, form, "helper");
    html_printf(b, "<select id=\"g-helper\" name=\"helper\"");
    invalid(b, form, "helper");
    html_printf(b, ">\n");
    option(b, "", v.helper, T(L, "Nobody named"));
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)d->c.key_worker_id);
    option(b, id, v.helper, d->c.key_worker_name);
    for (size_t i = 0; i < d->nteam; i++) {
        snprintf(id, sizeof id, "%lld", (long long)d->team[i].staff_id);
        option(b, id, v.helper, d->team[i].name);
    }
    option(b, "other", v.helper, T(L, "Someone else (write the name)"));
    support_case_detail_free(d);
    html_printf(b, "</select></p>\n");
    input_field(b, L, form, "helper_text", T(L, "Someone else: name and role"), "text",
                v.helper_text, 120, 0);
    html_printf(b, "<p><label for=\"g-group_id\">%T</label>\n",
                T(L, "Teaching group it concerns (its teachers on the team see the goal)"));
    error_line(b, L, form, "group_id");
    html_printf(b, "<select id=\"g-group_id\" name=\"group_id\"");
    invalid(b, form, "group_id");
    html_printf(b, ">\n");
    option(b, "", v.group_id, T(L, "None"));
    for (size_t i = 0; i < ngroups; i++) {
        snprintf(id, sizeof id, "%lld", (long long)groups[i].id);
        option(b, id, v.group_id, groups[i].name);
    }
    html_printf(b, "</select></p>\n<p><button type=\"submit\">%T</button></p>\n</form>\n"
                   "</section>\n", v.id ? T(L, "Save the goal") : T(L, "Add the goal"));
    return 0;
}

/* The view of a change: 1 go on (view set), 0 answered. */
static int change_view(web_ctx *c, unsigned *view) {
    if (!plan_viewer(c, view, 0)) return 0;
    if (!(*view & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM))) {
        page_refuse(c, "You may not change this plan.");
        return 0;
    }
    return 1;
}

/* Answer a POST after the writer returned rc. */
static void answer(web_ctx *c, int rc, const plan_form *form, const cairn_err *err,
                   const char *anchor) {
    if (rc < 0) {
        web_log(c->req, "plan %s: %s", form->form, err->msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        plan_page_show(c, 400, form);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld/plan?done=%s#%s",
                                          (long long)c->id, form->form, anchor));
    }
}

/*
** WEBPAGE: POST /cases/{id}/goals
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields plan, domain, what, measure, baseline, target, due_on,
** learner_step, support, helper (a staff id, or "other" with helper_text),
** group_id; with goal_id the goal is edited.  The key worker and the team
** (not a teacher); a health goal only the key worker and a psychologist.
*/
void page_case_goal_save(web_ctx *c) {
    cairn_err err = {0};
    unsigned view;
    if (!change_view(c, &view)) return;
    support_goal_spec spec;
    plan_spec_from_form(c->req, &spec);
    plan_form form = {"goal", SUPPORT_PLAN_OK, 0, NULL};
    int64_t inst = c->who->institution_id, acc = c->who->account_id;
    int rc = spec.id ? support_goal_edit(c->st, inst, acc, view, c->id, &spec, NULL,
                                         &form.problem, &err)
                     : support_goal_add(c->st, inst, acc, view, c->id, &spec, NULL, NULL,
                                        &form.problem, &err);
    answer(c, rc, &form, &err, "h-plan-learning");
}

/*
** WEBPAGE: POST /cases/{id}/goals/close
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields goal_id, status (achieved or dropped), reason (required for
** dropped): an open goal is marked achieved or dropped.
*/
void page_case_goal_close(web_ctx *c) {
    cairn_err err = {0};
    unsigned view;
    if (!change_view(c, &view)) return;
    plan_form form = {"close", SUPPORT_PLAN_OK, 0, NULL};
    form.goal_id = page_parse_id(web_request_form(c->req, "goal_id"));
    int status = support_goal_status_parse(web_request_form(c->req, "status"));
    int rc = support_goal_close(c->st, c->who->institution_id, c->who->account_id, view, c->id,
                                form.goal_id, status, web_request_form(c->req, "reason"), NULL,
                                &form.problem, &err);
    answer(c, rc, &form, &err, "h-plan-learning");
}

/*
** WEBPAGE: POST /cases/{id}/not-now
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields domain, reason: why a domain rated 2 or 3 is not answered by a
** goal now (replaces an earlier reason for the same domain).
*/
void page_case_not_now(web_ctx *c) {
    cairn_err err = {0};
    unsigned view;
    if (!change_view(c, &view)) return;
    plan_form form = {"not_now", SUPPORT_PLAN_OK, 0, NULL};
    form.domain = web_request_form(c->req, "domain");
    int rc = support_not_now_set(c->st, c->who->institution_id, c->who->account_id, view, c->id,
                                 form.domain, web_request_form(c->req, "reason"), NULL,
                                 &form.problem, &err);
    answer(c, rc, &form, &err, "h-unanswered");
}

/*
** WEBPAGE: POST /cases/{id}/plan/recovery
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Field recovery: how missed learning time is recovered (the learning
** plan; empty clears it).
*/
void page_case_plan_recovery(web_ctx *c) {
    cairn_err err = {0};
    unsigned view;
    if (!change_view(c, &view)) return;
    plan_form form = {"recovery", SUPPORT_PLAN_OK, 0, NULL};
    int rc = support_plan_recovery_set(c->st, c->who->institution_id, c->who->account_id, view,
                                       c->id, web_request_form(c->req, "recovery"), NULL,
                                       &form.problem, &err);
    answer(c, rc, &form, &err, "h-recovery");
}
