/*
** tests/unit/test_actions.c — acting on a learner (web/actions.h): who may
** act (access_can_act_on_learner), acknowledging a flag with a comment,
** naming the key worker (one at a time, with history, and access
** following), and the learner page's POST handler through web_dispatch; on
** SQLite and PostgreSQL.
**
** The school is built by hand so every relationship is known: teacher T1
** teaches G1 (learner 1), G2 has learner 2, learner 3 has no score;
** counsellors K1, K2 have key worker accounts, K3's account is disabled,
** X1 has no account; the head H1 leads.  Institution two has its own
** learner 7 and a key worker of its own.
*/
#include "testutil.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "risk/risk.h"
#include "school/school.h"
#include "support/actions.h"
#include "support/audit.h"
#include "web/access.h"
#include "web/actions.h"
#include "web/auth.h"
#include "web/server.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z'),"
    " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES"
    " (1, 1, 'P1', 'Carpentry'), (2, 1, 'P1', 'Plumbing');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1), (1, 2, 'G2', 'Group two', 1), (2, 1, 'G1', 'Other', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (1, 1, 'T1', 'Tia', 'Teach', 'teacher'), (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor'),"
    " (1, 4, 'K2', 'Kai', 'Keytwo', 'coach'), (1, 5, 'H1', 'Hana', 'Head', 'head'),"
    " (1, 6, 'K3', 'Kit', 'Keyoff', 'counsellor'), (1, 7, 'X1', 'Xan', 'Noacc', 'mentor'),"
    " (2, 8, 'K9', 'Kew', 'Other', 'counsellor');"
    "INSERT INTO group_staff (institution_id, group_id, staff_id, role) VALUES"
    " (1, 1, 1, 'class_teacher');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two'), (1, 3, 'L3', 'Cy', 'Three'),"
    " (2, 7, 'L7', 'Yan', 'Seven');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES"
    " (1, 1, 1, 1, 1, '2024-09-01', 'active'), (1, 2, 2, 1, 2, '2024-09-01', 'active'),"
    " (1, 3, 3, 1, 1, '2024-09-01', 'active'), (2, 4, 7, 1, 1, '2024-09-01', 'active');"
    "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
    " VALUES (1, 1, '2025-01-01T00:00:00Z', 'test', '{}'),"
    " (2, 1, '2025-01-01T00:00:00Z', 'test', '{}');"
    "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof, rule_set_version,"
    " tier, flags, reasons, features, input_hash, computed_at) VALUES"
    " (1, 1, 1, '2025-02-14', 1, 1, '[\"behaviour_serious\"]', '{}', '{}', 'x', 'now'),"
    " (1, 1, 1, '2025-03-14', 1, 2, '[\"attendance_low\",\"failed_unit\"]', '{}', '{}', 'x', 'now'),"
    " (1, 2, 2, '2025-03-14', 1, 1, '[\"missing_work\"]', '{}', '{}', 'x', 'now'),"
    " (2, 7, 4, '2025-03-14', 1, 1, '[\"attendance_low\"]', '{}', '{}', 'x', 'now');";

/* The hand-built school in a fresh database. */
static store *school_db(void **state, const char *name) {
    return test_school_db(KIND(state), name, school_sql);
}

/* Add an account; returns its id. */
static int64_t add(store *st, const char *user, const char *inst, const char *staff,
                   unsigned roles) {
    return test_account_add(st, user, inst, staff, roles);
}

/* The access context of account id. */
static access_ctx ctx_of(store *st, int64_t id) {
    cairn_err err = {0};
    access_ctx c;
    if (access_ctx_load(st, id, &c, &err)) fail_msg("ctx %lld: %s", (long long)id, err.msg);
    return c;
}

/* The first column of sql's first row as a number (sql takes no parameter). */
static int64_t count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t v = -1;
    if (store_query_int64(st, sql, -1, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* The accounts of the fixture. */
typedef struct people {
    int64_t teacher, kw1, kw2, kwoff, leader, admin, leader2, kw9, plain;
} people;

/* Make the accounts every test uses. */
static people add_people(store *st) {
    cairn_err err = {0};
    people p;
    p.teacher = add(st, "teacher", "ONE", "T1", ACCESS_ROLE_TEACHER);
    p.kw1 = add(st, "kw1", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    p.kw2 = add(st, "kw2", "ONE", "K2", ACCESS_ROLE_KEY_WORKER);
    p.kwoff = add(st, "kwoff", "ONE", "K3", ACCESS_ROLE_KEY_WORKER);
    p.leader = add(st, "leader", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    p.admin = add(st, "admin", "ONE", NULL, ACCESS_ROLE_ADMINISTRATOR);
    p.leader2 = add(st, "leader2", "TWO", NULL, ACCESS_ROLE_SCHOOL_LEADER);
    p.kw9 = add(st, "kw9", "TWO", "K9", ACCESS_ROLE_KEY_WORKER);
    p.plain = add(st, "plain", "ONE", "X1", ACCESS_ROLE_DPO);
    assert_int_equal(auth_account_disable(st, "kwoff", 1, &err), 0);
    return p;
}

/* can(st, account, learner, action): access_can_act_on_learner's answer. */
static int can(store *st, int64_t account, int64_t learner, access_action a) {
    cairn_err err = {0};
    access_ctx c = ctx_of(st, account);
    int r = access_can_act_on_learner(&c, learner, a, &err);
    if (r < 0) fail_msg("can: %s", err.msg);
    return r;
}

static void test_can_act(void **state) {
    store *st = school_db(state, "canact");
    cairn_err err = {0};
    people p = add_people(st);
    const access_action ACK = ACCESS_ACT_ACKNOWLEDGE, KW = ACCESS_ACT_ASSIGN_KEY_WORKER;

    assert_int_equal(can(st, p.teacher, 1, ACK), 1);    /* their group */
    assert_int_equal(can(st, p.teacher, 2, ACK), 0);    /* another group */
    assert_int_equal(can(st, p.teacher, 1, KW), 0);     /* never assigns */
    assert_int_equal(can(st, p.kw1, 1, ACK), 0);        /* not in the caseload yet */
    assert_int_equal(can(st, p.leader, 1, ACK), 1);
    assert_int_equal(can(st, p.leader, 2, KW), 1);
    assert_int_equal(can(st, p.admin, 3, KW), 1);
    assert_int_equal(can(st, p.leader, 7, KW), 0);      /* another institution's learner */
    assert_int_equal(can(st, p.leader, 999, ACK), 0);   /* nobody */
    assert_int_equal(can(st, p.leader2, 7, KW), 1);
    assert_int_equal(can(st, p.leader2, 1, ACK), 0);
    assert_int_equal(can(st, p.plain, 1, ACK), 0);      /* a role without a relationship */
    assert_int_equal(can(st, p.kwoff, 1, ACK), 0);      /* disabled */

    /* a key worker acts on their caseload, but never assigns */
    access_ctx lead = ctx_of(st, p.leader);
    support_problem why;
    assert_int_equal(support_key_worker_assign(st, lead.institution_id, lead.account_id, 1, 3,
                                               NULL, &why, &err), 0);
    assert_int_equal(can(st, p.kw1, 1, ACK), 1);
    assert_int_equal(can(st, p.kw1, 1, KW), 0);

    /* the list's batch reader agrees: learner 1 has a key worker now, 2 and
    ** an unknown id do not */
    const int64_t page[] = {2, 1, 99};
    int has[3] = {-1, -1, -1};
    assert_int_equal(support_key_worker_has_of_learners(st, 1, page, 3, has, &err), 0);
    assert_int_equal(has[0], 0);
    assert_int_equal(has[1], 1);
    assert_int_equal(has[2], 0);
    assert_int_equal(support_key_worker_has_of_learners(st, 2, page, 3, has, &err), 0);
    assert_int_equal(has[1], 0);                         /* another institution's question */

    /* consent: leaders, administrators and the key worker record it; a
    ** teacher or a role without a relationship does not; only a leader
    ** overrides, and only for their institution's learners */
    const access_action CON = ACCESS_ACT_CONSENT, OVR = ACCESS_ACT_CONSENT_OVERRIDE;
    assert_int_equal(can(st, p.kw1, 1, CON), 1);        /* their caseload */
    assert_int_equal(can(st, p.kw1, 2, CON), 0);        /* not theirs */
    assert_int_equal(can(st, p.teacher, 1, CON), 0);    /* sees, but does not record */
    assert_int_equal(can(st, p.leader, 2, CON), 1);
    assert_int_equal(can(st, p.admin, 3, CON), 1);
    assert_int_equal(can(st, p.plain, 1, CON), 0);      /* the DPO role alone */
    assert_int_equal(can(st, p.leader, 1, OVR), 1);
    assert_int_equal(can(st, p.admin, 1, OVR), 0);
    assert_int_equal(can(st, p.kw1, 1, OVR), 0);
    assert_int_equal(can(st, p.leader, 7, OVR), 0);     /* another institution's learner */
    assert_int_equal(can(st, p.kwoff, 1, CON), 0);      /* disabled */

    /* the database decides, not a stale context */
    access_ctx c = ctx_of(st, p.leader);
    assert_int_equal(access_can_act_on_learner(&c, 1, KW, &err), 1);
    assert_int_equal(auth_account_disable(st, "leader", 1, &err), 0);
    assert_int_equal(access_can_act_on_learner(&c, 1, KW, &err), 0);
    assert_int_equal(access_can_act_on_learner(&c, 1, ACK, &err), 0);
    assert_int_equal(auth_account_disable(st, "leader", 0, &err), 0);
    assert_int_equal(access_can_act_on_learner(&c, 1, (access_action)99, &err), 0);
    assert_int_equal(access_can_act_on_learner(NULL, 1, ACK, &err), 0);
    test_store_drop(st);
}

/* Expect support_flag_acknowledge to refuse (flag, comment) with problem want
** and to write nothing. */
static void expect_refused(store *st, const access_ctx *who, int64_t learner, const char *flag,
                           const char *comment, support_problem want) {
    cairn_err err = {0};
    int64_t acks = count(st, "SELECT count(*) FROM flag_acknowledgement");
    int64_t events = count(st, "SELECT count(*) FROM audit_event");
    support_problem got = SUPPORT_OK;
    int rc = support_flag_acknowledge(st, who->institution_id, who->account_id, learner, flag,
                                      comment, NULL, &got, &err);
    if (rc != 1 || got != want)
        fail_msg("flag %s, comment \"%.20s\": rc %d problem %d, want 1 and %d (%s)",
                 flag ? flag : "(null)", comment ? comment : "(null)", rc, (int)got, (int)want,
                 err.msg);
    assert_non_null(strstr(err.msg, support_problem_field(want)));
    assert_int_equal(count(st, "SELECT count(*) FROM flag_acknowledgement"), acks);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event"), events);
}

static void test_acknowledge(void **state) {
    store *st = school_db(state, "acknowledge");
    cairn_err err = {0};
    people p = add_people(st);
    access_ctx lead = ctx_of(st, p.leader), teach = ctx_of(st, p.teacher);
    support_ack a;
    support_problem why = SUPPORT_COMMENT_EMPTY;

    assert_int_equal(support_flag_acknowledge(st, lead.institution_id, lead.account_id, 1,
                                              "attendance_low", "Called home.\r\nMeeting on Monday.",
                                              &a, &why, &err), 0);
    assert_int_equal(why, SUPPORT_OK);
    assert_int_equal(a.id, 1);
    assert_string_equal(a.rule_code, "attendance_low");
    assert_string_equal(a.asof, "2025-03-14");              /* the latest score's date */
    assert_string_equal(a.comment, "Called home.\nMeeting on Monday.");   /* CR LF -> LF */
    assert_int_equal(count(st, "SELECT count(*) FROM flag_acknowledgement WHERE learner_id = 1"
                               " AND rule_code = 'attendance_low' AND asof = '2025-03-14'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'flag.acknowledge'"
                               " AND learner_id = 1"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE detail LIKE '%Called%'"), 0);
    int64_t checked = 0;
    assert_int_equal(support_audit_verify(st, 1, &checked, NULL, &err), 0);
    assert_true(checked >= 1);

    /* the teacher of the group acknowledges the other flag; 2000 characters
    ** of two bytes each are accepted */
    char *longest = malloc(2 * SUPPORT_COMMENT_MAX + 1);
    for (int i = 0; i < SUPPORT_COMMENT_MAX; i++) memcpy(longest + 2 * i, "\xC3\xA9", 2);
    longest[2 * SUPPORT_COMMENT_MAX] = 0;
    assert_int_equal(support_flag_acknowledge(st, teach.institution_id, teach.account_id, 1,
                                              "failed_unit", longest, &a, &why, &err), 0);
    assert_int_equal(a.id, 2);

    /* refused, nothing written */
    expect_refused(st, &lead, 1, "behaviour_serious", "Seen.", SUPPORT_FLAG_NOT_CURRENT);
    expect_refused(st, &lead, 1, "nonsense", "Seen.", SUPPORT_FLAG_NOT_CURRENT);
    expect_refused(st, &lead, 1, NULL, "Seen.", SUPPORT_FLAG_MISSING);
    expect_refused(st, &lead, 1, "", "Seen.", SUPPORT_FLAG_MISSING);
    expect_refused(st, &lead, 3, "attendance_low", "Seen.", SUPPORT_FLAG_NOT_CURRENT);  /* no score */
    expect_refused(st, &lead, 2, "attendance_low", "Seen.", SUPPORT_FLAG_NOT_CURRENT);  /* not theirs */
    expect_refused(st, &lead, 1, "attendance_low", "", SUPPORT_COMMENT_EMPTY);
    expect_refused(st, &lead, 1, "attendance_low", NULL, SUPPORT_COMMENT_EMPTY);
    expect_refused(st, &lead, 1, "attendance_low", "  \n \r\n ", SUPPORT_COMMENT_EMPTY);
    longest[2 * SUPPORT_COMMENT_MAX - 2] = 'a';          /* one character more */
    longest[2 * SUPPORT_COMMENT_MAX - 1] = 'b';
    expect_refused(st, &lead, 1, "attendance_low", longest, SUPPORT_COMMENT_TOO_LONG);
    free(longest);
    expect_refused(st, &lead, 1, "attendance_low", "bell \x07 here", SUPPORT_COMMENT_BAD_TEXT);
    expect_refused(st, &lead, 1, "attendance_low", "tab\there", SUPPORT_COMMENT_BAD_TEXT);
    expect_refused(st, &lead, 1, "attendance_low", "lone\rreturn", SUPPORT_COMMENT_BAD_TEXT);
    expect_refused(st, &lead, 1, "attendance_low", "bad \xFF byte", SUPPORT_COMMENT_BAD_TEXT);
    expect_refused(st, &lead, 1, "attendance_low", "cut \xC3", SUPPORT_COMMENT_BAD_TEXT);
    expect_refused(st, &lead, 1, "attendance_low", "c1 \xC2\x85 control", SUPPORT_COMMENT_BAD_TEXT);
    expect_refused(st, &lead, 1, "attendance_low", "overlong \xC0\xAF", SUPPORT_COMMENT_BAD_TEXT);
    assert_int_equal(support_comment_check("Fine.", &why), 0);
    assert_int_equal(support_comment_check("\x7F", &why), 1);
    assert_int_equal(why, SUPPORT_COMMENT_BAD_TEXT);

    /* read back, newest first, with who wrote it */
    support_ack *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_ack_list(st, 1, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, 2);
    assert_string_equal(rows[0].by, "Tia Teach");
    assert_string_equal(rows[1].rule_code, "attendance_low");
    assert_string_equal(rows[1].by, "Hana Head");
    assert_string_equal(rows[1].comment, "Called home.\nMeeting on Monday.");
    free(rows);
    assert_int_equal(support_ack_list(st, 1, 2, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    free(rows);

    /* the list's tally: both on learner 1's score date, the newest by the
    ** teacher; none on another date, for learner 2, or in a read transaction
    ** the caller holds (store_read_begin nests) */
    const int64_t page[] = {1, 2, 1};
    const char asofs[3][11] = {"2025-03-14", "2025-03-14", "2025-03-07"};
    support_ack_tally t[3];
    for (int open = 0; open < 2; open++) {
        if (open) assert_int_equal(store_tx_begin(st, &err), 0);
        memset(t, 0x55, sizeof t);
        assert_int_equal(support_ack_tally_of_learners(st, 1, page, asofs, 3, t, &err), 0);
        assert_int_equal(t[0].acked, 2);
        assert_string_equal(t[0].by, "Tia Teach");
        assert_true(t[0].at[0] == '2');
        assert_int_equal(t[1].acked, 0);
        assert_string_equal(t[1].by, "");
        assert_int_equal(t[2].acked, 0);
        assert_int_equal(store_in_tx(st), open);         /* the caller's stays open */
        if (open) store_tx_rollback(st);
    }
    test_store_drop(st);
}

/* Expect support_key_worker_assign(staff) to refuse with want, writing
** nothing. */
static void expect_assign_refused(store *st, const access_ctx *who, int64_t learner,
                                  int64_t staff, support_problem want) {
    cairn_err err = {0};
    int64_t rows = count(st, "SELECT count(*) FROM support_assignment");
    int64_t ended = count(st, "SELECT count(*) FROM support_assignment WHERE ended_at IS NULL");
    int64_t events = count(st, "SELECT count(*) FROM audit_event");
    support_problem got = SUPPORT_OK;
    int rc = support_key_worker_assign(st, who->institution_id, who->account_id, learner, staff,
                                       NULL, &got, &err);
    if (rc != 1 || got != want)
        fail_msg("staff %lld: rc %d problem %d, want 1 and %d (%s)", (long long)staff, rc,
                 (int)got, (int)want, err.msg);
    assert_non_null(strstr(err.msg, "staff_id"));
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment"), rows);
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment WHERE ended_at IS NULL"),
                     ended);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event"), events);
}

static void test_key_worker(void **state) {
    store *st = school_db(state, "keyworker");
    cairn_err err = {0};
    people p = add_people(st);
    access_ctx lead = ctx_of(st, p.leader);
    support_key_worker kw;
    support_problem why;

    /* eligible: K1 and K2 of school one (not the disabled K3, the teacher,
    ** X1 without an account, nor school two's K9) */
    support_staff *staff = NULL;
    size_t n = 0;
    assert_int_equal(support_key_worker_eligible(st, 1, &staff, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(staff[0].ref, "K1");
    assert_string_equal(staff[1].ref, "K2");
    assert_string_equal(staff[1].job_title, "coach");
    free(staff);

    assert_int_equal(support_key_worker_current(st, 1, 1, &kw, &err), 0);
    assert_int_equal(support_key_worker_assign(st, lead.institution_id, lead.account_id, 1, 3,
                                               &kw, &why, &err), 0);
    assert_int_equal(kw.staff.id, 3);
    assert_int_equal(kw.assigned_by, p.leader);
    assert_int_equal(can(st, p.kw1, 1, ACCESS_ACT_ACKNOWLEDGE), 1);

    /* a new key worker ends the old assignment, which stays as history;
    ** access follows */
    assert_int_equal(support_key_worker_assign(st, lead.institution_id, lead.account_id, 1, 4,
                                               &kw, &why, &err), 0);
    assert_int_equal(kw.staff.id, 4);
    assert_string_equal(kw.staff.given_name, "Kai");
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment WHERE learner_id = 1"), 2);
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment WHERE learner_id = 1"
                               " AND staff_id = 3 AND ended_at IS NOT NULL"), 1);
    assert_int_equal(can(st, p.kw1, 1, ACCESS_ACT_ACKNOWLEDGE), 0);
    assert_int_equal(can(st, p.kw2, 1, ACCESS_ACT_ACKNOWLEDGE), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'keyworker.assign'"
                               " AND learner_id = 1"), 2);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'keyworker.assign'"
                               " AND detail = 'staff 4 named key worker (was staff 3)'"), 1);

    /* naming the current one again changes nothing */
    int64_t events = count(st, "SELECT count(*) FROM audit_event");
    assert_int_equal(support_key_worker_assign(st, lead.institution_id, lead.account_id, 1, 4,
                                               &kw, &why, &err), 0);
    assert_int_equal(kw.staff.id, 4);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event"), events);

    /* refused */
    expect_assign_refused(st, &lead, 1, 0, SUPPORT_STAFF_MISSING);
    expect_assign_refused(st, &lead, 1, 999, SUPPORT_STAFF_UNKNOWN);
    expect_assign_refused(st, &lead, 1, 8, SUPPORT_STAFF_UNKNOWN);       /* school two's */
    expect_assign_refused(st, &lead, 1, 1, SUPPORT_STAFF_NOT_ELIGIBLE);  /* a teacher */
    expect_assign_refused(st, &lead, 1, 6, SUPPORT_STAFF_NOT_ELIGIBLE);  /* disabled */
    expect_assign_refused(st, &lead, 1, 7, SUPPORT_STAFF_NOT_ELIGIBLE);  /* no account */

    /* naming an earlier key worker again reopens their row: still one current */
    assert_int_equal(support_key_worker_assign(st, lead.institution_id, lead.account_id, 1, 3,
                                               &kw, &why, &err), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment WHERE learner_id = 1"
                               " AND ended_at IS NULL"), 1);
    assert_int_equal(support_key_worker_current(st, 1, 1, &kw, &err), 1);
    assert_int_equal(kw.staff.id, 3);
    assert_int_equal(can(st, p.kw1, 1, ACCESS_ACT_ACKNOWLEDGE), 1);
    assert_int_equal(can(st, p.kw2, 1, ACCESS_ACT_ACKNOWLEDGE), 0);

    /* the database itself refuses a second current key worker */
    assert_int_not_equal(store_exec(st, "INSERT INTO support_assignment (institution_id,"
                                        " learner_id, staff_id, assigned_at) VALUES"
                                        " (1, 1, 7, '2025-05-01T00:00:00Z')", &err), 0);
    test_store_drop(st);
}

/* ---- the page handler through web_dispatch ------------------------------------ */

typedef struct page_answer {
    int  status;
    char location[128];
    buf  body;
} page_answer;

/* Send method path (with a form body, the CSRF field added when csrf is
** 1) through web_dispatch as account; answer in *out (free out->body). */
static void post_as(store *st, int64_t account, const char *method, const char *path,
                 const char *form, int csrf, page_answer *out) {
    web_request req;
    web_response res;
    auth_session s;
    memset(&req, 0, sizeof req);
    memset(&s, 0, sizeof s);
    req.arena = arena_new(0);
    req.method = method;
    req.path = path;
    req.st = st;
    req.client_addr = "127.0.0.1";
    crypto_random_token(s.csrf, AUTH_TOKEN_LEN / 2);
    strcpy(s.username, "tester");
    strcpy(s.display_name, "Tester");
    s.who = ctx_of(st, account);
    req.session = &s;
    req.body = csrf ? arena_printf(req.arena, "csrf=%s&%s", s.csrf, form ? form : "")
                    : form ? form : "";
    req.body_len = strlen(req.body);
    web_response_init(&res);
    web_dispatch(&req, &res);
    out->status = res.status;
    snprintf(out->location, sizeof out->location, "%s", res.location ? res.location : "");
    buf_init(&out->body);
    buf_puts(&out->body, buf_cstr(&res.body));
    web_response_free(&res);
    arena_free(req.arena);
}

static void test_page_post(void **state) {
    store *st = school_db(state, "pagepost");
    people p = add_people(st);
    page_answer a;
    const char *acks = "SELECT count(*) FROM flag_acknowledgement";

    post_as(st, p.leader, "POST", "/learners/1/acknowledge",
         "flag=attendance_low&comment=Talked+to+%3Cb%3EAda%3C%2Fb%3E", 1, &a);
    assert_int_equal(a.status, 303);
    assert_string_equal(a.location, "/learners/1?done=acknowledged");
    buf_free(&a.body);
    assert_int_equal(count(st, acks), 1);

    /* the page shows it, escaped, with a form per current flag and the key
    ** worker form for the leader */
    post_as(st, p.leader, "GET", "/learners/1", NULL, 0, &a);
    assert_int_equal(a.status, 200);
    const char *b = buf_cstr(&a.body);
    assert_non_null(strstr(b, "Talked to &lt;b&gt;Ada&lt;/b&gt;"));
    assert_non_null(strstr(b, "action=\"/learners/1/acknowledge\""));
    assert_non_null(strstr(b, "<textarea id=\"ack-comment-1\" name=\"comment\""));
    assert_non_null(strstr(b, "<select id=\"kw-staff\" name=\"staff_id\" required>"));
    assert_non_null(strstr(b, "<option value=\"3\">Kim Keyone (counsellor)</option>"));
    buf_free(&a.body);

    /* an empty comment: 400, the error next to the field, nothing written */
    post_as(st, p.leader, "POST", "/learners/1/acknowledge", "flag=failed_unit&comment=+", 1, &a);
    assert_int_equal(a.status, 400);
    b = buf_cstr(&a.body);
    assert_non_null(strstr(b, "aria-describedby=\"ack-hint-1 ack-error-1\" aria-invalid=\"true\""));
    assert_non_null(strstr(b, "<p class=\"field-error\" id=\"ack-error-1\" role=\"alert\">"));
    assert_null(strstr(b, "ack-error-0"));
    buf_free(&a.body);
    assert_int_equal(count(st, acks), 1);

    /* a flag that is not current: 400 with the section's error */
    post_as(st, p.leader, "POST", "/learners/1/acknowledge", "flag=behaviour_serious&comment=x", 1,
         &a);
    assert_int_equal(a.status, 400);
    assert_non_null(strstr(buf_cstr(&a.body), "id=\"ack-error\" role=\"alert\""));
    buf_free(&a.body);

    /* the teacher sees no key worker form and may not assign (403) */
    post_as(st, p.teacher, "GET", "/learners/1", NULL, 0, &a);
    assert_int_equal(a.status, 200);
    assert_null(strstr(buf_cstr(&a.body), "kw-staff"));
    buf_free(&a.body);
    post_as(st, p.teacher, "POST", "/learners/1/key-worker", "staff_id=3", 1, &a);
    assert_int_equal(a.status, 403);
    buf_free(&a.body);
    post_as(st, p.teacher, "POST", "/learners/2/acknowledge", "flag=missing_work&comment=x", 1, &a);
    assert_int_equal(a.status, 403);                     /* not their group */
    buf_free(&a.body);
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment"), 0);

    /* the leader assigns; a bad choice is 400 with the select marked */
    post_as(st, p.leader, "POST", "/learners/1/key-worker", "staff_id=abc", 1, &a);
    assert_int_equal(a.status, 400);
    assert_non_null(strstr(buf_cstr(&a.body), "aria-describedby=\"kw-error\" aria-invalid=\"true\""));
    buf_free(&a.body);
    post_as(st, p.leader, "POST", "/learners/1/key-worker", "staff_id=", 1, &a);
    assert_int_equal(a.status, 400);
    buf_free(&a.body);
    post_as(st, p.leader, "POST", "/learners/1/key-worker", "staff_id=4", 1, &a);
    assert_int_equal(a.status, 303);
    assert_string_equal(a.location, "/learners/1?done=key-worker");
    buf_free(&a.body);
    assert_int_equal(count(st, "SELECT staff_id FROM support_assignment WHERE ended_at IS NULL"), 4);

    /* without the CSRF field the gate refuses and nothing is written */
    post_as(st, p.leader, "POST", "/learners/1/acknowledge", "flag=failed_unit&comment=ok", 0, &a);
    assert_int_equal(a.status, 403);
    buf_free(&a.body);
    assert_int_equal(count(st, acks), 1);

    /* unknown learner, unknown action: 404 */
    post_as(st, p.leader, "POST", "/learners/999/acknowledge", "flag=x&comment=y", 1, &a);
    assert_int_equal(a.status, 404);
    buf_free(&a.body);
    post_as(st, p.leader, "POST", "/learners/1/explode", "", 1, &a);
    assert_int_equal(a.status, 404);
    buf_free(&a.body);
    /* the learner page takes GET only: 405 (the exact routes of the
    ** records; before them the POST prefix route answered 404) */
    post_as(st, p.leader, "POST", "/learners/1", "", 1, &a);
    assert_int_equal(a.status, 405);
    buf_free(&a.body);

    /* the JSON API wants a JSON body (no Content-Type outside the server) */
    post_as(st, p.leader, "POST", "/api/v1/learners/1/acknowledgements", "", 1, &a);
    assert_int_equal(a.status, 415);
    assert_non_null(strstr(buf_cstr(&a.body), "unsupported_media_type"));
    buf_free(&a.body);
    post_as(st, p.leader, "POST", "/api/v1/learners/1/nothing", "", 1, &a);
    assert_int_equal(a.status, 404);
    buf_free(&a.body);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_can_act),
        BOTH(test_acknowledge),
        BOTH(test_key_worker),
        BOTH(test_page_post),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
