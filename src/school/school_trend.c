/*
** school/school_trend.c — the institution's trend: monthly attendance and
** leavers over a school year, computed from the events or read back as
** stored on a score date (see school.h).
*/
#include "school/school.h"
#include "base/date.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the institution's trend ------------------------------------------------------ */

/* The school year that day falls in (see school.h): 1 found, 0 none, -1 error. */
int school_year_span(store *st, int64_t inst, int32_t day, int32_t *first, int32_t *last,
                       cairn_err *err) {
    char d[DATE_TEXT_LEN];
    date_format(day, d);
    store_stmt *s = store_prepare(st,
        "SELECT min(t.start_date), max(t.end_date) FROM term t"
        " WHERE t.institution_id = ? AND t.school_year ="
        " (SELECT y.school_year FROM term y WHERE y.institution_id = ? AND y.start_date <= ?"
        "  ORDER BY y.start_date DESC LIMIT 1)", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, inst);
    store_bind_text(s, 3, d, (size_t)-1);
    int rc = store_step(s, err), found = 0;
    if (rc == STORE_ROW) {
        const char *a = store_col_text(s, 0), *b = store_col_text(s, 1);
        found = a && b && date_parse(a, strlen(a), first) == 0 &&
                date_parse(b, strlen(b), last) == 0;
    }
    store_finalize(s);
    return rc < 0 ? -1 : found;
}

/* The index in out[0..n) of the month "YYYY-MM" that text starts with, or -1. */
static int trend_month_index(const char *text, const school_trend_month *out, size_t n) {
    int y, m;
    if (!text || strlen(text) < 7 || sscanf(text, "%4d-%2d", &y, &m) != 2) return -1;
    int32_t start = date_from_ymd(y, m, 1);
    for (size_t i = 0; i < n; i++)
        if (out[i].month_start == start) return (int)i;
    return -1;
}

/* Run one trend series: sql has the institution, the first and the last
** date as parameters 1..3, then the visibility predicate's; each row is
** (month "YYYY-MM", counts...) handed to add. */
static int trend_pass(store *st, const char *sql_head, const char *sql_tail, int64_t inst,
                      int32_t first, int32_t last, const school_visibility *vis,
                      school_trend_month *out, size_t n,
                      void (*add)(school_trend_month *m, store_stmt *s), cairn_err *err) {
    buf sql = BUF_INIT;
    buf_puts(&sql, sql_head);
    if (vis && vis->sql) {
        buf_puts(&sql, " AND ");
        buf_puts(&sql, vis->sql);
    }
    buf_puts(&sql, sql_tail);
    store_stmt *s = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!s) return -1;
    char d0[DATE_TEXT_LEN], d1[DATE_TEXT_LEN];
    date_format(first, d0);
    date_format(last, d1);
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, d0, (size_t)-1);
    store_bind_text(s, 3, d1, (size_t)-1);
    if (vis && vis->sql && vis->bind) vis->bind(vis->ctx, s, 4);
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int k = trend_month_index(store_col_text(s, 0), out, n);
        if (k >= 0) add(&out[k], s);
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Take one attendance row (month, sessions, attended, learners). */
static void add_trend_attendance(school_trend_month *m, store_stmt *s) {
    m->sessions = (long)store_col_int64(s, 1);
    m->attended = (long)store_col_int64(s, 2);
    m->learners = (long)store_col_int64(s, 3);
}

/* Take one early-leaving row (month, learners). */
static void add_trend_leavers(school_trend_month *m, store_stmt *s) {
    m->left_early = (long)store_col_int64(s, 1);
}

/* Zero out[] and give it the months of *first..last (at most
** SCHOOL_TREND_MONTHS, the latest kept: *first then moves to the 1st of the
** first month kept); returns how many.  last >= *first. */
static size_t trend_months(int32_t *first, int32_t last, school_trend_month *out) {
    int y, m, d, ly, lm;
    date_to_ymd(last, &ly, &lm, &d);
    date_to_ymd(*first, &y, &m, &d);
    long span = (long)(ly - y) * 12 + (lm - m) + 1;
    if (span > SCHOOL_TREND_MONTHS) {   /* keep the latest months */
        long skip = span - SCHOOL_TREND_MONTHS;
        long idx = (long)y * 12 + (m - 1) + skip;
        y = (int)(idx / 12);
        m = (int)(idx % 12) + 1;
        *first = date_from_ymd(y, m, 1);
        span = SCHOOL_TREND_MONTHS;
    }
    memset(out, 0, SCHOOL_TREND_MONTHS * sizeof *out);
    for (long i = 0; i < span; i++) {
        long idx = (long)y * 12 + (m - 1) + i;
        out[i].month_start = date_from_ymd((int)(idx / 12), (int)(idx % 12) + 1, 1);
    }
    return (size_t)span;
}

/* The months of first..last with attendance and early leavers (see school.h). */
int school_trend(store *st, int64_t inst, int32_t first, int32_t last,
                 const school_visibility *vis, school_trend_month out[SCHOOL_TREND_MONTHS],
                 size_t *n, cairn_err *err) {
    *n = 0;
    if (last < first) return 0;
    *n = trend_months(&first, last, out);
    /* learner first (CROSS JOIN fixes the order in SQLite), so the
    ** visibility predicate runs once per learner, then its attendance rows
    ** of the period through the primary key (institution_id, learner_id,
    ** date, session): only the period's rows are read */
    if (trend_pass(st,
            "SELECT substr(t.date, 1, 7), count(*),"
            " sum(CASE WHEN t.status <= 1 THEN 1 ELSE 0 END), count(DISTINCT t.learner_id)"
            " FROM learner v CROSS JOIN attendance t"
            " WHERE v.institution_id = ? AND t.date >= ? AND t.date <= ?"
            " AND t.institution_id = v.institution_id AND t.learner_id = v.id",
            " GROUP BY substr(t.date, 1, 7)", inst, first, last, vis, out, *n,
            add_trend_attendance, err) ||
        trend_pass(st,
            "SELECT substr(t.exit_date, 1, 7), count(DISTINCT t.learner_id)"
            " FROM enrolment t JOIN learner v"
            "   ON v.institution_id = t.institution_id AND v.id = t.learner_id"
            " WHERE t.institution_id = ? AND t.status = 'left_early'"
            " AND t.exit_date >= ? AND t.exit_date <= ?",
            " GROUP BY substr(t.exit_date, 1, 7)", inst, first, last, vis, out, *n,
            add_trend_leavers, err)) {
        *n = 0;
        return -1;
    }
    return 0;
}

/* The trend's period as of ref (see school.h): 0 or -1 error. */
int school_trend_period(store *st, int64_t inst, int32_t ref, int32_t *first, int32_t *last,
                        int *school_year, cairn_err *err) {
    int found = school_year_span(st, inst, ref, first, last, err);
    if (found < 0) return -1;
    *school_year = found;
    if (!found || *last > ref) *last = ref;
    if (!found) {   /* no terms: the twelve months up to ref */
        int y, m, d;
        date_to_ymd(ref, &y, &m, &d);
        long idx = (long)y * 12 + (m - 1) - 11;
        *first = date_from_ymd((int)(idx / 12), (int)(idx % 12) + 1, 1);
    }
    return 0;
}

/* Replace the stored trend of (inst, asof) with rows month[0..n); inside
** the open transaction. */
static int trend_rows_replace(store *st, int64_t inst, const char *asof_text,
                              const school_trend_month *month, size_t n, cairn_err *err) {
    store_stmt *del = store_prepare(st, "DELETE FROM school_trend_month"
                                        " WHERE institution_id = ? AND asof = ?", err);
    if (!del) return -1;
    store_bind_int64(del, 1, inst);
    store_bind_text(del, 2, asof_text, (size_t)-1);
    int rc = store_step(del, err);
    store_finalize(del);
    if (rc < 0) return -1;
    store_stmt *ins = store_prepare(st,
        "INSERT INTO school_trend_month (institution_id, asof, month, learners,"
        " sessions_recorded, sessions_attended, left_early, computed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!ins) return -1;
    char now[32];
    date_now_iso(now);
    rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        char month_text[DATE_TEXT_LEN];
        date_format(month[i].month_start, month_text);
        month_text[7] = 0;   /* "YYYY-MM" */
        store_bind_int64(ins, 1, inst);
        store_bind_text(ins, 2, asof_text, (size_t)-1);
        store_bind_text(ins, 3, month_text, (size_t)-1);
        store_bind_int64(ins, 4, month[i].learners);
        store_bind_int64(ins, 5, month[i].sessions);
        store_bind_int64(ins, 6, month[i].attended);
        store_bind_int64(ins, 7, month[i].left_early);
        store_bind_text(ins, 8, now, (size_t)-1);
        rc = store_step(ins, err);
    }
    store_finalize(ins);
    return rc < 0 ? -1 : 0;
}

/* Compute and store the whole institution's trend as of asof (see school.h). */
int school_trend_store(store *st, int64_t inst, int32_t asof, cairn_err *err) {
    int32_t first, last;
    int school_year;
    school_trend_month month[SCHOOL_TREND_MONTHS];
    size_t n = 0;
    if (school_trend_period(st, inst, asof, &first, &last, &school_year, err) ||
        school_trend(st, inst, first, last, NULL, month, &n, err))
        return -1;
    char asof_text[DATE_TEXT_LEN];
    date_format(asof, asof_text);
    if (store_in_tx(st)) return trend_rows_replace(st, inst, asof_text, month, n, err);
    if (store_tx_begin(st, err) < 0) return -1;
    if (trend_rows_replace(st, inst, asof_text, month, n, err) < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* The stored trend of (inst, asof) for first..last (see school.h): 1 found,
** 0 none or not the period's months, -1 error. */
int school_trend_stored(store *st, int64_t inst, int32_t asof, int32_t first, int32_t last,
                        school_trend_month out[SCHOOL_TREND_MONTHS], size_t *n,
                        cairn_err *err) {
    *n = 0;
    if (last < first) return 0;
    size_t want = trend_months(&first, last, out);
    store_stmt *s = store_prepare(st,
        "SELECT month, learners, sessions_recorded, sessions_attended, left_early"
        " FROM school_trend_month WHERE institution_id = ? AND asof = ?", err);
    if (!s) return -1;
    char asof_text[DATE_TEXT_LEN];
    date_format(asof, asof_text);
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, asof_text, (size_t)-1);
    size_t rows = 0;
    int rc, matches = 1;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int k = trend_month_index(store_col_text(s, 0), out, want);
        rows++;
        if (k < 0) {
            matches = 0;
            continue;
        }
        out[k].learners = (long)store_col_int64(s, 1);
        out[k].sessions = (long)store_col_int64(s, 2);
        out[k].attended = (long)store_col_int64(s, 3);
        out[k].left_early = (long)store_col_int64(s, 4);
    }
    store_finalize(s);
    if (rc < 0) return -1;
    if (!matches || rows != want) return 0;   /* the primary key rules out duplicates */
    *n = want;
    return 1;
}

