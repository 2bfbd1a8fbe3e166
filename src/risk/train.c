/*
** risk/train.c — the learned model on a school's own history.
**
**   train_audit.c     learner_audit read into category codes, for the
**                     fairness tables and (only when a person allows one)
**                     as model inputs;
**   train_cols.c      which inputs a model has, stored as a JSON list of
**                     codes so a stored model is always fed the same way;
**   train_set.c       the training set: one row per (enrolment, finished
**                     school year, horizon), indicators as of that day
**                     (risk/train.h says why);
**   train_fit.c       XGBoost with monotone constraints from each
**                     indicator's known direction, calibrated on
**                     out-of-fold log-odds (isotonic, or Platt when rows
**                     are few);
**   train.c (here)    risk_train_run: check the settings, evaluate the
**                     design time-aware, train on everything, store a new
**                     active version with its model card (train_card.c);
**   train_store.c     storing and loading a version, and the predictor:
**                     the active model for `cairn score`, with reasons.
**
** Design choice, written into every card: ONE model for all horizons.  The
** horizons are points at which the history is sampled; scoring happens on
** any day of the year, not only at 4, 8 or 16 weeks, and the indicators
** already say how far into the year and the enrolment a learner is (weeks
** enrolled, term windows).  Pooling triples the rows a small school has,
** and one active model per institution keeps one version to audit.
*/
#include "risk/train_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- training a school's model ------------------------------------------------------------ */

/* Check the horizons and attribute names. */
int risk_train_config_check(const risk_train_config *c, cairn_err *err) {
    if (c->horizons) {
        if (c->nhorizons == 0 || c->nhorizons > RISK_HORIZONS_MAX)
            return err_set(err, CAIRN_EINVAL, "give 1 to %d horizons", RISK_HORIZONS_MAX);
        for (size_t i = 0; i < c->nhorizons; i++) {
            if (c->horizons[i] < 1 || c->horizons[i] > RISK_HORIZON_WEEKS_MAX)
                return err_set(err, CAIRN_EINVAL, "horizon %d weeks: use 1 to %d weeks",
                               c->horizons[i], RISK_HORIZON_WEEKS_MAX);
            for (size_t j = 0; j < i; j++)
                if (c->horizons[j] == c->horizons[i])
                    return err_set(err, CAIRN_EINVAL, "horizon %d weeks is given twice",
                                   c->horizons[i]);
        }
    }
    for (size_t i = 0; i < c->nallow; i++)
        if (risk_attr_find(c->allow[i]) < 0)
            return err_set(err, CAIRN_EINVAL, "unknown attribute \"%s\": the fairness attributes "
                           "are gender, migrant_background, special_needs and first_language",
                           c->allow[i]);
    if (c->nthread < 0 || c->nthread > 256)
        return err_set(err, CAIRN_EINVAL, "%d threads: use 1 to 256", c->nthread);
    return 0;
}

/* The operating-system user's name into out. */
static void os_user(char *out, size_t cap) {
    struct passwd *pw = getpwuid(geteuid());
    const char *name = pw && pw->pw_name ? pw->pw_name : getenv("USER");
    snprintf(out, cap, "%s", name && *name ? name : "unknown");
}

/* The institution's code (for the card). */
static void inst_code_of(store *st, int64_t inst, char *out, size_t cap) {
    cairn_err e = {0};
    out[0] = 0;
    store_stmt *s = store_prepare(st, "SELECT code FROM institution WHERE id = ?", &e);
    if (!s) return;
    store_bind_int64(s, 1, inst);
    if (store_step(s, &e) == STORE_ROW && store_col_text(s, 0))
        snprintf(out, cap, "%s", store_col_text(s, 0));
    store_finalize(s);
}

/* Train and store a school's model; see train.h. */
int risk_train_run(store *st, int64_t inst, const risk_train_config *c, risk_train_result *out,
                   cairn_err *err) {
    static const int dflt[] = RISK_HORIZONS_DEFAULT;
    memset(out, 0, sizeof *out);
    if (risk_train_config_check(c, err) < 0) return -1;
    const int *h = c->horizons ? c->horizons : dflt;
    size_t nh = c->horizons ? c->nhorizons : sizeof dflt / sizeof *dflt;
    if (store_in_tx(st))
        return err_set(err, CAIRN_EINTERNAL, "risk_train_run must not run inside a transaction");

    risk_trainset ts;
    risk_audit audit;
    if (risk_trainset_build(st, inst, h, nh, &ts, err) < 0) return -1;
    if (risk_audit_load(st, inst, &audit, err) < 0) {
        risk_trainset_free(&ts);
        return -1;
    }
    risk_cols cols;
    risk_cols_for(&cols, ts.rows, ts.n);
    for (size_t i = 0; i < c->nallow; i++)
        risk_cols_add_attr(&cols, &audit, (risk_attr)risk_attr_find(c->allow[i]));
    int mono[RISK_COLS_MAX];
    risk_cols_monotone(&cols, mono);
    risk_train_opts o;
    risk_train_defaults(&o);
    if (c->nthread) o.nthread = c->nthread;
    if (c->seed) o.seed = c->seed;
    o.monotone = mono;

    risk_eval *ev = xcalloc(1, sizeof *ev);
    risk_eval_opts eo = {0};
    eo.lead_time = 1;
    eo.seed = o.seed;
    if (ts.nyears < 2) eo.folds = 5;   /* one year: no later year to hold out */
    risk_fitted fit = {0};
    float *X = NULL;
    int64_t *grp = NULL;
    buf bytes = BUF_INIT, feat = BUF_INIT, calj = BUF_INIT;
    char *b64 = NULL;
    json_t *card = NULL;
    int rc = risk_eval_school(st, inst, &ts, &cols, &audit, &o, &eo, ev, err);
    if (rc < 0) err_prefix(err, "evaluating the model before training it on everything");
    if (rc == 0) {
        X = xmalloc(ts.n * cols.n * sizeof *X);
        grp = xmalloc(ts.n * sizeof *grp);
        risk_cols_matrix(&cols, ts.rows, ts.n, &audit, X);
        for (size_t i = 0; i < ts.n; i++) grp[i] = ts.rows[i].t.learner_id;
        rc = risk_fit(X, ts.n, cols.n, ts.label, grp, &o, &fit, err);
    }
    if (rc == 0) rc = risk_model_save(fit.model, &bytes, err);
    if (rc == 0) {
        char now[32], who[128], code[128];
        date_now_iso(now);
        if (c->by && *c->by) snprintf(who, sizeof who, "%s", c->by);
        else os_user(who, sizeof who);
        inst_code_of(st, inst, code, sizeof code);
        b64 = risk_train_model_base64(&bytes);
        risk_cols_json(&cols, &feat);
        risk_fitted_calibration_json(&fit, &calj);
        card = risk_train_card_build(0, code, now, who, &ts, h, nh, &cols, mono, c, &o, &fit, ev);
        int hmin = h[0];
        for (size_t i = 1; i < nh; i++)
            if (h[i] < hmin) hmin = h[i];
        rc = risk_train_model_store(st, inst, hmin, now, who, buf_cstr(&feat), card, b64,
                                    buf_cstr(&calj), &out->version, err);
    }
    if (rc == 0) {
        out->rows = ts.n;
        out->positives = ts.positives;
        out->enrolments = ts.enrolments;
        out->leavers = ts.leavers;
        out->roc_auc = ev->model.roc_auc;
        out->pr_auc = ev->model.pr_auc;
        out->brier = ev->model.brier;
        snprintf(out->evaluation, sizeof out->evaluation, "%s", ev->method);
        out->calib = fit.calib;
        out->card = json_dumps(card, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!out->card) abort();   /* only when out of memory */
    }
    json_decref(card);
    free(b64);
    buf_free(&bytes);
    buf_free(&feat);
    buf_free(&calj);
    free(grp);
    free(X);
    risk_fitted_free(&fit);
    free(ev);
    risk_audit_free(&audit);
    risk_trainset_free(&ts);
    return rc;
}

/* Release the card. */
void risk_train_result_free(risk_train_result *r) {
    free(r->card);
    r->card = NULL;
}
