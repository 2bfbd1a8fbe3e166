/*
** tests/unit/test_consent.c — consent records and the check at sharing
** (support/consent.h), the emergency override, the receipt, settings,
** subject export and erasure (support/subject.h) and retention
** (support/retention.h); on SQLite and PostgreSQL.
*/
#include "testutil.h"
#include "base/date.h"
#include "support/audit.h"
#include "support/consent.h"
#include "support/retention.h"
#include "support/setting.h"
#include "support/subject.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ada (L1) turns 16 on 2026-06-15; Ben (L2) is 20; Cy (L3) has no birth
** date; Dora (L4) left in 2015.  Gwen is Ada's mother (parental
** responsibility), Gus a carer without it. */
static const char *const school_sql =
    "INSERT INTO institution (id, code, name, country, created_at) VALUES"
    " (1, 'ONE', 'School one', 'IE', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1);"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date, email)"
    " VALUES (1, 1, 'L1', 'Adaquintessa', 'Zwirblewitz', '2010-06-15', 'ada@zwirble.example'),"
    " (1, 2, 'L2', 'Ben', 'Two', '2006-01-01', NULL), (1, 3, 'L3', 'Cy', 'Three', NULL, NULL),"
    " (1, 4, 'L4', 'Doraquilla', 'Fenwhistle', '1995-03-03', 'dora@fenwhistle.example');"
    "INSERT INTO learner_audit (institution_id, learner_id, gender, first_language) VALUES"
    " (1, 4, 'female', 'Vulcanese');"
    "INSERT INTO guardian (institution_id, id, ref, given_name, family_name, email, phone) VALUES"
    " (1, 1, 'G1', 'Gwendolyn', 'Zwirblewitz', 'gwen@zwirble.example', '+353 1 555 0101'),"
    " (1, 2, 'G2', 'Gus', 'Carer', NULL, NULL),"
    " (1, 3, 'G3', 'Hortensia', 'Fenwhistle', 'hort@fenwhistle.example', '+353 1 555 0199');"
    "INSERT INTO learner_guardian (institution_id, learner_id, guardian_id, relationship,"
    " parental_responsibility) VALUES (1, 1, 1, 'mother', 1), (1, 1, 2, 'carer', 0),"
    " (1, 4, 3, 'mother', 1);"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status, exit_date, exit_reason) VALUES (1, 1, 1, 1, 1, '2025-09-01', 'active', NULL, NULL),"
    " (1, 2, 2, 1, 1, '2024-09-01', 'active', NULL, NULL),"
    " (1, 3, 3, 1, 1, '2024-09-01', 'active', NULL, NULL),"
    " (1, 4, 4, 1, 1, '2012-09-03', 'left_early', '2015-02-17', 'work');"
    "INSERT INTO attendance (institution_id, learner_id, date, session, status) VALUES"
    " (1, 4, '2014-10-01', 0, 3), (1, 4, '2014-10-02', 0, 0);"
    "INSERT INTO account (id, username, display_name, disabled, institution_id, created_at,"
    " updated_at) VALUES (1, 'lead', 'Lead', 0, 1, 'now', 'now');"
    "INSERT INTO account (id, username, display_name, disabled, institution_id, person_kind,"
    " person_id, created_at, updated_at) VALUES (2, 'dora.fenwhistle', 'Doraquilla Fenwhistle',"
    " 0, 1, 'learner', 4, 'now', 'now');";

/* A day number of "YYYY-MM-DD". */
static int32_t day(const char *s) {
    int32_t d = 0;
    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

/* Record a consent and return its id; fail the test when refused. */
static int64_t record_ok(store *st, int64_t learner, support_consent_input in) {
    cairn_err err = {0};
    support_consent_problem p = {0};
    int64_t id = 0;
    int rc = support_consent_record(st, 1, 1, learner, &in, &id, &p, &err);
    if (rc != 0) fail_msg("record: %d %s %s", rc, p.text, err.msg);
    return id;
}

/* The check's answer on day at; why into w. */
static int check(store *st, int64_t learner, const char *purpose, const char *recipient,
                 const char *category, const char *at, support_consent_why *w) {
    cairn_err err = {0};
    int rc = support_consent_check(st, 1, learner, purpose, recipient, category, day(at), w, &err);
    if (rc < 0) fail_msg("check: %s", err.msg);
    return rc;
}

/* The first column of sql's first row. */
static int64_t count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* The check matrix: who may give it at which age, recipient, category,
** period, withdrawal, and the age setting. */
static void test_check_matrix(void **state) {
    store *st = test_school_db(KIND(state), "consent_matrix", school_sql);
    cairn_err err = {0};
    support_consent_problem p = {0};
    support_consent_why w;
    int64_t id = 0;

    /* Ada is 15 on 2026-01-01: she cannot give it alone; Gus has no parental
    ** responsibility; Gwen may. */
    support_consent_input in = {"share_organisation", " Youth Agency ", "attendance, results",
                                "2026-01-01", "2026-12-31", "learner", NULL, "paper", NULL};
    assert_int_equal(support_consent_record(st, 1, 1, 1, &in, &id, &p, &err), 1);
    assert_string_equal(p.field, "given_by");
    assert_non_null(strstr(p.text, "is 15"));
    in.given_by = "guardian";
    in.guardian_ref = "G2";
    assert_int_equal(support_consent_record(st, 1, 1, 1, &in, &id, &p, &err), 1);
    assert_string_equal(p.field, "guardian");
    in.guardian_ref = "G1";
    int64_t by_gwen = record_ok(st, 1, in);

    /* matching recipient (any case, spaces) and category: allowed */
    assert_int_equal(check(st, 1, "share_organisation", "youth agency", "results", "2026-03-01", &w), 1);
    assert_int_equal(w.consent_id, by_gwen);
    /* another category, another recipient, another purpose: no */
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "health", "2026-03-01", &w), 0);
    assert_non_null(strstr(w.text, "There is no consent"));
    assert_int_equal(check(st, 1, "share_organisation", "Police", "results", "2026-03-01", &w), 0);
    assert_int_equal(check(st, 1, "service_contact", "Youth Agency", "results", "2026-03-01", &w), 0);
    /* before the period */
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "results", "2025-12-31", &w), 0);
    assert_non_null(strstr(w.text, "begins only on 2026-01-01"));
    /* from her 16th birthday she decides alone: the guardian's consent stops */
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "results", "2026-06-14", &w), 1);
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "results", "2026-06-15", &w), 0);
    assert_non_null(strstr(w.text, "decides alone"));
    /* after the period (a consent she gave herself at 16) */
    support_consent_input own = {"share_organisation", "Youth Agency", "results", "2026-07-01",
                                 "2026-08-31", "learner", NULL, NULL, "Asked for it herself."};
    int64_t by_ada = record_ok(st, 1, own);
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "results", "2026-08-31", &w), 1);
    assert_int_equal(w.consent_id, by_ada);
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "results", "2026-09-01", &w), 0);
    assert_non_null(strstr(w.text, "ended on 2026-08-31"));
    /* a guardian cannot give it for a learner of 16 */
    in.valid_from = "2026-07-01";
    in.valid_until = NULL;
    assert_int_equal(support_consent_record(st, 1, 1, 1, &in, &id, &p, &err), 1);
    assert_string_equal(p.field, "given_by");

    /* Ben (20) alone; early warning has no recipient */
    support_consent_input ew = {"early_warning", "ignored", "attendance,risk", "2025-09-01", "",
                                "learner", NULL, NULL, NULL};
    int64_t ben = record_ok(st, 2, ew);
    assert_int_equal(check(st, 2, "early_warning", NULL, "risk", "2026-03-01", &w), 1);
    /* withdrawn from 2026-04-01: allowed the day before, refused from then on; history kept */
    assert_int_equal(support_consent_withdraw(st, 1, 1, 2, ben, "learner", NULL, "2026-04-01",
                                              "Changed his mind.", &p, &err), 0);
    assert_int_equal(check(st, 2, "early_warning", NULL, "risk", "2026-03-31", &w), 1);
    assert_int_equal(check(st, 2, "early_warning", NULL, "risk", "2026-04-01", &w), 0);
    assert_non_null(strstr(w.text, "withdrawn from 2026-04-01"));
    assert_int_equal(support_consent_withdraw(st, 1, 1, 2, ben, "learner", NULL, NULL, NULL, &p,
                                              &err), 1);
    assert_string_equal(p.field, "consent");
    assert_int_equal(support_consent_withdraw(st, 1, 1, 3, ben, "learner", NULL, NULL, NULL, &p,
                                              &err), 1);   /* not Cy's consent */
    assert_int_equal(count(st, "SELECT count(*) FROM consent WHERE id = 3 AND valid_from ="
                               " '2025-09-01' AND valid_until IS NULL"), 1);   /* unchanged */

    /* Cy has no birth date: counts as not deciding alone */
    assert_int_equal(support_consent_record(st, 1, 1, 3, &ew, &id, &p, &err), 1);
    assert_non_null(strstr(p.text, "not known"));

    /* the age setting: from 18, Ada's own consent no longer counts at 16, and
    ** her mother's counts again */
    assert_int_equal(support_setting_set(st, 1, 1, SUPPORT_CONSENT_AGE_ALONE, "18", &err), 0);
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "results", "2026-08-01", &w), 1);
    assert_int_equal(w.consent_id, by_gwen);
    assert_int_equal(support_consent_withdraw(st, 1, 1, 1, by_gwen, "guardian", "G1", "2026-07-15",
                                              NULL, &p, &err), 0);
    assert_int_equal(check(st, 1, "share_organisation", "Youth Agency", "results", "2026-08-01", &w), 0);
    assert_non_null(strstr(w.text, "under 18"));
    assert_int_equal(support_setting_set(st, 1, 1, SUPPORT_CONSENT_AGE_ALONE, "40", &err), 1);
    assert_int_equal(support_setting_set(st, 1, 1, "no.such", "1", &err), 1);
    int64_t v = 0;
    assert_int_equal(support_setting_get(st, 1, SUPPORT_CONSENT_AGE_ALONE, &v, &err), 0);
    assert_int_equal(v, 18);

    /* bad input: each refused beside its field, nothing written */
    int64_t before = count(st, "SELECT count(*) FROM consent");
    const struct { support_consent_input in; const char *field; } bad[] = {
        {{"gossip", "X", "results", NULL, NULL, "learner", NULL, NULL, NULL}, "purpose"},
        {{"share_organisation", "  ", "results", NULL, NULL, "learner", NULL, NULL, NULL}, "recipient"},
        {{"share_organisation", "X", "shoe_size", NULL, NULL, "learner", NULL, NULL, NULL}, "categories"},
        {{"share_organisation", "X", "", NULL, NULL, "learner", NULL, NULL, NULL}, "categories"},
        {{"share_organisation", "X", "results", "2026-02-30", NULL, "learner", NULL, NULL, NULL}, "valid_from"},
        {{"share_organisation", "X", "results", "2026-03-01", "2026-02-01", "learner", NULL, NULL, NULL}, "valid_until"},
        {{"share_organisation", "X", "results", NULL, NULL, "learner", NULL, "pigeon", NULL}, "method"},
        {{"share_organisation", "X", "results", NULL, NULL, "nobody", NULL, NULL, NULL}, "given_by"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        p.field = NULL;
        assert_int_equal(support_consent_record(st, 1, 1, 2, &bad[i].in, &id, &p, &err), 1);
        assert_string_equal(p.field, bad[i].field);
    }
    assert_int_equal(count(st, "SELECT count(*) FROM consent"), before);
    /* every write is in the audit log, and the chain holds */
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'consent.record'"), 3);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'consent.withdraw'"), 2);
    assert_int_equal(support_audit_verify(st, 1, NULL, NULL, &err), 0);
    test_store_drop(st);
}

/* A leader's override: refused without a reason; allows that one sharing
** for today only; audited and listed. */
static void test_override(void **state) {
    store *st = test_school_db(KIND(state), "consent_override", school_sql);
    cairn_err err = {0};
    support_consent_problem p = {0};
    support_consent_why w;
    int64_t id = 0;
    char today[DATE_TEXT_LEN], tomorrow[DATE_TEXT_LEN];
    date_format(date_today(), today);
    date_format(date_today() + 1, tomorrow);
    assert_int_equal(check(st, 2, "share_organisation", "Child Protection", "support", today, &w), 0);
    assert_int_equal(support_consent_override(st, 1, 1, 2, "share_organisation", "Child Protection",
                                              "support", "   ", &id, &p, &err), 1);
    assert_string_equal(p.field, "reason");
    assert_int_equal(support_consent_override(st, 1, 1, 2, "share_organisation", "",
                                              "support", "Urgent.", &id, &p, &err), 1);
    assert_string_equal(p.field, "recipient");
    assert_int_equal(support_consent_override(st, 1, 1, 2, "share_organisation", "Child Protection",
                                              "support", "Risk of harm tonight.", &id, &p, &err), 0);
    assert_int_equal(check(st, 2, "share_organisation", "child protection", "support", today, &w), 1);
    assert_int_equal(w.override_id, id);
    assert_int_equal(check(st, 2, "share_organisation", "Child Protection", "health", today, &w), 0);
    assert_int_equal(check(st, 2, "share_organisation", "Child Protection", "support", tomorrow, &w), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'consent.override'"
                               " AND learner_id = 2 AND account_id = 1"), 1);
    arena *a = arena_new(0);
    support_consent_override_row *rows;
    size_t n;
    assert_int_equal(support_consent_override_list(st, 1, 0, a, &rows, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].reason, "Risk of harm tonight.");
    assert_string_equal(rows[0].account_name, "Lead");
    arena_free(a);
    test_store_drop(st);
}

/* The receipt carries ISO/IEC TS 27560's fields, the withdrawal as an event. */
static void test_receipt(void **state) {
    store *st = test_school_db(KIND(state), "consent_receipt", school_sql);
    cairn_err err = {0};
    support_consent_problem p;
    support_consent_input in = {"service_contact", "City Counselling", "contact,support",
                                "2026-01-01", NULL, "learner", NULL, "online", NULL};
    int64_t id = record_ok(st, 2, in);
    assert_int_equal(support_consent_withdraw(st, 1, 1, 2, id, "learner", NULL, "2026-02-01",
                                              NULL, &p, &err), 0);
    json_t *r = NULL;
    assert_int_equal(support_consent_receipt(st, 1, 1, id, &r, &err), -1);   /* not Ada's */
    assert_int_equal(err.code, CAIRN_ENOTFOUND);
    assert_int_equal(support_consent_receipt(st, 1, 2, id, &r, &err), 0);
    assert_string_equal(json_string_value(json_object_get(r, "schema_version")),
                        "ISO/IEC TS 27560:2023");
    assert_string_equal(json_string_value(json_object_get(r, "pii_principal_id")), "L2");
    assert_non_null(json_object_get(r, "record_id"));
    assert_non_null(json_object_get(r, "pii_controllers"));
    json_t *pur = json_array_get(json_object_get(r, "purposes"), 0);
    assert_string_equal(json_string_value(json_object_get(pur, "purpose_id")), "service_contact");
    assert_int_equal(json_array_size(json_object_get(pur, "pii_information")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(
        json_object_get(pur, "recipient_third_parties"), 0), "name")), "City Counselling");
    json_t *ev = json_object_get(r, "events");
    assert_int_equal(json_array_size(ev), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 1), "event_type")),
                        "withdrawn");
    assert_string_equal(json_string_value(json_object_get(r, "state")), "withdrawn");
    json_decref(r);
    test_store_drop(st);
}

/* Every text cell of every table, searched for each needle; the number of
** cells that hold one. */
static int64_t cells_holding(store *st, const char *const *needles, size_t nn) {
    cairn_err err = {0};
    const char *list = store_kind_of(st) == STORE_POSTGRES
        ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
          " AND table_type = 'BASE TABLE' ORDER BY 1"
        : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1";
    store_stmt *t = store_prepare(st, list, &err);
    assert_non_null(t);
    char names[128][64];
    size_t nt = 0;
    while (store_step(t, &err) == STORE_ROW && nt < 128)
        snprintf(names[nt++], sizeof names[0], "%s", store_col_text(t, 0));
    store_finalize(t);
    assert_true(nt > 20);
    int64_t hits = 0;
    for (size_t i = 0; i < nt; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s", names[i]);
        store_stmt *q = store_prepare(st, sql, &err);
        assert_non_null(q);
        while (store_step(q, &err) == STORE_ROW)
            for (int c = 0; c < store_col_count(q); c++) {
                const char *v = store_col_text(q, c);
                for (size_t k = 0; v && k < nn; k++)
                    if (strstr(v, needles[k])) {
                        print_message("%s holds \"%s\"\n", names[i], needles[k]);
                        hits++;
                    }
            }
        store_finalize(q);
    }
    return hits;
}

/* Erasure: refused while enrolled or held; afterwards no name, contact or
** note of the learner or their guardian is anywhere in the database; the
** statistics' part stays; the export tells what is left; audited. */
static void test_erase(void **state) {
    store *st = test_school_db(KIND(state), "consent_erase", school_sql);
    cairn_err err = {0};
    support_consent_problem p;
    buf why = BUF_INIT;
    static const char *const needles[] = {"Doraquilla", "Fenwhistle", "fenwhistle", "Hortensia",
                                          "555 0199", "Vulcanese", "1995-03-03", "Zorblax"};
    support_consent_input in = {"family_access", "Hortensia Fenwhistle", "attendance",
                                "2013-01-01", "2014-12-31", "learner", NULL, NULL,
                                "Doraquilla asked for Zorblax to be told."};
    int64_t cid = record_ok(st, 4, in);
    assert_int_equal(support_consent_withdraw(st, 1, 1, 4, cid, "learner", NULL, "2014-06-01",
                                              "Zorblax moved away.", &p, &err), 0);
    assert_int_equal(store_exec(st, "INSERT INTO flag_acknowledgement (institution_id, id,"
                                    " learner_id, rule_code, asof, account_id, comment, at) VALUES"
                                    " (1, 1, 4, 'attendance', '2014-11-01', 1,"
                                    " 'Called Hortensia Fenwhistle.', '2014-11-02T09:00:00Z')",
                                &err), 0);

    /* enrolled: refused */
    assert_int_equal(support_subject_erase(st, 1, 1, 1, "test", &why, &err), 1);
    assert_non_null(strstr(buf_cstr(&why), "still enrolled"));
    buf_reset(&why);
    /* held: refused, then lifted */
    assert_int_equal(support_legal_hold_place(st, 1, 1, 4, "", &err), 1);
    assert_int_equal(support_legal_hold_place(st, 1, 1, 4, "Court case about Zorblax.", &err), 0);
    assert_int_equal(support_subject_erase(st, 1, 4, 1, "test", &why, &err), 1);
    assert_non_null(strstr(buf_cstr(&why), "legal hold"));
    buf_reset(&why);
    assert_int_equal(support_legal_hold_lift(st, 1, 1, 4, &err), 0);
    assert_int_equal(support_legal_hold_lift(st, 1, 1, 4, &err), 1);

    /* the export before holds the names; it is audited */
    json_t *rec = NULL;
    assert_int_equal(support_subject_export(st, 1, 4, 1, &rec, &err), 0);
    char *text = json_dumps(rec, 0);
    assert_non_null(strstr(text, "Doraquilla"));
    assert_non_null(strstr(text, "\"access_audit\""));
    free(text);
    json_decref(rec);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'subject.export'"), 1);
    assert_true(cells_holding(st, needles, sizeof needles / sizeof *needles) > 0);
    static const char *const notes_only[] = {"Zorblax"};   /* in notes and a reason: sealed */
    assert_int_equal(cells_holding(st, notes_only, 1), 0);

    assert_int_equal(support_subject_erase(st, 1, 4, 1, "asked by the learner", &why, &err), 0);
    assert_int_equal(cells_holding(st, needles, sizeof needles / sizeof *needles), 0);
    assert_int_equal(support_subject_erase(st, 1, 4, 1, "again", &why, &err), 1);   /* once */
    /* what statistics need stays */
    assert_int_equal(count(st, "SELECT count(*) FROM enrolment WHERE learner_id = 4 AND programme_id"
                               " = 1 AND status = 'left_early' AND start_date = '2012-09-01'"
                               " AND exit_date = '2015-02-01'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM learner WHERE id = 4 AND birth_date ="
                               " '1995-01-01' AND ref = 'erased-4'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM attendance WHERE learner_id = 4"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM consent WHERE learner_id = 4"), 1);
    assert_int_equal(count(st, "SELECT disabled FROM account WHERE id = 2"), 1);
    /* Ada and her mother are untouched */
    assert_int_equal(count(st, "SELECT count(*) FROM guardian WHERE given_name = 'Gwendolyn'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'subject.erase'"
                               " AND learner_id = 4"), 1);
    assert_int_equal(support_audit_verify(st, 1, NULL, NULL, &err), 0);
    /* found by the new reference */
    int64_t inst = 0, learner = 0;
    assert_int_equal(support_subject_find(st, NULL, "erased-4", &inst, &learner, &err), 0);
    assert_int_equal(learner, 4);
    assert_int_equal(support_subject_find(st, NULL, "L4", &inst, &learner, &err), -1);
    buf_free(&why);
    test_store_drop(st);
}

/* Retention: a dry run changes nothing; the run deletes what is past each
** period, anonymises a departed learner, keeps a held one, and is audited. */
static void test_retention(void **state) {
    store *st = test_school_db(KIND(state), "consent_retention", school_sql);
    cairn_err err = {0};
    support_retention_line lines[16];
    assert_true(support_retention_nrules <= 16);
    assert_int_equal(store_exec(st,
        "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
        " VALUES (1, 1, '2020-01-01T00:00:00Z', 'test', '{}');"
        "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof, rule_set_version,"
        " tier, flags, reasons, features, input_hash, computed_at) VALUES"
        " (1, 2, 2, '2020-01-01', 1, 0, '[]', '[]', '{}', 'x', 'now'),"
        " (1, 2, 2, '2026-01-01', 1, 0, '[]', '[]', '{}', 'x', 'now');"
        "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
        " (1, 5, 'L5', 'Held', 'Learner');"
        "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, start_date, status,"
        " exit_date) VALUES (1, 5, 5, 1, '2010-09-01', 'completed', '2013-06-30');", &err), 0);
    assert_int_equal(support_legal_hold_place(st, 1, 1, 5, "Open insurance claim.", &err), 0);
    support_consent_input old = {"early_warning", NULL, "risk", "2022-06-01", "2023-01-01",
                                 "learner", NULL, NULL, NULL};
    support_consent_input now = {"early_warning", NULL, "risk", "2025-09-01", NULL, "learner",
                                 NULL, NULL, NULL};
    record_ok(st, 2, old);
    int64_t kept = record_ok(st, 2, now);
    int32_t today = day("2026-06-30");
    assert_int_equal(support_retention_run(st, 1, today, 1, lines, &err), 0);
    assert_string_equal(lines[0].rule, "learner_departed");
    assert_int_equal(lines[0].due, 2);
    assert_int_equal(lines[0].held, 1);
    assert_int_equal(lines[1].due, 1);   /* the score of 2020 */
    assert_string_equal(lines[3].rule, "consent_ended");
    assert_int_equal(lines[3].due, 1);   /* ended 2023-01-01, before 2023-07-01 */
    assert_int_equal(count(st, "SELECT count(*) FROM risk_score"), 2);
    assert_int_equal(count(st, "SELECT count(*) FROM learner WHERE ref LIKE 'erased-%'"), 0);

    assert_int_equal(support_setting_set(st, 1, 1, "retention.score", "0", &err), 0);   /* for ever */
    assert_int_equal(support_retention_run(st, 1, today, 0, lines, &err), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM risk_score"), 2);
    assert_int_equal(lines[0].done, 1);
    assert_int_equal(count(st, "SELECT count(*) FROM learner WHERE ref = 'erased-4'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM learner WHERE ref = 'L5'"), 1);
    assert_int_equal(support_setting_set(st, 1, 1, "retention.score", "730", &err), 0);
    assert_int_equal(support_retention_run(st, 1, today, 0, lines, &err), 0);
    assert_int_equal(lines[1].done, 1);
    assert_int_equal(count(st, "SELECT count(*) FROM risk_score"), 1);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM consent WHERE id = %lld", (long long)kept);
    assert_int_equal(count(st, sql), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM consent"), 1);
    /* one event per rule that removed something: consents (first run), scores */
    assert_int_equal(count(st, "SELECT count(*) FROM audit_event WHERE action = 'retention.run'"), 2);
    assert_int_equal(support_audit_verify(st, 1, NULL, NULL, &err), 0);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_check_matrix),
        BOTH(test_override),
        BOTH(test_receipt),
        BOTH(test_erase),
        BOTH(test_retention),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
