/*
** support/demo.c — the demo school's key-worker caseloads (see demo.h).
*/
#include "support/demo.h"
#include "base/date.h"
#include "support/audit.h"

/* Assign learners ids[0..k) to staff_id (see demo.h). */
int support_demo_assign(store *st, int64_t institution_id, int64_t staff_id, int64_t assigned_by,
                        const int64_t *ids, int k, cairn_err *err) {
    char now[32];
    date_now_iso(now);
    store_stmt *ins = store_prepare(st,
        "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_by,"
        " assigned_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (institution_id, learner_id, staff_id)"
        " DO NOTHING", err);
    if (!ins) return -1;
    /* the lock key_worker assignments take (support/actions.c) */
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) {
        store_finalize(ins);
        return -1;
    }
    for (int i = 0; i < k; i++) {
        store_bind_int64(ins, 1, institution_id);
        store_bind_int64(ins, 2, ids[i]);
        store_bind_int64(ins, 3, staff_id);
        store_bind_int64(ins, 4, assigned_by);
        store_bind_text(ins, 5, now, (size_t)-1);
        if (store_step(ins, err) < 0) {
            store_finalize(ins);
            store_tx_rollback(st);
            return -1;
        }
        store_reset(ins);
    }
    store_finalize(ins);
    return store_tx_commit(st, err);
}

/* Give staff_id a demo caseload (see demo.h). */
int support_demo_caseload(store *st, int64_t institution_id, int64_t staff_id,
                          int64_t assigned_by, int *n, cairn_err *err) {
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT DISTINCT e.learner_id FROM enrolment e JOIN group_staff gs"
        " ON gs.institution_id = e.institution_id AND gs.group_id = e.group_id"
        " WHERE e.institution_id = ? AND gs.staff_id = ? AND gs.role = 'key_worker'"
        " AND e.status = 'active' ORDER BY e.learner_id LIMIT 8", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, staff_id);
    int64_t ids[SUPPORT_DEMO_CASELOAD_MAX];
    int rc = 0, k = 0;
    while (k < SUPPORT_DEMO_CASELOAD_MAX && (rc = store_step(q, err)) == STORE_ROW)
        ids[k++] = store_col_int64(q, 0);
    store_finalize(q);
    if (k < SUPPORT_DEMO_CASELOAD_MAX && rc < 0) return -1;
    if (support_demo_assign(st, institution_id, staff_id, assigned_by, ids, k, err) < 0)
        return -1;
    *n = k;
    return 0;
}
