/*
** risk/evaluate_occasion.c — judging the lists as `cairn score` makes them
** (risk/evaluate.h).  `cairn score` ranks the learners of one day against
** each other: the tiers by share take the top 5 % and 15 % of that day, and
** the rules' group guard compares a learner with the group on that day.  So
** the evaluation groups its judged rows into occasions — the rows of one
** school year, term and horizon, the learners as they stood on (about) the
** same day — computes the group medians within each occasion and cuts the
** shares within each occasion, never over the rows of a whole year pooled
** (which would put every learner early in the year, when the chance of
** leaving before the summer is highest, on the list at once).
*/
#include "risk/evaluate.h"
#include "risk/evaluate_internal.h"
#include "base/mem.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* qsort order of doubles, highest first. */
static int dbl_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* The score at which the top share of v[0..n) begins; see
** evaluate_internal.h. */
double risk_eval_share_cutoff(const double *v, size_t n, double share) {
    size_t k = (size_t)floor(share * (double)n + 0.5);
    if (!n || share <= 0) return INFINITY;
    if (k < 1) k = 1;
    if (k > n) k = n;
    double *c = xmalloc(n * sizeof *c);
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, dbl_desc);
    double cut = c[k - 1];
    free(c);
    return cut;
}

/* A judged row's occasion key. */
typedef struct occ_key {
    int year, term, horizon;
    size_t i;
} occ_key;

/* Order by year, term, horizon, then row. */
static int occ_cmp(const void *pa, const void *pb) {
    const occ_key *a = pa, *b = pb;
    if (a->year != b->year) return a->year - b->year;
    if (a->term != b->term) return a->term - b->term;
    if (a->horizon != b->horizon) return a->horizon - b->horizon;
    return (a->i > b->i) - (a->i < b->i);
}

/* The occasions of rows[0..m); see evaluate_internal.h. */
size_t risk_eval_occasions(const int *yr, const int *term, const int *hz,
                           const risk_features *rows, size_t m, int *occ, risk_eval_occ **out) {
    occ_key *k = xmalloc((m ? m : 1) * sizeof *k);
    for (size_t i = 0; i < m; i++) k[i] = (occ_key){yr[i], term[i], hz[i], i};
    qsort(k, m, sizeof *k, occ_cmp);
    risk_eval_occ *o = xcalloc(m ? m : 1, sizeof *o);
    size_t n = 0;
    for (size_t j = 0; j < m; j++) {
        if (j == 0 || occ_cmp(&(occ_key){k[j].year, k[j].term, k[j].horizon, 0},
                              &(occ_key){k[j - 1].year, k[j - 1].term, k[j - 1].horizon, 0})) {
            o[n].year = k[j].year;
            o[n].day = rows[k[j].i].t.asof;
            n++;
        }
        risk_eval_occ *c = &o[n - 1];
        if (rows[k[j].i].t.asof < c->day) c->day = rows[k[j].i].t.asof;
        c->rows++;
        occ[k[j].i] = (int)(n - 1);
    }
    free(k);
    *out = o;
    return n;
}

/* Per occasion, the score at which the top share of its rows begins. */
void risk_eval_occasion_cuts(const double *score, const int *occ, size_t m, size_t nocc,
                             double share, double *cut) {
    size_t *len = xcalloc(nocc ? nocc : 1, sizeof *len);
    for (size_t i = 0; i < m; i++) len[occ[i]]++;
    double *v = xmalloc((m ? m : 1) * sizeof *v);
    size_t *at = xcalloc(nocc ? nocc : 1, sizeof *at);
    for (size_t o = 1; o < nocc; o++) at[o] = at[o - 1] + len[o - 1];
    size_t *fill = xcalloc(nocc ? nocc : 1, sizeof *fill);
    for (size_t i = 0; i < m; i++) v[at[occ[i]] + fill[occ[i]]++] = score[i];
    for (size_t o = 0; o < nocc; o++) cut[o] = risk_eval_share_cutoff(v + at[o], len[o], share);
    free(fill);
    free(at);
    free(v);
    free(len);
}

/* Precision and recall of a tier cut per occasion; see evaluate_internal.h. */
void risk_eval_tier_by_occasion(metric_tier_row *row, const double *score, const int *serious,
                                const int *label, const int *occ, const double *cut, size_t m) {
    size_t flagged = 0, hit = 0, pos = 0;
    for (size_t i = 0; i < m; i++) {
        int f = score[i] >= cut[occ[i]] || (serious && serious[i]);
        flagged += f;
        hit += f && label[i];
        pos += label[i] != 0;
    }
    row->threshold = NAN;
    row->flagged = flagged;
    row->precision = flagged ? (double)hit / (double)flagged : NAN;
    row->recall = pos ? (double)hit / (double)pos : NAN;
}

/* The rules' scores with the group guard of each occasion; see
** evaluate_internal.h. */
int risk_eval_rules_scores_occ(const risk_rules *rules, const risk_features *rows, size_t m,
                               const int *occ, size_t nocc, int by_share, double *score,
                               cairn_err *err) {
    size_t *idx = xmalloc((m ? m : 1) * sizeof *idx), *len = xcalloc(nocc ? nocc : 1, sizeof *len);
    size_t *at = xcalloc(nocc ? nocc : 1, sizeof *at), *fill = xcalloc(nocc ? nocc : 1, sizeof *fill);
    for (size_t i = 0; i < m; i++) len[occ[i]]++;
    for (size_t o = 1; o < nocc; o++) at[o] = at[o - 1] + len[o - 1];
    for (size_t i = 0; i < m; i++) idx[at[occ[i]] + fill[occ[i]]++] = i;
    risk_features *sub = xmalloc((m ? m : 1) * sizeof *sub);
    double *s = xmalloc((m ? m : 1) * sizeof *s);
    int rc = 0;
    for (size_t o = 0; o < nocc && rc == 0; o++) {
        for (size_t j = 0; j < len[o]; j++) sub[j] = rows[idx[at[o] + j]];
        risk_peers peers;
        risk_peer_medians(sub, len[o], &peers, err);
        rc = risk_eval_rules_scores(rules, sub, len[o], &peers, by_share, s, NULL, err);
        risk_peers_free(&peers);
        for (size_t j = 0; rc == 0 && j < len[o]; j++) score[idx[at[o] + j]] = s[j];
    }
    free(s);
    free(sub);
    free(fill);
    free(at);
    free(len);
    free(idx);
    return rc;
}
