/*
** support/demo_scale.c — demo caseloads at scale (`cairn demo --cases N`,
** see demo.h): a key worker's caseload of up to 25 learners, the flagged
** first, each with a case made as one of the demo caseload's eight
** profiles (support/demo_case.c), and the parts' demo rows applied to it
** (assessments, plan, reviews, contract, interventions).  Everything goes
** through the parts' writers, sealed and audited, as the pages write it.
*/
#include "support/demo.h"
#include "support/case.h"
#include <assert.h>
#include <string.h>

/* The profiles of a caseload in order (demo_case.c's eight: 0 open from a
** flag, 1 open from a teacher, 2 assessment, 3 plan agreed, 4 monitoring,
** 5 closed as returned, 6 closed as left, 7 reopened): most cases are
** monitored or have an agreed plan, as in a school year's second half. */
static const unsigned char scale_profiles[SUPPORT_DEMO_SCALE_CASELOAD] = {
    4, 3, 4, 0, 4, 2, 3, 4, 5, 4, 1, 3, 4, 7, 4, 3, 2, 4, 6, 3, 4, 0, 5, 3, 4,
};

/* Up to max learners (ids) of the groups kw_staff is key worker of, active,
** without a case or a key worker, the highest tier of the latest scores
** first.  *k gets how many. */
static int scale_learners(store *st, int64_t inst, int64_t kw_staff, int max, int64_t *ids,
                          int *k, cairn_err *err) {
    /* from the key worker's groups outward (CROSS JOIN keeps SQLite's order):
    ** a few hundred enrolments, not the school's */
    store_stmt *q = store_prepare(st,
        "SELECT e.learner_id, max(coalesce(r.tier, -1)) AS t FROM group_staff gs"
        " CROSS JOIN enrolment e LEFT JOIN risk_score r ON r.institution_id = e.institution_id"
        " AND r.learner_id = e.learner_id AND r.asof = (SELECT max(asof) FROM risk_score"
        " WHERE institution_id = ?)"
        " WHERE e.institution_id = gs.institution_id AND e.group_id = gs.group_id"
        " AND gs.institution_id = ? AND gs.staff_id = ? AND gs.role = 'key_worker'"
        " AND e.status = 'active'"
        " AND NOT EXISTS (SELECT 1 FROM support_case c WHERE c.institution_id = e.institution_id"
        " AND c.learner_id = e.learner_id)"
        " AND NOT EXISTS (SELECT 1 FROM support_assignment a WHERE a.institution_id ="
        " e.institution_id AND a.learner_id = e.learner_id AND a.ended_at IS NULL)"
        " GROUP BY e.learner_id ORDER BY t DESC, e.learner_id LIMIT ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, kw_staff);
    store_bind_int64(q, 4, max);
    int rc;
    *k = 0;
    while ((rc = store_step(q, err)) == STORE_ROW && *k < max) ids[(*k)++] = store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The parts' demo rows on case id of profile (see above). */
static int scale_case_parts(store *st, int64_t inst, int64_t kw_account, int64_t id, int profile,
                            cairn_err *err) {
    static const char *const state_of[SUPPORT_DEMO_CASELOAD_MAX] = {
        "open", "open", "assessment", "plan_agreed", "monitoring", "closed", "closed", "open"};
    const char *state = state_of[profile];
    int n = 0;
    if (support_demo_case_assessments(st, inst, kw_account, id, &n, err) < 0) return -1;
    if ((profile == 3 || profile == 4) &&
        support_demo_case_plan(st, inst, kw_account, id, profile == 4, err) < 0)
        return -1;
    if (profile == 6) return 0;   /* left before a plan: no reviews, no contract */
    return support_demo_case_reviews(st, inst, kw_account, id, state, err) < 0 ||
                   support_demo_case_contract(st, inst, kw_account, id, state, err) < 0
               ? -1
               : 0;
}

/* A demo caseload at scale (see demo.h). */
int support_demo_scale_caseload(store *st, int64_t inst, int64_t kw_staff, int64_t kw_account,
                                int max, int32_t school_today, int *n, cairn_err *err) {
    assert(max >= 0);
    *n = 0;
    if (max > SUPPORT_DEMO_SCALE_CASELOAD) max = SUPPORT_DEMO_SCALE_CASELOAD;
    int64_t ids[SUPPORT_DEMO_SCALE_CASELOAD];
    int k = 0;
    if (scale_learners(st, inst, kw_staff, max, ids, &k, err) < 0) return -1;
    if (k == 0) return 0;
    if (support_demo_assign(st, inst, kw_staff, kw_account, ids, k, err) < 0) return -1;
    for (int i = 0; i < k; i++) {
        int profile = scale_profiles[i], rc;
        int64_t id = 0;
        rc = support_demo_case_make(st, inst, kw_staff, kw_account, 0, ids[i], profile, &id, err);
        if (rc < 0) return -1;
        if (rc > 0) continue;
        if (scale_case_parts(st, inst, kw_account, id, profile, err) < 0) return -1;
        (*n)++;
    }
    return support_demo_caseload_interventions(st, inst, kw_account, kw_staff, school_today,
                                               err);
}
