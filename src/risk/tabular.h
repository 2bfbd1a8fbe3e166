/*
** risk/tabular.h — the learned model on a table of learners that has no
** events: one row per learner, numeric attribute columns and an outcome
** column (e.g. the UCI "Predict students' dropout and academic success"
** file: 4,424 students, 36 attributes, Target = Dropout / Enrolled /
** Graduate).
**
** The evaluation is honest: stratified k-fold cross-validation gives every
** row a probability from a model that never saw it, and calibration (if
** asked for) is fitted inside each training fold only, on out-of-fold
** predictions of an inner cross-validation, never on the rows it is judged
** on.
**
**   risk_table t;
**   risk_table_opts o = {.target = "Target", .positive = "Dropout"};
**   if (risk_table_read("data.csv", &o, &t, &err)) ...;
**   double *p = xmalloc(t.nrows * sizeof *p);
**   risk_table_cross_validate(&t, 5, 42, NULL, p, &err);
**   risk_table_free(&t);
*/
#ifndef CAIRN_RISK_TABULAR_H
#define CAIRN_RISK_TABULAR_H
#include "base/buf.h"
#include "base/err.h"
#include "risk/model.h"
#include <stddef.h>
#include <stdint.h>

/* How to read a table.  A zeroed struct reads outcome column "Target" with
** "Dropout" as the positive value and keeps every other column. */
typedef struct risk_table_opts {
    const char *target;              /* outcome column; NULL = "Target" */
    const char *positive;            /* outcome value that counts as 1 (left early);
                                     ** every other value is 0; NULL = "Dropout" */
    const char *const *drop;         /* exact column names to leave out, NULL-terminated;
                                     ** may be NULL */
    const char *const *drop_prefix;  /* leave out every column whose name starts with one
                                     ** of these, NULL-terminated; may be NULL */
    const char *const *categorical;  /* exact names of columns that hold category codes
                                     ** (a course, a nationality: the number names a group,
                                     ** its size means nothing), NULL-terminated; may be NULL
                                     ** (every column is a number).  A name no column has is
                                     ** an error; a left-out column is simply not used. */
    const char *const *numeric;      /* exact names of columns declared numbers (a
                                     ** description file says so), NULL-terminated; may be
                                     ** NULL.  Every column is a number unless categorical;
                                     ** this only checks that each name is a column. */
    const char *name;                /* file name used in messages; NULL = the path */
} risk_table_opts;

/* A table in memory.  Every array is malloc'd and owned by the table. */
typedef struct risk_table {
    size_t nrows, ncols;
    char **colnames;     /* ncols attribute names, file order, surrounding white space
                         ** trimmed (the outcome and left-out columns are not here) */
    float *X;            /* nrows x ncols, row-major; an empty cell is NAN (not known) */
    int *y;              /* nrows outcomes: 1 = the positive value, else 0 */
    unsigned char *categorical;  /* ncols flags, 1 = the column holds category codes;
                                 ** NULL when the options named none */
    size_t positives;    /* rows with y = 1 */
} risk_table;

/* Read a ';'- or ','-separated file with a header row through base/csv.h.
** Names in the header and in o are compared after trimming white space.
** Every kept cell (category codes too) must be a decimal number ("12",
** "-0.5", "1e3") or empty; anything else is an error "file:line:column:
** ...".  Also errors: no outcome column; a name in o->drop,
** o->categorical or o->numeric, or a prefix in o->drop_prefix, that matches no column;
** two columns of the same name; a row with the wrong number of fields; an
** empty outcome; no row with the positive value; no attribute column left.
** On success fills *out (free with risk_table_free); on failure *out is
** empty. */
int risk_table_read(const char *path, const risk_table_opts *o, risk_table *out,
                    cairn_err *err);

/* What a table's description file says about its columns (see
** risk_table_columns_parse).  Every string is malloc'd and owned here. */
typedef struct risk_table_columns {
    char *target;          /* the outcome column, NULL when no line says "target" */
    char *positive;        /* the outcome value that counts as 1, NULL when not given */
    char **categorical;    /* NULL-terminated names; never NULL after a parse */
    char **numeric;        /* likewise */
    char **ignore;         /* likewise: columns to leave out */
} risk_table_columns;

/* Parse a description file held in text[0..n) (name is used in messages):
** UTF-8 text, one line per column it describes,
**
**   NAME<TAB>categorical | numeric | ignore
**   NAME<TAB>target[<TAB>POSITIVE VALUE]
**
** blank lines and lines starting with '#' are skipped, a CR before the LF is
** dropped; a column it does not name is a number.  Errors "name:line: ...":
** no tab, an empty name, an unknown kind, a field too many, a value after a
** kind other than target, a name twice, two targets, a NUL byte, more than
** RISK_TABLE_COLUMNS_MAX lines.  On success fills *out (free with
** risk_table_columns_free); on failure *out is empty. */
enum { RISK_TABLE_COLUMNS_MAX = 4096 };
int risk_table_columns_parse(const char *text, size_t n, const char *name,
                             risk_table_columns *out, cairn_err *err);

/* risk_table_columns_parse on the file at path (at most 1 MiB). */
int risk_table_columns_read(const char *path, risk_table_columns *out, cairn_err *err);

/* Release what a parse filled; c is empty after (safe to call twice). */
void risk_table_columns_free(risk_table_columns *c);

/* Release the table's arrays; t is empty after (safe to call twice). */
void risk_table_free(risk_table *t);

/* The gradient-boosting settings of the tabular model (see tabular.c for
** how they were chosen): fills *o. */
void risk_table_train_defaults(risk_train_opts *o);

/* How probabilities are calibrated inside each training fold. */
typedef enum {
    RISK_CALIB_NONE = 0,   /* the model's own probabilities */
    RISK_CALIB_ISOTONIC,   /* isotonic regression (metric_isotonic_*) */
    RISK_CALIB_PLATT       /* Platt scaling of the log-odds (metric_platt_fit) */
} risk_calib;

/* The tabular model and how it is cross-validated.  The model is boosted
** trees (risk_model, settings risk_train_opts) blended in log-odds with a
** linear part: an L2-penalised logistic regression on the standardised
** numeric columns and one indicator per category code.  Trees find
** thresholds and interactions; the linear part gives every course or
** application mode its own effect from few learners, which depth-limited
** trees over arbitrary code numbers do poorly (name those columns in
** risk_table_opts.categorical).  A zeroed struct gives the defaults noted
** below with seed 0 and no calibration; risk_table_cv_defaults() gives the
** evaluated settings. */
typedef struct risk_cv_opts {
    int folds;             /* outer folds, 0 = 5 (2 .. rows) */
    uint64_t seed;         /* fold assignment (metric_stratified_folds) */
    int nseeds;            /* tree models averaged per fit (log-odds mean), each with
                           ** its own sampling seed; 0 = 1 */
    double linear_weight;  /* share of the linear part in the blended log-odds, up to
                           ** 1 (linear only); 0 = 0.4; negative = none (trees only) */
    double linear_l2;      /* L2 penalty of the linear part (on standardised
                           ** columns, summed loss), 0 = 10 */
    int min_level;         /* a category code gets its own indicator when at least
                           ** this many training rows have it, 0 = 10 */
    risk_calib calib;      /* calibration fitted inside each training fold, 0 = none */
    int inner_folds;       /* folds of the inner cross-validation that gives the
                           ** calibrator its out-of-fold predictions, 0 = 5 */
} risk_cv_opts;

/* The evaluated settings: 5 folds, seed 42, one tree model, linear weight
** 0.4, L2 10, codes seen 10 times, Platt calibration on 5 inner folds. */
void risk_table_cv_defaults(risk_cv_opts *cv);

/* Stratified k-fold cross-validation of the model (risk_table_cv_defaults
** with these folds and seed, no calibration; o NULL = the tabular tree
** settings): oof_prob[i] (nrows entries, caller's) is row i's probability
** from the model trained on the other folds. */
int risk_table_cross_validate(const risk_table *t, int folds, uint64_t seed,
                              const risk_train_opts *o, double *oof_prob, cairn_err *err);

/* The same with every setting: oof_raw gets the model's probabilities and,
** when cv->calib is not NONE, oof_cal (may be NULL otherwise) the calibrated
** ones, each calibrator fitted on the inner out-of-fold predictions of its
** training fold.  cv NULL = risk_table_cv_defaults; o NULL = the tabular
** tree settings. */
int risk_table_cross_validate_ex(const risk_table *t, const risk_cv_opts *cv,
                                 const risk_train_opts *o, double *oof_raw, double *oof_cal,
                                 cairn_err *err);

/* One column set of the evaluation: a name and the column-name prefixes it
** leaves out (NULL-terminated, may be NULL = every column). */
typedef struct risk_table_colset {
    const char *name;
    const char *const *drop_prefix;
} risk_table_colset;

/* The figures for one column set. */
typedef struct risk_table_result {
    const char *name;          /* the column set's name; not owned */
    size_t nrows, ncols, positives;
    double roc_auc, pr_auc;    /* of the uncalibrated out-of-fold probabilities */
    double brier_raw;          /* Brier score before calibration */
    double brier_cal;          /* after (NAN when cv->calib is NONE) */
    double roc_auc_cal;        /* ROC AUC of the calibrated probabilities (NAN likewise) */
    double seconds;            /* wall time of the cross-validation */
} risk_table_result;

/* Evaluate the model on the file at path for each of nsets column sets:
** read with o (leaving out o's prefixes plus the set's), cross-validate
** with cv (NULL = risk_table_cv_defaults) and train (NULL = the tabular tree
** settings), and fill res[0..nsets).  If report is not NULL, append a
** summary table and, for each set, the metric_report of its calibrated (or,
** without calibration, raw) out-of-fold probabilities. */
int risk_table_evaluate(const char *path, const risk_table_opts *o,
                        const risk_table_colset *sets, size_t nsets,
                        const risk_cv_opts *cv, const risk_train_opts *train,
                        risk_table_result *res, buf *report, cairn_err *err);

#endif
