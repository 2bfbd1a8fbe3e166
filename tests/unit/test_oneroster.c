/*
** tests/unit/test_oneroster.c — OneRoster 1.1 / 1.2 bundles through the
** importer, on both backends.
**
** The bundles are in tests/fixtures/oneroster: v1.1 and v1.2 describe the
** same school (a district plus one school, 2 terms, 3 courses, 4 classes,
** 12 students and one to be deleted, 3 teachers, 4 parents / guardians);
** the bad-* bundles each hold one defect.  A few cases (several schools,
** row errors found by importer_record) are built in a temporary directory.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/mem.h"
#include "school/school.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* A fresh database with the school tables; drop with test_store_drop(). */
static store *fresh_school(store_kind kind, const char *name) {
    cairn_err err = {0};
    store *st = test_store_fresh(kind, name);
    if (school_migrate(st, NULL, &err)) fail_msg("school_migrate: %s", err.msg);
    return st;
}

/* The integer the query yields (0 when no row). */
static int64_t q64(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t v = -12345;
    if (store_query_int64(st, sql, -1, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* Every row of the query, columns joined by '|' and rows by '\n', NULL as
** "~", appended to out. */
static void qrows(store *st, const char *sql, buf *out) {
    cairn_err err = {0};
    store_stmt *s = store_prepare(st, sql, &err);
    if (!s) fail_msg("%s: %s", sql, err.msg);
    int rc;
    while ((rc = store_step(s, &err)) == STORE_ROW) {
        for (int c = 0; c < store_col_count(s); c++) {
            if (c) buf_putc(out, '|');
            buf_puts(out, store_col_is_null(s, c) ? "~" : store_col_text(s, c));
        }
        buf_putc(out, '\n');
    }
    store_finalize(s);
    if (rc < 0) fail_msg("%s: %s", sql, err.msg);
}

/* The query's rows as one string (see qrows); caller frees. */
static char *qtext(store *st, const char *sql) {
    buf b = BUF_INIT;
    qrows(st, sql, &b);
    if (b.len && b.data[b.len - 1] == '\n') b.data[--b.len] = 0;
    return b.len ? buf_detach(&b) : xstrdup("");
}

/* Assert that the query yields exactly want. */
static void assert_q(store *st, const char *sql, const char *want) {
    char *got = qtext(st, sql);
    if (strcmp(got, want) != 0) {
        print_error("%s\n  want: %s\n  got:  %s\n", sql, want, got);
        free(got);
        fail();
    }
    free(got);
}

/* Import the bundle in dir in one session; returns importer_finish's result
** (or -1 when importer_oneroster failed), with the report in *rep (free it)
** and the error in *err. */
static int import_bundle(store *st, const char *dir, const char *institution,
                         const char *skip_path, import_report *rep, cairn_err *err) {
    import_opts opts = {.institution = institution, .skip_bad_path = skip_path};
    importer *im;
    import_report_init(rep);
    if (importer_begin(st, &opts, &im, err)) fail_msg("importer_begin: %s", err->msg);
    int rc = importer_oneroster(im, dir, err);
    int fin = importer_finish(im, rep, err);
    if (rc < 0 && fin != -1) fail_msg("importer_finish after a failed bundle returned %d", fin);
    return fin;
}

/* Import a fixture bundle that must import cleanly. */
static void import_ok(store *st, const char *rel) {
    char *dir = test_fixture(rel);
    import_report rep;
    cairn_err err = {0};
    int rc = import_bundle(st, dir, NULL, NULL, &rep, &err);
    if (rc != 0)
        fail_msg("%s: rc %d: %s\n%s", rel, rc, err.msg, buf_cstr(&rep.messages));
    assert_int_equal(rep.rows_bad, 0);
    assert_true(rep.rows_written > 0);
    import_report_free(&rep);
    free(dir);
}

/* The counts every good bundle must give. */
static void assert_counts(store *st) {
    assert_int_equal(q64(st, "SELECT count(*) FROM institution"), 1);
    assert_int_equal(q64(st, "SELECT count(*) FROM term"), 2);
    assert_int_equal(q64(st, "SELECT count(*) FROM programme"), 3);
    assert_int_equal(q64(st, "SELECT count(*) FROM class_group"), 4);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner"), 12);
    assert_int_equal(q64(st, "SELECT count(*) FROM staff"), 3);
    assert_int_equal(q64(st, "SELECT count(*) FROM guardian"), 4);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner_guardian"), 5);
    assert_int_equal(q64(st, "SELECT count(*) FROM enrolment"), 13);
    assert_int_equal(q64(st, "SELECT count(*) FROM group_staff"), 5);
}

/* The values both good bundles share. */
static void assert_common_values(store *st) {
    assert_q(st, "SELECT code, name FROM institution", "RCC|Riverside College of Crafts");
    assert_q(st, "SELECT code, name, school_year, start_date, end_date FROM term ORDER BY code",
             "term-1|Autumn term 2024|2024/25|2024-09-02|2025-01-31\n"
             "term-2|Spring term 2025|2024/25|2025-02-03|2025-07-11");
    /* courseCode, else sourcedId; a quoted title with a comma; a district course */
    assert_q(st, "SELECT code, name FROM programme ORDER BY code",
             "CARP|Carpentry and Joinery\nELEC|Electrical Installation\n"
             "crs-hair|Hairdressing, Barbering and Beauty");
    /* classCode, else sourcedId; programme from the course; year from the first term */
    assert_q(st, "SELECT g.code, p.code, g.school_year FROM class_group g JOIN programme p"
                 " ON p.institution_id = g.institution_id AND p.id = g.programme_id ORDER BY g.code",
             "CARP-1A|CARP|2024/25\nCARP-1B|CARP|2024/25\nELEC-1A|ELEC|2024/25\n"
             "cls-hair-a|crs-hair|2024/25");
    /* identifier, else sourcedId; the tobedeleted student is not there */
    assert_q(st, "SELECT ref, given_name, family_name FROM learner WHERE ref IN"
                 " ('L1003', 's11', 'L1013', 's13') ORDER BY ref",
             "L1003|Chloé|Martin\ns11|Kofi|Mensah");
    /* birth dates from demographics */
    assert_q(st, "SELECT ref, birth_date FROM learner WHERE ref IN ('L1001', 'L1012', 's11')"
                 " ORDER BY ref",
             "L1001|2008-03-14\nL1012|~\ns11|2008-09-03");
    assert_q(st, "SELECT a.gender FROM learner_audit a JOIN learner l ON"
                 " l.institution_id = a.institution_id AND l.id = a.learner_id WHERE l.ref = 'L1002'",
             "male");
    assert_q(st, "SELECT ref, job_title, email FROM staff ORDER BY ref",
             "T201|teacher|olga.petrova@rcc.example\nT202|teacher|paul.dubois@rcc.example\n"
             "T203|teacher|rosa.garcia@rcc.example");
    assert_q(st, "SELECT g.ref, l.ref, lg.relationship, lg.parental_responsibility FROM"
                 " learner_guardian lg JOIN guardian g ON g.institution_id = lg.institution_id"
                 " AND g.id = lg.guardian_id JOIN learner l ON l.institution_id = lg.institution_id"
                 " AND l.id = lg.learner_id ORDER BY g.ref, l.ref",
             "P301|L1001|parent|1\nP301|L1002|parent|1\nP302|L1003|guardian|1\n"
             "P303|L1004|other|0\nP304|L1005|parent|1");
    /* phone, else sms */
    assert_q(st, "SELECT ref, phone FROM guardian WHERE ref IN ('P301', 'P304') ORDER BY ref",
             "P301|+44 20 7946 0001\nP304|+44 7700 900004");
    /* beginDate, else the class's first term's start; endDate as expected end */
    assert_q(st, "SELECT l.ref, p.code, g.code, e.start_date, e.expected_end_date, e.status"
                 " FROM enrolment e JOIN learner l ON l.institution_id = e.institution_id AND"
                 " l.id = e.learner_id JOIN programme p ON p.institution_id = e.institution_id AND"
                 " p.id = e.programme_id JOIN class_group g ON g.institution_id = e.institution_id"
                 " AND g.id = e.group_id WHERE l.ref IN ('L1001', 'L1002', 'L1004', 'L1005', 'L1007')"
                 " ORDER BY l.ref, e.start_date",
             "L1001|CARP|CARP-1A|2024-09-02|~|active\n"
             "L1001|ELEC|ELEC-1A|2025-02-03|2025-07-11|active\n"
             "L1002|CARP|CARP-1A|2024-09-02|~|active\n"
             "L1004|CARP|CARP-1B|2024-09-09|~|active\n"
             "L1005|CARP|CARP-1B|2024-09-02|~|active\n"
             "L1007|ELEC|ELEC-1A|2025-02-03|~|active");
    /* primary teachers are class teachers */
    assert_q(st, "SELECT g.code, s.ref, gs.role FROM group_staff gs JOIN class_group g ON"
                 " g.institution_id = gs.institution_id AND g.id = gs.group_id JOIN staff s ON"
                 " s.institution_id = gs.institution_id AND s.id = gs.staff_id ORDER BY g.code, s.ref",
             "CARP-1A|T201|class_teacher\nCARP-1A|T203|teacher\nCARP-1B|T201|class_teacher\n"
             "ELEC-1A|T202|class_teacher\ncls-hair-a|T203|class_teacher");
}

/* ---- good bundles ------------------------------------------------------------ */

/* 1 if the fixture file rel starts with prefix (n bytes) and contains
** needle somewhere, so a checkout that rewrote line ends or dropped the BOM
** is noticed rather than silently testing less. */
static int fixture_has(const char *rel, const char *prefix, size_t n, const char *needle) {
    char *path = test_fixture(rel);
    FILE *fp = fopen(path, "rb");
    if (!fp) fail_msg("cannot open %s", path);
    char text[8192];
    size_t got = fread(text, 1, sizeof text - 1, fp);
    text[got] = 0;
    fclose(fp);
    free(path);
    return got >= n && memcmp(text, prefix, n) == 0 && strstr(text, needle) != NULL;
}

/* A 1.1 bundle (manifest, BOM, CRLF, quoted commas, a district course). */
static void t_v11_imports(void **state) {
    assert_true(fixture_has("oneroster/v1.1/users.csv", "\xEF\xBB\xBFsourcedId", 12, "\r\n"));
    assert_true(fixture_has("oneroster/v1.1/courses.csv", "\xEF\xBB\xBF", 3,
                            "\"Hairdressing, Barbering and Beauty\""));
    store *st = fresh_school(KIND(state), "or_v11");
    import_ok(st, "oneroster/v1.1");
    assert_counts(st);
    assert_common_values(st);
    /* 1.1 knows only male and female: s11 has no sex, so no audit row */
    assert_int_equal(q64(st, "SELECT count(*) FROM learner_audit"), 11);
    assert_q(st, "SELECT name FROM class_group WHERE code = 'CARP-1B'", "Carpentry 1B");
    assert_int_equal(q64(st, "SELECT count(*) FROM import_run WHERE kind = 'oneroster'"), 1);
    test_store_drop(st);
}

/* A 1.2 bundle: roles in roles.csv, sex other / unspecified, a parent linked
** only from the student's agentSourcedIds, a teacher with a second role. */
static void t_v12_imports(void **state) {
    store *st = fresh_school(KIND(state), "or_v12");
    import_ok(st, "oneroster/v1.2");
    assert_counts(st);
    assert_common_values(st);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner_audit"), 12);
    assert_q(st, "SELECT l.ref, a.gender FROM learner_audit a JOIN learner l ON"
                 " l.institution_id = a.institution_id AND l.id = a.learner_id"
                 " WHERE l.ref IN ('s11', 'L1012', 'L1001') ORDER BY l.ref",
             "L1001|female\nL1012|not_stated\ns11|diverse");
    assert_q(st, "SELECT name FROM class_group WHERE code = 'CARP-1B'", "Carpentry 1B, evening");
    test_store_drop(st);
}

/* Everything the import wrote, as text, for comparing two states. */
static char *snapshot(store *st) {
    static const char *const sql[] = {
        "SELECT id, code, name, country FROM institution ORDER BY id",
        "SELECT id, code, name, school_year, start_date, end_date FROM term ORDER BY id",
        "SELECT id, code, name, eqf_level FROM programme ORDER BY id",
        "SELECT id, code, name, programme_id, school_year FROM class_group ORDER BY id",
        "SELECT id, ref, given_name, family_name, birth_date, email FROM learner ORDER BY id",
        "SELECT learner_id, gender FROM learner_audit ORDER BY learner_id",
        "SELECT id, ref, given_name, family_name, email, job_title FROM staff ORDER BY id",
        "SELECT id, ref, given_name, family_name, email, phone FROM guardian ORDER BY id",
        "SELECT learner_id, guardian_id, relationship, parental_responsibility"
        " FROM learner_guardian ORDER BY learner_id, guardian_id",
        "SELECT id, learner_id, programme_id, group_id, start_date, expected_end_date, status,"
        " exit_date FROM enrolment ORDER BY id",
        "SELECT group_id, staff_id, role FROM group_staff ORDER BY group_id, staff_id",
    };
    buf b = BUF_INIT;
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        buf_printf(&b, "-- %zu\n", i);
        qrows(st, sql[i], &b);
    }
    return buf_detach(&b);
}

/* The same bundle twice changes nothing; then the 1.2 form of the same
** school changes only what differs (a class name, two genders). */
static void t_reimport(void **state) {
    store *st = fresh_school(KIND(state), "or_again");
    import_ok(st, "oneroster/v1.1");
    char *first = snapshot(st);
    import_ok(st, "oneroster/v1.1");
    char *second = snapshot(st);
    assert_string_equal(first, second);
    assert_int_equal(q64(st, "SELECT count(*) FROM import_run"), 2);
    import_ok(st, "oneroster/v1.2");
    assert_counts(st);
    assert_q(st, "SELECT name FROM class_group WHERE code = 'CARP-1B'", "Carpentry 1B, evening");
    free(first);
    free(second);
    test_store_drop(st);
}

/* ---- bad bundles ------------------------------------------------------------- */

/* Import a bad fixture bundle: it must be refused with want in the report
** (or, for a whole-file problem, in the error) and write nothing. */
static void expect_bad(store *st, const char *rel, int want_rc, const char *want) {
    char *dir = test_fixture(rel);
    import_report rep;
    cairn_err err = {0};
    int rc = import_bundle(st, dir, NULL, NULL, &rep, &err);
    const char *msgs = buf_cstr(&rep.messages);
    if (rc != want_rc) fail_msg("%s: rc %d, want %d: %s\n%s", rel, rc, want_rc, err.msg, msgs);
    const char *where = want_rc < 0 ? err.msg : msgs;
    if (!strstr(where, want)) fail_msg("%s: want \"%s\" in:\n%s", rel, want, where);
    if (want_rc == 1) assert_int_equal(rep.rows_bad, 1);   /* one defect, one message */
    assert_int_equal(q64(st, "SELECT count(*) FROM learner"), 0);
    assert_int_equal(q64(st, "SELECT count(*) FROM institution"), 0);
    import_report_free(&rep);
    free(dir);
}

static void t_bad_bundles(void **state) {
    store *st = fresh_school(KIND(state), "or_bad");
    expect_bad(st, "oneroster/bad-unknown-user", 1,
               "enrollments.csv:3:6: user \"s99\" is not in users.csv\n");
    expect_bad(st, "oneroster/bad-unknown-course", 1,
               "classes.csv:3:6: course \"crs-plumb\" is not in courses.csv\n");
    expect_bad(st, "oneroster/bad-missing-role", -1,
               "users.csv:1: required column \"role\" is missing");
    expect_bad(st, "oneroster/bad-demographics-date", 1,
               "demographics.csv:3:4: birthDate \"2008-02-30\" is not a date of the form YYYY-MM-DD\n");
    /* and the good bundle still imports into the same database afterwards */
    import_ok(st, "oneroster/v1.1");
    assert_counts(st);
    test_store_drop(st);
}

/* With --skip-bad the good rows land and the bad-rows file holds the
** original OneRoster record under its own header. */
static void t_skip_bad(void **state) {
    store *st = fresh_school(KIND(state), "or_skip");
    char *dir = test_fixture("oneroster/bad-unknown-user");
    char *tmp = test_tmpdir();
    buf skip = BUF_INIT;
    buf_printf(&skip, "%s/bad.csv", tmp);
    import_report rep;
    cairn_err err = {0};
    int rc = import_bundle(st, dir, NULL, buf_cstr(&skip), &rep, &err);
    if (rc != 0) fail_msg("rc %d: %s", rc, err.msg);
    assert_int_equal(rep.rows_bad, 1);
    assert_int_equal(rep.rows_read, 11);   /* 1 institution, term, programme, group, */
    assert_int_equal(rep.rows_written, 10);  /* 3 people, 1 guardian link, 3 enrollments */
    assert_int_equal(q64(st, "SELECT count(*) FROM learner"), 2);
    assert_int_equal(q64(st, "SELECT count(*) FROM enrolment"), 1);
    FILE *fp = fopen(buf_cstr(&skip), "r");
    assert_non_null(fp);
    char text[2048];
    size_t n = fread(text, 1, sizeof text - 1, fp);
    text[n] = 0;
    fclose(fp);
    const char *want =
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate,cairn_error\n"
        "e02,,,cls-a,org-rcc,s99,student,false,,,"
        "\"enrollments.csv:3:6: user \"\"s99\"\" is not in users.csv\"\n";
    if (!strstr(text, want)) fail_msg("bad-rows file:\n%s", text);
    import_report_free(&rep);
    buf_free(&skip);
    test_rm_rf(tmp);
    free(tmp);
    free(dir);
    test_store_drop(st);
}

/* ---- bundles built here --------------------------------------------------------- */

/* Write the files (name, content pairs, NULL-terminated) into a new temp
** directory; caller frees the path and removes it with test_rm_rf(). */
static char *write_bundle(const char *const *files) {
    char *dir = test_tmpdir();
    for (size_t i = 0; files[i]; i += 2) free(test_write_file(dir, files[i], files[i + 1], strlen(files[i + 1])));
    return dir;
}

#define ORGS_H "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
#define SESS_H "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
#define CRS_H "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\n"
#define CLS_H "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
#define USR_H "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
#define ENR_H "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"

/* A district export with two schools: one must be chosen, and only its
** rows (and the district's shared courses) are imported. */
static void t_several_schools(void **state) {
    static const char *const files[] = {
        "orgs.csv", ORGS_H
            "org-d,,,North District,district,ND,\n"
            "org-a,,,Alder School,school,SA,org-d\n"
            "org-b,,,Birch School,school,SB,org-d\n",
        "academicSessions.csv", SESS_H "term-1,,,Autumn,term,2024-09-02,2025-01-31,,2025\n",
        "courses.csv", CRS_H
            ",,,,x,x,,,,\n"
            "c-a,,,,Welding,CA,,org-a,,\n"
            "c-b,,,,Baking,CB,,org-b,,\n"
            "c-d,,,,Safety at work,CD,,org-d,,\n",
        "classes.csv", CLS_H
            "k-a,,,Welding 1,,c-a,KA,,,org-a,term-1,,,\n"
            "k-b,,,Baking 1,,c-b,KB,,,org-b,term-1,,,\n"
            "k-d,,,Safety B,,c-d,KD,,,org-b,term-1,,,\n",
        "users.csv", USR_H
            "u1,,,true,org-a,student,,,Ann,Ash,,A1,,,,,,\n"
            "u2,,,true,org-b,student,,,Bob,Beech,,B1,,,,,,\n"
            "t1,,,true,\"org-a,org-b\",teacher,,,Tess,Teak,,T1,,,,,,\n",
        "enrollments.csv", ENR_H
            "e1,,,k-a,org-a,u1,student,,,\n"
            "e2,,,k-b,org-b,u2,student,,,\n"
            "e3,,,k-a,org-a,t1,teacher,true,,\n"
            "e4,,,k-b,org-b,t1,teacher,true,,\n",
        NULL};
    store *st = fresh_school(KIND(state), "or_schools");
    char *dir = write_bundle(files);
    import_report rep;
    cairn_err err = {0};
    assert_int_equal(import_bundle(st, dir, NULL, NULL, &rep, &err), -1);
    if (!strstr(err.msg, "several schools in orgs.csv; choose one with --institution CODE"))
        fail_msg("%s", err.msg);
    import_report_free(&rep);
    assert_int_equal(q64(st, "SELECT count(*) FROM institution"), 0);

    /* chosen by sourcedId; the empty course sourcedId is the one bad row */
    err = (cairn_err){0};
    assert_int_equal(import_bundle(st, dir, "org-a", NULL, &rep, &err), 1);
    if (!strstr(buf_cstr(&rep.messages), "courses.csv:2:1: sourcedId is empty"))
        fail_msg("%s", buf_cstr(&rep.messages));
    import_report_free(&rep);
    static const char fixed[] = CRS_H "c-a,,,,Welding,CA,,org-a,,\n"
        "c-b,,,,Baking,CB,,org-b,,\nc-d,,,,Safety at work,CD,,org-d,,\n";
    free(test_write_file(dir, "courses.csv", fixed, strlen(fixed)));
    err = (cairn_err){0};
    int rc = import_bundle(st, dir, "SA", NULL, &rep, &err);
    if (rc != 0) fail_msg("rc %d: %s\n%s", rc, err.msg, buf_cstr(&rep.messages));
    import_report_free(&rep);
    assert_q(st, "SELECT code FROM institution", "SA");
    assert_q(st, "SELECT code FROM programme ORDER BY code", "CA\nCD");
    assert_q(st, "SELECT code FROM class_group", "KA");
    assert_q(st, "SELECT ref FROM learner", "A1");
    assert_q(st, "SELECT ref FROM staff", "T1");
    assert_int_equal(q64(st, "SELECT count(*) FROM enrolment"), 1);
    assert_q(st, "SELECT role FROM group_staff", "class_teacher");

    /* an unknown --institution names the schools there are */
    err = (cairn_err){0};
    assert_int_equal(import_bundle(st, dir, "SX", NULL, &rep, &err), -1);
    if (!strstr(err.msg, "no school has the identifier or sourcedId \"SX\"") ||
        !strstr(err.msg, "SA, SB"))
        fail_msg("%s", err.msg);
    import_report_free(&rep);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* Values importer_record refuses are reported at the OneRoster field they
** came from; references to rejected rows say so; a delta bundle is refused. */
static void t_row_errors(void **state) {
    static const char *const files[] = {
        "orgs.csv", ORGS_H "org-a,,,Alder School,school,SA,\n",
        "academicSessions.csv", SESS_H
            "term-1,,,Autumn,term,2024-09-02,2024-08-01,,2025\n"   /* ends before it starts */
            "term-2,,,Spring,term,2025-02-03,2025-07-11,,2025\n",
        "courses.csv", CRS_H "c-a,,,,Welding,CA,,org-a,,\n",
        "classes.csv", CLS_H
            "k-a,,,Welding 1,,c-a,KA,,,org-a,term-2,,,\n"
            "k-b,,,Welding 2,,c-a,KB,,,org-a,term-9,,,\n",          /* unknown term */
        "users.csv", USR_H
            "u1,,,true,org-a,student,,,Ann,Ash,,A1,,,,,,\n"
            "u2,,,true,org-a,pupil,,,Bob,Beech,,B1,,,,,,\n"          /* not a role */
            "u3,,,true,org-a,student,,,Cy,Cedar,,C1,,,,,,\n"
            "p1,,,true,org-a,parent,,,Pat,Ash,,P1,,,,\"u1,u7\",,\n"   /* u7 unknown */
            "u9,,,true\n",                                            /* too short */
        "enrollments.csv", ENR_H
            "e1,,,k-a,org-a,u1,student,,2024-13-01,\n"               /* not a date */
            "e2,,,k-b,org-a,u3,student,,,\n"                          /* class was bad */
            "e3,,,k-a,org-a,u2,student,,,\n"                          /* user was bad */
            "e4,,,k-a,org-a,u3,teacher,,,\n"                          /* not staff */
            "e5,,,k-a,org-a,u3,student,maybe,,2025-01-01\n",          /* ends before start */
        NULL};
    store *st = fresh_school(KIND(state), "or_rows");
    char *dir = write_bundle(files);
    import_report rep;
    cairn_err err = {0};
    assert_int_equal(import_bundle(st, dir, NULL, NULL, &rep, &err), 1);
    const char *m = buf_cstr(&rep.messages);
    static const char *const want[] = {
        "academicSessions.csv:2:7: end_date 2024-08-01 is before start_date 2024-09-02\n",
        "classes.csv:3:11: term \"term-9\" is not in academicSessions.csv\n",
        "users.csv:3:6: role \"pupil\" is not a OneRoster role",
        "users.csv:5:16: agent \"u7\" is not in users.csv\n",
        "users.csv:6:4: the row has 4 columns; the header has 18\n",   /* once, not per pass */
        "enrollments.csv:2:9: start_date \"2024-13-01\" is not a date of the form YYYY-MM-DD\n",
        "enrollments.csv:3:4: class \"k-b\" was not imported: its row in classes.csv (line 3) is bad\n",
        "enrollments.csv:4:6: user \"u2\" was not imported: its row in users.csv (line 3) is bad\n",
        "enrollments.csv:5:6: user \"u3\" is enrolled as a teacher but is not a member of staff in users.csv\n",
        "enrollments.csv:6:10: expected_end_date 2025-01-01 is before start_date 2025-02-03\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(m, want[i])) fail_msg("want \"%s\" in:\n%s", want[i], m);
    assert_int_equal(rep.rows_bad, (long)(sizeof want / sizeof *want));
    import_report_free(&rep);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner"), 0);

    /* a delta bundle is refused as a whole */
    static const char manifest[] = "propertyName,value\noneroster.version,1.1\nfile.users,delta\n";
    free(test_write_file(dir, "manifest.csv", manifest, strlen(manifest)));
    err = (cairn_err){0};
    assert_int_equal(import_bundle(st, dir, NULL, NULL, &rep, &err), -1);
    if (!strstr(err.msg, "manifest.csv:3:2: users.csv is a delta file")) fail_msg("%s", err.msg);
    import_report_free(&rep);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(t_v11_imports),
        BOTH(t_v12_imports),
        BOTH(t_reimport),
        BOTH(t_bad_bundles),
        BOTH(t_skip_bad),
        BOTH(t_several_schools),
        BOTH(t_row_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
