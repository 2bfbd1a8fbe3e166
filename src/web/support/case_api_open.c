/*
** web/support/case_api_open.c — the JSON twins of opening a case (the
** learner page's form, web/support/case_learner.c) and of recording a case
** conference (web/support/case_conference_page.c): the same writers, the
** same checks and words; refused input is 400 {"code": "invalid",
** "field", "message"} (web/support/case_api_post.c).
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "school/school.h"
#include "support/actions.h"
#include "web/api.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

/*
** WEBPAGE: POST /api/v1/learners/{id}/cases
** ACCESS:  staff
** BODY:    json
**
** {"source": "flag" | "teacher" | "learner" | "family", "reason": text,
** "tier": code (absent: the flag's suggestion)}: open a case for the
** learner -> 201 with the case (Location: its JSON).  From a flag an empty
** reason becomes the sentence of the current flags.  400 refused (a
** second open case, no key worker, an unknown source or tier, no reason),
** 403 for one who may not open a case for the learner, 404 no learner.
*/
void api_case_open(web_ctx *c) {
    static const char *const fields[] = {"source", "reason", "tier"};
    cairn_err err = {0};
    const access_ctx *who = c->who;
    school_learner_info li;
    int found = school_learner_get(c->st, who->institution_id, c->id, &li, &err);
    int may = found > 0 ? case_learner_may_open(who, c->id, &err) : 0;
    if (found < 0 || may < 0) {
        api_fail(c, "case open", err.msg);
        return;
    }
    if (!found) {
        api_not_found(c, "There is no learner with this number.");
        return;
    }
    if (!may) {
        api_refuse(c, "You may not open a case for this learner.");
        return;
    }
    json_t *body = api_body_object(c, fields, 3);
    if (!body) return;
    const char *source = json_string_value(json_object_get(body, "source"));
    const char *reason = json_string_value(json_object_get(body, "reason"));
    const char *tier = json_string_value(json_object_get(body, "tier"));
    support_case_open_spec spec = {c->id, 0, support_case_source_parse(source), NULL, -1, 0};
    spec.tier = tier && *tier ? support_case_tier_parse(tier) : -1;
    if (tier && *tier && spec.tier < 0) spec.tier = 9;   /* refused by the writer */
    if (json_object_get(body, "tier") && !json_is_null(json_object_get(body, "tier")) && !tier)
        spec.tier = 9;
    risk_attention_row *sc = page_keep(c, calloc(1, sizeof *sc));
    int have = risk_read_learner_latest(c->st, who->institution_id, c->id, sc, &err);
    support_key_worker kw;
    int has_kw = have >= 0 ? support_key_worker_current(c->st, who->institution_id, c->id, &kw,
                                                        &err)
                           : -1;
    if (has_kw < 0) {
        json_decref(body);
        api_fail(c, "case open", err.msg);
        return;
    }
    buf r = BUF_INIT;   /* not HTML: the reason's text */
    if (spec.source == SUPPORT_CASE_FROM_FLAG && have > 0 && sc->nflags && (!reason || !*reason))
        case_learner_flags_reason(c->L, sc, &r);
    else if (reason)
        buf_puts(&r, reason);   /* not HTML: the reason's text */
    json_decref(body);
    spec.reason = arena_strdup(c->arena, buf_cstr(&r));
    buf_free(&r);
    if (!has_kw && (who->roles & ACCESS_ROLE_KEY_WORKER)) spec.key_worker_id = who->staff_id;
    if ((who->roles & ACCESS_ROLE_TEACHER) && who->staff_id) spec.teacher_id = who->staff_id;
    int64_t id = 0;
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_open(c->st, who->institution_id, who->account_id, &spec, NULL, &id, &p,
                               &err);
    if (rc != 0) {
        case_api_answer(c, rc, p, NULL, 0, &err);
        return;
    }
    c->id = id;   /* from here on the case, as GET /api/v1/cases/{id} shows it */
    c->res->location = arena_printf(c->arena, "/api/v1/cases/%lld", (long long)id);
    case_api_show(c, 201);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/conference
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"held_on": "YYYY-MM-DD", "attendees": [staff ids], "domains": [codes],
** "notes": text, "decisions": [{"what", "owner_id", "due_on"}] (at most
** five)}: the key worker or a team member records a conference; its
** decisions become follow-ups -> 200 with the case; 400 refused.
*/
void api_case_conference(web_ctx *c) {
    static const char *const fields[] = {"held_on", "attendees", "domains", "notes", "decisions"};
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 1)) return;
    if (!rel) {
        api_refuse(c, "You may not change this case.");
        return;
    }
    json_t *body = api_body_object(c, fields, 5);
    if (!body) return;
    int64_t attendees[64];
    support_case_decision decisions[SUPPORT_CASE_DECISIONS_MAX];
    support_case_conference_spec spec = {0};
    spec.held_on = case_api_member_day(body, "held_on", INT32_MAX);
    json_t *a = json_object_get(body, "attendees"), *v;
    size_t i;
    json_array_foreach(a, i, v) {
        if (spec.nattendees == 64) break;
        attendees[spec.nattendees++] = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
    }
    json_array_foreach(json_object_get(body, "domains"), i, v)
        for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++)
            if (json_is_string(v) && !strcmp(json_string_value(v), support_domain_code(k)))
                spec.domains |= 1u << k;
    json_array_foreach(json_object_get(body, "decisions"), i, v) {
        const char *what = json_string_value(json_object_get(v, "what"));
        if (!what || !*what) continue;
        if (spec.ndecisions == SUPPORT_CASE_DECISIONS_MAX) break;
        support_case_decision *d = &decisions[spec.ndecisions++];
        json_t *owner = json_object_get(v, "owner_id");
        d->what = arena_strdup(c->arena, what);
        d->owner_id = json_is_integer(owner) ? (int64_t)json_integer_value(owner) : 0;
        d->due_on = case_api_member_day(v, "due_on", 0);
    }
    const char *notes = json_string_value(json_object_get(body, "notes"));
    spec.notes = notes ? arena_strdup(c->arena, notes) : NULL;
    spec.attendees = attendees;
    spec.decisions = decisions;
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_conference_record(c->st, c->who->institution_id, c->who->account_id,
                                            rel, c->id, &spec, NULL, &p, &err);
    case_api_answer(c, rc, p, NULL, 0, &err);
}
