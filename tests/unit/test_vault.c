/*
** tests/unit/test_vault.c — sealed columns and the audit trail on SQLite
** and PostgreSQL: acknowledgement comments sealed and read back, text from
** before sealing sealed by re-sealing, `cairn key rotate`'s work, no sealed
** plain text anywhere in the raw SQLite file (and its WAL) or in a pg_dump,
** and `cairn audit verify` finding an altered, deleted, inserted,
** reordered, truncated or appended event (edited as an attacker with
** database access would: the triggers dropped first).
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/actions.h"
#include "support/assessment.h"
#include "support/audit.h"
#include "support/audit_read.h"
#include "support/case.h"
#include "support/contract.h"
#include "support/plan.h"
#include "support/review.h"
#include "support/sealed.h"
#include "support/sealed_columns.h"
#include "support/setting.h"
#include "web/access.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z'),"
    " (2, 'TWO', 'School two', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1);"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active'),"
    " (1, 2, 2, 1, 1, '2024-09-01', 'active');"
    "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
    " VALUES (1, 1, '2025-01-01T00:00:00Z', 'test', '{}');"
    "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof, rule_set_version,"
    " tier, flags, reasons, features, input_hash, computed_at) VALUES"
    " (1, 1, 1, '2025-03-14', 1, 2, '[\"attendance_low\",\"failed_unit\"]', '{}', '{}', 'x', 'now'),"
    " (1, 2, 2, '2025-03-14', 1, 1, '[\"missing_work\"]', '{}', '{}', 'x', 'now');"
    "INSERT INTO account (id, username, display_name, disabled, institution_id, created_at,"
    " updated_at) VALUES (1, 'kw', 'Kim', 0, 1, 'now', 'now');";

/* Run sql; fail the test if it fails. */
static void exec_ok(store *st, const char *sql) {
    cairn_err err = {0};
    if (store_exec(st, sql, &err)) fail_msg("%s: %s", sql, err.msg);
}

/* The first column of sql's first row as text (caller frees). */
static char *text_of(store *st, const char *sql) {
    cairn_err err = {0};
    store_stmt *q = store_prepare(st, sql, &err);
    if (!q) fail_msg("%s: %s", sql, err.msg);
    if (store_step(q, &err) != STORE_ROW) fail_msg("%s: no row %s", sql, err.msg);
    char *s = strdup(store_col_text(q, 0) ? store_col_text(q, 0) : "");
    store_finalize(q);
    return s;
}

/* ---- sealed columns ------------------------------------------------------------------ */

/* An acknowledgement's comment is stored sealed and read back as written;
** a comment from before sealing reads as it is until re-sealing seals it;
** a rotation moves everything to a new key and retires the old one. */
static void test_ack_sealed_and_rotated(void **state) {
    store *st = test_school_db(KIND(state), "vault_ack", school_sql);
    cairn_err err = {0};
    support_problem p;
    support_ack a;
    assert_int_equal(support_flag_acknowledge(st, 1, 1, 1, "attendance_low", "Rang the mum.",
                                              &a, &p, &err), 0);
    char *stored = text_of(st, "SELECT comment FROM flag_acknowledgement WHERE id = 1");
    assert_true(support_text_is_sealed(stored));
    exec_ok(st, "INSERT INTO flag_acknowledgement (institution_id, id, learner_id, rule_code,"
                " asof, account_id, comment, at) VALUES (1, 2, 1, 'failed_unit', '2025-03-14',"
                " 1, 'Old plain note.', 'now')");
    support_ack *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_ack_list(st, 1, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].comment, "Old plain note.");
    assert_string_equal(rows[1].comment, "Rang the mum.");
    free(rows);
    support_reseal_counts c = {0};
    assert_int_equal(support_sealed_reseal_all(st, 1, &c, &err), 0);   /* batches of one */
    assert_int_equal(c.resealed, 1);
    assert_int_equal(c.plain, 1);
    assert_int_equal(c.remaining, 0);
    char *again = text_of(st, "SELECT comment FROM flag_acknowledgement WHERE id = 1");
    assert_string_equal(again, stored);   /* already under the current key: left alone */
    /* rotate: both rows under the new key, the old key gone */
    char id[SUPPORT_KEY_ID_LEN + 1], kid[SUPPORT_KEY_ID_LEN + 1];
    int retired = 0;
    memset(&c, 0, sizeof c);
    assert_int_equal(support_key_rotate(st, 1, id, &c, &retired, &err), 0);
    assert_int_equal(c.resealed, 2);
    assert_int_equal(retired, 1);
    for (int i = 1; i <= 2; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT comment FROM flag_acknowledgement WHERE id = %d", i);
        char *v = text_of(st, sql);
        assert_int_equal(support_text_key_id(v, kid), 0);
        assert_string_equal(kid, id);
        free(v);
    }
    assert_int_equal(support_ack_list(st, 1, 1, &rows, &n, &err), 0);
    assert_string_equal(rows[0].comment, "Old plain note.");
    assert_string_equal(rows[1].comment, "Rang the mum.");
    free(rows);
    /* the text under the retired key no longer opens */
    buf out = BUF_INIT;
    assert_int_equal(support_text_open(st, 1, stored, &out, &err), -1);
    buf_free(&out);
    /* a value that cannot be opened keeps the old keys and says so */
    exec_ok(st, "INSERT INTO flag_acknowledgement (institution_id, id, learner_id, rule_code,"
                " asof, account_id, comment, at) VALUES (1, 3, 1, 'failed_unit', '2025-03-14',"
                " 1, 's1:00000000:AAAA', 'now')");
    memset(&c, 0, sizeof c);
    assert_int_equal(support_key_rotate(st, 0, id, &c, &retired, &err), 1);
    assert_int_equal(c.failed, 1);
    assert_int_equal(c.remaining, 1);
    assert_int_equal(retired, 0);
    buf ids = BUF_INIT;
    assert_int_equal(support_key_list(st, &ids, &err), 0);
    assert_non_null(strchr(ids.data, ' '));   /* two keys kept */
    buf_free(&ids);
    free(stored), free(again);
    test_store_drop(st);
}

/* Every registered column is re-sealed (the consent room's too), and an
** empty value ("no note") stays empty. */
static void test_registry_columns(void **state) {
    store *st = test_school_db(KIND(state), "vault_reg", school_sql);
    cairn_err err = {0};
    exec_ok(st, "INSERT INTO consent (institution_id, id, learner_id, purpose, recipient,"
                " categories, valid_from, given_by, method, note, recorded_at) VALUES"
                " (1, 1, 1, 'early_warning', '', 'attendance', '2025-01-01', 'learner',"
                " 'paper', 'Plain consent note', 'now'),"
                " (1, 2, 2, 'early_warning', '', 'attendance', '2025-01-01', 'learner',"
                " 'paper', '', 'now');"
                "INSERT INTO legal_hold (institution_id, id, learner_id, reason, placed_at)"
                " VALUES (1, 1, 1, 'Plain hold reason', 'now')");
    support_reseal_counts c = {0};
    assert_int_equal(support_sealed_reseal_all(st, 0, &c, &err), 0);
    assert_int_equal(c.plain, 2);
    assert_int_equal(c.remaining, 0);
    char *n1 = text_of(st, "SELECT note FROM consent WHERE id = 1");
    char *n2 = text_of(st, "SELECT note FROM consent WHERE id = 2");
    char *h = text_of(st, "SELECT reason FROM legal_hold WHERE id = 1");
    assert_true(support_text_is_sealed(n1));
    assert_string_equal(n2, "");
    assert_true(support_text_is_sealed(h));
    buf out = BUF_INIT;
    assert_int_equal(support_text_open(st, 1, h, &out, &err), 0);
    assert_string_equal(out.data, "Plain hold reason");
    buf_free(&out);
    free(n1), free(n2), free(h);
    test_store_drop(st);
}

/* The case room's texts are registered too: a case's reason and outcome
** reason, its history (keyed by case and sequence: re-sealed one row at a
** time here, so the two-column keyset is walked), a follow-up's title but
** not a standard task's, a handover's reason and answer, a conference's
** notes.  After a rotation every one opens to what was written and the old
** key is gone. */
static void test_case_texts_rotated(void **state) {
    store *st = test_school_db(KIND(state), "vault_case", school_sql);
    cairn_err err = {0};
    exec_ok(st, "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
                " (1, 1, 'S1', 'Kim', 'Worker');"
                "INSERT INTO support_case (institution_id, id, learner_id, key_worker_id, state,"
                " tier, source, reason, outcome, outcome_reason, opened_by, opened_at, closed_at,"
                " updated_at) VALUES (1, 1, 1, 1, 'closed', 1, 'teacher', 'Case reason text',"
                " 'returned', 'Outcome reason text', 1, 'now', 'now', 'now');"
                "INSERT INTO case_history (institution_id, case_id, seq, at, account_id, kind,"
                " from_value, to_value, reason) VALUES"
                " (1, 1, 1, 'now', 1, 'open', '', 'open', 'History one'),"
                " (1, 1, 2, 'now', 1, 'step', 'open', 'assessment', 'History two'),"
                " (1, 1, 3, 'now', 1, 'step', 'assessment', 'closed', '');"
                "INSERT INTO case_task (institution_id, id, case_id, kind, title, owner_id,"
                " due_on, created_at) VALUES"
                " (1, 1, 1, 'first_contact', 'First contact', 1, '2025-03-20', 'now'),"
                " (1, 2, 1, 'follow_up', 'Follow-up title text', 1, '2025-03-20', 'now');"
                "INSERT INTO case_transfer (institution_id, id, case_id, from_staff, to_staff,"
                " state, reason, asked_by, asked_at, answered_by, answered_at, answer) VALUES"
                " (1, 1, 1, 1, 1, 'declined', 'Handover reason text', 1, 'now', 1, 'now',"
                " 'Handover answer text');"
                "INSERT INTO case_conference (institution_id, id, case_id, held_on, domains,"
                " notes, recorded_by, recorded_at) VALUES"
                " (1, 1, 1, '2025-03-18', 'money', 'Conference notes text', 1, 'now')");
    static const char *const sealed[][2] = {
        {"SELECT reason FROM support_case WHERE id = 1", "Case reason text"},
        {"SELECT outcome_reason FROM support_case WHERE id = 1", "Outcome reason text"},
        {"SELECT reason FROM case_history WHERE case_id = 1 AND seq = 1", "History one"},
        {"SELECT reason FROM case_history WHERE case_id = 1 AND seq = 2", "History two"},
        {"SELECT title FROM case_task WHERE id = 2", "Follow-up title text"},
        {"SELECT reason FROM case_transfer WHERE id = 1", "Handover reason text"},
        {"SELECT answer FROM case_transfer WHERE id = 1", "Handover answer text"},
        {"SELECT notes FROM case_conference WHERE id = 1", "Conference notes text"},
    };
    const size_t nsealed = sizeof sealed / sizeof *sealed;
    support_reseal_counts c = {0};
    assert_int_equal(support_sealed_reseal_all(st, 1, &c, &err), 0);   /* batches of one */
    assert_int_equal(c.plain, (int64_t)nsealed);
    assert_int_equal(c.remaining, 0);
    int retired = 0;
    assert_int_equal(support_key_rotate(st, 1, NULL, &c, &retired, &err), 0);
    assert_int_equal(retired, 1);
    for (size_t i = 0; i < nsealed; i++) {
        char *v = text_of(st, sealed[i][0]);
        if (!support_text_is_sealed(v)) fail_msg("%s: not sealed: %s", sealed[i][0], v);
        buf out = BUF_INIT;
        assert_int_equal(support_text_open(st, 1, v, &out, &err), 0);
        assert_string_equal(out.data, sealed[i][1]);
        buf_free(&out);
        free(v);
    }
    char *plain = text_of(st, "SELECT title FROM case_task WHERE id = 1");
    assert_string_equal(plain, "First contact");            /* a standard task's name stays */
    free(plain);
    char *empty = text_of(st, "SELECT reason FROM case_history WHERE case_id = 1 AND seq = 3");
    assert_string_equal(empty, "");
    free(empty);
    test_store_drop(st);
}

typedef struct ack_writer {
    const char *url;
    int written, failed;
} ack_writer;

/* Acknowledge a flag 60 times through a connection of its own. */
static void *ack_writer_run(void *arg) {
    ack_writer *w = arg;
    store *st = NULL;
    cairn_err err = {0};
    if (store_open(w->url, &st, &err) < 0) {
        w->failed = 1;
        return NULL;
    }
    for (int i = 0; i < 60; i++) {
        char text[48];
        support_problem p;
        snprintf(text, sizeof text, "written during the rotation %d", i);
        if (support_flag_acknowledge(st, 1, 1, 2, "missing_work", text, NULL, &p, &err) == 0)
            w->written++;
        else
            w->failed++;
    }
    store_close(st);
    return NULL;
}

/* A rotation while another connection keeps writing sealed comments: it
** finishes, retires the old key, and every comment opens afterwards,
** whatever the interleaving. */
static void test_rotate_while_writing(void **state) {
    store *st = test_school_db(KIND(state), "vault_busy", school_sql);
    cairn_err err = {0};
    support_problem p;
    for (int i = 0; i < 20; i++)
        assert_int_equal(support_flag_acknowledge(st, 1, 1, 1, "attendance_low", "before",
                                                  NULL, &p, &err), 0);
    ack_writer w = {.url = test_store_url(st)};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, ack_writer_run, &w), 0);
    int retired = 0;
    support_reseal_counts c = {0};
    int rc = support_key_rotate(st, 7, NULL, &c, &retired, &err);
    pthread_join(t, NULL);
    if (rc != 0) fail_msg("rotate: %s", err.msg);
    assert_int_equal(retired, 1);
    assert_int_equal(w.failed, 0);
    assert_int_equal(w.written, 60);
    support_ack *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_ack_list(st, 1, 2, &rows, &n, &err), 0);
    assert_int_equal(n, 60);
    free(rows);
    assert_int_equal(support_ack_list(st, 1, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 20);
    free(rows);
    test_store_drop(st);
}

/* 1 if needle occurs in the n bytes at hay. */
static int bytes_have(const char *hay, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0) return 1;
    return 0;
}

/* All of path's bytes appended to b (a missing file adds nothing). */
static void slurp(const char *path, buf *b) {
    FILE *f = fopen(path, "rb");
    if (!f) return;
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(b, chunk, k);
    fclose(f);
}

/* The database's bytes as an attacker with a copy would see them: the
** SQLite file and its WAL, or a plain pg_dump of the PostgreSQL database. */
static void raw_bytes(store *st, buf *b) {
    const char *url = test_store_url(st);
    if (store_kind_of(st) == STORE_SQLITE) {
        buf wal = BUF_INIT;
        buf_printf(&wal, "%s-wal", url);
        slurp(url, b);
        slurp(wal.data, b);
        buf_free(&wal);
        return;
    }
    buf cmd = BUF_INIT;
    buf_printf(&cmd, "PGDUMP=$(command -v pg_dump || ls -d /usr/lib/postgresql/*/bin/pg_dump"
                     " | sort -V | tail -n 1) && \"$PGDUMP\" --no-owner -d '%s'", url);
    FILE *p = popen(cmd.data, "r");
    assert_non_null(p);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, p)) > 0) buf_append(b, chunk, k);
    assert_int_equal(pclose(p), 0);
    buf_free(&cmd);
}

/* Write to case_id a goal, a closed goal, a reason for "not now" and a
** recovery note (support/plan.h), each text with a random token, into
** texts[0..7). */
static void plan_texts_write(store *st, int64_t case_id, char texts[7][80]) {
    cairn_err err = {0};
    for (int i = 0; i < 7; i++) {
        char tok[17];
        crypto_random_token(tok, 8);
        snprintf(texts[i], 80, "Goal text %s: sleeps at a friend's, %d", tok, i);
    }
    char due[DATE_TEXT_LEN];
    date_format(date_today() + 30, due);
    const unsigned view = SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    support_goal_spec g = {0, "health", "housing", texts[0], "nights at home of 7", "2", "6", due,
                           texts[1], texts[2], 0, texts[3], 0};
    support_plan_problem p;
    int64_t id = 0;
    assert_int_equal(support_goal_add(st, 1, 1, view, case_id, &g, NULL, &id, &p, &err), 0);
    assert_int_equal(support_goal_close(st, 1, 1, view, case_id, id, SUPPORT_GOAL_DROPPED, texts[4],
                                        NULL, &p, &err), 0);
    assert_int_equal(support_not_now_set(st, 1, 1, view, case_id, "money", texts[5], NULL, &p,
                                         &err), 0);
    assert_int_equal(support_plan_recovery_set(st, 1, 1, view, case_id, texts[6], NULL, &p, &err),
                     0);
}

/* Record a review of case_id (made monitored) whose words hold a random
** token, into text (support/review.h). */
static void review_text_write(store *st, int64_t case_id, char text[80]) {
    cairn_err err = {0};
    char tok[17];
    crypto_random_token(tok, 8);
    snprintf(text, 80, "Review text %s: the room is settled", tok);
    exec_ok(st, "UPDATE support_case SET state = 'monitoring' WHERE institution_id = 1");
    support_review_spec spec = {date_today(), text, SUPPORT_REVIEW_CONTINUE, 0, NULL, 0, 0, 0};
    support_review_problem p;
    assert_int_equal(support_review_add(st, 1, 1, SUPPORT_CASE_REL_KEY_WORKER, case_id, &spec,
                                        NULL, NULL, &p, &err), 0);
}

/* Every comment written is found by the test's own search in the raw bytes
** when stored plain (the search works), and never once sealed. */
static void test_no_plaintext_at_rest(void **state) {
    store *st = test_school_db(KIND(state), "vault_raw", school_sql);
    cairn_err err = {0};
    char texts[9][80];
    for (int i = 0; i < 9; i++) {
        char tok[17];
        crypto_random_token(tok, 8);
        snprintf(texts[i], sizeof texts[i], "Plaintext %s: worried about home, %d", tok, i);
        if (i >= 6) continue;
        support_problem p;
        const char *flag = i % 2 ? "attendance_low" : "failed_unit";
        assert_int_equal(support_flag_acknowledge(st, 1, 1, 1, flag, texts[i], NULL, &p, &err), 0);
    }
    /* a needs assessment's strengths, comment and note (support/assessment.c) */
    exec_ok(st, "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
                " (1, 1, 'K1', 'Kim', 'Key')");
    exec_ok(st, "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at)"
                " VALUES (1, 1, 1, '2025-01-01T00:00:00Z')");
    support_case_open_spec cs = {1, 1, SUPPORT_CASE_FROM_FLAG, "Missed March.", -1, 0};
    support_case_problem cp;
    int64_t case_id = 0;
    assert_int_equal(support_case_open(st, 1, 1, &cs, "2025-03-03T09:00:00Z", &case_id, &cp, &err),
                     0);
    support_assessment_spec as;
    memset(&as, 0, sizeof as);
    as.assessed_on = date_from_ymd(2025, 3, 10);
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) as.need[d] = as.own[d] = -1;
    as.need[5] = 2;
    as.strengths[5] = texts[6];
    as.comment[5] = texts[7];
    as.note = texts[8];
    support_assessment_problem ap;
    int dom;
    assert_int_equal(support_assessment_add(st, 1, 1, SUPPORT_CASE_REL_KEY_WORKER, case_id, &as,
                                            "2025-03-10T10:00:00Z", NULL, &ap, &dom, &err), 0);
    char goal_texts[7][80];   /* plans and goals (support/plan.h), on the same case */
    plan_texts_write(st, case_id, goal_texts);
    char review_text[80];   /* a review's words (support/review.h), on the same case */
    review_text_write(st, case_id, review_text);
    /* a learner contract: its commitments, its text and a signer's name */
    char ctexts[3][80];
    for (int i = 0; i < 3; i++) {
        char tok[17];
        crypto_random_token(tok, 8);
        snprintf(ctexts[i], sizeof ctexts[i], "Contract %s: tutoring and lessons, %d", tok, i);
    }
    exec_ok(st, "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
                " (1, 3, 'K3', 'Kim', 'Keyone')");
    support_case_open_spec cs2 = {2, 3, SUPPORT_CASE_FROM_TEACHER, "A concern.", -1, 0};
    support_case_problem cp2;
    int64_t case2 = 0;
    assert_int_equal(support_case_open(st, 1, 1, &cs2, NULL, &case2, &cp2, &err), 0);
    contract_parts parts = {ctexts[0], ctexts[1], 0, 0};
    contract_problem kp;
    assert_int_equal(support_contract_draft_save(st, 1, 1, SUPPORT_CASE_REL_KEY_WORKER, case2,
                                                 &parts, NULL, "en", NULL, NULL, &kp, &err), 0);
    char csha[CRYPTO_SHA256_HEX_LEN];
    char *cs_val = text_of(st, "SELECT sha256 FROM contract_version");
    snprintf(csha, sizeof csha, "%s", cs_val);
    free(cs_val);
    contract_sign_spec sg = {CONTRACT_ROLE_LEARNER, CONTRACT_ON_SCREEN, ctexts[2], csha, NULL};
    assert_int_equal(support_contract_sign(st, 1, 1, SUPPORT_CASE_REL_KEY_WORKER, case2, &sg,
                                           NULL, NULL, &kp, &err), 0);
    /* one plain row written behind cairn's back, to show the search finds it */
    exec_ok(st, "INSERT INTO flag_acknowledgement (institution_id, id, learner_id, rule_code,"
                " asof, account_id, comment, at) VALUES (1, 99, 2, 'missing_work',"
                " '2025-03-14', 1, 'Canary plain text 4711', 'now')");
    buf raw = BUF_INIT;
    raw_bytes(st, &raw);
    assert_true(raw.len > 1000);
    assert_true(bytes_have(raw.data, raw.len, "Canary plain text 4711"));
    for (int i = 0; i < 9; i++) {
        if (bytes_have(raw.data, raw.len, texts[i])) fail_msg("found in the raw bytes: %s", texts[i]);
        assert_false(bytes_have(raw.data, raw.len, strchr(texts[i], ':') + 2));
    }
    for (int i = 0; i < 3; i++)
        if (bytes_have(raw.data, raw.len, strchr(ctexts[i], ' ') + 1))
            fail_msg("found in the raw bytes: %s", ctexts[i]);
    for (int i = 0; i < 7; i++)
        if (bytes_have(raw.data, raw.len, goal_texts[i]))
            fail_msg("found in the raw bytes: %s", goal_texts[i]);
    if (bytes_have(raw.data, raw.len, review_text))
        fail_msg("found in the raw bytes: %s", review_text);
    /* and after a rotation (which rewrites every row) still none, and the
    ** canary is sealed too */
    assert_int_equal(support_key_rotate(st, 0, NULL, NULL, NULL, &err), 0);
    exec_ok(st, store_kind_of(st) == STORE_SQLITE ? "PRAGMA wal_checkpoint(TRUNCATE)" : "VACUUM");
    buf_reset(&raw);
    raw_bytes(st, &raw);
    for (int i = 0; i < 9; i++) assert_false(bytes_have(raw.data, raw.len, texts[i]));
    for (int i = 0; i < 3; i++) assert_false(bytes_have(raw.data, raw.len, ctexts[i]));
    for (int i = 0; i < 7; i++) assert_false(bytes_have(raw.data, raw.len, goal_texts[i]));
    assert_false(bytes_have(raw.data, raw.len, review_text));
    if (store_kind_of(st) == STORE_POSTGRES)   /* a dump has only live rows */
        assert_false(bytes_have(raw.data, raw.len, "Canary plain text 4711"));
    buf_free(&raw);
    test_store_drop(st);
}

/* A case's reason, a close request's reason and a leader's answer to it
** (support/case_approval.c) are nowhere in the raw bytes, before and after
** a key rotation. */
static void test_case_approval_at_rest(void **state) {
    store *st = test_school_db(KIND(state), "vault_approval", school_sql);
    cairn_err err = {0};
    exec_ok(st, "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title)"
                " VALUES (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor'),"
                " (1, 6, 'H1', 'Hana', 'Head', 'head');"
                "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at)"
                " VALUES (1, 1, 3, '2025-01-01T00:00:00Z')");
    int64_t kw = test_account_add(st, "kwthree", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    int64_t head = test_account_add(st, "head", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    char texts[3][80];
    for (int i = 0; i < 3; i++) {
        char tok[17];
        crypto_random_token(tok, 8);
        snprintf(texts[i], sizeof texts[i], "Case plaintext %s: her aunt in Graz, %d", tok, i);
    }
    support_case_problem p;
    int64_t id = 0;
    support_case_open_spec spec = {1, 0, SUPPORT_CASE_FROM_FLAG, texts[0], -1, 0};
    assert_int_equal(support_case_open(st, 1, kw, &spec, NULL, &id, &p, &err), 0);
    assert_int_equal(support_setting_set(st, 1, 0, SUPPORT_CASE_APPROVAL_CLOSE, "1", &err), 0);
    assert_int_equal(support_case_step_take(st, 1, kw, SUPPORT_CASE_REL_KEY_WORKER, id, "close",
                                            texts[1], SUPPORT_CASE_MOVED, NULL, &p, &err), 0);
    assert_int_equal(support_case_approval_answer(st, 1, head, SUPPORT_CASE_REL_LEADER, id, 0,
                                                  texts[2], NULL, &p, &err), 0);
    buf raw = BUF_INIT;
    for (int round = 0; round < 2; round++) {
        if (round) {
            assert_int_equal(support_key_rotate(st, 0, NULL, NULL, NULL, &err), 0);
            exec_ok(st, store_kind_of(st) == STORE_SQLITE ? "PRAGMA wal_checkpoint(TRUNCATE)"
                                                          : "VACUUM");
        }
        buf_reset(&raw);
        raw_bytes(st, &raw);
        assert_true(raw.len > 1000);
        for (int i = 0; i < 3; i++)
            if (bytes_have(raw.data, raw.len, strchr(texts[i], ':') + 2))
                fail_msg("found in the raw bytes: %s", texts[i]);
        for (int i = 0; i < 3; i++) assert_false(bytes_have(raw.data, raw.len, texts[i]));
    }
    buf_free(&raw);
    support_case_approval a;
    assert_int_equal(support_case_approval_pending(st, 1, id, 1, &a, &err), 0);
    test_store_drop(st);
}

/* ---- the audit trail -------------------------------------------------------------------- */

/* A school with six events in institution 1's chain, triggers dropped. */
static store *audit_db(void **state, const char *name) {
    store *st = test_school_db(KIND(state), name, school_sql);
    cairn_err err = {0};
    for (int i = 1; i <= 6; i++) {
        support_audit_event ev = {.account_id = 1, .action = i % 2 ? "case.view" : "case.note_add",
                                  .learner_id = 1, .record_kind = "case", .record_id = 10 + i,
                                  .reason = i % 2 ? "viewed" : "new note"};
        assert_int_equal(support_audit_record(st, 1, &ev, &err), 0);
    }
    int64_t checked = 0, bad = 0, head = 0;
    char hash[CRYPTO_SHA256_HEX_LEN];
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    assert_int_equal(checked, 6);
    assert_int_equal(support_audit_head_file(st, 1, &head, hash, &err), 1);
    assert_int_equal(head, 6);
    if (store_kind_of(st) == STORE_POSTGRES)
        exec_ok(st, "DROP TRIGGER audit_event_append_only ON audit_event;"
                    "DROP TRIGGER audit_event_no_truncate ON audit_event");
    else
        exec_ok(st, "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete");
    return st;
}

/* Verify: must be broken at event bad with msg in the message. */
static void verify_broken(store *st, int64_t want_bad, const char *msg) {
    cairn_err err = {0};
    int64_t checked = 0, bad = 0;
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 1);
    if (!strstr(err.msg, msg)) fail_msg("verify said: %s (wanted \"%s\")", err.msg, msg);
    assert_int_equal(bad, want_bad);
}

/* Insert a well-made version 2 event id after prev (an attacker who knows
** the layout of audit.h). */
static void forge(store *st, int64_t id, const char *prev, char out[CRYPTO_SHA256_HEX_LEN]) {
    buf b = BUF_INIT;
    buf_printf(&b, "cairn-audit-v2\n%s\n1\n%lld\n2025-01-01T00:00:00Z\n1\n9:case.view\n2"
                   "\n4:case\n99\n6:viewed\n0:", prev, (long long)id);
    crypto_sha256_hex(b.data, b.len, out);
    buf_reset(&b);
    buf_printf(&b, "INSERT INTO audit_event (institution_id, id, at, account_id, action,"
                   " learner_id, detail, prev_hash, hash, version, record_kind, record_id, reason)"
                   " VALUES (1, %lld, '2025-01-01T00:00:00Z', 1, 'case.view', 2, '', '%s', '%s',"
                   " 2, 'case', 99, 'viewed')", (long long)id, prev, out);
    exec_ok(st, b.data);
    buf_free(&b);
}

static void test_audit_altered(void **state) {
    store *st = audit_db(state, "vault_alt");
    exec_ok(st, "UPDATE audit_event SET reason = 'routine' WHERE institution_id = 1 AND id = 3");
    verify_broken(st, 3, "event 3 was changed");
    exec_ok(st, "UPDATE audit_event SET reason = 'viewed', record_id = 12"
                " WHERE institution_id = 1 AND id = 3");
    verify_broken(st, 3, "event 3 was changed");
    test_store_drop(st);
}

static void test_audit_deleted(void **state) {
    store *st = audit_db(state, "vault_del");
    exec_ok(st, "DELETE FROM audit_event WHERE institution_id = 1 AND id = 3");
    verify_broken(st, 3, "event 3 is missing");
    test_store_drop(st);
}

static void test_audit_inserted(void **state) {
    store *st = audit_db(state, "vault_ins");
    /* make room after event 3 and put a well-made event there */
    exec_ok(st, "UPDATE audit_event SET id = id + 100 WHERE institution_id = 1 AND id > 3;"
                "UPDATE audit_event SET id = id - 99 WHERE institution_id = 1 AND id > 100");
    char *prev = text_of(st, "SELECT hash FROM audit_event WHERE institution_id = 1 AND id = 3");
    char h[CRYPTO_SHA256_HEX_LEN];
    forge(st, 4, prev, h);
    verify_broken(st, 5, "event 5 does not follow");
    free(prev);
    test_store_drop(st);
}

static void test_audit_reordered(void **state) {
    store *st = audit_db(state, "vault_ord");
    exec_ok(st, "UPDATE audit_event SET id = 100 WHERE institution_id = 1 AND id = 4;"
                "UPDATE audit_event SET id = 4 WHERE institution_id = 1 AND id = 5;"
                "UPDATE audit_event SET id = 5 WHERE institution_id = 1 AND id = 100");
    verify_broken(st, 4, "event 4 does not follow");
    test_store_drop(st);
}

static void test_audit_truncated(void **state) {
    store *st = audit_db(state, "vault_trunc");
    exec_ok(st, "DELETE FROM audit_event WHERE institution_id = 1 AND id >= 5");
    verify_broken(st, 5, "the newest events are missing");
    /* all of it, too */
    exec_ok(st, store_kind_of(st) == STORE_POSTGRES ? "TRUNCATE audit_event"
                                                    : "DELETE FROM audit_event");
    verify_broken(st, 1, "the newest events are missing");
    test_store_drop(st);
}

static void test_audit_appended_and_rewritten(void **state) {
    store *st = audit_db(state, "vault_app");
    cairn_err err = {0};
    char *prev = text_of(st, "SELECT hash FROM audit_event WHERE institution_id = 1 AND id = 6");
    char h[CRYPTO_SHA256_HEX_LEN];
    forge(st, 7, prev, h);
    verify_broken(st, 7, "events 7 to 7 are not in the head file");
    /* a whole chain rewritten consistently from event 6 on */
    exec_ok(st, "DELETE FROM audit_event WHERE institution_id = 1 AND id >= 6");
    char *p5 = text_of(st, "SELECT hash FROM audit_event WHERE institution_id = 1 AND id = 5");
    forge(st, 6, p5, h);
    verify_broken(st, 6, "event 6 is not the one the head file records");
    /* after a restore the head is reset from an intact chain, and holds */
    assert_int_equal(support_audit_head_reset(st, 1, &err), 0);
    int64_t checked = 0, bad = 0;
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    assert_int_equal(checked, 6);
    /* a broken chain is refused */
    exec_ok(st, "UPDATE audit_event SET reason = 'x' WHERE institution_id = 1 AND id = 2");
    assert_int_equal(support_audit_head_reset(st, 1, &err), 1);
    free(prev), free(p5);
    test_store_drop(st);
}

/* The old function still writes (version 1 events) and both kinds chain;
** a rolled-back event leaves the head file alone. */
static void test_audit_mixed_versions(void **state) {
    store *st = test_school_db(KIND(state), "vault_mix", school_sql);
    cairn_err err = {0};
    assert_int_equal(support_audit_append(st, 1, 1, "learner.view", 1, "old style", &err), 0);
    support_audit_event ev = {.account_id = 1, .action = "case.view", .learner_id = 1,
                              .record_kind = "case", .record_id = 5, .reason = "viewed"};
    assert_int_equal(support_audit_record(st, 1, &ev, &err), 0);
    assert_int_equal(support_audit_append(st, 1, 0, "learner.view", 2, NULL, &err), 0);
    assert_int_equal(store_tx_begin_write(st, 1, &err), 0);
    assert_int_equal(support_audit_record(st, 1, &ev, &err), 0);
    store_tx_rollback(st);
    int64_t checked = 0, bad = 0, head = 0;
    char hash[CRYPTO_SHA256_HEX_LEN];
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    assert_int_equal(checked, 3);
    assert_int_equal(support_audit_head_file(st, 1, &head, hash, &err), 1);
    assert_int_equal(head, 3);
    char *v = text_of(st, "SELECT version FROM audit_event WHERE institution_id = 1 AND id = 2");
    assert_string_equal(v, "2");
    free(v);
    /* a reason slipped into a version 1 event (whose hash does not cover
    ** it) is caught too */
    if (store_kind_of(st) == STORE_POSTGRES)
        exec_ok(st, "DROP TRIGGER audit_event_append_only ON audit_event");
    else
        exec_ok(st, "DROP TRIGGER audit_event_no_update");
    exec_ok(st, "UPDATE audit_event SET reason = 'routine' WHERE institution_id = 1 AND id = 1");
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 1);
    assert_int_equal(bad, 1);
    exec_ok(st, "UPDATE audit_event SET reason = NULL WHERE institution_id = 1 AND id = 1");
    assert_int_equal(support_audit_verify(st, 1, &checked, &bad, &err), 0);
    /* bad record kinds and reasons are refused */
    ev.record_kind = "Case Note";
    assert_int_equal(support_audit_record(st, 1, &ev, &err), -1);
    test_store_drop(st);
}

/* The data protection officer's list: each filter, paging, and the
** readers of a learner's record. */
static void test_audit_read(void **state) {
    store *st = test_school_db(KIND(state), "vault_read", school_sql);
    cairn_err err = {0};
    exec_ok(st, "INSERT INTO account (id, username, display_name, disabled, institution_id,"
                " created_at, updated_at) VALUES (2, 'lead', 'Lee', 0, 1, 'now', 'now')");
    for (int i = 0; i < 7; i++) {
        support_audit_event ev = {.account_id = 1 + i % 2, .action = i == 6 ? "flag.acknowledge"
                                                                         : "learner.view",
                                  .learner_id = 1 + (i >= 4), .record_kind = "learner",
                                  .record_id = 1 + (i >= 4), .reason = "viewed"};
        assert_int_equal(support_audit_record(st, 1, &ev, &err), 0);
    }
    assert_int_equal(support_audit_append(st, 1, 0, "learner.view", 1, "cli", &err), 0);
    support_audit_filter f;
    memset(&f, 0, sizeof f);
    support_audit_row *rows = NULL;
    size_t n = 0;
    int more = 0;
    assert_int_equal(support_audit_list(st, 1, &f, 0, 5, &rows, &n, &more, &err), 0);
    assert_int_equal(n, 5);
    assert_int_equal(more, 1);
    assert_int_equal(rows[0].id, 8);               /* newest first */
    assert_int_equal(rows[0].account_id, 0);
    assert_string_equal(rows[1].action, "flag.acknowledge");
    assert_string_equal(rows[1].who, "Kim");
    assert_string_equal(rows[1].learner, "Ben Two");
    free(rows);
    assert_int_equal(support_audit_list(st, 1, &f, 5, 5, &rows, &n, &more, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(more, 0);
    free(rows);
    int64_t lid = 0, aid = 0;
    assert_int_equal(support_audit_filter_resolve(st, 1, "L1", "lead", &lid, &aid, &err), 0);
    assert_int_equal(lid, 1);
    assert_int_equal(aid, 2);
    assert_int_equal(support_audit_filter_resolve(st, 1, "NO", "nobody", &lid, &aid, &err), 3);
    f.learner_id = 1;
    f.account_id = 2;
    assert_int_equal(support_audit_list(st, 1, &f, 0, 50, &rows, &n, &more, &err), 0);
    assert_int_equal(n, 2);                        /* events 2 and 4 */
    free(rows);
    memset(&f, 0, sizeof f);
    str_copy(f.action, sizeof f.action, "flag.acknowledge");
    assert_int_equal(support_audit_list(st, 1, &f, 0, 50, &rows, &n, &more, &err), 0);
    assert_int_equal(n, 1);
    free(rows);
    memset(&f, 0, sizeof f);
    str_copy(f.from, sizeof f.from, "2000-01-01");
    str_copy(f.to, sizeof f.to, "2000-12-31");
    assert_int_equal(support_audit_list(st, 1, &f, 0, 50, &rows, &n, &more, &err), 0);
    assert_int_equal(n, 0);
    free(rows);
    char today[11];
    date_format(date_today(), today);
    str_copy(f.from, sizeof f.from, today);
    str_copy(f.to, sizeof f.to, today);
    assert_int_equal(support_audit_list(st, 1, &f, 0, 50, &rows, &n, &more, &err), 0);
    assert_int_equal(n, 8);
    free(rows);
    assert_int_equal(support_audit_list(st, 2, &f, 0, 50, &rows, &n, &more, &err), 0);
    assert_int_equal(n, 0);                        /* another institution's log */
    free(rows);
    /* readers of learner 1: accounts 1 and 2 (not the system), latest first */
    support_audit_reader *rd = NULL;
    assert_int_equal(support_audit_readers(st, 1, 1, 10, &rd, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rd[0].views + rd[1].views, 4);
    assert_true(rd[0].account_id == 1 || rd[0].account_id == 2);
    free(rd);
    buf acts = BUF_INIT;
    assert_int_equal(support_audit_actions(st, 1, &acts, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(acts.data, "flag.acknowledge");
    buf_free(&acts);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_ack_sealed_and_rotated),
        BOTH(test_registry_columns),
        BOTH(test_rotate_while_writing),
        BOTH(test_case_texts_rotated),
        BOTH(test_no_plaintext_at_rest),
        BOTH(test_case_approval_at_rest),
        BOTH(test_audit_altered),
        BOTH(test_audit_deleted),
        BOTH(test_audit_inserted),
        BOTH(test_audit_reordered),
        BOTH(test_audit_truncated),
        BOTH(test_audit_appended_and_rewritten),
        BOTH(test_audit_mixed_versions),
        BOTH(test_audit_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
