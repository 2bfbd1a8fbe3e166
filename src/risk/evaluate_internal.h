/*
** risk/evaluate_internal.h — what evaluate.c and evaluate_lead.c share.
*/
#ifndef CAIRN_RISK_EVALUATE_INTERNAL_H
#define CAIRN_RISK_EVALUATE_INTERNAL_H
#include "risk/evaluate.h"

#define RULES_TIER_STEP 10.0   /* rules score = 10 x tier + flags */

/* Rules score and rules-only tier (by flag counts) of rows[0..n) into
** score (and tier, may be NULL).  by_share 0: score = 10 x tier + flags.
** by_share 1: the ranking risk_tiers_assign uses for shares, as one number:
** 2 x flags + 1 with a serious flag + a fraction that puts the lower
** learner id first (so a share cut-off on it takes exactly its share). */
int risk_eval_rules_scores(const risk_rules *rules, const risk_features *rows, size_t n,
                           int by_share, double *score, risk_tier *tier, cairn_err *err);

/* 1 when a by_share rules score carries a serious flag (which lifts a
** learner to selective whatever the share). */
static inline int risk_eval_rank_serious(double score) {
    return ((long)score) % 2 == 1;
}

/* Copy the rows of X (k columns) whose mask[i] is set into Xo; returns how
** many; idx (may be NULL) gets their indices. */
size_t risk_eval_rows_pick(const float *X, size_t n, size_t k, const int *mask, float *Xo,
                           size_t *idx);

/* Replay the judged leavers weekly and fill out's lead times: the model's
** first week at probability ps or above, the rules' first week at
** selective or above.  With tiers by share (rules_cut not NAN), the rules'
** first week with a by_share score at rules_cut or above, and for both
** lists a serious flag counts as selective, as in risk_tiers_assign. */
int risk_eval_lead_times(store *st, int64_t inst, const risk_trainset *ts, const int *judged,
                         const int *which_fit, risk_fitted *fits, const risk_cols *cols,
                         const risk_audit *a, const risk_rules *rules, double ps,
                         double rules_cut, risk_eval *out, cairn_err *err);

#endif
