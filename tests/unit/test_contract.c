/*
** tests/unit/test_contract.c — the learner contract (support/contract.h):
** the canonical text and its SHA-256, freezing at the first signature (the
** stored text and hash never change after it), amendments, the guardian's
** signature for a minor (and the age of majority setting), the printed
** code and /verify's answers (signed, fingerprint matching or tampered, a
** wrong code), and the audit events; on SQLite and PostgreSQL.
**
** The school: key worker K1 (staff 3) of learners L1 (an adult), L2 (a
** minor) and L3 (no birth date); psychologist P1 (staff 4).
*/
#include "testutil.h"
#include "base/crypto.h"
#include "base/date.h"
#include "support/audit.h"
#include "support/case.h"
#include "support/contract.h"
#include "support/plan.h"
#include "support/setting.h"
#include "web/access.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor'), (1, 4, 'P1', 'Pat', 'Psyone', 'psychologist');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date) VALUES"
    " (1, 1, 'L1', 'Ada', 'One', '2000-01-01'), (1, 2, 'L2', 'Ben', 'Two', '2012-06-01'),"
    " (1, 3, 'L3', 'Cy', 'Three', NULL);"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active'),"
    " (1, 2, 2, 1, 1, '2024-09-01', 'active'), (1, 3, 3, 1, 1, '2024-09-01', 'active');"
    "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at) VALUES"
    " (1, 1, 3, '2025-01-01T00:00:00Z'), (1, 2, 3, '2025-01-01T00:00:00Z'),"
    " (1, 3, 3, '2025-01-01T00:00:00Z');";

static const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;

typedef struct school {
    store  *st;
    int64_t kw;          /* the key worker's account */
    int64_t cases[4];    /* the case of learner i */
} school;

/* The school with a case for each learner. */
static school school_open(void **state, const char *name) {
    school s;
    cairn_err err = {0};
    s.st = test_school_db(KIND(state), name, school_sql);
    s.kw = test_account_add(s.st, "kw", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    for (int i = 1; i <= 3; i++) {
        support_case_open_spec spec = {i, 0, SUPPORT_CASE_FROM_TEACHER, "A concern.", -1, 0};
        support_case_problem p;
        if (support_case_open(s.st, 1, s.kw, &spec, NULL, &s.cases[i], &p, &err))
            fail_msg("open: %s", err.msg);
    }
    return s;
}

/* The first column of sql's first row, with param. */
static int64_t one(store *st, const char *sql, int64_t param) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, param, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* The stored body and hash of version number of case_id into body / sha
** (malloc'd body). */
static char *stored(store *st, int64_t case_id, int number, char sha[CRYPTO_SHA256_HEX_LEN]) {
    cairn_err err = {0};
    store_stmt *q = store_prepare(st, "SELECT body, sha256 FROM contract_version"
                                      " WHERE case_id = ? AND number = ?", &err);
    assert_non_null(q);
    store_bind_int64(q, 1, case_id);
    store_bind_int64(q, 2, number);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    char *body = strdup(store_col_text(q, 0));
    snprintf(sha, CRYPTO_SHA256_HEX_LEN, "%s", store_col_text(q, 1));
    store_finalize(q);
    return body;
}

static const contract_parts parts = {"Tutoring twice a week.  \nA weekly talk.",
                                     "I come to every lesson.", 0, 0};

/* Sign the current version of case_id as role (its hash read first). */
static int sign(school *s, int64_t case_id, int role, const char *name, int *done,
                contract_problem *p) {
    cairn_err err = {0};
    contract_version *v = NULL;
    size_t n = 0;
    assert_int_equal(support_contract_versions(s->st, 1, case_id, &v, &n, &err), 0);
    assert_true(n > 0);
    char sha[CRYPTO_SHA256_HEX_LEN];
    snprintf(sha, sizeof sha, "%s", v[0].sha256);
    support_contract_versions_free(v, n);
    contract_sign_spec spec = {role, CONTRACT_ON_SCREEN, name, sha, NULL};
    return support_contract_sign(s->st, 1, s->kw, KW, case_id, &spec, NULL, done, p, &err);
}

/* The canonical text: labels, names, goals, both commitments, no trailing
** spaces, one LF at the end; initials. */
static void test_render(void **state) {
    (void)state;
    buf b = BUF_INIT;
    contract_parts p = parts;
    p.starts_on = date_from_ymd(2026, 1, 5);
    const char *goals[] = {"Attendance above 90 %"};
    support_contract_render(NULL, 2, "Ada One", "Kim Keyone", &p, goals, 1, &b);
    assert_string_equal(buf_cstr(&b),
                        "Learner contract\nVersion: 2\nLearner: Ada One\nKey worker: Kim Keyone\n"
                        "Starts on: 2026-01-05\n\nGoals\n1. Attendance above 90 %\n\n"
                        "What the school commits to\nTutoring twice a week.\nA weekly talk.\n\n"
                        "What the learner commits to\nI come to every lesson.\n");
    buf_free(&b);
    char in[16];
    support_contract_initials("Ana María López-Díaz", in, sizeof in);
    assert_string_equal(in, "A. M. L. D.");
    char code[CONTRACT_CODE_CHARS + 1];
    assert_int_equal(support_contract_code_normalise("abcd-efgh-jkmn-pqrs", code), 0);
    assert_string_equal(code, "ABCDEFGHJKMNPQRS");
    assert_int_equal(support_contract_code_normalise("oIl0 0000 0000 0000", code), 0);
    assert_string_equal(code, "0110000000000000");
    assert_int_equal(support_contract_code_normalise("ABCD-EFGH-JKMN-PQR", code), -1);
    assert_int_equal(support_contract_code_normalise("ABCD-EFGH-JKMN-PQRU", code), -1);
}

/* A draft changes until its first signature; then the writer refuses, the
** stored text and hash never change, and the hash is the text's SHA-256;
** an amendment is version 2 and leaves version 1 as it was. */
static void test_freeze(void **state) {
    school s = school_open(state, "contract_freeze");
    cairn_err err = {0};
    contract_problem p;
    int n = 0;
    int64_t c = s.cases[1];
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, SUPPORT_CASE_REL_TEAM, c, &parts,
                                                 NULL, "en", NULL, &n, &p, &err), 1);
    assert_int_equal(p, CONTRACT_NOT_YOURS);
    contract_parts empty = {"", " ", 0, 0};
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &empty, NULL, "en", NULL,
                                                 &n, &p, &err), 1);
    assert_int_equal(p, CONTRACT_TEXT_MISSING);
    contract_parts dates = parts;
    dates.starts_on = date_from_ymd(2026, 2, 1);
    dates.review_on = date_from_ymd(2026, 1, 1);
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &dates, NULL, "en", NULL,
                                                 &n, &p, &err), 1);
    assert_int_equal(p, CONTRACT_DATE_BAD);
    assert_int_equal(one(s.st, "SELECT count(*) FROM contract_version WHERE case_id = ?", c), 0);
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &parts, NULL, "en", NULL,
                                                 &n, &p, &err), 0);
    assert_int_equal(n, 1);
    char sha0[CRYPTO_SHA256_HEX_LEN], sha1[CRYPTO_SHA256_HEX_LEN], sha2[CRYPTO_SHA256_HEX_LEN];
    char *body0 = stored(s.st, c, 1, sha0);
    contract_parts changed = parts;
    changed.learner_commits = "I come to every lesson and hand in my work.";
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &changed, NULL, "en",
                                                 NULL, &n, &p, &err), 0);
    assert_int_equal(n, 1);   /* the same draft, changed */
    char *body1 = stored(s.st, c, 1, sha1);
    assert_string_not_equal(sha0, sha1);
    int done = -1;
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_LEARNER, "Ada One", &done, &p), 0);
    assert_int_equal(done, 0);
    /* frozen: refused, and the stored text and hash are the same bytes */
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &parts, NULL, "en", NULL,
                                                 &n, &p, &err), 1);
    assert_int_equal(p, CONTRACT_FROZEN);
    char *body2 = stored(s.st, c, 1, sha2);
    assert_string_equal(sha1, sha2);
    assert_string_equal(body1, body2);
    contract_sign_spec bad = {CONTRACT_ROLE_KEY_WORKER, CONTRACT_ON_SCREEN, NULL, sha0, NULL};
    assert_int_equal(support_contract_sign(s.st, 1, s.kw, KW, c, &bad, NULL, &done, &p, &err), 1);
    assert_int_equal(p, CONTRACT_HASH_MISMATCH);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_LEARNER, "Ada One", &done, &p), 1);
    assert_int_equal(p, CONTRACT_ALREADY_SIGNED);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_KEY_WORKER, NULL, &done, &p), 0);
    assert_int_equal(done, 1);   /* an adult: learner and key worker are enough */
    assert_int_equal(one(s.st, "SELECT count(*) FROM case_history WHERE kind = 'contract'"
                               " AND to_value = 'signed' AND from_value = '1' AND case_id = ?", c),
                     1);
    /* the hash is the SHA-256 of the exact text */
    contract_version *v = NULL;
    size_t nv = 0;
    assert_int_equal(support_contract_versions(s.st, 1, c, &v, &nv, &err), 0);
    assert_int_equal(nv, 1);
    char h[CRYPTO_SHA256_HEX_LEN];
    crypto_sha256_hex(v[0].text, strlen(v[0].text), h);
    assert_string_equal(h, sha1);
    assert_string_equal(v[0].sig[CONTRACT_ROLE_LEARNER].version_sha256, sha1);
    assert_string_equal(v[0].sig[CONTRACT_ROLE_KEY_WORKER].name, "Kim Keyone");
    assert_non_null(strstr(v[0].text, "I come to every lesson and hand in my work.\n"));
    assert_true(v[0].signed_at[0] != 0);
    support_contract_versions_free(v, nv);
    /* amending: version 2; version 1 as it was */
    assert_int_equal(support_contract_amend(s.st, 1, s.kw, SUPPORT_CASE_REL_TEAM, c, NULL, "en",
                                            NULL, &n, &p, &err), 1);
    assert_int_equal(support_contract_amend(s.st, 1, s.kw, KW, c, NULL, "en", NULL, &n, &p, &err),
                     0);
    assert_int_equal(n, 2);
    free(body2);
    body2 = stored(s.st, c, 1, sha2);
    assert_string_equal(body1, body2);
    assert_string_equal(sha1, sha2);
    assert_int_equal(support_contract_amend(s.st, 1, s.kw, KW, c, NULL, "en", NULL, &n, &p, &err),
                     1);
    assert_int_equal(p, CONTRACT_NOT_FROZEN);   /* version 2 is a draft still */
    contract_state cs;
    assert_int_equal(support_contract_state(s.st, 1, c, &cs, &err), 0);
    assert_int_equal(cs.number, 2);
    assert_int_equal(cs.nsignatures, 0);
    free(body0);
    free(body1);
    free(body2);
    test_store_drop(s.st);
}

/* A minor (L2) and a learner without a birth date (L3) need a guardian; the
** age of majority is an institution setting. */
static void test_guardian(void **state) {
    school s = school_open(state, "contract_guardian");
    cairn_err err = {0};
    contract_problem p;
    int32_t day = date_from_ymd(2026, 12, 7);
    assert_int_equal(support_contract_guardian_required(s.st, 1, 1, day, &err), 0);
    assert_int_equal(support_contract_guardian_required(s.st, 1, 2, day, &err), 1);
    assert_int_equal(support_contract_guardian_required(s.st, 1, 3, day, &err), 1);
    /* the birthday: 18 on 2030-06-01, not the day before */
    assert_int_equal(support_contract_guardian_required(s.st, 1, 2, date_from_ymd(2030, 5, 31),
                                                        &err), 1);
    assert_int_equal(support_contract_guardian_required(s.st, 1, 2, date_from_ymd(2030, 6, 1),
                                                        &err), 0);
    int64_t c = s.cases[2];
    int done = -1;
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &parts, NULL, "en", NULL,
                                                 NULL, &p, &err), 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_LEARNER, "Ben Two", &done, &p), 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_KEY_WORKER, NULL, &done, &p), 0);
    assert_int_equal(done, 0);   /* waiting for the guardian */
    assert_int_equal(one(s.st, "SELECT count(*) FROM case_history WHERE kind = 'contract'"
                               " AND case_id = ?", c), 0);
    contract_state cs;
    assert_int_equal(support_contract_state(s.st, 1, c, &cs, &err), 0);
    assert_int_equal(cs.missing[CONTRACT_ROLE_GUARDIAN], 1);
    assert_int_equal(cs.signed_at[0], 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_GUARDIAN, "", &done, &p), 1);
    assert_int_equal(p, CONTRACT_NAME_MISSING);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_GUARDIAN, "Bea Two", &done, &p), 0);
    assert_int_equal(done, 1);
    /* with the age of majority at 14, L2 signs alone */
    assert_int_equal(support_setting_set(s.st, 1, 0, CONTRACT_AGE_OF_MAJORITY, "14", &err), 0);
    assert_int_equal(support_contract_guardian_required(s.st, 1, 2, day, &err), 0);
    assert_int_equal(support_setting_set(s.st, 1, 0, CONTRACT_AGE_OF_MAJORITY, "40", &err), 1);
    test_store_drop(s.st);
}

/* /verify: a signed version's code, its fingerprint matching or not, a
** draft, a wrong code; each lookup audited. */
static void test_verify(void **state) {
    school s = school_open(state, "contract_verify");
    cairn_err err = {0};
    contract_problem p;
    int done;
    int64_t c = s.cases[1];
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &parts, NULL, "en", NULL,
                                                 NULL, &p, &err), 0);
    contract_version *v = NULL;
    size_t n = 0;
    assert_int_equal(support_contract_versions(s.st, 1, c, &v, &n, &err), 0);
    char code[CONTRACT_CODE_TEXT], sha[CRYPTO_SHA256_HEX_LEN];
    snprintf(code, sizeof code, "%s", v[0].code);
    snprintf(sha, sizeof sha, "%s", v[0].sha256);
    support_contract_versions_free(v, n);
    assert_int_equal((int)strlen(code), CONTRACT_CODE_TEXT - 1);
    contract_verdict d;
    assert_int_equal(support_contract_verify(s.st, code, NULL, &d, &err), 0);
    assert_int_equal(d.found, 1);
    assert_int_equal(d.is_signed, 0);   /* a draft */
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_LEARNER, "Ada One", &done, &p), 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_KEY_WORKER, NULL, &done, &p), 0);
    assert_int_equal(support_contract_verify(s.st, code, sha, &d, &err), 0);
    assert_true(d.found && d.is_signed && d.fingerprint_given && d.fingerprint_matches);
    assert_int_equal(d.number, 1);
    assert_string_equal(d.institution, "School one");
    assert_int_equal(d.nsig, 2);
    assert_string_equal(d.sig[0].initials, "A. O.");
    char tampered[CRYPTO_SHA256_HEX_LEN];
    snprintf(tampered, sizeof tampered, "%s", sha);
    tampered[10] = tampered[10] == 'a' ? 'b' : 'a';
    assert_int_equal(support_contract_verify(s.st, code, tampered, &d, &err), 0);
    assert_true(d.found && d.is_signed && d.fingerprint_given && !d.fingerprint_matches);
    for (char *q = code; *q; q++) *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
    assert_int_equal(support_contract_verify(s.st, code, NULL, &d, &err), 0);
    assert_true(d.found && !d.fingerprint_given);
    assert_int_equal(support_contract_verify(s.st, "ZZZZ-ZZZZ-ZZZZ-ZZZZ", sha, &d, &err), 0);
    assert_int_equal(d.found, 0);
    assert_int_equal(support_contract_verify(s.st, "not a code", NULL, &d, &err), 0);
    assert_int_equal(d.found, 0);
    assert_int_equal(one(s.st, "SELECT count(*) FROM audit_event WHERE action = 'contract.verify'"
                               " AND institution_id = ?", 1), 4);
    test_store_drop(s.st);
}

/* The plan's goals are in the text (learning and career; not the health
** plan's, nor a dropped one); an amendment takes the goals as they are now. */
static void test_goals(void **state) {
    school s = school_open(state, "contract_goals");
    cairn_err err = {0};
    contract_problem p;
    support_plan_problem pp;
    int done;
    int64_t c = s.cases[1], g1 = 0, g2 = 0;
    const unsigned view = KW | SUPPORT_GOAL_SEES_HEALTH;
    support_goal_spec learn = {0, "learning", "attendance", "Come to every workshop day",
                               "days present of 10", "6", "10", "2099-01-01",
                               "Set two alarms", "A call on the first missed day", 0,
                               "Mr Mentor", 0};
    support_goal_spec health = {0, "health", "mental_health", "Sleep before midnight",
                                "nights of 7", "", "5", "2099-01-01", "", "", 0, "", 0};
    assert_int_equal(support_goal_add(s.st, 1, s.kw, view, c, &learn, NULL, &g1, &pp, &err), 0);
    assert_int_equal(support_goal_add(s.st, 1, s.kw, view, c, &health, NULL, &g2, &pp, &err), 0);
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &parts, NULL, "en", NULL,
                                                 NULL, &p, &err), 0);
    contract_version *v = NULL;
    size_t n = 0;
    assert_int_equal(support_contract_versions(s.st, 1, c, &v, &n, &err), 0);
    if (!strstr(v[0].text, "1. Come to every workshop day\n   Measure: days present of 10, "
                           "from 6 to 10, by 2099-01-01\n   The learner's step: Set two alarms\n"
                           "   The school's support: A call on the first missed day\n"
                           "   Who helps: Mr Mentor\n"))
        fail_msg("the goal is not in the text:\n%s", v[0].text);
    assert_null(strstr(v[0].text, "Sleep before midnight"));
    support_contract_versions_free(v, n);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_LEARNER, "Ada One", &done, &p), 0);
    assert_int_equal(support_goal_close(s.st, 1, s.kw, view, c, g1, SUPPORT_GOAL_DROPPED,
                                        "Not needed now", NULL, &pp, &err), 0);
    assert_int_equal(support_contract_amend(s.st, 1, s.kw, KW, c, NULL, "en", NULL, NULL, &p,
                                            &err), 0);
    assert_int_equal(support_contract_versions(s.st, 1, c, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_null(strstr(v[0].text, "Come to every workshop day"));      /* version 2 */
    assert_non_null(strstr(v[1].text, "Come to every workshop day"));  /* version 1 */
    assert_non_null(strstr(v[0].text, "No goals agreed yet."));
    support_contract_versions_free(v, n);
    test_store_drop(s.st);
}

/* The learner's whole record: the versions with their texts and signers;
** erasure blanks texts and names, the fingerprint still checks a paper. */
static void test_subject(void **state) {
    school s = school_open(state, "contract_subject");
    cairn_err err = {0};
    contract_problem p;
    int done;
    int64_t c = s.cases[1];
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &parts, NULL, "en", NULL,
                                                 NULL, &p, &err), 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_LEARNER, "Ada One", &done, &p), 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_KEY_WORKER, NULL, &done, &p), 0);
    json_t *j = NULL;
    assert_int_equal(support_contract_subject_read(s.st, 1, 1, &j, &err), 0);
    char *dump = json_dumps(j, 0);
    assert_non_null(strstr(dump, "I come to every lesson."));
    assert_non_null(strstr(dump, "\"name\": \"Ada One\""));
    free(dump);
    const char *code = json_string_value(json_object_get(json_array_get(j, 0), "code"));
    char keep[CONTRACT_CODE_TEXT], sha[CRYPTO_SHA256_HEX_LEN];
    snprintf(keep, sizeof keep, "%s", code);
    snprintf(sha, sizeof sha, "%s",
             json_string_value(json_object_get(json_array_get(j, 0), "sha256")));
    json_decref(j);
    assert_int_equal(store_tx_begin(s.st, &err), 0);
    assert_int_equal(support_contract_subject_erase(s.st, 1, 1, &err), 0);
    assert_int_equal(store_tx_commit(s.st, &err), 0);
    assert_int_equal(one(s.st, "SELECT count(*) FROM contract_version WHERE body <> ''"
                               " AND institution_id = ?", 1), 0);
    assert_int_equal(one(s.st, "SELECT count(*) FROM contract_signature WHERE name <> ''"
                               " AND institution_id = ?", 1), 0);
    contract_verdict d;
    assert_int_equal(support_contract_verify(s.st, keep, sha, &d, &err), 0);
    assert_true(d.found && d.is_signed && d.fingerprint_matches);
    test_store_drop(s.st);
}

/* Every write is audited in its transaction; the chain verifies; texts are
** sealed at rest. */
static void test_audit(void **state) {
    school s = school_open(state, "contract_audit");
    cairn_err err = {0};
    contract_problem p;
    int done;
    int64_t c = s.cases[1];
    assert_int_equal(support_contract_draft_save(s.st, 1, s.kw, KW, c, &parts, NULL, "en", NULL,
                                                 NULL, &p, &err), 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_LEARNER, "Ada One", &done, &p), 0);
    assert_int_equal(sign(&s, c, CONTRACT_ROLE_KEY_WORKER, NULL, &done, &p), 0);
    assert_int_equal(support_contract_amend(s.st, 1, s.kw, KW, c, NULL, "en", NULL, NULL, &p,
                                            &err), 0);
    static const char *const actions[] = {"contract.draft", "contract.sign", "contract.signed",
                                          "contract.amend"};
    static const int64_t counts[] = {1, 2, 1, 1};
    for (size_t i = 0; i < 4; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_event WHERE action = '%s'"
                                  " AND learner_id = ?", actions[i]);
        assert_int_equal(one(s.st, sql, 1), counts[i]);
    }
    assert_int_equal(one(s.st, "SELECT count(*) FROM contract_version WHERE body NOT LIKE 's1:%'"
                               " OR school_commits NOT LIKE 's1:%' OR learner_commits NOT LIKE"
                               " 's1:%' OR institution_id <> ?", 1), 0);
    assert_int_equal(one(s.st, "SELECT count(*) FROM contract_signature WHERE name NOT LIKE 's1:%'"
                               " OR institution_id <> ?", 1), 0);
    int64_t checked = 0, bad = 0;
    assert_int_equal(support_audit_verify(s.st, 1, &checked, &bad, &err), 0);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        BOTH(test_freeze),
        BOTH(test_guardian),
        BOTH(test_verify),
        BOTH(test_audit),
        BOTH(test_goals),
        BOTH(test_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
