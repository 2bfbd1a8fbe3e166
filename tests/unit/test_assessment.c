/*
** tests/unit/test_assessment.c — needs assessments of a case
** (support/assessment.h): adding one (rows, sealed texts, the audit event,
** the assessment task it completes), every refusal changing nothing, the
** latest ratings (support_assessment_latest_needs) and the list with its
** texts opened, who sees them (support_assessment_may_see) and the
** learner's whole record; on SQLite and PostgreSQL.
**
** The school is test_case.c's: key worker K1 (staff 3) of learners 1 and
** 2, teacher T1, psychologists P1 and P2 (team_member accounts), head H1.
*/
#include "testutil.h"
#include "base/date.h"
#include "support/assessment.h"
#include "support/case.h"
#include "web/access.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The school of test_case_school_sql with its accounts (testutil.h). */
typedef test_case_school school;

/* Take step code on case id as the key worker, on at. */
static void step(school *s, int64_t id, const char *code, const char *reason, const char *at) {
    cairn_err err = {0};
    support_case_problem p;
    if (support_case_step_take(s->st, 1, s->kw, SUPPORT_CASE_REL_KEY_WORKER, id, code, reason,
                               strcmp(code, "close") ? 0 : SUPPORT_CASE_MOVED, at, &p, &err) != 0)
        fail_msg("%s: %s", code, err.msg);
}

/* A spec on day with every domain unset but housing (need 2, own 1) and
** mental health (need 3, not asked). */
static support_assessment_spec spec_of(int32_t day) {
    support_assessment_spec a;
    memset(&a, 0, sizeof a);
    a.assessed_on = day;
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) a.need[d] = a.own[d] = SUPPORT_ASSESSMENT_UNSET;
    int h = support_domain_find("housing"), m = support_domain_find("mental_health");
    assert_true(h >= 0 && m >= 0);
    a.need[h] = 2;
    a.own[h] = 1;
    a.strengths[h] = "Sorts her own bus pass";
    a.comment[h] = "Sofa surfing since the move";
    a.need[m] = 3;
    a.note = "Canary overall note 5150";
    return a;
}

/* The latest ratings: none before the first assessment; the newer day wins. */
static void test_latest_needs(void **state) {
    school s = test_case_school_open(state, "assess_latest");
    cairn_err err = {0};
    support_assessment_problem p;
    int dom, needs[SUPPORT_DOMAIN_COUNT];
    int64_t id = test_case_open(&s, 1, "2025-03-03T09:00:00Z");
    assert_int_equal(support_assessment_latest_needs(s.st, 1, id, needs, &err), 0);
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) assert_int_equal(needs[d], -1);
    support_assessment_spec a = spec_of(date_from_ymd(2025, 3, 10));
    assert_int_equal(support_assessment_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, &a,
                                            "2025-03-20T10:00:00Z", NULL, &p, &dom, &err), 0);
    int h = support_domain_find("housing"), m = support_domain_find("mental_health");
    assert_int_equal(support_assessment_latest_needs(s.st, 1, id, needs, &err), 1);
    assert_int_equal(needs[h], 2);
    assert_int_equal(needs[m], 3);
    assert_int_equal(needs[support_domain_find("money")], -1);
    /* recorded later but for an earlier day: not the latest */
    a.need[h] = 0;
    a.assessed_on = date_from_ymd(2025, 3, 5);
    assert_int_equal(support_assessment_add(s.st, 1, s.p1, SUPPORT_CASE_REL_TEAM, id, &a,
                                            "2025-03-21T10:00:00Z", NULL, &p, &dom, &err), 0);
    assert_int_equal(support_assessment_latest_needs(s.st, 1, id, needs, &err), 1);
    assert_int_equal(needs[h], 2);
    a.need[h] = 1;
    a.assessed_on = date_from_ymd(2025, 3, 21);
    assert_int_equal(support_assessment_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, &a,
                                            "2025-03-21T11:00:00Z", NULL, &p, &dom, &err), 0);
    assert_int_equal(support_assessment_latest_needs(s.st, 1, id, needs, &err), 1);
    assert_int_equal(needs[h], 1);
    /* another institution's id sees nothing */
    assert_int_equal(support_assessment_latest_needs(s.st, 2, id, needs, &err), 0);
    test_store_drop(s.st);
}

/* Adding: the rows, sealed texts, the audit event, the open assessment
** task completed; the list opens the texts, oldest first. */
static void test_add(void **state) {
    school s = test_case_school_open(state, "assess_add");
    cairn_err err = {0};
    support_assessment_problem p;
    int dom;
    int64_t id = test_case_open(&s, 1, "2025-03-03T09:00:00Z"), aid = 0;
    step(&s, id, "start_assessment", "", "2025-03-04T09:00:00Z");
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'assessment'"
                                      " AND done_at IS NULL"), 1);
    support_assessment_spec a = spec_of(date_from_ymd(2025, 3, 10));
    assert_int_equal(support_assessment_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, &a,
                                            "2025-03-10T10:00:00Z", &aid, &p, &dom, &err), 0);
    assert_true(aid > 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_task WHERE kind = 'assessment'"
                                      " AND done_at IS NULL"), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_assessment_domain"),
                     SUPPORT_DOMAIN_COUNT);
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM audit_event WHERE action = 'assessment.add'"
                                " AND record_kind = 'case'"), 1);
    /* sealed at rest */
    assert_int_equal(test_count(s.st,
                                "SELECT count(*) FROM case_assessment WHERE note LIKE '%Canary%'"
                                " OR note NOT LIKE 's1:%'"), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_assessment_domain"
                                      " WHERE strengths LIKE '%bus%' OR comment LIKE '%Sofa%'"), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_assessment_domain"
                                      " WHERE comment LIKE 's1:%'"), 1);
    a.assessed_on = date_from_ymd(2025, 3, 24);
    a.need[support_domain_find("housing")] = 1;
    a.comment[support_domain_find("housing")] = "A room from April";
    assert_int_equal(support_assessment_add(s.st, 1, s.p1, SUPPORT_CASE_REL_TEAM, id, &a,
                                            "2025-03-24T10:00:00Z", NULL, &p, &dom, &err), 0);
    support_assessment *rows = NULL;
    size_t n = 0;
    assert_int_equal(support_assessment_list(s.st, 1, id, 1, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    int h = support_domain_find("housing");
    assert_int_equal(rows[0].assessed_on, date_from_ymd(2025, 3, 10));
    assert_int_equal(rows[0].domains[h].need, 2);
    assert_int_equal(rows[0].domains[h].own, 1);
    assert_string_equal(rows[0].domains[h].strengths, "Sorts her own bus pass");
    assert_string_equal(rows[0].domains[h].comment, "Sofa surfing since the move");
    assert_string_equal(rows[0].note, "Canary overall note 5150");
    assert_string_equal(rows[0].assessed_by_name, "Kim Keyone");
    assert_int_equal(rows[0].domains[support_domain_find("mental_health")].own, -1);
    assert_int_equal(rows[1].domains[h].need, 1);
    assert_string_equal(rows[1].domains[h].comment, "A room from April");
    support_assessments_free(rows, n);
    assert_int_equal(support_assessment_list(s.st, 1, id, 0, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].note, "");
    assert_string_equal(rows[0].domains[h].comment, "");
    assert_int_equal(rows[0].domains[h].need, 2);
    support_assessments_free(rows, n);
    test_store_drop(s.st);
}

/* Refused p about field, nothing written. */
static void refused(school *s, unsigned rel, int64_t account, int64_t id,
                    const support_assessment_spec *a, support_assessment_problem want,
                    const char *field) {
    cairn_err err = {0};
    support_assessment_problem p;
    int dom = -2;
    char f[64];
    int64_t before = test_count(s->st, "SELECT count(*) FROM case_assessment");
    int64_t events = test_count(s->st, "SELECT count(*) FROM audit_event");
    assert_int_equal(support_assessment_add(s->st, 1, account, rel, id, a,
                                            "2025-03-20T10:00:00Z", NULL, &p, &dom, &err), 1);
    assert_int_equal(p, want);
    support_assessment_problem_field(p, dom, f, sizeof f);
    assert_string_equal(f, field);
    assert_string_equal(err.msg, support_assessment_problem_text(want));
    assert_int_equal(test_count(s->st, "SELECT count(*) FROM case_assessment"), before);
    assert_int_equal(test_count(s->st, "SELECT count(*) FROM audit_event"), events);
}

/* Every refusal names its field and changes nothing. */
static void test_refusals(void **state) {
    school s = test_case_school_open(state, "assess_refuse");
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t id = test_case_open(&s, 1, "2025-03-03T09:00:00Z");
    support_assessment_spec a = spec_of(date_from_ymd(2025, 3, 10));
    int money = support_domain_find("money");
    refused(&s, SUPPORT_CASE_REL_LEADER, s.leader, id, &a, SUPPORT_ASSESSMENT_NOT_YOURS, "");
    refused(&s, 0, s.p2, id, &a, SUPPORT_ASSESSMENT_NOT_YOURS, "");
    a.need[money] = 4;
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_NEED_BAD, "need_money");
    a.need[money] = -2;
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_NEED_BAD, "need_money");
    a.need[money] = 1;
    a.own[money] = 7;
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_OWN_BAD, "own_money");
    a.own[money] = 0;
    char *lng = malloc(1100);
    memset(lng, 'x', 1001);
    lng[1001] = 0;
    a.strengths[money] = lng;
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_STRENGTHS_BAD, "strengths_money");
    a.strengths[money] = "ok";
    a.comment[money] = "bell\a";
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_COMMENT_BAD, "comment_money");
    a.comment[money] = lng;
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_COMMENT_BAD, "comment_money");
    a.comment[money] = "\xc3(";
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_COMMENT_BAD, "comment_money");
    a.comment[money] = NULL;
    memset(lng, 'y', 1100);
    lng[1099] = 0;   /* 1099 characters: a note may have 2000 */
    a.note = lng;
    cairn_err err = {0};
    support_assessment_problem p;
    int dom;
    a.assessed_on = date_from_ymd(2025, 3, 21);   /* after "today" */
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_DAY_BAD, "assessed_on");
    a.assessed_on = date_from_ymd(2025, 3, 2);    /* before the case */
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_DAY_BAD, "assessed_on");
    a.assessed_on = date_from_ymd(2025, 3, 10);
    support_assessment_spec none = a;
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) none.need[d] = -1;
    refused(&s, KW, s.kw, id, &none, SUPPORT_ASSESSMENT_NONE_RATED, "need_learning");
    char *note = malloc(8100);
    memset(note, 'z', 2001);
    note[2001] = 0;
    a.note = note;
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_NOTE_BAD, "note");
    a.note = lng;
    /* another institution's case: not found */
    assert_int_equal(support_assessment_add(s.st, 2, s.kw, KW, id, &a, "2025-03-20T10:00:00Z",
                                            NULL, &p, &dom, &err), -1);
    assert_int_equal(err.code, CAIRN_ENOTFOUND);
    assert_int_equal(support_assessment_add(s.st, 1, s.kw, KW, id, &a, "2025-03-20T10:00:00Z",
                                            NULL, &p, &dom, &err), 0);
    step(&s, id, "close", "Moved away.", "2025-03-20T11:00:00Z");
    refused(&s, KW, s.kw, id, &a, SUPPORT_ASSESSMENT_CASE_CLOSED, "");
    free(lng);
    free(note);
    test_store_drop(s.st);
}

/* The learner's whole record: exported with the texts opened; erasure
** blanks the texts and keeps the ratings. */
static void test_subject(void **state) {
    school s = test_case_school_open(state, "assess_subject");
    cairn_err err = {0};
    support_assessment_problem p;
    int dom;
    int64_t id = test_case_open(&s, 1, "2025-03-03T09:00:00Z");
    support_assessment_spec a = spec_of(date_from_ymd(2025, 3, 10));
    assert_int_equal(support_assessment_add(s.st, 1, s.kw, SUPPORT_CASE_REL_KEY_WORKER, id, &a,
                                            "2025-03-10T10:00:00Z", NULL, &p, &dom, &err), 0);
    json_t *out = NULL;
    assert_int_equal(support_assessment_subject_read(s.st, 1, 1, &out, &err), 0);
    assert_int_equal(json_array_size(out), 1);
    char *text = json_dumps(out, 0);
    assert_non_null(strstr(text, "Sofa surfing since the move"));
    assert_non_null(strstr(text, "Canary overall note 5150"));
    free(text);
    json_decref(out);
    assert_int_equal(support_assessment_subject_read(s.st, 1, 2, &out, &err), 0);
    assert_int_equal(json_array_size(out), 0);
    json_decref(out);
    assert_int_equal(support_assessment_subject_erase(s.st, 1, 1, &err), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_assessment_domain"
                                      " WHERE strengths <> '' OR comment <> ''"), 0);
    assert_int_equal(test_count(s.st, "SELECT count(*) FROM case_assessment WHERE note <> ''"), 0);
    int needs[SUPPORT_DOMAIN_COUNT];
    assert_int_equal(support_assessment_latest_needs(s.st, 1, id, needs, &err), 1);
    assert_int_equal(needs[support_domain_find("housing")], 2);
    test_store_drop(s.st);
}

/* Who sees a case's assessments: the key worker and the team, not a
** teacher on the team, not a leader, not a team member of another case. */
static void test_may_see(void **state) {
    school s = test_case_school_open(state, "assess_may_see");
    cairn_err err = {0};
    support_case_problem p;
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int64_t one = test_case_open(&s, 1, "2025-03-03T09:00:00Z");
    int64_t two = test_case_open(&s, 2, "2025-03-03T09:00:00Z");
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, one, 4, SUPPORT_CASE_ROLE_PSYCHOLOGIST,
                                           NULL, &p, &err), 0);
    assert_int_equal(support_case_team_add(s.st, 1, s.kw, KW, one, 1, SUPPORT_CASE_ROLE_TEACHER,
                                           NULL, &p, &err), 0);
    unsigned rel = 0;
    assert_int_equal(support_case_relation(s.st, 1, one, 3, &rel, &err), 0);
    assert_int_equal(support_assessment_may_see(s.st, 1, one, 3, rel, &err), 1);
    assert_int_equal(support_case_relation(s.st, 1, one, 4, &rel, &err), 0);
    assert_int_equal(support_assessment_may_see(s.st, 1, one, 4, rel, &err), 1);
    assert_int_equal(support_case_relation(s.st, 1, one, 1, &rel, &err), 0);
    assert_true(rel & SUPPORT_CASE_REL_TEAM);
    assert_int_equal(support_assessment_may_see(s.st, 1, one, 1, rel, &err), 0);
    assert_int_equal(support_assessment_may_see(s.st, 1, one, 6, SUPPORT_CASE_REL_LEADER, &err), 0);
    assert_int_equal(support_case_relation(s.st, 1, two, 4, &rel, &err), 0);
    assert_int_equal(rel, 0);
    assert_int_equal(support_assessment_may_see(s.st, 1, two, 4, rel, &err), 0);
    /* a forged TEAM bit without the row is not enough */
    assert_int_equal(support_assessment_may_see(s.st, 1, two, 4, SUPPORT_CASE_REL_TEAM, &err), 0);
    test_store_drop(s.st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_latest_needs),
        BOTH(test_add),
        BOTH(test_refusals),
        BOTH(test_subject),
        BOTH(test_may_see),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
