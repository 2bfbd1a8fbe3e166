/*
** web/support/intervention_catalogue.c — the intervention catalogue: the
** list (GET /interventions), adding (GET /interventions/new, POST
** /interventions) and editing (GET /interventions/{id}/edit, POST
** /interventions/{id}) an entry, and the list as JSON (GET
** /api/v1/interventions) — rules in web/support/intervention_web.h.
**
** The form works without JavaScript: a save that goes through answers 303
** to the entry's page (Post/Redirect/Get); refused input shows the form
** again with 422, an error summary at the top (focused, linking each
** field) and each error beside its field, nothing written.
*/
#include "web/support/intervention_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/i18n.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ids of the form's fields, by IV_F_*. */
static const char *const field_ids[IV_F_COUNT] = {
    "iv-name", "iv-tier", "iv-needs", "iv-dosage", "iv-duration", "iv-delivered-by",
    "iv-evidence-level", "iv-evidence-source"};

/* The labels of the form's fields, by IV_F_* (translated). */
static const char *field_label(const i18n_lang *L, int f) {
    switch (f) {
    case IV_F_NAME: return T(L, "Name");
    case IV_F_TIER: return T(L, "Tier");
    case IV_F_NEEDS: return T(L, "Needs it answers");
    case IV_F_DOSAGE: return T(L, "Dosage");
    case IV_F_DURATION: return T(L, "Duration in weeks (1 to 12)");
    case IV_F_DELIVERED_BY: return T(L, "Who delivers it");
    case IV_F_EVIDENCE_LEVEL: return T(L, "Evidence level");
    default: return T(L, "Evidence: the source and what it found");
    }
}

/* Open a field: its label, then its error (when refused); *described gets
** the aria-describedby text (the error id) or "". */
static void field_open(buf *b, const i18n_lang *L, int f, const intervention_problem *prob,
                       char *errid, size_t cap) {
    snprintf(errid, cap, "%s-error", field_ids[f]);
    html_printf(b, "<p><label for=\"%A\">%T</label></p>\n", field_ids[f], field_label(L, f));
    if (prob && prob[f] != IV_OK) iv_field_error(b, L, errid, prob[f]);
    else errid[0] = 0;
}

/* The attributes that tie an input to its error (none when errid is ""). */
static void field_aria(buf *b, const char *errid) {
    if (errid[0]) html_printf(b, " aria-describedby=\"%A\" aria-invalid=\"true\"", errid);
}

/* 1 if code is in the comma-separated list. */
static int in_list(const char *list, const char *code) {
    size_t n = strlen(code);
    for (const char *p = list ? list : ""; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !strncmp(p, code, n)) return 1;
        p += k;
        if (*p == ',') p++;
    }
    return 0;
}

/* Write the entry form posting to action with the raw values v[] and the
** problems prob[] (NULL for a first showing). */
static void entry_form(web_ctx *c, const char *action, const char *const v[IV_F_COUNT],
                       const intervention_problem *prob) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char errid[64], num[I18N_NUM_MAX];
    if (prob) {
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus><p>%T</p>\n<ul>\n",
                    T(L, "Nothing was saved. Correct these fields:"));
        for (int f = 0; f < IV_F_COUNT; f++)
            if (prob[f] != IV_OK)
                html_printf(b, "<li><a href=\"#%A\">%T</a></li>\n", field_ids[f],
                            field_label(L, f));
        html_printf(b, "</ul></div>\n");
    }
    html_printf(b, "<form method=\"post\" action=\"%A\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
                action, c->req->session ? c->req->session->csrf : "");
    field_open(b, L, IV_F_NAME, prob, errid, sizeof errid);
    html_printf(b, "<p><input type=\"text\" id=\"iv-name\" name=\"name\" required value=\"%A\"",
                v[IV_F_NAME] ? v[IV_F_NAME] : "");
    field_aria(b, errid);
    html_printf(b, "></p>\n");

    field_open(b, L, IV_F_TIER, prob, errid, sizeof errid);
    html_printf(b, "<p><select id=\"iv-tier\" name=\"tier\" required");
    field_aria(b, errid);
    html_printf(b, ">\n");
    for (int i = 0; i < INTERVENTION_TIERS; i++) {
        const char *code = intervention_tiers[i].code;
        html_printf(b, v[IV_F_TIER] && !strcmp(v[IV_F_TIER], code)
                           ? "<option value=\"%A\" selected>%T</option>\n"
                           : "<option value=\"%A\">%T</option>\n",
                    code, iv_tier_name(L, code));
    }
    html_printf(b, "</select></p>\n");

    snprintf(errid, sizeof errid, "%s-error", field_ids[IV_F_NEEDS]);
    html_printf(b, "<fieldset id=\"iv-needs\"");
    if (prob && prob[IV_F_NEEDS] != IV_OK) field_aria(b, errid);
    html_printf(b, "><legend>%T</legend>\n", field_label(L, IV_F_NEEDS));
    if (prob && prob[IV_F_NEEDS] != IV_OK) iv_field_error(b, L, errid, prob[IV_F_NEEDS]);
    for (int i = 0; i < SUPPORT_DOMAIN_COUNT; i++) {
        const char *code = support_domains[i].code;
        html_printf(b, in_list(v[IV_F_NEEDS], code)
                           ? "<label><input type=\"checkbox\" name=\"need_%A\" value=\"1\" checked> "
                             "%T</label><br>\n"
                           : "<label><input type=\"checkbox\" name=\"need_%A\" value=\"1\"> "
                             "%T</label><br>\n",
                    code, iv_domain_name(L, code));
    }
    html_printf(b, "</fieldset>\n");

    field_open(b, L, IV_F_DOSAGE, prob, errid, sizeof errid);
    html_printf(b, "<p><input type=\"text\" id=\"iv-dosage\" name=\"dosage\" required "
                   "value=\"%A\"", v[IV_F_DOSAGE] ? v[IV_F_DOSAGE] : "");
    field_aria(b, errid);
    html_printf(b, "></p>\n");

    field_open(b, L, IV_F_DURATION, prob, errid, sizeof errid);
    html_printf(b, "<p><input type=\"number\" id=\"iv-duration\" name=\"duration_weeks\" "
                   "min=\"1\" max=\"12\" value=\"%A\"",
                v[IV_F_DURATION] && *v[IV_F_DURATION]
                    ? v[IV_F_DURATION]
                    : (snprintf(num, sizeof num, "%d", INTERVENTION_WEEKS_DEFAULT), num));
    field_aria(b, errid);
    html_printf(b, "></p>\n");

    field_open(b, L, IV_F_DELIVERED_BY, prob, errid, sizeof errid);
    html_printf(b, "<p><input type=\"text\" id=\"iv-delivered-by\" name=\"delivered_by\" required "
                   "value=\"%A\"", v[IV_F_DELIVERED_BY] ? v[IV_F_DELIVERED_BY] : "");
    field_aria(b, errid);
    html_printf(b, "></p>\n");

    field_open(b, L, IV_F_EVIDENCE_LEVEL, prob, errid, sizeof errid);
    html_printf(b, "<p><select id=\"iv-evidence-level\" name=\"evidence_level\" required");
    field_aria(b, errid);
    html_printf(b, ">\n");
    for (int i = 0; i < INTERVENTION_EVIDENCE_LEVELS; i++) {
        const char *code = intervention_evidence_levels[i].code;
        html_printf(b, v[IV_F_EVIDENCE_LEVEL] && !strcmp(v[IV_F_EVIDENCE_LEVEL], code)
                           ? "<option value=\"%A\" selected>%T</option>\n"
                           : "<option value=\"%A\">%T</option>\n",
                    code, iv_evidence_name(L, code));
    }
    html_printf(b, "</select></p>\n");

    field_open(b, L, IV_F_EVIDENCE_SOURCE, prob, errid, sizeof errid);
    html_printf(b, "<p><textarea id=\"iv-evidence-source\" name=\"evidence_source\" rows=\"4\" "
                   "required");
    field_aria(b, errid);
    html_printf(b, ">%T</textarea></p>\n<p><button type=\"submit\">%T</button> "
                   "<a href=\"/interventions\">%T</a></p>\n</form>\n",
                v[IV_F_EVIDENCE_SOURCE] ? v[IV_F_EVIDENCE_SOURCE] : "", T(L, "Save"),
                T(L, "Cancel"));
}

/* The raw fields of the posted form into v[] (line breaks of the source
** become spaces; needs from the need_CODE boxes). */
static void form_read(web_ctx *c, const char *v[IV_F_COUNT]) {
    for (int f = 0; f < IV_F_COUNT; f++)
        v[f] = f == IV_F_NEEDS ? NULL : web_request_form(c->req, intervention_field_names[f]);
    if (v[IV_F_EVIDENCE_SOURCE]) {
        char *s = arena_strdup(c->arena, v[IV_F_EVIDENCE_SOURCE]);
        for (char *p = s; *p; p++)
            if (*p == '\r' || *p == '\n') *p = ' ';
        v[IV_F_EVIDENCE_SOURCE] = s;
    }
    buf needs = BUF_INIT;
    for (int i = 0; i < SUPPORT_DOMAIN_COUNT; i++) {
        char name[48];
        snprintf(name, sizeof name, "need_%s", support_domains[i].code);
        if (!web_request_form(c->req, name)) continue;
        if (needs.len) buf_putc(&needs, ',');   /* not HTML: a list of codes */
        buf_puts(&needs, support_domains[i].code);   /* not HTML: a list of codes */
    }
    v[IV_F_NEEDS] = arena_strdup(c->arena, buf_cstr(&needs));
    buf_free(&needs);
}

/* Save the posted form as entry id (0 = new) and answer. */
static void entry_post(web_ctx *c, int64_t id) {
    cairn_err err = {0};
    if (!iv_may_edit_catalogue(c->who)) {
        page_refuse(c, "Only administrators and school leaders may change the catalogue.");
        return;
    }
    const char *v[IV_F_COUNT];
    intervention_problem prob[IV_F_COUNT];
    int64_t saved = 0;
    form_read(c, v);
    int rc = intervention_save(c->st, c->who->institution_id, id, v, &saved, prob, &err);
    if (rc < 0 && err.code == CAIRN_ENOTFOUND) {
        page_not_found(c, "Intervention not found", "There is no intervention with this number.");
    } else if (rc < 0) {
        page_fail(c, "intervention save", err.msg);
    } else if (rc > 0) {
        const char *title = id ? T(c->L, "Edit an intervention") : T(c->L, "Add an intervention");
        page_begin(c, title);
        html_printf(c->b, "<h1>%T</h1>\n", title);
        entry_form(c, id ? arena_printf(c->arena, "/interventions/%lld", (long long)id)
                         : "/interventions", v, prob);
        page_end(c);
        c->res->status = 422;
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/interventions/%lld?done=saved",
                                          (long long)saved));
    }
}

/*
** WEBPAGE: GET /interventions
** ACCESS:  staff
** BODY:    none
** NAV:     50 Interventions
**
** The catalogue (the starter entries written the first time): tier, needs,
** duration, who delivers it, evidence; how many participants each has had
** and, for leaders and key workers, the measured change in attendance
** (small groups withheld, base/suppress.h).
*/
void page_interventions(web_ctx *c) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id;
    intervention *rows = NULL;
    size_t n = 0;
    if (intervention_starter_ensure(c->st, inst, NULL, &err) < 0 ||
        intervention_list(c->st, inst, &rows, &n, &err) < 0) {
        page_fail(c, "interventions", err.msg);
        return;
    }
    page_keep(c, rows);
    long long *count = page_keep(c, xcalloc(n + 1, sizeof *count));
    unsigned char *state = page_keep(c, xcalloc(n + 1, 1));
    for (size_t i = 0; i < n; i++) count[i] = rows[i].participants;
    state[n] = SUPPRESS_UNPUBLISHED;
    long long total = 0;
    for (size_t i = 0; i < n; i++) total += count[i];
    suppress_one_way(count, n, total, METRIC_MIN_CELL, state);
    /* leaders and key workers: each entry's measured change in attendance */
    int effect = iv_is_leader(c->who) || (c->who->roles & ACCESS_ROLE_KEY_WORKER);
    intervention_effect_summary *sum = page_keep(c, xcalloc(n + 1, sizeof *sum));
    for (size_t i = 0; effect && i < n; i++)
        if (rows[i].participants &&
            intervention_effect_of(c->st, inst, rows[i].id, date_today(), &sum[i], &err) < 0) {
            page_fail(c, "intervention effect", err.msg);
            return;
        }
    buf *b = c->b;
    char num[I18N_NUM_MAX];
    page_begin_list(c, T(L, "Interventions"));
    html_printf(b, "<h1>%T</h1>\n<p>%T</p>\n", T(L, "Interventions"),
                T(L, "What the school offers in three tiers: universal for every learner, "
                     "selective for learners at risk, individual for one learner who needs "
                     "intensive support."));
    if (iv_may_edit_catalogue(c->who))
        html_printf(b, "<p><a href=\"/interventions/new\">%T</a></p>\n",
                    T(L, "Add an intervention"));
    const char *learner = web_request_query(c->req, "learner");   /* starting one for them */
    if (learner && !*learner) learner = NULL;
    if (learner) {
        html_printf(b, "<p class=\"notice\" role=\"status\">");
        html_printf(b, T(L, "Choose the intervention for the learner <bdi>%T</bdi>."), learner);
        html_printf(b, "</p>\n");
    }
    html_printf(b, "<table id=\"list\" tabindex=\"-1\">\n<thead><tr><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th>",
                T(L, "Intervention"), T(L, "Tier"), T(L, "Needs it answers"), T(L, "Weeks"),
                T(L, "Evidence level"), T(L, "Participants so far"));
    if (effect)
        html_printf(b, "<th scope=\"col\" class=\"num\">%T</th>",
                    T(L, "Change in attendance, measured"));
    html_printf(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const intervention *e = &rows[i];
        if (learner)
            html_printf(b, "<tr><th scope=\"row\"><a href=\"/interventions/%lld?learner=%U#h-start\">"
                           "%T</a></th><td>%T</td><td>", (long long)e->id, learner, e->name,
                        iv_tier_name(L, e->tier));
        else
            html_printf(b, "<tr><th scope=\"row\"><a href=\"/interventions/%lld\">%T</a></th>"
                           "<td>%T</td><td>", (long long)e->id, e->name, iv_tier_name(L, e->tier));
        iv_needs_text(b, L, e->needs);
        html_printf(b, "</td><td class=\"num\">%T</td><td>%T</td><td class=\"num\">",
                    i18n_format_int(L, e->duration_weeks, num, sizeof num),
                    iv_evidence_name(L, e->evidence_level));
        if (suppress_withheld(state[i]))
            html_printf(b, T(L, "fewer than %T"),
                        i18n_format_int(L, METRIC_MIN_CELL, num, sizeof num));
        else html_printf(b, "%T", i18n_format_int(L, count[i], num, sizeof num));
        html_printf(b, "</td>");
        if (effect) {
            const intervention_effect_summary *x = &sum[i];
            char m[I18N_NUM_MAX];
            html_printf(b, "<td class=\"num\">");
            if (!rows[i].participants || suppress_withheld(x->state[IE_ATTENDANCE]))
                html_printf(b, "%T", T(L, "not shown"));
            else
                html_printf(b, T(L, "%T%T points (n = %T)"),
                            x->mean_change[IE_ATTENDANCE] > 0.05 ? "+" : "",
                            i18n_format_number(L, x->mean_change[IE_ATTENDANCE], 1, m, sizeof m),
                            i18n_format_int(L, x->measured[IE_ATTENDANCE], num, sizeof num));
            html_printf(b, "</td>");
        }
        html_printf(b, "</tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
    if (effect)
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    T(L, "The change in attendance is each participant's own rate on the last day "
                         "of the intervention minus the day before they joined, averaged; it is "
                         "not shown for fewer than 10 learners."));
    page_end(c);
}

/*
** WEBPAGE: GET /interventions/new
** ACCESS:  administrator school_leader
** BODY:    none
**
** The form to add an entry to the catalogue.
*/
void page_intervention_new(web_ctx *c) {
    const char *v[IV_F_COUNT] = {0};
    page_begin(c, T(c->L, "Add an intervention"));
    html_printf(c->b, "<h1>%T</h1>\n", T(c->L, "Add an intervention"));
    entry_form(c, "/interventions", v, NULL);
    page_end(c);
}

/*
** WEBPAGE: POST /interventions
** ACCESS:  administrator school_leader
** BODY:    form
**
** Add an entry: 303 to its page, or the form again (422) with the errors.
*/
void page_intervention_create(web_ctx *c) {
    entry_post(c, 0);
}

/*
** WEBPAGE: GET /interventions/{id}/edit
** ACCESS:  administrator school_leader
** BODY:    none
**
** The form to change entry {id}.
*/
void page_intervention_edit(web_ctx *c) {
    cairn_err err = {0};
    intervention *e = page_keep(c, xcalloc(1, sizeof *e));
    int found = intervention_get(c->st, c->who->institution_id, c->id, e, &err);
    if (found < 0) { page_fail(c, "intervention", err.msg); return; }
    if (!found) {
        page_not_found(c, "Intervention not found", "There is no intervention with this number.");
        return;
    }
    const char *v[IV_F_COUNT] = {e->name, e->tier, e->needs, e->dosage,
                                 arena_printf(c->arena, "%d", e->duration_weeks),
                                 e->delivered_by, e->evidence_level, e->evidence_source};
    page_begin(c, T(c->L, "Edit an intervention"));
    html_printf(c->b, "<h1>%T</h1>\n", T(c->L, "Edit an intervention"));
    entry_form(c, arena_printf(c->arena, "/interventions/%lld", (long long)c->id), v, NULL);
    page_end(c);
}

/*
** WEBPAGE: POST /interventions/{id}
** ACCESS:  administrator school_leader
** BODY:    form
**
** Change entry {id}: 303 to its page, or the form again (422).
*/
void page_intervention_update(web_ctx *c) {
    entry_post(c, c->id);
}

/*
** WEBPAGE: GET /api/v1/interventions
** ACCESS:  staff
** BODY:    none
**
** The catalogue as JSON: {"interventions": [entry ...]}.
*/
void api_interventions(web_ctx *c) {
    cairn_err err = {0};
    intervention *rows = NULL;
    size_t n = 0;
    if (intervention_starter_ensure(c->st, c->who->institution_id, NULL, &err) < 0 ||
        intervention_list(c->st, c->who->institution_id, &rows, &n, &err) < 0) {
        api_fail(c, "interventions", err.msg);
        return;
    }
    page_keep(c, rows);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(list, iv_entry_json(&rows[i]));
    api_reply(c, 200, json_pack("{s:o}", "interventions", list));
}

/* The text of member name of body for a field: a string as it is, a
** number as decimal text, an array of strings (needs) comma-separated;
** NULL when absent or of another type (then *bad is set). */
static const char *body_field(web_ctx *c, json_t *body, const char *name, int *bad) {
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v)) return NULL;
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) return arena_printf(c->arena, "%lld", (long long)json_integer_value(v));
    if (json_is_array(v)) {
        buf list = BUF_INIT;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_string(x)) { *bad = 1; break; }
            if (list.len) buf_putc(&list, ',');           /* not HTML: a list of codes */
            buf_puts(&list, json_string_value(x));        /* not HTML: a list of codes */
        }
        const char *out = arena_strdup(c->arena, buf_cstr(&list));
        buf_free(&list);
        return out;
    }
    *bad = 1;
    return NULL;
}

/*
** WEBPAGE: POST /api/v1/interventions
** ACCESS:  administrator school_leader
** BODY:    json
**
** Add a catalogue entry: {"name", "tier", "needs": [codes], "dosage",
** "duration_weeks", "delivered_by", "evidence_level", "evidence_source"}
** -> 201 with the entry; 415 without JSON, 400 for a malformed body, 422
** naming each refused field; nothing written unless it succeeds.
*/
void api_intervention_create(web_ctx *c) {
    cairn_err err = {0};
    json_t *body = api_body_object(c, intervention_field_names, IV_F_COUNT);
    if (!body) return;
    const char *v[IV_F_COUNT];
    int bad = 0;
    for (int f = 0; f < IV_F_COUNT; f++) v[f] = body_field(c, body, intervention_field_names[f], &bad);
    if (bad) {
        json_decref(body);
        api_bad_request(c, "A field has the wrong type: texts are strings, needs an array of "
                           "strings, duration_weeks a number.");
        return;
    }
    intervention_problem prob[IV_F_COUNT];
    int64_t id = 0;
    int rc = intervention_save(c->st, c->who->institution_id, 0, v, &id, prob, &err);
    json_decref(body);
    if (rc < 0) {
        api_fail(c, "intervention save", err.msg);
        return;
    }
    if (rc > 0) {
        buf msg = BUF_INIT;
        for (int f = 0; f < IV_F_COUNT; f++)
            if (prob[f] != IV_OK)
                buf_printf(&msg, "%s%s: %s", msg.len ? "; " : "", intervention_field_names[f],
                           intervention_problem_text(prob[f]));   /* not HTML: JSON text */
        web_error_json(c->res, 422, "unprocessable", arena_printf(c->arena, "%s.", buf_cstr(&msg)));
        buf_free(&msg);
        return;
    }
    intervention *e = page_keep(c, xcalloc(1, sizeof *e));
    if (intervention_get(c->st, c->who->institution_id, id, e, &err) <= 0) {
        api_fail(c, "intervention", err.msg);
        return;
    }
    c->res->location = arena_printf(c->arena, "/api/v1/interventions/%lld", (long long)id);
    api_reply(c, 201, iv_entry_json(e));
}
