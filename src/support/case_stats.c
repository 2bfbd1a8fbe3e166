/*
** support/case_stats.c — the institution's cases in figures for its
** leaders: caseload per key worker by state, open tasks past due, closures
** by outcome, the median days from a flag to the first contact and to the
** agreed plan (see case.h).  Counts only; the page suppresses small ones (base/suppress.h).
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The row of staff_id in out, added when new. */
static support_case_load *load_of(support_case_stats *out, size_t *cap, int64_t staff_id,
                                  const char *given, const char *family) {
    for (size_t i = 0; i < out->n; i++)
        if (out->rows[i].staff_id == staff_id) return &out->rows[i];
    if (out->n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        out->rows = xrealloc(out->rows, *cap * sizeof *out->rows);
    }
    support_case_load *r = &out->rows[out->n++];
    memset(r, 0, sizeof *r);
    r->staff_id = staff_id;
    snprintf(r->name, sizeof r->name, "%s %s", given ? given : "", family ? family : "");
    return r;
}

/* Ascending doubles for qsort. */
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Caseloads by state, and the closures by outcome. */
static int loads_read(store *st, int64_t inst, support_case_stats *out, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT c.key_worker_id, s.given_name, s.family_name, c.state, coalesce(c.outcome, ''),"
        " count(*) FROM support_case c JOIN staff s ON s.institution_id = c.institution_id"
        " AND s.id = c.key_worker_id WHERE c.institution_id = ?"
        " GROUP BY c.key_worker_id, s.given_name, s.family_name, c.state, c.outcome"
        " ORDER BY s.family_name, s.given_name, c.key_worker_id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        support_case_load *r = load_of(out, &cap, store_col_int64(q, 0), store_col_text(q, 1),
                                       store_col_text(q, 2));
        int state = support_case_state_parse(store_col_text(q, 3));
        long long k = (long long)store_col_int64(q, 5);
        if (state >= 0) r->by_state[state] += k;
        if (state == SUPPORT_CASE_CLOSED) {
            int o = support_case_outcome_parse(store_col_text(q, 4));
            if (o > 0) out->closed_by_outcome[o] += k;
            out->closed += k;
        }
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Open tasks past due on today, per key worker of their case. */
static int overdue_read(store *st, int64_t inst, int32_t today, support_case_stats *out,
                        cairn_err *err) {
    char day[DATE_TEXT_LEN];
    date_format(today, day);
    store_stmt *q = store_prepare(st,
        "SELECT c.key_worker_id, count(*) FROM case_task t JOIN support_case c"
        " ON c.institution_id = t.institution_id AND c.id = t.case_id"
        " WHERE t.institution_id = ? AND t.done_at IS NULL AND c.state <> 'closed'"
        " AND t.due_on < ? GROUP BY c.key_worker_id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, day, (size_t)-1);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW)
        for (size_t i = 0; i < out->n; i++)
            if (out->rows[i].staff_id == store_col_int64(q, 0))
                out->rows[i].overdue = (long long)store_col_int64(q, 1);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The median of the days between column 0 and column 1 (texts starting
** with a date) over the rows of sql bound to inst, into *median and their
** count into *n. */
static int median_days_read(store *st, int64_t inst, const char *sql, double *median,
                            long long *n_out, cairn_err *err) {
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    double *days = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        const char *a = store_col_text(q, 0), *b = store_col_text(q, 1);
        int32_t da, db;
        if (!a || !b || strlen(a) < 10 || strlen(b) < 10 || date_parse(a, 10, &da) < 0 ||
            date_parse(b, 10, &db) < 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            days = xrealloc(days, cap * sizeof *days);
        }
        days[n++] = db > da ? (double)(db - da) : 0.0;
    }
    store_finalize(q);
    *median = 0;
    if (rc >= 0 && n) {
        qsort(days, n, sizeof *days, cmp_double);
        *median = n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2;
    }
    *n_out = (long long)n;
    free(days);
    return rc < 0 ? -1 : 0;
}

/* The median days from opening (from a flag) to the first contact done. */
static int contact_read(store *st, int64_t inst, support_case_stats *out, cairn_err *err) {
    return median_days_read(st, inst,
        "SELECT c.opened_at, min(t.done_at) FROM support_case c JOIN case_task t"
        " ON t.institution_id = c.institution_id AND t.case_id = c.id"
        " WHERE c.institution_id = ? AND c.source = 'flag' AND t.kind = 'first_contact'"
        " AND t.done_at IS NOT NULL AND t.cancelled = 0 GROUP BY c.id, c.opened_at",
        &out->median_days_to_contact, &out->contacts, err);
}

/* The median days from opening (from a flag) to the first step into
** plan_agreed (the case history). */
static int plan_read(store *st, int64_t inst, support_case_stats *out, cairn_err *err) {
    return median_days_read(st, inst,
        "SELECT c.opened_at, min(h.at) FROM support_case c JOIN case_history h"
        " ON h.institution_id = c.institution_id AND h.case_id = c.id"
        " WHERE c.institution_id = ? AND c.source = 'flag' AND h.kind = 'step'"
        " AND h.to_value = 'plan_agreed' GROUP BY c.id, c.opened_at",
        &out->median_days_to_plan, &out->plans, err);
}

/* The figures (see case.h). */
int support_case_stats_read(store *st, int64_t inst, int32_t today, support_case_stats *out,
                            cairn_err *err) {
    memset(out, 0, sizeof *out);
    if (loads_read(st, inst, out, err) < 0 || overdue_read(st, inst, today, out, err) < 0 ||
        contact_read(st, inst, out, err) < 0 || plan_read(st, inst, out, err) < 0) {
        free(out->rows);
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}
