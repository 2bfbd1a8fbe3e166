/*
** fuzz/fuzz_import.h — the body of every importer fuzz target.
**
** Each fuzz/fuzz_import_<kind>.c defines FUZZ_KIND and includes this file.
** Once per process: an in-memory SQLite database with the school tables and
** a small school (institution, site, term, programme, group, staff,
** learners) for references to resolve against.  For every input: begin an
** import session, import the input as a file of FUZZ_KIND, finish it (bad
** rows) or abort it — then check that nothing changed unless every row was
** good, so "a bad file changes nothing" is checked on every input.
*/
#include "school/school.h"
#include "store/store.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static store *fuzz_db;
static char fuzz_path[64];

/* Write n bytes to path or die. */
static void fuzz_write(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) abort();
}

/* Import text as a file of kind into the fuzz database, or die. */
static void fuzz_seed(import_kind kind, const char *text) {
    cairn_err err = {0};
    importer *im;
    import_report rep;
    fuzz_write(fuzz_path, text, strlen(text));
    if (importer_begin(fuzz_db, NULL, &im, &err) < 0 ||
        importer_file(im, kind, fuzz_path, &err) < 0 ||
        importer_finish(im, &rep, &err) != 0) {
        fprintf(stderr, "fuzz seed %s: %s\n", import_kind_name(kind), err.msg);
        abort();
    }
    import_report_free(&rep);
}

/* A fingerprint of the database: row counts of the tables imports touch. */
static int64_t fuzz_fingerprint(void) {
    static const char *const sql =
        "SELECT (SELECT count(*) FROM institution) + 10 * (SELECT count(*) FROM learner)"
        " + 100 * (SELECT count(*) FROM attendance) + 1000 * (SELECT count(*) FROM import_run)"
        " + 10000 * (SELECT count(*) FROM enrolment) + 100000 * (SELECT count(*) FROM guardian)"
        " + 1000000 * (SELECT count(*) FROM result)";
    cairn_err err = {0};
    int64_t v = 0;
    if (store_query_int64(fuzz_db, sql, -1, &v, &err) < 0) abort();
    return v;
}

/* Open the database and the small school once. */
static void fuzz_init(void) {
    cairn_err err = {0};
    snprintf(fuzz_path, sizeof fuzz_path, "/tmp/cairn-fuzz-%d.csv", (int)getpid());
    if (store_open(":memory:", &fuzz_db, &err) < 0 || school_migrate(fuzz_db, NULL, &err) < 0) {
        fprintf(stderr, "fuzz init: %s\n", err.msg);
        abort();
    }
    fuzz_seed(IMPORT_INSTITUTIONS, "institution,name,country\nDEMO,Demo College,IE\n");
    fuzz_seed(IMPORT_SITES, "site,name\nMAIN,Main campus\n");
    fuzz_seed(IMPORT_TERMS, "term,name,school_year,start_date,end_date\n"
                            "2024-T1,Autumn,2024/25,2024-09-02,2024-12-20\n");
    fuzz_seed(IMPORT_PROGRAMMES, "programme,name,eqf_level\nEL,Electrician,4\nCK,Cook,3\n");
    fuzz_seed(IMPORT_GROUPS, "group,name,programme,site\nEL-1A,EL 1A,EL,MAIN\n");
    fuzz_seed(IMPORT_STAFF, "staff,given_name,family_name\nS1,Ann,Byrne\n");
    fuzz_seed(IMPORT_LEARNERS, "learner,given_name,family_name,birth_date\n"
                               "L1,Aoife,Murphy,2007-03-01\nL2,Jan,Nowak,2006-11-30\n");
    fuzz_seed(IMPORT_ENROLMENTS, "learner,programme,start_date,group,status\n"
                                 "L1,EL,2024-09-02,EL-1A,active\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!fuzz_db) fuzz_init();
    int64_t before = fuzz_fingerprint();
    fuzz_write(fuzz_path, data, size);
    cairn_err err = {0};
    importer *im;
    if (importer_begin(fuzz_db, NULL, &im, &err) < 0) abort();
    if (importer_file(im, FUZZ_KIND, fuzz_path, &err) < 0) {
        if (!err.msg[0]) abort();          /* a failure must say why */
        importer_abort(im);
    } else {
        import_report rep;
        int rc = importer_finish(im, &rep, &err);
        if (rc < 0) abort();               /* only bad rows may stop a readable file */
        if (rc == 1 && (rep.rows_bad == 0 || rep.messages.len == 0)) abort();
        import_report_free(&rep);
        if (rc == 0) {
            /* A good file landed: put the database back for the next input. */
            store_close(fuzz_db);
            fuzz_db = NULL;
            fuzz_init();
            before = fuzz_fingerprint();
        }
    }
    if (fuzz_fingerprint() != before) abort();   /* a rejected file changed something */
    return 0;
}
