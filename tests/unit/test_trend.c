/*
** tests/unit/test_trend.c — the dashboard's attendance and early-leaving
** trend (school_trend, school_year_span, web/trend.h): exact monthly
** figures on a small hand-built school, small months suppressed, only the
** learners the viewer may see, the cache and its invalidation by an
** import; the whole-institution series stored per score date
** (school_trend_store, called by risk_score_run) and read back for leaders;
** and the pages and API that show it, through web_dispatch.  On SQLite and
** PostgreSQL.
**
** The school: 2024/25 has two terms (2 Sep - 20 Dec, 6 Jan - 27 Jun).  G1
** (taught by T1) holds learners 1..12, G2 (taught by T2) learners 13..15.
** Learner 12 left early on 15 Oct, learner 15 on 20 Nov.
**   September: everyone has two sessions; G1 present, G2 absent.
**   October:   learners 1..12 one session each; 1..6 late, 7..12 excused.
**   November:  learners 13..15 one session each, present.
** Plus sessions outside the period (August, July) that must not count.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/date.h"
#include "risk/metrics.h"
#include "risk/risk.h"
#include "school/school.h"
#include "web/access.h"
#include "web/auth.h"
#include "web/server.h"
#include "web/trend.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1), (1, 2, 'G2', 'Group two', 1);"
    "INSERT INTO term (institution_id, id, code, name, school_year, start_date, end_date) VALUES"
    " (1, 1, 'Y23', 'Last year', '2023/24', '2023-09-04', '2024-06-28'),"
    " (1, 2, 'A24', 'Autumn', '2024/25', '2024-09-02', '2024-12-20'),"
    " (1, 3, 'S25', 'Spring', '2024/25', '2025-01-06', '2025-06-27');"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'T1', 'Tia', 'One'), (1, 2, 'T2', 'Tom', 'Two'), (1, 3, 'H1', 'Hana', 'Head');"
    "INSERT INTO group_staff (institution_id, group_id, staff_id, role) VALUES"
    " (1, 1, 1, 'class_teacher'), (1, 2, 2, 'teacher');";

/* The hand-built school (see the top) in a fresh database. */
static store *trend_db(void **state, const char *name) {
    cairn_err err = {0};
    store *st = test_school_db(KIND(state), name, school_sql);
    buf sql = BUF_INIT;
    for (int id = 1; id <= 15; id++) {
        int g = id <= 12 ? 1 : 2;
        int left = id == 12 || id == 15;
        buf_printf(&sql, "INSERT INTO learner (institution_id, id, ref, given_name, family_name)"
                         " VALUES (1, %d, 'L%d', 'Given', 'Family%02d');", id, id, id);
        buf_printf(&sql, "INSERT INTO enrolment (institution_id, id, learner_id, programme_id,"
                         " group_id, start_date, status, exit_date) VALUES"
                         " (1, %d, %d, 1, %d, '2024-09-02', '%s', %s);", id, id, g,
                   left ? "left_early" : "active",
                   id == 12 ? "'2024-10-15'" : id == 15 ? "'2024-11-20'" : "NULL");
        buf_printf(&sql, "INSERT INTO attendance (institution_id, learner_id, date, session,"
                         " status) VALUES (1, %d, '2024-09-03', 0, %d), (1, %d, '2024-09-03', 1,"
                         " %d), (1, %d, '2024-08-30', 0, 3), (1, %d, '2025-07-01', 0, 3);",
                   id, g == 1 ? 0 : 3, id, g == 1 ? 0 : 3, id, id);
        if (g == 1)
            buf_printf(&sql, "INSERT INTO attendance (institution_id, learner_id, date, session,"
                             " status) VALUES (1, %d, '2024-10-08', 0, %d);", id, id <= 6 ? 1 : 2);
        else
            buf_printf(&sql, "INSERT INTO attendance (institution_id, learner_id, date, session,"
                             " status) VALUES (1, %d, '2024-11-05', 0, 0);", id);
    }
    if (store_exec(st, buf_cstr(&sql), &err)) fail_msg("learners: %s", err.msg);
    buf_free(&sql);
    return st;
}

/* An account with roles (linked to staff_ref when not NULL) and its access context. */
static access_ctx account(store *st, const char *user, const char *staff_ref, unsigned roles) {
    cairn_err err = {0};
    int64_t id = test_account_add(st, user, "ONE", staff_ref, roles);
    access_ctx ctx;
    if (access_ctx_load(st, id, &ctx, &err)) fail_msg("ctx %s: %s", user, err.msg);
    return ctx;
}

/* Day number of a 'YYYY-MM-DD' literal. */
static int32_t day(const char *s) {
    int32_t d = 0;
    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

/* Check month i of t: its start and figures (sessions, attended, learners,
** left early), or that it is suppressed when sup. */
static void expect_month(const web_trend *t, size_t i, const char *start, int sup, long sessions,
                         long attended, long learners, long left) {
    assert_true(i < t->n);
    const school_trend_month *m = &t->month[i];
    assert_int_equal(m->month_start, day(start));
    assert_int_equal(t->suppressed[i], sup);
    assert_int_equal(m->sessions, sessions);
    assert_int_equal(m->attended, attended);
    assert_int_equal(m->learners, learners);
    assert_int_equal(m->left_early, left);
}

/* The school year of a day from the term table. */
static void test_year_span(void **state) {
    cairn_err err = {0};
    store *st = trend_db(state, "trend_year");
    int32_t first = 0, last = 0;
    assert_int_equal(school_year_span(st, 1, day("2025-02-10"), &first, &last, &err), 1);
    assert_int_equal(first, day("2024-09-02"));
    assert_int_equal(last, day("2025-06-27"));
    assert_int_equal(school_year_span(st, 1, day("2024-01-10"), &first, &last, &err), 1);
    assert_int_equal(first, day("2023-09-04"));
    assert_int_equal(school_year_span(st, 1, day("2020-01-01"), &first, &last, &err), 0);
    assert_int_equal(school_year_span(st, 2, day("2025-02-10"), &first, &last, &err), 0);
    test_store_drop(st);
}

/* Exact monthly figures for the whole institution, for a teacher, and
** for a teacher whose group is too small. */
static void test_trend_figures(void **state) {
    cairn_err err = {0};
    store *st = trend_db(state, "trend_fig");
    access_ctx leader = account(st, "leader", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    access_ctx t1 = account(st, "teacher1", "T1", ACCESS_ROLE_TEACHER);
    access_ctx t2 = account(st, "teacher2", "T2", ACCESS_ROLE_TEACHER);
    access_ctx nobody = account(st, "guardian", NULL, ACCESS_ROLE_GUARDIAN);
    web_trend t;

    /* the whole institution: September to November; November has only 3 learners */
    assert_int_equal(web_trend_read(st, &leader, day("2024-11-30"), &t, &err), 0);
    assert_int_equal(t.first, day("2024-09-02"));
    assert_int_equal(t.last, day("2024-11-30"));
    assert_int_equal(t.school_year, 1);
    assert_int_equal(t.whole_institution, 1);
    assert_int_equal(t.min_cell, METRIC_MIN_CELL);
    assert_int_equal(t.n, 3);
    expect_month(&t, 0, "2024-09-01", 0, 30, 24, 15, 0);
    expect_month(&t, 1, "2024-10-01", 0, 12, 6, 12, 1);
    expect_month(&t, 2, "2024-11-01", 1, 0, 0, 0, 0);   /* 3 learners, 1 left: withheld */

    /* teacher 1 sees the active learners of G1 (1..11): learner 12 has left */
    assert_int_equal(web_trend_read(st, &t1, day("2024-11-30"), &t, &err), 0);
    assert_int_equal(t.whole_institution, 0);
    expect_month(&t, 0, "2024-09-01", 0, 22, 22, 11, 0);
    expect_month(&t, 1, "2024-10-01", 0, 11, 6, 11, 0);
    expect_month(&t, 2, "2024-11-01", 1, 0, 0, 0, 0);

    /* teacher 2 sees two learners: every month withheld */
    assert_int_equal(web_trend_read(st, &t2, day("2024-11-30"), &t, &err), 0);
    for (size_t i = 0; i < t.n; i++) assert_int_equal(t.suppressed[i], 1);
    assert_int_equal(t.month[0].sessions, 0);

    /* someone who sees no learner gets nothing but withheld months */
    assert_int_equal(web_trend_read(st, &nobody, day("2024-11-30"), &t, &err), 0);
    for (size_t i = 0; i < t.n; i++) assert_int_equal(t.suppressed[i], 1);

    /* the raw query without a filter counts November too */
    school_trend_month m[SCHOOL_TREND_MONTHS];
    size_t n = 0;
    assert_int_equal(school_trend(st, 1, day("2024-09-02"), day("2024-11-30"), NULL, m, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(m[2].sessions, 3);
    assert_int_equal(m[2].attended, 3);
    assert_int_equal(m[2].left_early, 1);

    /* a long period keeps the latest SCHOOL_TREND_MONTHS months */
    assert_int_equal(school_trend(st, 1, day("2023-01-15"), day("2024-10-31"), NULL, m, &n, &err), 0);
    assert_int_equal(n, SCHOOL_TREND_MONTHS);
    assert_int_equal(m[n - 1].month_start, day("2024-10-01"));
    assert_int_equal(m[n - 2].sessions, 30);

    /* JSON: suppressed months carry null figures */
    assert_int_equal(web_trend_read(st, &leader, day("2024-11-30"), &t, &err), 0);
    json_t *j = web_trend_json(&t);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_non_null(strstr(text, "\"month\":\"2024-10\",\"sessions\":12,\"attendance_rate\":0.5,"
                                 "\"learners\":12,\"left_early\":1,\"suppressed\":false"));
    assert_non_null(strstr(text, "\"month\":\"2024-11\",\"sessions\":null,\"attendance_rate\":"
                                 "null,\"learners\":null,\"left_early\":null,\"suppressed\":true"));
    free(text);
    test_store_drop(st);
}

/* The cache answers until an import commits (the data version changes). */
static void test_trend_cache(void **state) {
    cairn_err err = {0};
    store *st = trend_db(state, "trend_cache");
    access_ctx leader = account(st, "leader", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    web_trend t;
    assert_int_equal(web_trend_get(st, &leader, day("2024-10-31"), &t, &err), 0);
    assert_int_equal(t.month[1].sessions, 12);
    /* a write that bypasses the importers is not seen while the entry lives */
    if (store_exec(st, "INSERT INTO attendance (institution_id, learner_id, date, session, status)"
                       " VALUES (1, 1, '2024-10-09', 0, 0)", &err))
        fail_msg("insert: %s", err.msg);
    assert_int_equal(web_trend_get(st, &leader, day("2024-10-31"), &t, &err), 0);
    assert_int_equal(t.month[1].sessions, 12);
    /* an import (a new import_run) makes the next read fresh */
    if (store_exec(st, "INSERT INTO import_run (institution_id, id, kind, source, started_at)"
                       " VALUES (1, 1, 'attendance', 'test', '2024-10-10T00:00:00Z')", &err))
        fail_msg("import_run: %s", err.msg);
    assert_int_equal(web_trend_get(st, &leader, day("2024-10-31"), &t, &err), 0);
    assert_int_equal(t.month[1].sessions, 13);
    assert_int_equal(t.month[1].attended, 7);
    test_store_drop(st);
}

static int get(store *st, const access_ctx *ctx, const char *path, char **body);

/* 1 if a and b hold the same trend: period, months, figures, suppression. */
static int same_trend(const web_trend *a, const web_trend *b) {
    if (a->ref != b->ref || a->first != b->first || a->last != b->last ||
        a->school_year != b->school_year || a->whole_institution != b->whole_institution ||
        a->min_cell != b->min_cell || a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const school_trend_month *x = &a->month[i], *y = &b->month[i];
        if (x->month_start != y->month_start || x->sessions != y->sessions ||
            x->attended != y->attended || x->learners != y->learners ||
            x->left_early != y->left_early || a->suppressed[i] != b->suppressed[i])
            return 0;
    }
    return 1;
}

/* How many rows school_trend_month holds for asof. */
static int64_t stored_rows(store *st, const char *asof) {
    cairn_err err = {0};
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM school_trend_month WHERE institution_id = 1"
                              " AND asof = '%s'", asof);
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err) < 0) fail_msg("count: %s", err.msg);
    return n;
}

/* `cairn score` stores the whole institution's series per score date; the
** leader's trend then comes from those rows and equals the live query
** exactly; a second date stores its own set; teachers stay on the live
** query; and a database with nothing stored for the date falls back. */
static void test_trend_stored(void **state) {
    cairn_err err = {0};
    store *st = trend_db(state, "trend_stored");
    access_ctx leader = account(st, "leader", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    access_ctx t1 = account(st, "teacher1", "T1", ACCESS_ROLE_TEACHER);
    web_trend live, got;

    /* nothing stored yet: the live query */
    assert_int_equal(web_trend_read(st, &leader, day("2024-11-30"), &live, &err), 0);
    assert_int_equal(live.stored, 0);
    assert_int_equal(live.n, 3);

    /* scoring a date stores its series, in the scoring transaction */
    risk_score_summary sum;
    if (risk_score_run(st, 1, day("2024-11-30"), NULL, &sum, &err) < 0)
        fail_msg("score: %s", err.msg);
    risk_score_summary_free(&sum);
    assert_int_equal(stored_rows(st, "2024-11-30"), 3);
    assert_int_equal(web_trend_read(st, &leader, day("2024-11-30"), &got, &err), 0);
    assert_int_equal(got.stored, 1);
    assert_true(same_trend(&live, &got));
    expect_month(&got, 0, "2024-09-01", 0, 30, 24, 15, 0);
    expect_month(&got, 1, "2024-10-01", 0, 12, 6, 12, 1);
    expect_month(&got, 2, "2024-11-01", 1, 0, 0, 0, 0);   /* withheld when shown */
    /* through web_trend_get too, uncached */
    assert_int_equal(web_trend_get(st, &leader, day("2024-11-30"), &got, &err), 0);
    assert_int_equal(got.stored, 1);
    assert_true(same_trend(&live, &got));

    /* the stored figures are the raw counts of the unfiltered query */
    school_trend_month raw[SCHOOL_TREND_MONTHS], kept[SCHOOL_TREND_MONTHS];
    size_t nraw = 0, nkept = 0;
    assert_int_equal(school_trend(st, 1, day("2024-09-02"), day("2024-11-30"), NULL, raw, &nraw,
                                  &err), 0);
    assert_int_equal(school_trend_stored(st, 1, day("2024-11-30"), day("2024-09-02"),
                                         day("2024-11-30"), kept, &nkept, &err), 1);
    assert_int_equal(nkept, nraw);
    assert_memory_equal(kept, raw, nraw * sizeof *raw);
    assert_int_equal(kept[2].sessions, 3);   /* November is stored, withheld only when shown */

    /* the leader reads the rows, not the attendance: an edit of a stored row shows */
    if (store_exec(st, "UPDATE school_trend_month SET sessions_recorded = 40"
                       " WHERE asof = '2024-11-30' AND month = '2024-09'", &err))
        fail_msg("update: %s", err.msg);
    assert_int_equal(web_trend_get(st, &leader, day("2024-11-30"), &got, &err), 0);
    assert_int_equal(got.month[0].sessions, 40);
    /* ... and storing the date again replaces its set */
    assert_int_equal(school_trend_store(st, 1, day("2024-11-30"), &err), 0);
    assert_int_equal(stored_rows(st, "2024-11-30"), 3);
    assert_int_equal(web_trend_get(st, &leader, day("2024-11-30"), &got, &err), 0);
    assert_true(same_trend(&live, &got));

    /* a teacher's trend stays the live one */
    web_trend t1_live;
    assert_int_equal(web_trend_get(st, &t1, day("2024-11-30"), &got, &err), 0);
    assert_int_equal(got.stored, 0);
    assert_int_equal(got.month[0].sessions, 22);
    assert_int_equal(web_trend_read(st, &t1, day("2024-11-30"), &t1_live, &err), 0);
    assert_true(same_trend(&t1_live, &got));

    /* a second date stores its own set, and the first one stays */
    assert_int_equal(web_trend_read(st, &leader, day("2024-10-31"), &live, &err), 0);
    assert_int_equal(live.stored, 0);
    if (risk_score_run(st, 1, day("2024-10-31"), NULL, &sum, &err) < 0)
        fail_msg("score: %s", err.msg);
    risk_score_summary_free(&sum);
    assert_int_equal(stored_rows(st, "2024-10-31"), 2);
    assert_int_equal(stored_rows(st, "2024-11-30"), 3);
    assert_int_equal(web_trend_read(st, &leader, day("2024-10-31"), &got, &err), 0);
    assert_int_equal(got.stored, 1);
    assert_int_equal(got.n, 2);
    assert_true(same_trend(&live, &got));
    expect_month(&got, 1, "2024-10-01", 0, 12, 6, 12, 1);

    /* the dashboard and the summary API show the latest date's stored series */
    char *body = NULL;
    if (store_exec(st, "UPDATE school_trend_month SET sessions_attended = 15"
                       " WHERE asof = '2024-11-30' AND month = '2024-09'", &err))
        fail_msg("update: %s", err.msg);
    assert_int_equal(get(st, &leader, "/api/v1/summary", &body), 200);
    assert_non_null(strstr(body, "\"month\":\"2024-09\",\"sessions\":30,\"attendance_rate\":0.5,"));
    free(body);

    /* nothing stored for a date (scored before the table existed): live */
    if (store_exec(st, "DELETE FROM school_trend_month WHERE asof = '2024-11-30'", &err))
        fail_msg("delete: %s", err.msg);
    assert_int_equal(web_trend_read(st, &leader, day("2024-11-30"), &got, &err), 0);
    assert_int_equal(got.stored, 0);
    assert_int_equal(got.month[0].attended, 24);
    /* stored months that are not the period's (terms changed since): live */
    assert_int_equal(school_trend_store(st, 1, day("2024-11-30"), &err), 0);
    if (store_exec(st, "UPDATE term SET start_date = '2024-10-01' WHERE id = 2", &err))
        fail_msg("terms: %s", err.msg);
    assert_int_equal(web_trend_read(st, &leader, day("2024-11-30"), &got, &err), 0);
    assert_int_equal(got.stored, 0);
    assert_int_equal(got.n, 2);
    test_store_drop(st);
}

/* GET path as the account behind ctx through the router; returns the status
** and leaves the body in *body (caller frees). */
static int get(store *st, const access_ctx *ctx, const char *path, char **body) {
    web_request req;
    web_response res;
    auth_session s;
    memset(&req, 0, sizeof req);
    memset(&s, 0, sizeof s);
    req.arena = arena_new(0);
    req.method = "GET";
    req.path = path;
    req.body = "";
    req.st = st;
    req.client_addr = "127.0.0.1";
    strcpy(s.username, "tester");
    strcpy(s.display_name, "Tester");
    s.who = *ctx;
    s.who.st = st;
    req.session = &s;
    web_response_init(&res);
    web_dispatch(&req, &res);
    int status = res.status;
    *body = strdup(buf_cstr(&res.body));
    web_response_free(&res);
    arena_free(req.arena);
    return status;
}

/* The dashboard draws the trend; the summary API has it; the group API
** checks the group; the model page and API without a model. */
static void test_trend_pages(void **state) {
    store *st = trend_db(state, "trend_pages");
    access_ctx leader = account(st, "leader", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    access_ctx t2 = account(st, "teacher2", "T2", ACCESS_ROLE_TEACHER);
    char *body = NULL;
    /* no scores: the trend of the latest school year up to today */
    assert_int_equal(get(st, &leader, "/dashboard", &body), 200);
    assert_non_null(strstr(body, "<title id=\"trend-attendance-title\">"));
    assert_non_null(strstr(body, "<title id=\"trend-left-title\">"));
    assert_non_null(strstr(body, "<th scope=\"col\" class=\"num\">Attendance rate</th>"));
    assert_non_null(strstr(body, "<td class=\"num\">80 %</td>"));   /* September: 24 of 30 */
    free(body);
    assert_int_equal(get(st, &t2, "/dashboard", &body), 200);
    assert_non_null(strstr(body, "withheld (too few learners)"));
    assert_null(strstr(body, "<td class=\"num\">0 %</td>"));   /* G2's September is withheld */
    free(body);
    assert_int_equal(get(st, &leader, "/api/v1/summary", &body), 200);
    assert_non_null(strstr(body, "\"whole_institution\":true"));
    assert_non_null(strstr(body, "\"month\":\"2024-09\",\"sessions\":30"));
    free(body);
    assert_int_equal(get(st, &t2, "/api/v1/groups/G2", &body), 200);
    assert_non_null(strstr(body, "\"code\":\"G2\""));
    free(body);
    assert_int_equal(get(st, &t2, "/api/v1/groups/G1", &body), 403);
    free(body);
    assert_int_equal(get(st, &t2, "/api/v1/groups/NOPE", &body), 404);
    free(body);
    assert_int_equal(get(st, &leader, "/model", &body), 200);
    assert_non_null(strstr(body, "cairn train"));
    free(body);
    assert_int_equal(get(st, &leader, "/api/v1/model", &body), 404);
    assert_non_null(strstr(body, "\"not_found\""));
    free(body);
    assert_int_equal(get(st, &t2, "/model", &body), 403);
    free(body);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_year_span),
        BOTH(test_trend_figures),
        BOTH(test_trend_cache),
        BOTH(test_trend_stored),
        BOTH(test_trend_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
