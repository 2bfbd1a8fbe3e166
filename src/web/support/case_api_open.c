/*
** web/support/case_api_open.c — the JSON twins of opening a case (the
** learner page's form, web/support/case_learner.c) and of recording a case
** conference (web/support/case_conference_page.c): the same writers, the
** same checks and words; refused input is 400 {"error": {"code": "bad_request",
** "field", "message"} (web/support/case_api_post.c).
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "base/mem.h"
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
    json_t *rv = json_object_get(body, "reason");
    if (rv && !json_is_null(rv) && !reason) {   /* once read as no reason */
        json_decref(body);
        case_api_invalid(c, "reason", "reason must be a string.");
        return;
    }
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

/* Read the conference body's members into spec (attendees into
** attendees[0..max), decisions into decisions[], texts copied into the
** arena): SUPPORT_CASE_OK, or the problem of the first member of a wrong
** type or number (more attendees than max, more decisions than
** SUPPORT_CASE_DECISIONS_MAX, an unknown domain code), which the form
** cannot send and the twin refuses rather than leave out; *field then
** names the member. */
static support_case_problem conference_members(web_ctx *c, json_t *body, int64_t *attendees,
                                               size_t max, support_case_decision *decisions,
                                               support_case_conference_spec *spec,
                                               const char **field) {
    json_t *held = json_object_get(body, "held_on");
    spec->held_on = case_api_member_day(body, "held_on", INT32_MAX);
    *field = "held_on";
    if (held && spec->held_on == INT32_MAX) return SUPPORT_CASE_HELD_ON_BAD;
    *field = "attendees";
    json_t *a = json_object_get(body, "attendees"), *v;
    size_t i;
    if (a && (!json_is_array(a) || json_array_size(a) > max)) return SUPPORT_CASE_ATTENDEES_BAD;
    json_array_foreach(a, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) return SUPPORT_CASE_ATTENDEES_BAD;
        attendees[spec->nattendees++] = (int64_t)json_integer_value(v);
    }
    *field = "domains";
    json_t *doms = json_object_get(body, "domains");
    if (doms && !json_is_array(doms)) return SUPPORT_CASE_DOMAINS_MISSING;
    json_array_foreach(doms, i, v) {
        int k = json_is_string(v) ? support_domain_find(json_string_value(v)) : -1;
        if (k < 0) return SUPPORT_CASE_DOMAINS_MISSING;
        spec->domains |= 1u << k;
    }
    *field = "decisions";
    json_t *dec = json_object_get(body, "decisions");
    if (dec && (!json_is_array(dec) || json_array_size(dec) > SUPPORT_CASE_DECISIONS_MAX))
        return SUPPORT_CASE_REASON_BAD;
    json_array_foreach(dec, i, v) {
        json_t *what = json_object_get(v, "what"), *owner = json_object_get(v, "owner_id"),
               *due = json_object_get(v, "due_on");
        if (!json_is_object(v) || !json_is_string(what)) return SUPPORT_CASE_REASON_BAD;
        if (!json_is_integer(owner)) return SUPPORT_CASE_OWNER_BAD;
        support_case_decision *d = &decisions[spec->ndecisions++];
        d->what = arena_strdup(c->arena, json_string_value(what));
        d->owner_id = (int64_t)json_integer_value(owner);
        d->due_on = case_api_member_day(v, "due_on", 0);
        if (due && !d->due_on) return SUPPORT_CASE_DUE_BAD;
    }
    *field = "notes";
    json_t *notes = json_object_get(body, "notes");
    if (notes && !json_is_null(notes) && !json_is_string(notes)) return SUPPORT_CASE_REASON_BAD;
    spec->notes = json_is_string(notes) ? arena_strdup(c->arena, json_string_value(notes)) : NULL;
    return SUPPORT_CASE_OK;
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
    const char *field = NULL;
    support_case_problem bad = conference_members(c, body, attendees, 64, decisions, &spec,
                                                  &field);
    if (bad) {
        json_decref(body);
        case_api_invalid(c, field, case_problem_text(c->L, bad));
        return;
    }
    spec.attendees = attendees;
    spec.decisions = decisions;
    json_decref(body);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_conference_record(c->st, c->who->institution_id, c->who->account_id,
                                            rel, c->id, &spec, NULL, &p, &err);
    if (rc > 0 && (p == SUPPORT_CASE_REASON_BAD || p == SUPPORT_CASE_REASON_MISSING)) {
        /* the writer calls the notes and each decision's text "reason":
        ** name the member (the notes when they are what it refuses) */
        char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
        support_case_problem q = SUPPORT_CASE_OK;
        int notes_bad = support_case_reason_check(spec.notes, text, &q);
        free(text);
        case_api_invalid(c, notes_bad ? "notes" : "decisions", case_problem_text(c->L, p));
        return;
    }
    case_api_answer(c, rc, p, NULL, 0, &err);
}
