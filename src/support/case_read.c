/*
** support/case_read.c — reading cases: one case, its team, history and
** tasks, the case of a learner, the relationship of a staff member to a
** case, and who may join a team (see case.h).
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#define CASE_COLUMNS                                                               \
    "SELECT c.id, c.learner_id, c.key_worker_id, c.opened_by, l.ref, l.given_name,"  \
    " l.family_name, s.given_name, s.family_name, c.state, c.tier, c.source,"       \
    " c.outcome, c.flag_tier, c.flag_asof, c.opened_at, c.closed_at, c.updated_at,"  \
    " c.reason, c.outcome_reason FROM support_case c"                               \
    " JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id" \
    " JOIN staff s ON s.institution_id = c.institution_id AND s.id = c.key_worker_id"

/* Text of column col, "" for NULL. */
static const char *col_text(store_stmt *q, int col) {
    const char *s = store_col_is_null(q, col) ? NULL : store_col_text(q, col);
    return s ? s : "";
}

/* Copy the opened text of a stored reason into out (cap bytes). */
static int reason_into(store *st, int64_t inst, const char *stored, char *out, size_t cap,
                       cairn_err *err) {
    buf plain = BUF_INIT;   /* not HTML: the plain reason */
    int rc = support_case_text_open(st, inst, stored, &plain, err);
    if (rc == 0) str_copy(out, cap, buf_cstr(&plain));
    buf_free(&plain);
    return rc;
}

/* The last members of a case and of a history event are their texts (8 KB
** each, most of the struct): clearing one clears the rest whole and the
** texts by their first byte (zeroing all of it was 5% of the case page). */
_Static_assert(offsetof(support_case, outcome_reason) + SUPPORT_CASE_TEXT_BYTES + 8 >
                   sizeof(support_case), "support_case: the texts must come last");
_Static_assert(offsetof(support_case_event, reason) + SUPPORT_CASE_TEXT_BYTES + 8 >
                   sizeof(support_case_event), "support_case_event: the text must come last");

/* Clear *c (see above). */
static void case_clear(support_case *c) {
    memset(c, 0, offsetof(support_case, reason));
    c->reason[0] = c->outcome_reason[0] = 0;
}

/* Fill *c from the current row of a CASE_COLUMNS query. */
static int case_row(store *st, int64_t inst, store_stmt *q, int with_text, support_case *c,
                    cairn_err *err) {
    case_clear(c);
    c->id = store_col_int64(q, 0);
    c->learner_id = store_col_int64(q, 1);
    c->key_worker_id = store_col_int64(q, 2);
    c->opened_by = store_col_is_null(q, 3) ? 0 : store_col_int64(q, 3);
    str_copy(c->learner_ref, sizeof c->learner_ref, col_text(q, 4));
    str_full_name(c->learner_name, sizeof c->learner_name, col_text(q, 5), col_text(q, 6));
    str_full_name(c->key_worker_name, sizeof c->key_worker_name, col_text(q, 7), col_text(q, 8));
    c->state = support_case_state_parse(col_text(q, 9));
    c->tier = (int)store_col_int64(q, 10);
    c->source = support_case_source_parse(col_text(q, 11));
    c->outcome = store_col_is_null(q, 12) ? 0 : support_case_outcome_parse(col_text(q, 12));
    if (c->outcome < 0) c->outcome = 0;
    c->flag_tier = store_col_is_null(q, 13) ? -1 : (int)store_col_int64(q, 13);
    str_copy(c->flag_asof, sizeof c->flag_asof, col_text(q, 14));
    str_copy(c->opened_at, sizeof c->opened_at, col_text(q, 15));
    str_copy(c->closed_at, sizeof c->closed_at, col_text(q, 16));
    str_copy(c->updated_at, sizeof c->updated_at, col_text(q, 17));
    if (!with_text) return 0;
    if (reason_into(st, inst, col_text(q, 18), c->reason, sizeof c->reason, err) < 0 ||
        reason_into(st, inst, col_text(q, 19), c->outcome_reason, sizeof c->outcome_reason,
                    err) < 0)
        return -1;
    return 0;
}

/* One case (see case.h). */
int support_case_get(store *st, int64_t inst, int64_t case_id, int with_text, support_case *out,
                     cairn_err *err) {
    store_stmt *q = store_prepare(st, CASE_COLUMNS " WHERE c.institution_id = ? AND c.id = ?",
                                  err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && case_row(st, inst, q, with_text, out, err) < 0) rc = -1;
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* The newest case of a learner (see case.h). */
int support_case_of_learner(store *st, int64_t inst, int64_t learner_id, support_case *out,
                            cairn_err *err) {
    store_stmt *q = store_prepare(st, CASE_COLUMNS " WHERE c.institution_id = ?"
                                      " AND c.learner_id = ? ORDER BY"
                                      " CASE WHEN c.state = 'closed' THEN 1 ELSE 0 END, c.id DESC"
                                      " LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && case_row(st, inst, q, 0, out, err) < 0) rc = -1;
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* Grow *p (elements of size) for one more at index n, capacity *cap. */
static void *grow(void *p, size_t n, size_t *cap, size_t size) {
    if (n < *cap) return p;
    *cap = *cap ? *cap * 2 : 8;
    return xrealloc(p, *cap * size);
}

/* The team of a case into d. */
static int team_read(store *st, int64_t inst, int64_t case_id, support_case_detail *d,
                     cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT t.staff_id, s.given_name, s.family_name, t.role, t.added_at"
        " FROM case_team_member t JOIN staff s ON s.institution_id = t.institution_id"
        " AND s.id = t.staff_id WHERE t.institution_id = ? AND t.case_id = ?"
        " ORDER BY s.family_name, s.given_name, t.staff_id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        d->team = grow(d->team, d->nteam, &cap, sizeof *d->team);
        support_case_member *m = &d->team[d->nteam++];
        memset(m, 0, sizeof *m);
        m->staff_id = store_col_int64(q, 0);
        str_full_name(m->name, sizeof m->name, col_text(q, 1), col_text(q, 2));
        m->role = support_case_role_parse(col_text(q, 3));
        str_copy(m->added_at, sizeof m->added_at, col_text(q, 4));
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The history of a case into d (reasons opened when with_text). */
static int history_read(store *st, int64_t inst, int64_t case_id, int with_text,
                        support_case_detail *d, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT h.seq, h.account_id, a.display_name, h.at, h.kind, h.from_value, h.to_value,"
        " h.reason FROM case_history h LEFT JOIN account a ON a.id = h.account_id"
        " WHERE h.institution_id = ? AND h.case_id = ? ORDER BY h.seq", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        d->history = grow(d->history, d->nhistory, &cap, sizeof *d->history);
        support_case_event *e = &d->history[d->nhistory++];
        memset(e, 0, offsetof(support_case_event, reason));
        e->reason[0] = 0;
        e->seq = store_col_int64(q, 0);
        e->account_id = store_col_is_null(q, 1) ? 0 : store_col_int64(q, 1);
        str_copy(e->by, sizeof e->by, col_text(q, 2));
        str_copy(e->at, sizeof e->at, col_text(q, 3));
        str_copy(e->kind, sizeof e->kind, col_text(q, 4));
        str_copy(e->from_value, sizeof e->from_value, col_text(q, 5));
        str_copy(e->to_value, sizeof e->to_value, col_text(q, 6));
        if (with_text &&
            reason_into(st, inst, col_text(q, 7), e->reason, sizeof e->reason, err) < 0) {
            rc = -1;
            break;
        }
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Read the current row of a task query (columns of TASK_COLUMNS). */
#define TASK_COLUMNS                                                                  \
    "SELECT t.id, t.case_id, t.owner_id, s.given_name, s.family_name, t.kind, t.title," \
    " t.due_on, t.done_at, c.learner_id, l.given_name, l.family_name FROM case_task t"  \
    " JOIN support_case c ON c.institution_id = t.institution_id AND c.id = t.case_id"  \
    " JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id"    \
    " JOIN staff s ON s.institution_id = t.institution_id AND s.id = t.owner_id"

/* The columns of TASK_COLUMNS without the owner's name ('' in its place)
** and without the staff table, for the lists that do not show the owner
** (the tasks due on the home page: one staff look-up a task fewer). */
#define TASK_COLUMNS_NO_OWNER                                                         \
    "SELECT t.id, t.case_id, t.owner_id, '', '', t.kind, t.title,"                   \
    " t.due_on, t.done_at, c.learner_id, l.given_name, l.family_name"

/* TASK_COLUMNS_NO_OWNER with the cases first, for a query that walks them
** (the tasks of a key worker's cases). */
#define TASK_FROM_CASES                                                               \
    " FROM support_case c CROSS JOIN case_task t"                                     \
    " JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id"

/* TASK_COLUMNS_NO_OWNER from the tasks. */
#define TASK_FROM_TASKS                                                               \
    " FROM case_task t"                                                               \
    " JOIN support_case c ON c.institution_id = t.institution_id AND c.id = t.case_id"  \
    " JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id"

/* Fill *t from a TASK_COLUMNS row. */
static void task_row(store_stmt *q, support_case_task *t) {
    memset(t, 0, sizeof *t);
    t->id = store_col_int64(q, 0);
    t->case_id = store_col_int64(q, 1);
    t->owner_id = store_col_int64(q, 2);
    str_full_name(t->owner_name, sizeof t->owner_name, col_text(q, 3), col_text(q, 4));
    t->kind = support_case_task_kind_parse(col_text(q, 5));
    /* a follow-up's title is sealed: follow_ups_open() opens it */
    if (t->kind != SUPPORT_TASK_FOLLOW_UP) str_copy(t->title, sizeof t->title, col_text(q, 6));
    const char *due = col_text(q, 7);
    if (date_parse(due, strlen(due), &t->due_on) < 0) t->due_on = 0;
    str_copy(t->done_at, sizeof t->done_at, col_text(q, 8));
    t->learner_id = store_col_int64(q, 9);
    str_full_name(t->learner_name, sizeof t->learner_name, col_text(q, 10), col_text(q, 11));
}

/* Read tasks from a prepared TASK_COLUMNS query into *rows, *n. */
static int tasks_collect(store_stmt *q, support_case_task **rows, size_t *n, cairn_err *err) {
    size_t cap = 0;
    int rc;
    *rows = NULL;
    *n = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        *rows = grow(*rows, *n, &cap, sizeof **rows);
        task_row(q, &(*rows)[(*n)++]);
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

/* 1 when task a comes before task b in the order of the tasks due: by due
** day, then id. */
static int task_due_before(const support_case_task *a, const support_case_task *b) {
    return a->due_on != b->due_on ? a->due_on < b->due_on : a->id < b->id;
}

/* qsort's comparison of two task pointers by task_due_before. */
static int task_ptr_cmp(const void *a, const void *b) {
    const support_case_task *x = *(const support_case_task *const *)a;
    const support_case_task *y = *(const support_case_task *const *)b;
    return task_due_before(x, y) ? -1 : task_due_before(y, x) ? 1 : 0;
}

/* Read the first limit (> 0) tasks of a prepared TASK_COLUMNS query in the
** order of task_due_before into *rows, *n (malloc'd; caller frees).  The
** rows come unsorted: at most limit are kept (a later row takes the place
** of the last kept one when it comes before it), then sorted by pointer
** and copied once into order.  (SQLite sorts a result with a LIMIT through
** a temporary b-tree of whole rows: a fifth of a key worker's tasks due.) */
static int tasks_collect_first(store_stmt *q, size_t limit, support_case_task **rows, size_t *n,
                               cairn_err *err) {
    assert(limit > 0);
    size_t cap = 0, kept = 0, last = 0;   /* last: the kept row that comes last */
    support_case_task *got = NULL, *t = xmalloc(sizeof *t);
    int rc;
    *rows = NULL;
    *n = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        task_row(q, t);
        if (kept < limit) {
            got = grow(got, kept, &cap, sizeof *got);
            got[kept++] = *t;
        } else if (task_due_before(t, &got[last])) {
            got[last] = *t;
        } else {
            continue;
        }
        if (kept == limit)   /* which kept row is now the last */
            for (size_t k = last = 0; k < kept; k++)
                if (task_due_before(&got[last], &got[k])) last = k;
    }
    free(t);
    store_finalize(q);
    if (rc < 0) {
        free(got);
        return -1;
    }
    support_case_task **order = xmalloc((kept ? kept : 1) * sizeof *order);
    for (size_t k = 0; k < kept; k++) order[k] = &got[k];
    qsort(order, kept, sizeof *order, task_ptr_cmp);
    *rows = kept ? xmalloc(kept * sizeof **rows) : NULL;
    for (size_t k = 0; k < kept; k++) (*rows)[k] = *order[k];
    *n = kept;
    free(order);
    free(got);
    return 0;
}

/* The follow-ups' own words in d's tasks: opened when with_text, else
** empty (the stored column is sealed text). */
static int follow_ups_open(store *st, int64_t inst, int with_text, support_case_detail *d,
                           cairn_err *err) {
    store_stmt *q = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < d->ntasks; i++) {
        support_case_task *t = &d->tasks[i];
        if (t->kind != SUPPORT_TASK_FOLLOW_UP) continue;
        t->title[0] = 0;
        if (!with_text) continue;
        if (!q && !(q = store_prepare(st, "SELECT title FROM case_task WHERE institution_id = ?"
                                          " AND id = ?", err)))
            return -1;
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, t->id);
        int s = store_step(q, err);
        if (s < 0) rc = -1;
        else if (s == STORE_ROW)
            rc = reason_into(st, inst, col_text(q, 0), t->title, sizeof t->title, err);
        store_reset(q);
    }
    store_finalize(q);
    return rc;
}

/* The whole case (see case.h). */
int support_case_detail_get(store *st, int64_t inst, int64_t case_id, int with_text,
                            support_case_detail *d, cairn_err *err) {
    case_clear(&d->c);
    memset((char *)d + offsetof(support_case_detail, team), 0,
           sizeof *d - offsetof(support_case_detail, team));
    int found = support_case_get(st, inst, case_id, with_text, &d->c, err);
    if (found <= 0) return found;
    store_stmt *q = store_prepare(st, TASK_COLUMNS " WHERE t.institution_id = ? AND t.case_id = ?"
                                      " ORDER BY CASE WHEN t.done_at IS NULL THEN 0 ELSE 1 END,"
                                      " t.due_on, t.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    if (team_read(st, inst, case_id, d, err) < 0 ||
        history_read(st, inst, case_id, with_text, d, err) < 0 ||
        tasks_collect(q, &d->tasks, &d->ntasks, err) < 0) {
        if (!d->tasks) store_finalize(q);
        support_case_detail_free(d);
        return -1;
    }
    if (follow_ups_open(st, inst, with_text, d, err) < 0) {
        support_case_detail_free(d);
        return -1;
    }
    return 1;
}

/* Free what a detail holds. */
void support_case_detail_free(support_case_detail *d) {
    free(d->team);
    free(d->history);
    free(d->tasks);
    d->team = NULL;
    d->history = NULL;
    d->tasks = NULL;
    d->nteam = d->nhistory = d->ntasks = 0;
}

/* The relationship of a staff member to a case (see case.h). */
int support_case_relation(store *st, int64_t inst, int64_t case_id, int64_t staff_id,
                          unsigned *rel, cairn_err *err) {
    return support_case_relations(st, inst, &case_id, 1, staff_id, rel, err);
}

/* The columns a staff member's relationship to the case c is read from
** (case_relation_read): its key worker, and counts of the staff member in
** its team and of handovers to them waiting; binds the staff id twice. */
#define CASE_RELATION_COLUMNS                                                           \
    "c.key_worker_id, (SELECT count(*) FROM case_team_member t"                         \
    " WHERE t.institution_id = c.institution_id AND t.case_id = c.id AND t.staff_id = ?)," \
    " (SELECT count(*) FROM case_transfer x WHERE x.institution_id = c.institution_id"   \
    " AND x.case_id = c.id AND x.to_staff = ? AND x.state = 'pending')"

/* The SUPPORT_CASE_REL_ bits of staff_id from CASE_RELATION_COLUMNS at
** column col of q's row. */
static unsigned case_relation_read(store_stmt *q, int col, int64_t staff_id) {
    unsigned rel = 0;
    if (store_col_int64(q, col) == staff_id) rel |= SUPPORT_CASE_REL_KEY_WORKER;
    if (store_col_int64(q, col + 1) > 0) rel |= SUPPORT_CASE_REL_TEAM;
    if (store_col_int64(q, col + 2) > 0) rel |= SUPPORT_CASE_REL_RECEIVER;
    return rel;
}

/* The relationship of a staff member to each of n cases (see case.h): one
** statement stepped once per case. */
int support_case_relations(store *st, int64_t inst, const int64_t *case_ids, size_t n,
                           int64_t staff_id, unsigned *rels, cairn_err *err) {
    assert(n == 0 || (case_ids && rels));
    for (size_t i = 0; i < n; i++) rels[i] = 0;
    if (staff_id <= 0 || !n) return 0;
    store_stmt *q = store_prepare(st,
        "SELECT " CASE_RELATION_COLUMNS " FROM support_case c"
        " WHERE c.institution_id = ? AND c.id = ?", err);
    if (!q) return -1;
    int rc = 0;
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        if (case_ids[i] <= 0) continue;   /* no case: no relationship */
        store_bind_int64(q, 1, staff_id);
        store_bind_int64(q, 2, staff_id);
        store_bind_int64(q, 3, inst);
        store_bind_int64(q, 4, case_ids[i]);
        rc = store_step(q, err);
        if (rc == STORE_ROW) rels[i] = case_relation_read(q, 0, staff_id);
        store_reset(q);
    }
    store_finalize(q);
    if (rc < 0) {
        for (size_t i = 0; i < n; i++) rels[i] = 0;
        return -1;
    }
    return 0;
}

/* Staff who may join a team (see case.h). */
int support_case_team_candidates(store *st, int64_t inst, support_case_member **rows, size_t *n,
                                 cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        /* the accounts' staff as one set: EXISTS per staff member read every
        ** account once per staff member (thousands of each in a big school) */
        "SELECT s.id, s.given_name, s.family_name FROM staff s WHERE s.institution_id = ?"
        " AND s.id IN (SELECT a.person_id FROM account a WHERE a.institution_id = ?"
        " AND a.person_kind = 'staff' AND a.disabled = 0)"
        " ORDER BY s.family_name, s.given_name, s.id LIMIT 500", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        *rows = grow(*rows, *n, &cap, sizeof **rows);
        support_case_member *m = &(*rows)[(*n)++];
        memset(m, 0, sizeof *m);
        m->staff_id = store_col_int64(q, 0);
        str_full_name(m->name, sizeof m->name, col_text(q, 1), col_text(q, 2));
        m->role = -1;
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

/* The open tasks due soon of a staff member (see case.h). */
int support_case_tasks_due(store *st, int64_t inst, int64_t staff_id, int32_t today, size_t limit,
                           support_case_task **rows, size_t *n, cairn_err *err) {
    char until[DATE_TEXT_LEN];
    date_format(today + SUPPORT_CASE_SOON_DAYS, until);
    /* two halves, each from its own index, that cannot share a task, so
    ** UNION ALL (no b-tree to remove doubles) and each row read once: the
    ** open tasks due by then of the staff member's cases (as key worker),
    ** and their own open tasks due by then on cases someone else (or
    ** nobody) is key worker of.  "Owner OR key worker" on the joined rows
    ** read every task of the school; a UNION of the ids, looked up again
    ** for their columns, read each task twice. */
    store_stmt *q = store_prepare(st, TASK_COLUMNS_NO_OWNER TASK_FROM_CASES
        " WHERE c.institution_id = ? AND c.key_worker_id = ? AND c.state <> 'closed'"
        " AND t.institution_id = c.institution_id AND t.case_id = c.id"
        " AND t.done_at IS NULL AND t.due_on <= ?"
        " UNION ALL " TASK_COLUMNS_NO_OWNER TASK_FROM_TASKS
        " WHERE t.institution_id = ? AND t.owner_id = ? AND t.done_at IS NULL AND t.due_on <= ?"
        " AND t.case_id NOT IN (SELECT k.id FROM support_case k WHERE k.institution_id = ?"
        " AND k.key_worker_id = ?) AND c.state <> 'closed'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, staff_id);
    store_bind_text(q, 3, until, (size_t)-1);
    store_bind_int64(q, 4, inst);
    store_bind_int64(q, 5, staff_id);
    store_bind_text(q, 6, until, (size_t)-1);
    store_bind_int64(q, 7, inst);       /* the case ids of the first half, */
    store_bind_int64(q, 8, staff_id);   /* read from case_task_open alone */
    return tasks_collect_first(q, limit ? limit : 200, rows, n, err);
}

/* The open case of each learner, and the staff member's relationship to
** it (see case.h): one statement stepped once per learner, the relationship
** read as support_case_relations reads it. */
int support_case_open_of_learners(store *st, int64_t inst, const int64_t *learners, size_t n,
                                  int64_t staff_id, int64_t *case_ids, unsigned *rels,
                                  cairn_err *err) {
    assert(n == 0 || (learners && case_ids));
    for (size_t i = 0; rels && i < n; i++) rels[i] = 0;
    if (!n) return 0;
    int opened;
    if (store_read_begin(st, &opened, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "SELECT c.id, " CASE_RELATION_COLUMNS " FROM support_case c"
        " WHERE c.institution_id = ? AND c.learner_id = ?"
        " AND c.state <> 'closed'", err);
    int rc = q ? 0 : -1;
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        store_bind_int64(q, 1, staff_id);
        store_bind_int64(q, 2, staff_id);
        store_bind_int64(q, 3, inst);
        store_bind_int64(q, 4, learners[i]);
        rc = store_step(q, err);
        case_ids[i] = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
        if (rc == STORE_ROW && rels && staff_id > 0) rels[i] = case_relation_read(q, 1, staff_id);
        store_reset(q);
    }
    if (q) store_finalize(q);
    store_read_end(st, opened);
    if (rc < 0 && rels)
        for (size_t i = 0; i < n; i++) rels[i] = 0;
    return rc < 0 ? -1 : 0;
}
