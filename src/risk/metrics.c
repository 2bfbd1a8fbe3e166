/*
** risk/metrics.c — evaluation metrics, calibration, folds and fairness
** (the report that puts them together is metrics_report.c).  See metrics.h
** for the conventions (labels, NaN scores, NAN results).
*/
#include "risk/metrics.h"
#include "base/mem.h"
#include "base/suppress.h"
#include <assert.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sorting ----------------------------------------------------------------- */

/* A score with the index it came from; arrays of these are what we sort, so
** no comparator needs global state. */
typedef struct ranked {
    double s;
    size_t i;
} ranked;

/* Compare two scores, NaN below every number and equal to other NaNs;
** returns -1, 0 or 1. */
static int score_cmp(double a, double b) {
    int an = isnan(a) != 0, bn = isnan(b) != 0;
    if (an || bn) return bn - an;
    return (a > b) - (a < b);
}

/* qsort order: score from high to low, equal scores by index from low to
** high (a total order, so the result is deterministic). */
static int ranked_cmp_desc(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    int c = score_cmp(b->s, a->s);
    if (c) return c;
    return (a->i > b->i) - (a->i < b->i);
}

/* qsort order: score from low to high, then index. */
static int ranked_cmp_asc(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    int c = score_cmp(a->s, b->s);
    if (c) return c;
    return (a->i > b->i) - (a->i < b->i);
}

/* qsort order for plain doubles (no NaNs passed), low to high. */
static int double_cmp(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The n scores with their indices, sorted by cmp; caller frees. */
static ranked *ranked_sorted(const double *score, size_t n,
                             int (*cmp)(const void *, const void *)) {
    ranked *r = xcalloc(n, sizeof *r);
    for (size_t i = 0; i < n; i++) {
        r[i].s = score[i];
        r[i].i = i;
    }
    qsort(r, n, sizeof *r, cmp);
    return r;
}

/* Number of positives among the n labels (see metrics.h). */
size_t metric_positives(const int *label, size_t n) {
    size_t p = 0;
    for (size_t i = 0; i < n; i++) p += label[i] != 0;
    return p;
}

/* ---- ranking and probability quality ------------------------------------------ */

/* ROC AUC by one sort: walking from the highest score down, each negative
** is beaten by every positive above it and ties with the positives of its
** own score (1/2 each). */
double metric_roc_auc(const double *score, const int *label, size_t n) {
    if (n == 0) return NAN;
    size_t P = metric_positives(label, n), N = n - P;
    if (P == 0 || N == 0) return NAN;
    ranked *r = ranked_sorted(score, n, ranked_cmp_desc);
    double num = 0, pos_above = 0;
    for (size_t j = 0; j < n;) {
        size_t k = j;
        double gp = 0, gn = 0;
        while (k < n && score_cmp(r[k].s, r[j].s) == 0) {
            if (label[r[k].i]) gp += 1;
            else gn += 1;
            k++;
        }
        num += gn * pos_above + 0.5 * gp * gn;
        pos_above += gp;
        j = k;
    }
    free(r);
    return num / ((double)P * (double)N);
}

/* Average precision: one threshold per distinct score from the highest
** down; adds (recall gained) * (precision there). */
double metric_pr_auc(const double *score, const int *label, size_t n) {
    if (n == 0) return NAN;
    size_t P = metric_positives(label, n);
    if (P == 0) return NAN;
    ranked *r = ranked_sorted(score, n, ranked_cmp_desc);
    double tp = 0, fp = 0, prev_recall = 0, ap = 0;
    for (size_t j = 0; j < n;) {
        size_t k = j;
        while (k < n && score_cmp(r[k].s, r[j].s) == 0) {
            if (label[r[k].i]) tp += 1;
            else fp += 1;
            k++;
        }
        double recall = tp / (double)P, precision = tp / (tp + fp);
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        j = k;
    }
    free(r);
    return ap;
}

/* Mean squared difference between prob and the 0/1 outcome. */
double metric_brier(const double *prob, const int *label, size_t n) {
    if (n == 0) return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double d = prob[i] - (label[i] ? 1.0 : 0.0);
        s += d * d;
    }
    return s / (double)n;
}

/* Write precision, recall and flagged (each pointer may be NULL) from the
** counts of true positives, flagged and all positives. */
static void pr_fill(size_t tp, size_t nflag, size_t P, double *precision, double *recall,
                    size_t *flagged) {
    if (precision) *precision = nflag ? (double)tp / (double)nflag : NAN;
    if (recall) *recall = P ? (double)tp / (double)P : NAN;
    if (flagged) *flagged = nflag;
}

/* How many of n learners the top frac is: ceil(frac * n), but a product
** within rounding error of a whole number counts as that number. */
static size_t top_count(double frac, size_t n) {
    if (!(frac > 0)) return 0;
    if (frac >= 1) return n;
    double x = frac * (double)n;
    double r = nearbyint(x);
    size_t k = fabs(x - r) <= 1e-9 * (x > 1 ? x : 1) ? (size_t)r : (size_t)ceil(x);
    return k > n ? n : k;
}

/* Precision / recall of the top frac by score, ties by index. */
void metric_at_top(const double *score, const int *label, size_t n, double frac,
                   double *precision, double *recall, size_t *flagged) {
    size_t P = metric_positives(label, n), k = top_count(frac, n), tp = 0;
    if (k > 0) {
        ranked *r = ranked_sorted(score, n, ranked_cmp_desc);
        for (size_t j = 0; j < k; j++) tp += label[r[j].i] != 0;
        free(r);
    }
    pr_fill(tp, k, P, precision, recall, flagged);
}

/* Precision / recall of everyone with score >= threshold. */
void metric_at_threshold(const double *score, const int *label, size_t n, double threshold,
                         double *precision, double *recall, size_t *flagged) {
    size_t P = 0, tp = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        int pos = label[i] != 0, flag = score[i] >= threshold;
        P += pos;
        k += flag;
        tp += pos && flag;
    }
    pr_fill(tp, k, P, precision, recall, flagged);
}

/* ---- calibration ---------------------------------------------------------------- */

/* The bin of p among nbins equal bins of [0,1], consistent with the edges
** b/nbins that metric_calibration reports. */
static int calib_bin_of(double p, int nbins) {
    if (p <= 0) return 0;
    if (p >= 1) return nbins - 1;
    int b = (int)floor(p * nbins);
    if (b > nbins - 1) b = nbins - 1;
    if (b < nbins - 1 && p >= (double)(b + 1) / nbins) b++;
    if (b > 0 && p < (double)b / nbins) b--;
    return b;
}

/* Counts, mean prediction and observed share per equal-width bin. */
void metric_calibration(const double *prob, const int *label, size_t n, int nbins,
                        metric_calib_bin *bins) {
    if (nbins < 1) return;
    double *sum_p = xcalloc((size_t)nbins, sizeof *sum_p);
    double *sum_y = xcalloc((size_t)nbins, sizeof *sum_y);
    for (int b = 0; b < nbins; b++) {
        bins[b].lo = (double)b / nbins;
        bins[b].hi = (double)(b + 1) / nbins;
        bins[b].n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (isnan(prob[i])) continue;
        int b = calib_bin_of(prob[i], nbins);
        bins[b].n++;
        sum_p[b] += prob[i];
        sum_y[b] += label[i] ? 1.0 : 0.0;
    }
    for (int b = 0; b < nbins; b++) {
        bins[b].mean_pred = bins[b].n ? sum_p[b] / (double)bins[b].n : NAN;
        bins[b].observed = bins[b].n ? sum_y[b] / (double)bins[b].n : NAN;
    }
    free(sum_p);
    free(sum_y);
}

/* ---- cross-validation ------------------------------------------------------------- */

/* Next value of the splitmix64 stream in *s (Steele, Lea & Flood 2014). */
static uint64_t splitmix64_next(uint64_t *s) {
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A uniform integer in [0, m), m >= 1, without modulo bias (rejects the
** lowest 2^64 mod m values). */
static size_t splitmix64_below(uint64_t *s, size_t m) {
    uint64_t mm = (uint64_t)m, t = (0 - mm) % mm, x;
    do x = splitmix64_next(s);
    while (x < t);
    return (size_t)(x % mm);
}

/* Fisher-Yates shuffle of a[0..n) with the stream *s. */
static void shuffle_sizes(size_t *a, size_t n, uint64_t *s) {
    for (size_t i = n; i > 1; i--) {
        size_t j = splitmix64_below(s, i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* Shuffle each class, then deal the negatives and then the positives
** round-robin over the folds. */
void metric_stratified_folds(const int *label, size_t n, int k, uint64_t seed, int *fold) {
    if (n == 0) return;
    if (k < 1) k = 1;
    size_t *idx = xcalloc(n, sizeof *idx), nneg = 0, npos = 0;
    size_t P = metric_positives(label, n);
    for (size_t i = 0; i < n; i++) {
        if (label[i]) idx[(n - P) + npos++] = i;
        else idx[nneg++] = i;
    }
    uint64_t s = seed;
    shuffle_sizes(idx, nneg, &s);
    shuffle_sizes(idx + nneg, npos, &s);
    for (size_t j = 0; j < n; j++) fold[idx[j]] = (int)(j % (size_t)k);
    free(idx);
}

/* ---- warning time --------------------------------------------------------------------- */

/* Weeks between first flag and exit over the leavers flagged in time. */
void metric_lead_time_of(const int32_t *exit_day, const int32_t *first_flag_day, size_t n,
                         metric_lead_time *out) {
    double *weeks = xcalloc(n, sizeof *weeks), sum = 0;
    size_t leavers = 0, flagged = 0, w1 = 0, w4 = 0, w8 = 0;
    for (size_t i = 0; i < n; i++) {
        if (exit_day[i] == INT32_MIN) continue;
        leavers++;
        if (first_flag_day[i] == INT32_MIN || first_flag_day[i] > exit_day[i]) continue;
        int64_t days = (int64_t)exit_day[i] - (int64_t)first_flag_day[i];
        weeks[flagged++] = (double)days / 7.0;
        sum += (double)days / 7.0;
        w1 += days >= 7;
        w4 += days >= 28;
        w8 += days >= 56;
    }
    out->leavers = leavers;
    out->flagged = flagged;
    if (flagged) {
        qsort(weeks, flagged, sizeof *weeks, double_cmp);
        out->median_weeks = flagged % 2 ? weeks[flagged / 2]
                                        : (weeks[flagged / 2 - 1] + weeks[flagged / 2]) / 2;
        out->mean_weeks = sum / (double)flagged;
    } else {
        out->median_weeks = out->mean_weeks = NAN;
    }
    out->share_1w = leavers ? (double)w1 / (double)leavers : NAN;
    out->share_4w = leavers ? (double)w4 / (double)leavers : NAN;
    out->share_8w = leavers ? (double)w8 / (double)leavers : NAN;
    free(weeks);
}

/* ---- probability calibration ---------------------------------------------------------- */

/* Fail with CAIRN_EINVAL unless n > 0 and every raw score is finite. */
static int check_raw(const char *what, const double *raw, size_t n, cairn_err *err) {
    if (n == 0) return err_set(err, CAIRN_EINVAL, "%s: no learners to fit on", what);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(raw[i]))
            return err_set(err, CAIRN_EINVAL, "%s: score %zu is not a finite number", what, i);
    return 0;
}

/* Pool adjacent violators over the distinct raw scores; store each block
** as its lowest and highest score with the block mean. */
int metric_isotonic_fit(const double *raw, const int *label, size_t n, metric_isotonic *out,
                        cairn_err *err) {
    out->n = 0;
    out->x = out->y = NULL;
    if (check_raw("isotonic calibration", raw, n, err)) return -1;
    ranked *r = ranked_sorted(raw, n, ranked_cmp_asc);
    /* blocks on a stack: lowest and highest score, weight, sum of labels */
    double *lo = xcalloc(n, sizeof *lo), *hi = xcalloc(n, sizeof *hi);
    double *w = xcalloc(n, sizeof *w), *sy = xcalloc(n, sizeof *sy);
    size_t nb = 0;
    for (size_t j = 0; j < n;) {
        size_t k = j;
        double pos = 0;
        while (k < n && r[k].s == r[j].s) pos += label[r[k++].i] ? 1.0 : 0.0;
        lo[nb] = hi[nb] = r[j].s;
        w[nb] = (double)(k - j);
        sy[nb] = pos;
        nb++;
        /* merge while the block below has a mean >= this one's (equal means
        ** merge too, so no two stored blocks share a value) */
        while (nb >= 2 && sy[nb - 2] * w[nb - 1] >= sy[nb - 1] * w[nb - 2]) {
            hi[nb - 2] = hi[nb - 1];
            w[nb - 2] += w[nb - 1];
            sy[nb - 2] += sy[nb - 1];
            nb--;
        }
        j = k;
    }
    out->x = xcalloc(2 * nb, sizeof *out->x);
    out->y = xcalloc(2 * nb, sizeof *out->y);
    for (size_t b = 0; b < nb; b++) {
        double mean = sy[b] / w[b];
        out->x[out->n] = lo[b];
        out->y[out->n++] = mean;
        if (hi[b] > lo[b]) {
            out->x[out->n] = hi[b];
            out->y[out->n++] = mean;
        }
    }
    free(r);
    free(lo);
    free(hi);
    free(w);
    free(sy);
    return 0;
}

/* Interpolate between the fitted points; clamp outside them. */
double metric_isotonic_apply(const metric_isotonic *m, double raw) {
    if (!m || m->n == 0 || isnan(raw)) return NAN;
    if (raw <= m->x[0]) return m->y[0];
    if (raw >= m->x[m->n - 1]) return m->y[m->n - 1];
    size_t a = 0, b = m->n - 1; /* x[a] <= raw < x[b] */
    while (b - a > 1) {
        size_t mid = a + (b - a) / 2;
        if (m->x[mid] <= raw) a = mid;
        else b = mid;
    }
    double t = (raw - m->x[a]) / (m->x[b] - m->x[a]);
    return m->y[a] + (m->y[b] - m->y[a]) * t;
}

/* Release m's arrays and empty it. */
void metric_isotonic_free(metric_isotonic *m) {
    if (!m) return;
    free(m->x);
    free(m->y);
    m->x = m->y = NULL;
    m->n = 0;
}

/* 1/(1+exp(a*raw+b)) without overflow. */
double metric_platt_apply(double a, double b, double raw) {
    double z = a * raw + b;
    if (z >= 0) {
        double e = exp(-z);
        return e / (1 + e);
    }
    return 1 / (1 + exp(z));
}

/* The Platt objective: cross-entropy of the targets t under
** p = 1/(1+exp(A*f+B)), written so that no exp overflows. */
static double platt_objective(const double *f, const double *t, size_t n, double A, double B) {
    double v = 0;
    for (size_t i = 0; i < n; i++) {
        double z = f[i] * A + B;
        if (z >= 0) v += t[i] * z + log1p(exp(-z));
        else v += (t[i] - 1) * z + log1p(exp(z));
    }
    return v;
}

/* Newton's method with backtracking on the Platt objective (Lin, Lin &
** Weng 2007, "A note on Platt's probabilistic outputs"). */
int metric_platt_fit(const double *raw, const int *label, size_t n, double *a, double *b,
                     cairn_err *err) {
    if (check_raw("Platt scaling", raw, n, err)) return -1;
    const int max_iter = 100;
    const double min_step = 1e-10, sigma = 1e-12;
    const double eps = 1e-9 * (double)(n > 100 ? n : 100);
    double np = (double)metric_positives(label, n), nn = (double)n - np;
    double hi_t = (np + 1) / (np + 2), lo_t = 1 / (nn + 2);
    double *t = xcalloc(n, sizeof *t);
    for (size_t i = 0; i < n; i++) t[i] = label[i] ? hi_t : lo_t;
    double A = 0, B = log((nn + 1) / (np + 1));
    double fval = platt_objective(raw, t, n, A, B);
    int iter, converged = 0;
    for (iter = 0; iter < max_iter; iter++) {
        double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < n; i++) {
            double z = raw[i] * A + B, p, q;
            if (z >= 0) {
                double e = exp(-z);
                p = e / (1 + e);
                q = 1 / (1 + e);
            } else {
                double e = exp(z);
                p = 1 / (1 + e);
                q = e / (1 + e);
            }
            double d2 = p * q, d1 = t[i] - p;
            h11 += raw[i] * raw[i] * d2;
            h22 += d2;
            h21 += raw[i] * d2;
            g1 += raw[i] * d1;
            g2 += d1;
        }
        if (fabs(g1) < eps && fabs(g2) < eps) {
            converged = 1;
            break;
        }
        double det = h11 * h22 - h21 * h21;
        double dA = -(h22 * g1 - h21 * g2) / det;
        double dB = -(-h21 * g1 + h11 * g2) / det;
        double gd = g1 * dA + g2 * dB, step = 1;
        while (step >= min_step) {
            double nA = A + step * dA, nB = B + step * dB;
            double nf = platt_objective(raw, t, n, nA, nB);
            if (nf < fval + 0.0001 * step * gd) {
                A = nA;
                B = nB;
                fval = nf;
                break;
            }
            step /= 2;
        }
        if (step < min_step) {
            /* no step lowers the objective any more: we are at the optimum
            ** to the precision of the arithmetic (as libsvm does) */
            converged = 1;
            break;
        }
    }
    free(t);
    if (!converged)
        return err_set(err, CAIRN_EINTERNAL,
                       "Platt scaling did not converge in %d iterations", max_iter);
    *a = A;
    *b = B;
    return 0;
}

/* ---- fairness ---------------------------------------------------------------------------- */

/* The group row over all n learners given. */
void metric_group_overall(const double *score, const double *prob, const int *label,
                          size_t n, double threshold, metric_group *out) {
    memset(out, 0, sizeof *out);
    out->n = n;
    out->positives = metric_positives(label, n);
    out->auc = metric_roc_auc(score, label, n);
    metric_at_threshold(score, label, n, threshold, &out->precision, &out->recall,
                        &out->flagged);
    out->flag_rate = n ? (double)out->flagged / (double)n : NAN;
    out->observed_rate = n ? (double)out->positives / (double)n : NAN;
    out->brier = prob ? metric_brier(prob, label, n) : NAN;
    out->mean_pred = NAN;
    if (prob && n) {
        double s = 0;
        for (size_t i = 0; i < n; i++) s += prob[i];
        out->mean_pred = s / (double)n;
    }
}

/* Gather each group's learners together (a counting sort by code), then
** compute its row. */
void metric_by_group(const double *score, const double *prob, const int *label,
                     const int *groups, size_t n, int ngroups, double threshold,
                     metric_group *out) {
    if (ngroups < 1) return;
    size_t *start = xcalloc((size_t)ngroups + 1, sizeof *start);
    for (size_t i = 0; i < n; i++)
        if (groups[i] >= 0 && groups[i] < ngroups) start[groups[i] + 1]++;
    for (int g = 0; g < ngroups; g++) start[g + 1] += start[g];
    size_t m = start[ngroups];
    double *s = xcalloc(m, sizeof *s), *p = prob ? xcalloc(m, sizeof *p) : NULL;
    int *l = xcalloc(m, sizeof *l);
    size_t *pos = xcalloc((size_t)ngroups, sizeof *pos);
    for (size_t i = 0; i < n; i++) {
        if (groups[i] < 0 || groups[i] >= ngroups) continue;
        size_t at = start[groups[i]] + pos[groups[i]]++;
        s[at] = score[i];
        l[at] = label[i];
        if (p) p[at] = prob[i];
    }
    for (int g = 0; g < ngroups; g++) {
        size_t o = start[g], k = start[g + 1] - start[g];
        metric_group_overall(s + o, p ? p + o : NULL, l + o, k, threshold, &out[g]);
    }
    free(start);
    free(s);
    free(p);
    free(l);
    free(pos);
}

/* The rows of t that may be shown (metrics.h): the groups' counts and the
** overall through suppress_one_way. */
void metric_fairness_withheld(const metric_fairness *t, size_t min_cell,
                              unsigned char *group_state, unsigned char *overall_state) {
    assert(t && overall_state && (group_state || t->ngroups <= 0));
    size_t n = t->ngroups > 0 ? (size_t)t->ngroups : 0;
    long long *count = xmalloc((n + 1) * sizeof *count);
    unsigned char *state = xmalloc(n + 1);
    long long sum = 0;
    for (size_t g = 0; g < n; g++) {
        count[g] = (long long)t->groups[g].n;
        sum += count[g];
        state[g] = SUPPRESS_SHOWN;
    }
    state[n] = SUPPRESS_SHOWN;
    /* the overall covers every group (metric_by_group over the same rows) */
    long long total = (long long)t->overall.n > sum ? (long long)t->overall.n : sum;
    suppress_one_way(count, n, total,
                     (long long)(min_cell > METRIC_MIN_CELL ? min_cell : METRIC_MIN_CELL), state);
    for (size_t g = 0; g < n; g++) group_state[g] = state[g];
    *overall_state = state[n];
    free(count);
    free(state);
}
