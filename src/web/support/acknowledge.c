/*
** web/support/acknowledge.c — acknowledging a current flag of a learner
** with a comment: the learner page's form (POST /learners/{id}/acknowledge)
** and the same as JSON (POST /api/v1/learners/{id}/acknowledgements).
**
** The form works without JavaScript: a change that goes through answers
** 303 back to /learners/{id}?done=acknowledged (Post/Redirect/Get); refused
** input re-renders the learner page with 400 and the error next to its
** field, nothing written.  The gate has checked the CSRF field; who may act
** is decided by access_can_act_on_learner(); the writer (web/actions.h)
** writes the audit event.
*/
#include "web/support/support_post.h"
#include "base/mem.h"
#include "school/school.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/school/learner.h"
#include "web/support/support_pages.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

/* 1 to go on, 0 answered (see support_post.h). */
int support_post_allowed(web_ctx *c, access_action action, int json) {
    cairn_err err = {0};
    school_learner_info li;
    int found = school_learner_get(c->st, c->who->institution_id, c->id, &li, &err), may = 0;
    if (found > 0) may = access_can_act_on_learner(c->who, c->id, action, &err);
    if (found < 0 || may < 0) {
        if (json) api_fail(c, "learner action", err.msg);
        else page_fail(c, found < 0 ? "learner" : "learner access", err.msg);
    } else if (!found) {
        if (json) api_not_found(c, "There is no learner with this number.");
        else page_not_found(c, "Learner not found", "There is no learner with this number.");
    } else if (!may) {
        if (!json) page_refuse(c, "You may not do this for this learner.");
        else api_refuse(c, action == ACCESS_ACT_ACKNOWLEDGE
                               ? "You may not act on this learner's record."
                           : action == ACCESS_ACT_CONSENT
                               ? "Only administrators, school leaders and the learner's key "
                                 "worker may record or withdraw consent."
                           : action == ACCESS_ACT_CONSENT_OVERRIDE
                               ? "Only school leaders may override consent in an emergency."
                               : "Only administrators and school leaders may name a learner's "
                                 "key worker.");
    }
    return found > 0 && may > 0;
}

/* Answer a learner-page form POST by rc (see support_post.h). */
void support_post_answer(web_ctx *c, int rc, const page_action_form *form,
                         const cairn_err *err, const char *done) {
    if (rc < 0) {
        web_log(c->req, "learner action: %s", err->msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        page_learner_show(c, 400, form);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/learners/%lld?done=%s",
                                          (long long)c->id, done));
    }
}

/*
** WEBPAGE: POST /learners/{id}/acknowledge
** ACCESS:  staff
** BODY:    form
**
** Fields flag and comment: acknowledge that flag, then back to the learner
** page; refused input shows the page again with the error (400).
*/
void page_acknowledge(web_ctx *c) {
    cairn_err err = {0};
    if (!support_post_allowed(c, ACCESS_ACT_ACKNOWLEDGE, 0)) return;
    access_ctx who = *c->who;
    page_action_form form = {0};
    form.action = "acknowledge";
    form.flag = web_request_form(c->req, "flag");
    form.comment = web_request_form(c->req, "comment");
    int rc = support_flag_acknowledge(c->st, who.institution_id, who.account_id, c->id, form.flag,
                                      form.comment, NULL, &form.problem, &err);
    support_post_answer(c, rc, &form, &err, "acknowledged");
}

/*
** WEBPAGE: POST /api/v1/learners/{id}/acknowledgements
** ACCESS:  staff
** BODY:    json
**
** {"flag": code, "comment": text} -> 201 with the acknowledgement; 415
** without a JSON body, 400 for a malformed one, 403 when the caller may not
** act on the learner, 422 for a refused value; nothing is written unless it
** succeeds.
*/
void api_acknowledge(web_ctx *c) {
    static const char *const fields[] = {"flag", "comment"};
    cairn_err err = {0};
    json_t *body = api_body_object(c, fields, 2);
    if (!body) return;
    const char *flag = NULL, *comment = NULL;
    if (!support_post_allowed(c, ACCESS_ACT_ACKNOWLEDGE, 1) ||
        !(flag = api_body_string(c, body, "flag")) ||
        !(comment = api_body_string(c, body, "comment"))) {
        json_decref(body);
        return;
    }
    support_ack *a = page_keep(c, xcalloc(1, sizeof *a));
    support_problem p = SUPPORT_OK;
    int rc = support_flag_acknowledge(c->st, c->who->institution_id, c->who->account_id, c->id,
                                      flag, comment, a, &p, &err);
    if (rc < 0) {
        web_log(c->req, "api acknowledge: %s", err.msg);
        web_error_json(c->res, 500, "internal", "The acknowledgement could not be saved.");
    } else if (rc > 0) {
        web_error_json(c->res, 422, "unprocessable",
                       arena_printf(c->arena, "%s.", support_problem_text(p)));
    } else {
        str_copy(a->by, sizeof a->by, c->req->session->display_name);
        c->res->location = arena_printf(c->arena, "/api/v1/learners/%lld", (long long)c->id);
        api_reply(c, 201, support_json_ack(a));
    }
    json_decref(body);
}
