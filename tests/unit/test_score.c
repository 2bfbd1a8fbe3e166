/*
** tests/unit/test_score.c — scoring a school as of a date (risk/score.c).
**
** On the demo school (300 learners), on both databases: one row per active
** learner, tiers as the rules say, a re-run with nothing changed writes
** nothing, a changed rule set rewrites, rows of learners no longer active
** are removed, history has one point per date, a (fake) model's
** probabilities decide the tiers, a failing model changes nothing — and, as
** a plausibility check, learners in the weeks before they leave early are
** flagged clearly more often than learners who stay.
*/
#include "testutil.h"
#include "risk/risk.h"
#include "risk/risk_read.h"
#include "school/demo.h"
#include "school/school.h"
#include "base/date.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEARNERS 300
#define SEED 7

/* A fresh database of the test's kind with the demo school; *inst gets its
** institution and first/last the demo's first and last school day. */
static store *demo_store(void **state, const char *name, int64_t *inst, int32_t *first,
                         int32_t *last) {
    store *st = test_store_fresh(KIND(state), name);
    cairn_err err = {0};
    if (school_migrate(st, NULL, &err) || risk_migrate(st, NULL, &err))
        fail_msg("migrate: %s", err.msg);
    demo_opts o = {0};
    o.learners = LEARNERS;
    o.seed = SEED;
    import_report rep;
    if (school_demo_load(st, &o, &rep, &err)) fail_msg("demo: %s", err.msg);
    import_report_free(&rep);
    if (school_demo_period(&o, first, last, &err)) fail_msg("period: %s", err.msg);
    if (school_institution_resolve(st, NULL, inst, &err)) fail_msg("institution: %s", err.msg);
    return st;
}

/* Run a score, failing the test on error. */
static void run(store *st, int64_t inst, int32_t asof, const risk_score_opts *o,
                risk_score_summary *s) {
    cairn_err err = {0};
    if (risk_score_run(st, inst, asof, o, s, &err)) fail_msg("score: %s", err.msg);
}

/* An int64 from sql with one date parameter. */
static int64_t q_date(store *st, const char *sql, int32_t day) {
    cairn_err err = {0};
    char d[DATE_TEXT_LEN];
    date_format(day, d);
    store_stmt *s = store_prepare(st, sql, &err);
    if (!s) fail_msg("%s: %s", sql, err.msg);
    store_bind_text(s, 1, d, (size_t)-1);
    if (store_step(s, &err) != STORE_ROW) fail_msg("%s: %s", sql, err.msg);
    int64_t v = store_col_int64(s, 0);
    store_finalize(s);
    return v;
}

/* Distinct learners among the enrolments active on asof. */
static size_t active_learners(store *st, int64_t inst, int32_t asof, size_t *enrolments) {
    cairn_err err = {0};
    risk_target *t;
    size_t n;
    if (risk_targets_active(st, inst, asof, &t, &n, &err)) fail_msg("targets: %s", err.msg);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) seen = t[j].learner_id == t[i].learner_id;
        distinct += !seen;
    }
    free(t);
    if (enrolments) *enrolments = n;
    return distinct;
}

/* One stored row, as read back. */
typedef struct row {
    int64_t learner_id;
    int tier, nflags, serious, model_version, rule_set_version;
    double probability;
    char hash[65];
    char flagtext[RISK_FLAGS_JSON_MAX];
    char *reasons, *features;
} row;

/* The rows stored for asof, by learner; *n gets how many.  Free with rows_free. */
static row *rows_read(store *st, int32_t asof, size_t *n) {
    cairn_err err = {0};
    char d[DATE_TEXT_LEN];
    date_format(asof, d);
    store_stmt *s = store_prepare(st, "SELECT learner_id, tier, flags, probability, model_version,"
                                      " rule_set_version, input_hash, reasons, features"
                                      " FROM risk_score WHERE asof = ? ORDER BY learner_id", &err);
    if (!s) fail_msg("%s", err.msg);
    store_bind_text(s, 1, d, (size_t)-1);
    row *r = NULL;
    size_t cap = 0;
    *n = 0;
    int rc;
    while ((rc = store_step(s, &err)) == STORE_ROW) {
        if (*n == cap) r = xrealloc(r, (cap = cap ? 2 * cap : 256) * sizeof *r);
        row *x = &r[(*n)++];
        memset(x, 0, sizeof *x);
        x->learner_id = store_col_int64(s, 0);
        x->tier = (int)store_col_int64(s, 1);
        json_t *a = json_loads(store_col_text(s, 2), 0, NULL);
        if (!json_is_array(a)) fail_msg("flags of learner %lld are not a JSON array",
                                        (long long)x->learner_id);
        x->nflags = (int)json_array_size(a);
        snprintf(x->flagtext, sizeof x->flagtext, "%s", store_col_text(s, 2));
        for (size_t k = 0; k < json_array_size(a); k++)
            if (!strcmp(json_string_value(json_array_get(a, k)), "behaviour_serious")) x->serious = 1;
        json_decref(a);
        x->probability = store_col_is_null(s, 3) ? NAN : store_col_double(s, 3);
        x->model_version = (int)store_col_int64(s, 4);
        x->rule_set_version = (int)store_col_int64(s, 5);
        snprintf(x->hash, sizeof x->hash, "%s", store_col_text(s, 6));
        x->reasons = xstrdup(store_col_text(s, 7));
        x->features = xstrdup(store_col_text(s, 8));
    }
    store_finalize(s);
    if (rc < 0) fail_msg("%s", err.msg);
    return r;
}

/* Release rows from rows_read(). */
static void rows_free(row *r, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(r[i].reasons);
        free(r[i].features);
    }
    free(r);
}

/* Tiers by the probability thresholds and flag counts rather than the
** institution's shares (the default): what the tests of those rules use. */
static const risk_score_opts by_thresholds = {.tiers = {.p_selective = 0.3, .p_individual = 0.6}};

/* The tier the rules alone give (see risk_tiers_assign). */
static int rules_tier(const row *x) {
    if (x->nflags >= 3) return 2;
    if (x->nflags >= 2 || x->serious) return 1;
    return 0;
}

/* A school day about a third into the demo's first school year. */
static int32_t mid_day(int32_t first) {
    int32_t d = first + 150;
    while (date_weekday(d) > 4) d++;
    return d;
}

/* One row per active learner, tiers as the rules say, re-run writes nothing, history. */
static void t_score_demo(void **state) {
    int64_t inst;
    int32_t first, last;
    store *st = demo_store(state, "score_demo", &inst, &first, &last);
    int32_t a = mid_day(first), b = a + 7;
    assert_true(b <= last);
    size_t enrol;
    size_t learners = active_learners(st, inst, a, &enrol);
    assert_true(learners > 100);

    risk_score_summary s;
    run(st, inst, a, &by_thresholds, &s);
    assert_int_equal(s.asof, a);
    assert_int_equal(s.rule_set_version, 1);
    assert_int_equal(s.model_version, 0);
    assert_int_equal(s.computed, enrol);
    assert_int_equal(s.learners, learners);
    assert_int_equal(s.written, learners);
    assert_int_equal(s.unchanged, 0);
    assert_int_equal(s.removed, 0);
    assert_int_equal(s.tier_count[0] + s.tier_count[1] + s.tier_count[2], learners);
    assert_true(s.flagged > 0 && s.flagged < learners);
    assert_true(s.tier_count[2] > 0);
    assert_true(s.ntop > 0 && s.ntop <= 10);
    for (size_t i = 0; i < s.ntop; i++) {
        assert_true(s.top[i].ref[0] && s.top[i].name[0]);
        assert_true(s.top[i].nflags > 0);
        if (i) assert_true(s.top[i].tier <= s.top[i - 1].tier);
        for (size_t k = 0; k < s.top[i].nflags; k++) assert_true(strlen(s.top[i].flags[k].reason) > 20);
    }
    size_t tiers_seen[3] = {0, 0, 0}, flagged = 0;
    size_t n;
    row *r = rows_read(st, a, &n);
    assert_int_equal(n, learners);
    for (size_t i = 0; i < n; i++) {
        if (r[i].tier != rules_tier(&r[i]))
            fail_msg("learner %lld: tier %d with %d flags", (long long)r[i].learner_id, r[i].tier,
                     r[i].nflags);
        tiers_seen[r[i].tier]++;
        flagged += r[i].nflags > 0;
        assert_true(isnan(r[i].probability));
        assert_int_equal(r[i].model_version, 0);
        assert_int_equal(r[i].rule_set_version, 1);
        assert_int_equal(strlen(r[i].hash), 64);
        assert_non_null(strstr(r[i].reasons, "\"advice\":\"signs for a person to look at"));
        assert_non_null(strstr(r[i].features, "\"att_rate_4w\":"));
        assert_non_null(strstr(r[i].features, "\"mood_trend\":null"));
        if (r[i].nflags) assert_non_null(strstr(r[i].reasons, "this school watches for"));
    }
    for (int t = 0; t < 3; t++) assert_int_equal(tiers_seen[t], s.tier_count[t]);
    assert_int_equal(flagged, s.flagged);
    rows_free(r, n);
    risk_score_summary_free(&s);

    /* the same day again, nothing changed: nothing written */
    run(st, inst, a, &by_thresholds, &s);
    assert_int_equal(s.learners, learners);
    assert_int_equal(s.written, 0);
    assert_int_equal(s.unchanged, learners);
    assert_int_equal(q_date(st, "SELECT count(*) FROM risk_score WHERE asof = ?", a), learners);
    risk_score_summary_free(&s);

    /* a week later: a new point for everyone active */
    size_t learners_b = active_learners(st, inst, b, NULL);
    run(st, inst, b, &by_thresholds, &s);
    assert_int_equal(s.written, learners_b);
    assert_int_equal(s.unchanged, 0);
    assert_true(s.same_as_before <= learners_b);
    assert_int_equal(q_date(st, "SELECT count(*) FROM risk_score WHERE asof = ?", b), learners_b);
    int64_t someone = s.top[0].learner_id;
    risk_score_summary_free(&s);

    /* history: one point per date, oldest first */
    cairn_err err = {0};
    risk_score_point *h;
    size_t nh;
    if (risk_score_history(st, inst, someone, &h, &nh, &err)) fail_msg("history: %s", err.msg);
    assert_int_equal(nh, 2);
    assert_int_equal(h[0].asof, a);
    assert_int_equal(h[1].asof, b);
    assert_int_equal(h[1].rule_set_version, 1);
    assert_int_equal(h[1].model_version, 0);
    assert_true(isnan(h[1].probability));
    assert_true(h[1].nflags > 0);
    assert_true(h[1].flags[0] == '[');
    assert_true(h[0].enrolment_id > 0);
    free(h);
    if (risk_score_history(st, inst, 999999, &h, &nh, &err)) fail_msg("history: %s", err.msg);
    assert_int_equal(nh, 0);
    assert_null(h);

    /* a new rule-set version: every row of the day is rewritten with it */
    if (risk_rules_set(st, inst, "{\"attendance_low\": 80}", "test", &err)) fail_msg("%s", err.msg);
    run(st, inst, a, &by_thresholds, &s);
    assert_int_equal(s.rule_set_version, 2);
    assert_int_equal(s.written, learners);
    assert_int_equal(s.unchanged, 0);
    risk_score_summary_free(&s);
    r = rows_read(st, a, &n);
    for (size_t i = 0; i < n; i++) assert_int_equal(r[i].rule_set_version, 2);
    rows_free(r, n);
    assert_int_equal(q_date(st, "SELECT count(*) FROM risk_score WHERE asof = ?", a), learners);

    /* the summary as JSON */
    run(st, inst, a, &by_thresholds, &s);
    buf js = BUF_INIT;
    risk_score_summary_json(&s, &js);
    json_t *j = json_loads(buf_cstr(&js), 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "learners")), learners);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged")), learners);
    json_t *tj = json_object_get(j, "tiers");
    assert_int_equal(json_integer_value(json_object_get(tj, "individual")), s.tier_count[2]);
    assert_int_equal(json_array_size(json_object_get(j, "top")), s.ntop);
    json_decref(j);
    buf_free(&js);
    risk_score_summary_free(&s);
    test_store_drop(st);
}

/* Rows of learners no longer active go; capacity limits individual. */
static void t_score_removed_and_capacity(void **state) {
    int64_t inst;
    int32_t first, last;
    store *st = demo_store(state, "score_removed", &inst, &first, &last);
    /* a day (weekly from the middle of the first year) when the rules put
    ** at least 4 learners at individual */
    int32_t a = mid_day(first);
    risk_score_summary s;
    for (int k = 0;; k++, a += 7) {
        if (k == 20) fail_msg("no day with 4 learners at individual");
        run(st, inst, a, &by_thresholds, &s);
        int enough = s.tier_count[2] >= 4;
        risk_score_summary_free(&s);
        if (enough) break;
    }
    size_t learners = active_learners(st, inst, a, NULL);
    run(st, inst, a, &by_thresholds, &s);
    assert_int_equal(s.written, 0);
    assert_int_equal(s.unchanged, learners);
    int64_t gone = s.top[0].learner_id;
    risk_score_summary_free(&s);

    /* the learner turns out to have left a month before: their row goes */
    cairn_err err = {0};
    char d[DATE_TEXT_LEN];
    date_format(a - 30, d);
    store_stmt *u = store_prepare(st, "UPDATE enrolment SET status = 'left_early', exit_date = ?"
                                      " WHERE institution_id = ? AND learner_id = ?", &err);
    assert_non_null(u);
    store_bind_text(u, 1, d, (size_t)-1);
    store_bind_int64(u, 2, inst);
    store_bind_int64(u, 3, gone);
    if (store_step(u, &err) < 0) fail_msg("%s", err.msg);
    store_finalize(u);
    run(st, inst, a, &by_thresholds, &s);
    assert_int_equal(s.learners, learners - 1);
    assert_int_equal(s.removed, 1);
    assert_int_equal(q_date(st, "SELECT count(*) FROM risk_score WHERE asof = ?", a), learners - 1);
    risk_score_point *h;
    size_t nh;
    if (risk_score_history(st, inst, gone, &h, &nh, &err)) fail_msg("%s", err.msg);
    for (size_t i = 0; i < nh; i++) assert_true(h[i].asof < a);   /* earlier days stay */
    free(h);
    size_t rules_individual = s.tier_count[2];
    risk_score_summary_free(&s);

    /* capacity: only the top N (one fewer than the rules put there) are
    ** individual, and only the rows whose tier moved are rewritten */
    assert_true(rules_individual >= 3);
    size_t cap = rules_individual - 1;
    risk_score_opts o = {0};
    o.tiers.capacity = (long)cap;
    run(st, inst, a, &o, &s);
    assert_int_equal(s.tier_count[2], cap);
    assert_int_equal(s.written, 1);   /* the one who moved down to selective */
    assert_int_equal(s.unchanged, learners - 2);
    for (size_t i = 0; i < cap; i++) assert_int_equal(s.top[i].tier, RISK_TIER_INDIVIDUAL);
    assert_int_equal(s.top[cap].tier, RISK_TIER_SELECTIVE);
    risk_score_summary_free(&s);
    /* the same capacity again: nothing to write */
    run(st, inst, a, &o, &s);
    assert_int_equal(s.written, 0);
    risk_score_summary_free(&s);
    /* capacity 1 and the next 5 selective */
    o.tiers.capacity = 1;
    o.tiers.capacity_selective = 5;
    run(st, inst, a, &o, &s);
    assert_int_equal(s.tier_count[2], 1);
    assert_int_equal(s.tier_count[1], 5);
    assert_int_equal(s.tier_count[0], learners - 1 - 6);
    risk_score_summary_free(&s);
    /* bad options change nothing */
    o.tiers.capacity = -1;
    assert_int_equal(risk_score_run(st, inst, a, &o, &s, &err), -1);
    assert_non_null(strstr(err.msg, "capacity"));
    assert_int_equal(q_date(st, "SELECT count(*) FROM risk_score WHERE asof = ? AND tier = 1", a), 5);
    test_store_drop(st);
}

/* A stand-in for the learned model: probability from attendance. */
typedef struct fake_model {
    int version;
    int fail;        /* 1: report an error */
    int bad;         /* 1: give one learner 1.5 */
    size_t calls;
} fake_model;

/* The fake model as a risk_predict_fn: p = (100 - attendance) / 40. */
static int fake_predict(void *ctx, store *st, int64_t inst, const risk_features *rows, size_t n,
                        risk_prediction *out, int *model_version, cairn_err *err) {
    (void)st;
    (void)inst;
    fake_model *fm = ctx;
    fm->calls++;
    if (fm->fail) return err_set(err, CAIRN_EINVAL, "the fake model could not be read");
    for (size_t i = 0; i < n; i++) {
        double a = rows[i].v[RF_ATT_RATE_4W];
        double p = isnan(a) ? 0.05 : (100 - a) / 40;
        out[i].probability = p < 0 ? 0 : p > 1 ? 1 : p;
        out[i].nreasons = 3;   /* one that may repeat a rule, one every learner has, one more */
        out[i].reason_feature[0] = RF_ATT_RATE_4W;
        out[i].reason_contribution[0] = 0.7;
        out[i].reason_feature[1] = RF_WEEKS_ENROLLED;
        out[i].reason_contribution[1] = 0.5;
        out[i].reason_feature[2] = RF_UNEXCUSED_TERM;
        out[i].reason_contribution[2] = 0.3;
    }
    if (fm->bad && n) out[n / 2].probability = 1.5;
    *model_version = fm->version;
    return 0;
}

/* A model's probabilities decide tiers; a failing model changes nothing. */
static void t_score_model_hook(void **state) {
    int64_t inst;
    int32_t first, last;
    store *st = demo_store(state, "score_model", &inst, &first, &last);
    int32_t a = mid_day(first);
    size_t learners = active_learners(st, inst, a, NULL);
    fake_model fm = {.version = 3};
    risk_score_opts o = by_thresholds;
    o.predict = fake_predict;
    o.predict_ctx = &fm;
    risk_score_summary s;
    run(st, inst, a, &o, &s);
    assert_int_equal(fm.calls, 1);
    assert_int_equal(s.model_version, 3);
    assert_int_equal(s.written, learners);
    assert_true(!isnan(s.top[0].probability));
    size_t top_model = 0;   /* the summary carries the model's reasons too, filtered alike */
    for (size_t i = 0; i < s.ntop; i++)
        for (size_t k = 0; k < s.top[i].nmodel; k++, top_model++)
            assert_null(strstr(s.top[i].model_reason[k], "weeks since starting"));
    assert_true(top_model > 0);
    risk_score_summary_free(&s);
    size_t n, model_reasons = 0;
    row *r = rows_read(st, a, &n);
    assert_int_equal(n, learners);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r[i].model_version, 3);
        assert_false(isnan(r[i].probability));
        int want = r[i].probability >= 0.6 ? 2 : r[i].probability >= 0.3 ? 1 : 0;
        if (want == 0 && r[i].serious) want = 1;   /* a serious flag lifts */
        if (r[i].tier != want)
            fail_msg("learner %lld: p %.3f tier %d, want %d", (long long)r[i].learner_id,
                     r[i].probability, r[i].tier, want);
        /* reasons that say something: never an input every learner has, never
        ** the indicator a rule's sentence already gives, never a value equal
        ** to the group's */
        json_t *rj = json_loads(r[i].reasons, 0, NULL), *items = json_object_get(rj, "items");
        int rule_att = 0, model_att = 0;
        for (size_t k = 0; k < json_array_size(items); k++) {
            json_t *it = json_array_get(items, k);
            const char *kind = json_string_value(json_object_get(it, "kind"));
            const char *ind = json_string_value(json_object_get(it, "indicator"));
            if (strcmp(ind, "att_rate_4w") == 0) *(strcmp(kind, "rule") ? &model_att : &rule_att) = 1;
            if (strcmp(kind, "model")) continue;
            model_reasons++;
            assert_string_not_equal(ind, "weeks_enrolled");
            json_t *v = json_object_get(it, "value"), *pv = json_object_get(it, "peer");
            if (json_is_number(pv)) assert_true(json_number_value(v) != json_number_value(pv));
        }
        assert_false(rule_att && model_att);
        json_decref(rj);
    }
    assert_true(model_reasons > n / 2);
    rows_free(r, n);

    /* the same model again: nothing to write; rules only: everything */
    run(st, inst, a, &o, &s);
    assert_int_equal(s.written, 0);
    risk_score_summary_free(&s);
    run(st, inst, a, NULL, &s);
    assert_int_equal(s.model_version, 0);
    assert_int_equal(s.written, learners);
    risk_score_summary_free(&s);

    /* a model that fails, or gives a number that is not a probability:
    ** an error, and the stored rows stay as they were */
    cairn_err err = {0};
    fm.fail = 1;
    assert_int_equal(risk_score_run(st, inst, a, &o, &s, &err), -1);
    assert_non_null(strstr(err.msg, "the fake model could not be read"));
    fm.fail = 0;
    fm.bad = 1;
    assert_int_equal(risk_score_run(st, inst, a, &o, &s, &err), -1);
    assert_non_null(strstr(err.msg, "not a probability"));
    assert_int_equal(q_date(st, "SELECT count(*) FROM risk_score WHERE asof = ? AND model_version = 0",
                            a), learners);

    /* the default predictor answers "no model" for now */
    risk_prediction p[2];
    risk_features f[2];
    memset(f, 0, sizeof f);
    int mv = 42;
    assert_int_equal(risk_predict_active(NULL, st, inst, f, 2, p, &mv, &err), 0);
    assert_int_equal(mv, 0);
    test_store_drop(st);
}

/* By default the tiers follow the institution's shares: about 5 % individual
** and 15 % selective (a serious flag may add to selective); the shares are
** the institution's to change, and the ranking puts more flags higher. */
static void t_score_shares(void **state) {
    int64_t inst;
    int32_t first, last;
    store *st = demo_store(state, "score_shares", &inst, &first, &last);
    int32_t a = mid_day(first);
    risk_score_summary s;
    run(st, inst, a, NULL, &s);
    size_t n = s.learners, ind = (size_t)floor(0.05 * (double)n + 0.5),
           sel = (size_t)floor(0.15 * (double)n + 0.5);
    assert_true(n > 100 && s.flagged > ind + sel);
    assert_int_equal(s.tier_count[2], ind);
    assert_true(s.tier_count[1] >= sel);
    size_t nr;
    row *r = rows_read(st, a, &nr);
    size_t serious_only = 0;
    int min_ind = 99, max_univ = 0;
    for (size_t i = 0; i < nr; i++) {
        if (r[i].tier == 2 && r[i].nflags < min_ind) min_ind = r[i].nflags;
        if (r[i].tier == 0 && r[i].nflags > max_univ) max_univ = r[i].nflags;
        serious_only += r[i].tier == 1 && r[i].serious;
    }
    assert_true(s.tier_count[1] <= sel + serious_only);
    assert_true(min_ind >= max_univ);
    rows_free(r, nr);
    risk_score_summary_free(&s);
    /* the institution's own shape: 10 % individual, no selective share */
    cairn_err err = {0};
    if (risk_rules_set(st, inst, "{\"tiers\": {\"individual\": 10, \"selective\": 0}}", "t",
                       &err))
        fail_msg("%s", err.msg);
    run(st, inst, a, NULL, &s);
    assert_int_equal(s.tier_count[2], (size_t)floor(0.10 * (double)n + 0.5));
    r = rows_read(st, a, &nr);
    for (size_t i = 0; i < nr; i++)
        if (r[i].tier == 1) assert_true(r[i].serious);   /* only a serious flag lifts */
    rows_free(r, nr);
    risk_score_summary_free(&s);
    test_store_drop(st);
}

/* Commas in s: one fewer than the flags in a non-empty JSON array. */
static int commas(const char *s) {
    int c = 0;
    for (; *s; s++) c += *s == ',';
    return c;
}

/* On an institution's first score date no flag is "new" (nothing to compare
** with): the attention list is the selective and individual learners only,
** not every flagged learner of the school. */
static void t_score_attention_first_date(void **state) {
    int64_t inst;
    int32_t first, last;
    store *st = demo_store(state, "score_first_date", &inst, &first, &last);
    int32_t a = last - 40;
    while (date_weekday(a) > 4) a++;
    risk_score_summary s;
    run(st, inst, a, NULL, &s);
    risk_score_summary_free(&s);
    size_t na;
    row *ra = rows_read(st, a, &na);
    size_t flagged_universal = 0;
    for (size_t i = 0; i < na; i++) flagged_universal += ra[i].tier == 0 && ra[i].nflags > 0;
    assert_true(flagged_universal > 0);   /* the learners the list must leave out */
    cairn_err err = {0};
    risk_attention_filter f = {.tier = -1};
    risk_attention_row *rows;
    size_t n, total;
    if (risk_read_attention(st, inst, a, &f, 100000, &rows, &n, &total, &err))
        fail_msg("%s", err.msg);
    assert_true(n > 0);
    for (size_t k = 0; k < n; k++)
        if (rows[k].tier == 0)
            fail_msg("learner %lld is on the first date's list at universal",
                     (long long)rows[k].learner_id);
    free(rows);
    rows_free(ra, na);
    test_store_drop(st);
}

/* The attention list is selective and individual learners and new flags:
** a learner at universal whose flags are as on the previous date, or fewer,
** is not on it; one with a flag they did not have is. */
static void t_score_attention_list(void **state) {
    int64_t inst;
    int32_t first, last;
    store *st = demo_store(state, "score_attention", &inst, &first, &last);
    int32_t a = last - 40, b;   /* in the year still running: most learners still enrolled */
    while (date_weekday(a) > 4) a++;
    b = a + 7;
    assert_true(b <= last);
    risk_score_summary s;
    run(st, inst, a, NULL, &s);
    risk_score_summary_free(&s);
    run(st, inst, b, NULL, &s);
    risk_score_summary_free(&s);
    size_t na, nb;
    row *ra = rows_read(st, a, &na), *rb = rows_read(st, b, &nb);
    /* learners no longer enrolled never make the list (risk_read.h) */
    cairn_err err = {0};
    char bd[DATE_TEXT_LEN];
    date_format(b, bd);
    store_stmt *q = store_prepare(st, "SELECT s.learner_id FROM risk_score s JOIN enrolment e"
                                      " ON e.institution_id = s.institution_id AND e.id = s.enrolment_id"
                                      " WHERE s.asof = ? AND e.status IN ('active', 'paused')"
                                      " AND (e.exit_date IS NULL OR e.exit_date > ?)", &err);
    if (!q) fail_msg("%s", err.msg);
    store_bind_text(q, 1, bd, (size_t)-1);
    store_bind_text(q, 2, bd, (size_t)-1);
    char *enrolled = xcalloc(nb ? nb : 1, 1);
    int qrc;
    while ((qrc = store_step(q, &err)) == STORE_ROW)
        for (size_t i = 0; i < nb; i++)
            if (rb[i].learner_id == store_col_int64(q, 0)) enrolled[i] = 1;
    store_finalize(q);
    if (qrc < 0) fail_msg("%s", err.msg);
    size_t want = 0, universal_kept_flags = 0, new_flag_universal = 0;
    char *in = xcalloc(nb, 1);
    for (size_t i = 0; i < nb; i++) {
        const char *prev = "[]";
        for (size_t j = 0; j < na; j++)
            if (ra[j].learner_id == rb[i].learner_id) prev = ra[j].flagtext;
        int is_new = rb[i].nflags > 0 && strcmp(prev, rb[i].flagtext) != 0 &&
                     commas(prev) <= commas(rb[i].flagtext);
        in[i] = enrolled[i] && (rb[i].tier > 0 || is_new);
        if (!enrolled[i]) continue;
        want += in[i];
        universal_kept_flags += rb[i].tier == 0 && rb[i].nflags > 0 && !is_new;
        new_flag_universal += rb[i].tier == 0 && is_new;
    }
    assert_true(universal_kept_flags > 0);   /* the case the list leaves out */
    risk_attention_filter f = {.tier = -1};
    risk_attention_row *rows;
    size_t n, total;
    if (risk_read_attention(st, inst, b, &f, 100000, &rows, &n, &total, &err))
        fail_msg("%s", err.msg);
    print_message("    attention list: %zu of %zu learners (%zu universal with a new flag)\n", total,
                  nb, new_flag_universal);
    assert_int_equal(total, want);
    assert_int_equal(n, want);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < nb; i++)
            if (rb[i].learner_id == rows[k].learner_id && !in[i])
                fail_msg("learner %lld is on the list: tier %d, flags %s",
                         (long long)rows[k].learner_id, rb[i].tier, rb[i].flagtext);
    assert_true(total < nb / 2);   /* a list, not half the school */
    free(rows);
    free(in);
    free(enrolled);
    rows_free(ra, na);
    rows_free(rb, nb);
    test_store_drop(st);
}

/* A school with no learners scores nothing; an unknown one is an error. */
static void t_score_empty_school(void **state) {
    store *st = test_store_fresh(KIND(state), "score_empty");
    cairn_err err = {0};
    if (school_migrate(st, NULL, &err) || risk_migrate(st, NULL, &err)) fail_msg("%s", err.msg);
    if (store_exec(st, "INSERT INTO institution (id, code, name, created_at)"
                       " VALUES (1, 'E', 'Empty', '2025-01-01T00:00:00Z')", &err))
        fail_msg("%s", err.msg);
    risk_score_summary s;
    run(st, 1, date_from_ymd(2025, 3, 3), NULL, &s);
    assert_int_equal(s.learners, 0);
    assert_int_equal(s.written, 0);
    assert_int_equal(s.ntop, 0);
    assert_int_equal(s.rule_set_version, 1);
    risk_score_summary_free(&s);
    assert_int_equal(risk_score_run(st, 2, date_from_ymd(2025, 3, 3), NULL, &s, &err), -1);
    assert_non_null(strstr(err.msg, "no institution"));
    test_store_drop(st);
}

/* Leavers, in the 8 weeks before they leave early, against learners who
** stay: share flagged at all and share in tier selective or above. */
static void t_score_leavers_flagged_more(void **state) {
    int64_t inst;
    int32_t first, last;
    store *st = demo_store(state, "score_plausible", &inst, &first, &last);
    for (int32_t d = first + 28; d <= last; d += 21) {
        risk_score_summary s;
        run(st, inst, d, NULL, &s);
        risk_score_summary_free(&s);
    }
    cairn_err err = {0};
    store_stmt *q = store_prepare(st,
        "SELECT s.asof, s.tier, s.flags, e.status, e.exit_date FROM risk_score s"
        " JOIN enrolment e ON e.institution_id = s.institution_id AND e.id = s.enrolment_id"
        " WHERE s.institution_id = ?", &err);
    if (!q) fail_msg("%s", err.msg);
    store_bind_int64(q, 1, inst);
    double n[2] = {0, 0}, flagged[2] = {0, 0}, selective[2] = {0, 0};
    int rc;
    while ((rc = store_step(q, &err)) == STORE_ROW) {
        int32_t asof, exit_day = 0;
        const char *as = store_col_text(q, 0), *status = store_col_text(q, 3);
        date_parse(as, strlen(as), &asof);
        if (!store_col_is_null(q, 4)) {
            const char *ex = store_col_text(q, 4);
            date_parse(ex, strlen(ex), &exit_day);
        }
        int k;
        if (!strcmp(status, "left_early") && exit_day > asof && exit_day - asof <= 56) k = 1;
        else if (!strcmp(status, "active") || !strcmp(status, "completed")) k = 0;
        else continue;
        n[k]++;
        flagged[k] += strcmp(store_col_text(q, 2), "[]") != 0;
        selective[k] += store_col_int64(q, 1) >= 1;
    }
    store_finalize(q);
    if (rc < 0) fail_msg("%s", err.msg);
    assert_true(n[1] >= 50);
    double fl0 = flagged[0] / n[0], fl1 = flagged[1] / n[1];
    double se0 = selective[0] / n[0], se1 = selective[1] / n[1];
    print_message("    leavers (8 weeks before): %.0f rows, %.0f %% flagged, %.0f %% selective+; "
                  "stayers: %.0f rows, %.0f %% flagged, %.0f %% selective+\n", n[1], 100 * fl1,
                  100 * se1, n[0], 100 * fl0, 100 * se0);
    if (!(fl1 >= fl0 + 0.10))
        fail_msg("leavers flagged %.2f, stayers %.2f: not clearly more", fl1, fl0);
    if (!(se1 >= 1.5 * se0 && se1 >= se0 + 0.15))
        fail_msg("leavers selective+ %.2f, stayers %.2f: not clearly more", se1, se0);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(t_score_demo),
        BOTH(t_score_removed_and_capacity),
        BOTH(t_score_model_hook),
        BOTH(t_score_shares),
        BOTH(t_score_attention_list),
        BOTH(t_score_attention_first_date),
        BOTH(t_score_empty_school),
        BOTH(t_score_leavers_flagged_more),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
