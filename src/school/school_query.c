/*
** school/school_query.c — read-side queries the pages and commands share.
*/
#include "school/school.h"
#include "base/date.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Resolve the institution by code, or the only one when code is NULL. */
int school_institution_resolve(store *st, const char *code, int64_t *id, cairn_err *err) {
    *id = 0;
    if (code) {
        store_stmt *s = store_prepare(st, "SELECT id FROM institution WHERE code = ?", err);
        if (!s) return -1;
        store_bind_text(s, 1, code, (size_t)-1);
        int rc = store_step(s, err);
        if (rc == STORE_ROW) *id = store_col_int64(s, 0);
        store_finalize(s);
        if (rc < 0) return -1;
        if (!*id) return err_set(err, CAIRN_ENOTFOUND, "there is no institution \"%s\"", code);
        return 0;
    }
    int64_t n;
    if (store_query_int64(st, "SELECT count(*) FROM institution", -1, &n, err) < 0) return -1;
    if (n == 0)
        return err_set(err, CAIRN_ENOTFOUND, "there is no institution yet; run `cairn demo` "
                       "or `cairn import institutions FILE`");
    if (n > 1)
        return err_set(err, CAIRN_EINVAL, "the database holds %lld institutions; say which one "
                       "with --institution CODE", (long long)n);
    return store_query_int64(st, "SELECT min(id) FROM institution", -1, id, err);
}


/* The groups of institution_id with their programme and active learner
** count; with staff_id > 0 only those staff_id teaches (a group_staff row
** in any role but 'key_worker').  *rows is malloc'd and freed by the
** caller.  The one reader behind school_group_summaries and
** school_group_summaries_taught (school/school_home.h). */
int school_group_summaries_for(store *st, int64_t institution_id, int64_t staff_id,
                               school_group_summary **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT coalesce(p.code, ''), coalesce(p.name, ''), coalesce(p.eqf_level, 0),"
        " g.code, g.name,"
        " (SELECT count(*) FROM enrolment e WHERE e.institution_id = g.institution_id"
        "   AND e.group_id = g.id AND e.status = 'active')"
        " FROM class_group g LEFT JOIN programme p"
        "   ON p.institution_id = g.institution_id AND p.id = g.programme_id"
        " WHERE g.institution_id = ? AND (? = 0 OR EXISTS (SELECT 1 FROM group_staff gs"
        "   WHERE gs.institution_id = g.institution_id AND gs.group_id = g.id"
        "   AND gs.staff_id = ? AND gs.role <> 'key_worker'))"
        " ORDER BY p.name, g.code", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, staff_id > 0 ? staff_id : 0);
    store_bind_int64(s, 3, staff_id > 0 ? staff_id : 0);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        school_group_summary *r = &(*rows)[(*n)++];
        str_copy(r->programme_code, sizeof r->programme_code, store_col_text(s, 0));
        str_copy(r->programme_name, sizeof r->programme_name, store_col_text(s, 1));
        r->eqf_level = (int)store_col_int64(s, 2);
        str_copy(r->group_code, sizeof r->group_code, store_col_text(s, 3));
        str_copy(r->group_name, sizeof r->group_name, store_col_text(s, 4));
        r->learners_active = (long)store_col_int64(s, 5);
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

/* Every group with its programme and active learner count; *rows is
** malloc'd and freed by the caller. */
int school_group_summaries(store *st, int64_t institution_id, school_group_summary **rows,
                           size_t *n, cairn_err *err) {
    return school_group_summaries_for(st, institution_id, 0, rows, n, err);
}

/* ---- learner and group pages ---------------------------------------------------- */

/* One learner and their most relevant enrolment: 1 found, 0 none, -1 error. */
int school_learner_get(store *st, int64_t inst, int64_t learner_id, school_learner_info *out,
                       cairn_err *err) {
    memset(out, 0, sizeof *out);
    store_stmt *s = store_prepare(st,
        "SELECT l.id, l.ref, l.given_name, l.family_name, coalesce(l.birth_date, ''),"
        " e.id, coalesce(p.code, ''), coalesce(p.name, ''), coalesce(g.code, ''),"
        " coalesce(g.name, ''), coalesce(e.start_date, ''), coalesce(e.expected_end_date, ''),"
        " coalesce(e.exit_date, ''), coalesce(e.status, '')"
        " FROM learner l LEFT JOIN enrolment e"
        "   ON e.institution_id = l.institution_id AND e.learner_id = l.id"
        " LEFT JOIN programme p ON p.institution_id = e.institution_id AND p.id = e.programme_id"
        " LEFT JOIN class_group g ON g.institution_id = e.institution_id AND g.id = e.group_id"
        " WHERE l.institution_id = ? AND l.id = ?"
        " ORDER BY CASE WHEN e.status IN ('active', 'paused') THEN 0 ELSE 1 END,"
        " e.start_date DESC, e.id DESC LIMIT 1", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, learner_id);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) {
        out->id = store_col_int64(s, 0);
        str_copy(out->ref, sizeof out->ref, store_col_text(s, 1));
        str_copy(out->given_name, sizeof out->given_name, store_col_text(s, 2));
        str_copy(out->family_name, sizeof out->family_name, store_col_text(s, 3));
        str_copy(out->birth_date, sizeof out->birth_date, store_col_text(s, 4));
        out->has_enrolment = !store_col_is_null(s, 5);
        str_copy(out->programme_code, sizeof out->programme_code, store_col_text(s, 6));
        str_copy(out->programme_name, sizeof out->programme_name, store_col_text(s, 7));
        str_copy(out->group_code, sizeof out->group_code, store_col_text(s, 8));
        str_copy(out->group_name, sizeof out->group_name, store_col_text(s, 9));
        str_copy(out->start_date, sizeof out->start_date, store_col_text(s, 10));
        str_copy(out->expected_end_date, sizeof out->expected_end_date, store_col_text(s, 11));
        str_copy(out->exit_date, sizeof out->exit_date, store_col_text(s, 12));
        str_copy(out->status, sizeof out->status, store_col_text(s, 13));
    }
    store_finalize(s);
    if (rc < 0) return -1;
    return rc == STORE_ROW;
}

/* The Monday of the week day falls in. */
static int32_t week_monday(int32_t day) {
    return day - date_weekday(day);
}

/* The index of the week (from first, a Monday) that the date text d falls
** in, or -1 when outside [0, weeks) or not a date. */
static int week_index(const char *d, int32_t first, int weeks) {
    int32_t day;
    if (!d || date_parse(d, strlen(d), &day) < 0 || day < first) return -1;
    int32_t k = (day - first) / 7;
    return k < weeks ? (int)k : -1;
}

/* Run sql (parameters: institution, learner, first date, last date) and
** call add(row's week, statement, out) for each row. */
static int weeks_pass(store *st, const char *sql, int64_t inst, int64_t learner, int32_t first,
                      int weeks, school_week *out,
                      void (*add)(school_week *w, store_stmt *s), cairn_err *err) {
    char d0[DATE_TEXT_LEN], d1[DATE_TEXT_LEN];
    date_format(first, d0);
    date_format(first + 7 * weeks - 1, d1);
    store_stmt *s = store_prepare(st, sql, err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, learner);
    store_bind_text(s, 3, d0, (size_t)-1);
    store_bind_text(s, 4, d1, (size_t)-1);
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int k = week_index(store_col_text(s, 0), first, weeks);
        if (k >= 0) add(&out[k], s);
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Count one attendance row (date, status). */
static void add_attendance(school_week *w, store_stmt *s) {
    switch (store_col_int64(s, 1)) {
    case 0: w->present++; break;
    case 1: w->late++; break;
    case 2: w->excused++; break;
    default: w->unexcused++; break;
    }
}

/* Count one result row (date, passed, missing). */
static void add_result(school_week *w, store_stmt *s) {
    w->results++;
    if (!store_col_is_null(s, 1) && store_col_int64(s, 1) == 0) w->failed++;
    if (store_col_int64(s, 2) != 0) w->missing++;
}

/* Count one behaviour row (date, severity). */
static void add_behaviour(school_week *w, store_stmt *s) {
    w->incidents++;
    if (store_col_int64(s, 1) >= 2) w->serious++;
}

/* Count one day with platform activity (date). */
static void add_engagement(school_week *w, store_stmt *s) {
    (void)s;
    w->active_days++;
}

/* A learner's weeks of events (see school.h). */
int school_learner_weeks(store *st, int64_t inst, int64_t learner_id, int32_t last_day,
                         int weeks, school_week *out, cairn_err *err) {
    if (weeks <= 0) return 0;
    int32_t first = week_monday(last_day) - 7 * (weeks - 1);
    memset(out, 0, (size_t)weeks * sizeof *out);
    for (int i = 0; i < weeks; i++) out[i].week_start = first + 7 * i;
    if (weeks_pass(st, "SELECT date, status FROM attendance WHERE institution_id = ?"
                       " AND learner_id = ? AND date >= ? AND date <= ?",
                   inst, learner_id, first, weeks, out, add_attendance, err) ||
        weeks_pass(st, "SELECT date, passed, missing FROM result WHERE institution_id = ?"
                       " AND learner_id = ? AND date >= ? AND date <= ?",
                   inst, learner_id, first, weeks, out, add_result, err) ||
        weeks_pass(st, "SELECT date, severity FROM behaviour WHERE institution_id = ?"
                       " AND learner_id = ? AND date >= ? AND date <= ?",
                   inst, learner_id, first, weeks, out, add_behaviour, err) ||
        weeks_pass(st, "SELECT DISTINCT date FROM engagement WHERE institution_id = ?"
                       " AND learner_id = ? AND date >= ? AND date <= ?",
                   inst, learner_id, first, weeks, out, add_engagement, err))
        return -1;
    return 0;
}

/* A group by code: 1 found, 0 none, -1 error. */
int school_group_find(store *st, int64_t inst, const char *code, school_group_info *out,
                      cairn_err *err) {
    memset(out, 0, sizeof *out);
    store_stmt *s = store_prepare(st,
        "SELECT g.id, g.code, g.name, coalesce(p.code, ''), coalesce(p.name, '')"
        " FROM class_group g LEFT JOIN programme p"
        "   ON p.institution_id = g.institution_id AND p.id = g.programme_id"
        " WHERE g.institution_id = ? AND g.code = ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, code ? code : "", (size_t)-1);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) {
        out->id = store_col_int64(s, 0);
        str_copy(out->code, sizeof out->code, store_col_text(s, 1));
        str_copy(out->name, sizeof out->name, store_col_text(s, 2));
        str_copy(out->programme_code, sizeof out->programme_code, store_col_text(s, 3));
        str_copy(out->programme_name, sizeof out->programme_name, store_col_text(s, 4));
    }
    store_finalize(s);
    if (rc < 0) return -1;
    return rc == STORE_ROW;
}

/* Order of rows by learner id, for bsearch. */
static int row_by_learner(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = ((const school_group_week_row *)b)->learner_id;
    return x < y ? -1 : x > y;
}

/* Order rows by learner id. */
static int rows_by_learner(const void *a, const void *b) {
    return row_by_learner(&((const school_group_week_row *)a)->learner_id, b);
}

/* Order rows by family name, given name, id. */
static int rows_by_name(const void *a, const void *b) {
    const school_group_week_row *x = a, *y = b;
    int c = strcmp(x->family_name, y->family_name);
    if (!c) c = strcmp(x->given_name, y->given_name);
    return c ? c : (x->learner_id > y->learner_id) - (x->learner_id < y->learner_id);
}

/* A group's weekly attendance (see school.h). */
int school_group_attendance_weeks(store *st, int64_t inst, int64_t group_id, int32_t last_day,
                                  int weeks, const school_visibility *vis, int32_t *week_start,
                                  school_group_week_row **rows, size_t *n, cairn_err *err) {
    *rows = NULL, *n = 0;
    weeks = weeks < 1 ? 1 : weeks > SCHOOL_WEEKS_MAX ? SCHOOL_WEEKS_MAX : weeks;
    int32_t first = *week_start = week_monday(last_day) - 7 * (weeks - 1);
    buf sql = BUF_INIT;   /* SQL text; the visibility's text is the programmer's */
    buf_puts(&sql, "SELECT DISTINCT l.id, l.ref, l.given_name, l.family_name FROM enrolment e"
                   " JOIN learner l ON l.institution_id = e.institution_id AND l.id = e.learner_id"
                   " WHERE e.institution_id = ? AND e.group_id = ? AND e.start_date <= ?"
                   " AND (e.exit_date IS NULL OR e.exit_date >= ?)");
    if (vis && vis->sql) buf_printf(&sql, " AND %s", vis->sql);   /* sorted below (qsort) */
    store_stmt *s = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!s) return -1;
    char d0[DATE_TEXT_LEN], d1[DATE_TEXT_LEN];
    date_format(first, d0);
    date_format(first + 7 * weeks - 1, d1);
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, group_id);
    store_bind_text(s, 3, d1, (size_t)-1);
    store_bind_text(s, 4, d0, (size_t)-1);
    if (vis && vis->sql) vis->bind(vis->ctx, s, 5);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        school_group_week_row *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->learner_id = store_col_int64(s, 0);
        str_copy(r->ref, sizeof r->ref, store_col_text(s, 1));
        str_copy(r->given_name, sizeof r->given_name, store_col_text(s, 2));
        str_copy(r->family_name, sizeof r->family_name, store_col_text(s, 3));
    }
    store_finalize(s);
    if (rc < 0) goto fail;
    if (*n) qsort(*rows, *n, sizeof **rows, rows_by_learner);   /* qsort(NULL, 0) is UB */
    s = store_prepare(st,
        "SELECT a.learner_id, a.date, a.status FROM attendance a"
        " WHERE a.institution_id = ? AND a.date >= ? AND a.date <= ? AND a.learner_id IN"
        " (SELECT e.learner_id FROM enrolment e WHERE e.institution_id = ?"
        "  AND e.group_id = ? AND e.start_date <= ? AND (e.exit_date IS NULL OR e.exit_date >= ?))",
        err);
    if (!s) goto fail;
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, d0, (size_t)-1);
    store_bind_text(s, 3, d1, (size_t)-1);
    store_bind_int64(s, 4, inst);
    store_bind_int64(s, 5, group_id);
    store_bind_text(s, 6, d1, (size_t)-1);
    store_bind_text(s, 7, d0, (size_t)-1);
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int64_t id = store_col_int64(s, 0);
        school_group_week_row *r =
            *n ? bsearch(&id, *rows, *n, sizeof **rows, row_by_learner) : NULL;
        int k = week_index(store_col_text(s, 1), first, weeks);
        if (!r || k < 0) continue;
        r->recorded[k]++;
        if (store_col_int64(s, 2) <= 1) r->attended[k]++;
    }
    store_finalize(s);
    if (rc < 0) goto fail;
    if (*n) qsort(*rows, *n, sizeof **rows, rows_by_name);
    return 0;
fail:
    free(*rows);
    *rows = NULL;
    *n = 0;
    return -1;
}

/* The latest import_run id (see school.h). */
int school_data_version(store *st, int64_t *version, cairn_err *err) {
    return store_query_int64(st, "SELECT coalesce(max(id), 0) FROM import_run", -1, version, err);
}

/* When the scores of (inst, asof) were last written, as the computed_at of
** the trend stored in the same transaction (see school.h); "" when none. */
int school_scores_written_at(store *st, int64_t inst, int32_t asof, char out[32], cairn_err *err) {
    out[0] = 0;
    store_stmt *s = store_prepare(st,
        "SELECT max(computed_at) FROM school_trend_month WHERE institution_id = ? AND asof = ?",
        err);
    if (!s) return -1;
    char asof_text[DATE_TEXT_LEN];
    date_format(asof, asof_text);
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, asof_text, (size_t)-1);
    int rc = store_step(s, err);
    if (rc == STORE_ROW && store_col_text(s, 0)) str_copy(out, 32, store_col_text(s, 0));
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}
