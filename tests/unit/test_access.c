/*
** tests/unit/test_access.c — who may see what (web/access.h) and the route
** by role table walked through the real router, on SQLite and PostgreSQL.
** (The audit chain's test moved with it to the support room:
** tests/unit/test_support.c.)
**
** The school is built by hand so every relationship is known: two
** institutions, two groups, teachers, key workers with a caseload and a
** share, learners active, left and ungrouped.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "risk/risk.h"
#include "school/school.h"
#include "web/access.h"
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
    " (1, 1, 'G1', 'Group one', 1), (1, 2, 'G2', 'Group two', 1), (2, 1, 'G1', 'Other one', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'T1', 'Tia', 'One'), (1, 2, 'T2', 'Tom', 'Two'), (1, 3, 'K1', 'Kim', 'Keyone'),"
    " (1, 4, 'K2', 'Kai', 'Keytwo'), (1, 5, 'H1', 'Hana', 'Head'), (2, 1, 'T1', 'Tess', 'Other');"
    /* T1 teaches G1, T2 teaches G2; K1 is G1's key worker (which grants nothing);
    ** in school two, staff id 1 (another person) teaches its G1. */
    "INSERT INTO group_staff (institution_id, group_id, staff_id, role) VALUES"
    " (1, 1, 1, 'class_teacher'), (1, 2, 2, 'teacher'), (1, 1, 3, 'key_worker'),"
    " (2, 1, 1, 'teacher');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two'), (1, 3, 'L3', 'Cy', 'Three'),"
    " (1, 4, 'L4', 'Dee', 'Four'), (1, 5, 'L5', 'Eve', 'Five'),"
    " (2, 1, 'L1', 'Xia', 'Other'), (2, 7, 'L7', 'Yan', 'Seven');"
    /* L1, L4 active in G1; L2 active in G2; L3 left G1 early; L5 in no group */
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES"
    " (1, 1, 1, 1, 1, '2024-09-01', 'active'), (1, 2, 2, 1, 2, '2024-09-01', 'active'),"
    " (1, 3, 3, 1, 1, '2024-09-01', 'left_early'), (1, 4, 4, 1, 1, '2024-09-01', 'active'),"
    " (2, 1, 1, 1, 1, '2024-09-01', 'active'), (2, 2, 7, 1, 1, '2024-09-01', 'active');"
    /* K1's caseload: L2; a leader shared L1 with K2 */
    "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at)"
    " VALUES (1, 2, 3, '2025-01-01T00:00:00Z');"
    "INSERT INTO learner_share (institution_id, learner_id, staff_id, shared_at)"
    " VALUES (1, 1, 4, '2025-01-01T00:00:00Z');";

/* The hand-built school in a fresh database. */
static store *school_db(void **state, const char *name) {
    return test_school_db(KIND(state), name, school_sql);
}

/* Add an account; returns its id. */
static int64_t add(store *st, const char *user, const char *inst, const char *staff,
                   unsigned roles) {
    return test_account_add(st, user, inst, staff, roles);
}

/* The learner ids the test asks about (999 exists nowhere). */
static const int64_t probe[] = {1, 2, 3, 4, 5, 7, 999};
#define NPROBE (sizeof probe / sizeof probe[0])

/* Check that account id sees exactly the learners in want[0..n): one by
** one, and as a list through the predicate. */
static void expect_sees(store *st, const char *who, int64_t id, const int64_t *want, size_t n) {
    cairn_err err = {0};
    access_ctx ctx;
    if (access_ctx_load(st, id, &ctx, &err)) fail_msg("ctx %s: %s", who, err.msg);
    for (size_t i = 0; i < NPROBE; i++) {
        int expected = 0;
        for (size_t k = 0; k < n; k++) expected |= want[k] == probe[i];
        int got = access_can_view_learner(&ctx, probe[i], &err);
        if (got < 0) fail_msg("%s, learner %lld: %s", who, (long long)probe[i], err.msg);
        if (got != expected)
            fail_msg("%s %s learner %lld but should %s", who, got ? "sees" : "does not see",
                     (long long)probe[i], expected ? "" : "not");
    }
    buf sql = BUF_INIT;
    buf_puts(&sql, "SELECT count(*) FROM learner l WHERE ");
    access_learner_predicate(&ctx, "l.institution_id", "l.id", &sql);
    store_stmt *q = store_prepare(st, buf_cstr(&sql), &err);
    if (!q) fail_msg("%s: %s", who, err.msg);
    access_learner_predicate_bind(&ctx, q, 1);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    if (store_col_int64(q, 0) != (int64_t)n)
        fail_msg("%s: the list shows %lld learners, the page check %zu", who,
                 (long long)store_col_int64(q, 0), n);
    store_finalize(q);
    buf_free(&sql);
}

static void test_view_learner(void **state) {
    store *st = school_db(state, "viewlearner");
    cairn_err err = {0};
    int64_t teacher1 = add(st, "teacher1", "ONE", "T1", ACCESS_ROLE_TEACHER);
    int64_t teacher2 = add(st, "teacher2", "ONE", "T2", ACCESS_ROLE_TEACHER);
    int64_t kw1 = add(st, "kw1", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    int64_t kw2 = add(st, "kw2", "ONE", "K2", ACCESS_ROLE_KEY_WORKER);
    int64_t kwteach = add(st, "kwteach", "ONE", "K1", ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEACHER);
    int64_t leader = add(st, "leader", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    int64_t admin = add(st, "admin", "ONE", NULL, ACCESS_ROLE_ADMINISTRATOR);
    int64_t nolink = add(st, "nolink", "ONE", NULL, ACCESS_ROLE_TEACHER | ACCESS_ROLE_KEY_WORKER);
    int64_t other = add(st, "other", "ONE", "T1", ACCESS_ROLE_TEAM_MEMBER | ACCESS_ROLE_LEARNER |
                        ACCESS_ROLE_GUARDIAN | ACCESS_ROLE_EXTERNAL_SERVICE | ACCESS_ROLE_DPO);
    int64_t leader2 = add(st, "leader2", "TWO", NULL, ACCESS_ROLE_SCHOOL_LEADER);
    int64_t off = add(st, "off", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    assert_int_equal(auth_account_disable(st, "off", 1, &err), 0);

    const int64_t all1[] = {1, 2, 3, 4, 5};
    expect_sees(st, "leader", leader, all1, 5);
    expect_sees(st, "admin", admin, all1, 5);
    const int64_t t1[] = {1, 4};                  /* not L3, who left; not G2's L2 */
    expect_sees(st, "teacher1", teacher1, t1, 2);
    const int64_t t2[] = {2};
    expect_sees(st, "teacher2", teacher2, t2, 1);
    const int64_t k1[] = {2};                     /* caseload; G1's key worker link grants nothing */
    expect_sees(st, "kw1", kw1, k1, 1);
    expect_sees(st, "kwteach", kwteach, k1, 1);
    const int64_t k2[] = {1};                     /* shared by a leader */
    expect_sees(st, "kw2", kw2, k2, 1);
    expect_sees(st, "nolink", nolink, NULL, 0);   /* a role alone grants nothing */
    expect_sees(st, "other", other, NULL, 0);
    expect_sees(st, "off", off, NULL, 0);         /* disabled */
    const int64_t l2[] = {1, 7};                  /* school two's own learners only */
    expect_sees(st, "leader2", leader2, l2, 2);

    /* the database decides, not a stale context */
    access_ctx ctx;
    assert_int_equal(access_ctx_load(st, leader, &ctx, &err), 0);
    assert_int_equal(access_can_view_learner(&ctx, 1, &err), 1);
    assert_int_equal(auth_account_disable(st, "leader", 1, &err), 0);
    assert_int_equal(access_can_view_learner(&ctx, 1, &err), 0);
    assert_int_equal(auth_account_disable(st, "leader", 0, &err), 0);
    assert_int_equal(access_can_view_learner(&ctx, 1, &err), 1);
    access_ctx loose = ctx;
    loose.st = NULL;
    assert_int_equal(access_can_view_learner(&loose, 1, &err), 0);
    assert_int_equal(access_can_view_learner(NULL, 1, &err), 0);

    /* relationships change, access follows */
    assert_int_equal(store_exec(st, "DELETE FROM learner_share", &err), 0);
    expect_sees(st, "kw2 after the share ended", kw2, NULL, 0);
    assert_int_equal(store_exec(st, "UPDATE enrolment SET status = 'completed'"
                                    " WHERE institution_id = 1 AND id = 4", &err), 0);
    const int64_t t1b[] = {1};
    expect_sees(st, "teacher1 after L4 completed", teacher1, t1b, 1);
    assert_int_equal(auth_account_role_change(st, "teacher1", ACCESS_ROLE_TEACHER, 0, &err), 0);
    expect_sees(st, "teacher1 without the role", teacher1, NULL, 0);
    assert_int_equal(access_ctx_load(st, 12345, &ctx, &err), -1);
    assert_int_equal(err.code, CAIRN_ENOTFOUND);
    test_store_drop(st);
}

static void test_roles(void **state) {
    (void)state;
    assert_int_equal(access_role_parse("teacher"), ACCESS_ROLE_TEACHER);
    assert_int_equal(access_role_parse("data_protection_officer"), ACCESS_ROLE_DPO);
    assert_int_equal(access_role_parse("Teacher"), 0);
    assert_int_equal(access_role_parse(""), 0);
    assert_int_equal(access_role_parse(NULL), 0);
    for (int i = 0; i < ACCESS_ROLE_COUNT; i++) {
        unsigned bit = 1u << i;
        assert_non_null(access_role_code(bit));
        assert_non_null(access_role_name(bit));
        assert_int_equal(access_role_parse(access_role_code(bit)), bit);
        assert_non_null(strstr(access_role_codes(), access_role_code(bit)));
    }
    assert_null(access_role_code(ACCESS_ROLE_TEACHER | ACCESS_ROLE_KEY_WORKER));
    buf b = BUF_INIT;
    access_roles_format(ACCESS_ROLE_TEACHER | ACCESS_ROLE_SCHOOL_LEADER, &b);
    assert_string_equal(buf_cstr(&b), "school_leader, teacher");
    buf_reset(&b);
    access_roles_format(0, &b);
    assert_string_equal(buf_cstr(&b), "-");
    buf_free(&b);
}

/* ---- every route as every role ------------------------------------------------------- */

/* What each route should allow — the specification the access table in
** web/access.c is checked against.  A new route needs a row here too. */
typedef struct route_expect {
    const char *method, *path;
    int         anonymous;   /* 1 = open without signing in */
    unsigned    roles;       /* role bits allowed when signed in */
    int         no_roles;    /* 1 = open to a signed-in account with no roles */
} route_expect;

#define STAFF (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER | \
               ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEACHER)
/* cases: who may ask at all; the case's relationship decides the rest */
#define CASE_ROLES (ACCESS_ROLE_SCHOOL_LEADER | ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEACHER | \
                    ACCESS_ROLE_TEAM_MEMBER)

static const route_expect expected[] = {
    {"GET",  "/",        0, STAFF | ACCESS_ROLE_TEAM_MEMBER, 0},
    {"GET",  "/healthz", 1, ACCESS_ROLES_ALL, 1},
    {"GET",  "/assets/{code}", 1, ACCESS_ROLES_ALL, 1},
    {"GET",  "/login",   1, ACCESS_ROLES_ALL, 1},
    {"POST", "/login",   1, ACCESS_ROLES_ALL, 1},
    {"POST", "/logout",  0, ACCESS_ROLES_ALL, 1},
    {"GET",  "/dashboard",  0, STAFF, 0},
    {"GET",  "/dashboard.csv", 0, STAFF, 0},
    {"GET",  "/programmes", 0, STAFF, 0},
    {"GET",  "/learners/{id}", 0, STAFF | ACCESS_ROLE_TEAM_MEMBER, 0},
    {"GET",  "/groups/{code}", 0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER |
                                  ACCESS_ROLE_TEACHER, 0},
    {"GET",  "/api/v1/me",        0, ACCESS_ROLES_ALL, 1},
    {"GET",  "/api/v1/me/tokens", 0, ACCESS_ROLES_ALL, 1},
    {"GET",  "/account",          0, ACCESS_ROLES_ALL, 1},
    {"POST", "/account/tokens/{code}/revoke", 0, ACCESS_ROLES_ALL, 1},
    {"GET",  "/api/v1/learners",  0, STAFF, 0},
    {"GET",  "/api/v1/learners/{id}", 0, STAFF, 0},
    {"POST", "/learners/{id}/acknowledge", 0, STAFF, 0},
    {"POST", "/learners/{id}/key-worker",  0, STAFF, 0},
    {"POST", "/api/v1/learners/{id}/acknowledgements", 0, STAFF, 0},
    {"POST", "/api/v1/learners/{id}/key-worker",       0, STAFF, 0},
    {"GET",  "/model",            0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/api/v1/model",     0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/api/v1/summary",   0, STAFF, 0},
    {"GET",  "/api/v1/groups/{code}", 0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER |
                                         ACCESS_ROLE_TEACHER, 0},
    {"GET",  "/import",           0, ACCESS_ROLE_ADMINISTRATOR, 0},
    {"POST", "/import",           0, ACCESS_ROLE_ADMINISTRATOR, 0},
    {"POST", "/import/confirm",   0, ACCESS_ROLE_ADMINISTRATOR, 0},
    {"POST", "/api/v1/imports",   0, ACCESS_ROLE_ADMINISTRATOR, 0},
    {"GET",  "/import/report",    0, ACCESS_ROLE_ADMINISTRATOR, 0},
    {"GET",  "/help/import",      0, ACCESS_ROLE_ADMINISTRATOR, 0},
    {"POST", "/language",         0, ACCESS_ROLES_ALL, 1},
    {"GET",  "/notices",          0, ACCESS_ROLES_ALL, 1},
    {"POST", "/notices/{id}/read", 0, ACCESS_ROLES_ALL, 1},
    {"POST", "/notices/read-all", 0, ACCESS_ROLES_ALL, 1},
    {"POST", "/notices/settings", 0, ACCESS_ROLES_ALL, 1},
    {"GET",  "/api/v1/notices",   0, ACCESS_ROLES_ALL, 1},
    {"GET",  "/audit",            0, ACCESS_ROLE_DPO, 0},
    {"GET",  "/api/v1/audit",     0, ACCESS_ROLE_DPO, 0},
    {"POST", "/learners/{id}/cases",      0, STAFF, 0},
    {"GET",  "/cases/{id}",               0, CASE_ROLES, 0},
    {"GET",  "/api/v1/cases/{id}",        0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/step",          0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/tier",          0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/team",          0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/team-remove",   0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/task-done",     0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/follow-up",     0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/transfer",      0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/transfer-answer", 0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/conference",    0, CASE_ROLES, 0},
    {"GET",  "/cases/{id}/contract",            0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/contract",            0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/contract/sign",       0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/contract/amend",      0, CASE_ROLES, 0},
    {"GET",  "/cases/{id}/contract/print",      0, CASE_ROLES, 0},
    {"GET",  "/cases/{id}/contract/pdf",        0, CASE_ROLES, 0},
    {"GET",  "/api/v1/cases/{id}/contract",     0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/contract",     0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/contract/sign",  0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/contract/amend", 0, CASE_ROLES, 0},
    {"GET",  "/verify",                         1, ACCESS_ROLES_ALL, 1},
    {"GET",  "/verify/{code}",                  1, ACCESS_ROLES_ALL, 1},
    {"GET",  "/api/v1/verify/{code}",           1, ACCESS_ROLES_ALL, 1},
    {"GET",  "/cases/{id}/plan",          0, CASE_ROLES, 0},          /* support/plan.h */
    {"GET",  "/cases/{id}/plan/pdf",      0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/goals",         0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/goals/close",   0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/not-now",       0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/plan/recovery", 0, CASE_ROLES, 0},
    {"GET",  "/api/v1/cases/{id}/goals",  0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/goals",  0, CASE_ROLES, 0},
    {"GET",  "/cases/{id}/assessment",    0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/assessment",    0, CASE_ROLES, 0},
    {"GET",  "/api/v1/cases/{id}/assessments",  0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/assessments",  0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/approval",      0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/approval", 0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/move",          0, CASE_ROLES, 0},          /* support/case_move.h */
    {"GET",  "/cases/{id}/handover",      0, CASE_ROLES, 0},
    {"GET",  "/case-moves",               0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/case-moves/{id}",          0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/case-moves/{id}",          0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/api/v1/cases/{id}/move",   0, CASE_ROLES, 0},
    {"GET",  "/api/v1/cases/{id}/handover", 0, CASE_ROLES, 0},
    {"GET",  "/api/v1/case-moves",        0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/api/v1/case-moves/{id}",   0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/cases/{id}/withdraw-offer", 0, CASE_ROLES, 0},   /* support/case_withdraw.h */
    {"POST", "/api/v1/cases/{id}/withdraw-offer", 0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/approval-withdraw", 0, CASE_ROLES, 0},   /* support/case_withdraw.h */
    {"POST", "/api/v1/cases/{id}/approval-withdraw", 0, CASE_ROLES, 0},
    {"POST", "/api/v1/learners/{id}/cases", 0, STAFF, 0},
    {"POST", "/api/v1/cases/{id}/step",   0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/tier",   0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/team",   0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/team-remove", 0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/task-done", 0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/follow-up", 0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/transfer", 0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/transfer-answer", 0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/conference", 0, CASE_ROLES, 0},
    {"GET",  "/cases/{id}/reviews",       0, CASE_ROLES, 0},
    {"POST", "/cases/{id}/reviews",       0, CASE_ROLES, 0},
    {"GET",  "/api/v1/cases/{id}/reviews", 0, CASE_ROLES, 0},
    {"POST", "/api/v1/cases/{id}/reviews", 0, CASE_ROLES, 0},
    {"GET",  "/caseload",                 0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/api/v1/caseload",          0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/learners/{id}/consent",          0, STAFF, 0},
    {"POST", "/learners/{id}/consent",          0, STAFF, 0},
    {"POST", "/learners/{id}/consent/withdraw", 0, STAFF, 0},
    {"POST", "/learners/{id}/consent/override", 0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/api/v1/learners/{id}/consents",  0, STAFF, 0},
    {"POST", "/api/v1/learners/{id}/consents",  0, STAFF, 0},
    {"POST", "/api/v1/learners/{id}/consents/withdraw", 0, STAFF, 0},
    {"POST", "/api/v1/learners/{id}/consents/override", 0, ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/api/v1/learners/{id}/consents/receipt",  0, STAFF, 0},
    {"GET",  "/privacy",          0, ACCESS_ROLE_DPO | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/api/v1/privacy",   0, ACCESS_ROLE_DPO | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/interventions",             0, STAFF, 0},
    {"GET",  "/interventions/new",         0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/interventions",             0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"GET",  "/interventions/{id}",        0, STAFF, 0},
    {"GET",  "/interventions/{id}/edit",   0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/interventions/{id}",        0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/interventions/{id}/runs",   0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER |
                                              ACCESS_ROLE_KEY_WORKER, 0},
    {"GET",  "/intervention-runs/{id}",    0, STAFF, 0},
    {"POST", "/intervention-runs/{id}/participants", 0, STAFF, 0},
    {"POST", "/intervention-runs/{id}/sessions",     0, STAFF, 0},
    {"GET",  "/api/v1/interventions",      0, STAFF, 0},
    {"POST", "/api/v1/interventions",      0, ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER, 0},
    {"POST", "/api/v1/intervention-runs/{id}/sessions", 0, STAFF, 0},
    {"GET",  "/api/v1/interventions/{id}", 0, STAFF, 0},
    {"GET",  "/api/v1/intervention-runs/{id}",       0, STAFF, 0},
    {"GET",  "/api/v1/learners/{id}/interventions",  0, STAFF, 0},
};

/* pattern with its parameters filled in: {id} = 1, {code} = cairn.css
** (a real asset; as a group code it is simply not found). */
static const char *concrete_path(arena *a, const char *pattern) {
    buf b = BUF_INIT;
    for (const char *p = pattern; *p;) {
        if (!strncmp(p, "{id}", 4)) { buf_puts(&b, "1"); p += 4; }
        else if (!strncmp(p, "{code}", 6)) { buf_puts(&b, "cairn.css"); p += 6; }
        else buf_putc(&b, *p++);
    }
    const char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* The expected row for route r, or NULL. */
static const route_expect *expect_find(const web_route *r) {
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (!strcmp(expected[i].method, r->method) && !strcmp(expected[i].path, r->path))
            return &expected[i];
    return NULL;
}

/* Send route r through web_dispatch as role_set (0 = anonymous; else a
** session of account with role_set's roles) and say whether the gate let
** it through: 1 allowed, 0 refused for access. */
static int walk_one(store *st, const web_route *r, unsigned role_set, int64_t account) {
    web_request req;
    web_response res;
    auth_session s;
    memset(&req, 0, sizeof req);
    memset(&s, 0, sizeof s);
    req.arena = arena_new(0);
    req.method = r->method;
    req.path = concrete_path(req.arena, r->path);
    req.st = st;
    req.client_addr = "127.0.0.1";
    if (role_set) {
        crypto_random_token(s.csrf, AUTH_TOKEN_LEN / 2);
        strcpy(s.username, "walker");
        strcpy(s.display_name, "Route Walker");
        s.who.st = st;
        s.who.account_id = account;
        s.who.institution_id = 1;
        s.who.roles = role_set & ACCESS_ROLES_ALL;
        req.session = &s;
    }
    req.body = strcmp(r->method, "GET") ? arena_printf(req.arena, "csrf=%s", s.csrf) : "";
    req.body_len = strlen(req.body);
    web_response_init(&res);
    web_dispatch(&req, &res);
    const char *body = buf_cstr(&res.body);
    int refused;
    if (role_set)
        refused = res.status == 403 && strstr(body, "may not open this page") != NULL;
    else
        refused = res.status == 401 ||
                  (res.status == 303 && res.location && !strncmp(res.location, "/login", 6) &&
                   strcmp(r->path, "/login") != 0);
    if (res.status >= 500) fail_msg("%s %s answered %d", r->method, req.path, res.status);
    if (res.status == 403 && strstr(body, "not open to anyone"))
        fail_msg("%s %s has no access rule", r->method, r->path);
    web_response_free(&res);
    arena_free(req.arena);
    return !refused;
}

static void test_route_table(void **state) {
    store *st = school_db(state, "routes");
    int64_t account = add(st, "walker", "ONE", NULL, ACCESS_ROLE_SCHOOL_LEADER);
    size_t n;
    const web_route *routes = web_route_table(&n);
    assert_true(n >= 6);
    int missing = 0;
    for (size_t i = 0; i < n; i++) {
        const web_route *r = &routes[i];
        const route_expect *e = expect_find(r);
        if (!r->access) {
            print_error("route %s %s (%s:%d) has no ACCESS\n", r->method, r->path, r->file,
                        r->line);
            missing++;
        }
        if (!e) {
            print_error("route %s %s has no row in this test's expected table\n", r->method,
                        r->path);
            missing++;
        }
        if (!e || !r->access) continue;
        /* anonymous, signed in without roles, then each role alone */
        for (int k = -2; k < ACCESS_ROLE_COUNT; k++) {
            unsigned set = k == -2 ? 0 : k == -1 ? ACCESS_SIGNED_IN : (ACCESS_SIGNED_IN | (1u << k));
            const char *who = k == -2 ? "anonymous" : k == -1 ? "no roles"
                            : access_role_code(1u << k);
            int want = k == -2 ? e->anonymous : k == -1 ? e->no_roles
                     : (e->roles & (1u << k)) != 0;
            int decided = access_route_allowed(set, r);
            if (decided != (want ? ACCESS_ALLOW : ACCESS_DENY))
                fail_msg("%s %s as %s: its ACCESS says %d, expected %s", r->method,
                         r->path, who, decided, want ? "allow" : "deny");
            int through = walk_one(st, r, set, account);
            if (through != want)
                fail_msg("%s %s as %s: the router %s it, expected %s", r->method, r->path, who,
                         through ? "allowed" : "refused", want ? "allowed" : "refused");
        }
    }
    if (missing) fail_msg("%d route(s) without a row", missing);
    /* and every row of this test names a route that exists */
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        int found = 0;
        for (size_t k = 0; k < n; k++)
            found |= !strcmp(expected[i].method, routes[k].method) &&
                     !strcmp(expected[i].path, routes[k].path);
        if (!found) fail_msg("expected row %s %s names no route", expected[i].method,
                             expected[i].path);
    }
    /* a route without an access rule is refused */
    web_route ghost = {"GET", "/ghost", NULL, 0, WEB_BODY_NONE, 0, 0, NULL, "test", 0};
    assert_int_equal(access_route_allowed(ACCESS_SIGNED_IN | ACCESS_ROLES_ALL, &ghost),
                     ACCESS_NO_RULE);
    test_store_drop(st);
}

int main(void) {
    setenv("CAIRN_PWHASH_FAST", "1", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),
        BOTH(test_view_learner),
        BOTH(test_route_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
