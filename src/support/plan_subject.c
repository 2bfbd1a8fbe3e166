/*
** support/plan_subject.c — the plans part of a learner's whole record
** (support/subject.h): read for `cairn export subject` with every text
** opened (goals, reasons for "not now", the recovery note), erased by
** blanking those texts while plans, domains, measures, numbers, days and
** statuses stay for the statistics.  An open case already holds erasure
** back (the "cases" part).
*/
#include "support/plan.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/subject.h"
#include <stdlib.h>

/* A goal as JSON, its texts opened. */
static json_t *goal_json(const support_goal *g) {
    char due[DATE_TEXT_LEN];
    date_format(g->due_on, due);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:f,s:s,s:s,s:s,s:s,s:s,s:s}", "case_id",
                     (json_int_t)g->case_id, "plan", support_plan_kind_code(g->plan), "domain",
                     support_domain_code(g->domain), "what", g->what, "measure", g->measure,
                     "baseline", g->has_baseline ? json_real(g->baseline) : json_null(),
                     "target", g->target, "due_on", due, "learner_step", g->learner_step,
                     "support", g->support, "helper", g->helper, "status",
                     support_goal_status_code(g->status), "status_reason", g->status_reason);
}

/* The learner's plans (see plan.h). */
int support_plan_subject_read(store *st, int64_t inst, int64_t learner, json_t **out,
                              cairn_err *err) {
    *out = json_object();
    json_t *goals = json_array(), *later = json_array(), *recovery = json_array();
    json_object_set_new(*out, "goals", goals);
    json_object_set_new(*out, "not_now", later);
    json_object_set_new(*out, "recovery", recovery);
    store_stmt *q = store_prepare(st, "SELECT id FROM support_case WHERE institution_id = ?"
                                      " AND learner_id = ? ORDER BY id", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int64_t *ids = NULL;
    size_t n = 0;
    if (store_stmt_ids(q, &ids, &n, err) < 0) goto fail;   /* finalizes q */
    const unsigned all = SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        support_goal *g = NULL;
        support_not_now *nn = NULL;
        size_t ng = 0, nnn = 0;
        buf note = BUF_INIT;   /* not HTML: the opened note */
        if (support_goal_list(st, inst, ids[i], all, 0, &g, &ng, err) < 0 ||
            support_not_now_list(st, inst, ids[i], 1, &nn, &nnn, err) < 0 ||
            support_plan_recovery_get(st, inst, ids[i], &note, err) < 0)
            rc = -1;
        for (size_t j = 0; rc == 0 && j < ng; j++) json_array_append_new(goals, goal_json(&g[j]));
        for (size_t j = 0; rc == 0 && j < nnn; j++)
            json_array_append_new(later, json_pack("{s:I,s:s,s:s,s:s}", "case_id",
                                                   (json_int_t)ids[i], "domain",
                                                   support_domain_code(nn[j].domain), "reason",
                                                   nn[j].reason, "recorded_at",
                                                   nn[j].recorded_at));
        if (rc == 0 && note.len)
            json_array_append_new(recovery, json_pack("{s:I,s:s}", "case_id", (json_int_t)ids[i],
                                                      "text", buf_cstr(&note)));
        free(g);
        free(nn);
        buf_free(&note);
    }
    free(ids);
    if (rc == 0) return 0;
fail:
    json_decref(*out);
    *out = NULL;
    return -1;
}

/* Blank the learner's plan texts (see plan.h). */
int support_plan_subject_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
#define OF_LEARNER(t)                                                                     \
    " WHERE institution_id = ? AND case_id IN (SELECT id FROM support_case"               \
    " WHERE institution_id = " t ".institution_id AND learner_id = ?)"
    static const char *const sqls[] = {
        "UPDATE support_goal SET what = '', learner_step = '', support = '', helper_text = '',"
        " status_reason = ''" OF_LEARNER("support_goal"),
        "UPDATE support_not_now SET reason = ''" OF_LEARNER("support_not_now"),
        "UPDATE support_plan SET recovery = ''" OF_LEARNER("support_plan"),
        NULL};
#undef OF_LEARNER
    return support_subject_run(st, sqls, inst, learner, err);
}
