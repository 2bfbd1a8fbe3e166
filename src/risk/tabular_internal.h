/*
** risk/tabular_internal.h — what the tabular model's files share
** (tabular_linear.c fits the linear part, tabular_cv.c blends it with the
** trees); not for other rooms or files.
*/
#ifndef CAIRN_RISK_TABULAR_INTERNAL_H
#define CAIRN_RISK_TABULAR_INTERNAL_H
#include "base/err.h"
#include "risk/tabular.h"
#include <stddef.h>

/* An L2-penalised logistic regression over a design built from the table's
** columns: a numeric column is one design column (missing = the training
** mean); a categorical column gives one indicator per code that at least
** min_level training rows have (other codes and missing: all indicators 0).
** Every design column is standardised with the training rows' mean and
** standard deviation. */
typedef struct risk_table_linear {
    size_t ncols;            /* table columns */
    size_t d;                /* design columns */
    size_t *src;             /* d: the table column each comes from */
    float *code;             /* d: the code an indicator stands for */
    unsigned char *is_code;  /* d: 1 = indicator, 0 = numeric */
    double *fill;            /* d: value used for a missing numeric cell */
    double *mu, *sd;         /* d: standardisation */
    double *w;               /* d + 1 weights, the bias last */
} risk_table_linear;

enum { TAB_LINEAR_MAX_D = 600 };   /* design columns at most (the Hessian is d x d) */

/* Build the design from the training rows (X, n x ncols, categorical the
** table's column flags, may be NULL) and fit it by Newton's method with step
** halving; free *m with risk_table_linear_free (on failure it is empty). */
int risk_table_linear_fit(const float *X, const float *y, size_t n, size_t ncols,
                          const unsigned char *categorical, const risk_cv_opts *cv,
                          risk_table_linear *m, cairn_err *err);

/* Margins (log-odds) of the linear part for n rows of X into out (n entries). */
void risk_table_linear_margin(const risk_table_linear *m, const float *X, size_t n, double *out);

/* Release the linear model's arrays; m is empty after. */
void risk_table_linear_free(risk_table_linear *m);

#endif
