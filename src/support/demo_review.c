/*
** support/demo_review.c — the demo school's reviews (see review.h): on the
** monitored case five weekly reviews with progress on its open goals (four
** points or more, so the review page shows a suggestion), the last one
** naming a next review that is now overdue; on the case with a plan just
** agreed one review (too few points yet); on the case that closed as
** returned to learning five fortnightly reviews before it closed, written
** as they were (the writer takes no closed case).  Through the writer
** where it can, deterministic, once per institution.
*/
#include "support/review.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/case_internal.h"
#include "support/demo.h"
#include "support/plan.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_REVIEWS 5

static const char *const demo_changed[DEMO_REVIEWS] = {
    "First week back after the conference; he came on three of the four practical days.",
    "Met the mentor twice; a visit to a joinery firm is booked.",
    "A bad week at home; he missed Monday but called the key worker himself.",
    "Visited the joinery firm and liked it; talks with the psychologist are regular now.",
    "Steady for a month. He asks whether the weekly check-ins could become fortnightly.",
};

/* The first case of the institution in state with goals, or 0. */
static int64_t demo_case_in(store *st, int64_t inst, const char *state, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT min(c.id) FROM support_case c WHERE"
                                      " c.institution_id = ? AND c.state = ? AND EXISTS (SELECT 1"
                                      " FROM support_goal g WHERE g.institution_id ="
                                      " c.institution_id AND g.case_id = c.id)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, state, (size_t)-1);
    int rc = store_step(q, err);
    int64_t id = rc == STORE_ROW && !store_col_is_null(q, 0) ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    return rc < 0 ? -1 : id;
}

/* A value of a goal at point k of n: toward the target, or stalled. */
static double demo_value(double baseline, double target, int k, int n, int stalled) {
    double b = isnan(baseline) ? 0 : baseline;
    if (stalled) return b + (k % 2 ? 1 : 0) * (target > b ? 1 : -1);
    return round(b + (target - b) * (k + 1) / (n + 1.0));
}

/* Reviews through the writer on case_id, npoints of them, days_ago[k]
** apart; the last names next_last as its next review. */
static int demo_reviews_write(store *st, int64_t inst, int64_t account, int64_t case_id,
                              const int *days_ago, int npoints, int32_t today, int32_t next_last,
                              cairn_err *err) {
    support_review_goal *goals = NULL;
    size_t ng = 0;
    unsigned view = SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    if (support_review_goals(st, inst, case_id, view, 0, &goals, &ng, err) < 0) return -1;
    support_review_progress *p = xcalloc(ng + 1, sizeof *p);
    int rc = 0;
    for (int k = 0; rc == 0 && k < npoints; k++) {
        for (size_t g = 0; g < ng; g++) {
            p[g].goal_id = goals[g].id;
            p[g].value = demo_value(goals[g].baseline, goals[g].target, k, npoints, g == 1);
        }
        int32_t day = today - days_ago[k];
        support_review_spec spec = {day, demo_changed[k % DEMO_REVIEWS], SUPPORT_REVIEW_CONTINUE,
                                    k + 1 < npoints ? day + 7 : next_last, p, ng, 0, 0};
        char at[32], d[DATE_TEXT_LEN];
        date_format(day, d);
        snprintf(at, sizeof at, "%sT15:00:00Z", d);
        support_review_problem why;
        rc = support_review_add(st, inst, account, SUPPORT_CASE_REL_KEY_WORKER, case_id, &spec, at,
                                NULL, &why, err);
        if (rc > 0) rc = err_set(err, CAIRN_EINVAL, "demo review: %s", err->msg);
    }
    free(p);
    free(goals);
    return rc < 0 ? -1 : 0;
}

/* One review of a closed case as it was written then (the writer takes no
** closed case): the row, its progress and its audit event. */
static int demo_review_past(store *st, int64_t inst, int64_t account, int64_t case_id,
                            int64_t learner, int32_t day, int decision, const char *changed,
                            const support_goal *goals, size_t ng, int k, int n, cairn_err *err) {
    buf sealed = BUF_INIT;   /* not HTML: the stored form */
    int64_t id = 0;
    char d[DATE_TEXT_LEN], due[DATE_TEXT_LEN], next[DATE_TEXT_LEN], at[32];
    date_format(day, d);
    date_format(day + 1, due);
    date_format(day + 14, next);
    snprintf(at, sizeof at, "%sT15:00:00Z", d);
    int rc = -1;
    if (support_case_text_seal(st, inst, changed, &sealed, err) < 0 ||
        case_tx_begin(st, inst, err) < 0)
        goto out;
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_review"
                              " WHERE institution_id = ?", inst, &id, err) < 0)
        goto fail;
    store_stmt *q = store_prepare(st, "INSERT INTO case_review (institution_id, id, case_id,"
                                      " reviewed_on, due_on, tier, decision, changed, next_on,"
                                      " recorded_by, recorded_at) SELECT ?, ?, ?, ?, ?, tier, ?,"
                                      " ?, ?, ?, ? FROM support_case WHERE institution_id = ?"
                                      " AND id = ?", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, case_id);
    store_bind_text(q, 4, d, (size_t)-1);
    store_bind_text(q, 5, due, (size_t)-1);
    store_bind_text(q, 6, support_review_decision_code(decision), (size_t)-1);
    store_bind_text(q, 7, buf_cstr(&sealed), (size_t)-1);
    store_bind_text(q, 8, next, (size_t)-1);
    store_bind_int64(q, 9, account);
    store_bind_text(q, 10, at, (size_t)-1);
    store_bind_int64(q, 11, inst);
    store_bind_int64(q, 12, case_id);
    int s = store_step(q, err);
    store_finalize(q);
    if (s < 0) goto fail;
    q = store_prepare(st, "INSERT INTO review_progress (institution_id, review_id, goal_id, value)"
                          " VALUES (?, ?, ?, ?)", err);
    if (!q) goto fail;
    for (size_t g = 0; s >= 0 && g < ng; g++) {
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, id);
        store_bind_int64(q, 3, goals[g].id);
        store_bind_double(q, 4, demo_value(goals[g].has_baseline ? goals[g].baseline : NAN,
                                           goals[g].target, k, n - 1, 0));
        s = store_step(q, err);
        store_reset(q);
    }
    store_finalize(q);
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld: review %lld on %s (demo)", (long long)case_id,
             (long long)id, d);
    if (s < 0 ||
        support_case_audit(st, inst, account, learner, case_id, "review.add", NULL, detail,
                           err) < 0 ||
        store_tx_commit(st, err) < 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    return rc;
}

/* The five reviews of closed demo case (its goals as they ended). */
static int demo_reviews_closed(store *st, int64_t inst, int64_t account, int64_t closed,
                               int32_t today, cairn_err *err) {
    support_case k;
    support_goal *goals = NULL;
    size_t ng = 0;
    if (support_case_get(st, inst, closed, 0, &k, err) <= 0 ||
        support_goal_list(st, inst, closed, SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH,
                          0, &goals, &ng, err) < 0)
        return -1;
    static const char *const notes[DEMO_REVIEWS] = {
        "Came every day this week; the daily check-in works.",
        "Unit 3 retake passed. She asks for fewer check-ins.",
        "Two absences for a family funeral, otherwise steady.",
        "Above 90% for three weeks; unit 4 retake booked.",
        "Both units passed and attendance held: we agree to close the case.",
    };
    int rc = 0;
    for (int i = 0; rc == 0 && i < DEMO_REVIEWS; i++)
        rc = demo_review_past(st, inst, account, closed, k.learner_id, today - 86 + 14 * i,
                              i + 1 < DEMO_REVIEWS ? SUPPORT_REVIEW_CONTINUE : SUPPORT_REVIEW_CLOSE,
                              notes[i], goals, ng, i, DEMO_REVIEWS, err);
    free(goals);
    return rc;
}

/* The reviews of one demo case by its state (see demo.h): weekly ones,
** the next overdue (monitoring), one (plan agreed), five before closing
** (closed). */
int support_demo_case_reviews(store *st, int64_t inst, int64_t account, int64_t case_id,
                              const char *state, cairn_err *err) {
    int32_t today = date_today();
    static const int weekly[DEMO_REVIEWS] = {38, 31, 24, 17, 10};
    static const int once[1] = {4};
    if (!strcmp(state, "monitoring"))   /* the next one: overdue */
        return demo_reviews_write(st, inst, account, case_id, weekly, DEMO_REVIEWS, today,
                                  today - 3, err);
    if (!strcmp(state, "plan_agreed"))
        return demo_reviews_write(st, inst, account, case_id, once, 1, today, today + 3, err);
    if (!strcmp(state, "closed")) return demo_reviews_closed(st, inst, account, case_id, today, err);
    return 0;
}

/* The demo's reviews (see review.h). */
int support_demo_reviews(store *st, int64_t inst, int64_t account, cairn_err *err) {
    int64_t have = 0;
    if (store_query_int64(st, "SELECT count(*) FROM case_review WHERE institution_id = ?", inst,
                          &have, err) < 0)
        return -1;
    if (have) return 0;
    static const char *const states[] = {"monitoring", "plan_agreed", "closed"};
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        int64_t id = demo_case_in(st, inst, states[i], err);
        if (id < 0 || (id && support_demo_case_reviews(st, inst, account, id, states[i], err) < 0))
            return -1;
    }
    return 0;
}
