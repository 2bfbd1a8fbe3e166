/*
** support/case_subject.c — the cases part of a learner's whole record
** (support/subject.h): read for `cairn export subject` with every text
** opened, erased by blanking every free text (reasons, follow-ups'
** words, handover reasons, conference notes) while states, tiers,
** outcomes and dates stay for the statistics, and an open case holds
** erasure back.
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/subject.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The ids of the learner's cases into *ids (malloc'd), *n. */
static int case_ids(store *st, int64_t inst, int64_t learner, int64_t **ids, size_t *n,
                    cairn_err *err) {
    *ids = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, "SELECT id FROM support_case WHERE institution_id = ?"
                                      " AND learner_id = ? ORDER BY id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = store_col_int64(q, 0);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Add case d's team and history to object o as arrays "team" and
** "history" (o owns them; see case_internal.h). */
void case_team_history_json(struct json_t *o, const support_case_detail *d) {
    assert(o && d);
    json_t *a = json_array();
    for (size_t i = 0; i < d->nteam; i++)
        json_array_append_new(a, json_pack("{s:s,s:s}", "name", d->team[i].name, "role",
                                           support_case_role_code(d->team[i].role)));
    json_object_set_new(o, "team", a);
    a = json_array();
    for (size_t i = 0; i < d->nhistory; i++) {
        const support_case_event *e = &d->history[i];
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "at", e->at, "by", e->by,
                                           "kind", e->kind, "from", e->from_value, "to",
                                           e->to_value, "reason", e->reason));
    }
    json_object_set_new(o, "history", a);
}

/* One case as JSON, its texts opened. */
static json_t *case_json(const support_case_detail *d, const support_case_conference *conf,
                         size_t nconf) {
    const support_case *k = &d->c;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
                          "state", support_case_state_code(k->state),
                          "tier", support_case_tier_code(k->tier),
                          "source", support_case_source_code(k->source),
                          "key_worker", k->key_worker_name, "opened_at", k->opened_at,
                          "closed_at", k->closed_at,
                          "outcome", k->outcome ? support_case_outcome_code(k->outcome) : "",
                          "reason", k->reason, "outcome_reason", k->outcome_reason);
    case_team_history_json(o, d);
    json_t *a = json_array();
    for (size_t i = 0; i < d->ntasks; i++) {
        const support_case_task *t = &d->tasks[i];
        char due[DATE_TEXT_LEN];
        date_format(t->due_on, due);
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind",
                                           support_case_task_kind_code(t->kind), "what", t->title,
                                           "owner", t->owner_name, "due_on", due, "done_at",
                                           t->done_at));
    }
    json_object_set_new(o, "tasks", a);
    a = json_array();
    for (size_t i = 0; i < nconf; i++) {
        char day[DATE_TEXT_LEN];
        date_format(conf[i].held_on, day);
        json_t *doms = json_array();
        for (int k2 = 0; k2 < SUPPORT_DOMAIN_COUNT; k2++)
            if (conf[i].domains & (1u << k2))
                json_array_append_new(doms, json_string(support_domain_code(k2)));
        json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:s}", "held_on", day, "attended",
                                           conf[i].attendees, "domains", doms, "notes",
                                           conf[i].notes));
    }
    json_object_set_new(o, "conferences", a);
    return o;
}

/* The learner's cases (see case.h). */
int support_case_subject_read(store *st, int64_t inst, int64_t learner, json_t **out,
                              cairn_err *err) {
    int64_t *ids = NULL;
    size_t n = 0;
    *out = NULL;
    if (case_ids(st, inst, learner, &ids, &n, err) < 0) return -1;
    json_t *arr = json_array();
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        support_case_detail *d = xcalloc(1, sizeof *d);
        support_case_conference *conf = NULL;
        size_t nconf = 0;
        if (support_case_detail_get(st, inst, ids[i], 1, d, err) <= 0 ||
            support_case_conferences(st, inst, ids[i], 1, &conf, &nconf, err) < 0)
            rc = -1;
        else
            json_array_append_new(arr, case_json(d, conf, nconf));
        support_case_detail_free(d);
        free(d);
        free(conf);
    }
    free(ids);
    if (rc < 0) {
        json_decref(arr);
        return -1;
    }
    *out = arr;
    return 0;
}

/* Blank the learner's case texts (see case.h). */
int support_case_subject_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "UPDATE support_case SET reason = '', outcome_reason = NULL"
        " WHERE institution_id = ? AND learner_id = ?",
        "UPDATE case_history SET reason = '' WHERE institution_id = ? AND case_id IN"
        " (SELECT id FROM support_case WHERE institution_id = case_history.institution_id"
        " AND learner_id = ?)",
        "UPDATE case_task SET title = '' WHERE institution_id = ? AND kind = 'follow_up'"
        " AND case_id IN (SELECT id FROM support_case WHERE institution_id = case_task.institution_id"
        " AND learner_id = ?)",
        "UPDATE case_transfer SET reason = '', answer = NULL WHERE institution_id = ? AND case_id IN"
        " (SELECT id FROM support_case WHERE institution_id = case_transfer.institution_id"
        " AND learner_id = ?)",
        "UPDATE case_conference SET notes = '' WHERE institution_id = ? AND case_id IN"
        " (SELECT id FROM support_case WHERE institution_id = case_conference.institution_id"
        " AND learner_id = ?)",
        "UPDATE case_approval SET reason = '', comment = NULL WHERE institution_id = ?"
        " AND case_id IN (SELECT id FROM support_case"
        " WHERE institution_id = case_approval.institution_id AND learner_id = ?)",
        "UPDATE case_move SET reason = '', answer = NULL WHERE institution_id = ? AND case_id IN"
        " (SELECT id FROM support_case WHERE institution_id = case_move.institution_id"
        " AND learner_id = ?)",   /* support/case_move.h: offered elsewhere */
        "UPDATE case_handover SET record = '' WHERE institution_id = ? AND case_id IN"
        " (SELECT id FROM support_case WHERE institution_id = case_handover.institution_id"
        " AND learner_id = ?)",   /* ...and received from elsewhere */
        NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}

/* An open case holds erasure back (see case.h). */
int support_case_subject_hold(store *st, int64_t inst, int64_t learner, buf *why,
                              cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM support_case WHERE institution_id = ?"
                                      " AND learner_id = ? AND state <> 'closed'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int rc = store_step(q, err);
    int64_t n = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    if (rc != STORE_ROW) return -1;
    if (!n) return 0;
    buf_puts(why, "The learner has an open case: its key worker closes it first.");
    return 1;
}
