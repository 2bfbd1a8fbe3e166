/*
** risk/evaluate.c — the rules and the learned model judged on the school's
** own history, side by side.  See risk/evaluate.h.
**
** Rows.  The evaluation uses the training set of risk/train.h: each learner
** of a finished school year at each horizon.  Time-aware (the default): the
** model is fitted (and calibrated, inside the fitting rows) on the earlier
** years and judged on the latest; the rules, which learn nothing, are judged
** on the same rows.  k-fold: folds grouped by learner over every year.
**
** Lead time.  For every leaver among the judged rows, the indicators are
** replayed weekly from the start of their year (or enrolment) to the day
** before they left, at most RISK_EVAL_LEAD_WEEKS weeks, and the first week
** each list would have put them at "selective" or above is their first
** flag.  For the rules, when risk_score already holds rules-only scores on
** at least 4 dates of that period, the first stored flag is used instead —
** what the school was actually told.
**
** Fairness.  The tables count learners, not rows: per learner and school
** year, flagged when flagged at any judged date, the predicted chance the
** estimate at the first judged date, the outcome the year's.  A group is
** shown only with at least METRIC_MIN_CELL learners.
*/
#include "risk/evaluate.h"
#include "risk/evaluate_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_FOLDS_MAX 20

/* The model's tier thresholds with defaults filled in. */
static void eval_thresholds(const risk_eval_opts *eo, double *ps, double *pi) {
    *ps = eo->tiers.p_selective > 0 ? eo->tiers.p_selective : 0.3;
    *pi = eo->tiers.p_individual > 0 ? eo->tiers.p_individual : 0.6;
}

/* Rules score and rules-only tier of rows[0..n) into score (and tier, may
** be NULL). */
int risk_eval_rules_scores(const risk_rules *rules, const risk_features *rows, size_t n,
                           const risk_peers *peers, int by_share, double *score, risk_tier *tier,
                           cairn_err *err) {
    risk_tier_input *in = xcalloc(n ? n : 1, sizeof *in);
    risk_tier *t = xcalloc(n ? n : 1, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        risk_flag fl[RISK_RULE_COUNT];
        size_t nf = 0;
        risk_rules_eval_peers(rules, &rows[i],
                              peers ? risk_peers_of(peers, rows[i].t.group_id) : NULL, fl, &nf);
        in[i].learner_id = rows[i].t.learner_id;
        in[i].probability = NAN;
        in[i].nflags = (int)nf;
        for (size_t k = 0; k < nf; k++) in[i].nserious += fl[k].serious != 0;
    }
    int rc = risk_tiers_assign(in, n, NULL, t, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        score[i] = RULES_TIER_STEP * (double)t[i] + (double)in[i].nflags;
        if (by_share)   /* ids are positive; below 2^53 the fraction stays in (0, 0.5] */
            score[i] = 2.0 * in[i].nflags + (in[i].nserious > 0) +
                       0.5 / (1.0 + (double)in[i].learner_id * 1e-9);
        if (tier) tier[i] = t[i];
    }
    free(t);
    free(in);
    return rc;
}

/* Copy the rows of X (k columns) whose mask[i] is set into Xo; returns how
** many; idx (may be NULL) gets their indices. */
size_t risk_eval_rows_pick(const float *X, size_t n, size_t k, const int *mask, float *Xo,
                           size_t *idx) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!mask[i]) continue;
        memcpy(Xo + m * k, X + i * k, k * sizeof *Xo);
        if (idx) idx[m] = i;
        m++;
    }
    return m;
}

/* The fairness tables of one report over the judged rows. */
static void fairness_fill(risk_eval *out, metric_report *r, metric_fairness *fair,
                          metric_group (*groups)[RISK_AUDIT_MAXCAT], const double *score,
                          const double *prob, const int *label, const int64_t *learner, size_t m,
                          const risk_audit *a, double threshold) {
    int *g = xmalloc((m ? m : 1) * sizeof *g);
    for (int at = 0; at < RISK_ATTR_COUNT; at++) {
        for (size_t i = 0; i < m; i++) g[i] = risk_audit_code(a, learner[i], (risk_attr)at);
        metric_fairness *f = &fair[at];
        memset(f, 0, sizeof *f);
        f->attribute = risk_attr_name((risk_attr)at);
        f->threshold = threshold;
        metric_group_overall(score, prob, label, m, threshold, &f->overall);
        f->ngroups = a->ncat[at];
        metric_by_group(score, prob, label, g, m, f->ngroups, threshold, groups[at]);
        for (int c = 0; c < f->ngroups; c++) {
            snprintf(out->group_text[at][c], sizeof out->group_text[at][c], "%s", a->cat[at][c]);
            out->group_names[at][c] = out->group_text[at][c];
        }
        f->group_names = out->group_names[at];
        f->groups = groups[at];
    }
    r->nfairness = RISK_ATTR_COUNT;
    r->fairness = fair;
    free(g);
}

/* A judged row's learner and school year, for grouping. */
typedef struct unit_ix {
    int64_t learner;
    int year;
    size_t i;
} unit_ix;

/* Order by learner, then year, then row. */
static int unit_cmp(const void *pa, const void *pb) {
    const unit_ix *a = pa, *b = pb;
    if (a->learner != b->learner) return (a->learner > b->learner) - (a->learner < b->learner);
    if (a->year != b->year) return a->year - b->year;
    return (a->i > b->i) - (a->i < b->i);
}

/* The fairness tables of both reports, per learner and school year: a
** learner-year is flagged when any of its judged rows is (its margin over
** the row's cut-off, pmargin or rmargin, is 0 or more), its predicted
** chance is the estimate at its first judged date (the chance of leaving
** before the year ends, as the year began), its outcome the year's.  Groups
** are suppressed below METRIC_MIN_CELL learners (learner-years x the most
** years one learner has). */
static void fairness_units(risk_eval *out, const double *prob, const double *pmargin,
                           const double *rmargin, const int *label, const risk_features *rows,
                           const int *yr, size_t m, const risk_audit *a) {
    size_t cap = m ? m : 1;
    unit_ix *ux = xmalloc(cap * sizeof *ux);
    double *maxp = xmalloc(cap * sizeof *maxp), *meanp = xmalloc(cap * sizeof *meanp);
    double *maxr = xmalloc(cap * sizeof *maxr);
    int *ulab = xmalloc(cap * sizeof *ulab);
    int64_t *ulearner = xmalloc(cap * sizeof *ulearner);
    for (size_t i = 0; i < m; i++) ux[i] = (unit_ix){rows[i].t.learner_id, yr[i], i};
    qsort(ux, m, sizeof *ux, unit_cmp);
    size_t nu = 0, per = 1, run = 0;
    for (size_t s = 0; s < m;) {
        size_t e = s;
        double mp = -INFINITY, first = NAN, mr = -INFINITY;
        int32_t first_day = INT32_MAX;
        int lab = 0;
        while (e < m && ux[e].learner == ux[s].learner && ux[e].year == ux[s].year) {
            size_t i = ux[e++].i;
            if (pmargin[i] > mp) mp = pmargin[i];
            if (rmargin[i] > mr) mr = rmargin[i];
            if (rows[i].t.asof < first_day) first_day = rows[i].t.asof, first = prob[i];
            lab |= label[i] != 0;
        }
        run = nu && ulearner[nu - 1] == ux[s].learner ? run + 1 : 1;
        if (run > per) per = run;
        maxp[nu] = mp;
        meanp[nu] = first;
        maxr[nu] = mr;
        ulab[nu] = lab;
        ulearner[nu++] = ux[s].learner;
        s = e;
    }
    out->model.min_cell = out->rules.min_cell = METRIC_MIN_CELL * per;
    /* the learners who stayed and were on each list at some judged date:
    ** what a warning figure is shown beside */
    out->model.lead.stayers = out->rules.lead.stayers = 0;
    out->model.lead.stayers_flagged = out->rules.lead.stayers_flagged = 0;
    for (size_t u = 0; u < nu; u++) {
        if (ulab[u]) continue;
        out->model.lead.stayers++;
        out->rules.lead.stayers++;
        out->model.lead.stayers_flagged += maxp[u] >= 0;
        out->rules.lead.stayers_flagged += maxr[u] >= 0;
    }
    fairness_fill(out, &out->model, out->model_fair, out->model_groups, maxp, meanp, ulab,
                  ulearner, nu, a, 0);
    fairness_fill(out, &out->rules, out->rules_fair, out->rules_groups, maxr, NULL, ulab,
                  ulearner, nu, a, 0);
    free(ulearner);
    free(ulab);
    free(maxr);
    free(meanp);
    free(maxp);
    free(ux);
}

/* Evaluate rules and model on the school's history; see evaluate.h. */
int risk_eval_school(store *st, int64_t inst, const risk_trainset *ts, const risk_cols *cols,
                     const risk_audit *a, const risk_train_opts *o, const risk_eval_opts *eo_in,
                     risk_eval *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    risk_eval_opts eo = {0};
    if (eo_in) eo = *eo_in;
    if (!eo.seed) eo.seed = 1;
    if (eo.gap_tolerance == 0) eo.gap_tolerance = RISK_EVAL_GAP_DEFAULT;
    if (!(eo.gap_tolerance > 0 && eo.gap_tolerance < 1))
        return err_set(err, CAIRN_EINVAL, "gap tolerance %g: use a share above 0 and below 1",
                       eo.gap_tolerance);
    if (eo.folds != 0 && (eo.folds < 2 || eo.folds > EVAL_FOLDS_MAX))
        return err_set(err, CAIRN_EINVAL, "%d folds: use 2 to %d", eo.folds, EVAL_FOLDS_MAX);
    int explicit_p = eo.tiers.p_selective > 0 || eo.tiers.p_individual > 0;
    double ps, pi;
    eval_thresholds(&eo, &ps, &pi);
    if (!(ps > 0 && ps <= 1 && pi >= ps && pi <= 1))
        return err_set(err, CAIRN_EINVAL, "tier thresholds %g / %g: use 0 < selective <= "
                       "individual <= 1", ps, pi);
    size_t n = ts->n, k = cols->n;
    int *judged = xcalloc(n ? n : 1, sizeof *judged);
    int *which = xcalloc(n ? n : 1, sizeof *which);
    int nfits = 1;
    size_t ntrain = 0, ntest = 0;
    if (eo.folds == 0) {
        if (ts->nyears < 2) {
            free(judged);
            free(which);
            return err_set(err, CAIRN_EINVAL, "only one finished school year (%s): a time-aware "
                           "evaluation needs an earlier year to learn from and a later one to "
                           "judge; use --folds K for k-fold cross-validation",
                           ts->nyears ? ts->years[0].name : "none");
        }
        int last = (int)ts->nyears - 1;
        size_t ptr = 0, pte = 0;
        for (size_t i = 0; i < n; i++) {
            judged[i] = ts->year[i] == last;
            if (judged[i]) ntest++, pte += ts->label[i] != 0;
            else ntrain++, ptr += ts->label[i] != 0;
        }
        if (!ptr || ptr == ntrain || !pte || pte == ntest) {
            free(judged);
            free(which);
            return err_set(err, CAIRN_EINVAL, "the earlier years (%zu rows, %zu left early) or "
                           "the latest year %s (%zu rows, %zu left early) lack leavers or "
                           "stayers; use --folds K", ntrain, ptr, ts->years[last].name, ntest,
                           pte);
        }
        snprintf(out->judged, sizeof out->judged, "%s", ts->years[last].name);
        snprintf(out->method, sizeof out->method,
                 "time-aware: trained on %s%s%s, judged on %s (the latest finished school year)",
                 ts->years[0].name, last > 1 ? " to " : "", last > 1 ? ts->years[last - 1].name : "",
                 ts->years[last].name);
    } else {
        int64_t *grp = xmalloc((n ? n : 1) * sizeof *grp);
        for (size_t i = 0; i < n; i++) grp[i] = ts->rows[i].t.learner_id;
        risk_group_folds(grp, ts->label, n, eo.folds, eo.seed, which);
        free(grp);
        for (size_t i = 0; i < n; i++) judged[i] = 1;
        nfits = eo.folds;
        ntest = n;
        ntrain = n - n / (size_t)eo.folds;
        snprintf(out->judged, sizeof out->judged, "%s to %s", ts->years[0].name,
                 ts->years[ts->nyears - 1].name);
        snprintf(out->method, sizeof out->method,
                 "stratified %d-fold cross-validation grouped by learner, over %s to %s",
                 eo.folds, ts->years[0].name, ts->years[ts->nyears - 1].name);
    }
    out->train_rows = ntrain;
    out->test_rows = ntest;
    out->metrics_known = risk_metrics_known(ts->rows, n);

    float *X = xmalloc((n ? n : 1) * k * sizeof *X);
    risk_cols_matrix(cols, ts->rows, n, a, X);
    risk_fitted *fits = xcalloc((size_t)nfits, sizeof *fits);
    double *prob_all = xmalloc((n ? n : 1) * sizeof *prob_all);
    float *Xa = xmalloc((n ? n : 1) * k * sizeof *Xa);
    float *Xb = xmalloc((n ? n : 1) * k * sizeof *Xb);
    int *la = xmalloc((n ? n : 1) * sizeof *la), *mask = xmalloc((n ? n : 1) * sizeof *mask);
    int64_t *ga = xmalloc((n ? n : 1) * sizeof *ga);
    size_t *ib = xmalloc((n ? n : 1) * sizeof *ib);
    double *pb = xmalloc((n ? n : 1) * sizeof *pb);
    int rc = 0;
    for (int f = 0; f < nfits && rc == 0; f++) {
        /* fit on the rows not judged by fit f */
        for (size_t i = 0; i < n; i++) mask[i] = eo.folds ? which[i] != f : !judged[i];
        size_t na = 0;
        for (size_t i = 0; i < n; i++)
            if (mask[i]) {
                memcpy(Xa + na * k, X + i * k, k * sizeof *Xa);
                la[na] = ts->label[i];
                ga[na++] = ts->rows[i].t.learner_id;
            }
        rc = risk_fit(Xa, na, k, la, ga, o, &fits[f], err);
        if (rc < 0) break;
        for (size_t i = 0; i < n; i++) mask[i] = eo.folds ? which[i] == f : judged[i];
        size_t nb = risk_eval_rows_pick(X, n, k, mask, Xb, ib);
        rc = risk_fitted_predict(&fits[f], Xb, nb, k, pb, NULL, err);
        for (size_t j = 0; rc == 0 && j < nb; j++) prob_all[ib[j]] = pb[j];
    }
    free(pb);
    free(ib);
    free(ga);
    free(la);
    free(Xb);
    free(Xa);
    if (eo.folds == 0)
        for (size_t i = 0; i < n; i++) which[i] = 0;

    /* the judged rows */
    size_t m = 0;
    double *prob = xmalloc((n ? n : 1) * sizeof *prob), *rscore = xmalloc((n ? n : 1) * sizeof *rscore);
    int *label = xmalloc((n ? n : 1) * sizeof *label);
    int64_t *learner = xmalloc((n ? n : 1) * sizeof *learner);
    risk_features *jrows = xmalloc((n ? n : 1) * sizeof *jrows);
    int *hz = xmalloc((n ? n : 1) * sizeof *hz), *yr = xmalloc((n ? n : 1) * sizeof *yr);
    for (size_t i = 0; i < n; i++) {
        if (!judged[i]) continue;
        prob[m] = prob_all[i];
        label[m] = ts->label[i];
        learner[m] = ts->rows[i].t.learner_id;
        jrows[m] = ts->rows[i];
        hz[m] = ts->horizon[i];
        yr[m] = ts->year[i];
        m++;
    }
    int *tm = xmalloc((n ? n : 1) * sizeof *tm), *occ = xmalloc((n ? n : 1) * sizeof *occ);
    for (size_t i = 0, j = 0; i < n; i++)
        if (judged[i]) tm[j++] = ts->term[i];
    risk_eval_occ *occs = NULL;
    size_t nocc = risk_eval_occasions(yr, tm, hz, jrows, m, occ, &occs);
    double *cut = xmalloc(4 * (nocc ? nocc : 1) * sizeof *cut);
    double *p_sel = cut, *p_ind = cut + nocc, *r_sel = cut + 2 * nocc, *r_ind = cut + 3 * nocc;
    double *pmargin = xmalloc((m ? m : 1) * sizeof *pmargin);
    double *rmargin = xmalloc((m ? m : 1) * sizeof *rmargin);
    int *serious = xcalloc(m ? m : 1, sizeof *serious);
    risk_rules rules;
    if (rc == 0) rc = risk_rules_load(st, inst, &rules, err);
    /* tiers by share (the institution's, unless thresholds were asked for):
    ** on each occasion the cut-offs that put that share of its rows at
    ** selective and above, and at individual, as `cairn score` does each day */
    int by_share = rc == 0 && !explicit_p &&
                   (rules.share_individual > 0 || rules.share_selective > 0);
    double rcut_sel = RULES_TIER_STEP, rcut_ind = 2 * RULES_TIER_STEP;
    if (rc == 0)
        rc = risk_eval_rules_scores_occ(&rules, jrows, m, occ, nocc, by_share, rscore, err);
    if (rc == 0 && by_share) {
        double si = rules.share_individual / 100.0, ss = rules.share_selective / 100.0;
        risk_eval_occasion_cuts(prob, occ, m, nocc, si + ss, p_sel);
        risk_eval_occasion_cuts(prob, occ, m, nocc, si, p_ind);
        risk_eval_occasion_cuts(rscore, occ, m, nocc, si + ss, r_sel);
        risk_eval_occasion_cuts(rscore, occ, m, nocc, si, r_ind);
        for (size_t i = 0; i < m; i++) serious[i] = risk_eval_rank_serious(rscore[i]);
        snprintf(out->tier_basis, sizeof out->tier_basis, "by share, on each of the %zu "
                 "judged occasions (school year, term and horizon): the top %g %% of its rows "
                 "individual, the next %g %% selective", nocc, rules.share_individual,
                 rules.share_selective);
    }
    for (size_t i = 0; i < m; i++) {   /* above the line when 0 or more */
        pmargin[i] = by_share ? (serious[i] ? INFINITY : prob[i] - p_sel[occ[i]]) : prob[i] - ps;
        rmargin[i] = by_share ? (serious[i] ? INFINITY : rscore[i] - r_sel[occ[i]])
                              : rscore[i] - rcut_sel;
    }
    if (rc == 0) {
        size_t pos = 0;
        for (size_t i = 0; i < m; i++) pos += label[i] != 0;
        out->test_positives = pos;
        snprintf(out->model_title, sizeof out->model_title,
                 "the learned model (%s; %zu judged rows, each learner at each horizon)",
                 eo.folds ? "k-fold" : "time-aware", m);
        snprintf(out->rules_title, sizeof out->rules_title,
                 "the rules (the school's current thresholds; same %zu rows)", m);
        metric_report_init(&out->model, out->model_title);
        out->model.ntiers = 2;
        out->model.tier[0] = (metric_tier_row){by_share ? "selective or above (by share)"
                                                        : "selective", ps, 0, NAN, NAN};
        out->model.tier[1] = (metric_tier_row){by_share ? "individual (by share)" : "individual",
                                               pi, 0, NAN, NAN};
        metric_report_compute(&out->model, prob, prob, label, m);
        metric_report_init(&out->rules, out->rules_title);
        out->rules.ntiers = 2;
        out->rules.tier[0] = (metric_tier_row){by_share ? "selective or above (by share)"
                                               : "selective (2 flags or a serious one)",
                                               rcut_sel, 0, NAN, NAN};
        out->rules.tier[1] = (metric_tier_row){by_share ? "individual (by share)"
                                               : "individual (3 or more flags)",
                                               rcut_ind, 0, NAN, NAN};
        metric_report_compute(&out->rules, rscore, NULL, label, m);
        if (by_share) {
            risk_eval_tier_by_occasion(&out->model.tier[0], prob, serious, label, occ, p_sel, m);
            risk_eval_tier_by_occasion(&out->model.tier[1], prob, NULL, label, occ, p_ind, m);
            risk_eval_tier_by_occasion(&out->rules.tier[0], rscore, serious, label, occ, r_sel,
                                       m);
            risk_eval_tier_by_occasion(&out->rules.tier[1], rscore, NULL, label, occ, r_ind, m);
        }
        out->model.lead.precision = out->model.tier[0].precision;
        out->rules.lead.precision = out->rules.tier[0].precision;
        out->model.lead.base_rate = out->rules.lead.base_rate =
            m ? (double)pos / (double)m : NAN;
        out->model.gap_tolerance = out->rules.gap_tolerance = eo.gap_tolerance;
        fairness_units(out, prob, pmargin, rmargin, label, jrows, yr, m, a);
        for (int at = 0; by_share && at < RISK_ATTR_COUNT; at++)   /* one cut per occasion */
            out->model_fair[at].threshold = out->rules_fair[at].threshold = NAN;
        /* by horizon */
        double *sa = xmalloc((m ? m : 1) * sizeof *sa), *sb = xmalloc((m ? m : 1) * sizeof *sb);
        int *lb = xmalloc((m ? m : 1) * sizeof *lb);
        for (size_t i = 0; i < m; i++) {
            size_t hI = 0;
            while (hI < out->nhorizons && out->horizon[hI].weeks != hz[i]) hI++;
            if (hI == out->nhorizons && out->nhorizons < RISK_HORIZONS_MAX)
                out->horizon[out->nhorizons++].weeks = hz[i];
        }
        for (size_t hI = 0; hI < out->nhorizons; hI++) {
            risk_eval_horizon *eh = &out->horizon[hI];
            size_t c = 0;
            for (size_t i = 0; i < m; i++)
                if (hz[i] == eh->weeks) {
                    sa[c] = prob[i];
                    sb[c] = rscore[i];
                    lb[c++] = label[i];
                    eh->positives += label[i] != 0;
                }
            eh->n = c;
            eh->model_auc = metric_roc_auc(sa, lb, c);
            eh->rules_auc = metric_roc_auc(sb, lb, c);
        }
        free(lb);
        free(sb);
        free(sa);
        snprintf(out->lead_source, sizeof out->lead_source, "not measured");
    }
    if (rc == 0 && eo.lead_time) {
        risk_eval_cuts cuts = {by_share, ps, nocc, occs, p_sel, r_sel};
        rc = risk_eval_lead_times(st, inst, ts, judged, which, fits, cols, a, &rules, &cuts,
                                  out, err);
    }
    free(serious);
    free(rmargin);
    free(pmargin);
    free(cut);
    free(occs);
    free(occ);
    free(tm);
    free(yr);
    free(hz);
    free(jrows);
    free(learner);
    free(label);
    free(rscore);
    free(prob);
    for (int f = 0; f < nfits; f++) risk_fitted_free(&fits[f]);
    free(fits);
    free(prob_all);
    free(mask);
    free(X);
    free(which);
    free(judged);
    return rc;
}

/* The evaluation as text; see evaluate.h. */
void risk_eval_write(buf *out, const risk_eval *e) {
    buf_printf(out, "Evaluation on the school's own history\n");
    buf_printf(out, "  method: %s\n", e->method);
    buf_printf(out, "  rows learned from: %zu; rows judged: %zu (%zu left early)\n",
               e->train_rows, e->test_rows, e->test_positives);
    buf_printf(out, "  warning time: %s\n", e->lead_source);
    buf_puts(out, "  platform activity in the school's data:");
    int any = 0;
    for (int k = 1; k < RISK_METRIC_KINDS; k++)
        if (e->metrics_known & (1u << k)) buf_printf(out, "%s %s", any++ ? "," : "", risk_metric_name(k));
    if (!any) buf_puts(out, " none");
    any = 0;
    for (int k = 1; k < RISK_METRIC_KINDS; k++)
        if (!(e->metrics_known & (1u << k)))
            buf_printf(out, "%s %s", any++ ? "," : "; not in it:", risk_metric_name(k));
    buf_putc(out, '\n');
    buf_printf(out, "  tiers: %s\n\n", e->tier_basis[0] ? e->tier_basis
                                                        : "by the probability thresholds (model) "
                                                          "and flag counts (rules)");
    buf_printf(out, "ROC AUC by horizon (weeks into the term)\n");
    buf_printf(out, "  %-8s %8s %8s %10s %10s\n", "weeks", "rows", "leavers", "rules", "model");
    for (size_t i = 0; i < e->nhorizons; i++) {
        const risk_eval_horizon *h = &e->horizon[i];
        buf_printf(out, "  %-8d %8zu %8zu %10.3f %10.3f\n", h->weeks, h->n, h->positives,
                   h->rules_auc, h->model_auc);
    }
    buf_printf(out, "\nROC AUC rules: %.3f\nROC AUC model: %.3f\n\n", e->rules.roc_auc,
               e->model.roc_auc);
    metric_report_write(out, &e->rules);
    buf_putc(out, '\n');
    metric_report_write(out, &e->model);
}

/* A number or null. */
static json_t *eval_jnum(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

/* The evaluation as a jansson object; see evaluate.h. */
json_t *risk_eval_json_value(const risk_eval *e) {
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "method", json_string(e->method));
    json_object_set_new(o, "judged_years", json_string(e->judged));
    json_t *has = json_array(), *lacks = json_array(), *pm = json_object();
    for (int k = 1; k < RISK_METRIC_KINDS; k++)
        json_array_append_new((e->metrics_known & (1u << k)) ? has : lacks,
                              json_string(risk_metric_name(k)));
    json_object_set_new(pm, "has", has);
    json_object_set_new(pm, "lacks", lacks);
    json_object_set_new(o, "platform_metrics", pm);
    json_object_set_new(o, "time_aware", json_boolean(strncmp(e->method, "time-aware", 10) == 0));
    json_object_set_new(o, "train_rows", json_integer((json_int_t)e->train_rows));
    json_object_set_new(o, "test_rows", json_integer((json_int_t)e->test_rows));
    json_object_set_new(o, "test_left_early", json_integer((json_int_t)e->test_positives));
    json_object_set_new(o, "lead_time_source", json_string(e->lead_source));
    json_object_set_new(o, "tier_basis", json_string(e->tier_basis[0] ? e->tier_basis
                                                                      : "thresholds"));
    json_t *bh = json_array();
    for (size_t i = 0; i < e->nhorizons; i++) {
        const risk_eval_horizon *h = &e->horizon[i];
        json_t *x = json_object();
        json_object_set_new(x, "weeks", json_integer(h->weeks));
        json_object_set_new(x, "rows", json_integer((json_int_t)h->n));
        json_object_set_new(x, "left_early", json_integer((json_int_t)h->positives));
        json_object_set_new(x, "rules_roc_auc", eval_jnum(h->rules_auc));
        json_object_set_new(x, "model_roc_auc", eval_jnum(h->model_auc));
        json_array_append_new(bh, x);
    }
    json_object_set_new(o, "by_horizon", bh);
    json_t *r = metric_report_json_value(&e->rules), *m = metric_report_json_value(&e->model);
    if (!r || !m) {
        json_decref(r);
        json_decref(m);
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "rules", r);
    json_object_set_new(o, "model", m);
    return o;
}

/* The evaluation as JSON text; see evaluate.h. */
int risk_eval_json(buf *out, const risk_eval *e, cairn_err *err) {
    json_t *o = risk_eval_json_value(e);
    if (!o) return err_set(err, CAIRN_EINTERNAL, "evaluation: could not build the JSON");
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!s) return err_set(err, CAIRN_EINTERNAL, "evaluation: could not write the JSON");
    buf_puts(out, s);
    buf_putc(out, '\n');
    free(s);
    return 0;
}
