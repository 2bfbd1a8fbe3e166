/*
** tests/unit/test_review.c — reviews of a case (support/review.h): the
** trend of a goal and the suggestion of a tier change (pure, with the
** edges: fewer than four points, NaN, the last four points only, targets
** above, below and equal to the baseline), the cadence by tier, settings
** and the school calendar, and recording a review: refusals that write
** nothing, the task turned, the audit event, sealed text, the reviews on
** time; on SQLite and PostgreSQL.
**
** The school is test_case.c's: key worker K1 (staff 3) of learners 1 and
** 2, psychologists P1 (staff 4) and P2 (staff 5) with team_member
** accounts, head H1 (staff 6).  Terms 2025-01-06 .. 2025-03-28 and
** 2025-04-14 .. 2025-07-04.
*/
#include "testutil.h"
#include "base/date.h"
#include "support/case.h"
#include "support/plan.h"
#include "support/review.h"
#include "support/setting.h"
#include "support/subject.h"
#include "web/access.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z');"
    "INSERT INTO term (institution_id, id, code, name, school_year, start_date, end_date) VALUES"
    " (1, 1, 'T1', 'Spring', '2024/25', '2025-01-06', '2025-03-28'),"
    " (1, 2, 'T2', 'Summer', '2024/25', '2025-04-14', '2025-07-04');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1), (1, 2, 'G2', 'Group two', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (1, 1, 'T1', 'Tia', 'Teach', 'teacher'), (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor'),"
    " (1, 4, 'P1', 'Pat', 'Psyone', 'psychologist'), (1, 5, 'P2', 'Per', 'Psytwo', 'psychologist'),"
    " (1, 6, 'H1', 'Hana', 'Head', 'head');"
    "INSERT INTO group_staff (institution_id, group_id, staff_id, role) VALUES"
    " (1, 1, 1, 'class_teacher');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active'),"
    " (1, 2, 2, 1, 2, '2024-09-01', 'active');"
    "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at) VALUES"
    " (1, 1, 3, '2025-01-01T00:00:00Z'), (1, 2, 3, '2025-01-01T00:00:00Z');"
    "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
    " VALUES (1, 1, '2025-01-01T00:00:00Z', 'test', '{}');"
    "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof, rule_set_version,"
    " tier, flags, reasons, features, input_hash, computed_at) VALUES"
    " (1, 1, 1, '2025-02-14', 1, 1, '[\"attendance_low\"]', '{}', '{}', 'x', 'now'),"
    " (1, 1, 1, '2025-03-10', 1, 2, '[\"attendance_low\"]', '{}', '{}', 'x', 'now'),"
    " (1, 2, 2, '2025-02-14', 1, 1, '[\"missing_work\"]', '{}', '{}', 'x', 'now');";

typedef struct school {
    store  *st;
    int64_t kw, p1, p2, leader, teacher;   /* account ids */
    int64_t goals[2];                      /* the goals of the last case with a plan */
} school;

/* The school above with its accounts. */
static school school_open(void **state, const char *name) {
    school s;
    s.st = test_school_db(KIND(state), name, school_sql);
    s.kw = test_account_add(s.st, "kw", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    s.p1 = test_account_add(s.st, "psyone", "ONE", "P1", ACCESS_ROLE_TEAM_MEMBER);
    s.p2 = test_account_add(s.st, "psytwo", "ONE", "P2", ACCESS_ROLE_TEAM_MEMBER);
    s.leader = test_account_add(s.st, "leader", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    s.teacher = test_account_add(s.st, "teacher", "ONE", "T1", ACCESS_ROLE_TEACHER);
    s.goals[0] = s.goals[1] = 0;
    return s;
}

/* The first column of sql's first row. */
static int64_t count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* A case of learner opened on at, its plan agreed on agreed (NULL: left
** open); returns its id. */
static int64_t case_with_plan(school *s, int64_t learner, const char *at, const char *agreed) {
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = 0;
    support_case_open_spec spec = {learner, 0, SUPPORT_CASE_FROM_FLAG, "Missed most of March.",
                                   -1, 0};
    if (support_case_open(s->st, 1, s->kw, &spec, at, &id, &p, &err) != 0)
        fail_msg("open: %s", err.msg);
    if (!agreed) return id;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    /* two goals: attendance in group G1 (T1 teaches it), and assignments */
    support_goal_spec g1 = {0, "learning", "attendance", "Attend 9 of 10 school days",
                            "days present of 10", "5", "9", "2025-06-30", "", "", 0, "", 1};
    support_goal_spec g2 = {0, "learning", "learning", "Hand in the two missing assignments",
                            "assignments handed in of 2", "0", "2", "2025-06-30", "", "", 0, "",
                            0};
    support_plan_problem pp;
    if (support_case_step_take(s->st, 1, s->kw, KW, id, "start_assessment", "", 0, at, &p, &err) ||
        support_goal_add(s->st, 1, s->kw, KW | SUPPORT_GOAL_SEES_HEALTH, id, &g1, at, &s->goals[0],
                         &pp, &err) ||
        support_goal_add(s->st, 1, s->kw, KW | SUPPORT_GOAL_SEES_HEALTH, id, &g2, at, &s->goals[1],
                         &pp, &err) ||
        support_case_step_take(s->st, 1, s->kw, KW, id, "agree_plan", "", 0, agreed, &p, &err))
        fail_msg("steps: %s", err.msg);
    return id;
}

/* ---- the trend and the suggestion (pure) ------------------------------------------ */

#define TREND(b, t, ...)                                                              \
    support_review_goal_trend(b, t, (const double[]){__VA_ARGS__},                    \
                              sizeof((const double[]){__VA_ARGS__}) / sizeof(double))

/* One goal: too few points, achieved (at and past), on track, not moving;
** upward, downward and flat targets; NaN is no point; only the last four
** points decide whether it moves. */
static void test_trend(void **state) {
    (void)state;
    assert_int_equal(support_review_goal_trend(50, 90, NULL, 0), SUPPORT_TREND_TOO_FEW);
    assert_int_equal(TREND(50, 90, 60, 70, 80), SUPPORT_TREND_TOO_FEW);
    assert_int_equal(TREND(50, 90, 60, NAN, 70, 80), SUPPORT_TREND_TOO_FEW);   /* 3 points */
    assert_int_equal(TREND(50, 90, 90, 95, 99), SUPPORT_TREND_TOO_FEW);   /* even at target */
    /* upward: attendance 50 % -> 90 % */
    assert_int_equal(TREND(50, 90, 55, 60, 65, 70), SUPPORT_TREND_ON_TRACK);
    assert_int_equal(TREND(50, 90, 55, 60, 65, 90), SUPPORT_TREND_ACHIEVED);   /* at */
    assert_int_equal(TREND(50, 90, 55, 60, 65, 95), SUPPORT_TREND_ACHIEVED);   /* past */
    assert_int_equal(TREND(50, 90, 60, 60, 60, 60), SUPPORT_TREND_NOT_MOVING);
    assert_int_equal(TREND(50, 90, 70, 65, 60, 55), SUPPORT_TREND_NOT_MOVING);
    assert_int_equal(TREND(50, 90, 60, 80, 62, 60), SUPPORT_TREND_NOT_MOVING);   /* back where */
    assert_int_equal(TREND(50, 90, 60, 50, 50, 61), SUPPORT_TREND_ON_TRACK);
    /* the last four points decide: an early rise does not count ... */
    assert_int_equal(TREND(50, 90, 55, 80, 70, 60, 55), SUPPORT_TREND_NOT_MOVING);
    /* ... nor an early fall */
    assert_int_equal(TREND(50, 90, 80, 50, 50, 50, 60), SUPPORT_TREND_ON_TRACK);
    assert_int_equal(TREND(50, 90, 55, NAN, 60, 65, 70), SUPPORT_TREND_ON_TRACK);
    /* downward: absences 10 -> 2 a month */
    assert_int_equal(TREND(10, 2, 9, 7, 5, 3), SUPPORT_TREND_ON_TRACK);
    assert_int_equal(TREND(10, 2, 9, 7, 5, 2), SUPPORT_TREND_ACHIEVED);
    assert_int_equal(TREND(10, 2, 9, 7, 5, 0), SUPPORT_TREND_ACHIEVED);
    assert_int_equal(TREND(10, 2, 5, 5, 6, 7), SUPPORT_TREND_NOT_MOVING);
    /* flat: keep 90 */
    assert_int_equal(TREND(90, 90, 90, 90, 90, 90), SUPPORT_TREND_ACHIEVED);
    assert_int_equal(TREND(90, 90, 88, 89, 89, 89.5), SUPPORT_TREND_NOT_MOVING);
}

/* Every goal together: nothing without goals or without four points;
** step down when every counted goal is achieved or on track; step up when
** one is not moving, naming the first; the reason in words. */
static void test_suggest(void **state) {
    (void)state;
    support_review_suggestion s;
    support_review_suggest(NULL, 0, &s);
    assert_int_equal(s.verdict, SUPPORT_SUGGEST_NO_GOALS);
    const double few[] = {60, 70, 80}, up[] = {55, 60, 65, 70}, done[] = {60, 70, 80, 90};
    const double flat[] = {60, 60, 60, 60};
    support_review_goal_points g[3] = {{50, 90, few, 3}, {50, 90, few, 2}, {50, 90, few, 0}};
    support_review_suggest(g, 3, &s);
    assert_int_equal(s.verdict, SUPPORT_SUGGEST_TOO_FEW);
    assert_int_equal(s.counted, 0);
    assert_non_null(strstr(s.reason, "Not enough points yet"));
    g[1].values = up;
    g[1].n = 4;
    support_review_suggest(g, 3, &s);   /* one goal counted, on track; the others too few */
    assert_int_equal(s.verdict, SUPPORT_SUGGEST_STEP_DOWN);
    assert_int_equal(s.counted, 1);
    assert_int_equal(s.on_track, 1);
    g[2].values = done;
    g[2].n = 4;
    support_review_suggest(g, 3, &s);
    assert_int_equal(s.verdict, SUPPORT_SUGGEST_STEP_DOWN);
    assert_int_equal(s.counted, 2);
    assert_int_equal(s.achieved, 1);
    buf b = BUF_INIT;
    support_review_reason_text(&s, &b);
    assert_string_equal(buf_cstr(&b), "On track: of 2 goals with at least four progress points, 1 "
                                      "are at or past their target and 1 are moving toward it "
                                      "over the last four points.");
    g[0].values = flat;
    g[0].n = 4;
    support_review_suggest(g, 3, &s);
    assert_int_equal(s.verdict, SUPPORT_SUGGEST_STEP_UP);
    assert_int_equal(s.stuck, 1);
    assert_int_equal(s.first_stuck, 0);
    assert_int_equal(s.counted, 3);
    buf_reset(&b);
    support_review_reason_text(&s, &b);
    assert_non_null(strstr(buf_cstr(&b), "Not moving: 1 of 3 goals"));
    buf_free(&b);
}

/* ---- the cadence ------------------------------------------------------------------------ */

/* Individual weekly, selective fortnightly, both as set per institution;
** universal at the end of the term (the next term's in a break), 91 days
** (as set) without a term ahead. */
static void test_cadence(void **state) {
    school s = school_open(state, "review_cadence");
    cairn_err err = {0};
    int32_t d = date_from_ymd(2025, 3, 3), due;
    assert_int_equal(support_review_due(s.st, 1, 2, d, &due, &err), 0);
    assert_int_equal(due, d + 7);
    assert_int_equal(support_review_due(s.st, 1, 1, d, &due, &err), 0);
    assert_int_equal(due, d + 14);
    assert_int_equal(support_review_due(s.st, 1, 0, d, &due, &err), 0);
    assert_int_equal(due, date_from_ymd(2025, 3, 28));
    assert_int_equal(support_review_due(s.st, 1, 0, date_from_ymd(2025, 3, 28), &due, &err), 0);
    assert_int_equal(due, date_from_ymd(2025, 7, 4));   /* on its last day: the next term */
    assert_int_equal(support_review_due(s.st, 1, 0, date_from_ymd(2025, 4, 1), &due, &err), 0);
    assert_int_equal(due, date_from_ymd(2025, 7, 4));   /* in the break */
    d = date_from_ymd(2025, 8, 1);
    assert_int_equal(support_review_due(s.st, 1, 0, d, &due, &err), 0);
    assert_int_equal(due, d + 91);
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_REVIEW_DAYS_INDIVIDUAL, "10", &err), 0);
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_REVIEW_DAYS_SELECTIVE, "21", &err), 0);
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_REVIEW_DAYS_UNIVERSAL, "60", &err), 0);
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_REVIEW_DAYS_INDIVIDUAL, "0", &err), 1);
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_REVIEW_DAYS_SELECTIVE, "57", &err), 1);
    assert_int_equal(support_review_due(s.st, 1, 2, d, &due, &err), 0);
    assert_int_equal(due, d + 10);
    assert_int_equal(support_review_due(s.st, 1, 1, d, &due, &err), 0);
    assert_int_equal(due, d + 21);
    assert_int_equal(support_review_due(s.st, 1, 0, d, &due, &err), 0);
    assert_int_equal(due, d + 60);
    /* the case's own review task follows the setting: agreed 02-28, due 03-10 */
    int64_t id = case_with_plan(&s, 1, "2025-02-20T09:00:00Z", "2025-02-28T09:00:00Z");
    int32_t last, next;
    assert_int_equal(support_review_dates(s.st, 1, id, &last, &next, &err), 0);
    assert_int_equal(last, 0);
    assert_int_equal(next, date_from_ymd(2025, 3, 10));
    test_store_drop(s.st);
}

/* ---- recording a review --------------------------------------------------------------- */

/* Refusals write nothing; a review completes the due review task and makes
** the next (due by the cadence, or on the day given), with its history row,
** its audit event and its words sealed; the list reads back newest first,
** the dates and the share on time follow. */
static void test_add(void **state) {
    school s = school_open(state, "review_add");
    cairn_err err = {0};
    support_review_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t open = case_with_plan(&s, 2, "2025-02-20T09:00:00Z", NULL);
    int64_t id = case_with_plan(&s, 1, "2025-02-20T09:00:00Z", "2025-02-28T09:00:00Z");
    const char *at = "2025-03-06T16:00:00Z";
    support_review_spec spec = {date_from_ymd(2025, 3, 6), "Came every day this week.",
                                SUPPORT_REVIEW_CONTINUE, 0, NULL, 0, 0, 0};
    int64_t rid = 0;
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, open, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_NOT_NOW);
    assert_string_equal(support_review_problem_field(p), "");
    assert_int_equal(support_review_add(s.st, 1, s.leader, SUPPORT_CASE_REL_LEADER, id, &spec, at,
                                        &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_NOT_YOURS);
    spec.reviewed_on = date_from_ymd(2025, 3, 7);   /* after "today" */
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_DAY_BAD);
    assert_string_equal(support_review_problem_field(p), "reviewed_on");
    spec.reviewed_on = date_from_ymd(2025, 2, 19);  /* before the case */
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_DAY_BAD);
    spec.reviewed_on = date_from_ymd(2025, 3, 6);
    spec.next_on = spec.reviewed_on;                /* not after */
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_NEXT_BAD);
    assert_string_equal(support_review_problem_field(p), "next_on");
    spec.next_on = spec.reviewed_on + 400;          /* too far */
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_NEXT_BAD);
    spec.next_on = 0;
    spec.decision = SUPPORT_REVIEW_DECISION_COUNT;
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_DECISION_BAD);
    spec.decision = SUPPORT_REVIEW_CONTINUE;
    support_review_progress stray = {77, 3.0};      /* no such open goal */
    spec.progress = &stray;
    spec.nprogress = 1;
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_GOAL_BAD);
    spec.progress = NULL;
    spec.nprogress = 0;
    char *long_text = malloc(SUPPORT_CASE_TEXT_MAX + 2);
    memset(long_text, 'x', SUPPORT_CASE_TEXT_MAX + 1);
    long_text[SUPPORT_CASE_TEXT_MAX + 1] = 0;
    spec.changed = long_text;
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_CHANGED_BAD);
    free(long_text);
    spec.changed = "Came every day this week.";
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_review"), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action = 'review.add'"), 0);
    /* the review on 03-06: the task due 03-07 done, the next due 03-13 (weekly) */
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 4,
                                           SUPPORT_CASE_ROLE_PSYCHOLOGIST, NULL, NULL, &err), 0);
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, &rid, &p, &err), 0);
    assert_true(rid > 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'review'"
                                 " AND done_at IS NOT NULL AND due_on = '2025-03-07'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'review'"
                                 " AND done_at IS NULL AND due_on = '2025-03-13'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_review WHERE due_on = '2025-03-07'"
                                 " AND next_on = '2025-03-13' AND tier = 2"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_review WHERE changed LIKE 's1:%'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_review WHERE changed LIKE '%every%'"),
                     0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action = 'review.add'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_history WHERE kind = 'task_done'"
                                 " AND from_value = 'review'"), 1);
    /* a team member's review on 03-17, late (due 03-13), the next day given */
    spec.reviewed_on = date_from_ymd(2025, 3, 17);
    spec.next_on = date_from_ymd(2025, 3, 20);
    spec.decision = SUPPORT_REVIEW_STEP_UP;
    spec.changed = "";
    assert_int_equal(support_review_add(s.st, 1, s.p1, SUPPORT_CASE_REL_TEAM, id, &spec,
                                        "2025-03-17T10:00:00Z", &rid, &p, &err), 0);
    support_case c;
    assert_int_equal(support_case_get(s.st, 1, id, 0, &c, &err), 1);
    assert_int_equal(c.tier, 2);   /* the decision does not change the tier */
    support_review *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_review_list(s.st, 1, id, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].reviewed_on, date_from_ymd(2025, 3, 17));
    assert_int_equal(rows[0].decision, SUPPORT_REVIEW_STEP_UP);
    assert_int_equal(rows[0].due_on, date_from_ymd(2025, 3, 13));
    assert_string_equal(rows[1].changed, "Came every day this week.");
    assert_int_equal(rows[1].next_on, date_from_ymd(2025, 3, 13));
    support_review_list_free(rows, n);
    assert_int_equal(support_review_list(s.st, 1, id, 0, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[1].changed, "");   /* dates only */
    support_review_list_free(rows, n);
    int32_t last, next;
    assert_int_equal(support_review_dates(s.st, 1, id, &last, &next, &err), 0);
    assert_int_equal(last, date_from_ymd(2025, 3, 17));
    assert_int_equal(next, date_from_ymd(2025, 3, 20));
    long long due, on_time;
    assert_int_equal(support_review_on_time(s.st, 1, date_from_ymd(2025, 3, 18), &due, &on_time,
                                            &err), 0);
    assert_int_equal(due, 2);
    assert_int_equal(on_time, 1);
    /* on 03-25 the review due 03-20 is overdue and counts as not on time */
    assert_int_equal(support_review_on_time(s.st, 1, date_from_ymd(2025, 3, 25), &due, &on_time,
                                            &err), 0);
    assert_int_equal(due, 3);
    assert_int_equal(on_time, 1);
    /* a team member of another case is refused by relationship */
    access_ctx p2;
    assert_int_equal(access_ctx_load(s.st, s.p2, &p2, &err), 0);
    unsigned rel = 9;
    assert_int_equal(access_case_relation(&p2, id, &rel, &err), 0);
    assert_int_equal(rel, 0);
    assert_int_equal(support_review_add(s.st, 1, s.p2, rel, id, &spec, "2025-03-18T10:00:00Z",
                                        &rid, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_NOT_YOURS);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_review"), 2);
    test_store_drop(s.st);
}


/* ---- progress on goals --------------------------------------------------------------- */

/* Values on the case's open goals: another case's goal, a goal twice and
** a value that is not a number are refused; four reviews give each goal
** four points and the suggestion; a teacher on the team records progress
** on the goal of their teaching only, which is no review (no words, no
** decision, the review task as it was). */
static void test_progress(void **state) {
    school s = school_open(state, "review_progress");
    cairn_err err = {0};
    support_review_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t other = case_with_plan(&s, 2, "2025-02-20T09:00:00Z", "2025-02-28T09:00:00Z");
    int64_t foreign = s.goals[0];
    int64_t id = case_with_plan(&s, 1, "2025-02-20T09:00:00Z", "2025-02-28T09:00:00Z");
    assert_true(other != id);
    support_review_progress v[2] = {{s.goals[0], 6}, {foreign, 1}};
    support_review_spec spec = {date_from_ymd(2025, 3, 3), "", SUPPORT_REVIEW_CONTINUE, 0, v, 2,
                                0, 0};
    const char *at = "2025-03-03T15:00:00Z";
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_GOAL_BAD);
    assert_string_equal(support_review_problem_field(p), "progress");
    v[1].goal_id = s.goals[0];
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_GOAL_BAD);   /* twice */
    v[1].goal_id = s.goals[1];
    v[1].value = NAN;
    assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, at, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_VALUE_BAD);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_review"), 0);
    /* four weekly reviews: attendance 6, 7, 8, 9 (target 9); assignments 0, 0, 1, 0 */
    const double att[4] = {6, 7, 8, 9}, asg[4] = {0, 0, 1, 0};
    for (int k = 0; k < 4; k++) {
        char when[32], day[DATE_TEXT_LEN];
        spec.reviewed_on = date_from_ymd(2025, 3, 3) + 7 * k;
        date_format(spec.reviewed_on, day);
        snprintf(when, sizeof when, "%sT15:00:00Z", day);
        v[0].value = att[k];
        v[1].value = asg[k];
        assert_int_equal(support_review_add(s.st, 1, s.kw, KW, id, &spec, when, NULL, &p, &err), 0);
    }
    support_review *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_review_list(s.st, 1, id, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(rows[0].nprogress, 2);
    support_review_goal *goals = NULL;
    size_t ng = 0;
    assert_int_equal(support_review_goals(s.st, 1, id, KW | SUPPORT_GOAL_SEES_HEALTH, 0, &goals,
                                          &ng, &err), 0);
    assert_int_equal(ng, 2);
    double series[2][4];
    support_review_goal_points pts[2];
    for (size_t g = 0; g < 2; g++) {
        pts[g] = (support_review_goal_points){goals[g].baseline, goals[g].target, series[g], 0};
        for (size_t i = n; i-- > 0;)
            for (size_t j = 0; j < rows[i].nprogress; j++)
                if (rows[i].progress[j].goal_id == goals[g].id)
                    series[g][pts[g].n++] = rows[i].progress[j].value;
        assert_int_equal(pts[g].n, 4);
    }
    support_review_suggestion sug;
    support_review_suggest(pts, 2, &sug);
    assert_int_equal(sug.verdict, SUPPORT_SUGGEST_STEP_UP);   /* assignments not moving */
    assert_int_equal(sug.achieved, 1);
    assert_int_equal(sug.stuck, 1);
    assert_int_equal(goals[sug.first_stuck].id, s.goals[1]);
    support_review_list_free(rows, n);
    free(goals);
    /* the teacher of G1 on the team: progress on the attendance goal only */
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 1, SUPPORT_CASE_ROLE_TEACHER,
                                           NULL, NULL, &err), 0);
    access_ctx t;
    unsigned rel = 0, view = 0;
    assert_int_equal(access_ctx_load(s.st, s.teacher, &t, &err), 0);
    assert_int_equal(access_case_relation(&t, id, &rel, &err), 0);
    assert_int_equal(rel, SUPPORT_CASE_REL_TEAM);
    assert_int_equal(support_goal_view(s.st, 1, id, 1, rel, &view, &err), 0);
    assert_true(view & SUPPORT_GOAL_TEACHING_ONLY);
    assert_int_equal(support_review_goals(s.st, 1, id, view, 1, &goals, &ng, &err), 0);
    assert_int_equal(ng, 1);
    assert_int_equal(goals[0].id, s.goals[0]);
    free(goals);
    int32_t last0, next0, last, next;
    assert_int_equal(support_review_dates(s.st, 1, id, &last0, &next0, &err), 0);
    int64_t open_before = count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'review'"
                                      " AND done_at IS NULL");
    support_review_progress tv = {s.goals[1], 1};
    support_review_spec ts = {date_from_ymd(2025, 3, 25), "", SUPPORT_REVIEW_CONTINUE, 0, &tv, 1,
                              view, 1};
    const char *tat = "2025-03-25T12:00:00Z";
    assert_int_equal(support_review_add(s.st, 1, s.teacher, rel, id, &ts, tat, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_GOAL_BAD);   /* not a goal of their teaching */
    tv.goal_id = s.goals[0];
    ts.decision = SUPPORT_REVIEW_STEP_UP;
    assert_int_equal(support_review_add(s.st, 1, s.teacher, rel, id, &ts, tat, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_DECISION_BAD);
    ts.decision = SUPPORT_REVIEW_CONTINUE;
    ts.changed = "Looks tired in class.";
    assert_int_equal(support_review_add(s.st, 1, s.teacher, rel, id, &ts, tat, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_CHANGED_BAD);
    ts.changed = "";
    ts.nprogress = 0;
    assert_int_equal(support_review_add(s.st, 1, s.teacher, rel, id, &ts, tat, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_REVIEW_VALUE_BAD);
    ts.nprogress = 1;
    assert_int_equal(support_review_add(s.st, 1, s.teacher, rel, id, &ts, tat, NULL, &p, &err), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_review WHERE progress_only = 1"
                                 " AND due_on IS NULL"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event"
                                 " WHERE action = 'review.progress'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'review'"
                                 " AND done_at IS NULL"), open_before);
    assert_int_equal(support_review_dates(s.st, 1, id, &last, &next, &err), 0);
    assert_int_equal(last, last0);   /* no review */
    assert_int_equal(next, next0);
    test_store_drop(s.st);
}

/* ---- risk since the last review ------------------------------------------------------ */

/* The key worker's home block compares the latest score with the score on
** or before the day of the last review, not the day it was typed in:
** learner 1 was tier 1 on 02-14 and tier 2 on 03-10; a review held on
** 03-06 but recorded on 03-12 leaves the rise to show; one held on 03-11
** does not. */
static void test_risen(void **state) {
    school s = school_open(state, "review_risen");
    cairn_err err = {0};
    support_review_problem p;
    int64_t id = case_with_plan(&s, 1, "2025-02-20T09:00:00Z", "2025-02-28T09:00:00Z");
    support_review_spec spec = {date_from_ymd(2025, 3, 6), "", SUPPORT_REVIEW_CONTINUE, 0, NULL,
                                0, 0, 0};
    assert_int_equal(support_review_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, &spec,
                                        "2025-03-12T09:00:00Z", NULL, &p, &err), 0);
    support_case_risen *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, NULL, 0, &rows, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].case_id, id);
    assert_int_equal(rows[0].tier_then, 1);
    assert_int_equal(rows[0].tier_now, 2);
    assert_string_equal(rows[0].since, "2025-03-06");
    free(rows);
    spec.reviewed_on = date_from_ymd(2025, 3, 11);
    assert_int_equal(support_review_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, &spec,
                                        "2025-03-12T10:00:00Z", NULL, &p, &err), 0);
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, NULL, 0, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    free(rows);
    test_store_drop(s.st);
}

/* ---- the learner's whole record ----------------------------------------------------- */

/* `cairn export subject` carries the reviews with their words and values;
** erasing blanks the words and keeps days, decisions and values. */
static void test_subject(void **state) {
    school s = school_open(state, "review_subject");
    cairn_err err = {0};
    support_review_problem p;
    int64_t id = case_with_plan(&s, 1, "2025-02-20T09:00:00Z", "2025-02-28T09:00:00Z");
    support_review_progress v = {s.goals[0], 7};
    support_review_spec spec = {date_from_ymd(2025, 3, 6), "Moved in with her aunt.",
                                SUPPORT_REVIEW_CHANGE_PLAN, 0, &v, 1, 0, 0};
    assert_int_equal(support_review_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, &spec,
                                        "2025-03-06T15:00:00Z", NULL, &p, &err), 0);
    json_t *all = NULL;
    assert_int_equal(support_subject_export(s.st, 1, 1, 0, &all, &err), 0);
    char *text = json_dumps(all, 0);
    assert_non_null(strstr(text, "\"reviews\""));
    assert_non_null(strstr(text, "Moved in with her aunt."));
    assert_non_null(strstr(text, "\"change_plan\""));
    free(text);
    json_decref(all);
    assert_int_equal(support_review_subject_erase(s.st, 1, 1, &err), 0);
    support_review *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_review_list(s.st, 1, id, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].changed, "");
    assert_int_equal(rows[0].decision, SUPPORT_REVIEW_CHANGE_PLAN);
    assert_int_equal(rows[0].nprogress, 1);
    support_review_list_free(rows, n);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend),
        cmocka_unit_test(test_suggest),
        BOTH(test_cadence),
        BOTH(test_add),
        BOTH(test_progress),
        BOTH(test_risen),
        BOTH(test_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
