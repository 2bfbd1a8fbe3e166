/*
** web/support/key_worker.c — naming a learner's key worker: the learner
** page's form (POST /learners/{id}/key-worker) and the same as JSON
** (POST /api/v1/learners/{id}/key-worker).  Administrators and school
** leaders only (access_can_act_on_learner); the writer (web/actions.h)
** ends the current assignment and writes the audit event.
*/
#include "web/support/support_post.h"
#include "web/api.h"
#include "web/pages.h"
#include "web/school/learner.h"
#include "web/support/support_pages.h"
#include "gen/pages.h"
#include <string.h>

/*
** WEBPAGE: POST /learners/{id}/key-worker
** ACCESS:  staff
** BODY:    form
**
** Field staff_id: name that staff member, then back to the learner page;
** refused input shows the page again with the error (400).
*/
void page_key_worker(web_ctx *c) {
    cairn_err err = {0};
    if (!support_post_allowed(c, ACCESS_ACT_ASSIGN_KEY_WORKER, 0)) return;
    access_ctx who = *c->who;
    page_action_form form = {0};
    form.action = "key-worker";
    const char *staff = web_request_form(c->req, "staff_id");
    form.staff_id = page_parse_id(staff);
    int rc;
    if (staff && *staff && !form.staff_id) {     /* not a number: no such staff member */
        form.problem = SUPPORT_STAFF_UNKNOWN;
        rc = 1;
    } else {
        rc = support_key_worker_assign(c->st, who.institution_id, who.account_id, c->id,
                                       form.staff_id, NULL, &form.problem, &err);
    }
    support_post_answer(c, rc, &form, &err, "key-worker");
}

/*
** WEBPAGE: POST /api/v1/learners/{id}/key-worker
** ACCESS:  staff
** BODY:    json
**
** {"staff_id": N} -> 200 with the assignment; 415 without a JSON body, 400
** for a malformed one, 403 unless the caller may name key workers, 422 for
** a refused staff member; nothing is written unless it succeeds.
*/
void api_key_worker(web_ctx *c) {
    static const char *const fields[] = {"staff_id"};
    cairn_err err = {0};
    json_t *body = api_body_object(c, fields, 1);
    if (!body) return;
    if (!support_post_allowed(c, ACCESS_ACT_ASSIGN_KEY_WORKER, 1)) {
        json_decref(body);
        return;
    }
    json_t *v = json_object_get(body, "staff_id");
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        api_bad_request(c, "staff_id is required and must be a positive whole number.");
        json_decref(body);
        return;
    }
    support_key_worker kw;
    support_problem p = SUPPORT_OK;
    int rc = support_key_worker_assign(c->st, c->who->institution_id, c->who->account_id, c->id,
                                       (int64_t)json_integer_value(v), &kw, &p, &err);
    json_decref(body);
    if (rc < 0) {
        web_log(c->req, "api key worker: %s", err.msg);
        web_error_json(c->res, 500, "internal", "The key worker could not be saved.");
    } else if (rc > 0) {
        web_error_json(c->res, 422, "unprocessable",
                       arena_printf(c->arena, "%s.", support_problem_text(p)));
    } else {
        api_reply(c, 200, support_json_key_worker(&kw));
    }
}
