/*
** risk/train_store.c — a model in the database: storing a new active
** version (model bytes as base64, input list, calibration, card), loading
** the active or a given version back, and predicting with it: the
** predictor `cairn score` uses, with reasons.
*/
#include "risk/train_internal.h"
#include "risk/explain.h"
#include "base/mem.h"
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lock key serialising model writes ("cairTRN"). */
#define TRAIN_LOCK_KEY 0x6361697254524eLL

/* The model bytes as base64 text (malloc'd; caller frees). */
char *risk_train_model_base64(const buf *bytes) {
    size_t cap = sodium_base64_ENCODED_LEN(bytes->len, sodium_base64_VARIANT_ORIGINAL);
    char *b = xmalloc(cap);
    sodium_bin2base64(b, cap, (const unsigned char *)bytes->data, bytes->len,
                      sodium_base64_VARIANT_ORIGINAL);
    return b;
}


/* Store the model as the next version, active; *version gets it. */
int risk_train_model_store(store *st, int64_t inst, int horizon, const char *now,
                           const char *who, const char *features, json_t *card,
                           const char *model_b64, const char *calibration, int *version,
                           cairn_err *err) {
    if (store_tx_begin_write(st, TRAIN_LOCK_KEY, err) < 0) return -1;
    int64_t v = 0;
    int rc = store_query_int64(st, "SELECT coalesce(max(version), 0) FROM risk_model"
                                   " WHERE institution_id = ?", inst, &v, err);
    char *card_text = NULL;
    if (rc == 0) {
        *version = (int)v + 1;
        json_object_set_new(card, "version", json_integer(*version));
        card_text = json_dumps(card, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!card_text) abort();   /* only when out of memory */
        store_stmt *s = store_prepare(st, "UPDATE risk_model SET active = 0"
                                          " WHERE institution_id = ? AND active = 1", err);
        if (!s) rc = -1;
        else {
            store_bind_int64(s, 1, inst);
            if (store_step(s, err) < 0) rc = -1;
            store_finalize(s);
        }
    }
    if (rc == 0) {
        store_stmt *s = store_prepare(st,
            "INSERT INTO risk_model (institution_id, version, created_at, created_by,"
            " horizon_weeks, features, card, model, calibration, active)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", err);
        if (!s) rc = -1;
        else {
            store_bind_int64(s, 1, inst);
            store_bind_int64(s, 2, *version);
            store_bind_text(s, 3, now, (size_t)-1);
            store_bind_text(s, 4, who, (size_t)-1);
            store_bind_int64(s, 5, horizon);
            store_bind_text(s, 6, features, (size_t)-1);
            store_bind_text(s, 7, card_text, (size_t)-1);
            store_bind_text(s, 8, model_b64, (size_t)-1);
            store_bind_text(s, 9, calibration, (size_t)-1);
            if (store_step(s, err) < 0) rc = -1;
            store_finalize(s);
        }
    }
    free(card_text);
    if (rc < 0) {
        store_tx_rollback(st);
        err_prefix(err, "storing the model");
        return -1;
    }
    return store_tx_commit(st, err);
}

/* ---- a stored model ---------------------------------------------------------------------------- */

/* Load the active (version 0) or a given model; see train.h. */
int risk_loaded_load(store *st, int64_t inst, int version, risk_loaded *out, int *found,
                     cairn_err *err) {
    memset(out, 0, sizeof *out);
    *found = 0;
    store_stmt *s = store_prepare(st, version
        ? "SELECT version, horizon_weeks, features, card, model, calibration FROM risk_model"
          " WHERE institution_id = ? AND version = ?"
        : "SELECT version, horizon_weeks, features, card, model, calibration FROM risk_model"
          " WHERE institution_id = ? AND active = 1", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    if (version) store_bind_int64(s, 2, version);
    int rc = store_step(s, err);
    if (rc != STORE_ROW) {
        store_finalize(s);
        return rc < 0 ? -1 : 0;
    }
    out->version = (int)store_col_int64(s, 0);
    out->horizon_weeks = (int)store_col_int64(s, 1);
    const char *b64 = store_col_text(s, 4);
    size_t blen = b64 ? strlen(b64) : 0;
    unsigned char *bin = xmalloc(blen + 1);
    size_t nbin = 0;
    rc = 0;
    if (!b64 || sodium_base642bin(bin, blen + 1, b64, blen, " \n\r", &nbin, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) != 0)
        rc = err_set(err, CAIRN_EDB, "stored model version %d is not base64 text", out->version);
    if (rc == 0) rc = risk_cols_parse(store_col_text(s, 2), &out->cols, err);
    if (rc == 0) rc = risk_fitted_calibration_parse(store_col_text(s, 5), &out->fit, err);
    if (rc == 0) rc = risk_model_load(bin, nbin, &out->fit.model, err);
    if (rc == 0 && risk_model_ncols(out->fit.model) != out->cols.n)
        rc = err_set(err, CAIRN_EDB, "stored model version %d has %zu inputs but lists %zu",
                     out->version, risk_model_ncols(out->fit.model), out->cols.n);
    if (rc == 0) out->card = xstrdup(store_col_text(s, 3) ? store_col_text(s, 3) : "{}");
    free(bin);
    store_finalize(s);
    if (rc < 0) {
        err_prefix(err, "loading the model");
        risk_loaded_free(out);
        return -1;
    }
    *found = 1;
    return 0;
}

/* Release the loaded model. */
void risk_loaded_free(risk_loaded *m) {
    risk_fitted_free(&m->fit);
    free(m->card);
    memset(m, 0, sizeof *m);
}

/* Rows predicted (and explained) per block: bounds the contribution matrix. */
#define PREDICT_BLOCK 8192

/* Predict and explain rows with a loaded model; see train.h. */
int risk_loaded_predict(risk_loaded *m, store *st, int64_t inst, const risk_features *rows,
                        size_t n, risk_prediction *out, cairn_err *err) {
    risk_audit audit;
    memset(&audit, 0, sizeof audit);
    int need_audit = 0;
    for (size_t j = 0; j < m->cols.n; j++) need_audit |= m->cols.col[j].feature < 0;
    if (need_audit && risk_audit_load(st, inst, &audit, err) < 0) return -1;
    size_t k = m->cols.n;
    int colf[RISK_COLS_MAX];
    for (size_t j = 0; j < k; j++) colf[j] = m->cols.col[j].feature;
    size_t blk = n < PREDICT_BLOCK ? n : PREDICT_BLOCK;
    float *X = xmalloc((blk ? blk : 1) * k * sizeof *X);
    double *margin = xmalloc((blk ? blk : 1) * sizeof *margin);
    double *contrib = xmalloc((blk ? blk : 1) * (k + 1) * sizeof *contrib);
    int rc = 0;
    for (size_t at = 0; at < n && rc == 0; at += blk) {
        size_t nb = n - at < blk ? n - at : blk;
        risk_cols_matrix(&m->cols, rows + at, nb, need_audit ? &audit : NULL, X);
        rc = risk_model_margin(m->fit.model, X, nb, k, margin, err);
        if (rc == 0) rc = risk_model_contributions(m->fit.model, X, nb, k, contrib, err);
        for (size_t i = 0; rc == 0 && i < nb; i++) {
            risk_prediction *p = &out[at + i];
            memset(p, 0, sizeof *p);
            p->probability = risk_fitted_calibrate(&m->fit, margin[i]);
            risk_explain_pick(contrib + i * (k + 1), colf, k, rows[at + i].v, RISK_MODEL_REASONS, p);
        }
    }
    free(contrib);
    free(margin);
    free(X);
    risk_audit_free(&audit);
    if (rc < 0) err_prefix(err, "model version %d", m->version);
    return rc;
}

/* The active model as the scoring predictor; see train.h. */
int risk_train_predict_active(void *ctx, store *st, int64_t inst, const risk_features *rows,
                              size_t n, risk_prediction *out, int *model_version, cairn_err *err) {
    (void)ctx;
    *model_version = 0;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].probability = NAN;
    }
    risk_loaded m;
    int found;
    if (risk_loaded_load(st, inst, 0, &m, &found, err) < 0) return -1;
    if (!found) return 0;
    int rc = risk_loaded_predict(&m, st, inst, rows, n, out, err);
    if (rc == 0) *model_version = m.version;
    risk_loaded_free(&m);
    return rc;
}
