/*
** tests/unit/test_import_detect.c — recognising a file's kind from its
** header (school/school.h import_kind_detect): every sample in docs/samples
** is recognised as its own kind, a wrong-kind file is named as what it
** looks like, and the import order puts references first.
*/
#include "testutil.h"
#include "base/buf.h"
#include "school/school.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every sample file is recognised as exactly the kind it is named after. */
static void t_samples_recognised(void **state) {
    (void)state;
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        char path[256];
        snprintf(path, sizeof path, "docs/samples/%s.csv", import_kind_name((import_kind)k));
        import_kind_guess g;
        cairn_err err = {0};
        assert_int_equal(import_kind_detect_file(path, &g, &err), 0);
        assert_int_equal(g.nmatch, 1);
        assert_int_equal(g.match[0], k);
    }
}

/* Case, spaces and a cairn_error column do not matter; order is free. */
static void t_header_forms(void **state) {
    (void)state;
    const char *h[] = {" Status ", "DATE", "learner", "cairn_error"};
    import_kind_guess g;
    import_kind_detect(h, 4, &g);
    assert_int_equal(g.nmatch, 1);
    assert_int_equal(g.match[0], IMPORT_ATTENDANCE);
}

/* A header with an unknown column or without a required one fits no kind;
** the closest kind is named in the description. */
static void t_near_miss(void **state) {
    (void)state;
    const char *h[] = {"learner", "given_name", "family_name", "phone"};
    import_kind_guess g;
    import_kind_detect(h, 4, &g);
    assert_int_equal(g.nmatch, 0);
    assert_int_equal(g.closest, IMPORT_LEARNERS);
    buf b = BUF_INIT;
    import_kind_guess_describe(&g, "pupils.csv", &b);
    assert_non_null(strstr(buf_cstr(&b), "pupils.csv does not look like any kind"));
    assert_non_null(strstr(buf_cstr(&b), "closest to learners"));
    buf_free(&b);
    const char *none[] = {"foo", "bar"};
    import_kind_detect(none, 2, &g);
    assert_int_equal(g.nmatch, 0);
    assert_int_equal(g.closest, -1);
    const char *missing[] = {"learner", "date"};   /* attendance without status */
    import_kind_detect(missing, 2, &g);
    assert_int_equal(g.nmatch, 0);
}

/* The description of a recognised file names the file and the kind. */
static void t_describe_match(void **state) {
    (void)state;
    const char *h[] = {"learner", "programme", "start_date", "status"};
    import_kind_guess g;
    import_kind_detect(h, 4, &g);
    assert_int_equal(g.nmatch, 1);
    buf b = BUF_INIT;
    import_kind_guess_describe(&g, "x.csv", &b);
    assert_string_equal(buf_cstr(&b), "x.csv looks like enrolments");
    buf_free(&b);
}

/* Every kind comes after the kinds it refers to. */
static void t_rank(void **state) {
    (void)state;
    assert_true(import_kind_rank(IMPORT_INSTITUTIONS) < import_kind_rank(IMPORT_PROGRAMMES));
    assert_true(import_kind_rank(IMPORT_PROGRAMMES) < import_kind_rank(IMPORT_GROUPS));
    assert_true(import_kind_rank(IMPORT_SITES) < import_kind_rank(IMPORT_GROUPS));
    assert_true(import_kind_rank(IMPORT_GROUPS) < import_kind_rank(IMPORT_ENROLMENTS));
    assert_true(import_kind_rank(IMPORT_LEARNERS) < import_kind_rank(IMPORT_GUARDIANS));
    assert_true(import_kind_rank(IMPORT_STAFF) < import_kind_rank(IMPORT_GROUP_STAFF));
    assert_true(import_kind_rank(IMPORT_LEARNERS) < import_kind_rank(IMPORT_ENROLMENTS));
    assert_true(import_kind_rank(IMPORT_ENROLMENTS) < import_kind_rank(IMPORT_ATTENDANCE));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_samples_recognised),
        cmocka_unit_test(t_header_forms),
        cmocka_unit_test(t_near_miss),
        cmocka_unit_test(t_describe_match),
        cmocka_unit_test(t_rank),
    };
    return cmocka_run_group_tests_name("import_detect", tests, NULL, NULL);
}
