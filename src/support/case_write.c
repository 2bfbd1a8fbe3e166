/*
** support/case_write.c — changing a case: a step of the lifecycle table,
** the tier, the team (see case.h).  Each writer checks its input, runs one
** write transaction holding the institution's audit lock, writes the
** change, its history row and its audit event, and commits.
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/plan.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cancel every open task of case_id (the case closes); in the transaction. */
static int tasks_cancel(store *st, int64_t inst, int64_t case_id, const char *at,
                        cairn_err *err) {
    store_stmt *q = store_prepare(st, "UPDATE case_task SET done_at = ?, cancelled = 1"
                                      " WHERE institution_id = ? AND case_id = ?"
                                      " AND done_at IS NULL", err);
    if (!q) return -1;
    store_bind_text(q, 1, at, (size_t)-1);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, case_id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Write the new state of case_id (and its outcome when closing); in the
** transaction. */
static int state_write(store *st, int64_t inst, int64_t case_id, const support_case_step *row,
                       int outcome, const char *reason, const char *at, cairn_err *err) {
    int closing = row->to == SUPPORT_CASE_CLOSED;
    buf sealed = BUF_INIT;   /* not HTML: the stored outcome reason */
    if (closing && support_case_text_seal(st, inst, reason, &sealed, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st, "UPDATE support_case SET state = ?, updated_at = ?,"
                                      " closed_at = ?, outcome = ?, outcome_reason = ?"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) {
        buf_free(&sealed);
        return -1;
    }
    store_bind_text(q, 1, support_case_state_code(row->to), (size_t)-1);
    store_bind_text(q, 2, at, (size_t)-1);
    if (closing) {
        store_bind_text(q, 3, at, (size_t)-1);
        store_bind_text(q, 4, support_case_outcome_code(outcome), (size_t)-1);
        store_bind_text(q, 5, buf_cstr(&sealed), (size_t)-1);
    } else {
        store_bind_null(q, 3);
        store_bind_null(q, 4);
        store_bind_null(q, 5);
    }
    store_bind_int64(q, 6, inst);
    store_bind_int64(q, 7, case_id);
    int rc = store_step(q, err);
    store_finalize(q);
    buf_free(&sealed);
    return rc < 0 ? -1 : 0;
}

/* Take a checked step (see case_internal.h). */
int case_step_apply_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                          int state, int tier, int64_t kw, int64_t learner,
                          const support_case_step *row, int outcome, const char *text,
                          const char *now, cairn_err *err) {
    char to[40];
    if (row->to == SUPPORT_CASE_CLOSED)
        snprintf(to, sizeof to, "closed:%s", support_case_outcome_code(outcome));
    else
        str_copy(to, sizeof to, support_case_state_code(row->to));
    int32_t day = case_day_of(now);
    char detail[128];
    snprintf(detail, sizeof detail, "case %lld: %s from %s to %s", (long long)case_id, row->code,
             support_case_state_code(state), to);
    if (state_write(st, inst, case_id, row, outcome, text, now, err) < 0 ||
        support_case_tasks_complete_in_tx(st, inst, case_id, row->completes, now, account_id,
                                          err) < 0 ||
        (row->to == SUPPORT_CASE_CLOSED && tasks_cancel(st, inst, case_id, now, err) < 0) ||
        support_case_tasks_create_in_tx(st, inst, case_id, kw, row->creates, day, tier, now,
                                        err) < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "step",
                               support_case_state_code(state), to, text, err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.step", NULL, detail,
                           err) < 0)
        return -1;
    return 0;
}

/* Take a step of the table (see case.h). */
int support_case_step_take(store *st, int64_t inst, int64_t account_id, unsigned rel,
                           int64_t case_id, const char *code, const char *reason, int outcome,
                           const char *at, support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = -1;
    if (support_case_reason_check(reason, text, &p)) {
        rc = case_refuse(p, problem, err);
        goto out;
    }
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int state, tier;
    int64_t kw, learner;
    if (case_state_get(st, inst, case_id, &state, &tier, &kw, &learner, err) < 0) goto fail;
    const support_case_step *row = NULL;
    if (support_case_step_check((support_case_state)state, code, rel, &row, &p, err)) {
        if (problem) *problem = p;
        rc = 1;
        goto fail;
    }
    if (row->needs_reason && !text[0]) {
        rc = case_refuse(SUPPORT_CASE_REASON_MISSING, problem, err);
        goto fail;
    }
    if (row->needs_outcome && !support_case_outcome_code(outcome)) {
        rc = case_refuse(SUPPORT_CASE_OUTCOME_MISSING, problem, err);
        goto fail;
    }
    if (row->to == SUPPORT_CASE_PLAN_AGREED) {   /* a plan is agreed on its goals */
        int64_t goals = 0;
        if (support_goal_count(st, inst, case_id, &goals, err) < 0) goto fail;
        if (!goals) {
            rc = case_refuse(SUPPORT_CASE_NO_GOAL, problem, err);
            goto fail;
        }
    }
    if (row->approval) {
        int waiting = case_approval_waiting_in_tx(st, inst, case_id, err);
        int on = waiting ? 0 : support_case_approval_required(st, inst, row->approval, err);
        if (waiting < 0 || on < 0) goto fail;
        if (waiting) {
            rc = case_refuse(SUPPORT_CASE_APPROVAL_PENDING, problem, err);
            goto fail;
        }
        if (on) {   /* a request for a school leader's approval, not the step */
            rc = case_approval_ask_in_tx(st, inst, account_id, case_id, learner, row->code,
                                         outcome, 0, text, now, problem, err);
            if (rc != 0) goto fail;
            rc = store_tx_commit(st, err) < 0 ? -1 : 0;
            goto out;
        }
    }
    if (case_step_apply_in_tx(st, inst, account_id, case_id, state, tier, kw, learner, row,
                              outcome, text, now, err) < 0)
        goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(text);
    return rc;
}

/* Refuse unless rel holds the key worker and the case is open: 0 go on,
** 1 refused, -1 error; in the transaction (found and learner filled). */
static int key_worker_change_check(store *st, int64_t inst, unsigned rel, int64_t case_id,
                                   int *tier, int64_t *kw, int64_t *learner,
                                   support_case_problem *problem, cairn_err *err) {
    int state;
    if (case_state_get(st, inst, case_id, &state, tier, kw, learner, err) < 0) return -1;
    if (!(rel & SUPPORT_CASE_REL_KEY_WORKER))
        return case_refuse(SUPPORT_CASE_NOT_YOURS, problem, err);
    if (state == SUPPORT_CASE_CLOSED) return case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
    return 0;
}

/* Touch updated_at of a case; in the transaction. */
static int case_touch(store *st, int64_t inst, int64_t case_id, const char *at, cairn_err *err) {
    store_stmt *q = store_prepare(st, "UPDATE support_case SET updated_at = ?"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, at, (size_t)-1);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, case_id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Set the tier (see case.h). */
int support_case_tier_set(store *st, int64_t inst, int64_t account_id, unsigned rel,
                          int64_t case_id, int tier, const char *reason, const char *at,
                          support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!support_case_tier_code(tier)) return case_refuse(SUPPORT_CASE_TIER_BAD, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = -1, old;
    int64_t kw, learner;
    if (support_case_reason_check(reason, text, &p) || !text[0]) {
        rc = case_refuse(p ? p : SUPPORT_CASE_REASON_MISSING, problem, err);
        goto out;
    }
    if (case_tx_begin(st, inst, err) < 0) goto out;
    rc = key_worker_change_check(st, inst, rel, case_id, &old, &kw, &learner, problem, err);
    if (rc == 0 && old == tier) rc = case_refuse(SUPPORT_CASE_TIER_SAME, problem, err);
    if (rc != 0) goto fail;
    rc = -1;
    store_stmt *q = store_prepare(st, "UPDATE support_case SET tier = ?, updated_at = ?"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, tier);
    store_bind_text(q, 2, now, (size_t)-1);
    store_bind_int64(q, 3, inst);
    store_bind_int64(q, 4, case_id);
    int s = store_step(q, err);
    store_finalize(q);
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld: tier %s to %s", (long long)case_id,
             support_case_tier_code(old), support_case_tier_code(tier));
    if (s < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "tier",
                               support_case_tier_code(old), support_case_tier_code(tier), text,
                               err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.tier", NULL, detail,
                           err) < 0)
        goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(text);
    return rc;
}

/* 1 if staff_id may join a team (a staff member with an enabled account),
** 0 not, -1 error. */
static int staff_with_account(store *st, int64_t inst, int64_t staff_id, cairn_err *err) {
    return case_any(st, "SELECT count(*) FROM account a WHERE a.institution_id = ?"
                    " AND a.person_kind = 'staff' AND a.person_id = ?"
                    " AND a.disabled = 0",
                    inst, staff_id, err);
}

/* Add a team member (see case.h). */
int support_case_team_add(store *st, int64_t inst, int64_t account_id, unsigned rel,
                          int64_t case_id, int64_t staff_id, int role, const char *at,
                          support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!support_case_role_code(role)) return case_refuse(SUPPORT_CASE_ROLE_BAD, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    if (case_tx_begin(st, inst, err) < 0) return -1;
    int tier;
    int64_t kw, learner;
    int rc = key_worker_change_check(st, inst, rel, case_id, &tier, &kw, &learner, problem, err);
    if (rc != 0) return case_tx_fail(st, rc);
    int ok = staff_id > 0 ? staff_with_account(st, inst, staff_id, err) : 0;
    if (ok < 0) return case_tx_fail(st, -1);
    if (!ok) return case_tx_fail(st, case_refuse(SUPPORT_CASE_STAFF_UNKNOWN, problem, err));
    unsigned has = 0;
    if (support_case_relation(st, inst, case_id, staff_id, &has, err) < 0)
        return case_tx_fail(st, -1);
    if (has) return case_tx_fail(st, case_refuse(SUPPORT_CASE_TEAM_ALREADY, problem, err));
    if (case_team_insert_in_tx(st, inst, case_id, staff_id, role, account_id, now, err) < 0 ||
        case_touch(st, inst, case_id, now, err) < 0)
        return case_tx_fail(st, -1);
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Remove a team member (see case.h). */
int support_case_team_remove(store *st, int64_t inst, int64_t account_id, unsigned rel,
                             int64_t case_id, int64_t staff_id, support_case_problem *problem,
                             cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    char now[32];
    date_now_iso(now);
    if (case_tx_begin(st, inst, err) < 0) return -1;
    int tier;
    int64_t kw, learner;
    int rc = key_worker_change_check(st, inst, rel, case_id, &tier, &kw, &learner, problem, err);
    if (rc != 0) return case_tx_fail(st, rc);
    store_stmt *q = store_prepare(st, "SELECT role FROM case_team_member WHERE institution_id = ?"
                                      " AND case_id = ? AND staff_id = ?", err);
    if (!q) return case_tx_fail(st, -1);
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, staff_id);
    char role[24] = "";
    int s = store_step(q, err);
    if (s == STORE_ROW) str_copy(role, sizeof role, store_col_text(q, 0));
    store_finalize(q);
    if (s < 0) return case_tx_fail(st, -1);
    if (s != STORE_ROW)
        return case_tx_fail(st, case_refuse(SUPPORT_CASE_TEAM_NOT_MEMBER, problem, err));
    q = store_prepare(st, "DELETE FROM case_team_member WHERE institution_id = ? AND case_id = ?"
                          " AND staff_id = ?", err);
    if (!q) return case_tx_fail(st, -1);
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, staff_id);
    s = store_step(q, err);
    store_finalize(q);
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld: staff %lld removed (%s)", (long long)case_id,
             (long long)staff_id, role);
    if (s < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "team_remove", role, "", "",
                               err) < 0 ||
        case_touch(st, inst, case_id, now, err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.team_remove", NULL,
                           detail, err) < 0)
        return case_tx_fail(st, -1);
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}
