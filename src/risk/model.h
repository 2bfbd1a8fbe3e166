/*
** risk/model.h — the learned model: gradient-boosted trees (XGBoost).
**
** A thin, safe wrapper over XGBoost's C API.  Every call is checked and an
** XGBoost failure becomes a cairn_err; XGBoost's own logging is silenced, so
** nothing here prints.  The objective is binary:logistic (y = 1 "left
** early"), trees are grown with the "hist" method, and training is
** deterministic for a given seed and thread count.
**
** Data is row-major: X[r * ncols + c] is feature c of row r; NAN means "not
** known" and is routed down each split's learned default branch.
**
**   risk_model *m;
**   if (risk_model_train(X, n, k, y, &opts, &m, &err)) ...;
**   risk_model_predict(m, X2, n2, k, prob, &err);
**   risk_model_free(m);
*/
#ifndef CAIRN_RISK_MODEL_H
#define CAIRN_RISK_MODEL_H
#include "base/buf.h"
#include "base/err.h"
#include <stddef.h>
#include <stdint.h>

typedef struct risk_model risk_model;

/* Training options; a zeroed struct gives the defaults in the comments. */
typedef struct risk_train_opts {
    int rounds;                  /* boosting rounds, 0 = default 300 */
    int max_depth;               /* 0 = 4 */
    double eta;                  /* learning rate, 0 = 0.05 */
    double subsample;            /* share of rows per tree, 0 = 0.8 */
    double colsample;            /* share of columns per tree, 0 = 0.8 */
    double min_child_weight;     /* 0 = 1 */
    double lambda;               /* L2 penalty on leaf weights, 0 = 1 */
    const int *monotone;         /* ncols entries: +1 risk never falls as the feature rises,
                                 ** -1 the reverse, 0 free; may be NULL (all free) */
    int nthread;                 /* 0 = 2 */
    uint64_t seed;               /* row/column sampling seed */
    double scale_pos_weight;     /* weight of the positive class, 0 = 1 */
} risk_train_opts;

/* Train on X (nrows x ncols, row-major, NAN = missing) and y (0 or 1 per
** row; both values must occur).  o may be NULL for the defaults.  On success
** *out is a new model, freed with risk_model_free(); on failure *out is NULL
** and err says why. */
int risk_model_train(const float *X, size_t nrows, size_t ncols, const float *y,
                     const risk_train_opts *o, risk_model **out, cairn_err *err);

/* Probability of y = 1 for each of nrows rows of X (the logistic of the
** margin, computed in double).  ncols must be the model's.  out has nrows
** entries, owned by the caller. */
int risk_model_predict(risk_model *m, const float *X, size_t nrows, size_t ncols,
                       double *out, cairn_err *err);

/* The margin (log-odds) for each row; out has nrows entries. */
int risk_model_margin(risk_model *m, const float *X, size_t nrows, size_t ncols,
                      double *out, cairn_err *err);

/* Per-feature contributions in log-odds (TreeSHAP): out has
** nrows * (ncols + 1) entries, row r at out[r * (ncols + 1)], the last of
** each row being the bias.  Each row sums to that row's margin. */
int risk_model_contributions(risk_model *m, const float *X, size_t nrows, size_t ncols,
                             double *out, cairn_err *err);

/* Number of features the model was trained on. */
size_t risk_model_ncols(const risk_model *m);

/* Append the model (XGBoost's UBJSON model format, trees and base score, not
** the training options) to out. */
int risk_model_save(risk_model *m, buf *out, cairn_err *err);

/* A model from bytes risk_model_save() wrote; *out freed with
** risk_model_free().  Bytes that are not a model give an error. */
int risk_model_load(const void *data, size_t n, risk_model **out, cairn_err *err);

/* Release the model; NULL is fine. */
void risk_model_free(risk_model *m);

#endif
