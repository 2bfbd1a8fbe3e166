/*
** tests/unit/test_approval_withdraw.c — the key worker withdrawing their
** request waiting for a school leader's approval
** (support/case_withdraw.h): of a close, of a handover to a key worker, of
** a handover to another institution (its offer in state "approval"
** withdrawn with it); every refusal changing nothing (no reason, not the
** asker nor the key worker, a request answered already, none waiting,
** another institution's case).  And the receiving leader's answer page
** proposing a learner by learner reference before name and birth date
** (support/case_move.h, support_case_move_matches).  On SQLite and
** PostgreSQL.
**
** ONE, the case room's test school (testutil.h): key worker K1 (staff 3,
** of learner 1 Ada One, ref L1), K2 (staff 8), head H1 (staff 6).  TWO:
** head H2 (staff 20), key worker K20 (staff 21), its learners 10 (Ada One,
** same name and birth date), 11 (Bo Other) and 12 (Adaline Oneill, ref L1).
*/
#include "testutil.h"
#include "support/audit.h"
#include "support/case_move.h"
#include "support/case_withdraw.h"
#include "support/consent.h"
#include "support/setting.h"
#include "web/access.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const two_sql =
    "UPDATE learner SET birth_date = '2008-05-01' WHERE institution_id = 1 AND id = 1;"
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z');"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (2, 20, 'H2', 'Hugo', 'Headtwo', 'head'), (2, 21, 'K20', 'Kit', 'Keytwenty', 'counsellor');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date) VALUES"
    " (2, 10, 'B10', 'Ada', 'One', '2008-05-01'), (2, 11, 'B11', 'Bo', 'Other', '2008-01-01'),"
    " (2, 12, 'L1', 'Adaline', 'Oneill', '2008-06-01');";

typedef struct school {
    store  *st;
    int64_t kw, kw2, leader, leader2;   /* account ids */
} school;

static const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER, LEAD = SUPPORT_CASE_REL_LEADER;

/* ONE and TWO with their accounts; a fresh database of the test's kind. */
static school school_open(void **state, const char *name) {
    test_case_school one = test_case_school_open(state, name);
    cairn_err err = {0};
    if (store_exec(one.st, two_sql, &err)) fail_msg("two: %s", err.msg);
    school s = {one.st, one.kw, 0, one.leader, 0};
    s.kw2 = test_account_add(s.st, "kw2", "ONE", "K2", ACCESS_ROLE_KEY_WORKER);
    s.leader2 = test_account_add(s.st, "leader2", "TWO", "H2", ACCESS_ROLE_SCHOOL_LEADER);
    return s;
}

/* viewer's relationship to case id of their own institution. */
static unsigned relation(school *s, int64_t account, int64_t id) {
    cairn_err err = {0};
    access_ctx c;
    unsigned rel = 0;
    assert_int_equal(access_ctx_load(s->st, account, &c, &err), 0);
    assert_int_equal(access_case_relation(&c, id, &rel, &err), 0);
    return rel;
}

/* Turn institution ONE's setting name on. */
static void setting_on(school *s, const char *name) {
    cairn_err err = {0};
    assert_int_equal(support_setting_set(s->st, 1, 0, name, "1", &err), 0);
}

/* The rows a withdrawal writes or changes, in one number per table, so a
** refusal can be shown to change nothing. */
static void footprint(school *s, int64_t out[4]) {
    out[0] = test_count(s->st, "SELECT count(*) FROM case_approval WHERE state = 'pending'");
    out[1] = test_count(s->st, "SELECT count(*) FROM case_history");
    out[2] = test_count(s->st, "SELECT count(*) FROM audit_event");
    out[3] = test_count(s->st, "SELECT count(*) FROM case_move WHERE state = 'withdrawn'");
}

/* Assert that the footprint is still before. */
static void unchanged(school *s, const int64_t before[4]) {
    int64_t now[4];
    footprint(s, now);
    for (int i = 0; i < 4; i++) assert_int_equal(now[i], before[i]);
}

/* Withdraw case id's request as account (rel) with reason; the answer. */
static int withdraw(school *s, int64_t inst, int64_t account, unsigned rel, int64_t id,
                    int64_t request, const char *reason, support_case_problem *p,
                    cairn_err *err) {
    return support_case_approval_withdraw(s->st, inst, account, rel, id, request, reason, NULL, p,
                                          err);
}

/* A close request: each refusal changes nothing; the key worker withdraws
** it (request sealed, history, audit, gone from the leaders' list); a
** second withdrawal of the same request is "answered already"; a declined
** request cannot be withdrawn; the case may be asked again. */
static void test_withdraw_close(void **state) {
    school s = school_open(state, "approval_withdraw_close");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = test_case_open(&(test_case_school){s.st, s.kw, 0, 0, 0, s.leader}, 1, NULL);
    setting_on(&s, SUPPORT_CASE_APPROVAL_CLOSE);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "She moved to Graz.",
                                            SUPPORT_CASE_MOVED, NULL, &p, &err), 0);
    support_case_approval a;
    assert_int_equal(support_case_approval_pending(s.st, 1, id, 0, &a, &err), 1);
    int64_t before[4];
    footprint(&s, before);
    assert_int_equal(before[0], 1);
    /* refusals */
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, a.id, "  ", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, a.id, NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(withdraw(&s, 1, s.kw2, relation(&s, s.kw2, id), id, a.id, "Mine now.", &p,
                              &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NOT_ASKER);
    assert_string_equal(support_case_problem_field(p), "approval");
    unsigned rel_h = relation(&s, s.leader, id);
    assert_int_equal(rel_h, LEAD);   /* a leader declines a request, never withdraws it */
    assert_int_equal(withdraw(&s, 1, s.leader, rel_h, id, a.id, "No.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NOT_ASKER);
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, a.id + 7, "Wrong one.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NONE);
    assert_int_equal(withdraw(&s, 2, s.leader2, LEAD, id, 0, "Not ours.", &p, &err), -1);
    assert_int_equal(err.code, CAIRN_ENOTFOUND);   /* TWO has no such case */
    unchanged(&s, before);
    /* the key worker withdraws it */
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, a.id, "The aunt's flat fell through.", &p,
                              &err), 0);
    assert_int_equal(support_case_approval_pending(s.st, 1, id, 0, &a, &err), 0);
    support_case_approval *rows = NULL;
    size_t n = 9;
    assert_int_equal(support_case_approvals_waiting(s.st, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    free(rows);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_approval WHERE state = 'withdrawn'"
                              " AND answered_by = %lld AND answered_at IS NOT NULL"
                              " AND comment LIKE 's1:%%'", (long long)s.kw);
    assert_int_equal(test_count(s.st, sql), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_approval"
                                      " WHERE comment LIKE '%flat%'"), 0);   /* sealed */
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event"
                                      " WHERE action = 'case.approval_withdraw'"), 1);
    support_case_detail d;
    assert_int_equal(support_case_detail_get(s.st, 1, id, 1, &d, &err), 1);
    assert_int_equal(d.c.state, SUPPORT_CASE_OPEN);
    const support_case_event *e = &d.history[d.nhistory - 1];
    assert_string_equal(e->kind, "approval_withdraw");
    assert_string_equal(e->from_value, "close");
    assert_string_equal(e->to_value, "withdrawn");
    assert_string_equal(e->reason, "The aunt's flat fell through.");
    assert_int_equal(e->account_id, s.kw);
    support_case_detail_free(&d);
    /* the same request again: answered already; nothing waits */
    footprint(&s, before);
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, a.id, "Again.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_ANSWERED);
    assert_non_null(strstr(err.msg, "withdrawn already"));
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, 0, "Again.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NONE);
    unchanged(&s, before);
    /* asked again and declined: that request cannot be withdrawn either */
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Left for work.",
                                            SUPPORT_CASE_LEFT, NULL, &p, &err), 0);
    assert_int_equal(support_case_approval_pending(s.st, 1, id, 0, &a, &err), 1);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, rel_h, id, 0,
                                                  "Try the apprenticeship first.", NULL, &p,
                                                  &err), 0);
    footprint(&s, before);
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, a.id, "Too late.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_ANSWERED);
    assert_non_null(strstr(err.msg, "declined already"));
    unchanged(&s, before);
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, NULL, &err), 0);
    test_store_drop(s.st);
}

/* A handover to a key worker waiting for approval: the receiver never saw
** it; the case's key worker withdraws it (without naming the request).  A
** request whose asker is not the key worker: the asker may, the key worker
** may, nobody else. */
static void test_withdraw_transfer(void **state) {
    school s = school_open(state, "approval_withdraw_transfer");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = test_case_open(&(test_case_school){s.st, s.kw, 0, 0, 0, s.leader}, 1, NULL);
    setting_on(&s, SUPPORT_CASE_APPROVAL_TRANSFER);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "I am on leave.", NULL, &p,
                                               &err), 0);
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, 0, "Leave cancelled.", &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_approval WHERE kind = 'transfer'"
                                      " AND state = 'withdrawn'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_transfer"), 0);
    assert_int_equal(relation(&s, s.kw2, id), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history"
                                      " WHERE kind = 'approval_withdraw'"
                                      " AND from_value = 'transfer'"), 1);
    /* asked again; the request recorded as the leader's (who is not the key
    ** worker): the asker withdraws it, K2 may not */
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Leave again.", NULL, &p,
                                               &err), 0);
    char sql[120];
    snprintf(sql, sizeof sql, "UPDATE case_approval SET asked_by = %lld WHERE state = 'pending'",
             (long long)s.leader);
    assert_int_equal(store_exec(s.st, sql, &err), 0);
    int64_t before[4];
    footprint(&s, before);
    assert_int_equal(withdraw(&s, 1, s.kw2, 0, id, 0, "Not mine.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_APPROVAL_NOT_ASKER);
    unchanged(&s, before);
    assert_int_equal(withdraw(&s, 1, s.leader, LEAD, id, 0, "Asked by mistake.", &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_approval"
                                      " WHERE state = 'withdrawn'"), 2);
    /* and the key worker who did not ask may too */
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Third time.", NULL, &p,
                                               &err), 0);
    assert_int_equal(store_exec(s.st, sql, &err), 0);
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, 0, "Staying after all.", &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_approval"
                                      " WHERE state = 'withdrawn'"), 3);
    test_store_drop(s.st);
}

/* A handover to another institution waiting for approval: withdrawing
** the request withdraws its offer (state approval) too; TWO never saw it
** and its audit log has nothing; the case may be offered again. */
static void test_withdraw_move(void **state) {
    school s = school_open(state, "approval_withdraw_move");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = test_case_open(&(test_case_school){s.st, s.kw, 0, 0, 0, s.leader}, 1, NULL);
    support_consent_problem cp = {0};
    support_consent_input in = {"share_organisation", "TWO", "identity, support", "", "",
                                "learner", NULL, "in_person", NULL};
    assert_int_equal(support_consent_record(s.st, 1, s.leader, 1, &in, NULL, &cp, &err), 0);
    setting_on(&s, SUPPORT_CASE_APPROVAL_TRANSFER);
    assert_int_equal(support_case_move_ask(s.st, 1, s.kw, KW, id, 2, "She moves to her aunt.",
                                           NULL, &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'approval'"),
                     1);
    int64_t two_events = test_count(s.st, "SELECT count(*) FROM audit_event"
                                          " WHERE institution_id = 2");
    assert_int_equal(withdraw(&s, 1, s.kw, KW, id, 0, "The move is off.", &p, &err), 0);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_move WHERE state = 'withdrawn'"
                              " AND answered_by = %lld AND answer LIKE 's1:%%'", (long long)s.kw);
    assert_int_equal(test_count(s.st, sql), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE answer LIKE '%off%'"),
                     0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event"
                                      " WHERE action = 'case.approval_withdraw'"
                                      " AND institution_id = 1"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event"
                                      " WHERE institution_id = 2"), two_events);
    support_case_move *rows = NULL;
    size_t n = 9;
    assert_int_equal(support_case_moves_incoming(s.st, 2, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    free(rows);
    /* offered again: a new request and a new offer waiting */
    assert_int_equal(support_case_move_ask(s.st, 1, s.kw, KW, id, 2, "The move is on again.",
                                           NULL, &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'approval'"),
                     1);
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, NULL, &err), 0);
    test_store_drop(s.st);
}

/* The receiving leader's proposals: the learner with the same reference
** first (though the name differs), then the same name and birth date;
** never both for one learner, never the other learners. */
static void test_matches_by_ref(void **state) {
    school s = school_open(state, "approval_withdraw_matches");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = test_case_open(&(test_case_school){s.st, s.kw, 0, 0, 0, s.leader}, 1, NULL);
    support_consent_problem cp = {0};
    support_consent_input in = {"share_organisation", "TWO", "identity, support", "", "",
                                "learner", NULL, "in_person", NULL};
    assert_int_equal(support_consent_record(s.st, 1, s.leader, 1, &in, NULL, &cp, &err), 0);
    assert_int_equal(support_case_move_ask(s.st, 1, s.kw, KW, id, 2, "She moves.", NULL, &p, &err),
                     0);
    support_case_move *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_case_moves_incoming(s.st, 2, &rows, &n, &err), 0);
    assert_int_equal(n, 1);
    support_case_match *mt = NULL;
    size_t nm = 0;
    assert_int_equal(support_case_move_matches(s.st, 2, &rows[0], &mt, &nm, &err), 0);
    assert_int_equal(nm, 2);
    assert_int_equal(mt[0].learner_id, 12);   /* ref L1, another name */
    assert_int_equal(mt[0].same_ref, 1);
    assert_int_equal(mt[0].exact, 0);
    assert_int_equal(mt[1].learner_id, 10);   /* same name and birth date */
    assert_int_equal(mt[1].same_ref, 0);
    assert_int_equal(mt[1].exact, 1);
    free(mt);
    /* the reference and the name on one learner: proposed once, both marks */
    assert_int_equal(store_exec(s.st, "UPDATE learner SET ref = 'B12' WHERE institution_id = 2"
                                      " AND id = 12; UPDATE learner SET ref = 'L1'"
                                      " WHERE institution_id = 2 AND id = 10", &err), 0);
    assert_int_equal(support_case_move_matches(s.st, 2, &rows[0], &mt, &nm, &err), 0);
    assert_int_equal(nm, 1);
    assert_int_equal(mt[0].learner_id, 10);
    assert_int_equal(mt[0].same_ref, 1);
    assert_int_equal(mt[0].exact, 1);
    free(mt);
    /* no learner of that reference: the name as before */
    assert_int_equal(store_exec(s.st, "UPDATE learner SET ref = 'B10' WHERE institution_id = 2"
                                      " AND id = 10", &err), 0);
    assert_int_equal(support_case_move_matches(s.st, 2, &rows[0], &mt, &nm, &err), 0);
    assert_int_equal(nm, 1);
    assert_int_equal(mt[0].learner_id, 10);
    assert_int_equal(mt[0].same_ref, 0);
    free(mt);
    free(rows);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_withdraw_close),
        BOTH(test_withdraw_transfer),
        BOTH(test_withdraw_move),
        BOTH(test_matches_by_ref),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
