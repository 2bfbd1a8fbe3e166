/*
** support/assessment_read.c — reading a case's needs assessments back
** (see assessment.h): the list with its texts opened, and the key
** worker's ratings of the latest one.
*/
#include "support/assessment.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/case.h"
#include <stdlib.h>
#include <string.h>

/* Free the assessments (see assessment.h). */
void support_assessments_free(support_assessment *rows, size_t n) {
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].note);
        for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) {
            free(rows[i].domains[d].strengths);
            free(rows[i].domains[d].comment);
        }
    }
    free(rows);
}

/* Open stored into a new string ("" when with_text is 0); NULL on error. */
static char *text_open(store *st, int64_t inst, const char *stored, int with_text,
                       cairn_err *err) {
    buf plain = BUF_INIT;   /* not HTML: the opened text */
    if (with_text && support_case_text_open(st, inst, stored, &plain, err) < 0) {
        buf_free(&plain);
        return NULL;
    }
    char *s = xstrdup(buf_cstr(&plain));
    buf_free(&plain);
    return s;
}

/* A new assessment with every domain unset and empty texts. */
static void assessment_blank(support_assessment *a) {
    memset(a, 0, sizeof *a);
    a->note = xstrdup("");
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) {
        a->domains[d].need = a->domains[d].own = SUPPORT_ASSESSMENT_UNSET;
        a->domains[d].strengths = xstrdup("");
        a->domains[d].comment = xstrdup("");
    }
}

/* Read the domain rows of the assessments in rows[0..n) (ids ascending
** in the list's order is not assumed). */
static int domains_read(store *st, int64_t inst, int64_t case_id, int with_text,
                        support_assessment *rows, size_t n, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        /* from the case's assessments outward (CROSS JOIN keeps SQLite's
        ** order; its own choice read every domain row of the school) */
        "SELECT d.assessment_id, d.domain, d.need, d.own, d.strengths, d.comment"
        " FROM case_assessment a CROSS JOIN case_assessment_domain d"
        " WHERE a.institution_id = ? AND a.case_id = ?"
        " AND d.institution_id = a.institution_id AND d.assessment_id = a.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        int64_t aid = store_col_int64(q, 0);
        int d = support_domain_find(store_col_text(q, 1));
        support_assessment *a = NULL;
        for (size_t i = 0; i < n && !a; i++)
            if (rows[i].id == aid) a = &rows[i];
        if (!a || d < 0) continue;
        support_assessment_rating *r = &a->domains[d];
        r->need = store_col_is_null(q, 2) ? SUPPORT_ASSESSMENT_UNSET : (int)store_col_int64(q, 2);
        r->own = store_col_is_null(q, 3) ? SUPPORT_ASSESSMENT_UNSET : (int)store_col_int64(q, 3);
        if (!with_text) continue;
        char *s = text_open(st, inst, store_col_text(q, 4), 1, err);
        char *c = s ? text_open(st, inst, store_col_text(q, 5), 1, err) : NULL;
        if (!c) {
            free(s);
            rc = -1;
            break;
        }
        free(r->strengths);
        free(r->comment);
        r->strengths = s;
        r->comment = c;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The assessments of a case (see assessment.h). */
int support_assessment_list(store *st, int64_t inst, int64_t case_id, int with_text,
                            support_assessment **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT a.id, a.assessed_on, a.assessed_by, a.recorded_at, a.note, u.display_name"
        " FROM case_assessment a LEFT JOIN account u ON u.id = a.assessed_by"
        " WHERE a.institution_id = ? AND a.case_id = ? ORDER BY a.assessed_on, a.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        support_assessment *a = &(*rows)[(*n)++];
        assessment_blank(a);
        a->id = store_col_int64(q, 0);
        a->case_id = case_id;
        const char *day = store_col_text(q, 1);
        if (!day || date_parse(day, strlen(day), &a->assessed_on) < 0) a->assessed_on = 0;
        a->assessed_by = store_col_int64(q, 2);
        str_copy(a->recorded_at, sizeof a->recorded_at, store_col_text(q, 3));
        str_copy(a->assessed_by_name, sizeof a->assessed_by_name, store_col_text(q, 5));
        if (with_text) {
            char *note = text_open(st, inst, store_col_text(q, 4), 1, err);
            if (!note) {
                rc = -1;
                break;
            }
            free(a->note);
            a->note = note;
        }
    }
    store_finalize(q);
    if (rc >= 0 && *n) rc = domains_read(st, inst, case_id, with_text, *rows, *n, err);
    if (rc < 0) {
        support_assessments_free(*rows, *n);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The latest assessment's ratings (see assessment.h). */
int support_assessment_latest_needs(store *st, int64_t inst, int64_t case_id,
                                    int needs[SUPPORT_DOMAIN_COUNT], cairn_err *err) {
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) needs[d] = SUPPORT_ASSESSMENT_UNSET;
    int64_t aid = 0;
    store_stmt *q = store_prepare(st, "SELECT id FROM case_assessment"
                                      " WHERE institution_id = ? AND case_id = ?"
                                      " ORDER BY assessed_on DESC, id DESC LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) aid = store_col_int64(q, 0);
    store_finalize(q);
    if (rc < 0) return -1;
    if (!aid) return 0;
    q = store_prepare(st, "SELECT domain, need FROM case_assessment_domain"
                          " WHERE institution_id = ? AND assessment_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, aid);
    while ((rc = store_step(q, err)) == STORE_ROW) {
        int d = support_domain_find(store_col_text(q, 0));
        if (d >= 0 && !store_col_is_null(q, 1)) needs[d] = (int)store_col_int64(q, 1);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 1;
}

/* Whether staff_id sees case_id's assessments (see assessment.h). */
int support_assessment_may_see(store *st, int64_t inst, int64_t case_id, int64_t staff_id,
                               unsigned rel, cairn_err *err) {
    if (rel & SUPPORT_CASE_REL_KEY_WORKER) return 1;
    if (!(rel & SUPPORT_CASE_REL_TEAM) || staff_id <= 0) return 0;
    store_stmt *q = store_prepare(st, "SELECT role FROM case_team_member"
                                      " WHERE institution_id = ? AND case_id = ? AND staff_id = ?",
                                  err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, staff_id);
    int rc = store_step(q, err), may = 0;
    if (rc == STORE_ROW)
        may = support_case_role_parse(store_col_text(q, 0)) != SUPPORT_CASE_ROLE_TEACHER;
    store_finalize(q);
    return rc < 0 ? -1 : may;
}
