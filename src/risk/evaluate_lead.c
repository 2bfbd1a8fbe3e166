/*
** risk/evaluate_lead.c — the warning time of the evaluation (risk/evaluate.h):
** every leaver among the judged rows replayed weekly, the first week each
** list would have put them at selective or above.  Split from evaluate.c.
*/
#include "risk/evaluate.h"
#include "risk/evaluate_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One leaver to replay. */
typedef struct leaver {
    risk_target t;          /* learner, enrolment, group, start */
    int32_t anchor, exit;
    int fit;                /* which fitted model judges them */
    int year;               /* the school year (index into the training set's) */
    int32_t first_model, first_rules;   /* first flag day, INT32_MIN none */
} leaver;

/* Order by enrolment. */
static int leaver_cmp(const void *pa, const void *pb) {
    const leaver *a = pa, *b = pb;
    return (a->t.enrolment_id > b->t.enrolment_id) - (a->t.enrolment_id < b->t.enrolment_id);
}

/* The occasion of school year `year` whose day is nearest to day (the
** nearest of any year when that year has none); cuts->nocc > 0. */
static size_t nearest_occasion(const risk_eval_cuts *cuts, int year, int32_t day) {
    size_t best = 0;
    int64_t bestd = INT64_MAX;
    for (int pass = 0; pass < 2 && bestd == INT64_MAX; pass++)
        for (size_t o = 0; o < cuts->nocc; o++) {
            if (pass == 0 && cuts->occ[o].year != year) continue;
            int64_t d = llabs((int64_t)cuts->occ[o].day - day);
            if (d < bestd) bestd = d, best = o;
        }
    return best;
}

/* Rules lead time from stored rules-only scores when there are enough
** dates; *used = 1 when it was. */
static int lead_from_history(store *st, int64_t inst, leaver *lv, size_t nl, int32_t from,
                             int32_t to, int *used, cairn_err *err) {
    *used = 0;
    char a[DATE_TEXT_LEN], b[DATE_TEXT_LEN];
    date_format(from, a);
    date_format(to, b);
    store_stmt *s = store_prepare(st, "SELECT count(DISTINCT asof) FROM risk_score"
                                      " WHERE institution_id = ? AND model_version = 0"
                                      " AND asof >= ? AND asof <= ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, a, (size_t)-1);
    store_bind_text(s, 3, b, (size_t)-1);
    int rc = store_step(s, err);
    int64_t dates = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
    store_finalize(s);
    if (rc < 0) return -1;
    if (dates < 4) return 0;
    s = store_prepare(st, "SELECT min(asof) FROM risk_score WHERE institution_id = ?"
                          " AND learner_id = ? AND model_version = 0 AND tier >= 1"
                          " AND asof >= ? AND asof < ?", err);
    if (!s) return -1;
    for (size_t i = 0; i < nl && rc >= 0; i++) {
        date_format(lv[i].anchor, a);
        date_format(lv[i].exit, b);
        store_bind_int64(s, 1, inst);
        store_bind_int64(s, 2, lv[i].t.learner_id);
        store_bind_text(s, 3, a, (size_t)-1);
        store_bind_text(s, 4, b, (size_t)-1);
        rc = store_step(s, err);
        lv[i].first_rules = INT32_MIN;
        const char *d = rc == STORE_ROW ? store_col_text(s, 0) : NULL;
        int32_t day;
        if (d && date_parse(d, strlen(d), &day) == 0) lv[i].first_rules = day;
        store_reset(s);
    }
    store_finalize(s);
    if (rc < 0) return -1;
    *used = 1;
    return 0;
}

/* Replay the leavers weekly and fill the reports' lead times. */
int risk_eval_lead_times(store *st, int64_t inst, const risk_trainset *ts, const int *judged,
                         const int *which_fit, risk_fitted *fits, const risk_cols *cols,
                         const risk_audit *a, const risk_rules *rules,
                         const risk_eval_cuts *cuts, risk_eval *out, cairn_err *err) {
    /* the distinct leavers among the judged rows */
    leaver *lv = xcalloc(ts->n ? ts->n : 1, sizeof *lv);
    size_t nl = 0;
    for (size_t i = 0; i < ts->n; i++) {
        if (!judged[i] || !ts->label[i]) continue;
        const risk_school_year *y = &ts->years[ts->year[i]];
        leaver *l = &lv[nl++];
        l->t = ts->rows[i].t;
        l->anchor = l->t.start > y->start ? l->t.start : y->start;
        l->exit = ts->exit_day[i];
        l->fit = which_fit[i];
        l->year = ts->year[i];
        l->first_model = l->first_rules = INT32_MIN;
    }
    qsort(lv, nl, sizeof *lv, leaver_cmp);
    size_t u = 0;
    for (size_t i = 0; i < nl; i++)
        if (u == 0 || lv[i].t.enrolment_id != lv[u - 1].t.enrolment_id) lv[u++] = lv[i];
    nl = u;
    /* weekly targets */
    size_t cap = 0, nt = 0;
    risk_target *tg = NULL;
    size_t *owner = NULL;
    int32_t from = INT32_MAX, to = INT32_MIN;
    for (size_t i = 0; i < nl; i++) {
        if (lv[i].anchor < from) from = lv[i].anchor;
        if (lv[i].exit > to) to = lv[i].exit;
        for (int w = 1; w <= RISK_EVAL_LEAD_WEEKS; w++) {
            int32_t asof = lv[i].anchor + 7 * w;
            if (asof >= lv[i].exit) break;
            if (nt == cap) {
                cap = cap ? cap * 2 : 1024;
                tg = xrealloc(tg, cap * sizeof *tg);
                owner = xrealloc(owner, cap * sizeof *owner);
            }
            tg[nt] = lv[i].t;
            tg[nt].asof = asof;
            owner[nt++] = i;
        }
    }
    risk_features *rows = NULL;
    int rc = nt ? risk_features_compute(st, inst, tg, nt, &rows, err) : 0;
    size_t k = cols->n;
    if (rc == 0 && nt) {
        float *X = xmalloc(nt * k * sizeof *X);
        double *p = xmalloc(nt * sizeof *p), *rs = xmalloc(nt * sizeof *rs);
        risk_tier *rt = xmalloc(nt * sizeof *rt);
        risk_cols_matrix(cols, rows, nt, a, X);
        /* each row with its leaver's model */
        int nfits = 1;
        for (size_t i = 0; i < nl; i++)
            if (lv[i].fit + 1 > nfits) nfits = lv[i].fit + 1;
        int *mask = xmalloc(nt * sizeof *mask);
        float *Xs = xmalloc(nt * k * sizeof *Xs);
        size_t *idx = xmalloc(nt * sizeof *idx);
        double *ps_ = xmalloc(nt * sizeof *ps_);
        for (int f = 0; f < nfits && rc == 0; f++) {
            for (size_t j = 0; j < nt; j++) mask[j] = lv[owner[j]].fit == f;
            size_t m = risk_eval_rows_pick(X, nt, k, mask, Xs, idx);
            if (!m) continue;
            rc = risk_fitted_predict(&fits[f], Xs, m, k, ps_, NULL, err);
            for (size_t j = 0; rc == 0 && j < m; j++) p[idx[j]] = ps_[j];
        }
        free(ps_);
        free(idx);
        free(Xs);
        free(mask);
        int by_share = cuts->by_share;
        if (rc == 0) rc = risk_eval_rules_scores(rules, rows, nt, NULL, by_share, rs, rt, err);
        for (size_t j = 0; rc == 0 && j < nt; j++) {   /* targets are in week order per leaver */
            leaver *l = &lv[owner[j]];
            int serious = by_share && risk_eval_rank_serious(rs[j]);
            size_t o = by_share ? nearest_occasion(cuts, l->year, tg[j].asof) : 0;
            double pcut = by_share ? cuts->p_sel[o] : cuts->ps;
            if ((p[j] >= pcut || serious) && l->first_model == INT32_MIN)
                l->first_model = tg[j].asof;
            int rules_flag = by_share ? rs[j] >= cuts->r_sel[o] || serious
                                      : rt[j] >= RISK_TIER_SELECTIVE;
            if (rules_flag && l->first_rules == INT32_MIN) l->first_rules = tg[j].asof;
        }
        free(rt);
        free(rs);
        free(p);
        free(X);
    }
    free(rows);
    free(tg);
    free(owner);
    int used = 0;
    if (rc == 0 && nl) rc = lead_from_history(st, inst, lv, nl, from, to, &used, err);
    if (rc == 0) {
        int32_t *exitd = xmalloc((nl ? nl : 1) * sizeof *exitd);
        int32_t *fm = xmalloc((nl ? nl : 1) * sizeof *fm), *fr = xmalloc((nl ? nl : 1) * sizeof *fr);
        for (size_t i = 0; i < nl; i++) {
            exitd[i] = lv[i].exit;
            fm[i] = lv[i].first_model;
            fr[i] = lv[i].first_rules;
        }
        metric_lead_time_of(exitd, fm, nl, &out->model.lead);
        metric_lead_time_of(exitd, fr, nl, &out->rules.lead);
        out->model.has_lead_time = out->rules.has_lead_time = 1;
        snprintf(out->lead_source, sizeof out->lead_source,
                 "%s; first flag = selective tier or above, weekly, at most %d weeks back"
                 "; a week is judged by the nearest occasion's cut-offs",
                 used ? "rules: from stored scores, model: weekly replay of the indicators"
                      : "weekly replay of the indicators",
                 RISK_EVAL_LEAD_WEEKS);
        free(fr);
        free(fm);
        free(exitd);
    }
    free(lv);
    return rc;
}

