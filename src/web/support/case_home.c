/*
** web/support/case_home.c — the first block of a key worker's (and a team
** member's) home page: the tasks of their cases overdue and due within
** SUPPORT_CASE_SOON_DAYS days, and the learners of their cases whose risk
** rose since the case's last review (or its opening).  See case_view.h.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "web/html.h"
#include "web/pages.h"
#include <math.h>
#include <stdlib.h>

#define HOME_TASKS_MAX 50

/* The task table: learner, task, due (overdue marked), the case link. */
static void tasks_table(buf *b, const i18n_lang *L, const support_case_task *t, size_t n,
                        int32_t today) {
    char day[I18N_DATE_MAX];
    html_printf(b, "<table class=\"tasks\">\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "Tasks overdue and due within 7 days"), T(L, "Learner"), T(L, "Task"),
                T(L, "Due"));
    for (size_t i = 0; i < n; i++) {
        int late = t[i].due_on < today;
        html_printf(b, late ? "<tr class=\"overdue\">" : "<tr>");
        html_printf(b, "<th scope=\"row\"><a href=\"/cases/%lld\"><bdi>%T</bdi></a></th>"
                       "<td>%T</td><td>%T",
                    (long long)t[i].case_id, t[i].learner_name,
                    T(L, support_case_task_kind_name(t[i].kind)),
                    i18n_format_date(L, t[i].due_on, day, sizeof day));
        if (late) html_printf(b, " <strong>%T</strong>", T(L, "overdue"));
        html_printf(b, "</td></tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* The home block (see case_view.h). */
int case_home_write(web_ctx *c, int first, const support_case_risen *latest, size_t nlatest,
                    cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id, staff = c->who->staff_id;
    if (!staff) return 0;
    int32_t today = date_today();
    support_case_task *tasks = NULL;
    size_t n = 0;
    if (support_case_tasks_due(c->st, inst, staff, today, HOME_TASKS_MAX, &tasks, &n, err) < 0)
        return -1;
    page_keep(c, tasks);
    support_case_risen *risen = NULL;
    size_t nr = 0;
    if ((c->who->roles & ACCESS_ROLE_KEY_WORKER) &&
        support_case_risk_risen(c->st, inst, staff, latest, nlatest, &risen, &nr, err) < 0)
        return -1;
    page_keep(c, risen);
    support_case_transfer *offers = NULL;
    size_t no = 0;
    if (support_case_transfers_for(c->st, inst, staff, &offers, &no, err) < 0) return -1;
    page_keep(c, offers);
    html_printf(b, first ? "<h2 id=\"list\" tabindex=\"-1\">%T</h2>\n" : "<h2>%T</h2>\n",
                T(L, "My cases: what is due"));
    if (no) {
        char d1[I18N_DATE_MAX];
        html_printf(b, "<h3>%T</h3>\n<ul class=\"offers\">\n", T(L, "Cases offered to you"));
        for (size_t i = 0; i < no; i++) {
            html_printf(b, "<li><a href=\"/cases/%lld\"><bdi>%T</bdi></a> ",
                        (long long)offers[i].case_id, offers[i].learner_name);
            html_printf(b, T(L, "offered by <bdi>%T</bdi> on %T"), offers[i].from_name,
                        case_day_text(L, offers[i].asked_at, d1, sizeof d1));
            html_printf(b, "</li>\n");
        }
        html_printf(b, "</ul>\n");
    }
    if (!n)
        html_printf(b, "<p>%T</p>\n", T(L, "No task of your cases is overdue or due within 7 "
                                           "days."));
    else
        tasks_table(b, L, tasks, n, today);
    if (c->who->roles & ACCESS_ROLE_KEY_WORKER) {
        html_printf(b, "<h3>%T</h3>\n", T(L, "Risk rose since the last review"));
        if (!nr)
            html_printf(b, "<p>%T</p>\n",
                        T(L, "No learner of your cases has a higher risk than at their last "
                             "review."));
        else
            html_printf(b, "<ul class=\"risen\">\n");
        char d1[I18N_DATE_MAX];
        for (size_t i = 0; i < nr; i++) {
            html_printf(b, "<li><a href=\"/cases/%lld\"><bdi>%T</bdi></a> ",
                        (long long)risen[i].case_id, risen[i].learner_name);
            html_printf(b, T(L, "%T on %T, %T now"), case_tier_name(L, risen[i].tier_then),
                        case_day_text(L, risen[i].since, d1, sizeof d1),
                        case_tier_name(L, risen[i].tier_now));
            html_printf(b, "</li>\n");
        }
        if (nr) html_printf(b, "</ul>\n");
    }
    return 0;
}
