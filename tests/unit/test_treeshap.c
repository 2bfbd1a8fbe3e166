/*
** tests/unit/test_treeshap.c — fast exact TreeSHAP (risk/treeshap.h)
** against XGBoost's own contributions.
**
** Models trained with risk_model_train on random data with missing values
** (depths 1 to 6, monotone and free, 10 to 300 rounds) explain thousands of
** random rows — with NANs and with values exactly at split thresholds — both
** ways; every feature's contribution and the bias must agree with XGBoost's
** (pred_contribs, in float) to 1e-6 relative to the row's magnitude, and
** every row must sum to XGBoost's margin.  risk_model_contributions must
** give the same numbers (it uses the fast path).  Hand-written models check
** a known value, the depth limit and refusals.
**
** With CAIRN_TREESHAP_BENCH=1 the last test also times both on 50,000 rows
** x 250 trees of depth 3 and prints the figures (not a test).
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/mem.h"
#include "risk/model.h"
#include "risk/treeshap.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xgboost/c_api.h>

/* A deterministic uniform number in [0,1) from state (splitmix64). */
static double rnd(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* n rows of k features (uniform, some integer-valued, ~12 % NAN) and an
** outcome from a noisy mix of several features.  Caller frees *X and *y. */
static void make_data(size_t n, size_t k, uint64_t seed, float **X, float **y) {
    *X = xmalloc(n * k * sizeof **X);
    *y = xmalloc(n * sizeof **y);
    for (size_t i = 0; i < n; i++) {
        float *x = *X + i * k;
        for (size_t c = 0; c < k; c++) {
            double u = rnd(&seed);
            x[c] = c % 3 == 2 ? (float)floor(u * 6) : (float)u;
            if (rnd(&seed) < 0.12) x[c] = NAN;
        }
        double s = 0;
        for (size_t c = 0; c < k && c < 5; c++)
            s += (isnan(x[c]) ? 0.3 : x[c]) * (c % 2 ? -1.0 : 1.5) / (c % 3 == 2 ? 5.0 : 1.0);
        s += isnan(x[0]) ? 0.8 : 0;
        (*y)[i] = (float)(s + 0.6 * (rnd(&seed) - 0.5) > 0.4);
    }
}

/* A booster loaded from m's saved bytes, for XGBoost's own answers; freed
** with XGBoosterFree. */
static BoosterHandle xgb_booster(risk_model *m) {
    buf b = BUF_INIT;
    cairn_err err = {0};
    assert_int_equal(risk_model_save(m, &b, &err), 0);
    BoosterHandle h = NULL;
    assert_int_equal(XGBoosterCreate(NULL, 0, &h), 0);
    assert_int_equal(XGBoosterLoadModelFromBuffer(h, b.data, (bst_ulong)b.len), 0);
    assert_int_equal(XGBoosterSetParam(h, "nthread", "2"), 0);
    buf_free(&b);
    return h;
}

/* XGBoost's contributions (type 2) for X into out (n * (k + 1)). */
static void xgb_contribs(BoosterHandle h, const float *X, size_t n, size_t k, double *out) {
    DMatrixHandle d = NULL;
    assert_int_equal(XGDMatrixCreateFromMat(X, (bst_ulong)n, (bst_ulong)k, NAN, &d), 0);
    const char *config = "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
                         "\"iteration_end\": 0, \"strict_shape\": false}";
    bst_ulong const *shape = NULL;
    bst_ulong dim = 0;
    const float *res = NULL;
    assert_int_equal(XGBoosterPredictFromDMatrix(h, d, config, &shape, &dim, &res), 0);
    assert_int_equal(dim, 2);
    assert_int_equal(shape[0], n);
    assert_int_equal(shape[1], k + 1);
    for (size_t i = 0; i < n * (k + 1); i++) out[i] = res[i];
    XGDMatrixFree(d);
}

/* The booster's JSON model as a new string (caller frees). */
static char *xgb_json(BoosterHandle h, size_t *len) {
    bst_ulong n = 0;
    const char *raw = NULL;
    assert_int_equal(XGBoosterSaveModelToBuffer(h, "{\"format\": \"json\"}", &n, &raw), 0);
    *len = (size_t)n;
    return xstrndup(raw, (size_t)n);
}

/* Split thresholds per feature from the JSON model: thr[c] has nthr[c]
** entries (caller frees each and the arrays). */
static void json_thresholds(const char *js, size_t len, size_t k, float ***thr, size_t **nthr) {
    *thr = xcalloc(k, sizeof **thr);
    *nthr = xcalloc(k, sizeof **nthr);
    size_t *cap = xcalloc(k, sizeof *cap);
    json_t *root = json_loadb(js, len, 0, NULL);
    assert_non_null(root);
    json_t *trees = json_object_get(
        json_object_get(json_object_get(json_object_get(root, "learner"), "gradient_booster"),
                        "model"), "trees");
    for (size_t t = 0; t < json_array_size(trees); t++) {
        json_t *tr = json_array_get(trees, t);
        json_t *lc = json_object_get(tr, "left_children");
        json_t *si = json_object_get(tr, "split_indices");
        json_t *sc = json_object_get(tr, "split_conditions");
        for (size_t n = 0; n < json_array_size(lc); n++) {
            if (json_integer_value(json_array_get(lc, n)) == -1) continue;
            size_t c = (size_t)json_integer_value(json_array_get(si, n));
            assert_true(c < k);
            if ((*nthr)[c] == cap[c]) {
                cap[c] = cap[c] ? cap[c] * 2 : 16;
                (*thr)[c] = xrealloc((*thr)[c], cap[c] * sizeof *(*thr)[c]);
            }
            (*thr)[c][(*nthr)[c]++] = (float)json_number_value(json_array_get(sc, n));
        }
    }
    json_decref(root);
    free(cap);
}

/* n rows to explain: each value uniform on a slightly wider range, NAN
** (15 %), or exactly one of the model's thresholds for it (30 %).  Caller
** frees. */
static float *make_rows(size_t n, size_t k, float **thr, const size_t *nthr, uint64_t seed) {
    float *X = xmalloc(n * k * sizeof *X);
    for (size_t i = 0; i < n * k; i++) {
        size_t c = i % k;
        double u = rnd(&seed);
        if (u < 0.15) X[i] = NAN;
        else if (u < 0.45 && nthr[c]) X[i] = thr[c][(size_t)(rnd(&seed) * (double)nthr[c])];
        else X[i] = (float)(rnd(&seed) * 7 - 0.5);
    }
    return X;
}

/* Margins from XGBoost for X (caller's out, n entries). */
static void xgb_margins(risk_model *m, const float *X, size_t n, size_t k, double *out) {
    cairn_err err = {0};
    assert_int_equal(risk_model_margin(m, X, n, k, out, &err), 0);
}

/* Compare ours with XGBoost's row by row: every entry within 1e-6 of the
** row's magnitude (sum of |XGBoost's entries|, at least 1), and each row of
** ours summing to the margin.  Returns the largest relative difference. */
static double compare(const double *ours, const double *ref, const double *margin, size_t n,
                      size_t k, const char *what) {
    double worst = 0;
    for (size_t r = 0; r < n; r++) {
        const double *a = ours + r * (k + 1), *b = ref + r * (k + 1);
        double mag = 1, sum = 0;
        for (size_t c = 0; c <= k; c++) mag += fabs(b[c]);
        for (size_t c = 0; c <= k; c++) {
            double d = fabs(a[c] - b[c]) / mag;
            if (d > worst) worst = d;
            if (d > 1e-6) {
                print_error("%s: row %zu column %zu: ours %.9g, XGBoost %.9g\n", what, r, c,
                            a[c], b[c]);
                fail();
            }
            sum += a[c];
        }
        if (fabs(sum - margin[r]) > 1e-6 * mag) {
            print_error("%s: row %zu sums to %.9g, margin %.9g\n", what, r, sum, margin[r]);
            fail();
        }
    }
    return worst;
}

/* Train a model of depth depth, rounds rounds (monotone or free), explain
** nrows rows both ways and with risk_model_contributions, and compare. */
static void check_model(int depth, int rounds, int monotone, size_t nrows, uint64_t seed) {
    size_t k = 8, ntrain = 3000;
    float *X, *y;
    make_data(ntrain, k, seed, &X, &y);
    int mono[8] = {1, -1, 0, 1, 0, 0, -1, 0};
    risk_train_opts o = {0};
    o.rounds = rounds;
    o.max_depth = depth;
    o.eta = 0.3;
    o.nthread = 2;
    o.seed = seed;
    o.monotone = monotone ? mono : NULL;
    risk_model *m = NULL;
    cairn_err err = {0};
    assert_int_equal(risk_model_train(X, ntrain, k, y, &o, &m, &err), 0);

    BoosterHandle h = xgb_booster(m);
    size_t len;
    char *js = xgb_json(h, &len);
    risk_treeshap *t = NULL;
    if (risk_treeshap_build(js, len, k, &t, &err)) fail_msg("%s", err.msg);
    assert_int_equal(risk_treeshap_ntrees(t), (size_t)rounds);
    float **thr;
    size_t *nthr;
    json_thresholds(js, len, k, &thr, &nthr);
    float *R = make_rows(nrows, k, thr, nthr, seed * 31 + 5);

    double *ref = xmalloc(nrows * (k + 1) * sizeof *ref);
    double *ours = xmalloc(nrows * (k + 1) * sizeof *ours);
    double *viam = xmalloc(nrows * (k + 1) * sizeof *viam);
    double *margin = xmalloc(nrows * sizeof *margin);
    xgb_contribs(h, R, nrows, k, ref);
    xgb_margins(m, R, nrows, k, margin);
    assert_int_equal(risk_treeshap_contributions(t, R, nrows, k, 1, ours, &err), 0);
    assert_int_equal(risk_model_contributions(m, R, nrows, k, viam, &err), 0);
    char what[96];
    snprintf(what, sizeof what, "depth %d, %d rounds, %s", depth, rounds,
             monotone ? "monotone" : "free");
    compare(ours, ref, margin, nrows, k, what);
    /* the model's entry point (two threads) gives exactly the same numbers */
    assert_memory_equal(ours, viam, nrows * (k + 1) * sizeof *ours);
    /* and the check is not vacuous: some contribution is sizeable */
    double big = 0;
    for (size_t i = 0; i < nrows * (k + 1); i++)
        if ((i + 1) % (k + 1) && fabs(ref[i]) > big) big = fabs(ref[i]);
    assert_true(big > 0.05);

    for (size_t c = 0; c < k; c++) free(thr[c]);
    free(thr);
    free(nthr);
    free(margin);
    free(viam);
    free(ours);
    free(ref);
    free(R);
    risk_treeshap_free(t);
    free(js);
    XGBoosterFree(h);
    risk_model_free(m);
    free(X);
    free(y);
}

/* Depths 1 to 6, free splits. */
static void test_depths_free(void **state) {
    (void)state;
    static const int rounds[] = {10, 40, 120, 300, 60, 25};
    for (int d = 1; d <= 6; d++) check_model(d, rounds[d - 1], 0, 3000, (uint64_t)(100 + d));
}

/* Depths 1 to 6 under monotone constraints. */
static void test_depths_monotone(void **state) {
    (void)state;
    static const int rounds[] = {300, 20, 250, 50, 100, 10};
    for (int d = 1; d <= 6; d++) check_model(d, rounds[d - 1], 1, 3000, (uint64_t)(200 + d));
}

/* One tree in XGBoost's JSON layout; nodes given as parallel arrays. */
static char *tree_json(int id, int nn, const int *left, const int *right, const int *feat,
                       const double *cond, const int *defl, const double *cover) {
    buf b = BUF_INIT;
    buf_printf(&b, "{\"id\": %d, \"left_children\": [", id);
    for (int i = 0; i < nn; i++) buf_printf(&b, i ? ",%d" : "%d", left[i]);
    buf_printf(&b, "], \"right_children\": [");
    for (int i = 0; i < nn; i++) buf_printf(&b, i ? ",%d" : "%d", right[i]);
    buf_printf(&b, "], \"split_indices\": [");
    for (int i = 0; i < nn; i++) buf_printf(&b, i ? ",%d" : "%d", feat[i]);
    buf_printf(&b, "], \"split_conditions\": [");
    for (int i = 0; i < nn; i++) buf_printf(&b, i ? ",%.9g" : "%.9g", cond[i]);
    buf_printf(&b, "], \"default_left\": [");
    for (int i = 0; i < nn; i++) buf_printf(&b, i ? ",%d" : "%d", defl[i]);
    buf_printf(&b, "], \"sum_hessian\": [");
    for (int i = 0; i < nn; i++) buf_printf(&b, i ? ",%.9g" : "%.9g", cover[i]);
    buf_printf(&b, "], \"categories_nodes\": []}");
    char *s = xstrdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* A whole model around the given trees (a JSON array's inside). */
static char *model_json(const char *booster, const char *objective, const char *trees) {
    buf b = BUF_INIT;
    buf_printf(&b,
               "{\"learner\": {\"gradient_booster\": {\"name\": \"%s\", \"model\": {\"trees\": "
               "[%s]}}, \"objective\": {\"name\": \"%s\"}, \"learner_model_param\": "
               "{\"base_score\": \"7.5E-1\", \"num_class\": \"0\"}}}",
               booster, trees, objective);
    char *s = xstrdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* A stump x1 < 0.5 ? -1 : 3 with covers 10 = 4 + 6: expectation 1.4, so a
** row going left gets -2.4 on feature 1, right +1.6, missing (default
** right) +1.6; bias logit(0.75) + 1.4; feature 0 never used gets 0. */
static void test_stump_known(void **state) {
    (void)state;
    int left[] = {1, -1, -1}, right[] = {2, -1, -1}, feat[] = {1, 0, 0}, defl[] = {0, 0, 0};
    double cond[] = {0.5, -1, 3}, cover[] = {10, 4, 6};
    char *tr = tree_json(0, 3, left, right, feat, cond, defl, cover);
    char *js = model_json("gbtree", "binary:logistic", tr);
    risk_treeshap *t = NULL;
    cairn_err err = {0};
    if (risk_treeshap_build(js, strlen(js), 2, &t, &err)) fail_msg("%s", err.msg);
    float X[] = {0.9f, 0.2f, 0.9f, 0.5f, 0.9f, NAN};
    double out[9];
    assert_int_equal(risk_treeshap_contributions(t, X, 3, 2, 1, out, &err), 0);
    double bias = log(3.0) + 1.4;
    double want[9] = {0, -2.4, bias, 0, 1.6, bias, 0, 1.6, bias};
    for (int i = 0; i < 9; i++) assert_true(fabs(out[i] - want[i]) < 1e-12);
    /* wrong column count */
    assert_int_equal(risk_treeshap_contributions(t, X, 2, 3, 1, out, &err), -1);
    assert_non_null(strstr(err.msg, "2 feature columns"));
    risk_treeshap_free(t);
    free(js);
    free(tr);
}

/* A chain 13 splits deep is refused by name; 12 is accepted and explains a
** row exactly as its two-leaf games say (spot check: sums to the leaf). */
static void test_depth_limit(void **state) {
    (void)state;
    for (int depth = 12; depth <= 13; depth++) {
        int nn = 2 * depth + 1;
        size_t sz = (size_t)nn;
        int *left = xmalloc(sz * sizeof *left), *right = xmalloc(sz * sizeof *right);
        int *feat = xmalloc(sz * sizeof *feat), *defl = xmalloc(sz * sizeof *defl);
        double *cond = xmalloc(sz * sizeof *cond), *cover = xmalloc(sz * sizeof *cover);
        /* node 2d splits (feature d % 12 < 0.5), its left is leaf 2d+1, right node 2d+2 */
        for (int d = 0; d < depth; d++) {
            left[2 * d] = 2 * d + 1;
            right[2 * d] = 2 * d + 2;
            feat[2 * d] = d % 12;
            cond[2 * d] = 0.5;
            defl[2 * d] = 1;
            cover[2 * d] = 2.0 * (depth - d) + 1;
            left[2 * d + 1] = right[2 * d + 1] = -1;
            feat[2 * d + 1] = 0;
            cond[2 * d + 1] = d;
            defl[2 * d + 1] = 0;
            cover[2 * d + 1] = 1;
        }
        left[nn - 1] = right[nn - 1] = -1;
        feat[nn - 1] = 0;
        cond[nn - 1] = 100;
        defl[nn - 1] = 0;
        cover[nn - 1] = 1;
        char *tr = tree_json(0, nn, left, right, feat, cond, defl, cover);
        char *js = model_json("gbtree", "binary:logistic", tr);
        risk_treeshap *t = NULL;
        cairn_err err = {0};
        int rc = risk_treeshap_build(js, strlen(js), 12, &t, &err);
        if (depth == 12) {
            if (rc) fail_msg("%s", err.msg);
            float x[12];
            for (int c = 0; c < 12; c++) x[c] = 0.9f;   /* right at every split: leaf 100 */
            double out[13], sum = 0;
            assert_int_equal(risk_treeshap_contributions(t, x, 1, 12, 4, out, &err), 0);
            for (int c = 0; c < 13; c++) sum += out[c];
            assert_true(fabs(sum - (log(3.0) + 100)) < 1e-9);
        } else {
            assert_int_equal(rc, -1);
            assert_null(t);
            assert_non_null(strstr(err.msg, "deeper than 12"));
        }
        risk_treeshap_free(t);
        free(js);
        free(tr);
        free(left);
        free(right);
        free(feat);
        free(defl);
        free(cond);
        free(cover);
    }
}

/* Models this does not handle are refused with a reason. */
static void test_refusals(void **state) {
    (void)state;
    int left[] = {1, -1, -1}, right[] = {2, -1, -1}, feat[] = {1, 0, 0}, defl[] = {0, 0, 0};
    double cond[] = {0.5, -1, 3}, cover[] = {10, 4, 6};
    char *tr = tree_json(0, 3, left, right, feat, cond, defl, cover);
    struct {
        const char *booster, *objective;
        size_t ncols;
        const char *says;
    } cases[] = {
        {"dart", "binary:logistic", 2, "not gbtree"},
        {"gbtree", "reg:squarederror", 2, "not binary:logistic"},
        {"gbtree", "binary:logistic", 1, "splits on feature 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *js = model_json(cases[i].booster, cases[i].objective, tr);
        risk_treeshap *t = NULL;
        cairn_err err = {0};
        assert_int_equal(risk_treeshap_build(js, strlen(js), cases[i].ncols, &t, &err), -1);
        assert_null(t);
        if (!strstr(err.msg, cases[i].says)) fail_msg("case %zu: %s", i, err.msg);
        free(js);
    }
    risk_treeshap *t = NULL;
    cairn_err err = {0};
    assert_int_equal(risk_treeshap_build("{\"learner\": ", 12, 2, &t, &err), -1);
    assert_non_null(strstr(err.msg, "not JSON"));
    free(tr);
}

/* Seconds on the monotonic clock. */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* With CAIRN_TREESHAP_BENCH=1: 50,000 rows x 250 trees of depth 3 (16
** features), both ways, timed and compared. */
static void test_bench(void **state) {
    (void)state;
    const char *on = getenv("CAIRN_TREESHAP_BENCH");
    if (!on || strcmp(on, "1") != 0) skip();
    size_t k = 16, ntrain = 20000, n = 50000;
    float *X, *y;
    make_data(ntrain, k, 99, &X, &y);
    risk_train_opts o = {0};
    o.rounds = 250;
    o.max_depth = 3;
    o.eta = 0.05;
    o.nthread = 2;
    o.seed = 3;
    risk_model *m = NULL;
    cairn_err err = {0};
    assert_int_equal(risk_model_train(X, ntrain, k, y, &o, &m, &err), 0);
    BoosterHandle h = xgb_booster(m);
    size_t len;
    char *js = xgb_json(h, &len);
    float **thr;
    size_t *nthr;
    json_thresholds(js, len, k, &thr, &nthr);
    float *R = make_rows(n, k, thr, nthr, 1234);
    double *ref = xmalloc(n * (k + 1) * sizeof *ref), *ours = xmalloc(n * (k + 1) * sizeof *ours);
    double *margin = xmalloc(n * sizeof *margin);
    double t0 = now();
    xgb_contribs(h, R, n, k, ref);
    double t1 = now();
    risk_treeshap *t = NULL;
    assert_int_equal(risk_treeshap_build(js, len, k, &t, &err), 0);
    double t2 = now();
    assert_int_equal(risk_treeshap_contributions(t, R, n, k, 1, ours, &err), 0);
    double t3 = now();
    double *two = xmalloc(n * (k + 1) * sizeof *two);
    assert_int_equal(risk_treeshap_contributions(t, R, n, k, 2, two, &err), 0);
    double t4 = now();
    assert_memory_equal(ours, two, n * (k + 1) * sizeof *two);
    free(two);
    xgb_margins(m, R, n, k, margin);
    double worst = compare(ours, ref, margin, n, k, "bench");
    printf("treeshap bench: %zu rows x 250 trees depth 3, %zu features: XGBoost (2 threads) "
           "%.3f s; tables %.4f s; fast, 1 thread %.3f s (%.1fx), 2 threads %.3f s (%.1fx); "
           "largest relative difference %.2g\n",
           n, k, t1 - t0, t2 - t1, t3 - t2, (t1 - t0) / (t3 - t2), t4 - t3,
           (t1 - t0) / (t4 - t3), worst);
    for (size_t c = 0; c < k; c++) free(thr[c]);
    free(thr);
    free(nthr);
    free(margin);
    free(ours);
    free(ref);
    free(R);
    risk_treeshap_free(t);
    free(js);
    XGBoosterFree(h);
    risk_model_free(m);
    free(X);
    free(y);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stump_known),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_depths_free),
        cmocka_unit_test(test_depths_monotone),
        cmocka_unit_test(test_bench),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
