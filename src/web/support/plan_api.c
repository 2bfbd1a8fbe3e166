/*
** web/support/plan_api.c — the plan as JSON: GET /api/v1/cases/{id}/goals
** (the goals the viewer sees; for the key worker and the team also the
** reasons for "not now", the unanswered domains and the recovery note) and
** POST (add a goal, edit one with goal_id, or mark one achieved or dropped
** with goal_id and status).  Same access as the plan page; a refused input
** is 400 {"error": {"code": "bad_request", "field", "message"}} in the
** words of the page, and nothing is written.
*/
#include "web/support/plan_web.h"
#include "base/date.h"
#include "web/api.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A goal as JSON. */
static json_t *goal_json(const support_goal *g) {
    json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:f,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o}",
                          "id", (json_int_t)g->id, "case_id", (json_int_t)g->case_id,
                          "plan", support_plan_kind_code(g->plan),
                          "domain", support_domain_code(g->domain), "what", g->what,
                          "measure", g->measure,
                          "baseline", g->has_baseline ? json_real(g->baseline) : json_null(),
                          "target", g->target, "due_on", api_json_day(g->due_on),
                          "learner_step", api_json_text(g->learner_step),
                          "support", api_json_text(g->support),
                          "helper_staff_id", g->helper_staff_id ? json_integer(g->helper_staff_id)
                                                                : json_null(),
                          "helper", api_json_text(g->helper),
                          "group_id", g->group_id ? json_integer(g->group_id) : json_null(),
                          "status", support_goal_status_code(g->status),
                          "status_reason", api_json_text(g->status_reason),
                          "status_at", api_json_text(g->status_at));
    return o;
}

/* The plan of case c->id as JSON for view. */
static json_t *plan_json(web_ctx *c, unsigned view, cairn_err *err) {
    int64_t inst = c->who->institution_id;
    support_goal *goals = NULL;
    size_t n = 0;
    if (support_goal_list(c->st, inst, c->id, view, c->who->staff_id, &goals, &n, err) < 0)
        return NULL;
    page_keep(c, goals);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(list, goal_json(&goals[i]));
    json_t *o = json_pack("{s:I,s:o}", "case_id", (json_int_t)c->id, "goals", list);
    if (view & SUPPORT_GOAL_TEACHING_ONLY) return o;
    support_not_now *nn = NULL;
    size_t nnn = 0;
    int needs[SUPPORT_DOMAIN_COUNT];
    unsigned bits = 0;
    buf rec = BUF_INIT;   /* not HTML: the note as text */
    if (support_not_now_list(c->st, inst, c->id, 1, &nn, &nnn, err) < 0 ||
        support_plan_needs(c->st, inst, c->id, needs, err) < 0 ||
        support_plan_unanswered_of_case(c->st, inst, c->id, needs, &bits, err) < 0 ||
        support_plan_recovery_get(c->st, inst, c->id, &rec, err) < 0) {
        free(nn);
        buf_free(&rec);
        json_decref(o);
        return NULL;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < nnn; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "domain",
                                           support_domain_code(nn[i].domain), "reason",
                                           nn[i].reason, "recorded_at", nn[i].recorded_at));
    free(nn);
    json_t *u = json_array();
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++)
        if (bits & (1u << d)) json_array_append_new(u, json_string(support_domain_code(d)));
    json_object_set_new(o, "not_now", a);
    json_object_set_new(o, "unanswered", u);
    json_object_set_new(o, "recovery", api_json_text(buf_cstr(&rec)));
    buf_free(&rec);
    return o;
}

/*
** WEBPAGE: GET /api/v1/cases/{id}/goals
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The goals of the case the viewer sees, and for the key worker and the
** team the reasons for "not now", the domains not yet answered and the
** learning plan's recovery note.  Written to the audit log.
*/
void api_case_goals(web_ctx *c) {
    cairn_err err = {0};
    unsigned view;
    if (!plan_viewer(c, &view, 1)) return;
    support_case k;
    if (support_case_get(c->st, c->who->institution_id, c->id, 0, &k, &err) <= 0 ||
        support_case_audit(c->st, c->who->institution_id, c->who->account_id, k.learner_id, c->id,
                           "plan.view", "viewed",
                           arena_printf(c->arena, "case %lld plan (api)", (long long)c->id),
                           &err) != 0) {
        api_fail(c, "plan", err.msg);
        return;
    }
    json_t *o = plan_json(c, view, &err);
    if (!o) {
        api_fail(c, "plan", err.msg);
        return;
    }
    api_reply(c, 200, o);
}

/* The optional member name of body as text (a string, or a number written
** as text in the arena) into *out: NULL when absent or null.  0, or -1
** after a 400. */
static int member_text(web_ctx *c, json_t *body, const char *name, const char **out) {
    json_t *v = json_object_get(body, name);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    if (json_is_number(v)) {
        *out = arena_printf(c->arena, "%.17g", json_number_value(v));   /* not HTML */
        return 0;
    }
    return (*out = api_body_string(c, body, name)) ? 0 : -1;
}

/* The optional id member name of body into *out (0 when absent or null; -1
** when not a positive integer, which the writer refuses). */
static void member_id(json_t *body, const char *name, int64_t *out) {
    json_t *v = json_object_get(body, name);
    *out = 0;
    if (!v || json_is_null(v)) return;
    *out = json_is_integer(v) && json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : -1;
}

/* Answer a refused input: 400 with the field, in the page's words. */
static void api_refused(web_ctx *c, support_plan_problem p) {
    api_field_error(c, support_plan_problem_field(p), plan_problem_text(c->L, p));
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/goals
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** Add a goal (plan, domain, what, measure, baseline, target, due_on,
** learner_step, support, helper_staff_id or helper_text, group_id): 201
** with the goal.  With goal_id: edit it (200), or with status "achieved" /
** "dropped" and reason mark it so (200).  400 with the field when refused.
*/
void api_case_goal_save(web_ctx *c) {
    cairn_err err = {0};
    unsigned view;
    if (!plan_viewer(c, &view, 1)) return;
    if (!(view & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)) ||
        (view & SUPPORT_GOAL_TEACHING_ONLY)) {   /* a teacher, a receiver: read only */
        api_refuse(c, "You may not change this plan.");
        return;
    }
    static const char *const allowed[] = {
        "goal_id", "plan", "domain", "what", "measure", "baseline", "target", "due_on",
        "learner_step", "support", "helper_staff_id", "helper_text", "group_id", "status",
        "reason"};
    json_t *body = api_body_object(c, allowed, sizeof allowed / sizeof *allowed);
    if (!body) return;
    support_goal_spec spec = {0};
    const char *status = NULL, *reason = NULL;
    member_id(body, "goal_id", &spec.id);
    member_id(body, "helper_staff_id", &spec.helper_staff_id);
    member_id(body, "group_id", &spec.group_id);
    if (member_text(c, body, "plan", &spec.plan) < 0 ||
        member_text(c, body, "domain", &spec.domain) < 0 ||
        member_text(c, body, "what", &spec.what) < 0 ||
        member_text(c, body, "measure", &spec.measure) < 0 ||
        member_text(c, body, "baseline", &spec.baseline) < 0 ||
        member_text(c, body, "target", &spec.target) < 0 ||
        member_text(c, body, "due_on", &spec.due_on) < 0 ||
        member_text(c, body, "learner_step", &spec.learner_step) < 0 ||
        member_text(c, body, "support", &spec.support) < 0 ||
        member_text(c, body, "helper_text", &spec.helper_text) < 0 ||
        member_text(c, body, "status", &status) < 0 ||
        member_text(c, body, "reason", &reason) < 0) {
        json_decref(body);
        return;
    }
    int64_t inst = c->who->institution_id, acc = c->who->account_id, id = spec.id;
    support_plan_problem p = SUPPORT_PLAN_OK;
    int rc;
    if (status)
        rc = support_goal_close(c->st, inst, acc, view, c->id, id > 0 ? id : 0,
                                support_goal_status_parse(status), reason, NULL, &p, &err);
    else if (id)
        rc = support_goal_edit(c->st, inst, acc, view, c->id, &spec, NULL, &p, &err);
    else
        rc = support_goal_add(c->st, inst, acc, view, c->id, &spec, NULL, &id, &p, &err);
    if (rc == 1 && p == SUPPORT_PLAN_OK) p = SUPPORT_PLAN_GOAL_UNKNOWN;
    if (rc < 0) {
        api_fail(c, "goal", err.msg);
    } else if (rc > 0) {
        api_refused(c, p);
    } else {
        support_goal *g = page_keep(c, calloc(1, sizeof *g));
        int found = support_goal_get(c->st, inst, c->id, id, view, c->who->staff_id, g, &err);
        if (found <= 0) api_fail(c, "goal", found < 0 ? err.msg : "the goal just written vanished");
        else api_reply(c, spec.id || status ? 200 : 201, goal_json(g));
    }
    json_decref(body);
}
