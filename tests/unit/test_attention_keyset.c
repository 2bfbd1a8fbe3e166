/*
** tests/unit/test_attention_keyset.c — keyset paging of the attention list,
** on SQLite and PostgreSQL: for every learner of a school with ties and all
** three tiers, the "next learner" (risk_read_attention_next) and the pages
** after and before it (risk_read_attention_page) are exactly what a full
** read of the list gives, in every order, forwards and backwards; and on
** SQLite the cursor query of the order by urgency enters the index
** risk_score_attention at the cursor's tier and probability (a row-value
** range was not used by SQLite 3.40: a learner deep in a big tier walked
** the tier from its top).
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "risk/risk_read_internal.h"
#include <stdlib.h>
#include <string.h>

#define NL 60   /* learners */

/* The school: NL learners in two groups, scored on one day; tiers,
** probabilities (some NULL), flag counts and names repeat so that every key
** of every order has ties, and the last key (the id) decides them. */
static store *keyset_school(void **state, const char *name) {
    static const char *const prob[] = {"0.9", "0.5", "0.5", "NULL", "0.2", "0.5", "0.7"};
    static const char *const flags[] = {"[]", "[\"attendance_low\"]",
                                        "[\"attendance_low\",\"failed_unit\"]"};
    static const char *const family[] = {"Ash", "Birch", "Ash"};
    static const char *const given[] = {"Ann", "Bo"};
    buf sql = BUF_INIT;
    buf_puts(&sql,
        "INSERT INTO institution (id, code, name, created_at) VALUES"
        " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z');"
        "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
        "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
        " (1, 1, 'G1', 'Group one', 1), (1, 2, 'G2', 'Group two', 1);"
        "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
        " VALUES (1, 1, '2025-01-01T00:00:00Z', 'test', '{}');");
    for (int i = 1; i <= NL; i++) {
        buf_printf(&sql,
            "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
            " (1, %d, 'L%d', '%s', '%s');"
            "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id,"
            " start_date, status, exit_date) VALUES (1, %d, %d, 1, %d, '2024-09-01', 'active',"
            " NULL);"
            "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof,"
            " rule_set_version, probability, tier, flags, reasons, features, input_hash,"
            " computed_at) VALUES (1, %d, %d, '2025-03-14', 1, %s, %d, '%s', '[]', '{}', 'x',"
            " '2025-03-14');",
            i, i, given[(i / 3) % 2], family[i % 3], i, i, 1 + i % 2, i, i, prob[i % 7],
            (i * 5) % 11 < 6 ? 0 : (i * 5) % 11 < 9 ? 1 : 2, flags[(i / 2) % 3]);
    }
    store *st = test_school_db(KIND(state), name, buf_cstr(&sql));
    buf_free(&sql);
    return st;
}

/* The list's day. */
static int32_t list_day(void) {
    int32_t asof;
    assert_int_equal(date_parse("2025-03-14", 10, &asof), 0);
    return asof;
}

/* Check one order (sort, reverse) against a full read of the list: for
** every learner, the next learner, and the pages of 3 after and before. */
static void check_order(store *st, risk_attention_sort sort, int reverse,
                        const risk_visibility *vis, size_t nl) {
    cairn_err err = {0};
    int32_t asof = list_day();
    risk_attention_filter f = {0};
    f.tier = RISK_TIER_FILTER_ALL;
    f.sort = sort;
    f.reverse = reverse;
    f.visible = vis;
    risk_attention_row *all = NULL;
    size_t n = 0, total = 0;
    if (risk_read_attention(st, 1, asof, &f, 1000, &all, &n, &total, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n, nl);
    assert_int_equal(total, nl);
    for (size_t i = 0; i < n; i++) {
        int64_t id = all[i].learner_id;
        risk_attention_row next, self;
        int got = risk_read_attention_next(st, 1, asof, &f, id, NULL, &next, &err);
        if (got < 0) fail_msg("next of %lld: %s", (long long)id, err.msg);
        assert_int_equal(got, i + 1 < n);
        if (got && next.learner_id != all[i + 1].learner_id)
            fail_msg("sort %d reverse %d: after %lld comes %lld, not %lld", (int)sort, reverse,
                     (long long)id, (long long)all[i + 1].learner_id,
                     (long long)next.learner_id);
        assert_int_equal(risk_read_learner_latest(st, 1, id, &self, &err), 1);
        assert_int_equal(risk_read_attention_next(st, 1, asof, &f, id, &self, &next, &err),
                         got);
        if (got) assert_int_equal(next.learner_id, all[i + 1].learner_id);
        for (int before = 0; before <= 1; before++) {
            risk_attention_row *rows = NULL;
            size_t m = 0, t = 0, first = 0;
            if (risk_read_attention_page(st, 1, asof, &f, id, before, 3, &rows, &m, &t, &first,
                                         &err) != 0)
                fail_msg("page of %lld: %s", (long long)id, err.msg);
            size_t from = before ? (i >= 3 ? i - 3 : 0) : i + 1;
            size_t want = before ? i - from : (n - from < 3 ? n - from : 3);
            assert_int_equal(m, want);
            assert_int_equal(t, nl);
            assert_int_equal(first, m ? from + 1 : 0);
            for (size_t k = 0; k < m; k++)
                if (rows[k].learner_id != all[from + k].learner_id)
                    fail_msg("sort %d reverse %d %s %lld: row %zu is %lld, not %lld",
                             (int)sort, reverse, before ? "before" : "after", (long long)id, k,
                             (long long)rows[k].learner_id, (long long)all[from + k].learner_id);
            free(rows);
        }
    }
    free(all);
}

/* Every learner's next learner and pages around it agree with the full
** list, in each order, forwards and reversed: for the whole school (keyset
** SQL), and for narrow sets (on SQLite read whole and sorted in C): group
** 1, and everyone as a narrow set. */
static void test_keyset_matches_full_list(void **state) {
    store *st = keyset_school(state, "keyset");
    risk_visibility group = {"s.learner_id IN (SELECT v.learner_id FROM enrolment v"
                             " WHERE v.institution_id = 1 AND v.group_id = 1)", NULL, NULL, 1};
    risk_visibility everyone = {"s.learner_id IN (SELECT v.learner_id FROM enrolment v"
                                " WHERE v.institution_id = 1)", NULL, NULL, 1};
    for (int sort = RISK_SORT_URGENCY; sort <= RISK_SORT_GROUP; sort++)
        for (int reverse = 0; reverse <= 1; reverse++) {
            check_order(st, (risk_attention_sort)sort, reverse, NULL, NL);
            check_order(st, (risk_attention_sort)sort, reverse, &group, NL / 2);
            check_order(st, (risk_attention_sort)sort, reverse, &everyone, NL);
        }
    test_store_drop(st);
}

/* The first page of a narrow list (a caseload: read without a LIMIT, and
** on SQLite sorted in C, the rows past the page counted) holds the rows
** and count that the same list read as a wide one gives (sorted by SQL,
** with a LIMIT and a count query), in every order, for every page size
** from 1 to past the end, for a group and for everyone (ties on every
** key but the last), and for no one. */
static void test_narrow_first_page(void **state) {
    store *st = keyset_school(state, "narrow");
    cairn_err err = {0};
    static const char *const sets[] = {   /* group 1 (the odd half), everyone, no one */
        "s.learner_id IN (SELECT v.learner_id FROM enrolment v"
        " WHERE v.institution_id = 1 AND v.group_id = 1)",
        "s.learner_id IN (SELECT v.learner_id FROM enrolment v WHERE v.institution_id = 1)",
        "s.learner_id IN (SELECT v.learner_id FROM enrolment v WHERE v.institution_id = 0)"};
    static const size_t set_size[] = {NL / 2, NL, 0};
    for (size_t set = 0; set < 3; set++)
    for (int sort = RISK_SORT_URGENCY; sort <= RISK_SORT_GROUP; sort++)
        for (int reverse = 0; reverse <= 1; reverse++)
            for (size_t limit = 1; limit <= set_size[set] + 2; limit++) {
                risk_visibility narrow = {sets[set], NULL, NULL, 1};
                risk_visibility wide = narrow;
                wide.narrow = 0;
                risk_attention_filter f = {0};
                f.tier = RISK_TIER_FILTER_ALL;
                f.sort = (risk_attention_sort)sort;
                f.reverse = reverse;
                risk_attention_row *a = NULL, *b = NULL;
                size_t na = 0, nb = 0, ta = 0, tb = 0;
                f.visible = &narrow;
                if (risk_read_attention(st, 1, list_day(), &f, limit, &a, &na, &ta, &err) != 0)
                    fail_msg("%s", err.msg);
                f.visible = &wide;
                if (risk_read_attention(st, 1, list_day(), &f, limit, &b, &nb, &tb, &err) != 0)
                    fail_msg("%s", err.msg);
                assert_int_equal(tb, set_size[set]);
                assert_int_equal(ta, tb);
                assert_int_equal(na, nb);
                assert_int_equal(na, limit < set_size[set] ? limit : set_size[set]);
                for (size_t k = 0; k < na; k++)
                    if (a[k].learner_id != b[k].learner_id)
                        fail_msg("set %zu sort %d reverse %d limit %zu: row %zu is %lld, not %lld",
                                 set, sort, reverse, limit, k, (long long)a[k].learner_id,
                                 (long long)b[k].learner_id);
                free(a);
                free(b);
            }
    test_store_drop(st);
}

/* With a filter the cursor need not pass (the attention list: tiers 1 and
** 2, no new flags on a first day), the next learner of every learner (tier
** 0 ones too) is the first row after it in the full order that passes. */
static void test_keyset_next_filtered(void **state) {
    store *st = keyset_school(state, "keyset_filter");
    cairn_err err = {0};
    int32_t asof = list_day();
    for (int reverse = 0; reverse <= 1; reverse++) {
        risk_attention_filter f = {0};
        f.tier = RISK_TIER_FILTER_ALL;
        f.reverse = reverse;
        risk_attention_row *all = NULL;
        size_t n = 0, total = 0;
        assert_int_equal(risk_read_attention(st, 1, asof, &f, 1000, &all, &n, &total, &err), 0);
        f.tier = -1;
        for (size_t i = 0; i < n; i++) {
            size_t j = i + 1;
            while (j < n && all[j].tier == 0) j++;
            risk_attention_row next;
            int got = risk_read_attention_next(st, 1, asof, &f, all[i].learner_id, NULL, &next,
                                               &err);
            assert_int_equal(got, j < n);
            if (got) assert_int_equal(next.learner_id, all[j].learner_id);
        }
        free(all);
    }
    test_store_drop(st);
}

/* SQLite: the cursor's own tier is read from risk_score_attention entered
** at (tier, probability), and the tiers beyond from its tier range, in
** every direction, with and without a tier filter, names only or not; the
** first page of a narrow list seeks each learner's score of the day. */
static void test_keyset_plan(void **state) {
    store *st = keyset_school(state, "keyset_plan");
    for (int v = 0; v < 16; v++) {
        risk_attention_filter f = {0};
        f.tier = v & 1 ? 0 : RISK_TIER_FILTER_ALL;
        f.reverse = (v >> 1) & 1;
        int back = (v >> 2) & 1, names_only = (v >> 3) & 1;
        for (int part = 0; part < 2; part++) {
            buf sql = BUF_INIT, plan = BUF_INIT;
            int fields[KEYSET_MAX_FIELDS];
            size_t nf = 0;
            risk_read_page_sql(&f, 1, back, part, names_only, 0, &sql, fields, &nf);
            test_query_plan(st, buf_cstr(&sql), &plan);
            const char *want = part == 0 ? "USING INDEX risk_score_attention (institution_id=? "
                                           "AND asof=? AND tier=? AND <expr>"
                                         : "USING INDEX risk_score_attention (institution_id=? "
                                           "AND asof=? AND tier";
            if (!strstr(buf_cstr(&plan), want))
                fail_msg("variant %d part %d does not enter the index at the cursor:\n%s\n%s", v,
                         part, buf_cstr(&sql), buf_cstr(&plan));
            if (part == 1 && !(f.tier == 0 || strstr(buf_cstr(&plan), "tier<?") ||
                               strstr(buf_cstr(&plan), "tier>?")))
                fail_msg("variant %d: the tiers beyond are not a range:\n%s", v,
                         buf_cstr(&plan));
            buf_free(&sql);
            buf_free(&plan);
        }
    }
    /* the first page of a narrow list, sorted in C: one primary-key seek
    ** per learner of the set, the date among its keys */
    risk_visibility narrow = {"s.learner_id IN (SELECT v.learner_id FROM enrolment v"
                              " WHERE v.institution_id = 1 AND v.group_id = 1)",
                              NULL, NULL, 1};
    for (int sort = RISK_SORT_URGENCY; sort <= RISK_SORT_GROUP; sort++) {
        risk_attention_filter f = {0};
        f.tier = RISK_TIER_FILTER_ALL;
        f.sort = (risk_attention_sort)sort;
        f.visible = &narrow;
        buf sql = BUF_INIT, plan = BUF_INIT;
        int fields[KEYSET_MAX_FIELDS];
        size_t nf = 0;
        risk_read_page_sql(&f, 0, 0, 0, 0, 1, &sql, fields, &nf);
        test_query_plan(st, buf_cstr(&sql), &plan);
        if (!strstr(buf_cstr(&plan), "(institution_id=? AND learner_id=? AND asof=?)") ||
            strstr(buf_cstr(&plan), "ORDER BY") || strstr(buf_cstr(&sql), "LIMIT"))
            fail_msg("sort %d: the narrow first page is not one seek per learner, or sorts:"
                     "\n%s\n%s", sort, buf_cstr(&sql), buf_cstr(&plan));
        buf_free(&sql);
        buf_free(&plan);
    }
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_keyset_matches_full_list),
        BOTH(test_keyset_next_filtered),
        BOTH(test_narrow_first_page),
        {"test_keyset_plan [sqlite]", test_keyset_plan, NULL, NULL,
         (void *)(uintptr_t)&test_kind_sqlite},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
