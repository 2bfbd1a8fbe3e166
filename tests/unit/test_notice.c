/*
** tests/unit/test_notice.c — notices and mail (support/notice.h): the
** message builder (headers, RFC 2047 subject, base64 UTF-8 body, no header
** injection through CR/LF, no envelope address with one), the notices of a key worker naming, of newly
** flagged learners and of failures, mail preferences, the queue's states
** and retries, and the daily digest; on SQLite and PostgreSQL.
**
** The school: learners 1 and 2 in institution one; K1 (staff 3, an e-mail
** address) and K2 (staff 4, none) have key worker accounts, A1 is an
** administrator.  Learner 1 rises from selective to individual between
** the two score dates, learner 2 stays selective, learner 3 appears flagged.
*/
#include "testutil.h"
#include "support/actions.h"
#include "support/notice.h"
#include "web/access.h"
#include "web/mail.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title, email) VALUES"
    " (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor', 'kim@school.example'),"
    " (1, 4, 'K2', 'Kai', 'Keytwo', 'coach', NULL),"
    " (1, 5, 'A1', 'Ari', 'Admin', 'office', 'ari@school.example');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Zoë', 'Øst'), (1, 2, 'L2', 'Ben', 'Two'), (1, 3, 'L3', 'Cy', 'Three');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active'),"
    " (1, 2, 2, 1, 1, '2024-09-01', 'active'), (1, 3, 3, 1, 1, '2024-09-01', 'active');"
    "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
    " VALUES (1, 1, '2025-01-01T00:00:00Z', 'test', '{}');"
    "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof, rule_set_version,"
    " tier, flags, reasons, features, input_hash, computed_at) VALUES"
    " (1, 1, 1, '2025-02-14', 1, 1, '[]', '{}', '{}', 'x', 'now'),"
    " (1, 2, 2, '2025-02-14', 1, 1, '[]', '{}', '{}', 'x', 'now'),"
    " (1, 1, 1, '2025-03-14', 1, 2, '[]', '{}', '{}', 'x', 'now'),"
    " (1, 2, 2, '2025-03-14', 1, 1, '[]', '{}', '{}', 'x', 'now'),"
    " (1, 3, 3, '2025-03-14', 1, 1, '[]', '{}', '{}', 'x', 'now');";

/* The value of header name in message m (up to CRLF, unfolded lines not
** joined), malloc'd; NULL when absent. */
static char *header_of(const char *m, const char *name) {
    size_t n = strlen(name);
    for (const char *p = m; *p && strncmp(p, "\r\n", 2) != 0;) {
        const char *e = strstr(p, "\r\n");
        if (!e) break;
        if (!strncmp(p, name, n) && p[n] == ':') {
            size_t len = (size_t)(e - p) - n - 2;
            char *v = malloc(len + 1);
            memcpy(v, p + n + 2, len);
            v[len] = 0;
            return v;
        }
        p = e + 2;
    }
    return NULL;
}

/* How many lines of m's header block start with name ':'. */
static int header_count(const char *m, const char *name) {
    int c = 0;
    size_t n = strlen(name);
    const char *end = strstr(m, "\r\n\r\n");
    for (const char *p = m; p && p < end; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL)
        if (!strncmp(p, name, n) && p[n] == ':') c++;
    return c;
}

static void test_message_ascii(void **state) {
    (void)state;
    char *m = support_mail_message("cairn@school.example", "kim@school.example",
                                   "cairn: hello", "line one\nline two\n", 1796601600);
    char *v = header_of(m, "Date");
    assert_string_equal(v, "Mon, 07 Dec 2026 00:00:00 +0000");
    free(v);
    v = header_of(m, "From");
    assert_string_equal(v, "cairn@school.example");
    free(v);
    v = header_of(m, "To");
    assert_string_equal(v, "kim@school.example");
    free(v);
    v = header_of(m, "Subject");
    assert_string_equal(v, "cairn: hello");
    free(v);
    v = header_of(m, "Message-ID");
    assert_non_null(strstr(v, "@school.example>"));
    assert_int_equal(v[0], '<');
    free(v);
    assert_non_null(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(m, "Content-Transfer-Encoding: base64\r\n\r\n"));
    /* "line one\r\nline two\r\n" in base64 */
    assert_non_null(strstr(m, "\r\n\r\nbGluZSBvbmUNCmxpbmUgdHdvDQo=\r\n"));
    char *m2 = support_mail_message("cairn@school.example", "kim@school.example", "x", "", 0);
    char *id1 = header_of(m, "Message-ID"), *id2 = header_of(m2, "Message-ID");
    assert_string_not_equal(id1, id2);               /* unique */
    free(id1);
    free(id2);
    free(m2);
    free(m);
}

static void test_message_utf8_and_injection(void **state) {
    (void)state;
    char *m = support_mail_message("cairn@school.example\r\nBcc: evil@x.example",
                                   "kim@school.example\nBcc: evil@x.example",
                                   "Zoë Øst\r\nBcc: evil@x.example", "Grüße\n", 0);
    assert_int_equal(header_count(m, "Bcc"), 0);     /* no header added */
    assert_int_equal(header_count(m, "From"), 1);
    assert_int_equal(header_count(m, "To"), 1);
    char *v = header_of(m, "Subject");
    /* "Zoë Øst  Bcc: evil@x.example" as one RFC 2047 word: no raw UTF-8 */
    assert_non_null(strstr(v, "=?UTF-8?B?"));
    for (const unsigned char *p = (const unsigned char *)m; *p; p++) assert_true(*p < 0x80);
    free(v);
    /* "Grüße\r\n" in base64 */
    assert_non_null(strstr(m, "\r\n\r\nR3LDvMOfZQ0K\r\n"));
    free(m);
    /* a long subject is split into words of whole characters */
    char subj[400] = "";
    for (int i = 0; i < 60; i++) strcat(subj, "ü");
    m = support_mail_message("a@b.example", "c@d.example", subj, "", 0);
    assert_non_null(strstr(m, "?=\r\n =?UTF-8?B?"));
    free(m);
    /* the envelope: an address with CR LF, a space or brackets is never sent
    ** (refused before any connection: the relay here does not exist) */
    static const char *const bad[] = {"kim@school.example\r\nRCPT TO:<x@y.example>",
                                      "kim @school.example", "<kim@school.example>",
                                      "kim.school.example", "@school.example", ""};
    web_mail_config cfg = {"smtp://127.0.0.1:1", "cairn@school.example", 0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cairn_err err = {0};
        assert_int_equal(mail_smtp_send(&cfg, bad[i], "x", &err), -1);
        assert_non_null(strstr(err.msg, "not a valid address"));
    }
    web_mail_config badfrom = {"smtp://127.0.0.1:1", "cairn@school.example\r\nDATA", 0};
    cairn_err err = {0};
    assert_int_equal(mail_smtp_send(&badfrom, "kim@school.example", "x", &err), -1);
    assert_non_null(strstr(err.msg, "not a valid address"));
}

/* The notices of account id, as "kind:learner:detail" lines. */
static char *notices_of(store *st, int64_t account) {
    cairn_err err = {0};
    support_notice *rows;
    size_t n;
    assert_int_equal(support_notice_list(st, account, 100, &rows, &n, &err), 0);
    char *out = calloc(1, 4096);
    for (size_t i = n; i-- > 0;) {
        char line[600];
        snprintf(line, sizeof line, "%s:%lld:%s\n", rows[i].kind, (long long)rows[i].learner_id,
                 rows[i].detail);
        strcat(out, line);
    }
    free(rows);
    return out;
}

static void test_notices_and_queue(void **state) {
    store *st = test_school_db(KIND(state), "notice", school_sql);
    cairn_err err = {0};
    int64_t k1 = test_account_add(st, "k1", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    int64_t k2 = test_account_add(st, "k2", "ONE", "K2", ACCESS_ROLE_KEY_WORKER);
    int64_t a1 = test_account_add(st, "a1", "ONE", "A1", ACCESS_ROLE_ADMINISTRATOR);
    support_problem p;
    /* named key worker: a notice, and a mail (K1 has an address, "each") */
    assert_int_equal(support_key_worker_assign(st, 1, a1, 1, 3, NULL, &p, &err), 0);
    assert_int_equal(support_key_worker_assign(st, 1, a1, 2, 4, NULL, &p, &err), 0);
    assert_int_equal(support_key_worker_assign(st, 1, a1, 3, 3, NULL, &p, &err), 0);
    char *s = notices_of(st, k1);
    assert_string_equal(s, "keyworker:1:\nkeyworker:3:\n");
    free(s);
    int64_t unread = 0;
    assert_int_equal(support_notice_unread(st, k2, &unread, &err), 0);
    assert_int_equal(unread, 1);
    support_mail_counts mc;
    assert_int_equal(support_mail_counts_read(st, &mc, &err), 0);
    assert_int_equal(mc.queued, 2);                  /* K2 has no address: no mail */

    /* newly flagged: learner 1 rose to individual (K1); learner 2 stayed
    ** selective (K2: nothing); learner 3 had no earlier score (K1) */
    int written = -1;
    assert_int_equal(support_notice_new_flags(st, 1, "2025-03-14", &written, &err), 0);
    assert_int_equal(written, 2);
    s = notices_of(st, k1);
    assert_string_equal(s, "keyworker:1:\nkeyworker:3:\nflagged:1:individual as of 2025-03-14\n"
                           "flagged:3:selective as of 2025-03-14\n");
    free(s);
    assert_int_equal(support_notice_new_flags(st, 1, "2025-03-14", &written, &err), 0);
    assert_int_equal(written, 0);                    /* never twice */
    assert_int_equal(support_notice_new_flags(st, 1, "2025-02-14", &written, &err), 0);
    assert_int_equal(written, 0);                    /* a first scoring run is not news */
    assert_int_equal(support_notice_rescored(st, "2025-03-14", &written, &err), 0);
    assert_int_equal(written, 0);                    /* every institution: told already */

    /* failures reach the administrators */
    assert_int_equal(support_notice_admins(st, 1, SUPPORT_NOTICE_SCORE_FAILED, "no model", &err), 0);
    assert_int_equal(support_notice_admins_all(st, SUPPORT_NOTICE_IMPORT_FAILED, "bad file", &err), 0);
    s = notices_of(st, a1);
    assert_string_equal(s, "score_failed:0:no model\nimport_failed:0:bad file\n");
    free(s);

    /* marking read: one, another's (nothing), all */
    int64_t changed = -1;
    assert_int_equal(support_notice_mark_read(st, k2, 1, &changed, &err), 0);
    assert_int_equal(changed, 0);
    assert_int_equal(support_notice_mark_read(st, k1, 1, &changed, &err), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(support_notice_unread(st, k1, &unread, &err), 0);
    assert_int_equal(unread, 3);
    assert_int_equal(support_notice_mark_read(st, k1, 0, &changed, &err), 0);
    assert_int_equal(changed, 3);

    /* the queue: due, a failure with retry, sent; then given up */
    support_mail *due;
    size_t n;
    assert_int_equal(support_mail_due(st, "2999-01-01T00:00:00Z", 100, &due, &n, &err), 0);
    assert_int_equal(n, 6);                          /* 2 named + 2 flagged to K1, 2 to A1 */
    assert_string_equal(due[0].recipient, "kim@school.example");
    assert_non_null(strstr(due[0].subject, "You were named key worker of Zoë Øst"));
    assert_int_equal(support_mail_result(st, &due[0], "relay down", "2999-06-01T00:00:00Z", &err), 0);
    assert_int_equal(support_mail_result(st, &due[1], NULL, NULL, &err), 0);
    for (size_t i = 0; i < n; i++) support_mail_free(&due[i]);
    free(due);
    assert_int_equal(support_mail_due(st, "2999-01-01T00:00:00Z", 100, &due, &n, &err), 0);
    assert_int_equal(n, 4);                          /* the failed one waits */
    for (size_t i = 0; i < n; i++) support_mail_free(&due[i]);
    free(due);
    assert_int_equal(support_mail_counts_read(st, &mc, &err), 0);
    assert_int_equal(mc.sent, 1);
    assert_int_equal(mc.queued, 5);
    assert_string_equal(mc.last_error, "relay down");
    assert_int_equal(support_mail_due(st, "2999-12-01T00:00:00Z", 1, &due, &n, &err), 0);
    assert_int_equal(n, 1);
    for (int i = 0; i < SUPPORT_MAIL_ATTEMPTS_MAX; i++)   /* a fresh one, all attempts */
        assert_int_equal(support_mail_result(st, &due[0], "still down", "2999-06-01T00:00:00Z", &err), 0);
    support_mail_free(&due[0]);
    free(due);
    assert_int_equal(support_mail_counts_read(st, &mc, &err), 0);
    assert_int_equal(mc.failed, 1);
    test_store_drop(st);
}

static void test_preferences_and_digest(void **state) {
    store *st = test_school_db(KIND(state), "notice_pref", school_sql);
    cairn_err err = {0};
    int64_t k1 = test_account_add(st, "k1", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    int64_t a1 = test_account_add(st, "a1", "ONE", "A1", ACCESS_ROLE_ADMINISTRATOR);
    support_mail_pref pref;
    assert_int_equal(support_mail_pref_get(st, k1, &pref, &err), 0);
    assert_int_equal(pref, SUPPORT_MAIL_EACH);        /* the default */
    assert_int_equal(support_mail_pref_parse("sometimes", &pref), -1);
    assert_int_equal(support_mail_pref_set(st, k1, SUPPORT_MAIL_DIGEST, &err), 0);
    assert_int_equal(support_mail_pref_set(st, a1, SUPPORT_MAIL_NONE, &err), 0);
    support_problem p;
    assert_int_equal(support_key_worker_assign(st, 1, a1, 1, 3, NULL, &p, &err), 0);
    assert_int_equal(support_key_worker_assign(st, 1, a1, 3, 3, NULL, &p, &err), 0);
    assert_int_equal(support_notice_admins(st, 1, SUPPORT_NOTICE_IMPORT_FAILED, "bad file", &err), 0);
    support_mail_counts mc;
    assert_int_equal(support_mail_counts_read(st, &mc, &err), 0);
    assert_int_equal(mc.queued, 0);                  /* digest and none: nothing yet */
    int64_t today = 0;
    char day[11];
    assert_int_equal(support_notice_unread(st, k1, &today, &err), 0);
    assert_int_equal(today, 2);
    /* the notices' day, as written */
    support_notice *rows;
    size_t n;
    assert_int_equal(support_notice_list(st, k1, 10, &rows, &n, &err), 0);
    memcpy(day, rows[0].created_at, 10);
    day[10] = 0;
    free(rows);
    int queued = -1;
    assert_int_equal(support_mail_digest_queue(st, "2000-01-01", &queued, &err), 0);
    assert_int_equal(queued, 0);                     /* no notices that day */
    assert_int_equal(support_mail_digest_queue(st, day, &queued, &err), 0);
    assert_int_equal(queued, 1);                     /* K1 only; A1 chose none */
    assert_int_equal(support_mail_digest_queue(st, day, &queued, &err), 0);
    assert_int_equal(queued, 0);                     /* once a day */
    support_mail *due;
    assert_int_equal(support_mail_due(st, "2999-01-01T00:00:00Z", 10, &due, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(due[0].recipient, "kim@school.example");
    assert_non_null(strstr(due[0].subject, "(2)"));
    assert_non_null(strstr(due[0].body, "- You were named key worker of Zoë Øst.\n"));
    assert_non_null(strstr(due[0].body, "- You were named key worker of Cy Three.\n"));
    support_mail_free(&due[0]);
    free(due);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_ascii),
        cmocka_unit_test(test_message_utf8_and_injection),
        BOTH(test_notices_and_queue),
        BOTH(test_preferences_and_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
