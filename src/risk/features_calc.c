/*
** risk/features_calc.c — the indicators of one target from one learner's
** rows, as plain arithmetic with no database: what each indicator means is
** defined here (and summarised at the top of risk/features.c).
*/
#include "risk/features_internal.h"
#include "base/mem.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Index of the first element of a (sorted by day, n of them) with day >= d. */
#define LOWER_BOUND(a, n, d, out)                                        \
    do {                                                                 \
        size_t lo_ = 0, hi_ = (n);                                       \
        while (lo_ < hi_) {                                              \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                         \
            if ((a)[mid_].day < (d)) lo_ = mid_ + 1; else hi_ = mid_;    \
        }                                                                \
        (out) = lo_;                                                     \
    } while (0)

/* Least-squares slope of y against x over m points (m >= 2, x not all equal). */
double risk_calc_slope(const double *x, const double *y, int m) {
    double mx = 0, my = 0;
    for (int i = 0; i < m; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= m;
    my /= m;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < m; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
}

/* The change point of the weekly rates rate[0..m) (time order; week[i] is
** how many weeks before asof rate i was).  The split s (at least 2 weeks
** each side) with the best two-segment least-squares fit is the one that
** maximises s(m-s)/m * (mean_after - mean_before)^2; on a tie the more
** recent split wins.  *drop = mean_after - mean_before, *weeks = weeks from
** the first week after the split to asof.  No shift at all (every split
** scores 0) gives 0 and 0; m < 4 gives NAN both. */
void risk_calc_change_point(const double *rate, const int *week, int m, double *drop,
                            double *weeks) {
    if (m < 4) {
        *drop = *weeks = NAN;
        return;
    }
    double pre[RISK_WEEKS_DROP + 1];
    pre[0] = 0;
    for (int i = 0; i < m; i++) pre[i + 1] = pre[i] + rate[i];
    double best = 0, best_d = 0;
    int best_s = -1;
    for (int s = m - 2; s >= 2; s--) {
        double before = pre[s] / s, after = (pre[m] - pre[s]) / (m - s);
        double d = after - before;
        double score = (double)s * (double)(m - s) / (double)m * d * d;
        if (score > best) {
            best = score;
            best_d = d;
            best_s = s;
        }
    }
    if (best_s < 0) {
        *drop = 0;
        *weeks = 0;
        return;
    }
    *drop = best_d;
    *weeks = week[best_s] + 1;
}

/* Attendance indicators of one target from the learner's recorded days: the
** rates, unexcused and late counts, the longest unexcused run this term,
** the 8-week slope and the 12-week change point (see risk/features.c). */
void risk_calc_attendance(const risk_att_day *d, size_t nd, int32_t asof, int32_t tstart,
                          double *v) {
    int32_t from = tstart < asof - RISK_ATT_BACK ? tstart : asof - RISK_ATT_BACK;
    size_t i;
    LOWER_BOUND(d, nd, from, i);
    double s2 = 0, s4 = 0, s8 = 0, st = 0, u4 = 0, ut = 0;
    int n2 = 0, n4 = 0, n8 = 0, nt = 0, late4 = 0, run = 0, longest = 0;
    double ws[RISK_WEEKS_DROP] = {0};
    int wn[RISK_WEEKS_DROP] = {0};
    for (; i < nd && d[i].day <= asof; i++) {
        const risk_att_day *x = &d[i];
        int age = asof - x->day;
        double f = (double)x->att / x->n, u = (double)x->unx / x->n;
        if (age < 14) {
            s2 += f;
            n2++;
        }
        if (age < 28) {
            s4 += f;
            n4++;
            u4 += u;
            late4 += x->late;
        }
        if (age < 56) {
            s8 += f;
            n8++;
        }
        if (x->day >= tstart) {
            st += f;
            nt++;
            ut += u;
            if (x->att == 0 && x->unx > 0) {
                if (++run > longest) longest = run;
            } else {
                run = 0;
            }
        }
        if (age < 7 * RISK_WEEKS_DROP) {
            ws[age / 7] += f;
            wn[age / 7]++;
        }
    }
    v[RF_ATT_RATE_2W] = n2 ? 100.0 * s2 / n2 : NAN;
    v[RF_ATT_RATE_4W] = n4 ? 100.0 * s4 / n4 : NAN;
    v[RF_ATT_RATE_8W] = n8 ? 100.0 * s8 / n8 : NAN;
    v[RF_ATT_RATE_TERM] = nt ? 100.0 * st / nt : NAN;
    v[RF_UNEXCUSED_4W] = n4 ? u4 : NAN;
    v[RF_LATE_4W] = n4 ? late4 : NAN;
    v[RF_UNEXCUSED_TERM] = nt ? ut : NAN;
    v[RF_UNEXCUSED_STREAK] = nt ? longest : NAN;

    /* weekly series in time order: week RISK_WEEKS_DROP-1 first, week 0 last */
    double rate[RISK_WEEKS_DROP], x[RISK_WEEKS_DROP];
    int week[RISK_WEEKS_DROP], m = 0;
    double sy[RISK_WEEKS_SLOPE], sx[RISK_WEEKS_SLOPE];
    int ms = 0;
    for (int k = RISK_WEEKS_DROP - 1; k >= 0; k--) {
        if (!wn[k]) continue;
        rate[m] = 100.0 * ws[k] / wn[k];
        x[m] = -k;
        week[m] = k;
        if (k < RISK_WEEKS_SLOPE) {
            sy[ms] = rate[m];
            sx[ms] = x[m];
            ms++;
        }
        m++;
    }
    v[RF_ATT_SLOPE_8W] = ms >= 3 ? risk_calc_slope(sx, sy, ms) : NAN;
    risk_calc_change_point(rate, week, m, &v[RF_ATT_DROP], &v[RF_ATT_DROP_WEEKS]);
}

/* Result indicators of one target from the learner's results: this term's
** failed, missing and late counts and average, and the change against the
** average of everything dated before this term. */
void risk_calc_results(const risk_res_row *r, size_t nr, int32_t asof, int32_t tstart,
                       double *v) {
    int nterm = 0, failed = 0, missing = 0, late = 0, nsc = 0, nold = 0;
    double sum = 0, sum_old = 0;
    for (size_t i = 0; i < nr; i++) {
        const risk_res_row *x = &r[i];
        if (x->day > asof) continue;
        if (x->day >= tstart) {
            nterm++;
            failed += x->failed;
            missing += x->missing;
            late += x->late;
            if (!isnan(x->pct)) {
                sum += x->pct;
                nsc++;
            }
        } else if (!isnan(x->pct)) {
            sum_old += x->pct;
            nold++;
        }
    }
    v[RF_FAILED_TERM] = nterm ? failed : NAN;
    v[RF_MISSING_TERM] = nterm ? missing : NAN;
    v[RF_LATE_SUBMIT_TERM] = nterm ? late : NAN;
    v[RF_SCORE_AVG_TERM] = nsc ? sum / nsc : NAN;
    v[RF_SCORE_CHANGE] = nsc && nold ? sum / nsc - sum_old / nold : NAN;
}

/* Behaviour indicators of one target from the learner's incidents. */
void risk_calc_behaviour(const risk_beh_row *b, size_t nb, int32_t asof, double *v) {
    int minor = 0, serious = 0;
    size_t i;
    LOWER_BOUND(b, nb, asof - RISK_BEH_BACK, i);
    for (; i < nb && b[i].day <= asof; i++) {
        if (b[i].severity <= 1) minor++;
        else serious++;
    }
    v[RF_BEHAV_MINOR_8W] = minor;
    v[RF_BEHAV_SERIOUS_8W] = serious;
}

/* Platform indicators of one target from the learner's days in the window;
** returns 0 when done, 1 when the learner was not active in the window up to
** asof and the answer depends on the last active day before it. */
int risk_calc_engagement(const risk_eng_day *e, size_t ne, int32_t asof, double *v) {
    size_t i;
    LOWER_BOUND(e, ne, asof - RISK_ENG_BACK, i);
    int recent = 0, before = 0;
    double sum[RISK_METRIC_KINDS] = {0};
    int32_t last = 0;
    int any = 0;
    for (; i < ne && e[i].day <= asof; i++) {
        for (int k = 1; k < RISK_METRIC_KINDS; k++) sum[k] += e[i].sum[k];
        if (!e[i].active) continue;
        if (asof - e[i].day < 14) recent++;
        else before++;
        last = e[i].day;
        any = 1;
    }
    if (!any) {
        /* active before the 4 weeks? look back (days before them too) */
        for (size_t j = i; j-- > 0;)
            if (e[j].day <= asof && e[j].active) {
                last = e[j].day;
                any = 1;
                break;
            }
        if (!any) return 1;
    }
    v[RF_LMS_ACTIVE_4W] = recent + before;
    for (int k = 1; k < RISK_METRIC_KINDS; k++) v[risk_metric_feature(k)] = sum[k];
    v[RF_LMS_DAYS_SINCE] = asof - last;
    v[RF_LMS_TREND] = recent - before;
    return 0;
}

/* Platform indicators of a target whose learner was not active in the 4
** weeks up to asof: last_before is the last active day before them (or
** INT32_MIN for never). */
void risk_calc_engagement_history(int32_t asof, int32_t last_before, double *v) {
    if (last_before == INT32_MIN) {
        v[RF_LMS_ACTIVE_4W] = v[RF_LMS_DAYS_SINCE] = v[RF_LMS_TREND] = NAN;
        for (int k = 1; k < RISK_METRIC_KINDS; k++) v[risk_metric_feature(k)] = NAN;
        return;
    }
    v[RF_LMS_ACTIVE_4W] = 0;
    for (int k = 1; k < RISK_METRIC_KINDS; k++) v[risk_metric_feature(k)] = 0;
    v[RF_LMS_DAYS_SINCE] = asof - last_before;
    v[RF_LMS_TREND] = 0;
}

/* ---- putting one learner's rows in a fixed order ------------------------ */

/* Sort a[0..n) (elements of size sz) by cmp unless it already is. */
static void rows_sort(void *a, size_t n, size_t sz, int (*cmp)(const void *, const void *)) {
    const char *p = a;
    for (size_t i = 1; i < n; i++)
        if (cmp(p + (i - 1) * sz, p + i * sz) > 0) {
            qsort(a, n, sz, cmp);
            return;
        }
}

/* Compare two doubles, NAN after every number. */
static int cmp_double(double x, double y) {
    if (isnan(x) || isnan(y)) return isnan(x) - isnan(y);
    return x < y ? -1 : x > y;
}

/* Attendance days by day. */
static int cmp_att(const void *a, const void *b) {
    const risk_att_day *x = a, *y = b;
    return x->day < y->day ? -1 : x->day > y->day;
}

/* Sort days d[0..n) by day and merge days that appear more than once
** (their session counts add up); returns the number of days left. */
size_t risk_att_days_order(risk_att_day *d, size_t n) {
    rows_sort(d, n, sizeof *d, cmp_att);
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        risk_att_day *y = o ? &d[o - 1] : NULL;
        if (y && y->day == d[k].day && y->n + d[k].n <= UINT8_MAX) {
            y->n = (uint8_t)(y->n + d[k].n);
            y->att = (uint8_t)(y->att + d[k].att);
            y->late = (uint8_t)(y->late + d[k].late);
            y->unx = (uint8_t)(y->unx + d[k].unx);
        } else {
            d[o++] = d[k];
        }
    }
    return o;
}

/* Results by everything they hold, so sums run in one order. */
static int cmp_res(const void *a, const void *b) {
    const risk_res_row *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    int c = cmp_double(x->pct, y->pct);
    if (c) return c;
    if (x->failed != y->failed) return x->failed - y->failed;
    if (x->missing != y->missing) return x->missing - y->missing;
    return x->late - y->late;
}

/* Put results r[0..n) in the order of cmp_res. */
void risk_res_rows_order(risk_res_row *r, size_t n) {
    rows_sort(r, n, sizeof *r, cmp_res);
}

/* Incidents by day, then severity. */
static int cmp_beh(const void *a, const void *b) {
    const risk_beh_row *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->severity - y->severity;
}

/* Put incidents b[0..n) in order of day, then severity. */
void risk_beh_rows_order(risk_beh_row *b, size_t n) {
    rows_sort(b, n, sizeof *b, cmp_beh);
}

/* Platform rows by day, metric, then value. */
static int cmp_eng(const void *a, const void *b) {
    const risk_eng_row *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    if (x->kind != y->kind) return x->kind - y->kind;
    return cmp_double(x->value, y->value);
}

/* Sort the platform rows[0..n) (cmp_eng) and sum them into days in
** *days (grown with xrealloc, *cap its capacity; the caller frees);
** returns the number of days. */
size_t risk_eng_days_from_rows(risk_eng_row *rows, size_t n, risk_eng_day **days, size_t *cap) {
    rows_sort(rows, n, sizeof *rows, cmp_eng);
    size_t nd = 0;
    for (size_t k = 0; k < n; k++) {
        const risk_eng_row *x = &rows[k];
        if (!nd || (*days)[nd - 1].day != x->day) {
            if (nd == *cap) {
                *cap = *cap ? *cap * 2 : 64;
                *days = xrealloc(*days, *cap * sizeof **days);
            }
            (*days)[nd].day = x->day;
            (*days)[nd].active = 0;
            memset((*days)[nd].sum, 0, sizeof (*days)[nd].sum);
            nd++;
        }
        risk_eng_day *d = &(*days)[nd - 1];
        if (x->value > 0) d->active = 1;
        if (x->kind > 0 && x->kind < RISK_METRIC_KINDS) d->sum[x->kind] += x->value;
    }
    return nd;
}
