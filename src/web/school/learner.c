/*
** web/school/learner.c — GET /learners/{id}: the learner page, a table of
** sections (identity and enrolment, current flags and why, the actions on
** them, risk over time, the last eight weeks) each room adds rows to (see
** web/school/learner.h); and GET /api/v1/learners/{id}, the same as JSON.
**
** Access: only after access_can_view_learner() says yes (403 otherwise,
** 404 for a learner that does not exist), and every view is written to the
** audit log before anything is shown.
*/
#include "web/school/learner.h"
#include "web/api.h"
#include "web/pages.h"
#include "web/risk/learner_score.h"
#include "web/support/intervention_learner.h"
#include "web/support/support_pages.h"
#include "gen/pages.h"
#include "web/risk/attention_list.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "support/audit.h"
#include "web/access.h"
#include "web/actions.h"
#include "web/auth.h"
#include "web/html.h"
#include <stdlib.h>
#include <string.h>

#define TIMELINE_WEEKS 8

/* The translated word for an enrolment status code. */
static const char *status_name(const i18n_lang *L, const char *s) {
    if (!strcmp(s, "active")) return T(L, "active");
    if (!strcmp(s, "paused")) return T(L, "paused");
    if (!strcmp(s, "completed")) return T(L, "completed");
    if (!strcmp(s, "left_early")) return T(L, "left early");
    if (!strcmp(s, "transferred")) return T(L, "transferred");
    return s;
}

/* A stored 'YYYY-MM-DD' as L writes dates, or "" for none / not a date. */
static const char *date_text(const i18n_lang *L, const char *d, char *out, size_t cap) {
    int32_t days;
    if (!d || !*d || date_parse(d, strlen(d), &days) < 0) {
        out[0] = 0;
        return out;
    }
    return i18n_format_date(L, days, out, cap);
}

/* One row of the identity list. */
static void dl_row(buf *b, const char *term, const char *value) {
    if (value && *value) html_printf(b, "<dt>%T</dt><dd>%T</dd>\n", term, value);
}

/* Identity and enrolment. */
static int identity(web_ctx *c, const learner_view *v, const char *title, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    const school_learner_info *li = v->info;
    (void)err;
    char d[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-identity\">\n<h2 id=\"h-identity\">%T</h2>\n"
                   "<dl class=\"facts\">\n", title);
    dl_row(b, T(L, "School reference"), li->ref);
    dl_row(b, T(L, "Date of birth"), date_text(L, li->birth_date, d, sizeof d));
    if (li->has_enrolment) {
        dl_row(b, T(L, "Programme"),
               li->programme_name[0] ? li->programme_name : li->programme_code);
        if (li->group_code[0])
            html_printf(b, "<dt>%T</dt><dd><a href=\"/groups/%U\">%T</a></dd>\n", T(L, "Group"),
                        li->group_code, li->group_name[0] ? li->group_name : li->group_code);
        dl_row(b, T(L, "Status"), status_name(L, li->status));
        dl_row(b, T(L, "Started"), date_text(L, li->start_date, d, sizeof d));
        dl_row(b, T(L, "Expected to finish"), date_text(L, li->expected_end_date, d, sizeof d));
        dl_row(b, T(L, "Left"), date_text(L, li->exit_date, d, sizeof d));
    } else {
        dl_row(b, T(L, "Status"), T(L, "not enrolled"));
    }
    html_printf(b, "</dl>\n</section>\n");
    return 0;
}

/* The last weeks as a compact table. */
static int timeline(web_ctx *c, const learner_view *v, const char *title, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    school_week w[TIMELINE_WEEKS];
    int weeks = TIMELINE_WEEKS;
    if (school_learner_weeks(c->st, c->who->institution_id, v->id,
                             v->have ? v->score->asof : date_today(), TIMELINE_WEEKS, w,
                             err) != 0)
        return -1;
    char d[I18N_DATE_MAX], n1[I18N_NUM_MAX], n2[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-timeline\">\n<h2 id=\"h-timeline\">%T</h2>\n"
                   "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                title,
                T(L, "Attendance, results, behaviour and engagement per week, newest first"),
                T(L, "Week of"), T(L, "Attended"), T(L, "Unexcused absences"),
                T(L, "Failed or missing assessments"), T(L, "Behaviour incidents"),
                T(L, "Active days online"));
    for (int i = weeks - 1; i >= 0; i--) {
        const school_week *x = &w[i];
        int rec = x->present + x->late + x->excused + x->unexcused;
        html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">",
                    i18n_format_date(L, x->week_start, d, sizeof d));
        if (rec) {
            html_printf(b, T(L, "%T of %T"), i18n_format_int(L, x->present + x->late, n1, sizeof n1),
                        i18n_format_int(L, rec, n2, sizeof n2));
        } else {
            html_printf(b, "\xE2\x80\x93");
        }
        html_printf(b, "</td><td class=\"num\">%T</td><td class=\"num\">%T</td>",
                    i18n_format_int(L, x->unexcused, n1, sizeof n1),
                    i18n_format_int(L, x->failed + x->missing, n2, sizeof n2));
        html_printf(b, "<td class=\"num\">%T</td>",
                    i18n_format_int(L, x->incidents, n1, sizeof n1));
        html_printf(b, "<td class=\"num\">%T</td></tr>\n",
                    i18n_format_int(L, x->active_days, n2, sizeof n2));
    }
    html_printf(b, "</tbody>\n</table></div>\n</section>\n");
    return 0;
}

/* The notice after a change went through (?done=, Post/Redirect/Get), as a
** status message; nothing for any other value. */
static void done_notice(web_request *req, buf *b, const i18n_lang *L) {
    const char *done = web_request_query(req, "done");
    const char *text = NULL;
    if (done && strcmp(done, "acknowledged") == 0)
        text = T(L, "Your acknowledgement was saved.");
    else if (done && strcmp(done, "key-worker") == 0)
        text = T(L, "The key worker was assigned.");
    if (text) html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n", text);
}

/* The sections of the learner page, in order: a room adds its row here and
** its writer in its own web folder. */
static const learner_section learner_sections[] = {
    { N_("Identity and enrolment"), identity },             /* school */
    { N_("Current flags and why"),  risk_learner_flags },   /* risk */
    { N_("Case"),                   support_learner_case },    /* support */
    { N_("Actions"),                support_learner_actions }, /* support */
    { N_("Consent"),                support_learner_consent }, /* support */
    { N_("Risk over time"),         risk_learner_history }, /* risk */
    { N_("Interventions"),          support_learner_interventions }, /* support */
    { N_("The last eight weeks"),   timeline },             /* school */
    { N_("Who has seen this record"), support_learner_readers }, /* support: audit */
};

/*
** WEBPAGE: GET /learners/{id}
** ACCESS:  administrator school_leader key_worker teacher team_member
** BODY:    none
**
** One learner's record: the sections of learner_sections[], for those
** who may see it (access_can_view_learner); the view is written to the
** audit log first.
*/
void page_learner(web_ctx *c) {
    page_learner_show(c, 200, NULL);
}

static void learner_sections_write(web_ctx *c, const access_ctx *who, int64_t id,
                                   const school_learner_info *li, int status,
                                   const page_action_form *form);

/* The learner page with status (see learner.h). */
void page_learner_show(web_ctx *c, int status, const page_action_form *form) {
    cairn_err err = {0};
    const access_ctx *who = c->who;
    int64_t id = c->id;
    school_learner_info li;
    int found = school_learner_get(c->st, who->institution_id, id, &li, &err);
    if (found < 0) { page_fail(c, "learner", err.msg); return; }
    if (!found) {
        page_not_found(c, "Learner not found", "There is no learner with this number.");
        return;
    }
    int may = access_can_view_learner(who, id, &err);
    if (may < 0) { page_fail(c, "learner access", err.msg); return; }
    if (!may) {
        page_refuse(c, "You may not see this learner's record.");
        return;
    }
    support_audit_event seen = {.account_id = who->account_id, .action = "learner.view",
                                .learner_id = id, .record_kind = "learner", .record_id = id,
                                .reason = "viewed", .detail = "learner page"};
    if (support_audit_record(c->st, who->institution_id, &seen, &err) != 0) {
        page_fail(c, "learner audit", err.msg);
        return;
    }
    /* Everything below only reads: one read transaction, so SQLite takes
    ** its read lock once for the page's few dozen statements (and every
    ** section sees the same moment).  Sections must not write. */
    int opened = 0;
    if (store_read_begin(c->st, &opened, &err) < 0) {
        page_fail(c, "learner", err.msg);
        return;
    }
    learner_sections_write(c, who, id, &li, status, form);
    store_read_end(c->st, opened);
}

/* The page after its audit event: the sections of learner_sections[]. */
static void learner_sections_write(web_ctx *c, const access_ctx *who, int64_t id,
                                   const school_learner_info *li, int status,
                                   const page_action_form *form) {
    cairn_err err = {0};
    risk_attention_row sc;
    int have = risk_read_learner_latest(c->st, who->institution_id, id, &sc, &err);
    if (have < 0) { page_fail(c, "learner", err.msg); return; }
    learner_view v = {id, li, &sc, have, form};
    /* not HTML: the name as text, escaped by html_page_begin and %T */
    const char *name = arena_printf(c->arena, "%s %s", li->given_name, li->family_name);
    page_begin(c, name);
    html_printf(c->b, "<h1>%T</h1>\n", name);
    if (attention_learner_nav(c, id, have ? &sc : NULL, &err) != 0) {
        page_fail(c, "learner list", err.msg);
        return;
    }
    if (!form) done_notice(c->req, c->b, c->L);
    else if (form->problem != SUPPORT_OK)   /* a refused form: say so first, focus here */
        html_printf(c->b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                          "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p><a href=\"#h-actions\">%T</a>"
                          "</p>\n</div>\n",
                    T(c->L, "Nothing was saved"),
                    T(c->L, "The form below says what to change."));
    for (size_t i = 0; i < sizeof learner_sections / sizeof learner_sections[0]; i++)
        if (learner_sections[i].write(c, &v, T(c->L, learner_sections[i].title), &err) != 0) {
            page_fail(c, "learner section", err.msg);
            return;
        }
    page_end(c);
    c->res->status = status;
}

/* ---- GET /api/v1/learners/{id} ------------------------------------------------------ */

/* The enrolment part of li, or null without one. */
static json_t *enrolment_json(const school_learner_info *li) {
    if (!li->has_enrolment) return json_null();
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}",
                     "programme", api_json_text(li->programme_code),
                     "programme_name", api_json_text(li->programme_name),
                     "group", api_json_text(li->group_code),
                     "group_name", api_json_text(li->group_name),
                     "start_date", api_json_text(li->start_date),
                     "expected_end_date", api_json_text(li->expected_end_date),
                     "exit_date", api_json_text(li->exit_date), "status", li->status);
}

/* The score history as a JSON array, oldest first. */
static json_t *history_json(const risk_score_point *h, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *flags = json_loads(h[i].flags, 0, NULL);
        if (!json_is_array(flags)) {
            json_decref(flags);
            flags = json_array();
        }
        json_array_append_new(a, json_pack("{s:o,s:i,s:s,s:o,s:o}", "asof", api_json_day(h[i].asof),
                                           "tier", (int)h[i].tier, "tier_name",
                                           risk_tier_name(h[i].tier), "probability",
                                           api_json_probability(h[i].probability), "flags", flags));
    }
    return a;
}

/*
** WEBPAGE: GET /api/v1/learners/{id}
** ACCESS:  staff
** BODY:    none
**
** Identity, enrolment, current score and history, acknowledgements and
** key worker, after the access check; the view goes to the audit log.
*/
void api_learner(web_ctx *c) {
    cairn_err err = {0};
    const access_ctx *who = c->who;
    int64_t id = c->id;
    school_learner_info li;
    int found = school_learner_get(c->st, who->institution_id, id, &li, &err);
    if (found < 0) { api_fail(c, "learner", err.msg); return; }
    if (!found) {
        api_not_found(c, "There is no learner with this number.");
        return;
    }
    int may = access_can_view_learner(who, id, &err);
    if (may < 0) { api_fail(c, "learner access", err.msg); return; }
    if (!may) {
        api_refuse(c, "You may not see this learner's record.");
        return;
    }
    support_audit_event seen = {.account_id = who->account_id, .action = "learner.view",
                                .learner_id = id, .record_kind = "learner", .record_id = id,
                                .reason = "viewed", .detail = "api"};
    if (support_audit_record(c->st, who->institution_id, &seen, &err) != 0) {
        api_fail(c, "learner audit", err.msg);
        return;
    }
    risk_attention_row sc;
    risk_score_point *hist = NULL;
    size_t nhist = 0;
    json_t *acks = NULL, *kw = NULL;
    int have = risk_read_learner_latest(c->st, who->institution_id, id, &sc, &err);
    if (have >= 0 && risk_score_history(c->st, who->institution_id, id, &hist, &nhist,
                                        &err) == 0)
        page_keep(c, hist);
    else have = -1;
    if (have < 0 || support_learner_json(c, id, &acks, &kw, &err) != 0) {
        api_fail(c, "learner", err.msg);
        return;
    }
    api_reply(c, 200, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                                (json_int_t)li.id, "ref", li.ref, "given_name", li.given_name,
                                "family_name", li.family_name,
                                "birth_date", api_json_text(li.birth_date),
                                "enrolment", enrolment_json(&li),
                                "score", have ? api_json_score(&sc) : json_null(),
                                "history", history_json(hist, nhist),
                                "acknowledgements", acks, "key_worker", kw));
}
