/*
** tests/unit/test_calendar.c — the school calendar the rules' guard reads
** (risk/calendar.c) and the evaluation judging what `cairn score` does
** (risk/evaluate_occasion.c): group medians and tiers by share per
** occasion, never over a year's rows pooled.
**
** Pure functions on rows made by hand: no database, quick.
*/
#include "testutil.h"
#include "risk/risk.h"
#include "risk/evaluate_internal.h"
#include "risk/features_internal.h"
#include "base/date.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A learner with every indicator unknown, in group 1. */
static risk_features blank(int64_t learner) {
    risk_features f;
    memset(&f, 0, sizeof f);
    f.t.learner_id = learner;
    f.t.enrolment_id = learner;
    f.t.group_id = 1;
    for (int i = 0; i < RF_COUNT; i++) f.v[i] = NAN;
    f.idle_break = f.cal_2w_change = NAN;
    return f;
}

/* Two terms of 2025/26 with the Christmas break between them, into t[0..2). */
static void terms_of(risk_term_span *t) {
    t[0] = (risk_term_span){date_from_ymd(2025, 9, 1), date_from_ymd(2025, 12, 19)};
    t[1] = (risk_term_span){date_from_ymd(2026, 1, 6), date_from_ymd(2026, 3, 27)};
}

/* Breaks and school days counted from the terms. */
static void t_calendar_days(void **state) {
    (void)state;
    risk_term_span t[3];
    terms_of(t);
    /* Dec 20 .. Jan 5 is the break: 17 days */
    assert_int_equal(risk_calendar_break_days(t, 2, date_from_ymd(2025, 12, 15),
                                              date_from_ymd(2026, 1, 10)), 17);
    assert_int_equal(risk_calendar_break_days(t, 2, date_from_ymd(2025, 10, 1),
                                              date_from_ymd(2025, 10, 31)), 0);
    assert_int_equal(risk_calendar_break_days(t, 2, 10, 9), 0);   /* empty window */
    /* Mon 15 Dec .. Sun 21 Dec: five school days; Sat 20 .. Mon 5 Jan none */
    assert_int_equal(risk_calendar_school_days(t, 2, date_from_ymd(2025, 12, 15),
                                               date_from_ymd(2025, 12, 21)), 5);
    assert_int_equal(risk_calendar_school_days(t, 2, date_from_ymd(2025, 12, 20),
                                               date_from_ymd(2026, 1, 5)), 0);
    /* an overlapping term counts its days once */
    t[2] = (risk_term_span){date_from_ymd(2025, 12, 1), date_from_ymd(2025, 12, 19)};
    risk_terms_order(t, 3);
    assert_int_equal(risk_calendar_school_days(t, 3, date_from_ymd(2025, 12, 15),
                                               date_from_ymd(2025, 12, 21)), 5);
    assert_int_equal(risk_calendar_break_days(t, 3, date_from_ymd(2025, 12, 15),
                                              date_from_ymd(2026, 1, 10)), 17);
}

/* A row's calendar figures: days idle in the break, school days lost. */
static void t_calendar_fill(void **state) {
    (void)state;
    risk_term_span t[2];
    terms_of(t);
    risk_features f = blank(1);
    f.t.asof = date_from_ymd(2026, 1, 8);
    f.v[RF_LMS_DAYS_SINCE] = 20;   /* last active 19 Dec */
    risk_calendar_fill(t, 2, &f);
    assert_int_equal(f.calendar, 1);
    assert_true(f.idle_break == 17);
    /* last 2 weeks (26 Dec .. 8 Jan): 3 school days; the 2 before: 6 */
    assert_true(f.cal_2w_change == -3);
    f.v[RF_LMS_DAYS_SINCE] = NAN;
    risk_calendar_fill(t, 2, &f);
    assert_true(isnan(f.idle_break));
    risk_calendar_fill(t, 0, &f);   /* no terms: nothing known */
    assert_int_equal(f.calendar, 0);
    assert_true(isnan(f.cal_2w_change));
}

/* The engagement rule with a calendar: a break explains inactivity, a group
** idle in term time does not silence it. */
static void t_guard_calendar(void **state) {
    (void)state;
    risk_rules r;
    risk_rules_defaults(&r);
    risk_flag fl[RISK_RULE_COUNT];
    size_t n;
    double peer[RF_COUNT];
    for (int i = 0; i < RF_COUNT; i++) peer[i] = NAN;
    risk_features f = blank(1);
    f.calendar = 1;
    f.cal_2w_change = 0;
    f.v[RF_LMS_DAYS_SINCE] = 20;
    f.idle_break = 17;   /* 3 days idle in term time */
    risk_rules_eval_peers(&r, &f, NULL, fl, &n);
    assert_int_equal(n, 0);
    f.idle_break = 6;    /* 14 days in term time */
    risk_rules_eval_peers(&r, &f, NULL, fl, &n);
    assert_int_equal(n, 1);
    assert_string_equal(fl[0].reason, "no learning-platform activity for 20 days — this school "
                                      "watches for 14 days or more");
    /* the whole group idle in term time: still flagged (not the calendar) */
    f.idle_break = 0;
    peer[RF_LMS_DAYS_SINCE] = 25;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].rule, RISK_RULE_ENGAGEMENT_DROP);
    /* without a calendar the group median still guards */
    f.calendar = 0;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 0);
    /* a fall in active days as large as the school days lost is the calendar */
    f = blank(1);
    f.calendar = 1;
    f.v[RF_LMS_TREND] = -6;
    f.cal_2w_change = -3;
    risk_rules_eval_peers(&r, &f, NULL, fl, &n);
    assert_int_equal(n, 0);
    f.cal_2w_change = 0;
    peer[RF_LMS_TREND] = -6;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].feature, RF_LMS_TREND);
    /* attendance_drop keeps the group guard with a calendar */
    f = blank(1);
    f.calendar = 1;
    f.v[RF_ATT_DROP] = -30;
    f.v[RF_ATT_DROP_WEEKS] = 2;
    peer[RF_ATT_DROP] = -25;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 0);
    peer[RF_ATT_DROP] = -5;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
}

/* Occasions: rows of one year, term and horizon; cut-offs and tiers per
** occasion. */
static void t_occasions(void **state) {
    (void)state;
    enum { M = 12 };
    risk_features rows[M];
    int yr[M], tm[M], hz[M], occ[M], label[M] = {0};
    double score[M];
    for (int i = 0; i < M; i++) {
        rows[i] = blank(i + 1);
        yr[i] = 0;
        tm[i] = 0;
        hz[i] = i < 6 ? 4 : 8;           /* two occasions of 6 rows */
        rows[i].t.asof = 1000 + hz[i] * 7 + (i == 3);
        /* early in the year everybody's chance is higher: the second
        ** occasion's scores all sit below the first's */
        score[i] = i < 6 ? 0.5 + 0.01 * i : 0.1 + 0.01 * i;
    }
    label[5] = label[11] = 1;           /* each occasion's top row left */
    risk_eval_occ *o = NULL;
    size_t no = risk_eval_occasions(yr, tm, hz, rows, M, occ, &o);
    assert_int_equal(no, 2);
    assert_int_equal(occ[0], 0);
    assert_int_equal(occ[11], 1);
    assert_int_equal(o[0].rows, 6);
    assert_int_equal(o[0].day, 1028);   /* the earliest asof */
    double cut[2];
    risk_eval_occasion_cuts(score, occ, M, no, 1.0 / 6, cut);
    assert_true(cut[0] == score[5] && cut[1] == score[11]);
    metric_tier_row row = {"selective", 0, 0, NAN, NAN};
    risk_eval_tier_by_occasion(&row, score, NULL, label, occ, cut, M);
    assert_int_equal(row.flagged, 2);   /* one per occasion, not the first occasion's two */
    assert_true(row.precision == 1.0 && row.recall == 1.0);
    assert_true(isnan(row.threshold));
    int serious[M] = {0};
    serious[0] = 1;                     /* a serious flag is on the list whatever its rank */
    risk_eval_tier_by_occasion(&row, score, serious, label, occ, cut, M);
    assert_int_equal(row.flagged, 3);
    /* pooled, the share would take both from the first occasion */
    assert_true(risk_eval_share_cutoff(score, M, 2.0 / 12) == score[4]);
    free(o);
}

/* The rules in the evaluation see the group of their occasion, as `cairn
** score` sees the group on the day: a drop the whole group shows is not a
** flag; the same learner judged alone is. */
static void t_rules_guard_per_occasion(void **state) {
    (void)state;
    enum { M = 7 };
    risk_features rows[M];
    int yr[M] = {0}, tm[M] = {0}, hz[M], occ[M];
    for (int i = 0; i < M; i++) {
        rows[i] = blank(i + 1);
        rows[i].v[RF_ATT_DROP] = -30;
        rows[i].v[RF_ATT_DROP_WEEKS] = 2;
        hz[i] = i < 6 ? 4 : 8;
        rows[i].t.asof = 1000 + 7 * hz[i];
    }
    risk_rules r;
    risk_rules_defaults(&r);
    risk_eval_occ *o = NULL;
    size_t no = risk_eval_occasions(yr, tm, hz, rows, M, occ, &o);
    double score[M], alone[M];
    cairn_err err = {0};
    assert_int_equal(risk_eval_rules_scores_occ(&r, rows, M, occ, no, 0, score, &err), 0);
    assert_int_equal(risk_eval_rules_scores(&r, rows, M, NULL, 0, alone, NULL, &err), 0);
    for (int i = 0; i < 6; i++) {
        assert_true(score[i] == 0);     /* the whole group fell: no flag */
        assert_true(alone[i] == 1);     /* without the group: one flag */
    }
    assert_true(score[6] == 1);         /* alone on its occasion: no group, flagged */
    free(o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_calendar_days),
        cmocka_unit_test(t_calendar_fill),
        cmocka_unit_test(t_guard_calendar),
        cmocka_unit_test(t_occasions),
        cmocka_unit_test(t_rules_guard_per_occasion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
