/*
** tests/unit/test_train.c — the learned model on a school's own history
** (risk/train.c), its explanations (risk/explain.c) and the evaluation
** (risk/evaluate.c).
**
** On a demo school of 800 learners over two school years, on both
** databases: `train` stores an active model version whose card has the
** promised keys, leaves the fairness attributes out and ranks the held-out
** year well (ROC AUC > 0.7: the demo's leavers drift before they go); the
** stored model reloads and predicts exactly what the same training gives;
** explanations name at most three indicators that raised the estimate,
** with the learner's value and the group's median; the monotone constraints
** hold on the trained model; scoring uses the active model; allowing
** gender as an input adds it and the card says so.  Plus the pure parts:
** sentences, reason picking, calibration round trips, grouped folds and
** bad input.
*/
#include "testutil.h"
#include "risk/evaluate.h"
#include "risk/explain.h"
#include "risk/risk.h"
#include "risk/train.h"
#include "school/demo.h"
#include "school/school.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEARNERS 800
#define SEED 1
#define TRAINER "test trainer"

/* One trained demo school per backend, shared by the tests that read it. */
typedef struct trained {
    store *st;
    int64_t inst;
    int32_t first, last;       /* the demo's first and last school day */
    risk_train_result res;     /* of the first training */
} trained;

static trained shared[3];      /* indexed by store_kind */

/* The demo school of the test's kind, trained once with the defaults. */
static trained *trained_store(void **state) {
    store_kind k = KIND(state);
    trained *t = &shared[k];
    if (t->st) return t;
    t->st = test_store_fresh(k, "train");
    cairn_err err = {0};
    if (school_migrate(t->st, NULL, &err) || risk_migrate(t->st, NULL, &err))
        fail_msg("migrate: %s", err.msg);
    demo_opts o = {0};
    o.learners = LEARNERS;
    o.seed = SEED;
    o.years = 2;
    import_report rep;
    if (school_demo_load(t->st, &o, &rep, &err)) fail_msg("demo: %s", err.msg);
    import_report_free(&rep);
    if (school_demo_period(&o, &t->first, &t->last, &err)) fail_msg("period: %s", err.msg);
    if (school_institution_resolve(t->st, NULL, &t->inst, &err)) fail_msg("inst: %s", err.msg);
    risk_train_config c = {0};
    c.by = TRAINER;
    if (risk_train_run(t->st, t->inst, &c, &t->res, &err)) fail_msg("train: %s", err.msg);
    return t;
}

/* Drop the shared stores. */
static int group_teardown(void **state) {
    (void)state;
    for (int k = 0; k < 3; k++)
        if (shared[k].st) {
            risk_train_result_free(&shared[k].res);
            test_store_drop(shared[k].st);
            memset(&shared[k], 0, sizeof shared[k]);
        }
    return 0;
}

/* A text column of the one row sql (with one int64 parameter) gives;
** caller frees. */
static char *q_text(store *st, const char *sql, int64_t p) {
    cairn_err err = {0};
    store_stmt *s = store_prepare(st, sql, &err);
    if (!s) fail_msg("%s: %s", sql, err.msg);
    store_bind_int64(s, 1, p);
    if (store_step(s, &err) != STORE_ROW) fail_msg("%s: no row (%s)", sql, err.msg);
    char *v = xstrdup(store_col_text(s, 0) ? store_col_text(s, 0) : "");
    store_finalize(s);
    return v;
}

/* An int64 the one row sql (one int64 parameter) gives. */
static int64_t q_int(store *st, const char *sql, int64_t p) {
    cairn_err err = {0};
    int64_t v;
    if (store_query_int64(st, sql, p, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* 1 if the JSON array a holds the string s. */
static int json_array_has(json_t *a, const char *s) {
    for (size_t i = 0; i < json_array_size(a); i++)
        if (json_is_string(json_array_get(a, i)) &&
            strcmp(json_string_value(json_array_get(a, i)), s) == 0)
            return 1;
    return 0;
}

/* The indicators of every learner active on a day in the held-out year. */
static risk_features *rows_asof(trained *t, int32_t asof, size_t *n) {
    cairn_err err = {0};
    risk_features *rows;
    if (risk_features_asof(t->st, t->inst, asof, &rows, n, &err)) fail_msg("%s", err.msg);
    if (*n < 100) fail_msg("only %zu learners active on the test day", *n);
    return rows;
}

/* A day in the second school year's spring term. */
static int32_t spring_day(const trained *t) {
    return t->last - 60;
}

/* ---- train: the stored version and its card ----------------------------------------- */

/* train stores an active version with the card's keys, no attribute as
** input, a held-out ROC AUC above 0.7 and a fairness table. */
static void t_train_card(void **state) {
    trained *t = trained_store(state);
    assert_int_equal(t->res.version, 1);
    assert_int_equal(q_int(t->st, "SELECT count(*) FROM risk_model WHERE institution_id = ?"
                                  " AND active = 1", t->inst), 1);
    assert_int_equal(q_int(t->st, "SELECT version FROM risk_model WHERE institution_id = ?"
                                  " AND active = 1", t->inst), 1);
    char *who = q_text(t->st, "SELECT created_by FROM risk_model WHERE institution_id = ?", t->inst);
    assert_string_equal(who, TRAINER);
    free(who);
    char *features = q_text(t->st, "SELECT features FROM risk_model WHERE institution_id = ?",
                            t->inst);
    assert_null(strstr(features, "gender"));
    assert_null(strstr(features, "migrant"));
    assert_non_null(strstr(features, "\"unexcused_4w\""));
    free(features);

    char *card_text = q_text(t->st, "SELECT card FROM risk_model WHERE institution_id = ?", t->inst);
    json_error_t je;
    json_t *card = json_loads(card_text, 0, &je);
    if (!card) fail_msg("card is not JSON: %s", je.text);
    static const char *const keys[] = {"model", "version", "trained_at", "trained_by",
                                       "horizons_weeks", "design", "data", "features",
                                       "attributes", "parameters", "calibration", "evaluation",
                                       "fairness"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!json_object_get(card, keys[i])) fail_msg("card has no \"%s\"", keys[i]);
    assert_string_equal(json_string_value(json_object_get(card, "trained_by")), TRAINER);
    assert_int_equal(json_integer_value(json_object_get(card, "version")), 1);
    json_t *h = json_object_get(card, "horizons_weeks");
    assert_int_equal(json_array_size(h), 3);
    assert_int_equal(json_integer_value(json_array_get(h, 2)), 16);
    json_t *data = json_object_get(card, "data");
    assert_string_equal(json_string_value(json_object_get(data, "first_start")), "2022-09-05");
    assert_non_null(json_string_value(json_object_get(data, "last_start")));
    assert_true(json_integer_value(json_object_get(data, "enrolments")) > 300);
    assert_true(json_integer_value(json_object_get(data, "leavers")) > 30);
    assert_int_equal((size_t)json_integer_value(json_object_get(data, "rows")), t->res.rows);
    json_t *feat = json_object_get(card, "features");
    /* every indicator but the platform metrics the demo does not send (it sends
    ** minutes and logins; not clicks, submissions or forum posts) */
    assert_int_equal(json_array_size(feat), RF_COUNT - 3);
    int has_logins = 0, has_clicks = 0;
    for (size_t i = 0; i < json_array_size(feat); i++) {
        const char *code = json_string_value(json_object_get(json_array_get(feat, i), "code"));
        has_logins |= !strcmp(code, "lms_logins_4w");
        has_clicks |= !strcmp(code, "lms_clicks_4w");
        assert_true(json_number_value(json_object_get(json_array_get(feat, i), "known")) >= 0);
    }
    assert_true(has_logins && !has_clicks);
    json_t *pm = json_object_get(json_object_get(card, "evaluation"), "platform_metrics");
    assert_int_equal(json_array_size(json_object_get(pm, "has")), 2);
    json_t *f0 = json_array_get(feat, RF_UNEXCUSED_4W);
    assert_string_equal(json_string_value(json_object_get(f0, "code")), "unexcused_4w");
    assert_string_equal(json_string_value(json_object_get(f0, "name")),
                        risk_feature_info_of(RF_UNEXCUSED_4W)->name);
    assert_int_equal(json_integer_value(json_object_get(f0, "monotone")), 1);
    json_t *attrs = json_object_get(card, "attributes");
    json_t *exc = json_object_get(attrs, "excluded");
    assert_int_equal(json_array_size(exc), RISK_ATTR_COUNT);
    assert_true(json_array_has(exc, "gender"));
    assert_true(json_array_has(exc, "first_language"));
    assert_int_equal(json_array_size(json_object_get(attrs, "included")), 0);
    const char *cal = json_string_value(json_object_get(json_object_get(card, "calibration"), "method"));
    assert_non_null(cal);
    assert_true(!strcmp(cal, "isotonic") || !strcmp(cal, "platt"));
    assert_non_null(json_object_get(json_object_get(card, "parameters"), "max_depth"));

    /* the time-aware evaluation: the held-out year is ranked well */
    json_t *ev = json_object_get(card, "evaluation");
    const char *method = json_string_value(json_object_get(ev, "method"));
    assert_non_null(strstr(method, "time-aware"));
    assert_non_null(strstr(method, "2025/26"));
    double auc = json_number_value(json_object_get(ev, "roc_auc"));
    if (!(auc > 0.7)) fail_msg("held-out ROC AUC %.3f, want > 0.7", auc);
    assert_true(fabs(auc - t->res.roc_auc) < 1e-9);
    assert_true(json_number_value(json_object_get(ev, "brier")) > 0);
    assert_non_null(json_object_get(json_object_get(ev, "model"), "lead_time"));

    /* the fairness table: one per attribute, small groups suppressed */
    json_t *fair = json_object_get(card, "fairness");
    assert_int_equal(json_array_size(fair), RISK_ATTR_COUNT);
    int suppressed = 0, shown = 0;
    for (size_t i = 0; i < json_array_size(fair); i++) {
        json_t *groups = json_object_get(json_array_get(fair, i), "groups");
        for (size_t g = 0; g < json_array_size(groups); g++) {
            json_t *row = json_array_get(groups, g);
            if (json_is_true(json_object_get(row, "suppressed"))) {
                suppressed++;
                assert_null(json_object_get(row, "n"));   /* nothing but the name */
            } else {
                shown++;
                assert_true(json_integer_value(json_object_get(row, "n")) >= METRIC_MIN_CELL);
            }
        }
    }
    assert_true(shown >= 6);
    assert_true(suppressed >= 1);   /* the demo has rare genders and languages */
    json_decref(card);
    free(card_text);
}

/* ---- the stored model reloads and predicts exactly what training gave ------------------ */

/* The stored model, reloaded, predicts bit for bit what the same training
** gives in memory. */
static void t_train_reload_identical(void **state) {
    trained *t = trained_store(state);
    cairn_err err = {0};
    risk_loaded a, b;
    int found;
    if (risk_loaded_load(t->st, t->inst, 1, &a, &found, &err)) fail_msg("%s", err.msg);
    assert_int_equal(found, 1);
    if (risk_loaded_load(t->st, t->inst, 0, &b, &found, &err)) fail_msg("%s", err.msg);
    assert_int_equal(found, 1);
    assert_int_equal(b.version, 1);

    /* the same training again, in memory */
    risk_trainset ts;
    if (risk_trainset_build(t->st, t->inst, NULL, 0, &ts, &err)) fail_msg("%s", err.msg);
    assert_int_equal(ts.n, t->res.rows);
    risk_cols cols;
    risk_cols_for(&cols, ts.rows, ts.n);   /* as cairn train chooses them */
    int mono[RISK_COLS_MAX];
    risk_cols_monotone(&cols, mono);
    risk_train_opts o;
    risk_train_defaults(&o);
    o.monotone = mono;
    float *X = xmalloc(ts.n * cols.n * sizeof *X);
    int64_t *grp = xmalloc(ts.n * sizeof *grp);
    risk_cols_matrix(&cols, ts.rows, ts.n, NULL, X);
    for (size_t i = 0; i < ts.n; i++) grp[i] = ts.rows[i].t.learner_id;
    risk_fitted fit;
    if (risk_fit(X, ts.n, cols.n, ts.label, grp, &o, &fit, &err)) fail_msg("%s", err.msg);
    assert_int_equal(fit.calib, a.fit.calib);

    size_t n = ts.n < 2000 ? ts.n : 2000;
    double *p_mem = xmalloc(n * sizeof *p_mem), *p_a = xmalloc(n * sizeof *p_a);
    double *p_b = xmalloc(n * sizeof *p_b);
    if (risk_fitted_predict(&fit, X, n, cols.n, p_mem, NULL, &err) ||
        risk_fitted_predict(&a.fit, X, n, cols.n, p_a, NULL, &err) ||
        risk_fitted_predict(&b.fit, X, n, cols.n, p_b, NULL, &err))
        fail_msg("%s", err.msg);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (p_mem[i] != p_a[i] || p_a[i] != p_b[i])
            fail_msg("row %zu: in memory %.17g, stored %.17g / %.17g", i, p_mem[i], p_a[i], p_b[i]);
        assert_true(p_a[i] >= 0 && p_a[i] <= 1);
        distinct += i && p_a[i] != p_a[i - 1];
    }
    assert_true(distinct > 20);   /* not a constant */
    /* and through the scoring path (risk_loaded_predict) */
    risk_prediction *pr = xcalloc(n, sizeof *pr);
    if (risk_loaded_predict(&a, t->st, t->inst, ts.rows, n, pr, &err)) fail_msg("%s", err.msg);
    for (size_t i = 0; i < n; i++) assert_true(pr[i].probability == p_mem[i]);
    free(pr);
    free(p_b);
    free(p_a);
    free(p_mem);
    risk_fitted_free(&fit);
    free(grp);
    free(X);
    risk_trainset_free(&ts);
    risk_loaded_free(&a);
    risk_loaded_free(&b);
}

/* ---- explanations ------------------------------------------------------------------------ */

/* Reasons: at most 3, only raising contributions, never unknown values,
** the largest first; sentences with the value and the peer median. */
static void t_explain_reasons(void **state) {
    trained *t = trained_store(state);
    cairn_err err = {0};
    risk_loaded m;
    int found;
    if (risk_loaded_load(t->st, t->inst, 1, &m, &found, &err) || !found) fail_msg("%s", err.msg);
    size_t n;
    risk_features *rows = rows_asof(t, spring_day(t), &n);
    risk_peers peers;
    risk_peer_medians(rows, n, &peers, &err);
    risk_prediction *p = xcalloc(n, sizeof *p);
    if (risk_loaded_predict(&m, t->st, t->inst, rows, n, p, &err)) fail_msg("%s", err.msg);
    size_t k = m.cols.n;
    float *X = xmalloc(n * k * sizeof *X);
    double *contrib = xmalloc(n * (k + 1) * sizeof *contrib);
    risk_cols_matrix(&m.cols, rows, n, NULL, X);
    if (risk_model_contributions(m.fit.model, X, n, k, contrib, &err)) fail_msg("%s", err.msg);
    size_t with_reasons = 0, with_peer = 0;
    for (size_t i = 0; i < n; i++) {
        const double *c = contrib + i * (k + 1);
        assert_true(p[i].nreasons >= 0 && p[i].nreasons <= 3);
        with_reasons += p[i].nreasons > 0;
        double smallest = INFINITY;
        for (int r = 0; r < p[i].nreasons; r++) {
            risk_feature f = p[i].reason_feature[r];
            size_t col = 0;   /* the model's column of f */
            while (col < k && m.cols.col[col].feature != (int)f) col++;
            assert_true(col < k);
            /* only what raised the estimate, never an unknown value */
            assert_true(c[col] > 0);
            assert_true(fabs(c[col] - p[i].reason_contribution[r]) < 1e-9);
            assert_false(isnan(rows[i].v[f]));
            if (r) assert_true(p[i].reason_contribution[r] <= p[i].reason_contribution[r - 1]);
            if (p[i].reason_contribution[r] < smallest) smallest = p[i].reason_contribution[r];
        }
        /* no larger raising contribution was left out */
        if (p[i].nreasons == 3)
            for (size_t col = 0; col < k; col++) {
                int f = m.cols.col[col].feature, taken = 0;
                for (int r = 0; r < 3; r++) taken |= (int)p[i].reason_feature[r] == f;
                if (!taken && !isnan(rows[i].v[f])) assert_true(c[col] <= smallest + 1e-12);
            }
        /* the sentences */
        const double *peer = risk_peers_of(&peers, rows[i].t.group_id);
        buf b = BUF_INIT;
        risk_explain_json(&p[i], &rows[i], peer, &b);
        json_t *a = json_loads(buf_cstr(&b), 0, NULL);
        assert_true(json_is_array(a));
        assert_int_equal(json_array_size(a), (size_t)p[i].nreasons);
        for (int r = 0; r < p[i].nreasons; r++) {
            risk_feature f = p[i].reason_feature[r];
            const char *text = json_string_value(json_object_get(json_array_get(a, r), "text"));
            const risk_feature_info *fi = risk_feature_info_of(f);
            char v[64], pv[64];
            risk_explain_value(f, rows[i].v[f], v, sizeof v);
            if (strncmp(text, fi->name, strlen(fi->name)) != 0) fail_msg("\"%s\" names no indicator", text);
            if (!strstr(text, v)) fail_msg("\"%s\" lacks the value %s", text, v);
            if (peer && !isnan(peer[f])) {
                risk_explain_value(f, peer[f], pv, sizeof pv);
                char want[96];
                snprintf(want, sizeof want, "— peers in the same group: %s", pv);
                if (!strstr(text, want)) fail_msg("\"%s\" lacks \"%s\"", text, want);
                with_peer++;
            }
        }
        json_decref(a);
        buf_free(&b);
    }
    assert_true(with_reasons > n / 2);
    assert_true(with_peer > 0);
    free(contrib);
    free(X);
    free(p);
    risk_peers_free(&peers);
    free(rows);
    risk_loaded_free(&m);
}

/* ---- monotone constraints on the trained model ------------------------------------------ */

/* Along values of feature f (others fixed) the probability never moves
** against the feature's direction, for the first 200 rows. */
static void check_monotone(risk_loaded *m, const risk_features *rows, size_t n, risk_feature f,
                           const double *values, size_t nv) {
    cairn_err err = {0};
    int dir = risk_feature_info_of(f)->direction;
    assert_true(dir != 0);
    size_t k = m->cols.n, rowsn = n < 200 ? n : 200;
    float *X = xmalloc(nv * k * sizeof *X);
    double *p = xmalloc(nv * sizeof *p), *mg = xmalloc(nv * sizeof *mg);
    risk_features *var = xmalloc(nv * sizeof *var);
    size_t rising = 0;
    for (size_t r = 0; r < rowsn; r++) {
        for (size_t j = 0; j < nv; j++) {
            var[j] = rows[r];
            var[j].v[f] = values[j];
        }
        risk_cols_matrix(&m->cols, var, nv, NULL, X);
        if (risk_fitted_predict(&m->fit, X, nv, k, p, mg, &err)) fail_msg("%s", err.msg);
        for (size_t j = 1; j < nv; j++) {
            if (dir > 0 && (p[j] < p[j - 1] || mg[j] < mg[j - 1] - 1e-6))
                fail_msg("row %zu: %s %g -> %g lowered the estimate %.6f -> %.6f", r,
                         risk_feature_info_of(f)->code, values[j - 1], values[j], p[j - 1], p[j]);
            if (dir < 0 && (p[j] > p[j - 1] || mg[j] > mg[j - 1] + 1e-6))
                fail_msg("row %zu: %s %g -> %g raised the estimate %.6f -> %.6f", r,
                         risk_feature_info_of(f)->code, values[j - 1], values[j], p[j - 1], p[j]);
        }
        rising += dir > 0 ? p[nv - 1] > p[0] : p[nv - 1] < p[0];
    }
    assert_true(rising > 0);   /* the feature matters at all */
    free(var);
    free(mg);
    free(p);
    free(X);
}

/* More unexcused absence never lowers the estimate; more attendance never
** raises it. */
static void t_train_monotone(void **state) {
    trained *t = trained_store(state);
    cairn_err err = {0};
    risk_loaded m;
    int found;
    if (risk_loaded_load(t->st, t->inst, 1, &m, &found, &err) || !found) fail_msg("%s", err.msg);
    size_t n;
    risk_features *rows = rows_asof(t, spring_day(t), &n);
    const double unexcused[] = {0, 1, 2, 3, 4, 5, 6, 8, 10, 14, 20};
    check_monotone(&m, rows, n, RF_UNEXCUSED_4W, unexcused, sizeof unexcused / sizeof *unexcused);
    check_monotone(&m, rows, n, RF_UNEXCUSED_TERM, unexcused, sizeof unexcused / sizeof *unexcused);
    const double rate[] = {20, 40, 60, 70, 80, 85, 90, 95, 100};
    check_monotone(&m, rows, n, RF_ATT_RATE_4W, rate, sizeof rate / sizeof *rate);
    free(rows);
    risk_loaded_free(&m);
}

/* ---- scoring uses the active model -------------------------------------------------------- */

/* risk_score_run uses the active model: probabilities and model reasons
** with peers are stored. */
static void t_score_uses_model(void **state) {
    trained *t = trained_store(state);
    cairn_err err = {0};
    int32_t day = spring_day(t);
    risk_score_summary s;
    if (risk_score_run(t->st, t->inst, day, NULL, &s, &err)) fail_msg("score: %s", err.msg);
    assert_int_equal(s.model_version, 1);
    assert_true(s.learners > 100);
    assert_true(s.ntop > 0);
    assert_false(isnan(s.top[0].probability));
    risk_score_summary_free(&s);
    char d[DATE_TEXT_LEN];
    date_format(day, d);
    store_stmt *q = store_prepare(t->st, "SELECT probability, tier, reasons FROM risk_score"
                                         " WHERE institution_id = ? AND asof = ?", &err);
    store_bind_int64(q, 1, t->inst);
    store_bind_text(q, 2, d, (size_t)-1);
    size_t rows = 0, model_reasons = 0, peer_text = 0;
    while (store_step(q, &err) == STORE_ROW) {
        rows++;
        assert_false(store_col_is_null(q, 0));
        double p = store_col_double(q, 0);
        assert_true(p >= 0 && p <= 1);
        const char *reasons = store_col_text(q, 2);
        if (strstr(reasons, "\"kind\":\"model\"")) model_reasons++;
        if (strstr(reasons, "\"kind\":\"model\"") && strstr(reasons, "peers in the same group"))
            peer_text++;
    }
    store_finalize(q);
    assert_true(rows > 100);
    assert_true(model_reasons > rows / 2);
    assert_true(peer_text > 0);
}

/* ---- evaluation: rules and model side by side; k-fold ------------------------------------- */

/* k-fold evaluation of rules and model, the text report, lead times; a
** single year refuses time-aware evaluation. */
static void t_evaluate_school(void **state) {
    trained *t = trained_store(state);
    cairn_err err = {0};
    risk_trainset ts;
    risk_audit a;
    if (risk_trainset_build(t->st, t->inst, NULL, 0, &ts, &err)) fail_msg("%s", err.msg);
    if (risk_audit_load(t->st, t->inst, &a, &err)) fail_msg("%s", err.msg);
    risk_cols cols;
    risk_cols_default(&cols);
    int mono[RISK_COLS_MAX];
    risk_cols_monotone(&cols, mono);
    risk_train_opts o;
    risk_train_defaults(&o);
    o.monotone = mono;
    o.rounds = 120;
    risk_eval *ev = xcalloc(1, sizeof *ev);
    risk_eval_opts eo = {0};
    eo.folds = 3;
    eo.lead_time = 1;
    if (risk_eval_school(t->st, t->inst, &ts, &cols, &a, &o, &eo, ev, &err)) fail_msg("%s", err.msg);
    assert_int_equal(ev->test_rows, ts.n);   /* every row judged once */
    assert_non_null(strstr(ev->method, "3-fold"));
    assert_true(ev->model.roc_auc > 0.65 && ev->model.roc_auc < 1);
    assert_true(ev->rules.roc_auc > 0.5 && ev->rules.roc_auc < 1);
    assert_true(isnan(ev->rules.brier));   /* rules give no probability */
    assert_true(ev->model.brier > 0 && ev->model.brier < 0.25);
    assert_int_equal(ev->nhorizons, 3);
    /* warning time: every leaver replayed with the model of their own fold */
    assert_true(ev->model.has_lead_time && ev->rules.has_lead_time);
    assert_int_equal(ev->model.lead.leavers, ts.leavers);
    assert_int_equal(ev->rules.lead.leavers, ts.leavers);
    assert_true(ev->rules.lead.flagged > ts.leavers / 2);   /* the rules flag widely */
    assert_true(ev->model.lead.flagged <= ev->model.lead.leavers);
    /* tiers by the institution's shares (5 % and 15 % by default): the rules'
    ** ranking breaks ties by learner as scoring does, so 20 % of the rows are
    ** selective or above (a few more where one learner's snapshots tie); the
    ** model's ties may add a few more */
    size_t want20 = (size_t)floor(0.20 * (double)ts.n + 0.5), want5 = (size_t)floor(0.05 * (double)ts.n + 0.5);
    assert_non_null(strstr(ev->tier_basis, "by share"));
    assert_true(ev->rules.tier[0].flagged >= want20 && ev->rules.tier[0].flagged <= want20 + ts.n / 100);
    assert_true(ev->rules.tier[1].flagged >= want5 && ev->rules.tier[1].flagged <= want5 + ts.n / 100);
    size_t positives = 0;
    for (size_t i = 0; i < ts.n; i++) positives += ts.label[i] != 0;
    assert_true(ev->model.tier[0].flagged >= want20 && ev->model.tier[0].flagged < want20 + ts.n / 10);
    assert_true(ev->model.tier[0].precision > (double)positives / (double)ts.n);
    buf b = BUF_INIT;
    risk_eval_write(&b, ev);
    assert_non_null(strstr(buf_cstr(&b), "ROC AUC rules: "));
    assert_non_null(strstr(buf_cstr(&b), "ROC AUC model: "));
    assert_non_null(strstr(buf_cstr(&b), "Fairness by gender"));
    assert_non_null(strstr(buf_cstr(&b), "suppressed (fewer than"));
    assert_non_null(strstr(buf_cstr(&b), "tiers: by share, on each of the"));
    assert_non_null(strstr(buf_cstr(&b), "the top 5 % of its rows individual"));
    /* the warning time only beside its false alarms */
    assert_non_null(strstr(buf_cstr(&b), "Precision of that list"));
    assert_non_null(strstr(buf_cstr(&b), "Flagged but stayed"));
    assert_true(ev->model.lead.stayers > 0 && ev->model.lead.stayers == ev->rules.lead.stayers);
    assert_true(ev->model.lead.stayers_flagged <= ev->model.lead.stayers);
    assert_true(ev->model.lead.precision == ev->model.tier[0].precision);
    buf_free(&b);
    free(ev);
    /* probability thresholds asked for: tiers by them, as before */
    ev = xcalloc(1, sizeof *ev);
    eo.lead_time = 0;
    eo.tiers.p_selective = 0.3;
    if (risk_eval_school(t->st, t->inst, &ts, &cols, &a, &o, &eo, ev, &err)) fail_msg("%s", err.msg);
    assert_string_equal(ev->tier_basis, "");
    assert_true(ev->model.tier[0].threshold == 0.3);
    assert_true(ev->rules.tier[0].threshold == 10);
    free(ev);

    /* time-aware needs two years; a set with one is refused with a way out */
    for (size_t i = 0; i < ts.n; i++) ts.year[i] = 0;
    ts.nyears = 1;
    ev = xcalloc(1, sizeof *ev);
    assert_int_equal(risk_eval_school(t->st, t->inst, &ts, &cols, &a, &o, NULL, ev, &err), -1);
    assert_non_null(strstr(err.msg, "--folds"));
    free(ev);
    risk_audit_free(&a);
    risk_trainset_free(&ts);
}

/* ---- an attribute allowed as input -------------------------------------------------------- */

/* --allow-attribute gender: a new active version with gender columns, the
** card says so, and gender is never a reason. */
static void t_train_allow_gender(void **state) {
    trained *t = trained_store(state);
    cairn_err err = {0};
    const char *allow[] = {"gender"};
    risk_train_config c = {0};
    c.allow = allow;
    c.nallow = 1;
    c.by = TRAINER;
    risk_train_result r;
    if (risk_train_run(t->st, t->inst, &c, &r, &err)) fail_msg("train: %s", err.msg);
    assert_int_equal(r.version, 2);
    assert_int_equal(q_int(t->st, "SELECT version FROM risk_model WHERE institution_id = ?"
                                  " AND active = 1", t->inst), 2);
    assert_int_equal(q_int(t->st, "SELECT count(*) FROM risk_model WHERE institution_id = ?",
                           t->inst), 2);
    char *features = q_text(t->st, "SELECT features FROM risk_model WHERE institution_id = ?"
                                    " AND version = 2", t->inst);
    assert_non_null(strstr(features, "\"gender=female\""));
    assert_non_null(strstr(features, "\"gender=male\""));
    assert_null(strstr(features, "migrant"));
    free(features);
    json_t *card = json_loads(r.card, 0, NULL);
    json_t *attrs = json_object_get(card, "attributes");
    assert_true(json_array_has(json_object_get(attrs, "included"), "gender"));
    assert_false(json_array_has(json_object_get(attrs, "excluded"), "gender"));
    assert_true(json_array_has(json_object_get(attrs, "excluded"), "special_needs"));
    assert_int_equal(json_array_size(json_object_get(card, "features")), RF_COUNT - 3 + 4);
    json_decref(card);
    risk_train_result_free(&r);

    /* the stored model reads the attribute again when it predicts */
    risk_loaded m;
    int found;
    if (risk_loaded_load(t->st, t->inst, 0, &m, &found, &err) || !found) fail_msg("%s", err.msg);
    assert_true(risk_cols_has_attr(&m.cols, RISK_ATTR_GENDER));
    size_t n;
    risk_features *rows = rows_asof(t, spring_day(t), &n);
    risk_prediction *p = xcalloc(n, sizeof *p);
    if (risk_loaded_predict(&m, t->st, t->inst, rows, n, p, &err)) fail_msg("%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        assert_true(p[i].probability >= 0 && p[i].probability <= 1);
        for (int k = 0; k < p[i].nreasons; k++)   /* an attribute is never a reason */
            assert_true((int)p[i].reason_feature[k] < RF_COUNT);
    }
    free(p);
    free(rows);
    risk_loaded_free(&m);
}

/* ---- pure parts ----------------------------------------------------------------------------- */

/* Sentences: name, value with unit, peer median with unit. */
static void t_explain_sentence(void **state) {
    (void)state;
    char s[RISK_REASON_MAX];
    risk_explain_sentence(RF_UNEXCUSED_4W, 6, 1, s, sizeof s);
    assert_string_equal(s, "days absent without excuse in the last 4 weeks: 6 days — peers in "
                           "the same group: 1 day");
    risk_explain_sentence(RF_ATT_RATE_4W, 72.46, 94, s, sizeof s);
    assert_string_equal(s, "attendance in the last 4 weeks: 72.5 % — peers in the same group: "
                           "94 %");
    risk_explain_sentence(RF_FAILED_TERM, 2, NAN, s, sizeof s);
    assert_string_equal(s, "assessments failed this term: 2");
    risk_explain_sentence(RF_ATT_SLOPE_8W, -0.04, 0, s, sizeof s);
    assert_string_equal(s, "weekly change in attendance over the last 8 weeks: 0 % points per "
                        "week — peers in the same group: 0 % points per week");
    char tiny[8];
    risk_explain_sentence(RF_UNEXCUSED_4W, 6, 1, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), 7);
}

/* Picking: only raising, known indicators; at most 3, largest first;
** attribute columns never; one indicator over two columns summed. */
static void t_explain_pick(void **state) {
    (void)state;
    double v[RF_COUNT];
    for (int f = 0; f < RF_COUNT; f++) v[f] = 1;
    v[RF_LATE_4W] = NAN;
    int colf[6] = {RF_UNEXCUSED_4W, RF_LATE_4W, RF_ATT_RATE_4W, -1, RF_FAILED_TERM, RF_MISSING_TERM};
    double c[7] = {0.30, 0.90 /* unknown value */, -0.50, 2.0 /* attribute */, 0.20, 0.005, 9};
    risk_prediction p;
    memset(&p, 0, sizeof p);
    risk_explain_pick(c, colf, 6, v, 3, &p);
    assert_int_equal(p.nreasons, 2);   /* 0.005 is below RISK_EXPLAIN_MIN */
    assert_int_equal(p.reason_feature[0], RF_UNEXCUSED_4W);
    assert_int_equal(p.reason_feature[1], RF_FAILED_TERM);
    int colf2[5] = {RF_ATT_RATE_2W, RF_ATT_RATE_4W, RF_ATT_RATE_8W, RF_ATT_RATE_TERM, RF_ATT_RATE_2W};
    double c2[6] = {0.1, 0.4, 0.3, 0.2, 0.25, 0};
    risk_explain_pick(c2, colf2, 5, v, 3, &p);
    assert_int_equal(p.nreasons, 3);
    assert_int_equal(p.reason_feature[0], RF_ATT_RATE_4W);
    assert_int_equal(p.reason_feature[1], RF_ATT_RATE_2W);   /* 0.1 + 0.25 */
    assert_true(fabs(p.reason_contribution[1] - 0.35) < 1e-12);
    assert_int_equal(p.reason_feature[2], RF_ATT_RATE_8W);
    risk_explain_pick(c2, colf2, 5, v, 1, &p);
    assert_int_equal(p.nreasons, 1);
    double neg[2] = {-1, -2};
    risk_explain_pick(neg, colf2, 2, v, 3, &p);
    assert_int_equal(p.nreasons, 0);
}

/* Calibration survives the JSON round trip exactly. */
static void t_calibration_roundtrip(void **state) {
    (void)state;
    cairn_err err = {0};
    double raw[8] = {-3, -2, -1.5, -1, 0, 0.5, 1, 2};
    int lab[8] = {0, 0, 1, 0, 0, 1, 1, 1};
    risk_fitted a = {0}, b = {0};
    a.calib = RISK_CALIB_ISOTONIC;
    if (metric_isotonic_fit(raw, lab, 8, &a.iso, &err)) fail_msg("%s", err.msg);
    buf j = BUF_INIT;
    risk_fitted_calibration_json(&a, &j);
    if (risk_fitted_calibration_parse(buf_cstr(&j), &b, &err)) fail_msg("%s", err.msg);
    assert_int_equal(b.calib, RISK_CALIB_ISOTONIC);
    for (double x = -4; x <= 3; x += 0.25)
        assert_true(risk_fitted_calibrate(&a, x) == risk_fitted_calibrate(&b, x));
    risk_fitted_free(&b);
    buf_reset(&j);
    a.calib = RISK_CALIB_PLATT;
    if (metric_platt_fit(raw, lab, 8, &a.platt_a, &a.platt_b, &err)) fail_msg("%s", err.msg);
    risk_fitted_calibration_json(&a, &j);
    memset(&b, 0, sizeof b);
    if (risk_fitted_calibration_parse(buf_cstr(&j), &b, &err)) fail_msg("%s", err.msg);
    assert_int_equal(b.calib, RISK_CALIB_PLATT);
    assert_true(a.platt_a == b.platt_a && a.platt_b == b.platt_b);
    assert_true(risk_fitted_calibrate(&b, 2) > risk_fitted_calibrate(&b, -2));
    assert_int_equal(risk_fitted_calibration_parse("{\"method\":\"magic\"}", &b, &err), -1);
    assert_int_equal(risk_fitted_calibration_parse("{\"method\":\"isotonic\",\"x\":[1],\"y\":[]}",
                                                   &b, &err), -1);
    buf_free(&j);
    risk_fitted_free(&a);
    risk_fitted_free(&b);
}

/* Grouped folds keep a group together and spread leavers over folds. */
static void t_group_folds(void **state) {
    (void)state;
    enum { N = 600 };
    int64_t g[N];
    int lab[N], fold[N];
    for (int i = 0; i < N; i++) {
        g[i] = (i * 7919) % 150;   /* 150 groups of 4 rows, interleaved */
        lab[i] = g[i] % 10 == 0;
    }
    risk_group_folds(g, lab, N, 5, 3, fold);
    int pos_in[5] = {0};
    for (int i = 0; i < N; i++) {
        assert_true(fold[i] >= 0 && fold[i] < 5);
        for (int j = 0; j < i; j++)
            if (g[j] == g[i]) assert_int_equal(fold[j], fold[i]);
        if (lab[i]) pos_in[fold[i]]++;
    }
    for (int f = 0; f < 5; f++) assert_true(pos_in[f] >= 8 && pos_in[f] <= 16);   /* 15 groups x 4 */
}

/* Stored feature lists: known codes parse, unknown ones are refused. */
static void t_cols_parse(void **state) {
    (void)state;
    cairn_err err = {0};
    risk_cols c;
    assert_int_equal(risk_cols_parse("[\"att_rate_4w\",\"gender=female\",\"special_needs\"]", &c,
                                     &err), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.col[0].feature, RF_ATT_RATE_4W);
    assert_int_equal(c.col[1].attr, RISK_ATTR_GENDER);
    assert_string_equal(c.col[1].cat, "female");
    assert_int_equal(c.col[2].attr, RISK_ATTR_SEN);
    assert_int_equal(risk_cols_parse("[\"shoe_size\"]", &c, &err), -1);
    assert_non_null(strstr(err.msg, "shoe_size"));
    assert_int_equal(risk_cols_parse("[\"special_needs=yes\"]", &c, &err), -1);
    assert_int_equal(risk_cols_parse("{}", &c, &err), -1);
    buf b = BUF_INIT;
    risk_cols_default(&c);
    risk_cols_json(&c, &b);
    risk_cols d;
    assert_int_equal(risk_cols_parse(buf_cstr(&b), &d, &err), 0);
    assert_int_equal(d.n, RF_COUNT);
    buf_free(&b);
}

/* Bad settings are refused before anything is read. */
static void t_train_bad_input(void **state) {
    (void)state;
    cairn_err err = {0};
    risk_train_config c = {0};
    int h0[] = {0}, h2[] = {4, 4}, h_big[] = {53}, ok[] = {2, 6};
    c.horizons = h0;
    c.nhorizons = 1;
    assert_int_equal(risk_train_config_check(&c, &err), -1);
    assert_non_null(strstr(err.msg, "horizon 0 weeks"));
    c.horizons = h2;
    c.nhorizons = 2;
    assert_int_equal(risk_train_config_check(&c, &err), -1);
    assert_non_null(strstr(err.msg, "twice"));
    c.horizons = h_big;
    c.nhorizons = 1;
    assert_int_equal(risk_train_config_check(&c, &err), -1);
    c.horizons = ok;
    c.nhorizons = 2;
    assert_int_equal(risk_train_config_check(&c, &err), 0);
    const char *bad[] = {"shoe_size"};
    c.allow = bad;
    c.nallow = 1;
    assert_int_equal(risk_train_config_check(&c, &err), -1);
    assert_non_null(strstr(err.msg, "unknown attribute \"shoe_size\""));
    assert_int_equal(risk_attr_find("migrant_background"), RISK_ATTR_MIGRANT);
    assert_int_equal(risk_attr_find("Gender"), -1);
}

/* A school with no history: a clear error and no model stored. */
static void t_train_no_history(void **state) {
    store *st = test_store_fresh(KIND(state), "train_empty");
    cairn_err err = {0};
    if (school_migrate(st, NULL, &err) || risk_migrate(st, NULL, &err)) fail_msg("%s", err.msg);
    if (store_exec(st, "INSERT INTO institution (id, code, name, created_at)"
                       " VALUES (1, 'E', 'Empty', '2025-01-01T00:00:00Z')", &err))
        fail_msg("%s", err.msg);
    risk_train_config c = {0};
    risk_train_result r;
    assert_int_equal(risk_train_run(st, 1, &c, &r, &err), -1);
    assert_non_null(strstr(err.msg, "no terms"));
    assert_int_equal(q_int(st, "SELECT count(*) FROM risk_model WHERE institution_id = ?", 1), 0);
    int found = 1;
    risk_loaded m;
    assert_int_equal(risk_loaded_load(st, 1, 0, &m, &found, &err), 0);
    assert_int_equal(found, 0);
    risk_prediction p[1];
    risk_features f[1];
    memset(f, 0, sizeof f);
    int mv = 7;
    assert_int_equal(risk_train_predict_active(NULL, st, 1, f, 1, p, &mv, &err), 0);
    assert_int_equal(mv, 0);
    assert_true(isnan(p[0].probability));
    test_store_drop(st);
}

/* The pure tests first, then the database tests on both backends. */
int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_explain_sentence),
        cmocka_unit_test(t_explain_pick),
        cmocka_unit_test(t_calibration_roundtrip),
        cmocka_unit_test(t_group_folds),
        cmocka_unit_test(t_cols_parse),
        cmocka_unit_test(t_train_bad_input),
        BOTH(t_train_no_history),
        BOTH(t_train_card),
        BOTH(t_train_reload_identical),
        BOTH(t_explain_reasons),
        BOTH(t_train_monotone),
        BOTH(t_score_uses_model),
        BOTH(t_evaluate_school),
        BOTH(t_train_allow_gender),
    };
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}
