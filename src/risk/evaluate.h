/*
** risk/evaluate.h — how often is the early warning right, on this school's
** own history?  The rules and the learned model judged side by side on rows
** neither was tuned on.
**
** Time-aware by default: the model is trained on the earlier school years
** and judged on the latest finished one, as it would have been used.  With
** folds >= 2, stratified k-fold cross-validation grouped by learner instead
** (every row gets a prediction from a model that never saw that learner),
** for a history without time order or with a single year.
**
** For each of the rules and the model: ROC AUC, PR AUC, precision and recall
** at the top 5 / 10 / 20 % and at the tier thresholds, Brier score and
** calibration (the model only: rules give no probability), lead time, and
** the same per group of each audit attribute with gaps called out
** (metric_report_*).  The rules' score of a row is 10 x its rules-only tier
** + its number of flags, so "selective or above" is a score of at least 10.
*/
#ifndef CAIRN_RISK_EVALUATE_H
#define CAIRN_RISK_EVALUATE_H
#include "base/buf.h"
#include "base/err.h"
#include "risk/metrics.h"
#include "risk/risk.h"
#include "risk/train.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

#define RISK_EVAL_GAP_DEFAULT 0.10      /* gap tolerance: 10 percentage points */
#define RISK_EVAL_LEAD_WEEKS 40         /* weekly replay: at most this many weeks per leaver */

typedef struct risk_eval_opts {
    int folds;                /* 0 = time-aware; 2..20 = k-fold grouped by learner */
    double gap_tolerance;     /* 0 = RISK_EVAL_GAP_DEFAULT */
    risk_tier_opts tiers;     /* probability thresholds of the model's tiers (0 = 0.3 / 0.6) */
    int lead_time;            /* 1: compute the warning time (costs indicator replays) */
    uint64_t seed;            /* folds; 0 = 1 */
} risk_eval_opts;

/* One list's figures by horizon. */
typedef struct risk_eval_horizon {
    int weeks;
    size_t n, positives;
    double model_auc, rules_auc;
} risk_eval_horizon;

/* An evaluation.  Its reports point into the struct itself: fill it in place
** with risk_eval_school() and never copy it. */
typedef struct risk_eval {
    char method[256];                  /* in words */
    char judged[128];                  /* the school year(s) judged: "2025/26" */
    unsigned metrics_known;            /* the platform metrics the school's data has
                                          (bit k: RISK_METRIC_*, risk_metrics_known) */
    size_t train_rows, test_rows, test_positives;
    char lead_source[128];             /* how the warning time was measured */
    char tier_basis[128];              /* "" = thresholds; else how tiers by share were cut */
    metric_report model, rules;
    size_t nhorizons;
    risk_eval_horizon horizon[RISK_HORIZONS_MAX];
    /* storage the reports point to */
    char model_title[256], rules_title[256];
    metric_fairness model_fair[RISK_ATTR_COUNT], rules_fair[RISK_ATTR_COUNT];
    metric_group model_groups[RISK_ATTR_COUNT][RISK_AUDIT_MAXCAT];
    metric_group rules_groups[RISK_ATTR_COUNT][RISK_AUDIT_MAXCAT];
    char group_text[RISK_ATTR_COUNT][RISK_AUDIT_MAXCAT][64];
    const char *group_names[RISK_ATTR_COUNT][RISK_AUDIT_MAXCAT];
} risk_eval;

/* Evaluate the rules (the institution's current rule set) and a model of
** the given design (columns cols, XGBoost settings o with their monotone
** constraints, calibrated as risk_fit does) on the training set ts; a is the
** audit for the fairness tables (and attribute columns).  eo may be NULL
** for the defaults.  Errors: too few years for time-aware evaluation (use
** folds), a test part without leavers or stayers. */
int risk_eval_school(store *st, int64_t institution_id, const risk_trainset *ts,
                     const risk_cols *cols, const risk_audit *a, const risk_train_opts *o,
                     const risk_eval_opts *eo, risk_eval *out, cairn_err *err);

/* The evaluation as text for a school leader (both reports, figures by
** horizon), appended to out. */
void risk_eval_write(buf *out, const risk_eval *e);

/* The evaluation as one JSON object {"method", "train_rows", "test_rows",
** "by_horizon", "rules", "model"}, appended to out. */
int risk_eval_json(buf *out, const risk_eval *e, cairn_err *err);

/* The same as a jansson value (json_t *); caller json_decref()s it.  NULL
** only when out of memory. */
struct json_t *risk_eval_json_value(const risk_eval *e);

#endif
