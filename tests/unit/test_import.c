/*
** tests/unit/test_import.c — the CSV importer and exporter (school/school.h)
** against the documented formats: docs/samples and the bad fixtures in
** tests/fixtures/import/bad (whose expected messages are in EXPECTED there).
**
** Every test runs on both backends, "[sqlite]" and "[postgres]"; the
** PostgreSQL half needs CAIRN_TEST_PG (see scripts/pg-test.sh).  "Nothing
** changed" is checked by a dump of every school table's rows (all columns
** but import_id, ordered by key) compared before and after, plus the row
** counts, import_run included.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/csv.h"
#include "base/mem.h"
#include "school/import_spec.h"
#include "school/school.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define SAMPLES "docs/samples"
#define BAD_DIR "tests/fixtures/import/bad"

/* The kinds in the order docs/import.md says to import them. */
static const import_kind import_order[IMPORT_KIND_COUNT] = {
    IMPORT_INSTITUTIONS, IMPORT_SITES, IMPORT_TERMS, IMPORT_PROGRAMMES, IMPORT_GROUPS,
    IMPORT_LEARNERS, IMPORT_STAFF, IMPORT_GUARDIANS, IMPORT_GROUP_STAFF, IMPORT_ENROLMENTS,
    IMPORT_ATTENDANCE, IMPORT_RESULTS, IMPORT_BEHAVIOUR, IMPORT_ENGAGEMENT,
};

/* Every table an import writes, with the SELECT that dumps it: every column
** but import_id, ordered by the key.  import_run (the log of imports) is
** counted but not dumped, since every import adds a row. */
static const struct { const char *table, *dump; } tables[] = {
    {"institution", "SELECT id, code, name, country, created_at FROM institution ORDER BY id"},
    {"site", "SELECT institution_id, id, code, name, address FROM site ORDER BY 1, 2"},
    {"term", "SELECT institution_id, id, code, name, school_year, start_date, end_date"
             " FROM term ORDER BY 1, 2"},
    {"programme", "SELECT institution_id, id, code, name, eqf_level, duration_months, field"
                  " FROM programme ORDER BY 1, 2"},
    {"class_group", "SELECT institution_id, id, code, name, programme_id, school_year,"
                    " year_of_programme, site_id FROM class_group ORDER BY 1, 2"},
    {"learner", "SELECT institution_id, id, ref, given_name, family_name, birth_date, email"
                " FROM learner ORDER BY 1, 2"},
    {"learner_audit", "SELECT institution_id, learner_id, gender, migrant_background,"
                      " special_needs, first_language FROM learner_audit ORDER BY 1, 2"},
    {"staff", "SELECT institution_id, id, ref, given_name, family_name, email, job_title"
              " FROM staff ORDER BY 1, 2"},
    {"guardian", "SELECT institution_id, id, ref, given_name, family_name, email, phone"
                 " FROM guardian ORDER BY 1, 2"},
    {"learner_guardian", "SELECT institution_id, learner_id, guardian_id, relationship,"
                         " parental_responsibility FROM learner_guardian ORDER BY 1, 2, 3"},
    {"group_staff", "SELECT institution_id, group_id, staff_id, role FROM group_staff"
                    " ORDER BY 1, 2, 3"},
    {"enrolment", "SELECT institution_id, id, learner_id, programme_id, group_id, start_date,"
                  " expected_end_date, status, exit_date, exit_reason FROM enrolment"
                  " ORDER BY 1, 2"},
    {"attendance", "SELECT institution_id, learner_id, date, session, status, minutes"
                   " FROM attendance ORDER BY 1, 2, 3, 4"},
    {"result", "SELECT institution_id, learner_id, unit, assessment, date, score, max_score,"
               " passed, late, missing FROM result ORDER BY 1, 2, 3, 4"},
    {"behaviour", "SELECT institution_id, incident, learner_id, date, type, severity"
                  " FROM behaviour ORDER BY 1, 2, 3"},
    {"engagement", "SELECT institution_id, learner_id, date, source, metric, value"
                   " FROM engagement ORDER BY 1, 2, 3, 4, 5"},
    {"import_run", NULL},
};
enum { NTABLES = sizeof tables / sizeof *tables };

/* Rows per table after importing docs/samples (same order as tables[]). */
static const int64_t sample_counts[NTABLES] = {
    1, 3, 3, 4, 4, 8, 7, 4, 6, 7, 6, 9, 8, 6, 4, 6, 14,
};

/* ---- helpers -------------------------------------------------------------- */

/* A fresh database of the test's kind with the school schema. */
static store *fresh_school(void **state, const char *name) {
    store *st = test_store_fresh(KIND(state), name);
    cairn_err err = {0};
    if (school_migrate(st, NULL, &err)) fail_msg("school_migrate: %s", err.msg);
    return st;
}

/* The integer sql yields (with an optional parameter >= 0). */
static int64_t q64(store *st, const char *sql, int64_t param) {
    cairn_err err = {0};
    int64_t v = -12345;
    if (store_query_int64(st, sql, param, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* The text of the first column of the first row of sql with one text
** parameter, or "<none>" / "<null>"; caller frees. */
static char *qtext(store *st, const char *sql, const char *param) {
    cairn_err err = {0};
    store_stmt *s = store_prepare(st, sql, &err);
    if (!s) fail_msg("%s: %s", sql, err.msg);
    if (param) store_bind_text(s, 1, param, (size_t)-1);
    int rc = store_step(s, &err);
    if (rc < 0) fail_msg("%s: %s", sql, err.msg);
    char *out = xstrdup(rc == STORE_ROW ? (store_col_is_null(s, 0) ? "<null>" : store_col_text(s, 0))
                                        : "<none>");
    store_finalize(s);
    return out;
}

/* Assert that sql (with text param) yields exactly want. */
static void assert_qtext(store *st, const char *sql, const char *param, const char *want) {
    char *got = qtext(st, sql, param);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s [%s]\n  got:  \"%s\"\n  want: \"%s\"\n", sql, param ? param : "", got, want);
        free(got);
        fail();
    }
    free(got);
}

/* Row counts of every table in tables[]. */
static void counts(store *st, int64_t out[NTABLES]) {
    for (int i = 0; i < NTABLES; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i].table);
        out[i] = q64(st, sql, -1);
    }
}

/* Assert two sets of counts are equal, naming the first table that differs. */
static void assert_counts_equal(const int64_t got[NTABLES], const int64_t want[NTABLES]) {
    for (int i = 0; i < NTABLES; i++)
        if (got[i] != want[i])
            fail_msg("table %s has %lld rows; expected %lld", tables[i].table,
                     (long long)got[i], (long long)want[i]);
}

/* Every table's rows (but import_run's, and without import_id), as one
** string: "table\n" then one "a|b|c\n" per row, SQL NULL as \N.  Caller frees. */
static char *dump(store *st) {
    buf b = BUF_INIT;
    cairn_err err = {0};
    for (int t = 0; t < NTABLES; t++) {
        if (!tables[t].dump) continue;
        buf_printf(&b, "%s\n", tables[t].table);
        store_stmt *s = store_prepare(st, tables[t].dump, &err);
        if (!s) fail_msg("%s: %s", tables[t].dump, err.msg);
        int rc;
        while ((rc = store_step(s, &err)) == STORE_ROW) {
            int nc = store_col_count(s);
            for (int c = 0; c < nc; c++) {
                if (c) buf_putc(&b, '|');
                buf_puts(&b, store_col_is_null(s, c) ? "\\N" : store_col_text(s, c));
            }
            buf_putc(&b, '\n');
        }
        store_finalize(s);
        if (rc < 0) fail_msg("%s: %s", tables[t].dump, err.msg);
    }
    return buf_detach(&b);
}

/* A snapshot: the dump and the counts. */
typedef struct snapshot {
    char *rows;
    char hash[CRYPTO_SHA256_HEX_LEN];
    int64_t n[NTABLES];
} snapshot;

static void snap(store *st, snapshot *s) {
    s->rows = dump(st);
    crypto_sha256_hex(s->rows, strlen(s->rows), s->hash);
    counts(st, s->n);
}

/* Assert the database is exactly as in before (data and counts), then free
** before. */
static void assert_unchanged(store *st, snapshot *before) {
    snapshot now;
    snap(st, &now);
    if (strcmp(now.hash, before->hash) != 0) assert_string_equal(now.rows, before->rows);
    assert_counts_equal(now.n, before->n);
    free(now.rows);
    free(before->rows);
    before->rows = NULL;
}

/* Import files (kinds[i], paths[i]) as one session, the way `cairn import`
** does: a file that fails as a whole aborts the session.  Returns
** importer_finish's result (0, 1) or -1; *rep gets the report (caller frees
** with import_report_free) and *all the messages `cairn import` would print:
** the report's, then the error when the session failed (caller frees). */
static int import_n(store *st, const import_opts *opts, size_t n, const import_kind *kinds,
                    const char *const *paths, import_report *rep, char **all) {
    cairn_err err = {0};
    importer *im;
    import_report_init(rep);
    int rc = importer_begin(st, opts, &im, &err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = importer_file(im, kinds[i], paths[i], &err);
        if (rc < 0) importer_abort(im);
    }
    if (rc == 0) rc = importer_finish(im, rep, &err);
    assert_false(store_in_tx(st));
    buf b = BUF_INIT;
    buf_puts(&b, buf_cstr(&rep->messages));
    if (rc < 0) buf_printf(&b, "%s\n", err.msg);
    if (all) *all = buf_detach(&b); else buf_free(&b);
    return rc;
}

/* Import one file; as import_n. */
static int import1(store *st, const import_opts *opts, import_kind kind, const char *path,
                   import_report *rep, char **all) {
    return import_n(st, opts, 1, &kind, &path, rep, all);
}

/* Import one file that must import cleanly; returns rows written. */
static long import_ok(store *st, import_kind kind, const char *path) {
    import_report rep;
    char *all;
    int rc = import1(st, NULL, kind, path, &rep, &all);
    if (rc != 0 || rep.rows_bad) fail_msg("importing %s: rc %d\n%s", path, rc, all);
    long w = rep.rows_written;
    free(all);
    import_report_free(&rep);
    return w;
}

/* docs/samples/<kind>.csv; caller frees. */
static char *sample_path(import_kind k) {
    buf b = BUF_INIT;
    buf_printf(&b, SAMPLES "/%s.csv", import_kind_name(k));
    return buf_detach(&b);
}

/* Import every sample in the documented order, one session per file (as a
** person would, one `cairn import` per file). */
static void load_samples(store *st) {
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) {
        char *p = sample_path(import_order[i]);
        import_ok(st, import_order[i], p);
        free(p);
    }
}

/* The whole file at path (NUL-terminated); *n gets its length. Caller frees. */
static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s: %s", path, strerror(errno));
    buf b = BUF_INIT;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, got);
    fclose(f);
    if (n) *n = b.len;
    if (!b.data) buf_puts(&b, "");
    return buf_detach(&b);
}

/* s with every occurrence of from replaced by to; caller frees. */
static char *replace(const char *s, const char *from, const char *to) {
    buf b = BUF_INIT;
    size_t fl = strlen(from);
    const char *p;
    int found = 0;
    while ((p = strstr(s, from)) != NULL) {
        buf_append(&b, s, (size_t)(p - s));
        buf_puts(&b, to);
        s = p + fl;
        found = 1;
    }
    buf_puts(&b, s);
    if (!found) fail_msg("replace: \"%s\" not found", from);
    return buf_detach(&b);
}

/* Write text to dir/name; returns the path (caller frees). */
static char *write_text(const char *dir, const char *name, const char *text) {
    return test_write_file(dir, name, text, strlen(text));
}

/* ---- the samples ------------------------------------------------------------ */

/* Every sample imports, in order, into an empty database, with the counts
** and values the files say. */
static void t_samples(void **state) {
    store *st = fresh_school(state, "samples");
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) {
        char *p = sample_path(import_order[i]);
        import_report rep;
        char *all;
        int rc = import1(st, NULL, import_order[i], p, &rep, &all);
        if (rc != 0) fail_msg("%s: rc %d\n%s", p, rc, all);
        assert_int_equal(rep.rows_bad, 0);
        assert_int_equal(rep.rows_read, rep.rows_written);
        assert_int_equal(rep.messages.len, 0);
        free(all);
        import_report_free(&rep);
        free(p);
    }
    int64_t n[NTABLES];
    counts(st, n);
    assert_counts_equal(n, sample_counts);

    /* CRLF file: the quoted address keeps its comma and its line break (as LF). */
    assert_qtext(st, "SELECT address FROM site WHERE code = ?", "MAIN",
                 "12 Quay Street,\nWaterford X91 AB12");
    /* UTF-8 names. */
    assert_qtext(st, "SELECT given_name FROM learner WHERE ref = ?", "L1002", "Łukasz");
    assert_qtext(st, "SELECT family_name FROM learner WHERE ref = ?", "L1005", "O'Connor");
    /* Semicolons, a BOM and decimal commas: 17,5 is 17.5; the BOM is not
    ** part of the first column's name. */
    int64_t tenths = q64(st, "SELECT CAST(round(score * 10) AS BIGINT) FROM result r JOIN learner l"
                             " ON l.institution_id = r.institution_id AND l.id = r.learner_id"
                             " WHERE l.id = ?", q64(st, "SELECT id FROM learner WHERE ref = 'L1001'", -1));
    assert_int_equal(tenths, 175);
    /* Empty = absent: an empty score, passed, late. */
    assert_qtext(st, "SELECT coalesce(CAST(r.score AS TEXT), 'null') || '/' || coalesce(CAST(r.passed AS TEXT), 'null')"
                     " || '/' || r.late FROM result r JOIN learner l ON l.institution_id = r.institution_id"
                     " AND l.id = r.learner_id WHERE l.ref = ?", "L1006", "null/null/0");
    /* Defaults: empty session = whole day (0), empty minutes = 0, empty role = teacher. */
    assert_qtext(st, "SELECT CAST(a.session AS TEXT) || '/' || a.minutes FROM attendance a JOIN learner l"
                     " ON l.institution_id = a.institution_id AND l.id = a.learner_id WHERE l.ref = ?",
                 "L1003", "0/0");
    assert_qtext(st, "SELECT gs.role FROM group_staff gs JOIN class_group g ON g.institution_id ="
                     " gs.institution_id AND g.id = gs.group_id WHERE g.code = ?", "CHEF-1A", "teacher");
    /* One guardian, two learners: one guardian row, two links. */
    assert_int_equal(q64(st, "SELECT count(*) FROM guardian WHERE ref = 'G506'", -1), 1);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner_guardian lg JOIN guardian g ON"
                             " g.institution_id = lg.institution_id AND g.id = lg.guardian_id"
                             " WHERE g.ref = 'G506'", -1), 2);
    /* The learner without fairness-audit values has no audit row. */
    assert_int_equal(q64(st, "SELECT count(*) FROM learner_audit a JOIN learner l ON"
                             " l.institution_id = a.institution_id AND l.id = a.learner_id"
                             " WHERE l.ref = 'L1008'", -1), 0);
    /* Each import is logged with its counts. */
    assert_int_equal(q64(st, "SELECT rows_written FROM import_run WHERE kind = 'enrolments'", -1), 9);
    test_store_drop(st);
}

/* All the samples in ONE session (several kinds, as the demo does). */
static void t_samples_one_session(void **state) {
    store *st = fresh_school(state, "onesession");
    const char *paths[IMPORT_KIND_COUNT];
    char *owned[IMPORT_KIND_COUNT];
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) paths[i] = owned[i] = sample_path(import_order[i]);
    import_report rep;
    char *all;
    int rc = import_n(st, NULL, IMPORT_KIND_COUNT, import_order, paths, &rep, &all);
    if (rc != 0) fail_msg("rc %d\n%s", rc, all);
    int64_t n[NTABLES], want[NTABLES];
    counts(st, n);
    memcpy(want, sample_counts, sizeof want);
    want[NTABLES - 1] = 1;   /* one import_run row for the session */
    assert_counts_equal(n, want);
    assert_int_equal(rep.rows_written, 73);
    free(all);
    import_report_free(&rep);
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) free(owned[i]);
    test_store_drop(st);
}

/* Importing everything again changes nothing but the import log. */
static void t_reimport_same(void **state) {
    store *st = fresh_school(state, "reimport");
    load_samples(st);
    snapshot before;
    snap(st, &before);
    load_samples(st);
    before.n[NTABLES - 1] += IMPORT_KIND_COUNT;   /* 14 more import_run rows */
    assert_unchanged(st, &before);
    test_store_drop(st);
}

/* A corrected file updates in place: same ids, new values; and the original
** file puts everything back exactly. */
static void t_corrected(void **state) {
    store *st = fresh_school(state, "corrected");
    load_samples(st);
    snapshot before;
    snap(st, &before);
    int64_t id = q64(st, "SELECT id FROM learner WHERE ref = 'L1002'", -1);
    char *dir = test_tmpdir();

    char *orig = slurp(SAMPLES "/learners.csv", NULL);
    char *fixed = replace(orig, "L1002,Łukasz,Nowak,", "L1002,Lukas,Nowak-Kowalski,");
    char *path = write_text(dir, "learners.csv", fixed);
    assert_int_equal(import_ok(st, IMPORT_LEARNERS, path), 8);
    assert_qtext(st, "SELECT given_name || ' ' || family_name FROM learner WHERE ref = ?", "L1002",
                 "Lukas Nowak-Kowalski");
    assert_int_equal(q64(st, "SELECT id FROM learner WHERE ref = 'L1002'", -1), id);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner", -1), 8);
    free(orig); free(fixed); free(path);

    orig = slurp(SAMPLES "/attendance.csv", NULL);
    fixed = replace(orig, "L1004,2024-09-16,0,absent_unexcused,0", "L1004,2024-09-16,0,Absent_Excused,0");
    path = write_text(dir, "attendance.csv", fixed);
    assert_int_equal(import_ok(st, IMPORT_ATTENDANCE, path), 8);
    assert_int_equal(q64(st, "SELECT status FROM attendance WHERE learner_id = ? AND date = '2024-09-16'",
                         q64(st, "SELECT id FROM learner WHERE ref = 'L1004'", -1)), 2);
    assert_int_equal(q64(st, "SELECT count(*) FROM attendance", -1), 8);
    free(orig); free(fixed); free(path);

    /* The original files restore the original data exactly. */
    import_ok(st, IMPORT_LEARNERS, SAMPLES "/learners.csv");
    import_ok(st, IMPORT_ATTENDANCE, SAMPLES "/attendance.csv");
    before.n[NTABLES - 1] += 4;
    assert_unchanged(st, &before);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* A file with fewer columns updates what it has and keeps the rest; an
** empty cell in a column the file has clears the value. */
static void t_narrow_file_keeps(void **state) {
    store *st = fresh_school(state, "narrow");
    load_samples(st);
    char *dir = test_tmpdir();
    char *path = write_text(dir, "learners.csv",
                            "learner,given_name,family_name\nL1002,Lukas,Nowak\n");
    assert_int_equal(import_ok(st, IMPORT_LEARNERS, path), 1);
    assert_qtext(st, "SELECT given_name FROM learner WHERE ref = ?", "L1002", "Lukas");
    assert_qtext(st, "SELECT birth_date FROM learner WHERE ref = ?", "L1002", "2007-11-02");
    assert_qtext(st, "SELECT email FROM learner WHERE ref = ?", "L1002",
                 "lukasz.nowak@students.harbourside.example");
    assert_qtext(st, "SELECT a.first_language FROM learner_audit a JOIN learner l"
                 " ON l.institution_id = a.institution_id AND l.id = a.learner_id WHERE l.ref = ?",
                 "L1002", "pl");
    free(path);
    path = write_text(dir, "learners.csv",
                      "learner,given_name,family_name,email,gender\nL1002,Lukas,Nowak,,\n");
    assert_int_equal(import_ok(st, IMPORT_LEARNERS, path), 1);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner WHERE ref = 'L1002' AND email IS NULL", -1), 1);
    assert_qtext(st, "SELECT birth_date FROM learner WHERE ref = ?", "L1002", "2007-11-02");
    assert_int_equal(q64(st, "SELECT count(*) FROM learner_audit a JOIN learner l"
                         " ON l.institution_id = a.institution_id AND l.id = a.learner_id"
                         " WHERE l.ref = 'L1002' AND a.gender IS NULL AND a.first_language = 'pl'", -1), 1);
    free(path);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* ---- bad files ---------------------------------------------------------------- */

typedef struct expected {
    char *file;
    import_kind kind;
    buf messages;
} expected;

/* Parse tests/fixtures/import/bad/EXPECTED into *out; returns the count. */
static size_t expected_load(expected **out) {
    char *path = test_fixture("import/bad/EXPECTED");
    char *text = slurp(path, NULL);
    free(path);
    size_t n = 0, cap = 32;
    expected *e = xcalloc(cap, sizeof *e);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == 0) continue;
        if (!strncmp(line, "file: ", 6)) {
            if (n == cap) fail_msg("EXPECTED: too many blocks");
            e[n].file = xstrdup(line + 6);
            e[n].kind = (import_kind)-1;
            buf_init(&e[n].messages);
            n++;
        } else if (!n) {
            fail_msg("EXPECTED: \"%s\" before the first file:", line);
        } else if (!strncmp(line, "kind: ", 6)) {
            int k = import_kind_parse(line + 6);
            if (k < 0) fail_msg("EXPECTED: unknown kind in \"%s\"", line);
            e[n - 1].kind = (import_kind)k;
        } else {
            buf_printf(&e[n - 1].messages, "%s\n", line);
        }
    }
    free(text);
    for (size_t i = 0; i < n; i++) {
        if ((int)e[i].kind < 0) fail_msg("EXPECTED: %s has no kind:", e[i].file);
        if (!e[i].messages.len) fail_msg("EXPECTED: %s has no messages", e[i].file);
        size_t kl = strlen(import_kind_name(e[i].kind));
        if (strncmp(e[i].file, import_kind_name(e[i].kind), kl) || e[i].file[kl] != '-')
            fail_msg("EXPECTED: %s is not named <kind>-...", e[i].file);
    }
    *out = e;
    return n;
}

static void expected_free(expected *e, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(e[i].file);
        buf_free(&e[i].messages);
    }
    free(e);
}

/* Every *.csv in the bad directory has a block in EXPECTED, and the other
** way round. */
static void t_bad_fixtures_listed(void **state) {
    (void)state;
    expected *e;
    size_t n = expected_load(&e);
    assert_true(n >= 17);
    DIR *d = opendir(BAD_DIR);
    assert_non_null(d);
    struct dirent *de;
    size_t csvs = 0;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".csv")) continue;
        csvs++;
        size_t i = 0;
        while (i < n && strcmp(e[i].file, de->d_name)) i++;
        if (i == n) fail_msg("%s/%s has no block in EXPECTED", BAD_DIR, de->d_name);
    }
    closedir(d);
    assert_int_equal(csvs, n);
    expected_free(e, n);
}

/* Each bad file is rejected with exactly the expected messages and writes
** nothing at all. */
static void t_bad_fixtures(void **state) {
    store *st = fresh_school(state, "bad");
    load_samples(st);
    expected *e;
    size_t n = expected_load(&e);
    for (size_t i = 0; i < n; i++) {
        snapshot before;
        snap(st, &before);
        buf p = BUF_INIT;
        buf_printf(&p, BAD_DIR "/%s", e[i].file);
        import_report rep;
        char *all;
        int rc = import1(st, NULL, e[i].kind, buf_cstr(&p), &rep, &all);
        if (rc == 0) fail_msg("%s was accepted", e[i].file);
        if (strcmp(all, buf_cstr(&e[i].messages)) != 0) {
            fprintf(stderr, "%s:\n  got:\n%s  want:\n%s", e[i].file, all, buf_cstr(&e[i].messages));
            fail();
        }
        /* A bad row gives 1 (rows collected); a bad file -1 (stopped). */
        assert_true(rc == 1 ? rep.rows_bad > 0 : rep.rows_bad == 0);
        assert_int_equal(rep.rows_written, 0);
        assert_unchanged(st, &before);
        free(all);
        import_report_free(&rep);
        buf_free(&p);
    }
    expected_free(e, n);
    test_store_drop(st);
}

/* A file with several bad rows reports every one, counts them, and the cap
** on messages works. */
static void t_several_bad_and_cap(void **state) {
    store *st = fresh_school(state, "cap");
    load_samples(st);
    snapshot before;
    snap(st, &before);
    const char *path = BAD_DIR "/attendance-several-bad-rows.csv";
    import_report rep;
    char *all;
    assert_int_equal(import1(st, NULL, IMPORT_ATTENDANCE, path, &rep, &all), 1);
    assert_int_equal(rep.rows_read, 9);
    assert_int_equal(rep.rows_bad, 7);   /* both rows of the repeated key */
    assert_int_equal(rep.rows_written, 0);
    assert_int_equal(rep.messages_dropped, 0);
    size_t lines = 0;
    for (const char *p = all; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, 7);
    char *full = all;
    import_report_free(&rep);

    import_opts o = {0};
    o.max_messages = 2;
    assert_int_equal(import1(st, &o, IMPORT_ATTENDANCE, path, &rep, &all), 1);
    assert_int_equal(rep.rows_bad, 7);
    assert_int_equal(rep.messages_dropped, 5);
    /* the first two messages, exactly */
    const char *second_end = strchr(strchr(full, '\n') + 1, '\n') + 1;
    assert_int_equal(strlen(all), (size_t)(second_end - full));
    assert_memory_equal(all, full, strlen(all));
    free(all);
    import_report_free(&rep);

    o.max_messages = 1;
    assert_int_equal(import1(st, &o, IMPORT_ATTENDANCE, path, &rep, &all), 1);
    assert_int_equal(rep.messages_dropped, 6);
    assert_int_equal(strchr(all, '\n') - all + 1, (long)(strchr(full, '\n') - full + 1));
    free(all);
    import_report_free(&rep);
    free(full);
    assert_unchanged(st, &before);
    test_store_drop(st);
}

/* The bad-rows file the import writes with --skip-bad for
** attendance-several-bad-rows.csv. */
static const char skipped_rows[] =
    "learner,date,session,status,minutes,cairn_error\n"
    "L1001,2024-09-30,0,present,0,\"attendance-several-bad-rows.csv:2:1: duplicate key: the same learner, date, session is also on line 9 of this file; cairn cannot know which row is right, so none of them is imported\"\n"
    "L9999,2024-09-30,0,present,0,\"attendance-several-bad-rows.csv:3:1: unknown learner \"\"L9999\"\": it is not in learners (import learners first)\"\n"
    "L1003,2024-13-01,0,present,0,\"attendance-several-bad-rows.csv:5:2: date \"\"2024-13-01\"\" is not a date of the form YYYY-MM-DD\"\n"
    "L1004,2024-09-30,0,abscent,0,\"attendance-several-bad-rows.csv:6:4: status \"\"abscent\"\" is not one of present, late, absent_excused or absent_unexcused\"\n"
    "L1006,2024-09-30,0,late,ten,\"attendance-several-bad-rows.csv:8:5: minutes \"\"ten\"\" is not a whole number\"\n"
    "L1001,2024-09-30,0,present,0,\"attendance-several-bad-rows.csv:9:1: duplicate key: the same learner, date, session is also on line 2 of this file; cairn cannot know which row is right, so none of them is imported\"\n"
    "L1008,2024-09-30,0,present,,attendance-several-bad-rows.csv:10:4: the row has 4 columns; the header has 5\n";

/* --skip-bad imports the good rows, writes the bad ones with a cairn_error
** column, and that file, fixed, imports cleanly. */
static void t_skip_bad(void **state) {
    store *st = fresh_school(state, "skipbad");
    load_samples(st);
    char *dir = test_tmpdir();
    buf skip = BUF_INIT;
    buf_printf(&skip, "%s/bad-rows.csv", dir);
    import_opts o = {0};
    o.skip_bad_path = buf_cstr(&skip);
    import_report rep;
    char *all;
    assert_int_equal(import1(st, &o, IMPORT_ATTENDANCE, BAD_DIR "/attendance-several-bad-rows.csv",
                             &rep, &all), 0);
    assert_int_equal(rep.rows_read, 9);
    assert_int_equal(rep.rows_written, 2);
    assert_int_equal(rep.rows_bad, 7);
    free(all);
    import_report_free(&rep);
    /* the two good rows are in, the bad ones not: neither row of the repeated
    ** key L1001 replaced what was stored */
    assert_int_equal(q64(st, "SELECT count(*) FROM attendance", -1), 8 + 2);
    assert_int_equal(q64(st, "SELECT count(*) FROM attendance WHERE date = '2024-09-30'", -1), 2);
    assert_int_equal(q64(st, "SELECT rows_bad FROM import_run WHERE id = (SELECT max(id) FROM import_run)", -1), 7);
    char *written = slurp(buf_cstr(&skip), NULL);
    assert_string_equal(written, skipped_rows);

    /* Fix the bad rows in the bad-rows file and import it as it is, with its
    ** cairn_error column (ignored).  The short row is fine on its own; of
    ** the two rows of L1001 the right one is kept. */
    char *a0 = replace(written, "L1001,2024-09-30,0,present,0,\"attendance-several-bad-rows.csv:9:1: "
                                "duplicate key: the same learner, date, session is also on line 2 "
                                "of this file; cairn cannot know which row is right, so none of "
                                "them is imported\"\n", "");
    char *a = replace(a0, "L9999,", "L1007,");
    char *b = replace(a, "L1003,2024-13-01,", "L1003,2024-09-30,");
    char *c = replace(b, ",abscent,", ",absent_excused,");
    char *d = replace(c, ",late,ten,", ",late,10,");
    char *path = write_text(dir, "fixed.csv", d);
    assert_int_equal(import1(st, NULL, IMPORT_ATTENDANCE, path, &rep, &all), 0);
    assert_string_equal(all, "");
    assert_int_equal(rep.rows_written, 6);
    assert_int_equal(q64(st, "SELECT count(*) FROM attendance WHERE date = '2024-09-30'", -1), 8);
    assert_int_equal(q64(st, "SELECT minutes FROM attendance WHERE date = '2024-09-30' AND learner_id = ?",
                         q64(st, "SELECT id FROM learner WHERE ref = 'L1006'", -1)), 10);
    free(all);
    import_report_free(&rep);
    free(written); free(a0); free(a); free(b); free(c); free(d); free(path);

    /* A skip-bad import with no bad row leaves an empty bad-rows file. */
    assert_int_equal(import1(st, &o, IMPORT_LEARNERS, SAMPLES "/learners.csv", &rep, &all), 0);
    assert_int_equal(rep.rows_bad, 0);
    written = slurp(buf_cstr(&skip), NULL);
    assert_string_equal(written, "");
    free(written);
    free(all);
    import_report_free(&rep);

    buf_free(&skip);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* ---- export ------------------------------------------------------------------ */

/* Every field of the CSV text at path, checked: none begins with = + - @
** unless neutralised; returns how many fields were neutralised. */
static int check_neutralised(const char *path) {
    cairn_err err = {0};
    csv_reader *r = csv_open_file(path, NULL, &err);
    if (!r) fail_msg("%s", err.msg);
    int rc, neutral = 0;
    while ((rc = csv_next(r, &err)) == 1) {
        for (size_t i = 0; i < csv_nfields(r); i++) {
            const char *f = csv_field(r, i, NULL);
            if (strchr("=+-@", f[0]) && f[0]) fail_msg("%s:%ld: field %zu \"%s\" can run as a formula",
                                                       path, csv_line(r), i + 1, f);
            if (f[0] == '\'') neutral++;
        }
    }
    if (rc < 0) fail_msg("%s", err.msg);
    csv_close(r);
    return neutral;
}

/* Export every kind and import the exports: nothing changes, and formulas
** in names do not survive as formulas in the export. */
static void t_export_roundtrip(void **state) {
    store *st = fresh_school(state, "export");
    load_samples(st);
    char *dir = test_tmpdir();
    const char evil[] =
        "learner,given_name,family_name,email\n"
        "L1009,\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\",@SUM(1),-x@evil.example\n"
        "L1010,+Anna,\"-2+3, Esq.\",\n";
    char *path = write_text(dir, "learners-evil.csv", evil);
    assert_int_equal(import_ok(st, IMPORT_LEARNERS, path), 2);
    free(path);
    assert_qtext(st, "SELECT given_name FROM learner WHERE ref = ?", "L1009",
                 "=HYPERLINK(\"http://evil.example/\",\"click\")");
    snapshot before;
    snap(st, &before);

    char *paths[IMPORT_KIND_COUNT];
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) {
        buf b = BUF_INIT;
        buf_printf(&b, "%s/%s.csv", dir, import_kind_name(import_order[i]));
        paths[i] = buf_detach(&b);
        FILE *f = fopen(paths[i], "w");
        assert_non_null(f);
        cairn_err err = {0};
        if (school_export(st, NULL, import_order[i], f, &err)) fail_msg("export: %s", err.msg);
        assert_int_equal(fclose(f), 0);
        int neutral = check_neutralised(paths[i]);
        if (import_order[i] == IMPORT_LEARNERS) assert_int_equal(neutral, 5);
        if (import_order[i] == IMPORT_GUARDIANS) assert_int_equal(neutral, 5);   /* +353 phones */
    }
    /* The exact cells. */
    char *text = slurp(paths[5], NULL);
    assert_non_null(strstr(text, "\nL1009,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\","
                                 "'@SUM(1),,'-x@evil.example,"));
    assert_non_null(strstr(text, "\nL1010,'+Anna,\"'-2+3, Esq.\","));
    free(text);
    /* Exported header = the spec's columns, in order. */
    text = slurp(paths[10], NULL);
    assert_memory_equal(text, "learner,date,session,status,minutes\n", 36);
    free(text);

    /* Import the exports, one session per file, then all in one session. */
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) import_ok(st, import_order[i], paths[i]);
    before.n[NTABLES - 1] += IMPORT_KIND_COUNT;
    snapshot mid;
    snap(st, &mid);
    assert_unchanged(st, &before);
    import_report rep;
    char *all;
    assert_int_equal(import_n(st, NULL, IMPORT_KIND_COUNT, import_order, (const char *const *)paths,
                              &rep, &all), 0);
    assert_string_equal(all, "");
    mid.n[NTABLES - 1] += 1;
    assert_unchanged(st, &mid);
    free(all);
    import_report_free(&rep);
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) free(paths[i]);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* ---- transactions --------------------------------------------------------------- */

/* An import stopped half way (importer_abort, as when the process is
** killed before the commit) leaves the database as it was. */
static void t_abort(void **state) {
    store *st = fresh_school(state, "abort");
    load_samples(st);
    char *dir = test_tmpdir();
    char *learners = write_text(dir, "learners.csv",
                                "learner,given_name,family_name\nL2001,Ciara,Brennan\n"
                                "L1001,Aoife,Byrne-Renamed\n");
    char *att = write_text(dir, "attendance.csv",
                           "learner,date,status\nL2001,2024-09-23,present\nL1001,2024-09-16,late\n");
    snapshot before;
    snap(st, &before);
    cairn_err err = {0};
    importer *im;
    assert_int_equal(importer_begin(st, NULL, &im, &err), 0);
    assert_int_equal(importer_file(im, IMPORT_LEARNERS, learners, &err), 0);
    assert_int_equal(importer_file(im, IMPORT_ATTENDANCE, att, &err), 0);
    assert_true(store_in_tx(st));
    importer_abort(im);
    assert_false(store_in_tx(st));
    assert_unchanged(st, &before);
    /* The same files then import fine: nothing was left half done. */
    const import_kind kinds[2] = {IMPORT_LEARNERS, IMPORT_ATTENDANCE};
    const char *paths[2] = {learners, att};
    import_report rep;
    char *all;
    assert_int_equal(import_n(st, NULL, 2, kinds, paths, &rep, &all), 0);
    assert_int_equal(rep.rows_written, 4);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner", -1), 9);
    free(all);
    import_report_free(&rep);
    free(learners);
    free(att);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* Several files in one session: when a later one is bad, nothing of the
** earlier ones is written — whether it has bad rows or fails as a whole. */
static void t_multi_file_bad(void **state) {
    store *st = fresh_school(state, "multi");
    load_samples(st);
    char *dir = test_tmpdir();
    char *learners = write_text(dir, "new-learners.csv",
                                "learner,given_name,family_name\nL2001,Ciara,Brennan\n"
                                "L2002,Darius,Popescu\n");
    char *att_bad_row = write_text(dir, "att.csv",
                                   "learner,date,status\nL2001,2024-09-23,present\n"
                                   "L2002,2024-09-23,gone\n");
    snapshot before;
    snap(st, &before);
    const import_kind kinds[2] = {IMPORT_LEARNERS, IMPORT_ATTENDANCE};
    const char *paths[2] = {learners, att_bad_row};
    import_report rep;
    char *all;
    assert_int_equal(import_n(st, NULL, 2, kinds, paths, &rep, &all), 1);
    assert_string_equal(all, "att.csv:3:3: status \"gone\" is not one of present, late, "
                             "absent_excused or absent_unexcused\n");
    assert_int_equal(rep.rows_written, 0);
    free(all);
    import_report_free(&rep);
    assert_unchanged(st, &before);

    /* Second file bad as a whole, the way `cairn import` handles it. */
    snap(st, &before);
    const char *whole_bad[] = {BAD_DIR "/learners-invalid-utf8.csv", BAD_DIR "/learners-empty.csv",
                               BAD_DIR "/staff-unknown-column.csv", "no/such/file.csv"};
    for (size_t i = 0; i < sizeof whole_bad / sizeof *whole_bad; i++) {
        const import_kind k2[2] = {IMPORT_LEARNERS, IMPORT_LEARNERS};
        const char *p2[2] = {learners, whole_bad[i]};
        assert_int_equal(import_n(st, NULL, 2, k2, p2, &rep, &all), -1);
        free(all);
        import_report_free(&rep);
        assert_unchanged(st, &before);
        snap(st, &before);

        /* A caller that goes on to importer_finish after a failed file
        ** must not commit the files before it either. */
        cairn_err err = {0};
        importer *im;
        assert_int_equal(importer_begin(st, NULL, &im, &err), 0);
        assert_int_equal(importer_file(im, IMPORT_LEARNERS, learners, &err), 0);
        assert_int_equal(importer_file(im, IMPORT_LEARNERS, whole_bad[i], &err), -1);
        import_report_init(&rep);
        assert_int_equal(importer_finish(im, &rep, &err), -1);
        import_report_free(&rep);
        assert_false(store_in_tx(st));
        assert_unchanged(st, &before);
        snap(st, &before);
    }
    free(before.rows);
    free(learners);
    free(att_bad_row);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* ---- edge cases ---------------------------------------------------------------- */

/* A file with a header and no rows is not an error: it imports nothing. */
static void t_header_only(void **state) {
    store *st = fresh_school(state, "headeronly");
    load_samples(st);
    char *dir = test_tmpdir();
    char *path = write_text(dir, "behaviour.csv", "\xEF\xBB\xBFincident;learner;date;type;severity\r\n");
    snapshot before;
    snap(st, &before);
    import_report rep;
    char *all;
    assert_int_equal(import1(st, NULL, IMPORT_BEHAVIOUR, path, &rep, &all), 0);
    assert_int_equal(rep.rows_read, 0);
    assert_int_equal(rep.rows_written, 0);
    before.n[NTABLES - 1] += 1;
    assert_unchanged(st, &before);
    free(all);
    import_report_free(&rep);
    free(path);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* General rules: header names in any case and order, unknown optional
** columns absent, spaces around values trimmed, booleans in their forms,
** the cairn_error column ignored, blank lines skipped. */
static void t_general_rules(void **state) {
    store *st = fresh_school(state, "rules");
    load_samples(st);
    char *dir = test_tmpdir();
    char *path = write_text(dir, "learners.csv",
        "Family_Name , LEARNER,given_name,Special_Needs,migrant_background,cairn_error\n"
        "  Brennan ,L2001,Ciara,TRUE,0,old message\n"
        "\n"
        "Popescu,L2002,\" Darius \",n,Yes,\n");
    assert_int_equal(import_ok(st, IMPORT_LEARNERS, path), 2);
    assert_qtext(st, "SELECT family_name || '|' || given_name FROM learner WHERE ref = ?", "L2001",
                 "Brennan|Ciara");
    assert_qtext(st, "SELECT given_name FROM learner WHERE ref = ?", "L2002", "Darius");
    assert_qtext(st, "SELECT special_needs || '|' || migrant_background FROM learner_audit a"
                     " JOIN learner l ON l.institution_id = a.institution_id AND l.id = a.learner_id"
                     " WHERE l.ref = ?", "L2002", "0|1");
    assert_qtext(st, "SELECT special_needs || '|' || migrant_background FROM learner_audit a"
                     " JOIN learner l ON l.institution_id = a.institution_id AND l.id = a.learner_id"
                     " WHERE l.ref = ?", "L2001", "1|0");
    free(path);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* Without an institution, scoped kinds fail clearly and write nothing. */
static void t_no_institution(void **state) {
    store *st = fresh_school(state, "noinst");
    snapshot before;
    snap(st, &before);
    import_report rep;
    char *all;
    assert_int_equal(import1(st, NULL, IMPORT_LEARNERS, SAMPLES "/learners.csv", &rep, &all), -1);
    assert_non_null(strstr(all, "there is no institution yet"));
    free(all);
    import_report_free(&rep);
    assert_unchanged(st, &before);
    /* With two institutions, --institution picks one. */
    import_ok(st, IMPORT_INSTITUTIONS, SAMPLES "/institutions.csv");
    char *dir = test_tmpdir();
    char *path = write_text(dir, "institutions.csv", "institution,name,country\nNSC,North Side College,IE\n");
    import_ok(st, IMPORT_INSTITUTIONS, path);
    assert_int_equal(import1(st, NULL, IMPORT_SITES, SAMPLES "/sites.csv", &rep, &all), -1);
    assert_non_null(strstr(all, "--institution"));
    free(all);
    import_report_free(&rep);
    import_opts o = {0};
    o.institution = "NSC";
    assert_int_equal(import1(st, &o, IMPORT_SITES, SAMPLES "/sites.csv", &rep, &all), 0);
    assert_int_equal(q64(st, "SELECT count(*) FROM site s JOIN institution i ON i.id = s.institution_id"
                             " WHERE i.code = 'NSC'", -1), 3);
    free(all);
    import_report_free(&rep);
    free(path);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* ---- the documentation ---------------------------------------------------------- */

/* The column table of spec as docs/import.md shows it. */
static void spec_table(const import_spec *s, buf *out) {
    buf_puts(out, "| column | required | type | meaning |\n|---|---|---|---|\n");
    for (size_t i = 0; i < s->ncols; i++) {
        const import_col *c = &s->cols[i];
        buf_printf(out, "| `%s` | %s | ", c->name, c->required ? "yes" : "no");
        switch (c->type) {
        case COL_TEXT: buf_printf(out, "text, up to %zu bytes", c->max_len); break;
        case COL_CODE: buf_printf(out, "code, up to %zu bytes", c->max_len); break;
        case COL_DATE: buf_puts(out, "date"); break;
        case COL_INT: buf_printf(out, "whole number %.0f to %.0f", c->min, c->max); break;
        case COL_NUM:
            if (c->max >= 1e9) buf_printf(out, "number, %g or more", c->min);
            else buf_printf(out, "number %g to %g", c->min, c->max);
            break;
        case COL_BOOL: buf_puts(out, "yes/no"); break;
        case COL_ENUM:
            buf_puts(out, "one of ");
            for (int k = 0; c->values[k]; k++) buf_printf(out, "%s`%s`", k ? ", " : "", c->values[k]);
            break;
        }
        buf_printf(out, " | %s |\n", c->help);
    }
}

/* docs/import.md has a section per kind whose table matches import_spec.c
** exactly, a link to the kind's sample, and the sample's header uses only
** the spec's columns.  On a mismatch the table to paste is printed. */
static void t_doc_in_sync(void **state) {
    (void)state;
    char *doc = slurp("docs/import.md", NULL);
    int bad = 0;
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        const import_spec *s = import_spec_of((import_kind)k);
        buf want = BUF_INIT, head = BUF_INIT, link = BUF_INIT;
        buf_printf(&head, "\n## %s\n", s->name);
        buf_printf(&link, "(samples/%s.csv)", s->name);
        spec_table(s, &want);
        const char *sec = strstr(doc, buf_cstr(&head));
        const char *next = sec ? strstr(sec + 1, "\n## ") : NULL;
        if (!sec) {
            fprintf(stderr, "docs/import.md has no section \"## %s\"\n", s->name);
            bad = 1;
        } else {
            const char *tab = strstr(sec, buf_cstr(&want));
            const char *lnk = strstr(sec, buf_cstr(&link));
            if (!tab || (next && tab > next)) {
                fprintf(stderr, "docs/import.md, section %s: the table must be\n%s", s->name,
                        buf_cstr(&want));
                bad = 1;
            }
            if (!lnk || (next && lnk > next)) {
                fprintf(stderr, "docs/import.md, section %s: no link to %s\n", s->name, buf_cstr(&link));
                bad = 1;
            }
        }
        buf_free(&want);
        buf_free(&head);
        buf_free(&link);
    }
    assert_non_null(strstr(doc, "\n## OneRoster\n"));
    free(doc);
    assert_int_equal(bad, 0);
}

/* ---- dry runs ---------------------------------------------------------------- */

/* Assert two reports say the same: counts and every message. */
static void assert_reports_equal(import_report *dry, import_report *real) {
    assert_int_equal(dry->rows_read, real->rows_read);
    assert_int_equal(dry->rows_written, real->rows_written);
    assert_int_equal(dry->rows_bad, real->rows_bad);
    assert_int_equal(dry->messages_dropped, real->messages_dropped);
    assert_string_equal(buf_cstr(&dry->messages), buf_cstr(&real->messages));
}

/* A dry run of each sample, in order, writes nothing (not even import_run)
** and reports exactly what the real import of the same file then does;
** the same for a file with bad rows, whose key conflicts and unknown
** references only the database finds. */
static void t_dry_run(void **state) {
    store *st = fresh_school(state, "dryrun");
    import_opts dry = {0};
    dry.dry_run = 1;
    for (int i = 0; i < IMPORT_KIND_COUNT; i++) {
        char *p = sample_path(import_order[i]);
        snapshot before;
        snap(st, &before);
        import_report drep, rrep;
        char *dall, *rall;
        int drc = import1(st, &dry, import_order[i], p, &drep, &dall);
        if (drc != 0) fail_msg("dry run of %s: rc %d\n%s", p, drc, dall);
        assert_true(drep.rows_written > 0);
        assert_unchanged(st, &before);
        int rrc = import1(st, NULL, import_order[i], p, &rrep, &rall);
        assert_int_equal(rrc, drc);
        assert_reports_equal(&drep, &rrep);
        assert_string_equal(dall, rall);
        free(dall);
        free(rall);
        import_report_free(&drep);
        import_report_free(&rrep);
        free(p);
    }
    const char *path = BAD_DIR "/attendance-several-bad-rows.csv";
    snapshot before;
    snap(st, &before);
    import_report drep, rrep;
    char *dall, *rall;
    assert_int_equal(import1(st, &dry, IMPORT_ATTENDANCE, path, &drep, &dall), 1);
    assert_int_equal(drep.rows_written, 0);
    assert_true(drep.rows_bad > 0);
    assert_int_equal(import1(st, NULL, IMPORT_ATTENDANCE, path, &rrep, &rall), 1);
    assert_reports_equal(&drep, &rrep);
    assert_string_equal(dall, rall);
    assert_non_null(strstr(dall, "attendance-several-bad-rows.csv:3:1: unknown learner"));
    assert_unchanged(st, &before);
    free(dall);
    free(rall);
    import_report_free(&drep);
    import_report_free(&rrep);
    test_store_drop(st);
}

/* Number of '\n' in s. */
static size_t count_lines(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* ---- a key repeated in one file ------------------------------------------------ */

/* An engagement file with one row per site instead of per day: the key
** learner, date, source, metric is on three rows.  All three are bad,
** each naming the others; with --skip-bad none of them replaces the value
** stored (the trial where 1,246,652 clicks became 198,788). */
static void t_repeated_key(void **state) {
    store *st = fresh_school(state, "repeat");
    load_samples(st);
    char *dir = test_tmpdir();
    char *path = write_text(dir, "eng.csv",
        "learner,date,source,metric,value\n"
        "L1001,2024-09-16,moodle,logins,10\n"
        "L1002,2024-09-16,moodle,logins,4\n"
        "L1001,2024-09-16,moodle,logins,20\n"
        "L1001,2024-09-16,moodle,logins,30\n");
    const char *stored = "SELECT CAST(round(value * 10) AS BIGINT) FROM engagement e JOIN learner l"
                         " ON l.institution_id ="
                         " e.institution_id AND l.id = e.learner_id WHERE l.ref = ? AND"
                         " e.date = '2024-09-16' AND e.source = 'moodle' AND e.metric = 'logins'";
    char *before_value = qtext(st, stored, "L1001");
    snapshot before;
    snap(st, &before);
    import_report rep;
    char *all;
    assert_int_equal(import1(st, NULL, IMPORT_ENGAGEMENT, path, &rep, &all), 1);
    assert_string_equal(all,
        "eng.csv:2:1: duplicate key: the same learner, date, source, metric is also on lines 4 and 5 of this file; cairn cannot know which row is right, so none of them is imported\n"
        "eng.csv:4:1: duplicate key: the same learner, date, source, metric is also on lines 2 and 5 of this file; cairn cannot know which row is right, so none of them is imported\n"
        "eng.csv:5:1: duplicate key: the same learner, date, source, metric is also on lines 2 and 4 of this file; cairn cannot know which row is right, so none of them is imported\n");
    assert_int_equal(rep.rows_read, 4);
    assert_int_equal(rep.rows_bad, 3);
    assert_unchanged(st, &before);
    free(all);
    import_report_free(&rep);

    buf skip = BUF_INIT;
    buf_printf(&skip, "%s/bad.csv", dir);
    import_opts o = {0};
    o.skip_bad_path = buf_cstr(&skip);
    assert_int_equal(import1(st, &o, IMPORT_ENGAGEMENT, path, &rep, &all), 0);
    assert_int_equal(rep.rows_read, 4);
    assert_int_equal(rep.rows_written, 1);
    assert_int_equal(rep.rows_bad, 3);
    assert_qtext(st, stored, "L1001", before_value);   /* not replaced by any of them */
    assert_qtext(st, stored, "L1002", "40");   /* tenths */
    char *bad = slurp(buf_cstr(&skip), NULL);
    assert_int_equal(count_lines(bad), 4);   /* header and the three rows */
    assert_non_null(strstr(bad, "L1001,2024-09-16,moodle,logins,10,"));
    assert_non_null(strstr(bad, "L1001,2024-09-16,moodle,logins,30,"));
    free(bad);
    free(all);
    import_report_free(&rep);
    free(before_value);
    buf_free(&skip);
    free(path);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* Repeated keys where rows go in batches of 64 (attendance) and where they
** make new entities (learners): the first rows already written are undone,
** and identifiers learnt from them are forgotten, so a later file of the
** same import cannot refer to a learner that was not written. */
static void t_repeated_key_batches(void **state) {
    store *st = fresh_school(state, "repeatb");
    load_samples(st);
    char *dir = test_tmpdir();
    buf att = BUF_INIT;
    buf_puts(&att, "learner,date,session,status,minutes\n");
    for (int d = 1; d <= 150; d++) {  /* 150 rows; L1002 on 2024-01-01 on lines 2 and 140 */
        int k = d == 139 ? 1 : d;
        buf_printf(&att, "L100%d,2024-%02d-%02d,0,present,0\n", d % 2 ? 2 : 3,
                   1 + (k - 1) / 28, 1 + (k - 1) % 28);
    }
    char *apath = write_text(dir, "att.csv", buf_cstr(&att));
    buf_free(&att);
    char *lpath = write_text(dir, "learners.csv",
        "learner,given_name,family_name\n"
        "L3001,Ada,Lovelace\n"
        "L3002,Alan,Turing\n"
        "L3001,Ada,King\n");
    char *epath = write_text(dir, "enrolments.csv",
        "learner,programme,start_date,status\n"
        "L3001,ELEC,2024-09-02,active\n"
        "L3002,ELEC,2024-09-02,active\n");
    import_kind kinds[] = {IMPORT_ATTENDANCE, IMPORT_LEARNERS, IMPORT_ENROLMENTS};
    const char *paths[] = {apath, lpath, epath};
    buf skip = BUF_INIT;
    buf_printf(&skip, "%s/bad.csv", dir);
    import_opts o = {0};
    o.skip_bad_path = buf_cstr(&skip);
    import_report rep;
    char *all;
    assert_int_equal(import_n(st, &o, 3, kinds, paths, &rep, &all), 0);
    assert_string_equal(all,
        "att.csv:2:1: duplicate key: the same learner, date, session is also on line 140 of this file; cairn cannot know which row is right, so none of them is imported\n"
        "att.csv:140:1: duplicate key: the same learner, date, session is also on line 2 of this file; cairn cannot know which row is right, so none of them is imported\n"
        "learners.csv:2:1: duplicate key: the same learner is also on line 4 of this file; cairn cannot know which row is right, so none of them is imported\n"
        "learners.csv:4:1: duplicate key: the same learner is also on line 2 of this file; cairn cannot know which row is right, so none of them is imported\n"
        "enrolments.csv:2:1: unknown learner \"L3001\": it is not in learners (import learners first)\n");
    assert_int_equal(rep.rows_read, 150 + 3 + 2);
    assert_int_equal(rep.rows_written, 148 + 1 + 1);
    assert_int_equal(q64(st, "SELECT count(*) FROM attendance WHERE date < '2024-07-01'", -1), 148);
    assert_int_equal(q64(st, "SELECT count(*) FROM learner WHERE ref LIKE 'L300%'", -1), 1);
    assert_int_equal(q64(st, "SELECT count(*) FROM enrolment e JOIN learner l ON l.institution_id ="
                             " e.institution_id AND l.id = e.learner_id WHERE l.ref = 'L3002'", -1), 1);
    free(all);
    import_report_free(&rep);
    buf_free(&skip);
    free(apath); free(lpath); free(epath);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

/* --sum adds the rows of a key up (engagement only); importing the same
** file again gives the same sums, not double. */
static void t_sum(void **state) {
    store *st = fresh_school(state, "sum");
    load_samples(st);
    char *dir = test_tmpdir();
    char *path = write_text(dir, "eng.csv",
        "learner,date,source,metric,value\n"
        "L1001,2024-09-16,moodle,logins,10\n"
        "L1002,2024-09-16,moodle,logins,4\n"
        "L1001,2024-09-16,moodle,logins,20.5\n"
        "L1001,2024-09-16,moodle,logins,30\n");
    const char *stored = "SELECT CAST(round(value * 10) AS BIGINT) FROM engagement e JOIN learner l"
                         " ON l.institution_id ="
                         " e.institution_id AND l.id = e.learner_id WHERE l.ref = ? AND"
                         " e.date = '2024-09-16' AND e.source = 'moodle' AND e.metric = 'logins'";
    import_opts o = {0};
    o.sum = 1;
    import_report rep;
    char *all;
    for (int twice = 0; twice < 2; twice++) {
        assert_int_equal(import1(st, &o, IMPORT_ENGAGEMENT, path, &rep, &all), 0);
        assert_string_equal(all, "");
        assert_int_equal(rep.rows_written, 4);
        assert_qtext(st, stored, "L1001", "605");
        assert_qtext(st, stored, "L1002", "40");   /* tenths */
        free(all);
        import_report_free(&rep);
    }
    snapshot before;
    snap(st, &before);
    assert_int_equal(import1(st, &o, IMPORT_ATTENDANCE, SAMPLES "/attendance.csv", &rep, &all), -1);
    assert_non_null(strstr(all, "--sum adds up engagement values; attendance rows"));
    assert_unchanged(st, &before);
    free(all);
    import_report_free(&rep);
    free(path);
    test_rm_rf(dir);
    free(dir);
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_doc_in_sync),
        cmocka_unit_test(t_bad_fixtures_listed),
        BOTH(t_samples),
        BOTH(t_samples_one_session),
        BOTH(t_reimport_same),
        BOTH(t_corrected),
        BOTH(t_narrow_file_keeps),
        BOTH(t_bad_fixtures),
        BOTH(t_several_bad_and_cap),
        BOTH(t_skip_bad),
        BOTH(t_export_roundtrip),
        BOTH(t_abort),
        BOTH(t_multi_file_bad),
        BOTH(t_header_only),
        BOTH(t_general_rules),
        BOTH(t_no_institution),
        BOTH(t_dry_run),
        BOTH(t_repeated_key),
        BOTH(t_repeated_key_batches),
        BOTH(t_sum),
    };
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
