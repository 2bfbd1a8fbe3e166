/*
** risk/explain.h — why the model thinks a learner may leave, in sentences.
**
** The model's per-feature contributions (TreeSHAP, risk_model_contributions,
** in log-odds) say how much each input moved a learner's estimate away from
** the school's average.  A reason is an indicator that moved it UP: the
** largest such contributions, at most RISK_MODEL_REASONS, each written with
** the learner's value and the median of the learner's group:
**
**   "days absent without excuse in the last 4 weeks: 6 days — peers in the
**    same group: 1 day"
**
** An indicator that is not known (NAN) is never a reason, nor is a fairness
** attribute, nor a contribution that lowers the estimate.
*/
#ifndef CAIRN_RISK_EXPLAIN_H
#define CAIRN_RISK_EXPLAIN_H
#include "base/buf.h"
#include "risk/features.h"
#include "risk/risk.h"
#include <stddef.h>

/* Contributions smaller than this (log-odds) are too small to be a reason. */
#define RISK_EXPLAIN_MIN 0.01

/* Pick the reasons of one row: contrib[0..ncols) are its contributions
** (the bias, if present after them, is not read), col_feature[c] the
** indicator of column c (-1 for an attribute column), v the learner's
** indicator values (RF_COUNT).  Fills p->reason_feature /
** reason_contribution with at most max (<= RISK_MODEL_REASONS) indicators,
** largest first, and p->nreasons; an indicator over several columns counts
** once (summed). */
void risk_explain_pick(const double *contrib, const int *col_feature, size_t ncols,
                       const double *v, int max, risk_prediction *p);

/* The sentence for indicator f with the learner's value and the peer median
** (NAN = not shown) into out (cap bytes, always terminated). */
void risk_explain_sentence(risk_feature f, double value, double peer, char *out, size_t cap);

/* A value with its unit as people read it ("6 days", "72 %", "3") into out. */
void risk_explain_value(risk_feature f, double value, char *out, size_t cap);

/* The reasons of p for the learner with indicators f and group medians peer
** (RF_COUNT, may be NULL) as a JSON array of objects {"indicator", "value",
** "peer", "contribution", "text"}, appended to out. */
void risk_explain_json(const risk_prediction *p, const risk_features *f, const double *peer,
                       buf *out);

#endif
