/*
** tests/unit/test_freshness.c — the demo school up to a day, how old the
** scores are in school days, and scoring again for today (risk/freshness.c),
** on SQLite and PostgreSQL.
**
** The demo school (60 learners) runs up to Friday 13 March 2026: no event
** and no end of an enrolment after that day.  School days are weekdays in
** a term (the demo's terms: Christmas and the weekend do not count); with
** no terms every weekday counts.  Scores made by risk_rescore_today() are
** fresh on the day, still fresh two school days later and stale after
** three; a second run with only_missing leaves the institution alone.
*/
#include "testutil.h"
#include "base/date.h"
#include "risk/freshness.h"
#include "school/demo.h"
#include "school/school.h"
#include <string.h>

/* The day written YYYY-MM-DD. */
static int32_t day(const char *s) {
    int32_t d = 0;
    if (date_parse(s, strlen(s), &d) < 0) fail_msg("bad date %s", s);
    return d;
}

/* An integer from sql, failing the test on error. */
static int64_t q(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t v = -1;
    if (store_query_int64(st, sql, -1, &v, &err) != 0) fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* School days between two days, failing the test on error. */
static int between(store *st, const char *from, const char *to) {
    cairn_err err = {0};
    int n = -1;
    if (risk_school_days_between(st, 1, day(from), day(to), &n, &err) != 0)
        fail_msg("between: %s", err.msg);
    return n;
}

static void test_demo_up_to_today_and_freshness(void **state) {
    store *st = test_store_fresh(KIND(state), "fresh");
    cairn_err err = {0};
    if (school_migrate(st, NULL, &err) || risk_migrate(st, NULL, &err))
        fail_msg("migrate: %s", err.msg);
    demo_opts o = {0};
    o.learners = 60;
    o.seed = 5;
    o.today = day("2026-03-13");
    import_report rep;
    if (school_demo_load(st, &o, &rep, &err)) fail_msg("demo: %s", err.msg);
    import_report_free(&rep);
    int32_t first, last;
    assert_int_equal(school_demo_period(&o, &first, &last, &err), 0);
    assert_int_equal(last, day("2026-03-13"));
    assert_int_equal(first, day("2024-09-02"));       /* the year before is complete */

    /* nothing after today; learners still active; someone left before it */
    assert_int_equal(q(st, "SELECT count(*) FROM attendance WHERE date > '2026-03-13'"), 0);
    assert_true(q(st, "SELECT count(*) FROM attendance WHERE date = '2026-03-13'") > 0);
    assert_int_equal(q(st, "SELECT count(*) FROM result WHERE date > '2026-03-13'"), 0);
    assert_int_equal(q(st, "SELECT count(*) FROM enrolment WHERE exit_date > '2026-03-13'"), 0);
    assert_true(q(st, "SELECT count(*) FROM enrolment WHERE status = 'active'") > 20);
    assert_true(q(st, "SELECT count(*) FROM enrolment WHERE status = 'completed'") > 0);

    /* school days in the demo's terms */
    assert_int_equal(between(st, "2026-03-13", "2026-03-13"), 0);
    assert_int_equal(between(st, "2026-03-13", "2026-03-16"), 1);   /* the weekend */
    assert_int_equal(between(st, "2026-03-13", "2026-03-18"), 3);
    assert_int_equal(between(st, "2025-12-12", "2026-01-07"), 7);   /* Christmas */

    /* no scores yet: neither fresh nor stale */
    risk_freshness f;
    assert_int_equal(risk_freshness_of(st, 1, day("2026-03-13"), &f, &err), 0);
    assert_true(f.asof == 0 && f.school_days == -1 && !f.stale);

    risk_rescore_result r;
    if (risk_rescore_today(st, day("2026-03-13"), 1, &r, &err) != 0) fail_msg("%s", err.msg);
    assert_true(r.institutions == 1 && r.skipped == 0 && r.learners > 20 && r.written > 20);
    assert_int_equal(q(st, "SELECT count(*) FROM risk_score WHERE asof = '2026-03-13'"),
                     (int64_t)r.learners);
    assert_int_equal(risk_freshness_of(st, 1, day("2026-03-13"), &f, &err), 0);
    assert_true(f.asof == day("2026-03-13") && f.school_days == 0 && !f.stale);
    assert_int_equal(risk_freshness_of(st, 1, day("2026-03-17"), &f, &err), 0);
    assert_true(f.school_days == 2 && !f.stale);
    assert_int_equal(risk_freshness_of(st, 1, day("2026-03-18"), &f, &err), 0);
    assert_true(f.school_days == 3 && f.stale);

    /* already scored today: only_missing leaves it; without, it runs again */
    if (risk_rescore_today(st, day("2026-03-13"), 1, &r, &err) != 0) fail_msg("%s", err.msg);
    assert_true(r.institutions == 0 && r.skipped == 1);
    if (risk_rescore_today(st, day("2026-03-13"), 0, &r, &err) != 0) fail_msg("%s", err.msg);
    assert_true(r.institutions == 1 && r.written == 0);

    /* without terms every weekday is a school day */
    assert_int_equal(store_exec(st, "DELETE FROM term", &err), 0);
    assert_int_equal(between(st, "2025-12-12", "2026-01-07"), 18);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_demo_up_to_today_and_freshness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
