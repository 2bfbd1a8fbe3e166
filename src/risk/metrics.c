/*
** risk/metrics.c — evaluation metrics, calibration, folds, fairness and the
** evaluation report.  See metrics.h for the conventions (labels, NaN scores,
** NAN results).
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

/* Number of positives among the n labels. */
static size_t count_positives(const int *label, size_t n) {
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
    size_t P = count_positives(label, n), N = n - P;
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
    size_t P = count_positives(label, n);
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
    size_t P = count_positives(label, n), k = top_count(frac, n), tp = 0;
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
    size_t P = count_positives(label, n);
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
    double np = (double)count_positives(label, n), nn = (double)n - np;
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
    out->positives = count_positives(label, n);
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

/* ---- the report: shared pieces ------------------------------------------------------------ */

/* Empty report with every figure unknown. */
void metric_report_init(metric_report *r, const char *title) {
    memset(r, 0, sizeof *r);
    r->title = title;
    r->roc_auc = r->pr_auc = r->brier = NAN;
    static const double fracs[METRIC_REPORT_TOPS] = {0.05, 0.10, 0.20};
    for (int i = 0; i < METRIC_REPORT_TOPS; i++) {
        r->top[i].frac = fracs[i];
        r->top[i].precision = r->top[i].recall = NAN;
    }
    for (int i = 0; i < METRIC_REPORT_TIERS; i++)
        r->tier[i].threshold = r->tier[i].precision = r->tier[i].recall = NAN;
    r->lead.median_weeks = r->lead.mean_weeks = NAN;
    r->lead.share_1w = r->lead.share_4w = r->lead.share_8w = NAN;
    r->lead.precision = r->lead.base_rate = NAN;
    r->gap_tolerance = METRIC_GAP_TOLERANCE;
    r->min_cell = METRIC_MIN_CELL;
}

/* Compute the overall figures of the report from the arrays. */
void metric_report_compute(metric_report *r, const double *score, const double *prob,
                           const int *label, size_t n) {
    r->n = n;
    r->positives = count_positives(label, n);
    r->roc_auc = metric_roc_auc(score, label, n);
    r->pr_auc = metric_pr_auc(score, label, n);
    for (int i = 0; i < METRIC_REPORT_TOPS; i++)
        metric_at_top(score, label, n, r->top[i].frac, &r->top[i].precision,
                      &r->top[i].recall, &r->top[i].flagged);
    if (r->ntiers < 0) r->ntiers = 0;
    if (r->ntiers > METRIC_REPORT_TIERS) r->ntiers = METRIC_REPORT_TIERS;
    for (int i = 0; i < r->ntiers; i++)
        metric_at_threshold(score, label, n, r->tier[i].threshold, &r->tier[i].precision,
                            &r->tier[i].recall, &r->tier[i].flagged);
    if (prob) {
        r->brier = metric_brier(prob, label, n);
        r->nbins = METRIC_REPORT_BINS;
        metric_calibration(prob, label, n, METRIC_REPORT_BINS, r->calib);
    } else {
        r->brier = NAN;
        r->nbins = 0;
    }
}

/* The minimum cell size in force: the report's, never below the floor. */
static size_t report_min_cell(const metric_report *r) {
    return r->min_cell > METRIC_MIN_CELL ? r->min_cell : METRIC_MIN_CELL;
}

/* The gap tolerance in force (the default if the report's is not usable). */
static double report_tolerance(const metric_report *r) {
    return isfinite(r->gap_tolerance) && r->gap_tolerance >= 0 ? r->gap_tolerance
                                                                : METRIC_GAP_TOLERANCE;
}

/* 1 if v and overall are both known and further apart than tol (a hair of
** slack so that a difference equal to tol in decimal is not called out). */
static int is_gap(double v, double overall, double tol) {
    return isfinite(v) && isfinite(overall) && fabs(v - overall) > tol + 1e-9;
}

/* Number of bins the report shows. */
static int report_nbins(const metric_report *r) {
    if (r->nbins < 0) return 0;
    return r->nbins > METRIC_REPORT_BINS ? METRIC_REPORT_BINS : r->nbins;
}

/* Number of tiers the report shows. */
static int report_ntiers(const metric_report *r) {
    if (r->ntiers < 0) return 0;
    return r->ntiers > METRIC_REPORT_TIERS ? METRIC_REPORT_TIERS : r->ntiers;
}

/* ---- the report as text -------------------------------------------------------------------- */

/* x with prec decimals into out, or "n/a" if it is not a number. */
static void fmt_num(char *out, size_t cap, double x, int prec) {
    if (isfinite(x)) snprintf(out, cap, "%.*f", prec, x);
    else snprintf(out, cap, "n/a");
}

/* x as "N in 100", rounded from x as printed with two decimals, so the
** words never disagree with the figure beside them (0.425 prints "0.42"
** and reads "42 in 100"). */
static long per100(double x) {
    char t[64];
    snprintf(t, sizeof t, "%.2f", x);
    return lround(strtod(t, NULL) * 100);
}

/* One figure line: label, right-aligned value, meaning after a dash. */
static void put_line(buf *out, const char *label, const char *value, const char *meaning) {
    buf_printf(out, "  %-28s %10s", label, value);
    if (meaning && *meaning) buf_printf(out, "  — %s", meaning);
    buf_putc(out, '\n');
}

/* A heading and its underline of the same width (in characters). */
static void put_heading(buf *out, const char *text, char under) {
    buf_printf(out, "%s\n", text);
    size_t w = 0;
    for (const char *p = text; *p; p++) w += ((unsigned char)*p & 0xC0) != 0x80;
    for (size_t i = 0; i < w; i++) buf_putc(out, under);
    buf_putc(out, '\n');
}

/* A name from the caller: control characters become '?', NULL becomes
** "(unnamed)"; padded with spaces to width characters (UTF-8 aware). */
static void put_name(buf *out, const char *s, size_t width) {
    if (!s) s = "(unnamed)";
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        buf_putc(out, *p < 0x20 || *p == 0x7f ? '?' : *p);
        w += (*p & 0xC0) != 0x80;
    }
    for (; w < width; w++) buf_putc(out, ' ');
}

/* Precision and recall lines under a top or tier heading. */
static void put_pr(buf *out, size_t flagged, double precision, double recall) {
    char v[64], m[256];
    snprintf(v, sizeof v, "%zu", flagged);
    put_line(out, "  learners flagged", v, NULL);
    fmt_num(v, sizeof v, precision, 2);
    if (isfinite(precision))
        snprintf(m, sizeof m, "%ld in 100 of those flagged left early", per100(precision));
    else snprintf(m, sizeof m, "no one flagged");
    put_line(out, "  precision", v, m);
    fmt_num(v, sizeof v, recall, 2);
    if (isfinite(recall))
        snprintf(m, sizeof m, "%ld in 100 of all leavers were flagged", per100(recall));
    else snprintf(m, sizeof m, "no leavers to catch");
    put_line(out, "  recall", v, m);
}

/* The overall section: how many, AUCs, Brier. */
static void write_overall(buf *out, const metric_report *r) {
    char v[64], m[256];
    double base = r->n ? (double)r->positives / (double)r->n : NAN;
    snprintf(v, sizeof v, "%zu", r->n);
    put_line(out, "Learners evaluated", v, NULL);
    snprintf(v, sizeof v, "%zu", r->positives);
    if (isfinite(base))
        snprintf(m, sizeof m, "%.1f in 100 learners left early (the base rate)", base * 100);
    else m[0] = 0;
    put_line(out, "Left early", v, m);
    buf_putc(out, '\n');

    buf_puts(out, "How well the list separates leavers from stayers\n");
    fmt_num(v, sizeof v, r->roc_auc, 2);
    if (isfinite(r->roc_auc))
        snprintf(m, sizeof m, "a leaver is ranked above a stayer %ld times in 100 (50 = chance)",
                 per100(r->roc_auc));
    else snprintf(m, sizeof m, "needs both leavers and stayers");
    put_line(out, "ROC AUC", v, m);
    fmt_num(v, sizeof v, r->pr_auc, 2);
    if (isfinite(r->pr_auc))
        snprintf(m, sizeof m, "average precision down the list; a random list would score %.2f",
                 base);
    else snprintf(m, sizeof m, "needs at least one leaver");
    put_line(out, "PR AUC (average precision)", v, m);
    fmt_num(v, sizeof v, r->brier, 3);
    if (isfinite(r->brier))
        snprintf(m, sizeof m,
                 "mean squared error of the predicted chances; 0 is perfect, "
                 "giving everyone the base rate scores %.3f",
                 base * (1 - base));
    else snprintf(m, sizeof m, "no predicted chances given");
    put_line(out, "Brier score", v, m);
    buf_putc(out, '\n');
}

/* Top 5/10/20 % and the tiers. */
static void write_lists(buf *out, const metric_report *r) {
    buf_puts(out, "Following up the riskiest learners first\n");
    for (int i = 0; i < METRIC_REPORT_TOPS; i++) {
        const metric_top_row *t = &r->top[i];
        buf_printf(out, "  Top %g %% of the list\n", t->frac * 100);
        put_pr(out, t->flagged, t->precision, t->recall);
    }
    buf_putc(out, '\n');
    int nt = report_ntiers(r);
    if (nt == 0) return;
    buf_puts(out, "Risk tiers (flagged = score at or above the tier's threshold)\n");
    for (int i = 0; i < nt; i++) {
        const metric_tier_row *t = &r->tier[i];
        char v[64];
        fmt_num(v, sizeof v, t->threshold, 3);
        buf_puts(out, "  Tier ");
        put_name(out, t->name, 0);
        if (isfinite(t->threshold)) buf_printf(out, ": score at least %s\n", v);
        else buf_puts(out, ": its share of each occasion's rows (one cut-off per occasion)\n");
        put_pr(out, t->flagged, t->precision, t->recall);
    }
    buf_putc(out, '\n');
}

/* The reliability table. */
static void write_calibration(buf *out, const metric_report *r) {
    int nb = report_nbins(r);
    if (nb == 0) return;
    buf_puts(out, "Calibration — do the predicted chances come true?\n");
    buf_printf(out, "  %-16s %10s %16s %12s\n", "predicted chance", "learners",
               "mean predicted", "left early");
    for (int b = 0; b < nb; b++) {
        const metric_calib_bin *c = &r->calib[b];
        char range[64], mp[32], ob[32];
        snprintf(range, sizeof range, "%.2f - %.2f", c->lo, c->hi);
        if (c->n) {
            fmt_num(mp, sizeof mp, c->mean_pred, 2);
            fmt_num(ob, sizeof ob, c->observed, 2);
        } else {
            snprintf(mp, sizeof mp, "-");
            snprintf(ob, sizeof ob, "-");
        }
        buf_printf(out, "  %-16s %10zu %16s %12s\n", range, c->n, mp, ob);
    }
    buf_puts(out, "  (well calibrated: \"mean predicted\" close to \"left early\" in every row)\n\n");
}

/* Warning time before leaving. */
static void write_lead(buf *out, const metric_report *r) {
    if (!r->has_lead_time) return;
    const metric_lead_time *l = &r->lead;
    char v[64], m[256];
    buf_puts(out, "Warning time before leaving\n");
    snprintf(v, sizeof v, "%zu", l->leavers);
    put_line(out, "Leavers", v, NULL);
    snprintf(v, sizeof v, "%zu", l->flagged);
    if (l->leavers)
        snprintf(m, sizeof m, "%ld in 100 leavers were flagged before they left",
                 per100((double)l->flagged / (double)l->leavers));
    else m[0] = 0;
    put_line(out, "Flagged before leaving", v, m);
    if (isfinite(l->median_weeks)) snprintf(v, sizeof v, "%.1f weeks", l->median_weeks);
    else snprintf(v, sizeof v, "n/a");
    put_line(out, "Median warning", v,
             "half of the flagged leavers were flagged at least this long before leaving");
    if (isfinite(l->mean_weeks)) snprintf(v, sizeof v, "%.1f weeks", l->mean_weeks);
    else snprintf(v, sizeof v, "n/a");
    put_line(out, "Mean warning", v, "average time from first flag to leaving");
    const double shares[3] = {l->share_1w, l->share_4w, l->share_8w};
    const char *labels[3] = {"Flagged 1+ week before", "Flagged 4+ weeks before",
                             "Flagged 8+ weeks before"};
    for (int i = 0; i < 3; i++) {
        fmt_num(v, sizeof v, shares[i], 2);
        if (isfinite(shares[i])) snprintf(m, sizeof m, "%ld in 100 leavers", per100(shares[i]));
        else m[0] = 0;
        put_line(out, labels[i], v, m);
    }
    /* never a warning figure without its false alarms */
    fmt_num(v, sizeof v, l->precision, 2);
    if (isfinite(l->precision) && isfinite(l->base_rate))
        snprintf(m, sizeof m, "of the learners on that list, %ld in 100 left early (a random "
                 "list: %ld in 100)", per100(l->precision), per100(l->base_rate));
    else m[0] = 0;
    put_line(out, "Precision of that list", v, m);
    snprintf(v, sizeof v, "%zu of %zu", l->stayers_flagged, l->stayers);
    put_line(out, "Flagged but stayed", v,
             "learners who stayed that year, on the list at one of the judged dates or more");
    buf_putc(out, '\n');
}

/* One row of a fairness table (name already written). */
static void put_group_cells(buf *out, const metric_group *g) {
    char fr[32], rc[32], pr[32], au[32], br[32], mp[32], ob[32];
    fmt_num(fr, sizeof fr, g->flag_rate, 2);
    fmt_num(rc, sizeof rc, g->recall, 2);
    fmt_num(pr, sizeof pr, g->precision, 2);
    fmt_num(au, sizeof au, g->auc, 2);
    fmt_num(br, sizeof br, g->brier, 3);
    fmt_num(mp, sizeof mp, g->mean_pred, 2);
    fmt_num(ob, sizeof ob, g->observed_rate, 2);
    buf_printf(out, "%9zu%9zu%9zu%11s%8s%11s%7s%8s%11s%10s\n", g->n, g->positives, g->flagged,
               fr, rc, pr, au, br, mp, ob);
}

/* One "GAP:" line. */
static void put_gap(buf *out, const char *attribute, const char *group, const char *metric,
                    double v, double overall, const char *who) {
    double d = v - overall;
    buf_printf(out, "GAP: %s for ", metric);
    put_name(out, attribute, 0);
    buf_puts(out, " \"");
    put_name(out, group, 0);
    buf_printf(out, "\" is %.2f against %.2f overall (%.0f points %s) — %s %s often\n", v,
               overall, fabs(d) * 100, d < 0 ? "lower" : "higher", who,
               d < 0 ? "less" : "more");
}

/* The text of a withheld fairness row: why it is withheld. */
static void put_withheld(buf *out, unsigned char state, size_t min_cell) {
    if (state == SUPPRESS_PRIMARY) buf_printf(out, "suppressed (fewer than %zu)\n", min_cell);
    else buf_puts(out, "suppressed (so that a smaller group cannot be worked out)\n");
}

/* The fairness tables with suppression and gap call-outs. */
static void write_fairness(buf *out, const metric_report *r) {
    size_t min_cell = report_min_cell(r);
    double tol = report_tolerance(r);
    for (size_t f = 0; f < r->nfairness; f++) {
        const metric_fairness *t = &r->fairness[f];
        char th[32];
        fmt_num(th, sizeof th, t->threshold, 3);
        buf_puts(out, "Fairness by ");
        put_name(out, t->attribute, 0);
        buf_putc(out, '\n');
        if (isfinite(t->threshold))
            buf_printf(out, "  flagged = score at least %s", th);
        else
            buf_puts(out, "  flagged = on the list (selective or above) on one occasion or more");
        buf_printf(out, "; a gap of more than %.3g points in recall or flag rate from everyone's "
                   "is called out\n", tol * 100);
        buf_printf(out, "  %-20s%9s%9s%9s%11s%8s%11s%7s%8s%11s%10s\n", "group", "learners",
                   "leavers", "flagged", "flag rate", "recall", "precision", "AUC", "Brier",
                   "predicted", "observed");
        unsigned char *state = xmalloc((size_t)(t->ngroups > 0 ? t->ngroups : 0) + 1), all;
        metric_fairness_withheld(t, min_cell, state, &all);
        buf_puts(out, "  ");
        put_name(out, "everyone", 20);
        if (suppress_withheld(all)) put_withheld(out, all, min_cell);
        else put_group_cells(out, &t->overall);
        for (int g = 0; g < t->ngroups; g++) {
            buf_puts(out, "  ");
            put_name(out, t->group_names ? t->group_names[g] : NULL, 20);
            if (suppress_withheld(state[g])) put_withheld(out, state[g], min_cell);
            else put_group_cells(out, &t->groups[g]);
        }
        buf_puts(out, "  (flag rate: share of the group flagged; recall: share of its leavers "
                      "flagged; precision: share of its flagged who left;\n"
                      "   predicted / observed: mean predicted chance / share who left)\n");
        int gaps = 0;
        for (int g = 0; g < t->ngroups; g++) {
            const metric_group *row = &t->groups[g];
            if (suppress_withheld(state[g]) || suppress_withheld(all)) continue;
            const char *name = t->group_names ? t->group_names[g] : NULL;
            if (is_gap(row->recall, t->overall.recall, tol)) {
                put_gap(out, t->attribute, name, "recall", row->recall, t->overall.recall,
                        "leavers in this group are caught");
                gaps++;
            }
            if (is_gap(row->flag_rate, t->overall.flag_rate, tol)) {
                put_gap(out, t->attribute, name, "flag rate", row->flag_rate,
                        t->overall.flag_rate, "learners in this group are flagged");
                gaps++;
            }
        }
        if (!gaps)
            buf_printf(out, "  No gap of more than %.3g points in recall or flag rate.\n",
                       tol * 100);
        buf_putc(out, '\n');
        free(state);
    }
}

/* The whole report as text. */
void metric_report_write(buf *out, const metric_report *r) {
    buf head = BUF_INIT;
    buf_puts(&head, "Early warning evaluation: ");
    put_name(&head, r->title ? r->title : "the early-warning list", 0);
    put_heading(out, buf_cstr(&head), '=');
    buf_free(&head);
    buf_putc(out, '\n');
    write_overall(out, r);
    write_lists(out, r);
    write_calibration(out, r);
    write_lead(out, r);
    write_fairness(out, r);
}

/* ---- the report as JSON ---------------------------------------------------------------------- */

/* A number, or null if it is not finite (JSON has no NaN). */
static json_t *jnum(double x) {
    return isfinite(x) ? json_real(x) : json_null();
}

/* A count. */
static json_t *jint(size_t x) {
    return json_integer((json_int_t)x);
}

/* A string, null for NULL; bytes that are not valid UTF-8 become '?'. */
static json_t *jstr(const char *s) {
    if (!s) return json_null();
    json_t *v = json_string(s);
    if (v) return v;
    char *c = xstrdup(s);
    for (char *p = c; *p; p++)
        if ((unsigned char)*p >= 0x80) *p = '?';
    v = json_string(c);
    free(c);
    return v;
}

/* o[k] = v, recording a failure (NULL v or jansson refusing) in *bad. */
static void jset(json_t *o, const char *k, json_t *v, int *bad) {
    if (!o) json_decref(v);
    if (!o || !v || json_object_set_new(o, k, v)) *bad = 1;
}

/* Append v to array a, recording a failure in *bad. */
static void jpush(json_t *a, json_t *v, int *bad) {
    if (!a) json_decref(v);
    if (!a || !v || json_array_append_new(a, v)) *bad = 1;
}

/* A group row as an object. */
static json_t *jgroup(const metric_group *g, int *bad) {
    json_t *o = json_object();
    jset(o, "n", jint(g->n), bad);
    jset(o, "positives", jint(g->positives), bad);
    jset(o, "flagged", jint(g->flagged), bad);
    jset(o, "flag_rate", jnum(g->flag_rate), bad);
    jset(o, "recall", jnum(g->recall), bad);
    jset(o, "precision", jnum(g->precision), bad);
    jset(o, "auc", jnum(g->auc), bad);
    jset(o, "brier", jnum(g->brier), bad);
    jset(o, "mean_pred", jnum(g->mean_pred), bad);
    jset(o, "observed_rate", jnum(g->observed_rate), bad);
    return o;
}

/* A gap as an object. */
static json_t *jgap(const char *group, const char *metric, double v, double overall, int *bad) {
    json_t *o = json_object();
    jset(o, "group", jstr(group), bad);
    jset(o, "metric", json_string(metric), bad);
    jset(o, "value", jnum(v), bad);
    jset(o, "overall", jnum(overall), bad);
    jset(o, "difference", jnum(v - overall), bad);
    return o;
}

/* A fairness row as an object: its figures, or when withheld only why
** ("suppression": "small" or "complementary"); "suppressed" either way. */
static json_t *jfair_row(const metric_group *g, unsigned char state, int *bad) {
    int sup = suppress_withheld(state);
    json_t *o = sup ? json_object() : jgroup(g, bad);
    jset(o, "suppressed", json_boolean(sup), bad);
    if (sup)
        jset(o, "suppression",
             json_string(state == SUPPRESS_PRIMARY ? "small" : "complementary"), bad);
    return o;
}

/* One fairness table as an object. */
static json_t *jfairness(const metric_fairness *t, size_t min_cell, double tol, int *bad) {
    json_t *o = json_object(), *groups = json_array(), *gaps = json_array();
    unsigned char *state = xmalloc((size_t)(t->ngroups > 0 ? t->ngroups : 0) + 1), all;
    metric_fairness_withheld(t, min_cell, state, &all);
    jset(o, "attribute", jstr(t->attribute), bad);
    jset(o, "threshold", jnum(t->threshold), bad);
    jset(o, "overall", jfair_row(&t->overall, all, bad), bad);
    for (int g = 0; g < t->ngroups; g++) {
        const metric_group *row = &t->groups[g];
        const char *name = t->group_names ? t->group_names[g] : NULL;
        json_t *go = jfair_row(row, state[g], bad);
        jset(go, "name", jstr(name), bad);
        jpush(groups, go, bad);
        if (suppress_withheld(state[g]) || suppress_withheld(all)) continue;
        if (is_gap(row->recall, t->overall.recall, tol))
            jpush(gaps, jgap(name, "recall", row->recall, t->overall.recall, bad), bad);
        if (is_gap(row->flag_rate, t->overall.flag_rate, tol))
            jpush(gaps, jgap(name, "flag_rate", row->flag_rate, t->overall.flag_rate, bad), bad);
    }
    jset(o, "groups", groups, bad);
    jset(o, "gaps", gaps, bad);
    free(state);
    return o;
}

/* The report as a jansson object. */
json_t *metric_report_json_value(const metric_report *r) {
    int bad = 0;
    size_t min_cell = report_min_cell(r);
    double tol = report_tolerance(r);
    json_t *o = json_object();
    jset(o, "title", jstr(r->title), &bad);
    jset(o, "n", jint(r->n), &bad);
    jset(o, "positives", jint(r->positives), &bad);
    jset(o, "base_rate", jnum(r->n ? (double)r->positives / (double)r->n : NAN), &bad);
    jset(o, "roc_auc", jnum(r->roc_auc), &bad);
    jset(o, "pr_auc", jnum(r->pr_auc), &bad);
    jset(o, "brier", jnum(r->brier), &bad);

    json_t *a = json_array();
    for (int i = 0; i < METRIC_REPORT_TOPS; i++) {
        json_t *t = json_object();
        jset(t, "frac", jnum(r->top[i].frac), &bad);
        jset(t, "flagged", jint(r->top[i].flagged), &bad);
        jset(t, "precision", jnum(r->top[i].precision), &bad);
        jset(t, "recall", jnum(r->top[i].recall), &bad);
        jpush(a, t, &bad);
    }
    jset(o, "top", a, &bad);

    a = json_array();
    for (int i = 0; i < report_ntiers(r); i++) {
        json_t *t = json_object();
        jset(t, "name", jstr(r->tier[i].name), &bad);
        jset(t, "threshold", jnum(r->tier[i].threshold), &bad);
        jset(t, "flagged", jint(r->tier[i].flagged), &bad);
        jset(t, "precision", jnum(r->tier[i].precision), &bad);
        jset(t, "recall", jnum(r->tier[i].recall), &bad);
        jpush(a, t, &bad);
    }
    jset(o, "tiers", a, &bad);

    a = json_array();
    for (int b = 0; b < report_nbins(r); b++) {
        const metric_calib_bin *c = &r->calib[b];
        json_t *t = json_object();
        jset(t, "lo", jnum(c->lo), &bad);
        jset(t, "hi", jnum(c->hi), &bad);
        jset(t, "n", jint(c->n), &bad);
        jset(t, "mean_pred", jnum(c->mean_pred), &bad);
        jset(t, "observed", jnum(c->observed), &bad);
        jpush(a, t, &bad);
    }
    jset(o, "calibration", a, &bad);

    if (r->has_lead_time) {
        const metric_lead_time *l = &r->lead;
        json_t *t = json_object();
        jset(t, "leavers", jint(l->leavers), &bad);
        jset(t, "flagged", jint(l->flagged), &bad);
        jset(t, "median_weeks", jnum(l->median_weeks), &bad);
        jset(t, "mean_weeks", jnum(l->mean_weeks), &bad);
        jset(t, "share_1w", jnum(l->share_1w), &bad);
        jset(t, "share_4w", jnum(l->share_4w), &bad);
        jset(t, "share_8w", jnum(l->share_8w), &bad);
        jset(t, "precision", jnum(l->precision), &bad);
        jset(t, "base_rate", jnum(l->base_rate), &bad);
        jset(t, "stayers", jint(l->stayers), &bad);
        jset(t, "stayers_flagged", jint(l->stayers_flagged), &bad);
        jset(o, "lead_time", t, &bad);
    } else {
        jset(o, "lead_time", json_null(), &bad);
    }

    jset(o, "min_cell", jint(min_cell), &bad);
    jset(o, "gap_tolerance", jnum(tol), &bad);
    a = json_array();
    for (size_t f = 0; f < r->nfairness; f++)
        jpush(a, jfairness(&r->fairness[f], min_cell, tol, &bad), &bad);
    jset(o, "fairness", a, &bad);

    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The report as JSON text appended to out. */
int metric_report_json(buf *out, const metric_report *r, cairn_err *err) {
    json_t *o = metric_report_json_value(r);
    if (!o) return err_set(err, CAIRN_EINTERNAL, "evaluation report: could not build the JSON");
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(o);
    if (!s) return err_set(err, CAIRN_EINTERNAL, "evaluation report: could not write the JSON");
    buf_puts(out, s);
    free(s);
    return 0;
}
