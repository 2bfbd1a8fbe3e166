/*
** tests/unit/test_access_lists.c — lists answer with the learner page's
** rule (access_learner_predicate), on SQLite and PostgreSQL: the paging
** cursor of the attention list must be a row the viewer may see
** (risk_read_attention_after), and a group's attendance lists only the
** learners the viewer may open (school_group_attendance_weeks).
**
** The school: one group G1 taught by T1, with L1 and L4 active and L3 who
** left; L2 active in G2, taught by T2; key worker K1 has L2 in their
** caseload.  Every learner is scored on one day, L3 the most urgent.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/access.h"
#include <stdlib.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1), (1, 2, 'G2', 'Group two', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'T1', 'Tia', 'One'), (1, 2, 'T2', 'Tom', 'Two'), (1, 3, 'K1', 'Kim', 'Key'),"
    " (1, 5, 'H1', 'Hana', 'Head');"
    "INSERT INTO group_staff (institution_id, group_id, staff_id, role) VALUES"
    " (1, 1, 1, 'class_teacher'), (1, 2, 2, 'teacher');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two'), (1, 3, 'L3', 'Cy', 'Three'),"
    " (1, 4, 'L4', 'Dee', 'Four');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status, exit_date) VALUES"
    " (1, 1, 1, 1, 1, '2024-09-01', 'active', NULL),"
    " (1, 2, 2, 1, 2, '2024-09-01', 'active', NULL),"
    " (1, 3, 3, 1, 1, '2024-09-01', 'left_early', '2025-03-01'),"
    " (1, 4, 4, 1, 1, '2024-09-01', 'active', NULL);"
    "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at)"
    " VALUES (1, 2, 3, '2025-01-01T00:00:00Z');"
    "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
    " VALUES (1, 1, '2025-01-01T00:00:00Z', 'test', '{}');"
    /* the order of the list: L3 (tier 2), L2 (tier 2, lower), L1 (tier 1), L4 (tier 1, lower) */
    "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof, rule_set_version,"
    " probability, tier, flags, reasons, features, input_hash, computed_at) VALUES"
    " (1, 3, 3, '2025-03-14', 1, 0.9, 2, '[\"attendance_low\"]', '[]', '{}', 'x', '2025-03-14'),"
    " (1, 2, 2, '2025-03-14', 1, 0.8, 2, '[\"attendance_low\"]', '[]', '{}', 'x', '2025-03-14'),"
    " (1, 1, 1, '2025-03-14', 1, 0.6, 1, '[\"attendance_low\"]', '[]', '{}', 'x', '2025-03-14'),"
    " (1, 4, 4, '2025-03-14', 1, 0.5, 1, '[\"attendance_low\"]', '[]', '{}', 'x', '2025-03-14');"
    "INSERT INTO attendance (institution_id, learner_id, date, status) VALUES"
    " (1, 1, '2025-03-10', 0), (1, 3, '2025-02-24', 0), (1, 4, '2025-03-11', 2);";

/* Bind the access predicate (risk_visibility / school_visibility .bind). */
static int bind_access(const void *ctx, store_stmt *s, int first) {
    return access_learner_predicate_bind(ctx, s, first);
}

/* The context of a new account user (staff ref staff, roles). */
static access_ctx viewer(store *st, const char *user, const char *staff, unsigned roles) {
    cairn_err err = {0};
    access_ctx ctx;
    int64_t id = test_account_add(st, user, "ONE", staff, roles);
    if (access_ctx_load(st, id, &ctx, &err)) fail_msg("ctx %s: %s", user, err.msg);
    return ctx;
}

/* The attention list of ctx after cursor (0 = from the start): its learner
** ids in out (up to 8), their number, or -1 with *code the error's. */
static int list_after(store *st, const access_ctx *ctx, int64_t cursor, int64_t *out,
                      int *code) {
    cairn_err err = {0};
    int32_t asof;
    assert_int_equal(date_parse("2025-03-14", 10, &asof), 0);
    buf pred = BUF_INIT;
    access_learner_predicate(ctx, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), bind_access, ctx, access_learner_set_narrow(ctx)};
    risk_attention_filter f = {0};
    f.tier = -1;
    f.visible = &vis;
    risk_attention_row *rows = NULL;
    size_t n = 0, total = 0;
    int rc = cursor ? risk_read_attention_after(st, 1, asof, &f, cursor, 8, &rows, &n, &total, &err)
                    : risk_read_attention(st, 1, asof, &f, 8, &rows, &n, &total, &err);
    if (cursor) {   /* the learner page's "next learner" agrees with the page after */
        risk_attention_row next;
        cairn_err e2 = {0};
        int got = risk_read_attention_next(st, 1, asof, &f, cursor, NULL, &next, &e2);
        risk_attention_row self;   /* from the learner's own row: the same answer */
        cairn_err e3 = {0};
        if (risk_read_learner_latest(st, 1, cursor, &self, &e3) == 1 && rc >= 0) {
            risk_attention_row next2;
            assert_int_equal(risk_read_attention_next(st, 1, asof, &f, cursor, &self, &next2, &e3),
                             n > 0);
            if (n) assert_int_equal(next2.learner_id, rows[0].learner_id);
        }
        if (rc < 0) {
            assert_int_equal(got, -1);
            assert_int_equal(e2.code, err.code);
        } else {
            assert_int_equal(got, n > 0);
            if (n) {
                assert_int_equal(next.learner_id, rows[0].learner_id);
                assert_string_equal(next.family_name, rows[0].family_name);
                assert_string_equal(next.given_name, rows[0].given_name);
            }
        }
    }
    buf_free(&pred);
    *code = err.code;
    for (size_t i = 0; i < n && i < 8; i++) out[i] = rows[i].learner_id;
    free(rows);
    return rc < 0 ? -1 : (int)n;
}

/* A cursor outside the viewer's rows is refused exactly like one with no
** score (CAIRN_ENOTFOUND); the viewer's own next page still works. */
static void test_cursor_is_a_visible_row(void **state) {
    store *st = test_school_db(KIND(state), "cursor", school_sql);
    access_ctx t1 = viewer(st, "teacher1", "T1", ACCESS_ROLE_TEACHER);
    access_ctx k1 = viewer(st, "kw1", "K1", ACCESS_ROLE_KEY_WORKER);
    access_ctx lead = viewer(st, "leader", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    int64_t ids[8];
    int code;

    /* the teacher's list is L1, L4; after L1 comes L4 */
    assert_int_equal(list_after(st, &t1, 0, ids, &code), 2);
    assert_true(ids[0] == 1 && ids[1] == 4);
    assert_int_equal(list_after(st, &t1, 1, ids, &code), 1);
    assert_int_equal(ids[0], 4);
    /* L2 (another teacher's) and L3 (left) are no cursor for this teacher,
    ** though both are scored and sort before L1 */
    assert_int_equal(list_after(st, &t1, 2, ids, &code), -1);
    assert_int_equal(code, CAIRN_ENOTFOUND);
    assert_int_equal(list_after(st, &t1, 3, ids, &code), -1);
    assert_int_equal(code, CAIRN_ENOTFOUND);
    assert_int_equal(list_after(st, &t1, 999, ids, &code), -1);   /* no such learner */
    assert_int_equal(code, CAIRN_ENOTFOUND);

    /* the key worker sees L2 only: L1 is no cursor, L2 is (an empty page) */
    assert_int_equal(list_after(st, &k1, 1, ids, &code), -1);
    assert_int_equal(code, CAIRN_ENOTFOUND);
    assert_int_equal(list_after(st, &k1, 2, ids, &code), 0);

    /* the leader pages through everyone, L3 included */
    assert_int_equal(list_after(st, &lead, 3, ids, &code), 3);
    assert_true(ids[0] == 2 && ids[1] == 1 && ids[2] == 4);
    test_store_drop(st);
}

/* A learner who left is never on the attention list, for any viewer or
** filter: the leader's list is L2, L1, L4 without L3 (who left with the
** highest score), a filter on L3's group or tier or flag leaves L3 out,
** and the tier counts do not count L3.  A learner who completed or
** transferred is left out the same way. */
static void test_departed_never_listed(void **state) {
    store *st = test_school_db(KIND(state), "departed", school_sql);
    cairn_err err = {0};
    assert_int_equal(store_exec(st, "UPDATE enrolment SET status = 'completed',"
                     " exit_date = '2025-03-20' WHERE id = 4", &err), 0);
    access_ctx lead = viewer(st, "leader", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    int64_t ids[8];
    int code;
    assert_int_equal(list_after(st, &lead, 0, ids, &code), 2);
    assert_true(ids[0] == 2 && ids[1] == 1);
    assert_int_equal(list_after(st, &lead, 2, ids, &code), 1);   /* after L2: L1 only */
    assert_int_equal(ids[0], 1);
    int32_t asof;
    assert_int_equal(date_parse("2025-03-14", 10, &asof), 0);
    risk_attention_filter f = {0};
    f.tier = 2;
    f.group_code = "G1";
    f.flag = "attendance_low";
    risk_attention_row *rows = NULL;
    size_t n = 9, total = 9, counts[RISK_TIER_COUNT];
    assert_int_equal(risk_read_attention(st, 1, asof, &f, 8, &rows, &n, &total, &err), 0);
    free(rows);
    assert_true(n == 0 && total == 0);
    f.tier = -1;
    f.group_code = NULL;
    assert_int_equal(risk_read_tier_counts(st, 1, asof, &f, counts, &err), 0);
    assert_true(counts[2] == 1 && counts[1] == 1 && counts[0] == 0);
    assert_int_equal(store_exec(st, "UPDATE enrolment SET status = 'transferred',"
                     " exit_date = '2025-03-20' WHERE id = 2", &err), 0);
    assert_int_equal(list_after(st, &lead, 0, ids, &code), 1);
    assert_int_equal(ids[0], 1);
    test_store_drop(st);
}

/* The learners of group G1 someone sees on its attendance list. */
static size_t group_list(store *st, const access_ctx *ctx, int64_t *out) {
    cairn_err err = {0};
    int32_t last, first;
    assert_int_equal(date_parse("2025-03-14", 10, &last), 0);
    buf pred = BUF_INIT;
    if (ctx) access_learner_predicate(ctx, "l.institution_id", "l.id", &pred);
    school_visibility vis = {buf_cstr(&pred), bind_access, ctx};
    school_group_week_row *rows = NULL;
    size_t n = 0;
    if (school_group_attendance_weeks(st, 1, 1, last, 8, ctx ? &vis : NULL, &first, &rows, &n,
                                      &err))
        fail_msg("%s", err.msg);
    buf_free(&pred);
    for (size_t i = 0; i < n && i < 8; i++) out[i] = rows[i].learner_id;
    free(rows);
    return n;
}

/* A teacher's group list leaves out the learner who left (whose page
** answers 403 to them); a leader's keeps them; no filter lists all. */
static void test_group_lists_visible_learners(void **state) {
    store *st = test_school_db(KIND(state), "grouplist", school_sql);
    access_ctx t1 = viewer(st, "teacher1", "T1", ACCESS_ROLE_TEACHER);
    access_ctx lead = viewer(st, "leader", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    int64_t ids[8];
    cairn_err err = {0};
    assert_int_equal(access_can_view_learner(&t1, 3, &err), 0);
    assert_int_equal(group_list(st, &t1, ids), 2);          /* by name: Four, One */
    assert_true(ids[0] == 4 && ids[1] == 1);
    assert_int_equal(group_list(st, &lead, ids), 3);
    assert_int_equal(group_list(st, NULL, ids), 3);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_cursor_is_a_visible_row),
        BOTH(test_group_lists_visible_learners),
        BOTH(test_departed_never_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
