/*
** support/case_withdraw.c — the sender withdrawing a handover offer that
** waits, to a key worker or to another institution; the key worker
** withdrawing their request waiting for a school leader's approval (see
** case_withdraw.h).
*/
#include "support/case_withdraw.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/case_move_internal.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Mark row id of table withdrawn by account_id at now with the sealed
** reason; in the transaction.  0 or -1.  An offer (case_transfer,
** case_move) keeps the reason in its answer; an approval request
** (case_approval) in its comment, and only while it waits. */
static int mark_withdrawn(store *st, const char *table, int64_t inst, int64_t id,
                          int64_t account_id, const char *sealed, const char *now,
                          cairn_err *err) {
    int request = !strcmp(table, "case_approval");
    assert(request || !strcmp(table, "case_transfer") || !strcmp(table, "case_move"));
    char sql[240];
    snprintf(sql, sizeof sql, "UPDATE %s SET state = 'withdrawn', answered_by = ?,"
                              " answered_at = ?, %s = ? WHERE institution_id = ? AND id = ?%s",
             table, request ? "comment" : "answer", request ? " AND state = 'pending'" : "");
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    if (account_id > 0) store_bind_int64(q, 1, account_id);
    else store_bind_null(q, 1);
    store_bind_text(q, 2, now, (size_t)-1);
    store_bind_text(q, 3, sealed, (size_t)-1);
    store_bind_int64(q, 4, inst);
    store_bind_int64(q, 5, id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Withdraw whichever offer waits on case_id (its key worker kw, learner);
** in the transaction.  0 done, 1 refused, -1. */
static int withdraw_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                          int64_t kw, int64_t learner, const char *text, const char *now,
                          support_case_problem *problem, cairn_err *err) {
    support_case_transfer *x = xcalloc(1, sizeof *x);
    support_case_move *m = xcalloc(1, sizeof *m);
    buf sealed = BUF_INIT;   /* not HTML: the stored reason */
    char from[24], to[40], detail[96];
    const char *table = "case_transfer", *action = "case.transfer_withdraw";
    int64_t id = 0;
    int rc = -1;
    int have = support_case_transfer_pending(st, inst, case_id, 0, x, err);
    if (have > 0) {
        id = x->id;
        snprintf(from, sizeof from, "%lld", (long long)x->from_staff);
        snprintf(to, sizeof to, "%lld", (long long)x->to_staff);
        snprintf(detail, sizeof detail, "case %lld: handover to staff %lld withdrawn",
                 (long long)case_id, (long long)x->to_staff);
    } else if (have == 0) {
        have = support_case_move_of_case(st, inst, case_id, 0, m, err);
        if (have > 0 && strcmp(m->state, "pending")) {
            rc = case_refuse(SUPPORT_CASE_OFFER_APPROVAL, problem, err);
            goto out;
        }
        id = m->id;
        table = "case_move";
        action = "case.move_withdraw";
        snprintf(from, sizeof from, "%lld", (long long)kw);
        snprintf(to, sizeof to, "institution %lld", (long long)m->to_institution);
        snprintf(detail, sizeof detail, "case %lld: handover to institution %lld withdrawn",
                 (long long)case_id, (long long)m->to_institution);
    }
    if (have <= 0) {
        if (have == 0) rc = case_refuse(SUPPORT_CASE_OFFER_NONE, problem, err);
        goto out;
    }
    if (support_case_text_seal(st, inst, text, &sealed, err) < 0 ||
        mark_withdrawn(st, table, inst, id, account_id, buf_cstr(&sealed), now, err) < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "transfer_withdraw", from, to,
                               text, err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, action, NULL, detail, err) < 0)
        goto out;
    rc = 0;
out:
    buf_free(&sealed);
    free(m);
    free(x);
    return rc;
}

/* Withdraw the offer waiting on a case (see case_withdraw.h). */
int support_case_offer_withdraw(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                int64_t case_id, const char *reason, const char *at,
                                support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_LEADER)))
        return case_refuse(SUPPORT_CASE_OFFER_NOT_YOURS, problem, err);
    char now[32];
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    int rc = case_reason_take(reason, at, now, text, problem, err);
    if (rc != 0) goto out;
    rc = -1;
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int state, tier;
    int64_t kw, learner;
    if (case_state_get(st, inst, case_id, &state, &tier, &kw, &learner, err) < 0) {
        store_tx_rollback(st);
        goto out;
    }
    rc = withdraw_in_tx(st, inst, account_id, case_id, kw, learner, text, now, problem, err);
    if (rc != 0) store_tx_rollback(st);
    else if (store_tx_commit(st, err) < 0) rc = -1;
out:
    free(text);
    return rc;
}

/* The state of request_id of case_id into state (cap bytes): 1 found, 0
** none, -1; in the transaction. */
static int request_state(store *st, int64_t inst, int64_t case_id, int64_t request_id,
                         char *state, size_t cap, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT state FROM case_approval WHERE institution_id = ?"
                                      " AND id = ? AND case_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, request_id);
    store_bind_int64(q, 3, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) str_copy(state, cap, store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* Find the request to withdraw into *x (request_id, or whichever waits
** when 0) and check that account_id may; in the transaction.  0 found, 1
** refused, -1. */
static int request_find(store *st, int64_t inst, int64_t account_id, unsigned rel,
                        int64_t case_id, int64_t request_id, support_case_approval *x,
                        support_case_problem *problem, cairn_err *err) {
    int have = support_case_approval_pending(st, inst, case_id, 0, x, err);
    if (have < 0) return -1;
    if (have && request_id > 0 && x->id != request_id) have = 0;
    if (!have) {
        char state[16] = "";
        int was = request_id > 0
                      ? request_state(st, inst, case_id, request_id, state, sizeof state, err)
                      : 0;
        if (was < 0) return -1;
        if (!was) return case_refuse(SUPPORT_CASE_APPROVAL_NONE, problem, err);
        case_refuse(SUPPORT_CASE_APPROVAL_ANSWERED, problem, err);
        err_set(err, CAIRN_EINVAL, "request %lld of case %lld was %s already: there is nothing "
                                   "to withdraw", (long long)request_id, (long long)case_id,
                state);
        return 1;
    }
    if (x->asked_by != account_id && !(rel & SUPPORT_CASE_REL_KEY_WORKER))
        return case_refuse(SUPPORT_CASE_APPROVAL_NOT_ASKER, problem, err);
    return 0;
}

/* Withdraw request x of case_id (its learner): the request, for a handover
** to another institution its offer waiting in state "approval", a history
** row, an audit event; in the transaction.  0 or -1. */
static int request_withdraw_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                                  const support_case_approval *x, const char *text,
                                  const char *now, cairn_err *err) {
    support_case_move *m = xcalloc(1, sizeof *m);
    buf sealed = BUF_INIT;   /* not HTML: the stored reason */
    char detail[128];
    int rc = -1, moved = 0;
    snprintf(detail, sizeof detail, "case %lld: %s request withdrawn", (long long)case_id,
             x->kind);
    if (!strcmp(x->kind, "transfer") && !x->to_staff) {   /* to another institution */
        moved = support_case_move_of_case(st, inst, case_id, 0, m, err);
        if (moved < 0) goto out;
        moved = moved && !strcmp(m->state, "approval");
        if (moved)
            snprintf(detail, sizeof detail, "case %lld: transfer request withdrawn, with its "
                                            "offer to institution %lld",
                     (long long)case_id, (long long)m->to_institution);
    }
    if (support_case_text_seal(st, inst, text, &sealed, err) < 0 ||
        mark_withdrawn(st, "case_approval", inst, x->id, account_id, buf_cstr(&sealed), now,
                       err) < 0 ||
        (moved && mark_withdrawn(st, "case_move", inst, m->id, account_id, buf_cstr(&sealed),
                                 now, err) < 0) ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "approval_withdraw", x->kind,
                               "withdrawn", text, err) < 0 ||
        support_case_audit(st, inst, account_id, x->learner_id, case_id, "case.approval_withdraw",
                           NULL, detail, err) < 0)
        goto out;
    rc = 0;
out:
    buf_free(&sealed);
    free(m);
    return rc;
}

/* Withdraw a request waiting for approval (see case_withdraw.h). */
int support_case_approval_withdraw(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                   int64_t case_id, int64_t request_id, const char *reason,
                                   const char *at, support_case_problem *problem,
                                   cairn_err *err) {
    assert(st && account_id > 0);
    if (problem) *problem = SUPPORT_CASE_OK;
    char now[32];
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_approval *x = xcalloc(1, sizeof *x);
    int rc = case_reason_take(reason, at, now, text, problem, err);
    if (rc != 0) goto out;
    rc = -1;
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int state, tier;
    int64_t kw, learner;
    if (case_state_get(st, inst, case_id, &state, &tier, &kw, &learner, err) < 0) goto fail;
    rc = request_find(st, inst, account_id, rel, case_id, request_id, x, problem, err);
    if (rc != 0) goto fail;
    rc = -1;
    if (request_withdraw_in_tx(st, inst, account_id, case_id, x, text, now, err) < 0) goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(x);
    free(text);
    return rc;
}
