/*
** support/assessment_subject.c — the needs assessments part of a
** learner's whole record (support/subject.h): read for `cairn export
** subject` with every text opened, erased by blanking strengths, comments
** and notes while the ratings and days stay for the statistics.  An open
** case already holds erasure back (the "cases" part).
*/
#include "support/assessment.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/subject.h"
#include <stdlib.h>

/* One assessment as JSON, its texts opened. */
static json_t *subject_json(const support_assessment *a) {
    char day[DATE_TEXT_LEN];
    date_format(a->assessed_on, day);
    json_t *doms = json_array();
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++) {
        const support_assessment_rating *r = &a->domains[k];
        if (r->need < 0 && r->own < 0 && !r->strengths[0] && !r->comment[0]) continue;
        json_array_append_new(doms, json_pack("{s:s,s:o,s:o,s:s,s:s}", "domain",
                                              support_domain_code(k), "need",
                                              r->need >= 0 ? json_integer(r->need) : json_null(),
                                              "own", r->own >= 0 ? json_integer(r->own)
                                                                 : json_null(),
                                              "strengths", r->strengths, "comment", r->comment));
    }
    return json_pack("{s:I,s:s,s:s,s:s,s:o}", "case_id", (json_int_t)a->case_id, "assessed_on",
                     day, "assessed_by", a->assessed_by_name, "note", a->note, "domains", doms);
}

/* The learner's assessments (see assessment.h). */
int support_assessment_subject_read(store *st, int64_t inst, int64_t learner, json_t **out,
                                    cairn_err *err) {
    *out = json_array();
    store_stmt *q = store_prepare(st, "SELECT id FROM support_case WHERE institution_id = ?"
                                      " AND learner_id = ? ORDER BY id", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int64_t *ids = NULL;
    size_t n = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        ids = xrealloc(ids, (n + 1) * sizeof *ids);
        ids[n++] = store_col_int64(q, 0);
    }
    store_finalize(q);
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        support_assessment *rows = NULL;
        size_t m = 0;
        if (support_assessment_list(st, inst, ids[i], 1, &rows, &m, err) < 0) rc = -1;
        for (size_t j = 0; j < m; j++) json_array_append_new(*out, subject_json(&rows[j]));
        support_assessments_free(rows, m);
    }
    free(ids);
    if (rc >= 0) return 0;
fail:
    json_decref(*out);
    *out = NULL;
    return -1;
}

/* Blank the learner's assessment texts (see assessment.h). */
int support_assessment_subject_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "UPDATE case_assessment SET note = '' WHERE institution_id = ? AND case_id IN"
        " (SELECT id FROM support_case WHERE institution_id = case_assessment.institution_id"
        " AND learner_id = ?)",
        "UPDATE case_assessment_domain SET strengths = '', comment = ''"
        " WHERE institution_id = ? AND assessment_id IN (SELECT a.id FROM case_assessment a"
        " JOIN support_case c ON c.institution_id = a.institution_id AND c.id = a.case_id"
        " WHERE a.institution_id = case_assessment_domain.institution_id AND c.learner_id = ?)",
        NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}
