/*
** risk/model.c — gradient-boosted trees through XGBoost's C API.
**
** Every XGB* call is checked; a failure becomes "what we were doing:
** XGBoost's message".  XGBoost's logging settings are thread-local, so each
** entry point silences it again (verbosity 0 and a log callback that drops
** everything) before calling in.
*/
#include "risk/model.h"
#include "base/mem.h"
#include "risk/treeshap.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xgboost/c_api.h>

struct risk_model {
    BoosterHandle h;
    size_t ncols;
    int nthread;
    risk_treeshap *shap;   /* fast contributions, built on first use; NULL = XGBoost's */
    int shap_tried;        /* 1 once building them was attempted */
};

/* ---- helpers ------------------------------------------------------------ */

/* XGBoost's log callback: drops every message (library code never prints). */
static void model_log_drop(const char *msg) {
    (void)msg;
}

/* Silence XGBoost on this thread.  Fails only if XGBoost refuses the
** settings. */
static int model_quiet(cairn_err *err) {
    if (XGBSetGlobalConfig("{\"verbosity\": 0}") != 0 ||
        XGBRegisterLogCallback(model_log_drop) != 0)
        return err_set(err, CAIRN_EINTERNAL, "XGBoost: cannot silence its logging: %s",
                       XGBGetLastError());
    return 0;
}

/* Fill err with what failed and XGBoost's last error, keeping only its first
** line without the "[hh:mm:ss] source.cc:123: " prefix and the stack trace;
** returns -1. */
static int model_xgb_fail(cairn_err *err, const char *what) {
    const char *m = XGBGetLastError();
    if (!m || !*m) m = "no message";
    if (*m == '[') {
        const char *close = strstr(m, "] ");
        if (close) m = close + 2;
        const char *colon = strstr(m, ": ");
        const char *nl = strchr(m, '\n');
        if (colon && (!nl || colon < nl) && !memchr(m, ' ', (size_t)(colon - m))) m = colon + 2;
    }
    int len = (int)strcspn(m, "\n");
    return err_set(err, CAIRN_EINTERNAL, "XGBoost failed while %s: %.*s", what, len, m);
}

/* Set one booster parameter; fills err on failure. */
static int model_param(BoosterHandle h, const char *name, const char *value, cairn_err *err) {
    if (XGBoosterSetParam(h, name, value) != 0) {
        char what[128];
        snprintf(what, sizeof what, "setting %s=%s", name, value);
        return model_xgb_fail(err, what);
    }
    return 0;
}

/* Set a numeric parameter, printed with enough digits to round-trip. */
static int model_param_num(BoosterHandle h, const char *name, double v, cairn_err *err) {
    char s[64];
    snprintf(s, sizeof s, "%.17g", v);
    return model_param(h, name, s, err);
}

/* 0 if nrows x ncols fits in memory arithmetic; else err. */
static int model_check_shape(size_t nrows, size_t ncols, cairn_err *err) {
    if (ncols == 0)
        return err_set(err, CAIRN_EINVAL, "the model needs at least one feature column (ncols is 0)");
    if (nrows > SIZE_MAX / ncols / sizeof(float) / 2)
        return err_set(err, CAIRN_EINVAL, "%zu rows x %zu columns is too large", nrows, ncols);
    return 0;
}

/* The option value or its default when 0. */
static double model_or(double v, double dflt) {
    return v == 0 ? dflt : v;
}

/* Check the options' ranges; fills err with the first bad one. */
static int model_check_opts(const risk_train_opts *o, size_t ncols, cairn_err *err) {
    if (o->rounds < 0 || o->rounds > 100000)
        return err_set(err, CAIRN_EINVAL, "rounds is %d: use 1 to 100000 (0 = 300)", o->rounds);
    if (o->max_depth < 0 || o->max_depth > 30)
        return err_set(err, CAIRN_EINVAL, "max_depth is %d: use 1 to 30 (0 = 4)", o->max_depth);
    if (!isfinite(o->eta) || o->eta < 0 || o->eta > 1)
        return err_set(err, CAIRN_EINVAL, "eta is %g: use a learning rate above 0 and at most 1", o->eta);
    if (!isfinite(o->subsample) || o->subsample < 0 || o->subsample > 1)
        return err_set(err, CAIRN_EINVAL, "subsample is %g: use a share above 0 and at most 1", o->subsample);
    if (!isfinite(o->colsample) || o->colsample < 0 || o->colsample > 1)
        return err_set(err, CAIRN_EINVAL, "colsample is %g: use a share above 0 and at most 1", o->colsample);
    if (!isfinite(o->min_child_weight) || o->min_child_weight < 0)
        return err_set(err, CAIRN_EINVAL, "min_child_weight is %g: it cannot be negative", o->min_child_weight);
    if (!isfinite(o->lambda) || o->lambda < 0)
        return err_set(err, CAIRN_EINVAL, "lambda is %g: it cannot be negative", o->lambda);
    if (o->nthread < 0 || o->nthread > 256)
        return err_set(err, CAIRN_EINVAL, "nthread is %d: use 1 to 256 (0 = 2)", o->nthread);
    if (!isfinite(o->scale_pos_weight) || o->scale_pos_weight < 0)
        return err_set(err, CAIRN_EINVAL, "scale_pos_weight is %g: it cannot be negative", o->scale_pos_weight);
    if (o->monotone)
        for (size_t c = 0; c < ncols; c++)
            if (o->monotone[c] < -1 || o->monotone[c] > 1)
                return err_set(err, CAIRN_EINVAL,
                               "monotone constraint of column %zu is %d: use +1, -1 or 0",
                               c + 1, o->monotone[c]);
    return 0;
}

/* Check X (no infinities) and y (0 or 1, both present). */
static int model_check_data(const float *X, size_t nrows, size_t ncols, const float *y,
                            cairn_err *err) {
    size_t pos = 0;
    for (size_t r = 0; r < nrows; r++) {
        if (y[r] != 0.0f && y[r] != 1.0f)
            return err_set(err, CAIRN_EINVAL,
                           "outcome of row %zu is %g: it must be 0 (stayed) or 1 (left early)",
                           r + 1, (double)y[r]);
        pos += y[r] == 1.0f;
    }
    if (pos == 0 || pos == nrows)
        return err_set(err, CAIRN_EINVAL,
                       "every one of the %zu rows has outcome %d: a model needs rows of both "
                       "outcomes (0 stayed, 1 left early)", nrows, pos ? 1 : 0);
    for (size_t i = 0; i < nrows * ncols; i++)
        if (isinf(X[i]))
            return err_set(err, CAIRN_EINVAL,
                           "row %zu, column %zu is infinite: use a finite number, or NAN for "
                           "\"not known\"", i / ncols + 1, i % ncols + 1);
    return 0;
}

/* A DMatrix over X (copied by XGBoost), NAN = missing.  Caller frees with
** XGDMatrixFree. */
static int model_dmatrix(const float *X, size_t nrows, size_t ncols, int nthread,
                         const char *what, DMatrixHandle *out, cairn_err *err) {
    *out = NULL;
    if (XGDMatrixCreateFromMat_omp(X, (bst_ulong)nrows, (bst_ulong)ncols, NAN, out, nthread) != 0) {
        *out = NULL;
        return model_xgb_fail(err, what);
    }
    return 0;
}

/* Check a prediction call's arguments against the model. */
static int model_check_predict(const risk_model *m, const float *X, size_t nrows, size_t ncols,
                               const double *out, cairn_err *err) {
    if (!m) return err_set(err, CAIRN_EINVAL, "no model (NULL)");
    if (ncols != m->ncols)
        return err_set(err, CAIRN_EINVAL,
                       "the model was trained on %zu feature columns, the data has %zu",
                       m->ncols, ncols);
    if (model_check_shape(nrows, ncols, err)) return -1;
    if (nrows && (!X || !out)) return err_set(err, CAIRN_EINVAL, "no data or no output (NULL)");
    return 0;
}

/* ---- training ----------------------------------------------------------- */

/* Set every training parameter from o on booster h. */
static int model_set_params(BoosterHandle h, const risk_train_opts *o, size_t ncols,
                            cairn_err *err) {
    char s[64];
    snprintf(s, sizeof s, "%d", o->nthread ? o->nthread : 2);
    if (model_param(h, "verbosity", "0", err) || model_param(h, "nthread", s, err) ||
        model_param(h, "objective", "binary:logistic", err) ||
        model_param(h, "eval_metric", "logloss", err) ||
        model_param(h, "tree_method", "hist", err))
        return -1;
    snprintf(s, sizeof s, "%d", o->max_depth ? o->max_depth : 4);
    if (model_param(h, "max_depth", s, err)) return -1;
    snprintf(s, sizeof s, "%" PRIu64, o->seed & INT64_MAX);
    if (model_param(h, "seed", s, err) ||
        model_param_num(h, "eta", model_or(o->eta, 0.05), err) ||
        model_param_num(h, "subsample", model_or(o->subsample, 0.8), err) ||
        model_param_num(h, "colsample_bytree", model_or(o->colsample, 0.8), err) ||
        model_param_num(h, "min_child_weight", model_or(o->min_child_weight, 1), err) ||
        model_param_num(h, "lambda", model_or(o->lambda, 1), err) ||
        model_param_num(h, "scale_pos_weight", model_or(o->scale_pos_weight, 1), err))
        return -1;
    if (o->monotone) {
        buf b = BUF_INIT;
        buf_putc(&b, '(');
        for (size_t c = 0; c < ncols; c++) buf_printf(&b, c ? ",%d" : "%d", o->monotone[c]);
        buf_putc(&b, ')');
        int rc = model_param(h, "monotone_constraints", buf_cstr(&b), err);
        buf_free(&b);
        if (rc) return -1;
    }
    return 0;
}

/* Train a model; see model.h.  *out freed with risk_model_free(). */
int risk_model_train(const float *X, size_t nrows, size_t ncols, const float *y,
                     const risk_train_opts *o, risk_model **out, cairn_err *err) {
    static const risk_train_opts dflt;
    if (!out) return err_set(err, CAIRN_EINVAL, "no place for the model (out is NULL)");
    *out = NULL;
    if (!o) o = &dflt;
    if (model_check_shape(nrows, ncols, err)) return -1;
    if (nrows < 2) return err_set(err, CAIRN_EINVAL, "the model needs at least 2 rows, got %zu", nrows);
    if (!X || !y) return err_set(err, CAIRN_EINVAL, "no training data (X or y is NULL)");
    if (model_check_opts(o, ncols, err) || model_check_data(X, nrows, ncols, y, err) ||
        model_quiet(err))
        return -1;

    int nthread = o->nthread ? o->nthread : 2;
    DMatrixHandle d = NULL;
    BoosterHandle h = NULL;
    if (model_dmatrix(X, nrows, ncols, nthread, "copying the training data", &d, err)) return -1;
    if (XGDMatrixSetFloatInfo(d, "label", y, (bst_ulong)nrows) != 0) {
        model_xgb_fail(err, "setting the outcomes");
        goto fail;
    }
    if (XGBoosterCreate(&d, 1, &h) != 0) {
        h = NULL;
        model_xgb_fail(err, "creating the model");
        goto fail;
    }
    if (model_set_params(h, o, ncols, err)) goto fail;
    int rounds = o->rounds ? o->rounds : 300;
    for (int i = 0; i < rounds; i++) {
        if (XGBoosterUpdateOneIter(h, i, d) != 0) {
            char what[64];
            snprintf(what, sizeof what, "training round %d", i + 1);
            model_xgb_fail(err, what);
            goto fail;
        }
    }
    if (XGDMatrixFree(d) != 0) {
        d = NULL;
        model_xgb_fail(err, "releasing the training data");
        goto fail;
    }
    risk_model *m = xcalloc(1, sizeof *m);
    m->h = h;
    m->ncols = ncols;
    m->nthread = nthread;
    *out = m;
    return 0;
fail:
    if (h) XGBoosterFree(h);
    if (d) XGDMatrixFree(d);
    return -1;
}

/* ---- prediction --------------------------------------------------------- */

/* Margins (log-odds) for nrows rows by in-place prediction: no copy of X. */
int risk_model_margin(risk_model *m, const float *X, size_t nrows, size_t ncols,
                      double *out, cairn_err *err) {
    if (model_check_predict(m, X, nrows, ncols, out, err)) return -1;
    if (nrows == 0) return 0;
    if (model_quiet(err)) return -1;
    char iface[200];
    snprintf(iface, sizeof iface,
             "{\"data\": [%" PRIuPTR ", true], \"shape\": [%zu, %zu], \"typestr\": \"<f4\", "
             "\"version\": 3}", (uintptr_t)X, nrows, ncols);
    const char *config = "{\"type\": 1, \"cache_id\": 0, \"training\": false, \"iteration_begin\": 0, "
                         "\"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN}";
    bst_ulong const *shape = NULL;
    bst_ulong dim = 0;
    const float *res = NULL;
    if (XGBoosterPredictFromDense(m->h, iface, config, NULL, &shape, &dim, &res) != 0)
        return model_xgb_fail(err, "predicting");
    bst_ulong total = 1;
    for (bst_ulong i = 0; i < dim; i++) total *= shape[i];
    if (total != nrows)
        return err_set(err, CAIRN_EINTERNAL, "XGBoost returned %" PRIu64 " predictions for %zu rows",
                       (uint64_t)total, nrows);
    for (size_t r = 0; r < nrows; r++) out[r] = res[r];
    return 0;
}

/* Probabilities: the logistic of the margins, in double. */
int risk_model_predict(risk_model *m, const float *X, size_t nrows, size_t ncols,
                       double *out, cairn_err *err) {
    if (risk_model_margin(m, X, nrows, ncols, out, err)) return -1;
    for (size_t r = 0; r < nrows; r++) out[r] = 1.0 / (1.0 + exp(-out[r]));
    return 0;
}

/* Build m->shap (risk/treeshap.h) from the booster's JSON model, once.  A
** model it cannot handle (e.g. trees too deep) leaves m->shap NULL, and the
** contributions then come from XGBoost itself: same numbers, slower. */
static void model_shap_prepare(risk_model *m) {
    if (m->shap_tried) return;
    m->shap_tried = 1;
    bst_ulong len = 0;
    const char *raw = NULL;
    cairn_err e = {0};
    if (XGBoosterSaveModelToBuffer(m->h, "{\"format\": \"json\"}", &len, &raw) == 0)
        risk_treeshap_build(raw, (size_t)len, m->ncols, &m->shap, &e);
}

/* TreeSHAP contributions: exact path-dependent TreeSHAP by per-leaf tables
** (risk/treeshap.c) when the model allows, else XGBoost's own.  XGBoost 1.7's
** in-place prediction (PredictFromDense) serves only values and margins
** ("Unsupported prediction type: 2"), so its path goes through a DMatrix and
** XGBoosterPredictFromDMatrix with type 2. */
int risk_model_contributions(risk_model *m, const float *X, size_t nrows, size_t ncols,
                             double *out, cairn_err *err) {
    if (model_check_predict(m, X, nrows, ncols, out, err)) return -1;
    if (nrows == 0) return 0;
    if (model_quiet(err)) return -1;
    model_shap_prepare(m);
    if (m->shap)
        return risk_treeshap_contributions(m->shap, X, nrows, ncols, m->nthread, out, err);
    DMatrixHandle d = NULL;
    if (model_dmatrix(X, nrows, ncols, m->nthread, "copying the data to explain", &d, err)) return -1;
    const char *config = "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
                         "\"iteration_end\": 0, \"strict_shape\": false}";
    bst_ulong const *shape = NULL;
    bst_ulong dim = 0;
    const float *res = NULL;
    int rc = 0;
    if (XGBoosterPredictFromDMatrix(m->h, d, config, &shape, &dim, &res) != 0) {
        rc = model_xgb_fail(err, "computing contributions");
    } else if (dim != 2 || shape[0] != nrows || shape[1] != ncols + 1) {
        rc = err_set(err, CAIRN_EINTERNAL,
                     "XGBoost returned contributions of an unexpected shape (%" PRIu64 " dims)",
                     (uint64_t)dim);
    } else {
        for (size_t i = 0; i < nrows * (ncols + 1); i++) out[i] = res[i];
    }
    XGDMatrixFree(d);
    return rc;
}

/* Number of features the model was trained on. */
size_t risk_model_ncols(const risk_model *m) {
    return m ? m->ncols : 0;
}

/* ---- persistence -------------------------------------------------------- */

/* Append the model's UBJSON bytes to out. */
int risk_model_save(risk_model *m, buf *out, cairn_err *err) {
    if (!m || !out) return err_set(err, CAIRN_EINVAL, "no model or no output buffer (NULL)");
    if (model_quiet(err)) return -1;
    bst_ulong len = 0;
    const char *raw = NULL;
    if (XGBoosterSaveModelToBuffer(m->h, "{\"format\": \"ubj\"}", &len, &raw) != 0)
        return model_xgb_fail(err, "saving the model");
    buf_append(out, raw, (size_t)len);
    return 0;
}

/* Load a model from bytes; *out freed with risk_model_free(). */
int risk_model_load(const void *data, size_t n, risk_model **out, cairn_err *err) {
    if (!out) return err_set(err, CAIRN_EINVAL, "no place for the model (out is NULL)");
    *out = NULL;
    /* JSON and UBJSON models both begin with '{'; anything else would reach
    ** XGBoost's old binary reader, which trusts its input. */
    if (!data || n < 2 || ((const char *)data)[0] != '{')
        return err_set(err, CAIRN_EINVAL,
                       "these %zu bytes are not a saved model (expected XGBoost JSON or UBJSON)", n);
    if (model_quiet(err)) return -1;
    BoosterHandle h = NULL;
    if (XGBoosterCreate(NULL, 0, &h) != 0) return model_xgb_fail(err, "creating a model");
    bst_ulong nf = 0;
    if (XGBoosterLoadModelFromBuffer(h, data, (bst_ulong)n) != 0) {
        model_xgb_fail(err, "reading the saved model");
        XGBoosterFree(h);
        return -1;
    }
    if (XGBoosterGetNumFeature(h, &nf) != 0) {
        model_xgb_fail(err, "reading the saved model's feature count");
        XGBoosterFree(h);
        return -1;
    }
    if (nf == 0) {
        XGBoosterFree(h);
        return err_set(err, CAIRN_EINVAL, "the saved model has no features");
    }
    if (model_param(h, "verbosity", "0", err) || model_param(h, "nthread", "2", err)) {
        XGBoosterFree(h);
        return -1;
    }
    risk_model *m = xcalloc(1, sizeof *m);
    m->h = h;
    m->ncols = (size_t)nf;
    m->nthread = 2;
    *out = m;
    return 0;
}

/* Release the model and its booster. */
void risk_model_free(risk_model *m) {
    if (!m) return;
    risk_treeshap_free(m->shap);
    XGBoosterFree(m->h);
    free(m);
}
