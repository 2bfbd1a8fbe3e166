/*
** support/demo_approval.c — the demo school's approvals (support/case.h,
** "approvals"): the demo key worker's monitored case has a request to
** close it waiting for a school leader, so that the case page, the
** leader's home page and /caseload have one to show.  The request is
** written as support_case_step_take writes it when the institution
** requires approval; the setting itself stays off (its default), so that
** every other demo case closes as before.
*/
#include "support/demo.h"
#include "support/case_internal.h"
#include "base/date.h"
#include <string.h>

/* The demo's request (see demo.h). */
int support_demo_approvals(store *st, int64_t inst, int64_t kw_staff, int64_t kw_account,
                           cairn_err *err) {
    int64_t have = 0, case_id = 0;
    if (store_query_int64(st, "SELECT count(*) FROM case_approval WHERE institution_id = ?", inst,
                          &have, err) < 0)
        return -1;
    if (have) return 0;
    store_stmt *q = store_prepare(st, "SELECT min(id) FROM support_case WHERE institution_id = ?"
                                      " AND key_worker_id = ? AND state = 'monitoring'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, kw_staff);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && !store_col_is_null(q, 0)) case_id = store_col_int64(q, 0);
    store_finalize(q);
    if (rc < 0) return -1;
    if (!case_id) return 0;
    if (case_tx_begin(st, inst, err) < 0) return -1;
    int state, tier;
    int64_t kw, learner;
    support_case_problem p;
    char now[32];
    date_now_iso(now);
    if (case_state_read(st, inst, case_id, &state, &tier, &kw, &learner, err) <= 0 ||
        case_approval_ask_in_tx(st, inst, kw_account, case_id, learner, "close",
                                SUPPORT_CASE_STABILISED, 0,
                                "Attending every day for six weeks and the mentoring ends with "
                                "the term; he and his father agree the case can close.",
                                now, &p, err) != 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}
