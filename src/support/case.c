/*
** support/case.c — opening and reading cases (see case.h); the steps, the
** tier and the team are written by support/case_write.c, tasks by
** support/case_task.c.
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/risk_read.h"
#include "support/actions.h"
#include "support/audit.h"
#include "support/sealed.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sealed text ------------------------------------------------------------------ */

/* The one place a case's reason goes to storage (see case.h): sealed at
** rest (support/sealed.h); an empty reason is stored empty. */
int support_case_text_seal(store *st, int64_t inst, const char *plain, buf *out,
                           cairn_err *err) {
    if (!plain || !*plain) return 0;
    return support_text_seal(st, inst, plain, out, err);
}

/* The one place a case's reason comes back from storage (see case.h):
** empty stays empty; text stored before sealing is taken as it is. */
int support_case_text_open(store *st, int64_t inst, const char *stored, buf *out,
                           cairn_err *err) {
    if (!stored || !*stored) return 0;
    if (!support_text_is_sealed(stored)) {
        buf_puts(out, stored);
        return 0;
    }
    return support_text_open(st, inst, stored, out, err);
}

/* ---- shared with the writers ---------------------------------------------------------- */

/* Check a reason (see case.h): the acknowledgement comment's rules, but
** empty is fine here. */
int support_case_reason_check(const char *reason, char *out, support_case_problem *problem) {
    support_problem p = SUPPORT_OK;
    *problem = SUPPORT_CASE_OK;
    if (support_comment_normalise(reason, out, &p) == 0) return 0;
    if (p == SUPPORT_COMMENT_EMPTY) {
        out[0] = 0;
        return 0;
    }
    *problem = SUPPORT_CASE_REASON_BAD;
    return 1;
}

/* Set *problem and err (see case_internal.h). */
int case_refuse(support_case_problem p, support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = p;
    err_set(err, CAIRN_EINVAL, "%s", support_case_problem_text(p));
    return 1;
}

/* Begin a case writer's transaction (see case_internal.h). */
int case_tx_begin(store *st, int64_t inst, cairn_err *err) {
    return store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err);
}

/* Roll back, return rc. */
int case_tx_fail(store *st, int rc) {
    store_tx_rollback(st);
    return rc;
}

/* The day of an ISO time (see case_internal.h). */
int32_t case_day_of(const char *at) {
    int32_t d;
    if (!at || strlen(at) < 10 || date_parse(at, 10, &d) < 0) return date_today();
    return d;
}

/* Append a history row (see case_internal.h). */
int case_history_add_in_tx(store *st, int64_t inst, int64_t case_id, const char *at,
                           int64_t account_id, const char *kind, const char *from,
                           const char *to, const char *reason, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT coalesce(max(seq), 0) + 1 FROM case_history"
                                      " WHERE institution_id = ? AND case_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    int64_t seq = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    if (rc != STORE_ROW) return -1;
    buf sealed = BUF_INIT;   /* not HTML: the stored form of the reason */
    if (support_case_text_seal(st, inst, reason, &sealed, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    q = store_prepare(st, "INSERT INTO case_history (institution_id, case_id, seq, at, account_id,"
                          " kind, from_value, to_value, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      err);
    if (!q) {
        buf_free(&sealed);
        return -1;
    }
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, seq);
    store_bind_text(q, 4, at, (size_t)-1);
    if (account_id > 0) store_bind_int64(q, 5, account_id);
    else store_bind_null(q, 5);
    store_bind_text(q, 6, kind, (size_t)-1);
    store_bind_text(q, 7, from ? from : "", (size_t)-1);
    store_bind_text(q, 8, to ? to : "", (size_t)-1);
    store_bind_text(q, 9, buf_cstr(&sealed), (size_t)-1);
    rc = store_step(q, err);
    store_finalize(q);
    buf_free(&sealed);
    return rc < 0 ? -1 : 0;
}

/* Whether sql counts a row for (inst, id) (see case_internal.h). */
int case_any(store *st, const char *sql, int64_t inst, int64_t id, cairn_err *err) {
    assert(st && sql);
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    int rc = store_step(q, err);
    int64_t n = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    return rc != STORE_ROW ? -1 : n > 0;
}

/* The time and the required reason of a writer (see case_internal.h). */
int case_reason_take(const char *reason, const char *at, char *now, char *text,
                     support_case_problem *problem, cairn_err *err) {
    assert(now && text);
    if (at) str_copy(now, 32, at);
    else date_now_iso(now);
    support_case_problem p = SUPPORT_CASE_OK;
    if (support_case_reason_check(reason, text, &p) || !text[0])
        return case_refuse(p ? p : SUPPORT_CASE_REASON_MISSING, problem, err);
    return 0;
}

/* A case's state, tier, key worker and learner (see case_internal.h). */
int case_state_read(store *st, int64_t inst, int64_t case_id, int *state, int *tier,
                    int64_t *key_worker_id, int64_t *learner_id, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT state, tier, key_worker_id, learner_id FROM"
                                      " support_case WHERE institution_id = ? AND id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *state = support_case_state_parse(store_col_text(q, 0));
        *tier = (int)store_col_int64(q, 1);
        *key_worker_id = store_col_int64(q, 2);
        *learner_id = store_col_int64(q, 3);
    }
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* A case's state that must be there (see case_internal.h). */
int case_state_get(store *st, int64_t inst, int64_t case_id, int *state, int *tier,
                   int64_t *key_worker_id, int64_t *learner_id, cairn_err *err) {
    int found = case_state_read(st, inst, case_id, state, tier, key_worker_id, learner_id, err);
    if (found < 0) return -1;
    if (!found) return err_set(err, CAIRN_ENOTFOUND, "there is no case %lld", (long long)case_id);
    return 0;
}

/* ---- opening -------------------------------------------------------------------------- */

/* The learner's current key worker (staff id) into *kw (0 none), and
** whether the learner exists: 1, 0 no such learner, -1 error. */
static int learner_key_worker(store *st, int64_t inst, int64_t learner_id, int64_t *kw,
                              cairn_err *err) {
    *kw = 0;
    int64_t n = 0;
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM learner WHERE institution_id = ?"
                                      " AND id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) n = store_col_int64(q, 0);
    store_finalize(q);
    if (rc != STORE_ROW) return -1;
    if (!n) return 0;
    support_key_worker cur;
    int have = support_key_worker_current(st, inst, learner_id, &cur, err);
    if (have < 0) return -1;
    if (have) *kw = cur.staff.id;
    return 1;
}

/* 1 if learner_id has a case that is not closed, 0 not, -1 error. */
static int learner_has_open_case(store *st, int64_t inst, int64_t learner_id, cairn_err *err) {
    return case_any(st, "SELECT count(*) FROM support_case WHERE institution_id = ?"
                    " AND learner_id = ? AND state <> 'closed'",
                    inst, learner_id, err);
}

/* 1 if staff_id is a staff member of inst, 0 not, -1 error. */
static int staff_exists(store *st, int64_t inst, int64_t staff_id, cairn_err *err) {
    return case_any(st, "SELECT count(*) FROM staff WHERE institution_id = ?"
                    " AND id = ?",
                    inst, staff_id, err);
}

/* Insert the case row c (id chosen here, reason sealed); in the
** transaction.  0 or -1. */
static int case_insert(store *st, int64_t inst, support_case *c, cairn_err *err) {
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM support_case"
                              " WHERE institution_id = ?", inst, &c->id, err) < 0)
        return -1;
    buf sealed = BUF_INIT;   /* not HTML: the stored form of the reason */
    if (support_case_text_seal(st, inst, c->reason, &sealed, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st,
        "INSERT INTO support_case (institution_id, id, learner_id, key_worker_id, state, tier,"
        " source, flag_asof, flag_tier, reason, opened_by, opened_at, updated_at)"
        " VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) {
        buf_free(&sealed);
        return -1;
    }
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, c->id);
    store_bind_int64(q, 3, c->learner_id);
    store_bind_int64(q, 4, c->key_worker_id);
    store_bind_int64(q, 5, c->tier);
    store_bind_text(q, 6, support_case_source_code(c->source), (size_t)-1);
    if (c->flag_asof[0]) store_bind_text(q, 7, c->flag_asof, (size_t)-1);
    else store_bind_null(q, 7);
    if (c->flag_tier >= 0) store_bind_int64(q, 8, c->flag_tier);
    else store_bind_null(q, 8);
    store_bind_text(q, 9, buf_cstr(&sealed), (size_t)-1);
    if (c->opened_by > 0) store_bind_int64(q, 10, c->opened_by);
    else store_bind_null(q, 10);
    store_bind_text(q, 11, c->opened_at, (size_t)-1);
    store_bind_text(q, 12, c->opened_at, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    buf_free(&sealed);
    return rc < 0 ? -1 : 0;
}

/* Insert a team row; in the transaction.  0 or -1. */
static int team_insert(store *st, int64_t inst, int64_t case_id, int64_t staff_id, int role,
                       int64_t account_id, const char *at, cairn_err *err) {
    store_stmt *q = store_prepare(st, "INSERT INTO case_team_member (institution_id, case_id,"
                                      " staff_id, role, added_by, added_at) VALUES"
                                      " (?, ?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, staff_id);
    store_bind_text(q, 4, support_case_role_code(role), (size_t)-1);
    if (account_id > 0) store_bind_int64(q, 5, account_id);
    else store_bind_null(q, 5);
    store_bind_text(q, 6, at, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    return case_history_add_in_tx(st, inst, case_id, at, account_id, "team_add", "",
                                  support_case_role_code(role), "", err);
}

/* Add a team row with its history and audit event (see case_internal.h). */
int case_team_insert_in_tx(store *st, int64_t inst, int64_t case_id, int64_t staff_id, int role,
                           int64_t account_id, const char *at, cairn_err *err) {
    if (team_insert(st, inst, case_id, staff_id, role, account_id, at, err) < 0) return -1;
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld: staff %lld added as %s", (long long)case_id,
             (long long)staff_id, support_case_role_code(role));
    int64_t learner = 0;
    int state, tier;
    int64_t kw;
    if (case_state_read(st, inst, case_id, &state, &tier, &kw, &learner, err) < 0) return -1;
    return support_case_audit(st, inst, account_id, learner, case_id, "case.team_add", NULL,
                              detail, err);
}

/* Fill the flag's suggestion of c from the learner's latest score. */
static int flag_suggestion(store *st, int64_t inst, support_case *c, cairn_err *err) {
    risk_attention_row *sc = xcalloc(1, sizeof *sc);
    int have = risk_read_learner_latest(st, inst, c->learner_id, sc, err);
    c->flag_tier = -1;
    c->flag_asof[0] = 0;
    if (have > 0) {
        c->flag_tier = (int)sc->tier;
        date_format(sc->asof, c->flag_asof);
    }
    free(sc);
    return have < 0 ? -1 : 0;
}

/* One audit event about case_id (see case.h). */
int support_case_audit(store *st, int64_t institution_id, int64_t account_id,
                       int64_t learner_id, int64_t case_id, const char *action,
                       const char *reason, const char *detail, cairn_err *err) {
    support_audit_event ev = {account_id, action, learner_id, "case", case_id, reason, detail};
    return support_audit_record(st, institution_id, &ev, err);
}

/* Insert case c with its history row, first-contact task and audit event
** (see case_internal.h). */
int case_open_in_tx(store *st, int64_t inst, int64_t account_id, support_case *c,
                    const char *from, cairn_err *err) {
    int32_t day = case_day_of(c->opened_at);
    if (case_insert(st, inst, c, err) < 0 ||
        case_history_add_in_tx(st, inst, c->id, c->opened_at, account_id, "open", from, "open",
                               c->reason, err) < 0 ||
        support_case_tasks_create_in_tx(st, inst, c->id, c->key_worker_id,
                                        SUPPORT_TASK_BIT(SUPPORT_TASK_FIRST_CONTACT), day,
                                        c->tier, c->opened_at, err) < 0)
        return -1;
    char line[128];
    snprintf(line, sizeof line, "case %lld opened from %s, tier %s", (long long)c->id, from,
             support_case_tier_code(c->tier));
    return support_case_audit(st, inst, account_id, c->learner_id, c->id, "case.open", NULL, line,
                              err);
}

/* Open a case (see case.h). */
int support_case_open(store *st, int64_t inst, int64_t account_id,
                      const support_case_open_spec *spec, const char *at, int64_t *case_id,
                      support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (case_id) *case_id = 0;
    if (!support_case_source_code(spec->source))
        return case_refuse(SUPPORT_CASE_SOURCE_BAD, problem, err);
    if (spec->tier < -1 || spec->tier > 2) return case_refuse(SUPPORT_CASE_TIER_BAD, problem, err);
    support_case *c = xcalloc(1, sizeof *c);
    support_case_problem p = SUPPORT_CASE_OK;
    if (support_case_reason_check(spec->reason, c->reason, &p) || !c->reason[0]) {
        free(c);
        return case_refuse(p ? p : SUPPORT_CASE_REASON_MISSING, problem, err);
    }
    c->learner_id = spec->learner_id;
    c->source = spec->source;
    c->opened_by = account_id;
    if (at) str_copy(c->opened_at, sizeof c->opened_at, at);
    else date_now_iso(c->opened_at);
    int rc = -1;
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int64_t kw = 0;
    int found = learner_key_worker(st, inst, spec->learner_id, &kw, err);
    int busy = found > 0 ? learner_has_open_case(st, inst, spec->learner_id, err) : 0;
    if (found < 0 || busy < 0) goto fail;
    if (!found) {
        err_set(err, CAIRN_ENOTFOUND, "there is no learner %lld", (long long)spec->learner_id);
        goto fail;
    }
    if (busy) {
        rc = case_refuse(SUPPORT_CASE_ALREADY_OPEN, problem, err);
        goto fail;
    }
    c->key_worker_id = spec->key_worker_id ? spec->key_worker_id : kw;
    int ok = c->key_worker_id ? staff_exists(st, inst, c->key_worker_id, err) : 0;
    if (ok < 0) goto fail;
    if (!ok) {
        rc = case_refuse(SUPPORT_CASE_NO_KEY_WORKER, problem, err);
        goto fail;
    }
    if (flag_suggestion(st, inst, c, err) < 0) goto fail;
    c->tier = spec->tier >= 0 ? spec->tier : c->flag_tier >= 0 ? c->flag_tier : 0;
    if (case_open_in_tx(st, inst, account_id, c, support_case_source_code(c->source), err) < 0)
        goto fail;
    if (spec->teacher_id && spec->teacher_id != c->key_worker_id &&
        case_team_insert_in_tx(st, inst, c->id, spec->teacher_id, SUPPORT_CASE_ROLE_TEACHER,
                               account_id, c->opened_at, err) < 0)
        goto fail;
    if (store_tx_commit(st, err) < 0) goto out;
    if (case_id) *case_id = c->id;
    rc = 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(c);
    return rc;
}
