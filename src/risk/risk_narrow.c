/*
** risk/risk_narrow.c — the pages of a narrow attention list on SQLite (a
** caseload, a teacher's groups: risk_visibility.narrow): every row of the
** viewer's set read once, with no ORDER BY and no LIMIT, and sorted here by
** the order's own keys (keyset_cursor_cmp).  See risk_read_internal.h.
**
** Why: a narrow set is read whole anyway (the learner set drives the loop,
** not the order's index), and SQLite's sorter copies each whole row,
** reasons and all, into a sort record (a fifth of a caseload's query).
** With neither ORDER BY nor LIMIT nothing draws the planner to the order's
** index, so the day is compared plainly and each learner is one seek of
** the primary key (institution, learner, date), however many days were
** scored; the keyset SQL of a narrow list wrote the date as (asof || '')
** to keep the planner off that index, and so walked every score day of
** each learner.  SQLite compares texts byte by byte, as strcmp does, so
** the order is the one SQL gives; on PostgreSQL the database's collation
** orders names and SQL keeps sorting (risk_read.c).
*/
#include "risk/risk_read_internal.h"
#include "base/mem.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* One row to sort: its keys, and where it is. */
typedef struct sort_item {
    const risk_attention_filter *f;
    attention_cursor             keys;
    size_t                       at;
} sort_item;

/* qsort's comparison of two sort_items in their filter's order. */
static int sort_item_cmp(const void *a, const void *b) {
    const sort_item *x = a, *y = b;
    return keyset_cursor_cmp(x->f, &x->keys, &y->keys);
}

/* 1 when f's pages are read whole and sorted here (see risk_read_internal.h). */
int risk_narrow_here(store *st, const risk_attention_filter *f) {
    return f->visible && f->visible->narrow && store_kind_of(st) == STORE_SQLITE;
}

/* Every row of narrow f on asof into *rows (*n of them) and their sort
** keys into *items, unsorted (both malloc'd; caller frees).  0 or -1. */
static int narrow_read(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                       risk_attention_row **rows, sort_item **items, size_t *n,
                       cairn_err *err) {
    *rows = NULL;
    *items = NULL;
    *n = 0;
    buf sql = BUF_INIT;
    int fields[KEYSET_MAX_FIELDS];
    size_t nf = 0, cap = 0;
    risk_read_page_sql(f, 0, 0, 0, 0, 1, &sql, fields, &nf);
    store_stmt *s = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!s) return -1;
    risk_read_bind_head(s, inst, asof);
    risk_read_filter_bind(f, 1, s, 3);
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *rows = xrealloc(*rows, cap * sizeof **rows);
            *items = xrealloc(*items, cap * sizeof **items);
        }
        if (risk_read_row(s, &(*rows)[*n], err) != 0) {
            rc = -1;
            break;
        }
        sort_item *it = &(*items)[*n];
        it->f = f;
        it->at = *n;
        keyset_cursor_of_row(&(*rows)[*n], store_col_text(s, 11), &it->keys);   /* s.flags */
        (*n)++;
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* A page of narrow f (see risk_read_internal.h). */
int risk_narrow_page(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                     const attention_cursor *cursor, int before, size_t limit,
                     risk_attention_row **rows, size_t *n, size_t *all, size_t *beyond,
                     cairn_err *err) {
    assert(risk_narrow_here(st, f) && limit > 0);
    risk_attention_row *read = NULL;
    sort_item *items = NULL;
    size_t count = 0;
    *rows = NULL;
    *n = *all = *beyond = 0;
    if (narrow_read(st, inst, asof, f, &read, &items, &count, err) != 0) {
        free(read);
        free(items);
        return -1;
    }
    if (count) qsort(items, count, sizeof *items, sort_item_cmp);   /* items is NULL when 0 */
    size_t from = 0, to = count;   /* the page: items[from..to) */
    if (cursor) {   /* the rows before it, and those up to it (itself, when it is here) */
        size_t lt = 0;
        while (lt < count && keyset_cursor_cmp(f, &items[lt].keys, cursor) < 0) lt++;
        size_t le = lt;
        while (le < count && keyset_cursor_cmp(f, &items[le].keys, cursor) <= 0) le++;
        if (before) {
            to = lt;
            from = to > limit ? to - limit : 0;
            *beyond = lt;
        } else {
            from = le;
            *beyond = count - le;
        }
    }
    if (to - from > limit) to = from + limit;
    *n = to - from;
    *rows = *n ? xmalloc(*n * sizeof **rows) : NULL;
    for (size_t k = 0; k < *n; k++) (*rows)[k] = read[items[from + k].at];
    *all = count;
    free(read);
    free(items);
    return 0;
}
