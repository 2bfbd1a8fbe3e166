/*
** support/case_approval.c — a school leader's approval of closing a case
** or handing it over, where the institution requires it (see case.h,
** "approvals").
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/setting.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the setting is on (see case.h). */
int support_case_approval_required(store *st, int64_t inst, const char *name, cairn_err *err) {
    int64_t v = 0;
    if (support_setting_get(st, inst, name, &v, err) < 0) return -1;
    return v != 0;
}

/* 1 when a request waits on case_id (see case_internal.h). */
int case_approval_waiting_in_tx(store *st, int64_t inst, int64_t case_id, cairn_err *err) {
    return case_any(st, "SELECT count(*) FROM case_approval WHERE institution_id = ?"
                    " AND case_id = ? AND state = 'pending'",
                    inst, case_id, err);
}

/* Write a request (see case_internal.h). */
int case_approval_ask_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                            int64_t learner, const char *kind, int outcome, int64_t to_staff,
                            const char *text, const char *now, support_case_problem *problem,
                            cairn_err *err) {
    int waiting = case_approval_waiting_in_tx(st, inst, case_id, err);
    if (waiting < 0) return -1;
    if (waiting) return case_refuse(SUPPORT_CASE_APPROVAL_PENDING, problem, err);
    buf sealed = BUF_INIT;   /* not HTML: the stored reason */
    int64_t id = 0;
    if (support_case_text_seal(st, inst, text, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_approval"
                              " WHERE institution_id = ?", inst, &id, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st, "INSERT INTO case_approval (institution_id, id, case_id,"
                                      " kind, outcome, to_staff, state, reason, asked_by,"
                                      " asked_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                                  err);
    if (!q) {
        buf_free(&sealed);
        return -1;
    }
    const char *oc = support_case_outcome_code(outcome);
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, case_id);
    store_bind_text(q, 4, kind, (size_t)-1);
    if (oc) store_bind_text(q, 5, oc, (size_t)-1);
    else store_bind_null(q, 5);
    if (to_staff > 0) store_bind_int64(q, 6, to_staff);
    else store_bind_null(q, 6);
    store_bind_text(q, 7, buf_cstr(&sealed), (size_t)-1);
    store_bind_int64(q, 8, account_id);
    store_bind_text(q, 9, now, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    buf_free(&sealed);
    char to[40], detail[96];
    if (to_staff > 0) snprintf(to, sizeof to, "%lld", (long long)to_staff);
    else str_copy(to, sizeof to, oc ? oc : "");
    snprintf(detail, sizeof detail, "case %lld: %s asked, waiting for approval",
             (long long)case_id, kind);
    if (rc < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "approval_ask", kind, to,
                               text, err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.approval_ask", NULL,
                           detail, err) < 0)
        return -1;
    return 0;
}

#define APPROVAL_COLUMNS                                                              \
    "SELECT x.id, x.case_id, c.learner_id, x.asked_by, coalesce(x.to_staff, 0), x.kind," \
    " coalesce(x.outcome, ''), coalesce(a.display_name, ''), coalesce(t.given_name, ''),"\
    " coalesce(t.family_name, ''), l.given_name, l.family_name, x.asked_at, x.reason"  \
    " FROM case_approval x"                                                            \
    " JOIN support_case c ON c.institution_id = x.institution_id AND c.id = x.case_id" \
    " JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id"   \
    " LEFT JOIN account a ON a.id = x.asked_by"                                        \
    " LEFT JOIN staff t ON t.institution_id = x.institution_id AND t.id = x.to_staff"

/* Fill *x from an APPROVAL_COLUMNS row (reason opened when with_text). */
static int approval_row(store *st, int64_t inst, store_stmt *q, int with_text,
                        support_case_approval *x, cairn_err *err) {
    memset(x, 0, sizeof *x);
    x->id = store_col_int64(q, 0);
    x->case_id = store_col_int64(q, 1);
    x->learner_id = store_col_int64(q, 2);
    x->asked_by = store_col_int64(q, 3);
    x->to_staff = store_col_int64(q, 4);
    str_copy(x->kind, sizeof x->kind, store_col_text(q, 5));
    int o = support_case_outcome_parse(store_col_text(q, 6));
    x->outcome = o > 0 ? o : 0;
    str_copy(x->asked_by_name, sizeof x->asked_by_name, store_col_text(q, 7));
    if (x->to_staff)
        snprintf(x->to_name, sizeof x->to_name, "%s %s", store_col_text(q, 8),
                 store_col_text(q, 9));
    snprintf(x->learner_name, sizeof x->learner_name, "%s %s", store_col_text(q, 10),
             store_col_text(q, 11));
    str_copy(x->asked_at, sizeof x->asked_at, store_col_text(q, 12));
    if (!with_text) return 0;
    buf plain = BUF_INIT;   /* not HTML: the reason */
    int rc = support_case_text_open(st, inst, store_col_text(q, 13), &plain, err);
    if (rc == 0) str_copy(x->reason, sizeof x->reason, buf_cstr(&plain));
    buf_free(&plain);
    return rc;
}

/* The request waiting on a case (see case.h). */
int support_case_approval_pending(store *st, int64_t inst, int64_t case_id, int with_text,
                                  support_case_approval *out, cairn_err *err) {
    store_stmt *q = store_prepare(st, APPROVAL_COLUMNS " WHERE x.institution_id = ?"
                                      " AND x.case_id = ? AND x.state = 'pending'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && approval_row(st, inst, q, with_text, out, err) < 0) rc = -1;
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* Every request waiting in the institution (see case.h). */
int support_case_approvals_waiting(store *st, int64_t inst, support_case_approval **rows,
                                   size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, APPROVAL_COLUMNS " WHERE x.institution_id = ?"
                                      " AND x.state = 'pending' ORDER BY x.asked_at, x.id"
                                      " LIMIT 200", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        approval_row(st, inst, q, 0, &(*rows)[(*n)++], err);
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

/* What approving x does: the close step or the offer, by the asker; 0, 1
** refused (*problem), -1; in the transaction. */
static int approved_apply(store *st, int64_t inst, const support_case_approval *x,
                          const char *now, support_case_problem *problem, cairn_err *err) {
    int state, tier;
    int64_t kw, learner;
    if (case_state_get(st, inst, x->case_id, &state, &tier, &kw, &learner, err) < 0) return -1;
    if (!strcmp(x->kind, "close")) {
        const support_case_step *row = NULL;
        support_case_problem p = SUPPORT_CASE_OK;
        if (support_case_step_check((support_case_state)state, "close",
                                    SUPPORT_CASE_REL_KEY_WORKER, &row, &p, err)) {
            if (problem) *problem = p;
            return 1;
        }
        return case_step_apply_in_tx(st, inst, x->asked_by, x->case_id, state, tier, kw, learner,
                                     row, x->outcome, x->reason, now, err);
    }
    if (!x->to_staff)   /* a handover to another institution (support/case_move.c) */
        return case_move_release_in_tx(st, inst, x->asked_by, x->case_id, now, problem, err);
    if (state == SUPPORT_CASE_CLOSED) return case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
    int64_t pending = 0;
    const int64_t ok = x->to_staff != kw ? case_key_worker_eligible(st, inst, x->to_staff, err) : 0;
    if (ok < 0) return -1;
    if (!ok) return case_refuse(SUPPORT_CASE_STAFF_UNKNOWN, problem, err);
    support_case_transfer t;
    pending = support_case_transfer_pending(st, inst, x->case_id, 0, &t, err);
    if (pending < 0) return -1;
    if (pending) return case_refuse(SUPPORT_CASE_TRANSFER_PENDING, problem, err);
    return case_transfer_offer_in_tx(st, inst, x->asked_by, x->case_id, kw, learner, x->to_staff,
                                     x->reason, now, err);
}

/* Mark request id answered; in the transaction. */
static int answer_write(store *st, int64_t inst, int64_t id, int64_t account_id, int approve,
                        const char *comment, const char *now, cairn_err *err) {
    buf sealed = BUF_INIT;   /* not HTML: the stored comment */
    if (support_case_text_seal(st, inst, comment, &sealed, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st, "UPDATE case_approval SET state = ?, answered_by = ?,"
                                      " answered_at = ?, comment = ? WHERE institution_id = ?"
                                      " AND id = ? AND state = 'pending'", err);
    if (!q) {
        buf_free(&sealed);
        return -1;
    }
    store_bind_text(q, 1, approve ? "approved" : "declined", (size_t)-1);
    store_bind_int64(q, 2, account_id);
    store_bind_text(q, 3, now, (size_t)-1);
    store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
    store_bind_int64(q, 5, inst);
    store_bind_int64(q, 6, id);
    int rc = store_step(q, err);
    store_finalize(q);
    buf_free(&sealed);
    return rc < 0 ? -1 : 0;
}

/* Answer the request waiting on a case (see case.h). */
int support_case_approval_answer(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                 int64_t case_id, int approve, const char *comment,
                                 const char *at, support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & SUPPORT_CASE_REL_LEADER))
        return case_refuse(SUPPORT_CASE_APPROVAL_NOT_LEADER, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_approval *x = xcalloc(1, sizeof *x);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = -1;
    if (support_case_reason_check(comment, text, &p) || !text[0]) {
        rc = case_refuse(p ? p : SUPPORT_CASE_COMMENT_MISSING, problem, err);
        goto out;
    }
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int have = support_case_approval_pending(st, inst, case_id, 1, x, err);
    if (have < 0) goto fail;
    if (!have) {
        rc = case_refuse(SUPPORT_CASE_APPROVAL_NONE, problem, err);
        goto fail;
    }
    if (x->asked_by == account_id || (rel & SUPPORT_CASE_REL_KEY_WORKER)) {
        rc = case_refuse(SUPPORT_CASE_APPROVAL_OWN, problem, err);
        goto fail;
    }
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld: %s %s", (long long)case_id, x->kind,
             approve ? "approved" : "declined");
    if (answer_write(st, inst, x->id, account_id, approve, text, now, err) < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id,
                               approve ? "approval_yes" : "approval_no", x->kind,
                               approve ? "approved" : "declined", text, err) < 0 ||
        support_case_audit(st, inst, account_id, x->learner_id, case_id,
                           approve ? "case.approval_approve" : "case.approval_decline", NULL,
                           detail, err) < 0)
        goto fail;
    if (approve) {
        rc = approved_apply(st, inst, x, now, problem, err);
        if (rc != 0) goto fail;
        rc = -1;
    } else if (!strcmp(x->kind, "transfer") && !x->to_staff &&
               case_move_drop_in_tx(st, inst, case_id, err) < 0) {
        goto fail;
    }
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(x);
    free(text);
    return rc;
}
