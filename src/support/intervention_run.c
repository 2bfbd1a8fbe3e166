/*
** support/intervention_run.c — runs of an intervention, their participants
** and sessions (see support/intervention.h).
*/
#include "support/intervention.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/case.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const intervention_run_field_names[IV_R_COUNT] = {
    "mode", "label", "start", "deliverer"};

/* Grow *arr (elements of size sz) to hold one more beyond *n. */
static void *grow(void *arr, size_t n, size_t *cap, size_t sz) {
    if (n < *cap) return arr;
    *cap = *cap ? *cap * 2 : 16;
    return xrealloc(arr, *cap * sz);
}

/* A 'YYYY-MM-DD' text into *day: IV_OK, IV_MISSING or IV_BAD_DATE. */
static intervention_problem day_check(const char *s, int32_t *day) {
    if (!s || !*s) return IV_MISSING;
    if (strlen(s) != 10 || date_parse(s, 10, day) < 0) return IV_BAD_DATE;
    return IV_OK;
}

/* A date column as days (0 when it is not a date). */
static int32_t col_day(store_stmt *s, int col) {
    const char *t = store_col_text(s, col);
    int32_t d = 0;
    if (!t || strlen(t) < 10 || date_parse(t, 10, &d) < 0) return 0;
    return d;
}

/* A positive decimal id, or 0. */
static int64_t id_parse(const char *s) {
    if (!s || !*s) return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v <= 0 ? 0 : (int64_t)v;
}

/* Start a run (see intervention.h). */
int intervention_run_start(store *st, int64_t institution_id, int64_t account_id,
                           int64_t intervention_id, const char *const in[IV_R_COUNT],
                           int64_t *run_id, intervention_problem prob[IV_R_COUNT],
                           cairn_err *err) {
    intervention e;
    int found = intervention_get(st, institution_id, intervention_id, &e, err);
    if (found < 0) return -1;
    if (!found) return err_set(err, CAIRN_ENOTFOUND, "there is no intervention %lld",
                               (long long)intervention_id);
    const char *mode = in[IV_R_MODE] && *in[IV_R_MODE] ? in[IV_R_MODE] : "group";
    prob[IV_R_MODE] = strcmp(mode, "group") && strcmp(mode, "individual") ? IV_BAD_CHOICE : IV_OK;
    char label[INTERVENTION_BYTES(INTERVENTION_NAME_MAX)] = "";
    const char *lt = in[IV_R_LABEL];
    while (lt && *lt == ' ') lt++;
    prob[IV_R_LABEL] = IV_OK;
    if (lt && *lt)   /* optional; the same check as a name */
        prob[IV_R_LABEL] = intervention_text_check(lt, INTERVENTION_NAME_MAX, label, sizeof label);
    int32_t start = 0;
    prob[IV_R_START] = day_check(in[IV_R_START], &start);
    int64_t deliverer = id_parse(in[IV_R_DELIVERER]), known = 0;
    prob[IV_R_DELIVERER] = in[IV_R_DELIVERER] && *in[IV_R_DELIVERER] ? IV_OK : IV_MISSING;
    if (prob[IV_R_DELIVERER] == IV_OK) {
        store_stmt *s = store_prepare(st, "SELECT count(*) FROM staff WHERE institution_id = ?"
                                          " AND id = ?", err);
        if (!s) return -1;
        store_bind_int64(s, 1, institution_id);
        store_bind_int64(s, 2, deliverer);
        int rc = store_step(s, err);
        if (rc == STORE_ROW) known = store_col_int64(s, 0);
        store_finalize(s);
        if (rc < 0) return -1;
        if (!known) prob[IV_R_DELIVERER] = IV_UNKNOWN;
    }
    for (int i = 0; i < IV_R_COUNT; i++)
        if (prob[i] != IV_OK) return 1;
    char now[32], day[DATE_TEXT_LEN];
    date_now_iso(now);
    date_format(start, day);
    int64_t next = 0;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM intervention_run"
                              " WHERE institution_id = ?", institution_id, &next, err) < 0) {
        store_tx_rollback(st);
        return -1;
    }
    store_stmt *s = store_prepare(st, "INSERT INTO intervention_run (institution_id, id,"
                                      " intervention_id, mode, label, start_date,"
                                      " deliverer_staff_id, created_by, created_at)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!s) {
        store_tx_rollback(st);
        return -1;
    }
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, next + 1);
    store_bind_int64(s, 3, intervention_id);
    store_bind_text(s, 4, mode, (size_t)-1);
    store_bind_text(s, 5, label, (size_t)-1);
    store_bind_text(s, 6, day, (size_t)-1);
    store_bind_int64(s, 7, deliverer);
    if (account_id) store_bind_int64(s, 8, account_id);
    else store_bind_null(s, 8);
    store_bind_text(s, 9, now, (size_t)-1);
    int rc = store_step(s, err);
    store_finalize(s);
    if (rc < 0 || store_tx_commit(st, err) < 0) {
        store_tx_rollback(st);
        return -1;
    }
    if (run_id) *run_id = next + 1;
    return 0;
}

#define RUN_SELECT                                                                  \
    "SELECT r.id, r.intervention_id, i.name, i.tier, i.duration_weeks, r.mode, r.label," \
    " r.start_date, r.deliverer_staff_id, s.given_name, s.family_name,"              \
    " (SELECT count(*) FROM intervention_participation p"                            \
    "  WHERE p.institution_id = r.institution_id AND p.run_id = r.id),"              \
    " (SELECT count(*) FROM intervention_session x"                                  \
    "  WHERE x.institution_id = r.institution_id AND x.run_id = r.id)"               \
    " FROM intervention_run r JOIN intervention i"                                   \
    " ON i.institution_id = r.institution_id AND i.id = r.intervention_id"           \
    " JOIN staff s ON s.institution_id = r.institution_id AND s.id = r.deliverer_staff_id"

/* Read the RUN_SELECT columns of the current row into r. */
static void run_read(store_stmt *s, intervention_run *r) {
    memset(r, 0, sizeof *r);
    r->id = store_col_int64(s, 0);
    r->intervention_id = store_col_int64(s, 1);
    str_copy(r->intervention_name, sizeof r->intervention_name, store_col_text(s, 2));
    str_copy(r->tier, sizeof r->tier, store_col_text(s, 3));
    r->duration_weeks = (int)store_col_int64(s, 4);
    str_copy(r->mode, sizeof r->mode, store_col_text(s, 5));
    str_copy(r->label, sizeof r->label, store_col_text(s, 6));
    r->start = col_day(s, 7);
    r->deliverer_staff_id = store_col_int64(s, 8);
    snprintf(r->deliverer_name, sizeof r->deliverer_name, "%s %s",
             store_col_text(s, 9) ? store_col_text(s, 9) : "",
             store_col_text(s, 10) ? store_col_text(s, 10) : "");
    r->participants = (long)store_col_int64(s, 11);
    r->sessions = (long)store_col_int64(s, 12);
}

/* Run id (see intervention.h). */
int intervention_run_get(store *st, int64_t institution_id, int64_t id, intervention_run *out,
                         cairn_err *err) {
    store_stmt *s = store_prepare(st, RUN_SELECT " WHERE r.institution_id = ? AND r.id = ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, id);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) run_read(s, out);
    store_finalize(s);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* The runs of an intervention (see intervention.h). */
int intervention_runs_of(store *st, int64_t institution_id, int64_t intervention_id,
                         intervention_run **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st, RUN_SELECT " WHERE r.institution_id = ?"
                                      " AND (? = 0 OR r.intervention_id = ?)"
                                      " ORDER BY r.start_date DESC, r.id DESC", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, intervention_id);
    store_bind_int64(s, 3, intervention_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        *rows = grow(*rows, *n, &cap, sizeof **rows);
        run_read(s, &(*rows)[(*n)++]);
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

/* Add a participant (see intervention.h). */
int intervention_participant_add(store *st, int64_t institution_id, int64_t account_id,
                                 int64_t run_id, const char *learner_ref, const char *joined,
                                 int64_t case_id, int64_t *id, intervention_problem *problem,
                                 cairn_err *err) {
    intervention_run r;
    *problem = IV_OK;
    int found = intervention_run_get(st, institution_id, run_id, &r, err);
    if (found < 0) return -1;
    if (!found) return err_set(err, CAIRN_ENOTFOUND, "there is no run %lld", (long long)run_id);
    if (!learner_ref || !*learner_ref) { *problem = IV_MISSING; return 1; }
    int32_t day = r.start;
    if (joined && *joined && (*problem = day_check(joined, &day)) != IV_OK) return 1;
    int64_t learner = 0, next = 0, dup = 0;
    if (intervention_learner_by_ref(st, institution_id, learner_ref, &learner, err) < 0) return -1;
    if (!learner) { *problem = IV_UNKNOWN; return 1; }
    store_stmt *s;
    int rc;
    char now[32], dtext[DATE_TEXT_LEN], detail[96];
    date_now_iso(now);
    date_format(day, dtext);
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    s = store_prepare(st, "SELECT count(*) FROM intervention_participation"
                          " WHERE institution_id = ? AND run_id = ? AND learner_id = ?", err);
    if (!s) goto fail;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, run_id);
    store_bind_int64(s, 3, learner);
    rc = store_step(s, err);
    if (rc == STORE_ROW) dup = store_col_int64(s, 0);
    store_finalize(s);
    if (rc < 0) goto fail;
    if (dup) {
        store_tx_rollback(st);
        *problem = IV_ALREADY;
        return 1;
    }
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM intervention_participation"
                              " WHERE institution_id = ?", institution_id, &next, err) < 0)
        goto fail;
    if (case_id <= 0) {   /* the learner's open case, when there is one */
        int64_t open_case = 0;
        if (support_case_open_of_learners(st, institution_id, &learner, 1, 0, &open_case, NULL,
                                          err) < 0)
            goto fail;
        case_id = open_case;
    }
    s = store_prepare(st, "INSERT INTO intervention_participation (institution_id, id, run_id,"
                          " learner_id, joined_on, case_id, added_by, added_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!s) goto fail;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, next + 1);
    store_bind_int64(s, 3, run_id);
    store_bind_int64(s, 4, learner);
    store_bind_text(s, 5, dtext, (size_t)-1);
    if (case_id > 0) store_bind_int64(s, 6, case_id);
    else store_bind_null(s, 6);
    if (account_id) store_bind_int64(s, 7, account_id);
    else store_bind_null(s, 7);
    store_bind_text(s, 8, now, (size_t)-1);
    rc = store_step(s, err);
    store_finalize(s);
    if (rc < 0) goto fail;
    snprintf(detail, sizeof detail, "run %lld, participation %lld", (long long)run_id,
             (long long)(next + 1));
    if (support_audit_append(st, institution_id, account_id, "intervention.join", learner, detail,
                             err) < 0 ||
        store_tx_commit(st, err) < 0)
        goto fail;
    if (id) *id = next + 1;
    return 0;
fail:
    store_tx_rollback(st);
    return -1;
}

/* The learner whose ref is ref (see intervention.h). */
int intervention_learner_by_ref(store *st, int64_t institution_id, const char *ref, int64_t *id,
                                cairn_err *err) {
    *id = 0;
    store_stmt *s = store_prepare(st, "SELECT id FROM learner WHERE institution_id = ? AND ref = ?",
                                  err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_text(s, 2, ref ? ref : "", (size_t)-1);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) *id = store_col_int64(s, 0);
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

#define PART_SELECT                                                                 \
    "SELECT p.id, p.run_id, p.learner_id, l.ref, l.given_name, l.family_name,"       \
    " p.joined_on, p.case_id,"                                                       \
    " (SELECT min(a.staff_id) FROM support_assignment a"                             \
    "  WHERE a.institution_id = p.institution_id AND a.learner_id = p.learner_id"    \
    "  AND a.ended_at IS NULL),"                                                     \
    " (SELECT count(*) FROM intervention_attendance t"                               \
    "  WHERE t.institution_id = p.institution_id AND t.participation_id = p.id"      \
    "  AND t.attended = 1)"                                                          \
    " FROM intervention_participation p JOIN learner l"                              \
    " ON l.institution_id = p.institution_id AND l.id = p.learner_id"

/* Read the PART_SELECT columns of the current row into p. */
static void part_read(store_stmt *s, intervention_participant *p) {
    memset(p, 0, sizeof *p);
    p->id = store_col_int64(s, 0);
    p->run_id = store_col_int64(s, 1);
    p->learner_id = store_col_int64(s, 2);
    str_copy(p->ref, sizeof p->ref, store_col_text(s, 3));
    str_copy(p->given_name, sizeof p->given_name, store_col_text(s, 4));
    str_copy(p->family_name, sizeof p->family_name, store_col_text(s, 5));
    p->joined = col_day(s, 6);
    p->case_id = store_col_is_null(s, 7) ? 0 : store_col_int64(s, 7);
    p->key_worker_staff_id = store_col_is_null(s, 8) ? 0 : store_col_int64(s, 8);
    p->attended = (long)store_col_int64(s, 9);
}

/* The participants of a run (see intervention.h). */
int intervention_participants(store *st, int64_t institution_id, int64_t run_id,
                              intervention_participant **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st, PART_SELECT " WHERE p.institution_id = ? AND p.run_id = ?"
                                      " ORDER BY l.family_name, l.given_name, p.id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        *rows = grow(*rows, *n, &cap, sizeof **rows);
        part_read(s, &(*rows)[(*n)++]);
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

/* A learner's participations (see intervention.h). */
int intervention_learner_runs(store *st, int64_t institution_id, int64_t learner_id,
                              intervention_run **runs, intervention_participant **parts,
                              size_t *n, cairn_err *err) {
    *runs = NULL;
    *parts = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st, PART_SELECT " WHERE p.institution_id = ? AND p.learner_id = ?"
                                      " ORDER BY p.joined_on DESC, p.id DESC", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, learner_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        *parts = grow(*parts, *n, &cap, sizeof **parts);
        part_read(s, &(*parts)[(*n)++]);
    }
    store_finalize(s);
    if (rc < 0) goto fail;
    *runs = xcalloc(*n ? *n : 1, sizeof **runs);
    store_stmt *held = store_prepare(st, "SELECT count(*) FROM intervention_session"
                                         " WHERE institution_id = ? AND run_id = ?"
                                         " AND held_on >= ?", err);
    if (!held) goto fail;
    for (size_t i = 0; i < *n; i++) {
        char d[DATE_TEXT_LEN];
        if (intervention_run_get(st, institution_id, (*parts)[i].run_id, &(*runs)[i], err) < 0) {
            store_finalize(held);
            goto fail;
        }
        date_format((*parts)[i].joined, d);
        store_bind_int64(held, 1, institution_id);
        store_bind_int64(held, 2, (*parts)[i].run_id);
        store_bind_text(held, 3, d, (size_t)-1);
        if (store_step(held, err) != STORE_ROW) {
            store_finalize(held);
            goto fail;
        }
        (*runs)[i].sessions = (long)store_col_int64(held, 0);
    }
    store_finalize(held);
    return 0;
fail:
    free(*runs);
    free(*parts);
    *runs = NULL;
    *parts = NULL;
    *n = 0;
    return -1;
}

/* The possible deliverers (see intervention.h). */
int intervention_deliverers(store *st, int64_t institution_id, intervention_staff **rows,
                            size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT s.id, s.given_name, s.family_name, coalesce(s.job_title, '') FROM staff s"
        " WHERE s.institution_id = ? AND EXISTS (SELECT 1 FROM account a"
        "  WHERE a.institution_id = s.institution_id AND a.person_kind = 'staff'"
        "  AND a.person_id = s.id AND a.disabled = 0)"
        " ORDER BY s.family_name, s.given_name, s.id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        *rows = grow(*rows, *n, &cap, sizeof **rows);
        intervention_staff *x = &(*rows)[(*n)++];
        x->id = store_col_int64(s, 0);
        snprintf(x->name, sizeof x->name, "%s %s", store_col_text(s, 1) ? store_col_text(s, 1) : "",
                 store_col_text(s, 2) ? store_col_text(s, 2) : "");
        str_copy(x->job_title, sizeof x->job_title, store_col_text(s, 3));
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
