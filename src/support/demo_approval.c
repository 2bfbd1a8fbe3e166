/*
** support/demo_approval.c — the demo school's approvals (support/case.h,
** "approvals"): the demo key worker's monitored case has a request to
** close it waiting for a school leader, so that the case page, the
** leader's home page and /caseload have one to show; another of their
** cases has a request they withdrew (support/case_withdraw.h), so its
** history shows the withdrawal.  The request is
** written as support_case_step_take writes it when the institution
** requires approval; the setting itself stays off (its default), so that
** every other demo case closes as before.
*/
#include "support/demo.h"
#include "support/case_internal.h"
#include "support/case_withdraw.h"
#include "base/date.h"
#include <string.h>

/* The demo key worker's first case in state (other than not_id) into
** *case_id (0: none).  0 or -1. */
static int demo_case_in(store *st, int64_t inst, int64_t kw_staff, const char *state,
                        int64_t not_id, int64_t *case_id, cairn_err *err) {
    *case_id = 0;
    store_stmt *q = store_prepare(st, "SELECT min(id) FROM support_case WHERE institution_id = ?"
                                      " AND key_worker_id = ? AND state = ? AND id <> ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, kw_staff);
    store_bind_text(q, 3, state, (size_t)-1);
    store_bind_int64(q, 4, not_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && !store_col_is_null(q, 0)) *case_id = store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Ask, as the key worker, to close case_id with outcome and why (one
** transaction, as support_case_step_take asks).  0 or -1. */
static int demo_ask_close(store *st, int64_t inst, int64_t kw_account, int64_t case_id,
                          int outcome, const char *why, cairn_err *err) {
    if (case_tx_begin(st, inst, err) < 0) return -1;
    int state, tier;
    int64_t kw, learner;
    support_case_problem p;
    char now[32];
    date_now_iso(now);
    if (case_state_read(st, inst, case_id, &state, &tier, &kw, &learner, err) <= 0 ||
        case_approval_ask_in_tx(st, inst, kw_account, case_id, learner, "close", outcome, 0, why,
                                now, &p, err) != 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* The demo's requests (see demo.h). */
int support_demo_approvals(store *st, int64_t inst, int64_t kw_staff, int64_t kw_account,
                           cairn_err *err) {
    int64_t have = 0, case_id = 0, other = 0;
    if (store_query_int64(st, "SELECT count(*) FROM case_approval WHERE institution_id = ?", inst,
                          &have, err) < 0)
        return -1;
    if (have) return 0;
    if (demo_case_in(st, inst, kw_staff, "monitoring", 0, &case_id, err) < 0) return -1;
    if (!case_id) return 0;
    if (demo_ask_close(st, inst, kw_account, case_id, SUPPORT_CASE_STABILISED,
                       "Attending every day for six weeks and the mentoring ends with the "
                       "term; he and his father agree the case can close.", err) < 0)
        return -1;
    /* a request asked, then withdrawn by the key worker who asked */
    if (demo_case_in(st, inst, kw_staff, "monitoring", case_id, &other, err) < 0) return -1;
    if (!other && demo_case_in(st, inst, kw_staff, "plan_agreed", case_id, &other, err) < 0)
        return -1;
    if (!other) return 0;
    support_case_problem p = SUPPORT_CASE_OK;
    if (demo_ask_close(st, inst, kw_account, other, SUPPORT_CASE_RETURNED,
                       "Back in every lesson since the placement started.", err) < 0 ||
        support_case_approval_withdraw(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, other, 0,
                                       "Two absences again this week; we keep the case open "
                                       "and look at it at the next review.", NULL, &p, err) != 0)
        return p != SUPPORT_CASE_OK ? err_set(err, CAIRN_EINTERNAL, "demo: withdrawing the "
                                              "request of case %lld was refused: %s",
                                              (long long)other, support_case_problem_text(p))
                                    : -1;
    return 0;
}
