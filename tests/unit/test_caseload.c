/*
** tests/unit/test_caseload.c — the leader's figures (support/case_stats.c):
** caseloads by state, closures by outcome, and the medians from a flag to
** the first contact and to the agreed plan, over cases written with known
** dates; on SQLite and PostgreSQL.  The suppression of small cells on
** the page and its JSON twin is tested by tests/cli/test_caseload.sh.
**
** Cases 101..105 of key worker K1 (staff 3), all from a flag but 105:
**   first contact after 2, 4 and 10 days (101..103; 105 from a teacher,
**   after 1 day, is not counted): median 4;
**   plan agreed after 5, 7, 9 and 20 days (101..104; 105 after 1 day not
**   counted): median 8 (an even count: the mean of the middle two).
*/
#include "testutil.h"
#include "base/date.h"
#include "support/case.h"
#include <math.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z'),"
    " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry'),"
    " (2, 1, 'P1', 'Carpentry');"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor'), (2, 3, 'K1', 'Kit', 'Other', 'coach');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (2, 1, 'L1', 'Zed', 'Else');"
    "INSERT INTO support_case (institution_id, id, learner_id, key_worker_id, state, tier, source,"
    " reason, outcome, opened_at, closed_at, updated_at) VALUES"
    " (1, 101, 1, 3, 'closed', 1, 'flag', 'r', 'returned', '2025-03-03T09:00:00Z', 'x', 'x'),"
    " (1, 102, 1, 3, 'closed', 1, 'flag', 'r', 'returned', '2025-03-10T09:00:00Z', 'x', 'x'),"
    " (1, 103, 1, 3, 'closed', 1, 'flag', 'r', 'moved', '2025-04-01T09:00:00Z', 'x', 'x'),"
    " (1, 104, 1, 3, 'closed', 1, 'flag', 'r', 'stabilised', '2025-05-01T09:00:00Z', 'x', 'x'),"
    " (1, 105, 1, 3, 'monitoring', 1, 'teacher', 'r', NULL, '2025-06-01T09:00:00Z', NULL, 'x'),"
    " (2, 101, 1, 3, 'closed', 1, 'flag', 'r', 'left', '2025-03-01T09:00:00Z', 'x', 'x');"
    "INSERT INTO case_task (institution_id, id, case_id, kind, title, owner_id, due_on,"
    " created_at, done_at) VALUES"
    " (1, 1, 101, 'first_contact', 't', 3, '2025-03-05', 'x', '2025-03-05T10:00:00Z'),"
    " (1, 2, 102, 'first_contact', 't', 3, '2025-03-12', 'x', '2025-03-14T10:00:00Z'),"
    " (1, 3, 103, 'first_contact', 't', 3, '2025-04-03', 'x', '2025-04-11T10:00:00Z'),"
    " (1, 4, 105, 'first_contact', 't', 3, '2025-06-03', 'x', '2025-06-02T10:00:00Z'),"
    " (1, 5, 104, 'first_contact', 't', 3, '2025-05-03', 'x', NULL),"
    " (2, 1, 101, 'first_contact', 't', 3, '2025-03-03', 'x', '2025-03-30T10:00:00Z');"
    "INSERT INTO case_history (institution_id, case_id, seq, at, kind, from_value, to_value,"
    " reason) VALUES"
    " (1, 101, 1, '2025-03-08T10:00:00Z', 'step', 'assessment', 'plan_agreed', 'r'),"
    " (1, 102, 1, '2025-03-17T10:00:00Z', 'step', 'assessment', 'plan_agreed', 'r'),"
    " (1, 102, 2, '2025-03-30T10:00:00Z', 'step', 'monitoring', 'plan_agreed', 'r'),"
    " (1, 103, 1, '2025-04-10T10:00:00Z', 'step', 'assessment', 'plan_agreed', 'r'),"
    " (1, 104, 1, '2025-05-21T10:00:00Z', 'step', 'assessment', 'plan_agreed', 'r'),"
    " (1, 105, 1, '2025-06-02T10:00:00Z', 'step', 'assessment', 'plan_agreed', 'r'),"
    " (2, 101, 1, '2025-03-02T10:00:00Z', 'step', 'assessment', 'plan_agreed', 'r');";

/* The figures: caseloads, closures, the two medians (even and odd counts),
** only the institution's own cases. */
static void test_stats(void **state) {
    store *st = test_school_db(KIND(state), "caseload_stats", school_sql);
    cairn_err err = {0};
    support_case_stats s;
    int32_t today;
    assert_int_equal(date_parse("2025-07-01", 10, &today), 0);
    assert_int_equal(support_case_stats_read(st, 1, today, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.rows[0].name, "Kim Keyone");
    assert_int_equal(s.rows[0].by_state[SUPPORT_CASE_CLOSED], 4);
    assert_int_equal(s.rows[0].by_state[SUPPORT_CASE_MONITORING], 1);
    assert_int_equal(s.closed, 4);
    assert_int_equal(s.closed_by_outcome[support_case_outcome_parse("returned")], 2);
    assert_int_equal(s.closed_by_outcome[support_case_outcome_parse("left")], 0);
    assert_int_equal(s.contacts, 3);
    assert_true(fabs(s.median_days_to_contact - 4.0) < 1e-9);
    assert_int_equal(s.plans, 4);
    assert_true(fabs(s.median_days_to_plan - 8.0) < 1e-9);
    free(s.rows);
    /* the other institution: one case, its own figures */
    assert_int_equal(support_case_stats_read(st, 2, today, &s, &err), 0);
    assert_int_equal(s.contacts, 1);
    assert_true(fabs(s.median_days_to_contact - 29.0) < 1e-9);
    assert_int_equal(s.plans, 1);
    assert_true(fabs(s.median_days_to_plan - 1.0) < 1e-9);
    free(s.rows);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
