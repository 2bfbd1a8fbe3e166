/*
** tests/unit/test_rules.c — the early-warning rules, their versioned
** thresholds, the peer comparison and the tiers (risk/rules.c).
**
** Each default rule is checked at its threshold and just either side of it,
** with the exact sentence a person reads.  Rule-set versioning and every
** kind of bad setting run on both databases ("[sqlite]", "[postgres]").
*/
#include "testutil.h"
#include "risk/risk.h"
#include "risk/risk_level.h"
#include "school/school.h"
#include "base/buf.h"
#include "base/mem.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A learner with every indicator unknown. */
static risk_features blank(void) {
    risk_features f;
    memset(&f, 0, sizeof f);
    f.t.learner_id = 1;
    f.t.enrolment_id = 1;
    f.t.group_id = 1;
    for (int i = 0; i < RF_COUNT; i++) f.v[i] = NAN;
    return f;
}

/* The default rules. */
static risk_rules defaults(void) {
    risk_rules r;
    risk_rules_defaults(&r);
    return r;
}

/* Evaluate the defaults on f; returns the number of flags, copies them to fl. */
static size_t eval(const risk_rules *r, const risk_features *f, risk_flag *fl) {
    size_t n = 99;
    assert_int_equal(risk_rules_eval(r, f, fl, &n), 0);
    assert_true(n <= RISK_RULE_COUNT);
    return n;
}

/* Expect exactly one flag, of rule, with sentence text. */
static void expect_one(const risk_features *f, risk_rule_id rule, const char *text) {
    risk_rules r = defaults();
    risk_flag fl[RISK_RULE_COUNT];
    size_t n = eval(&r, f, fl);
    if (n != 1) fail_msg("expected one flag (%s), got %zu", risk_rule_info_of(rule)->code, n);
    assert_int_equal(fl[0].rule, rule);
    assert_string_equal(fl[0].code, risk_rule_info_of(rule)->code);
    assert_string_equal(fl[0].reason, text);
}

/* Expect no flag at all. */
static void expect_none(const risk_features *f) {
    risk_rules r = defaults();
    risk_flag fl[RISK_RULE_COUNT];
    size_t n = eval(&r, f, fl);
    if (n != 0) fail_msg("expected no flag, got %zu: %s", n, fl[0].reason);
}

/* ---- the rule table --------------------------------------------------------------- */

/* The rule table: codes found back, defaults in range, the defaults of the brief. */
static void t_rule_table(void **state) {
    (void)state;
    risk_rules r = defaults();
    assert_int_equal(r.version, 0);
    for (int i = 0; i < RISK_RULE_COUNT; i++) {
        const risk_rule_info *ri = risk_rule_info_of((risk_rule_id)i);
        assert_non_null(ri);
        assert_int_equal(risk_rule_find(ri->code), i);
        assert_true(r.rule[i].enabled);
        assert_true(ri->cond[0].def >= ri->cond[0].min && ri->cond[0].def <= ri->cond[0].max);
        assert_non_null(ri->what);
        assert_non_null(ri->title);
    }
    assert_int_equal(risk_rule_find("attendence_low"), -1);
    assert_int_equal(risk_rule_find(NULL), -1);
    assert_null(risk_rule_info_of(RISK_RULE_COUNT));
    assert_true(r.rule[RISK_RULE_ATTENDANCE_LOW].threshold[0] == 90);
    assert_true(r.rule[RISK_RULE_ATTENDANCE_DROP].threshold[0] == -20);
    assert_true(r.rule[RISK_RULE_ATTENDANCE_DROP].threshold[1] == 6);
    assert_true(r.rule[RISK_RULE_BEHAVIOUR_REPEATED].threshold[0] == 2);
    assert_true(r.rule[RISK_RULE_BEHAVIOUR_SERIOUS].threshold[0] == 1);
    assert_true(r.rule[RISK_RULE_ENGAGEMENT_DROP].threshold[0] == 14);
    assert_true(r.rule[RISK_RULE_ENGAGEMENT_DROP].threshold[1] == -5);
    assert_true(risk_rule_info_of(RISK_RULE_BEHAVIOUR_SERIOUS)->serious);
    assert_false(risk_rule_info_of(RISK_RULE_BEHAVIOUR_REPEATED)->serious);
}

/* Unknown indicators and good values raise no flag. */
static void t_unknown_never_fires(void **state) {
    (void)state;
    risk_features f = blank();
    expect_none(&f);
    /* every "good" value */
    f.v[RF_ATT_RATE_4W] = 100;
    f.v[RF_ATT_RATE_TERM] = 100;
    f.v[RF_ATT_DROP] = 5;
    f.v[RF_ATT_DROP_WEEKS] = 1;
    f.v[RF_FAILED_TERM] = 0;
    f.v[RF_MISSING_TERM] = 0;
    f.v[RF_BEHAV_MINOR_8W] = 0;
    f.v[RF_BEHAV_SERIOUS_8W] = 0;
    f.v[RF_LMS_DAYS_SINCE] = 0;
    f.v[RF_LMS_TREND] = 3;
    expect_none(&f);
}

/* ---- each default rule at its threshold ---------------------------------------------- */

/* attendance_low at 90 % and either side; the term only when 4 weeks are unknown. */
static void t_attendance_low(void **state) {
    (void)state;
    risk_features f = blank();
    f.v[RF_ATT_RATE_4W] = 90;
    expect_none(&f);
    f.v[RF_ATT_RATE_4W] = 95;
    expect_none(&f);
    f.v[RF_ATT_RATE_4W] = 89.9;
    expect_one(&f, RISK_RULE_ATTENDANCE_LOW,
               "attendance in the last 4 weeks: 89.9 % — below the 90 % this school watches for");
    f.v[RF_ATT_RATE_4W] = 72;
    expect_one(&f, RISK_RULE_ATTENDANCE_LOW,
               "attendance in the last 4 weeks: 72 % — below the 90 % this school watches for");
    /* the term is read only when the last 4 weeks are not known */
    f.v[RF_ATT_RATE_4W] = 95;
    f.v[RF_ATT_RATE_TERM] = 50;
    expect_none(&f);
    f.v[RF_ATT_RATE_4W] = NAN;
    expect_one(&f, RISK_RULE_ATTENDANCE_LOW,
               "attendance this term: 50 % — below the 90 % this school watches for");
    f.v[RF_ATT_RATE_TERM] = 90;
    expect_none(&f);
    risk_rules r = defaults();
    risk_flag fl[RISK_RULE_COUNT];
    f.v[RF_ATT_RATE_TERM] = 80;
    assert_int_equal(eval(&r, &f, fl), 1);
    assert_int_equal(fl[0].feature, RF_ATT_RATE_TERM);
    assert_true(fl[0].value == 80 && fl[0].threshold == 90);
    assert_true(isnan(fl[0].peer));
    assert_int_equal(fl[0].serious, 0);
}

/* attendance_drop at -20 points and 6 weeks, either side, and the wording of weeks. */
static void t_attendance_drop(void **state) {
    (void)state;
    risk_features f = blank();
    f.v[RF_ATT_DROP] = -20;
    f.v[RF_ATT_DROP_WEEKS] = 6;
    expect_one(&f, RISK_RULE_ATTENDANCE_DROP,
               "weekly attendance fell by 20 points 6 weeks ago — this school watches for a fall "
               "of 20 points or more within 6 weeks");
    f.v[RF_ATT_DROP] = -19.9;
    expect_none(&f);
    f.v[RF_ATT_DROP] = -35.5;
    f.v[RF_ATT_DROP_WEEKS] = 7;   /* too long ago */
    expect_none(&f);
    f.v[RF_ATT_DROP_WEEKS] = NAN;
    expect_none(&f);
    f.v[RF_ATT_DROP_WEEKS] = 1;
    expect_one(&f, RISK_RULE_ATTENDANCE_DROP,
               "weekly attendance fell by 35.5 points 1 week ago — this school watches for a "
               "fall of 20 points or more within 6 weeks");
    f.v[RF_ATT_DROP_WEEKS] = 0;
    expect_one(&f, RISK_RULE_ATTENDANCE_DROP,
               "weekly attendance fell by 35.5 points this week — this school watches for a "
               "fall of 20 points or more within 6 weeks");
    f.v[RF_ATT_DROP] = 30;   /* a rise */
    expect_none(&f);
}

/* behaviour_repeated at 2 minor incidents, behaviour_serious at 1 (a serious flag). */
static void t_behaviour(void **state) {
    (void)state;
    risk_features f = blank();
    f.v[RF_BEHAV_MINOR_8W] = 1;
    expect_none(&f);
    f.v[RF_BEHAV_MINOR_8W] = 2;
    expect_one(&f, RISK_RULE_BEHAVIOUR_REPEATED,
               "minor behaviour incidents in the last 8 weeks: 2 — this school watches for 2 or "
               "more");
    f = blank();
    f.v[RF_BEHAV_SERIOUS_8W] = 0;
    expect_none(&f);
    f.v[RF_BEHAV_SERIOUS_8W] = 1;
    expect_one(&f, RISK_RULE_BEHAVIOUR_SERIOUS,
               "moderate or serious behaviour incidents in the last 8 weeks: 1 — this school "
               "watches for 1 or more");
    risk_rules r = defaults();
    risk_flag fl[RISK_RULE_COUNT];
    assert_int_equal(eval(&r, &f, fl), 1);
    assert_int_equal(fl[0].serious, 1);
}

/* failed_unit and missing_work at 1. */
static void t_course(void **state) {
    (void)state;
    risk_features f = blank();
    f.v[RF_FAILED_TERM] = 0;
    f.v[RF_MISSING_TERM] = 0;
    expect_none(&f);
    f.v[RF_FAILED_TERM] = 1;
    expect_one(&f, RISK_RULE_FAILED_UNIT,
               "failed assessments this term: 1 — this school watches for 1 or more");
    f.v[RF_FAILED_TERM] = 0;
    f.v[RF_MISSING_TERM] = 3;
    expect_one(&f, RISK_RULE_MISSING_WORK,
               "missing assessments this term: 3 — this school watches for 1 or more");
}

/* engagement_drop: 14 days without activity, or active days down by 5. */
static void t_engagement(void **state) {
    (void)state;
    risk_features f = blank();
    f.v[RF_LMS_DAYS_SINCE] = 13;
    f.v[RF_LMS_TREND] = -4;
    expect_none(&f);
    f.v[RF_LMS_DAYS_SINCE] = 14;
    expect_one(&f, RISK_RULE_ENGAGEMENT_DROP,
               "no learning-platform activity for 14 days — this school watches for 14 days or "
               "more");
    f.v[RF_LMS_DAYS_SINCE] = 2;
    f.v[RF_LMS_TREND] = -5;
    expect_one(&f, RISK_RULE_ENGAGEMENT_DROP,
               "days active on the learning platform fell by 5 (last 2 weeks against the 2 "
               "before) — this school watches for a fall of 5 or more");
    /* both: one flag, the inactivity sentence */
    f.v[RF_LMS_DAYS_SINCE] = 20;
    f.v[RF_LMS_TREND] = -8;
    expect_one(&f, RISK_RULE_ENGAGEMENT_DROP,
               "no learning-platform activity for 20 days — this school watches for 14 days or "
               "more");
}

/* Several flags come in rule order; disabled rules and changed thresholds. */
static void t_several_and_order(void **state) {
    (void)state;
    risk_features f = blank();
    f.v[RF_LMS_DAYS_SINCE] = 30;
    f.v[RF_MISSING_TERM] = 2;
    f.v[RF_FAILED_TERM] = 1;
    f.v[RF_BEHAV_SERIOUS_8W] = 2;
    f.v[RF_ATT_RATE_4W] = 60;
    risk_rules r = defaults();
    risk_flag fl[RISK_RULE_COUNT];
    assert_int_equal(eval(&r, &f, fl), 5);
    assert_string_equal(fl[0].code, "attendance_low");
    assert_string_equal(fl[1].code, "behaviour_serious");
    assert_string_equal(fl[2].code, "failed_unit");
    assert_string_equal(fl[3].code, "missing_work");
    assert_string_equal(fl[4].code, "engagement_drop");
    /* a disabled rule never fires; a changed threshold shows in the sentence */
    r.rule[RISK_RULE_FAILED_UNIT].enabled = 0;
    r.rule[RISK_RULE_ATTENDANCE_LOW].threshold[0] = 55;
    r.rule[RISK_RULE_MISSING_WORK].threshold[0] = 2;
    assert_int_equal(eval(&r, &f, fl), 3);
    assert_string_equal(fl[0].code, "behaviour_serious");
    assert_string_equal(fl[1].reason,
                        "missing assessments this term: 2 — this school watches for 2 or more");
}

/* ---- peers ------------------------------------------------------------------------- */

/* The peer clause, the group guard of the change rules, and signed changes. */
static void t_peer_sentence(void **state) {
    (void)state;
    risk_features f = blank();
    f.v[RF_ATT_RATE_4W] = 72;
    f.v[RF_FAILED_TERM] = 2;
    double peer[RF_COUNT];
    for (int i = 0; i < RF_COUNT; i++) peer[i] = NAN;
    peer[RF_ATT_RATE_4W] = 94;
    peer[RF_FAILED_TERM] = 1;
    risk_rules r = defaults();
    risk_flag fl[RISK_RULE_COUNT];
    size_t n;
    assert_int_equal(risk_rules_eval_peers(&r, &f, peer, fl, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(fl[0].reason, "attendance in the last 4 weeks: 72 % — below the 90 % "
                                      "this school watches for — peers in the same group: 94 %");
    assert_string_equal(fl[1].reason, "failed assessments this term: 2 — this school watches "
                                      "for 1 or more — peers in the same group: 1");
    assert_true(fl[0].peer == 94);
    /* unknown peer value: no peer clause */
    peer[RF_FAILED_TERM] = NAN;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_string_equal(fl[1].reason, "failed assessments this term: 2 — this school watches "
                                      "for 1 or more");
    f = blank();
    f.v[RF_LMS_DAYS_SINCE] = 15;
    peer[RF_LMS_DAYS_SINCE] = 1;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
    assert_string_equal(fl[0].reason, "no learning-platform activity for 15 days — this school "
                                      "watches for 14 days or more — peers in the same group: 1 day");
    /* the group guard: when the group as a whole has been away as long (a
    ** holiday), inactivity is the calendar, not the learner */
    peer[RF_LMS_DAYS_SINCE] = 14;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 0);
    peer[RF_LMS_DAYS_SINCE] = 13;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
    f.v[RF_LMS_TREND] = -7;
    peer[RF_LMS_DAYS_SINCE] = 16;
    peer[RF_LMS_TREND] = -4;   /* the group did not fall as much: the trend still counts */
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].feature, RF_LMS_TREND);
    peer[RF_LMS_TREND] = -5;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 0);
    assert_int_equal(risk_rules_eval(&r, &f, fl, &n), 0);   /* without peers: as is */
    assert_int_equal(n, 1);
    peer[RF_LMS_DAYS_SINCE] = 1;
    peer[RF_LMS_TREND] = NAN;
    f.v[RF_LMS_TREND] = NAN;
    /* a drop the whole group shows is not flagged; the weeks are not guarded */
    f.v[RF_ATT_DROP] = -30;
    f.v[RF_ATT_DROP_WEEKS] = 2;
    peer[RF_ATT_DROP] = -20;
    peer[RF_ATT_DROP_WEEKS] = 2;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);   /* only the inactivity */
    assert_int_equal(fl[0].rule, RISK_RULE_ENGAGEMENT_DROP);
    peer[RF_ATT_DROP] = -19;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 2);
    assert_int_equal(fl[0].rule, RISK_RULE_ATTENDANCE_DROP);
    peer[RF_ATT_DROP_WEEKS] = NAN;

    /* changes carry their sign */
    f = blank();
    f.v[RF_ATT_DROP] = -25;
    f.v[RF_ATT_DROP_WEEKS] = 2;
    peer[RF_ATT_DROP] = 4.94;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
    assert_string_equal(fl[0].reason, "weekly attendance fell by 25 points 2 weeks ago — this "
                                      "school watches for a fall of 20 points or more within 6 "
                                      "weeks — peers in the same group: +4.9 points");
    peer[RF_ATT_DROP] = -3.9;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_non_null(strstr(fl[0].reason, "— peers in the same group: -3.9 points"));
    peer[RF_ATT_DROP] = 0;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_non_null(strstr(fl[0].reason, "— peers in the same group: 0 points"));
    f = blank();
    f.v[RF_LMS_TREND] = -6;
    peer[RF_LMS_TREND] = 1;
    risk_rules_eval_peers(&r, &f, peer, fl, &n);
    assert_int_equal(n, 1);
    assert_non_null(strstr(fl[0].reason, "fell by 6 (last 2 weeks against the 2 before) — this "
                                         "school watches for a fall of 5 or more — peers in the "
                                         "same group: +1"));
}

/* Medians per group: even and odd counts, unknowns left out, small groups hidden. */
static void t_peer_medians(void **state) {
    (void)state;
    /* group 10: 6 learners; group 20: 4 learners (too few); group 0: none */
    risk_features rows[12];
    double att[6] = {50, 90, 100, 70, 95, 80};   /* sorted 50 70 80 90 95 100: median 85 */
    for (int i = 0; i < 12; i++) {
        rows[i] = blank();
        rows[i].t.learner_id = i + 1;
    }
    for (int i = 0; i < 6; i++) {
        rows[i].t.group_id = 10;
        rows[i].v[RF_ATT_RATE_4W] = att[i];
        rows[i].v[RF_FAILED_TERM] = i < 5 ? i : NAN;   /* 0 1 2 3 4: median 2 */
        rows[i].v[RF_MISSING_TERM] = i < 4 ? 1 : NAN;  /* only 4 known */
    }
    for (int i = 6; i < 10; i++) {
        rows[i].t.group_id = 20;
        rows[i].v[RF_ATT_RATE_4W] = 60;
    }
    rows[10].t.group_id = 0;
    rows[11].t.group_id = 0;
    rows[10].v[RF_ATT_RATE_4W] = 1;
    risk_peers p;
    assert_int_equal(risk_peer_medians(rows, 12, &p, NULL), 0);
    assert_int_equal(p.ngroups, 2);
    const double *g10 = risk_peers_of(&p, 10), *g20 = risk_peers_of(&p, 20);
    assert_non_null(g10);
    assert_non_null(g20);
    assert_null(risk_peers_of(&p, 0));
    assert_null(risk_peers_of(&p, 15));
    assert_true(g10[RF_ATT_RATE_4W] == 85);
    assert_true(g10[RF_FAILED_TERM] == 2);
    assert_true(isnan(g10[RF_MISSING_TERM]));   /* fewer than RISK_PEER_MIN known */
    assert_true(isnan(g10[RF_LMS_TREND]));
    assert_true(isnan(g20[RF_ATT_RATE_4W]));    /* group too small */
    risk_peers_free(&p);
    assert_int_equal(p.ngroups, 0);
    /* nothing at all */
    assert_int_equal(risk_peer_medians(rows, 0, &p, NULL), 0);
    assert_int_equal(p.ngroups, 0);
    assert_null(risk_peers_of(&p, 10));
    risk_peers_free(&p);
}

/* ---- tiers ------------------------------------------------------------------------- */

/* A tier input. */
static risk_tier_input ti(int64_t id, double p, int nflags, int nserious) {
    risk_tier_input x = {id, p, nflags, nserious};
    return x;
}

/* Tiers from a probability: thresholds, the serious lift, bad options. */
static void t_tiers_probability(void **state) {
    (void)state;
    risk_tier_input in[] = {ti(1, 0.29, 0, 0), ti(2, 0.3, 0, 0), ti(3, 0.59, 5, 0),
                            ti(4, 0.6, 0, 0), ti(5, 0.99, 0, 0), ti(6, 0.0, 1, 1),
                            ti(7, 0.1, 4, 0)};
    risk_tier out[7];
    cairn_err err = {0};
    assert_int_equal(risk_tiers_assign(in, 7, NULL, out, &err), 0);
    risk_tier want[7] = {0, 1, 1, 2, 2, 1, 0};   /* 6: serious lifts; 7: flags alone do not */
    for (int i = 0; i < 7; i++)
        if (out[i] != want[i]) fail_msg("learner %d: tier %d, want %d", i + 1, out[i], want[i]);
    risk_tier_opts o = {.p_selective = 0.1, .p_individual = 0.9};
    assert_int_equal(risk_tiers_assign(in, 7, &o, out, &err), 0);
    risk_tier want2[7] = {1, 1, 1, 1, 2, 1, 1};
    for (int i = 0; i < 7; i++)
        if (out[i] != want2[i]) fail_msg("learner %d: tier %d, want %d", i + 1, out[i], want2[i]);
    /* bad options */
    risk_tier_opts bad = {.p_selective = 0.7, .p_individual = 0.5};
    assert_int_equal(risk_tiers_assign(in, 7, &bad, out, &err), -1);
    assert_non_null(strstr(err.msg, "must not be below"));
    bad = (risk_tier_opts){.p_selective = 1.5};
    assert_int_equal(risk_tiers_assign(in, 7, &bad, out, &err), -1);
    bad = (risk_tier_opts){.capacity = -1};
    assert_int_equal(risk_tiers_assign(in, 7, &bad, out, &err), -1);
    assert_non_null(strstr(err.msg, "capacity"));
    assert_string_equal(risk_tier_name(RISK_TIER_UNIVERSAL), "universal");
    assert_string_equal(risk_tier_name(RISK_TIER_SELECTIVE), "selective");
    assert_string_equal(risk_tier_name(RISK_TIER_INDIVIDUAL), "individual");
}

/* Tiers from flags alone: 2 or a serious one selective, 3 individual. */
static void t_tiers_rules_only(void **state) {
    (void)state;
    risk_tier_input in[] = {ti(1, NAN, 0, 0), ti(2, NAN, 1, 0), ti(3, NAN, 2, 0),
                            ti(4, NAN, 1, 1), ti(5, NAN, 3, 0), ti(6, NAN, 6, 1)};
    risk_tier out[6];
    assert_int_equal(risk_tiers_assign(in, 6, NULL, out, NULL), 0);
    risk_tier want[6] = {0, 0, 1, 1, 2, 2};
    for (int i = 0; i < 6; i++)
        if (out[i] != want[i]) fail_msg("learner %d: tier %d, want %d", i + 1, out[i], want[i]);
}

/* Capacity without a model: ranking, ties by learner id, next M, no sign no tier. */
static void t_tiers_capacity_ties(void **state) {
    (void)state;
    /* rules only: flags, then serious flags, then the lower id */
    risk_tier_input in[] = {ti(50, NAN, 2, 0), ti(10, NAN, 2, 0), ti(30, NAN, 2, 1),
                            ti(20, NAN, 1, 0), ti(40, NAN, 0, 0), ti(5, NAN, 2, 0),
                            ti(60, NAN, 3, 0)};
    risk_tier out[7];
    risk_tier_opts o = {.capacity = 3};
    assert_int_equal(risk_tiers_assign(in, 7, &o, out, NULL), 0);
    /* rank: 60 (3 flags), 30 (2 + serious), 5, 10, 50 (2 each, by id), 20, [40 has no sign] */
    risk_tier want[7] = {1, 1, 2, 0, 0, 2, 2};
    for (int i = 0; i < 7; i++)
        if (out[i] != want[i]) fail_msg("learner %lld: tier %d, want %d",
                                        (long long)in[i].learner_id, out[i], want[i]);
    /* the order given does not matter */
    risk_tier_input rev[7];
    risk_tier out2[7];
    for (int i = 0; i < 7; i++) rev[i] = in[6 - i];
    assert_int_equal(risk_tiers_assign(rev, 7, &o, out2, NULL), 0);
    for (int i = 0; i < 7; i++) assert_int_equal(out2[i], out[6 - i]);
    /* the next M = 3 selective: 5, 10 and 50; 20 is sixth */
    o.capacity = 2;
    o.capacity_selective = 3;
    assert_int_equal(risk_tiers_assign(in, 7, &o, out, NULL), 0);
    risk_tier want2[7] = {1, 1, 2, 0, 0, 1, 2};
    for (int i = 0; i < 7; i++)
        if (out[i] != want2[i]) fail_msg("M=3 learner %lld: tier %d, want %d",
                                         (long long)in[i].learner_id, out[i], want2[i]);
    /* more capacity than signs: nobody without a sign is lifted */
    o.capacity = 100;
    o.capacity_selective = 0;
    assert_int_equal(risk_tiers_assign(in, 7, &o, out, NULL), 0);
    assert_int_equal(out[4], RISK_TIER_UNIVERSAL);
    assert_int_equal(out[3], RISK_TIER_INDIVIDUAL);
}

/* Capacity with a probability: ties by serious flags then learner id. */
static void t_tiers_capacity_probability(void **state) {
    (void)state;
    risk_tier_input in[] = {ti(7, 0.8, 0, 0), ti(3, 0.5, 0, 0), ti(2, 0.5, 0, 0),
                            ti(9, 0.5, 1, 1), ti(1, 0.2, 4, 0), ti(4, 0.05, 0, 0)};
    risk_tier out[6];
    risk_tier_opts o = {.capacity = 3};
    assert_int_equal(risk_tiers_assign(in, 6, &o, out, NULL), 0);
    /* rank: 7 (0.8), 9 (0.5 + serious), 2 (0.5, lower id), 3, 1, 4 */
    risk_tier want[6] = {2, 1, 2, 2, 0, 0};   /* 3 is over capacity but >= 0.3: selective */
    for (int i = 0; i < 6; i++)
        if (out[i] != want[i]) fail_msg("learner %lld: tier %d, want %d",
                                        (long long)in[i].learner_id, out[i], want[i]);
    o.capacity = 1;
    o.capacity_selective = 4;
    assert_int_equal(risk_tiers_assign(in, 6, &o, out, NULL), 0);
    risk_tier want2[6] = {2, 1, 1, 1, 1, 0};   /* a probability is a sign; 4 is sixth */
    for (int i = 0; i < 6; i++)
        if (out[i] != want2[i]) fail_msg("M learner %lld: tier %d, want %d",
                                         (long long)in[i].learner_id, out[i], want2[i]);
}

/* Shares: the top 5 % individual, the next 15 % selective, of everyone
** given; a serious flag still lifts; no sign, no tier; bad shares refused. */
static void t_tiers_shares(void **state) {
    (void)state;
    risk_tier_input in[40];
    for (int i = 0; i < 40; i++) in[i] = ti(i + 1, (double)(i + 1) / 100.0, 0, 0);
    in[1].nserious = in[1].nflags = 1;           /* learner 2: a serious flag, low estimate */
    in[0].probability = NAN;                     /* learner 1: no sign at all */
    risk_tier out[40];
    risk_tier_opts o = {.share_individual = 0.05, .share_selective = 0.15};
    assert_int_equal(risk_tiers_assign(in, 40, &o, out, NULL), 0);
    size_t count[3] = {0};
    for (int i = 0; i < 40; i++) {
        risk_tier want = i >= 38 ? RISK_TIER_INDIVIDUAL
                       : i >= 32 || i == 1 ? RISK_TIER_SELECTIVE : RISK_TIER_UNIVERSAL;
        if (out[i] != want) fail_msg("learner %d: tier %d, want %d", i + 1, out[i], want);
        count[out[i]]++;
    }
    assert_int_equal(count[2], 2);   /* round(0.05 x 40) */
    assert_int_equal(count[1], 7);   /* round(0.15 x 40), and the serious flag */
    /* rules only: the same shares of the flag ranking */
    risk_tier_input r[20];
    for (int i = 0; i < 20; i++) r[i] = ti(i + 1, NAN, i < 4 ? 1 : 0, 0);
    r[10].nflags = 3;
    assert_int_equal(risk_tiers_assign(r, 20, &o, out, NULL), 0);
    assert_int_equal(out[10], RISK_TIER_INDIVIDUAL);   /* 1 = round(0.05 x 20) */
    for (int i = 0; i < 3; i++) assert_int_equal(out[i], RISK_TIER_SELECTIVE);   /* 3, by id */
    assert_int_equal(out[3], RISK_TIER_UNIVERSAL);     /* fifth with a sign: past 20 % */
    assert_int_equal(out[5], RISK_TIER_UNIVERSAL);
    /* a capacity wins over the shares */
    o.capacity = 4;
    assert_int_equal(risk_tiers_assign(r, 20, &o, out, NULL), 0);
    for (int i = 0; i < 3; i++) assert_int_equal(out[i], RISK_TIER_INDIVIDUAL);
    assert_int_equal(out[10], RISK_TIER_INDIVIDUAL);
    assert_int_equal(out[3], RISK_TIER_UNIVERSAL);     /* 1 flag, the fifth: no room */
    cairn_err err = {0};
    risk_tier_opts bad = {.share_individual = 0.6, .share_selective = 0.5};
    assert_int_equal(risk_tiers_assign(r, 20, &bad, out, &err), -1);
    assert_non_null(strstr(err.msg, "shares"));
    bad = (risk_tier_opts){.share_selective = -0.1};
    assert_int_equal(risk_tiers_assign(r, 20, &bad, out, &err), -1);
}

/* Risk in words: the tier's word, the estimate as a percentage. */
static void t_risk_level_words(void **state) {
    (void)state;
    char b[64];
    assert_string_equal(risk_level_word(risk_level_of(RISK_TIER_INDIVIDUAL)), "high");
    assert_string_equal(risk_level_word(risk_level_of(RISK_TIER_SELECTIVE)), "raised");
    assert_string_equal(risk_level_word(risk_level_of(RISK_TIER_UNIVERSAL)), "low");
    assert_string_equal(risk_level_word(risk_level_of((risk_tier)7)), "low");
    assert_string_equal(risk_percent_text(0.344, b, sizeof b), "34 %");
    assert_string_equal(risk_percent_text(0.004, b, sizeof b), "<1 %");
    assert_string_equal(risk_percent_text(0.999, b, sizeof b), ">99 %");
    assert_string_equal(risk_percent_text(NAN, b, sizeof b), "");
    assert_string_equal(risk_percent_text(1.5, b, sizeof b), "");
    assert_string_equal(risk_level_text(RISK_TIER_INDIVIDUAL, 0.34, b, sizeof b), "high risk (34 %)");
    assert_string_equal(risk_level_text(RISK_TIER_SELECTIVE, NAN, b, sizeof b), "raised risk");
}

/* ---- versioned thresholds in the database ------------------------------------------- */

/* A fresh database with the school and risk tables and institution 1. */
static store *db_with_school(void **state, const char *name) {
    store *st = test_store_fresh(KIND(state), name);
    cairn_err err = {0};
    int applied = -1;
    if (school_migrate(st, NULL, &err) || risk_migrate(st, &applied, &err))
        fail_msg("migrate: %s", err.msg);
    assert_int_equal(applied, 2);   /* rule sets, models, scores; the attention index */
    if (risk_migrate(st, &applied, &err)) fail_msg("migrate again: %s", err.msg);
    assert_int_equal(applied, 0);
    if (store_exec(st, "INSERT INTO institution (id, code, name, created_at)"
                       " VALUES (1, 'T1', 'Test college', '2025-01-01T00:00:00Z')", &err))
        fail_msg("institution: %s", err.msg);
    return st;
}

/* How many rule-set versions institution 1 has. */
static int64_t versions(store *st) {
    int64_t n = -1;
    cairn_err err = {0};
    if (store_query_int64(st, "SELECT count(*) FROM risk_rule_set WHERE institution_id = ?", 1, &n,
                          &err))
        fail_msg("%s", err.msg);
    return n;
}

/* The stored thresholds JSON of a version; caller frees. */
static char *stored_json(store *st, int version) {
    cairn_err err = {0};
    store_stmt *s = store_prepare(st, "SELECT thresholds, created_by FROM risk_rule_set"
                                      " WHERE institution_id = 1 AND version = ?", &err);
    if (!s) fail_msg("%s", err.msg);
    store_bind_int64(s, 1, version);
    if (store_step(s, &err) != STORE_ROW) fail_msg("no version %d: %s", version, err.msg);
    char *j = xstrdup(store_col_text(s, 0));
    store_finalize(s);
    return j;
}

/* Version 1 with the defaults, a change adds a version, the same change none. */
static void t_rules_versions(void **state) {
    store *st = db_with_school(state, "rules_versions");
    cairn_err err = {0};
    risk_rules r;
    assert_int_equal(versions(st), 0);
    if (risk_rules_load(st, 1, &r, &err)) fail_msg("load: %s", err.msg);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.institution_id, 1);
    assert_int_equal(versions(st), 1);
    risk_rules d = defaults();
    buf a = BUF_INIT, b = BUF_INIT;
    risk_rules_json(&d, &a);
    char *j1 = stored_json(st, 1);
    assert_string_equal(j1, buf_cstr(&a));
    assert_non_null(strstr(j1, "\"attendance_low\":{\"enabled\":true,\"threshold\":90}"));
    assert_non_null(strstr(j1, "\"attendance_drop\":{\"enabled\":true,\"threshold\":-20,"
                               "\"within_weeks\":6}"));
    free(j1);
    /* loading again adds nothing */
    if (risk_rules_load(st, 1, &r, &err)) fail_msg("load: %s", err.msg);
    assert_int_equal(versions(st), 1);

    /* a change: version 2; rules not named keep their values */
    if (risk_rules_set(st, 1, "{\"attendance_low\": 85.5, \"engagement_drop\": {\"trend\": -3,"
                       " \"enabled\": false}}", "ms.byrne", &err))
        fail_msg("set: %s", err.msg);
    assert_int_equal(versions(st), 2);
    if (risk_rules_load(st, 1, &r, &err)) fail_msg("load: %s", err.msg);
    assert_int_equal(r.version, 2);
    assert_true(r.rule[RISK_RULE_ATTENDANCE_LOW].threshold[0] == 85.5);
    assert_true(r.rule[RISK_RULE_ENGAGEMENT_DROP].threshold[1] == -3);
    assert_true(r.rule[RISK_RULE_ENGAGEMENT_DROP].threshold[0] == 14);
    assert_int_equal(r.rule[RISK_RULE_ENGAGEMENT_DROP].enabled, 0);
    assert_true(r.rule[RISK_RULE_BEHAVIOUR_REPEATED].threshold[0] == 2);
    assert_int_equal(r.rule[RISK_RULE_FAILED_UNIT].enabled, 1);
    store_stmt *s = store_prepare(st, "SELECT created_by FROM risk_rule_set WHERE institution_id = 1"
                                      " AND version = 2", &err);
    assert_non_null(s);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_string_equal(store_col_text(s, 0), "ms.byrne");
    store_finalize(s);
    /* the stored JSON reads back to the same rules */
    char *j2 = stored_json(st, 2);
    risk_rules_json(&r, &b);
    assert_string_equal(j2, buf_cstr(&b));
    free(j2);
    /* the loaded rules fire at the new threshold */
    risk_features f = blank();
    f.v[RF_ATT_RATE_4W] = 86;
    f.v[RF_LMS_DAYS_SINCE] = 40;
    risk_flag fl[RISK_RULE_COUNT];
    assert_int_equal(eval(&r, &f, fl), 0);
    f.v[RF_ATT_RATE_4W] = 85;
    assert_int_equal(eval(&r, &f, fl), 1);
    assert_string_equal(fl[0].reason, "attendance in the last 4 weeks: 85 % — below the 85.5 % "
                                      "this school watches for");

    /* the same settings again: no new version */
    if (risk_rules_set(st, 1, "{\"attendance_low\": {\"threshold\": 85.5}}", "ms.byrne", &err))
        fail_msg("set same: %s", err.msg);
    assert_int_equal(versions(st), 2);
    if (risk_rules_set(st, 1, "{}", "ms.byrne", &err)) fail_msg("set empty: %s", err.msg);
    assert_int_equal(versions(st), 2);
    /* the tiers' shape: 5 % and 15 % by default, stored and changed like a rule */
    assert_true(r.share_individual == 5 && r.share_selective == 15);
    assert_non_null(strstr(j2 = stored_json(st, 2), "\"tiers\":{\"individual\":5,\"selective\":15}"));
    free(j2);
    if (risk_rules_set(st, 1, "{\"tiers\": {\"selective\": 10}}", "ms.byrne", &err))
        fail_msg("set tiers: %s", err.msg);
    assert_int_equal(versions(st), 3);
    if (risk_rules_load(st, 1, &r, &err)) fail_msg("load: %s", err.msg);
    assert_true(r.share_individual == 5 && r.share_selective == 10);
    if (risk_rules_set(st, 1, "{\"tiers\": {\"selective\": 10}}", "ms.byrne", &err))
        fail_msg("set tiers same: %s", err.msg);
    assert_int_equal(versions(st), 3);
    /* a version stored before the shares existed reads as the defaults */
    if (store_exec(st, "UPDATE risk_rule_set SET thresholds = '{\"attendance_low\": 85}'"
                       " WHERE institution_id = 1 AND version = 3", &err))
        fail_msg("%s", err.msg);
    if (risk_rules_load(st, 1, &r, &err)) fail_msg("load old: %s", err.msg);
    assert_true(r.share_individual == 5 && r.share_selective == 15);
    /* back to 90: a new version again */
    if (risk_rules_set(st, 1, "{\"attendance_low\": 90}", "mr.okafor", &err))
        fail_msg("set: %s", err.msg);
    assert_int_equal(versions(st), 4);
    buf_free(&a);
    buf_free(&b);
    test_store_drop(st);
}

/* Every kind of bad setting: a clear error, and nothing stored. */
static void t_rules_bad_settings(void **state) {
    store *st = db_with_school(state, "rules_bad");
    cairn_err err = {0};
    risk_rules r;
    if (risk_rules_set(st, 1, "{\"failed_unit\": 2}", "lead", &err)) fail_msg("set: %s", err.msg);
    assert_int_equal(versions(st), 1);
    char *before = stored_json(st, 1);
    static const struct { const char *json, *msg; } bad[] = {
        {"{\"attendence_low\": 85}", "there is no rule \"attendence_low\"; the rules are "
                                     "attendance_low, attendance_drop"},
        {"{\"attendance_low\": \"85\"}", "attendance_low: give a number (the threshold) or an "
                                         "object"},
        {"{\"attendance_low\": {\"threshold\": \"85\"}}", "attendance_low: threshold must be a "
                                                          "number, not text"},
        {"{\"attendance_low\": 120}", "attendance_low: threshold 120 is out of range; it must "
                                      "be from 1 to 100 %"},
        {"{\"attendance_low\": 0}", "out of range"},
        {"{\"attendance_drop\": {\"threshold\": -20, \"within_weeks\": 0}}",
         "attendance_drop: within_weeks 0 is out of range; it must be from 1 to 52 weeks"},
        {"{\"attendance_drop\": 20}", "attendance_drop: threshold 20 is out of range"},
        {"{\"behaviour_repeated\": 2.5}", "behaviour_repeated: threshold 2.5 must be a whole "
                                          "number"},
        {"{\"failed_unit\": {\"enabled\": 1}}", "failed_unit: enabled must be true or false"},
        {"{\"failed_unit\": {\"within_weeks\": 3}}", "rule failed_unit has no setting "
                                                     "\"within_weeks\"; it has threshold and "
                                                     "enabled"},
        {"{\"missing_work\": null}", "missing_work: give a number"},
        {"[1, 2]", "must be a JSON object of rule codes"},
        {"{\"attendance_low\": 85,}", "not valid JSON"},
        {"{\"attendance_low\": 85, \"attendance_low\": 80}", "not valid JSON"},
        {"", "not valid JSON"},
        {"{\"tiers\": 5}", "tiers: give an object such as"},
        {"{\"tiers\": {\"individual\": 120}}", "tiers: individual 120 % is out of range"},
        {"{\"tiers\": {\"selective\": \"15\"}}", "tiers: selective must be a number"},
        {"{\"tiers\": {\"universal\": 80}}", "tiers has no setting \"universal\""},
        {"{\"tiers\": {\"individual\": 60, \"selective\": 50}}", "make more than 100 %"},
        /* a good change before a bad one in the same object changes nothing either */
        {"{\"missing_work\": 3, \"engagement_drop\": {\"trend\": 2}}",
         "engagement_drop: trend 2 is out of range; it must be from -14 to -1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err_clear(&err);
        if (risk_rules_set(st, 1, bad[i].json, "lead", &err) != -1)
            fail_msg("accepted %s", bad[i].json);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].json, err.msg, bad[i].msg);
        assert_int_equal(versions(st), 1);
    }
    err_clear(&err);
    assert_int_equal(risk_rules_set(st, 1, "{\"failed_unit\": 3}", "", &err), -1);
    assert_non_null(strstr(err.msg, "who"));
    assert_int_equal(risk_rules_set(st, 1, "{\"failed_unit\": 3}", NULL, &err), -1);
    assert_int_equal(risk_rules_set(st, 2, "{\"failed_unit\": 3}", "lead", &err), -1);
    assert_non_null(strstr(err.msg, "no institution"));
    assert_int_equal(risk_rules_load(st, 2, &r, &err), -1);
    assert_non_null(strstr(err.msg, "no institution"));
    assert_int_equal(versions(st), 1);
    char *after = stored_json(st, 1);
    assert_string_equal(before, after);
    if (risk_rules_load(st, 1, &r, &err)) fail_msg("load: %s", err.msg);
    assert_int_equal(r.version, 1);
    assert_true(r.rule[RISK_RULE_FAILED_UNIT].threshold[0] == 2);
    assert_true(r.rule[RISK_RULE_MISSING_WORK].threshold[0] == 1);
    /* the database is still usable: no transaction left open */
    assert_int_equal(store_in_tx(st), 0);
    free(before);
    free(after);
    test_store_drop(st);
}

/* A stored rule set that cannot be read is reported, not guessed at. */
static void t_rules_damaged(void **state) {
    store *st = db_with_school(state, "rules_damaged");
    cairn_err err = {0};
    if (store_exec(st, "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by,"
                       " thresholds) VALUES (1, 1, '2025-01-01T00:00:00Z', 'x', '{\"nope\": 1}')",
                   &err))
        fail_msg("%s", err.msg);
    risk_rules r;
    assert_int_equal(risk_rules_load(st, 1, &r, &err), -1);
    assert_non_null(strstr(err.msg, "rule set version 1 of this institution is damaged"));
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_rule_table),
        cmocka_unit_test(t_unknown_never_fires),
        cmocka_unit_test(t_attendance_low),
        cmocka_unit_test(t_attendance_drop),
        cmocka_unit_test(t_behaviour),
        cmocka_unit_test(t_course),
        cmocka_unit_test(t_engagement),
        cmocka_unit_test(t_several_and_order),
        cmocka_unit_test(t_peer_sentence),
        cmocka_unit_test(t_peer_medians),
        cmocka_unit_test(t_tiers_probability),
        cmocka_unit_test(t_tiers_rules_only),
        cmocka_unit_test(t_tiers_capacity_ties),
        cmocka_unit_test(t_tiers_capacity_probability),
        cmocka_unit_test(t_tiers_shares),
        cmocka_unit_test(t_risk_level_words),
        BOTH(t_rules_versions),
        BOTH(t_rules_bad_settings),
        BOTH(t_rules_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
