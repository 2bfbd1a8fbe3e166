/*
** tests/unit/test_support.c — the support room: its migrations on a new
** database and on one made by cairn 0.1.0 (whose "web" migrations made
** these tables; tests/fixtures/upgrade/web_schema_0_1_0.inc), the demo
** caseload, and the audit chain (support/audit.h); on SQLite and
** PostgreSQL.  Acknowledgements and key workers are tested through the
** pages that use them in test_actions.c.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "risk/risk.h"
#include "school/school.h"
#include "support/audit.h"
#include "support/audit_internal.h"
#include "support/audit_read.h"
#include "support/demo.h"
#include "support/support.h"
#include "web/auth.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fixtures/upgrade/web_schema_0_1_0.inc"

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z'),"
    " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'K1', 'Kim', 'Keyone'), (1, 2, 'K2', 'Kai', 'Keytwo');"
    "INSERT INTO group_staff (institution_id, group_id, staff_id, role) VALUES"
    " (1, 1, 1, 'key_worker');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two'), (1, 3, 'L3', 'Cy', 'Three');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active'),"
    " (1, 2, 2, 1, 1, '2024-09-01', 'active'), (1, 3, 3, 1, 1, '2024-09-01', 'left_early');"
    "INSERT INTO account (id, username, display_name, disabled, institution_id, created_at,"
    " updated_at) VALUES (1, 'lead', 'Lead', 0, 1, 'now', 'now');";

/* Run sql; fail the test if it fails. */
static void exec_ok(store *st, const char *sql) {
    cairn_err err = {0};
    if (store_exec(st, sql, &err)) fail_msg("%s: %s", sql, err.msg);
}

/* The first column of sql's first row (sql takes no parameter). */
static int64_t count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* ---- migrations --------------------------------------------------------------------------- */

/* A database as cairn 0.1.0 left it: school tables, the school, and the
** first `web_versions` of 0.1.0's web migrations. */
static store *db_0_1_0(void **state, const char *name, size_t web_versions) {
    cairn_err err = {0};
    store *st = test_store_fresh(KIND(state), name);
    int pg = store_kind_of(st) == STORE_POSTGRES;
    if (school_migrate(st, NULL, &err) ||
        store_migrate(st, pg ? web_0_1_0_pg : web_0_1_0_sqlite, web_versions, NULL, &err))
        fail_msg("0.1.0 migrations: %s", err.msg);
    exec_ok(st, school_sql);
    return st;
}

/* A database of cairn 0.1.0 with rows in every support table upgrades by
** adopting both support migrations: nothing runs, every row stays, the
** chain verifies and takes new events, and a second run does nothing. */
static void test_migrate_from_0_1_0(void **state) {
    store *st = db_0_1_0(state, "support_up", 2);
    cairn_err err = {0};
    int applied = -1, n = 0;
    int64_t checked = 0, bad = 0;
    assert_int_equal(support_demo_caseload(st, 1, 1, 1, &n, &err), 0);
    assert_int_equal(n, 2);
    exec_ok(st, "INSERT INTO flag_acknowledgement (institution_id, id, learner_id, rule_code, asof,"
                " account_id, comment, at) VALUES (1, 1, 1, 'attendance_low', '2025-03-14', 1,"
                " 'Phoned home.', 'now');"
                "INSERT INTO learner_share (institution_id, learner_id, staff_id, shared_at)"
                " VALUES (1, 3, 2, 'now')");
    for (int i = 1; i <= 3; i++)   /* not views: 0.1.0 has no audit_reader to count them in */
        assert_int_equal(support_audit_append(st, 1, 1, "learner.export", i, "before", &err), 0);

    assert_int_equal(support_migrate(st, &applied, &err), 0);
    assert_int_equal(applied, 3);              /* both adopted, 3 (notices) run ... */
    assert_int_equal(count(st, "SELECT count(*) FROM schema_migration WHERE room = 'support'"), 3);
    assert_int_equal(web_migrate(st, &applied, &err), 0);
    assert_int_equal(applied, 2);              /* ... and web has 3 (API tokens) and 4 (list views) */
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment WHERE ended_at IS NULL"), 2);
    assert_int_equal(count(st, "SELECT count(*) FROM flag_acknowledgement"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM learner_share"), 1);
    assert_int_equal(support_audit_append(st, 1, 1, "learner.view", 1, "after", &err), 0);
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    assert_int_equal(checked, 4);
    assert_int_not_equal(store_exec(st, "DELETE FROM audit_event", &err), 0);   /* still refused */

    assert_int_equal(support_migrate(st, &applied, &err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(count(st, "SELECT count(*) FROM schema_migration"),
                     count(st, "SELECT count(*) FROM schema_migration WHERE room <> 'support'") + 3);
    test_store_drop(st);
}

/* A database that has only 0.1.0's web migration 1 (a build before
** acknowledgements): support 1 is adopted, support 2 runs for real. */
static void test_migrate_from_web_1(void **state) {
    store *st = db_0_1_0(state, "support_web1", 1);
    cairn_err err = {0};
    int applied = -1, n = 0;
    assert_int_equal(support_demo_caseload(st, 1, 1, 1, &n, &err), 0);
    exec_ok(st, "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at)"
                " VALUES (1, 1, 2, '2000-01-01T00:00:00Z')");      /* two for learner 1 */
    assert_int_equal(support_migrate(st, &applied, &err), 0);
    assert_int_equal(applied, 3);                   /* 1 adopted, 2 and 3 run */
    assert_int_equal(web_migrate(st, &applied, &err), 0);
    assert_int_equal(applied, 3);                   /* web 2 (now empty), 3 (tokens), 4 */
    assert_int_equal(count(st, "SELECT count(*) FROM flag_acknowledgement"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment"), 3);
    assert_int_equal(count(st, "SELECT count(*) FROM support_assignment WHERE ended_at IS NULL"), 2);
    test_store_drop(st);
}

/* A new database gets the tables from the support room, in either order
** with the web room's, and a second run does nothing. */
static void test_migrate_new(void **state) {
    for (int web_first = 0; web_first <= 1; web_first++) {
        cairn_err err = {0};
        store *st = test_store_fresh(KIND(state), web_first ? "support_new2" : "support_new1");
        int a = -1, b = -1;
        assert_int_equal(school_migrate(st, NULL, &err), 0);
        if (web_first) assert_int_equal(web_migrate(st, &b, &err), 0);
        assert_int_equal(support_migrate(st, &a, &err), 0);
        if (!web_first) assert_int_equal(web_migrate(st, &b, &err), 0);
        assert_int_equal(a, 3);
        assert_int_equal(b, 4);
        exec_ok(st, school_sql);
        int n = 0;
        assert_int_equal(support_demo_caseload(st, 1, 1, 1, &n, &err), 0);
        assert_int_equal(n, 2);                              /* active learners only */
        assert_int_equal(support_demo_caseload(st, 1, 1, 1, &n, &err), 0);   /* again: kept */
        assert_int_equal(count(st, "SELECT count(*) FROM support_assignment"), 2);
        assert_int_equal(support_migrate(st, &a, &err), 0);
        assert_int_equal(web_migrate(st, &b, &err), 0);
        assert_int_equal(a + b, 0);
        test_store_drop(st);
    }
}

/* ---- the audit chain (moved here from test_access.c) ------------------------------------- */

static void test_audit_chain(void **state) {
    store *st = test_school_db(KIND(state), "audit", school_sql);
    cairn_err err = {0};
    int64_t checked = -1, bad = -1, head = 0;
    char hash[CRYPTO_SHA256_HEX_LEN];
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);   /* empty is fine */
    assert_int_equal(checked, 0);
    assert_int_equal(support_audit_head(st, 1, &head, hash, &err), 0);
    assert_int_equal(head, 0);
    for (int i = 1; i <= 5; i++) {
        char detail[32];
        snprintf(detail, sizeof detail, "view %d", i);
        assert_int_equal(support_audit_append(st, 1, 7, "learner.view", i, detail, &err), 0);
    }
    assert_int_equal(support_audit_append(st, 2, 0, "learner.view", 1, NULL, &err), 0);   /* own chain */
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    assert_int_equal(checked, 5);
    assert_int_equal(support_audit_verify(st, 2, &checked, &bad, &err), 0);
    assert_int_equal(checked, 1);
    assert_int_equal(support_audit_head(st, 1, &head, hash, &err), 0);
    assert_int_equal(head, 5);
    assert_int_equal(strlen(hash), 64);
    /* bad input writes nothing */
    assert_int_equal(support_audit_append(st, 1, 7, "Learner View", 1, NULL, &err), -1);
    assert_int_equal(support_audit_append(st, 1, 7, "", 1, NULL, &err), -1);
    assert_int_equal(support_audit_append(st, 0, 7, "learner.view", 1, NULL, &err), -1);
    /* inside a caller's transaction it joins it, and a rollback takes it back */
    assert_int_equal(store_tx_begin_write(st, 1, &err), 0);
    assert_int_equal(support_audit_append(st, 1, 7, "learner.view", 1, "in tx", &err), 0);
    store_tx_rollback(st);
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    assert_int_equal(checked, 5);

    /* the database refuses changes ... */
    assert_int_not_equal(store_exec(st, "UPDATE audit_event SET detail = 'x' WHERE id = 3", &err), 0);
    assert_non_null(strstr(err.msg, "append-only"));
    assert_int_not_equal(store_exec(st, "DELETE FROM audit_event WHERE id = 3", &err), 0);
    /* ... and whoever goes around that is caught by the chain */
    if (store_kind_of(st) == STORE_POSTGRES)
        exec_ok(st, "DROP TRIGGER audit_event_append_only ON audit_event");
    else
        exec_ok(st, "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete");
    exec_ok(st, "UPDATE audit_event SET detail = 'view 33' WHERE institution_id = 1 AND id = 3");
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 1);
    assert_int_equal(bad, 3);
    assert_int_equal(checked, 2);
    assert_non_null(strstr(err.msg, "event 3 was changed"));
    assert_int_equal(support_audit_verify(st, 2, &checked, &bad, &err), 0);   /* the other chain is fine */
    exec_ok(st, "UPDATE audit_event SET detail = 'view 3' WHERE institution_id = 1 AND id = 3");
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    /* changing the learner is caught too */
    exec_ok(st, "UPDATE audit_event SET learner_id = 2 WHERE institution_id = 1 AND id = 4");
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 1);
    assert_int_equal(bad, 4);
    exec_ok(st, "UPDATE audit_event SET learner_id = 4 WHERE institution_id = 1 AND id = 4");
    /* a changed event with a correctly re-made hash (the layout of audit.h)
    ** still breaks the chain: the next event no longer follows it */
    store_stmt *q = store_prepare(st, "SELECT at, prev_hash FROM audit_event"
                                      " WHERE institution_id = 1 AND id = 2", &err);
    assert_non_null(q);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    buf b = BUF_INIT;
    buf_printf(&b, "cairn-audit-v1\n%s\n1\n2\n%s\n7\n12:learner.view\n2\n6:forged",
               store_col_text(q, 1), store_col_text(q, 0));
    store_finalize(q);
    char forged[CRYPTO_SHA256_HEX_LEN];
    crypto_sha256_hex(b.data, b.len, forged);
    buf_reset(&b);
    buf_printf(&b, "UPDATE audit_event SET detail = 'forged', hash = '%s'"
                   " WHERE institution_id = 1 AND id = 2", forged);
    exec_ok(st, buf_cstr(&b));
    buf_free(&b);
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 1);
    assert_int_equal(bad, 3);
    assert_non_null(strstr(err.msg, "event 3 does not follow"));
    test_store_drop(st);
    st = test_school_db(KIND(state), "audit2", school_sql);
    for (int i = 1; i <= 4; i++)
        assert_int_equal(support_audit_append(st, 1, 7, "learner.view", i, "", &err), 0);
    if (store_kind_of(st) == STORE_POSTGRES)
        exec_ok(st, "DROP TRIGGER audit_event_append_only ON audit_event");
    else
        exec_ok(st, "DROP TRIGGER audit_event_no_delete");
    exec_ok(st, "DELETE FROM audit_event WHERE institution_id = 1 AND id = 2");
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 1);
    assert_int_equal(bad, 2);
    assert_non_null(strstr(err.msg, "missing"));
    test_store_drop(st);
}

/* SQLite: the data protection officer's list filtered by a learner, a
** person or an action walks that filter's index in event order (audit
** series step 3 for the learner), not the whole chain from its end. */
static void test_audit_list_plan(void **state) {
    (void)state;
    store *st = test_school_db(STORE_SQLITE, "audit_plan", school_sql);
    const char *want[] = {"audit_event_by_learner", "audit_event_by_account",
                          "audit_event_by_action"};
    for (int k = 0; k < 3; k++) {
        support_audit_filter f;
        memset(&f, 0, sizeof f);
        if (k == 0) f.learner_id = 1;
        if (k == 1) f.account_id = 1;
        if (k == 2) str_copy(f.action, sizeof f.action, "case.view");
        buf sql = BUF_INIT, plan = BUF_INIT;
        support_audit_list_sql(&f, &sql);
        test_query_plan(st, buf_cstr(&sql), &plan);
        if (!strstr(buf_cstr(&plan), want[k]) || strstr(buf_cstr(&plan), "TEMP B-TREE"))
            fail_msg("filter %d: want %s in event order, got:\n%s", k, want[k], buf_cstr(&plan));
        buf_free(&sql);
        buf_free(&plan);
    }
    test_store_drop(st);
}

/* "Who has seen" kept as events are written (audit_reader) agrees with the
** events; the migration that makes it fills it from the events already
** there. */
static void test_audit_readers_kept(void **state) {
    store *st = test_school_db(KIND(state), "audit_readers", school_sql);
    cairn_err err = {0};
    exec_ok(st, "INSERT INTO account (id, username, display_name, disabled, institution_id,"
                " created_at, updated_at) VALUES (2, 'kw', 'Kim', 0, 1, 'now', 'now')");
    for (int i = 0; i < 6; i++) {
        support_audit_event ev = {.account_id = 1 + i % 2, .action = "case.view",
                                  .learner_id = 1 + i % 3, .record_kind = "case",
                                  .record_id = 1, .reason = "viewed"};
        assert_int_equal(support_audit_record(st, 1, &ev, &err), 0);
    }
    assert_int_equal(support_audit_append(st, 1, 1, "learner.export", 1, NULL, &err), 0);
    assert_int_equal(support_audit_append(st, 1, 0, "learner.view", 1, NULL, &err), 0);
    const char *agrees =
        "SELECT count(*) FROM (SELECT e.learner_id, e.account_id, count(*) AS n, max(e.at) AS l"
        " FROM audit_event e WHERE e.account_id IS NOT NULL AND e.learner_id IS NOT NULL"
        " AND (e.action LIKE '%.view' OR e.reason = 'viewed') GROUP BY 1, 2) v"
        " JOIN audit_reader r ON r.institution_id = 1 AND r.learner_id = v.learner_id"
        " AND r.account_id = v.account_id AND r.views = v.n AND r.last_at = v.l";
    assert_int_equal(count(st, "SELECT count(*) FROM audit_reader"), 6);
    assert_int_equal(count(st, agrees), 6);
    support_audit_reader *rd = NULL;
    size_t n = 0;
    assert_int_equal(support_audit_readers(st, 1, 1, 10, &rd, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rd[0].views + rd[1].views, 2);
    free(rd);
    /* the migration fills it from the events already there */
    exec_ok(st, "DROP TABLE audit_reader;"
                "DELETE FROM schema_migration WHERE room = 'audit' AND version = 2");
    assert_int_equal(support_migrate(st, NULL, &err), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM schema_migration WHERE room = 'audit'"), 3);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_reader"), 6);
    assert_int_equal(count(st, agrees), 6);
    test_store_drop(st);
}

/* An event written inside a read transaction (store_read_begin) is
** refused, saying why, and nothing is written: store_read_end's rollback
** would have taken it away. */
static void test_audit_not_in_read_tx(void **state) {
    store *st = test_school_db(KIND(state), "audit_read_tx", school_sql);
    cairn_err err = {0};
    int opened = 0;
    assert_int_equal(store_read_begin(st, &opened, &err), 0);
    assert_int_equal(opened, 1);
    assert_int_equal(store_in_read_tx(st), 1);
    assert_int_equal(support_audit_append(st, 1, 1, "learner.view", 1, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "read transaction"));
    store_read_end(st, opened);
    assert_int_equal(store_in_read_tx(st), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event"), 0);
    /* a write transaction still takes events with its change */
    assert_int_equal(store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + 1, &err), 0);
    assert_int_equal(store_in_read_tx(st), 0);
    assert_int_equal(support_audit_append(st, 1, 1, "learner.view", 1, NULL, &err), 0);
    assert_int_equal(store_tx_commit(st, &err), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event"), 1);
    test_store_drop(st);
}

/* ---- group commit (support/audit_group.c) --------------------------------------------------- */

#define GROUP_THREADS 8
#define GROUP_EVENTS  50

typedef struct group_worker {
    const char *url;
    int         n, ok;
} group_worker;

/* Write GROUP_EVENTS "viewed" events on a store of its own, alternating
** between institutions 1 and 2; ok = 1 when every write succeeded. */
static void *group_worker_run(void *arg) {
    group_worker *w = arg;
    store *st = NULL;
    cairn_err err = {0};
    w->ok = store_open(w->url, &st, &err) == 0;
    for (int i = 0; w->ok && i < GROUP_EVENTS; i++) {
        support_audit_event ev = {.account_id = 1, .action = "case.view",
                                  .learner_id = 1 + i % 3, .record_kind = "case",
                                  .record_id = w->n, .reason = "viewed"};
        if (support_audit_record(st, 1 + i % 2, &ev, &err) != 0) w->ok = 0;
    }
    if (st) store_close(st);
    return NULL;
}

/* Threads that view records at once through the group commit: every event
** is in its chain exactly once, both chains verify, and the head file
** follows each chain's end. */
static void test_audit_group(void **state) {
    store *st = test_school_db(KIND(state), "audit_group", school_sql);
    cairn_err err = {0};
    support_audit_group_serve(store_url(st));
    assert_int_equal(audit_group_serves(st), 1);
    group_worker w[GROUP_THREADS];
    pthread_t t[GROUP_THREADS];
    for (int i = 0; i < GROUP_THREADS; i++) {
        w[i] = (group_worker){.url = store_url(st), .n = i + 1};
        assert_int_equal(pthread_create(&t[i], NULL, group_worker_run, &w[i]), 0);
    }
    for (int i = 0; i < GROUP_THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_true(w[i].ok);
    }
    support_audit_group_serve(NULL);
    int64_t checked = 0, bad = 0;
    for (int inst = 1; inst <= 2; inst++) {
        assert_int_equal(support_audit_verify(st, inst, &checked, &bad, &err), 0);
        assert_int_equal(checked, GROUP_THREADS * GROUP_EVENTS / 2);
    }
    /* each thread's events, each once */
    for (int i = 1; i <= GROUP_THREADS; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(DISTINCT id * 10 + institution_id) FROM"
                 " audit_event WHERE record_id = %d AND action = 'case.view'", i);
        assert_int_equal(count(st, sql), GROUP_EVENTS);
    }
    assert_int_equal(count(st, "SELECT sum(views) FROM audit_reader"), GROUP_THREADS * GROUP_EVENTS);
    /* a store of another database does not join the group */
    support_audit_group_serve("/nonexistent/other.db");
    assert_int_equal(audit_group_serves(st), 0);
    support_audit_group_serve(NULL);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_migrate_from_0_1_0),
        BOTH(test_migrate_from_web_1),
        BOTH(test_migrate_new),
        BOTH(test_audit_chain),
        BOTH(test_audit_group),
        BOTH(test_audit_readers_kept),
        cmocka_unit_test(test_audit_list_plan),
        BOTH(test_audit_not_in_read_tx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
