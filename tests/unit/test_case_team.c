/*
** tests/unit/test_case_team.c — the work around a case (support/case.h):
** tasks and their school-day due dates, follow-ups, handovers between key
** workers, case conferences, and access by relationship (web/access.h: a
** team member of one case cannot open another); on SQLite and PostgreSQL.
** The lifecycle table and the case's life are in tests/unit/test_case.c.
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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The school of test_case_school_sql with its accounts (testutil.h). */
typedef test_case_school school;

/* ---- the work around a case ----------------------------------------------------------- */

/* Tasks: school days over a weekend and a break; a review done makes the
** next; the home list; the learners whose risk rose. */
static void test_tasks(void **state) {
    school s = test_case_school_open(state, "case_tasks");
    cairn_err err = {0};
    support_case_problem p;
    int32_t d, fri = date_from_ymd(2025, 3, 7), out;
    assert_int_equal(support_case_school_days_after(s.st, 1, fri, 5, &out, &err), 0);
    assert_int_equal(out, date_from_ymd(2025, 3, 14));
    assert_int_equal(support_case_school_days_after(s.st, 1, date_from_ymd(2025, 3, 27), 2, &out,
                                                    &err), 0);
    assert_int_equal(out, date_from_ymd(2025, 4, 14));
    /* beyond the last term: plain weekdays */
    d = date_from_ymd(2025, 12, 5);
    assert_int_equal(support_case_school_days_after(s.st, 1, d, 5, &out, &err), 0);
    assert_int_equal(out, date_from_ymd(2025, 12, 12));

    /* learner 1's case opened 2025-02-20 (score then: tier 1); now tier 2 */
    int64_t id = test_case_open(&s, 1, "2025-02-20T09:00:00Z");
    support_case_risen *risen = NULL;
    size_t n = 0;
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, NULL, 0, &risen, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(risen[0].tier_then, 1);
    assert_int_equal(risen[0].tier_now, 2);
    free(risen);
    /* latest scores the caller read are taken, not read again: learner 1
    ** given at tier 0 now has not risen; a score of another learner given
    ** leaves learner 1's read from the table */
    support_case_risen given = {0};
    given.learner_id = 1;
    given.p_now = NAN;
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, &given, 1, &risen, &n, &err), 0);
    assert_int_equal(n, 0);
    free(risen);
    given.learner_id = 2;
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, &given, 1, &risen, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(risen[0].tier_now, 2);
    free(risen);
    /* learner 2's case opened after its only score: nothing rose */
    int64_t id2 = test_case_open(&s, 2, "2025-03-20T09:00:00Z");
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, NULL, 0, &risen, &n, &err), 0);
    assert_int_equal(n, 1);
    free(risen);

    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "start_assessment", "", 0,
                                            "2025-02-21T09:00:00Z", &p, &err), 0);
    test_case_goal(&s, id);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "agree_plan", "", 0,
                                            "2025-02-28T09:00:00Z", &p, &err), 0);
    support_case_task *tasks = NULL;
    /* on 2025-03-05: the review (due 03-07, in 7 days) and case 2's first
    ** contact (due 03-27, not yet) */
    assert_int_equal(support_case_tasks_due(s.st, 1, 3, date_from_ymd(2025, 3, 5), 0, &tasks, &n,
                                            &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tasks[0].kind, SUPPORT_TASK_REVIEW);
    int64_t review = tasks[0].id;
    free(tasks);
    assert_int_equal(support_case_tasks_due(s.st, 1, 3, date_from_ymd(2025, 3, 25), 0, &tasks,
                                            &n, &err), 0);
    assert_int_equal(n, 2);
    free(tasks);
    assert_int_equal(support_case_tasks_due(s.st, 1, 4, date_from_ymd(2025, 3, 25), 0, &tasks,
                                            &n, &err), 0);
    assert_int_equal(n, 0);   /* P1 owns nothing, keys nothing */
    free(tasks);
    /* a review done after the plan: the next, a week later */
    assert_int_equal(support_case_task_done(s.st, 1, s.p1, 0, id, review, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NOT_YOURS);
    assert_int_equal(support_case_task_done(s.st, 1, s.kw, KW, id2, review, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TASK_UNKNOWN);   /* not a task of that case */
    /* by hand (the case page, the API) a review task is refused: recording
    ** the review does it */
    assert_int_equal(support_case_task_done_by_hand(s.st, 1, s.kw, KW, id, review, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TASK_IS_REVIEW);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'review'"
                                      " AND done_at IS NOT NULL"), 0);
    assert_int_equal(support_case_task_done(s.st, 1, s.kw, KW, id, review,
                                            "2025-03-07T09:00:00Z", &p, &err), 0);
    assert_int_equal(support_case_task_done(s.st, 1, s.kw, KW, id, review, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TASK_DONE);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'review'"
                                      " AND done_at IS NULL AND due_on = '2025-03-14'"), 1);
    /* the last review (03-07) is after the tier-2 score's predecessor only:
    ** the score on or before 03-07 is 02-14 (tier 1), so it still rose */
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, NULL, 0, &risen, &n, &err), 0);
    assert_int_equal(n, 1);
    free(risen);
    assert_int_equal(support_case_task_done(s.st, 1, s.kw, KW, id,
                                            review + 1, "2025-03-15T09:00:00Z", &p, &err), 0);
    assert_int_equal(support_case_risk_risen(s.st, 1, 3, NULL, 0, &risen, &n, &err), 0);
    assert_int_equal(n, 0);   /* reviewed after the rise */
    free(risen);
    test_store_drop(s.st);
}

/* Follow-ups: the key worker or the team adds one for the key worker or a
** team member, due from today on, its words sealed; refusals change
** nothing. */
static void test_follow_up(void **state) {
    school s = test_case_school_open(state, "case_follow");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER, TEAM = SUPPORT_CASE_REL_TEAM;
    int64_t id = test_case_open(&s, 1, "2025-03-03T09:00:00Z");
    const char *at = "2025-03-04T09:00:00Z";
    int32_t day = date_from_ymd(2025, 3, 10);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 4, SUPPORT_CASE_ROLE_SOCIAL_WORKER,
                                           NULL, &p, &err), 0);
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.leader, SUPPORT_CASE_REL_LEADER, id, 3,
                                                day, "Call home", at, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NOT_YOURS);
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.kw, KW, id, 5, day, "Call home", at,
                                                &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_OWNER_BAD);   /* P2 is not on the team */
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.kw, KW, id, 3,
                                                date_from_ymd(2025, 3, 3), "Call home", at, &p,
                                                &err), 1);
    assert_int_equal(p, SUPPORT_CASE_DUE_BAD);
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.kw, KW, id, 3, day, " ", at, &p, &err),
                     1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    /* fuzz_case_api: a text refused for a control character after some
    ** letters left the copy without its NUL, and the follow-up counted
    ** its characters past the buffer's end */
    char *copy = malloc(SUPPORT_CASE_TEXT_BYTES);
    memset(copy, 'x', SUPPORT_CASE_TEXT_BYTES);
    assert_int_equal(support_case_reason_check("9-___\x7f___01", copy, &p), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_BAD);
    assert_string_equal(copy, "");
    memset(copy, 'x', SUPPORT_CASE_TEXT_BYTES);
    assert_int_equal(support_case_reason_check("too \x01long", copy, &p), 1);
    assert_string_equal(copy, "");
    free(copy);
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.kw, KW, id, 3, day, "9-___\x7f___01", at,
                                                &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_BAD);
    char longer[260];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.kw, KW, id, 3, day, longer, at, &p,
                                                &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_BAD);
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM case_task WHERE kind = 'follow_up'"), 0);
    /* the team adds one for the social worker */
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.p1, TEAM, id, 4, day,
                                                "Visit the housing office with her", at, &p,
                                                &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'follow_up'"
                                      " AND owner_id = 4 AND due_on = '2025-03-10'"
                                      " AND title LIKE 's1:%'"), 1);
    support_case_detail d;
    assert_int_equal(support_case_detail_get(s.st, 1, id, 1, &d, &err), 1);
    int seen = 0;
    for (size_t i = 0; i < d.ntasks; i++)
        if (d.tasks[i].kind == SUPPORT_TASK_FOLLOW_UP) {
            assert_string_equal(d.tasks[i].title, "Visit the housing office with her");
            seen = 1;
        }
    assert_true(seen);
    support_case_detail_free(&d);
    assert_int_equal(support_case_detail_get(s.st, 1, id, 0, &d, &err), 1);
    for (size_t i = 0; i < d.ntasks; i++)
        if (d.tasks[i].kind == SUPPORT_TASK_FOLLOW_UP) assert_string_equal(d.tasks[i].title, "");
    support_case_detail_free(&d);
    /* on the owner's list of what is due */
    support_case_task *tasks = NULL;
    size_t n = 0;
    assert_int_equal(support_case_tasks_due(s.st, 1, 4, date_from_ymd(2025, 3, 5), 0, &tasks, &n,
                                            &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tasks[0].kind, SUPPORT_TASK_FOLLOW_UP);
    free(tasks);
    /* the key worker's tasks due come by day, then id, whatever order they
    ** were added in; a limit keeps the first of that order (ties included) */
    /* (a second case, read after the first, holds the earliest: the rows
    ** do not come in order) */
    int64_t id2 = test_case_open(&s, 2, "2025-03-03T09:00:00Z");
    static const int days[] = {9, 4, 7, 4, 11, 5, 4, 9, 6, 12, 10, 8};
    for (size_t k = 0; k < sizeof days / sizeof *days; k++)
        assert_int_equal(support_case_follow_up_add(s.st, 1, s.kw, KW, k % 2 ? id2 : id, 3,
                                                    date_from_ymd(2025, 3, days[k]), "Call", at,
                                                    &p, &err), 0);
    support_case_task *all = NULL;
    size_t nall = 0;
    assert_int_equal(support_case_tasks_due(s.st, 1, 3, date_from_ymd(2025, 3, 5), 0, &all,
                                            &nall, &err), 0);
    assert_true(nall >= sizeof days / sizeof *days);
    for (size_t k = 1; k < nall; k++)
        assert_true(all[k - 1].due_on < all[k].due_on ||
                    (all[k - 1].due_on == all[k].due_on && all[k - 1].id < all[k].id));
    for (size_t limit = 1; limit <= nall + 1; limit++) {
        assert_int_equal(support_case_tasks_due(s.st, 1, 3, date_from_ymd(2025, 3, 5), limit,
                                                &tasks, &n, &err), 0);
        assert_int_equal(n, limit < nall ? limit : nall);
        for (size_t k = 0; k < n; k++) assert_int_equal(tasks[k].id, all[k].id);
        free(tasks);
    }
    free(all);
    /* a closed case takes none */
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Moved.",
                                            SUPPORT_CASE_MOVED, NULL, &p, &err), 0);
    assert_int_equal(support_case_follow_up_add(s.st, 1, s.kw, KW, id, 3,
                                                date_from_ymd(2099, 1, 1), "Later", NULL, &p,
                                                &err), 1);
    assert_int_equal(p, SUPPORT_CASE_IS_CLOSED);
    test_store_drop(s.st);
}

/* Handovers: the key worker offers, the receiver sees the case, declines
** with a reason, then accepts: the new key worker takes the case, its
** tasks and a first contact; the old one no longer sees it. */
static void test_transfer(void **state) {
    school s = test_case_school_open(state, "case_transfer");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER, TEAM = SUPPORT_CASE_REL_TEAM;
    int64_t kw2 = test_account_add(s.st, "kw2", "ONE", "K2", ACCESS_ROLE_KEY_WORKER);
    int64_t id = test_case_open(&s, 1, NULL);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 4, SUPPORT_CASE_ROLE_MENTOR,
                                           NULL, &p, &err), 0);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.p1, TEAM, id, 8, "Moving.", NULL, &p,
                                               &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NOT_YOURS);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 3, "Me.", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_STAFF_UNKNOWN);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 1, "A teacher.", NULL, &p,
                                               &err), 1);
    assert_int_equal(p, SUPPORT_CASE_STAFF_UNKNOWN);   /* not a key worker */
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "I am on leave from May.",
                                               NULL, &p, &err), 0);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Again.", NULL, &p, &err),
                     1);
    assert_int_equal(p, SUPPORT_CASE_TRANSFER_PENDING);
    access_ctx c2;
    assert_int_equal(access_ctx_load(s.st, kw2, &c2, &err), 0);
    unsigned rel = 0;
    assert_int_equal(access_case_relation(&c2, id, &rel, &err), 0);
    assert_int_equal(rel, SUPPORT_CASE_REL_RECEIVER);
    support_case_transfer *offers = NULL;
    size_t n = 0;
    assert_int_equal(support_case_transfers_for(s.st, 1, 8, &offers, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(offers[0].case_id, id);
    free(offers);
    /* only the receiver answers; declining needs a reason */
    assert_int_equal(support_case_transfer_answer(s.st, 1, s.kw, KW, id, 1, "", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TRANSFER_NONE);
    assert_int_equal(support_case_transfer_answer(s.st, 1, kw2, rel, id, 0, "", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(support_case_transfer_answer(s.st, 1, kw2, rel, id, 0, "My caseload is full.",
                                                  NULL, &p, &err), 0);
    support_case c;
    assert_int_equal(support_case_get(s.st, 1, id, 0, &c, &err), 1);
    assert_int_equal(c.key_worker_id, 3);
    assert_int_equal(access_case_relation(&c2, id, &rel, &err), 0);
    assert_int_equal(rel, 0);
    /* offered again, accepted */
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Leave starts Monday.",
                                               NULL, &p, &err), 0);
    assert_int_equal(access_case_relation(&c2, id, &rel, &err), 0);
    assert_int_equal(support_case_transfer_answer(s.st, 1, kw2, rel, id, 1, "", NULL, &p, &err), 0);
    assert_int_equal(support_case_get(s.st, 1, id, 0, &c, &err), 1);
    assert_int_equal(c.key_worker_id, 8);
    assert_int_equal(access_case_relation(&c2, id, &rel, &err), 0);
    assert_int_equal(rel, SUPPORT_CASE_REL_KEY_WORKER);
    access_ctx c1;
    assert_int_equal(access_ctx_load(s.st, s.kw, &c1, &err), 0);
    assert_int_equal(access_case_relation(&c1, id, &rel, &err), 0);
    assert_int_equal(rel, 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE done_at IS NULL"
                                      " AND owner_id <> 8"), 0);
    /* the old and the new */
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE done_at IS NULL"
                                      " AND kind = 'first_contact'"), 2);
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM case_history WHERE kind LIKE 'transfer_%'"),
                     4);
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM case_transfer WHERE reason LIKE '%leave%'"
                                " OR answer LIKE '%full%'"), 0);
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, NULL, &err), 0);
    test_store_drop(s.st);
}

/* Case conferences: held by the key worker and the team, on a day from
** the case's opening to today, with domains; decisions become follow-ups. */
static void test_conference(void **state) {
    school s = test_case_school_open(state, "case_conf");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t id = test_case_open(&s, 1, "2025-03-03T09:00:00Z");
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, id, 4, SUPPORT_CASE_ROLE_PSYCHOLOGIST,
                                           NULL, &p, &err), 0);
    const char *at = "2025-03-12T15:00:00Z";
    int64_t people[] = {3, 4}, stranger[] = {3, 5};
    support_case_decision dec[] = {
        {"Ask the housing office about a room", 4, date_from_ymd(2025, 3, 19)},
        {"Meet the learner and her mother", 3, date_from_ymd(2025, 3, 14)},
    };
    support_case_conference_spec spec = {date_from_ymd(2025, 3, 12), people, 2,
                                         (1u << 5) | (1u << 2), "Housing is the root.", dec, 2};
    spec.held_on = date_from_ymd(2025, 3, 13);   /* after "today" (at) */
    assert_int_equal(support_case_conference_record(s.st, 1, s.kw, KW, id, &spec, at, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_HELD_ON_BAD);
    spec.held_on = date_from_ymd(2025, 3, 12);
    spec.attendees = stranger;
    assert_int_equal(support_case_conference_record(s.st, 1, s.kw, KW, id, &spec, at, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_ATTENDEES_BAD);
    spec.attendees = people;
    spec.domains = 0;
    assert_int_equal(support_case_conference_record(s.st, 1, s.kw, KW, id, &spec, at, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_DOMAINS_MISSING);
    spec.domains = (1u << 5) | (1u << 2);
    dec[1].owner_id = 5;
    assert_int_equal(support_case_conference_record(s.st, 1, s.kw, KW, id, &spec, at, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_OWNER_BAD);
    dec[1].owner_id = 3;
    assert_int_equal(support_case_conference_record(s.st, 1, s.leader, SUPPORT_CASE_REL_LEADER, id,
                                                    &spec, at, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NOT_YOURS);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_conference"), 0);
    assert_int_equal(support_case_conference_record(s.st, 1, s.p1, SUPPORT_CASE_REL_TEAM, id, &spec,
                                                    at, &p, &err), 0);
    support_case_conference *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_case_conferences(s.st, 1, id, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].held_on, date_from_ymd(2025, 3, 12));
    assert_int_equal(rows[0].domains, (1u << 5) | (1u << 2));
    assert_int_equal(rows[0].ndecisions, 2);
    assert_string_equal(rows[0].notes, "Housing is the root.");
    assert_non_null(strstr(rows[0].attendees, "Pat Psyone"));
    assert_non_null(strstr(rows[0].attendees, "Kim Keyone"));
    free(rows);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'follow_up'"
                                      " AND conference_id IS NOT NULL AND done_at IS NULL"), 2);
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM case_conference WHERE notes LIKE '%root%'"),
                     0);
    test_store_drop(s.st);
}

/* ---- access ---------------------------------------------------------------------------- */

/* The access context of account id. */
static access_ctx ctx_of(store *st, int64_t id) {
    cairn_err err = {0};
    access_ctx c;
    if (access_ctx_load(st, id, &c, &err)) fail_msg("ctx %lld: %s", (long long)id, err.msg);
    return c;
}

/* A team member sees the learner and the case they are on and nothing of
** another case; a leader is a leader, not a team member; closing ends the
** learner access; a disabled account has none. */
static void test_access(void **state) {
    school s = test_case_school_open(state, "case_access");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t a = test_case_open(&s, 1, NULL), b = test_case_open(&s, 2, NULL);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, a, 4, SUPPORT_CASE_ROLE_PSYCHOLOGIST,
                                           NULL, &p, &err), 0);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, b, 5, SUPPORT_CASE_ROLE_SOCIAL_WORKER,
                                           NULL, &p, &err), 0);
    access_ctx p1 = ctx_of(s.st, s.p1), p2 = ctx_of(s.st, s.p2), kw = ctx_of(s.st, s.kw);
    access_ctx lead = ctx_of(s.st, s.leader), teacher = ctx_of(s.st, s.teacher);
    unsigned rel;
    assert_int_equal(access_case_relation(&p1, a, &rel, &err), 0);
    assert_int_equal(rel, SUPPORT_CASE_REL_TEAM);
    assert_int_equal(access_case_relation(&p1, b, &rel, &err), 0);
    assert_int_equal(rel, 0);                               /* not their case */
    assert_int_equal(access_case_relation(&p2, a, &rel, &err), 0);
    assert_int_equal(rel, 0);
    assert_int_equal(access_case_relation(&kw, b, &rel, &err), 0);
    assert_int_equal(rel, SUPPORT_CASE_REL_KEY_WORKER);
    assert_int_equal(access_case_relation(&lead, a, &rel, &err), 0);
    assert_int_equal(rel, SUPPORT_CASE_REL_LEADER);         /* counts and states only */
    assert_int_equal(access_case_relation(&teacher, a, &rel, &err), 0);
    assert_int_equal(rel, 0);                               /* teaches L1, not on the team */
    assert_int_equal(access_case_relation(&p1, 99, &rel, &err), 0);
    assert_int_equal(rel, 0);
    /* a leader has no relationship to an unknown case, nor to a case of
    ** another institution */
    assert_int_equal(access_case_relation(&lead, 99, &rel, &err), 0);
    assert_int_equal(rel, 0);
    assert_int_equal(store_exec(s.st,
        "INSERT INTO institution (id, code, name, created_at) VALUES"
        " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z');"
        "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
        " (2, 3, 'K1', 'Kit', 'Other', 'coach');"
        "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
        " (2, 1, 'L1', 'Zed', 'Else');"
        "INSERT INTO support_case (institution_id, id, learner_id, key_worker_id, state, tier,"
        " source, reason, opened_at, updated_at) VALUES"
        " (2, 500, 1, 3, 'open', 1, 'flag', 'r', '2025-03-03T09:00:00Z', 'x')", &err), 0);
    assert_int_equal(access_case_relation(&lead, 500, &rel, &err), 0);
    assert_int_equal(rel, 0);
    /* the learners: P1 sees learner 1 only, P2 learner 2 only */
    assert_int_equal(access_can_view_learner(&p1, 1, &err), 1);
    assert_int_equal(access_can_view_learner(&p1, 2, &err), 0);
    assert_int_equal(access_can_view_learner(&p2, 2, &err), 1);
    assert_int_equal(access_can_view_learner(&p2, 1, &err), 0);
    assert_int_equal(access_can_view_learner(&p1, 3, &err), 0);
    /* a teacher added to a team sees a learner outside their groups */
    assert_int_equal(access_can_view_learner(&teacher, 2, &err), 0);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, b, 1, SUPPORT_CASE_ROLE_TEACHER,
                                           NULL, &p, &err), 0);
    assert_int_equal(access_can_view_learner(&teacher, 2, &err), 1);
    /* closing the case ends what it granted; the relationship to the case stays */
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, a, "close", "Stable now.",
                                            SUPPORT_CASE_STABILISED, NULL, &p, &err), 0);
    assert_int_equal(access_can_view_learner(&p1, 1, &err), 0);
    assert_int_equal(access_case_relation(&p1, a, &rel, &err), 0);
    assert_int_equal(rel, SUPPORT_CASE_REL_TEAM);
    /* a disabled account: nothing */
    assert_int_equal(store_exec(s.st, "UPDATE account SET disabled = 1 WHERE username = 'psytwo'",
                                &err), 0);
    assert_int_equal(access_case_relation(&p2, b, &rel, &err), 0);
    assert_int_equal(rel, 0);
    assert_int_equal(access_can_view_learner(&p2, 2, &err), 0);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_tasks),
        BOTH(test_follow_up),
        BOTH(test_transfer),
        BOTH(test_conference),
        BOTH(test_access),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
