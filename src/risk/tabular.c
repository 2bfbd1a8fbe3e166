/*
** risk/tabular.c — reading a table of learners, cross-validating the model
** on it, calibrating inside the training folds, and the three-column-set
** evaluation of the UCI dropout file.
**
** Nothing here looks at a test fold before it is predicted: the folds come
** from metric_stratified_folds(), the model and its calibrator are fitted on
** the other folds only (the calibrator on out-of-fold predictions of an inner
** cross-validation of that training part), then the test fold is predicted.
*/
#include "risk/tabular.h"
#include "base/csv.h"
#include "base/mem.h"
#include "risk/metrics.h"
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- reading ------------------------------------------------------------ */

/* s[0..*n) with leading and trailing white space removed: returns the new
** start and shrinks *n. */
static const char *tab_trim(const char *s, size_t *n) {
    while (*n && isspace((unsigned char)s[0])) s++, (*n)--;
    while (*n && isspace((unsigned char)s[*n - 1])) (*n)--;
    return s;
}

/* 1 if s[0..n) is a plain decimal number: optional sign, digits with at most
** one point (at least one digit), optional exponent.  Rejects hex, "inf",
** "nan" and thousands separators, which strtod would take or half-take. */
static int tab_is_decimal(const char *s, size_t n) {
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    }
    if (!digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t ed = 0;
        while (i < n && isdigit((unsigned char)s[i])) i++, ed++;
        if (!ed) return 0;
    }
    return i == n;
}

/* 1 if name (trimmed) equals s exactly. */
static int tab_name_is(const char *name, const char *s) {
    size_t n = strlen(s);
    const char *t = tab_trim(s, &n);
    return strlen(name) == n && memcmp(name, t, n) == 0;
}

/* 1 if name starts with prefix (prefix trimmed at its start only: a prefix
** may end in a space on purpose). */
static int tab_name_starts(const char *name, const char *prefix) {
    while (isspace((unsigned char)*prefix)) prefix++;
    return *prefix && strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Append s to b for a message, quoted, at most 40 bytes of it. */
static void tab_quote(buf *b, const char *s, size_t n) {
    if (n > 40) buf_printf(b, "\"%.40s...\"", s);
    else buf_printf(b, "\"%.*s\"", (int)n, s);
}

/* The header: trimmed names (caller frees each and the array), which to
** keep, which is the outcome.  Fills err on a bad header. */
static int tab_header(csv_reader *r, const risk_table_opts *o, const char *target,
                      char ***names_out, int **keep_out, size_t *nf_out, size_t *tcol_out,
                      cairn_err *err) {
    size_t nf = csv_nfields(r);
    char **names = xcalloc(nf, sizeof *names);
    int *keep = xcalloc(nf, sizeof *keep);
    size_t tcol = SIZE_MAX;
    buf msg = BUF_INIT;
    for (size_t i = 0; i < nf; i++) {
        size_t n;
        const char *f = csv_field(r, i, &n);
        f = tab_trim(f, &n);
        names[i] = xstrndup(f, n);
        if (n == 0) {
            err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: column %zu has no name in the header",
                    csv_name(r), csv_line(r), i + 1, i + 1);
            goto fail;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(names[j], names[i])) {
                err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: column \"%s\" appears twice (also column %zu)",
                        csv_name(r), csv_line(r), i + 1, names[i], j + 1);
                goto fail;
            }
        keep[i] = 1;
        if (tab_name_is(names[i], target)) {
            tcol = i;
            keep[i] = 0;
        }
    }
    if (tcol == SIZE_MAX) {
        for (size_t i = 0; i < nf && i < 8; i++) buf_printf(&msg, "%s\"%s\"", i ? ", " : "", names[i]);
        if (nf > 8) buf_puts(&msg, ", ...");
        err_set(err, CAIRN_EINVAL, "%s:%ld: no outcome column \"%s\"; the header has %s",
                csv_name(r), csv_line(r), target, buf_cstr(&msg));
        goto fail;
    }
    for (const char *const *d = o->drop; d && *d; d++) {
        int hit = 0;
        for (size_t i = 0; i < nf; i++)
            if (i != tcol && tab_name_is(names[i], *d)) keep[i] = 0, hit = 1;
        if (!hit) {
            err_set(err, CAIRN_EINVAL, "%s: no column \"%s\" to leave out (names must match exactly)",
                    csv_name(r), *d);
            goto fail;
        }
    }
    for (const char *const *d = o->drop_prefix; d && *d; d++) {
        int hit = 0;
        for (size_t i = 0; i < nf; i++)
            if (i != tcol && tab_name_starts(names[i], *d)) keep[i] = 0, hit = 1;
        if (!hit) {
            err_set(err, CAIRN_EINVAL, "%s: no column starts with \"%s\", so none is left out",
                    csv_name(r), *d);
            goto fail;
        }
    }
    for (const char *const *d = o->categorical; d && *d; d++) {
        int hit = 0;
        for (size_t i = 0; i < nf; i++)
            if (i != tcol && tab_name_is(names[i], *d)) hit = 1;
        if (!hit) {
            err_set(err, CAIRN_EINVAL, "%s: no column \"%s\" to treat as categorical "
                    "(names must match exactly)", csv_name(r), *d);
            goto fail;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < nf; i++) kept += keep[i];
    if (!kept) {
        err_set(err, CAIRN_EINVAL, "%s: no attribute column is left besides the outcome \"%s\"",
                csv_name(r), target);
        goto fail;
    }
    buf_free(&msg);
    *names_out = names;
    *keep_out = keep;
    *nf_out = nf;
    *tcol_out = tcol;
    return 0;
fail:
    buf_free(&msg);
    for (size_t i = 0; i < nf; i++) free(names[i]);
    free(names);
    free(keep);
    return -1;
}

/* Read the file into *out; see tabular.h. */
int risk_table_read(const char *path, const risk_table_opts *o, risk_table *out,
                    cairn_err *err) {
    static const risk_table_opts dflt;
    if (!out) return err_set(err, CAIRN_EINVAL, "no table to fill (out is NULL)");
    memset(out, 0, sizeof *out);
    if (!path) return err_set(err, CAIRN_EINVAL, "no file name (path is NULL)");
    if (!o) o = &dflt;
    const char *target = o->target ? o->target : "Target";
    const char *positive = o->positive ? o->positive : "Dropout";
    size_t plen = strlen(positive);
    positive = tab_trim(positive, &plen);

    csv_opts co = {0};
    co.name = o->name;
    csv_reader *r = csv_open_file(path, &co, err);
    if (!r) return -1;
    int rc = csv_next(r, err);
    if (rc <= 0) {
        if (rc == 0) err_set(err, CAIRN_EINVAL, "%s: the file is empty; it needs a header row", csv_name(r));
        csv_close(r);
        return -1;
    }
    char **names = NULL;
    int *keep = NULL;
    size_t nf = 0, tcol = 0;
    if (tab_header(r, o, target, &names, &keep, &nf, &tcol, err)) {
        csv_close(r);
        return -1;
    }
    size_t ncols = 0;
    for (size_t i = 0; i < nf; i++) ncols += keep[i];

    size_t cap = 1024, nrows = 0, positives = 0;
    float *X = xmalloc(cap * ncols * sizeof *X);
    int *y = xmalloc(cap * sizeof *y);
    buf seen = BUF_INIT;     /* distinct outcome values, for the "no positive" message */
    size_t nseen = 0;
    while ((rc = csv_next(r, err)) == 1) {
        if (csv_nfields(r) != nf) {
            err_set(err, CAIRN_EINVAL, "%s:%ld: the row has %zu fields, the header has %zu",
                    csv_name(r), csv_line(r), csv_nfields(r), nf);
            rc = -1;
            break;
        }
        if (nrows == cap) {
            cap *= 2;
            X = xrealloc(X, cap * ncols * sizeof *X);
            y = xrealloc(y, cap * sizeof *y);
        }
        float *row = X + nrows * ncols;
        size_t c = 0;
        for (size_t i = 0; i < nf && rc == 1; i++) {
            size_t n;
            const char *f = csv_field(r, i, &n);
            f = tab_trim(f, &n);
            if (i == tcol) {
                if (n == 0) {
                    err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: the outcome \"%s\" is empty",
                            csv_name(r), csv_line(r), i + 1, names[i]);
                    rc = -1;
                    break;
                }
                int pos = n == plen && memcmp(f, positive, n) == 0;
                y[nrows] = pos;
                positives += (size_t)pos;
                if (!pos && nseen < 6) {
                    buf probe = BUF_INIT;
                    buf_append(&probe, f, n);
                    buf_putc(&probe, 0);   /* seen is a list of NUL-terminated values */
                    int dup = 0;
                    for (size_t at = 0; at < seen.len; at += strlen(seen.data + at) + 1)
                        if (!strcmp(seen.data + at, probe.data)) dup = 1;
                    if (!dup) buf_append(&seen, probe.data, n + 1), nseen++;
                    buf_free(&probe);
                }
                continue;
            }
            if (!keep[i]) continue;
            if (n == 0) {
                row[c++] = NAN;
                continue;
            }
            if (!tab_is_decimal(f, n)) {
                buf v = BUF_INIT;
                tab_quote(&v, f, n);
                int comma = memchr(f, ',', n) != NULL;
                err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: %s in column \"%s\" is not a number%s",
                        csv_name(r), csv_line(r), i + 1, buf_cstr(&v), names[i],
                        comma ? " (write decimals with a point: 1.5, not 1,5)" : "");
                buf_free(&v);
                rc = -1;
                break;
            }
            char tmp[64];
            double d;
            if (n < sizeof tmp) {
                memcpy(tmp, f, n);
                tmp[n] = 0;
                errno = 0;
                d = strtod(tmp, NULL);
            } else {
                d = HUGE_VAL;
            }
            if (!isfinite(d) || fabs(d) > FLT_MAX) {
                buf v = BUF_INIT;
                tab_quote(&v, f, n);
                err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: %s in column \"%s\" is too large a number",
                        csv_name(r), csv_line(r), i + 1, buf_cstr(&v), names[i]);
                buf_free(&v);
                rc = -1;
                break;
            }
            row[c++] = (float)d;
        }
        if (rc != 1) break;
        nrows++;
    }
    if (rc == 0 && nrows == 0) {
        err_set(err, CAIRN_EINVAL, "%s: the file has a header but no rows", csv_name(r));
        rc = -1;
    }
    if (rc == 0 && positives == 0) {
        buf list = BUF_INIT;
        size_t k = 0;
        for (size_t at = 0; at < seen.len; at += strlen(seen.data + at) + 1, k++)
            buf_printf(&list, "%s\"%s\"", k ? ", " : "", seen.data + at);
        err_set(err, CAIRN_EINVAL,
                "%s: no row has %s \"%.*s\" (the positive outcome); values seen: %s%s",
                csv_name(r), target, (int)plen, positive, buf_cstr(&list),
                nseen >= 6 ? ", ..." : "");
        buf_free(&list);
        rc = -1;
    }
    buf_free(&seen);
    csv_close(r);
    if (rc != 0) {
        for (size_t i = 0; i < nf; i++) free(names[i]);
        free(names);
        free(keep);
        free(X);
        free(y);
        return -1;
    }
    out->nrows = nrows;
    out->ncols = ncols;
    out->colnames = xmalloc(ncols * sizeof *out->colnames);
    out->categorical = o->categorical ? xcalloc(ncols, 1) : NULL;
    for (size_t i = 0, c = 0; i < nf; i++) {
        if (keep[i]) {
            for (const char *const *d = o->categorical; out->categorical && *d; d++)
                if (tab_name_is(names[i], *d)) out->categorical[c] = 1;
            out->colnames[c++] = names[i];
        } else {
            free(names[i]);
        }
    }
    free(names);
    free(keep);
    out->X = xrealloc(X, nrows * ncols * sizeof *X);
    out->y = xrealloc(y, nrows * sizeof *y);
    out->positives = positives;
    return 0;
}

/* Free the table's arrays and empty it. */
void risk_table_free(risk_table *t) {
    if (!t) return;
    for (size_t i = 0; t->colnames && i < t->ncols; i++) free(t->colnames[i]);
    free(t->colnames);
    free(t->categorical);
    free(t->X);
    free(t->y);
    memset(t, 0, sizeof *t);
}

/* ---- the model settings ------------------------------------------------- */

const char *const risk_table_uci_categorical[] = {
    "Marital status", "Application mode", "Course", "Previous qualification", "Nacionality",
    "Mother's qualification", "Father's qualification", "Mother's occupation",
    "Father's occupation", NULL,
};

/* The tabular model's tree settings.
**
** How they were chosen, on the UCI dropout file (5-fold stratified CV, mean
** ROC AUC over several fold seeds, Dropout vs the rest): the plain defaults
** (300 rounds, depth 4, eta 0.05, 0.8/0.8 sampling) give 0.926 / 0.908 /
** 0.827 for all columns / first semester / at enrolment.  Depth 3, 5 and 6,
** min_child_weight 5 and 10, lambda 5 and 10, subsample 0.6 and 0.7,
** monotone constraints from domain knowledge, XGBoost's own categorical
** splits, colsample by node or level, alpha and gamma were all the same or
** worse.  A slower rate with more rounds and fewer columns per tree (500 x
** 0.03, colsample 0.4, subsample 0.9) gains about 0.001 to 0.003; averaging
** seeds about 0.0005 more, not worth its time.  Trees alone stay at the
** peer's figures; the linear part of the blend (risk_table_cv_defaults)
** adds 0.002 to 0.004 on all three, and the figures move by less than
** 0.001 for blend weights 0.3 to 0.5, L2 3 to 30 or the plain tree
** defaults, so nothing hangs on a lucky setting.
**
** One thread: a fit takes about 0.1 s, and with two threads on a busy
** machine OpenMP's threads wait for each other (ten times slower measured);
** one thread is also faster when the machine is idle. */
void risk_table_train_defaults(risk_train_opts *o) {
    memset(o, 0, sizeof *o);
    o->rounds = 500;
    o->max_depth = 4;
    o->eta = 0.03;
    o->subsample = 0.9;
    o->colsample = 0.4;
    o->min_child_weight = 1;
    o->lambda = 1;
    o->nthread = 1;
    o->seed = 1;
}

/* The evaluated cross-validation and blend settings.  Platt, not isotonic:
** the blend is trained on log-loss and comes out calibrated already; Platt
** keeps that (Brier 0.0880 -> 0.0880, all columns) and the ranking, while
** isotonic's steps cost a little of both (0.0880 -> 0.0885, AUC -0.0006). */
void risk_table_cv_defaults(risk_cv_opts *cv) {
    memset(cv, 0, sizeof *cv);
    cv->folds = 5;
    cv->seed = 42;
    cv->nseeds = 1;
    cv->linear_weight = 0.4;
    cv->linear_l2 = 10;
    cv->min_level = 10;
    cv->calib = RISK_CALIB_PLATT;
    cv->inner_folds = 5;
}

/* ---- the linear part ---------------------------------------------------- */

/* An L2-penalised logistic regression over a design built from the table's
** columns: a numeric column is one design column (missing = the training
** mean); a categorical column gives one indicator per code that at least
** min_level training rows have (other codes and missing: all indicators 0).
** Every design column is standardised with the training rows' mean and
** standard deviation. */
typedef struct tab_linear {
    size_t ncols;            /* table columns */
    size_t d;                /* design columns */
    size_t *src;             /* d: the table column each comes from */
    float *code;             /* d: the code an indicator stands for */
    unsigned char *is_code;  /* d: 1 = indicator, 0 = numeric */
    double *fill;            /* d: value used for a missing numeric cell */
    double *mu, *sd;         /* d: standardisation */
    double *w;               /* d + 1 weights, the bias last */
} tab_linear;

enum { TAB_LINEAR_MAX_D = 600 };   /* design columns at most (the Hessian is d x d) */

/* Release the linear model's arrays. */
static void tab_linear_free(tab_linear *m) {
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
static int tab_linear_add(tab_linear *m, size_t *cap, size_t c, float code, int is_code,
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
static void tab_linear_row(const tab_linear *m, const float *x, double *z) {
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
** Newton's method with step halving.  *m is freed with tab_linear_free. */
static int tab_linear_fit(const float *X, const float *y, size_t n, size_t ncols,
                          const unsigned char *categorical, const risk_cv_opts *cv,
                          tab_linear *m, cairn_err *err) {
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
        tab_linear_free(m);
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
    if (rc) tab_linear_free(m);
    return rc;
}

/* Margins (log-odds) of the linear part for n rows of X. */
static void tab_linear_margin(const tab_linear *m, const float *X, size_t n, double *out) {
    double *z = xmalloc((m->d ? m->d : 1) * sizeof *z);
    for (size_t i = 0; i < n; i++) {
        tab_linear_row(m, X + i * m->ncols, z);
        double mg = m->w[m->d];
        for (size_t j = 0; j < m->d; j++) mg += m->w[j] * z[j];
        out[i] = mg;
    }
    free(z);
}

/* ---- cross-validation --------------------------------------------------- */

/* Rows whose fold[j] is (in = 1) or is not (in = 0) f, copied into X / y
** (caller-sized), and their table indices into idx; returns how many.  Row j
** of the selection is table row rows[j] (rows NULL: row j itself). */
static size_t tab_gather(const risk_table *t, const size_t *rows, size_t nrows_in,
                         const int *fold, int f, int in, float *X, float *y, size_t *idx) {
    size_t k = 0;
    for (size_t j = 0; j < nrows_in; j++) {
        size_t i = rows ? rows[j] : j;
        if ((fold[j] == f) != in) continue;
        memcpy(X + k * t->ncols, t->X + i * t->ncols, t->ncols * sizeof *X);
        if (y) y[k] = (float)t->y[i];
        if (idx) idx[k] = i;
        k++;
    }
    return k;
}

/* The linear part's share of the blend: 0 means the default 0.4, a
** negative value none. */
static double tab_linear_weight(const risk_cv_opts *cv) {
    if (cv->linear_weight < 0) return 0;
    return cv->linear_weight == 0 ? 0.4 : cv->linear_weight;
}

/* Fit the blended model on (X, y) and write the probabilities of the rows
** of Xt into out: nseeds tree models averaged in log-odds, blended with the
** linear part. */
static int tab_fit_predict(const float *X, const float *y, size_t n, size_t ncols,
                           const unsigned char *categorical, const float *Xt, size_t nt,
                           const risk_cv_opts *cv, const risk_train_opts *o, double *out,
                           cairn_err *err) {
    int nseeds = cv->nseeds ? cv->nseeds : 1;
    double wl = tab_linear_weight(cv);
    double *tmp = xmalloc((nt ? nt : 1) * sizeof *tmp);
    for (size_t i = 0; i < nt; i++) out[i] = 0;
    for (int s = 0; s < nseeds && wl < 1; s++) {
        risk_train_opts os = *o;
        os.seed = o->seed + (uint64_t)s * 7919u;
        risk_model *m = NULL;
        if (risk_model_train(X, n, ncols, y, &os, &m, err) ||
            risk_model_margin(m, Xt, nt, ncols, tmp, err)) {
            risk_model_free(m);
            free(tmp);
            return -1;
        }
        risk_model_free(m);
        for (size_t i = 0; i < nt; i++) out[i] += (1 - wl) * tmp[i] / nseeds;
    }
    if (wl > 0) {
        tab_linear lin;
        if (tab_linear_fit(X, y, n, ncols, categorical, cv, &lin, err)) {
            free(tmp);
            return -1;
        }
        tab_linear_margin(&lin, Xt, nt, tmp);
        tab_linear_free(&lin);
        for (size_t i = 0; i < nt; i++) out[i] += wl * tmp[i];
    }
    for (size_t i = 0; i < nt; i++) out[i] = 1.0 / (1.0 + exp(-out[i]));
    free(tmp);
    return 0;
}

/* log(p / (1 - p)), clamped away from 0 and 1. */
static double tab_logit(double p) {
    if (p < 1e-12) p = 1e-12;
    if (p > 1 - 1e-12) p = 1 - 1e-12;
    return log(p / (1 - p));
}

/* Cross-validate with every setting; see tabular.h. */
int risk_table_cross_validate_ex(const risk_table *t, const risk_cv_opts *cv,
                                 const risk_train_opts *o, double *oof_raw, double *oof_cal,
                                 cairn_err *err) {
    risk_cv_opts cv_dflt;
    risk_train_opts o_dflt;
    if (!t || !t->X || !t->y || t->nrows == 0 || t->ncols == 0)
        return err_set(err, CAIRN_EINVAL, "the table is empty");
    if (!oof_raw) return err_set(err, CAIRN_EINVAL, "no place for the predictions (oof_raw is NULL)");
    if (!cv) {
        risk_table_cv_defaults(&cv_dflt);
        cv = &cv_dflt;
    }
    if (!o) {
        risk_table_train_defaults(&o_dflt);
        o = &o_dflt;
    }
    int folds = cv->folds ? cv->folds : 5;
    int inner = cv->inner_folds ? cv->inner_folds : 5;
    size_t n = t->nrows, k = t->ncols;
    if (folds < 2 || (size_t)folds > n)
        return err_set(err, CAIRN_EINVAL, "%d folds for %zu rows: use 2 to %zu", folds, n, n);
    if (cv->calib != RISK_CALIB_NONE && (inner < 2 || (size_t)inner > n))
        return err_set(err, CAIRN_EINVAL, "%d inner folds: use at least 2", inner);
    if (cv->nseeds < 0 || cv->nseeds > 100)
        return err_set(err, CAIRN_EINVAL, "nseeds is %d: use 1 to 100 (0 = 1)", cv->nseeds);
    if (!(cv->linear_weight <= 1) || isnan(cv->linear_weight))
        return err_set(err, CAIRN_EINVAL, "linear_weight is %g: use up to 1 (linear only); "
                       "0 = 0.4, negative = trees only", cv->linear_weight);
    if (!(cv->linear_l2 >= 0) || !isfinite(cv->linear_l2) || cv->min_level < 0)
        return err_set(err, CAIRN_EINVAL, "linear_l2 and min_level cannot be negative");
    if (cv->calib != RISK_CALIB_NONE && cv->calib != RISK_CALIB_ISOTONIC &&
        cv->calib != RISK_CALIB_PLATT)
        return err_set(err, CAIRN_EINVAL, "unknown calibration method %d", (int)cv->calib);
    if (cv->calib != RISK_CALIB_NONE && !oof_cal)
        return err_set(err, CAIRN_EINVAL, "no place for the calibrated predictions (oof_cal is NULL)");

    int *fold = xmalloc(n * sizeof *fold);
    metric_stratified_folds(t->y, n, folds, cv->seed, fold);
    float *Xtr = xmalloc(n * k * sizeof *Xtr), *ytr = xmalloc(n * sizeof *ytr);
    float *Xte = xmalloc(n * k * sizeof *Xte);
    size_t *itr = xmalloc(n * sizeof *itr), *ite = xmalloc(n * sizeof *ite);
    double *pte = xmalloc(n * sizeof *pte);
    /* inner cross-validation buffers (calibration only) */
    int *ylab = NULL, *ifold = NULL;
    float *Xin = NULL, *yin = NULL, *Xout = NULL;
    double *pin = NULL, *pout = NULL;
    size_t *iout = NULL;
    if (cv->calib != RISK_CALIB_NONE) {
        ylab = xmalloc(n * sizeof *ylab);
        ifold = xmalloc(n * sizeof *ifold);
        Xin = xmalloc(n * k * sizeof *Xin);
        yin = xmalloc(n * sizeof *yin);
        Xout = xmalloc(n * k * sizeof *Xout);
        pin = xmalloc(n * sizeof *pin);
        pout = xmalloc(n * sizeof *pout);
        iout = xmalloc(n * sizeof *iout);
    }
    int rc = 0;
    for (int f = 0; f < folds && !rc; f++) {
        size_t ntr = tab_gather(t, NULL, n, fold, f, 0, Xtr, ytr, itr);
        size_t nte = tab_gather(t, NULL, n, fold, f, 1, Xte, NULL, ite);
        if (tab_fit_predict(Xtr, ytr, ntr, k, t->categorical, Xte, nte, cv, o, pte, err)) {
            err_prefix(err, "fold %d of %d", f + 1, folds);
            rc = -1;
            break;
        }
        for (size_t j = 0; j < nte; j++) oof_raw[ite[j]] = pte[j];
        if (cv->calib == RISK_CALIB_NONE) continue;

        /* Inner cross-validation on the training part only: every training row
        ** gets a prediction from a model that did not see it, and the
        ** calibrator learns from those. */
        for (size_t j = 0; j < ntr; j++) ylab[j] = t->y[itr[j]];
        metric_stratified_folds(ylab, ntr, inner, cv->seed + 1 + (uint64_t)f, ifold);
        for (int g = 0; g < inner && !rc; g++) {
            size_t nin = tab_gather(t, itr, ntr, ifold, g, 0, Xin, yin, NULL);
            size_t nout = 0;
            for (size_t j = 0; j < ntr; j++)
                if (ifold[j] == g) {
                    memcpy(Xout + nout * k, Xtr + j * k, k * sizeof *Xout);
                    iout[nout++] = j;
                }
            if (tab_fit_predict(Xin, yin, nin, k, t->categorical, Xout, nout, cv, o, pout, err)) {
                err_prefix(err, "fold %d of %d, inner fold %d of %d (calibration)", f + 1,
                           folds, g + 1, inner);
                rc = -1;
                break;
            }
            for (size_t j = 0; j < nout; j++) pin[iout[j]] = pout[j];
        }
        if (rc) break;
        if (cv->calib == RISK_CALIB_ISOTONIC) {
            metric_isotonic iso = {0};
            if (metric_isotonic_fit(pin, ylab, ntr, &iso, err)) {
                err_prefix(err, "fold %d of %d: isotonic calibration", f + 1, folds);
                rc = -1;
                break;
            }
            for (size_t j = 0; j < nte; j++) oof_cal[ite[j]] = metric_isotonic_apply(&iso, pte[j]);
            metric_isotonic_free(&iso);
        } else {
            double a = 0, b = 0;
            for (size_t j = 0; j < ntr; j++) pin[j] = tab_logit(pin[j]);
            if (metric_platt_fit(pin, ylab, ntr, &a, &b, err)) {
                err_prefix(err, "fold %d of %d: Platt calibration", f + 1, folds);
                rc = -1;
                break;
            }
            for (size_t j = 0; j < nte; j++)
                oof_cal[ite[j]] = metric_platt_apply(a, b, tab_logit(pte[j]));
        }
    }
    free(fold);
    free(Xtr);
    free(ytr);
    free(Xte);
    free(itr);
    free(ite);
    free(pte);
    free(ylab);
    free(ifold);
    free(Xin);
    free(yin);
    free(Xout);
    free(pin);
    free(pout);
    free(iout);
    return rc;
}

/* Plain stratified k-fold cross-validation of the blended model; see
** tabular.h. */
int risk_table_cross_validate(const risk_table *t, int folds, uint64_t seed,
                              const risk_train_opts *o, double *oof_prob, cairn_err *err) {
    risk_cv_opts cv;
    risk_table_cv_defaults(&cv);
    cv.folds = folds;
    cv.seed = seed;
    cv.calib = RISK_CALIB_NONE;
    if (folds == 0) return err_set(err, CAIRN_EINVAL, "0 folds: use at least 2");
    return risk_table_cross_validate_ex(t, &cv, o, oof_prob, NULL, err);
}

/* ---- the evaluation ----------------------------------------------------- */

static const char *const tab_uci_first_sem[] = {"Curricular units 2nd sem", NULL};
static const char *const tab_uci_enrolment[] = {"Curricular units", NULL};

const risk_table_colset risk_table_uci_colsets[3] = {
    {"all columns", NULL},
    {"first semester only", tab_uci_first_sem},
    {"at enrolment only", tab_uci_enrolment},
};

/* Seconds on the monotonic clock. */
static double tab_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Evaluate every column set; see tabular.h. */
int risk_table_evaluate(const char *path, const risk_table_opts *o,
                        const risk_table_colset *sets, size_t nsets,
                        const risk_cv_opts *cv, const risk_train_opts *train,
                        risk_table_result *res, buf *report, cairn_err *err) {
    static const risk_table_opts o_dflt;
    risk_cv_opts cv_dflt;
    if (!sets || !res) return err_set(err, CAIRN_EINVAL, "no column sets or no results (NULL)");
    if (!o) o = &o_dflt;
    if (!cv) {
        risk_table_cv_defaults(&cv_dflt);
        cv = &cv_dflt;
    }
    buf reports = BUF_INIT;
    for (size_t s = 0; s < nsets; s++) {
        risk_table_result *r = &res[s];
        memset(r, 0, sizeof *r);
        r->name = sets[s].name;
        r->brier_cal = r->roc_auc_cal = NAN;
        /* the caller's prefixes plus the set's */
        size_t np = 0;
        for (const char *const *p = o->drop_prefix; p && *p; p++) np++;
        for (const char *const *p = sets[s].drop_prefix; p && *p; p++) np++;
        const char **prefixes = xcalloc(np + 1, sizeof *prefixes);
        np = 0;
        for (const char *const *p = o->drop_prefix; p && *p; p++) prefixes[np++] = *p;
        for (const char *const *p = sets[s].drop_prefix; p && *p; p++) prefixes[np++] = *p;
        risk_table_opts os = *o;
        os.drop_prefix = prefixes;
        risk_table t;
        int rc = risk_table_read(path, &os, &t, err);
        free(prefixes);
        if (rc) {
            buf_free(&reports);
            return -1;
        }
        double *raw = xmalloc(t.nrows * sizeof *raw);
        double *cal = xmalloc(t.nrows * sizeof *cal);
        double t0 = tab_now();
        rc = risk_table_cross_validate_ex(&t, cv, train, raw, cal, err);
        r->seconds = tab_now() - t0;
        if (rc) {
            err_prefix(err, "%s", sets[s].name);
            free(raw);
            free(cal);
            risk_table_free(&t);
            buf_free(&reports);
            return -1;
        }
        r->nrows = t.nrows;
        r->ncols = t.ncols;
        r->positives = t.positives;
        r->roc_auc = metric_roc_auc(raw, t.y, t.nrows);
        r->pr_auc = metric_pr_auc(raw, t.y, t.nrows);
        r->brier_raw = metric_brier(raw, t.y, t.nrows);
        int calibrated = cv->calib != RISK_CALIB_NONE;
        if (calibrated) {
            r->brier_cal = metric_brier(cal, t.y, t.nrows);
            r->roc_auc_cal = metric_roc_auc(cal, t.y, t.nrows);
        }
        if (report) {
            buf title = BUF_INIT;
            buf_printf(&title, "the student table, %s (%zu columns, %s)",
                       sets[s].name, t.ncols,
                       cv->calib == RISK_CALIB_ISOTONIC ? "isotonic calibration"
                       : cv->calib == RISK_CALIB_PLATT  ? "Platt calibration"
                                                        : "no calibration");
            metric_report mr;
            metric_report_init(&mr, buf_cstr(&title));
            /* rank by the raw score (calibration ties scores), probabilities calibrated */
            metric_report_compute(&mr, raw, calibrated ? cal : raw, t.y, t.nrows);
            buf_putc(&reports, '\n');
            metric_report_write(&reports, &mr);
            buf_free(&title);
        }
        free(raw);
        free(cal);
        risk_table_free(&t);
    }
    if (report) {
        int folds = cv->folds ? cv->folds : 5;
        double wl = tab_linear_weight(cv);
        buf_printf(report, "Stratified %d-fold cross-validation (fold seed %llu): every probability "
                           "comes from a model that did not see the learner.\n", folds,
                   (unsigned long long)cv->seed);
        if (wl > 0) buf_printf(report, "Model: boosted trees blended with a linear part (weight %.2f)", wl);
        else buf_puts(report, "Model: boosted trees");
        buf_printf(report, "; calibration: %s.\n\n",
                   cv->calib == RISK_CALIB_ISOTONIC ? "isotonic, fitted inside each training fold"
                   : cv->calib == RISK_CALIB_PLATT  ? "Platt, fitted inside each training fold"
                                                    : "none");
        buf_printf(report, "%-22s %7s %7s %8s %8s %12s %11s %8s\n", "columns", "rows", "cols",
                   "ROC AUC", "PR AUC", "Brier before", "Brier after", "seconds");
        for (size_t s = 0; s < nsets; s++) {
            buf_printf(report, "%-22s %7zu %7zu %8.4f %8.4f %12.4f", res[s].name, res[s].nrows,
                       res[s].ncols, res[s].roc_auc, res[s].pr_auc, res[s].brier_raw);
            if (isnan(res[s].brier_cal)) buf_printf(report, " %11s", "-");
            else buf_printf(report, " %11.4f", res[s].brier_cal);
            buf_printf(report, " %8.1f\n", res[s].seconds);
        }
        buf_append(report, reports.data ? reports.data : "", reports.len);
    }
    buf_free(&reports);
    return 0;
}
