/*
** tests/unit/test_metrics.c — evaluation metrics, calibration, folds,
** fairness and the evaluation report (risk/metrics.h).  Every expected
** value is worked out by hand in the comment next to it; AUC and average
** precision are also checked against definition-based brute force on 1,000
** random cases with ties.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-12

/* Assert x is within tol of want, or both are NaN. */
#define assert_near(x, want, tol)                                                           \
    do {                                                                                    \
        double x_ = (x), w_ = (want);                                                       \
        if (isnan(w_)) {                                                                    \
            if (!isnan(x_)) fail_msg("%s = %.17g, want NaN", #x, x_);                       \
        } else if (!(fabs(x_ - w_) <= (tol))) {                                             \
            fail_msg("%s = %.17g, want %.17g", #x, x_, w_);                                 \
        }                                                                                   \
    } while (0)

/* ---- AUC and average precision -------------------------------------------------- */

static void test_auc_known(void **state) {
    (void)state;
    /* the brief's example: leavers score 0.35 and 0.8, stayers 0.1 and 0.4.
    ** pairs won: 0.8>0.1, 0.8>0.4, 0.35>0.1; lost 0.35<0.4 -> 3/4 */
    const double s[] = {0.1, 0.4, 0.35, 0.8};
    const int y[] = {0, 0, 1, 1};
    assert_near(metric_roc_auc(s, y, 4), 0.75, EPS);
    /* from the top: 0.8 (+) P=1 R=1/2; 0.4 (-) R unchanged; 0.35 (+) P=2/3 R=1;
    ** AP = 1/2*1 + 1/2*2/3 = 5/6 */
    assert_near(metric_pr_auc(s, y, 4), 5.0 / 6.0, EPS);

    /* ties: leavers 0.5, 0.9; stayers 0.5, 0.5, 0.1.
    ** 0.9 beats all 3 = 3; 0.5 ties two 0.5s = 1/2+1/2, beats 0.1 = 1 -> 5/6 */
    const double t[] = {0.5, 0.5, 0.5, 0.9, 0.1};
    const int ty[] = {1, 0, 0, 1, 0};
    assert_near(metric_roc_auc(t, ty, 5), 5.0 / 6.0, EPS);
    /* thresholds: 0.9 -> tp1 fp0 P=1 R=1/2; 0.5 -> tp2 fp2 P=1/2 R=1; 0.1 -> R same.
    ** AP = 1/2*1 + 1/2*1/2 = 3/4 */
    assert_near(metric_pr_auc(t, ty, 5), 0.75, EPS);

    /* all tied: AUC 1/2; one threshold with P = 1/2, R = 1 -> AP 1/2 */
    const double e[] = {0.5, 0.5};
    const int ey[] = {1, 0};
    assert_near(metric_roc_auc(e, ey, 2), 0.5, EPS);
    assert_near(metric_pr_auc(e, ey, 2), 0.5, EPS);

    /* perfectly wrong: AUC 0; AP: 0.9 (-) R=0, 0.1 (+) P=1/2 R=1 -> 1/2 */
    const double w[] = {0.9, 0.1};
    const int wy[] = {0, 1};
    assert_near(metric_roc_auc(w, wy, 2), 0.0, EPS);
    assert_near(metric_pr_auc(w, wy, 2), 0.5, EPS);

    /* perfect, and any nonzero label counts as a leaver */
    const int py[] = {7, 0};
    assert_near(metric_roc_auc(w, py, 2), 1.0, EPS);
    assert_near(metric_pr_auc(w, py, 2), 1.0, EPS);

    /* a NaN score ranks below everything: the leaver with NaN loses */
    const double ns[] = {NAN, 0.2};
    const int ny[] = {1, 0};
    assert_near(metric_roc_auc(ns, ny, 2), 0.0, EPS);
}

static void test_auc_degenerate(void **state) {
    (void)state;
    const double s[] = {0.1, 0.2, 0.3};
    const int pos[] = {1, 1, 1}, neg[] = {0, 0, 0};
    assert_true(isnan(metric_roc_auc(s, pos, 0)));
    assert_true(isnan(metric_pr_auc(s, pos, 0)));
    assert_true(isnan(metric_roc_auc(s, pos, 3)));
    assert_true(isnan(metric_roc_auc(s, neg, 3)));
    assert_near(metric_pr_auc(s, pos, 3), 1.0, EPS); /* as scikit-learn */
    assert_true(isnan(metric_pr_auc(s, neg, 3)));
}

/* A splitmix64 stream for the test's own random cases. */
static uint64_t test_rng(uint64_t *s) {
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* AUC by its definition: over every (leaver, stayer) pair, 1 if the leaver
** scores higher, 1/2 if equal. */
static double brute_auc(const double *s, const int *y, size_t n) {
    double win = 0, pairs = 0;
    for (size_t i = 0; i < n; i++) {
        if (!y[i]) continue;
        for (size_t j = 0; j < n; j++) {
            if (y[j]) continue;
            pairs += 1;
            win += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
        }
    }
    return pairs > 0 ? win / pairs : NAN;
}

/* Average precision by its definition: for each distinct score t from the
** highest down, count the flagged (score >= t) by a full scan, and add
** (R(t) - R(previous t)) * P(t). */
static double brute_ap(const double *s, const int *y, size_t n) {
    size_t P = 0;
    for (size_t i = 0; i < n; i++) P += y[i] != 0;
    if (P == 0) return NAN;
    double ap = 0, prev_r = 0, prev_t = INFINITY;
    for (;;) {
        double t = -INFINITY; /* the largest score below prev_t */
        int found = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] < prev_t && (!found || s[i] > t)) {
                t = s[i];
                found = 1;
            }
        if (!found) break;
        size_t tp = 0, fl = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] >= t) {
                fl++;
                tp += y[i] != 0;
            }
        double r = (double)tp / (double)P, p = (double)tp / (double)fl;
        ap += (r - prev_r) * p;
        prev_r = r;
        prev_t = t;
    }
    return ap;
}

static void test_auc_ap_random(void **state) {
    (void)state;
    uint64_t rs = 12345;
    double s[80];
    int y[80];
    int single = 0;
    for (int c = 0; c < 1000; c++) {
        size_t n = 1 + test_rng(&rs) % 80;
        unsigned levels = 1 + (unsigned)(test_rng(&rs) % 12); /* few levels: many ties */
        unsigned rate = 1 + (unsigned)(test_rng(&rs) % 9);    /* positives 1..9 in 10 */
        for (size_t i = 0; i < n; i++) {
            s[i] = (double)(test_rng(&rs) % levels) / 7.0 - 0.5;
            y[i] = test_rng(&rs) % 10 < rate;
        }
        double a = metric_roc_auc(s, y, n), ba = brute_auc(s, y, n);
        double p = metric_pr_auc(s, y, n), bp = brute_ap(s, y, n);
        if (isnan(ba)) single++;
        assert_near(a, ba, 1e-12);
        assert_near(p, bp, 1e-12);
    }
    assert_true(single > 0); /* the single-class path was exercised too */
}

/* ---- Brier, top share, threshold ----------------------------------------------------- */

static void test_brier(void **state) {
    (void)state;
    const double p[] = {0.1, 0.4, 0.35, 0.8};
    const int y[] = {0, 0, 1, 1};
    /* (0.01 + 0.16 + 0.4225 + 0.04) / 4 = 0.6325 / 4 */
    assert_near(metric_brier(p, y, 4), 0.158125, EPS);
    assert_true(isnan(metric_brier(p, y, 0)));
    const double one[] = {1.0};
    const int yes[] = {1}, no[] = {0};
    assert_near(metric_brier(one, yes, 1), 0.0, EPS);
    assert_near(metric_brier(one, no, 1), 1.0, EPS);
    const int seven[] = {7}; /* any nonzero label is a leaver */
    assert_near(metric_brier(one, seven, 1), 0.0, EPS);
}

static void test_at_top(void **state) {
    (void)state;
    const double s[] = {0.1, 0.4, 0.35, 0.8};
    const int y[] = {0, 0, 1, 1};
    double pr = 0, rc = 0;
    size_t fl = 99;
    /* top 50 % = 0.8 (+), 0.4 (-): precision 1/2, recall 1/2 */
    metric_at_top(s, y, 4, 0.5, &pr, &rc, &fl);
    assert_int_equal(fl, 2);
    assert_near(pr, 0.5, EPS);
    assert_near(rc, 0.5, EPS);
    /* top 75 % = 3 learners: 2 leavers */
    metric_at_top(s, y, 4, 0.75, &pr, &rc, &fl);
    assert_int_equal(fl, 3);
    assert_near(pr, 2.0 / 3.0, EPS);
    assert_near(rc, 1.0, EPS);
    /* 20 % of 4 = 0.8 -> 1 learner (0.8, a leaver) */
    metric_at_top(s, y, 4, 0.2, &pr, &rc, &fl);
    assert_int_equal(fl, 1);
    assert_near(pr, 1.0, EPS);
    assert_near(rc, 0.5, EPS);
    /* nothing flagged: precision unknown, recall 0 */
    metric_at_top(s, y, 4, 0.0, &pr, &rc, &fl);
    assert_int_equal(fl, 0);
    assert_true(isnan(pr));
    assert_near(rc, 0.0, EPS);
    metric_at_top(s, y, 4, 2.0, &pr, &rc, &fl);
    assert_int_equal(fl, 4);
    assert_near(pr, 0.5, EPS);
    /* NULL outputs are allowed */
    metric_at_top(s, y, 4, 0.5, NULL, NULL, NULL);

    /* ties broken by index: three 0.5s, only index 0 a leaver, so the lower
    ** index must come first */
    const double t[] = {0.5, 0.5, 0.5, 0.1};
    const int ty[] = {1, 0, 0, 0};
    metric_at_top(t, ty, 4, 0.25, &pr, &rc, &fl); /* index 0 only */
    assert_int_equal(fl, 1);
    assert_near(pr, 1.0, EPS);
    assert_near(rc, 1.0, EPS);
    metric_at_top(t, ty, 4, 0.5, &pr, &rc, &fl); /* indices 0, 1 */
    assert_int_equal(fl, 2);
    assert_near(pr, 0.5, EPS);
    assert_near(rc, 1.0, EPS);
    const int ty2[] = {0, 0, 1, 0};
    metric_at_top(t, ty2, 4, 0.5, &pr, &rc, &fl); /* indices 0, 1: not the leaver at 2 */
    assert_near(pr, 0.0, EPS);
    assert_near(rc, 0.0, EPS);

    /* counting: 5 % of 30 = 1.5 -> 2; 10 % of 30 = 3 */
    double s30[30];
    int y30[30];
    for (int i = 0; i < 30; i++) {
        s30[i] = 30 - i; /* index order = rank order */
        y30[i] = i % 2 == 0;
    }
    metric_at_top(s30, y30, 30, 0.1, &pr, &rc, &fl);
    assert_int_equal(fl, 3);
    assert_near(pr, 2.0 / 3.0, EPS); /* indices 0, 1, 2: leavers 0 and 2 */
    assert_near(rc, 2.0 / 15.0, EPS);
    metric_at_top(s30, y30, 30, 0.05, &pr, &rc, &fl);
    assert_int_equal(fl, 2);
    /* products off a whole number by rounding only: 0.07 * 100 is
    ** 7.000000000000001 (7, not 8), 0.57 * 100 is 56.99999999999999 (57) */
    double s100[100];
    int y100[100];
    for (int i = 0; i < 100; i++) {
        s100[i] = 100 - i;
        y100[i] = 0;
    }
    metric_at_top(s100, y100, 100, 0.07, &pr, &rc, &fl);
    assert_int_equal(fl, 7);
    metric_at_top(s100, y100, 100, 0.57, &pr, &rc, &fl);
    assert_int_equal(fl, 57);
    metric_at_top(s100, y100, 100, 0.571, &pr, &rc, &fl); /* 57.1 -> 58 */
    assert_int_equal(fl, 58);
}

static void test_at_threshold(void **state) {
    (void)state;
    const double s[] = {0.1, 0.4, 0.35, 0.8, NAN};
    const int y[] = {0, 0, 1, 1, 1};
    double pr = 0, rc = 0;
    size_t fl = 0;
    /* >= 0.4: 0.4 (-), 0.8 (+); 3 leavers (the NaN one never flagged) */
    metric_at_threshold(s, y, 5, 0.4, &pr, &rc, &fl);
    assert_int_equal(fl, 2);
    assert_near(pr, 0.5, EPS);
    assert_near(rc, 1.0 / 3.0, EPS);
    metric_at_threshold(s, y, 5, 0.35, &pr, &rc, &fl); /* 0.35 counts: >= */
    assert_int_equal(fl, 3);
    assert_near(pr, 2.0 / 3.0, EPS);
    assert_near(rc, 2.0 / 3.0, EPS);
    metric_at_threshold(s, y, 5, 0.9, &pr, &rc, &fl);
    assert_int_equal(fl, 0);
    assert_true(isnan(pr));
    assert_near(rc, 0.0, EPS);
    const int none[] = {0, 0, 0, 0, 0};
    metric_at_threshold(s, none, 5, 0.0, &pr, &rc, &fl);
    assert_int_equal(fl, 4);
    assert_near(pr, 0.0, EPS);
    assert_true(isnan(rc));
}

/* ---- calibration ------------------------------------------------------------------------ */

static void test_calibration(void **state) {
    (void)state;
    const double p[] = {0.05, 0.15, 0.12, 0.95, 1.0, 0.5, 0.3};
    const int y[] = {0, 1, 0, 1, 1, 0, 1};
    metric_calib_bin b[10];
    metric_calibration(p, y, 7, 10, b);
    size_t total = 0;
    for (int i = 0; i < 10; i++) {
        assert_near(b[i].lo, i / 10.0, EPS);
        assert_near(b[i].hi, (i + 1) / 10.0, EPS);
        total += b[i].n;
    }
    assert_int_equal(total, 7);
    assert_int_equal(b[0].n, 1); /* 0.05 */
    assert_near(b[0].mean_pred, 0.05, EPS);
    assert_near(b[0].observed, 0.0, EPS);
    assert_int_equal(b[1].n, 2); /* 0.15, 0.12: mean 0.135, 1 of 2 left */
    assert_near(b[1].mean_pred, 0.135, EPS);
    assert_near(b[1].observed, 0.5, EPS);
    assert_int_equal(b[2].n, 0);
    assert_true(isnan(b[2].mean_pred));
    assert_true(isnan(b[2].observed));
    assert_int_equal(b[3].n, 1); /* 0.3 is the lower edge of [0.3, 0.4) */
    assert_near(b[3].observed, 1.0, EPS);
    assert_int_equal(b[5].n, 1); /* 0.5 */
    assert_int_equal(b[9].n, 2); /* 0.95 and 1.0 (last bin is closed) */
    assert_near(b[9].mean_pred, 0.975, EPS);
    assert_near(b[9].observed, 1.0, EPS);

    /* outside [0,1] go to the end bins, NaN is skipped */
    const double q[] = {-0.2, 0.5, 1.5, NAN};
    const int qy[] = {0, 1, 1, 1};
    metric_calib_bin c[2];
    metric_calibration(q, qy, 4, 2, c);
    assert_int_equal(c[0].n, 1);
    assert_near(c[0].mean_pred, -0.2, EPS);
    assert_near(c[0].observed, 0.0, EPS);
    assert_int_equal(c[1].n, 2); /* 0.5 and 1.5 */
    assert_near(c[1].mean_pred, 1.0, EPS);
    assert_near(c[1].observed, 1.0, EPS);
}

/* ---- folds -------------------------------------------------------------------------------- */

/* Assert the folds of labels y are in range and stratified within 1. */
static void check_folds(const int *y, const int *fold, size_t n, int k) {
    size_t pos[16] = {0}, neg[16] = {0};
    for (size_t i = 0; i < n; i++) {
        assert_true(fold[i] >= 0 && fold[i] < k);
        if (y[i]) pos[fold[i]]++;
        else neg[fold[i]]++;
    }
    size_t pmin = SIZE_MAX, pmax = 0, nmin = SIZE_MAX, nmax = 0, tmin = SIZE_MAX, tmax = 0;
    for (int f = 0; f < k; f++) {
        size_t t = pos[f] + neg[f];
        if (pos[f] < pmin) pmin = pos[f];
        if (pos[f] > pmax) pmax = pos[f];
        if (neg[f] < nmin) nmin = neg[f];
        if (neg[f] > nmax) nmax = neg[f];
        if (t < tmin) tmin = t;
        if (t > tmax) tmax = t;
    }
    assert_true(pmax - pmin <= 1);
    assert_true(nmax - nmin <= 1);
    assert_true(tmax - tmin <= 1);
}

static void test_folds(void **state) {
    (void)state;
    /* 33 learners, 11 leavers (every third), 5 folds: leavers 3,2,2,2,2 in
    ** some order, stayers 22 -> 5,5,4,4,4 */
    int y[33], f1[33], f2[33], f3[33];
    for (int i = 0; i < 33; i++) y[i] = i % 3 == 0;
    metric_stratified_folds(y, 33, 5, 42, f1);
    metric_stratified_folds(y, 33, 5, 42, f2);
    metric_stratified_folds(y, 33, 5, 43, f3);
    check_folds(y, f1, 33, 5);
    check_folds(y, f3, 33, 5);
    assert_memory_equal(f1, f2, sizeof f1); /* same seed, same folds */
    assert_memory_not_equal(f1, f3, sizeof f1);
    size_t pos[5] = {0}, neg[5] = {0};
    for (int i = 0; i < 33; i++) (y[i] ? pos : neg)[f1[i]]++;
    size_t p3 = 0, n5 = 0;
    for (int f = 0; f < 5; f++) {
        p3 += pos[f] == 3;
        assert_true(pos[f] == 2 || pos[f] == 3);
        n5 += neg[f] == 5;
        assert_true(neg[f] == 4 || neg[f] == 5);
    }
    assert_int_equal(p3, 1);
    assert_int_equal(n5, 2);
    /* each class shuffled: neither is the plain deal of its indices in order */
    int plain_pos = 1, plain_neg = 1;
    size_t np = 0, nn = 0;
    for (int i = 0; i < 33; i++) {
        if (y[i]) {
            if (f1[i] != (int)((22 + np++) % 5)) plain_pos = 0;
        } else if (f1[i] != (int)(nn++ % 5)) {
            plain_neg = 0;
        }
    }
    assert_false(plain_pos);
    assert_false(plain_neg);

    /* k < 1 means one fold */
    metric_stratified_folds(y, 33, 0, 1, f1);
    for (int i = 0; i < 33; i++) assert_int_equal(f1[i], 0);

    /* many random cases */
    uint64_t rs = 99;
    int ry[200], rf[200];
    for (int c = 0; c < 300; c++) {
        size_t n = 1 + test_rng(&rs) % 200;
        int k = 2 + (int)(test_rng(&rs) % 9);
        for (size_t i = 0; i < n; i++) ry[i] = test_rng(&rs) % 4 == 0;
        metric_stratified_folds(ry, n, k, test_rng(&rs), rf);
        check_folds(ry, rf, n, k);
    }
}

/* ---- lead time ------------------------------------------------------------------------------- */

static void test_lead_time(void **state) {
    (void)state;
    /* 0: 7 days = 1 week; 1: 100 days = 14.2857 weeks; 2: leaver never flagged;
    ** 3: not a leaver; 4: flagged after leaving (not counted); 5: 56 days = 8 weeks */
    const int32_t exit_day[] = {100, 200, 300, INT32_MIN, 400, 500};
    const int32_t flag_day[] = {93, 100, INT32_MIN, 50, 450, 444};
    metric_lead_time lt;
    metric_lead_time_of(exit_day, flag_day, 6, &lt);
    assert_int_equal(lt.leavers, 5);
    assert_int_equal(lt.flagged, 3);
    assert_near(lt.median_weeks, 8.0, EPS);                       /* of 1, 8, 14.29 */
    assert_near(lt.mean_weeks, (1.0 + 100.0 / 7.0 + 8.0) / 3, EPS); /* 7.7619... */
    assert_near(lt.share_1w, 3.0 / 5.0, EPS);
    assert_near(lt.share_4w, 2.0 / 5.0, EPS);
    assert_near(lt.share_8w, 2.0 / 5.0, EPS); /* exactly 8 weeks counts */

    /* even number flagged: median of 6 days and 21 days = 13.5 days; 6 days
    ** is under a week */
    const int32_t e2[] = {10, 30};
    const int32_t f2[] = {4, 9};
    metric_lead_time_of(e2, f2, 2, &lt);
    assert_int_equal(lt.flagged, 2);
    assert_near(lt.median_weeks, 13.5 / 7.0, EPS);
    assert_near(lt.share_1w, 0.5, EPS);
    assert_near(lt.share_4w, 0.0, EPS);

    /* flagged on the day of leaving: 0 weeks, counted as flagged */
    const int32_t e3[] = {10};
    const int32_t f3[] = {10};
    metric_lead_time_of(e3, f3, 1, &lt);
    assert_int_equal(lt.flagged, 1);
    assert_near(lt.median_weeks, 0.0, EPS);
    assert_near(lt.share_1w, 0.0, EPS);

    /* nobody left */
    const int32_t e4[] = {INT32_MIN};
    metric_lead_time_of(e4, f3, 1, &lt);
    assert_int_equal(lt.leavers, 0);
    assert_int_equal(lt.flagged, 0);
    assert_true(isnan(lt.median_weeks));
    assert_true(isnan(lt.mean_weeks));
    assert_true(isnan(lt.share_1w));
    metric_lead_time_of(e4, f3, 0, &lt);
    assert_int_equal(lt.leavers, 0);
}

/* ---- isotonic and Platt ----------------------------------------------------------------------- */

static void test_isotonic(void **state) {
    (void)state;
    /* labels in score order 1,0,0,1,0,1.  PAV: {1,0} -> 1/2, then with 0 ->
    ** {1,0,0} = 1/3; 1 stays; then {1,0} = 1/2 (>= 1/3, keeps); 1 stays.
    ** Blocks: scores 1..3 -> 1/3, 4..5 -> 1/2, 6 -> 1.  Given shuffled. */
    const double raw[] = {4, 1, 6, 2, 5, 3};
    const int y[] = {1, 1, 1, 0, 0, 0};
    metric_isotonic m;
    cairn_err err;
    err_clear(&err);
    assert_int_equal(metric_isotonic_fit(raw, y, 6, &m, &err), 0);
    assert_int_equal(m.n, 5);
    const double wx[] = {1, 3, 4, 5, 6}, wy[] = {1.0 / 3, 1.0 / 3, 0.5, 0.5, 1.0};
    for (size_t i = 0; i < 5; i++) {
        assert_near(m.x[i], wx[i], EPS);
        assert_near(m.y[i], wy[i], EPS);
    }
    assert_near(metric_isotonic_apply(&m, 0.0), 1.0 / 3, EPS);  /* clamped */
    assert_near(metric_isotonic_apply(&m, 2.0), 1.0 / 3, EPS);  /* inside a block */
    assert_near(metric_isotonic_apply(&m, 3.5), 5.0 / 12, EPS); /* halfway 1/3 -> 1/2 */
    assert_near(metric_isotonic_apply(&m, 5.5), 0.75, EPS);     /* halfway 1/2 -> 1 */
    assert_near(metric_isotonic_apply(&m, 6.0), 1.0, EPS);
    assert_near(metric_isotonic_apply(&m, 99.0), 1.0, EPS);     /* clamped */
    assert_true(isnan(metric_isotonic_apply(&m, NAN)));
    metric_isotonic_free(&m);
    assert_int_equal(m.n, 0);
    assert_null(m.x);
    metric_isotonic_free(&m); /* twice is fine */

    /* tied scores are pooled first: score 1 -> 1/2 (weight 2), score 2 -> 0;
    ** violates, so one block (1 + 0 + 0) / 3 = 1/3 over [1, 2] */
    const double tr[] = {1, 1, 2};
    const int ty[] = {1, 0, 0};
    assert_int_equal(metric_isotonic_fit(tr, ty, 3, &m, &err), 0);
    assert_int_equal(m.n, 2);
    assert_near(m.x[0], 1, EPS);
    assert_near(m.x[1], 2, EPS);
    assert_near(m.y[0], 1.0 / 3, EPS);
    assert_near(m.y[1], 1.0 / 3, EPS);
    metric_isotonic_free(&m);

    /* a tie listed stayer first is still one point: score 1 -> 1/2, 2 -> 1 */
    const double tr2[] = {1, 1, 2};
    const int ty2[] = {0, 1, 1};
    assert_int_equal(metric_isotonic_fit(tr2, ty2, 3, &m, &err), 0);
    assert_int_equal(m.n, 2);
    assert_near(m.x[0], 1, EPS);
    assert_near(m.y[0], 0.5, EPS);
    assert_near(m.x[1], 2, EPS);
    assert_near(m.y[1], 1.0, EPS);
    metric_isotonic_free(&m);

    /* already monotone: the two 0s pool into one block [0.1, 0.2], then 0.3 */
    const double mr[] = {0.1, 0.2, 0.3};
    const int my[] = {0, 0, 1};
    assert_int_equal(metric_isotonic_fit(mr, my, 3, &m, &err), 0);
    assert_int_equal(m.n, 3);
    assert_near(m.y[0], 0, EPS);
    assert_near(m.y[1], 0, EPS);
    assert_near(m.y[2], 1, EPS);
    assert_near(metric_isotonic_apply(&m, 0.25), 0.5, EPS);
    metric_isotonic_free(&m);

    /* bad input */
    assert_int_equal(metric_isotonic_fit(mr, my, 0, &m, &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
    const double bad[] = {0.1, NAN};
    err_clear(&err);
    assert_int_equal(metric_isotonic_fit(bad, my, 2, &m, &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
    assert_non_null(strstr(err.msg, "score 1"));
    assert_null(m.x);
}

static void test_platt(void **state) {
    (void)state;
    cairn_err err;
    err_clear(&err);
    double a = 0, b = 0;
    /* two learners, raw 0 (stayer) and 1 (leaver): targets 1/3 and 2/3, fitted
    ** exactly: 1/(1+e^b) = 1/3 -> b = ln 2; 1/(1+e^(a+b)) = 2/3 -> a = -2 ln 2 */
    const double r2[] = {0, 1};
    const int y2[] = {0, 1};
    assert_int_equal(metric_platt_fit(r2, y2, 2, &a, &b, &err), 0);
    assert_near(a, -2 * log(2.0), 1e-8);
    assert_near(b, log(2.0), 1e-8);
    assert_near(metric_platt_apply(a, b, 0), 1.0 / 3, 1e-8);
    assert_near(metric_platt_apply(a, b, 1), 2.0 / 3, 1e-8);

    /* separable-ish: higher raw = riskier, two learners on the wrong side */
    const double raw[] = {-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 0.2, -0.2};
    const int y[] = {0, 0, 0, 0, 1, 1, 1, 1, 0, 1};
    assert_int_equal(metric_platt_fit(raw, y, 10, &a, &b, &err), 0);
    assert_true(a < 0);
    for (int i = 1; i < 10; i++)
        assert_true(metric_platt_apply(a, b, i * 0.5 - 2.5) > metric_platt_apply(a, b, i * 0.5 - 3.0));
    /* the optimum of the Platt objective: sum (t - p) = 0 and sum raw (t - p) = 0,
    ** with targets 6/7 for the 5 leavers and 1/7 for the 5 stayers */
    double g1 = 0, g2 = 0;
    for (int i = 0; i < 10; i++) {
        double t = y[i] ? 6.0 / 7 : 1.0 / 7, p = metric_platt_apply(a, b, raw[i]);
        g1 += raw[i] * (t - p);
        g2 += t - p;
    }
    assert_near(g1, 0, 1e-7);
    assert_near(g2, 0, 1e-7);
    /* symmetric data (raw -> -raw swaps leavers and stayers): b = 0 */
    assert_near(b, 0, 1e-9);

    /* fully separable stays finite thanks to the priors */
    const double sr[] = {0, 1, 2, 3};
    const int sy[] = {0, 0, 1, 1};
    assert_int_equal(metric_platt_fit(sr, sy, 4, &a, &b, &err), 0);
    assert_true(isfinite(a) && a < 0);
    assert_true(isfinite(b));

    /* overflow-free apply at extremes */
    assert_near(metric_platt_apply(-1, 0, 1e6), 1.0, EPS);
    assert_near(metric_platt_apply(-1, 0, -1e6), 0.0, EPS);

    /* bad input */
    assert_int_equal(metric_platt_fit(sr, sy, 0, &a, &b, &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
    const double inf[] = {0, INFINITY};
    err_clear(&err);
    assert_int_equal(metric_platt_fit(inf, sy, 2, &a, &b, &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
}

/* ---- fairness -------------------------------------------------------------------------------- */

static void test_by_group(void **state) {
    (void)state;
    const double s[] = {0.9, 0.8, 0.3, 0.2, 0.7, 0.6, 0.1, 0.5};
    const int y[] = {1, 0, 1, 0, 1, 0, 0, 1};
    const int g[] = {0, 0, 0, 0, 1, 1, 1, -1};
    metric_group out[3];
    metric_by_group(s, s, y, g, 8, 3, 0.5, out);

    /* group 0: 0.9+ 0.8- 0.3+ 0.2-; flagged 0.9, 0.8 */
    assert_int_equal(out[0].n, 4);
    assert_int_equal(out[0].positives, 2);
    assert_int_equal(out[0].flagged, 2);
    assert_near(out[0].precision, 0.5, EPS);
    assert_near(out[0].recall, 0.5, EPS);
    assert_near(out[0].flag_rate, 0.5, EPS);
    assert_near(out[0].auc, 0.75, EPS); /* 0.9 beats both, 0.3 beats 0.2 only */
    assert_near(out[0].brier, (0.01 + 0.64 + 0.49 + 0.04) / 4, EPS);
    assert_near(out[0].mean_pred, 0.55, EPS);
    assert_near(out[0].observed_rate, 0.5, EPS);

    /* group 1: 0.7+ 0.6- 0.1-; flagged 0.7, 0.6 */
    assert_int_equal(out[1].n, 3);
    assert_int_equal(out[1].positives, 1);
    assert_int_equal(out[1].flagged, 2);
    assert_near(out[1].precision, 0.5, EPS);
    assert_near(out[1].recall, 1.0, EPS);
    assert_near(out[1].flag_rate, 2.0 / 3, EPS);
    assert_near(out[1].auc, 1.0, EPS);
    assert_near(out[1].brier, (0.09 + 0.36 + 0.01) / 3, EPS);
    assert_near(out[1].mean_pred, 1.4 / 3, EPS);
    assert_near(out[1].observed_rate, 1.0 / 3, EPS);

    /* group 2: nobody */
    assert_int_equal(out[2].n, 0);
    assert_int_equal(out[2].flagged, 0);
    assert_true(isnan(out[2].auc));
    assert_true(isnan(out[2].precision));
    assert_true(isnan(out[2].recall));
    assert_true(isnan(out[2].flag_rate));
    assert_true(isnan(out[2].brier));
    assert_true(isnan(out[2].mean_pred));
    assert_true(isnan(out[2].observed_rate));

    /* everyone (the unknown-group learner too): flagged 0.9 0.8 0.7 0.6 0.5,
    ** 3 of them leavers, 4 leavers in all */
    metric_group all;
    metric_group_overall(s, s, y, 8, 0.5, &all);
    assert_int_equal(all.n, 8);
    assert_int_equal(all.positives, 4);
    assert_int_equal(all.flagged, 5);
    assert_near(all.precision, 0.6, EPS);
    assert_near(all.recall, 0.75, EPS);
    assert_near(all.flag_rate, 0.625, EPS);

    /* without probabilities */
    metric_by_group(s, NULL, y, g, 8, 2, 0.5, out);
    assert_true(isnan(out[0].brier));
    assert_true(isnan(out[0].mean_pred));
    assert_near(out[0].auc, 0.75, EPS);

    /* suppression (base/suppress.h): a group below the minimum goes, and
    ** the smallest other one with it, so that "everyone" minus the shown
    ** groups does not give it away */
    metric_group rows[3] = {{.n = 9}, {.n = 30}, {.n = 20}};
    const char *names[3] = {"a", "b", "c"};
    metric_fairness t = {"x", 0.5, {.n = 59}, 3, names, rows};
    unsigned char st[3], ov;
    metric_fairness_withheld(&t, 10, st, &ov);
    assert_int_equal(st[0], SUPPRESS_PRIMARY);
    assert_int_equal(st[1], SUPPRESS_SHOWN);
    assert_int_equal(st[2], SUPPRESS_COMPLEMENT);
    assert_int_equal(ov, SUPPRESS_SHOWN);
    rows[0].n = 10;                      /* at the minimum: everything shown */
    t.overall.n = 60;
    metric_fairness_withheld(&t, 10, st, &ov);
    assert_true(!st[0] && !st[1] && !st[2] && !ov);
    t.overall.n = 75;                    /* 15 learners in no group hide nothing small */
    metric_fairness_withheld(&t, 10, st, &ov);
    assert_true(!st[0] && !st[1] && !st[2] && !ov);
    t.overall.n = 63;                    /* 3 in no group: 63 - 60 would give them away */
    metric_fairness_withheld(&t, 10, st, &ov);
    assert_int_equal(st[0], SUPPRESS_COMPLEMENT);
    metric_fairness_withheld(&t, 4, st, &ov);   /* never below METRIC_MIN_CELL */
    assert_int_equal(st[0], SUPPRESS_COMPLEMENT);
    /* the groups computed above: 4, 3 and 0 learners, 8 in all */
    metric_fairness u = {"g", 0.5, all, 3, names, out};
    metric_fairness_withheld(&u, 10, st, &ov);
    assert_true(st[0] && st[1] && st[2] && ov);   /* nothing can be shown */
}

/* ---- the report ---------------------------------------------------------------------------- */

/* A group row with the figures the report tests need. */
static metric_group row(size_t n, size_t positives, double recall, double flag_rate) {
    metric_group g;
    memset(&g, 0, sizeof g);
    g.n = n;
    g.positives = positives;
    g.flagged = (size_t)lround(flag_rate * (double)n);
    g.recall = recall;
    g.flag_rate = flag_rate;
    g.precision = 0.5;
    g.auc = 0.8;
    g.brier = 0.1;
    g.mean_pred = 0.2;
    g.observed_rate = (double)positives / (double)n;
    return g;
}

/* Fixture: a report with hand-set figures and one fairness table where
** "female" differs from everyone by 20 points in recall and 15 in flag
** rate, "male" by 5 and 10 (not more than the 10-point tolerance), and
** "other" has 5 learners. */
typedef struct fixture {
    metric_report r;
    metric_fairness f[2];
    metric_group g1[3], g2[2];
} fixture;

static const char *const names1[] = {"female", "male", "other"};
static const char *const names2[] = {"under 18", "18 or over"};

/* Fill fx (see above). */
static void fixture_make(fixture *fx) {
    metric_report *r = &fx->r;
    metric_report_init(r, "Demo school, 2024/25");
    r->n = 1200;
    r->positives = 96;
    r->roc_auc = 0.912;
    r->pr_auc = 0.54;
    r->brier = 0.061;
    for (int i = 0; i < 3; i++) {
        r->top[i].flagged = (size_t)(1200 * r->top[i].frac);
        r->top[i].precision = 0.45;
        r->top[i].recall = 0.28;
    }
    r->ntiers = 1;
    r->tier[0] = (metric_tier_row){"high", 0.7, 40, 0.425, 0.25};
    r->nbins = 10;
    for (int b = 0; b < 10; b++)
        r->calib[b] = (metric_calib_bin){b / 10.0, (b + 1) / 10.0, (size_t)(b == 3 ? 0 : 100),
                                         b == 3 ? NAN : b / 10.0 + 0.05,
                                         b == 3 ? NAN : b / 10.0 + 0.04};
    r->has_lead_time = 1;
    r->lead = (metric_lead_time){96, 80, 6.0, 7.25, 0.78, 0.5, 0.25, 0.21, 0.08, 1104, 300};
    fx->g1[0] = row(50, 10, 0.40, 0.05);
    fx->g1[1] = row(45, 8, 0.65, 0.30);
    fx->g1[2] = row(5, 1, 0.0, 0.9);
    fx->f[0] = (metric_fairness){"gender", 0.5, row(1200, 96, 0.60, 0.20), 3, names1, fx->g1};
    fx->g2[0] = row(300, 30, 0.62, 0.22);
    fx->g2[1] = row(900, 66, 0.58, 0.19);
    fx->f[1] = (metric_fairness){"age", 0.5, row(1200, 96, 0.60, 0.20), 2, names2, fx->g2};
    r->nfairness = 2;
    r->fairness = fx->f;
    r->gap_tolerance = 0.10;
}

/* Number of times needle occurs in hay. */
static int count_of(const char *hay, const char *needle) {
    int c = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) c++;
    return c;
}

static void test_report_text(void **state) {
    (void)state;
    fixture fx;
    fixture_make(&fx);
    buf out = BUF_INIT;
    metric_report_write(&out, &fx.r);
    const char *t = buf_cstr(&out);

    assert_non_null(strstr(t, "Early warning evaluation: Demo school, 2024/25\n"));
    char line[256];
    snprintf(line, sizeof line, "  %-28s %10s  — %s\n", "ROC AUC", "0.91",
             "a leaver is ranked above a stayer 91 times in 100 (50 = chance)");
    assert_non_null(strstr(t, line));
    snprintf(line, sizeof line, "  %-28s %10s\n", "Learners evaluated", "1200");
    assert_non_null(strstr(t, line));
    assert_non_null(strstr(t, "8.0 in 100 learners left early"));
    assert_non_null(strstr(t, "a random list would score 0.08"));
    assert_non_null(strstr(t, "0.061  — mean squared error"));
    assert_non_null(strstr(t, "Top 5 % of the list\n"));
    assert_non_null(strstr(t, "Top 10 % of the list\n"));
    assert_non_null(strstr(t, "Top 20 % of the list\n"));
    assert_non_null(strstr(t, "45 in 100 of those flagged left early"));
    assert_non_null(strstr(t, "28 in 100 of all leavers were flagged"));
    assert_non_null(strstr(t, "Tier high: score at least 0.700\n"));
    assert_non_null(strstr(t, "25 in 100 of all leavers were flagged"));
    /* 0.425 is 0.42499999999999999 in binary: figure and words agree on 42 */
    snprintf(line, sizeof line, "  %-28s %10s  — %s\n", "  precision", "0.42",
             "42 in 100 of those flagged left early");
    assert_non_null(strstr(t, line));
    /* calibration rows: a full one and the empty one */
    snprintf(line, sizeof line, "  %-16s %10s %16s %12s\n", "0.20 - 0.30", "100", "0.25", "0.24");
    assert_non_null(strstr(t, line));
    snprintf(line, sizeof line, "  %-16s %10s %16s %12s\n", "0.30 - 0.40", "0", "-", "-");
    assert_non_null(strstr(t, line));
    /* lead time */
    assert_non_null(strstr(t, "83 in 100 leavers were flagged before they left"));
    assert_non_null(strstr(t, "6.0 weeks"));
    assert_non_null(strstr(t, "7.2 weeks")); /* 7.25 to one decimal (round-half-even) */
    snprintf(line, sizeof line, "  %-28s %10s  — %s\n", "Flagged 4+ weeks before", "0.50",
             "50 in 100 leavers");
    assert_non_null(strstr(t, line));
    /* never a warning figure without its false alarms: precision and the stayers flagged */
    snprintf(line, sizeof line, "  %-28s %10s  — %s\n", "Precision of that list", "0.21",
             "of the learners on that list, 21 in 100 left early (a random list: 8 in 100)");
    assert_non_null(strstr(t, line));
    snprintf(line, sizeof line, "  %-28s %10s  — ", "Flagged but stayed", "300 of 1104");
    assert_non_null(strstr(t, line));

    /* fairness: the small group is suppressed and never called out */
    assert_non_null(strstr(t, "Fairness by gender\n"));
    snprintf(line, sizeof line, "  %-20s%s\n", "other", "suppressed (fewer than 10)");
    assert_non_null(strstr(t, line));
    assert_non_null(strstr(t, "GAP: recall for gender \"female\" is 0.40 against 0.60 overall "
                              "(20 points lower) — leavers in this group are caught less often\n"));
    assert_non_null(strstr(t, "GAP: flag rate for gender \"female\" is 0.05 against 0.20 overall "
                              "(15 points lower)"));
    assert_null(strstr(t, "\"male\""));  /* 5 and 10 points: within tolerance */
    assert_null(strstr(t, "\"other\"")); /* suppressed */
    assert_int_equal(count_of(t, "\nGAP: "), 2);
    /* the female row in full */
    snprintf(line, sizeof line, "  %-20s%9d%9d%9d%11s%8s%11s%7s%8s%11s%10s\n", "female", 50, 10,
             3, "0.05", "0.40", "0.50", "0.80", "0.100", "0.20", "0.20");
    assert_non_null(strstr(t, line));
    /* the age table has no gaps */
    assert_non_null(strstr(t, "Fairness by age\n"));
    assert_int_equal(count_of(t, "No gap of more than 10 points"), 1);
    buf_free(&out);

    /* a tighter tolerance calls out male too (5 points recall, 10 flag rate),
    ** and age (2 points) stays quiet at 3 */
    fx.r.gap_tolerance = 0.03;
    metric_report_write(&out, &fx.r);
    t = buf_cstr(&out);
    assert_int_equal(count_of(t, "\nGAP: "), 4);
    assert_non_null(strstr(t, "GAP: recall for gender \"male\" is 0.65 against 0.60 overall "
                              "(5 points higher) — leavers in this group are caught more often"));
    buf_free(&out);

    /* min_cell can be raised, never lowered below 10 */
    fx.r.gap_tolerance = 0.10;
    fx.r.min_cell = 3;
    metric_report_write(&out, &fx.r);
    assert_non_null(strstr(buf_cstr(&out), "suppressed (fewer than 10)"));
    buf_free(&out);
    fx.r.min_cell = 48;
    metric_report_write(&out, &fx.r);
    t = buf_cstr(&out);
    assert_int_equal(count_of(t, "suppressed (fewer than 48)"), 2); /* male, other */
    assert_int_equal(count_of(t, "\nGAP: "), 2);                    /* female still */
    buf_free(&out);

    /* unknown figures read "n/a"; control characters in names are neutralised */
    metric_report empty;
    metric_report_init(&empty, "bad\ntitle");
    metric_report_write(&out, &empty);
    t = buf_cstr(&out);
    assert_non_null(strstr(t, "Early warning evaluation: bad?title\n"));
    snprintf(line, sizeof line, "  %-28s %10s  — %s\n", "ROC AUC", "n/a",
             "needs both leavers and stayers");
    assert_non_null(strstr(t, line));
    assert_null(strstr(t, "Calibration"));
    assert_null(strstr(t, "Warning time"));
    assert_null(strstr(t, "Fairness"));
    buf_free(&out);
}

static void test_report_compute(void **state) {
    (void)state;
    const double s[] = {0.1, 0.4, 0.35, 0.8};
    const int y[] = {0, 0, 1, 1};
    metric_report r;
    metric_report_init(&r, "tiny");
    r.ntiers = 2;
    r.tier[0].name = "high";
    r.tier[0].threshold = 0.5;
    r.tier[1].name = "medium";
    r.tier[1].threshold = 0.35;
    metric_report_compute(&r, s, s, y, 4);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.positives, 2);
    assert_near(r.roc_auc, 0.75, EPS);
    assert_near(r.pr_auc, 5.0 / 6, EPS);
    assert_near(r.brier, 0.158125, EPS);
    /* 5, 10, 20 % of 4 -> 1 learner each: the 0.8 leaver */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.top[i].flagged, 1);
        assert_near(r.top[i].precision, 1.0, EPS);
        assert_near(r.top[i].recall, 0.5, EPS);
    }
    assert_int_equal(r.tier[0].flagged, 1);
    assert_int_equal(r.tier[1].flagged, 3); /* 0.8, 0.4, 0.35 */
    assert_near(r.tier[1].precision, 2.0 / 3, EPS);
    assert_int_equal(r.nbins, 10);
    assert_int_equal(r.calib[1].n, 1); /* 0.1 */
    assert_int_equal(r.calib[3].n, 1); /* 0.35 */
    assert_int_equal(r.calib[4].n, 1); /* 0.4 */
    assert_int_equal(r.calib[8].n, 1); /* 0.8 */
    assert_near(r.calib[8].observed, 1.0, EPS);

    metric_report_compute(&r, s, NULL, y, 4);
    assert_true(isnan(r.brier));
    assert_int_equal(r.nbins, 0);
}

/* The number at key k of object o (fails the test if absent or not a number). */
static double jnum_at(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    assert_non_null(v);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static void test_report_json(void **state) {
    (void)state;
    fixture fx;
    fixture_make(&fx);
    fx.r.pr_auc = NAN;
    buf out = BUF_INIT;
    cairn_err err;
    err_clear(&err);
    assert_int_equal(metric_report_json(&out, &fx.r, &err), 0);
    /* readable numbers: 15 significant digits, not 0.050000000000000003 */
    assert_non_null(strstr(buf_cstr(&out), "\"frac\": 0.05,"));
    json_error_t je;
    json_t *o = json_loads(buf_cstr(&out), 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "title")), "Demo school, 2024/25");
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 1200);
    assert_int_equal(json_integer_value(json_object_get(o, "positives")), 96);
    assert_true(jnum_at(o, "roc_auc") == 0.912); /* exact round trip */
    assert_near(jnum_at(o, "base_rate"), 0.08, EPS);
    assert_true(json_is_null(json_object_get(o, "pr_auc")));
    assert_true(jnum_at(o, "brier") == 0.061);

    json_t *top = json_object_get(o, "top");
    assert_int_equal(json_array_size(top), 3);
    assert_true(jnum_at(json_array_get(top, 1), "frac") == 0.10);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(top, 1), "flagged")), 120);
    assert_true(jnum_at(json_array_get(top, 2), "recall") == 0.28);

    json_t *tiers = json_object_get(o, "tiers");
    assert_int_equal(json_array_size(tiers), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tiers, 0), "name")),
                        "high");
    assert_true(jnum_at(json_array_get(tiers, 0), "threshold") == 0.7);

    json_t *cal = json_object_get(o, "calibration");
    assert_int_equal(json_array_size(cal), 10);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(cal, 3), "n")), 0);
    assert_true(json_is_null(json_object_get(json_array_get(cal, 3), "mean_pred")));
    assert_true(jnum_at(json_array_get(cal, 2), "mean_pred") == 0.2 + 0.05);

    json_t *lead = json_object_get(o, "lead_time");
    assert_true(jnum_at(lead, "median_weeks") == 6.0);
    assert_true(jnum_at(lead, "share_8w") == 0.25);
    assert_int_equal(json_integer_value(json_object_get(lead, "flagged")), 80);
    assert_true(jnum_at(lead, "precision") == 0.21);
    assert_int_equal(json_integer_value(json_object_get(lead, "stayers_flagged")), 300);
    assert_int_equal(json_integer_value(json_object_get(lead, "stayers")), 1104);

    assert_int_equal(json_integer_value(json_object_get(o, "min_cell")), 10);
    assert_true(jnum_at(o, "gap_tolerance") == 0.10);
    json_t *fair = json_object_get(o, "fairness");
    assert_int_equal(json_array_size(fair), 2);
    json_t *gender = json_array_get(fair, 0);
    assert_string_equal(json_string_value(json_object_get(gender, "attribute")), "gender");
    assert_true(jnum_at(json_object_get(gender, "overall"), "recall") == 0.60);
    json_t *groups = json_object_get(gender, "groups");
    assert_int_equal(json_array_size(groups), 3);
    json_t *female = json_array_get(groups, 0), *other = json_array_get(groups, 2);
    assert_string_equal(json_string_value(json_object_get(female, "name")), "female");
    assert_true(json_is_false(json_object_get(female, "suppressed")));
    assert_int_equal(json_integer_value(json_object_get(female, "n")), 50);
    assert_true(jnum_at(female, "recall") == 0.40);
    assert_string_equal(json_string_value(json_object_get(other, "name")), "other");
    assert_true(json_is_true(json_object_get(other, "suppressed")));
    assert_null(json_object_get(other, "n")); /* no figures for a suppressed group */
    assert_null(json_object_get(other, "recall"));
    json_t *gaps = json_object_get(gender, "gaps");
    assert_int_equal(json_array_size(gaps), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 0), "metric")),
                        "recall");
    assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 0), "group")),
                        "female");
    assert_near(jnum_at(json_array_get(gaps, 0), "difference"), -0.20, 1e-15);
    assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 1), "metric")),
                        "flag_rate");
    assert_int_equal(json_array_size(json_object_get(json_array_get(fair, 1), "gaps")), 0);
    json_decref(o);
    buf_free(&out);

    /* no lead time -> null; invalid UTF-8 in a name still gives valid JSON */
    fx.r.has_lead_time = 0;
    fx.r.title = "caf\xe9";
    o = metric_report_json_value(&fx.r);
    assert_non_null(o);
    assert_true(json_is_null(json_object_get(o, "lead_time")));
    assert_string_equal(json_string_value(json_object_get(o, "title")), "caf?");
    json_decref(o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_known),
        cmocka_unit_test(test_auc_degenerate),
        cmocka_unit_test(test_auc_ap_random),
        cmocka_unit_test(test_brier),
        cmocka_unit_test(test_at_top),
        cmocka_unit_test(test_at_threshold),
        cmocka_unit_test(test_calibration),
        cmocka_unit_test(test_folds),
        cmocka_unit_test(test_lead_time),
        cmocka_unit_test(test_isotonic),
        cmocka_unit_test(test_platt),
        cmocka_unit_test(test_by_group),
        cmocka_unit_test(test_report_text),
        cmocka_unit_test(test_report_compute),
        cmocka_unit_test(test_report_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
