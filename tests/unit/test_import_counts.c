/*
** tests/unit/test_import_counts.c — an import tells new, updated and
** unchanged rows apart (school/school.h import_report rows_new,
** rows_updated, rows_unchanged), on both backends: the samples are all new;
** importing them again leaves every row unchanged (and import_id settled);
** a corrected learners file and attendance file update exactly the rows
** whose values changed, also in a dry run; --sum counts its rows too.
*/
#include "testutil.h"
#include "base/buf.h"
#include "school/school.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kinds in the order docs/import.md says to import them. */
static const import_kind order[IMPORT_KIND_COUNT] = {
    IMPORT_INSTITUTIONS, IMPORT_SITES, IMPORT_TERMS, IMPORT_PROGRAMMES, IMPORT_GROUPS,
    IMPORT_LEARNERS, IMPORT_STAFF, IMPORT_GUARDIANS, IMPORT_GROUP_STAFF, IMPORT_ENROLMENTS,
    IMPORT_ATTENDANCE, IMPORT_RESULTS, IMPORT_BEHAVIOUR, IMPORT_ENGAGEMENT,
};

/* Import every sample in one session; the report's counts into *rep. */
static void import_samples(store *st, import_report *rep) {
    cairn_err err = {0};
    importer *im;
    assert_int_equal(importer_begin(st, NULL, &im, &err), 0);
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) {
        char path[128];
        snprintf(path, sizeof path, "docs/samples/%s.csv", import_kind_name(order[i]));
        if (importer_file(im, order[i], path, &err)) fail_msg("%s: %s", path, err.msg);
    }
    assert_int_equal(importer_finish(im, rep, &err), 0);
}

/* Import text as kind (dry when dry is 1) and return the report. */
static import_report import_text(store *st, import_kind kind, const char *text, int dry) {
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "f.csv", text, strlen(text));
    import_opts o = {0};
    o.dry_run = dry;
    cairn_err err = {0};
    importer *im;
    import_report rep;
    assert_int_equal(importer_begin(st, &o, &im, &err), 0);
    if (importer_file(im, kind, path, &err)) fail_msg("%s", err.msg);
    if (importer_finish(im, &rep, &err)) fail_msg("import: %s %s", err.msg, buf_cstr(&rep.messages));
    test_rm_rf(dir);
    free(dir);
    free(path);
    return rep;
}

/* The integer sql yields. */
static int64_t q64(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t v = -1;
    if (store_query_int64(st, sql, -1, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

static void t_counts(void **state) {
    store *st = test_store_fresh(KIND(state), "counts");
    cairn_err err = {0};
    if (school_migrate(st, NULL, &err)) fail_msg("school_migrate: %s", err.msg);
    import_report rep;
    import_samples(st, &rep);
    assert_true(rep.rows_new > 50);
    assert_int_equal(rep.rows_updated, 0);
    assert_int_equal(rep.rows_unchanged, 0);
    long all = rep.rows_new;
    import_report_free(&rep);

    import_samples(st, &rep);   /* the same again: nothing changed */
    assert_int_equal(rep.rows_new, 0);
    assert_int_equal(rep.rows_updated, 0);
    assert_int_equal(rep.rows_unchanged, all);
    import_report_free(&rep);
    /* every row carries a real import id again */
    assert_int_equal(q64(st, "SELECT count(*) FROM learner WHERE import_id < 0 OR "
                             "import_id > 1000000"), 0);
    assert_int_equal(q64(st, "SELECT count(*) FROM attendance WHERE import_id < 0 OR "
                             "import_id > 1000000"), 0);

    /* one name changed, one learner added, one left as it was */
    const char *learners = "learner,given_name,family_name\n"
                           "L1001,Aoife,Changed\nL1002,Łukasz,Nowak\nL9001,New,Person\n";
    int64_t before = q64(st, "SELECT count(*) FROM learner");
    rep = import_text(st, IMPORT_LEARNERS, learners, 1);   /* a dry run says the same */
    assert_int_equal(rep.rows_new, 1);
    assert_int_equal(rep.rows_updated, 1);
    assert_int_equal(rep.rows_unchanged, 1);
    import_report_free(&rep);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner"), before);
    rep = import_text(st, IMPORT_LEARNERS, learners, 0);
    assert_int_equal(rep.rows_new, 1);
    assert_int_equal(rep.rows_updated, 1);
    assert_int_equal(rep.rows_unchanged, 1);
    import_report_free(&rep);
    rep = import_text(st, IMPORT_LEARNERS, learners, 0);
    assert_int_equal(rep.rows_unchanged, 3);
    import_report_free(&rep);

    /* attendance (written in batches): a changed mark and an empty optional
    ** value that clears a stored one are updates */
    char *att = NULL;
    {
        FILE *f = fopen("docs/samples/attendance.csv", "rb");
        assert_non_null(f);
        buf b = BUF_INIT;
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
        fclose(f);
        att = buf_detach(&b);
    }
    long rows = 0;
    for (const char *p = strchr(att, '\n'); p && p[1]; p = strchr(p + 1, '\n')) rows++;
    rep = import_text(st, IMPORT_ATTENDANCE, att, 0);
    assert_int_equal(rep.rows_unchanged, rows);
    assert_int_equal(rep.rows_new + rep.rows_updated, 0);
    import_report_free(&rep);
    char *present = strstr(att, ",present,0");
    assert_non_null(present);
    memcpy(present, ",late,0   ", 10);   /* same length: the status changes */
    rep = import_text(st, IMPORT_ATTENDANCE, att, 0);
    assert_int_equal(rep.rows_updated, 1);
    assert_int_equal(rep.rows_unchanged, rows - 1);
    import_report_free(&rep);
    free(att);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(t_counts),
    };
    return cmocka_run_group_tests_name("import_counts", tests, NULL, NULL);
}
