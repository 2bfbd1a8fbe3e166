/*
** risk/train.h — the learned model on a school's own history: the training
** set, the fairness attributes, fitting with calibration, the stored model
** versions and their model cards, and the predictor that scoring calls.
**
** What the model learns from.  For every finished school year (a year whose
** last term ended on or before the last recorded attendance day) and every
** enrolment that was open in it, one row per term and horizon h: the
** learner's indicators as of h weeks after the start of that term (or of
** the enrolment, when it began later), taken only while the learner was
** still enrolled and the year not over.  The outcome of the row is 1 when
** the learner left early before that school year ended, 0 when they were
** still enrolled at its end (they completed, or went on to the next year);
** transfers and pauses in the year are left out.  Years that began before
** the school's recorded events are left out (there is nothing to learn
** from).  Anchoring at every term, not only at the start of the year, gives
** rows from autumn, winter and spring alike, as scoring runs all year.
**
** Why school years and not only "h weeks after the enrolment began": a
** school's history is mostly learners in their second or third year; an
** enrolment still active today has no final outcome, and dropping those
** would keep only the leavers of recent cohorts, teaching the model that
** being new means leaving.  A finished school year has a known outcome for
** everyone in it.
**
** Fairness attributes (learner_audit: gender, migrant background, special
** needs, first language) are never inputs unless a person names one, and
** every model card says which were left out and which were used.
**
** Ownership: functions that allocate say who frees; nothing prints.
*/
#ifndef CAIRN_RISK_TRAIN_H
#define CAIRN_RISK_TRAIN_H
#include "base/buf.h"
#include "base/err.h"
#include "risk/features.h"
#include "risk/metrics.h"
#include "risk/model.h"
#include "risk/risk.h"
#include "risk/tabular.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

/* ---- fairness (audit) attributes -------------------------------------------- */

typedef enum {
    RISK_ATTR_GENDER,
    RISK_ATTR_MIGRANT,       /* migrant_background: "no" / "yes" */
    RISK_ATTR_SEN,           /* special_needs: "no" / "yes" */
    RISK_ATTR_LANGUAGE,      /* first_language */
    RISK_ATTR_COUNT
} risk_attr;

/* The attribute's column name in learner_audit ("gender", "migrant_background",
** "special_needs", "first_language"); static. */
const char *risk_attr_name(risk_attr a);

/* The attribute called name, or -1. */
int risk_attr_find(const char *name);

/* Categories kept per attribute; rarer values of a text attribute are
** pooled as "other". */
#define RISK_AUDIT_MAXCAT 12

/* The audit attributes of an institution's learners. */
typedef struct risk_audit {
    size_t n;
    int64_t *learner_id;                      /* ascending */
    signed char (*code)[RISK_ATTR_COUNT];     /* category index, -1 = not recorded */
    int ncat[RISK_ATTR_COUNT];
    char *cat[RISK_ATTR_COUNT][RISK_AUDIT_MAXCAT];   /* category names, sorted */
} risk_audit;

/* Read learner_audit of the institution.  Free with risk_audit_free(). */
int risk_audit_load(store *st, int64_t institution_id, risk_audit *out, cairn_err *err);

/* Release what risk_audit_load() allocated; a is empty after. */
void risk_audit_free(risk_audit *a);

/* The learner's category of attribute at (index into a->cat[at]), -1 when
** not recorded or the learner has no audit row. */
int risk_audit_code(const risk_audit *a, int64_t learner_id, risk_attr at);

/* ---- model input columns -------------------------------------------------------- */

#define RISK_COLS_MAX (RF_COUNT + RISK_ATTR_COUNT * RISK_AUDIT_MAXCAT)

/* One input column: an indicator, or an allowed audit attribute. */
typedef struct risk_col {
    int  feature;        /* risk_feature, or -1 for an audit attribute */
    int  attr;           /* risk_attr when feature is -1, else -1 */
    char cat[64];        /* one-hot category ("female"); "" = the attribute's 0/1 value */
    char code[96];       /* "att_rate_4w", "gender=female", "migrant_background" */
} risk_col;

typedef struct risk_cols {
    size_t n;
    risk_col col[RISK_COLS_MAX];
} risk_cols;

/* Every indicator (RF_*) in order, no attribute. */
void risk_cols_default(risk_cols *c);

/* The same without the platform metrics (risk_metric_feature) that no row
** of rows[0..n) knows: the inputs a school's data can feed. */
void risk_cols_for(risk_cols *c, const risk_features *rows, size_t n);

/* Add attribute at as input: migrant_background and special_needs as one
** 0/1 column, gender and first_language one 0/1 column per category found
** in a.  Adding one twice changes nothing. */
void risk_cols_add_attr(risk_cols *c, const risk_audit *a, risk_attr at);

/* 1 if any column is attribute at. */
int risk_cols_has_attr(const risk_cols *c, risk_attr at);

/* The columns as the JSON array of codes stored in risk_model.features,
** appended to out. */
void risk_cols_json(const risk_cols *c, buf *out);

/* The columns from a stored JSON array of codes; an unknown code is an
** error. */
int risk_cols_parse(const char *json, risk_cols *c, cairn_err *err);

/* The input matrix, rows[0..n) x c->n row-major, into X (caller-sized);
** a may be NULL when no column is an attribute.  Unknown = NAN. */
void risk_cols_matrix(const risk_cols *c, const risk_features *rows, size_t n,
                      const risk_audit *a, float *X);

/* Monotone constraint per column (caller-sized c->n): an indicator's
** direction (+1 more is riskier, -1 less is riskier, 0 free); attributes 0. */
void risk_cols_monotone(const risk_cols *c, int *mono);

/* ---- the training set ------------------------------------------------------------ */

/* Horizons used when none are given: 4, 8 and 16 weeks. */
#define RISK_HORIZONS_DEFAULT {4, 8, 16}
#define RISK_HORIZONS_MAX 8
#define RISK_HORIZON_WEEKS_MAX 52

#define RISK_YEAR_TERMS_MAX 8   /* terms of a year used as anchors (later ones are not) */

typedef struct risk_school_year {
    char    name[32];       /* term.school_year, e.g. "2024/25" */
    int32_t start, end;     /* first term's first day, last term's last day */
    int     nterms;
    int32_t term_start[RISK_YEAR_TERMS_MAX];   /* ascending */
} risk_school_year;

typedef struct risk_trainset {
    size_t n;
    risk_features *rows;      /* indicators; rows[i].t is the (learner, enrolment, asof) */
    int *label;               /* 1: left early before the end of that school year */
    int *year;                /* index into years */
    int *horizon;             /* weeks after the start of the term (or enrolment) */
    int *term;                /* which term of the year (0 = the first) */
    int32_t *exit_day;        /* the day a row's leaver left; INT32_MIN for 0 rows */
    size_t nyears;
    risk_school_year *years;  /* the finished years used, oldest first */
    size_t enrolments;        /* distinct enrolments */
    size_t leavers;           /* of them, left early in a year used */
    size_t learners;          /* distinct learners */
    size_t positives;         /* rows with label 1 */
    int32_t first_start, last_start;   /* enrolment start dates */
    int32_t first_asof, last_asof;     /* indicator dates */
} risk_trainset;

/* Build the training set (see the top of this file) for horizons h[0..nh)
** (1..52 weeks each; NULL = the defaults), computing every row's indicators
** with one risk_features_compute() call.  Errors: no terms (the school
** calendar is needed), no finished year with recorded events, no leaver or
** no stayer.  Free with risk_trainset_free(). */
int risk_trainset_build(store *st, int64_t institution_id, const int *h, size_t nh,
                        risk_trainset *out, cairn_err *err);

/* Release the set's arrays; s is empty after. */
void risk_trainset_free(risk_trainset *s);

/* ---- fitting ------------------------------------------------------------------------ */

/* Calibrated with isotonic regression when the out-of-fold rows reach this
** many (and both outcomes at least RISK_ISOTONIC_MIN_CLASS), else Platt. */
#define RISK_ISOTONIC_MIN_ROWS 1000
#define RISK_ISOTONIC_MIN_CLASS 50
#define RISK_CALIB_FOLDS 5
#define RISK_CALIB_TIE_BREAK 1e-8   /* keeps the model's order inside an isotonic step */

/* A trained model and its calibration of the log-odds. */
typedef struct risk_fitted {
    risk_model *model;
    risk_calib calib;            /* RISK_CALIB_ISOTONIC or RISK_CALIB_PLATT */
    metric_isotonic iso;
    double platt_a, platt_b;
} risk_fitted;

/* The XGBoost settings for a school's history: shallow trees, slow
** learning, one thread (a few thousand rows train faster on one thread than
** on two that wait for each other, and far faster on a busy machine). */
void risk_train_defaults(risk_train_opts *o);

/* Train on X (n x k, row-major) and label, then calibrate: a
** RISK_CALIB_FOLDS-fold cross-validation, stratified and grouped by
** group[i] (the learner: all rows of one learner in one fold), gives every
** row an out-of-fold log-odds, on which the calibrator is fitted; the model
** itself is trained on all rows.  o->monotone is honoured.  Free with
** risk_fitted_free(). */
int risk_fit(const float *X, size_t n, size_t k, const int *label, const int64_t *group,
             const risk_train_opts *o, risk_fitted *out, cairn_err *err);

/* Calibrated probabilities of n rows into prob; margin (may be NULL) gets
** the raw log-odds. */
int risk_fitted_predict(risk_fitted *f, const float *X, size_t n, size_t k, double *prob,
                        double *margin, cairn_err *err);

/* The calibrated probability of one log-odds value. */
double risk_fitted_calibrate(const risk_fitted *f, double margin);

/* The calibration as JSON ({"method": "isotonic", "on": "log-odds", "x": [...],
** "y": [...]} or {"method": "platt", ..., "a": .., "b": ..}), appended to out. */
void risk_fitted_calibration_json(const risk_fitted *f, buf *out);

/* Read a calibration written by risk_fitted_calibration_json into f (its
** model is not touched). */
int risk_fitted_calibration_parse(const char *json, risk_fitted *f, cairn_err *err);

/* Release the model and calibration; f is empty after. */
void risk_fitted_free(risk_fitted *f);

/* Stratified folds grouped by group[i]: fold[i] in 0..k-1, every row of a
** group in one fold, a group counting as positive when any of its rows is. */
void risk_group_folds(const int64_t *group, const int *label, size_t n, int k, uint64_t seed,
                      int *fold);

/* ---- training a school's model ------------------------------------------------------ */

typedef struct risk_train_config {
    const int *horizons;          /* weeks; NULL = 4, 8, 16 */
    size_t nhorizons;
    const char *const *allow;     /* audit attribute names allowed as inputs */
    size_t nallow;
    const char *by;               /* who trains; NULL = the operating-system user */
    int nthread;                  /* 0 = 1 (see risk_train_defaults) */
    uint64_t seed;                /* 0 = 1 */
} risk_train_config;

typedef struct risk_train_result {
    int version;                  /* the stored version, now active */
    size_t rows, positives, enrolments, leavers;
    double roc_auc, pr_auc, brier;   /* of the time-aware (or k-fold) evaluation */
    char evaluation[256];         /* how it was evaluated, in words */
    risk_calib calib;
    char *card;                   /* the model card JSON, malloc'd */
} risk_train_result;

/* Check the horizons and attribute names of c; errors name the bad value
** (CAIRN_EINVAL) and nothing is read or stored. */
int risk_train_config_check(const risk_train_config *c, cairn_err *err);

/* Build the training set, evaluate the design (time-aware; 5-fold grouped
** by learner when there is only one finished year), train the model on
** every row, and store it as the institution's next risk_model version with
** its card, marked active (the previous one inactive), in one write
** transaction.  risk_migrate() must have run.  Free out with
** risk_train_result_free(). */
int risk_train_run(store *st, int64_t institution_id, const risk_train_config *c,
                   risk_train_result *out, cairn_err *err);

/* Release the card. */
void risk_train_result_free(risk_train_result *r);

/* ---- a stored model --------------------------------------------------------------------- */

typedef struct risk_loaded {
    int version;
    int horizon_weeks;
    risk_cols cols;
    risk_fitted fit;
    char *card;                   /* malloc'd JSON */
} risk_loaded;

/* Load the institution's active model (version 0 = the active one) or a
** given version.  *found is 0 (and out empty) when there is none.  Free
** with risk_loaded_free(). */
int risk_loaded_load(store *st, int64_t institution_id, int version, risk_loaded *out,
                     int *found, cairn_err *err);

/* Release the loaded model; m is empty after. */
void risk_loaded_free(risk_loaded *m);

/* Predict rows[0..n) with m: calibrated probability and the indicators that
** raised it most (risk/explain.h) into out[0..n).  Reads learner_audit only
** when the model uses an attribute. */
int risk_loaded_predict(risk_loaded *m, store *st, int64_t institution_id,
                        const risk_features *rows, size_t n, risk_prediction *out,
                        cairn_err *err);

/* The predictor for scoring (a risk_predict_fn): the institution's active
** model, or "no model" (*model_version = 0) when it has none.  ctx unused. */
int risk_train_predict_active(void *ctx, store *st, int64_t institution_id,
                              const risk_features *rows, size_t n, risk_prediction *out,
                              int *model_version, cairn_err *err);

#endif
