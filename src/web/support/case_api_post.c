/*
** web/support/case_api_post.c — the JSON twins of the case page's forms
** (web/support/case_post.c): POST /api/v1/cases/{id}/... with a JSON body,
** the same writers, the same checks and the same words.  A change that
** goes through answers 200 with the case (as GET /api/v1/cases/{id}
** shows it to the caller); refused input answers 400
** {"error": {"code": "bad_request", "field": ..., "message": ...}} with the sentence the
** form shows beside the field, nothing written.  Withdrawing a handover
** offer and withdrawing a request waiting for approval
** (support/case_withdraw.h) are here too; their forms are in
** web/support/case_withdraw_page.c.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "support/case_withdraw.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <string.h>

/* Answer 400 with the field (see case_view.h). */
void case_api_invalid(web_ctx *c, const char *field, const char *message) {
    api_field_error(c, field, message);
}

/* Replace the first "%T" of fmt after from by s into out. */
static void put_one(buf *out, const char **fmt, const char *s) {
    const char *at = strstr(*fmt, "%T");
    if (!at) return;
    buf_append(out, *fmt, (size_t)(at - *fmt));   /* not HTML: a JSON string */
    buf_puts(out, s);                              /* not HTML: a JSON string */
    *fmt = at + 2;
}

/* The step refusal as plain text (see case_view.h). */
const char *case_step_refusal_text(web_ctx *c, int state, const char *step) {
    const i18n_lang *L = c->L;
    const char *fmt = T(L, "A case in the state \xE2\x80\x9C%T\xE2\x80\x9D cannot take the step "
                           "\xE2\x80\x9C%T\xE2\x80\x9D.");
    buf out = BUF_INIT;   /* not HTML: a JSON string */
    put_one(&out, &fmt, T(L, support_case_state_name(state)));
    put_one(&out, &fmt, case_step_name(L, step));
    buf_puts(&out, fmt);   /* not HTML: a JSON string */
    const char *r = arena_strdup(c->arena, buf_cstr(&out));
    buf_free(&out);
    return r;
}

/* Answer a JSON twin (see case_view.h). */
void case_api_answer(web_ctx *c, int rc, support_case_problem p, const char *step, int state,
                     const cairn_err *err) {
    if (rc < 0) {
        api_fail(c, "case change", err->msg);
    } else if (rc > 0) {
        const char *field = support_case_problem_field(p);
        const char *msg = p == SUPPORT_CASE_STEP_NOT_NOW && step
                              ? case_step_refusal_text(c, state, step)
                              : case_problem_text(c->L, p);
        case_api_invalid(c, *field ? field : "case", msg);
    } else {
        cairn_err e2 = {0};
        unsigned rel = 0;
        if (access_case_relation(c->who, c->id, &rel, &e2) < 0) {
            api_fail(c, "case relation", e2.msg);
        } else if (!rel) {   /* e.g. a handover declined: done, and no longer theirs */
            api_reply(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)c->id, "done", 1));
        } else {
            case_api_show(c, 200);
        }
    }
}

/* ---- the twins ---------------------------------------------------------------------- */

/* The viewer's relationship to c->id and the body with members among
** fields[0..n), each absent, null or of its type in types[0..n) ('s' a
** string, 'i' a whole number): 1 go on (*body to json_decref), 0 answered
** (404, 403, 415, 400; a member of another type is 400 naming it, where
** it was once read as absent). */
static int twin_begin(web_ctx *c, const char *const *fields, const char *types, size_t n,
                      unsigned *rel, json_t **body) {
    if (!case_viewer(c, c->id, rel, 1)) return 0;
    if (!*rel) {
        api_refuse(c, "You may not change this case.");
        return 0;
    }
    if (!(*body = api_body_object(c, fields, n))) return 0;
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(*body, fields[i]);
        if (!v || json_is_null(v)) continue;
        if (types[i] == 's' ? json_is_string(v) : json_is_integer(v)) continue;
        case_api_invalid(c, fields[i], arena_printf(c->arena, types[i] == 's'
                                                                  ? "%s must be a string."
                                                                  : "%s must be a whole number.",
                                                    fields[i]));
        json_decref(*body);
        *body = NULL;
        return 0;
    }
    return 1;
}

/* Answer as case_api_answer, but a refused text names the twin's member
** text_field ("what", "comment"): the writers call every text "reason". */
static void answer_text(web_ctx *c, int rc, support_case_problem p, const char *text_field,
                        const cairn_err *err) {
    if (rc > 0 && (p == SUPPORT_CASE_REASON_BAD || p == SUPPORT_CASE_REASON_MISSING))
        case_api_invalid(c, text_field, case_problem_text(c->L, p));
    else
        case_api_answer(c, rc, p, NULL, 0, err);
}

/* A string member, or NULL when absent or not a string (the writers then
** refuse it with the form's words); copied into the arena. */
static const char *member_text(web_ctx *c, json_t *body, const char *name) {
    const char *s = json_string_value(json_object_get(body, name));
    return s ? arena_strdup(c->arena, s) : NULL;
}

/* An id member, or 0 when absent or not a positive integer. */
static int64_t member_id(json_t *body, const char *name) {
    json_t *v = json_object_get(body, name);
    return json_is_integer(v) && json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : 0;
}

/* A day member ("YYYY-MM-DD"), or fallback when absent or not a date. */
int32_t case_api_member_day(json_t *body, const char *name, int32_t fallback) {
    const char *s = json_string_value(json_object_get(body, name));
    int32_t d;
    return s && date_parse(s, strlen(s), &d) == 0 ? d : fallback;
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/step
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"step": code, "reason": text, "outcome": code (closing)} -> 200 with the
** case; a step the lifecycle table does not allow is 400 with field step
** and a message naming the state and the step.  Closing where the
** institution requires approval leaves a request waiting (the case's
** pending_approval).
*/
void api_case_step(web_ctx *c) {
    static const char *const fields[] = {"step", "reason", "outcome"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "sss", 3, &rel, &body)) return;
    support_case k;
    int found = support_case_get(c->st, c->who->institution_id, c->id, 0, &k, &err);
    const char *step = member_text(c, body, "step"), *reason = member_text(c, body, "reason");
    int o = support_case_outcome_parse(member_text(c, body, "outcome"));
    json_decref(body);
    if (found <= 0) {
        api_fail(c, "case", err.msg);
        return;
    }
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_step_take(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                    step, reason, o > 0 ? o : 0, NULL, &p, &err);
    case_api_answer(c, rc, p, step, k.state, &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/tier
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"tier": "universal" | "selective" | "individual", "reason": text}: the
** key worker changes the tier -> 200 with the case; 400 refused.
*/
void api_case_tier(web_ctx *c) {
    static const char *const fields[] = {"tier", "reason"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "ss", 2, &rel, &body)) return;
    int tier = support_case_tier_parse(member_text(c, body, "tier"));
    const char *reason = member_text(c, body, "reason");
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_tier_set(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                   tier, reason, NULL, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/team
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"staff_id": id, "role": code}: the key worker adds a team member -> 200
** with the case; 400 refused.
*/
void api_case_team(web_ctx *c) {
    static const char *const fields[] = {"staff_id", "role"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "is", 2, &rel, &body)) return;
    int64_t staff = member_id(body, "staff_id");
    int role = support_case_role_parse(member_text(c, body, "role"));
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_team_add(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                   staff, role, NULL, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/team-remove
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"staff_id": id}: the key worker removes a team member -> 200 with the
** case; 400 refused.
*/
void api_case_team_remove(web_ctx *c) {
    static const char *const fields[] = {"staff_id"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "i", 1, &rel, &body)) return;
    int64_t staff = member_id(body, "staff_id");
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_team_remove(c->st, c->who->institution_id, c->who->account_id, rel,
                                      c->id, staff, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/task-done
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"task_id": id}: the key worker or a team member marks a task done ->
** 200 with the case; 400 refused (a review task too: it is done by
** POST /api/v1/cases/{id}/reviews).
*/
void api_case_task_done(web_ctx *c) {
    static const char *const fields[] = {"task_id"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "i", 1, &rel, &body)) return;
    int64_t task = member_id(body, "task_id");
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_task_done_by_hand(c->st, c->who->institution_id, c->who->account_id,
                                            rel, c->id, task, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/follow-up
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"what": text, "owner_id": id, "due_on": "YYYY-MM-DD"}: the key worker or
** a team member adds a follow-up -> 200 with the case; 400 refused.
*/
void api_case_follow_up(web_ctx *c) {
    static const char *const fields[] = {"what", "owner_id", "due_on"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "sis", 3, &rel, &body)) return;
    const char *what = member_text(c, body, "what");
    int64_t owner = member_id(body, "owner_id");
    int32_t day = case_api_member_day(body, "due_on", 0);   /* refused as before today */
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_follow_up_add(c->st, c->who->institution_id, c->who->account_id, rel,
                                        c->id, owner, day, what, NULL, &p, &err);
    answer_text(c, rc, p, "what", &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/transfer
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"staff_id": id, "reason": text}: the key worker offers the case to
** another key worker (or asks a school leader's approval for it first) ->
** 200 with the case; 400 refused.
*/
void api_case_transfer(web_ctx *c) {
    static const char *const fields[] = {"staff_id", "reason"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "is", 2, &rel, &body)) return;
    int64_t staff = member_id(body, "staff_id");
    const char *reason = member_text(c, body, "reason");
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_transfer_ask(c->st, c->who->institution_id, c->who->account_id, rel,
                                       c->id, staff, reason, NULL, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/transfer-answer
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"answer": "accept" | "decline", "comment": text (required to
** decline)}: the key worker the case is offered to answers -> 200 with the
** case; 400 refused.
*/
void api_case_transfer_answer(web_ctx *c) {
    static const char *const fields[] = {"answer", "comment"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "ss", 2, &rel, &body)) return;
    const char *a = member_text(c, body, "answer");
    const char *comment = member_text(c, body, "comment");
    json_decref(body);
    if (!a || (strcmp(a, "accept") && strcmp(a, "decline"))) {
        case_api_invalid(c, "answer", T(c->L, "Choose accept or decline."));
        return;
    }
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_transfer_answer(c->st, c->who->institution_id, c->who->account_id, rel,
                                          c->id, !strcmp(a, "accept"), comment, NULL, &p, &err);
    answer_text(c, rc, p, "comment", &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/withdraw-offer
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"reason": text}: the case's key worker or a school leader withdraws the
** handover offer waiting for an answer (to another key worker or to
** another institution) -> 200 with the case; 400 refused (field transfer:
** nothing waits, or it waits for a leader's approval; field reason).
*/
void api_case_withdraw_offer(web_ctx *c) {
    static const char *const fields[] = {"reason"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "s", 1, &rel, &body)) return;
    const char *reason = member_text(c, body, "reason");
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_offer_withdraw(c->st, c->who->institution_id, c->who->account_id, rel,
                                         c->id, reason, NULL, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/approval-withdraw
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"reason": text, "request_id": id (optional: the request the caller saw;
** without it, whichever waits)}: the key worker who asked, or the case's
** key worker, withdraws the request waiting for a school leader's approval
** -> 200 with the case; 400 refused (field approval: nothing waits, the
** request was answered already, not the caller's; field reason).
*/
void api_case_approval_withdraw(web_ctx *c) {
    static const char *const fields[] = {"reason", "request_id"};
    cairn_err err = {0};
    unsigned rel;
    json_t *body;
    if (!twin_begin(c, fields, "si", 2, &rel, &body)) return;
    const json_t *given = json_object_get(body, "request_id");
    if (json_is_integer(given) && json_integer_value(given) <= 0) {   /* not "whichever" */
        json_decref(body);
        case_api_invalid(c, "request_id", "request_id must be a request number (1 or more), "
                                          "or left out for the request that waits.");
        return;
    }
    const char *reason = member_text(c, body, "reason");
    int64_t request = member_id(body, "request_id");
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_approval_withdraw(c->st, c->who->institution_id, c->who->account_id,
                                            rel, c->id, request, reason, NULL, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}
