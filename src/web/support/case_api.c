/*
** web/support/case_api.c — GET /api/v1/cases/{id}: one case as JSON, by
** the rules of the case page (web/support/case_page.c): the key worker,
** the team and the key worker a handover is offered to get the reason,
** the team and the history; a school leader who is not on the team only
** the state, the tier and the tasks' deadlines; anyone else 403.  Written
** to the audit log.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "support/audit.h"
#include "web/api.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>

/* ---- GET /api/v1/cases/{id} ------------------------------------------------------- */

/* A day number as JSON ("YYYY-MM-DD"). */
static json_t *day_json(int32_t d) {
    char t[DATE_TEXT_LEN];
    date_format(d, t);
    return json_string(t);
}

/* Text or null when empty. */
static json_t *text_or_null(const char *s) {
    return s && *s ? json_string(s) : json_null();
}

/* The case d as JSON for a viewer who sees contents or not. */
static json_t *case_json(const support_case_detail *d, int contents, unsigned rel) {
    const support_case *k = &d->c;
    json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:s,s:o,s:s,s:o,s:s,s:o,s:o}",
                          "id", (json_int_t)k->id, "learner_id", (json_int_t)k->learner_id,
                          "learner_ref", k->learner_ref, "learner_name", k->learner_name,
                          "key_worker_id", (json_int_t)k->key_worker_id,
                          "key_worker_name", k->key_worker_name,
                          "state", support_case_state_code(k->state),
                          "outcome", k->outcome ? json_string(support_case_outcome_code(k->outcome))
                                                : json_null(),
                          "tier", support_case_tier_code(k->tier),
                          "flag_tier", k->flag_tier >= 0
                                           ? json_string(support_case_tier_code(k->flag_tier))
                                           : json_null(),
                          "source", support_case_source_code(k->source),
                          "opened_at", text_or_null(k->opened_at),
                          "closed_at", text_or_null(k->closed_at));
    json_t *steps = json_array();
    size_t n;
    const support_case_step *t = support_case_steps(&n);
    for (size_t i = 0; i < n; i++)
        if ((int)t[i].from == k->state && (t[i].who & rel))
            json_array_append_new(steps, json_string(t[i].code));
    json_object_set_new(o, "next_steps", steps);
    json_t *tasks = json_array();
    for (size_t i = 0; i < d->ntasks; i++) {
        const support_case_task *x = &d->tasks[i];
        json_array_append_new(tasks, json_pack("{s:I,s:s,s:I,s:o,s:o}", "id", (json_int_t)x->id,
                                               "kind", support_case_task_kind_code(x->kind),
                                               "owner_id", (json_int_t)x->owner_id,
                                               "due_on", day_json(x->due_on),
                                               "done_at", text_or_null(x->done_at)));
    }
    json_object_set_new(o, "tasks", tasks);
    if (!contents) return o;
    json_object_set_new(o, "reason", json_string(k->reason));
    json_object_set_new(o, "outcome_reason", text_or_null(k->outcome_reason));
    json_t *team = json_array();
    for (size_t i = 0; i < d->nteam; i++)
        json_array_append_new(team, json_pack("{s:I,s:s,s:s}", "staff_id",
                                              (json_int_t)d->team[i].staff_id, "name",
                                              d->team[i].name, "role",
                                              support_case_role_code(d->team[i].role)));
    json_object_set_new(o, "team", team);
    json_t *hist = json_array();
    for (size_t i = 0; i < d->nhistory; i++) {
        const support_case_event *e = &d->history[i];
        json_array_append_new(hist, json_pack("{s:s,s:o,s:s,s:s,s:s,s:s}", "at", e->at,
                                              "account_id", e->account_id
                                                                ? json_integer(e->account_id)
                                                                : json_null(),
                                              "kind", e->kind, "from", e->from_value,
                                              "to", e->to_value, "reason", e->reason));
    }
    json_object_set_new(o, "history", hist);
    return o;
}

/*
** WEBPAGE: GET /api/v1/cases/{id}
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The case as JSON: for its key worker and team with the reason, team and
** history; for a school leader not on the team only the state, the tier
** and the tasks' deadlines.  403 for anyone else.  Written to the audit log.
*/
void api_case(web_ctx *c) {
    case_api_show(c, 200);
}

/* The case c->id as JSON with status (see case_view.h). */
void case_api_show(web_ctx *c, int status) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 1)) return;
    if (!rel) {
        api_refuse(c, "Only the case's key worker, its team and school leaders may see a case.");
        return;
    }
    int contents = case_rel_sees_contents(rel);
    support_case_detail *d = page_keep(c, calloc(1, sizeof *d));
    int found = support_case_detail_get(c->st, c->who->institution_id, c->id, contents, d, &err);
    if (found <= 0) {
        api_fail(c, "case", found < 0 ? err.msg : "vanished");
        return;
    }
    if (support_case_audit(c->st, c->who->institution_id, c->who->account_id, d->c.learner_id,
                           c->id, contents ? "case.view" : "case.view_state", "viewed",
                           arena_printf(c->arena, "case %lld (api)", (long long)c->id),
                           &err) != 0) {
        support_case_detail_free(d);
        api_fail(c, "case audit", err.msg);
        return;
    }
    json_t *o = case_json(d, contents, rel);
    support_case_detail_free(d);
    support_case_approval *a = page_keep(c, calloc(1, sizeof *a));
    int waiting = support_case_approval_pending(c->st, c->who->institution_id, c->id, 0, a, &err);
    if (waiting < 0) {
        json_decref(o);
        api_fail(c, "case approval", err.msg);
        return;
    }
    json_object_set_new(o, "pending_approval",
                        waiting ? json_pack("{s:I,s:s,s:s}", "id", (json_int_t)a->id, "kind",
                                            a->kind, "asked_at", a->asked_at)
                                : json_null());
    api_reply(c, status, o);
}
