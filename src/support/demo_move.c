/*
** support/demo_move.c — the demo's handover of a case to another
** institution (support/case_move.h), made only when the database holds
** another institution besides the demo school (a regional database the
** demo was loaded into).  The demo does not make a second institution
** itself: the command line takes "the only institution" when none is named
** (`cairn score`, `cairn export subject`...), and a second one would change
** that for everyone who runs the demo (docs/decisions.md, "Handover of a
** case to another institution").
**
** When there is one: the demo key worker's first open case (state open or
** assessment, without a request or offer waiting) gets the learner's
** consent to share with that institution (identity, support), recorded by
** the key worker, an offer withdrawn (its history row says why), and the
** offer made again, waiting for that institution's leaders.
*/
#include "support/demo.h"
#include "support/case_move.h"
#include "support/case_withdraw.h"
#include "support/consent.h"
#include <stdio.h>
#include <stdlib.h>

/* The demo's offer (see demo.h). */
int support_demo_move(store *st, int64_t inst, int64_t kw_staff, int64_t kw_account,
                      cairn_err *err) {
    int64_t other = 0, have = 0, case_id = 0, learner = 0;
    if (store_query_int64(st, "SELECT count(*) FROM case_move WHERE institution_id = ?", inst,
                          &have, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(min(id), 0) FROM institution WHERE id <> ?", inst,
                          &other, err) < 0)
        return -1;
    if (have || !other) return 0;
    store_stmt *q = store_prepare(st,
        "SELECT c.id, c.learner_id FROM support_case c WHERE c.institution_id = ?"
        " AND c.key_worker_id = ? AND c.state IN ('open', 'assessment') AND NOT EXISTS"
        " (SELECT 1 FROM case_approval a WHERE a.institution_id = c.institution_id"
        "  AND a.case_id = c.id AND a.state = 'pending') AND NOT EXISTS"
        " (SELECT 1 FROM case_transfer t WHERE t.institution_id = c.institution_id"
        "  AND t.case_id = c.id AND t.state = 'pending') ORDER BY c.id LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, kw_staff);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        case_id = store_col_int64(q, 0);
        learner = store_col_int64(q, 1);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (!case_id) return 0;
    support_case_institution *rows = NULL;
    size_t n = 0;
    if (support_case_move_institutions(st, inst, &rows, &n, err) < 0) return -1;
    char recipient[201] = "";
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == other) snprintf(recipient, sizeof recipient, "%s", rows[i].name);
    free(rows);
    support_consent_input in = {"share_organisation", recipient, "identity, support", "", "",
                                "learner", NULL, "in_person",
                                "The family moves north in January; she wants her new college "
                                "to know what helped."};
    support_consent_problem cp = {0};
    if (support_consent_record(st, inst, kw_account, learner, &in, NULL, &cp, err) != 0) {
        if (cp.field) return 0;   /* a learner under the age of deciding alone: no demo offer */
        return -1;
    }
    support_case_problem p;
    const char *why = "The family moves north in January; she will carry on her apprenticeship "
                      "there.";
    rc = support_case_move_ask(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, case_id, other,
                               why, NULL, &p, err);
    if (rc == 0)   /* a first offer withdrawn (support/case_withdraw.h), then the one waiting */
        rc = support_case_offer_withdraw(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER,
                                         case_id, "The move was put off until the family had a "
                                         "flat; offered again once they did.", NULL, &p, err);
    if (rc == 0)
        rc = support_case_move_ask(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, case_id,
                                   other, why, NULL, &p, err);
    return rc < 0 ? -1 : 0;
}
