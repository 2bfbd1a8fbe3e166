/*
** web/support/case_post.c — the case page's forms: a step of the
** lifecycle, the tier, adding and removing a team member, marking a task
** done.
**
** Each works without JavaScript: a change that goes through answers 303
** back to /cases/{id}?done=...; refused input shows the case page again
** with 400, the error summary first (with the focus) and the error beside
** its form, nothing written.  The gate has checked the CSRF field; the
** relationship (access_case_relation) is passed to the support room, whose
** table decides who may take which step; the writers write the history and
** the audit events.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <string.h>

/* The viewer's relationship to c->id for a change: 1 go on (*rel set), 0
** answered (404, 403 or 500). */
static int change_allowed(web_ctx *c, unsigned *rel) {
    if (!case_viewer(c, c->id, rel, 0)) return 0;
    if (!*rel) {
        page_refuse(c, "You may not change this case.");
        return 0;
    }
    return 1;
}

/* Set form->problem (see case_view.h). */
int case_refuse_form(case_form *form, support_case_problem p) {
    form->problem = p;
    return 1;
}

/* Answer a form after the writer returned rc (see case_view.h). */
void case_form_answer(web_ctx *c, int rc, const case_form *form, const cairn_err *err,
                      const char *done) {
    if (rc < 0) {
        web_log(c->req, "case %s: %s", form->form, err->msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        case_page_show(c, 400, form);
    } else {
        cairn_err e2 = {0};
        support_case_approval a;
        if ((!strcmp(form->form, "step") || !strcmp(form->form, "transfer") ||
             !strcmp(form->form, "move")) &&
            support_case_approval_pending(c->st, c->who->institution_id, c->id, 0, &a, &e2) > 0)
            done = "asked";   /* a school leader's approval comes first */
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld?done=%s", (long long)c->id,
                                          done));
    }
}

/*
** WEBPAGE: POST /cases/{id}/step
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields step, reason, outcome (closing): take that step of the lifecycle
** table; a step the table does not allow from the case's state, or not to
** the viewer, is refused with a message naming the state and the step.
*/
void page_case_step(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    support_case k;
    if (support_case_get(c->st, c->who->institution_id, c->id, 0, &k, &err) <= 0) {
        page_fail(c, "case", err.msg);
        return;
    }
    case_form form = {0};
    form.form = "step";
    form.step = web_request_form(c->req, "step");
    form.reason = web_request_form(c->req, "reason");
    form.state = k.state;
    const char *outcome = web_request_form(c->req, "outcome");
    int o = support_case_outcome_parse(outcome);
    int rc = support_case_step_take(c->st, c->who->institution_id, c->who->account_id, rel,
                                    c->id, form.step, form.reason, o > 0 ? o : 0, NULL,
                                    &form.problem, &err);
    case_form_answer(c, rc, &form, &err, "step");
}

/*
** WEBPAGE: POST /cases/{id}/tier
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields tier (universal, selective, individual) and reason: the key
** worker changes the case's tier of support.
*/
void page_case_tier(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    case_form form = {0};
    form.form = "tier";
    form.reason = web_request_form(c->req, "reason");
    int tier = support_case_tier_parse(web_request_form(c->req, "tier"));
    int rc = support_case_tier_set(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                   tier, form.reason, NULL, &form.problem, &err);
    case_form_answer(c, rc, &form, &err, "tier");
}

/*
** WEBPAGE: POST /cases/{id}/team
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields staff_id and role: the key worker adds a staff member to the team.
*/
void page_case_team(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    case_form form = {0};
    form.form = "team";
    int64_t staff = page_parse_id(web_request_form(c->req, "staff_id"));
    int role = support_case_role_parse(web_request_form(c->req, "role"));
    int rc = support_case_team_add(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                   staff, role, NULL, &form.problem, &err);
    case_form_answer(c, rc, &form, &err, "team");
}

/*
** WEBPAGE: POST /cases/{id}/team-remove
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Field staff_id: the key worker removes that member from the team.
*/
void page_case_team_remove(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    case_form form = {0};
    form.form = "team-remove";
    int64_t staff = page_parse_id(web_request_form(c->req, "staff_id"));
    int rc = support_case_team_remove(c->st, c->who->institution_id, c->who->account_id, rel,
                                      c->id, staff, &form.problem, &err);
    case_form_answer(c, rc, &form, &err, "team");
}

/*
** WEBPAGE: POST /cases/{id}/task-done
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Field task_id: the key worker or a team member marks that task done.  A
** review task is done by recording the review: it sends the person to the
** review form instead (303), changing nothing.
*/
void page_case_task_done(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    case_form form = {0};
    form.form = "task";
    int64_t task = page_parse_id(web_request_form(c->req, "task_id"));
    int rc = support_case_task_done_by_hand(c->st, c->who->institution_id, c->who->account_id,
                                            rel, c->id, task, &form.problem, &err);
    if (rc > 0 && form.problem == SUPPORT_CASE_TASK_IS_REVIEW) {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld/reviews#h-review-new",
                                          (long long)c->id));
        return;
    }
    case_form_answer(c, rc, &form, &err, "task");
}

/*
** WEBPAGE: POST /cases/{id}/follow-up
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields what, owner_id (the key worker or a team member) and due_on
** (YYYY-MM-DD, today or later): the key worker or a team member adds a
** follow-up task.
*/
void page_case_follow_up(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    case_form form = {0};
    form.form = "follow-up";
    form.reason = web_request_form(c->req, "what");
    int64_t owner = page_parse_id(web_request_form(c->req, "owner_id"));
    const char *due = web_request_form(c->req, "due_on");
    int32_t day = 0;
    if (!due || date_parse(due, strlen(due), &day) < 0) day = 0;   /* refused as before today */
    int rc = support_case_follow_up_add(c->st, c->who->institution_id, c->who->account_id, rel,
                                        c->id, owner, day, form.reason, NULL, &form.problem,
                                        &err);
    case_form_answer(c, rc, &form, &err, "follow-up");
}

/*
** WEBPAGE: POST /cases/{id}/transfer
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields staff_id and reason: the key worker offers the case to another
** key worker, who accepts or declines it.
*/
void page_case_transfer(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    case_form form = {0};
    form.form = "transfer";
    form.reason = web_request_form(c->req, "reason");
    int64_t staff = page_parse_id(web_request_form(c->req, "staff_id"));
    int rc = support_case_transfer_ask(c->st, c->who->institution_id, c->who->account_id, rel,
                                       c->id, staff, form.reason, NULL, &form.problem, &err);
    case_form_answer(c, rc, &form, &err, "transfer");
}

/*
** WEBPAGE: POST /cases/{id}/transfer-answer
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields answer (accept, decline) and comment (required to decline): the
** key worker the case is offered to answers; accepting makes them its key
** worker.
*/
void page_case_transfer_answer(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!change_allowed(c, &rel)) return;
    case_form form = {0};
    form.form = "transfer";
    form.reason = web_request_form(c->req, "comment");
    const char *a = web_request_form(c->req, "answer");
    int accept = a && !strcmp(a, "accept");
    int rc = support_case_transfer_answer(c->st, c->who->institution_id, c->who->account_id, rel,
                                          c->id, accept, form.reason, NULL, &form.problem, &err);
    case_form_answer(c, rc, &form, &err, accept ? "accepted" : "declined");
}
