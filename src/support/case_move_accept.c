/*
** support/case_move_accept.c — the receiving institution's answer to a
** handover from another institution, the handover record that goes along,
** and reading it (see case_move.h).
*/
#include "support/case_move_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/assessment.h"
#include "support/audit.h"
#include "support/contract.h"
#include "support/plan.h"
#include "support/review.h"
#include "support/sealed.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Begin the write transaction under both institutions' audit locks, the
** lower id first (so two answers crossing each other queue, not deadlock).
** SQLite has one writer anyway.  0 or -1. */
static int tx_begin_both(store *st, int64_t a, int64_t b, cairn_err *err) {
    int64_t lo = a < b ? a : b, hi = a < b ? b : a;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + lo, err) < 0) return -1;
    if (store_kind_of(st) != STORE_POSTGRES) return 0;
    store_stmt *q = store_prepare(st, "SELECT 1 FROM (SELECT pg_advisory_xact_lock(CAST(? AS"
                                      " BIGINT))) AS l", err);
    int rc = q ? 0 : -1;
    if (q) {
        store_bind_int64(q, 1, SUPPORT_AUDIT_LOCK_BASE + hi);
        rc = store_step(q, err) < 0 ? -1 : 0;
        store_finalize(q);
    }
    if (rc < 0) store_tx_rollback(st);
    return rc;
}

/* A copy of v keeping, in every array, only the elements that are not
** objects with a "case_id" other than case_id (new reference). */
static json_t *only_case(json_t *v, int64_t case_id) {
    if (json_is_array(v)) {
        json_t *out = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            json_t *id = json_is_object(e) ? json_object_get(e, "case_id") : NULL;
            if (!id || json_integer_value(id) == case_id)
                json_array_append_new(out, only_case(e, case_id));
        }
        return out;
    }
    if (json_is_object(v)) {
        json_t *out = json_object();
        const char *k;
        json_t *e;
        json_object_foreach(v, k, e) json_object_set_new(out, k, only_case(e, case_id));
        return out;
    }
    return json_incref(v);
}

/* The sending case's facts, team and history as JSON (texts opened). */
static json_t *case_part(const support_case_detail *d) {
    const support_case *k = &d->c;
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "case_id", (json_int_t)k->id, "state",
                          support_case_state_code(k->state), "tier",
                          support_case_tier_code(k->tier), "source",
                          support_case_source_code(k->source), "key_worker", k->key_worker_name,
                          "opened_at", k->opened_at, "reason", k->reason);
    case_team_history_json(o, d);
    return o;
}

/* The handover record of m's case as JSON text into out (caller frees
** *out with free()).  0 or -1. */
static int record_make(store *st, const support_case_move *m, const char *now, char **out,
                       cairn_err *err) {
    typedef int (*part_read)(store *, int64_t, int64_t, json_t **, cairn_err *);
    static const struct { const char *key; part_read read; } parts[] = {
        {"assessments", support_assessment_subject_read}, {"plans", support_plan_subject_read},
        {"contracts", support_contract_subject_read}, {"reviews", support_review_subject_read},
    };
    *out = NULL;
    support_case_detail *d = xcalloc(1, sizeof *d);
    int rc = support_case_detail_get(st, m->from_institution, m->case_id, 1, d, err);
    json_t *r = NULL;
    if (rc > 0) {
        r = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "made_at", now, "from_institution",
                      m->from_name, "to_institution", m->to_name, "asked_at", m->asked_at,
                      "handover_reason", m->reason, "learner", "name", m->learner_name,
                      "birth_date", m->birth_date);
        if (r) json_object_set_new(r, "case", case_part(d));
        else err_set(err, CAIRN_EINVAL, "handover record: a text is not UTF-8");
    } else if (rc == 0) {
        err_set(err, CAIRN_ENOTFOUND, "there is no case %lld", (long long)m->case_id);
    }
    rc = r ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < sizeof parts / sizeof *parts; i++) {
        json_t *all = NULL;
        if (parts[i].read(st, m->from_institution, d->c.learner_id, &all, err) < 0) rc = -1;
        else json_object_set_new(r, parts[i].key, only_case(all, m->case_id));
        json_decref(all);
    }
    if (rc == 0) *out = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
    if (rc == 0 && !*out) rc = err_set(err, CAIRN_EINVAL, "handover record: out of memory");
    json_decref(r);
    support_case_detail_free(d);
    free(d);
    return rc;
}

/* The receiving side's checks of an acceptance: 0, 1 refused, -1. */
static int accept_check(store *st, int64_t to_inst, const support_case_move_answer_spec *spec,
                        support_case_problem *problem, cairn_err *err) {
    int64_t n = 0;
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM learner WHERE institution_id = ?"
                                      " AND id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, to_inst);
    store_bind_int64(q, 2, spec->learner_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) n = store_col_int64(q, 0);
    store_finalize(q);
    if (rc != STORE_ROW) return -1;
    if (!n) return case_refuse(SUPPORT_CASE_LEARNER_UNKNOWN, problem, err);
    q = store_prepare(st, "SELECT count(*) FROM support_case WHERE institution_id = ?"
                          " AND learner_id = ? AND state <> 'closed'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, to_inst);
    store_bind_int64(q, 2, spec->learner_id);
    rc = store_step(q, err);
    n = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    if (rc != STORE_ROW) return -1;
    if (n) return case_refuse(SUPPORT_CASE_ALREADY_OPEN, problem, err);
    int ok = spec->key_worker_id > 0
                 ? case_key_worker_eligible(st, to_inst, spec->key_worker_id, err) : 0;
    if (ok < 0) return -1;
    return ok ? 0 : case_refuse(SUPPORT_CASE_STAFF_UNKNOWN, problem, err);
}

/* Write the answer on the case_move row; in the transaction.  0 or -1. */
static int answer_write(store *st, const support_case_move *m, int64_t account_id, int accept,
                        const char *text, int64_t learner, int64_t new_case, const char *now,
                        cairn_err *err) {
    buf sealed = BUF_INIT;   /* not HTML: the answer, under the sender's key */
    if (support_case_text_seal(st, m->from_institution, text, &sealed, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st, "UPDATE case_move SET state = ?, answered_by = ?,"
                                      " answered_at = ?, answer = ?, to_learner_id = ?,"
                                      " to_case_id = ? WHERE institution_id = ? AND id = ?", err);
    int rc = -1;
    if (q) {
        store_bind_text(q, 1, accept ? "accepted" : "declined", (size_t)-1);
        store_bind_int64(q, 2, account_id);
        store_bind_text(q, 3, now, (size_t)-1);
        store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
        if (accept) {
            store_bind_int64(q, 5, learner);
            store_bind_int64(q, 6, new_case);
        } else {
            store_bind_null(q, 5);
            store_bind_null(q, 6);
        }
        store_bind_int64(q, 7, m->from_institution);
        store_bind_int64(q, 8, m->id);
        rc = store_step(q, err) < 0 ? -1 : 0;
        store_finalize(q);
    }
    buf_free(&sealed);
    return rc;
}

/* Accepting, its checks done: the receiving case with its record, the
** sending case closed, the audit events, the learner told; in the
** transaction.  0, 1 refused, -1. */
static int accept_apply(store *st, int64_t to_inst, int64_t account_id,
                        const support_case_move *m, const support_case_move_answer_spec *spec,
                        const char *text, const char *now, int64_t *new_case,
                        support_case_problem *problem, cairn_err *err) {
    int state, tier;
    int64_t kw, learner;
    int found = case_state_read(st, m->from_institution, m->case_id, &state, &tier, &kw, &learner,
                                err);
    if (found <= 0) return -1;
    const support_case_step *row = NULL;
    if (support_case_step_check((support_case_state)state, "close", SUPPORT_CASE_REL_KEY_WORKER,
                                &row, problem, err))
        return case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
    support_consent_why why;
    int ok = case_move_consent(st, m->from_institution, learner, to_inst, case_day_of(now), &why,
                               err);
    if (ok <= 0) {   /* the moment of sharing: consent again */
        if (ok < 0) return -1;
        case_refuse(SUPPORT_CASE_NO_CONSENT, problem, err);
        err_set(err, CAIRN_EINVAL, "%s: %s", support_case_problem_text(SUPPORT_CASE_NO_CONSENT),
                why.text);
        return 1;
    }
    char *record = NULL, code[65], sender[201], detail[128];
    support_case *c = xcalloc(1, sizeof *c);
    c->learner_id = spec->learner_id;
    c->key_worker_id = spec->key_worker_id;
    c->tier = tier;
    c->flag_tier = -1;
    c->opened_by = account_id;
    str_copy(c->opened_at, sizeof c->opened_at, now);
    int sent = case_move_institution(st, m->from_institution, code, sender, err);
    if (sent > 0) {
        support_case from;
        sent = support_case_get(st, m->from_institution, m->case_id, 0, &from, err);
        c->source = from.source;
        snprintf(c->reason, sizeof c->reason, "Handed over by %s (their case %lld): %s", sender,
                 (long long)m->case_id, m->reason);
    }
    buf sealed = BUF_INIT;   /* not HTML: the record, under the receiver's key */
    int rc = -1;
    if (sent <= 0 || record_make(st, m, now, &record, err) < 0 ||
        support_text_seal(st, to_inst, record, &sealed, err) < 0 ||
        case_open_in_tx(st, to_inst, account_id, c, "moved", err) < 0)
        goto out;
    store_stmt *q = store_prepare(st, "INSERT INTO case_handover (institution_id, case_id,"
                                      " from_institution, from_case_id, move_id, record, made_at)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) goto out;
    store_bind_int64(q, 1, to_inst);
    store_bind_int64(q, 2, c->id);
    store_bind_int64(q, 3, m->from_institution);
    store_bind_int64(q, 4, m->case_id);
    store_bind_int64(q, 5, m->id);
    store_bind_text(q, 6, buf_cstr(&sealed), (size_t)-1);
    store_bind_text(q, 7, now, (size_t)-1);
    int s = store_step(q, err);
    store_finalize(q);
    char from_kw[24], to_inst_text[40], closing[320];
    snprintf(from_kw, sizeof from_kw, "%lld", (long long)kw);
    snprintf(to_inst_text, sizeof to_inst_text, "institution %lld", (long long)to_inst);
    snprintf(closing, sizeof closing, "Moved to %s: the handover was accepted.", m->to_name);
    snprintf(detail, sizeof detail, "case %lld: moved to institution %lld, its case %lld",
             (long long)m->case_id, (long long)to_inst, (long long)c->id);
    if (s < 0 ||
        answer_write(st, m, account_id, 1, text, spec->learner_id, c->id, now, err) < 0 ||
        case_history_add_in_tx(st, m->from_institution, m->case_id, now, account_id,
                               "transfer_accept", from_kw, to_inst_text, text, err) < 0 ||
        case_step_apply_in_tx(st, m->from_institution, account_id, m->case_id, state, tier, kw,
                              learner, row, SUPPORT_CASE_MOVED, closing, now, err) < 0 ||
        support_case_audit(st, m->from_institution, account_id, learner, m->case_id,
                           "case.move_accept", NULL, detail, err) < 0)
        goto out;
    snprintf(detail, sizeof detail, "case %lld: received from institution %lld, its case %lld",
             (long long)c->id, (long long)m->from_institution, (long long)m->case_id);
    if (support_case_audit(st, to_inst, account_id, c->learner_id, c->id, "case.move_in", NULL,
                           detail, err) < 0 ||
        case_learner_tell_in_tx(st, to_inst, account_id, c->id, c->learner_id, c->key_worker_id,
                                now, err) < 0)
        goto out;
    *new_case = c->id;
    rc = 0;
out:
    buf_free(&sealed);
    free(record);
    free(c);
    return rc;
}

/* Declining: the answer, the sender's history row, both audit logs; in the
** transaction.  0 or -1. */
static int decline_apply(store *st, int64_t to_inst, int64_t account_id,
                         const support_case_move *m, const char *text, const char *now,
                         cairn_err *err) {
    int state, tier;
    int64_t kw, learner;
    if (case_state_read(st, m->from_institution, m->case_id, &state, &tier, &kw, &learner,
                        err) <= 0)
        return -1;
    char from_kw[24], to[40], detail[96];
    snprintf(from_kw, sizeof from_kw, "%lld", (long long)kw);
    snprintf(to, sizeof to, "institution %lld", (long long)to_inst);
    snprintf(detail, sizeof detail, "case %lld: institution %lld declined", (long long)m->case_id,
             (long long)to_inst);
    support_audit_event ev = {account_id, "case_move.decline", 0, "case_move", m->id, NULL, NULL};
    char there[96];
    snprintf(there, sizeof there, "offer %lld of institution %lld declined", (long long)m->id,
             (long long)m->from_institution);
    ev.detail = there;
    return answer_write(st, m, account_id, 0, text, 0, 0, now, err) < 0 ||
                   case_history_add_in_tx(st, m->from_institution, m->case_id, now, account_id,
                                          "transfer_decline", from_kw, to, text, err) < 0 ||
                   support_case_audit(st, m->from_institution, account_id, learner, m->case_id,
                                      "case.move_decline", NULL, detail, err) < 0 ||
                   support_audit_record(st, to_inst, &ev, err) < 0
               ? -1
               : 0;
}

/* Answer an offer from another institution (see case_move.h). */
int support_case_move_answer(store *st, int64_t to_inst, int64_t account_id, unsigned rel,
                             int64_t from_inst, int64_t id,
                             const support_case_move_answer_spec *spec, const char *at,
                             int64_t *new_case, support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (new_case) *new_case = 0;
    if (!(rel & SUPPORT_CASE_REL_LEADER))
        return case_refuse(SUPPORT_CASE_MOVE_NOT_LEADER, problem, err);
    if (from_inst == to_inst) return case_refuse(SUPPORT_CASE_MOVE_NONE, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_move *m = xcalloc(1, sizeof *m);
    support_case_problem p = SUPPORT_CASE_OK;
    int64_t made = 0;
    int rc = -1;
    if (support_case_reason_check(spec->comment, text, &p) || (!spec->accept && !text[0])) {
        rc = case_refuse(p ? p : SUPPORT_CASE_REASON_MISSING, problem, err);
        goto out;
    }
    if (tx_begin_both(st, from_inst, to_inst, err) < 0) goto out;
    int have = support_case_move_incoming_get(st, to_inst, from_inst, id, m, err);
    if (have <= 0) {
        if (!have) rc = case_refuse(SUPPORT_CASE_MOVE_NONE, problem, err);
        goto fail;
    }
    if (spec->accept) {
        rc = accept_check(st, to_inst, spec, problem, err);
        if (rc == 0) rc = accept_apply(st, to_inst, account_id, m, spec, text, now, &made,
                                       problem, err);
    } else {
        rc = decline_apply(st, to_inst, account_id, m, text, now, err);
    }
    if (rc != 0) goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    if (rc == 0 && new_case) *new_case = made;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(m);
    free(text);
    return rc;
}

/* The handover record of a case (see case_move.h). */
int support_case_handover_read(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                               json_t **out, cairn_err *err) {
    *out = NULL;
    store_stmt *q = store_prepare(st, "SELECT h.record, c.learner_id FROM case_handover h"
                                      " JOIN support_case c ON c.institution_id = h.institution_id"
                                      " AND c.id = h.case_id WHERE h.institution_id = ?"
                                      " AND h.case_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    int64_t learner = 0;
    if (rc == STORE_ROW) {
        learner = store_col_int64(q, 1);
        if (case_handover_open(st, inst, case_id, store_col_text(q, 0), out, err) < 0) rc = -1;
    }
    store_finalize(q);
    if (rc != STORE_ROW) return rc < 0 ? -1 : 0;
    if (support_case_audit(st, inst, account_id, learner, case_id, "case.handover_view", "viewed",
                           NULL, err) < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 1;
}

/* A stored handover record opened (see case_move_internal.h). */
int case_handover_open(store *st, int64_t inst, int64_t case_id, const char *stored,
                       json_t **out, cairn_err *err) {
    *out = NULL;
    buf plain = BUF_INIT;   /* not HTML: the record's JSON */
    if (!stored || !*stored) buf_puts(&plain, "{\"erased\": true}");   /* not HTML: JSON */
    else if (support_text_open(st, inst, stored, &plain, err) < 0) {
        buf_free(&plain);
        return -1;
    }
    json_error_t je;
    *out = json_loads(buf_cstr(&plain), 0, &je);
    buf_free(&plain);
    if (!*out) return err_set(err, CAIRN_EINVAL, "handover record of case %lld: %s",
                              (long long)case_id, je.text);
    return 0;
}

/* Whether a case came with a record (see case_move.h). */
int support_case_handover_exists(store *st, int64_t inst, int64_t case_id, cairn_err *err) {
    return case_any(st, "SELECT count(*) FROM case_handover WHERE institution_id = ?"
                    " AND case_id = ?",
                    inst, case_id, err);
}
