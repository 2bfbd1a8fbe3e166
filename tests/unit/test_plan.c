/*
** tests/unit/test_plan.c — plans and SMART goals (support/plan.h): adding
** and listing, every refusal (nothing saved), editing and closing with
** their audit events, who sees which goals (health plan, teacher), the
** rule of unanswered domains (pure, with arrays, and for a stored case),
** reasons for "not now", the recovery note, sealed text at rest, and the
** lifecycle step that agrees the plan; on SQLite and PostgreSQL.
**
** The school: key worker K1 (staff 3) of learners 1 and 2, teacher T1
** (staff 1) of group G1, psychologists P1 (staff 4) and P2 (staff 5) with
** team_member accounts, head H1 (staff 6).
*/
#include "testutil.h"
#include "base/date.h"
#include "support/audit.h"
#include "support/case.h"
#include "support/plan.h"
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
    " (1, 1, 3, '2025-01-01T00:00:00Z'), (1, 2, 3, '2025-01-01T00:00:00Z');";

typedef struct school {
    store  *st;
    int64_t kw, teacher, p1, p2, leader;   /* account ids */
} school;

static const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;

/* The school above with its accounts. */
static school school_open(void **state, const char *name) {
    school s;
    s.st = test_school_db(KIND(state), name, school_sql);
    s.kw = test_account_add(s.st, "kw", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    s.teacher = test_account_add(s.st, "teacher", "ONE", "T1", ACCESS_ROLE_TEACHER);
    s.p1 = test_account_add(s.st, "psyone", "ONE", "P1", ACCESS_ROLE_TEAM_MEMBER);
    s.p2 = test_account_add(s.st, "psytwo", "ONE", "P2", ACCESS_ROLE_TEAM_MEMBER);
    s.leader = test_account_add(s.st, "leader", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    return s;
}

/* The first column of sql's first row. */
static int64_t count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* Open a case for learner (in assessment when assess is 1); its id. */
static int64_t open_case(school *s, int64_t learner, int assess) {
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = 0;
    support_case_open_spec spec = {learner, 0, SUPPORT_CASE_FROM_FLAG, "Missed most of March.",
                                   -1, 0};
    if (support_case_open(s->st, 1, s->kw, &spec, NULL, &id, &p, &err) != 0)
        fail_msg("open: %s", err.msg);
    if (assess && support_case_step_take(s->st, 1, s->kw, KW, id, "start_assessment", "", 0,
                                         NULL, &p, &err) != 0)
        fail_msg("assess: %s", err.msg);
    return id;
}

/* A good goal spec due in 40 days. */
static support_goal_spec good_spec(char due[DATE_TEXT_LEN]) {
    date_format(date_today() + 40, due);
    support_goal_spec g = {0, "learning", "attendance", "Come to school every day",
                           "days present of 10", "6", "9", due,
                           "Set two alarms and text my mentor if I am late",
                           "Weekly check-in with the key worker", 3, "", 0};
    return g;
}

/* ---- the rule, pure ------------------------------------------------------------------ */

static void test_unanswered_pure(void **state) {
    (void)state;
    int needs[SUPPORT_DOMAIN_COUNT];
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) needs[d] = -1;
    assert_int_equal(support_plan_unanswered(needs, NULL, 0, NULL, 0), 0);
    needs[0] = 3;
    needs[1] = 2;
    needs[2] = 1;   /* watch: needs no answer */
    needs[3] = 0;
    needs[5] = 2;
    assert_int_equal(support_plan_unanswered(needs, NULL, 0, NULL, 0), 1u | 2u | 32u);
    support_goal goals[3];
    memset(goals, 0, sizeof goals);
    goals[0].domain = 1;
    goals[0].status = SUPPORT_GOAL_OPEN;
    goals[1].domain = 5;
    goals[1].status = SUPPORT_GOAL_DROPPED;   /* a dropped goal answers nothing */
    goals[2].domain = 2;
    goals[2].status = SUPPORT_GOAL_ACHIEVED;
    assert_int_equal(support_plan_unanswered(needs, goals, 3, NULL, 0), 1u | 32u);
    support_not_now nn[1];
    memset(nn, 0, sizeof nn);
    nn[0].domain = 0;
    assert_int_equal(support_plan_unanswered(needs, goals, 3, nn, 1), 32u);
    goals[1].status = SUPPORT_GOAL_ACHIEVED;   /* achieved answers */
    assert_int_equal(support_plan_unanswered(needs, goals, 3, nn, 1), 0);
    /* the last domain, and out-of-range domains are ignored */
    needs[SUPPORT_DOMAIN_COUNT - 1] = 3;
    goals[0].domain = -1;
    nn[0].domain = SUPPORT_DOMAIN_COUNT;
    assert_int_equal(support_plan_unanswered(needs, goals, 3, nn, 1),
                     1u | 2u | (1u << (SUPPORT_DOMAIN_COUNT - 1)));
}

/* ---- adding and listing --------------------------------------------------------------- */

static void test_add_list(void **state) {
    school s = school_open(state, "plan_add");
    cairn_err err = {0};
    support_plan_problem p;
    int64_t id = open_case(&s, 1, 1), gid = 0;
    char due[DATE_TEXT_LEN];
    support_goal_spec spec = good_spec(due);
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &spec, NULL, &gid, &p, &err), 0);
    assert_true(gid > 0);
    spec.plan = "career";
    spec.domain = "career";
    spec.what = "Find a placement in a joinery";
    spec.measure = "applications sent";
    spec.baseline = "";
    spec.target = "5";
    spec.helper_staff_id = 0;
    spec.helper_text = "Careers adviser from the job centre";
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &spec, NULL, NULL, &p, &err), 0);
    support_goal *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_goal_list(s.st, 1, id, KW, 0, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, gid);
    assert_int_equal(rows[0].plan, SUPPORT_PLAN_LEARNING);
    assert_int_equal(rows[0].domain, support_domain_find("attendance"));
    assert_string_equal(rows[0].what, "Come to school every day");
    assert_string_equal(rows[0].measure, "days present of 10");
    assert_true(rows[0].has_baseline);
    assert_true(rows[0].baseline == 6.0 && rows[0].target == 9.0);
    assert_int_equal(rows[0].due_on, date_today() + 40);
    assert_string_equal(rows[0].learner_step, "Set two alarms and text my mentor if I am late");
    assert_string_equal(rows[0].support, "Weekly check-in with the key worker");
    assert_int_equal(rows[0].helper_staff_id, 3);
    assert_string_equal(rows[0].helper, "Kim Keyone");
    assert_int_equal(rows[0].status, SUPPORT_GOAL_OPEN);
    assert_int_equal(rows[1].plan, SUPPORT_PLAN_CAREER);
    assert_false(rows[1].has_baseline);
    assert_string_equal(rows[1].helper, "Careers adviser from the job centre");
    free(rows);
    /* sealed at rest: the free text columns hold no plain words */
    assert_int_equal(count(s.st, "SELECT count(*) FROM support_goal WHERE what NOT LIKE 's1:%'"
                                 " OR learner_step NOT LIKE 's1:%' OR support NOT LIKE 's1:%'"
                                 " OR what LIKE '%school%' OR helper_text LIKE '%job%'"), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM support_goal WHERE helper_text <> ''"
                                 " AND helper_text NOT LIKE 's1:%'"), 0);
    /* audited: one goal.add per goal, about the goal record and the learner */
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action = 'goal.add'"
                                 " AND record_kind = 'goal' AND learner_id = 1"), 2);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action = 'goal.add'"
                                 " AND (detail LIKE '%school%' OR detail LIKE '%joinery%')"), 0);
    /* a case of another learner has none */
    int64_t other = open_case(&s, 2, 0);
    assert_int_equal(support_goal_list(s.st, 1, other, KW, 0, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    free(rows);
    test_store_drop(s.st);
}

/* ---- refusals --------------------------------------------------------------------------- */

/* spec refused with want (and its field), nothing saved. */
static void refused(school *s, int64_t id, unsigned view, const support_goal_spec *spec,
                    support_plan_problem want, const char *field) {
    cairn_err err = {0};
    support_plan_problem p = SUPPORT_PLAN_OK;
    int64_t before = count(s->st, "SELECT count(*) FROM support_goal");
    int64_t events = count(s->st, "SELECT count(*) FROM audit_event");
    int rc = support_goal_add(s->st, 1, s->kw, view, id, spec, NULL, NULL, &p, &err);
    if (rc != 1 || p != want)
        fail_msg("wanted problem %d, got rc %d problem %d (%s)", want, rc, p, err.msg);
    assert_string_equal(support_plan_problem_field(p), field);
    assert_true(support_plan_problem_text(p)[0] != 0);
    assert_int_equal(count(s->st, "SELECT count(*) FROM support_goal"), before);
    assert_int_equal(count(s->st, "SELECT count(*) FROM audit_event"), events);
}

static void test_refusals(void **state) {
    school s = school_open(state, "plan_refuse");
    int64_t id = open_case(&s, 1, 1);
    char due[DATE_TEXT_LEN], past[DATE_TEXT_LEN];
    date_format(date_today() - 1, past);
    support_goal_spec g = good_spec(due), b;
    char *longtext = malloc(600);
    memset(longtext, 'x', 599);
    longtext[599] = 0;
    b = g, b.measure = "";
    refused(&s, id, KW, &b, SUPPORT_PLAN_MEASURE_MISSING, "measure");
    b = g, b.measure = NULL;
    refused(&s, id, KW, &b, SUPPORT_PLAN_MEASURE_MISSING, "measure");
    b = g, b.target = " ";
    refused(&s, id, KW, &b, SUPPORT_PLAN_TARGET_MISSING, "target");
    b = g, b.target = "nine";
    refused(&s, id, KW, &b, SUPPORT_PLAN_TARGET_BAD, "target");
    b = g, b.baseline = "6x";
    refused(&s, id, KW, &b, SUPPORT_PLAN_BASELINE_BAD, "baseline");
    b = g, b.due_on = "";
    refused(&s, id, KW, &b, SUPPORT_PLAN_DUE_MISSING, "due_on");
    b = g, b.due_on = "2025-02-30";
    refused(&s, id, KW, &b, SUPPORT_PLAN_DUE_BAD, "due_on");
    b = g, b.due_on = past;
    refused(&s, id, KW, &b, SUPPORT_PLAN_DUE_PAST, "due_on");
    b = g, b.what = "  ";
    refused(&s, id, KW, &b, SUPPORT_PLAN_WHAT_MISSING, "what");
    b = g, b.what = longtext;
    refused(&s, id, KW, &b, SUPPORT_PLAN_WHAT_BAD, "what");
    b = g, b.what = "bad \x01 control";
    refused(&s, id, KW, &b, SUPPORT_PLAN_WHAT_BAD, "what");
    b = g, b.learner_step = longtext;
    refused(&s, id, KW, &b, SUPPORT_PLAN_STEP_BAD, "learner_step");
    b = g, b.support = longtext;
    refused(&s, id, KW, &b, SUPPORT_PLAN_SUPPORT_BAD, "support");
    b = g, b.measure = longtext;
    refused(&s, id, KW, &b, SUPPORT_PLAN_MEASURE_BAD, "measure");
    b = g, b.domain = "astrology";
    refused(&s, id, KW, &b, SUPPORT_PLAN_DOMAIN_BAD, "domain");
    b = g, b.plan = "holiday";
    refused(&s, id, KW, &b, SUPPORT_PLAN_KIND_BAD, "plan");
    b = g, b.helper_staff_id = 6;   /* the head: not on the team */
    refused(&s, id, KW, &b, SUPPORT_PLAN_HELPER_BAD, "helper");
    b = g, b.helper_staff_id = 0, b.helper_text = longtext;
    refused(&s, id, KW, &b, SUPPORT_PLAN_HELPER_BAD, "helper");
    b = g, b.group_id = 99;
    refused(&s, id, KW, &b, SUPPORT_PLAN_GROUP_BAD, "group_id");
    /* not the key worker or team; a teacher; the health plan without the right */
    refused(&s, id, SUPPORT_CASE_REL_LEADER, &g, SUPPORT_PLAN_NOT_YOURS, "plan");
    refused(&s, id, SUPPORT_CASE_REL_TEAM | SUPPORT_GOAL_TEACHING_ONLY, &g,
            SUPPORT_PLAN_NOT_YOURS, "plan");
    b = g, b.plan = "health", b.domain = "mental_health";
    refused(&s, id, SUPPORT_CASE_REL_TEAM, &b, SUPPORT_PLAN_NOT_YOURS, "plan");
    /* a closed case */
    cairn_err err = {0};
    support_case_problem cp;
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Moved.",
                                            SUPPORT_CASE_MOVED, NULL, &cp, &err), 0);
    refused(&s, id, KW, &g, SUPPORT_PLAN_CASE_CLOSED, "plan");
    free(longtext);
    test_store_drop(s.st);
}

/* ---- editing and closing -------------------------------------------------------------- */

static void test_edit_close(void **state) {
    school s = school_open(state, "plan_edit");
    cairn_err err = {0};
    support_plan_problem p;
    int64_t id = open_case(&s, 1, 1), gid = 0;
    char due[DATE_TEXT_LEN];
    support_goal_spec spec = good_spec(due);
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &spec, NULL, &gid, &p, &err), 0);
    spec.id = gid;
    spec.target = "10";
    spec.what = "Come to school every single day";
    assert_int_equal(support_goal_edit(s.st, 1, s.kw, KW, id, &spec, NULL, &p, &err), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action = 'goal.edit'"
                                 " AND detail LIKE '%changed what,target'"), 1);
    support_goal g;
    assert_int_equal(support_goal_get(s.st, 1, id, gid, KW, 0, &g, &err), 1);
    assert_true(g.target == 10.0);
    assert_string_equal(g.what, "Come to school every single day");
    /* a refused edit changes nothing */
    spec.measure = "";
    assert_int_equal(support_goal_edit(s.st, 1, s.kw, KW, id, &spec, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_MEASURE_MISSING);
    assert_int_equal(support_goal_get(s.st, 1, id, gid, KW, 0, &g, &err), 1);
    assert_string_equal(g.measure, "days present of 10");
    spec.measure = "days present of 10";
    /* a goal of another case is unknown here */
    int64_t other = open_case(&s, 2, 1);
    assert_int_equal(support_goal_edit(s.st, 1, s.kw, KW, other, &spec, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_GOAL_UNKNOWN);
    /* dropping needs a reason; achieved may have one; closed goals stay closed */
    assert_int_equal(support_goal_close(s.st, 1, s.kw, KW, id, gid, SUPPORT_GOAL_DROPPED, " ",
                                        NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_REASON_MISSING);
    assert_int_equal(support_goal_close(s.st, 1, s.kw, KW, id, gid, SUPPORT_GOAL_OPEN, "x",
                                        NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_STATUS_BAD);
    assert_int_equal(support_goal_close(s.st, 1, s.kw, KW, id, gid, SUPPORT_GOAL_ACHIEVED,
                                        "Nine of ten days for six weeks", NULL, &p, &err), 0);
    assert_int_equal(support_goal_get(s.st, 1, id, gid, KW, 0, &g, &err), 1);
    assert_int_equal(g.status, SUPPORT_GOAL_ACHIEVED);
    assert_string_equal(g.status_reason, "Nine of ten days for six weeks");
    assert_true(g.status_at[0] != 0);
    assert_int_equal(support_goal_close(s.st, 1, s.kw, KW, id, gid, SUPPORT_GOAL_DROPPED, "No",
                                        NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_GOAL_CLOSED);
    assert_int_equal(support_goal_edit(s.st, 1, s.kw, KW, id, &spec, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_GOAL_CLOSED);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action = 'goal.close'"
                                 " AND record_kind = 'goal' AND detail LIKE '%achieved'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM support_goal WHERE status_reason LIKE"
                                 " '%six weeks%'"), 0);
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, NULL, &err), 0);
    test_store_drop(s.st);
}

/* ---- who sees what ---------------------------------------------------------------------- */

/* The number of goals of case id the account acc (staff staff) sees. */
static size_t seen(school *s, int64_t acc, int64_t id) {
    cairn_err err = {0};
    access_ctx ctx;
    assert_int_equal(access_ctx_load(s->st, acc, &ctx, &err), 0);
    unsigned rel = 0, view = 0;
    assert_int_equal(access_case_relation(&ctx, id, &rel, &err), 0);
    assert_int_equal(support_goal_view(s->st, 1, id, ctx.staff_id, rel, &view, &err), 0);
    support_goal *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_goal_list(s->st, 1, id, view, ctx.staff_id, &rows, &n, &err), 0);
    free(rows);
    return n;
}

static void test_visibility(void **state) {
    school s = school_open(state, "plan_see");
    cairn_err err = {0};
    support_plan_problem p;
    support_case_problem cp;
    int64_t id = open_case(&s, 1, 1), other = open_case(&s, 2, 1);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 4,
                                           SUPPORT_CASE_ROLE_PSYCHOLOGIST, NULL, &cp, &err), 0);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 5, SUPPORT_CASE_ROLE_MENTOR,
                                           NULL, &cp, &err), 0);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 1, SUPPORT_CASE_ROLE_TEACHER,
                                           NULL, &cp, &err), 0);
    char due[DATE_TEXT_LEN];
    support_goal_spec g = good_spec(due);
    g.group_id = 1;   /* concerns T1's group */
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &g, NULL, NULL, &p, &err), 0);
    g.group_id = 2;   /* a group T1 does not teach */
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &g, NULL, NULL, &p, &err), 0);
    g.group_id = 0;
    g.plan = "career";
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &g, NULL, NULL, &p, &err), 0);
    g.plan = "health";
    g.domain = "mental_health";
    g.what = "Sleep seven hours on school nights";
    /* the psychologist may write a health goal, the mentor not */
    unsigned view = 0;
    assert_int_equal(support_goal_view(s.st, 1, id, 5, SUPPORT_CASE_REL_TEAM, &view, &err), 0);
    assert_int_equal(support_goal_add(s.st, 1, s.p2, view, id, &g, NULL, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_NOT_YOURS);
    assert_int_equal(support_goal_view(s.st, 1, id, 4, SUPPORT_CASE_REL_TEAM, &view, &err), 0);
    assert_true(view & SUPPORT_GOAL_SEES_HEALTH);
    assert_int_equal(support_goal_add(s.st, 1, s.p1, view, id, &g, NULL, NULL, &p, &err), 0);
    /* the key worker and the psychologist see all four, the mentor not the
    ** health goal, the teacher only the goal of the group they teach */
    assert_int_equal(seen(&s, s.kw, id), 4);
    assert_int_equal(seen(&s, s.p1, id), 4);
    assert_int_equal(seen(&s, s.p2, id), 3);
    assert_int_equal(seen(&s, s.teacher, id), 1);
    /* a leader not on the team, and a team member of another case: none */
    assert_int_equal(seen(&s, s.leader, id), 0);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, other, 4,
                                           SUPPORT_CASE_ROLE_PSYCHOLOGIST, NULL, &cp, &err), 0);
    assert_int_equal(support_case_team_remove(s.st, 1, s.kw, KW, id, 4, &cp, &err), 0);
    assert_int_equal(seen(&s, s.p1, id), 0);
    assert_int_equal(seen(&s, s.p1, other), 0);   /* the other case has no goals */
    /* the mentor cannot edit or close the health goal: it is not there for them */
    support_goal *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_goal_list(s.st, 1, id, KW | SUPPORT_GOAL_SEES_HEALTH, 0, &rows, &n,
                                       &err), 0);
    int64_t health = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].plan == SUPPORT_PLAN_HEALTH) health = rows[i].id;
    free(rows);
    assert_true(health > 0);
    assert_int_equal(support_goal_close(s.st, 1, s.p2, SUPPORT_CASE_REL_TEAM, id, health,
                                        SUPPORT_GOAL_DROPPED, "No", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_GOAL_UNKNOWN);
    /* goals count for the rule whoever cannot see them */
    int needs[SUPPORT_DOMAIN_COUNT];
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) needs[d] = -1;
    needs[support_domain_find("mental_health")] = 3;
    unsigned bits = 1;
    assert_int_equal(support_plan_unanswered_of_case(s.st, 1, id, needs, &bits, &err), 0);
    assert_int_equal(bits, 0);
    test_store_drop(s.st);
}

/* ---- not now, recovery, the rule for a case ------------------------------------------- */

static void test_not_now(void **state) {
    school s = school_open(state, "plan_notnow");
    cairn_err err = {0};
    support_plan_problem p;
    int64_t id = open_case(&s, 1, 1);
    int needs[SUPPORT_DOMAIN_COUNT];
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) needs[d] = 0;
    int housing = support_domain_find("housing"), money = support_domain_find("money");
    needs[housing] = 3;
    needs[money] = 2;
    unsigned bits = 0;
    assert_int_equal(support_plan_unanswered_of_case(s.st, 1, id, needs, &bits, &err), 0);
    assert_int_equal(bits, (1u << housing) | (1u << money));
    assert_int_equal(support_not_now_set(s.st, 1, s.kw, KW, id, "money", "", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_REASON_MISSING);
    assert_int_equal(support_not_now_set(s.st, 1, s.kw, KW, id, "nope", "x", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_DOMAIN_BAD);
    assert_int_equal(support_not_now_set(s.st, 1, s.kw, KW, id, "money",
                                         "Grant application pending until March", NULL, &p,
                                         &err), 0);
    assert_int_equal(support_not_now_set(s.st, 1, s.kw, KW, id, "money",
                                         "Her aunt pays the fares until the grant comes", NULL,
                                         &p, &err), 0);   /* replaces */
    support_not_now *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_not_now_list(s.st, 1, id, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].domain, money);
    assert_string_equal(rows[0].reason, "Her aunt pays the fares until the grant comes");
    free(rows);
    assert_int_equal(support_plan_unanswered_of_case(s.st, 1, id, needs, &bits, &err), 0);
    assert_int_equal(bits, 1u << housing);
    assert_int_equal(count(s.st, "SELECT count(*) FROM support_not_now WHERE reason LIKE"
                                 " '%aunt%'"), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action ="
                                 " 'plan.not_now'"), 2);
    /* the recovery note of the learning plan */
    buf r = BUF_INIT;
    assert_int_equal(support_plan_recovery_get(s.st, 1, id, &r, &err), 0);
    assert_int_equal(r.len, 0);
    assert_int_equal(support_plan_recovery_set(s.st, 1, s.kw, KW, id,
                                               "Two Saturday workshops in May", NULL, &p, &err),
                     0);
    assert_int_equal(support_plan_recovery_set(s.st, 1, s.kw, KW, id,
                                               "Three Saturday workshops in May", NULL, &p, &err),
                     0);
    assert_int_equal(support_plan_recovery_get(s.st, 1, id, &r, &err), 0);
    assert_string_equal(buf_cstr(&r), "Three Saturday workshops in May");
    buf_free(&r);
    assert_int_equal(count(s.st, "SELECT count(*) FROM support_plan WHERE recovery LIKE"
                                 " '%Saturday%'"), 0);
    assert_int_equal(support_plan_recovery_set(s.st, 1, s.p1, SUPPORT_CASE_REL_LEADER, id, "x",
                                               NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_PLAN_NOT_YOURS);
    test_store_drop(s.st);
}

/* ---- agreeing the plan ------------------------------------------------------------------ */

static void test_agree_plan(void **state) {
    school s = school_open(state, "plan_agree");
    cairn_err err = {0};
    support_plan_problem p;
    support_case_problem cp;
    int64_t id = open_case(&s, 1, 1), gid = 0;
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "agree_plan", "", 0, NULL,
                                            &cp, &err), 1);
    assert_int_equal(cp, SUPPORT_CASE_NO_GOAL);
    assert_string_equal(support_case_problem_field(cp), "step");
    assert_non_null(strstr(err.msg, "no goal"));
    char due[DATE_TEXT_LEN];
    support_goal_spec spec = good_spec(due);
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &spec, NULL, &gid, &p, &err), 0);
    /* a dropped goal does not count */
    assert_int_equal(support_goal_close(s.st, 1, s.kw, KW, id, gid, SUPPORT_GOAL_DROPPED,
                                        "Wrong measure", NULL, &p, &err), 0);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "agree_plan", "", 0, NULL,
                                            &cp, &err), 1);
    assert_int_equal(cp, SUPPORT_CASE_NO_GOAL);
    assert_int_equal(count(s.st, "SELECT count(*) FROM support_case WHERE state = 'assessment'"),
                     1);
    assert_int_equal(support_goal_add(s.st, 1, s.kw, KW, id, &spec, NULL, NULL, &p, &err), 0);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "agree_plan", "", 0, NULL,
                                            &cp, &err), 0);
    /* it completes the plan task */
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'plan'"
                                 " AND done_at IS NOT NULL"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'plan'"
                                 " AND done_at IS NULL"), 0);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unanswered_pure),
        BOTH(test_add_list),
        BOTH(test_refusals),
        BOTH(test_edit_close),
        BOTH(test_visibility),
        BOTH(test_not_now),
        BOTH(test_agree_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
