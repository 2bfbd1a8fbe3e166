/*
** risk/train_card.c — the model card written beside every stored model:
** purpose, outcome, design, data, inputs, parameters, calibration,
** evaluation and fairness (docs/risk.md describes each field).
*/
#include "risk/train_internal.h"
#include "base/date.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A date as a JSON string. */
static json_t *jdate(int32_t day) {
    char d[DATE_TEXT_LEN];
    date_format(day, d);
    return json_string(d);
}

/* A number, or null when not finite. */
static json_t *jnum(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

/* The model card (see risk/train.h and docs/risk.md). */
json_t *risk_train_card_build(int version, const char *inst_code, const char *now,
                              const char *who, const risk_trainset *ts, const int *h, size_t nh,
                              const risk_cols *cols, const int *mono,
                              const risk_train_config *c, const risk_train_opts *o,
                              const risk_fitted *fit, const risk_eval *ev) {
    json_t *card = json_object();
    json_object_set_new(card, "model", json_string("gradient-boosted trees (XGBoost, "
                                                   "binary:logistic), calibrated"));
    json_object_set_new(card, "version", json_integer(version));
    json_object_set_new(card, "institution", json_string(inst_code));
    json_object_set_new(card, "trained_at", json_string(now));
    json_object_set_new(card, "trained_by", json_string(who));
    json_object_set_new(card, "purpose",
        json_string("to point a person at learners who may leave early, so that someone talks "
                    "with them; never an automatic decision"));
    json_object_set_new(card, "outcome",
        json_string("1 = left early before the end of the school year; 0 = still enrolled at "
                    "its end (completed, or went on to the next year). Transfers and pauses "
                    "are left out."));
    json_t *ha = json_array();
    for (size_t i = 0; i < nh; i++) json_array_append_new(ha, json_integer(h[i]));
    json_object_set_new(card, "horizons_weeks", ha);
    json_object_set_new(card, "horizons_from",
                        json_string("the start of each term of the school year, or the "
                                    "enrolment's start when it began later"));
    json_object_set_new(card, "design",
        json_string("one model for all horizons: each learner is taken at every horizon "
                    "after the start of every term (or of the enrolment, when it began later) "
                    "as a separate row. Scoring happens on any day of the year, not only at a "
                    "horizon; the indicators already say how far into the term and the "
                    "enrolment a learner is; pooling gives a small school many times the rows; "
                    "and one active model keeps one version to audit."));

    json_t *data = json_object();
    json_object_set_new(data, "first_start", jdate(ts->first_start));
    json_object_set_new(data, "last_start", jdate(ts->last_start));
    json_object_set_new(data, "first_asof", jdate(ts->first_asof));
    json_object_set_new(data, "last_asof", jdate(ts->last_asof));
    json_t *ya = json_array();
    for (size_t y = 0; y < ts->nyears; y++) json_array_append_new(ya, json_string(ts->years[y].name));
    json_object_set_new(data, "school_years", ya);
    json_object_set_new(data, "enrolments", json_integer((json_int_t)ts->enrolments));
    json_object_set_new(data, "leavers", json_integer((json_int_t)ts->leavers));
    json_object_set_new(data, "learners", json_integer((json_int_t)ts->learners));
    json_object_set_new(data, "rows", json_integer((json_int_t)ts->n));
    json_object_set_new(data, "rows_left_early", json_integer((json_int_t)ts->positives));
    json_object_set_new(card, "data", data);

    json_t *fa = json_array();
    for (size_t j = 0; j < cols->n; j++) {
        const risk_col *k = &cols->col[j];
        json_t *fo = json_object();
        json_object_set_new(fo, "code", json_string(k->code));
        if (k->feature >= 0) {
            const risk_feature_info *fi = risk_feature_info_of((risk_feature)k->feature);
            json_object_set_new(fo, "name", json_string(fi->name));
            json_object_set_new(fo, "unit", json_string(fi->unit));
            size_t known = 0;   /* how much of the training data has it */
            for (size_t i = 0; i < ts->n; i++) known += !isnan(ts->rows[i].v[k->feature]);
            json_object_set_new(fo, "known", json_real(ts->n ? (double)known / (double)ts->n
                                                             : 0.0));
        } else {
            char name[160];
            const char *an = risk_attr_name((risk_attr)k->attr);
            if (k->cat[0]) snprintf(name, sizeof name, "%s is %s", an, k->cat);
            else snprintf(name, sizeof name, "%s (1 = yes)", an);
            json_object_set_new(fo, "name", json_string(name));
            json_object_set_new(fo, "unit", json_string("0/1"));
            json_object_set_new(fo, "fairness_attribute", json_true());
        }
        json_object_set_new(fo, "monotone", json_integer(mono[j]));
        json_array_append_new(fa, fo);
    }
    json_object_set_new(card, "features", fa);
    json_object_set_new(card, "monotone",
        json_string("+1: a higher value never lowers the estimate (e.g. more unexcused "
                    "absence); -1: a higher value never raises it (e.g. more attendance); "
                    "0: free"));

    json_t *attrs = json_object(), *inc = json_array(), *exc = json_array();
    for (int at = 0; at < RISK_ATTR_COUNT; at++) {
        int allowed = 0;
        const char *an = risk_attr_name((risk_attr)at);
        for (size_t i = 0; i < c->nallow; i++) allowed |= strcmp(c->allow[i], an) == 0;
        json_array_append_new(allowed ? inc : exc, json_string(an));
    }
    json_object_set_new(attrs, "excluded", exc);
    json_object_set_new(attrs, "included", inc);
    json_object_set_new(attrs, "note",
        json_string(json_array_size(inc)
                        ? "an administrator allowed the included attributes as model inputs; "
                          "the excluded ones are used only for the fairness table"
                        : "no fairness attribute is a model input; they are used only for the "
                          "fairness table"));
    json_object_set_new(card, "attributes", attrs);

    json_t *par = json_object();
    json_object_set_new(par, "rounds", json_integer(o->rounds));
    json_object_set_new(par, "max_depth", json_integer(o->max_depth));
    json_object_set_new(par, "eta", json_real(o->eta));
    json_object_set_new(par, "subsample", json_real(o->subsample));
    json_object_set_new(par, "colsample", json_real(o->colsample));
    json_object_set_new(par, "min_child_weight", json_real(o->min_child_weight));
    json_object_set_new(par, "lambda", json_real(o->lambda));
    json_object_set_new(par, "nthread", json_integer(o->nthread));
    json_object_set_new(par, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(par, "tree_method", json_string("hist"));
    json_object_set_new(card, "parameters", par);

    json_t *cal = json_object();
    int iso = fit->calib == RISK_CALIB_ISOTONIC;
    json_object_set_new(cal, "method", json_string(iso ? "isotonic" : "platt"));
    json_object_set_new(cal, "fitted_on",
        json_string("out-of-fold log-odds of a 5-fold cross-validation grouped by learner, so "
                    "no learner's estimate comes from a model that saw them"));
    char why[256];
    snprintf(why, sizeof why, iso ? "%zu rows (at least %d, with at least %d of each outcome): "
                                    "enough for isotonic regression, which assumes no shape"
                                  : "%zu rows (isotonic needs at least %d, with at least %d of "
                                    "each outcome): Platt scaling, a two-number fit, is safer",
             ts->n, RISK_ISOTONIC_MIN_ROWS, RISK_ISOTONIC_MIN_CLASS);
    json_object_set_new(cal, "why", json_string(why));
    json_object_set_new(card, "calibration", cal);

    json_t *evj = risk_eval_json_value(ev);
    json_t *eo = json_object();
    json_object_set_new(eo, "method", json_string(ev->method));
    json_object_set_new(eo, "roc_auc", jnum(ev->model.roc_auc));
    json_object_set_new(eo, "pr_auc", jnum(ev->model.pr_auc));
    json_object_set_new(eo, "brier", jnum(ev->model.brier));
    json_object_set_new(eo, "rules_roc_auc", jnum(ev->rules.roc_auc));
    if (evj) json_object_update(eo, evj);
    json_object_set_new(card, "evaluation", eo);
    json_t *fair = evj ? json_object_get(json_object_get(evj, "model"), "fairness") : NULL;
    json_object_set(card, "fairness", fair ? fair : json_array());
    json_object_set_new(card, "fairness_note",
        json_string("figures per group of each audit attribute on the evaluation rows, flagged "
                    "= selective tier or above; groups too small to show without pointing at "
                    "individuals are suppressed"));
    json_decref(evj);
    return card;
}
