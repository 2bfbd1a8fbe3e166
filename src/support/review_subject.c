/*
** support/review_subject.c — the reviews part of a learner's whole record
** (support/subject.h): read for `cairn export subject` with what changed
** opened and the progress values, erased by blanking what changed (days,
** decisions and values stay for the statistics).
*/
#include "support/review.h"
#include "base/date.h"
#include "base/mem.h"
#include <stdlib.h>

/* The reviews of the learner's cases as a new JSON array (see review.h). */
int support_review_subject_read(store *st, int64_t inst, int64_t learner, json_t **out,
                                cairn_err *err) {
    *out = NULL;
    int64_t *ids = NULL;
    size_t nids = 0;
    store_stmt *q = store_prepare(st, "SELECT id FROM support_case WHERE institution_id = ?"
                                      " AND learner_id = ? ORDER BY id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    if (store_stmt_ids(q, &ids, &nids, err) < 0) return -1;   /* it finalizes q */
    json_t *a = json_array();
    int rc = 0;
    for (size_t c = 0; rc == 0 && c < nids; c++) {
        support_review *rows = NULL;
        size_t n = 0;
        rc = support_review_list(st, inst, ids[c], 1, &rows, &n, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const support_review *r = &rows[i];
            char day[DATE_TEXT_LEN], next[DATE_TEXT_LEN];
            date_format(r->reviewed_on, day);
            date_format(r->next_on, next);
            json_t *p = json_array();
            for (size_t j = 0; j < r->nprogress; j++)
                json_array_append_new(p, json_pack("{s:I,s:f}", "goal_id",
                                                   (json_int_t)r->progress[j].goal_id, "value",
                                                   r->progress[j].value));
            json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:o}", "case_id",
                                               (json_int_t)ids[c], "reviewed_on", day, "by",
                                               r->by, "decision",
                                               support_review_decision_code(r->decision),
                                               "changed", r->changed, "next_on", next,
                                               "progress_only", r->progress_only, "progress", p));
        }
        support_review_list_free(rows, n);
    }
    free(ids);
    if (rc < 0) {
        json_decref(a);
        return -1;
    }
    *out = a;
    return 0;
}

/* Blank what changed in the learner's reviews (see review.h). */
int support_review_subject_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    store_stmt *q = store_prepare(st, "UPDATE case_review SET changed = '' WHERE institution_id = ?"
                                      " AND case_id IN (SELECT id FROM support_case WHERE"
                                      " institution_id = case_review.institution_id"
                                      " AND learner_id = ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}
