/*
** risk/metrics.h — how good is the early warning?  Evaluation metrics,
** probability calibration, cross-validation folds, fairness by group and a
** report a school leader can read.
**
** Pure C over plain arrays: no database, no global state, thread-safe.
**
** Conventions used by every function here:
**   - label[i] != 0 means learner i left early (a positive), 0 means not.
**   - score[i]: higher = riskier.  A NaN score ranks below every number
**     (as if minus infinity, tied with the other NaNs) and is never >= a
**     threshold.
**   - prob[i]: a predicted probability of leaving early, in [0,1].
**   - A figure that is not defined for the input (n = 0, no positives, no
**     one flagged, ...) is NAN, never 0; each function says when.
*/
#ifndef CAIRN_RISK_METRICS_H
#define CAIRN_RISK_METRICS_H
#include "base/buf.h"
#include "base/err.h"
#include <stddef.h>
#include <stdint.h>

/* ---- ranking and probability quality ------------------------------------ */

/* The number of positive labels among label[0..n). */
size_t metric_positives(const int *label, size_t n);

/* Area under the ROC curve: the chance that a random leaver scores above a
** random stayer, ties counting 1/2.  O(n log n).  NAN if n = 0 or one class
** is absent. */
double metric_roc_auc(const double *score, const int *label, size_t n);

/* Average precision, step-wise exactly as scikit-learn's
** average_precision_score: sum over the distinct score thresholds, from the
** highest down, of (R_k - R_{k-1}) * P_k, with tied scores forming one
** threshold.  NAN if n = 0 or there are no positives; 1.0 if everyone is
** positive (as scikit-learn). */
double metric_pr_auc(const double *score, const int *label, size_t n);

/* Brier score: mean of (prob[i] - label[i])^2 (label as 0/1).  NAN if n = 0. */
double metric_brier(const double *prob, const int *label, size_t n);

/* Flag the top frac of the n learners by score: ceil(frac * n) of them
** (an exact product such as 0.1 * 30 counts as 3, not 4); frac <= 0 or NaN
** flags no one, frac > 1 everyone.  Equal scores are broken by index, the
** lower index first, so the set is deterministic.  Writes the number
** flagged, precision = leavers flagged / flagged (NAN if none flagged) and
** recall = leavers flagged / leavers (NAN if no leavers).  Any output
** pointer may be NULL. */
void metric_at_top(const double *score, const int *label, size_t n, double frac,
                   double *precision, double *recall, size_t *flagged);

/* Flag every learner with score >= threshold; outputs as metric_at_top. */
void metric_at_threshold(const double *score, const int *label, size_t n, double threshold,
                         double *precision, double *recall, size_t *flagged);

/* ---- calibration ----------------------------------------------------------- */

typedef struct metric_calib_bin {
    double lo, hi;       /* bin edges: [lo, hi), the last bin [lo, 1] */
    size_t n;            /* learners whose prob falls in the bin */
    double mean_pred;    /* mean prob in the bin (NAN if n = 0) */
    double observed;     /* share of them who left early (NAN if n = 0) */
} metric_calib_bin;

/* Reliability table: nbins equal-width bins of predicted probability over
** [0,1]; bins[] has nbins entries, all filled.  A prob below 0 counts in
** the first bin, above 1 in the last; a NaN prob is skipped.  Does nothing
** if nbins < 1. */
void metric_calibration(const double *prob, const int *label, size_t n, int nbins,
                        metric_calib_bin *bins);

/* ---- cross-validation ------------------------------------------------------- */

/* Stratified k-fold assignment: fold[i] in 0..k-1.  Each class (label 0,
** label != 0) is shuffled with a private splitmix64 stream seeded by seed
** and dealt round-robin, the second class continuing where the first
** stopped, so every fold gets the same number of each class within 1 and
** the same total within 1.  Same seed, same folds.  k < 1 counts as 1. */
void metric_stratified_folds(const int *label, size_t n, int k, uint64_t seed, int *fold);

/* ---- warning time ------------------------------------------------------------ */

typedef struct metric_lead_time {
    size_t leavers;        /* learners with an exit day */
    size_t flagged;        /* of them, flagged on or before the exit day */
    double median_weeks;   /* median weeks from first flag to exit over the flagged (NAN if none) */
    double mean_weeks;     /* mean of the same (NAN if none) */
    double share_1w;       /* share of leavers flagged >= 7 days before exit (NAN if no leavers) */
    double share_4w;       /* ... >= 28 days */
    double share_8w;       /* ... >= 56 days */
    /* the false alarms beside it (set by the caller; metric_lead_time_of leaves them):
    ** a warning figure is only ever shown with these */
    double precision;      /* of the rows on the list (the same cut-off), the share who left */
    double base_rate;      /* the share of all rows who left: what a random list scores */
    size_t stayers;        /* learners who stayed (per learner and school year) */
    size_t stayers_flagged;/* of them, on the list at some judged date */
} metric_lead_time;

/* Lead time.  exit_day[i] is the day learner i left early, INT32_MIN if
** they did not leave (not counted).  first_flag_day[i] is the first day
** they were flagged, INT32_MIN if never; a first flag after the exit day
** counts as not flagged.  Weeks = days / 7. */
void metric_lead_time_of(const int32_t *exit_day, const int32_t *first_flag_day, size_t n,
                         metric_lead_time *out);

/* ---- probability calibration ---------------------------------------------------- */

/* An isotonic (non-decreasing) map from raw score to probability: the
** points (x[j], y[j]), x strictly increasing, y non-decreasing.  Every
** pooled block of the fit is stored as its lowest and highest raw score
** with the block mean (one point if the block holds one distinct score),
** which is the same function as scikit-learn's IsotonicRegression. */
typedef struct metric_isotonic {
    size_t n;
    double *x, *y;
} metric_isotonic;

/* Fit by pool adjacent violators on (raw, label): equal raw scores are
** first pooled into one point (weight = count, value = share positive),
** then adjacent violators are merged into weighted means.  Fails
** (CAIRN_EINVAL) if n = 0 or a raw score is NaN or infinite.  out->x and
** out->y are malloc'd; free with metric_isotonic_free. */
int metric_isotonic_fit(const double *raw, const int *label, size_t n, metric_isotonic *out,
                        cairn_err *err);

/* The calibrated probability of raw: linear interpolation between the
** fitted points, clamped to the first / last y outside [x[0], x[n-1]].
** NAN if raw is NaN or m is empty. */
double metric_isotonic_apply(const metric_isotonic *m, double raw);

/* Free m's arrays; m is empty after (safe to call twice). */
void metric_isotonic_free(metric_isotonic *m);

/* Platt scaling: fit a, b so that p = 1/(1+exp(a*raw+b)) by Newton's
** method with backtracking (Lin, Lin & Weng 2007), on the Platt targets
** (N+ + 1)/(N+ + 2) for positives and 1/(N- + 2) for negatives.  When
** higher raw means riskier, a comes out negative.  Fails (CAIRN_EINVAL) if
** n = 0 or a raw score is NaN or infinite; (CAIRN_EINTERNAL) if Newton does
** not converge in 100 iterations. */
int metric_platt_fit(const double *raw, const int *label, size_t n, double *a, double *b,
                     cairn_err *err);

/* 1/(1+exp(a*raw+b)), computed without overflow. */
double metric_platt_apply(double a, double b, double raw);

/* ---- fairness --------------------------------------------------------------------- */

typedef struct metric_group {
    size_t n;               /* learners in the group */
    size_t positives;       /* of them, leavers */
    size_t flagged;         /* of them, score >= threshold */
    double auc;             /* ROC AUC within the group (NAN if one class absent) */
    double precision;       /* leavers flagged / flagged (NAN if none flagged) */
    double recall;          /* leavers flagged / leavers (NAN if no leavers) */
    double flag_rate;       /* flagged / n (NAN if n = 0) */
    double brier;           /* Brier score of prob (NAN if n = 0 or prob NULL) */
    double mean_pred;       /* mean prob (NAN if n = 0 or prob NULL) */
    double observed_rate;   /* positives / n (NAN if n = 0) */
} metric_group;

/* The same metrics per group of an audit attribute.  groups[i] is a small
** code; learners with a code outside 0..ngroups-1 (-1 = unknown) are
** skipped.  Fills out[g] for g in 0..ngroups-1; flagged = score >=
** threshold.  prob may be NULL (brier and mean_pred are then NAN). */
void metric_by_group(const double *score, const double *prob, const int *label,
                     const int *groups, size_t n, int ngroups, double threshold,
                     metric_group *out);

/* The same row over all n learners (the "overall" figure gaps are measured
** against).  prob may be NULL. */
void metric_group_overall(const double *score, const double *prob, const int *label,
                          size_t n, double threshold, metric_group *out);


/* ---- the evaluation report ------------------------------------------------------- */

#define METRIC_REPORT_TOPS  3     /* top 5 %, 10 %, 20 % */
#define METRIC_REPORT_TIERS 3
#define METRIC_REPORT_BINS  10
#define METRIC_MIN_CELL     10    /* smallest group whose figures are shown */
#define METRIC_GAP_TOLERANCE 0.05 /* default: 5 percentage points */

/* Precision / recall when the riskiest frac of learners is followed up. */
typedef struct metric_top_row {
    double frac;            /* 0.05, 0.10, 0.20 */
    size_t flagged;
    double precision, recall;
} metric_top_row;

/* Precision / recall at a named tier threshold (score >= threshold). */
typedef struct metric_tier_row {
    const char *name;       /* "high", "medium", ...; not owned */
    double threshold;
    size_t flagged;
    double precision, recall;
} metric_tier_row;

/* One fairness table: an audit attribute and its groups. */
typedef struct metric_fairness {
    const char *attribute;              /* "gender", "age band"; not owned */
    double threshold;                   /* the flag threshold the rows used */
    metric_group overall;               /* everyone, at that threshold */
    int ngroups;
    const char *const *group_names;     /* ngroups names; not owned */
    const metric_group *groups;         /* ngroups rows; not owned */
} metric_fairness;

/* Which rows of fairness table t may be shown, by the one suppression rule
** (base/suppress.h) over the groups' learner counts and the overall: a
** group of fewer than min_cell learners is withheld, and so is whatever
** would let it be worked out from the overall row (a second group, or the
** overall itself); the learners in no group (attribute not recorded) are a
** cell that is never shown.  Fills group_state[0..t->ngroups) and
** *overall_state with suppress_state values (SUPPRESS_SHOWN = may be shown).
** min_cell below METRIC_MIN_CELL counts as METRIC_MIN_CELL. */
void metric_fairness_withheld(const metric_fairness *t, size_t min_cell,
                              unsigned char *group_state, unsigned char *overall_state);

/* Everything `cairn evaluate` shows.  The report owns none of the strings
** or arrays it points to. */
typedef struct metric_report {
    const char *title;
    size_t n, positives;
    double roc_auc, pr_auc, brier;
    metric_top_row top[METRIC_REPORT_TOPS];
    int ntiers;                                   /* 0..METRIC_REPORT_TIERS */
    metric_tier_row tier[METRIC_REPORT_TIERS];
    int nbins;                                    /* 0 (not shown) or 1..METRIC_REPORT_BINS */
    metric_calib_bin calib[METRIC_REPORT_BINS];
    int has_lead_time;                            /* 0: lead not shown */
    metric_lead_time lead;
    size_t nfairness;
    const metric_fairness *fairness;              /* nfairness tables; not owned */
    double gap_tolerance;   /* a group's recall or flag rate further than this from
                               the overall figure is called out ("GAP:" line) */
    size_t min_cell;        /* groups smaller than this are suppressed; never below
                               METRIC_MIN_CELL whatever is set here */
} metric_report;

/* An empty report: the given title (not copied), every figure NAN, the top
** fractions 0.05 / 0.10 / 0.20, no tiers, bins, lead time or fairness,
** gap_tolerance METRIC_GAP_TOLERANCE, min_cell METRIC_MIN_CELL. */
void metric_report_init(metric_report *r, const char *title);

/* Fill n, positives, roc_auc, pr_auc, the top rows, the tier rows (names and
** thresholds of r->tier[0..ntiers) set by the caller beforehand) and, if
** prob is not NULL, brier and METRIC_REPORT_BINS calibration bins.  Lead
** time and fairness tables are the caller's to set. */
void metric_report_compute(metric_report *r, const double *score, const double *prob,
                           const int *label, size_t n);

/* Append the report to out as plain aligned text (UTF-8) for a school
** leader: headings, one figure per line with its meaning in words, a
** calibration table, warning time and fairness tables.  Rows withheld by
** metric_fairness_withheld show "suppressed (fewer than N)" or, when
** withheld only so that a smaller group cannot be worked out,
** "suppressed (so that a smaller group cannot be worked out)"; each gap in
** recall or flag rate above the tolerance between a shown group and the
** (shown) overall figure gets a line starting "GAP:". */
void metric_report_write(buf *out, const metric_report *r);

/* Append the same report to out as one JSON object, indented, numbers to 15
** significant digits (NaN figures are null; every fairness row carries
** "suppressed"; a suppressed group carries only its name, "suppressed":
** true and "suppression": "small" or "complementary", a suppressed overall
** only the last two; gaps are listed per table).  Fails
** (CAIRN_EINTERNAL) only if jansson cannot build or dump the document. */
int metric_report_json(buf *out, const metric_report *r, cairn_err *err);

/* The same JSON as a jansson value (json_t *); caller json_decref()s it.
** NULL only if jansson runs out of memory. */
struct json_t *metric_report_json_value(const metric_report *r);

#endif
