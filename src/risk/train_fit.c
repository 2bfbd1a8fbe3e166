/*
** risk/train_fit.c — fitting: XGBoost with monotone constraints from each
** indicator's known direction, learner-grouped folds, and the calibration
** fitted on out-of-fold log-odds (isotonic, or Platt when rows are few),
** with its JSON form for storing.
*/
#include "risk/train.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- fitting ------------------------------------------------------------------------------ */

/* The XGBoost settings for a school's history. */
void risk_train_defaults(risk_train_opts *o) {
    memset(o, 0, sizeof *o);
    o->rounds = 250;
    o->max_depth = 3;
    o->eta = 0.05;
    o->subsample = 0.8;
    o->colsample = 0.8;
    o->min_child_weight = 3;
    o->lambda = 1;
    o->nthread = 1;   /* a few thousand rows: one thread is faster than two that wait on
                         each other, and much faster on a busy machine */
    o->seed = 1;
}

/* A row index with its group, for sorting. */
typedef struct group_ix {
    int64_t group;
    size_t i;
} group_ix;

/* Order by group, then index. */
static int group_ix_cmp(const void *pa, const void *pb) {
    const group_ix *a = pa, *b = pb;
    if (a->group != b->group) return (a->group > b->group) - (a->group < b->group);
    return (a->i > b->i) - (a->i < b->i);
}

/* Stratified folds grouped by group; see train.h. */
void risk_group_folds(const int64_t *group, const int *label, size_t n, int k, uint64_t seed,
                      int *fold) {
    if (!n) return;
    group_ix *gx = xmalloc(n * sizeof *gx);
    for (size_t i = 0; i < n; i++) gx[i] = (group_ix){group[i], i};
    qsort(gx, n, sizeof *gx, group_ix_cmp);
    int *glab = xmalloc(n * sizeof *glab), *gfold = xmalloc(n * sizeof *gfold);
    size_t ng = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        int lab = 0;
        while (b < n && gx[b].group == gx[a].group) lab |= label[gx[b++].i] != 0;
        glab[ng++] = lab;
        a = b;
    }
    metric_stratified_folds(glab, ng, k, seed, gfold);
    size_t g = 0;
    for (size_t a = 0; a < n; g++) {
        size_t b = a;
        while (b < n && gx[b].group == gx[a].group) fold[gx[b++].i] = gfold[g];
        a = b;
    }
    free(gfold);
    free(glab);
    free(gx);
}

/* Train on the rows of X whose fold differs from f (f < 0: all rows). */
static int fit_rows(const float *X, size_t n, size_t k, const int *label, const int *fold, int f,
                    const risk_train_opts *o, risk_model **m, cairn_err *err) {
    float *Xs = xmalloc((n ? n : 1) * k * sizeof *Xs), *ys = xmalloc((n ? n : 1) * sizeof *ys);
    size_t m_rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (f >= 0 && fold[i] == f) continue;
        memcpy(Xs + m_rows * k, X + i * k, k * sizeof *Xs);
        ys[m_rows++] = label[i] ? 1.0f : 0.0f;
    }
    int rc = risk_model_train(Xs, m_rows, k, ys, o, m, err);
    free(Xs);
    free(ys);
    return rc;
}

/* Train and calibrate; see train.h. */
int risk_fit(const float *X, size_t n, size_t k, const int *label, const int64_t *group,
             const risk_train_opts *o, risk_fitted *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) pos += label[i] != 0;
    if (n < 2 * RISK_CALIB_FOLDS || pos < 2 || n - pos < 2)
        return err_set(err, CAIRN_EINVAL, "%zu rows with %zu leavers are too few to train and "
                       "calibrate a model", n, pos);
    int *fold = xmalloc(n * sizeof *fold);
    risk_group_folds(group, label, n, RISK_CALIB_FOLDS, o && o->seed ? o->seed : 1, fold);
    double *oof = xmalloc(n * sizeof *oof);
    float *Xf = xmalloc(n * k * sizeof *Xf);
    size_t *idx = xmalloc(n * sizeof *idx);
    double *mf = xmalloc(n * sizeof *mf);
    int rc = 0;
    for (int f = 0; f < RISK_CALIB_FOLDS && rc == 0; f++) {
        size_t nf = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] == f) {
                memcpy(Xf + nf * k, X + i * k, k * sizeof *Xf);
                idx[nf++] = i;
            }
        if (!nf) continue;
        risk_model *m = NULL;
        rc = fit_rows(X, n, k, label, fold, f, o, &m, err);
        if (rc == 0) rc = risk_model_margin(m, Xf, nf, k, mf, err);
        if (rc == 0)
            for (size_t j = 0; j < nf; j++) oof[idx[j]] = mf[j];
        risk_model_free(m);
    }
    free(mf);
    free(idx);
    free(Xf);
    free(fold);
    if (rc == 0) {
        size_t neg = n - pos;
        if (n >= RISK_ISOTONIC_MIN_ROWS && pos >= RISK_ISOTONIC_MIN_CLASS &&
            neg >= RISK_ISOTONIC_MIN_CLASS) {
            out->calib = RISK_CALIB_ISOTONIC;
            rc = metric_isotonic_fit(oof, label, n, &out->iso, err);
        } else {
            out->calib = RISK_CALIB_PLATT;
            rc = metric_platt_fit(oof, label, n, &out->platt_a, &out->platt_b, err);
        }
        if (rc < 0) err_prefix(err, "calibrating the model");
    }
    free(oof);
    if (rc == 0) rc = fit_rows(X, n, k, label, NULL, -1, o, &out->model, err);
    if (rc < 0) risk_fitted_free(out);
    return rc;
}

/* The calibrated probability of one log-odds value.  Isotonic regression
** is a step function: learners whose log-odds fall in one step would share
** one estimate, and a list cut by share (the top 5 %) would take a whole
** step or none.  So the model's own order is kept inside a step: the
** isotonic value plus RISK_CALIB_TIE_BREAK x the logistic of the log-odds —
** strictly increasing in the log-odds, and less than a millionth of a
** percentage point from the step, which no page or report shows. */
double risk_fitted_calibrate(const risk_fitted *f, double margin) {
    double p;
    if (isnan(margin)) return NAN;
    if (f->calib == RISK_CALIB_ISOTONIC)
        p = metric_isotonic_apply(&f->iso, margin) * (1 - RISK_CALIB_TIE_BREAK) +
            RISK_CALIB_TIE_BREAK / (1.0 + exp(-margin));
    else if (f->calib == RISK_CALIB_PLATT) p = metric_platt_apply(f->platt_a, f->platt_b, margin);
    else p = 1.0 / (1.0 + exp(-margin));
    if (p < 0) p = 0;
    if (p > 1) p = 1;
    return p;
}

/* Calibrated probabilities (and margins) of n rows. */
int risk_fitted_predict(risk_fitted *f, const float *X, size_t n, size_t k, double *prob,
                        double *margin, cairn_err *err) {
    if (!n) return 0;
    double *m = margin ? margin : xmalloc(n * sizeof *m);
    int rc = risk_model_margin(f->model, X, n, k, m, err);
    if (rc == 0)
        for (size_t i = 0; i < n; i++) prob[i] = risk_fitted_calibrate(f, m[i]);
    if (!margin) free(m);
    return rc;
}

/* The calibration as JSON. */
void risk_fitted_calibration_json(const risk_fitted *f, buf *out) {
    json_t *o = json_object();
    if (f->calib == RISK_CALIB_ISOTONIC) {
        json_object_set_new(o, "method", json_string("isotonic"));
        json_object_set_new(o, "on", json_string("log-odds"));
        json_t *x = json_array(), *y = json_array();
        for (size_t i = 0; i < f->iso.n; i++) {
            json_array_append_new(x, json_real(f->iso.x[i]));
            json_array_append_new(y, json_real(f->iso.y[i]));
        }
        json_object_set_new(o, "x", x);
        json_object_set_new(o, "y", y);
    } else if (f->calib == RISK_CALIB_PLATT) {
        json_object_set_new(o, "method", json_string("platt"));
        json_object_set_new(o, "on", json_string("log-odds"));
        json_object_set_new(o, "a", json_real(f->platt_a));
        json_object_set_new(o, "b", json_real(f->platt_b));
    } else {
        json_object_set_new(o, "method", json_string("none"));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(o);
    if (!s) abort();   /* only when out of memory */
    buf_puts(out, s);
    free(s);
}

/* Read a stored calibration into f. */
int risk_fitted_calibration_parse(const char *text, risk_fitted *f, cairn_err *err) {
    json_error_t je;
    json_t *o = text ? json_loads(text, 0, &je) : NULL;
    const char *method = json_string_value(json_object_get(o, "method"));
    int rc = 0;
    metric_isotonic_free(&f->iso);
    if (method && strcmp(method, "isotonic") == 0) {
        json_t *x = json_object_get(o, "x"), *y = json_object_get(o, "y");
        size_t n = json_array_size(x);
        if (!json_is_array(x) || !json_is_array(y) || n == 0 || json_array_size(y) != n) {
            rc = err_set(err, CAIRN_EDB, "the stored isotonic calibration is not two arrays of "
                         "the same length");
        } else {
            f->iso.n = n;
            f->iso.x = xmalloc(n * sizeof *f->iso.x);
            f->iso.y = xmalloc(n * sizeof *f->iso.y);
            for (size_t i = 0; i < n; i++) {
                f->iso.x[i] = json_number_value(json_array_get(x, i));
                f->iso.y[i] = json_number_value(json_array_get(y, i));
            }
            f->calib = RISK_CALIB_ISOTONIC;
        }
    } else if (method && strcmp(method, "platt") == 0 && json_is_number(json_object_get(o, "a")) &&
               json_is_number(json_object_get(o, "b"))) {
        f->platt_a = json_number_value(json_object_get(o, "a"));
        f->platt_b = json_number_value(json_object_get(o, "b"));
        f->calib = RISK_CALIB_PLATT;
    } else if (method && strcmp(method, "none") == 0) {
        f->calib = RISK_CALIB_NONE;
    } else {
        rc = err_set(err, CAIRN_EDB, "the stored calibration is not one cairn writes");
    }
    json_decref(o);
    return rc;
}

/* Release the model and calibration. */
void risk_fitted_free(risk_fitted *f) {
    risk_model_free(f->model);
    metric_isotonic_free(&f->iso);
    memset(f, 0, sizeof *f);
}
