/*
** support/case_task.c — tasks that come from the case itself: their due
** days on the school calendar, creating and completing them as the
** lifecycle moves, marking one done, and the learners whose risk rose since
** their case's last review (see case.h).
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/freshness.h"
#include "support/audit.h"
#include "support/review.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The review cadence of a tier in days (see case.h). */
int support_case_review_days(int tier) {
    return tier >= 2 ? 7 : tier == 1 ? 14 : 84;
}

/* The day n school days after from (see case.h): weekdays in a term, as
** risk/freshness.c counts them, found by halving (the count only grows
** with the day); a calendar without n school days in the next year (its
** terms not imported yet) falls back to weekdays. */
int support_case_school_days_after(store *st, int64_t inst, int32_t from, int n, int32_t *out,
                                   cairn_err *err) {
    *out = from;
    if (n <= 0) return 0;
    int32_t lo = from, hi = from + 366;
    int have = 0;
    if (risk_school_days_between(st, inst, from, hi, &have, err) < 0) return -1;
    if (have < n) {
        int k = 0;
        int32_t d = from;
        while (k < n)
            if (date_weekday(++d) <= 4) k++;
        *out = d;
        return 0;
    }
    while (hi - lo > 1) {   /* between(from, lo) < n <= between(from, hi) */
        int32_t mid = lo + (hi - lo) / 2;
        if (risk_school_days_between(st, inst, from, mid, &have, err) < 0) return -1;
        if (have >= n) hi = mid;
        else lo = mid;
    }
    *out = hi;
    return 0;
}

/* The due day of a new task of kind, from day. */
static int due_of(store *st, int64_t inst, int kind, int32_t day, int tier, int32_t *due,
                  cairn_err *err) {
    switch (kind) {
    case SUPPORT_TASK_FIRST_CONTACT:
        return support_case_school_days_after(st, inst, day, SUPPORT_CASE_FIRST_CONTACT_DAYS, due,
                                              err);
    case SUPPORT_TASK_ASSESSMENT:
        return support_case_school_days_after(st, inst, day, SUPPORT_CASE_ASSESSMENT_DAYS, due,
                                              err);
    case SUPPORT_TASK_PLAN:
        return support_case_school_days_after(st, inst, day, SUPPORT_CASE_PLAN_DAYS, due, err);
    case SUPPORT_TASK_REVIEW:   /* the institution's cadence of the tier (support/review.h) */
        return support_review_due(st, inst, tier, day, due, err);
    default:
        return support_case_school_days_after(st, inst, day, SUPPORT_CASE_FOLLOW_UP_DAYS, due,
                                              err);
    }
}

/* Create tasks from the case (see case.h). */
int support_case_tasks_create_in_tx(store *st, int64_t inst, int64_t case_id, int64_t owner_id,
                                    unsigned kinds, int32_t day, int tier, const char *at,
                                    cairn_err *err) {
    for (int k = 0; k < SUPPORT_TASK_KIND_COUNT; k++) {
        if (!(kinds & SUPPORT_TASK_BIT(k))) continue;
        int32_t due;
        int64_t id;
        if (due_of(st, inst, k, day, tier, &due, err) < 0 ||
            store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_task"
                                  " WHERE institution_id = ?", inst, &id, err) < 0)
            return -1;
        char dtext[DATE_TEXT_LEN];
        date_format(due, dtext);
        store_stmt *q = store_prepare(st, "INSERT INTO case_task (institution_id, id, case_id,"
                                          " kind, title, owner_id, due_on, created_at)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
        if (!q) return -1;
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, id);
        store_bind_int64(q, 3, case_id);
        store_bind_text(q, 4, support_case_task_kind_code(k), (size_t)-1);
        store_bind_text(q, 5, support_case_task_kind_name(k), (size_t)-1);
        store_bind_int64(q, 6, owner_id);
        store_bind_text(q, 7, dtext, (size_t)-1);
        store_bind_text(q, 8, at, (size_t)-1);
        int rc = store_step(q, err);
        store_finalize(q);
        if (rc < 0) return -1;
    }
    return 0;
}

/* Complete the open tasks of kinds (see case.h). */
int support_case_tasks_complete_in_tx(store *st, int64_t inst, int64_t case_id, unsigned kinds,
                                      const char *at, int64_t account_id, cairn_err *err) {
    for (int k = 0; k < SUPPORT_TASK_KIND_COUNT; k++) {
        if (!(kinds & SUPPORT_TASK_BIT(k))) continue;
        store_stmt *q = store_prepare(st, "UPDATE case_task SET done_at = ?, done_by = ?"
                                          " WHERE institution_id = ? AND case_id = ?"
                                          " AND kind = ? AND done_at IS NULL", err);
        if (!q) return -1;
        store_bind_text(q, 1, at, (size_t)-1);
        if (account_id > 0) store_bind_int64(q, 2, account_id);
        else store_bind_null(q, 2);
        store_bind_int64(q, 3, inst);
        store_bind_int64(q, 4, case_id);
        store_bind_text(q, 5, support_case_task_kind_code(k), (size_t)-1);
        int rc = store_step(q, err);
        store_finalize(q);
        if (rc < 0) return -1;
    }
    return 0;
}

/* Mark one task done (see case.h); by_hand refuses a review task. */
static int task_done(store *st, int64_t inst, int64_t account_id, unsigned rel, int64_t case_id,
                     int64_t task_id, const char *at, int by_hand, support_case_problem *problem,
                     cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
        return case_refuse(SUPPORT_CASE_NOT_YOURS, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    if (case_tx_begin(st, inst, err) < 0) return -1;
    int state, tier;
    int64_t kw, learner;
    int found = case_state_read(st, inst, case_id, &state, &tier, &kw, &learner, err);
    if (found < 0) return case_tx_fail(st, -1);
    if (!found) return case_tx_fail(st, case_refuse(SUPPORT_CASE_TASK_UNKNOWN, problem, err));
    if (state == SUPPORT_CASE_CLOSED)
        return case_tx_fail(st, case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err));
    store_stmt *q = store_prepare(st, "SELECT kind, done_at FROM case_task WHERE"
                                      " institution_id = ? AND id = ? AND case_id = ?", err);
    if (!q) return case_tx_fail(st, -1);
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, task_id);
    store_bind_int64(q, 3, case_id);
    int s = store_step(q, err), kind = -1, done = 0;
    if (s == STORE_ROW) {
        kind = support_case_task_kind_parse(store_col_text(q, 0));
        done = !store_col_is_null(q, 1);
    }
    store_finalize(q);
    if (s < 0) return case_tx_fail(st, -1);
    if (s != STORE_ROW)
        return case_tx_fail(st, case_refuse(SUPPORT_CASE_TASK_UNKNOWN, problem, err));
    if (done) return case_tx_fail(st, case_refuse(SUPPORT_CASE_TASK_DONE, problem, err));
    if (by_hand && kind == SUPPORT_TASK_REVIEW)
        return case_tx_fail(st, case_refuse(SUPPORT_CASE_TASK_IS_REVIEW, problem, err));
    q = store_prepare(st, "UPDATE case_task SET done_at = ?, done_by = ? WHERE institution_id = ?"
                          " AND id = ?", err);
    if (!q) return case_tx_fail(st, -1);
    store_bind_text(q, 1, now, (size_t)-1);
    store_bind_int64(q, 2, account_id);
    store_bind_int64(q, 3, inst);
    store_bind_int64(q, 4, task_id);
    s = store_step(q, err);
    store_finalize(q);
    if (s < 0) return case_tx_fail(st, -1);
    int next = kind == SUPPORT_TASK_REVIEW &&
               (state == SUPPORT_CASE_PLAN_AGREED || state == SUPPORT_CASE_MONITORING);
    char tid[24], detail[96];
    snprintf(tid, sizeof tid, "%lld", (long long)task_id);
    snprintf(detail, sizeof detail, "case %lld: task %lld (%s) done", (long long)case_id,
             (long long)task_id, support_case_task_kind_code(kind));
    if ((next && support_case_tasks_create_in_tx(st, inst, case_id, kw,
                                                 SUPPORT_TASK_BIT(SUPPORT_TASK_REVIEW),
                                                 case_day_of(now), tier, now, err) < 0) ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "task_done",
                               support_case_task_kind_code(kind), tid, "", err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.task_done", NULL,
                           detail, err) < 0)
        return case_tx_fail(st, -1);
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Mark one task done (see case.h). */
int support_case_task_done(store *st, int64_t inst, int64_t account_id, unsigned rel,
                           int64_t case_id, int64_t task_id, const char *at,
                           support_case_problem *problem, cairn_err *err) {
    return task_done(st, inst, account_id, rel, case_id, task_id, at, 0, problem, err);
}

/* Mark one task done by hand (see case.h). */
int support_case_task_done_by_hand(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                   int64_t case_id, int64_t task_id,
                                   support_case_problem *problem, cairn_err *err) {
    return task_done(st, inst, account_id, rel, case_id, task_id, NULL, 1, problem, err);
}

/* The tier and probability of learner's latest score on or before day
** (day "": the latest of all) into *tier, *p: 1, 0 no score, -1 error. */
static int score_at(store_stmt *q, int64_t inst, int64_t learner, const char *day, int *tier,
                    double *p, cairn_err *err) {
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    store_bind_text(q, 3, *day ? day : "9999-12-31", (size_t)-1);   /* a range: one seek */
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *tier = (int)store_col_int64(q, 0);
        *p = store_col_is_null(q, 1) ? NAN : store_col_double(q, 1);
    }
    store_reset(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* r's learner's latest score from latest[0..n) (scores the caller read)
** into r->tier_now, r->p_now: 1, or 0 when it is not among them. */
static int latest_known(const support_case_risen *latest, size_t n, support_case_risen *r) {
    for (size_t i = 0; i < n; i++)
        if (latest[i].learner_id == r->learner_id) {
            r->tier_now = latest[i].tier_now;
            r->p_now = latest[i].p_now;
            return 1;
        }
    return 0;
}

#define RISEN_CASES_MAX 500   /* cases of one key worker looked at, at most */

/* Learners whose risk rose since their case's last review (see case.h). */
int support_case_risk_risen(store *st, int64_t inst, int64_t staff_id,
                            const support_case_risen *latest, size_t nlatest,
                            support_case_risen **rows, size_t *n, cairn_err *err) {
    assert(latest || !nlatest);
    *rows = NULL;
    *n = 0;
    store_stmt *cases = store_prepare(st,
        "SELECT c.id, c.learner_id, l.given_name, l.family_name, coalesce((SELECT"
        " max(r.reviewed_on) FROM case_review r WHERE r.institution_id = c.institution_id"
        " AND r.case_id = c.id AND r.progress_only = 0), (SELECT max(t.done_at)"
        " FROM case_task t WHERE t.institution_id = c.institution_id AND t.case_id = c.id"
        " AND t.kind = 'review' AND t.cancelled = 0 AND t.done_at IS NOT NULL), c.opened_at)"
        " FROM support_case c JOIN learner l ON l.institution_id = c.institution_id"
        " AND l.id = c.learner_id WHERE c.institution_id = ? AND c.key_worker_id = ?"
        " AND c.state <> 'closed' ORDER BY l.family_name, l.given_name, c.id", err);
    store_stmt *sc = store_prepare(st,
        "SELECT tier, probability FROM risk_score WHERE institution_id = ? AND learner_id = ?"
        " AND asof <= ? ORDER BY asof DESC LIMIT 1", err);
    if (!cases || !sc) {
        store_finalize(cases);
        store_finalize(sc);
        return -1;
    }
    store_bind_int64(cases, 1, inst);
    store_bind_int64(cases, 2, staff_id);
    size_t cap = 0;
    int rc = STORE_DONE;
    size_t read = 0;   /* no LIMIT in the SQL: SQLite sorts a result with one through a
                       ** temporary b-tree of whole rows, one without in memory */
    while (read++ < RISEN_CASES_MAX && (rc = store_step(cases, err)) == STORE_ROW) {
        support_case_risen r;
        memset(&r, 0, sizeof r);
        r.case_id = store_col_int64(cases, 0);
        r.learner_id = store_col_int64(cases, 1);
        str_full_name(r.learner_name, sizeof r.learner_name, store_col_text(cases, 2),
                      store_col_text(cases, 3));
        const char *since = store_col_text(cases, 4);
        str_copy(r.since, sizeof r.since, since ? since : "");
        int then = score_at(sc, inst, r.learner_id, r.since, &r.tier_then, &r.p_then, err);
        int now = then;
        if (then > 0 && !(now = latest_known(latest, nlatest, &r)))
            now = score_at(sc, inst, r.learner_id, "", &r.tier_now, &r.p_now, err);
        if (then < 0 || now < 0) {
            rc = -1;
            break;
        }
        if (then <= 0 || now <= 0) continue;
        int rose = r.tier_now > r.tier_then ||
                   (!isnan(r.p_now) && !isnan(r.p_then) && r.p_now - r.p_then >= 0.10);
        if (!rose) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        (*rows)[(*n)++] = r;
    }
    store_finalize(cases);
    store_finalize(sc);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Add a follow-up (see case.h). */
int support_case_follow_up_add(store *st, int64_t inst, int64_t account_id, unsigned rel,
                               int64_t case_id, int64_t owner_id, int32_t due_on,
                               const char *what, const char *at, support_case_problem *problem,
                               cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
        return case_refuse(SUPPORT_CASE_NOT_YOURS, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_reason_check(what, text, &p);
    size_t chars = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) chars += (*c & 0xC0) != 0x80;
    if (rc || !text[0] || chars > SUPPORT_CASE_FOLLOW_UP_MAX) {
        support_case_problem why = !rc && !text[0] ? SUPPORT_CASE_REASON_MISSING
                                                   : SUPPORT_CASE_REASON_BAD;
        free(text);
        return case_refuse(why, problem, err);
    }
    if (due_on < case_day_of(now)) {
        free(text);
        return case_refuse(SUPPORT_CASE_DUE_BAD, problem, err);
    }
    buf sealed = BUF_INIT;   /* not HTML: the stored form */
    rc = -1;
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int state, tier;
    int64_t kw, learner, id;
    unsigned owner = 0;
    if (case_state_get(st, inst, case_id, &state, &tier, &kw, &learner, err) < 0) goto fail;
    if (state == SUPPORT_CASE_CLOSED) {
        rc = case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
        goto fail;
    }
    if (support_case_relation(st, inst, case_id, owner_id, &owner, err) < 0) goto fail;
    if (!owner) {
        rc = case_refuse(SUPPORT_CASE_OWNER_BAD, problem, err);
        goto fail;
    }
    char dtext[DATE_TEXT_LEN], tid[24], detail[96];
    date_format(due_on, dtext);
    if (support_case_text_seal(st, inst, text, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_task"
                              " WHERE institution_id = ?", inst, &id, err) < 0)
        goto fail;
    store_stmt *q = store_prepare(st, "INSERT INTO case_task (institution_id, id, case_id, kind,"
                                      " title, owner_id, due_on, created_at) VALUES"
                                      " (?, ?, ?, 'follow_up', ?, ?, ?, ?)", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, case_id);
    store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
    store_bind_int64(q, 5, owner_id);
    store_bind_text(q, 6, dtext, (size_t)-1);
    store_bind_text(q, 7, now, (size_t)-1);
    int s = store_step(q, err);
    store_finalize(q);
    snprintf(tid, sizeof tid, "%lld", (long long)id);
    snprintf(detail, sizeof detail, "case %lld: follow-up %lld due %s", (long long)case_id,
             (long long)id, dtext);
    if (s < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "task_add", "follow_up", tid,
                               "", err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.task_add", NULL,
                           detail, err) < 0)
        goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    free(text);
    return rc;
}
