/*
** support/case_transfer.c — handing a case over to another key worker:
** the offer, and the receiver's answer (see case.h, "handovers").
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/actions.h"
#include "support/audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 if staff_id may be a key worker (support/actions.h's rule), 0 not,
** -1 error (see case_internal.h). */
int case_key_worker_eligible(store *st, int64_t inst, int64_t staff_id, cairn_err *err) {
    support_staff *rows = NULL;
    size_t n = 0;
    if (support_key_worker_eligible(st, inst, &rows, &n, err) < 0) return -1;
    int ok = 0;
    for (size_t i = 0; i < n; i++) ok |= rows[i].id == staff_id;
    free(rows);
    return ok;
}

/* Run an UPDATE or INSERT of sql with int64 parameters p[0..np) and text
** parameters t[0..nt) after them (NULL binds NULL); in the transaction. */
static int exec_params(store *st, const char *sql, const int64_t *p, int np, const char *const *t,
                       int nt, cairn_err *err) {
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    for (int i = 0; i < np; i++) store_bind_int64(q, i + 1, p[i]);
    for (int i = 0; i < nt; i++) {
        if (t[i]) store_bind_text(q, np + i + 1, t[i], (size_t)-1);
        else store_bind_null(q, np + i + 1);
    }
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Write the offer (see case_internal.h). */
int case_transfer_offer_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                              int64_t kw, int64_t learner, int64_t to_staff, const char *text,
                              const char *now, cairn_err *err) {
    buf sealed = BUF_INIT;   /* not HTML: the stored reason */
    int64_t id = 0;
    if (support_case_text_seal(st, inst, text, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_transfer"
                              " WHERE institution_id = ?", inst, &id, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    const int64_t ip[] = {inst, id, case_id, kw, to_staff, account_id};
    const char *const tp[] = {buf_cstr(&sealed), now};
    char from[24], to[24], detail[96];
    snprintf(from, sizeof from, "%lld", (long long)kw);
    snprintf(to, sizeof to, "%lld", (long long)to_staff);
    snprintf(detail, sizeof detail, "case %lld: offered to staff %lld", (long long)case_id,
             (long long)to_staff);
    int rc = exec_params(st, "INSERT INTO case_transfer (institution_id, id, case_id, from_staff,"
                             " to_staff, asked_by, state, reason, asked_at) VALUES"
                             " (?, ?, ?, ?, ?, ?, 'pending', ?, ?)", ip, 6, tp, 2, err) < 0 ||
                     case_history_add_in_tx(st, inst, case_id, now, account_id, "transfer_ask",
                                            from, to, text, err) < 0 ||
                     support_case_audit(st, inst, account_id, learner, case_id,
                                        "case.transfer_ask", NULL, detail, err) < 0
                 ? -1
                 : 0;
    buf_free(&sealed);
    return rc;
}

/* Offer a case to another key worker (see case.h). */
int support_case_transfer_ask(store *st, int64_t inst, int64_t account_id, unsigned rel,
                              int64_t case_id, int64_t to_staff, const char *reason,
                              const char *at, support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & SUPPORT_CASE_REL_KEY_WORKER))
        return case_refuse(SUPPORT_CASE_NOT_YOURS, problem, err);
    char now[32];
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    int rc = case_reason_take(reason, at, now, text, problem, err);
    if (rc != 0) goto out;
    rc = -1;
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int state, tier;
    int64_t kw, learner, pending = 0;
    if (case_state_get(st, inst, case_id, &state, &tier, &kw, &learner, err) < 0) goto fail;
    if (state == SUPPORT_CASE_CLOSED) {
        rc = case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
        goto fail;
    }
    int ok = to_staff > 0 && to_staff != kw ? case_key_worker_eligible(st, inst, to_staff, err) : 0;
    if (ok < 0) goto fail;
    if (!ok) {
        rc = case_refuse(SUPPORT_CASE_STAFF_UNKNOWN, problem, err);
        goto fail;
    }
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM case_transfer WHERE institution_id = ?"
                                      " AND case_id = ? AND state = 'pending'", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    if (store_step(q, err) == STORE_ROW) pending = store_col_int64(q, 0);
    else pending = -1;
    store_finalize(q);
    if (!pending) pending = case_move_waiting_in_tx(st, inst, case_id, err);   /* elsewhere */
    if (pending < 0) goto fail;
    if (pending) {
        rc = case_refuse(SUPPORT_CASE_TRANSFER_PENDING, problem, err);
        goto fail;
    }
    int on = support_case_approval_required(st, inst, SUPPORT_CASE_APPROVAL_TRANSFER, err);
    if (on < 0) goto fail;
    if (on) {   /* a request for a school leader's approval, not the offer yet */
        rc = case_approval_ask_in_tx(st, inst, account_id, case_id, learner, "transfer", 0,
                                     to_staff, text, now, problem, err);
        if (rc != 0) goto fail;
    } else {
        int waiting = case_approval_waiting_in_tx(st, inst, case_id, err);
        if (waiting < 0) goto fail;
        if (waiting) {
            rc = case_refuse(SUPPORT_CASE_APPROVAL_PENDING, problem, err);
            goto fail;
        }
        if (case_transfer_offer_in_tx(st, inst, account_id, case_id, kw, learner, to_staff, text,
                                      now, err) < 0)
            goto fail;
    }
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(text);
    return rc;
}

/* What accepting does to the case: the new key worker, their tasks, the
** team, a first contact due; in the transaction. */
static int accept_apply(store *st, int64_t inst, int64_t case_id, int64_t from, int64_t to,
                        int tier, const char *now, cairn_err *err) {
    const int64_t owners[] = {to, inst, case_id, from};
    const int64_t team[] = {inst, case_id, to};
    store_stmt *q = store_prepare(st, "UPDATE support_case SET key_worker_id = ?, updated_at = ?"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, to);
    store_bind_text(q, 2, now, (size_t)-1);
    store_bind_int64(q, 3, inst);
    store_bind_int64(q, 4, case_id);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0 ||
        exec_params(st, "UPDATE case_task SET owner_id = ? WHERE institution_id = ?"
                        " AND case_id = ? AND owner_id = ? AND done_at IS NULL", owners, 4, NULL,
                    0, err) < 0 ||
        exec_params(st, "DELETE FROM case_team_member WHERE institution_id = ? AND case_id = ?"
                        " AND staff_id = ?", team, 3, NULL, 0, err) < 0)
        return -1;
    return support_case_tasks_create_in_tx(st, inst, case_id, to,
                                           SUPPORT_TASK_BIT(SUPPORT_TASK_FIRST_CONTACT),
                                           case_day_of(now), tier, now, err);
}

/* Answer an offer (see case.h). */
int support_case_transfer_answer(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                 int64_t case_id, int accept, const char *comment,
                                 const char *at, support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & SUPPORT_CASE_REL_RECEIVER))
        return case_refuse(SUPPORT_CASE_TRANSFER_NONE, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p = SUPPORT_CASE_OK;
    buf sealed = BUF_INIT;   /* not HTML: the stored answer */
    int rc = -1;
    if (support_case_reason_check(comment, text, &p) || (!accept && !text[0])) {
        rc = case_refuse(p ? p : SUPPORT_CASE_REASON_MISSING, problem, err);
        goto out;
    }
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int state, tier;
    int64_t kw, learner;
    int found = case_state_read(st, inst, case_id, &state, &tier, &kw, &learner, err);
    support_case_transfer x;
    int have = found > 0 ? support_case_transfer_pending(st, inst, case_id, 0, &x, err) : found;
    if (have < 0) goto fail;
    if (!have) {
        rc = case_refuse(SUPPORT_CASE_TRANSFER_NONE, problem, err);
        goto fail;
    }
    char from[24], to[24], detail[96];
    snprintf(from, sizeof from, "%lld", (long long)x.from_staff);
    snprintf(to, sizeof to, "%lld", (long long)x.to_staff);
    snprintf(detail, sizeof detail, "case %lld: handover to staff %lld %s", (long long)case_id,
             (long long)x.to_staff, accept ? "accepted" : "declined");
    if (support_case_text_seal(st, inst, text, &sealed, err) < 0) goto fail;
    store_stmt *q = store_prepare(st, "UPDATE case_transfer SET answered_by = ?, state = ?,"
                                      " answered_at = ?, answer = ? WHERE institution_id = ?"
                                      " AND id = ?", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, account_id);
    store_bind_text(q, 2, accept ? "accepted" : "declined", (size_t)-1);
    store_bind_text(q, 3, now, (size_t)-1);
    store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
    store_bind_int64(q, 5, inst);
    store_bind_int64(q, 6, x.id);
    int s = store_step(q, err);
    store_finalize(q);
    if (s < 0) goto fail;
    if ((accept && accept_apply(st, inst, case_id, x.from_staff, x.to_staff, tier, now, err) < 0) ||
        case_history_add_in_tx(st, inst, case_id, now, account_id,
                               accept ? "transfer_accept" : "transfer_decline", from, to, text,
                               err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id,
                           accept ? "case.transfer_accept" : "case.transfer_decline", NULL,
                           detail, err) < 0 ||
        (accept && case_learner_tell_in_tx(st, inst, account_id, case_id, learner, x.to_staff,
                                           now, err) < 0))
        goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    free(text);
    return rc;
}

#define TRANSFER_COLUMNS                                                              \
    "SELECT x.id, x.case_id, c.learner_id, x.from_staff, x.to_staff, f.given_name,"      \
    " f.family_name, t.given_name, t.family_name, l.given_name, l.family_name,"          \
    " x.asked_at, x.reason FROM case_transfer x"                                        \
    " JOIN support_case c ON c.institution_id = x.institution_id AND c.id = x.case_id"  \
    " JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id"    \
    " JOIN staff f ON f.institution_id = x.institution_id AND f.id = x.from_staff"      \
    " JOIN staff t ON t.institution_id = x.institution_id AND t.id = x.to_staff"

/* Fill *x from a TRANSFER_COLUMNS row (reason opened when with_text). */
static int transfer_row(store *st, int64_t inst, store_stmt *q, int with_text,
                        support_case_transfer *x, cairn_err *err) {
    memset(x, 0, sizeof *x);
    x->id = store_col_int64(q, 0);
    x->case_id = store_col_int64(q, 1);
    x->learner_id = store_col_int64(q, 2);
    x->from_staff = store_col_int64(q, 3);
    x->to_staff = store_col_int64(q, 4);
    snprintf(x->from_name, sizeof x->from_name, "%s %s", store_col_text(q, 5),
             store_col_text(q, 6));
    snprintf(x->to_name, sizeof x->to_name, "%s %s", store_col_text(q, 7), store_col_text(q, 8));
    snprintf(x->learner_name, sizeof x->learner_name, "%s %s", store_col_text(q, 9),
             store_col_text(q, 10));
    str_copy(x->asked_at, sizeof x->asked_at, store_col_text(q, 11));
    if (!with_text) return 0;
    buf plain = BUF_INIT;   /* not HTML: the reason */
    int rc = support_case_text_open(st, inst, store_col_text(q, 12), &plain, err);
    if (rc == 0) str_copy(x->reason, sizeof x->reason, buf_cstr(&plain));
    buf_free(&plain);
    return rc;
}

/* The offer waiting on a case (see case.h). */
int support_case_transfer_pending(store *st, int64_t inst, int64_t case_id, int with_text,
                                  support_case_transfer *out, cairn_err *err) {
    store_stmt *q = store_prepare(st, TRANSFER_COLUMNS " WHERE x.institution_id = ?"
                                      " AND x.case_id = ? AND x.state = 'pending'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && transfer_row(st, inst, q, with_text, out, err) < 0) rc = -1;
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* The offers waiting for a staff member (see case.h). */
int support_case_transfers_for(store *st, int64_t inst, int64_t to_staff,
                               support_case_transfer **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, TRANSFER_COLUMNS " WHERE x.institution_id = ?"
                                      " AND x.to_staff = ? AND x.state = 'pending'"
                                      " ORDER BY x.asked_at, x.id LIMIT 200", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, to_staff);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        transfer_row(st, inst, q, 0, &(*rows)[(*n)++], err);
    }
    store_finalize(q);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
