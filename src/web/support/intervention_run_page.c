/*
** web/support/intervention_run_page.c — one run of an intervention: its
** participants, sessions and attendance, the forms to add a participant and
** record a session, and its effect (GET /intervention-runs/{id}, POST
** /intervention-runs/{id}/participants, POST /intervention-runs/{id}/sessions,
** GET /api/v1/intervention-runs/{id}); rules in
** web/support/intervention_web.h.  A viewer with no relationship to the run
** gets 404, as for a run that does not exist; every view is audited
** ("intervention_run.view").
*/
#include "web/support/intervention_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/metrics.h"
#include "support/audit.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/i18n.h"
#include "gen/pages.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a run page reads once. */
typedef struct run_view {
    intervention_run          run;
    intervention_participant *parts;
    size_t                    nparts;
    intervention_session     *sessions;
    size_t                    nsessions;
    signed char              *grid;
    intervention_effect      *effect;   /* per participant, in parts' order */
    intervention_effect_summary sum;
    iv_sight                  sight;
} run_view;

/* Read run c->id for the viewer into *v: 1 ready, 0 answered (404 or 500,
** as JSON when json).  A read (not a POST) is written to the audit log as a
** view. */
static int run_read(web_ctx *c, run_view *v, int json) {
    cairn_err err = {0};
    int64_t inst = c->who->institution_id;
    memset(v, 0, sizeof *v);
    int found = intervention_run_get(c->st, inst, c->id, &v->run, &err);
    if (found > 0 && intervention_participants(c->st, inst, c->id, &v->parts, &v->nparts, &err) < 0)
        found = -1;
    page_keep(c, v->parts);
    if (found > 0) v->sight = iv_run_sight(c->who, &v->run, v->parts, v->nparts);
    if (found > 0 && v->sight == IV_SEE_NONE) found = 0;
    if (found > 0 &&
        (intervention_sessions(c->st, inst, c->id, &v->sessions, &v->nsessions, &err) < 0 ||
         intervention_attendance_grid(c->st, inst, c->id, v->sessions, v->nsessions, v->parts,
                                      v->nparts, &v->grid, &err) < 0 ||
         intervention_effect_read(c->st, inst, v->parts, v->nparts, v->run.duration_weeks,
                                  date_today(), &v->effect, &err) < 0))
        found = -1;
    page_keep(c, v->sessions);
    page_keep(c, v->grid);
    page_keep(c, v->effect);
    if (found > 0) intervention_effect_summarise(v->effect, v->nparts, METRIC_MIN_CELL, &v->sum);
    if (found > 0 && strcmp(c->req->method, "POST") != 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "run %lld", (long long)c->id);
        if (support_audit_append(c->st, inst, c->who->account_id, "intervention_run.view", 0,
                                 detail, &err) < 0)
            found = -1;
    }
    if (found < 0) {
        if (json) api_fail(c, "intervention run", err.msg);
        else page_fail(c, "intervention run", err.msg);
    } else if (!found) {
        if (json) api_not_found(c, "There is no run with this number that you may see.");
        else page_not_found(c, "Run not found", "There is no run with this number that you may see.");
    }
    return found > 0;
}

/* Indicator k's value v as L writes it (days as whole numbers, rates and
** scores with one decimal), a dash for NAN. */
static const char *num1(const i18n_lang *L, int k, double v, char *out, size_t cap) {
    return i18n_format_number(L, v, k == IE_ENGAGEMENT ? 0 : 1, out, cap);
}

/* The participants the viewer may see, with sessions attended and their
** own before and after. */
static void participants_table(web_ctx *c, const run_view *v) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char num[I18N_NUM_MAX], a[I18N_NUM_MAX], z[I18N_NUM_MAX], d[I18N_DATE_MAX];
    html_printf(b, "<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th>",
                T(L, "Learner"), T(L, "Joined"), T(L, "Sessions attended"));
    for (int k = 0; k < IE_COUNT; k++)
        html_printf(b, "<th scope=\"col\" class=\"num\">%T</th>",
                    iv_effect_name(L, k, v->run.duration_weeks));
    html_printf(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < v->nparts; i++) {
        const intervention_participant *p = &v->parts[i];
        if (!iv_participant_visible(c->who, &v->run, p)) continue;
        html_printf(b, "<tr><th scope=\"row\"><a href=\"/learners/%lld\"><bdi>%T %T</bdi></a>"
                       "</th><td>%T</td><td class=\"num\">%T</td>",
                    (long long)p->learner_id, p->given_name, p->family_name,
                    i18n_format_date(L, p->joined, d, sizeof d),
                    i18n_format_int(L, p->attended, num, sizeof num));
        for (int k = 0; k < IE_COUNT; k++) {
            const intervention_effect *e = &v->effect[i];
            if (!e->measurable) html_printf(b, "<td class=\"num muted\">%T</td>",
                                            T(L, "after the last day"));
            else html_printf(b, "<td class=\"num\">%T \xE2\x86\x92 %T</td>",
                             num1(L, k, e->before[k], a, sizeof a), num1(L, k, e->after[k], z, sizeof z));
        }
        html_printf(b, "</tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* The sessions with who attended (the deliverer's view), and the form to
** record one.  form_problem/field: a refused submission (IV_OK none). */
static void sessions_part(web_ctx *c, const run_view *v, intervention_problem problem, int field) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char num[I18N_NUM_MAX], d[I18N_DATE_MAX], today[DATE_TEXT_LEN];
    html_printf(b, "<section aria-labelledby=\"h-sessions\">\n<h2 id=\"h-sessions\">%T</h2>\n",
                T(L, "Sessions"));
    if (v->nsessions == 0) html_printf(b, "<p>%T</p>\n", T(L, "No session has been recorded yet."));
    else {
        /* who and how many attended: not for those who see only aggregates
        ** (a session's count is a small group of people) */
        int counts = v->sight != IV_SEE_AGGREGATE;
        html_printf(b, "<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\" "
                       "class=\"num\">%T</th>", T(L, "Date"), T(L, "Minutes"));
        if (counts) html_printf(b, "<th scope=\"col\" class=\"num\">%T</th>", T(L, "Attended"));
        if (v->sight == IV_SEE_ALL) html_printf(b, "<th scope=\"col\">%T</th>", T(L, "Absent"));
        html_printf(b, "</tr></thead>\n<tbody>\n");
        for (size_t s = 0; s < v->nsessions; s++) {
            const intervention_session *x = &v->sessions[s];
            char att[I18N_NUM_MAX];
            html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td>",
                        i18n_format_date(L, x->held, d, sizeof d),
                        i18n_format_int(L, x->minutes, num, sizeof num));
            if (counts)
                html_printf(b, "<td class=\"num\">%T</td>",
                            i18n_format_int(L, x->present, att, sizeof att));
            if (v->sight == IV_SEE_ALL) {
                html_printf(b, "<td>");
                int first = 1;
                for (size_t p = 0; p < v->nparts; p++)
                    if (v->grid[s * v->nparts + p] == 0) {
                        html_printf(b, first ? "<bdi>%T %T</bdi>" : ", <bdi>%T %T</bdi>",
                                    v->parts[p].given_name, v->parts[p].family_name);
                        first = 0;
                    }
                html_printf(b, "</td>");
            }
            html_printf(b, "</tr>\n");
        }
        html_printf(b, "</tbody>\n</table>\n");
    }
    if (v->sight != IV_SEE_ALL || v->nparts == 0) {
        html_printf(b, "</section>\n");
        return;
    }
    date_format(date_today(), today);
    html_printf(b, "<h3 id=\"h-record\">%T</h3>\n", T(L, "Record a session"));
    if (problem != IV_OK)
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus><p>%T</p></div>\n",
                    T(L, "The session was not recorded. Correct the field marked below."));
    html_printf(b, "<form method=\"post\" action=\"/intervention-runs/%lld/sessions\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                   "<p><label for=\"ses-held\">%T</label></p>\n",
                (long long)v->run.id, c->req->session ? c->req->session->csrf : "",
                T(L, "Date"));
    int bad_held = problem != IV_OK && field == 0, bad_minutes = problem != IV_OK && field == 1;
    if (bad_held) iv_field_error(b, L, "ses-held-error", problem);
    html_printf(b, bad_held ? "<p><input type=\"date\" id=\"ses-held\" name=\"held\" value=\"%A\" "
                              "required aria-describedby=\"ses-held-error\" aria-invalid=\"true\">"
                              "</p>\n<p><label for=\"ses-minutes\">%T</label></p>\n"
                            : "<p><input type=\"date\" id=\"ses-held\" name=\"held\" value=\"%A\" "
                              "required></p>\n<p><label for=\"ses-minutes\">%T</label></p>\n",
                today, T(L, "Minutes (1 to 600)"));
    if (bad_minutes) iv_field_error(b, L, "ses-minutes-error", problem);
    html_printf(b, bad_minutes ? "<p><input type=\"number\" id=\"ses-minutes\" name=\"minutes\" "
                                 "min=\"1\" max=\"600\" value=\"45\" required "
                                 "aria-describedby=\"ses-minutes-error\" aria-invalid=\"true\"></p>\n"
                                 "<fieldset><legend>%T</legend>\n"
                               : "<p><input type=\"number\" id=\"ses-minutes\" name=\"minutes\" "
                                 "min=\"1\" max=\"600\" value=\"45\" required></p>\n"
                                 "<fieldset><legend>%T</legend>\n",
                T(L, "Who attended"));
    if (problem != IV_OK && field == 2) iv_field_error(b, L, "ses-who-error", problem);
    for (size_t p = 0; p < v->nparts; p++)
        html_printf(b, "<label><input type=\"checkbox\" name=\"attended_%lld\" value=\"1\" "
                       "checked> <bdi>%T %T</bdi></label><br>\n",
                    (long long)v->parts[p].id, v->parts[p].given_name, v->parts[p].family_name);
    html_printf(b, "</fieldset>\n<p><button type=\"submit\">%T</button></p>\n</form>\n"
                   "</section>\n", T(L, "Record the session"));
}

/* The form to add a participant (deliverer and key workers). */
static void add_form(web_ctx *c, const run_view *v, intervention_problem problem) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<h3 id=\"h-add\">%T</h3>\n", T(L, "Add a learner"));
    if (problem != IV_OK)
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus><p>%T</p></div>\n",
                    T(L, "The learner was not added. Correct the field marked below."));
    html_printf(b, "<form method=\"post\" action=\"/intervention-runs/%lld/participants\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                   "<p><label for=\"add-ref\">%T</label></p>\n",
                (long long)v->run.id, c->req->session ? c->req->session->csrf : "",
                T(L, "The learner's reference"));
    if (problem != IV_OK) iv_field_error(b, L, "add-ref-error", problem);
    html_printf(b, problem != IV_OK
                       ? "<p><input type=\"text\" id=\"add-ref\" name=\"learner\" required "
                         "aria-describedby=\"add-ref-error\" aria-invalid=\"true\"></p>\n"
                       : "<p><input type=\"text\" id=\"add-ref\" name=\"learner\" required></p>\n");
    html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n", T(L, "Add"));
}

/* The run page with status; a refused form (which: 1 add, 2 session). */
static void run_page(web_ctx *c, int status, int which, intervention_problem problem, int field) {
    run_view *v = page_keep(c, xcalloc(1, sizeof *v));
    if (!run_read(c, v, 0)) return;
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char num[I18N_NUM_MAX], d[I18N_DATE_MAX];
    const char *title = v->run.label[0] ? v->run.label : v->run.intervention_name;
    page_begin(c, title);
    const char *done = web_request_query(c->req, "done");
    if (done && (!strcmp(done, "started") || !strcmp(done, "added") || !strcmp(done, "recorded")))
        html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n",
                    !strcmp(done, "started") ? T(L, "The run was started.")
                    : !strcmp(done, "added") ? T(L, "The learner was added.")
                                             : T(L, "The session was recorded."));
    html_printf(b, "<h1>%T</h1>\n<p><a href=\"/interventions/%lld\">%T</a> \xC2\xB7 %T \xC2\xB7 ",
                title, (long long)v->run.intervention_id, v->run.intervention_name,
                iv_mode_name(L, v->run.mode));
    html_printf(b, T(L, "from %T, %T weeks, delivered by <bdi>%T</bdi>"),
                i18n_format_date(L, v->run.start, d, sizeof d),
                i18n_format_int(L, v->run.duration_weeks, num, sizeof num), v->run.deliverer_name);
    html_printf(b, "</p>\n<section aria-labelledby=\"h-parts\">\n<h2 id=\"h-parts\">%T</h2>\n",
                T(L, "Participants"));
    if (v->sight == IV_SEE_AGGREGATE)
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    T(L, "The names are for the deliverer, the key workers and the case teams of "
                         "the participants. The effect below counts every participant."));
    else participants_table(c, v);
    if (v->sight == IV_SEE_ALL || (c->who->roles & ACCESS_ROLE_KEY_WORKER))
        add_form(c, v, which == 1 ? problem : IV_OK);
    html_printf(b, "</section>\n");
    sessions_part(c, v, which == 2 ? problem : IV_OK, field);
    html_printf(b, "<section aria-labelledby=\"h-effect\">\n<h2 id=\"h-effect\">%T</h2>\n",
                T(L, "Effect of this run"));
    iv_effect_table(b, L, &v->sum, v->run.duration_weeks);
    html_printf(b, "</section>\n");
    page_end(c);
    c->res->status = status;
}

/*
** WEBPAGE: GET /intervention-runs/{id}
** ACCESS:  staff
** BODY:    none
**
** One run: its participants (the rows the viewer may see), sessions and who
** attended, the forms to add a learner and record a session (deliverer),
** and its effect, small groups withheld.  404 for a viewer with no
** relationship to it.
*/
void page_intervention_run(web_ctx *c) {
    run_page(c, 200, 0, IV_OK, 0);
}

/*
** WEBPAGE: POST /intervention-runs/{id}/participants
** ACCESS:  staff
** BODY:    form
**
** Field learner (a reference): add that learner, if the viewer delivers the
** run or is a key worker, and may see the learner; 303 back, or the page
** again (422) with the error beside the field.
*/
void page_intervention_run_join(web_ctx *c) {
    cairn_err err = {0};
    run_view *v = page_keep(c, xcalloc(1, sizeof *v));
    if (!run_read(c, v, 0)) return;
    if (v->sight != IV_SEE_ALL && !(c->who->roles & ACCESS_ROLE_KEY_WORKER)) {
        page_refuse(c, "Only the deliverer and key workers may add learners to a run.");
        return;
    }
    const char *ref = web_request_form(c->req, "learner");
    int64_t learner = 0;
    int may = 0;
    intervention_problem problem = IV_OK;
    if (!ref || !*ref) problem = IV_MISSING;
    else {
        if (intervention_learner_by_ref(c->st, c->who->institution_id, ref, &learner, &err) < 0) {
            page_fail(c, "learner", err.msg);
            return;
        }
        if (learner) may = access_can_view_learner(c->who, learner, &err);
        if (may < 0) { page_fail(c, "learner access", err.msg); return; }
        if (!may) problem = IV_UNKNOWN;   /* unknown or not theirs: the same answer */
    }
    if (problem == IV_OK) {
        int rc = intervention_participant_add(c->st, c->who->institution_id, c->who->account_id,
                                              c->id, ref, NULL, 0, NULL, &problem, &err);
        if (rc < 0) { page_fail(c, "run join", err.msg); return; }
        if (rc == 0) {
            web_redirect(c->res, arena_printf(c->arena, "/intervention-runs/%lld?done=added",
                                              (long long)c->id));
            return;
        }
    }
    run_page(c, 422, 1, problem, 0);
}

/* The ids of the participations ticked as attended_ID in the posted form,
** among v's participants, into an arena array; *n their count. */
static int64_t *attended_read(web_ctx *c, const run_view *v, size_t *n) {
    int64_t *ids = arena_zalloc(c->arena, (v->nparts ? v->nparts : 1) * sizeof *ids);
    *n = 0;
    for (size_t p = 0; p < v->nparts; p++) {
        char name[48];
        snprintf(name, sizeof name, "attended_%lld", (long long)v->parts[p].id);
        if (web_request_form(c->req, name)) ids[(*n)++] = v->parts[p].id;
    }
    return ids;
}

/*
** WEBPAGE: POST /intervention-runs/{id}/sessions
** ACCESS:  staff
** BODY:    form
**
** Fields held (YYYY-MM-DD), minutes and attended_ID (one per participant
** ticked): record a session, for the run's deliverer only; 303 back, or the
** page again (422) with the error beside its field.
*/
void page_intervention_run_session(web_ctx *c) {
    cairn_err err = {0};
    run_view *v = page_keep(c, xcalloc(1, sizeof *v));
    if (!run_read(c, v, 0)) return;
    if (v->sight != IV_SEE_ALL) {
        page_refuse(c, "Only the deliverer of a run records its sessions.");
        return;
    }
    size_t n = 0;
    int64_t *ids = attended_read(c, v, &n);
    intervention_problem problem = IV_OK;
    int field = 0;
    int rc = intervention_session_record(c->st, c->who->institution_id, c->who->account_id, c->id,
                                         web_request_form(c->req, "held"),
                                         web_request_form(c->req, "minutes"), ids, n, NULL,
                                         &problem, &field, &err);
    if (rc < 0) page_fail(c, "session record", err.msg);
    else if (rc > 0) run_page(c, 422, 2, problem, field);
    else web_redirect(c->res, arena_printf(c->arena, "/intervention-runs/%lld?done=recorded",
                                           (long long)c->id));
}

/* One participant (visible to the viewer) as JSON. */
static json_t *participant_json(const intervention_participant *p, const intervention_effect *e,
                                int weeks) {
    static const char *const codes[IE_COUNT] = {"attendance", "results", "engagement"};
    json_t *ind = json_object();
    for (int k = 0; k < IE_COUNT; k++) {
        json_t *pair = json_pack("{s:o,s:o}",
            "before", e->measurable && !isnan(e->before[k]) ? json_real(e->before[k]) : json_null(),
            "after", e->measurable && !isnan(e->after[k]) ? json_real(e->after[k]) : json_null());
        json_object_set_new(ind, codes[k], pair);
    }
    (void)weeks;
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:I,s:b,s:o}", "id", (json_int_t)p->id,
                     "learner_id", (json_int_t)p->learner_id, "ref", p->ref,
                     "given_name", p->given_name, "family_name", p->family_name,
                     "joined", api_json_day(p->joined),
                     "case_id", p->case_id ? json_integer(p->case_id) : json_null(),
                     "sessions_attended", (json_int_t)p->attended, "measurable", e->measurable,
                     "indicators", ind);
}

/*
** WEBPAGE: GET /api/v1/intervention-runs/{id}
** ACCESS:  staff
** BODY:    none
**
** The run as JSON: the run, the participants the viewer may see (none for
** a leader with no other relationship), the sessions (dates, minutes,
** attended counts) and the suppressed effect.  404 without a relationship.
*/
void api_intervention_run(web_ctx *c) {
    run_view *v = page_keep(c, xcalloc(1, sizeof *v));
    if (!run_read(c, v, 1)) return;
    json_t *parts = json_array(), *sessions = json_array();
    for (size_t i = 0; i < v->nparts; i++)
        if (iv_participant_visible(c->who, &v->run, &v->parts[i]))
            json_array_append_new(parts, participant_json(&v->parts[i], &v->effect[i],
                                                          v->run.duration_weeks));
    for (size_t s = 0; s < v->nsessions; s++)
        json_array_append_new(sessions, json_pack("{s:I,s:o,s:i,s:o}",
            "id", (json_int_t)v->sessions[s].id, "held", api_json_day(v->sessions[s].held),
            "minutes", v->sessions[s].minutes,
            "attended", v->sight == IV_SEE_AGGREGATE ? json_null()
                                                     : json_integer(v->sessions[s].present)));
    json_t *out = iv_run_json(&v->run);
    if (v->sight == IV_SEE_AGGREGATE) json_object_del(out, "participants");
    json_object_set_new(out, "participant_rows", parts);
    json_object_set_new(out, "sessions", sessions);
    json_object_set_new(out, "effect", iv_effect_json(&v->sum, v->run.duration_weeks));
    api_reply(c, 200, out);
}

/*
** WEBPAGE: POST /api/v1/intervention-runs/{id}/sessions
** ACCESS:  staff
** BODY:    json
**
** Record a session, for the run's deliverer: {"held": "YYYY-MM-DD",
** "minutes": n, "attended": [participation ids]} -> 201 with the session;
** 404 without a relationship to the run, 403 for one who does not deliver
** it, 422 for a refused value (a day that has its session, minutes out of
** range, an id that is not a participant).
*/
void api_intervention_run_session(web_ctx *c) {
    static const char *const fields[] = {"held", "minutes", "attended"};
    cairn_err err = {0};
    json_t *body = api_body_object(c, fields, 3);
    if (!body) return;
    run_view *v = page_keep(c, xcalloc(1, sizeof *v));
    if (!run_read(c, v, 1)) { json_decref(body); return; }
    if (v->sight != IV_SEE_ALL) {
        json_decref(body);
        api_refuse(c, "Only the deliverer of a run records its sessions.");
        return;
    }
    json_t *held = json_object_get(body, "held"), *mins = json_object_get(body, "minutes"),
           *att = json_object_get(body, "attended");
    if (!json_is_string(held) || !json_is_integer(mins) || (att && !json_is_array(att))) {
        json_decref(body);
        api_bad_request(c, "held must be a date string, minutes a number, attended an array of "
                           "participation ids.");
        return;
    }
    size_t n = att ? json_array_size(att) : 0, i;
    int64_t *ids = arena_zalloc(c->arena, (n ? n : 1) * sizeof *ids);
    json_t *x;
    if (att) json_array_foreach(att, i, x) ids[i] = json_is_integer(x) ? json_integer_value(x) : 0;
    intervention_problem problem = IV_OK;
    int field = 0;
    int64_t sid = 0;
    long long mval = (long long)json_integer_value(mins);
    const char *minutes = arena_printf(c->arena, "%lld", mval);
    int rc = intervention_session_record(c->st, c->who->institution_id, c->who->account_id, c->id,
                                         json_string_value(held), minutes, ids, n, &sid, &problem,
                                         &field, &err);
    const char *held_text = arena_strdup(c->arena, json_string_value(held));
    json_decref(body);
    if (rc < 0) { api_fail(c, "session record", err.msg); return; }
    if (rc > 0) {
        static const char *const names[] = {"held", "minutes", "attended"};
        web_error_json(c->res, 422, "unprocessable",
                       arena_printf(c->arena, "%s: %s.", names[field < 3 ? field : 0],
                                    intervention_problem_text(problem)));
        return;
    }
    c->res->location = arena_printf(c->arena, "/api/v1/intervention-runs/%lld", (long long)c->id);
    api_reply(c, 201, json_pack("{s:I,s:I,s:s,s:I,s:I}", "id", (json_int_t)sid, "run_id",
                                (json_int_t)c->id, "held", held_text, "minutes", (json_int_t)mval,
                                "attended", (json_int_t)n));
}
