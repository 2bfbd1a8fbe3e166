/*
** web/support/intervention_entry.c — one catalogue entry: what it is, its
** measured effect over every participant (suppressed), its runs, and the
** form to start one (GET /interventions/{id}, POST /interventions/{id}/runs,
** GET /api/v1/interventions/{id}); rules in
** web/support/intervention_web.h.
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

/* The run form's fields: the run's (IV_R_*), then RUN_LEARNER, a first
** participant's reference (optional; the web room's, checked for access). */
#define RUN_LEARNER IV_R_COUNT
#define RUN_FIELDS (IV_R_COUNT + 1)
static const char *const run_ids[RUN_FIELDS] = {"run-mode", "run-label", "run-start",
                                                "run-deliverer", "run-learner"};
static const char *const run_names[RUN_FIELDS] = {"mode", "label", "start", "deliverer",
                                                  "learner"};

/* 1 if who may read the entry's effect: leaders, key workers, and those
** who deliver one of its runs. */
static int may_see_effect(const access_ctx *who, const intervention_run *runs, size_t n) {
    if (iv_is_leader(who) || (who->roles & ACCESS_ROLE_KEY_WORKER)) return 1;
    for (size_t i = 0; i < n; i++)
        if (who->staff_id && runs[i].deliverer_staff_id == who->staff_id) return 1;
    return 0;
}

/* The runs table: each run's label, mode, start, deliverer, sessions and
** participants (suppressed across runs); linked for whoever may open it. */
static void runs_table(web_ctx *c, const intervention_run *runs, size_t n) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char num[I18N_NUM_MAX], d[I18N_DATE_MAX];
    long long *count = page_keep(c, xcalloc(n + 1, sizeof *count));
    unsigned char *state = page_keep(c, xcalloc(n + 1, 1));
    long long total = 0;
    for (size_t i = 0; i < n; i++) total += count[i] = runs[i].participants;
    state[n] = SUPPRESS_UNPUBLISHED;
    suppress_one_way(count, n, total, METRIC_MIN_CELL, state);
    html_printf(b, "<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T"
                   "</th></tr></thead>\n<tbody>\n",
                T(L, "Run"), T(L, "Kind"), T(L, "Start"), T(L, "Delivered by"),
                T(L, "Sessions"), T(L, "Participants"));
    for (size_t i = 0; i < n; i++) {
        const intervention_run *r = &runs[i];
        const char *label = r->label[0] ? r->label : r->intervention_name;
        html_printf(b, "<tr><th scope=\"row\"><a href=\"/intervention-runs/%lld\">%T</a></th>"
                       "<td>%T</td><td>%T</td><td><bdi>%T</bdi></td><td class=\"num\">%T</td>"
                       "<td class=\"num\">",
                    (long long)r->id, label, iv_mode_name(L, r->mode),
                    i18n_format_date(L, r->start, d, sizeof d), r->deliverer_name,
                    i18n_format_int(L, r->sessions, num, sizeof num));
        if (suppress_withheld(state[i]))
            html_printf(b, T(L, "fewer than %T"),
                        i18n_format_int(L, METRIC_MIN_CELL, num, sizeof num));
        else html_printf(b, "%T", i18n_format_int(L, count[i], num, sizeof num));
        html_printf(b, "</td></tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* The form to start a run of entry e: values v[RUN_FIELDS] and problems
** prob[RUN_FIELDS] (NULL the first time; ?learner=REF then names the first
** participant and makes it an individual run). */
static int run_form(web_ctx *c, const intervention *e, const char *const v[RUN_FIELDS],
                    const intervention_problem *prob, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    intervention_staff *staff = NULL;
    size_t n = 0;
    if (intervention_deliverers(c->st, c->who->institution_id, &staff, &n, err) < 0) return -1;
    page_keep(c, staff);
    char errid[64], today[DATE_TEXT_LEN], self[32];
    date_format(date_today(), today);
    snprintf(self, sizeof self, "%lld", (long long)c->who->staff_id);
    const char *for_learner = prob ? v[RUN_LEARNER] : web_request_query(c->req, "learner");
    const char *mode = v[IV_R_MODE] ? v[IV_R_MODE] : for_learner && *for_learner ? "individual"
                                                                                : "group";
    const char *chosen = v[IV_R_DELIVERER] ? v[IV_R_DELIVERER] : self;
    html_printf(b, "<h2 id=\"h-start\">%T</h2>\n", T(L, "Start a run"));
    if (prob)
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus><p>%T</p></div>\n",
                    T(L, "The run was not started. Correct the fields marked below."));
    html_printf(b, "<form method=\"post\" action=\"/interventions/%lld/runs\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
                (long long)e->id, c->req->session ? c->req->session->csrf : "");
    for (int f = 0; f < RUN_FIELDS; f++) {
        static const char *const labels[RUN_FIELDS] = {
            N_("Group or individual"), N_("Name of the group (optional)"),
            N_("Start date (YYYY-MM-DD)"), N_("Delivered by"),
            N_("A learner's reference (optional: the first participant)")};
        snprintf(errid, sizeof errid, "%s-error", run_ids[f]);
        int bad = prob && prob[f] != IV_OK;
        html_printf(b, "<p><label for=\"%A\">%T</label></p>\n", run_ids[f], T(L, labels[f]));
        if (bad) iv_field_error(b, L, errid, prob[f]);
        if (f == IV_R_MODE) {
            html_printf(b, "<p><select id=\"run-mode\" name=\"mode\">\n"
                           "<option value=\"group\"%T>%T</option>\n"
                           "<option value=\"individual\"%T>%T</option>\n</select></p>\n",
                        strcmp(mode, "individual") ? " selected" : "", T(L, "Group"),
                        strcmp(mode, "individual") ? "" : " selected", T(L, "Individual"));
        } else if (f == IV_R_DELIVERER) {
            html_printf(b, "<p><select id=\"run-deliverer\" name=\"deliverer\" required>\n");
            for (size_t i = 0; i < n; i++) {
                char id[32];
                snprintf(id, sizeof id, "%lld", (long long)staff[i].id);
                html_printf(b, !strcmp(id, chosen) ? "<option value=\"%A\" selected>%T"
                                                   : "<option value=\"%A\">%T",
                            id, staff[i].name);
                if (staff[i].job_title[0]) html_printf(b, " (%T)", staff[i].job_title);
                html_printf(b, "</option>\n");
            }
            html_printf(b, "</select></p>\n");
        } else {
            const char *val = f == RUN_LEARNER ? (for_learner ? for_learner : "")
                             : v[f] ? v[f] : f == IV_R_START ? today : "";
            html_printf(b, f == IV_R_START
                               ? "<p><input type=\"date\" id=\"%A\" name=\"%A\" value=\"%A\" required"
                               : "<p><input type=\"text\" id=\"%A\" name=\"%A\" value=\"%A\"",
                        run_ids[f], run_names[f], val);
            if (bad) html_printf(b, " aria-describedby=\"%A\" aria-invalid=\"true\"", errid);
            html_printf(b, "></p>\n");
        }
    }
    html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n", T(L, "Start the run"));
    return 0;
}

/* The entry page with status, a refused run form's values and problems
** (NULL, NULL for none). */
static void entry_page(web_ctx *c, int status, const char *const *rv,
                       const intervention_problem *rprob) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id;
    intervention *e = page_keep(c, xcalloc(1, sizeof *e));
    int found = intervention_get(c->st, inst, c->id, e, &err);
    if (found < 0) { page_fail(c, "intervention", err.msg); return; }
    if (!found) {
        page_not_found(c, "Intervention not found", "There is no intervention with this number.");
        return;
    }
    intervention_run *runs = NULL;
    size_t nr = 0;
    if (intervention_runs_of(c->st, inst, e->id, &runs, &nr, &err) < 0) {
        page_fail(c, "intervention runs", err.msg);
        return;
    }
    page_keep(c, runs);
    intervention_effect_summary *sum = page_keep(c, xcalloc(1, sizeof *sum));
    int effect = may_see_effect(c->who, runs, nr);
    if (effect && intervention_effect_of(c->st, inst, e->id, date_today(), sum, &err) < 0) {
        page_fail(c, "intervention effect", err.msg);
        return;
    }
    buf *b = c->b;
    char num[I18N_NUM_MAX];
    page_begin(c, e->name);
    const char *done = web_request_query(c->req, "done");
    if (done && !strcmp(done, "saved"))
        html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n", T(L, "The intervention was saved."));
    html_printf(b, "<h1>%T</h1>\n<dl>\n<dt>%T</dt><dd>%T</dd>\n<dt>%T</dt><dd>",
                e->name, T(L, "Tier"), iv_tier_name(L, e->tier), T(L, "Needs it answers"));
    iv_needs_text(b, L, e->needs);
    html_printf(b, "</dd>\n<dt>%T</dt><dd>%T</dd>\n<dt>%T</dt><dd>%T</dd>\n<dt>%T</dt><dd>%T</dd>\n"
                   "<dt>%T</dt><dd>%T</dd>\n<dt>%T</dt><dd>%T</dd>\n</dl>\n",
                T(L, "Dosage"), e->dosage, T(L, "Duration in weeks"),
                i18n_format_int(L, e->duration_weeks, num, sizeof num), T(L, "Who delivers it"),
                e->delivered_by, T(L, "Evidence level"), iv_evidence_name(L, e->evidence_level),
                T(L, "Evidence"), e->evidence_source);
    if (iv_may_edit_catalogue(c->who))
        html_printf(b, "<p><a href=\"/interventions/%lld/edit\">%T</a></p>\n", (long long)e->id,
                    T(L, "Edit this intervention"));
    if (effect) {
        html_printf(b, "<section aria-labelledby=\"h-effect\">\n<h2 id=\"h-effect\">%T</h2>\n",
                    T(L, "Measured effect, every run"));
        iv_effect_table(b, L, sum, e->duration_weeks);
        html_printf(b, "</section>\n");
    }
    html_printf(b, "<section aria-labelledby=\"h-runs\">\n<h2 id=\"h-runs\">%T</h2>\n",
                T(L, "Runs"));
    if (nr == 0) html_printf(b, "<p>%T</p>\n", T(L, "This intervention has not been run yet."));
    else runs_table(c, runs, nr);
    html_printf(b, "</section>\n");
    if (iv_may_start_run(c->who)) {
        const char *none[RUN_FIELDS] = {0};
        if (run_form(c, e, rv ? rv : none, rprob, &err) < 0) {
            page_fail(c, "deliverers", err.msg);
            return;
        }
    }
    page_end(c);
    c->res->status = status;
}

/*
** WEBPAGE: GET /interventions/{id}
** ACCESS:  staff
** BODY:    none
**
** One entry of the catalogue: what it is and its evidence, its measured
** effect over every participant (leaders, key workers and its deliverers;
** small groups withheld), its runs, and the form to start one.
*/
void page_intervention(web_ctx *c) {
    entry_page(c, 200, NULL, NULL);
}

/*
** WEBPAGE: POST /interventions/{id}/runs
** ACCESS:  administrator school_leader key_worker
** BODY:    form
**
** Start a run of entry {id}, with a first participant when the field
** learner names one the viewer may see: 303 to the run's page, or the entry
** page again (422) with the errors beside the fields.
*/
void page_intervention_run_start(web_ctx *c) {
    cairn_err err = {0};
    if (!iv_may_start_run(c->who)) {
        page_refuse(c, "You may not start a run of an intervention.");
        return;
    }
    const char **v = arena_zalloc(c->arena, RUN_FIELDS * sizeof *v);
    intervention_problem *prob = arena_zalloc(c->arena, RUN_FIELDS * sizeof *prob);
    for (int f = 0; f < RUN_FIELDS; f++) v[f] = web_request_form(c->req, run_names[f]);
    /* a first participant: one the viewer may see, or refused as unknown */
    const char *ref = v[RUN_LEARNER];
    if (ref && *ref) {
        int64_t learner = 0;
        int may = 0;
        if (intervention_learner_by_ref(c->st, c->who->institution_id, ref, &learner, &err) < 0 ||
            (learner && (may = access_can_view_learner(c->who, learner, &err)) < 0)) {
            page_fail(c, "learner", err.msg);
            return;
        }
        if (!may) {
            prob[RUN_LEARNER] = IV_UNKNOWN;
            entry_page(c, 422, v, prob);
            return;
        }
    }
    int64_t run = 0;
    intervention_problem joined = IV_OK;
    int rc = intervention_run_start(c->st, c->who->institution_id, c->who->account_id, c->id, v,
                                    &run, prob, &err);
    if (rc == 0 && ref && *ref &&
        intervention_participant_add(c->st, c->who->institution_id, c->who->account_id, run, ref,
                                     NULL, 0, NULL, &joined, &err) < 0)
        rc = -1;
    if (rc < 0 && err.code == CAIRN_ENOTFOUND)
        page_not_found(c, "Intervention not found", "There is no intervention with this number.");
    else if (rc < 0) page_fail(c, "run start", err.msg);
    else if (rc > 0) entry_page(c, 422, v, prob);
    else web_redirect(c->res, arena_printf(c->arena, "/intervention-runs/%lld?done=started",
                                           (long long)run));
}

/*
** WEBPAGE: GET /api/v1/interventions/{id}
** ACCESS:  staff
** BODY:    none
**
** One entry as JSON with its runs and, for leaders, key workers and its
** deliverers, its suppressed effect ("effect": null for others).
*/
void api_intervention(web_ctx *c) {
    cairn_err err = {0};
    int64_t inst = c->who->institution_id;
    intervention *e = page_keep(c, xcalloc(1, sizeof *e));
    int found = intervention_get(c->st, inst, c->id, e, &err);
    if (found < 0) { api_fail(c, "intervention", err.msg); return; }
    if (!found) { api_not_found(c, "There is no intervention with this number."); return; }
    intervention_run *runs = NULL;
    size_t nr = 0;
    if (intervention_runs_of(c->st, inst, e->id, &runs, &nr, &err) < 0) {
        api_fail(c, "intervention runs", err.msg);
        return;
    }
    page_keep(c, runs);
    json_t *effect = json_null();
    if (may_see_effect(c->who, runs, nr)) {
        intervention_effect_summary sum;
        if (intervention_effect_of(c->st, inst, e->id, date_today(), &sum, &err) < 0) {
            api_fail(c, "intervention effect", err.msg);
            return;
        }
        effect = iv_effect_json(&sum, e->duration_weeks);
    }
    json_t *list = json_array();
    for (size_t i = 0; i < nr; i++) {
        json_t *r = iv_run_json(&runs[i]);
        json_object_del(r, "participants");   /* counts per run: on the run's own answer */
        json_array_append_new(list, r);
    }
    json_t *out = iv_entry_json(e);
    json_object_set_new(out, "runs", list);
    json_object_set_new(out, "effect", effect);
    api_reply(c, 200, out);
}
