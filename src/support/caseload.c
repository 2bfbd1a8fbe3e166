/*
** support/caseload.c — the caseload beside the scores (see caseload.h).
*/
#include "support/caseload.h"
#include "base/date.h"
#include "base/mem.h"
#include <stdlib.h>

/* The unscored learners of a caseload (see caseload.h). */
int support_caseload_unscored(store *st, int64_t inst, int64_t staff_id, int32_t asof,
                              size_t limit, support_caseload_learner **rows, size_t *n,
                              cairn_err *err) {
    *rows = NULL;
    *n = 0;
    if (limit == 0) limit = 500;
    char day[DATE_TEXT_LEN] = "";
    if (asof) date_format(asof, day);
    /* the day as a plain equality, so that "no score that day" is one seek
    ** of the primary key (institution, learner, date), not a walk through
    ** every day the learner was scored ("? = '' OR s.asof = ?" was); no
    ** LIMIT (the loop stops at limit): SQLite sorts a result with a LIMIT
    ** through a temporary b-tree, one without in memory */
#define UNSCORED_SQL(DAY)                                                                   \
    "SELECT l.id, l.ref, l.given_name, l.family_name FROM support_assignment a"             \
    " JOIN learner l ON l.institution_id = a.institution_id AND l.id = a.learner_id"        \
    " WHERE a.institution_id = ? AND a.staff_id = ? AND a.ended_at IS NULL"                 \
    " AND EXISTS (SELECT 1 FROM enrolment e WHERE e.institution_id = l.institution_id"      \
    "   AND e.learner_id = l.id AND e.status IN ('active', 'paused'))"                      \
    " AND NOT EXISTS (SELECT 1 FROM risk_score s WHERE s.institution_id = a.institution_id" \
    "   AND s.learner_id = a.learner_id" DAY ")"                                            \
    " ORDER BY l.family_name, l.given_name, l.id"
    store_stmt *s = store_prepare(st, asof ? UNSCORED_SQL(" AND s.asof = ?") : UNSCORED_SQL(""),
                                  err);
#undef UNSCORED_SQL
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, staff_id);
    if (asof) store_bind_text(s, 3, day, (size_t)-1);
    size_t cap = 0;
    int rc = STORE_DONE;
    while (*n < limit && (rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        support_caseload_learner *r = &(*rows)[(*n)++];
        r->learner_id = store_col_int64(s, 0);
        str_copy(r->ref, sizeof r->ref, store_col_text(s, 1));
        str_copy(r->given_name, sizeof r->given_name, store_col_text(s, 2));
        str_copy(r->family_name, sizeof r->family_name, store_col_text(s, 3));
    }
    store_finalize(s);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
