/*
** web/support/case_caseload.c — GET /caseload: the institution's cases in
** figures for its leaders (support/case_stats.c): the caseload of each key
** worker by state with their open tasks past due, closures by outcome, and
** the median days from a flag to the first contact.  Counts only, never a
** learner or a reason.  Closures by outcome go through the one suppression
** function (base/suppress.h, cells under METRIC_MIN_CELL withheld, and
** whatever would give them away); the median is withheld when fewer cases
** than that made it.  The caseloads are the staff's workload, shown as
** they are (docs/decisions.md, "Cases").
*/
#include "web/support/case_view.h"
#include "web/support/review_view.h"
#include "base/date.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>

/* A count, or the withheld mark. */
static void count_cell(buf *b, const i18n_lang *L, long long v, int withheld) {
    char num[I18N_NUM_MAX];
    if (withheld) html_printf(b, "<td class=\"withheld\">%T</td>", T(L, "withheld"));
    else html_printf(b, "<td>%T</td>", i18n_format_int(L, v, num, sizeof num));
}

/* The caseload table: one row per key worker. */
static void loads_table(buf *b, const i18n_lang *L, const support_case_stats *s) {
    html_printf(b, "<table class=\"caseload\">\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th>", T(L, "Caseload per key worker"), T(L, "Key worker"));
    for (int st = 0; st < SUPPORT_CASE_STATE_COUNT; st++)
        html_printf(b, "<th scope=\"col\">%T</th>", T(L, support_case_state_name(st)));
    html_printf(b, "<th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Open tasks past due"));
    for (size_t i = 0; i < s->n; i++) {
        html_printf(b, "<tr><th scope=\"row\"><bdi>%T</bdi></th>", s->rows[i].name);
        for (int st = 0; st < SUPPORT_CASE_STATE_COUNT; st++)
            count_cell(b, L, s->rows[i].by_state[st], 0);
        count_cell(b, L, s->rows[i].overdue, 0);
        html_printf(b, "</tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* Closures by outcome, suppressed as a one-way table with its total. */
static void outcomes_table(buf *b, const i18n_lang *L, const support_case_stats *s) {
    long long count[SUPPORT_CASE_OUTCOME_COUNT - 1];
    unsigned char state[SUPPORT_CASE_OUTCOME_COUNT];
    for (int o = 1; o < SUPPORT_CASE_OUTCOME_COUNT; o++) {
        count[o - 1] = s->closed_by_outcome[o];
        state[o - 1] = SUPPRESS_SHOWN;
    }
    state[SUPPORT_CASE_OUTCOME_COUNT - 1] = SUPPRESS_SHOWN;
    suppress_one_way(count, SUPPORT_CASE_OUTCOME_COUNT - 1, s->closed, METRIC_MIN_CELL, state);
    html_printf(b, "<table class=\"outcomes\">\n<caption>%T</caption>\n<tbody>\n",
                T(L, "Closures by outcome"));
    for (int o = 1; o < SUPPORT_CASE_OUTCOME_COUNT; o++) {
        html_printf(b, "<tr><th scope=\"row\">%T</th>", T(L, support_case_outcome_name(o)));
        count_cell(b, L, count[o - 1], suppress_withheld(state[o - 1]));
        html_printf(b, "</tr>\n");
    }
    html_printf(b, "<tr><th scope=\"row\">%T</th>", T(L, "All closed cases"));
    count_cell(b, L, s->closed, suppress_withheld(state[SUPPORT_CASE_OUTCOME_COUNT - 1]));
    html_printf(b, "</tr>\n</tbody>\n</table>\n");
}

/*
** WEBPAGE: GET /caseload
** ACCESS:  school_leader
** BODY:    none
** NAV:     25 Cases
**
** The institution's cases in figures: caseload per key worker, open tasks
** past due, closures by outcome, median days from a flag to the first
** contact.  Counts only; small ones withheld.
*/
void page_caseload(web_ctx *c) {
    cairn_err err = {0};
    support_case_stats s;
    if (support_case_stats_read(c->st, c->who->institution_id, date_today(), &s, &err) < 0) {
        page_fail(c, "caseload", err.msg);
        return;
    }
    page_keep(c, s.rows);
    const i18n_lang *L = c->L;
    buf *b = c->b;
    char num[I18N_NUM_MAX], num2[I18N_NUM_MAX];
    page_begin(c, T(L, "Cases"));
    html_printf(b, "<h1>%T</h1>\n<p class=\"muted\">", T(L, "Cases"));
    html_printf(b, T(L, "Counts only: the contents of a case are for its key worker and its team. "
                        "Figures about fewer than %T learners are withheld."),
                i18n_format_int(L, METRIC_MIN_CELL, num, sizeof num));
    html_printf(b, "</p>\n");
    if (case_approvals_list(c, 2, 1, &err) < 0) {
        page_fail(c, "caseload approvals", err.msg);
        return;
    }
    if (!s.n) html_printf(b, "<p class=\"notice\">%T</p>\n", T(L, "No case has been opened yet."));
    else loads_table(b, L, &s);
    outcomes_table(b, L, &s);
    html_printf(b, "<h2>%T</h2>\n<p>", T(L, "From a flag to the first contact"));
    if (s.contacts < METRIC_MIN_CELL)
        html_printf(b, "%T", T(L, "Withheld: too few cases from a flag have had their first "
                                  "contact yet."));
    else
        html_printf(b, T(L, "Median: %T days, over %T cases opened from a flag."),
                    i18n_format_number(L, s.median_days_to_contact, 1, num, sizeof num),
                    i18n_format_int(L, s.contacts, num2, sizeof num2));
    html_printf(b, "</p>\n");
    if (review_caseload_part(c, &err) < 0) {   /* reviews on time (review_words.c) */
        page_fail(c, "caseload reviews", err.msg);
        return;
    }
    page_end(c);
}
