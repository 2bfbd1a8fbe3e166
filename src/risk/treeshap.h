/*
** risk/treeshap.h — fast exact TreeSHAP for our XGBoost models.
**
** XGBoost's own contributions (pred_contribs) walk every tree once per row
** with the O(depth^2) path algorithm of Lundberg et al. (2020).  This module
** gives the same numbers (path-dependent TreeSHAP, exact) with the "Fast
** TreeSHAP v2" idea (Yang 2021): every leaf's share of every feature depends
** on the row only through which of the leaf's path features the row
** satisfies, so it is tabulated once per model, and a row costs one pass over
** each tree's splits plus a table look-up per leaf.
**
** The model comes as XGBoost's JSON model (XGBoosterSaveModelToBuffer with
** {"format": "json"}): gbtree, objective binary:logistic, numeric splits.
** Anything else (dart, several classes, categorical splits, trees deeper than
** RISK_TREESHAP_MAXDEPTH or tables over RISK_TREESHAP_MAXBYTES) is refused
** with a clear error; the caller then uses XGBoost's own path.
**
**   risk_treeshap *t;
**   if (risk_treeshap_build(json, len, ncols, &t, &err)) ...;
**   risk_treeshap_contributions(t, X, nrows, ncols, out, &err);
**   risk_treeshap_free(t);
*/
#ifndef CAIRN_RISK_TREESHAP_H
#define CAIRN_RISK_TREESHAP_H
#include "base/err.h"
#include <stddef.h>

/* Deepest tree accepted (a leaf's table has 2^depth rows). */
#define RISK_TREESHAP_MAXDEPTH 12
/* Most memory the leaf tables of one model may take. */
#define RISK_TREESHAP_MAXBYTES ((size_t)256 << 20)
/* Most threads risk_treeshap_contributions uses. */
#define RISK_TREESHAP_MAXTHREAD 16

typedef struct risk_treeshap risk_treeshap;

/* Read the trees of an XGBoost JSON model (len bytes of json, need not be
** terminated) with ncols features and tabulate every leaf.  On success *out
** is new, freed with risk_treeshap_free(); on failure *out is NULL and err
** says why (not a model, a kind of model this does not handle, too deep). */
int risk_treeshap_build(const char *json, size_t len, size_t ncols, risk_treeshap **out,
                        cairn_err *err);

/* Contributions in log-odds for nrows rows of X (row-major, NAN = missing):
** out has nrows * (ncols + 1) entries, row r at out[r * (ncols + 1)], the
** last of each row the bias (base margin plus every tree's expected value).
** Each row sums to its margin.  ncols must be the one built with; out is the
** caller's.  Up to nthread threads (at most RISK_TREESHAP_MAXTHREAD; 1 for a
** small nrows) share the rows; the result is the same, bit for bit, for any
** nthread.  Allocates nothing per row. */
int risk_treeshap_contributions(const risk_treeshap *t, const float *X, size_t nrows,
                                size_t ncols, int nthread, double *out, cairn_err *err);

/* Number of trees read (0 for NULL). */
size_t risk_treeshap_ntrees(const risk_treeshap *t);

/* Release; NULL is fine. */
void risk_treeshap_free(risk_treeshap *t);

#endif
