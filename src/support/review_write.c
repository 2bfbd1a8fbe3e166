/*
** support/review_write.c — recording a review of a case (see review.h):
** checks, the review and its progress rows, the review task done and the
** next one made, the case's history and the audit event, in one
** transaction.
*/
#include "support/review.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/case_internal.h"
#include "support/plan.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Refuse with p: *problem and err set; returns 1. */
static int review_refuse(support_review_problem p, support_review_problem *problem,
                         cairn_err *err) {
    if (problem) *problem = p;
    err_set(err, CAIRN_EINVAL, "%s", support_review_problem_text(p));
    return 1;
}

/* Check the progress of spec against the case's open goals: 0 fine, 1
** refused, -1 error. */
static int progress_check(store *st, int64_t inst, int64_t case_id,
                          const support_review_spec *spec, support_review_problem *problem,
                          cairn_err *err) {
    if (!spec->nprogress)
        return spec->view & SUPPORT_GOAL_TEACHING_ONLY
                   ? review_refuse(SUPPORT_REVIEW_VALUE_BAD, problem, err)
                   : 0;
    if (spec->nprogress > SUPPORT_REVIEW_GOALS_MAX)
        return review_refuse(SUPPORT_REVIEW_GOAL_BAD, problem, err);
    support_review_goal *goals = NULL;
    size_t n = 0;
    unsigned view = spec->view ? spec->view : SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    if (support_review_goals(st, inst, case_id, view, spec->staff_id, &goals, &n, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < spec->nprogress && !rc; i++) {
        const support_review_progress *p = &spec->progress[i];
        int open = 0, twice = 0;
        for (size_t g = 0; g < n; g++) open |= goals[g].id == p->goal_id;
        for (size_t j = 0; j < i; j++) twice |= spec->progress[j].goal_id == p->goal_id;
        if (!open || twice) rc = review_refuse(SUPPORT_REVIEW_GOAL_BAD, problem, err);
        else if (!isfinite(p->value) || fabs(p->value) > 1e12)
            rc = review_refuse(SUPPORT_REVIEW_VALUE_BAD, problem, err);
    }
    free(goals);
    return rc;
}

/* The due day of case_id's open review task into *due (0 none). */
static int open_review_due(store *st, int64_t inst, int64_t case_id, int32_t *due,
                           cairn_err *err) {
    *due = 0;
    store_stmt *q = store_prepare(st, "SELECT min(due_on) FROM case_task WHERE institution_id = ?"
                                      " AND case_id = ? AND kind = 'review' AND done_at IS NULL"
                                      " AND cancelled = 0", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    const char *d = rc == STORE_ROW && !store_col_is_null(q, 0) ? store_col_text(q, 0) : NULL;
    if (d && date_parse(d, strlen(d), due) < 0) *due = 0;
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Insert the review row and its progress; in the transaction. */
static int review_insert(store *st, int64_t inst, int64_t id, const support_case *k,
                         const support_review_spec *spec, int32_t due, int32_t next,
                         const char *sealed, int64_t account_id, const char *now,
                         cairn_err *err) {
    char day[DATE_TEXT_LEN], dtext[DATE_TEXT_LEN], ntext[DATE_TEXT_LEN];
    date_format(spec->reviewed_on, day);
    date_format(due, dtext);
    date_format(next, ntext);
    store_stmt *q = store_prepare(st, "INSERT INTO case_review (institution_id, id, case_id,"
                                      " reviewed_on, due_on, tier, decision, changed, next_on,"
                                      " recorded_by, recorded_at, progress_only)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, k->id);
    store_bind_text(q, 4, day, (size_t)-1);
    if (due) store_bind_text(q, 5, dtext, (size_t)-1);
    else store_bind_null(q, 5);
    store_bind_int64(q, 6, k->tier);
    store_bind_text(q, 7, support_review_decision_code(spec->decision), (size_t)-1);
    store_bind_text(q, 8, sealed, (size_t)-1);
    store_bind_text(q, 9, ntext, (size_t)-1);
    if (account_id > 0) store_bind_int64(q, 10, account_id);
    else store_bind_null(q, 10);
    store_bind_text(q, 11, now, (size_t)-1);
    store_bind_int64(q, 12, (spec->view & SUPPORT_GOAL_TEACHING_ONLY) != 0);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    if (!spec->nprogress) return 0;
    q = store_prepare(st, "INSERT INTO review_progress (institution_id, review_id, goal_id, value)"
                          " VALUES (?, ?, ?, ?)", err);
    if (!q) return -1;
    for (size_t i = 0; rc >= 0 && i < spec->nprogress; i++) {
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, id);
        store_bind_int64(q, 3, spec->progress[i].goal_id);
        store_bind_double(q, 4, spec->progress[i].value);
        rc = store_step(q, err);
        store_reset(q);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The review task done, the next one made due on next; in the
** transaction. */
static int tasks_turn(store *st, int64_t inst, const support_case *k, int32_t day, int32_t next,
                      int64_t account_id, const char *now, cairn_err *err) {
    if (support_case_tasks_complete_in_tx(st, inst, k->id, SUPPORT_TASK_BIT(SUPPORT_TASK_REVIEW),
                                          now, account_id, err) < 0 ||
        support_case_tasks_create_in_tx(st, inst, k->id, k->key_worker_id,
                                        SUPPORT_TASK_BIT(SUPPORT_TASK_REVIEW), day, k->tier, now,
                                        err) < 0)
        return -1;
    char ntext[DATE_TEXT_LEN];
    date_format(next, ntext);
    store_stmt *q = store_prepare(st, "UPDATE case_task SET due_on = ? WHERE institution_id = ?"
                                      " AND case_id = ? AND kind = 'review' AND done_at IS NULL"
                                      " AND cancelled = 0", err);
    if (!q) return -1;
    store_bind_text(q, 1, ntext, (size_t)-1);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, k->id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Record a review (see review.h). */
int support_review_add(store *st, int64_t inst, int64_t account_id, unsigned rel,
                       int64_t case_id, const support_review_spec *spec, const char *at,
                       int64_t *review_id, support_review_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_REVIEW_OK;
    if (review_id) *review_id = 0;
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
        return review_refuse(SUPPORT_REVIEW_NOT_YOURS, problem, err);
    int teacher = (spec->view & SUPPORT_GOAL_TEACHING_ONLY) != 0;
    if (!support_review_decision_code(spec->decision) ||
        (teacher && spec->decision != SUPPORT_REVIEW_CONTINUE))
        return review_refuse(SUPPORT_REVIEW_DECISION_BAD, problem, err);
    if (teacher && spec->changed && spec->changed[0])
        return review_refuse(SUPPORT_REVIEW_CHANGED_BAD, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case *k = xcalloc(1, sizeof *k);
    buf sealed = BUF_INIT;   /* not HTML: the stored form */
    support_case_problem cp = SUPPORT_CASE_OK;
    int rc = -1;
    if (support_case_reason_check(spec->changed ? spec->changed : "", text, &cp)) {
        rc = review_refuse(SUPPORT_REVIEW_CHANGED_BAD, problem, err);
        goto out;
    }
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int found = support_case_get(st, inst, case_id, 0, k, err);
    if (found <= 0) {
        if (!found) err_set(err, CAIRN_ENOTFOUND, "there is no case %lld", (long long)case_id);
        goto fail;
    }
    if (k->state != SUPPORT_CASE_PLAN_AGREED && k->state != SUPPORT_CASE_MONITORING) {
        rc = review_refuse(SUPPORT_REVIEW_NOT_NOW, problem, err);
        goto fail;
    }
    if (spec->reviewed_on > case_day_of(now) || spec->reviewed_on < case_day_of(k->opened_at)) {
        rc = review_refuse(SUPPORT_REVIEW_DAY_BAD, problem, err);
        goto fail;
    }
    int32_t next = spec->next_on, due = 0;
    if (!next && support_review_due(st, inst, k->tier, spec->reviewed_on, &next, err) < 0)
        goto fail;
    if (next <= spec->reviewed_on || next > spec->reviewed_on + SUPPORT_REVIEW_NEXT_MAX_DAYS) {
        rc = review_refuse(SUPPORT_REVIEW_NEXT_BAD, problem, err);
        goto fail;
    }
    rc = progress_check(st, inst, case_id, spec, problem, err);
    if (rc != 0) goto fail;
    rc = -1;
    int64_t id = 0;
    if ((!teacher && open_review_due(st, inst, case_id, &due, err) < 0) ||
        support_case_text_seal(st, inst, text, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_review"
                              " WHERE institution_id = ?", inst, &id, err) < 0 ||
        review_insert(st, inst, id, k, spec, due, next, buf_cstr(&sealed), account_id, now,
                      err) < 0 ||
        (!teacher && tasks_turn(st, inst, k, spec->reviewed_on, next, account_id, now, err) < 0))
        goto fail;
    char rid[24], detail[160], day[DATE_TEXT_LEN], ntext[DATE_TEXT_LEN];
    date_format(spec->reviewed_on, day);
    date_format(next, ntext);
    snprintf(rid, sizeof rid, "%lld", (long long)id);
    snprintf(detail, sizeof detail, "case %lld: review %lld on %s, %s, %zu goals, next %s",
             (long long)case_id, (long long)id, day, support_review_decision_code(spec->decision),
             spec->nprogress, ntext);
    if ((!teacher && case_history_add_in_tx(st, inst, case_id, now, account_id, "task_done",
                                            "review", rid, "", err) < 0) ||
        support_case_audit(st, inst, account_id, k->learner_id, case_id,
                           teacher ? "review.progress" : "review.add", NULL, detail, err) < 0)
        goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    if (rc == 0 && review_id) *review_id = id;
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    free(text);
    free(k);
    return rc;
}
