/*
** web/support/case_move_api.c — the JSON twins of handing a case over to
** another institution (support/case_move.h; the pages are
** web/support/case_move_page.c): offer, the offers waiting for the
** caller's institution, the answer, and the handover record.
*/
#include "web/support/case_view.h"
#include "support/case_move.h"
#include "web/api.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

/* The id member name of body, 0 when absent or not a positive integer. */
static int64_t member_id(json_t *body, const char *name) {
    json_t *v = json_object_get(body, name);
    return json_is_integer(v) && json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : 0;
}

/* The text member name of body: its string, "" when absent or null, NULL
** after a 400 when it is something else. */
static const char *member_text(web_ctx *c, json_t *body, const char *name) {
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v)) return "";
    if (json_is_string(v)) return arena_strdup(c->arena, json_string_value(v));
    api_field_error(c, name, arena_printf(c->arena, "%s must be a string.", name));
    return NULL;
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/move
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"to_institution": id, "reason": text}: the key worker offers the case to
** another institution of the database (or asks a school leader's approval
** first) -> 200 with the case; 400 refused (field consent: no consent to
** share with it, the message says what is missing).
*/
void api_case_move(web_ctx *c) {
    static const char *const fields[] = {"to_institution", "reason"};
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 1)) return;
    json_t *body = api_body_object(c, fields, 2);
    if (!body) return;
    int64_t to = member_id(body, "to_institution");
    const char *reason = member_text(c, body, "reason");
    json_decref(body);
    if (!reason) return;
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = to <= 0 ? 1 : support_case_move_ask(c->st, c->who->institution_id,
                                                 c->who->account_id, rel, c->id, to, reason,
                                                 NULL, &p, &err);
    if (to <= 0) p = SUPPORT_CASE_INST_UNKNOWN;
    if (rc > 0 && p == SUPPORT_CASE_NO_CONSENT) {   /* the sentence names what is missing */
        api_field_error(c, "consent", err.msg);
        return;
    }
    case_api_answer(c, rc, p, NULL, 0, &err);
}

/* An offer as JSON: only what the receiver may see. */
static json_t *move_json(const support_case_move *m) {
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)m->id,
                     "from_institution", (json_int_t)m->from_institution, "from_name",
                     m->from_name, "learner_name", m->learner_name, "birth_date", m->birth_date,
                     "tier", support_case_tier_code(m->tier), "asked_at", m->asked_at, "reason",
                     m->reason);
}

/*
** WEBPAGE: GET /api/v1/case-moves
** ACCESS:  school_leader
** BODY:    none
**
** The cases other institutions offer to the caller's institution, oldest
** first: {"offers": [{id, from_institution, from_name, learner_name,
** birth_date, tier, asked_at, reason}]}.
*/
void api_case_moves(web_ctx *c) {
    cairn_err err = {0};
    support_case_move *rows = NULL;
    size_t n = 0;
    if (support_case_moves_incoming(c->st, c->who->institution_id, &rows, &n, &err) < 0) {
        api_fail(c, "case moves", err.msg);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, move_json(&rows[i]));
    free(rows);
    api_reply(c, 200, json_pack("{s:o}", "offers", a));
}

/*
** WEBPAGE: POST /api/v1/case-moves/{id}
** ACCESS:  school_leader
** BODY:    json
**
** {"from_institution": id, "answer": "accept" | "decline", "learner_id":
** id, "key_worker_id": id (accepting), "comment": text (required to
** decline)}: a school leader of the receiving institution answers the
** offer -> 200 {"id", "state", "case_id"} (case_id: the new case, 0 when
** declined); 400 refused, nothing written.
*/
void api_case_move_answer(web_ctx *c) {
    static const char *const fields[] = {"from_institution", "answer", "learner_id",
                                         "key_worker_id", "comment"};
    cairn_err err = {0};
    json_t *body = api_body_object(c, fields, 5);
    if (!body) return;
    const char *a = member_text(c, body, "answer");
    const char *comment = a ? member_text(c, body, "comment") : NULL;
    support_case_move_answer_spec spec = {a && !strcmp(a, "accept"), member_id(body, "learner_id"),
                                          member_id(body, "key_worker_id"), comment};
    int64_t from = member_id(body, "from_institution");
    json_decref(body);
    if (!a || !comment) return;
    if (strcmp(a, "accept") && strcmp(a, "decline")) {
        api_field_error(c, "answer", T(c->L, "Choose accept or decline."));
        return;
    }
    support_case_problem p = SUPPORT_CASE_OK;
    int64_t made = 0;
    unsigned rel = (c->who->roles & ACCESS_ROLE_SCHOOL_LEADER) ? SUPPORT_CASE_REL_LEADER : 0;
    int rc = support_case_move_answer(c->st, c->who->institution_id, c->who->account_id, rel,
                                      from, c->id, &spec, NULL, &made, &p, &err);
    if (rc < 0) {
        api_fail(c, "case move answer", err.msg);
    } else if (rc > 0) {
        api_field_error(c, support_case_problem_field(p),
                        p == SUPPORT_CASE_NO_CONSENT ? err.msg : case_problem_text(c->L, p));
    } else {
        api_reply(c, 200, json_pack("{s:I,s:s,s:I}", "id", (json_int_t)c->id, "state",
                                    spec.accept ? "accepted" : "declined", "case_id",
                                    (json_int_t)made));
    }
}

/*
** WEBPAGE: GET /api/v1/cases/{id}/handover
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The handover record that came with the case from another institution
** (the case's key worker and team; anyone else 403; 404 when the case did
** not come from another institution).  Written to the audit log.
*/
void api_case_handover(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 1)) return;
    if (!case_rel_sees_contents(rel & ~SUPPORT_CASE_REL_RECEIVER)) {
        api_refuse(c, "Only the case's key worker and team read its handover record.");
        return;
    }
    json_t *rec = NULL;
    int rc = support_case_handover_read(c->st, c->who->institution_id, c->who->account_id, c->id,
                                        &rec, &err);
    if (rc < 0) api_fail(c, "handover record", err.msg);
    else if (!rc) api_not_found(c, "This case did not come from another institution.");
    else api_reply(c, 200, rec);
}
