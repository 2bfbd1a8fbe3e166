/*
** support/review_read.c — reading reviews: a case's reviews with their
** progress, its last and next review days, and the share of reviews on
** time (see review.h).
*/
#include "support/review.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/case_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A stored day, or 0. */
static int32_t day_col(store_stmt *q, int col) {
    int32_t d;
    const char *s = store_col_is_null(q, col) ? NULL : store_col_text(q, col);
    return s && date_parse(s, strlen(s), &d) == 0 ? d : 0;
}

/* Free a list of reviews (see review.h). */
void support_review_list_free(support_review *rows, size_t n) {
    for (size_t i = 0; rows && i < n; i++) free(rows[i].progress);
    free(rows);
}

/* Read the progress values of rows[0..n) (with_text only). */
static int progress_read(store *st, int64_t inst, int64_t case_id, support_review *rows,
                         size_t n, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT p.review_id, p.goal_id, p.value FROM review_progress p"
                                      " JOIN case_review r ON r.institution_id = p.institution_id"
                                      " AND r.id = p.review_id WHERE p.institution_id = ?"
                                      " AND r.case_id = ? ORDER BY p.review_id, p.goal_id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        int64_t rid = store_col_int64(q, 0);
        for (size_t i = 0; i < n; i++) {
            if (rows[i].id != rid) continue;
            support_review *r = &rows[i];
            r->progress = xrealloc(r->progress, (r->nprogress + 1) * sizeof *r->progress);
            r->progress[r->nprogress].goal_id = store_col_int64(q, 1);
            r->progress[r->nprogress++].value = store_col_double(q, 2);
            break;
        }
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The reviews of a case (see review.h). */
int support_review_list(store *st, int64_t inst, int64_t case_id, int with_text,
                        support_review **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT r.id, r.reviewed_on, r.next_on, r.due_on, r.tier, r.decision, r.changed,"
        " coalesce(r.recorded_by, 0), coalesce(a.display_name, ''), r.progress_only"
        " FROM case_review r"
        " LEFT JOIN account a ON a.id = r.recorded_by WHERE r.institution_id = ?"
        " AND r.case_id = ? ORDER BY r.reviewed_on DESC, r.id DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        support_review *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->id = store_col_int64(q, 0);
        r->case_id = case_id;
        r->reviewed_on = day_col(q, 1);
        r->next_on = day_col(q, 2);
        r->due_on = day_col(q, 3);
        r->tier = (int)store_col_int64(q, 4);
        r->decision = support_review_decision_parse(store_col_text(q, 5));
        r->recorded_by = store_col_int64(q, 7);
        str_copy(r->by, sizeof r->by, store_col_text(q, 8));
        r->progress_only = store_col_int64(q, 9) != 0;
        if (with_text) {
            buf plain = BUF_INIT;   /* not HTML: the opened words */
            if (support_case_text_open(st, inst, store_col_text(q, 6), &plain, err) < 0) {
                buf_free(&plain);
                rc = -1;
                break;
            }
            str_copy(r->changed, sizeof r->changed, buf_cstr(&plain));
            buf_free(&plain);
        }
    }
    store_finalize(q);
    if (rc >= 0 && with_text && *n) rc = progress_read(st, inst, case_id, *rows, *n, err);
    if (rc < 0) {
        support_review_list_free(*rows, *n);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The last review day and the next one due (see review.h). */
int support_review_dates(store *st, int64_t inst, int64_t case_id, int32_t *last,
                         int32_t *next_due, cairn_err *err) {
    *last = *next_due = 0;
    store_stmt *q = store_prepare(st,
        "SELECT (SELECT max(reviewed_on) FROM case_review WHERE institution_id = ?"
        " AND case_id = ? AND progress_only = 0), (SELECT min(due_on) FROM case_task WHERE institution_id = ?"
        " AND case_id = ? AND kind = 'review' AND done_at IS NULL AND cancelled = 0)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, inst);
    store_bind_int64(q, 4, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *last = day_col(q, 0);
        *next_due = day_col(q, 1);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Reviews on time (see review.h). */
int support_review_on_time(store *st, int64_t inst, int32_t today, long long *due,
                           long long *on_time, cairn_err *err) {
    *due = *on_time = 0;
    char day[DATE_TEXT_LEN];
    date_format(today, day);
    store_stmt *q = store_prepare(st,
        "SELECT (SELECT count(*) FROM case_review WHERE institution_id = ? AND due_on IS NOT NULL),"
        " (SELECT count(*) FROM case_review WHERE institution_id = ? AND due_on IS NOT NULL"
        " AND reviewed_on <= due_on),"
        " (SELECT count(*) FROM case_task t JOIN support_case c ON c.institution_id ="
        " t.institution_id AND c.id = t.case_id WHERE t.institution_id = ? AND t.kind = 'review'"
        " AND t.done_at IS NULL AND t.cancelled = 0 AND c.state <> 'closed' AND t.due_on < ?)",
        err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, inst);
    store_bind_text(q, 4, day, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *due = (long long)(store_col_int64(q, 0) + store_col_int64(q, 2));
        *on_time = (long long)store_col_int64(q, 1);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}
