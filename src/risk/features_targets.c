/*
** risk/features_targets.c — which enrolments to compute indicators for.
*/
#include "risk/features.h"
#include "risk/features_internal.h"
#include "base/mem.h"
#include <stdlib.h>

#define GROW(arr, len, cap)                                              \
    do {                                                                 \
        if ((len) == (cap)) {                                            \
            (cap) = (cap) ? (cap) * 2 : 64;                              \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));              \
        }                                                                \
    } while (0)

/* The enrolments active on asof; see features.h.  An enrolment is active
** when it started on or before asof and has no exit date or exits on or
** after asof.  A paused enrolment counts as active: the learner is still
** the school's to keep, and a pause is exactly when they drift away.  One
** that ended (completed, left_early, transferred) without an exit date
** cannot be placed in time and is left out.  Ordered by learner, then
** enrolment.  *targets is malloc'd (NULL when none); the caller frees. */
int risk_targets_active(store *st, int64_t institution_id, int32_t asof,
                        risk_target **targets, size_t *n, cairn_err *err) {
    *targets = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT id, learner_id, group_id, start_date FROM enrolment"
        " WHERE institution_id = ? AND start_date <= ?"
        " AND (exit_date >= ? OR (exit_date IS NULL AND status IN ('active', 'paused')))"
        " ORDER BY learner_id, id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    risk_bind_date(s, 2, asof);
    risk_bind_date(s, 3, asof);
    size_t cap = 0;
    int rc, bad = 0;
    risk_date_cache dc = {.valid = 0};
    while ((rc = store_step(s, err)) == STORE_ROW) {
        risk_target t;
        t.enrolment_id = store_col_int64(s, 0);
        t.learner_id = store_col_int64(s, 1);
        t.group_id = store_col_is_null(s, 2) ? 0 : store_col_int64(s, 2);
        t.asof = asof;
        if (risk_col_date(s, 3, &dc, &t.start) < 0) {
            err_set(err, CAIRN_EDB, "enrolment id %lld has a start date that is not "
                    "YYYY-MM-DD; re-import the enrolments to correct it",
                    (long long)t.enrolment_id);
            rc = -1;
            bad = 1;
            break;
        }
        GROW(*targets, *n, cap);
        (*targets)[(*n)++] = t;
    }
    store_finalize(s);
    if (rc < 0) {
        if (!bad) err_prefix(err, "finding the enrolments active on a day");
        free(*targets);
        *targets = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Indicators of every enrolment active on asof; *out is malloc'd (NULL when
** there is none) and freed by the caller. */
int risk_features_asof(store *st, int64_t institution_id, int32_t asof,
                       risk_features **out, size_t *n, cairn_err *err) {
    risk_target *t;
    *out = NULL;
    if (risk_targets_active(st, institution_id, asof, &t, n, err) < 0) return -1;
    int rc = risk_features_compute(st, institution_id, t, *n, out, err);
    free(t);
    if (rc < 0) *n = 0;
    return rc;
}
