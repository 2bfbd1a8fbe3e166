/*
** support/audit_read.c — reading the audit log (see audit_read.h).
*/
#include "support/audit_read.h"
#include "base/mem.h"
#include <stdlib.h>
#include <string.h>

/* The SQL of support_audit_list for f (see audit_read.h).  Only the filters
** given are in it, so the planner can walk the index of the one that
** narrows (by learner, by person, by action: each ends in the event id,
** which gives the order) instead of the whole chain from its newest event
** back, which it had to with "(? = 0 OR e.learner_id = ?)" for a learner
** seen rarely. */
void support_audit_list_sql(const support_audit_filter *f, buf *sql) {
    buf_puts(sql,
        "SELECT e.id, e.at, coalesce(e.account_id, 0), coalesce(a.display_name, ''), e.action,"
        " coalesce(e.learner_id, 0), coalesce(l.given_name || ' ' || l.family_name, ''),"
        " coalesce(e.record_kind, ''), coalesce(e.record_id, 0), coalesce(e.reason, ''), e.detail"
        " FROM audit_event e LEFT JOIN account a ON a.id = e.account_id"
        " LEFT JOIN learner l ON l.institution_id = e.institution_id AND l.id = e.learner_id"
        " WHERE e.institution_id = ?");
    if (f->learner_id) buf_puts(sql, " AND e.learner_id = ?");
    if (f->account_id) buf_puts(sql, " AND e.account_id = ?");
    if (f->action[0]) buf_puts(sql, " AND e.action = ?");
    if (f->from[0]) buf_puts(sql, " AND substr(e.at, 1, 10) >= ?");
    if (f->to[0]) buf_puts(sql, " AND substr(e.at, 1, 10) <= ?");
    buf_puts(sql, " ORDER BY e.id DESC LIMIT ? OFFSET ?");
}

/* The filtered list (see audit_read.h). */
int support_audit_list(store *st, int64_t institution_id, const support_audit_filter *f,
                       int64_t offset, int limit, support_audit_row **rows, size_t *n,
                       int *more, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    *more = 0;
    buf sql = BUF_INIT;
    support_audit_list_sql(f, &sql);
    store_stmt *q = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!q) return -1;
    int k = 1;
    store_bind_int64(q, k++, institution_id);
    if (f->learner_id) store_bind_int64(q, k++, f->learner_id);
    if (f->account_id) store_bind_int64(q, k++, f->account_id);
    const char *text[] = {f->action, f->from, f->to};
    for (int i = 0; i < 3; i++)
        if (text[i][0]) store_bind_text(q, k++, text[i], (size_t)-1);
    store_bind_int64(q, k++, (int64_t)limit + 1);
    store_bind_int64(q, k++, offset);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == (size_t)limit) {
            *more = 1;
            break;
        }
        if (!*rows) *rows = xcalloc((size_t)limit, sizeof **rows);
        support_audit_row *r = &(*rows)[(*n)++];
        r->id = store_col_int64(q, 0);
        str_copy(r->at, sizeof r->at, store_col_text(q, 1));
        r->account_id = store_col_int64(q, 2);
        str_copy(r->who, sizeof r->who, store_col_text(q, 3));
        str_copy(r->action, sizeof r->action, store_col_text(q, 4));
        r->learner_id = store_col_int64(q, 5);
        str_copy(r->learner, sizeof r->learner, store_col_text(q, 6));
        str_copy(r->record_kind, sizeof r->record_kind, store_col_text(q, 7));
        r->record_id = store_col_int64(q, 8);
        str_copy(r->reason, sizeof r->reason, store_col_text(q, 9));
        str_copy(r->detail, sizeof r->detail, store_col_text(q, 10));
    }
    store_finalize(q);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The distinct action codes (see audit_read.h). */
int support_audit_actions(store *st, int64_t institution_id, buf *out, size_t *n,
                          cairn_err *err) {
    *n = 0;
    store_stmt *q = store_prepare(st, "SELECT DISTINCT action FROM audit_event"
                                      " WHERE institution_id = ? ORDER BY action", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        const char *a = store_col_text(q, 0);
        buf_append(out, a ? a : "", strlen(a ? a : "") + 1);
        (*n)++;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Who has read the learner's record (see audit_read.h). */
int support_audit_readers(store *st, int64_t institution_id, int64_t learner_id, int limit,
                          support_audit_reader **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        /* kept as events are written (audit_schema.c step 2): aggregating
        ** the learner's view events on every view grew with every view */
        "SELECT r.account_id, coalesce(a.display_name, ''), r.last_at, r.views"
        " FROM audit_reader r LEFT JOIN account a ON a.id = r.account_id"
        " WHERE r.institution_id = ? AND r.learner_id = ?"
        " ORDER BY r.last_at DESC, r.account_id LIMIT ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, learner_id);
    store_bind_int64(q, 3, limit);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (!*rows) *rows = xcalloc((size_t)limit, sizeof **rows);
        support_audit_reader *r = &(*rows)[(*n)++];
        r->account_id = store_col_int64(q, 0);
        str_copy(r->who, sizeof r->who, store_col_text(q, 1));
        str_copy(r->last_at, sizeof r->last_at, store_col_text(q, 2));
        r->views = store_col_int64(q, 3);
    }
    store_finalize(q);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The id sql finds for text (one text and one institution parameter), 0
** when text is empty; 1 not found, 0 found, -1 error. */
static int resolve_one(store *st, const char *sql, int64_t inst, const char *text, int64_t *id,
                       cairn_err *err) {
    *id = 0;
    if (!text || !*text) return 0;
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, text, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) *id = store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW ? 0 : 1;
}

/* The filter's learner and person as ids (see audit_read.h). */
int support_audit_filter_resolve(store *st, int64_t institution_id, const char *learner_ref,
                                 const char *username, int64_t *learner_id, int64_t *account_id,
                                 cairn_err *err) {
    int l = resolve_one(st, "SELECT id FROM learner WHERE institution_id = ? AND ref = ?",
                        institution_id, learner_ref, learner_id, err);
    if (l < 0) return -1;
    int a = resolve_one(st, "SELECT id FROM account WHERE institution_id = ? AND username = ?",
                        institution_id, username, account_id, err);
    if (a < 0) return -1;
    return l | (a << 1);
}
