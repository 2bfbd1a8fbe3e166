/*
** risk/tabular_linear.c — the linear part of the tabular model: an
** L2-penalised logistic regression on the standardised numeric columns and
** one indicator per category code (see risk_table_linear in
** tabular_internal.h), blended with the trees in tabular_cv.c.
*/
#include "risk/tabular_internal.h"
#include "base/mem.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Release the linear model's arrays. */
void risk_table_linear_free(risk_table_linear *m) {
    free(m->src);
    free(m->code);
    free(m->is_code);
    free(m->fill);
    free(m->mu);
    free(m->sd);
    free(m->w);
    memset(m, 0, sizeof *m);
}

/* Append design column (table column c; an indicator of code when is_code)
** to m, growing its arrays.  Past TAB_LINEAR_MAX_D columns, sets err, makes
** m->d exceed the limit and returns -1. */
static int tab_linear_add(risk_table_linear *m, size_t *cap, size_t c, float code, int is_code,
                          cairn_err *err) {
    if (m->d == TAB_LINEAR_MAX_D) {
        m->d++;
        return err_set(err, CAIRN_EINVAL,
                       "the linear part would need more than %d columns: too many category "
                       "codes; raise min_level or name fewer columns categorical",
                       TAB_LINEAR_MAX_D);
    }
    if (m->d == *cap) {
        *cap *= 2;
        m->src = xrealloc(m->src, *cap * sizeof *m->src);
        m->code = xrealloc(m->code, *cap * sizeof *m->code);
        m->is_code = xrealloc(m->is_code, *cap);
    }
    m->src[m->d] = c;
    m->code[m->d] = code;
    m->is_code[m->d] = (unsigned char)is_code;
    m->d++;
    return 0;
}

/* Compare two floats for qsort (no NaN reaches it). */
static int tab_cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Row x's standardised design values into z (m->d entries). */
static void tab_linear_row(const risk_table_linear *m, const float *x, double *z) {
    for (size_t j = 0; j < m->d; j++) {
        float v = x[m->src[j]];
        double raw;
        if (m->is_code[j]) raw = v == m->code[j];
        else raw = isnan(v) ? m->fill[j] : (double)v;
        z[j] = (raw - m->mu[j]) / m->sd[j];
    }
}

/* Penalised negative log-likelihood of weights w on design Z. */
static double tab_linear_loss(const double *Z, const float *y, size_t n, size_t d,
                              const double *w, double l2) {
    double loss = 0;
    for (size_t i = 0; i < n; i++) {
        double mg = w[d];
        for (size_t j = 0; j < d; j++) mg += w[j] * Z[i * d + j];
        /* log(1 + e^m) - y m, without overflow */
        loss += (mg > 0 ? mg + log1p(exp(-mg)) : log1p(exp(mg))) - y[i] * mg;
    }
    for (size_t j = 0; j < d; j++) loss += 0.5 * l2 * w[j] * w[j];
    return loss;
}

/* Build the design from the training rows (X, n x ncols) and fit it by
** Newton's method with step halving.  *m is freed with risk_table_linear_free. */
int risk_table_linear_fit(const float *X, const float *y, size_t n, size_t ncols,
                          const unsigned char *categorical, const risk_cv_opts *cv,
                          risk_table_linear *m, cairn_err *err) {
    double l2 = cv->linear_l2 > 0 ? cv->linear_l2 : 10;
    size_t min_level = cv->min_level > 0 ? (size_t)cv->min_level : 10;
    memset(m, 0, sizeof *m);
    m->ncols = ncols;
    size_t cap = ncols + 16;
    m->src = xmalloc(cap * sizeof *m->src);
    m->code = xmalloc(cap * sizeof *m->code);
    m->is_code = xmalloc(cap);
    float *col = xmalloc((n ? n : 1) * sizeof *col);
    for (size_t c = 0; c < ncols && m->d <= TAB_LINEAR_MAX_D; c++) {
        if (!categorical || !categorical[c]) {   /* a number: one design column */
            if (tab_linear_add(m, &cap, c, 0, 0, err)) break;
            continue;
        }
        /* category codes: one indicator per code at least min_level rows have */
        size_t nv = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(X[i * ncols + c])) col[nv++] = X[i * ncols + c];
        qsort(col, nv, sizeof *col, tab_cmp_float);
        for (size_t i = 0, j; i < nv; i = j) {
            j = i + 1;
            while (j < nv && col[j] == col[i]) j++;
            if (j - i >= min_level && tab_linear_add(m, &cap, c, col[i], 1, err)) break;
        }
    }
    free(col);
    if (m->d > TAB_LINEAR_MAX_D) {
        risk_table_linear_free(m);
        return -1;
    }
    size_t d = m->d;
    m->fill = xcalloc(d ? d : 1, sizeof *m->fill);
    m->mu = xcalloc(d ? d : 1, sizeof *m->mu);
    m->sd = xcalloc(d ? d : 1, sizeof *m->sd);
    m->w = xcalloc(d + 1, sizeof *m->w);
    /* missing-value fill: the mean of the known values */
    for (size_t j = 0; j < d; j++) {
        if (m->is_code[j]) continue;
        double sum = 0;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            float v = X[i * ncols + m->src[j]];
            if (!isnan(v)) sum += v, k++;
        }
        m->fill[j] = k ? sum / (double)k : 0;
    }
    /* standardisation */
    for (size_t j = 0; j < d; j++) m->sd[j] = 1;
    double *Z = xmalloc((n * d > 0 ? n * d : 1) * sizeof *Z);
    for (size_t i = 0; i < n; i++) tab_linear_row(m, X + i * ncols, Z + i * d);
    for (size_t j = 0; j < d; j++) {
        double sum = 0, sq = 0;
        for (size_t i = 0; i < n; i++) sum += Z[i * d + j];
        double mu = sum / (double)n;
        for (size_t i = 0; i < n; i++) sq += (Z[i * d + j] - mu) * (Z[i * d + j] - mu);
        double sd = sqrt(sq / (double)n);
        m->mu[j] = mu;
        m->sd[j] = sd > 1e-12 ? sd : 1;
        for (size_t i = 0; i < n; i++) Z[i * d + j] = (Z[i * d + j] - mu) / m->sd[j];
    }
    /* Newton: H = Z'WZ + l2 I (bias unpenalised), solved by Cholesky */
    size_t D = d + 1;
    double *H = xmalloc(D * D * sizeof *H), *g = xmalloc(D * sizeof *g);
    double *wn = xmalloc(D * sizeof *wn);
    double loss = tab_linear_loss(Z, y, n, d, m->w, l2);
    int rc = 0, converged = 0;
    for (int it = 0; it < 50 && !converged; it++) {
        memset(H, 0, D * D * sizeof *H);
        memset(g, 0, D * sizeof *g);
        for (size_t i = 0; i < n; i++) {
            const double *z = Z + i * d;
            double mg = m->w[d];
            for (size_t j = 0; j < d; j++) mg += m->w[j] * z[j];
            double p = 1 / (1 + exp(-mg)), r = p - y[i], h = p * (1 - p);
            for (size_t a = 0; a < D; a++) {
                double za = a < d ? z[a] : 1;
                g[a] += r * za;
                double hz = h * za;
                for (size_t b = 0; b <= a; b++) H[a * D + b] += hz * (b < d ? z[b] : 1);
            }
        }
        for (size_t a = 0; a < d; a++) {
            g[a] += l2 * m->w[a];
            H[a * D + a] += l2;
        }
        H[d * D + d] += 1e-9;   /* keeps the bias row positive when every p is 0 or 1 */
        /* Cholesky H = L L' in the lower triangle, then solve L L' s = g into g */
        for (size_t a = 0; a < D && !rc; a++) {
            double diag = H[a * D + a];
            for (size_t k = 0; k < a; k++) diag -= H[a * D + k] * H[a * D + k];
            if (!(diag > 0)) {
                rc = err_set(err, CAIRN_EINTERNAL, "the linear part's Newton step failed "
                             "(the penalised Hessian is not positive definite)");
                break;
            }
            H[a * D + a] = sqrt(diag);
            for (size_t b = a + 1; b < D; b++) {
                double v = H[b * D + a];
                for (size_t k = 0; k < a; k++) v -= H[b * D + k] * H[a * D + k];
                H[b * D + a] = v / H[a * D + a];
            }
        }
        if (rc) break;
        for (size_t a = 0; a < D; a++) {
            for (size_t k = 0; k < a; k++) g[a] -= H[a * D + k] * g[k];
            g[a] /= H[a * D + a];
        }
        for (size_t a = D; a-- > 0;) {
            for (size_t k = a + 1; k < D; k++) g[a] -= H[k * D + a] * g[k];
            g[a] /= H[a * D + a];
        }
        /* step halving until the loss does not rise */
        double step = 1, nl = loss;
        for (int half = 0; half < 30; half++, step /= 2) {
            for (size_t a = 0; a < D; a++) wn[a] = m->w[a] - step * g[a];
            nl = tab_linear_loss(Z, y, n, d, wn, l2);
            if (nl <= loss) break;
        }
        if (!(nl <= loss)) break;   /* no descent left: at the optimum to rounding */
        memcpy(m->w, wn, D * sizeof *wn);
        converged = loss - nl < 1e-10 * (1 + fabs(nl));
        loss = nl;
    }
    free(H);
    free(g);
    free(wn);
    free(Z);
    if (rc) risk_table_linear_free(m);
    return rc;
}

/* Margins (log-odds) of the linear part for n rows of X. */
void risk_table_linear_margin(const risk_table_linear *m, const float *X, size_t n, double *out) {
    double *z = xmalloc((m->d ? m->d : 1) * sizeof *z);
    for (size_t i = 0; i < n; i++) {
        tab_linear_row(m, X + i * m->ncols, z);
        double mg = m->w[m->d];
        for (size_t j = 0; j < m->d; j++) mg += m->w[j] * z[j];
        out[i] = mg;
    }
    free(z);
}
