/*
** web/support/intervention_web.c — the access rules of interventions and
** what their pages share (see web/support/intervention_web.h).
*/
#include "web/support/intervention_web.h"
#include "base/suppress.h"
#include "support/case.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include <math.h>
#include <string.h>

/* Administrator or school leader (see intervention_web.h). */
int iv_is_leader(const access_ctx *who) {
    return who && !who->disabled &&
           (who->roles & (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER)) != 0;
}

/* May edit the catalogue (see intervention_web.h). */
int iv_may_edit_catalogue(const access_ctx *who) {
    return iv_is_leader(who);
}

/* May start a run (see intervention_web.h). */
int iv_may_start_run(const access_ctx *who) {
    return iv_is_leader(who) ||
           (who && !who->disabled && (who->roles & ACCESS_ROLE_KEY_WORKER) && who->staff_id);
}

/* The deliverer of r (see intervention_web.h). */
static int is_deliverer(const access_ctx *who, const intervention_run *r) {
    return who && !who->disabled && who->staff_id && who->staff_id == r->deliverer_staff_id;
}

/* May see p's row (see intervention_web.h): the deliverer, the learner's
** key worker, and the key worker and team of the case the learner joined
** with (p->case_id, through access_case_relation; key worker and team
** member accounts: not a teacher on the team, not a leader's bit alone). */
int iv_participant_visible(const access_ctx *who, const intervention_run *r,
                           const intervention_participant *p) {
    if (is_deliverer(who, r)) return 1;
    if (!who || who->disabled || !who->staff_id) return 0;
    if ((who->roles & ACCESS_ROLE_KEY_WORKER) && p->key_worker_staff_id == who->staff_id)
        return 1;
    /* through the case: its key worker and its multi-professional team; a
    ** teacher on the team sees what concerns their teaching, not this */
    if (!p->case_id || !(who->roles & (ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEAM_MEMBER)))
        return 0;
    cairn_err err = {0};
    unsigned rel = 0;
    if (access_case_relation(who, p->case_id, &rel, &err) < 0) return 0;   /* fail closed */
    return (rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)) != 0;
}

/* What who sees of r (see intervention_web.h). */
iv_sight iv_run_sight(const access_ctx *who, const intervention_run *r,
                      const intervention_participant *parts, size_t n) {
    if (!who || who->disabled) return IV_SEE_NONE;
    if (is_deliverer(who, r)) return IV_SEE_ALL;
    for (size_t i = 0; i < n; i++)
        if (iv_participant_visible(who, r, &parts[i])) return IV_SEE_SOME;
    /* leaders read the aggregate; a key worker too, so that they can add a
    ** learner of their caseload to a run they have no one in yet */
    return iv_is_leader(who) || (who->roles & ACCESS_ROLE_KEY_WORKER) ? IV_SEE_AGGREGATE
                                                                       : IV_SEE_NONE;
}

/* The translated name of a tier (see intervention_web.h). */
const char *iv_tier_name(const i18n_lang *L, const char *code) {
    if (!code) return "";
    if (!strcmp(code, "universal")) return T(L, "Universal (every learner)");
    if (!strcmp(code, "selective")) return T(L, "Selective (learners at risk)");
    if (!strcmp(code, "individual")) return T(L, "Individual (one learner, intensive)");
    return code;
}

/* The translated name of an evidence level (see intervention_web.h). */
const char *iv_evidence_name(const i18n_lang *L, const char *code) {
    if (!code) return "";
    if (!strcmp(code, "strong")) return T(L, "Strong: well-run randomised trials or meta-analyses");
    if (!strcmp(code, "moderate")) return T(L, "Moderate: at least one controlled study");
    if (!strcmp(code, "promising")) return T(L, "Promising: correlational or mixed evidence");
    if (!strcmp(code, "rationale"))
        return T(L, "A rationale only: theory and experience, no outcome studies");
    return code;
}

/* "Group" or "Individual", translated (see intervention_web.h). */
const char *iv_mode_name(const i18n_lang *L, const char *code) {
    return code && !strcmp(code, "individual") ? T(L, "Individual") : T(L, "Group");
}

/* The translated name of a life domain (see intervention_web.h). */
const char *iv_domain_name(const i18n_lang *L, const char *code) {
    return T(L, support_domain_name_of(code));
}

/* A needs list as translated names (see intervention_web.h). */
void iv_needs_text(buf *b, const i18n_lang *L, const char *needs) {
    int first = 1;
    for (const char *p = needs ? needs : ""; *p;) {
        size_t n = strcspn(p, ",");
        char code[32];
        if (n < sizeof code) {
            memcpy(code, p, n);
            code[n] = 0;
            html_printf(b, first ? "%T" : ", %T", iv_domain_name(L, code));
            first = 0;
        }
        p += n;
        if (*p == ',') p++;
    }
}

/* An effect indicator's translated name (see intervention_web.h). */
const char *iv_effect_name(const i18n_lang *L, int indicator, int duration_weeks) {
    switch (intervention_effect_feature(indicator, duration_weeks)) {
    case RF_ATT_RATE_2W: return T(L, "Attendance rate, last 2 weeks");
    case RF_ATT_RATE_4W: return T(L, "Attendance rate, last 4 weeks");
    case RF_ATT_RATE_8W: return T(L, "Attendance rate, last 8 weeks");
    case RF_SCORE_AVG_TERM: return T(L, "Average score this term");
    default: return T(L, "Days active on the learning platform, last 4 weeks");
    }
}

/* The error beside a field (see intervention_web.h). */
void iv_field_error(buf *b, const i18n_lang *L, const char *id, intervention_problem p) {
    const char *msg = "";
    switch (p) {
    case IV_OK: return;
    case IV_MISSING: msg = T(L, "Fill this in."); break;
    case IV_TOO_LONG: msg = T(L, "This is too long. Shorten it."); break;
    case IV_BAD_TEXT:
        msg = T(L, "This holds characters that cannot be stored (control characters or "
                   "broken text). Please type it again.");
        break;
    case IV_BAD_CHOICE: msg = T(L, "Choose one of the options offered."); break;
    case IV_OUT_OF_RANGE: msg = T(L, "Give a whole number in the range shown."); break;
    case IV_TAKEN: msg = T(L, "Another intervention of the catalogue has this name."); break;
    case IV_BAD_DATE: msg = T(L, "Give a real date, written YYYY-MM-DD."); break;
    case IV_UNKNOWN: msg = T(L, "There is nobody with this reference here."); break;
    case IV_ALREADY: msg = T(L, "This is recorded already."); break;
    }
    html_printf(b, "<p class=\"field-error\" id=\"%A\" role=\"alert\">%T</p>\n", id, msg);
}

static const char *const effect_codes[IE_COUNT] = {"attendance", "results", "engagement"};

/* The effect table (see intervention_web.h). */
void iv_effect_table(buf *b, const i18n_lang *L, const intervention_effect_summary *s,
                     int duration_weeks) {
    char num[I18N_NUM_MAX], m[I18N_NUM_MAX];
    html_printf(b, "<table class=\"data\">\n<caption>");
    if (suppress_withheld(s->participants_state))
        html_printf(b, "%T", T(L, "Participants measured: not shown (a small group)"));
    else
        html_printf(b, T(L, "Participants measured: %T"),
                    i18n_format_int(L, s->participants, num, sizeof num));
    html_printf(b, "</caption>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Indicator"), T(L, "Learners counted"), T(L, "Average change"));
    for (int k = 0; k < IE_COUNT; k++) {
        html_printf(b, "<tr><th scope=\"row\">%T</th>", iv_effect_name(L, k, duration_weeks));
        if (suppress_withheld(s->state[k])) {
            html_printf(b, "<td colspan=\"2\" class=\"muted\">");
            html_printf(b, T(L, "Not shown: fewer than %T learners, or it would give a smaller "
                                "group away"),
                        i18n_format_int(L, s->min_cell, num, sizeof num));
            html_printf(b, "</td></tr>\n");
            continue;
        }
        i18n_format_number(L, s->mean_change[k], 1, m, sizeof m);
        html_printf(b, "<td>%T</td><td>%T%T</td></tr>\n",
                    i18n_format_int(L, s->measured[k], num, sizeof num),
                    s->mean_change[k] > 0.05 ? "+" : "", m);
    }
    html_printf(b, "</tbody>\n</table>\n<p class=\"muted\">%T</p>\n",
                T(L, "Each learner's own indicators the day before joining and on the last "
                     "day of the intervention; a change is after minus before. Learners "
                     "still in the intervention are not counted yet."));
}

/* The effect as JSON (see intervention_web.h). */
json_t *iv_effect_json(const intervention_effect_summary *s, int duration_weeks) {
    json_t *ind = json_array();
    for (int k = 0; k < IE_COUNT; k++) {
        int hide = suppress_withheld(s->state[k]);
        json_array_append_new(ind, json_pack(
            "{s:s,s:s,s:o,s:o,s:b}", "code", effect_codes[k],
            "name", intervention_effect_name(k, duration_weeks),
            "measured", hide ? json_null() : json_integer(s->measured[k]),
            "mean_change", hide || isnan(s->mean_change[k]) ? json_null()
                                                             : json_real(s->mean_change[k]),
            "suppressed", hide));
    }
    return json_pack("{s:o,s:I,s:o}", "participants",
                     suppress_withheld(s->participants_state) ? json_null()
                                                              : json_integer(s->participants),
                     "min_cell", (json_int_t)s->min_cell, "indicators", ind);
}

/* An entry as JSON (see intervention_web.h). */
json_t *iv_entry_json(const intervention *e) {
    json_t *needs = json_array();
    for (const char *p = e->needs; *p;) {
        size_t n = strcspn(p, ",");
        json_array_append_new(needs, json_stringn(p, n));
        p += n;
        if (*p == ',') p++;
    }
    return json_pack("{s:I,s:s,s:s,s:o,s:s,s:i,s:s,s:{s:s,s:s}}", "id", (json_int_t)e->id,
                     "name", e->name, "tier", e->tier, "needs", needs, "dosage", e->dosage,
                     "duration_weeks", e->duration_weeks, "delivered_by", e->delivered_by,
                     "evidence", "level", e->evidence_level, "source", e->evidence_source);
}

/* A run as JSON (see intervention_web.h). */
json_t *iv_run_json(const intervention_run *r) {
    return json_pack("{s:I,s:I,s:s,s:s,s:o,s:o,s:I,s:s,s:I,s:I}", "id", (json_int_t)r->id,
                     "intervention_id", (json_int_t)r->intervention_id,
                     "intervention", r->intervention_name, "mode", r->mode,
                     "label", api_json_text(r->label), "start", api_json_day(r->start),
                     "deliverer_staff_id", (json_int_t)r->deliverer_staff_id,
                     "deliverer", r->deliverer_name, "participants", (json_int_t)r->participants,
                     "sessions", (json_int_t)r->sessions);
}
