/*
** tests/unit/test_case_approval.c — a school leader's approval of closing
** a case and of a handover (support/case.h, "approvals"): off by default;
** when the institution's setting is on, the key worker's close step and
** handover offer wait as a request; only a school leader who did not ask
** and is not the key worker answers it, with a comment; a leader of
** another institution cannot; declining changes nothing, approving takes
** the step or makes the offer; every ask and answer is in the case's
** history (comment sealed) and the audit log.  And the learner is told of
** an accepted handover (support/case_tell.c).  On SQLite and PostgreSQL.
**
** The school: key workers K1 (staff 3, of learner 1) and K2 (staff 8), head
** H1 (staff 6); a second school with its own head H2 (staff 20).
*/
#include "testutil.h"
#include "support/audit.h"
#include "support/case.h"
#include "support/intervention.h"
#include "support/setting.h"
#include "web/access.h"
#include "web/support/intervention_web.h"
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
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor'), (1, 6, 'H1', 'Hana', 'Head', 'head'),"
    " (1, 8, 'K2', 'Kai', 'Keytwo', 'coach'), (2, 20, 'H2', 'Hugo', 'Headtwo', 'head');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active');"
    "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at) VALUES"
    " (1, 1, 3, '2025-01-01T00:00:00Z');";

typedef struct school {
    store  *st;
    int64_t kw, kw2, leader, leader2;   /* account ids */
} school;

/* The school above with its accounts; the key worker K1 is a school leader
** too (so that "not their own request" is tested on one who could). */
static school school_open(void **state, const char *name) {
    school s;
    s.st = test_school_db(KIND(state), name, school_sql);
    s.kw = test_account_add(s.st, "kw", "ONE", "K1",
                            ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_SCHOOL_LEADER);
    s.kw2 = test_account_add(s.st, "kw2", "ONE", "K2", ACCESS_ROLE_KEY_WORKER);
    s.leader = test_account_add(s.st, "leader", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    s.leader2 = test_account_add(s.st, "leader2", "TWO", "H2", ACCESS_ROLE_SCHOOL_LEADER);
    return s;
}

/* The first column of sql's first row. */
static int64_t count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* Open a case for learner 1; returns its id. */
static int64_t open_case(school *s) {
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = 0;
    support_case_open_spec spec = {1, 0, SUPPORT_CASE_FROM_FLAG, "Missed most of March.", -1, 0};
    if (support_case_open(s->st, 1, s->kw, &spec, NULL, &id, &p, &err) != 0)
        fail_msg("open: %s", err.msg);
    return id;
}

/* viewer's relationship to case id, as the pages see it. */
static unsigned relation(school *s, int64_t account, int64_t id) {
    cairn_err err = {0};
    access_ctx c;
    unsigned rel = 0;
    assert_int_equal(access_ctx_load(s->st, account, &c, &err), 0);
    assert_int_equal(access_case_relation(&c, id, &rel, &err), 0);
    return rel;
}

/* The table marks every close row, and only those, as needing approval;
** both settings exist and are off by default. */
static void test_table_marks(void **state) {
    (void)state;
    size_t n;
    const support_case_step *t = support_case_steps(&n);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(t[i].code, "close"))
            assert_string_equal(t[i].approval, SUPPORT_CASE_APPROVAL_CLOSE);
        else assert_null(t[i].approval);
    }
    const support_setting_def *d = support_setting_find(SUPPORT_CASE_APPROVAL_CLOSE);
    assert_non_null(d);
    assert_int_equal(d->dflt, 0);
    d = support_setting_find(SUPPORT_CASE_APPROVAL_TRANSFER);
    assert_non_null(d);
    assert_int_equal(d->dflt, 0);
}

/* Closing with the setting on: a request; the key worker (a leader too)
** cannot approve it, nor a leader of another school; declining keeps the
** case open; approving closes it with the outcome asked. */
static void test_close_approval(void **state) {
    school s = school_open(state, "case_approval_close");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t id = open_case(&s);
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_CASE_APPROVAL_CLOSE, "1", &err), 0);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close",
                                            "She moved to her aunt in Graz.", SUPPORT_CASE_MOVED,
                                            NULL, &p, &err), 0);
    support_case c;
    assert_int_equal(support_case_get(s.st, 1, id, 0, &c, &err), 1);
    assert_int_equal(c.state, SUPPORT_CASE_OPEN);   /* not closed: waiting */
    support_case_approval a;
    assert_int_equal(support_case_approval_pending(s.st, 1, id, 1, &a, &err), 1);
    assert_string_equal(a.kind, "close");
    assert_int_equal(a.outcome, SUPPORT_CASE_MOVED);
    assert_int_equal(a.asked_by, s.kw);
    assert_string_equal(a.reason, "She moved to her aunt in Graz.");
    support_case_approval *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_case_approvals_waiting(s.st, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].case_id, id);
    free(rows);
    assert_int_equal(support_case_approvals_waiting(s.st, 2, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    /* one at a time; no handover meanwhile */
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Again.",
                                            SUPPORT_CASE_LEFT, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_PENDING);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Leave.", NULL, &p,
                                               &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_PENDING);
    /* who may answer */
    unsigned rel_kw = relation(&s, s.kw, id);
    assert_int_equal(rel_kw, KW | SUPPORT_CASE_REL_LEADER);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.kw, rel_kw, id, 1, "Fine by me.",
                                                  NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_OWN);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.kw2, relation(&s, s.kw2, id), id, 1,
                                                  "Fine.", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NOT_LEADER);
    assert_int_equal(support_case_approval_answer(s.st, 2, s.leader2, SUPPORT_CASE_REL_LEADER, id,
                                                  1, "Fine.", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NONE);   /* not a case of school two */
    unsigned rel_h = relation(&s, s.leader, id);
    assert_int_equal(rel_h, SUPPORT_CASE_REL_LEADER);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, rel_h, id, 1, "  ", NULL, &p,
                                                  &err), 1);
    assert_int_equal(p, SUPPORT_CASE_COMMENT_MISSING);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_approval WHERE state <> 'pending'"), 0);
    /* declined: still open, nothing waits */
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, rel_h, id, 0,
                                                  "Talk to the aunt first.", NULL, &p, &err), 0);
    assert_int_equal(support_case_get(s.st, 1, id, 0, &c, &err), 1);
    assert_int_equal(c.state, SUPPORT_CASE_OPEN);
    assert_int_equal(support_case_approval_pending(s.st, 1, id, 0, &a, &err), 0);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, rel_h, id, 1, "Again.", NULL,
                                                  &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NONE);
    /* asked again, approved: closed as asked, by the key worker's step */
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Moved to Graz.",
                                            SUPPORT_CASE_MOVED, NULL, &p, &err), 0);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, rel_h, id, 1,
                                                  "Agreed with the aunt on the phone.", NULL, &p,
                                                  &err), 0);
    assert_int_equal(support_case_get(s.st, 1, id, 1, &c, &err), 1);
    assert_int_equal(c.state, SUPPORT_CASE_CLOSED);
    assert_int_equal(c.outcome, SUPPORT_CASE_MOVED);
    assert_string_equal(c.outcome_reason, "Moved to Graz.");
    support_case_detail d;
    assert_int_equal(support_case_detail_get(s.st, 1, id, 1, &d, &err), 1);
    const char *kinds[] = {"open", "approval_ask", "approval_no", "approval_ask", "approval_yes",
                           "step"};
    assert_int_equal(d.nhistory, 6);
    for (size_t i = 0; i < d.nhistory; i++) assert_string_equal(d.history[i].kind, kinds[i]);
    assert_int_equal(d.history[4].account_id, s.leader);
    assert_string_equal(d.history[4].reason, "Agreed with the aunt on the phone.");
    assert_int_equal(d.history[5].account_id, s.kw);
    support_case_detail_free(&d);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event WHERE action IN"
                                 " ('case.approval_ask', 'case.approval_approve',"
                                 " 'case.approval_decline')"), 4);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_approval WHERE comment LIKE '%aunt%'"
                                 " OR reason LIKE '%Graz%'"), 0);   /* sealed */
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_history WHERE reason LIKE '%aunt%'"),
                     0);
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, NULL, &err), 0);
    /* erasing the learner blanks the requests' reasons and the answers */
    assert_int_equal(support_case_subject_erase(s.st, 1, 1, &err), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_approval WHERE reason <> ''"
                                 " OR comment IS NOT NULL"), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_approval"), 2);
    test_store_drop(s.st);
}

/* A handover with the setting on: nothing is offered until a leader
** approves; then the receiver sees and accepts it. */
static void test_transfer_approval(void **state) {
    school s = school_open(state, "case_approval_transfer");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t id = open_case(&s);
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_CASE_APPROVAL_TRANSFER, "1", &err),
                     0);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "I am on leave from May.",
                                               NULL, &p, &err), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_transfer"), 0);
    assert_int_equal(relation(&s, s.kw2, id), 0);   /* not offered yet */
    support_case_approval a;
    assert_int_equal(support_case_approval_pending(s.st, 1, id, 0, &a, &err), 1);
    assert_string_equal(a.kind, "transfer");
    assert_int_equal(a.to_staff, 8);
    assert_string_equal(a.to_name, "Kai Keytwo");
    /* closing is not approved by this setting: the close step goes through
    ** only when nothing waits */
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Done.",
                                            SUPPORT_CASE_STABILISED, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_PENDING);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, SUPPORT_CASE_REL_LEADER, id,
                                                  1, "Yes, Kai has room.", NULL, &p, &err), 0);
    support_case_transfer x;
    assert_int_equal(support_case_transfer_pending(s.st, 1, id, 1, &x, &err), 1);
    assert_int_equal(x.to_staff, 8);
    assert_int_equal(x.from_staff, 3);
    assert_string_equal(x.reason, "I am on leave from May.");
    unsigned rel = relation(&s, s.kw2, id);
    assert_int_equal(rel, SUPPORT_CASE_REL_RECEIVER);
    assert_int_equal(support_case_transfer_answer(s.st, 1, s.kw2, rel, id, 1, "", NULL, &p, &err),
                     0);
    support_case c;
    assert_int_equal(support_case_get(s.st, 1, id, 0, &c, &err), 1);
    assert_int_equal(c.key_worker_id, 8);
    /* with the setting off again, an offer goes straight to the receiver */
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_CASE_APPROVAL_TRANSFER, "0", &err),
                     0);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw2, KW, id, 3, "Back from leave.", NULL,
                                               &p, &err), 0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_transfer WHERE state = 'pending'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_approval"), 1);
    test_store_drop(s.st);
}

/* Accept a handover of case id from K1 to K2 (approvals off). */
static void hand_over(school *s, int64_t id) {
    cairn_err err = {0};
    support_case_problem p;
    assert_int_equal(support_case_transfer_ask(s->st, 1, s->kw, SUPPORT_CASE_REL_KEY_WORKER, id, 8,
                                               "Leave.", NULL, &p, &err), 0);
    assert_int_equal(support_case_transfer_answer(s->st, 1, s->kw2, SUPPORT_CASE_REL_RECEIVER, id,
                                                  1, "", NULL, &p, &err), 0);
}

/* The learner is told of a handover: without an address or account, the
** new key worker gets the task "tell the learner"; with both, a notice to
** the account and a mail in the account's language, and a history row. */
static void test_learner_told(void **state) {
    school s = school_open(state, "case_learner_told");
    cairn_err err = {0};
    int64_t id = open_case(&s);
    hand_over(&s, id);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_history WHERE kind = 'learner_told'"),
                     0);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'follow_up'"
                                 " AND owner_id = 8 AND done_at IS NULL"), 1);
    support_case_detail d;
    assert_int_equal(support_case_detail_get(s.st, 1, id, 1, &d, &err), 1);
    int seen = 0;
    for (size_t i = 0; i < d.ntasks; i++)
        seen |= d.tasks[i].kind == SUPPORT_TASK_FOLLOW_UP &&
                !strcmp(d.tasks[i].title, SUPPORT_CASE_TELL_TASK);
    assert_true(seen);
    support_case_detail_free(&d);
    assert_int_equal(count(s.st, "SELECT count(*) FROM mail_queue"), 0);
    /* closed; a new case for a learner with an address and an account in German */
    support_case_problem p;
    assert_int_equal(support_case_step_take(s.st, 1, s.kw2, SUPPORT_CASE_REL_KEY_WORKER, id,
                                            "close", "Done.", SUPPORT_CASE_STABILISED, NULL, &p,
                                            &err), 0);
    assert_int_equal(store_exec(s.st, "UPDATE learner SET email = 'ada@example.org' WHERE id = 1;"
                                      "UPDATE support_assignment SET staff_id = 3;"
                                      "INSERT INTO account (id, username, display_name, language,"
                                      " institution_id, person_kind, person_id, created_at,"
                                      " updated_at) VALUES (900, 'ada', 'Ada One', 'de', 1,"
                                      " 'learner', 1, 'now', 'now')", &err), 0);
    id = open_case(&s);
    hand_over(&s, id);
    assert_int_equal(count(s.st, "SELECT count(*) FROM notice WHERE account_id = 900"
                                 " AND kind = 'case_handover' AND detail = 'Kai Keytwo'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM mail_queue WHERE recipient ="
                                 " 'ada@example.org' AND subject LIKE 'Ihre neue Bezugsperson%'"
                                 " AND body LIKE '%Kai Keytwo%' AND body LIKE '%School one%'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_history WHERE kind = 'learner_told'"
                                 " AND from_value = 'notice,mail'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM audit_event"
                                 " WHERE action = 'case.learner_told'"), 1);
    assert_int_equal(count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'follow_up'"), 1);
    test_store_drop(s.st);
}

/* A learner with an open case joins an intervention: the participation
** refers to the case (a foreign key: another case id is refused), and the
** case's team sees the participation through the case; off the team, not. */
static void test_intervention_case(void **state) {
    school s = school_open(state, "case_intervention");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = open_case(&s);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, 8,
                                           SUPPORT_CASE_ROLE_MENTOR, NULL, &p, &err), 0);
    int added = 0;
    assert_int_equal(intervention_starter_ensure(s.st, 1, &added, &err), 0);
    int64_t iv = count(s.st, "SELECT min(id) FROM intervention WHERE institution_id = 1"), run = 0;
    intervention_problem rp[IV_R_COUNT], q;
    const char *in[IV_R_COUNT] = {"group", "", "2025-03-03", "6"};
    assert_int_equal(intervention_run_start(s.st, 1, s.leader, iv, in, &run, rp, &err), 0);
    assert_int_equal(intervention_participant_add(s.st, 1, s.leader, run, "L1", NULL, 0, NULL, &q,
                                                  &err), 0);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM intervention_participation WHERE case_id = %lld",
             (long long)id);
    assert_int_equal(count(s.st, sql), 1);
    assert_int_not_equal(store_exec(s.st, "UPDATE intervention_participation SET case_id = 999",
                                    &err), 0);   /* no such case */
    intervention_run r;
    assert_int_equal(intervention_run_get(s.st, 1, run, &r, &err), 1);
    intervention_participant *pp = NULL;
    size_t n = 0;
    assert_int_equal(intervention_participants(s.st, 1, run, &pp, &n, &err), 0);
    assert_int_equal(n, 1);
    access_ctx team;
    assert_int_equal(access_ctx_load(s.st, s.kw2, &team, &err), 0);
    assert_int_equal(iv_participant_visible(&team, &r, &pp[0]), 1);   /* on the team */
    access_ctx other;
    assert_int_equal(access_ctx_load(s.st, s.leader2, &other, &err), 0);
    assert_int_equal(iv_participant_visible(&other, &r, &pp[0]), 0);
    assert_int_equal(support_case_team_remove(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, 8, &p,
                                              &err), 0);
    assert_int_equal(iv_participant_visible(&team, &r, &pp[0]), 0);   /* off the team */
    free(pp);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_marks),
        BOTH(test_close_approval),
        BOTH(test_transfer_approval),
        BOTH(test_learner_told),
        BOTH(test_intervention_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
