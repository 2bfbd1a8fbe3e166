/*
** tests/unit/test_case_move.c — handing a case over to another institution
** of the same database (support/case_move.h): the consent checked when
** offered and again when accepted (and a leader's override), what the
** receiving leaders see, accepting (a new case with the sealed handover
** record, the sending case closed "moved", both audit logs, the learner
** told), declining, approval, withdrawing an offer of either kind
** (support/case_withdraw.h), the subject export's handovers, and every
** refusal changing nothing.  That
** institution TWO cannot read ONE's case before acceptance, and reads only
** the handover record after.  On SQLite and PostgreSQL.
**
** ONE, the case room's test school (testutil.h): key worker K1 (staff 3,
** of learner 1 Ada One), K2 (staff 8), head H1 (staff 6).  TWO: head H2
** (staff 20), key worker K20 (staff 21), its learners 10 (Ada One, the
** same person) and 11.  THREE: head H3 (staff 30).
*/
#include "testutil.h"
#include "cli/subject_html.h"
#include "support/audit.h"
#include "support/case_move.h"
#include "support/case_withdraw.h"
#include "support/consent.h"
#include "support/demo.h"
#include "support/sealed.h"
#include "support/setting.h"
#include "support/subject.h"
#include "web/access.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ONE is the case room's test school (test_case_school_sql); this adds
** Ada's birth date there, and the institutions TWO and THREE. */
static const char *const schools_sql =
    "UPDATE learner SET birth_date = '2008-05-01' WHERE institution_id = 1 AND id = 1;"
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z'),"
    " (3, 'THREE', 'School three', '2025-01-01T00:00:00Z');"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (2, 20, 'H2', 'Hugo', 'Headtwo', 'head'),"
    " (2, 21, 'K20', 'Kit', 'Keytwenty', 'counsellor'), (3, 30, 'H3', 'Hal', 'Headthree', 'head');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date) VALUES"
    " (2, 10, 'B10', 'Ada', 'One', '2008-05-01'), (2, 11, 'B11', 'Bo', 'Other', '2008-01-01');"
    "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at) VALUES"
    " (2, 10, 21, '2025-01-01T00:00:00Z'), (2, 11, 21, '2025-01-01T00:00:00Z');";

typedef struct school {
    store  *st;
    int64_t kw, kw2, leader, leader2, kw20, leader3;   /* account ids */
} school;

static const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER, LEAD = SUPPORT_CASE_REL_LEADER;

/* The three institutions above with their accounts. */
static school school_open(void **state, const char *name) {
    test_case_school one = test_case_school_open(state, name);
    cairn_err err = {0};
    if (store_exec(one.st, schools_sql, &err)) fail_msg("schools: %s", err.msg);
    school s = {one.st, one.kw, 0, one.leader, 0, 0, 0};
    s.kw2 = test_account_add(s.st, "kw2", "ONE", "K2", ACCESS_ROLE_KEY_WORKER);
    s.leader2 = test_account_add(s.st, "leader2", "TWO", "H2", ACCESS_ROLE_SCHOOL_LEADER);
    s.kw20 = test_account_add(s.st, "kw20", "TWO", "K20", ACCESS_ROLE_KEY_WORKER);
    s.leader3 = test_account_add(s.st, "leader3", "THREE", "H3", ACCESS_ROLE_SCHOOL_LEADER);
    return s;
}

/* Open a case for ONE's learner 1; returns its id. */
static int64_t open_case(school *s) {
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = 0;
    support_case_open_spec spec = {1, 0, SUPPORT_CASE_FROM_FLAG, "Missed most of March.", 1, 0};
    if (support_case_open(s->st, 1, s->kw, &spec, NULL, &id, &p, &err) != 0)
        fail_msg("open: %s", err.msg);
    return id;
}

/* Record learner 1's consent to share with recipient (identity, support). */
static void consent(school *s, const char *recipient) {
    cairn_err err = {0};
    support_consent_problem p = {0};
    support_consent_input in = {"share_organisation", recipient, "identity, support", "", "",
                                "learner", NULL, "in_person", NULL};
    if (support_consent_record(s->st, 1, s->leader, 1, &in, NULL, &p, &err) != 0)
        fail_msg("consent: %s %s", p.text, err.msg);
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

/* Offer case id to institution to; the answer. */
static int ask(school *s, int64_t id, int64_t to, support_case_problem *p, cairn_err *err) {
    return support_case_move_ask(s->st, 1, s->kw, KW, id, to, "She moves to her aunt's town.",
                                 NULL, p, err);
}

/* Answer offer 1 of ONE as TWO's leader (or as account with rel). */
static int answer(school *s, int64_t inst, int64_t account, unsigned rel, int accept,
                  int64_t learner, int64_t kw, const char *comment, int64_t *made,
                  support_case_problem *p, cairn_err *err) {
    support_case_move_answer_spec spec = {accept, learner, kw, comment};
    return support_case_move_answer(s->st, inst, account, rel, 1, 1, &spec, NULL, made, p, err);
}

/* The whole flow: no consent refused; offered; TWO sees only the offer;
** refusals of the answer change nothing; consent withdrawn before the
** acceptance refuses it; a leader's override lets it through; the new case,
** its record, the closed sending case, the audit logs, the learner told. */
static void test_flow(void **state) {
    school s = school_open(state, "case_move_flow");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = open_case(&s);
    support_case_institution *inst = NULL;
    size_t n = 0;
    assert_int_equal(support_case_move_institutions(s.st, 1, &inst, &n, &err), 0);
    assert_int_equal(n, 2);   /* TWO and THREE, never ONE */
    assert_string_equal(inst[0].name, "School three");
    assert_string_equal(inst[1].code, "TWO");
    free(inst);

    consent(&s, "School three");   /* a consent for someone else does not count */
    assert_int_equal(ask(&s, id, 2, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NO_CONSENT);
    assert_non_null(strstr(err.msg, "School two"));
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move"), 0);
    consent(&s, "School 2");   /* not the name, not the code: still none */
    assert_int_equal(ask(&s, id, 2, &p, &err), 1);
    consent(&s, "TWO");     /* the code */
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'pending'"
                                 " AND consent_id = 3 AND reason LIKE 's1:%'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE kind = 'transfer_ask'"
                                 " AND to_value = 'institution 2'"), 1);
    assert_int_equal(ask(&s, id, 3, &p, &err), 1);   /* one at a time */
    assert_int_equal(p, SUPPORT_CASE_TRANSFER_PENDING);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Another.", NULL, &p,
                                               &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TRANSFER_PENDING);

    /* TWO sees the offer's few fields, not the case */
    assert_int_equal(relation(&s, s.leader2, id), 0);
    support_case k;
    assert_int_equal(support_case_get(s.st, 2, id, 1, &k, &err), 0);
    support_case_move *in = NULL;
    assert_int_equal(support_case_moves_incoming(s.st, 2, &in, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(in[0].learner_name, "Ada One");
    assert_string_equal(in[0].birth_date, "2008-05-01");
    assert_string_equal(in[0].from_name, "School one");
    assert_string_equal(in[0].reason, "She moves to her aunt's town.");
    assert_int_equal(in[0].tier, 1);
    support_case_match *mt = NULL;
    size_t nm = 0;
    assert_int_equal(support_case_move_matches(s.st, 2, &in[0], &mt, &nm, &err), 0);
    assert_int_equal(nm, 1);
    assert_int_equal(mt[0].learner_id, 10);
    assert_int_equal(mt[0].exact, 1);
    free(mt);
    free(in);
    assert_int_equal(support_case_moves_incoming(s.st, 3, &in, &n, &err), 0);
    assert_int_equal(n, 0);
    free(in);

    /* refusals of the answer: each changes nothing */
    int64_t made = 0;
    assert_int_equal(answer(&s, 2, s.kw20, KW, 1, 10, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_MOVE_NOT_LEADER);
    assert_int_equal(answer(&s, 3, s.leader3, LEAD, 1, 10, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_MOVE_NONE);   /* a leader of THREE */
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 1, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_LEARNER_UNKNOWN);   /* ONE's learner id */
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 10, 3, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_STAFF_UNKNOWN);     /* ONE's key worker */
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 0, 0, 0, " ", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);    /* declining needs a reason */
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'pending'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM support_case WHERE institution_id = 2"), 0);

    /* consent withdrawn before the moment of sharing */
    support_consent_problem cp = {0};
    assert_int_equal(support_consent_withdraw(s.st, 1, s.leader, 1, 3, "learner", NULL, "", NULL,
                                              &cp, &err), 0);
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 10, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NO_CONSENT);
    assert_non_null(strstr(err.msg, "withdrawn"));
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM support_case WHERE institution_id = 2"), 0);

    /* a leader's emergency override of the day, for each category */
    assert_int_equal(support_consent_override(s.st, 1, s.leader, 1, "share_organisation",
                                              "School two", "identity", "She starts on Monday.",
                                              NULL, &cp, &err), 0);
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 10, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NO_CONSENT);   /* support not covered yet */
    assert_int_equal(support_consent_override(s.st, 1, s.leader, 1, "share_organisation",
                                              "School two", "support", "She starts on Monday.",
                                              NULL, &cp, &err), 0);
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 10, 21, "Welcome.", &made, &p, &err), 0);
    assert_true(made > 0);

    /* the receiving case, its record, its tasks */
    assert_int_equal(support_case_get(s.st, 2, made, 1, &k, &err), 1);
    assert_int_equal(k.state, SUPPORT_CASE_OPEN);
    assert_int_equal(k.tier, 1);
    assert_int_equal(k.learner_id, 10);
    assert_int_equal(k.key_worker_id, 21);
    assert_non_null(strstr(k.reason, "School one"));
    assert_int_equal(relation(&s, s.kw20, made) & KW, KW);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE institution_id = 2"
                                 " AND kind = 'first_contact' AND owner_id = 21"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE institution_id = 2"
                                 " AND kind = 'open' AND from_value = 'moved'"), 1);
    /* learner 10 has no account and no address: the key worker tells them */
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE institution_id = 2"
                                 " AND kind = 'follow_up'"), 1);
    json_t *rec = NULL;
    assert_int_equal(support_case_handover_read(s.st, 2, s.kw20, made, &rec, &err), 1);
    assert_string_equal(json_string_value(json_object_get(rec, "from_institution")),
                        "School one");
    json_t *hist = json_object_get(json_object_get(rec, "case"), "history");
    assert_true(json_array_size(hist) >= 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 0), "reason")),
                        "Missed most of March.");
    assert_non_null(json_object_get(rec, "plans"));
    json_decref(rec);
    assert_int_equal(support_case_handover_read(s.st, 1, s.kw, id, &rec, &err), 0);
    /* sealed under TWO's key: ONE's key does not open it */
    store_stmt *q = store_prepare(s.st, "SELECT record FROM case_handover", &err);
    assert_non_null(q);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    buf plain = BUF_INIT;
    assert_int_equal(support_text_is_sealed(store_col_text(q, 0)), 1);
    assert_int_equal(support_text_open(s.st, 1, store_col_text(q, 0), &plain, &err), -1);
    buf_free(&plain);
    store_finalize(q);

    /* the sending case closed "moved"; both audit logs */
    assert_int_equal(support_case_get(s.st, 1, id, 0, &k, &err), 1);
    assert_int_equal(k.state, SUPPORT_CASE_CLOSED);
    assert_int_equal(k.outcome, SUPPORT_CASE_MOVED);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'accepted'"
                                 " AND to_case_id IS NOT NULL AND to_learner_id = 10"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event WHERE institution_id = 1"
                                 " AND action = 'case.move_accept'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event WHERE institution_id = 2"
                                 " AND action IN ('case.move_in', 'case.handover_view')"), 2);
    /* listed for the data protection officer */
    arena *a = arena_new(0);
    support_consent_override_row *ov = NULL;
    assert_int_equal(support_consent_override_list(s.st, 1, 1, a, &ov, &n, &err), 0);
    assert_int_equal(n, 2);
    arena_free(a);
    /* erasure blanks the offer's texts and the record (support/subject.h) */
    assert_int_equal(support_case_subject_erase(s.st, 1, 1, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE reason = ''"
                                 " AND answer IS NULL"), 1);
    assert_int_equal(support_case_subject_erase(s.st, 2, 10, &err), 0);
    assert_int_equal(support_case_handover_read(s.st, 2, s.kw20, made, &rec, &err), 1);
    assert_true(json_is_true(json_object_get(rec, "erased")));
    json_decref(rec);
    /* answered once */
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 11, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_MOVE_NONE);
    test_store_drop(s.st);
}

/* Refusals of the offer, each changing nothing. */
static void test_ask_refusals(void **state) {
    school s = school_open(state, "case_move_refuse");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = open_case(&s);
    consent(&s, "School two");
    assert_int_equal(ask(&s, id, 1, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_INST_SAME);
    assert_int_equal(ask(&s, id, 99, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_INST_UNKNOWN);
    assert_int_equal(support_case_move_ask(s.st, 1, s.kw, SUPPORT_CASE_REL_TEAM | LEAD, id, 2,
                                           "Why.", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_NOT_YOURS);
    assert_int_equal(support_case_move_ask(s.st, 1, s.kw, KW, id, 2, "  ", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Kai knows her.", NULL,
                                               &p, &err), 0);
    assert_int_equal(ask(&s, id, 2, &p, &err), 1);   /* a key-worker handover waits */
    assert_int_equal(p, SUPPORT_CASE_TRANSFER_PENDING);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move"), 0);
    assert_int_equal(support_case_step_take(s.st, 1, s.kw, KW, id, "close", "Left.",
                                            SUPPORT_CASE_LEFT, NULL, &p, &err), 0);
    assert_int_equal(ask(&s, id, 2, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_IS_CLOSED);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move"), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event WHERE action LIKE 'case.move%'"),
                     0);
    test_store_drop(s.st);
}

/* Declining: a reason, the sender's history and both audit logs; the case
** stays and may be offered again; accepting for a learner who has an open
** case at the receiver is refused. */
static void test_decline(void **state) {
    school s = school_open(state, "case_move_decline");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = open_case(&s), made = 0;
    consent(&s, "School two");
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);
    support_case_open_spec spec = {10, 21, SUPPORT_CASE_FROM_TEACHER, "Already ours.", -1, 0};
    int64_t theirs = 0;
    assert_int_equal(support_case_open(s.st, 2, s.kw20, &spec, NULL, &theirs, &p, &err), 0);
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 10, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_ALREADY_OPEN);
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 0, 0, 0, "She never enrolled here.", &made,
                            &p, &err), 0);
    assert_int_equal(made, 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'declined'"
                                 " AND answer LIKE 's1:%'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE institution_id = 1"
                                 " AND kind = 'transfer_decline'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event WHERE institution_id = 2"
                                 " AND action = 'case_move.decline'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM support_case WHERE institution_id = 1"
                                 " AND state = 'open'"), 1);
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);   /* again */
    test_store_drop(s.st);
}

/* With approval required: a request, invisible to TWO; declined, the offer
** is withdrawn; approved, it reaches TWO. */
static void test_approval(void **state) {
    school s = school_open(state, "case_move_approval");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = open_case(&s);
    consent(&s, "School two");
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_CASE_APPROVAL_TRANSFER, "1", &err),
                     0);
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);
    support_case_move *in = NULL;
    size_t n = 9;
    assert_int_equal(support_case_moves_incoming(s.st, 2, &in, &n, &err), 0);
    assert_int_equal(n, 0);
    free(in);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, LEAD, id, 0, "Not yet.",
                                                  NULL, &p, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'withdrawn'"), 1);
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);
    assert_int_equal(support_case_approval_answer(s.st, 1, s.leader, LEAD, id, 1, "Agreed.",
                                                  NULL, &p, &err), 0);
    assert_int_equal(support_case_moves_incoming(s.st, 2, &in, &n, &err), 0);
    assert_int_equal(n, 1);
    free(in);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE kind = 'transfer_ask'"),
                     1);
    test_store_drop(s.st);
}

/* The demo's offer: made only when another institution exists, to the
** first of them, with the learner's consent, after one withdrawn; once. */
static void test_demo(void **state) {
    school s = school_open(state, "case_move_demo");
    cairn_err err = {0};
    int64_t id = open_case(&s);
    assert_int_equal(support_demo_move(s.st, 2, 21, s.kw20, &err), 0);   /* no case there */
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move"), 0);
    assert_int_equal(support_demo_move(s.st, 1, 3, s.kw, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE to_institution = 2"
                                 " AND state = 'pending'"), 1);
    assert_int_equal(support_demo_move(s.st, 1, 3, s.kw, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move"), 2);   /* one withdrawn */
    char sql[120];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_move WHERE case_id = %lld", (long long)id);
    assert_int_equal(test_count(s.st, sql), 2);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'withdrawn'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE kind ="
                                 " 'transfer_withdraw'"), 1);
    test_store_drop(s.st);
}

/* Withdraw the offer waiting on case id as account with rel, reason why. */
static int withdraw(school *s, int64_t account, unsigned rel, int64_t id, const char *why,
                    support_case_problem *p, cairn_err *err) {
    return support_case_offer_withdraw(s->st, 1, account, rel, id, why, NULL, p, err);
}

/* Withdrawing: nothing waits, not the key worker's or a leader's, no
** reason: refused, nothing written; the key worker withdraws a key-worker
** handover (the receiver no longer sees the case), a leader one to another
** institution (TWO no longer sees it, cannot answer it); one waiting for a
** leader's approval is the leader's to decline; each leaves a history row
** and an audit event; the case may be offered again. */
static void test_withdraw(void **state) {
    school s = school_open(state, "case_move_withdraw");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = open_case(&s);
    const char *rows = "SELECT (SELECT count(*) FROM case_history WHERE kind = 'transfer_withdraw')"
                       " + (SELECT count(*) FROM audit_event WHERE action LIKE '%withdraw')";
    assert_int_equal(withdraw(&s, s.kw, KW, id, "Changed my mind.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_OFFER_NONE);
    assert_non_null(strstr(err.msg, "nothing to withdraw"));
    assert_int_equal(support_case_transfer_ask(s.st, 1, s.kw, KW, id, 8, "Kai knows her.", NULL,
                                               &p, &err), 0);
    assert_int_equal(relation(&s, s.kw2, id) & SUPPORT_CASE_REL_RECEIVER,
                     SUPPORT_CASE_REL_RECEIVER);
    assert_int_equal(withdraw(&s, s.kw2, SUPPORT_CASE_REL_RECEIVER | SUPPORT_CASE_REL_TEAM, id,
                              "Not mine.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_OFFER_NOT_YOURS);
    assert_int_equal(withdraw(&s, s.kw, KW, id, " \n ", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_REASON_MISSING);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_transfer WHERE state = 'pending'"), 1);
    assert_int_equal(test_count(s.st, rows), 0);

    /* the key worker withdraws the key-worker handover */
    assert_int_equal(withdraw(&s, s.kw, KW, id, "She stays with me after all.", &p, &err), 0);
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_transfer WHERE state = 'withdrawn'"
                              " AND answered_by = %lld AND answered_at IS NOT NULL"
                              " AND answer LIKE 's1:%%'", (long long)s.kw);
    assert_int_equal(test_count(s.st, sql), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE kind ="
                                 " 'transfer_withdraw' AND from_value = '3' AND to_value = '8'"
                                 " AND reason LIKE 's1:%'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event WHERE institution_id = 1"
                                 " AND action = 'case.transfer_withdraw'"), 1);
    assert_int_equal(relation(&s, s.kw2, id), 0);   /* the receiver no longer sees it */
    support_case_transfer *offers = NULL;
    size_t n = 9;
    assert_int_equal(support_case_transfers_for(s.st, 1, 8, &offers, &n, &err), 0);
    assert_int_equal(n, 0);
    free(offers);
    assert_int_equal(support_case_transfer_answer(s.st, 1, s.kw2, SUPPORT_CASE_REL_RECEIVER, id,
                                                  1, "", NULL, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_TRANSFER_NONE);
    assert_int_equal(withdraw(&s, s.kw, KW, id, "Again.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_OFFER_NONE);

    /* offered to TWO, withdrawn by a school leader (not on the team) */
    consent(&s, "School two");
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);   /* may be offered again */
    support_case_move *in = NULL;
    assert_int_equal(support_case_moves_incoming(s.st, 2, &in, &n, &err), 0);
    assert_int_equal(n, 1);
    free(in);
    assert_int_equal(withdraw(&s, s.leader, LEAD, id, "The family stays after all.", &p, &err),
                     0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_move WHERE state = 'withdrawn'"
                              " AND answered_by = %lld AND answer LIKE 's1:%%'",
             (long long)s.leader);
    assert_int_equal(test_count(s.st, sql), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_history WHERE kind ="
                                 " 'transfer_withdraw' AND to_value = 'institution 2'"), 1);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event WHERE institution_id = 1"
                                 " AND action = 'case.move_withdraw'"), 1);
    assert_int_equal(support_case_moves_incoming(s.st, 2, &in, &n, &err), 0);
    assert_int_equal(n, 0);
    free(in);
    support_case_move m;
    assert_int_equal(support_case_move_incoming_get(s.st, 2, 1, 1, &m, &err), 0);
    int64_t made = 0;
    assert_int_equal(answer(&s, 2, s.leader2, LEAD, 1, 10, 21, "", &made, &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_MOVE_NONE);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM support_case WHERE institution_id = 2"), 0);

    /* waiting for a leader's approval: not the receiver's yet */
    assert_int_equal(support_setting_set(s.st, 1, 0, SUPPORT_CASE_APPROVAL_TRANSFER, "1", &err),
                     0);
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);
    assert_int_equal(withdraw(&s, s.kw, KW, id, "Changed my mind.", &p, &err), 1);
    assert_int_equal(p, SUPPORT_CASE_OFFER_APPROVAL);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE state = 'approval'"), 1);
    assert_int_equal(test_count(s.st, rows), 4);   /* two rows, two events: no more */
    /* erasure blanks the withdrawal's reason with the offer's */
    assert_int_equal(support_case_subject_erase(s.st, 1, 1, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_move WHERE answer IS NOT NULL"), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_transfer WHERE answer IS NOT NULL"),
                     0);
    test_store_drop(s.st);
}

/* The part "handovers" of learner of inst's subject export (a new
** reference; the whole export into *all, to json_decref). */
static json_t *handovers_of(school *s, int64_t inst, int64_t learner, json_t **all) {
    cairn_err err = {0};
    assert_int_equal(support_subject_export(s->st, inst, learner, 0, all, &err), 0);
    size_t i;
    json_t *part;
    json_array_foreach(json_object_get(*all, "parts"), i, part)
        if (!strcmp(json_string_value(json_object_get(part, "key")), "handovers"))
            return json_object_get(part, "data");
    fail_msg("no part handovers");
    return NULL;
}

/* The subject export: the sender's learner gets the offers (a withdrawn
** one with why, the accepted one), the receiver's the record opened, in
** JSON and HTML, without a handover_view event; erasure blanks them. */
static void test_subject(void **state) {
    school s = school_open(state, "case_move_subject");
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = open_case(&s), made = 0;
    consent(&s, "School two");
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);
    assert_int_equal(withdraw(&s, s.kw, KW, id, "Not before the exams.", &p, &err), 0);
    assert_int_equal(ask(&s, id, 2, &p, &err), 0);
    support_case_move_answer_spec yes = {1, 10, 21, ""};   /* offer 2: the first was withdrawn */
    assert_int_equal(support_case_move_answer(s.st, 2, s.leader2, LEAD, 1, 2, &yes, NULL, &made,
                                              &p, &err), 0);

    json_t *all = NULL, *h = handovers_of(&s, 1, 1, &all);
    json_t *off = json_object_get(h, "offered");
    assert_int_equal(json_array_size(off), 2);
    assert_int_equal(json_array_size(json_object_get(h, "received")), 0);
    json_t *o = json_array_get(off, 0);
    assert_string_equal(json_string_value(json_object_get(o, "state")), "withdrawn");
    assert_string_equal(json_string_value(json_object_get(o, "to_name")), "School two");
    assert_string_equal(json_string_value(json_object_get(o, "reason")),
                        "She moves to her aunt's town.");
    assert_string_equal(json_string_value(json_object_get(o, "answer")), "Not before the exams.");
    o = json_array_get(off, 1);
    assert_string_equal(json_string_value(json_object_get(o, "state")), "accepted");
    json_decref(all);

    h = handovers_of(&s, 2, 10, &all);
    json_t *rec = json_object_get(json_array_get(json_object_get(h, "received"), 0), "record");
    assert_string_equal(json_string_value(json_object_get(rec, "from_institution")),
                        "School one");
    json_t *hist = json_object_get(json_object_get(rec, "case"), "history");
    assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 0), "reason")),
                        "Missed most of March.");
    assert_int_equal(json_array_size(json_object_get(h, "offered")), 0);
    buf page = BUF_INIT;
    cli_subject_html(all, &page);
    assert_non_null(strstr(buf_cstr(&page), "<h2>Handovers of cases</h2>"));
    assert_non_null(strstr(buf_cstr(&page), "Missed most of March."));
    assert_non_null(strstr(buf_cstr(&page), "School one"));
    buf_free(&page);
    json_decref(all);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM audit_event WHERE action ="
                                 " 'case.handover_view'"), 0);   /* the export is audited */

    assert_int_equal(support_case_subject_erase(s.st, 1, 1, &err), 0);
    assert_int_equal(support_case_subject_erase(s.st, 2, 10, &err), 0);
    h = handovers_of(&s, 1, 1, &all);
    o = json_array_get(json_object_get(h, "offered"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "reason")), "");
    assert_string_equal(json_string_value(json_object_get(o, "answer")), "");
    json_decref(all);
    h = handovers_of(&s, 2, 10, &all);
    rec = json_object_get(json_array_get(json_object_get(h, "received"), 0), "record");
    assert_true(json_is_true(json_object_get(rec, "erased")));
    json_decref(all);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_flow),
        BOTH(test_ask_refusals),
        BOTH(test_decline),
        BOTH(test_approval),
        BOTH(test_demo),
        BOTH(test_withdraw),
        BOTH(test_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
