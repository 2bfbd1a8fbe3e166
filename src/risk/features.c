/*
** risk/features.c — point-in-time indicators, one ordered pass per event table.
**
** How it runs.  The targets are sorted by learner (then asof), keeping each
** one's place in the caller's array, and cut into chunks of at most
** RISK_CHUNK_LEARNERS learners.  For each chunk every event table is read by
** ONE query over the chunk's learner-id range, ordered by learner — the
** order of the table's key, so SQLite walks the key and never sorts (see
** the plan test) — and restricted to the dates the chunk's targets can need:
**
**   attendance  from min(term start, asof - 83) (12 weeks for the change
**               point) up to the latest asof of the chunk;
**   results     everything up to the latest asof (earlier terms count);
**   behaviour   the 8 weeks before the earliest asof up to the latest;
**   engagement  the 4 weeks before the earliest asof up to the latest, and
**               for learners with no activity in that window one row each
**               with their last active day before it ("days since").
**
** The attendance and engagement queries start from the learner table and
** look up each learner's rows by key (learner, date >= from): rows outside
** the window are never visited, which is what makes a year of daily events
** cheap.  The stream is merged with the sorted targets: one learner's rows
** in the window are held (a few hundred at most), each of that learner's
** targets is computed from them, then they are dropped.  Memory is the
** targets plus one learner's rows plus, on PostgreSQL, one chunk's result.
**
** Within a learner the rows arrive in key (date) order from both backends
** in practice, but nothing relies on it: the rows are put in a fixed order
** by their content in C when they are not (cheap: a learner's rows), so no
** database sorts text under a collation, and the indicators are a function
** of the set of rows alone — bit for bit, sums included.
**
** Every row used for a target is dated on or before that target's asof: the
** queries stop at the chunk's latest asof and each computation skips rows
** after its own asof.  All four passes run in one read transaction (when the
** caller has none open) so they see the same data.
**
** Definitions (weeks are calendar windows ending on asof: 2 weeks = asof-13
** .. asof, 4 weeks = asof-27 .. asof, 8 weeks = asof-55 .. asof; week k of
** the weekly series is asof-7k-6 .. asof-7k):
**
**   - this term: the term (table term) with start_date <= asof <= end_date,
**     the latest-starting one if several; when asof falls in no term (a
**     holiday), the 16 weeks before asof.  "Earlier terms" are the days
**     before this term's start.
**   - attendance is counted per recorded school day (a day with at least
**     one attendance row); a day split into sessions counts by its share of
**     sessions attended (present or late), so whole-day data gives 0 or 1.
**     Rate = days attended / days recorded x 100; no recorded day in the
**     window -> NAN (for the unexcused and late counts too).
**   - unexcused days count a day's share of unexcused sessions.  A day is an
**     "unexcused day" for the streak when no session was attended and at
**     least one was unexcused; any other recorded day ends a run, days
**     without a record (weekends, holidays) do not.
**   - late arrivals count late sessions.
**   - slope: least squares of the weekly rates of weeks 0..7 against week
**     number (later weeks to the right), weeks without records left out;
**     fewer than 3 weeks -> NAN.
**   - change point: the weekly rates of weeks 11..0 in time order (weeks
**     without records left out, at least 4 needed) are split in two, each
**     side at least 2 weeks, where the two-segment least-squares fit is best
**     (the split maximising s(m-s)/m * (mean_after - mean_before)^2; on a
**     tie the more recent split).  RF_ATT_DROP = mean_after - mean_before,
**     RF_ATT_DROP_WEEKS = weeks from the first week after the split to asof
**     (a shift three weeks ago gives 3).  Flat attendance gives 0 and 0.
**   - results: a result counts in the term it is dated in.  Failed = not
**     missing and passed = 0 (or, when passed is unknown, score/max_score
**     below 50%); a missing assessment counts as missing, not also as
**     failed.  Average = mean of 100 x score/max_score over results with a
**     score and max_score > 0 that are not missing.  No result this term ->
**     NAN for all four term counts; change = this term's average minus the
**     average over all earlier results (NAN if either is unknown).
**   - behaviour is a log of exceptions: no incident is a count of 0, never
**     NAN.  Severity 1 is minor, 2 and 3 are serious.
**   - engagement: a day is active when any of its rows (any source, any
**     metric) has value > 0.  Each metric cairn knows (minutes, clicks,
**     logins, submissions, forum posts; names in risk_metric_aliases(), any
**     case) sums its rows over the 4 weeks into its own indicator; a metric
**     no row read in the run has is not known (NAN) for everyone, so a
**     school that sends clicks never shows "0 minutes".  A learner never
**     active on or before asof gets NAN for every platform indicator (the
**     school may not use a platform for them).
**   - weeks enrolled = (asof - start) / 7, fractional.
*/
#include "risk/features.h"
#include "risk/features_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const risk_features_sql[RISK_Q_COUNT] = {
    [RISK_Q_TERMS] =
        "SELECT start_date, end_date FROM term WHERE institution_id = ?",
    /* The learner table drives; each learner's attendance is looked up by
    ** key (learner, date >= from).  "l.id + 0" stops SQLite copying the
    ** l.id range onto a.learner_id, which makes it read attendance first
    ** and then sort. */
    [RISK_Q_ATTENDANCE] =
        "SELECT a.learner_id, a.date, a.status FROM learner l"
        " JOIN attendance a ON a.institution_id = l.institution_id AND a.learner_id = l.id + 0"
        "  AND a.date >= ? AND a.date <= ?"
        " WHERE l.institution_id = ? AND l.id BETWEEN ? AND ?"
        " ORDER BY l.id",
    [RISK_Q_RESULTS] =
        "SELECT learner_id, date, score, max_score, passed, late, missing FROM result"
        " WHERE institution_id = ? AND learner_id BETWEEN ? AND ? AND date <= ?"
        " ORDER BY learner_id",
    [RISK_Q_BEHAVIOUR] =
        "SELECT learner_id, date, severity FROM behaviour"
        " WHERE institution_id = ? AND learner_id BETWEEN ? AND ? AND date >= ? AND date <= ?"
        " ORDER BY learner_id",
    [RISK_Q_ENGAGEMENT] =
        "SELECT e.learner_id, e.date, CASE WHEN lower(e.metric) IN ('minutes', 'time_minutes')"
        " THEN 1 WHEN lower(e.metric) IN ('clicks', 'click', 'views', 'page_views') THEN 2"
        " WHEN lower(e.metric) IN ('logins', 'login', 'sessions') THEN 3 WHEN lower(e.metric) IN"
        " ('submissions', 'submission', 'submitted') THEN 4 WHEN lower(e.metric) IN"
        " ('forum_posts', 'posts', 'forum') THEN 5 ELSE 0 END,"
        " e.value FROM learner l"
        " JOIN engagement e ON e.institution_id = l.institution_id AND e.learner_id = l.id + 0"
        "  AND e.date >= ? AND e.date <= ?"
        " WHERE l.institution_id = ? AND l.id BETWEEN ? AND ?"
        " ORDER BY l.id",
    [RISK_Q_ENGAGEMENT_BEFORE] =
        "SELECT l.id, (SELECT e.date FROM engagement e"
        "  WHERE e.institution_id = l.institution_id AND e.learner_id = l.id"
        "  AND e.date < ? AND e.value > 0 ORDER BY e.date DESC LIMIT 1)"
        " FROM learner l WHERE l.institution_id = ? AND l.id BETWEEN ? AND ?"
        " ORDER BY l.id",
};

size_t risk_chunk_learners = RISK_CHUNK_LEARNERS;

/* ---- the working state ---------------------------------------------------- */

typedef struct feat_tgt {
    int64_t learner;
    int32_t asof;
    int32_t tstart;   /* first day of "this term" for asof */
    size_t  idx;      /* place in the caller's array */
} feat_tgt;

typedef struct feat_run {
    store *st;
    int64_t inst;
    cairn_err *err;
    feat_tgt *t;            /* sorted targets */
    size_t n;
    risk_features *out;     /* caller's order */
    store_stmt *q[RISK_Q_COUNT];
    risk_date_cache dc;
    /* one learner's rows, reused */
    risk_att_day *att;
    size_t natt, catt;
    int att_unsorted;       /* a day came before the one already held */
    risk_res_row *res;
    size_t nres, cres;
    risk_beh_row *beh;
    size_t nbeh, cbeh;
    risk_eng_row *raw;
    size_t nraw, craw;
    risk_eng_day *eng;
    size_t neng, ceng;
    size_t *need;           /* targets (sorted index) that need the activity history */
    size_t nneed;
    unsigned metrics_seen;  /* bit k: a row of metric k was read (RISK_METRIC_*) */
} feat_run;

#define GROW(arr, len, cap)                                              \
    do {                                                                 \
        if ((len) == (cap)) {                                            \
            (cap) = (cap) ? (cap) * 2 : 256;                             \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));              \
        }                                                                \
    } while (0)

/* Decode the 'YYYY-MM-DD' in column col of s into *day; -1 when it is not
** a date.  A learner's rows run through the days of a month, so the month
** of the last full decode is kept in c and only the day is read when the
** month repeats (the hot path: tens of millions of rows). */
int risk_col_date(store_stmt *s, int col, risk_date_cache *c, int32_t *day) {
    const char *p = store_col_text(s, col);
    if (!p) return -1;
    if (c->valid && strncmp(p, c->ym, 8) == 0 && p[8] >= '0' && p[8] <= '9' &&
        p[9] >= '0' && p[9] <= '9' && p[10] == 0) {
        int dd = (p[8] - '0') * 10 + (p[9] - '0');
        if (dd >= 1 && dd <= c->mdays) {
            *day = c->first + dd - 1;
            return 0;
        }
    }
    if (date_parse(p, strnlen(p, 11), day) != 0) return -1;
    int y, m, d;
    date_to_ymd(*day, &y, &m, &d);
    memcpy(c->ym, p, 8);
    c->first = *day - (d - 1);
    c->mdays = date_from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - c->first;
    c->valid = 1;
    return 0;
}

/* Bind day as 'YYYY-MM-DD' to parameter idx of s. */
void risk_bind_date(store_stmt *s, int idx, int32_t day) {
    char text[DATE_TEXT_LEN];
    date_format(day, text);
    store_bind_text(s, idx, text, (size_t)-1);
}

/* Fail with a message naming the table and learner of a bad date. */
static int bad_date(feat_run *r, const char *table, int64_t learner) {
    return err_set(r->err, CAIRN_EDB,
                   "%s of learner id %lld has a date that is not YYYY-MM-DD; re-import the "
                   "learner's %s to correct it", table, (long long)learner, table);
}

/* Read the institution's terms, ordered by start (the calendar's arithmetic
** is in risk/calendar.c); *terms is malloc'd, the caller frees. */
static int terms_load(feat_run *r, risk_term_span **terms, size_t *n) {
    *terms = NULL;
    *n = 0;
    store_stmt *s = r->q[RISK_Q_TERMS];
    store_bind_int64(s, 1, r->inst);
    size_t cap = 0;
    int rc;
    risk_date_cache dc = {.valid = 0};
    while ((rc = store_step(s, r->err)) == STORE_ROW) {
        risk_term_span t;
        if (risk_col_date(s, 0, &dc, &t.first) < 0 || risk_col_date(s, 1, &dc, &t.last) < 0) {
            err_set(r->err, CAIRN_EDB, "a term has a date that is not YYYY-MM-DD; re-import "
                    "the terms to correct it");
            rc = -1;
            break;
        }
        GROW(*terms, *n, cap);
        (*terms)[(*n)++] = t;
    }
    store_reset(s);
    if (rc < 0) {
        free(*terms);
        *terms = NULL;
        *n = 0;
        return -1;
    }
    risk_terms_order(*terms, *n);
    return 0;
}

/* ---- the passes over the event tables -------------------------------------- */

/* One chunk of sorted targets [i0, i1) and the date bounds its queries need. */
typedef struct chunk {
    size_t i0, i1;
    int64_t first, last;     /* learner-id range */
    int32_t hi;              /* latest asof */
    int32_t att_from, beh_from, eng_from;
} chunk;

/* What a pass does with one table: forget the last learner's rows, keep
** one row (s positioned on it), compute a learner's targets [i, j). */
typedef void (*reset_fn)(feat_run *r);
typedef int (*collect_fn)(feat_run *r, store_stmt *s, int64_t learner);
typedef void (*compute_fn)(feat_run *r, size_t i, size_t j);

/* Merge the rows of s (bound, ordered by learner id in column 0) with the
** targets of chunk c: for each learner of the chunk, reset, collect each of
** its rows, then compute its targets.  Rows of learners without a target
** are skipped.  what names the table in an error. */
static int pass_run(feat_run *r, store_stmt *s, const chunk *c, reset_fn reset,
                    collect_fn collect, compute_fn compute, const char *what) {
    int rc = store_step(s, r->err);
    int64_t row_learner = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
    size_t i = c->i0;
    while (i < c->i1 && rc >= 0) {
        int64_t lid = r->t[i].learner;
        size_t j = i;
        while (j < c->i1 && r->t[j].learner == lid) j++;
        reset(r);
        while (rc == STORE_ROW && row_learner <= lid) {
            if (row_learner == lid && collect(r, s, lid) < 0) {
                store_reset(s);
                return -1;
            }
            rc = store_step(s, r->err);
            if (rc == STORE_ROW) row_learner = store_col_int64(s, 0);
        }
        if (rc < 0) break;
        compute(r, i, j);
        i = j;
    }
    store_reset(s);
    if (rc < 0) {
        err_prefix(r->err, "reading %s for the early-warning indicators", what);
        return -1;
    }
    return 0;
}

/* Attendance: forget the learner's days. */
static void att_reset(feat_run *r) {
    r->natt = 0;
    r->att_unsorted = 0;
}
/* Attendance: add one session row to its day; rows normally come in date
** order, otherwise att_targets sorts and merges. */
static int att_collect(feat_run *r, store_stmt *s, int64_t learner) {
    int32_t day;
    if (risk_col_date(s, 1, &r->dc, &day) < 0) return bad_date(r, "attendance", learner);
    int64_t status = store_col_int64(s, 2);
    if (status < 0 || status > 3)
        return err_set(r->err, CAIRN_EDB, "attendance of learner id %lld has status %lld, "
                       "not 0-3", (long long)learner, (long long)status);
    risk_att_day *d;
    if (r->natt && r->att[r->natt - 1].day == day && r->att[r->natt - 1].n < UINT8_MAX) {
        d = &r->att[r->natt - 1];
    } else {
        if (r->natt && day < r->att[r->natt - 1].day) r->att_unsorted = 1;
        GROW(r->att, r->natt, r->catt);
        d = &r->att[r->natt++];
        memset(d, 0, sizeof *d);
        d->day = day;
    }
    d->n++;
    d->att += status <= 1;
    d->late += status == 1;
    d->unx += status == 3;
    return 0;
}
/* Attendance: put the learner's days in order (when the rows were not),
** then the indicators of its targets [i, j). */
static void att_targets(feat_run *r, size_t i, size_t j) {
    if (r->att_unsorted) r->natt = risk_att_days_order(r->att, r->natt);
    for (; i < j; i++)
        risk_calc_attendance(r->att, r->natt, r->t[i].asof, r->t[i].tstart,
                             r->out[r->t[i].idx].v);
}

/* Results: forget the learner's results. */
static void res_reset(feat_run *r) {
    r->nres = 0;
}
/* Results: keep one result as its percentage and failed/missing/late flags. */
static int res_collect(feat_run *r, store_stmt *s, int64_t learner) {
    int32_t day;
    if (risk_col_date(s, 1, &r->dc, &day) < 0) return bad_date(r, "results", learner);
    GROW(r->res, r->nres, r->cres);
    risk_res_row *x = &r->res[r->nres++];
    x->day = day;
    x->missing = store_col_int64(s, 6) != 0;
    x->late = store_col_int64(s, 5) != 0;
    x->pct = NAN;
    if (!x->missing && !store_col_is_null(s, 2) && !store_col_is_null(s, 3)) {
        double max = store_col_double(s, 3);
        if (max > 0) x->pct = 100.0 * store_col_double(s, 2) / max;
    }
    int passed = store_col_is_null(s, 4) ? -1 : store_col_int64(s, 4) != 0;
    x->failed = !x->missing && (passed == 0 || (passed < 0 && !isnan(x->pct) && x->pct < 50));
    return 0;
}
/* Results: the indicators of targets [i, j) of the learner. */
static void res_targets(feat_run *r, size_t i, size_t j) {
    risk_res_rows_order(r->res, r->nres);
    for (; i < j; i++)
        risk_calc_results(r->res, r->nres, r->t[i].asof, r->t[i].tstart,
                          r->out[r->t[i].idx].v);
}

/* Behaviour: forget the learner's incidents. */
static void beh_reset(feat_run *r) {
    r->nbeh = 0;
}
/* Behaviour: keep one incident's day and severity. */
static int beh_collect(feat_run *r, store_stmt *s, int64_t learner) {
    int32_t day;
    if (risk_col_date(s, 1, &r->dc, &day) < 0) return bad_date(r, "behaviour", learner);
    GROW(r->beh, r->nbeh, r->cbeh);
    r->beh[r->nbeh].day = day;
    r->beh[r->nbeh].severity = (int)store_col_int64(s, 2);
    r->nbeh++;
    return 0;
}
/* Behaviour: the indicators of targets [i, j) of the learner. */
static void beh_targets(feat_run *r, size_t i, size_t j) {
    risk_beh_rows_order(r->beh, r->nbeh);
    for (; i < j; i++)
        risk_calc_behaviour(r->beh, r->nbeh, r->t[i].asof, r->out[r->t[i].idx].v);
}

/* Engagement: forget the learner's rows. */
static void eng_reset(feat_run *r) {
    r->nraw = 0;
}
/* Engagement: keep one row (day, metric, value); remember the metric. */
static int eng_collect(feat_run *r, store_stmt *s, int64_t learner) {
    int32_t day;
    if (risk_col_date(s, 1, &r->dc, &day) < 0) return bad_date(r, "engagement", learner);
    GROW(r->raw, r->nraw, r->craw);
    risk_eng_row *x = &r->raw[r->nraw++];
    x->day = day;
    x->kind = (int)store_col_int64(s, 2);
    if (x->kind < 0 || x->kind >= RISK_METRIC_KINDS) x->kind = RISK_METRIC_OTHER;
    r->metrics_seen |= 1u << x->kind;
    x->value = store_col_double(s, 3);
    return 0;
}
/* Engagement: sum the rows into days, then the indicators of targets
** [i, j) of the learner; targets with no activity in the window are queued
** in r->need for eng_history. */
static void eng_targets(feat_run *r, size_t i, size_t j) {
    r->neng = risk_eng_days_from_rows(r->raw, r->nraw, &r->eng, &r->ceng);
    for (; i < j; i++)
        if (risk_calc_engagement(r->eng, r->neng, r->t[i].asof, r->out[r->t[i].idx].v))
            r->need[r->nneed++] = i;
}

/* For the targets in r->need (sorted), read each learner's last active day
** before the chunk's engagement window and finish their platform
** indicators. */
static int eng_history(feat_run *r, const chunk *c) {
    store_stmt *s = r->q[RISK_Q_ENGAGEMENT_BEFORE];
    risk_bind_date(s, 1, c->eng_from);
    store_bind_int64(s, 2, r->inst);
    store_bind_int64(s, 3, r->t[r->need[0]].learner);
    store_bind_int64(s, 4, r->t[r->need[r->nneed - 1]].learner);
    size_t k = 0;
    int rc = STORE_DONE;
    while (k < r->nneed && (rc = store_step(s, r->err)) == STORE_ROW) {
        int64_t lid = store_col_int64(s, 0);
        int32_t last = INT32_MIN;
        if (!store_col_is_null(s, 1) && risk_col_date(s, 1, &r->dc, &last) < 0) {
            store_reset(s);
            return bad_date(r, "engagement", lid);
        }
        for (; k < r->nneed && r->t[r->need[k]].learner <= lid; k++) {
            const feat_tgt *t = &r->t[r->need[k]];
            risk_calc_engagement_history(t->asof, t->learner == lid ? last : INT32_MIN,
                                         r->out[t->idx].v);
        }
    }
    store_reset(s);
    if (k < r->nneed && rc < 0) {
        err_prefix(r->err, "reading learning-platform activity for the early-warning indicators");
        return -1;
    }
    /* learners not in the learner table: never active */
    for (; k < r->nneed; k++) {
        const feat_tgt *t = &r->t[r->need[k]];
        risk_calc_engagement_history(t->asof, INT32_MIN, r->out[t->idx].v);
    }
    return 0;
}

/* Read every event table for chunk c and fill its targets' indicators. */
static int chunk_run(feat_run *r, const chunk *c) {
    store_stmt *s = r->q[RISK_Q_ATTENDANCE];
    risk_bind_date(s, 1, c->att_from);
    risk_bind_date(s, 2, c->hi);
    store_bind_int64(s, 3, r->inst);
    store_bind_int64(s, 4, c->first);
    store_bind_int64(s, 5, c->last);
    if (pass_run(r, s, c, att_reset, att_collect, att_targets, "attendance") < 0) return -1;

    s = r->q[RISK_Q_RESULTS];
    store_bind_int64(s, 1, r->inst);
    store_bind_int64(s, 2, c->first);
    store_bind_int64(s, 3, c->last);
    risk_bind_date(s, 4, c->hi);
    if (pass_run(r, s, c, res_reset, res_collect, res_targets, "results") < 0) return -1;

    s = r->q[RISK_Q_BEHAVIOUR];
    store_bind_int64(s, 1, r->inst);
    store_bind_int64(s, 2, c->first);
    store_bind_int64(s, 3, c->last);
    risk_bind_date(s, 4, c->beh_from);
    risk_bind_date(s, 5, c->hi);
    if (pass_run(r, s, c, beh_reset, beh_collect, beh_targets, "behaviour") < 0) return -1;

    s = r->q[RISK_Q_ENGAGEMENT];
    risk_bind_date(s, 1, c->eng_from);
    risk_bind_date(s, 2, c->hi);
    store_bind_int64(s, 3, r->inst);
    store_bind_int64(s, 4, c->first);
    store_bind_int64(s, 5, c->last);
    r->nneed = 0;
    if (pass_run(r, s, c, eng_reset, eng_collect, eng_targets, "learning-platform activity") < 0)
        return -1;
    if (r->nneed && eng_history(r, c) < 0) return -1;
    return 0;
}

/* Order targets by learner, asof, then place in the caller's array. */
static int tgt_cmp(const void *a, const void *b) {
    const feat_tgt *x = a, *y = b;
    if (x->learner != y->learner) return x->learner < y->learner ? -1 : 1;
    if (x->asof != y->asof) return x->asof < y->asof ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Prepare the queries, read the terms, sort the targets and run the chunks. */
static int features_run(feat_run *r, const risk_target *targets) {
    for (int q = 0; q < RISK_Q_COUNT; q++) {
        r->q[q] = store_prepare(r->st, risk_features_sql[q], r->err);
        if (!r->q[q]) {
            err_prefix(r->err, "preparing the early-warning indicators");
            return -1;
        }
    }
    risk_term_span *terms;
    size_t nterms;
    if (terms_load(r, &terms, &nterms) < 0) return -1;
    for (size_t i = 0; i < r->n; i++) {
        feat_tgt *t = &r->t[i];
        t->learner = targets[i].learner_id;
        t->asof = targets[i].asof;
        t->tstart = risk_term_start_of(terms, nterms, t->asof);
        t->idx = i;
        risk_features *o = &r->out[i];
        o->t = targets[i];
        for (int f = 0; f < RF_COUNT; f++) o->v[f] = NAN;
        /* check-ins come with the voice room; until then the mood is not known */
        o->v[RF_MOOD_TREND] = NAN;
        o->v[RF_WEEKS_ENROLLED] = (double)(targets[i].asof - targets[i].start) / 7.0;
    }
    qsort(r->t, r->n, sizeof *r->t, tgt_cmp);
    r->need = xmalloc(r->n * sizeof *r->need);
    for (size_t i0 = 0; i0 < r->n;) {
        /* up to RISK_CHUNK_LEARNERS learners, each with all its targets */
        chunk c = {i0, i0, r->t[i0].learner, 0, r->t[i0].asof, 0, 0, 0};
        size_t learners = 0;
        int32_t lo_asof = r->t[i0].asof, att_from = INT32_MAX;
        while (c.i1 < r->n) {
            const feat_tgt *t = &r->t[c.i1];
            if (c.i1 == i0 || t->learner != r->t[c.i1 - 1].learner) {
                if (learners >= risk_chunk_learners && learners > 0) break;
                learners++;
            }
            if (t->asof > c.hi) c.hi = t->asof;
            if (t->asof < lo_asof) lo_asof = t->asof;
            int32_t from = t->asof - RISK_ATT_BACK;
            if (t->tstart < from) from = t->tstart;
            if (from < att_from) att_from = from;
            c.last = t->learner;
            c.i1++;
        }
        c.att_from = att_from;
        c.beh_from = lo_asof - RISK_BEH_BACK;
        c.eng_from = lo_asof - RISK_ENG_BACK;
        if (chunk_run(r, &c) < 0) {
            free(terms);
            return -1;
        }
        i0 = c.i1;
    }
    for (size_t i = 0; i < r->n; i++) {
        /* a metric the school sent none of is not known (not "0 minutes") */
        for (int k = 1; k < RISK_METRIC_KINDS; k++)
            if (!(r->metrics_seen & (1u << k))) r->out[i].v[risk_metric_feature(k)] = NAN;
        risk_calendar_fill(terms, nterms, &r->out[i]);
    }
    free(terms);
    return 0;
}

/* Indicators of every target; see features.h.  *out is malloc'd (NULL when
** n is 0); the caller frees it. */
int risk_features_compute(store *st, int64_t institution_id, const risk_target *targets,
                          size_t n, risk_features **out, cairn_err *err) {
    *out = NULL;
    if (n == 0) return 0;
    feat_run r;
    memset(&r, 0, sizeof r);
    r.st = st;
    r.inst = institution_id;
    r.err = err;
    r.n = n;
    r.t = xmalloc(n * sizeof *r.t);
    r.out = xmalloc(n * sizeof *r.out);
    int own_tx = !store_in_tx(st);
    int rc = own_tx ? store_tx_begin(st, err) : 0;
    if (rc == 0) rc = features_run(&r, targets);
    for (int q = 0; q < RISK_Q_COUNT; q++) store_finalize(r.q[q]);
    if (own_tx && rc == 0) rc = store_tx_commit(st, err);
    else if (own_tx) store_tx_rollback(st);
    free(r.t);
    free(r.att);
    free(r.res);
    free(r.beh);
    free(r.eng);
    free(r.raw);
    free(r.need);
    if (rc < 0) {
        free(r.out);
        return -1;
    }
    *out = r.out;
    return 0;
}
