/*
** web/pages_learner.c — GET /learners/{id} (identity, enrolment, current
** flags and why, the actions on them — web/pages_actions.c —, risk over
** time, the last eight weeks) and GET /groups/{code} (the class's weekly
** attendance as a heat map table).
**
** Access: a learner page only after access_can_view_learner() says yes
** (403 otherwise, 404 for a learner that does not exist), and every view is
** written to the audit log before anything is shown; a group page only
** after access_can_view_group().
*/
#include "web/pages.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "support/audit.h"
#include "web/access.h"
#include "web/actions.h"
#include "web/auth.h"
#include "web/chart.h"
#include "web/html.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TIMELINE_WEEKS 8

/* The viewer's access context on st, or NULL when there is no session. */
static const access_ctx *viewer(web_request *req, store *st, access_ctx *out) {
    if (!req->session) return NULL;
    *out = req->session->who;
    out->st = st;
    return out;
}

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
static void identity(buf *b, const i18n_lang *L, const school_learner_info *li) {
    char d[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-identity\">\n<h2 id=\"h-identity\">%T</h2>\n"
                   "<dl class=\"facts\">\n", T(L, "Identity and enrolment"));
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
}

/* The current flags and their explanation. */
static void flags_section(buf *b, const i18n_lang *L, const risk_attention_row *sc, int have) {
    char d[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-flags\">\n<h2 id=\"h-flags\">%T</h2>\n",
                T(L, "Current flags and why"));
    if (!have) {
        html_printf(b, "<p class=\"notice\">");
        html_printf(b, T(L, "No scores yet \xE2\x80\x94 run <code>cairn score</code>."));
        html_printf(b, "</p>\n</section>\n");
        return;
    }
    html_printf(b, "<p>");
    html_printf(b, T(L, "As of %T: %T."), i18n_format_date(L, sc->asof, d, sizeof d),
                page_tier_name(L, sc->tier));
    html_printf(b, "</p>\n");
    if (sc->nflags) {
        html_printf(b, "<p>");
        for (int i = 0; i < sc->nflags; i++)
            html_printf(b, "<span class=\"flag\">%T</span> ", page_flag_name(L, sc->flag_codes[i]));
        html_printf(b, "</p>\n");
    }
    if (sc->nreasons) {
        html_printf(b, "<ul class=\"reasons\">\n");
        for (int i = 0; i < sc->nreasons; i++) page_reason_li(b, L, sc, i);
        html_printf(b, "</ul>\n");
    } else {
        html_printf(b, "<p>%T</p>\n", T(L, "No flags: nothing stands out right now."));
    }
    html_printf(b, "<p class=\"muted\">%T</p>\n</section>\n",
                T(L, "Flags are signs for a person to look at, never a decision."));
}

/* Risk over time: the probability when a model gave one, else the number
** of flags. */
static void history_section(buf *b, const i18n_lang *L, const risk_score_point *h, size_t n) {
    html_printf(b, "<section aria-labelledby=\"h-history\">\n<h2 id=\"h-history\">%T</h2>\n",
                T(L, "Risk over time"));
    if (n == 0) {
        html_printf(b, "<p>%T</p>\n</section>\n", T(L, "No scores yet."));
        return;
    }
    int prob = 0;
    for (size_t i = 0; i < n; i++) prob |= !isnan(h[i].probability);
    chart_point *pts = calloc(n, sizeof *pts);
    char (*labels)[I18N_DATE_MAX] = calloc(n, sizeof *labels);
    int maxf = 1;
    for (size_t i = 0; i < n; i++) {
        pts[i].label = i18n_format_date(L, h[i].asof, labels[i], sizeof labels[i]);
        pts[i].value = prob ? h[i].probability : (double)h[i].nflags;
        if (h[i].nflags > maxf) maxf = h[i].nflags;
    }
    chart_line c = {0};
    c.id = "risk";
    c.x_heading = T(L, "Date");
    c.points = pts;
    c.n = n;
    if (prob) {
        c.title = T(L, "Estimated risk of leaving early over time");
        c.desc = T(L, "A line of the model's estimate on each date a score was made, from 0 to "
                      "100 per cent.");
        c.y_heading = T(L, "Estimated risk");
        c.y_min = 0;
        c.y_max = 1;
        c.format = CHART_PERCENT;
    } else {
        c.title = T(L, "Number of flags over time");
        c.desc = T(L, "A line of how many flags were raised on each date a score was made.");
        c.y_heading = T(L, "Flags");
        c.y_min = 0;
        c.y_max = maxf < 4 ? 4 : maxf;
        c.format = CHART_NUMBER;
    }
    chart_line_write(b, L, &c);
    free(pts);
    free(labels);
    html_printf(b, "</section>\n");
}

/* The last weeks as a compact table. */
static void timeline_section(buf *b, const i18n_lang *L, const school_week *w, int weeks) {
    char d[I18N_DATE_MAX], n1[I18N_NUM_MAX], n2[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-timeline\">\n<h2 id=\"h-timeline\">%T</h2>\n"
                   "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "The last eight weeks"),
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

/* GET /learners/{id}. */
void page_learner(web_request *req, web_response *res) {
    int64_t id = page_parse_id(req->rest);
    if (!id) {
        web_error_page(res, 404, "Page not found", "There is no page at this address.");
        return;
    }
    page_learner_show(req, res, id, 200, NULL);
}

/* The learner page with status (see actions.h); form is a refused
** submission to show again, or NULL. */
void page_learner_show(web_request *req, web_response *res, int64_t id, int status,
                       const page_action_form *form) {
    cairn_err err = {0};
    const i18n_lang *L = i18n_request(req);
    store *st = page_store(req, res);
    if (!st) return;
    access_ctx ctx;
    const access_ctx *who = viewer(req, st, &ctx);
    if (!who) {
        web_error_page(res, 403, "Not allowed", "You may not see this learner's record.");
        return;
    }
    school_learner_info li;
    int found = school_learner_get(st, who->institution_id, id, &li, &err);
    if (found < 0) { page_read_failed(req, res, "learner", err.msg); return; }
    if (!found) {
        web_error_page(res, 404, "Learner not found", "There is no learner with this number.");
        return;
    }
    int may = access_can_view_learner(who, id, &err);
    if (may < 0) { page_read_failed(req, res, "learner access", err.msg); return; }
    if (!may) {
        web_error_page(res, 403, "Not allowed", "You may not see this learner's record.");
        return;
    }
    if (support_audit_append(st, who->institution_id, who->account_id, "learner.view", id, "learner page",
                  &err) != 0) {
        page_read_failed(req, res, "learner audit", err.msg);
        return;
    }
    risk_attention_row sc;
    risk_score_point *hist = NULL;
    size_t nhist = 0;
    school_week weeks[TIMELINE_WEEKS];
    int have = risk_read_learner_latest(st, who->institution_id, id, &sc, &err);
    if (have < 0 || risk_score_history(st, who->institution_id, id, &hist, &nhist, &err) != 0 ||
        school_learner_weeks(st, who->institution_id, id, have ? sc.asof : date_today(),
                             TIMELINE_WEEKS, weeks, &err) != 0) {
        page_read_failed(req, res, "learner", err.msg);
        free(hist);
        return;
    }
    buf *b = &res->body;
    buf name = BUF_INIT;
    /* not HTML: the name as text, escaped by html_page_begin and %T */
    buf_printf(&name, "%s %s", li.given_name, li.family_name);
    html_page_begin(b, L->code, buf_cstr(&name));
    page_nav(req, b, NULL);
    html_printf(b, "<h1>%T</h1>\n", buf_cstr(&name));
    if (!form) done_notice(req, b, L);
    identity(b, L, &li);
    flags_section(b, L, &sc, have);
    if (page_actions_section(req, b, L, who, id, &sc, have, form, &err) != 0) {
        page_read_failed(req, res, "learner actions", err.msg);
        buf_free(&name);
        free(hist);
        return;
    }
    history_section(b, L, hist, nhist);
    timeline_section(b, L, weeks, TIMELINE_WEEKS);
    html_page_end(b);
    res->status = status;
    buf_free(&name);
    free(hist);
}

/* The heat class of a share attended: 0 (< 50 %) .. 3 (>= 90 %). */
static int heat_class(int attended, int recorded) {
    double r = (double)attended / recorded;
    return r >= 0.9 ? 3 : r >= 0.75 ? 2 : r >= 0.5 ? 1 : 0;
}

/* GET /groups/{code}. */
void page_group(web_request *req, web_response *res) {
    cairn_err err = {0};
    const i18n_lang *L = i18n_request(req);
    store *st = page_store(req, res);
    if (!st) return;
    access_ctx ctx;
    const access_ctx *who = viewer(req, st, &ctx);
    if (!who) {
        web_error_page(res, 403, "Not allowed", "You may not see this group.");
        return;
    }
    school_group_info g;
    int found = req->rest[0] && strlen(req->rest) <= 64 ?
                school_group_find(st, who->institution_id, req->rest, &g, &err) : 0;
    if (found < 0) { page_read_failed(req, res, "group", err.msg); return; }
    if (!found) {
        web_error_page(res, 404, "Group not found", "There is no group with this code.");
        return;
    }
    int may = access_can_view_group(who, g.id, &err);
    if (may < 0) { page_read_failed(req, res, "group access", err.msg); return; }
    if (!may) {
        web_error_page(res, 403, "Not allowed", "You may not see this group.");
        return;
    }
    int32_t asof = 0, first = 0;
    school_group_week_row *rows = NULL;
    size_t n = 0;
    if (risk_read_latest_asof(st, who->institution_id, &asof, &err) != 0 ||
        school_group_attendance_weeks(st, who->institution_id, g.id, asof ? asof : date_today(),
                                      TIMELINE_WEEKS, &first, &rows, &n, &err) != 0) {
        page_read_failed(req, res, "group", err.msg);
        return;
    }
    buf *b = &res->body;
    const char *title = g.name[0] ? g.name : g.code;
    char d[I18N_DATE_MAX], n1[I18N_NUM_MAX];
    html_page_begin(b, L->code, title);
    page_nav(req, b, NULL);
    html_printf(b, "<h1>%T <span class=\"code\">%T</span></h1>\n", title, g.code);
    if (g.programme_code[0])
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    g.programme_name[0] ? g.programme_name : g.programme_code);
    html_printf(b, "<h2>%T</h2>\n<p>%T</p>\n", T(L, "Weekly attendance"),
                T(L, "Share of recorded sessions attended (present or late) per learner and "
                     "week. Darker cells mean lower attendance; every cell also gives the "
                     "number."));
    if (n == 0) {
        html_printf(b, "<p class=\"notice\">%T</p>\n", T(L, "This group has no active learners."));
    } else {
        html_printf(b, "<div class=\"scroll\"><table class=\"heat\">\n<caption>%T</caption>\n"
                       "<thead><tr><th scope=\"col\">%T</th>",
                    T(L, "Attendance per week, oldest week first"), T(L, "Learner"));
        for (int k = 0; k < TIMELINE_WEEKS; k++)
            html_printf(b, "<th scope=\"col\" class=\"num\">%T</th>",
                        i18n_format_date(L, first + 7 * k, d, sizeof d));
        html_printf(b, "</tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < n; i++) {
            const school_group_week_row *r = &rows[i];
            html_printf(b, "<tr><th scope=\"row\"><a href=\"/learners/%lld\">%T %T</a></th>",
                        (long long)r->learner_id, r->given_name, r->family_name);
            for (int k = 0; k < TIMELINE_WEEKS; k++) {
                if (!r->recorded[k]) {
                    html_printf(b, "<td class=\"num heat-none\">\xE2\x80\x93</td>");
                    continue;
                }
                char pct[I18N_NUM_MAX * 2];
                chart_format_value(L, (double)r->attended[k] / r->recorded[k], CHART_PERCENT, 0,
                                   pct, sizeof pct);
                html_printf(b, "<td class=\"num heat-%d\">%T</td>",
                            heat_class(r->attended[k], r->recorded[k]), pct);
            }
            html_printf(b, "</tr>\n");
        }
        html_printf(b, "</tbody>\n</table></div>\n");
        html_printf(b, "<p class=\"muted\">");
        html_printf(b, TN(L, "%T active learner.", "%T active learners.", n),
                    i18n_format_int(L, (long long)n, n1, sizeof n1));
        html_printf(b, "</p>\n");
    }
    html_page_end(b);
    free(rows);
}
