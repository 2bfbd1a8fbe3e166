/*
** support/demo_audit.c — the demo school's audit trail: what a few days of
** use would have left, so the data protection officer's page and the key
** worker's "Who has seen this record" have something to show.
*/
#include "support/demo.h"
#include "support/actions.h"
#include "support/audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The id of the account username (0 when there is none); -1 on error. */
static int64_t demo_account(store *st, const char *username, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT id FROM account WHERE username = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, username, (size_t)-1);
    int rc = store_step(q, err);
    int64_t id = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    return rc < 0 ? -1 : id;
}

/* Write the demo's audit events (see demo.h). */
int support_demo_audit(store *st, int64_t institution_id, int64_t staff_id, cairn_err *err) {
    int64_t kw = demo_account(st, "keyworker", err), lead = demo_account(st, "leader", err);
    int64_t teacher = demo_account(st, "teacher", err);
    if (kw < 0 || lead < 0 || teacher < 0) return -1;
    store_stmt *q = store_prepare(st, "SELECT learner_id FROM support_assignment"
                                      " WHERE institution_id = ? AND staff_id = ?"
                                      " AND ended_at IS NULL ORDER BY learner_id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, staff_id);
    int64_t learners[SUPPORT_DEMO_CASELOAD_MAX];
    int n = 0, rc;
    while ((rc = store_step(q, err)) == STORE_ROW && n < SUPPORT_DEMO_CASELOAD_MAX)
        learners[n++] = store_col_int64(q, 0);
    store_finalize(q);
    if (rc < 0) return -1;
    for (int i = 0; i < n; i++) {
        /* the key worker read every record of the caseload, the leader two */
        for (int k = 0; k < 1 + (i % 3 == 0); k++) {
            support_audit_event ev = {.account_id = kw, .action = "learner.view",
                                      .learner_id = learners[i], .record_kind = "learner",
                                      .record_id = learners[i], .reason = "viewed",
                                      .detail = "learner page"};
            if (kw && support_audit_record(st, institution_id, &ev, err) < 0) return -1;
            ev.account_id = lead;
            if (lead && i < 2 && support_audit_record(st, institution_id, &ev, err) < 0) return -1;
        }
        if (teacher && i == 0) {
            support_audit_event ev = {.account_id = teacher, .action = "learner.view",
                                      .learner_id = learners[i], .record_kind = "learner",
                                      .record_id = learners[i], .reason = "viewed",
                                      .detail = "learner page"};
            if (support_audit_record(st, institution_id, &ev, err) < 0) return -1;
        }
    }
    return 0;
}
