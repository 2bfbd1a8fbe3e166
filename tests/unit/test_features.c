/*
** tests/unit/test_features.c — point-in-time indicators (risk/features.h).
**
** A tiny hand-built college (two terms, a handful of learners, a second
** institution that must never leak in) with every indicator worked out by
** hand; the leakage test (events added after every asof change nothing,
** bit for bit); order and chunking independence; the enrolments active on
** a day; the query plans (SQLite walks keys, never sorts); and the demo
** school, where leavers' attendance before they go must be lower than
** their classmates'.  Database tests run on both backends.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/features.h"
#include "risk/features_internal.h"
#include "risk/train.h"
#include "school/demo.h"
#include "school/school.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------------- */

/* Day number of y-m-d. */
static int32_t D(int y, int m, int d) {
    return date_from_ymd(y, m, d);
}

/* A fresh database of the test's kind with the school schema. */
static store *fresh_school(void **state, const char *name) {
    store *st = test_store_fresh(KIND(state), name);
    cairn_err err = {0};
    if (school_migrate(st, NULL, &err)) fail_msg("school_migrate: %s", err.msg);
    return st;
}

/* Run parameterless SQL; fails the test on error. */
static void exec_sql(store *st, const char *sql) {
    cairn_err err = {0};
    if (store_exec(st, sql, &err)) fail_msg("%s: %s", sql, err.msg);
}

/* Prepared inserts for the event tables. */
typedef struct ins {
    store *st;
    store_stmt *att, *res, *beh, *eng;
    long incident;
} ins;

/* Prepare s; fails the test on error. */
static store_stmt *prep(store *st, const char *sql) {
    cairn_err err = {0};
    store_stmt *s = store_prepare(st, sql, &err);
    if (!s) fail_msg("%s: %s", sql, err.msg);
    return s;
}

/* Step an insert to the end; fails the test on error. */
static void run(store_stmt *s) {
    cairn_err err = {0};
    int rc;
    while ((rc = store_step(s, &err)) == STORE_ROW) {
    }
    if (rc < 0) fail_msg("insert: %s", err.msg);
    store_reset(s);
}

/* Bind day as text. */
static void bind_day(store_stmt *s, int idx, int32_t day) {
    char t[DATE_TEXT_LEN];
    date_format(day, t);
    store_bind_text(s, idx, t, (size_t)-1);
}

/* Open the inserts on st. */
static ins ins_open(store *st) {
    ins in = {st, NULL, NULL, NULL, NULL, 0};
    in.att = prep(st, "INSERT INTO attendance (institution_id, learner_id, date, session, status)"
                      " VALUES (?,?,?,?,?)");
    in.res = prep(st, "INSERT INTO result (institution_id, learner_id, unit, assessment, date,"
                      " score, max_score, passed, late, missing) VALUES (?,?,?,?,?,?,?,?,?,?)");
    in.beh = prep(st, "INSERT INTO behaviour (institution_id, incident, learner_id, date, type,"
                      " severity) VALUES (?,?,?,?,'disruption',?)");
    in.eng = prep(st, "INSERT INTO engagement (institution_id, learner_id, date, source, metric,"
                      " value) VALUES (?,?,?,?,?,?)");
    return in;
}

/* Finalize the inserts. */
static void ins_close(ins *in) {
    store_finalize(in->att);
    store_finalize(in->res);
    store_finalize(in->beh);
    store_finalize(in->eng);
}

enum { P = 0, L = 1, E = 2, U = 3 };   /* attendance status codes */

/* One attendance row. */
static void att(ins *in, int64_t inst, int64_t learner, int32_t day, int session, int status) {
    store_bind_int64(in->att, 1, inst);
    store_bind_int64(in->att, 2, learner);
    bind_day(in->att, 3, day);
    store_bind_int64(in->att, 4, session);
    store_bind_int64(in->att, 5, status);
    run(in->att);
}

/* Whole-day attendance with status st on every weekday from..to. */
static void att_weekdays(ins *in, int64_t inst, int64_t learner, int32_t from, int32_t to,
                         int status) {
    for (int32_t d = from; d <= to; d++)
        if (date_weekday(d) < 5) att(in, inst, learner, d, 0, status);
}

/* One result; score NAN = NULL, passed -1 = NULL. */
static void res(ins *in, int64_t inst, int64_t learner, const char *unit, const char *ass,
                int32_t day, double score, double max, int passed, int late, int missing) {
    store_stmt *s = in->res;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, learner);
    store_bind_text(s, 3, unit, (size_t)-1);
    store_bind_text(s, 4, ass, (size_t)-1);
    bind_day(s, 5, day);
    if (isnan(score)) store_bind_null(s, 6); else store_bind_double(s, 6, score);
    store_bind_double(s, 7, max);
    if (passed < 0) store_bind_null(s, 8); else store_bind_int64(s, 8, passed);
    store_bind_int64(s, 9, late);
    store_bind_int64(s, 10, missing);
    run(s);
}

/* One behaviour incident. */
static void beh(ins *in, int64_t inst, int64_t learner, int32_t day, int severity) {
    char id[32];
    snprintf(id, sizeof id, "B%ld", ++in->incident);
    store_bind_int64(in->beh, 1, inst);
    store_bind_text(in->beh, 2, id, (size_t)-1);
    store_bind_int64(in->beh, 3, learner);
    bind_day(in->beh, 4, day);
    store_bind_int64(in->beh, 5, severity);
    run(in->beh);
}

/* One engagement row. */
static void eng(ins *in, int64_t inst, int64_t learner, int32_t day, const char *source,
                const char *metric, double value) {
    store_bind_int64(in->eng, 1, inst);
    store_bind_int64(in->eng, 2, learner);
    bind_day(in->eng, 3, day);
    store_bind_text(in->eng, 4, source, (size_t)-1);
    store_bind_text(in->eng, 5, metric, (size_t)-1);
    store_bind_double(in->eng, 6, value);
    run(in->eng);
}

/* ---- the tiny college ------------------------------------------------------
** Institution 1, terms T1 2024-09-02..2024-12-20 and T2 2025-01-06..
** 2025-04-11, every learner enrolled from 2024-09-02.  Institution 2 has a
** learner with id 1 too, all absent: nothing of it may show.
**
**   L1  fine until three weeks before A, then mostly away; results, incidents
**       and platform activity.  Targets at A and at A2.
**   L2  18 of 20 days in the last 4 weeks (two excused); earlier results
**       only; platform activity only long ago.
**   L3  lessons as sessions; a result without a score; platform rows of 0.
**   L4  no events at all.
**   L5  no target; every kind of event, all bad.
**   L6  a target at A3, after the last term ended: "this term" is the 16
**       weeks before A3. */

#define A  D(2025, 3, 28)   /* a Friday; week k = the Mon-Fri A-7k-4 .. A-7k */
#define A2 D(2025, 3, 14)
#define A3 D(2025, 5, 2)

/* Write the tiny college into st. */
static void college_build(store *st) {
    exec_sql(st,
        "INSERT INTO institution (id, code, name, created_at) VALUES"
        " (1, 'T', 'Test college', '2025-01-01T00:00:00Z'),"
        " (2, 'O', 'Other college', '2025-01-01T00:00:00Z');"
        "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P', 'Plumbing'),"
        " (2, 1, 'P', 'Plumbing');"
        "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
        " (1, 1, 'G', 'Group', 1);"
        "INSERT INTO term (institution_id, id, code, name, school_year, start_date, end_date)"
        " VALUES (1, 1, 'T1', 'Autumn', '2024/25', '2024-09-02', '2024-12-20'),"
        " (1, 2, 'T2', 'Spring', '2024/25', '2025-01-06', '2025-04-11'),"
        " (2, 1, 'T9', 'All year', '2024/25', '2024-09-01', '2025-07-31');"
        "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
        " (1, 1, 'L1', 'Ann', 'A'), (1, 2, 'L2', 'Bo', 'B'), (1, 3, 'L3', 'Cy', 'C'),"
        " (1, 4, 'L4', 'Di', 'D'), (1, 5, 'L5', 'Ed', 'E'), (1, 6, 'L6', 'Fa', 'F'),"
        " (2, 1, 'X1', 'Xe', 'X');"
        "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id,"
        " start_date, status) VALUES (1, 1, 1, 1, 1, '2024-09-02', 'active'),"
        " (1, 2, 2, 1, 1, '2024-09-02', 'active'), (1, 3, 3, 1, 1, '2024-09-02', 'active'),"
        " (1, 4, 4, 1, 1, '2024-09-02', 'active'), (1, 5, 5, 1, 1, '2024-09-02', 'active'),"
        " (1, 6, 6, 1, NULL, '2024-09-02', 'active'),"
        " (2, 1, 1, 1, NULL, '2024-09-02', 'active');");
    ins in = ins_open(st);
    cairn_err err = {0};
    if (store_tx_begin(st, &err)) fail_msg("%s", err.msg);

    /* L1 attendance: away before the term (must not count), present weeks
    ** 11..3 before A, then:  week 2  P L U U U   week 1  U P E P U
    **                        week 0  L P U U E */
    att_weekdays(&in, 1, 1, D(2024, 12, 16), D(2024, 12, 20), U);
    att_weekdays(&in, 1, 1, D(2025, 1, 6), D(2025, 3, 7), P);
    static const int last3[15] = {P, L, U, U, U, U, P, E, P, U, L, P, U, U, E};
    static const int32_t mondays[3] = {0, 7, 14};
    for (int w = 0; w < 3; w++)
        for (int d = 0; d < 5; d++)
            att(&in, 1, 1, D(2025, 3, 10) + mondays[w] + d, 0, last3[w * 5 + d]);
    att_weekdays(&in, 1, 1, D(2025, 3, 31), D(2025, 4, 4), P);   /* after A */

    /* L1 results: this term (T2) and earlier (T1) */
    res(&in, 1, 1, "U1", "A1", D(2025, 1, 20), 70, 100, 1, 0, 0);
    res(&in, 1, 1, "U2", "A1", D(2025, 2, 10), 40, 100, 0, 0, 0);     /* failed */
    res(&in, 1, 1, "U3", "A1", D(2025, 3, 3), 27, 60, -1, 0, 0);      /* 45%: failed */
    res(&in, 1, 1, "U4", "A1", D(2025, 3, 20), NAN, 100, 0, 0, 1);    /* missing */
    res(&in, 1, 1, "U5", "A1", D(2025, 3, 25), 80, 100, 1, 1, 0);     /* late */
    res(&in, 1, 1, "U6", "A1", D(2025, 4, 2), 10, 100, 0, 0, 0);      /* after A */
    res(&in, 1, 1, "U1", "A0", D(2024, 10, 10), 75, 100, 1, 0, 0);
    res(&in, 1, 1, "U2", "A0", D(2024, 11, 15), 60, 80, 1, 0, 0);     /* 75% */
    res(&in, 1, 1, "U3", "A0", D(2024, 12, 5), 51, 80, -1, 0, 0);     /* 63.75%: passed */

    /* L1 behaviour */
    beh(&in, 1, 1, D(2025, 1, 20), 3);
    beh(&in, 1, 1, D(2025, 2, 3), 1);
    beh(&in, 1, 1, D(2025, 3, 12), 2);
    beh(&in, 1, 1, D(2025, 3, 26), 3);
    beh(&in, 1, 1, D(2025, 3, 27), 1);
    beh(&in, 1, 1, D(2025, 3, 29), 3);   /* after A */

    /* L1 platform */
    eng(&in, 1, 1, D(2025, 2, 20), "lms", "logins", 1);
    eng(&in, 1, 1, D(2025, 2, 20), "lms", "minutes", 100);
    eng(&in, 1, 1, D(2025, 3, 3), "lms", "logins", 1);
    eng(&in, 1, 1, D(2025, 3, 3), "lms", "minutes", 30);
    eng(&in, 1, 1, D(2025, 3, 4), "lms", "logins", 2);
    eng(&in, 1, 1, D(2025, 3, 5), "lms", "logins", 1);
    eng(&in, 1, 1, D(2025, 3, 6), "lms", "logins", 1);
    eng(&in, 1, 1, D(2025, 3, 10), "lms", "logins", 1);
    eng(&in, 1, 1, D(2025, 3, 10), "lms", "minutes", 45);
    eng(&in, 1, 1, D(2025, 3, 11), "lms", "logins", 1);
    eng(&in, 1, 1, D(2025, 3, 24), "lms", "logins", 1);
    eng(&in, 1, 1, D(2025, 3, 24), "lms", "minutes", 12.5);
    eng(&in, 1, 1, D(2025, 3, 25), "lms", "logins", 0);          /* not active */
    eng(&in, 1, 1, D(2025, 3, 26), "library", "views", 0);       /* not active */
    eng(&in, 1, 1, D(2025, 3, 30), "lms", "logins", 3);          /* after A */

    /* L2: weeks 3..0 before A present but for two excused days */
    att_weekdays(&in, 1, 2, D(2025, 3, 3), D(2025, 3, 28), P);
    exec_sql(st, "UPDATE attendance SET status = 2 WHERE institution_id = 1 AND learner_id = 2"
                 " AND date IN ('2025-03-12', '2025-03-19')");
    res(&in, 1, 2, "U1", "A0", D(2024, 11, 1), 50, 100, 1, 0, 0);
    eng(&in, 1, 2, D(2025, 1, 10), "lms", "logins", 2);

    /* L3: two days in lessons */
    att(&in, 1, 3, D(2025, 3, 18), 1, P);
    att(&in, 1, 3, D(2025, 3, 18), 2, U);
    att(&in, 1, 3, D(2025, 3, 25), 1, L);
    att(&in, 1, 3, D(2025, 3, 25), 2, L);
    res(&in, 1, 3, "U1", "A1", D(2025, 2, 1), NAN, 100, -1, 0, 0);
    eng(&in, 1, 3, D(2025, 3, 20), "lms", "logins", 0);

    /* L5: no target, everything bad */
    att_weekdays(&in, 1, 5, D(2025, 1, 6), D(2025, 3, 28), U);
    res(&in, 1, 5, "U1", "A1", D(2025, 3, 1), 0, 100, 0, 1, 0);
    beh(&in, 1, 5, D(2025, 3, 20), 3);
    eng(&in, 1, 5, D(2025, 3, 21), "lms", "minutes", 999);

    /* L6: present Dec..Apr but for two unexcused days */
    att_weekdays(&in, 1, 6, D(2024, 12, 2), D(2025, 4, 11), P);
    exec_sql(st, "UPDATE attendance SET status = 3 WHERE institution_id = 1 AND learner_id = 6"
                 " AND date IN ('2025-01-09', '2025-01-14')");

    /* the other institution's learner 1: all bad */
    att_weekdays(&in, 2, 1, D(2025, 1, 6), D(2025, 3, 28), U);
    res(&in, 2, 1, "U1", "A1", D(2025, 3, 1), 0, 100, 0, 1, 1);
    beh(&in, 2, 1, D(2025, 3, 27), 1);
    eng(&in, 2, 1, D(2025, 3, 27), "lms", "logins", 9);
    if (store_tx_commit(st, &err)) fail_msg("%s", err.msg);
    ins_close(&in);
}

/* The targets of the tiny college. */
#define NTARGETS 6
static const struct { int64_t learner; int y, m, d; } target_spec[NTARGETS] = {
    {1, 2025, 3, 28}, {1, 2025, 3, 14}, {2, 2025, 3, 28},
    {3, 2025, 3, 28}, {4, 2025, 3, 28}, {6, 2025, 5, 2},
};

/* Fill t[0..NTARGETS) with the college's targets. */
static void college_targets(risk_target *t) {
    for (int i = 0; i < NTARGETS; i++) {
        t[i].learner_id = target_spec[i].learner;
        t[i].enrolment_id = target_spec[i].learner;
        t[i].group_id = target_spec[i].learner == 6 ? 0 : 1;
        t[i].asof = D(target_spec[i].y, target_spec[i].m, target_spec[i].d);
        t[i].start = D(2024, 9, 2);
    }
}

/* Compute the features of t[0..n) on institution inst; fails on error.
** Caller frees. */
static risk_features *compute(store *st, int64_t inst, const risk_target *t, size_t n) {
    cairn_err err = {0};
    risk_features *f = NULL;
    if (risk_features_compute(st, inst, t, n, &f, &err)) fail_msg("compute: %s", err.msg);
    return f;
}

/* Fail unless feature k of f is want (NAN matches NAN only). */
static void expect_v(const risk_features *f, int k, double want, const char *who) {
    double got = f->v[k];
    const char *code = risk_feature_info_of((risk_feature)k)->code;
    if (isnan(want)) {
        if (!isnan(got)) fail_msg("%s %s: got %.17g, want NAN", who, code, got);
        return;
    }
    if (isnan(got) || fabs(got - want) > 1e-9 * (1 + fabs(want)))
        fail_msg("%s %s: got %.17g, want %.17g", who, code, got, want);
}

/* The hand-worked answers for target i of the college, all RF_COUNT. */
static void college_expected(int i, double *w) {
    for (int k = 0; k < RF_COUNT; k++) w[k] = NAN;
    w[RF_BEHAV_MINOR_8W] = w[RF_BEHAV_SERIOUS_8W] = 0;
    switch (i) {
    case 0:   /* L1 at A */
        w[RF_ATT_RATE_2W] = 40.0;     /* weeks 1, 0: 4 of 10 */
        w[RF_ATT_RATE_4W] = 55.0;     /* + week 2 (2) + week 3 (5): 11 of 20 */
        w[RF_ATT_RATE_8W] = 77.5;     /* 6 + 25 of 40 */
        w[RF_ATT_RATE_TERM] = 85.0;   /* 6 + 45 of 60; December not in the term */
        w[RF_UNEXCUSED_4W] = 7;
        w[RF_UNEXCUSED_TERM] = 7;
        w[RF_UNEXCUSED_STREAK] = 4;   /* Wed 12 - Mon 17 March across a weekend */
        w[RF_LATE_4W] = 2;
        w[RF_ATT_SLOPE_8W] = -75.0 / 7.0;   /* 100 x5 then 40 x3: Sxy -450 / Sxx 42 */
        w[RF_ATT_DROP] = -60;         /* 100 for 9 weeks, then 40 */
        w[RF_ATT_DROP_WEEKS] = 3;
        w[RF_FAILED_TERM] = 2;        /* 40/100 passed no; 27/60 passed unknown */
        w[RF_MISSING_TERM] = 1;
        w[RF_LATE_SUBMIT_TERM] = 1;
        w[RF_SCORE_AVG_TERM] = 58.75; /* (70 + 40 + 45 + 80) / 4 */
        w[RF_SCORE_CHANGE] = -12.5;   /* 58.75 - (75 + 75 + 63.75) / 3 */
        w[RF_BEHAV_MINOR_8W] = 2;
        w[RF_BEHAV_SERIOUS_8W] = 2;   /* 20 January is 67 days back */
        w[RF_LMS_ACTIVE_4W] = 7;      /* 3,4,5,6,10,11,24 March; 0-valued days not */
        w[RF_LMS_MINUTES_4W] = 87.5;  /* 30 + 45 + 12.5 */
        w[RF_LMS_LOGINS_4W] = 8;      /* each metric its own indicator: 1+2+1+1+1+1+1+0 */
        w[RF_LMS_CLICKS_4W] = 0;      /* "views" count as clicks: one row, 0 */
        w[RF_LMS_DAYS_SINCE] = 4;
        w[RF_LMS_TREND] = -5;         /* 1 - 6 */
        w[RF_WEEKS_ENROLLED] = 207.0 / 7.0;
        break;
    case 1:   /* L1 at A2: week 0 is 10-14 March */
        w[RF_ATT_RATE_2W] = 70.0;     /* 5 + 2 of 10 */
        w[RF_ATT_RATE_4W] = 85.0;     /* 15 + 2 of 20 */
        w[RF_ATT_RATE_8W] = 92.5;     /* 35 + 2 of 40 */
        w[RF_ATT_RATE_TERM] = 94.0;   /* 45 + 2 of 50 */
        w[RF_UNEXCUSED_4W] = 3;
        w[RF_UNEXCUSED_TERM] = 3;
        w[RF_UNEXCUSED_STREAK] = 3;   /* 17 March is after A2 */
        w[RF_LATE_4W] = 1;
        w[RF_ATT_SLOPE_8W] = -5.0;    /* 100 x7 then 40: Sxy -210 / 42 */
        w[RF_ATT_DROP] = -30;         /* 10 weeks 100..100,40: best split leaves 100,40 after */
        w[RF_ATT_DROP_WEEKS] = 2;
        w[RF_FAILED_TERM] = 2;
        w[RF_MISSING_TERM] = 0;
        w[RF_LATE_SUBMIT_TERM] = 0;
        w[RF_SCORE_AVG_TERM] = 155.0 / 3.0;
        w[RF_SCORE_CHANGE] = 155.0 / 3.0 - 71.25;
        w[RF_BEHAV_MINOR_8W] = 1;
        w[RF_BEHAV_SERIOUS_8W] = 2;   /* 20 January is 53 days back */
        w[RF_LMS_ACTIVE_4W] = 7;      /* 20 Feb, 3,4,5,6,10,11 March */
        w[RF_LMS_MINUTES_4W] = 175;
        w[RF_LMS_LOGINS_4W] = 8;      /* 20 Feb .. 11 March */
        w[RF_LMS_CLICKS_4W] = 0;      /* the college sends clicks: none in these weeks is 0 */
        w[RF_LMS_DAYS_SINCE] = 3;
        w[RF_LMS_TREND] = 5;          /* 6 - 1 */
        w[RF_WEEKS_ENROLLED] = 193.0 / 7.0;
        break;
    case 2:   /* L2 at A */
        w[RF_ATT_RATE_2W] = 90.0;
        w[RF_ATT_RATE_4W] = 90.0;     /* 18 of 20 */
        w[RF_ATT_RATE_8W] = 90.0;
        w[RF_ATT_RATE_TERM] = 90.0;
        w[RF_UNEXCUSED_4W] = 0;
        w[RF_UNEXCUSED_TERM] = 0;
        w[RF_UNEXCUSED_STREAK] = 0;
        w[RF_LATE_4W] = 0;
        w[RF_ATT_SLOPE_8W] = 0;       /* 100, 80, 80, 100 */
        w[RF_ATT_DROP] = 0;           /* 90 | 90: no shift */
        w[RF_ATT_DROP_WEEKS] = 0;
        w[RF_LMS_ACTIVE_4W] = 0;
        w[RF_LMS_MINUTES_4W] = 0;
        w[RF_LMS_LOGINS_4W] = w[RF_LMS_CLICKS_4W] = 0;
        w[RF_LMS_DAYS_SINCE] = 77;    /* 10 January */
        w[RF_LMS_TREND] = 0;
        w[RF_WEEKS_ENROLLED] = 207.0 / 7.0;
        break;
    case 3:   /* L3 at A: two days in two lessons each */
        w[RF_ATT_RATE_2W] = 75.0;     /* (1/2 + 2/2) / 2 */
        w[RF_ATT_RATE_4W] = 75.0;
        w[RF_ATT_RATE_8W] = 75.0;
        w[RF_ATT_RATE_TERM] = 75.0;
        w[RF_UNEXCUSED_4W] = 0.5;
        w[RF_UNEXCUSED_TERM] = 0.5;
        w[RF_UNEXCUSED_STREAK] = 0;   /* was in one lesson that day */
        w[RF_LATE_4W] = 2;
        w[RF_FAILED_TERM] = 0;        /* one result, no score */
        w[RF_MISSING_TERM] = 0;
        w[RF_LATE_SUBMIT_TERM] = 0;
        w[RF_WEEKS_ENROLLED] = 207.0 / 7.0;
        break;
    case 4:   /* L4: nothing known */
        w[RF_WEEKS_ENROLLED] = 207.0 / 7.0;
        break;
    case 5:   /* L6 at A3: no term holds A3, so 11 January .. 2 May */
        w[RF_ATT_RATE_4W] = 100.0;    /* 7-11 April */
        w[RF_ATT_RATE_8W] = 100.0;
        w[RF_ATT_RATE_TERM] = 100.0 * 64 / 65;   /* 13 Jan - 11 Apr, 14 Jan away */
        w[RF_UNEXCUSED_4W] = 0;
        w[RF_UNEXCUSED_TERM] = 1;     /* 9 January is before the 16 weeks */
        w[RF_UNEXCUSED_STREAK] = 1;
        w[RF_LATE_4W] = 0;
        w[RF_ATT_SLOPE_8W] = 0;
        w[RF_ATT_DROP] = 0;
        w[RF_ATT_DROP_WEEKS] = 0;
        w[RF_WEEKS_ENROLLED] = 242.0 / 7.0;
        break;
    }
}

/* Fail unless every feature of every college target is the hand-worked one. */
static void college_check(const risk_features *f, const risk_target *t) {
    for (int i = 0; i < NTARGETS; i++) {
        double w[RF_COUNT];
        char who[64];
        college_expected(i, w);
        snprintf(who, sizeof who, "target %d (learner %lld)", i, (long long)t[i].learner_id);
        assert_memory_equal(&f[i].t, &t[i], sizeof t[i]);
        for (int k = 0; k < RF_COUNT; k++) expect_v(&f[i], k, w[k], who);
    }
}

/* ---- tests ---------------------------------------------------------------- */

/* Every indicator has a unique code, a name, a unit and a direction. */
static void t_info(void **state) {
    (void)state;
    for (int f = 0; f < RF_COUNT; f++) {
        const risk_feature_info *in = risk_feature_info_of((risk_feature)f);
        assert_non_null(in);
        assert_non_null(in->code);
        assert_true(strlen(in->name) > 10);
        assert_true(strlen(in->unit) > 0);
        assert_true(in->direction >= -1 && in->direction <= 1);
        assert_int_equal(risk_feature_find(in->code), f);
        for (int g = 0; g < f; g++)
            assert_string_not_equal(in->code, risk_feature_info_of((risk_feature)g)->code);
    }
    const risk_feature_info *a = risk_feature_info_of(RF_ATT_RATE_4W);
    assert_string_equal(a->code, "att_rate_4w");
    assert_string_equal(a->name, "attendance in the last 4 weeks");
    assert_string_equal(a->unit, "%");
    assert_int_equal(a->direction, -1);
    assert_int_equal(risk_feature_info_of(RF_UNEXCUSED_STREAK)->direction, 1);
    assert_null(risk_feature_info_of(RF_COUNT));
    assert_int_equal(risk_feature_find("no_such"), -1);
}

/* The change point and slope arithmetic on its own. */
static void t_calc(void **state) {
    (void)state;
    double drop, weeks;
    const double fine_then_gone[12] = {100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 0, 0};
    const int wk[12] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    risk_calc_change_point(fine_then_gone, wk, 12, &drop, &weeks);
    assert_true(drop == -100.0 && weeks == 3.0);
    /* a recovery: after - before is positive */
    const double back[6] = {20, 20, 20, 90, 90, 90};
    risk_calc_change_point(back, wk + 6, 6, &drop, &weeks);
    assert_true(drop == 70.0 && weeks == 3.0);
    /* 3 weeks are too few */
    risk_calc_change_point(back, wk, 3, &drop, &weeks);
    assert_true(isnan(drop) && isnan(weeks));
    /* a tie goes to the more recent split: 0 0 | 50 50 | 0 0 is symmetric */
    const double bump[6] = {0, 0, 50, 50, 0, 0};
    risk_calc_change_point(bump, wk + 6, 6, &drop, &weeks);
    assert_true(weeks == 2.0 && drop == -25.0);
    const double x[4] = {0, 1, 2, 3}, y[4] = {10, 20, 30, 40};
    assert_true(risk_calc_slope(x, y, 4) == 10.0);
}

/* Rows that come back out of order are put in one order fixed by their
** content: the same indicators, bit for bit, whatever the input order. */
static void t_row_order(void **state) {
    (void)state;
    /* days out of order, a day split in two pieces */
    risk_att_day d[5] = {{20, 1, 1, 0, 0}, {10, 2, 1, 1, 1}, {30, 1, 0, 0, 1},
                         {10, 1, 0, 0, 1}, {25, 1, 1, 1, 0}};
    size_t n = risk_att_days_order(d, 5);
    assert_int_equal(n, 4);
    assert_int_equal(d[0].day, 10);
    assert_int_equal(d[0].n, 3);
    assert_int_equal(d[0].att, 1);
    assert_int_equal(d[0].late, 1);
    assert_int_equal(d[0].unx, 2);
    assert_int_equal(d[1].day, 20);
    assert_int_equal(d[2].day, 25);
    assert_int_equal(d[3].day, 30);

    /* platform rows in two orders: the same days, the same minute sums */
    risk_eng_row a[6] = {{5, 1, 0.1}, {3, 0, 1}, {5, 1, 0.2}, {5, 0, 0}, {5, 1, 0.3}, {3, 1, 0}};
    risk_eng_row b[6] = {{5, 1, 0.3}, {5, 0, 0}, {3, 1, 0}, {5, 1, 0.1}, {3, 0, 1}, {5, 1, 0.2}};
    risk_eng_day *da = NULL, *db = NULL;
    size_t ca = 0, cb = 0;
    size_t na = risk_eng_days_from_rows(a, 6, &da, &ca);
    size_t nb = risk_eng_days_from_rows(b, 6, &db, &cb);
    assert_int_equal(na, 2);
    assert_int_equal(nb, 2);
    assert_memory_equal(da, db, 2 * sizeof *da);
    assert_int_equal(da[0].day, 3);
    assert_int_equal(da[0].active, 1);
    assert_true(da[0].sum[RISK_METRIC_MINUTES] == 0);
    assert_int_equal(da[1].active, 1);
    assert_true(da[1].sum[RISK_METRIC_MINUTES] == (0.1 + 0.2) + 0.3);   /* ascending values */
    free(da);
    free(db);

    /* results: the average does not depend on the order */
    risk_res_row r1[3] = {{7, 0.1, 0, 0, 0}, {7, 0.7, 0, 0, 0}, {7, 0.2, 0, 0, 0}};
    risk_res_row r2[3] = {{7, 0.7, 0, 0, 0}, {7, 0.2, 0, 0, 0}, {7, 0.1, 0, 0, 0}};
    risk_res_rows_order(r1, 3);
    risk_res_rows_order(r2, 3);
    for (int i = 0; i < 3; i++)   /* field by field: the struct has padding */
        assert_true(r1[i].day == r2[i].day && r1[i].pct == r2[i].pct);
    assert_true(r1[0].pct == 0.1 && r1[2].pct == 0.7);
    risk_beh_row b1[3] = {{9, 3}, {2, 1}, {9, 1}};
    risk_beh_rows_order(b1, 3);
    assert_true(b1[0].day == 2 && b1[1].severity == 1 && b1[2].severity == 3);
}

/* A school that sends clicks, forum posts and submissions but no minutes:
** each metric its own indicator (names in any case, "page_views" counting as
** clicks), minutes and logins not known (never "0 minutes"), a metric cairn
** does not know only making a day active; the model's inputs are the
** metrics the data has; the calendar figures come from the terms. */
static void t_platform_metrics(void **state) {
    store *st = fresh_school(state, "feat_metrics");
    exec_sql(st,
        "INSERT INTO institution (id, code, name, created_at) VALUES"
        " (1, 'M', 'Online college', '2025-01-01T00:00:00Z');"
        "INSERT INTO term (institution_id, id, code, name, school_year, start_date, end_date)"
        " VALUES (1, 1, 'T2', 'Spring', '2024/25', '2025-01-06', '2025-04-11');"
        "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
        " (1, 1, 'L1', 'Ann', 'A'), (1, 2, 'L2', 'Bo', 'B');");
    ins in = ins_open(st);
    cairn_err err = {0};
    if (store_tx_begin(st, &err)) fail_msg("%s", err.msg);
    eng(&in, 1, 1, D(2025, 3, 3), "vle", "Clicks", 10);
    eng(&in, 1, 1, D(2025, 3, 20), "vle", "clicks", 5);
    eng(&in, 1, 1, D(2025, 3, 20), "vle", "forum_posts", 2);
    eng(&in, 1, 1, D(2025, 3, 21), "vle", "submissions", 1);
    eng(&in, 1, 1, D(2025, 3, 25), "vle", "badges", 3);
    eng(&in, 1, 2, D(2025, 3, 10), "vle", "page_views", 4);
    if (store_tx_commit(st, &err)) fail_msg("%s", err.msg);
    ins_close(&in);
    risk_target t[3] = {{1, 1, 0, A, D(2025, 1, 6)}, {2, 2, 0, A, D(2025, 1, 6)},
                        {1, 1, 0, D(2025, 4, 25), D(2025, 1, 6)}};
    risk_features *f = compute(st, 1, t, 3);
    expect_v(&f[0], RF_LMS_CLICKS_4W, 15, "L1");
    expect_v(&f[0], RF_LMS_POSTS_4W, 2, "L1");
    expect_v(&f[0], RF_LMS_SUBMISSIONS_4W, 1, "L1");
    expect_v(&f[0], RF_LMS_MINUTES_4W, NAN, "L1");
    expect_v(&f[0], RF_LMS_LOGINS_4W, NAN, "L1");
    expect_v(&f[0], RF_LMS_ACTIVE_4W, 4, "L1");   /* badges make 25 March active */
    expect_v(&f[0], RF_LMS_DAYS_SINCE, 3, "L1");
    expect_v(&f[1], RF_LMS_CLICKS_4W, 4, "L2");
    expect_v(&f[1], RF_LMS_POSTS_4W, 0, "L2");   /* the school sends posts; L2 wrote none */
    expect_v(&f[1], RF_LMS_MINUTES_4W, NAN, "L2");
    assert_int_equal(risk_metrics_known(f, 3), (1u << RISK_METRIC_CLICKS) |
                                               (1u << RISK_METRIC_SUBMISSIONS) |
                                               (1u << RISK_METRIC_POSTS));
    risk_cols c;
    risk_cols_for(&c, f, 3);
    int has_minutes = 0, has_clicks = 0;
    for (size_t i = 0; i < c.n; i++) {
        has_minutes |= c.col[i].feature == RF_LMS_MINUTES_4W ||
                       c.col[i].feature == RF_LMS_LOGINS_4W;
        has_clicks |= c.col[i].feature == RF_LMS_CLICKS_4W;
    }
    assert_false(has_minutes);
    assert_true(has_clicks);
    /* the calendar: in term time nothing idle was a break; two weeks after
    ** the term ended, 14 of the 31 idle days were */
    assert_int_equal(f[0].calendar, 1);
    assert_true(f[0].idle_break == 0 && f[0].cal_2w_change == 0);
    expect_v(&f[2], RF_LMS_DAYS_SINCE, 31, "L1 after the term");
    assert_true(f[2].idle_break == 14);
    assert_true(f[2].cal_2w_change == -10);   /* 12-25 April: none; 29 March-11 April: 10 */
    free(f);
    test_store_drop(st);
}

/* Every indicator of every target of the tiny college, worked out by hand;
** also across chunk borders (one learner per chunk). */
static void t_known_answers(void **state) {
    store *st = fresh_school(state, "feat_known");
    college_build(st);
    risk_target t[NTARGETS];
    college_targets(t);
    risk_features *f = compute(st, 1, t, NTARGETS);
    college_check(f, t);
    for (size_t chunk = 1; chunk <= 3; chunk++) {
        risk_chunk_learners = chunk;
        risk_features *g = compute(st, 1, t, NTARGETS);
        risk_chunk_learners = RISK_CHUNK_LEARNERS;
        for (int i = 0; i < NTARGETS; i++)
            assert_memory_equal(g[i].v, f[i].v, sizeof f[i].v);
        free(g);
    }
    free(f);
    test_store_drop(st);
}

/* Reversed, shuffled and repeated targets get exactly the same indicators. */
static void t_order(void **state) {
    store *st = fresh_school(state, "feat_order");
    college_build(st);
    risk_target t[NTARGETS], u[3 * NTARGETS];
    college_targets(t);
    risk_features *f = compute(st, 1, t, NTARGETS);
    /* reversed, then a fixed shuffle, then reversed again */
    static const int perm[NTARGETS] = {3, 5, 0, 4, 1, 2};
    for (int i = 0; i < NTARGETS; i++) {
        u[i] = t[NTARGETS - 1 - i];
        u[NTARGETS + i] = t[perm[i]];
        u[2 * NTARGETS + i] = t[NTARGETS - 1 - i];
    }
    risk_features *g = compute(st, 1, u, 3 * NTARGETS);
    for (int i = 0; i < NTARGETS; i++) {
        assert_memory_equal(&g[i].t, &u[i], sizeof u[i]);
        assert_memory_equal(g[i].v, f[NTARGETS - 1 - i].v, sizeof f[0].v);
        assert_memory_equal(g[NTARGETS + i].v, f[perm[i]].v, sizeof f[0].v);
        assert_memory_equal(g[2 * NTARGETS + i].v, f[NTARGETS - 1 - i].v, sizeof f[0].v);
    }
    free(g);
    /* no targets: no rows, no error */
    cairn_err err = {0};
    risk_features *none = (risk_features *)1;
    assert_int_equal(risk_features_compute(st, 1, t, 0, &none, &err), 0);
    assert_null(none);
    free(f);
    test_store_drop(st);
}

/* Events dated after each target's asof — the day after included — change
** no indicator of any target, bit for bit. */
static void t_leakage(void **state) {
    store *st = fresh_school(state, "feat_leak");
    college_build(st);
    risk_target t[NTARGETS];
    college_targets(t);
    risk_features *before = compute(st, 1, t, NTARGETS);

    /* for each learner, events after the latest asof it has a target at */
    ins in = ins_open(st);
    in.incident = 1000;
    static const int64_t learners[] = {1, 2, 3, 4, 6};
    static const int after[] = {1, 2, 3, 6, 10, 30, 60, 200};
    cairn_err err = {0};
    if (store_tx_begin(st, &err)) fail_msg("%s", err.msg);
    for (size_t li = 0; li < sizeof learners / sizeof *learners; li++) {
        int64_t l = learners[li];
        int32_t last = 0;
        for (int i = 0; i < NTARGETS; i++)
            if (t[i].learner_id == l && t[i].asof > last) last = t[i].asof;
        for (size_t k = 0; k < sizeof after / sizeof *after; k++) {
            int32_t d = last + after[k];
            char unit[16];
            snprintf(unit, sizeof unit, "Z%d", after[k]);
            /* sessions 7 and 8 are new keys even where a day already has a row */
            att(&in, 1, l, d, 7, U);
            att(&in, 1, l, d, 8, L);
            res(&in, 1, l, unit, "A9", d, 0, 100, 0, 1, 0);
            res(&in, 1, l, unit, "A8", d, NAN, 100, 0, 0, 1);
            beh(&in, 1, l, d, 1);
            beh(&in, 1, l, d, 3);
            eng(&in, 1, l, d, "leak", "logins", 5);
            eng(&in, 1, l, d, "leak", "minutes", 500);
        }
    }
    /* and a term that starts the day after the latest asof */
    exec_sql(st, "INSERT INTO term (institution_id, id, code, name, school_year, start_date,"
                 " end_date) VALUES (1, 3, 'T3', 'Summer', '2024/25', '2025-05-03', '2025-06-27')");
    if (store_tx_commit(st, &err)) fail_msg("%s", err.msg);
    ins_close(&in);

    risk_features *later = compute(st, 1, t, NTARGETS);
    for (int i = 0; i < NTARGETS; i++)
        for (int k = 0; k < RF_COUNT; k++)
            if (memcmp(&before[i].v[k], &later[i].v[k], sizeof(double)) != 0)
                fail_msg("target %d %s: %.17g before the later events, %.17g after", i,
                         risk_feature_info_of((risk_feature)k)->code, before[i].v[k],
                         later[i].v[k]);
    /* the extra events are there: a target one day later sees them */
    risk_target t1 = t[0];
    t1.asof += 1;
    risk_features *seen = compute(st, 1, &t1, 1);
    assert_true(seen->v[RF_BEHAV_SERIOUS_8W] > before[0].v[RF_BEHAV_SERIOUS_8W]);
    assert_true(seen->v[RF_LMS_DAYS_SINCE] == 0);
    free(seen);
    free(before);
    free(later);
    test_store_drop(st);
}

/* A date that is not a real day stops the computation with a message that
** names the table and the learner, and nothing is returned. */
static void t_bad_date(void **state) {
    store *st = fresh_school(state, "feat_bad");
    college_build(st);
    risk_target t[NTARGETS];
    college_targets(t);
    /* 30 February sorts among the learner's real February days */
    exec_sql(st, "INSERT INTO attendance (institution_id, learner_id, date, session, status)"
                 " VALUES (1, 1, '2025-02-30', 0, 0)");
    cairn_err err = {0};
    risk_features *f = (risk_features *)1;
    assert_int_equal(risk_features_compute(st, 1, t, NTARGETS, &f, &err), -1);
    assert_null(f);
    if (!strstr(err.msg, "attendance of learner id 1 has a date that is not YYYY-MM-DD"))
        fail_msg("message: %s", err.msg);
    /* the store is still usable: no transaction left open */
    assert_false(store_in_tx(st));
    exec_sql(st, "DELETE FROM attendance WHERE date = '2025-02-30'");
    f = compute(st, 1, t, NTARGETS);
    college_check(f, t);
    free(f);
    test_store_drop(st);
}

/* Which enrolments are active on a day. */
static void t_targets_active(void **state) {
    store *st = fresh_school(state, "feat_active");
    exec_sql(st,
        "INSERT INTO institution (id, code, name, created_at) VALUES"
        " (1, 'T', 'Test college', '2025-01-01T00:00:00Z'),"
        " (2, 'O', 'Other college', '2025-01-01T00:00:00Z');"
        "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P', 'Plumbing'),"
        " (2, 1, 'P', 'Plumbing');"
        "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
        " (1, 7, 'G', 'Group', 1);"
        "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
        " (1, 1, 'L1', 'A', 'A'), (1, 2, 'L2', 'B', 'B'), (1, 3, 'L3', 'C', 'C'),"
        " (1, 4, 'L4', 'D', 'D'), (1, 5, 'L5', 'E', 'E'), (1, 6, 'L6', 'F', 'F'),"
        " (1, 7, 'L7', 'G', 'G'), (2, 1, 'X1', 'X', 'X');"
        "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id,"
        " start_date, status, exit_date, exit_reason) VALUES"
        " (1, 10, 1, 1, 7, '2024-09-02', 'active', NULL, NULL),"           /* active */
        " (1, 11, 2, 1, 7, '2024-09-02', 'left_early', '2025-03-27', 'personal'),"  /* gone */
        " (1, 12, 3, 1, NULL, '2024-09-02', 'left_early', '2025-03-28', 'personal'),"/* last day */
        " (1, 13, 4, 1, 7, '2025-03-29', 'active', NULL, NULL),"           /* not yet */
        " (1, 14, 5, 1, 7, '2024-09-02', 'paused', NULL, NULL),"           /* paused */
        " (1, 15, 6, 1, 7, '2025-03-28', 'active', NULL, NULL),"           /* first day */
        " (1, 16, 7, 1, 7, '2024-09-02', 'completed', '2025-06-27', 'completed'),"
        " (1, 17, 1, 1, 7, '2023-09-04', 'completed', '2024-06-28', 'completed'),"
        " (2, 18, 1, 1, NULL, '2024-09-02', 'active', NULL, NULL);");
    cairn_err err = {0};
    risk_target *t;
    size_t n;
    int32_t asof = D(2025, 3, 28);
    assert_int_equal(risk_targets_active(st, 1, asof, &t, &n, &err), 0);
    static const int64_t want_enr[] = {10, 12, 14, 15, 16};
    static const int64_t want_lrn[] = {1, 3, 5, 6, 7};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i].enrolment_id, want_enr[i]);
        assert_int_equal(t[i].learner_id, want_lrn[i]);
        assert_int_equal(t[i].asof, asof);
        assert_int_equal(t[i].group_id, want_lrn[i] == 3 ? 0 : 7);
        assert_int_equal(t[i].start, want_lrn[i] == 6 ? asof : D(2024, 9, 2));
    }
    free(t);
    /* risk_features_asof: the same enrolments, weeks enrolled from their start */
    risk_features *f;
    assert_int_equal(risk_features_asof(st, 1, asof, &f, &n, &err), 0);
    assert_int_equal(n, 5);
    assert_int_equal(f[3].t.enrolment_id, 15);
    assert_true(f[3].v[RF_WEEKS_ENROLLED] == 0.0);
    assert_true(isnan(f[3].v[RF_ATT_RATE_4W]));
    free(f);
    /* before anyone started: none */
    assert_int_equal(risk_targets_active(st, 1, D(2020, 1, 1), &t, &n, &err), 0);
    assert_int_equal(n, 0);
    free(t);
    test_store_drop(st);
}

/* SQLite answers each event query by walking a key in order: no sort, and
** attendance and engagement are looked up per learner and date range. */
static void t_query_plans(void **state) {
    store *st = fresh_school(state, "feat_plan");
    for (int q = RISK_Q_ATTENDANCE; q < RISK_Q_COUNT; q++) {
        buf sql = BUF_INIT, plan = BUF_INIT;
        buf_printf(&sql, "EXPLAIN QUERY PLAN %s", risk_features_sql[q]);
        cairn_err err = {0};
        store_stmt *s = store_prepare(st, buf_cstr(&sql), &err);
        if (!s) fail_msg("%s: %s", buf_cstr(&sql), err.msg);
        int rc;
        while ((rc = store_step(s, &err)) == STORE_ROW) {
            buf_puts(&plan, store_col_text(s, 3));
            buf_putc(&plan, '\n');
        }
        assert_int_equal(rc, STORE_DONE);
        store_finalize(s);
        if (strstr(buf_cstr(&plan), "TEMP B-TREE"))
            fail_msg("query %d sorts:\n%s\n%s", q, risk_features_sql[q], buf_cstr(&plan));
        if ((q == RISK_Q_ATTENDANCE || q == RISK_Q_ENGAGEMENT) &&
            !strstr(buf_cstr(&plan), "PRIMARY KEY (institution_id=? AND learner_id=? AND date>? "
                                     "AND date<?)"))
            fail_msg("query %d does not look rows up by learner and date:\n%s", q,
                     buf_cstr(&plan));
        buf_free(&sql);
        buf_free(&plan);
    }
    test_store_drop(st);
}

/* Mean of feature k over f[0..n), NAN left out; *known gets how many. */
static double mean_of(const risk_features *f, size_t n, int k, size_t *known) {
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(f[i].v[k])) {
            s += f[i].v[k];
            c++;
        }
    *known = c;
    return c ? s / (double)c : NAN;
}

/* The demo school: values in range, and the learners who leave early show
** lower attendance in their last 4 weeks than their classmates on the same
** days. */
static void t_demo(void **state) {
    store *st = fresh_school(state, "feat_demo");
    demo_opts o = {0};
    o.learners = 300;
    o.seed = 5;
    o.years = 1;
    cairn_err err = {0};
    if (school_demo_load(st, &o, NULL, &err)) fail_msg("demo: %s", err.msg);
    int64_t inst;
    if (school_institution_resolve(st, NULL, &inst, &err)) fail_msg("%s", err.msg);
    int32_t first, last;
    if (school_demo_period(&o, &first, &last, &err)) fail_msg("%s", err.msg);

    /* everyone active on the last school day: in range */
    risk_features *f;
    size_t n;
    if (risk_features_asof(st, inst, last, &f, &n, &err)) fail_msg("%s", err.msg);
    int64_t active;
    cairn_err e2 = {0};
    char sql[256], day[DATE_TEXT_LEN];
    date_format(last, day);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM enrolment WHERE institution_id = %lld AND"
             " start_date <= '%s' AND (exit_date IS NULL OR exit_date >= '%s')",
             (long long)inst, day, day);
    if (store_query_int64(st, sql, -1, &active, &e2)) fail_msg("%s", e2.msg);
    assert_int_equal(n, (size_t)active);
    assert_true(n > 150);
    for (size_t i = 0; i < n; i++) {
        const double *v = f[i].v;
        for (int k = RF_ATT_RATE_2W; k <= RF_ATT_RATE_TERM; k++)
            assert_true(isnan(v[k]) || (v[k] >= 0 && v[k] <= 100));
        assert_true(isnan(v[RF_UNEXCUSED_4W]) ||
                    (v[RF_UNEXCUSED_4W] >= 0 && v[RF_UNEXCUSED_4W] <= 20));
        assert_true(isnan(v[RF_UNEXCUSED_TERM]) ||
                    v[RF_UNEXCUSED_STREAK] <= v[RF_UNEXCUSED_TERM]);
        assert_true(isnan(v[RF_ATT_DROP_WEEKS]) ||
                    (v[RF_ATT_DROP_WEEKS] >= 0 && v[RF_ATT_DROP_WEEKS] <= 10));
        assert_true(isnan(v[RF_SCORE_AVG_TERM]) ||
                    (v[RF_SCORE_AVG_TERM] >= 0 && v[RF_SCORE_AVG_TERM] <= 100));
        assert_true(v[RF_BEHAV_MINOR_8W] >= 0 && v[RF_BEHAV_SERIOUS_8W] >= 0);
        assert_true(isnan(v[RF_LMS_ACTIVE_4W]) ||
                    (v[RF_LMS_ACTIVE_4W] >= 0 && v[RF_LMS_ACTIVE_4W] <= 28));
        assert_true(isnan(v[RF_LMS_DAYS_SINCE]) || v[RF_LMS_DAYS_SINCE] >= 0);
        assert_true(isnan(v[RF_MOOD_TREND]));
        assert_true(v[RF_WEEKS_ENROLLED] >= 0);
    }
    size_t known;
    mean_of(f, n, RF_ATT_RATE_4W, &known);
    assert_true(known > 0.95 * (double)n);     /* nearly everyone has attendance */
    mean_of(f, n, RF_LMS_ACTIVE_4W, &known);
    assert_true(known > 0.8 * (double)n);      /* most use the platform */
    free(f);

    /* leavers at their exit date against everyone else active that day */
    store_stmt *s = store_prepare(st, "SELECT learner_id, id, start_date, exit_date FROM"
                                  " enrolment WHERE institution_id = ? AND status = 'left_early'"
                                  " ORDER BY id", &err);
    if (!s) fail_msg("%s", err.msg);
    store_bind_int64(s, 1, inst);
    risk_target *leavers = NULL, *others = NULL;
    size_t nl = 0, no = 0;
    int rc;
    while ((rc = store_step(s, &err)) == STORE_ROW) {
        risk_target t = {0};
        t.learner_id = store_col_int64(s, 0);
        t.enrolment_id = store_col_int64(s, 1);
        const char *sd = store_col_text(s, 2), *xd = store_col_text(s, 3);
        if (date_parse(sd, strlen(sd), &t.start) || date_parse(xd, strlen(xd), &t.asof))
            fail_msg("bad dates %s %s", sd, xd);
        if (t.asof - t.start < 35) continue;   /* too short a stay to compare */
        leavers = xrealloc(leavers, (nl + 1) * sizeof *leavers);
        leavers[nl++] = t;
        risk_target *act;
        size_t na;
        if (risk_targets_active(st, inst, t.asof, &act, &na, &err)) fail_msg("%s", err.msg);
        others = xrealloc(others, (no + na) * sizeof *others);
        for (size_t i = 0; i < na; i++)
            if (act[i].learner_id != t.learner_id) others[no++] = act[i];
        free(act);
    }
    assert_int_equal(rc, STORE_DONE);
    store_finalize(s);
    assert_true(nl >= 20);
    risk_features *fl = compute(st, inst, leavers, nl);
    risk_features *fo = compute(st, inst, others, no);
    size_t kl, ko;
    double ml = mean_of(fl, nl, RF_ATT_RATE_4W, &kl), mo = mean_of(fo, no, RF_ATT_RATE_4W, &ko);
    double ul = mean_of(fl, nl, RF_UNEXCUSED_4W, &kl), uo = mean_of(fo, no, RF_UNEXCUSED_4W, &ko);
    double dl = mean_of(fl, nl, RF_ATT_DROP, &kl), dd = mean_of(fo, no, RF_ATT_DROP, &ko);
    if (!(ml < mo - 5) || !(ul > uo + 1) || !(dl < dd))
        fail_msg("leavers (%zu) vs others (%zu): attendance 4w %.1f vs %.1f, unexcused 4w "
                 "%.2f vs %.2f, drop %.1f vs %.1f", nl, no, ml, mo, ul, uo, dl, dd);
    free(fl);
    free(fo);
    free(leavers);
    free(others);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_info),
        cmocka_unit_test(t_calc),
        cmocka_unit_test(t_row_order),
        BOTH(t_known_answers),
        BOTH(t_platform_metrics),
        BOTH(t_order),
        BOTH(t_leakage),
        BOTH(t_bad_date),
        BOTH(t_targets_active),
        {"t_query_plans [sqlite]", t_query_plans, NULL, NULL,
         (void *)(uintptr_t)&test_kind_sqlite},
        BOTH(t_demo),
    };
    return cmocka_run_group_tests_name("features", tests, NULL, NULL);
}
