/*
** school/school_home.c — what the home pages read (see school_home.h).
*/
#include "school/school_home.h"
#include "base/mem.h"
#include <stdlib.h>
#include <string.h>

/* The groups staff_id teaches (see school_home.h). */
int school_group_summaries_taught(store *st, int64_t institution_id, int64_t staff_id,
                                  school_group_summary **rows, size_t *n, cairn_err *err) {
    if (staff_id <= 0) {   /* an account with no staff record teaches nothing */
        *rows = NULL;
        *n = 0;
        return 0;
    }
    return school_group_summaries_for(st, institution_id, staff_id, rows, n, err);
}

/* Run sql (one parameter: the institution) and hand its one row to fill. */
static int read_one(store *st, int64_t inst, const char *sql, school_health *out,
                    void (*fill)(store_stmt *s, school_health *out), cairn_err *err) {
    store_stmt *s = store_prepare(st, sql, err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) fill(s, out);
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* The latest import's columns into out. */
static void fill_import(store_stmt *s, school_health *out) {
    str_copy(out->import_at, sizeof out->import_at,
             store_col_text(s, 0) ? store_col_text(s, 0) : "");
    str_copy(out->import_kind, sizeof out->import_kind,
             store_col_text(s, 1) ? store_col_text(s, 1) : "");
    out->import_written = (long)store_col_int64(s, 2);
    out->import_bad = (long)store_col_int64(s, 3);
}

/* The last scoring run's time into out. */
static void fill_scored(store_stmt *s, school_health *out) {
    if (store_col_text(s, 0))
        str_copy(out->scored_at, sizeof out->scored_at, store_col_text(s, 0));
}

/* The account and learner counts into out. */
static void fill_counts(store_stmt *s, school_health *out) {
    out->accounts = (long)store_col_int64(s, 0);
    out->accounts_disabled = (long)store_col_int64(s, 1);
    out->learners_active = (long)store_col_int64(s, 2);
}

/* The installation's health (see school_home.h). */
int school_health_read(store *st, int64_t inst, school_health *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    if (read_one(st, inst,
                 "SELECT finished_at, kind, rows_written, rows_bad FROM import_run"
                 " WHERE institution_id = ? AND finished_at IS NOT NULL"
                 " ORDER BY finished_at DESC, id DESC LIMIT 1", out, fill_import, err) != 0 ||
        read_one(st, inst,
                 "SELECT max(computed_at) FROM school_trend_month WHERE institution_id = ?",
                 out, fill_scored, err) != 0)
        return -1;
    return read_one(st, inst,
                    "SELECT (SELECT count(*) FROM account a WHERE a.institution_id = i.id),"
                    " (SELECT count(*) FROM account a WHERE a.institution_id = i.id"
                    "   AND a.disabled <> 0),"
                    " (SELECT count(DISTINCT e.learner_id) FROM enrolment e"
                    "   WHERE e.institution_id = i.id AND e.status = 'active')"
                    " FROM institution i WHERE i.id = ?", out, fill_counts, err);
}
