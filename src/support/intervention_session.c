/*
** support/intervention_session.c — the sessions of a run and who attended
** them (see support/intervention.h).
*/
#include "support/intervention.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Record a session (see intervention.h). */
int intervention_session_record(store *st, int64_t institution_id, int64_t account_id,
                                int64_t run_id, const char *held, const char *minutes,
                                const int64_t *attended, size_t n, int64_t *id,
                                intervention_problem *problem, int *field, cairn_err *err) {
    *problem = IV_OK;
    *field = 0;
    int32_t day = 0;
    if (!held || !*held) { *problem = IV_MISSING; return 1; }
    if (strlen(held) != 10 || date_parse(held, 10, &day) < 0) { *problem = IV_BAD_DATE; return 1; }
    char *end = NULL;
    long mins = minutes && *minutes ? strtol(minutes, &end, 10) : 0;
    if (!minutes || !*minutes) { *field = 1; *problem = IV_MISSING; return 1; }
    if (*end || mins < 1 || mins > INTERVENTION_MINUTES_MAX) {
        *field = 1;
        *problem = IV_OUT_OF_RANGE;
        return 1;
    }
    intervention_participant *parts = NULL;
    size_t np = 0;
    if (intervention_participants(st, institution_id, run_id, &parts, &np, err) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < np && parts[k].id != attended[i]) k++;
        if (k == np) {
            free(parts);
            *field = 2;
            *problem = IV_UNKNOWN;
            return 1;
        }
    }
    char now[32], dtext[DATE_TEXT_LEN], detail[96];
    date_now_iso(now);
    date_format(day, dtext);
    int64_t next = 0, dup = 0;
    store_stmt *s = NULL;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) {
        free(parts);
        return -1;
    }
    s = store_prepare(st, "SELECT count(*) FROM intervention_session WHERE institution_id = ?"
                          " AND run_id = ? AND held_on = ?", err);
    if (!s) goto fail;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, run_id);
    store_bind_text(s, 3, dtext, (size_t)-1);
    if (store_step(s, err) != STORE_ROW) goto fail;
    dup = store_col_int64(s, 0);
    store_finalize(s);
    s = NULL;
    if (dup) {
        store_tx_rollback(st);
        free(parts);
        *problem = IV_ALREADY;
        return 1;
    }
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM intervention_session"
                              " WHERE institution_id = ?", institution_id, &next, err) < 0)
        goto fail;
    s = store_prepare(st, "INSERT INTO intervention_session (institution_id, id, run_id, held_on,"
                          " minutes, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", err);
    if (!s) goto fail;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, next + 1);
    store_bind_int64(s, 3, run_id);
    store_bind_text(s, 4, dtext, (size_t)-1);
    store_bind_int64(s, 5, mins);
    if (account_id) store_bind_int64(s, 6, account_id);
    else store_bind_null(s, 6);
    store_bind_text(s, 7, now, (size_t)-1);
    if (store_step(s, err) < 0) goto fail;
    store_finalize(s);
    s = store_prepare(st, "INSERT INTO intervention_attendance (institution_id, session_id,"
                          " participation_id, attended) VALUES (?, ?, ?, ?)", err);
    if (!s) goto fail;
    for (size_t k = 0; k < np; k++) {
        if (parts[k].joined > day) continue;           /* not in the run yet */
        int was = 0;
        for (size_t i = 0; i < n; i++) was |= attended[i] == parts[k].id;
        store_bind_int64(s, 1, institution_id);
        store_bind_int64(s, 2, next + 1);
        store_bind_int64(s, 3, parts[k].id);
        store_bind_int64(s, 4, was);
        if (store_step(s, err) < 0) goto fail;
        snprintf(detail, sizeof detail, "run %lld, session %lld, %s", (long long)run_id,
                 (long long)(next + 1), was ? "attended" : "absent");
        if (support_audit_append(st, institution_id, account_id, "intervention.session",
                                 parts[k].learner_id, detail, err) < 0)
            goto fail;
    }
    store_finalize(s);
    s = NULL;
    if (store_tx_commit(st, err) < 0) goto fail;
    free(parts);
    if (id) *id = next + 1;
    return 0;
fail:
    store_finalize(s);
    store_tx_rollback(st);
    free(parts);
    return -1;
}

/* The sessions of a run (see intervention.h). */
int intervention_sessions(store *st, int64_t institution_id, int64_t run_id,
                          intervention_session **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT x.id, x.held_on, x.minutes,"
        " (SELECT count(*) FROM intervention_attendance t WHERE t.institution_id = x.institution_id"
        "  AND t.session_id = x.id AND t.attended = 1),"
        " (SELECT count(*) FROM intervention_attendance t WHERE t.institution_id = x.institution_id"
        "  AND t.session_id = x.id)"
        " FROM intervention_session x WHERE x.institution_id = ? AND x.run_id = ?"
        " ORDER BY x.held_on DESC, x.id DESC", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        intervention_session *x = &(*rows)[(*n)++];
        x->id = store_col_int64(s, 0);
        const char *t = store_col_text(s, 1);
        x->held = 0;
        if (t) date_parse(t, strlen(t) >= 10 ? 10 : strlen(t), &x->held);
        x->minutes = (int)store_col_int64(s, 2);
        x->present = (long)store_col_int64(s, 3);
        x->recorded = (long)store_col_int64(s, 4);
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

/* The attendance grid of a run (see intervention.h). */
int intervention_attendance_grid(store *st, int64_t institution_id, int64_t run_id,
                                 const intervention_session *sessions, size_t nsessions,
                                 const intervention_participant *parts, size_t nparts,
                                 signed char **grid, cairn_err *err) {
    size_t cells = nsessions * nparts;
    *grid = xmalloc(cells ? cells : 1);
    memset(*grid, -1, cells ? cells : 1);
    store_stmt *s = store_prepare(st,
        "SELECT t.session_id, t.participation_id, t.attended FROM intervention_attendance t"
        " JOIN intervention_session x ON x.institution_id = t.institution_id"
        " AND x.id = t.session_id WHERE x.institution_id = ? AND x.run_id = ?", err);
    if (!s) {
        free(*grid);
        *grid = NULL;
        return -1;
    }
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, run_id);
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int64_t sid = store_col_int64(s, 0), pid = store_col_int64(s, 1);
        size_t i = 0, k = 0;
        while (i < nsessions && sessions[i].id != sid) i++;
        while (k < nparts && parts[k].id != pid) k++;
        if (i < nsessions && k < nparts)
            (*grid)[i * nparts + k] = (signed char)(store_col_int64(s, 2) ? 1 : 0);
    }
    store_finalize(s);
    if (rc < 0) {
        free(*grid);
        *grid = NULL;
        return -1;
    }
    return 0;
}
