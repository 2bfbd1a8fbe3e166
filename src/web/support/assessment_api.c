/*
** web/support/assessment_api.c — the needs assessment as JSON:
** GET and POST /api/v1/cases/{id}/assessments, by the rules of the page
** (web/support/assessment_page.c): the key worker and the team (not a
** teacher on it); anyone else 403.  A refused assessment is 400
** {"error": {"code": "bad_request", "field", "message"}} in the page's words,
** nothing written.
*/
#include "web/support/assessment_web.h"
#include "base/date.h"
#include "web/api.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A rating as JSON: the number, or null when unset. */
static json_t *rating_json(int r) {
    return r >= 0 ? json_integer(r) : json_null();
}

/* One assessment as JSON. */
static json_t *assessment_json(const support_assessment *a) {
    json_t *doms = json_array();
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++) {
        const support_assessment_rating *r = &a->domains[k];
        json_array_append_new(doms, json_pack("{s:s,s:o,s:o,s:o,s:o}", "domain",
                                              support_domain_code(k), "need", rating_json(r->need),
                                              "own", rating_json(r->own), "strengths",
                                              api_json_text(r->strengths), "comment",
                                              api_json_text(r->comment)));
    }
    return json_pack("{s:I,s:o,s:o,s:s,s:s,s:o,s:o}", "id", (json_int_t)a->id, "assessed_on",
                     api_json_day(a->assessed_on), "assessed_by",
                     a->assessed_by ? json_integer(a->assessed_by) : json_null(),
                     "assessed_by_name", a->assessed_by_name, "recorded_at", a->recorded_at,
                     "note", api_json_text(a->note), "domains", doms);
}

/* Answer 400 naming field, with message. */
static void invalid(web_ctx *c, const char *field, const char *message) {
    api_field_error(c, field, message);
}

/*
** WEBPAGE: GET /api/v1/cases/{id}/assessments
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The case's needs assessments, newest first, each with every life domain
** (need and own: 0..3 or null; strengths, comment) and the note.  For the
** key worker and the team; 403 for anyone else.  Written to the audit log.
*/
void api_case_assessments(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    support_case k;
    if (!assessment_viewer(c, &rel, &k, 1)) return;
    support_assessment *rows = NULL;
    size_t n = 0;
    if (support_assessment_list(c->st, c->who->institution_id, k.id, 1, &rows, &n, &err) < 0 ||
        assessment_audit_view(c, &k, "api", &err) < 0) {
        api_fail(c, "assessment", err.msg);
        return;
    }
    json_t *a = json_array();
    for (size_t i = n; i-- > 0;) json_array_append_new(a, assessment_json(&rows[i]));
    support_assessments_free(rows, n);
    api_reply(c, 200, json_pack("{s:I,s:o}", "case_id", (json_int_t)k.id, "assessments", a));
}

/* A rating member of a domain object: 0 (set *out; unset for null or
** absent), -1 when it is not an integer or null. */
static int rating_member(json_t *o, const char *name, int *out) {
    json_t *v = json_object_get(o, name);
    *out = SUPPORT_ASSESSMENT_UNSET;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_integer(v)) return -1;
    json_int_t x = json_integer_value(v);
    /* refused by the writer; -1 too, which the writer reads as not rated:
    ** "not rated" is null or absent, never a number */
    *out = x < 0 || x > 99 ? 99 : (int)x;
    return 0;
}

/* A text member: 0 (*out NULL when absent or null), -1 when not a string. */
static int text_member(json_t *o, const char *name, const char **out) {
    json_t *v = json_object_get(o, name);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) return -1;
    *out = json_string_value(v);
    return 0;
}

/* Fill spec from body's "domains"; 0, or -1 after a 400. */
static int domains_parse(web_ctx *c, json_t *body, support_assessment_spec *spec) {
    json_t *doms = json_object_get(body, "domains"), *o;
    const char *code;
    char field[64];
    if (!json_is_object(doms)) {
        invalid(c, "domains", T(c->L, "Rate at least one life domain."));
        return -1;
    }
    json_object_foreach(doms, code, o) {
        int d = support_domain_find(code);
        if (d < 0 || !json_is_object(o)) {
            invalid(c, "domains", T(c->L, "Each life domain is an object named by its code."));
            return -1;
        }
        const char *k;
        json_t *x;
        json_object_foreach(o, k, x) {
            if (strcmp(k, "need") && strcmp(k, "own") && strcmp(k, "strengths") &&
                strcmp(k, "comment")) {
                invalid(c, "domains", T(c->L, "Each life domain is an object named by its code."));
                return -1;
            }
        }
        struct { const char *what; int bad; support_assessment_problem p; } checks[] = {
            {"need", rating_member(o, "need", &spec->need[d]), SUPPORT_ASSESSMENT_NEED_BAD},
            {"own", rating_member(o, "own", &spec->own[d]), SUPPORT_ASSESSMENT_OWN_BAD},
            {"strengths", text_member(o, "strengths", &spec->strengths[d]),
             SUPPORT_ASSESSMENT_STRENGTHS_BAD},
            {"comment", text_member(o, "comment", &spec->comment[d]),
             SUPPORT_ASSESSMENT_COMMENT_BAD},
        };
        for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
            if (checks[i].bad) {
                snprintf(field, sizeof field, "%s_%s", checks[i].what, code);
                invalid(c, field, assessment_problem_text(c->L, checks[i].p));
                return -1;
            }
    }
    return 0;
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/assessments
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** Add an assessment: {"assessed_on": "YYYY-MM-DD", "note", "domains":
** {"<code>": {"need": 0..3|null, "own": 0..3|null, "strengths",
** "comment"}}} (domains left out are not rated) -> 201 with the
** assessment; 400 {"error": {"code": "bad_request", "field", "message"}} for
** refused input; 403 for anyone but the key worker and the team.
*/
void api_case_assessment_add(web_ctx *c) {
    static const char *const fields[] = {"assessed_on", "note", "domains"};
    cairn_err err = {0};
    unsigned rel;
    support_case k;
    if (!assessment_viewer(c, &rel, &k, 1)) return;
    json_t *body = api_body_object(c, fields, sizeof fields / sizeof *fields);
    if (!body) return;
    support_assessment_spec spec;
    memset(&spec, 0, sizeof spec);
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++)
        spec.need[d] = spec.own[d] = SUPPORT_ASSESSMENT_UNSET;
    const char *day = NULL;
    if (text_member(body, "assessed_on", &day) < 0 || !day ||
        date_parse(day, strlen(day), &spec.assessed_on) < 0) {
        invalid(c, "assessed_on", assessment_problem_text(c->L, SUPPORT_ASSESSMENT_DAY_BAD));
        json_decref(body);
        return;
    }
    if (text_member(body, "note", &spec.note) < 0) {
        invalid(c, "note", assessment_problem_text(c->L, SUPPORT_ASSESSMENT_NOTE_BAD));
        json_decref(body);
        return;
    }
    if (domains_parse(c, body, &spec) < 0) {
        json_decref(body);
        return;
    }
    support_assessment_problem p = SUPPORT_ASSESSMENT_OK;
    int dom = -1;
    int64_t id = 0;
    int rc = support_assessment_add(c->st, c->who->institution_id, c->who->account_id, rel, k.id,
                                    &spec, NULL, &id, &p, &dom, &err);
    json_decref(body);   /* spec's texts were body's: no use after this */
    if (rc < 0) {
        api_fail(c, "assessment", err.msg);
        return;
    }
    if (rc > 0) {
        char field[64];
        support_assessment_problem_field(p, dom, field, sizeof field);
        invalid(c, field, assessment_problem_text(c->L, p));
        return;
    }
    support_assessment *rows = NULL;
    size_t n = 0;
    if (support_assessment_list(c->st, c->who->institution_id, k.id, 1, &rows, &n, &err) < 0) {
        api_fail(c, "assessment", err.msg);
        return;
    }
    json_t *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == id) out = assessment_json(&rows[i]);
    support_assessments_free(rows, n);
    if (!out) {
        api_fail(c, "assessment", "vanished");
        return;
    }
    c->res->location = arena_printf(c->arena, "/api/v1/cases/%lld/assessments", (long long)k.id);
    api_reply(c, 201, out);
}
