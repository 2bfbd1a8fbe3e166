/*
** risk/train_set.c — the training set: one row per (enrolment, finished
** school year, term, horizon), with the indicators as of that day and the
** outcome of the year (risk/train.h says why).
*/
#include "risk/train.h"
#include "base/date.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grow a malloc'd array to hold one more element. */
#define GROW(arr, len, cap)                                   \
    do {                                                      \
        if ((len) == (cap)) {                                 \
            (cap) = (cap) ? (cap) * 2 : 64;                   \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));   \
        }                                                     \
    } while (0)

/* ---- the training set ----------------------------------------------------------------- */

/* A date column into *day; -1 when NULL or not a date. */
static int col_day(store_stmt *s, int col, int32_t *day) {
    const char *t = store_col_text(s, col);
    if (!t || date_parse(t, strlen(t), day) < 0) return -1;
    return 0;
}

/* Order of school years by first day. */
static int year_cmp(const void *pa, const void *pb) {
    const risk_school_year *a = pa, *b = pb;
    return (a->start > b->start) - (a->start < b->start);
}

/* The school years of the institution from its terms (each with its
** terms' first days), oldest first. */
static int years_load(store *st, int64_t inst, risk_school_year **out, size_t *n,
                      cairn_err *err) {
    *out = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT school_year, start_date, end_date FROM term"
        " WHERE institution_id = ? ORDER BY school_year, start_date", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        const char *name = store_col_text(s, 0) ? store_col_text(s, 0) : "";
        int32_t start, end;
        if (col_day(s, 1, &start) < 0 || col_day(s, 2, &end) < 0) {
            rc = err_set(err, CAIRN_EDB, "school year \"%s\" has a term date that is not "
                         "YYYY-MM-DD; re-import the terms", name);
            break;
        }
        risk_school_year *y = *n ? &(*out)[*n - 1] : NULL;
        if (!y || strcmp(y->name, name) != 0) {
            GROW(*out, *n, cap);
            y = &(*out)[(*n)++];
            memset(y, 0, sizeof *y);
            snprintf(y->name, sizeof y->name, "%s", name);
            y->start = start;
            y->end = end;
        }
        if (end > y->end) y->end = end;
        if (y->nterms < RISK_YEAR_TERMS_MAX) y->term_start[y->nterms++] = start;
    }
    store_finalize(s);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    if (*n) qsort(*out, *n, sizeof **out, year_cmp);
    return 0;
}

/* One enrolment as the training set needs it. */
typedef struct train_enrolment {
    int64_t id, learner_id, group_id;
    int32_t start, exit;      /* exit INT32_MAX when none */
    char status;              /* 'a'ctive, 'p'aused, 'c'ompleted, 'l'eft early, 't'ransferred */
} train_enrolment;

/* Every enrolment of the institution. */
static int enrolments_load(store *st, int64_t inst, train_enrolment **out, size_t *n,
                           cairn_err *err) {
    *out = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT id, learner_id, group_id, start_date, status, exit_date FROM enrolment"
        " WHERE institution_id = ? ORDER BY learner_id, id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        train_enrolment e;
        e.id = store_col_int64(s, 0);
        e.learner_id = store_col_int64(s, 1);
        e.group_id = store_col_is_null(s, 2) ? 0 : store_col_int64(s, 2);
        const char *status = store_col_text(s, 4);
        e.status = status && *status ? status[0] : '?';
        e.exit = INT32_MAX;
        if (col_day(s, 3, &e.start) < 0 ||
            (!store_col_is_null(s, 5) && col_day(s, 5, &e.exit) < 0)) {
            rc = err_set(err, CAIRN_EDB, "enrolment id %lld has a date that is not YYYY-MM-DD; "
                         "re-import the enrolments", (long long)e.id);
            break;
        }
        GROW(*out, *n, cap);
        (*out)[(*n)++] = e;
    }
    store_finalize(s);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Order of int64 values. */
static int i64_cmp(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* Distinct values among v[0..n) (v is sorted in place). */
static size_t count_distinct(int64_t *v, size_t n) {
    if (!n) return 0;
    qsort(v, n, sizeof *v, i64_cmp);
    size_t k = 1;
    for (size_t i = 1; i < n; i++) k += v[i] != v[i - 1];
    return k;
}

/* Build the training set; see train.h. */
int risk_trainset_build(store *st, int64_t inst, const int *h, size_t nh, risk_trainset *out,
                        cairn_err *err) {
    static const int dflt[] = RISK_HORIZONS_DEFAULT;
    memset(out, 0, sizeof *out);
    if (!h) {
        h = dflt;
        nh = sizeof dflt / sizeof *dflt;
    }
    if (nh == 0 || nh > RISK_HORIZONS_MAX)
        return err_set(err, CAIRN_EINVAL, "give 1 to %d horizons", RISK_HORIZONS_MAX);
    for (size_t i = 0; i < nh; i++)
        if (h[i] < 1 || h[i] > RISK_HORIZON_WEEKS_MAX)
            return err_set(err, CAIRN_EINVAL, "horizon %d weeks: use 1 to %d weeks", h[i],
                           RISK_HORIZON_WEEKS_MAX);

    risk_school_year *years = NULL;
    size_t nyears = 0;
    if (years_load(st, inst, &years, &nyears, err) < 0) return -1;
    if (nyears == 0)
        return err_set(err, CAIRN_EINVAL, "the school has no terms: training needs the school "
                       "calendar (import terms first)");
    /* the recorded period */
    int32_t data_first = 0, data_last = 0;
    {
        /* whatever the school records: attendance, results, behaviour,
        ** platform activity (a school without attendance still learns) */
        store_stmt *s = store_prepare(st, "SELECT min(lo), max(hi) FROM ("
            "SELECT min(date) AS lo, max(date) AS hi FROM attendance WHERE institution_id = ?"
            " UNION ALL SELECT min(date), max(date) FROM result WHERE institution_id = ?"
            " UNION ALL SELECT min(date), max(date) FROM behaviour WHERE institution_id = ?"
            " UNION ALL SELECT min(date), max(date) FROM engagement WHERE institution_id = ?"
            ") AS recorded", err);
        if (!s) {
            free(years);
            return -1;
        }
        for (int k = 1; k <= 4; k++) store_bind_int64(s, k, inst);
        int rc = store_step(s, err);
        int ok = rc == STORE_ROW && col_day(s, 0, &data_first) == 0 && col_day(s, 1, &data_last) == 0;
        store_finalize(s);
        if (rc < 0) {
            free(years);
            return -1;
        }
        if (!ok) {
            free(years);
            return err_set(err, CAIRN_EINVAL, "the school has nothing recorded yet (no "
                           "attendance, results, behaviour or platform activity): there is no "
                           "history to learn from");
        }
    }
    /* keep the finished years with recorded events */
    size_t ny = 0;
    int32_t today = date_today();
    for (size_t y = 0; y < nyears; y++) {
        if (years[y].start < data_first - 14) continue;   /* began before the records */
        if (years[y].end > data_last + 14 || years[y].end > today) continue;   /* not finished */
        years[ny++] = years[y];
    }
    if (ny == 0) {
        free(years);
        return err_set(err, CAIRN_EINVAL, "no finished school year with recorded data: "
                       "a model learns from years whose outcome is known (the records — "
                       "attendance, results, behaviour, platform activity — run from the first "
                       "to the last recorded day; a year counts once its last term has ended)");
    }

    train_enrolment *en = NULL;
    size_t nen = 0;
    if (enrolments_load(st, inst, &en, &nen, err) < 0) {
        free(years);
        return -1;
    }
    risk_target *tg = NULL;
    size_t nt = 0, cap = 0;
    int *label = NULL, *year = NULL, *hor = NULL, *term = NULL;
    int32_t *exitd = NULL;
    for (size_t i = 0; i < nen; i++) {
        const train_enrolment *e = &en[i];
        if (e->status == 'p' || e->status == '?') continue;
        for (size_t y = 0; y < ny; y++) {
            const risk_school_year *sy = &years[y];
            if (e->start > sy->end || e->exit < sy->start) continue;
            int lab;
            int in_year = e->exit >= sy->start && e->exit <= sy->end;
            if (e->status == 'l' && in_year) lab = 1;
            else if (e->status == 't' && in_year) continue;
            else if (e->status == 'c' || e->exit > sy->end) lab = 0;
            else if (e->exit == INT32_MAX) lab = 0;
            else continue;   /* left or transferred before the year ended: not this year */
            if ((e->status == 'l' || e->status == 'c') && e->exit == INT32_MAX) continue;
            for (int tm = 0; tm < sy->nterms; tm++) {
                int32_t tend = tm + 1 < sy->nterms ? sy->term_start[tm + 1] - 1 : sy->end;
                if (e->start > tend) continue;   /* began in a later term */
                int32_t anchor = e->start > sy->term_start[tm] ? e->start : sy->term_start[tm];
                for (size_t k = 0; k < nh; k++) {
                    int32_t asof = anchor + 7 * h[k];
                    if (asof > sy->end || asof > data_last) continue;
                    if (e->exit != INT32_MAX && asof >= e->exit) continue;   /* gone by then */
                    if (nt == cap) {
                        cap = cap ? cap * 2 : 1024;
                        tg = xrealloc(tg, cap * sizeof *tg);
                        label = xrealloc(label, cap * sizeof *label);
                        year = xrealloc(year, cap * sizeof *year);
                        hor = xrealloc(hor, cap * sizeof *hor);
                        term = xrealloc(term, cap * sizeof *term);
                        exitd = xrealloc(exitd, cap * sizeof *exitd);
                    }
                    tg[nt] = (risk_target){e->learner_id, e->id, e->group_id, asof, e->start};
                    label[nt] = lab;
                    year[nt] = (int)y;
                    hor[nt] = h[k];
                    term[nt] = tm;
                    exitd[nt] = lab ? e->exit : INT32_MIN;
                    nt++;
                }
            }
        }
    }
    free(en);
    size_t pos = 0;
    for (size_t i = 0; i < nt; i++) pos += label[i] != 0;
    if (nt == 0 || pos == 0 || pos == nt) {
        free(tg);
        free(label);
        free(year);
        free(hor);
        free(term);
        free(exitd);
        free(years);
        if (nt == 0)
            return err_set(err, CAIRN_EINVAL, "no enrolment was open at the horizons in a "
                           "finished school year: nothing to learn from");
        return err_set(err, CAIRN_EINVAL, "all %zu rows of the finished school years have the "
                       "same outcome (%s): a model needs learners who left early and learners "
                       "who stayed", nt, pos ? "left early" : "stayed");
    }
    risk_features *rows = NULL;
    if (risk_features_compute(st, inst, tg, nt, &rows, err) < 0) {
        err_prefix(err, "computing the indicators of the training rows");
        free(tg);
        free(label);
        free(year);
        free(hor);
        free(term);
        free(exitd);
        free(years);
        return -1;
    }
    out->n = nt;
    out->rows = rows;
    out->label = label;
    out->year = year;
    out->horizon = hor;
    out->term = term;
    out->exit_day = exitd;
    out->nyears = ny;
    out->years = years;
    out->positives = pos;
    out->first_start = out->first_asof = INT32_MAX;
    out->last_start = out->last_asof = INT32_MIN;
    int64_t *ids = xmalloc(nt * sizeof *ids);
    for (size_t i = 0; i < nt; i++) {
        const risk_target *t = &tg[i];
        if (t->start < out->first_start) out->first_start = t->start;
        if (t->start > out->last_start) out->last_start = t->start;
        if (t->asof < out->first_asof) out->first_asof = t->asof;
        if (t->asof > out->last_asof) out->last_asof = t->asof;
        ids[i] = t->enrolment_id;
    }
    out->enrolments = count_distinct(ids, nt);
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        if (label[i]) ids[k++] = tg[i].enrolment_id;
    out->leavers = count_distinct(ids, k);
    for (size_t i = 0; i < nt; i++) ids[i] = tg[i].learner_id;
    out->learners = count_distinct(ids, nt);
    free(ids);
    free(tg);
    return 0;
}

/* Release the training set. */
void risk_trainset_free(risk_trainset *s) {
    free(s->rows);
    free(s->label);
    free(s->year);
    free(s->horizon);
    free(s->term);
    free(s->exit_day);
    free(s->years);
    memset(s, 0, sizeof *s);
}
