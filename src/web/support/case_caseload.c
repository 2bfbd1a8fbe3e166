/*
** web/support/case_caseload.c — GET /caseload and its JSON twin GET
** /api/v1/caseload: the institution's cases in figures for its leaders
** (support/case_stats.c): the caseload of each key worker by state with
** their open tasks past due, closures by outcome, the median days from a
** flag to the first contact and to the agreed plan, the reviews on time
** (review_words.c) and the interventions by tier with their measured
** effect (caseload_interventions.c).  Counts only, never a learner or a
** reason.  Every figure counted over learners goes through the one
** suppression function (base/suppress.h, cells under METRIC_MIN_CELL
** withheld, and whatever would give them away): closures by outcome as a
** one-way table with its total, each median as a one-cell table of the
** cases it is taken over.  The caseloads are the staff's workload, shown
** as they are (docs/decisions.md, "Cases").
*/
#include "web/support/case_view.h"
#include "web/support/caseload_view.h"
#include "web/support/review_view.h"
#include "base/date.h"
#include "base/mem.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include "web/api.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>

/* 1 when a median over n cases is withheld: a one-cell table of n whose
** total is never shown (base/suppress.h). */
static int median_withheld(long long n) {
    unsigned char state[2] = {SUPPRESS_SHOWN, SUPPRESS_UNPUBLISHED};
    suppress_one_way(&n, 1, n, METRIC_MIN_CELL, state);
    return suppress_withheld(state[0]);
}

/* Closures by outcome through suppress_one_way with their total: count[]
** and state[] get SUPPORT_CASE_OUTCOME_COUNT - 1 outcomes, state[last] the
** total. */
static void outcomes_suppress(const support_case_stats *s,
                              long long count[SUPPORT_CASE_OUTCOME_COUNT - 1],
                              unsigned char state[SUPPORT_CASE_OUTCOME_COUNT]) {
    for (int o = 1; o < SUPPORT_CASE_OUTCOME_COUNT; o++) {
        count[o - 1] = s->closed_by_outcome[o];
        state[o - 1] = SUPPRESS_SHOWN;
    }
    state[SUPPORT_CASE_OUTCOME_COUNT - 1] = SUPPRESS_SHOWN;
    suppress_one_way(count, SUPPORT_CASE_OUTCOME_COUNT - 1, s->closed, METRIC_MIN_CELL, state);
}

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

/* Closures by outcome, suppressed as a one-way table with its total: a
** chart, then the table. */
static void outcomes_table(buf *b, const i18n_lang *L, const support_case_stats *s) {
    long long count[SUPPORT_CASE_OUTCOME_COUNT - 1];
    unsigned char state[SUPPORT_CASE_OUTCOME_COUNT];
    outcomes_suppress(s, count, state);
    chart_bar bars[SUPPORT_CASE_OUTCOME_COUNT - 1];
    for (int o = 1; o < SUPPORT_CASE_OUTCOME_COUNT; o++) {
        bars[o - 1].label = T(L, support_case_outcome_name(o));
        bars[o - 1].value = count[o - 1];
        bars[o - 1].note = suppress_withheld(state[o - 1]) ? T(L, "withheld") : NULL;
    }
    chart_bars chart = {"outcomes", T(L, "Closures by outcome"),
                        T(L, "How many closed cases ended with each outcome."), T(L, "Outcome"),
                        T(L, "Cases"), bars, SUPPORT_CASE_OUTCOME_COUNT - 1};
    chart_bars_write(b, L, &chart);
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

/* The open cases of each key worker as a chart (the table above has them
** by state). */
static void loads_chart(web_ctx *c, const support_case_stats *s) {
    const i18n_lang *L = c->L;
    chart_bar *bars = page_keep(c, xcalloc(s->n + 1, sizeof *bars));
    for (size_t i = 0; i < s->n; i++) {
        bars[i].label = s->rows[i].name;
        for (int st = 0; st < SUPPORT_CASE_STATE_COUNT; st++)
            if (st != SUPPORT_CASE_CLOSED) bars[i].value += s->rows[i].by_state[st];
    }
    chart_bars chart = {"loads", T(L, "Open cases per key worker"),
                        T(L, "How many cases each key worker holds that are not closed."),
                        T(L, "Key worker"), T(L, "Cases"), bars, s->n};
    chart_bars_write(c->b, L, &chart);
}

/* A median paragraph: withheld, or "Median: N days, over M cases". */
static void median_par(buf *b, const i18n_lang *L, const char *heading, const char *withheld,
                       double median, long long n) {
    char num[I18N_NUM_MAX], num2[I18N_NUM_MAX];
    html_printf(b, "<h2>%T</h2>\n<p>", heading);
    if (median_withheld(n))
        html_printf(b, "%T", withheld);
    else
        html_printf(b, T(L, "Median: %T days, over %T cases opened from a flag."),
                    i18n_format_number(L, median, 1, num, sizeof num),
                    i18n_format_int(L, n, num2, sizeof num2));
    html_printf(b, "</p>\n");
}

/*
** WEBPAGE: GET /caseload
** ACCESS:  school_leader
** BODY:    none
** NAV:     25 Cases
**
** The institution's cases in figures: caseload per key worker, open tasks
** past due, closures by outcome, median days from a flag to the first
** contact and to the agreed plan, reviews on time, interventions by tier
** and their effect.  Counts only; small ones withheld.
*/
void page_caseload(web_ctx *c) {
    cairn_err err = {0};
    support_case_stats s;
    caseload_interventions iv;
    if (support_case_stats_read(c->st, c->who->institution_id, date_today(), &s, &err) < 0) {
        page_fail(c, "caseload", err.msg);
        return;
    }
    page_keep(c, s.rows);
    if (caseload_interventions_read(c, &iv, &err) < 0) {
        page_fail(c, "caseload interventions", err.msg);
        return;
    }
    const i18n_lang *L = c->L;
    buf *b = c->b;
    char num[I18N_NUM_MAX];
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
    if (!s.n) {
        html_printf(b, "<p class=\"notice\">%T</p>\n", T(L, "No case has been opened yet."));
    } else {
        loads_chart(c, &s);
        loads_table(b, L, &s);
    }
    outcomes_table(b, L, &s);
    median_par(b, L, T(L, "From a flag to the first contact"),
               T(L, "Withheld: too few cases from a flag have had their first contact yet."),
               s.median_days_to_contact, s.contacts);
    median_par(b, L, T(L, "From a flag to the agreed plan"),
               T(L, "Withheld: too few cases from a flag have an agreed plan yet."),
               s.median_days_to_plan, s.plans);
    if (review_caseload_part(c, &err) < 0) {   /* reviews on time (review_words.c) */
        page_fail(c, "caseload reviews", err.msg);
        return;
    }
    caseload_interventions_html(b, L, &iv);
    page_end(c);
}

/* A median as JSON: {"median_days": x | null, "cases": n | null,
** "suppressed": bool}. */
static json_t *median_json(double median, long long n) {
    int hide = median_withheld(n);
    return json_pack("{s:o,s:o,s:b}", "median_days", hide ? json_null() : json_real(median),
                     "cases", hide ? json_null() : json_integer(n), "suppressed", hide);
}

/* A count as JSON: the number, or null when withheld. */
static json_t *count_json(long long v, unsigned char state) {
    return suppress_withheld(state) ? json_null() : json_integer(v);
}

/*
** WEBPAGE: GET /api/v1/caseload
** ACCESS:  school_leader
** BODY:    none
**
** The figures of /caseload as JSON: {"min_cell", "key_workers": [...],
** "closures", "first_contact", "agreed_plan", "reviews", "interventions"};
** a withheld figure is null with "suppressed": true.
*/
void api_caseload(web_ctx *c) {
    cairn_err err = {0};
    support_case_stats s;
    caseload_interventions iv;
    long long due = 0, on_time = 0;
    if (support_case_stats_read(c->st, c->who->institution_id, date_today(), &s, &err) < 0) {
        api_fail(c, "caseload", err.msg);
        return;
    }
    page_keep(c, s.rows);
    if (caseload_interventions_read(c, &iv, &err) < 0 ||
        support_review_on_time(c->st, c->who->institution_id, date_today(), &due, &on_time,
                               &err) < 0) {
        api_fail(c, "caseload", err.msg);
        return;
    }
    json_t *loads = json_array();
    for (size_t i = 0; i < s.n; i++) {
        json_t *by = json_object();
        for (int st = 0; st < SUPPORT_CASE_STATE_COUNT; st++)
            json_object_set_new(by, support_case_state_code(st),
                                json_integer(s.rows[i].by_state[st]));
        json_array_append_new(loads, json_pack("{s:I,s:s,s:o,s:I}", "staff_id",
                                               (json_int_t)s.rows[i].staff_id, "name",
                                               s.rows[i].name, "by_state", by, "tasks_past_due",
                                               (json_int_t)s.rows[i].overdue));
    }
    long long count[SUPPORT_CASE_OUTCOME_COUNT - 1];
    unsigned char state[SUPPORT_CASE_OUTCOME_COUNT];
    outcomes_suppress(&s, count, state);
    json_t *by_outcome = json_object();
    for (int o = 1; o < SUPPORT_CASE_OUTCOME_COUNT; o++)
        json_object_set_new(by_outcome, support_case_outcome_code(o),
                            count_json(count[o - 1], state[o - 1]));
    long long rc[2] = {on_time, due - on_time};
    unsigned char rs[3] = {SUPPRESS_SHOWN, SUPPRESS_SHOWN, SUPPRESS_SHOWN};
    suppress_one_way(rc, 2, due, METRIC_MIN_CELL, rs);   /* as review_caseload_part */
    int rhide = suppress_withheld(rs[0]) || suppress_withheld(rs[1]) || suppress_withheld(rs[2]);
    api_reply(c, 200, json_pack(
        "{s:I,s:o,s:{s:o,s:o},s:o,s:o,s:{s:o,s:o,s:b},s:o}", "min_cell",
        (json_int_t)METRIC_MIN_CELL, "key_workers", loads, "closures", "by_outcome", by_outcome,
        "total", count_json(s.closed, state[SUPPORT_CASE_OUTCOME_COUNT - 1]), "first_contact",
        median_json(s.median_days_to_contact, s.contacts), "agreed_plan",
        median_json(s.median_days_to_plan, s.plans), "reviews", "due",
        rhide ? json_null() : json_integer(due), "on_time",
        rhide ? json_null() : json_integer(on_time), "suppressed", rhide, "interventions",
        caseload_interventions_json(&iv)));
}
