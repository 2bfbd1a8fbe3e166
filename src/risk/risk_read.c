/*
** risk/risk_read.c — read side of the scores for pages (see risk_read.h).
*/
#include "risk/risk_read.h"
#include "risk/risk_read_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_FROM                                                                   \
    " FROM risk_score s"                                                            \
    " JOIN learner l ON l.institution_id = s.institution_id AND l.id = s.learner_id" \
    " JOIN enrolment e ON e.institution_id = s.institution_id AND e.id = s.enrolment_id" \
    " LEFT JOIN class_group g ON g.institution_id = e.institution_id AND g.id = e.group_id" \
    " LEFT JOIN programme p ON p.institution_id = e.institution_id AND p.id = e.programme_id"

#define READ_COLUMNS                                                                \
    "SELECT s.learner_id, l.ref, l.given_name, l.family_name,"                      \
    " coalesce(g.code, ''), coalesce(g.name, ''), coalesce(p.code, ''),"            \
    " coalesce(p.name, ''), s.asof, s.probability, s.tier, s.flags, s.reasons"

/* The learner's flags on the score date before s.asof ('[]' when none). */
#define READ_PREV_FLAGS                                                             \
    "coalesce((SELECT q.flags FROM risk_score q WHERE q.institution_id = s.institution_id" \
    " AND q.learner_id = s.learner_id AND q.asof < s.asof ORDER BY q.asof DESC LIMIT 1), '[]')"

/* A new flag, in SQL: the institution was scored on an earlier date (on
** its first score date no flag is "new": there is nothing to compare with,
** and every flag in the school would flood the list), and the flags differ
** from the previous date's and are not fewer (commas count them), so a flag
** raised — alone, beside others, or in place of one that cleared — counts,
** and one that only cleared does not. */
#define READ_NEW_FLAGS                                                              \
    "EXISTS (SELECT 1 FROM risk_score e WHERE e.institution_id = s.institution_id"  \
    " AND e.asof < s.asof)"                                                         \
    " AND s.flags <> " READ_PREV_FLAGS                                              \
    " AND length(" READ_PREV_FLAGS ") - length(replace(" READ_PREV_FLAGS ", ',', ''))" \
    " <= length(s.flags) - length(replace(s.flags, ',', ''))"


/* 1 if s is NULL or empty. */
static int blank(const char *s) {
    return !s || !*s;
}

/* The FROM clause for counting the scores that pass f.  Without a
** programme or group filter no column of the joined tables is read, and
** the inner joins cannot drop a row (risk_score's foreign keys name its
** learner and enrolment), so the count reads risk_score alone: from the
** index risk_score_attention, without visiting the table: at 100,000
** learners about 10 ms instead of 100 to 200. */
static const char *count_from(const risk_attention_filter *f) {
    if (blank(f->programme_code) && blank(f->group_code) && blank(f->search))
        return " FROM risk_score s";
    return READ_FROM;
}

/* 1 when from (count_from's or READ_FROM) joins the scored enrolment e. */
static int from_joins_enrolment(const char *from) {
    return strstr(from, " JOIN enrolment e ") != NULL;
}

/* Only learners still enrolled make the list: the scored enrolment is
** active or paused now (its status is the current one, imports keep it up
** to date) and has not ended by the score date.  A learner who completed,
** left early or transferred is never listed, whatever the filter; a
** primary-key lookup per row, so the count still reads risk_score alone.
** Where READ_FROM already joins that enrolment (e, the same row by the same
** key) the test is on e: the same rows, two b-tree seeks fewer per row
** (about a sixth of a caseload page's query). */
#define READ_STILL_ENROLLED                                                         \
    " AND EXISTS (SELECT 1 FROM enrolment se WHERE se.institution_id = s.institution_id" \
    " AND se.id = s.enrolment_id AND se.status IN ('active', 'paused')"            \
    " AND (se.exit_date IS NULL OR se.exit_date > s.asof))"
#define READ_STILL_ENROLLED_JOINED                                                  \
    " AND e.status IN ('active', 'paused') AND (e.exit_date IS NULL OR e.exit_date > s.asof)"

/* Append the WHERE conditions of f (after "s.institution_id = ? AND
** s.asof = ?") to sql; with_tier 0 leaves the tier out; joined 1 when the
** FROM clause is READ_FROM (the scored enrolment joined as e).  SQLite
** tests the terms in this order: the tier and flag, read from the index,
** come before the enrolment's test, so a walk over rows the filter drops
** (a universal learner's "next" on the attention list: the rest of tier 0)
** reads no enrolment (at 100,000 learners 0.75 s against 0.04 s). */
static void filter_sql(const risk_attention_filter *f, int with_tier, int joined, buf *sql) {
    if (!blank(f->programme_code)) buf_puts(sql, " AND p.code = ?");
    if (!blank(f->group_code)) buf_puts(sql, " AND g.code = ?");
    if (with_tier) {
        if (f->tier >= 0) buf_puts(sql, " AND s.tier = ?");
        else if (f->tier != RISK_TIER_FILTER_ALL)
            buf_puts(sql, " AND (s.tier > 0 OR (s.flags <> '[]' AND " READ_NEW_FLAGS "))");
    }
    if (!blank(f->flag)) buf_puts(sql, " AND s.flags LIKE ?");
    buf_puts(sql, joined ? READ_STILL_ENROLLED_JOINED : READ_STILL_ENROLLED);
    if (!blank(f->search))
        buf_puts(sql, " AND (lower(l.given_name || ' ' || l.family_name) LIKE ? ESCAPE '!'"
                      " OR lower(l.family_name || ' ' || l.given_name) LIKE ? ESCAPE '!'"
                      " OR l.ref = ?)");
    if (f->visible && f->visible->sql) {
        buf_puts(sql, " AND ");
        buf_puts(sql, f->visible->sql);
    }
}

/* Bind what filter_sql() wrote, from index first; returns the next. */
int risk_read_filter_bind(const risk_attention_filter *f, int with_tier, store_stmt *s, int first) {
    int i = first;
    if (!blank(f->programme_code)) store_bind_text(s, i++, f->programme_code, (size_t)-1);
    if (!blank(f->group_code)) store_bind_text(s, i++, f->group_code, (size_t)-1);
    if (with_tier && f->tier >= 0) store_bind_int64(s, i++, f->tier);
    if (!blank(f->flag)) {
        char like[80];
        snprintf(like, sizeof like, "%%\"%s\"%%", f->flag);
        store_bind_text(s, i++, like, (size_t)-1);
    }
    if (!blank(f->search)) {
        buf pat = BUF_INIT;           /* %text% with ! % _ escaped, lower-case ASCII */
        buf_putc(&pat, '%');
        for (const char *p = f->search; *p; p++) {
            if (*p == '!' || *p == '%' || *p == '_') buf_putc(&pat, '!');
            buf_putc(&pat, (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p);
        }
        buf_putc(&pat, '%');
        store_bind_text(s, i++, buf_cstr(&pat), (size_t)-1);
        store_bind_text(s, i++, buf_cstr(&pat), (size_t)-1);
        store_bind_text(s, i++, f->search, (size_t)-1);
        buf_free(&pat);
    }
    if (f->visible && f->visible->sql && f->visible->bind)
        i = f->visible->bind(f->visible->ctx, s, i);
    return i;
}

/* Check f before any SQL is built: a tier out of range or an unknown flag
** code is an error a person can act on. */
static int filter_check(const risk_attention_filter *f, cairn_err *err) {
    if ((f->tier < -1 && f->tier != RISK_TIER_FILTER_ALL) || f->tier >= RISK_TIER_COUNT)
        return err_set(err, CAIRN_EINVAL, "tier %d does not exist; use 0, 1 or 2", f->tier);
    if (!blank(f->flag) && risk_rule_find(f->flag) < 0)
        return err_set(err, CAIRN_EINVAL, "there is no flag \"%.60s\"", f->flag);
    if (f->sort < RISK_SORT_URGENCY || f->sort > RISK_SORT_GROUP)
        return err_set(err, CAIRN_EINVAL, "there is no order %d", (int)f->sort);
    if (!blank(f->search) && strlen(f->search) > 100)
        return err_set(err, CAIRN_EINVAL, "a search is at most 100 bytes");
    return 0;
}

/* Fill r from the current row of s (columns of READ_COLUMNS). */
int risk_read_row(store_stmt *s, risk_attention_row *r, cairn_err *err) {
    memset(r, 0, sizeof *r);
    r->learner_id = store_col_int64(s, 0);
    str_copy(r->ref, sizeof r->ref, store_col_text(s, 1));
    str_copy(r->given_name, sizeof r->given_name, store_col_text(s, 2));
    str_copy(r->family_name, sizeof r->family_name, store_col_text(s, 3));
    str_copy(r->group_code, sizeof r->group_code, store_col_text(s, 4));
    str_copy(r->group_name, sizeof r->group_name, store_col_text(s, 5));
    str_copy(r->programme_code, sizeof r->programme_code, store_col_text(s, 6));
    str_copy(r->programme_name, sizeof r->programme_name, store_col_text(s, 7));
    const char *d = store_col_text(s, 8);
    if (!d || date_parse(d, strlen(d), &r->asof) < 0)
        return err_set(err, CAIRN_EDB, "a stored score of learner %lld has a bad date",
                       (long long)r->learner_id);
    r->probability = store_col_is_null(s, 9) ? NAN : store_col_double(s, 9);
    r->tier = (risk_tier)store_col_int64(s, 10);
    risk_reasons_fill(store_col_text(s, 11), store_col_text(s, 12), r);
    return 0;
}

/* The latest score date, 0 if none. */
int risk_read_latest_asof(store *st, int64_t inst, int32_t *asof, cairn_err *err) {
    *asof = 0;
    store_stmt *s = store_prepare(st, "SELECT max(asof) FROM risk_score WHERE institution_id = ?",
                                  err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    int rc = store_step(s, err);
    if (rc == STORE_ROW && !store_col_is_null(s, 0)) {
        const char *d = store_col_text(s, 0);
        if (!d || date_parse(d, strlen(d), asof) < 0) {
            *asof = 0;
            rc = err_set(err, CAIRN_EDB, "the latest score date is not a date");
        }
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Bind institution and asof to parameters 1 and 2. */
void risk_read_bind_head(store_stmt *s, int64_t inst, int32_t asof) {
    char d[DATE_TEXT_LEN];
    date_format(asof, d);
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, d, (size_t)-1);
}

/* The head of a list's WHERE: institution and score date.  For a narrow
** visibility (see risk_read.h) the date is written so that no index takes
** it (|| ''): the planner then reads the few learners' scores through the
** primary key (institution, learner, date) instead of walking the whole
** day's scores in the index's order until the page is full. */
static const char *where_head(const risk_attention_filter *f) {
    return f->visible && f->visible->narrow
               ? " WHERE s.institution_id = ? AND (s.asof || '') = ?"
               : " WHERE s.institution_id = ? AND s.asof = ?";
}

/* The count of learners that pass f into *total; with a cursor, only those
** that come after it in f's order (before it when back is 1): the sum over
** the parts of keyset_cursor_sql, each counted from its own index range. */
static int attention_total(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                           const attention_cursor *before, int back, size_t *total,
                           cairn_err *err) {
    *total = 0;
    int parts = before ? keyset_parts(f) : 1;
    for (int part = 0; part < parts; part++) {
        buf sql = BUF_INIT;
        int fields[KEYSET_MAX_FIELDS];
        size_t nf = 0;
        /* the part of the tiers beyond the cursor's reads no name */
        const char *from = before && !(parts == 2 && part == 1) ? READ_FROM : count_from(f);
        buf_puts(&sql, "SELECT count(*)");
        buf_puts(&sql, from);
        buf_puts(&sql, where_head(f));
        filter_sql(f, 1, from_joins_enrolment(from), &sql);
        if (before) keyset_cursor_sql(f, back, part, &sql, fields, &nf);
        store_stmt *c = store_prepare(st, buf_cstr(&sql), err);
        buf_free(&sql);
        if (!c) return -1;
        risk_read_bind_head(c, inst, asof);
        int i = risk_read_filter_bind(f, 1, c, 3);
        if (before) keyset_cursor_bind(before, fields, nf, c, i);
        int rc = store_step(c, err);
        if (rc == STORE_ROW) *total += (size_t)store_col_int64(c, 0);
        store_finalize(c);
        if (rc < 0) return -1;
    }
    return 0;
}

/* 1 when the page of f (from the start: cursor 0) is read without a
** LIMIT: the first page of a narrow list (a caseload, a teacher's groups)
** where SQL sorts it (PostgreSQL; on SQLite risk_narrow.c reads narrow
** lists).  Its rows are few and are all sorted anyway (the learner set
** drives the loop, not the order's index); the caller keeps the first
** rows and counts the rest, which also gives the list's count. */
static int page_unbounded(const risk_attention_filter *f, int cursor) {
    return !cursor && f->visible && f->visible->narrow;
}

/* The SQL of a page (see risk_read_internal.h).  Sorted here (a narrow
** list on SQLite, risk_narrow.c), it has no ORDER BY and no LIMIT, so the
** date is compared plainly: one primary-key seek per learner. */
void risk_read_page_sql(const risk_attention_filter *f, int cursor, int back, int part,
                        int names_only, int sorted_here, buf *sql, int *fields, size_t *nf) {
    assert(!sorted_here || page_unbounded(f, cursor));
    *nf = 0;
    buf_puts(sql, names_only ? "SELECT s.learner_id, l.ref, l.given_name, l.family_name"
                             : READ_COLUMNS);
    buf_puts(sql, READ_FROM);
    buf_puts(sql, sorted_here ? " WHERE s.institution_id = ? AND s.asof = ?" : where_head(f));
    filter_sql(f, 1, 1, sql);
    if (cursor) keyset_cursor_sql(f, back, part, sql, fields, nf);
    if (!sorted_here) keyset_order_sql(f, cursor && back, sql);
    if (!page_unbounded(f, cursor)) buf_puts(sql, " LIMIT ?");
}

/* Append to *rows (*n of them, room for *cap) up to limit - *n rows of
** the attention list that pass f: from the start (after NULL) or part part
** of those after the cursor (see keyset_cursor_sql), in the list's order
** (backwards when back is 1); on an unbounded page (page_unbounded) the
** rows past the limit are counted into *more.  0, or -1 with err (*rows
** left to the caller to free). */
static int attention_part(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                          const attention_cursor *after, int back, int part, size_t limit,
                          int names_only, risk_attention_row **rows, size_t *n, size_t *cap,
                          size_t *more, cairn_err *err) {
    assert(*n < limit);
    buf sql = BUF_INIT;
    int fields[KEYSET_MAX_FIELDS];
    size_t nf = 0;
    risk_read_page_sql(f, after != NULL, back, part, names_only, 0, &sql, fields, &nf);
    store_stmt *s = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!s) return -1;
    risk_read_bind_head(s, inst, asof);
    int i = risk_read_filter_bind(f, 1, s, 3);
    if (after) i = keyset_cursor_bind(after, fields, nf, s, i);
    if (!page_unbounded(f, after != NULL)) store_bind_int64(s, i, (int64_t)(limit - *n));
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == limit) {   /* unbounded: past the page, counted */
            (*more)++;
            continue;
        }
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *rows = xrealloc(*rows, *cap * sizeof **rows);
        }
        if (names_only) {   /* what a link to the row needs, no reasons parsed */
            risk_attention_row *r = &(*rows)[*n];
            memset(r, 0, sizeof *r);
            r->learner_id = store_col_int64(s, 0);
            str_copy(r->ref, sizeof r->ref, store_col_text(s, 1));
            str_copy(r->given_name, sizeof r->given_name, store_col_text(s, 2));
            str_copy(r->family_name, sizeof r->family_name, store_col_text(s, 3));
        } else if (risk_read_row(s, &(*rows)[*n], err) != 0) {
            rc = -1;
            break;
        }
        (*n)++;
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Up to limit rows of the attention list that pass f, from the start or,
** with a cursor, from the row after it (before it when back is 1, then
** read backwards and turned round).  In the order by urgency the first two
** keys are those of the index risk_score_attention: rows come in order and
** only ties are sorted, so a page costs its own rows, not the whole day's
** scores; with a cursor the index is entered at the cursor's tier and
** probability (the cursor's tier first, then, while the page is not full,
** the tiers beyond it), so a deep page is as cheap as the first. */
static int attention_page(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                          const attention_cursor *after, int back, size_t limit, int names_only,
                          risk_attention_row **rows, size_t *n, size_t *more, cairn_err *err) {
    size_t cap = 0;
    int parts = after ? keyset_parts(f) : 1;
    *more = 0;
    for (int part = 0; part < parts && *n < limit; part++) {
        if (attention_part(st, inst, asof, f, after, back, part, limit, names_only, rows, n,
                           &cap, more, err) != 0) {
            free(*rows);
            *rows = NULL;
            *n = 0;
            return -1;
        }
    }
    for (size_t a = 0; after && back && *n > 1 && a < *n / 2; a++) {   /* back in order */
        risk_attention_row t = (*rows)[a];
        (*rows)[a] = (*rows)[*n - 1 - a];
        (*rows)[*n - 1 - a] = t;
    }
    return 0;
}

/* The sort keys of learner_id's score on asof into *c, when vis (NULL =
** everyone) lets that learner through: 0, or -1 with err (CAIRN_ENOTFOUND
** when there is no such score or the viewer may not see it — the same
** answer, so a forged cursor tells nothing). */
static int attention_cursor_read(store *st, int64_t inst, int32_t asof, int64_t learner_id,
                                 const risk_visibility *vis, attention_cursor *c,
                                 cairn_err *err) {
    memset(c, 0, sizeof *c);
    buf sql = BUF_INIT;
    buf_puts(&sql, "SELECT s.tier, coalesce(s.probability, -1), " READ_NFLAGS ", l.family_name,"
                   " l.given_name, l.id, coalesce(g.name, '')" READ_FROM
                   " WHERE s.institution_id = ? AND s.asof = ? AND s.learner_id = ?");
    if (vis && vis->sql) {
        buf_puts(&sql, " AND ");
        buf_puts(&sql, vis->sql);
    }
    store_stmt *q = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!q) return -1;
    risk_read_bind_head(q, inst, asof);
    store_bind_int64(q, 3, learner_id);
    if (vis && vis->sql && vis->bind) vis->bind(vis->ctx, q, 4);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        c->tier = store_col_int64(q, 0);
        c->probability = store_col_double(q, 1);
        c->nflags = store_col_int64(q, 2);
        str_copy(c->family_name, sizeof c->family_name, store_col_text(q, 3));
        str_copy(c->given_name, sizeof c->given_name, store_col_text(q, 4));
        c->learner_id = store_col_int64(q, 5);
        str_copy(c->group_name, sizeof c->group_name, store_col_text(q, 6));
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW)
        return err_set(err, CAIRN_ENOTFOUND, "learner %lld is not in this list on that day "
                       "(no score, or not one the viewer may see)", (long long)learner_id);
    return 0;
}

/* The list's count into *total and the page's first place into *first
** (either may be NULL), from the rows in the list (all) and past the
** cursor (beyond); 0. */
static int page_numbers(int64_t cursor, int before, size_t n, size_t all, size_t beyond,
                        size_t *total, size_t *first) {
    if (total) *total = all;
    if (first && n) {
        /* the cursor itself need not pass f (it may have left the filter),
        ** so count what lies past it rather than before it */
        if (!cursor) *first = 1;
        else if (before) *first = beyond >= n ? beyond - n + 1 : 1;
        else *first = all >= beyond ? all - beyond + 1 : 1;
    }
    return 0;
}

/* A page of the list around a cursor (see risk_read.h). */
int risk_read_attention_page(store *st, int64_t inst, int32_t asof,
                             const risk_attention_filter *f, int64_t cursor, int before,
                             size_t limit, risk_attention_row **rows, size_t *n, size_t *total,
                             size_t *first, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    if (total) *total = 0;
    if (first) *first = 0;
    if (filter_check(f, err) != 0) return -1;
    if (limit == 0) limit = 200;
    attention_cursor c;
    size_t all = 0, beyond = 0;   /* rows in the list; rows past the cursor */
    if (cursor && attention_cursor_read(st, inst, asof, cursor, f->visible, &c, err) != 0)
        return -1;
    if (risk_narrow_here(st, f)) {   /* the whole set, sorted in C */
        if (risk_narrow_page(st, inst, asof, f, cursor ? &c : NULL, before, limit, rows, n, &all,
                             &beyond, err) != 0)
            return -1;
        return page_numbers(cursor, before, *n, all, beyond, total, first);
    }
    /* on the first page, fewer rows than the limit are the whole list: the
    ** count is then the page's own (a caseload's home page saves a query) */
    int need_all = total || (first && cursor);
    if (need_all && cursor && attention_total(st, inst, asof, f, NULL, 0, &all, err) != 0)
        return -1;
    if (cursor && first && attention_total(st, inst, asof, f, &c, before, &beyond, err) != 0)
        return -1;
    size_t more = 0;   /* rows past an unbounded page */
    if (attention_page(st, inst, asof, f, cursor ? &c : NULL, before, limit, 0, rows, n, &more,
                       err) != 0)
        return -1;
    if (need_all && !cursor) {
        if (*n < limit || page_unbounded(f, 0)) all = *n + more;
        else if (attention_total(st, inst, asof, f, NULL, 0, &all, err) != 0) {
            free(*rows);
            *rows = NULL;
            *n = 0;
            return -1;
        }
    }
    return page_numbers(cursor, before, *n, all, beyond, total, first);
}

/* The attention list (see risk_read.h). */
int risk_read_attention(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                        size_t limit, risk_attention_row **rows, size_t *n, size_t *total,
                        cairn_err *err) {
    return risk_read_attention_page(st, inst, asof, f, 0, 0, limit, rows, n, total, NULL, err);
}

/* The page after one learner (see risk_read.h). */
int risk_read_attention_after(store *st, int64_t inst, int32_t asof,
                              const risk_attention_filter *f, int64_t after_learner_id,
                              size_t limit, risk_attention_row **rows, size_t *n,
                              size_t *total, cairn_err *err) {
    return risk_read_attention_page(st, inst, asof, f, after_learner_id, 0, limit, rows, n,
                                    total, NULL, err);
}

/* Counts per tier (see risk_read.h). */
int risk_read_tier_counts(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                          size_t counts[RISK_TIER_COUNT], cairn_err *err) {
    for (int i = 0; i < RISK_TIER_COUNT; i++) counts[i] = 0;
    risk_attention_filter g = *f;
    g.tier = -1;
    if (filter_check(&g, err) != 0) return -1;
    buf sql = BUF_INIT;
    buf_puts(&sql, "SELECT s.tier, count(*)");
    const char *from = count_from(&g);
    buf_puts(&sql, from);
    buf_puts(&sql, " WHERE s.institution_id = ? AND s.asof = ?");
    filter_sql(&g, 0, from_joins_enrolment(from), &sql);
    buf_puts(&sql, " GROUP BY s.tier");
    store_stmt *s = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!s) return -1;
    risk_read_bind_head(s, inst, asof);
    risk_read_filter_bind(&g, 0, s, 3);
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int64_t t = store_col_int64(s, 0);
        if (t >= 0 && t < RISK_TIER_COUNT) counts[t] = (size_t)store_col_int64(s, 1);
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* One learner's latest score: 1 found, 0 none, -1 error. */
int risk_read_learner_latest(store *st, int64_t inst, int64_t learner_id,
                             risk_attention_row *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    store_stmt *s = store_prepare(st, READ_COLUMNS READ_FROM
        " WHERE s.institution_id = ? AND s.learner_id = ? ORDER BY s.asof DESC LIMIT 1", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, learner_id);
    int rc = store_step(s, err);
    int found = 0;
    if (rc == STORE_ROW) {
        if (risk_read_row(s, out, err) != 0) rc = -1;
        else found = 1;
    }
    store_finalize(s);
    return rc < 0 ? -1 : found;
}

/* The row after learner_id in f's order, names only (see risk_read.h).
** With self (the learner's own latest row, already read and seen by the
** caller) the sort keys come from it instead of a query. */
int risk_read_attention_next(store *st, int64_t inst, int32_t asof,
                             const risk_attention_filter *f, int64_t learner_id,
                             const risk_attention_row *self, risk_attention_row *next,
                             cairn_err *err) {
    assert(next && learner_id > 0);
    assert(!self || self->learner_id == learner_id);
    memset(next, 0, sizeof *next);
    if (filter_check(f, err) != 0) return -1;
    attention_cursor c;
    if (self) {
        if (self->asof != asof)   /* not scored on the list's day: as the query says */
            return err_set(err, CAIRN_ENOTFOUND, "learner %lld has no score on the list's day",
                           (long long)learner_id);
        memset(&c, 0, sizeof c);
        c.tier = self->tier;
        c.probability = isnan(self->probability) ? -1 : self->probability;
        c.nflags = self->nflags;
        str_copy(c.family_name, sizeof c.family_name, self->family_name);
        str_copy(c.given_name, sizeof c.given_name, self->given_name);
        str_copy(c.group_name, sizeof c.group_name, self->group_name);
        c.learner_id = learner_id;
    } else if (attention_cursor_read(st, inst, asof, learner_id, f->visible, &c, err) != 0) {
        return -1;
    }
    risk_attention_row *rows = NULL;
    size_t n = 0, more = 0, all = 0;
    if (risk_narrow_here(st, f)
            ? risk_narrow_page(st, inst, asof, f, &c, 0, 1, &rows, &n, &all, &more, err) != 0
            : attention_page(st, inst, asof, f, &c, 0, 1, 1, &rows, &n, &more, err) != 0)
        return -1;
    if (n) *next = rows[0];
    free(rows);
    return n ? 1 : 0;
}
