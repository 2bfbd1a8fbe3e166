/*
** risk/tabular_cv.c — cross-validating the tabular model on a table of
** learners: the tree settings, the blend of trees and the linear part,
** calibration inside the training folds, and the evaluation of column sets.
**
** Nothing here looks at a test fold before it is predicted: the folds come
** from metric_stratified_folds(), the model and its calibrator are fitted on
** the other folds only (the calibrator on out-of-fold predictions of an inner
** cross-validation of that training part), then the test fold is predicted.
*/
#include "risk/tabular_internal.h"
#include "base/mem.h"
#include "risk/metrics.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the model settings ------------------------------------------------- */

/* The tabular model's tree settings.
**
** How they were chosen, on the UCI dropout file (5-fold stratified CV, mean
** ROC AUC over several fold seeds, Dropout vs the rest): the plain defaults
** (300 rounds, depth 4, eta 0.05, 0.8/0.8 sampling) give 0.926 / 0.908 /
** 0.827 for all columns / first semester / at enrolment.  Depth 3, 5 and 6,
** min_child_weight 5 and 10, lambda 5 and 10, subsample 0.6 and 0.7,
** monotone constraints from domain knowledge, XGBoost's own categorical
** splits, colsample by node or level, alpha and gamma were all the same or
** worse.  A slower rate with more rounds and fewer columns per tree (500 x
** 0.03, colsample 0.4, subsample 0.9) gains about 0.001 to 0.003; averaging
** seeds about 0.0005 more, not worth its time.  Trees alone stay at the
** peer's figures; the linear part of the blend (risk_table_cv_defaults)
** adds 0.002 to 0.004 on all three, and the figures move by less than
** 0.001 for blend weights 0.3 to 0.5, L2 3 to 30 or the plain tree
** defaults, so nothing hangs on a lucky setting.
**
** One thread: a fit takes about 0.1 s, and with two threads on a busy
** machine OpenMP's threads wait for each other (ten times slower measured);
** one thread is also faster when the machine is idle. */
void risk_table_train_defaults(risk_train_opts *o) {
    memset(o, 0, sizeof *o);
    o->rounds = 500;
    o->max_depth = 4;
    o->eta = 0.03;
    o->subsample = 0.9;
    o->colsample = 0.4;
    o->min_child_weight = 1;
    o->lambda = 1;
    o->nthread = 1;
    o->seed = 1;
}

/* The evaluated cross-validation and blend settings.  Platt, not isotonic:
** the blend is trained on log-loss and comes out calibrated already; Platt
** keeps that (Brier 0.0880 -> 0.0880, all columns) and the ranking, while
** isotonic's steps cost a little of both (0.0880 -> 0.0885, AUC -0.0006). */
void risk_table_cv_defaults(risk_cv_opts *cv) {
    memset(cv, 0, sizeof *cv);
    cv->folds = 5;
    cv->seed = 42;
    cv->nseeds = 1;
    cv->linear_weight = 0.4;
    cv->linear_l2 = 10;
    cv->min_level = 10;
    cv->calib = RISK_CALIB_PLATT;
    cv->inner_folds = 5;
}

/* ---- cross-validation --------------------------------------------------- */

/* Rows whose fold[j] is (in = 1) or is not (in = 0) f, copied into X / y
** (caller-sized), and their table indices into idx; returns how many.  Row j
** of the selection is table row rows[j] (rows NULL: row j itself). */
static size_t tab_gather(const risk_table *t, const size_t *rows, size_t nrows_in,
                         const int *fold, int f, int in, float *X, float *y, size_t *idx) {
    size_t k = 0;
    for (size_t j = 0; j < nrows_in; j++) {
        size_t i = rows ? rows[j] : j;
        if ((fold[j] == f) != in) continue;
        memcpy(X + k * t->ncols, t->X + i * t->ncols, t->ncols * sizeof *X);
        if (y) y[k] = (float)t->y[i];
        if (idx) idx[k] = i;
        k++;
    }
    return k;
}

/* The linear part's share of the blend: 0 means the default 0.4, a
** negative value none. */
static double tab_linear_weight(const risk_cv_opts *cv) {
    if (cv->linear_weight < 0) return 0;
    return cv->linear_weight == 0 ? 0.4 : cv->linear_weight;
}

/* Fit the blended model on (X, y) and write the probabilities of the rows
** of Xt into out: nseeds tree models averaged in log-odds, blended with the
** linear part. */
static int tab_fit_predict(const float *X, const float *y, size_t n, size_t ncols,
                           const unsigned char *categorical, const float *Xt, size_t nt,
                           const risk_cv_opts *cv, const risk_train_opts *o, double *out,
                           cairn_err *err) {
    int nseeds = cv->nseeds ? cv->nseeds : 1;
    double wl = tab_linear_weight(cv);
    double *tmp = xmalloc((nt ? nt : 1) * sizeof *tmp);
    for (size_t i = 0; i < nt; i++) out[i] = 0;
    for (int s = 0; s < nseeds && wl < 1; s++) {
        risk_train_opts os = *o;
        os.seed = o->seed + (uint64_t)s * 7919u;
        risk_model *m = NULL;
        if (risk_model_train(X, n, ncols, y, &os, &m, err) ||
            risk_model_margin(m, Xt, nt, ncols, tmp, err)) {
            risk_model_free(m);
            free(tmp);
            return -1;
        }
        risk_model_free(m);
        for (size_t i = 0; i < nt; i++) out[i] += (1 - wl) * tmp[i] / nseeds;
    }
    if (wl > 0) {
        risk_table_linear lin;
        if (risk_table_linear_fit(X, y, n, ncols, categorical, cv, &lin, err)) {
            free(tmp);
            return -1;
        }
        risk_table_linear_margin(&lin, Xt, nt, tmp);
        risk_table_linear_free(&lin);
        for (size_t i = 0; i < nt; i++) out[i] += wl * tmp[i];
    }
    for (size_t i = 0; i < nt; i++) out[i] = 1.0 / (1.0 + exp(-out[i]));
    free(tmp);
    return 0;
}

/* log(p / (1 - p)), clamped away from 0 and 1. */
static double tab_logit(double p) {
    if (p < 1e-12) p = 1e-12;
    if (p > 1 - 1e-12) p = 1 - 1e-12;
    return log(p / (1 - p));
}

/* Cross-validate with every setting; see tabular.h. */
int risk_table_cross_validate_ex(const risk_table *t, const risk_cv_opts *cv,
                                 const risk_train_opts *o, double *oof_raw, double *oof_cal,
                                 cairn_err *err) {
    risk_cv_opts cv_dflt;
    risk_train_opts o_dflt;
    if (!t || !t->X || !t->y || t->nrows == 0 || t->ncols == 0)
        return err_set(err, CAIRN_EINVAL, "the table is empty");
    if (!oof_raw) return err_set(err, CAIRN_EINVAL, "no place for the predictions (oof_raw is NULL)");
    if (!cv) {
        risk_table_cv_defaults(&cv_dflt);
        cv = &cv_dflt;
    }
    if (!o) {
        risk_table_train_defaults(&o_dflt);
        o = &o_dflt;
    }
    int folds = cv->folds ? cv->folds : 5;
    int inner = cv->inner_folds ? cv->inner_folds : 5;
    size_t n = t->nrows, k = t->ncols;
    if (folds < 2 || (size_t)folds > n)
        return err_set(err, CAIRN_EINVAL, "%d folds for %zu rows: use 2 to %zu", folds, n, n);
    if (cv->calib != RISK_CALIB_NONE && (inner < 2 || (size_t)inner > n))
        return err_set(err, CAIRN_EINVAL, "%d inner folds: use at least 2", inner);
    if (cv->nseeds < 0 || cv->nseeds > 100)
        return err_set(err, CAIRN_EINVAL, "nseeds is %d: use 1 to 100 (0 = 1)", cv->nseeds);
    if (!(cv->linear_weight <= 1) || isnan(cv->linear_weight))
        return err_set(err, CAIRN_EINVAL, "linear_weight is %g: use up to 1 (linear only); "
                       "0 = 0.4, negative = trees only", cv->linear_weight);
    if (!(cv->linear_l2 >= 0) || !isfinite(cv->linear_l2) || cv->min_level < 0)
        return err_set(err, CAIRN_EINVAL, "linear_l2 and min_level cannot be negative");
    if (cv->calib != RISK_CALIB_NONE && cv->calib != RISK_CALIB_ISOTONIC &&
        cv->calib != RISK_CALIB_PLATT)
        return err_set(err, CAIRN_EINVAL, "unknown calibration method %d", (int)cv->calib);
    if (cv->calib != RISK_CALIB_NONE && !oof_cal)
        return err_set(err, CAIRN_EINVAL, "no place for the calibrated predictions (oof_cal is NULL)");

    int *fold = xmalloc(n * sizeof *fold);
    metric_stratified_folds(t->y, n, folds, cv->seed, fold);
    float *Xtr = xmalloc(n * k * sizeof *Xtr), *ytr = xmalloc(n * sizeof *ytr);
    float *Xte = xmalloc(n * k * sizeof *Xte);
    size_t *itr = xmalloc(n * sizeof *itr), *ite = xmalloc(n * sizeof *ite);
    double *pte = xmalloc(n * sizeof *pte);
    /* inner cross-validation buffers (calibration only) */
    int *ylab = NULL, *ifold = NULL;
    float *Xin = NULL, *yin = NULL, *Xout = NULL;
    double *pin = NULL, *pout = NULL;
    size_t *iout = NULL;
    if (cv->calib != RISK_CALIB_NONE) {
        ylab = xmalloc(n * sizeof *ylab);
        ifold = xmalloc(n * sizeof *ifold);
        Xin = xmalloc(n * k * sizeof *Xin);
        yin = xmalloc(n * sizeof *yin);
        Xout = xmalloc(n * k * sizeof *Xout);
        pin = xmalloc(n * sizeof *pin);
        pout = xmalloc(n * sizeof *pout);
        iout = xmalloc(n * sizeof *iout);
    }
    int rc = 0;
    for (int f = 0; f < folds && !rc; f++) {
        size_t ntr = tab_gather(t, NULL, n, fold, f, 0, Xtr, ytr, itr);
        size_t nte = tab_gather(t, NULL, n, fold, f, 1, Xte, NULL, ite);
        if (tab_fit_predict(Xtr, ytr, ntr, k, t->categorical, Xte, nte, cv, o, pte, err)) {
            err_prefix(err, "fold %d of %d", f + 1, folds);
            rc = -1;
            break;
        }
        for (size_t j = 0; j < nte; j++) oof_raw[ite[j]] = pte[j];
        if (cv->calib == RISK_CALIB_NONE) continue;

        /* Inner cross-validation on the training part only: every training row
        ** gets a prediction from a model that did not see it, and the
        ** calibrator learns from those. */
        for (size_t j = 0; j < ntr; j++) ylab[j] = t->y[itr[j]];
        metric_stratified_folds(ylab, ntr, inner, cv->seed + 1 + (uint64_t)f, ifold);
        for (int g = 0; g < inner && !rc; g++) {
            size_t nin = tab_gather(t, itr, ntr, ifold, g, 0, Xin, yin, NULL);
            size_t nout = 0;
            for (size_t j = 0; j < ntr; j++)
                if (ifold[j] == g) {
                    memcpy(Xout + nout * k, Xtr + j * k, k * sizeof *Xout);
                    iout[nout++] = j;
                }
            if (tab_fit_predict(Xin, yin, nin, k, t->categorical, Xout, nout, cv, o, pout, err)) {
                err_prefix(err, "fold %d of %d, inner fold %d of %d (calibration)", f + 1,
                           folds, g + 1, inner);
                rc = -1;
                break;
            }
            for (size_t j = 0; j < nout; j++) pin[iout[j]] = pout[j];
        }
        if (rc) break;
        if (cv->calib == RISK_CALIB_ISOTONIC) {
            metric_isotonic iso = {0};
            if (metric_isotonic_fit(pin, ylab, ntr, &iso, err)) {
                err_prefix(err, "fold %d of %d: isotonic calibration", f + 1, folds);
                rc = -1;
                break;
            }
            for (size_t j = 0; j < nte; j++) oof_cal[ite[j]] = metric_isotonic_apply(&iso, pte[j]);
            metric_isotonic_free(&iso);
        } else {
            double a = 0, b = 0;
            for (size_t j = 0; j < ntr; j++) pin[j] = tab_logit(pin[j]);
            if (metric_platt_fit(pin, ylab, ntr, &a, &b, err)) {
                err_prefix(err, "fold %d of %d: Platt calibration", f + 1, folds);
                rc = -1;
                break;
            }
            for (size_t j = 0; j < nte; j++)
                oof_cal[ite[j]] = metric_platt_apply(a, b, tab_logit(pte[j]));
        }
    }
    free(fold);
    free(Xtr);
    free(ytr);
    free(Xte);
    free(itr);
    free(ite);
    free(pte);
    free(ylab);
    free(ifold);
    free(Xin);
    free(yin);
    free(Xout);
    free(pin);
    free(pout);
    free(iout);
    return rc;
}

/* Plain stratified k-fold cross-validation of the blended model; see
** tabular.h. */
int risk_table_cross_validate(const risk_table *t, int folds, uint64_t seed,
                              const risk_train_opts *o, double *oof_prob, cairn_err *err) {
    risk_cv_opts cv;
    risk_table_cv_defaults(&cv);
    cv.folds = folds;
    cv.seed = seed;
    cv.calib = RISK_CALIB_NONE;
    if (folds == 0) return err_set(err, CAIRN_EINVAL, "0 folds: use at least 2");
    return risk_table_cross_validate_ex(t, &cv, o, oof_prob, NULL, err);
}

/* ---- the evaluation ----------------------------------------------------- */

/* Seconds on the monotonic clock. */
static double tab_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Evaluate every column set; see tabular.h. */
int risk_table_evaluate(const char *path, const risk_table_opts *o,
                        const risk_table_colset *sets, size_t nsets,
                        const risk_cv_opts *cv, const risk_train_opts *train,
                        risk_table_result *res, buf *report, cairn_err *err) {
    static const risk_table_opts o_dflt;
    risk_cv_opts cv_dflt;
    if (!sets || !res) return err_set(err, CAIRN_EINVAL, "no column sets or no results (NULL)");
    if (!o) o = &o_dflt;
    if (!cv) {
        risk_table_cv_defaults(&cv_dflt);
        cv = &cv_dflt;
    }
    buf reports = BUF_INIT;
    for (size_t s = 0; s < nsets; s++) {
        risk_table_result *r = &res[s];
        memset(r, 0, sizeof *r);
        r->name = sets[s].name;
        r->brier_cal = r->roc_auc_cal = NAN;
        /* the caller's prefixes plus the set's */
        size_t np = 0;
        for (const char *const *p = o->drop_prefix; p && *p; p++) np++;
        for (const char *const *p = sets[s].drop_prefix; p && *p; p++) np++;
        const char **prefixes = xcalloc(np + 1, sizeof *prefixes);
        np = 0;
        for (const char *const *p = o->drop_prefix; p && *p; p++) prefixes[np++] = *p;
        for (const char *const *p = sets[s].drop_prefix; p && *p; p++) prefixes[np++] = *p;
        risk_table_opts os = *o;
        os.drop_prefix = prefixes;
        risk_table t;
        int rc = risk_table_read(path, &os, &t, err);
        free(prefixes);
        if (rc) {
            buf_free(&reports);
            return -1;
        }
        double *raw = xmalloc(t.nrows * sizeof *raw);
        double *cal = xmalloc(t.nrows * sizeof *cal);
        double t0 = tab_now();
        rc = risk_table_cross_validate_ex(&t, cv, train, raw, cal, err);
        r->seconds = tab_now() - t0;
        if (rc) {
            err_prefix(err, "%s", sets[s].name);
            free(raw);
            free(cal);
            risk_table_free(&t);
            buf_free(&reports);
            return -1;
        }
        r->nrows = t.nrows;
        r->ncols = t.ncols;
        r->positives = t.positives;
        r->roc_auc = metric_roc_auc(raw, t.y, t.nrows);
        r->pr_auc = metric_pr_auc(raw, t.y, t.nrows);
        r->brier_raw = metric_brier(raw, t.y, t.nrows);
        int calibrated = cv->calib != RISK_CALIB_NONE;
        if (calibrated) {
            r->brier_cal = metric_brier(cal, t.y, t.nrows);
            r->roc_auc_cal = metric_roc_auc(cal, t.y, t.nrows);
        }
        if (report) {
            buf title = BUF_INIT;
            buf_printf(&title, "the student table, %s (%zu columns, %s)",
                       sets[s].name, t.ncols,
                       cv->calib == RISK_CALIB_ISOTONIC ? "isotonic calibration"
                       : cv->calib == RISK_CALIB_PLATT  ? "Platt calibration"
                                                        : "no calibration");
            metric_report mr;
            metric_report_init(&mr, buf_cstr(&title));
            /* rank by the raw score (calibration ties scores), probabilities calibrated */
            metric_report_compute(&mr, raw, calibrated ? cal : raw, t.y, t.nrows);
            buf_putc(&reports, '\n');
            metric_report_write(&reports, &mr);
            buf_free(&title);
        }
        free(raw);
        free(cal);
        risk_table_free(&t);
    }
    if (report) {
        int folds = cv->folds ? cv->folds : 5;
        double wl = tab_linear_weight(cv);
        buf_printf(report, "Stratified %d-fold cross-validation (fold seed %llu): every probability "
                           "comes from a model that did not see the learner.\n", folds,
                   (unsigned long long)cv->seed);
        if (wl > 0) buf_printf(report, "Model: boosted trees blended with a linear part (weight %.2f)", wl);
        else buf_puts(report, "Model: boosted trees");
        buf_printf(report, "; calibration: %s.\n\n",
                   cv->calib == RISK_CALIB_ISOTONIC ? "isotonic, fitted inside each training fold"
                   : cv->calib == RISK_CALIB_PLATT  ? "Platt, fitted inside each training fold"
                                                    : "none");
        buf_printf(report, "%-22s %7s %7s %8s %8s %12s %11s %8s\n", "columns", "rows", "cols",
                   "ROC AUC", "PR AUC", "Brier before", "Brier after", "seconds");
        for (size_t s = 0; s < nsets; s++) {
            buf_printf(report, "%-22s %7zu %7zu %8.4f %8.4f %12.4f", res[s].name, res[s].nrows,
                       res[s].ncols, res[s].roc_auc, res[s].pr_auc, res[s].brier_raw);
            if (isnan(res[s].brier_cal)) buf_printf(report, " %11s", "-");
            else buf_printf(report, " %11.4f", res[s].brier_cal);
            buf_printf(report, " %8.1f\n", res[s].seconds);
        }
        buf_append(report, reports.data ? reports.data : "", reports.len);
    }
    buf_free(&reports);
    return 0;
}
