/*
** tests/unit/test_intervention.c — interventions (support/intervention.h,
** support/intervention_effect.h): the catalogue's checks and its starter
** entries, runs, participants and sessions with their audit events, and the
** effect before and after with known answers, on SQLite and PostgreSQL.
*/
#include "testutil.h"
#include "base/date.h"
#include "base/suppress.h"
#include "support/intervention.h"
#include "support/intervention_effect.h"
#include "web/support/intervention_web.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z'),"
    " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'K1', 'Kim', 'Keyone'), (1, 2, 'T1', 'Tia', 'One'), (2, 1, 'X1', 'Xu', 'Other');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two'), (1, 3, 'L3', 'Cy', 'Three'),"
    " (2, 1, 'L1', 'Xia', 'Other');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active'),"
    " (1, 2, 2, 1, 1, '2024-09-01', 'active'), (1, 3, 3, 1, 1, '2024-09-01', 'active');";

/* The first column of sql's first row. */
static int64_t count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* A valid entry's fields, with name. */
static void fields_good(const char *in[IV_F_COUNT], const char *name) {
    in[IV_F_NAME] = name;
    in[IV_F_TIER] = "selective";
    in[IV_F_NEEDS] = "learning,attendance";
    in[IV_F_DOSAGE] = "Two sessions of 45 minutes a week";
    in[IV_F_DURATION] = "2";
    in[IV_F_DELIVERED_BY] = "Subject teacher";
    in[IV_F_EVIDENCE_LEVEL] = "moderate";
    in[IV_F_EVIDENCE_SOURCE] = "A study";
}

/* Every field is checked, each with its own problem, and nothing else. */
static void test_validate(void **state) {
    (void)state;
    const char *in[IV_F_COUNT] = {0};
    intervention e;
    intervention_problem p[IV_F_COUNT];
    assert_int_equal(intervention_validate(in, &e, p), 7);   /* all but duration */
    assert_int_equal(p[IV_F_NAME], IV_MISSING);
    assert_int_equal(p[IV_F_TIER], IV_MISSING);
    assert_int_equal(p[IV_F_NEEDS], IV_MISSING);
    assert_int_equal(p[IV_F_DURATION], IV_OK);
    assert_int_equal(e.duration_weeks, INTERVENTION_WEEKS_DEFAULT);
    fields_good(in, "  Tutoring  ");
    in[IV_F_NEEDS] = "money, learning,money";
    assert_int_equal(intervention_validate(in, &e, p), 0);
    assert_string_equal(e.name, "Tutoring");
    assert_string_equal(e.needs, "learning,money");           /* domain order, once */
    assert_int_equal(e.duration_weeks, 2);
    in[IV_F_DURATION] = "13";
    in[IV_F_TIER] = "tier2";
    in[IV_F_NEEDS] = "learning,astrology";
    in[IV_F_EVIDENCE_LEVEL] = "anecdote";
    in[IV_F_DOSAGE] = "two\x01sessions";
    assert_int_equal(intervention_validate(in, &e, p), 5);
    assert_int_equal(p[IV_F_DURATION], IV_OUT_OF_RANGE);
    assert_int_equal(p[IV_F_TIER], IV_BAD_CHOICE);
    assert_int_equal(p[IV_F_NEEDS], IV_BAD_CHOICE);
    assert_int_equal(p[IV_F_EVIDENCE_LEVEL], IV_BAD_CHOICE);
    assert_int_equal(p[IV_F_DOSAGE], IV_BAD_TEXT);
    in[IV_F_DURATION] = "0";
    fields_good(in, "x");
    in[IV_F_DURATION] = "0";
    assert_int_equal(intervention_validate(in, &e, p), 1);
    in[IV_F_DURATION] = "12";
    char longname[INTERVENTION_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    in[IV_F_NAME] = longname;
    assert_int_equal(intervention_validate(in, &e, p), 1);
    assert_int_equal(p[IV_F_NAME], IV_TOO_LONG);
}

/* The starter catalogue: ten entries once per institution, every tier,
** honest sources; saving, a taken name, editing. */
static void test_catalogue(void **state) {
    store *st = test_school_db(KIND(state), "interv_cat", school_sql);
    cairn_err err = {0};
    int added = -1;
    assert_int_equal(intervention_starter_ensure(st, 1, &added, &err), 0);
    assert_int_equal(added, 10);
    assert_int_equal(intervention_starter_ensure(st, 1, &added, &err), 0);
    assert_int_equal(added, 0);
    assert_int_equal(count(st, "DELETE FROM intervention WHERE institution_id = 1 AND id = 1"), 0);
    assert_int_equal(intervention_starter_ensure(st, 1, &added, &err), 0);
    assert_int_equal(added, 0);                               /* not given back */
    assert_int_equal(count(st, "SELECT count(*) FROM intervention WHERE institution_id = 1"), 9);
    assert_int_equal(count(st, "SELECT count(DISTINCT tier) FROM intervention"), 3);
    assert_int_equal(count(st, "SELECT count(*) FROM intervention WHERE institution_id = 2"), 0);

    const char *in[IV_F_COUNT];
    intervention_problem p[IV_F_COUNT];
    int64_t id = 0;
    fields_good(in, "Mentoring");                             /* a starter name */
    assert_int_equal(intervention_save(st, 1, 0, in, &id, p, &err), 1);
    assert_int_equal(p[IV_F_NAME], IV_TAKEN);
    fields_good(in, "Peer reading");
    assert_int_equal(intervention_save(st, 1, 0, in, &id, p, &err), 0);
    assert_int_equal(id, 11);
    in[IV_F_DURATION] = "8";
    assert_int_equal(intervention_save(st, 1, id, in, NULL, p, &err), 0);
    intervention e;
    assert_int_equal(intervention_get(st, 1, id, &e, &err), 1);
    assert_int_equal(e.duration_weeks, 8);
    assert_int_equal(intervention_get(st, 2, id, &e, &err), 0);   /* not the other school's */
    assert_int_equal(intervention_save(st, 2, id, in, NULL, p, &err), -1);
    assert_int_equal(err.code, CAIRN_ENOTFOUND);
    intervention *rows;
    size_t n;
    assert_int_equal(intervention_list(st, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 10);
    assert_string_equal(rows[0].tier, "universal");
    assert_string_equal(rows[n - 1].tier, "individual");
    free(rows);
    test_store_drop(st);
}

/* Runs, participants, sessions; refusals; the audit events. */
static void test_runs(void **state) {
    store *st = test_school_db(KIND(state), "interv_runs", school_sql);
    cairn_err err = {0};
    const char *in[IV_F_COUNT];
    intervention_problem p[IV_F_COUNT];
    int64_t iv = 0, run = 0, part = 0, sess = 0;
    fields_good(in, "Tutoring");
    assert_int_equal(intervention_save(st, 1, 0, in, &iv, p, &err), 0);
    const char *r_bad[IV_R_COUNT] = {"crowd", "", "2025-02-30", "9"};
    intervention_problem rp[IV_R_COUNT];
    assert_int_equal(intervention_run_start(st, 1, 0, iv, r_bad, &run, rp, &err), 1);
    assert_int_equal(rp[IV_R_MODE], IV_BAD_CHOICE);
    assert_int_equal(rp[IV_R_START], IV_BAD_DATE);
    assert_int_equal(rp[IV_R_DELIVERER], IV_UNKNOWN);
    const char *r_ok[IV_R_COUNT] = {"group", "Tuesday group", "2025-03-03", "2"};
    assert_int_equal(intervention_run_start(st, 1, 0, iv, r_ok, &run, rp, &err), 0);
    intervention_problem q;
    assert_int_equal(intervention_participant_add(st, 1, 0, run, "L9", NULL, 0, &part, &q, &err), 1);
    assert_int_equal(q, IV_UNKNOWN);
    assert_int_equal(intervention_participant_add(st, 1, 0, run, "L1", NULL, 0, &part, &q, &err), 0);
    assert_int_equal(intervention_participant_add(st, 1, 0, run, "L1", NULL, 0, NULL, &q, &err), 1);
    assert_int_equal(q, IV_ALREADY);
    /* case_id refers to a case (intervention migration 2): no case 77 */
    assert_int_equal(intervention_participant_add(st, 1, 0, run, "L2", "2025-03-10", 77, NULL, &q,
                                                  &err), -1);
    assert_int_equal(intervention_participant_add(st, 1, 0, run, "L2", "2025-03-10", 0, NULL, &q,
                                                  &err), 0);
    int field = -1;
    assert_int_equal(intervention_session_record(st, 1, 0, run, "2025-03-04", "0", &part, 1, &sess,
                                                 &q, &field, &err), 1);
    assert_int_equal(field, 1);
    assert_int_equal(intervention_session_record(st, 1, 0, run, "2025-03-04", "45", &part, 1, &sess,
                                                 &q, &field, &err), 0);
    assert_int_equal(intervention_session_record(st, 1, 0, run, "2025-03-04", "45", NULL, 0, NULL,
                                                 &q, &field, &err), 1);
    assert_int_equal(q, IV_ALREADY);
    assert_int_equal(intervention_session_record(st, 1, 0, run, "2025-03-11", "45", NULL, 0, NULL,
                                                 &q, &field, &err), 0);
    intervention_run r;
    assert_int_equal(intervention_run_get(st, 1, run, &r, &err), 1);
    assert_int_equal(r.participants, 2);
    assert_int_equal(r.sessions, 2);
    assert_string_equal(r.deliverer_name, "Tia One");
    intervention_participant *pp;
    size_t np;
    assert_int_equal(intervention_participants(st, 1, run, &pp, &np, &err), 0);
    assert_int_equal(np, 2);
    assert_string_equal(pp[0].ref, "L1");
    assert_int_equal(pp[0].attended, 1);
    assert_int_equal(pp[1].case_id, 0);   /* L2 has no open case */
    intervention_session *ss;
    size_t ns;
    signed char *grid;
    assert_int_equal(intervention_sessions(st, 1, run, &ss, &ns, &err), 0);
    assert_int_equal(ns, 2);
    assert_int_equal(intervention_attendance_grid(st, 1, run, ss, ns, pp, np, &grid, &err), 0);
    assert_int_equal(grid[0 * np + 0], 0);      /* 11 March: L1 absent */
    assert_int_equal(grid[0 * np + 1], 0);      /* L2 (joined 10 March) absent */
    assert_int_equal(grid[1 * np + 0], 1);      /* 4 March: L1 attended */
    assert_int_equal(grid[1 * np + 1], -1);     /* L2 had not joined */
    free(grid);
    free(ss);
    free(pp);
    intervention_run *lr;
    assert_int_equal(intervention_learner_runs(st, 1, 2, &lr, &pp, &np, &err), 0);
    assert_int_equal(np, 1);
    assert_int_equal(lr[0].sessions, 1);        /* held since L2 joined */
    free(lr);
    free(pp);
    /* audited: 2 joins, 1 + 2 session rows */
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'intervention.join'"), 2);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event"
                               " WHERE action = 'intervention.session'"), 3);
    test_store_drop(st);
}

/* Attendance rows for learner: weekdays from..to (inclusive), present
** except every k-th weekday (k 0 = none) unexcused. */
static void attend(store *st, int64_t learner, const char *from, const char *to, int k) {
    cairn_err err = {0};
    int32_t a, b;
    assert_int_equal(date_parse(from, 10, &a), 0);
    assert_int_equal(date_parse(to, 10, &b), 0);
    store_stmt *s = store_prepare(st, "INSERT INTO attendance (institution_id, learner_id, date,"
                                      " status) VALUES (1, ?, ?, ?)", &err);
    assert_non_null(s);
    int i = 0;
    for (int32_t d = a; d <= b; d++) {
        if (date_weekday(d) >= 5) continue;
        char t[DATE_TEXT_LEN];
        date_format(d, t);
        i++;
        store_bind_int64(s, 1, learner);
        store_bind_text(s, 2, t, (size_t)-1);
        store_bind_int64(s, 3, k && i % k == 0 ? 3 : 0);
        if (store_step(s, &err) < 0) fail_msg("%s", err.msg);
    }
    store_finalize(s);
}

/* Known answers: a two-week intervention reads 2-week attendance the day
** before joining and on its last day. */
static void test_effect_read(void **state) {
    store *st = test_school_db(KIND(state), "interv_effect", school_sql);
    cairn_err err = {0};
    const char *in[IV_F_COUNT];
    intervention_problem p[IV_F_COUNT];
    int64_t iv = 0, run = 0;
    fields_good(in, "Tutoring");                               /* 2 weeks */
    assert_int_equal(intervention_save(st, 1, 0, in, &iv, p, &err), 0);
    const char *r_ok[IV_R_COUNT] = {"group", "", "2025-03-03", "2"};
    intervention_problem rp[IV_R_COUNT], q;
    assert_int_equal(intervention_run_start(st, 1, 0, iv, r_ok, &run, rp, &err), 0);
    for (int i = 1; i <= 3; i++) {
        char ref[8];
        snprintf(ref, sizeof ref, "L%d", i);
        assert_int_equal(intervention_participant_add(st, 1, 0, run, ref, NULL, 0, NULL, &q, &err), 0);
    }
    attend(st, 1, "2025-02-17", "2025-03-02", 2);   /* before: 5 of 10 */
    attend(st, 1, "2025-03-03", "2025-03-16", 0);   /* after: 10 of 10 */
    attend(st, 2, "2025-02-17", "2025-03-02", 0);   /* 10 of 10 */
    attend(st, 2, "2025-03-03", "2025-03-16", 5);   /* 8 of 10 */
    /* L3: no attendance at all */
    intervention_participant *pp;
    size_t np;
    assert_int_equal(intervention_participants(st, 1, run, &pp, &np, &err), 0);
    assert_int_equal(np, 3);
    int32_t today;
    date_parse("2025-03-20", 10, &today);
    intervention_effect *e;
    assert_int_equal(intervention_effect_read(st, 1, pp, np, 2, today, &e, &err), 0);
    assert_int_equal(e[0].learner_id, 1);      /* by family name: One, Three, Two */
    assert_int_equal(e[1].learner_id, 3);
    assert_int_equal(e[2].learner_id, 2);
    assert_true(e[0].measurable);
    assert_true(fabs(e[0].before[IE_ATTENDANCE] - 50.0) < 1e-9);
    assert_true(fabs(e[0].after[IE_ATTENDANCE] - 100.0) < 1e-9);
    assert_true(fabs(e[2].before[IE_ATTENDANCE] - 100.0) < 1e-9);
    assert_true(fabs(e[2].after[IE_ATTENDANCE] - 80.0) < 1e-9);
    assert_true(isnan(e[1].before[IE_ATTENDANCE]));
    intervention_effect_summary sum;
    intervention_effect_summarise(e, np, 1, &sum);
    assert_int_equal(sum.participants, 3);
    assert_int_equal(sum.measured[IE_ATTENDANCE], 2);
    assert_true(fabs(sum.mean_change[IE_ATTENDANCE] - 15.0) < 1e-9);   /* (+50 - 20) / 2 */
    free(e);
    date_parse("2025-03-15", 10, &today);                    /* before the last day */
    assert_int_equal(intervention_effect_read(st, 1, pp, np, 2, today, &e, &err), 0);
    assert_false(e[0].measurable);
    assert_true(isnan(e[0].after[IE_ATTENDANCE]));
    free(e);
    free(pp);
    assert_int_equal(intervention_effect_feature(IE_ATTENDANCE, 6), RF_ATT_RATE_4W);
    assert_int_equal(intervention_effect_feature(IE_ATTENDANCE, 12), RF_ATT_RATE_8W);
    test_store_drop(st);
}

/* Suppression with known answers: small counts and small remainders hide
** their averages; pending participants are not counted. */
static void test_effect_summary(void **state) {
    (void)state;
    intervention_effect rows[14];
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 14; i++) {
        rows[i].measurable = i < 12;                   /* 12 measurable, 2 pending */
        rows[i].before[IE_ATTENDANCE] = 70;
        rows[i].after[IE_ATTENDANCE] = 70 + i;         /* changes 0..11: mean 5.5 */
        rows[i].before[IE_RESULTS] = 50;
        rows[i].after[IE_RESULTS] = i < 11 ? 60 : NAN;   /* 11 known, 1 not */
        rows[i].before[IE_ENGAGEMENT] = i < 3 ? 4 : NAN;  /* 3 known */
        rows[i].after[IE_ENGAGEMENT] = 6;
    }
    intervention_effect_summary s;
    intervention_effect_summarise(rows, 14, 10, &s);
    assert_int_equal(s.participants, 12);
    assert_int_equal(s.pending, 2);
    assert_int_equal(s.participants_state, SUPPRESS_SHOWN);
    assert_int_equal(s.measured[IE_ATTENDANCE], 12);
    assert_int_equal(s.state[IE_ATTENDANCE], SUPPRESS_SHOWN);
    assert_true(fabs(s.mean_change[IE_ATTENDANCE] - 5.5) < 1e-9);
    /* 11 of 12 with results: the one without would be 12 - 11 */
    assert_int_equal(s.measured[IE_RESULTS], 11);
    assert_true(suppress_withheld(s.state[IE_RESULTS]));
    /* 3 with platform data: fewer than 10 */
    assert_int_equal(s.state[IE_ENGAGEMENT], SUPPRESS_PRIMARY);
    /* a group of 4: everything withheld */
    intervention_effect_summarise(rows, 4, 10, &s);
    assert_int_equal(s.participants, 4);
    assert_true(suppress_withheld(s.participants_state));
    assert_true(suppress_withheld(s.state[IE_ATTENDANCE]));
    /* nobody: no average, nothing shown */
    intervention_effect_summarise(rows, 0, 10, &s);
    assert_true(isnan(s.mean_change[IE_ATTENDANCE]));
    assert_true(suppress_withheld(s.state[IE_ATTENDANCE]));
}

/* Who sees what of a run (web/support/intervention_web.h): the deliverer
** all, a participant's key worker that row, leaders and other key workers
** the aggregate, a teacher not delivering nothing, a disabled account
** nothing. */
static void test_run_sight(void **state) {
    (void)state;
    intervention_run r;
    memset(&r, 0, sizeof r);
    r.deliverer_staff_id = 7;
    intervention_participant p[2];
    memset(p, 0, sizeof p);
    p[0].key_worker_staff_id = 3;
    p[1].key_worker_staff_id = 4;
    access_ctx deliverer = {.staff_id = 7, .roles = ACCESS_ROLE_TEACHER};
    access_ctx kw3 = {.staff_id = 3, .roles = ACCESS_ROLE_KEY_WORKER};
    access_ctx kw9 = {.staff_id = 9, .roles = ACCESS_ROLE_KEY_WORKER};
    access_ctx teacher3 = {.staff_id = 3, .roles = ACCESS_ROLE_TEACHER};  /* not in the role */
    access_ctx leader = {.staff_id = 5, .roles = ACCESS_ROLE_SCHOOL_LEADER};
    access_ctx gone = {.staff_id = 7, .roles = ACCESS_ROLE_TEACHER, .disabled = 1};
    assert_int_equal(iv_run_sight(&deliverer, &r, p, 2), IV_SEE_ALL);
    assert_true(iv_participant_visible(&deliverer, &r, &p[1]));
    assert_int_equal(iv_run_sight(&kw3, &r, p, 2), IV_SEE_SOME);
    assert_true(iv_participant_visible(&kw3, &r, &p[0]));
    assert_false(iv_participant_visible(&kw3, &r, &p[1]));
    assert_int_equal(iv_run_sight(&kw9, &r, p, 2), IV_SEE_AGGREGATE);
    assert_false(iv_participant_visible(&kw9, &r, &p[0]));
    assert_int_equal(iv_run_sight(&teacher3, &r, p, 2), IV_SEE_NONE);
    assert_int_equal(iv_run_sight(&leader, &r, p, 2), IV_SEE_AGGREGATE);
    assert_false(iv_participant_visible(&leader, &r, &p[0]));
    assert_int_equal(iv_run_sight(&gone, &r, p, 2), IV_SEE_NONE);
    assert_true(iv_may_edit_catalogue(&leader));
    assert_false(iv_may_edit_catalogue(&kw3));
    assert_true(iv_may_start_run(&kw3));
    assert_false(iv_may_start_run(&deliverer));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_effect_summary),
        cmocka_unit_test(test_run_sight),
        BOTH(test_catalogue),
        BOTH(test_runs),
        BOTH(test_effect_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
