/*
** web/school/group.c — GET /groups/{code}: a class's weekly attendance as
** a heat map table, and GET /api/v1/groups/{code}, the same as JSON.
** Access: after access_can_view_group() says yes, and only the learners
** whose record the viewer may open (access_learner_predicate).
*/
#include "web/api.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/page.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "gen/pages.h"
#include <stdlib.h>

#define TIMELINE_WEEKS 8
#define GROUP_WEEKS    TIMELINE_WEEKS   /* as the page */

/* The heat class of a share attended: 0 (< 50 %) .. 3 (>= 90 %). */
static int heat_class(int attended, int recorded) {
    double r = (double)attended / recorded;
    return r >= 0.9 ? 3 : r >= 0.75 ? 2 : r >= 0.5 ? 1 : 0;
}

/* The group's learners that the viewer may open (the learner page's rule,
** access_learner_predicate: a teacher does not see a learner who left, a
** leader does) with their attendance in the weeks up to last_day; *rows
** malloc'd, the caller frees.  0, or -1 with err set. */
static int group_rows(web_ctx *c, int64_t group_id, int32_t last_day, int weeks, int32_t *first,
                      school_group_week_row **rows, size_t *n, cairn_err *err) {
    buf pred = BUF_INIT;
    access_learner_predicate(c->who, "l.institution_id", "l.id", &pred);
    school_visibility vis = {buf_cstr(&pred), api_bind_access, c->who};
    int rc = school_group_attendance_weeks(c->st, c->who->institution_id, group_id, last_day,
                                           weeks, &vis, first, rows, n, err);
    buf_free(&pred);
    return rc;
}

/*
** WEBPAGE: GET /groups/{code}
** ACCESS:  administrator school_leader teacher
** BODY:    none
**
** The class's weekly attendance as a heat map table, for leaders,
** administrators and the group's teachers (access_can_view_group).
*/
void page_group(web_ctx *c) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    store *st = c->st;
    const access_ctx *who = c->who;
    school_group_info g;
    int found = school_group_find(st, who->institution_id, c->code, &g, &err);
    if (found < 0) { page_fail(c, "group", err.msg); return; }
    if (!found) {
        page_not_found(c, "Group not found", "There is no group with this code.");
        return;
    }
    int may = access_can_view_group(who, g.id, &err);
    if (may < 0) { page_fail(c, "group access", err.msg); return; }
    if (!may) {
        page_refuse(c, "You may not see this group.");
        return;
    }
    int32_t asof = 0, first = 0;
    school_group_week_row *rows = NULL;
    size_t n = 0;
    if (risk_read_latest_asof(st, who->institution_id, &asof, &err) != 0 ||
        group_rows(c, g.id, asof ? asof : date_today(), TIMELINE_WEEKS, &first, &rows, &n,
                   &err) != 0) {
        page_fail(c, "group", err.msg);
        return;
    }
    page_keep(c, rows);
    buf *b = c->b;
    const char *title = g.name[0] ? g.name : g.code;
    char d[I18N_DATE_MAX], n1[I18N_NUM_MAX];
    page_begin(c, title);
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
    page_end(c);
}

/*
** WEBPAGE: GET /api/v1/groups/{code}
** ACCESS:  administrator school_leader teacher
** BODY:    none
**
** The group's learners and their attendance in the last GROUP_WEEKS weeks
** up to the latest score date (else today), as the group page shows it.
*/
void api_group(web_ctx *c) {
    cairn_err err = {0};
    const char *code = c->code;
    const access_ctx *who = c->who;
    school_group_info g;
    int found = school_group_find(who->st, who->institution_id, code, &g, &err);
    if (found < 0) { api_fail(c, "group", err.msg); return; }
    if (!found) {
        api_not_found(c, "There is no group with this code.");
        return;
    }
    int may = access_can_view_group(who, g.id, &err);
    if (may < 0) { api_fail(c, "group access", err.msg); return; }
    if (!may) {
        api_refuse(c, "You may not see this group.");
        return;
    }
    int32_t asof = 0, first = 0;
    school_group_week_row *rows = NULL;
    size_t n = 0;
    if (risk_read_latest_asof(who->st, who->institution_id, &asof, &err) != 0 ||
        group_rows(c, g.id, asof ? asof : date_today(), GROUP_WEEKS, &first, &rows, &n,
                   &err) != 0) {
        api_fail(c, "group", err.msg);
        return;
    }
    json_t *weeks = json_array(), *learners = json_array();
    for (int k = 0; k < GROUP_WEEKS; k++) json_array_append_new(weeks, api_json_day(first + 7 * k));
    for (size_t i = 0; i < n; i++) {
        const school_group_week_row *r = &rows[i];
        json_t *att = json_array();
        for (int k = 0; k < GROUP_WEEKS; k++)
            json_array_append_new(att, json_pack(
                "{s:i,s:i,s:o}", "attended", r->attended[k], "recorded", r->recorded[k],
                "rate", r->recorded[k] ? json_real((double)r->attended[k] / r->recorded[k])
                                       : json_null()));
        json_array_append_new(learners, json_pack(
            "{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)r->learner_id, "ref", r->ref,
            "given_name", r->given_name, "family_name", r->family_name, "weeks", att));
    }
    free(rows);
    api_reply(c, 200, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "code", g.code, "name",
                                  g.name, "programme", api_json_text(g.programme_code),
                                  "programme_name", api_json_text(g.programme_name), "asof",
                                  api_json_day(asof), "weeks", weeks, "learners", learners));
}

