/*
** web/support/review_api.c — GET and POST /api/v1/cases/{id}/reviews: a
** case's reviews as JSON and recording one, by the rules of the reviews
** page (web/support/review_page.c): the key worker and the team get the
** reviews with what changed, the progress, the open goals and the
** suggestion; a school leader not on the team and a teacher on it the
** dates only; anyone else 403.  A refused review is 400 with
** {"error": {"code": "bad_request", "field", "message"}} in the page's
** words, nothing written.  Reads and writes go to the audit log.
*/
#include "web/support/review_view.h"
#include "web/support/case_view.h"
#include "base/date.h"
#include "web/api.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One review as JSON for sight (dates only for DATES; progress on the
** goals[0..ngoals) the viewer sees for TEACHING). */
static json_t *review_json(const support_review *r, review_sight sight,
                           const support_review_goal *goals, size_t ngoals) {
    json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:b,s:b}", "id", (json_int_t)r->id, "reviewed_on",
                          api_json_day(r->reviewed_on), "due_on", api_json_day(r->due_on),
                          "next_on", api_json_day(r->next_on), "on_time",
                          !r->due_on || r->reviewed_on <= r->due_on, "progress_only",
                          r->progress_only);
    if (sight == REVIEW_SEES_DATES) return o;
    if (sight == REVIEW_SEES_TEACHING) {
        json_t *p = json_array();
        for (size_t j = 0; j < r->nprogress; j++)
            for (size_t g = 0; g < ngoals; g++)
                if (goals[g].id == r->progress[j].goal_id)
                    json_array_append_new(p, json_pack("{s:I,s:f}", "goal_id",
                                                       (json_int_t)r->progress[j].goal_id,
                                                       "value", r->progress[j].value));
        json_object_set_new(o, "progress", p);
        return o;
    }
    json_object_set_new(o, "recorded_by", json_string(r->by));
    json_object_set_new(o, "tier", json_string(support_case_tier_code(r->tier)));
    json_object_set_new(o, "decision", json_string(support_review_decision_code(r->decision)));
    json_object_set_new(o, "changed", json_string(r->changed));
    json_t *p = json_array();
    for (size_t j = 0; j < r->nprogress; j++)
        json_array_append_new(p, json_pack("{s:I,s:f}", "goal_id",
                                           (json_int_t)r->progress[j].goal_id, "value",
                                           r->progress[j].value));
    json_object_set_new(o, "progress", p);
    return o;
}

/* The suggestion from goals and the reviews' progress as JSON. */
static json_t *suggestion_json(const support_review_goal *goals, size_t ngoals,
                               const support_review *rows, size_t n) {
    support_review_goal_points *pts = calloc(ngoals + 1, sizeof *pts);
    double *vals = calloc(ngoals * n + 1, sizeof *vals);
    for (size_t g = 0; g < ngoals; g++) {
        pts[g].baseline = goals[g].baseline;
        pts[g].target = goals[g].target;
        pts[g].values = vals + g * n;
        for (size_t i = n; i-- > 0;)
            for (size_t j = 0; j < rows[i].nprogress; j++)
                if (rows[i].progress[j].goal_id == goals[g].id) vals[g * n + pts[g].n++] =
                    rows[i].progress[j].value;
    }
    support_review_suggestion s;
    support_review_suggest(pts, ngoals, &s);
    buf why = BUF_INIT;   /* not HTML: a JSON string */
    support_review_reason_text(&s, &why);
    static const char *const verdicts[] = {"too_few_points", "step_down", "step_up", "no_goals"};
    json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "verdict", verdicts[s.verdict], "reason",
                          buf_cstr(&why), "goals_counted", (json_int_t)s.counted, "achieved",
                          (json_int_t)s.achieved, "on_track", (json_int_t)s.on_track,
                          "not_moving", (json_int_t)s.stuck);
    buf_free(&why);
    free(vals);
    free(pts);
    return o;
}

/* The reviews of the case as JSON with status. */
static void reviews_reply(web_ctx *c, int status, const support_case *k, const review_who *w) {
    cairn_err err = {0};
    int64_t inst = c->who->institution_id;
    int all = w->sight == REVIEW_SEES_ALL, teach = w->sight == REVIEW_SEES_TEACHING;
    support_review *rows = NULL;
    support_review_goal *goals = NULL;
    size_t n = 0, ngoals = 0;
    int32_t last = 0, next = 0;
    if (support_review_list(c->st, inst, k->id, all || teach, &rows, &n, &err) < 0 ||
        ((all || teach) && support_review_goals(c->st, inst, k->id, w->view, c->who->staff_id,
                                                &goals, &ngoals, &err) < 0) ||
        support_review_dates(c->st, inst, k->id, &last, &next, &err) < 0 ||
        support_case_audit(c->st, inst, c->who->account_id, k->learner_id, k->id,
                           all ? "review.view" : teach ? "review.view_teaching"
                                                       : "review.view_dates", "viewed",
                           arena_printf(c->arena, "case %lld: reviews (api)", (long long)k->id),
                           &err) != 0) {
        support_review_list_free(rows, n);
        free(goals);
        api_fail(c, "reviews", err.msg);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        if (!rows[i].progress_only || w->sight != REVIEW_SEES_DATES)
            json_array_append_new(list, review_json(&rows[i], w->sight, goals, ngoals));
    json_t *o = json_pack("{s:I,s:o,s:o,s:b,s:o}", "case_id", (json_int_t)k->id, "last_review",
                          api_json_day(last), "next_due", api_json_day(next), "overdue",
                          next && next < date_today(), "reviews", list);
    if (all || teach) {
        json_t *gl = json_array();
        for (size_t g = 0; g < ngoals; g++)
            json_array_append_new(gl, json_pack("{s:I,s:s,s:o,s:f}", "id", (json_int_t)goals[g].id,
                                                "measure", goals[g].measure, "baseline",
                                                isnan(goals[g].baseline)
                                                    ? json_null()
                                                    : json_real(goals[g].baseline),
                                                "target", goals[g].target));
        json_object_set_new(o, "goals", gl);
    }
    if (all) json_object_set_new(o, "suggestion", suggestion_json(goals, ngoals, rows, n));
    support_review_list_free(rows, n);
    free(goals);
    api_reply(c, status, o);
}

/*
** WEBPAGE: GET /api/v1/cases/{id}/reviews
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The case's reviews as JSON: for the key worker and the team with what
** changed, the progress, the open goals and the suggestion; for a school
** leader not on the team and a teacher on it the dates.  Audited.
*/
void api_case_reviews(web_ctx *c) {
    review_who w;
    support_case *k = page_keep(c, calloc(1, sizeof *k));
    if (!review_viewer(c, c->id, 1, &w, k)) return;
    reviews_reply(c, 200, k, &w);
}

/* A refused review: 400 with its field, in the page's words. */
static void api_review_refused(web_ctx *c, support_review_problem p) {
    api_field_error(c, support_review_problem_field(p), review_problem_text(c->L, p));
}

/* The progress array of body into spec (in the arena): 0, 1 refused. */
static int progress_parse(web_ctx *c, json_t *arr, support_review_spec *spec) {
    if (!arr || json_is_null(arr)) return 0;
    if (!json_is_array(arr) || json_array_size(arr) > SUPPORT_REVIEW_GOALS_MAX) return 1;
    size_t n = json_array_size(arr);
    support_review_progress *p = arena_alloc(c->arena, (n + 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i), *g = json_object_get(e, "goal_id"),
               *v = json_object_get(e, "value");
        if (!json_is_object(e) || !json_is_integer(g) || !json_is_number(v)) return 1;
        p[i].goal_id = (int64_t)json_integer_value(g);
        p[i].value = json_number_value(v);
    }
    spec->progress = p;
    spec->nprogress = n;
    return 0;
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/reviews
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** Record a review: {"reviewed_on", "decision", "changed" (optional),
** "next_on" (optional: by the cadence), "progress": [{"goal_id", "value"}]}.
** 201 with the case's reviews; 400 with the field of a refused input.
*/
void api_case_reviews_post(web_ctx *c) {
    cairn_err err = {0};
    review_who w;
    support_case *k = page_keep(c, calloc(1, sizeof *k));
    if (!review_viewer(c, c->id, 1, &w, k)) return;
    if (!w.may_record) {
        api_refuse(c, "Only the case's key worker and its team record reviews.");
        return;
    }
    static const char *const allowed[] = {"reviewed_on", "decision", "changed", "next_on",
                                          "progress"};
    json_t *body = api_body_object(c, allowed, sizeof allowed / sizeof *allowed);
    if (!body) return;
    support_review_spec spec = {0};
    support_review_problem p = SUPPORT_REVIEW_OK;
    json_t *day = json_object_get(body, "reviewed_on"), *next = json_object_get(body, "next_on");
    json_t *dec = json_object_get(body, "decision"), *changed = json_object_get(body, "changed");
    const char *s = json_string_value(day), *n = json_string_value(next);
    spec.decision = support_review_decision_parse(json_string_value(dec));
    spec.changed = json_is_string(changed) ? json_string_value(changed) : "";
    if (!s || date_parse(s, strlen(s), &spec.reviewed_on) < 0)
        p = SUPPORT_REVIEW_DAY_BAD;
    else if (next && !json_is_null(next) && (!n || date_parse(n, strlen(n), &spec.next_on) < 0))
        p = SUPPORT_REVIEW_NEXT_BAD;
    else if (changed && !json_is_null(changed) &&
             (!json_is_string(changed) ||
              strlen(json_string_value(changed)) != json_string_length(changed)))
        p = SUPPORT_REVIEW_CHANGED_BAD;
    else if (progress_parse(c, json_object_get(body, "progress"), &spec))
        p = SUPPORT_REVIEW_VALUE_BAD;
    spec.view = w.view;
    spec.staff_id = c->who->staff_id;
    if (w.may_record == 2 && !p && spec.decision < 0) spec.decision = SUPPORT_REVIEW_CONTINUE;
    int rc = p ? 1
               : support_review_add(c->st, c->who->institution_id, c->who->account_id, w.rel,
                                    c->id, &spec, NULL, NULL, &p, &err);
    json_decref(body);
    if (rc < 0) api_fail(c, "review", err.msg);
    else if (rc > 0) api_review_refused(c, p);
    else reviews_reply(c, 201, k, &w);
}
