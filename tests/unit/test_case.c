/*
** tests/unit/test_case.c — cases (support/case.h): the lifecycle table
** walked row by row (every step from every state for every relationship,
** then every row taken on a real case), opening, refusals that name the
** state and the step, tier changes and the learner's whole record; on
** SQLite and PostgreSQL.  Tasks, follow-ups, handovers, conferences and
** access by relationship are in tests/unit/test_case_team.c.
**
** The school: key worker K1 (staff 3) of learners 1 and 2, teacher T1
** (staff 1) of group G1, psychologists P1 (staff 4) and P2 (staff 5) with
** team_member accounts, head H1 (staff 6).  Term: 2025-01-06 .. 2025-03-28,
** then 2025-04-14 .. 2025-07-04 (a two-week break).
*/
#include "testutil.h"
#include "base/date.h"
#include "support/audit.h"
#include "support/case.h"
#include "support/plan.h"
#include "support/subject.h"
#include "web/access.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The school of test_case_school_sql with its accounts (testutil.h). */
typedef test_case_school school;

/* The state of case id. */
static int state_of(school *s, int64_t id) {
    cairn_err err = {0};
    support_case c;
    assert_int_equal(support_case_get(s->st, 1, id, 0, &c, &err), 1);
    return c.state;
}

/* ---- the table ------------------------------------------------------------------------ */

/* Every step code from every state for every relationship: allowed
** exactly when the table has the row and the row names the relationship;
** a refusal names the state and the step. */
static void test_table_walk(void **state) {
    (void)state;
    size_t n;
    const support_case_step *t = support_case_steps(&n);
    assert_true(n >= 6);
    const unsigned rels[] = {SUPPORT_CASE_REL_KEY_WORKER, SUPPORT_CASE_REL_TEAM,
                             SUPPORT_CASE_REL_LEADER, 0};
    for (size_t i = 0; i < n; i++) {
        assert_non_null(support_case_state_code(t[i].from));
        assert_non_null(support_case_state_code(t[i].to));
        assert_true(t[i].from != t[i].to);
        assert_true(t[i].who != 0);
        assert_int_equal(t[i].needs_outcome, t[i].to == SUPPORT_CASE_CLOSED);
        for (int st = 0; st < SUPPORT_CASE_STATE_COUNT; st++)
            for (size_t r = 0; r < sizeof rels / sizeof rels[0]; r++) {
                const support_case_step *row = NULL, *want = NULL;
                for (size_t j = 0; j < n; j++)
                    if (!strcmp(t[j].code, t[i].code) && (int)t[j].from == st) want = &t[j];
                support_case_problem p;
                cairn_err err = {0};
                int rc = support_case_step_check((support_case_state)st, t[i].code, rels[r], &row,
                                                 &p, &err);
                if (want && (want->who & rels[r])) {
                    assert_int_equal(rc, 0);
                    assert_ptr_equal(row, want);
                } else {
                    assert_int_equal(rc, 1);
                    assert_int_equal(p, want ? SUPPORT_CASE_STEP_NOT_YOURS
                                             : SUPPORT_CASE_STEP_NOT_NOW);
                    assert_non_null(strstr(err.msg, t[i].code));
                    assert_non_null(strstr(err.msg, support_case_state_code(st)));
                }
            }
    }
    support_case_problem p;
    const support_case_step *row;
    cairn_err err = {0};
    assert_int_equal(support_case_step_check(SUPPORT_CASE_OPEN, "fly", SUPPORT_CASE_REL_KEY_WORKER,
                                             &row, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_STEP_UNKNOWN);
    /* every state but closed can be closed; only closed reopens */
    for (int st = 0; st < SUPPORT_CASE_STATE_COUNT; st++) {
        int close = support_case_step_check((support_case_state)st, "close",
                                            SUPPORT_CASE_REL_KEY_WORKER, &row, &p, &err);
        int reopen = support_case_step_check((support_case_state)st, "reopen",
                                             SUPPORT_CASE_REL_KEY_WORKER, &row, &p, &err);
        assert_int_equal(close == 0, st != SUPPORT_CASE_CLOSED);
        assert_int_equal(reopen == 0, st == SUPPORT_CASE_CLOSED);
    }
    for (int i = 0; i < SUPPORT_CASE_STATE_COUNT; i++)
        assert_int_equal(support_case_state_parse(support_case_state_code(i)), i);
    for (int i = 1; i < SUPPORT_CASE_OUTCOME_COUNT; i++)
        assert_int_equal(support_case_outcome_parse(support_case_outcome_code(i)), i);
    for (int i = 0; i < SUPPORT_CASE_ROLE_COUNT; i++)
        assert_int_equal(support_case_role_parse(support_case_role_code(i)), i);
    assert_int_equal(support_case_outcome_parse(""), -1);
}

/* The first row of the table leading from state `from` towards `to` on a
** shortest path (breadth first over the table), or NULL. */
static const support_case_step *path_next(int from, int to) {
    size_t n;
    const support_case_step *t = support_case_steps(&n);
    int prev[SUPPORT_CASE_STATE_COUNT];
    const support_case_step *via[SUPPORT_CASE_STATE_COUNT] = {0};
    for (int i = 0; i < SUPPORT_CASE_STATE_COUNT; i++) prev[i] = -2;
    int queue[SUPPORT_CASE_STATE_COUNT], head = 0, tail = 0;
    queue[tail++] = from;
    prev[from] = -1;
    while (head < tail) {
        int s = queue[head++];
        for (size_t i = 0; i < n; i++)
            if ((int)t[i].from == s && prev[t[i].to] == -2) {
                prev[t[i].to] = s;
                via[t[i].to] = &t[i];
                queue[tail++] = (int)t[i].to;
            }
    }
    if (prev[to] == -2 || from == to) return NULL;
    int s = to;
    while (prev[s] != from) s = prev[s];
    return via[s];
}

/* Take row on case id as the key worker (or a leader where only a leader
** may), with a reason and an outcome. */
static void take(school *s, int64_t id, const support_case_step *row) {
    cairn_err err = {0};
    support_case_problem p;
    unsigned rel = (row->who & SUPPORT_CASE_REL_KEY_WORKER) ? SUPPORT_CASE_REL_KEY_WORKER
                                                            : row->who;
    if (row->to == SUPPORT_CASE_PLAN_AGREED) test_case_goal(s, id);
    if (support_case_step_take(s->st, 1, s->kw, rel, id, row->code, "Because.",
                               SUPPORT_CASE_LEFT, NULL, &p, &err) != 0)
        fail_msg("%s: %s", row->code, err.msg);
}

/* Every row of the table taken on a real case: reached by a shortest path
** from open, taken, and the case is then in the row's state. */
static void test_table_taken(void **state) {
    school s = test_case_school_open(state, "case_taken");
    size_t n;
    const support_case_step *t = support_case_steps(&n);
    for (size_t i = 0; i < n; i++) {
        int64_t id = test_case_open(&s, 2, NULL);
        const support_case_step *step;
        while ((step = path_next(state_of(&s, id), (int)t[i].from)) != NULL) take(&s, id, step);
        assert_int_equal(state_of(&s, id), t[i].from);
        take(&s, id, &t[i]);
        assert_int_equal(state_of(&s, id), t[i].to);
        if (state_of(&s, id) != SUPPORT_CASE_CLOSED)
            take(&s, id, path_next(state_of(&s, id), SUPPORT_CASE_CLOSED));
    }
    cairn_err err = {0};
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, NULL, &err), 0);
    test_store_drop(s.st);
}

/* ---- a case's life ---------------------------------------------------------------------- */

static void test_lifecycle(void **state) {
    school s = test_case_school_open(state, "case_life");
    cairn_err err = {0};
    support_case_problem p;
    /* opened on Monday 2025-03-24 from a flag: tier 2 suggested (latest score) */
    int64_t id = test_case_open(&s, 1, "2025-03-24T09:00:00Z");
    support_case_detail d;
    assert_int_equal(support_case_detail_get(s.st, 1, id, 1, &d, &err), 1);
    assert_int_equal(d.c.state, SUPPORT_CASE_OPEN);
    assert_int_equal(d.c.tier, 2);
    assert_int_equal(d.c.flag_tier, 2);
    assert_string_equal(d.c.flag_asof, "2025-03-14");
    assert_int_equal(d.c.key_worker_id, 3);
    assert_string_equal(d.c.reason, "Missed most of March.");
    assert_int_equal(d.ntasks, 1);
    assert_int_equal(d.tasks[0].kind, SUPPORT_TASK_FIRST_CONTACT);
    /* 5 school days: 25, 26, 27, 28 March, then the break, then 14 April */
    char due[DATE_TEXT_LEN];
    date_format(d.tasks[0].due_on, due);
    assert_string_equal(due, "2025-04-14");
    assert_int_equal(d.nhistory, 1);
    support_case_detail_free(&d);
    /* the reason is sealed at rest (support/sealed.h), in the case and its history */
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM support_case WHERE reason LIKE '%March%'"
                                " OR reason NOT LIKE 's1:%'"), 0);
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM case_history WHERE reason LIKE '%March%'"),
                     0);

    /* one case at a time per learner; a reason is required; a bad source */
    support_case_open_spec spec = {1, 0, SUPPORT_CASE_FROM_TEACHER, "Again", -1, 0};
    int64_t other = 0;
    assert_int_equal(support_case_open(s.st, 1, s.kw, &spec, NULL, &other, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_ALREADY_OPEN);
    spec.learner_id = 3;
    spec.reason = "  \n ";
    assert_int_equal(support_case_open(s.st, 1, s.kw, &spec, NULL, &other, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    spec.reason = "ok";
    spec.source = 9;
    assert_int_equal(support_case_open(s.st, 1, s.kw, &spec, NULL, &other, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_SOURCE_BAD);
    spec.source = SUPPORT_CASE_FROM_LEARNER;   /* learner 3 has no key worker */
    assert_int_equal(support_case_open(s.st, 1, s.kw, &spec, NULL, &other, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NO_KEY_WORKER);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM support_case"), 1);

    /* the team: P1 joins; the key worker and P1 again are refused; a team
    ** member may not add */
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER, TEAM = SUPPORT_CASE_REL_TEAM;
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 4, SUPPORT_CASE_ROLE_PSYCHOLOGIST,
                                           NULL, &p, &err), 0);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 4, SUPPORT_CASE_ROLE_MENTOR,
                                           NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TEAM_ALREADY);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 3, SUPPORT_CASE_ROLE_MENTOR,
                                           NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TEAM_ALREADY);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 7, SUPPORT_CASE_ROLE_MENTOR,
                                           NULL, &p, &err), 1);   /* no account */
    assert_int_equal(p, SUPPORT_CASE_STAFF_UNKNOWN);
    assert_int_equal(support_case_team_add(s.st, 1, s.p1, TEAM, id, 5, SUPPORT_CASE_ROLE_MENTOR,
                                           NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NOT_YOURS);

    /* steps: the team starts the assessment, only the key worker agrees the plan */
    assert_int_equal(support_case_step_take(s.st, 1, s.p1, TEAM, id, "start_assessment", "",
                                            0, "2025-04-14T10:00:00Z", &p, &err), 0);
    assert_int_equal(support_case_step_take(s.st, 1, s.p1, TEAM, id, "agree_plan", "", 0, NULL,
                                            &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_STEP_NOT_YOURS);
    test_case_goal(&s, id);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "agree_plan", "", 0,
                                            "2025-04-20T10:00:00Z", &p, &err), 0);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "agree_plan", "", 0, NULL,
                                            &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_STEP_NOT_NOW);
    assert_non_null(strstr(err.msg, "\"plan_agreed\""));
    assert_non_null(strstr(err.msg, "\"agree_plan\""));
    /* first contact, assessment and plan done; a weekly review (tier 2) due */
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE done_at IS NULL"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'review'"
                                      " AND due_on = '2025-04-27' AND done_at IS NULL"), 1);
    /* closing needs an outcome and a reason */
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Moved away.", 0,
                                            NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_OUTCOME_MISSING);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "",
                                            SUPPORT_CASE_MOVED, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Moved away.",
                                            SUPPORT_CASE_MOVED, NULL, &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE done_at IS NULL"), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE cancelled = 1"), 1);
    /* a closed case takes no team change; a leader may reopen it */
    assert_int_equal(support_case_team_remove(s.st, 1, s.kw, KW, id, 4, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_IS_CLOSED);
    assert_int_equal(support_case_step_take(s.st, 1, s.p1, TEAM, id, "reopen", "Back.", 0, NULL,
                                            &p, &err), 1);
    assert_int_equal(support_case_step_take(s.st, 1, s.leader, SUPPORT_CASE_REL_LEADER, id,
                                            "reopen", "Came back in May.", 0, NULL, &p, &err), 0);
    assert_int_equal(state_of(&s, id), SUPPORT_CASE_OPEN);
    assert_int_equal(support_case_team_remove(s.st, 1, s.kw, KW, id, 4, &p, &err), 0);
    assert_int_equal(support_case_team_remove(s.st, 1, s.kw, KW, id, 4, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TEAM_NOT_MEMBER);

    assert_int_equal(support_case_detail_get(s.st, 1, id, 1, &d, &err), 1);
    /* open, team_add, 3 steps, close, reopen, team_remove */
    assert_int_equal(d.nhistory, 7);
    assert_string_equal(d.history[4].to_value, "closed:moved");
    assert_string_equal(d.history[4].reason, "Moved away.");
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM case_history WHERE reason LIKE '%Moved%'"),
                     0);
    assert_string_equal(d.c.outcome_reason, "");
    support_case_detail_free(&d);
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM audit_event WHERE action LIKE 'case.%'"),
                     7);
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, NULL, &err), 0);
    test_store_drop(s.st);
}

/* The tier: the key worker changes it with a reason; not to the same, not
** without a reason, not as the team. */
static void test_tier(void **state) {
    school s = test_case_school_open(state, "case_tier");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = test_case_open(&s, 2, NULL);
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    assert_int_equal(state_of(&s, id), SUPPORT_CASE_OPEN);
    assert_int_equal(support_case_tier_set(s.st, 1, s.kw, KW, id, 1, "Same", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TIER_SAME);
    assert_int_equal(support_case_tier_set(s.st, 1, s.kw, KW, id, 2, "", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(support_case_tier_set(s.st, 1, s.kw, KW, id, 5, "x", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TIER_BAD);
    assert_int_equal(support_case_tier_set(s.st, 1, s.p1, SUPPORT_CASE_REL_TEAM, id, 2, "x", NULL,
                                           &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NOT_YOURS);
    assert_int_equal(support_case_tier_set(s.st, 1, s.kw, KW, id, 2, "Housing lost.", NULL, &p,
                                           &err), 0);
    support_case c;
    assert_int_equal(support_case_get(s.st, 1, id, 1, &c, &err), 1);
    assert_int_equal(c.tier, 2);
    assert_int_equal(c.flag_tier, 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE kind = 'tier'"
                                      " AND from_value = 'selective'"
                                      " AND to_value = 'individual'"), 1);
    test_store_drop(s.st);
}

/* The learner's whole record (support/subject.h) carries the cases with
** their texts opened; an open case holds erasure back; erasing blanks the
** texts and keeps states and outcomes. */
static void test_subject(void **state) {
    school s = test_case_school_open(state, "case_subject");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t id = test_case_open(&s, 1, NULL);
    json_t *all = NULL;
    assert_int_equal(support_subject_export(s.st, 1, 1, 0, &all, &err), 0);
    char *text = json_dumps(all, 0);
    assert_non_null(strstr(text, "\"cases\""));
    assert_non_null(strstr(text, "Missed most of March."));
    free(text);
    json_decref(all);
    buf why = BUF_INIT;
    assert_int_equal(support_case_subject_hold(s.st, 1, 1, &why, &err), 1);
    assert_non_null(strstr(buf_cstr(&why), "open case"));
    buf_free(&why);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Left for work.",
                                            SUPPORT_CASE_LEFT, NULL, &p, &err), 0);
    assert_int_equal(support_case_subject_hold(s.st, 1, 1, &why, &err), 0);
    assert_int_equal(support_case_subject_erase(s.st, 1, 1, &err), 0);
    support_case_detail d;
    assert_int_equal(support_case_detail_get(s.st, 1, id, 1, &d, &err), 1);
    assert_string_equal(d.c.reason, "");
    assert_string_equal(d.c.outcome_reason, "");
    assert_int_equal(d.c.outcome, SUPPORT_CASE_LEFT);
    for (size_t i = 0; i < d.nhistory; i++) assert_string_equal(d.history[i].reason, "");
    support_case_detail_free(&d);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_walk),
        BOTH(test_table_taken),
        BOTH(test_lifecycle),
        BOTH(test_tier),
        BOTH(test_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
