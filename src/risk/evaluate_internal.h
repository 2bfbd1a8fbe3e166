/*
** risk/evaluate_internal.h — what evaluate.c and evaluate_lead.c share.
*/
#ifndef CAIRN_RISK_EVALUATE_INTERNAL_H
#define CAIRN_RISK_EVALUATE_INTERNAL_H
#include "risk/evaluate.h"

#define RULES_TIER_STEP 10.0   /* rules score = 10 x tier + flags */

/* Rules score and rules-only tier (by flag counts) of rows[0..n) into
** score (and tier, may be NULL), with the group medians peers (NULL: no
** group comparison).  by_share 0: score = 10 x tier + flags.
** by_share 1: the ranking risk_tiers_assign uses for shares, as one number:
** 2 x flags + 1 with a serious flag + a fraction that puts the lower
** learner id first (so a share cut-off on it takes exactly its share). */
int risk_eval_rules_scores(const risk_rules *rules, const risk_features *rows, size_t n,
                           const risk_peers *peers, int by_share, double *score, risk_tier *tier,
                           cairn_err *err);

/* ---- occasions (risk/evaluate_occasion.c) ---------------------------------------- */

/* One occasion: the judged rows of one school year, term and horizon. */
typedef struct risk_eval_occ {
    int year;           /* index into the training set's years */
    int32_t day;        /* the earliest asof of its rows */
    size_t rows;
} risk_eval_occ;

/* The score at which the top share of v[0..n) begins: the k-th highest,
** k = round(share x n) (at least 1); +inf when share is 0 or n is 0. */
double risk_eval_share_cutoff(const double *v, size_t n, double share);

/* Group rows[0..m) (with their year, term and horizon) into occasions:
** occ[i] gets row i's occasion, *out (malloc'd, caller frees) the
** occasions, in order of year, term and horizon.  Returns how many. */
size_t risk_eval_occasions(const int *yr, const int *term, const int *hz,
                           const risk_features *rows, size_t m, int *occ, risk_eval_occ **out);

/* cut[o] = the score at which the top share of occasion o's rows begins. */
void risk_eval_occasion_cuts(const double *score, const int *occ, size_t m, size_t nocc,
                             double share, double *cut);

/* Fill row's flagged, precision and recall for the rows at or above their
** occasion's cut (or with serious[i] set; serious may be NULL); its
** threshold becomes NAN (there is one per occasion). */
void risk_eval_tier_by_occasion(metric_tier_row *row, const double *score, const int *serious,
                                const int *label, const int *occ, const double *cut, size_t m);

/* risk_eval_rules_scores of rows[0..m), each occasion with the group
** medians of its own rows, as `cairn score` compares a learner with the
** group on the day. */
int risk_eval_rules_scores_occ(const risk_rules *rules, const risk_features *rows, size_t m,
                               const int *occ, size_t nocc, int by_share, double *score,
                               cairn_err *err);

/* 1 when a by_share rules score carries a serious flag (which lifts a
** learner to selective whatever the share). */
static inline int risk_eval_rank_serious(double score) {
    return ((long)score) % 2 == 1;
}

/* Copy the rows of X (k columns) whose mask[i] is set into Xo; returns how
** many; idx (may be NULL) gets their indices. */
size_t risk_eval_rows_pick(const float *X, size_t n, size_t k, const int *mask, float *Xo,
                           size_t *idx);

/* Where the lists' selective tier begins. */
typedef struct risk_eval_cuts {
    int by_share;                /* 0: at probability ps (model), by flag counts (rules) */
    double ps;
    size_t nocc;                 /* by_share 1: the occasions and each one's cut-offs */
    const struct risk_eval_occ *occ;
    const double *p_sel, *r_sel;
} risk_eval_cuts;

/* Replay the judged leavers weekly and fill out's lead times: each list's
** first week at selective or above.  With tiers by share, a week is judged
** by the cut-offs of the occasion of the leaver's year nearest to it, and
** for both lists a serious flag counts as selective, as in
** risk_tiers_assign. */
int risk_eval_lead_times(store *st, int64_t inst, const risk_trainset *ts, const int *judged,
                         const int *which_fit, risk_fitted *fits, const risk_cols *cols,
                         const risk_audit *a, const risk_rules *rules,
                         const risk_eval_cuts *cuts, risk_eval *out, cairn_err *err);

#endif
