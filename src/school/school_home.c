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
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT coalesce(p.code, ''), coalesce(p.name, ''), coalesce(p.eqf_level, 0),"
        " g.code, g.name,"
        " (SELECT count(*) FROM enrolment e WHERE e.institution_id = g.institution_id"
        "   AND e.group_id = g.id AND e.status = 'active')"
        " FROM class_group g LEFT JOIN programme p"
        "   ON p.institution_id = g.institution_id AND p.id = g.programme_id"
        " WHERE g.institution_id = ? AND EXISTS (SELECT 1 FROM group_staff gs"
        "   WHERE gs.institution_id = g.institution_id AND gs.group_id = g.id"
        "   AND gs.staff_id = ? AND gs.role <> 'key_worker')"
        " ORDER BY p.name, g.code", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, staff_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
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
